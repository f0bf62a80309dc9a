/* Signature-service artefacts (SIG-ART-*): private to suites/signing.
 *
 * The profile names signatures a signing service produced ([artefact NAME]
 * sections, sigaudit/profile.h) with the certificate the service is expected
 * to sign with. Each case loops over every artefact: sa_art_each() loads one
 * (signature file, expected certificate, data, CA bundle; a CMS is parsed),
 * hands it to the case's function, and turns what could not be loaded into
 * one line per artefact, so that one bad artefact never stops the others.
 *
 * Two kinds of trouble are kept apart (STYLE rule 10): a signature file that
 * does not parse is the service's fault (SIG-ART-01 fails on it); a file
 * that cannot be read, an expected certificate that does not parse, a
 * detached CMS without data are the profile's (ERROR: could not decide). */
#ifndef SA_SUITE_SIGNING_SIG_ARTEFACT_H
#define SA_SUITE_SIGNING_SIG_ARTEFACT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "sigaudit/case.h"
#include "sigaudit/profile.h"

/* Files larger than this are refused (read into memory). */
#define SA_ART_FILE_MAX (64u * 1024u * 1024u)

typedef enum sa_art_state {
	SA_ART_LOADED = 0, /* everything read; a CMS parsed */
	SA_ART_UNPARSED,   /* the signature file is not what `type` says */
	SA_ART_ERROR,      /* could not check: why says what is missing */
} sa_art_state;

typedef struct sa_art {
	const sa_artefact *a;
	sa_art_state state;
	char why[384]; /* UNPARSED / ERROR: one line */

	X509 *cert;             /* the expected signer certificate */
	EVP_PKEY *pkey;         /* its public key (borrowed from cert) */
	STACK_OF(X509) * chain; /* the CA bundle, or NULL */

	unsigned char *sig; /* the signature file's bytes */
	size_t sig_len;
	unsigned char *data; /* the data file's bytes, or NULL */
	size_t data_len;

	/* type = cms */
	CMS_ContentInfo *cms;
	CMS_SignerInfo *si; /* the first SignerInfo (borrowed) */
	int n_signers;
	bool detached;
	char form[96]; /* "DER", "PEM (label CMS)", ... */
	/* The content the signature covers: the data file (detached) or the
	 * eContent (attached). Borrowed. */
	const unsigned char *content;
	size_t content_len;
} sa_art;

/* What a case does with one loaded artefact. Record checks and notes with
 * the artefact's name in front; return 0, or a negative code after writing
 * the reason into art->why when the artefact could not be checked. `state`
 * is the case's own. */
typedef int (*sa_art_fn)(sa_case_ctx *ctx, sa_art *art, void *state);

/** Run fn on every artefact of the profile. No artefact: SKIP. An artefact
 * whose signature file does not parse is passed to fn only when
 * with_unparsed (SIG-ART-01 fails it); for the other cases it is an error
 * line. Artefacts that could not be checked make the case ERROR with the
 * count and the first reason; the rest are still checked. *n_checked gets
 * the number of artefacts fn handled without error (may be NULL). */
void sa_art_each(sa_case_ctx *ctx, sa_art_fn fn, void *state,
                 bool with_unparsed, size_t *n_checked);

/** "<name>: <what>" into buf, for check names. Returns buf. */
const char *sa_art_what(const sa_art *art, char *buf, size_t size,
                        const char *what);

/** The first OpenSSL error reason on the queue (queue cleared), or "no
 * OpenSSL reason". */
const char *sa_art_ossl_reason(char *buf, size_t size);

/** The certificate's public-key description: "RSA 2048", "EC P-256 (256)",
 * "ED25519". */
void sa_art_key_desc(EVP_PKEY *pkey, char *buf, size_t size);

/** The time to judge validity at and where it comes from: the profile's
 * `at`, else the CMS signing-time attribute, else now. Returns "at",
 * "signing-time" or "now". */
const char *sa_art_when(const sa_art *art, time_t *t);

/** The signing-time signed attribute as time_t; false when absent or bad. */
bool sa_art_signing_time(const sa_art *art, time_t *t);

/** "2026-11-23T10:00:31Z" */
void sa_art_iso(time_t t, char out[32]);

#endif
