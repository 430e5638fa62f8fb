// The command line of the medlint tool: which command, its options and operands.
#pragma once
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace medlint::cli {

enum class Command {
    check, commit, audit, call, translate, audit_log_verify, pack_validate, ledger_import, catalog_import, store_copy,
    points, serve
};

struct Invocation {
    bool help = false;  // print the usage of `command`, or of the tool when there is none
    bool version = false;
    std::optional<Command> command;
    std::optional<std::string> config;
    std::optional<std::string> mode;  // overrides each request's root attribute
    std::optional<std::string> lang;  // overrides each request's root attribute
    std::optional<std::string> date;  // the day points asks about, YYYY-MM-DD; today when not given
    std::optional<std::string> jobs;  // audit's worker threads, a whole number from 1; all cores when not given
    std::optional<std::string> html, csv, json;  // the files audit writes its reports to
    bool commit = false;  // audit also records the documents as submitted
    // serve's options, checked and given their defaults by serve_settings()
    std::optional<std::string> listen, threads, token_file, tls_cert, tls_key, max_connections, read_timeout,
        idle_timeout;
    bool insecure_no_auth = false;
    std::optional<std::string> out, pack_id;  // catalog import: the pack folder to write, and its id
    bool complete = false;                    // catalog import: declare the catalogue complete
    std::optional<std::string> from, from_key, to, key;  // store copy: the two stores and their key files
    std::vector<std::string> operands;  // what the command works on: files, a pack folder, a physician code
};

// A command line the tool cannot run; what() says why.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Throws UsageError for an unknown command or option, a bad option value, an
// option the command does not take, or the wrong number of operands.
Invocation parse_command_line(int argc, const char *const *argv);

// The help text of one command, or of the whole tool.
std::string usage(std::optional<Command> command);

}  // namespace medlint::cli
