#include "responses.hpp"

#include <pugixml.hpp>

#include <string>

#include "encoding.hpp"
#include "join.hpp"
#include "version.hpp"

namespace medlint {
namespace {

// Texts from packs, the store or a message may hold control characters that
// XML 1.0 forbids; pugixml writes them as references (&#04;), which expat
// refuses, so they are dropped from its output.  It writes each control
// character as "&#" and two decimal digits, and each '&' of a text as
// "&amp;", so every "&#" of its output is such a reference: one pass over
// the text, instead of a look at every attribute and text of the tree.
void drop_control_references(std::string &xml) {
    size_t out = xml.find("&#");
    if (out == std::string::npos) return;
    auto forbidden_at = [&](size_t at) {
        if (at + 5 > xml.size() || xml.compare(at, 2, "&#") != 0 || xml[at + 4] != ';') return false;
        unsigned char tens = static_cast<unsigned char>(xml[at + 2] - '0'), ones = static_cast<unsigned char>(xml[at + 3] - '0');
        return tens <= 9 && ones <= 9 && is_forbidden_control(tens * 10u + ones);
    };
    for (size_t in = out; in < xml.size();) {
        if (forbidden_at(in)) in += 5;
        else xml[out++] = xml[in++];
    }
    xml.resize(out);
}

// pugixml's output appended to a string, with no stream between.
class StringWriter : public pugi::xml_writer {
public:
    explicit StringWriter(std::string &out) : out_(out) {}
    void write(const void *data, size_t size) override { out_.append(static_cast<const char *>(data), size); }

private:
    std::string &out_;
};

std::string to_text(pugi::xml_document &document, const std::string &encoding) {
    std::string out = "<?xml version=\"1.0\" encoding=\"";
    out += encoding == "UTF-8" ? "UTF-8" : "GB18030";
    out += "\"?>\n";
    StringWriter writer(out);
    document.save(writer, "  ", pugi::format_indent | pugi::format_no_declaration, pugi::encoding_utf8);
    drop_control_references(out);
    return encode_response(std::move(out), encoding);
}

void set_physician_attributes(pugi::xml_node node, const PhysicianSummary &summary) {
    node.append_attribute("code") = summary.code.c_str();
    node.append_attribute("year") = summary.year;
    node.append_attribute("deducted") = summary.deducted;
    node.append_attribute("bonus") = summary.bonus;
    node.append_attribute("remaining") = summary.remaining;
    node.append_attribute("standing") = to_string(summary.standing);
    node.append_attribute("until") = summary.until.c_str();
}

// "1234.50": an amount in fen as yuan, the unit of the request's prices.
std::string yuan(long long fen) {
    std::string text = std::to_string(fen / 100) + '.';
    long long cents = fen % 100;
    if (cents >= 0 && cents < 10) text += '0';  // as printf's "%02lld"
    return text += std::to_string(cents);
}

// The items a finding names, as the request gives them, with their amounts, so
// that a host lists them without reading the request again.
void append_items(pugi::xml_node finding, const Reported &out, const Document &document) {
    for (const auto &id : out.finding.items) {
        const Item *item = document.find_item(id);
        if (!item) continue;
        auto node = finding.append_child("item");
        node.append_attribute("id") = item->id.c_str();
        node.append_attribute("name") = item->name.c_str();
        node.append_attribute("amount") = yuan(item->amount_fen()).c_str();
    }
}

void append_finding(pugi::xml_node root, const Reported &out, const Document &document) {
    auto node = root.append_child("finding");
    node.append_attribute("id") = out.id.c_str();
    node.append_attribute("rule") = out.finding.rule.c_str();
    node.append_attribute("severity") = to_string(out.severity);
    node.append_attribute("certainty") = to_string(out.certainty);
    node.append_attribute("points") = out.points;
    node.append_attribute("items") = join(out.finding.items, " ").c_str();
    node.append_attribute("overridden") = out.overridden() ? "true" : "false";
    node.append_attribute("stands") = out.stands() ? "true" : "false";
    node.append_attribute("physician") = out.physician.c_str();
    node.append_attribute("line") = out.line;
    if (out.feedback) node.append_attribute("feedback") = out.feedback->action.c_str();
    if (out.overridden()) {
        node.append_attribute("reason") = out.feedback->reason.c_str();
        if (!out.feedback->reason_code.empty()) node.append_attribute("reason-code") = out.feedback->reason_code.c_str();
    }
    node.append_child("message").text() = out.message.c_str();
    node.append_child("evidence").text() = out.evidence.c_str();
    auto suggestion = node.append_child("suggestion");
    suggestion.append_attribute("action") = out.finding.action.c_str();
    suggestion.text() = out.suggestion.c_str();
    node.append_child("basis").text() = out.basis.c_str();
    for (const KnowledgePoint *point : out.citations) {
        auto basis = node.append_child("basis");
        basis.append_attribute("kp") = point->kp.c_str();
        basis.append_attribute("batch") = point->batch.c_str();
        basis.text() = point->constraint.c_str();
    }
    append_items(node, out, document);
}

}  // namespace

std::string check_result(const CheckAnswer &answer, const std::string &encoding) {
    pugi::xml_document xml;
    auto root = xml.append_child("check-result");
    root.append_attribute("status") = to_string(answer.outcome.status);
    root.append_attribute("mode") = to_string(answer.document.mode);
    root.append_attribute("engine") = kVersion;
    root.append_attribute("rules") = answer.rules.c_str();
    root.append_attribute("service-date") = answer.service_date.str().c_str();
    root.append_attribute("encounter") = answer.document.encounter.id.c_str();
    if (answer.document.commit) root.append_attribute("committed") = static_cast<unsigned>(answer.document.items.size());
    auto elapsed = root.append_attribute("elapsed-us");

    auto physician = root.append_child("physician");
    set_physician_attributes(physician, answer.physician);
    physician.append_attribute("at-risk") = answer.outcome.at_risk;
    physician.append_attribute("projected") = to_string(answer.projected);
    // Beside the code, as the request's <physician> gives them.
    const std::optional<PhysicianRef> &named = answer.document.physician;
    auto name = physician.insert_attribute_after("name", physician.attribute("code"));
    name = named ? named->name.c_str() : "";
    physician.insert_attribute_after("dept", name) = named ? named->dept.c_str() : "";

    size_t unknown_lines = 0;
    for (const auto &unknown : answer.unknown_codes) unknown_lines += unknown.items.size();
    root.insert_attribute_before("unknown-codes", elapsed) = static_cast<unsigned>(unknown_lines);
    for (const auto &out : answer.reported) append_finding(root, out, answer.document);
    for (const auto &unknown : answer.unknown_codes) {
        auto node = root.append_child("unknown-code");
        node.append_attribute("code") = unknown.code.c_str();
        node.append_attribute("items") = join(unknown.items, " ").c_str();
    }
    for (const auto &code : answer.unknown_diagnoses)
        root.append_child("unknown-diagnosis").append_attribute("code") = code.c_str();
    elapsed = static_cast<long long>(std::chrono::duration_cast<std::chrono::microseconds>(
                                         std::chrono::steady_clock::now() - answer.start)
                                         .count());
    return to_text(xml, encoding);
}

std::string retract_result(const Retract &retract, int removed, const std::string &encoding) {
    pugi::xml_document xml;
    auto root = xml.append_child("retract-result");
    root.append_attribute("encounter") = retract.encounter.c_str();
    root.append_attribute("removed") = removed;
    return to_text(xml, encoding);
}

std::string feedback_result(const Feedback &feedback, const std::string &encoding) {
    pugi::xml_document xml;
    xml.append_child("feedback-result").append_attribute("recorded") = static_cast<unsigned>(feedback.entries.size());
    return to_text(xml, encoding);
}

std::string ledger_result(const Ledger &ledger, int changed, const std::string &encoding) {
    pugi::xml_document xml;
    auto root = xml.append_child("ledger-result");
    root.append_attribute("entries") = static_cast<unsigned>(ledger.entries.size());
    root.append_attribute("changed") = changed;
    root.append_attribute("unchanged") = static_cast<int>(ledger.entries.size()) - changed;
    return to_text(xml, encoding);
}

std::string physician_status_result(const PhysicianStanding &standing, const PhysicianStatus &status,
                                    const std::vector<LedgerRow> &rows, const std::string &profile,
                                    const std::string &encoding) {
    pugi::xml_document xml;
    auto root = xml.append_child("physician-status-result");
    set_physician_attributes(root, standing.as_of(status.date));
    root.append_attribute("profile") = profile.c_str();  // contract section 2.5: which rules the standing follows
    for (const auto &row : rows) {
        if (row.date.year() != status.date.year()) continue;  // a sanction of an earlier year lasting into this one
        auto entry = root.append_child("entry");
        entry.append_attribute("kind") = row.kind.c_str();
        entry.append_attribute("notice") = row.notice.c_str();
        entry.append_attribute("date") = row.date.str().c_str();
        if (row.kind == "sanction") {
            entry.append_attribute("sanction") = row.sanction_kind.c_str();
            entry.append_attribute("until") = row.until ? row.until->str().c_str() : "";
        } else {
            entry.append_attribute("points") = row.points;
        }
        if (auto deadline = standing.appeal_deadline(row.date); deadline && row.kind == "deduction")
            entry.append_attribute("appeal-by") = deadline->str().c_str();
        if (row.reversed_on) entry.append_attribute("reversed") = row.reversed_on->str().c_str();
        entry.text() = row.text.c_str();
    }
    return to_text(xml, encoding);
}

namespace {

void append_verification(pugi::xml_node root, const AuditVerification &verification) {
    root.append_attribute("rows") = static_cast<long long>(verification.rows);
    root.append_attribute("intact") = verification.intact ? "true" : "false";
    if (!verification.intact) {
        root.append_attribute("first-bad-row") = static_cast<long long>(verification.first_bad_row);
        root.append_attribute("problem") = verification.problem.c_str();
    }
}

}  // namespace

std::string audit_log_verify_result(const AuditVerification &verification, const std::string &encoding) {
    pugi::xml_document xml;
    append_verification(xml.append_child("audit-log-verify-result"), verification);
    return to_text(xml, encoding);
}

std::string store_copy_result(const CopiedStore &copy, const std::string &encoding) {
    pugi::xml_document xml;
    auto root = xml.append_child("store-copy-result");
    append_verification(root, copy.audit);  // of the copy's audit log
    for (const auto &[name, rows] : copy.tables) {
        auto table = root.append_child("table");
        table.append_attribute("name") = name.c_str();
        table.append_attribute("rows") = static_cast<long long>(rows);
    }
    return to_text(xml, encoding);
}

std::string pack_validate_result(const Knowledge &pack, const std::string &encoding) {
    const PackInfo &info = pack.packs().front();
    pugi::xml_document xml;
    auto root = xml.append_child("pack-validate-result");
    root.append_attribute("id") = info.id.c_str();
    root.append_attribute("version") = info.version.c_str();
    root.append_attribute("jurisdiction") = info.jurisdiction.c_str();
    for (const auto &[file, rows] : pack.table_sizes()) {
        auto table = root.append_child("table");
        table.append_attribute("file") = file.c_str();
        table.append_attribute("rows") = static_cast<unsigned long long>(rows);
    }
    for (const auto &profile : pack.profiles()) root.append_child("profile").append_attribute("name") = profile.first.c_str();
    return to_text(xml, encoding);
}

std::string reload_result(const std::string &rules, const std::string &encoding) {
    pugi::xml_document xml;
    xml.append_child("reload-result").append_attribute("rules") = rules.c_str();
    return to_text(xml, encoding);
}

std::string error_document(int code, const std::string &message, const Place &place) {
    pugi::xml_document xml;
    auto root = xml.append_child("error");
    root.append_attribute("code") = code;
    root.append_attribute("message") = message.c_str();
    if (!place.file.empty()) root.append_attribute("file") = place.file.c_str();
    if (place.line > 0) root.append_attribute("line") = place.line;
    if (place.column > 0) root.append_attribute("column") = place.column;
    if (!place.problem.empty()) root.append_attribute("problem") = place.problem.c_str();
    if (!place.root.empty()) root.append_attribute("root") = place.root.c_str();
    return to_text(xml, "UTF-8");
}

}  // namespace medlint
