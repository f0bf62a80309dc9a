/* SIG-01 (catalogue F): cross-verification. Token-generated session keys
 * sign and OpenSSL verifies; OpenSSL signs with its own key, imported into
 * the token as a public session object, and the token verifies. One case
 * per family (RSA PKCS#1 v1.5, RSA-PSS, ECDSA, EdDSA), one check per
 * mechanism+hash and direction. */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "sigaudit/guard.h"

#include "sig_sign_int.h"

/* One key and the algorithms it signs with. */
typedef struct cross_key {
	const char *curve; /* sa_p11_ossl_curve name, NULL for RSA */
	CK_ULONG bits;     /* RSA modulus bits */
	const sa_ss_alg *algs;
	size_t n_algs;
} cross_key;

#define PSS(nm, m, h, md_, pre, mg, slen_)                                     \
	{                                                                      \
		nm, m, h, md_, pre, true, mg, md_, slen_                       \
	}

static const sa_ss_alg algs_rsa[] = {
    {"SHA256-RSA-PKCS", CKM_SHA256_RSA_PKCS, CKM_SHA256, "SHA256", false, false,
     0, NULL, -1},
    {"SHA384-RSA-PKCS", CKM_SHA384_RSA_PKCS, CKM_SHA384, "SHA384", false, false,
     0, NULL, -1},
    {"SHA512-RSA-PKCS", CKM_SHA512_RSA_PKCS, CKM_SHA512, "SHA512", false, false,
     0, NULL, -1},
};

/* sLen = hash length, MGF1 with the same hash: the usual profile (RFC 8017
 * §9.1 note, ETSI TS 119 312). */
static const sa_ss_alg algs_pss[] = {
    PSS("SHA256-RSA-PKCS-PSS", CKM_SHA256_RSA_PKCS_PSS, CKM_SHA256, "SHA256",
        false, CKG_MGF1_SHA256, 32),
    PSS("SHA384-RSA-PKCS-PSS", CKM_SHA384_RSA_PKCS_PSS, CKM_SHA384, "SHA384",
        false, CKG_MGF1_SHA384, 48),
    PSS("SHA512-RSA-PKCS-PSS", CKM_SHA512_RSA_PKCS_PSS, CKM_SHA512, "SHA512",
        false, CKG_MGF1_SHA512, 64),
    PSS("RSA-PKCS-PSS(SHA-256)", CKM_RSA_PKCS_PSS, CKM_SHA256, "SHA256", true,
        CKG_MGF1_SHA256, 32),
    PSS("RSA-PKCS-PSS(SHA-384)", CKM_RSA_PKCS_PSS, CKM_SHA384, "SHA384", true,
        CKG_MGF1_SHA384, 48),
    PSS("RSA-PKCS-PSS(SHA-512)", CKM_RSA_PKCS_PSS, CKM_SHA512, "SHA512", true,
        CKG_MGF1_SHA512, 64),
};

static const sa_ss_alg algs_p256[] = {
    {"ECDSA(SHA-256) P-256", CKM_ECDSA, CKM_SHA256, "SHA256", true, false, 0,
     NULL, -1},
    {"ECDSA-SHA256 P-256", CKM_ECDSA_SHA256, CKM_SHA256, "SHA256", false, false,
     0, NULL, -1},
};
static const sa_ss_alg algs_p384[] = {
    {"ECDSA(SHA-384) P-384", CKM_ECDSA, CKM_SHA384, "SHA384", true, false, 0,
     NULL, -1},
    {"ECDSA-SHA384 P-384", CKM_ECDSA_SHA384, CKM_SHA384, "SHA384", false, false,
     0, NULL, -1},
};
static const sa_ss_alg algs_p521[] = {
    {"ECDSA(SHA-512) P-521", CKM_ECDSA, CKM_SHA512, "SHA512", true, false, 0,
     NULL, -1},
    {"ECDSA-SHA512 P-521", CKM_ECDSA_SHA512, CKM_SHA512, "SHA512", false, false,
     0, NULL, -1},
};
static const sa_ss_alg algs_ed25519[] = {
    {"EDDSA Ed25519", CKM_EDDSA, 0, NULL, false, false, 0, NULL, -1},
};
static const sa_ss_alg algs_ed448[] = {
    {"EDDSA Ed448", CKM_EDDSA, 0, NULL, false, false, 0, NULL, -1},
};

#define KEY(c, b, a)                                                           \
	{                                                                      \
		c, b, a, SA_COUNTOF(a)                                         \
	}

static const cross_key keys_rsa[] = {KEY(NULL, 2048, algs_rsa)};
static const cross_key keys_pss[] = {KEY(NULL, 2048, algs_pss)};
static const cross_key keys_ecdsa[] = {
    KEY("P-256", 0, algs_p256),
    KEY("P-384", 0, algs_p384),
    KEY("P-521", 0, algs_p521),
};
static const cross_key keys_eddsa[] = {
    KEY("Ed25519", 0, algs_ed25519),
    KEY("Ed448", 0, algs_ed448),
};

/* The algorithm both ways. Returns whether it ran (a check recorded). */
static bool cross_alg(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                      CK_OBJECT_HANDLE priv, EVP_PKEY *tok_pub,
                      EVP_PKEY *ossl_key, CK_OBJECT_HANDLE ossl_pub,
                      const sa_ss_alg *a)
{
	sa_error *err = sa_case_err(ctx);
	unsigned char msg[173];
	sa_buf in = SA_BUF_INIT, sig = SA_BUF_INIT;
	CK_RSA_PKCS_PSS_PARAMS pss;
	CK_MECHANISM m;
	char what[160];
	bool valid = false, ran = false;
	CK_RV rv;

	sa_ss_mech(a, &pss, &m);
	if (sa_ss_random(msg, sizeof(msg), err) < 0 ||
	    sa_ss_input(a, msg, sizeof(msg), &in, err) < 0) {
		sa_case_error(ctx, "set-up: %s input: %s", a->name, err->msg);
		goto out;
	}
	ran = true;
	/* Token signs, OpenSSL verifies (Curr. Mech. §2.1/§2.3: the
	 * mechanism's output is a standard signature). */
	snprintf(what, sizeof(what), "%s: token signs (C_Sign)", a->name);
	rv = sa_ss_sign(ctx, s, priv, &m, in.data, in.len, &sig);
	if (sa_p11_check_rv(ctx, what, rv, CKR_OK, SA_STRICT_ONLY)) {
		snprintf(what, sizeof(what),
		         "%s: token signs, OpenSSL verifies", a->name);
		if (sa_ss_ossl_verify(tok_pub, a, in.data, in.len, sig.data,
		                      sig.len, &valid, err) < 0)
			sa_case_error(ctx, "%s: OpenSSL could not verify: %s",
			              a->name, err->msg);
		else
			sa_case_checkf(ctx, valid, what, "valid",
			               "%s (%zu-byte signature)",
			               valid ? "valid" : "INVALID", sig.len);
	}
	/* The reverse: a signature made elsewhere verifies on the token. */
	if (ossl_key == NULL || ossl_pub == CK_INVALID_HANDLE)
		goto out;
	if (sa_ss_ossl_sign(ossl_key, a, in.data, in.len, &sig, err) < 0) {
		sa_case_error(ctx, "set-up: OpenSSL %s sign: %s", a->name,
		              err->msg);
		goto out;
	}
	snprintf(what, sizeof(what), "%s: OpenSSL signs, token verifies",
	         a->name);
	rv = sa_ss_verify(ctx, s, ossl_pub, &m, in.data, in.len, sig.data,
	                  sig.len);
	sa_p11_check_rv(ctx, what, rv, CKR_OK, SA_STRICT_ONLY);
out:
	sa_buf_free(&sig);
	sa_buf_free(&in);
	return ran;
}

/* Refusals that mean "this curve or size is not offered". */
static bool cross_refused(CK_RV rv)
{
	return rv == CKR_CURVE_NOT_SUPPORTED ||
	       rv == CKR_DOMAIN_PARAMS_INVALID ||
	       rv == CKR_ATTRIBUTE_VALUE_INVALID ||
	       rv == CKR_TEMPLATE_INCONSISTENT || rv == CKR_KEY_SIZE_RANGE ||
	       rv == CKR_MECHANISM_INVALID;
}

static size_t cross_key_run(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                            const cross_key *k)
{
	const sa_p11_ossl_curve *c = NULL;
	CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE, priv = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE opub = CK_INVALID_HANDLE;
	CK_MECHANISM_TYPE gen = CKM_RSA_PKCS_KEY_PAIR_GEN;
	EVP_PKEY *tok = NULL, *ok = NULL;
	const char *kname = "RSA-2048";
	size_t i, listed = 0, ran = 0;
	CK_RV rv;

	if (k->curve != NULL) {
		c = sa_p11_ossl_curve_by_name(k->curve);
		if (c == NULL) {
			sa_case_error(ctx, "set-up: curve %s unknown",
			              k->curve);
			goto out;
		}
		kname = c->name;
		gen = c->edwards ? CKM_EC_EDWARDS_KEY_PAIR_GEN
		                 : CKM_EC_KEY_PAIR_GEN;
	}
	for (i = 0; i < k->n_algs; i++) {
		if (sa_case_has_mech(ctx, k->algs[i].mech))
			listed++;
		else
			sa_case_note(ctx,
			             "%s: the token does not list %s: "
			             "not run",
			             k->algs[i].name,
			             sa_p11_mech_name(k->algs[i].mech));
	}
	if (listed == 0)
		goto out;
	if (!sa_case_has_mech(ctx, gen)) {
		sa_case_note(ctx, "%s: the token does not list %s: not run",
		             kname, sa_p11_mech_name(gen));
		goto out;
	}
	rv = c == NULL ? sa_ss_gen_rsa(ctx, s, k->bits, &pub, &priv)
	               : sa_ss_gen_ec(ctx, s, c, &pub, &priv);
	if (rv != CKR_OK && c != NULL && cross_refused(rv)) {
		sa_case_note(ctx,
		             "%s: the token refuses to generate the key "
		             "(%s): not run",
		             kname, sa_p11_rv_name(rv));
		goto out;
	}
	if (sa_ss_setup(ctx, rv, "C_GenerateKeyPair") < 0)
		goto out;
	if (sa_p11_ossl_pubkey_from_token(ctx, s, pub, &tok) < 0) {
		sa_case_error(ctx, "set-up: %s public key from the token: %s",
		              kname, sa_case_err(ctx)->msg);
		goto out;
	}
	if (sa_ss_ossl_keygen(c == NULL ? "RSA" : c->ossl, (unsigned)k->bits,
	                      &ok, sa_case_err(ctx)) < 0) {
		sa_case_error(ctx, "set-up: OpenSSL %s key: %s", kname,
		              sa_case_err(ctx)->msg);
		goto out;
	}
	rv = sa_ss_import_pub(ctx, s, ok, &opub);
	if (rv != CKR_OK)
		sa_case_note(
		    ctx,
		    "%s: the token refuses to import an OpenSSL "
		    "public key (C_CreateObject: %s): the OpenSSL-signs "
		    "direction is not run",
		    kname, sa_p11_rv_name(rv));
	for (i = 0; i < k->n_algs; i++) {
		if (!sa_case_has_mech(ctx, k->algs[i].mech))
			continue;
		if (cross_alg(ctx, s, priv, tok, ok, opub, &k->algs[i]))
			ran++;
	}
out:
	EVP_PKEY_free(ok);
	EVP_PKEY_free(tok);
	sa_p11_destroy(ctx, s, &opub);
	sa_p11_destroy(ctx, s, &priv);
	sa_p11_destroy(ctx, s, &pub);
	return ran;
}

static void cross_run(sa_case_ctx *ctx, const cross_key *keys, size_t n)
{
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	size_t i, ran = 0;

	if (sa_ss_open(ctx, &s) < 0)
		goto out;
	for (i = 0; i < n; i++)
		ran += cross_key_run(ctx, s, &keys[i]);
	if (ran == 0)
		sa_case_skip(ctx, "none of the case's mechanisms and keys is "
		                  "offered by the token (see notes)");
out:
	sa_p11_close(ctx, &s);
}

void sa_ss_sig01_rsa(sa_case_ctx *ctx)
{
	cross_run(ctx, keys_rsa, SA_COUNTOF(keys_rsa));
}

void sa_ss_sig01_pss(sa_case_ctx *ctx)
{
	cross_run(ctx, keys_pss, SA_COUNTOF(keys_pss));
}

void sa_ss_sig01_ecdsa(sa_case_ctx *ctx)
{
	cross_run(ctx, keys_ecdsa, SA_COUNTOF(keys_ecdsa));
}

void sa_ss_sig01_eddsa(sa_case_ctx *ctx)
{
	cross_run(ctx, keys_eddsa, SA_COUNTOF(keys_eddsa));
}
