/* The reference engine: every vector through OpenSSL EVP_DigestVerify
 * (sig_engine.h), with the parameters the PKCS#11 engine gives the token:
 * RSA PKCS#1 v1.5 with the group's digest; RSA-PSS with
 * RSA_PKCS1_PSS_PADDING, the MGF1 digest and the salt length (RFC 8017
 * §8.1.2); ECDSA over the group's digest with a DER signature (P1363 files:
 * r || s re-encoded as DER here, a wrong length is a rejection; DER files:
 * the file's bytes as they are, so OpenSSL's own decoder judges them);
 * EdDSA one-shot with no digest (RFC 8032 §5.1.7).
 *
 * EVP_DigestVerify returns 1 for a valid signature; 0 and negative values
 * (OpenSSL 3 returns -1 for a signature it cannot decode) are rejections,
 * recorded as "EVP verify 0" / "EVP verify -1". Failing to set up the
 * verification is an error. */
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "sigaudit/guard.h"
#include "sigaudit/ossl.h"

#include "sig_engine_int.h"

typedef struct ossl_engine {
	sa_sig_engine base;
} ossl_engine;

/* RSASSA-PSS-params keys (RFC 4055 §3.1): the file gives an id-RSASSA-PSS
 * SubjectPublicKeyInfo; OpenSSL then holds the key to its parameters. */
static bool pss_params_file(const sa_sv_file *f)
{
	return strstr(f->schema, "with_parameters") != NULL;
}

static void describe(const sa_sig_engine *base, const sa_sv_file *f, char *out,
                     size_t size)
{
	const char *how = "";
	sa_sv_scheme s = f->n_groups > 0 ? f->groups[0].scheme : SA_SV_EDDSA;

	(void)base;
	if (s == SA_SV_ECDSA_P1363)
		how = " (r||s re-encoded as DER by the harness)";
	else if (s == SA_SV_ECDSA_DER)
		how = " (DER signature as given: OpenSSL's decoder)";
	else if (s == SA_SV_RSA_PSS && pss_params_file(f))
		how = " (key from the id-RSASSA-PSS SPKI)";
	snprintf(out, size, "OpenSSL %s EVP_DigestVerify%s",
	         OpenSSL_version(OPENSSL_VERSION_STRING), how);
}

/* The group's public key; *why set when OpenSSL cannot hold it. */
static EVP_PKEY *group_key(const sa_sv_file *f, const sa_sv_group *g, char *why,
                           size_t size)
{
	EVP_PKEY *pkey = NULL;
	const sa_p11_ossl_curve *c;
	const unsigned char *p;
	sa_error err = SA_ERROR_INIT;

	why[0] = '\0';
	switch (g->scheme) {
	case SA_SV_RSA_PSS:
		if (pss_params_file(f) && g->spki.len > 0 &&
		    g->spki.len < 65536) {
			p = g->spki.data;
			pkey = d2i_PUBKEY(NULL, &p, (long)g->spki.len);
			ERR_clear_error();
			if (pkey != NULL)
				break;
		}
		/* fall through */
	case SA_SV_RSA_PKCS1:
		if (sa_p11_ossl_rsa_pubkey(g->n.data, g->n.len, g->e.data,
		                           g->e.len, &pkey, &err) < 0)
			snprintf(why, size, "OpenSSL refused the key: %s",
			         err.msg);
		break;
	case SA_SV_ECDSA_P1363:
	case SA_SV_ECDSA_DER:
	case SA_SV_EDDSA:
		c = g->curve ? sa_p11_ossl_curve_by_name(g->curve) : NULL;
		if (c == NULL || c->edwards != (g->scheme == SA_SV_EDDSA)) {
			snprintf(why, size,
			         "curve %s not supported by sigaudit",
			         g->curve ? g->curve : "?");
			break;
		}
		if (sa_p11_ossl_ec_pubkey(c, g->point.data, g->point.len, &pkey,
		                          &err) < 0)
			snprintf(why, size, "OpenSSL refused the key: %s",
			         err.msg);
		break;
	default:
		snprintf(why, size, "scheme %d not supported", (int)g->scheme);
		break;
	}
	ERR_clear_error();
	return pkey;
}

/* r || s -> DER Ecdsa-Sig-Value; NULL when the length is not 2 * half. */
static unsigned char *p1363_to_der(const unsigned char *sig, size_t len,
                                   size_t half, size_t *der_len)
{
	ECDSA_SIG *es = NULL;
	BIGNUM *r = NULL, *s = NULL;
	unsigned char *der = NULL;
	int n;

	*der_len = 0;
	if (half == 0 || len != 2 * half || half > 1024)
		goto out;
	r = BN_bin2bn(sig, (int)half, NULL);
	s = BN_bin2bn(sig + half, (int)half, NULL);
	es = ECDSA_SIG_new();
	if (r == NULL || s == NULL || es == NULL ||
	    ECDSA_SIG_set0(es, r, s) != 1)
		goto out;
	r = s = NULL;
	n = i2d_ECDSA_SIG(es, &der);
	if (n <= 0) {
		OPENSSL_free(der);
		der = NULL;
		goto out;
	}
	*der_len = (size_t)n;
out:
	ECDSA_SIG_free(es);
	BN_free(s);
	BN_free(r);
	return der;
}

static void verify_test(EVP_PKEY *pkey, const sa_sv_group *g, size_t half,
                        const sa_sv_test *t, sa_sig_rec *rec)
{
	static const unsigned char empty[1];
	EVP_MD_CTX *mctx = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	unsigned char *der = NULL;
	const unsigned char *sig = t->sig.len ? t->sig.data : empty;
	size_t slen = t->sig.len;
	const char *md = g->scheme == SA_SV_EDDSA ? NULL : g->hash;
	char detail[32];
	int r;

	ERR_clear_error();
	if (g->scheme == SA_SV_ECDSA_P1363) {
		der = p1363_to_der(t->sig.data, t->sig.len, half, &slen);
		if (der == NULL) {
			sa_sig_rec_result(rec, t, SA_VEC_REJECTED,
			                  "P1363 length", false);
			goto out;
		}
		sig = der;
	}
	mctx = EVP_MD_CTX_new();
	if (mctx == NULL || EVP_DigestVerifyInit_ex(mctx, &pctx, md, NULL, NULL,
	                                            pkey, NULL) != 1) {
		sa_sig_rec_result(rec, t, SA_VEC_ERROR, "EVP init failed",
		                  false);
		goto out;
	}
	if (g->scheme == SA_SV_RSA_PSS &&
	    (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
	     EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, g->mgf_hash, NULL) != 1 ||
	     g->salt_len < 0 || g->salt_len > 65536 ||
	     EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, (int)g->salt_len) != 1)) {
		sa_sig_rec_result(rec, t, SA_VEC_ERROR, "EVP PSS params failed",
		                  false);
		goto out;
	}
	r = EVP_DigestVerify(mctx, sig, slen, t->msg.len ? t->msg.data : empty,
	                     t->msg.len);
	snprintf(detail, sizeof(detail), "EVP verify %d", r);
	sa_sig_rec_result(rec, t, r == 1 ? SA_VEC_ACCEPTED : SA_VEC_REJECTED,
	                  r == 1 ? NULL : detail, false);
out:
	ERR_clear_error();
	OPENSSL_free(der);
	EVP_MD_CTX_free(mctx);
}

static void run(sa_sig_engine *base, const sa_sv_file *f, sa_sig_rec *rec)
{
	char why[SA_ERROR_MSG_MAX + 64];
	EVP_PKEY *pkey;
	EVP_MD *m;
	size_t gi, ti, half;

	(void)base;
	for (gi = 0; gi < f->n_groups; gi++) {
		const sa_sv_group *g = &f->groups[gi];

		pkey = group_key(f, g, why, sizeof(why));
		if (pkey != NULL && g->scheme != SA_SV_EDDSA) {
			m = g->hash ? EVP_MD_fetch(NULL, g->hash, NULL) : NULL;
			if (m == NULL)
				snprintf(why, sizeof(why),
				         "digest %s not available",
				         g->hash ? g->hash : "?");
			EVP_MD_free(m);
			ERR_clear_error();
		}
		half = 0;
		if (pkey != NULL && g->scheme == SA_SV_ECDSA_P1363) {
			const sa_p11_ossl_curve *c =
			    sa_p11_ossl_curve_by_name(g->curve);
			half = c ? sa_sig_ec_half(c->bits) : 0;
		}
		for (ti = g->first; ti < g->first + g->count && ti < f->n_tests;
		     ti++) {
			if (pkey == NULL || why[0] != '\0')
				sa_sig_rec_skip(rec, &f->tests[ti], why);
			else
				verify_test(pkey, g, half, &f->tests[ti], rec);
		}
		EVP_PKEY_free(pkey);
	}
}

static void engine_free(sa_sig_engine *base)
{
	free(base);
}

static const sa_sig_engine_ops ossl_ops = {describe, run, engine_free};

int sa_sig_engine_ossl_new(sa_case_ctx *ctx, sa_sig_engine **out)
{
	ossl_engine *e;

	*out = NULL;
	e = calloc(1, sizeof(*e));
	if (e == NULL) {
		sa_case_error(ctx, "out of memory");
		return SA_E_NOMEM;
	}
	e->base.ops = &ossl_ops;
	e->base.ctx = ctx;
	e->base.role = SA_VEC_REFERENCE;
	*out = &e->base;
	return SA_OK;
}
