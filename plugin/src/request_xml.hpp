// The contract's request document written from the request model: the
// inverse of parse_request for a <check> or <commit>, so that a request that
// arrived in another form (a national JSON envelope) can be handed on as the
// XML the contract specifies.
#pragma once
#include <string>

#include "request.hpp"

namespace medlint {

// A UTF-8 <check> (or <commit>) document that parse_request reads back as
// `document`, field by field; only the lines where its parts stand differ.
std::string document_request(const Document &document);

}  // namespace medlint
