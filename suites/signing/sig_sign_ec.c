/* SIG-03 and SIG-04 (catalogue F): ECDSA input truncation and signature
 * encoding; EdDSA known answers from RFC 8032. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "sigaudit/guard.h"

#include "sig_sign_int.h"

/* ---- SIG-03 ---- */

/* FIPS 186-5 §6.4.1 step 2 (unconfirmed numbering): the hash is truncated
 * to the bit length of the order n. Inputs shorter than, equal to and
 * longer than the order; 66 bytes on P-521 cuts inside a byte. */
static const struct ec_len {
	const char *curve;
	size_t lens[4];
} ec_lens[] = {
    {"P-256", {20, 32, 48, 64}},
    {"P-384", {32, 48, 64, 0}},
    {"P-521", {32, 64, 66, 72}},
};

/* Leading zero bytes of r or s appear in about 2/256 of the signatures:
 * 1000 give a token that strips them (variable-length output) a
 * 1 - (127/128)^1000 > 99.9 % chance to show. */
#define EC_MANY 1000
/* A slow token stops sooner, after at least EC_MIN signatures, so that the
 * case stays inside the profile's time limit. */
#define EC_MIN    300
#define EC_BUDGET 15.0 /* seconds */

static double ec_now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0.0;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t ec_half(const sa_p11_ossl_curve *c)
{
	return ((size_t)c->bits + 7) / 8;
}

/* Whether sig is a DER SEQUENCE spanning exactly sig_len bytes (the
 * Ecdsa-Sig-Value form, which PKCS#11 does not use). */
static bool ec_looks_der(const unsigned char *sig, size_t len)
{
	size_t body;

	if (len < 8 || sig[0] != 0x30)
		return false;
	if (sig[1] < 0x80)
		body = sig[1], len -= 2;
	else if (sig[1] == 0x81)
		body = sig[2], len -= 3;
	else
		return false;
	return body == len;
}

static void ec_lengths(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                       const struct ec_len *el)
{
	const sa_p11_ossl_curve *c = sa_p11_ossl_curve_by_name(el->curve);
	sa_error *err = sa_case_err(ctx);
	CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE, priv = CK_INVALID_HANDLE;
	CK_MECHANISM m = {CKM_ECDSA, NULL, 0};
	sa_ss_alg a = {"ECDSA", CKM_ECDSA, 0, NULL, true, false, 0, NULL, -1};
	unsigned char in[72];
	sa_buf sig = SA_BUF_INIT;
	EVP_PKEY *pk = NULL;
	char what[160];
	size_t i, half, len;
	bool valid;
	CK_RV rv;

	if (c == NULL)
		goto out;
	half = ec_half(c);
	rv = sa_ss_gen_ec(ctx, s, c, &pub, &priv);
	if (rv == CKR_CURVE_NOT_SUPPORTED || rv == CKR_DOMAIN_PARAMS_INVALID ||
	    rv == CKR_ATTRIBUTE_VALUE_INVALID) {
		sa_case_note(ctx, "%s: key generation refused (%s): not run",
		             c->name, sa_p11_rv_name(rv));
		goto out;
	}
	if (sa_ss_setup(ctx, rv, "C_GenerateKeyPair(EC)") < 0)
		goto out;
	if (sa_p11_ossl_pubkey_from_token(ctx, s, pub, &pk) < 0) {
		sa_case_error(ctx, "set-up: %s public key: %s", c->name,
		              err->msg);
		goto out;
	}
	for (i = 0; i < SA_COUNTOF(el->lens) && el->lens[i] > 0; i++) {
		len = el->lens[i];
		if (sa_ss_random(in, len, err) < 0) {
			sa_case_error(ctx, "set-up: %s", err->msg);
			goto out;
		}
		snprintf(what, sizeof(what),
		         "%s CKM_ECDSA over %zu bytes "
		         "(order %zu bytes): C_Sign",
		         c->name, len, half);
		rv = sa_ss_sign(ctx, s, priv, &m, in, len, &sig);
		if (!sa_p11_check_rv(ctx, what, rv, CKR_OK, SA_STRICT_ONLY))
			continue;
		snprintf(what, sizeof(what),
		         "%s %zu-byte input: signature is r || s of 2 * %zu "
		         "bytes",
		         c->name, len, half);
		sa_case_checkf(ctx, sig.len == 2 * half, what, "length 2n",
		               "%zu bytes%s", sig.len,
		               ec_looks_der(sig.data, sig.len) ? " (DER)" : "");
		/* OpenSSL truncates the same way; verifying against the
		 * input cut to the order's byte length says so explicitly
		 * (the leftmost bits are all in those bytes). */
		snprintf(what, sizeof(what),
		         "%s %zu-byte input: OpenSSL verifies over the input "
		         "truncated to %zu bytes",
		         c->name, len, len < half ? len : half);
		if (sa_ss_ossl_verify(pk, &a, in, len < half ? len : half,
		                      sig.data, sig.len, &valid, err) < 0)
			sa_case_error(ctx, "%s: %s", what, err->msg);
		else
			sa_case_check(ctx, valid, what, "valid",
			              valid ? "valid" : "INVALID");
	}
out:
	EVP_PKEY_free(pk);
	sa_buf_free(&sig);
	sa_p11_destroy(ctx, s, &priv);
	sa_p11_destroy(ctx, s, &pub);
}

/* Many P-256 signatures: length, encoding and validity of each. */
static void ec_many(sa_case_ctx *ctx, CK_SESSION_HANDLE s)
{
	const sa_p11_ossl_curve *c = sa_p11_ossl_curve_by_name("P-256");
	sa_error *err = sa_case_err(ctx);
	CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE, priv = CK_INVALID_HANDLE;
	CK_MECHANISM m = {CKM_ECDSA, NULL, 0};
	sa_ss_alg a = {"ECDSA", CKM_ECDSA, 0, NULL, true, false, 0, NULL, -1};
	unsigned char h[32];
	sa_buf sig = SA_BUF_INIT;
	EVP_PKEY *pk = NULL;
	size_t i, done = 0, bad_len = 0, der = 0, invalid = 0, zeros = 0;
	size_t first_bad = 0;
	double t0;
	bool valid;
	CK_RV rv = CKR_OK;

	if (sa_ss_setup(ctx, sa_ss_gen_ec(ctx, s, c, &pub, &priv),
	                "C_GenerateKeyPair(P-256)") < 0)
		goto out;
	if (sa_p11_ossl_pubkey_from_token(ctx, s, pub, &pk) < 0) {
		sa_case_error(ctx, "set-up: P-256 public key: %s", err->msg);
		goto out;
	}
	t0 = ec_now();
	for (i = 0; i < EC_MANY; i++) {
		if (i >= EC_MIN && ec_now() - t0 > EC_BUDGET) {
			sa_case_note(ctx,
			             "stopped after %zu signatures "
			             "(%.0f s budget)",
			             i, EC_BUDGET);
			break;
		}
		if (sa_ss_random(h, sizeof(h), err) < 0) {
			sa_case_error(ctx, "set-up: %s", err->msg);
			goto out;
		}
		rv = sa_ss_sign(ctx, s, priv, &m, h, sizeof(h), &sig);
		if (rv != CKR_OK)
			break;
		done++;
		if (sig.len != 64) {
			if (bad_len++ == 0)
				first_bad = sig.len;
			if (ec_looks_der(sig.data, sig.len))
				der++;
		} else if (sig.data[0] == 0 || sig.data[32] == 0) {
			zeros++;
		}
		if (sa_ss_ossl_verify(pk, &a, h, sizeof(h), sig.data, sig.len,
		                      &valid, err) < 0) {
			sa_case_error(ctx, "OpenSSL could not verify: %s",
			              err->msg);
			goto out;
		}
		if (!valid)
			invalid++;
	}
	sa_p11_check_rv(ctx,
	                "P-256: C_Sign(CKM_ECDSA) "
	                "1000 times",
	                rv, CKR_OK, SA_STRICT_ONLY);
	if (done == 0)
		goto out;
	sa_case_checkf(ctx, bad_len == 0,
	               "P-256: every signature is exactly 64 bytes (r || s)",
	               "0 of the signatures with another length",
	               "%zu of %zu (first: %zu bytes; %zu DER-encoded)",
	               bad_len, done, first_bad, der);
	sa_case_checkf(ctx, invalid == 0,
	               "P-256: every signature verifies with OpenSSL as r || s",
	               "0 invalid", "%zu of %zu invalid", invalid, done);
	sa_case_note(ctx,
	             "%zu of %zu P-256 signatures had a leading zero byte "
	             "in r or s (expected about %zu)",
	             zeros, done, done / 128);
out:
	EVP_PKEY_free(pk);
	sa_buf_free(&sig);
	sa_p11_destroy(ctx, s, &priv);
	sa_p11_destroy(ctx, s, &pub);
}

void sa_ss_sig03(sa_case_ctx *ctx)
{
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	size_t i;

	if (sa_ss_open(ctx, &s) < 0)
		goto out;
	for (i = 0; i < SA_COUNTOF(ec_lens); i++)
		ec_lengths(ctx, s, &ec_lens[i]);
	ec_many(ctx, s);
out:
	sa_p11_close(ctx, &s);
}

/* ---- SIG-04 ---- */

/* RFC 8032 §7.1 (Ed25519: TEST 1, TEST 2, TEST 3, TEST 1024 with its
 * 1023-byte message) and §7.4 (Ed448 without context: blank, 1 octet,
 * 11 octets). Hex as printed in the RFC; the same values are in the
 * SUPERCOP sign.input and the NIST-style rfc8032.txt of Debian's
 * python3-cryptography-vectors, from which they were copied and checked. */
static const struct ed_kat {
	const char *name;
	const char *curve;
	const char *seed, *pub, *msg, *sig;
} ed_kats[] = {
    {"Ed25519 TEST 1", "Ed25519",
     "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
     "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
    {"Ed25519 TEST 2", "Ed25519",
     "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
     "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
    {"Ed25519 TEST 3", "Ed25519",
     "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
     "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
    {"Ed25519 TEST 1024", "Ed25519",
     "f5e5767cf153319517630f226876b86c8160cc583bc013744c6bf255f5cc0ee5",
     "278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e",
     "08b8b2b733424243760fe426a4b54908632110a66c2f6591eabd3345e3e4eb98"
     "fa6e264bf09efe12ee50f8f54e9f77b1e355f6c50544e23fb1433ddf73be84d8"
     "79de7c0046dc4996d9e773f4bc9efe5738829adb26c81b37c93a1b270b20329d"
     "658675fc6ea534e0810a4432826bf58c941efb65d57a338bbd2e26640f89ffbc"
     "1a858efcb8550ee3a5e1998bd177e93a7363c344fe6b199ee5d02e82d522c4fe"
     "ba15452f80288a821a579116ec6dad2b3b310da903401aa62100ab5d1a36553e"
     "06203b33890cc9b832f79ef80560ccb9a39ce767967ed628c6ad573cb116dbef"
     "efd75499da96bd68a8a97b928a8bbc103b6621fcde2beca1231d206be6cd9ec7"
     "aff6f6c94fcd7204ed3455c68c83f4a41da4af2b74ef5c53f1d8ac70bdcb7ed1"
     "85ce81bd84359d44254d95629e9855a94a7c1958d1f8ada5d0532ed8a5aa3fb2"
     "d17ba70eb6248e594e1a2297acbbb39d502f1a8c6eb6f1ce22b3de1a1f40cc24"
     "554119a831a9aad6079cad88425de6bde1a9187ebb6092cf67bf2b13fd65f270"
     "88d78b7e883c8759d2c4f5c65adb7553878ad575f9fad878e80a0c9ba63bcbcc"
     "2732e69485bbc9c90bfbd62481d9089beccf80cfe2df16a2cf65bd92dd597b07"
     "07e0917af48bbb75fed413d238f5555a7a569d80c3414a8d0859dc65a46128ba"
     "b27af87a71314f318c782b23ebfe808b82b0ce26401d2e22f04d83d1255dc51a"
     "ddd3b75a2b1ae0784504df543af8969be3ea7082ff7fc9888c144da2af58429e"
     "c96031dbcad3dad9af0dcbaaaf268cb8fcffead94f3c7ca495e056a9b47acdb7"
     "51fb73e666c6c655ade8297297d07ad1ba5e43f1bca32301651339e22904cc8c"
     "42f58c30c04aafdb038dda0847dd988dcda6f3bfd15c4b4c4525004aa06eeff8"
     "ca61783aacec57fb3d1f92b0fe2fd1a85f6724517b65e614ad6808d6f6ee34df"
     "f7310fdc82aebfd904b01e1dc54b2927094b2db68d6f903b68401adebf5a7e08"
     "d78ff4ef5d63653a65040cf9bfd4aca7984a74d37145986780fc0b16ac451649"
     "de6188a7dbdf191f64b5fc5e2ab47b57f7f7276cd419c17a3ca8e1b939ae49e4"
     "88acba6b965610b5480109c8b17b80e1b7b750dfc7598d5d5011fd2dcc5600a3"
     "2ef5b52a1ecc820e308aa342721aac0943bf6686b64b2579376504ccc493d97e"
     "6aed3fb0f9cd71a43dd497f01f17c0e2cb3797aa2a2f256656168e6c496afc5f"
     "b93246f6b1116398a346f1a641f3b041e989f7914f90cc2c7fff357876e506b5"
     "0d334ba77c225bc307ba537152f3f1610e4eafe595f6d9d90d11faa933a15ef1"
     "369546868a7f3a45a96768d40fd9d03412c091c6315cf4fde7cb68606937380d"
     "b2eaaa707b4c4185c32eddcdd306705e4dc1ffc872eeee475a64dfac86aba41c"
     "0618983f8741c5ef68d3a101e8a3b8cac60c905c15fc910840b94c00a0b9d0",
     "0aab4c900501b3e24d7cdf4663326a3a87df5e4843b2cbdb67cbf6e460fec350"
     "aa5371b1508f9f4528ecea23c436d94b5e8fcd4f681e30a6ac00a9704a188a03"},
    {"Ed448 -----Blank", "Ed448",
     "6c82a562cb808d10d632be89c8513ebf6c929f34ddfa8c9f63c9960ef6e348a3"
     "528c8a3fcc2f044e39a3fc5b94492f8f032e7549a20098f95b",
     "5fd7449b59b461fd2ce787ec616ad46a1da1342485a70e1f8a0ea75d80e96778"
     "edf124769b46c7061bd6783df1e50f6cd1fa1abeafe8256180",
     "",
     "533a37f6bbe457251f023c0d88f976ae2dfb504a843e34d2074fd823d41a591f"
     "2b233f034f628281f2fd7a22ddd47d7828c59bd0a21bfd3980ff0d2028d4b18a"
     "9df63e006c5d1c2d345b925d8dc00b4104852db99ac5c7cdda8530a113a0f4db"
     "b61149f05a7363268c71d95808ff2e652600"},
    {"Ed448 -----1 octet", "Ed448",
     "c4eab05d357007c632f3dbb48489924d552b08fe0c353a0d4a1f00acda2c463a"
     "fbea67c5e8d2877c5e3bc397a659949ef8021e954e0a12274e",
     "43ba28f430cdff456ae531545f7ecd0ac834a55d9358c0372bfa0c6c6798c086"
     "6aea01eb00742802b8438ea4cb82169c235160627b4c3a9480",
     "03",
     "26b8f91727bd62897af15e41eb43c377efb9c610d48f2335cb0bd0087810f435"
     "2541b143c4b981b7e18f62de8ccdf633fc1bf037ab7cd779805e0dbcc0aae1cb"
     "cee1afb2e027df36bc04dcecbf154336c19f0af7e0a6472905e799f1953d2a0f"
     "f3348ab21aa4adafd1d234441cf807c03a00"},
    {"Ed448 -----11 octets", "Ed448",
     "cd23d24f714274e744343237b93290f511f6425f98e64459ff203e8985083ffd"
     "f60500553abc0e05cd02184bdb89c4ccd67e187951267eb328",
     "dcea9e78f35a1bf3499a831b10b86c90aac01cd84b67a0109b55a36e9328b1e3"
     "65fce161d71ce7131a543ea4cb5f7e9f1d8b00696447001400",
     "0c3e544074ec63b0265e0c",
     "1f0a8888ce25e8d458a21130879b840a9089d999aaba039eaf3e3afa090a09d3"
     "89dba82c4ff2ae8ac5cdfb7c55e94d5d961a29fe0109941e00b8dbdeea6d3b05"
     "1068df7254c0cdc129cbe62db2dc957dbb47b51fd3f213fb8698f064774250a5"
     "028961c9bf8ffd973fe5d5c206492b140e00"},
};

/* Import refused: a generated key signs the same message twice; EdDSA is
 * deterministic (RFC 8032 §5.1.6), so the signatures are equal, and they
 * verify with OpenSSL. */
static void ed_fallback(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                        const sa_p11_ossl_curve *c)
{
	static const unsigned char msg[] = "sigaudit SIG-04 determinism";
	sa_error *err = sa_case_err(ctx);
	CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE, priv = CK_INVALID_HANDLE;
	CK_MECHANISM m = {CKM_EDDSA, NULL, 0};
	sa_ss_alg a = {"EDDSA", CKM_EDDSA, 0, NULL, false, false, 0, NULL, -1};
	sa_buf s1 = SA_BUF_INIT, s2 = SA_BUF_INIT;
	EVP_PKEY *pk = NULL;
	char what[128];
	bool valid = false;
	CK_RV rv;

	rv = sa_ss_gen_ec(ctx, s, c, &pub, &priv);
	if (rv != CKR_OK) {
		sa_case_note(ctx,
		             "%s: neither import nor generation (%s): "
		             "not run",
		             c->name, sa_p11_rv_name(rv));
		goto out;
	}
	if (sa_p11_ossl_pubkey_from_token(ctx, s, pub, &pk) < 0) {
		sa_case_error(ctx, "set-up: %s public key: %s", c->name,
		              err->msg);
		goto out;
	}
	snprintf(what, sizeof(what), "%s generated key: C_Sign twice", c->name);
	rv = sa_ss_sign(ctx, s, priv, &m, msg, sizeof(msg) - 1, &s1);
	if (rv == CKR_OK)
		rv = sa_ss_sign(ctx, s, priv, &m, msg, sizeof(msg) - 1, &s2);
	if (!sa_p11_check_rv(ctx, what, rv, CKR_OK, SA_STRICT_ONLY))
		goto out;
	snprintf(what, sizeof(what),
	         "%s generated key: both signatures equal (deterministic)",
	         c->name);
	sa_case_check(ctx,
	              s1.len == s2.len && memcmp(s1.data, s2.data, s1.len) == 0,
	              what, "equal",
	              s1.len == s2.len ? "differ"
	                               : "lengths "
	                                 "differ");
	snprintf(what, sizeof(what), "%s generated key: OpenSSL verifies",
	         c->name);
	if (sa_ss_ossl_verify(pk, &a, msg, sizeof(msg) - 1, s1.data, s1.len,
	                      &valid, err) < 0)
		sa_case_error(ctx, "%s: %s", what, err->msg);
	else
		sa_case_check(ctx, valid, what, "valid",
		              valid ? "valid" : "INVALID");
out:
	EVP_PKEY_free(pk);
	sa_buf_free(&s2);
	sa_buf_free(&s1);
	sa_p11_destroy(ctx, s, &priv);
	sa_p11_destroy(ctx, s, &pub);
}

/* One RFC vector. Returns false when the import was refused. */
static bool ed_kat_run(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                       const struct ed_kat *v)
{
	const sa_p11_ossl_curve *c = sa_p11_ossl_curve_by_name(v->curve);
	sa_error *err = sa_case_err(ctx);
	CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;
	CK_MECHANISM m = {CKM_EDDSA, NULL, 0};
	sa_buf seed = SA_BUF_INIT_SECURE, msg = SA_BUF_INIT, want = SA_BUF_INIT;
	sa_buf pubb = SA_BUF_INIT, sig = SA_BUF_INIT;
	EVP_PKEY *pk = NULL;
	CK_OBJECT_HANDLE pubh = CK_INVALID_HANDLE;
	char what[160], got[SA_SS_HEXSHORT];
	bool imported = true;
	CK_RV rv;

	if (c == NULL || sa_ss_hex(v->seed, &seed, err) < 0 ||
	    sa_ss_hex(v->msg, &msg, err) < 0 ||
	    sa_ss_hex(v->sig, &want, err) < 0 ||
	    sa_ss_hex(v->pub, &pubb, err) < 0) {
		sa_case_error(ctx, "set-up: vector %s: %s", v->name, err->msg);
		goto out;
	}
	rv = sa_ss_import_ed_priv(ctx, s, c, seed.data, seed.len, &key);
	if (rv != CKR_OK) {
		sa_case_note(ctx, "%s: private key import refused (%s)",
		             v->name, sa_p11_rv_name(rv));
		imported = false;
		goto out;
	}
	snprintf(what, sizeof(what), "%s: C_Sign(CKM_EDDSA)", v->name);
	rv = sa_ss_sign(ctx, s, key, &m, msg.data, msg.len, &sig);
	if (sa_p11_check_rv(ctx, what, rv, CKR_OK, SA_STRICT_ONLY)) {
		sa_ss_hexshort(sig.data, sig.len, got);
		snprintf(what, sizeof(what),
		         "%s: signature equals RFC 8032 byte for byte",
		         v->name);
		sa_case_check(ctx,
		              sig.len == want.len &&
		                  memcmp(sig.data, want.data, sig.len) == 0,
		              what, "the RFC's signature", got);
	}
	/* The token verifies the RFC's signature with the RFC's public key
	 * (imported as a public object). */
	if (sa_p11_ossl_ec_pubkey(c, pubb.data, pubb.len, &pk, err) < 0) {
		sa_case_error(ctx, "set-up: %s public key: %s", v->name,
		              err->msg);
		goto out;
	}
	rv = sa_ss_import_pub(ctx, s, pk, &pubh);
	if (rv != CKR_OK) {
		sa_case_note(ctx, "%s: public key import refused (%s)", v->name,
		             sa_p11_rv_name(rv));
		goto out;
	}
	snprintf(what, sizeof(what),
	         "%s: the token verifies the RFC's signature", v->name);
	rv = sa_ss_verify(ctx, s, pubh, &m, msg.data, msg.len, want.data,
	                  want.len);
	sa_p11_check_rv(ctx, what, rv, CKR_OK, SA_STRICT_ONLY);
out:
	EVP_PKEY_free(pk);
	sa_p11_destroy(ctx, s, &pubh);
	sa_p11_destroy(ctx, s, &key);
	sa_buf_free(&sig);
	sa_buf_free(&pubb);
	sa_buf_free(&want);
	sa_buf_free(&msg);
	sa_buf_free(&seed);
	return imported;
}

void sa_ss_sig04(sa_case_ctx *ctx)
{
	static const char *const curves[] = {"Ed25519", "Ed448"};
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	size_t i, j;

	if (sa_ss_open(ctx, &s) < 0)
		goto out;
	for (j = 0; j < SA_COUNTOF(curves); j++) {
		const sa_p11_ossl_curve *c =
		    sa_p11_ossl_curve_by_name(curves[j]);
		bool fallback = false;

		for (i = 0; i < SA_COUNTOF(ed_kats); i++) {
			if (strcmp(ed_kats[i].curve, curves[j]) != 0)
				continue;
			if (!ed_kat_run(ctx, s, &ed_kats[i])) {
				fallback = true;
				break;
			}
		}
		if (fallback && c != NULL)
			ed_fallback(ctx, s, c);
	}
out:
	sa_p11_close(ctx, &s);
}
