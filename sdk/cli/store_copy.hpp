// medlint store copy: one store's rows into a new store, SQLite or
// PostgreSQL either way, by the library's <store-copy> operation.
#pragma once
#include "options.hpp"

namespace medlint::cli {

// Opens an engine on --from and has it copy its store to --to; returns the
// exit status.  Throws UsageError for missing or bad options and
// std::exception when the copy cannot be made.
int copy_store(const Invocation &invocation);

}  // namespace medlint::cli
