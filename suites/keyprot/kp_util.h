/* Key-protection suite: helpers shared by kp_policy*.c and kp_attack*.c.
 * Private to suites/keyprot.
 *
 * Every key the suite touches is a session object (CKA_TOKEN = FALSE, added
 * by the template builder whatever the options say) created by the case and
 * destroyed by it. The one exception is the key source (below): on a token
 * that refuses session keys it makes token objects with unique labels and
 * destroys them at the end of the case.
 *
 * Known keys: the suite imports test keys whose values are constants in
 * kp_util_keys.c (public test vectors, not secrets), so that a leak can be
 * detected byte for byte. Evidence and notes may show fingerprints and KCVs
 * of these keys (sa_kp_fingerprint, sa_kp_aes_kcv), never the values; the
 * token's own keys are never read.
 *
 * Conventions: functions that perform the behaviour under test return the
 * CK_RV and record nothing, so that the case decides strict/lenient with
 * sa_p11_check_rv(). Functions whose name says "setup" (or that take a
 * `what`) turn a failure into an ERROR verdict with a reason: the
 * behaviour under test was never reached. Readers that record a check say
 * so. */
#ifndef SA_SUITE_KEYPROT_KP_UTIL_H
#define SA_SUITE_KEYPROT_KP_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include "sigaudit/buf.h"
#include "sigaudit/case.h"
#include "sigaudit/p11.h"

/* ---- known test keys (kp_util_keys.c) ---- */

typedef enum sa_kp_known_id {
	SA_KP_AES128 = 0, /* AES-128 (16-byte CKA_VALUE) */
	SA_KP_AES256,     /* AES-256 */
	SA_KP_AES256_B,   /* a second, unrelated AES-256 value */
	SA_KP_RSA2048,    /* RSA-2048, e = 65537, CRT components */
	SA_KP_EC_P256,    /* EC prime256v1 */
	SA_KP_KNOWN_COUNT_
} sa_kp_known_id;

/** One attribute of a known key. Big integers are big-endian without
 * leading zero bytes (PKCS#11 "Big integer", B2.40 §2.1). */
typedef struct sa_kp_part {
	CK_ATTRIBUTE_TYPE type;
	const CK_BYTE *value;
	size_t len;
	/* a value a sensitive or unextractable key must never reveal
	 * (B2.40 §4.9 footnote 7, §4.10): AES and EC CKA_VALUE, RSA
	 * CKA_PRIVATE_EXPONENT .. CKA_COEFFICIENT */
	bool secret;
} sa_kp_part;

typedef struct sa_kp_known {
	const char *name;     /* "AES-128", "RSA-2048", "EC P-256" */
	CK_KEY_TYPE key_type; /* CKK_AES, CKK_RSA, CKK_EC */
	CK_ULONG bits;        /* key size in bits */
	/* private-key (or secret-key) attributes, public ones included:
	 * RSA CKA_MODULUS, CKA_PUBLIC_EXPONENT; EC CKA_EC_PARAMS. The EC
	 * public point is part ec_point (type CKA_EC_POINT, DER OCTET
	 * STRING), only for the public key. */
	const sa_kp_part *parts;
	size_t n_parts;
} sa_kp_known;

/** The known key `id` (static storage; NULL for an invalid id). */
const sa_kp_known *sa_kp_known_get(sa_kp_known_id id);

/** The part of k with attribute `type`, or NULL. */
const sa_kp_part *sa_kp_known_part(const sa_kp_known *k,
                                   CK_ATTRIBUTE_TYPE type);

/** Whether `data` contains a secret part of k: the whole value, or any
 * 16-byte piece of it at a 16-byte offset (a truncated or split leak is a
 * leak too; a chance match of 16 bytes is not credible). *which (may be
 * NULL) gets the attribute type of the part found. Parts shorter than 16
 * bytes are searched whole. */
bool sa_kp_known_leaks(const sa_kp_known *k, const void *data, size_t len,
                       CK_ATTRIBUTE_TYPE *which);

/** Whether `needle` (len m > 0) occurs in `hay` (len n). */
bool sa_kp_contains(const void *hay, size_t n, const void *needle, size_t m);

/** Printable, non-reversible identifier of key bytes for evidence:
 * "sha256:" + first 6 bytes of SHA-256 in hex. out needs
 * SA_KP_FP_SIZE bytes. */
#define SA_KP_FP_SIZE 20
void sa_kp_fingerprint(const void *data, size_t len, char *out);

/** Key check value of an AES key (the first 3 bytes of AES-ECB of a zero
 * block, the usual KCV) as 6 hex digits; out needs 7 bytes. 0 or
 * SA_E_OSSL / SA_E_INVALID (length not 16/24/32). */
int sa_kp_aes_kcv(const CK_BYTE *key, size_t len, char out[7]);

/** AES key wrap (RFC 3394, CKM_AES_KEY_WRAP with the default IV) of `in`
 * (len a multiple of 8, >= 16) under the AES key kek, done by OpenSSL: the
 * blobs a known wrapping key would produce, made without the token. out is
 * reset first. 0, SA_E_INVALID or SA_E_OSSL. */
int sa_kp_aes_keywrap(const CK_BYTE *kek, size_t kek_len, const void *in,
                      size_t len, sa_buf *out);
/** The inverse: SA_E_OSSL when the integrity check fails (not a blob of
 * kek). Use a secure buffer: out receives key bytes. */
int sa_kp_aes_keyunwrap(const CK_BYTE *kek, size_t kek_len, const void *in,
                        size_t len, sa_buf *out);

/* DER of the prime256v1 OID (CKA_EC_PARAMS, Curr. Mech. v2.40 §2.3). */
extern const CK_BYTE sa_kp_p256_params[10];
/* A zero 16-byte IV for AES CBC mechanisms. */
extern const CK_BYTE sa_kp_zero_iv[16];

/* ---- templates ---- */

/* Tri-state of an optional CK_BBOOL attribute: SA_KP_OMIT leaves it out of
 * the template (the token's default applies). */
enum { SA_KP_OMIT = 0, SA_KP_FALSE = 1, SA_KP_TRUE = 2 };

/** What a key template says beyond class, key type and value. Zero (or
 * SA_KP_OPTS_INIT) is "nothing": every flag omitted. CKA_TOKEN is always
 * FALSE. */
typedef struct sa_kp_opts {
	int private_obj; /* CKA_PRIVATE */
	int sensitive;
	int extractable;
	int modifiable;
	int copyable;
	int sign;
	int verify;
	int encrypt;
	int decrypt;
	int wrap;
	int unwrap;
	int derive;
	int wrap_with_trusted;
	int trusted;
	int always_authenticate;
	/* CKA_ALLOWED_MECHANISMS when n_allowed_mechs > 0 */
	const CK_MECHANISM_TYPE *allowed_mechs;
	size_t n_allowed_mechs;
	/* CKA_WRAP_TEMPLATE / CKA_UNWRAP_TEMPLATE when n_* > 0 */
	const CK_ATTRIBUTE *wrap_template;
	size_t n_wrap_template;
	const CK_ATTRIBUTE *unwrap_template;
	size_t n_unwrap_template;
	/* appended as given (borrowed until the call) */
	const CK_ATTRIBUTE *extra;
	size_t n_extra;
	/* CKA_LABEL; NULL gives "sigaudit-kp" */
	const char *label;
	/* CKA_TOKEN = TRUE instead of FALSE: only the key source below sets
	 * it, for tokens that refuse session keys, and destroys the object */
	bool token_obj;
} sa_kp_opts;

#define SA_KP_OPTS_INIT                                                        \
	{                                                                      \
		0                                                              \
	}

#define SA_KP_TMPL_MAX 48

/** A template under construction. Values added by pointer are borrowed
 * (they must outlive the call that uses the template); CK_ULONG and CK_BBOOL
 * values are copied into the struct, so the struct must not be moved or
 * copied once built. More than SA_KP_TMPL_MAX attributes sets overflow and
 * drops the rest (the helpers then return CKR_GENERAL_ERROR without calling
 * the module). */
typedef struct sa_kp_tmpl {
	CK_ATTRIBUTE attrs[SA_KP_TMPL_MAX];
	CK_ULONG n;
	CK_ULONG ulongs[16];
	size_t n_ulongs;
	bool overflow;
} sa_kp_tmpl;

/** Empty template holding CKA_TOKEN = FALSE. */
void sa_kp_tmpl_init(sa_kp_tmpl *t);
void sa_kp_tmpl_add(sa_kp_tmpl *t, CK_ATTRIBUTE_TYPE type, const void *value,
                    size_t len);
void sa_kp_tmpl_ulong(sa_kp_tmpl *t, CK_ATTRIBUTE_TYPE type, CK_ULONG v);
void sa_kp_tmpl_bool(sa_kp_tmpl *t, CK_ATTRIBUTE_TYPE type, bool v);
/** Add what o says (NULL: only the label). */
void sa_kp_tmpl_opts(sa_kp_tmpl *t, const sa_kp_opts *o);

/* ---- sessions and objects ---- */

/** Set-up: open an RW session on the case's slot and, when login, log the
 * user in. ERROR verdict and a negative code on failure (*out is then
 * CK_INVALID_HANDLE, or the open session when only the login failed: close
 * it with sa_kp_close either way). */
int sa_kp_open(sa_case_ctx *ctx, bool login, CK_SESSION_HANDLE *out);

/* Clean-up: sa_p11_close() and sa_p11_destroy() (sigaudit/p11.h). Closing
 * a session takes its session objects with it (B2.40 §4.4 CKA_TOKEN), and
 * closing the application's last session logs it out (B2.40 §5.6.2). */

/** Set-up check of a CK_RV: CKR_OK gives 0; anything else an ERROR verdict
 * "set-up: <what> returned CKR_..." and SA_E_CKR. */
int sa_kp_setup(sa_case_ctx *ctx, CK_RV rv, const char *what);

/** Whether the token lists mechanism m; when it does not, and skip_why is
 * not NULL, the case is marked SKIP "token does not list CKM_X: <skip_why>".
 * For mechanisms only part of a case needs (the runner already skips cases
 * whose sa_case.mechs the token lacks). */
bool sa_kp_has_mech(sa_case_ctx *ctx, CK_MECHANISM_TYPE m,
                    const char *skip_why);

/* ---- creating keys (return the CK_RV, record nothing) ---- */

/** Import the known key `id` with C_CreateObject: AES as CKO_SECRET_KEY
 * (CKA_VALUE), RSA and EC as CKO_PRIVATE_KEY with every private-key
 * attribute of the part table. */
CK_RV sa_kp_import(sa_case_ctx *ctx, CK_SESSION_HANDLE s, sa_kp_known_id id,
                   const sa_kp_opts *o, CK_OBJECT_HANDLE *out);

/** Import the public half of RSA or EC known key `id` (CKO_PUBLIC_KEY);
 * CKR_ARGUMENTS_BAD (without calling the module) for a secret key id. */
CK_RV sa_kp_import_public(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                          sa_kp_known_id id, const sa_kp_opts *o,
                          CK_OBJECT_HANDLE *out);

/** Import an arbitrary secret key value (CKO_SECRET_KEY of key type kt,
 * CKA_VALUE = value). */
CK_RV sa_kp_import_secret(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_KEY_TYPE kt,
                          const CK_BYTE *value, size_t len, const sa_kp_opts *o,
                          CK_OBJECT_HANDLE *out);

/** C_GenerateKey with mechanism `mech` (CKM_AES_KEY_GEN,
 * CKM_GENERIC_SECRET_KEY_GEN, ...) and CKA_VALUE_LEN = len bytes (0: omit,
 * for mechanisms with a fixed length). The key type is not in the template
 * (the mechanism implies it). */
CK_RV sa_kp_gen_secret(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                       CK_MECHANISM_TYPE mech, CK_ULONG len,
                       const sa_kp_opts *o, CK_OBJECT_HANDLE *out);

/** C_GenerateKeyPair: kt CKK_RSA (bits, e = 65537) or CKK_EC (P-256; bits
 * ignored). pub_o/priv_o may be NULL. */
CK_RV sa_kp_gen_pair(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_KEY_TYPE kt,
                     CK_ULONG bits, const sa_kp_opts *pub_o,
                     const sa_kp_opts *priv_o, CK_OBJECT_HANDLE *pub,
                     CK_OBJECT_HANDLE *priv);

/* ---- capability-aware key source ----
 *
 * Some tokens (tpm2-pkcs11) refuse to import secret or private keys, and
 * some refuse session keys (CKA_TOKEN = FALSE). The key source imports the
 * known key when the token allows it (then the value is known and leaks can
 * be matched byte for byte); when the import is refused it generates a key
 * of the same kind with the same protection attributes, as a session object
 * or, if the token refuses session keys, as a token object with a unique
 * label that sa_kp_src_cleanup destroys. The runner forks per case, so the
 * list of token objects is per process: every case that uses the source
 * calls sa_kp_src_cleanup on every exit path. */

/** Set-up: the key `id` (with o's attributes) in *out. 0 and *known = true
 * when imported; 0 and *known = false when generated instead (*pub, may be
 * NULL, then gets the public half of a generated pair; CK_INVALID_HANDLE
 * otherwise). When the token can neither import nor generate such a key the
 * case is marked SKIP "the token refuses to import or generate <kind>
 * (CKR_..)" and SA_E_UNSUPPORTED is returned; other failures give an ERROR
 * verdict and SA_E_CKR. `what` names the key in reasons. */
int sa_kp_src_key(sa_case_ctx *ctx, CK_SESSION_HANDLE s, sa_kp_known_id id,
                  const sa_kp_opts *o, const char *what, CK_OBJECT_HANDLE *out,
                  CK_OBJECT_HANDLE *pub, bool *known);

/** Like sa_kp_src_key without verdicts: returns the CK_RV of the import
 * when the fallback could not help either, CKR_OK otherwise; *why (may be
 * NULL) gets the skip reason when no key could be made (static storage).
 * For keys only part of a case needs. */
CK_RV sa_kp_src_try(sa_case_ctx *ctx, CK_SESSION_HANDLE s, sa_kp_known_id id,
                    const sa_kp_opts *o, CK_OBJECT_HANDLE *out,
                    CK_OBJECT_HANDLE *pub, bool *known, const char **why);

/** sa_kp_gen_secret / sa_kp_gen_pair with the key source's rule: a
 * session object, or a token object (unique label, tracked, destroyed by
 * sa_kp_src_cleanup) when the token refuses session keys. */
CK_RV sa_kp_src_gen_secret(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                           CK_MECHANISM_TYPE mech, CK_ULONG len,
                           const sa_kp_opts *o, CK_OBJECT_HANDLE *out);
CK_RV sa_kp_src_gen_pair(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_KEY_TYPE kt,
                         CK_ULONG bits, const sa_kp_opts *pub_o,
                         const sa_kp_opts *priv_o, CK_OBJECT_HANDLE *pub,
                         CK_OBJECT_HANDLE *priv);

/** Whether the key source had to generate instead of importing in this
 * case (for notes about weaker evidence). */
bool sa_kp_src_generated(void);

/** Destroy the token objects the key source made (using s when it is a
 * valid session, else a session of its own with the user logged in);
 * results ignored. Safe to call more than once. */
void sa_kp_src_cleanup(sa_case_ctx *ctx, CK_SESSION_HANDLE s);

/* ---- attribute readers ---- */

/** C_GetAttributeValue of one CK_BBOOL / CK_ULONG attribute. *out is left
 * unchanged unless the call returns CKR_OK. */
CK_RV sa_kp_get_bool(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h,
                     CK_ATTRIBUTE_TYPE type, CK_BBOOL *out);
CK_RV sa_kp_get_ulong(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h,
                      CK_ATTRIBUTE_TYPE type, CK_ULONG *out);

/** Read a variable-length attribute: a size query (pValue NULL), then the
 * value into out (reset first; use a secure buffer for key material).
 * *reported (may be NULL) gets the ulValueLen the module left after the
 * first call that did not return CKR_OK, or after the value call: for a
 * refused attribute it must be CK_UNAVAILABLE_INFORMATION (B2.40 §5.7.5).
 * Returns the first CK_RV that is not CKR_OK, else CKR_OK. */
CK_RV sa_kp_get_bytes(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h,
                      CK_ATTRIBUTE_TYPE type, sa_buf *out, CK_ULONG *reported);

/** Record a check that CK_BBOOL attribute `type` of h reads `want`;
 * `what` names the situation ("CKA_SENSITIVE re-read after the refused
 * change"). A failing read fails the check. Returns whether it held. */
bool sa_kp_check_bool(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h,
                      CK_ATTRIBUTE_TYPE type, bool want, const char *what);

/** Whether type is one of the RSA private-key components a token may leave
 * out of a generated key (CKA_PRIVATE_EXPONENT, CKA_PRIME_1/2,
 * CKA_EXPONENT_1/2, CKA_COEFFICIENT; Curr. Mech. v2.40 §2.1.3). */
bool sa_kp_rsa_private_part(CK_ATTRIBUTE_TYPE type);

/** Record the checks that attribute `type` of h cannot be read (B2.40
 * §5.7.5, §4.9 footnote 7): the size query and a read into a 4096-byte
 * buffer return CKR_ATTRIBUTE_SENSITIVE (strict, no lenient code), leave
 * ulValueLen = CK_UNAVAILABLE_INFORMATION, and write nothing into the
 * buffer. When known is not NULL and the module returns bytes anyway, they
 * are compared with the known secret parts (the note says whether the
 * leaked bytes are the real value, by fingerprint only). Returns whether
 * every check held. */
bool sa_kp_check_unreadable(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                            CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE type,
                            const sa_kp_known *known, const char *what);

/* ---- operations (single-part; return the first CK_RV that is not
 * CKR_OK; init and operation failures are not told apart: call C_*Init
 * yourself when the init is what is checked) ---- */

/** C_SignInit, C_Sign size query, C_Sign into sig (reset first). */
CK_RV sa_kp_sign(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE key,
                 const CK_MECHANISM *m, const void *data, size_t len,
                 sa_buf *sig);
/** C_VerifyInit, C_Verify. */
CK_RV sa_kp_verify(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE key,
                   const CK_MECHANISM *m, const void *data, size_t len,
                   const void *sig, size_t sig_len);
CK_RV sa_kp_encrypt(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE key,
                    const CK_MECHANISM *m, const void *in, size_t len,
                    sa_buf *out);
CK_RV sa_kp_decrypt(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE key,
                    const CK_MECHANISM *m, const void *in, size_t len,
                    sa_buf *out);

/** C_WrapKey size query, then C_WrapKey into out (reset first). */
CK_RV sa_kp_wrap(sa_case_ctx *ctx, CK_SESSION_HANDLE s, const CK_MECHANISM *m,
                 CK_OBJECT_HANDLE wrapping, CK_OBJECT_HANDLE key, sa_buf *out);

/** C_UnwrapKey of blob into a session key of class cls and key type kt;
 * value_len > 0 adds CKA_VALUE_LEN; o adds flags as for the creators. */
CK_RV sa_kp_unwrap(sa_case_ctx *ctx, CK_SESSION_HANDLE s, const CK_MECHANISM *m,
                   CK_OBJECT_HANDLE unwrapping, const void *blob, size_t len,
                   CK_OBJECT_CLASS cls, CK_KEY_TYPE kt, CK_ULONG value_len,
                   const sa_kp_opts *o, CK_OBJECT_HANDLE *out);

/** Set-up: the configured user PIN with one ASCII character changed within
 * its class (digit, lower, upper, other), so that a token checking the
 * character set still sees a well-formed but wrong PIN. Secure buffer; the
 * caller frees it with sa_buf_free. ERROR verdict when there is no PIN. */
int sa_kp_wrong_user_pin(sa_case_ctx *ctx, sa_buf *out);

/** "CK_TRUE" / "CK_FALSE" / "0x%02x" (static storage for the first two;
 * other values use a per-thread buffer). */
const char *sa_kp_bool_str(CK_BBOOL b);

#endif
