/* results.json and junit.xml (results.c, junit.c): summary counts, strict
 * vs lenient conformance, atomic write and schema-checked load, the JUnit
 * mapping of each verdict, and XML escaping of hostile strings. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "results.h"
#include "util.h"

static json_t *rec(const char *id, const char *verdict, const char *conf,
                   const char *reason)
{
	json_t *r = json_pack(
	    "{s:s, s:s, s:s, s:s, s:i, s:[{s:s, s:s, s:s, s:b}]}", "id", id,
	    "suite", "pkcs11", "title", "title <&> \"q\"", "verdict", verdict,
	    "duration_ms", 12, "checks", "what", "w<1>", "expected", "CKR_OK",
	    "observed", "CKR_GENERAL_ERROR", "ok", 0);
	if (conf)
		json_object_set_new(r, "conformance", json_string(conf));
	if (reason)
		json_object_set_new(r, "reason", json_string(reason));
	return r;
}

static json_t *sample(void)
{
	json_t *doc = sa_results_new(NULL, 1795435200);
	ck_assert_ptr_nonnull(doc);
	sa_results_add_case(doc, rec("A-1", "pass", "strict", NULL));
	sa_results_add_case(doc, rec("A-2", "pass", "lenient", NULL));
	sa_results_add_case(doc, rec("A-3", "fail", "none", "bad & worse"));
	sa_results_add_case(doc, rec("A-4", "error", NULL, "crashed"));
	sa_results_add_case(doc, rec("A-5", "skip", NULL, "no mech"));
	sa_results_add_case(doc, rec("A-6", "waived", "none", "known"));
	sa_results_add_case(doc, rec("A-7", "info", NULL, NULL));
	{
		json_t *v = rec("A-8", "pass", "strict", NULL);
		json_object_set_new(v, "vectors",
		                    json_pack("{s:i, s:i, s:i}", "total", 12,
		                              "agree", 12, "disagree", 0));
		sa_results_add_case(doc, v);
	}
	sa_results_finish(doc, 1795435231);
	return doc;
}

START_TEST(test_summary)
{
	json_t *doc = sample();
	ck_assert_int_eq(sa_results_count(doc, "pass"), 3);
	ck_assert_int_eq(sa_results_count(doc, "fail"), 1);
	ck_assert_int_eq(sa_results_count(doc, "error"), 1);
	ck_assert_int_eq(sa_results_count(doc, "skip"), 1);
	ck_assert_int_eq(sa_results_count(doc, "waived"), 1);
	ck_assert_int_eq(sa_results_count(doc, "info"), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(
	                     json_object_get(doc, "conformance"), "strict")),
	                 2);
	ck_assert_int_eq(json_integer_value(json_object_get(
	                     json_object_get(doc, "conformance"), "lenient")),
	                 1);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "schema")),
	                 "sigaudit-results/1");
	ck_assert_str_eq(json_string_value(json_object_get(doc, "started")),
	                 "2026-11-23T12:00:00Z");
	ck_assert_str_eq(json_string_value(json_object_get(doc, "finished")),
	                 "2026-11-23T12:00:31Z");
	json_decref(doc);
}
END_TEST

START_TEST(test_roundtrip_and_junit)
{
	char tmpl[] = "/tmp/sa-check-results-XXXXXX", path[512];
	json_t *doc = sample(), *back = NULL;
	sa_error err = SA_ERROR_INIT;
	char *xml = NULL;
	size_t len = 0;

	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	ck_assert_int_eq(sa_results_write(doc, tmpl, &err), SA_OK);
	ck_assert_int_eq(sa_results_load(&back, tmpl, &err), SA_OK);
	ck_assert(json_equal(doc, back));

	snprintf(path, sizeof(path), "%s/junit.xml", tmpl);
	ck_assert_int_eq(sa_junit_write(back, path, &err), SA_OK);
	ck_assert_int_eq(sa_read_file(&xml, &len, path, 1 << 20, &err), SA_OK);
	ck_assert_ptr_nonnull(strstr(xml, "tests=\"8\" failures=\"1\" "
	                                  "errors=\"1\" skipped=\"2\""));
	ck_assert_ptr_nonnull(strstr(xml, "<failure type=\"fail\" "
	                                  "message=\"bad &amp; worse\">"));
	ck_assert_ptr_nonnull(strstr(xml, "<error type=\"error\""));
	ck_assert_ptr_nonnull(
	    strstr(xml, "<skipped message=\"waived: known\"/>"));
	ck_assert_ptr_nonnull(strstr(xml, "<skipped message=\"no mech\"/>"));
	ck_assert_ptr_nonnull(strstr(xml, "title &lt;&amp;&gt; &quot;q&quot;"));
	ck_assert_ptr_nonnull(strstr(xml, "check: w&lt;1&gt;"));
	ck_assert_ptr_null(strstr(xml, "<&>"));
	/* a data-driven case's counts are properties of its testcase */
	ck_assert_ptr_nonnull(
	    strstr(xml, "<property name=\"vectors.total\" value=\"12\"/>"));
	ck_assert_ptr_nonnull(
	    strstr(xml, "<property name=\"vectors.disagree\" value=\"0\"/>"));
	free(xml);
	unlink(path);
	snprintf(path, sizeof(path), "%s/results.json", tmpl);
	unlink(path);
	rmdir(tmpl);
	json_decref(back);
	json_decref(doc);
}
END_TEST

START_TEST(test_load_rejects_other_schema)
{
	char tmpl[] = "/tmp/sa-check-results-XXXXXX", path[512];
	sa_error err = SA_ERROR_INIT;
	json_t *back = NULL;
	static const char *bad[] = {
	    "{\"schema\":\"sigaudit-results/2\",\"cases\":[],\"summary\":{}}",
	    "{\"cases\":[]}",
	    "not json",
	    "{\"schema\":\"sigaudit-results/1\",\"cases\":{},\"summary\":{}}",
	};

	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	snprintf(path, sizeof(path), "%s/results.json", tmpl);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(
		    sa_write_file(path, bad[i], strlen(bad[i]), &err), SA_OK);
		ck_assert_int_eq(sa_results_load(&back, tmpl, &err),
		                 SA_E_PARSE);
		ck_assert_ptr_null(back);
		ck_assert_ptr_nonnull(strstr(err.msg, "results.json"));
	}
	unlink(path);
	rmdir(tmpl);
}
END_TEST

START_TEST(test_lossy_strings)
{
	static const struct {
		const char *in, *out;
	} rows[] = {
	    {"ok\xff\xfe tail", "ok?? tail"},
	    {"over\xc0\xaflong", "over??long"},         /* overlong '/' */
	    {"surr\xed\xa0\x80", "surr???"},            /* U+D800 */
	    {"big\xf4\x90\x80\x80", "big????"},         /* > U+10FFFF */
	    {"cut\xe2\x82", "cut??"},                   /* truncated */
	    {"euro \xe2\x82\xac", "euro \xe2\x82\xac"}, /* valid */
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		json_t *j = sa_json_string_lossy(rows[i].in);
		ck_assert_ptr_nonnull(j);
		ck_assert_str_eq(json_string_value(j), rows[i].out);
		json_decref(j);
	}
}
END_TEST

static Suite *results_suite(void)
{
	Suite *s = suite_create("results");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_summary);
	tcase_add_test(tc, test_roundtrip_and_junit);
	tcase_add_test(tc, test_load_rejects_other_schema);
	tcase_add_test(tc, test_lossy_strings);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(results_suite());
	int failed;
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
