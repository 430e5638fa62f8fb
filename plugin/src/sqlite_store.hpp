// The SQLite backend of the store (store.hpp): one file shared by threads
// and processes, the embedded default.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "store.hpp"

namespace SQLite {
class Database;
class Statement;
}  // namespace SQLite

namespace medlint {

// Prepared statements by their SQL text, a literal's address.
using StatementCache = std::map<const char *, std::unique_ptr<SQLite::Statement>>;

class SqliteStore : public Store {
public:
    static constexpr int kSchemaVersion = 6;

    // Opens or creates the file and brings its schema up to date; identities
    // are kept as digests under the key in `key_path` (identity_key.hpp).
    // Throws MEDLINT_ESTORE when it is locked, read-only, corrupt or from a
    // newer medlint, or when its key is missing or another store's.
    SqliteStore(const std::string &path, const std::string &key_path, const StoreMemory &memory = {});
    ~SqliteStore() override;

    // With `deferred`, the row waits in memory and is written with the next
    // write of any kind, once kDeferredAuditRows have gathered, before the
    // audit log is verified, or when the store closes.
    void record_check(const AuditEntry &audit, bool deferred) override;
    void commit(const Document &document, const std::string &patient_key, const AuditEntry &audit) override;
    // The number of items removed.
    int retract(const Retract &retract, const AuditEntry &audit) override;
    void record_feedback(const Feedback &feedback, const AuditEntry &audit) override;
    // The number of new ledger rows; notices already imported change nothing.
    int import_ledger(const Ledger &ledger, const AuditEntry &audit) override;

    AuditVerification verify_audit_log() override;
    void write_deferred() override;
    void fill(const std::function<void(const RowSink &)> &rows) override;
    std::unique_ptr<StoreSnapshot> snapshot(const HistoryScope &history) override;
    const IdentityKey &key() const override { return *key_; }

private:
    enum class Durability { survives_crash, survives_power_loss };
    template <class Work>
    auto locked(const char *action, Work &&work);
    template <class Work>
    void write(const char *action, Durability durability, const AuditEntry &audit, Work &&work);
    // A connection for reads, lent to one snapshot at a time.
    struct Reader;
    friend class SqliteSnapshot;
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
class SqliteSnapshot : public StoreSnapshot {
public:
    SqliteSnapshot(SqliteStore &store, HistoryScope history);
    ~SqliteSnapshot() override;
    // Ends the read transaction and gives the connection back; a later read
    // takes a new snapshot.  Before a write, so that the write's checkpoint
    // finds no reader holding on to the WAL.
    void end() noexcept override;
    bool reads_take_round_trips() const override { return false; }
    SqliteSnapshot(const SqliteSnapshot &) = delete;
    SqliteSnapshot &operator=(const SqliteSnapshot &) = delete;

    bool has_history(const std::string &patient_key) override;
    std::vector<SeenIdentity> identities(const std::string &patient_key, const std::string &except_encounter) override;
    IdentityDigest digest(const std::string &patient_key, const Identity &identity) override;
    std::vector<Stay> inpatient_stays(const std::string &patient_key, const std::string &except_encounter) override;
    std::vector<PastItem> encounter_items(const std::string &encounter) override;
    std::vector<std::vector<PastItem>> read_items(const std::string &patient_key,
                                                  const std::vector<ItemQuery> &queries) override;
    std::optional<std::vector<PastItem>> all_items(const std::string &patient_key, size_t at_most) override;
    std::map<std::string, FeedbackRecord> feedback(const std::vector<std::string> &finding_ids) override;
    bool reported(const std::string &finding_id) override;
    std::vector<LedgerRow> ledger(const std::string &physician, int first_year, int last_year) override;
    void every_row(const RowSink &sink) override;

private:
    template <class Work>
    auto reading(const char *action, Work &&work);
    // Binds the scope's institution and whether it is every institution's.
    void bind_scope(SQLite::Statement &query, int institution_index, int alliance_index) const;
    SqliteStore &store_;
    HistoryScope history_;
    std::unique_ptr<SqliteStore::Reader> reader_;  // from the first read on
};

}  // namespace medlint
