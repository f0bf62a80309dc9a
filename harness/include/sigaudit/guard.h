/* sigaudit: guard macros (STYLE rule 8).
 *
 * Every macro assumes the enclosing function declares `int rc` and a label
 * `out:` where resources are released in reverse order. A macro assigns rc
 * and jumps to out; none of them returns. They are unit-tested in
 * tests/unit/check_guard.c.
 *
 *   SA_ENSURE(cond, err, code, fmt, ...)  cond false: rc = code, message, goto
 * out SA_TRY(expr)                          expr < 0: rc = expr, goto out
 *   SA_TRY_OSSL(call, err, what)          call != 1: drain OpenSSL queue, rc =
 * SA_E_OSSL SA_TRY_CKR(call, err, what)           call != CKR_OK: rc =
 * SA_E_CKR, CK_RV kept in err
 */
#ifndef SIGAUDIT_GUARD_H
#define SIGAUDIT_GUARD_H

#include "sigaudit/error.h"

#define SA_ENSURE(cond, err, code, ...)                                        \
	do {                                                                   \
		if (!(cond)) {                                                 \
			rc = sa_error_setf((err), (code), __FILE__, __LINE__,  \
			                   __VA_ARGS__);                       \
			goto out;                                              \
		}                                                              \
	} while (0)

#define SA_TRY(expr)                                                           \
	do {                                                                   \
		int sa_try_rc_ = (expr);                                       \
		if (sa_try_rc_ < 0) {                                          \
			rc = sa_try_rc_;                                       \
			goto out;                                              \
		}                                                              \
	} while (0)

/* OpenSSL is a boundary: success is exactly 1 (STYLE rule 10). */
#define SA_TRY_OSSL(call, err, what)                                           \
	do {                                                                   \
		if ((call) != 1) {                                             \
			rc = sa_error_ossl((err), __FILE__, __LINE__, (what)); \
			goto out;                                              \
		}                                                              \
	} while (0)

#define SA_TRY_CKR(call, err, what)                                            \
	do {                                                                   \
		unsigned long sa_try_ckr_ = (unsigned long)(call);             \
		if (sa_try_ckr_ != 0UL) {                                      \
			rc = sa_error_ckr((err), sa_try_ckr_, __FILE__,        \
			                  __LINE__, (what));                   \
			goto out;                                              \
		}                                                              \
	} while (0)

#endif
