#include "options.hpp"

#include <cstdint>
#include <sstream>
#include <string_view>

namespace medlint::cli {
namespace {

enum OptionBit : unsigned { kConfig = 1u, kMode = 2u, kLang = 4u };

struct OptionSpec {
    OptionBit bit;
    const char *name;
    const char *argument;
    const char *help;
    const char *choices;  // the values allowed, separated by '|'; nullptr for any value
    std::optional<std::string> Invocation::*field;
};

const OptionSpec kOptions[] = {
    {kConfig, "--config", "FILE", "a configuration file (<medlint>) instead of the built-in defaults", nullptr,
     &Invocation::config},
    {kMode, "--mode", "MODE", "replaces each document's mode", "prescribing|preaudit|settlement", &Invocation::mode},
    {kLang, "--lang", "LANG", "replaces each document's lang, the language of the messages", "zh|en",
     &Invocation::lang},
};

constexpr size_t kAnyNumber = SIZE_MAX;

struct CommandSpec {
    Command command;
    const char *name;
    const char *subcommand;  // a required second word, or nullptr
    const char *operands;    // as the synopsis shows them
    size_t min_files, max_files;
    unsigned options;
    const char *summary;      // lines of at most 70 columns
    const char *exit_status;  // likewise
};

const char kDocumentExitStatus[] =
    "the highest over all files: 0 pass or info, 1 warning, 2 block,\n"
    "3 error (a failed call, an unreadable file, a bad option)";

const CommandSpec kCommands[] = {
    {Command::check, "check", nullptr, "FILE...", 1, kAnyNumber, kConfig | kMode | kLang,
     "Sends each FILE as a <check> request and prints its findings (file:line,\n"
     "rule, severity, certainty, points, message, suggestion), then one line\n"
     "with the status and the physician's points.  A FILE whose root is\n"
     "<commit> is sent as it is.  FILE may be - for standard input.",
     kDocumentExitStatus},
    {Command::commit, "commit", nullptr, "FILE...", 1, kAnyNumber, kConfig | kMode | kLang,
     "Like check, but sends each FILE as a <commit> request: its items are\n"
     "recorded as submitted and become history for later checks.",
     kDocumentExitStatus},
    {Command::call, "call", nullptr, "FILE", 1, 1, kConfig,
     "Sends FILE (or - for standard input) as it is, whatever operation it\n"
     "holds, and prints the raw response document unchanged.",
     "0 when the call succeeded, 3 when it failed (the response is then\n"
     "the <error> document) or on a bad option"},
    {Command::audit_log_verify, "audit-log", "verify", "", 0, 0, kConfig,
     "Checks the hash chain of the store's audit log: prints how many rows\n"
     "were checked and whether the chain is intact.",
     "0 intact, 2 broken, 3 error"},
};

const CommandSpec &spec_of(Command command) {
    for (const auto &spec : kCommands)
        if (spec.command == command) return spec;
    throw std::logic_error("a command without a spec");
}

std::string display_name(const CommandSpec &spec) {
    return spec.subcommand ? std::string(spec.name) + " " + spec.subcommand : spec.name;
}

bool is_choice(std::string_view value, std::string_view choices) {
    for (size_t start = 0;;) {
        size_t bar = choices.find('|', start);
        if (choices.substr(start, bar - start) == value) return true;
        if (bar == std::string_view::npos) return false;
        start = bar + 1;
    }
}

// The arguments after the program name, consumed front to back.
class Arguments {
public:
    Arguments(int argc, const char *const *argv) : list_(argv + (argc > 0 ? 1 : 0), argv + argc) {}
    bool done() const { return next_ == list_.size(); }
    std::string take() { return list_[next_++]; }

private:
    std::vector<std::string> list_;
    size_t next_ = 0;
};

// Reads `--name VALUE` or `--name=VALUE` into the invocation; returns the option's bit.
unsigned read_option(const std::string &argument, Arguments &arguments, Invocation &invocation) {
    size_t equals = argument.find('=');
    std::string name = argument.substr(0, equals);
    for (const auto &option : kOptions) {
        if (name != option.name) continue;
        if (equals == std::string::npos && arguments.done())
            throw UsageError(name + " needs a value: " + name + " " + option.argument);
        std::string value = equals == std::string::npos ? arguments.take() : argument.substr(equals + 1);
        if (option.choices && !is_choice(value, option.choices))
            throw UsageError(name + " is '" + value + "'; expected " + option.choices);
        invocation.*option.field = value;
        return option.bit;
    }
    throw UsageError("unknown option '" + name + "'");
}

const CommandSpec &command_named(const std::string &name) {
    for (const auto &spec : kCommands)
        if (name == spec.name) return spec;
    throw UsageError("unknown command '" + name + "'");
}

// The operands after the command's own words: the files.
std::vector<std::string> files_after_command(const CommandSpec &spec, const std::vector<std::string> &operands) {
    size_t words = 1;
    if (spec.subcommand) {
        if (operands.size() < 2 || operands[1] != spec.subcommand)
            throw UsageError(std::string(spec.name) + ": expected the subcommand '" + spec.subcommand + "'" +
                             (operands.size() < 2 ? "" : ", not '" + operands[1] + "'"));
        words = 2;
    }
    std::vector<std::string> files(operands.begin() + static_cast<std::ptrdiff_t>(words), operands.end());
    if (files.size() < spec.min_files || files.size() > spec.max_files)
        throw UsageError(display_name(spec) + ": expected " + (*spec.operands ? spec.operands : "no FILE") + ", got " +
                         std::to_string(files.size()) + (files.size() == 1 ? " file" : " files"));
    return files;
}

void require_options_taken(const CommandSpec &spec, unsigned given) {
    for (const auto &option : kOptions)
        if ((given & option.bit) && !(spec.options & option.bit))
            throw UsageError(display_name(spec) + " does not take " + option.name);
}

std::string indented(const std::string &text, const std::string &prefix) {
    std::istringstream lines(text);
    std::string out;
    for (std::string line; std::getline(lines, line);) out += prefix + line + "\n";
    return out;
}

std::string synopsis(const CommandSpec &spec) {
    std::string line = "medlint " + display_name(spec);
    for (const auto &option : kOptions)
        if (spec.options & option.bit) line += std::string(" [") + option.name + " " + option.argument + "]";
    if (*spec.operands) line += std::string(" ") + spec.operands;
    return line;
}

std::string option_line(const std::string &flags, const std::string &help) {
    constexpr size_t kFlagsWidth = 16;
    return "  " + flags + std::string(flags.size() < kFlagsWidth ? kFlagsWidth - flags.size() : 1, ' ') + help + "\n";
}

std::string option_lines(unsigned options) {
    std::string text;
    for (const auto &option : kOptions)
        if (options & option.bit)
            text += option_line(std::string(option.name) + " " + option.argument,
                                (option.choices ? std::string(option.choices) + ": " : "") + option.help);
    return text;
}

std::string tool_usage() {
    std::string text =
        "usage: medlint [--config FILE] COMMAND [OPTIONS] [FILE...]\n"
        "       medlint --version | --help | COMMAND --help\n\n"
        "Checks medical-insurance request documents with the medlint library,\n"
        "through its public interface, as a hospital information system does.\n\n"
        "commands:\n";
    for (const auto &spec : kCommands) text += "  " + synopsis(spec) + "\n" + indented(spec.summary, "      ");
    return text + "\noptions:\n" + option_lines(kConfig | kMode | kLang) +
           option_line("-h, --help", "this text, or with a COMMAND that command's") +
           option_line("--version", "the library's version and ABI") + "\nexit status of check and commit:\n" +
           indented(kDocumentExitStatus, "  ");
}

std::string command_usage(const CommandSpec &spec) {
    return "usage: " + synopsis(spec) + "\n\n" + spec.summary + "\n\noptions:\n" + option_lines(spec.options) +
           "\nexit status:\n" + indented(spec.exit_status, "  ");
}

}  // namespace

Invocation parse_command_line(int argc, const char *const *argv) {
    Invocation invocation;
    std::vector<std::string> operands;
    unsigned given = 0;
    bool options_ended = false;
    for (Arguments arguments(argc, argv); !arguments.done();) {
        std::string argument = arguments.take();
        if (options_ended || argument == "-" || argument.empty() || argument[0] != '-') operands.push_back(argument);
        else if (argument == "--") options_ended = true;
        else if (argument == "-h" || argument == "--help") invocation.help = true;
        else if (argument == "--version") invocation.version = true;
        else given |= read_option(argument, arguments, invocation);
    }
    if (operands.empty()) {
        if (invocation.help || invocation.version) return invocation;
        throw UsageError("no command given");
    }
    const CommandSpec &spec = command_named(operands.front());
    invocation.command = spec.command;
    if (invocation.help || invocation.version) return invocation;
    invocation.files = files_after_command(spec, operands);
    require_options_taken(spec, given);
    return invocation;
}

std::string usage(std::optional<Command> command) {
    return command ? command_usage(spec_of(*command)) : tool_usage();
}

}  // namespace medlint::cli
