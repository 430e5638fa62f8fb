/*
 * A stand-in for a libmedlint of another ABI: the functions of ABI 1 under
 * the same names, medlint_abi_version() answering 2, and one function more.
 * Hosts must refuse it, and the ABI guard must name the extra symbol.
 */
#include <stddef.h>

#define MEDLINT_BUILDING_LIBRARY
#include "medlint/medlint.h"

MEDLINT_API int medlint_open(const char *config_path, medlint_engine **out) {
    (void)config_path;
    *out = NULL;
    return MEDLINT_EINTERNAL;
}
MEDLINT_API int medlint_call(medlint_engine *engine, const char *request, size_t length, char **response) {
    (void)engine, (void)request, (void)length;
    *response = NULL;
    return MEDLINT_EINTERNAL;
}
MEDLINT_API void medlint_free(char *response) { (void)response; }
MEDLINT_API void medlint_close(medlint_engine *engine) { (void)engine; }
MEDLINT_API const char *medlint_last_error(void) { return "a stand-in of another ABI"; }
MEDLINT_API const char *medlint_version(void) { return "2.0.0"; }
MEDLINT_API int medlint_abi_version(void) { return 2; }
MEDLINT_API int medlint_extra(void) { return 0; }
