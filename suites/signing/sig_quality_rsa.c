/* SIG-Q-02..05: the RSA (and EC) keys a user of the token can see, and
 * keys the token generates, checked for small factors, shared factors,
 * the ROCA fingerprint and the audit policy's sizes and exponent.
 * Descriptions and references: sig_quality.c.
 *
 * Each case collects the inventory itself (the runner forks per case) and
 * adds session keys it generates, so that it has something to examine on
 * an empty token and judges the token's key generation, not only the keys
 * someone provisioned. Moduli are shown as fingerprints: the values are
 * public, but results should not carry kilobytes of hex. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "sigaudit/guard.h"
#include "sigaudit/ossl.h"

#include "sig_quality.h"

/* Session RSA-2048 pairs each case generates. */
#define SQ_GEN_SMALL  3 /* SIG-Q-02, SIG-Q-04 */
#define SQ_GEN_SHARED 3 /* SIG-Q-03: at least three to compare */
#define SQ_GEN_POLICY 1 /* SIG-Q-05 */
#define SQ_GEN_BITS   2048

static double sq_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct sq_rsa {
	sa_case_ctx *ctx;
	CK_SESSION_HANDLE s;
	sa_sq_rsaset *set;
	sa_buf findings;
	unsigned n_findings;
	sa_buf ev;
} sq_rsa;

static void sq_finding(sq_rsa *st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void sq_finding(sq_rsa *st, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* the reason stays one readable line: the first few, then a count */
	if (st->n_findings < 4) {
		if (st->n_findings > 0)
			sa_buf_append_str(&st->findings, "; ");
		sa_buf_append_str(&st->findings, line);
	} else if (st->n_findings == 4) {
		sa_buf_append_str(&st->findings, "; more in the checks");
	}
	st->n_findings++;
}

/* Set-up common to the RSA cases: session, inventory, generated keys.
 * ERROR verdict and a negative code on failure; SKIP when need_rsa and
 * there is no RSA key to examine. */
static int sq_rsa_begin(sq_rsa *st, unsigned gen, bool need_rsa)
{
	sa_case_ctx *ctx = st->ctx;
	char fp[SA_SQ_FP_SIZE];
	double t0;
	size_t i;
	int rc;

	SA_TRY(sa_sq_open(ctx, &st->s));
	st->set = calloc(1, sizeof(*st->set));
	if (st->set == NULL) {
		rc = SA_E_NOMEM;
		sa_case_error(ctx, "internal: out of memory");
		goto out;
	}
	rc = sa_sq_rsaset_collect(ctx, st->s, st->set);
	if (rc < 0) {
		sa_case_error(ctx, "internal: collecting RSA keys: %s",
		              sa_error_code_str(rc));
		goto out;
	}
	if (sa_case_has_mech(ctx, CKM_RSA_PKCS_KEY_PAIR_GEN)) {
		t0 = sq_now();
		rc = sa_sq_rsaset_generate(ctx, st->s, st->set, gen,
		                           SQ_GEN_BITS);
		if (rc < 0) {
			sa_case_error(ctx,
			              "set-up: the modulus of a generated RSA "
			              "key cannot be read");
			goto out;
		}
		sa_case_note(ctx, "%u RSA-%d pair(s) generated in %.2f s",
		             gen - st->set->n_gen_failed, SQ_GEN_BITS,
		             sq_now() - t0);
		if (st->set->n_gen_failed > 0)
			sa_case_note(ctx, "%u RSA-%d generation(s) refused: %s",
			             st->set->n_gen_failed, SQ_GEN_BITS,
			             sa_p11_rv_name(st->set->gen_rv));
	} else {
		sa_case_note(ctx, "the token does not list "
		                  "CKM_RSA_PKCS_KEY_PAIR_GEN: token keys only");
	}
	sa_case_note(ctx,
	             "%zu distinct RSA modulus/moduli: %u token object(s) "
	             "read (%u unreadable, %u repeating a modulus)",
	             st->set->n, st->set->n_token_objs, st->set->n_unreadable,
	             st->set->n_dup);
	for (i = 0; i < st->set->n; i++) {
		sa_sq_bn_fingerprint(st->set->keys[i].n, fp);
		sa_buf_appendf(&st->ev, "%s: %d bits, n %s\n",
		               st->set->keys[i].what,
		               BN_num_bits(st->set->keys[i].n), fp);
	}
	if (st->set->n == 0 && need_rsa) {
		rc = SA_E_NOTFOUND;
		sa_case_skip(ctx, "no RSA public key is visible and the token "
		                  "generates none");
		goto out;
	}
	rc = SA_OK;
out:
	return rc;
}

static void sq_rsa_end(sq_rsa *st, const char *evidence)
{
	if (st->n_findings > 0)
		sa_case_fail(st->ctx, "finding: %s",
		             sa_buf_cstr(&st->findings));
	if (st->ev.len > 0)
		(void)sa_case_evidence(st->ctx, evidence, st->ev.data,
		                       st->ev.len);
	sa_sq_rsaset_free(st->ctx, st->s, st->set);
	free(st->set);
	st->set = NULL;
	sa_sq_close(st->ctx, &st->s);
	sa_buf_free(&st->findings);
	sa_buf_free(&st->ev);
}

#define SQ_RSA_INIT(c)                                                         \
	{                                                                      \
		(c), CK_INVALID_HANDLE, NULL, SA_BUF_INIT, 0, SA_BUF_INIT      \
	}

/* ====================================================================
 * SIG-Q-02: small factors
 * ==================================================================== */

#define SQ02_LIMIT (1UL << 20)

/* Whether n / f is prime: then the small factor gives the whole key
 * away (n = f * prime), the classic broken-generation case. */
static int sq02_cofactor_prime(const BIGNUM *n, unsigned long f, bool *prime)
{
	BN_CTX *bc = BN_CTX_new();
	BIGNUM *c = BN_dup(n);
	int rc = SA_E_OSSL, r;

	*prime = false;
	if (bc == NULL || c == NULL || BN_div_word(c, f) == (BN_ULONG)-1)
		goto out;
	r = BN_check_prime(c, bc, NULL);
	if (r < 0)
		goto out;
	*prime = r == 1;
	rc = SA_OK;
out:
	BN_free(c);
	BN_CTX_free(bc);
	return rc;
}

void sa_sq02_small_factors(sa_case_ctx *ctx)
{
	sq_rsa st = SQ_RSA_INIT(ctx);
	sa_sq_smallp *sp = NULL;
	sa_error *err = sa_case_err(ctx);
	char fp[SA_SQ_FP_SIZE], obs[128];
	unsigned long f;
	unsigned hits = 0;
	bool found, full;
	double t0;
	size_t i;

	if (sq_rsa_begin(&st, SQ_GEN_SMALL, true) < 0)
		goto out;
	t0 = sq_now();
	if (sa_sq_smallp_new(&sp, SQ02_LIMIT, err) < 0) {
		sa_case_error(ctx, "internal: primorial: %s", err->msg);
		goto out;
	}
	for (i = 0; i < st.set->n; i++) {
		const sa_sq_rsakey *k = &st.set->keys[i];

		if (sa_sq_smallp_find(sp, k->n, &found, &f, err) < 0) {
			sa_case_error(ctx, "internal: trial division: %s",
			              err->msg);
			goto out;
		}
		sa_sq_bn_fingerprint(k->n, fp);
		full = false;
		if (found && sq02_cofactor_prime(k->n, f, &full) < 0) {
			sa_case_error(ctx, "internal: cofactor test failed");
			goto out;
		}
		if (found)
			snprintf(obs, sizeof(obs),
			         "RSA-%d modulus %s has the factor %lu%s",
			         BN_num_bits(k->n), fp, f,
			         full ? " and a prime cofactor" : "");
		else
			snprintf(obs, sizeof(obs), "RSA-%d modulus %s: none",
			         BN_num_bits(k->n), fp);
		sa_case_check(ctx, !found, k->what,
		              "no prime factor below 2^20", obs);
		if (found) {
			hits++;
			sq_finding(&st,
			           "%s (RSA-%d, n %s) has the prime factor "
			           "%lu%s",
			           k->what, BN_num_bits(k->n), fp, f,
			           full ? " and a prime cofactor: factored"
			                : "");
		}
	}
	sa_case_note(ctx,
	             "%zu modulus/moduli divided by the %zu primes below "
	             "2^20 in %.2f s (the primorial mod n and one gcd "
	             "each)",
	             st.set->n, sa_sq_smallp_count(sp), sq_now() - t0);
	if (hits > 0) {
		/* the reason starts with the count, the keys follow */
		sa_buf msg = SA_BUF_INIT;

		sa_buf_appendf(&msg,
		               "%u of %zu RSA moduli have a prime factor below "
		               "2^20 (not products of two large primes: the "
		               "key generation is broken): %s",
		               hits, st.set->n, sa_buf_cstr(&st.findings));
		sa_buf_reset(&st.findings);
		sa_buf_append_str(&st.findings, sa_buf_cstr(&msg));
		sa_buf_free(&msg);
	}
out:
	sa_sq_smallp_free(sp);
	sq_rsa_end(&st, "moduli.txt");
}

/* ====================================================================
 * SIG-Q-03: shared factors
 * ==================================================================== */

void sa_sq03_shared_factors(sa_case_ctx *ctx)
{
	sq_rsa st = SQ_RSA_INIT(ctx);
	sa_error *err = sa_case_err(ctx);
	BIGNUM **n = NULL, **g = NULL, *pg = NULL;
	BN_CTX *bc = NULL;
	char fp[SA_SQ_FP_SIZE];
	size_t i, j, count = 0;
	unsigned flagged = 0;
	double t0;

	if (sq_rsa_begin(&st, SQ_GEN_SHARED, true) < 0)
		goto out;
	count = st.set->n;
	/* a generation that hands back a modulus already seen is the worst
	 * case of a shared factor: the same key twice */
	sa_case_checkf(
	    ctx, st.set->n_gen_repeat == 0, "generated keys are new",
	    "no generated modulus equals one seen before",
	    "%u generated key(s) repeat a modulus%s%s", st.set->n_gen_repeat,
	    st.set->n_gen_repeat > 0 ? ": " : "", st.set->repeat_what);
	if (st.set->n_gen_repeat > 0)
		sq_finding(&st,
		           "%u generated key(s) repeat a modulus already "
		           "seen (%s)",
		           st.set->n_gen_repeat, st.set->repeat_what);
	if (count < 2) {
		if (st.n_findings == 0)
			sa_case_skip(ctx,
			             "only %zu distinct RSA modulus: nothing "
			             "to compare",
			             count);
		goto out;
	}
	n = calloc(count, sizeof(*n));
	g = calloc(count, sizeof(*g));
	bc = BN_CTX_new();
	pg = BN_new();
	if (n == NULL || g == NULL || bc == NULL || pg == NULL) {
		sa_case_error(ctx, "internal: out of memory");
		goto out;
	}
	for (i = 0; i < count; i++)
		n[i] = st.set->keys[i].n;
	t0 = sq_now();
	if (sa_sq_batch_gcd(n, count, g, err) < 0) {
		sa_case_error(ctx, "internal: batch gcd: %s", err->msg);
		goto out;
	}
	sa_case_note(ctx, "batch gcd of %zu moduli (%s) in %.3f s", count,
	             count > SA_SQ_GCD_TREE_MIN ? "product/remainder trees"
	                                        : "pairwise",
	             sq_now() - t0);
	for (i = 0; i < count; i++) {
		flagged += !BN_is_one(g[i]);
		sa_case_checkf(ctx, BN_is_one(g[i]), st.set->keys[i].what,
		               "no prime factor shared with another key", "%s",
		               BN_is_one(g[i]) ? "none shared"
		               : BN_cmp(g[i], n[i]) == 0
		                   ? "every factor shared: factored"
		                   : "a factor shared: factored");
	}
	/* name the pairs (only among the flagged keys: few) */
	for (i = 0; i < count; i++) {
		if (BN_is_one(g[i]))
			continue;
		for (j = i + 1; j < count; j++) {
			if (BN_is_one(g[j]))
				continue;
			if (BN_gcd(pg, n[i], n[j], bc) != 1) {
				sa_case_error(ctx, "internal: BN_gcd");
				goto out;
			}
			if (BN_is_one(pg))
				continue;
			sa_sq_bn_fingerprint(pg, fp);
			sq_finding(&st,
			           "%s and %s share the prime factor %s: both "
			           "are factored",
			           st.set->keys[i].what, st.set->keys[j].what,
			           BN_cmp(pg, n[i]) == 0 ? "(the whole modulus)"
			                                 : fp);
		}
	}
	if (flagged > 0)
		sa_buf_appendf(&st.ev, "%u of %zu moduli share factors\n",
		               flagged, count);
out:
	for (i = 0; g != NULL && i < count; i++)
		BN_free(g[i]);
	free(g);
	free(n);
	BN_free(pg);
	BN_CTX_free(bc);
	sq_rsa_end(&st, "moduli.txt");
}

/* ====================================================================
 * SIG-Q-04: ROCA
 * ==================================================================== */

void sa_sq04_roca(sa_case_ctx *ctx)
{
	sq_rsa st = SQ_RSA_INIT(ctx);
	sa_error *err = sa_case_err(ctx);
	sa_sq_roca *t = NULL;
	char fp[SA_SQ_FP_SIZE];
	bool hit;
	size_t i;

	if (sq_rsa_begin(&st, SQ_GEN_SMALL, true) < 0)
		goto out;
	if (sa_sq_roca_new(&t, err) < 0) {
		sa_case_error(ctx, "internal: ROCA tables: %s", err->msg);
		goto out;
	}
	for (i = 0; i < st.set->n; i++) {
		const sa_sq_rsakey *k = &st.set->keys[i];

		hit = sa_sq_roca_match(t, k->n);
		sa_sq_bn_fingerprint(k->n, fp);
		sa_case_checkf(ctx, !hit, k->what,
		               "n mod p outside <65537> for some fingerprint "
		               "prime p",
		               "RSA-%d modulus %s: %s", BN_num_bits(k->n), fp,
		               hit ? "ROCA fingerprint" : "no fingerprint");
		if (hit)
			sq_finding(&st,
			           "%s (RSA-%d, n %s) has the ROCA fingerprint "
			           "(CVE-2017-15361: an RSALib-style key, "
			           "factorable by Coppersmith's method)",
			           k->what, BN_num_bits(k->n), fp);
	}
	sa_case_note(ctx,
	             "%zu modulus/moduli tested against <65537> mod each of "
	             "the %zu primes 3..167",
	             st.set->n, sa_sq_roca_primes(t));
out:
	sa_sq_roca_free(t);
	sq_rsa_end(&st, "moduli.txt");
}

/* ====================================================================
 * SIG-Q-05: sizes and exponent against the policy
 * ==================================================================== */

static bool sq05_weak_md(int nid)
{
	return nid == NID_sha1 || nid == NID_md5 || nid == NID_md4 ||
	       nid == NID_md2 || nid == NID_ripemd160 || nid == NID_md5_sha1;
}

/* EC and Edwards key objects of class cls: the curve's size. */
static void sq05_ec_objects(sq_rsa *st, CK_OBJECT_CLASS cls, CK_KEY_TYPE kt,
                            unsigned *n_keys)
{
	sa_case_ctx *ctx = st->ctx;
	CK_OBJECT_HANDLE h[128];
	CK_ATTRIBUTE t[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	};
	sa_buf params = SA_BUF_INIT;
	const sa_p11_ossl_curve *c;
	char label[64], what[112];
	CK_ULONG n = 0, i;
	bool ok;

	if (sa_sq_find(ctx, st->s, t, SA_COUNTOF(t), h, SA_COUNTOF(h), &n) !=
	    CKR_OK)
		goto out;
	for (i = 0; i < n; i++) {
		sa_sq_label(ctx, st->s, h[i], label, sizeof(label));
		snprintf(what, sizeof(what), "%s %s key %s",
		         cls == CKO_PUBLIC_KEY ? "public" : "private",
		         kt == CKK_EC ? "EC" : "EdDSA", label);
		if (sa_sq_get_bytes(ctx, st->s, h[i], CKA_EC_PARAMS, &params) !=
		    CKR_OK) {
			sa_case_note(ctx, "%s: CKA_EC_PARAMS not readable",
			             what);
			continue;
		}
		c = sa_p11_ossl_curve_from_params(params.data, params.len);
		if (c == NULL) {
			sa_case_note(
			    ctx, "%s: curve not recognised, not judged", what);
			continue;
		}
		(*n_keys)++;
		ok = c->bits >= SA_SQ_EC_MIN_BITS;
		sa_case_checkf(ctx, ok, what, ">= 256-bit curve",
		               "%s (%u bits)", c->name, c->bits);
		if (!ok)
			sq_finding(st, "%s is on %s (%u bits < %d)", what,
			           c->name, c->bits, SA_SQ_EC_MIN_BITS);
	}
out:
	sa_buf_free(&params);
}

/* Certificates on the token: the hash of their signature. The token's
 * certificates are what relying parties build chains from; a self-signed
 * root's own signature is never verified and is not judged. */
static void sq05_certs(sq_rsa *st, unsigned *n_certs)
{
	sa_case_ctx *ctx = st->ctx;
	CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
	CK_CERTIFICATE_TYPE ct = CKC_X_509;
	CK_ATTRIBUTE t[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_CERTIFICATE_TYPE, &ct, sizeof(ct)},
	};
	CK_OBJECT_HANDLE h[128];
	sa_buf der = SA_BUF_INIT;
	X509 *x = NULL;
	EVP_PKEY *pk;
	const unsigned char *p;
	char label[64], what[112];
	int mdnid = NID_undef, pknid = NID_undef, secbits = 0;
	uint32_t flags = 0;
	CK_ULONG n = 0, i;
	bool ok;

	if (sa_sq_find(ctx, st->s, t, SA_COUNTOF(t), h, SA_COUNTOF(h), &n) !=
	    CKR_OK)
		goto out;
	for (i = 0; i < n; i++) {
		X509_free(x);
		x = NULL;
		if (sa_sq_get_bytes(ctx, st->s, h[i], CKA_VALUE, &der) !=
		        CKR_OK ||
		    der.len == 0 || der.len > 1000000)
			continue;
		p = der.data;
		x = d2i_X509(NULL, &p, (long)der.len);
		if (x == NULL)
			continue;
		(*n_certs)++;
		sa_sq_label(ctx, st->s, h[i], label, sizeof(label));
		snprintf(what, sizeof(what), "certificate %s", label);
		pk = X509_get0_pubkey(x);
		if (pk != NULL && EVP_PKEY_is_a(pk, "EC")) {
			ok = EVP_PKEY_get_bits(pk) >= SA_SQ_EC_MIN_BITS;
			sa_case_checkf(ctx, ok, what, ">= 256-bit EC key",
			               "EC key of %d bits",
			               EVP_PKEY_get_bits(pk));
			if (!ok)
				sq_finding(st, "%s holds an EC key of %d bits",
				           what, EVP_PKEY_get_bits(pk));
		}
		if (X509_check_issued(x, x) == X509_V_OK)
			continue;
		if (X509_get_signature_info(x, &mdnid, &pknid, &secbits,
		                            &flags) != 1)
			continue;
		ok = !sq05_weak_md(mdnid);
		sa_case_checkf(ctx, ok, what, "signed with SHA-2",
		               "signed with %s",
		               mdnid == NID_undef ? "(no separate digest)"
		                                  : OBJ_nid2sn(mdnid));
		if (!ok)
			sq_finding(st, "%s is signed with %s", what,
			           OBJ_nid2sn(mdnid));
	}
out:
	ERR_clear_error();
	X509_free(x);
	sa_buf_free(&der);
}

/* The generated EC P-256 pair names the curve asked for. Whether a pair
 * was judged. */
static bool sq05_gen_ec(sq_rsa *st)
{
	sa_case_ctx *ctx = st->ctx;
	const sa_p11_ossl_curve *p256 = sa_p11_ossl_curve_by_name("P-256"), *c;
	CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE, priv = CK_INVALID_HANDLE;
	sa_buf params = SA_BUF_INIT;
	EVP_PKEY *pk = NULL;
	CK_RV rv;
	bool ok = false, judged = false;

	if (p256 == NULL || !sa_case_has_mech(ctx, CKM_EC_KEY_PAIR_GEN))
		goto out;
	rv = sa_sq_gen_pair(ctx, st->s, CKM_EC_KEY_PAIR_GEN, 0, p256->oid,
	                    p256->oid_len, NULL, 0, &pub, &priv);
	if (rv != CKR_OK) {
		sa_case_note(ctx,
		             "EC P-256 generation refused (%s): not "
		             "judged",
		             sa_p11_rv_name(rv));
		goto out;
	}
	rv = sa_sq_get_bytes(ctx, st->s, pub, CKA_EC_PARAMS, &params);
	c = rv == CKR_OK
	        ? sa_p11_ossl_curve_from_params(params.data, params.len)
	        : NULL;
	ok = c == p256 &&
	     sa_p11_ossl_pubkey_from_token(ctx, st->s, pub, &pk) == 0 &&
	     EVP_PKEY_get_bits(pk) == 256;
	judged = true;
	sa_case_checkf(ctx, ok, "EC key generated for P-256",
	               "a P-256 key (256 bits)", "%s, point %s",
	               c == NULL ? "curve not recognised" : c->name,
	               pk == NULL ? "not decoded" : "decoded");
	if (!ok)
		sq_finding(st, "asked for a P-256 key, the token made %s",
		           c == NULL ? "a key on an unrecognised curve"
		                     : c->name);
out:
	EVP_PKEY_free(pk);
	sa_buf_free(&params);
	sa_p11_destroy(ctx, st->s, &priv);
	sa_p11_destroy(ctx, st->s, &pub);
	return judged;
}

void sa_sq05_policy_sizes(sa_case_ctx *ctx)
{
	sq_rsa st = SQ_RSA_INIT(ctx);
	unsigned n_ec = 0, n_certs = 0;
	char fp[SA_SQ_FP_SIZE], ehex[80];
	char *e_str;
	bool size_ok, e_ok, asked_ok, gen_ec;
	size_t i;
	int bits;

	/* EC keys and certificates are judged even without any RSA key */
	if (sq_rsa_begin(&st, SQ_GEN_POLICY, false) < 0)
		goto out;
	for (i = 0; i < st.set->n; i++) {
		const sa_sq_rsakey *k = &st.set->keys[i];

		bits = BN_num_bits(k->n);
		size_ok = bits >= SA_SQ_RSA_MIN_BITS;
		e_ok = sa_sq_rsa_e_ok(k->e);
		/* what the token was asked for: exactly 2048 bits, e 65537 */
		asked_ok = !k->generated ||
		           (bits == SQ_GEN_BITS && BN_is_word(k->e, 65537));
		e_str = BN_num_bits(k->e) <= 64 ? BN_bn2dec(k->e) : NULL;
		snprintf(ehex, sizeof(ehex), "%s",
		         e_str != NULL ? e_str : "(over 64 bits)");
		OPENSSL_free(e_str);
		sa_sq_bn_fingerprint(k->n, fp);
		sa_case_checkf(ctx, size_ok && e_ok && asked_ok, k->what,
		               k->generated ? "RSA-2048 with e = 65537 as asked"
		                            : "RSA >= 2048 bits, odd e with "
		                              "65537 <= e < 2^256",
		               "RSA-%d (n %s), e = %s", bits, fp, ehex);
		if (!size_ok)
			sq_finding(&st, "%s is RSA-%d (< %d)", k->what, bits,
			           SA_SQ_RSA_MIN_BITS);
		if (!e_ok)
			sq_finding(&st,
			           "%s has e = %s (policy: odd, 65537 <= "
			           "e < 2^256)",
			           k->what, ehex);
		if (size_ok && e_ok && !asked_ok)
			sq_finding(&st,
			           "%s: asked for RSA-2048 with e = 65537, the "
			           "token made RSA-%d with e = %s",
			           k->what, bits, ehex);
	}
	sq05_ec_objects(&st, CKO_PUBLIC_KEY, CKK_EC, &n_ec);
	sq05_ec_objects(&st, CKO_PRIVATE_KEY, CKK_EC, &n_ec);
	sq05_ec_objects(&st, CKO_PUBLIC_KEY, CKK_EC_EDWARDS, &n_ec);
	sq05_ec_objects(&st, CKO_PRIVATE_KEY, CKK_EC_EDWARDS, &n_ec);
	sq05_certs(&st, &n_certs);
	gen_ec = sq05_gen_ec(&st);
	if (st.set->n == 0 && n_ec == 0 && n_certs == 0 && !gen_ec) {
		sa_case_skip(ctx, "no key visible and none generated: nothing "
		                  "to judge");
		goto out;
	}
	sa_case_note(ctx,
	             "judged: %zu RSA modulus/moduli, %u EC/EdDSA key "
	             "object(s), %u certificate(s), and the generated pairs",
	             st.set->n, n_ec, n_certs);
	if (st.n_findings > 0) {
		sa_buf msg = SA_BUF_INIT;

		sa_buf_appendf(&msg, "%u key(s) outside the policy: %s",
		               st.n_findings, sa_buf_cstr(&st.findings));
		sa_buf_reset(&st.findings);
		sa_buf_append_str(&st.findings, sa_buf_cstr(&msg));
		sa_buf_free(&msg);
	}
out:
	sq_rsa_end(&st, "keys.txt");
}
