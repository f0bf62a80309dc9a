/* Quality of the keys and signatures a target produced (SIG-Q-*): private
 * to suites/signing.
 *
 * Two layers. The detectors (sig_quality_math.c) are pure OpenSSL BIGNUM /
 * EC_POINT arithmetic on public values, know nothing of PKCS#11 or cases,
 * and are unit-tested in tests/unit/check_sig_quality.c with keys built to
 * trip them. The PKCS#11 side (sig_quality_util.c) opens sessions, makes the
 * case's session keys and collects the RSA public keys a user can see; the
 * cases are in sig_quality_ecdsa.c (SIG-Q-01), sig_quality_rsa.c
 * (SIG-Q-02..05) and sig_quality_weak.c (SIG-Q-06), the table in
 * sig_quality.c.
 *
 * Secrets: a private key recovered by the nonce-reuse detector lives in a
 * BIGNUM freed with BN_clear_free and is shown only as a fingerprint. */
#ifndef SA_SUITE_SIGNING_SIG_QUALITY_H
#define SA_SUITE_SIGNING_SIG_QUALITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/bn.h>
#include <openssl/ec.h>

#include "sigaudit/buf.h"
#include "sigaudit/case.h"
#include "sigaudit/error.h"
#include "sigaudit/p11.h"

/* ====================================================================
 * Detectors (sig_quality_math.c): no PKCS#11, no verdicts
 * ==================================================================== */

/* ---- small factors ---- */

/** The primes below `limit` and their product (the primorial), for trial
 * division of many moduli by one gcd each. */
typedef struct sa_sq_smallp sa_sq_smallp;

/** Sieve the primes < limit (3 <= limit <= 2^24) and multiply them into
 * chunks of about 2048 bits. 0, SA_E_INVALID, SA_E_NOMEM or SA_E_OSSL. */
int sa_sq_smallp_new(sa_sq_smallp **out, unsigned long limit, sa_error *err);
void sa_sq_smallp_free(sa_sq_smallp *t);
/** Number of primes in the table. */
size_t sa_sq_smallp_count(const sa_sq_smallp *t);

/** Whether n (> 1) has a prime factor below the table's limit: the
 * primorial mod n (the chunks multiplied mod n) and one BN_gcd; on a hit
 * the smallest such prime is found by trial division into *factor. 0 with
 * *found set, or a negative code. */
int sa_sq_smallp_find(const sa_sq_smallp *t, const BIGNUM *n, bool *found,
                      unsigned long *factor, sa_error *err);

/* ---- shared factors (batch GCD) ---- */

/** For each n[i], g[i] = gcd(n[i], prod of the other n[j]): 1 when n[i]
 * shares no factor with the others. g[] (count entries) is filled with
 * new BIGNUMs the caller frees. The moduli must be distinct (equal moduli
 * give g = n). Pairwise (O(count^2) modular products) or with Bernstein's
 * product and remainder trees; the same results. */
int sa_sq_gcd_pairwise(BIGNUM *const *n, size_t count, BIGNUM **g,
                       sa_error *err);
int sa_sq_gcd_tree(BIGNUM *const *n, size_t count, BIGNUM **g, sa_error *err);
/** The tree above SA_SQ_GCD_TREE_MIN moduli, pairwise below. */
#define SA_SQ_GCD_TREE_MIN 50
int sa_sq_batch_gcd(BIGNUM *const *n, size_t count, BIGNUM **g, sa_error *err);

/* ---- ROCA fingerprint (CVE-2017-15361) ---- */

/** The fingerprint tables: for each prime of the published detector
 * (3..167) the residues of the subgroup <65537> mod p, computed at run
 * time. */
typedef struct sa_sq_roca sa_sq_roca;

int sa_sq_roca_new(sa_sq_roca **out, sa_error *err);
void sa_sq_roca_free(sa_sq_roca *t);
/** Number of primes tested. */
size_t sa_sq_roca_primes(const sa_sq_roca *t);
/** Whether n mod p lies in <65537> mod p for EVERY tested prime p (the
 * fingerprint of Infineon RSALib keys); false on any error. */
bool sa_sq_roca_match(const sa_sq_roca *t, const BIGNUM *n);
/** A prime of `bits` bits (>= 300) of the ROCA form k*M + (65537^a mod M),
 * M the product of the primes 2..167: the test vector of the detector.
 * Not for keys anyone uses. */
int sa_sq_roca_make_prime(BIGNUM *p, int bits, sa_error *err);

/* ---- ECDSA ---- */

/** The integer z of a message hash for a group of order `order`: the
 * leftmost min(bitlen(order), 8*len) bits (FIPS 186-5 §6.4.1; SEC 1 v2
 * §4.1.3 step 5). New BIGNUM in *out. */
int sa_sq_ecdsa_z(const unsigned char *hash, size_t len, const BIGNUM *order,
                  BIGNUM **out, sa_error *err);

/** Recover the private key from two signatures (r, s1) over z1 and
 * (r, s2) over z2 that share r: k = (z1 - z2)/(s1 - s2), d = (s1*k - z1)/r
 * mod n, also with -s2 (the nonce -k gives the same r); a candidate counts
 * only when d*G == Q. 0 with *found and *d_out (new, BN_clear_free) when
 * proven, 0 with *found false when no candidate gives Q (e.g. equal
 * messages), negative on error. */
int sa_sq_ecdsa_recover(const EC_GROUP *group, const EC_POINT *q,
                        const BIGNUM *r, const BIGNUM *s1, const BIGNUM *z1,
                        const BIGNUM *s2, const BIGNUM *z2, bool *found,
                        BIGNUM **d_out, sa_error *err);

/** The probability that a uniform integer in [1, order) is below
 * 2^(8*(olen-1)), i.e. that its olen-byte big-endian form starts with a
 * zero byte. */
double sa_sq_high_zero_prob(const BIGNUM *order, size_t olen);
/** P(X >= k) for X ~ Binomial(n, p). */
double sa_sq_binom_tail(unsigned n, unsigned k, double p);

/* ---- policy (TT 15/2025, ETSI TS 119 312) ---- */

#define SA_SQ_RSA_MIN_BITS 2048
#define SA_SQ_EC_MIN_BITS  256
/** The RSA public exponent rule: odd, 65537 <= e < 2^256. */
bool sa_sq_rsa_e_ok(const BIGNUM *e);

/** "sha256:" + the first 6 bytes of SHA-256 of the big-endian bytes of v,
 * for showing which modulus or factor without showing it; out needs
 * SA_SQ_FP_SIZE. */
#define SA_SQ_FP_SIZE 20
void sa_sq_bn_fingerprint(const BIGNUM *v, char *out);

/* ====================================================================
 * PKCS#11 side (sig_quality_util.c)
 * ==================================================================== */

/** Set-up: an RW session with the user logged in. ERROR verdict and a
 * negative code on failure (*out then CK_INVALID_HANDLE or the open
 * session: close it with sa_sq_close either way). */
int sa_sq_open(sa_case_ctx *ctx, CK_SESSION_HANDLE *out);
/** Destroy the token objects the fallback made (sa_sq_gen_pair), then
 * close *s. Session objects go with the session. */
void sa_sq_close(sa_case_ctx *ctx, CK_SESSION_HANDLE *s);

/** C_GenerateKeyPair of a signing pair: private key sensitive,
 * unextractable, CKA_SIGN; public CKA_VERIFY; session objects. mech
 * CKM_RSA_PKCS_KEY_PAIR_GEN (bits, e 65537), CKM_EC_KEY_PAIR_GEN
 * (ec_params, the DER OID) or CKM_DSA_KEY_PAIR_GEN (extra: CKA_PRIME,
 * CKA_SUBPRIME, CKA_BASE in the public template). A token that refuses
 * session keys (CKR_TEMPLATE_INCONSISTENT or CKR_ATTRIBUTE_VALUE_INVALID)
 * gets the same as token objects, destroyed by sa_sq_close. Returns the
 * CK_RV; records nothing. */
CK_RV sa_sq_gen_pair(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                     CK_MECHANISM_TYPE mech, CK_ULONG bits,
                     const CK_BYTE *ec_params, size_t ec_params_len,
                     const CK_ATTRIBUTE *extra, size_t n_extra,
                     CK_OBJECT_HANDLE *pub, CK_OBJECT_HANDLE *priv);

/** C_GetAttributeValue of a variable-length attribute into out (reset
 * first). Returns the CK_RV. */
CK_RV sa_sq_get_bytes(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h,
                      CK_ATTRIBUTE_TYPE type, sa_buf *out);
CK_RV sa_sq_get_ulong(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h,
                      CK_ATTRIBUTE_TYPE type, CK_ULONG *out);
/** Up to max handles of the objects matching t. */
CK_RV sa_sq_find(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_ATTRIBUTE *t,
                 CK_ULONG nt, CK_OBJECT_HANDLE *out, CK_ULONG max, CK_ULONG *n);
/** "'label'" (printable, quoted) or "(no label)" of h into out. */
void sa_sq_label(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h,
                 char *out, size_t size);

/** C_SignInit + C_Sign (size query, then the signature) into sig. */
CK_RV sa_sq_sign(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_MECHANISM *m,
                 CK_OBJECT_HANDLE key, const void *data, size_t len,
                 sa_buf *sig);

/* ---- RSA public keys seen ---- */

typedef struct sa_sq_rsakey {
	char what[112]; /* where it was seen: "token public key 'x'" */
	BIGNUM *n;
	BIGNUM *e;
	bool generated; /* made by this case */
} sa_sq_rsakey;

#define SA_SQ_RSA_MAX 512

typedef struct sa_sq_rsaset {
	sa_sq_rsakey keys[SA_SQ_RSA_MAX];
	size_t n;
	/* handles of the case's generated pairs, destroyed by
	 * sa_sq_rsaset_free */
	CK_OBJECT_HANDLE gen[2 * 8];
	size_t n_gen;
	unsigned n_token_objs; /* token objects read */
	unsigned n_unreadable; /* objects whose modulus could not be read */
	unsigned n_dup;        /* objects with a modulus already seen */
	unsigned n_gen_repeat; /* generated keys whose modulus was seen */
	char repeat_what[112]; /* the first such key */
	unsigned n_gen_failed; /* generations refused */
	CK_RV gen_rv;          /* the last refusal */
} sa_sq_rsaset;

/** Add (n, e) unless the modulus is already in the set (then *what is
 * appended to the first one's description). Takes ownership of n and e
 * (freed on every path). 0, SA_E_RANGE (set full), SA_E_NOMEM. */
int sa_sq_rsaset_add(sa_sq_rsaset *set, BIGNUM *n, BIGNUM *e, const char *what,
                     bool generated);

/** Collect every RSA public key the logged-in user can see: CKO_PUBLIC_KEY
 * and CKO_PRIVATE_KEY objects of CKK_RSA (CKA_MODULUS and
 * CKA_PUBLIC_EXPONENT), and X.509 certificates holding an RSA key (token
 * and session objects alike; the case's own keys are added by
 * sa_sq_rsaset_generate). Errors of single objects are counted, not
 * fatal. */
int sa_sq_rsaset_collect(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                         sa_sq_rsaset *set);

/** Generate `count` (<= 8) RSA pairs of `bits` bits with the case's
 * template and add their public keys (read from the public key object).
 * A refused generation is counted (n_gen_failed, gen_rv); a failed read
 * of a generated key is an error. */
int sa_sq_rsaset_generate(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                          sa_sq_rsaset *set, unsigned count, CK_ULONG bits);

/** Destroy the generated keys (s may be CK_INVALID_HANDLE: then the keys
 * go with the session) and free the BIGNUMs. */
void sa_sq_rsaset_free(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                       sa_sq_rsaset *set);

/* ---- the cases ---- */

void sa_sq01_nonce_reuse(sa_case_ctx *ctx);
void sa_sq02_small_factors(sa_case_ctx *ctx);
void sa_sq03_shared_factors(sa_case_ctx *ctx);
void sa_sq04_roca(sa_case_ctx *ctx);
void sa_sq05_policy_sizes(sa_case_ctx *ctx);
void sa_sq06_weak_algorithms(sa_case_ctx *ctx);

#endif
