// DUP-CHARGE: both items of a published charge pair (charge_pairs.csv, the
// national class 医疗服务项目重复收费) billed for the patient on one day, in
// the document or against committed history.  Reported once, on the later
// line, naming the earlier one.
#include "rule.hpp"

namespace medlint {
namespace {

class DupCharge : public Rule {
public:
    DupCharge()
        : Rule({"DUP-CHARGE",
                {{"same-day", {"item", "other", "other-date", "other-encounter", "other-item", "including", "includes",
                               "kp", "batch"}}},
                kEveryMode}) {}

    void check(const RuleContext &context, std::vector<Finding> &findings) const override {
        for (const auto &item : context.document.items)
            for (const auto &pair : context.knowledge.charge_pairs(item.code))
                check_pair(context, item, pair, findings);
    }

private:
    static void check_pair(const RuleContext &context, const Item &item, const ChargePair &pair,
                           std::vector<Finding> &findings) {
        const bool item_includes = pair.code == item.code;
        const std::string &other_code = item_includes ? pair.paired_code : pair.code;
        auto billed = related_items(context, item, CodeMatch{{other_code}, ""}, item.date, item.date);
        if (billed.empty()) return;
        const PastItem &other = billed.front();
        std::string other_label = other.name.empty() ? other.code : other.name;
        std::vector<std::string> items;
        if (is_document_line(context.document, other))
            items.push_back(other.item_id);  // both lines are in this document
        items.push_back(item.id);
        Finding finding{"DUP-CHARGE", "same-day", items, std::nullopt, "remove",
                        {{"item", item_label(item)},
                         {"other", other_label},
                         {"other-date", other.date.str()},
                         {"other-encounter", encounter_label(context.document, other)},
                         {"other-item", other.item_id},
                         {"including", item_includes ? item_label(item) : other_label},
                         {"includes", pair.includes},
                         {"kp", pair.source.kp},
                         {"batch", pair.source.batch}},
                        other_code + " " + pair.source.kp};
        finding.knowledge_points = {pair.source.kp};
        findings.push_back(std::move(finding));
    }
};

}  // namespace

std::unique_ptr<Rule> make_dup_charge() { return std::make_unique<DupCharge>(); }

}  // namespace medlint
