// The command line of the medlint tool: which command, its options and files.
#pragma once
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace medlint::cli {

enum class Command { check, commit, call, audit_log_verify };

struct Invocation {
    bool help = false;  // print the usage of `command`, or of the tool when there is none
    bool version = false;
    std::optional<Command> command;
    std::optional<std::string> config;
    std::optional<std::string> mode;  // overrides each request's root attribute
    std::optional<std::string> lang;  // overrides each request's root attribute
    std::vector<std::string> files;
};

// A command line the tool cannot run; what() says why.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Throws UsageError for an unknown command or option, a bad option value, an
// option the command does not take, or the wrong number of files.
Invocation parse_command_line(int argc, const char *const *argv);

// The help text of one command, or of the whole tool.
std::string usage(std::optional<Command> command);

}  // namespace medlint::cli
