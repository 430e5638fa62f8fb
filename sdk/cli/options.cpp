#include "options.hpp"

#include <cstdint>
#include <ctime>
#include <iterator>
#include <sstream>
#include <string_view>

namespace medlint::cli {
namespace {

enum OptionBit : unsigned {
    kConfig = 1u,
    kMode = 2u,
    kLang = 4u,
    kDate = 8u,
    kJobs = 16u,
    kCommit = 32u,
    kHtml = 64u,
    kCsv = 128u,
    kJson = 256u,
    kListen = 1u << 9,
    kThreads = 1u << 10,
    kTokenFile = 1u << 11,
    kTlsCert = 1u << 12,
    kTlsKey = 1u << 13,
    kInsecureNoAuth = 1u << 14,
    kMaxConnections = 1u << 15,
    kReadTimeout = 1u << 16,
    kIdleTimeout = 1u << 17,
    kOut = 1u << 18,
    kPackId = 1u << 19,
    kComplete = 1u << 20,
    kFrom = 1u << 21,
    kFromKey = 1u << 22,
    kTo = 1u << 23,
    kKey = 1u << 24,
    kAllOptions = 2 * kKey - 1,
};

struct OptionSpec {
    OptionBit bit;
    const char *name;
    const char *argument;  // nullptr for a flag, which takes no value
    const char *help;
    const char *choices;  // the values allowed, separated by '|'; nullptr for any value
    std::optional<std::string> Invocation::*field = nullptr;  // where an option's value goes
    bool Invocation::*flag = nullptr;                          // what a flag sets
};

const OptionSpec kOptions[] = {
    {kConfig, "--config", "FILE", "a configuration file (<medlint>) instead of the built-in defaults", nullptr,
     &Invocation::config},
    {kMode, "--mode", "MODE", "replaces each document's mode", "prescribing|preaudit|settlement", &Invocation::mode},
    {kLang, "--lang", "LANG", "replaces each document's lang, the language of the messages", "zh|en",
     &Invocation::lang},
    {kDate, "--date", "DATE", "the day to report on, YYYY-MM-DD; today (China time) by default", nullptr,
     &Invocation::date},
    {kJobs, "--jobs", "N", "threads checking documents; one per core by default", nullptr, &Invocation::jobs},
    {kCommit, "--commit", nullptr, "also record the documents as submitted, in date order", nullptr, nullptr,
     &Invocation::commit},
    {kHtml, "--html", "FILE", "write a report page with charts (one file, viewable offline)", nullptr,
     &Invocation::html},
    {kCsv, "--csv", "FILE", "write one row per finding (RFC 4180, UTF-8)", nullptr, &Invocation::csv},
    {kJson, "--json", "FILE", "write the report as JSON, for business-intelligence tools", nullptr,
     &Invocation::json},
    {kListen, "--listen", "HOST:PORT", "the address to serve on, e.g. 127.0.0.1:8787 or [::]:8787", nullptr,
     &Invocation::listen},
    {kThreads, "--threads", "N", "threads serving requests; one per core by default", nullptr, &Invocation::threads},
    {kTokenFile, "--token-file", "FILE", "bearer tokens (or their SHA-256), one a line; mode 0600", nullptr,
     &Invocation::token_file},
    {kTlsCert, "--tls-cert", "FILE", "serve HTTPS with this PEM certificate chain", nullptr, &Invocation::tls_cert},
    {kTlsKey, "--tls-key", "FILE", "the PEM private key of --tls-cert; mode 0600", nullptr, &Invocation::tls_key},
    {kInsecureNoAuth, "--insecure-no-auth", nullptr, "serve beyond loopback without tokens", nullptr, nullptr,
     &Invocation::insecure_no_auth},
    {kMaxConnections, "--max-connections", "N", "open connections at most; more wait (default 256)", nullptr,
     &Invocation::max_connections},
    {kReadTimeout, "--read-timeout", "S", "seconds for a request's header, and for its body (default 10)", nullptr,
     &Invocation::read_timeout},
    {kIdleTimeout, "--idle-timeout", "S", "seconds a kept-alive connection may wait idle (default 30)", nullptr,
     &Invocation::idle_timeout},
    {kOut, "--out", "DIR", "the hospital pack's folder to write (required)", nullptr, &Invocation::out},
    {kPackId, "--id", "ID", "the pack's id (default hospital); its version is today's date", nullptr,
     &Invocation::pack_id},
    {kComplete, "--complete", nullptr, "declare the catalogue complete: a code it lacks is non-catalogue", nullptr,
     nullptr, &Invocation::complete},
    {kFrom, "--from", "FILE_OR_URL", "the store to copy: a SQLite file or a postgresql:// URI", nullptr,
     &Invocation::from},
    {kFromKey, "--from-key", "FILE", "its key file; FILE.key beside a SQLite store by default", nullptr,
     &Invocation::from_key},
    {kTo, "--to", "FILE_OR_URL", "the new store: a SQLite file or a postgresql:// URI", nullptr, &Invocation::to},
    {kKey, "--key", "FILE", "the new store's key file; FILE.key beside a SQLite store by default", nullptr,
     &Invocation::key},
};

constexpr size_t kAnyNumber = SIZE_MAX;

struct CommandSpec {
    Command command;
    const char *name;
    const char *subcommand;  // a required second word, or nullptr
    const char *operands;    // as the synopsis shows them
    const char *noun;        // what one operand is, for errors: "file", "folder", "code"
    size_t min_operands, max_operands;
    unsigned options;
    const char *summary;      // lines of at most 70 columns
    const char *exit_status;  // likewise
};

const char kDocumentExitStatus[] =
    "the highest over all files: 0 pass or info, 1 warning, 2 block,\n"
    "3 error (a failed call, an unreadable file, a bad option)";

const char kAuditSummary[] =
    "Checks the documents in FILEs, in folders (their *.xml and *.json\n"
    "files, searched recursively) and on standard input (-: documents\n"
    "separated by NUL bytes, or each starting with its XML declaration) in\n"
    "preaudit mode on all cores, and prints the totals; --html, --csv and\n"
    "--json write the reports of where the risk lies.  A national 3101 or\n"
    "3102 JSON request is checked as the <check> it translates to.  A\n"
    "document that cannot be checked is printed and counted, and the run\n"
    "goes on; files of other operations (a 3103) are skipped.  --commit\n"
    "also records the documents, one at a time in date order.  Ctrl-C\n"
    "stops after the documents in hand and still writes the reports.";

const CommandSpec kCommands[] = {
    {Command::check, "check", nullptr, "FILE...", "file", 1, kAnyNumber, kConfig | kMode | kLang,
     "Sends each FILE as a <check> request and prints its findings (file:line,\n"
     "rule, severity, certainty, points, message, suggestion), then one line\n"
     "with the status and the physician's points.  Nothing is recorded: a\n"
     "<commit> is only checked, and a FILE of any other operation is\n"
     "refused.  FILE may be - for standard input.",
     kDocumentExitStatus},
    {Command::commit, "commit", nullptr, "FILE...", "file", 1, kAnyNumber, kConfig | kMode | kLang,
     "Like check, but sends each FILE as a <commit> request: its items are\n"
     "recorded as submitted and become history for later checks.",
     kDocumentExitStatus},
    {Command::audit, "audit", nullptr, "FILE...", "file", 1, kAnyNumber,
     kConfig | kLang | kJobs | kCommit | kHtml | kCsv | kJson, kAuditSummary,
     "0 no warning or block, 1 warnings, 2 blocks, 3 some documents could\n"
     "not be checked (or a bad option), 130 interrupted (Ctrl-C)"},
    {Command::call, "call", nullptr, "FILE", "file", 1, 1, kConfig,
     "Sends FILE (or - for standard input) as it is, whatever operation it\n"
     "holds, and prints the raw response document unchanged.",
     "0 when the call succeeded, 3 when it failed (the response is then\n"
     "the <error> document) or on a bad option"},
    {Command::translate, "translate", nullptr, "FILE", "file", 1, 1, kConfig,
     "Prints the contract's <check> document for FILE (or - for standard\n"
     "input), a national 3101 or 3102 JSON request, as the library maps it:\n"
     "what medlint checks when it receives the JSON.  Nothing is checked.",
     "0 when FILE was translated, 3 when it could not be (the message\n"
     "names the JSON field at fault) or on a bad option"},
    {Command::audit_log_verify, "audit-log", "verify", "", "file", 0, 0, kConfig,
     "Checks the hash chain of the store's audit log: prints how many rows\n"
     "were checked and whether the chain is intact.",
     "0 intact, 2 broken, 3 error"},
    {Command::pack_validate, "pack", "validate", "DIR", "folder", 1, 1, kConfig,
     "Loads the rule pack in folder DIR on its own and prints what it holds:\n"
     "its id, version and jurisdiction and the rows of each table.  A pack\n"
     "with a bad row is refused whole, and the error names the file, line\n"
     "and column (file:line:column).",
     "0 the pack is valid, 3 it is refused (or a bad option, or the engine\n"
     "cannot be opened)"},
    {Command::ledger_import, "ledger", "import", "FILE", "file", 1, 1, kConfig,
     "Imports FILE, a <ledger> of the agency's notices (deductions, bonuses,\n"
     "repairs, reversals, sanctions; UTF-8, GBK or GB18030), into the store\n"
     "and prints how many entries were new and how many were already there:\n"
     "importing a notice twice changes nothing.  Then prints, for each\n"
     "physician the file names, the table that points prints, as of today\n"
     "(or of the last day of the year, for the entries of another year).",
     "0 imported, 3 error (a file with a bad entry is not imported at all)"},
    {Command::catalog_import, "catalog", "import", "FILE", "file", 1, 1, kConfig | kOut | kPackId | kComplete,
     "Turns FILE, the hospital's catalogue-mapping export (CSV as a\n"
     "spreadsheet saves it, UTF-8 or GBK), into a hospital rule pack in\n"
     "--out DIR: catalog.csv gives each national code the hospital's class.\n"
     "The columns are found by header, in any order: national code and\n"
     "class (甲/乙/丙, A/B/C or 01/02/03) required, hospital code, name and\n"
     "restriction when present.  Every bad row is printed with its line and\n"
     "reason, and nothing is written unless the whole file is good; the\n"
     "pack written is then validated.  See docs/cli.md.",
     "0 imported, 3 error (a bad row, an unreadable file, a bad option)"},
    {Command::store_copy, "store", "copy", "", "file", 0, 0, kFrom | kFromKey | kTo | kKey,
     "Copies the store --from names, every row as stored (history,\n"
     "identities, feedback, ledger, audit log), into the new or empty store\n"
     "--to names, SQLite or PostgreSQL either way, in one transaction, and\n"
     "verifies the copy's audit log.  The copy needs the source's key: it\n"
     "is written to the new store's key file when there is none, and a key\n"
     "file of another key is refused, as is a store that holds anything.\n"
     "The source is not changed.  A PostgreSQL store's key file is named\n"
     "with --from-key or --key.  See docs/deployment.md.",
     "0 copied and the copy's audit log intact, 2 copied but its chain\n"
     "is broken (as the source's was), 3 error (nothing copied)"},
    {Command::points, "points", nullptr, "CODE", "code", 1, 1, kConfig | kDate,
     "Prints physician CODE's points for the calendar year of DATE: the\n"
     "year's ledger entries (date, kind, notice, points, last day to appeal\n"
     "a deduction, violation or reason), the totals deducted, bonus and\n"
     "remaining, the standing on DATE with the day it lasts until, and the\n"
     "policy profile.",
     "0 active, 1 warned (an interview is due), 2 suspended or terminated\n"
     "on DATE, 3 error"},
    {Command::serve, "serve", nullptr, "", "file", 0, 0,
     kConfig | kListen | kThreads | kTokenFile | kTlsCert | kTlsKey | kInsecureNoAuth | kMaxConnections |
         kReadTimeout | kIdleTimeout,
     "Serves the engine over HTTP/1.1 (HTTPS with --tls-cert) to the\n"
     "hospital's systems: POST /v1/call takes a request document and\n"
     "answers the library's response; GET /healthz and GET /metrics\n"
     "(Prometheus) are for monitoring.  With --token-file every request\n"
     "but /healthz needs \"Authorization: Bearer TOKEN\"; without it only\n"
     "loopback addresses are served, unless --insecure-no-auth.  SIGTERM\n"
     "or Ctrl-C stops accepting, finishes the requests in flight and\n"
     "closes the engine.  One log line per request on standard error.\n"
     "See docs/server.md.",
     "0 stopped by SIGTERM or SIGINT, 3 error (a bad option, the engine\n"
     "or the address cannot be opened)"},
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

// Reads `--name VALUE`, `--name=VALUE` or a `--flag` into the invocation;
// returns the option's bit.
unsigned read_option(const std::string &argument, Arguments &arguments, Invocation &invocation) {
    size_t equals = argument.find('=');
    std::string name = argument.substr(0, equals);
    for (const auto &option : kOptions) {
        if (name != option.name) continue;
        if (!option.argument) {
            if (equals != std::string::npos) throw UsageError(name + " takes no value");
            invocation.*option.flag = true;
            return option.bit;
        }
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

// The operands after the command's own words: its files, folder or code.
std::vector<std::string> operands_after_command(const CommandSpec &spec, const std::vector<std::string> &operands) {
    size_t words = 1;
    if (spec.subcommand) {
        if (operands.size() < 2 || operands[1] != spec.subcommand)
            throw UsageError(std::string(spec.name) + ": expected the subcommand '" + spec.subcommand + "'" +
                             (operands.size() < 2 ? "" : ", not '" + operands[1] + "'"));
        words = 2;
    }
    std::vector<std::string> taken(operands.begin() + static_cast<std::ptrdiff_t>(words), operands.end());
    if (taken.size() < spec.min_operands || taken.size() > spec.max_operands)
        throw UsageError(display_name(spec) + ": expected " + (*spec.operands ? spec.operands : "no FILE") + ", got " +
                         std::to_string(taken.size()) + " " + spec.noun + (taken.size() == 1 ? "" : "s"));
    return taken;
}

void require_options_taken(const CommandSpec &spec, unsigned given) {
    for (const auto &option : kOptions)
        if ((given & option.bit) && !(spec.options & option.bit))
            throw UsageError(display_name(spec) + " does not take " + option.name);
}

bool is_digits(std::string_view text) {
    return text.find_first_not_of("0123456789") == std::string_view::npos;
}

// Whether the day exists, by the C library's calendar, which moves a day
// that does not exist (30 February, month 13) onto one that does: the tool
// keeps no leap-year rule of its own beside the engine's.
bool is_calendar_day(int year, int month, int day) {
    std::tm fields{};
    fields.tm_year = year - 1900;
    fields.tm_mon = month - 1;
    fields.tm_mday = day;
    fields.tm_hour = 12;
    timegm(&fields);
    return fields.tm_year == year - 1900 && fields.tm_mon == month - 1 && fields.tm_mday == day;
}

// Threads, not processes: a few hundred is already far more than useful.
void require_job_count(const std::optional<std::string> &jobs) {
    constexpr int kMostJobs = 1024;
    if (jobs && (jobs->empty() || jobs->size() > 4 || !is_digits(*jobs) || std::stoi(*jobs) < 1 ||
                 std::stoi(*jobs) > kMostJobs))
        throw UsageError("--jobs is '" + *jobs + "'; expected a whole number from 1 to " + std::to_string(kMostJobs));
}

// Checked here so that a mistyped day is a usage error that names --date;
// the engine, which also checks it, would name its request's attribute.
void require_date(const std::optional<std::string> &date) {
    if (!date) return;
    const std::string &text = *date;
    bool form = text.size() == 10 && text[4] == '-' && text[7] == '-' && is_digits(text.substr(0, 4)) &&
                is_digits(text.substr(5, 2)) && is_digits(text.substr(8, 2));
    auto number = [&](size_t at, size_t length) { return std::stoi(text.substr(at, length)); };
    if (!form || !is_calendar_day(number(0, 4), number(5, 2), number(8, 2)))
        throw UsageError("--date is '" + text + "'; expected a day in the form YYYY-MM-DD");
}

std::string indented(const std::string &text, const std::string &prefix) {
    std::istringstream lines(text);
    std::string out;
    for (std::string line; std::getline(lines, line);) out += prefix + line + "\n";
    return out;
}

// "--jobs N", or a flag's name alone.
std::string option_flags(const OptionSpec &option) {
    return option.argument ? std::string(option.name) + " " + option.argument : option.name;
}

std::string synopsis(const CommandSpec &spec) {
    std::string line = "medlint " + display_name(spec);
    for (const auto &option : kOptions)
        if (spec.options & option.bit) line += " [" + option_flags(option) + "]";
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
            text += option_line(option_flags(option),
                                (option.choices ? std::string(option.choices) + ": " : "") + option.help);
    return text;
}

// Each command's exit status; commands that share one are named together.
std::string exit_statuses() {
    std::string text, names;
    for (size_t i = 0; i < std::size(kCommands); ++i) {
        const CommandSpec &spec = kCommands[i];
        names += (names.empty() ? "" : ", ") + display_name(spec);
        bool shared_with_next = i + 1 < std::size(kCommands) && kCommands[i + 1].exit_status == spec.exit_status;
        if (shared_with_next) continue;
        text += "  " + names + ":\n" + indented(spec.exit_status, "      ");
        names.clear();
    }
    return text;
}

std::string tool_usage() {
    std::string text =
        "usage: medlint [--config FILE] COMMAND [OPTIONS] [FILE... | DIR | CODE]\n"
        "       medlint --version | --help | COMMAND --help\n\n"
        "Checks medical-insurance request documents with the medlint library,\n"
        "through its public interface, as a hospital information system does.\n\n"
        "commands:\n";
    for (const auto &spec : kCommands) text += "  " + synopsis(spec) + "\n" + indented(spec.summary, "      ");
    return text + "\noptions:\n" + option_lines(kAllOptions) +
           option_line("-h, --help", "this text, or with a COMMAND that command's") +
           option_line("--version", "the library's version and ABI") + "\nexit status:\n" + exit_statuses();
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
    invocation.operands = operands_after_command(spec, operands);
    require_options_taken(spec, given);
    require_date(invocation.date);
    require_job_count(invocation.jobs);
    return invocation;
}

std::string usage(std::optional<Command> command) {
    return command ? command_usage(spec_of(*command)) : tool_usage();
}

}  // namespace medlint::cli
