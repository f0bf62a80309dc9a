/* Engines that answer signature vectors (sigvec.h) for the SIG-WYC-* and
 * SIG-CAVP-* cases: the target (PKCS#11 C_Verify on the profile's token,
 * sig_engine_p11.c) and the independent reference (OpenSSL EVP,
 * sig_engine_ossl.c). Private to suites/signing.
 *
 * An engine gets a whole loaded file and records one outcome per test in an
 * sa_sig_rec (which forwards to the vectors API of sigaudit/vectors.h and
 * keeps the lines of the disagreement evidence, with each vector's comment,
 * which the vectors API does not carry). How an engine's answer maps to
 * accepted/rejected/error is each engine's business and is documented
 * there; a vector the engine cannot be asked (mechanism not offered, curve
 * unknown, key refused) is skipped with a reason. */
#ifndef SA_SUITE_SIGNING_SIG_ENGINE_H
#define SA_SUITE_SIGNING_SIG_ENGINE_H

#include <stdbool.h>
#include <stddef.h>

#include "sigaudit/buf.h"
#include "sigaudit/case.h"
#include "sigaudit/vectors.h"

#include "sigvec.h"

typedef struct sa_sig_engine sa_sig_engine;

/** One engine's pass over one file. */
typedef struct sa_sig_rec {
	sa_vec_run *run;
	const sa_sv_file *file;
	const char *role; /* "target" / "reference", for the evidence */
	sa_buf *evidence; /* disagreement lines; may be NULL */
	size_t other_rej; /* rejected with a code other than the usual ones */
	const char *why;  /* set around one sa_sig_rec_result: a longer reason
	                     for the evidence line (the DER decoder's), or
	                     NULL */
	char other_first[64];
} sa_sig_rec;

/** Record what the engine did with t (detail: a short code, may be NULL).
 * `other` says the rejection came with an unusual but plausible code (see
 * the engine); those are counted for a note. */
void sa_sig_rec_result(sa_sig_rec *rec, const sa_sv_test *t, sa_vec_seen seen,
                       const char *detail, bool other);
void sa_sig_rec_skip(sa_sig_rec *rec, const sa_sv_test *t, const char *why);

/** The PKCS#11 engine: opens a read-only session on the case's slot (read-
 * write, and a user login, only when the token refuses session objects
 * otherwise). Set-up failure: ERROR verdict recorded, negative return. */
int sa_sig_engine_p11_new(sa_case_ctx *ctx, sa_sig_engine **out);
/** The OpenSSL EVP reference engine. */
int sa_sig_engine_ossl_new(sa_case_ctx *ctx, sa_sig_engine **out);
void sa_sig_engine_free(sa_sig_engine *e);

/** What answers the vectors of f, for sa_vec_begin: mechanism, where the
 * hash is computed, how DER signatures are handled. */
void sa_sig_engine_describe(const sa_sig_engine *e, const sa_sv_file *f,
                            char *out, size_t size);
/** Run every test of f through e. */
void sa_sig_engine_run(sa_sig_engine *e, const sa_sv_file *f, sa_sig_rec *rec);

/** Run f through the target, then through the reference (either may be
 * NULL), one sa_vec run each; disagreement lines go to evidence. */
void sa_sig_vec_file(sa_case_ctx *ctx, sa_sig_engine *target,
                     sa_sig_engine *reference, const sa_sv_file *f,
                     sa_buf *evidence);

/** Write the collected disagreement lines as evidence "disagreements.txt"
 * (nothing when empty). */
void sa_sig_vec_evidence(sa_case_ctx *ctx, const sa_buf *evidence);

/* ---- helpers shared by the engines (sig_engine.c) ---- */

/** H(msg) with the OpenSSL digest called md ("SHA256", "SHA512-256", ...).
 * out needs EVP_MAX_MD_SIZE (64) bytes. 0, SA_E_UNSUPPORTED (unknown
 * digest) or SA_E_OSSL. */
int sa_sig_digest(const char *md, const unsigned char *msg, size_t len,
                  unsigned char *out, size_t *out_len, sa_error *err);

/** Strict DER Ecdsa-Sig-Value (SEC 1 §C.5, X.690 §10) -> r || s, each
 * `half` bytes: one SEQUENCE of exactly two INTEGERs, definite minimal
 * lengths, no negative values, no superfluous leading zero, nothing after
 * the SEQUENCE, each value at most `half` bytes. out has 2 * half bytes.
 * Returns false with *why (a short code) when the encoding is refused. */
bool sa_sig_ecdsa_der_to_raw(const unsigned char *der, size_t len, size_t half,
                             unsigned char *out, const char **why);

/** A digest name without case and separators, for table look-ups:
 * "SHA-512/256", "sha512_256" and "SHA512-256" all give "SHA512256". */
void sa_sig_md_norm(const char *in, char *out, size_t size);

/** The DigestInfo prefix (RFC 8017 §9.2 note 1) for the digest md, or NULL
 * when there is none in the table. */
const unsigned char *sa_sig_digestinfo_prefix(const char *md, size_t *len);

/** The size in bytes of r and s for curve bits (the order has the field's
 * size for every curve the suites use). */
size_t sa_sig_ec_half(unsigned bits);

#endif
