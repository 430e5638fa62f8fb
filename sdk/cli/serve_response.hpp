// What medlint serve reads from the library's response to a call: its
// format, operation, HTTP status and findings.  Scanned, not parsed: the
// bytes go back to the client unchanged.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace medlint::cli {

// A national JSON envelope ('{' first) or an XML document.
bool is_json(std::string_view response);

// "application/json", or "application/xml; charset=" the encoding of the
// XML declaration (UTF-8 when it names none).
std::string content_type_of(std::string_view response);

// The root element's name without "-result": "check", "commit", "error";
// "json" for a JSON envelope; "" when there is none.
std::string operation_of(std::string_view response);

// The HTTP status of a call's answer.  A JSON envelope is 200 as the national
// platform answers it: its infcode says whether the call failed.  An XML
// <error> is 400 for a request the library refuses (MEDLINT_EPARSE,
// MEDLINT_EINVAL), 503 for a store it cannot use for now (MEDLINT_ESTORE)
// and 500 otherwise; its body is the <error> document either way.
unsigned http_status_of(int code, std::string_view response);

// The rule of each <finding> of a check or commit result, or of each
// output.result element of a national answer, in order.
std::vector<std::string> finding_rules(std::string_view response);

}  // namespace medlint::cli
