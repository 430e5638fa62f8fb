// The one exception type inside the library; api.cpp turns it into a return
// code and an <error> document.  Nothing else crosses the C boundary.
#pragma once
#include <stdexcept>
#include <string>

#include "medlint/medlint.h"

namespace medlint {

class Error : public std::runtime_error {
public:
    Error(int code, const std::string &message) : std::runtime_error(message), code_(code) {}
    int code() const { return code_; }

private:
    int code_;
};

[[noreturn]] inline void fail(int code, const std::string &message) { throw Error(code, message); }

}  // namespace medlint
