/* The audited CA's own hierarchy (issue 5 part 3, catalogue §9 A.4, B, C):
 * the profile's [pki] section names the trust anchors, intermediates, issued
 * sample certificates and CRLs.
 *   CV-PKI-01  every sample builds and validates a path to the anchors
 *              (OpenSSL X509_verify_cert, CRLs of every certificate in the
 *              path when [pki] crls is given, at [pki] at or now); each
 *              chain is evidence;
 *   CV-PKI-02  certificate lints (cv_lint_cert.c);
 *   CV-PKI-03  CRL lints (cv_lint_crl.c).
 * A lint is one check over every artefact in its scope: its `what` starts
 * with a stable name in brackets and cites the rule; a failing check lists
 * the first offenders. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "sigaudit/buf.h"
#include "sigaudit/profile.h"

#include "cv_lint.h"
#include "cv_x509.h"
#include "suite.h"

/* Load [pki] or say why the case cannot run. */
static bool load(sa_case_ctx *ctx, sa_cv_pki *pki)
{
	const struct sa_profile *p = sa_case_profile(ctx);
	sa_error *err = sa_case_err(ctx);

	if (sa_profile_pki_path(p, "anchors") == NULL) {
		sa_case_skip(ctx, "the profile has no [pki] section (anchors, "
		                  "intermediates, certs, crls of the audited "
		                  "CA)");
		return false;
	}
	if (sa_cv_pki_load(pki, p, err) < 0) {
		sa_case_error(ctx, "[pki]: %s", err->msg);
		return false;
	}
	return true;
}

static void subject_line(sa_buf *b, X509 *x)
{
	char line[512];

	X509_NAME_oneline(X509_get_subject_name(x), line, sizeof(line));
	sa_buf_appendf(b, "  %s\n", line);
}

/* One sample through X509_verify_cert; the chain goes to the evidence. */
static void verify_one(sa_case_ctx *ctx, const sa_cv_pki *pki,
                       const sa_cv_pki_cert *c, STACK_OF(X509) * untrusted,
                       sa_buf *ev)
{
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *vctx = X509_STORE_CTX_new();
	X509_VERIFY_PARAM *param;
	char nbuf[48], what[SA_CV_PKI_NAME_MAX + 96];
	int ret, verr;
	bool setup = store != NULL && vctx != NULL;

	for (size_t i = 0; setup && i < pki->n_certs; i++) {
		if (pki->certs[i].role == SA_CV_PKI_ANCHOR)
			setup =
			    X509_STORE_add_cert(store, pki->certs[i].x) == 1;
	}
	for (size_t i = 0; setup && i < pki->n_crls; i++)
		setup = X509_STORE_add_crl(store, pki->crls[i].crl) == 1;
	setup = setup && X509_STORE_CTX_init(vctx, store, c->x, untrusted) == 1;
	if (!setup) {
		ERR_clear_error();
		sa_case_error(ctx, "%s: X509_STORE setup failed", c->name);
		goto out;
	}
	param = X509_STORE_CTX_get0_param(vctx);
	X509_VERIFY_PARAM_set_time(param, pki->at);
	if (pki->n_crls > 0)
		/* RFC 5280 §6.3: revocation of every certificate in the path,
		 * not only the leaf. */
		X509_VERIFY_PARAM_set_flags(
		    param, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
	ret = X509_verify_cert(vctx);
	verr = X509_STORE_CTX_get_error(vctx);
	ERR_clear_error();
	sa_buf_appendf(ev, "%s: %s (depth %d)\n", c->name,
	               ret == 1 ? "valid"
	                        : sa_cv_verr_name(verr, nbuf, sizeof(nbuf)),
	               X509_STORE_CTX_get_error_depth(vctx));
	{
		STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(vctx);
		for (int i = 0; i < sk_X509_num(chain); i++)
			subject_line(ev, sk_X509_value(chain, i));
	}
	snprintf(what, sizeof(what),
	         "[path] %s: RFC 5280 §6.1 path to the anchors validates%s",
	         c->name, pki->n_crls > 0 ? " (§6.3 CRLs of the path)" : "");
	sa_case_checkf(ctx, ret == 1, what, "X509_V_OK", "%s%s",
	               ret == 1 ? "X509_V_OK"
	                        : sa_cv_verr_name(verr, nbuf, sizeof(nbuf)),
	               ret == 1 ? "" : " (chain so far: evidence chains.txt)");
out:
	X509_STORE_CTX_free(vctx);
	X509_STORE_free(store);
}

static void run_paths(sa_case_ctx *ctx)
{
	sa_cv_pki pki;
	STACK_OF(X509) *untrusted = NULL;
	sa_buf ev = SA_BUF_INIT;
	size_t samples = 0;
	struct tm tm;
	char at[32];

	memset(&pki, 0, sizeof(pki));
	if (!load(ctx, &pki))
		goto out;
	untrusted = sk_X509_new_null();
	if (untrusted == NULL) {
		sa_case_error(ctx, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < pki.n_certs; i++) {
		if (pki.certs[i].role == SA_CV_PKI_INTERMEDIATE &&
		    sk_X509_push(untrusted, pki.certs[i].x) <= 0) {
			sa_case_error(ctx, "out of memory");
			goto out;
		}
	}
	gmtime_r(&pki.at, &tm);
	strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", &tm);
	sa_buf_appendf(&ev, "validation time: %s%s; CRLs: %zu\n", at,
	               pki.at_from_profile ? " ([pki] at)" : " (now)",
	               pki.n_crls);
	for (size_t i = 0; i < pki.n_certs; i++) {
		if (pki.certs[i].role != SA_CV_PKI_SAMPLE)
			continue;
		samples++;
		verify_one(ctx, &pki, &pki.certs[i], untrusted, &ev);
	}
	if (samples == 0) {
		sa_case_skip(ctx, "[pki] names no issued sample certificates "
		                  "(certs)");
		goto out;
	}
	if (sa_buf_ok(&ev))
		sa_case_evidence(ctx, "chains.txt", ev.data, ev.len);
out:
	sk_X509_free(untrusted); /* borrowed certificates */
	sa_buf_free(&ev);
	sa_cv_pki_free(&pki);
}

static void run_cert_lints(sa_case_ctx *ctx)
{
	sa_cv_pki pki;

	memset(&pki, 0, sizeof(pki));
	if (load(ctx, &pki))
		sa_cv_lint_certs(ctx, &pki);
	sa_cv_pki_free(&pki);
}

static void run_crl_lints(sa_case_ctx *ctx)
{
	sa_cv_pki pki;

	memset(&pki, 0, sizeof(pki));
	if (!load(ctx, &pki))
		goto out;
	if (pki.n_crls == 0) {
		sa_case_skip(ctx, "[pki] names no CRLs (crls)");
		goto out;
	}
	sa_cv_lint_crls(ctx, &pki);
out:
	sa_cv_pki_free(&pki);
}

static const sa_case cases[] = {
    {.id = "CV-PKI-01",
     .title = "Every issued sample builds and validates a path to the "
              "CA's trust anchors",
     .description =
         "Each certificate of [pki] certs is validated with OpenSSL "
         "X509_verify_cert against [pki] anchors, the intermediates as "
         "the untrusted pool, and, when [pki] crls is given, revocation "
         "checking of every certificate of the path (so every CA of the "
         "path needs a current CRL there), at [pki] at (or now). A sample that "
         "does not validate is what a relying party "
         "will reject. The chains are evidence (chains.txt).",
     .remediation = "Publish the intermediates and CRLs relying parties "
                    "need, keep them current, and issue certificates that "
                    "chain to the published anchors.",
     .refs = SA_REFS("RFC 5280 §6.1", "RFC 5280 §6.3",
                     "sigaudit catalogue certval §9 A.4"),
     .impact = 4,
     .threat = "certificates relying parties cannot validate",
     .tags = 0,
     .needs = 0,
     .mechs = NULL,
     .run = run_paths},
    {.id = "CV-PKI-02",
     .title = "Certificate lints over the CA hierarchy and its issued "
              "samples",
     .description =
         "Serial number size, entropy, uniqueness and non-sequence; "
         "validity order, encoding and lifetime; version; signature "
         "algorithm consistency; basicConstraints, pathLen, keyUsage, "
         "AKI/SKI on CAs; name chaining; key sizes and digest per policy; "
         "unknown critical extensions; TSA and OCSP-signer EKU. One check "
         "per lint, naming the offending certificates.",
     .remediation = "Fix the certificate profile of the CA system for "
                    "each failing lint and reissue the affected "
                    "certificates.",
     .refs = SA_REFS("RFC 5280 §4.1", "RFC 5280 §4.2", "CA/B Forum BR §7.1",
                     "RFC 3161 §2.3", "RFC 6960 §4.2.2.2",
                     "TT 15/2025 (unconfirmed)"),
     .impact = 3,
     .threat = "non-conforming certificate profile",
     .tags = 0,
     .needs = 0,
     .mechs = NULL,
     .run = run_cert_lints},
    {.id = "CV-PKI-03",
     .title = "CRL lints: issuer, signature, dates, number, AKI, reasons",
     .description =
         "Each CRL of [pki] crls: issued by a CA of the hierarchy and "
         "signed with its key, thisUpdate/nextUpdate present, ordered and "
         "current at the validation time, cRLNumber present and "
         "non-critical, AKI matching the CA's SKI, valid reason codes, no "
         "duplicate serials, v2 with extensions, no unknown critical "
         "extension.",
     .remediation = "Fix the CRL profile and the CRL issuing schedule of "
                    "the CA system.",
     .refs = SA_REFS("RFC 5280 §5.1", "RFC 5280 §5.2", "RFC 5280 §5.3.1",
                     "RFC 5280 §6.3.3"),
     .impact = 3,
     .threat = "revocation status relying parties cannot use",
     .tags = 0,
     .needs = 0,
     .mechs = NULL,
     .run = run_crl_lints},
};

const sa_case_group sa_certval_group_lints = {cases, SA_COUNTOF(cases)};
