// medlint serve: one engine as an HTTP/1.1 service for a whole hospital's
// systems.  See docs/server.md.
#pragma once
#include "options.hpp"

namespace medlint::cli {

// Checks serve's options, opens the engine and serves until SIGTERM or
// SIGINT; then stops accepting, finishes the requests in flight, closes the
// engine and returns kExitPass.  Throws UsageError for a bad option and
// std::runtime_error when the token file, the certificate, the engine or the
// address cannot be used.
int serve(const Invocation &invocation);

}  // namespace medlint::cli
