// LIMIT-SECOND-LINE: a drug the fund pays only as second-line treatment
// (national class 药品限二线使用, second_line_drugs.csv) billed with no sign
// that first-line treatment failed.  Two signs clear it: the hospital's
// approval of the line (item/@approved, national 医院审批标志), or an earlier
// item of the patient (committed, or an earlier line of this document) under
// one of the first-line code prefixes the point's text names.  Otherwise the
// finding is suspected, quoting the restriction: the record may simply not
// show a first line given elsewhere.
#include "rule.hpp"

namespace medlint {
namespace {

// A first line given at any time before counts: treatment that failed may lie years back.
const Date kAnyTime = Date::from_civil(1900, 1, 1);

bool first_line_given(const RuleContext &context, const Item &item, const std::string &prefixes) {
    for (const auto &prefix : words(prefixes))
        if (!related_items(context, item, CodeMatch{{}, prefix}, kAnyTime, item.date).empty()) return true;
    return false;
}

class LimitSecondLine : public Rule {
public:
    LimitSecondLine()
        : Rule({"LIMIT-SECOND-LINE",
                restriction_variants({{"no-first-line", {"item", "code", "kp", "batch", "restriction"}}}),
                kEveryMode}) {}

    void check(const RuleContext &context, std::vector<Finding> &findings) const override {
        for (const auto &item : context.document.items) {
            if (item.approved) continue;
            const CodeRestriction *row = paid_restriction(context.knowledge, CodeTable::second_line_drugs, item);
            if (!row || first_line_given(context, item, row->value)) continue;
            auto params = knowledge_point_params(item, *row);
            params.push_back({"restriction", row->restriction});
            findings.push_back(
                restriction_finding(context.document, item, "LIMIT-SECOND-LINE", "no-first-line", params, {row->kp}));
        }
    }
};

}  // namespace

std::unique_ptr<Rule> make_limit_second_line() { return std::make_unique<LimitSecondLine>(); }

}  // namespace medlint
