/* Key-protection policy checks (catalogue group G and SIG-09/10/12): what the
 * kp_policy*.c files share. Private to suites/keyprot.
 *
 * The case table (titles, descriptions, references) is in kp_policy.c; the
 * cases in kp_policy_read.c (KP-01, 02, 04), kp_policy_latch.c (KP-03),
 * kp_policy_wrap.c (KP-05, 08, 09a/b, 10), kp_policy_vis.c (KP-15) and
 * kp_policy_use.c (KP-USE-01..03). */
#ifndef SA_SUITE_KEYPROT_KP_POLICY_INT_H
#define SA_SUITE_KEYPROT_KP_POLICY_INT_H

#include <stdbool.h>

#include "sigaudit/case.h"
#include "sigaudit/p11.h"

/* ---- the cases ---- */

void sa_kp01_sensitive_unreadable(sa_case_ctx *ctx);
void sa_kp02_unextractable_unreadable(sa_case_ctx *ctx);
void sa_kp03_latching(sa_case_ctx *ctx);
void sa_kp04_history(sa_case_ctx *ctx);
void sa_kp05_wrap_rules(sa_case_ctx *ctx);
void sa_kp08_trusted_wrapping(sa_case_ctx *ctx);
void sa_kp09a_wrap_template(sa_case_ctx *ctx);
void sa_kp09b_unwrap_template(sa_case_ctx *ctx);
void sa_kp10_unwrap_semantics(sa_case_ctx *ctx);
void sa_kp15_private_visibility(sa_case_ctx *ctx);
void sa_kp_use01a_usage_flags(sa_case_ctx *ctx);
void sa_kp_use01b_key_type(sa_case_ctx *ctx);
void sa_kp_use02_allowed_mechanisms(sa_case_ctx *ctx);
void sa_kp_use03_always_authenticate(sa_case_ctx *ctx);

/* ---- shared by the policy cases (kp_policy_common.c) ---- */

/* The operation an init call starts. */
typedef enum sa_kp_op {
	SA_KP_OP_SIGN = 0,
	SA_KP_OP_VERIFY,
	SA_KP_OP_ENCRYPT,
	SA_KP_OP_DECRYPT,
} sa_kp_op;

/** "C_SignInit", ... */
const char *sa_kp_op_init_name(sa_kp_op op);

/** Call the init function of `op` with key and mechanism m in a session of
 * its own, opened for the call and closed after it, so that an init that
 * wrongly succeeds leaves no operation active in the case's other sessions
 * (session objects are visible to every session of the application, and
 * closing a session ends its operations, B2.40 §5.6.2). *rv gets the init's
 * CK_RV. Set-up failure (the session does not open): ERROR verdict and a
 * negative code. */
int sa_kp_try_init(sa_case_ctx *ctx, sa_kp_op op, const CK_MECHANISM *m,
                   CK_OBJECT_HANDLE key, CK_RV *rv);

/** Record the check that C_WrapKey's output `blob`, made with the AES key of
 * known value kek (RFC 3394), does not reveal the known key `k`: neither in
 * clear (sa_kp_known_leaks) nor once unwrapped with kek. Called only where
 * the wrap should have been refused, to say in the results whether the
 * refusal that did not happen also leaked the key. Records a note, not a
 * check. */
void sa_kp_note_blob(sa_case_ctx *ctx, const char *what, const void *blob,
                     size_t len, const CK_BYTE *kek, size_t kek_len,
                     const CK_BYTE *key, size_t key_len);

#endif
