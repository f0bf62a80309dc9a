#include "log.h"

#include <stdarg.h>
#include <stdio.h>

static enum sa_log_level level = SA_LOG_NORMAL;

void sa_log_set_level(enum sa_log_level l)
{
	level = l;
}

enum sa_log_level sa_log_get_level(void)
{
	return level;
}

static void emit(enum sa_log_level min, const char *prefix, const char *fmt,
                 va_list ap) __attribute__((format(printf, 3, 0)));

static void emit(enum sa_log_level min, const char *prefix, const char *fmt,
                 va_list ap)
{
	if (level < min)
		return;
	fputs(prefix, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

#define SA_LOG_FN_(name, min, prefix)                                          \
	void name(const char *fmt, ...)                                        \
	{                                                                      \
		va_list ap;                                                    \
		va_start(ap, fmt);                                             \
		emit(min, prefix, fmt, ap);                                    \
		va_end(ap);                                                    \
	}

SA_LOG_FN_(sa_log_error, SA_LOG_QUIET, "sigaudit: error: ")
SA_LOG_FN_(sa_log_warn, SA_LOG_NORMAL, "sigaudit: warning: ")
SA_LOG_FN_(sa_log_info, SA_LOG_NORMAL, "")
SA_LOG_FN_(sa_log_debug, SA_LOG_VERBOSE, "sigaudit: ")
