/* What the vector loaders (sigvec_wyc.c, sigvec_cavp.c) share: the private
 * form of an sa_sv_file, decoding of hex and big integers, hash-name
 * mapping, bounded file reading and a small DER reader for SPKI checks.
 * Private to suites/signing (sigvec_util.c implements it). */
#ifndef SA_SUITE_SIGNING_SIGVEC_INT_H
#define SA_SUITE_SIGNING_SIGVEC_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "sigvec.h"

/* Untrusted input: anything bigger is refused before it is parsed. */
#define SA_SV_FILE_MAX ((size_t)64 * 1024 * 1024)
/* A decoded hex field (message, signature, key) larger than this is a
 * mistake or an attack; the largest real one (Ed25519 msg) is 1 KiB. */
#define SA_SV_FIELD_MAX ((size_t)1024 * 1024)

/* The file and what its strings and arrays need; `pub` first so that an
 * sa_sv_file * handed out is also the start of this block. */
typedef struct sa_sv_file_impl {
	sa_sv_file pub;
	size_t cap_groups, cap_tests;
	char **strs; /* names kept as the file spells them */
	size_t n_strs, cap_strs;
} sa_sv_file_impl;

/** A new empty file (source copied, truncated to fit). */
int sa_sv_file_new(sa_sv_file **out, const char *source, sa_error *err);

/** Append a group (zeroed, salt_len -1, first = n_tests) / a test (zeroed,
 * group = n_groups - 1); the pointer is valid until the next append. */
int sa_sv_group_add(sa_sv_file *f, sa_sv_group **out, sa_error *err);
int sa_sv_test_add(sa_sv_file *f, sa_sv_test **out, sa_error *err);

/** A copy of s[0..len) owned by the file (NUL-terminated). */
int sa_sv_strdup(sa_sv_file *f, const char *s, size_t len, char **out,
                 sa_error *err);

/** The OpenSSL digest name for a Wycheproof or CAVP spelling ("SHA-256",
 * "SHA256", "SHA-512/256", "SHA3-256"); a name not in the table is kept as
 * given (copied into the file), so an engine fails to fetch it and skips. */
int sa_sv_hash_name(sa_sv_file *f, const char *given, const char **out,
                    sa_error *err);

/* Decoders: on failure they return SA_E_PARSE (or SA_E_NOMEM) and write a
 * short reason ("odd-length hex", "bad hex digit at offset 7") to why. */

/** Hex (either case) into out (reset first; out->data is never NULL on
 * success, even for ""). More than SA_SV_FIELD_MAX bytes: error. */
int sa_sv_hex(sa_buf *out, const char *hex, size_t len, char *why,
              size_t why_len);

/* sa_sv_bigint flags. */
#define SA_SV_INT_SIGNED                                                       \
	1u                   /* Wycheproof BigInt (two's complement): a set    \
	                        top bit without a 00 sign byte is negative,    \
	                        an error */
#define SA_SV_INT_ZERO_OK 2u /* zero is a value, not an error */
#define SA_SV_INT_ODD_OK                                                       \
	4u /* an odd number of digits (CAVP writes 163-bit                     \
	      values with 41) */

/** A non-negative big integer in hex into big-endian bytes: leading zero
 * bytes removed, then left-padded to `width` bytes when width > 0 (longer
 * than width: error). */
int sa_sv_bigint(sa_buf *out, const char *hex, size_t len, size_t width,
                 unsigned flags, char *why, size_t why_len);

/** Number of significant bits of a big-endian unsigned integer. */
size_t sa_sv_bits(const unsigned char *p, size_t len);

/** Read a whole file (at most SA_SV_FILE_MAX bytes) into out. */
int sa_sv_read_file(const char *path, sa_buf *out, sa_error *err);

/** The subjectPublicKey BIT STRING contents (unused-bits octet removed) of
 * a DER SubjectPublicKeyInfo that spans exactly [der, der + len). */
int sa_sv_spki_key(const unsigned char *der, size_t len,
                   const unsigned char **key, size_t *key_len, char *why,
                   size_t why_len);

/** The modulus and exponent of a DER RSAPublicKey (RFC 8017 A.1.1), as
 * pointers into der with leading zero octets skipped. */
int sa_sv_rsa_pub(const unsigned char *der, size_t len, const unsigned char **n,
                  size_t *n_len, const unsigned char **e, size_t *e_len,
                  char *why, size_t why_len);

/** true when the two byte strings are equal. */
bool sa_sv_bytes_eq(const sa_buf *a, const unsigned char *b, size_t b_len);

#endif
