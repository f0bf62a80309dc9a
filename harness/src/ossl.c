/* OpenSSL side of PKCS#11 checks (sigaudit/ossl.h). */
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include "sigaudit/buf.h"
#include "sigaudit/guard.h"

#include "sigaudit/ossl.h"

/* Like SA_TRY_OSSL for calls that return a pointer or a count. */
#define OSSL_ENSURE(cond, err, what)                                           \
	do {                                                                   \
		if (!(cond)) {                                                 \
			rc = sa_error_ossl((err), __FILE__, __LINE__, (what)); \
			goto out;                                              \
		}                                                              \
	} while (0)

/* Attribute values are untrusted input: nothing larger is read. */
#define SA_P11_OSSL_ATTR_MAX 65536UL

static const unsigned char oid_p192[] = {0x06, 0x08, 0x2a, 0x86, 0x48,
                                         0xce, 0x3d, 0x03, 0x01, 0x01};
static const unsigned char oid_p224[] = {0x06, 0x05, 0x2b, 0x81,
                                         0x04, 0x00, 0x21};
static const unsigned char oid_p256[] = {0x06, 0x08, 0x2a, 0x86, 0x48,
                                         0xce, 0x3d, 0x03, 0x01, 0x07};
static const unsigned char oid_p384[] = {0x06, 0x05, 0x2b, 0x81,
                                         0x04, 0x00, 0x22};
static const unsigned char oid_p521[] = {0x06, 0x05, 0x2b, 0x81,
                                         0x04, 0x00, 0x23};
static const unsigned char oid_k256[] = {0x06, 0x05, 0x2b, 0x81,
                                         0x04, 0x00, 0x0a};
/* RFC 8410 §3: id-Ed25519 1.3.101.112, id-Ed448 1.3.101.113. */
static const unsigned char oid_ed25519[] = {0x06, 0x03, 0x2b, 0x65, 0x70};
static const unsigned char oid_ed448[] = {0x06, 0x03, 0x2b, 0x65, 0x71};

static const sa_p11_ossl_curve curves[] = {
    {"P-192", "prime192v1", oid_p192, sizeof(oid_p192), 192, false, NULL},
    {"P-224", "secp224r1", oid_p224, sizeof(oid_p224), 224, false, NULL},
    {"P-256", "prime256v1", oid_p256, sizeof(oid_p256), 256, false, NULL},
    {"P-384", "secp384r1", oid_p384, sizeof(oid_p384), 384, false, NULL},
    {"P-521", "secp521r1", oid_p521, sizeof(oid_p521), 521, false, NULL},
    {"secp256k1", "secp256k1", oid_k256, sizeof(oid_k256), 256, false, NULL},
    {"Ed25519", "ED25519", oid_ed25519, sizeof(oid_ed25519), 256, true,
     "edwards25519"},
    {"Ed448", "ED448", oid_ed448, sizeof(oid_ed448), 456, true, "edwards448"},
};

const sa_p11_ossl_curve *sa_p11_ossl_curve_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < SA_COUNTOF(curves); i++)
		if (strcmp(curves[i].name, name) == 0)
			return &curves[i];
	return NULL;
}

const sa_p11_ossl_curve *
sa_p11_ossl_curve_from_params(const unsigned char *params, size_t len)
{
	size_t i, pn_len;

	for (i = 0; i < SA_COUNTOF(curves); i++) {
		const sa_p11_ossl_curve *c = &curves[i];

		if (len == c->oid_len && memcmp(params, c->oid, len) == 0)
			return c;
		if (c->pn == NULL)
			continue;
		/* PrintableString (tag 0x13), short form length. */
		pn_len = strlen(c->pn);
		if (len == pn_len + 2 && params[0] == 0x13 &&
		    params[1] == pn_len &&
		    memcmp(params + 2, c->pn, pn_len) == 0)
			return c;
	}
	return NULL;
}

int sa_p11_ossl_der_octets(const unsigned char *der, size_t len,
                           const unsigned char **content, size_t *content_len,
                           sa_error *err)
{
	int rc = SA_E_PARSE;
	size_t n, hdr, i, nlen = 0;

	*content = NULL;
	*content_len = 0;
	SA_ENSURE(len >= 2, err, SA_E_PARSE, "%zu bytes: too short for DER",
	          len);
	SA_ENSURE(der[0] == 0x04, err, SA_E_PARSE,
	          "tag 0x%02x, not OCTET STRING (0x04)", der[0]);
	if (der[1] < 0x80) {
		n = der[1];
		hdr = 2;
	} else {
		/* X.690 §10.1 (DER): definite form, fewest length octets. */
		nlen = der[1] & 0x7fu;
		SA_ENSURE(nlen >= 1 && nlen <= sizeof(size_t) &&
		              len >= 2 + nlen,
		          err, SA_E_PARSE, "bad length octets 0x%02x", der[1]);
		SA_ENSURE(der[2] != 0, err, SA_E_PARSE,
		          "length not in the fewest octets (DER)");
		n = 0;
		for (i = 0; i < nlen; i++)
			n = (n << 8) | der[2 + i];
		SA_ENSURE(n >= 0x80, err, SA_E_PARSE,
		          "long-form length %zu < 128 (not DER)", n);
		hdr = 2 + nlen;
	}
	SA_ENSURE(n == len - hdr, err, SA_E_PARSE,
	          "OCTET STRING length %zu, %zu content bytes present", n,
	          len - hdr);
	*content = der + hdr;
	*content_len = n;
	rc = SA_OK;
out:
	return rc;
}

int sa_p11_ossl_ec_pubkey(const sa_p11_ossl_curve *curve,
                          const unsigned char *point, size_t len,
                          EVP_PKEY **out, sa_error *err)
{
	int rc = SA_E_OSSL;
	EVP_PKEY_CTX *pctx = NULL;
	EVP_PKEY *pkey = NULL;
	OSSL_PARAM params[3];

	*out = NULL;
	ERR_clear_error();
	if (curve->edwards) {
		pkey = EVP_PKEY_new_raw_public_key_ex(NULL, curve->ossl, NULL,
		                                      point, len);
		OSSL_ENSURE(pkey != NULL, err,
		            "EVP_PKEY_new_raw_public_key_ex");
	} else {
		params[0] = OSSL_PARAM_construct_utf8_string(
		    OSSL_PKEY_PARAM_GROUP_NAME, (char *)curve->ossl, 0);
		params[1] = OSSL_PARAM_construct_octet_string(
		    OSSL_PKEY_PARAM_PUB_KEY, (void *)point, len);
		params[2] = OSSL_PARAM_construct_end();
		pctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
		OSSL_ENSURE(pctx != NULL, err,
		            "EVP_PKEY_CTX_new_from_name(EC)");
		SA_TRY_OSSL(EVP_PKEY_fromdata_init(pctx), err,
		            "EVP_PKEY_fromdata_init");
		/* The provider decodes the point here (EC_POINT_oct2point),
		 * which refuses a point that is not on the curve. */
		SA_TRY_OSSL(
		    EVP_PKEY_fromdata(pctx, &pkey, EVP_PKEY_PUBLIC_KEY, params),
		    err, "EVP_PKEY_fromdata(EC public key)");
	}
	*out = pkey;
	pkey = NULL;
	rc = SA_OK;
out:
	EVP_PKEY_free(pkey);
	EVP_PKEY_CTX_free(pctx);
	return rc;
}

int sa_p11_ossl_public_check(EVP_PKEY *pkey, bool *ok, sa_error *err)
{
	int rc = SA_E_OSSL;
	EVP_PKEY_CTX *pctx = NULL;
	int r;

	*ok = false;
	ERR_clear_error();
	pctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
	OSSL_ENSURE(pctx != NULL, err, "EVP_PKEY_CTX_new_from_pkey");
	/* 1 valid, 0 invalid, negative: the check could not run. */
	r = EVP_PKEY_public_check(pctx);
	if (r < 0) {
		rc = sa_error_ossl(err, __FILE__, __LINE__,
		                   "EVP_PKEY_public_check");
		goto out;
	}
	*ok = r == 1;
	ERR_clear_error();
	rc = SA_OK;
out:
	EVP_PKEY_CTX_free(pctx);
	return rc;
}

int sa_p11_ossl_rsa_pubkey(const unsigned char *n, size_t n_len,
                           const unsigned char *e, size_t e_len, EVP_PKEY **out,
                           sa_error *err)
{
	int rc = SA_E_OSSL;
	BIGNUM *bn_n = NULL, *bn_e = NULL;
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	EVP_PKEY *pkey = NULL;

	*out = NULL;
	ERR_clear_error();
	SA_ENSURE(n_len > 0 && e_len > 0 && n_len <= 2048 && e_len <= 2048, err,
	          SA_E_RANGE, "RSA modulus %zu bytes, exponent %zu bytes",
	          n_len, e_len);
	bn_n = BN_bin2bn(n, (int)n_len, NULL);
	bn_e = BN_bin2bn(e, (int)e_len, NULL);
	bld = OSSL_PARAM_BLD_new();
	OSSL_ENSURE(bn_n != NULL && bn_e != NULL && bld != NULL, err,
	            "BN_bin2bn");
	SA_TRY_OSSL(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n),
	            err, "OSSL_PARAM_BLD_push_BN(n)");
	SA_TRY_OSSL(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e),
	            err, "OSSL_PARAM_BLD_push_BN(e)");
	params = OSSL_PARAM_BLD_to_param(bld);
	pctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	OSSL_ENSURE(params != NULL && pctx != NULL, err,
	            "OSSL_PARAM_BLD_to_param");
	SA_TRY_OSSL(EVP_PKEY_fromdata_init(pctx), err,
	            "EVP_PKEY_fromdata_init");
	SA_TRY_OSSL(EVP_PKEY_fromdata(pctx, &pkey, EVP_PKEY_PUBLIC_KEY, params),
	            err, "EVP_PKEY_fromdata(RSA public key)");
	*out = pkey;
	pkey = NULL;
	rc = SA_OK;
out:
	EVP_PKEY_free(pkey);
	EVP_PKEY_CTX_free(pctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(bn_e);
	BN_free(bn_n);
	return rc;
}

/* One attribute of at most SA_P11_OSSL_ATTR_MAX bytes into out. */
static int read_attr(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h,
                     CK_ATTRIBUTE_TYPE type, sa_buf *out)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	sa_error *err = sa_case_err(ctx);
	CK_ATTRIBUTE a = {type, NULL, 0};
	int rc = SA_E_CKR;
	CK_RV rv;

	sa_buf_reset(out);
	rv = f->C_GetAttributeValue(s, h, &a, 1);
	if (rv != CKR_OK) {
		rc = sa_error_ckr(err, rv, __FILE__, __LINE__,
		                  sa_p11_attr_name(type));
		goto out;
	}
	SA_ENSURE(a.ulValueLen != CK_UNAVAILABLE_INFORMATION &&
	              a.ulValueLen <= SA_P11_OSSL_ATTR_MAX,
	          err, SA_E_RANGE, "%s: length %lu", sa_p11_attr_name(type),
	          (unsigned long)a.ulValueLen);
	SA_TRY(sa_buf_reserve(out, (size_t)a.ulValueLen + 1));
	a.pValue = out->data;
	rv = f->C_GetAttributeValue(s, h, &a, 1);
	if (rv != CKR_OK) {
		rc = sa_error_ckr(err, rv, __FILE__, __LINE__,
		                  sa_p11_attr_name(type));
		goto out;
	}
	SA_ENSURE(a.ulValueLen <= out->cap, err, SA_E_RANGE,
	          "%s: length grew to %lu", sa_p11_attr_name(type),
	          (unsigned long)a.ulValueLen);
	out->len = (size_t)a.ulValueLen;
	rc = SA_OK;
out:
	return rc;
}

int sa_p11_ossl_pubkey_from_token(sa_case_ctx *ctx, CK_SESSION_HANDLE session,
                                  CK_OBJECT_HANDLE handle, EVP_PKEY **out)
{
	sa_error *err = sa_case_err(ctx);
	sa_buf a = SA_BUF_INIT, b = SA_BUF_INIT;
	CK_KEY_TYPE kt = 0;
	const sa_p11_ossl_curve *curve;
	const unsigned char *pt;
	size_t pt_len, coord;
	int rc;

	*out = NULL;
	rc = read_attr(ctx, session, handle, CKA_KEY_TYPE, &a);
	if (rc < 0)
		goto out;
	SA_ENSURE(a.len == sizeof(kt), err, SA_E_PARSE,
	          "CKA_KEY_TYPE: %zu bytes", a.len);
	memcpy(&kt, a.data, sizeof(kt));
	if (kt == CKK_RSA) {
		SA_TRY(read_attr(ctx, session, handle, CKA_MODULUS, &a));
		SA_TRY(
		    read_attr(ctx, session, handle, CKA_PUBLIC_EXPONENT, &b));
		rc = sa_p11_ossl_rsa_pubkey(a.data, a.len, b.data, b.len, out,
		                            err);
		goto out;
	}
	SA_ENSURE(kt == CKK_EC || kt == CKK_EC_EDWARDS, err, SA_E_UNSUPPORTED,
	          "key type 0x%lx not supported", (unsigned long)kt);
	SA_TRY(read_attr(ctx, session, handle, CKA_EC_PARAMS, &a));
	curve = sa_p11_ossl_curve_from_params(a.data, a.len);
	SA_ENSURE(curve != NULL && curve->edwards == (kt == CKK_EC_EDWARDS),
	          err, SA_E_UNSUPPORTED, "CKA_EC_PARAMS: curve not known");
	SA_TRY(read_attr(ctx, session, handle, CKA_EC_POINT, &b));
	/* DER-wrapped per v2.40; some tokens hand EdDSA keys raw. A raw
	 * value can look like DER by chance: the wrapper is taken only when
	 * what it holds has a point's length. */
	coord = ((size_t)curve->bits + 7) / 8;
	if (sa_p11_ossl_der_octets(b.data, b.len, &pt, &pt_len, NULL) < 0 ||
	    (curve->edwards ? pt_len != coord
	                    : pt_len != 1 + 2 * coord && pt_len != 1 + coord)) {
		pt = b.data;
		pt_len = b.len;
	}
	rc = sa_p11_ossl_ec_pubkey(curve, pt, pt_len, out, err);
out:
	sa_buf_free(&b);
	sa_buf_free(&a);
	return rc;
}

/* The digest of a hash-and-sign mechanism; *known false for others. */
static const EVP_MD *mech_md(CK_MECHANISM_TYPE m, bool *rsa, bool *known)
{
	static const struct {
		CK_MECHANISM_TYPE m;
		const char *md;
		bool rsa;
	} tab[] = {
	    {CKM_SHA1_RSA_PKCS, "SHA1", true},
	    {CKM_SHA224_RSA_PKCS, "SHA224", true},
	    {CKM_SHA256_RSA_PKCS, "SHA256", true},
	    {CKM_SHA384_RSA_PKCS, "SHA384", true},
	    {CKM_SHA512_RSA_PKCS, "SHA512", true},
	    {CKM_ECDSA_SHA1, "SHA1", false},
	    {CKM_ECDSA_SHA224, "SHA224", false},
	    {CKM_ECDSA_SHA256, "SHA256", false},
	    {CKM_ECDSA_SHA384, "SHA384", false},
	    {CKM_ECDSA_SHA512, "SHA512", false},
	};
	size_t i;

	*known = false;
	for (i = 0; i < SA_COUNTOF(tab); i++) {
		if (tab[i].m != m)
			continue;
		*known = true;
		*rsa = tab[i].rsa;
		/* EVP_get_digestbyname: no fetch, nothing to free. */
		return EVP_get_digestbyname(tab[i].md);
	}
	return NULL;
}

bool sa_p11_ossl_can_verify(CK_MECHANISM_TYPE m)
{
	bool rsa = false, known = false;

	(void)mech_md(m, &rsa, &known);
	return known || m == CKM_RSA_PKCS || m == CKM_ECDSA || m == CKM_EDDSA;
}

/* r || s (Curr. Mech. v2.40 §2.3.1) -> DER ECDSA-Sig-Value. *der NULL with
 * rc 0 when the length does not fit the key: an invalid signature. */
static int ecdsa_raw_to_der(EVP_PKEY *pkey, const unsigned char *sig,
                            size_t sig_len, unsigned char **der,
                            size_t *der_len, sa_error *err)
{
	int rc = SA_E_OSSL;
	ECDSA_SIG *es = NULL;
	BIGNUM *r = NULL, *s = NULL;
	size_t half;
	int bits, n;
	unsigned char *p = NULL;

	*der = NULL;
	*der_len = 0;
	bits = EVP_PKEY_get_bits(pkey);
	OSSL_ENSURE(bits > 0, err, "EVP_PKEY_get_bits");
	half = ((size_t)bits + 7) / 8;
	if (sig_len != 2 * half) {
		rc = SA_OK;
		goto out;
	}
	r = BN_bin2bn(sig, (int)half, NULL);
	s = BN_bin2bn(sig + half, (int)half, NULL);
	es = ECDSA_SIG_new();
	OSSL_ENSURE(r != NULL && s != NULL && es != NULL, err, "ECDSA_SIG_new");
	SA_TRY_OSSL(ECDSA_SIG_set0(es, r, s), err, "ECDSA_SIG_set0");
	r = s = NULL;
	n = i2d_ECDSA_SIG(es, &p);
	OSSL_ENSURE(n > 0, err, "i2d_ECDSA_SIG");
	*der = p;
	*der_len = (size_t)n;
	p = NULL;
	rc = SA_OK;
out:
	OPENSSL_free(p);
	ECDSA_SIG_free(es);
	BN_free(s);
	BN_free(r);
	return rc;
}

int sa_p11_ossl_verify(EVP_PKEY *pkey, CK_MECHANISM_TYPE mech,
                       const unsigned char *data, size_t data_len,
                       const unsigned char *sig, size_t sig_len, bool *valid,
                       sa_error *err)
{
	int rc = SA_E_OSSL;
	const EVP_MD *md = NULL;
	bool rsa = false, known = false, ec;
	EVP_MD_CTX *mctx = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	unsigned char *der = NULL;
	size_t der_len = 0;
	int r;

	*valid = false;
	ERR_clear_error();
	SA_ENSURE(sa_p11_ossl_can_verify(mech), err, SA_E_UNSUPPORTED,
	          "cannot verify %s", sa_p11_mech_name(mech));
	md = mech_md(mech, &rsa, &known);
	ec = mech == CKM_ECDSA || (known && !rsa);
	SA_ENSURE(!known || md != NULL, err, SA_E_OSSL,
	          "digest of %s not available", sa_p11_mech_name(mech));
	if (ec) {
		SA_TRY(
		    ecdsa_raw_to_der(pkey, sig, sig_len, &der, &der_len, err));
		if (der == NULL) {
			/* Wrong length for r || s: invalid, not an error. */
			rc = SA_OK;
			goto out;
		}
		sig = der;
		sig_len = der_len;
	}
	if (mech == CKM_ECDSA || mech == CKM_RSA_PKCS) {
		pctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
		OSSL_ENSURE(pctx != NULL, err, "EVP_PKEY_CTX_new_from_pkey");
		SA_TRY_OSSL(EVP_PKEY_verify_init(pctx), err,
		            "EVP_PKEY_verify_init");
		/* No signature digest: RSA compares the whole recovered
		 * block (the DigestInfo the caller built) with data; ECDSA
		 * takes data as the hash, truncated to the order. */
		if (mech == CKM_RSA_PKCS)
			SA_TRY_OSSL(EVP_PKEY_CTX_set_rsa_padding(
			                pctx, RSA_PKCS1_PADDING),
			            err, "EVP_PKEY_CTX_set_rsa_padding");
		r = EVP_PKEY_verify(pctx, sig, sig_len, data, data_len);
	} else {
		mctx = EVP_MD_CTX_new();
		OSSL_ENSURE(mctx != NULL, err, "EVP_MD_CTX_new");
		/* CKM_EDDSA: md NULL, one-shot (pure EdDSA, RFC 8032). */
		SA_TRY_OSSL(EVP_DigestVerifyInit_ex(
		                mctx, NULL, md ? EVP_MD_get0_name(md) : NULL,
		                NULL, NULL, pkey, NULL),
		            err, "EVP_DigestVerifyInit_ex");
		r = EVP_DigestVerify(mctx, sig, sig_len, data, data_len);
	}
	/* 1 valid, 0 invalid; negative: could not verify. */
	if (r < 0) {
		rc = sa_error_ossl(err, __FILE__, __LINE__, "verify");
		goto out;
	}
	*valid = r == 1;
	ERR_clear_error();
	rc = SA_OK;
out:
	OPENSSL_free(der);
	EVP_MD_CTX_free(mctx);
	EVP_PKEY_CTX_free(pctx);
	return rc;
}

int sa_p11_ossl_sha256(const unsigned char *data, size_t len,
                       unsigned char out[32], sa_error *err)
{
	int rc = SA_E_OSSL;
	unsigned int n = 0;

	ERR_clear_error();
	SA_TRY_OSSL(EVP_Digest(data, len, out, &n, EVP_sha256(), NULL), err,
	            "EVP_Digest(SHA-256)");
	SA_ENSURE(n == 32, err, SA_E_OSSL, "SHA-256 gave %u bytes", n);
	rc = SA_OK;
out:
	return rc;
}
