// The store: committed encounters and items (the history later checks read),
// patient identities seen, feedback, the physician ledger and the
// hash-chained audit log, in one SQLite file shared by threads and processes.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "config.hpp"
#include "history.hpp"
#include "identity_key.hpp"
#include "ledger.hpp"
#include "request.hpp"

namespace SQLite {
class Database;
class Statement;
}  // namespace SQLite

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

// Prepared statements by their SQL text, a literal's address.
using StatementCache = std::map<const char *, std::unique_ptr<SQLite::Statement>>;

class Store {
public:
    static constexpr int kSchemaVersion = 4;

    // Opens or creates the file and brings its schema up to date; identities
    // are kept as digests under the key in `key_path` (identity_key.hpp).
    // Throws MEDLINT_ESTORE when it is locked, read-only, corrupt or from a
    // newer medlint, or when its key is missing or another store's.
    Store(const std::string &path, const std::string &key_path, const StoreMemory &memory = {});
    ~Store();

    // With `deferred`, the row waits in memory and is written with the next
    // write of any kind, once kDeferredAuditRows have gathered, before the
    // audit log is verified, or when the store closes.
    void record_check(const AuditEntry &audit, bool deferred);
    static constexpr size_t kDeferredAuditRows = 256;
    // How the store knows the patient of a document.
    std::string patient_key(const Patient &patient) const { return key_->patient_key(patient.id_type, patient.id); }
    void commit(const Document &document, const std::string &patient_key, const AuditEntry &audit);
    // The number of items removed.
    int retract(const Retract &retract, const AuditEntry &audit);
    void record_feedback(const Feedback &feedback, const AuditEntry &audit);
    // The number of new ledger rows; notices already imported change nothing.
    int import_ledger(const Ledger &ledger, const AuditEntry &audit);

    AuditVerification verify_audit_log();

private:
    enum class Durability { survives_crash, survives_power_loss };
    template <class Work>
    auto locked(const char *action, Work &&work);
    template <class Work>
    void write(const char *action, Durability durability, const AuditEntry &audit, Work &&work);
    // A connection for reads, lent to one snapshot at a time.
    struct Reader;
    friend class StoreSnapshot;
    std::unique_ptr<Reader> lend_reader();
    void give_back(std::unique_ptr<Reader> reader) noexcept;
    SQLite::Statement &statement(const char *sql);
    void reset_statements() noexcept;
    // write() for a caller that holds mutex_; `audit` may be null when only
    // the deferred rows are to be written.
    template <class Work>
    void transact(Durability durability, const AuditEntry *audit, Work &&work);
    void append_audit(const AuditEntry &audit, const std::string &time);
    void migrate(const std::string &key_path);
    void check_key();
    void clear_plaintext();
    // Throws MEDLINT_ESTORE when the file at path_ is no longer the one open:
    // deleted, moved or replaced, a write would go to a file nobody reads.
    void require_file_in_place() const;

    std::string path_;
    std::pair<unsigned long long, unsigned long long> file_id_;  // device and inode of the open file
    StoreMemory memory_;
    std::unique_ptr<IdentityKey> key_;
    std::mutex mutex_;
    std::unique_ptr<SQLite::Database> db_;
    StatementCache statements_;
    std::vector<SQLite::Statement *> in_use_;  // stepped since the last reset_statements()
    std::vector<std::pair<AuditEntry, std::string>> deferred_audit_;  // with the time of the check
    std::mutex readers_mutex_;
    std::vector<std::unique_ptr<Reader>> idle_readers_;
};

// One consistent view of the store for the reads of one operation: a read
// transaction on a connection of its own, from the first read to the end of
// the snapshot.  WAL lets readers run beside each other and beside the
// writer, so checks on several threads do not queue for the writer's mutex;
// a check's look-ups see one state of the file, and pay for one
// transaction's locks instead of one per query.  Used by one thread.
class StoreSnapshot : public History {
public:
    explicit StoreSnapshot(Store &store);
    ~StoreSnapshot() override;
    // Ends the read transaction and gives the connection back; a later read
    // takes a new snapshot.  Before a write, so that the write's checkpoint
    // finds no reader holding on to the WAL.
    void end() noexcept;
    StoreSnapshot(const StoreSnapshot &) = delete;
    StoreSnapshot &operator=(const StoreSnapshot &) = delete;

    // Whether any encounter of the patient was ever committed.
    bool has_history(const std::string &patient_key);
    std::vector<SeenIdentity> identities(const std::string &patient_key, const std::string &except_encounter) override;
    IdentityDigest digest(const std::string &patient_key, const Identity &identity) override;
    std::vector<Stay> inpatient_stays(const std::string &patient_key, const std::string &except_encounter) override;
    std::vector<PastItem> encounter_items(const std::string &encounter) override;
    std::vector<PastItem> items(const std::string &patient_key, const std::string &code, bool prefix, Date from,
                                Date to, std::optional<Date> lasting_on) override;
    // The latest feedback on each of these finding ids that has any.
    std::map<std::string, FeedbackRecord> feedback(const std::vector<std::string> &finding_ids);
    // The physician's ledger rows dated from first_year to last_year, and the
    // sanctions that last into first_year.
    std::vector<LedgerRow> ledger(const std::string &physician, int first_year, int last_year);

private:
    template <class Work>
    auto reading(const char *action, Work &&work);
    Store &store_;
    std::unique_ptr<Store::Reader> reader_;  // from the first read on
};

}  // namespace medlint
