#include "engine.hpp"

#include <algorithm>
#include <chrono>
#include <map>

#include "check_policy.hpp"
#include "encoding.hpp"
#include "error.hpp"
#include "join.hpp"
#include "national.hpp"
#include "overloaded.hpp"
#include "request.hpp"
#include "responses.hpp"
#include "rules/rule.hpp"
#include "sha256.hpp"
#include "standing.hpp"

namespace medlint {
namespace {

using Clock = std::chrono::steady_clock;

// Same rule, variant, encounter and items: the same id, in every later check.
std::string finding_id(const Finding &finding, const std::string &encounter) {
    std::vector<std::string_view> items(finding.items.begin(), finding.items.end());
    std::sort(items.begin(), items.end());
    std::string key;
    key.reserve(128);
    key.append(finding.rule).append(1, '\x1f').append(finding.variant).append(1, '\x1f').append(encounter);
    for (std::string_view item : items) key.append(1, '\x1f').append(item);
    if (!finding.subject.empty()) key.append("\x1f\x1f").append(finding.subject);
    return "f-" + sha256_hex(key).substr(0, 16);
}

using Params = std::vector<std::pair<std::string, std::string>>;

// `text` with its {name} placeholders filled from `params`, appended to `out`
// in one pass: a value is written as it is, never searched for placeholders
// itself, and a {name} that no parameter has stays as written.
void fill_placeholders(std::string &out, std::string_view text, const Params &params) {
    out.reserve(out.size() + text.size() + 32 * params.size());
    for (size_t at = 0; at < text.size();) {
        size_t open = text.find('{', at), close = text.find('}', open);
        if (close == std::string_view::npos) {
            out.append(text.substr(at));
            break;
        }
        out.append(text.substr(at, open - at));
        std::string_view name = text.substr(open + 1, close - open - 1);
        auto param = std::find_if(params.begin(), params.end(), [&](const auto &p) { return p.first == name; });
        if (param == params.end()) {
            out += '{';  // not a placeholder; a '{' inside it may open one
            at = open + 1;
        } else {
            out += param->second;
            at = close + 1;
        }
    }
}

// A finding's three texts in the request's language, as the packs give them.
struct FindingTexts {
    std::string rule, variant;
    const std::string *message, *evidence, *suggestion;
};

PhysicianStanding standing_of(StoreSnapshot &store, const Knowledge &knowledge, const Profile &profile,
                              const std::string &code, Date as_of) {
    return PhysicianStanding(code, store.ledger(code, as_of.year() - kLedgerYearsBack, as_of.year()), knowledge,
                             profile);
}

// The store's history of one patient for one check.  It first asks whether
// there is any: a patient new to the store (most of a batch pre-audit) costs
// one look-up instead of one or more per item.  A patient with few items
// has them all read at once and every look-up answered from them; for the
// others every answer is kept for the check, and while listing (check(),
// for a PostgreSQL store) item look-ups are only noted and answered with
// nothing; read_listed() then reads them all together, in one round trip
// instead of one per look-up.
class PatientHistory : public History {
public:
    // On SQLite a row read costs about a fifth of a look-up, and a check
    // makes tens of look-ups: up to this many rows, reading them all is
    // cheaper (on PostgreSQL, a round trip saved pays for many more).
    static constexpr size_t kAllItemsAtMost = 200;

    PatientHistory(StoreSnapshot &store, const std::string &patient_key) : store_(store), patient_key_(patient_key) {}

    bool any() {
        if (!any_) any_ = store_.has_history(patient_key_);
        return *any_;
    }
    // Whether look-ups are worth listing first: each is a round trip, and
    // the patient's items are too many to read at once.
    bool worth_listing() { return store_.reads_take_round_trips() && any() && !all_items(); }
    void start_listing() { listing_ = true; }
    void read_listed() {
        listing_ = false;
        std::vector<ItemQuery> queries;
        for (const auto &[query, answer] : items_)
            if (!answer) queries.push_back(query);
        if (queries.empty()) return;
        auto answers = store_.read_items(patient_key_, queries);
        for (size_t i = 0; i < queries.size(); ++i) items_[queries[i]] = std::move(answers[i]);
    }

    std::vector<PastItem> items(const std::string &, const ItemQuery &query) override {
        if (!any()) return {};
        if (const auto &all = all_items()) return answer_from(*all, query);
        auto &answer = items_[query];
        if (listing_) return {};
        if (!answer) answer = store_.items(patient_key_, query);
        return *answer;
    }
    std::vector<SeenIdentity> identities(const std::string &, const std::string &except_encounter) override {
        if (!any()) return {};
        return kept(identities_, except_encounter, [&] { return store_.identities(patient_key_, except_encounter); });
    }
    IdentityDigest digest(const std::string &patient_key, const Identity &identity) override {
        return store_.digest(patient_key, identity);
    }
    std::vector<Stay> inpatient_stays(const std::string &, const std::string &except_encounter) override {
        if (!any()) return {};
        return kept(stays_, except_encounter, [&] { return store_.inpatient_stays(patient_key_, except_encounter); });
    }
    // An encounter committed earlier belongs to this patient's history too.
    std::vector<PastItem> encounter_items(const std::string &encounter) override {
        if (!any()) return {};
        return kept(encounter_items_, encounter, [&] { return store_.encounter_items(encounter); });
    }

private:
    const std::optional<std::vector<PastItem>> &all_items() {
        if (!all_items_read_) {
            all_items_ = store_.all_items(patient_key_, kAllItemsAtMost);
            all_items_read_ = true;
        }
        return all_items_;
    }
    // What the store answers: the items the query asks for, by date, the
    // same date in the order of the history index.
    static std::vector<PastItem> answer_from(const std::vector<PastItem> &all, const ItemQuery &query) {
        std::vector<PastItem> out;
        for (const auto &item : all)
            if (query.matches(item)) out.push_back(item);
        std::stable_sort(out.begin(), out.end(), [](const PastItem &a, const PastItem &b) { return a.date < b.date; });
        return out;
    }

    template <class Answer, class Read>
    static Answer kept(std::map<std::string, Answer> &answers, const std::string &key, Read &&read) {
        auto found = answers.find(key);
        if (found == answers.end()) found = answers.emplace(key, read()).first;
        return found->second;
    }

    StoreSnapshot &store_;
    const std::string &patient_key_;
    std::optional<bool> any_;
    std::optional<std::vector<PastItem>> all_items_;  // nullopt: too many, or not read yet
    bool all_items_read_ = false;
    bool listing_ = false;
    std::map<ItemQuery, std::optional<std::vector<PastItem>>> items_;  // nullopt: listed, not read yet
    std::map<std::string, std::vector<SeenIdentity>> identities_;
    std::map<std::string, std::vector<Stay>> stays_;
    std::map<std::string, std::vector<PastItem>> encounter_items_;
};

class Call {
public:
    Call(Engine &engine, Request &request, Clock::time_point start)
        : engine_(engine), snapshot_(engine.knowledge()), config_(engine.config()), knowledge_(*snapshot_),
          profile_(*knowledge_.profile(config_.profile)), store_(engine.store()), request_(request), start_(start),
          lang_(request.lang.empty() ? config_.language : request.lang) {}

    std::string run() {
        return std::visit(Overloaded{[&](Document &document) { return check(document); },
                                     [&](const Retract &retract) { return run_retract(retract); },
                                     [&](const Feedback &feedback) { return run_feedback(feedback); },
                                     [&](const Ledger &ledger) { return run_ledger(ledger); },
                                     [&](const PhysicianStatus &status) { return physician_status(status); },
                                     [&](const AuditLogVerify &) { return verify_audit_log(); },
                                     [&](const PackValidate &validate) { return validate_pack(validate); },
                                     [&](const Reload &) { return reload(); },
                                     [&](const StoreCopy &copy) {
                                         return store_copy_result(copy_store(store_, read_config(copy.to)), encoding());
                                     }},
                          request_.operation);
    }

private:
    std::string check(Document &document) {
        std::vector<std::string> unknown_diagnoses = read_diagnoses_as_insurance_codes(document);
        std::string patient_key = store_.patient_key(document.patient);
        std::unique_ptr<StoreSnapshot> snapshot_of_store =
            store_.snapshot({document.institution.code, config_.store_shared_by_alliance});
        StoreSnapshot &snapshot = *snapshot_of_store;
        std::map<std::string, std::optional<PhysicianStanding>> standings;  // each physician's ledger read once
        auto standing = [&](const std::string &code) -> const PhysicianStanding & {
            auto &slot = standings[code];
            if (!slot) slot.emplace(standing_of(snapshot, knowledge_, profile_, code, service_date(document)));
            return *slot;
        };
        auto standing_on = [&](const std::string &code, Date date) {
            const PhysicianSummary &summary = standing(code).as_of(date);
            return StandingOn{summary.standing, summary.until};
        };
        PatientHistory history(snapshot, patient_key);
        RuleContext context{document, knowledge_, history, patient_key, Date::today_china(), standing_on};
        auto run_rules = [&] {
            std::vector<Finding> findings;
            for (const auto &rule : registered_rules())
                if (rule->declaration().runs_in(document.mode)) rule->run(context, findings);
            return findings;
        };
        // Against a long history in a store a round trip away, the rules run
        // twice: first to list the item look-ups they make, read together,
        // then to judge.  A look-up that only an answer leads to is read on
        // its own.
        if (history.worth_listing()) {
            history.start_listing();
            run_rules();
            history.read_listed();
        }
        std::vector<Finding> findings = run_rules();

        std::string physician = document.physician_code();
        const PhysicianStanding &responsible = standing(physician);
        std::vector<Reported> reported = describe(std::move(findings), document, responsible, snapshot);
        snapshot.end();
        AuditEntry audit{document.commit ? "commit" : "check", physician, document.encounter.id, audit_findings(reported)};
        if (document.commit) store_.commit(document, patient_key, audit);
        else store_.record_check(audit, document.defer_audit);
        CheckOutcome outcome = outcome_of(document, reported);
        Date date = service_date(document);
        CheckAnswer answer{document, reported, outcome, responsible.as_of(date),
                           responsible.projected(date, outcome.risked), knowledge_.describe_packs(), date, start_,
                           unknown_codes(document), unknown_diagnoses};
        return request_.national ? national_check_result(answer, *request_.national) : check_result(answer, encoding());
    }

    // Rules compare the insurance edition's ICD-10 codes: a local or
    // clinical-edition code a pack maps becomes its insurance code, and a code
    // left that is no ICD-10 code at all (a hospital's own XYZD018987) is
    // reported, never guessed.  Returns those, once each.
    std::vector<std::string> read_diagnoses_as_insurance_codes(Document &document) const {
        std::vector<std::string> unknown;
        for (auto &diagnosis : document.encounter.diagnoses) {
            if (const std::string *mapped = knowledge_.insurance_diagnosis(diagnosis.code)) diagnosis.code = *mapped;
            else if (!is_icd10(diagnosis.code) &&
                     std::find(unknown.begin(), unknown.end(), diagnosis.code) == unknown.end())
                unknown.push_back(diagnosis.code);
        }
        return unknown;
    }

    // The lines whose code no loaded catalogue knows, by code.
    std::vector<UnknownCode> unknown_codes(const Document &document) const {
        std::vector<UnknownCode> unknown;
        for (const auto &item : document.items) {
            if (!is_unknown_code(knowledge_, item)) continue;
            auto same = [&](const UnknownCode &u) { return u.code == item.code; };
            auto found = std::find_if(unknown.begin(), unknown.end(), same);
            if (found == unknown.end()) found = unknown.insert(unknown.end(), {item.code, {}});
            found->items.push_back(item.id);
        }
        return unknown;
    }

    std::vector<Reported> describe(std::vector<Finding> findings, const Document &document,
                                   const PhysicianStanding &responsible, StoreSnapshot &snapshot) {
        std::vector<Reported> reported;
        reported.reserve(findings.size());
        std::vector<std::string> ids;
        for (auto &finding : findings) {
            const RuleMeta *meta = knowledge_.rule(finding.rule);
            const FindingTexts &texts = texts_of(finding);
            Reported out;
            out.finding = std::move(finding);
            const Finding &found = out.finding;
            out.id = finding_id(found, document.encounter.id);
            out.severity = found.mitigated ? meta->mitigated_severity : meta->severity;
            out.certainty = found.certainty.value_or(meta->certainty);
            fill_placeholders(out.message, *texts.message, found.params);
            fill_placeholders(out.evidence, *texts.evidence, found.params);
            fill_placeholders(out.suggestion, *texts.suggestion, found.params);
            out.basis = lang_ == "en" ? meta->basis_en : meta->basis_zh;
            out.line = line_of(document, found);
            out.physician = charged_physician(document, found);
            for (const auto &kp : found.knowledge_points)
                if (const KnowledgePoint *point = knowledge_.knowledge_point(kp)) out.citations.push_back(point);
            // A finding the record answers (a consent for a self-paid item) puts no points at risk.
            if (!found.mitigated) out.points = knowledge_.points(config_.profile, found.rule).points;
            ids.push_back(out.id);
            reported.push_back(std::move(out));
        }
        auto feedback = snapshot.feedback(ids);
        for (auto &out : reported) {
            if (auto found = feedback.find(out.id); found != feedback.end()) out.feedback = found->second;
            out.severity = severity_in(document.mode, out.severity, out.feedback.has_value());
            // Only of the responsible physician's own findings: a colleague's item is not at their risk.
            if (!out.overridden() && charged_to_responsible(document, out.finding))
                add_threshold_warning(out.message, responsible, service_date(document), out.points);
        }
        return reported;
    }

    // "; this would bring you to 9 points: suspension" when the finding's points would reach a threshold.
    void add_threshold_warning(std::string &message, const PhysicianStanding &responsible, Date date, int points) {
        const Threshold *threshold = responsible.threshold_reached_by(date, points);
        if (!threshold) return;
        fill_placeholders(message, knowledge_.text("threshold.suffix", lang_),
                          {{"total", std::to_string(responsible.as_of(date).net + points)},
                           {"consequence", lang_ == "en" ? threshold->consequence_en : threshold->consequence_zh}});
    }

    // Looked up in the packs once a rule and variant in a check: a noisy check has ten findings of one.
    const FindingTexts &texts_of(const Finding &finding) {
        for (const auto &texts : texts_)
            if (texts.rule == finding.rule && texts.variant == finding.variant) return texts;
        std::string prefix = finding.rule + "." + finding.variant + ".";
        texts_.push_back({finding.rule, finding.variant, &knowledge_.text(prefix + "message", lang_),
                          &knowledge_.text(prefix + "evidence", lang_), &knowledge_.text(prefix + "suggestion", lang_)});
        return texts_.back();
    }

    static std::string audit_findings(const std::vector<Reported> &reported) {
        std::vector<std::string> parts;
        for (const auto &out : reported) parts.push_back(out.id + " " + out.finding.rule + " " + to_string(out.severity));
        return join(parts, "; ");
    }

    std::string run_retract(const Retract &retract) {
        int removed = store_.retract(retract, {"retract", "", retract.encounter, join(retract.items, " ")});
        return retract_result(retract, removed, encoding());
    }

    std::string run_feedback(const Feedback &feedback) {
        for (const auto &entry : feedback.entries)
            if (!entry.reason_code.empty() && !knowledge_.is_override_reason(entry.reason_code))
                fail_at_line(MEDLINT_EPARSE, entry.line,
                             "<finding>: attribute reason-code \"" + entry.reason_code +
                                 "\" is not an override reason of the rule packs (override_reasons.csv)");
        if (request_.national) require_reported(feedback);
        std::vector<std::string> parts;
        for (const auto &entry : feedback.entries) parts.push_back(entry.finding_id + " " + entry.action);
        store_.record_feedback(feedback, {"feedback", feedback.physician, "", join(parts, "; ")});
        return request_.national ? national_feedback_result(feedback, *request_.national)
                                 : feedback_result(feedback, encoding());
    }

    // 3103 answers the warnings of earlier 3101/3102 calls: a warn_rslt_id
    // that no check reported is a mistake of the client, not an answer to keep.
    void require_reported(const Feedback &feedback) {
        std::unique_ptr<StoreSnapshot> snapshot = store_.snapshot({});
        for (size_t i = 0; i < feedback.entries.size(); ++i)
            if (!snapshot->reported(feedback.entries[i].finding_id))
                fail(MEDLINT_EPARSE, "input.data.warns[" + std::to_string(i) + "].warn_rslt_id: \"" +
                                         feedback.entries[i].finding_id + "\" is no jr_id that medlint reported");
    }

    std::string run_ledger(const Ledger &ledger) {
        std::vector<std::string> notices;
        for (const auto &entry : ledger.entries) notices.push_back(entry.kind + " " + entry.notice);
        int added = store_.import_ledger(ledger, {"ledger", "", "", join(notices, "; ")});
        return ledger_result(ledger, added, encoding());
    }

    std::string physician_status(const PhysicianStatus &status) {
        std::unique_ptr<StoreSnapshot> snapshot_of_store = store_.snapshot({});
        StoreSnapshot &snapshot = *snapshot_of_store;
        PhysicianStanding standing = standing_of(snapshot, knowledge_, profile_, status.code, status.date);
        return physician_status_result(standing, status,
                                       snapshot.ledger(status.code, status.date.year(), status.date.year()),
                                       config_.profile, encoding());
    }

    std::string verify_audit_log() { return audit_log_verify_result(store_.verify_audit_log(), encoding()); }

    std::string validate_pack(const PackValidate &validate) {
        Knowledge pack;
        pack.add_pack(read_pack_directory(validate.path), validate.path);
        return pack_validate_result(pack, encoding());
    }

    std::string reload() {
        engine_.reload();
        return reload_result(engine_.knowledge()->describe_packs(), encoding());
    }

    const std::string &encoding() const { return request_.response_encoding; }

    Engine &engine_;
    std::shared_ptr<const Knowledge> snapshot_;
    const Config &config_;
    const Knowledge &knowledge_;
    const Profile &profile_;
    Store &store_;
    Request &request_;
    Clock::time_point start_;
    std::string lang_;
    std::vector<FindingTexts> texts_;  // texts_of()
};

std::shared_ptr<const Knowledge> load_knowledge(const Config &config) {
    auto knowledge = std::make_shared<Knowledge>();
    if (config.rule_pack_paths.empty()) {
        knowledge->add_pack(embedded_default_pack(), "built-in pack");
        knowledge->add_pack(embedded_national_pack(), "built-in national pack");
    }
    for (const auto &path : config.rule_pack_paths) knowledge->add_pack(read_pack_directory(path), path);
    require_registered_rules(*knowledge);
    if (!knowledge->profile(config.profile))
        fail(MEDLINT_ECONFIG, "policy profile \"" + config.profile + "\" is not defined by any loaded rule pack");
    return knowledge;
}

// A request medlint reads at all: not empty, and not past the limit of contract section 1.
void require_request_size(std::string_view request_bytes) {
    constexpr size_t kMaxRequestBytes = 32u << 20;
    if (request_bytes.size() > kMaxRequestBytes)
        fail(MEDLINT_EPARSE, "request is " + std::to_string(request_bytes.size()) + " bytes; the limit is " +
                                 std::to_string(kMaxRequestBytes) + " (send one encounter per request)");
    if (request_bytes.empty()) fail(MEDLINT_EPARSE, "request is empty");
}

}  // namespace

Engine::Engine(const Config &config) : config_(config), knowledge_(load_knowledge(config)) {
    store_ = Store::open(config);
}

void Engine::reload() { std::atomic_store(&knowledge_, load_knowledge(config_)); }

std::string Engine::call(std::string_view request_bytes, std::optional<std::string_view> only) {
    auto start = Clock::now();
    require_request_size(request_bytes);
    Request request = is_national(request_bytes) ? parse_national_request(request_bytes, only)
                                                 : parse_request(decode_request(request_bytes), only);
    return Call(*this, request, start).run();
}

std::string Engine::translate(std::string_view request_bytes) const {
    require_request_size(request_bytes);
    if (!is_national(request_bytes))
        fail(MEDLINT_EPARSE, "request is not a national JSON envelope: its first character that is not blank is not '{'");
    return translate_national_request(request_bytes);
}

}  // namespace medlint
