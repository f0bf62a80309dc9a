/* Key protection: wrapping and unwrapping rules (KP-05, KP-08, KP-09,
 * KP-10). Descriptions and references: kp_policy.c.
 *
 * The wrapping key of every case is the known AES-256 value SA_KP_AES256_B
 * and the key wrapped the known AES-128 SA_KP_AES128, so that the harness
 * can tell from any blob a token hands out whether the key left it (RFC 3394
 * unwrap with the known wrapping key), and can make valid blobs for
 * C_UnwrapKey without the token's help. */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "sigaudit/guard.h"

#include "kp_policy_int.h"
#include "kp_util.h"

static const CK_MECHANISM kw_mech = {CKM_AES_KEY_WRAP, NULL, 0};

static const sa_kp_part *kek_part(void)
{
	return sa_kp_known_part(sa_kp_known_get(SA_KP_AES256_B), CKA_VALUE);
}

static const sa_kp_part *target_part(void)
{
	return sa_kp_known_part(sa_kp_known_get(SA_KP_AES128), CKA_VALUE);
}

static int import_setup(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                        sa_kp_known_id id, const sa_kp_opts *o,
                        const char *what, CK_OBJECT_HANDLE *out)
{
	char label[200];

	snprintf(label, sizeof(label), "C_CreateObject(%s)", what);
	return sa_kp_setup(ctx, sa_kp_import(ctx, s, id, o, out), label);
}

/* Wrap `key` with `wrapping` (CKM_AES_KEY_WRAP). When the call succeeds
 * where the case expects a refusal, the blob is examined and noted. */
static CK_RV wrap_attempt(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                          CK_OBJECT_HANDLE wrapping, CK_OBJECT_HANDLE key,
                          const char *what, bool expect_refusal)
{
	const sa_kp_part *kek = kek_part(), *t = target_part();
	sa_buf blob = SA_BUF_INIT;
	CK_RV rv;

	rv = sa_kp_wrap(ctx, s, &kw_mech, wrapping, key, &blob);
	if (rv == CKR_OK && expect_refusal)
		sa_kp_note_blob(ctx, what, blob.data, blob.len, kek->value,
		                kek->len, t->value, t->len);
	sa_buf_free(&blob);
	return rv;
}

/* Control: a wrap the token must perform, and whose blob must be the
 * RFC 3394 wrap of the known key (Curr. Mech. v2.40 AES key wrap). */
static void wrap_control(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                         CK_OBJECT_HANDLE wrapping, CK_OBJECT_HANDLE key,
                         const char *what)
{
	const sa_kp_part *kek = kek_part(), *t = target_part();
	sa_buf blob = SA_BUF_INIT, plain = SA_BUF_INIT_SECURE;
	char label[200];
	bool same;
	CK_RV rv;

	snprintf(label, sizeof(label), "control: %s", what);
	rv = sa_kp_wrap(ctx, s, &kw_mech, wrapping, key, &blob);
	if (!sa_p11_check_rv(ctx, label, rv, CKR_OK, SA_STRICT_ONLY))
		goto out;
	same = sa_kp_aes_keyunwrap(kek->value, kek->len, blob.data, blob.len,
	                           &plain) == SA_OK &&
	       plain.len == t->len && memcmp(plain.data, t->value, t->len) == 0;
	snprintf(label, sizeof(label),
	         "control: %s: the blob is the RFC 3394 wrap of the key", what);
	sa_case_checkf(ctx, same, label, "unwraps to the wrapped key",
	               "%zu-byte blob, %s", blob.len,
	               same ? "unwraps to the wrapped key"
	                    : "does not unwrap to the wrapped key");
out:
	sa_buf_free(&plain);
	sa_buf_free(&blob);
}

/* ---- KP-05 ---- */

void sa_kp05_wrap_rules(sa_case_ctx *ctx)
{
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE wrapper = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE no_wrap = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE unx = CK_INVALID_HANDLE, ext = CK_INVALID_HANDLE;
	sa_kp_opts w_o = {.private_obj = SA_KP_TRUE,
	                  .sensitive = SA_KP_TRUE,
	                  .wrap = SA_KP_TRUE,
	                  .label = "sigaudit-kp05"};
	sa_kp_opts nw_o = {.private_obj = SA_KP_TRUE,
	                   .sensitive = SA_KP_TRUE,
	                   .wrap = SA_KP_FALSE,
	                   .label = "sigaudit-kp05"};
	sa_kp_opts unx_o = {.private_obj = SA_KP_TRUE,
	                    .sensitive = SA_KP_TRUE,
	                    .extractable = SA_KP_FALSE,
	                    .label = "sigaudit-kp05"};
	sa_kp_opts ext_o = {.private_obj = SA_KP_TRUE,
	                    .sensitive = SA_KP_TRUE,
	                    .extractable = SA_KP_TRUE,
	                    .label = "sigaudit-kp05"};
	bool in_set;
	CK_RV rv;

	if (sa_kp_open(ctx, true, &s) < 0)
		goto out;
	if (import_setup(ctx, s, SA_KP_AES256_B, &w_o,
	                 "AES-256 wrapping key, CKA_WRAP=TRUE", &wrapper) < 0 ||
	    import_setup(ctx, s, SA_KP_AES256_B, &nw_o,
	                 "AES-256 key, CKA_WRAP=FALSE", &no_wrap) < 0 ||
	    import_setup(ctx, s, SA_KP_AES128, &unx_o,
	                 "AES-128 key, CKA_EXTRACTABLE=FALSE", &unx) < 0 ||
	    import_setup(ctx, s, SA_KP_AES128, &ext_o,
	                 "AES-128 key, CKA_EXTRACTABLE=TRUE", &ext) < 0)
		goto out;

	/* "The CKA_EXTRACTABLE attribute of the key to be wrapped must also
	 * be CK_TRUE" (B2.40 §5.14.3): CKR_KEY_UNEXTRACTABLE. */
	rv = wrap_attempt(ctx, s, wrapper, unx, "wrap of an unextractable key",
	                  true);
	sa_p11_check_rv(ctx, "C_WrapKey of a CKA_EXTRACTABLE=FALSE key", rv,
	                CKR_KEY_UNEXTRACTABLE, SA_STRICT_ONLY);

	/* "The CKA_WRAP attribute of the wrapping key ... must be CK_TRUE",
	 * but C_WrapKey's return values do not list
	 * CKR_KEY_FUNCTION_NOT_PERMITTED: any of the three codes that can
	 * describe the refusal is accepted alike, none is preferred. */
	rv = wrap_attempt(ctx, s, no_wrap, ext,
	                  "wrap with a CKA_WRAP=FALSE wrapping key", true);
	in_set = rv == CKR_KEY_FUNCTION_NOT_PERMITTED ||
	         rv == CKR_WRAPPING_KEY_TYPE_INCONSISTENT ||
	         rv == CKR_WRAPPING_KEY_HANDLE_INVALID;
	sa_case_check(ctx, in_set,
	              "C_WrapKey with a CKA_WRAP=FALSE wrapping key "
	              "(spec-ambiguous)",
	              "one of CKR_KEY_FUNCTION_NOT_PERMITTED, "
	              "CKR_WRAPPING_KEY_TYPE_INCONSISTENT, "
	              "CKR_WRAPPING_KEY_HANDLE_INVALID",
	              sa_p11_rv_name(rv));
	if (in_set)
		sa_case_note(ctx,
		             "spec-ambiguous: C_WrapKey with a CKA_WRAP=FALSE "
		             "wrapping key returned %s; B2.40 §5.14.3 requires "
		             "CKA_WRAP but names no code for it, so the three "
		             "plausible codes are accepted alike",
		             sa_p11_rv_name(rv));

	/* The same extractable key with a proper wrapping key must wrap:
	 * the refusals above are the attributes' doing. */
	wrap_control(ctx, s, wrapper, ext,
	             "C_WrapKey of an extractable key with CKA_WRAP=TRUE");
out:
	sa_p11_destroy(ctx, s, &ext);
	sa_p11_destroy(ctx, s, &unx);
	sa_p11_destroy(ctx, s, &no_wrap);
	sa_p11_destroy(ctx, s, &wrapper);
	sa_p11_close(ctx, &s);
}

/* ---- KP-08 ---- */

void sa_kp08_trusted_wrapping(sa_case_ctx *ctx)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE wrapper = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE wwt = CK_INVALID_HANDLE, plain = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE made = CK_INVALID_HANDLE;
	sa_kp_opts w_o = {.private_obj = SA_KP_TRUE,
	                  .sensitive = SA_KP_TRUE,
	                  .wrap = SA_KP_TRUE,
	                  .label = "sigaudit-kp08"};
	sa_kp_opts wwt_o = {.private_obj = SA_KP_TRUE,
	                    .sensitive = SA_KP_TRUE,
	                    .extractable = SA_KP_TRUE,
	                    .wrap_with_trusted = SA_KP_TRUE,
	                    .label = "sigaudit-kp08"};
	sa_kp_opts plain_o = {.private_obj = SA_KP_TRUE,
	                      .sensitive = SA_KP_TRUE,
	                      .extractable = SA_KP_TRUE,
	                      .wrap_with_trusted = SA_KP_FALSE,
	                      .label = "sigaudit-kp08"};
	sa_kp_opts trusted_o = {.private_obj = SA_KP_TRUE,
	                        .sensitive = SA_KP_TRUE,
	                        .wrap = SA_KP_TRUE,
	                        .trusted = SA_KP_TRUE,
	                        .label = "sigaudit-kp08"};
	CK_BBOOL yes = CK_TRUE;
	CK_ATTRIBUTE set_trusted = {CKA_TRUSTED, &yes, sizeof(yes)};
	CK_RV rv;

	if (sa_kp_open(ctx, true, &s) < 0)
		goto out;
	if (import_setup(ctx, s, SA_KP_AES256_B, &w_o,
	                 "AES-256 wrapping key, CKA_TRUSTED not set",
	                 &wrapper) < 0 ||
	    import_setup(ctx, s, SA_KP_AES128, &wwt_o,
	                 "AES-128 key, CKA_WRAP_WITH_TRUSTED=TRUE", &wwt) < 0 ||
	    import_setup(ctx, s, SA_KP_AES128, &plain_o,
	                 "AES-128 key, CKA_WRAP_WITH_TRUSTED=FALSE",
	                 &plain) < 0)
		goto out;
	/* Footnote 10: only the SO sets CKA_TRUSTED; a key the user made
	 * is untrusted, which is what makes the wrap below a violation. */
	sa_kp_check_bool(ctx, s, wrapper, CKA_TRUSTED, false,
	                 "wrapping key created by the user");

	/* CKA_WRAP_WITH_TRUSTED: "the key can only be wrapped with a
	 * wrapping key that has CKA_TRUSTED set to CK_TRUE" (B2.40 §4.10);
	 * C_WrapKey's "cannot be wrapped" code is CKR_KEY_NOT_WRAPPABLE. */
	rv = wrap_attempt(ctx, s, wrapper, wwt,
	                  "wrap of a CKA_WRAP_WITH_TRUSTED key by an "
	                  "untrusted key",
	                  true);
	sa_p11_check_rv(ctx,
	                "C_WrapKey of a CKA_WRAP_WITH_TRUSTED=TRUE key with an "
	                "untrusted wrapping key",
	                rv, CKR_KEY_NOT_WRAPPABLE,
	                SA_LENIENT(CKR_WRAPPING_KEY_HANDLE_INVALID));
	wrap_control(ctx, s, wrapper, plain,
	             "C_WrapKey of a CKA_WRAP_WITH_TRUSTED=FALSE key with the "
	             "same wrapping key");

	/* A user who could mark a key trusted would defeat the rule. */
	rv = f->C_SetAttributeValue(s, wrapper, &set_trusted, 1);
	sa_p11_check_rv(
	    ctx, "C_SetAttributeValue(CKA_TRUSTED=TRUE) in a user session", rv,
	    CKR_ATTRIBUTE_READ_ONLY,
	    SA_LENIENT(CKR_TEMPLATE_INCONSISTENT, CKR_USER_NOT_LOGGED_IN));
	sa_kp_check_bool(ctx, s, wrapper, CKA_TRUSTED, false,
	                 "value re-read unchanged after the user's "
	                 "C_SetAttributeValue(CKA_TRUSTED=TRUE)");
	if (rv == CKR_OK) {
		rv = wrap_attempt(ctx, s, wrapper, wwt,
		                  "wrap of the CKA_WRAP_WITH_TRUSTED key after "
		                  "the user marked the wrapping key trusted",
		                  true);
		sa_case_note(ctx,
		             "after the user's CKA_TRUSTED=TRUE, C_WrapKey of "
		             "the CKA_WRAP_WITH_TRUSTED key returned %s",
		             sa_p11_rv_name(rv));
	}

	rv = sa_kp_import(ctx, s, SA_KP_AES256_B, &trusted_o, &made);
	sa_p11_check_rv(
	    ctx, "C_CreateObject with CKA_TRUSTED=TRUE in a user session", rv,
	    CKR_ATTRIBUTE_READ_ONLY,
	    SA_LENIENT(CKR_TEMPLATE_INCONSISTENT, CKR_USER_NOT_LOGGED_IN));
	if (rv == CKR_OK)
		sa_kp_check_bool(ctx, s, made, CKA_TRUSTED, false,
		                 "key created by the user with "
		                 "CKA_TRUSTED=TRUE");
	else
		made = CK_INVALID_HANDLE;
out:
	sa_p11_destroy(ctx, s, &made);
	sa_p11_destroy(ctx, s, &plain);
	sa_p11_destroy(ctx, s, &wwt);
	sa_p11_destroy(ctx, s, &wrapper);
	sa_p11_close(ctx, &s);
}

/* ---- KP-09a, KP-09b ---- */

void sa_kp09a_wrap_template(sa_case_ctx *ctx)
{
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE wrapper = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE aes = CK_INVALID_HANDLE, generic = CK_INVALID_HANDLE;
	CK_KEY_TYPE generic_type = CKK_GENERIC_SECRET;
	/* The wrapping key may only wrap generic secrets. */
	CK_ATTRIBUTE wrap_tmpl[] = {
	    {CKA_KEY_TYPE, &generic_type, sizeof(generic_type)},
	};
	sa_kp_opts w_o = {.private_obj = SA_KP_TRUE,
	                  .sensitive = SA_KP_TRUE,
	                  .wrap = SA_KP_TRUE,
	                  .wrap_template = wrap_tmpl,
	                  .n_wrap_template = SA_COUNTOF(wrap_tmpl),
	                  .label = "sigaudit-kp09a"};
	sa_kp_opts ext_o = {.private_obj = SA_KP_TRUE,
	                    .sensitive = SA_KP_TRUE,
	                    .extractable = SA_KP_TRUE,
	                    .label = "sigaudit-kp09a"};
	const sa_kp_part *t = target_part();
	sa_buf wrapped = SA_BUF_INIT;
	CK_RV rv;

	if (sa_kp_open(ctx, true, &s) < 0)
		goto out;
	if (import_setup(ctx, s, SA_KP_AES256_B, &w_o,
	                 "AES-256 wrapping key with CKA_WRAP_TEMPLATE "
	                 "{CKA_KEY_TYPE=CKK_GENERIC_SECRET}",
	                 &wrapper) < 0 ||
	    import_setup(ctx, s, SA_KP_AES128, &ext_o,
	                 "extractable AES-128 key", &aes) < 0)
		goto out;
	rv = sa_kp_import_secret(ctx, s, CKK_GENERIC_SECRET, t->value, t->len,
	                         &ext_o, &generic);
	if (sa_kp_setup(ctx, rv,
	                "C_CreateObject(extractable 16-byte generic secret)") <
	    0)
		goto out;

	/* "If any attribute mismatch occurs on an attempt to wrap a key then
	 * the function shall return CKR_KEY_HANDLE_INVALID" (B2.40 §5.14.3).
	 */
	rv = wrap_attempt(ctx, s, wrapper, aes,
	                  "wrap of a key that does not match "
	                  "CKA_WRAP_TEMPLATE",
	                  true);
	sa_p11_check_rv(ctx,
	                "C_WrapKey of a key that does not match the wrapping "
	                "key's CKA_WRAP_TEMPLATE",
	                rv, CKR_KEY_HANDLE_INVALID, SA_STRICT_ONLY);
	rv = sa_kp_wrap(ctx, s, &kw_mech, wrapper, generic, &wrapped);
	sa_p11_check_rv(ctx,
	                "control: C_WrapKey of a key that matches "
	                "CKA_WRAP_TEMPLATE",
	                rv, CKR_OK, SA_STRICT_ONLY);
out:
	sa_buf_free(&wrapped);
	sa_p11_destroy(ctx, s, &generic);
	sa_p11_destroy(ctx, s, &aes);
	sa_p11_destroy(ctx, s, &wrapper);
	sa_p11_close(ctx, &s);
}

/* C_UnwrapKey of blob by unwrapper with opts o, expected to succeed and to
 * give a sensitive key (the unwrapping key's template demands it). */
static void unwrap_sensitive(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                             CK_OBJECT_HANDLE unwrapper, const sa_buf *blob,
                             const sa_kp_opts *o, const char *what)
{
	CK_OBJECT_HANDLE got = CK_INVALID_HANDLE;
	char label[200];
	CK_RV rv;

	rv = sa_kp_unwrap(ctx, s, &kw_mech, unwrapper, blob->data, blob->len,
	                  CKO_SECRET_KEY, CKK_AES, 0, o, &got);
	snprintf(label, sizeof(label), "C_UnwrapKey %s", what);
	if (!sa_p11_check_rv(ctx, label, rv, CKR_OK, SA_STRICT_ONLY))
		return;
	snprintf(label, sizeof(label), "key unwrapped %s", what);
	sa_kp_check_bool(ctx, s, got, CKA_SENSITIVE, true, label);
	sa_p11_destroy(ctx, s, &got);
}

void sa_kp09b_unwrap_template(sa_case_ctx *ctx)
{
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE unwrapper = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE got = CK_INVALID_HANDLE;
	CK_BBOOL yes = CK_TRUE;
	/* Every key this unwrapping key makes is sensitive. */
	CK_ATTRIBUTE unwrap_tmpl[] = {
	    {CKA_SENSITIVE, &yes, sizeof(yes)},
	};
	sa_kp_opts u_o = {.private_obj = SA_KP_TRUE,
	                  .sensitive = SA_KP_TRUE,
	                  .unwrap = SA_KP_TRUE,
	                  .unwrap_template = unwrap_tmpl,
	                  .n_unwrap_template = SA_COUNTOF(unwrap_tmpl),
	                  .label = "sigaudit-kp09b"};
	sa_kp_opts conflict_o = {.private_obj = SA_KP_TRUE,
	                         .sensitive = SA_KP_FALSE,
	                         .label = "sigaudit-kp09b"};
	sa_kp_opts agree_o = {.private_obj = SA_KP_TRUE,
	                      .sensitive = SA_KP_TRUE,
	                      .label = "sigaudit-kp09b"};
	sa_kp_opts silent_o = {.private_obj = SA_KP_TRUE,
	                       .label = "sigaudit-kp09b"};
	const sa_kp_part *kek = kek_part(), *t = target_part();
	sa_buf blob = SA_BUF_INIT;
	CK_RV rv;

	if (sa_kp_open(ctx, true, &s) < 0)
		goto out;
	if (import_setup(ctx, s, SA_KP_AES256_B, &u_o,
	                 "AES-256 unwrapping key with CKA_UNWRAP_TEMPLATE "
	                 "{CKA_SENSITIVE=TRUE}",
	                 &unwrapper) < 0)
		goto out;
	if (sa_kp_aes_keywrap(kek->value, kek->len, t->value, t->len, &blob) <
	    0) {
		sa_case_error(ctx, "set-up: RFC 3394 wrap with OpenSSL failed");
		goto out;
	}

	/* "If any attribute conflict occurs on an attempt to unwrap a key
	 * then the function shall return CKR_TEMPLATE_INCONSISTENT" (B2.40
	 * §5.14.4). */
	rv = sa_kp_unwrap(ctx, s, &kw_mech, unwrapper, blob.data, blob.len,
	                  CKO_SECRET_KEY, CKK_AES, 0, &conflict_o, &got);
	sa_p11_check_rv(ctx,
	                "C_UnwrapKey with CKA_SENSITIVE=FALSE against "
	                "CKA_UNWRAP_TEMPLATE {CKA_SENSITIVE=TRUE}",
	                rv, CKR_TEMPLATE_INCONSISTENT, SA_STRICT_ONLY);
	if (rv == CKR_OK)
		sa_kp_check_bool(ctx, s, got, CKA_SENSITIVE, true,
		                 "key unwrapped despite the conflict");
	else
		got = CK_INVALID_HANDLE;

	/* Control: a template that repeats the unwrapping key's attribute. */
	unwrap_sensitive(ctx, s, unwrapper, &blob, &agree_o,
	                 "with CKA_SENSITIVE=TRUE as in CKA_UNWRAP_TEMPLATE "
	                 "(control)");
	/* The unwrapping key's template is "added to attributes of the key
	 * to be unwrapped": a template that does not mention CKA_SENSITIVE
	 * gets it from there (B2.40 §5.14.4). */
	unwrap_sensitive(ctx, s, unwrapper, &blob, &silent_o,
	                 "with a template that does not mention "
	                 "CKA_SENSITIVE");
out:
	sa_buf_free(&blob);
	sa_p11_destroy(ctx, s, &got);
	sa_p11_destroy(ctx, s, &unwrapper);
	sa_p11_close(ctx, &s);
}

/* ---- KP-10 ---- */

#define KP10_REFUSED "sigaudit-kp10-refused"

/* AES-ECB or AES-CBC (zero IV) without padding by OpenSSL: a blob for a
 * raw block-cipher unwrap. */
static int raw_encrypt(CK_MECHANISM_TYPE m, const CK_BYTE *key, size_t klen,
                       const CK_BYTE *in, size_t len, sa_buf *out)
{
	int rc = SA_E_OSSL;
	EVP_CIPHER_CTX *c = NULL;
	const EVP_CIPHER *ciph;
	int n1 = 0, n2 = 0;

	sa_buf_reset(out);
	if (klen != 32 || len % 16 != 0 || len == 0)
		return SA_E_INVALID;
	ciph = m == CKM_AES_ECB ? EVP_aes_256_ecb() : EVP_aes_256_cbc();
	SA_TRY(sa_buf_reserve(out, len + 16));
	c = EVP_CIPHER_CTX_new();
	if (c == NULL)
		goto out;
	if (EVP_EncryptInit_ex(c, ciph, NULL, key,
	                       m == CKM_AES_ECB ? NULL : sa_kp_zero_iv) != 1 ||
	    EVP_CIPHER_CTX_set_padding(c, 0) != 1 ||
	    EVP_EncryptUpdate(c, out->data, &n1, in, (int)len) != 1 ||
	    EVP_EncryptFinal_ex(c, out->data + n1, &n2) != 1)
		goto out;
	out->len = (size_t)n1 + (size_t)n2;
	rc = SA_OK;
out:
	EVP_CIPHER_CTX_free(c);
	return rc;
}

/* The first of AES-ECB / AES-CBC the token can unwrap with, or
 * CK_UNAVAILABLE_INFORMATION. */
static CK_MECHANISM_TYPE raw_unwrap_mech(sa_case_ctx *ctx)
{
	static const CK_MECHANISM_TYPE cand[] = {CKM_AES_ECB, CKM_AES_CBC};
	CK_MECHANISM_INFO info;
	size_t i;

	for (i = 0; i < SA_COUNTOF(cand); i++) {
		memset(&info, 0, sizeof(info));
		if (sa_case_has_mech(ctx, cand[i]) &&
		    sa_case_p11(ctx)->C_GetMechanismInfo(
		        sa_case_slot(ctx), cand[i], &info) == CKR_OK &&
		    (info.flags & CKF_UNWRAP))
			return cand[i];
	}
	return CK_UNAVAILABLE_INFORMATION;
}

/* A C_UnwrapKey that must be refused; a key it makes anyway is destroyed
 * (the rv check has failed already). */
static void unwrap_refused(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                           const CK_MECHANISM *m, CK_OBJECT_HANDLE unwrapper,
                           const sa_buf *blob, CK_KEY_TYPE kt,
                           CK_ULONG value_len, const char *what, CK_RV strict,
                           const CK_RV *lenient)
{
	sa_kp_opts o = {.private_obj = SA_KP_TRUE, .label = KP10_REFUSED};
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	CK_RV rv;

	rv = sa_kp_unwrap(ctx, s, m, unwrapper, blob->data, blob->len,
	                  CKO_SECRET_KEY, kt, value_len, &o, &h);
	sa_p11_check_rv(ctx, what, rv, strict, lenient);
	if (rv == CKR_OK)
		sa_p11_destroy(ctx, s, &h);
}

/* Whether the unwrapped AES key h is the known target: its encryption of
 * a zero block starts with the target's KCV. */
static void check_unwrapped_value(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                                  CK_OBJECT_HANDLE h)
{
	const sa_kp_part *t = target_part();
	CK_MECHANISM ecb = {CKM_AES_ECB, NULL, 0};
	static const CK_BYTE zero[16] = {0};
	sa_buf enc = SA_BUF_INIT;
	char want[7], got[7] = "none";
	CK_RV rv;

	if (!sa_case_has_mech(ctx, CKM_AES_ECB)) {
		sa_case_note(ctx, "token does not list CKM_AES_ECB: the "
		                  "unwrapped key's value is not checked");
		goto out;
	}
	(void)sa_kp_aes_kcv(t->value, t->len, want);
	rv = sa_kp_encrypt(ctx, s, h, &ecb, zero, sizeof(zero), &enc);
	if (rv == CKR_OK && enc.len >= 3)
		snprintf(got, sizeof(got), "%02x%02x%02x", enc.data[0],
		         enc.data[1], enc.data[2]);
	sa_case_checkf(ctx, rv == CKR_OK && strcmp(want, got) == 0,
	               "the unwrapped key is the wrapped one (KCV)", want,
	               "%s, KCV %s", sa_p11_rv_name(rv), got);
out:
	sa_buf_free(&enc);
}

void sa_kp10_unwrap_semantics(sa_case_ctx *ctx)
{
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE unwrapper = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE got = CK_INVALID_HANDLE;
	sa_kp_opts u_o = {.private_obj = SA_KP_TRUE,
	                  .sensitive = SA_KP_TRUE,
	                  .unwrap = SA_KP_TRUE,
	                  .label = "sigaudit-kp10"};
	sa_kp_opts new_o = {.private_obj = SA_KP_TRUE,
	                    .sensitive = SA_KP_TRUE,
	                    .extractable = SA_KP_FALSE,
	                    .encrypt = SA_KP_TRUE,
	                    .label = "sigaudit-kp10"};
	const sa_kp_part *kek = kek_part(), *t = target_part();
	sa_buf blob = SA_BUF_INIT, bad = SA_BUF_INIT;
	CK_MECHANISM raw = {CKM_AES_ECB, NULL, 0};
	CK_ULONG left = 0, gen = 0;
	size_t i;
	CK_RV rv;

	if (sa_kp_open(ctx, true, &s) < 0)
		goto out;
	if (import_setup(ctx, s, SA_KP_AES256_B, &u_o, "AES-256 unwrapping key",
	                 &unwrapper) < 0)
		goto out;
	if (sa_kp_aes_keywrap(kek->value, kek->len, t->value, t->len, &blob) <
	    0) {
		sa_case_error(ctx, "set-up: RFC 3394 wrap with OpenSSL failed");
		goto out;
	}

	/* "The new key will have the CKA_ALWAYS_SENSITIVE attribute set to
	 * CK_FALSE, and the CKA_NEVER_EXTRACTABLE attribute set to CK_FALSE
	 * ... CKA_LOCAL attribute set to CK_FALSE" (B2.40 §5.14.4), even
	 * when the template asks for a sensitive, unextractable key. */
	rv = sa_kp_unwrap(ctx, s, &kw_mech, unwrapper, blob.data, blob.len,
	                  CKO_SECRET_KEY, CKK_AES, 0, &new_o, &got);
	if (sa_p11_check_rv(ctx,
	                    "C_UnwrapKey of a valid blob as a sensitive, "
	                    "unextractable AES key",
	                    rv, CKR_OK, SA_STRICT_ONLY)) {
		const char *w = "unwrapped sensitive unextractable key";

		sa_kp_check_bool(ctx, s, got, CKA_ALWAYS_SENSITIVE, false, w);
		sa_kp_check_bool(ctx, s, got, CKA_NEVER_EXTRACTABLE, false, w);
		sa_kp_check_bool(ctx, s, got, CKA_LOCAL, false, w);
		rv = sa_kp_get_ulong(ctx, s, got, CKA_KEY_GEN_MECHANISM, &gen);
		sa_case_checkf(
		    ctx, rv == CKR_OK && gen == CK_UNAVAILABLE_INFORMATION,
		    "unwrapped key: CKA_KEY_GEN_MECHANISM",
		    "CK_UNAVAILABLE_INFORMATION", "%s, %s", sa_p11_rv_name(rv),
		    rv != CKR_OK ? "-"
		    : gen == CK_UNAVAILABLE_INFORMATION
		        ? "CK_UNAVAILABLE_INFORMATION"
		        : sa_p11_mech_name(gen));
		check_unwrapped_value(ctx, s, got);
	} else {
		got = CK_INVALID_HANDLE;
	}

	/* Ambiguous length: a raw block-cipher unwrap into a generic secret
	 * with no CKA_VALUE_LEN cannot know where the key ends (Curr. Mech.
	 * v2.40 AES-ECB/CBC unwrapping "truncates the result according to
	 * ... CKA_VALUE_LEN"): CKR_TEMPLATE_INCOMPLETE (B2.40 §4.1.1). */
	raw.mechanism = raw_unwrap_mech(ctx);
	if (raw.mechanism == CK_UNAVAILABLE_INFORMATION) {
		sa_case_note(ctx,
		             "no AES-ECB or AES-CBC mechanism with "
		             "CKF_UNWRAP: the ambiguous-length unwrap is not "
		             "run");
	} else {
		CK_MECHANISM_TYPE m = raw.mechanism;
		CK_BYTE two_blocks[32];

		memcpy(two_blocks, t->value, t->len);
		memcpy(two_blocks + t->len, t->value, t->len);
		if (m == CKM_AES_CBC) {
			raw.pParameter = (void *)sa_kp_zero_iv;
			raw.ulParameterLen = sizeof(sa_kp_zero_iv);
		}
		if (raw_encrypt(m, kek->value, kek->len, two_blocks,
		                sizeof(two_blocks), &bad) < 0) {
			sa_case_error(ctx, "set-up: AES encryption with "
			                   "OpenSSL failed");
			goto out;
		}
		unwrap_refused(ctx, s, &raw, unwrapper, &bad,
		               CKK_GENERIC_SECRET, 0,
		               "C_UnwrapKey of a generic secret without "
		               "CKA_VALUE_LEN by a raw block cipher",
		               CKR_TEMPLATE_INCOMPLETE, SA_STRICT_ONLY);
	}

	/* Length conflict: a 16-byte key declared 32 bytes long. The AES and
	 * generic-secret attribute tables may forbid CKA_VALUE_LEN in an
	 * unwrap template altogether (footnote 6, unconfirmed), which makes
	 * CKR_ATTRIBUTE_READ_ONLY a permitted refusal too: what matters is
	 * that no key of a contradictory length is made. */
	unwrap_refused(
	    ctx, s, &kw_mech, unwrapper, &blob, CKK_AES, 32,
	    "C_UnwrapKey of a 16-byte key with CKA_VALUE_LEN=32",
	    CKR_WRAPPED_KEY_LEN_RANGE,
	    SA_LENIENT(CKR_TEMPLATE_INCONSISTENT, CKR_ATTRIBUTE_VALUE_INVALID,
	               CKR_WRAPPED_KEY_INVALID, CKR_ATTRIBUTE_READ_ONLY));

	/* A blob no RFC 3394 wrap can have: not a multiple of 8 bytes. */
	sa_buf_reset(&bad);
	if (sa_buf_append(&bad, blob.data, blob.len - 1) < 0) {
		sa_case_error(ctx, "out of memory");
		goto out;
	}
	unwrap_refused(
	    ctx, s, &kw_mech, unwrapper, &bad, CKK_AES, 0,
	    "C_UnwrapKey of a blob one byte short", CKR_WRAPPED_KEY_LEN_RANGE,
	    SA_LENIENT(CKR_WRAPPED_KEY_INVALID, CKR_ENCRYPTED_DATA_LEN_RANGE));

	/* Garbage of the right length: the RFC 3394 integrity check must
	 * fail. */
	sa_buf_reset(&bad);
	for (i = 0; i < blob.len; i++) {
		CK_BYTE b = (CK_BYTE)(0x5a ^ (i * 37));

		if (sa_buf_append(&bad, &b, 1) < 0) {
			sa_case_error(ctx, "out of memory");
			goto out;
		}
	}
	unwrap_refused(ctx, s, &kw_mech, unwrapper, &bad, CKK_AES, 0,
	               "C_UnwrapKey of a garbage blob", CKR_WRAPPED_KEY_INVALID,
	               SA_LENIENT(CKR_ENCRYPTED_DATA_INVALID));

	/* "If a call to C_UnwrapKey cannot support the precise template
	 * supplied to it, it will fail and return without creating any key
	 * object." */
	rv = sa_p11_count_label(ctx, s, KP10_REFUSED, &left);
	sa_case_checkf(ctx, rv == CKR_OK && left == 0,
	               "objects left by the refused C_UnwrapKey calls",
	               "0 objects", "%s, %lu objects", sa_p11_rv_name(rv),
	               (unsigned long)left);
out:
	sa_buf_free(&bad);
	sa_buf_free(&blob);
	sa_p11_destroy(ctx, s, &got);
	sa_p11_destroy(ctx, s, &unwrapper);
	sa_p11_close(ctx, &s);
}
