#include "render.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <vector>

namespace medlint::cli {
namespace {

const char kIndent[] = "    ";

std::vector<std::string> split_words(const char *text) {
    std::istringstream in(text);
    std::vector<std::string> words;
    for (std::string word; in >> word;) words.push_back(word);
    return words;
}

std::string counted(long long number, const char *noun) {
    return std::to_string(number) + " " + noun + (number == 1 ? "" : "s");
}

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

void print_finding(std::ostream &out, const std::string &file, pugi::xml_node finding,
                   const RequestOutline &outline, const Palette &palette) {
    size_t line = outline.line_of(split_words(finding.attribute("items").value()));
    out << palette.strong(file + ":" + std::to_string(line) + ":") << ' '
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

}  // namespace

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

std::string Palette::strong(std::string_view text) const { return paint("1", text); }
std::string Palette::faint(std::string_view text) const { return paint("2", text); }
std::string Palette::good(std::string_view text) const { return paint("32", text); }
std::string Palette::alarm(std::string_view text) const { return paint("1;31", text); }

void print_check_result(std::ostream &out, const std::string &file, pugi::xml_node result,
                        const RequestOutline &outline, const Palette &palette) {
    for (pugi::xml_node finding : result.children("finding")) print_finding(out, file, finding, outline, palette);
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

}  // namespace medlint::cli
