#include "render.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <utility>
#include <vector>

namespace medlint::cli {
namespace {

const char kIndent[] = "    ";

// "definite, 1 point, items 2 5, overridden: 病情变化"
std::string finding_details(pugi::xml_node finding) {
    std::string details = std::string(finding.attribute("certainty").value()) + ", " +
                          counted(finding.attribute("points").as_llong(), "point");
    if (std::string items = finding.attribute("items").value(); !items.empty()) details += ", items " + items;
    if (finding.attribute("overridden").as_bool())
        details += std::string(", overridden: ") + finding.attribute("reason").value();
    else if (std::string feedback = finding.attribute("feedback").value(); !feedback.empty())
        details += ", feedback: " + feedback;
    return details;
}

void print_text(std::ostream &out, const std::string &label, const char *text) {
    if (*text) out << kIndent << label << text << '\n';
}

void print_finding(std::ostream &out, const std::string &file, pugi::xml_node finding, const Palette &palette) {
    out << palette.strong(file + ":" + finding.attribute("line").value() + ":") << ' '
        << palette.severity(finding.attribute("severity").value()) << ' '
        << palette.strong(finding.attribute("rule").value()) << " (" << finding_details(finding) << ") "
        << palette.faint(finding.attribute("id").value()) << '\n';
    print_text(out, "", finding.child_value("message"));
    print_text(out, "evidence: ", finding.child_value("evidence"));
    pugi::xml_node suggestion = finding.child("suggestion");
    std::string action = suggestion.attribute("action").value();
    print_text(out, action.empty() ? "suggestion: " : "suggestion (" + action + "): ", suggestion.child_value());
}

// "warning, 4 items committed; physician D522701000123: 9 points remaining, 2 at risk, ..."
void print_summary(std::ostream &out, const std::string &file, pugi::xml_node result, const Palette &palette) {
    out << palette.strong(file + ":") << ' ' << palette.severity(result.attribute("status").value());
    if (pugi::xml_attribute committed = result.attribute("committed"))
        out << ", " << counted(committed.as_llong(), "item") << " committed";
    pugi::xml_node physician = result.child("physician");
    std::string code = physician.attribute("code").value();
    out << "; physician " << (code.empty() ? "(none)" : code) << ": "
        << counted(physician.attribute("remaining").as_llong(), "point") << " remaining, "
        << physician.attribute("at-risk").value() << " at risk, standing " << physician.attribute("standing").value()
        << ", projected " << physician.attribute("projected").value() << '\n';
}

// The columns a terminal gives a code point: two for the CJK scripts and
// full-width forms, which names, violations and notices are often written in.
size_t columns_of(char32_t code) {
    static const std::pair<char32_t, char32_t> kWide[] = {
        {0x1100, 0x115F}, {0x2E80, 0x303E}, {0x3041, 0x33FF}, {0x3400, 0x4DBF}, {0x4E00, 0x9FFF},
        {0xA000, 0xA4CF}, {0xAC00, 0xD7A3}, {0xF900, 0xFAFF}, {0xFE30, 0xFE4F}, {0xFF00, 0xFF60},
        {0xFFE0, 0xFFE6}, {0x20000, 0x3FFFD}};
    for (const auto &[first, last] : kWide)
        if (code >= first && code <= last) return 2;
    return 1;
}

using TableRow = std::vector<std::string>;

struct Column {
    const char *heading;
    bool numbers = false;  // aligned right
};

// Rows under the headings, in columns padded to their widest cell; the last
// column, free text, is not padded.
void print_table(std::ostream &out, const std::vector<Column> &columns, const std::vector<TableRow> &rows,
                 const Palette &palette) {
    TableRow header;
    for (const auto &column : columns) header.emplace_back(column.heading);
    std::vector<size_t> widths(header.size(), 0);
    auto widen = [&](const TableRow &row) {
        for (size_t column = 0; column < row.size(); ++column)
            widths[column] = std::max(widths[column], display_width(row[column]));
    };
    widen(header);
    for (const auto &row : rows) widen(row);
    auto line = [&](const TableRow &row) {
        std::string text;
        for (size_t column = 0; column < row.size(); ++column) {
            std::string padding(widths[column] - display_width(row[column]), ' ');
            bool last = column + 1 == row.size();
            text += columns[column].numbers ? padding + row[column] : row[column] + (last ? "" : padding);
            if (!last) text += "  ";
        }
        while (!text.empty() && text.back() == ' ') text.pop_back();
        return text;
    };
    out << kIndent << palette.strong(line(header)) << '\n';
    for (const auto &row : rows) out << kIndent << line(row) << '\n';
}

// The result's <table> children: each one's name (in the attribute `named_by`) and rows.
void print_table_sizes(std::ostream &out, pugi::xml_node result, const char *named_by, const Palette &palette) {
    std::vector<TableRow> rows;
    for (pugi::xml_node table : result.children("table"))
        rows.push_back({table.attribute(named_by).value(), table.attribute("rows").value()});
    print_table(out, {{"table"}, {"rows", true}}, rows, palette);
}

// The engine's error as file:line:column: problem, the form editors and
// terminals jump to, from the place its <error> document gives; its message
// as it stands when the error names no file, such as a folder's.
std::string with_file_line_column(pugi::xml_node error) {
    std::string file = error.attribute("file").value();
    if (file.empty()) return error.attribute("message").value();
    for (const char *number : {"line", "column"})
        if (pugi::xml_attribute place = error.attribute(number)) file += std::string(":") + place.value();
    return file + ": " + error.attribute("problem").value();
}

// The engine's entries carry no rule id: the agency's notice names the
// violation in words, which is what the last column shows.
const std::vector<Column> kEntryColumns = {{"date"},           {"kind"},      {"notice"},
                                           {"points", true}, {"appeal by"}, {"violation, reason or sanction"}};

// The cells of one <entry>: date, kind, notice, points, appeal by, and a note
// with the violation or reason, a sanction's kind and end, a reversal.  The
// engine lists the whole year, also entries dated after the day asked about,
// which its totals and standing leave out; the note says so.
TableRow entry_row(pugi::xml_node entry, const std::string &as_of) {
    std::string date = entry.attribute("date").value();
    std::vector<std::string> notes;
    if (date > as_of) notes.push_back("after " + as_of + ", not counted yet");  // ISO dates sort as text
    if (std::string sanction = entry.attribute("sanction").value(); !sanction.empty()) {
        std::string until = entry.attribute("until").value();
        notes.push_back(sanction + (until.empty() ? "" : " until " + until));
    }
    if (std::string reversed = entry.attribute("reversed").value(); !reversed.empty())
        notes.push_back("reversed on " + reversed + " after appeal");
    if (*entry.child_value()) notes.emplace_back(entry.child_value());
    std::string note;
    for (const auto &part : notes) note += (note.empty() ? "" : "; ") + part;
    return {date, entry.attribute("kind").value(), entry.attribute("notice").value(),
            entry.attribute("points").value(), entry.attribute("appeal-by").value(), note};
}

// "suspended until 2026-11-30"
std::string standing_text(pugi::xml_node result, const Palette &palette) {
    std::string until = result.attribute("until").value();
    return palette.standing(result.attribute("standing").value()) + (until.empty() ? "" : " until " + until);
}

}  // namespace

std::string counted(long long number, const char *noun, const char *plural) {
    std::string nouns = plural ? plural : std::string(noun) + "s";
    return std::to_string(number) + " " + (number == 1 ? noun : nouns);
}

size_t display_width(std::string_view utf8) {
    size_t width = 0;
    for (size_t at = 0; at < utf8.size();) {
        auto lead = static_cast<unsigned char>(utf8[at]);
        size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        if (at + length > utf8.size()) length = 1;
        char32_t code = length == 1 ? lead : lead & (0x7F >> length);
        for (size_t i = 1; i < length; ++i) code = (code << 6) | (static_cast<unsigned char>(utf8[at + i]) & 0x3F);
        width += columns_of(code);
        at += length;
    }
    return width;
}

Palette Palette::for_stdout() { return Palette(isatty(fileno(stdout)) && !std::getenv("NO_COLOR")); }

std::string Palette::paint(const char *sgr, std::string_view text) const {
    if (!colour_) return std::string(text);
    return std::string("\033[") + sgr + "m" + std::string(text) + "\033[0m";
}

std::string Palette::severity(std::string_view level) const {
    if (level == "block") return alarm(level);
    if (level == "warning") return paint("1;33", level);
    if (level == "info") return paint("36", level);
    if (level == "pass") return good(level);
    return std::string(level);
}

std::string Palette::standing(std::string_view standing) const {
    if (standing == "active") return good(standing);
    if (standing == "warned") return paint("1;33", standing);
    return alarm(standing);  // suspended, terminated, and whatever this tool does not know
}

std::string Palette::strong(std::string_view text) const { return paint("1", text); }
std::string Palette::faint(std::string_view text) const { return paint("2", text); }
std::string Palette::good(std::string_view text) const { return paint("32", text); }
std::string Palette::alarm(std::string_view text) const { return paint("1;31", text); }

void print_check_result(std::ostream &out, const std::string &file, pugi::xml_node result, const Palette &palette) {
    for (pugi::xml_node finding : result.children("finding")) print_finding(out, file, finding, palette);
    print_summary(out, file, result, palette);
}

void print_check_failure(std::ostream &out, const std::string &file, const std::string &reason,
                         const Palette &palette) {
    out << palette.strong(file + ":") << ' ' << palette.alarm("check failed, review by hand:") << ' ' << reason
        << '\n';
}

void print_audit_verification(std::ostream &out, pugi::xml_node result, const Palette &palette) {
    out << "audit log: " << counted(result.attribute("rows").as_llong(), "row") << " checked, ";
    if (result.attribute("intact").as_bool()) {
        out << palette.good("hash chain intact") << '\n';
        return;
    }
    out << palette.alarm("hash chain broken") << " at row " << result.attribute("first-bad-row").value() << ": "
        << result.attribute("problem").value() << '\n';
}

void print_store_copy(std::ostream &out, pugi::xml_node result, const Palette &palette) {
    out << palette.strong("copied:") << '\n';
    print_table_sizes(out, result, "name", palette);
    out << "copy's ";
    print_audit_verification(out, result, palette);
}

void print_pack_validation(std::ostream &out, const std::string &folder, pugi::xml_node result,
                           const Palette &palette) {
    std::string jurisdiction = result.attribute("jurisdiction").value();
    out << palette.strong(folder + ":") << ' ' << palette.good("valid") << " rule pack "
        << result.attribute("id").value() << ' ' << result.attribute("version").value() << ", jurisdiction "
        << (jurisdiction.empty() ? "(none)" : jurisdiction) << '\n';
    print_table_sizes(out, result, "file", palette);
    // Listed only when the engine reports them: its result has carried the
    // tables alone so far, and this tool reads no pack file itself.
    std::string profiles;
    for (pugi::xml_node profile : result.children("profile"))
        profiles += (profiles.empty() ? "" : ", ") + std::string(profile.attribute("name").value());
    if (!profiles.empty()) out << "profiles: " << profiles << '\n';
}

void print_pack_refusal(std::ostream &out, const std::string &folder, pugi::xml_node error, const Palette &palette) {
    out << with_file_line_column(error) << '\n'
        << palette.strong(folder + ":") << ' ' << palette.alarm("rule pack refused")
        << " (a pack is loaded whole or not at all)\n";
}

void print_ledger_import(std::ostream &out, const std::string &file, pugi::xml_node result, const Palette &palette) {
    out << palette.strong(file + ":") << ' ' << counted(result.attribute("entries").as_llong(), "entry", "entries")
        << ": " << result.attribute("changed").as_llong() << " new, " << result.attribute("unchanged").as_llong()
        << " already present\n";
}

void print_physician_status(std::ostream &out, pugi::xml_node result, const std::string &date,
                            const std::string &profile, const Palette &palette) {
    std::string year = result.attribute("year").value();
    out << palette.strong(std::string("physician ") + result.attribute("code").value()) << ", " << year << ", as of "
        << date << '\n';
    std::vector<TableRow> rows;
    for (pugi::xml_node entry : result.children("entry")) rows.push_back(entry_row(entry, date));
    if (rows.empty()) out << kIndent << "no ledger entries in " << year << '\n';
    else print_table(out, kEntryColumns, rows, palette);
    std::string remaining = std::string(result.attribute("remaining").value()) + " remaining";
    out << "totals: " << counted(result.attribute("deducted").as_llong(), "point") << " deducted, "
        << result.attribute("bonus").as_llong() << " bonus, " << palette.strong(remaining) << '\n'
        << "standing: " << standing_text(result, palette) << '\n'
        << "profile: " << profile << '\n';
}

}  // namespace medlint::cli
