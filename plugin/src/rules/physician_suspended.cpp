// PHYSICIAN-SUSPENDED: an item ordered by a physician whose payment
// eligibility is suspended or terminated on the item's date, outside
// emergency and rescue care.  Each item is judged by its own physician.
#include <map>

#include "rule.hpp"

namespace medlint {
namespace {

class PhysicianSuspended : public Rule {
public:
    PhysicianSuspended()
        : Rule({"PHYSICIAN-SUSPENDED",
                {{"suspended", {"code", "date", "until"}}, {"terminated", {"code", "date", "until"}}},
                kEveryMode}) {}

    void check(const RuleContext &context, std::vector<Finding> &findings) const override {
        if (context.document.encounter.exempt_as_emergency()) return;
        struct Barred {
            StandingOn standing;
            Date first_date;
            std::vector<std::string> items;
        };
        std::map<std::string, Barred> barred;  // by physician code, in code order for a stable report
        for (const auto &item : context.document.items) {
            if (item.physician.empty()) continue;  // PHYSICIAN-CODE reports that
            StandingOn standing = context.standing_on(item.physician, item.date);
            if (standing.standing < Standing::suspended) continue;
            auto [entry, added] = barred.try_emplace(item.physician, Barred{standing, item.date, {}});
            entry->second.items.push_back(item.id);
            (void)added;
        }
        for (const auto &[code, entry] : barred)
            findings.push_back({"PHYSICIAN-SUSPENDED", to_string(entry.standing.standing), entry.items, std::nullopt, "change-physician",
                                {{"code", code},
                                 {"date", entry.first_date.str()},
                                 {"until", entry.standing.until.empty() ? "-" : entry.standing.until}}});
    }
};

}  // namespace

std::unique_ptr<Rule> make_physician_suspended() { return std::make_unique<PhysicianSuspended>(); }

}  // namespace medlint
