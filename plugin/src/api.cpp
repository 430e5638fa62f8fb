// The C ABI.  Every body catches everything, and the error path itself never
// throws, even out of memory: nothing but return codes crosses the boundary.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <new>
#include <optional>
#include <string>
#include <string_view>

#include "medlint/medlint.h"

#include "config.hpp"
#include "engine.hpp"
#include "error.hpp"
#include "national.hpp"
#include "responses.hpp"
#include "version.hpp"

struct medlint_engine {
    medlint::Engine engine;
};

namespace {

// What medlint_last_error() says when even the message could not be kept.
constexpr const char kOutOfMemory[] = "out of memory";

thread_local std::string last_error_text;
thread_local const char *last_error = "";
thread_local medlint::Place last_error_place;

// Keeps the message for medlint_last_error(), joined from `parts` here so that
// no caller allocates on its error path.  Never throws: when memory runs out,
// the static message stands in for the lost one, as in libgit2.
int remember(int code, std::initializer_list<std::string_view> parts) noexcept {
    try {
        last_error_place = {};
        last_error_text.clear();
        for (std::string_view part : parts) last_error_text += part;
        last_error = last_error_text.c_str();
    } catch (...) {
        last_error = kOutOfMemory;
    }
    return code;
}

// A malloc'ed copy, so that medlint_free() can release it whatever allocator built it.
char *duplicate(std::string_view text) noexcept {
    char *copy = static_cast<char *>(std::malloc(text.size() + 1));
    if (!copy) return nullptr;
    std::memcpy(copy, text.data(), text.size());
    copy[text.size()] = '\0';
    return copy;
}

// The <error> document of the last error, or for a national JSON request
// the national envelope with infcode -1.  When memory runs out while it is
// built, a fixed one stands in, made without C++ allocation; NULL only when
// even malloc fails.
char *error_response(int code, bool national) noexcept {
    try {
        return duplicate(national ? medlint::national_error(last_error)
                                  : medlint::error_document(code, last_error, last_error_place));
    } catch (...) {
        char fixed[128];
        int length = national ? std::snprintf(fixed, sizeof fixed, "{\"infcode\":-1,\"err_msg\":\"%s\"}\n", kOutOfMemory)
                              : std::snprintf(fixed, sizeof fixed,
                                              "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<error code=\"%d\" "
                                              "message=\"%s\"/>\n",
                                              code, kOutOfMemory);
        return length > 0 ? duplicate(std::string_view(fixed, static_cast<size_t>(length))) : nullptr;
    }
}

// The failure as a return code, medlint_last_error() and an error document.
int respond_error(int code, std::initializer_list<std::string_view> parts, char **response,
                  bool national = false) noexcept {
    remember(code, parts);
    *response = error_response(code, national);
    return code;
}

// An engine error, whose document also says the place it names.  Out of
// memory, the document goes without the place but keeps the message.
int respond_error(const medlint::Error &error, char **response, bool national) noexcept {
    remember(error.code(), {error.what()});
    try {
        last_error_place = error.place();
    } catch (...) {
        last_error_place = {};
    }
    *response = error_response(error.code(), national);
    return error.code();
}

}  // namespace

extern "C" {

MEDLINT_API int medlint_open(const char *config_path, medlint_engine **out) {
    try {
        if (!out) return remember(MEDLINT_EINVAL, {"medlint_open: out is NULL"});
        *out = nullptr;
        medlint::Config config = config_path ? medlint::read_config(config_path) : medlint::default_config();
        *out = new medlint_engine{medlint::Engine(config)};
        return MEDLINT_OK;
    } catch (const medlint::Error &e) {
        // Contract section 3: the message names the configuration file, also
        // when the problem lies in what it names (a profile, a rule pack).
        std::string_view message = e.what();
        if (config_path && e.code() == MEDLINT_ECONFIG && message.find(config_path) == std::string_view::npos)
            return remember(e.code(), {"configuration ", config_path, ": ", message});
        return remember(e.code(), {message});
    } catch (const std::bad_alloc &) {
        return remember(MEDLINT_EINTERNAL, {"medlint_open: out of memory"});
    } catch (const std::exception &e) {
        return remember(MEDLINT_EINTERNAL, {"medlint_open: internal error: ", e.what()});
    } catch (...) {
        return remember(MEDLINT_EINTERNAL, {"medlint_open: internal error"});
    }
}

}  // extern "C"

namespace {

// The functions that answer a request with a document: medlint_call,
// medlint_call_as and medlint_translate.  `answer` turns the request into the
// response; a failure answers the <error> document, or the national error
// envelope for a national request when `national_errors`.
template <class Answer>
int respond(const char *function, medlint_engine *engine, const char *request, size_t length, char **response,
            bool national_errors, Answer answer) noexcept {
    if (!response) return remember(MEDLINT_EINVAL, {function, ": response is NULL"});
    *response = nullptr;
    bool national = false;
    try {
        if (!engine) return respond_error(MEDLINT_EINVAL, {function, ": engine is NULL"}, response);
        if (!request && length > 0) return respond_error(MEDLINT_EINVAL, {function, ": request is NULL"}, response);
        std::string_view bytes(request ? request : "", length);
        national = national_errors && medlint::is_national(bytes);
        *response = duplicate(answer(engine->engine, bytes));
        if (!*response) return remember(MEDLINT_EINTERNAL, {function, ": out of memory"});
        return MEDLINT_OK;
    } catch (const medlint::Error &e) {
        return respond_error(e, response, national);
    } catch (const std::bad_alloc &) {
        return respond_error(MEDLINT_EINTERNAL, {function, ": out of memory"}, response, national);
    } catch (const std::exception &e) {
        return respond_error(MEDLINT_EINTERNAL, {function, ": internal error: ", e.what()}, response, national);
    } catch (...) {
        return respond_error(MEDLINT_EINTERNAL, {function, ": internal error"}, response, national);
    }
}

// medlint_call, and medlint_call_as when `only` names the one operation to perform.
int perform(const char *function, medlint_engine *engine, const char *only, const char *request, size_t length,
            char **response) noexcept {
    return respond(function, engine, request, length, response, true,
                   [only](medlint::Engine &opened, std::string_view bytes) {
                       std::optional<std::string_view> operation;
                       if (only) operation = only;
                       return opened.call(bytes, operation);
                   });
}

}  // namespace

extern "C" {

MEDLINT_API int medlint_call(medlint_engine *engine, const char *request, size_t length, char **response) {
    return perform("medlint_call", engine, nullptr, request, length, response);
}

MEDLINT_API int medlint_call_as(medlint_engine *engine, const char *operation, const char *request, size_t length,
                                char **response) {
    if (!operation && response) {
        *response = nullptr;
        return respond_error(MEDLINT_EINVAL, {"medlint_call_as: operation is NULL"}, response);
    }
    return perform("medlint_call_as", engine, operation, request, length, response);
}

MEDLINT_API int medlint_translate(medlint_engine *engine, const char *request, size_t length, char **response) {
    return respond("medlint_translate", engine, request, length, response, false,
                   [](const medlint::Engine &opened, std::string_view bytes) { return opened.translate(bytes); });
}

MEDLINT_API void medlint_free(char *response) { std::free(response); }

MEDLINT_API void medlint_close(medlint_engine *engine) {
    try {
        delete engine;
    } catch (...) {
        remember(MEDLINT_EINTERNAL, {"medlint_close: internal error while closing"});
    }
}

MEDLINT_API const char *medlint_last_error(void) { return last_error; }

MEDLINT_API const char *medlint_version(void) { return medlint::kVersion; }

MEDLINT_API int medlint_abi_version(void) { return MEDLINT_ABI_VERSION; }

}  // extern "C"
