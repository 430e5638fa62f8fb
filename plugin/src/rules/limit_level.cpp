// LIMIT-LEVEL: a drug the fund pays only in institutions of a level or above
// (national class 药品限医疗机构级别, drug_levels.csv), billed by an
// institution whose institution/@level is lower.  Silent without a level.
#include "rule.hpp"

namespace medlint {
namespace {

class LimitLevel : public Rule {
public:
    LimitLevel()
        : Rule({"LIMIT-LEVEL",
                restriction_variants({{"below-level", {"item", "code", "kp", "batch", "level", "min_level"}}}),
                kEveryMode}) {}

    void check(const RuleContext &context, std::vector<Finding> &findings) const override {
        const std::string &level = context.document.institution.level;
        if (level.empty()) return;  // unknown: nothing to compare
        for (const auto &item : context.document.items) {
            const CodeRestriction *row = paid_restriction(context.knowledge, CodeTable::drug_levels, item);
            if (!row || row->value <= level) continue;  // single digits compare as numbers
            auto params = knowledge_point_params(item, *row);
            params.push_back({"level", level});
            params.push_back({"min_level", row->value});
            findings.push_back(restriction_finding(context.document, item, "LIMIT-LEVEL", "below-level", params,
                                                   {row->kp}));
        }
    }
};

}  // namespace

std::unique_ptr<Rule> make_limit_level() { return std::make_unique<LimitLevel>(); }

}  // namespace medlint
