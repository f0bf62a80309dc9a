/* Catalogue group C (sessions and the login state machine): what the
 * session_*.c files share. Private to suites/pkcs11.
 *
 * The helpers below turn a failure of *set-up* (a session that will not
 * open, a correct PIN that is refused) into an ERROR verdict with a reason:
 * the behaviour under test was never reached, so nothing can be concluded
 * about it. Behaviour under test is recorded with sa_case_check*() and
 * sa_p11_check_rv() only. */
#ifndef SA_SUITE_PKCS11_SESSION_INT_H
#define SA_SUITE_PKCS11_SESSION_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "sigaudit/buf.h"
#include "sigaudit/case.h"
#include "sigaudit/p11.h"

/* ---- the cases (run functions), one per catalogue row or split ---- */

/* session_state.c */
void sa_p11_ses01_open_flags(sa_case_ctx *ctx);
void sa_p11_ses02_open_null(sa_case_ctx *ctx);
void sa_p11_ses03a_user_states(sa_case_ctx *ctx);
void sa_p11_ses03b_so_states(sa_case_ctx *ctx);
void sa_p11_ses04_so_ro_exists(sa_case_ctx *ctx);
void sa_p11_ses05_ro_while_so(sa_case_ctx *ctx);
void sa_p11_ses06a_user_twice(sa_case_ctx *ctx);
void sa_p11_ses06b_user_and_so(sa_case_ctx *ctx);
void sa_p11_ses10_logout_twice(sa_case_ctx *ctx);
void sa_p11_ses13_close_all(sa_case_ctx *ctx);

/* session_pin.c */
void sa_p11_ses07_wrong_pin_flags(sa_case_ctx *ctx);
void sa_p11_ses08_pin_lockout(sa_case_ctx *ctx);
void sa_p11_ses09_user_type(sa_case_ctx *ctx);
void sa_p11_ses14_init_token(sa_case_ctx *ctx);
void sa_p11_ses15a_setpin_ro(sa_case_ctx *ctx);
void sa_p11_ses15b_initpin_state(sa_case_ctx *ctx);
void sa_p11_ses15c_pin_len_range(sa_case_ctx *ctx);

/* session_handles.c */
void sa_p11_ses11_logout_objects(sa_case_ctx *ctx);
void sa_p11_ses12a_bad_handles(sa_case_ctx *ctx);
void sa_p11_ses12b_handle_precedence(sa_case_ctx *ctx);
void sa_p11_ses16a_key_without_login(sa_case_ctx *ctx);
void sa_p11_ses16b_key_without_login_rv(sa_case_ctx *ctx);

/* ---- shared helpers (session_util.c) ---- */

/** The largest number of wrong user PINs SES-08 presents before it calls
 * the absence of a lockout a finding. */
#define SA_P11_SES_LOCKOUT_MAX_TRIES 16

#define SA_P11_SES_STR_(x) #x
#define SA_P11_SES_XSTR(x) SA_P11_SES_STR_(x)

/** Open a session (CKF_SERIAL_SESSION added; rw adds CKF_RW_SESSION) as
 * set-up: any CK_RV but CKR_OK gives an ERROR verdict and SA_E_CKR. */
int sa_p11_ses_open(sa_case_ctx *ctx, bool rw, CK_SESSION_HANDLE *out);

/** Close *s unless it is CK_INVALID_HANDLE, ignoring the result, and set it
 * to CK_INVALID_HANDLE. Cleanup only. */
void sa_p11_ses_close(sa_case_ctx *ctx, CK_SESSION_HANDLE *s);

/** C_GetTokenInfo on the case's slot as set-up (ERROR on failure). */
int sa_p11_ses_token_info(sa_case_ctx *ctx, CK_TOKEN_INFO *out);

/** Log in with the configured PIN as set-up: anything but CKR_OK gives an
 * ERROR verdict naming the CK_RV. */
int sa_p11_ses_login(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_USER_TYPE who);

/** C_Logout ignoring the result (cleanup; the token may already be logged
 * out). */
void sa_p11_ses_logout_quiet(sa_case_ctx *ctx, CK_SESSION_HANDLE s);

/** Record a check that session s is in state `want` (C_GetSessionInfo); a
 * failing C_GetSessionInfo fails the check. */
bool sa_p11_ses_check_state(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                            CK_STATE want, const char *what);

/** Read the configured PIN of `who` into a secure buffer (the caller frees
 * it with sa_buf_free, which wipes it). ERROR verdict when it cannot. */
int sa_p11_ses_read_pin(sa_case_ctx *ctx, CK_USER_TYPE who, sa_buf *out);

/** Derive from `pin` a PIN of the same length that differs from it in one
 * ASCII character of the same class (digit, lower, upper, other), so that
 * a token that checks the character set still sees a well-formed PIN. Never
 * equal to `pin`. SA_E_UNSUPPORTED when pin has no ASCII character. */
int sa_p11_ses_wrong_pin(const sa_buf *pin, sa_buf *out);

/** A PIN of exactly n ASCII digits (for length-range checks). */
int sa_p11_ses_digits(size_t n, sa_buf *out);

/** Session object holding CKA_VALUE "sigaudit": CKO_DATA, CKA_TOKEN false,
 * CKA_PRIVATE as given, CKA_LABEL label. Returns the CK_RV. */
CK_RV sa_p11_ses_data_object(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                             bool private_obj, const char *label,
                             CK_OBJECT_HANDLE *out);

/** C_GetAttributeValue(obj, CKA_CLASS): CKR_OK means the handle is usable. */
CK_RV sa_p11_ses_probe_object(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                              CK_OBJECT_HANDLE obj);

/** "CKF_USER_PIN_COUNT_LOW|CKF_USER_PIN_FINAL_TRY" for the PIN-state flags
 * of `flags` that concern `who` ("none" when none is set). */
const char *sa_p11_ses_pin_flags_str(CK_FLAGS flags, CK_USER_TYPE who,
                                     char *buf, size_t size);

/** The PIN-state flag masks of `who`. */
CK_FLAGS sa_p11_ses_flag_count_low(CK_USER_TYPE who);
CK_FLAGS sa_p11_ses_flag_final_try(CK_USER_TYPE who);
CK_FLAGS sa_p11_ses_flag_locked(CK_USER_TYPE who);

#endif
