/* Live CRL distribution-point probes (catalogue §7.2, C1-C4 and C7), cases
 * CV-CRL-nn, against the profile's [crl] url and issuer:
 *   CV-CRL-01  fetch: HTTP URL, HTTP 200, a DER CRL, within 10 s
 *   CV-CRL-02  signature by the issuer, issuer name and AKI match it
 *   CV-CRL-03  version, CRL number, thisUpdate/nextUpdate freshness
 *   CV-CRL-04  CRL and OCSP agree on the [ocsp] good and revoked
 *              certificates (status, revocation time, reason)
 * The CRL is decoded by OpenSSL's d2i_X509_CRL only; the raw bytes are kept
 * as evidence. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "sigaudit/profile.h"

#include "cv_probe.h"
#include "suite.h"

#define CV_SKEW_S 300L
/* BR §4.9.7: thisUpdate no older than 7 days; nextUpdate at most 10 days
 * after thisUpdate (subscriber-certificate CRLs). */
#define CV_CRL_AGE_MAX_S  (7L * 86400L)
#define CV_CRL_SPAN_MAX_S (10L * 86400L)

/* Fetch and decode the profile's CRL; issuer loaded too. -1 after a skip or
 * an error was recorded. */
static int crl_fetch(sa_case_ctx *ctx, X509_CRL **crl, X509 **issuer,
                     sa_cv_http *h)
{
	const sa_profile *p = sa_case_profile(ctx);
	const char *url = sa_profile_crl(p, "url");
	const char *ipath = sa_profile_crl(p, "issuer");
	const unsigned char *d;
	char why[512];

	*crl = NULL;
	*issuer = NULL;
	memset(h, 0, sizeof(*h));
	if (url == NULL) {
		sa_case_skip(ctx, "no CRL distribution point: the profile has "
		                  "no [crl] url");
		return -1;
	}
	if (ipath == NULL)
		ipath = sa_profile_ocsp(p, "issuer");
	if (ipath == NULL) {
		sa_case_skip(ctx, "the profile names no CRL issuer ([crl] "
		                  "issuer or [ocsp] issuer)");
		return -1;
	}
	if ((*issuer = sa_cv_probe_cert(ctx, ipath, "[crl] issuer")) == NULL)
		return -1;
	if (sa_cv_http_do(h, url, NULL, 0, NULL, SA_CV_PROBE_LIMIT_MS, why,
	                  sizeof(why)) < 0) {
		sa_case_error(ctx, "GET %s", why);
		goto fail;
	}
	sa_case_evidence(ctx, "crl.der", h->body.data, h->body.len);
	if (h->status != 200 &&
	    !(h->status == 0 && strncmp(url, "file:", 5) == 0)) {
		sa_case_error(ctx, "GET %s: HTTP %ld", url, h->status);
		goto fail;
	}
	d = h->body.data;
	*crl = d2i_X509_CRL(NULL, &d, (long)h->body.len);
	if (*crl == NULL || d != h->body.data + h->body.len) {
		ERR_clear_error();
		sa_case_error(ctx,
		              "GET %s: the %zu-byte answer is not a DER CRL "
		              "(RFC 5280 §5.1)",
		              url, h->body.len);
		goto fail;
	}
	return 0;
fail:
	X509_CRL_free(*crl);
	*crl = NULL;
	X509_free(*issuer);
	*issuer = NULL;
	sa_cv_http_free(h);
	return -1;
}

static bool tdiff(const ASN1_TIME *a, const ASN1_TIME *b, long *out)
{
	int days = 0, secs = 0;

	if (a == NULL || b == NULL || ASN1_TIME_diff(&days, &secs, a, b) != 1)
		return false;
	*out = (long)days * 86400L + (long)secs;
	return true;
}

/* ---- CV-CRL-01 ----------------------------------------------------------- */

static void case_fetch(sa_case_ctx *ctx)
{
	const char *url = sa_profile_crl(sa_case_profile(ctx), "url");
	X509_CRL *crl;
	X509 *issuer;
	sa_cv_http h;

	if (crl_fetch(ctx, &crl, &issuer, &h) < 0)
		return;
	/* BR §7.1.2.11.2: the CDP is a publicly accessible HTTP URL. */
	sa_case_check(ctx, strncmp(url, "http://", 7) == 0,
	              "distribution point is an http:// URL", "http://", url);
	sa_case_checkf(ctx, h.ms <= (double)SA_CV_PROBE_LIMIT_MS,
	               "fetched within 10 s (BR §4.10.2)", "<= 10000 ms",
	               "%.1f ms", h.ms);
	if (strncmp(h.ctype, "application/pkix-crl", 20) != 0)
		sa_case_note(ctx,
		             "Content-Type %s (RFC 2585 §4.2 recommends "
		             "application/pkix-crl)",
		             h.ctype[0] ? h.ctype : "(none)");
	sa_case_note(ctx, "%zu bytes, %d entries, %.1f ms", h.body.len,
	             sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl)), h.ms);
	X509_CRL_free(crl);
	X509_free(issuer);
	sa_cv_http_free(&h);
}

/* ---- CV-CRL-02 ----------------------------------------------------------- */

static void case_signature(sa_case_ctx *ctx)
{
	X509_CRL *crl;
	X509 *issuer;
	sa_cv_http h;
	AUTHORITY_KEYID *akid = NULL;
	const ASN1_OCTET_STRING *ski;
	unsigned char *a = NULL, *b = NULL;
	int la, lb, v;
	bool ok;

	if (crl_fetch(ctx, &crl, &issuer, &h) < 0)
		return;
	ERR_clear_error();
	v = X509_CRL_verify(crl, X509_get0_pubkey(issuer));
	ERR_clear_error();
	sa_case_check(ctx, v == 1, "CRL signature verifies with the issuer key",
	              "valid", v == 1 ? "valid" : "invalid");
	/* RFC 5280 §5.1.2.3 / §6.3.3 (b): the CRL issuer name matches the
	 * CA's subject; byte-identical is what path builders compare. */
	la = i2d_X509_NAME(X509_CRL_get_issuer(crl), &a);
	lb = i2d_X509_NAME(X509_get_subject_name(issuer), &b);
	ok = la > 0 && la == lb && memcmp(a, b, (size_t)la) == 0;
	sa_case_check(ctx, ok, "CRL issuer byte-identical to the CA subject",
	              "identical", ok ? "identical" : "different");
	akid =
	    X509_CRL_get_ext_d2i(crl, NID_authority_key_identifier, NULL, NULL);
	ski = X509_get0_subject_key_id(issuer);
	ok = akid != NULL && akid->keyid != NULL && ski != NULL &&
	     ASN1_OCTET_STRING_cmp(akid->keyid, ski) == 0;
	sa_case_check(ctx, ok,
	              "CRL AKI keyIdentifier equals the CA SKI (RFC 5280 "
	              "§5.2.1)",
	              "equal",
	              ok             ? "equal"
	              : akid == NULL ? "no AKI"
	                             : "different or missing keyid");
	AUTHORITY_KEYID_free(akid);
	OPENSSL_free(a);
	OPENSSL_free(b);
	X509_CRL_free(crl);
	X509_free(issuer);
	sa_cv_http_free(&h);
}

/* ---- CV-CRL-03 ----------------------------------------------------------- */

static void case_fresh(sa_case_ctx *ctx)
{
	X509_CRL *crl;
	X509 *issuer;
	sa_cv_http h;
	ASN1_INTEGER *num = NULL;
	ASN1_TIME *now = NULL;
	const ASN1_TIME *lu, *nu;
	long d = 0;
	char t1[32], t2[32];
	bool ok;

	if (crl_fetch(ctx, &crl, &issuer, &h) < 0)
		return;
	now = ASN1_TIME_set(NULL, time(NULL));
	lu = X509_CRL_get0_lastUpdate(crl);
	nu = X509_CRL_get0_nextUpdate(crl);
	sa_case_note(ctx, "thisUpdate %s nextUpdate %s",
	             sa_cv_asn1_time_str(lu, t1, sizeof(t1)),
	             sa_cv_asn1_time_str(nu, t2, sizeof(t2)));
	sa_case_checkf(ctx, X509_CRL_get_version(crl) == 1, "CRL version v2",
	               "v2", "v%ld", X509_CRL_get_version(crl) + 1);
	num = X509_CRL_get_ext_d2i(crl, NID_crl_number, NULL, NULL);
	sa_case_check(ctx, num != NULL, "cRLNumber present (RFC 5280 §5.2.3)",
	              "present", num ? "present" : "absent");
	if (num != NULL) {
		long n = ASN1_INTEGER_get(num);
		sa_case_note(ctx, "cRLNumber %ld", n);
	}
	ok = tdiff(now, lu, &d) && d <= CV_SKEW_S;
	sa_case_checkf(ctx, ok, "thisUpdate not in the future",
	               "<= now + 300 s", "thisUpdate - now = %ld s", d);
	ok = tdiff(lu, now, &d) && d <= CV_CRL_AGE_MAX_S;
	sa_case_checkf(ctx, ok, "thisUpdate at most 7 days old (BR §4.9.7)",
	               "<= 604800 s", "%ld s old", d);
	sa_case_check(ctx, nu != NULL, "nextUpdate present (RFC 5280 §5.1.2.5)",
	              "present", nu ? "present" : "absent");
	if (nu != NULL) {
		ok = tdiff(now, nu, &d) && d > 0;
		sa_case_checkf(ctx, ok, "nextUpdate after now (not expired)",
		               "> now", "nextUpdate - now = %ld s", d);
		ok = tdiff(lu, nu, &d) && d > 0 && d <= CV_CRL_SPAN_MAX_S;
		sa_case_checkf(ctx, ok,
		               "nextUpdate at most 10 days after thisUpdate "
		               "(BR §4.9.7)",
		               "<= 864000 s", "%ld s", d);
	}
	ASN1_INTEGER_free(num);
	ASN1_TIME_free(now);
	X509_CRL_free(crl);
	X509_free(issuer);
	sa_cv_http_free(&h);
}

/* ---- CV-CRL-04 ----------------------------------------------------------- */

/* OCSP status of cert from the profile's responder: V_OCSP_CERTSTATUS_* or
 * -1 after an ERROR was recorded; revocation time into rev (owned). */
static int ocsp_status(sa_case_ctx *ctx, const char *url, X509 *issuer,
                       X509 *cert, const char *ev, ASN1_TIME **rev, int *reason)
{
	OCSP_REQUEST *req = OCSP_REQUEST_new();
	OCSP_CERTID *id = OCSP_cert_to_id(EVP_sha1(), cert, issuer);
	OCSP_CERTID *idc = id ? OCSP_CERTID_dup(id) : NULL;
	OCSP_RESPONSE *resp = NULL;
	OCSP_BASICRESP *bs = NULL;
	ASN1_GENERALIZEDTIME *rt = NULL, *tu, *nu;
	unsigned char *der = NULL;
	const unsigned char *p;
	sa_cv_http h;
	char why[512], name[64];
	int len = -1, st = -1;

	memset(&h, 0, sizeof(h));
	*rev = NULL;
	*reason = -1;
	if (req != NULL && idc != NULL &&
	    OCSP_request_add0_id(req, idc) != NULL)
		idc = NULL;
	if (idc == NULL && req != NULL)
		len = i2d_OCSP_REQUEST(req, &der);
	if (len <= 0) {
		sa_case_error(ctx, "building the OCSP request failed");
		goto out;
	}
	snprintf(name, sizeof(name), "ocsp-%s-request.der", ev);
	sa_case_evidence(ctx, name, der, (size_t)len);
	if (sa_cv_http_do(&h, url, der, (size_t)len, "application/ocsp-request",
	                  SA_CV_PROBE_LIMIT_MS, why, sizeof(why)) < 0) {
		sa_case_error(ctx, "POST %s", why);
		goto out;
	}
	snprintf(name, sizeof(name), "ocsp-%s-response.der", ev);
	sa_case_evidence(ctx, name, h.body.data, h.body.len);
	p = h.body.data;
	if (h.status != 200 ||
	    (resp = d2i_OCSP_RESPONSE(NULL, &p, (long)h.body.len)) == NULL ||
	    OCSP_response_status(resp) != OCSP_RESPONSE_STATUS_SUCCESSFUL ||
	    (bs = OCSP_response_get1_basic(resp)) == NULL) {
		sa_case_error(ctx,
		              "OCSP %s: no successful basic response "
		              "(HTTP %ld)",
		              ev, h.status);
		goto out;
	}
	if (OCSP_resp_find_status(bs, id, &st, reason, &rt, &tu, &nu) != 1) {
		sa_case_error(ctx, "OCSP %s: no SingleResponse for the CertID",
		              ev);
		st = -1;
		goto out;
	}
	if (rt != NULL)
		*rev = ASN1_STRING_dup(rt);
out:
	ERR_clear_error();
	OCSP_BASICRESP_free(bs);
	OCSP_RESPONSE_free(resp);
	sa_cv_http_free(&h);
	OPENSSL_free(der);
	OCSP_CERTID_free(idc);
	OCSP_CERTID_free(id);
	OCSP_REQUEST_free(req);
	return st;
}

static void consistent_one(sa_case_ctx *ctx, X509_CRL *crl, X509 *issuer,
                           const char *url, const char *path, const char *what)
{
	X509 *cert = NULL;
	X509_REVOKED *entry = NULL;
	ASN1_TIME *orev = NULL;
	ASN1_ENUMERATED *creason = NULL;
	int ost, oreason, in_crl;
	char t1[32], t2[32];

	if (path == NULL)
		return;
	if ((cert = sa_cv_probe_cert(ctx, path, what)) == NULL)
		return;
	ost = ocsp_status(ctx, url, issuer, cert, what + 7, &orev, &oreason);
	if (ost < 0)
		goto out;
	in_crl = X509_CRL_get0_by_serial(crl, &entry,
	                                 X509_get0_serialNumber(cert)) == 1;
	sa_case_checkf(ctx, in_crl == (ost == V_OCSP_CERTSTATUS_REVOKED),
	               "CRL and OCSP agree on revocation",
	               in_crl ? "revoked "
	                        "(CRL)"
	                      : "not revoked (CRL)",
	               "%s: OCSP %s", what, OCSP_cert_status_str(ost));
	if (!in_crl || ost != V_OCSP_CERTSTATUS_REVOKED)
		goto out;
	sa_case_checkf(
	    ctx,
	    orev != NULL &&
	        ASN1_TIME_compare(orev,
	                          X509_REVOKED_get0_revocationDate(entry)) == 0,
	    "OCSP revocationTime equals the CRL revocationDate "
	    "(BR §7.3)",
	    sa_cv_asn1_time_str(X509_REVOKED_get0_revocationDate(entry), t1,
	                        sizeof(t1)),
	    "%s", sa_cv_asn1_time_str(orev, t2, sizeof(t2)));
	creason = X509_REVOKED_get_ext_d2i(entry, NID_crl_reason, NULL, NULL);
	{
		long cr = creason ? ASN1_ENUMERATED_get(creason) : -1;
		sa_case_checkf(
		    ctx, cr == (long)oreason,
		    "OCSP revocationReason equals the CRL reasonCode",
		    cr < 0 ? "(none)" : OCSP_crl_reason_str(cr), "%s",
		    oreason < 0 ? "(none)" : OCSP_crl_reason_str(oreason));
	}
out:
	ASN1_ENUMERATED_free(creason);
	ASN1_TIME_free(orev);
	X509_free(cert);
}

static void case_consistent(sa_case_ctx *ctx)
{
	const sa_profile *p = sa_case_profile(ctx);
	const char *url = sa_profile_ocsp(p, "url");
	X509_CRL *crl;
	X509 *issuer;
	sa_cv_http h;

	if (url == NULL) {
		sa_case_skip(ctx, "no OCSP responder to compare with: the "
		                  "profile has no [ocsp] url");
		return;
	}
	if (sa_profile_ocsp(p, "good") == NULL &&
	    sa_profile_ocsp(p, "revoked") == NULL) {
		sa_case_skip(ctx, "no sample certificates: set [ocsp] good "
		                  "and/or revoked");
		return;
	}
	if (crl_fetch(ctx, &crl, &issuer, &h) < 0)
		return;
	consistent_one(ctx, crl, issuer, url, sa_profile_ocsp(p, "good"),
	               "[ocsp] good");
	consistent_one(ctx, crl, issuer, url, sa_profile_ocsp(p, "revoked"),
	               "[ocsp] revoked");
	X509_CRL_free(crl);
	X509_free(issuer);
	sa_cv_http_free(&h);
}

static const sa_case cases[] = {
    {.id = "CV-CRL-01",
     .title = "CRL distribution point: fetch",
     .description = "The [crl] url is an http:// URL, answers HTTP 200 "
                    "with a DER CertificateList within 10 s.",
     .remediation = "Publish the CRL over plain HTTP at the CDP URL.",
     .refs = SA_REFS("RFC 5280 §4.2.1.13", "RFC 5280 §5",
                     "CA/B Forum BR §4.10.2", "CA/B Forum BR §7.1.2.11.2"),
     .impact = 3,
     .threat = "revocation status unavailable",
     .tags = SA_TAG_NETWORK,
     .needs = 0,
     .run = case_fetch},
    {.id = "CV-CRL-02",
     .title = "CRL: signature and issuer",
     .description = "The CRL signature verifies with the issuing CA's "
                    "key, its issuer is byte-identical to the CA subject "
                    "and its AKI keyIdentifier equals the CA's SKI.",
     .remediation = "Sign the CRL with the CA key that issued the "
                    "certificates it covers.",
     .refs = SA_REFS("RFC 5280 §5.1.1.3", "RFC 5280 §5.1.2.3",
                     "RFC 5280 §5.2.1", "RFC 5280 §6.3.3"),
     .impact = 5,
     .threat = "forged CRL accepted",
     .tags = SA_TAG_NETWORK,
     .needs = 0,
     .run = case_signature},
    {.id = "CV-CRL-03",
     .title = "CRL: version, number and freshness",
     .description = "v2, cRLNumber present, thisUpdate not in the future "
                    "and at most 7 days old, nextUpdate present, after "
                    "now and at most 10 days after thisUpdate.",
     .remediation = "Reissue the CRL before nextUpdate (at least every 7 "
                    "days).",
     .refs = SA_REFS("RFC 5280 §5.1.2.4", "RFC 5280 §5.1.2.5",
                     "RFC 5280 §5.2.3", "CA/B Forum BR §4.9.7"),
     .impact = 4,
     .threat = "stale revocation information accepted",
     .tags = SA_TAG_NETWORK,
     .needs = 0,
     .run = case_fresh},
    {.id = "CV-CRL-04",
     .title = "CRL and OCSP agree",
     .description = "For the [ocsp] good and revoked certificates: revoked "
                    "in the CRL exactly when OCSP says revoked, with the "
                    "same revocation time and reason.",
     .remediation = "Feed the CRL and the responder from one revocation "
                    "database.",
     .refs = SA_REFS("CA/B Forum BR §4.9.9", "CA/B Forum BR §7.3",
                     "RFC 6960 §2.2", "RFC 5280 §5.3.1"),
     .impact = 4,
     .threat = "revoked certificate accepted by one channel",
     .tags = SA_TAG_NETWORK,
     .needs = 0,
     .run = case_consistent},
};

const sa_case_group sa_certval_group_crl = {cases, SA_COUNTOF(cases)};
