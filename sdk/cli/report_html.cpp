// The report page.  It is written as polyglot markup (HTML that is also
// well-formed XML), so that tests and tools can read it with an XML parser.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <string_view>
#include <system_error>
#include <vector>

#include "audit_inputs.hpp"
#include "render.hpp"
#include "reports.hpp"

namespace medlint::cli {
namespace {

const char kStyle[] = R"css(
body { font: 14px/1.45 system-ui, "Segoe UI", "Noto Sans CJK SC", "Microsoft YaHei", "WenQuanYi Zen Hei", sans-serif;
       margin: 24px auto; max-width: 1200px; padding: 0 16px; color: #212121; }
h1 { font-size: 22px; margin: 0; }
h2 { font-size: 17px; margin: 28px 0 8px; }
.meta { color: #616161; margin: 4px 0 16px; }
.interrupted { background: #fff3e0; border-left: 4px solid #ef6c00; padding: 8px 12px; }
.totals { display: flex; flex-wrap: wrap; gap: 12px; }
.total { border: 1px solid #e0e0e0; border-radius: 6px; padding: 10px 16px; min-width: 170px; }
.figure { display: block; font-size: 26px; font-weight: 600; }
.caption { display: block; color: #424242; }
.detail { display: block; color: #757575; font-size: 12px; }
.legend span { margin-right: 14px; font-size: 12px; }
.legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; }
.charts { display: flex; flex-wrap: wrap; gap: 8px 32px; }
svg text { font-size: 12px; fill: #212121; }
.block { fill: #c62828; background: #c62828; }
.warning { fill: #f9a825; background: #f9a825; }
.info { fill: #1e88e5; background: #1e88e5; }
.overridden { fill: #bdbdbd; background: #bdbdbd; }
.remaining { fill: #e0e0e0; }
.at-risk { fill: #ef6c00; }
.exhausted { fill: #c62828; }
table { border-collapse: collapse; width: 100%; font-size: 12px; }
th, td { border-bottom: 1px solid #eeeeee; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #fafafa; cursor: pointer; user-select: none; white-space: nowrap; }
th[aria-sort=ascending]::after { content: " \25B2"; }
th[aria-sort=descending]::after { content: " \25BC"; }
td.number, th.number { text-align: right; }
td.severity-block { color: #c62828; font-weight: 600; }
td.severity-warning { color: #e65100; }
ul.problems li { margin: 2px 0; }
details summary { cursor: pointer; color: #424242; margin-top: 20px; }
)css";

// Sorts a table.sortable by the header clicked (or chosen with Enter), up and
// down in turn; numbers by value, text in the reader's language; a cell's
// data-sort, where present, is its sort key.
const char kScript[] = R"js(
Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
  var headers = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(headers, function (header, column) {
    function sort() {
      var ascending = header.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(headers, function (other) { other.removeAttribute("aria-sort"); });
      header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var numeric = header.classList.contains("number");
      var key = function (row) {
        var cell = row.cells[column];
        return cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent;
      };
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var order = numeric ? Number(key(a)) - Number(key(b)) : key(a).localeCompare(key(b));
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    }
    header.addEventListener("click", sort);
    header.addEventListener("keydown", function (event) { if (event.key === "Enter") sort(); });
  });
  table.setAttribute("data-sortable", "ready");
});
)js";

std::string escaped(std::string_view text) {
    std::string out;
    for (char c : valid_utf8(text)) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

// Coordinates with one decimal, written the same way everywhere.
std::string coordinate(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f", value);
    return text;
}

// A URL path: bytes outside the unreserved set are percent-encoded.
std::string percent_encoded(const std::string &path) {
    std::string out;
    for (unsigned char c : path) {
        bool plain = std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
        char escape[4];
        std::snprintf(escape, sizeof escape, "%%%02X", static_cast<unsigned>(c));
        out += plain ? std::string(1, static_cast<char>(c)) : std::string(escape);
    }
    return out;
}

// The link from the page to a document and line, or "" for a document of
// standard input, which has no file.  "#L12" is the fragment repository
// viewers jump to; a browser showing the file just opens it.
std::string document_link(const std::string &document, size_t line, const std::filesystem::path &page_folder) {
    if (document.rfind(kStandardInputName, 0) == 0) return "";
    std::error_code error;
    std::filesystem::path relative =
        std::filesystem::relative(std::filesystem::absolute(document, error), page_folder, error);
    std::string path = error || relative.empty() ? document : relative.generic_string();
    return percent_encoded(path) + "#L" + std::to_string(line);
}

// The text cut to `columns` terminal columns, with an ellipsis when cut, so
// that a chart's labels stay beside their bars.
std::string fitted(const std::string &text, size_t columns) {
    if (display_width(text) <= columns) return text;
    std::string out;
    for (size_t at = 0; at < text.size();) {
        size_t length = 1;
        while (at + length < text.size() && (static_cast<unsigned char>(text[at + length]) & 0xC0) == 0x80) ++length;
        if (display_width(out + text.substr(at, length)) > columns - 1) break;
        out += text.substr(at, length);
        at += length;
    }
    return out + "\xE2\x80\xA6";  // …
}

struct Segment {
    const char *css_class;
    long long value;
};

std::vector<Segment> segments_of(const SeverityCounts &counts) {
    return {{"block", counts.block}, {"warning", counts.warning}, {"info", counts.info},
            {"overridden", counts.overridden}};
}

// Chart geometry, in pixels.  A chart's width holds the labels, the bars
// and the text after the longest bar.
constexpr double kLabelWidth = 200, kRowHeight = 22, kBarHeight = 14;
constexpr double kFindingsChartWidth = 560, kCountWidth = 60;
constexpr double kPointsChartWidth = 760, kPointsTextWidth = 200;
constexpr size_t kLabelColumns = 30;  // about kLabelWidth at 12 px
constexpr size_t kMostBars = 20;

std::string svg_open(const std::string &title, double width, size_t rows) {
    double height = kRowHeight * static_cast<double>(rows) + 4;
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"" + coordinate(width) +
           "\" height=\"" + coordinate(height) + "\" role=\"img\" aria-label=\"" + escaped(title) + "\"><title>" +
           escaped(title) + "</title>";
}

std::string row_label(const std::string &label, double y) {
    return "<text x=\"" + coordinate(kLabelWidth - 8) + "\" y=\"" + coordinate(y + kBarHeight - 3) +
           "\" text-anchor=\"end\">" + escaped(fitted(label, kLabelColumns)) + "</text>";
}

std::string rect(const char *css_class, double x, double y, double width, double height) {
    return "<rect class=\"" + std::string(css_class) + "\" x=\"" + coordinate(x) + "\" y=\"" + coordinate(y) +
           "\" width=\"" + coordinate(width) + "\" height=\"" + coordinate(height) + "\"/>";
}

std::string value_text(const std::string &text, double x, double y) {
    return "<text x=\"" + coordinate(x + 6) + "\" y=\"" + coordinate(y + kBarHeight - 3) + "\">" + escaped(text) +
           "</text>";
}

std::string counts_text(const SeverityCounts &counts) {
    std::string text;
    for (const auto &segment : segments_of(counts))
        if (segment.value) text += (text.empty() ? "" : ", ") + std::to_string(segment.value) + " " + segment.css_class;
    return text;
}

// Horizontal bars of findings, one per tally, stacked by severity; the
// first kMostBars tallies, the rest are in the tables.
std::string findings_chart(const std::string &title, const std::vector<Tally> &tallies) {
    size_t rows = std::min(tallies.size(), kMostBars);
    long long most = 1;
    for (size_t i = 0; i < rows; ++i) most = std::max(most, tallies[i].counts.total());
    double scale = (kFindingsChartWidth - kLabelWidth - kCountWidth) / static_cast<double>(most);
    std::string svg = svg_open(title, kFindingsChartWidth, rows);
    for (size_t i = 0; i < rows; ++i) {
        const Tally &tally = tallies[i];
        double y = kRowHeight * static_cast<double>(i) + 4, x = kLabelWidth;
        svg += "<g><title>" + escaped(tally.label + ": " + counts_text(tally.counts)) + "</title>" +
               row_label(tally.label, y);
        for (const auto &segment : segments_of(tally.counts)) {
            double width = scale * static_cast<double>(segment.value);
            if (segment.value) svg += rect(segment.css_class, x, y, width, kBarHeight);
            x += width;
        }
        svg += value_text(std::to_string(tally.counts.total()), x, y) + "</g>";
    }
    return svg + "</svg>";
}

std::string more_note(size_t shown, size_t all) {
    if (all <= shown) return "";
    return "<p class=\"detail\">The first " + std::to_string(shown) + " of " + std::to_string(all) +
           "; the tables below list them all.</p>";
}

std::string chart_section(const char *id, const std::string &title, const std::vector<Tally> &tallies) {
    return std::string("<section id=\"") + id + "\"><h2>" + escaped(title) + "</h2>" + findings_chart(title, tallies) +
           more_note(std::min(tallies.size(), kMostBars), tallies.size()) + "</section>\n";
}

const PhysicianPoints *points_of(const AuditReport &report, const std::string &code) {
    auto found = report.physician_points.find(code);
    return found == report.physician_points.end() || !found->second.remaining ? nullptr : &found->second;
}

// Per physician, the points at risk (orange, red when they reach what is
// left) over the points remaining (grey).
std::string points_chart(const AuditReport &report, const std::vector<Tally> &physicians) {
    const std::string title = "Points at risk per physician against their remaining points";
    size_t rows = std::min(physicians.size(), kMostBars);
    long long most = 1;
    for (size_t i = 0; i < rows; ++i) {
        const PhysicianPoints *points = points_of(report, physicians[i].key);
        most = std::max({most, physicians[i].points_at_risk, points ? *points->remaining : 0});
    }
    double scale = (kPointsChartWidth - kLabelWidth - kPointsTextWidth) / static_cast<double>(most);
    std::string svg = svg_open(title, kPointsChartWidth, rows);
    for (size_t i = 0; i < rows; ++i) {
        const Tally &tally = physicians[i];
        const PhysicianPoints *points = points_of(report, tally.key);
        double y = kRowHeight * static_cast<double>(i) + 4;
        std::string remaining = points ? std::to_string(*points->remaining) + " remaining" : "remaining unknown";
        std::string text = std::to_string(tally.points_at_risk) + " at risk / " + remaining;
        bool exhausted = points && tally.points_at_risk >= *points->remaining && tally.points_at_risk > 0;
        double remaining_width = points ? scale * static_cast<double>(*points->remaining) : 0;
        double risk_width = scale * static_cast<double>(tally.points_at_risk);
        svg += "<g><title>" + escaped(tally.label + ": " + text) + "</title>" + row_label(tally.label, y);
        if (points) svg += rect("remaining", kLabelWidth, y, remaining_width, kBarHeight);
        if (tally.points_at_risk)
            svg += rect(exhausted ? "exhausted" : "at-risk", kLabelWidth, y + 3, risk_width, kBarHeight - 6);
        svg += value_text(text, kLabelWidth + std::max(remaining_width, risk_width), y) + "</g>";
    }
    return svg + "</svg>";
}

std::string total_box(const char *id, const std::string &figure, const std::string &caption,
                      const std::string &detail) {
    return std::string("<div class=\"total\"><span class=\"figure\" id=\"") + id + "\">" + escaped(figure) +
           "</span><span class=\"caption\">" + escaped(caption) + "</span><span class=\"detail\">" + escaped(detail) +
           "</span></div>";
}

std::string totals_section(const AuditReport &report, const AuditSummary &summary) {
    std::string documents = "of " + counted(static_cast<long long>(report.documents), "document") + " found: " +
                            std::to_string(report.failed.size()) + " failed, " +
                            std::to_string(report.skipped.size()) + " skipped";
    if (report.interrupted) documents += ", " + std::to_string(report.left) + " left";
    const SeverityCounts &findings = summary.findings;
    return "<section id=\"totals\" class=\"totals\">" +
           total_box("documents-checked", std::to_string(report.checked.size()), "documents checked", documents) +
           total_box("findings", std::to_string(findings.total()), "findings",
                     std::to_string(findings.block) + " block, " + std::to_string(findings.warning) + " warning, " +
                         std::to_string(findings.info) + " info, " + std::to_string(findings.overridden) +
                         " overridden") +
           total_box("amount-at-risk", "\xC2\xA5" + yuan(summary.amount_at_risk_fen), "amount at risk",
                     "price \xC3\x97 quantity of the items of findings that stand") +
           total_box("points-at-risk", std::to_string(summary.points_at_risk), "points at risk",
                     "what the physicians stand to lose") +
           "</section>\n";
}

std::string legend() {
    std::string html = "<p class=\"legend\">";
    for (const char *severity : {"block", "warning", "info", "overridden"})
        html += std::string("<span><i class=\"") + severity + "\"></i>" + severity + "</span>";
    return html + "</p>";
}

std::string cell(const std::string &text, const std::string &css_class = "", const std::string &sort_key = "") {
    std::string html = "<td";
    if (!css_class.empty()) html += " class=\"" + escaped(css_class) + "\"";
    if (!sort_key.empty()) html += " data-sort=\"" + escaped(sort_key) + "\"";
    return html + ">" + escaped(text) + "</td>";
}

std::string header_row(const std::vector<std::pair<const char *, bool>> &columns) {
    std::string html = "<thead><tr>";
    for (const auto &[name, number] : columns)
        html += std::string("<th tabindex=\"0\"") + (number ? " class=\"number\"" : "") + ">" + name + "</th>";
    return html + "</tr></thead>";
}

std::string physicians_table(const AuditReport &report, const std::vector<Tally> &physicians) {
    std::string html = "<table class=\"sortable\" id=\"physicians\">" +
                       header_row({{"physician", false}, {"findings", true}, {"points at risk", true},
                                   {"remaining", true}, {"standing", false}}) +
                       "<tbody>";
    for (const auto &tally : physicians) {
        const PhysicianPoints *points = points_of(report, tally.key);
        html += "<tr>" + cell(tally.label) + cell(std::to_string(tally.counts.total()), "number") +
                cell(std::to_string(tally.points_at_risk), "number") +
                cell(points ? std::to_string(*points->remaining) : "", "number", points ? "" : "-1") +
                cell(points ? points->standing : "unknown") + "</tr>";
    }
    return html + "</tbody></table>";
}

std::string points_section(const AuditReport &report, const AuditSummary &summary) {
    std::vector<Tally> physicians = summary.by_physician;
    std::stable_sort(physicians.begin(), physicians.end(),
                     [](const Tally &a, const Tally &b) { return a.points_at_risk > b.points_at_risk; });
    return "<section id=\"points\"><h2>Points at risk per physician</h2><p class=\"detail\">Remaining points and "
           "standing on the physician's latest service date in the batch.</p>" +
           points_chart(report, physicians) + more_note(std::min(physicians.size(), kMostBars), physicians.size()) +
           physicians_table(report, physicians) + "</section>\n";
}

std::string problem_list(const std::vector<UncheckedDocument> &documents) {
    std::string html = "<ul class=\"problems\">";
    for (const auto &document : documents)
        html += "<li><code>" + escaped(document.name) + "</code>: " + escaped(document.reason) + "</li>";
    return html + "</ul>";
}

std::string failed_section(const AuditReport &report) {
    if (report.failed.empty()) return "";
    return "<section id=\"failed\"><h2>Documents that could not be checked (" +
           std::to_string(report.failed.size()) + ")</h2>" + problem_list(report.failed) + "</section>\n";
}

// Folded: files of other operations beside the records are expected.
std::string skipped_section(const AuditReport &report) {
    if (report.skipped.empty()) return "";
    return "<section id=\"skipped\"><details><summary>" + counted(static_cast<long long>(report.skipped.size()), "file") +
           " skipped: not a &lt;check&gt; or &lt;commit&gt;</summary>" + problem_list(report.skipped) +
           "</details></section>\n";
}

// What the loaded catalogues lack: codes no catalogue knows, which the
// insurance office maps or adds to a hospital pack.
std::string unknown_codes_section(const AuditSummary &summary) {
    if (summary.unknown_codes.empty()) return "";
    std::string rows;
    for (const auto &code : summary.unknown_codes)
        rows += "<tr>" + cell(code.code) + cell(std::to_string(code.lines), "number") + "</tr>";
    return "<section id=\"unknown-codes\"><details><summary>" +
           counted(static_cast<long long>(summary.unknown_codes.size()), "code") +
           " no loaded catalogue knows</summary><table><thead><tr><th>code</th><th>lines</th></tr></thead><tbody>" +
           rows + "</tbody></table></details></section>\n";
}

std::string finding_row(const CheckedDocument &document, const AuditFinding &finding, size_t order,
                        const std::filesystem::path &page_folder) {
    std::string where = document.name + ":" + std::to_string(finding.line);
    std::string link = document_link(document.name, finding.line, page_folder);
    std::string place = link.empty() ? escaped(where) : "<a href=\"" + escaped(link) + "\">" + escaped(where) + "</a>";
    std::string physician = finding.physician_name.empty() ? finding.physician
                                                           : finding.physician_name + " " + finding.physician;
    char sort_key[24];  // the report's order, as text that sorts the same way
    std::snprintf(sort_key, sizeof sort_key, "%012zu", order);
    return "<tr><td data-sort=\"" + std::string(sort_key) + "\">" + place + "</td>" + cell(document.encounter) +
           cell(finding.item_names.empty() ? finding.items : finding.items + " " + finding.item_names) +
           cell(finding.rule) + cell(finding.severity, "severity-" + finding.severity) + cell(finding.certainty) +
           cell(std::to_string(finding.points), "number") + cell(finding.overridden ? "overridden" : "") +
           cell(physician) + cell(finding.department) +
           cell(yuan(finding.amount_fen), "number", std::to_string(finding.amount_fen)) + cell(finding.message) +
           "</tr>\n";
}

std::string findings_section(const AuditReport &report, const std::filesystem::path &page_folder) {
    std::string html = "<section id=\"findings-list\"><h2>Findings</h2><p class=\"detail\">Click a heading to "
                       "sort.</p><table class=\"sortable\" id=\"findings-table\">" +
                       header_row({{"document", false},
                                   {"encounter", false},
                                   {"items", false},
                                   {"rule", false},
                                   {"severity", false},
                                   {"certainty", false},
                                   {"points", true},
                                   {"feedback", false},
                                   {"physician", false},
                                   {"department", false},
                                   {"amount", true},
                                   {"message", false}}) +
                       "<tbody>\n";
    size_t order = 0;
    for (const auto &document : report.checked)
        for (const auto &finding : document.findings) html += finding_row(document, finding, order++, page_folder);
    return html + "</tbody></table></section>\n";
}

std::string heading(const AuditReport &report, const AuditSummary &summary) {
    std::string meta = "preaudit" + std::string(report.committed ? ", committed" : "") + " \xC2\xB7 engine " +
                       report.engine + (summary.rules.empty() ? "" : " \xC2\xB7 rules " + summary.rules);
    std::string html = "<header><h1>medlint audit</h1><p class=\"meta\">" + escaped(meta) + "</p></header>\n";
    if (report.interrupted)
        html += "<p class=\"interrupted\" id=\"interrupted\">Interrupted: " +
                counted(static_cast<long long>(report.left), "document") +
                " left unchecked. This report covers the documents checked before the run was stopped.</p>\n";
    return html;
}

}  // namespace

void write_html_report(std::ostream &out, const AuditReport &report, const AuditSummary &summary,
                       const std::string &page_path) {
    std::error_code error;
    std::filesystem::path page_folder = std::filesystem::absolute(page_path, error).parent_path();
    out << "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
        << "<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
        << "<title>medlint audit: " << counted(static_cast<long long>(report.checked.size()), "document")
        << " checked</title>\n<style>" << kStyle << "</style>\n</head>\n<body>\n"
        << heading(report, summary) << totals_section(report, summary) << "<section id=\"charts\">" << legend()
        << "<div class=\"charts\">" << chart_section("by-rule", "Findings by rule", summary.by_rule)
        << chart_section("by-department", "Findings by department", summary.by_department)
        << chart_section("by-physician", "Findings by physician", summary.by_physician) << "</div></section>\n"
        << points_section(report, summary) << failed_section(report) << skipped_section(report)
        << unknown_codes_section(summary)
        << findings_section(report, page_folder)
        << "<script>//<![CDATA[" << kScript << "//]]></script>\n</body>\n</html>\n";
}

}  // namespace medlint::cli
