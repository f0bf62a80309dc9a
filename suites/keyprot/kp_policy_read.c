/* Key protection: reading secret attributes and key history (KP-01, KP-02,
 * KP-04). Descriptions and references: kp_policy.c. */
#include <stdio.h>
#include <string.h>

#include "sigaudit/guard.h"

#include "kp_policy_int.h"
#include "kp_util.h"

/* Every secret part of known key k must be unreadable through h. */
static void check_secrets_unreadable(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                                     CK_OBJECT_HANDLE h, const sa_kp_known *k,
                                     const char *what)
{
	size_t i;

	for (i = 0; i < k->n_parts; i++) {
		if (k->parts[i].secret)
			(void)sa_kp_check_unreadable(ctx, s, h,
			                             k->parts[i].type, k, what);
	}
}

/* Control: a public attribute of the imported key reads back as imported,
 * so the object under test really is the known key and the read path
 * works (B2.40 §5.7.5 case 4). */
static void check_public_part(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                              CK_OBJECT_HANDLE h, const sa_kp_known *k,
                              CK_ATTRIBUTE_TYPE type, const char *what)
{
	const sa_kp_part *p = sa_kp_known_part(k, type);
	sa_buf got = SA_BUF_INIT;
	char label[160];
	bool same;
	CK_RV rv;

	if (p == NULL)
		return;
	snprintf(label, sizeof(label), "control: %s: %s (public) reads back",
	         what, sa_p11_attr_name(type));
	rv = sa_kp_get_bytes(ctx, s, h, type, &got, NULL);
	same = rv == CKR_OK && got.len == p->len &&
	       memcmp(got.data, p->value, p->len) == 0;
	sa_case_checkf(ctx, same, label, "CKR_OK, the imported value",
	               "%s, %zu bytes, %s", sa_p11_rv_name(rv), got.len,
	               same ? "the imported value" : "not the imported value");
	sa_buf_free(&got);
}

/* Import known key id with opts o as set-up (ERROR on failure). */
static int import_setup(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                        sa_kp_known_id id, const sa_kp_opts *o,
                        const char *what, CK_OBJECT_HANDLE *out)
{
	char label[160];

	snprintf(label, sizeof(label), "C_CreateObject(%s)", what);
	return sa_kp_setup(ctx, sa_kp_import(ctx, s, id, o, out), label);
}

void sa_kp01_sensitive_unreadable(sa_case_ctx *ctx)
{
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE rsa = CK_INVALID_HANDLE, ec = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE aes = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE gpub = CK_INVALID_HANDLE, gpriv = CK_INVALID_HANDLE;
	/* CKA_EXTRACTABLE TRUE: only CKA_SENSITIVE protects these keys, so
	 * the case tests that attribute alone (KP-02 tests the other). */
	sa_kp_opts priv = {.private_obj = SA_KP_TRUE,
	                   .sensitive = SA_KP_TRUE,
	                   .extractable = SA_KP_TRUE,
	                   .sign = SA_KP_TRUE,
	                   .label = "sigaudit-kp01"};
	sa_kp_opts sec = {.private_obj = SA_KP_TRUE,
	                  .sensitive = SA_KP_TRUE,
	                  .extractable = SA_KP_TRUE,
	                  .encrypt = SA_KP_TRUE,
	                  .label = "sigaudit-kp01"};
	sa_kp_opts gpub_o = {.label = "sigaudit-kp01"};
	const sa_kp_known *k;
	CK_RV rv;

	if (sa_kp_open(ctx, true, &s) < 0)
		goto out;

	k = sa_kp_known_get(SA_KP_RSA2048);
	if (import_setup(ctx, s, SA_KP_RSA2048, &priv,
	                 "sensitive RSA-2048 private key", &rsa) < 0)
		goto out;
	check_public_part(ctx, s, rsa, k, CKA_MODULUS, "sensitive RSA key");
	check_secrets_unreadable(ctx, s, rsa, k, "sensitive RSA key");

	k = sa_kp_known_get(SA_KP_EC_P256);
	if (import_setup(ctx, s, SA_KP_EC_P256, &priv,
	                 "sensitive EC P-256 private key", &ec) < 0)
		goto out;
	check_public_part(ctx, s, ec, k, CKA_EC_PARAMS, "sensitive EC key");
	check_secrets_unreadable(ctx, s, ec, k, "sensitive EC key");

	k = sa_kp_known_get(SA_KP_AES256);
	if (import_setup(ctx, s, SA_KP_AES256, &sec, "sensitive AES-256 key",
	                 &aes) < 0)
		goto out;
	check_secrets_unreadable(ctx, s, aes, k, "sensitive AES key");

	/* A generated key too: a token may protect what it made itself and
	 * not what it was given, or the other way round. */
	if (!sa_case_has_mech(ctx, CKM_EC_KEY_PAIR_GEN)) {
		sa_case_note(ctx, "token does not list CKM_EC_KEY_PAIR_GEN: "
		                  "no generated key checked");
		goto out;
	}
	rv = sa_kp_gen_pair(ctx, s, CKK_EC, 0, &gpub_o, &priv, &gpub, &gpriv);
	if (sa_kp_setup(ctx, rv,
	                "C_GenerateKeyPair(EC P-256, sensitive private key)") <
	    0)
		goto out;
	(void)sa_kp_check_unreadable(ctx, s, gpriv, CKA_VALUE, NULL,
	                             "generated sensitive EC key");
out:
	sa_kp_destroy(ctx, s, &gpriv);
	sa_kp_destroy(ctx, s, &gpub);
	sa_kp_destroy(ctx, s, &aes);
	sa_kp_destroy(ctx, s, &ec);
	sa_kp_destroy(ctx, s, &rsa);
	sa_kp_close(ctx, &s);
}

void sa_kp02_unextractable_unreadable(sa_case_ctx *ctx)
{
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE aes = CK_INVALID_HANDLE, rsa = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE open_aes = CK_INVALID_HANDLE;
	/* Not sensitive, only unextractable: footnote 7 of the common
	 * attribute table names both attributes. */
	sa_kp_opts unx = {.private_obj = SA_KP_TRUE,
	                  .sensitive = SA_KP_FALSE,
	                  .extractable = SA_KP_FALSE,
	                  .label = "sigaudit-kp02"};
	sa_kp_opts open_o = {.private_obj = SA_KP_TRUE,
	                     .sensitive = SA_KP_FALSE,
	                     .extractable = SA_KP_TRUE,
	                     .label = "sigaudit-kp02"};
	const sa_kp_known *k;
	const sa_kp_part *p;
	sa_buf got = SA_BUF_INIT_SECURE;
	char kcv_want[7], kcv_got[7];
	bool same;
	CK_RV rv;

	if (sa_kp_open(ctx, true, &s) < 0)
		goto out;

	k = sa_kp_known_get(SA_KP_AES256);
	if (import_setup(ctx, s, SA_KP_AES256, &unx,
	                 "unextractable, non-sensitive AES-256 key", &aes) < 0)
		goto out;
	check_secrets_unreadable(ctx, s, aes, k,
	                         "unextractable non-sensitive AES key");

	k = sa_kp_known_get(SA_KP_RSA2048);
	if (import_setup(ctx, s, SA_KP_RSA2048, &unx,
	                 "unextractable, non-sensitive RSA-2048 key", &rsa) < 0)
		goto out;
	check_secrets_unreadable(ctx, s, rsa, k,
	                         "unextractable non-sensitive RSA key");

	/* Control: with neither protection the value must be returned
	 * (B2.40 §5.7.5 case 4), so the refusals above are the attributes'
	 * doing and not a token that never returns CKA_VALUE. */
	k = sa_kp_known_get(SA_KP_AES256_B);
	p = sa_kp_known_part(k, CKA_VALUE);
	if (import_setup(ctx, s, SA_KP_AES256_B, &open_o,
	                 "extractable, non-sensitive AES-256 key",
	                 &open_aes) < 0)
		goto out;
	rv = sa_kp_get_bytes(ctx, s, open_aes, CKA_VALUE, &got, NULL);
	sa_p11_check_rv(ctx,
	                "control: CKA_VALUE of an extractable, non-sensitive "
	                "key",
	                rv, CKR_OK, SA_STRICT_ONLY);
	if (rv != CKR_OK)
		goto out;
	same = got.len == p->len && memcmp(got.data, p->value, p->len) == 0;
	(void)sa_kp_aes_kcv(p->value, p->len, kcv_want);
	if (sa_kp_aes_kcv(got.data, got.len, kcv_got) < 0)
		snprintf(kcv_got, sizeof(kcv_got), "none");
	sa_case_checkf(ctx, same,
	               "control: the value read is the imported key (KCV)",
	               kcv_want, "%zu bytes, KCV %s", got.len, kcv_got);
out:
	sa_buf_free(&got);
	sa_kp_destroy(ctx, s, &open_aes);
	sa_kp_destroy(ctx, s, &rsa);
	sa_kp_destroy(ctx, s, &aes);
	sa_kp_close(ctx, &s);
}

/* ---- KP-04 ---- */

/* The four history attributes of a key (B2.40 §4.7.2, §4.9, §4.10):
 * want_gen is CK_UNAVAILABLE_INFORMATION for a key that was not generated
 * on the token. */
static void check_history(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                          CK_OBJECT_HANDLE h, const char *what,
                          bool always_sensitive, bool never_extractable,
                          bool local, CK_MECHANISM_TYPE want_gen)
{
	char label[160];
	CK_ULONG gen = 0;
	CK_RV rv;

	sa_kp_check_bool(ctx, s, h, CKA_ALWAYS_SENSITIVE, always_sensitive,
	                 what);
	sa_kp_check_bool(ctx, s, h, CKA_NEVER_EXTRACTABLE, never_extractable,
	                 what);
	sa_kp_check_bool(ctx, s, h, CKA_LOCAL, local, what);
	snprintf(label, sizeof(label), "%s: CKA_KEY_GEN_MECHANISM", what);
	rv = sa_kp_get_ulong(ctx, s, h, CKA_KEY_GEN_MECHANISM, &gen);
	if (rv != CKR_OK) {
		sa_case_checkf(ctx, false, label,
		               want_gen == CK_UNAVAILABLE_INFORMATION
		                   ? "CK_UNAVAILABLE_INFORMATION"
		                   : sa_p11_mech_name(want_gen),
		               "C_GetAttributeValue returned %s",
		               sa_p11_rv_name(rv));
		return;
	}
	sa_case_check(ctx, gen == want_gen, label,
	              want_gen == CK_UNAVAILABLE_INFORMATION
	                  ? "CK_UNAVAILABLE_INFORMATION"
	                  : sa_p11_mech_name(want_gen),
	              gen == CK_UNAVAILABLE_INFORMATION
	                  ? "CK_UNAVAILABLE_INFORMATION"
	                  : sa_p11_mech_name(gen));
}

/* C_SetAttributeValue of one CK_BBOOL the specification lets a key
 * change in this direction (footnotes 11 and 12: SENSITIVE may become
 * TRUE, EXTRACTABLE may become FALSE). A token may be more restrictive
 * (B2.40 §4.1.1), so a refusal is noted, not failed; returns whether the
 * change was made. */
static bool set_permitted(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                          CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE type, bool v,
                          const char *what)
{
	CK_BBOOL b = v ? CK_TRUE : CK_FALSE;
	CK_ATTRIBUTE a = {type, &b, sizeof(b)};
	CK_RV rv;

	rv = sa_case_p11(ctx)->C_SetAttributeValue(s, h, &a, 1);
	if (rv != CKR_OK)
		sa_case_note(
		    ctx,
		    "%s: C_SetAttributeValue(%s=%s) returned %s (a "
		    "token may be more restrictive than the "
		    "specification, §4.1.1); that history check is not "
		    "run",
		    what, sa_p11_attr_name(type), v ? "TRUE" : "FALSE",
		    sa_p11_rv_name(rv));
	return rv == CKR_OK;
}

void sa_kp04_history(sa_case_ctx *ctx)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE gen = CK_INVALID_HANDLE, later = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE copy = CK_INVALID_HANDLE, imp = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE rsa = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE gpub = CK_INVALID_HANDLE, gpriv = CK_INVALID_HANDLE;
	sa_kp_opts locked = {.private_obj = SA_KP_TRUE,
	                     .sensitive = SA_KP_TRUE,
	                     .extractable = SA_KP_FALSE,
	                     .label = "sigaudit-kp04"};
	sa_kp_opts open_o = {.private_obj = SA_KP_TRUE,
	                     .sensitive = SA_KP_FALSE,
	                     .extractable = SA_KP_TRUE,
	                     .label = "sigaudit-kp04"};
	sa_kp_opts pub_o = {.label = "sigaudit-kp04"};
	CK_BBOOL no = CK_FALSE;
	CK_ATTRIBUTE copy_tmpl[] = {
	    {CKA_TOKEN, &no, sizeof(no)},
	};
	CK_RV rv;

	if (sa_kp_open(ctx, true, &s) < 0)
		goto out;

	/* Generated sensitive and unextractable: both history flags TRUE,
	 * local, and the generating mechanism recorded. */
	rv = sa_kp_gen_secret(ctx, s, CKM_AES_KEY_GEN, 32, &locked, &gen);
	if (sa_kp_setup(ctx, rv,
	                "C_GenerateKey(AES-256, sensitive, unextractable)") < 0)
		goto out;
	check_history(ctx, s, gen, "generated sensitive unextractable key",
	              true, true, true, CKM_AES_KEY_GEN);

	/* A copy keeps CKA_ALWAYS_SENSITIVE and CKA_LOCAL (B2.40 §5.7.2,
	 * §4.7.2 CKA_LOCAL). A token may refuse the copy. */
	rv = f->C_CopyObject(s, gen, copy_tmpl, SA_COUNTOF(copy_tmpl), &copy);
	if (rv == CKR_OK) {
		sa_kp_check_bool(ctx, s, copy, CKA_ALWAYS_SENSITIVE, true,
		                 "copy of the generated key");
		sa_kp_check_bool(ctx, s, copy, CKA_LOCAL, true,
		                 "copy of the generated key");
	} else {
		copy = CK_INVALID_HANDLE;
		sa_case_note(ctx,
		             "C_CopyObject of the generated key returned %s: "
		             "copy history not checked",
		             sa_p11_rv_name(rv));
	}

	/* Generated readable, then locked: the history must remember. */
	rv = sa_kp_gen_secret(ctx, s, CKM_AES_KEY_GEN, 32, &open_o, &later);
	if (sa_kp_setup(ctx, rv,
	                "C_GenerateKey(AES-256, non-sensitive, extractable)") <
	    0)
		goto out;
	check_history(ctx, s, later, "generated readable key", false, false,
	              true, CKM_AES_KEY_GEN);
	if (set_permitted(ctx, s, later, CKA_SENSITIVE, true,
	                  "readable key made sensitive"))
		sa_kp_check_bool(ctx, s, later, CKA_ALWAYS_SENSITIVE, false,
		                 "generated non-sensitive key later made "
		                 "sensitive");
	if (set_permitted(ctx, s, later, CKA_EXTRACTABLE, false,
	                  "readable key made unextractable"))
		sa_kp_check_bool(ctx, s, later, CKA_NEVER_EXTRACTABLE, false,
		                 "generated extractable key later made "
		                 "unextractable");

	/* Imported keys were outside the token: never "always sensitive" or
	 * "never extractable", never local (B2.40 §5.7.1). */
	rv = sa_kp_import(ctx, s, SA_KP_AES256, &locked, &imp);
	if (sa_kp_setup(ctx, rv,
	                "C_CreateObject(AES-256, sensitive, unextractable)") <
	    0)
		goto out;
	check_history(ctx, s, imp, "imported sensitive unextractable AES key",
	              false, false, false, CK_UNAVAILABLE_INFORMATION);
	rv = sa_kp_import(ctx, s, SA_KP_RSA2048, &locked, &rsa);
	if (sa_kp_setup(ctx, rv,
	                "C_CreateObject(RSA-2048, sensitive, unextractable)") <
	    0)
		goto out;
	check_history(ctx, s, rsa, "imported sensitive unextractable RSA key",
	              false, false, false, CK_UNAVAILABLE_INFORMATION);

	/* A generated private key (B2.40 §5.14.2, §4.9). */
	if (!sa_case_has_mech(ctx, CKM_EC_KEY_PAIR_GEN)) {
		sa_case_note(ctx, "token does not list CKM_EC_KEY_PAIR_GEN: no "
		                  "generated private key checked");
		goto out;
	}
	rv = sa_kp_gen_pair(ctx, s, CKK_EC, 0, &pub_o, &locked, &gpub, &gpriv);
	if (sa_kp_setup(ctx, rv,
	                "C_GenerateKeyPair(EC P-256, sensitive, "
	                "unextractable)") < 0)
		goto out;
	check_history(ctx, s, gpriv,
	              "generated sensitive unextractable EC private key", true,
	              true, true, CKM_EC_KEY_PAIR_GEN);
out:
	sa_kp_destroy(ctx, s, &gpriv);
	sa_kp_destroy(ctx, s, &gpub);
	sa_kp_destroy(ctx, s, &rsa);
	sa_kp_destroy(ctx, s, &imp);
	sa_kp_destroy(ctx, s, &copy);
	sa_kp_destroy(ctx, s, &later);
	sa_kp_destroy(ctx, s, &gen);
	sa_kp_close(ctx, &s);
}
