/* SIG-05 (catalogue F): known answers. RSA PKCS#1 v1.5 with the imported
 * keys of Wycheproof rsa_pkcs1_2048_sig_gen_test.json, HMAC-SHA-2 with the
 * RFC 4231 test cases, and SHA-2 digests of the FIPS 180-4 examples. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "sigaudit/guard.h"
#include "sigaudit/profile.h"

#include "sig_sign_int.h"

#define KAT_WYC_FILE   "rsa_pkcs1_2048_sig_gen_test.json"
#define KAT_WYC_SCHEMA "rsassa_pkcs1_generate_schema_v1.json"

/* ---- RSA PKCS#1 v1.5 ---- */

static CK_MECHANISM_TYPE kat_rsa_mech(const char *sha)
{
	static const struct {
		const char *sha;
		CK_MECHANISM_TYPE m;
	} tab[] = {
	    {"SHA-224", CKM_SHA224_RSA_PKCS},
	    {"SHA-256", CKM_SHA256_RSA_PKCS},
	    {"SHA-384", CKM_SHA384_RSA_PKCS},
	    {"SHA-512", CKM_SHA512_RSA_PKCS},
	};
	size_t i;

	for (i = 0; i < SA_COUNTOF(tab); i++)
		if (strcmp(tab[i].sha, sha) == 0)
			return tab[i].m;
	return SA_MECH_END;
}

/* A hex string member of a test; a missing one is a parse error. */
static int kat_hex(json_t *t, const char *name, sa_buf *out, sa_error *err)
{
	const char *v = json_string_value(json_object_get(t, name));

	if (v == NULL)
		return SA_ERR(err, SA_E_PARSE, "no string \"%s\"", name);
	return sa_ss_hex(v, out, err);
}

/* One test group: import the key, sign every valid message. Returns the
 * number of messages signed (0 when the import was refused). */
static size_t kat_rsa_group(sa_case_ctx *ctx, CK_SESSION_HANDLE s, json_t *g,
                            size_t gi)
{
	sa_error *err = sa_case_err(ctx);
	const char *sha = json_string_value(json_object_get(g, "sha"));
	const char *p8 =
	    json_string_value(json_object_get(g, "privateKeyPkcs8"));
	json_t *tests = json_object_get(g, "tests"), *t;
	sa_buf der = SA_BUF_INIT_SECURE, msg = SA_BUF_INIT, want = SA_BUF_INIT;
	sa_buf sig = SA_BUF_INIT;
	CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;
	CK_MECHANISM m = {SA_MECH_END, NULL, 0};
	EVP_PKEY *pk = NULL;
	const unsigned char *p;
	char what[160], got[SA_SS_HEXSHORT];
	size_t i, done = 0;
	CK_RV rv;

	if (sha == NULL || p8 == NULL || !json_is_array(tests)) {
		sa_case_error(ctx,
		              "%s: group %zu lacks sha, privateKeyPkcs8 "
		              "or tests",
		              KAT_WYC_FILE, gi);
		goto out;
	}
	m.mechanism = kat_rsa_mech(sha);
	if (m.mechanism == SA_MECH_END)
		goto out; /* SHA-1: a weak hash, not a signing KAT */
	if (!sa_case_has_mech(ctx, m.mechanism)) {
		sa_case_note(ctx, "group %zu: the token does not list %s", gi,
		             sa_p11_mech_name(m.mechanism));
		goto out;
	}
	if (sa_ss_hex(p8, &der, err) < 0 || der.len > LONG_MAX) {
		sa_case_error(ctx, "%s group %zu: privateKeyPkcs8: %s",
		              KAT_WYC_FILE, gi, err->msg);
		goto out;
	}
	p = der.data;
	pk = d2i_AutoPrivateKey(NULL, &p, (long)der.len);
	if (pk == NULL || !EVP_PKEY_is_a(pk, "RSA")) {
		ERR_clear_error();
		sa_case_error(ctx,
		              "%s group %zu: OpenSSL cannot decode the "
		              "PKCS#8 key",
		              KAT_WYC_FILE, gi);
		goto out;
	}
	rv = sa_ss_import_rsa_priv(ctx, s, pk, &key);
	if (rv != CKR_OK) {
		sa_case_note(ctx,
		             "group %zu: RSA private key import refused "
		             "(%s): RSA known answers not run",
		             gi, sa_p11_rv_name(rv));
		goto out;
	}
	json_array_foreach(tests, i, t)
	{
		const char *res =
		    json_string_value(json_object_get(t, "result"));
		json_int_t tc = json_integer_value(json_object_get(t, "tcId"));

		if (res == NULL || strcmp(res, "valid") != 0)
			continue;
		if (kat_hex(t, "msg", &msg, err) < 0 ||
		    kat_hex(t, "sig", &want, err) < 0) {
			sa_case_error(ctx, "%s tc%lld: %s", KAT_WYC_FILE,
			              (long long)tc, err->msg);
			continue;
		}
		snprintf(what, sizeof(what), "Wycheproof tc%lld %s: C_Sign",
		         (long long)tc, sa_p11_mech_name(m.mechanism));
		rv = sa_ss_sign(ctx, s, key, &m, msg.data, msg.len, &sig);
		if (!sa_p11_check_rv(ctx, what, rv, CKR_OK, SA_STRICT_ONLY))
			continue;
		done++;
		sa_ss_hexshort(sig.data, sig.len, got);
		snprintf(what, sizeof(what),
		         "Wycheproof tc%lld %s: signature equals the file's",
		         (long long)tc, sa_p11_mech_name(m.mechanism));
		sa_case_check(ctx,
		              sig.len == want.len &&
		                  memcmp(sig.data, want.data, sig.len) == 0,
		              what, "the file's signature", got);
	}
out:
	EVP_PKEY_free(pk);
	sa_p11_destroy(ctx, s, &key);
	sa_buf_free(&sig);
	sa_buf_free(&want);
	sa_buf_free(&msg);
	sa_buf_free(&der);
	return done;
}

static size_t kat_rsa(sa_case_ctx *ctx, CK_SESSION_HANDLE s)
{
	const char *dir =
	    sa_profile_vectors_dir(sa_case_profile(ctx), "wycheproof");
	json_t *root = NULL, *groups, *g;
	json_error_t jerr;
	const char *schema;
	char path[4096];
	size_t i, done = 0;

	if (dir == NULL) {
		sa_case_note(ctx, "the profile names no [vectors] wycheproof "
		                  "directory (or --vectors DIR): RSA known "
		                  "answers not run");
		goto out;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, KAT_WYC_FILE);
	root = json_load_file(path, 0, &jerr);
	if (root == NULL) {
		sa_case_error(ctx, "%s: line %d: %s", path, jerr.line,
		              jerr.text);
		goto out;
	}
	schema = json_string_value(json_object_get(root, "schema"));
	groups = json_object_get(root, "testGroups");
	if (schema == NULL || strcmp(schema, KAT_WYC_SCHEMA) != 0 ||
	    !json_is_array(groups)) {
		sa_case_error(ctx,
		              "%s: schema %s, expected %s with "
		              "testGroups",
		              path, schema ? schema : "(none)", KAT_WYC_SCHEMA);
		goto out;
	}
	json_array_foreach(groups, i, g)
	{
		if (!json_is_object(g))
			continue;
		done += kat_rsa_group(ctx, s, g, i);
	}
	sa_case_note(ctx, "%zu RSA PKCS#1 v1.5 signatures compared with %s",
	             done, KAT_WYC_FILE);
out:
	json_decref(root);
	return done;
}

/* ---- HMAC (RFC 4231 §4.2-4.8; test case 5, truncated output, needs
 * the _GENERAL mechanisms and is left out) ---- */

static const struct hmac_kat {
	int tc;
	const char *key, *data;
	const char *mac[3]; /* SHA-256, SHA-384, SHA-512 */
} hmac_kats[] = {
    {1,
     "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
     "4869205468657265",
     {"b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
      "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
      "faea9ea9076ede7f4af152e8b2fa9cb6",
      "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
      "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"}},
    {2,
     "4a656665",
     "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
     {"5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
      "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
      "8e2240ca5e69e2c78b3239ecfab21649",
      "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
      "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"}},
    {3,
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
     "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
     "dddddddddddddddddddddddddddddddddddd",
     {"773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
      "88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b"
      "2a5ab39dc13814b94e3ab6e101a34f27",
      "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39"
      "bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb"}},
    {4,
     "0102030405060708090a0b0c0d0e0f10111213141516171819",
     "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"
     "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd",
     {"82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
      "3e8a69b7783c25851933ab6290af6ca77a9981480850009cc5577c6e1f573b4e"
      "6801dd23c4a7d679ccf8a386c674cffb",
      "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3db"
      "a91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd"}},
    {6,
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaa",
     "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a"
     "65204b6579202d2048617368204b6579204669727374",
     {"60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
      "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c6"
      "0c2ef6ab4030fe8296248df163f44952",
      "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
      "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598"}},
    {7,
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaa",
     "5468697320697320612074657374207573696e672061206c6172676572207468"
     "616e20626c6f636b2d73697a65206b657920616e642061206c61726765722074"
     "68616e20626c6f636b2d73697a6520646174612e20546865206b6579206e6565"
     "647320746f20626520686173686564206265666f7265206265696e6720757365"
     "642062792074686520484d414320616c676f726974686d2e",
     {"9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
      "6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5"
      "a678cc31e799176d3860e6110c46523e",
      "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944"
      "b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58"}},
};

static const struct {
	CK_MECHANISM_TYPE mech;
	const char *name;
} hmac_mechs[] = {
    {CKM_SHA256_HMAC, "HMAC-SHA-256"},
    {CKM_SHA384_HMAC, "HMAC-SHA-384"},
    {CKM_SHA512_HMAC, "HMAC-SHA-512"},
};

static bool kat_hmac_one(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                         CK_OBJECT_HANDLE key, const struct hmac_kat *k,
                         size_t mi, const sa_buf *data, size_t key_len)
{
	sa_error *err = sa_case_err(ctx);
	CK_MECHANISM m = {hmac_mechs[mi].mech, NULL, 0};
	sa_buf mac = SA_BUF_INIT, want = SA_BUF_INIT;
	char what[128], got[SA_SS_HEXSHORT];
	bool ran = false;
	CK_RV rv;

	if (sa_ss_hex(k->mac[mi], &want, err) < 0) {
		sa_case_error(ctx, "set-up: %s", err->msg);
		goto out;
	}
	rv = sa_ss_sign(ctx, s, key, &m, data->data, data->len, &mac);
	if (rv == CKR_KEY_SIZE_RANGE) {
		/* RFC 2104 §3 allows keys shorter than the hash; a token may
		 * still set a minimum (its mechanism info says which). */
		sa_case_note(ctx,
		             "RFC 4231 test case %d %s: a %zu-byte key is "
		             "outside the mechanism's key size range "
		             "(CKR_KEY_SIZE_RANGE): not run",
		             k->tc, hmac_mechs[mi].name, key_len);
		goto out;
	}
	snprintf(what, sizeof(what), "RFC 4231 test case %d %s: C_Sign", k->tc,
	         hmac_mechs[mi].name);
	if (!sa_p11_check_rv(ctx, what, rv, CKR_OK, SA_STRICT_ONLY))
		goto out;
	sa_ss_hexshort(mac.data, mac.len, got);
	snprintf(what, sizeof(what),
	         "RFC 4231 test case %d %s: MAC equals "
	         "the RFC's",
	         k->tc, hmac_mechs[mi].name);
	sa_case_check(ctx,
	              mac.len == want.len &&
	                  memcmp(mac.data, want.data, mac.len) == 0,
	              what, "the RFC's MAC", got);
out:
	sa_buf_free(&want);
	sa_buf_free(&mac);
	return ran;
}

static size_t kat_hmac(sa_case_ctx *ctx, CK_SESSION_HANDLE s)
{
	sa_error *err = sa_case_err(ctx);
	sa_buf key = SA_BUF_INIT_SECURE, data = SA_BUF_INIT;
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	size_t i, j, listed = 0, ran = 0;
	CK_RV rv;

	for (j = 0; j < SA_COUNTOF(hmac_mechs); j++) {
		if (sa_case_has_mech(ctx, hmac_mechs[j].mech))
			listed++;
		else
			sa_case_note(ctx, "the token does not list %s: not run",
			             sa_p11_mech_name(hmac_mechs[j].mech));
	}
	if (listed == 0)
		goto out;
	for (i = 0; i < SA_COUNTOF(hmac_kats); i++) {
		const struct hmac_kat *k = &hmac_kats[i];

		if (sa_ss_hex(k->key, &key, err) < 0 ||
		    sa_ss_hex(k->data, &data, err) < 0) {
			sa_case_error(ctx, "set-up: %s", err->msg);
			goto out;
		}
		rv = sa_ss_import_hmac(ctx, s, key.data, key.len, &h);
		if (rv != CKR_OK) {
			sa_case_note(ctx,
			             "RFC 4231 test case %d: the token refuses "
			             "to import the %zu-byte generic secret "
			             "(%s): not run",
			             k->tc, key.len, sa_p11_rv_name(rv));
			continue;
		}
		for (j = 0; j < SA_COUNTOF(hmac_mechs); j++)
			if (sa_case_has_mech(ctx, hmac_mechs[j].mech))
				ran += kat_hmac_one(ctx, s, h, k, j, &data,
				                    key.len);
		sa_p11_destroy(ctx, s, &h);
	}
out:
	sa_p11_destroy(ctx, s, &h);
	sa_buf_free(&data);
	sa_buf_free(&key);
	return ran;
}

/* ---- digests (FIPS 180-4 examples; NIST CSRC "Examples with
 * Intermediate Values": "abc", and the empty message) ---- */

static const struct {
	CK_MECHANISM_TYPE mech;
	const char *msg;
	const char *digest;
} digest_kats[] = {
    {CKM_SHA256, "abc",
     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
    {CKM_SHA256, "",
     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
    {CKM_SHA384, "abc",
     "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
     "8086072ba1e7cc2358baeca134c825a7"},
    {CKM_SHA384, "",
     "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da"
     "274edebfe76f65fbd51ad2f14898b95b"},
    {CKM_SHA512, "abc",
     "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
     "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"},
    {CKM_SHA512, "",
     "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
     "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"},
};

static size_t kat_digest(sa_case_ctx *ctx, CK_SESSION_HANDLE s)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	sa_buf want = SA_BUF_INIT;
	unsigned char out[128];
	char what[96], got[SA_SS_HEXSHORT];
	size_t i, ran = 0;
	CK_ULONG n;
	CK_RV rv;

	for (i = 0; i < SA_COUNTOF(digest_kats); i++) {
		CK_MECHANISM m = {digest_kats[i].mech, NULL, 0};
		size_t len = strlen(digest_kats[i].msg);

		if (!sa_case_has_mech(ctx, m.mechanism)) {
			sa_case_note(ctx, "the token does not list %s: not run",
			             sa_p11_mech_name(m.mechanism));
			continue;
		}
		if (sa_ss_hex(digest_kats[i].digest, &want, sa_case_err(ctx)) <
		    0) {
			sa_case_error(ctx, "set-up: %s", sa_case_err(ctx)->msg);
			goto out;
		}
		snprintf(what, sizeof(what), "C_Digest(%s, \"%s\")",
		         sa_p11_mech_name(m.mechanism), digest_kats[i].msg);
		n = sizeof(out);
		ran++;
		rv = f->C_DigestInit(s, &m);
		if (rv == CKR_OK)
			rv = f->C_Digest(s, (CK_BYTE_PTR)digest_kats[i].msg,
			                 (CK_ULONG)len, out, &n);
		if (!sa_p11_check_rv(ctx, what, rv, CKR_OK, SA_STRICT_ONLY))
			continue;
		if (n > sizeof(out))
			n = sizeof(out);
		sa_ss_hexshort(out, (size_t)n, got);
		snprintf(what, sizeof(what), "%s(\"%s\") equals FIPS 180-4",
		         sa_p11_mech_name(m.mechanism), digest_kats[i].msg);
		sa_case_check(ctx,
		              (size_t)n == want.len &&
		                  memcmp(out, want.data, want.len) == 0,
		              what, "the FIPS 180-4 value", got);
	}
out:
	sa_buf_free(&want);
	return ran;
}

void sa_ss_sig05(sa_case_ctx *ctx)
{
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	size_t ran;

	if (sa_ss_open(ctx, &s) < 0)
		goto out;
	ran = kat_rsa(ctx, s);
	ran += kat_hmac(ctx, s);
	ran += kat_digest(ctx, s);
	if (ran == 0)
		sa_case_skip(ctx, "nothing to compare: no RSA vector file, "
		                  "and no HMAC or digest mechanism or key the "
		                  "token accepts (see notes)");
out:
	sa_p11_close(ctx, &s);
}
