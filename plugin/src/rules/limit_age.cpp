// LIMIT-AGE: an item billed for a patient whose age in full years on the
// item's date is outside the catalog's `min_age`..`max_age`, or, for a
// neonate item, whose age in days is above `max_age_days`.  Without a
// recorded birth date, a valid resident-id number's is used.
#include "rule.hpp"

namespace medlint {
namespace {

class LimitAge : public Rule {
public:
    LimitAge()
        : Rule({"LIMIT-AGE",
                restriction_variants({{"below-min", {"item", "age", "min-age", "date", "birth-date"}},
                                      {"above-max", {"item", "age", "max-age", "date", "birth-date"}},
                                      {"above-max-days", {"item", "age-days", "max-age-days", "date", "birth-date"}}}),
                kEveryMode}) {}

    void check(const RuleContext &context, std::vector<Finding> &findings) const override {
        std::optional<Date> born = known_birth_date(context);
        if (!born) return;
        for (const auto &item : context.document.items) {
            const CatalogEntry *entry = paid_catalog_entry(context.knowledge, item);
            if (!entry || (!entry->min_age && !entry->max_age && !entry->max_age_days)) continue;
            if (auto finding = check_item(context.document, item, *entry, *born)) findings.push_back(std::move(*finding));
        }
    }

private:
    static std::optional<Finding> check_item(const Document &document, const Item &item, const CatalogEntry &entry,
                                             Date born) {
        auto finding = [&](const char *variant, std::vector<std::pair<std::string, std::string>> params) {
            params.push_back({"date", item.date.str()});
            params.push_back({"birth-date", born.str()});
            return restriction_finding(document, item, "LIMIT-AGE", variant, std::move(params), entry.age_kp);
        };
        // A neonate bound is counted in days: a child of two months is 0 in full years.
        int days = item.date.days - born.days;
        if (entry.max_age_days && days > *entry.max_age_days)
            return finding("above-max-days",
                           {{"age-days", std::to_string(days)}, {"max-age-days", std::to_string(*entry.max_age_days)}});
        int age = item.date.full_years_since(born);
        if (entry.min_age && age < *entry.min_age)
            return finding("below-min", {{"age", std::to_string(age)}, {"min-age", std::to_string(*entry.min_age)}});
        if (entry.max_age && age > *entry.max_age)
            return finding("above-max", {{"age", std::to_string(age)}, {"max-age", std::to_string(*entry.max_age)}});
        return std::nullopt;
    }
};

}  // namespace

std::unique_ptr<Rule> make_limit_age() { return std::make_unique<LimitAge>(); }

}  // namespace medlint
