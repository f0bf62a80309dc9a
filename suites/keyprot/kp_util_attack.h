/* Key-protection suite: what the attack-style findings (kp_attack*.c,
 * catalogue group G rows KP-06, 07, 11..14) share beyond kp_util.h. Private
 * to suites/keyprot.
 *
 * The attacks recover key bytes off the token, so the suite needs a
 * software model of the token's mechanisms (sa_kpa_soft_decrypt) and a way
 * to tell a recovered value from noise without ever writing a key into the
 * results: recovered values are compared in memory and shown only as KCVs
 * (sa_kp_aes_kcv) or fingerprints (sa_kp_fingerprint). */
#ifndef SA_SUITE_KEYPROT_KP_UTIL_ATTACK_H
#define SA_SUITE_KEYPROT_KP_UTIL_ATTACK_H

#include <stdbool.h>
#include <stddef.h>

#include "sigaudit/buf.h"
#include "sigaudit/case.h"
#include "sigaudit/p11.h"

#include "kp_util.h"

/* ---- the cases (kp_attack_wrap.c, kp_attack_derive.c, kp_attack_scan.c) */

void sa_kp06_wrap_decrypt(sa_case_ctx *ctx);
void sa_kp07_key_conjuring(sa_case_ctx *ctx);
void sa_kp11_weak_wraps_strong(sa_case_ctx *ctx);
void sa_kp12_derivation_leak(sa_case_ctx *ctx);
void sa_kp13_usage_separation(sa_case_ctx *ctx);
void sa_kp14_leak_scan(sa_case_ctx *ctx);

/* ---- objects a case made ---- */

#define SA_KPA_OBJS_MAX 64

/** The session objects a case created, destroyed together at the end.
 * Session objects would go with the session anyway (B2.40 §4.4); destroying
 * them explicitly keeps a long-lived session (p11-kit remoting) clean. */
typedef struct sa_kpa_objs {
	CK_OBJECT_HANDLE h[SA_KPA_OBJS_MAX];
	size_t n;
} sa_kpa_objs;

/** Remember h (ignored when CK_INVALID_HANDLE or the list is full; a full
 * list only means the session's closing destroys the rest). Returns h. */
CK_OBJECT_HANDLE sa_kpa_keep(sa_kpa_objs *o, CK_OBJECT_HANDLE h);

/** C_DestroyObject of every kept handle, ignoring the results. */
void sa_kpa_destroy_all(sa_case_ctx *ctx, CK_SESSION_HANDLE s, sa_kpa_objs *o);

/* ---- evidence ---- */

/** Append one line (printf-style, a newline added) to an evidence log. Never
 * pass key bytes: KCVs and fingerprints only. */
void sa_kpa_log(sa_buf *ev, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/** Write the log as evidence/<case>/<name>; a failure becomes a note. */
void sa_kpa_log_save(sa_case_ctx *ctx, const sa_buf *ev, const char *name);

/** "kcv:abcdef" for 16/24/32-byte values (AES KCV, the usual check value),
 * else the fingerprint "sha256:..." of the bytes. out needs
 * SA_KPA_ID_SIZE bytes. For the evidence only. */
#define SA_KPA_ID_SIZE 24
void sa_kpa_key_id(const void *value, size_t len, char *out);

/* ---- software model of the token's ciphers (OpenSSL) ---- */

/** Decrypt `in`, made by the token with mechanism `mech` (C_WrapKey or
 * C_Encrypt) under an AES key of known value, as the token's C_Decrypt or
 * C_UnwrapKey would: CKM_AES_KEY_WRAP (RFC 3394, default IV),
 * CKM_AES_KEY_WRAP_PAD (RFC 5649), CKM_AES_ECB, CKM_AES_CBC and
 * CKM_AES_CBC_PAD (iv: 16 bytes). `out` (reset first) should be secure.
 * 0, SA_E_UNSUPPORTED for other mechanisms, or SA_E_OSSL when the blob does
 * not decrypt. */
int sa_kpa_soft_decrypt(CK_MECHANISM_TYPE mech, const CK_BYTE *key,
                        size_t key_len, const CK_BYTE *iv, const void *in,
                        size_t len, sa_buf *out);

/** AES-ECB of `len` bytes (a multiple of 16) under a known AES key: the
 * expected value of CKM_AES_ECB_ENCRYPT_DATA and of a KCV. 0 or SA_E_*. */
int sa_kpa_soft_aes_ecb(const CK_BYTE *key, size_t key_len, const void *in,
                        size_t len, CK_BYTE *out);

/** The mechanism parameter for mech: a zero IV for the CBC modes, none for
 * the others. */
void sa_kpa_mech(CK_MECHANISM_TYPE mech, CK_MECHANISM *out);

/** Whether the token can run AES-ECB with key h on one zero block, and if
 * so whether the result equals AES-ECB of a zero block under `value`: the
 * token-side proof that h holds `value` without reading h. Returns the
 * CK_RV of the token's encryption (CKR_OK: *same is set). Uses CKM_AES_ECB,
 * else CKM_AES_CBC with a zero IV (the same on one block). */
CK_RV sa_kpa_same_aes_value(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                            CK_OBJECT_HANDLE h, const CK_BYTE *value,
                            size_t len, bool *same);

/* ---- scanning outputs for known secret bytes ---- */

/** A window length no chance match reaches (2^-64 per position). */
#define SA_KPA_WINDOW 8

/** The set of every SA_KPA_WINDOW-byte window of the secrets given, in both
 * byte orders (a little-endian dump of a big integer is a leak too). */
typedef struct sa_kpa_scan sa_kpa_scan;

/** New empty set (NULL when out of memory). */
sa_kpa_scan *sa_kpa_scan_new(void);
/** Free (wipes the windows). NULL is a no-op. */
void sa_kpa_scan_free(sa_kpa_scan *sc);
/** Add every window of value (len >= SA_KPA_WINDOW) under the name `what`
 * (borrowed; e.g. "RSA-2048 CKA_PRIVATE_EXPONENT"). 0 or SA_E_NOMEM. */
int sa_kpa_scan_add(sa_kpa_scan *sc, const char *what, const void *value,
                    size_t len);
/** Whether buf contains a window of a secret; *what and *off (may be NULL)
 * get the first hit's secret name and offset in buf. */
bool sa_kpa_scan_find(sa_kpa_scan *sc, const void *buf, size_t len,
                      const char **what, size_t *off);

/* ---- key strength (KP-11) ---- */

/** Security strength in bits of a key (NIST SP 800-57 Part 1 Rev. 5,
 * Table 2): AES by length, DES2 80, DES3 112, RSA by modulus size, EC by
 * field size. 0 when unknown. */
unsigned sa_kpa_strength(CK_KEY_TYPE kt, CK_ULONG bits);

#endif
