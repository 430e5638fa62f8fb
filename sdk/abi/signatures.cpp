// ABI 1 as the hosts in the field were built against it: the signature of
// each function and the value of each constant of medlint.h.  This file
// stops compiling when medlint.h changes one of them; medlint.symbols guards
// the names the library exports.
#include <type_traits>

#include "medlint/medlint.h"

static_assert(std::is_same_v<decltype(medlint_open), int(const char *, medlint_engine **)>);
static_assert(std::is_same_v<decltype(medlint_call), int(medlint_engine *, const char *, size_t, char **)>);
static_assert(std::is_same_v<decltype(medlint_call_as),
                             int(medlint_engine *, const char *, const char *, size_t, char **)>);
static_assert(std::is_same_v<decltype(medlint_translate), int(medlint_engine *, const char *, size_t, char **)>);
static_assert(std::is_same_v<decltype(medlint_free), void(char *)>);
static_assert(std::is_same_v<decltype(medlint_close), void(medlint_engine *)>);
static_assert(std::is_same_v<decltype(medlint_last_error), const char *()>);
static_assert(std::is_same_v<decltype(medlint_version), const char *()>);
static_assert(std::is_same_v<decltype(medlint_abi_version), int()>);

static_assert(MEDLINT_ABI_VERSION == 1);
static_assert(MEDLINT_ABI_MINOR >= 2);
static_assert(MEDLINT_OK == 0);
static_assert(MEDLINT_EINVAL == -1);
static_assert(MEDLINT_EPARSE == -2);
static_assert(MEDLINT_ECONFIG == -3);
static_assert(MEDLINT_ESTORE == -4);
static_assert(MEDLINT_EINTERNAL == -5);
