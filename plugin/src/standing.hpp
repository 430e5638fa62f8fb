// A physician's points and standing under a policy profile, from the ledger.
//
// Points count per calendar year across every institution.  Repairs take
// points off the year's total up to the profile's repair_cap; bonus points
// (up to bonus_cap a year, lapsing at year end) offset only deductions of at
// most bonus_offsets_max points.  Thresholds (thresholds.csv) turn totals into
// sanctions from the day they are reached; a sanction recorded in the ledger
// is the agency's decision and replaces the computed one of its kind and year.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "knowledge.hpp"
#include "ledger.hpp"
#include "levels.hpp"

namespace medlint {

struct PhysicianSummary {
    std::string code;
    int year = 0;
    int deducted = 0;  // the year's deductions, less reversals and repairs
    int bonus = 0;     // the year's bonus points credited (capped)
    int net = 0;       // what counts against the thresholds
    int remaining = 12;
    Standing standing = Standing::active;
    std::string until;
};

// How many years of ledger a standing looks back on: bars outlast the year.
constexpr int kLedgerYearsBack = 5;

class PhysicianStanding {
public:
    // `rows`: the physician's ledger from kLedgerYearsBack years before on.
    PhysicianStanding(std::string code, std::vector<LedgerRow> rows, const Knowledge &knowledge,
                      const Profile &profile);

    // Summed once a date: the rules ask on every line's date.
    const PhysicianSummary &as_of(Date date) const;
    // The standing if `extra` more points were deducted on `date`, one deduction each.
    Standing projected(Date date, const std::vector<int> &extra) const;
    // The year-scope threshold that `points` more on `date` would reach, or null.
    const Threshold *threshold_reached_by(Date date, int points) const;
    // The last day to appeal a deduction notified on `date`, or nullopt when the profile sets none.
    std::optional<Date> appeal_deadline(Date date) const;

private:
    struct Sanction {
        Standing standing;
        Date from;
        std::optional<Date> until;  // nullopt: open-ended
    };
    struct Totals {
        int deducted = 0, bonus = 0, net = 0;
    };

    Totals year_totals(const std::vector<LedgerRow> &rows, int year, Date as_of) const;
    std::optional<Date> reached_on(const std::vector<LedgerRow> &rows, int year, Date as_of, int points) const;
    std::vector<Sanction> sanctions(const std::vector<LedgerRow> &rows, Date as_of) const;
    PhysicianSummary summarize(const std::vector<LedgerRow> &rows, Date as_of) const;

    std::string code_;
    std::vector<LedgerRow> rows_;
    const Knowledge &knowledge_;
    const Profile &profile_;
    mutable std::map<int, PhysicianSummary> summaries_;  // as_of() by Date::days; one check's, one thread's
};

}  // namespace medlint
