#include "standing.hpp"

#include <algorithm>
#include <set>

namespace medlint {
namespace {

Standing standing_of_sanction(const std::string &kind) {
    if (kind == "termination") return Standing::terminated;
    if (kind == "suspension") return Standing::suspended;
    return Standing::warned;
}

Date year_end(int year) { return Date::from_civil(year, 12, 31); }

bool counts(const LedgerRow &row, Date as_of) {
    return !(as_of < row.date) && !(row.reversed_on && *row.reversed_on <= as_of);
}

}  // namespace

PhysicianStanding::PhysicianStanding(std::string code, std::vector<LedgerRow> rows, const Knowledge &knowledge,
                                     const Profile &profile)
    : code_(std::move(code)), rows_(std::move(rows)), knowledge_(knowledge), profile_(profile) {}

PhysicianStanding::Totals PhysicianStanding::year_totals(const std::vector<LedgerRow> &rows, int year,
                                                         Date as_of) const {
    int gross = 0, repairs = 0, bonus = 0, offsettable = 0;
    for (const auto &row : rows) {
        if (row.date.year() != year || !counts(row, as_of)) continue;
        if (row.kind == "deduction") {
            gross += row.points;
            if (row.points <= profile_.setting("bonus_offsets_max")) offsettable += row.points;
        }
        if (row.kind == "repair") repairs += row.points;
        if (row.kind == "bonus") bonus += row.points;
    }
    Totals totals;
    totals.deducted = std::max(gross - std::min(repairs, profile_.setting("repair_cap")), 0);
    totals.bonus = std::min(bonus, profile_.setting("bonus_cap"));
    totals.net = std::max(totals.deducted - std::min({totals.bonus, offsettable, totals.deducted}), 0);
    return totals;
}

std::optional<Date> PhysicianStanding::reached_on(const std::vector<LedgerRow> &rows, int year, Date as_of,
                                                  int points) const {
    std::set<int> days;
    for (const auto &row : rows)
        if (row.date.year() == year && counts(row, as_of)) days.insert(row.date.days);
    for (int day : days)
        if (year_totals(rows, year, Date{day}).net >= points) return Date{day};
    return std::nullopt;
}

std::vector<PhysicianStanding::Sanction> PhysicianStanding::sanctions(const std::vector<LedgerRow> &ledger,
                                                                      Date as_of) const {
    // A deduction or sanction reversed on appeal by `as_of` never counted, on any earlier day or year either.
    std::vector<LedgerRow> rows;
    for (const auto &row : ledger)
        if (!(row.reversed_on && !(as_of < *row.reversed_on))) rows.push_back(row);
    // The agency's sanctions, also those that begin after `as_of`: each replaces the computed one of its kind and year.
    std::vector<Sanction> recorded, computed;
    for (const auto &row : rows)
        if (row.kind == "sanction") recorded.push_back({standing_of_sanction(row.sanction_kind), row.date, row.until});

    auto add = [&](const Threshold &threshold, Date from) {
        Sanction sanction{threshold.standing, from, std::nullopt};
        if (threshold.standing == Standing::warned) sanction.until = year_end(from.year());
        else if (threshold.standing == Standing::suspended) sanction.until = add_months(from, threshold.months) - 1;
        else sanction.until = add_months(from, threshold.months + 12 * threshold.bar_years);
        bool decided = std::any_of(recorded.begin(), recorded.end(), [&](const Sanction &r) {
            return r.standing == sanction.standing && r.from.year() == from.year();
        });
        if (!decided) computed.push_back(sanction);
    };
    for (int year = as_of.year() - kLedgerYearsBack; year <= as_of.year(); ++year) {
        Date cutoff = std::min(as_of, year_end(year));
        for (const auto &threshold : profile_.thresholds) {
            if (threshold.scope == "single") {
                for (const auto &row : rows)
                    if (row.kind == "deduction" && row.date.year() == year && counts(row, cutoff) &&
                        row.points >= threshold.points)
                        add(threshold, row.date);
                continue;
            }
            bool earlier_years = true;  // scope consecutive: every earlier year of the run reached it too
            for (int back = 1; back < threshold.years; ++back)
                earlier_years = earlier_years && year_totals(rows, year - back, year_end(year - back)).net >= threshold.points;
            if (!earlier_years) continue;
            if (auto day = reached_on(rows, year, cutoff, threshold.points)) add(threshold, *day);
        }
    }
    recorded.insert(recorded.end(), computed.begin(), computed.end());
    return recorded;
}

PhysicianSummary PhysicianStanding::summarize(const std::vector<LedgerRow> &rows, Date as_of) const {
    PhysicianSummary summary;
    summary.code = code_;
    summary.year = as_of.year();
    Totals totals = year_totals(rows, summary.year, as_of);
    summary.deducted = totals.deducted;
    summary.bonus = totals.bonus;
    summary.net = totals.net;
    summary.remaining = std::max(profile_.setting("year_points") - totals.net, 0);
    const Sanction *current = nullptr;
    std::vector<Sanction> all = sanctions(rows, as_of);
    for (const auto &sanction : all) {
        bool covers = !(as_of < sanction.from) && (!sanction.until || !(*sanction.until < as_of));
        if (!covers) continue;
        if (!current || sanction.standing > current->standing ||
            (sanction.standing == current->standing && current->until &&
             (!sanction.until || *current->until < *sanction.until)))
            current = &sanction;
    }
    if (current) {
        summary.standing = current->standing;
        summary.until = current->until ? current->until->str() : "";
    }
    return summary;
}

const PhysicianSummary &PhysicianStanding::as_of(Date date) const {
    auto found = summaries_.find(date.days);
    if (found == summaries_.end()) found = summaries_.emplace(date.days, summarize(rows_, date)).first;
    return found->second;
}

Standing PhysicianStanding::projected(Date date, const std::vector<int> &extra) const {
    std::vector<LedgerRow> rows = rows_;
    for (size_t i = 0; i < extra.size(); ++i)
        if (extra[i] > 0) rows.push_back({"deduction", code_, "projected-" + std::to_string(i), "", "", date,
                                          std::nullopt, std::nullopt, extra[i]});
    return summarize(rows, date).standing;
}

const Threshold *PhysicianStanding::threshold_reached_by(Date date, int points) const {
    if (points <= 0) return nullptr;
    int now = year_totals(rows_, date.year(), date).net;
    const Threshold *reached = nullptr;
    for (const auto &threshold : profile_.thresholds)
        if (threshold.scope == "year" && now < threshold.points && threshold.points <= now + points)
            reached = &threshold;
    return reached;
}

std::optional<Date> PhysicianStanding::appeal_deadline(Date date) const {
    int days = profile_.setting("appeal_working_days");
    if (days <= 0) return std::nullopt;
    return knowledge_.add_working_days(date, days);
}

}  // namespace medlint
