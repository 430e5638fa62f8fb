// JSON written by hand rather than with a library: the report is a tree of
// strings, whole numbers and fixed-point amounts, which needs only a correct
// string escaper, and the tool keeps pugixml as its only dependency.
#include <cstdio>
#include <string_view>
#include <vector>

#include "reports.hpp"

namespace medlint::cli {
namespace {

std::string json_string(std::string_view text) {
    std::string out = "\"";
    for (char c : valid_utf8(text)) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char escape[8];
                    std::snprintf(escape, sizeof escape, "\\u%04x", static_cast<unsigned>(c));
                    out += escape;
                } else {
                    out += c;
                }
        }
    }
    return out + "\"";
}

// Writes objects and arrays with two spaces of indentation per level,
// placing the commas.
class JsonWriter {
public:
    explicit JsonWriter(std::ostream &out) : out_(out) {}
    ~JsonWriter() { out_ << '\n'; }

    JsonWriter &begin_object() { return open('{'); }
    JsonWriter &end_object() { return close('}'); }
    JsonWriter &begin_array() { return open('['); }
    JsonWriter &end_array() { return close(']'); }

    // The name of the next member of an object.
    JsonWriter &key(std::string_view name) {
        start_value();
        out_ << json_string(name) << ": ";
        after_key_ = true;
        return *this;
    }
    JsonWriter &value(std::string_view text) { return literal(json_string(text)); }
    JsonWriter &value(const char *text) { return value(std::string_view(text)); }
    JsonWriter &value(const std::string &text) { return value(std::string_view(text)); }
    JsonWriter &value(long long number) { return literal(std::to_string(number)); }
    JsonWriter &value(size_t number) { return literal(std::to_string(number)); }
    JsonWriter &value(bool truth) { return literal(truth ? "true" : "false"); }
    JsonWriter &null() { return literal("null"); }
    // A number already written as JSON allows, such as an amount "12.50".
    JsonWriter &number_text(const std::string &number) { return literal(number); }

private:
    JsonWriter &open(char bracket) {
        literal(std::string(1, bracket));
        first_in_level_.push_back(true);
        return *this;
    }
    JsonWriter &close(char bracket) {
        bool empty = first_in_level_.back();
        first_in_level_.pop_back();
        if (!empty) new_line();
        out_ << bracket;
        return *this;
    }
    JsonWriter &literal(const std::string &text) {
        start_value();
        out_ << text;
        return *this;
    }
    // A value after a key stays on the key's line; others start a line of
    // their own, after a comma when they are not the first of their level.
    void start_value() {
        if (after_key_) {
            after_key_ = false;
            return;
        }
        if (first_in_level_.empty()) return;
        if (!first_in_level_.back()) out_ << ',';
        first_in_level_.back() = false;
        new_line();
    }
    void new_line() { out_ << '\n' << std::string(2 * first_in_level_.size(), ' '); }

    std::ostream &out_;
    std::vector<bool> first_in_level_;
    bool after_key_ = false;
};

void write_counts(JsonWriter &json, const SeverityCounts &counts) {
    json.key("findings").value(counts.total());
    json.key("block").value(counts.block);
    json.key("warning").value(counts.warning);
    json.key("info").value(counts.info);
    json.key("overridden").value(counts.overridden);
}

void write_totals(JsonWriter &json, const AuditReport &report, const AuditSummary &summary) {
    json.key("totals").begin_object();
    json.key("documents").value(report.documents);
    json.key("checked").value(report.checked.size());
    json.key("failed").value(report.failed.size());
    json.key("skipped").value(report.skipped.size());
    json.key("left").value(report.left);
    write_counts(json, summary.findings);
    json.key("amount_at_risk").number_text(yuan(summary.amount_at_risk_fen));
    json.key("points_at_risk").value(summary.points_at_risk);
    json.end_object();
}

void write_tallies(JsonWriter &json, const char *name, const char *key, const std::vector<Tally> &tallies) {
    json.key(name).begin_array();
    for (const auto &tally : tallies) {
        json.begin_object().key(key).value(tally.key);
        write_counts(json, tally.counts);
        json.key("points_at_risk").value(tally.points_at_risk);
        json.end_object();
    }
    json.end_array();
}

void write_physicians(JsonWriter &json, const AuditReport &report, const std::vector<Tally> &physicians) {
    json.key("by_physician").begin_array();
    for (const auto &tally : physicians) {
        json.begin_object().key("physician").value(tally.key).key("label").value(tally.label);
        write_counts(json, tally.counts);
        json.key("points_at_risk").value(tally.points_at_risk);
        auto points = report.physician_points.find(tally.key);
        bool known = points != report.physician_points.end() && points->second.remaining;
        json.key("remaining");
        if (known) json.value(*points->second.remaining);
        else json.null();
        json.key("standing").value(known ? points->second.standing : "");
        json.end_object();
    }
    json.end_array();
}

void write_unchecked(JsonWriter &json, const char *name, const std::vector<UncheckedDocument> &documents) {
    json.key(name).begin_array();
    for (const auto &document : documents)
        json.begin_object().key("document").value(document.name).key("reason").value(document.reason).end_object();
    json.end_array();
}

void write_unknown_codes(JsonWriter &json, const std::vector<UnknownCodeCount> &codes) {
    json.key("unknown_codes").begin_array();
    for (const auto &code : codes) json.begin_object().key("code").value(code.code).key("lines").value(code.lines).end_object();
    json.end_array();
}

void write_documents(JsonWriter &json, const AuditReport &report) {
    json.key("documents").begin_array();
    for (const auto &document : report.checked) {
        json.begin_object().key("document").value(document.name);
        json.key("encounter").value(document.encounter);
        json.key("service_date").value(document.service_date);
        json.key("status").value(document.status);
        json.key("findings").value(document.findings.size());
        json.key("amount_at_risk").number_text(yuan(document.amount_at_risk_fen));
        json.end_object();
    }
    json.end_array();
}

void write_findings(JsonWriter &json, const AuditReport &report) {
    json.key("findings").begin_array();
    for (const auto &document : report.checked)
        for (const auto &finding : document.findings) {
            json.begin_object().key("document").value(document.name);
            json.key("line").value(finding.line);
            json.key("encounter").value(document.encounter);
            json.key("items").value(finding.items);
            json.key("item_names").value(finding.item_names);
            json.key("rule").value(finding.rule);
            json.key("severity").value(finding.severity);
            json.key("certainty").value(finding.certainty);
            json.key("points").value(finding.points);
            json.key("overridden").value(finding.overridden);
            json.key("physician").value(finding.physician);
            json.key("physician_name").value(finding.physician_name);
            json.key("department").value(finding.department);
            json.key("amount").number_text(yuan(finding.amount_fen));
            json.key("message").value(finding.message);
            json.key("finding").value(finding.id);
            json.end_object();
        }
    json.end_array();
}

}  // namespace

void write_json_report(std::ostream &out, const AuditReport &report, const AuditSummary &summary) {
    JsonWriter json(out);
    json.begin_object();
    json.key("engine").value(report.engine);
    json.key("rules").value(summary.rules);
    json.key("mode").value("preaudit");
    json.key("committed").value(report.committed);
    json.key("interrupted").value(report.interrupted);
    write_totals(json, report, summary);
    write_tallies(json, "by_rule", "rule", summary.by_rule);
    write_tallies(json, "by_department", "department", summary.by_department);
    write_physicians(json, report, summary.by_physician);
    write_unknown_codes(json, summary.unknown_codes);
    write_unchecked(json, "failed", report.failed);
    write_unchecked(json, "skipped", report.skipped);
    write_documents(json, report);
    write_findings(json, report);
    json.end_object();
}

}  // namespace medlint::cli
