// What the request targets share: one engine for the whole run, on a store
// in a temporary folder of its own, and the promises every response keeps.
#pragma once
#include <medlint/medlint.h>

#include <string>
#include <string_view>

namespace fuzz {

// The engine of the run; it starts on a new store now and then (engine.cpp).
medlint_engine *engine();

// A finding: prints `what` and the response, and aborts, so that libFuzzer keeps the input.
[[noreturn]] void defect(const std::string &what, std::string_view response);

// Aborts unless an XML response keeps the contract: present, well-formed
// XML without the control characters XML 1.0 forbids, an <error> root
// exactly when the call failed, carrying the same code, and never
// MEDLINT_EINTERNAL.
void check_response(int code, std::string_view response);

// Calls the engine and aborts unless the response keeps the contract: for a
// national JSON request (docs/nhsa.md) the national envelope, a JSON object
// whose infcode is 0 exactly when the call succeeded, else -1 with an
// err_msg and a null output, and never MEDLINT_EINTERNAL; for any other
// request, check_response's promises.
std::string call(std::string_view request);

}  // namespace fuzz
