/* OpenSSL side of the mechanism support matrix (mech_matrix.h): the answers
 * a token's output is compared with. EVP API only (STYLE rule 10); every
 * call is compared with == 1 and the error queue drained into err. */
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/dh.h>
#include <openssl/dsa.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/provider.h>
#include <openssl/rsa.h>

#include "sigaudit/guard.h"

#include "mech_matrix.h"

/* Like SA_TRY_OSSL for calls that return a pointer or a count. */
#define MM_OSSL_ENSURE(cond, err, what)                                        \
	do {                                                                   \
		if (!(cond)) {                                                 \
			rc = sa_error_ossl((err), __FILE__, __LINE__, (what)); \
			goto out;                                              \
		}                                                              \
	} while (0)

/* Inputs here are made by the case, outputs by OpenSSL: nothing larger. */
#define MM_OSSL_MAX 65536UL

int sa_mm_ossl_encrypt(OSSL_LIB_CTX *lctx, const char *name, bool pad,
                       const unsigned char *key, size_t key_len,
                       const unsigned char *iv, size_t iv_len,
                       const unsigned char *aad, size_t aad_len, size_t tag_len,
                       const unsigned char *in, size_t in_len, sa_buf *out,
                       sa_error *err)
{
	int rc = SA_E_OSSL;
	EVP_CIPHER *c = NULL;
	EVP_CIPHER_CTX *cctx = NULL;
	OSSL_PARAM params[2];
	size_t cap;
	int n = 0, n2 = 0;

	ERR_clear_error();
	sa_buf_reset(out);
	SA_ENSURE(in_len <= MM_OSSL_MAX && aad_len <= MM_OSSL_MAX &&
	              tag_len <= 16,
	          err, SA_E_RANGE, "input %zu bytes", in_len);
	c = EVP_CIPHER_fetch(lctx, name, NULL);
	if (c == NULL) {
		ERR_clear_error();
		rc = SA_ERR(err, SA_E_UNSUPPORTED,
		            "OpenSSL has no cipher %s here", name);
		goto out;
	}
	SA_ENSURE((size_t)EVP_CIPHER_get_key_length(c) == key_len, err,
	          SA_E_INVALID, "%s: key of %zu bytes", name, key_len);
	cctx = EVP_CIPHER_CTX_new();
	MM_OSSL_ENSURE(cctx != NULL, err, "EVP_CIPHER_CTX_new");
	/* Key wrap modes are refused unless the caller says it knows. */
	EVP_CIPHER_CTX_set_flags(cctx, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
	SA_TRY_OSSL(EVP_EncryptInit_ex2(cctx, c, NULL, NULL, NULL), err,
	            "EVP_EncryptInit_ex2");
	if (tag_len > 0 && iv != NULL) {
		params[0] = OSSL_PARAM_construct_size_t(
		    OSSL_CIPHER_PARAM_AEAD_IVLEN, &iv_len);
		params[1] = OSSL_PARAM_construct_end();
		SA_TRY_OSSL(EVP_CIPHER_CTX_set_params(cctx, params), err,
		            "EVP_CIPHER_CTX_set_params(ivlen)");
	}
	SA_TRY_OSSL(EVP_EncryptInit_ex2(cctx, NULL, key, iv, NULL), err,
	            "EVP_EncryptInit_ex2(key)");
	SA_TRY_OSSL(EVP_CIPHER_CTX_set_padding(cctx, pad ? 1 : 0), err,
	            "EVP_CIPHER_CTX_set_padding");
	if (aad_len > 0)
		SA_TRY_OSSL(
		    EVP_EncryptUpdate(cctx, NULL, &n, aad, (int)aad_len), err,
		    "EVP_EncryptUpdate(aad)");
	/* Wrap-pad rounds up to 8, CBC-pad adds a block. */
	cap = in_len + 2 * 16 + tag_len;
	SA_TRY(sa_buf_reserve(out, cap));
	SA_TRY_OSSL(EVP_EncryptUpdate(cctx, out->data, &n, in, (int)in_len),
	            err, "EVP_EncryptUpdate");
	SA_TRY_OSSL(EVP_EncryptFinal_ex(cctx, out->data + n, &n2), err,
	            "EVP_EncryptFinal_ex");
	out->len = (size_t)n + (size_t)n2;
	if (tag_len > 0) {
		params[0] = OSSL_PARAM_construct_octet_string(
		    OSSL_CIPHER_PARAM_AEAD_TAG, out->data + out->len, tag_len);
		params[1] = OSSL_PARAM_construct_end();
		SA_TRY_OSSL(EVP_CIPHER_CTX_get_params(cctx, params), err,
		            "EVP_CIPHER_CTX_get_params(tag)");
		out->len += tag_len;
	}
	rc = SA_OK;
out:
	EVP_CIPHER_CTX_free(cctx);
	EVP_CIPHER_free(c);
	return rc;
}

int sa_mm_ossl_mac(const char *mac, const char *sub, const unsigned char *key,
                   size_t key_len, const unsigned char *in, size_t in_len,
                   sa_buf *out, sa_error *err)
{
	int rc = SA_E_OSSL;
	EVP_MAC *m = NULL;
	EVP_MAC_CTX *mctx = NULL;
	OSSL_PARAM params[2];
	size_t n = 0;
	bool hmac = strcmp(mac, "HMAC") == 0;

	ERR_clear_error();
	sa_buf_reset(out);
	m = EVP_MAC_fetch(NULL, mac, NULL);
	MM_OSSL_ENSURE(m != NULL, err, "EVP_MAC_fetch");
	mctx = EVP_MAC_CTX_new(m);
	MM_OSSL_ENSURE(mctx != NULL, err, "EVP_MAC_CTX_new");
	params[0] = OSSL_PARAM_construct_utf8_string(
	    hmac ? OSSL_MAC_PARAM_DIGEST : OSSL_MAC_PARAM_CIPHER, (char *)sub,
	    0);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_MAC_init(mctx, key, key_len, params) != 1) {
		/* An algorithm this OpenSSL does not offer (MD5 in a FIPS
		 * configuration, single DES): no independent answer. */
		ERR_clear_error();
		rc = SA_ERR(err, SA_E_UNSUPPORTED, "OpenSSL has no %s-%s here",
		            mac, sub);
		goto out;
	}
	SA_TRY_OSSL(EVP_MAC_update(mctx, in, in_len), err, "EVP_MAC_update");
	SA_TRY(sa_buf_reserve(out, EVP_MAX_MD_SIZE));
	SA_TRY_OSSL(EVP_MAC_final(mctx, out->data, &n, EVP_MAX_MD_SIZE), err,
	            "EVP_MAC_final");
	out->len = n;
	rc = SA_OK;
out:
	EVP_MAC_CTX_free(mctx);
	EVP_MAC_free(m);
	return rc;
}

int sa_mm_ossl_digest(const char *md, const unsigned char *in, size_t in_len,
                      sa_buf *out, sa_error *err)
{
	int rc = SA_E_OSSL;
	EVP_MD *d = NULL;
	unsigned int n = 0;

	ERR_clear_error();
	sa_buf_reset(out);
	d = EVP_MD_fetch(NULL, md, NULL);
	if (d == NULL) {
		ERR_clear_error();
		rc = SA_ERR(err, SA_E_UNSUPPORTED,
		            "OpenSSL has no digest %s here", md);
		goto out;
	}
	SA_TRY(sa_buf_reserve(out, EVP_MAX_MD_SIZE));
	SA_TRY_OSSL(EVP_Digest(in, in_len, out->data, &n, d, NULL), err,
	            "EVP_Digest");
	out->len = n;
	rc = SA_OK;
out:
	EVP_MD_free(d);
	return rc;
}

int sa_mm_ossl_rsa_verify(EVP_PKEY *pub, const char *md, bool pss, size_t salt,
                          const unsigned char *hash, size_t hash_len,
                          const unsigned char *sig, size_t sig_len, bool *valid,
                          sa_error *err)
{
	int rc = SA_E_OSSL;
	EVP_PKEY_CTX *pctx = NULL;
	EVP_MD *d = NULL;
	int r;

	*valid = false;
	ERR_clear_error();
	d = EVP_MD_fetch(NULL, md, NULL);
	if (d == NULL) {
		ERR_clear_error();
		rc = SA_ERR(err, SA_E_UNSUPPORTED,
		            "OpenSSL has no digest %s here", md);
		goto out;
	}
	pctx = EVP_PKEY_CTX_new_from_pkey(NULL, pub, NULL);
	MM_OSSL_ENSURE(pctx != NULL, err, "EVP_PKEY_CTX_new_from_pkey");
	SA_TRY_OSSL(EVP_PKEY_verify_init(pctx), err, "EVP_PKEY_verify_init");
	SA_TRY_OSSL(EVP_PKEY_CTX_set_rsa_padding(
	                pctx, pss ? RSA_PKCS1_PSS_PADDING : RSA_PKCS1_PADDING),
	            err, "EVP_PKEY_CTX_set_rsa_padding");
	SA_TRY_OSSL(EVP_PKEY_CTX_set_signature_md(pctx, d), err,
	            "EVP_PKEY_CTX_set_signature_md");
	if (pss) {
		SA_TRY_OSSL(EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, d), err,
		            "EVP_PKEY_CTX_set_rsa_mgf1_md");
		SA_TRY_OSSL(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, (int)salt),
		            err, "EVP_PKEY_CTX_set_rsa_pss_saltlen");
	}
	/* 1 valid, 0 invalid; negative: could not verify. */
	r = EVP_PKEY_verify(pctx, sig, sig_len, hash, hash_len);
	if (r < 0) {
		rc = sa_error_ossl(err, __FILE__, __LINE__, "EVP_PKEY_verify");
		goto out;
	}
	*valid = r == 1;
	ERR_clear_error();
	rc = SA_OK;
out:
	EVP_PKEY_CTX_free(pctx);
	EVP_MD_free(d);
	return rc;
}

int sa_mm_ossl_rsa_encrypt(EVP_PKEY *pub, sa_mm_rsa_pad pad,
                           const char *oaep_md, const unsigned char *in,
                           size_t in_len, sa_buf *out, sa_error *err)
{
	int rc = SA_E_OSSL;
	EVP_PKEY_CTX *pctx = NULL;
	size_t n = 0;
	int p = pad == SA_MM_RSA_RAW     ? RSA_NO_PADDING
	        : pad == SA_MM_RSA_PKCS1 ? RSA_PKCS1_PADDING
	                                 : RSA_PKCS1_OAEP_PADDING;

	ERR_clear_error();
	sa_buf_reset(out);
	pctx = EVP_PKEY_CTX_new_from_pkey(NULL, pub, NULL);
	MM_OSSL_ENSURE(pctx != NULL, err, "EVP_PKEY_CTX_new_from_pkey");
	SA_TRY_OSSL(EVP_PKEY_encrypt_init(pctx), err, "EVP_PKEY_encrypt_init");
	SA_TRY_OSSL(EVP_PKEY_CTX_set_rsa_padding(pctx, p), err,
	            "EVP_PKEY_CTX_set_rsa_padding");
	if (pad == SA_MM_RSA_OAEP) {
		SA_TRY_OSSL(
		    EVP_PKEY_CTX_set_rsa_oaep_md_name(pctx, oaep_md, NULL), err,
		    "EVP_PKEY_CTX_set_rsa_oaep_md_name");
		SA_TRY_OSSL(
		    EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, oaep_md, NULL), err,
		    "EVP_PKEY_CTX_set_rsa_mgf1_md_name");
	}
	SA_TRY_OSSL(EVP_PKEY_encrypt(pctx, NULL, &n, in, in_len), err,
	            "EVP_PKEY_encrypt(size)");
	SA_ENSURE(n <= MM_OSSL_MAX, err, SA_E_RANGE, "RSA output %zu", n);
	SA_TRY(sa_buf_reserve(out, n));
	SA_TRY_OSSL(EVP_PKEY_encrypt(pctx, out->data, &n, in, in_len), err,
	            "EVP_PKEY_encrypt");
	out->len = n;
	rc = SA_OK;
out:
	EVP_PKEY_CTX_free(pctx);
	return rc;
}

/* A key (or key parameters) from OSSL_PARAMs built by the caller. */
static int from_bld(const char *type, int selection, OSSL_PARAM_BLD *bld,
                    EVP_PKEY **out, sa_error *err)
{
	int rc = SA_E_OSSL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *pctx = NULL;

	*out = NULL;
	params = OSSL_PARAM_BLD_to_param(bld);
	pctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	MM_OSSL_ENSURE(params != NULL && pctx != NULL, err,
	               "OSSL_PARAM_BLD_to_param");
	SA_TRY_OSSL(EVP_PKEY_fromdata_init(pctx), err,
	            "EVP_PKEY_fromdata_init");
	SA_TRY_OSSL(EVP_PKEY_fromdata(pctx, out, selection, params), err,
	            "EVP_PKEY_fromdata");
	rc = SA_OK;
out:
	EVP_PKEY_CTX_free(pctx);
	OSSL_PARAM_free(params);
	return rc;
}

/* Push a big-endian integer held in b. */
static int push_bn(OSSL_PARAM_BLD *bld, const char *key, const sa_buf *b,
                   BIGNUM **keep, sa_error *err)
{
	int rc = SA_E_OSSL;

	SA_ENSURE(b->len > 0 && b->len <= 4096, err, SA_E_RANGE,
	          "%s: %zu bytes", key, b->len);
	*keep = BN_bin2bn(b->data, (int)b->len, NULL);
	MM_OSSL_ENSURE(*keep != NULL, err, "BN_bin2bn");
	SA_TRY_OSSL(OSSL_PARAM_BLD_push_BN(bld, key, *keep), err,
	            "OSSL_PARAM_BLD_push_BN");
	rc = SA_OK;
out:
	return rc;
}

int sa_mm_ossl_dsa_pub(const sa_buf *p, const sa_buf *q, const sa_buf *g,
                       const sa_buf *y, EVP_PKEY **out, sa_error *err)
{
	int rc = SA_E_OSSL;
	OSSL_PARAM_BLD *bld = NULL;
	BIGNUM *bn[4] = {NULL, NULL, NULL, NULL};
	size_t i;

	ERR_clear_error();
	bld = OSSL_PARAM_BLD_new();
	MM_OSSL_ENSURE(bld != NULL, err, "OSSL_PARAM_BLD_new");
	SA_TRY(push_bn(bld, OSSL_PKEY_PARAM_FFC_P, p, &bn[0], err));
	SA_TRY(push_bn(bld, OSSL_PKEY_PARAM_FFC_Q, q, &bn[1], err));
	SA_TRY(push_bn(bld, OSSL_PKEY_PARAM_FFC_G, g, &bn[2], err));
	SA_TRY(push_bn(bld, OSSL_PKEY_PARAM_PUB_KEY, y, &bn[3], err));
	rc = from_bld("DSA", EVP_PKEY_PUBLIC_KEY, bld, out, err);
out:
	for (i = 0; i < SA_COUNTOF(bn); i++)
		BN_free(bn[i]);
	OSSL_PARAM_BLD_free(bld);
	return rc;
}

int sa_mm_ossl_dsa_verify(EVP_PKEY *pub, size_t q_len,
                          const unsigned char *hash, size_t hash_len,
                          const unsigned char *sig, size_t sig_len, bool *valid,
                          sa_error *err)
{
	int rc = SA_E_OSSL;
	ECDSA_SIG *es = NULL;
	BIGNUM *r = NULL, *s = NULL;
	unsigned char *der = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	int n, v;

	*valid = false;
	ERR_clear_error();
	if (q_len == 0 || sig_len != 2 * q_len) {
		/* Not r || s of this key: an invalid signature. */
		rc = SA_OK;
		goto out;
	}
	/* Dss-Sig-Value (RFC 3279 §2.2.2) and ECDSA-Sig-Value are the same
	 * SEQUENCE of two INTEGERs, so ECDSA_SIG encodes a DSA signature. */
	r = BN_bin2bn(sig, (int)q_len, NULL);
	s = BN_bin2bn(sig + q_len, (int)q_len, NULL);
	es = ECDSA_SIG_new();
	MM_OSSL_ENSURE(r != NULL && s != NULL && es != NULL, err,
	               "ECDSA_SIG_new");
	SA_TRY_OSSL(ECDSA_SIG_set0(es, r, s), err, "ECDSA_SIG_set0");
	r = s = NULL;
	n = i2d_ECDSA_SIG(es, &der);
	MM_OSSL_ENSURE(n > 0, err, "i2d_ECDSA_SIG");
	pctx = EVP_PKEY_CTX_new_from_pkey(NULL, pub, NULL);
	MM_OSSL_ENSURE(pctx != NULL, err, "EVP_PKEY_CTX_new_from_pkey");
	SA_TRY_OSSL(EVP_PKEY_verify_init(pctx), err, "EVP_PKEY_verify_init");
	v = EVP_PKEY_verify(pctx, der, (size_t)n, hash, hash_len);
	if (v < 0) {
		rc = sa_error_ossl(err, __FILE__, __LINE__, "EVP_PKEY_verify");
		goto out;
	}
	*valid = v == 1;
	ERR_clear_error();
	rc = SA_OK;
out:
	EVP_PKEY_CTX_free(pctx);
	OPENSSL_free(der);
	ECDSA_SIG_free(es);
	BN_free(s);
	BN_free(r);
	return rc;
}

/* A big-number parameter of pkey into out, big-endian, `pad` bytes long
 * when pad > 0. */
static int get_bn(EVP_PKEY *pkey, const char *key, size_t pad, sa_buf *out,
                  sa_error *err)
{
	int rc = SA_E_OSSL;
	BIGNUM *bn = NULL;
	int n;
	size_t len;

	sa_buf_reset(out);
	SA_TRY_OSSL(EVP_PKEY_get_bn_param(pkey, key, &bn), err,
	            "EVP_PKEY_get_bn_param");
	n = BN_num_bytes(bn);
	len = pad > 0 ? pad : (size_t)n;
	SA_ENSURE(n >= 0 && (size_t)n <= len && len <= 4096, err, SA_E_RANGE,
	          "%s: %d bytes", key, n);
	SA_TRY(sa_buf_reserve(out, len));
	MM_OSSL_ENSURE(BN_bn2binpad(bn, out->data, (int)len) == (int)len, err,
	               "BN_bn2binpad");
	out->len = len;
	rc = SA_OK;
out:
	BN_free(bn);
	return rc;
}

int sa_mm_ossl_dsa_params(unsigned bits, sa_buf *p, sa_buf *q, sa_buf *g,
                          sa_error *err)
{
	int rc = SA_E_OSSL;
	EVP_PKEY_CTX *pctx = NULL;
	EVP_PKEY *params = NULL;

	ERR_clear_error();
	pctx = EVP_PKEY_CTX_new_from_name(NULL, "DSA", NULL);
	MM_OSSL_ENSURE(pctx != NULL, err, "EVP_PKEY_CTX_new_from_name(DSA)");
	SA_TRY_OSSL(EVP_PKEY_paramgen_init(pctx), err,
	            "EVP_PKEY_paramgen_init");
	SA_TRY_OSSL(EVP_PKEY_CTX_set_dsa_paramgen_bits(pctx, (int)bits), err,
	            "EVP_PKEY_CTX_set_dsa_paramgen_bits");
	SA_TRY_OSSL(EVP_PKEY_paramgen(pctx, &params), err, "EVP_PKEY_paramgen");
	SA_TRY(get_bn(params, OSSL_PKEY_PARAM_FFC_P, 0, p, err));
	SA_TRY(get_bn(params, OSSL_PKEY_PARAM_FFC_Q, 0, q, err));
	SA_TRY(get_bn(params, OSSL_PKEY_PARAM_FFC_G, 0, g, err));
	rc = SA_OK;
out:
	EVP_PKEY_free(params);
	EVP_PKEY_CTX_free(pctx);
	return rc;
}

int sa_mm_ossl_dh_group(const char *name, sa_buf *p, sa_buf *g, sa_error *err)
{
	int rc = SA_E_OSSL;
	EVP_PKEY_CTX *pctx = NULL;
	EVP_PKEY *params = NULL;
	OSSL_PARAM op[2];

	ERR_clear_error();
	pctx = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL);
	MM_OSSL_ENSURE(pctx != NULL, err, "EVP_PKEY_CTX_new_from_name(DH)");
	SA_TRY_OSSL(EVP_PKEY_paramgen_init(pctx), err,
	            "EVP_PKEY_paramgen_init");
	op[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
	                                         (char *)name, 0);
	op[1] = OSSL_PARAM_construct_end();
	SA_TRY_OSSL(EVP_PKEY_CTX_set_params(pctx, op), err,
	            "EVP_PKEY_CTX_set_params(group)");
	SA_TRY_OSSL(EVP_PKEY_paramgen(pctx, &params), err, "EVP_PKEY_paramgen");
	SA_TRY(get_bn(params, OSSL_PKEY_PARAM_FFC_P, 0, p, err));
	SA_TRY(get_bn(params, OSSL_PKEY_PARAM_FFC_G, 0, g, err));
	rc = SA_OK;
out:
	EVP_PKEY_free(params);
	EVP_PKEY_CTX_free(pctx);
	return rc;
}

/* Derive with own (private) and peer (public) into secret; pad: PKCS #3
 * left padding for DH (ECDH output is always the field length). */
static int derive(EVP_PKEY *own, EVP_PKEY *peer, bool dh_pad, sa_buf *secret,
                  sa_error *err)
{
	int rc = SA_E_OSSL;
	EVP_PKEY_CTX *dctx = NULL;
	size_t n = 0;

	sa_buf_reset(secret);
	dctx = EVP_PKEY_CTX_new_from_pkey(NULL, own, NULL);
	MM_OSSL_ENSURE(dctx != NULL, err, "EVP_PKEY_CTX_new_from_pkey");
	SA_TRY_OSSL(EVP_PKEY_derive_init(dctx), err, "EVP_PKEY_derive_init");
	if (dh_pad)
		SA_TRY_OSSL(EVP_PKEY_CTX_set_dh_pad(dctx, 1), err,
		            "EVP_PKEY_CTX_set_dh_pad");
	SA_TRY_OSSL(EVP_PKEY_derive_set_peer(dctx, peer), err,
	            "EVP_PKEY_derive_set_peer");
	SA_TRY_OSSL(EVP_PKEY_derive(dctx, NULL, &n), err,
	            "EVP_PKEY_derive(size)");
	SA_ENSURE(n > 0 && n <= 4096, err, SA_E_RANGE, "secret of %zu", n);
	SA_TRY(sa_buf_reserve(secret, n));
	SA_TRY_OSSL(EVP_PKEY_derive(dctx, secret->data, &n), err,
	            "EVP_PKEY_derive");
	secret->len = n;
	rc = SA_OK;
out:
	EVP_PKEY_CTX_free(dctx);
	return rc;
}

int sa_mm_ossl_dh(const sa_buf *p, const sa_buf *g, const sa_buf *peer_y,
                  sa_buf *own_y, sa_buf *secret, sa_error *err)
{
	int rc = SA_E_OSSL;
	OSSL_PARAM_BLD *bld = NULL;
	BIGNUM *bn[3] = {NULL, NULL, NULL};
	EVP_PKEY *params = NULL, *own = NULL, *peer = NULL;
	EVP_PKEY_CTX *kctx = NULL;
	size_t i;

	ERR_clear_error();
	bld = OSSL_PARAM_BLD_new();
	MM_OSSL_ENSURE(bld != NULL, err, "OSSL_PARAM_BLD_new");
	SA_TRY(push_bn(bld, OSSL_PKEY_PARAM_FFC_P, p, &bn[0], err));
	SA_TRY(push_bn(bld, OSSL_PKEY_PARAM_FFC_G, g, &bn[1], err));
	SA_TRY(from_bld("DH", EVP_PKEY_KEY_PARAMETERS, bld, &params, err));
	kctx = EVP_PKEY_CTX_new_from_pkey(NULL, params, NULL);
	MM_OSSL_ENSURE(kctx != NULL, err, "EVP_PKEY_CTX_new_from_pkey");
	SA_TRY_OSSL(EVP_PKEY_keygen_init(kctx), err, "EVP_PKEY_keygen_init");
	SA_TRY_OSSL(EVP_PKEY_keygen(kctx, &own), err, "EVP_PKEY_keygen(DH)");
	SA_TRY(get_bn(own, OSSL_PKEY_PARAM_PUB_KEY, p->len, own_y, err));
	/* OSSL_PARAM_BLD_to_param emptied the builder: push p and g again. */
	SA_TRY_OSSL(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_P, bn[0]),
	            err, "OSSL_PARAM_BLD_push_BN(p)");
	SA_TRY_OSSL(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_G, bn[1]),
	            err, "OSSL_PARAM_BLD_push_BN(g)");
	SA_TRY(push_bn(bld, OSSL_PKEY_PARAM_PUB_KEY, peer_y, &bn[2], err));
	SA_TRY(from_bld("DH", EVP_PKEY_PUBLIC_KEY, bld, &peer, err));
	rc = derive(own, peer, true, secret, err);
out:
	EVP_PKEY_free(peer);
	EVP_PKEY_free(own);
	EVP_PKEY_CTX_free(kctx);
	EVP_PKEY_free(params);
	for (i = 0; i < SA_COUNTOF(bn); i++)
		BN_free(bn[i]);
	OSSL_PARAM_BLD_free(bld);
	return rc;
}

int sa_mm_ossl_ecdh(const sa_p11_ossl_curve *curve, EVP_PKEY *peer,
                    sa_buf *own_point, sa_buf *secret, sa_error *err)
{
	int rc = SA_E_OSSL;
	EVP_PKEY *own = NULL;
	size_t n = 0;

	ERR_clear_error();
	sa_buf_reset(own_point);
	own = EVP_PKEY_Q_keygen(NULL, NULL, "EC", curve->ossl);
	MM_OSSL_ENSURE(own != NULL, err, "EVP_PKEY_Q_keygen(EC)");
	SA_TRY_OSSL(EVP_PKEY_get_octet_string_param(
	                own, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, NULL, 0, &n),
	            err, "EVP_PKEY_get_octet_string_param(size)");
	SA_ENSURE(n > 0 && n <= 1024, err, SA_E_RANGE, "point of %zu", n);
	SA_TRY(sa_buf_reserve(own_point, n));
	SA_TRY_OSSL(EVP_PKEY_get_octet_string_param(
	                own, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
	                own_point->data, n, &n),
	            err, "EVP_PKEY_get_octet_string_param");
	own_point->len = n;
	rc = derive(own, peer, false, secret, err);
out:
	EVP_PKEY_free(own);
	return rc;
}

void sa_mm_ossl_ctx_open(sa_mm_ossl_ctx *c)
{
	memset(c, 0, sizeof(*c));
	/* Providers loaded here stay in this context: the module under test,
	 * which may use OpenSSL in the same process, sees none of them. */
	c->lctx = OSSL_LIB_CTX_new();
	if (c->lctx != NULL)
		c->def = OSSL_PROVIDER_load(c->lctx, "default");
	if (c->def != NULL)
		c->legacy = OSSL_PROVIDER_load(c->lctx, "legacy");
	ERR_clear_error();
}

void sa_mm_ossl_ctx_close(sa_mm_ossl_ctx *c)
{
	/* Each load holds a reference: OSSL_LIB_CTX_free alone would leave
	 * the providers (and the legacy one's child context) behind. */
	if (c->legacy != NULL)
		(void)OSSL_PROVIDER_unload(c->legacy);
	if (c->def != NULL)
		(void)OSSL_PROVIDER_unload(c->def);
	OSSL_LIB_CTX_free(c->lctx);
	memset(c, 0, sizeof(*c));
}
