// Readable output of response documents: findings as file:line diagnostics,
// one summary line per document.  Labels are English; messages, evidence
// and suggestions are the engine's, in the request's language.
#pragma once
#include <pugixml.hpp>

#include <ostream>
#include <string>
#include <string_view>

namespace medlint::cli {

// "1 point", "3 points"; `plural` for a noun that does not just add an s.
std::string counted(long long number, const char *noun, const char *plural = nullptr);

// The columns UTF-8 text takes on a terminal: two for a CJK character.  A
// stray byte counts as one column.
size_t display_width(std::string_view utf8);

// ANSI colours, or plain text.
class Palette {
public:
    explicit Palette(bool colour) : colour_(colour) {}
    // Colours only for a terminal, and only when NO_COLOR is unset.
    static Palette for_stdout();
    bool colours() const { return colour_; }

    // A severity or a status: pass, info, warning, block.
    std::string severity(std::string_view level) const;
    // A physician's standing: active, warned, suspended, terminated.
    std::string standing(std::string_view standing) const;
    std::string strong(std::string_view text) const;
    std::string faint(std::string_view text) const;
    std::string good(std::string_view text) const;
    std::string alarm(std::string_view text) const;

private:
    std::string paint(const char *sgr, std::string_view text) const;
    bool colour_;
};

// The findings of a <check-result>, each at the file:line the engine gives, and its summary line.
void print_check_result(std::ostream &out, const std::string &file, pugi::xml_node result, const Palette &palette);

// A document that could not be checked.  It is never a pass.
void print_check_failure(std::ostream &out, const std::string &file, const std::string &reason,
                         const Palette &palette);

// An <audit-log-verify-result>.
void print_audit_verification(std::ostream &out, pugi::xml_node result, const Palette &palette);

// A <store-copy-result>: the rows copied, table by table, and the
// verification of the copy's audit log.
void print_store_copy(std::ostream &out, pugi::xml_node result, const Palette &palette);

// A <pack-validate-result>: the pack's id, version and jurisdiction, and the
// rows of each table.
void print_pack_validation(std::ostream &out, const std::string &folder, pugi::xml_node result,
                           const Palette &palette);

// A rule pack the engine refused, with its <error> as file:line:column where
// the engine gives the place.
void print_pack_refusal(std::ostream &out, const std::string &folder, pugi::xml_node error, const Palette &palette);

// A <ledger-result>: how many entries were new and how many already present.
void print_ledger_import(std::ostream &out, const std::string &file, pugi::xml_node result, const Palette &palette);

// A <physician-status-result> asked for `date`: a heading, the year's entries
// as a table, the totals, the standing and the policy profile.
void print_physician_status(std::ostream &out, pugi::xml_node result, const std::string &date,
                            const std::string &profile, const Palette &palette);

}  // namespace medlint::cli
