/* P11-MECH-05, the mechanism matrix (mech_matrix.h): what the case knows how
 * to exercise, and the exercises, one per kind of mechanism. Each sets the
 * cells of the flags the mechanism advertises; a flag it cannot exercise
 * is set "not exercised" with the reason. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sigaudit/buf.h"
#include "sigaudit/guard.h"

#include "mech_matrix.h"

static const unsigned char mm_msg[] = "sigaudit P11-MECH-05 mechanism matrix";
#define SA_MM_MSG_LEN (sizeof(mm_msg) - 1)

/* ---- what the case knows how to exercise ---- */

/* Digests: the FIPS 180-4 / RFC 1321 answers for "abc" where the test
 * vectors are classic; the others are computed by OpenSSL. */
static const struct mm_digest {
	CK_MECHANISM_TYPE m;
	const char *md;
	const char *kat;
} digests[] = {
    {CKM_MD5, "MD5", "900150983cd24fb0d6963f7d28e17f72"},
    {CKM_SHA_1, "SHA1", "a9993e364706816aba3e25717850c26c9cd0d89d"},
    {CKM_SHA224, "SHA224",
     "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7"},
    {CKM_SHA256, "SHA256",
     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
    {CKM_SHA384, "SHA384",
     "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
     "8086072ba1e7cc2358baeca134c825a7"},
    {CKM_SHA512, "SHA512",
     "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
     "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"},
    {CKM_SHA512_224, "SHA512-224", NULL},
    {CKM_SHA512_256, "SHA512-256", NULL},
    {0x2b5UL, "SHA3-224", NULL}, /* CKM_SHA3_224 (B3.0) */
    {0x2b0UL, "SHA3-256", NULL}, /* CKM_SHA3_256 */
    {0x2c0UL, "SHA3-384", NULL}, /* CKM_SHA3_384 */
    {0x2d0UL, "SHA3-512", NULL}, /* CKM_SHA3_512 */
    {CKM_RIPEMD160, "RIPEMD160", NULL},
};

/* Signatures and MACs. */
typedef enum mm_sigkind {
	SK_RSA_PKCS,   /* raw PKCS #1 v1.5: the caller's DigestInfo */
	SK_RSA_X509,   /* raw RSA */
	SK_RSA_PSS,    /* PSS over a hash the caller made */
	SK_RSA_PKCS_H, /* hash-and-sign PKCS #1 v1.5 */
	SK_RSA_PSS_H,  /* hash-and-sign PSS */
	SK_ECDSA,      /* ECDSA over a hash the caller made */
	SK_ECDSA_H,
	SK_EDDSA, /* pure EdDSA (RFC 8032) */
	SK_DSA,
	SK_DSA_H,
	SK_HMAC,
	SK_HMAC_GEN, /* CK_MAC_GENERAL_PARAMS: truncated HMAC */
	SK_CMAC,
} mm_sigkind;

static const struct mm_sig {
	CK_MECHANISM_TYPE m;
	mm_sigkind k;
	const char *md;          /* digest (OpenSSL name) */
	CK_MECHANISM_TYPE hmech; /* its CKM_ (PSS parameters) */
	CK_RSA_PKCS_MGF_TYPE mgf;
	size_t hlen;
	CK_KEY_TYPE kt; /* CMAC key type */
} sigs[] = {
    {CKM_RSA_PKCS, SK_RSA_PKCS, "SHA256", CKM_SHA256, 0, 32, 0},
    {CKM_RSA_X_509, SK_RSA_X509, NULL, 0, 0, 0, 0},
    {CKM_RSA_PKCS_PSS, SK_RSA_PSS, "SHA256", CKM_SHA256, CKG_MGF1_SHA256, 32,
     0},
    {CKM_MD5_RSA_PKCS, SK_RSA_PKCS_H, "MD5", CKM_MD5, 0, 16, 0},
    {CKM_SHA1_RSA_PKCS, SK_RSA_PKCS_H, "SHA1", CKM_SHA_1, 0, 20, 0},
    {CKM_SHA224_RSA_PKCS, SK_RSA_PKCS_H, "SHA224", CKM_SHA224, 0, 28, 0},
    {CKM_SHA256_RSA_PKCS, SK_RSA_PKCS_H, "SHA256", CKM_SHA256, 0, 32, 0},
    {CKM_SHA384_RSA_PKCS, SK_RSA_PKCS_H, "SHA384", CKM_SHA384, 0, 48, 0},
    {CKM_SHA512_RSA_PKCS, SK_RSA_PKCS_H, "SHA512", CKM_SHA512, 0, 64, 0},
    {CKM_SHA1_RSA_PKCS_PSS, SK_RSA_PSS_H, "SHA1", CKM_SHA_1, CKG_MGF1_SHA1, 20,
     0},
    {CKM_SHA224_RSA_PKCS_PSS, SK_RSA_PSS_H, "SHA224", CKM_SHA224,
     CKG_MGF1_SHA224, 28, 0},
    {CKM_SHA256_RSA_PKCS_PSS, SK_RSA_PSS_H, "SHA256", CKM_SHA256,
     CKG_MGF1_SHA256, 32, 0},
    {CKM_SHA384_RSA_PKCS_PSS, SK_RSA_PSS_H, "SHA384", CKM_SHA384,
     CKG_MGF1_SHA384, 48, 0},
    {CKM_SHA512_RSA_PKCS_PSS, SK_RSA_PSS_H, "SHA512", CKM_SHA512,
     CKG_MGF1_SHA512, 64, 0},
    {CKM_ECDSA, SK_ECDSA, "SHA256", CKM_SHA256, 0, 32, 0},
    {CKM_ECDSA_SHA1, SK_ECDSA_H, "SHA1", CKM_SHA_1, 0, 20, 0},
    {CKM_ECDSA_SHA224, SK_ECDSA_H, "SHA224", CKM_SHA224, 0, 28, 0},
    {CKM_ECDSA_SHA256, SK_ECDSA_H, "SHA256", CKM_SHA256, 0, 32, 0},
    {CKM_ECDSA_SHA384, SK_ECDSA_H, "SHA384", CKM_SHA384, 0, 48, 0},
    {CKM_ECDSA_SHA512, SK_ECDSA_H, "SHA512", CKM_SHA512, 0, 64, 0},
    {CKM_EDDSA, SK_EDDSA, NULL, 0, 0, 0, 0},
    {CKM_DSA, SK_DSA, NULL, 0, 0, 0, 0},
    {CKM_DSA_SHA1, SK_DSA_H, "SHA1", CKM_SHA_1, 0, 20, 0},
    {CKM_DSA_SHA224, SK_DSA_H, "SHA224", CKM_SHA224, 0, 28, 0},
    {CKM_DSA_SHA256, SK_DSA_H, "SHA256", CKM_SHA256, 0, 32, 0},
    {CKM_DSA_SHA384, SK_DSA_H, "SHA384", CKM_SHA384, 0, 48, 0},
    {CKM_DSA_SHA512, SK_DSA_H, "SHA512", CKM_SHA512, 0, 64, 0},
    {CKM_MD5_HMAC, SK_HMAC, "MD5", CKM_MD5, 0, 16, 0},
    {CKM_SHA_1_HMAC, SK_HMAC, "SHA1", CKM_SHA_1, 0, 20, 0},
    {CKM_SHA224_HMAC, SK_HMAC, "SHA224", CKM_SHA224, 0, 28, 0},
    {CKM_SHA256_HMAC, SK_HMAC, "SHA256", CKM_SHA256, 0, 32, 0},
    {CKM_SHA384_HMAC, SK_HMAC, "SHA384", CKM_SHA384, 0, 48, 0},
    {CKM_SHA512_HMAC, SK_HMAC, "SHA512", CKM_SHA512, 0, 64, 0},
    {CKM_MD5_HMAC_GENERAL, SK_HMAC_GEN, "MD5", CKM_MD5, 0, 16, 0},
    {CKM_SHA_1_HMAC_GENERAL, SK_HMAC_GEN, "SHA1", CKM_SHA_1, 0, 20, 0},
    {CKM_SHA224_HMAC_GENERAL, SK_HMAC_GEN, "SHA224", CKM_SHA224, 0, 28, 0},
    {CKM_SHA256_HMAC_GENERAL, SK_HMAC_GEN, "SHA256", CKM_SHA256, 0, 32, 0},
    {CKM_SHA384_HMAC_GENERAL, SK_HMAC_GEN, "SHA384", CKM_SHA384, 0, 48, 0},
    {CKM_SHA512_HMAC_GENERAL, SK_HMAC_GEN, "SHA512", CKM_SHA512, 0, 64, 0},
    {CKM_AES_CMAC, SK_CMAC, NULL, 0, 0, 16, CKK_AES},
    {CKM_DES3_CMAC, SK_CMAC, NULL, 0, 0, 8, CKK_DES3},
};

/* Symmetric ciphers (encryption and key wrapping). */
typedef enum mm_pkind { PM_NONE, PM_IV, PM_CTR, PM_GCM } mm_pkind;

static const struct mm_sym {
	CK_MECHANISM_TYPE m;
	CK_KEY_TYPE kt;
	const char *mode; /* OpenSSL mode suffix */
	bool pad;         /* PKCS #7 padding */
	mm_pkind pk;
	size_t blk; /* input must be a multiple of this (0: any length) */
} syms[] = {
    {CKM_AES_ECB, CKK_AES, "ECB", false, PM_NONE, 16},
    {CKM_AES_CBC, CKK_AES, "CBC", false, PM_IV, 16},
    {CKM_AES_CBC_PAD, CKK_AES, "CBC", true, PM_IV, 0},
    {CKM_AES_CTR, CKK_AES, "CTR", false, PM_CTR, 0},
    {CKM_AES_GCM, CKK_AES, "GCM", false, PM_GCM, 0},
    {CKM_AES_OFB, CKK_AES, "OFB", false, PM_IV, 0},
    {CKM_AES_CFB8, CKK_AES, "CFB8", false, PM_IV, 0},
    {CKM_AES_CFB128, CKK_AES, "CFB", false, PM_IV, 0},
    /* RFC 3394 / RFC 5649 with the default IV (no parameter). */
    {CKM_AES_KEY_WRAP, CKK_AES, "WRAP", false, PM_NONE, 8},
    {CKM_AES_KEY_WRAP_PAD, CKK_AES, "WRAP-PAD", false, PM_NONE, 0},
    {0x210bUL, CKK_AES, "WRAP-PAD", false, PM_NONE, 0}, /* _KWP (B3.0) */
    {CKM_DES_ECB, CKK_DES, "ECB", false, PM_NONE, 8},
    {CKM_DES_CBC, CKK_DES, "CBC", false, PM_IV, 8},
    {CKM_DES_CBC_PAD, CKK_DES, "CBC", true, PM_IV, 0},
    {CKM_DES3_ECB, CKK_DES3, "ECB", false, PM_NONE, 8},
    {CKM_DES3_CBC, CKK_DES3, "CBC", false, PM_IV, 8},
    {CKM_DES3_CBC_PAD, CKK_DES3, "CBC", true, PM_IV, 0},
};

/* RSA encryption. */
static const struct mm_rsa_enc {
	CK_MECHANISM_TYPE m;
	sa_mm_rsa_pad pad;
} rsa_encs[] = {
    {CKM_RSA_PKCS, SA_MM_RSA_PKCS1},
    {CKM_RSA_PKCS_OAEP, SA_MM_RSA_OAEP},
    {CKM_RSA_X_509, SA_MM_RSA_RAW},
};

/* Key and parameter generation. */
typedef enum mm_kgkind { KG_SECRET, KG_PAIR, KG_PARAMS } mm_kgkind;

static const struct mm_kg {
	CK_MECHANISM_TYPE m;
	mm_kgkind k;
	CK_KEY_TYPE kt;
	sa_mm_fam fam;
} kgs[] = {
    {CKM_AES_KEY_GEN, KG_SECRET, CKK_AES, SA_MMK_RSA},
    {CKM_DES_KEY_GEN, KG_SECRET, CKK_DES, SA_MMK_RSA},
    {CKM_DES2_KEY_GEN, KG_SECRET, CKK_DES2, SA_MMK_RSA},
    {CKM_DES3_KEY_GEN, KG_SECRET, CKK_DES3, SA_MMK_RSA},
    {CKM_GENERIC_SECRET_KEY_GEN, KG_SECRET, CKK_GENERIC_SECRET, SA_MMK_RSA},
    {CKM_RSA_PKCS_KEY_PAIR_GEN, KG_PAIR, 0, SA_MMK_RSA},
    {CKM_EC_KEY_PAIR_GEN, KG_PAIR, 0, SA_MMK_EC},
    {CKM_EC_EDWARDS_KEY_PAIR_GEN, KG_PAIR, 0, SA_MMK_ED},
    {CKM_DSA_KEY_PAIR_GEN, KG_PAIR, 0, SA_MMK_DSA},
    {CKM_DH_PKCS_KEY_PAIR_GEN, KG_PAIR, 0, SA_MMK_DH},
    {CKM_DSA_PARAMETER_GEN, KG_PARAMS, CKK_DSA, SA_MMK_DSA},
    {CKM_DH_PKCS_PARAMETER_GEN, KG_PARAMS, CKK_DH, SA_MMK_DH},
};

/* Key derivation with parameters the case knows. */
typedef enum mm_drvkind { DRV_ECDH, DRV_DH, DRV_ENC } mm_drvkind;

static const struct mm_drv {
	CK_MECHANISM_TYPE m;
	mm_drvkind k;
	CK_KEY_TYPE kt;
	const char *mode;
} drvs[] = {
    {CKM_ECDH1_DERIVE, DRV_ECDH, 0, NULL},
    /* With a cofactor-1 curve (P-256) the same secret as ECDH1. */
    {CKM_ECDH1_COFACTOR_DERIVE, DRV_ECDH, 0, NULL},
    {CKM_DH_PKCS_DERIVE, DRV_DH, 0, NULL},
    {CKM_AES_ECB_ENCRYPT_DATA, DRV_ENC, CKK_AES, "ECB"},
    {CKM_AES_CBC_ENCRYPT_DATA, DRV_ENC, CKK_AES, "CBC"},
    {CKM_DES_ECB_ENCRYPT_DATA, DRV_ENC, CKK_DES, "ECB"},
    {CKM_DES_CBC_ENCRYPT_DATA, DRV_ENC, CKK_DES, "CBC"},
    {CKM_DES3_ECB_ENCRYPT_DATA, DRV_ENC, CKK_DES3, "ECB"},
    {CKM_DES3_CBC_ENCRYPT_DATA, DRV_ENC, CKK_DES3, "CBC"},
};

/* The key family a mechanism uses, or -1 (secret keys, digests). */
int sa_mm_mech_fam(CK_MECHANISM_TYPE t)
{
	size_t i;
	int fam = -1;

	for (i = 0; i < SA_COUNTOF(sigs) && fam < 0; i++) {
		if (sigs[i].m != t)
			continue;
		switch (sigs[i].k) {
		case SK_ECDSA:
		case SK_ECDSA_H:
			fam = SA_MMK_EC;
			break;
		case SK_EDDSA:
			fam = SA_MMK_ED;
			break;
		case SK_DSA:
		case SK_DSA_H:
			fam = SA_MMK_DSA;
			break;
		case SK_HMAC:
		case SK_HMAC_GEN:
		case SK_CMAC:
			break;
		default:
			fam = SA_MMK_RSA;
			break;
		}
	}
	for (i = 0; i < SA_COUNTOF(rsa_encs) && fam < 0; i++)
		if (rsa_encs[i].m == t)
			fam = SA_MMK_RSA;
	for (i = 0; i < SA_COUNTOF(drvs) && fam < 0; i++)
		if (drvs[i].m == t && drvs[i].k != DRV_ENC)
			fam = drvs[i].k == DRV_ECDH ? SA_MMK_EC : SA_MMK_DH;
	return fam;
}

CK_FLAGS sa_mm_fam_usage(struct sa_mm *m, sa_mm_fam fam)
{
	const CK_FLAGS ops = CKF_ENCRYPT | CKF_DECRYPT | CKF_SIGN | CKF_VERIFY |
	                     CKF_SIGN_RECOVER | CKF_VERIFY_RECOVER | CKF_WRAP |
	                     CKF_UNWRAP | CKF_DERIVE;
	CK_FLAGS use = 0;
	CK_ULONG i;

	for (i = 0; i < m->n; i++)
		if (m->rows[i].info_rv == CKR_OK &&
		    sa_mm_mech_fam(m->rows[i].type) == (int)fam)
			use |= m->rows[i].info.flags & ops;
	/* A pair made only for GENERATE_KEY_PAIR still gets a usage. */
	if (use == 0)
		use = fam == SA_MMK_DH ? CKF_DERIVE : CKF_SIGN | CKF_VERIFY;
	return use;
}

/* ---- DIGEST ---- */

static int hex_val(char c)
{
	int v = -1;

	if (c >= '0' && c <= '9')
		v = c - '0';
	else if (c >= 'a' && c <= 'f')
		v = c - 'a' + 10;
	return v;
}

static void unhex(const char *hex, sa_buf *out)
{
	size_t i, n = strlen(hex) / 2;
	unsigned char b;

	sa_buf_reset(out);
	for (i = 0; i < n; i++) {
		b = (unsigned char)(hex_val(hex[2 * i]) * 16 +
		                    hex_val(hex[2 * i + 1]));
		(void)sa_buf_append(out, &b, 1);
	}
}

static void ex_digest(struct sa_mm *m, struct sa_mm_row *r,
                      const struct mm_digest *k)
{
	static const unsigned char abc[] = "abc";
	CK_MECHANISM mech = {r->type, NULL, 0};
	sa_buf out = SA_BUF_INIT, want = SA_BUF_INIT;
	struct sa_mm_rv rv;
	const char *src = "FIPS 180-4 / RFC 1321 answer";

	if (!sa_mm_adv(r, SA_MM_DIGEST))
		goto out;
	if (k->kat != NULL) {
		unhex(k->kat, &want);
	} else if (sa_mm_ossl_digest(k->md, abc, 3, &want,
	                             sa_case_err(m->ctx)) < 0) {
		want.len = 0;
		src = NULL;
	} else {
		src = "OpenSSL";
	}
	rv = sa_mm_crypt(m, NULL, "C_DigestInit", m->fl->C_Digest, "C_Digest",
	                 &mech, CK_INVALID_HANDLE, abc, 3, &out);
	if (!sa_mm_rv_ok(rv)) {
		sa_mm_cell_rv(r, SA_MM_DIGEST, rv);
		goto out;
	}
	if (src == NULL)
		sa_mm_cell_set(
		    r, SA_MM_DIGEST, SA_MM_WORKS,
		    "CKR_OK, %zu bytes; not checked: OpenSSL has no %s",
		    out.len, k->md);
	else if (sa_mm_same(&out, want.data, want.len))
		sa_mm_cell_set(r, SA_MM_DIGEST, SA_MM_WORKS,
		               "\"abc\" matches the %s", src);
	else
		sa_mm_cell_set(r, SA_MM_DIGEST, SA_MM_FAILS,
		               "digest of \"abc\" differs from the %s", src);
out:
	sa_buf_free(&out);
	sa_buf_free(&want);
}

/* ---- SIGN / VERIFY / SIGN_RECOVER / VERIFY_RECOVER ---- */

/* DigestInfo prefix of SHA-256 (RFC 8017 §9.2 note 1). */
static const unsigned char di_sha256[] = {
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
    0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};

static bool sig_asym(mm_sigkind k)
{
	return k != SK_HMAC && k != SK_HMAC_GEN && k != SK_CMAC;
}

/* Everything one signature mechanism needs while it is exercised. */
struct mm_sigrun {
	const struct mm_sig *k;
	struct sa_mm_pair *kp;
	struct sa_mm_secret *sk;
	CK_MECHANISM mech;
	CK_RSA_PKCS_PSS_PARAMS pss;
	CK_ULONG glen;
	sa_buf tbs;    /* what C_Sign gets */
	sa_buf hash;   /* the hash OpenSSL verifies (hash-and-sign) */
	sa_buf expect; /* MACs: OpenSSL's answer */
	sa_buf sig;
	bool have_expect;
};

/* The input for C_Sign and what OpenSSL needs to check the result. */
static int sig_input(struct sa_mm *m, struct mm_sigrun *s)
{
	sa_error *err = sa_case_err(m->ctx);
	const struct mm_sig *k = s->k;
	char cipher[32];
	int rc = 0;

	switch (k->k) {
	case SK_RSA_PKCS:
		SA_TRY(sa_mm_ossl_digest("SHA256", mm_msg, SA_MM_MSG_LEN,
		                         &s->hash, err));
		SA_TRY(sa_buf_append(&s->tbs, di_sha256, sizeof(di_sha256)));
		SA_TRY(sa_buf_append(&s->tbs, s->hash.data, s->hash.len));
		break;
	case SK_RSA_X509:
		/* A modulus-sized block below n (top byte 0). */
		SA_TRY(sa_buf_reserve(&s->tbs, s->kp->mod_len));
		sa_mm_rand(s->tbs.data, s->kp->mod_len);
		s->tbs.data[0] = 0;
		s->tbs.len = s->kp->mod_len;
		break;
	case SK_RSA_PSS:
	case SK_ECDSA:
		SA_TRY(sa_mm_ossl_digest(k->md, mm_msg, SA_MM_MSG_LEN, &s->hash,
		                         err));
		SA_TRY(sa_buf_append(&s->tbs, s->hash.data, s->hash.len));
		break;
	case SK_DSA:
		/* CKM_DSA signs a hash of the subprime's length (FIPS 186-4
		 * §4.6: the leftmost bits of the hash). */
		SA_TRY(
		    sa_mm_ossl_digest(s->kp->q_len > 32 ? "SHA512" : "SHA256",
		                      mm_msg, SA_MM_MSG_LEN, &s->hash, err));
		if (s->hash.len > s->kp->q_len)
			s->hash.len = s->kp->q_len;
		SA_TRY(sa_buf_append(&s->tbs, s->hash.data, s->hash.len));
		break;
	case SK_RSA_PKCS_H:
	case SK_RSA_PSS_H:
	case SK_ECDSA_H:
	case SK_DSA_H:
		SA_TRY(sa_mm_ossl_digest(k->md, mm_msg, SA_MM_MSG_LEN, &s->hash,
		                         err));
		/* fall through */
	case SK_EDDSA:
		SA_TRY(sa_buf_append(&s->tbs, mm_msg, SA_MM_MSG_LEN));
		break;
	case SK_HMAC:
	case SK_HMAC_GEN:
	case SK_CMAC:
		SA_TRY(sa_buf_append(&s->tbs, mm_msg, SA_MM_MSG_LEN));
		if (!s->sk->known)
			break;
		if (k->k == SK_CMAC) {
			sa_mm_cipher_name(cipher, sizeof(cipher), k->kt,
			                  s->sk->len, "CBC");
			rc = sa_mm_ossl_mac("CMAC", cipher, s->sk->val,
			                    s->sk->len, mm_msg, SA_MM_MSG_LEN,
			                    &s->expect, err);
		} else {
			rc = sa_mm_ossl_mac("HMAC", k->md, s->sk->val,
			                    s->sk->len, mm_msg, SA_MM_MSG_LEN,
			                    &s->expect, err);
		}
		if (rc == SA_E_UNSUPPORTED) {
			rc = 0;
			break;
		}
		SA_TRY(rc);
		if (k->k == SK_HMAC_GEN && s->expect.len > s->glen)
			s->expect.len = (size_t)s->glen;
		s->have_expect = true;
		break;
	}
	if (k->k == SK_RSA_PSS || k->k == SK_RSA_PSS_H) {
		/* Salt as long as the hash: the usual choice (RFC 8017
		 * §9.1 note 4) that every token supports. */
		s->pss.hashAlg = k->hmech;
		s->pss.mgf = k->mgf;
		s->pss.sLen = (CK_ULONG)k->hlen;
		s->mech.pParameter = &s->pss;
		s->mech.ulParameterLen = sizeof(s->pss);
	} else if (k->k == SK_HMAC_GEN) {
		s->mech.pParameter = &s->glen;
		s->mech.ulParameterLen = sizeof(s->glen);
	}
out:
	return rc;
}

/* OpenSSL's opinion of a token signature: 1 valid, 0 invalid, -1 no
 * independent check possible (*why says why). */
static int sig_indep(struct sa_mm *m, struct mm_sigrun *s, const sa_buf *sig,
                     const char **why)
{
	sa_error *err = sa_case_err(m->ctx);
	const struct mm_sig *k = s->k;
	sa_buf tmp = SA_BUF_INIT;
	bool valid = false;
	int res = -1, rc = 0;

	if (!sig_asym(k->k)) {
		if (s->have_expect)
			res = sa_mm_same(sig, s->expect.data, s->expect.len);
		else
			*why = "OpenSSL has no such MAC here";
		goto out;
	}
	if (s->kp->pkey == NULL) {
		*why = "public key not usable by OpenSSL";
		goto out;
	}
	switch (k->k) {
	case SK_RSA_PKCS:
	case SK_ECDSA:
	case SK_ECDSA_H:
	case SK_EDDSA:
		rc = sa_p11_ossl_verify(s->kp->pkey, s->mech.mechanism,
		                        s->tbs.data, s->tbs.len, sig->data,
		                        sig->len, &valid, err);
		break;
	case SK_RSA_X509:
		rc = sa_mm_ossl_rsa_encrypt(s->kp->pkey, SA_MM_RSA_RAW, NULL,
		                            sig->data, sig->len, &tmp, err);
		valid = rc == 0 && sa_mm_same(&tmp, s->tbs.data, s->tbs.len);
		if (rc < 0 && sig->len != s->kp->mod_len)
			rc = 0; /* wrong length: invalid, not an error */
		break;
	case SK_RSA_PSS:
		rc = sa_mm_ossl_rsa_verify(s->kp->pkey, k->md, true, k->hlen,
		                           s->hash.data, s->hash.len, sig->data,
		                           sig->len, &valid, err);
		break;
	case SK_RSA_PKCS_H:
	case SK_RSA_PSS_H:
		rc = sa_mm_ossl_rsa_verify(s->kp->pkey, k->md,
		                           k->k == SK_RSA_PSS_H, k->hlen,
		                           s->hash.data, s->hash.len, sig->data,
		                           sig->len, &valid, err);
		break;
	case SK_DSA:
	case SK_DSA_H:
		rc = sa_mm_ossl_dsa_verify(s->kp->pkey, s->kp->q_len,
		                           s->hash.data, s->hash.len, sig->data,
		                           sig->len, &valid, err);
		break;
	default:
		break;
	}
	if (rc < 0) {
		snprintf(m->why, sizeof(m->why), "OpenSSL could not verify: %s",
		         err->msg);
		*why = m->why;
		goto out;
	}
	res = valid ? 1 : 0;
out:
	sa_buf_free(&tmp);
	return res;
}

static void ex_verify(struct sa_mm *m, struct sa_mm_row *r, struct mm_sigrun *s,
                      CK_OBJECT_HANDLE vkey, int indep, bool signed_ok,
                      const char *why)
{
	const sa_buf *cand = NULL;
	sa_buf bad = SA_BUF_INIT;
	struct sa_mm_rv good, tamp;
	int known = -1; /* validity of the candidate */

	if (s->have_expect) {
		cand = &s->expect;
		known = 1;
	} else if (signed_ok) {
		cand = &s->sig;
		known = indep;
	}
	if (cand == NULL || cand->len == 0) {
		sa_mm_cell_set(r, SA_MM_VERIFY, SA_MM_NOTEX,
		               "no signature to verify: SIGN %s",
		               sa_mm_adv(r, SA_MM_SIGN) ? "failed"
		                                        : "not advertised");
		goto out;
	}
	good = sa_mm_verify(m, &s->mech, vkey, s->tbs.data, s->tbs.len,
	                    cand->data, cand->len);
	if (known == 0) {
		/* The token's own signature is invalid (SIGN fails): all
		 * that can be asked of C_Verify is to reject it. */
		if (good.rv == CKR_SIGNATURE_INVALID)
			sa_mm_cell_set(
			    r, SA_MM_VERIFY, SA_MM_WORKS,
			    "rejects the invalid signature SIGN made");
		else
			sa_mm_cell_set(
			    r, SA_MM_VERIFY, SA_MM_FAILS,
			    "%s %s on a signature OpenSSL finds invalid",
			    good.where, sa_p11_rv_name(good.rv));
		goto out;
	}
	if (good.rv != CKR_OK) {
		sa_mm_cell_set(r, SA_MM_VERIFY, SA_MM_FAILS,
		               "%s %s on a %s signature", good.where,
		               sa_p11_rv_name(good.rv),
		               known == 1 ? "valid" : "its own");
		if (known < 0)
			sa_mm_cell_set(r, SA_MM_SIGN, SA_MM_FAILS,
			               "its signature fails C_Verify (%s); no "
			               "independent check: %s",
			               sa_p11_rv_name(good.rv), why);
		goto out;
	}
	if (known < 0)
		sa_mm_cell_set(r, SA_MM_SIGN, SA_MM_WORKS,
		               "accepted by C_Verify; no independent check: %s",
		               why);
	/* A verifier that accepts everything does not work: the same
	 * signature with its last bit flipped must be refused. */
	if (sa_buf_append(&bad, cand->data, cand->len) < 0)
		goto out;
	bad.data[bad.len - 1] ^= 0x01;
	tamp = sa_mm_verify(m, &s->mech, vkey, s->tbs.data, s->tbs.len,
	                    bad.data, bad.len);
	if (tamp.rv == CKR_SIGNATURE_INVALID)
		sa_mm_cell_set(r, SA_MM_VERIFY, SA_MM_WORKS,
		               "accepts a %s signature, rejects it corrupted",
		               known == 1 ? "valid" : "its own");
	else if (tamp.rv == CKR_OK)
		sa_mm_cell_set(r, SA_MM_VERIFY, SA_MM_FAILS,
		               "accepts a corrupted signature");
	else
		sa_mm_cell_set(r, SA_MM_VERIFY, SA_MM_FAILS,
		               "%s %s on a corrupted signature (expected "
		               "CKR_SIGNATURE_INVALID)",
		               tamp.where, sa_p11_rv_name(tamp.rv));
out:
	sa_buf_free(&bad);
}

/* C_SignRecover / C_VerifyRecover: only raw RSA, where the recovered data
 * is defined (B2.40 §5.12-5.13, Curr. Mech. §2.1.6-2.1.7 (unconfirmed)). */
static void ex_recover(struct sa_mm *m, struct sa_mm_row *r,
                       struct mm_sigrun *s, int indep)
{
	sa_error *err = sa_case_err(m->ctx);
	sa_buf data = SA_BUF_INIT, sig = SA_BUF_INIT, back = SA_BUF_INIT;
	sa_buf tmp = SA_BUF_INIT;
	struct sa_mm_rv rv;
	bool valid = false, sr_ok = false;
	int rc;

	if (s->k->k != SK_RSA_PKCS && s->k->k != SK_RSA_X509) {
		sa_mm_cell_set(
		    r, SA_MM_SIGN_RECOVER, SA_MM_NOTEX,
		    "signing with recovery is exercised for raw RSA only");
		sa_mm_cell_set(
		    r, SA_MM_VERIFY_RECOVER, SA_MM_NOTEX,
		    "verification with recovery is exercised for raw RSA "
		    "only");
		goto out;
	}
	/* PKCS #1 v1.5 recovers any short message; raw RSA the block. */
	if (s->k->k == SK_RSA_PKCS)
		(void)sa_buf_append(&data, s->hash.data, s->hash.len);
	else
		(void)sa_buf_append(&data, s->tbs.data, s->tbs.len);
	if (sa_mm_adv(r, SA_MM_SIGN_RECOVER)) {
		rv = sa_mm_crypt(m, m->fl->C_SignRecoverInit,
		                 "C_SignRecoverInit", m->fl->C_SignRecover,
		                 "C_SignRecover", &s->mech, s->kp->priv,
		                 data.data, data.len, &sig);
		if (!sa_mm_rv_ok(rv)) {
			sa_mm_cell_rv(r, SA_MM_SIGN_RECOVER, rv);
		} else if (s->kp->pkey == NULL) {
			sa_mm_cell_set(
			    r, SA_MM_SIGN_RECOVER, SA_MM_WORKS,
			    "CKR_OK; not checked: public key not usable "
			    "by OpenSSL");
		} else {
			if (s->k->k == SK_RSA_PKCS) {
				rc = sa_p11_ossl_verify(
				    s->kp->pkey, CKM_RSA_PKCS, data.data,
				    data.len, sig.data, sig.len, &valid, err);
			} else {
				rc = sa_mm_ossl_rsa_encrypt(
				    s->kp->pkey, SA_MM_RSA_RAW, NULL, sig.data,
				    sig.len, &tmp, err);
				valid = rc == 0 &&
				        sa_mm_same(&tmp, data.data, data.len);
			}
			sr_ok = rc == 0 && valid;
			sa_mm_cell_set(r, SA_MM_SIGN_RECOVER,
			               sr_ok ? SA_MM_WORKS : SA_MM_FAILS, "%s",
			               sr_ok ? "verified by OpenSSL"
			                     : "signature invalid (OpenSSL)");
		}
	}
	if (!sa_mm_adv(r, SA_MM_VERIFY_RECOVER))
		goto out;
	/* A signature known to be valid: from C_SignRecover, else the
	 * plain C_Sign one over tbs. */
	if (!sr_ok) {
		if (indep != 1) {
			sa_mm_cell_set(
			    r, SA_MM_VERIFY_RECOVER, SA_MM_NOTEX,
			    "no signature known to be valid to recover "
			    "from");
			goto out;
		}
		sa_buf_reset(&data);
		sa_buf_reset(&sig);
		(void)sa_buf_append(&data, s->tbs.data, s->tbs.len);
		(void)sa_buf_append(&sig, s->sig.data, s->sig.len);
	}
	rv = sa_mm_crypt(m, m->fl->C_VerifyRecoverInit, "C_VerifyRecoverInit",
	                 m->fl->C_VerifyRecover, "C_VerifyRecover", &s->mech,
	                 s->kp->pub, sig.data, sig.len, &back);
	if (!sa_mm_rv_ok(rv))
		sa_mm_cell_rv(r, SA_MM_VERIFY_RECOVER, rv);
	else if (sa_mm_same(&back, data.data, data.len))
		sa_mm_cell_set(r, SA_MM_VERIFY_RECOVER, SA_MM_WORKS,
		               "recovers the signed data");
	else
		sa_mm_cell_set(
		    r, SA_MM_VERIFY_RECOVER, SA_MM_FAILS,
		    "recovered %zu bytes that are not the signed data",
		    back.len);
out:
	sa_buf_free(&data);
	sa_buf_free(&sig);
	sa_buf_free(&back);
	sa_buf_free(&tmp);
}

static const enum sa_mm_col sig_cols[] = {
    SA_MM_SIGN, SA_MM_VERIFY, SA_MM_SIGN_RECOVER, SA_MM_VERIFY_RECOVER};

/* HMAC key length in bytes: the hash length, moved into the advertised
 * range (B2.40 gives HMAC key sizes in bytes (unconfirmed)). */
static size_t hmac_len(const struct sa_mm_row *r, size_t hlen)
{
	CK_ULONG lo, hi;
	size_t len = hlen;

	sa_mm_range(r, &lo, &hi);
	if (len < lo)
		len = (size_t)lo;
	if (len > hi)
		len = (size_t)hi;
	return len <= SA_MM_KEY_MAX ? len : 0;
}

static void ex_sign(struct sa_mm *m, struct sa_mm_row *r,
                    const struct mm_sig *k)
{
	struct mm_sigrun s;
	CK_OBJECT_HANDLE skey, vkey;
	const char *why = NULL, *iwhy = "";
	struct sa_mm_rv rv;
	int indep = -1;
	bool signed_ok = false;

	memset(&s, 0, sizeof(s));
	s.k = k;
	s.mech.mechanism = r->type;
	s.glen = (CK_ULONG)(k->hlen / 2);
	if (!sa_mm_adv(r, SA_MM_SIGN) && !sa_mm_adv(r, SA_MM_VERIFY) &&
	    !sa_mm_adv(r, SA_MM_SIGN_RECOVER) &&
	    !sa_mm_adv(r, SA_MM_VERIFY_RECOVER))
		goto out;
	switch (k->k) {
	case SK_ECDSA:
	case SK_ECDSA_H:
		s.kp = sa_mm_pair_get(m, SA_MMK_EC, r, &why);
		break;
	case SK_EDDSA:
		s.kp = sa_mm_pair_get(m, SA_MMK_ED, r, &why);
		break;
	case SK_DSA:
	case SK_DSA_H:
		s.kp = sa_mm_pair_get(m, SA_MMK_DSA, r, &why);
		break;
	case SK_HMAC:
	case SK_HMAC_GEN:
		s.sk = sa_mm_secret_get(m, CKK_GENERIC_SECRET,
		                        hmac_len(r, k->hlen), &why);
		break;
	case SK_CMAC:
		s.sk = sa_mm_secret_get(m, k->kt, sa_mm_secret_len(r, k->kt),
		                        &why);
		break;
	default:
		s.kp = sa_mm_pair_get(m, SA_MMK_RSA, r, &why);
		break;
	}
	if (s.kp == NULL && s.sk == NULL) {
		sa_mm_cells_notex(r, sig_cols, SA_COUNTOF(sig_cols), why);
		goto out;
	}
	skey = s.kp != NULL ? s.kp->priv : s.sk->h;
	vkey = s.kp != NULL ? s.kp->pub : s.sk->h;
	if (sig_input(m, &s) < 0) {
		snprintf(m->why, sizeof(m->why), "no input: %s",
		         sa_case_err(m->ctx)->msg);
		sa_mm_cells_notex(r, sig_cols, SA_COUNTOF(sig_cols), m->why);
		goto out;
	}
	if (sa_mm_adv(r, SA_MM_SIGN)) {
		rv = sa_mm_crypt(m, m->fl->C_SignInit, "C_SignInit",
		                 m->fl->C_Sign, "C_Sign", &s.mech, skey,
		                 s.tbs.data, s.tbs.len, &s.sig);
		if (!sa_mm_rv_ok(rv)) {
			sa_mm_cell_rv(r, SA_MM_SIGN, rv);
		} else {
			signed_ok = s.sig.len > 0;
			indep = sig_indep(m, &s, &s.sig, &iwhy);
			if (indep == 1)
				sa_mm_cell_set(r, SA_MM_SIGN, SA_MM_WORKS, "%s",
				               sig_asym(k->k)
				                   ? "verified by OpenSSL"
				                   : "MAC matches OpenSSL");
			else if (indep == 0)
				sa_mm_cell_set(
				    r, SA_MM_SIGN, SA_MM_FAILS, "%s",
				    sig_asym(k->k)
				        ? "signature invalid (OpenSSL)"
				        : "MAC differs from OpenSSL's");
		}
	}
	if (sa_mm_adv(r, SA_MM_VERIFY))
		ex_verify(m, r, &s, vkey, indep, signed_ok, iwhy);
	if (signed_ok && indep < 0)
		sa_mm_cell_set(r, SA_MM_SIGN, SA_MM_WORKS,
		               "CKR_OK; signature not checked: %s", iwhy);
	if (s.kp != NULL && (sa_mm_adv(r, SA_MM_SIGN_RECOVER) ||
	                     sa_mm_adv(r, SA_MM_VERIFY_RECOVER)))
		ex_recover(m, r, &s, indep);
	sa_mm_cells_notex(r, sig_cols, SA_COUNTOF(sig_cols),
	                  "no test for this flag of this mechanism");
out:
	sa_buf_free(&s.tbs);
	sa_buf_free(&s.hash);
	sa_buf_free(&s.expect);
	sa_buf_free(&s.sig);
}

/* ---- ENCRYPT / DECRYPT / WRAP / UNWRAP ---- */

static const enum sa_mm_col enc_cols[] = {SA_MM_ENCRYPT, SA_MM_DECRYPT,
                                          SA_MM_WRAP, SA_MM_UNWRAP};

/* Mechanism parameters of the symmetric modes (Curr. Mech. v2.40 §2.10
 * (unconfirmed)): a fresh IV, a 32-bit counter that cannot wrap within the
 * data, GCM with a 96-bit IV, 16 bytes of AAD and a 128-bit tag. */
struct mm_sympar {
	CK_MECHANISM mech;
	unsigned char iv[16];
	size_t iv_len;
	CK_AES_CTR_PARAMS ctr;
	CK_GCM_PARAMS gcm;
	unsigned char aad[16];
	size_t aad_len, tag_len;
};

static void sym_params(struct mm_sympar *p, const struct mm_sym *k,
                       CK_MECHANISM_TYPE type)
{
	size_t blk = k->kt == CKK_AES ? 16 : 8;

	memset(p, 0, sizeof(*p));
	p->mech.mechanism = type;
	switch (k->pk) {
	case PM_NONE:
		break;
	case PM_IV:
		p->iv_len = blk;
		sa_mm_rand(p->iv, blk);
		p->mech.pParameter = p->iv;
		p->mech.ulParameterLen = (CK_ULONG)blk;
		break;
	case PM_CTR:
		p->iv_len = 16;
		sa_mm_rand(p->iv, 12);
		p->ctr.ulCounterBits = 32;
		memcpy(p->ctr.cb, p->iv, 16);
		p->mech.pParameter = &p->ctr;
		p->mech.ulParameterLen = sizeof(p->ctr);
		break;
	case PM_GCM:
		p->iv_len = 12;
		sa_mm_rand(p->iv, 12);
		p->aad_len = sizeof(p->aad);
		sa_mm_rand(p->aad, p->aad_len);
		p->tag_len = 16;
		p->gcm.pIv = p->iv;
		p->gcm.ulIvLen = 12;
		p->gcm.ulIvBits = 96;
		p->gcm.pAAD = p->aad;
		p->gcm.ulAADLen = (CK_ULONG)p->aad_len;
		p->gcm.ulTagBits = 128;
		p->mech.pParameter = &p->gcm;
		p->mech.ulParameterLen = sizeof(p->gcm);
		break;
	}
}

/* What OpenSSL says the token's output must be: one answer, or two where
 * the mechanism is read two ways. */
struct mm_expect {
	sa_buf b[2];
	const char *label[2];
	size_t n;
};

static void expect_free(struct mm_expect *e)
{
	sa_buf_free(&e->b[0]);
	sa_buf_free(&e->b[1]);
	e->n = 0;
}

/* PKCS #7 padding to a multiple of blk (RFC 5652 §6.3). */
static int pkcs7_pad(const unsigned char *in, size_t in_len, size_t blk,
                     sa_buf *out)
{
	unsigned char pad[16];
	size_t n = blk - in_len % blk;
	int rc = 0;

	memset(pad, (int)n, sizeof(pad));
	sa_buf_reset(out);
	SA_TRY(sa_buf_append(out, in, in_len));
	SA_TRY(sa_buf_append(out, pad, n));
out:
	return rc;
}

/* OpenSSL's encryption of in under key and params (none when the key's
 * bytes are unknown or OpenSSL lacks the cipher). */
static void sym_expect(struct sa_mm *m, const struct mm_sym *k,
                       const struct sa_mm_secret *key,
                       const struct mm_sympar *p, const unsigned char *in,
                       size_t in_len, struct mm_expect *e)
{
	sa_error *err = sa_case_err(m->ctx);
	sa_buf padded = SA_BUF_INIT;
	char name[32];

	expect_free(e);
	if (!key->known)
		goto out;
	sa_mm_cipher_name(name, sizeof(name), k->kt, key->len, k->mode);
	if (sa_mm_ossl_encrypt(m->oc.lctx, name, k->pad, key->val, key->len,
	                       p->iv_len > 0 ? p->iv : NULL, p->iv_len, p->aad,
	                       p->aad_len, p->tag_len, in, in_len, &e->b[0],
	                       err) == 0)
		e->label[e->n++] = "OpenSSL";
	if (k->m != CKM_AES_KEY_WRAP_PAD)
		goto out;
	/* Curr. Mech. v2.40 §2.14 (unconfirmed) defines this mechanism
	 * with a 4-byte IV, i.e. RFC 5649; NSS implements it as RFC 3394
	 * over PKCS #7 padding, and PKCS#11 3.x deprecates it as ambiguous
	 * in favour of CKM_AES_KEY_WRAP_KWP / _PKCS7. Both readings are
	 * accepted; the matrix says which one the token follows. */
	e->label[0] = "OpenSSL (RFC 5649)";
	sa_mm_cipher_name(name, sizeof(name), k->kt, key->len, "WRAP");
	if (pkcs7_pad(in, in_len, 8, &padded) == 0 &&
	    sa_mm_ossl_encrypt(m->oc.lctx, name, false, key->val, key->len,
	                       NULL, 0, NULL, 0, 0, padded.data, padded.len,
	                       &e->b[e->n], err) == 0)
		e->label[e->n++] = "OpenSSL (RFC 3394 over PKCS #7 padding, "
		                   "the NSS reading)";
out:
	sa_buf_free(&padded);
}

/* Which expectation the token's output equals, or -1. */
static int expect_match(const struct mm_expect *e, const sa_buf *got)
{
	size_t i;
	int found = -1;

	for (i = 0; i < e->n && found < 0; i++)
		if (sa_mm_same(got, e->b[i].data, e->b[i].len))
			found = (int)i;
	return found;
}

/* With no ciphertext to give it, C_DecryptInit alone still says whether
 * the token accepts the mechanism at all. */
static void decrypt_probe(struct sa_mm *m, struct sa_mm_row *r,
                          CK_MECHANISM *mech, CK_OBJECT_HANDLE dkey,
                          const char *why)
{
	CK_RV rv = m->fl->C_DecryptInit(m->ops, mech, dkey);

	if (rv != CKR_OK) {
		sa_mm_cell_set(r, SA_MM_DECRYPT, SA_MM_FAILS,
		               "C_DecryptInit %s", sa_p11_rv_name(rv));
		goto out;
	}
	sa_mm_ops_reset(m);
	sa_mm_cell_set(r, SA_MM_DECRYPT, SA_MM_NOTEX,
	               "C_DecryptInit accepts it, but there is no ciphertext "
	               "to decrypt: %s",
	               why);
out:
	return;
}

/* ENCRYPT and DECRYPT of one cipher. OpenSSL's ciphertext (e) checks both
 * independently when the cipher is deterministic; otherwise, or when
 * OpenSSL has no answer, a round trip on the token. */
static void ex_crypt_pair(struct sa_mm *m, struct sa_mm_row *r,
                          CK_MECHANISM *mech, CK_OBJECT_HANDLE ekey,
                          CK_OBJECT_HANDLE dkey, const sa_buf *pt,
                          const struct mm_expect *e, bool deterministic,
                          const char *no_check)
{
	sa_buf ct = SA_BUF_INIT, back = SA_BUF_INIT;
	struct sa_mm_rv rv = SA_MM_RV_OK;
	bool enc_ok = false, dec_indep = false;
	int chosen = -1;
	size_t i, lo = 0, hi = e->n;

	if (sa_mm_adv(r, SA_MM_ENCRYPT)) {
		rv = sa_mm_crypt(m, m->fl->C_EncryptInit, "C_EncryptInit",
		                 m->fl->C_Encrypt, "C_Encrypt", mech, ekey,
		                 pt->data, pt->len, &ct);
		if (!sa_mm_rv_ok(rv)) {
			sa_mm_cell_rv(r, SA_MM_ENCRYPT, rv);
		} else if (e->n > 0 && deterministic) {
			chosen = expect_match(e, &ct);
			if (chosen >= 0)
				sa_mm_cell_set(r, SA_MM_ENCRYPT, SA_MM_WORKS,
				               "ciphertext matches %s",
				               e->label[chosen]);
			else
				sa_mm_cell_set(r, SA_MM_ENCRYPT, SA_MM_FAILS,
				               "ciphertext differs from %s",
				               e->n > 1
				                   ? "every reading of OpenSSL"
				                   : e->label[0]);
		} else {
			enc_ok = ct.len > 0; /* checked by a round trip */
		}
	}
	if (sa_mm_adv(r, SA_MM_DECRYPT) && e->n > 0) {
		if (chosen >= 0) {
			lo = (size_t)chosen;
			hi = lo + 1;
		}
		for (i = lo; i < hi && !dec_indep; i++) {
			rv = sa_mm_crypt(m, m->fl->C_DecryptInit,
			                 "C_DecryptInit", m->fl->C_Decrypt,
			                 "C_Decrypt", mech, dkey, e->b[i].data,
			                 e->b[i].len, &back);
			dec_indep = sa_mm_rv_ok(rv) &&
			            sa_mm_same(&back, pt->data, pt->len);
			if (dec_indep)
				sa_mm_cell_set(r, SA_MM_DECRYPT, SA_MM_WORKS,
				               "decrypts the ciphertext of %s",
				               e->label[i]);
		}
		if (!dec_indep && !sa_mm_rv_ok(rv))
			sa_mm_cell_rv(r, SA_MM_DECRYPT, rv);
		else if (!dec_indep)
			sa_mm_cell_set(
			    r, SA_MM_DECRYPT, SA_MM_FAILS,
			    "wrong plaintext from the ciphertext of %s",
			    e->label[lo]);
	} else if (sa_mm_adv(r, SA_MM_DECRYPT) && !enc_ok) {
		decrypt_probe(m, r, mech, dkey,
		              sa_mm_adv(r, SA_MM_ENCRYPT) ? "ENCRYPT failed"
		                                          : "no CKF_ENCRYPT");
	}
	if (!enc_ok || r->cell[SA_MM_ENCRYPT].st != SA_MM_UNSET)
		goto out;
	/* The token's ciphertext, checked by the token's decryption. */
	if (!sa_mm_adv(r, SA_MM_DECRYPT)) {
		sa_mm_cell_set(
		    r, SA_MM_ENCRYPT, SA_MM_WORKS,
		    "CKR_OK; ciphertext not checked: %s, no CKF_DECRYPT",
		    no_check);
		goto out;
	}
	rv = sa_mm_crypt(m, m->fl->C_DecryptInit, "C_DecryptInit",
	                 m->fl->C_Decrypt, "C_Decrypt", mech, dkey, ct.data,
	                 ct.len, &back);
	if (sa_mm_rv_ok(rv) && sa_mm_same(&back, pt->data, pt->len)) {
		sa_mm_cell_set(r, SA_MM_ENCRYPT, SA_MM_WORKS,
		               "round trip on the token%s%s",
		               e->n > 0 ? "" : "; ", e->n > 0 ? "" : no_check);
		sa_mm_cell_set(r, SA_MM_DECRYPT, SA_MM_WORKS,
		               "round trip on the token");
	} else if (dec_indep) {
		sa_mm_cell_set(r, SA_MM_ENCRYPT, SA_MM_FAILS,
		               "its ciphertext does not decrypt");
	} else {
		sa_mm_cell_set(r, SA_MM_ENCRYPT, SA_MM_FAILS,
		               "round trip does not give the plaintext back");
		if (sa_mm_rv_ok(rv))
			sa_mm_cell_set(
			    r, SA_MM_DECRYPT, SA_MM_FAILS,
			    "round trip does not give the plaintext back");
		else
			sa_mm_cell_rv(r, SA_MM_DECRYPT, rv);
	}
out:
	sa_buf_free(&ct);
	sa_buf_free(&back);
}

/* WRAP and UNWRAP of the target key, checked like ex_crypt_pair. */
static void ex_wrap_pair(struct sa_mm *m, struct sa_mm_row *r,
                         CK_MECHANISM *mech, CK_OBJECT_HANDLE wkey,
                         CK_OBJECT_HANDLE ukey,
                         const struct sa_mm_secret *target,
                         const struct mm_expect *e, bool deterministic)
{
	sa_buf blob = SA_BUF_INIT;
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	struct sa_mm_rv rv = SA_MM_RV_OK;
	const char *how = "";
	bool wrap_ok = false, unwrap_indep = false, eq;
	int chosen = -1;
	size_t i, lo = 0, hi = e->n;

	if (sa_mm_adv(r, SA_MM_WRAP)) {
		rv = sa_mm_wrap(m, mech, wkey, target->h, &blob);
		if (!sa_mm_rv_ok(rv)) {
			sa_mm_cell_rv(r, SA_MM_WRAP, rv);
		} else if (e->n > 0 && deterministic) {
			chosen = expect_match(e, &blob);
			if (chosen >= 0)
				sa_mm_cell_set(r, SA_MM_WRAP, SA_MM_WORKS,
				               "wrapped key matches %s",
				               e->label[chosen]);
			else
				sa_mm_cell_set(r, SA_MM_WRAP, SA_MM_FAILS,
				               "wrapped key differs from %s",
				               e->n > 1
				                   ? "every reading of OpenSSL"
				                   : e->label[0]);
		} else {
			wrap_ok = blob.len > 0;
		}
	}
	if (sa_mm_adv(r, SA_MM_UNWRAP) && e->n > 0) {
		if (chosen >= 0) {
			lo = (size_t)chosen;
			hi = lo + 1;
		}
		for (i = lo; i < hi && !unwrap_indep; i++) {
			rv = sa_mm_unwrap(m, mech, ukey, &e->b[i], target->kt,
			                  &h);
			eq = sa_mm_rv_ok(rv) &&
			     sa_mm_same_key(m, h, target, &how);
			sa_mm_destroy(m, m->ops, &h);
			if (eq) {
				unwrap_indep = true;
				sa_mm_cell_set(r, SA_MM_UNWRAP, SA_MM_WORKS,
				               "key wrapped by %s: %s matches",
				               e->label[i], how);
			}
		}
		if (!unwrap_indep && !sa_mm_rv_ok(rv))
			sa_mm_cell_rv(r, SA_MM_UNWRAP, rv);
		else if (!unwrap_indep)
			sa_mm_cell_set(r, SA_MM_UNWRAP, SA_MM_FAILS,
			               "key wrapped by %s: %s differs",
			               e->label[lo], how);
	}
	if (!wrap_ok)
		goto out;
	if (!sa_mm_adv(r, SA_MM_UNWRAP)) {
		sa_mm_cell_set(
		    r, SA_MM_WRAP, SA_MM_WORKS,
		    "CKR_OK; wrapped key not checked: no independent "
		    "wrapping, no CKF_UNWRAP");
		goto out;
	}
	rv = sa_mm_unwrap(m, mech, ukey, &blob, target->kt, &h);
	eq = sa_mm_rv_ok(rv) && sa_mm_same_key(m, h, target, &how);
	sa_mm_destroy(m, m->ops, &h);
	if (eq) {
		sa_mm_cell_set(r, SA_MM_WRAP, SA_MM_WORKS,
		               "round trip: %s matches", how);
		sa_mm_cell_set(r, SA_MM_UNWRAP, SA_MM_WORKS,
		               "round trip: %s matches", how);
	} else if (unwrap_indep) {
		sa_mm_cell_set(r, SA_MM_WRAP, SA_MM_FAILS,
		               "its wrapped key does not unwrap to the key");
	} else {
		sa_mm_cell_set(r, SA_MM_WRAP, SA_MM_FAILS,
		               "round trip does not give the key back");
		if (sa_mm_rv_ok(rv))
			sa_mm_cell_set(r, SA_MM_UNWRAP, SA_MM_FAILS,
			               "round trip does not give the key back");
		else
			sa_mm_cell_rv(r, SA_MM_UNWRAP, rv);
	}
out:
	sa_buf_free(&blob);
}

static void ex_sym(struct sa_mm *m, struct sa_mm_row *r, const struct mm_sym *k)
{
	struct sa_mm_secret *key, *target;
	struct mm_sympar p;
	struct mm_expect e;
	sa_buf pt = SA_BUF_INIT;
	const char *why = NULL;
	char no_check[64], name[32];

	memset(&e, 0, sizeof(e));
	if (!sa_mm_adv(r, SA_MM_ENCRYPT) && !sa_mm_adv(r, SA_MM_DECRYPT) &&
	    !sa_mm_adv(r, SA_MM_WRAP) && !sa_mm_adv(r, SA_MM_UNWRAP))
		goto out;
	key = sa_mm_secret_get(m, k->kt, sa_mm_secret_len(r, k->kt), &why);
	if (key == NULL) {
		sa_mm_cells_notex(r, enc_cols, SA_COUNTOF(enc_cols), why);
		goto out;
	}
	sa_mm_cipher_name(name, sizeof(name), k->kt, key->len, k->mode);
	snprintf(no_check, sizeof(no_check), "OpenSSL has no %s here", name);
	if (sa_mm_adv(r, SA_MM_ENCRYPT) || sa_mm_adv(r, SA_MM_DECRYPT)) {
		sym_params(&p, k, r->type);
		(void)sa_buf_reserve(&pt, 40);
		pt.len = k->blk != 0 ? 32 : 37;
		sa_mm_rand(pt.data, pt.len);
		sym_expect(m, k, key, &p, pt.data, pt.len, &e);
		ex_crypt_pair(m, r, &p.mech, key->h, key->h, &pt, &e, true,
		              no_check);
	}
	if (!sa_mm_adv(r, SA_MM_WRAP) && !sa_mm_adv(r, SA_MM_UNWRAP))
		goto out;
	target = sa_mm_target_get(m, &why);
	if (target == NULL) {
		sa_mm_cells_notex(r, enc_cols, SA_COUNTOF(enc_cols), why);
		goto out;
	}
	sym_params(&p, k, r->type);
	sym_expect(m, k, key, &p, target->val, target->len, &e);
	ex_wrap_pair(m, r, &p.mech, key->h, key->h, target, &e, true);
	if (r->cell[SA_MM_UNWRAP].st == SA_MM_UNSET)
		sa_mm_cell_set(r, SA_MM_UNWRAP, SA_MM_NOTEX,
		               "no wrapped key: %s and %s", no_check,
		               sa_mm_adv(r, SA_MM_WRAP) ? "WRAP failed"
		                                        : "no CKF_WRAP");
out:
	expect_free(&e);
	sa_buf_free(&pt);
}

static void ex_rsa_enc(struct sa_mm *m, struct sa_mm_row *r,
                       const struct mm_rsa_enc *k)
{
	sa_error *err = sa_case_err(m->ctx);
	struct sa_mm_pair *kp;
	struct sa_mm_secret *target;
	CK_RSA_PKCS_OAEP_PARAMS oaep;
	CK_MECHANISM mech = {r->type, NULL, 0};
	struct mm_expect e;
	sa_buf pt = SA_BUF_INIT;
	const char *why = NULL;

	memset(&e, 0, sizeof(e));
	if (!sa_mm_adv(r, SA_MM_ENCRYPT) && !sa_mm_adv(r, SA_MM_DECRYPT) &&
	    !sa_mm_adv(r, SA_MM_WRAP) && !sa_mm_adv(r, SA_MM_UNWRAP))
		goto out;
	kp = sa_mm_pair_get(m, SA_MMK_RSA, r, &why);
	if (kp == NULL) {
		sa_mm_cells_notex(r, enc_cols, SA_COUNTOF(enc_cols), why);
		goto out;
	}
	if (k->pad == SA_MM_RSA_OAEP) {
		/* SHA-1 with MGF1-SHA-1 and no label: the OAEP every token
		 * implements (the RFC 8017 §A.2.1 default). */
		memset(&oaep, 0, sizeof(oaep));
		oaep.hashAlg = CKM_SHA_1;
		oaep.mgf = CKG_MGF1_SHA1;
		oaep.source = CKZ_DATA_SPECIFIED;
		mech.pParameter = &oaep;
		mech.ulParameterLen = sizeof(oaep);
	}
	e.label[0] = "OpenSSL";
	if (sa_mm_adv(r, SA_MM_ENCRYPT) || sa_mm_adv(r, SA_MM_DECRYPT)) {
		if (k->pad == SA_MM_RSA_RAW) {
			(void)sa_buf_reserve(&pt, kp->mod_len);
			sa_mm_rand(pt.data, kp->mod_len);
			pt.data[0] = 0;
			pt.len = kp->mod_len;
		} else {
			(void)sa_buf_reserve(&pt, 32);
			sa_mm_rand(pt.data, 32);
			pt.len = 32;
		}
		e.n = kp->pkey != NULL && sa_mm_ossl_rsa_encrypt(
		                              kp->pkey, k->pad, "SHA1", pt.data,
		                              pt.len, &e.b[0], err) == 0
		          ? 1
		          : 0;
		ex_crypt_pair(m, r, &mech, kp->pub, kp->priv, &pt, &e,
		              k->pad == SA_MM_RSA_RAW, "randomised padding");
	}
	if (!sa_mm_adv(r, SA_MM_WRAP) && !sa_mm_adv(r, SA_MM_UNWRAP))
		goto out;
	if (k->pad == SA_MM_RSA_RAW) {
		sa_mm_cells_notex(r, enc_cols, SA_COUNTOF(enc_cols),
		                  "raw RSA gives no key length to unwrap");
		goto out;
	}
	target = sa_mm_target_get(m, &why);
	if (target == NULL) {
		sa_mm_cells_notex(r, enc_cols, SA_COUNTOF(enc_cols), why);
		goto out;
	}
	e.n = kp->pkey != NULL && target->known &&
	              sa_mm_ossl_rsa_encrypt(kp->pkey, k->pad, "SHA1",
	                                     target->val, target->len, &e.b[0],
	                                     err) == 0
	          ? 1
	          : 0;
	ex_wrap_pair(m, r, &mech, kp->pub, kp->priv, target, &e, false);
out:
	expect_free(&e);
	sa_buf_free(&pt);
}

/* ---- GENERATE / GENERATE_KEY_PAIR ---- */

static void ex_gen_secret(struct sa_mm *m, struct sa_mm_row *r,
                          const struct mm_kg *k)
{
	CK_MECHANISM mech = {r->type, NULL, 0};
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = k->kt, got_kt = 0;
	CK_BBOOL f = CK_FALSE;
	CK_ULONG vlen = 0, got_len = 0, lo, hi;
	CK_ATTRIBUTE tmpl[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_TOKEN, &f, sizeof(f)},
	    {CKA_VALUE_LEN, &vlen, sizeof(vlen)},
	};
	CK_ATTRIBUTE rd[] = {
	    {CKA_KEY_TYPE, &got_kt, sizeof(got_kt)},
	    {CKA_VALUE_LEN, &got_len, sizeof(got_len)},
	};
	CK_ULONG n = SA_COUNTOF(tmpl);
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	CK_RV rv;

	if (kt == CKK_AES) {
		vlen = (CK_ULONG)sa_mm_aes_len(r);
	} else if (kt == CKK_GENERIC_SECRET) {
		/* Generic secret sizes are in bits (Curr. Mech. v2.40
		 * §2.x (unconfirmed)): 256 bits if allowed. */
		sa_mm_range(r, &lo, &hi);
		vlen = (256 >= lo && 256 <= hi) ? 32 : (lo + 7) / 8;
	} else {
		n--; /* DES keys have a fixed length */
	}
	if (n == SA_COUNTOF(tmpl) && (vlen == 0 || vlen > SA_MM_KEY_MAX)) {
		sa_mm_cell_set(r, SA_MM_GENERATE, SA_MM_NOTEX,
		               "no key length sigaudit makes inside the range");
		goto out;
	}
	rv = m->fl->C_GenerateKey(m->own, &mech, tmpl, n, &h);
	if (rv != CKR_OK || h == CK_INVALID_HANDLE) {
		sa_mm_cell_set(r, SA_MM_GENERATE, SA_MM_FAILS,
		               "C_GenerateKey %s", sa_p11_rv_name(rv));
		goto out;
	}
	/* DES keys have no CKA_VALUE_LEN: read only the key type. */
	rv = m->fl->C_GetAttributeValue(m->own, h, rd, n == 4 ? 2 : 1);
	if (rv != CKR_OK || got_kt != kt || (n == 4 && got_len != vlen))
		sa_mm_cell_set(r, SA_MM_GENERATE, SA_MM_FAILS,
		               "key made, but reads back as %s, %lu bytes (%s)",
		               sa_mm_kt_name(got_kt), (unsigned long)got_len,
		               sa_p11_rv_name(rv));
	else
		sa_mm_cell_set(r, SA_MM_GENERATE, SA_MM_WORKS, "%s key%s",
		               sa_mm_kt_name(kt),
		               n == 4 ? ", CKA_VALUE_LEN as asked" : "");
out:
	sa_mm_destroy(m, m->own, &h);
}

static void ex_gen_params(struct sa_mm *m, struct sa_mm_row *r,
                          const struct mm_kg *k)
{
	struct sa_mm_dom d;
	CK_ULONG lo, hi, bits;

	memset(&d, 0, sizeof(d));
	sa_mm_range(r, &lo, &hi);
	/* DSA: 1024 (q 160) first; DH: the smallest size from 512 up, since
	 * a safe prime takes long to find. */
	if (k->fam == SA_MMK_DSA)
		bits = (lo <= 1024 && 1024 <= hi) ? 1024 : lo;
	else
		bits = lo < 512 ? 512 : lo;
	if (bits > hi || bits > 2048) {
		sa_mm_cell_set(
		    r, SA_MM_GENERATE, SA_MM_NOTEX,
		    "smallest size allowed (%lu bits) too slow to make",
		    (unsigned long)lo);
		goto out;
	}
	if (!sa_mm_dom_make(m, k->fam, bits, &d, r))
		goto out;
	/* Keep them: DSA keys of this size and DH keys of a size no
	 * OpenSSL group has use what the token made. */
	if (k->fam == SA_MMK_DSA && !m->dsa.ok) {
		m->dsa = d;
		memset(&d, 0, sizeof(d));
	} else if (k->fam == SA_MMK_DH && !m->dh_gen.ok) {
		m->dh_gen = d;
		memset(&d, 0, sizeof(d));
	}
out:
	sa_buf_free(&d.p);
	sa_buf_free(&d.q);
	sa_buf_free(&d.g);
}

static void ex_keygen(struct sa_mm *m, struct sa_mm_row *r,
                      const struct mm_kg *k)
{
	const char *why = NULL;

	switch (k->k) {
	case KG_SECRET:
		if (sa_mm_adv(r, SA_MM_GENERATE))
			ex_gen_secret(m, r, k);
		break;
	case KG_PARAMS:
		if (sa_mm_adv(r, SA_MM_GENERATE))
			ex_gen_params(m, r, k);
		break;
	case KG_PAIR:
		if (sa_mm_adv(r, SA_MM_GENERATE_KEY_PAIR) &&
		    sa_mm_pair_get(m, k->fam, NULL, &why) == NULL)
			sa_mm_cell_set(r, SA_MM_GENERATE_KEY_PAIR, SA_MM_NOTEX,
			               "%s", why);
		break;
	}
}

/* ---- DERIVE ---- */

static void derive_check(struct sa_mm *m, struct sa_mm_row *r,
                         CK_MECHANISM *mech, CK_OBJECT_HANDLE base,
                         const sa_buf *want, const char *src,
                         struct sa_mm_rv *out_rv)
{
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	sa_buf got = SA_BUF_INIT;
	CK_RV rv;

	*out_rv = sa_mm_derive(m, mech, base, (CK_ULONG)want->len, &h);
	if (!sa_mm_rv_ok(*out_rv))
		goto out;
	rv = sa_mm_get_attr(m, m->ops, h, CKA_VALUE, &got);
	if (rv != CKR_OK)
		sa_mm_cell_set(r, SA_MM_DERIVE, SA_MM_FAILS,
		               "derived key (asked readable) CKA_VALUE: %s",
		               sa_p11_rv_name(rv));
	else if (src == NULL)
		sa_mm_cell_set(r, SA_MM_DERIVE, SA_MM_WORKS,
		               "CKR_OK; derived value not checked (no OpenSSL "
		               "cipher)");
	else if (sa_mm_same(&got, want->data, want->len))
		sa_mm_cell_set(r, SA_MM_DERIVE, SA_MM_WORKS,
		               "derived value matches %s", src);
	else
		sa_mm_cell_set(r, SA_MM_DERIVE, SA_MM_FAILS,
		               "derived value differs from %s", src);
out:
	sa_mm_destroy(m, m->ops, &h);
	sa_buf_free(&got);
}

static void ex_derive(struct sa_mm *m, struct sa_mm_row *r,
                      const struct mm_drv *k)
{
	sa_error *err = sa_case_err(m->ctx);
	CK_MECHANISM mech = {r->type, NULL, 0};
	CK_ECDH1_DERIVE_PARAMS ecdh;
	CK_KEY_DERIVATION_STRING_DATA kd;
	CK_AES_CBC_ENCRYPT_DATA_PARAMS acbc;
	CK_DES_CBC_ENCRYPT_DATA_PARAMS dcbc;
	struct sa_mm_pair *kp = NULL;
	struct sa_mm_secret *sk = NULL;
	struct mm_sympar sp;
	struct mm_sym sym;
	struct mm_expect e;
	sa_buf own = SA_BUF_INIT, want = SA_BUF_INIT, der = SA_BUF_INIT;
	unsigned char data[32], hdr[2];
	const char *why = NULL, *src = "OpenSSL's";
	struct sa_mm_rv rv = SA_MM_RV_OK;

	memset(&e, 0, sizeof(e));
	if (!sa_mm_adv(r, SA_MM_DERIVE))
		goto out;
	memset(&ecdh, 0, sizeof(ecdh));
	switch (k->k) {
	case DRV_ECDH:
		kp = sa_mm_pair_get(m, SA_MMK_EC, r, &why);
		if (kp == NULL)
			break;
		if (kp->pkey == NULL || sa_mm_ossl_ecdh(kp->curve, kp->pkey,
		                                        &own, &want, err) < 0) {
			snprintf(m->why, sizeof(m->why), "no OpenSSL peer: %s",
			         err->msg);
			why = m->why;
			kp = NULL;
			break;
		}
		/* Curr. Mech. v2.40 §2.3.16 (unconfirmed): pPublicData is
		 * the other party's point; tokens differ on whether it is
		 * raw or a DER OCTET STRING, so raw first. */
		ecdh.kdf = CKD_NULL;
		ecdh.pPublicData = own.data;
		ecdh.ulPublicDataLen = (CK_ULONG)own.len;
		mech.pParameter = &ecdh;
		mech.ulParameterLen = sizeof(ecdh);
		derive_check(m, r, &mech, kp->priv, &want, src, &rv);
		if (sa_mm_rv_ok(rv) || own.len > 127)
			break;
		hdr[0] = 0x04;
		hdr[1] = (unsigned char)own.len;
		(void)sa_buf_append(&der, hdr, 2);
		(void)sa_buf_append(&der, own.data, own.len);
		ecdh.pPublicData = der.data;
		ecdh.ulPublicDataLen = (CK_ULONG)der.len;
		derive_check(m, r, &mech, kp->priv, &want,
		             "OpenSSL's (point given DER-wrapped; raw refused)",
		             &rv);
		break;
	case DRV_DH:
		kp = sa_mm_pair_get(m, SA_MMK_DH, r, &why);
		if (kp == NULL)
			break;
		if (sa_mm_ossl_dh(&kp->p, &kp->g, &kp->y, &own, &want, err) <
		    0) {
			snprintf(m->why, sizeof(m->why), "no OpenSSL peer: %s",
			         err->msg);
			why = m->why;
			kp = NULL;
			break;
		}
		/* PKCS #3 / Curr. Mech. §2.5.x: the parameter is the other
		 * party's public value. */
		mech.pParameter = own.data;
		mech.ulParameterLen = (CK_ULONG)own.len;
		derive_check(m, r, &mech, kp->priv, &want, src, &rv);
		break;
	case DRV_ENC:
		sk = sa_mm_secret_get(m, k->kt, sa_mm_secret_len(r, k->kt),
		                      &why);
		if (sk == NULL)
			break;
		sa_mm_rand(data, sizeof(data));
		memset(&sym, 0, sizeof(sym));
		sym.kt = k->kt;
		sym.mode = k->mode;
		sym.pk = strcmp(k->mode, "CBC") == 0 ? PM_IV : PM_NONE;
		sym_params(&sp, &sym, r->type);
		if (sym.pk == PM_NONE) {
			kd.pData = data;
			kd.ulLen = sizeof(data);
			mech.pParameter = &kd;
			mech.ulParameterLen = sizeof(kd);
		} else if (k->kt == CKK_AES) {
			memcpy(acbc.iv, sp.iv, 16);
			acbc.pData = data;
			acbc.length = sizeof(data);
			mech.pParameter = &acbc;
			mech.ulParameterLen = sizeof(acbc);
		} else {
			memcpy(dcbc.iv, sp.iv, 8);
			dcbc.pData = data;
			dcbc.length = sizeof(data);
			mech.pParameter = &dcbc;
			mech.ulParameterLen = sizeof(dcbc);
		}
		sym_expect(m, &sym, sk, &sp, data, sizeof(data), &e);
		sa_buf_reset(&want);
		if (e.n > 0) {
			(void)sa_buf_append(&want, e.b[0].data, e.b[0].len);
		} else {
			src = NULL;
			(void)sa_buf_append(&want, data, sizeof(data));
		}
		derive_check(m, r, &mech, sk->h, &want, src, &rv);
		break;
	}
	if (kp == NULL && sk == NULL)
		sa_mm_cell_set(r, SA_MM_DERIVE, SA_MM_NOTEX, "%s", why);
	else if (!sa_mm_rv_ok(rv))
		sa_mm_cell_rv(r, SA_MM_DERIVE, rv);
out:
	expect_free(&e);
	sa_buf_free(&own);
	sa_buf_free(&want);
	sa_buf_free(&der);
}

bool sa_mm_known(CK_MECHANISM_TYPE t)
{
	bool known = false;
	size_t i;

	for (i = 0; i < SA_COUNTOF(digests); i++)
		known = known || digests[i].m == t;
	for (i = 0; i < SA_COUNTOF(sigs); i++)
		known = known || sigs[i].m == t;
	for (i = 0; i < SA_COUNTOF(syms); i++)
		known = known || syms[i].m == t;
	for (i = 0; i < SA_COUNTOF(rsa_encs); i++)
		known = known || rsa_encs[i].m == t;
	for (i = 0; i < SA_COUNTOF(kgs); i++)
		known = known || kgs[i].m == t;
	for (i = 0; i < SA_COUNTOF(drvs); i++)
		known = known || drvs[i].m == t;
	return known;
}

/* Key and parameter generation first (keys made there are reused), then
 * every other operation of every row. */
void sa_mm_exercise(struct sa_mm *m)
{
	struct sa_mm_row *r;
	CK_ULONG i;
	size_t j;

	for (j = 0; j < SA_COUNTOF(kgs); j++)
		if (kgs[j].k == KG_PARAMS &&
		    (r = sa_mm_row_get(m, kgs[j].m)) != NULL)
			ex_keygen(m, r, &kgs[j]);
	for (j = 0; j < SA_COUNTOF(kgs); j++)
		if (kgs[j].k != KG_PARAMS &&
		    (r = sa_mm_row_get(m, kgs[j].m)) != NULL)
			ex_keygen(m, r, &kgs[j]);
	for (i = 0; i < m->n; i++) {
		r = &m->rows[i];
		if (r->info_rv != CKR_OK)
			continue;
		for (j = 0; j < SA_COUNTOF(digests); j++)
			if (digests[j].m == r->type)
				ex_digest(m, r, &digests[j]);
		for (j = 0; j < SA_COUNTOF(sigs); j++)
			if (sigs[j].m == r->type)
				ex_sign(m, r, &sigs[j]);
		for (j = 0; j < SA_COUNTOF(syms); j++)
			if (syms[j].m == r->type)
				ex_sym(m, r, &syms[j]);
		for (j = 0; j < SA_COUNTOF(rsa_encs); j++)
			if (rsa_encs[j].m == r->type)
				ex_rsa_enc(m, r, &rsa_encs[j]);
		for (j = 0; j < SA_COUNTOF(drvs); j++)
			if (drvs[j].m == r->type)
				ex_derive(m, r, &drvs[j]);
	}
}
