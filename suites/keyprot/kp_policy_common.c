/* Key-protection policy checks: helpers shared by the kp_policy*.c cases. */
#include <string.h>

#include "sigaudit/guard.h"

#include "kp_policy_int.h"
#include "kp_util.h"

const char *sa_kp_op_init_name(sa_kp_op op)
{
	switch (op) {
	case SA_KP_OP_SIGN:
		return "C_SignInit";
	case SA_KP_OP_VERIFY:
		return "C_VerifyInit";
	case SA_KP_OP_ENCRYPT:
		return "C_EncryptInit";
	case SA_KP_OP_DECRYPT:
		return "C_DecryptInit";
	}
	return "C_?Init";
}

int sa_kp_try_init(sa_case_ctx *ctx, sa_kp_op op, const CK_MECHANISM *m,
                   CK_OBJECT_HANDLE key, CK_RV *rv)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_MECHANISM_PTR mp = (CK_MECHANISM_PTR)m;
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	int rc;

	*rv = CKR_GENERAL_ERROR;
	/* Not logged in again: the login belongs to the application and
	 * covers this session too (UG2.40 §2.7). */
	SA_TRY(sa_kp_open(ctx, false, &s));
	switch (op) {
	case SA_KP_OP_SIGN:
		*rv = f->C_SignInit(s, mp, key);
		break;
	case SA_KP_OP_VERIFY:
		*rv = f->C_VerifyInit(s, mp, key);
		break;
	case SA_KP_OP_ENCRYPT:
		*rv = f->C_EncryptInit(s, mp, key);
		break;
	case SA_KP_OP_DECRYPT:
		*rv = f->C_DecryptInit(s, mp, key);
		break;
	}
	rc = SA_OK;
out:
	sa_p11_close(ctx, &s);
	return rc;
}

void sa_kp_note_blob(sa_case_ctx *ctx, const char *what, const void *blob,
                     size_t len, const CK_BYTE *kek, size_t kek_len,
                     const CK_BYTE *key, size_t key_len)
{
	sa_buf plain = SA_BUF_INIT_SECURE;
	char fp[SA_KP_FP_SIZE];

	sa_kp_fingerprint(key, key_len, fp);
	if (sa_kp_contains(blob, len, key, key_len)) {
		sa_case_note(ctx,
		             "%s: the %zu-byte output contains the key (%s) in "
		             "clear",
		             what, len, fp);
		goto out;
	}
	if (kek != NULL &&
	    sa_kp_aes_keyunwrap(kek, kek_len, blob, len, &plain) == SA_OK &&
	    plain.len == key_len && memcmp(plain.data, key, key_len) == 0) {
		sa_case_note(ctx,
		             "%s: the %zu-byte output unwraps (RFC 3394, known "
		             "wrapping key) to the key (%s): the key left the "
		             "token",
		             what, len, fp);
		goto out;
	}
	sa_case_note(ctx,
	             "%s: the %zu-byte output is neither the key (%s) nor its "
	             "RFC 3394 wrap under the known wrapping key",
	             what, len, fp);
out:
	sa_buf_free(&plain);
}
