/* Detectors of weak keys and signatures (sig_quality.h): pure OpenSSL
 * arithmetic on public values. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "sigaudit/guard.h"

#include "sig_quality.h"

/* ====================================================================
 * Small factors
 * ==================================================================== */

/* The primorial of 2^20 has about 1.5 million bits: multiplying it out
 * costs seconds, and reducing it modulo each n costs more. It is kept
 * instead as the products of runs of consecutive primes, each about
 * SMALLP_CHUNK_BITS long; primorial mod n is then the product of the
 * chunks mod n (a few hundred modular multiplications), and one gcd with
 * n finds whether any small prime divides it. */
#define SMALLP_CHUNK_BITS 2048

struct sa_sq_smallp {
	uint32_t *primes;
	size_t n;
	BIGNUM **chunk;
	size_t n_chunks;
};

int sa_sq_smallp_new(sa_sq_smallp **out, unsigned long limit, sa_error *err)
{
	int rc = SA_E_NOMEM;
	sa_sq_smallp *t = NULL;
	unsigned char *composite = NULL;
	size_t i, j;

	*out = NULL;
	SA_ENSURE(limit >= 3 && limit <= (1UL << 24), err, SA_E_INVALID,
	          "prime limit %lu out of range", limit);
	t = calloc(1, sizeof(*t));
	composite = calloc(limit, 1);
	SA_ENSURE(t != NULL && composite != NULL, err, SA_E_NOMEM,
	          "out of memory");
	for (i = 2; i * i < limit; i++)
		if (!composite[i])
			for (j = i * i; j < limit; j += i)
				composite[j] = 1;
	for (i = 2; i < limit; i++)
		t->n += !composite[i];
	t->primes = calloc(t->n, sizeof(*t->primes));
	/* each chunk holds at least one prime */
	t->chunk = calloc(t->n, sizeof(*t->chunk));
	SA_ENSURE(t->primes != NULL && t->chunk != NULL, err, SA_E_NOMEM,
	          "out of memory");
	for (i = 2, j = 0; i < limit; i++)
		if (!composite[i])
			t->primes[j++] = (uint32_t)i;
	rc = SA_E_OSSL;
	for (i = 0; i < t->n; i++) {
		BIGNUM *c;

		if (t->n_chunks == 0 ||
		    BN_num_bits(t->chunk[t->n_chunks - 1]) >=
		        SMALLP_CHUNK_BITS) {
			c = BN_new();
			SA_ENSURE(c != NULL, err, SA_E_NOMEM, "out of memory");
			t->chunk[t->n_chunks++] = c;
			SA_TRY_OSSL(BN_one(c), err, "BN_one");
		}
		c = t->chunk[t->n_chunks - 1];
		SA_TRY_OSSL(BN_mul_word(c, t->primes[i]), err, "BN_mul_word");
	}
	*out = t;
	t = NULL;
	rc = SA_OK;
out:
	free(composite);
	sa_sq_smallp_free(t);
	return rc;
}

void sa_sq_smallp_free(sa_sq_smallp *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n_chunks; i++)
		BN_free(t->chunk[i]);
	free(t->chunk);
	free(t->primes);
	free(t);
}

size_t sa_sq_smallp_count(const sa_sq_smallp *t)
{
	return t == NULL ? 0 : t->n;
}

int sa_sq_smallp_find(const sa_sq_smallp *t, const BIGNUM *n, bool *found,
                      unsigned long *factor, sa_error *err)
{
	int rc = SA_E_NOMEM;
	BN_CTX *bc = NULL;
	BIGNUM *r = NULL, *g = NULL;
	size_t i;

	*found = false;
	*factor = 0;
	SA_ENSURE(t != NULL && n != NULL && !BN_is_negative(n) &&
	              BN_cmp(n, BN_value_one()) > 0,
	          err, SA_E_INVALID, "modulus must be > 1");
	bc = BN_CTX_new();
	r = BN_new();
	g = BN_new();
	SA_ENSURE(bc != NULL && r != NULL && g != NULL, err, SA_E_NOMEM,
	          "out of memory");
	rc = SA_E_OSSL;
	/* r = primorial mod n */
	SA_TRY_OSSL(BN_one(r), err, "BN_one");
	for (i = 0; i < t->n_chunks && !BN_is_zero(r); i++)
		SA_TRY_OSSL(BN_mod_mul(r, r, t->chunk[i], n, bc), err,
		            "BN_mod_mul");
	/* r == 0: n divides the primorial, n itself is smooth. */
	if (BN_is_zero(r))
		SA_TRY_OSSL(BN_copy(g, n) != NULL, err, "BN_copy");
	else
		SA_TRY_OSSL(BN_gcd(g, r, n, bc), err, "BN_gcd");
	rc = SA_OK;
	if (BN_is_one(g))
		goto out;
	*found = true;
	for (i = 0; i < t->n; i++) {
		BN_ULONG m = BN_mod_word(n, t->primes[i]);

		SA_ENSURE(m != (BN_ULONG)-1, err, SA_E_OSSL, "BN_mod_word");
		if (m == 0) {
			*factor = t->primes[i];
			break;
		}
	}
out:
	BN_free(g);
	BN_free(r);
	BN_CTX_free(bc);
	return rc;
}

/* ====================================================================
 * Batch GCD
 * ==================================================================== */

static int check_moduli(BIGNUM *const *n, size_t count, BIGNUM **g,
                        sa_error *err)
{
	int rc = SA_OK;
	size_t i;

	for (i = 0; i < count; i++)
		g[i] = NULL;
	for (i = 0; i < count; i++) {
		SA_ENSURE(n[i] != NULL && !BN_is_negative(n[i]) &&
		              BN_cmp(n[i], BN_value_one()) > 0,
		          err, SA_E_INVALID, "modulus %zu must be > 1", i);
		g[i] = BN_new();
		SA_ENSURE(g[i] != NULL, err, SA_E_NOMEM, "out of memory");
	}
out:
	return rc;
}

static void free_all(BIGNUM **g, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++) {
		BN_free(g[i]);
		g[i] = NULL;
	}
}

int sa_sq_gcd_pairwise(BIGNUM *const *n, size_t count, BIGNUM **g,
                       sa_error *err)
{
	int rc;
	BN_CTX *bc = NULL;
	BIGNUM *acc = NULL;
	size_t i, j;

	SA_TRY(check_moduli(n, count, g, err));
	bc = BN_CTX_new();
	acc = BN_new();
	SA_ENSURE(bc != NULL && acc != NULL, err, SA_E_NOMEM, "out of memory");
	rc = SA_E_OSSL;
	for (i = 0; i < count; i++) {
		SA_TRY_OSSL(BN_one(acc), err, "BN_one");
		for (j = 0; j < count; j++)
			if (j != i)
				SA_TRY_OSSL(
				    BN_mod_mul(acc, acc, n[j], n[i], bc), err,
				    "BN_mod_mul");
		if (BN_is_zero(acc))
			SA_TRY_OSSL(BN_copy(g[i], n[i]) != NULL, err,
			            "BN_copy");
		else
			SA_TRY_OSSL(BN_gcd(g[i], acc, n[i], bc), err, "BN_gcd");
	}
	rc = SA_OK;
out:
	if (rc < 0)
		free_all(g, count);
	BN_free(acc);
	BN_CTX_free(bc);
	return rc;
}

/* Bernstein, "How to find smooth parts of integers" (2004), as used by
 * Heninger et al. (USENIX Security 2012): the product tree of the moduli,
 * then P mod n_i^2 down the tree, and g_i = gcd((P mod n_i^2) / n_i, n_i).
 * level[0] holds the leaves; level[h] has ceil(len(h-1)/2) nodes. */
int sa_sq_gcd_tree(BIGNUM *const *n, size_t count, BIGNUM **g, sa_error *err)
{
	int rc;
	BN_CTX *bc = NULL;
	BIGNUM ***lv = NULL, **rem = NULL, **nxt = NULL, *sq = NULL;
	size_t *len = NULL, levels = 0, h, i, cur;

	SA_TRY(check_moduli(n, count, g, err));
	rc = SA_E_NOMEM;
	bc = BN_CTX_new();
	sq = BN_new();
	SA_ENSURE(bc != NULL && sq != NULL, err, SA_E_NOMEM, "out of memory");
	if (count == 0) {
		rc = SA_OK;
		goto out;
	}
	for (cur = count, levels = 1; cur > 1; cur = (cur + 1) / 2)
		levels++;
	lv = calloc(levels, sizeof(*lv));
	len = calloc(levels, sizeof(*len));
	SA_ENSURE(lv != NULL && len != NULL, err, SA_E_NOMEM, "out of memory");
	for (h = 0, cur = count; h < levels; h++, cur = (cur + 1) / 2) {
		len[h] = cur;
		lv[h] = calloc(cur, sizeof(**lv));
		SA_ENSURE(lv[h] != NULL, err, SA_E_NOMEM, "out of memory");
		for (i = 0; i < cur; i++) {
			lv[h][i] = BN_new();
			SA_ENSURE(lv[h][i] != NULL, err, SA_E_NOMEM,
			          "out of memory");
		}
	}
	rc = SA_E_OSSL;
	for (i = 0; i < count; i++)
		SA_TRY_OSSL(BN_copy(lv[0][i], n[i]) != NULL, err, "BN_copy");
	for (h = 1; h < levels; h++)
		for (i = 0; i < len[h]; i++) {
			if (2 * i + 1 < len[h - 1])
				SA_TRY_OSSL(BN_mul(lv[h][i], lv[h - 1][2 * i],
				                   lv[h - 1][2 * i + 1], bc),
				            err, "BN_mul");
			else
				SA_TRY_OSSL(
				    BN_copy(lv[h][i], lv[h - 1][2 * i]) != NULL,
				    err, "BN_copy");
		}
	/* Remainders from the root down: rem holds P mod node^2 of level h,
	 * reduced to each child's square. The root's remainder is P. */
	rem = calloc(count, sizeof(*rem));
	nxt = calloc(count, sizeof(*nxt));
	SA_ENSURE(rem != NULL && nxt != NULL, err, SA_E_NOMEM, "out of memory");
	for (i = 0; i < count; i++) {
		rem[i] = BN_new();
		nxt[i] = BN_new();
		SA_ENSURE(rem[i] != NULL && nxt[i] != NULL, err, SA_E_NOMEM,
		          "out of memory");
	}
	SA_TRY_OSSL(BN_copy(rem[0], lv[levels - 1][0]) != NULL, err, "BN_copy");
	for (h = levels - 1; h-- > 0;) {
		for (i = 0; i < len[h]; i++) {
			SA_TRY_OSSL(BN_sqr(sq, lv[h][i], bc), err, "BN_sqr");
			SA_TRY_OSSL(BN_mod(nxt[i], rem[i / 2], sq, bc), err,
			            "BN_mod");
		}
		for (i = 0; i < len[h]; i++)
			SA_TRY_OSSL(BN_copy(rem[i], nxt[i]) != NULL, err,
			            "BN_copy");
	}
	for (i = 0; i < count; i++) {
		/* (P mod n^2) / n is exact: n divides P */
		SA_TRY_OSSL(BN_div(sq, NULL, rem[i], n[i], bc), err, "BN_div");
		if (BN_is_zero(sq))
			SA_TRY_OSSL(BN_copy(g[i], n[i]) != NULL, err,
			            "BN_copy");
		else
			SA_TRY_OSSL(BN_gcd(g[i], sq, n[i], bc), err, "BN_gcd");
	}
	rc = SA_OK;
out:
	if (rc < 0)
		free_all(g, count);
	if (rem != NULL)
		free_all(rem, count);
	if (nxt != NULL)
		free_all(nxt, count);
	free(rem);
	free(nxt);
	for (h = 0; lv != NULL && h < levels; h++) {
		if (lv[h] != NULL)
			free_all(lv[h], len[h]);
		free(lv[h]);
	}
	free(lv);
	free(len);
	BN_free(sq);
	BN_CTX_free(bc);
	return rc;
}

int sa_sq_batch_gcd(BIGNUM *const *n, size_t count, BIGNUM **g, sa_error *err)
{
	/* pairwise is O(count^2) products of modulus size; the trees are
	 * O(count log count) but with products of growing size */
	return count > SA_SQ_GCD_TREE_MIN
	           ? sa_sq_gcd_tree(n, count, g, err)
	           : sa_sq_gcd_pairwise(n, count, g, err);
}

/* ====================================================================
 * ROCA
 * ==================================================================== */

/* The primes of the published detector (crocs-muni/roca, detect.py):
 * RSALib primes are p = k*M + (65537^a mod M) with M a primorial, so
 * p, q and n = p*q are powers of 65537 modulo every prime dividing M. 2 is
 * left out (every odd n passes it). Nemec et al., CCS 2017, §2.3-§3. */
static const unsigned roca_primes[] = {
    3,   5,   7,   11,  13,  17,  19,  23,  29,  31,  37,  41,  43,
    47,  53,  59,  61,  67,  71,  73,  79,  83,  89,  97,  101, 103,
    107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167,
};
#define ROCA_N   SA_COUNTOF(roca_primes)
#define ROCA_MAX 168

struct sa_sq_roca {
	/* member[i][x]: x is in <65537> mod roca_primes[i] */
	unsigned char member[ROCA_N][ROCA_MAX];
	unsigned order[ROCA_N];
};

int sa_sq_roca_new(sa_sq_roca **out, sa_error *err)
{
	int rc = SA_E_NOMEM;
	sa_sq_roca *t;
	size_t i;

	*out = NULL;
	t = calloc(1, sizeof(*t));
	SA_ENSURE(t != NULL, err, SA_E_NOMEM, "out of memory");
	for (i = 0; i < ROCA_N; i++) {
		unsigned p = roca_primes[i], g = 65537u % p, x = 1;

		/* walk the cyclic subgroup: 1, g, g^2, ... until it closes */
		do {
			t->member[i][x] = 1;
			t->order[i]++;
			x = (x * g) % p;
		} while (x != 1);
	}
	*out = t;
	rc = SA_OK;
out:
	return rc;
}

void sa_sq_roca_free(sa_sq_roca *t)
{
	free(t);
}

size_t sa_sq_roca_primes(const sa_sq_roca *t)
{
	return t == NULL ? 0 : ROCA_N;
}

bool sa_sq_roca_match(const sa_sq_roca *t, const BIGNUM *n)
{
	bool match = t != NULL && n != NULL && !BN_is_zero(n);
	size_t i;

	for (i = 0; match && i < ROCA_N; i++) {
		BN_ULONG m = BN_mod_word(n, roca_primes[i]);

		match = m != (BN_ULONG)-1 && m < ROCA_MAX && t->member[i][m];
	}
	return match;
}

int sa_sq_roca_make_prime(BIGNUM *p, int bits, sa_error *err)
{
	int rc = SA_E_NOMEM;
	BN_CTX *bc = NULL;
	BIGNUM *m = NULL, *k = NULL, *a = NULL, *c = NULL, *g = NULL;
	int kbits, tries, is_prime = 0;
	size_t i;

	SA_ENSURE(bits >= 300 && bits <= 8192, err, SA_E_INVALID,
	          "ROCA prime size %d out of range", bits);
	bc = BN_CTX_new();
	m = BN_new();
	k = BN_new();
	a = BN_new();
	c = BN_new();
	g = BN_new();
	SA_ENSURE(bc != NULL && m != NULL && k != NULL && a != NULL &&
	              c != NULL && g != NULL,
	          err, SA_E_NOMEM, "out of memory");
	rc = SA_E_OSSL;
	SA_TRY_OSSL(BN_set_word(m, 2), err, "BN_set_word");
	SA_TRY_OSSL(BN_set_word(g, 65537), err, "BN_set_word");
	for (i = 0; i < ROCA_N; i++)
		SA_TRY_OSSL(BN_mul_word(m, roca_primes[i]), err, "BN_mul_word");
	kbits = bits - BN_num_bits(m);
	for (tries = 0; tries < 100000; tries++) {
		SA_TRY_OSSL(BN_rand(a, 64, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY),
		            err, "BN_rand");
		SA_TRY_OSSL(BN_mod_exp(c, g, a, m, bc), err, "BN_mod_exp");
		SA_TRY_OSSL(
		    BN_rand(k, kbits, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY), err,
		    "BN_rand");
		SA_TRY_OSSL(BN_mul(p, k, m, bc), err, "BN_mul");
		SA_TRY_OSSL(BN_add(p, p, c), err, "BN_add");
		if (BN_num_bits(p) != bits)
			continue;
		is_prime = BN_check_prime(p, bc, NULL);
		SA_ENSURE(is_prime >= 0, err, SA_E_OSSL, "BN_check_prime");
		if (is_prime == 1)
			break;
	}
	SA_ENSURE(is_prime == 1, err, SA_E_RANGE, "no ROCA-form prime found");
	rc = SA_OK;
out:
	BN_free(g);
	BN_free(c);
	BN_free(a);
	BN_free(k);
	BN_free(m);
	BN_CTX_free(bc);
	return rc;
}

/* ====================================================================
 * ECDSA
 * ==================================================================== */

int sa_sq_ecdsa_z(const unsigned char *hash, size_t len, const BIGNUM *order,
                  BIGNUM **out, sa_error *err)
{
	int rc = SA_E_OSSL;
	BIGNUM *z = NULL;
	int nbits = BN_num_bits(order);

	*out = NULL;
	SA_ENSURE(len <= INT_MAX / 8, err, SA_E_RANGE, "hash too long");
	z = BN_bin2bn(hash, (int)len, NULL);
	SA_ENSURE(z != NULL, err, SA_E_NOMEM, "out of memory");
	if ((int)len * 8 > nbits)
		SA_TRY_OSSL(BN_rshift(z, z, (int)len * 8 - nbits), err,
		            "BN_rshift");
	*out = z;
	z = NULL;
	rc = SA_OK;
out:
	BN_free(z);
	return rc;
}

int sa_sq_ecdsa_recover(const EC_GROUP *group, const EC_POINT *q,
                        const BIGNUM *r, const BIGNUM *s1, const BIGNUM *z1,
                        const BIGNUM *s2, const BIGNUM *z2, bool *found,
                        BIGNUM **d_out, sa_error *err)
{
	int rc = SA_E_NOMEM;
	BN_CTX *bc = NULL;
	const BIGNUM *n;
	BIGNUM *s2v = NULL, *num = NULL, *den = NULL, *k = NULL, *d = NULL;
	EC_POINT *pt = NULL;
	int variant;

	*found = false;
	*d_out = NULL;
	bc = BN_CTX_new();
	s2v = BN_new();
	num = BN_new();
	den = BN_new();
	k = BN_secure_new();
	d = BN_secure_new();
	pt = EC_POINT_new(group);
	SA_ENSURE(bc != NULL && s2v != NULL && num != NULL && den != NULL &&
	              k != NULL && d != NULL && pt != NULL,
	          err, SA_E_NOMEM, "out of memory");
	n = EC_GROUP_get0_order(group);
	SA_ENSURE(n != NULL && !BN_is_zero(r), err, SA_E_INVALID,
	          "no group order, or r = 0");
	rc = SA_E_OSSL;
	for (variant = 0; variant < 2 && !*found; variant++) {
		/* the nonce -k has the same x coordinate, hence the same r:
		 * its signature is (r, -s) in terms of k */
		if (variant == 0)
			SA_TRY_OSSL(BN_copy(s2v, s2) != NULL, err, "BN_copy");
		else
			SA_TRY_OSSL(BN_mod_sub(s2v, n, s2, n, bc), err,
			            "BN_mod_sub");
		/* k = (z1 - z2) / (s1 - s2) */
		SA_TRY_OSSL(BN_mod_sub(num, z1, z2, n, bc), err, "BN_mod_sub");
		SA_TRY_OSSL(BN_mod_sub(den, s1, s2v, n, bc), err, "BN_mod_sub");
		if (BN_is_zero(den))
			continue;
		SA_TRY_OSSL(BN_mod_inverse(den, den, n, bc) != NULL, err,
		            "BN_mod_inverse");
		SA_TRY_OSSL(BN_mod_mul(k, num, den, n, bc), err, "BN_mod_mul");
		/* d = (s1*k - z1) / r */
		SA_TRY_OSSL(BN_mod_mul(d, s1, k, n, bc), err, "BN_mod_mul");
		SA_TRY_OSSL(BN_mod_sub(d, d, z1, n, bc), err, "BN_mod_sub");
		SA_TRY_OSSL(BN_mod_inverse(den, r, n, bc) != NULL, err,
		            "BN_mod_inverse");
		SA_TRY_OSSL(BN_mod_mul(d, d, den, n, bc), err, "BN_mod_mul");
		if (BN_is_zero(d))
			continue;
		/* the proof: d*G is the public point */
		SA_TRY_OSSL(EC_POINT_mul(group, pt, d, NULL, NULL, bc), err,
		            "EC_POINT_mul");
		if (EC_POINT_cmp(group, pt, q, bc) == 0)
			*found = true;
	}
	if (*found) {
		*d_out = d;
		d = NULL;
	}
	rc = SA_OK;
out:
	EC_POINT_free(pt);
	BN_clear_free(d);
	BN_clear_free(k);
	BN_free(den);
	BN_free(num);
	BN_free(s2v);
	BN_CTX_free(bc);
	return rc;
}

double sa_sq_high_zero_prob(const BIGNUM *order, size_t olen)
{
	unsigned char buf[80];
	double nd = 0.0, lim = 1.0, p = 0.0;
	int len = BN_num_bytes(order);
	size_t i;

	if (len <= 0 || (size_t)len > sizeof(buf) || olen == 0 ||
	    BN_bn2bin(order, buf) != len)
		goto out;
	for (i = 0; i < (size_t)len; i++)
		nd = nd * 256.0 + buf[i];
	for (i = 0; i + 1 < olen; i++)
		lim *= 256.0;
	p = lim >= nd ? 1.0 : lim / nd;
out:
	return p;
}

double sa_sq_binom_tail(unsigned n, unsigned k, double p)
{
	double q = 1.0 - p, term = 1.0, sum = 0.0;
	unsigned i;

	if (k == 0 || p >= 1.0) {
		sum = k <= n ? 1.0 : 0.0;
		goto out;
	}
	if (k > n || p <= 0.0)
		goto out;
	for (i = 0; i < n; i++)
		term *= q; /* P(X = 0) */
	for (i = 0; i <= n; i++) {
		if (i >= k)
			sum += term;
		term = term * (double)(n - i) / (double)(i + 1) * p / q;
	}
	if (sum > 1.0)
		sum = 1.0;
out:
	return sum;
}

/* ====================================================================
 * Policy and display
 * ==================================================================== */

bool sa_sq_rsa_e_ok(const BIGNUM *e)
{
	/* ETSI TS 119 312 and FIPS 186-5 §A.1.1: 2^16 < e < 2^256, odd */
	return e != NULL && !BN_is_negative(e) && BN_is_odd(e) &&
	       BN_num_bits(e) > 16 && BN_num_bits(e) <= 256 &&
	       BN_cmp(e, BN_value_one()) > 0;
}

void sa_sq_bn_fingerprint(const BIGNUM *v, char *out)
{
	unsigned char *bin = NULL, md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	int len = v == NULL ? 0 : BN_num_bytes(v);
	size_t used, i;

	used = (size_t)snprintf(out, SA_SQ_FP_SIZE, "sha256:");
	bin = len > 0 ? OPENSSL_malloc((size_t)len) : NULL;
	if (bin == NULL || BN_bn2bin(v, bin) != len ||
	    EVP_Digest(bin, (size_t)len, md, &md_len, EVP_sha256(), NULL) !=
	        1 ||
	    md_len < 6) {
		snprintf(out, SA_SQ_FP_SIZE, "sha256:?");
		goto out;
	}
	for (i = 0; i < 6 && used + 2 < SA_SQ_FP_SIZE; i++)
		used += (size_t)snprintf(out + used, SA_SQ_FP_SIZE - used,
		                         "%02x", md[i]);
out:
	if (bin != NULL)
		OPENSSL_clear_free(bin, (size_t)len);
}
