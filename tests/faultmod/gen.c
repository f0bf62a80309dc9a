/* sa_faultmod: the key-generation faults of issue 4 (README.md, "Key
 * generation faults in detail"): rsa-keygen-shared-prime, rsa-keygen-roca,
 * rsa-keygen-small-factor, rsa-keygen-e3 and the generation half of
 * ecdsa-nonce-reuse.
 *
 * A weak RSA key cannot be asked of the target, so the module makes it with
 * OpenSSL's BN and stores both halves with the target's C_CreateObject,
 * using the caller's templates; what only a generation can say (CKA_LOCAL,
 * CKA_KEY_GEN_MECHANISM, CKA_ALWAYS_SENSITIVE, CKA_NEVER_EXTRACTABLE) is
 * then reported through keys.c's fake answers, as a real generation would
 * set it (B2.40 §4.7.2, §4.9). The objects are the target's: the caller
 * destroys them with C_DestroyObject as usual.
 *
 * This layer sits between keys.c (whose template faults apply first, and
 * whose keygen-* lies apply after) and logout.c. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>

#include "faultmod.h"

#define RSA_FAULTS                                                             \
	(SA_FM_BIT(RSA_KEYGEN_SHARED_PRIME) | SA_FM_BIT(RSA_KEYGEN_ROCA) |     \
	 SA_FM_BIT(RSA_KEYGEN_SMALL_FACTOR) | SA_FM_BIT(RSA_KEYGEN_E3))
/* Templates longer than this are forwarded untouched. */
#define MAX_TEMPLATE 1024
/* The sizes SoftHSM2 2.6.1 advertises for CKM_RSA_PKCS_KEY_PAIR_GEN. */
#define MIN_BITS 512
#define MAX_BITS 16384
/* rsa-keygen-shared-prime: distinct key sizes remembered. */
#define MAX_SHARED 16
/* The default public exponent (F4) and the ROCA generator. */
#define F4 65537UL
/* rsa-keygen-small-factor: the small prime is below 2^20. */
#define SMALL_BITS 20

/* SoftHSM2 2.6.1's defaults for a private key whose template does not say
 * (B2.40 §4.9 leaves them to the token). */
#define DEFAULT_SENSITIVE   CK_FALSE
#define DEFAULT_EXTRACTABLE CK_FALSE

/* rsa-keygen-shared-prime: one p per modulus size for the whole process. */
static struct {
	CK_ULONG bits[MAX_SHARED];
	BIGNUM *p[MAX_SHARED];
	size_t n;
} shared;
static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;

/* The components of an RSA private key (PKCS #1 §3.2, first form and CRT). */
struct rsa {
	BIGNUM *n, *e, *d, *p, *q, *dp, *dq, *qinv;
};

static void rsa_free(struct rsa *k)
{
	BN_free(k->n);
	BN_free(k->e);
	BN_clear_free(k->d);
	BN_clear_free(k->p);
	BN_clear_free(k->q);
	BN_clear_free(k->dp);
	BN_clear_free(k->dq);
	BN_clear_free(k->qinv);
	memset(k, 0, sizeof(*k));
}

static bool rsa_alloc(struct rsa *k)
{
	k->n = BN_new();
	k->e = BN_new();
	k->d = BN_secure_new();
	k->p = BN_secure_new();
	k->q = BN_secure_new();
	k->dp = BN_secure_new();
	k->dq = BN_secure_new();
	k->qinv = BN_secure_new();
	return k->n != NULL && k->e != NULL && k->d != NULL && k->p != NULL &&
	       k->q != NULL && k->dp != NULL && k->dq != NULL &&
	       k->qinv != NULL;
}

/* gcd(x - 1, e) == 1: e is invertible modulo x - 1. */
static bool coprime_minus_one(const BIGNUM *x, const BIGNUM *e, BN_CTX *ctx)
{
	BIGNUM *t, *g;
	bool ok = false;

	BN_CTX_start(ctx);
	t = BN_CTX_get(ctx);
	g = BN_CTX_get(ctx);
	if (g == NULL || BN_copy(t, x) == NULL || BN_sub_word(t, 1) != 1 ||
	    BN_gcd(g, t, e, ctx) != 1)
		goto out;
	ok = BN_is_one(g);
out:
	BN_CTX_end(ctx);
	return ok;
}

/* An ordinary random prime of exactly `bits` bits with its top two bits set
 * (so that products have the full length), e-coprime. */
static bool plain_prime(BIGNUM *p, int bits, const BIGNUM *e, BN_CTX *ctx)
{
	bool ok = false;

	for (int tries = 0; tries < 1000 && !ok; tries++) {
		if (BN_generate_prime_ex2(p, bits, 0, NULL, NULL, NULL, ctx) !=
		    1)
			break;
		ok = coprime_minus_one(p, e, ctx);
	}
	return ok;
}

/* How many of the first primes make the ROCA modulus M for a key of `bits`
 * bits: the values of the vulnerable Infineon library (Nemec et al., "The
 * Return of Coppersmith's Attack", CCS 2017, Table 1). */
static int roca_prime_count(CK_ULONG bits)
{
	int count = 225;

	if (bits <= 960)
		count = 39;
	else if (bits <= 1952)
		count = 71;
	else if (bits <= 3936)
		count = 126;
	return count;
}

/* M = the product of the first `count` primes, fewer if M would leave less
 * than 16 bits for k in a prime of `bits` bits. */
static bool roca_modulus(BIGNUM *M, int count, int bits, BN_CTX *ctx)
{
	BIGNUM *next;
	int found = 0;
	bool ok = false;

	BN_CTX_start(ctx);
	next = BN_CTX_get(ctx);
	if (next == NULL || BN_one(M) != 1)
		goto out;
	for (BN_ULONG c = 2; found < count; c++) {
		bool prime = true;

		for (BN_ULONG f = 2; f * f <= c && prime; f++)
			prime = c % f != 0;
		if (!prime)
			continue;
		if (BN_copy(next, M) == NULL || BN_mul_word(next, c) != 1)
			goto out;
		if (BN_num_bits(next) > bits - 16)
			break;
		if (BN_copy(M, next) == NULL)
			goto out;
		found++;
	}
	ok = found > 0;
out:
	BN_CTX_end(ctx);
	return ok;
}

/* A prime of the ROCA form p = k·M + (65537^a mod M) with exactly `bits`
 * bits and its top two bits set: p mod every prime dividing M lies in the
 * subgroup generated by 65537, which is the fingerprint (CVE-2017-15361). */
static bool roca_prime(BIGNUM *p, int bits, CK_ULONG key_bits, const BIGNUM *e,
                       BN_CTX *ctx)
{
	BIGNUM *M, *g, *a, *r, *lo, *hi, *kmin, *span, *k, *rem;
	bool ok = false;

	BN_CTX_start(ctx);
	M = BN_CTX_get(ctx);
	g = BN_CTX_get(ctx);
	a = BN_CTX_get(ctx);
	r = BN_CTX_get(ctx);
	lo = BN_CTX_get(ctx);
	hi = BN_CTX_get(ctx);
	kmin = BN_CTX_get(ctx);
	span = BN_CTX_get(ctx);
	k = BN_CTX_get(ctx);
	rem = BN_CTX_get(ctx);
	if (rem == NULL ||
	    !roca_modulus(M, roca_prime_count(key_bits), bits, ctx) ||
	    BN_set_word(g, F4) != 1)
		goto out;
	/* lo = 3·2^(bits-2) (top two bits set), hi = 2^bits. */
	if (BN_set_word(lo, 3) != 1 || BN_lshift(lo, lo, bits - 2) != 1 ||
	    BN_one(hi) != 1 || BN_lshift(hi, hi, bits) != 1)
		goto out;
	for (int tries = 0; tries < 100000 && !ok; tries++) {
		/* A fresh exponent now and then; k varies every time. */
		if (tries % 64 == 0) {
			if (BN_rand(a, 64, BN_RAND_TOP_ANY,
			            BN_RAND_BOTTOM_ANY) != 1 ||
			    BN_mod_exp(r, g, a, M, ctx) != 1)
				goto out;
			/* kmin = ceil((lo - r) / M), span = (hi - r) / M -
			 * kmin */
			if (BN_sub(kmin, lo, r) != 1 ||
			    BN_add(kmin, kmin, M) != 1 ||
			    BN_sub_word(kmin, 1) != 1 ||
			    BN_div(kmin, NULL, kmin, M, ctx) != 1 ||
			    BN_sub(span, hi, r) != 1 ||
			    BN_div(span, NULL, span, M, ctx) != 1 ||
			    BN_sub(span, span, kmin) != 1)
				goto out;
			if (BN_is_negative(span) || BN_is_zero(span))
				goto out;
		}
		if (BN_rand_range(k, span) != 1 || BN_add(k, k, kmin) != 1 ||
		    BN_mul(p, k, M, ctx) != 1 || BN_add(p, p, r) != 1)
			goto out;
		if (BN_num_bits(p) != bits || BN_cmp(p, lo) < 0 ||
		    !coprime_minus_one(p, e, ctx))
			continue;
		ok = BN_check_prime(p, ctx, NULL) == 1;
	}
out:
	BN_CTX_end(ctx);
	return ok;
}

/* One prime factor as the faults ask: ROCA form or plain. */
static bool make_prime(BIGNUM *p, int bits, CK_ULONG key_bits, const BIGNUM *e,
                       BN_CTX *ctx)
{
	return sa_fm_on(SA_FM_NAMED_RSA_KEYGEN_ROCA)
	           ? roca_prime(p, bits, key_bits, e, ctx)
	           : plain_prime(p, bits, e, ctx);
}

/* rsa-keygen-shared-prime: the process's p for this size, made on first
 * use and kept coprime to both 3 and 65537 so that it serves rsa-keygen-e3
 * too. */
static bool shared_prime(BIGNUM *p, int bits, CK_ULONG key_bits,
                         const BIGNUM *e, BN_CTX *ctx)
{
	BIGNUM *both = NULL;
	bool ok = false;
	size_t i;

	pthread_mutex_lock(&shared_lock);
	for (i = 0; i < shared.n && shared.bits[i] != key_bits; i++)
		;
	if (i == shared.n) {
		both = BN_new();
		if (i == MAX_SHARED || both == NULL ||
		    BN_set_word(both, 3 * F4) != 1)
			goto out;
		shared.p[i] = BN_secure_new();
		if (shared.p[i] == NULL ||
		    !make_prime(shared.p[i], bits, key_bits, both, ctx)) {
			BN_clear_free(shared.p[i]);
			shared.p[i] = NULL;
			goto out;
		}
		shared.bits[i] = key_bits;
		shared.n++;
	}
	if (!coprime_minus_one(shared.p[i], e, ctx))
		goto out;
	ok = BN_copy(p, shared.p[i]) != NULL;
out:
	pthread_mutex_unlock(&shared_lock);
	BN_free(both);
	if (!ok)
		fprintf(stderr, "sa_faultmod: rsa-keygen-shared-prime: no "
		                "shared prime for this key; a fresh one is "
		                "used\n");
	return ok;
}

/* rsa-keygen-small-factor: q = s·Q with s a prime below 2^20 and Q a large
 * prime, so q has q_bits bits; *phi_q receives (s - 1)(Q - 1), the order
 * that makes the CRT exponent dq work (Euler) although q is not prime. */
static bool small_factor_q(BIGNUM *q, BIGNUM *phi_q, int q_bits,
                           const BIGNUM *e, BN_CTX *ctx)
{
	BIGNUM *s, *Q, *t;
	bool ok = false;

	BN_CTX_start(ctx);
	s = BN_CTX_get(ctx);
	Q = BN_CTX_get(ctx);
	t = BN_CTX_get(ctx);
	if (t == NULL || !plain_prime(s, SMALL_BITS, e, ctx) ||
	    !plain_prime(Q, q_bits - SMALL_BITS, e, ctx) ||
	    BN_mul(q, s, Q, ctx) != 1)
		goto out;
	if (BN_sub_word(s, 1) != 1 || BN_copy(t, Q) == NULL ||
	    BN_sub_word(t, 1) != 1 || BN_mul(phi_q, s, t, ctx) != 1)
		goto out;
	ok = BN_num_bits(q) == q_bits;
out:
	BN_CTX_end(ctx);
	return ok;
}

/* d = e^-1 mod lcm(p - 1, phi(q)), dp = d mod (p - 1), dq = d mod phi(q),
 * qinv = q^-1 mod p (PKCS #1 §3.2). false when e is not invertible. */
static bool rsa_complete(struct rsa *k, const BIGNUM *phi_q, BN_CTX *ctx)
{
	BIGNUM *pm1, *g, *lambda;
	bool ok = false;

	BN_CTX_start(ctx);
	pm1 = BN_CTX_get(ctx);
	g = BN_CTX_get(ctx);
	lambda = BN_CTX_get(ctx);
	if (lambda == NULL || BN_mul(k->n, k->p, k->q, ctx) != 1 ||
	    BN_copy(pm1, k->p) == NULL || BN_sub_word(pm1, 1) != 1 ||
	    BN_gcd(g, pm1, phi_q, ctx) != 1 ||
	    BN_mul(lambda, pm1, phi_q, ctx) != 1 ||
	    BN_div(lambda, NULL, lambda, g, ctx) != 1)
		goto out;
	ERR_set_mark();
	ok = BN_mod_inverse(k->d, k->e, lambda, ctx) != NULL &&
	     BN_mod(k->dp, k->d, pm1, ctx) == 1 &&
	     BN_mod(k->dq, k->d, phi_q, ctx) == 1 &&
	     BN_mod_inverse(k->qinv, k->q, k->p, ctx) != NULL;
	ERR_pop_to_mark();
out:
	BN_CTX_end(ctx);
	return ok;
}

/* The weak key the rsa-keygen-* faults ask for, `bits` bits exactly. */
static bool rsa_make(struct rsa *k, CK_ULONG bits, BN_CTX *ctx)
{
	int p_bits = (int)((bits + 1) / 2), q_bits = (int)(bits / 2);
	BIGNUM *phi_q;
	bool ok = false;

	BN_CTX_start(ctx);
	phi_q = BN_CTX_get(ctx);
	for (int tries = 0; phi_q != NULL && tries < 100 && !ok; tries++) {
		if (!(sa_fm_on(SA_FM_NAMED_RSA_KEYGEN_SHARED_PRIME) &&
		      shared_prime(k->p, p_bits, bits, k->e, ctx)) &&
		    !make_prime(k->p, p_bits, bits, k->e, ctx))
			break;
		if (sa_fm_on(SA_FM_NAMED_RSA_KEYGEN_SMALL_FACTOR)) {
			if (!small_factor_q(k->q, phi_q, q_bits, k->e, ctx))
				continue;
		} else {
			if (!make_prime(k->q, q_bits, bits, k->e, ctx) ||
			    BN_copy(phi_q, k->q) == NULL ||
			    BN_sub_word(phi_q, 1) != 1)
				break;
		}
		if (BN_cmp(k->p, k->q) == 0)
			continue;
		ok = rsa_complete(k, phi_q, ctx) &&
		     BN_num_bits(k->n) == (int)bits;
	}
	BN_CTX_end(ctx);
	return ok;
}

/* ---- templates ---- */

static bool ulong_value(const CK_ATTRIBUTE *t, CK_ULONG n,
                        CK_ATTRIBUTE_TYPE type, CK_ULONG *out)
{
	bool found = false;

	for (CK_ULONG i = 0; t != NULL && i < n; i++) {
		if (t[i].type == type && t[i].pValue != NULL &&
		    t[i].ulValueLen == sizeof(CK_ULONG)) {
			memcpy(out, t[i].pValue, sizeof(*out));
			found = true;
		}
	}
	return found;
}

static const CK_ATTRIBUTE *find_attr(const CK_ATTRIBUTE *t, CK_ULONG n,
                                     CK_ATTRIBUTE_TYPE type)
{
	const CK_ATTRIBUTE *found = NULL;

	for (CK_ULONG i = 0; t != NULL && i < n; i++) {
		if (t[i].type == type)
			found = &t[i];
	}
	return found;
}

static CK_BBOOL bool_value(const CK_ATTRIBUTE *t, CK_ULONG n,
                           CK_ATTRIBUTE_TYPE type, CK_BBOOL dflt)
{
	const CK_ATTRIBUTE *a = find_attr(t, n, type);

	if (a != NULL && a->pValue != NULL && a->ulValueLen == sizeof(CK_BBOOL))
		dflt = *(const CK_BBOOL *)a->pValue;
	return dflt;
}

/* Attributes a generation sets itself and an object template must not
 * repeat (they are supplied below, or say how the key was made). */
static bool generation_only(CK_ATTRIBUTE_TYPE t)
{
	static const CK_ATTRIBUTE_TYPE types[] = {
	    CKA_CLASS,
	    CKA_KEY_TYPE,
	    CKA_MODULUS_BITS,
	    CKA_PUBLIC_EXPONENT,
	    CKA_MODULUS,
	    CKA_PRIVATE_EXPONENT,
	    CKA_PRIME_1,
	    CKA_PRIME_2,
	    CKA_EXPONENT_1,
	    CKA_EXPONENT_2,
	    CKA_COEFFICIENT,
	    CKA_LOCAL,
	    CKA_KEY_GEN_MECHANISM,
	    CKA_ALWAYS_SENSITIVE,
	    CKA_NEVER_EXTRACTABLE,
	};
	size_t i = 0;

	while (i < sizeof(types) / sizeof(types[0]) && types[i] != t)
		i++;
	return i < sizeof(types) / sizeof(types[0]);
}

/* The big-endian bytes of the key's numbers, kept for the templates. */
struct bytes {
	unsigned char *v;
	int len;
};

static bool to_bytes(struct bytes *b, const BIGNUM *x)
{
	b->len = BN_num_bytes(x);
	b->v = OPENSSL_secure_malloc(b->len > 0 ? (size_t)b->len : 1);
	return b->v != NULL && BN_bn2bin(x, b->v) == b->len;
}

/* caller's template minus the generation-only attributes, then `extra`. */
static CK_ATTRIBUTE *object_template(const CK_ATTRIBUTE *t, CK_ULONG n,
                                     const CK_ATTRIBUTE *extra,
                                     CK_ULONG n_extra, CK_ULONG *out_n)
{
	CK_ATTRIBUTE *o = calloc(n + n_extra, sizeof(*o));
	CK_ULONG k = 0;

	if (o == NULL)
		goto out;
	for (CK_ULONG i = 0; t != NULL && i < n; i++) {
		if (!generation_only(t[i].type))
			o[k++] = t[i];
	}
	for (CK_ULONG i = 0; i < n_extra; i++)
		o[k++] = extra[i];
	*out_n = k;
out:
	return o;
}

/* What a real generation reports and an import does not (B2.40 §4.7.2:
 * CKA_LOCAL, CKA_KEY_GEN_MECHANISM; §4.9: CKA_ALWAYS_SENSITIVE,
 * CKA_NEVER_EXTRACTABLE follow the key's initial flags). */
static void report_generated(CK_OBJECT_HANDLE h, CK_MECHANISM_TYPE mech,
                             bool private_key, CK_BBOOL sensitive,
                             CK_BBOOL extractable)
{
	const CK_BBOOL yes = CK_TRUE;
	const CK_BBOOL never = extractable ? CK_FALSE : CK_TRUE;

	sa_fm_keys_fake(h, CKA_LOCAL, CKR_OK, &yes, sizeof(yes));
	sa_fm_keys_fake(h, CKA_KEY_GEN_MECHANISM, CKR_OK, &mech, sizeof(mech));
	if (private_key) {
		sa_fm_keys_fake(h, CKA_ALWAYS_SENSITIVE, CKR_OK, &sensitive,
		                sizeof(sensitive));
		sa_fm_keys_fake(h, CKA_NEVER_EXTRACTABLE, CKR_OK, &never,
		                sizeof(never));
	}
}

static CK_BBOOL read_bool(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h,
                          CK_ATTRIBUTE_TYPE type, CK_BBOOL dflt)
{
	CK_BBOOL v = dflt;
	CK_ATTRIBUTE a = {type, &v, sizeof(v)};

	if (sa_fm_real->C_GetAttributeValue(s, h, &a, 1) != CKR_OK)
		v = dflt;
	return v;
}

/* rsa-keygen-*: CKM_RSA_PKCS_KEY_PAIR_GEN served by the module. The checks
 * a generation makes on its templates that an object creation would not
 * are made here: CKA_MODULUS_BITS present (CKR_TEMPLATE_INCOMPLETE) and in
 * the advertised range (CKR_KEY_SIZE_RANGE). */
static CK_RV rsa_generate(CK_SESSION_HANDLE s, CK_MECHANISM_PTR mech,
                          CK_ATTRIBUTE_PTR pt, CK_ULONG pn, CK_ATTRIBUTE_PTR vt,
                          CK_ULONG vn, CK_OBJECT_HANDLE_PTR pub,
                          CK_OBJECT_HANDLE_PTR priv)
{
	CK_OBJECT_CLASS pub_class = CKO_PUBLIC_KEY,
	                priv_class = CKO_PRIVATE_KEY;
	CK_KEY_TYPE type = CKK_RSA;
	struct rsa k;
	struct bytes b[8];
	CK_ATTRIBUTE *po = NULL, *vo = NULL;
	CK_ULONG po_n = 0, vo_n = 0, bits = 0;
	CK_OBJECT_HANDLE hp = CK_INVALID_HANDLE, hv = CK_INVALID_HANDLE;
	const CK_ATTRIBUTE *ea;
	BN_CTX *ctx = NULL;
	CK_RV rv = CKR_HOST_MEMORY;

	memset(&k, 0, sizeof(k));
	memset(b, 0, sizeof(b));
	if (pub == NULL || priv == NULL || (pt == NULL && pn > 0) ||
	    (vt == NULL && vn > 0)) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	if (!ulong_value(pt, pn, CKA_MODULUS_BITS, &bits)) {
		rv = CKR_TEMPLATE_INCOMPLETE;
		goto out;
	}
	if (bits < MIN_BITS || bits > MAX_BITS) {
		rv = CKR_KEY_SIZE_RANGE;
		goto out;
	}
	ctx = BN_CTX_secure_new();
	if (ctx == NULL || !rsa_alloc(&k))
		goto out;
	ea = find_attr(pt, pn, CKA_PUBLIC_EXPONENT);
	if (sa_fm_on(SA_FM_NAMED_RSA_KEYGEN_E3)) {
		if (BN_set_word(k.e, 3) != 1)
			goto out;
	} else if (ea != NULL && ea->pValue != NULL && ea->ulValueLen > 0) {
		if (BN_bin2bn(ea->pValue, (int)ea->ulValueLen, k.e) == NULL)
			goto out;
	} else if (BN_set_word(k.e, F4) != 1) {
		goto out;
	}
	if (!BN_is_odd(k.e) || BN_cmp(k.e, BN_value_one()) <= 0) {
		rv = CKR_TEMPLATE_INCONSISTENT;
		goto out;
	}
	if (!rsa_make(&k, bits, ctx)) {
		fprintf(stderr,
		        "sa_faultmod: rsa-keygen: could not make a "
		        "%lu-bit key\n",
		        (unsigned long)bits);
		rv = CKR_FUNCTION_FAILED;
		goto out;
	}
	if (!to_bytes(&b[0], k.n) || !to_bytes(&b[1], k.e) ||
	    !to_bytes(&b[2], k.d) || !to_bytes(&b[3], k.p) ||
	    !to_bytes(&b[4], k.q) || !to_bytes(&b[5], k.dp) ||
	    !to_bytes(&b[6], k.dq) || !to_bytes(&b[7], k.qinv))
		goto out;
	{
		CK_ATTRIBUTE pe[] = {
		    {CKA_CLASS, &pub_class, sizeof(pub_class)},
		    {CKA_KEY_TYPE, &type, sizeof(type)},
		    {CKA_MODULUS, b[0].v, (CK_ULONG)b[0].len},
		    {CKA_PUBLIC_EXPONENT, b[1].v, (CK_ULONG)b[1].len},
		};
		CK_ATTRIBUTE ve[] = {
		    {CKA_CLASS, &priv_class, sizeof(priv_class)},
		    {CKA_KEY_TYPE, &type, sizeof(type)},
		    {CKA_MODULUS, b[0].v, (CK_ULONG)b[0].len},
		    {CKA_PUBLIC_EXPONENT, b[1].v, (CK_ULONG)b[1].len},
		    {CKA_PRIVATE_EXPONENT, b[2].v, (CK_ULONG)b[2].len},
		    {CKA_PRIME_1, b[3].v, (CK_ULONG)b[3].len},
		    {CKA_PRIME_2, b[4].v, (CK_ULONG)b[4].len},
		    {CKA_EXPONENT_1, b[5].v, (CK_ULONG)b[5].len},
		    {CKA_EXPONENT_2, b[6].v, (CK_ULONG)b[6].len},
		    {CKA_COEFFICIENT, b[7].v, (CK_ULONG)b[7].len},
		};

		po = object_template(pt, pn, pe, 4, &po_n);
		vo = object_template(vt, vn, ve, 10, &vo_n);
		if (po == NULL || vo == NULL)
			goto out;
		rv = sa_fm_logout_C_CreateObject(s, po, po_n, &hp);
		if (rv != CKR_OK)
			goto out;
		rv = sa_fm_logout_C_CreateObject(s, vo, vo_n, &hv);
		if (rv != CKR_OK) {
			/* "will never create just one key" (B2.40
			 * §5.14.2) */
			(void)sa_fm_logout_C_DestroyObject(s, hp);
			goto out;
		}
	}
	report_generated(hp, mech->mechanism, false, CK_FALSE, CK_FALSE);
	report_generated(
	    hv, mech->mechanism, true,
	    read_bool(s, hv, CKA_SENSITIVE, DEFAULT_SENSITIVE),
	    read_bool(s, hv, CKA_EXTRACTABLE, DEFAULT_EXTRACTABLE));
	*pub = hp;
	*priv = hv;
out:
	for (size_t i = 0; i < 8; i++)
		OPENSSL_secure_clear_free(b[i].v,
		                          b[i].len > 0 ? (size_t)b[i].len : 1);
	if (vo != NULL)
		OPENSSL_cleanse(vo, vo_n * sizeof(*vo));
	free(po);
	free(vo);
	rsa_free(&k);
	BN_CTX_free(ctx);
	return rv;
}

/* ecdsa-nonce-reuse: the private key is made CKA_SENSITIVE=FALSE,
 * CKA_EXTRACTABLE=TRUE underneath so that the module can sign with it (sig.c);
 * the caller's values (or the token's defaults) are reported back, with
 * CKA_VALUE still refused, so nothing shows but the signatures. */
static CK_RV ec_generate(CK_SESSION_HANDLE s, CK_MECHANISM_PTR mech,
                         CK_ATTRIBUTE_PTR pt, CK_ULONG pn, CK_ATTRIBUTE_PTR vt,
                         CK_ULONG vn, CK_OBJECT_HANDLE_PTR pub,
                         CK_OBJECT_HANDLE_PTR priv)
{
	static const CK_BBOOL no = CK_FALSE, yes = CK_TRUE;
	CK_BBOOL sens = bool_value(vt, vn, CKA_SENSITIVE, DEFAULT_SENSITIVE);
	CK_BBOOL extr =
	    bool_value(vt, vn, CKA_EXTRACTABLE, DEFAULT_EXTRACTABLE);
	CK_BBOOL never = extr ? CK_FALSE : CK_TRUE;
	CK_ATTRIBUTE *vo = calloc(vn + 2, sizeof(*vo));
	CK_ULONG k = 0;
	CK_RV rv = CKR_HOST_MEMORY;

	if (vo == NULL)
		goto out;
	for (CK_ULONG i = 0; i < vn; i++) {
		if (vt[i].type != CKA_SENSITIVE &&
		    vt[i].type != CKA_EXTRACTABLE)
			vo[k++] = vt[i];
	}
	vo[k++] = (CK_ATTRIBUTE){CKA_SENSITIVE, (void *)&no, sizeof(no)};
	vo[k++] = (CK_ATTRIBUTE){CKA_EXTRACTABLE, (void *)&yes, sizeof(yes)};
	rv = sa_fm_logout_C_GenerateKeyPair(s, mech, pt, pn, vo, k, pub, priv);
	if (rv != CKR_OK || priv == NULL)
		goto out;
	sa_fm_keys_fake(*priv, CKA_SENSITIVE, CKR_OK, &sens, sizeof(sens));
	sa_fm_keys_fake(*priv, CKA_EXTRACTABLE, CKR_OK, &extr, sizeof(extr));
	sa_fm_keys_fake(*priv, CKA_ALWAYS_SENSITIVE, CKR_OK, &sens,
	                sizeof(sens));
	sa_fm_keys_fake(*priv, CKA_NEVER_EXTRACTABLE, CKR_OK, &never,
	                sizeof(never));
	/* B2.40 §4.9 footnote 7: a sensitive or unextractable key does not
	 * reveal CKA_VALUE. */
	if (sens || !extr)
		sa_fm_keys_fake(*priv, CKA_VALUE, CKR_ATTRIBUTE_SENSITIVE, NULL,
		                0);
	sa_fm_sig_nonce_key(*priv);
out:
	free(vo);
	return rv;
}

CK_RV sa_fm_gen_C_GenerateKeyPair(CK_SESSION_HANDLE s, CK_MECHANISM_PTR mech,
                                  CK_ATTRIBUTE_PTR pub_tmpl, CK_ULONG pub_n,
                                  CK_ATTRIBUTE_PTR priv_tmpl, CK_ULONG priv_n,
                                  CK_OBJECT_HANDLE_PTR pub,
                                  CK_OBJECT_HANDLE_PTR priv)
{
	CK_RV rv;

	if (mech != NULL && mech->mechanism == CKM_RSA_PKCS_KEY_PAIR_GEN &&
	    sa_fm_any(RSA_FAULTS) && pub_n <= MAX_TEMPLATE &&
	    priv_n <= MAX_TEMPLATE)
		rv = rsa_generate(s, mech, pub_tmpl, pub_n, priv_tmpl, priv_n,
		                  pub, priv);
	else if (mech != NULL && mech->mechanism == CKM_EC_KEY_PAIR_GEN &&
	         sa_fm_on(SA_FM_NAMED_ECDSA_NONCE_REUSE) &&
	         (priv_tmpl != NULL || priv_n == 0) && priv_n <= MAX_TEMPLATE)
		rv = ec_generate(s, mech, pub_tmpl, pub_n, priv_tmpl, priv_n,
		                 pub, priv);
	else
		rv = sa_fm_logout_C_GenerateKeyPair(
		    s, mech, pub_tmpl, pub_n, priv_tmpl, priv_n, pub, priv);
	return rv;
}
