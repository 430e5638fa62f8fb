// The commands of the medlint tool, a host that uses only the public ABI.
#pragma once
#include "options.hpp"

namespace medlint::cli {

// A document's worst finding sets the status; anything that kept a document
// from being checked is an error, never a pass.
enum ExitStatus : int { kExitPass = 0, kExitWarning = 1, kExitBlock = 2, kExitError = 3 };

// Prints help or the version, or opens an engine and runs the command.
// Throws std::exception for what ends the whole run (the engine cannot be
// opened, the call of call or audit-log verify cannot be made).
int run(const Invocation &invocation);

}  // namespace medlint::cli
