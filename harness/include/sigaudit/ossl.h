/* OpenSSL as the independent reference for PKCS#11 targets: public keys read
 * from a token turned into EVP_PKEYs, and verification of token signatures.
 * Shared by the pkcs11, keyprot and signing suites; nothing here knows about
 * cases beyond sa_case_ctx and nothing records a verdict.
 *
 * OpenSSL is a boundary (STYLE rule 10): every call is compared with == 1,
 * the error queue is drained into an sa_error, and "the signature is invalid"
 * (a result: *valid = false, return 0) is kept apart from "could not verify"
 * (an error: negative return, err filled). EVP API only. Functions that take
 * no sa_case_ctx are safe to call from several threads at once. */
#ifndef SIGAUDIT_OSSL_H
#define SIGAUDIT_OSSL_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/evp.h>

#include "sigaudit/case.h"
#include "sigaudit/error.h"
#include "sigaudit/p11.h"

/* A curve a token may name in CKA_EC_PARAMS. */
typedef struct sa_p11_ossl_curve {
	const char *name;         /* "P-256", "Ed25519" */
	const char *ossl;         /* OpenSSL group name, or key type (EdDSA) */
	const unsigned char *oid; /* DER of the OBJECT IDENTIFIER */
	size_t oid_len;
	unsigned bits;  /* field size; Ed25519 256, Ed448 456 (RFC 8032 b) */
	bool edwards;   /* CKK_EC_EDWARDS */
	const char *pn; /* RFC 8410 / PKCS#11 3.0 curve name, or NULL */
} sa_p11_ossl_curve;

/** The curve called `name` ("P-256", "P-384", "P-521", "P-192", "secp256k1",
 * "Ed25519", "Ed448"), or NULL. */
const sa_p11_ossl_curve *sa_p11_ossl_curve_by_name(const char *name);

/** The curve a CKA_EC_PARAMS value names: a DER OBJECT IDENTIFIER, or for
 * Edwards curves also the DER PrintableString "edwards25519"/"edwards448"
 * (PKCS#11 3.0 Curr. Mech. §2.3.5). NULL when unknown. */
const sa_p11_ossl_curve *
sa_p11_ossl_curve_from_params(const unsigned char *params, size_t len);

/** The contents of a DER OCTET STRING that spans exactly [der, der + len)
 * (definite length, minimal length octets). 0, or SA_E_PARSE. */
int sa_p11_ossl_der_octets(const unsigned char *der, size_t len,
                           const unsigned char **content, size_t *content_len,
                           sa_error *err);

/** An EC or EdDSA public key from the point as the token encodes it after
 * the OCTET STRING is removed (EC: 0x04 || X || Y or compressed; EdDSA: the
 * RFC 8032 encoding). OpenSSL decodes the point, which fails when it is not
 * on the curve: SA_E_OSSL with OpenSSL's reason in err. */
int sa_p11_ossl_ec_pubkey(const sa_p11_ossl_curve *curve,
                          const unsigned char *point, size_t len,
                          EVP_PKEY **out, sa_error *err);

/** EVP_PKEY_public_check on an EC key: *ok false when OpenSSL finds the key
 * invalid (a result), negative when the check could not run. */
int sa_p11_ossl_public_check(EVP_PKEY *pkey, bool *ok, sa_error *err);

/** An RSA public key from big-endian modulus and public exponent. */
int sa_p11_ossl_rsa_pubkey(const unsigned char *n, size_t n_len,
                           const unsigned char *e, size_t e_len, EVP_PKEY **out,
                           sa_error *err);

/** The public key of a token key object (public or private key, CKK_RSA,
 * CKK_EC or CKK_EC_EDWARDS) read with C_GetAttributeValue: CKA_MODULUS and
 * CKA_PUBLIC_EXPONENT, or CKA_EC_PARAMS and CKA_EC_POINT. CKA_EC_POINT is
 * taken DER-wrapped or raw (tokens differ; format checks are the cases'
 * business, this is for verification). Errors go to sa_case_err(ctx):
 * SA_E_CKR (the CK_RV kept), SA_E_UNSUPPORTED (key type or curve), SA_E_PARSE,
 * SA_E_OSSL. Nothing is recorded in the case. */
int sa_p11_ossl_pubkey_from_token(sa_case_ctx *ctx, CK_SESSION_HANDLE session,
                                  CK_OBJECT_HANDLE handle, EVP_PKEY **out);

/** Whether sa_p11_ossl_verify() knows mechanism m. */
bool sa_p11_ossl_can_verify(CK_MECHANISM_TYPE m);

/** Verify a signature the token made with mechanism `mech` over `data` (for
 * CKM_ECDSA and CKM_RSA_PKCS: the input given to C_Sign, i.e. the hash or
 * the DigestInfo). Supported: CKM_RSA_PKCS, CKM_SHA{1,224,256,384,512}_RSA_
 * PKCS, CKM_ECDSA, CKM_ECDSA_SHA{1,224,256,384,512}, CKM_EDDSA (pure, no
 * parameters). An ECDSA signature must be r || s of twice the order length
 * (Curr. Mech. v2.40 §2.3.1); any other length is an invalid signature.
 * Returns 0 with *valid set, or a negative code (SA_E_UNSUPPORTED for other
 * mechanisms, SA_E_OSSL) when it could not verify. */
int sa_p11_ossl_verify(EVP_PKEY *pkey, CK_MECHANISM_TYPE mech,
                       const unsigned char *data, size_t data_len,
                       const unsigned char *sig, size_t sig_len, bool *valid,
                       sa_error *err);

/** SHA-256 of data into out[32]. 0 or SA_E_OSSL. */
int sa_p11_ossl_sha256(const unsigned char *data, size_t len,
                       unsigned char out[32], sa_error *err);

#endif
