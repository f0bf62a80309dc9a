/* The runner's verdict mapping (outcome.c), driven through the real case
 * context API in-process: what a case records, and how its process ended,
 * must give the verdict DESIGN §5-6 prescribes. */
#include <check.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "casectx.h"
#include "outcome.h"
#include "sigaudit/p11.h"
#include "sigaudit/vectors.h"

static sa_outcome *o;
static struct sa_case_ctx ctx;
static const sa_case test_case = {
    .id = "T-01",
    .title = "test case",
    .refs = SA_REFS("RFC 0000 §1", "PKCS#11 B2.40 §5.4.1"),
    .impact = 3,
};

static void to_outcome(void *user, json_t *ev)
{
	sa_outcome_event(user, ev);
	json_decref(ev);
}

static void setup(void)
{
	o = sa_outcome_new(&test_case, "unit");
	ck_assert_ptr_nonnull(o);
	sa_casectx_init(&ctx, &test_case, NULL, to_outcome, o);
}

static void teardown(void)
{
	sa_outcome_free(o);
	o = NULL;
}

static const sa_child_status ended_ok = {SA_CHILD_EXITED, 0, 5, 0};

static json_t *finish(const sa_child_status *st, const sa_profile *p)
{
	return sa_outcome_finish(o, st, 1000, p, "2026-11-23");
}

static const char *field(json_t *rec, const char *k)
{
	return json_string_value(json_object_get(rec, k));
}

START_TEST(test_all_checks_pass)
{
	json_t *rec;
	sa_case_check(&ctx, true, "a", "x", "x");
	sa_case_check(&ctx, true, "b", "y", "y");
	sa_casectx_end(&ctx);
	rec = finish(&ended_ok, NULL);
	ck_assert_str_eq(field(rec, "verdict"), "pass");
	ck_assert_str_eq(field(rec, "conformance"), "strict");
	ck_assert_str_eq(field(rec, "expected"), "x");
	ck_assert_uint_eq(json_array_size(json_object_get(rec, "refs")), 2);
	ck_assert_str_eq(field(rec, "impact"), "I3");
	ck_assert_ptr_null(json_object_get(rec, "reason"));
	json_decref(rec);
}
END_TEST

START_TEST(test_failed_check_fails)
{
	json_t *rec;
	sa_case_check(&ctx, true, "a", "x", "x");
	sa_case_check(&ctx, false, "b", "CKR_OK", "CKR_GENERAL_ERROR");
	sa_case_check(&ctx, false, "c", "1", "2");
	sa_casectx_end(&ctx);
	rec = finish(&ended_ok, NULL);
	ck_assert_str_eq(field(rec, "verdict"), "fail");
	ck_assert_str_eq(field(rec, "reason"),
	                 "2 of 3 checks failed; first: b");
	ck_assert_str_eq(field(rec, "expected"), "CKR_OK");
	ck_assert_str_eq(field(rec, "observed"), "CKR_GENERAL_ERROR");
	ck_assert_str_eq(field(rec, "conformance"), "none");
	json_decref(rec);
}
END_TEST

START_TEST(test_nothing_recorded_is_error)
{
	json_t *rec;
	sa_casectx_end(&ctx);
	rec = finish(&ended_ok, NULL);
	ck_assert_str_eq(field(rec, "verdict"), "error");
	ck_assert_ptr_nonnull(strstr(field(rec, "reason"), "no check"));
	json_decref(rec);
}
END_TEST

START_TEST(test_skip_with_reason)
{
	json_t *rec;
	sa_case_skip(&ctx, "module is %s", "v2.40");
	sa_casectx_end(&ctx);
	rec = finish(&ended_ok, NULL);
	ck_assert_str_eq(field(rec, "verdict"), "skip");
	ck_assert_str_eq(field(rec, "reason"), "module is v2.40");
	json_decref(rec);
}
END_TEST

START_TEST(test_fail_outranks_error_and_info)
{
	json_t *rec;
	sa_case_info(&ctx, "informational");
	sa_case_error(&ctx, "could not decide part");
	sa_case_check(&ctx, false, "rule", "a", "b");
	sa_casectx_end(&ctx);
	rec = finish(&ended_ok, NULL);
	ck_assert_str_eq(field(rec, "verdict"), "fail");
	json_decref(rec);
}
END_TEST

START_TEST(test_explicit_fail_reason_kept)
{
	json_t *rec;
	sa_case_check(&ctx, false, "rule", "a", "b");
	sa_case_fail(&ctx, "the key leaked");
	sa_casectx_end(&ctx);
	rec = finish(&ended_ok, NULL);
	ck_assert_str_eq(field(rec, "verdict"), "fail");
	ck_assert_str_eq(field(rec, "reason"), "the key leaked");
	json_decref(rec);
}
END_TEST

START_TEST(test_case_cannot_waive_itself)
{
	json_t *rec, *ev = json_pack("{s:s, s:s, s:s}", "t", "verdict", "v",
	                             "waived", "reason", "trust me");
	sa_outcome_event(o, ev);
	json_decref(ev);
	sa_casectx_end(&ctx);
	rec = finish(&ended_ok, NULL);
	ck_assert_str_eq(field(rec, "verdict"), "error");
	json_decref(rec);
}
END_TEST

START_TEST(test_lenient_and_strict)
{
	json_t *rec;
	/* CKR_KEY_HANDLE_INVALID where CKR_OBJECT_HANDLE_INVALID is strict. */
	ck_assert(sa_p11_check_rv(&ctx, "lenient", CKR_KEY_HANDLE_INVALID,
	                          CKR_OBJECT_HANDLE_INVALID,
	                          SA_LENIENT(CKR_KEY_HANDLE_INVALID)));
	sa_casectx_end(&ctx);
	rec = finish(&ended_ok, NULL);
	ck_assert_str_eq(field(rec, "verdict"), "pass");
	ck_assert_str_eq(field(rec, "conformance"), "lenient");
	ck_assert_str_eq(field(rec, "expected"),
	                 "CKR_OBJECT_HANDLE_INVALID (also permitted: "
	                 "CKR_KEY_HANDLE_INVALID)");
	json_decref(rec);

	/* The same observation under --strict fails. */
	sa_outcome_free(o);
	setup();
	ctx.strict = true;
	ck_assert(!sa_p11_check_rv(&ctx, "strict", CKR_KEY_HANDLE_INVALID,
	                           CKR_OBJECT_HANDLE_INVALID,
	                           SA_LENIENT(CKR_KEY_HANDLE_INVALID)));
	sa_casectx_end(&ctx);
	rec = finish(&ended_ok, NULL);
	ck_assert_str_eq(field(rec, "verdict"), "fail");
	json_decref(rec);
}
END_TEST

START_TEST(test_wrong_rv_fails)
{
	json_t *rec;
	ck_assert(!sa_p11_check_rv(&ctx, "C_Login twice", CKR_OK,
	                           CKR_USER_ALREADY_LOGGED_IN, SA_STRICT_ONLY));
	sa_casectx_end(&ctx);
	rec = finish(&ended_ok, NULL);
	ck_assert_str_eq(field(rec, "verdict"), "fail");
	ck_assert_str_eq(field(rec, "expected"), "CKR_USER_ALREADY_LOGGED_IN");
	ck_assert_str_eq(field(rec, "observed"), "CKR_OK");
	json_decref(rec);
}
END_TEST

START_TEST(test_crash_is_error_keeping_checks)
{
	sa_child_status st = {SA_CHILD_SIGNALED, SIGSEGV, 3, 0};
	json_t *rec;
	sa_case_check(&ctx, false, "before crash", "a", "b");
	/* no end event: the process died */
	rec = finish(&st, NULL);
	ck_assert_str_eq(field(rec, "verdict"), "error");
	ck_assert_ptr_nonnull(strstr(field(rec, "reason"), "SIGSEGV"));
	ck_assert_ptr_nonnull(strstr(field(rec, "reason"), "before crash"));
	ck_assert_uint_eq(json_array_size(json_object_get(rec, "checks")), 1);
	json_decref(rec);
}
END_TEST

/* A death inside sa_case_guard_begin/end is the module's answer: FAIL, with
 * what was guarded; after the guard ends, or on a timeout, it is ERROR. */
START_TEST(test_guarded_death_fails)
{
	sa_child_status exited = {SA_CHILD_EXITED, 5, 3, 0};
	sa_child_status killed = {SA_CHILD_SIGNALED, SIGSEGV, 3, 0};
	sa_child_status hung = {SA_CHILD_TIMEOUT, 0, 1000, 0};
	json_t *rec;

	sa_case_guard_begin(&ctx, "C_Sign(257 bytes)");
	rec = finish(&exited, NULL);
	ck_assert_str_eq(field(rec, "verdict"), "fail");
	ck_assert_str_eq(field(rec, "conformance"), "none");
	ck_assert_ptr_nonnull(strstr(field(rec, "reason"), "C_Sign(257"));
	ck_assert_ptr_nonnull(strstr(field(rec, "reason"), "status 5"));
	json_decref(rec);

	teardown();
	setup();
	sa_case_guard_begin(&ctx, "x");
	sa_case_guard_end(&ctx);
	rec = finish(&killed, NULL);
	ck_assert_str_eq(field(rec, "verdict"), "error");
	json_decref(rec);

	teardown();
	setup();
	sa_case_guard_begin(&ctx, "x");
	rec = finish(&hung, NULL);
	ck_assert_str_eq(field(rec, "verdict"), "error");
	json_decref(rec);

	teardown();
	setup();
	sa_case_guard_begin(&ctx, "x");
	rec = finish(&killed, NULL);
	ck_assert_str_eq(field(rec, "verdict"), "fail");
	ck_assert_ptr_nonnull(strstr(field(rec, "reason"), "SIGSEGV"));
	json_decref(rec);
}
END_TEST

START_TEST(test_timeout_and_exit_are_errors)
{
	sa_child_status hang = {SA_CHILD_TIMEOUT, 0, 1000, 0};
	sa_child_status exited = {SA_CHILD_EXITED, 3, 1, 0};
	json_t *rec;

	rec = finish(&hang, NULL);
	ck_assert_str_eq(field(rec, "verdict"), "error");
	ck_assert_ptr_nonnull(strstr(field(rec, "reason"), "timed out"));
	json_decref(rec);

	sa_outcome_free(o);
	setup();
	sa_case_check(&ctx, true, "fine", NULL, NULL);
	rec = finish(&exited, NULL);
	ck_assert_str_eq(field(rec, "verdict"), "error");
	ck_assert_ptr_nonnull(strstr(field(rec, "reason"), "status 3"));
	json_decref(rec);

	sa_outcome_free(o);
	setup();
	sa_case_check(&ctx, true, "fine", NULL, NULL);
	rec = finish(&ended_ok, NULL); /* exit 0 but no end event */
	ck_assert_str_eq(field(rec, "verdict"), "error");
	json_decref(rec);
}
END_TEST

static const char waiver_profile[] =
    "[waiver T-01]\n"
    "reason = vendor firmware 4.2 returns CKR_GENERAL_ERROR here\n"
    "approver = Lead auditor\n"
    "expires = %s\n";

static sa_profile *profile_with_expiry(const char *expires)
{
	char text[512];
	sa_profile *p = NULL;
	sa_error err = SA_ERROR_INIT;
	snprintf(text, sizeof(text), waiver_profile, expires);
	ck_assert_int_eq(
	    sa_profile_load_mem(&p, "waiver.ini", text, strlen(text), &err),
	    SA_OK);
	return p;
}

START_TEST(test_waiver_applies_to_fail)
{
	sa_profile *p = profile_with_expiry("2027-06-30");
	json_t *rec;
	sa_case_check(&ctx, false, "rule", "a", "b");
	sa_casectx_end(&ctx);
	rec = finish(&ended_ok, p);
	ck_assert_str_eq(field(rec, "verdict"), "waived");
	ck_assert_ptr_nonnull(strstr(field(rec, "reason"), "vendor firmware"));
	ck_assert_str_eq(json_string_value(json_object_get(
	                     json_object_get(rec, "waiver"), "approver")),
	                 "Lead auditor");
	json_decref(rec);
	sa_profile_free(p);
}
END_TEST

START_TEST(test_expired_waiver_not_applied)
{
	sa_profile *p = profile_with_expiry("2026-01-31");
	json_t *rec;
	sa_case_check(&ctx, false, "rule", "a", "b");
	sa_casectx_end(&ctx);
	rec = finish(&ended_ok, p);
	ck_assert_str_eq(field(rec, "verdict"), "fail");
	ck_assert_ptr_nonnull(strstr(
	    json_string_value(json_array_get(json_object_get(rec, "notes"), 0)),
	    "expired"));
	json_decref(rec);
	sa_profile_free(p);
}
END_TEST

START_TEST(test_waiver_never_turns_error_into_pass)
{
	sa_profile *p = profile_with_expiry("2027-06-30");
	sa_child_status st = {SA_CHILD_SIGNALED, SIGABRT, 3, 0};
	json_t *rec = finish(&st, p);
	ck_assert_str_eq(field(rec, "verdict"), "error");
	json_decref(rec);
	sa_profile_free(p);
}
END_TEST

static json_int_t vint(json_t *obj, const char *k)
{
	return json_integer_value(json_object_get(obj, k));
}

/* Two files, the target disagreeing on one vector of the second, the
 * reference on another: counts per engine, the disagreement listed with its
 * file, acceptable counted both ways, and only the target judges the case. */
START_TEST(test_vectors_counts_and_sides)
{
	json_t *rec, *v, *files, *f2, *dis;
	sa_vec_run *r;

	r = sa_vec_begin(&ctx, "set/a.json", SA_VEC_TARGET, "token");
	sa_vec_result(r, "tc1", SA_VEC_VALID, SA_VEC_ACCEPTED, NULL, "CKR_OK");
	sa_vec_result(r, "tc2", SA_VEC_INVALID, SA_VEC_REJECTED, "Bad",
	              "CKR_SIGNATURE_INVALID");
	sa_vec_result(r, "tc3", SA_VEC_ACCEPTABLE, SA_VEC_REJECTED, "Legacy",
	              "CKR_SIGNATURE_INVALID");
	ck_assert_uint_eq(sa_vec_end(r), 0);
	r = sa_vec_begin(&ctx, "set/b.json", SA_VEC_TARGET, "token");
	sa_vec_result(r, "tc1", SA_VEC_VALID, SA_VEC_ACCEPTED, NULL, "CKR_OK");
	sa_vec_result(r, "tc2", SA_VEC_INVALID, SA_VEC_ACCEPTED, "Forged",
	              "CKR_OK");
	ck_assert_uint_eq(sa_vec_end(r), 1);
	r = sa_vec_begin(&ctx, "set/b.json", SA_VEC_REFERENCE, "openssl");
	sa_vec_result(r, "tc1", SA_VEC_VALID, SA_VEC_REJECTED, NULL, "0");
	sa_vec_result(r, "tc2", SA_VEC_INVALID, SA_VEC_REJECTED, NULL, "0");
	ck_assert_uint_eq(sa_vec_end(r), 1);
	sa_casectx_end(&ctx);
	rec = finish(&ended_ok, NULL);
	ck_assert_str_eq(field(rec, "verdict"), "fail");
	v = json_object_get(rec, "vectors");
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(field(v, "source"), "2 files");
	ck_assert_int_eq(vint(v, "total"), 5);
	ck_assert_int_eq(vint(v, "agree"), 4);
	ck_assert_int_eq(vint(v, "disagree"), 1);
	ck_assert_int_eq(vint(v, "acceptable"), 1);
	dis = json_object_get(v, "disagreements");
	ck_assert_uint_eq(json_array_size(dis), 1);
	ck_assert_str_eq(field(json_array_get(dis, 0), "id"), "tc2");
	ck_assert_str_eq(field(json_array_get(dis, 0), "source"), "set/b.json");
	ck_assert_str_eq(field(json_array_get(dis, 0), "expected"), "invalid");
	ck_assert_str_eq(field(json_array_get(dis, 0), "observed"), "accepted");
	ck_assert_str_eq(field(json_array_get(dis, 0), "flags"), "Forged");
	files = json_object_get(v, "files");
	ck_assert_uint_eq(json_array_size(files), 2);
	f2 = json_array_get(files, 1);
	ck_assert_int_eq(vint(json_object_get(f2, "target"), "disagree"), 1);
	ck_assert_int_eq(vint(json_object_get(f2, "reference"), "disagree"), 1);
	ck_assert_int_eq(
	    vint(json_object_get(
	             json_object_get(json_array_get(files, 0), "target"),
	             "acceptable"),
	         "rejected"),
	    1);
	ck_assert_int_eq(
	    vint(json_object_get(
	             json_object_get(json_array_get(files, 0), "target"),
	             "codes"),
	         "rejected CKR_SIGNATURE_INVALID"),
	    2);
	json_decref(rec);
}
END_TEST

/* The reference alone never fails the case; a target that gives no answer is
 * an error, not an agreement; all-skipped is a skip with its reason. */
START_TEST(test_vectors_reference_errors_skips)
{
	json_t *rec;
	sa_vec_run *r;

	r = sa_vec_begin(&ctx, "x", SA_VEC_REFERENCE, "openssl");
	sa_vec_result(r, "1", SA_VEC_VALID, SA_VEC_REJECTED, NULL, NULL);
	sa_vec_end(r);
	r = sa_vec_begin(&ctx, "x", SA_VEC_TARGET, "token");
	sa_vec_result(r, "1", SA_VEC_VALID, SA_VEC_ACCEPTED, NULL, NULL);
	sa_vec_end(r);
	sa_casectx_end(&ctx);
	rec = finish(&ended_ok, NULL);
	ck_assert_str_eq(field(rec, "verdict"), "pass");
	ck_assert_uint_eq(json_array_size(json_object_get(rec, "notes")), 1);
	json_decref(rec);

	teardown();
	setup();
	r = sa_vec_begin(&ctx, "y", SA_VEC_TARGET, "token");
	sa_vec_result(r, "1", SA_VEC_VALID, SA_VEC_ACCEPTED, NULL, NULL);
	sa_vec_result(r, "2", SA_VEC_INVALID, SA_VEC_ERROR, NULL,
	              "CKR_DEVICE_ERROR");
	sa_vec_end(r);
	sa_casectx_end(&ctx);
	rec = finish(&ended_ok, NULL);
	ck_assert_str_eq(field(rec, "verdict"), "error");
	ck_assert_ptr_nonnull(strstr(field(rec, "reason"), "CKR_DEVICE_ERROR"));
	ck_assert_int_eq(vint(json_object_get(rec, "vectors"), "errors"), 1);
	ck_assert_int_eq(vint(json_object_get(rec, "vectors"), "agree"), 1);
	json_decref(rec);

	teardown();
	setup();
	r = sa_vec_begin(&ctx, "z", SA_VEC_TARGET, "token");
	sa_vec_skip(r, "g1", "CKM_EDDSA not offered");
	sa_vec_end(r);
	sa_casectx_end(&ctx);
	rec = finish(&ended_ok, NULL);
	ck_assert_str_eq(field(rec, "verdict"), "skip");
	ck_assert_ptr_nonnull(strstr(field(rec, "reason"), "CKM_EDDSA"));
	json_decref(rec);
}
END_TEST

START_TEST(test_worst_order)
{
	ck_assert_int_eq(sa_verdict_worst(SA_VERDICT_PASS, SA_VERDICT_SKIP),
	                 SA_VERDICT_SKIP);
	ck_assert_int_eq(sa_verdict_worst(SA_VERDICT_FAIL, SA_VERDICT_ERROR),
	                 SA_VERDICT_FAIL);
	ck_assert_int_eq(sa_verdict_worst(SA_VERDICT_INFO, SA_VERDICT_SKIP),
	                 SA_VERDICT_SKIP);
	ck_assert_int_eq(sa_verdict_parse("waived"), SA_VERDICT_WAIVED);
	ck_assert_int_eq(sa_verdict_parse("passed"), -1);
	ck_assert_str_eq(sa_verdict_str(SA_VERDICT_INFO), "info");
}
END_TEST

static Suite *outcome_suite(void)
{
	Suite *s = suite_create("outcome");
	TCase *tc = tcase_create("verdict mapping");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_all_checks_pass);
	tcase_add_test(tc, test_failed_check_fails);
	tcase_add_test(tc, test_nothing_recorded_is_error);
	tcase_add_test(tc, test_skip_with_reason);
	tcase_add_test(tc, test_fail_outranks_error_and_info);
	tcase_add_test(tc, test_explicit_fail_reason_kept);
	tcase_add_test(tc, test_case_cannot_waive_itself);
	tcase_add_test(tc, test_lenient_and_strict);
	tcase_add_test(tc, test_wrong_rv_fails);
	tcase_add_test(tc, test_crash_is_error_keeping_checks);
	tcase_add_test(tc, test_timeout_and_exit_are_errors);
	tcase_add_test(tc, test_waiver_applies_to_fail);
	tcase_add_test(tc, test_expired_waiver_not_applied);
	tcase_add_test(tc, test_waiver_never_turns_error_into_pass);
	tcase_add_test(tc, test_worst_order);
	tcase_add_test(tc, test_guarded_death_fails);
	tcase_add_test(tc, test_vectors_counts_and_sides);
	tcase_add_test(tc, test_vectors_reference_errors_skips);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(outcome_suite());
	int failed;
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
