// LIMIT-INSURANCE: a drug only work-injury or maternity insurance pays
// (national classes 药品限工伤保险, 药品限生育保险; drug_insurances.csv),
// billed to another encounter/@insurance.  Silent without an insurance.
#include "rule.hpp"

namespace medlint {
namespace {

class LimitInsurance : public Rule {
public:
    LimitInsurance()
        : Rule({"LIMIT-INSURANCE",
                restriction_variants({{"work-injury-only", {"item", "code", "kp", "batch"}},
                                      {"maternity-only", {"item", "code", "kp", "batch"}}}),
                kEveryMode}) {}

    void check(const RuleContext &context, std::vector<Finding> &findings) const override {
        const std::string &insurance = context.document.encounter.insurance;
        if (insurance.empty()) return;  // unknown: nothing to compare
        for (const auto &item : context.document.items) {
            const CodeRestriction *row = paid_restriction(context.knowledge, CodeTable::drug_insurances, item);
            if (!row || row->value == insurance) continue;
            findings.push_back(restriction_finding(context.document, item, "LIMIT-INSURANCE", row->value + "-only",
                                                   knowledge_point_params(item, *row), {row->kp}));
        }
    }
};

}  // namespace

std::unique_ptr<Rule> make_limit_insurance() { return std::make_unique<LimitInsurance>(); }

}  // namespace medlint
