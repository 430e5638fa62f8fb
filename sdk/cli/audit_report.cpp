#include "audit_report.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <iterator>
#include <limits>
#include <set>
#include <sstream>

namespace medlint::cli {
namespace {

// A sum of amounts in fen: each is bounded, but a month of the largest could
// still pass 64 bits; the sum stops at the largest figure instead of wrapping.
long long plus_fen(long long total, long long amount) {
    long long sum;
    return __builtin_add_overflow(total, amount, &sum) ? std::numeric_limits<long long>::max() : sum;
}

// An amount as the engine writes it, "1234.50" yuan, in fen; 0 when it is
// not one, which the engine never writes.
long long fen_of(std::string_view yuan) {
    long long whole = 0, cents = 0;
    auto [end, error] = std::from_chars(yuan.data(), yuan.data() + yuan.size(), whole);
    std::string_view fraction = yuan.substr(static_cast<size_t>(end - yuan.data()));
    if (error != std::errc() || fraction.size() != 3 || fraction[0] != '.') return 0;
    std::from_chars(fraction.data() + 1, fraction.data() + 3, cents);
    return whole * 100 + cents;
}

long long amount_of(pugi::xml_node item) { return fen_of(item.attribute("amount").value()); }

// `physician`: the result's <physician>, the document's, with its name and department.
AuditFinding describe_finding(pugi::xml_node finding, pugi::xml_node physician) {
    AuditFinding out;
    out.id = finding.attribute("id").value();
    out.rule = finding.attribute("rule").value();
    out.severity = finding.attribute("severity").value();
    out.certainty = finding.attribute("certainty").value();
    out.points = finding.attribute("points").as_llong();
    out.overridden = finding.attribute("overridden").as_bool();
    out.stands = finding.attribute("stands").as_bool();
    out.items = finding.attribute("items").value();
    out.message = finding.child_value("message");
    out.line = finding.attribute("line").as_ullong();
    std::vector<std::string> names;
    for (pugi::xml_node item : finding.children("item")) {
        out.amount_fen = plus_fen(out.amount_fen, amount_of(item));
        std::string name = item.attribute("name").value();
        if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    }
    for (const auto &name : names) out.item_names += (out.item_names.empty() ? "" : "; ") + name;
    out.physician = finding.attribute("physician").value();
    if (out.physician == physician.attribute("code").value()) out.physician_name = physician.attribute("name").value();
    out.department = physician.attribute("dept").value();
    return out;
}

std::string label_of(const std::string &key) { return key.empty() ? "(none)" : key; }

void count(std::map<std::string, Tally> &tallies, const std::string &key, const AuditFinding &finding) {
    auto [entry, added] = tallies.try_emplace(key, Tally{key, label_of(key), {}, 0});
    entry->second.counts.add(finding);
    entry->second.points_at_risk += finding.points_at_risk;
}

// Most findings first, then by key: the map's order, which the stable sort keeps.
std::vector<Tally> ranked(const std::map<std::string, Tally> &tallies) {
    std::vector<Tally> out;
    for (const auto &[key, tally] : tallies) out.push_back(tally);
    std::stable_sort(out.begin(), out.end(),
                     [](const Tally &a, const Tally &b) { return a.counts.total() > b.counts.total(); });
    return out;
}

// The length of the valid UTF-8 sequence at `at`, or 0: no overlong forms,
// surrogates or code points beyond U+10FFFF (RFC 3629).
size_t utf8_sequence_length(std::string_view text, size_t at) {
    auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
    unsigned char lead = byte(at);
    if (lead < 0x80) return 1;
    size_t length = lead >= 0xC2 && lead <= 0xDF ? 2 : lead >= 0xE0 && lead <= 0xEF ? 3 : lead >= 0xF0 && lead <= 0xF4 ? 4 : 0;
    if (length == 0 || at + length > text.size()) return 0;
    for (size_t i = 1; i < length; ++i)
        if ((byte(at + i) & 0xC0) != 0x80) return 0;
    unsigned char second = byte(at + 1);
    bool out_of_range = (lead == 0xE0 && second < 0xA0) || (lead == 0xED && second > 0x9F) ||
                        (lead == 0xF0 && second < 0x90) || (lead == 0xF4 && second > 0x8F);
    return out_of_range ? 0 : length;
}

}  // namespace

CheckedDocument checked_document(const std::string &name, pugi::xml_node result) {
    CheckedDocument document{name, result.attribute("encounter").value(), result.attribute("status").value(),
                             result.attribute("service-date").value(),
                             result.attribute("rules").value(), 0, {}, {}};
    for (pugi::xml_node unknown : result.children("unknown-code")) {
        std::istringstream items(unknown.attribute("items").value());
        document.unknown_codes[unknown.attribute("code").value()] +=
            std::distance(std::istream_iterator<std::string>(items), std::istream_iterator<std::string>());
    }
    pugi::xml_node physician = result.child("physician");
    std::map<std::string, long long> amounts_at_risk;  // by item id: each item once
    std::set<std::string> cases_counted;
    for (pugi::xml_node node : result.children("finding")) {
        AuditFinding finding = describe_finding(node, physician);
        if (finding.stands) {
            for (pugi::xml_node item : node.children("item"))
                amounts_at_risk.emplace(item.attribute("id").value(), amount_of(item));
            // Deductions are per case: a rule's findings about the whole document are one case.
            bool same_case = finding.items.empty() && !cases_counted.insert(finding.rule).second;
            finding.points_at_risk = same_case ? 0 : finding.points;
        }
        document.findings.push_back(std::move(finding));
    }
    for (const auto &[id, amount] : amounts_at_risk)
        document.amount_at_risk_fen = plus_fen(document.amount_at_risk_fen, amount);
    return document;
}

std::map<std::string, std::string> physicians_to_look_up(const AuditReport &report) {
    std::map<std::string, std::string> latest;
    for (const auto &document : report.checked)
        for (const auto &finding : document.findings) {
            if (finding.physician.empty()) continue;
            std::string &date = latest[finding.physician];
            date = std::max(date, document.service_date);  // ISO dates compare as text
        }
    return latest;
}

void SeverityCounts::add(const AuditFinding &finding) {
    if (!finding.stands) ++overridden;
    else if (finding.severity == "block") ++block;
    else if (finding.severity == "warning") ++warning;
    else ++info;
}

AuditSummary summarize(const AuditReport &report) {
    AuditSummary summary;
    std::map<std::string, Tally> rules, departments, physicians;
    for (const auto &document : report.checked) {
        summary.amount_at_risk_fen = plus_fen(summary.amount_at_risk_fen, document.amount_at_risk_fen);
        if (summary.rules.empty()) summary.rules = document.rules;
        for (const auto &finding : document.findings) {
            summary.findings.add(finding);
            summary.points_at_risk += finding.points_at_risk;
            count(rules, finding.rule, finding);
            count(departments, finding.department, finding);
            count(physicians, finding.physician, finding);
            if (!finding.physician_name.empty())
                physicians[finding.physician].label = finding.physician_name + " " + finding.physician;
        }
    }
    std::map<std::string, long long> unknown;
    for (const auto &document : report.checked)
        for (const auto &[code, lines] : document.unknown_codes) unknown[code] += lines;
    for (const auto &[code, lines] : unknown) summary.unknown_codes.push_back({code, lines});
    std::stable_sort(summary.unknown_codes.begin(), summary.unknown_codes.end(),
                     [](const UnknownCodeCount &a, const UnknownCodeCount &b) { return a.lines > b.lines; });
    summary.by_rule = ranked(rules);
    summary.by_department = ranked(departments);
    summary.by_physician = ranked(physicians);
    return summary;
}

std::string yuan(long long fen) {
    char text[32];
    long long magnitude = fen < 0 ? -fen : fen;
    std::snprintf(text, sizeof text, "%s%lld.%02lld", fen < 0 ? "-" : "", magnitude / 100, magnitude % 100);
    return text;
}

std::string valid_utf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t at = 0; at < text.size();) {
        size_t length = utf8_sequence_length(text, at);
        if (length == 0) {
            out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
            ++at;
        } else {
            out.append(text, at, length);
            at += length;
        }
    }
    return out;
}

}  // namespace medlint::cli
