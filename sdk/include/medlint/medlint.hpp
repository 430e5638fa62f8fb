// A header-only C++ wrapper over the medlint C ABI for C++ hosts: RAII for
// engines and responses, exceptions for failures.  It adds no symbols to the
// library; everything below calls the functions of medlint.h.
#ifndef MEDLINT_HPP
#define MEDLINT_HPP

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "medlint.h"

namespace medlint {

// A failed open or call.  `response()` holds the <error> document of a failed
// call ("" for a failed open).  A failure is never a pass: show "check failed,
// review by hand".
class failure : public std::runtime_error {
public:
    failure(int code, const std::string &message, std::string response = "")
        : std::runtime_error(message), code_(code), response_(std::move(response)) {}
    int code() const noexcept { return code_; }
    const std::string &response() const noexcept { return response_; }

private:
    int code_;
    std::string response_;
};

// An open engine.  Movable, not copyable; closes itself.  One engine may be
// shared by many threads (call() is thread-safe).
class engine {
public:
    // Opens with the configuration file at `config_path`, or the built-in
    // defaults when it is null.  Throws medlint::failure.
    explicit engine(const char *config_path = nullptr) {
        medlint_engine *raw = nullptr;
        int code = medlint_open(config_path, &raw);
        if (code != MEDLINT_OK) throw failure(code, medlint_last_error());
        handle_.reset(raw);
    }
    explicit engine(const std::string &config_path) : engine(config_path.c_str()) {}

    // Performs one operation and returns the response document.  Throws
    // medlint::failure, carrying the <error> document, when the call fails.
    std::string call(std::string_view request) const {
        char *raw = nullptr;
        int code = medlint_call(handle_.get(), request.data(), request.size(), &raw);
        return result(code, raw);
    }

    // Like call(), but performs only `operation` (medlint_call_as, ABI 1.1):
    // call_as("check", document) records nothing but the check's audit-log row.
    std::string call_as(const char *operation, std::string_view request) const {
        char *raw = nullptr;
        int code = medlint_call_as(handle_.get(), operation, request.data(), request.size(), &raw);
        return result(code, raw);
    }

    // The contract's <check> document for a national 3101 or 3102 JSON
    // envelope (medlint_translate, ABI 1.2).  Throws medlint::failure,
    // carrying the <error> document, for anything else.
    std::string translate(std::string_view national) const {
        char *raw = nullptr;
        int code = medlint_translate(handle_.get(), national.data(), national.size(), &raw);
        return result(code, raw);
    }

    // Like call(), or call_as() with `only`, but returns the code and leaves
    // the document, <error> or not, in `response`.
    int try_call(std::string_view request, std::string &response, const char *only = nullptr) const noexcept {
        char *raw = nullptr;
        int code = only ? medlint_call_as(handle_.get(), only, request.data(), request.size(), &raw)
                        : medlint_call(handle_.get(), request.data(), request.size(), &raw);
        try {
            response = raw ? raw : "";
        } catch (...) {
            code = MEDLINT_EINTERNAL;
        }
        medlint_free(raw);
        return code;
    }

    medlint_engine *get() const noexcept { return handle_.get(); }

private:
    // The response of a call as a string, which is released; throws for a failed call.
    static std::string result(int code, char *raw) {
        std::unique_ptr<char, decltype(&medlint_free)> response(raw, &medlint_free);
        std::string text = response ? response.get() : "";
        if (code != MEDLINT_OK) throw failure(code, medlint_last_error(), text);
        return text;
    }

    struct closer {
        void operator()(medlint_engine *e) const noexcept { medlint_close(e); }
    };
    std::unique_ptr<medlint_engine, closer> handle_;
};

inline std::string version() { return medlint_version(); }

}  // namespace medlint

#endif  // MEDLINT_HPP
