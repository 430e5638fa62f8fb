// The response documents of contract section 2, written from what the
// engine decided, in the encoding the request asked for.
#pragma once
#include <chrono>
#include <string>
#include <vector>

#include "check_policy.hpp"
#include "error.hpp"
#include "knowledge.hpp"
#include "ledger.hpp"
#include "request.hpp"
#include "standing.hpp"
#include "store.hpp"

namespace medlint {

// A code no loaded catalogue knows, and the lines that bill it.
struct UnknownCode {
    std::string code;
    std::vector<std::string> items;
};

// What a <check-result> says.
struct CheckAnswer {
    const Document &document;
    const std::vector<Reported> &reported;
    const CheckOutcome &outcome;
    PhysicianSummary physician;  // the responsible physician on the service date
    Standing projected;          // their standing if the points at risk were deducted
    std::string rules;           // the packs, as describe_packs() names them
    Date service_date;           // the day the document's services count for
    std::chrono::steady_clock::time_point start;  // of the call, for elapsed-us
    std::vector<UnknownCode> unknown_codes;       // in the order of their first line
    std::vector<std::string> unknown_diagnoses;   // diagnosis codes that are no ICD-10 code and no pack maps
};

std::string check_result(const CheckAnswer &answer, const std::string &encoding);
std::string retract_result(const Retract &retract, int removed, const std::string &encoding);
std::string feedback_result(const Feedback &feedback, const std::string &encoding);
std::string ledger_result(const Ledger &ledger, int changed, const std::string &encoding);
// `rows`: the ledger of the status's year.
std::string physician_status_result(const PhysicianStanding &standing, const PhysicianStatus &status,
                                    const std::vector<LedgerRow> &rows, const std::string &profile,
                                    const std::string &encoding);
std::string audit_log_verify_result(const AuditVerification &verification, const std::string &encoding);
std::string store_copy_result(const CopiedStore &copy, const std::string &encoding);
std::string pack_validate_result(const Knowledge &pack, const std::string &encoding);
std::string reload_result(const std::string &rules, const std::string &encoding);

// The <error code="..." message="..."/> document for a failure, in UTF-8,
// with file, line, column, problem and root where `place` knows them.
std::string error_document(int code, const std::string &message, const Place &place);

}  // namespace medlint
