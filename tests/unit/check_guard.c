/* The guard macros (STYLE rule 8): each assigns rc and jumps to out, and
 * cleanup runs exactly once on every path. */
#include <check.h>
#include <stdlib.h>

#include <openssl/err.h>
#include <openssl/evp.h>

#include "sigaudit/guard.h"

static int cleanups;

static int ensure_fn(int cond, sa_error *err)
{
	int rc = SA_E_INVALID;
	char *res = malloc(8);

	SA_ENSURE(cond, err, SA_E_RANGE, "value %d out of range", 42);
	rc = SA_OK;
out:
	free(res);
	cleanups++;
	return rc;
}

static int try_fn(int inner, int *after)
{
	int rc = SA_E_INVALID;

	*after = 0;
	SA_TRY(inner);
	*after = 1;
	rc = SA_OK;
out:
	cleanups++;
	return rc;
}

static int ossl_fn(int ok, sa_error *err)
{
	int rc = SA_E_INVALID;

	/* A real OpenSSL failure queues an error: an unknown digest. */
	SA_TRY_OSSL(ok ? 1 : (EVP_get_digestbyname("no-such-digest") != NULL),
	            err, "digest lookup");
	rc = SA_OK;
out:
	cleanups++;
	return rc;
}

static int ckr_fn(unsigned long rv, sa_error *err)
{
	int rc = SA_E_INVALID;

	SA_TRY_CKR(rv, err, "C_Login");
	rc = SA_OK;
out:
	cleanups++;
	return rc;
}

static void setup(void)
{
	cleanups = 0;
}

START_TEST(test_ensure_pass)
{
	sa_error err = SA_ERROR_INIT;
	ck_assert_int_eq(ensure_fn(1, &err), SA_OK);
	ck_assert_int_eq(err.code, SA_OK);
	ck_assert_int_eq(cleanups, 1);
}
END_TEST

START_TEST(test_ensure_fail)
{
	sa_error err = SA_ERROR_INIT;
	ck_assert_int_eq(ensure_fn(0, &err), SA_E_RANGE);
	ck_assert_int_eq(err.code, SA_E_RANGE);
	ck_assert_str_eq(err.msg, "value 42 out of range");
	ck_assert_ptr_nonnull(err.file);
	ck_assert_int_gt(err.line, 0);
	ck_assert_int_eq(cleanups, 1);
}
END_TEST

START_TEST(test_ensure_null_err)
{
	ck_assert_int_eq(ensure_fn(0, NULL), SA_E_RANGE);
	ck_assert_int_eq(cleanups, 1);
}
END_TEST

static const struct {
	int inner, rc, after;
} try_table[] = {
    {SA_OK, SA_OK, 1},
    {5, SA_OK, 1}, /* positive values are not failures */
    {SA_E_NOMEM, SA_E_NOMEM, 0},
    {SA_E_IO, SA_E_IO, 0},
};

START_TEST(test_try_table)
{
	int after = -1;
	ck_assert_int_eq(try_fn(try_table[_i].inner, &after), try_table[_i].rc);
	ck_assert_int_eq(after, try_table[_i].after);
	ck_assert_int_eq(cleanups, 1);
}
END_TEST

START_TEST(test_try_ossl)
{
	sa_error err = SA_ERROR_INIT;
	ck_assert_int_eq(ossl_fn(1, &err), SA_OK);
	ck_assert_int_eq(ossl_fn(0, &err), SA_E_OSSL);
	ck_assert_int_eq(err.code, SA_E_OSSL);
	ck_assert_ptr_nonnull(strstr(err.msg, "digest lookup: "));
	/* The queue is drained: the next case starts clean (rule 10). */
	ck_assert_uint_eq(ERR_peek_error(), 0);
	ck_assert_int_eq(cleanups, 2);
}
END_TEST

START_TEST(test_try_ckr)
{
	sa_error err = SA_ERROR_INIT;
	ck_assert_int_eq(ckr_fn(0x0UL, &err), SA_OK);
	ck_assert_int_eq(ckr_fn(0xA0UL, &err), SA_E_CKR);
	ck_assert(err.has_ckr);
	ck_assert_uint_eq(err.ckr, 0xA0UL);
	ck_assert_str_eq(err.msg, "C_Login: CKR_PIN_INCORRECT");
	ck_assert_int_eq(cleanups, 2);
}
END_TEST

START_TEST(test_error_one_line)
{
	sa_error err = SA_ERROR_INIT;
	SA_ERR(&err, SA_E_PARSE, "line one\nline two\r");
	ck_assert_str_eq(err.msg, "line one line two ");
	ck_assert_str_eq(sa_error_code_str(SA_E_PARSE), "parse error");
	ck_assert_str_eq(sa_error_code_str(-999), "unknown error");
	sa_error_clear(&err);
	ck_assert_int_eq(err.code, SA_OK);
	sa_error_clear(NULL);
}
END_TEST

static Suite *guard_suite(void)
{
	Suite *s = suite_create("guard");
	TCase *tc = tcase_create("macros");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_ensure_pass);
	tcase_add_test(tc, test_ensure_fail);
	tcase_add_test(tc, test_ensure_null_err);
	tcase_add_loop_test(tc, test_try_table, 0,
	                    (int)(sizeof(try_table) / sizeof(try_table[0])));
	tcase_add_test(tc, test_try_ossl);
	tcase_add_test(tc, test_try_ckr);
	tcase_add_test(tc, test_error_one_line);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(guard_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
