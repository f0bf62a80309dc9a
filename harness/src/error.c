#include "sigaudit/error.h"

#include <stdio.h>
#include <string.h>

#include <openssl/err.h>

#include "sigaudit/p11.h"

const char *sa_error_code_str(int code)
{
	switch (code) {
#define SA_ERROR_CASE_(name, value, text)                                      \
	case value:                                                            \
		return text;
		SA_ERROR_CODES(SA_ERROR_CASE_)
#undef SA_ERROR_CASE_
	default:
		return "unknown error";
	}
}

void sa_error_clear(sa_error *err)
{
	if (err == NULL)
		return;
	memset(err, 0, sizeof(*err));
}

int sa_error_vsetf(sa_error *err, int code, const char *file, int line,
                   const char *fmt, va_list ap)
{
	if (err == NULL)
		return code;
	err->code = code;
	err->file = file;
	err->line = line;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	/* One line: a message goes into terminal output, JUnit and JSON. */
	for (char *p = err->msg; *p != '\0'; p++) {
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	}
	return code;
}

int sa_error_setf(sa_error *err, int code, const char *file, int line,
                  const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	code = sa_error_vsetf(err, code, file, line, fmt, ap);
	va_end(ap);
	return code;
}

int sa_error_ossl(sa_error *err, const char *file, int line, const char *what)
{
	unsigned long first = ERR_get_error();
	char reason[256] = "no OpenSSL error queued";

	if (first != 0)
		ERR_error_string_n(first, reason, sizeof(reason));
	/* Drain the rest so the next case starts clean (STYLE rule 10). */
	ERR_clear_error();
	sa_error_setf(err, SA_E_OSSL, file, line, "%s: %s", what, reason);
	if (err != NULL)
		err->ossl = first;
	return SA_E_OSSL;
}

int sa_error_ckr(sa_error *err, unsigned long rv, const char *file, int line,
                 const char *what)
{
	sa_error_setf(err, SA_E_CKR, file, line, "%s: %s", what,
	              sa_p11_rv_name((CK_RV)rv));
	if (err != NULL) {
		err->ckr = rv;
		err->has_ckr = true;
	}
	return SA_E_CKR;
}
