/*
 * A host in C that knows medlint only at run time, as an HIS loads a
 * plug-in: dlopen() the library by its ABI-1 name, resolve each function,
 * check medlint_abi_version(), open an engine with the built-in defaults and
 * check one request document.
 *
 *   medlint_host REQUEST.xml
 *
 * MEDLINT_LIBRARY names the library file to load instead of libmedlint.so.1.
 * Exit status: 0 pass or info, 1 warning, 2 block, 3 check failed.  Every
 * failure, from a missing library to a failed call, is shown as "check
 * failed, review by hand", never as a pass.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <medlint/medlint.h>

enum { EXIT_PASS = 0, EXIT_WARNING = 1, EXIT_BLOCK = 2, EXIT_CHECK_FAILED = 3 };

/* The functions of the ABI, as resolved from the loaded library. */
struct medlint_api {
    int (*open)(const char *, medlint_engine **);
    int (*call)(medlint_engine *, const char *, size_t, char **);
    void (*free)(char *);
    void (*close)(medlint_engine *);
    const char *(*last_error)(void);
    const char *(*version)(void);
    int (*abi_version)(void);
};

static int review_by_hand(const char *reason, const char *detail) {
    printf("check failed, review by hand: %s%s\n", reason, detail);
    return EXIT_CHECK_FAILED;
}

/* dlsym() returns an object pointer; its bits are copied into the function
 * pointer, which POSIX guarantees to have the same representation. */
static int resolve(void *library, const char *name, void *function, size_t size) {
    void *address = dlsym(library, name);
    if (!address) return 0;
    memcpy(function, &address, size);
    return 1;
}

#define RESOLVE(library, api, member) \
    resolve((library), "medlint_" #member, &(api)->member, sizeof (api)->member)

static const char *load(const char *path, struct medlint_api *api) {
    void *library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!library) return dlerror();
    if (!RESOLVE(library, api, open) || !RESOLVE(library, api, call) || !RESOLVE(library, api, free) ||
        !RESOLVE(library, api, close) || !RESOLVE(library, api, last_error) || !RESOLVE(library, api, version) ||
        !RESOLVE(library, api, abi_version))
        return "the library lacks a function of the medlint ABI";
    if (api->abi_version() != MEDLINT_ABI_VERSION) return "the library has another ABI version than this host";
    return NULL;
}

/* The whole file in a NUL-terminated buffer the caller frees; NULL when it
 * cannot be read. */
static char *read_file(const char *path, size_t *length) {
    FILE *file = fopen(path, "rb");
    char *content = NULL;
    long size;
    if (!file) return NULL;
    if (fseek(file, 0, SEEK_END) == 0 && (size = ftell(file)) >= 0 && fseek(file, 0, SEEK_SET) == 0 &&
        (content = malloc((size_t)size + 1)) != NULL) {
        *length = fread(content, 1, (size_t)size, file);
        content[*length] = '\0';
        if (ferror(file)) {
            free(content);
            content = NULL;
        }
    }
    fclose(file);
    return content;
}

/* Copies the value of attribute `name` of the start tag at `tag` into `out`;
 * "" when the tag has none.  Enough for medlint's responses, whose attribute
 * values never hold a quote character unescaped. */
static const char *attribute(const char *tag, const char *name, char *out, size_t size) {
    const char *end = strchr(tag, '>');
    size_t name_length = strlen(name);
    const char *at;
    out[0] = '\0';
    if (!end) return out;
    for (at = strchr(tag, ' '); at && at < end; at = strchr(at + 1, ' ')) {
        if (strncmp(at + 1, name, name_length) == 0 && strncmp(at + 1 + name_length, "=\"", 2) == 0) {
            const char *value = at + 1 + name_length + 2;
            size_t length = strcspn(value, "\"");
            if (length >= size) length = size - 1;
            memcpy(out, value, length);
            out[length] = '\0';
            break;
        }
    }
    return out;
}

/* Prints the result's status and one line per finding; returns the exit
 * status for the result's status. */
static int show_verdict(const char *response) {
    static const char message_tag[] = "<message>";
    const char *result = strstr(response, "<check-result ");
    const char *finding;
    char status[16], rule[64], severity[16];
    if (!result) return review_by_hand("the response is not a <check-result>", "");
    attribute(result, "status", status, sizeof status);
    printf("verdict: %s\n", status);
    for (finding = strstr(result, "<finding "); finding; finding = strstr(finding + 1, "<finding ")) {
        const char *message = strstr(finding, message_tag);
        const char *message_end = message ? strstr(message, "</message>") : NULL;
        attribute(finding, "rule", rule, sizeof rule);
        attribute(finding, "severity", severity, sizeof severity);
        printf("  %s (%s)", rule, severity);
        if (message && message_end) {
            message += sizeof message_tag - 1;
            printf(": %.*s", (int)(message_end - message), message);
        }
        printf("\n");
    }
    if (strcmp(status, "pass") == 0 || strcmp(status, "info") == 0) return EXIT_PASS;
    if (strcmp(status, "warning") == 0) return EXIT_WARNING;
    if (strcmp(status, "block") == 0) return EXIT_BLOCK;
    return review_by_hand("the response has an unknown status: ", status);
}

int main(int argc, char **argv) {
    const char *library = getenv("MEDLINT_LIBRARY");
    struct medlint_api api;
    medlint_engine *engine = NULL;
    const char *problem;
    char *request, *response = NULL;
    size_t length = 0;
    int status;

    if (argc != 2) {
        fprintf(stderr, "usage: %s REQUEST.xml\n", argv[0]);
        return EXIT_CHECK_FAILED;
    }
    if (!library || !library[0]) library = "libmedlint.so.1";
    if ((problem = load(library, &api)) != NULL) return review_by_hand("medlint unavailable: ", problem);
    printf("medlint %s, ABI %d\n", api.version(), MEDLINT_ABI_VERSION);

    request = read_file(argv[1], &length);
    if (!request) return review_by_hand("cannot read ", argv[1]);

    if (api.open(NULL, &engine) != MEDLINT_OK) {
        free(request);
        return review_by_hand("medlint unavailable: ", api.last_error());
    }
    if (api.call(engine, request, length, &response) == MEDLINT_OK)
        status = show_verdict(response);
    else
        status = review_by_hand("", api.last_error());
    api.free(response); /* also after a failure: it holds the <error> document */
    api.close(engine);
    free(request);
    return status;
}
