/* Unit tests of the SIG-Q detectors (suites/signing/sig_quality_math.c):
 * every detector fires on a key built to trip it and stays quiet on keys
 * OpenSSL makes. */
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/rsa.h>

#include "sig_quality.h"

static BIGNUM *prime(int bits)
{
	BIGNUM *p = BN_new();

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(BN_generate_prime_ex(p, bits, 0, NULL, NULL, NULL), 1);
	return p;
}

static BIGNUM *mul(const BIGNUM *a, const BIGNUM *b)
{
	BIGNUM *r = BN_new();
	BN_CTX *bc = BN_CTX_new();

	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(BN_mul(r, a, b, bc), 1);
	BN_CTX_free(bc);
	return r;
}

/* The modulus of an RSA key OpenSSL generates. */
static BIGNUM *openssl_modulus(unsigned bits)
{
	EVP_PKEY *pk = EVP_RSA_gen(bits);
	BIGNUM *n = NULL;

	ck_assert_ptr_nonnull(pk);
	ck_assert_int_eq(EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_N, &n),
	                 1);
	EVP_PKEY_free(pk);
	return n;
}

/* ---- small factors ---- */

static sa_sq_smallp *smallp;

static void smallp_setup(void)
{
	sa_error err = SA_ERROR_INIT;

	ck_assert_int_eq(sa_sq_smallp_new(&smallp, 1UL << 20, &err), 0);
}

static void smallp_teardown(void)
{
	sa_sq_smallp_free(smallp);
	smallp = NULL;
}

START_TEST(test_smallp_count)
{
	/* pi(2^20) = 82025 */
	ck_assert_uint_eq(sa_sq_smallp_count(smallp), 82025);
}
END_TEST

START_TEST(test_smallp_finds_factor)
{
	static const unsigned long small[] = {2, 3, 1009, 65537, 1048573};
	sa_error err = SA_ERROR_INIT;
	BIGNUM *p = prime(1024), *q = prime(1000), *s = BN_new(), *qs, *n;
	unsigned long f = 0;
	bool found = false;
	size_t i;

	for (i = 0; i < SA_COUNTOF(small); i++) {
		ck_assert_int_eq(BN_set_word(s, small[i]), 1);
		qs = mul(q, s);
		n = mul(p, qs);
		ck_assert_int_eq(sa_sq_smallp_find(smallp, n, &found, &f, &err),
		                 0);
		ck_assert(found);
		ck_assert_uint_eq(f, small[i]);
		BN_free(n);
		BN_free(qs);
	}
	BN_free(s);
	BN_free(q);
	BN_free(p);
}
END_TEST

START_TEST(test_smallp_quiet_on_rsa)
{
	sa_error err = SA_ERROR_INIT;
	unsigned long f = 1;
	bool found = true;
	BIGNUM *n = openssl_modulus(2048);

	ck_assert_int_eq(sa_sq_smallp_find(smallp, n, &found, &f, &err), 0);
	ck_assert(!found);
	ck_assert_uint_eq(f, 0);
	BN_free(n);
}
END_TEST

START_TEST(test_smallp_smooth)
{
	sa_error err = SA_ERROR_INIT;
	BIGNUM *n = BN_new();
	unsigned long f = 0;
	bool found = false;

	/* n divides the primorial: 1009 * 1013 */
	ck_assert_int_eq(BN_set_word(n, 1009UL * 1013UL), 1);
	ck_assert_int_eq(sa_sq_smallp_find(smallp, n, &found, &f, &err), 0);
	ck_assert(found);
	ck_assert_uint_eq(f, 1009);
	BN_free(n);
}
END_TEST

/* ---- batch GCD ---- */

#define NMOD 60

START_TEST(test_gcd_shared_prime)
{
	sa_error err = SA_ERROR_INIT;
	BIGNUM *shared = prime(256), *n[NMOD], *ga[NMOD], *gb[NMOD];
	size_t i;

	/* distinct moduli; only n[7] and n[41] share a prime */
	for (i = 0; i < NMOD; i++) {
		BIGNUM *a = prime(256), *b = prime(256);

		n[i] = mul(a, i == 7 || i == 41 ? shared : b);
		BN_free(a);
		BN_free(b);
	}
	ck_assert_int_eq(sa_sq_gcd_pairwise(n, NMOD, ga, &err), 0);
	ck_assert_int_eq(sa_sq_gcd_tree(n, NMOD, gb, &err), 0);
	for (i = 0; i < NMOD; i++) {
		ck_assert_int_eq(BN_cmp(ga[i], gb[i]), 0);
		if (i == 7 || i == 41)
			ck_assert_int_eq(BN_cmp(ga[i], shared), 0);
		else
			ck_assert(BN_is_one(ga[i]));
	}
	for (i = 0; i < NMOD; i++) {
		BN_free(ga[i]);
		BN_free(gb[i]);
		BN_free(n[i]);
	}
	BN_free(shared);
}
END_TEST

/* Tree and pairwise agree on sizes that are not powers of two. */
START_TEST(test_gcd_tree_sizes)
{
	sa_error err = SA_ERROR_INIT;
	BIGNUM *p = prime(128), *n[9], *ga[9], *gb[9];
	size_t count, i;

	for (i = 0; i < 9; i++) {
		BIGNUM *a = prime(128);

		n[i] = mul(a, i % 4 == 0 ? p : a); /* 0,4,8 share p */
		if (i % 4 != 0) {
			BIGNUM *b = prime(128);

			BN_free(n[i]);
			n[i] = mul(a, b);
			BN_free(b);
		}
		BN_free(a);
	}
	for (count = 1; count <= 9; count++) {
		ck_assert_int_eq(sa_sq_gcd_pairwise(n, count, ga, &err), 0);
		ck_assert_int_eq(sa_sq_gcd_tree(n, count, gb, &err), 0);
		for (i = 0; i < count; i++) {
			ck_assert_int_eq(BN_cmp(ga[i], gb[i]), 0);
			ck_assert(BN_is_one(ga[i]) ==
			          !(i % 4 == 0 && count > 4));
			BN_free(ga[i]);
			BN_free(gb[i]);
		}
	}
	for (i = 0; i < 9; i++)
		BN_free(n[i]);
	BN_free(p);
}
END_TEST

/* ---- ROCA ---- */

START_TEST(test_roca_fires)
{
	sa_error err = SA_ERROR_INIT;
	sa_sq_roca *t = NULL;
	BIGNUM *p = BN_new(), *q = BN_new(), *n;

	ck_assert_int_eq(sa_sq_roca_new(&t, &err), 0);
	ck_assert_uint_eq(sa_sq_roca_primes(t), 38);
	ck_assert_int_eq(sa_sq_roca_make_prime(p, 1024, &err), 0);
	ck_assert_int_eq(sa_sq_roca_make_prime(q, 1024, &err), 0);
	n = mul(p, q);
	ck_assert(sa_sq_roca_match(t, n));
	/* one normal prime breaks the form */
	BN_free(n);
	BN_free(q);
	q = prime(1024);
	n = mul(p, q);
	ck_assert(!sa_sq_roca_match(t, n));
	BN_free(n);
	BN_free(q);
	BN_free(p);
	sa_sq_roca_free(t);
}
END_TEST

START_TEST(test_roca_quiet_on_openssl)
{
	sa_error err = SA_ERROR_INIT;
	sa_sq_roca *t = NULL;
	BIGNUM *n;
	int i;

	ck_assert_int_eq(sa_sq_roca_new(&t, &err), 0);
	/* 1000 such moduli were checked once outside the tests (none
	 * matched); ten keep the test fast */
	for (i = 0; i < 10; i++) {
		n = openssl_modulus(2048);
		ck_assert(!sa_sq_roca_match(t, n));
		BN_free(n);
	}
	/* and 20000 random odd integers of the same size */
	n = BN_new();
	for (i = 0; i < 20000; i++) {
		ck_assert_int_eq(
		    BN_rand(n, 2048, BN_RAND_TOP_TWO, BN_RAND_BOTTOM_ODD), 1);
		ck_assert(!sa_sq_roca_match(t, n));
	}
	BN_free(n);
	sa_sq_roca_free(t);
}
END_TEST

/* ---- ECDSA ---- */

/* s = k^-1 (z + r d) mod n, r = x(kG) mod n: a signature with a chosen
 * nonce, as a broken signer makes it. */
static void sign_k(const EC_GROUP *g, const BIGNUM *d, const BIGNUM *k,
                   const BIGNUM *z, BIGNUM *r, BIGNUM *s)
{
	const BIGNUM *n = EC_GROUP_get0_order(g);
	BN_CTX *bc = BN_CTX_new();
	EC_POINT *kg = EC_POINT_new(g);
	BIGNUM *x = BN_new(), *ki = BN_new(), *t = BN_new();

	ck_assert_int_eq(EC_POINT_mul(g, kg, k, NULL, NULL, bc), 1);
	ck_assert_int_eq(EC_POINT_get_affine_coordinates(g, kg, x, NULL, bc),
	                 1);
	ck_assert_int_eq(BN_nnmod(r, x, n, bc), 1);
	ck_assert_ptr_nonnull(BN_mod_inverse(ki, k, n, bc));
	ck_assert_int_eq(BN_mod_mul(t, r, d, n, bc), 1);
	ck_assert_int_eq(BN_mod_add(t, t, z, n, bc), 1);
	ck_assert_int_eq(BN_mod_mul(s, ki, t, n, bc), 1);
	BN_free(t);
	BN_free(ki);
	BN_free(x);
	EC_POINT_free(kg);
	BN_CTX_free(bc);
}

static void recover_case(int nid, bool negate_k)
{
	sa_error err = SA_ERROR_INIT;
	EC_GROUP *g = EC_GROUP_new_by_curve_name(nid);
	const BIGNUM *n = EC_GROUP_get0_order(g);
	BN_CTX *bc = BN_CTX_new();
	EC_POINT *q = EC_POINT_new(g);
	BIGNUM *d = BN_new(), *k = BN_new(), *k2 = BN_new();
	BIGNUM *z1 = NULL, *z2 = NULL, *r1 = BN_new(), *s1 = BN_new();
	BIGNUM *r2 = BN_new(), *s2 = BN_new(), *got = NULL;
	unsigned char h1[64], h2[64];
	bool found = false;
	size_t hl = (size_t)BN_num_bytes(n);

	ck_assert_int_eq(BN_rand_range(d, n), 1);
	ck_assert_int_eq(BN_rand_range(k, n), 1);
	ck_assert_int_eq(EC_POINT_mul(g, q, d, NULL, NULL, bc), 1);
	memset(h1, 0x11, sizeof(h1));
	memset(h2, 0x22, sizeof(h2));
	ck_assert_int_eq(sa_sq_ecdsa_z(h1, hl, n, &z1, &err), 0);
	ck_assert_int_eq(sa_sq_ecdsa_z(h2, hl, n, &z2, &err), 0);
	if (negate_k)
		ck_assert_int_eq(BN_mod_sub(k2, n, k, n, bc), 1);
	else
		ck_assert_ptr_nonnull(BN_copy(k2, k));
	sign_k(g, d, k, z1, r1, s1);
	sign_k(g, d, k2, z2, r2, s2);
	ck_assert_int_eq(BN_cmp(r1, r2), 0);
	ck_assert_int_eq(
	    sa_sq_ecdsa_recover(g, q, r1, s1, z1, s2, z2, &found, &got, &err),
	    0);
	ck_assert(found);
	ck_assert_int_eq(BN_cmp(got, d), 0);
	BN_clear_free(got);
	/* the same message twice proves nothing */
	got = NULL;
	ck_assert_int_eq(
	    sa_sq_ecdsa_recover(g, q, r1, s1, z1, s1, z1, &found, &got, &err),
	    0);
	ck_assert(!found);
	ck_assert_ptr_null(got);
	BN_free(s2);
	BN_free(r2);
	BN_free(s1);
	BN_free(r1);
	BN_free(z2);
	BN_free(z1);
	BN_free(k2);
	BN_free(k);
	BN_free(d);
	EC_POINT_free(q);
	BN_CTX_free(bc);
	EC_GROUP_free(g);
}

START_TEST(test_ecdsa_recover)
{
	recover_case(NID_X9_62_prime256v1, false);
	recover_case(NID_X9_62_prime256v1, true);
	recover_case(NID_secp384r1, false);
	recover_case(NID_secp521r1, true);
}
END_TEST

START_TEST(test_ecdsa_z)
{
	sa_error err = SA_ERROR_INIT;
	BIGNUM *n = BN_new(), *z = NULL;
	unsigned char h[64];

	/* a 160-bit order keeps the leftmost 160 bits of a 256-bit hash */
	memset(h, 0xff, sizeof(h));
	ck_assert_int_eq(BN_set_bit(n, 159), 1);
	ck_assert_int_eq(sa_sq_ecdsa_z(h, 32, n, &z, &err), 0);
	ck_assert_int_eq(BN_num_bits(z), 160);
	BN_free(z);
	BN_free(n);
}
END_TEST

START_TEST(test_stats)
{
	EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
	double p = sa_sq_high_zero_prob(EC_GROUP_get0_order(g), 32);

	ck_assert(p > 1.0 / 257 && p < 1.0 / 255);
	ck_assert(sa_sq_binom_tail(10, 0, 0.5) == 1.0);
	ck_assert(sa_sq_binom_tail(10, 11, 0.5) == 0.0);
	ck_assert_double_eq_tol(sa_sq_binom_tail(10, 10, 0.5), 1.0 / 1024,
	                        1e-12);
	ck_assert_double_eq_tol(sa_sq_binom_tail(2, 1, 0.5), 0.75, 1e-12);
	ck_assert(sa_sq_binom_tail(128, 8, p) < 1e-6);
	ck_assert(sa_sq_binom_tail(128, 2, p) > 0.05);
	EC_GROUP_free(g);
}
END_TEST

START_TEST(test_e_policy)
{
	static const struct {
		unsigned long e;
		bool ok;
	} tab[] = {{3, false},     {17, false},         {65535, false},
	           {65536, false}, {65537, true},       {65539, true},
	           {65538, false}, {4294967297UL, true}};
	BIGNUM *e = BN_new();
	size_t i;

	for (i = 0; i < SA_COUNTOF(tab); i++) {
		ck_assert_int_eq(BN_set_word(e, tab[i].e), 1);
		ck_assert_msg(sa_sq_rsa_e_ok(e) == tab[i].ok, "e = %lu",
		              tab[i].e);
	}
	BN_zero(e);
	ck_assert_int_eq(BN_set_bit(e, 256), 1);
	ck_assert_int_eq(BN_add_word(e, 1), 1);
	ck_assert(!sa_sq_rsa_e_ok(e)); /* 2^256 + 1 */
	BN_zero(e);
	ck_assert_int_eq(BN_set_bit(e, 255), 1);
	ck_assert_int_eq(BN_add_word(e, 1), 1);
	ck_assert(sa_sq_rsa_e_ok(e)); /* 2^255 + 1 */
	BN_free(e);
}
END_TEST

static Suite *sig_quality_suite(void)
{
	Suite *s = suite_create("sig_quality");
	TCase *tc;

	tc = tcase_create("smallp");
	tcase_add_checked_fixture(tc, smallp_setup, smallp_teardown);
	tcase_add_test(tc, test_smallp_count);
	tcase_add_test(tc, test_smallp_finds_factor);
	tcase_add_test(tc, test_smallp_quiet_on_rsa);
	tcase_add_test(tc, test_smallp_smooth);
	suite_add_tcase(s, tc);

	tc = tcase_create("gcd");
	tcase_add_test(tc, test_gcd_shared_prime);
	tcase_add_test(tc, test_gcd_tree_sizes);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("roca");
	tcase_add_test(tc, test_roca_fires);
	tcase_add_test(tc, test_roca_quiet_on_openssl);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);

	tc = tcase_create("ecdsa");
	tcase_add_test(tc, test_ecdsa_recover);
	tcase_add_test(tc, test_ecdsa_z);
	tcase_add_test(tc, test_stats);
	suite_add_tcase(s, tc);

	tc = tcase_create("policy");
	tcase_add_test(tc, test_e_policy);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(sig_quality_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
