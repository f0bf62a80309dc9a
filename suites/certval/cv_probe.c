/* Live OCSP responder probes (catalogue §7.2, O1-O11), cases CV-OCSP-nn,
 * against the responder that the profile's [ocsp] section names:
 *   CV-OCSP-01  GET (RFC 6960 A.1, RFC 5019 §5) and POST both answered
 *   CV-OCSP-02  a valid certificate is "good"
 *   CV-OCSP-03  a revoked certificate is "revoked" with its time
 *   CV-OCSP-04  a serial the CA never issued is never "good"
 *   CV-OCSP-05  response signature and responder authorisation
 *   CV-OCSP-06  nonce behaviour (RFC 8954)
 *   CV-OCSP-07  validity interval and freshness
 *   CV-OCSP-08  latency percentiles over a bounded sample
 * Every request and response is kept as evidence (DER). The response is
 * untrusted input: it is only ever decoded by OpenSSL's d2i_OCSP_RESPONSE
 * and read through the OCSP API. A response that is not one (HTTP error,
 * garbage, timeout) makes that case an ERROR with a one-line reason. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "sigaudit/profile.h"

#include "cv_probe.h"
#include "suite.h"

/* Clock skew allowed between the responder and us. */
#define CV_SKEW_S 300L
/* BR §4.9.9: validity interval of a subscriber response, 8 h to 10 days. */
#define CV_INTERVAL_MIN_S (8L * 3600L)
#define CV_INTERVAL_MAX_S (10L * 86400L)
/* Latency sample: default size, the wall-clock budget that stops it, and
 * how much longer than the limit ([ocsp] max_ms, default BR §4.10.2's 10 s)
 * a request may wait, so that a slow answer is measured (and fails) rather
 * than cut off (an error). */
#define CV_LAT_DEFAULT   20u
#define CV_LAT_BUDGET_MS 20000.0
#define CV_LAT_MARGIN_MS 5000u

typedef struct cv_ocsp {
	const char *url;
	X509 *issuer;
	X509 *good;
	X509 *revoked;
	X509 *signer; /* expected signer, may be NULL */
} cv_ocsp;

typedef struct cv_answer {
	sa_cv_http http;
	OCSP_RESPONSE *resp;
	OCSP_BASICRESP *bs; /* NULL unless responseStatus successful */
	int rstatus;        /* OCSP_RESPONSE_STATUS_* */
} cv_answer;

static void cfg_clear(cv_ocsp *c)
{
	X509_free(c->issuer);
	X509_free(c->good);
	X509_free(c->revoked);
	X509_free(c->signer);
	memset(c, 0, sizeof(*c));
}

static void answer_clear(cv_answer *a)
{
	sa_cv_http_free(&a->http);
	OCSP_BASICRESP_free(a->bs);
	OCSP_RESPONSE_free(a->resp);
	memset(a, 0, sizeof(*a));
}

/* The profile's [ocsp]; which certificates a case needs: 'g' good, 'r'
 * revoked. -1 after a skip or an error was recorded. */
static int cfg_load(cv_ocsp *c, sa_case_ctx *ctx, const char *need)
{
	const sa_profile *p = sa_case_profile(ctx);
	const char *path;

	memset(c, 0, sizeof(*c));
	c->url = sa_profile_ocsp(p, "url");
	if (c->url == NULL) {
		sa_case_skip(ctx, "no OCSP responder: the profile has no "
		                  "[ocsp] url (and issuer)");
		return -1;
	}
	c->issuer = sa_cv_probe_cert(ctx, sa_profile_ocsp(p, "issuer"),
	                             "[ocsp] issuer");
	if (c->issuer == NULL)
		goto fail;
	if (strchr(need, 'g') != NULL) {
		path = sa_profile_ocsp(p, "good");
		if (path == NULL) {
			sa_case_skip(ctx, "the profile has no [ocsp] good "
			                  "(a certificate expected good)");
			goto fail;
		}
		if ((c->good = sa_cv_probe_cert(ctx, path, "[ocsp] good")) ==
		    NULL)
			goto fail;
	}
	if (strchr(need, 'r') != NULL) {
		path = sa_profile_ocsp(p, "revoked");
		if (path == NULL) {
			sa_case_skip(ctx, "the profile has no [ocsp] revoked "
			                  "(a certificate expected revoked)");
			goto fail;
		}
		if ((c->revoked =
		         sa_cv_probe_cert(ctx, path, "[ocsp] revoked")) == NULL)
			goto fail;
	}
	path = sa_profile_ocsp(p, "signer");
	if (path != NULL &&
	    (c->signer = sa_cv_probe_cert(ctx, path, "[ocsp] signer")) == NULL)
		goto fail;
	return 0;
fail:
	cfg_clear(c);
	return -1;
}

/* CertID with SHA-1 (RFC 6960 §4.1.1; what RFC 5019 responders must
 * accept) for cert. */
static OCSP_CERTID *certid_of(const cv_ocsp *c, X509 *cert)
{
	return OCSP_cert_to_id(EVP_sha1(), cert, c->issuer);
}

/* CertID for a serial the CA never issued: the profile's [ocsp] unissued,
 * else "sigaudit" (hex 7369676175646974, recognisable in the responder's
 * logs as crt.sh marks its probes) followed by 8 random bytes. */
static OCSP_CERTID *certid_unissued(const cv_ocsp *c, sa_case_ctx *ctx,
                                    char *hex, size_t hex_size)
{
	const char *fixed = sa_profile_ocsp(sa_case_profile(ctx), "unissued");
	unsigned char raw[16] = {0x73, 0x69, 0x67, 0x61,
	                         0x75, 0x64, 0x69, 0x74};
	BIGNUM *bn = NULL;
	ASN1_INTEGER *ai = NULL;
	OCSP_CERTID *id = NULL;
	char *h = NULL;

	if (fixed != NULL) {
		if (BN_hex2bn(&bn, fixed) == 0 ||
		    (size_t)BN_hex2bn(&bn, fixed) != strlen(fixed)) {
			sa_case_error(ctx,
			              "[ocsp] unissued: '%.40s' is not "
			              "a hex serial",
			              fixed);
			goto out;
		}
	} else {
		if (RAND_bytes(raw + 8, 8) != 1)
			goto out;
		bn = BN_bin2bn(raw, (int)sizeof(raw), NULL);
	}
	if (bn == NULL || (ai = BN_to_ASN1_INTEGER(bn, NULL)) == NULL)
		goto out;
	h = BN_bn2hex(bn);
	snprintf(hex, hex_size, "%s", h != NULL ? h : "?");
	id = OCSP_cert_id_new(EVP_sha1(), X509_get_subject_name(c->issuer),
	                      X509_get0_pubkey_bitstr(c->issuer), ai);
out:
	OPENSSL_free(h);
	ASN1_INTEGER_free(ai);
	BN_free(bn);
	return id;
}

/* Ask the responder about id (a copy is put in the request). ev: evidence
 * prefix. -1 after an ERROR was recorded: the exchange failed, the answer is
 * not HTTP 200 or not a DER OCSPResponse. A responseStatus other than
 * successful is an answer (a->bs NULL): the caller judges it. */
static int ask(sa_case_ctx *ctx, const cv_ocsp *c, const OCSP_CERTID *id,
               bool nonce, bool get, const char *ev, cv_answer *a,
               OCSP_REQUEST **req_out)
{
	OCSP_REQUEST *req = NULL;
	OCSP_CERTID *idc = NULL;
	unsigned char *der = NULL;
	const unsigned char *p;
	char b64[4096], why[512], name[64];
	sa_buf url = SA_BUF_INIT;
	int len, n, rc = -1;

	memset(a, 0, sizeof(*a));
	req = OCSP_REQUEST_new();
	idc = OCSP_CERTID_dup(id);
	if (req == NULL || idc == NULL ||
	    OCSP_request_add0_id(req, idc) == NULL)
		goto oom;
	idc = NULL;
	if (nonce && OCSP_request_add1_nonce(req, NULL, -1) != 1)
		goto oom;
	len = i2d_OCSP_REQUEST(req, &der);
	if (len <= 0)
		goto oom;
	snprintf(name, sizeof(name), "%s-request.der", ev);
	sa_case_evidence(ctx, name, der, (size_t)len);
	if (get) {
		n = EVP_EncodeBlock((unsigned char *)b64, der, len);
		if (n <= 0 || (size_t)n >= sizeof(b64))
			goto oom;
		sa_buf_append_str(&url, c->url);
		if (url.len == 0 || url.data[url.len - 1] != '/')
			sa_buf_append_str(&url, "/");
		sa_cv_url_encode(&url, b64);
		if (!sa_buf_ok(&url))
			goto oom;
	}
	if (sa_cv_http_do(&a->http, get ? sa_buf_cstr(&url) : c->url,
	                  get ? NULL : der, (size_t)len,
	                  "application/ocsp-request", SA_CV_PROBE_LIMIT_MS, why,
	                  sizeof(why)) < 0) {
		sa_case_error(ctx, "%s %s: %s", get ? "GET" : "POST", ev, why);
		goto out;
	}
	snprintf(name, sizeof(name), "%s-response.der", ev);
	sa_case_evidence(ctx, name, a->http.body.data, a->http.body.len);
	if (a->http.status != 200) {
		sa_case_error(ctx, "%s %s: HTTP %ld from %s",
		              get ? "GET" : "POST", ev, a->http.status, c->url);
		goto out;
	}
	p = a->http.body.data;
	a->resp = d2i_OCSP_RESPONSE(NULL, &p, (long)a->http.body.len);
	if (a->resp == NULL || p != a->http.body.data + a->http.body.len) {
		sa_case_error(ctx,
		              "%s %s: the %zu-byte answer is not a DER "
		              "OCSPResponse (RFC 6960 §4.2.1)",
		              get ? "GET" : "POST", ev, a->http.body.len);
		goto out;
	}
	a->rstatus = OCSP_response_status(a->resp);
	if (a->rstatus == OCSP_RESPONSE_STATUS_SUCCESSFUL) {
		a->bs = OCSP_response_get1_basic(a->resp);
		if (a->bs == NULL) {
			sa_case_error(ctx,
			              "%s %s: successful but not "
			              "id-pkix-ocsp-basic",
			              get ? "GET" : "POST", ev);
			goto out;
		}
	}
	if (req_out != NULL) {
		*req_out = req;
		req = NULL;
	}
	rc = 0;
	goto out;
oom:
	sa_case_error(ctx, "building the OCSP request failed");
out:
	ERR_clear_error();
	sa_buf_free(&url);
	OPENSSL_free(der);
	OCSP_CERTID_free(idc);
	OCSP_REQUEST_free(req);
	if (rc < 0)
		answer_clear(a);
	return rc;
}

/* ask() and require a basic response; -1 after an ERROR or FAIL. */
static int ask_basic(sa_case_ctx *ctx, const cv_ocsp *c, const OCSP_CERTID *id,
                     bool nonce, bool get, const char *ev, cv_answer *a,
                     OCSP_REQUEST **req_out)
{
	if (ask(ctx, c, id, nonce, get, ev, a, req_out) < 0)
		return -1;
	if (a->bs == NULL) {
		sa_case_checkf(ctx, false, "responseStatus", "successful",
		               "%s (%d)", OCSP_response_status_str(a->rstatus),
		               a->rstatus);
		answer_clear(a);
		return -1;
	}
	return 0;
}

typedef struct cv_status {
	int status; /* V_OCSP_CERTSTATUS_*, -1: no SingleResponse for it */
	int reason;
	ASN1_GENERALIZEDTIME *rev, *thisupd, *nextupd; /* borrowed */
} cv_status;

static void status_of(cv_status *s, const cv_answer *a, OCSP_CERTID *id)
{
	memset(s, 0, sizeof(*s));
	s->reason = -1;
	if (OCSP_resp_find_status(a->bs, id, &s->status, &s->reason, &s->rev,
	                          &s->thisupd, &s->nextupd) != 1)
		s->status = -1;
}

static const char *status_str(int st)
{
	return st < 0 ? "no SingleResponse for the CertID"
	              : OCSP_cert_status_str(st);
}

/* ---- CV-OCSP-01 ---------------------------------------------------------- */

static void case_get_post(sa_case_ctx *ctx)
{
	cv_ocsp c;
	cv_answer post, get;
	OCSP_CERTID *id = NULL;
	cv_status sp, sg;

	memset(&post, 0, sizeof(post));
	memset(&get, 0, sizeof(get));
	if (cfg_load(&c, ctx, "g") < 0)
		return;
	id = certid_of(&c, c.good);
	if (id == NULL) {
		sa_case_error(ctx, "cannot make the CertID");
		goto out;
	}
	if (ask_basic(ctx, &c, id, false, false, "post", &post, NULL) < 0 ||
	    ask_basic(ctx, &c, id, false, true, "get", &get, NULL) < 0)
		goto out;
	/* RFC 6960 A.2: the response MIME type. */
	sa_case_check(
	    ctx, strncmp(post.http.ctype, "application/ocsp-response", 25) == 0,
	    "POST Content-Type", "application/ocsp-response",
	    post.http.ctype[0] ? post.http.ctype : "(none)");
	sa_case_check(
	    ctx, strncmp(get.http.ctype, "application/ocsp-response", 25) == 0,
	    "GET Content-Type", "application/ocsp-response",
	    get.http.ctype[0] ? get.http.ctype : "(none)");
	status_of(&sp, &post, id);
	status_of(&sg, &get, id);
	sa_case_checkf(ctx, sp.status >= 0 && sp.status == sg.status,
	               "GET and POST give the same certStatus",
	               status_str(sp.status), "%s", status_str(sg.status));
out:
	OCSP_CERTID_free(id);
	answer_clear(&post);
	answer_clear(&get);
	cfg_clear(&c);
}

/* ---- CV-OCSP-02, -03 ----------------------------------------------------- */

static void case_status(sa_case_ctx *ctx, bool revoked)
{
	cv_ocsp c;
	cv_answer a;
	OCSP_CERTID *id = NULL;
	cv_status s;
	char t[32];

	memset(&a, 0, sizeof(a));
	if (cfg_load(&c, ctx, revoked ? "r" : "g") < 0)
		return;
	id = certid_of(&c, revoked ? c.revoked : c.good);
	if (id == NULL) {
		sa_case_error(ctx, "cannot make the CertID");
		goto out;
	}
	if (ask_basic(ctx, &c, id, false, false, revoked ? "revoked" : "good",
	              &a, NULL) < 0)
		goto out;
	status_of(&s, &a, id);
	if (!revoked) {
		sa_case_check(ctx, s.status == V_OCSP_CERTSTATUS_GOOD,
		              "certStatus of the valid certificate", "good",
		              status_str(s.status));
		goto out;
	}
	sa_case_check(ctx, s.status == V_OCSP_CERTSTATUS_REVOKED,
	              "certStatus of the revoked certificate", "revoked",
	              status_str(s.status));
	if (s.status == V_OCSP_CERTSTATUS_REVOKED) {
		sa_case_check(ctx, s.rev != NULL, "revocationTime present",
		              "present", s.rev ? "present" : "absent");
		sa_case_note(ctx, "revocationTime %s, reason %s",
		             sa_cv_asn1_time_str(s.rev, t, sizeof(t)),
		             s.reason < 0 ? "(none)"
		                          : OCSP_crl_reason_str(s.reason));
	}
out:
	OCSP_CERTID_free(id);
	answer_clear(&a);
	cfg_clear(&c);
}

static void case_good(sa_case_ctx *ctx)
{
	case_status(ctx, false);
}

static void case_revoked(sa_case_ctx *ctx)
{
	case_status(ctx, true);
}

/* ---- CV-OCSP-04 ---------------------------------------------------------- */

static void case_unissued(sa_case_ctx *ctx)
{
	cv_ocsp c;
	cv_answer a;
	OCSP_CERTID *id = NULL;
	cv_status s;
	char hex[80];

	memset(&a, 0, sizeof(a));
	if (cfg_load(&c, ctx, "") < 0)
		return;
	id = certid_unissued(&c, ctx, hex, sizeof(hex));
	if (id == NULL) {
		sa_case_error(ctx, "cannot make the CertID of an unissued "
		                   "serial");
		goto out;
	}
	if (ask(ctx, &c, id, false, false, "unissued", &a, NULL) < 0)
		goto out;
	sa_case_note(ctx, "serial %s (never issued)", hex);
	if (a.bs == NULL) {
		/* RFC 6960 §2.3: "unauthorized" is an acceptable answer for a
		 * certificate the responder knows nothing about. */
		sa_case_checkf(ctx,
		               a.rstatus == OCSP_RESPONSE_STATUS_UNAUTHORIZED,
		               "responseStatus for an unissued serial",
		               "successful (unknown|revoked) or unauthorized",
		               "%s", OCSP_response_status_str(a.rstatus));
		goto out;
	}
	status_of(&s, &a, id);
	sa_case_check(ctx, s.status != V_OCSP_CERTSTATUS_GOOD,
	              "certStatus of a never-issued serial (BR §4.9.9)",
	              "unknown, or revoked with Extended Revoked Definition",
	              status_str(s.status));
	if (s.status == V_OCSP_CERTSTATUS_REVOKED) {
		/* RFC 6960 §2.2 / §4.4.8: "revoked" for a non-issued
		 * certificate MUST carry id-pkix-ocsp-extended-revoke. */
		ASN1_OBJECT *ext = OBJ_txt2obj("1.3.6.1.5.5.7.48.1.9", 1);
		int at =
		    ext ? OCSP_BASICRESP_get_ext_by_OBJ(a.bs, ext, -1) : -1;
		ASN1_OBJECT_free(ext);
		sa_case_check(ctx, at >= 0,
		              "Extended Revoked Definition extension",
		              "present", at >= 0 ? "present" : "absent");
	}
out:
	OCSP_CERTID_free(id);
	answer_clear(&a);
	cfg_clear(&c);
}

/* ---- CV-OCSP-05 ---------------------------------------------------------- */

static bool same_key(X509 *a, X509 *b)
{
	EVP_PKEY *ka = X509_get0_pubkey(a), *kb = X509_get0_pubkey(b);
	return ka != NULL && kb != NULL && EVP_PKEY_eq(ka, kb) == 1;
}

/* BR §7.1.2.8 / RFC 6960 §4.2.2.2: the delegated responder certificate's
 * profile, one check each. */
static void delegated_profile(sa_case_ctx *ctx, X509 *signer, X509 *issuer,
                              const ASN1_GENERALIZEDTIME *produced)
{
	EXTENDED_KEY_USAGE *eku = NULL;
	const X509_EXTENSION *ext;
	const ASN1_OCTET_STRING *val;
	int crit = 0, idx, n_eku = -1, ocsp_eku = 0;
	uint32_t ku;
	char nb[32], na[32], pt[32];
	bool ok;

	ok = X509_check_issued(issuer, signer) == X509_V_OK &&
	     X509_verify(signer, X509_get0_pubkey(issuer)) == 1;
	sa_case_check(ctx, ok, "delegated signer issued directly by the CA",
	              "issued by the CA",
	              ok ? "issued by the CA" : "not issued by the CA");
	eku = X509_get_ext_d2i(signer, NID_ext_key_usage, &crit, NULL);
	if (eku != NULL) {
		n_eku = sk_ASN1_OBJECT_num(eku);
		for (int i = 0; i < n_eku; i++)
			if (OBJ_obj2nid(sk_ASN1_OBJECT_value(eku, i)) ==
			    NID_OCSP_sign)
				ocsp_eku++;
	}
	sa_case_checkf(ctx, n_eku == 1 && ocsp_eku == 1,
	               "signer EKU is id-kp-OCSPSigning only",
	               "OCSPSigning only", "%s",
	               n_eku < 0       ? "no EKU"
	               : ocsp_eku == 0 ? "no OCSPSigning"
	               : n_eku == 1    ? "OCSPSigning only"
	                               : "OCSPSigning and others");
	ku = X509_get_key_usage(signer);
	idx = X509_get_ext_by_NID(signer, NID_key_usage, -1);
	ext = idx >= 0 ? X509_get_ext(signer, idx) : NULL;
	ok = ext != NULL && X509_EXTENSION_get_critical(ext) &&
	     (ku & KU_DIGITAL_SIGNATURE) != 0;
	sa_case_check(ctx, ok, "signer KU digitalSignature, critical",
	              "critical digitalSignature",
	              ok            ? "critical digitalSignature"
	              : ext == NULL ? "no keyUsage"
	                            : "missing or not critical");
	idx = X509_get_ext_by_NID(signer, NID_id_pkix_OCSP_noCheck, -1);
	ext = idx >= 0 ? X509_get_ext(signer, idx) : NULL;
	val =
	    ext != NULL ? X509_EXTENSION_get_data((X509_EXTENSION *)ext) : NULL;
	ok = val != NULL && ASN1_STRING_length(val) == 2 &&
	     memcmp(ASN1_STRING_get0_data(val), "\x05\x00", 2) == 0;
	sa_case_check(ctx, ok, "id-pkix-ocsp-nocheck with extnValue 0500",
	              "present, 0500",
	              ok            ? "present, 0500"
	              : val == NULL ? "absent"
	                            : "present, other value");
	ok = X509_check_ca(signer) == 0;
	sa_case_check(ctx, ok, "signer is not a CA", "cA false",
	              ok ? "cA false" : "cA true");
	sa_case_checkf(
	    ctx,
	    produced != NULL &&
	        ASN1_TIME_compare(X509_get0_notBefore(signer), produced) <= 0 &&
	        ASN1_TIME_compare(produced, X509_get0_notAfter(signer)) <= 0,
	    "signer valid at producedAt", "valid",
	    "notBefore %s notAfter %s producedAt %s",
	    sa_cv_asn1_time_str(X509_get0_notBefore(signer), nb, sizeof(nb)),
	    sa_cv_asn1_time_str(X509_get0_notAfter(signer), na, sizeof(na)),
	    sa_cv_asn1_time_str(produced, pt, sizeof(pt)));
	EXTENDED_KEY_USAGE_free(eku);
}

static void case_signer(sa_case_ctx *ctx)
{
	cv_ocsp c;
	cv_answer a;
	OCSP_CERTID *id = NULL;
	X509_STORE *store = NULL;
	STACK_OF(X509) *extra = NULL;
	X509 *signer = NULL;
	unsigned long e;
	char ebuf[256] = "";
	int v;

	memset(&a, 0, sizeof(a));
	if (cfg_load(&c, ctx, "g") < 0)
		return;
	id = certid_of(&c, c.good);
	store = X509_STORE_new();
	extra = sk_X509_new_null();
	if (id == NULL || store == NULL || extra == NULL ||
	    X509_STORE_add_cert(store, c.issuer) != 1 ||
	    (c.signer != NULL && sk_X509_push(extra, c.signer) <= 0)) {
		sa_case_error(ctx, "cannot set up the verification");
		goto out;
	}
	/* The issuing CA alone is the trust anchor (it need not be a root):
	 * a delegated signer must chain to it directly (RFC 6960 §4.2.2.2). */
	X509_STORE_set_flags(store, X509_V_FLAG_PARTIAL_CHAIN);
	if (ask_basic(ctx, &c, id, false, false, "signed", &a, NULL) < 0)
		goto out;
	ERR_clear_error();
	/* No OCSP_TRUSTOTHER: the signer must be the CA or authorised by it
	 * (EKU OCSPSigning, issued by the CA); OpenSSL checks both. */
	v = OCSP_basic_verify(a.bs, extra, store, 0);
	if (v != 1) {
		e = ERR_peek_last_error();
		if (e != 0)
			ERR_error_string_n(e, ebuf, sizeof(ebuf));
	}
	ERR_clear_error();
	sa_case_check(ctx, v == 1,
	              "OCSP_basic_verify: signature and authorised signer "
	              "(store: the issuing CA only)",
	              "verified", v == 1 ? "verified" : ebuf);
	if (OCSP_resp_get0_signer(a.bs, &signer, extra) != 1 ||
	    signer == NULL) {
		sa_case_check(ctx, false, "signer certificate found",
		              "in the response certs or [ocsp] signer",
		              "not found");
		goto out;
	}
	if (c.signer != NULL) {
		bool same = X509_cmp(signer, c.signer) == 0;
		sa_case_check(ctx, same,
		              "signer is the profile's [ocsp] signer",
		              "[ocsp] signer",
		              same ? "[ocsp] signer" : "another certificate");
	}
	if (same_key(signer, c.issuer) && X509_cmp(signer, c.issuer) == 0) {
		sa_case_note(ctx, "signed by the issuing CA itself "
		                  "(RFC 6960 §4.2.2.2 case 1)");
	} else {
		sa_case_note(ctx, "delegated responder (RFC 6960 §4.2.2.2 "
		                  "case 3)");
		delegated_profile(ctx, signer, c.issuer,
		                  OCSP_resp_get0_produced_at(a.bs));
	}
out:
	ERR_clear_error();
	sk_X509_free(extra);
	X509_STORE_free(store);
	OCSP_CERTID_free(id);
	answer_clear(&a);
	cfg_clear(&c);
}

/* ---- CV-OCSP-06 ---------------------------------------------------------- */

static void case_nonce(sa_case_ctx *ctx)
{
	cv_ocsp c;
	cv_answer with, without;
	OCSP_CERTID *id = NULL;
	OCSP_REQUEST *req = NULL, *req2 = NULL;
	int n;

	memset(&with, 0, sizeof(with));
	memset(&without, 0, sizeof(without));
	if (cfg_load(&c, ctx, "g") < 0)
		return;
	id = certid_of(&c, c.good);
	if (id == NULL) {
		sa_case_error(ctx, "cannot make the CertID");
		goto out;
	}
	if (ask_basic(ctx, &c, id, true, false, "nonce", &with, &req) < 0)
		goto out;
	/* OCSP_check_nonce: 1 equal, 2 both absent, 3 only in the response,
	 * -1 only in the request, 0 both present and different. */
	n = OCSP_check_nonce(req, with.bs);
	switch (n) {
	case 1:
		sa_case_note(ctx, "nonce echoed (RFC 8954)");
		break;
	case -1:
		sa_case_note(ctx, "nonce ignored: the responder answers "
		                  "without it (pre-signed or cached "
		                  "responses; permitted, RFC 8954 §2.1)");
		break;
	default:
		break;
	}
	sa_case_checkf(ctx, n == 1 || n == -1,
	               "nonce in the response matches the request (RFC 8954)",
	               "echoed or absent", "OCSP_check_nonce = %d%s", n,
	               n == 0 ? " (a different nonce)" : "");
	if (ask_basic(ctx, &c, id, false, false, "no-nonce", &without, &req2) <
	    0)
		goto out;
	n = OCSP_check_nonce(req2, without.bs);
	sa_case_checkf(ctx, n == 2, "no nonce asked, none answered", "no nonce",
	               "OCSP_check_nonce = %d%s", n,
	               n == 3 ? " (a nonce nobody asked for)" : "");
out:
	OCSP_REQUEST_free(req);
	OCSP_REQUEST_free(req2);
	OCSP_CERTID_free(id);
	answer_clear(&with);
	answer_clear(&without);
	cfg_clear(&c);
}

/* ---- CV-OCSP-07 ---------------------------------------------------------- */

/* b - a in seconds; false when either is unusable. */
static bool tdiff(const ASN1_TIME *a, const ASN1_TIME *b, long *out)
{
	int days = 0, secs = 0;

	if (a == NULL || b == NULL || ASN1_TIME_diff(&days, &secs, a, b) != 1)
		return false;
	*out = (long)days * 86400L + (long)secs;
	return true;
}

static void case_validity(sa_case_ctx *ctx)
{
	cv_ocsp c;
	cv_answer a;
	OCSP_CERTID *id = NULL;
	ASN1_TIME *now = NULL;
	const ASN1_GENERALIZEDTIME *produced;
	cv_status s;
	long d = 0;
	char t1[32], t2[32], t3[32];
	bool ok;

	memset(&a, 0, sizeof(a));
	if (cfg_load(&c, ctx, "g") < 0)
		return;
	id = certid_of(&c, c.good);
	now = ASN1_TIME_set(NULL, time(NULL));
	if (id == NULL || now == NULL) {
		sa_case_error(ctx, "cannot make the CertID");
		goto out;
	}
	if (ask_basic(ctx, &c, id, false, false, "validity", &a, NULL) < 0)
		goto out;
	status_of(&s, &a, id);
	if (s.status < 0) {
		sa_case_check(ctx, false, "SingleResponse for the CertID",
		              "present", "absent");
		goto out;
	}
	produced = OCSP_resp_get0_produced_at(a.bs);
	sa_case_note(ctx, "thisUpdate %s nextUpdate %s producedAt %s",
	             sa_cv_asn1_time_str(s.thisupd, t1, sizeof(t1)),
	             sa_cv_asn1_time_str(s.nextupd, t2, sizeof(t2)),
	             sa_cv_asn1_time_str(produced, t3, sizeof(t3)));
	ok = tdiff(s.thisupd, produced, &d) && d >= 0;
	sa_case_checkf(ctx, ok, "thisUpdate <= producedAt (zlint)",
	               "thisUpdate <= producedAt",
	               "producedAt - thisUpdate = "
	               "%ld s",
	               d);
	ok = tdiff(now, produced, &d) && d <= CV_SKEW_S;
	sa_case_checkf(ctx, ok, "producedAt not in the future",
	               "<= now + 300 s", "producedAt - now = %ld s", d);
	ok = tdiff(now, s.thisupd, &d) && d <= CV_SKEW_S;
	sa_case_checkf(ctx, ok, "thisUpdate not in the future",
	               "<= now + 300 s", "thisUpdate - now = %ld s", d);
	sa_case_check(ctx, s.nextupd != NULL, "nextUpdate present (BR §4.9.9)",
	              "present", s.nextupd ? "present" : "absent");
	if (s.nextupd == NULL)
		goto out;
	ok = tdiff(now, s.nextupd, &d) && d > 0;
	sa_case_checkf(ctx, ok, "nextUpdate after now", "> now",
	               "nextUpdate - now = %ld s", d);
	ok = tdiff(s.thisupd, s.nextupd, &d) && d >= CV_INTERVAL_MIN_S &&
	     d <= CV_INTERVAL_MAX_S;
	sa_case_checkf(ctx, ok,
	               "validity interval between 8 h and 10 days (BR "
	               "§4.9.9)",
	               "28800..864000 s", "%ld s", d);
	ERR_clear_error();
	ok = OCSP_check_validity(s.thisupd, s.nextupd, CV_SKEW_S, -1) == 1;
	sa_case_check(ctx, ok, "OCSP_check_validity (300 s skew)", "valid",
	              ok ? "valid" : "invalid or out of date");
	ERR_clear_error();
out:
	ASN1_TIME_free(now);
	OCSP_CERTID_free(id);
	answer_clear(&a);
	cfg_clear(&c);
}

/* ---- CV-OCSP-08 ---------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Nearest-rank percentile of a sorted sample. */
static double pct(const double *v, size_t n, size_t p)
{
	size_t k = (p * n + 99) / 100;
	return v[k == 0 ? 0 : k - 1];
}

static void case_latency(sa_case_ctx *ctx)
{
	cv_ocsp c;
	OCSP_CERTID *id = NULL;
	unsigned want = sa_profile_ocsp_requests(sa_case_profile(ctx));
	unsigned limit = sa_profile_ocsp_max_ms(sa_case_profile(ctx));
	double *ms = NULL, spent = 0;
	size_t n = 0, bad = 0;
	sa_buf csv = SA_BUF_INIT;

	if (cfg_load(&c, ctx, "g") < 0)
		return;
	if (want == 0)
		want = CV_LAT_DEFAULT;
	if (limit == 0)
		limit = SA_CV_PROBE_LIMIT_MS;
	id = certid_of(&c, c.good);
	ms = calloc(want, sizeof(*ms));
	if (id == NULL || ms == NULL) {
		sa_case_error(ctx, "out of memory");
		goto out;
	}
	sa_buf_append_str(&csv, "n,ms,http,responseStatus\n");
	/* Bounded by count and by time: the sample stops by itself. Each
	 * request is a fresh POST of the same DER. */
	{
		OCSP_REQUEST *req = OCSP_REQUEST_new();
		OCSP_CERTID *idc = OCSP_CERTID_dup(id);
		unsigned char *der = NULL;
		int len = -1;
		if (req != NULL && idc != NULL &&
		    OCSP_request_add0_id(req, idc) != NULL)
			idc = NULL;
		if (idc == NULL)
			len = i2d_OCSP_REQUEST(req, &der);
		OCSP_CERTID_free(idc);
		OCSP_REQUEST_free(req);
		if (len <= 0) {
			sa_case_error(ctx, "building the OCSP request failed");
			goto out;
		}
		sa_case_evidence(ctx, "latency-request.der", der, (size_t)len);
		while (n < want && spent < CV_LAT_BUDGET_MS) {
			char why[512];
			sa_cv_http h;
			const unsigned char *p;
			OCSP_RESPONSE *r = NULL;
			int st = -1;
			if (sa_cv_http_do(&h, c.url, der, (size_t)len,
			                  "application/ocsp-request",
			                  limit + CV_LAT_MARGIN_MS, why,
			                  sizeof(why)) < 0) {
				sa_case_error(ctx, "request %zu: %s", n + 1,
				              why);
				sa_cv_http_free(&h);
				OPENSSL_free(der);
				goto out;
			}
			p = h.body.data;
			if (h.status == 200 &&
			    (r = d2i_OCSP_RESPONSE(NULL, &p,
			                           (long)h.body.len)) != NULL)
				st = OCSP_response_status(r);
			if (st != OCSP_RESPONSE_STATUS_SUCCESSFUL)
				bad++;
			OCSP_RESPONSE_free(r);
			ms[n++] = h.ms;
			spent += h.ms;
			sa_buf_appendf(&csv, "%zu,%.3f,%ld,%d\n", n, h.ms,
			               h.status, st);
			sa_cv_http_free(&h);
		}
		OPENSSL_free(der);
	}
	ERR_clear_error();
	sa_case_evidence(ctx, "latency.csv", csv.data, csv.len);
	if (n < want)
		sa_case_note(ctx,
		             "sample stopped at %zu of %u requests (%.0f "
		             "ms budget)",
		             n, want, CV_LAT_BUDGET_MS);
	qsort(ms, n, sizeof(*ms), cmp_double);
	sa_case_note(ctx,
	             "%zu POST requests: p50 %.1f ms, p90 %.1f ms, p99 %.1f "
	             "ms, max %.1f ms",
	             n, pct(ms, n, 50), pct(ms, n, 90), pct(ms, n, 99),
	             ms[n - 1]);
	sa_case_checkf(ctx, bad == 0, "every response successful", "0 failed",
	               "%zu of %zu not successful", bad, n);
	{
		char want_s[32];
		snprintf(want_s, sizeof(want_s), "<= %u ms", limit);
		sa_case_checkf(ctx, ms[n - 1] <= (double)limit,
		               "slowest response within the limit ([ocsp] "
		               "max_ms; default 10 s, BR §4.10.2)",
		               want_s, "%.1f ms", ms[n - 1]);
	}
out:
	sa_buf_free(&csv);
	free(ms);
	OCSP_CERTID_free(id);
	cfg_clear(&c);
}

#define OCSP_REFS(...) SA_REFS("RFC 6960", __VA_ARGS__)

static const sa_case cases[] = {
    {.id = "CV-OCSP-01",
     .title = "OCSP over GET and POST",
     .description =
         "The same request for a valid certificate sent as a POST "
         "(application/ocsp-request) and as a GET (URL-encoded base64 in "
         "the path): both must be answered HTTP 200 with "
         "application/ocsp-response, a successful basic response and the "
         "same certStatus. Relying parties and CDNs use GET (RFC 5019).",
     .remediation = "Serve both methods; the CA/B Forum BR require GET.",
     .refs = OCSP_REFS("RFC 6960 Appendix A.1", "RFC 5019 §5",
                       "CA/B Forum BR §4.9.9"),
     .impact = 3,
     .threat = "revocation status unavailable to relying parties",
     .tags = SA_TAG_NETWORK,
     .needs = 0,
     .run = case_get_post},
    {.id = "CV-OCSP-02",
     .title = "OCSP: a valid certificate is good",
     .description = "The responder answers \"good\" for the profile's "
                    "[ocsp] good certificate.",
     .remediation = "Keep the responder's status database in step with "
                    "issuance.",
     .refs = OCSP_REFS("RFC 6960 §2.2"),
     .impact = 3,
     .threat = "valid signatures rejected",
     .tags = SA_TAG_NETWORK,
     .needs = 0,
     .run = case_good},
    {.id = "CV-OCSP-03",
     .title = "OCSP: a revoked certificate is revoked",
     .description = "The responder answers \"revoked\" with a "
                    "revocationTime for the profile's [ocsp] revoked "
                    "certificate.",
     .remediation = "Publish revocations to the responder at once.",
     .refs = OCSP_REFS("RFC 6960 §2.2", "CA/B Forum BR §4.9.9"),
     .impact = 5,
     .threat = "revoked certificate accepted",
     .tags = SA_TAG_NETWORK,
     .needs = 0,
     .run = case_revoked},
    {.id = "CV-OCSP-04",
     .title = "OCSP: a never-issued serial is not good",
     .description =
         "A CertID for a serial the CA never issued (\"sigaudit\" prefix "
         "and 8 random bytes, or [ocsp] unissued) must not be answered "
         "\"good\": unknown, unauthorized, or revoked with the Extended "
         "Revoked Definition extension.",
     .remediation = "Answer from the issuance database, not from a "
                    "revocation list alone (a responder that only knows "
                    "revocations says good for forged certificates).",
     .refs =
         OCSP_REFS("RFC 6960 §2.2", "RFC 6960 §4.4.8", "CA/B Forum BR §4.9.9"),
     .impact = 5,
     .threat = "forged certificate reported good",
     .tags = SA_TAG_NETWORK,
     .needs = 0,
     .run = case_unissued},
    {.id = "CV-OCSP-05",
     .title = "OCSP: response signature and authorised responder",
     .description =
         "The response verifies with OCSP_basic_verify against a store "
         "holding only the issuing CA (no TRUSTOTHER), and the signer is "
         "the CA itself or a delegated responder issued directly by it "
         "with EKU id-kp-OCSPSigning only, keyUsage digitalSignature "
         "critical, id-pkix-ocsp-nocheck with value 0500, not a CA, valid "
         "at producedAt.",
     .remediation = "Sign responses with the CA key or with a responder "
                    "certificate that follows BR §7.1.2.8.",
     .refs = OCSP_REFS("RFC 6960 §4.2.2.2", "RFC 6960 §4.2.2.2.1",
                       "CA/B Forum BR §7.1.2.8"),
     .impact = 5,
     .threat = "forged status responses accepted",
     .tags = SA_TAG_NETWORK,
     .needs = 0,
     .run = case_signer},
    {.id = "CV-OCSP-06",
     .title = "OCSP: nonce behaviour",
     .description = "A request with a 16-byte nonce: the response echoes "
                    "it or carries none (pre-signed responses); a "
                    "different nonce fails. A request without a nonce "
                    "gets none back.",
     .remediation = "Echo the request's nonce or omit the extension; never "
                    "return another one.",
     .refs = OCSP_REFS("RFC 8954 §2.1", "RFC 6960 §4.4.1"),
     .impact = 3,
     .threat = "replayed status responses",
     .tags = SA_TAG_NETWORK,
     .needs = 0,
     .run = case_nonce},
    {.id = "CV-OCSP-07",
     .title = "OCSP: validity interval and freshness",
     .description =
         "thisUpdate <= producedAt, neither in the future (300 s skew), "
         "nextUpdate present and after now, and nextUpdate - thisUpdate "
         "between 8 hours and 10 days.",
     .remediation = "Set nextUpdate on every response and refresh "
                    "pre-signed responses per BR §4.9.9.",
     .refs =
         OCSP_REFS("RFC 6960 §4.2.2.1", "RFC 5019 §4", "CA/B Forum BR §4.9.9"),
     .impact = 3,
     .threat = "stale status accepted",
     .tags = SA_TAG_NETWORK,
     .needs = 0,
     .run = case_validity},
    {.id = "CV-OCSP-08",
     .title = "OCSP: latency",
     .description =
         "[ocsp] requests POSTs (default 20) of the same request, at most "
         "20 s in all; p50/p90/p99/max reported, every response must be "
         "successful and none slower than 10 s.",
     .remediation = "Provision the responder for its load.",
     .refs = OCSP_REFS("CA/B Forum BR §4.10.2"),
     .impact = 2,
     .threat = "revocation status unavailable",
     .tags = SA_TAG_NETWORK | SA_TAG_SLOW,
     .needs = 0,
     .run = case_latency},
};

const sa_case_group sa_certval_group_probes = {cases, SA_COUNTOF(cases)};
