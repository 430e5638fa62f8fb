// LIMIT-SETTING: a drug the fund pays only in some kinds of care (national
// class 药品限就医方式, drug_settings.csv: inpatient, or emergency and
// inpatient) billed in another encounter/@type.  The rest of the restriction
// (a nutrition-risk screening, a diagnosis) is quoted, not judged.
#include "rule.hpp"

namespace medlint {
namespace {

bool names(const std::string &words, const std::string &word) {
    size_t at = 0;
    while ((at = words.find(word, at)) != std::string::npos) {
        size_t end = at + word.size();
        if ((at == 0 || words[at - 1] == ' ') && (end == words.size() || words[end] == ' ')) return true;
        at = end;
    }
    return false;
}

class LimitSetting : public Rule {
public:
    LimitSetting()
        : Rule({"LIMIT-SETTING",
                restriction_variants({{"inpatient-only", {"item", "code", "kp", "batch", "restriction"}},
                                      {"emergency-or-inpatient", {"item", "code", "kp", "batch", "restriction"}}}),
                kEveryMode}) {}

    void check(const RuleContext &context, std::vector<Finding> &findings) const override {
        const Encounter &encounter = context.document.encounter;
        for (const auto &item : context.document.items) {
            const CodeRestriction *row = paid_restriction(context.knowledge, CodeTable::drug_settings, item);
            if (!row || names(row->value, encounter.type)) continue;
            bool emergency_pays = names(row->value, "emergency");
            if (emergency_pays && encounter.rescue) continue;  // rescue care is emergency care
            auto params = knowledge_point_params(item, *row);
            params.push_back({"restriction", row->restriction});
            findings.push_back(restriction_finding(context.document, item, "LIMIT-SETTING",
                                                   emergency_pays ? "emergency-or-inpatient" : "inpatient-only",
                                                   params, {row->kp}));
        }
    }
};

}  // namespace

std::unique_ptr<Rule> make_limit_setting() { return std::make_unique<LimitSetting>(); }

}  // namespace medlint
