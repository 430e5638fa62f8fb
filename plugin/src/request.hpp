// The operations of the host contract, section 2, as validated C++ values.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "dates.hpp"

namespace medlint {

enum class Mode { prescribing, preaudit, settlement };
const char *to_string(Mode mode);

struct Institution {
    std::string code;
    std::string level;  // "1", "2" or "3" (一级, 二级, 三级); "" when not given
};

struct PhysicianRef {
    std::string code, name, dept;
    int line = 0;
};

struct Identity {
    std::string id, name, gender;  // gender normalised to M, F or U
    std::optional<Date> birth_date;
    int line = 0;
};

struct Card : Identity {
    std::string source;
};

struct Patient : Identity {
    std::string id_type, insurance_no;
    std::optional<Card> card;
};

struct Diagnosis {
    std::string code, name;
    bool primary = false;
    int line = 0;
};

struct Encounter {
    std::string id, type;  // outpatient, emergency, inpatient
    std::optional<Date> admitted, discharged;
    bool rescue = false;
    // employee, resident, maternity, work-injury or other (the national
    // insutype 310, 390 and 510 read as the first three); "" when not given.
    std::string insurance;
    std::string channel = "onsite";  // onsite, or internet: an internet-hospital visit
    std::vector<Diagnosis> diagnoses;
    int line = 0;

    bool is_inpatient() const { return type == "inpatient"; }
    // The diagnosis marked primary, else the first; nullptr without any.
    const Diagnosis *primary_diagnosis() const;
    bool exempt_as_emergency() const { return rescue || type == "emergency"; }
};

// The largest price (yuan a unit) and quantity a request may give: far above any
// real one, and small enough that an amount in fen (1e14 at most) is exact in 64
// bits and tens of thousands of them add up without overflow.
constexpr double kMaxPrice = 1e6, kMaxQuantity = 1e6;
// The longest supply (item/@days) a request may give: ten years.
constexpr int kMaxSupplyDays = 3650;

// The insurance class the HIS's own catalogue mapping gives a line (national
// hilist_lv 01, 02, 03): 甲 A, 乙 B, 丙 C (self-pay).
enum class InsuranceClass { unknown, a, b, c };
// "A", "B" or "C" as catalog.csv spells the class; "" when unknown.
const char *to_string(InsuranceClass insurance_class);

struct Item {
    std::string id, kind, code, name, unit;
    std::string prescription;  // the prescription the line belongs to (national rxno); "" when not given
    std::string operation;     // the operation a surgical line was done in (one incision); "" when not given
    InsuranceClass insurance_class = InsuranceClass::unknown;
    std::string physician;       // resolved: the item's own, else the document's
    bool own_physician = false;  // whether the item named its physician itself
    double quantity = 1, price = 0;  // the contract's defaults
    std::optional<double> list_price;  // yuan a unit before any discount; nullopt when not given
    int days = 0;  // supply days; 0 when not given
    Date date;
    bool discharge_medication = false;
    // The hospital approved the line (national 医院审批标志): for a second-line
    // drug, the record that first-line treatment failed.
    bool approved = false;
    int line = 0;

    // Quantity × price in fen (0.01 yuan), rounded: exact in 64 bits within the limits above.
    long long amount_fen() const;
};

struct Consent {
    std::string id, signer, signed_time;
    std::vector<std::string> items;
    int line = 0;
};

// <check> and <commit>.
struct Document {
    bool commit = false;
    Mode mode = Mode::prescribing;
    // audit="deferred" (a batch pre-audit): a check's audit row may be
    // written together with later ones instead of before the call returns.
    bool defer_audit = false;
    std::string time;
    Institution institution;
    std::optional<PhysicianRef> physician;
    Patient patient;
    Encounter encounter;
    std::vector<Item> items;
    std::vector<Consent> consents;
    int line = 0;

    const Item *find_item(std::string_view id) const;
    // The document's physician code, "" when the document names none.
    std::string physician_code() const { return physician ? physician->code : ""; }
};

struct Retract {
    std::string encounter;
    // The institution that committed it; nullopt: the encounter of this id
    // at every institution (a host that does not name it, as before stores
    // were shared).
    std::optional<std::string> institution;
    std::vector<std::string> items;  // empty: the whole encounter
};

struct FeedbackEntry {
    std::string finding_id, action, reason;
    std::string reason_code;  // a code of override_reasons.csv, or ""
    int line = 0;
};

struct Feedback {
    std::string physician, time;
    std::vector<FeedbackEntry> entries;
};

struct LedgerEntry {
    std::string kind;  // deduction, bonus, repair, reversal, sanction
    std::string physician, notice, text, sanction_kind;
    Date date;  // for sanctions: `from`
    std::optional<Date> until;
    int points = 0;
    int line = 0;
};

struct Ledger {
    std::vector<LedgerEntry> entries;
};

struct PhysicianStatus {
    std::string code;
    Date date;
};

// <audit-log-verify/>: check the audit log's hash chain (an addition to contract v1).
struct AuditLogVerify {};

// <pack-validate path="DIR"/>: load a rule pack on its own and say what it holds.
struct PackValidate {
    std::string path;
};

// <reload/>: read the configured rule packs again; on failure keep the loaded ones.
struct Reload {};

// <store-copy to="CONFIG"/>: copy this engine's store into the empty store
// that the configuration file CONFIG names.
struct StoreCopy {
    std::string to;
};

using Operation =
    std::variant<Document, Retract, Feedback, Ledger, PhysicianStatus, AuditLogVerify, PackValidate, Reload, StoreCopy>;

// What a national JSON envelope (interfaces 3101, 3102, 3103; docs/nhsa.md)
// asked for, and what its answer echoes.
struct NationalEnvelope {
    std::string infno;                     // "3101", "3102" or "3103"
    std::string admdvs;                    // mdtrtarea_admvs: the region the answer's inf_refmsgid starts with
    std::string task_id;                   // echoed by each result
    std::string patient_id, encounter_id;  // patn_id and mdtrt_id, echoed by each result and detail
};

struct Request {
    Operation operation;
    std::string lang;  // empty: the configured default
    std::string response_encoding = "UTF-8";
    std::optional<NationalEnvelope> national;  // set when the request was a national JSON envelope
};

// Parses and validates a UTF-8 request; throws MEDLINT_EPARSE naming the
// element, the attribute, the problem and the line.  With `only`
// (medlint_call_as), a request of another operation is refused before the
// rest of it is read.
Request parse_request(std::string utf8, std::optional<std::string_view> only);

// What a call restricted to `only` (medlint_call_as: operations separated by
// spaces) performs for a request of `operation`: the operation itself when
// listed, a <check> or <commit> document as the one of the two that is
// listed; throws MEDLINT_EPARSE, its <error> naming `operation` as the root,
// when `only` lists neither.  `refused` is how the refusal names the request
// ("request is <ledger>").
std::string restricted_operation(const std::string &operation, std::string_view only, const std::string &refused);

}  // namespace medlint
