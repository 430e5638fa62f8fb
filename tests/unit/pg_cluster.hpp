// A throwaway PostgreSQL cluster for the store tests: initdb in a temporary
// folder, a server listening only on a Unix socket there, one fresh database
// per store, stopped and removed when the test program ends.  Run as root,
// the server runs as an unprivileged user (postgres, else nobody), as
// PostgreSQL requires.  Without initdb the PostgreSQL cases are skipped with
// a message, unless MEDLINT_REQUIRE_POSTGRES is set (CI sets it), where they fail.
#pragma once

#include <catch2/catch.hpp>
#include <libpq-fe.h>
#include <pwd.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "support.hpp"

namespace test {

// The folder of initdb and pg_ctl: pg_config's, else Debian's standard place; "" when none.
inline std::string postgres_bindir() {
    auto has_initdb = [](const std::string &dir) { return !dir.empty() && std::filesystem::exists(dir + "/initdb"); };
    if (FILE *pipe = popen("pg_config --bindir 2>/dev/null", "r")) {
        char buffer[4096] = {};
        std::string dir = fgets(buffer, sizeof buffer, pipe) ? buffer : "";
        pclose(pipe);
        while (!dir.empty() && (dir.back() == '\n' || dir.back() == '\r')) dir.pop_back();
        if (has_initdb(dir)) return dir;
    }
    std::error_code ignored;
    for (const auto &version : std::filesystem::directory_iterator("/usr/lib/postgresql", ignored))
        if (has_initdb(version.path().string() + "/bin")) return version.path().string() + "/bin";
    return "";
}

class PgCluster {
public:
    // The cluster of this test program, started on first use; null, with
    // the reason given to Catch, when PostgreSQL is not installed.
    static PgCluster *shared() {
        static std::unique_ptr<PgCluster> cluster = start_shared();
        if (!cluster) {
            if (std::getenv("MEDLINT_REQUIRE_POSTGRES")) FAIL("MEDLINT_REQUIRE_POSTGRES is set but no initdb was found");
            WARN("PostgreSQL store cases skipped: no initdb (install Debian's postgresql package to run them)");
        }
        return cluster.get();
    }

    ~PgCluster() { run("pg_ctl -D " + data_ + " -m immediate -w stop"); }

    // The URI of a new, empty database.
    std::string new_database() {
        std::string name = "store_" + std::to_string(++databases_);
        exec("postgres", "CREATE DATABASE " + name);
        return url(name);
    }
    std::string url(const std::string &database) const {
        return "postgresql://medlint@/" + database + "?host=" + dir_.path();
    }
    // Stops the server as a crash would, or starts it again.
    void kill() { REQUIRE(run("pg_ctl -D " + data_ + " -m immediate -w stop") == 0); }
    void start() { REQUIRE(run("pg_ctl -D " + data_ + " -l " + dir_.file("server.log") + " -w -o \"" + options() + "\" start") == 0); }

    // The rows of one statement on `database`; the first column of the first row, "" when none.
    std::string exec(const std::string &database, const std::string &sql) {
        PGconn *connection = PQconnectdb(url(database).c_str());
        INFO(PQerrorMessage(connection));
        REQUIRE(PQstatus(connection) == CONNECTION_OK);
        PGresult *result = PQexec(connection, sql.c_str());
        INFO(sql << ": " << PQerrorMessage(connection));
        ExecStatusType status = PQresultStatus(result);
        std::string first = status == PGRES_TUPLES_OK && PQntuples(result) > 0 ? PQgetvalue(result, 0, 0) : "";
        PQclear(result);
        PQfinish(connection);
        REQUIRE((status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK));
        return first;
    }

private:
    static std::unique_ptr<PgCluster> start_shared() {
        std::string bindir = postgres_bindir();
        if (bindir.empty()) return nullptr;
        auto cluster = std::unique_ptr<PgCluster>(new PgCluster(bindir));
        cluster->start();
        return cluster;
    }

    explicit PgCluster(std::string bindir) : bindir_(std::move(bindir)), data_(dir_.file("data")) {
        if (geteuid() == 0) {
            const passwd *user = getpwnam("postgres");
            if (!user) user = getpwnam("nobody");
            REQUIRE(user);
            as_user_ = std::string("runuser -u ") + user->pw_name + " -- ";
            REQUIRE(chown(dir_.path().c_str(), user->pw_uid, user->pw_gid) == 0);
        }
        REQUIRE(run("initdb -D " + data_ + " -U medlint -A trust -E UTF8 --locale=C --no-sync") == 0);
    }

    // Only a socket in the cluster's folder; no fsync, as the tests stop the server, never the machine.
    std::string options() const {
        return "-c listen_addresses='' -c unix_socket_directories='" + dir_.path() + "' -c fsync=off -c max_connections=200";
    }
    int run(const std::string &command) const {
        return std::system((as_user_ + bindir_ + "/" + command + " >>" + dir_.file("commands.log") + " 2>&1").c_str());
    }

    TempDir dir_;
    std::string bindir_, data_, as_user_;
    std::atomic<int> databases_{0};
};

}  // namespace test
