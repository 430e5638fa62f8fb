// The commands of the medlint tool, a host that uses only the public ABI.
#pragma once
#include <medlint/medlint.hpp>
#include <pugixml.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "options.hpp"

namespace medlint::cli {

// A document's worst finding sets the status; anything that kept a document
// from being checked is an error, never a pass.  An audit stopped by Ctrl-C
// exits as shells report a process ended by SIGINT.
enum ExitStatus : int { kExitPass = 0, kExitWarning = 1, kExitBlock = 2, kExitError = 3, kExitInterrupted = 130 };

// Prints help or the version, or opens an engine and runs the command.
// Throws std::exception for what ends the whole run (the engine cannot be
// opened, the call of call or audit-log verify cannot be made).
int run(const Invocation &invocation);

// The engine of the configuration file, or of the built-in defaults.  Throws
// std::runtime_error when the library's ABI is not this tool's or the engine
// cannot be opened.
medlint::engine open_engine(const std::optional<std::string> &config);

// What the audit command shares with check and commit.

// Sends a file's bytes as the command's one operation (check, commit or
// ledger; audit's check or commit) and returns the response.  The engine
// refuses a file of any other operation.  A national 3101 or 3102 JSON
// envelope is sent as the <check> the library translates it to, so that its
// result is XML like any file's; the translation refuses a 3103 as a
// <feedback>.  Throws medlint::failure.
std::string send_file(const medlint::engine &engine, std::string_view bytes, const Invocation &invocation);

// The response's root element, which must be `expected`.
pugi::xml_node response_root(const std::string &response, pugi::xml_document &document, const std::string &expected);

// A request of one empty element, written by pugixml so that every value,
// a folder name or a code from the command line, is escaped as XML needs.
std::string operation_request(const char *name, const std::vector<std::pair<const char *, std::string>> &attributes);

// The exit status of a <check-result>'s status.
int exit_status_of(std::string_view status);

}  // namespace medlint::cli
