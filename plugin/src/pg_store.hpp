// The PostgreSQL backend of the store (store.hpp): one database shared by
// every engine of a hospital or an alliance, through a pool of connections
// per engine.  Every write is one transaction with its audit row; the audit
// log stays one hash chain across all writers because each append locks its
// single head row until the transaction ends.  Connection failures and
// serialization failures are retried a bounded number of times, then
// reported as MEDLINT_ESTORE; the connect and statement timeouts of the
// configuration bound every call.
#pragma once
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "store.hpp"

struct pg_conn;

namespace medlint {

class PgStore : public Store {
public:
    static constexpr int kSchemaVersion = 3;

    // Connects, and migrates the database under an advisory lock, so that
    // engines starting at once migrate it once.  The identity key stays in
    // the file at `key_path` on this machine, never in the database
    // (docs/privacy.md); the database keeps only its check value, and a key
    // file is made only for a database that has none yet.
    PgStore(const std::string &url, const std::string &key_path, const StorePool &pool);
    ~PgStore() override;

    std::unique_ptr<StoreSnapshot> snapshot(const HistoryScope &history) override;
    void record_check(const AuditEntry &audit, bool deferred) override;
    void commit(const Document &document, const std::string &patient_key, const AuditEntry &audit) override;
    int retract(const Retract &retract, const AuditEntry &audit) override;
    void record_feedback(const Feedback &feedback, const AuditEntry &audit) override;
    int import_ledger(const Ledger &ledger, const AuditEntry &audit) override;
    AuditVerification verify_audit_log() override;
    void write_deferred() override;
    void fill(const std::function<void(const RowSink &)> &rows) override;
    const IdentityKey &key() const override { return *key_; }

    class Connection;
    // A connection lent by the pool, given back when done unless it broke.
    class Lease {
    public:
        explicit Lease(PgStore &store);
        ~Lease();
        Lease(const Lease &) = delete;
        Lease &operator=(const Lease &) = delete;
        Connection &operator*() { return *connection_; }
        Connection *operator->() { return connection_.get(); }

    private:
        PgStore &store_;
        std::unique_ptr<Connection> connection_;
    };

    // Runs `work()` again after what a retry can mend, a bounded number of
    // times; any failure ends as MEDLINT_ESTORE saying what was being done.
    template <class Work>
    auto retrying(const char *action, Work &&work);
    // The same, with `work(connection)` on a connection of the pool.
    template <class Work>
    auto attempt(const char *action, Work &&work);
    // What a message calls this store: the database and server, no password.
    const std::string &name() const { return name_; }

private:
    enum class Durability { survives_crash, survives_power_loss };
    // One transaction: `work`, then the deferred audit rows and `audit`.
    template <class Work>
    void write(const char *action, Durability durability, const AuditEntry *audit, Work &&work);
    void migrate(const std::string &key_path);
    std::unique_ptr<Connection> connect();
    std::unique_ptr<Connection> take();
    void give_back(std::unique_ptr<Connection> connection) noexcept;

    std::string url_, name_;
    StorePool pool_;
    std::unique_ptr<IdentityKey> key_;
    std::mutex pool_mutex_;
    std::condition_variable freed_;
    std::vector<std::unique_ptr<Connection>> idle_;
    int open_ = 0;  // connections lent or idle
    std::mutex deferred_mutex_;
    std::vector<std::pair<AuditEntry, std::string>> deferred_audit_;  // with the time of the check
};

}  // namespace medlint
