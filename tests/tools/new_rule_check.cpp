// Loads a rule pack as the engine does, with the rules registered in the
// registry.cpp it is linked with: new_rule_check PACK RULE-ID.  Exit 0 when
// the pack satisfies every registered rule's declaration and RULE-ID is one
// of them; 1, with the reason, otherwise.
#include <cstdio>
#include <exception>

#include "knowledge.hpp"
#include "rules/rule.hpp"

int main(int argc, char **argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: new_rule_check PACK RULE-ID\n");
        return 2;
    }
    try {
        medlint::Knowledge knowledge;
        knowledge.add_pack(medlint::read_pack_directory(argv[1]), argv[1]);
        medlint::require_registered_rules(knowledge);
        for (const auto &rule : medlint::registered_rules())
            if (rule->id() == argv[2]) {
                std::printf("%s registered; %s loads\n", argv[2], argv[1]);
                return 0;
            }
        std::fprintf(stderr, "%s is not registered\n", argv[2]);
    } catch (const std::exception &e) {
        std::fprintf(stderr, "%s\n", e.what());
    }
    return 1;
}
