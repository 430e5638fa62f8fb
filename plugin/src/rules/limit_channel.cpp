// LIMIT-CHANNEL: a narcotic, psychotropic or other controlled drug
// (national class 超互联网医院药品支付范围, internet_excluded.csv) prescribed
// in an internet-hospital visit (encounter/@channel="internet").  Not a
// payment restriction: such a prescription must not be written at all, so a
// consent does not answer it.
#include "rule.hpp"

namespace medlint {
namespace {

class LimitChannel : public Rule {
public:
    LimitChannel() : Rule({"LIMIT-CHANNEL", {{"internet", {"item", "code", "kp", "batch"}}}, kEveryMode}) {}

    void check(const RuleContext &context, std::vector<Finding> &findings) const override {
        if (context.document.encounter.channel != "internet") return;
        for (const auto &item : context.document.items) {
            const CodeRestriction *row = context.knowledge.restriction(CodeTable::internet_excluded, item.code);
            if (!row) continue;
            auto params = knowledge_point_params(item, *row);
            params.insert(params.begin(), {"item", item_label(item)});
            Finding finding{"LIMIT-CHANNEL", "internet", {item.id}, std::nullopt, "remove", params};
            finding.knowledge_points = {row->kp};
            findings.push_back(std::move(finding));
        }
    }
};

}  // namespace

std::unique_ptr<Rule> make_limit_channel() { return std::make_unique<LimitChannel>(); }

}  // namespace medlint
