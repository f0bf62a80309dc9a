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

/* Set-up of one key of a case that checks several: the known key when the
 * token imports it, else a key generated with the same attributes (*known
 * false: leaks can no longer be matched with the value, only refusals
 * checked), else nothing (*out CK_INVALID_HANDLE, a note says why and the
 * case goes on with its other keys). Negative only for an ERROR. */
static int part_setup(sa_case_ctx *ctx, CK_SESSION_HANDLE s, sa_kp_known_id id,
                      const sa_kp_opts *o, const char *what,
                      CK_OBJECT_HANDLE *out, bool *known)
{
	const char *why = NULL;
	char label[200];
	CK_RV rv;
	int rc = SA_OK;

	rv = sa_kp_src_try(ctx, s, id, o, out, NULL, known, &why);
	if (rv == CKR_OK) {
		if (!*known)
			sa_case_note(
			    ctx,
			    "%s: the token refused to import the "
			    "known key; a key generated on the token "
			    "with the same attributes is checked "
			    "instead (weaker evidence: refusals are "
			    "checked, returned bytes cannot be matched "
			    "with a known value)",
			    what);
		goto out;
	}
	*out = CK_INVALID_HANDLE;
	if (why != NULL) {
		sa_case_note(ctx, "%s: not checked: %s", what, why);
		goto out;
	}
	snprintf(label, sizeof(label), "C_CreateObject(%s)", what);
	rc = sa_kp_setup(ctx, rv, label);
out:
	return rc;
}

/* check_secrets_unreadable for a key from part_setup. */
static void check_part(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                       CK_OBJECT_HANDLE h, bool known, const sa_kp_known *k,
                       const char *what)
{
	size_t i;

	if (known) {
		check_secrets_unreadable(ctx, s, h, k, what);
		return;
	}
	for (i = 0; i < k->n_parts; i++) {
		if (k->parts[i].secret)
			(void)sa_kp_check_unreadable(
			    ctx, s, h, k->parts[i].type, NULL, what);
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

/* A key the token will not make at all (import or generation refused), as
 * opposed to a failure of the call (B2.40 §5.1.6). */
static bool refused(CK_RV rv)
{
	return rv == CKR_FUNCTION_NOT_SUPPORTED ||
	       rv == CKR_MECHANISM_INVALID ||
	       rv == CKR_ATTRIBUTE_VALUE_INVALID ||
	       rv == CKR_ATTRIBUTE_TYPE_INVALID ||
	       rv == CKR_TEMPLATE_INCONSISTENT;
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
	bool known = false, no_gen = false;
	int n_keys = 0;
	CK_RV rv;

	if (sa_kp_open(ctx, true, &s) < 0)
		goto out;

	k = sa_kp_known_get(SA_KP_RSA2048);
	if (part_setup(ctx, s, SA_KP_RSA2048, &priv,
	               "sensitive RSA-2048 private key", &rsa, &known) < 0)
		goto out;
	if (rsa != CK_INVALID_HANDLE) {
		if (known)
			check_public_part(ctx, s, rsa, k, CKA_MODULUS,
			                  "sensitive RSA key");
		check_part(ctx, s, rsa, known, k, "sensitive RSA key");
		n_keys++;
	}

	k = sa_kp_known_get(SA_KP_EC_P256);
	if (part_setup(ctx, s, SA_KP_EC_P256, &priv,
	               "sensitive EC P-256 private key", &ec, &known) < 0)
		goto out;
	if (ec != CK_INVALID_HANDLE) {
		check_public_part(ctx, s, ec, k, CKA_EC_PARAMS,
		                  "sensitive EC key");
		check_part(ctx, s, ec, known, k, "sensitive EC key");
		n_keys++;
	}

	k = sa_kp_known_get(SA_KP_AES256);
	if (part_setup(ctx, s, SA_KP_AES256, &sec, "sensitive AES-256 key",
	               &aes, &known) < 0)
		goto out;
	if (aes != CK_INVALID_HANDLE) {
		check_part(ctx, s, aes, known, k, "sensitive AES key");
		n_keys++;
	}

	/* A generated key too: a token may protect what it made itself and
	 * not what it was given, or the other way round. */
	if (!sa_case_has_mech(ctx, CKM_EC_KEY_PAIR_GEN)) {
		sa_case_note(ctx, "token does not list CKM_EC_KEY_PAIR_GEN: "
		                  "no generated key checked");
		no_gen = true;
		goto out;
	}
	rv = sa_kp_src_gen_pair(ctx, s, CKK_EC, 0, &gpub_o, &priv, &gpub,
	                        &gpriv);
	if (refused(rv)) {
		sa_case_note(ctx,
		             "generated sensitive EC key: not checked: the "
		             "token refuses to generate it with these "
		             "attributes (C_GenerateKeyPair: %s)",
		             sa_p11_rv_name(rv));
		no_gen = true;
		goto out;
	}
	if (sa_kp_setup(ctx, rv,
	                "C_GenerateKeyPair(EC P-256, sensitive private key)") <
	    0)
		goto out;
	(void)sa_kp_check_unreadable(ctx, s, gpriv, CKA_VALUE, NULL,
	                             "generated sensitive EC key");
	n_keys++;
out:
	sa_p11_destroy(ctx, s, &gpriv);
	sa_p11_destroy(ctx, s, &gpub);
	sa_p11_destroy(ctx, s, &aes);
	sa_p11_destroy(ctx, s, &ec);
	sa_p11_destroy(ctx, s, &rsa);
	if (no_gen && n_keys == 0)
		sa_case_skip(ctx, "the token can neither import nor generate "
		                  "any of the sensitive keys KP-01 checks "
		                  "(see notes)");
	sa_kp_src_cleanup(ctx, s);
	sa_p11_close(ctx, &s);
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
	bool same, known = false;
	int n_keys = 0;
	CK_RV rv;

	if (sa_kp_open(ctx, true, &s) < 0)
		goto out;

	k = sa_kp_known_get(SA_KP_AES256);
	if (part_setup(ctx, s, SA_KP_AES256, &unx,
	               "unextractable, non-sensitive AES-256 key", &aes,
	               &known) < 0)
		goto out;
	if (aes != CK_INVALID_HANDLE) {
		check_part(ctx, s, aes, known, k,
		           "unextractable non-sensitive AES key");
		n_keys++;
	}

	k = sa_kp_known_get(SA_KP_RSA2048);
	if (part_setup(ctx, s, SA_KP_RSA2048, &unx,
	               "unextractable, non-sensitive RSA-2048 key", &rsa,
	               &known) < 0)
		goto out;
	if (rsa != CK_INVALID_HANDLE) {
		check_part(ctx, s, rsa, known, k,
		           "unextractable non-sensitive RSA key");
		n_keys++;
	}
	if (n_keys == 0) {
		sa_case_skip(ctx, "the token can neither import nor generate "
		                  "an unextractable, non-sensitive key (see "
		                  "notes)");
		goto out;
	}

	/* Control: with neither protection the value must be returned
	 * (B2.40 §5.7.5 case 4), so the refusals above are the attributes'
	 * doing and not a token that never returns CKA_VALUE. */
	k = sa_kp_known_get(SA_KP_AES256_B);
	p = sa_kp_known_part(k, CKA_VALUE);
	if (part_setup(ctx, s, SA_KP_AES256_B, &open_o,
	               "extractable, non-sensitive AES-256 key", &open_aes,
	               &known) < 0 ||
	    open_aes == CK_INVALID_HANDLE)
		goto out;
	rv = sa_kp_get_bytes(ctx, s, open_aes, CKA_VALUE, &got, NULL);
	sa_p11_check_rv(ctx,
	                "control: CKA_VALUE of an extractable, non-sensitive "
	                "key",
	                rv, CKR_OK, SA_STRICT_ONLY);
	if (rv != CKR_OK)
		goto out;
	if (!known) {
		/* A generated key's value is not known: only its length can
		 * be checked against what was asked. */
		sa_case_checkf(ctx, got.len == p->len,
		               "control: the value read has the key's length",
		               "32 bytes", "%zu bytes", got.len);
		goto out;
	}
	same = got.len == p->len && memcmp(got.data, p->value, p->len) == 0;
	(void)sa_kp_aes_kcv(p->value, p->len, kcv_want);
	if (sa_kp_aes_kcv(got.data, got.len, kcv_got) < 0)
		snprintf(kcv_got, sizeof(kcv_got), "none");
	sa_case_checkf(ctx, same,
	               "control: the value read is the imported key (KCV)",
	               kcv_want, "%zu bytes, KCV %s", got.len, kcv_got);
out:
	sa_buf_free(&got);
	sa_p11_destroy(ctx, s, &open_aes);
	sa_p11_destroy(ctx, s, &rsa);
	sa_p11_destroy(ctx, s, &aes);
	sa_kp_src_cleanup(ctx, s);
	sa_p11_close(ctx, &s);
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
	int n_run = 0;
	CK_RV rv;

	if (sa_kp_open(ctx, true, &s) < 0)
		goto out;

	/* Generated sensitive and unextractable: both history flags TRUE,
	 * local, and the generating mechanism recorded. */
	rv = sa_kp_src_gen_secret(ctx, s, CKM_AES_KEY_GEN, 32, &locked, &gen);
	if (refused(rv)) {
		sa_case_note(
		    ctx,
		    "generated AES keys not checked: the token refuses "
		    "to generate AES-256 keys (C_GenerateKey: %s)",
		    sa_p11_rv_name(rv));
		goto imported;
	}
	if (sa_kp_setup(ctx, rv,
	                "C_GenerateKey(AES-256, sensitive, unextractable)") < 0)
		goto out;
	n_run++;
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
	rv = sa_kp_src_gen_secret(ctx, s, CKM_AES_KEY_GEN, 32, &open_o, &later);
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
imported:
	/* A generated key cannot stand in for an imported one here: its
	 * history is the other one. A refused import skips that part. */
	rv = sa_kp_import(ctx, s, SA_KP_AES256, &locked, &imp);
	if (refused(rv)) {
		sa_case_note(ctx,
		             "imported AES key history not checked: the token "
		             "refuses to import AES-256 keys (C_CreateObject: "
		             "%s)",
		             sa_p11_rv_name(rv));
	} else {
		if (sa_kp_setup(ctx, rv,
		                "C_CreateObject(AES-256, sensitive, "
		                "unextractable)") < 0)
			goto out;
		n_run++;
		check_history(ctx, s, imp,
		              "imported sensitive unextractable AES key", false,
		              false, false, CK_UNAVAILABLE_INFORMATION);
	}
	rv = sa_kp_import(ctx, s, SA_KP_RSA2048, &locked, &rsa);
	if (refused(rv)) {
		sa_case_note(ctx,
		             "imported RSA key history not checked: the token "
		             "refuses to import RSA-2048 private keys "
		             "(C_CreateObject: %s)",
		             sa_p11_rv_name(rv));
	} else {
		if (sa_kp_setup(ctx, rv,
		                "C_CreateObject(RSA-2048, sensitive, "
		                "unextractable)") < 0)
			goto out;
		n_run++;
		check_history(ctx, s, rsa,
		              "imported sensitive unextractable RSA key", false,
		              false, false, CK_UNAVAILABLE_INFORMATION);
	}

	/* A generated private key (B2.40 §5.14.2, §4.9). */
	if (!sa_case_has_mech(ctx, CKM_EC_KEY_PAIR_GEN)) {
		sa_case_note(ctx, "token does not list CKM_EC_KEY_PAIR_GEN: no "
		                  "generated private key checked");
		goto out;
	}
	rv = sa_kp_src_gen_pair(ctx, s, CKK_EC, 0, &pub_o, &locked, &gpub,
	                        &gpriv);
	if (refused(rv)) {
		sa_case_note(ctx,
		             "generated EC key not checked: the token refuses "
		             "to generate it (C_GenerateKeyPair: %s)",
		             sa_p11_rv_name(rv));
		if (n_run == 0)
			sa_case_skip(ctx, "the token can neither generate nor "
			                  "import any key whose history KP-04 "
			                  "checks (see notes)");
		goto out;
	}
	n_run++;
	if (sa_kp_setup(ctx, rv,
	                "C_GenerateKeyPair(EC P-256, sensitive, "
	                "unextractable)") < 0)
		goto out;
	check_history(ctx, s, gpriv,
	              "generated sensitive unextractable EC private key", true,
	              true, true, CKM_EC_KEY_PAIR_GEN);
out:
	sa_p11_destroy(ctx, s, &gpriv);
	sa_p11_destroy(ctx, s, &gpub);
	sa_p11_destroy(ctx, s, &rsa);
	sa_p11_destroy(ctx, s, &imp);
	sa_p11_destroy(ctx, s, &copy);
	sa_p11_destroy(ctx, s, &later);
	sa_p11_destroy(ctx, s, &gen);
	sa_kp_src_cleanup(ctx, s);
	sa_p11_close(ctx, &s);
}
