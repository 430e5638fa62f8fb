// The store: committed encounters and items (the history later checks read),
// patient identities seen, feedback, the physician ledger and the
// hash-chained audit log.  An interface with two backends, chosen by the
// configuration: one SQLite file (sqlite_store.hpp), the embedded default,
// or a PostgreSQL database shared by many engines (pg_store.hpp).  The engine
// and the rules never see which.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include "config.hpp"
#include "history.hpp"
#include "identity_key.hpp"
#include "ledger.hpp"
#include "request.hpp"

namespace medlint {

struct AuditEntry {
    std::string operation, physician, encounter, findings;
};

struct FeedbackRecord {
    std::string action, reason, physician, time, reason_code;
};

struct AuditVerification {
    int64_t rows = 0;
    bool intact = true;
    int64_t first_bad_row = 0;
    std::string problem;
};

// One consistent view of the store for the reads of one operation, used by
// one thread.
class StoreSnapshot : public History {
public:
    // Ends the view; a later read takes a new one.  Before a write, so that
    // the snapshot holds nothing the write waits for.
    virtual void end() noexcept = 0;
    // Whether any encounter of the patient was ever committed.
    virtual bool has_history(const std::string &patient_key) = 0;
    // The latest feedback on each of these finding ids that has any.
    virtual std::map<std::string, FeedbackRecord> feedback(const std::vector<std::string> &finding_ids) = 0;
    // Whether a check or commit in the audit log reported the finding (a
    // deferred check row counts once it is written).
    virtual bool reported(const std::string &finding_id) = 0;
    // The physician's ledger rows dated from first_year to last_year, and the
    // sanctions that last into first_year.
    virtual std::vector<LedgerRow> ledger(const std::string &physician, int first_year, int last_year) = 0;
};

// Every call is safe from any thread, and every write is one transaction
// with its audit row.  Failures throw MEDLINT_ESTORE naming the store.
class Store {
public:
    // The backend the configuration names, opened and migrated.
    static std::unique_ptr<Store> open(const Config &config);
    virtual ~Store() = default;

    virtual std::unique_ptr<StoreSnapshot> snapshot() = 0;
    // With `deferred`, the row may wait in memory and be written with a later
    // write, before the audit log is verified, or when the store closes.
    virtual void record_check(const AuditEntry &audit, bool deferred) = 0;
    static constexpr size_t kDeferredAuditRows = 256;
    virtual void commit(const Document &document, const std::string &patient_key, const AuditEntry &audit) = 0;
    // The number of items removed.
    virtual int retract(const Retract &retract, const AuditEntry &audit) = 0;
    virtual void record_feedback(const Feedback &feedback, const AuditEntry &audit) = 0;
    // The number of new ledger rows; notices already imported change nothing.
    virtual int import_ledger(const Ledger &ledger, const AuditEntry &audit) = 0;
    virtual AuditVerification verify_audit_log() = 0;

    // How the store knows the patient of a document.
    std::string patient_key(const Patient &patient) const { return key().patient_key(patient.id_type, patient.id); }
    virtual const IdentityKey &key() const = 0;
};

// What both backends share: the time an audit row records, its hash, and
// the walk that verifies the chain.
std::string now_utc();
// An audit row lists its findings as "id rule severity; ...": a finding's
// id and the space after it mark the finding in that text.
inline std::string finding_id_in_audit(const std::string &finding_id) { return finding_id + " "; }

std::string audit_hash(const std::string &prev_hash, int64_t seq, const std::string &time, const AuditEntry &entry);

// Verifies the audit log fed to it row by row, in the order of seq.
class AuditChainCheck {
public:
    // False once the chain is broken: no further rows need reading.
    bool add(int64_t seq, const std::string &time, const AuditEntry &entry, const std::string &prev_hash,
             const std::string &hash);
    // The result, given the head row (seq and hash of the last row written), if any.
    AuditVerification finish(std::optional<std::pair<int64_t, std::string>> head);

private:
    void broken(int64_t seq, std::string problem);
    AuditVerification result_;
    std::string prev_;
    int64_t expected_seq_ = 1;
};

}  // namespace medlint
