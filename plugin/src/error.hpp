// The one exception type inside the library; api.cpp turns it into a return
// code and an <error> document.  Nothing else crosses the C boundary.
#pragma once
#include <stdexcept>
#include <string>
#include <utility>

#include "medlint/medlint.h"

namespace medlint {

// Where in a file the problem lies, when the engine knows it: the file ("" for
// the request itself), the line and the column, counted from 1 (0 when not
// known).  The <error> document carries it as attributes, so that a host
// points at the place without reading it out of the message.
struct Place {
    std::string file;
    long line = 0;
    long column = 0;
    std::string problem;  // the message without the place
    // The request's root element when the request is refused for it (not an
    // operation, or not the one medlint_call_as performs), so that a host
    // tells a document of another kind from a broken one.  Initialised, so
    // that the places of other errors may leave it out.
    std::string root{};
};

class Error : public std::runtime_error {
public:
    Error(int code, const std::string &message, Place place = {})
        : std::runtime_error(message), code_(code), place_(std::move(place)) {}
    int code() const { return code_; }
    const Place &place() const { return place_; }

private:
    int code_;
    Place place_;
};

[[noreturn]] inline void fail(int code, const std::string &message, Place place = {}) {
    throw Error(code, message, std::move(place));
}

// "line N: problem", about line N of the request, which the <error> document
// also gives as its line; `root` when the problem is the request's root element.
[[noreturn]] inline void fail_at_line(int code, long line, const std::string &problem, const std::string &root = "") {
    throw Error(code, "line " + std::to_string(line) + ": " + problem, {"", line, 0, problem, root});
}

}  // namespace medlint
