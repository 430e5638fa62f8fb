// The store: committed encounters and items (the history later checks read),
// patient identities seen, feedback, the physician ledger and the
// hash-chained audit log.  An interface with two backends, chosen by the
// configuration: one SQLite file (sqlite_store.hpp), the embedded default,
// or a PostgreSQL database shared by many engines (pg_store.hpp).  The engine
// and the rules never see which.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <variant>
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

// A value as a store holds it, for copying a store between backends: NULL,
// an integer, a real or text.
using StoreValue = std::variant<std::monostate, int64_t, double, std::string>;
using StoreRow = std::vector<StoreValue>;

// A table a copy carries, every row as stored, with the columns each row
// lists in this order.  The identity key's check value is not copied: the
// target records its own, of the same key (copy_store()).
struct StoreTable {
    const char *name, *columns;
};
inline constexpr StoreTable kCopiedTables[] = {
    {"encounters", "institution, encounter_id, patient_key, type, admitted, discharged, rescue, physician, dept, "
                   "primary_diagnosis, committed_at"},
    {"items", "institution, encounter_id, item_id, patient_key, kind, code, name, quantity, price, days, date, "
              "physician, discharge_medication"},
    {"patient_identities", "patient_key, institution, encounter_id, name_digest, gender_digest, birth_date_digest, "
                           "seen_at"},
    {"feedback", "id, finding_id, action, reason, physician, time, recorded_at, reason_code"},
    {"ledger", "notice, kind, physician, date, until, points, sanction_kind, text, reversed_on, imported_at"},
    {"audit_log", "seq, time, operation, physician, encounter, findings, prev_hash, hash"},
    {"audit_head", "id, seq, hash"},
};
// Rows go from one store to the other this many at a time, never all at once.
constexpr size_t kCopyChunkRows = 1000;
using RowSink = std::function<void(const StoreTable &table, const std::vector<StoreRow> &rows)>;
// One SQL query, in what both backends understand, whose one value is 0 for
// a store that holds nothing yet, and more for one that holds anything.
std::string store_contents_query();

// One consistent view of the store for the reads of one operation, used by
// one thread.  Its history reads see the records of the scope it was made
// with (Store::snapshot()), and the rows it reports name their institution.
class StoreSnapshot : public History {
public:
    // Ends the view; a later read takes a new one.  Before a write, so that
    // the snapshot holds nothing the write waits for.
    virtual void end() noexcept = 0;
    // Whether each read waits for a round trip to a server, so that reads
    // made together save time (PostgreSQL), or not (SQLite, a file).
    virtual bool reads_take_round_trips() const = 0;
    // What items() answers to each query, in order, read together: in one
    // round trip to a PostgreSQL store.
    virtual std::vector<std::vector<PastItem>> read_items(const std::string &patient_key,
                                                          const std::vector<ItemQuery> &queries) = 0;
    std::vector<PastItem> items(const std::string &patient_key, const ItemQuery &query) final {
        return std::move(read_items(patient_key, {query}).front());
    }
    // Every committed item of the patient, ordered by code, date, kind, days,
    // name and quantity (the history index's order), when there are no more
    // than `at_most`; nullopt when there are more.
    virtual std::optional<std::vector<PastItem>> all_items(const std::string &patient_key, size_t at_most) = 0;
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
    // Every row of kCopiedTables, fed to `sink` at most kCopyChunkRows at a
    // time, with the element of kCopiedTables they are of.  `sink` reports
    // its own failures as errors of its own store.
    virtual void every_row(const RowSink &sink) = 0;
};

// Every call is safe from any thread, and every write is one transaction
// with its audit row.  Failures throw MEDLINT_ESTORE naming the store.
class Store {
public:
    // The backend the configuration names, opened and migrated.
    static std::unique_ptr<Store> open(const Config &config);
    virtual ~Store() = default;

    // A snapshot whose history reads see the records of `history`; reads
    // other than history (feedback, the ledger, the audit log, a copy) see
    // every institution's.
    virtual std::unique_ptr<StoreSnapshot> snapshot(const HistoryScope &history) = 0;
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
    // Writes the check rows still waiting in memory (record_check()).
    virtual void write_deferred() = 0;
    // Fills this store, which must hold nothing yet, in one transaction with
    // the rows that `rows` feeds to the sink it is given; throws
    // MEDLINT_ESTORE, and writes nothing, for a store that holds anything or
    // on any failure.
    virtual void fill(const std::function<void(const RowSink &)> &rows) = 0;

    // How the store knows the patient of a document.
    std::string patient_key(const Patient &patient) const { return key().patient_key(patient.id_type, patient.id); }
    virtual const IdentityKey &key() const = 0;
};

// What a copy of a store carried: the rows of each table, and the
// verification of the copy's audit log.
struct CopiedStore {
    std::vector<std::pair<std::string, int64_t>> tables;
    AuditVerification audit;
};

// Copies `source`, every row as stored, into the empty store `target` names,
// and verifies the copy's audit log.  The target's key file gets the
// source's key when there is none yet: its patient keys and identity
// digests are HMACs under that key.  Throws MEDLINT_ESTORE for a target
// key file of another key or a target that is not empty; on any failure
// no row is written (a new SQLite target stays an empty store) and a key
// file made for the copy is removed.
CopiedStore copy_store(Store &source, const Config &target);

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
