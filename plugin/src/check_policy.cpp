#include "check_policy.hpp"

#include <algorithm>
#include <set>

namespace medlint {

Date service_date(const Document &document) {
    if (document.encounter.admitted) return *document.encounter.admitted;
    if (!document.items.empty())
        return std::min_element(document.items.begin(), document.items.end(),
                                [](const Item &a, const Item &b) { return a.date < b.date; })
            ->date;
    if (auto date = parse_timestamp_date(document.time)) return *date;
    return Date::today_china();
}

bool charged_to_responsible(const Document &document, const Finding &finding) {
    if (finding.items.empty()) return true;
    std::string responsible = document.physician_code();
    for (const auto &id : finding.items)
        if (const Item *item = document.find_item(id); item && item->physician == responsible) return true;
    return false;
}

std::string charged_physician(const Document &document, const Finding &finding) {
    std::string responsible = document.physician_code();
    if (charged_to_responsible(document, finding)) return responsible;
    for (const auto &id : finding.items)
        if (const Item *item = document.find_item(id)) return item->physician;
    return responsible;
}

int line_of(const Document &document, const Finding &finding) {
    for (const auto &id : finding.items)
        if (const Item *item = document.find_item(id)) return item->line;
    return document.patient.line ? document.patient.line : document.line;
}

Severity severity_in(Mode mode, Severity severity, bool answered) {
    if (mode == Mode::settlement && severity == Severity::warning && !answered) return Severity::block;
    return severity;
}

CheckOutcome outcome_of(const Document &document, const std::vector<Reported> &reported) {
    CheckOutcome outcome;
    std::set<std::string> counted_cases;
    for (const auto &out : reported) {
        if (!out.stands()) continue;
        outcome.status = std::max(outcome.status, out.severity);
        if (!charged_to_responsible(document, out.finding)) continue;
        if (out.finding.items.empty() && !counted_cases.insert(out.finding.rule).second) continue;
        outcome.at_risk += out.points;
        outcome.risked.push_back(out.points);
    }
    return outcome;
}

}  // namespace medlint
