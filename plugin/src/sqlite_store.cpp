#include "sqlite_store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <SQLiteCpp/VariadicBind.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <optional>
#include <thread>

#include "error.hpp"
#include "identity_key.hpp"
#include "overloaded.hpp"

namespace medlint {
namespace {

// The device and inode of the file at `path`, or nullopt when there is none.
std::optional<std::pair<unsigned long long, unsigned long long>> file_id_of(const std::string &path) {
    struct stat status {};
    if (::stat(path.c_str(), &status) != 0) return std::nullopt;
    return std::make_pair(static_cast<unsigned long long>(status.st_dev), static_cast<unsigned long long>(status.st_ino));
}

constexpr int kBusyTimeoutMs = 10000;

// Schema migrations: entry N takes a store from version N to N + 1.
const char *const kMigrations[] = {
    R"sql(
    CREATE TABLE encounters (
        encounter_id TEXT PRIMARY KEY, institution TEXT NOT NULL, patient_key TEXT NOT NULL,
        type TEXT NOT NULL, admitted TEXT, discharged TEXT, rescue INTEGER NOT NULL,
        physician TEXT NOT NULL, dept TEXT NOT NULL, primary_diagnosis TEXT NOT NULL,
        committed_at TEXT NOT NULL);
    CREATE INDEX encounters_by_patient ON encounters (patient_key, type);
    CREATE TABLE items (
        encounter_id TEXT NOT NULL, item_id TEXT NOT NULL, patient_key TEXT NOT NULL,
        kind TEXT NOT NULL, code TEXT NOT NULL, name TEXT NOT NULL, quantity REAL NOT NULL,
        price REAL NOT NULL, days INTEGER NOT NULL, date TEXT NOT NULL, physician TEXT NOT NULL,
        discharge_medication INTEGER NOT NULL,
        PRIMARY KEY (encounter_id, item_id)) WITHOUT ROWID;
    CREATE INDEX items_by_patient ON items (patient_key, code, date);
    CREATE TABLE patient_identities (
        patient_key TEXT NOT NULL, encounter_id TEXT NOT NULL, name TEXT NOT NULL,
        gender TEXT NOT NULL, birth_date TEXT, seen_at TEXT NOT NULL,
        PRIMARY KEY (patient_key, encounter_id)) WITHOUT ROWID;
    CREATE TABLE feedback (
        id INTEGER PRIMARY KEY, finding_id TEXT NOT NULL, action TEXT NOT NULL, reason TEXT NOT NULL,
        physician TEXT NOT NULL, time TEXT NOT NULL, recorded_at TEXT NOT NULL);
    CREATE INDEX feedback_by_finding ON feedback (finding_id, id);
    CREATE TABLE ledger (
        notice TEXT PRIMARY KEY, kind TEXT NOT NULL, physician TEXT NOT NULL, date TEXT NOT NULL,
        until TEXT, points INTEGER NOT NULL, sanction_kind TEXT NOT NULL, text TEXT NOT NULL,
        reversed_on TEXT, imported_at TEXT NOT NULL);
    CREATE INDEX ledger_by_physician ON ledger (physician, date);
    CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY, time TEXT NOT NULL, operation TEXT NOT NULL, physician TEXT NOT NULL,
        encounter TEXT NOT NULL, findings TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
    CREATE TABLE audit_head (
        id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, hash TEXT NOT NULL);
    INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');
    )sql",
    // 2: coded override reasons beside the free text.
    R"sql(
    ALTER TABLE feedback ADD COLUMN reason_code TEXT NOT NULL DEFAULT '';
    )sql",
    // 3: the history index covers what checks read, so a look-up never seeks
    // the table row by row (a check against 1,000,000 items went from
    // about 0.74 ms to 0.67 ms median).  Identities are forgotten by encounter on re-commit.
    R"sql(
    DROP INDEX items_by_patient;
    CREATE INDEX items_by_patient ON items (patient_key, code, date, kind, days, name);
    CREATE INDEX identities_by_encounter ON patient_identities (encounter_id);
    )sql",
    // 4: identities are kept as keyed digests (identity_key.hpp, docs/privacy.md),
    // under the key that store_key checks; the plain text they replace is cleared
    // from the file's free space by the first open that can (clear_plaintext()).
    R"sql(
    UPDATE encounters SET patient_key = medlint_patient_key(patient_key);
    UPDATE items SET patient_key = medlint_patient_key(patient_key);
    CREATE TABLE identity_digests (
        patient_key TEXT NOT NULL, encounter_id TEXT NOT NULL, name_digest TEXT NOT NULL,
        gender_digest TEXT NOT NULL, birth_date_digest TEXT NOT NULL, seen_at TEXT NOT NULL,
        PRIMARY KEY (patient_key, encounter_id)) WITHOUT ROWID;
    INSERT INTO identity_digests (patient_key, encounter_id, name_digest, gender_digest, birth_date_digest, seen_at)
        SELECT medlint_patient_key(patient_key), encounter_id,
               medlint_identity_digest('name', patient_key, name),
               medlint_identity_digest('gender', patient_key, gender),
               medlint_identity_digest('birth-date', patient_key, birth_date), seen_at
        FROM patient_identities;
    DROP TABLE patient_identities;
    ALTER TABLE identity_digests RENAME TO patient_identities;
    CREATE INDEX identities_by_encounter ON patient_identities (encounter_id);
    CREATE TABLE store_key (
        id INTEGER PRIMARY KEY CHECK (id = 1), check_value TEXT NOT NULL, plaintext_cleared INTEGER NOT NULL);
    INSERT INTO store_key (id, check_value, plaintext_cleared) VALUES (1, medlint_key_check(), 0);
    )sql",
    // 5: the history index covers the quantity too, which the frequency rules
    // sum: without it every history row read was a seek into the table (a
    // check against 1,000,000 items went from about 1.26 ms to 0.44 ms median).
    R"sql(
    DROP INDEX items_by_patient;
    CREATE INDEX items_by_patient ON items (patient_key, code, date, kind, days, name, quantity);
    )sql",
    // 6: an encounter is known by its institution and its id, so that two
    // institutions sharing a store may both commit an encounter "E1".  Items
    // and identities carry the institution of their encounter; in a table
    // WITHOUT ROWID every index holds the primary key, so the history index
    // still covers what checks read, the institution included.  Keys start
    // with the encounter id: a retraction that names no institution finds
    // its rows by the id alone.
    R"sql(
    CREATE TABLE new_encounters (
        institution TEXT NOT NULL, encounter_id TEXT NOT NULL, patient_key TEXT NOT NULL,
        type TEXT NOT NULL, admitted TEXT, discharged TEXT, rescue INTEGER NOT NULL,
        physician TEXT NOT NULL, dept TEXT NOT NULL, primary_diagnosis TEXT NOT NULL,
        committed_at TEXT NOT NULL, PRIMARY KEY (encounter_id, institution)) WITHOUT ROWID;
    INSERT INTO new_encounters SELECT institution, encounter_id, patient_key, type, admitted, discharged, rescue,
        physician, dept, primary_diagnosis, committed_at FROM encounters;
    DROP TABLE encounters;
    ALTER TABLE new_encounters RENAME TO encounters;
    CREATE INDEX encounters_by_patient ON encounters (patient_key, type);
    CREATE TABLE new_items (
        institution TEXT NOT NULL, encounter_id TEXT NOT NULL, item_id TEXT NOT NULL, patient_key TEXT NOT NULL,
        kind TEXT NOT NULL, code TEXT NOT NULL, name TEXT NOT NULL, quantity REAL NOT NULL,
        price REAL NOT NULL, days INTEGER NOT NULL, date TEXT NOT NULL, physician TEXT NOT NULL,
        discharge_medication INTEGER NOT NULL,
        PRIMARY KEY (encounter_id, institution, item_id)) WITHOUT ROWID;
    INSERT INTO new_items SELECT
        coalesce((SELECT institution FROM encounters e WHERE e.encounter_id = i.encounter_id), ''), encounter_id,
        item_id, patient_key, kind, code, name, quantity, price, days, date, physician, discharge_medication
        FROM items i;
    DROP TABLE items;
    ALTER TABLE new_items RENAME TO items;
    CREATE INDEX items_by_patient ON items (patient_key, code, date, kind, days, name, quantity);
    CREATE TABLE new_identities (
        patient_key TEXT NOT NULL, institution TEXT NOT NULL, encounter_id TEXT NOT NULL, name_digest TEXT NOT NULL,
        gender_digest TEXT NOT NULL, birth_date_digest TEXT NOT NULL, seen_at TEXT NOT NULL,
        PRIMARY KEY (patient_key, encounter_id, institution)) WITHOUT ROWID;
    INSERT INTO new_identities SELECT patient_key,
        coalesce((SELECT institution FROM encounters e WHERE e.encounter_id = p.encounter_id), ''), encounter_id,
        name_digest, gender_digest, birth_date_digest, seen_at FROM patient_identities p;
    DROP TABLE patient_identities;
    ALTER TABLE new_identities RENAME TO patient_identities;
    CREATE INDEX identities_by_encounter ON patient_identities (encounter_id, institution);
    )sql",
};
constexpr int kMigrationCount = sizeof kMigrations / sizeof kMigrations[0];
static_assert(kMigrationCount == SqliteStore::kSchemaVersion, "one migration per schema version");
constexpr int kDigestsVersion = 4;  // the first that keeps identities as digests

std::optional<Date> column_date(const SQLite::Column &column) {
    if (column.isNull()) return std::nullopt;
    return Date::parse(column.getString());
}

// The row of a query that selects encounter_id, institution, item_id, kind, code, name, date, days, quantity.
PastItem past_item(SQLite::Statement &row) {
    return {row.getColumn(0).getString(), row.getColumn(1).getString(), row.getColumn(2).getString(),
            row.getColumn(3).getString(), row.getColumn(4).getString(), row.getColumn(5).getString(),
            *column_date(row.getColumn(6)), row.getColumn(7).getInt(), row.getColumn(8).getDouble()};
}

StoreValue stored_value(const SQLite::Column &column) {
    if (column.isNull()) return std::monostate{};
    if (column.isInteger()) return column.getInt64();
    if (column.isFloat()) return column.getDouble();
    return column.getString();
}

// A retraction's institution, NULL for every institution's.
void bind_institution(SQLite::Statement &statement, int index, const std::optional<std::string> &institution) {
    if (institution) statement.bind(index, *institution);
}

void bind_value(SQLite::Statement &statement, int index, const StoreValue &value) {
    std::visit(Overloaded{[&](std::monostate) { statement.bind(index); },
                          [&](int64_t number) { statement.bind(index, number); },
                          [&](double number) { statement.bind(index, number); },
                          [&](const std::string &text) { statement.bind(index, text); }},
               value);
}

[[noreturn]] void store_failure(const std::string &path, const char *action, const SQLite::Exception &e) {
    std::string reason;
    switch (e.getErrorCode()) {
        case SQLITE_BUSY:
        case SQLITE_LOCKED: reason = "is locked by another process or connection; try again"; break;
        case SQLITE_READONLY: reason = "is read-only; medlint needs to write to it"; break;
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB: reason = "is corrupt or not a medlint store"; break;
        case SQLITE_CANTOPEN: reason = "cannot be opened (missing folder or no permission)"; break;
        case SQLITE_FULL: reason = "cannot grow: the disk is full"; break;
        case SQLITE_IOERR: reason = "could not be read or written (I/O error)"; break;
        default: reason = "failed"; break;
    }
    fail(MEDLINT_ESTORE, "store " + path + " " + reason + " while " + action + " (SQLite: " + e.what() + ")");
}

// The statement for `sql`, prepared on first use and kept; reset, with no
// bindings, for a new run.
SQLite::Statement &prepared(SQLite::Database &db, StatementCache &cache, const char *sql) {
    auto &slot = cache[sql];
    if (!slot) slot = std::make_unique<SQLite::Statement>(db, sql);
    slot->reset();
    slot->clearBindings();
    return *slot;
}

// Each connection's read memory: memory-mapped pages are shared by every
// connection through the OS page cache; the page cache is per connection.
void size_read_memory(SQLite::Database &db, const StoreMemory &memory) {
    db.exec("PRAGMA mmap_size=" + std::to_string(int64_t{memory.mmap_mib} << 20));
    db.exec("PRAGMA cache_size=" + std::to_string(-(int64_t{memory.cache_mib} << 10)));  // negative: in KiB
}

// Switching a new file to WAL needs an exclusive lock, and when two processes
// open a new store at once SQLite may answer BUSY at once instead of calling
// the busy handler (it would deadlock otherwise): wait and try again, as the
// busy timeout would have.
template <class Work>
void retry_while_busy(Work &&work) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kBusyTimeoutMs);
    for (;;) {
        try {
            return work();
        } catch (const SQLite::Exception &e) {
            bool busy = e.getErrorCode() == SQLITE_BUSY || e.getErrorCode() == SQLITE_LOCKED;
            if (!busy || std::chrono::steady_clock::now() >= deadline) throw;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

// A new store file is made private before SQLite opens it: SQLite gives its
// WAL, shared-memory and journal files the database file's mode.
void create_private_file(const std::string &path) {
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) close(fd);  // else it exists, or SQLite's own open names what is wrong
}

// The SQL functions of migration 4, which digest a store's plain identities.
std::string argument_text(sqlite3_value *value) {
    const unsigned char *bytes = sqlite3_value_text(value);
    return bytes ? std::string(reinterpret_cast<const char *>(bytes), sqlite3_value_bytes(value)) : std::string();
}

void return_text(sqlite3_context *context, const std::string &text) {
    sqlite3_result_text(context, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

const IdentityKey &key_of(sqlite3_context *context) {
    return *static_cast<const IdentityKey *>(sqlite3_user_data(context));
}

void sql_patient_key(sqlite3_context *context, int, sqlite3_value **args) {
    return_text(context, key_of(context).patient_key(argument_text(args[0])));
}

void sql_identity_digest(sqlite3_context *context, int, sqlite3_value **args) {
    const IdentityKey &key = key_of(context);
    return_text(context, key.digest_field(argument_text(args[0]), key.patient_key(argument_text(args[1])),
                                          argument_text(args[2])));
}

void sql_key_check(sqlite3_context *context, int, sqlite3_value **) {
    return_text(context, key_of(context).check_value());
}

void add_identity_functions(SQLite::Database &db, const IdentityKey &key) {
    void *user = const_cast<IdentityKey *>(&key);
    db.createFunction("medlint_patient_key", 1, true, user, sql_patient_key);
    db.createFunction("medlint_identity_digest", 3, true, user, sql_identity_digest);
    db.createFunction("medlint_key_check", 0, true, user, sql_key_check);
}

}  // namespace

template <class Work>
auto SqliteStore::locked(const char *action, Work &&work) {
    std::lock_guard<std::mutex> guard(mutex_);
    // A cached statement left on a row keeps its read transaction open: later
    // reads would see an old snapshot of the file (missing other processes'
    // commits and edits) and a later write would fail with SQLITE_BUSY at once.
    struct ResetStatements {
        SqliteStore &store;
        ~ResetStatements() { store.reset_statements(); }
    } reset_statements{*this};
    try {
        return work();
    } catch (const SQLite::Exception &e) {
        in_use_.clear();
        statements_.clear();  // a failed statement may be mid-step; prepare afresh next time
        store_failure(path_, action, e);
    }
}

// A connection for reads, used by one thread at a time.
struct SqliteStore::Reader {
    SQLite::Database db;
    StatementCache statements;

    Reader(const std::string &path, const StoreMemory &memory) : db(path, SQLite::OPEN_READWRITE, kBusyTimeoutMs) {
        size_read_memory(db, memory);
    }
    SQLite::Statement &statement(const char *sql) { return prepared(db, statements, sql); }
    // A statement left on a row would keep an old snapshot of the file open.
    void reset() noexcept {
        for (auto &entry : statements) entry.second->tryReset();
    }
};

std::unique_ptr<SqliteStore::Reader> SqliteStore::lend_reader() {
    {
        std::lock_guard<std::mutex> guard(readers_mutex_);
        if (!idle_readers_.empty()) {
            std::unique_ptr<Reader> reader = std::move(idle_readers_.back());
            idle_readers_.pop_back();
            return reader;
        }
    }
    return std::make_unique<Reader>(path_, memory_);
}

void SqliteStore::give_back(std::unique_ptr<Reader> reader) noexcept {
    std::lock_guard<std::mutex> guard(readers_mutex_);
    idle_readers_.push_back(std::move(reader));
}

template <class Work>
auto SqliteSnapshot::reading(const char *action, Work &&work) {
    try {
        if (!reader_) {
            reader_ = store_.lend_reader();
            reader_->db.exec("BEGIN");  // deferred: the snapshot is taken by the first read
        }
        auto result = work(*reader_);
        reader_->reset();
        return result;
    } catch (const SQLite::Exception &e) {
        reader_.reset();  // a failed statement may be mid-step; its connection is closed, ending the transaction
        store_failure(store_.path_, action, e);
    }
}

SqliteSnapshot::SqliteSnapshot(SqliteStore &store, HistoryScope history)
    : store_(store), history_(std::move(history)) {}

std::unique_ptr<StoreSnapshot> SqliteStore::snapshot(const HistoryScope &history) {
    return std::make_unique<SqliteSnapshot>(*this, history);
}

void SqliteSnapshot::bind_scope(SQLite::Statement &query, int institution_index, int alliance_index) const {
    query.bind(institution_index, history_.institution);
    query.bind(alliance_index, history_.alliance ? 1 : 0);
}

SqliteSnapshot::~SqliteSnapshot() { end(); }

void SqliteSnapshot::end() noexcept {
    if (reader_ && reader_->db.tryExec("COMMIT") == SQLITE_OK) store_.give_back(std::move(reader_));
    reader_.reset();
}

template <class Work>
void SqliteStore::write(const char *action, Durability durability, const AuditEntry &audit, Work &&work) {
    locked(action, [&] { transact(durability, &audit, work); });
}

template <class Work>
void SqliteStore::transact(Durability durability, const AuditEntry *audit, Work &&work) {
    require_file_in_place();
    db_->exec(durability == Durability::survives_power_loss ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
    SQLite::Transaction transaction(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    work();
    // Deferred check rows go first, so the log keeps the order of the calls.
    for (const auto &[deferred, time] : deferred_audit_) append_audit(deferred, time);
    if (audit) append_audit(*audit, now_utc());
    // Before the commit, so that its checkpoint sees no reader of this
    // connection and the WAL file is recycled instead of growing.
    reset_statements();
    transaction.commit();
    deferred_audit_.clear();
}

SqliteStore::SqliteStore(const std::string &path, const std::string &key_path, const StoreMemory &memory)
    : path_(path), memory_(memory) {
    locked("opening", [&] {
        create_private_file(path);
        db_ = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, kBusyTimeoutMs);
        if (sqlite3_db_readonly(db_->getHandle(), "main") == 1)
            fail(MEDLINT_ESTORE, "store " + path + " is read-only; medlint needs to write to it");
        size_read_memory(*db_, memory_);
        retry_while_busy([&] {
            db_->exec("PRAGMA journal_mode=WAL");
            db_->exec("PRAGMA foreign_keys=ON");
            migrate(key_path);
            check_key();
            clear_plaintext();
        });
        file_id_ = file_id_of(path).value_or(file_id_);
    });
}

void SqliteStore::require_file_in_place() const {
    if (file_id_of(path_) != file_id_)
        fail(MEDLINT_ESTORE, "store " + path_ + " was deleted, moved or replaced while open: nothing is written to "
                             "a file that is gone; put the store back, or close and open the engine for a new one");
}

SqliteStore::~SqliteStore() {
    try {
        std::lock_guard<std::mutex> guard(mutex_);
        if (!deferred_audit_.empty()) transact(Durability::survives_crash, nullptr, [] {});
    } catch (...) {
        // Closing cannot report: the rows of deferred checks are lost, as after a crash.
    }
}

void SqliteStore::migrate(const std::string &key_path) {
    int version = db_->execAndGet("PRAGMA user_version").getInt();
    if (version > kSchemaVersion)
        fail(MEDLINT_ESTORE, "store " + path_ + " has schema version " + std::to_string(version) +
                                 ", newer than this medlint understands (" + std::to_string(kSchemaVersion) + ")");
    // A key is made only for a store that holds no digests yet.
    key_ = std::make_unique<IdentityKey>(IdentityKey::load(key_path, version < kDigestsVersion));
    if (version == kSchemaVersion) return;
    add_identity_functions(*db_, *key_);
    SQLite::Transaction transaction(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    version = db_->execAndGet("PRAGMA user_version").getInt();  // another process may have migrated meanwhile
    for (; version < kSchemaVersion; ++version) db_->exec(kMigrations[version]);
    db_->exec("PRAGMA user_version=" + std::to_string(kSchemaVersion));
    transaction.commit();
}

void SqliteStore::check_key() {
    if (db_->execAndGet("SELECT check_value FROM store_key WHERE id = 1").getString() != key_->check_value())
        fail(MEDLINT_ESTORE, "store " + path_ + " was not made with the key in " + key_->path() +
                                 " (another installation's key?): its patients' history could not be matched");
}

// Migration 4 leaves the plain identities it replaced in free pages of the
// file, and a store of version 3 may hold more from identities it forgot:
// rebuilding the file drops them.  Done once, by the first open that can.
void SqliteStore::clear_plaintext() {
    if (db_->execAndGet("SELECT plaintext_cleared FROM store_key WHERE id = 1").getInt() != 0) return;
    db_->exec("VACUUM");
    db_->exec("PRAGMA wal_checkpoint(TRUNCATE)");
    db_->exec("UPDATE store_key SET plaintext_cleared = 1 WHERE id = 1");
}

void SqliteStore::reset_statements() noexcept {
    for (SQLite::Statement *used : in_use_) used->tryReset();
    in_use_.clear();
}

SQLite::Statement &SqliteStore::statement(const char *sql) {
    SQLite::Statement &statement = prepared(*db_, statements_, sql);
    in_use_.push_back(&statement);
    return statement;
}

void SqliteStore::append_audit(const AuditEntry &audit, const std::string &time) {
    auto &head = statement("SELECT seq, hash FROM audit_head WHERE id = 1");
    if (!head.executeStep()) fail(MEDLINT_ESTORE, "store " + path_ + " has lost its audit-log head row");
    int64_t seq = head.getColumn(0).getInt64() + 1;
    std::string prev = head.getColumn(1).getString();
    std::string hash = audit_hash(prev, seq, time, audit);
    auto &insert = statement("INSERT INTO audit_log (seq, time, operation, physician, encounter, findings, "
                             "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, seq);
    insert.bind(2, time);
    insert.bind(3, audit.operation);
    insert.bind(4, audit.physician);
    insert.bind(5, audit.encounter);
    insert.bind(6, audit.findings);
    insert.bind(7, prev);
    insert.bind(8, hash);
    insert.exec();
    auto &update = statement("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1");
    update.bind(1, seq);
    update.bind(2, hash);
    update.exec();
}

bool SqliteSnapshot::has_history(const std::string &patient_key) {
    return reading("reading history", [&](SqliteStore::Reader &reader) {
        auto &query = reader.statement(
            "SELECT EXISTS (SELECT 1 FROM encounters WHERE patient_key = ?1 AND (?3 OR institution = ?2))");
        query.bind(1, patient_key);
        bind_scope(query, 2, 3);
        return query.executeStep() && query.getColumn(0).getInt() != 0;
    });
}

std::vector<SeenIdentity> SqliteSnapshot::identities(const std::string &patient_key,
                                                    const std::string &except_encounter) {
    return reading("reading identities", [&](SqliteStore::Reader &reader) {
        // One row per identity, from its latest encounter (SQLite takes the bare
        // columns from the row of max()): a regular patient's visits are not re-read.
        // The encounter's date is its admission, else its first item, else
        // the day it was committed (its items all retracted).
        auto &query = reader.statement(
            "SELECT encounter_id, name_digest, gender_digest, birth_date_digest, max(seen_at) AS latest, "
            "coalesce((SELECT admitted FROM encounters e "
            "WHERE e.institution = p.institution AND e.encounter_id = p.encounter_id), "
            "(SELECT min(date) FROM items i WHERE i.institution = p.institution AND i.encounter_id = p.encounter_id), "
            "substr(seen_at, 1, 10)), institution "
            "FROM patient_identities p WHERE patient_key = ?1 AND (?4 OR institution = ?3) "
            "AND NOT (institution = ?3 AND encounter_id = ?2) "
            "GROUP BY name_digest, gender_digest, birth_date_digest ORDER BY latest DESC LIMIT 100");
        query.bind(1, patient_key);
        query.bind(2, except_encounter);
        bind_scope(query, 3, 4);
        std::vector<SeenIdentity> out;
        while (query.executeStep())
            out.push_back({query.getColumn(0).getString(), query.getColumn(6).getString(),
                           *column_date(query.getColumn(5)),
                           {query.getColumn(1).getString(), query.getColumn(2).getString(),
                            query.getColumn(3).getString()}});
        return out;
    });
}

IdentityDigest SqliteSnapshot::digest(const std::string &patient_key, const Identity &identity) {
    return store_.key_->digest(patient_key, identity);
}

std::vector<Stay> SqliteSnapshot::inpatient_stays(const std::string &patient_key,
                                                 const std::string &except_encounter) {
    return reading("reading inpatient stays", [&](SqliteStore::Reader &reader) {
        auto &query = reader.statement(
            "SELECT encounter_id, institution, admitted, discharged, primary_diagnosis FROM encounters "
            "WHERE patient_key = ?1 AND type = 'inpatient' AND (?4 OR institution = ?3) "
            "AND NOT (institution = ?3 AND encounter_id = ?2) AND admitted IS NOT NULL "
            "ORDER BY admitted");
        query.bind(1, patient_key);
        query.bind(2, except_encounter);
        bind_scope(query, 3, 4);
        std::vector<Stay> out;
        while (query.executeStep())
            out.push_back({query.getColumn(0).getString(), query.getColumn(1).getString(),
                           *column_date(query.getColumn(2)), column_date(query.getColumn(3)),
                           query.getColumn(4).getString()});
        return out;
    });
}

std::vector<PastItem> SqliteSnapshot::encounter_items(const std::string &encounter) {
    return reading("reading an encounter's items", [&](SqliteStore::Reader &reader) {
        auto &query = reader.statement(
            "SELECT encounter_id, institution, item_id, kind, code, name, date, days, quantity FROM items "
            "WHERE institution = ? AND encounter_id = ? ORDER BY date, item_id");
        query.bind(1, history_.institution);
        query.bind(2, encounter);
        std::vector<PastItem> out;
        while (query.executeStep()) out.push_back(past_item(query));
        return out;
    });
}

std::vector<std::vector<PastItem>> SqliteSnapshot::read_items(const std::string &patient_key,
                                                              const std::vector<ItemQuery> &queries) {
    return reading("reading item history", [&](SqliteStore::Reader &reader) {
        // Codes are ASCII, so '~' sorts after every code that starts with the prefix.  The
        // supply test runs on the covering index, so used-up supplies are never read out.
        // A query at a time: a file has no round trips to save.
        std::vector<std::vector<PastItem>> answers;
        for (const auto &asked : queries) {
            auto &query = reader.statement(
                "SELECT encounter_id, institution, item_id, kind, code, name, date, days, quantity FROM items "
                "WHERE patient_key = ? AND code >= ? AND code <= ? AND date >= ? AND date <= ? "
                "AND (?6 IS NULL OR days > julianday(?6) - julianday(date)) AND (?8 OR institution = ?7) "
                "ORDER BY date");
            query.bind(1, patient_key);
            query.bind(2, asked.code);
            query.bind(3, asked.prefix ? asked.code + "~" : asked.code);
            query.bind(4, asked.from.str());
            query.bind(5, asked.to.str());
            if (asked.lasting_on) query.bind(6, asked.lasting_on->str());
            bind_scope(query, 7, 8);
            auto &out = answers.emplace_back();
            while (query.executeStep()) out.push_back(past_item(query));
        }
        return answers;
    });
}

std::optional<std::vector<PastItem>> SqliteSnapshot::all_items(const std::string &patient_key, size_t at_most) {
    return reading("reading item history", [&](SqliteStore::Reader &reader) -> std::optional<std::vector<PastItem>> {
        // Looked for first on the index alone, so a long history costs no rows read out.
        auto &beyond = reader.statement(
            "SELECT 1 FROM items WHERE patient_key = ?1 AND (?3 OR institution = ?2) LIMIT 1 OFFSET ?4");
        beyond.bind(1, patient_key);
        bind_scope(beyond, 2, 3);
        beyond.bind(4, static_cast<int64_t>(at_most));
        if (beyond.executeStep()) return std::nullopt;
        auto &query = reader.statement(
            "SELECT encounter_id, institution, item_id, kind, code, name, date, days, quantity FROM items "
            "WHERE patient_key = ?1 AND (?3 OR institution = ?2) ORDER BY code, date, kind, days, name, quantity");
        query.bind(1, patient_key);
        bind_scope(query, 2, 3);
        std::vector<PastItem> out;
        while (query.executeStep()) out.push_back(past_item(query));
        return out;
    });
}

std::map<std::string, FeedbackRecord> SqliteSnapshot::feedback(const std::vector<std::string> &finding_ids) {
    if (finding_ids.empty()) return {};
    return reading("reading feedback", [&](SqliteStore::Reader &reader) {
        std::map<std::string, FeedbackRecord> out;
        auto &query = reader.statement(
            "SELECT action, reason, physician, time, reason_code FROM feedback WHERE finding_id = ? "
            "ORDER BY id DESC LIMIT 1");
        for (const auto &id : finding_ids) {
            query.reset();
            query.bind(1, id);
            if (query.executeStep())
                out[id] = {query.getColumn(0).getString(), query.getColumn(1).getString(),
                           query.getColumn(2).getString(), query.getColumn(3).getString(),
                           query.getColumn(4).getString()};
        }
        return out;
    });
}

bool SqliteSnapshot::reported(const std::string &finding_id) {
    return reading("reading the audit log", [&](SqliteStore::Reader &reader) {
        auto &query = reader.statement(
            "SELECT EXISTS (SELECT 1 FROM audit_log WHERE operation IN ('check', 'commit') AND instr(findings, ?) > 0)");
        query.bind(1, finding_id_in_audit(finding_id));
        return query.executeStep() && query.getColumn(0).getInt() != 0;
    });
}

std::vector<LedgerRow> SqliteSnapshot::ledger(const std::string &physician, int first_year, int last_year) {
    return reading("reading the ledger", [&](SqliteStore::Reader &reader) {
        auto &query = reader.statement(
            "SELECT kind, physician, notice, text, sanction_kind, date, until, reversed_on, points FROM ledger "
            "WHERE physician = ? AND ((date >= ? AND date <= ?) OR (kind = 'sanction' AND (until IS NULL OR until >= ?) "
            "AND date <= ?)) "
            "ORDER BY date, notice");
        // Text comparison: the last day of last_year, not the first of the next ("10000-01-01" < "9999-...").
        std::string first = Date::from_civil(first_year, 1, 1).str(), last = Date::from_civil(last_year, 12, 31).str();
        query.bind(1, physician);
        query.bind(2, first);
        query.bind(3, last);
        query.bind(4, first);
        query.bind(5, last);
        std::vector<LedgerRow> out;
        while (query.executeStep())
            out.push_back({query.getColumn(0).getString(), query.getColumn(1).getString(),
                           query.getColumn(2).getString(), query.getColumn(3).getString(),
                           query.getColumn(4).getString(), *column_date(query.getColumn(5)),
                           column_date(query.getColumn(6)), column_date(query.getColumn(7)),
                           query.getColumn(8).getInt()});
        return out;
    });
}

void SqliteSnapshot::every_row(const RowSink &sink) {
    reading("reading the store to copy", [&](SqliteStore::Reader &reader) {
        for (const auto &table : kCopiedTables) {
            SQLite::Statement query(reader.db, std::string("SELECT ") + table.columns + " FROM " + table.name);
            std::vector<StoreRow> chunk;
            while (query.executeStep()) {
                StoreRow &row = chunk.emplace_back();
                for (int column = 0; column < query.getColumnCount(); ++column)
                    row.push_back(stored_value(query.getColumn(column)));
                if (chunk.size() == kCopyChunkRows) {
                    sink(table, chunk);
                    chunk.clear();
                }
            }
            if (!chunk.empty()) sink(table, chunk);
        }
        return true;
    });
}

void SqliteStore::fill(const std::function<void(const RowSink &)> &rows) {
    const char *action = "copying a store into it";
    locked(action, [&] {
        require_file_in_place();
        db_->exec("PRAGMA synchronous=FULL");
        SQLite::Transaction transaction(*db_, SQLite::TransactionBehavior::IMMEDIATE);
        if (db_->execAndGet(store_contents_query()).getInt64() != 0)
            fail(MEDLINT_ESTORE, "store " + path_ + " is not empty: a copy goes only into a new store");
        db_->exec("DELETE FROM audit_head");  // the source's head replaces the new store's
        rows([&](const StoreTable &table, const std::vector<StoreRow> &chunk) {
            try {
                std::string placeholders;
                for (size_t column = 0; column < chunk.front().size(); ++column) placeholders += column ? ", ?" : "?";
                SQLite::Statement insert(*db_, std::string("INSERT INTO ") + table.name + " (" + table.columns +
                                                   ") VALUES (" + placeholders + ")");
                for (const StoreRow &row : chunk) {
                    insert.reset();
                    for (size_t column = 0; column < row.size(); ++column) bind_value(insert, static_cast<int>(column) + 1, row[column]);
                    insert.exec();
                }
            } catch (const SQLite::Exception &e) {
                store_failure(path_, action, e);  // not the source's failure, whose read this runs in
            }
        });
        reset_statements();
        transaction.commit();
    });
}

void SqliteStore::record_check(const AuditEntry &audit, bool deferred) {
    if (!deferred) return write("recording a check in the audit log", Durability::survives_crash, audit, [] {});
    locked("recording a check in the audit log", [&] {
        deferred_audit_.emplace_back(audit, now_utc());
        if (deferred_audit_.size() >= kDeferredAuditRows) transact(Durability::survives_crash, nullptr, [] {});
    });
}

void SqliteStore::commit(const Document &document, const std::string &patient_key, const AuditEntry &audit) {
    write("committing an encounter", Durability::survives_power_loss, audit, [&] {
        const Encounter &encounter = document.encounter;
        std::string now = now_utc();
        const Diagnosis *primary = encounter.primary_diagnosis();
        auto &upsert = statement("INSERT OR REPLACE INTO encounters (encounter_id, institution, patient_key, type, "
                                 "admitted, discharged, rescue, physician, dept, primary_diagnosis, committed_at) "
                                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        upsert.bind(1, encounter.id);
        upsert.bind(2, document.institution.code);
        upsert.bind(3, patient_key);
        upsert.bind(4, encounter.type);
        if (encounter.admitted) upsert.bind(5, encounter.admitted->str());
        if (encounter.discharged) upsert.bind(6, encounter.discharged->str());
        upsert.bind(7, encounter.rescue ? 1 : 0);
        upsert.bind(8, document.physician_code());
        upsert.bind(9, document.physician ? document.physician->dept : "");
        upsert.bind(10, primary ? primary->code : "");
        upsert.bind(11, now);
        upsert.exec();

        const std::string &institution = document.institution.code;
        auto &rekey = statement(
            "UPDATE items SET patient_key = ?1 WHERE institution = ?2 AND encounter_id = ?3 AND patient_key <> ?1");
        rekey.bind(1, patient_key);
        rekey.bind(2, institution);
        rekey.bind(3, encounter.id);
        rekey.exec();
        auto &forget = statement("DELETE FROM patient_identities WHERE institution = ? AND encounter_id = ?");
        forget.bind(1, institution);
        forget.bind(2, encounter.id);
        forget.exec();
        const Patient &patient = document.patient;
        IdentityDigest digest = key_->digest(patient_key, patient);
        auto &identity = statement("INSERT INTO patient_identities (patient_key, institution, encounter_id, "
                                   "name_digest, gender_digest, birth_date_digest, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
        SQLite::bind(identity, patient_key, institution, encounter.id, digest.name, digest.gender, digest.birth_date,
                     now);
        identity.exec();

        auto &item_upsert = statement("INSERT OR REPLACE INTO items (institution, encounter_id, item_id, patient_key, "
                                      "kind, code, name, quantity, price, days, date, physician, discharge_medication) "
                                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        for (const auto &item : document.items) {
            item_upsert.reset();
            SQLite::bind(item_upsert, institution, encounter.id, item.id, patient_key, item.kind, item.code, item.name,
                         item.quantity, item.price, item.days, item.date.str(), item.physician,
                         item.discharge_medication ? 1 : 0);
            item_upsert.exec();
        }
    });
}

int SqliteStore::retract(const Retract &retract, const AuditEntry &audit) {
    int removed = 0;
    write("retracting", Durability::survives_power_loss, audit, [&] {
        if (retract.items.empty()) {
            auto &items = statement("DELETE FROM items WHERE (?1 IS NULL OR institution = ?1) AND encounter_id = ?2");
            bind_institution(items, 1, retract.institution);
            items.bind(2, retract.encounter);
            removed = items.exec();
            for (const char *sql :
                 {"DELETE FROM patient_identities WHERE (?1 IS NULL OR institution = ?1) AND encounter_id = ?2",
                  "DELETE FROM encounters WHERE (?1 IS NULL OR institution = ?1) AND encounter_id = ?2"}) {
                auto &remove = statement(sql);
                bind_institution(remove, 1, retract.institution);
                remove.bind(2, retract.encounter);
                remove.exec();
            }
            return;
        }
        auto &item = statement(
            "DELETE FROM items WHERE (?1 IS NULL OR institution = ?1) AND encounter_id = ?2 AND item_id = ?3");
        for (const auto &id : retract.items) {
            item.reset();
            bind_institution(item, 1, retract.institution);
            item.bind(2, retract.encounter);
            item.bind(3, id);
            removed += item.exec();
        }
    });
    return removed;
}

void SqliteStore::record_feedback(const Feedback &feedback, const AuditEntry &audit) {
    write("recording feedback", Durability::survives_power_loss, audit, [&] {
        std::string now = now_utc();
        auto &insert = statement("INSERT INTO feedback (finding_id, action, reason, physician, time, recorded_at, "
                                 "reason_code) VALUES (?, ?, ?, ?, ?, ?, ?)");
        for (const auto &entry : feedback.entries) {
            insert.reset();
            insert.bind(1, entry.finding_id);
            insert.bind(2, entry.action);
            insert.bind(3, entry.reason);
            insert.bind(4, feedback.physician);
            insert.bind(5, feedback.time.empty() ? now : feedback.time);
            insert.bind(6, now);
            insert.bind(7, entry.reason_code);
            insert.exec();
        }
    });
}

int SqliteStore::import_ledger(const Ledger &ledger, const AuditEntry &audit) {
    int added = 0;
    write("importing the ledger", Durability::survives_power_loss, audit, [&] {
        std::string now = now_utc();
        auto &insert = statement("INSERT OR IGNORE INTO ledger (notice, kind, physician, date, until, points, "
                                 "sanction_kind, text, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        auto &reverse = statement("UPDATE ledger SET reversed_on = ? WHERE notice = ? AND reversed_on IS NULL");
        auto &known = statement("SELECT count(*) FROM ledger WHERE notice = ?");
        for (const auto &entry : ledger.entries) {
            if (entry.kind == "reversal") {
                known.reset();
                known.bind(1, entry.notice);
                known.executeStep();
                if (known.getColumn(0).getInt() == 0)
                    fail_at_line(MEDLINT_EPARSE, entry.line,
                                 "<reversal>: notice \"" + entry.notice + "\" is not in the ledger; import it first");
                reverse.reset();
                reverse.bind(1, entry.date.str());
                reverse.bind(2, entry.notice);
                added += reverse.exec();
                continue;
            }
            insert.reset();
            insert.bind(1, entry.notice);
            insert.bind(2, entry.kind);
            insert.bind(3, entry.physician);
            insert.bind(4, entry.date.str());
            if (entry.until) insert.bind(5, entry.until->str());
            insert.bind(6, entry.points);
            insert.bind(7, entry.sanction_kind);
            insert.bind(8, entry.text);
            insert.bind(9, now);
            added += insert.exec();
        }
    });
    return added;
}

void SqliteStore::write_deferred() {
    locked("recording checks in the audit log", [&] {
        if (!deferred_audit_.empty()) transact(Durability::survives_crash, nullptr, [] {});
    });
}

AuditVerification SqliteStore::verify_audit_log() {
    write_deferred();
    return locked("verifying the audit log", [&] {
        AuditChainCheck chain;
        SQLite::Statement rows(*db_, "SELECT seq, time, operation, physician, encounter, findings, prev_hash, hash "
                                     "FROM audit_log ORDER BY seq");
        while (rows.executeStep() &&
               chain.add(rows.getColumn(0).getInt64(), rows.getColumn(1).getString(),
                         {rows.getColumn(2).getString(), rows.getColumn(3).getString(), rows.getColumn(4).getString(),
                          rows.getColumn(5).getString()},
                         rows.getColumn(6).getString(), rows.getColumn(7).getString())) {
        }
        SQLite::Statement head(*db_, "SELECT seq, hash FROM audit_head WHERE id = 1");
        std::optional<std::pair<int64_t, std::string>> head_row;
        if (head.executeStep()) head_row.emplace(head.getColumn(0).getInt64(), head.getColumn(1).getString());
        return chain.finish(head_row);
    });
}

}  // namespace medlint
