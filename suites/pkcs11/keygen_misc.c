/* Catalogue group E: secret keys (GEN-04), atomicity (GEN-05), weak sizes
 * (GEN-06) and post-quantum key pairs (GEN-07). Descriptions and references:
 * keygen.c. Every key is a session object, destroyed before the case ends. */
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>

#include "sigaudit/guard.h"

#include "keygen_int.h"
#include "session_int.h"

static const CK_BYTE oid_bogus[] = {0x06, 0x08, 0x2a, 0x86, 0x48,
                                    0xce, 0x3d, 0x03, 0x01, 0x63};

static const char *mech_name(CK_ULONG m)
{
	return sa_p11_mech_name((CK_MECHANISM_TYPE)m);
}

static const char *aes_key_type_name(CK_ULONG kt)
{
	return kt == CKK_AES ? "CKK_AES" : "not CKK_AES";
}

/* C_GenerateKey(CKM_AES_KEY_GEN) of a session secret key (a token object
 * labelled SA_P11_GEN_TMP_LABEL with token). len 0 leaves CKA_VALUE_LEN
 * out; kt / cls (when not ~0) set CKA_KEY_TYPE / CKA_CLASS. */
static CK_RV gen_aes(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_ULONG len,
                     CK_KEY_TYPE kt, CK_OBJECT_CLASS cls, bool token,
                     CK_OBJECT_HANDLE *out)
{
	CK_MECHANISM m = {CKM_AES_KEY_GEN, NULL, 0};
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	CK_BBOOL tok = token ? CK_TRUE : CK_FALSE;
	CK_ATTRIBUTE t[9];
	CK_ULONG n = 0;
	CK_RV rv;

	*out = CK_INVALID_HANDLE;
	t[n++] = (CK_ATTRIBUTE){CKA_TOKEN, &tok, sizeof(tok)};
	if (token)
		t[n++] = (CK_ATTRIBUTE){CKA_LABEL, SA_P11_GEN_TMP_LABEL,
		                        sizeof(SA_P11_GEN_TMP_LABEL) - 1};
	t[n++] = (CK_ATTRIBUTE){CKA_ENCRYPT, &yes, sizeof(yes)};
	/* Readable, so that CKA_VALUE can be checked independently: a
	 * session key of a test, never a secret. */
	t[n++] = (CK_ATTRIBUTE){CKA_SENSITIVE, &no, sizeof(no)};
	t[n++] = (CK_ATTRIBUTE){CKA_EXTRACTABLE, &yes, sizeof(yes)};
	if (len != 0)
		t[n++] = (CK_ATTRIBUTE){CKA_VALUE_LEN, &len, sizeof(len)};
	if (kt != (CK_KEY_TYPE)~0UL)
		t[n++] = (CK_ATTRIBUTE){CKA_KEY_TYPE, &kt, sizeof(kt)};
	if (cls != (CK_OBJECT_CLASS)~0UL)
		t[n++] = (CK_ATTRIBUTE){CKA_CLASS, &cls, sizeof(cls)};
	rv = sa_case_p11(ctx)->C_GenerateKey(s, &m, t, n, out);
	if (rv != CKR_OK)
		*out = CK_INVALID_HANDLE;
	return rv;
}

/* ---- GEN-04a ---- */

/* Encrypt one zero block with the key on the token (CKM_AES_ECB) and with
 * OpenSSL using CKA_VALUE: equal only if the token uses the key length it
 * reports. */
static void aes_cross_check(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                            CK_OBJECT_HANDLE key, const sa_buf *value,
                            const char *what)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_MECHANISM m = {CKM_AES_ECB, NULL, 0};
	unsigned char zero[16] = {0}, tok[32], ref[32];
	CK_ULONG tok_len = sizeof(tok);
	const EVP_CIPHER *ciph = NULL;
	EVP_CIPHER_CTX *c = NULL;
	int n1 = 0, n2 = 0;
	CK_RV rv;

	rv = f->C_EncryptInit(s, &m, key);
	if (rv == CKR_OK)
		rv = f->C_Encrypt(s, zero, sizeof(zero), tok, &tok_len);
	if (rv != CKR_OK) {
		sa_case_checkf(ctx, false, what, "equal ciphertexts",
		               "token CKM_AES_ECB: %s", sa_p11_rv_name(rv));
		goto out;
	}
	ciph = value->len == 16   ? EVP_aes_128_ecb()
	       : value->len == 24 ? EVP_aes_192_ecb()
	                          : EVP_aes_256_ecb();
	ERR_clear_error();
	c = EVP_CIPHER_CTX_new();
	if (c == NULL ||
	    EVP_EncryptInit_ex(c, ciph, NULL, value->data, NULL) != 1 ||
	    EVP_CIPHER_CTX_set_padding(c, 0) != 1 ||
	    EVP_EncryptUpdate(c, ref, &n1, zero, sizeof(zero)) != 1 ||
	    EVP_EncryptFinal_ex(c, ref + n1, &n2) != 1) {
		sa_error_ossl(sa_case_err(ctx), __FILE__, __LINE__,
		              "AES-ECB reference");
		sa_case_error(ctx, "could not compute the reference: %s",
		              sa_case_err(ctx)->msg);
		goto out;
	}
	sa_case_checkf(ctx,
	               tok_len == (CK_ULONG)(n1 + n2) &&
	                   memcmp(tok, ref, (size_t)(n1 + n2)) == 0,
	               what, "equal ciphertexts", "%s (%lu bytes)",
	               tok_len == (CK_ULONG)(n1 + n2) &&
	                       memcmp(tok, ref, (size_t)(n1 + n2)) == 0
	                   ? "equal"
	                   : "different",
	               (unsigned long)tok_len);
out:
	OPENSSL_cleanse(ref, sizeof(ref));
	EVP_CIPHER_CTX_free(c);
}

static void aes_checks(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_ULONG len,
                       CK_OBJECT_HANDLE key)
{
	CK_ATTRIBUTE_TYPE all[40];
	size_t n = 0, i;
	sa_buf value = SA_BUF_INIT_SECURE;
	char what[128];
	CK_RV rv;

	snprintf(what, sizeof(what), "AES-%lu CKA_VALUE_LEN",
	         (unsigned long)len * 8);
	sa_p11_gen_check_ulong(ctx, s, key, CKA_VALUE_LEN, len, NULL, what);
	snprintf(what, sizeof(what), "AES-%lu CKA_KEY_TYPE",
	         (unsigned long)len * 8);
	sa_p11_gen_check_ulong(ctx, s, key, CKA_KEY_TYPE, CKK_AES,
	                       aes_key_type_name, what);
	snprintf(what, sizeof(what), "AES-%lu CKA_LOCAL",
	         (unsigned long)len * 8);
	sa_p11_gen_check_bool(ctx, s, key, CKA_LOCAL, true, what);
	snprintf(what, sizeof(what), "AES-%lu CKA_KEY_GEN_MECHANISM",
	         (unsigned long)len * 8);
	sa_p11_gen_check_ulong(ctx, s, key, CKA_KEY_GEN_MECHANISM,
	                       CKM_AES_KEY_GEN, mech_name, what);
	for (i = 0; i < sa_p11_gen_n_attrs_secret && n + 2 < SA_COUNTOF(all);
	     i++)
		all[n++] = sa_p11_gen_attrs_secret[i];
	all[n++] = CKA_VALUE;
	all[n++] = CKA_VALUE_LEN;
	snprintf(what, sizeof(what), "AES-%lu attribute set",
	         (unsigned long)len * 8);
	sa_p11_gen_check_attrs(ctx, s, key, all, n, what);

	/* Independent of CKA_VALUE_LEN: the length of the value itself. */
	rv = sa_p11_gen_get(ctx, s, key, CKA_VALUE, &value);
	if (rv == CKR_ATTRIBUTE_SENSITIVE) {
		sa_case_note(ctx,
		             "AES-%lu: CKA_VALUE is sensitive although "
		             "CKA_SENSITIVE=FALSE was asked; length not "
		             "checked independently",
		             (unsigned long)len * 8);
		goto out;
	}
	snprintf(what, sizeof(what), "AES-%lu length of CKA_VALUE",
	         (unsigned long)len * 8);
	if (!sa_case_checkf(ctx, rv == CKR_OK && value.len == len, what,
	                    "CKA_VALUE_LEN bytes", "%s, %zu bytes (want %lu)",
	                    sa_p11_rv_name(rv), value.len, (unsigned long)len))
		goto out;
	if (!sa_case_has_mech(ctx, CKM_AES_ECB)) {
		sa_case_note(ctx, "the token does not list CKM_AES_ECB: no "
		                  "encryption cross-check");
		goto out;
	}
	snprintf(what, sizeof(what),
	         "AES-%lu: token encryption equals OpenSSL's with CKA_VALUE",
	         (unsigned long)len * 8);
	aes_cross_check(ctx, s, key, &value, what);
out:
	sa_buf_free(&value);
}

void sa_p11_gen04a_aes(sa_case_ctx *ctx)
{
	static const CK_ULONG lens[] = {16, 24, 32};
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;
	char what[96];
	size_t i;
	CK_RV rv;

	if (sa_p11_gen_session(ctx, &s) < 0)
		goto out;
	for (i = 0; i < SA_COUNTOF(lens); i++) {
		snprintf(what, sizeof(what),
		         "C_GenerateKey(CKM_AES_KEY_GEN, CKA_VALUE_LEN %lu)",
		         (unsigned long)lens[i]);
		/* Curr. Mech. v2.40 §2.8: AES keys are 16, 24 or 32 bytes;
		 * the mechanism info range is in bytes. */
		rv = gen_aes(ctx, s, lens[i], CKK_AES, CKO_SECRET_KEY, false,
		             &key);
		if (rv == CKR_ATTRIBUTE_VALUE_INVALID ||
		    rv == CKR_TEMPLATE_INCONSISTENT) {
			/* As sa_p11_gen_pair's fallback: a token that keeps
			 * keys only as token objects. */
			CK_RV rv_tok = gen_aes(ctx, s, lens[i], CKK_AES,
			                       CKO_SECRET_KEY, true, &key);

			if (rv_tok == CKR_OK) {
				sa_case_note(ctx,
				             "session AES key refused (%s); "
				             "made as a token object labelled "
				             "\"" SA_P11_GEN_TMP_LABEL "\", "
				             "destroyed at the end",
				             sa_p11_rv_name(rv));
				rv = CKR_OK;
			}
		}
		if (sa_p11_check_rv(ctx, what, rv, CKR_OK, SA_STRICT_ONLY))
			aes_checks(ctx, s, lens[i], key);
		sa_p11_gen_destroy(ctx, s, &key);
	}
out:
	sa_p11_gen_destroy(ctx, s, &key);
	sa_p11_gen_session_end(ctx, &s);
}

/* ---- GEN-04b ---- */

void sa_p11_gen04b_aes_bad(sa_case_ctx *ctx)
{
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;
	/* B2.40 §5.1.6: either code describes a CKA_VALUE_LEN the mechanism
	 * cannot make; neither is preferred. A length of 0 is "no value" to
	 * some tokens, for which CKR_TEMPLATE_INCOMPLETE is as accurate. */
	static const CK_RV bad_len[] = {
	    CKR_KEY_SIZE_RANGE, CKR_ATTRIBUTE_VALUE_INVALID, SA_CKR_END};
	static const CK_RV zero_len[] = {CKR_KEY_SIZE_RANGE,
	                                 CKR_ATTRIBUTE_VALUE_INVALID,
	                                 CKR_TEMPLATE_INCOMPLETE, SA_CKR_END};
	static const CK_ULONG lens[] = {0, 7, 33};
	char what[96];
	size_t i;
	CK_RV rv;

	if (sa_p11_gen_session(ctx, &s) < 0)
		goto out;
	for (i = 0; i < SA_COUNTOF(lens); i++) {
		snprintf(what, sizeof(what),
		         "C_GenerateKey(AES, CKA_VALUE_LEN %lu)",
		         (unsigned long)lens[i]);
		if (lens[i] == 0) {
			/* 0 would mean "leave it out" to gen_aes. */
			CK_MECHANISM m = {CKM_AES_KEY_GEN, NULL, 0};
			CK_BBOOL no = CK_FALSE;
			CK_ULONG zero = 0;
			CK_ATTRIBUTE t[] = {
			    {CKA_TOKEN, &no, sizeof(no)},
			    {CKA_VALUE_LEN, &zero, sizeof(zero)},
			};

			rv = sa_case_p11(ctx)->C_GenerateKey(
			    s, &m, t, SA_COUNTOF(t), &key);
			if (rv != CKR_OK)
				key = CK_INVALID_HANDLE;
			sa_p11_gen_check_rv_any(ctx, what, rv, zero_len);
		} else {
			rv = gen_aes(ctx, s, lens[i], CKK_AES, CKO_SECRET_KEY,
			             false, &key);
			sa_p11_gen_check_rv_any(ctx, what, rv, bad_len);
		}
		sa_p11_gen_destroy(ctx, s, &key);
	}
	/* Curr. Mech. v2.40 §2.8.3: CKA_VALUE_LEN must be given. */
	rv = gen_aes(ctx, s, 0, CKK_AES, CKO_SECRET_KEY, false, &key);
	sa_p11_check_rv(ctx, "C_GenerateKey(AES) without CKA_VALUE_LEN", rv,
	                CKR_TEMPLATE_INCOMPLETE, SA_STRICT_ONLY);
	sa_p11_gen_destroy(ctx, s, &key);
	/* B2.40 §5.14.1 / §4.1.1: a template that contradicts the mechanism
	 * is inconsistent; the attribute alone is a valid value. */
	rv = gen_aes(ctx, s, 16, CKK_DES3, CKO_SECRET_KEY, false, &key);
	sa_p11_check_rv(ctx,
	                "C_GenerateKey(CKM_AES_KEY_GEN, CKA_KEY_TYPE "
	                "CKK_DES3)",
	                rv, CKR_TEMPLATE_INCONSISTENT,
	                SA_LENIENT(CKR_ATTRIBUTE_VALUE_INVALID));
	sa_p11_gen_destroy(ctx, s, &key);
	rv = gen_aes(ctx, s, 16, CKK_AES, CKO_PRIVATE_KEY, false, &key);
	sa_p11_check_rv(ctx,
	                "C_GenerateKey(CKM_AES_KEY_GEN, CKA_CLASS "
	                "CKO_PRIVATE_KEY)",
	                rv, CKR_TEMPLATE_INCONSISTENT,
	                SA_LENIENT(CKR_ATTRIBUTE_VALUE_INVALID));
out:
	sa_p11_gen_destroy(ctx, s, &key);
	sa_p11_gen_session_end(ctx, &s);
}

/* ---- GEN-05 ---- */

/* One failing generation call of GEN-05. */
struct gen05_call {
	const char *what;
	CK_MECHANISM_TYPE needs;
	bool aes;     /* C_GenerateKey(AES, CKA_VALUE_LEN 7), else spec */
	bool unknown; /* an unknown attribute type: GEN-05b, else GEN-05a */
	sa_p11_gen_spec spec;
};

static const char gen05_label[] = "sigaudit-gen05";

/* Whether this token keeps keys only as token objects: a good P-256 (or
 * RSA-2048) pair made with the fallback of sa_p11_gen_pair tells. The
 * refused calls must then differ from a good call only in what they test. */
static bool gen05_token_mode(sa_case_ctx *ctx, CK_SESSION_HANDLE s)
{
	const sa_p11_ossl_curve *p256 = sa_p11_ossl_curve_by_name("P-256");
	CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE, priv = CK_INVALID_HANDLE;
	sa_p11_gen_spec spec = {0};
	CK_BBOOL tok = CK_FALSE;
	CK_ATTRIBUTE a = {CKA_TOKEN, &tok, sizeof(tok)};
	bool token = false;

	spec.fallback = true;
	spec.label = gen05_label;
	if (sa_case_has_mech(ctx, CKM_EC_KEY_PAIR_GEN)) {
		spec.mech = CKM_EC_KEY_PAIR_GEN;
		spec.params = p256->oid;
		spec.params_len = p256->oid_len;
	} else if (sa_case_has_mech(ctx, CKM_RSA_PKCS_KEY_PAIR_GEN)) {
		spec.mech = CKM_RSA_PKCS_KEY_PAIR_GEN;
		spec.bits = 2048;
	} else {
		goto out;
	}
	if (sa_p11_gen_pair(ctx, s, &spec, &pub, &priv) == CKR_OK &&
	    sa_case_p11(ctx)->C_GetAttributeValue(s, priv, &a, 1) == CKR_OK &&
	    tok == CK_TRUE)
		token = true;
out:
	sa_p11_gen_destroy(ctx, s, &priv);
	sa_p11_gen_destroy(ctx, s, &pub);
	return token;
}

static void gen05_one(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                      const struct gen05_call *c, bool token)
{
	sa_p11_gen_spec spec = c->spec;
	CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE, priv = CK_INVALID_HANDLE;
	CK_ULONG before = 0, after = 0, lab = 0;
	char what[192];
	CK_RV rv, crv;

	crv = sa_p11_gen_count(ctx, s, &before);
	if (crv != CKR_OK) {
		sa_case_error(ctx, "set-up: counting objects: %s",
		              sa_p11_rv_name(crv));
		goto out;
	}
	spec.token = token;
	if (c->aes)
		rv = gen_aes(ctx, s, 7, CKK_AES, CKO_SECRET_KEY, token, &pub);
	else
		rv = sa_p11_gen_pair(ctx, s, &spec, &pub, &priv);
	snprintf(what, sizeof(what), "%s is refused", c->what);
	if (!sa_case_check(ctx, rv != CKR_OK, what, "an error",
	                   sa_p11_rv_name(rv)))
		goto out;
	crv = sa_p11_gen_count(ctx, s, &after);
	snprintf(what, sizeof(what), "objects visible after the refused %s",
	         c->what);
	sa_case_checkf(ctx, crv == CKR_OK && after == before, what, "unchanged",
	               "%lu before, %lu after (call %s, count %s)",
	               (unsigned long)before, (unsigned long)after,
	               sa_p11_rv_name(rv), sa_p11_rv_name(crv));
	if (!c->aes) {
		/* A module could hide what it left from an empty search but
		 * not from one by label. */
		crv = sa_p11_count_label(ctx, s, gen05_label, &lab);
		snprintf(what, sizeof(what),
		         "objects labelled %s after the refused %s",
		         gen05_label, c->what);
		sa_case_checkf(ctx, crv == CKR_OK && lab == 0, what, "0",
		               "%lu (%s)", (unsigned long)lab,
		               sa_p11_rv_name(crv));
	}
out:
	sa_p11_gen_destroy(ctx, s, &priv);
	sa_p11_gen_destroy(ctx, s, &pub);
	sa_p11_gen_sweep(ctx, s, gen05_label);
}

static void gen05_run(sa_case_ctx *ctx, bool unknown_attrs)
{
	const sa_p11_ossl_curve *p256 = sa_p11_ossl_curve_by_name("P-256");
	CK_OBJECT_CLASS pub_cls = CKO_PUBLIC_KEY;
	CK_BBOOL yes = CK_TRUE;
	/* Below CKA_VENDOR_DEFINED and not assigned:
	 * CKR_ATTRIBUTE_TYPE_INVALID (B2.40 §5.1.6). */
	CK_ATTRIBUTE unknown = {0x7ffffff0UL, &yes, sizeof(yes)};
	CK_ATTRIBUTE priv_as_pub = {CKA_CLASS, &pub_cls, sizeof(pub_cls)};
	struct gen05_call calls[8];
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	size_t i, n = 0, ran = 0;
	bool token = false;

	memset(calls, 0, sizeof(calls));
	calls[n].what = "C_GenerateKeyPair(RSA-2048) without "
	                "CKA_MODULUS_BITS";
	calls[n].needs = CKM_RSA_PKCS_KEY_PAIR_GEN;
	calls[n].spec.mech = CKM_RSA_PKCS_KEY_PAIR_GEN;
	calls[n].spec.omit_bits = true;
	calls[n++].spec.label = gen05_label;
	/* In the next calls the private template is the bad one: a module
	 * that makes the public key first and only then looks at the
	 * private template is what "will never create just one key"
	 * forbids. */
	calls[n].what = "C_GenerateKeyPair(RSA-2048), unknown attribute "
	                "type in the private template";
	calls[n].needs = CKM_RSA_PKCS_KEY_PAIR_GEN;
	calls[n].unknown = true;
	calls[n].spec.mech = CKM_RSA_PKCS_KEY_PAIR_GEN;
	calls[n].spec.bits = 2048;
	calls[n].spec.extra_priv = &unknown;
	calls[n].spec.n_extra_priv = 1;
	calls[n++].spec.label = gen05_label;
	calls[n].what = "C_GenerateKeyPair(P-256), CKA_CLASS CKO_PUBLIC_KEY "
	                "in the private template";
	calls[n].needs = CKM_EC_KEY_PAIR_GEN;
	calls[n].spec.mech = CKM_EC_KEY_PAIR_GEN;
	calls[n].spec.params = p256->oid;
	calls[n].spec.params_len = p256->oid_len;
	calls[n].spec.extra_priv = &priv_as_pub;
	calls[n].spec.n_extra_priv = 1;
	calls[n++].spec.label = gen05_label;
	calls[n].what = "C_GenerateKeyPair(P-256), unknown attribute type "
	                "in the private template";
	calls[n].needs = CKM_EC_KEY_PAIR_GEN;
	calls[n].unknown = true;
	calls[n].spec = calls[n - 1].spec;
	calls[n++].spec.extra_priv = &unknown;
	/* The public template too; P-256, which is quicker to make than
	 * RSA on software tokens. */
	calls[n].what = "C_GenerateKeyPair(P-256), unknown attribute type "
	                "in the public template";
	calls[n].needs = CKM_EC_KEY_PAIR_GEN;
	calls[n].unknown = true;
	calls[n].spec = calls[n - 1].spec;
	calls[n].spec.extra_priv = NULL;
	calls[n].spec.n_extra_priv = 0;
	calls[n].spec.extra_pub = &unknown;
	calls[n++].spec.n_extra_pub = 1;
	calls[n].what = "C_GenerateKeyPair(EC, unassigned curve OID)";
	calls[n].needs = CKM_EC_KEY_PAIR_GEN;
	calls[n].spec.mech = CKM_EC_KEY_PAIR_GEN;
	calls[n].spec.params = oid_bogus;
	calls[n].spec.params_len = sizeof(oid_bogus);
	calls[n++].spec.label = gen05_label;
	calls[n].what = "C_GenerateKey(AES, CKA_VALUE_LEN 7)";
	calls[n].needs = CKM_AES_KEY_GEN;
	calls[n++].aes = true;

	if (sa_p11_gen_session(ctx, &s) < 0)
		goto out;
	sa_p11_gen_sweep(ctx, s, gen05_label);
	token = gen05_token_mode(ctx, s);
	if (token)
		sa_case_note(ctx, "the token keeps keys only as token objects: "
		                  "the refused calls ask for token objects");
	for (i = 0; i < n; i++) {
		if (calls[i].unknown != unknown_attrs)
			continue;
		if (!sa_case_has_mech(ctx, calls[i].needs)) {
			sa_case_note(ctx,
			             "%s: not run, the token does not "
			             "list %s",
			             calls[i].what,
			             sa_p11_mech_name(calls[i].needs));
			continue;
		}
		ran++;
		gen05_one(ctx, s, &calls[i], token);
	}
	if (ran == 0)
		sa_case_skip(ctx,
		             "the token lists none of "
		             "CKM_RSA_PKCS_KEY_PAIR_GEN, "
		             "CKM_EC_KEY_PAIR_GEN%s",
		             unknown_attrs ? "" : ", CKM_AES_KEY_GEN");
out:
	/* Anything a broken module left unlabelled goes with the session. */
	sa_p11_gen_session_end(ctx, &s);
}

void sa_p11_gen05a_atomic(sa_case_ctx *ctx)
{
	gen05_run(ctx, false);
}

void sa_p11_gen05b_atomic_unknown_attr(sa_case_ctx *ctx)
{
	gen05_run(ctx, true);
}

/* ---- GEN-06 ---- */

/* The mechanism's advertised key-size range; *have false when unknown. */
static void mech_range(sa_case_ctx *ctx, CK_MECHANISM_TYPE m, CK_ULONG *min,
                       CK_ULONG *max, bool *have)
{
	CK_MECHANISM_INFO mi;
	CK_RV rv;

	memset(&mi, 0, sizeof(mi));
	rv = sa_case_p11(ctx)->C_GetMechanismInfo(sa_case_slot(ctx), m, &mi);
	*have = rv == CKR_OK;
	*min = mi.ulMinKeySize;
	*max = mi.ulMaxKeySize;
	if (!*have)
		sa_case_note(ctx, "C_GetMechanismInfo(%s): %s",
		             sa_p11_mech_name(m), sa_p11_rv_name(rv));
}

/* "key" into the accepted list, or "key (CKR_...)" into the refused one. */
static void weak_outcome(const char *key, CK_RV rv, sa_buf *acc, sa_buf *ref)
{
	sa_buf *b = rv == CKR_OK ? acc : ref;

	if (b->len > 0)
		sa_buf_append_str(b, ", ");
	if (rv == CKR_OK)
		sa_buf_append_str(b, key);
	else
		sa_buf_appendf(b, "%s (%s)", key, sa_p11_rv_name(rv));
}

/* The two consistency rules of GEN-06 between C_GetMechanismInfo and what
 * the token does with a key of `size` (B2.40 §3.5: ulMinKeySize and
 * ulMaxKeySize bound the supported sizes). */
static void weak_consistency(sa_case_ctx *ctx, const char *key, CK_RV rv,
                             CK_ULONG size, CK_ULONG min, CK_ULONG max,
                             bool have, sa_buf *acc, sa_buf *ref)
{
	bool in = have && size >= min && size <= max;
	char what[160];

	weak_outcome(key, rv, acc, ref);
	if (!have) {
		/* No range to compare with (noted by mech_range). */
	} else if (rv == CKR_OK) {
		snprintf(what, sizeof(what),
		         "%s accepted: within the advertised key sizes", key);
		sa_case_checkf(ctx, in, what,
		               "ulMinKeySize <= size <= ulMaxKeySize",
		               "%lu in %lu..%lu", (unsigned long)size,
		               (unsigned long)min, (unsigned long)max);
	} else if (rv == CKR_KEY_SIZE_RANGE) {
		snprintf(what, sizeof(what),
		         "%s refused as CKR_KEY_SIZE_RANGE: outside the "
		         "advertised key sizes",
		         key);
		sa_case_checkf(ctx, !in, what,
		               "size < ulMinKeySize or size > ulMaxKeySize",
		               "%lu in %lu..%lu", (unsigned long)size,
		               (unsigned long)min, (unsigned long)max);
	}
}

void sa_p11_gen06_weak(sa_case_ctx *ctx)
{
	const sa_p11_ossl_curve *p192 = sa_p11_ossl_curve_by_name("P-192");
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE, priv = CK_INVALID_HANDLE;
	sa_p11_gen_spec spec = {0};
	sa_buf acc = SA_BUF_INIT, ref = SA_BUF_INIT, none = SA_BUF_INIT;
	CK_ULONG min = 0, max = 0;
	bool have = false;
	CK_RV rv;

	if (sa_p11_gen_session(ctx, &s) < 0)
		goto out;
	if (sa_case_has_mech(ctx, CKM_RSA_PKCS_KEY_PAIR_GEN)) {
		mech_range(ctx, CKM_RSA_PKCS_KEY_PAIR_GEN, &min, &max, &have);
		spec.mech = CKM_RSA_PKCS_KEY_PAIR_GEN;
		spec.bits = 1024;
		spec.fallback = true;
		rv = sa_p11_gen_pair(ctx, s, &spec, &pub, &priv);
		weak_consistency(ctx, "RSA-1024", rv, 1024, min, max, have,
		                 &acc, &ref);
		sa_p11_gen_destroy(ctx, s, &priv);
		sa_p11_gen_destroy(ctx, s, &pub);
	} else {
		sa_buf_append_str(&none, "RSA");
	}
	if (sa_case_has_mech(ctx, CKM_EC_KEY_PAIR_GEN)) {
		mech_range(ctx, CKM_EC_KEY_PAIR_GEN, &min, &max, &have);
		memset(&spec, 0, sizeof(spec));
		spec.mech = CKM_EC_KEY_PAIR_GEN;
		spec.fallback = true;
		spec.params = p192->oid;
		spec.params_len = p192->oid_len;
		rv = sa_p11_gen_pair(ctx, s, &spec, &pub, &priv);
		weak_consistency(ctx, "P-192", rv, 192, min, max, have, &acc,
		                 &ref);
		sa_p11_gen_destroy(ctx, s, &priv);
		sa_p11_gen_destroy(ctx, s, &pub);
	} else {
		sa_buf_appendf(&none, "%sEC", none.len ? ", " : "");
	}
	if (sa_case_has_mech(ctx, CKM_DES3_KEY_GEN)) {
		CK_MECHANISM m = {CKM_DES3_KEY_GEN, NULL, 0};
		CK_BBOOL no = CK_FALSE;
		CK_ATTRIBUTE t[] = {{CKA_TOKEN, &no, sizeof(no)}};

		rv = sa_case_p11(ctx)->C_GenerateKey(s, &m, t, SA_COUNTOF(t),
		                                     &pub);
		if (rv != CKR_OK)
			pub = CK_INVALID_HANDLE;
		weak_outcome("3DES", rv, &acc, &ref);
		/* A listed mechanism the token calls invalid contradicts its
		 * own mechanism list (B2.40 §5.5.5). */
		sa_case_checkf(ctx, rv != CKR_MECHANISM_INVALID,
		               "CKM_DES3_KEY_GEN is listed: not "
		               "CKR_MECHANISM_INVALID",
		               "anything but CKR_MECHANISM_INVALID", "%s",
		               sa_p11_rv_name(rv));
		sa_p11_gen_destroy(ctx, s, &pub);
	} else {
		sa_buf_appendf(&none, "%s3DES", none.len ? ", " : "");
	}
	sa_case_info(ctx,
	             "weak sizes accepted: %s; refused: %s; not offered: "
	             "%s",
	             acc.len ? sa_buf_cstr(&acc) : "none",
	             ref.len ? sa_buf_cstr(&ref) : "none",
	             none.len ? sa_buf_cstr(&none) : "none");
out:
	sa_p11_gen_destroy(ctx, s, &priv);
	sa_p11_gen_destroy(ctx, s, &pub);
	sa_p11_gen_session_end(ctx, &s);
	sa_buf_free(&none);
	sa_buf_free(&ref);
	sa_buf_free(&acc);
}

/* ---- GEN-07 ---- */

static const char *param_set_name(CK_ULONG ps)
{
	switch (ps) {
	case SA_CKP_ML_DSA_44:
		return "CKP_ML_DSA_44";
	case SA_CKP_ML_DSA_65:
		return "CKP_ML_DSA_65";
	case SA_CKP_ML_DSA_87:
		return "CKP_ML_DSA_87";
	default:
		return "other parameter set";
	}
}

/* Sign on the token with CKM_ML_DSA and verify on the token: OpenSSL 3.0
 * has no ML-DSA, so the round trip and a flipped-bit refusal are what can
 * be checked without a second implementation. */
static void mldsa_sign(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                       CK_OBJECT_HANDLE pub, CK_OBJECT_HANDLE priv,
                       const char *key)
{
	static const unsigned char msg[] = "sigaudit ML-DSA check";
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_MECHANISM m = {SA_CKM_ML_DSA, NULL, 0};
	unsigned char sig[8192];
	CK_ULONG sig_len = sizeof(sig);
	char what[128];
	CK_RV rv;

	rv = f->C_SignInit(s, &m, priv);
	if (rv == CKR_OK)
		rv = f->C_Sign(s, (CK_BYTE_PTR)msg, sizeof(msg) - 1, sig,
		               &sig_len);
	snprintf(what, sizeof(what), "%s C_Sign(CKM_ML_DSA)", key);
	if (!sa_p11_check_rv(ctx, what, rv, CKR_OK, SA_STRICT_ONLY))
		goto out;
	rv = f->C_VerifyInit(s, &m, pub);
	if (rv == CKR_OK)
		rv = f->C_Verify(s, (CK_BYTE_PTR)msg, sizeof(msg) - 1, sig,
		                 sig_len);
	snprintf(what, sizeof(what), "%s C_Verify of its signature", key);
	sa_p11_check_rv(ctx, what, rv, CKR_OK, SA_STRICT_ONLY);
	if (sig_len == 0 || sig_len > sizeof(sig))
		goto out;
	sig[0] ^= 0x01;
	rv = f->C_VerifyInit(s, &m, pub);
	if (rv == CKR_OK)
		rv = f->C_Verify(s, (CK_BYTE_PTR)msg, sizeof(msg) - 1, sig,
		                 sig_len);
	snprintf(what, sizeof(what), "%s C_Verify with one bit flipped", key);
	sa_p11_check_rv(ctx, what, rv, CKR_SIGNATURE_INVALID, SA_STRICT_ONLY);
out:
	return;
}

void sa_p11_gen07_pqc(sa_case_ctx *ctx)
{
	static const CK_ULONG sets[] = {SA_CKP_ML_DSA_44, SA_CKP_ML_DSA_65,
	                                SA_CKP_ML_DSA_87};
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE, priv = CK_INVALID_HANDLE;
	CK_ULONG ps = 0;
	CK_ATTRIBUTE ps_attr = {SA_CKA_PARAMETER_SET, &ps, sizeof(ps)};
	sa_p11_gen_spec spec = {0};
	CK_INFO info;
	char what[128], key[48];
	size_t i;
	CK_RV rv;

	memset(&info, 0, sizeof(info));
	(void)f->C_GetInfo(&info);
	if (!sa_case_has_mech(ctx, SA_CKM_ML_DSA_KEY_PAIR_GEN)) {
		sa_case_skip(ctx,
		             "the token does not list CKM_ML_DSA_KEY_PAIR_GEN "
		             "(module implements PKCS#11 %u.%u; ML-DSA and "
		             "SLH-DSA are PKCS#11 3.2 mechanisms)",
		             (unsigned)info.cryptokiVersion.major,
		             (unsigned)info.cryptokiVersion.minor);
		goto out;
	}
	if (sa_case_has_mech(ctx, SA_CKM_SLH_DSA_KEY_PAIR_GEN))
		sa_case_note(ctx, "the token lists CKM_SLH_DSA_KEY_PAIR_GEN: "
		                  "SLH-DSA is not exercised by this case");
	if (sa_p11_gen_session(ctx, &s) < 0)
		goto out;
	spec.mech = SA_CKM_ML_DSA_KEY_PAIR_GEN;
	spec.fallback = true;
	spec.extra_pub = &ps_attr;
	spec.n_extra_pub = 1;
	for (i = 0; i < SA_COUNTOF(sets); i++) {
		ps = sets[i];
		snprintf(key, sizeof(key), "ML-DSA %s", param_set_name(ps));
		snprintf(what, sizeof(what), "C_GenerateKeyPair(%s)", key);
		rv = sa_p11_gen_pair(ctx, s, &spec, &pub, &priv);
		if (sa_p11_check_rv(ctx, what, rv, CKR_OK, SA_STRICT_ONLY)) {
			snprintf(what, sizeof(what),
			         "%s private key CKA_PARAMETER_SET", key);
			sa_p11_gen_check_ulong(ctx, s, priv,
			                       SA_CKA_PARAMETER_SET, sets[i],
			                       param_set_name, what);
			snprintf(what, sizeof(what), "%s private key CKA_LOCAL",
			         key);
			sa_p11_gen_check_bool(ctx, s, priv, CKA_LOCAL, true,
			                      what);
			snprintf(what, sizeof(what),
			         "%s private key CKA_KEY_GEN_MECHANISM", key);
			sa_p11_gen_check_ulong(
			    ctx, s, priv, CKA_KEY_GEN_MECHANISM,
			    SA_CKM_ML_DSA_KEY_PAIR_GEN, mech_name, what);
			if (sa_case_has_mech(ctx, SA_CKM_ML_DSA))
				mldsa_sign(ctx, s, pub, priv, key);
		}
		sa_p11_gen_destroy(ctx, s, &priv);
		sa_p11_gen_destroy(ctx, s, &pub);
	}
	/* B3.2 §5.1: an unknown parameter set (a bad template: no
	 * token-object retry). */
	ps = 0x7fffUL;
	spec.fallback = false;
	rv = sa_p11_gen_pair(ctx, s, &spec, &pub, &priv);
	sa_p11_check_rv(
	    ctx, "C_GenerateKeyPair(ML-DSA, parameter set 0x7fff)", rv,
	    SA_CKR_PARAMETER_SET_NOT_SUPPORTED,
	    SA_LENIENT(CKR_ATTRIBUTE_VALUE_INVALID, CKR_TEMPLATE_INCONSISTENT));
out:
	sa_p11_gen_destroy(ctx, s, &priv);
	sa_p11_gen_destroy(ctx, s, &pub);
	sa_p11_gen_session_end(ctx, &s);
}
