// DATE-OUTSIDE-STAY: an item of an inpatient stay dated before the admission
// or after the discharge (the admission and discharge days themselves count).
#include "rule.hpp"

namespace medlint {
namespace {

class DateOutsideStay : public Rule {
public:
    DateOutsideStay()
        : Rule({"DATE-OUTSIDE-STAY",
                {{"before-admission", {"item", "date", "admitted"}},
                {"after-discharge", {"item", "date", "discharged"}}},
                kEveryMode}) {}

    void check(const RuleContext &context, std::vector<Finding> &findings) const override {
        const Encounter &stay = context.document.encounter;
        if (!stay.is_inpatient() || !stay.admitted) return;
        for (const auto &item : context.document.items) {
            const char *variant = item.date < *stay.admitted                          ? "before-admission"
                                  : stay.discharged && *stay.discharged < item.date ? "after-discharge"
                                                                                     : nullptr;
            if (!variant) continue;
            findings.push_back({"DATE-OUTSIDE-STAY", variant, {item.id}, std::nullopt, "correct-date",
                                {{"item", item_label(item)}, {"date", item.date.str()},
                                 {"admitted", stay.admitted->str()},
                                 {"discharged", stay.discharged ? stay.discharged->str() : ""}}});
        }
    }
};

}  // namespace

std::unique_ptr<Rule> make_date_outside_stay() { return std::make_unique<DateOutsideStay>(); }

}  // namespace medlint
