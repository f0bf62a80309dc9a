/* The byte buffer (STYLE rule 12): growth, hex, steal, sticky failure. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sigaudit/buf.h"
#include "sigaudit/error.h"

START_TEST(test_append_grow)
{
	sa_buf b = SA_BUF_INIT;
	for (int i = 0; i < 1000; i++)
		ck_assert_int_eq(sa_buf_append_str(&b, "ab"), SA_OK);
	ck_assert_uint_eq(b.len, 2000);
	ck_assert_uint_eq(strlen(sa_buf_cstr(&b)), 2000);
	ck_assert(sa_buf_ok(&b));
	sa_buf_free(&b);
	ck_assert_ptr_null(b.data);
	sa_buf_free(NULL);
}
END_TEST

START_TEST(test_appendf_hex)
{
	sa_buf b = SA_BUF_INIT;
	const unsigned char bytes[] = {0x00, 0xab, 0xff};
	sa_buf_appendf(&b, "%s=%d;", "n", 7);
	sa_buf_append_hex(&b, bytes, sizeof(bytes));
	ck_assert_str_eq(sa_buf_cstr(&b), "n=7;00abff");
	sa_buf_free(&b);
}
END_TEST

START_TEST(test_secure_reset_steal)
{
	sa_buf b = SA_BUF_INIT_SECURE;
	size_t len = 0;
	unsigned char *p;

	sa_buf_append_str(&b, "123456");
	sa_buf_reset(&b);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_str_eq(sa_buf_cstr(&b), "");
	sa_buf_append_str(&b, "xyz");
	p = sa_buf_steal(&b, &len);
	ck_assert_uint_eq(len, 3);
	ck_assert_int_eq(memcmp(p, "xyz", 3), 0);
	ck_assert_ptr_null(b.data);
	free(p);
	ck_assert_ptr_null(sa_buf_steal(&b, &len));
	ck_assert_uint_eq(len, 0);
	sa_buf_free(&b);
}
END_TEST

START_TEST(test_sticky_failure)
{
	sa_buf b = SA_BUF_INIT;
	sa_buf_append_str(&b, "x");
	ck_assert_int_eq(sa_buf_reserve(&b, SIZE_MAX - 1), SA_E_RANGE);
	ck_assert(!sa_buf_ok(&b));
	/* Sticky: later appends do nothing and report the failure. */
	ck_assert_int_lt(sa_buf_append_str(&b, "y"), 0);
	ck_assert_uint_eq(b.len, 1);
	sa_buf_free(&b);
}
END_TEST

static Suite *buf_suite(void)
{
	Suite *s = suite_create("buf");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_append_grow);
	tcase_add_test(tc, test_appendf_hex);
	tcase_add_test(tc, test_secure_reset_steal);
	tcase_add_test(tc, test_sticky_failure);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(buf_suite());
	int failed;
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
