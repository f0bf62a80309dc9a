/* Key-protection findings through the wrapping API: KP-06 (wrap/decrypt),
 * KP-07 (key conjuring), KP-11 (weak wraps strong). Descriptions and
 * references: kp_attack.c. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "sigaudit/guard.h"

#include "kp_util_attack.h"

/* Symmetric mechanisms that may wrap a secret key under an AES key, most
 * usual first (Curr2.40 AES and AES key wrap sections). */
static const CK_MECHANISM_TYPE aes_wrap_mechs[] = {
    CKM_AES_KEY_WRAP, CKM_AES_KEY_WRAP_PAD, CKM_AES_CBC_PAD,
    CKM_AES_CBC,      CKM_AES_ECB,
};

/* OAEP with SHA-1 and MGF1-SHA-1, the parameters every token implements
 * (Curr2.40 §2.1.8). */
static const CK_RSA_PKCS_OAEP_PARAMS oaep_sha1 = {CKM_SHA_1, CKG_MGF1_SHA1,
                                                  CKZ_DATA_SPECIFIED, NULL, 0};

static void rsa_mech(CK_MECHANISM_TYPE mech, CK_MECHANISM *out)
{
	out->mechanism = mech;
	out->pParameter = NULL;
	out->ulParameterLen = 0;
	if (mech == CKM_RSA_PKCS_OAEP) {
		/* the module only reads the parameter */
		out->pParameter = (void *)&oaep_sha1;
		out->ulParameterLen = sizeof(oaep_sha1);
	}
}

/* Options with every usage attribute explicit: tokens such as SoftHSM2
 * default the ones left out to CK_TRUE, which would add usages the attack
 * does not ask for. */
static sa_kp_opts usage_opts(const char *label, bool sensitive,
                             bool extractable)
{
	sa_kp_opts o = SA_KP_OPTS_INIT;

	o.label = label;
	o.sensitive = sensitive ? SA_KP_TRUE : SA_KP_FALSE;
	o.extractable = extractable ? SA_KP_TRUE : SA_KP_FALSE;
	o.sign = SA_KP_FALSE;
	o.verify = SA_KP_FALSE;
	o.encrypt = SA_KP_FALSE;
	o.decrypt = SA_KP_FALSE;
	o.wrap = SA_KP_FALSE;
	o.unwrap = SA_KP_FALSE;
	o.derive = SA_KP_FALSE;
	return o;
}

/* The same for the two halves of a pair: a public key has no CKA_SIGN,
 * CKA_DECRYPT, CKA_UNWRAP, CKA_SENSITIVE or CKA_EXTRACTABLE (B2.40 §4.8). */
static sa_kp_opts pub_opts(const char *label)
{
	sa_kp_opts o = SA_KP_OPTS_INIT;

	o.label = label;
	o.verify = SA_KP_FALSE;
	o.encrypt = SA_KP_FALSE;
	o.wrap = SA_KP_FALSE;
	o.derive = SA_KP_FALSE;
	return o;
}

static sa_kp_opts priv_opts(const char *label, bool extractable)
{
	sa_kp_opts o = SA_KP_OPTS_INIT;

	o.label = label;
	o.sensitive = SA_KP_TRUE;
	o.extractable = extractable ? SA_KP_TRUE : SA_KP_FALSE;
	o.sign = SA_KP_FALSE;
	o.decrypt = SA_KP_FALSE;
	o.unwrap = SA_KP_FALSE;
	o.derive = SA_KP_FALSE;
	return o;
}

/* C_UnwrapKey of blob into a session AES key. CKA_VALUE_LEN of an AES key
 * "must not be specified when object is unwrapped" (footnote 6 of the
 * attribute tables, B2.40 §4.2; Curr2.40 AES key table; unconfirmed), and
 * SoftHSM2 refuses it with CKR_ATTRIBUTE_READ_ONLY; a token that cannot
 * tell the length of an unpadded blob asks for it with
 * CKR_TEMPLATE_INCOMPLETE, and gets it. */
static CK_RV unwrap_aes(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                        const CK_MECHANISM *m, CK_OBJECT_HANDLE unwrapper,
                        const sa_buf *blob, CK_ULONG len, const sa_kp_opts *o,
                        CK_OBJECT_HANDLE *out)
{
	CK_RV rv;

	rv = sa_kp_unwrap(ctx, s, m, unwrapper, blob->data, blob->len,
	                  CKO_SECRET_KEY, CKK_AES, 0, o, out);
	if (rv == CKR_TEMPLATE_INCOMPLETE)
		rv = sa_kp_unwrap(ctx, s, m, unwrapper, blob->data, blob->len,
		                  CKO_SECRET_KEY, CKK_AES, len, o, out);
	return rv;
}

/* ====================================================================
 * KP-06: wrap a sensitive key, get it back in clear
 * ==================================================================== */

struct kp06 {
	sa_case_ctx *ctx;
	CK_SESSION_HANDLE s;
	sa_kpa_objs objs;
	sa_buf ev;
	/* the imported sensitive, extractable target and its known value */
	CK_OBJECT_HANDLE target;
	const sa_kp_part *tv;
	char tv_id[SA_KPA_ID_SIZE];
	/* "A1 same key (CKM_AES_CBC), ..." */
	sa_buf leaks;
	unsigned n_leaks;
};

static bool kp06_is_target(const struct kp06 *st, const sa_buf *pt)
{
	return sa_kp_contains(pt->data, pt->len, st->tv->value, st->tv->len);
}

static void kp06_leak(struct kp06 *st, const char *variant,
                      CK_MECHANISM_TYPE mech)
{
	sa_kpa_log(&st->ev, "  -> LEAK: the result is the target key (%s)",
	           st->tv_id);
	(void)sa_buf_appendf(&st->leaks, "%s%s (%s)",
	                     st->n_leaks > 0 ? ", " : "", variant,
	                     sa_p11_mech_name(mech));
	st->n_leaks++;
}

/* The verdict of one KP-06 variant: recovering the target in clear is the
 * finding; a token that refused every attempt, or let none succeed, holds. */
static void kp06_verdict(struct kp06 *st, const char *what, unsigned before,
                         unsigned tried, const char *noun)
{
	if (st->n_leaks > before)
		sa_case_checkf(st->ctx, false, what,
		               "refused, or no key recovered",
		               "the target key came back in clear");
	else
		sa_case_checkf(st->ctx, true, what,
		               "refused, or no key recovered",
		               "no key recovered (%u %s tried)", tried, noun);
}

/* The AES-128 key a variant attacks with, kept for clean-up and logged. A
 * token that refuses to make it has refused the attack: the check holds,
 * with the reason. 0, or -1 when there is no key. */
static int kp06_kek(struct kp06 *st, const char *what, const char *log,
                    const sa_kp_opts *o, CK_OBJECT_HANDLE *out)
{
	CK_RV rv;

	sa_kpa_log(&st->ev, "%s", log);
	rv = sa_kp_gen_secret(st->ctx, st->s, CKM_AES_KEY_GEN, 16, o, out);
	sa_kpa_keep(&st->objs, *out);
	sa_kpa_log(&st->ev, "  C_GenerateKey -> %s", sa_p11_rv_name(rv));
	if (rv != CKR_OK) {
		sa_case_checkf(
		    st->ctx, true, what, "refused, or no key recovered",
		    "the key could not be made: %s", sa_p11_rv_name(rv));
		return -1;
	}
	return 0;
}

/* A1 (Tookan a1, Clulow): one secret key with CKA_WRAP and CKA_DECRYPT. */
static void kp06_a1_symmetric(struct kp06 *st)
{
	static const char what[] = "A1: one secret key with CKA_WRAP and "
	                           "CKA_DECRYPT wraps the target and decrypts "
	                           "the blob";
	sa_case_ctx *ctx = st->ctx;
	sa_kp_opts o = usage_opts("sigaudit-kp06-a1", true, false);
	CK_OBJECT_HANDLE w = CK_INVALID_HANDLE;
	sa_buf blob = SA_BUF_INIT, pt = SA_BUF_INIT_SECURE;
	CK_MECHANISM m;
	unsigned tried = 0, before = st->n_leaks;
	size_t i;
	CK_RV rv;

	o.wrap = SA_KP_TRUE;
	o.decrypt = SA_KP_TRUE;
	if (kp06_kek(st, what,
	             "A1 (same key, symmetric): C_GenerateKey "
	             "AES-128 CKA_WRAP+CKA_DECRYPT",
	             &o, &w) < 0)
		goto out;
	for (i = 0; i < SA_COUNTOF(aes_wrap_mechs); i++) {
		if (!sa_case_has_mech(ctx, aes_wrap_mechs[i]))
			continue;
		tried++;
		sa_kpa_mech(aes_wrap_mechs[i], &m);
		rv = sa_kp_wrap(ctx, st->s, &m, w, st->target, &blob);
		sa_kpa_log(&st->ev, "  C_WrapKey(%s) -> %s, %zu bytes",
		           sa_p11_mech_name(m.mechanism), sa_p11_rv_name(rv),
		           blob.len);
		if (rv != CKR_OK)
			continue;
		rv = sa_kp_decrypt(ctx, st->s, w, &m, blob.data, blob.len, &pt);
		sa_kpa_log(&st->ev, "  C_Decrypt(%s) of the blob -> %s",
		           sa_p11_mech_name(m.mechanism), sa_p11_rv_name(rv));
		if (rv == CKR_OK && kp06_is_target(st, &pt))
			kp06_leak(st, "A1 same key", m.mechanism);
		sa_buf_reset(&pt);
	}
	kp06_verdict(st, what, before, tried, "wrapping mechanisms");
out:
	sa_buf_free(&blob);
	sa_buf_free(&pt);
}

/* A1 with a key pair: the public key wraps, the private key decrypts. */
static void kp06_a1_pair(struct kp06 *st)
{
	static const char what[] = "A1: an RSA public key with CKA_WRAP wraps "
	                           "the target, its private key with "
	                           "CKA_DECRYPT decrypts the blob";
	static const CK_MECHANISM_TYPE mechs[] = {CKM_RSA_PKCS_OAEP,
	                                          CKM_RSA_PKCS};
	sa_case_ctx *ctx = st->ctx;
	sa_kp_opts po = pub_opts("sigaudit-kp06-a1rsa");
	sa_kp_opts vo = priv_opts("sigaudit-kp06-a1rsa", false);
	CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE, priv = CK_INVALID_HANDLE;
	sa_buf blob = SA_BUF_INIT, pt = SA_BUF_INIT_SECURE;
	CK_MECHANISM m;
	unsigned tried = 0, before = st->n_leaks;
	size_t i;
	CK_RV rv;

	if (!sa_case_has_mech(ctx, CKM_RSA_PKCS_KEY_PAIR_GEN)) {
		sa_case_note(ctx, "A1 with a key pair not tried: the token "
		                  "does not list CKM_RSA_PKCS_KEY_PAIR_GEN");
		goto out;
	}
	po.wrap = SA_KP_TRUE;
	/* NSS softoken's pairwise consistency test at generation needs the
	 * public half of every private usage (CKR_KEY_TYPE_INCONSISTENT
	 * otherwise): CKA_ENCRYPT goes with CKA_DECRYPT. */
	po.encrypt = SA_KP_TRUE;
	vo.decrypt = SA_KP_TRUE;
	sa_kpa_log(&st->ev, "A1 (key pair): C_GenerateKeyPair RSA-2048, "
	                    "public CKA_WRAP+CKA_ENCRYPT, private "
	                    "CKA_DECRYPT");
	rv = sa_kp_gen_pair(ctx, st->s, CKK_RSA, 2048, &po, &vo, &pub, &priv);
	sa_kpa_keep(&st->objs, pub);
	sa_kpa_keep(&st->objs, priv);
	sa_kpa_log(&st->ev, "  C_GenerateKeyPair -> %s", sa_p11_rv_name(rv));
	if (rv != CKR_OK) {
		sa_case_checkf(ctx, true, what, "refused, or no key recovered",
		               "the pair could not be made: %s",
		               sa_p11_rv_name(rv));
		goto out;
	}
	for (i = 0; i < SA_COUNTOF(mechs); i++) {
		if (!sa_case_has_mech(ctx, mechs[i]))
			continue;
		tried++;
		rsa_mech(mechs[i], &m);
		rv = sa_kp_wrap(ctx, st->s, &m, pub, st->target, &blob);
		sa_kpa_log(&st->ev, "  C_WrapKey(%s) -> %s, %zu bytes",
		           sa_p11_mech_name(m.mechanism), sa_p11_rv_name(rv),
		           blob.len);
		if (rv != CKR_OK)
			continue;
		rv = sa_kp_decrypt(ctx, st->s, priv, &m, blob.data, blob.len,
		                   &pt);
		sa_kpa_log(&st->ev, "  C_Decrypt(%s) of the blob -> %s",
		           sa_p11_mech_name(m.mechanism), sa_p11_rv_name(rv));
		if (rv == CKR_OK && kp06_is_target(st, &pt))
			kp06_leak(st, "A1 key pair", m.mechanism);
		sa_buf_reset(&pt);
	}
	kp06_verdict(st, what, before, tried, "mechanisms");
out:
	sa_buf_free(&blob);
	sa_buf_free(&pt);
}

/* A2 / Clulow's trojan: a wrapping key whose value the user chose. */
static void kp06_trojan(struct kp06 *st)
{
	static const char what[] = "A2: a wrapping key of user-chosen value "
	                           "(C_CreateObject) wraps the target, the "
	                           "blob is decrypted off the token";
	sa_case_ctx *ctx = st->ctx;
	const sa_kp_part *kv =
	    sa_kp_known_part(sa_kp_known_get(SA_KP_AES256_B), CKA_VALUE);
	sa_kp_opts o = usage_opts("sigaudit-kp06-trojan", false, true);
	CK_OBJECT_HANDLE w = CK_INVALID_HANDLE;
	sa_buf blob = SA_BUF_INIT, pt = SA_BUF_INIT_SECURE;
	char kid[SA_KPA_ID_SIZE];
	CK_MECHANISM m;
	unsigned tried = 0, before = st->n_leaks;
	size_t i;
	CK_RV rv;

	if (kv == NULL) {
		sa_case_error(ctx, "internal: no known AES-256 test key");
		goto out;
	}
	o.wrap = SA_KP_TRUE;
	sa_kpa_key_id(kv->value, kv->len, kid);
	sa_kpa_log(&st->ev,
	           "A2 (trojan key): C_CreateObject AES-256 CKA_WRAP, "
	           "value known (%s)",
	           kid);
	rv = sa_kp_import_secret(ctx, st->s, CKK_AES, kv->value, kv->len, &o,
	                         &w);
	sa_kpa_keep(&st->objs, w);
	sa_kpa_log(&st->ev, "  C_CreateObject -> %s", sa_p11_rv_name(rv));
	if (rv != CKR_OK) {
		sa_case_checkf(ctx, true, what, "refused, or no key recovered",
		               "the wrapping key could not be imported: %s",
		               sa_p11_rv_name(rv));
		goto out;
	}
	for (i = 0; i < SA_COUNTOF(aes_wrap_mechs); i++) {
		if (!sa_case_has_mech(ctx, aes_wrap_mechs[i]))
			continue;
		tried++;
		sa_kpa_mech(aes_wrap_mechs[i], &m);
		rv = sa_kp_wrap(ctx, st->s, &m, w, st->target, &blob);
		sa_kpa_log(&st->ev, "  C_WrapKey(%s) -> %s, %zu bytes",
		           sa_p11_mech_name(m.mechanism), sa_p11_rv_name(rv),
		           blob.len);
		if (rv != CKR_OK)
			continue;
		if (sa_kpa_soft_decrypt(m.mechanism, kv->value, kv->len,
		                        sa_kp_zero_iv, blob.data, blob.len,
		                        &pt) != SA_OK) {
			sa_kpa_log(&st->ev, "  the blob does not decrypt off "
			                    "the token under the known key");
			continue;
		}
		sa_kpa_log(&st->ev, "  decrypted off the token: %zu bytes",
		           pt.len);
		if (kp06_is_target(st, &pt))
			kp06_leak(st, "A2 trojan wrapping key", m.mechanism);
		sa_buf_reset(&pt);
	}
	kp06_verdict(st, what, before, tried, "wrapping mechanisms");
out:
	sa_buf_free(&blob);
	sa_buf_free(&pt);
}

/* Re-import: wrap with a WRAP+UNWRAP key, unwrap as non-sensitive. */
static void kp06_reimport(struct kp06 *st)
{
	static const char what[] = "re-import: a key with CKA_WRAP and "
	                           "CKA_UNWRAP wraps the target and unwraps "
	                           "it as CKA_SENSITIVE=FALSE";
	sa_case_ctx *ctx = st->ctx;
	sa_kp_opts o = usage_opts("sigaudit-kp06-kek", true, false);
	sa_kp_opts uo = usage_opts("sigaudit-kp06-copy", false, true);
	CK_OBJECT_HANDLE w = CK_INVALID_HANDLE, copy = CK_INVALID_HANDLE;
	sa_buf blob = SA_BUF_INIT, val = SA_BUF_INIT_SECURE;
	CK_MECHANISM m;
	unsigned tried = 0, before = st->n_leaks;
	size_t i;
	CK_RV rv;

	o.wrap = SA_KP_TRUE;
	o.unwrap = SA_KP_TRUE;
	if (kp06_kek(st, what,
	             "re-import: C_GenerateKey AES-128 CKA_WRAP+CKA_UNWRAP", &o,
	             &w) < 0)
		goto out;
	for (i = 0; i < SA_COUNTOF(aes_wrap_mechs); i++) {
		if (!sa_case_has_mech(ctx, aes_wrap_mechs[i]))
			continue;
		tried++;
		sa_kpa_mech(aes_wrap_mechs[i], &m);
		rv = sa_kp_wrap(ctx, st->s, &m, w, st->target, &blob);
		sa_kpa_log(&st->ev, "  C_WrapKey(%s) -> %s, %zu bytes",
		           sa_p11_mech_name(m.mechanism), sa_p11_rv_name(rv),
		           blob.len);
		if (rv != CKR_OK)
			continue;
		rv = unwrap_aes(ctx, st->s, &m, w, &blob, st->tv->len, &uo,
		                &copy);
		sa_kpa_keep(&st->objs, copy);
		sa_kpa_log(&st->ev,
		           "  C_UnwrapKey(%s, CKA_SENSITIVE=FALSE, "
		           "CKA_EXTRACTABLE=TRUE) -> %s",
		           sa_p11_mech_name(m.mechanism), sa_p11_rv_name(rv));
		if (rv != CKR_OK)
			continue;
		rv = sa_kp_get_bytes(ctx, st->s, copy, CKA_VALUE, &val, NULL);
		sa_kpa_log(&st->ev, "  C_GetAttributeValue(CKA_VALUE) -> %s",
		           sa_p11_rv_name(rv));
		if (rv == CKR_OK && kp06_is_target(st, &val))
			kp06_leak(st, "re-import", m.mechanism);
		sa_buf_reset(&val);
	}
	kp06_verdict(st, what, before, tried, "wrapping mechanisms");
out:
	sa_buf_free(&blob);
	sa_buf_free(&val);
}

void sa_kp06_wrap_decrypt(sa_case_ctx *ctx)
{
	struct kp06 st;
	sa_kp_opts o = usage_opts("sigaudit-kp06-target", true, true);
	const char *why = NULL;
	bool known = false;
	CK_RV rv;

	memset(&st, 0, sizeof(st));
	st.ctx = ctx;
	st.s = CK_INVALID_HANDLE;
	st.target = CK_INVALID_HANDLE;
	st.tv = sa_kp_known_part(sa_kp_known_get(SA_KP_AES128), CKA_VALUE);
	if (st.tv == NULL) {
		sa_case_error(ctx, "internal: no known AES-128 test key");
		goto out;
	}
	sa_kpa_key_id(st.tv->value, st.tv->len, st.tv_id);
	if (sa_kp_open(ctx, true, &st.s) < 0)
		goto out;
	/* The target may be encrypted with, so that a token that refuses
	 * CKA_EXTRACTABLE keys without usage is not mistaken for one that
	 * refuses the attack. */
	o.encrypt = SA_KP_TRUE;
	o.decrypt = SA_KP_TRUE;
	rv = sa_kp_src_try(ctx, st.s, SA_KP_AES128, &o, &st.target, NULL,
	                   &known, &why);
	sa_kpa_keep(&st.objs, st.target);
	sa_kpa_log(&st.ev,
	           "target: C_CreateObject AES-128 CKA_SENSITIVE=TRUE "
	           "CKA_EXTRACTABLE=TRUE (%s) -> %s",
	           st.tv_id, sa_p11_rv_name(rv));
	if (why != NULL) {
		sa_case_skip(ctx, "sensitive extractable AES-128 target: %s",
		             why);
		goto out;
	}
	/* Every route is judged by finding the target's known bytes; a key
	 * generated in place of the refused import has no known value. */
	if (rv == CKR_OK && !known) {
		sa_case_skip(ctx,
		             "the token refuses to import the AES-128 test key "
		             "(a generated key was made, but recovering it "
		             "cannot be recognised without its known value)");
		goto out;
	}
	if (sa_kp_setup(ctx, rv,
	                "C_CreateObject(sensitive extractable AES-128 "
	                "key)") < 0)
		goto out;

	kp06_a1_symmetric(&st);
	kp06_a1_pair(&st);
	kp06_trojan(&st);
	kp06_reimport(&st);

	if (st.n_leaks > 0)
		sa_case_fail(ctx,
		             "finding: the sensitive AES-128 key was recovered "
		             "in clear %u time(s): %s",
		             st.n_leaks, sa_buf_cstr(&st.leaks));
out:
	sa_kpa_log_save(ctx, &st.ev, "steps.txt");
	sa_kpa_destroy_all(ctx, st.s, &st.objs);
	sa_kp_src_cleanup(ctx, st.s);
	sa_p11_close(ctx, &st.s);
	sa_buf_free(&st.ev);
	sa_buf_free(&st.leaks);
}

/* ====================================================================
 * KP-07: conjure a "sensitive" key of known value
 * ==================================================================== */

struct kp07 {
	sa_case_ctx *ctx;
	CK_SESSION_HANDLE s;
	sa_kpa_objs objs;
	sa_buf ev;
	/* the attacker's chosen key value */
	CK_BYTE v[16];
	char v_id[SA_KPA_ID_SIZE];
	sa_buf findings;
	unsigned n_findings;
};

static void kp07_finding(struct kp07 *st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void kp07_finding(struct kp07 *st, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (st->n_findings > 0)
		(void)sa_buf_append_str(&st->findings, "; ");
	(void)sa_buf_append_str(&st->findings, line);
	st->n_findings++;
}

/* Unwrap `blob` as a sensitive, unextractable AES-128 key with `unwrapper`
 * and find out whether it holds the chosen value. *conjured: the unwrap
 * worked; *confirmed: the token's own encryption shows the value. */
static CK_RV kp07_unwrap(struct kp07 *st, const CK_MECHANISM *m,
                         CK_OBJECT_HANDLE unwrapper, const sa_buf *blob,
                         CK_OBJECT_HANDLE *key, bool *confirmed)
{
	sa_kp_opts o = usage_opts("sigaudit-kp07-conjured", true, false);
	bool same = false;
	CK_RV rv, erv;

	*confirmed = false;
	o.encrypt = SA_KP_TRUE;
	rv = unwrap_aes(st->ctx, st->s, m, unwrapper, blob, sizeof(st->v), &o,
	                key);
	sa_kpa_keep(&st->objs, *key);
	sa_kpa_log(&st->ev,
	           "  C_UnwrapKey(%s) as AES-128 CKA_SENSITIVE=TRUE "
	           "CKA_EXTRACTABLE=FALSE -> %s",
	           sa_p11_mech_name(m->mechanism), sa_p11_rv_name(rv));
	if (rv != CKR_OK)
		goto out;
	erv = sa_kpa_same_aes_value(st->ctx, st->s, *key, st->v, sizeof(st->v),
	                            &same);
	sa_kpa_log(&st->ev, "  test encryption with the new key -> %s%s",
	           sa_p11_rv_name(erv),
	           erv != CKR_OK ? ""
	           : same        ? ": it holds the chosen value"
	                         : ": not the chosen value");
	*confirmed = erv == CKR_OK && same;
	if (erv != CKR_OK)
		sa_case_note(st->ctx,
		             "the conjured key could not be tested "
		             "(encryption returned %s)",
		             sa_p11_rv_name(erv));
out:
	return rv;
}

/* Clulow's conjuring with one secret key holding CKA_ENCRYPT+CKA_UNWRAP. */
static void kp07_symmetric(struct kp07 *st)
{
	static const char what[] = "one secret key with CKA_ENCRYPT and "
	                           "CKA_UNWRAP turns attacker-chosen bytes "
	                           "into a sensitive key";
	static const CK_MECHANISM_TYPE mechs[] = {
	    CKM_AES_ECB,      CKM_AES_CBC,          CKM_AES_CBC_PAD,
	    CKM_AES_KEY_WRAP, CKM_AES_KEY_WRAP_PAD,
	};
	sa_case_ctx *ctx = st->ctx;
	sa_kp_opts o = usage_opts("sigaudit-kp07-k", true, false);
	CK_OBJECT_HANDLE k = CK_INVALID_HANDLE, c = CK_INVALID_HANDLE;
	sa_buf blob = SA_BUF_INIT;
	CK_MECHANISM m;
	unsigned tried = 0, made = 0;
	bool confirmed = false, conjured = false;
	size_t i;
	CK_RV rv;

	o.encrypt = SA_KP_TRUE;
	o.unwrap = SA_KP_TRUE;
	sa_kpa_log(&st->ev, "symmetric: C_GenerateKey AES-128 "
	                    "CKA_ENCRYPT+CKA_UNWRAP");
	rv = sa_kp_gen_secret(ctx, st->s, CKM_AES_KEY_GEN, 16, &o, &k);
	sa_kpa_keep(&st->objs, k);
	sa_kpa_log(&st->ev, "  C_GenerateKey -> %s", sa_p11_rv_name(rv));
	if (rv != CKR_OK) {
		sa_case_checkf(ctx, true, what, "refused",
		               "the key could not be made: %s",
		               sa_p11_rv_name(rv));
		goto out;
	}
	for (i = 0; i < SA_COUNTOF(mechs); i++) {
		if (!sa_case_has_mech(ctx, mechs[i]))
			continue;
		tried++;
		sa_kpa_mech(mechs[i], &m);
		rv = sa_kp_encrypt(ctx, st->s, k, &m, st->v, sizeof(st->v),
		                   &blob);
		sa_kpa_log(&st->ev, "  C_Encrypt(%s) of the chosen value -> %s",
		           sa_p11_mech_name(m.mechanism), sa_p11_rv_name(rv));
		if (rv != CKR_OK)
			continue;
		made++;
		rv = kp07_unwrap(st, &m, k, &blob, &c, &confirmed);
		if (rv != CKR_OK)
			continue;
		/* A key came out of bytes the attacker encrypted: by
		 * construction it holds the chosen value, confirmed or
		 * not. */
		conjured = true;
		kp07_finding(st,
		             "a sensitive key of attacker-chosen value "
		             "conjured with %s (%s)",
		             sa_p11_mech_name(m.mechanism),
		             confirmed ? "confirmed by a test encryption"
		                       : "not confirmed: the key would not "
		                         "encrypt");
	}
	if (tried == 0 || made == 0)
		sa_case_note(ctx,
		             "symmetric conjuring: %s (%u mechanisms "
		             "listed)",
		             tried == 0 ? "the token lists none of the AES "
		                          "mechanisms tried"
		                        : "the token encrypted with none of "
		                          "them",
		             tried);
	sa_case_checkf(ctx, !conjured, what, "refused",
	               "%s (%u of %u mechanisms encrypted)",
	               conjured ? "a key was conjured" : "no key conjured",
	               made, tried);
out:
	sa_buf_free(&blob);
}

/* With a key pair the conjuring is inherent; the token must not vouch for
 * the result. */
static void kp07_pair(struct kp07 *st)
{
	static const char what[] = "a key unwrapped from attacker-encrypted "
	                           "bytes is not vouched for as "
	                           "ALWAYS_SENSITIVE, NEVER_EXTRACTABLE or "
	                           "LOCAL";
	static const CK_ATTRIBUTE_TYPE history[] = {
	    CKA_ALWAYS_SENSITIVE, CKA_NEVER_EXTRACTABLE, CKA_LOCAL};
	static const CK_MECHANISM_TYPE mechs[] = {CKM_RSA_PKCS_OAEP,
	                                          CKM_RSA_PKCS};
	sa_case_ctx *ctx = st->ctx;
	sa_kp_opts po = pub_opts("sigaudit-kp07-rsa");
	sa_kp_opts vo = priv_opts("sigaudit-kp07-rsa", false);
	CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE, priv = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE c = CK_INVALID_HANDLE;
	sa_buf blob = SA_BUF_INIT;
	char vouched[128] = "";
	CK_MECHANISM m;
	bool confirmed = false, tested = false;
	size_t i, j;
	CK_BBOOL b;
	CK_RV rv;

	if (!sa_case_has_mech(ctx, CKM_RSA_PKCS_KEY_PAIR_GEN)) {
		sa_case_note(ctx, "key-pair conjuring not tried: the token "
		                  "does not list CKM_RSA_PKCS_KEY_PAIR_GEN");
		goto out;
	}
	po.encrypt = SA_KP_TRUE;
	vo.unwrap = SA_KP_TRUE;
	sa_kpa_log(&st->ev, "key pair: C_GenerateKeyPair RSA-2048, public "
	                    "CKA_ENCRYPT, private CKA_UNWRAP");
	rv = sa_kp_gen_pair(ctx, st->s, CKK_RSA, 2048, &po, &vo, &pub, &priv);
	sa_kpa_keep(&st->objs, pub);
	sa_kpa_keep(&st->objs, priv);
	sa_kpa_log(&st->ev, "  C_GenerateKeyPair -> %s", sa_p11_rv_name(rv));
	if (rv != CKR_OK) {
		sa_case_note(ctx,
		             "key-pair conjuring not tried: "
		             "C_GenerateKeyPair returned %s",
		             sa_p11_rv_name(rv));
		goto out;
	}
	for (i = 0; i < SA_COUNTOF(mechs) && !tested; i++) {
		if (!sa_case_has_mech(ctx, mechs[i]))
			continue;
		rsa_mech(mechs[i], &m);
		rv = sa_kp_encrypt(ctx, st->s, pub, &m, st->v, sizeof(st->v),
		                   &blob);
		sa_kpa_log(&st->ev, "  C_Encrypt(%s) of the chosen value -> %s",
		           sa_p11_mech_name(m.mechanism), sa_p11_rv_name(rv));
		if (rv != CKR_OK)
			continue;
		rv = kp07_unwrap(st, &m, priv, &blob, &c, &confirmed);
		if (rv != CKR_OK)
			continue;
		tested = true;
		for (j = 0; j < SA_COUNTOF(history); j++) {
			b = CK_FALSE;
			rv = sa_kp_get_bool(ctx, st->s, c, history[j], &b);
			sa_kpa_log(&st->ev, "  %s -> %s, %s",
			           sa_p11_attr_name(history[j]),
			           sa_p11_rv_name(rv), sa_kp_bool_str(b));
			if (rv == CKR_OK && b == CK_TRUE) {
				size_t u = strlen(vouched);
				snprintf(vouched + u, sizeof(vouched) - u,
				         "%s%s", u ? ", " : "",
				         sa_p11_attr_name(history[j]));
			}
		}
		if (confirmed)
			sa_case_note(ctx,
			             "a key of attacker-chosen value was "
			             "unwrapped with %s (inherent to "
			             "public-key unwrapping: anyone can "
			             "encrypt to the public key)",
			             sa_p11_mech_name(m.mechanism));
	}
	if (!tested) {
		sa_case_note(ctx, "key-pair conjuring: no RSA mechanism "
		                  "encrypted and unwrapped");
		goto out;
	}
	if (vouched[0] != '\0')
		kp07_finding(st,
		             "the token vouches for a key of attacker-chosen "
		             "value as %s",
		             vouched);
	sa_case_check(ctx, vouched[0] == '\0', what, "all CK_FALSE",
	              vouched[0] == '\0' ? "all CK_FALSE" : vouched);
out:
	sa_buf_free(&blob);
}

void sa_kp07_key_conjuring(sa_case_ctx *ctx)
{
	struct kp07 st;

	memset(&st, 0, sizeof(st));
	st.ctx = ctx;
	st.s = CK_INVALID_HANDLE;
	if (RAND_bytes(st.v, (int)sizeof(st.v)) != 1) {
		sa_case_error(ctx, "RAND_bytes failed");
		goto out;
	}
	sa_kpa_key_id(st.v, sizeof(st.v), st.v_id);
	sa_kpa_log(&st.ev, "attacker-chosen AES-128 value: %s", st.v_id);
	if (sa_kp_open(ctx, true, &st.s) < 0)
		goto out;
	if (!sa_case_has_mech(ctx, CKM_AES_KEY_GEN))
		sa_case_note(ctx, "symmetric conjuring not tried: the token "
		                  "does not list CKM_AES_KEY_GEN");
	else
		kp07_symmetric(&st);
	kp07_pair(&st);
	if (st.n_findings > 0)
		sa_case_fail(ctx, "finding: %s", sa_buf_cstr(&st.findings));
	else if (!sa_case_has_mech(ctx, CKM_AES_KEY_GEN) &&
	         !sa_case_has_mech(ctx, CKM_RSA_PKCS_KEY_PAIR_GEN))
		sa_case_skip(ctx, "the token lists neither CKM_AES_KEY_GEN nor "
		                  "CKM_RSA_PKCS_KEY_PAIR_GEN: no conjuring can "
		                  "be tried");
out:
	sa_kpa_log_save(ctx, &st.ev, "steps.txt");
	sa_kpa_destroy_all(ctx, st.s, &st.objs);
	sa_p11_close(ctx, &st.s);
	OPENSSL_cleanse(st.v, sizeof(st.v));
	sa_buf_free(&st.ev);
	sa_buf_free(&st.findings);
}

/* ====================================================================
 * KP-11: weak wraps strong
 * ==================================================================== */

enum kp11_role { KP11_TARGET, KP11_WRAPPER };

struct kp11_key {
	const char *name;
	CK_KEY_TYPE kt;
	CK_ULONG bits;
	enum kp11_role role;
	CK_OBJECT_HANDLE h; /* the target, or the wrapping key */
};

struct kp11 {
	sa_case_ctx *ctx;
	CK_SESSION_HANDLE s;
	sa_kpa_objs objs;
	sa_buf ev;
	sa_buf weak;
	unsigned n_weak, n_pairs, n_ref_ok;
};

static CK_RV kp11_make(struct kp11 *st, struct kp11_key *k)
{
	bool target = k->role == KP11_TARGET;
	sa_kp_opts o = usage_opts("sigaudit-kp11", true, target);
	sa_kp_opts po = pub_opts("sigaudit-kp11");
	sa_kp_opts vo = priv_opts("sigaudit-kp11", target);
	CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE, priv = CK_INVALID_HANDLE;
	CK_MECHANISM_TYPE gen = CKM_AES_KEY_GEN;
	CK_ULONG len = k->bits / 8;
	CK_RV rv = CKR_MECHANISM_INVALID;
	bool listed = false;

	if (!target)
		o.wrap = SA_KP_TRUE;
	switch (k->kt) {
	case CKK_DES2:
	case CKK_DES3:
		gen = k->kt == CKK_DES2 ? CKM_DES2_KEY_GEN : CKM_DES3_KEY_GEN;
		len = 0;
		/* fall through */
	case CKK_AES:
		if (!sa_case_has_mech(st->ctx, gen))
			goto out;
		listed = true;
		rv = sa_kp_gen_secret(st->ctx, st->s, gen, len, &o, &k->h);
		sa_kpa_keep(&st->objs, k->h);
		break;
	case CKK_RSA:
	case CKK_EC:
		if (!sa_case_has_mech(st->ctx, k->kt == CKK_RSA
		                                   ? CKM_RSA_PKCS_KEY_PAIR_GEN
		                                   : CKM_EC_KEY_PAIR_GEN))
			goto out;
		listed = true;
		if (!target)
			po.wrap = SA_KP_TRUE;
		rv = sa_kp_gen_pair(st->ctx, st->s, k->kt, k->bits, &po, &vo,
		                    &pub, &priv);
		sa_kpa_keep(&st->objs, pub);
		sa_kpa_keep(&st->objs, priv);
		k->h = target ? priv : pub;
		break;
	default:
		break;
	}
out:
	sa_kpa_log(&st->ev, "%s %s: %s", target ? "target" : "wrapping key",
	           k->name,
	           listed ? sa_p11_rv_name(rv)
	                  : "not made (generation mechanism not listed)");
	if (rv != CKR_OK)
		k->h = CK_INVALID_HANDLE;
	return rv;
}

/* The wrapping mechanisms for a wrapping key type. */
static size_t kp11_mechs(CK_KEY_TYPE kt, const CK_MECHANISM_TYPE **out)
{
	static const CK_MECHANISM_TYPE des[] = {CKM_DES3_CBC_PAD, CKM_DES3_CBC,
	                                        CKM_DES3_ECB};
	static const CK_MECHANISM_TYPE rsa[] = {CKM_RSA_PKCS_OAEP,
	                                        CKM_RSA_PKCS};

	switch (kt) {
	case CKK_AES:
		*out = aes_wrap_mechs;
		return SA_COUNTOF(aes_wrap_mechs);
	case CKK_DES2:
	case CKK_DES3:
		*out = des;
		return SA_COUNTOF(des);
	case CKK_RSA:
		*out = rsa;
		return SA_COUNTOF(rsa);
	default:
		*out = NULL;
		return 0;
	}
}

/* Try every listed mechanism of w on t; the first that wraps is enough. */
static CK_MECHANISM_TYPE kp11_try(struct kp11 *st, const struct kp11_key *w,
                                  const struct kp11_key *t)
{
	const CK_MECHANISM_TYPE *mechs = NULL;
	size_t n = kp11_mechs(w->kt, &mechs), i;
	sa_buf blob = SA_BUF_INIT;
	CK_MECHANISM_TYPE ok = SA_MECH_END;
	CK_MECHANISM m;
	CK_RV rv;

	for (i = 0; i < n && ok == SA_MECH_END; i++) {
		if (!sa_case_has_mech(st->ctx, mechs[i]))
			continue;
		if (w->kt == CKK_RSA)
			rsa_mech(mechs[i], &m);
		else
			sa_kpa_mech(mechs[i], &m);
		rv = sa_kp_wrap(st->ctx, st->s, &m, w->h, t->h, &blob);
		sa_kpa_log(&st->ev, "  %s under %s, C_WrapKey(%s) -> %s",
		           t->name, w->name, sa_p11_mech_name(mechs[i]),
		           sa_p11_rv_name(rv));
		if (rv == CKR_OK)
			ok = mechs[i];
	}
	sa_buf_free(&blob);
	return ok;
}

void sa_kp11_weak_wraps_strong(sa_case_ctx *ctx)
{
	struct kp11_key keys[] = {
	    {"AES-256", CKK_AES, 256, KP11_TARGET, CK_INVALID_HANDLE},
	    {"EC P-256 private key", CKK_EC, 256, KP11_TARGET,
	     CK_INVALID_HANDLE},
	    {"RSA-2048 private key", CKK_RSA, 2048, KP11_TARGET,
	     CK_INVALID_HANDLE},
	    {"AES-256", CKK_AES, 256, KP11_WRAPPER, CK_INVALID_HANDLE},
	    {"AES-128", CKK_AES, 128, KP11_WRAPPER, CK_INVALID_HANDLE},
	    {"3DES (three-key)", CKK_DES3, 192, KP11_WRAPPER,
	     CK_INVALID_HANDLE},
	    {"3DES (two-key)", CKK_DES2, 128, KP11_WRAPPER, CK_INVALID_HANDLE},
	    {"RSA-1024 public key", CKK_RSA, 1024, KP11_WRAPPER,
	     CK_INVALID_HANDLE},
	};
	struct kp11 st;
	unsigned n_targets = 0, n_wrappers = 0, sw, stt;
	CK_MECHANISM_TYPE mech;
	size_t i, j;

	memset(&st, 0, sizeof(st));
	st.ctx = ctx;
	st.s = CK_INVALID_HANDLE;
	if (sa_kp_open(ctx, true, &st.s) < 0)
		goto out;
	for (i = 0; i < SA_COUNTOF(keys); i++) {
		if (kp11_make(&st, &keys[i]) != CKR_OK)
			continue;
		if (keys[i].role == KP11_TARGET)
			n_targets++;
		else
			n_wrappers++;
	}
	if (n_targets == 0 || n_wrappers == 0) {
		sa_case_skip(ctx,
		             "the token made %u sensitive extractable targets "
		             "and %u wrapping keys: no pair to try",
		             n_targets, n_wrappers);
		goto out;
	}
	for (i = 0; i < SA_COUNTOF(keys); i++) {
		const struct kp11_key *w = &keys[i];

		if (w->role != KP11_WRAPPER || w->h == CK_INVALID_HANDLE)
			continue;
		sw = sa_kpa_strength(w->kt, w->bits);
		for (j = 0; j < SA_COUNTOF(keys); j++) {
			const struct kp11_key *t = &keys[j];

			if (t->role != KP11_TARGET || t->h == CK_INVALID_HANDLE)
				continue;
			stt = sa_kpa_strength(t->kt, t->bits);
			mech = kp11_try(&st, w, t);
			if (sw >= stt) {
				/* a reference pair: shows whether the
				 * token wraps at all */
				if (mech != SA_MECH_END)
					st.n_ref_ok++;
				continue;
			}
			st.n_pairs++;
			if (mech == SA_MECH_END)
				continue;
			sa_kpa_log(&st.ev,
			           "  -> WEAK: %s (%u bits) wrapped under "
			           "%s (%u bits)",
			           t->name, stt, w->name, sw);
			(void)sa_buf_appendf(&st.weak, "%s%s under %s (%s)",
			                     st.n_weak > 0 ? ", " : "", t->name,
			                     w->name, sa_p11_mech_name(mech));
			st.n_weak++;
		}
	}
	if (st.n_pairs == 0) {
		sa_case_skip(ctx, "no wrapping key the token made is weaker "
		                  "than a target it made");
		goto out;
	}
	if (st.n_ref_ok == 0)
		sa_case_note(ctx, "the token wrapped no key even under an "
		                  "equal or stronger key: wrapping may be off "
		                  "altogether");
	sa_case_checkf(ctx, st.n_weak == 0,
	               "C_WrapKey of a key under a weaker wrapping key",
	               "refused", "%u of %u weaker-over-stronger pairs wrapped",
	               st.n_weak, st.n_pairs);
	if (st.n_weak > 0)
		sa_case_fail(ctx,
		             "finding: %u of %u weaker-over-stronger pairs "
		             "wrapped: %s",
		             st.n_weak, st.n_pairs, sa_buf_cstr(&st.weak));
out:
	sa_kpa_log_save(ctx, &st.ev, "steps.txt");
	sa_kpa_destroy_all(ctx, st.s, &st.objs);
	sa_p11_close(ctx, &st.s);
	sa_buf_free(&st.ev);
	sa_buf_free(&st.weak);
}
