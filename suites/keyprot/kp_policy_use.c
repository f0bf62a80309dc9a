/* Key protection: usage enforcement (KP-USE-01 = catalogue SIG-09, KP-USE-02
 * = SIG-10, KP-USE-03 = SIG-12). Descriptions and references: kp_policy.c.
 */
#include <stdio.h>
#include <string.h>

#include "sigaudit/guard.h"

#include "kp_policy_int.h"
#include "kp_util.h"

static const CK_BYTE msg[] = "sigaudit key-protection usage test";

static int import_public_setup(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                               sa_kp_known_id id, const sa_kp_opts *o,
                               const char *what, CK_OBJECT_HANDLE *out)
{
	char label[200];

	snprintf(label, sizeof(label), "C_CreateObject(%s)", what);
	return sa_kp_setup(ctx, sa_kp_import_public(ctx, s, id, o, out), label);
}

/* Set-up: the private key `id` and, when pub_out is not NULL, a public key
 * that matches it: the known public half when the token imported the known
 * private key, else the public half of the pair the key source generated
 * with the same attributes (tokens that refuse private-key import, e.g.
 * tpm2-pkcs11). */
static int key_setup(sa_case_ctx *ctx, CK_SESSION_HANDLE s, sa_kp_known_id id,
                     const sa_kp_opts *o, const sa_kp_opts *pub_o,
                     const char *what, CK_OBJECT_HANDLE *out,
                     CK_OBJECT_HANDLE *pub_out)
{
	CK_OBJECT_HANDLE gpub = CK_INVALID_HANDLE;
	bool known = false;
	int rc;

	rc = sa_kp_src_key(ctx, s, id, o, what, out,
	                   pub_out != NULL ? &gpub : NULL, &known);
	if (rc < 0)
		goto out;
	if (!known)
		sa_case_note(ctx,
		             "%s: the token refused to import the known key; "
		             "a key generated on the token with the same "
		             "attributes is used instead",
		             what);
	if (pub_out == NULL)
		goto out;
	if (known)
		rc = import_public_setup(ctx, s, id, pub_o,
		                         "RSA-2048 public key", pub_out);
	else
		*pub_out = gpub;
out:
	return rc;
}

/* Control: a complete signature with `priv` verifies under `pub`. */
static void sign_control(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                         CK_OBJECT_HANDLE priv, CK_OBJECT_HANDLE pub,
                         const CK_MECHANISM *m, const char *what)
{
	sa_buf sig = SA_BUF_INIT;
	char label[200];
	CK_RV rv;

	snprintf(label, sizeof(label), "control: C_SignInit/C_Sign %s", what);
	rv = sa_kp_sign(ctx, s, priv, m, msg, sizeof(msg), &sig);
	if (!sa_p11_check_rv(ctx, label, rv, CKR_OK, SA_STRICT_ONLY))
		goto out;
	snprintf(label, sizeof(label),
	         "control: the signature %s verifies under the public key",
	         what);
	rv = sa_kp_verify(ctx, s, pub, m, msg, sizeof(msg), sig.data, sig.len);
	sa_p11_check_rv(ctx, label, rv, CKR_OK, SA_STRICT_ONLY);
out:
	sa_buf_free(&sig);
}

/* One init that must be refused, in a session of its own. */
static void refused_init(sa_case_ctx *ctx, sa_kp_op op, const CK_MECHANISM *m,
                         CK_OBJECT_HANDLE key, const char *what, CK_RV strict,
                         const CK_RV *lenient)
{
	char label[200];
	CK_RV rv;

	if (sa_kp_try_init(ctx, op, m, key, &rv) < 0)
		return;
	snprintf(label, sizeof(label), "%s %s", sa_kp_op_init_name(op), what);
	sa_p11_check_rv(ctx, label, rv, strict, lenient);
}

/* ---- KP-USE-01a, KP-USE-01b (SIG-09) ---- */

/* Set-up of an AES key for a part of a case: when the token can neither
 * import nor generate it, the part is not run (a note says why, the
 * checks already made stand) and a negative code is returned without a
 * verdict. */
static int aes_setup(sa_case_ctx *ctx, CK_SESSION_HANDLE s, const sa_kp_opts *o,
                     const char *what, CK_OBJECT_HANDLE *out)
{
	const char *why = NULL;
	bool known = false;
	char label[200];
	CK_RV rv;
	int rc = SA_OK;

	rv = sa_kp_src_try(ctx, s, SA_KP_AES256, o, out, NULL, &known, &why);
	if (rv == CKR_OK) {
		if (!known)
			sa_case_note(ctx,
			             "%s: generated on the token (the import "
			             "was refused)",
			             what);
		goto out;
	}
	rc = SA_E_UNSUPPORTED;
	if (why != NULL) {
		sa_case_note(ctx, "%s: not run: %s", what, why);
		goto out;
	}
	snprintf(label, sizeof(label), "C_CreateObject(%s)", what);
	rc = sa_kp_setup(ctx, rv, label);
out:
	return rc;
}

void sa_kp_use01a_usage_flags(sa_case_ctx *ctx)
{
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE no_sign = CK_INVALID_HANDLE,
	                 signer = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE aes_none = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE aes_both = CK_INVALID_HANDLE;
	sa_kp_opts no_sign_o = {.private_obj = SA_KP_TRUE,
	                        .sensitive = SA_KP_TRUE,
	                        .sign = SA_KP_FALSE,
	                        .decrypt = SA_KP_TRUE,
	                        .label = "sigaudit-kp-use01a"};
	sa_kp_opts sign_o = {.private_obj = SA_KP_TRUE,
	                     .sensitive = SA_KP_TRUE,
	                     .sign = SA_KP_TRUE,
	                     .label = "sigaudit-kp-use01a"};
	sa_kp_opts pub_o = {.verify = SA_KP_TRUE,
	                    .label = "sigaudit-kp-use01a"};
	sa_kp_opts aes_none_o = {.private_obj = SA_KP_TRUE,
	                         .sensitive = SA_KP_TRUE,
	                         .encrypt = SA_KP_FALSE,
	                         .decrypt = SA_KP_FALSE,
	                         .label = "sigaudit-kp-use01a"};
	sa_kp_opts aes_both_o = {.private_obj = SA_KP_TRUE,
	                         .sensitive = SA_KP_TRUE,
	                         .encrypt = SA_KP_TRUE,
	                         .decrypt = SA_KP_TRUE,
	                         .label = "sigaudit-kp-use01a"};
	CK_MECHANISM rsa = {CKM_RSA_PKCS, NULL, 0};
	CK_MECHANISM ecb = {CKM_AES_ECB, NULL, 0};
	CK_RV rv;

	if (sa_kp_open(ctx, true, &s) < 0)
		goto out;
	if (key_setup(ctx, s, SA_KP_RSA2048, &no_sign_o, NULL,
	              "RSA-2048 private key, CKA_SIGN=FALSE", &no_sign,
	              NULL) < 0 ||
	    key_setup(ctx, s, SA_KP_RSA2048, &sign_o, &pub_o,
	              "RSA-2048 private key, CKA_SIGN=TRUE", &signer, &pub) < 0)
		goto out;

	/* CKA_SIGN is the key's permission to sign (B2.40 §4.9):
	 * CKR_KEY_FUNCTION_NOT_PERMITTED (§5.1.6). */
	refused_init(ctx, SA_KP_OP_SIGN, &rsa, no_sign,
	             "(CKM_RSA_PKCS) with a CKA_SIGN=FALSE private key",
	             CKR_KEY_FUNCTION_NOT_PERMITTED, SA_STRICT_ONLY);
	sign_control(ctx, s, signer, pub, &rsa,
	             "with the same key value and CKA_SIGN=TRUE");

	/* The same rule for the encryption flags. */
	if (!sa_case_has_mech(ctx, CKM_AES_ECB)) {
		sa_case_note(ctx,
		             "token does not list CKM_AES_ECB: "
		             "CKA_ENCRYPT/CKA_DECRYPT enforcement not run");
		goto out;
	}
	if (aes_setup(ctx, s, &aes_none_o,
	              "AES-256 key, CKA_ENCRYPT=FALSE, CKA_DECRYPT=FALSE",
	              &aes_none) < 0 ||
	    aes_setup(ctx, s, &aes_both_o,
	              "AES-256 key, CKA_ENCRYPT=TRUE, CKA_DECRYPT=TRUE",
	              &aes_both) < 0)
		goto out;
	refused_init(ctx, SA_KP_OP_ENCRYPT, &ecb, aes_none,
	             "(CKM_AES_ECB) with a CKA_ENCRYPT=FALSE key",
	             CKR_KEY_FUNCTION_NOT_PERMITTED, SA_STRICT_ONLY);
	refused_init(ctx, SA_KP_OP_DECRYPT, &ecb, aes_none,
	             "(CKM_AES_ECB) with a CKA_DECRYPT=FALSE key",
	             CKR_KEY_FUNCTION_NOT_PERMITTED, SA_STRICT_ONLY);
	if (sa_kp_try_init(ctx, SA_KP_OP_ENCRYPT, &ecb, aes_both, &rv) == 0)
		sa_p11_check_rv(ctx,
		                "control: C_EncryptInit (CKM_AES_ECB) with a "
		                "CKA_ENCRYPT=TRUE key",
		                rv, CKR_OK, SA_STRICT_ONLY);
	if (sa_kp_try_init(ctx, SA_KP_OP_DECRYPT, &ecb, aes_both, &rv) == 0)
		sa_p11_check_rv(ctx,
		                "control: C_DecryptInit (CKM_AES_ECB) with a "
		                "CKA_DECRYPT=TRUE key",
		                rv, CKR_OK, SA_STRICT_ONLY);
out:
	sa_p11_destroy(ctx, s, &aes_both);
	sa_p11_destroy(ctx, s, &aes_none);
	sa_p11_destroy(ctx, s, &pub);
	sa_p11_destroy(ctx, s, &signer);
	sa_p11_destroy(ctx, s, &no_sign);
	sa_kp_src_cleanup(ctx, s);
	sa_p11_close(ctx, &s);
}

void sa_kp_use01b_key_type(sa_case_ctx *ctx)
{
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE, aes = CK_INVALID_HANDLE;
	sa_kp_opts pub_o = {.verify = SA_KP_TRUE,
	                    .label = "sigaudit-kp-use01b"};
	/* CKA_SIGN TRUE: only the key type is wrong for CKM_RSA_PKCS. */
	sa_kp_opts aes_o = {.private_obj = SA_KP_TRUE,
	                    .sensitive = SA_KP_TRUE,
	                    .sign = SA_KP_TRUE,
	                    .encrypt = SA_KP_TRUE,
	                    .label = "sigaudit-kp-use01b"};
	CK_MECHANISM rsa = {CKM_RSA_PKCS, NULL, 0};
	CK_MECHANISM ecb = {CKM_AES_ECB, NULL, 0};
	CK_RV rv;

	if (sa_kp_open(ctx, true, &s) < 0)
		goto out;
	if (import_public_setup(ctx, s, SA_KP_RSA2048, &pub_o,
	                        "RSA-2048 public key", &pub) < 0)
		goto out;
	/* The AES half needs a secret key; a token that can make none still
	 * gets the public-key check (aes_setup notes why, or sets ERROR). */
	if (aes_setup(ctx, s, &aes_o, "AES-256 key, CKA_SIGN=TRUE", &aes) ==
	    SA_E_CKR)
		goto out;

	/* A key of the wrong type for the mechanism: the type mismatch
	 * outranks a missing permission (§5.1.6 CKR_KEY_TYPE_INCONSISTENT),
	 * so the permission code is only lenient for the public key, which
	 * has no CKA_SIGN at all. */
	refused_init(ctx, SA_KP_OP_SIGN, &rsa, pub,
	             "(CKM_RSA_PKCS) with an RSA public key",
	             CKR_KEY_TYPE_INCONSISTENT,
	             SA_LENIENT(CKR_KEY_FUNCTION_NOT_PERMITTED));
	if (aes != CK_INVALID_HANDLE)
		refused_init(ctx, SA_KP_OP_SIGN, &rsa, aes,
		             "(CKM_RSA_PKCS) with an AES key that has "
		             "CKA_SIGN=TRUE",
		             CKR_KEY_TYPE_INCONSISTENT, SA_STRICT_ONLY);

	/* Controls, through other functions so that a rewrite of
	 * C_SignInit results cannot touch them: both keys are usable. */
	if (sa_kp_try_init(ctx, SA_KP_OP_VERIFY, &rsa, pub, &rv) == 0)
		sa_p11_check_rv(ctx,
		                "control: C_VerifyInit (CKM_RSA_PKCS) with the "
		                "RSA public key",
		                rv, CKR_OK, SA_STRICT_ONLY);
	if (aes != CK_INVALID_HANDLE && sa_case_has_mech(ctx, CKM_AES_ECB) &&
	    sa_kp_try_init(ctx, SA_KP_OP_ENCRYPT, &ecb, aes, &rv) == 0)
		sa_p11_check_rv(ctx,
		                "control: C_EncryptInit (CKM_AES_ECB) with the "
		                "AES key",
		                rv, CKR_OK, SA_STRICT_ONLY);
out:
	sa_p11_destroy(ctx, s, &aes);
	sa_p11_destroy(ctx, s, &pub);
	sa_kp_src_cleanup(ctx, s);
	sa_p11_close(ctx, &s);
}

/* ---- KP-USE-02 (SIG-10) ---- */

/* Slots for reading CKA_ALLOWED_MECHANISMS back: more than the one the
 * case sets, so that a module writing past the length it reported cannot
 * corrupt the case's memory (it is then caught by the comparison). */
#define USE02_SLOTS 16

static void check_allowed_readback(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                                   CK_OBJECT_HANDLE h,
                                   const CK_MECHANISM_TYPE *want, size_t n)
{
	CK_MECHANISM_TYPE got[USE02_SLOTS];
	CK_ATTRIBUTE a = {CKA_ALLOWED_MECHANISMS, NULL, 0};
	char obs[256];
	size_t i, used = 0, ngot;
	bool same;
	CK_RV rv;

	rv = sa_case_p11(ctx)->C_GetAttributeValue(s, h, &a, 1);
	if (rv != CKR_OK || a.ulValueLen == CK_UNAVAILABLE_INFORMATION ||
	    a.ulValueLen > sizeof(got) ||
	    a.ulValueLen % sizeof(CK_MECHANISM_TYPE) != 0) {
		sa_case_checkf(
		    ctx, false, "CKA_ALLOWED_MECHANISMS reads back as created",
		    sa_p11_mech_name(want[0]), "size query: %s, ulValueLen %lu",
		    sa_p11_rv_name(rv), (unsigned long)a.ulValueLen);
		return;
	}
	for (i = 0; i < USE02_SLOTS; i++)
		got[i] = CK_UNAVAILABLE_INFORMATION;
	a.pValue = got;
	rv = sa_case_p11(ctx)->C_GetAttributeValue(s, h, &a, 1);
	ngot =
	    rv == CKR_OK ? (size_t)a.ulValueLen / sizeof(CK_MECHANISM_TYPE) : 0;
	same = rv == CKR_OK && ngot == n;
	for (i = 0; same && i < n; i++)
		same = got[i] == want[i];
	obs[0] = '\0';
	used = (size_t)snprintf(obs, sizeof(obs), "%s, {", sa_p11_rv_name(rv));
	for (i = 0; i < ngot && i < USE02_SLOTS && used < sizeof(obs); i++)
		used += (size_t)snprintf(obs + used, sizeof(obs) - used, "%s%s",
		                         i ? ", " : "",
		                         got[i] == CK_UNAVAILABLE_INFORMATION
		                             ? "(unwritten)"
		                             : sa_p11_mech_name(got[i]));
	if (used < sizeof(obs))
		snprintf(obs + used, sizeof(obs) - used, "}");
	/* The value is an array of the CK_MECHANISM_TYPEs given (B2.40
	 * §4.7.2 / §4.1.1): what an auditor reads is what is enforced. */
	sa_case_check(ctx, same, "CKA_ALLOWED_MECHANISMS reads back as created",
	              "CKR_OK, {CKM_SHA256_RSA_PKCS}", obs);
	if (n < USE02_SLOTS && got[n] != CK_UNAVAILABLE_INFORMATION)
		sa_case_note(
		    ctx,
		    "C_GetAttributeValue(CKA_ALLOWED_MECHANISMS) wrote "
		    "beyond the %zu entries it reported (slot %zu "
		    "holds %s)",
		    n, n, sa_p11_mech_name(got[n]));
}

void sa_kp_use02_allowed_mechanisms(sa_case_ctx *ctx)
{
	static const CK_MECHANISM_TYPE allowed[] = {CKM_SHA256_RSA_PKCS};
	static const CK_MECHANISM_TYPE others[] = {
	    CKM_RSA_PKCS, CKM_SHA512_RSA_PKCS, CKM_SHA1_RSA_PKCS,
	    CKM_SHA256_RSA_PKCS_PSS};
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE lim = CK_INVALID_HANDLE, pub = CK_INVALID_HANDLE;
	sa_kp_opts lim_o = {.private_obj = SA_KP_TRUE,
	                    .sensitive = SA_KP_TRUE,
	                    .sign = SA_KP_TRUE,
	                    .allowed_mechs = allowed,
	                    .n_allowed_mechs = SA_COUNTOF(allowed),
	                    .label = "sigaudit-kp-use02"};
	sa_kp_opts pub_o = {.verify = SA_KP_TRUE, .label = "sigaudit-kp-use02"};
	CK_MECHANISM ok_mech = {CKM_SHA256_RSA_PKCS, NULL, 0};
	CK_RSA_PKCS_PSS_PARAMS pss = {CKM_SHA256, CKG_MGF1_SHA256, 32};
	char what[160];
	size_t i;

	if (sa_kp_open(ctx, true, &s) < 0)
		goto out;
	if (key_setup(ctx, s, SA_KP_RSA2048, &lim_o, &pub_o,
	              "RSA-2048 private key, CKA_ALLOWED_MECHANISMS "
	              "{CKM_SHA256_RSA_PKCS}",
	              &lim, &pub) < 0)
		goto out;
	check_allowed_readback(ctx, s, lim, allowed, SA_COUNTOF(allowed));
	sign_control(ctx, s, lim, pub, &ok_mech,
	             "with the one allowed mechanism");

	/* The specification names no code for a mechanism outside the list;
	 * CKR_MECHANISM_INVALID is the choice of the reference token,
	 * CKR_KEY_FUNCTION_NOT_PERMITTED describes it as well. Success is
	 * the failure. */
	for (i = 0; i < SA_COUNTOF(others); i++) {
		CK_MECHANISM m = {others[i], NULL, 0};

		if (!sa_case_has_mech(ctx, others[i]))
			continue;
		if (others[i] == CKM_SHA256_RSA_PKCS_PSS) {
			m.pParameter = &pss;
			m.ulParameterLen = sizeof(pss);
		}
		snprintf(what, sizeof(what),
		         "(%s, not in CKA_ALLOWED_MECHANISMS)",
		         sa_p11_mech_name(others[i]));
		refused_init(ctx, SA_KP_OP_SIGN, &m, lim, what,
		             CKR_MECHANISM_INVALID,
		             SA_LENIENT(CKR_KEY_FUNCTION_NOT_PERMITTED));
	}
out:
	sa_p11_destroy(ctx, s, &pub);
	sa_p11_destroy(ctx, s, &lim);
	sa_kp_src_cleanup(ctx, s);
	sa_p11_close(ctx, &s);
}

/* ---- KP-USE-03 (SIG-12) ---- */

/* C_Sign into a buffer large enough for RSA-2048, ending the operation. */
static CK_RV sign_once(sa_case_ctx *ctx, CK_SESSION_HANDLE s, sa_buf *sig)
{
	CK_ULONG n = 512;
	CK_RV rv;

	sa_buf_reset(sig);
	if (sa_buf_reserve(sig, (size_t)n) < 0)
		return CKR_HOST_MEMORY;
	rv = sa_case_p11(ctx)->C_Sign(s, (CK_BYTE_PTR)msg, sizeof(msg),
	                              sig->data, &n);
	if (rv == CKR_OK)
		sig->len = (size_t)n;
	return rv;
}

void sa_kp_use03_always_authenticate(sa_case_ctx *ctx)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE, op = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE aa = CK_INVALID_HANDLE, pub = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE pub_aa = CK_INVALID_HANDLE;
	sa_kp_opts aa_o = {.private_obj = SA_KP_TRUE,
	                   .sensitive = SA_KP_TRUE,
	                   .sign = SA_KP_TRUE,
	                   .always_authenticate = SA_KP_TRUE,
	                   .label = "sigaudit-kp-use03"};
	sa_kp_opts pub_o = {.verify = SA_KP_TRUE, .label = "sigaudit-kp-use03"};
	sa_kp_opts public_aa_o = {.private_obj = SA_KP_FALSE,
	                          .sensitive = SA_KP_TRUE,
	                          .sign = SA_KP_TRUE,
	                          .always_authenticate = SA_KP_TRUE,
	                          .label = "sigaudit-kp-use03"};
	CK_MECHANISM m = {CKM_SHA256_RSA_PKCS, NULL, 0};
	sa_buf sig = SA_BUF_INIT, wrong = SA_BUF_INIT_SECURE;
	CK_RV rv;

	if (sa_kp_open(ctx, true, &s) < 0)
		goto out;
	if (key_setup(ctx, s, SA_KP_RSA2048, &aa_o, &pub_o,
	              "RSA-2048 private key, CKA_ALWAYS_AUTHENTICATE=TRUE", &aa,
	              &pub) < 0)
		goto out;
	sa_kp_check_bool(ctx, s, aa, CKA_ALWAYS_AUTHENTICATE, true,
	                 "key as created");

	/* No context login: the operation is initialised, then refused
	 * with CKR_USER_NOT_LOGGED_IN (B2.40 §4.9 CKA_ALWAYS_AUTHENTICATE,
	 * §5.6.7 CKU_CONTEXT_SPECIFIC). */
	if (sa_kp_open(ctx, false, &op) < 0)
		goto out;
	rv = f->C_SignInit(op, &m, aa);
	if (sa_p11_check_rv(ctx,
	                    "C_SignInit with a CKA_ALWAYS_AUTHENTICATE key "
	                    "(the context login comes after it)",
	                    rv, CKR_OK, SA_STRICT_ONLY)) {
		rv = sign_once(ctx, op, &sig);
		sa_p11_check_rv(ctx, "C_Sign without the context login", rv,
		                CKR_USER_NOT_LOGGED_IN, SA_STRICT_ONLY);
		if (rv == CKR_OK)
			sa_case_note(ctx,
			             "the token signed with a "
			             "CKA_ALWAYS_AUTHENTICATE key without a "
			             "context-specific login");
	}
	sa_p11_close(ctx, &op);

	/* Wrong context PIN. One wrong attempt; the correct context login
	 * below resets the retry counter on tokens that keep one. */
	if (sa_kp_wrong_user_pin(ctx, &wrong) < 0)
		goto out;
	if (sa_kp_open(ctx, false, &op) < 0)
		goto out;
	rv = f->C_SignInit(op, &m, aa);
	if (sa_p11_check_rv(ctx, "C_SignInit before the wrong context login",
	                    rv, CKR_OK, SA_STRICT_ONLY)) {
		rv = f->C_Login(op, CKU_CONTEXT_SPECIFIC, wrong.data,
		                (CK_ULONG)wrong.len);
		sa_p11_check_rv(
		    ctx, "C_Login(CKU_CONTEXT_SPECIFIC) with a wrong PIN", rv,
		    CKR_PIN_INCORRECT, SA_STRICT_ONLY);
	}
	sa_p11_close(ctx, &op);

	/* Control: with the context login the key signs. */
	if (sa_kp_open(ctx, false, &op) < 0)
		goto out;
	rv = f->C_SignInit(op, &m, aa);
	if (sa_p11_check_rv(ctx, "control: C_SignInit before the context login",
	                    rv, CKR_OK, SA_STRICT_ONLY)) {
		rv = sa_p11_login(ctx, op, CKU_CONTEXT_SPECIFIC);
		if (sa_p11_check_rv(
		        ctx,
		        "control: C_Login(CKU_CONTEXT_SPECIFIC) with "
		        "the right PIN",
		        rv, CKR_OK, SA_STRICT_ONLY)) {
			rv = sign_once(ctx, op, &sig);
			if (sa_p11_check_rv(ctx,
			                    "control: C_Sign after the context "
			                    "login",
			                    rv, CKR_OK, SA_STRICT_ONLY)) {
				rv = sa_kp_verify(ctx, s, pub, &m, msg,
				                  sizeof(msg), sig.data,
				                  sig.len);
				sa_p11_check_rv(
				    ctx, "control: the signature verifies", rv,
				    CKR_OK, SA_STRICT_ONLY);
			}
		}
	}
	sa_p11_close(ctx, &op);

	/* A context login with nothing to authorise. */
	if (sa_kp_open(ctx, false, &op) < 0)
		goto out;
	rv = sa_p11_login(ctx, op, CKU_CONTEXT_SPECIFIC);
	sa_p11_check_rv(ctx,
	                "C_Login(CKU_CONTEXT_SPECIFIC) with no active "
	                "operation",
	                rv, CKR_OPERATION_NOT_INITIALIZED, SA_STRICT_ONLY);
	sa_p11_close(ctx, &op);

	/* CKA_ALWAYS_AUTHENTICATE on a public object makes no sense: the
	 * key could be used without any login. Inconsistent with
	 * CKA_PRIVATE=FALSE (B2.40 §4.1.1 rule 4, §4.9). */
	rv = sa_kp_import(ctx, s, SA_KP_RSA2048, &public_aa_o, &pub_aa);
	sa_p11_check_rv(ctx,
	                "C_CreateObject with CKA_ALWAYS_AUTHENTICATE=TRUE and "
	                "CKA_PRIVATE=FALSE",
	                rv, CKR_TEMPLATE_INCONSISTENT,
	                SA_LENIENT(CKR_ATTRIBUTE_VALUE_INVALID));
	if (rv != CKR_OK)
		pub_aa = CK_INVALID_HANDLE;
out:
	sa_buf_free(&wrong);
	sa_buf_free(&sig);
	sa_p11_close(ctx, &op);
	sa_p11_destroy(ctx, s, &pub_aa);
	sa_p11_destroy(ctx, s, &pub);
	sa_p11_destroy(ctx, s, &aa);
	sa_kp_src_cleanup(ctx, s);
	sa_p11_close(ctx, &s);
}
