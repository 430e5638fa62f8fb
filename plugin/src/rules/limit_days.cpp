// LIMIT-DAYS: a drug prescribed for more days than one prescription may
// carry: the catalog's `max_days` for the item where it gives one, otherwise
// the pack's limit (limits.csv) for the encounter type, for discharge
// medication, or for a long-term prescription of a chronic-disease drug.
// Only drugs the fund pays count: a self-paid supply costs it nothing.
#include "rule.hpp"

namespace medlint {
namespace {

// The limit that applies to one prescription, and the variant naming it.
struct SupplyLimit {
    std::string variant;
    std::optional<int> days;
    std::vector<std::string> points = {};  // the knowledge points a catalog limit comes from
};

class LimitDays : public Rule {
public:
    LimitDays()
        : Rule({"LIMIT-DAYS",
                {{"catalog", {"item", "days", "limit"}},
                {"emergency", {"item", "days", "limit"}},
                {"long-term-max", {"item", "days", "limit"}},
                {"long-term", {"item", "days", "limit"}},
                {"discharge", {"item", "days", "limit"}},
                {"outpatient", {"item", "days", "limit"}}},
                kEveryMode}) {}

    void check(const RuleContext &context, std::vector<Finding> &findings) const override {
        for (const auto &item : context.document.items) {
            const CatalogEntry *entry = paid_catalog_entry(context.knowledge, item);
            if (item.kind != "drug" || item.days == 0 || !entry) continue;
            if (auto finding = check_item(context, item, *entry)) findings.push_back(std::move(*finding));
        }
    }

private:
    static std::optional<Finding> check_item(const RuleContext &context, const Item &item, const CatalogEntry &entry) {
        const Knowledge &knowledge = context.knowledge;
        const Encounter &encounter = context.document.encounter;
        if (entry.max_days) return beyond(item, {"catalog", entry.max_days, entry.days_kp});
        if (encounter.type == "emergency") return beyond(item, {"emergency", knowledge.limit("supply_days_emergency")});
        // Inpatient orders run day by day; only what the patient takes home has a limit.
        if (encounter.is_inpatient() && !item.discharge_medication) return std::nullopt;
        if (knowledge.in_code_set("long_term_drug", item.code)) {
            // Long-term prescriptions: normally 4 weeks, for a stable condition up to 12.
            if (auto over = beyond(item, {"long-term-max", knowledge.limit("supply_days_long_term_max")})) return over;
            auto extended = beyond(item, {"long-term", knowledge.limit("supply_days_long_term")});
            if (extended) {  // a stable condition may justify it: a person judges
                extended->mitigated = true;
                extended->certainty = Certainty::suspected;
            }
            return extended;
        }
        if (item.discharge_medication) return beyond(item, {"discharge", knowledge.limit("supply_days_discharge")});
        return beyond(item, {"outpatient", knowledge.limit("supply_days_outpatient")});
    }

    static std::optional<Finding> beyond(const Item &item, const SupplyLimit &limit) {
        if (!limit.days || item.days <= *limit.days) return std::nullopt;
        Finding finding{"LIMIT-DAYS", limit.variant, {item.id}, std::nullopt, "reduce-days",
                        {{"item", item_label(item)}, {"days", std::to_string(item.days)},
                         {"limit", std::to_string(*limit.days)}}};
        finding.knowledge_points = limit.points;
        return finding;
    }
};

}  // namespace

std::unique_ptr<Rule> make_limit_days() { return std::make_unique<LimitDays>(); }

}  // namespace medlint
