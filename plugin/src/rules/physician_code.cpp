// PHYSICIAN-CODE: the document or an item lacks the responsible physician's
// national code (D + 6-digit region + 6-digit sequence), or has a malformed one.
#include "../resident_id.hpp"
#include "rule.hpp"

namespace medlint {
namespace {

bool is_physician_code(const std::string &code) {
    if (code.size() != 13 || code[0] != 'D') return false;
    for (size_t i = 1; i < code.size(); ++i)
        if (code[i] < '0' || code[i] > '9') return false;
    return is_province_code(std::string_view(code).substr(1, 2));
}

class PhysicianCode : public Rule {
public:
    PhysicianCode()
        : Rule({"PHYSICIAN-CODE",
                {{"document-missing", {}},
                {"document-malformed", {"code"}},
                {"item-missing", {"item"}},
                {"item-malformed", {"code", "item"}}},
                kEveryMode}) {}

    void check(const RuleContext &context, std::vector<Finding> &findings) const override {
        const Document &document = context.document;
        std::string code = document.physician_code();
        if (!is_physician_code(code)) {
            std::vector<std::string> relying;
            for (const auto &item : document.items)
                if (!item.own_physician) relying.push_back(item.id);
            findings.push_back({"PHYSICIAN-CODE", code.empty() ? "document-missing" : "document-malformed", relying,
                                std::nullopt, "add-physician", {{"code", code}}});
        }
        for (const auto &item : document.items) {
            if (!item.own_physician || is_physician_code(item.physician)) continue;
            findings.push_back({"PHYSICIAN-CODE", item.physician.empty() ? "item-missing" : "item-malformed",
                                {item.id}, std::nullopt, "add-physician",
                                {{"code", item.physician}, {"item", item.name.empty() ? item.code : item.name}}});
        }
    }
};

}  // namespace

std::unique_ptr<Rule> make_physician_code() { return std::make_unique<PhysicianCode>(); }

}  // namespace medlint
