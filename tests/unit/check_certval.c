/* Unit tests of the certval engine and the x509-limbo parsers
 * (suites/certval/cv_x509.c, cv_limbo_parse.c, cv_limbo_ext.c,
 * cv_pkits_row.c): tables of bad inputs that must be refused with a reason,
 * never crash and never count as a validation result; and a few real paths
 * (PKITS certificates, when python3-cryptography-vectors is installed). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <jansson.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "cv_limbo.h"
#include "cv_pkits.h"
#include "cv_x509.h"

/* ---- time, names, policy sets ---- */

static const struct {
	const char *in;
	long long want; /* -1: must be refused */
} times[] = {
    {"2011-04-15T00:00:00Z", 1302825600},
    {"2024-01-01T00:00:00+00:00", 1704067200},
    {"2024-01-01T00:00:00.123Z", 1704067200},
    {"2024-01-01T01:00:00+01:00", 1704067200},
    {"1970-01-01T00:00:00Z", 0},
    {"2024-01-01", -1},
    {"2024-01-01T00:00:00", -1},
    {"2024-13-01T00:00:00Z", -1},
    {"2024-01-01T00:00:00Zjunk", -1},
    {"2024-01-01T00:00:00+0000", -1},
    {"2024-01-01T00:00:00.Z", -1},
    {"", -1},
    {"x024-01-01T00:00:00Z", -1},
};

START_TEST(test_parse_time)
{
	time_t t;
	int rc = sa_cv_parse_time(&t, times[_i].in);

	if (times[_i].want < 0) {
		ck_assert_msg(rc < 0, "'%s' accepted", times[_i].in);
	} else {
		ck_assert_msg(rc == 0, "'%s' refused", times[_i].in);
		ck_assert_int_eq((long long)t, times[_i].want);
	}
}
END_TEST

START_TEST(test_verr_names)
{
	char buf[32];

	ck_assert_str_eq(sa_cv_verr_name(X509_V_OK, buf, sizeof(buf)),
	                 "X509_V_OK");
	ck_assert_str_eq(
	    sa_cv_verr_name(X509_V_ERR_CERT_REVOKED, buf, sizeof(buf)),
	    "X509_V_ERR_CERT_REVOKED");
	/* 3.0 renumbered: 79 is INVALID_CA, 24 NO_ISSUER_PUBLIC_KEY. */
	ck_assert_str_eq(sa_cv_verr_name(79, buf, sizeof(buf)),
	                 "X509_V_ERR_INVALID_CA");
	ck_assert_str_eq(sa_cv_verr_name(24, buf, sizeof(buf)),
	                 "X509_V_ERR_NO_ISSUER_PUBLIC_KEY");
	ck_assert_str_eq(sa_cv_verr_name(9999, buf, sizeof(buf)),
	                 "X509_V_ERR_9999");
}
END_TEST

START_TEST(test_policy_sets)
{
	char out[512];

	ck_assert_int_eq(sa_cv_pkits_policy_set(out, sizeof(out),
	                                        "NIST-test-policy-2,"
	                                        "NIST-test-policy-1"),
	                 0);
	ck_assert_str_eq(out,
	                 "2.16.840.1.101.3.2.1.48.1,2.16.840.1.101.3.2.1.48.2");
	ck_assert_int_eq(sa_cv_pkits_policy_set(out, sizeof(out), "anyPolicy"),
	                 0);
	ck_assert_str_eq(out, "2.5.29.32.0");
	ck_assert_int_eq(sa_cv_pkits_policy_set(out, sizeof(out), ""), 0);
	ck_assert_str_eq(out, "");
	ck_assert_int_lt(
	    sa_cv_pkits_policy_set(out, sizeof(out), "NIST-test-policy-x"), 0);
	ck_assert_int_lt(sa_cv_pkits_policy_set(out, sizeof(out), "bogus"), 0);
	ck_assert_int_lt(
	    sa_cv_pkits_policy_set(out, sizeof(out), "NIST-test-policy-0"), 0);
}
END_TEST

/* ---- validator output ---- */

static const struct {
	const char *text;
	int want; /* -1 refused, else sa_cv_limbo_actual */
	const char *ctx;
} outputs[] = {
    {"{\"version\":1,\"results\":[{\"id\":\"t::a\",\"actual_result\":"
     "\"SUCCESS\",\"context\":null}]}",
     SA_CV_LIMBO_SUCCESS, ""},
    {"{\"results\":[{\"id\":\"x\",\"actual_result\":\"SUCCESS\"},{\"id\":"
     "\"t::a\",\"actual_result\":\"FAILURE\",\"context\":\"bad sig\"}]}",
     SA_CV_LIMBO_FAILURE, "bad sig"},
    {"{\"id\":\"t::a\",\"actual_result\":\"SKIPPED\",\"context\":\"n/a\"}",
     SA_CV_LIMBO_SKIPPED, "n/a"},
    {"{\"actual_result\":\"HANG\"}", SA_CV_LIMBO_HANG, ""},
    {"{\"actual_result\":\"FAILURE\",\"context\":\"a\\nb\\u0001\"}",
     SA_CV_LIMBO_FAILURE, "a?b?"},
    {"", -1, NULL},
    {"not json", -1, NULL},
    {"[1,2]", -1, NULL},
    {"\"SUCCESS\"", -1, NULL},
    {"{\"results\":{}}", -1, NULL},
    {"{\"results\":[]}", -1, NULL},
    {"{\"results\":[{\"id\":\"other\",\"actual_result\":\"SUCCESS\"}]}", -1,
     NULL},
    {"{\"results\":[1]}", -1, NULL},
    {"{\"actual_result\":\"success\"}", -1, NULL},
    {"{\"actual_result\":\"VALID\"}", -1, NULL},
    {"{\"actual_result\":1}", -1, NULL},
    {"{\"actual_result\":\"SUCCESS\",\"context\":5}", -1, NULL},
    {"{\"actual_result\":\"SUCCESS\",\"actual_result\":\"FAILURE\"}", -1, NULL},
    {"{}", -1, NULL},
};

START_TEST(test_parse_result)
{
	sa_cv_limbo_answer ans;
	sa_error err = SA_ERROR_INIT;
	int rc = sa_cv_limbo_parse_result(
	    &ans, outputs[_i].text, strlen(outputs[_i].text), "t::a", &err);

	if (outputs[_i].want < 0) {
		ck_assert_msg(rc < 0, "accepted: %s", outputs[_i].text);
		ck_assert_msg(err.msg[0] != '\0', "no reason for: %s",
		              outputs[_i].text);
		ck_assert_ptr_null(strchr(err.msg, '\n'));
	} else {
		ck_assert_msg(rc == 0, "refused (%s): %s", err.msg,
		              outputs[_i].text);
		ck_assert_int_eq(ans.actual, outputs[_i].want);
		ck_assert_str_eq(ans.context, outputs[_i].ctx);
	}
}
END_TEST

START_TEST(test_parse_result_size)
{
	sa_cv_limbo_answer ans;
	sa_error err = SA_ERROR_INIT;

	ck_assert_int_lt(sa_cv_limbo_parse_result(
	                     &ans, "{}", SA_CV_LIMBO_RESULT_MAX + 1, "x", &err),
	                 0);
	ck_assert_int_eq(err.code, SA_E_RANGE);
}
END_TEST

START_TEST(test_parse_result_policies)
{
	sa_cv_limbo_answer ans;
	sa_error err = SA_ERROR_INIT;
	static const char ok[] =
	    "{\"actual_result\":\"SUCCESS\",\"x-pkits\":{"
	    "\"user_constrained_policy_set\":[\"NIST-test-policy-2\","
	    "\"2.16.840.1.101.3.2.1.48.1\",\"NIST-test-policy-2\"]}}";
	static const char fail[] = "{\"actual_result\":\"FAILURE\"}";
	static const char *const bad[] = {
	    "{\"actual_result\":\"SUCCESS\",\"x-pkits\":{"
	    "\"user_constrained_policy_set\":\"x\"}}",
	    "{\"actual_result\":\"SUCCESS\",\"x-pkits\":{"
	    "\"user_constrained_policy_set\":[\"not an oid\"]}}",
	    "{\"actual_result\":\"SUCCESS\",\"x-pkits\":{"
	    "\"user_constrained_policy_set\":[1]}}",
	};

	ck_assert_int_eq(
	    sa_cv_limbo_parse_result(&ans, ok, strlen(ok), "t", &err), 0);
	ck_assert(ans.has_policies);
	ck_assert_str_eq(ans.policies,
	                 "2.16.840.1.101.3.2.1.48.1,2.16.840.1.101.3.2.1.48.2");
	ck_assert_int_eq(
	    sa_cv_limbo_parse_result(&ans, fail, strlen(fail), "t", &err), 0);
	ck_assert(!ans.has_policies);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(sa_cv_limbo_parse_result(
		                  &ans, bad[i], strlen(bad[i]), "t", &err) < 0,
		              "accepted %s", bad[i]);
}
END_TEST

/* ---- malformed testcases: refused with a reason, never validated ---- */

static const char *const bad_testcases[] = {
    "[]",
    "{}",
    "{\"id\":5}",
    "{\"id\":\"a\"}",
    "{\"id\":\"a\",\"validation_kind\":\"PEER\"}",
    "{\"id\":\"a\",\"validation_kind\":\"SERVER\"}",
    "{\"id\":\"a\",\"validation_kind\":\"SERVER\",\"peer_certificate\":1}",
    "{\"id\":\"a\",\"validation_kind\":\"SERVER\",\"peer_certificate\":"
    "\"-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----\\n\"}",
    "{\"id\":\"a\",\"validation_kind\":\"SERVER\",\"peer_certificate\":"
    "\"garbage\"}",
};

START_TEST(test_bad_testcases)
{
	json_t *tc = json_loads(bad_testcases[_i], JSON_DECODE_ANY, NULL);
	sa_cv_req req;
	sa_error err = SA_ERROR_INIT;
	char why[128];
	json_t *res;

	ck_assert_ptr_nonnull(tc);
	ck_assert_int_lt(sa_cv_limbo_req(&req, tc, why, sizeof(why), &err), 0);
	ck_assert_msg(err.msg[0] != '\0', "no reason for %s",
	              bad_testcases[_i]);
	ck_assert_ptr_null(req.leaf);
	res = sa_cv_limbo_eval(tc);
	ck_assert_ptr_nonnull(res);
	ck_assert_str_eq(
	    json_string_value(json_object_get(res, "actual_result")),
	    "SKIPPED");
	json_decref(res);
	json_decref(tc);
}
END_TEST

/* ---- real paths: PKITS 4.1.1 as a limbo testcase ---- */

static char *pem_of(const char *name)
{
	char path[1024];
	X509 *x = NULL;
	sa_error err = SA_ERROR_INIT;
	BIO *b = BIO_new(BIO_s_mem());
	char *data, *out;
	long n;

	snprintf(path, sizeof(path), "%s/certs/%s.crt", SA_PKITS_DATA_DIR,
	         name);
	ck_assert_msg(sa_cv_load_cert(&x, path, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(PEM_write_bio_X509(b, x), 1);
	n = BIO_get_mem_data(b, &data);
	out = strndup(data, (size_t)n);
	BIO_free(b);
	X509_free(x);
	return out;
}

static bool have_pkits(void)
{
	return access(SA_PKITS_DATA_DIR "/certs/GoodCACert.crt", R_OK) == 0;
}

static json_t *pkits_testcase(void)
{
	char *ta = pem_of("TrustAnchorRootCertificate");
	char *ca = pem_of("GoodCACert");
	char *ee = pem_of("ValidCertificatePathTest1EE");
	json_t *tc = json_pack(
	    "{s:s, s:s, s:[s], s:[s], s:s, s:s, s:s, s:n, s:[], s:[], s:[]}",
	    "id", "pkits::4.1.1", "validation_kind", "SERVER", "trusted_certs",
	    ta, "untrusted_intermediates", ca, "peer_certificate", ee,
	    "validation_time", "2011-04-15T00:00:00Z", "expected_result",
	    "SUCCESS", "expected_peer_name", "signature_algorithms",
	    "key_usage", "extended_key_usage");

	free(ta);
	free(ca);
	free(ee);
	ck_assert_ptr_nonnull(tc);
	return tc;
}

static const char *eval_actual(const json_t *tc, json_t **res)
{
	const char *a;

	*res = sa_cv_limbo_eval(tc);
	ck_assert_ptr_nonnull(*res);
	a = json_string_value(json_object_get(*res, "actual_result"));
	ck_assert_ptr_nonnull(a);
	/* Say why when a test below fails. */
	fprintf(stderr, "%s: %s (%s)\n", sa_cv_limbo_id(tc), a,
	        json_string_value(json_object_get(*res, "context")));
	return a;
}

START_TEST(test_limbo_pkits_path)
{
	json_t *tc, *res, *xp;

	if (!have_pkits())
		return; /* python3-cryptography-vectors not installed */
	tc = pkits_testcase();
	ck_assert_str_eq(eval_actual(tc, &res), "SUCCESS");
	json_decref(res);

	/* The wrong host name fails (RFC 6125 §6.4). */
	json_object_set_new(
	    tc, "expected_peer_name",
	    json_pack("{s:s, s:s}", "kind", "DNS", "value", "example.com"));
	ck_assert_str_eq(eval_actual(tc, &res), "FAILURE");
	ck_assert_str_eq(json_string_value(json_object_get(res, "context")),
	                 "X509_V_ERR_HOSTNAME_MISMATCH");
	json_decref(res);
	json_object_set_new(tc, "expected_peer_name", json_null());

	/* Without the intermediate there is no path. */
	json_object_set_new(tc, "untrusted_intermediates", json_array());
	ck_assert_str_eq(eval_actual(tc, &res), "FAILURE");
	json_decref(res);
	json_decref(tc);

	/* x-pkits: the user-constrained set comes back; an initial set the
	 * path does not carry fails under explicit policy (RFC 5280 §6.1.5). */
	tc = pkits_testcase();
	xp = json_pack("{s:[s]}", "initial_policy_set",
	               "2.16.840.1.101.3.2.1.48.1");
	json_object_set_new(tc, "x-pkits", xp);
	ck_assert_str_eq(eval_actual(tc, &res), "SUCCESS");
	ck_assert_str_eq(json_string_value(json_array_get(
	                     json_object_get(json_object_get(res, "x-pkits"),
	                                     "user_constrained_policy_set"),
	                     0)),
	                 "2.16.840.1.101.3.2.1.48.1");
	json_decref(res);
	json_object_set_new(tc, "x-pkits",
	                    json_pack("{s:[s], s:b}", "initial_policy_set",
	                              "NIST-test-policy-2",
	                              "initial_explicit_policy", 1));
	ck_assert_str_eq(eval_actual(tc, &res), "FAILURE");
	ck_assert_str_eq(json_string_value(json_object_get(res, "context")),
	                 "X509_V_ERR_NO_EXPLICIT_POLICY");
	json_decref(res);
	/* A bad x-pkits field is a malformed testcase, not a failure. */
	json_object_set_new(
	    tc, "x-pkits",
	    json_pack("{s:s}", "initial_explicit_policy", "yes"));
	ck_assert_str_eq(eval_actual(tc, &res), "SKIPPED");
	json_decref(res);
	json_decref(tc);
}
END_TEST

START_TEST(test_limbo_unaskable)
{
	json_t *tc, *res;

	if (!have_pkits())
		return;
	tc = pkits_testcase();
	json_object_set_new(tc, "signature_algorithms",
	                    json_pack("[s]", "RSASSA_PKCS1V15_WITH_SHA256"));
	ck_assert_str_eq(eval_actual(tc, &res), "SKIPPED");
	json_decref(res);
	json_object_set_new(tc, "signature_algorithms", json_array());
	json_object_set_new(tc, "extended_key_usage",
	                    json_pack("[s]", "codeSigning"));
	ck_assert_str_eq(eval_actual(tc, &res), "SKIPPED");
	json_decref(res);
	json_decref(tc);
}
END_TEST

/* ---- the harness protocol over streams ---- */

static char *harness_on(const char *input, int *rc)
{
	FILE *in = fmemopen((void *)input, strlen(input), "r");
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	FILE *errf = fopen("/dev/null", "w");

	ck_assert_ptr_nonnull(in);
	ck_assert_ptr_nonnull(out);
	*rc = sa_cv_limbo_harness(in, out, errf);
	fclose(in);
	fclose(out);
	fclose(errf);
	return buf;
}

START_TEST(test_harness_protocol)
{
	int rc;
	char *out;
	json_t *doc, *tc;

	out = harness_on("not json", &rc);
	ck_assert_int_lt(rc, 0);
	free(out);
	out = harness_on("{\"version\":1}", &rc);
	ck_assert_int_lt(rc, 0);
	free(out);
	out = harness_on("{\"version\":1,\"testcases\":{}}", &rc);
	ck_assert_int_lt(rc, 0);
	free(out);
	/* A malformed testcase is a SKIPPED result, exit 0. */
	out = harness_on("{\"version\":1,\"testcases\":[{\"id\":\"a\"}]}", &rc);
	ck_assert_int_eq(rc, 0);
	doc = json_loads(out, 0, NULL);
	ck_assert_ptr_nonnull(doc);
	ck_assert_int_eq(json_integer_value(json_object_get(doc, "version")),
	                 1);
	ck_assert_str_eq(json_string_value(json_object_get(
	                     json_array_get(json_object_get(doc, "results"), 0),
	                     "actual_result")),
	                 "SKIPPED");
	json_decref(doc);
	free(out);
	if (!have_pkits())
		return;
	tc = pkits_testcase();
	doc = json_pack("{s:i, s:[o]}", "version", 1, "testcases", tc);
	{
		char *in = json_dumps(doc, 0);
		out = harness_on(in, &rc);
		free(in);
	}
	json_decref(doc);
	ck_assert_int_eq(rc, 0);
	doc = json_loads(out, 0, NULL);
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(json_string_value(json_object_get(
	                     json_array_get(json_object_get(doc, "results"), 0),
	                     "actual_result")),
	                 "SUCCESS");
	json_decref(doc);
	free(out);
}
END_TEST

/* ---- external validators ---- */

static const struct {
	const char *cmd;
	int want; /* >= 0 actual; < 0 the error code */
} validators[] = {
    {"cat >/dev/null; echo '{\"results\":[{\"id\":\"t::a\","
     "\"actual_result\":\"FAILURE\",\"context\":\"no\"}]}'",
     SA_CV_LIMBO_FAILURE},
    /* It need not read its input to answer. */
    {"echo '{\"actual_result\":\"SUCCESS\"}'", SA_CV_LIMBO_SUCCESS},
    {"cat >/dev/null; echo nonsense", SA_E_PARSE},
    {"cat >/dev/null", SA_E_PARSE},
    {"echo oops >&2; exit 3", SA_E_CHILD},
    {"kill -9 $$", SA_E_CHILD},
    {"sleep 30", SA_E_TIMEOUT},
    {"exec 1>&-; sleep 30", SA_E_TIMEOUT},
    {"/nonexistent/validator", SA_E_CHILD},
    {"yes '{}'", SA_E_RANGE},
};

START_TEST(test_external)
{
	json_t *tc =
	    json_pack("{s:s, s:s}", "id", "t::a", "expected_result", "SUCCESS");
	sa_cv_limbo_answer ans;
	sa_error err = SA_ERROR_INIT;
	int rc = sa_cv_limbo_ext_run(&ans, validators[_i].cmd, tc, 1500, &err);

	if (validators[_i].want >= 0) {
		ck_assert_msg(rc == 0, "%s: %s", validators[_i].cmd, err.msg);
		ck_assert_int_eq(ans.actual, validators[_i].want);
	} else {
		ck_assert_msg(rc == validators[_i].want, "%s: rc %d (%s)",
		              validators[_i].cmd, rc, err.msg);
		ck_assert(err.msg[0] != '\0');
	}
	json_decref(tc);
}
END_TEST

START_TEST(test_external_large_input)
{
	/* A testcase larger than a pipe buffer, to a validator that reads it
	 * all before answering: the runner must not deadlock. */
	json_t *tc = json_pack("{s:s, s:s%}", "id", "t::big", "description", "",
	                       (size_t)0);
	char *big = malloc(300000);
	sa_cv_limbo_answer ans;
	sa_error err = SA_ERROR_INIT;

	ck_assert_ptr_nonnull(big);
	memset(big, 'x', 299999);
	big[299999] = '\0';
	json_object_set_new(tc, "description", json_string(big));
	free(big);
	ck_assert_int_eq(
	    sa_cv_limbo_ext_run(&ans,
	                        "wc -c >/dev/null; echo "
	                        "'{\"actual_result\":\"FAILURE\"}'",
	                        tc, 5000, &err),
	    0);
	ck_assert_int_eq(ans.actual, SA_CV_LIMBO_FAILURE);
	json_decref(tc);
}
END_TEST

static Suite *certval_suite(void)
{
	Suite *s = suite_create("certval");
	TCase *tc = tcase_create("parse");

	tcase_add_loop_test(tc, test_parse_time, 0,
	                    (int)(sizeof(times) / sizeof(times[0])));
	tcase_add_test(tc, test_verr_names);
	tcase_add_test(tc, test_policy_sets);
	tcase_add_loop_test(tc, test_parse_result, 0,
	                    (int)(sizeof(outputs) / sizeof(outputs[0])));
	tcase_add_test(tc, test_parse_result_size);
	tcase_add_test(tc, test_parse_result_policies);
	tcase_add_loop_test(
	    tc, test_bad_testcases, 0,
	    (int)(sizeof(bad_testcases) / sizeof(bad_testcases[0])));
	suite_add_tcase(s, tc);

	tc = tcase_create("engine");
	tcase_add_test(tc, test_limbo_pkits_path);
	tcase_add_test(tc, test_limbo_unaskable);
	tcase_add_test(tc, test_harness_protocol);
	suite_add_tcase(s, tc);

	tc = tcase_create("external");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_external, 0,
	                    (int)(sizeof(validators) / sizeof(validators[0])));
	tcase_add_test(tc, test_external_large_input);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(certval_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
