// What an audit found, document by document, and the totals the reports show.
// Everything here is in input order or sorted on its content, never on the
// order in which worker threads finished, so the reports are the same bytes
// for the same input.
#pragma once
#include <pugixml.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace medlint::cli {

struct AuditFinding {
    std::string id, rule, severity, certainty;
    long long points = 0;
    bool overridden = false;
    // Whether it counts (the engine's stands): an override lifts a finding, except a block.
    bool stands = true;
    std::string items;       // the ids, as the engine lists them
    std::string item_names;  // their names, each once, "; " between
    size_t line = 1;         // in the document, as the engine gives it and check prints it
    std::string physician;   // whose points it puts at risk, as the engine charges it
    std::string physician_name, department;
    long long amount_fen = 0;     // of the finding's items; 0 for a finding about the whole document
    long long points_at_risk = 0;  // what it adds to its physician's points at risk
    std::string message;
};

struct CheckedDocument {
    std::string name;
    std::string encounter, status, service_date;
    std::string rules;  // the packs it was checked with, as the engine names them
    long long amount_at_risk_fen = 0;  // each item once, however many findings name it
    std::vector<AuditFinding> findings;
    std::map<std::string, long long> unknown_codes;  // code -> its lines no loaded catalogue knows
};

// A document that was not checked, and why.
struct UncheckedDocument {
    std::string name, reason;
};

// A physician's points on the latest service date of the batch.
struct PhysicianPoints {
    std::optional<long long> remaining;  // none when the engine could not say
    std::string standing;
};

struct AuditReport {
    std::string engine;  // the library's version
    bool committed = false;
    bool interrupted = false;
    size_t documents = 0;  // all the inputs found
    std::vector<CheckedDocument> checked;
    std::vector<UncheckedDocument> failed, skipped;
    size_t left = 0;  // not reached before an interruption
    std::map<std::string, PhysicianPoints> physician_points;  // by code
};

// A checked document's findings, each with its line, items, physician,
// department and amount, as the engine's <check-result> gives them.
CheckedDocument checked_document(const std::string &name, pugi::xml_node result);

// Per physician with findings, the latest service date among the documents
// of their findings: the day their remaining points are looked up for.
std::map<std::string, std::string> physicians_to_look_up(const AuditReport &report);

struct SeverityCounts {
    long long block = 0, warning = 0, info = 0;
    long long overridden = 0;  // findings an override lifted, whatever their severity

    void add(const AuditFinding &finding);
    long long total() const { return block + warning + info + overridden; }
};

// A code no loaded catalogue knows, and how many lines of the batch bill it.
struct UnknownCodeCount {
    std::string code;
    long long lines = 0;
};

// Findings of one rule, one department or one physician.
struct Tally {
    std::string key;    // the rule id, department name or physician code; "" when the document names none
    std::string label;  // as shown: "(none)" for "", a physician's name and code
    SeverityCounts counts;
    long long points_at_risk = 0;
};

struct AuditSummary {
    SeverityCounts findings;
    long long amount_at_risk_fen = 0, points_at_risk = 0;
    std::string rules;  // the packs the documents were checked with
    std::vector<Tally> by_rule, by_department, by_physician;  // most findings first, then by key
    std::vector<UnknownCodeCount> unknown_codes;              // most lines first, then by code
};

AuditSummary summarize(const AuditReport &report);

// "1234.50": fen as yuan.
std::string yuan(long long fen);

// The text with each byte that is not part of valid UTF-8 replaced by U+FFFD,
// for the reports' formats, which are UTF-8: a file name can be any bytes.
std::string valid_utf8(std::string_view text);

}  // namespace medlint::cli
