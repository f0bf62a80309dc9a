/* Sign-side cases: shared helpers (sig_sign_int.h). */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include "sigaudit/guard.h"

#include "sig_sign_int.h"

/* Like SA_TRY_OSSL for calls that return a pointer or a count. */
#define SS_OSSL_ENSURE(cond, err, what)                                        \
	do {                                                                   \
		if (!(cond)) {                                                 \
			rc = sa_error_ossl((err), __FILE__, __LINE__, (what)); \
			goto out;                                              \
		}                                                              \
	} while (0)

static const CK_BBOOL ss_true = CK_TRUE;
static const CK_BBOOL ss_false = CK_FALSE;
static const char ss_label[] = "sigaudit-sign";

/* ---- sessions and objects ---- */

int sa_ss_setup(sa_case_ctx *ctx, CK_RV rv, const char *what)
{
	int rc = SA_OK;

	if (rv != CKR_OK) {
		rc = SA_E_CKR;
		sa_case_error(ctx, "set-up: %s returned %s", what,
		              sa_p11_rv_name(rv));
	}
	return rc;
}

int sa_ss_open(sa_case_ctx *ctx, CK_SESSION_HANDLE *out)
{
	int rc;
	CK_RV rv;

	rv = sa_p11_open(ctx, CKF_RW_SESSION, out);
	if (rv != CKR_OK)
		*out = CK_INVALID_HANDLE;
	SA_TRY(sa_ss_setup(ctx, rv, "C_OpenSession(RW)"));
	rv = sa_p11_login(ctx, *out, CKU_USER);
	/* The runner forks per case: another login in this process is not
	 * expected, but it is the state the case wants. */
	if (rv == CKR_USER_ALREADY_LOGGED_IN)
		rv = CKR_OK;
	SA_TRY(sa_ss_setup(ctx, rv, "C_Login(CKU_USER)"));
	rc = SA_OK;
out:
	return rc;
}

/* ---- keys ---- */

/* A refused generation leaves no handles to use or destroy, whatever the
 * module wrote into them. */
static CK_RV ss_generated(CK_RV rv, CK_OBJECT_HANDLE *pub,
                          CK_OBJECT_HANDLE *priv)
{
	if (rv != CKR_OK)
		*pub = *priv = CK_INVALID_HANDLE;
	return rv;
}

#define SS_ATTR(t, v, l)                                                       \
	(CK_ATTRIBUTE)                                                         \
	{                                                                      \
		(t), (void *)(v), (CK_ULONG)(l)                                \
	}

CK_RV sa_ss_gen_rsa(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_ULONG bits,
                    CK_OBJECT_HANDLE *pub, CK_OBJECT_HANDLE *priv)
{
	static const CK_BYTE e[] = {0x01, 0x00, 0x01};
	CK_MECHANISM m = {CKM_RSA_PKCS_KEY_PAIR_GEN, NULL, 0};
	CK_ATTRIBUTE tp[] = {
	    SS_ATTR(CKA_TOKEN, &ss_false, 1),
	    SS_ATTR(CKA_LABEL, ss_label, sizeof(ss_label) - 1),
	    SS_ATTR(CKA_VERIFY, &ss_true, 1),
	    SS_ATTR(CKA_ENCRYPT, &ss_true, 1),
	    SS_ATTR(CKA_MODULUS_BITS, &bits, sizeof(bits)),
	    SS_ATTR(CKA_PUBLIC_EXPONENT, e, sizeof(e)),
	};
	CK_ATTRIBUTE tv[] = {
	    SS_ATTR(CKA_TOKEN, &ss_false, 1),
	    SS_ATTR(CKA_LABEL, ss_label, sizeof(ss_label) - 1),
	    SS_ATTR(CKA_PRIVATE, &ss_true, 1),
	    SS_ATTR(CKA_SENSITIVE, &ss_true, 1),
	    SS_ATTR(CKA_SIGN, &ss_true, 1),
	    SS_ATTR(CKA_DECRYPT, &ss_true, 1),
	};

	*pub = *priv = CK_INVALID_HANDLE;
	return ss_generated(
	    sa_case_p11(ctx)->C_GenerateKeyPair(s, &m, tp, SA_COUNTOF(tp), tv,
	                                        SA_COUNTOF(tv), pub, priv),
	    pub, priv);
}

/* DER PrintableString of the curve name (PKCS#11 3.0 Curr. Mech. §2.3.5,
 * unconfirmed): the other form of CKA_EC_PARAMS for Edwards curves. */
static size_t ss_ed_name(const sa_p11_ossl_curve *c, unsigned char *out,
                         size_t cap)
{
	size_t n = c->pn != NULL ? strlen(c->pn) : 0;

	if (n == 0 || n + 2 > cap || n > 127)
		return 0;
	out[0] = 0x13;
	out[1] = (unsigned char)n;
	memcpy(out + 2, c->pn, n);
	return n + 2;
}

/* The token refused the curve's CKA_EC_PARAMS form (B2.40 §5.1.6). */
static bool ss_params_refused(CK_RV rv)
{
	return rv == CKR_ATTRIBUTE_VALUE_INVALID ||
	       rv == CKR_TEMPLATE_INCONSISTENT ||
	       rv == CKR_CURVE_NOT_SUPPORTED || rv == CKR_DOMAIN_PARAMS_INVALID;
}

CK_RV sa_ss_gen_ec(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                   const sa_p11_ossl_curve *c, CK_OBJECT_HANDLE *pub,
                   CK_OBJECT_HANDLE *priv)
{
	CK_MECHANISM m = {c->edwards ? CKM_EC_EDWARDS_KEY_PAIR_GEN
	                             : CKM_EC_KEY_PAIR_GEN,
	                  NULL, 0};
	unsigned char name[32];
	size_t name_len;
	CK_ATTRIBUTE tp[] = {
	    SS_ATTR(CKA_TOKEN, &ss_false, 1),
	    SS_ATTR(CKA_LABEL, ss_label, sizeof(ss_label) - 1),
	    SS_ATTR(CKA_VERIFY, &ss_true, 1),
	    SS_ATTR(CKA_EC_PARAMS, c->oid, c->oid_len),
	};
	CK_ATTRIBUTE tv[] = {
	    SS_ATTR(CKA_TOKEN, &ss_false, 1),
	    SS_ATTR(CKA_LABEL, ss_label, sizeof(ss_label) - 1),
	    SS_ATTR(CKA_PRIVATE, &ss_true, 1),
	    SS_ATTR(CKA_SENSITIVE, &ss_true, 1),
	    SS_ATTR(CKA_SIGN, &ss_true, 1),
	};
	CK_RV rv;

	*pub = *priv = CK_INVALID_HANDLE;
	rv = sa_case_p11(ctx)->C_GenerateKeyPair(s, &m, tp, SA_COUNTOF(tp), tv,
	                                         SA_COUNTOF(tv), pub, priv);
	if (c->edwards && ss_params_refused(rv)) {
		name_len = ss_ed_name(c, name, sizeof(name));
		if (name_len == 0)
			return ss_generated(rv, pub, priv);
		tp[3] = SS_ATTR(CKA_EC_PARAMS, name, name_len);
		rv = sa_case_p11(ctx)->C_GenerateKeyPair(
		    s, &m, tp, SA_COUNTOF(tp), tv, SA_COUNTOF(tv), pub, priv);
	}
	return ss_generated(rv, pub, priv);
}

/* DER OCTET STRING around a point (CKA_EC_POINT, Curr. Mech. v2.40
 * §2.3.3). */
static int ss_der_octets(const unsigned char *p, size_t len, sa_buf *out)
{
	unsigned char hdr[4];
	size_t n = 0;
	int rc = SA_E_RANGE;

	hdr[n++] = 0x04;
	if (len < 128) {
		hdr[n++] = (unsigned char)len;
	} else if (len < 256) {
		hdr[n++] = 0x81;
		hdr[n++] = (unsigned char)len;
	} else {
		goto out;
	}
	sa_buf_reset(out);
	(void)sa_buf_append(out, hdr, n);
	(void)sa_buf_append(out, p, len);
	rc = sa_buf_ok(out) ? SA_OK : SA_E_NOMEM;
out:
	return rc;
}

static int ss_bn_param(EVP_PKEY *pk, const char *name, sa_buf *out)
{
	BIGNUM *bn = NULL;
	int rc = SA_E_OSSL, n;

	sa_buf_reset(out);
	if (EVP_PKEY_get_bn_param(pk, name, &bn) != 1)
		goto out;
	n = BN_num_bytes(bn);
	rc = sa_buf_reserve(out, (size_t)n);
	if (rc < 0)
		goto out;
	if (BN_bn2bin(bn, out->data) != n) {
		rc = SA_E_OSSL;
		goto out;
	}
	out->len = (size_t)n;
	rc = SA_OK;
out:
	BN_clear_free(bn);
	return rc;
}

static const sa_p11_ossl_curve *ss_pkey_curve(EVP_PKEY *pk)
{
	char group[64];
	size_t i;
	static const char *const names[] = {"P-256", "P-384", "P-521",
	                                    "Ed25519", "Ed448"};

	if (EVP_PKEY_is_a(pk, "ED25519"))
		return sa_p11_ossl_curve_by_name("Ed25519");
	if (EVP_PKEY_is_a(pk, "ED448"))
		return sa_p11_ossl_curve_by_name("Ed448");
	if (EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME,
	                                   group, sizeof(group), NULL) != 1)
		return NULL;
	for (i = 0; i < SA_COUNTOF(names); i++) {
		const sa_p11_ossl_curve *c =
		    sa_p11_ossl_curve_by_name(names[i]);

		if (c != NULL && strcmp(c->ossl, group) == 0)
			return c;
	}
	return NULL;
}

/* A refused C_CreateObject leaves no handle to use, whatever the module
 * wrote into it. */
static CK_RV ss_created(CK_RV rv, CK_OBJECT_HANDLE *out)
{
	if (rv != CKR_OK)
		*out = CK_INVALID_HANDLE;
	return rv;
}

CK_RV sa_ss_import_pub(sa_case_ctx *ctx, CK_SESSION_HANDLE s, EVP_PKEY *pk,
                       CK_OBJECT_HANDLE *out)
{
	static const CK_OBJECT_CLASS cls = CKO_PUBLIC_KEY;
	CK_KEY_TYPE kt;
	const sa_p11_ossl_curve *c = NULL;
	sa_buf a = SA_BUF_INIT, b = SA_BUF_INIT;
	unsigned char pt[160];
	size_t pt_len = 0;
	CK_ATTRIBUTE t[7];
	CK_ULONG n = 0;
	CK_RV rv = CKR_ARGUMENTS_BAD;

	*out = CK_INVALID_HANDLE;
	t[n++] = SS_ATTR(CKA_CLASS, &cls, sizeof(cls));
	t[n++] = SS_ATTR(CKA_KEY_TYPE, &kt, sizeof(kt));
	t[n++] = SS_ATTR(CKA_TOKEN, &ss_false, 1);
	t[n++] = SS_ATTR(CKA_LABEL, ss_label, sizeof(ss_label) - 1);
	t[n++] = SS_ATTR(CKA_VERIFY, &ss_true, 1);
	if (EVP_PKEY_is_a(pk, "RSA")) {
		kt = CKK_RSA;
		if (ss_bn_param(pk, OSSL_PKEY_PARAM_RSA_N, &a) < 0 ||
		    ss_bn_param(pk, OSSL_PKEY_PARAM_RSA_E, &b) < 0)
			goto out;
		t[n++] = SS_ATTR(CKA_MODULUS, a.data, a.len);
		t[n++] = SS_ATTR(CKA_PUBLIC_EXPONENT, b.data, b.len);
	} else {
		c = ss_pkey_curve(pk);
		if (c == NULL)
			goto out;
		kt = c->edwards ? CKK_EC_EDWARDS : CKK_EC;
		if (c->edwards) {
			pt_len = sizeof(pt);
			if (EVP_PKEY_get_raw_public_key(pk, pt, &pt_len) != 1)
				goto out;
		} else if (EVP_PKEY_get_octet_string_param(
		               pk, OSSL_PKEY_PARAM_PUB_KEY, pt, sizeof(pt),
		               &pt_len) != 1) {
			goto out;
		}
		if (ss_der_octets(pt, pt_len, &b) < 0)
			goto out;
		t[n++] = SS_ATTR(CKA_EC_PARAMS, c->oid, c->oid_len);
		t[n++] = SS_ATTR(CKA_EC_POINT, b.data, b.len);
	}
	rv = sa_case_p11(ctx)->C_CreateObject(s, t, n, out);
	if (c != NULL && c->edwards && ss_params_refused(rv)) {
		unsigned char name[32];
		size_t name_len = ss_ed_name(c, name, sizeof(name));

		if (name_len > 0) {
			t[n - 2] = SS_ATTR(CKA_EC_PARAMS, name, name_len);
			rv = sa_case_p11(ctx)->C_CreateObject(s, t, n, out);
		}
	}
out:
	ERR_clear_error();
	sa_buf_free(&b);
	sa_buf_free(&a);
	return ss_created(rv, out);
}

CK_RV sa_ss_import_rsa_priv(sa_case_ctx *ctx, CK_SESSION_HANDLE s, EVP_PKEY *pk,
                            CK_OBJECT_HANDLE *out)
{
	static const CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
	static const CK_KEY_TYPE kt = CKK_RSA;
	static const struct {
		CK_ATTRIBUTE_TYPE type;
		const char *param;
	} parts[] = {
	    {CKA_MODULUS, OSSL_PKEY_PARAM_RSA_N},
	    {CKA_PUBLIC_EXPONENT, OSSL_PKEY_PARAM_RSA_E},
	    {CKA_PRIVATE_EXPONENT, OSSL_PKEY_PARAM_RSA_D},
	    {CKA_PRIME_1, OSSL_PKEY_PARAM_RSA_FACTOR1},
	    {CKA_PRIME_2, OSSL_PKEY_PARAM_RSA_FACTOR2},
	    {CKA_EXPONENT_1, OSSL_PKEY_PARAM_RSA_EXPONENT1},
	    {CKA_EXPONENT_2, OSSL_PKEY_PARAM_RSA_EXPONENT2},
	    {CKA_COEFFICIENT, OSSL_PKEY_PARAM_RSA_COEFFICIENT1},
	};
	sa_buf v[SA_COUNTOF(parts)];
	CK_ATTRIBUTE t[SA_COUNTOF(parts) + 7];
	CK_ULONG n = 0;
	size_t i;
	CK_RV rv = CKR_ARGUMENTS_BAD;

	*out = CK_INVALID_HANDLE;
	for (i = 0; i < SA_COUNTOF(parts); i++)
		v[i] = (sa_buf)SA_BUF_INIT_SECURE;
	t[n++] = SS_ATTR(CKA_CLASS, &cls, sizeof(cls));
	t[n++] = SS_ATTR(CKA_KEY_TYPE, &kt, sizeof(kt));
	t[n++] = SS_ATTR(CKA_TOKEN, &ss_false, 1);
	t[n++] = SS_ATTR(CKA_LABEL, ss_label, sizeof(ss_label) - 1);
	t[n++] = SS_ATTR(CKA_PRIVATE, &ss_true, 1);
	t[n++] = SS_ATTR(CKA_SENSITIVE, &ss_true, 1);
	t[n++] = SS_ATTR(CKA_SIGN, &ss_true, 1);
	for (i = 0; i < SA_COUNTOF(parts); i++) {
		if (ss_bn_param(pk, parts[i].param, &v[i]) < 0)
			goto out;
		t[n++] = SS_ATTR(parts[i].type, v[i].data, v[i].len);
	}
	rv = sa_case_p11(ctx)->C_CreateObject(s, t, n, out);
out:
	ERR_clear_error();
	for (i = 0; i < SA_COUNTOF(parts); i++)
		sa_buf_free(&v[i]);
	return ss_created(rv, out);
}

CK_RV sa_ss_import_ed_priv(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                           const sa_p11_ossl_curve *c,
                           const unsigned char *seed, size_t len,
                           CK_OBJECT_HANDLE *out)
{
	static const CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
	static const CK_KEY_TYPE kt = CKK_EC_EDWARDS;
	unsigned char name[32];
	size_t name_len;
	CK_ATTRIBUTE t[] = {
	    SS_ATTR(CKA_CLASS, &cls, sizeof(cls)),
	    SS_ATTR(CKA_KEY_TYPE, &kt, sizeof(kt)),
	    SS_ATTR(CKA_TOKEN, &ss_false, 1),
	    SS_ATTR(CKA_LABEL, ss_label, sizeof(ss_label) - 1),
	    SS_ATTR(CKA_PRIVATE, &ss_true, 1),
	    SS_ATTR(CKA_SENSITIVE, &ss_true, 1),
	    SS_ATTR(CKA_SIGN, &ss_true, 1),
	    SS_ATTR(CKA_VALUE, seed, len),
	    SS_ATTR(CKA_EC_PARAMS, c->oid, c->oid_len),
	};
	CK_RV rv;

	*out = CK_INVALID_HANDLE;
	rv = sa_case_p11(ctx)->C_CreateObject(s, t, SA_COUNTOF(t), out);
	if (ss_params_refused(rv)) {
		name_len = ss_ed_name(c, name, sizeof(name));
		if (name_len > 0) {
			t[SA_COUNTOF(t) - 1] =
			    SS_ATTR(CKA_EC_PARAMS, name, name_len);
			rv = sa_case_p11(ctx)->C_CreateObject(
			    s, t, SA_COUNTOF(t), out);
		}
	}
	return ss_created(rv, out);
}

CK_RV sa_ss_import_hmac(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                        const unsigned char *key, size_t len,
                        CK_OBJECT_HANDLE *out)
{
	static const CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	static const CK_KEY_TYPE kt = CKK_GENERIC_SECRET;
	CK_ATTRIBUTE t[] = {
	    SS_ATTR(CKA_CLASS, &cls, sizeof(cls)),
	    SS_ATTR(CKA_KEY_TYPE, &kt, sizeof(kt)),
	    SS_ATTR(CKA_TOKEN, &ss_false, 1),
	    SS_ATTR(CKA_LABEL, ss_label, sizeof(ss_label) - 1),
	    SS_ATTR(CKA_PRIVATE, &ss_true, 1),
	    SS_ATTR(CKA_SENSITIVE, &ss_true, 1),
	    SS_ATTR(CKA_SIGN, &ss_true, 1),
	    SS_ATTR(CKA_VERIFY, &ss_true, 1),
	    SS_ATTR(CKA_VALUE, key, len),
	};

	*out = CK_INVALID_HANDLE;
	return ss_created(
	    sa_case_p11(ctx)->C_CreateObject(s, t, SA_COUNTOF(t), out), out);
}

/* ---- operations ---- */

/* A non-NULL pointer for empty input: SoftHSM2 2.6.1 answers C_Sign with
 * pData NULL and ulDataLen 0 with CKR_ARGUMENTS_BAD (and keeps the
 * operation active), although B2.40 only requires a valid pointer for the
 * bytes that are read. */
static CK_BYTE ss_empty[1];

/* Signatures and MACs the cases make are far below this (RSA-16384 is
 * 2048 bytes): a larger size answer is refused without allocating. */
#define SS_SIG_MAX 8192UL

CK_RV sa_ss_sign(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE key,
                 const CK_MECHANISM *m, const void *data, size_t len,
                 sa_buf *sig)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_BYTE_PTR in = (CK_BYTE_PTR)(data != NULL ? data : ss_empty);
	CK_BYTE scratch[SS_SIG_MAX];
	CK_ULONG n = 0;
	CK_RV rv = CKR_ARGUMENTS_BAD;

	sa_buf_reset(sig);
	if (len > ULONG_MAX)
		goto out;
	rv = f->C_SignInit(s, (CK_MECHANISM_PTR)m, key);
	if (rv != CKR_OK)
		goto out;
	rv = f->C_Sign(s, in, (CK_ULONG)len, NULL, &n);
	if (rv == CKR_OK && (n == 0 || n > SS_SIG_MAX))
		rv = CKR_GENERAL_ERROR;
	if (rv == CKR_OK && sa_buf_reserve(sig, (size_t)n) < 0)
		rv = CKR_HOST_MEMORY;
	if (rv != CKR_OK) {
		/* End the operation so the session stays usable (a C_Sign
		 * that is not a length query always ends it, §5.11.2). */
		n = sizeof(scratch);
		(void)f->C_Sign(s, in, (CK_ULONG)len, scratch, &n);
		goto out;
	}
	rv = f->C_Sign(s, in, (CK_ULONG)len, sig->data, &n);
	if (rv == CKR_OK && n > sig->cap)
		rv = CKR_GENERAL_ERROR;
	if (rv == CKR_OK)
		sig->len = (size_t)n;
out:
	return rv;
}

CK_RV sa_ss_verify(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE key,
                   const CK_MECHANISM *m, const void *data, size_t len,
                   const void *sig, size_t sig_len)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_BYTE_PTR in = (CK_BYTE_PTR)(data != NULL ? data : ss_empty);
	CK_RV rv = CKR_ARGUMENTS_BAD;

	if (len > ULONG_MAX || sig_len > ULONG_MAX)
		goto out;
	rv = f->C_VerifyInit(s, (CK_MECHANISM_PTR)m, key);
	if (rv == CKR_OK)
		rv = f->C_Verify(s, in, (CK_ULONG)len, (CK_BYTE_PTR)sig,
		                 (CK_ULONG)sig_len);
out:
	return rv;
}

/* ---- algorithms ---- */

static const struct {
	CK_MECHANISM_TYPE hash;
	const char *md;
	size_t len;
	CK_RSA_PKCS_MGF_TYPE mgf;
} ss_hashes[] = {
    {CKM_SHA_1, "SHA1", 20, CKG_MGF1_SHA1},
    {CKM_SHA224, "SHA224", 28, CKG_MGF1_SHA224},
    {CKM_SHA256, "SHA256", 32, CKG_MGF1_SHA256},
    {CKM_SHA384, "SHA384", 48, CKG_MGF1_SHA384},
    {CKM_SHA512, "SHA512", 64, CKG_MGF1_SHA512},
};

const char *sa_ss_hash_md(CK_MECHANISM_TYPE hash, size_t *len)
{
	size_t i;

	for (i = 0; i < SA_COUNTOF(ss_hashes); i++) {
		if (ss_hashes[i].hash == hash) {
			if (len != NULL)
				*len = ss_hashes[i].len;
			return ss_hashes[i].md;
		}
	}
	return NULL;
}

CK_RSA_PKCS_MGF_TYPE sa_ss_hash_mgf(CK_MECHANISM_TYPE hash)
{
	size_t i;

	for (i = 0; i < SA_COUNTOF(ss_hashes); i++)
		if (ss_hashes[i].hash == hash)
			return ss_hashes[i].mgf;
	return 0;
}

void sa_ss_mech(const sa_ss_alg *a, CK_RSA_PKCS_PSS_PARAMS *pss,
                CK_MECHANISM *out)
{
	out->mechanism = a->mech;
	out->pParameter = NULL;
	out->ulParameterLen = 0;
	if (a->pss) {
		pss->hashAlg = a->hash;
		pss->mgf = a->mgf;
		pss->sLen = (CK_ULONG)a->slen;
		out->pParameter = pss;
		out->ulParameterLen = sizeof(*pss);
	}
}

int sa_ss_digest(const char *md, const unsigned char *data, size_t len,
                 sa_buf *out, sa_error *err)
{
	int rc = SA_E_OSSL;
	EVP_MD *d = NULL;
	unsigned int n = 0;

	ERR_clear_error();
	sa_buf_reset(out);
	d = EVP_MD_fetch(NULL, md, NULL);
	SS_OSSL_ENSURE(d != NULL, err, "EVP_MD_fetch");
	SA_TRY(sa_buf_reserve(out, EVP_MAX_MD_SIZE));
	SA_TRY_OSSL(EVP_Digest(data, len, out->data, &n, d, NULL), err,
	            "EVP_Digest");
	out->len = n;
	rc = SA_OK;
out:
	EVP_MD_free(d);
	return rc;
}

int sa_ss_input(const sa_ss_alg *a, const unsigned char *msg, size_t len,
                sa_buf *out, sa_error *err)
{
	int rc;

	if (a->prehash) {
		rc = sa_ss_digest(a->md, msg, len, out, err);
	} else {
		sa_buf_reset(out);
		rc = sa_buf_append(out, msg, len);
	}
	return rc;
}

/* RSASSA-PSS parameters on an OpenSSL verify/sign context (RFC 8017 §9.1):
 * MGF1 hash and salt length as the token was told. */
static int ss_pss_ctx(EVP_PKEY_CTX *pctx, const sa_ss_alg *a, sa_error *err)
{
	int rc = SA_E_OSSL;
	EVP_MD *mgf = NULL;

	mgf = EVP_MD_fetch(NULL, a->mgf_md, NULL);
	SS_OSSL_ENSURE(mgf != NULL, err, "EVP_MD_fetch(MGF1)");
	SA_TRY_OSSL(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING),
	            err, "EVP_PKEY_CTX_set_rsa_padding(PSS)");
	SA_TRY_OSSL(EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, mgf), err,
	            "EVP_PKEY_CTX_set_rsa_mgf1_md");
	SA_TRY_OSSL(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, (int)a->slen), err,
	            "EVP_PKEY_CTX_set_rsa_pss_saltlen");
	rc = SA_OK;
out:
	EVP_MD_free(mgf);
	return rc;
}

static int ss_pss_verify(EVP_PKEY *pk, const sa_ss_alg *a,
                         const unsigned char *input, size_t len,
                         const unsigned char *sig, size_t sig_len, bool *valid,
                         sa_error *err)
{
	int rc = SA_E_OSSL, r;
	EVP_PKEY_CTX *pctx = NULL;
	EVP_MD_CTX *mctx = NULL;
	EVP_MD *md = NULL;

	md = EVP_MD_fetch(NULL, a->md, NULL);
	SS_OSSL_ENSURE(md != NULL, err, "EVP_MD_fetch");
	SA_ENSURE(a->slen >= 0 && a->slen < INT_MAX, err, SA_E_INVALID,
	          "salt length %ld", a->slen);
	if (a->prehash) {
		pctx = EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL);
		SS_OSSL_ENSURE(pctx != NULL, err, "EVP_PKEY_CTX_new_from_pkey");
		SA_TRY_OSSL(EVP_PKEY_verify_init(pctx), err,
		            "EVP_PKEY_verify_init");
		SA_TRY(ss_pss_ctx(pctx, a, err));
		SA_TRY_OSSL(EVP_PKEY_CTX_set_signature_md(pctx, md), err,
		            "EVP_PKEY_CTX_set_signature_md");
		r = EVP_PKEY_verify(pctx, sig, sig_len, input, len);
	} else {
		mctx = EVP_MD_CTX_new();
		SS_OSSL_ENSURE(mctx != NULL, err, "EVP_MD_CTX_new");
		SA_TRY_OSSL(EVP_DigestVerifyInit_ex(mctx, &pctx, a->md, NULL,
		                                    NULL, pk, NULL),
		            err, "EVP_DigestVerifyInit_ex");
		SA_TRY(ss_pss_ctx(pctx, a, err));
		pctx = NULL; /* owned by mctx */
		r = EVP_DigestVerify(mctx, sig, sig_len, input, len);
	}
	/* 1 valid, 0 invalid; negative: could not verify (OpenSSL 3 gives
	 * 0 for a bad signature). */
	SS_OSSL_ENSURE(r >= 0, err, "PSS verify");
	*valid = r == 1;
	ERR_clear_error();
	rc = SA_OK;
out:
	if (mctx == NULL)
		EVP_PKEY_CTX_free(pctx);
	EVP_MD_CTX_free(mctx);
	EVP_MD_free(md);
	return rc;
}

int sa_ss_ossl_verify(EVP_PKEY *pk, const sa_ss_alg *a,
                      const unsigned char *input, size_t len,
                      const unsigned char *sig, size_t sig_len, bool *valid,
                      sa_error *err)
{
	*valid = false;
	ERR_clear_error();
	if (a->pss)
		return ss_pss_verify(pk, a, input, len, sig, sig_len, valid,
		                     err);
	return sa_p11_ossl_verify(pk, a->mech, input, len, sig, sig_len, valid,
	                          err);
}

/* DER ECDSA-Sig-Value -> r || s, each `half` bytes (Curr. Mech. v2.40
 * §2.3.1: the PKCS#11 form). */
static int ss_der_to_raw(const unsigned char *der, size_t len, size_t half,
                         sa_buf *out, sa_error *err)
{
	int rc = SA_E_OSSL;
	ECDSA_SIG *es = NULL;
	const unsigned char *p = der;

	es = d2i_ECDSA_SIG(NULL, &p, (long)len);
	SS_OSSL_ENSURE(es != NULL, err, "d2i_ECDSA_SIG");
	sa_buf_reset(out);
	SA_TRY(sa_buf_reserve(out, 2 * half));
	SS_OSSL_ENSURE(BN_bn2binpad(ECDSA_SIG_get0_r(es), out->data,
	                            (int)half) == (int)half &&
	                   BN_bn2binpad(ECDSA_SIG_get0_s(es), out->data + half,
	                                (int)half) == (int)half,
	               err, "BN_bn2binpad");
	out->len = 2 * half;
	rc = SA_OK;
out:
	ECDSA_SIG_free(es);
	return rc;
}

int sa_ss_ossl_sign(EVP_PKEY *pk, const sa_ss_alg *a,
                    const unsigned char *input, size_t len, sa_buf *out,
                    sa_error *err)
{
	int rc = SA_E_OSSL;
	EVP_PKEY_CTX *pctx = NULL;
	EVP_MD_CTX *mctx = NULL;
	EVP_MD *md = NULL;
	sa_buf tmp = SA_BUF_INIT;
	size_t n = 0;
	bool ec = EVP_PKEY_is_a(pk, "EC");

	ERR_clear_error();
	sa_buf_reset(out);
	if (a->md != NULL) {
		md = EVP_MD_fetch(NULL, a->md, NULL);
		SS_OSSL_ENSURE(md != NULL, err, "EVP_MD_fetch");
	}
	if (a->prehash) {
		pctx = EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL);
		SS_OSSL_ENSURE(pctx != NULL, err, "EVP_PKEY_CTX_new_from_pkey");
		SA_TRY_OSSL(EVP_PKEY_sign_init(pctx), err,
		            "EVP_PKEY_sign_init");
		if (a->pss)
			SA_TRY(ss_pss_ctx(pctx, a, err));
		/* ECDSA takes the hash as it is; PSS needs its hash. */
		if (!ec)
			SA_TRY_OSSL(EVP_PKEY_CTX_set_signature_md(pctx, md),
			            err, "EVP_PKEY_CTX_set_signature_md");
		SA_TRY_OSSL(EVP_PKEY_sign(pctx, NULL, &n, input, len), err,
		            "EVP_PKEY_sign(size)");
		SA_TRY(sa_buf_reserve(&tmp, n));
		SA_TRY_OSSL(EVP_PKEY_sign(pctx, tmp.data, &n, input, len), err,
		            "EVP_PKEY_sign");
	} else {
		mctx = EVP_MD_CTX_new();
		SS_OSSL_ENSURE(mctx != NULL, err, "EVP_MD_CTX_new");
		SA_TRY_OSSL(EVP_DigestSignInit_ex(mctx, &pctx,
		                                  md ? a->md : NULL, NULL, NULL,
		                                  pk, NULL),
		            err, "EVP_DigestSignInit_ex");
		if (a->pss)
			SA_TRY(ss_pss_ctx(pctx, a, err));
		pctx = NULL; /* owned by mctx */
		SA_TRY_OSSL(EVP_DigestSign(mctx, NULL, &n, input, len), err,
		            "EVP_DigestSign(size)");
		SA_TRY(sa_buf_reserve(&tmp, n));
		SA_TRY_OSSL(EVP_DigestSign(mctx, tmp.data, &n, input, len), err,
		            "EVP_DigestSign");
	}
	tmp.len = n;
	if (ec) {
		int bits = EVP_PKEY_get_bits(pk);

		SS_OSSL_ENSURE(bits > 0, err, "EVP_PKEY_get_bits");
		SA_TRY(ss_der_to_raw(tmp.data, tmp.len, ((size_t)bits + 7) / 8,
		                     out, err));
	} else {
		SA_TRY(sa_buf_append(out, tmp.data, tmp.len));
	}
	rc = SA_OK;
out:
	sa_buf_free(&tmp);
	if (mctx == NULL)
		EVP_PKEY_CTX_free(pctx);
	EVP_MD_CTX_free(mctx);
	EVP_MD_free(md);
	return rc;
}

int sa_ss_ossl_keygen(const char *type, unsigned bits, EVP_PKEY **out,
                      sa_error *err)
{
	int rc = SA_E_OSSL;

	ERR_clear_error();
	if (strcmp(type, "RSA") == 0)
		*out = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)bits);
	else if (strcmp(type, "ED25519") == 0 || strcmp(type, "ED448") == 0)
		*out = EVP_PKEY_Q_keygen(NULL, NULL, type);
	else
		*out = EVP_PKEY_Q_keygen(NULL, NULL, "EC", type);
	SS_OSSL_ENSURE(*out != NULL, err, "EVP_PKEY_Q_keygen");
	rc = SA_OK;
out:
	return rc;
}

static int ss_nibble(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int sa_ss_hex(const char *hex, sa_buf *out, sa_error *err)
{
	int rc = SA_E_PARSE, hi = -1, v;
	unsigned char b;
	const char *p;

	sa_buf_reset(out);
	for (p = hex; *p != '\0'; p++) {
		if (isspace((unsigned char)*p))
			continue;
		v = ss_nibble((unsigned char)*p);
		SA_ENSURE(v >= 0, err, SA_E_PARSE, "bad hex digit at %zu",
		          (size_t)(p - hex));
		if (hi < 0) {
			hi = v;
			continue;
		}
		b = (unsigned char)(hi << 4 | v);
		hi = -1;
		SA_TRY(sa_buf_append(out, &b, 1));
	}
	SA_ENSURE(hi < 0, err, SA_E_PARSE, "odd number of hex digits");
	rc = SA_OK;
out:
	return rc;
}

int sa_ss_random(unsigned char *out, size_t len, sa_error *err)
{
	int rc = SA_E_OSSL;

	SA_ENSURE(len <= INT_MAX, err, SA_E_RANGE, "%zu random bytes", len);
	SA_TRY_OSSL(RAND_bytes(out, (int)len), err, "RAND_bytes");
	rc = SA_OK;
out:
	return rc;
}

void sa_ss_hexshort(const unsigned char *b, size_t len, char *out)
{
	size_t i, used = 0, show = len > 16 ? 16 : len;

	out[0] = '\0';
	for (i = 0; i < show && used + 3 < SA_SS_HEXSHORT; i++)
		used += (size_t)snprintf(out + used, SA_SS_HEXSHORT - used,
		                         "%02x", b[i]);
	if (len > show)
		snprintf(out + used, SA_SS_HEXSHORT - used, "..(%zu bytes)",
		         len);
}
