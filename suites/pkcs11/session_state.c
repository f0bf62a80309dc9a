/* Catalogue group C: opening sessions and the login state machine
 * (SES-01..06, SES-10, SES-13). Descriptions and references: session.c. */
#include <stdio.h>
#include <string.h>

#include "sigaudit/guard.h"
#include "sigaudit/profile.h"

#include "session_int.h"

/* C_GetSessionInfo of s, checked field by field against what was asked for
 * when it was opened (B2.40 §5.6.4: slotID, state, flags). */
static void check_session_info(sa_case_ctx *ctx, CK_SESSION_HANDLE s, bool rw,
                               const char *label)
{
	CK_SESSION_INFO info;
	CK_FLAGS want = CKF_SERIAL_SESSION | (rw ? CKF_RW_SESSION : 0);
	CK_RV rv;
	char what[128];

	memset(&info, 0, sizeof(info));
	rv = sa_case_p11(ctx)->C_GetSessionInfo(s, &info);
	snprintf(what, sizeof(what), "C_GetSessionInfo(%s session)", label);
	if (!sa_p11_check_rv(ctx, what, rv, CKR_OK, SA_STRICT_ONLY))
		goto out;
	snprintf(what, sizeof(what), "%s session: slotID", label);
	sa_case_checkf(ctx, info.slotID == sa_case_slot(ctx), what, "the slot",
	               "%lu (slot %lu)", (unsigned long)info.slotID,
	               (unsigned long)sa_case_slot(ctx));
	snprintf(what, sizeof(what), "%s session: state", label);
	sa_case_check(ctx,
	              info.state ==
	                  (rw ? CKS_RW_PUBLIC_SESSION : CKS_RO_PUBLIC_SESSION),
	              what,
	              sa_p11_state_name(rw ? CKS_RW_PUBLIC_SESSION
	                                   : CKS_RO_PUBLIC_SESSION),
	              sa_p11_state_name(info.state));
	snprintf(what, sizeof(what), "%s session: flags", label);
	sa_case_checkf(ctx, info.flags == want, what,
	               rw ? "CKF_SERIAL_SESSION|CKF_RW_SESSION"
	                  : "CKF_SERIAL_SESSION",
	               "0x%lx", (unsigned long)info.flags);
out:
	return;
}

void sa_p11_ses01_open_flags(sa_case_ctx *ctx)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_SLOT_ID slot = sa_case_slot(ctx);
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_TOKEN_INFO ti;
	CK_RV rv;

	/* CKF_SERIAL_SESSION "must always be set" (B2.40 §5.6.1): a module
	 * that ignores the bit lets an application believe it has a parallel
	 * session that does not exist. */
	rv = f->C_OpenSession(slot, 0, NULL, NULL, &s);
	sa_p11_check_rv(ctx, "C_OpenSession(flags 0)", rv,
	                CKR_SESSION_PARALLEL_NOT_SUPPORTED, SA_STRICT_ONLY);
	if (rv == CKR_OK)
		sa_p11_ses_close(ctx, &s);
	s = CK_INVALID_HANDLE;
	rv = f->C_OpenSession(slot, CKF_RW_SESSION, NULL, NULL, &s);
	sa_p11_check_rv(ctx, "C_OpenSession(CKF_RW_SESSION only)", rv,
	                CKR_SESSION_PARALLEL_NOT_SUPPORTED, SA_STRICT_ONLY);
	if (rv == CKR_OK)
		sa_p11_ses_close(ctx, &s);
	s = CK_INVALID_HANDLE;

	if (sa_p11_ses_token_info(ctx, &ti) < 0)
		goto out;
	rv = sa_p11_open(ctx, CKF_RW_SESSION, &s);
	if (ti.flags & CKF_WRITE_PROTECTED) {
		sa_p11_check_rv(
		    ctx, "C_OpenSession(RW) on a CKF_WRITE_PROTECTED token", rv,
		    CKR_TOKEN_WRITE_PROTECTED, SA_STRICT_ONLY);
		if (rv == CKR_OK)
			sa_p11_ses_close(ctx, &s);
	} else {
		sa_case_note(ctx, "token is not CKF_WRITE_PROTECTED: an RW "
		                  "session must open");
		if (sa_p11_check_rv(ctx, "C_OpenSession(RW)", rv, CKR_OK,
		                    SA_STRICT_ONLY))
			check_session_info(ctx, s, true, "RW");
		sa_p11_ses_close(ctx, &s);
	}
	rv = sa_p11_open(ctx, 0, &s);
	if (sa_p11_check_rv(ctx, "C_OpenSession(RO)", rv, CKR_OK,
	                    SA_STRICT_ONLY))
		check_session_info(ctx, s, false, "RO");
out:
	sa_p11_ses_close(ctx, &s);
}

void sa_p11_ses02_open_null(sa_case_ctx *ctx)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_SLOT_ID slot = sa_case_slot(ctx);
	CK_TOKEN_INFO before, after;
	CK_RV rv;

	if (sa_p11_ses_token_info(ctx, &before) < 0)
		goto out;
	/* Argument checking (B2.40 §5.6.1, §5.1.6 CKR_ARGUMENTS_BAD): with no
	 * place to return the handle, a session that opened anyway could
	 * never be closed except by C_CloseAllSessions. */
	rv = f->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL, NULL);
	sa_p11_check_rv(ctx, "C_OpenSession(RO, phSession NULL)", rv,
	                CKR_ARGUMENTS_BAD, SA_STRICT_ONLY);
	rv = f->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL,
	                      NULL, NULL);
	sa_p11_check_rv(ctx, "C_OpenSession(RW, phSession NULL)", rv,
	                CKR_ARGUMENTS_BAD, SA_STRICT_ONLY);
	if (sa_p11_ses_token_info(ctx, &after) < 0)
		goto out;
	/* ulSessionCount counts this application's sessions (B2.40 §3.2);
	 * it must not have grown when no handle was returned. */
	if (before.ulSessionCount == CK_UNAVAILABLE_INFORMATION ||
	    after.ulSessionCount == CK_UNAVAILABLE_INFORMATION) {
		sa_case_note(ctx,
		             "ulSessionCount is CK_UNAVAILABLE_INFORMATION:"
		             " no leaked-session check");
	} else {
		sa_case_checkf(ctx,
		               after.ulSessionCount == before.ulSessionCount,
		               "ulSessionCount after the refused calls",
		               "unchanged", "%lu before, %lu after",
		               (unsigned long)before.ulSessionCount,
		               (unsigned long)after.ulSessionCount);
	}
out:
	return;
}

void sa_p11_ses03a_user_states(sa_case_ctx *ctx)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_SESSION_HANDLE ro = CK_INVALID_HANDLE, rw = CK_INVALID_HANDLE;
	CK_SESSION_HANDLE ro2 = CK_INVALID_HANDLE, rw2 = CK_INVALID_HANDLE;
	bool logged_in = false;
	CK_RV rv;

	if (sa_p11_ses_open(ctx, false, &ro) < 0 ||
	    sa_p11_ses_open(ctx, true, &rw) < 0)
		goto out;
	sa_p11_ses_check_state(ctx, ro, CKS_RO_PUBLIC_SESSION,
	                       "RO session before login");
	sa_p11_ses_check_state(ctx, rw, CKS_RW_PUBLIC_SESSION,
	                       "RW session before login");
	/* Login is per application, not per session (UG2.40 §2.7.4; B2.40
	 * §5.6.7): logging in through the RO session moves every session. */
	if (sa_p11_ses_login(ctx, ro, CKU_USER) < 0)
		goto out;
	logged_in = true;
	sa_p11_ses_check_state(ctx, ro, CKS_RO_USER_FUNCTIONS,
	                       "RO session after C_Login(CKU_USER) in it");
	sa_p11_ses_check_state(
	    ctx, rw, CKS_RW_USER_FUNCTIONS,
	    "RW session after C_Login(CKU_USER) in the RO one");
	/* Sessions opened later inherit the login (UG2.40 §2.7.1-2.7.2). */
	if (sa_p11_ses_open(ctx, false, &ro2) < 0 ||
	    sa_p11_ses_open(ctx, true, &rw2) < 0)
		goto out;
	sa_p11_ses_check_state(ctx, ro2, CKS_RO_USER_FUNCTIONS,
	                       "RO session opened while the user is logged in");
	sa_p11_ses_check_state(ctx, rw2, CKS_RW_USER_FUNCTIONS,
	                       "RW session opened while the user is logged in");
	rv = f->C_Logout(rw);
	if (!sa_p11_check_rv(ctx, "C_Logout in the RW session", rv, CKR_OK,
	                     SA_STRICT_ONLY))
		goto out;
	logged_in = false;
	/* B2.40 §5.6.8: every session of the application goes public. */
	sa_p11_ses_check_state(ctx, ro, CKS_RO_PUBLIC_SESSION,
	                       "first RO session after C_Logout");
	sa_p11_ses_check_state(ctx, rw, CKS_RW_PUBLIC_SESSION,
	                       "first RW session after C_Logout");
	sa_p11_ses_check_state(ctx, ro2, CKS_RO_PUBLIC_SESSION,
	                       "second RO session after C_Logout");
	sa_p11_ses_check_state(ctx, rw2, CKS_RW_PUBLIC_SESSION,
	                       "second RW session after C_Logout");
out:
	if (logged_in)
		sa_p11_ses_logout_quiet(ctx, rw != CK_INVALID_HANDLE ? rw : ro);
	sa_p11_ses_close(ctx, &rw2);
	sa_p11_ses_close(ctx, &ro2);
	sa_p11_ses_close(ctx, &rw);
	sa_p11_ses_close(ctx, &ro);
}

void sa_p11_ses03b_so_states(sa_case_ctx *ctx)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_SESSION_HANDLE a = CK_INVALID_HANDLE, b = CK_INVALID_HANDLE;
	bool logged_in = false;
	CK_RV rv;

	/* Only RW sessions: an SO login is refused while an RO session
	 * exists (SES-04), and there is no RO SO state (UG2.40 §2.7.1). */
	if (sa_p11_ses_open(ctx, true, &a) < 0)
		goto out;
	sa_p11_ses_check_state(ctx, a, CKS_RW_PUBLIC_SESSION,
	                       "RW session before SO login");
	if (sa_p11_ses_login(ctx, a, CKU_SO) < 0)
		goto out;
	logged_in = true;
	sa_p11_ses_check_state(ctx, a, CKS_RW_SO_FUNCTIONS,
	                       "RW session after C_Login(CKU_SO)");
	if (sa_p11_ses_open(ctx, true, &b) < 0)
		goto out;
	sa_p11_ses_check_state(ctx, b, CKS_RW_SO_FUNCTIONS,
	                       "RW session opened while the SO is logged in");
	rv = f->C_Logout(b);
	if (!sa_p11_check_rv(ctx, "C_Logout (SO) in the second session", rv,
	                     CKR_OK, SA_STRICT_ONLY))
		goto out;
	logged_in = false;
	sa_p11_ses_check_state(ctx, a, CKS_RW_PUBLIC_SESSION,
	                       "first RW session after SO C_Logout");
	sa_p11_ses_check_state(ctx, b, CKS_RW_PUBLIC_SESSION,
	                       "second RW session after SO C_Logout");
out:
	if (logged_in)
		sa_p11_ses_logout_quiet(ctx, a);
	sa_p11_ses_close(ctx, &b);
	sa_p11_ses_close(ctx, &a);
}

void sa_p11_ses04_so_ro_exists(sa_case_ctx *ctx)
{
	CK_SESSION_HANDLE ro = CK_INVALID_HANDLE, rw = CK_INVALID_HANDLE;
	CK_RV rv;

	if (sa_p11_ses_open(ctx, false, &ro) < 0 ||
	    sa_p11_ses_open(ctx, true, &rw) < 0)
		goto out;
	/* B2.40 §5.6.7: "If the application calling C_Login has a R/O session
	 * open with the token, then it will be unable to log the SO into a
	 * session"; an RO SO state does not exist. The PIN is the right one,
	 * so a refusal cannot count towards an SO lockout. */
	rv = sa_p11_login(ctx, rw, CKU_SO);
	sa_p11_check_rv(ctx, "C_Login(CKU_SO) in an RW session, RO one open",
	                rv, CKR_SESSION_READ_ONLY_EXISTS, SA_STRICT_ONLY);
	if (rv == CKR_OK)
		sa_p11_ses_logout_quiet(ctx, rw);
	rv = sa_p11_login(ctx, ro, CKU_SO);
	sa_p11_check_rv(ctx, "C_Login(CKU_SO) in the RO session", rv,
	                CKR_SESSION_READ_ONLY_EXISTS, SA_STRICT_ONLY);
	if (rv == CKR_OK)
		sa_p11_ses_logout_quiet(ctx, ro);
	sa_p11_ses_check_state(ctx, rw, CKS_RW_PUBLIC_SESSION,
	                       "RW session after the refused SO logins");
	sa_p11_ses_check_state(ctx, ro, CKS_RO_PUBLIC_SESSION,
	                       "RO session after the refused SO logins");
out:
	sa_p11_ses_close(ctx, &rw);
	sa_p11_ses_close(ctx, &ro);
}

void sa_p11_ses05_ro_while_so(sa_case_ctx *ctx)
{
	CK_SESSION_HANDLE rw = CK_INVALID_HANDLE, ro = CK_INVALID_HANDLE;
	bool logged_in = false;
	CK_RV rv;

	if (sa_p11_ses_open(ctx, true, &rw) < 0)
		goto out;
	if (sa_p11_ses_login(ctx, rw, CKU_SO) < 0)
		goto out;
	logged_in = true;
	/* B2.40 §5.6.1: an RO session cannot be opened while the SO is logged
	 * in, as it would have to be in a state that does not exist. */
	rv = sa_p11_open(ctx, 0, &ro);
	sa_p11_check_rv(ctx, "C_OpenSession(RO) while the SO is logged in", rv,
	                CKR_SESSION_READ_WRITE_SO_EXISTS, SA_STRICT_ONLY);
	if (rv == CKR_OK) {
		CK_SESSION_INFO info;

		memset(&info, 0, sizeof(info));
		if (sa_case_p11(ctx)->C_GetSessionInfo(ro, &info) == CKR_OK)
			sa_case_note(ctx, "the RO session opened in state %s",
			             sa_p11_state_name(info.state));
		sa_p11_ses_close(ctx, &ro);
	}
	ro = CK_INVALID_HANDLE;
	sa_p11_ses_check_state(ctx, rw, CKS_RW_SO_FUNCTIONS,
	                       "SO session after the refused C_OpenSession");
out:
	if (logged_in)
		sa_p11_ses_logout_quiet(ctx, rw);
	sa_p11_ses_close(ctx, &ro);
	sa_p11_ses_close(ctx, &rw);
}

void sa_p11_ses06a_user_twice(sa_case_ctx *ctx)
{
	CK_SESSION_HANDLE rw = CK_INVALID_HANDLE, ro = CK_INVALID_HANDLE;
	bool logged_in = false;
	CK_RV rv;

	if (sa_p11_ses_open(ctx, true, &rw) < 0 ||
	    sa_p11_ses_open(ctx, false, &ro) < 0)
		goto out;
	if (sa_p11_ses_login(ctx, rw, CKU_USER) < 0)
		goto out;
	logged_in = true;
	/* B2.40 §5.6.7 CKR_USER_ALREADY_LOGGED_IN; the login is the
	 * application's, so a second session is already logged in too. */
	rv = sa_p11_login(ctx, rw, CKU_USER);
	sa_p11_check_rv(ctx, "second C_Login(CKU_USER), same session", rv,
	                CKR_USER_ALREADY_LOGGED_IN, SA_STRICT_ONLY);
	rv = sa_p11_login(ctx, ro, CKU_USER);
	sa_p11_check_rv(ctx, "second C_Login(CKU_USER), another session", rv,
	                CKR_USER_ALREADY_LOGGED_IN, SA_STRICT_ONLY);
	sa_p11_ses_check_state(ctx, rw, CKS_RW_USER_FUNCTIONS,
	                       "RW session after the repeated logins");
	sa_p11_ses_check_state(ctx, ro, CKS_RO_USER_FUNCTIONS,
	                       "RO session after the repeated logins");
out:
	if (logged_in)
		sa_p11_ses_logout_quiet(ctx, rw);
	sa_p11_ses_close(ctx, &ro);
	sa_p11_ses_close(ctx, &rw);
}

void sa_p11_ses06b_user_and_so(sa_case_ctx *ctx)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_SESSION_HANDLE rw = CK_INVALID_HANDLE;
	bool logged_in = false;
	CK_RV rv;

	if (sa_p11_ses_open(ctx, true, &rw) < 0)
		goto out;
	/* B2.40 §5.6.7 CKR_USER_ANOTHER_ALREADY_LOGGED_IN: one role at a
	 * time; a token that lets the SO in on top of the user (or the
	 * reverse) mixes the two roles' rights in one application. */
	if (sa_p11_ses_login(ctx, rw, CKU_USER) < 0)
		goto out;
	logged_in = true;
	rv = sa_p11_login(ctx, rw, CKU_SO);
	sa_p11_check_rv(ctx, "C_Login(CKU_SO) while the user is logged in", rv,
	                CKR_USER_ANOTHER_ALREADY_LOGGED_IN, SA_STRICT_ONLY);
	sa_p11_ses_check_state(ctx, rw, CKS_RW_USER_FUNCTIONS,
	                       "session after the refused SO login");
	rv = f->C_Logout(rw);
	logged_in = false;
	if (rv != CKR_OK) {
		sa_case_error(ctx, "set-up: C_Logout returned %s",
		              sa_p11_rv_name(rv));
		goto out;
	}
	if (sa_p11_ses_login(ctx, rw, CKU_SO) < 0)
		goto out;
	logged_in = true;
	rv = sa_p11_login(ctx, rw, CKU_USER);
	sa_p11_check_rv(ctx, "C_Login(CKU_USER) while the SO is logged in", rv,
	                CKR_USER_ANOTHER_ALREADY_LOGGED_IN, SA_STRICT_ONLY);
	sa_p11_ses_check_state(ctx, rw, CKS_RW_SO_FUNCTIONS,
	                       "session after the refused user login");
out:
	if (logged_in)
		sa_p11_ses_logout_quiet(ctx, rw);
	sa_p11_ses_close(ctx, &rw);
}

void sa_p11_ses10_logout_twice(sa_case_ctx *ctx)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_RV rv;

	if (sa_p11_ses_open(ctx, false, &s) < 0)
		goto out;
	/* B2.40 §5.6.8 lists CKR_USER_NOT_LOGGED_IN: a silent CKR_OK hides
	 * from the application that it was never authenticated. */
	rv = f->C_Logout(s);
	sa_p11_check_rv(ctx, "C_Logout in a fresh public session", rv,
	                CKR_USER_NOT_LOGGED_IN, SA_STRICT_ONLY);
	if (!sa_profile_has_pin(sa_case_profile(ctx), SA_PIN_USER)) {
		sa_case_note(ctx, "no user PIN configured: the logout-after-"
		                  "logout check is not run");
		goto out;
	}
	if (sa_p11_ses_login(ctx, s, CKU_USER) < 0)
		goto out;
	rv = f->C_Logout(s);
	if (!sa_p11_check_rv(ctx, "C_Logout after C_Login", rv, CKR_OK,
	                     SA_STRICT_ONLY))
		goto out;
	rv = f->C_Logout(s);
	sa_p11_check_rv(ctx, "second C_Logout", rv, CKR_USER_NOT_LOGGED_IN,
	                SA_STRICT_ONLY);
out:
	sa_p11_ses_close(ctx, &s);
}

void sa_p11_ses13_close_all(sa_case_ctx *ctx)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_SESSION_HANDLE ro = CK_INVALID_HANDLE, rw = CK_INVALID_HANDLE;
	CK_SESSION_HANDLE fresh = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE obj = CK_INVALID_HANDLE;
	CK_SESSION_INFO info;
	bool closed = false;
	CK_RV rv;

	if (sa_p11_ses_open(ctx, false, &ro) < 0 ||
	    sa_p11_ses_open(ctx, true, &rw) < 0)
		goto out;
	if (sa_p11_ses_login(ctx, rw, CKU_USER) < 0)
		goto out;
	/* A public session object: it must die with its session (B2.40
	 * §5.6.2, UG2.40 §2.7). */
	rv = sa_p11_ses_data_object(ctx, rw, false, "sigaudit-ses13", &obj);
	if (rv != CKR_OK) {
		sa_case_note(ctx,
		             "C_CreateObject(session CKO_DATA) returned %s:"
		             " no session-object check",
		             sa_p11_rv_name(rv));
		obj = CK_INVALID_HANDLE;
	}
	rv = f->C_CloseAllSessions(sa_case_slot(ctx));
	if (!sa_p11_check_rv(ctx, "C_CloseAllSessions", rv, CKR_OK,
	                     SA_STRICT_ONLY))
		goto out;
	closed = true;
	memset(&info, 0, sizeof(info));
	rv = f->C_GetSessionInfo(ro, &info);
	sa_p11_check_rv(ctx, "C_GetSessionInfo(former RO session)", rv,
	                CKR_SESSION_HANDLE_INVALID, SA_STRICT_ONLY);
	rv = f->C_GetSessionInfo(rw, &info);
	sa_p11_check_rv(ctx, "C_GetSessionInfo(former RW session)", rv,
	                CKR_SESSION_HANDLE_INVALID, SA_STRICT_ONLY);
	/* With no session left the application is logged out (B2.40 §5.6.3;
	 * UG2.40 §2.7): a new session starts public. */
	if (sa_p11_ses_open(ctx, false, &fresh) < 0)
		goto out;
	sa_p11_ses_check_state(ctx, fresh, CKS_RO_PUBLIC_SESSION,
	                       "new session after C_CloseAllSessions");
	if (obj != CK_INVALID_HANDLE) {
		rv = sa_p11_ses_probe_object(ctx, fresh, obj);
		sa_p11_check_rv(ctx,
		                "C_GetAttributeValue(session object of a "
		                "closed session)",
		                rv, CKR_OBJECT_HANDLE_INVALID, SA_STRICT_ONLY);
	}
out:
	if (!closed) {
		sa_p11_ses_logout_quiet(ctx, rw);
		sa_p11_ses_close(ctx, &rw);
		sa_p11_ses_close(ctx, &ro);
	}
	sa_p11_ses_close(ctx, &fresh);
}
