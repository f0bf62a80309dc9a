/* SIG-Q-06: weak algorithms the token accepts for new signatures.
 * Description and references: sig_quality.c.
 *
 * "Accepted" is measured, not read from the mechanism list: each forbidden
 * mechanism the token lists signs a message with a session key of the
 * case, and the signature is verified (by OpenSSL where it can, else by
 * the token's C_Verify). A mechanism that is listed but does not produce a
 * signature that verifies is noted, not a finding. Weak key generation is
 * tried the same way: a C_GenerateKeyPair that succeeds is the finding. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/dsa.h>
#include <openssl/evp.h>

#include "sigaudit/guard.h"
#include "sigaudit/ossl.h"

#include "sig_quality.h"

enum sq06_key { SQ06_RSA, SQ06_EC, SQ06_DSA, SQ06_NKEYS };

typedef struct sq06_mech {
	CK_MECHANISM_TYPE m;
	enum sq06_key key;
	const char *why; /* what the policy objects to */
	bool raw;        /* input is a hash (CKM_DSA) */
} sq06_mech;

/* Forbidden for new signatures: SHA-1 and older hashes (NIST SP 800-131A
 * Rev. 2 §9; TT 15/2025: SHA-2 only), and DSA, which FIPS 186-5 no longer
 * approves for generating signatures. */
static const sq06_mech sq06_mechs[] = {
    {CKM_SHA1_RSA_PKCS, SQ06_RSA, "SHA-1", false},
    {CKM_SHA1_RSA_PKCS_PSS, SQ06_RSA, "SHA-1", false},
    {CKM_MD5_RSA_PKCS, SQ06_RSA, "MD5", false},
    {CKM_MD2_RSA_PKCS, SQ06_RSA, "MD2", false},
    {CKM_RIPEMD160_RSA_PKCS, SQ06_RSA, "RIPEMD-160, not SHA-2", false},
    {CKM_SHA1_RSA_X9_31, SQ06_RSA, "SHA-1", false},
    {CKM_ECDSA_SHA1, SQ06_EC, "SHA-1", false},
    {CKM_DSA, SQ06_DSA, "DSA", true},
    {CKM_DSA_SHA1, SQ06_DSA, "DSA with SHA-1", false},
    {CKM_DSA_SHA224, SQ06_DSA, "DSA", false},
    {CKM_DSA_SHA256, SQ06_DSA, "DSA", false},
    {CKM_DSA_SHA384, SQ06_DSA, "DSA", false},
    {CKM_DSA_SHA512, SQ06_DSA, "DSA", false},
};

typedef struct sq06_state {
	sa_case_ctx *ctx;
	CK_SESSION_HANDLE s;
	CK_OBJECT_HANDLE pub[SQ06_NKEYS], priv[SQ06_NKEYS];
	bool tried[SQ06_NKEYS];
	CK_RV key_rv[SQ06_NKEYS];
	EVP_PKEY *pk[SQ06_NKEYS];
	unsigned n_findings, n_untested;
	sa_buf findings;
	sa_buf ev;
} sq06_state;

static void sq06_finding(sq06_state *st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void sq06_finding(sq06_state *st, const char *fmt, ...)
{
	char line[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (st->n_findings++ > 0)
		sa_buf_append_str(&st->findings, ", ");
	sa_buf_append_str(&st->findings, line);
}

/* DSA domain parameters of 1024/160 bits (what SoftHSM2 and most tokens
 * that still offer DSA take), made by OpenSSL: p, q, g as big-endian
 * bytes into one buffer with their lengths. */
static int sq06_dsa_params(sq06_state *st, sa_buf *pqg, size_t len[3])
{
	sa_error *err = sa_case_err(st->ctx);
	static const char *const names[3] = {OSSL_PKEY_PARAM_FFC_P,
	                                     OSSL_PKEY_PARAM_FFC_Q,
	                                     OSSL_PKEY_PARAM_FFC_G};
	EVP_PKEY_CTX *c = NULL;
	EVP_PKEY *params = NULL;
	BIGNUM *v = NULL;
	unsigned char tmp[256];
	size_t i;
	int rc = SA_E_OSSL, n;

	c = EVP_PKEY_CTX_new_from_name(NULL, "DSA", NULL);
	SA_ENSURE(c != NULL, err, SA_E_OSSL, "EVP_PKEY_CTX_new_from_name(DSA)");
	SA_TRY_OSSL(EVP_PKEY_paramgen_init(c), err, "EVP_PKEY_paramgen_init");
	SA_TRY_OSSL(EVP_PKEY_CTX_set_dsa_paramgen_bits(c, 1024), err,
	            "DSA paramgen bits");
	SA_TRY_OSSL(EVP_PKEY_CTX_set_dsa_paramgen_q_bits(c, 160), err,
	            "DSA paramgen q bits");
	SA_TRY_OSSL(EVP_PKEY_paramgen(c, &params), err, "EVP_PKEY_paramgen");
	for (i = 0; i < 3; i++) {
		BN_free(v);
		v = NULL;
		SA_TRY_OSSL(EVP_PKEY_get_bn_param(params, names[i], &v), err,
		            "EVP_PKEY_get_bn_param");
		n = BN_num_bytes(v);
		SA_ENSURE(n > 0 && (size_t)n <= sizeof(tmp), err, SA_E_RANGE,
		          "DSA parameter of %d bytes", n);
		SA_TRY_OSSL(BN_bn2bin(v, tmp) == n, err, "BN_bn2bin");
		SA_TRY(sa_buf_append(pqg, tmp, (size_t)n));
		len[i] = (size_t)n;
	}
	rc = SA_OK;
out:
	BN_free(v);
	EVP_PKEY_free(params);
	EVP_PKEY_CTX_free(c);
	return rc;
}

/* The session key pair of kind k, made on first use. */
static bool sq06_key(sq06_state *st, enum sq06_key k)
{
	sa_case_ctx *ctx = st->ctx;
	const sa_p11_ossl_curve *p256 = sa_p11_ossl_curve_by_name("P-256");
	sa_buf pqg = SA_BUF_INIT;
	size_t len[3] = {0, 0, 0};
	CK_RV rv = CKR_GENERAL_ERROR;

	if (st->tried[k])
		goto out;
	st->tried[k] = true;
	if (k == SQ06_RSA) {
		rv =
		    sa_sq_gen_pair(ctx, st->s, CKM_RSA_PKCS_KEY_PAIR_GEN, 2048,
		                   NULL, 0, NULL, 0, &st->pub[k], &st->priv[k]);
	} else if (k == SQ06_EC && p256 != NULL) {
		rv = sa_sq_gen_pair(ctx, st->s, CKM_EC_KEY_PAIR_GEN, 0,
		                    p256->oid, p256->oid_len, NULL, 0,
		                    &st->pub[k], &st->priv[k]);
	} else if (k == SQ06_DSA) {
		if (sq06_dsa_params(st, &pqg, len) < 0) {
			sa_case_note(ctx, "DSA parameters: %s",
			             sa_case_err(ctx)->msg);
		} else {
			CK_ATTRIBUTE extra[] = {
			    {CKA_PRIME, pqg.data, (CK_ULONG)len[0]},
			    {CKA_SUBPRIME, pqg.data + len[0], (CK_ULONG)len[1]},
			    {CKA_BASE, pqg.data + len[0] + len[1],
			     (CK_ULONG)len[2]},
			};
			rv = sa_sq_gen_pair(ctx, st->s, CKM_DSA_KEY_PAIR_GEN, 0,
			                    NULL, 0, extra, SA_COUNTOF(extra),
			                    &st->pub[k], &st->priv[k]);
		}
	}
	st->key_rv[k] = rv;
	if (rv == CKR_OK && k != SQ06_DSA &&
	    sa_p11_ossl_pubkey_from_token(ctx, st->s, st->pub[k], &st->pk[k]) <
	        0)
		st->pk[k] = NULL; /* verified by the token instead */
out:
	sa_buf_free(&pqg);
	return st->priv[k] != CK_INVALID_HANDLE;
}

static CK_RV sq06_token_verify(sq06_state *st, CK_MECHANISM *m,
                               CK_OBJECT_HANDLE pub, const void *data,
                               size_t len, const sa_buf *sig)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(st->ctx);
	CK_RV rv;

	rv = f->C_VerifyInit(st->s, m, pub);
	if (rv == CKR_OK)
		rv = f->C_Verify(st->s, (CK_BYTE_PTR)data, (CK_ULONG)len,
		                 sig->data, (CK_ULONG)sig->len);
	return rv;
}

static void sq06_try_mech(sq06_state *st, const sq06_mech *wm)
{
	sa_case_ctx *ctx = st->ctx;
	static const char msg[] = "sigaudit SIG-Q-06 weak algorithm probe";
	CK_RSA_PKCS_PSS_PARAMS pss = {CKM_SHA_1, CKG_MGF1_SHA1, 20};
	CK_MECHANISM m = {wm->m, NULL, 0};
	const char *name = sa_p11_mech_name(wm->m);
	unsigned char hash[32];
	const void *data = msg;
	size_t len = sizeof(msg) - 1;
	sa_buf sig = SA_BUF_INIT;
	bool valid = false, by_ossl = false;
	CK_RV rv;

	if (!sa_case_has_mech(ctx, wm->m))
		goto out;
	if (wm->m == CKM_SHA1_RSA_PKCS_PSS) {
		m.pParameter = &pss;
		m.ulParameterLen = sizeof(pss);
	}
	if (wm->raw) {
		/* CKM_DSA signs a hash as long as q (160 bits here) */
		if (sa_p11_ossl_sha256((const unsigned char *)msg, len, hash,
		                       sa_case_err(ctx)) < 0)
			goto out;
		data = hash;
		len = 20;
	}
	if (!sq06_key(st, wm->key)) {
		st->n_untested++;
		sa_case_note(ctx, "%s is listed but not tested: no key (%s)",
		             name, sa_p11_rv_name(st->key_rv[wm->key]));
		sa_buf_appendf(&st->ev, "%s: listed, not tested (no key)\n",
		               name);
		goto out;
	}
	rv = sa_sq_sign(ctx, st->s, &m, st->priv[wm->key], data, len, &sig);
	if (rv == CKR_OK) {
		if (st->pk[wm->key] != NULL && sa_p11_ossl_can_verify(wm->m)) {
			by_ossl = true;
			valid = sa_p11_ossl_verify(
			            st->pk[wm->key], wm->m, data, len, sig.data,
			            sig.len, &valid, sa_case_err(ctx)) == 0 &&
			        valid;
		} else {
			valid = sq06_token_verify(st, &m, st->pub[wm->key],
			                          data, len, &sig) == CKR_OK;
		}
	}
	sa_buf_appendf(&st->ev, "%s: listed; C_Sign %s; signature %s\n", name,
	               sa_p11_rv_name(rv),
	               rv != CKR_OK ? "-"
	               : valid      ? "verifies"
	                            : "does not verify");
	sa_case_checkf(ctx, !(rv == CKR_OK && valid), name,
	               "not usable for new signatures",
	               rv != CKR_OK ? "listed, C_Sign refused (%s)"
	               : valid      ? "listed and signs (%s)"
	                            : "listed, signature does not verify (%s)",
	               rv != CKR_OK ? sa_p11_rv_name(rv)
	               : by_ossl    ? "verified by OpenSSL"
	                            : "verified by the token");
	if (rv == CKR_OK && valid)
		sq06_finding(st, "%s (%s)", name, wm->why);
	else
		sa_case_note(ctx,
		             "%s is listed but does not sign (%s): not a "
		             "finding",
		             name,
		             rv != CKR_OK ? sa_p11_rv_name(rv)
		                          : "signature does not verify");
out:
	sa_buf_free(&sig);
}

/* Key generation the policy forbids: success is the finding. */
static void sq06_try_keygen(sq06_state *st, const char *what,
                            CK_MECHANISM_TYPE mech, CK_ULONG bits,
                            const char *curve)
{
	sa_case_ctx *ctx = st->ctx;
	const sa_p11_ossl_curve *c = NULL;
	CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE, priv = CK_INVALID_HANDLE;
	CK_RV rv;

	if (!sa_case_has_mech(ctx, mech))
		goto out;
	if (curve != NULL && (c = sa_p11_ossl_curve_by_name(curve)) == NULL)
		goto out;
	rv = sa_sq_gen_pair(ctx, st->s, mech, bits, c ? c->oid : NULL,
	                    c ? c->oid_len : 0, NULL, 0, &pub, &priv);
	sa_buf_appendf(&st->ev, "%s generation: %s\n", what,
	               sa_p11_rv_name(rv));
	/* any refusal will do: the return code is the P11-GEN cases'
	 * business */
	sa_case_checkf(ctx, rv != CKR_OK, what, "generation refused", "%s",
	               sa_p11_rv_name(rv));
	if (rv == CKR_OK)
		sq06_finding(st, "%s key generation", what);
out:
	sa_p11_destroy(ctx, st->s, &priv);
	sa_p11_destroy(ctx, st->s, &pub);
}

void sa_sq06_weak_algorithms(sa_case_ctx *ctx)
{
	sq06_state st;
	size_t i;

	memset(&st, 0, sizeof(st));
	st.ctx = ctx;
	st.s = CK_INVALID_HANDLE;
	for (i = 0; i < SQ06_NKEYS; i++) {
		st.pub[i] = CK_INVALID_HANDLE;
		st.priv[i] = CK_INVALID_HANDLE;
	}
	if (sa_sq_open(ctx, &st.s) < 0)
		goto out;
	for (i = 0; i < SA_COUNTOF(sq06_mechs); i++)
		sq06_try_mech(&st, &sq06_mechs[i]);
	sq06_try_keygen(&st, "RSA-1024", CKM_RSA_PKCS_KEY_PAIR_GEN, 1024, NULL);
	sq06_try_keygen(&st, "EC P-192", CKM_EC_KEY_PAIR_GEN, 0, "P-192");
	sq06_try_keygen(&st, "EC P-224 (secp224r1)", CKM_EC_KEY_PAIR_GEN, 0,
	                "P-224");
	sa_case_checkf(ctx, st.n_findings == 0,
	               "weak algorithms usable for new signatures", "none",
	               "%u", st.n_findings);
	if (st.n_findings > 0)
		sa_case_fail(ctx,
		             "finding: the token accepts %u weak signature "
		             "mechanism(s) or key size(s) the policy forbids "
		             "for new signatures: %s",
		             st.n_findings, sa_buf_cstr(&st.findings));
	else if (st.n_untested > 0)
		sa_case_info(ctx,
		             "%u listed weak mechanism(s) could not be tested "
		             "(no key of their type)",
		             st.n_untested);
out:
	if (st.ev.len > 0)
		(void)sa_case_evidence(ctx, "mechanisms.txt", st.ev.data,
		                       st.ev.len);
	for (i = 0; i < SQ06_NKEYS; i++) {
		EVP_PKEY_free(st.pk[i]);
		sa_p11_destroy(ctx, st.s, &st.priv[i]);
		sa_p11_destroy(ctx, st.s, &st.pub[i]);
	}
	sa_sq_close(ctx, &st.s);
	sa_buf_free(&st.findings);
	sa_buf_free(&st.ev);
}
