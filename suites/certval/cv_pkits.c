/* NIST PKITS v1.0.1 path-validation conformance (catalogue §3), one case per
 * PKITS section (PKITS-4.1 ... PKITS-4.16) so that agreement per section is
 * a verdict of its own in results.json and junit.xml.
 *
 * Inputs: the expected table pkits.json ([vectors] pkits, a file or the
 * directory holding it) and the certificates and CRLs of
 * <cavp>/x509/PKITS_data/{certs,crls} ([vectors] cavp, default Debian's
 * python3-cryptography-vectors). The engine under test (role TARGET) is
 * OpenSSL X509_verify_cert with CRL checking of every certificate, extended
 * CRLs, deltas and policy checking at 2011-04-15T00:00:00Z, the row's four
 * initial settings (RFC 5280 §6.1.1 (c), (e), (f), (g)). Each section runs:
 *   pkits/<s>                       the rows, expected VALID/INVALID;
 *   pkits/<s> user-constrained-policy-set
 *                                   the set OpenSSL reports for every row
 *                                   expected VALID that it accepted, against
 *                                   the table (RFC 5280 §6.1.6 (g));
 *   pkits/<s> (reference block)     the same rows with X509_V_FLAG_X509_STRICT,
 *                                   reported beside the target, not judged.
 * Never bend the expectations to the engine (DESIGN): a known OpenSSL
 * deviation stays a disagreement; a profile waiver may explain it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/x509.h>

#include "sigaudit/profile.h"
#include "sigaudit/vectors.h"

#include "cv_pkits.h"
#include "cv_x509.h"
#include "suite.h"

#define CV_ANY_POLICY "2.5.29.32.0"
#define CV_NIST_TEST  "2.16.840.1.101.3.2.1.48."

/* The reverse, for messages: a dotted OID under the NIST test arc or
 * anyPolicy back to its PKITS name. */
static void policy_name(char *out, size_t size, const char *oid)
{
	if (strcmp(oid, CV_ANY_POLICY) == 0)
		snprintf(out, size, "anyPolicy");
	else if (strncmp(oid, CV_NIST_TEST, sizeof(CV_NIST_TEST) - 1) == 0)
		snprintf(out, size, "NIST-test-policy-%s",
		         oid + sizeof(CV_NIST_TEST) - 1);
	else
		snprintf(out, size, "%s", oid);
}

/* "{NIST-test-policy-1,NIST-test-policy-2}" from a set of dotted OIDs. */
static void set_names(char *out, size_t size, const char *oids)
{
	char copy[512], name[96];
	char *save = NULL, *tok;
	size_t used = 1;

	snprintf(out, size, "{");
	snprintf(copy, sizeof(copy), "%s", oids);
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		policy_name(name, sizeof(name), tok);
		int w = snprintf(out + used, size - used, "%s%s",
		                 used > 1 ? "," : "", name);
		if (w < 0 || (size_t)w >= size - used)
			return;
		used += (size_t)w;
	}
	snprintf(out + used, size - used, "}");
}

static sa_vec_expect expect_of(const json_t *row)
{
	const char *e = json_string_value(json_object_get(row, "expected"));
	return e != NULL && strcmp(e, "VALID") == 0 ? SA_VEC_VALID
	                                            : SA_VEC_INVALID;
}

/* The user-constrained policy set of one row the engine accepted. */
static void policy_result(sa_vec_run *run, const json_t *row, const char *id,
                          const char *flags, const sa_cv_res *res)
{
	const char *want = json_string_value(
	    json_object_get(row, "user_constrained_policy_set"));
	char want_oids[512], want_s[600], got_s[600], fl[700];

	if (want == NULL ||
	    sa_cv_pkits_policy_set(want_oids, sizeof(want_oids), want) < 0) {
		sa_vec_result(run, id, SA_VEC_VALID, SA_VEC_ERROR, flags,
		              "bad user_constrained_policy_set in the table");
		return;
	}
	if (!res->policies_known) {
		sa_vec_skip(run, id, "no policy tree to read the set from");
		return;
	}
	set_names(want_s, sizeof(want_s), want_oids);
	set_names(got_s, sizeof(got_s), res->policies);
	snprintf(fl, sizeof(fl), "%s,expected %s", flags, want_s);
	/* seen ACCEPTED = the set the engine reports is the expected one. */
	sa_vec_result(run, id, SA_VEC_VALID,
	              strcmp(want_oids, res->policies) == 0 ? SA_VEC_ACCEPTED
	                                                    : SA_VEC_REJECTED,
	              fl, got_s);
}

static const char *section_of(const char *case_id)
{
	static const char prefix[] = "PKITS-";
	return strncmp(case_id, prefix, sizeof(prefix) - 1) == 0
	           ? case_id + sizeof(prefix) - 1
	           : case_id;
}

/* One pass over the section's rows with one engine mode; pol (may be NULL)
 * gets the policy-set comparison of the rows expected VALID and accepted. */
static size_t pass(sa_vec_run *run, sa_vec_run *pol, const json_t *rows,
                   const char *sec, const char *data, bool strict,
                   sa_cv_pkits_cache *cache)
{
	sa_error err = SA_ERROR_INIT;
	sa_cv_req req;
	sa_cv_res res;
	char nbuf[32];
	size_t i, n_rows = 0;
	json_t *row;

	json_array_foreach(rows, i, row)
	{
		const char *id = json_string_value(json_object_get(row, "id"));
		const char *rs =
		    json_string_value(json_object_get(row, "section"));
		sa_vec_expect exp = expect_of(row);

		if (id == NULL || rs == NULL || strcmp(rs, sec) != 0)
			continue;
		n_rows++;
		sa_error_clear(&err);
		if (sa_cv_pkits_req(&req, row, data, strict, cache, &err) < 0 ||
		    sa_cv_x509_verify(&res, &req, &err) < 0) {
			sa_vec_result(run, id, exp, SA_VEC_ERROR, rs, err.msg);
			sa_cv_req_clear(&req);
			continue;
		}
		sa_vec_result(run, id, exp,
		              res.accepted ? SA_VEC_ACCEPTED : SA_VEC_REJECTED,
		              rs,
		              sa_cv_verr_name(res.verr, nbuf, sizeof(nbuf)));
		if (pol != NULL && exp == SA_VEC_VALID && res.accepted)
			policy_result(pol, row, id, rs, &res);
		sa_cv_req_clear(&req);
	}
	return n_rows;
}

static void run_section(sa_case_ctx *ctx)
{
	const char *sec = section_of(sa_case_get(ctx)->id);
	char table[4096], data[4096], why[4400], src[96], src_pol[128],
	    eng[160], eng_strict[160];
	json_t *root = NULL, *rows;
	json_error_t jerr;
	sa_vec_run *run, *pol;
	sa_cv_pkits_cache *cache = NULL;
	size_t n_rows;

	if (sa_cv_pkits_locate(table, sizeof(table), data, sizeof(data),
	                       sa_case_profile(ctx), why, sizeof(why)) < 0) {
		sa_case_skip(ctx, "%s", why);
		return;
	}
	root = json_load_file(table, JSON_REJECT_DUPLICATES, &jerr);
	rows = json_object_get(root, "testcases");
	if (root == NULL || !json_is_array(rows)) {
		sa_case_error(ctx, "%s: %s", table,
		              root == NULL ? jerr.text
		                           : "no \"testcases\" array");
		json_decref(root);
		return;
	}
	cache = sa_cv_pkits_cache_new();
	snprintf(src, sizeof(src), "pkits/%s", sec);
	snprintf(src_pol, sizeof(src_pol),
	         "pkits/%s user-constrained-policy-set", sec);
	sa_cv_engine_name(eng, sizeof(eng), NULL);
	sa_cv_engine_name(eng_strict, sizeof(eng_strict),
	                  "+X509_V_FLAG_X509_STRICT");

	/* The target: the flags of catalogue §3 and the row's settings. */
	run = sa_vec_begin(ctx, src, SA_VEC_TARGET, eng);
	pol = sa_vec_begin(ctx, src_pol, SA_VEC_TARGET, eng);
	n_rows = pass(run, pol, rows, sec, data, false, cache);
	sa_vec_end(run);
	if (sa_vec_count_total(pol) == 0)
		sa_case_note(ctx, "%s: no accepted VALID row to compare",
		             src_pol);
	sa_vec_end(pol);
	/* Strict mode beside it, reported as measured: X509_STRICT adds
	 * RFC 5280 profile checks (§4.2.1.9 basicConstraints critical in CA
	 * certificates, ...) that PKITS path validation does not ask for, so
	 * it does not judge the section. */
	run = sa_vec_begin(ctx, src, SA_VEC_REFERENCE, eng_strict);
	pass(run, NULL, rows, sec, data, true, cache);
	sa_vec_end(run);

	if (n_rows == 0)
		sa_case_error(ctx, "%s: no rows for section %s", table, sec);
	sa_case_note(ctx,
	             "%zu rows at 2011-04-15T00:00:00Z; flags CRL_CHECK "
	             "CRL_CHECK_ALL EXTENDED_CRL_SUPPORT USE_DELTAS "
	             "POLICY_CHECK (+ EXPLICIT_POLICY, INHIBIT_MAP, "
	             "INHIBIT_ANY per row); reference block = the same with "
	             "X509_STRICT",
	             n_rows);
	sa_cv_pkits_cache_free(cache);
	json_decref(root);
}

#define PKITS_REFS(s)                                                          \
	SA_REFS("NIST PKITS v1.0.1 §" s, "RFC 5280 §6.1", "RFC 5280 §6.3")
#define PKITS_CASE(s, ttl, desc)                                               \
	{                                                                      \
		.id = "PKITS-" s, .title = "PKITS " s " " ttl,                 \
		.description = desc                                            \
		    " Every row of PKITS section " s                           \
		    " with its initial policy "                                \
		    "settings through the validation engine at a fixed time, " \
		    "expected VALID/INVALID and the user-constrained policy "  \
		    "set from pkits.json; disagreements listed with the "      \
		    "engine's X509_V_ERR_* name.",                             \
		.remediation =                                                 \
		    "Fix the path-validation engine where it departs "         \
		    "from RFC 5280 §6, or waive the row with a "              \
		    "justification in the profile.",                           \
		.refs = PKITS_REFS(s), .impact = 4,                            \
		.threat = "forged or revoked certificate accepted", .tags = 0, \
		.needs = 0, .mechs = NULL, .run = run_section                  \
	}

static const sa_case cases[] = {
    PKITS_CASE("4.1", "Signature Verification",
               "RSA and DSA signatures, DSA parameter inheritance."),
    PKITS_CASE("4.2", "Validity Periods",
               "notBefore/notAfter in UTCTime and GeneralizedTime."),
    PKITS_CASE("4.3", "Verifying Name Chaining",
               "Issuer/subject chaining: whitespace, case, UIDs, "
               "string types."),
    PKITS_CASE("4.4", "Basic Certificate Revocation",
               "CRLs for every certificate: revoked, missing, stale, "
               "badly signed."),
    PKITS_CASE("4.5", "Paths with Self-Issued Certificates",
               "Key rollover and separate CRL signing keys."),
    PKITS_CASE("4.6", "Basic Constraints",
               "cA flag and pathLenConstraint, self-issued certificates."),
    PKITS_CASE("4.7", "Key Usage", "keyCertSign and cRLSign."),
    PKITS_CASE("4.8", "Certificate Policies",
               "Policy processing with several initial settings."),
    PKITS_CASE("4.9", "Require Explicit Policy",
               "requireExplicitPolicy in policyConstraints."),
    PKITS_CASE("4.10", "Policy Mappings",
               "policyMappings, including the two extra variants of "
               "4.10.13."),
    PKITS_CASE("4.11", "Inhibit Policy Mapping",
               "inhibitPolicyMapping in policyConstraints."),
    PKITS_CASE("4.12", "Inhibit Any Policy",
               "inhibitAnyPolicy and initial-any-policy-inhibit."),
    PKITS_CASE("4.13", "Name Constraints",
               "DN, RFC 822, DNS and URI name constraints."),
    PKITS_CASE("4.14", "Distribution Points",
               "CRL distribution points, issuing distribution points, "
               "onlySomeReasons, indirect CRLs."),
    PKITS_CASE("4.15", "Delta-CRLs", "Delta CRLs."),
    PKITS_CASE("4.16", "Private Certificate Extensions",
               "Unknown critical extension."),
};

const sa_case_group sa_certval_group_pkits = {cases, SA_COUNTOF(cases)};
