/* The mechanism support matrix (P11-MECH-05, catalogue row MECH-02 with
 * keys): every mechanism the token lists is exercised for every operation
 * flag it advertises, with session keys the case makes or imports. Private
 * to suites/pkcs11: mech_matrix.c holds the matrix and runs the case,
 * mech_matrix_keys.c makes the token calls and the keys, mech_matrix_ex.c
 * has the exercises, mech_matrix_ossl.c computes what OpenSSL expects (the
 * independent half of each cross-check).
 *
 * The unit of the matrix is a cell: one (mechanism, flag) pair, "works",
 * "fails" (with the CK_RV or the wrong output) or "not exercised" (with the
 * reason). A cell is never counted as working without an operation that
 * returned output the case checked. */
#ifndef SA_SUITE_PKCS11_MECH_MATRIX_H
#define SA_SUITE_PKCS11_MECH_MATRIX_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/evp.h>

#include "sigaudit/buf.h"
#include "sigaudit/case.h"
#include "sigaudit/error.h"
#include "sigaudit/p11.h"

#include "sigaudit/ossl.h"

/* ---- the case (mech_matrix.c) ---- */

void sa_p11is_mech05(sa_case_ctx *ctx);

/* ---- OpenSSL side (mech_matrix_ossl.c) ----
 *
 * Same conventions as sigaudit/ossl.h: 0 or a negative SA_E_* with err filled;
 * SA_E_UNSUPPORTED (nothing to drain) when this OpenSSL does not offer the
 * algorithm (single DES lives in the legacy provider), so the caller falls
 * back to a round trip on the token instead of an independent answer. */

/** Encrypt `in` with cipher `name` fetched from lctx (NULL: default) (OpenSSL
 * name, e.g. "AES-128-CBC", "DES-EDE3-ECB", "AES-128-WRAP-PAD"). pad: PKCS#7
 * padding on. iv may be NULL. With tag_len > 0 the cipher is AEAD (GCM): aad is
 * authenticated and the tag is appended to the output (the PKCS#11 CKM_AES_GCM
 * layout, Curr. Mech. v2.40 §2.10.x (unconfirmed)). */
int sa_mm_ossl_encrypt(OSSL_LIB_CTX *lctx, const char *name, bool pad,
                       const unsigned char *key, size_t key_len,
                       const unsigned char *iv, size_t iv_len,
                       const unsigned char *aad, size_t aad_len, size_t tag_len,
                       const unsigned char *in, size_t in_len, sa_buf *out,
                       sa_error *err);

/** MAC `in`: mac "HMAC" with sub the digest name, or "CMAC" with sub the
 * CBC cipher name ("AES-128-CBC", "DES-EDE3-CBC"). */
int sa_mm_ossl_mac(const char *mac, const char *sub, const unsigned char *key,
                   size_t key_len, const unsigned char *in, size_t in_len,
                   sa_buf *out, sa_error *err);

/** Digest `in` with the OpenSSL digest `md` ("SHA256", "SHA3-256", ...). */
int sa_mm_ossl_digest(const char *md, const unsigned char *in, size_t in_len,
                      sa_buf *out, sa_error *err);

/** Verify an RSA signature over a hash: PKCS #1 v1.5 (the DigestInfo of md
 * is built by OpenSSL) or, with pss, RSASSA-PSS with MGF1 of the same md and
 * salt length `salt`. *valid false: an invalid signature (a result). */
int sa_mm_ossl_rsa_verify(EVP_PKEY *pub, const char *md, bool pss, size_t salt,
                          const unsigned char *hash, size_t hash_len,
                          const unsigned char *sig, size_t sig_len, bool *valid,
                          sa_error *err);

/* Padding of sa_mm_ossl_rsa_encrypt. */
typedef enum sa_mm_rsa_pad {
	SA_MM_RSA_RAW = 0, /* CKM_RSA_X_509: s^e mod n, no padding */
	SA_MM_RSA_PKCS1,   /* CKM_RSA_PKCS: EME-PKCS1-v1_5 */
	SA_MM_RSA_OAEP,    /* CKM_RSA_PKCS_OAEP with oaep_md, MGF1 of the same,
	                      empty label */
} sa_mm_rsa_pad;

/** The RSA public-key operation on `in` with the padding given. RAW is also
 * how a raw (CKM_RSA_X_509) signature is checked: the public operation on
 * the signature gives back the signed block. */
int sa_mm_ossl_rsa_encrypt(EVP_PKEY *pub, sa_mm_rsa_pad pad,
                           const char *oaep_md, const unsigned char *in,
                           size_t in_len, sa_buf *out, sa_error *err);

/** A DSA public key from big-endian p, q, g and y. */
int sa_mm_ossl_dsa_pub(const sa_buf *p, const sa_buf *q, const sa_buf *g,
                       const sa_buf *y, EVP_PKEY **out, sa_error *err);

/** Verify a DSA signature r || s (Curr. Mech. v2.40 §2.2 (unconfirmed):
 * each half the length of q) over `hash`. */
int sa_mm_ossl_dsa_verify(EVP_PKEY *pub, size_t q_len,
                          const unsigned char *hash, size_t hash_len,
                          const unsigned char *sig, size_t sig_len, bool *valid,
                          sa_error *err);

/** DSA domain parameters of `bits` made by OpenSSL (when the token has no
 * CKM_DSA_PARAMETER_GEN to make them). */
int sa_mm_ossl_dsa_params(unsigned bits, sa_buf *p, sa_buf *q, sa_buf *g,
                          sa_error *err);

/** p and g of a named finite-field group ("ffdhe2048", RFC 7919). */
int sa_mm_ossl_dh_group(const char *name, sa_buf *p, sa_buf *g, sa_error *err);

/** Diffie-Hellman as the other party: a fresh OpenSSL key on (p, g), its
 * public value into own_y, and the shared secret with the token's public
 * value peer_y into secret, left-padded with zeros to the length of p (the
 * PKCS #3 octet string). */
int sa_mm_ossl_dh(const sa_buf *p, const sa_buf *g, const sa_buf *peer_y,
                  sa_buf *own_y, sa_buf *secret, sa_error *err);

/** ECDH as the other party: a fresh OpenSSL key on `curve`, its public point
 * (uncompressed, 04 || X || Y) into own_point, and the shared X coordinate
 * with the token's public key `peer` into secret (field length). */
int sa_mm_ossl_ecdh(const sa_p11_ossl_curve *curve, EVP_PKEY *peer,
                    sa_buf *own_point, sa_buf *secret, sa_error *err);

/** A private OpenSSL library context with the default provider and, when
 * installed, the legacy one (single DES), so that the case can check single
 * DES without loading anything into the context the module under test may
 * share. lctx NULL (use the default context) when it cannot be made;
 * legacy NULL when that provider is not installed. */
typedef struct sa_mm_ossl_ctx {
	OSSL_LIB_CTX *lctx;
	OSSL_PROVIDER *def, *legacy;
} sa_mm_ossl_ctx;

void sa_mm_ossl_ctx_open(sa_mm_ossl_ctx *c);
/** Unload the providers and free the context; a closed one is a no-op. */
void sa_mm_ossl_ctx_close(sa_mm_ossl_ctx *c);

/* ---- internal to mech_matrix*.c ---- */

#define SA_MM_TEXT        192
#define SA_MM_MAX_PAIRS   16
#define SA_MM_MAX_SECRETS 16
/* The largest secret key the case imports (HMAC keys up to SHA-512's). */
#define SA_MM_KEY_MAX 128
/* Token outputs are untrusted lengths: nothing larger is accepted. */
#define SA_MM_OUT_MAX 16384UL

/* ---- the matrix ---- */

/* One column per operation flag (B2.40 §3.5 Table 34 (unconfirmed)). */
enum sa_mm_col {
	SA_MM_ENCRYPT = 0,
	SA_MM_DECRYPT,
	SA_MM_DIGEST,
	SA_MM_SIGN,
	SA_MM_SIGN_RECOVER,
	SA_MM_VERIFY,
	SA_MM_VERIFY_RECOVER,
	SA_MM_GENERATE,
	SA_MM_GENERATE_KEY_PAIR,
	SA_MM_WRAP,
	SA_MM_UNWRAP,
	SA_MM_DERIVE,
	SA_MM_NCOL
};

typedef enum sa_mm_state {
	SA_MM_UNSET = 0,
	SA_MM_WORKS,
	SA_MM_FAILS,
	SA_MM_NOTEX,
} sa_mm_state;

struct sa_mm_cell {
	sa_mm_state st;
	char text[SA_MM_TEXT];
};

struct sa_mm_row {
	CK_MECHANISM_TYPE type;
	CK_RV info_rv;
	CK_MECHANISM_INFO info;
	struct sa_mm_cell cell[SA_MM_NCOL];
};

/* ---- keys ---- */

typedef enum sa_mm_fam {
	SA_MMK_RSA = 0,
	SA_MMK_EC,
	SA_MMK_ED,
	SA_MMK_DSA,
	SA_MMK_DH
} sa_mm_fam;

struct sa_mm_pair {
	sa_mm_fam fam;
	CK_ULONG bits;
	const sa_p11_ossl_curve *curve;
	CK_OBJECT_HANDLE pub, priv;
	bool ok;
	char why[SA_MM_TEXT]; /* when !ok: why there is no key */
	EVP_PKEY *pkey;       /* the public key in OpenSSL, or NULL */
	size_t mod_len;       /* RSA: modulus bytes */
	size_t q_len;         /* DSA: subprime bytes */
	sa_buf p, g, y;       /* DH: domain and public value */
};

/* DSA or DH domain parameters. */
struct sa_mm_dom {
	bool ok;
	CK_ULONG bits;
	sa_buf p, q, g;
	const char *source;
};

struct sa_mm_secret {
	CK_KEY_TYPE kt;
	size_t len;
	CK_OBJECT_HANDLE h;
	bool ok, known;
	unsigned char val[SA_MM_KEY_MAX];
	char why[SA_MM_TEXT];
};

struct sa_mm {
	sa_case_ctx *ctx;
	CK_FUNCTION_LIST_PTR fl;
	CK_SESSION_HANDLE own, ops;
	bool have_own, have_ops, logged_in;
	struct sa_mm_row *rows;
	CK_ULONG n;
	struct sa_mm_pair pairs[SA_MM_MAX_PAIRS];
	size_t n_pairs;
	struct sa_mm_secret secrets[SA_MM_MAX_SECRETS];
	size_t n_secrets;
	struct sa_mm_secret target; /* the key wrapped by WRAP/UNWRAP */
	bool target_tried;
	struct sa_mm_dom dsa, dh_gen;
	sa_mm_ossl_ctx oc; /* OpenSSL for the cross-checks (with single DES) */
	char why[SA_MM_TEXT];  /* scratch for the reason returned by getters */
	char diag[SA_MM_TEXT]; /* scratch for struct sa_mm_rv.bad */
};

/* The outcome of one sequence of token calls: the CK_RV of the first call
 * that failed and its name, or `bad` for a wrong answer with CKR_OK. */
struct sa_mm_rv {
	CK_RV rv;
	const char *where;
	const char *bad;
};

#define SA_MM_RV_OK ((struct sa_mm_rv){CKR_OK, NULL, NULL})

typedef CK_RV (*sa_mm_init_fn)(CK_SESSION_HANDLE, CK_MECHANISM_PTR,
                               CK_OBJECT_HANDLE);
typedef CK_RV (*sa_mm_op_fn)(CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG,
                             CK_BYTE_PTR, CK_ULONG_PTR);

/* mech_matrix.c: the matrix. */

bool sa_mm_rv_ok(struct sa_mm_rv r);
/** Whether the mechanism of row r (info known) advertises flag c. */
bool sa_mm_adv(const struct sa_mm_row *r, enum sa_mm_col c);
/** Set a cell; the first result recorded stands, and flags the mechanism
 * does not advertise get none. The text is "works (detail)" and so on. */
void sa_mm_cell_set(struct sa_mm_row *r, enum sa_mm_col c, sa_mm_state st,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/** A failed cell from the outcome of token calls. */
void sa_mm_cell_rv(struct sa_mm_row *r, enum sa_mm_col c, struct sa_mm_rv rv);
/** Every still open advertised cell of columns c[0..n) "not exercised". */
void sa_mm_cells_notex(struct sa_mm_row *r, const enum sa_mm_col *c, size_t n,
                       const char *why);
/** The row of a listed mechanism with information, or NULL. */
struct sa_mm_row *sa_mm_row_get(struct sa_mm *m, CK_MECHANISM_TYPE t);
/** The advertised key-size range; a maximum of 0 means "no bound". */
void sa_mm_range(const struct sa_mm_row *r, CK_ULONG *lo, CK_ULONG *hi);
bool sa_mm_in_range(const struct sa_mm_row *r, CK_ULONG v);

/* mech_matrix_keys.c: token calls (all on the ops session) and keys (made
 * in the own session). */

/** Close and reopen the ops session (ends any operation left active). */
void sa_mm_ops_reset(struct sa_mm *m);
/** Init (NULL: C_DigestInit) and a single-part operation, size query first;
 * a refused sized buffer is diagnosed in the outcome's text. */
struct sa_mm_rv sa_mm_crypt(struct sa_mm *m, sa_mm_init_fn init,
                            const char *iname, sa_mm_op_fn op,
                            const char *oname, CK_MECHANISM *mech,
                            CK_OBJECT_HANDLE key, const unsigned char *in,
                            size_t in_len, sa_buf *out);
/** C_VerifyInit + C_Verify; CKR_SIGNATURE_INVALID is in the outcome's rv. */
struct sa_mm_rv sa_mm_verify(struct sa_mm *m, CK_MECHANISM *mech,
                             CK_OBJECT_HANDLE key, const unsigned char *data,
                             size_t len, const unsigned char *sig,
                             size_t sig_len);
struct sa_mm_rv sa_mm_wrap(struct sa_mm *m, CK_MECHANISM *mech,
                           CK_OBJECT_HANDLE wrapping, CK_OBJECT_HANDLE key,
                           sa_buf *out);
/** Unwrap as a readable session secret key of type kt. */
struct sa_mm_rv sa_mm_unwrap(struct sa_mm *m, CK_MECHANISM *mech,
                             CK_OBJECT_HANDLE unwrapping, const sa_buf *blob,
                             CK_KEY_TYPE kt, CK_OBJECT_HANDLE *out);
/** Derive a readable generic secret of vlen bytes. */
struct sa_mm_rv sa_mm_derive(struct sa_mm *m, CK_MECHANISM *mech,
                             CK_OBJECT_HANDLE base, CK_ULONG vlen,
                             CK_OBJECT_HANDLE *out);
/** One attribute (at most SA_MM_OUT_MAX bytes); its CK_RV. */
CK_RV sa_mm_get_attr(struct sa_mm *m, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h,
                     CK_ATTRIBUTE_TYPE type, sa_buf *out);
/** C_DestroyObject unless CK_INVALID_HANDLE; *h becomes invalid. */
void sa_mm_destroy(struct sa_mm *m, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE *h);
bool sa_mm_same(const sa_buf *a, const unsigned char *b, size_t len);
/** Random test data (not key material anyone relies on). */
void sa_mm_rand(unsigned char *p, size_t len);
const char *sa_mm_kt_name(CK_KEY_TYPE kt);
/** A secret key of type kt and len bytes (cached): imported with known
 * bytes, else generated and read back. NULL with *why when there is none. */
struct sa_mm_secret *sa_mm_secret_get(struct sa_mm *m, CK_KEY_TYPE kt,
                                      size_t len, const char **why);
/** The extractable AES-128 key that WRAP/UNWRAP move. */
struct sa_mm_secret *sa_mm_target_get(struct sa_mm *m, const char **why);
/** AES key length in bytes inside r's range, or 0. */
size_t sa_mm_aes_len(const struct sa_mm_row *r);
/** Key length in bytes of a secret key type for row r. */
size_t sa_mm_secret_len(const struct sa_mm_row *r, CK_KEY_TYPE kt);
/** The OpenSSL cipher name of kt, len bytes, in mode ("CBC", "WRAP"...). */
void sa_mm_cipher_name(char *out, size_t size, CK_KEY_TYPE kt, size_t len,
                       const char *mode);
/** Whether key h holds want's bytes (key check value or CKA_VALUE); how
 * says which was compared. */
bool sa_mm_same_key(struct sa_mm *m, CK_OBJECT_HANDLE h,
                    const struct sa_mm_secret *want, const char **how);
/** Domain parameters of bits from the token's parameter generation
 * mechanism pg (sets its GENERATE cell). */
bool sa_mm_dom_make(struct sa_mm *m, sa_mm_fam fam, CK_ULONG bits,
                    struct sa_mm_dom *d, struct sa_mm_row *pg);
/** A key pair of family fam sized for operation row op (NULL: the
 * generation mechanism's range only), made once and cached; the
 * generation mechanism's GENERATE_KEY_PAIR cell is set on the way. */
struct sa_mm_pair *sa_mm_pair_get(struct sa_mm *m, sa_mm_fam fam,
                                  const struct sa_mm_row *op, const char **why);

/* mech_matrix_ex.c: the exercises. */

/** The key family (sa_mm_fam) a mechanism uses, or -1. */
int sa_mm_mech_fam(CK_MECHANISM_TYPE t);
/** The usages (CKF_ operation flags) listed mechanisms of fam advertise. */
CK_FLAGS sa_mm_fam_usage(struct sa_mm *m, sa_mm_fam fam);
/** Whether the case knows mechanism t at all. */
bool sa_mm_known(CK_MECHANISM_TYPE t);
/** Exercise every advertised flag of every row. */
void sa_mm_exercise(struct sa_mm *m);

#endif
