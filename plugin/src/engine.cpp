#include "engine.hpp"

#include <pugixml.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <sstream>

#include "encoding.hpp"
#include "error.hpp"
#include "request.hpp"
#include "rules/rule.hpp"
#include "sha256.hpp"
#include "standing.hpp"
#include "version.hpp"

namespace medlint {
namespace {

using Clock = std::chrono::steady_clock;

// Points fall on the physician who ordered: the document's physician answers
// for findings about the whole document and for items without their own.
bool charged_to_responsible(const Document &document, const Finding &finding) {
    if (finding.items.empty()) return true;
    std::string responsible = document.physician ? document.physician->code : "";
    for (const auto &id : finding.items)
        if (const Item *item = document.find_item(id); item && item->physician == responsible) return true;
    return false;
}

// pass < info < warning < block
int rank(const std::string &severity) {
    if (severity == "block") return 3;
    if (severity == "warning") return 2;
    return severity == "info" ? 1 : 0;
}

// A finding as it goes out: the rule's finding plus what the packs and the
// store say about it.
struct Reported {
    Finding finding;
    std::string id, severity, certainty, message, evidence, suggestion, basis;
    int points = 0;
    std::optional<FeedbackRecord> feedback;
    bool overridden() const { return feedback && feedback->action == "override"; }
};

// Same rule, variant, encounter and items: the same id, in every later check.
std::string finding_id(const Finding &finding, const std::string &encounter) {
    std::vector<std::string> items = finding.items;
    std::sort(items.begin(), items.end());
    std::string key = finding.rule + '\x1f' + finding.variant + '\x1f' + encounter;
    for (const auto &item : items) key += '\x1f' + item;
    if (!finding.subject.empty()) key += "\x1f\x1f" + finding.subject;
    return "f-" + sha256_hex(key).substr(0, 16);
}

using Params = std::vector<std::pair<std::string, std::string>>;

std::string fill(std::string out, const Params &params) {
    for (const auto &[name, value] : params) {
        std::string placeholder = "{" + name + "}";
        for (size_t at = out.find(placeholder); at != std::string::npos; at = out.find(placeholder, at + value.size()))
            out.replace(at, placeholder.size(), value);
    }
    return out;
}

std::string render(const Knowledge &knowledge, const Finding &finding, const char *part, const std::string &lang) {
    std::string key = finding.rule + "." + finding.variant + "." + part;
    return fill(knowledge.text(key, lang), finding.params);
}

std::string join(const std::vector<std::string> &parts, const char *separator) {
    std::string out;
    for (const auto &part : parts) out += (out.empty() ? "" : separator) + part;
    return out;
}

// The day the document's services count for: admission, else the first item, else the document time.
Date service_date(const Document &document) {
    if (document.encounter.admitted) return *document.encounter.admitted;
    if (!document.items.empty())
        return std::min_element(document.items.begin(), document.items.end(),
                                [](const Item &a, const Item &b) { return a.date < b.date; })
            ->date;
    if (auto date = parse_timestamp_date(document.time)) return *date;
    return Date::today_china();
}

// Texts from packs, the store or a message may hold control characters that XML 1.0
// forbids; pugixml would write them as &#4;, which expat refuses.  They are dropped.
void drop_control_characters(pugi::xml_node node) {
    for (auto attribute : node.attributes())
        attribute.set_value(without_control_characters(attribute.value()).c_str());
    if (node.type() == pugi::node_pcdata || node.type() == pugi::node_cdata)
        node.set_value(without_control_characters(node.value()).c_str());
    for (auto child : node.children()) drop_control_characters(child);
}

std::string to_text(pugi::xml_document &document, const std::string &encoding) {
    drop_control_characters(document);
    std::ostringstream out;
    out << "<?xml version=\"1.0\" encoding=\"" << (encoding == "UTF-8" ? "UTF-8" : "GB18030") << "\"?>\n";
    document.save(out, "  ", pugi::format_indent | pugi::format_no_declaration, pugi::encoding_utf8);
    return encode_response(out.str(), encoding);
}

PhysicianStanding standing_of(StoreSnapshot &store, const Knowledge &knowledge, const Profile &profile,
                              const std::string &code, Date as_of) {
    return PhysicianStanding(code, store.ledger(code, as_of.year() - kLedgerYearsBack, as_of.year()), knowledge,
                             profile);
}

void set_physician_attributes(pugi::xml_node node, const PhysicianSummary &summary) {
    node.append_attribute("code") = summary.code.c_str();
    node.append_attribute("year") = summary.year;
    node.append_attribute("deducted") = summary.deducted;
    node.append_attribute("bonus") = summary.bonus;
    node.append_attribute("remaining") = summary.remaining;
    node.append_attribute("standing") = summary.standing.c_str();
    node.append_attribute("until") = summary.until.c_str();
}

// The store's history of one patient, which first asks whether there is any:
// a patient new to the store (most of a batch pre-audit) costs one look-up
// instead of one or more per item.
class PatientHistory : public History {
public:
    PatientHistory(StoreSnapshot &store, const std::string &patient_key) : store_(store), patient_key_(patient_key) {}

    std::vector<PastItem> items(const std::string &patient_key, const std::string &code, bool prefix, Date from,
                                Date to, std::optional<Date> lasting_on) override {
        if (!any()) return {};
        return store_.items(patient_key, code, prefix, from, to, lasting_on);
    }
    std::vector<SeenIdentity> identities(const std::string &patient_key, const std::string &except_encounter) override {
        if (!any()) return {};
        return store_.identities(patient_key, except_encounter);
    }
    std::vector<Stay> inpatient_stays(const std::string &patient_key, const std::string &except_encounter) override {
        if (!any()) return {};
        return store_.inpatient_stays(patient_key, except_encounter);
    }
    // An encounter committed earlier belongs to this patient's history too.
    std::vector<PastItem> encounter_items(const std::string &encounter) override {
        if (!any()) return {};
        return store_.encounter_items(encounter);
    }

private:
    bool any() {
        if (!any_) any_ = store_.has_history(patient_key_);
        return *any_;
    }
    StoreSnapshot &store_;
    const std::string &patient_key_;
    std::optional<bool> any_;
};

class Call {
public:
    Call(Engine &engine, Request &request, Clock::time_point start)
        : engine_(engine), snapshot_(engine.knowledge()), config_(engine.config()), knowledge_(*snapshot_),
          profile_(*knowledge_.profile(config_.profile)), store_(engine.store()), request_(request), start_(start),
          lang_(request.lang.empty() ? config_.language : request.lang) {}

    std::string run() {
        auto &operation = request_.operation;
        if (auto *document = std::get_if<Document>(&operation)) return check(*document);
        if (auto *retract = std::get_if<Retract>(&operation)) return run_retract(*retract);
        if (auto *feedback = std::get_if<Feedback>(&operation)) return run_feedback(*feedback);
        if (auto *ledger = std::get_if<Ledger>(&operation)) return run_ledger(*ledger);
        if (auto *status = std::get_if<PhysicianStatus>(&operation)) return physician_status(*status);
        if (auto *validate = std::get_if<PackValidate>(&operation)) return validate_pack(*validate);
        if (std::holds_alternative<Reload>(operation)) return reload();
        return verify_audit_log();
    }

private:
    std::string check(const Document &document) {
        std::string patient_key = document.patient.id_type + ":" + document.patient.id;
        StoreSnapshot snapshot(store_);
        std::map<std::string, std::optional<PhysicianStanding>> standings;  // each physician's ledger read once
        auto standing = [&](const std::string &code) -> const PhysicianStanding & {
            auto &slot = standings[code];
            if (!slot) slot.emplace(standing_of(snapshot, knowledge_, profile_, code, service_date(document)));
            return *slot;
        };
        auto standing_on = [&](const std::string &code, Date date) {
            PhysicianSummary summary = standing(code).as_of(date);
            return Standing{summary.standing, summary.until};
        };
        PatientHistory history(snapshot, patient_key);
        RuleContext context{document, knowledge_, history, patient_key, Date::today_china(), standing_on};
        std::vector<Finding> findings;
        for (const auto &rule : registered_rules())
            if (rule->declaration().runs_in(document.mode)) rule->run(context, findings);

        std::string physician = document.physician ? document.physician->code : "";
        const PhysicianStanding &responsible = standing(physician);
        std::vector<Reported> reported = describe(findings, document, responsible, snapshot);
        snapshot.end();
        AuditEntry audit{document.commit ? "commit" : "check", physician, document.encounter.id, audit_findings(reported)};
        if (document.commit) store_.commit(document, patient_key, audit);
        else store_.record_check(audit, document.defer_audit);
        return check_result(document, reported, responsible);
    }

    std::vector<Reported> describe(const std::vector<Finding> &findings, const Document &document,
                                   const PhysicianStanding &responsible, StoreSnapshot &snapshot) {
        std::vector<Reported> reported;
        std::vector<std::string> ids;
        for (const auto &finding : findings) {
            const RuleMeta *meta = knowledge_.rule(finding.rule);
            Reported out{finding, finding_id(finding, document.encounter.id),
                         finding.mitigated ? meta->mitigated_severity : meta->severity,
                         finding.certainty.empty() ? meta->certainty : finding.certainty,
                         render(knowledge_, finding, "message", lang_), render(knowledge_, finding, "evidence", lang_),
                         render(knowledge_, finding, "suggestion", lang_), lang_ == "en" ? meta->basis_en : meta->basis_zh,
                         0, std::nullopt};
            // A finding the record answers (a consent for a self-paid item) puts no points at risk.
            if (!finding.mitigated) out.points = knowledge_.points(config_.profile, finding.rule).points;
            ids.push_back(out.id);
            reported.push_back(std::move(out));
        }
        auto feedback = snapshot.feedback(ids);
        for (auto &out : reported) {
            if (auto found = feedback.find(out.id); found != feedback.end()) out.feedback = found->second;
            // Settlement is the last self-check: an unresolved warning stops submission.
            if (document.mode == Mode::settlement && out.severity == "warning" && !out.feedback) out.severity = "block";
            // Only of the responsible physician's own findings: a colleague's item is not at their risk.
            if (!out.overridden() && charged_to_responsible(document, out.finding))
                out.message += threshold_warning(responsible, service_date(document), out.points);
        }
        return reported;
    }

    // "; this would bring you to 9 points: suspension" when the finding's points would reach a threshold.
    std::string threshold_warning(const PhysicianStanding &responsible, Date date, int points) {
        const Threshold *threshold = responsible.threshold_reached_by(date, points);
        if (!threshold) return "";
        return fill(knowledge_.text("threshold.suffix", lang_),
                    {{"total", std::to_string(responsible.as_of(date).net + points)},
                     {"consequence", lang_ == "en" ? threshold->consequence_en : threshold->consequence_zh}});
    }

    static std::string audit_findings(const std::vector<Reported> &reported) {
        std::vector<std::string> parts;
        for (const auto &out : reported) parts.push_back(out.id + " " + out.finding.rule + " " + out.severity);
        return join(parts, "; ");
    }

    std::string check_result(const Document &document, const std::vector<Reported> &reported,
                             const PhysicianStanding &responsible) {
        std::string status = "pass";
        int at_risk = 0;
        std::vector<int> risked;
        std::set<std::string> counted_cases;
        for (const auto &out : reported) {
            if (out.overridden() && out.severity != "block") continue;
            if (rank(out.severity) > rank(status)) status = out.severity;
            if (!charged_to_responsible(document, out.finding)) continue;
            // Deductions are per case: the findings of one rule about the whole document are one case.
            if (out.finding.items.empty() && !counted_cases.insert(out.finding.rule).second) continue;
            at_risk += out.points;
            risked.push_back(out.points);
        }
        Date date = service_date(document);
        PhysicianSummary summary = responsible.as_of(date);
        pugi::xml_document xml;
        auto root = xml.append_child("check-result");
        root.append_attribute("status") = status.c_str();
        root.append_attribute("mode") = to_string(document.mode);
        root.append_attribute("engine") = kVersion;
        root.append_attribute("rules") = knowledge_.describe_packs().c_str();
        if (document.commit) root.append_attribute("committed") = static_cast<unsigned>(document.items.size());
        auto elapsed = root.append_attribute("elapsed-us");

        auto physician = root.append_child("physician");
        set_physician_attributes(physician, summary);
        physician.append_attribute("at-risk") = at_risk;
        physician.append_attribute("projected") = responsible.projected(date, risked).c_str();

        for (const auto &out : reported) {
            auto node = root.append_child("finding");
            node.append_attribute("id") = out.id.c_str();
            node.append_attribute("rule") = out.finding.rule.c_str();
            node.append_attribute("severity") = out.severity.c_str();
            node.append_attribute("certainty") = out.certainty.c_str();
            node.append_attribute("points") = out.points;
            node.append_attribute("items") = join(out.finding.items, " ").c_str();
            node.append_attribute("overridden") = out.overridden() ? "true" : "false";
            if (out.feedback) node.append_attribute("feedback") = out.feedback->action.c_str();
            if (out.overridden()) {
                node.append_attribute("reason") = out.feedback->reason.c_str();
                if (!out.feedback->reason_code.empty())
                    node.append_attribute("reason-code") = out.feedback->reason_code.c_str();
            }
            node.append_child("message").text() = out.message.c_str();
            node.append_child("evidence").text() = out.evidence.c_str();
            auto suggestion = node.append_child("suggestion");
            suggestion.append_attribute("action") = out.finding.action.c_str();
            suggestion.text() = out.suggestion.c_str();
            node.append_child("basis").text() = out.basis.c_str();
        }
        elapsed = static_cast<long long>(
            std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start_).count());
        return to_text(xml, request_.response_encoding);
    }

    std::string run_retract(const Retract &retract) {
        int removed = store_.retract(retract, {"retract", "", retract.encounter, join(retract.items, " ")});
        pugi::xml_document xml;
        auto root = xml.append_child("retract-result");
        root.append_attribute("encounter") = retract.encounter.c_str();
        root.append_attribute("removed") = removed;
        return to_text(xml, request_.response_encoding);
    }

    std::string run_feedback(const Feedback &feedback) {
        for (const auto &entry : feedback.entries)
            if (!entry.reason_code.empty() && !knowledge_.is_override_reason(entry.reason_code))
                fail(MEDLINT_EPARSE, "line " + std::to_string(entry.line) + ": <finding>: attribute reason-code \"" +
                                         entry.reason_code + "\" is not an override reason of the rule packs "
                                                             "(override_reasons.csv)");
        std::vector<std::string> parts;
        for (const auto &entry : feedback.entries) parts.push_back(entry.finding_id + " " + entry.action);
        store_.record_feedback(feedback, {"feedback", feedback.physician, "", join(parts, "; ")});
        pugi::xml_document xml;
        auto root = xml.append_child("feedback-result");
        root.append_attribute("recorded") = static_cast<unsigned>(feedback.entries.size());
        return to_text(xml, request_.response_encoding);
    }

    std::string run_ledger(const Ledger &ledger) {
        std::vector<std::string> notices;
        for (const auto &entry : ledger.entries) notices.push_back(entry.kind + " " + entry.notice);
        int added = store_.import_ledger(ledger, {"ledger", "", "", join(notices, "; ")});
        pugi::xml_document xml;
        auto root = xml.append_child("ledger-result");
        root.append_attribute("entries") = static_cast<unsigned>(ledger.entries.size());
        root.append_attribute("changed") = added;
        root.append_attribute("unchanged") = static_cast<int>(ledger.entries.size()) - added;
        return to_text(xml, request_.response_encoding);
    }

    std::string physician_status(const PhysicianStatus &status) {
        StoreSnapshot snapshot(store_);
        PhysicianStanding standing = standing_of(snapshot, knowledge_, profile_, status.code, status.date);
        pugi::xml_document xml;
        auto root = xml.append_child("physician-status-result");
        set_physician_attributes(root, standing.as_of(status.date));
        root.append_attribute("profile") = config_.profile.c_str();  // contract section 2.5: which rules the standing follows
        for (const auto &row : snapshot.ledger(status.code, status.date.year(), status.date.year())) {
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
        return to_text(xml, request_.response_encoding);
    }

    std::string verify_audit_log() {
        AuditVerification verification = store_.verify_audit_log();
        pugi::xml_document xml;
        auto root = xml.append_child("audit-log-verify-result");
        root.append_attribute("rows") = static_cast<long long>(verification.rows);
        root.append_attribute("intact") = verification.intact ? "true" : "false";
        if (!verification.intact) {
            root.append_attribute("first-bad-row") = static_cast<long long>(verification.first_bad_row);
            root.append_attribute("problem") = verification.problem.c_str();
        }
        return to_text(xml, request_.response_encoding);
    }

    std::string validate_pack(const PackValidate &validate) {
        Knowledge pack;
        pack.add_pack(read_pack_directory(validate.path), validate.path);
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
        return to_text(xml, request_.response_encoding);
    }

    std::string reload() {
        engine_.reload();
        pugi::xml_document xml;
        xml.append_child("reload-result").append_attribute("rules") = engine_.knowledge()->describe_packs().c_str();
        return to_text(xml, request_.response_encoding);
    }

    Engine &engine_;
    std::shared_ptr<const Knowledge> snapshot_;
    const Config &config_;
    const Knowledge &knowledge_;
    const Profile &profile_;
    Store &store_;
    Request &request_;
    Clock::time_point start_;
    std::string lang_;
};

std::shared_ptr<const Knowledge> load_knowledge(const Config &config) {
    auto knowledge = std::make_shared<Knowledge>();
    if (config.rule_pack_paths.empty()) knowledge->add_pack(embedded_default_pack(), "built-in pack");
    for (const auto &path : config.rule_pack_paths) knowledge->add_pack(read_pack_directory(path), path);
    require_registered_rules(*knowledge);
    if (!knowledge->profile(config.profile))
        fail(MEDLINT_ECONFIG, "policy profile \"" + config.profile + "\" is not defined by any loaded rule pack");
    return knowledge;
}

}  // namespace

Engine::Engine(const Config &config) : config_(config), knowledge_(load_knowledge(config)) {
    store_ = std::make_unique<Store>(config.store_path);
}

void Engine::reload() { std::atomic_store(&knowledge_, load_knowledge(config_)); }

namespace {

// The operation a call restricted to `only` performs: a <check> or <commit>
// document as `only` names it, anything else refused by the name the parser
// read, which is the engine's, not a guess from the text.
void restrict_operation(Request &request, std::string_view only) {
    if (auto *document = std::get_if<Document>(&request.operation); document && (only == "check" || only == "commit")) {
        document->commit = only == "commit";
        return;
    }
    std::string name = operation_name(request.operation);
    if (name != only)
        fail(MEDLINT_EPARSE, "request is <" + name + ">; this call performs only <" + std::string(only) + ">");
}

}  // namespace

std::string Engine::call(std::string_view request_bytes, std::optional<std::string_view> only) {
    auto start = Clock::now();
    constexpr size_t kMaxRequestBytes = 32u << 20;
    if (request_bytes.size() > kMaxRequestBytes)
        fail(MEDLINT_EPARSE, "request is " + std::to_string(request_bytes.size()) + " bytes; the limit is " +
                                 std::to_string(kMaxRequestBytes) + " (send one encounter per request)");
    if (request_bytes.empty()) fail(MEDLINT_EPARSE, "request is empty");
    Request request = parse_request(decode_request(request_bytes));
    if (only) restrict_operation(request, *only);
    return Call(*this, request, start).run();
}

std::string error_document(int code, const std::string &message) {
    pugi::xml_document xml;
    auto root = xml.append_child("error");
    root.append_attribute("code") = code;
    root.append_attribute("message") = message.c_str();
    return to_text(xml, "UTF-8");
}

}  // namespace medlint
