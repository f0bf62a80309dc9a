/* SIG-Q-01: ECDSA nonce reuse and bias in signatures the token made.
 * Description and references: sig_quality.c.
 *
 * The case makes a session key pair per curve, has the token sign 64
 * distinct message hashes with CKM_ECDSA (raw: the input is the hash,
 * Curr. Mech. v2.40 §2.3.6; the output r || s, §2.3.1) or, on a token
 * without raw ECDSA, the messages with CKM_ECDSA_SHA256 (z is then the
 * SHA-256 of the message, computed here), and looks at the r
 * values: the same r twice means the same nonce k (or -k) twice, and two
 * such signatures give the private key away. The recovery is carried out
 * and proven with d*G == Q, so the finding is a demonstration, not a
 * statistic. The recovered key is a session key of the case; it is shown
 * only as a fingerprint and wiped. */
#include <stdio.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/objects.h>

#include "sigaudit/guard.h"
#include "sigaudit/ossl.h"

#include "sig_quality.h"

#define SQ01_N 64
/* A high-zero-byte count whose chance probability is below this is
 * reported (about one false alarm in a million runs). */
#define SQ01_BIAS_P 1e-6

typedef struct sq01_curve {
	const char *name; /* sa_p11_ossl_curve name */
	const char *md;   /* digest of the message, as long as the order */
	bool required;    /* false: tried only when the token makes it */
} sq01_curve;

static const sq01_curve sq01_curves[] = {
    {"P-256", "SHA256", true},
    {"P-384", "SHA384", false},
};

typedef struct sq01_state {
	sa_case_ctx *ctx;
	CK_SESSION_HANDLE s;
	CK_MECHANISM_TYPE mech; /* CKM_ECDSA or CKM_ECDSA_SHA256 */
	unsigned n_findings;
	sa_buf findings;
	sa_buf ev;
} sq01_state;

/* The public point Q of the token key `pub`, on group g. */
static int sq01_point(sq01_state *st, CK_OBJECT_HANDLE pub, const EC_GROUP *g,
                      EC_POINT **out)
{
	sa_error *err = sa_case_err(st->ctx);
	EVP_PKEY *pk = NULL;
	EC_POINT *q = NULL;
	unsigned char oct[160];
	size_t len = 0;
	int rc;

	*out = NULL;
	SA_TRY(sa_p11_ossl_pubkey_from_token(st->ctx, st->s, pub, &pk));
	rc = SA_E_OSSL;
	SA_TRY_OSSL(EVP_PKEY_get_octet_string_param(pk, OSSL_PKEY_PARAM_PUB_KEY,
	                                            oct, sizeof(oct), &len),
	            err, "EVP_PKEY_get_octet_string_param(pub)");
	q = EC_POINT_new(g);
	SA_ENSURE(q != NULL, err, SA_E_NOMEM, "out of memory");
	SA_TRY_OSSL(EC_POINT_oct2point(g, q, oct, len, NULL), err,
	            "EC_POINT_oct2point");
	*out = q;
	q = NULL;
	rc = SA_OK;
out:
	EC_POINT_free(q);
	EVP_PKEY_free(pk);
	return rc;
}

/* One curve: key pair, 64 signatures, analysis. */
static void sq01_curve_run(sq01_state *st, const sq01_curve *cv)
{
	sa_case_ctx *ctx = st->ctx;
	sa_error *err = sa_case_err(ctx);
	const sa_p11_ossl_curve *curve = sa_p11_ossl_curve_by_name(cv->name);
	CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE, priv = CK_INVALID_HANDLE;
	CK_MECHANISM mech = {st->mech, NULL, 0};
	const char *md = st->mech == CKM_ECDSA ? cv->md : "SHA256";
	const void *in;
	size_t in_len;
	EC_GROUP *g = NULL;
	EC_POINT *q = NULL;
	EVP_PKEY *pk = NULL;
	const BIGNUM *order;
	BIGNUM *r[SQ01_N] = {NULL}, *sv[SQ01_N] = {NULL}, *z[SQ01_N] = {NULL};
	BIGNUM *d = NULL;
	sa_buf sig = SA_BUF_INIT;
	unsigned char hash[EVP_MAX_MD_SIZE];
	unsigned int hlen = 0;
	char msg[64], fp[SA_SQ_FP_SIZE];
	size_t olen, i, j, n_sigs = 0, pair_i = 0, pair_j = 0;
	unsigned n_pairs = 0, n_distinct = 0, n_hz = 0, n_bad = 0;
	bool found = false, valid = false;
	double p_hz, tail;
	CK_RV rv;
	int rc;

	if (curve == NULL) {
		sa_case_error(ctx, "internal: curve %s unknown", cv->name);
		goto out;
	}
	rv = sa_sq_gen_pair(ctx, st->s, CKM_EC_KEY_PAIR_GEN, 0, curve->oid,
	                    curve->oid_len, NULL, 0, &pub, &priv);
	if (rv != CKR_OK) {
		if (cv->required)
			sa_case_error(ctx,
			              "set-up: C_GenerateKeyPair(%s) returned "
			              "%s",
			              cv->name, sa_p11_rv_name(rv));
		else
			sa_case_note(ctx,
			             "%s not tried: C_GenerateKeyPair returned "
			             "%s",
			             cv->name, sa_p11_rv_name(rv));
		goto out;
	}
	g = EC_GROUP_new_by_curve_name(OBJ_sn2nid(curve->ossl));
	if (g == NULL || (order = EC_GROUP_get0_order(g)) == NULL) {
		sa_case_error(ctx, "internal: no OpenSSL group %s",
		              curve->ossl);
		goto out;
	}
	olen = (size_t)BN_num_bytes(order);
	if (sq01_point(st, pub, g, &q) < 0 ||
	    sa_p11_ossl_pubkey_from_token(ctx, st->s, pub, &pk) < 0) {
		sa_case_error(ctx, "set-up: public key of the %s pair: %s",
		              cv->name, err->msg);
		goto out;
	}
	for (i = 0; i < SQ01_N; i++) {
		snprintf(msg, sizeof(msg), "sigaudit SIG-Q-01 message %zu", i);
		if (EVP_Digest(msg, strlen(msg), hash, &hlen,
		               EVP_get_digestbyname(md), NULL) != 1) {
			sa_error_ossl(err, __FILE__, __LINE__, "EVP_Digest");
			sa_case_error(ctx, "internal: %s", err->msg);
			goto out;
		}
		/* raw ECDSA signs the hash, ECDSA_SHA256 the message */
		in = st->mech == CKM_ECDSA ? (const void *)hash : msg;
		in_len = st->mech == CKM_ECDSA ? hlen : strlen(msg);
		rv = sa_sq_sign(ctx, st->s, &mech, priv, in, in_len, &sig);
		if (rv != CKR_OK) {
			sa_case_error(ctx,
			              "set-up: C_Sign(%s, %s) of message "
			              "%zu returned %s",
			              sa_p11_mech_name(st->mech), cv->name, i,
			              sa_p11_rv_name(rv));
			goto out;
		}
		/* r || s, each as long as the order (Curr. Mech. v2.40
		 * §2.3.1); SIG-0x cases judge the encoding, here it only has
		 * to be readable */
		if (sig.len != 2 * olen) {
			sa_case_error(ctx,
			              "%s signature of %zu bytes is not r || s "
			              "of %zu bytes each: nonces not analysed",
			              cv->name, sig.len, olen);
			goto out;
		}
		if (sa_p11_ossl_verify(pk, st->mech, in, in_len, sig.data,
		                       sig.len, &valid, err) < 0 ||
		    !valid)
			n_bad++;
		r[i] = BN_bin2bn(sig.data, (int)olen, NULL);
		sv[i] = BN_bin2bn(sig.data + olen, (int)olen, NULL);
		if (r[i] == NULL || sv[i] == NULL ||
		    sa_sq_ecdsa_z(hash, hlen, order, &z[i], err) < 0) {
			sa_case_error(ctx, "internal: out of memory");
			goto out;
		}
		n_hz += (sig.data[0] == 0) + (sig.data[olen] == 0);
		n_sigs++;
	}
	if (n_bad > 0)
		sa_case_note(ctx,
		             "%s: %u of %u signatures do not verify with "
		             "OpenSSL (the sign cases judge that)",
		             cv->name, n_bad, SQ01_N);
	for (i = 0; i < n_sigs; i++) {
		bool first = true;

		for (j = 0; j < n_sigs; j++) {
			if (j == i || BN_cmp(r[i], r[j]) != 0)
				continue;
			if (j < i)
				first = false;
			else if (n_pairs++ == 0) {
				pair_i = i;
				pair_j = j;
			}
		}
		n_distinct += first;
	}
	sa_buf_appendf(&st->ev,
	               "%s: %zu signatures, %u distinct r, %u pairs "
	               "sharing r, %u high zero bytes in r/s\n",
	               cv->name, n_sigs, n_distinct, n_pairs, n_hz);
	sa_case_checkf(ctx, n_pairs == 0, "r values of the signatures differ",
	               "every r distinct (a repeated r is a repeated nonce)",
	               "%s: %u distinct r in %zu signatures", cv->name,
	               n_distinct, n_sigs);
	if (n_pairs > 0) {
		rc =
		    sa_sq_ecdsa_recover(g, q, r[pair_i], sv[pair_i], z[pair_i],
		                        sv[pair_j], z[pair_j], &found, &d, err);
		if (rc < 0) {
			sa_case_error(ctx, "internal: key recovery: %s",
			              err->msg);
			goto out;
		}
		if (st->n_findings++ > 0)
			sa_buf_append_str(&st->findings, "; ");
		if (found) {
			sa_sq_bn_fingerprint(d, fp);
			sa_buf_appendf(
			    &st->findings,
			    "ECDSA nonce reuse on %s: %u distinct r in "
			    "%zu signatures; private key recovered "
			    "from two signatures (messages %zu and "
			    "%zu; d*G == Q; d %s)",
			    cv->name, n_distinct, n_sigs, pair_i, pair_j, fp);
		} else {
			sa_buf_appendf(
			    &st->findings,
			    "ECDSA nonce reuse on %s: %u distinct r in "
			    "%zu signatures (the key did not follow "
			    "from messages %zu and %zu)",
			    cv->name, n_distinct, n_sigs, pair_i, pair_j);
		}
	}
	/* Biased nonces leak the key through lattice attacks long before
	 * any r repeats (Breitner and Heninger, FC 2019); a zero top byte
	 * in r or s much more often than chance hints at it. A hint only:
	 * 64 signatures are far too few to attack or to prove it. */
	p_hz = sa_sq_high_zero_prob(order, olen);
	tail = sa_sq_binom_tail((unsigned)(2 * n_sigs), n_hz, p_hz);
	if (tail < SQ01_BIAS_P)
		sa_case_note(ctx,
		             "%s: %u of %zu r/s values start with a zero byte "
		             "(expected %.2f; chance probability %.1e): "
		             "biased-nonce hint",
		             cv->name, n_hz, 2 * n_sigs, p_hz * 2.0 * n_sigs,
		             tail);
out:
	BN_clear_free(d);
	for (i = 0; i < SQ01_N; i++) {
		BN_free(r[i]);
		BN_free(sv[i]);
		BN_free(z[i]);
	}
	sa_buf_free(&sig);
	EVP_PKEY_free(pk);
	EC_POINT_free(q);
	EC_GROUP_free(g);
	sa_p11_destroy(ctx, st->s, &priv);
	sa_p11_destroy(ctx, st->s, &pub);
}

void sa_sq01_nonce_reuse(sa_case_ctx *ctx)
{
	sq01_state st = {ctx, CK_INVALID_HANDLE, CKM_ECDSA,
	                 0,   SA_BUF_INIT,       SA_BUF_INIT};
	size_t i;

	if (!sa_case_has_mech(ctx, CKM_ECDSA)) {
		if (!sa_case_has_mech(ctx, CKM_ECDSA_SHA256)) {
			sa_case_skip(ctx, "token lists neither CKM_ECDSA nor "
			                  "CKM_ECDSA_SHA256");
			goto out;
		}
		st.mech = CKM_ECDSA_SHA256;
		sa_case_note(ctx,
		             "no CKM_ECDSA: signing with CKM_ECDSA_SHA256");
	}
	if (sa_sq_open(ctx, &st.s) < 0)
		goto out;
	for (i = 0; i < SA_COUNTOF(sq01_curves); i++)
		sq01_curve_run(&st, &sq01_curves[i]);
	if (st.n_findings > 0)
		sa_case_fail(ctx, "finding: %s", sa_buf_cstr(&st.findings));
out:
	if (st.ev.len > 0)
		(void)sa_case_evidence(ctx, "nonces.txt", st.ev.data,
		                       st.ev.len);
	sa_sq_close(ctx, &st.s);
	sa_buf_free(&st.findings);
	sa_buf_free(&st.ev);
}
