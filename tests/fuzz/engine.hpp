// What the request targets share: one engine for the whole run, on a store
// in a temporary folder of its own, and the promises every response keeps.
#pragma once
#include <medlint/medlint.h>

#include <string>
#include <string_view>

namespace fuzz {

// The engine, opened on first use with the built-in pack; its folder is
// removed at exit.  The store persists across inputs, as a host's does.
medlint_engine *engine();

// Calls the engine and aborts (a finding) unless the response keeps the
// contract: present, well-formed XML, an <error> root exactly when the call
// failed, carrying the same code, and never MEDLINT_EINTERNAL.
std::string call(std::string_view request);

}  // namespace fuzz
