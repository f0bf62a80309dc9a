/* CV-PKI-03: CRL lints over [pki] crls (catalogue §9 C, §7.2 C2-C3). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "cv_lint.h"

typedef void (*crl_fn)(sa_cv_lint *l, const sa_cv_pki *pki,
                       const sa_cv_pki_crl *c);

static X509_EXTENSION *crl_ext(X509_CRL *crl, int nid)
{
	int i = X509_CRL_get_ext_by_NID(crl, nid, -1);
	return i < 0 ? NULL : X509_CRL_get_ext(crl, i);
}

/* §5.1.2.3 / §6.3.3 (b): the issuer is a CA of the hierarchy. */
static void lint_issuer(sa_cv_lint *l, const sa_cv_pki *pki,
                        const sa_cv_pki_crl *c)
{
	bool v = false;

	if (sa_cv_pki_crl_issuer(pki, c->crl, &v) < 0)
		sa_cv_lint_bad(l, c->name, "issuer is no CA subject in [pki]");
	else
		sa_cv_lint_pass(l);
}

/* §6.3.3 (f)-(g): the signature verifies with the issuing CA's key, and
 * that CA may sign CRLs (§4.2.1.3 cRLSign). */
static void lint_signature(sa_cv_lint *l, const sa_cv_pki *pki,
                           const sa_cv_pki_crl *c)
{
	bool v = false;
	long iss = sa_cv_pki_crl_issuer(pki, c->crl, &v);

	if (iss < 0)
		return; /* reported by [crl-issuer] */
	if (!v)
		sa_cv_lint_bad(l, c->name,
		               "signature does not verify with the key of %s",
		               pki->certs[iss].name);
	else if ((X509_get_key_usage(pki->certs[iss].x) & KU_CRL_SIGN) == 0)
		sa_cv_lint_bad(l, c->name, "issuer %s lacks cRLSign",
		               pki->certs[iss].name);
	else
		sa_cv_lint_pass(l);
}

/* §5.1.2.4-5: thisUpdate; nextUpdate (conforming CAs MUST include it)
 * later than thisUpdate. */
static void lint_dates(sa_cv_lint *l, const sa_cv_pki *pki,
                       const sa_cv_pki_crl *c)
{
	const ASN1_TIME *tu = X509_CRL_get0_lastUpdate(c->crl);
	const ASN1_TIME *nu = X509_CRL_get0_nextUpdate(c->crl);

	(void)pki;
	if (tu == NULL || nu == NULL)
		sa_cv_lint_bad(l, c->name, "no %s",
		               tu == NULL ? "thisUpdate" : "nextUpdate");
	else if (ASN1_TIME_compare(tu, nu) != -1)
		sa_cv_lint_bad(l, c->name,
		               "nextUpdate is not after thisUpdate");
	else
		sa_cv_lint_pass(l);
}

/* §6.3.3 (a)(2) and §5.1.2.5: current at the validation time. */
static void lint_current(sa_cv_lint *l, const sa_cv_pki *pki,
                         const sa_cv_pki_crl *c)
{
	const ASN1_TIME *tu = X509_CRL_get0_lastUpdate(c->crl);
	const ASN1_TIME *nu = X509_CRL_get0_nextUpdate(c->crl);
	time_t at = pki->at;

	if (tu == NULL || nu == NULL)
		return; /* [crl-dates] */
	if (X509_cmp_time(tu, &at) > 0)
		sa_cv_lint_bad(l, c->name, "thisUpdate after %s",
		               pki->at_from_profile ? "[pki] at" : "now");
	else if (X509_cmp_time(nu, &at) <= 0)
		sa_cv_lint_bad(l, c->name, "expired: nextUpdate before %s",
		               pki->at_from_profile ? "[pki] at" : "now");
	else
		sa_cv_lint_pass(l);
}

/* §5.2.3: conforming CAs MUST include cRLNumber, non-critical, a
 * non-negative integer of at most 20 octets. */
static void lint_number(sa_cv_lint *l, const sa_cv_pki *pki,
                        const sa_cv_pki_crl *c)
{
	X509_EXTENSION *e = crl_ext(c->crl, NID_crl_number);
	ASN1_INTEGER *n;
	BIGNUM *bn = NULL;

	(void)pki;
	if (e == NULL) {
		sa_cv_lint_bad(l, c->name, "no cRLNumber");
		return;
	}
	if (X509_EXTENSION_get_critical(e)) {
		sa_cv_lint_bad(l, c->name, "cRLNumber critical");
		return;
	}
	n = X509_CRL_get_ext_d2i(c->crl, NID_crl_number, NULL, NULL);
	bn = n != NULL ? ASN1_INTEGER_to_BN(n, NULL) : NULL;
	if (bn == NULL)
		sa_cv_lint_bad(l, c->name, "cRLNumber does not decode");
	else if (BN_is_negative(bn) || BN_num_bits(bn) / 8 + 1 > 20)
		sa_cv_lint_bad(l, c->name, "cRLNumber negative or > 20 octets");
	else
		sa_cv_lint_pass(l);
	BN_free(bn);
	ASN1_INTEGER_free(n);
}

/* §5.2.1: conforming CAs MUST include the AKI in every CRL; its
 * keyIdentifier is the issuer's SKI (catalogue C2). */
static void lint_aki(sa_cv_lint *l, const sa_cv_pki *pki,
                     const sa_cv_pki_crl *c)
{
	AUTHORITY_KEYID *aki = X509_CRL_get_ext_d2i(
	    c->crl, NID_authority_key_identifier, NULL, NULL);
	bool v = false;
	long iss;
	ASN1_OCTET_STRING *ski = NULL;

	if (aki == NULL) {
		sa_cv_lint_bad(l, c->name, "no authorityKeyIdentifier");
		goto out;
	}
	if (aki->keyid == NULL) {
		sa_cv_lint_bad(l, c->name, "AKI without keyIdentifier");
		goto out;
	}
	iss = sa_cv_pki_crl_issuer(pki, c->crl, &v);
	if (iss >= 0)
		ski = X509_get_ext_d2i(pki->certs[iss].x,
		                       NID_subject_key_identifier, NULL, NULL);
	if (iss >= 0 &&
	    (ski == NULL || ASN1_OCTET_STRING_cmp(aki->keyid, ski) != 0))
		sa_cv_lint_bad(l, c->name, "AKI keyIdentifier != SKI of %s",
		               pki->certs[iss].name);
	else
		sa_cv_lint_pass(l);
out:
	ASN1_OCTET_STRING_free(ski);
	AUTHORITY_KEYID_free(aki);
}

/* §5.3.1: CRLReason values 0-6, 8-10 (7 is not used); unspecified (0)
 * SHOULD be expressed by leaving the extension out; removeFromCRL (8) only
 * in a delta CRL. */
static void lint_reasons(sa_cv_lint *l, const sa_cv_pki *pki,
                         const sa_cv_pki_crl *c)
{
	STACK_OF(X509_REVOKED) *rev = X509_CRL_get_REVOKED(c->crl);
	bool delta = crl_ext(c->crl, NID_delta_crl) != NULL;

	(void)pki;
	for (int i = 0; i < sk_X509_REVOKED_num(rev); i++) {
		X509_REVOKED *r = sk_X509_REVOKED_value(rev, i);
		int crit = 0;
		ASN1_ENUMERATED *e =
		    X509_REVOKED_get_ext_d2i(r, NID_crl_reason, &crit, NULL);
		long v;

		if (e == NULL) {
			if (crit != -1) { /* present but does not decode */
				sa_cv_lint_bad(l, c->name,
				               "entry %d: reasonCode does not "
				               "decode",
				               i);
				return;
			}
			continue;
		}
		v = ASN1_ENUMERATED_get(e);
		ASN1_ENUMERATED_free(e);
		if (v < 0 || v > 10 || v == 7 || v == 0 || (v == 8 && !delta)) {
			sa_cv_lint_bad(l, c->name, "entry %d: reasonCode %ld",
			               i, v);
			return;
		}
	}
	sa_cv_lint_pass(l);
}

static int cmp_int(const void *a, const void *b)
{
	return ASN1_INTEGER_cmp(*(const ASN1_INTEGER *const *)a,
	                        *(const ASN1_INTEGER *const *)b);
}

/* §5.1.2.6: each revoked certificate is identified by its serial, once. */
static void lint_duplicates(sa_cv_lint *l, const sa_cv_pki *pki,
                            const sa_cv_pki_crl *c)
{
	STACK_OF(X509_REVOKED) *rev = X509_CRL_get_REVOKED(c->crl);
	int n = sk_X509_REVOKED_num(rev);
	const ASN1_INTEGER **s;

	(void)pki;
	if (n <= 1) {
		sa_cv_lint_pass(l);
		return;
	}
	s = calloc((size_t)n, sizeof(*s));
	if (s == NULL) {
		sa_cv_lint_bad(l, c->name, "out of memory");
		return;
	}
	for (int i = 0; i < n; i++)
		s[i] = X509_REVOKED_get0_serialNumber(
		    sk_X509_REVOKED_value(rev, i));
	qsort(s, (size_t)n, sizeof(*s), cmp_int);
	for (int i = 1; i < n; i++) {
		if (ASN1_INTEGER_cmp(s[i], s[i - 1]) == 0) {
			sa_cv_lint_bad(l, c->name, "a serial listed twice");
			free(s);
			return;
		}
	}
	free(s);
	sa_cv_lint_pass(l);
}

/* §5.1.2.1: version MUST be v2 when extensions are used. */
static void lint_version(sa_cv_lint *l, const sa_cv_pki *pki,
                         const sa_cv_pki_crl *c)
{
	STACK_OF(X509_REVOKED) *rev = X509_CRL_get_REVOKED(c->crl);
	bool ext = X509_CRL_get_ext_count(c->crl) > 0;

	(void)pki;
	for (int i = 0; !ext && i < sk_X509_REVOKED_num(rev); i++)
		ext = X509_REVOKED_get_ext_count(
		          sk_X509_REVOKED_value(rev, i)) > 0;
	if (ext && X509_CRL_get_version(c->crl) != 1)
		sa_cv_lint_bad(l, c->name, "v%ld with extensions",
		               X509_CRL_get_version(c->crl) + 1);
	else
		sa_cv_lint_pass(l);
}

/* §5.2: a CRL with an unrecognised critical extension cannot be used. */
static void lint_unknown_critical(sa_cv_lint *l, const sa_cv_pki *pki,
                                  const sa_cv_pki_crl *c)
{
	(void)pki;
	for (int i = 0; i < X509_CRL_get_ext_count(c->crl); i++) {
		X509_EXTENSION *e = X509_CRL_get_ext(c->crl, i);
		int nid = OBJ_obj2nid(X509_EXTENSION_get_object(e));
		char oid[80];
		/* The ones RFC 5280 §5.2 defines and OpenSSL processes. */
		if (!X509_EXTENSION_get_critical(e) ||
		    nid == NID_issuing_distribution_point ||
		    nid == NID_delta_crl)
			continue;
		OBJ_obj2txt(oid, sizeof(oid), X509_EXTENSION_get_object(e), 1);
		sa_cv_lint_bad(l, c->name, "critical %s", oid);
		return;
	}
	sa_cv_lint_pass(l);
}

static const struct {
	const char *what;
	const char *expected;
	crl_fn fn;
} lints[] = {
    {"[crl-issuer] RFC 5280 §5.1.2.3, §6.3.3 (b) issuer equals the subject "
     "of a CA of the hierarchy",
     "issuer = a CA subject", lint_issuer},
    {"[crl-signature] RFC 5280 §6.3.3 (f)-(g), §4.2.1.3 signature verifies "
     "with the CA key, CA has cRLSign",
     "verifies, cRLSign", lint_signature},
    {"[crl-dates] RFC 5280 §5.1.2.4-5 thisUpdate and nextUpdate present, "
     "thisUpdate < nextUpdate",
     "both present, ordered", lint_dates},
    {"[crl-current] RFC 5280 §6.3.3 (a)(2) current at the validation time: "
     "thisUpdate <= at < nextUpdate",
     "not expired", lint_current},
    {"[crl-number] RFC 5280 §5.2.3 cRLNumber: present, non-critical, at "
     "most 20 octets",
     "cRLNumber present, non-critical", lint_number},
    {"[crl-aki] RFC 5280 §5.2.1 authorityKeyIdentifier: present, "
     "keyIdentifier = issuer's SKI",
     "AKI = issuer SKI", lint_aki},
    {"[crl-reasons] RFC 5280 §5.3.1 reasonCode: defined value, not 7, no "
     "explicit unspecified (0), removeFromCRL only in a delta",
     "valid reason codes", lint_reasons},
    {"[crl-duplicates] RFC 5280 §5.1.2.6 revokedCertificates: no serial "
     "listed twice",
     "serials unique", lint_duplicates},
    {"[crl-version] RFC 5280 §5.1.2.1 version: v2 when extensions are "
     "present",
     "v2", lint_version},
    {"[crl-unknown-critical] RFC 5280 §5.2 no unrecognised critical CRL "
     "extension",
     "none", lint_unknown_critical},
};

void sa_cv_lint_crls(sa_case_ctx *ctx, const sa_cv_pki *pki)
{
	for (size_t k = 0; k < SA_COUNTOF(lints); k++) {
		sa_cv_lint l;
		sa_cv_lint_begin(&l, lints[k].what, lints[k].expected);
		for (size_t i = 0; i < pki->n_crls; i++)
			lints[k].fn(&l, pki, &pki->crls[i]);
		sa_cv_lint_end(ctx, &l);
	}
}
