/* Sign-side cases of the signing suite (catalogue F, SIG-01..SIG-08):
 * helpers shared by sig_sign*.c. Private to suites/signing.
 *
 * Every key the cases make is a session object (CKA_TOKEN = FALSE) in an RW
 * session with the user logged in, destroyed by the case (closing the
 * session would take it too, B2.40 §4.4). Keys made by OpenSSL for the
 * reverse direction (OpenSSL signs, the token verifies) enter the token as
 * public session objects only.
 *
 * Conventions (as kp_util.h): functions that perform the behaviour under
 * test return the CK_RV and record nothing, so that the case decides strict
 * or lenient with sa_p11_check_rv(); functions named *_setup turn a failure
 * into an ERROR verdict ("set-up: ..."), since the rule under test was never
 * reached. */
#ifndef SA_SUITE_SIGNING_SIG_SIGN_INT_H
#define SA_SUITE_SIGNING_SIG_SIGN_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/evp.h>

#include "sigaudit/buf.h"
#include "sigaudit/case.h"
#include "sigaudit/ossl.h"
#include "sigaudit/p11.h"

/* References shared by the case table and the case files. Section numbers
 * that could not be checked against the OASIS text carry "(unconfirmed)". */
#define SA_SS_R_CONV                                                           \
	"PKCS#11 B2.40 §5.2 conventions for functions returning output in "   \
	"a variable-length buffer"
#define SA_SS_R_SIGN   "PKCS#11 B2.40 §5.11 signing functions (unconfirmed)"
#define SA_SS_R_VERIFY "PKCS#11 B2.40 §5.12 verification functions"
#define SA_SS_R_RV     "PKCS#11 B2.40 §5.1.6 return value priorities"
#define SA_SS_R_DIGEST "PKCS#11 B2.40 §5.10 message digesting (unconfirmed)"
#define SA_SS_R_RSA                                                            \
	"PKCS#11 Curr. Mech. v2.40 §2.1.6-2.1.8 RSA PKCS #1 v1.5, X.509 "     \
	"(unconfirmed)"
#define SA_SS_R_PSS                                                            \
	"PKCS#11 Curr. Mech. v2.40 §2.1.10-2.1.11 PKCS #1 RSA PSS, "          \
	"CK_RSA_PKCS_PSS_PARAMS (unconfirmed)"
#define SA_SS_R_ECDSA                                                          \
	"PKCS#11 Curr. Mech. v2.40 §2.3.6-2.3.7 ECDSA (unconfirmed)"
#define SA_SS_R_EDDSA "PKCS#11 Curr. Mech. v3.0 §2.3.14 EdDSA (unconfirmed)"
#define SA_SS_R_HMAC  "PKCS#11 Curr. Mech. v2.40 §2.21 SHA-2 HMAC (unconfirmed)"
#define SA_SS_R_RFC8017                                                        \
	"RFC 8017 §8.1 RSASSA-PSS, §8.2 RSASSA-PKCS1-v1_5, §9.1 EMSA-PSS"
#define SA_SS_R_RFC8032                                                        \
	"RFC 8032 §5.1.6 sign, §5.2.6 sign, §7.1 and §7.4 test vectors"
#define SA_SS_R_FIPS186                                                        \
	"FIPS 186-5 §6.4 ECDSA signature generation (hash truncation to the " \
	"order length)"
#define SA_SS_R_RFC4231 "RFC 4231 §4 HMAC-SHA-2 test cases"
#define SA_SS_R_FIPS180                                                        \
	"FIPS 180-4 SHA-2; NIST example values for \"abc\" and the empty "     \
	"message"

/* ---- sessions and objects ---- */

/** Set-up: RW session on the case's slot with the user logged in. ERROR
 * verdict and a negative code on failure; *out is then closed or invalid. */
int sa_ss_open(sa_case_ctx *ctx, CK_SESSION_HANDLE *out);
/* Clean-up: sa_p11_close() and sa_p11_destroy() (sigaudit/p11.h). */
/** Set-up check: CKR_OK gives 0; else ERROR "set-up: <what> returned ..". */
int sa_ss_setup(sa_case_ctx *ctx, CK_RV rv, const char *what);

/* ---- keys (return the CK_RV, record nothing) ---- */

/** RSA key pair (bits, e = 65537) as session objects: private CKA_SIGN,
 * public CKA_VERIFY (and CKA_ENCRYPT/DECRYPT so CKM_RSA_X_509 works). */
CK_RV sa_ss_gen_rsa(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_ULONG bits,
                    CK_OBJECT_HANDLE *pub, CK_OBJECT_HANDLE *priv);
/** EC (CKM_EC_KEY_PAIR_GEN) or Edwards (CKM_EC_EDWARDS_KEY_PAIR_GEN) key
 * pair on curve c. Edwards curves are named by OID (RFC 8410) and, when the
 * token refuses that, by the PrintableString of PKCS#11 3.0. */
CK_RV sa_ss_gen_ec(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                   const sa_p11_ossl_curve *c, CK_OBJECT_HANDLE *pub,
                   CK_OBJECT_HANDLE *priv);
/** Import the public half of an OpenSSL key (RSA, EC, Ed25519/Ed448) as a
 * CKO_PUBLIC_KEY session object with CKA_VERIFY TRUE. CKR_ARGUMENTS_BAD
 * (module not called) when the key cannot be converted. */
CK_RV sa_ss_import_pub(sa_case_ctx *ctx, CK_SESSION_HANDLE s, EVP_PKEY *pk,
                       CK_OBJECT_HANDLE *out);
/** Import an OpenSSL RSA private key (all CRT parts) as a sensitive
 * CKO_PRIVATE_KEY session object with CKA_SIGN TRUE. */
CK_RV sa_ss_import_rsa_priv(sa_case_ctx *ctx, CK_SESSION_HANDLE s, EVP_PKEY *pk,
                            CK_OBJECT_HANDLE *out);
/** Import an EdDSA private key: CKK_EC_EDWARDS, CKA_EC_PARAMS of c (OID,
 * then the curve name on refusal), CKA_VALUE = the RFC 8032 seed. */
CK_RV sa_ss_import_ed_priv(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                           const sa_p11_ossl_curve *c,
                           const unsigned char *seed, size_t len,
                           CK_OBJECT_HANDLE *out);
/** Import a CKK_GENERIC_SECRET session key with CKA_SIGN/CKA_VERIFY. */
CK_RV sa_ss_import_hmac(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                        const unsigned char *key, size_t len,
                        CK_OBJECT_HANDLE *out);

/* ---- operations (return the first CK_RV that is not CKR_OK) ---- */

/** C_SignInit, C_Sign size query, C_Sign into sig (reset first). */
CK_RV sa_ss_sign(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE key,
                 const CK_MECHANISM *m, const void *data, size_t len,
                 sa_buf *sig);
/** C_VerifyInit, C_Verify. */
CK_RV sa_ss_verify(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE key,
                   const CK_MECHANISM *m, const void *data, size_t len,
                   const void *sig, size_t sig_len);

/* ---- algorithms ---- */

/* One signature algorithm as the cases use it: the mechanism given to the
 * token, and how OpenSSL does the same thing. */
typedef struct sa_ss_alg {
	const char *name;         /* "SHA256-RSA-PKCS", "ECDSA(SHA-384)" */
	CK_MECHANISM_TYPE mech;   /* the signing mechanism */
	CK_MECHANISM_TYPE hash;   /* CKM_SHA256..: PSS hashAlg, and for
	                             prehash the digest the caller computes;
	                             0 for EdDSA */
	const char *md;           /* OpenSSL digest name, NULL for EdDSA */
	bool prehash;             /* the token gets the hash (CKM_ECDSA,
	                             CKM_RSA_PKCS_PSS) */
	bool pss;                 /* RSASSA-PSS: mechanism parameters */
	CK_RSA_PKCS_MGF_TYPE mgf; /* PSS: MGF1 hash */
	const char *mgf_md;       /* PSS: OpenSSL name of the MGF1 hash */
	long slen;                /* PSS: salt length in bytes */
} sa_ss_alg;

/** CKM_SHA256 -> "SHA256" (OpenSSL name), hash length in *len. NULL for
 * hashes the cases do not use. */
const char *sa_ss_hash_md(CK_MECHANISM_TYPE hash, size_t *len);
/** CKM_SHA256 -> CKG_MGF1_SHA256 (0 when unknown). */
CK_RSA_PKCS_MGF_TYPE sa_ss_hash_mgf(CK_MECHANISM_TYPE hash);

/** The CK_MECHANISM for a (with params pointing into *pss, which must
 * outlive the mechanism). */
void sa_ss_mech(const sa_ss_alg *a, CK_RSA_PKCS_PSS_PARAMS *pss,
                CK_MECHANISM *out);

/** What the token must be given for message msg: the message itself, or
 * its digest (a->md) for prehash algorithms. out is reset first. */
int sa_ss_input(const sa_ss_alg *a, const unsigned char *msg, size_t len,
                sa_buf *out, sa_error *err);

/** OpenSSL verification of a token signature over `input` (what the token
 * was given, see sa_ss_input). PSS is done here; everything else through
 * sa_p11_ossl_verify(). 0 with *valid, or negative (could not verify). */
int sa_ss_ossl_verify(EVP_PKEY *pk, const sa_ss_alg *a,
                      const unsigned char *input, size_t len,
                      const unsigned char *sig, size_t sig_len, bool *valid,
                      sa_error *err);

/** OpenSSL signs `input` (as above) with its own key, in the form the
 * token expects (ECDSA: r || s of the order length). out is reset. */
int sa_ss_ossl_sign(EVP_PKEY *pk, const sa_ss_alg *a,
                    const unsigned char *input, size_t len, sa_buf *out,
                    sa_error *err);

/** OpenSSL key: "RSA" (bits), or a curve's OpenSSL group / key type name. */
int sa_ss_ossl_keygen(const char *type, unsigned bits, EVP_PKEY **out,
                      sa_error *err);

/** Digest of data with OpenSSL digest `md` into out (reset first). */
int sa_ss_digest(const char *md, const unsigned char *data, size_t len,
                 sa_buf *out, sa_error *err);

/** Decode hex (whitespace ignored) into out (reset first). SA_E_PARSE. */
int sa_ss_hex(const char *hex, sa_buf *out, sa_error *err);

/** Bytes from OpenSSL's RAND_bytes (set-up: SA_E_OSSL on failure). */
int sa_ss_random(unsigned char *out, size_t len, sa_error *err);

/** Short hex of up to 16 bytes for messages ("0a1b..(64 bytes)");
 * out needs SA_SS_HEXSHORT bytes. */
#define SA_SS_HEXSHORT 64
void sa_ss_hexshort(const unsigned char *b, size_t len, char *out);

/* ---- case bodies (one file each) ---- */

void sa_ss_sig01_rsa(sa_case_ctx *ctx);   /* sig_sign_cross.c */
void sa_ss_sig01_pss(sa_case_ctx *ctx);   /* sig_sign_cross.c */
void sa_ss_sig01_ecdsa(sa_case_ctx *ctx); /* sig_sign_cross.c */
void sa_ss_sig01_eddsa(sa_case_ctx *ctx); /* sig_sign_cross.c */
void sa_ss_sig02_grid(sa_case_ctx *ctx);  /* sig_sign_pss.c */
void sa_ss_sig02_param(sa_case_ctx *ctx); /* sig_sign_pss.c */
void sa_ss_sig03(sa_case_ctx *ctx);       /* sig_sign_ec.c */
void sa_ss_sig04(sa_case_ctx *ctx);       /* sig_sign_ec.c */
void sa_ss_sig05(sa_case_ctx *ctx);       /* sig_sign_kat.c */
void sa_ss_sig06(sa_case_ctx *ctx);       /* sig_sign_ops.c */
void sa_ss_sig07(sa_case_ctx *ctx);       /* sig_sign_ops.c */
void sa_ss_sig08(sa_case_ctx *ctx);       /* sig_sign_ops.c */
void sa_ss_sig08b(sa_case_ctx *ctx);      /* sig_sign_ops.c */

#endif
