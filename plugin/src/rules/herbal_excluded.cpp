// HERBAL-EXCLUDED: a herbal piece the fund never pays, alone or in a compound
// prescription (national class 中药饮片单复方均不予支付, herbs_excluded.csv).
// The patient pays, so it needs a signed consent, which lowers the finding.
#include "rule.hpp"

namespace medlint {
namespace {

class HerbalExcluded : public Rule {
public:
    HerbalExcluded()
        : Rule({"HERBAL-EXCLUDED", restriction_variants({{"excluded", {"item", "code", "kp", "batch"}}}),
                kEveryMode}) {}

    void check(const RuleContext &context, std::vector<Finding> &findings) const override {
        for (const auto &item : context.document.items) {
            const CodeRestriction *row = paid_restriction(context.knowledge, CodeTable::herbs_excluded, item);
            if (!row) continue;
            findings.push_back(restriction_finding(context.document, item, "HERBAL-EXCLUDED", "excluded",
                                                   knowledge_point_params(item, *row), {row->kp}));
        }
    }
};

}  // namespace

std::unique_ptr<Rule> make_herbal_excluded() { return std::make_unique<HerbalExcluded>(); }

}  // namespace medlint
