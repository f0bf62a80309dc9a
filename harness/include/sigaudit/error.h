/* sigaudit: error codes and the error record held by every context.
 *
 * Fallible functions return int: 0 (SA_OK) or a negative SA_E_* code, and fill
 * an sa_error the caller owns (STYLE rules 5 and 6). There is no global
 * "last error". */
#ifndef SIGAUDIT_ERROR_H
#define SIGAUDIT_ERROR_H

#include <stdarg.h>
#include <stdbool.h>

/* X(name, value, text): the single table of codes and their texts. */
#define SA_ERROR_CODES(X)                                                      \
	X(SA_OK, 0, "ok")                                                      \
	X(SA_E_NOMEM, -1, "out of memory")                                     \
	X(SA_E_INVALID, -2, "invalid argument")                                \
	X(SA_E_IO, -3, "input/output error")                                   \
	X(SA_E_PARSE, -4, "parse error")                                       \
	X(SA_E_PROFILE, -5, "profile error")                                   \
	X(SA_E_MODULE, -6, "PKCS#11 module error")                             \
	X(SA_E_CKR, -7, "PKCS#11 call failed")                                 \
	X(SA_E_OSSL, -8, "OpenSSL error")                                      \
	X(SA_E_NOTFOUND, -9, "not found")                                      \
	X(SA_E_RANGE, -10, "value out of range")                               \
	X(SA_E_USAGE, -11, "usage error")                                      \
	X(SA_E_TIMEOUT, -12, "timed out")                                      \
	X(SA_E_CHILD, -13, "case process failed")                              \
	X(SA_E_UNSUPPORTED, -14, "not supported")                              \
	X(SA_E_SECRET, -15, "secret not available")

enum sa_error_code {
#define SA_ERROR_ENUM_(name, value, text) name = value,
	SA_ERROR_CODES(SA_ERROR_ENUM_)
#undef SA_ERROR_ENUM_
};

#define SA_ERROR_MSG_MAX 512

typedef struct sa_error {
	int code;                   /* SA_OK or SA_E_* */
	char msg[SA_ERROR_MSG_MAX]; /* one line, no trailing newline */
	unsigned long ossl;         /* first OpenSSL error code drained, or 0 */
	unsigned long ckr;          /* CK_RV when has_ckr */
	bool has_ckr;
	const char *file; /* where it was raised */
	int line;
} sa_error;

#define SA_ERROR_INIT                                                          \
	{                                                                      \
		SA_OK, {0}, 0, 0, false, NULL, 0                               \
	}

/** Text of an SA_E_* code ("unknown error" for others). */
const char *sa_error_code_str(int code);

/** Reset an error record to SA_OK. NULL is a no-op. */
void sa_error_clear(sa_error *err);

/** Record code and a printf-style one-line message; returns code. NULL err
 * is allowed (the message is dropped). Newlines in the message become spaces.
 */
int sa_error_setf(sa_error *err, int code, const char *file, int line,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

int sa_error_vsetf(sa_error *err, int code, const char *file, int line,
                   const char *fmt, va_list ap)
    __attribute__((format(printf, 5, 0)));

/** Drain the OpenSSL error queue into err (code SA_E_OSSL): "<what>: <first
 * OpenSSL reason>". Returns SA_E_OSSL. */
int sa_error_ossl(sa_error *err, const char *file, int line, const char *what);

/** Record a failed PKCS#11 call (code SA_E_CKR): "<what>: CKR_NAME". Returns
 * SA_E_CKR. */
int sa_error_ckr(sa_error *err, unsigned long rv, const char *file, int line,
                 const char *what);

#define SA_ERR(err, code, ...)                                                 \
	sa_error_setf((err), (code), __FILE__, __LINE__, __VA_ARGS__)

#endif
