/* Live OCSP and CRL probes (catalogue §7): the HTTP exchange with libcurl,
 * shared by the CV-OCSP-* and CV-CRL-* cases (cv_probe.c, cv_probe_crl.c).
 * Nothing here parses a response: OpenSSL's d2i does (untrusted input stays
 * behind the library's own decoders). */
#ifndef SA_CV_PROBE_H
#define SA_CV_PROBE_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/x509.h>

#include "sigaudit/buf.h"
#include "sigaudit/case.h"

/* BR §4.10.2: a response within ten seconds under normal conditions. */
#define SA_CV_PROBE_LIMIT_MS 10000u
/* A body larger than this is not an OCSP response or a CRL we probe. */
#define SA_CV_PROBE_BODY_MAX (16u * 1024u * 1024u)

typedef struct sa_cv_http {
	long status;    /* HTTP status; 0 for file:// */
	char ctype[96]; /* Content-Type, "" when none */
	double ms;      /* total time of the exchange */
	sa_buf body;
} sa_cv_http;

/** One exchange: GET url, or POST body with Content-Type post_ctype when
 * post is not NULL. 0 when an answer came (any status); a negative code
 * with a one-line reason in why (connection refused, timeout, body too
 * large). out is initialised either way; free it with sa_cv_http_free. */
int sa_cv_http_do(sa_cv_http *out, const char *url, const void *post,
                  size_t post_len, const char *post_ctype, unsigned timeout_ms,
                  char *why, size_t why_size);
void sa_cv_http_free(sa_cv_http *h);

/** Percent-encode s (RFC 3986 unreserved kept) onto b: the RFC 6960 A.1 GET
 * path is the URL encoding of the base64 request. */
int sa_cv_url_encode(sa_buf *b, const char *s);

/** A certificate from the profile key (PEM or DER); NULL after recording
 * an ERROR on ctx (what names the key). */
X509 *sa_cv_probe_cert(sa_case_ctx *ctx, const char *path, const char *what);

/** "2026-11-23T18:00:00Z" for t, into buf ("-" for NULL). */
const char *sa_cv_asn1_time_str(const ASN1_TIME *t, char *buf, size_t size);

#endif
