/*
 * medlint: medical-insurance compliance checks for hospital information
 * systems.  The host contract, version 1.
 *
 * One engine checks XML request documents (check, commit, retract, feedback,
 * ledger, physician-status, audit-log-verify, ...) and answers with XML
 * response documents.  Every request, response, error, encoding, limit,
 * configuration element and rule-pack table is specified in the host
 * contract, docs/contract.md in the source repository.  Within ABI 1 these
 * symbols and signatures never change; new operations arrive as new request
 * elements, and a new function only under a new symbol version (ABI 1.1
 * added medlint_call_as, ABI 1.2 medlint_translate).
 *
 * Error handling follows SQLite and libgit2: every function that can fail
 * returns an int code (MEDLINT_OK or a negative MEDLINT_E* value), results
 * come back through out-parameters, and medlint_last_error() describes the
 * calling thread's most recent failure.  No C++ exception, abort or output on
 * stdout/stderr ever crosses this boundary.
 */
#ifndef MEDLINT_H
#define MEDLINT_H

#include <stddef.h>

#if defined(_WIN32)
#  define MEDLINT_API __declspec(dllimport)
#elif defined(MEDLINT_BUILDING_LIBRARY)
#  define MEDLINT_API __attribute__((visibility("default")))
#else
#  define MEDLINT_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* An engine: the loaded rule packs, the policy profile and the store. */
typedef struct medlint_engine medlint_engine;

#define MEDLINT_ABI_VERSION 1
/* Additions within ABI 1: 1 added medlint_call_as(), 2 medlint_translate(),
 * 3 medlint_call_as() with several operations. */
#define MEDLINT_ABI_MINOR 3

#define MEDLINT_OK         0
#define MEDLINT_EINVAL    -1   /* a NULL or otherwise unusable argument      */
#define MEDLINT_EPARSE    -2   /* request not well-formed or not the schema   */
#define MEDLINT_ECONFIG   -3   /* configuration or rule pack unusable         */
#define MEDLINT_ESTORE    -4   /* the store could not be read or written      */
#define MEDLINT_EINTERNAL -5   /* a bug: reported, never a crash              */

/*
 * Opens an engine.
 *
 * config_path: a configuration file (<medlint> document), or NULL for the
 *   built-in defaults: the rule pack shipped inside the library, the
 *   national-2024 policy profile, and a store file in the user's data
 *   directory ($XDG_DATA_HOME/medlint/medlint.db, else
 *   ~/.local/share/medlint/medlint.db).
 * out: receives the engine; set to NULL on failure.  The caller owns it and
 *   releases it with medlint_close().
 *
 * Returns MEDLINT_OK; MEDLINT_EINVAL when out is NULL; MEDLINT_ECONFIG when
 * the configuration or a rule pack is unusable (the message names the file,
 * line and reason); MEDLINT_ESTORE when the store cannot be opened (locked,
 * read-only, corrupt).
 *
 * Thread safety: may be called from any thread.
 */
MEDLINT_API int medlint_open(const char *config_path, medlint_engine **out);

/*
 * Performs one operation.
 *
 * request: `length` bytes of an XML request document; need not end in NUL.
 *   UTF-8, or GBK / GB2312 / GB18030 when its XML declaration says so.
 * response: receives a NUL-terminated document that the caller releases with
 *   medlint_free().  It is UTF-8 unless the request asked for
 *   response-encoding="GB18030".  It is set also when the call fails: then
 *   its root is <error code="..." message="..."/> (message="out of memory"
 *   when memory ran out; NULL only if even malloc() fails).
 *
 * Returns MEDLINT_OK, or the negative code of the failure (the same code as
 * the <error> document): MEDLINT_EINVAL for a NULL engine or response pointer
 * (then *response is left NULL when response is NULL), MEDLINT_EPARSE for a
 * request that is not well-formed or not the schema, MEDLINT_ESTORE when the
 * store could not be read or written, MEDLINT_EINTERNAL for a bug.  A failed
 * call is never a pass: show "check failed, review by hand".
 *
 * Thread safety: one engine may be used by many threads at once.
 */
MEDLINT_API int medlint_call(medlint_engine *engine, const char *request,
                             size_t length, char **response);

/*
 * Like medlint_call(), but performs only `operation`, an operation's element
 * name such as "check", "commit" or "ledger".  The engine reads the request's
 * root with the parser that performs it; a request of another operation is
 * refused with MEDLINT_EPARSE before anything is read or written, however its
 * text is disguised (a DOCTYPE, comments, another encoding), and its <error>
 * document names the root it refused (root="ledger").  A <check> or
 * <commit> document is performed as `operation` names it: with "check" it is
 * only checked, and the store gains nothing but the check's audit-log row.
 *
 * A host that must not record, such as a viewer or a batch pre-audit, calls
 * medlint_call_as(engine, "check", ...).  Added in ABI 1.1 (symbol version
 * MEDLINT_1.1); MEDLINT_EINVAL when operation is NULL.
 *
 * Since ABI 1.3, `operation` may list several operations separated by
 * spaces: a request of any of them is performed as itself, and a <check> or
 * <commit> document as itself when both are listed.  A service that answers
 * other machines, such as medlint serve, lists every operation but the ones
 * that name a path on its own machine (pack-validate, store-copy).
 *
 * Thread safety: as medlint_call().
 */
MEDLINT_API int medlint_call_as(medlint_engine *engine, const char *operation,
                                const char *request, size_t length,
                                char **response);

/*
 * Translates a national platform's 3101 or 3102 JSON envelope (the request
 * whose first byte that is not blank is '{', which medlint_call() checks)
 * into the contract's <check> request document: the same patient, encounter,
 * diagnoses and items, read by the same mapping (docs/nhsa.md), so that
 * medlint_call() on the translation finds what it finds on the envelope.
 * Nothing is checked or recorded.  A host that reports from the XML
 * <check-result>, such as a batch pre-audit of logged national requests,
 * calls this and then its usual XML path.
 *
 * request: `length` bytes of the envelope (UTF-8 JSON); need not end in NUL.
 * response: receives the NUL-terminated UTF-8 <check> document, released with
 *   medlint_free(); on failure the <error> document (XML, not the national
 *   error envelope), whose message starts with the JSON path at fault.
 *
 * Returns MEDLINT_OK; MEDLINT_EINVAL for a NULL engine or response pointer;
 * MEDLINT_EPARSE for a request that is not a 3101 or 3102 envelope the check
 * would accept: XML, broken JSON, a field it cannot read, or a 3103, whose
 * <error> says root="feedback" as medlint_call_as() does.
 *
 * Added in ABI 1.2 (symbol version MEDLINT_1.2).  Thread safety: as
 * medlint_call().
 */
MEDLINT_API int medlint_translate(medlint_engine *engine, const char *request, size_t length,
                                  char **response);

/* Releases a response from medlint_call(), medlint_call_as() or
   medlint_translate().  NULL is allowed and ignored. */
MEDLINT_API void medlint_free(char *response);

/*
 * Closes an engine and releases everything it holds.  NULL is allowed and
 * ignored.  No call on the engine may be running or follow.
 */
MEDLINT_API void medlint_close(medlint_engine *engine);

/*
 * The message of the calling thread's most recent failure, or "" when none
 * has failed yet ("out of memory" when memory ran out even for the message).
 * The string is owned by medlint and stays valid until the thread's next
 * medlint call.
 */
MEDLINT_API const char *medlint_last_error(void);

/* The library version, "MAJOR.MINOR.PATCH".  A static string. */
MEDLINT_API const char *medlint_version(void);

/* MEDLINT_ABI_VERSION as the library was built; compare it with yours. */
MEDLINT_API int medlint_abi_version(void);

#ifdef __cplusplus
}
#endif

#endif /* MEDLINT_H */
