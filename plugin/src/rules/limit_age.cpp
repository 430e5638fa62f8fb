// LIMIT-AGE: an item billed for a patient whose age in full years on the
// item's date is outside the catalog's `min_age`..`max_age`.  Without a
// recorded birth date, a valid resident-id number's is used.
#include "rule.hpp"

namespace medlint {
namespace {

class LimitAge : public Rule {
public:
    LimitAge()
        : Rule({"LIMIT-AGE",
                restriction_variants({{"below-min", {"item", "age", "min-age", "date", "birth-date"}},
                                      {"above-max", {"item", "age", "max-age", "date", "birth-date"}}}),
                kEveryMode}) {}

    void check(const RuleContext &context, std::vector<Finding> &findings) const override {
        std::optional<Date> born = known_birth_date(context);
        if (!born) return;
        for (const auto &item : context.document.items) {
            const CatalogEntry *entry = paid_catalog_entry(context.knowledge, item);
            if (!entry || (!entry->min_age && !entry->max_age)) continue;
            int age = item.date.full_years_since(*born);
            const char *variant = entry->min_age && age < *entry->min_age   ? "below-min"
                                  : entry->max_age && age > *entry->max_age ? "above-max"
                                                                            : nullptr;
            if (!variant) continue;
            findings.push_back(restriction_finding(
                context.document, item, "LIMIT-AGE", variant,
                {{"age", std::to_string(age)},
                 {"min-age", entry->min_age ? std::to_string(*entry->min_age) : ""},
                 {"max-age", entry->max_age ? std::to_string(*entry->max_age) : ""},
                 {"date", item.date.str()}, {"birth-date", born->str()}}));
        }
    }
};

}  // namespace

std::unique_ptr<Rule> make_limit_age() { return std::make_unique<LimitAge>(); }

}  // namespace medlint
