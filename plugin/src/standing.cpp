#include "standing.hpp"

#include <algorithm>

namespace medlint {
namespace {

const char *standing_of_sanction(const std::string &kind) {
    if (kind == "termination") return "terminated";
    if (kind == "suspension") return "suspended";
    return "warned";
}

}  // namespace

PhysicianSummary summarize_physician(const std::string &code, const std::vector<LedgerRow> &rows, Date as_of,
                                     const Knowledge &knowledge, const std::string &profile) {
    PhysicianSummary summary;
    summary.code = code;
    summary.year = as_of.year();
    const LedgerRow *sanction = nullptr;
    for (const auto &row : rows) {
        if (as_of < row.date) continue;
        bool reversed = row.reversed_on && *row.reversed_on <= as_of;
        if (row.kind == "deduction" && !reversed && row.date.year() == summary.year) summary.deducted += row.points;
        if (row.kind == "repair" && row.date.year() == summary.year) summary.deducted -= row.points;
        if (row.kind == "bonus" && row.date.year() == summary.year) summary.bonus += row.points;
        if (row.kind == "sanction" && (!row.until || as_of <= *row.until)) sanction = &row;
    }
    summary.deducted = std::max(summary.deducted, 0);
    summary.remaining = std::max(12 - summary.deducted, 0);
    if (sanction) {
        summary.standing = standing_of_sanction(sanction->sanction_kind);
        summary.until = sanction->until ? sanction->until->str() : "";
    } else {
        summary.standing = knowledge.standing_for_points(profile, summary.deducted);
    }
    return summary;
}

}  // namespace medlint
