#include "request.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "encoding.hpp"
#include "error.hpp"
#include "xml_input.hpp"

namespace medlint {

const char *to_string(InsuranceClass insurance_class) {
    switch (insurance_class) {
        case InsuranceClass::unknown: return "";
        case InsuranceClass::a: return "A";
        case InsuranceClass::b: return "B";
        case InsuranceClass::c: return "C";
    }
    return "";
}

const char *to_string(Mode mode) {
    switch (mode) {
        case Mode::prescribing: return "prescribing";
        case Mode::preaudit: return "preaudit";
        case Mode::settlement: return "settlement";
    }
    return "prescribing";
}

const Item *Document::find_item(std::string_view id) const {
    for (const auto &item : items)
        if (item.id == id) return &item;
    return nullptr;
}

long long Item::amount_fen() const { return std::llround(price * quantity * 100); }

const Diagnosis *Encounter::primary_diagnosis() const {
    for (const auto &diagnosis : diagnoses)
        if (diagnosis.primary) return &diagnosis;
    return diagnoses.empty() ? nullptr : &diagnoses.front();
}

namespace {

// GB/T 2261.1 codes are accepted besides M, F and U.
std::string read_gender(const Element &element) {
    std::string value = element.one_of("gender", {"M", "F", "U", "1", "2", "0", "9"}, "U");
    if (value == "1") return "M";
    if (value == "2") return "F";
    if (value == "0" || value == "9") return "U";
    return value;
}

void read_identity(const Element &element, Identity &identity, bool id_required) {
    identity.id = id_required ? element.required("id") : element.optional("id");
    identity.name = element.optional("name");
    identity.gender = read_gender(element);
    identity.birth_date = element.date("birth-date", false);
    identity.line = element.line();
}

Patient read_patient(const Element &element) {
    Patient patient;
    patient.id_type = element.one_of("id-type", {"resident-id", "passport", "permit", "birth-cert", "other"},
                                     "resident-id");
    read_identity(element, patient, true);
    // GB 11643 check characters are "X"; hosts send "x" too.  One spelling, so history finds the patient.
    if (patient.id_type == "resident-id" && !patient.id.empty() && patient.id.back() == 'x') patient.id.back() = 'X';
    patient.insurance_no = element.optional("insurance-no");
    if (auto card_element = element.child("card")) {
        Card card;
        read_identity(*card_element, card, false);
        card.source = card_element->optional("source");
        if (card.id.size() == 18 && card.id.back() == 'x') card.id.back() = 'X';
        patient.card = card;
    }
    return patient;
}

// encounter/@insurance, with the national insutype codes as aliases.
std::string read_insurance(const Element &element) {
    if (element.optional("insurance").empty()) return "";
    std::string value = element.one_of(
        "insurance", {"employee", "resident", "maternity", "work-injury", "other", "310", "390", "510"}, nullptr);
    if (value == "310") return "employee";
    if (value == "390") return "resident";
    if (value == "510") return "maternity";
    return value;
}

Encounter read_encounter(const Element &element) {
    Encounter encounter;
    encounter.id = element.required("id");
    encounter.type = element.one_of("type", {"outpatient", "emergency", "inpatient"}, nullptr);
    encounter.admitted = element.date("admitted", encounter.is_inpatient());
    encounter.discharged = element.date("discharged", false);
    encounter.rescue = element.boolean("rescue", false);
    encounter.insurance = read_insurance(element);
    encounter.channel = element.one_of("channel", {"onsite", "internet"}, "onsite");
    encounter.line = element.line();
    if (encounter.admitted && encounter.discharged && *encounter.discharged < *encounter.admitted)
        element.attribute_error("discharged", "is " + encounter.discharged->str() +
                                                  ", before the admission on " + encounter.admitted->str());
    for (const auto &child : element.children("diagnosis"))
        encounter.diagnoses.push_back({child.required("code"), child.optional("name"),
                                       child.boolean("primary", false), child.line()});
    return encounter;
}

// An attribute that may be absent or empty, and otherwise must be one of `allowed`.
std::string optional_one_of(const Element &element, const char *attribute, std::initializer_list<const char *> allowed) {
    return element.optional(attribute).empty() ? "" : element.one_of(attribute, allowed, nullptr);
}

InsuranceClass read_insurance_class(const Element &element) {
    std::string value = optional_one_of(element, "insurance-class", {"A", "B", "C"});
    if (value == "A") return InsuranceClass::a;
    if (value == "B") return InsuranceClass::b;
    if (value == "C") return InsuranceClass::c;
    return InsuranceClass::unknown;
}

Item read_item(const Element &element, const std::string &document_physician, std::optional<Date> default_date) {
    Item item;
    item.id = element.required("id");
    item.kind = element.one_of("kind", {"drug", "herb", "test", "exam", "treatment", "material", "service"}, nullptr);
    item.code = element.required("code");
    item.name = element.optional("name");
    item.unit = element.optional("unit");
    item.prescription = element.optional("prescription");
    item.operation = element.optional("operation");
    item.insurance_class = read_insurance_class(element);
    item.own_physician = element.has("physician");
    item.physician = item.own_physician ? element.optional("physician") : document_physician;
    item.quantity = element.number("quantity", item.quantity, kMaxQuantity);
    item.price = element.number("price", item.price, kMaxPrice);
    if (!element.optional("list-price").empty()) item.list_price = element.number("list-price", 0, kMaxPrice);
    item.days = element.whole_number("days", 0, 0, kMaxSupplyDays);
    auto date = element.date("date", false);
    if (!date) date = default_date;
    if (!date) element.attribute_error("date", "is required when the document has no time");
    item.date = *date;
    item.discharge_medication = element.boolean("discharge-medication", false);
    item.approved = element.boolean("approved", false);
    item.line = element.line();
    return item;
}

Document read_document(const Element &root, bool commit) {
    Document document;
    document.commit = commit;
    std::string mode = root.one_of("mode", {"prescribing", "preaudit", "settlement"}, "prescribing");
    document.mode = mode == "preaudit" ? Mode::preaudit : mode == "settlement" ? Mode::settlement : Mode::prescribing;
    document.time = root.timestamp("time", false);
    document.defer_audit = root.one_of("audit", {"immediate", "deferred"}, "immediate") == "deferred";
    document.line = root.line();
    if (auto institution = root.child("institution"))
        document.institution = {institution->optional("code"), optional_one_of(*institution, "level", {"1", "2", "3"})};
    if (auto physician = root.child("physician"))
        document.physician = PhysicianRef{physician->optional("code"), physician->optional("name"),
                                          physician->optional("dept"), physician->line()};
    auto patient = root.child("patient");
    if (!patient) root.error("element <patient> is required but missing");
    document.patient = read_patient(*patient);
    auto encounter = root.child("encounter");
    if (!encounter) root.error("element <encounter> is required but missing");
    document.encounter = read_encounter(*encounter);

    std::optional<Date> default_date = document.time.empty() ? std::nullopt : parse_timestamp_date(document.time);
    std::string document_physician = document.physician_code();
    std::set<std::string> item_ids;
    for (const auto &element : root.children("item")) {
        document.items.push_back(read_item(element, document_physician, default_date));
        if (!item_ids.insert(document.items.back().id).second)
            element.attribute_error("id", "\"" + document.items.back().id + "\" is used by an earlier item");
    }
    for (const auto &element : root.children("consent")) {
        Consent consent{element.optional("id"), element.one_of("signer", {"patient", "guardian", "relative"}, ""),
                        element.timestamp("signed", false), element.id_list("items"), element.line()};
        for (const auto &id : consent.items)
            if (!item_ids.count(id))
                element.attribute_error("items", "names item \"" + id + "\", which the document does not have");
        document.consents.push_back(std::move(consent));
    }
    return document;
}

Retract read_retract(const Element &root) {
    std::optional<std::string> institution;
    if (root.has("institution")) institution = root.required("institution");
    return {root.required("encounter"), institution, root.id_list("items")};
}

Feedback read_feedback(const Element &root) {
    Feedback feedback{root.required("physician"), root.timestamp("time", false), {}};
    for (const auto &element : root.children("finding")) {
        FeedbackEntry entry{element.required("id"), element.one_of("action", {"override", "accept"}, nullptr),
                            element.optional("reason"), element.optional("reason-code"), element.line()};
        if (entry.action == "override" && entry.reason.empty() && entry.reason_code.empty())
            element.attribute_error("reason", "is required when action is override (or give reason-code)");
        if (entry.reason_code == "other" && entry.reason.empty())
            element.attribute_error("reason", "must explain an override with reason-code \"other\"");
        feedback.entries.push_back(std::move(entry));
    }
    if (feedback.entries.empty()) root.error("names no <finding>");
    return feedback;
}

LedgerEntry read_ledger_entry(const Element &element) {
    LedgerEntry entry;
    entry.kind = element.name();
    entry.notice = element.required("notice");
    entry.line = element.line();
    if (entry.kind == "reversal") {
        entry.date = *element.date("date", true);
        return entry;
    }
    entry.physician = element.required("physician");
    if (entry.kind == "sanction") {
        entry.sanction_kind = element.one_of("kind", {"interview", "suspension", "termination"}, nullptr);
        entry.date = *element.date("from", true);
        entry.until = element.date("to", false);
        if (entry.until && *entry.until < entry.date)
            element.attribute_error("to", "is " + entry.until->str() + ", before from " + entry.date.str());
        return entry;
    }
    entry.date = *element.date("date", true);
    entry.points = element.whole_number("points", -1, 1, 12);
    if (entry.points < 0) element.attribute_error("points", "is required but missing");
    entry.text = element.optional(entry.kind == "deduction" ? "violation" : "reason");
    return entry;
}

Ledger read_ledger(const Element &root, const XmlSource &source) {
    Ledger ledger;
    for (auto node : source.root().children()) {
        if (node.type() != pugi::node_element) continue;
        Element element(source, node, MEDLINT_EPARSE);
        std::string name = node.name();
        if (name != "deduction" && name != "bonus" && name != "repair" && name != "reversal" && name != "sanction")
            element.error("is not a ledger entry; expected deduction, bonus, repair, reversal or sanction");
        ledger.entries.push_back(read_ledger_entry(element));
    }
    if (ledger.entries.empty()) root.error("holds no entries");
    return ledger;
}

PhysicianStatus read_physician_status(const Element &root) {
    return {root.required("code"), *root.date("date", true)};
}

bool is_document(std::string_view operation) { return operation == "check" || operation == "commit"; }

}  // namespace

Request parse_request(std::string utf8, std::optional<std::string_view> only) {
    XmlSource source(std::move(utf8), "request", "", MEDLINT_EPARSE);
    Element root(source, source.root(), MEDLINT_EPARSE);
    // Decided before anything else of the request is read, by the name the
    // parser read, not a guess from the text.
    std::string name = root.name();
    if (only) name = restricted_operation(name, *only, "request is <" + name + ">");
    Request request;
    request.lang = root.one_of("lang", {"zh", "en"}, "");
    // Canonical from here on, so that the response's declaration names what its bytes are.
    std::string asked = root.optional("response-encoding", "UTF-8");
    std::optional<std::string> encoding = canonical_response_encoding(asked);
    if (!encoding) root.attribute_error("response-encoding", "is \"" + asked + "\"; expected UTF-8 or GB18030");
    request.response_encoding = *encoding;
    if (is_document(name)) request.operation = read_document(root, name == "commit");
    else if (name == "retract") request.operation = read_retract(root);
    else if (name == "feedback") request.operation = read_feedback(root);
    else if (name == "ledger") request.operation = read_ledger(root, source);
    else if (name == "physician-status") request.operation = read_physician_status(root);
    else if (name == "audit-log-verify") request.operation = AuditLogVerify{};
    else if (name == "pack-validate") request.operation = PackValidate{root.required("path")};
    else if (name == "reload") request.operation = Reload{};
    else if (name == "store-copy") request.operation = StoreCopy{root.required("to")};
    else
        fail_at_line(MEDLINT_EPARSE, root.line(),
                     "<" + name + ">: is not an operation; expected check, commit, retract, feedback, ledger, "
                     "physician-status, audit-log-verify, pack-validate, reload or store-copy",
                     name);
    return request;
}

std::string restricted_operation(const std::string &operation, std::string_view only, const std::string &refused) {
    std::vector<std::string_view> listed;
    for (size_t at = 0; at < only.size();) {
        size_t end = std::min(only.find(' ', at), only.size());
        if (end > at) listed.push_back(only.substr(at, end - at));
        at = end + 1;
    }
    auto is_listed = [&](std::string_view name) { return std::find(listed.begin(), listed.end(), name) != listed.end(); };
    if (is_listed(operation)) return operation;
    if (is_document(operation))
        for (std::string_view document : {"check", "commit"})
            if (is_listed(document)) return std::string(document);
    std::string performed;
    for (size_t i = 0; i < listed.size(); ++i)
        performed += (i == 0 ? "<" : i + 1 == listed.size() ? " or <" : ", <") + std::string(listed[i]) + ">";
    throw Error(MEDLINT_EPARSE, refused + "; this call performs only " + performed,
                {"", 0, 0, "", operation});
}

}  // namespace medlint
