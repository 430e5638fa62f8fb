#include <string_view>
#include <vector>

#include "reports.hpp"

namespace medlint::cli {
namespace {

const std::vector<std::string> kHeader = {"document", "line",     "encounter", "items",          "item names",
                                          "rule",     "severity", "certainty", "points",         "overridden",
                                          "physician", "physician name", "department", "amount", "message",
                                          "finding"};

// A cell that a spreadsheet would take for a formula (=HYPERLINK(...), =cmd|...,
// +, -, @, or a tab or carriage return before one) gets a leading ' (OWASP's advice):
// the file is opened in Excel by people who trust it.
std::string neutralise_formula(std::string field) {
    if (!field.empty() && std::string_view("=+-@\t\r").find(field.front()) != std::string_view::npos)
        field.insert(field.begin(), '\'');
    return field;
}

std::string csv_field(std::string_view text) {
    std::string field = neutralise_formula(valid_utf8(text));
    if (field.find_first_of(",\"\r\n") == std::string::npos) return field;
    std::string quoted = "\"";
    for (char c : field) {
        if (c == '"') quoted += '"';
        quoted += c;
    }
    return quoted + '"';
}

void write_row(std::ostream &out, const std::vector<std::string> &fields) {
    for (size_t i = 0; i < fields.size(); ++i) out << (i ? "," : "") << csv_field(fields[i]);
    out << "\r\n";
}

}  // namespace

void write_csv_report(std::ostream &out, const AuditReport &report) {
    write_row(out, kHeader);
    for (const auto &document : report.checked)
        for (const auto &finding : document.findings)
            write_row(out, {document.name, std::to_string(finding.line), document.encounter, finding.items,
                            finding.item_names, finding.rule, finding.severity, finding.certainty,
                            std::to_string(finding.points), finding.overridden ? "true" : "false", finding.physician,
                            finding.physician_name, finding.department, yuan(finding.amount_fen), finding.message,
                            finding.id});
}

}  // namespace medlint::cli
