/* The audited CA's own hierarchy (issue 5 part 3; catalogue §9 A.4, B, C):
 * the profile's [pki] anchors, intermediates, issued samples and CRLs loaded
 * once per case, and a lint accumulator that turns "this rule over every
 * certificate" into one check whose observed value names the offenders.
 * Private to suites/certval. */
#ifndef SA_CV_LINT_H
#define SA_CV_LINT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <openssl/x509.h>

#include "sigaudit/buf.h"
#include "sigaudit/case.h"
#include "sigaudit/error.h"

struct sa_profile;

typedef enum sa_cv_pki_role {
	SA_CV_PKI_ANCHOR = 0,
	SA_CV_PKI_INTERMEDIATE,
	SA_CV_PKI_SAMPLE,
} sa_cv_pki_role;

/* Bounds on what a profile can make us load: a CA's sample set is tens of
 * certificates; these stop a wrong path (a whole CT log dump, /) from
 * eating the case's time limit. */
#define SA_CV_PKI_MAX_CERTS 2000
#define SA_CV_PKI_MAX_CRLS  256
#define SA_CV_PKI_MAX_FILE  (16u << 20)
#define SA_CV_PKI_NAME_MAX  160

typedef struct sa_cv_pki_cert {
	X509 *x;
	sa_cv_pki_role role;
	char name[SA_CV_PKI_NAME_MAX]; /* "samples/ee1.pem", "chain.pem#2" */
} sa_cv_pki_cert;

typedef struct sa_cv_pki_crl {
	X509_CRL *crl;
	char name[SA_CV_PKI_NAME_MAX];
} sa_cv_pki_crl;

typedef struct sa_cv_pki {
	sa_cv_pki_cert *certs;
	size_t n_certs, cap_certs;
	sa_cv_pki_crl *crls;
	size_t n_crls, cap_crls;
	time_t at; /* [pki] at, or the time the case started */
	bool at_from_profile;
} sa_cv_pki;

/** Load everything [pki] names. A file that does not parse is an error
 * (the auditor gave it as evidence; silently skipping it would hide it). */
int sa_cv_pki_load(sa_cv_pki *pki, const struct sa_profile *p, sa_error *err);
void sa_cv_pki_free(sa_cv_pki *pki);

/** Whether a certificate is a CA for the lints: given as an anchor or an
 * intermediate, or a sample that asserts cA TRUE. */
bool sa_cv_pki_is_ca(const sa_cv_pki_cert *c);
/** Index of the certificate that issued x: subject equal to x's issuer
 * (RFC 5280 §7.1 comparison) and whose key verifies x's signature; when no
 * key verifies, the first name match (so lints can still compare AKI/SKI)
 * and *verified false. -1 when no subject matches. */
long sa_cv_pki_issuer(const sa_cv_pki *pki, X509 *x, bool *verified);
/** Same for a CRL. */
long sa_cv_pki_crl_issuer(const sa_cv_pki *pki, X509_CRL *crl, bool *verified);

/* One lint over many artefacts -> one check. */
#define SA_CV_LINT_LIST_MAX 8

typedef struct sa_cv_lint {
	const char *what;     /* "[serial-size] RFC 5280 §4.1.2.2 ..." */
	const char *expected; /* the rule in a few words */
	size_t n, bad;
	sa_buf list; /* the first SA_CV_LINT_LIST_MAX offenders */
} sa_cv_lint;

void sa_cv_lint_begin(sa_cv_lint *l, const char *what, const char *expected);
void sa_cv_lint_pass(sa_cv_lint *l);
void sa_cv_lint_bad(sa_cv_lint *l, const char *who, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/** Record the check (fails when an artefact broke the rule) and free. */
void sa_cv_lint_end(sa_case_ctx *ctx, sa_cv_lint *l);

/** CV-PKI-02 and CV-PKI-03 bodies (cv_lint_cert.c, cv_lint_crl.c). */
void sa_cv_lint_certs(sa_case_ctx *ctx, const sa_cv_pki *pki);
void sa_cv_lint_crls(sa_case_ctx *ctx, const sa_cv_pki *pki);

#endif
