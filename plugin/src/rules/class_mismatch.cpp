// CLASS-MISMATCH: a line whose class in the HIS's own catalogue mapping
// (item/@insurance-class) is not the class a loaded catalogue gives its code.
// The HIS's class decides whether the line needs consent; the finding is
// there so that the mapping, or the catalogue, gets fixed.
#include "rule.hpp"

namespace medlint {
namespace {

class ClassMismatch : public Rule {
public:
    ClassMismatch()
        : Rule({"CLASS-MISMATCH", {{"differs", {"item", "code", "his-class", "catalogue-class"}}}, kEveryMode}) {}

    void check(const RuleContext &context, std::vector<Finding> &findings) const override {
        for (const auto &item : context.document.items) {
            LineClass line = line_class(context.knowledge, item);
            std::string his_class = to_string(item.insurance_class);
            if (his_class.empty() || line.catalogue_class.empty() || his_class == line.catalogue_class) continue;
            findings.push_back({"CLASS-MISMATCH", "differs", {item.id}, std::nullopt, "fix-mapping",
                                {{"item", item_label(item)}, {"code", item.code}, {"his-class", his_class},
                                 {"catalogue-class", line.catalogue_class}}});
        }
    }
};

}  // namespace

std::unique_ptr<Rule> make_class_mismatch() { return std::make_unique<ClassMismatch>(); }

}  // namespace medlint
