/* Catalogue group C: PINs (SES-07, SES-08, SES-09, SES-14, SES-15).
 * Descriptions and references: session.c.
 *
 * Safety rules kept by every function here (DESIGN §6):
 *   - a wrong PIN is derived from the real one (sa_p11_ses_wrong_pin), so it
 *     can never be the real one, and neither is printed or recorded;
 *   - before a wrong PIN is presented the real one is shown to work, and the
 *     token's FINAL_TRY / LOCKED flags are read: no attempt is made that
 *     could lock a PIN, except in SES-08 on a disposable token;
 *   - every call that could change a PIN passes the real PIN as the new one,
 *     or is undone at once if the token wrongly accepts it. */
#include <stdio.h>
#include <string.h>

#include "sigaudit/guard.h"
#include "sigaudit/profile.h"

#include "session_int.h"

static CK_RV login_with(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_USER_TYPE who,
                        const sa_buf *pin)
{
	return sa_case_p11(ctx)->C_Login(s, who, pin->data, (CK_ULONG)pin->len);
}

/* The PIN flags of `who`, or an ERROR verdict. */
static int pin_flags(sa_case_ctx *ctx, CK_FLAGS *out)
{
	CK_TOKEN_INFO ti;
	int rc;

	*out = 0;
	rc = sa_p11_ses_token_info(ctx, &ti);
	if (rc == SA_OK)
		*out = ti.flags;
	return rc;
}

/* Skip (with the reason) when a wrong PIN of `who` could lock it or cannot
 * be presented through the API. Returns true when the case may go on. */
static bool wrong_pin_is_safe(sa_case_ctx *ctx, CK_FLAGS flags,
                              CK_USER_TYPE who)
{
	char buf[160];
	bool safe = false;

	if (flags & CKF_PROTECTED_AUTHENTICATION_PATH) {
		sa_case_skip(ctx, "token has CKF_PROTECTED_AUTHENTICATION_PATH:"
		                  " a wrong PIN cannot be presented through "
		                  "the API");
		goto out;
	}
	if (flags &
	    (sa_p11_ses_flag_final_try(who) | sa_p11_ses_flag_locked(who))) {
		sa_case_skip(
		    ctx,
		    "%s PIN flags are %s: one more wrong PIN could "
		    "lock it, not attempted",
		    who == CKU_SO ? "SO" : "user",
		    sa_p11_ses_pin_flags_str(flags, who, buf, sizeof(buf)));
		goto out;
	}
	safe = true;
out:
	return safe;
}

/* Shows that the configured PIN is right before anything wrong is tried:
 * C_Login in a fresh session of the right kind, then C_Logout. */
static int prove_pin(sa_case_ctx *ctx, CK_USER_TYPE who)
{
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	int rc;

	rc = sa_p11_ses_open(ctx, who == CKU_SO, &s);
	if (rc < 0)
		goto out;
	rc = sa_p11_ses_login(ctx, s, who);
	if (rc < 0)
		goto out;
	sa_p11_ses_logout_quiet(ctx, s);
out:
	sa_p11_ses_close(ctx, &s);
	return rc;
}

/* After a wrong PIN: the flags a token *may* report (B2.40 §3.2 lets a
 * token always report them false). Set: pass; not set: lenient pass. */
static void check_count_low(sa_case_ctx *ctx, CK_FLAGS flags, CK_USER_TYPE who)
{
	char buf[160];
	char what[96];

	snprintf(what, sizeof(what), "%s PIN flags after one wrong PIN",
	         who == CKU_SO ? "SO" : "user");
	sa_p11_ses_pin_flags_str(flags, who, buf, sizeof(buf));
	if (flags & sa_p11_ses_flag_count_low(who)) {
		sa_case_check(ctx, true, what,
		              who == CKU_SO ? "CKF_SO_PIN_COUNT_LOW set"
		                            : "CKF_USER_PIN_COUNT_LOW set",
		              buf);
	} else {
		sa_case_check(ctx, true, what,
		              who == CKU_SO ? "CKF_SO_PIN_COUNT_LOW set "
		                              "(lenient: never reported)"
		                            : "CKF_USER_PIN_COUNT_LOW set "
		                              "(lenient: never reported)",
		              buf);
		sa_case_note(ctx,
		             "the token does not report a wrong %s PIN "
		             "in CK_TOKEN_INFO.flags",
		             who == CKU_SO ? "SO" : "user");
		sa_case_mark_lenient(ctx);
	}
}

/* After a good login: "since the last successful authentication" (B2.40
 * §3.2) means COUNT_LOW and FINAL_TRY are clear again. */
static void check_flags_cleared(sa_case_ctx *ctx, CK_USER_TYPE who,
                                const char *what)
{
	CK_FLAGS flags;
	CK_FLAGS mask = sa_p11_ses_flag_count_low(who) |
	                sa_p11_ses_flag_final_try(who) |
	                sa_p11_ses_flag_locked(who);
	char buf[160];

	if (pin_flags(ctx, &flags) < 0)
		goto out;
	sa_case_check(
	    ctx, (flags & mask) == 0, what, "none",
	    sa_p11_ses_pin_flags_str(flags & mask, who, buf, sizeof(buf)));
out:
	return;
}

void sa_p11_ses07_wrong_pin_flags(sa_case_ctx *ctx)
{
	sa_buf pin = SA_BUF_INIT_SECURE, wrong = SA_BUF_INIT_SECURE;
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_FLAGS flags;
	char buf[160];
	CK_RV rv;

	if (pin_flags(ctx, &flags) < 0)
		goto out;
	if (!wrong_pin_is_safe(ctx, flags, CKU_USER))
		goto out;
	if (flags & CKF_USER_PIN_COUNT_LOW)
		sa_case_note(ctx, "CKF_USER_PIN_COUNT_LOW was already set "
		                  "before the case");
	if (sa_p11_ses_read_pin(ctx, CKU_USER, &pin) < 0)
		goto out;
	if (sa_p11_ses_wrong_pin(&pin, &wrong) < 0) {
		sa_case_skip(ctx, "the user PIN has no ASCII character to alter"
		                  " safely");
		goto out;
	}
	/* The right PIN first: a refusal here means the profile is wrong, and
	 * then no wrong PIN is presented at all. */
	if (prove_pin(ctx, CKU_USER) < 0)
		goto out;
	check_flags_cleared(ctx, CKU_USER,
	                    "user PIN flags after a successful login");

	if (sa_p11_ses_open(ctx, false, &s) < 0)
		goto out;
	/* Exactly one wrong attempt (B2.40 §5.6.7 CKR_PIN_INCORRECT). */
	rv = login_with(ctx, s, CKU_USER, &wrong);
	sa_p11_check_rv(ctx, "C_Login(CKU_USER, wrong PIN)", rv,
	                CKR_PIN_INCORRECT, SA_STRICT_ONLY);
	if (rv == CKR_OK) {
		sa_case_fail(ctx, "a wrong user PIN was accepted");
		sa_p11_ses_logout_quiet(ctx, s);
	}
	sa_p11_ses_check_state(ctx, s, CKS_RO_PUBLIC_SESSION,
	                       "session state after the wrong PIN");
	if (pin_flags(ctx, &flags) < 0)
		goto out;
	check_count_low(ctx, flags, CKU_USER);
	sa_case_check(
	    ctx, !(flags & CKF_USER_PIN_LOCKED),
	    "CKF_USER_PIN_LOCKED after one wrong PIN (FINAL_TRY was "
	    "clear)",
	    "clear",
	    sa_p11_ses_pin_flags_str(flags, CKU_USER, buf, sizeof(buf)));

	/* The good login that must clear the counters. */
	rv = sa_p11_login(ctx, s, CKU_USER);
	if (!sa_p11_check_rv(ctx, "C_Login(CKU_USER, right PIN) after it", rv,
	                     CKR_OK, SA_STRICT_ONLY))
		goto out;
	check_flags_cleared(ctx, CKU_USER,
	                    "user PIN flags after the next successful login");
	sa_p11_ses_logout_quiet(ctx, s);
out:
	sa_p11_ses_close(ctx, &s);
	sa_buf_free(&wrong);
	sa_buf_free(&pin);
}

/* SES-08 tail: give the user PIN back with C_InitPIN as SO (B2.40 §5.5.8:
 * that also unlocks it). Returns whether the token is usable again. */
static bool restore_user_pin(sa_case_ctx *ctx, const sa_buf *user_pin)
{
	CK_SESSION_HANDLE so = CK_INVALID_HANDLE, s = CK_INVALID_HANDLE;
	bool ok = false;
	CK_RV rv;

	if (sa_p11_ses_open(ctx, true, &so) < 0 ||
	    sa_p11_ses_login(ctx, so, CKU_SO) < 0)
		goto out;
	rv = sa_case_p11(ctx)->C_InitPIN(so, user_pin->data,
	                                 (CK_ULONG)user_pin->len);
	sa_p11_check_rv(ctx, "C_InitPIN (SO) to restore the user PIN", rv,
	                CKR_OK, SA_STRICT_ONLY);
	sa_p11_ses_logout_quiet(ctx, so);
	if (rv != CKR_OK)
		goto out;
	if (sa_p11_ses_open(ctx, false, &s) < 0)
		goto out;
	rv = sa_p11_login(ctx, s, CKU_USER);
	ok = sa_p11_check_rv(ctx, "C_Login(CKU_USER) after the restore", rv,
	                     CKR_OK, SA_STRICT_ONLY);
	if (ok)
		sa_p11_ses_logout_quiet(ctx, s);
out:
	sa_p11_ses_close(ctx, &s);
	sa_p11_ses_close(ctx, &so);
	return ok;
}

void sa_p11_ses08_pin_lockout(sa_case_ctx *ctx)
{
	sa_buf pin = SA_BUF_INIT_SECURE, wrong = SA_BUF_INIT_SECURE;
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_FLAGS flags, before_lock = 0;
	bool locked = false, any_flag = false;
	bool lock_attempted = false;
	unsigned tries = 0;
	char buf[160];
	CK_RV rv;

	if (!sa_case_destructive_allowed(ctx)) {
		sa_case_skip(ctx, "destructive: needs --destructive and a token"
		                  " the profile marks disposable");
		goto out;
	}
	if (pin_flags(ctx, &flags) < 0)
		goto out;
	if (flags & CKF_PROTECTED_AUTHENTICATION_PATH) {
		sa_case_skip(ctx, "token has CKF_PROTECTED_AUTHENTICATION_PATH:"
		                  " wrong PINs cannot be presented through "
		                  "the API");
		goto out;
	}
	if (flags & CKF_USER_PIN_LOCKED) {
		sa_case_skip(ctx, "the user PIN is already locked");
		goto out;
	}
	if (sa_p11_ses_read_pin(ctx, CKU_USER, &pin) < 0)
		goto out;
	if (sa_p11_ses_wrong_pin(&pin, &wrong) < 0) {
		sa_case_skip(ctx, "the user PIN has no ASCII character to alter"
		                  " safely");
		goto out;
	}
	/* Both PINs must be known good before the user PIN is locked: the SO
	 * one is what gives it back. */
	if (prove_pin(ctx, CKU_SO) < 0 || prove_pin(ctx, CKU_USER) < 0)
		goto out;
	if (sa_p11_ses_open(ctx, false, &s) < 0)
		goto out;
	lock_attempted = true;
	while (tries < SA_P11_SES_LOCKOUT_MAX_TRIES) {
		before_lock = flags;
		rv = login_with(ctx, s, CKU_USER, &wrong);
		tries++;
		if (rv == CKR_PIN_LOCKED) {
			locked = true;
		} else if (rv == CKR_OK) {
			sa_case_fail(ctx,
			             "wrong user PIN accepted at attempt %u",
			             tries);
			sa_p11_ses_logout_quiet(ctx, s);
			goto restore;
		} else if (rv != CKR_PIN_INCORRECT) {
			sa_p11_check_rv(ctx, "C_Login(CKU_USER, wrong PIN)", rv,
			                CKR_PIN_INCORRECT,
			                SA_LENIENT(CKR_PIN_LOCKED));
			break;
		}
		if (pin_flags(ctx, &flags) < 0)
			goto restore;
		if (flags & (CKF_USER_PIN_COUNT_LOW | CKF_USER_PIN_FINAL_TRY |
		             CKF_USER_PIN_LOCKED))
			any_flag = true;
		if (flags & CKF_USER_PIN_LOCKED)
			locked = true;
		if (locked)
			break;
	}
	sa_case_checkf(ctx, locked, "user PIN locked by repeated wrong PINs",
	               "locked after at most " SA_P11_SES_XSTR(
	                   SA_P11_SES_LOCKOUT_MAX_TRIES) " wrong PINs",
	               locked ? "locked after %u wrong PINs"
	                      : "still not locked after %u wrong PINs",
	               tries);
	if (!locked)
		goto restore;
	/* B2.40 §3.2: FINAL_TRY announces the attempt that locks. Tokens may
	 * keep all PIN flags false; then only the CK_RV counts. */
	if (any_flag) {
		sa_case_check(ctx, (flags & CKF_USER_PIN_LOCKED) != 0,
		              "CKF_USER_PIN_LOCKED once locked", "set",
		              sa_p11_ses_pin_flags_str(flags, CKU_USER, buf,
		                                       sizeof(buf)));
		sa_case_check(ctx, (before_lock & CKF_USER_PIN_FINAL_TRY) != 0,
		              "CKF_USER_PIN_FINAL_TRY before the locking "
		              "attempt",
		              "set",
		              sa_p11_ses_pin_flags_str(before_lock, CKU_USER,
		                                       buf, sizeof(buf)));
	} else {
		sa_case_note(ctx, "the token reports no PIN flags at all "
		                  "(permitted by B2.40 §3.2)");
		sa_case_mark_lenient(ctx);
	}
	/* The point of a lockout: the right PIN is refused too. */
	rv = sa_p11_login(ctx, s, CKU_USER);
	sa_p11_check_rv(ctx, "C_Login(CKU_USER, right PIN) once locked", rv,
	                CKR_PIN_LOCKED, SA_STRICT_ONLY);
	if (rv == CKR_OK)
		sa_p11_ses_logout_quiet(ctx, s);
restore:
	sa_p11_ses_close(ctx, &s);
	if (locked) {
		if (!restore_user_pin(ctx, &pin))
			sa_case_error(ctx,
			              "the user PIN could not be restored: "
			              "the token needs C_InitPIN by the SO");
		else
			check_flags_cleared(ctx, CKU_USER,
			                    "user PIN flags after the restore");
	} else if (lock_attempted) {
		/* Not locked: the right PIN resets the counters; C_InitPIN
		 * is not needed and is not called. */
		if (sa_p11_ses_open(ctx, false, &s) < 0)
			goto out;
		rv = sa_p11_login(ctx, s, CKU_USER);
		if (sa_p11_check_rv(ctx,
		                    "C_Login(CKU_USER, right PIN) after "
		                    "the wrong ones",
		                    rv, CKR_OK, SA_STRICT_ONLY)) {
			check_flags_cleared(
			    ctx, CKU_USER, "user PIN flags after a good login");
			sa_p11_ses_logout_quiet(ctx, s);
		}
	}
out:
	sa_p11_ses_close(ctx, &s);
	sa_buf_free(&wrong);
	sa_buf_free(&pin);
}

void sa_p11_ses09_user_type(sa_case_ctx *ctx)
{
	static const CK_USER_TYPE bad[] = {3, 99, 0x7fffffffUL};
	const CK_FLAGS pin_state = CKF_USER_PIN_COUNT_LOW |
	                           CKF_USER_PIN_FINAL_TRY |
	                           CKF_USER_PIN_LOCKED | CKF_SO_PIN_COUNT_LOW |
	                           CKF_SO_PIN_FINAL_TRY | CKF_SO_PIN_LOCKED;
	sa_buf pin = SA_BUF_INIT_SECURE;
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_FLAGS before, after;
	size_t i;
	CK_RV rv;

	if (pin_flags(ctx, &before) < 0)
		goto out;
	/* A module that maps an unknown type onto the SO would check the
	 * user PIN against the SO PIN: not even one such attempt when the SO
	 * PIN is close to locking. */
	if (before & (CKF_SO_PIN_FINAL_TRY | CKF_SO_PIN_LOCKED)) {
		sa_case_skip(ctx, "the SO PIN is at its final try or locked: "
		                  "an unknown user type taken for CKU_SO could "
		                  "lock it, not attempted");
		goto out;
	}
	if (sa_p11_ses_read_pin(ctx, CKU_USER, &pin) < 0)
		goto out;
	if (sa_p11_ses_open(ctx, true, &s) < 0)
		goto out;
	/* The real user PIN goes with each unknown type: a token that does
	 * not check the type and treats it as CKU_USER then logs in (a
	 * finding) instead of counting a wrong PIN. */
	for (i = 0; i < SA_COUNTOF(bad); i++) {
		char what[64], buf[160];

		snprintf(what, sizeof(what), "C_Login(userType %lu)",
		         (unsigned long)bad[i]);
		rv = login_with(ctx, s, bad[i], &pin);
		sa_p11_check_rv(ctx, what, rv, CKR_USER_TYPE_INVALID,
		                SA_STRICT_ONLY);
		if (rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN)
			sa_p11_ses_logout_quiet(ctx, s);
		if (pin_flags(ctx, &after) < 0)
			goto out;
		/* A PIN counter that moved means the PIN was checked against
		 * some role: stop before a second attempt counts too. */
		if ((after & pin_state) & ~(before & pin_state)) {
			sa_case_fail(ctx,
			             "userType %lu was checked as a PIN of "
			             "another role (flags now %s%s)",
			             (unsigned long)bad[i],
			             sa_p11_ses_pin_flags_str(after, CKU_SO,
			                                      buf, sizeof(buf)),
			             (after & CKF_USER_PIN_COUNT_LOW)
			                 ? ", CKF_USER_PIN_COUNT_LOW"
			                 : "");
			break;
		}
	}
	sa_p11_ses_check_state(ctx, s, CKS_RW_PUBLIC_SESSION,
	                       "session state after the refused logins");
out:
	sa_p11_ses_close(ctx, &s);
	sa_buf_free(&pin);
}

/* SES-14 repair when the token wrongly re-initialised itself: the SO PIN is
 * then `so_now`; set it back to the real one and give the user PIN back.
 * Best effort; the case has already failed. */
static void repair_after_init(sa_case_ctx *ctx, const sa_buf *so_now,
                              const sa_buf *so_real, const sa_buf *user_pin)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_RV rv;

	if (f->C_OpenSession(sa_case_slot(ctx),
	                     CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL,
	                     &s) != CKR_OK)
		goto out;
	rv = login_with(ctx, s, CKU_SO, so_now);
	if (rv != CKR_OK)
		goto out;
	if (so_now != so_real)
		(void)f->C_SetPIN(s, so_now->data, (CK_ULONG)so_now->len,
		                  so_real->data, (CK_ULONG)so_real->len);
	rv = f->C_InitPIN(s, user_pin->data, (CK_ULONG)user_pin->len);
	sa_case_note(ctx,
	             "repair: C_InitPIN of the user PIN returned %s; "
	             "token objects are gone and must be re-provisioned",
	             sa_p11_rv_name(rv));
	(void)f->C_Logout(s);
out:
	sa_p11_ses_close(ctx, &s);
}

void sa_p11_ses14_init_token(sa_case_ctx *ctx)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_SLOT_ID slot = sa_case_slot(ctx);
	sa_buf so = SA_BUF_INIT_SECURE, wrong = SA_BUF_INIT_SECURE;
	sa_buf user = SA_BUF_INIT_SECURE;
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_TOKEN_INFO before, after;
	CK_UTF8CHAR label[32];
	CK_RV rv;

	if (!sa_case_destructive_allowed(ctx)) {
		sa_case_skip(ctx, "destructive: needs --destructive and a token"
		                  " the profile marks disposable");
		goto out;
	}
	if (sa_p11_ses_token_info(ctx, &before) < 0)
		goto out;
	if (!wrong_pin_is_safe(ctx, before.flags, CKU_SO))
		goto out;
	if (sa_p11_ses_read_pin(ctx, CKU_SO, &so) < 0 ||
	    sa_p11_ses_read_pin(ctx, CKU_USER, &user) < 0)
		goto out;
	if (sa_p11_ses_wrong_pin(&so, &wrong) < 0) {
		sa_case_skip(ctx, "the SO PIN has no ASCII character to alter "
		                  "safely");
		goto out;
	}
	if (prove_pin(ctx, CKU_SO) < 0)
		goto out;
	/* The same label: should the token wrongly re-initialise, the
	 * profile's token URI still finds it. */
	memcpy(label, before.label, sizeof(label));

	/* 1. A session is open (B2.40 §5.5.7 CKR_SESSION_EXISTS). The right
	 * SO PIN goes with it so that the refusal cannot be a PIN check and
	 * cannot count towards an SO lockout. */
	if (sa_p11_ses_open(ctx, false, &s) < 0)
		goto out;
	rv = f->C_InitToken(slot, so.data, (CK_ULONG)so.len, label);
	sa_p11_check_rv(ctx, "C_InitToken with a session open", rv,
	                CKR_SESSION_EXISTS, SA_STRICT_ONLY);
	if (rv == CKR_OK) {
		sa_case_fail(ctx, "the token was re-initialised with a session "
		                  "open");
		repair_after_init(ctx, &so, &so, &user);
		goto out;
	}
	sa_p11_ses_close(ctx, &s);

	/* 2. No session, wrong SO PIN: one attempt only (it may count towards
	 * the SO lockout). */
	rv = f->C_InitToken(slot, wrong.data, (CK_ULONG)wrong.len, label);
	sa_p11_check_rv(ctx, "C_InitToken with a wrong SO PIN", rv,
	                CKR_PIN_INCORRECT, SA_STRICT_ONLY);
	if (rv == CKR_OK) {
		sa_case_fail(ctx, "the token was re-initialised with a wrong "
		                  "SO PIN");
		repair_after_init(ctx, &wrong, &so, &user);
		goto out;
	}
	if (sa_p11_ses_token_info(ctx, &after) < 0)
		goto out;
	check_count_low(ctx, after.flags, CKU_SO);
	/* Nothing was initialised: same label, still initialised, user PIN
	 * still set and still working. */
	sa_case_check(ctx, memcmp(after.label, before.label, 32) == 0,
	              "token label after the refused C_InitToken calls",
	              "unchanged",
	              memcmp(after.label, before.label, 32) == 0 ? "unchanged"
	                                                         : "changed");
	sa_case_checkf(ctx,
	               (after.flags &
	                (CKF_TOKEN_INITIALIZED | CKF_USER_PIN_INITIALIZED)) ==
	                   (CKF_TOKEN_INITIALIZED | CKF_USER_PIN_INITIALIZED),
	               "CKF_TOKEN_INITIALIZED and CKF_USER_PIN_INITIALIZED",
	               "both still set", "flags 0x%lx",
	               (unsigned long)after.flags);
	/* A good SO login resets the SO counter the wrong PIN moved. */
	if (prove_pin(ctx, CKU_SO) < 0)
		goto out;
	check_flags_cleared(ctx, CKU_SO, "SO PIN flags after a good SO login");
	if (sa_p11_ses_open(ctx, false, &s) < 0)
		goto out;
	rv = sa_p11_login(ctx, s, CKU_USER);
	sa_p11_check_rv(ctx, "C_Login(CKU_USER) after the refused calls", rv,
	                CKR_OK, SA_STRICT_ONLY);
	if (rv == CKR_OK)
		sa_p11_ses_logout_quiet(ctx, s);
out:
	sa_p11_ses_close(ctx, &s);
	sa_buf_free(&user);
	sa_buf_free(&wrong);
	sa_buf_free(&so);
}

void sa_p11_ses15a_setpin_ro(sa_case_ctx *ctx)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	sa_buf pin = SA_BUF_INIT_SECURE;
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	bool logged_in = false;
	CK_RV rv;

	if (sa_p11_ses_read_pin(ctx, CKU_USER, &pin) < 0)
		goto out;
	if (sa_p11_ses_open(ctx, false, &s) < 0)
		goto out;
	/* B2.40 §5.5.9: C_SetPIN only from an RW state, else
	 * CKR_SESSION_READ_ONLY. Old and new PIN are both the real one, so
	 * a token that wrongly accepts changes nothing. */
	rv = f->C_SetPIN(s, pin.data, (CK_ULONG)pin.len, pin.data,
	                 (CK_ULONG)pin.len);
	sa_p11_check_rv(ctx, "C_SetPIN in an RO public session", rv,
	                CKR_SESSION_READ_ONLY, SA_STRICT_ONLY);
	if (sa_p11_ses_login(ctx, s, CKU_USER) < 0)
		goto out;
	logged_in = true;
	rv = f->C_SetPIN(s, pin.data, (CK_ULONG)pin.len, pin.data,
	                 (CK_ULONG)pin.len);
	sa_p11_check_rv(ctx, "C_SetPIN in an RO user session", rv,
	                CKR_SESSION_READ_ONLY, SA_STRICT_ONLY);
out:
	if (logged_in)
		sa_p11_ses_logout_quiet(ctx, s);
	sa_p11_ses_close(ctx, &s);
	sa_buf_free(&pin);
}

void sa_p11_ses15b_initpin_state(sa_case_ctx *ctx)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	sa_buf pin = SA_BUF_INIT_SECURE;
	CK_SESSION_HANDLE ro = CK_INVALID_HANDLE, rw = CK_INVALID_HANDLE;
	bool logged_in = false;
	CK_RV rv;

	if (sa_p11_ses_read_pin(ctx, CKU_USER, &pin) < 0)
		goto out;
	if (sa_p11_ses_open(ctx, false, &ro) < 0 ||
	    sa_p11_ses_open(ctx, true, &rw) < 0)
		goto out;
	/* B2.40 §5.5.8: C_InitPIN only in the "R/W SO Functions" state, else
	 * CKR_USER_NOT_LOGGED_IN. Resetting the user PIN without the SO is
	 * the worst failure in this group, so the new PIN is the real one:
	 * an erroneous success changes nothing. */
	rv = f->C_InitPIN(rw, pin.data, (CK_ULONG)pin.len);
	sa_p11_check_rv(ctx, "C_InitPIN in an RW public session", rv,
	                CKR_USER_NOT_LOGGED_IN, SA_STRICT_ONLY);
	/* An RO session is also the wrong state; "read-only" is an equally
	 * true answer there (B2.40 §5.1.6 CKR_SESSION_READ_ONLY). */
	rv = f->C_InitPIN(ro, pin.data, (CK_ULONG)pin.len);
	sa_p11_check_rv(ctx, "C_InitPIN in an RO public session", rv,
	                CKR_USER_NOT_LOGGED_IN,
	                SA_LENIENT(CKR_SESSION_READ_ONLY));
	if (sa_p11_ses_login(ctx, rw, CKU_USER) < 0)
		goto out;
	logged_in = true;
	rv = f->C_InitPIN(rw, pin.data, (CK_ULONG)pin.len);
	sa_p11_check_rv(ctx, "C_InitPIN in an RW user session", rv,
	                CKR_USER_NOT_LOGGED_IN, SA_STRICT_ONLY);
out:
	if (logged_in)
		sa_p11_ses_logout_quiet(ctx, rw);
	sa_p11_ses_close(ctx, &rw);
	sa_p11_ses_close(ctx, &ro);
	sa_buf_free(&pin);
}

/* C_SetPIN(old = real, new = `bad`) must be refused; when it is not, the PIN
 * is set straight back (trying the truncated form too, for a token that cut
 * it to ulMaxPinLen) and the case fails. Should both fail, a fresh login
 * with the configured PIN tells whether anything changed at all. */
static void setpin_len_check(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                             const sa_buf *pin, const sa_buf *bad,
                             CK_ULONG max_len, const char *what)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_RV rv, back;

	rv = f->C_SetPIN(s, pin->data, (CK_ULONG)pin->len, bad->data,
	                 (CK_ULONG)bad->len);
	sa_p11_check_rv(ctx, what, rv, CKR_PIN_LEN_RANGE, SA_STRICT_ONLY);
	if (rv != CKR_OK)
		goto out;
	back = f->C_SetPIN(s, bad->data, (CK_ULONG)bad->len, pin->data,
	                   (CK_ULONG)pin->len);
	if (back != CKR_OK && max_len > 0 && bad->len > max_len)
		back = f->C_SetPIN(s, bad->data, max_len, pin->data,
		                   (CK_ULONG)pin->len);
	if (back == CKR_OK) {
		sa_case_note(ctx, "%s was accepted; the PIN was set back",
		             what);
		goto out;
	}
	(void)f->C_Logout(s);
	rv = sa_p11_login(ctx, s, CKU_USER);
	if (rv == CKR_OK)
		sa_case_note(ctx,
		             "%s was reported accepted, setting it back gave "
		             "%s, and the configured PIN still logs in: "
		             "nothing changed",
		             what, sa_p11_rv_name(back));
	else
		sa_case_error(ctx,
		              "%s was accepted, could not be set back (%s) "
		              "and the configured PIN no longer logs in (%s): "
		              "the user PIN must be reset by the SO",
		              what, sa_p11_rv_name(back), sa_p11_rv_name(rv));
out:
	return;
}

void sa_p11_ses15c_pin_len_range(sa_case_ctx *ctx)
{
	sa_buf pin = SA_BUF_INIT_SECURE, bad = SA_BUF_INIT_SECURE;
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_TOKEN_INFO ti;
	bool logged_in = false, tested = false;

	if (sa_p11_ses_token_info(ctx, &ti) < 0)
		goto out;
	if (ti.flags & CKF_PROTECTED_AUTHENTICATION_PATH) {
		sa_case_skip(ctx, "token has CKF_PROTECTED_AUTHENTICATION_PATH:"
		                  " PINs are not passed through the API");
		goto out;
	}
	if (sa_p11_ses_read_pin(ctx, CKU_USER, &pin) < 0)
		goto out;
	if (sa_p11_ses_open(ctx, true, &s) < 0)
		goto out;
	if (sa_p11_ses_login(ctx, s, CKU_USER) < 0)
		goto out;
	logged_in = true;
	/* B2.40 §5.5.9 CKR_PIN_LEN_RANGE against ulMinPinLen / ulMaxPinLen
	 * (§3.2). Only when the over-long PIN is small enough to be undone
	 * by hand if a broken token takes it. */
	if (ti.ulMaxPinLen > 0 && ti.ulMaxPinLen < 256) {
		if (sa_p11_ses_digits(ti.ulMaxPinLen + 1, &bad) < 0) {
			sa_case_error(ctx, "out of memory");
			goto out;
		}
		setpin_len_check(ctx, s, &pin, &bad, ti.ulMaxPinLen,
		                 "C_SetPIN(new PIN of ulMaxPinLen + 1)");
		tested = true;
	} else {
		sa_case_note(ctx, "ulMaxPinLen %lu: no over-long PIN test",
		             (unsigned long)ti.ulMaxPinLen);
	}
	if (ti.ulMinPinLen > 1 &&
	    ti.ulMinPinLen != CK_UNAVAILABLE_INFORMATION &&
	    ti.ulMinPinLen <= 256) {
		if (sa_p11_ses_digits(ti.ulMinPinLen - 1, &bad) < 0) {
			sa_case_error(ctx, "out of memory");
			goto out;
		}
		setpin_len_check(ctx, s, &pin, &bad, 0,
		                 "C_SetPIN(new PIN of ulMinPinLen - 1)");
		tested = true;
	} else {
		sa_case_note(ctx, "ulMinPinLen %lu: no too-short PIN test",
		             (unsigned long)ti.ulMinPinLen);
	}
	if (!tested)
		sa_case_skip(ctx,
		             "ulMinPinLen %lu / ulMaxPinLen %lu leave no "
		             "safe length to test",
		             (unsigned long)ti.ulMinPinLen,
		             (unsigned long)ti.ulMaxPinLen);
out:
	if (logged_in)
		sa_p11_ses_logout_quiet(ctx, s);
	sa_p11_ses_close(ctx, &s);
	sa_buf_free(&bad);
	sa_buf_free(&pin);
}
