/* sa_faultmod: the named faults on key use (README.md): usage flags that are
 * not enforced, wrapping that ignores CKA_EXTRACTABLE or CKA_WRAP, corrupt
 * signatures.
 *
 * A shim cannot make the target skip its own checks, so a key whose usage
 * flag is FALSE has it set TRUE through the target's C_SetAttributeValue for
 * the duration of the call, and FALSE again afterwards. Where the target
 * refuses that change (a CKA_MODIFIABLE=FALSE key, a token object when no
 * read-write session can be opened), the call is forwarded honestly and one
 * line says so on stderr. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "faultmod.h"

/* wrap-ignores-extractable: the size of the blob handed out instead of a
 * wrapped key (an AES key wrap of a 256-bit key is 40 bytes). */
#define FAKE_WRAP_LEN 40

/* Set a CK_BBOOL attribute through the target. A token object cannot be
 * changed in a read-only session (B2.40 §5.7.6); the login state is shared
 * by all the application's sessions (UG v2.40 §2.6), so a read-write session
 * opened for the purpose on the same slot can, and closing it again does not
 * log out while `s` stays open. */
static CK_RV set_flag(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE key,
                      CK_ATTRIBUTE_TYPE flag, CK_BBOOL value)
{
	CK_ATTRIBUTE a = {flag, &value, sizeof(value)};
	CK_SESSION_INFO info;
	CK_SESSION_HANDLE rw = CK_INVALID_HANDLE;
	CK_RV rv = sa_fm_real->C_SetAttributeValue(s, key, &a, 1);

	if (rv != CKR_SESSION_READ_ONLY ||
	    sa_fm_real->C_GetSessionInfo(s, &info) != CKR_OK ||
	    sa_fm_real->C_OpenSession(info.slotID,
	                              CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL,
	                              NULL, &rw) != CKR_OK)
		goto out;
	rv = sa_fm_real->C_SetAttributeValue(rw, key, &a, 1);
	sa_fm_real->C_CloseSession(rw);
out:
	return rv;
}

/* Set `flag` TRUE on key if it is FALSE; true when it was changed (and must
 * be restored). */
static bool force_flag(const char *fault, CK_SESSION_HANDLE s,
                       CK_OBJECT_HANDLE key, CK_ATTRIBUTE_TYPE flag,
                       const char *flag_name)
{
	CK_BBOOL v = CK_FALSE;
	CK_ATTRIBUTE a = {flag, &v, sizeof(v)};
	char buf[24];
	CK_RV rv;
	bool forced = false;

	rv = sa_fm_real->C_GetAttributeValue(s, key, &a, 1);
	if (rv != CKR_OK || a.ulValueLen != sizeof(v) || v != CK_FALSE)
		goto out;
	rv = set_flag(s, key, flag, CK_TRUE);
	if (rv != CKR_OK) {
		fprintf(stderr,
		        "sa_faultmod: %s: could not set %s=TRUE on object %lu "
		        "(%s)\n",
		        fault, flag_name, (unsigned long)key,
		        sa_fm_rv_name(rv, buf, sizeof(buf)));
		goto out;
	}
	forced = true;
out:
	return forced;
}

static void restore_flag(const char *fault, CK_SESSION_HANDLE s,
                         CK_OBJECT_HANDLE key, CK_ATTRIBUTE_TYPE flag,
                         const char *flag_name)
{
	char buf[24];
	CK_RV rv = set_flag(s, key, flag, CK_FALSE);

	if (rv != CKR_OK)
		fprintf(stderr,
		        "sa_faultmod: %s: could not restore %s=FALSE on object "
		        "%lu (%s)\n",
		        fault, flag_name, (unsigned long)key,
		        sa_fm_rv_name(rv, buf, sizeof(buf)));
}

/* sign-ignores-usage on one C_xxxInit: the flag is checked at
 * initialisation (B2.40 §5.1.6 CKR_KEY_FUNCTION_NOT_PERMITTED; §5.8.1,
 * §5.9.1, §5.11.1), so it is TRUE only while that runs. */
static CK_RV usage_init(CK_C_SignInit init, CK_ATTRIBUTE_TYPE flag,
                        const char *flag_name, CK_SESSION_HANDLE s,
                        CK_MECHANISM_PTR mech, CK_OBJECT_HANDLE key)
{
	static const char fault[] = "sign-ignores-usage";
	bool forced = sa_fm_on(SA_FM_NAMED_SIGN_IGNORES_USAGE) &&
	              force_flag(fault, s, key, flag, flag_name);
	CK_RV rv = init(s, mech, key);

	if (forced)
		restore_flag(fault, s, key, flag, flag_name);
	return rv;
}

/* The signing faults of sig.c need the mechanism and key of the operation
 * that started. */
CK_RV sa_fm_hook_C_SignInit(CK_SESSION_HANDLE s, CK_MECHANISM_PTR mech,
                            CK_OBJECT_HANDLE key)
{
	CK_RV rv = usage_init(sa_fm_real->C_SignInit, CKA_SIGN, "CKA_SIGN", s,
	                      mech, key);

	if (rv == CKR_OK)
		sa_fm_sig_init(SA_FM_OP_SIGN, s, mech, key);
	return rv;
}

CK_RV sa_fm_hook_C_EncryptInit(CK_SESSION_HANDLE s, CK_MECHANISM_PTR mech,
                               CK_OBJECT_HANDLE key)
{
	CK_RV rv = usage_init(sa_fm_real->C_EncryptInit, CKA_ENCRYPT,
	                      "CKA_ENCRYPT", s, mech, key);

	if (rv == CKR_OK)
		sa_fm_sig_init(SA_FM_OP_ENCRYPT, s, mech, key);
	return rv;
}

CK_RV sa_fm_hook_C_DecryptInit(CK_SESSION_HANDLE s, CK_MECHANISM_PTR mech,
                               CK_OBJECT_HANDLE key)
{
	return usage_init(sa_fm_real->C_DecryptInit, CKA_DECRYPT, "CKA_DECRYPT",
	                  s, mech, key);
}

/* wrap-ignores-extractable: random bytes with the output-buffer convention
 * of B2.40 §5.2, instead of CKR_KEY_UNEXTRACTABLE (§5.14.3). */
static CK_RV fake_wrap(CK_BYTE_PTR out, CK_ULONG_PTR out_len)
{
	CK_RV rv = CKR_OK;

	if (out_len == NULL) {
		rv = CKR_ARGUMENTS_BAD;
	} else if (out == NULL) {
		*out_len = FAKE_WRAP_LEN;
	} else if (*out_len < FAKE_WRAP_LEN) {
		*out_len = FAKE_WRAP_LEN;
		rv = CKR_BUFFER_TOO_SMALL;
	} else {
		if (getentropy(out, FAKE_WRAP_LEN) != 0) {
			for (size_t i = 0; i < FAKE_WRAP_LEN; i++)
				out[i] = (CK_BYTE)rand();
		}
		*out_len = FAKE_WRAP_LEN;
	}
	return rv;
}

CK_RV sa_fm_hook_C_WrapKey(CK_SESSION_HANDLE s, CK_MECHANISM_PTR mech,
                           CK_OBJECT_HANDLE wrapping_key, CK_OBJECT_HANDLE key,
                           CK_BYTE_PTR out, CK_ULONG_PTR out_len)
{
	static const char fault[] = "wrap-ignores-cka-wrap";
	CK_BBOOL v = CK_TRUE;
	CK_ATTRIBUTE a = {CKA_EXTRACTABLE, &v, sizeof(v)};
	bool forced = false;
	CK_RV rv;

	if (sa_fm_on(SA_FM_NAMED_WRAP_IGNORES_EXTRACTABLE) &&
	    sa_fm_real->C_GetAttributeValue(s, key, &a, 1) == CKR_OK &&
	    a.ulValueLen == sizeof(v) && v == CK_FALSE) {
		rv = fake_wrap(out, out_len);
		goto out;
	}
	/* CKA_WRAP "MUST be CK_TRUE" for a wrapping key (B2.40 §4.7.2,
	 * §5.14.3). */
	forced = sa_fm_on(SA_FM_NAMED_WRAP_IGNORES_CKA_WRAP) &&
	         force_flag(fault, s, wrapping_key, CKA_WRAP, "CKA_WRAP");
	rv = sa_fm_real->C_WrapKey(s, mech, wrapping_key, key, out, out_len);
	if (forced)
		restore_flag(fault, s, wrapping_key, CKA_WRAP, "CKA_WRAP");
out:
	return rv;
}

/* sign-bad-signature: only a signature really returned (not the length
 * query of B2.40 §5.2) is corrupted; it applies last, on top of the faults
 * of sig.c. */
static void corrupt(CK_RV rv, CK_BYTE_PTR out, CK_ULONG_PTR out_len)
{
	if (sa_fm_on(SA_FM_NAMED_SIGN_BAD_SIGNATURE) && rv == CKR_OK &&
	    out != NULL && out_len != NULL && *out_len > 0)
		out[0] ^= 0x01;
}

CK_RV sa_fm_hook_C_Sign(CK_SESSION_HANDLE s, CK_BYTE_PTR in, CK_ULONG in_len,
                        CK_BYTE_PTR out, CK_ULONG_PTR out_len)
{
	CK_RV rv = sa_fm_sig_C_Sign(s, in, in_len, out, out_len);

	corrupt(rv, out, out_len);
	return rv;
}

CK_RV sa_fm_hook_C_SignFinal(CK_SESSION_HANDLE s, CK_BYTE_PTR out,
                             CK_ULONG_PTR out_len)
{
	CK_RV rv = sa_fm_sig_C_SignFinal(s, out, out_len);

	corrupt(rv, out, out_len);
	return rv;
}
