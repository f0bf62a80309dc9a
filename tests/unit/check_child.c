/* Running work in a child (child.c): events arrive in order, and a child
 * that crashes, aborts, hangs or exits early is reported as such, with what
 * it emitted before kept. */
#include <check.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "child.h"

static int seen;

static void count(void *user, json_t *ev)
{
	(void)user;
	if (json_is_object(ev))
		seen++;
}

static void emit_two(int fd)
{
	sa_child_emit(fd, json_pack("{s:s}", "t", "a"));
	sa_child_emit(fd, json_pack("{s:s}", "t", "b"));
}

static void body_ok(void *arg, int fd)
{
	(void)arg;
	emit_two(fd);
}

static void body_segv(void *arg, int fd)
{
	(void)arg;
	emit_two(fd);
	raise(SIGSEGV);
}

static void body_abort(void *arg, int fd)
{
	(void)arg;
	emit_two(fd);
	abort();
}

static void body_hang(void *arg, int fd)
{
	(void)arg;
	emit_two(fd);
	for (;;)
		pause();
}

static void body_exit(void *arg, int fd)
{
	(void)arg;
	emit_two(fd);
	_exit(7);
}

static void body_garbage(void *arg, int fd)
{
	static const char junk[] = "not json\n[1,2]\n";
	(void)arg;
	if (write(fd, junk, sizeof(junk) - 1) < 0)
		return;
	emit_two(fd);
}

static const struct {
	sa_child_fn fn;
	sa_child_how how;
	int code;
	unsigned bad;
} table[] = {
    {body_ok, SA_CHILD_EXITED, 0, 0},
    {body_segv, SA_CHILD_SIGNALED, SIGSEGV, 0},
    {body_abort, SA_CHILD_SIGNALED, SIGABRT, 0},
    {body_hang, SA_CHILD_TIMEOUT, 0, 0},
    {body_exit, SA_CHILD_EXITED, 7, 0},
    {body_garbage, SA_CHILD_EXITED, 0, 2},
};

START_TEST(test_child_table)
{
	sa_child_status st;
	sa_error err = SA_ERROR_INIT;
	uint64_t limit;

	seen = 0;
	/* 300 ms for the hang; the others get a wide limit, since under ASan
	 * the sanitizer's crash report (with symbolisation) takes seconds. */
	limit = table[_i].how == SA_CHILD_TIMEOUT ? 300 : 15000;
	ck_assert_int_eq(
	    sa_child_run(table[_i].fn, NULL, limit, count, NULL, &st, &err),
	    SA_OK);
	if (table[_i].how == SA_CHILD_SIGNALED && st.how == SA_CHILD_EXITED) {
		/* Under ASan the sanitizer's own SIGSEGV handler reports and
		 * exits non-zero instead of dying of the signal. */
		ck_assert_int_ne(st.code, 0);
	} else {
		ck_assert_int_eq(st.how, table[_i].how);
	}
	if (table[_i].how == SA_CHILD_EXITED)
		ck_assert_int_eq(st.code, table[_i].code);
	if (table[_i].how == SA_CHILD_TIMEOUT)
		ck_assert_uint_ge(st.ms, 300);
	ck_assert_int_eq(seen, 2);
	ck_assert_uint_eq(st.bad_lines, table[_i].bad);
}
END_TEST

static Suite *child_suite(void)
{
	Suite *s = suite_create("child");
	TCase *tc = tcase_create("processes");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_child_table, 0,
	                    (int)(sizeof(table) / sizeof(table[0])));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(child_suite());
	int failed;
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
