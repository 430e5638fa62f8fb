// The audit command: many request documents checked at once in preaudit
// mode, with reports of where the risk lies.
#pragma once
#include <medlint/medlint.hpp>

#include "options.hpp"

namespace medlint::cli {

// Checks the documents of the invocation's operands on worker threads that
// share `engine`, prints the documents that could not be checked and the
// totals, writes the reports asked for, and returns the exit status: the
// worst status of the documents, kExitError when one could not be checked,
// kExitInterrupted after Ctrl-C.  Throws for what ends the run before it
// starts (a folder that cannot be searched) and for a report it cannot write.
int audit(const medlint::engine &engine, const Invocation &invocation);

}  // namespace medlint::cli
