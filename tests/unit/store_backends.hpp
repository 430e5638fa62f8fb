// The store cases run on both backends: a scratch configuration whose store
// is a SQLite file beside it, or a fresh database of the test cluster, and
// direct looks into that store in SQL both understand.
#pragma once

#include <string>

#include "pg_cluster.hpp"
#include "support.hpp"

namespace test {

enum class Backend { sqlite, postgresql };

inline std::string backend_name(Backend backend) { return backend == Backend::sqlite ? "SQLite" : "PostgreSQL"; }

// Each case that takes one runs once per backend.
#define STORE_BACKEND() GENERATE(test::Backend::sqlite, test::Backend::postgresql)

class StoreScratch {
    Scratch scratch_;  // first: the public paths below are its

public:
    std::string config = scratch_.config;
    std::string store = scratch_.store;  // the SQLite file, or the PostgreSQL URI
    std::string url;                     // "" for SQLite
    std::string key = store + ".key";    // the identity key file

    explicit StoreScratch(Backend backend, const std::string &extra = "") : backend_(backend) {
        if (backend == Backend::postgresql) {
            cluster_ = PgCluster::shared();
            if (!cluster_) return;
            url = cluster_->new_database();
            size_t name = url.find("@/") + 2;
            database_ = url.substr(name, url.find('?') - name);
            store = url;
            key = scratch_.dir.file("store.key");
            write_file(config, replaced(config_xml(scratch_.store, "national-2024", extra),
                                        "<store path=\"" + scratch_.store + "\"/>",
                                        "<store url=\"" + url + "\" key=\"" + key + "\"/>"));
        } else {
            write_file(config, config_xml(scratch_.store, "national-2024", extra));
        }
    }
    // False when the backend is not available here: the case has nothing to run.
    bool ready() const { return backend_ == Backend::sqlite || cluster_; }

    long long integer(const std::string &sql) { return std::stoll(text(sql)); }
    std::string text(const std::string &sql) {
        if (backend_ == Backend::sqlite) return store_text(store, sql);
        // SQLite's group_concat(x, separator) is PostgreSQL's string_agg.
        std::string portable = sql;
        for (size_t at; (at = portable.find("group_concat(")) != std::string::npos;)
            portable.replace(at, 13, "string_agg(");
        return cluster_->exec(database_, portable);
    }
    void exec(const std::string &sql) {
        if (backend_ == Backend::sqlite) store_exec(store, sql);
        else cluster_->exec(database_, sql);
    }
    PgCluster &cluster() { return *cluster_; }

private:
    Backend backend_;
    PgCluster *cluster_ = nullptr;
    std::string database_;
};

}  // namespace test
