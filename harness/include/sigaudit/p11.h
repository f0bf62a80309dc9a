/* sigaudit: PKCS#11 helpers for suites.
 *
 * Types come from p11-kit's <p11-kit/pkcs11.h> (PKCS#11 v2.40 names). In a
 * case that declared SA_NEED_P11 / SA_NEED_TOKEN the runner has already called
 * C_Initialize with the profile's init args and will call C_Finalize after
 * run() returns (a case may finalize itself; the runner ignores
 * CKR_CRYPTOKI_NOT_INITIALIZED then). With SA_NEED_P11_MODULE only, the module
 * is loaded but not initialised, and the case owns initialisation entirely. */
#ifndef SIGAUDIT_P11_H
#define SIGAUDIT_P11_H

#include <stdbool.h>
#include <stddef.h>

#include <p11-kit/pkcs11.h>

#include "sigaudit/buf.h"
#include "sigaudit/case.h"
#include "sigaudit/profile.h"

/** Terminator of lenient CK_RV lists. */
#define SA_CKR_END ((CK_RV)~0UL)
/** A lenient set for sa_p11_check_rv: SA_LENIENT(CKR_A, CKR_B). */
#define SA_LENIENT(...) ((const CK_RV[]){__VA_ARGS__, SA_CKR_END})
#define SA_STRICT_ONLY  ((const CK_RV *)NULL)

/** "CKR_OK", ...; "CKR_0x%08lx" (static per-thread buffer) for unknown codes.
 */
const char *sa_p11_rv_name(CK_RV rv);
/** "CKM_RSA_PKCS", ...; "CKM_0x%08lx" for unknown. */
const char *sa_p11_mech_name(CK_MECHANISM_TYPE m);
/** Parse "CKR_OK" / "CKM_ECDSA" names (or 0x hex); -1 (as CK_ULONG ~0) when
 * unknown. */
CK_RV sa_p11_rv_parse(const char *name);
CK_MECHANISM_TYPE sa_p11_mech_parse(const char *name);
/** "CKA_VALUE", ...; "CKA_0x%08lx" for unknown. */
const char *sa_p11_attr_name(CK_ATTRIBUTE_TYPE a);
/** Session state name: "CKS_RO_PUBLIC_SESSION", ... */
const char *sa_p11_state_name(CK_STATE s);

/** The function list of the case's module (NULL outside SA_NEED_P11* cases). */
CK_FUNCTION_LIST_PTR sa_case_p11(sa_case_ctx *ctx);
/** The slot holding the profile's token (SA_NEED_TOKEN). */
CK_SLOT_ID sa_case_slot(const sa_case_ctx *ctx);
/** The CK_C_INITIALIZE_ARGS the runner uses (flags CKF_OS_LOCKING_OK,
 * pReserved = profile init_args or NULL). For SA_NEED_P11_MODULE cases that
 * must initialise the module themselves the way the profile requires. */
void sa_case_init_args(const sa_case_ctx *ctx, CK_C_INITIALIZE_ARGS *out);

/** Log in `session` as `who` (CKU_USER / CKU_SO) with the PIN from the
 * profile. The PIN never leaves this function except into C_Login; it is wiped
 * afterwards. Returns the CK_RV of C_Login, or CKR_FUNCTION_FAILED with a
 * case error when the PIN is not configured. */
CK_RV sa_p11_login(sa_case_ctx *ctx, CK_SESSION_HANDLE session,
                   CK_USER_TYPE who);
/** Length of the configured PIN (for PIN length checks) or 0. */
size_t sa_p11_pin_len(sa_case_ctx *ctx, CK_USER_TYPE who);

/** Open a session on the case's slot; flags get CKF_SERIAL_SESSION added.
 * Returns the CK_RV. */
CK_RV sa_p11_open(sa_case_ctx *ctx, CK_FLAGS flags, CK_SESSION_HANDLE *out);

/** Close *s if it is open, and mark it closed. Errors are ignored: this is
 * clean-up, whatever the case found out is already recorded. */
void sa_p11_close(sa_case_ctx *ctx, CK_SESSION_HANDLE *s);
/** Destroy *h in session s if both are valid, and mark it gone (clean-up,
 * errors ignored). */
void sa_p11_destroy(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE *h);

/** Read one attribute of any length: the size query, then the value, into
 * out (NUL-terminated after len). A length of CK_UNAVAILABLE_INFORMATION or
 * above `max` is CKR_GENERAL_ERROR (a module that says CKR_OK with it is
 * broken, and `max` keeps a lying module from making us allocate), and so
 * is a second call that writes more than the first announced. *reported
 * (may be NULL) gets ulValueLen as the module last set it. Returns the
 * CK_RV; records nothing in the case. */
CK_RV sa_p11_get_attr(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h,
                      CK_ATTRIBUTE_TYPE type, size_t max, sa_buf *out,
                      CK_ULONG *reported);

/** Count the objects the session can see whose CKA_LABEL is `label`
 * (stops at 64): how cases prove that a refused call created nothing, or
 * that an object is gone. Returns the first CK_RV that is not CKR_OK; *n
 * is the count so far. */
CK_RV sa_p11_count_label(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                         const char *label, CK_ULONG *n);

/** Record a return-code check:
 *  - observed == strict            -> the check holds;
 *  - observed in lenient (list)    -> the check holds, the case is marked
 *                                     lenient (and FAILS when the profile sets
 * strict = true);
 *  - otherwise                     -> the check fails.
 * The check's expected text lists the strict code and the permitted set. */
bool sa_p11_check_rv(sa_case_ctx *ctx, const char *what, CK_RV observed,
                     CK_RV strict, const CK_RV *lenient);

/** Whether the token lists mechanism m (from the probe made before the run). */
bool sa_case_has_mech(const sa_case_ctx *ctx, CK_MECHANISM_TYPE m);

/** Blank-padded fixed-width PKCS#11 string -> trimmed C string in out. */
void sa_p11_str(char *out, size_t out_size, const CK_UTF8CHAR *field,
                size_t field_len);

#endif
