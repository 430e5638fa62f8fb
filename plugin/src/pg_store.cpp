#include "pg_store.hpp"

#include <boost/json.hpp>

#include <libpq-fe.h>

#include <charconv>
#include <chrono>
#include <cstring>
#include <map>
#include <optional>
#include <thread>

#include "error.hpp"
#include "overloaded.hpp"

namespace medlint {
namespace {

// Schema migrations: entry N takes a database from version N to N + 1.  Text
// columns compare bytewise ("C"), as SQLite's do, so that code ranges and
// orders are the same on both backends.
const char *const kMigrations[] = {
    R"sql(
    CREATE TABLE encounters (
        encounter_id text COLLATE "C" PRIMARY KEY, institution text COLLATE "C" NOT NULL,
        patient_key text COLLATE "C" NOT NULL, type text NOT NULL, admitted text COLLATE "C",
        discharged text COLLATE "C", rescue integer NOT NULL, physician text NOT NULL, dept text NOT NULL,
        primary_diagnosis text NOT NULL, committed_at text COLLATE "C" NOT NULL);
    CREATE INDEX encounters_by_patient ON encounters (patient_key, type);
    CREATE TABLE items (
        encounter_id text COLLATE "C" NOT NULL, item_id text COLLATE "C" NOT NULL,
        patient_key text COLLATE "C" NOT NULL, kind text NOT NULL, code text COLLATE "C" NOT NULL,
        name text NOT NULL, quantity double precision NOT NULL, price double precision NOT NULL,
        days integer NOT NULL, date text COLLATE "C" NOT NULL, physician text NOT NULL,
        discharge_medication integer NOT NULL, PRIMARY KEY (encounter_id, item_id));
    CREATE INDEX items_by_patient ON items (patient_key, code, date) INCLUDE (kind, days, name);
    CREATE TABLE patient_identities (
        patient_key text COLLATE "C" NOT NULL, encounter_id text COLLATE "C" NOT NULL,
        name_digest text COLLATE "C" NOT NULL, gender_digest text COLLATE "C" NOT NULL,
        birth_date_digest text COLLATE "C" NOT NULL, seen_at text COLLATE "C" NOT NULL,
        PRIMARY KEY (patient_key, encounter_id));
    CREATE INDEX identities_by_encounter ON patient_identities (encounter_id);
    CREATE TABLE feedback (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, finding_id text COLLATE "C" NOT NULL,
        action text NOT NULL, reason text NOT NULL, physician text NOT NULL, time text NOT NULL,
        recorded_at text NOT NULL, reason_code text NOT NULL DEFAULT '');
    CREATE INDEX feedback_by_finding ON feedback (finding_id, id);
    CREATE TABLE ledger (
        notice text COLLATE "C" PRIMARY KEY, kind text NOT NULL, physician text COLLATE "C" NOT NULL,
        date text COLLATE "C" NOT NULL, until text COLLATE "C", points integer NOT NULL,
        sanction_kind text NOT NULL, text text NOT NULL, reversed_on text COLLATE "C", imported_at text NOT NULL);
    CREATE INDEX ledger_by_physician ON ledger (physician, date);
    CREATE TABLE audit_log (
        seq bigint PRIMARY KEY, time text NOT NULL, operation text NOT NULL, physician text NOT NULL,
        encounter text NOT NULL, findings text NOT NULL, prev_hash text NOT NULL, hash text NOT NULL);
    CREATE TABLE audit_head (
        id integer PRIMARY KEY CHECK (id = 1), seq bigint NOT NULL, hash text NOT NULL);
    INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');
    CREATE TABLE store_key (id integer PRIMARY KEY CHECK (id = 1), check_value text NOT NULL);
    )sql",
    // 2: the history index holds every column a history read returns, the
    // quantity the frequency rules sum among them, so reads can be index-only.
    R"sql(
    DROP INDEX items_by_patient;
    CREATE INDEX items_by_patient ON items (patient_key, code, date)
        INCLUDE (encounter_id, item_id, kind, days, name, quantity);
    )sql",
    // 3: an encounter is known by its institution and its id, so that two
    // institutions sharing a database may both commit an encounter "E1";
    // items and identities carry their encounter's institution, which the
    // history index includes, so that a check's scope is read from the index.
    // Keys start with the encounter id: a retraction that names no
    // institution finds its rows by the id alone.
    R"sql(
    ALTER TABLE items ADD COLUMN institution text COLLATE "C" NOT NULL DEFAULT '';
    UPDATE items i SET institution = e.institution FROM encounters e WHERE e.encounter_id = i.encounter_id;
    ALTER TABLE items ALTER COLUMN institution DROP DEFAULT;
    ALTER TABLE patient_identities ADD COLUMN institution text COLLATE "C" NOT NULL DEFAULT '';
    UPDATE patient_identities p SET institution = e.institution FROM encounters e
        WHERE e.encounter_id = p.encounter_id;
    ALTER TABLE patient_identities ALTER COLUMN institution DROP DEFAULT;
    ALTER TABLE encounters DROP CONSTRAINT encounters_pkey, ADD PRIMARY KEY (encounter_id, institution);
    ALTER TABLE items DROP CONSTRAINT items_pkey, ADD PRIMARY KEY (encounter_id, institution, item_id);
    ALTER TABLE patient_identities DROP CONSTRAINT patient_identities_pkey,
        ADD PRIMARY KEY (patient_key, encounter_id, institution);
    DROP INDEX identities_by_encounter;
    CREATE INDEX identities_by_encounter ON patient_identities (encounter_id, institution);
    DROP INDEX items_by_patient;
    CREATE INDEX items_by_patient ON items (patient_key, code, date)
        INCLUDE (encounter_id, institution, item_id, kind, days, name, quantity);
    )sql",
};
constexpr int kMigrationCount = sizeof kMigrations / sizeof kMigrations[0];
static_assert(kMigrationCount == PgStore::kSchemaVersion, "one migration per schema version");

// The advisory lock that migrations run under: "medlint" in ASCII.
constexpr const char *kMigrationLock = "SELECT pg_advisory_xact_lock(30787046181899892)";

// Attempts of one call before MEDLINT_ESTORE, and the pause after the first failure.
constexpr int kAttempts = 3;
constexpr std::chrono::milliseconds kFirstPause{50};

// A statement that failed, with PostgreSQL's SQLSTATE ("" when the connection itself failed).
struct PgFailure {
    std::string sqlstate, message;
    bool connection_lost;
};

// Worth another attempt: the connection is gone (the server restarted, a
// failover), or PostgreSQL asks for the transaction again.
bool retryable(const PgFailure &failure) {
    const std::string &state = failure.sqlstate;
    return failure.connection_lost || state == "40001" || state == "40P01" || state.rfind("08", 0) == 0 ||
           state == "57P01" || state == "57P02" || state == "57P03";
}

struct ResultDeleter {
    void operator()(PGresult *result) const { PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

using Parameters = std::vector<std::optional<std::string>>;

std::string text(const Result &result, int row, int column) {
    return PQgetvalue(result.get(), row, column);
}

std::optional<Date> date(const Result &result, int row, int column) {
    if (PQgetisnull(result.get(), row, column)) return std::nullopt;
    return Date::parse(text(result, row, column));
}

int integer(const Result &result, int row, int column) { return std::stoi(text(result, row, column)); }

// A double as the server reads it, whatever the host's locale (std::to_string follows LC_NUMERIC).
std::string decimal(double value) {
    char out[32];
    return std::string(out, std::to_chars(out, out + sizeof out, value).ptr);
}

// The server writes a double precision column in the C locale's form, whatever the host's locale.
double real(const Result &result, int row, int column) {
    const char *value = PQgetvalue(result.get(), row, column);
    double out = 0;
    std::from_chars(value, value + std::strlen(value), out);
    return out;
}

// PostgreSQL's type oids of the columns a copy reads as numbers.
constexpr Oid kInt2 = 21, kInt4 = 23, kInt8 = 20, kFloat4 = 700, kFloat8 = 701;

StoreValue stored_value(const Result &result, int row, int column) {
    if (PQgetisnull(result.get(), row, column)) return std::monostate{};
    Oid type = PQftype(result.get(), column);
    if (type == kInt2 || type == kInt4 || type == kInt8) return static_cast<int64_t>(std::stoll(text(result, row, column)));
    if (type == kFloat4 || type == kFloat8) return real(result, row, column);
    return text(result, row, column);
}

// Rows in COPY's text format: tab between columns, \N for NULL, backslash escapes.
std::string copy_text(const std::vector<StoreRow> &rows) {
    std::string out;
    for (const StoreRow &row : rows) {
        for (size_t column = 0; column < row.size(); ++column) {
            if (column) out += '\t';
            std::visit(Overloaded{[&](std::monostate) { out += "\\N"; },
                                  [&](int64_t number) { out += std::to_string(number); },
                                  [&](double number) { out += decimal(number); },
                                  [&](const std::string &value) {
                                      for (char c : value) {
                                          if (c == '\\') out += "\\\\";
                                          else if (c == '\n') out += "\\n";
                                          else if (c == '\r') out += "\\r";
                                          else if (c == '\t') out += "\\t";
                                          else out += c;
                                      }
                                  }},
                       row[column]);
        }
        out += '\n';
    }
    return out;
}

std::optional<std::string> optional_date(const std::optional<Date> &value) {
    return value ? std::optional<std::string>(value->str()) : std::nullopt;
}

// "PostgreSQL store DB on HOST:PORT" from the connection URI, without its password.
std::string name_of(const std::string &url) {
    char *error = nullptr;
    PQconninfoOption *options = PQconninfoParse(url.c_str(), &error);
    if (!options) {
        std::string problem = error ? error : "it could not be read";
        PQfreemem(error);
        fail(MEDLINT_ECONFIG, "<store url> is not a PostgreSQL connection URI: " + problem);
    }
    std::string dbname, host, port;
    for (PQconninfoOption *option = options; option->keyword; ++option) {
        std::string keyword = option->keyword, value = option->val ? option->val : "";
        if (keyword == "dbname") dbname = value;
        else if (keyword == "host") host = value;
        else if (keyword == "port") port = value;
    }
    PQconninfoFree(options);
    return "PostgreSQL store " + (dbname.empty() ? std::string("(default database)") : dbname) + " on " +
           (host.empty() ? std::string("the local socket") : host) + (port.empty() ? "" : ":" + port);
}

}  // namespace

class PgStore::Connection {
public:
    explicit Connection(PGconn *connection) : connection_(connection) {}
    ~Connection() { PQfinish(connection_); }
    Connection(const Connection &) = delete;
    Connection &operator=(const Connection &) = delete;

    // Runs one statement; throws PgFailure.  A statement with parameters is
    // prepared on the connection the first time it runs there: the server
    // then plans it once, not on every call (planning took longer than
    // running a check's history look-ups).
    Result run(const char *sql, const Parameters &parameters = {}) {
        std::vector<const char *> values;
        for (const auto &parameter : parameters) values.push_back(parameter ? parameter->c_str() : nullptr);
        // Without parameters, a script of several statements (a migration) may run.
        if (values.empty()) return succeeded(Result(PQexec(connection_, sql)));
        const std::string &name = prepared(sql, static_cast<int>(values.size()));
        return succeeded(Result(PQexecPrepared(connection_, name.c_str(), static_cast<int>(values.size()),
                                               values.data(), nullptr, nullptr, 0)));
    }
    // Sends rows in COPY's text format to `COPY ... FROM STDIN`; throws PgFailure.
    void copy_in(const std::string &sql, const std::string &data) {
        Result started(PQexec(connection_, sql.c_str()));
        if (!started || PQresultStatus(started.get()) != PGRES_COPY_IN) throw failure(started);
        if (PQputCopyData(connection_, data.data(), static_cast<int>(data.size())) != 1 ||
            PQputCopyEnd(connection_, nullptr) != 1)
            throw failure(nullptr);
        Result ended(PQgetResult(connection_));
        while (Result more{PQgetResult(connection_)}) {
        }
        if (!ended || PQresultStatus(ended.get()) != PGRES_COMMAND_OK) throw failure(ended);
    }
    // The number of rows a statement changed.
    int changed(const char *sql, const Parameters &parameters) { return std::stoi(PQcmdTuples(run(sql, parameters).get())); }
    bool broken() const { return PQstatus(connection_) != CONNECTION_OK; }
    // Ends whatever transaction a failure left open; false when the connection is no longer of use.
    bool roll_back() noexcept {
        if (broken()) return false;
        Result result(PQexec(connection_, "ROLLBACK"));
        return !broken();
    }
    bool in_transaction() const { return PQtransactionStatus(connection_) != PQTRANS_IDLE; }

private:
    Result succeeded(Result result) const {
        ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
        if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return result;
        throw failure(result);
    }
    // The name of the statement prepared for `sql` on this connection.
    const std::string &prepared(const std::string &sql, int parameter_count) {
        auto found = statements_.find(sql);
        if (found != statements_.end()) return found->second;
        std::string name = "medlint_" + std::to_string(statements_.size() + 1);
        succeeded(Result(PQprepare(connection_, name.c_str(), sql.c_str(), parameter_count, nullptr)));
        return statements_.emplace(sql, std::move(name)).first->second;
    }

    PgFailure failure(const Result &result) const {
        const char *state = result ? PQresultErrorField(result.get(), PG_DIAG_SQLSTATE) : nullptr;
        std::string message = PQerrorMessage(connection_);
        while (!message.empty() && message.back() == '\n') message.pop_back();
        return PgFailure{state ? state : "", message, PQstatus(connection_) != CONNECTION_OK};
    }

    PGconn *connection_;
    std::map<std::string, std::string> statements_;  // SQL text, prepared statement's name
};

std::unique_ptr<PgStore::Connection> PgStore::connect() {
    // The configuration's timeouts come after the URI's, so they win:
    // statement_timeout and lock_timeout bound a statement on a live server,
    // tcp_user_timeout and keepalives one whose machine is gone.
    std::string timeout = std::to_string(pool_.statement_timeout_ms), connect_timeout = std::to_string(pool_.connect_timeout_s);
    std::string options = "-c statement_timeout=" + timeout + " -c lock_timeout=" + timeout +
                          " -c idle_in_transaction_session_timeout=" + std::to_string(pool_.statement_timeout_ms * 4) +
                          " -c client_min_messages=warning";
    const char *keywords[] = {"dbname", "connect_timeout", "options", "tcp_user_timeout", "keepalives_idle",
                              "keepalives_interval", "keepalives_count", "application_name", nullptr};
    const char *values[] = {url_.c_str(), connect_timeout.c_str(), options.c_str(), timeout.c_str(), "5", "2", "2",
                            "medlint", nullptr};
    PGconn *connection = PQconnectdbParams(keywords, values, 1);
    auto owned = std::make_unique<Connection>(connection);
    // The server's notices (a shutdown announced) are not the host's stderr's business: failures are reported.
    if (connection) PQsetNoticeProcessor(connection, [](void *, const char *) {}, nullptr);
    if (!connection || PQstatus(connection) != CONNECTION_OK) {
        std::string message = connection ? PQerrorMessage(connection) : "out of memory";
        while (!message.empty() && message.back() == '\n') message.pop_back();
        throw PgFailure{"", message, true};
    }
    return owned;
}

std::unique_ptr<PgStore::Connection> PgStore::take() {
    std::unique_lock<std::mutex> lock(pool_mutex_);
    // A call waits for a free connection no longer than for a new one.
    bool free = freed_.wait_for(lock, std::chrono::seconds(pool_.connect_timeout_s),
                                [&] { return !idle_.empty() || open_ < pool_.connections; });
    if (!free)
        fail(MEDLINT_ESTORE, name_ + ": all " + std::to_string(pool_.connections) +
                                 " connections of the pool stayed busy; raise <store pool>");
    if (!idle_.empty()) {
        std::unique_ptr<Connection> connection = std::move(idle_.back());
        idle_.pop_back();
        return connection;
    }
    ++open_;
    lock.unlock();
    try {
        return connect();
    } catch (...) {
        lock.lock();
        --open_;
        freed_.notify_one();
        throw;
    }
}

void PgStore::give_back(std::unique_ptr<Connection> connection) noexcept {
    std::lock_guard<std::mutex> guard(pool_mutex_);
    if (connection && !connection->broken() && !connection->in_transaction()) idle_.push_back(std::move(connection));
    else --open_;
    freed_.notify_one();
}

PgStore::Lease::Lease(PgStore &store) : store_(store), connection_(store.take()) {}

PgStore::Lease::~Lease() { store_.give_back(std::move(connection_)); }

template <class Work>
auto PgStore::retrying(const char *action, Work &&work) {
    auto pause = kFirstPause;
    for (int attempt = 1;; ++attempt) {
        try {
            return work();
        } catch (const PgFailure &failure) {
            if (!retryable(failure) || attempt == kAttempts)
                fail(MEDLINT_ESTORE, name_ + " failed while " + action +
                                         (attempt > 1 ? " (" + std::to_string(attempt) + " attempts)" : std::string()) +
                                         ": " + failure.message);
        }
        std::this_thread::sleep_for(pause);
        pause *= 4;
    }
}

template <class Work>
auto PgStore::attempt(const char *action, Work &&work) {
    return retrying(action, [&] {
        Lease lease(*this);
        try {
            return work(*lease);
        } catch (...) {
            lease->roll_back();
            throw;
        }
    });
}

PgStore::PgStore(const std::string &url, const std::string &key_path, const StorePool &pool)
    : url_(url), name_(name_of(url)), pool_(pool) {
    migrate(key_path);
}

PgStore::~PgStore() {
    try {
        if (!deferred_audit_.empty()) write("recording checks in the audit log", Durability::survives_crash, nullptr, [](Connection &) {});
    } catch (...) {
        // Closing cannot report: the rows of deferred checks are lost, as after a crash.
    }
}

void PgStore::migrate(const std::string &key_path) {
    attempt("migrating the schema", [&](Connection &connection) {
        connection.run("BEGIN");
        connection.run(kMigrationLock);  // engines starting at once wait here, and find the work done
        connection.run("CREATE TABLE IF NOT EXISTS medlint_schema (version integer NOT NULL)");
        Result row = connection.run("SELECT version FROM medlint_schema");
        int version = PQntuples(row.get()) ? integer(row, 0, 0) : 0;
        if (version > kSchemaVersion)
            fail(MEDLINT_ESTORE, name_ + " has schema version " + std::to_string(version) +
                                     ", newer than this medlint understands (" + std::to_string(kSchemaVersion) + ")");
        // Rebuilding a large database's tables and indexes takes minutes, not
        // the seconds a call may: the migration runs without the statement
        // timeout (engines starting meanwhile time out waiting for the lock).
        if (version < kSchemaVersion) connection.run("SET LOCAL statement_timeout = 0");
        for (int step = version; step < kSchemaVersion; ++step) connection.run(kMigrations[step]);
        if (version == 0) connection.run("INSERT INTO medlint_schema (version) VALUES ($1)", {std::to_string(kSchemaVersion)});
        else connection.run("UPDATE medlint_schema SET version = $1", {std::to_string(kSchemaVersion)});
        Result check = connection.run("SELECT check_value FROM store_key WHERE id = 1");
        bool first = PQntuples(check.get()) == 0;
        // The first engine makes the key; every other machine needs a copy of its file.
        key_ = std::make_unique<IdentityKey>(IdentityKey::load(key_path, first));
        if (first) connection.run("INSERT INTO store_key (id, check_value) VALUES (1, $1)", {key_->check_value()});
        else if (text(check, 0, 0) != key_->check_value())
            fail(MEDLINT_ESTORE, name_ + " was not made with the key in " + key_->path() +
                                     " (another installation's key?): copy the key file of the engine that made it");
        connection.run("COMMIT");
    });
}

template <class Work>
void PgStore::write(const char *action, Durability durability, const AuditEntry *audit, Work &&work) {
    attempt(action, [&](Connection &connection) {
        std::vector<std::pair<AuditEntry, std::string>> deferred;
        {
            std::lock_guard<std::mutex> guard(deferred_mutex_);
            deferred.swap(deferred_audit_);
        }
        try {
            // A check's audit row, like SQLite's, need not wait for the server's disk: it survives
            // medlint's crash, and the server's unless its machine loses power.
            connection.run(durability == Durability::survives_crash ? "BEGIN; SET LOCAL synchronous_commit = off"
                                                                    : "BEGIN");
            work(connection);
            // The head row stays locked to the commit: one writer appends at a time, across all engines.
            Result head = connection.run("SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE");
            if (PQntuples(head.get()) != 1) fail(MEDLINT_ESTORE, name_ + " has lost its audit-log head row");
            int64_t seq = std::stoll(text(head, 0, 0));
            std::string prev = text(head, 0, 1);
            // Deferred check rows go first, so the log keeps the order of the calls.
            std::vector<std::pair<const AuditEntry *, std::string>> rows;
            for (const auto &[entry, time] : deferred) rows.emplace_back(&entry, time);
            if (audit) rows.emplace_back(audit, now_utc());
            for (size_t i = 0; i < rows.size(); ++i) {
                const AuditEntry &entry = *rows[i].first;
                const std::string &time = rows[i].second;
                std::string hash = audit_hash(prev, ++seq, time, entry);
                Parameters values{std::to_string(seq), time,           entry.operation, entry.physician,
                                  entry.encounter,     entry.findings, prev,            hash};
                // The last row moves the head in the same statement: a round trip less.
                if (i + 1 < rows.size())
                    connection.run("INSERT INTO audit_log (seq, time, operation, physician, encounter, findings, "
                                   "prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                                   values);
                else
                    connection.run("WITH appended AS (INSERT INTO audit_log (seq, time, operation, physician, "
                                   "encounter, findings, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
                                   "RETURNING seq, hash) "
                                   "UPDATE audit_head SET seq = appended.seq, hash = appended.hash FROM appended "
                                   "WHERE id = 1",
                                   values);
                prev = hash;
            }
            connection.run("COMMIT");
        } catch (...) {
            std::lock_guard<std::mutex> guard(deferred_mutex_);
            deferred_audit_.insert(deferred_audit_.begin(), deferred.begin(), deferred.end());
            throw;
        }
    });
}

void PgStore::record_check(const AuditEntry &audit, bool deferred) {
    if (deferred) {
        std::lock_guard<std::mutex> guard(deferred_mutex_);
        deferred_audit_.emplace_back(audit, now_utc());
        if (deferred_audit_.size() < kDeferredAuditRows) return;
    }
    write("recording a check in the audit log", Durability::survives_crash, deferred ? nullptr : &audit, [](Connection &) {});
}

void PgStore::commit(const Document &document, const std::string &patient_key, const AuditEntry &audit) {
    write("committing an encounter", Durability::survives_power_loss, &audit, [&](Connection &connection) {
        const Encounter &encounter = document.encounter;
        std::string now = now_utc();
        const Diagnosis *primary = encounter.primary_diagnosis();
        const std::string &institution = document.institution.code;
        connection.run("INSERT INTO encounters (encounter_id, institution, patient_key, type, admitted, discharged, "
                       "rescue, physician, dept, primary_diagnosis, committed_at) "
                       "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
                       "ON CONFLICT (encounter_id, institution) DO UPDATE SET "
                       "patient_key = excluded.patient_key, type = excluded.type, "
                       "admitted = excluded.admitted, discharged = excluded.discharged, rescue = excluded.rescue, "
                       "physician = excluded.physician, dept = excluded.dept, "
                       "primary_diagnosis = excluded.primary_diagnosis, committed_at = excluded.committed_at",
                       {encounter.id, institution, patient_key, encounter.type,
                        optional_date(encounter.admitted), optional_date(encounter.discharged),
                        std::string(encounter.rescue ? "1" : "0"), document.physician_code(),
                        document.physician ? document.physician->dept : "", primary ? primary->code : "", now});
        connection.run("UPDATE items SET patient_key = $1 WHERE encounter_id = $2 AND institution = $3 "
                       "AND patient_key <> $1",
                       {patient_key, encounter.id, institution});
        connection.run("DELETE FROM patient_identities WHERE encounter_id = $1 AND institution = $2",
                       {encounter.id, institution});
        IdentityDigest digest = key_->digest(patient_key, document.patient);
        connection.run("INSERT INTO patient_identities (patient_key, encounter_id, institution, name_digest, "
                       "gender_digest, birth_date_digest, seen_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                       {patient_key, encounter.id, institution, digest.name, digest.gender, digest.birth_date, now});
        for (const auto &item : document.items)
            connection.run("INSERT INTO items (encounter_id, item_id, patient_key, kind, code, name, quantity, price, "
                           "days, date, physician, discharge_medication, institution) "
                           "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) "
                           "ON CONFLICT (encounter_id, institution, item_id) DO UPDATE SET "
                           "patient_key = excluded.patient_key, "
                           "kind = excluded.kind, code = excluded.code, name = excluded.name, "
                           "quantity = excluded.quantity, price = excluded.price, days = excluded.days, "
                           "date = excluded.date, physician = excluded.physician, "
                           "discharge_medication = excluded.discharge_medication",
                           {encounter.id, item.id, patient_key, item.kind, item.code, item.name,
                            decimal(item.quantity), decimal(item.price), std::to_string(item.days),
                            item.date.str(), item.physician, std::string(item.discharge_medication ? "1" : "0"),
                            institution});
    });
}

int PgStore::retract(const Retract &retract, const AuditEntry &audit) {
    int removed = 0;
    write("retracting", Durability::survives_power_loss, &audit, [&](Connection &connection) {
        removed = 0;  // a retried attempt counts afresh
        // A retraction that names no institution takes the encounter id at every institution ($2 NULL).
        if (retract.items.empty()) {
            removed = connection.changed("DELETE FROM items WHERE encounter_id = $1 AND ($2::text IS NULL OR "
                                         "institution = $2)",
                                         {retract.encounter, retract.institution});
            connection.run("DELETE FROM patient_identities WHERE encounter_id = $1 AND ($2::text IS NULL OR "
                           "institution = $2)",
                           {retract.encounter, retract.institution});
            connection.run("DELETE FROM encounters WHERE encounter_id = $1 AND ($2::text IS NULL OR institution = $2)",
                           {retract.encounter, retract.institution});
            return;
        }
        for (const auto &id : retract.items)
            removed += connection.changed("DELETE FROM items WHERE encounter_id = $1 AND item_id = $2 "
                                          "AND ($3::text IS NULL OR institution = $3)",
                                          {retract.encounter, id, retract.institution});
    });
    return removed;
}

void PgStore::record_feedback(const Feedback &feedback, const AuditEntry &audit) {
    write("recording feedback", Durability::survives_power_loss, &audit, [&](Connection &connection) {
        std::string now = now_utc();
        for (const auto &entry : feedback.entries)
            connection.run("INSERT INTO feedback (finding_id, action, reason, physician, time, recorded_at, "
                           "reason_code) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                           {entry.finding_id, entry.action, entry.reason, feedback.physician,
                            feedback.time.empty() ? now : feedback.time, now, entry.reason_code});
    });
}

int PgStore::import_ledger(const Ledger &ledger, const AuditEntry &audit) {
    int added = 0;
    write("importing the ledger", Durability::survives_power_loss, &audit, [&](Connection &connection) {
        added = 0;
        std::string now = now_utc();
        for (const auto &entry : ledger.entries) {
            if (entry.kind == "reversal") {
                Result known = connection.run("SELECT count(*) FROM ledger WHERE notice = $1", {entry.notice});
                if (integer(known, 0, 0) == 0)
                    fail_at_line(MEDLINT_EPARSE, entry.line,
                                 "<reversal>: notice \"" + entry.notice + "\" is not in the ledger; import it first");
                added += connection.changed("UPDATE ledger SET reversed_on = $1 WHERE notice = $2 AND reversed_on IS NULL",
                                            {entry.date.str(), entry.notice});
                continue;
            }
            added += connection.changed(
                "INSERT INTO ledger (notice, kind, physician, date, until, points, sanction_kind, text, imported_at) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (notice) DO NOTHING",
                {entry.notice, entry.kind, entry.physician, entry.date.str(), optional_date(entry.until),
                 std::to_string(entry.points), entry.sanction_kind, entry.text, now});
        }
    });
    return added;
}

void PgStore::write_deferred() {
    bool any_deferred;
    {
        std::lock_guard<std::mutex> guard(deferred_mutex_);
        any_deferred = !deferred_audit_.empty();
    }
    if (any_deferred) write("recording checks in the audit log", Durability::survives_crash, nullptr, [](Connection &) {});
}

// Not retried: a new attempt would read the source again, and a failure
// while the copy is under way is better reported than hidden.
void PgStore::fill(const std::function<void(const RowSink &)> &rows) {
    const char *action = "copying a store into it";
    auto failed = [&](const PgFailure &failure) { fail(MEDLINT_ESTORE, name_ + " failed while " + action + ": " + failure.message); };
    try {
        Lease lease(*this);
        try {
            lease->run("BEGIN");
            if (std::stoll(text(lease->run(store_contents_query().c_str()), 0, 0)) != 0)
                fail(MEDLINT_ESTORE, name_ + " is not empty: a copy goes only into a new database");
            lease->run("DELETE FROM audit_head");  // the source's head replaces the new store's
            rows([&](const StoreTable &table, const std::vector<StoreRow> &chunk) {
                try {
                    lease->copy_in(std::string("COPY ") + table.name + " (" + table.columns + ") FROM STDIN", copy_text(chunk));
                } catch (const PgFailure &failure) {
                    failed(failure);  // not the source's failure, whose read this runs in
                }
            });
            // Feedback recorded after the copy numbers on from the copied rows.
            lease->run("SELECT setval(pg_get_serial_sequence('feedback', 'id'), max(id)) FROM feedback");
            lease->run("COMMIT");
        } catch (...) {
            lease->roll_back();
            throw;
        }
    } catch (const PgFailure &failure) {
        failed(failure);
    }
}

AuditVerification PgStore::verify_audit_log() {
    write_deferred();
    return attempt("verifying the audit log", [&](Connection &connection) {
        connection.run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
        Result rows = connection.run("SELECT seq, time, operation, physician, encounter, findings, prev_hash, hash "
                                     "FROM audit_log ORDER BY seq");
        AuditChainCheck chain;
        for (int row = 0, count = PQntuples(rows.get());
             row < count && chain.add(std::stoll(text(rows, row, 0)), text(rows, row, 1),
                                      {text(rows, row, 2), text(rows, row, 3), text(rows, row, 4), text(rows, row, 5)},
                                      text(rows, row, 6), text(rows, row, 7));
             ++row) {
        }
        Result head = connection.run("SELECT seq, hash FROM audit_head WHERE id = 1");
        std::optional<std::pair<int64_t, std::string>> head_row;
        if (PQntuples(head.get()) == 1) head_row.emplace(std::stoll(text(head, 0, 0)), text(head, 0, 1));
        connection.run("COMMIT");
        return chain.finish(head_row);
    });
}

namespace {

// The reads of one operation in one read-only transaction: one state of the
// database for all of them, on a connection of the pool held to the end.
class PgSnapshot : public StoreSnapshot {
    // The item of a row whose columns from `first` on are encounter_id,
    // institution, item_id, kind, code, name, date, days, quantity.
    static PastItem past_item(const Result &rows, int row, int first) {
        return {text(rows, row, first), text(rows, row, first + 1), text(rows, row, first + 2),
                text(rows, row, first + 3), text(rows, row, first + 4), text(rows, row, first + 5),
                *date(rows, row, first + 6), integer(rows, row, first + 7), real(rows, row, first + 8)};
    }
    static std::vector<PastItem> past_items(const Result &rows) {
        std::vector<PastItem> out;
        for (int row = 0; row < PQntuples(rows.get()); ++row) out.push_back(past_item(rows, row, 0));
        return out;
    }
    // The scope's parameters: its institution, and whether it is every institution's.
    Parameters scoped(Parameters parameters) const {
        parameters.push_back(history_.institution);
        parameters.push_back(std::string(history_.alliance ? "true" : "false"));
        return parameters;
    }

    // One query of the snapshot.  A lost connection is retried on a new one,
    // in a new transaction: the reads after it see a later state, never a
    // torn one.
    template <class Read>
    auto reading(const char *action, const char *sql, const Parameters &parameters, Read &&read) {
        return store_.retrying(action, [&] {
            try {
                if (!lease_) {
                    lease_.emplace(store_);
                    (*lease_)->run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
                }
                return read((*lease_)->run(sql, parameters));
            } catch (const PgFailure &) {
                lease_.reset();
                throw;
            }
        });
    }

public:
    PgSnapshot(PgStore &store, HistoryScope history) : store_(store), history_(std::move(history)) {}
    ~PgSnapshot() override { end(); }

    bool reads_take_round_trips() const override { return true; }
    void end() noexcept override {
        if (lease_) {
            try {
                (*lease_)->run("COMMIT");
            } catch (const PgFailure &) {
                (*lease_)->roll_back();
            }
        }
        lease_.reset();
    }

    bool has_history(const std::string &patient_key) override {
        return reading("reading history",
                       "SELECT EXISTS (SELECT 1 FROM encounters WHERE patient_key = $1 AND ($3::boolean OR "
                       "institution = $2))",
                       scoped({patient_key}), [](const Result &rows) { return text(rows, 0, 0) == "t"; });
    }

    std::vector<SeenIdentity> identities(const std::string &patient_key, const std::string &except_encounter) override {
        // One row per identity, from its latest encounter, whose date is its
        // admission, else its first item, else the day it was committed.
        return reading(
            "reading identities",
            "SELECT encounter_id, name_digest, gender_digest, birth_date_digest, day, institution FROM ("
            "SELECT DISTINCT ON (name_digest, gender_digest, birth_date_digest) encounter_id, institution, "
            "name_digest, gender_digest, birth_date_digest, seen_at, "
            "coalesce((SELECT admitted FROM encounters e "
            "WHERE e.encounter_id = p.encounter_id AND e.institution = p.institution), "
            "(SELECT min(date) FROM items i WHERE i.encounter_id = p.encounter_id AND i.institution = p.institution), "
            "substr(seen_at, 1, 10)) AS day "
            "FROM patient_identities p WHERE patient_key = $1 AND ($4::boolean OR institution = $3) "
            "AND NOT (encounter_id = $2 AND institution = $3) "
            "ORDER BY name_digest, gender_digest, birth_date_digest, seen_at DESC) latest "
            "ORDER BY seen_at DESC LIMIT 100",
            scoped({patient_key, except_encounter}), [](const Result &rows) {
                std::vector<SeenIdentity> out;
                for (int row = 0; row < PQntuples(rows.get()); ++row)
                    out.push_back({text(rows, row, 0), text(rows, row, 5), *date(rows, row, 4),
                                   {text(rows, row, 1), text(rows, row, 2), text(rows, row, 3)}});
                return out;
            });
    }

    IdentityDigest digest(const std::string &patient_key, const Identity &identity) override {
        return store_.key().digest(patient_key, identity);
    }

    std::vector<Stay> inpatient_stays(const std::string &patient_key, const std::string &except_encounter) override {
        return reading("reading inpatient stays",
                       "SELECT encounter_id, institution, admitted, discharged, primary_diagnosis FROM encounters "
                       "WHERE patient_key = $1 AND type = 'inpatient' AND ($4::boolean OR institution = $3) "
                       "AND NOT (encounter_id = $2 AND institution = $3) AND admitted IS NOT NULL "
                       "ORDER BY admitted",
                       scoped({patient_key, except_encounter}), [](const Result &rows) {
                           std::vector<Stay> out;
                           for (int row = 0; row < PQntuples(rows.get()); ++row)
                               out.push_back({text(rows, row, 0), text(rows, row, 1), *date(rows, row, 2),
                                              date(rows, row, 3), text(rows, row, 4)});
                           return out;
                       });
    }

    std::vector<PastItem> encounter_items(const std::string &encounter) override {
        return reading("reading an encounter's items",
                       "SELECT encounter_id, institution, item_id, kind, code, name, date, days, quantity FROM items "
                       "WHERE encounter_id = $1 AND institution = $2 "
                       "ORDER BY date, item_id",
                       {encounter, history_.institution}, past_items);
    }

    std::vector<std::vector<PastItem>> read_items(const std::string &patient_key,
                                                  const std::vector<ItemQuery> &queries) override {
        // One round trip for every query: they travel as a JSON array, each
        // with its place, which sorts the answers back to their queries; each is
        // its own range of the history index (OFFSET 0 keeps the planner from
        // merging them into one scan of all the patient's items).  Codes are
        // ASCII, so '~' sorts after every code that starts with the prefix.
        boost::json::array asked;
        for (const auto &query : queries)
            asked.push_back({{"place", asked.size()},
                             {"low", query.code},
                             {"high", query.prefix ? query.code + "~" : query.code},
                             {"since", query.from.str()},
                             {"until", query.to.str()},
                             {"lasting", query.lasting_on ? boost::json::value(query.lasting_on->str()) : nullptr}});
        return reading(
            "reading item history",
            "SELECT q.place, i.encounter_id, i.institution, i.item_id, i.kind, i.code, i.name, i.date, i.days, "
            "i.quantity FROM json_to_recordset($2::json) AS q(place integer, low text, high text, since text, "
            "until text, lasting date) CROSS JOIN LATERAL (SELECT encounter_id, institution, item_id, kind, code, "
            "name, date, days, quantity "
            "FROM items WHERE patient_key = $1 AND code >= q.low COLLATE \"C\" AND code <= q.high COLLATE \"C\" "
            "AND date >= q.since COLLATE \"C\" AND date <= q.until COLLATE \"C\" "
            "AND (q.lasting IS NULL OR days > q.lasting - date::date) AND ($4::boolean OR institution = $3) "
            "OFFSET 0) AS i ORDER BY q.place, i.date",
            scoped({patient_key, boost::json::serialize(asked)}), [&](const Result &rows) {
                std::vector<std::vector<PastItem>> answers(queries.size());
                for (int row = 0; row < PQntuples(rows.get()); ++row)
                    answers.at(integer(rows, row, 0)).push_back(past_item(rows, row, 1));
                return answers;
            });
    }

    std::optional<std::vector<PastItem>> all_items(const std::string &patient_key, size_t at_most) override {
        return reading("reading item history",
                       "SELECT encounter_id, institution, item_id, kind, code, name, date, days, quantity FROM items "
                       "WHERE patient_key = $1 AND ($4::boolean OR institution = $3) "
                       "ORDER BY code, date, kind, days, name, quantity LIMIT $2",
                       scoped({patient_key, std::to_string(at_most + 1)}),
                       [&](const Result &rows) -> std::optional<std::vector<PastItem>> {
                           if (static_cast<size_t>(PQntuples(rows.get())) > at_most) return std::nullopt;
                           return past_items(rows);
                       });
    }

    std::map<std::string, FeedbackRecord> feedback(const std::vector<std::string> &finding_ids) override {
        if (finding_ids.empty()) return {};
        // One round trip for every finding, as read_items().
        boost::json::array ids(finding_ids.begin(), finding_ids.end());
        return reading("reading feedback",
                       "SELECT DISTINCT ON (finding_id) finding_id, action, reason, physician, time, reason_code "
                       "FROM feedback WHERE finding_id IN (SELECT json_array_elements_text($1::json)) "
                       "ORDER BY finding_id, id DESC",
                       {boost::json::serialize(ids)}, [](const Result &rows) {
                           std::map<std::string, FeedbackRecord> out;
                           for (int row = 0; row < PQntuples(rows.get()); ++row)
                               out[text(rows, row, 0)] = {text(rows, row, 1), text(rows, row, 2), text(rows, row, 3),
                                                          text(rows, row, 4), text(rows, row, 5)};
                           return out;
                       });
    }

    bool reported(const std::string &finding_id) override {
        return reading("reading the audit log",
                       "SELECT EXISTS (SELECT 1 FROM audit_log WHERE operation IN ('check', 'commit') "
                       "AND strpos(findings, $1) > 0)",
                       {finding_id_in_audit(finding_id)}, [](const Result &rows) { return text(rows, 0, 0) == "t"; });
    }

    std::vector<LedgerRow> ledger(const std::string &physician, int first_year, int last_year) override {
        std::string first = Date::from_civil(first_year, 1, 1).str(), last = Date::from_civil(last_year, 12, 31).str();
        return reading(
            "reading the ledger",
            "SELECT kind, physician, notice, text, sanction_kind, date, until, reversed_on, points FROM ledger "
            "WHERE physician = $1 AND ((date >= $2 AND date <= $3) OR (kind = 'sanction' AND (until IS NULL OR "
            "until >= $2) AND date <= $3)) ORDER BY date, notice",
            {physician, first, last}, [](const Result &rows) {
                std::vector<LedgerRow> out;
                for (int row = 0; row < PQntuples(rows.get()); ++row)
                    out.push_back({text(rows, row, 0), text(rows, row, 1), text(rows, row, 2), text(rows, row, 3),
                                   text(rows, row, 4), *date(rows, row, 5), date(rows, row, 6), date(rows, row, 7),
                                   integer(rows, row, 8)});
                return out;
            });
    }

    // One cursor per table, in the snapshot's transaction.  Not retried: the
    // rows already fed cannot be taken back.
    void every_row(const RowSink &sink) override {
        try {
            if (!lease_) {
                lease_.emplace(store_);
                (*lease_)->run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
            }
            PgStore::Connection &connection = **lease_;
            std::string fetch = "FETCH " + std::to_string(kCopyChunkRows) + " FROM medlint_copy";
            for (const auto &table : kCopiedTables) {
                connection.run((std::string("DECLARE medlint_copy NO SCROLL CURSOR FOR SELECT ") + table.columns +
                                " FROM " + table.name).c_str());
                for (;;) {
                    Result rows = connection.run(fetch.c_str());
                    int count = PQntuples(rows.get());
                    if (count == 0) break;
                    std::vector<StoreRow> chunk(static_cast<size_t>(count));
                    for (int row = 0; row < count; ++row)
                        for (int column = 0; column < PQnfields(rows.get()); ++column)
                            chunk[static_cast<size_t>(row)].push_back(stored_value(rows, row, column));
                    sink(table, chunk);
                }
                connection.run("CLOSE medlint_copy");
            }
        } catch (const PgFailure &failure) {
            lease_.reset();
            fail(MEDLINT_ESTORE, store_.name() + " failed while reading the store to copy: " + failure.message);
        }
    }

private:
    PgStore &store_;
    HistoryScope history_;
    std::optional<PgStore::Lease> lease_;  // from the first read on
};

}  // namespace

std::unique_ptr<StoreSnapshot> PgStore::snapshot(const HistoryScope &history) {
    return std::make_unique<PgSnapshot>(*this, history);
}

}  // namespace medlint
