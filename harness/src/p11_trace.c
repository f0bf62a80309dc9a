/* PKCS#11 call trace (p11_trace.h). */
#include "p11_trace.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "p11_functions.h"
#include "sigaudit/case.h"
#include "sigaudit/p11.h"

enum sa_tr_func {
#define SA_TR_ENUM_(name, params, args) SA_TR_##name,
	SA_P11_FUNCTIONS(SA_TR_ENUM_)
#undef SA_TR_ENUM_
	    SA_TR_FUNC_COUNT_
};

static const char *const tr_names[] = {
#define SA_TR_NAME_(name, params, args) #name,
    SA_P11_FUNCTIONS(SA_TR_NAME_)
#undef SA_TR_NAME_
};

static struct {
	CK_FUNCTION_LIST_PTR real;
	CK_FUNCTION_LIST list;
	int fd;
	struct timespec t0;
	pthread_mutex_t lock;
	unsigned long seq;
	unsigned long lines;
	unsigned long calls[SA_TR_FUNC_COUNT_];
} tr = {.fd = -1, .lock = PTHREAD_MUTEX_INITIALIZER};

/* A line under construction; arguments are appended after the call. */
struct tr_line {
	char text[768];
	size_t len;
	struct timespec start;
};

static void tr_add(struct tr_line *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void tr_add(struct tr_line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->len >= sizeof(l->text))
		return;
	va_start(ap, fmt);
	n = vsnprintf(l->text + l->len, sizeof(l->text) - l->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->len += (size_t)n < sizeof(l->text) - l->len
		              ? (size_t)n
		              : sizeof(l->text) - l->len - 1;
}

static double ms_between(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1e3 +
	       (double)(b->tv_nsec - a->tv_nsec) / 1e6;
}

/* A parameter that holds a PIN or its length is never recorded (STYLE:
 * secrets never appear in evidence). */
static bool tr_secret(const char *name)
{
	return strstr(name, "pin") != NULL || strcmp(name, "old_len") == 0 ||
	       strcmp(name, "new_len") == 0;
}

/* Formatting by parameter type (_Generic below). Handles, lengths and flags
 * are all CK_ULONG: printed in hex, the way PKCS#11 logs show them. */
static void tr_ulong(struct tr_line *l, const char *name, CK_ULONG v)
{
	tr_add(l, " %s=0x%lx", name, (unsigned long)v);
}

static void tr_bool(struct tr_line *l, const char *name, CK_BBOOL v)
{
	tr_add(l, " %s=%u", name, (unsigned)v);
}

static void tr_ulong_ptr(struct tr_line *l, const char *name, CK_ULONG_PTR p)
{
	if (p == NULL)
		tr_add(l, " %s=NULL", name);
	else
		tr_add(l, " *%s=0x%lx", name, (unsigned long)*p);
}

static void tr_mech(struct tr_line *l, const char *name, CK_MECHANISM_PTR m)
{
	if (m == NULL)
		tr_add(l, " %s=NULL", name);
	else
		tr_add(l, " %s=%s(param %lu bytes)", name,
		       sa_p11_mech_name(m->mechanism),
		       (unsigned long)m->ulParameterLen);
}

static void tr_tmpl(struct tr_line *l, const char *name, CK_ATTRIBUTE_PTR t)
{
	/* The attribute count is the next argument. */
	tr_add(l, " %s=%s", name, t == NULL ? "NULL" : "tmpl");
}

static void tr_ptr(struct tr_line *l, const char *name, const void *p)
{
	tr_add(l, " %s=%s", name, p == NULL ? "NULL" : "buf");
}

static void tr_notify(struct tr_line *l, const char *name, CK_NOTIFY n)
{
	tr_add(l, " %s=%s", name, n == NULL ? "NULL" : "fn");
}

#define TR_ARG_(l, a)                                                          \
	do {                                                                   \
		if (!tr_secret(#a))                                            \
			_Generic((a), CK_ULONG                                 \
			         : tr_ulong, CK_BBOOL                          \
			         : tr_bool, CK_ULONG_PTR                       \
			         : tr_ulong_ptr, CK_MECHANISM_PTR              \
			         : tr_mech, CK_ATTRIBUTE_PTR                   \
			         : tr_tmpl, CK_NOTIFY                          \
			         : tr_notify, default                          \
			         : tr_ptr)((l), #a, (a));                      \
	} while (0)

/* Up to eight arguments (C_UnwrapKey has eight). */
#define TR_N_(_1, _2, _3, _4, _5, _6, _7, _8, n, ...) n
#define TR_COUNT_(...)                                TR_N_(__VA_ARGS__, 8, 7, 6, 5, 4, 3, 2, 1, 0)
#define TR_CAT_(a, b)                                 a##b
#define TR_XCAT_(a, b)                                TR_CAT_(a, b)
#define TR_1_(l, a)                                   TR_ARG_(l, a)
#define TR_2_(l, a, ...)                                                       \
	TR_ARG_(l, a);                                                         \
	TR_1_(l, __VA_ARGS__)
#define TR_3_(l, a, ...)                                                       \
	TR_ARG_(l, a);                                                         \
	TR_2_(l, __VA_ARGS__)
#define TR_4_(l, a, ...)                                                       \
	TR_ARG_(l, a);                                                         \
	TR_3_(l, __VA_ARGS__)
#define TR_5_(l, a, ...)                                                       \
	TR_ARG_(l, a);                                                         \
	TR_4_(l, __VA_ARGS__)
#define TR_6_(l, a, ...)                                                       \
	TR_ARG_(l, a);                                                         \
	TR_5_(l, __VA_ARGS__)
#define TR_7_(l, a, ...)                                                       \
	TR_ARG_(l, a);                                                         \
	TR_6_(l, __VA_ARGS__)
#define TR_8_(l, a, ...)                                                       \
	TR_ARG_(l, a);                                                         \
	TR_7_(l, __VA_ARGS__)
#define TR_EACH_(l, ...)                                                       \
	TR_XCAT_(TR_, TR_XCAT_(TR_COUNT_(__VA_ARGS__), _))(l, __VA_ARGS__)
#define TR_UNPAREN_(...)  __VA_ARGS__
#define TR_APPLY_(l, ...) TR_EACH_(l, __VA_ARGS__)
#define TR_ARGS_(l, args) TR_APPLY_(l, TR_UNPAREN_ args)

static void tr_begin(struct tr_line *l)
{
	l->len = 0;
	clock_gettime(CLOCK_MONOTONIC, &l->start);
}

static void tr_end(struct tr_line *l, enum sa_tr_func f, CK_RV rv)
{
	struct timespec end;
	char head[96];
	int hn;

	clock_gettime(CLOCK_MONOTONIC, &end);
	pthread_mutex_lock(&tr.lock);
	tr.calls[f]++;
	tr.seq++;
	if (tr.fd >= 0 && tr.lines < SA_P11_TRACE_LINES_MAX) {
		tr.lines++;
		hn = snprintf(head, sizeof(head), "%lu\t%.3f\t%s\t", tr.seq,
		              ms_between(&tr.t0, &l->start), tr_names[f]);
		tr_add(l, "\t%s\t%.0f\n", sa_p11_rv_name(rv),
		       ms_between(&l->start, &end) * 1e3);
		/* One write per part; the lock keeps lines whole when a case
		 * calls from several threads (P11-CON-01). */
		if (hn > 0 && write(tr.fd, head, (size_t)hn) < 0)
			tr.lines = SA_P11_TRACE_LINES_MAX;
		if (write(tr.fd, l->text + (l->len && l->text[0] == ' '),
		          l->len - (l->len && l->text[0] == ' ')) < 0)
			tr.lines = SA_P11_TRACE_LINES_MAX;
	}
	pthread_mutex_unlock(&tr.lock);
}

/* Only for functions that take arguments; every v2.40 function does. */
#define SA_TR_WRAP_(name, params, args)                                        \
	static CK_RV tr_##name params                                          \
	{                                                                      \
		struct tr_line l;                                              \
		CK_RV rv;                                                      \
		tr_begin(&l);                                                  \
		rv = tr.real->name args;                                       \
		TR_ARGS_(&l, args);                                            \
		tr_end(&l, SA_TR_##name, rv);                                  \
		return rv;                                                     \
	}
SA_P11_FUNCTIONS(SA_TR_WRAP_)
#undef SA_TR_WRAP_

CK_FUNCTION_LIST_PTR sa_p11_trace_wrap(CK_FUNCTION_LIST_PTR real,
                                       const char *path)
{
	static const char header[] = "# seq\tt_ms\tfunction\targuments (after "
	                             "the call)\trv\tus\n";

	if (real == NULL || path == NULL || tr.fd >= 0)
		return real;
	tr.fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (tr.fd < 0)
		return real;
	if (write(tr.fd, header, sizeof(header) - 1) < 0) {
		close(tr.fd);
		tr.fd = -1;
		return real;
	}
	clock_gettime(CLOCK_MONOTONIC, &tr.t0);
	tr.real = real;
	tr.list.version = real->version;
#define SA_TR_SET_(name, params, args) tr.list.name = tr_##name;
	SA_P11_FUNCTIONS(SA_TR_SET_)
#undef SA_TR_SET_
	return &tr.list;
}

void sa_p11_trace_finish(void)
{
	struct tr_line l;

	if (tr.fd < 0)
		return;
	pthread_mutex_lock(&tr.lock);
	l.len = 0;
	tr_add(&l, "# %lu calls%s:", tr.seq,
	       tr.lines >= SA_P11_TRACE_LINES_MAX ? " (lines after the limit "
	                                            "not written)"
	                                          : "");
	for (size_t i = 0; i < SA_TR_FUNC_COUNT_; i++)
		if (tr.calls[i] > 0)
			tr_add(&l, " %s=%lu", tr_names[i], tr.calls[i]);
	tr_add(&l, "\n");
	if (write(tr.fd, l.text, l.len) < 0) {
		/* evidence is best effort; the verdict does not depend on it */
	}
	close(tr.fd);
	tr.fd = -1;
	pthread_mutex_unlock(&tr.lock);
}
