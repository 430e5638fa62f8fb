// The registry: every rule, in the order their findings are reported.  A new
// rule is one line here and one in the list below (tools/new-rule adds both).
#include <algorithm>

#include "../error.hpp"
#include "rule.hpp"

namespace medlint {

std::unique_ptr<Rule> make_dup_test();
std::unique_ptr<Rule> make_dup_drug();
std::unique_ptr<Rule> make_consent_missing();
std::unique_ptr<Rule> make_id_invalid();
std::unique_ptr<Rule> make_id_mismatch();
std::unique_ptr<Rule> make_id_concurrent();
std::unique_ptr<Rule> make_physician_code();
std::unique_ptr<Rule> make_physician_suspended();
std::unique_ptr<Rule> make_limit_gender();
std::unique_ptr<Rule> make_limit_age();
std::unique_ptr<Rule> make_limit_indication();
std::unique_ptr<Rule> make_limit_days();
std::unique_ptr<Rule> make_date_outside_stay();
std::unique_ptr<Rule> make_split_admission();
std::unique_ptr<Rule> make_bed_idle();
std::unique_ptr<Rule> make_limit_level();
std::unique_ptr<Rule> make_limit_setting();
std::unique_ptr<Rule> make_limit_insurance();
std::unique_ptr<Rule> make_limit_channel();
std::unique_ptr<Rule> make_herbal_excluded();
std::unique_ptr<Rule> make_herbal_single();
std::unique_ptr<Rule> make_class_mismatch();
std::unique_ptr<Rule> make_dup_charge();
std::unique_ptr<Rule> make_surgery_discount();
std::unique_ptr<Rule> make_limit_course();
std::unique_ptr<Rule> make_limit_second_line();
std::unique_ptr<Rule> make_limit_frequency();

const std::vector<std::unique_ptr<Rule>> &registered_rules() {
    static const std::vector<std::unique_ptr<Rule>> rules = [] {
        std::vector<std::unique_ptr<Rule>> list;
        list.push_back(make_dup_test());
        list.push_back(make_dup_drug());
        list.push_back(make_consent_missing());
        list.push_back(make_id_invalid());
        list.push_back(make_id_mismatch());
        list.push_back(make_id_concurrent());
        list.push_back(make_physician_code());
        list.push_back(make_physician_suspended());
        list.push_back(make_limit_gender());
        list.push_back(make_limit_age());
        list.push_back(make_limit_indication());
        list.push_back(make_limit_days());
        list.push_back(make_date_outside_stay());
        list.push_back(make_split_admission());
        list.push_back(make_bed_idle());
        list.push_back(make_limit_level());
        list.push_back(make_limit_setting());
        list.push_back(make_limit_insurance());
        list.push_back(make_limit_channel());
        list.push_back(make_herbal_excluded());
        list.push_back(make_herbal_single());
        list.push_back(make_class_mismatch());
        list.push_back(make_dup_charge());
        list.push_back(make_surgery_discount());
        list.push_back(make_limit_course());
        list.push_back(make_limit_second_line());
        list.push_back(make_limit_frequency());
        return list;
    }();
    return rules;
}

void Rule::run(const RuleContext &context, std::vector<Finding> &findings) const {
    size_t first = findings.size();
    check(context, findings);
    for (size_t i = first; i < findings.size(); ++i) {
        const Finding &finding = findings[i];
        auto named = [&](const VariantDeclaration &variant) { return variant.name == finding.variant; };
        auto variant = std::find_if(declaration_.variants.begin(), declaration_.variants.end(), named);
        if (finding.rule != declaration_.id || variant == declaration_.variants.end())
            fail(MEDLINT_EINTERNAL, "rule " + declaration_.id + " reported " + finding.rule + ", variant " +
                                        finding.variant + ", which it does not declare");
        for (const auto &param : variant->params) {
            auto given = [&](const auto &pair) { return pair.first == param; };
            if (std::none_of(finding.params.begin(), finding.params.end(), given))
                fail(MEDLINT_EINTERNAL,
                     "rule " + declaration_.id + ", variant " + finding.variant + " gave no {" + param + "}");
        }
    }
}

bool RuleDeclaration::runs_in(Mode mode) const { return std::find(modes.begin(), modes.end(), mode) != modes.end(); }

void require_registered_rules(const Knowledge &knowledge) {
    std::vector<std::string> ids;
    // The engine's own text: what a finding's points would bring (engine.cpp).
    std::vector<TextRequirement> texts = {{"the threshold warning", {"threshold.suffix"}, {"total", "consequence"}}};
    for (const auto &rule : registered_rules()) {
        const RuleDeclaration &declaration = rule->declaration();
        ids.push_back(declaration.id);
        for (const auto &variant : declaration.variants) {
            std::string prefix = declaration.id + "." + variant.name + ".";
            texts.push_back({"rule " + declaration.id + ", variant " + variant.name,
                             {prefix + "message", prefix + "evidence", prefix + "suggestion"}, variant.params});
        }
    }
    knowledge.require(ids, texts);
}

}  // namespace medlint
