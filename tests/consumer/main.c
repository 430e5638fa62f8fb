/*
 * A consumer of the installed package: linked against libmedlint, it opens an
 * engine with the built-in defaults and checks a clean prescription.  Exit
 * status 0 when the library is ABI 1 and the check passes.
 */
#include <stdio.h>
#include <string.h>

#include <medlint/medlint.h>

static const char request[] =
    "<check time=\"2026-11-23T09:30:00+08:00\"><physician code=\"D522701000123\"/>"
    "<patient id=\"522701198001010011\" name=\"Li Si\" gender=\"M\"/>"
    "<encounter id=\"CONSUMER-1\" type=\"outpatient\"/></check>";

int main(void) {
    medlint_engine *engine = NULL;
    char *response = NULL;
    int passed;

    if (medlint_abi_version() != MEDLINT_ABI_VERSION) {
        fprintf(stderr, "libmedlint has ABI %d, this program %d\n", medlint_abi_version(), MEDLINT_ABI_VERSION);
        return 1;
    }
    if (medlint_open(NULL, &engine) != MEDLINT_OK) {
        fprintf(stderr, "medlint_open: %s\n", medlint_last_error());
        return 1;
    }
    passed = medlint_call(engine, request, sizeof request - 1, &response) == MEDLINT_OK &&
             strstr(response, "<check-result status=\"pass\"") != NULL;
    printf("medlint %s: %s\n", medlint_version(), response ? response : medlint_last_error());
    medlint_free(response);
    medlint_close(engine);
    return passed ? 0 : 1;
}
