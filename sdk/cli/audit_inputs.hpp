// What an audit reads: request documents in files, in folders searched
// recursively, and in a stream on standard input.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace medlint::cli {

// What the documents of standard input are named after: "<stdin>#1", "<stdin>#2"...
inline constexpr char kStandardInputName[] = "<stdin>";

// One document to audit: a file, read when its turn comes, or a document of
// the standard-input stream, held in memory.
struct AuditInput {
    std::string name;  // the path as given or found, or "<stdin>#N"
    bool from_stdin = false;
    std::string bytes;       // the document of the stream
    std::string unreadable;  // why a subfolder could not be searched: it fails with this
};

// The documents the operands name, in order: a file as it is, a folder's
// *.xml and *.json files (searched recursively) in path order, "-" the
// documents of standard input.  A file is not opened here: one that cannot
// be read fails on its own when audited, and so does a subfolder that cannot
// be searched.
std::vector<AuditInput> collect_inputs(const std::vector<std::string> &operands);

// The bytes of the document.  Throws for a file or folder that cannot be read.
std::string input_bytes(const AuditInput &input);

// The documents of a stream: separated by NUL bytes, which XML never holds;
// or, in a stream without one, each beginning with its XML declaration, as
// files written one after another give.  Pieces of only white space are
// dropped.
std::vector<std::string> split_document_stream(std::string_view stream);

}  // namespace medlint::cli
