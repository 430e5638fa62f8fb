// Reading request documents with bounds: a file named on the command line
// must be a regular file (a FIFO would block, /dev/zero never ends), and no
// document may grow past the engine's request limit before it is refused.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace medlint::cli {

// The engine refuses a larger request (docs/contract.md); the tool stops reading there.
inline constexpr size_t kMaxDocumentBytes = 32u << 20;

// The bytes of a request file, or of standard input for "-".  Throws for a
// file that is not a regular file, and as soon as a document passes the limit.
std::string read_request(const std::string &path);

// Standard input as a stream of documents (see split_document_stream): each
// document may reach the limit, and a NUL-separated stream may hold no empty
// document, so that /dev/zero is refused at once instead of read for ever.
std::string read_document_stream();

}  // namespace medlint::cli
