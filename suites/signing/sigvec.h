/* Signature vector sets, loaded into one in-memory form whatever their file
 * format: Wycheproof testvectors_v1 JSON (chosen by the file's "schema";
 * an unknown schema is an error) and NIST CAVP .rsp/.txt files (SigVer with
 * Result = P/F; SigGen records are all valid signatures).
 *
 * Files are untrusted input: every loader error is one line naming the file
 * (and the line or JSON path where it went wrong), nothing is half-loaded,
 * and the parsers have fuzz targets (tests/fuzz/fuzz_wycheproof.c,
 * fuzz_cavp.c). Hex and big integers are decoded here, so the engines only
 * see bytes. */
#ifndef SA_SUITE_SIGNING_SIGVEC_H
#define SA_SUITE_SIGNING_SIGVEC_H

#include <stdbool.h>
#include <stddef.h>

#include "sigaudit/buf.h"
#include "sigaudit/error.h"
#include "sigaudit/vectors.h"

typedef enum sa_sv_scheme {
	SA_SV_ECDSA_P1363 = 0, /* sig is r || s, each the order's length */
	SA_SV_ECDSA_DER,       /* sig is a DER Ecdsa-Sig-Value (possibly
	                          malformed on purpose) */
	SA_SV_RSA_PKCS1,       /* RSASSA-PKCS1-v1_5 (RFC 8017 §8.2) */
	SA_SV_RSA_PSS,         /* RSASSA-PSS (RFC 8017 §8.1) */
	SA_SV_EDDSA,           /* PureEdDSA (RFC 8032) */
	SA_SV_SCHEME_COUNT_
} sa_sv_scheme;

/** "ECDSA-P1363", "ECDSA-DER", "RSA-PKCS1", "RSA-PSS", "EdDSA". */
const char *sa_sv_scheme_str(sa_sv_scheme s);

/* A group: one public key and one parameter set; its tests are
 * file->tests[first .. first + count). */
typedef struct sa_sv_group {
	sa_sv_scheme scheme;
	const char *hash;     /* OpenSSL digest name "SHA256", "SHA512-256",
	                         ...; NULL for EdDSA */
	const char *mgf_hash; /* RSA-PSS: MGF1 digest; NULL otherwise */
	long salt_len;        /* RSA-PSS: sLen in bytes; -1 otherwise */
	const char *curve;    /* EC/EdDSA: a name sa_p11_ossl_curve_by_name()
	                         knows ("P-256", "Ed25519"); NULL for RSA */
	unsigned key_bits;    /* modulus or field size */
	sa_buf n, e;          /* RSA public key, big-endian, no leading zero */
	sa_buf point;         /* EC: 0x04 || X || Y (uncompressed, X and Y
	                         padded to the field size); EdDSA: the RFC 8032
	                         public key encoding */
	sa_buf spki;          /* DER SubjectPublicKeyInfo when the file gives
	                         one (Wycheproof publicKeyDer), else empty */
	/* Known private key, for signing KATs (Wycheproof *_generate schemas,
	 * CAVP SigGen .txt files): PKCS#8 DER when the file has it, else the
	 * private exponent (RSA d) or scalar (EC d, EdDSA seed); both may be
	 * empty. */
	sa_buf priv_pkcs8;
	sa_buf priv;
	size_t first, count;
	char label[128]; /* for messages: "group 3 (2048-bit, SHA256)",
	                    "[mod = 2048] SHA256 e=0x10001" */
} sa_sv_group;

typedef struct sa_sv_test {
	char id[64]; /* Wycheproof "tc12"; CAVP "<section> #<n>" */
	sa_buf msg;
	sa_buf sig;
	sa_vec_expect expected;
	char *flags;   /* comma-separated labels, or NULL (CAVP: the failure
	                  reason "2 - R changed" for F records) */
	char *comment; /* or NULL */
	size_t group;  /* index into file->groups */
} sa_sv_test;

typedef struct sa_sv_file {
	char source[256];   /* as given to the loader: "wycheproof/x.json" */
	char algorithm[48]; /* Wycheproof "algorithm"; CAVP: the scheme */
	char schema[96];    /* Wycheproof "schema"; CAVP: "cavp-sigver",
	                       "cavp-siggen" */
	size_t n_declared;  /* numberOfTests (Wycheproof); 0 for CAVP */
	sa_sv_group *groups;
	size_t n_groups;
	sa_sv_test *tests;
	size_t n_tests;
} sa_sv_file;

/** The Wycheproof schemas this loader knows, NULL-terminated (for --help and
 * error messages). */
extern const char *const sa_sv_wycheproof_schemas[];

/** Load a Wycheproof testvectors_v1 file. `source` is the name recorded in
 * results. Unknown schema, missing or ill-typed fields, bad hex, a group
 * whose key the file itself contradicts: SA_E_PARSE with "<path>: ...". */
int sa_sv_load_wycheproof(const char *path, const char *source,
                          sa_sv_file **out, sa_error *err);
int sa_sv_load_wycheproof_mem(const char *data, size_t len, const char *source,
                              sa_sv_file **out, sa_error *err);

/** Load a CAVP .rsp/.txt signature file. scheme: SA_SV_RSA_PKCS1,
 * SA_SV_RSA_PSS or SA_SV_ECDSA_P1363 (CAVP gives R and S as integers; they
 * are turned into r || s of the curve's order length). Records whose curve
 * or hash is not one the suites use (K-/B- curves, SHA-1 with P-192, ...)
 * are kept, with the group's curve/hash names as CAVP spells them, so the
 * engines can skip them with a reason. */
int sa_sv_load_cavp(const char *path, const char *source, sa_sv_scheme scheme,
                    sa_sv_file **out, sa_error *err);
int sa_sv_load_cavp_mem(const char *data, size_t len, const char *source,
                        sa_sv_scheme scheme, sa_sv_file **out, sa_error *err);

void sa_sv_free(sa_sv_file *f);

#endif
