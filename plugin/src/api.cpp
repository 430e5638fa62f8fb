// The C ABI.  Every body catches everything: nothing but return codes
// crosses the boundary.
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include "medlint/medlint.h"

#include "config.hpp"
#include "engine.hpp"
#include "error.hpp"
#include "version.hpp"

struct medlint_engine {
    medlint::Engine engine;
};

namespace {

thread_local std::string last_error;

int remember(int code, const std::string &message) {
    last_error = message;
    return code;
}

// A malloc'ed copy, so that medlint_free() can release it whatever allocator built it.
char *duplicate(const std::string &text) {
    char *copy = static_cast<char *>(std::malloc(text.size() + 1));
    if (copy) std::memcpy(copy, text.c_str(), text.size() + 1);
    return copy;
}

int respond_error(int code, const std::string &message, char **response) noexcept {
    try {
        *response = duplicate(medlint::error_document(code, message));
        return remember(code, message);
    } catch (...) {
        *response = nullptr;  // out of memory while reporting: the code still says it failed
        return code;
    }
}

}  // namespace

extern "C" {

MEDLINT_API int medlint_open(const char *config_path, medlint_engine **out) {
    try {
        if (!out) return remember(MEDLINT_EINVAL, "medlint_open: out is NULL");
        *out = nullptr;
        medlint::Config config = config_path ? medlint::read_config(config_path) : medlint::default_config();
        *out = new medlint_engine{medlint::Engine(config)};
        return MEDLINT_OK;
    } catch (const medlint::Error &e) {
        // Contract section 3: the message names the configuration file, also
        // when the problem lies in what it names (a profile, a rule pack).
        std::string message = e.what();
        if (config_path && e.code() == MEDLINT_ECONFIG && message.find(config_path) == std::string::npos)
            message = "configuration " + std::string(config_path) + ": " + message;
        return remember(e.code(), message);
    } catch (const std::bad_alloc &) {
        return remember(MEDLINT_EINTERNAL, "medlint_open: out of memory");
    } catch (const std::exception &e) {
        return remember(MEDLINT_EINTERNAL, std::string("medlint_open: internal error: ") + e.what());
    } catch (...) {
        return remember(MEDLINT_EINTERNAL, "medlint_open: internal error");
    }
}

MEDLINT_API int medlint_call(medlint_engine *engine, const char *request, size_t length, char **response) {
    if (!response) return remember(MEDLINT_EINVAL, "medlint_call: response is NULL");
    *response = nullptr;
    try {
        if (!engine) return respond_error(MEDLINT_EINVAL, "medlint_call: engine is NULL", response);
        if (!request && length > 0) return respond_error(MEDLINT_EINVAL, "medlint_call: request is NULL", response);
        std::string answer = engine->engine.call(std::string_view(request ? request : "", length));
        *response = duplicate(answer);
        if (!*response) return remember(MEDLINT_EINTERNAL, "medlint_call: out of memory");
        return MEDLINT_OK;
    } catch (const medlint::Error &e) {
        return respond_error(e.code(), e.what(), response);
    } catch (const std::bad_alloc &) {
        return respond_error(MEDLINT_EINTERNAL, "medlint_call: out of memory", response);
    } catch (const std::exception &e) {
        return respond_error(MEDLINT_EINTERNAL, std::string("medlint_call: internal error: ") + e.what(), response);
    } catch (...) {
        return respond_error(MEDLINT_EINTERNAL, "medlint_call: internal error", response);
    }
}

MEDLINT_API void medlint_free(char *response) { std::free(response); }

MEDLINT_API void medlint_close(medlint_engine *engine) {
    try {
        delete engine;
    } catch (...) {
        remember(MEDLINT_EINTERNAL, "medlint_close: internal error while closing");
    }
}

MEDLINT_API const char *medlint_last_error(void) { return last_error.c_str(); }

MEDLINT_API const char *medlint_version(void) { return medlint::kVersion; }

MEDLINT_API int medlint_abi_version(void) { return MEDLINT_ABI_VERSION; }

}  // extern "C"
