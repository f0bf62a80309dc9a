/* Helpers shared by keygen*.c, opstate.c and concurrency.c (keygen_int.h). */
#include <stdio.h>
#include <string.h>

#include "sigaudit/guard.h"

#include "keygen_int.h"
#include "session_int.h"

/* Template sizes: the fixed attributes plus what a spec may add. */
#define GEN_TMPL_MAX 24

static const CK_BYTE rsa_e[] = {0x01, 0x00, 0x01};

/* Storage (B2.40 §4.4), common key (§4.7) and public / private / secret key
 * attributes (§4.8-4.10), v2.40 additions (CKA_COPYABLE, CKA_DESTROYABLE,
 * CKA_PUBLIC_KEY_INFO) included. */
#define COMMON_ATTRS                                                           \
	CKA_CLASS, CKA_TOKEN, CKA_PRIVATE, CKA_MODIFIABLE, CKA_LABEL,          \
	    CKA_COPYABLE, CKA_DESTROYABLE, CKA_KEY_TYPE, CKA_ID,               \
	    CKA_START_DATE, CKA_END_DATE, CKA_DERIVE, CKA_LOCAL,               \
	    CKA_KEY_GEN_MECHANISM, CKA_ALLOWED_MECHANISMS

const CK_ATTRIBUTE_TYPE sa_p11_gen_attrs_pub[] = {
    COMMON_ATTRS, CKA_SUBJECT,        CKA_ENCRYPT,
    CKA_VERIFY,   CKA_VERIFY_RECOVER, CKA_WRAP,
    CKA_TRUSTED,  CKA_WRAP_TEMPLATE,  CKA_PUBLIC_KEY_INFO,
};
const size_t sa_p11_gen_n_attrs_pub = SA_COUNTOF(sa_p11_gen_attrs_pub);

const CK_ATTRIBUTE_TYPE sa_p11_gen_attrs_priv[] = {
    COMMON_ATTRS,
    CKA_SUBJECT,
    CKA_SENSITIVE,
    CKA_DECRYPT,
    CKA_SIGN,
    CKA_SIGN_RECOVER,
    CKA_UNWRAP,
    CKA_EXTRACTABLE,
    CKA_ALWAYS_SENSITIVE,
    CKA_NEVER_EXTRACTABLE,
    CKA_WRAP_WITH_TRUSTED,
    CKA_UNWRAP_TEMPLATE,
    CKA_ALWAYS_AUTHENTICATE,
    CKA_PUBLIC_KEY_INFO,
};
const size_t sa_p11_gen_n_attrs_priv = SA_COUNTOF(sa_p11_gen_attrs_priv);

const CK_ATTRIBUTE_TYPE sa_p11_gen_attrs_secret[] = {
    COMMON_ATTRS,
    CKA_SENSITIVE,
    CKA_ENCRYPT,
    CKA_DECRYPT,
    CKA_SIGN,
    CKA_VERIFY,
    CKA_WRAP,
    CKA_UNWRAP,
    CKA_EXTRACTABLE,
    CKA_ALWAYS_SENSITIVE,
    CKA_NEVER_EXTRACTABLE,
    CKA_CHECK_VALUE,
    CKA_WRAP_WITH_TRUSTED,
    CKA_TRUSTED,
    CKA_WRAP_TEMPLATE,
    CKA_UNWRAP_TEMPLATE,
};
const size_t sa_p11_gen_n_attrs_secret = SA_COUNTOF(sa_p11_gen_attrs_secret);

/* One C_GenerateKeyPair as spec says, with CKA_TOKEN = token. */
static CK_RV gen_pair_once(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                           const sa_p11_gen_spec *spec, bool token,
                           const char *label, CK_OBJECT_HANDLE *pub,
                           CK_OBJECT_HANDLE *priv)
{
	CK_MECHANISM mech = {spec->mech, NULL, 0};
	CK_BBOOL yes = CK_TRUE;
	CK_BBOOL tok = token ? CK_TRUE : CK_FALSE;
	CK_ULONG bits = spec->bits;
	CK_ATTRIBUTE pt[GEN_TMPL_MAX], kt[GEN_TMPL_MAX];
	CK_ULONG np = 0, nk = 0;
	size_t i;
	CK_RV rv = CKR_ARGUMENTS_BAD;

	*pub = *priv = CK_INVALID_HANDLE;
	if (spec->n_extra_pub > GEN_TMPL_MAX - 6 ||
	    spec->n_extra_priv > GEN_TMPL_MAX - 6)
		goto out;
	pt[np++] = (CK_ATTRIBUTE){CKA_TOKEN, &tok, sizeof(tok)};
	pt[np++] = (CK_ATTRIBUTE){CKA_VERIFY, &yes, sizeof(yes)};
	if (spec->mech == CKM_RSA_PKCS_KEY_PAIR_GEN) {
		if (!spec->omit_bits)
			pt[np++] = (CK_ATTRIBUTE){CKA_MODULUS_BITS, &bits,
			                          sizeof(bits)};
		pt[np++] = (CK_ATTRIBUTE){CKA_PUBLIC_EXPONENT, (void *)rsa_e,
		                          sizeof(rsa_e)};
	} else if (spec->params != NULL) {
		pt[np++] = (CK_ATTRIBUTE){CKA_EC_PARAMS, (void *)spec->params,
		                          spec->params_len};
	}
	kt[nk++] = (CK_ATTRIBUTE){CKA_TOKEN, &tok, sizeof(tok)};
	kt[nk++] = (CK_ATTRIBUTE){CKA_PRIVATE, &yes, sizeof(yes)};
	kt[nk++] = (CK_ATTRIBUTE){CKA_SENSITIVE, &yes, sizeof(yes)};
	kt[nk++] = (CK_ATTRIBUTE){CKA_SIGN, &yes, sizeof(yes)};
	if (label != NULL) {
		pt[np++] =
		    (CK_ATTRIBUTE){CKA_LABEL, (void *)label, strlen(label)};
		kt[nk++] =
		    (CK_ATTRIBUTE){CKA_LABEL, (void *)label, strlen(label)};
	}
	for (i = 0; i < spec->n_extra_pub; i++)
		pt[np++] = spec->extra_pub[i];
	for (i = 0; i < spec->n_extra_priv; i++)
		kt[nk++] = spec->extra_priv[i];
	rv = sa_case_p11(ctx)->C_GenerateKeyPair(s, &mech, pt, np, kt, nk, pub,
	                                         priv);
	if (rv != CKR_OK) {
		/* The handles are not defined after a failure (B2.40 §5.14);
		 * callers that look at them (GEN-05) use their own copies. */
		*pub = *priv = CK_INVALID_HANDLE;
	}
out:
	return rv;
}

CK_RV sa_p11_gen_pair(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                      const sa_p11_gen_spec *spec, CK_OBJECT_HANDLE *pub,
                      CK_OBJECT_HANDLE *priv)
{
	CK_RV rv, rv_tok;

	rv = gen_pair_once(ctx, s, spec, spec->token, spec->label, pub, priv);
	/* Some tokens keep keys only as token objects (tpm2-pkcs11 refuses
	 * CKA_TOKEN false): a good template is then made a token object,
	 * labelled so that what a crashed case leaves can be found, and
	 * destroyed like the rest. */
	if (spec->fallback && !spec->token &&
	    (rv == CKR_ATTRIBUTE_VALUE_INVALID ||
	     rv == CKR_TEMPLATE_INCONSISTENT)) {
		rv_tok = gen_pair_once(ctx, s, spec, true,
		                       spec->label ? spec->label
		                                   : SA_P11_GEN_TMP_LABEL,
		                       pub, priv);
		if (rv_tok == CKR_OK) {
			sa_case_note(
			    ctx,
			    "%s: session key pair refused (%s); made "
			    "as token objects labelled \"%s\", "
			    "destroyed at the end",
			    sa_p11_mech_name(spec->mech), sa_p11_rv_name(rv),
			    spec->label ? spec->label : SA_P11_GEN_TMP_LABEL);
			rv = CKR_OK;
		}
	}
	return rv;
}

int sa_p11_gen_rsa_setup(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_ULONG bits,
                         CK_OBJECT_HANDLE *pub, CK_OBJECT_HANDLE *priv)
{
	sa_p11_gen_spec spec = {0};
	int rc = SA_E_CKR;
	CK_RV rv;

	spec.mech = CKM_RSA_PKCS_KEY_PAIR_GEN;
	spec.bits = bits;
	spec.fallback = true;
	rv = sa_p11_gen_pair(ctx, s, &spec, pub, priv);
	if (rv != CKR_OK) {
		sa_case_error(ctx,
		              "set-up: C_GenerateKeyPair(RSA-%lu, session "
		              "objects) returned %s",
		              (unsigned long)bits, sa_p11_rv_name(rv));
		goto out;
	}
	rc = SA_OK;
out:
	return rc;
}

int sa_p11_gen_ec_setup(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                        const char *curve, CK_OBJECT_HANDLE *pub,
                        CK_OBJECT_HANDLE *priv)
{
	const sa_p11_ossl_curve *c = sa_p11_ossl_curve_by_name(curve);
	sa_p11_gen_spec spec = {0};
	int rc = SA_E_CKR;
	CK_RV rv;

	*pub = *priv = CK_INVALID_HANDLE;
	if (c == NULL) {
		rc = SA_E_INVALID;
		sa_case_error(ctx, "set-up: unknown curve %s", curve);
		goto out;
	}
	spec.mech =
	    c->edwards ? CKM_EC_EDWARDS_KEY_PAIR_GEN : CKM_EC_KEY_PAIR_GEN;
	spec.params = c->oid;
	spec.params_len = c->oid_len;
	spec.fallback = true;
	rv = sa_p11_gen_pair(ctx, s, &spec, pub, priv);
	if (rv != CKR_OK) {
		sa_case_error(ctx,
		              "set-up: C_GenerateKeyPair(%s, session objects) "
		              "returned %s",
		              curve, sa_p11_rv_name(rv));
		goto out;
	}
	rc = SA_OK;
out:
	return rc;
}

int sa_p11_gen_sign_pair(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                         CK_OBJECT_HANDLE *pub, CK_OBJECT_HANDLE *priv,
                         CK_MECHANISM_TYPE *mech)
{
	int rc = SA_E_UNSUPPORTED;

	*pub = *priv = CK_INVALID_HANDLE;
	*mech = SA_MECH_END;
	if (sa_case_has_mech(ctx, CKM_EC_KEY_PAIR_GEN) &&
	    sa_case_has_mech(ctx, CKM_ECDSA)) {
		*mech = CKM_ECDSA;
		rc = sa_p11_gen_ec_setup(ctx, s, "P-256", pub, priv);
	} else if (sa_case_has_mech(ctx, CKM_RSA_PKCS_KEY_PAIR_GEN) &&
	           sa_p11_gen_sign_mech(ctx, CKK_RSA) != SA_MECH_END) {
		*mech = sa_p11_gen_sign_mech(ctx, CKK_RSA);
		rc = sa_p11_gen_rsa_setup(ctx, s, 2048, pub, priv);
	}
	return rc;
}

void sa_p11_gen_sweep(sa_case_ctx *ctx, CK_SESSION_HANDLE s, const char *label)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_ATTRIBUTE t = {CKA_LABEL, (void *)label, strlen(label)};
	CK_OBJECT_HANDLE found[16];
	CK_ULONG got = 0, i;

	if (f->C_FindObjectsInit(s, &t, 1) != CKR_OK)
		goto out;
	if (f->C_FindObjects(s, found, SA_COUNTOF(found), &got) != CKR_OK)
		got = 0;
	(void)f->C_FindObjectsFinal(s);
	for (i = 0; i < got && i < SA_COUNTOF(found); i++) {
		CK_OBJECT_CLASS cls = ~0UL;
		CK_ATTRIBUTE a = {CKA_CLASS, &cls, sizeof(cls)};

		(void)f->C_GetAttributeValue(s, found[i], &a, 1);
		sa_case_note(ctx,
		             "left behind under \"%s\": handle 0x%lx, "
		             "CKA_CLASS %s; destroyed",
		             label, (unsigned long)found[i],
		             cls == CKO_PUBLIC_KEY    ? "CKO_PUBLIC_KEY"
		             : cls == CKO_PRIVATE_KEY ? "CKO_PRIVATE_KEY"
		             : cls == CKO_SECRET_KEY  ? "CKO_SECRET_KEY"
		             : cls == CKO_DATA        ? "CKO_DATA"
		                                      : "other");
		sa_p11_gen_destroy(ctx, s, &found[i]);
	}
out:
	return;
}

int sa_p11_gen_session(sa_case_ctx *ctx, CK_SESSION_HANDLE *out)
{
	int rc;

	rc = sa_p11_ses_open(ctx, true, out);
	if (rc < 0)
		goto out;
	rc = sa_p11_ses_login(ctx, *out, CKU_USER);
	if (rc < 0) {
		sa_p11_ses_close(ctx, out);
		goto out;
	}
	/* Token objects an earlier, crashed case could not destroy. */
	sa_p11_gen_sweep(ctx, *out, SA_P11_GEN_TMP_LABEL);
out:
	return rc;
}

void sa_p11_gen_session_end(sa_case_ctx *ctx, CK_SESSION_HANDLE *s)
{
	if (*s != CK_INVALID_HANDLE) {
		sa_p11_ses_logout_quiet(ctx, *s);
		sa_p11_ses_close(ctx, s);
	}
}

void sa_p11_gen_destroy(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                        CK_OBJECT_HANDLE *h)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_RV rv;

	if (f != NULL && s != CK_INVALID_HANDLE && *h != CK_INVALID_HANDLE) {
		rv = f->C_DestroyObject(s, *h);
		/* Not a verdict (cleanup), but an object that stays on the
		 * token must be visible in the results. */
		if (rv != CKR_OK)
			sa_case_note(ctx,
			             "cleanup: C_DestroyObject(0x%lx) returned "
			             "%s",
			             (unsigned long)*h, sa_p11_rv_name(rv));
	}
	*h = CK_INVALID_HANDLE;
}

CK_RV sa_p11_gen_get(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h,
                     CK_ATTRIBUTE_TYPE type, sa_buf *out)
{
	CK_ULONG reported = 0;
	CK_RV rv = sa_p11_get_attr(ctx, s, h, type, SA_P11_GEN_ATTR_MAX, out,
	                           &reported);

	if (rv == CKR_GENERAL_ERROR &&
	    (reported == CK_UNAVAILABLE_INFORMATION ||
	     reported > SA_P11_GEN_ATTR_MAX))
		sa_case_note(ctx,
		             "%s: C_GetAttributeValue gave CKR_OK with "
		             "length 0x%lx",
		             sa_p11_attr_name(type), (unsigned long)reported);
	return rv;
}

bool sa_p11_gen_check_ulong(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                            CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE type,
                            CK_ULONG want, const char *(*name)(CK_ULONG),
                            const char *what)
{
	CK_ULONG v = 0;
	CK_ATTRIBUTE a = {type, &v, sizeof(v)};
	char exp[96];
	bool ok;
	CK_RV rv;

	if (name != NULL)
		snprintf(exp, sizeof(exp), "%s", name(want));
	else
		snprintf(exp, sizeof(exp), "%lu", (unsigned long)want);
	rv = sa_case_p11(ctx)->C_GetAttributeValue(s, h, &a, 1);
	if (rv != CKR_OK || a.ulValueLen != sizeof(v)) {
		ok = sa_case_checkf(ctx, false, what, exp,
		                    "%s, ulValueLen 0x%lx", sa_p11_rv_name(rv),
		                    (unsigned long)a.ulValueLen);
		goto out;
	}
	if (v == CK_UNAVAILABLE_INFORMATION && want != v)
		ok = sa_case_check(ctx, false, what, exp,
		                   "CK_UNAVAILABLE_INFORMATION");
	else if (name != NULL)
		ok = sa_case_check(ctx, v == want, what, exp, name(v));
	else
		ok = sa_case_checkf(ctx, v == want, what, exp, "%lu",
		                    (unsigned long)v);
out:
	return ok;
}

bool sa_p11_gen_check_bool(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                           CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE type,
                           bool want, const char *what)
{
	CK_BBOOL v = 0x5a;
	CK_ATTRIBUTE a = {type, &v, sizeof(v)};
	const char *exp = want ? "CK_TRUE" : "CK_FALSE";
	bool ok;
	CK_RV rv;

	rv = sa_case_p11(ctx)->C_GetAttributeValue(s, h, &a, 1);
	if (rv != CKR_OK || a.ulValueLen != sizeof(v)) {
		ok = sa_case_checkf(ctx, false, what, exp,
		                    "%s, ulValueLen 0x%lx", sa_p11_rv_name(rv),
		                    (unsigned long)a.ulValueLen);
		goto out;
	}
	ok = sa_case_checkf(ctx, (v != CK_FALSE) == want, what, exp, "%s",
	                    v == CK_FALSE  ? "CK_FALSE"
	                    : v == CK_TRUE ? "CK_TRUE"
	                                   : "neither CK_TRUE nor CK_FALSE");
out:
	return ok;
}

bool sa_p11_gen_check_attrs(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                            CK_OBJECT_HANDLE h, const CK_ATTRIBUTE_TYPE *types,
                            size_t n, const char *what)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	sa_buf missing = SA_BUF_INIT;
	size_t i, n_missing = 0;
	bool ok;

	for (i = 0; i < n; i++) {
		CK_ATTRIBUTE a = {types[i], NULL, 0};
		CK_RV rv = f->C_GetAttributeValue(s, h, &a, 1);

		/* §5.7.5: a size query answers CKR_OK; a sensitive attribute
		 * exists but is CKR_ATTRIBUTE_SENSITIVE. */
		if (rv == CKR_OK || rv == CKR_ATTRIBUTE_SENSITIVE)
			continue;
		n_missing++;
		sa_buf_appendf(&missing, "%s%s (%s)", n_missing > 1 ? ", " : "",
		               sa_p11_attr_name(types[i]), sa_p11_rv_name(rv));
	}
	ok =
	    sa_case_checkf(ctx, n_missing == 0, what,
	                   "every attribute present (CKR_OK or "
	                   "CKR_ATTRIBUTE_SENSITIVE)",
	                   "%s%s", n_missing == 0 ? "all present" : "missing: ",
	                   sa_buf_cstr(&missing));
	sa_buf_free(&missing);
	return ok;
}

CK_MECHANISM_TYPE sa_p11_gen_sign_mech(sa_case_ctx *ctx, CK_KEY_TYPE kt)
{
	CK_MECHANISM_TYPE m = SA_MECH_END;

	if (kt == CKK_RSA) {
		if (sa_case_has_mech(ctx, CKM_SHA256_RSA_PKCS))
			m = CKM_SHA256_RSA_PKCS;
		else if (sa_case_has_mech(ctx, CKM_RSA_PKCS))
			m = CKM_RSA_PKCS;
	} else if (kt == CKK_EC && sa_case_has_mech(ctx, CKM_ECDSA)) {
		m = CKM_ECDSA;
	} else if (kt == CKK_EC_EDWARDS && sa_case_has_mech(ctx, CKM_EDDSA)) {
		m = CKM_EDDSA;
	}
	return m;
}

int sa_p11_gen_sign_input(CK_MECHANISM_TYPE mech, const unsigned char *msg,
                          size_t len, sa_buf *out, sa_error *err)
{
	/* RFC 8017 §9.2 note 1: DigestInfo prefix of SHA-256. */
	static const unsigned char di_sha256[] = {
	    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
	    0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};
	unsigned char h[32];
	int rc;

	sa_buf_reset(out);
	if (mech != CKM_ECDSA && mech != CKM_RSA_PKCS) {
		rc = sa_buf_append(out, msg, len);
		goto out;
	}
	SA_TRY(sa_p11_ossl_sha256(msg, len, h, err));
	if (mech == CKM_RSA_PKCS)
		SA_TRY(sa_buf_append(out, di_sha256, sizeof(di_sha256)));
	rc = sa_buf_append(out, h, sizeof(h));
out:
	return rc;
}

bool sa_p11_gen_check_sign(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                           CK_OBJECT_HANDLE priv, CK_OBJECT_HANDLE pub,
                           CK_MECHANISM_TYPE mech, const char *what)
{
	static const unsigned char msg[] = "sigaudit key generation check";
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_MECHANISM m = {mech, NULL, 0};
	sa_buf in = SA_BUF_INIT;
	EVP_PKEY *pk = NULL;
	unsigned char sig[1024];
	CK_ULONG sig_len = sizeof(sig);
	bool ok = false, valid = false;
	char exp[128];
	CK_RV rv;

	snprintf(exp, sizeof(exp), "%s signature that OpenSSL verifies",
	         sa_p11_mech_name(mech));
	if (sa_p11_gen_sign_input(mech, msg, sizeof(msg) - 1, &in,
	                          sa_case_err(ctx)) < 0) {
		sa_case_error(ctx, "set-up: %s", sa_case_err(ctx)->msg);
		goto out;
	}
	rv = f->C_SignInit(s, &m, priv);
	if (rv != CKR_OK) {
		ok = sa_case_checkf(ctx, false, what, exp,
		                    "C_SignInit returned %s",
		                    sa_p11_rv_name(rv));
		goto out;
	}
	rv = f->C_Sign(s, in.data, (CK_ULONG)in.len, sig, &sig_len);
	if (rv != CKR_OK || sig_len > sizeof(sig)) {
		ok = sa_case_checkf(ctx, false, what, exp,
		                    "C_Sign returned %s (length %lu)",
		                    sa_p11_rv_name(rv), (unsigned long)sig_len);
		goto out;
	}
	if (sa_p11_ossl_pubkey_from_token(ctx, s, pub, &pk) < 0) {
		sa_case_error(ctx, "could not verify: public key: %s",
		              sa_case_err(ctx)->msg);
		goto out;
	}
	if (sa_p11_ossl_verify(pk, mech, in.data, in.len, sig, sig_len, &valid,
	                       sa_case_err(ctx)) < 0) {
		sa_case_error(ctx, "could not verify: %s",
		              sa_case_err(ctx)->msg);
		goto out;
	}
	ok = sa_case_checkf(ctx, valid, what, exp, "%lu-byte signature %s",
	                    (unsigned long)sig_len,
	                    valid ? "verifies" : "does NOT verify");
out:
	EVP_PKEY_free(pk);
	sa_buf_free(&in);
	return ok;
}

CK_RV sa_p11_gen_count(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_ULONG *n)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_OBJECT_HANDLE found[64];
	CK_ULONG got = 0;
	CK_RV rv;
	int rounds;

	*n = 0;
	rv = f->C_FindObjectsInit(s, NULL, 0);
	if (rv != CKR_OK)
		goto out;
	/* Bounded: a module that never reports the end stops us at 64K. */
	for (rounds = 0; rounds < 1024; rounds++) {
		got = 0;
		rv = f->C_FindObjects(s, found, SA_COUNTOF(found), &got);
		if (rv != CKR_OK || got == 0)
			break;
		if (got > SA_COUNTOF(found)) {
			rv = CKR_GENERAL_ERROR;
			break;
		}
		*n += got;
	}
	(void)f->C_FindObjectsFinal(s);
out:
	return rv;
}

bool sa_p11_gen_check_rv_any(sa_case_ctx *ctx, const char *what, CK_RV rv,
                             const CK_RV *any)
{
	sa_buf exp = SA_BUF_INIT;
	bool ok = false;
	size_t i;

	for (i = 0; any[i] != SA_CKR_END; i++) {
		sa_buf_appendf(&exp, "%s%s", i ? " or " : "",
		               sa_p11_rv_name(any[i]));
		ok = ok || rv == any[i];
	}
	ok =
	    sa_case_check(ctx, ok, what, sa_buf_cstr(&exp), sa_p11_rv_name(rv));
	sa_buf_free(&exp);
	return ok;
}
