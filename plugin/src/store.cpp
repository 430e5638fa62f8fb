#include "store.hpp"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "pg_store.hpp"
#include "sha256.hpp"
#include "sqlite_store.hpp"

namespace medlint {

std::unique_ptr<Store> Store::open(const Config &config) {
    if (!config.store_url.empty()) return std::make_unique<PgStore>(config.store_url, config.store_key_path, config.store_pool);
    return std::make_unique<SqliteStore>(config.store_path, config.store_key_path, config.store_memory);
}

std::string store_contents_query() {
    // The head's seq counts the audit rows ever written; every other table is empty or not.
    std::string sql = "SELECT (SELECT seq FROM audit_head WHERE id = 1)";
    for (const auto &table : kCopiedTables)
        if (std::strcmp(table.name, "audit_head") != 0)
            sql += std::string(" + (SELECT count(*) FROM (SELECT 1 FROM ") + table.name + " LIMIT 1) AS any_row)";
    return sql;
}

CopiedStore copy_store(Store &source, const Config &target_config) {
    source.write_deferred();
    const std::string &key_path = target_config.store_key_path;
    bool made_key_file = source.key().write_to(key_path);
    try {
        std::unique_ptr<Store> target = Store::open(target_config);
        CopiedStore copy;
        target->fill([&](const RowSink &sink) {
            copy.tables.clear();  // counted afresh by each attempt
            for (const auto &table : kCopiedTables) copy.tables.emplace_back(table.name, 0);
            std::unique_ptr<StoreSnapshot> snapshot = source.snapshot({});
            snapshot->every_row([&](const StoreTable &table, const std::vector<StoreRow> &rows) {
                copy.tables[static_cast<size_t>(&table - kCopiedTables)].second += static_cast<int64_t>(rows.size());
                sink(table, rows);
            });
        });
        copy.audit = target->verify_audit_log();
        return copy;
    } catch (...) {
        if (made_key_file) std::remove(key_path.c_str());
        throw;
    }
}

std::string now_utc() {
    using namespace std::chrono;
    auto now = system_clock::now();
    std::time_t seconds = system_clock::to_time_t(now);
    auto micros = duration_cast<microseconds>(now.time_since_epoch()).count() % 1000000;
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", utc.tm_year + 1900, utc.tm_mon + 1,
                  utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<long long>(micros));
    return buffer;
}

std::string audit_hash(const std::string &prev_hash, int64_t seq, const std::string &time, const AuditEntry &entry) {
    return sha256_hex(prev_hash + '\x1f' + std::to_string(seq) + '\x1f' + time + '\x1f' + entry.operation + '\x1f' +
                      entry.physician + '\x1f' + entry.encounter + '\x1f' + entry.findings);
}

void AuditChainCheck::broken(int64_t seq, std::string problem) {
    result_.intact = false;
    result_.first_bad_row = seq;
    result_.problem = std::move(problem);
}

bool AuditChainCheck::add(int64_t seq, const std::string &time, const AuditEntry &entry, const std::string &prev_hash,
                          const std::string &hash) {
    ++result_.rows;
    if (seq != expected_seq_) broken(expected_seq_, "row " + std::to_string(expected_seq_) + " is missing");
    else if (prev_hash != prev_)
        broken(seq, "row " + std::to_string(seq) + " does not follow the row before it");
    else if (audit_hash(prev_, seq, time, entry) != hash)
        broken(seq, "row " + std::to_string(seq) + " was changed after it was written");
    prev_ = hash;
    expected_seq_ = seq + 1;
    return result_.intact;
}

AuditVerification AuditChainCheck::finish(std::optional<std::pair<int64_t, std::string>> head) {
    if (result_.intact && (!head || head->first != expected_seq_ - 1 || head->second != prev_))
        broken(expected_seq_, "the last rows of the log were removed");
    return result_;
}

}  // namespace medlint
