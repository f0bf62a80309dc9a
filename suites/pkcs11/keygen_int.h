/* Catalogue group E (key generation), row SIG-11 (operation state) and group
 * H (concurrency): what keygen*.c, opstate.c and concurrency.c share.
 * Private to suites/pkcs11.
 *
 * As in session_int.h, a failure of *set-up* (a session that will not open,
 * a key the token will not make for a check that is about something else)
 * gives an ERROR verdict with a reason; behaviour under test is recorded
 * with sa_case_check*() and sa_p11_check_rv() only. Every key made here is
 * a session object (CKA_TOKEN = CK_FALSE), destroyed before the case ends. */
#ifndef SA_SUITE_PKCS11_KEYGEN_INT_H
#define SA_SUITE_PKCS11_KEYGEN_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "sigaudit/buf.h"
#include "sigaudit/case.h"
#include "sigaudit/p11.h"

#include "sigaudit/ossl.h"

/* ---- the cases (run functions) ---- */

/* keygen_asym.c */
void sa_p11_gen01a_rsa(sa_case_ctx *ctx);
void sa_p11_gen01b_rsa4096(sa_case_ctx *ctx);
void sa_p11_gen02a_ec(sa_case_ctx *ctx);
void sa_p11_gen02b_ec_unsupported(sa_case_ctx *ctx);
void sa_p11_gen03_eddsa(sa_case_ctx *ctx);
/* keygen_misc.c */
void sa_p11_gen04a_aes(sa_case_ctx *ctx);
void sa_p11_gen04b_aes_bad(sa_case_ctx *ctx);
void sa_p11_gen05a_atomic(sa_case_ctx *ctx);
void sa_p11_gen05b_atomic_unknown_attr(sa_case_ctx *ctx);
void sa_p11_gen06_weak(sa_case_ctx *ctx);
void sa_p11_gen07_pqc(sa_case_ctx *ctx);

/* ---- shared helpers (keygen_util.c) ---- */

/* PKCS#11 3.0 / 3.2 names p11-kit's v2.40 header lacks (B3.2 §6; values as
 * in the OASIS pkcs11t.h of 3.2). */
#define SA_CKM_ML_DSA_KEY_PAIR_GEN         0x0000001cUL
#define SA_CKM_ML_DSA                      0x0000001dUL
#define SA_CKM_SLH_DSA_KEY_PAIR_GEN        0x0000002dUL
#define SA_CKK_ML_DSA                      0x0000004aUL
#define SA_CKA_PARAMETER_SET               0x0000061dUL
#define SA_CKP_ML_DSA_44                   0x00000001UL
#define SA_CKP_ML_DSA_65                   0x00000002UL
#define SA_CKP_ML_DSA_87                   0x00000003UL
#define SA_CKR_PARAMETER_SET_NOT_SUPPORTED 0x00000209UL

/* The largest attribute value read (untrusted length). */
#define SA_P11_GEN_ATTR_MAX 65536UL

/** What to generate: a key pair of `mech` (CKM_RSA_PKCS_KEY_PAIR_GEN with
 * `bits`, CKM_EC_KEY_PAIR_GEN / CKM_EC_EDWARDS_KEY_PAIR_GEN with `params`),
 * as session objects: public key CKA_TOKEN false, CKA_VERIFY true; private
 * key CKA_TOKEN false, CKA_PRIVATE, CKA_SENSITIVE and CKA_SIGN true. The
 * extra attributes are appended to the templates (GEN-05 uses them to make
 * a template bad); omit_bits leaves CKA_MODULUS_BITS out. */
typedef struct sa_p11_gen_spec {
	CK_MECHANISM_TYPE mech;
	CK_ULONG bits;
	const unsigned char *params;
	size_t params_len;
	const CK_ATTRIBUTE *extra_pub;
	size_t n_extra_pub;
	const CK_ATTRIBUTE *extra_priv;
	size_t n_extra_priv;
	bool omit_bits;
	const char *label; /* CKA_LABEL of both keys, or NULL */
	bool token;        /* CKA_TOKEN true (token objects) */
	bool fallback;     /* a good template: if the token refuses session
	                      keys, make token objects (see below) */
} sa_p11_gen_spec;

/** CKA_LABEL of keys that had to be token objects. */
#define SA_P11_GEN_TMP_LABEL "sigaudit-tmp"

/** C_GenerateKeyPair as `spec` says; returns its CK_RV. The handles are
 * CK_INVALID_HANDLE on entry; the caller destroys what it got. With
 * spec->fallback, a session key pair refused with CKR_ATTRIBUTE_VALUE_INVALID
 * or CKR_TEMPLATE_INCONSISTENT is asked again as token objects (labelled
 * SA_P11_GEN_TMP_LABEL unless spec->label), with a note: only for templates
 * that are meant to succeed. */
CK_RV sa_p11_gen_pair(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                      const sa_p11_gen_spec *spec, CK_OBJECT_HANDLE *pub,
                      CK_OBJECT_HANDLE *priv);

/** Set-up shortcuts: an RSA or EC (curve named as in sigaudit/ossl.h) session
 * key pair; any CK_RV but CKR_OK gives an ERROR verdict and SA_E_CKR. */
int sa_p11_gen_rsa_setup(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_ULONG bits,
                         CK_OBJECT_HANDLE *pub, CK_OBJECT_HANDLE *priv);
int sa_p11_gen_ec_setup(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                        const char *curve, CK_OBJECT_HANDLE *pub,
                        CK_OBJECT_HANDLE *priv);

/** A session key pair to sign with, for cases about something else: P-256
 * with CKM_ECDSA when the token lists both, else RSA-2048 with the mechanism
 * of sa_p11_gen_sign_mech(). SA_E_UNSUPPORTED (nothing recorded) when the
 * token can make neither; a refused generation gives an ERROR verdict. */
int sa_p11_gen_sign_pair(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                         CK_OBJECT_HANDLE *pub, CK_OBJECT_HANDLE *priv,
                         CK_MECHANISM_TYPE *mech);

/** Destroy every object labelled `label` that session s sees, noting the
 * class of each: what a failed call (or a crashed earlier case) left. */
void sa_p11_gen_sweep(sa_case_ctx *ctx, CK_SESSION_HANDLE s, const char *label);

/** An RW session with the user logged in (set-up: ERROR on failure); token
 * objects labelled SA_P11_GEN_TMP_LABEL left by a crashed case are swept. */
int sa_p11_gen_session(sa_case_ctx *ctx, CK_SESSION_HANDLE *out);
/** Log out (ignoring the result) and close *s; CK_INVALID_HANDLE is a no-op.
 */
void sa_p11_gen_session_end(sa_case_ctx *ctx, CK_SESSION_HANDLE *s);
/** C_DestroyObject(*h) unless it is CK_INVALID_HANDLE; a failure is only
 * noted (cleanup, not a verdict). *h becomes CK_INVALID_HANDLE. */
void sa_p11_gen_destroy(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                        CK_OBJECT_HANDLE *h);

/** One attribute into out (at most SA_P11_GEN_ATTR_MAX bytes). Returns the
 * CK_RV of C_GetAttributeValue; CKR_GENERAL_ERROR with a note when the
 * module reports an impossible length. */
CK_RV sa_p11_gen_get(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h,
                     CK_ATTRIBUTE_TYPE type, sa_buf *out);

/** Record a check that CK_ULONG attribute `type` equals want. name() gives
 * the text of a value (sa_p11_mech_name ...) or NULL for decimal. */
bool sa_p11_gen_check_ulong(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                            CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE type,
                            CK_ULONG want, const char *(*name)(CK_ULONG),
                            const char *what);
/** Record a check that CK_BBOOL attribute `type` equals want. */
bool sa_p11_gen_check_bool(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                           CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE type,
                           bool want, const char *what);
/** Record a check that object h has every attribute of types[] (a size query
 * gives CKR_OK or CKR_ATTRIBUTE_SENSITIVE, B2.40 §5.7.5), listing the
 * missing ones. */
bool sa_p11_gen_check_attrs(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                            CK_OBJECT_HANDLE h, const CK_ATTRIBUTE_TYPE *types,
                            size_t n, const char *what);

/* Attribute sets of B2.40 §4.4, §4.7-4.9 and Curr. Mech. v2.40 (RSA §2.1.2-
 * 2.1.3, EC §2.3.3-2.3.4), for sa_p11_gen_check_attrs. */
extern const CK_ATTRIBUTE_TYPE sa_p11_gen_attrs_pub[];
extern const size_t sa_p11_gen_n_attrs_pub;
extern const CK_ATTRIBUTE_TYPE sa_p11_gen_attrs_priv[];
extern const size_t sa_p11_gen_n_attrs_priv;
extern const CK_ATTRIBUTE_TYPE sa_p11_gen_attrs_secret[];
extern const size_t sa_p11_gen_n_attrs_secret;

/** The mechanism sa_p11_gen_check_sign uses for a key type: RSA
 * CKM_SHA256_RSA_PKCS (else CKM_RSA_PKCS), EC CKM_ECDSA, EdDSA CKM_EDDSA;
 * SA_MECH_END when the token lists none of them. */
CK_MECHANISM_TYPE sa_p11_gen_sign_mech(sa_case_ctx *ctx, CK_KEY_TYPE kt);

/** What C_Sign gets for `msg` under mech: SHA-256 of msg for CKM_ECDSA, its
 * DigestInfo for CKM_RSA_PKCS, msg itself otherwise. */
int sa_p11_gen_sign_input(CK_MECHANISM_TYPE mech, const unsigned char *msg,
                          size_t len, sa_buf *out, sa_error *err);

/** Sign a fixed message with priv on the token and verify the signature
 * with OpenSSL against the token's public key object pub: records one check
 * (C_SignInit / C_Sign CKR_OK and a valid signature). A signature that
 * could not be verified at all gives an ERROR verdict. */
bool sa_p11_gen_check_sign(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                           CK_OBJECT_HANDLE priv, CK_OBJECT_HANDLE pub,
                           CK_MECHANISM_TYPE mech, const char *what);

/** Count the objects the session can see (C_FindObjects with an empty
 * template). Returns the CK_RV of the first failing call. */
CK_RV sa_p11_gen_count(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_ULONG *n);

/** The CK_RV check for "one of several codes, all strict" (the catalogue
 * names alternatives the specification treats as equal). */
bool sa_p11_gen_check_rv_any(sa_case_ctx *ctx, const char *what, CK_RV rv,
                             const CK_RV *any);

#endif
