/*
 * A host written in C that knows libmedlint only at run time, as an HIS
 * loading a plug-in would: dlopen() the library, dlsym() every function of
 * the ABI (medlint_call_as by its symbol version), open an engine with the
 * configuration given on the command line, run a check, a malformed request
 * and a ledger sent as a check, and release everything.
 *
 *   medlint_dlopen_host CONFIG STORE
 *
 * STORE is the store file CONFIG names; it is removed first so that every run
 * starts from an empty store.  Exit status 0 when every expectation held.
 */
#define _GNU_SOURCE /* dlvsym */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "medlint/medlint.h"

#ifndef MEDLINT_LIBRARY_PATH
#error "MEDLINT_LIBRARY_PATH must name the built library"
#endif

typedef int (*open_fn)(const char *, medlint_engine **);
typedef int (*call_fn)(medlint_engine *, const char *, size_t, char **);
typedef int (*call_as_fn)(medlint_engine *, const char *, const char *, size_t, char **);
typedef void (*free_fn)(char *);
typedef void (*close_fn)(medlint_engine *);
typedef const char *(*text_fn)(void);
typedef int (*int_fn)(void);

_Static_assert(sizeof(void *) == sizeof(open_fn), "function and object pointers differ in size");

static int failures = 0;

#define EXPECT(condition)                                                              \
    do {                                                                               \
        if (!(condition)) {                                                            \
            fprintf(stderr, "%s:%d: expected %s\n", __FILE__, __LINE__, #condition);   \
            ++failures;                                                                \
        }                                                                              \
    } while (0)

/* dlsym() gives an object pointer; copy its bits into the function pointer. */
#define RESOLVE(library, variable, name)                                               \
    do {                                                                               \
        void *address_ = dlsym((library), (name));                                     \
        if (!address_) {                                                               \
            fprintf(stderr, "dlsym(%s) failed: %s\n", (name), dlerror());              \
            return 1;                                                                  \
        }                                                                              \
        memcpy(&(variable), &address_, sizeof(variable));                              \
    } while (0)

static const char check_request[] =
    "<check mode=\"preaudit\" time=\"2026-11-23T09:30:00+08:00\" lang=\"en\">\n"
    "  <physician code=\"D522701000123\"/>\n"
    "  <patient id=\"522701198001010011\" name=\"Li Si\" gender=\"M\" birth-date=\"1980-01-01\">\n"
    "    <card id=\"522701198001010011\" name=\"Li Wu\"/>\n"
    "  </patient>\n"
    "  <encounter id=\"C-HOST-1\" type=\"outpatient\"/>\n"
    "</check>\n";

static const char clean_request[] =
    "<check time=\"2026-11-23T09:30:00+08:00\"><physician code=\"D522701000123\"/>"
    "<patient id=\"522701198001010011\" name=\"Li Si\" gender=\"M\"/>"
    "<encounter id=\"C-HOST-2\" type=\"outpatient\"/></check>";

static const char malformed_request[] = "<check>\n  <patient id=\"1\">\n</check>";

static void remove_store(const char *store) {
    const char *suffixes[] = {"", "-wal", "-shm", "-journal"};
    size_t i;
    char path[4096];
    for (i = 0; i < sizeof suffixes / sizeof suffixes[0]; ++i) {
        snprintf(path, sizeof path, "%s%s", store, suffixes[i]);
        unlink(path);
    }
}

int main(int argc, char **argv) {
    void *library;
    open_fn ml_open;
    call_fn ml_call;
    free_fn ml_free;
    close_fn ml_close;
    text_fn ml_last_error, ml_version;
    int_fn ml_abi_version;
    medlint_engine *engine = NULL;
    char *response = NULL;
    const char *version;
    int code;

    if (argc != 3) {
        fprintf(stderr, "usage: %s CONFIG STORE\n", argv[0]);
        return 2;
    }
    remove_store(argv[2]);

    library = dlopen(MEDLINT_LIBRARY_PATH, RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        fprintf(stderr, "dlopen(%s) failed: %s\n", MEDLINT_LIBRARY_PATH, dlerror());
        return 1;
    }
    RESOLVE(library, ml_open, "medlint_open");
    RESOLVE(library, ml_call, "medlint_call");
    RESOLVE(library, ml_free, "medlint_free");
    RESOLVE(library, ml_close, "medlint_close");
    RESOLVE(library, ml_last_error, "medlint_last_error");
    RESOLVE(library, ml_version, "medlint_version");
    RESOLVE(library, ml_abi_version, "medlint_abi_version");

    EXPECT(ml_abi_version() == 1);
    EXPECT(ml_abi_version() == MEDLINT_ABI_VERSION);
    version = ml_version();
    EXPECT(version != NULL && strchr(version, '.') != NULL && strchr(version, '.') != strrchr(version, '.'));
    EXPECT(strcmp(ml_last_error(), "") == 0);

    EXPECT(ml_open(argv[1], NULL) == MEDLINT_EINVAL);
    code = ml_open(argv[1], &engine);
    if (code != MEDLINT_OK || !engine) {
        fprintf(stderr, "medlint_open(%s) = %d: %s\n", argv[1], code, ml_last_error());
        return 1;
    }
    EXPECT(access(argv[2], F_OK) == 0); /* the store the configuration names */

    /* A check that finds the card's name differs. */
    code = ml_call(engine, check_request, strlen(check_request), &response);
    EXPECT(code == MEDLINT_OK);
    EXPECT(response != NULL);
    if (response) {
        EXPECT(strncmp(response, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 38) == 0);
        EXPECT(strstr(response, "<check-result status=\"warning\"") != NULL);
        EXPECT(strstr(response, "rule=\"ID-MISMATCH\"") != NULL);
        EXPECT(strstr(response, "Li Wu") != NULL);
    }
    ml_free(response);
    response = NULL;

    /* A clean check, passed without its terminating NUL. */
    {
        size_t length = strlen(clean_request);
        char *copy = malloc(length);
        EXPECT(copy != NULL);
        if (copy) {
            memcpy(copy, clean_request, length);
            code = ml_call(engine, copy, length, &response);
            EXPECT(code == MEDLINT_OK);
            EXPECT(response != NULL && strstr(response, "status=\"pass\"") != NULL);
            ml_free(response);
            response = NULL;
            free(copy);
        }
    }

    /* A malformed request: a negative code and an <error> document. */
    code = ml_call(engine, malformed_request, strlen(malformed_request), &response);
    EXPECT(code == MEDLINT_EPARSE);
    EXPECT(response != NULL);
    if (response) {
        EXPECT(strstr(response, "<error code=\"-2\"") != NULL);
        EXPECT(strstr(response, "line 3") != NULL);
        EXPECT(strlen(ml_last_error()) > 0);
        EXPECT(strstr(response, ml_last_error()) != NULL);
    }
    ml_free(response);
    response = NULL;

    /* medlint_call_as of ABI 1.1, under its symbol version: a ledger sent as a check is refused. */
    {
        static const char ledger[] = "<ledger><deduction notice=\"N1\" physician=\"D522701000123\" "
                                     "date=\"2026-11-01\" points=\"12\"/></ledger>";
        call_as_fn ml_call_as;
        void *address = dlvsym(library, "medlint_call_as", "MEDLINT_1.1");
        EXPECT(address != NULL);
        if (address) {
            memcpy(&ml_call_as, &address, sizeof ml_call_as);
            EXPECT(ml_call_as(engine, "check", ledger, strlen(ledger), &response) == MEDLINT_EPARSE);
            EXPECT(response != NULL && strstr(response, "this call performs only &lt;check>") != NULL);
            ml_free(response);
            response = NULL;
        }
    }

    /* Unusable arguments. */
    EXPECT(ml_call(engine, check_request, strlen(check_request), NULL) == MEDLINT_EINVAL);
    code = ml_call(NULL, check_request, strlen(check_request), &response);
    EXPECT(code == MEDLINT_EINVAL);
    EXPECT(response != NULL && strstr(response, "<error code=\"-1\"") != NULL);
    ml_free(response);
    ml_free(NULL);

    ml_close(engine);
    ml_close(NULL);
    EXPECT(dlclose(library) == 0);

    if (failures) fprintf(stderr, "dlopen_host: %d expectations failed\n", failures);
    else printf("dlopen_host: every expectation held\n");
    return failures ? 1 : 0;
}
