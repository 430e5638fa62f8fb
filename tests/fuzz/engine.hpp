// What the request targets share: one engine for the whole run, on a store
// in a temporary folder of its own, and the promises every response keeps.
#pragma once
#include <medlint/medlint.h>

#include <string>
#include <string_view>

namespace fuzz {

// Calls the engine and aborts (a finding) unless the response keeps the
// contract: present, well-formed XML without the control characters XML 1.0
// forbids, an <error> root exactly when the call failed, carrying the same
// code, and never MEDLINT_EINTERNAL.
std::string call(std::string_view request);

}  // namespace fuzz
