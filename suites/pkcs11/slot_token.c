/* Catalogue group B, slots and tokens (P11-SLOT-01..04). The runner has
 * initialised the module (SA_NEED_P11 / SA_NEED_TOKEN). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "init_slot.h"

/* Written into the element just past the space a call may use, to catch a
 * module that writes beyond *pulCount entries. */
#define SA_SLOT_SENTINEL ((CK_SLOT_ID)0x5a5aa5a5UL)

/* B2.40 §3.2, table "Slot Information Flags". */
#define SA_SLOT_FLAGS_DEFINED                                                  \
	(CKF_TOKEN_PRESENT | CKF_REMOVABLE_DEVICE | CKF_HW_SLOT)

/* B2.40 §3.2, table "Token Information Flags", plus B3.0's
 * CKF_ERROR_STATE. */
#define SA_TOKEN_FLAGS_DEFINED                                                 \
	(CKF_RNG | CKF_WRITE_PROTECTED | CKF_LOGIN_REQUIRED |                  \
	 CKF_USER_PIN_INITIALIZED | CKF_RESTORE_KEY_NOT_NEEDED |               \
	 CKF_CLOCK_ON_TOKEN | CKF_PROTECTED_AUTHENTICATION_PATH |              \
	 CKF_DUAL_CRYPTO_OPERATIONS | CKF_TOKEN_INITIALIZED |                  \
	 CKF_SECONDARY_AUTHENTICATION | CKF_USER_PIN_COUNT_LOW |               \
	 CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_LOCKED |                        \
	 CKF_USER_PIN_TO_BE_CHANGED | CKF_SO_PIN_COUNT_LOW |                   \
	 CKF_SO_PIN_FINAL_TRY | CKF_SO_PIN_LOCKED | CKF_SO_PIN_TO_BE_CHANGED | \
	 SA_CKF_ERROR_STATE)

/* ---- P11-SLOT-01 ---- */

static void slot_list_convention(sa_case_ctx *ctx, CK_FUNCTION_LIST_PTR fl,
                                 CK_BBOOL present)
{
	const char *tp = present ? "TRUE" : "FALSE";
	CK_SLOT_ID *buf = NULL;
	CK_ULONG n = 0, cnt;
	CK_RV rv;
	char what[128];

	snprintf(what, sizeof(what),
	         "C_GetSlotList(tokenPresent=%s, NULL) size query", tp);
	if (!sa_p11_check_rv(ctx, what, fl->C_GetSlotList(present, NULL, &n),
	                     CKR_OK, SA_STRICT_ONLY))
		goto out;
	if (!sa_case_checkf(ctx, n <= SA_P11IS_MAX_SLOTS, what,
	                    "a plausible count (<= 4096)", "%lu",
	                    (unsigned long)n))
		goto out;
	if (n == 0) {
		sa_case_note(ctx,
		             "no slots with tokenPresent=%s: the fill "
		             "and too-small sub-checks do not apply",
		             tp);
		goto out;
	}
	/* n entries plus one sentinel. */
	buf = calloc((size_t)n + 1, sizeof(*buf));
	if (buf == NULL) {
		sa_case_error(ctx, "out of memory");
		goto out;
	}
	buf[n] = SA_SLOT_SENTINEL;
	cnt = n;
	snprintf(what, sizeof(what),
	         "C_GetSlotList(tokenPresent=%s) into a buffer of %lu", tp,
	         (unsigned long)n);
	if (sa_p11_check_rv(ctx, what, fl->C_GetSlotList(present, buf, &cnt),
	                    CKR_OK, SA_STRICT_ONLY))
		sa_case_checkf(ctx, cnt == n, "*pulCount after the fill",
		               "the size query's count", "%lu (query: %lu)",
		               (unsigned long)cnt, (unsigned long)n);
	sa_case_checkf(ctx, buf[n] == SA_SLOT_SENTINEL,
	               "nothing written past the buffer (fill)",
	               "element after the buffer unchanged", "%s",
	               buf[n] == SA_SLOT_SENTINEL ? "unchanged"
	                                          : "overwritten");

	/* One entry too small: the element at index n-1 lies past the
	 * declared size and must stay untouched. With n == 1 the declared
	 * size is 0 with a valid pointer. */
	memset(buf, 0, ((size_t)n + 1) * sizeof(*buf));
	buf[n - 1] = SA_SLOT_SENTINEL;
	cnt = n - 1;
	snprintf(what, sizeof(what),
	         "C_GetSlotList(tokenPresent=%s) into a buffer of %lu", tp,
	         (unsigned long)(n - 1));
	rv = fl->C_GetSlotList(present, buf, &cnt);
	if (sa_p11_check_rv(ctx, what, rv, CKR_BUFFER_TOO_SMALL,
	                    SA_STRICT_ONLY))
		/* B2.40 §5.5.1: "In either case, the value *pulCount is set
		 * to hold the number of slots." */
		sa_case_checkf(ctx, cnt == n,
		               "*pulCount after CKR_BUFFER_TOO_SMALL",
		               "the number of slots", "%lu (slots: %lu)",
		               (unsigned long)cnt, (unsigned long)n);
	sa_case_checkf(ctx, buf[n - 1] == SA_SLOT_SENTINEL,
	               "nothing written past the buffer (too small)",
	               "element after the buffer unchanged", "%s",
	               buf[n - 1] == SA_SLOT_SENTINEL ? "unchanged"
	                                              : "overwritten");
out:
	free(buf);
}

void sa_p11is_slot01(sa_case_ctx *ctx)
{
	CK_FUNCTION_LIST_PTR fl = sa_p11is_fl(ctx);

	if (fl == NULL)
		goto out;
	slot_list_convention(ctx, fl, CK_FALSE);
	slot_list_convention(ctx, fl, CK_TRUE);
out:
	return;
}

/* ---- P11-SLOT-02 ---- */

void sa_p11is_slot02(sa_case_ctx *ctx)
{
	CK_FUNCTION_LIST_PTR fl = sa_p11is_fl(ctx);
	CK_SLOT_ID slots[4];

	if (fl == NULL)
		goto out;
	sa_p11_check_rv(ctx, "C_GetSlotList(FALSE, NULL, NULL)",
	                fl->C_GetSlotList(CK_FALSE, NULL, NULL),
	                CKR_ARGUMENTS_BAD, SA_STRICT_ONLY);
	memset(slots, 0, sizeof(slots));
	sa_p11_check_rv(ctx, "C_GetSlotList(FALSE, buffer, NULL)",
	                fl->C_GetSlotList(CK_FALSE, slots, NULL),
	                CKR_ARGUMENTS_BAD, SA_STRICT_ONLY);
out:
	return;
}

/* ---- P11-SLOT-03 ---- */

static bool slot_in(const CK_SLOT_ID *slots, CK_ULONG n, CK_SLOT_ID s)
{
	CK_ULONG i;
	bool found = false;

	for (i = 0; i < n && !found; i++)
		found = slots[i] == s;
	return found;
}

/* C_GetTokenInfo on a slot whose CKF_TOKEN_PRESENT is clear. */
static void empty_slot_check(sa_case_ctx *ctx, CK_FUNCTION_LIST_PTR fl,
                             const CK_SLOT_ID *slots, CK_ULONG n)
{
	CK_SLOT_INFO si;
	CK_TOKEN_INFO ti;
	CK_ULONG i;
	bool empty_found = false;
	char what[96];

	for (i = 0; i < n && !empty_found; i++) {
		memset(&si, 0, sizeof(si));
		if (fl->C_GetSlotInfo(slots[i], &si) != CKR_OK)
			continue;
		memset(&ti, 0, sizeof(ti));
		if (si.flags & CKF_TOKEN_PRESENT) {
			/* A present but uninitialised token (SoftHSM's free
			 * slot) is not an empty slot. */
			if (fl->C_GetTokenInfo(slots[i], &ti) == CKR_OK &&
			    !(ti.flags & CKF_TOKEN_INITIALIZED))
				sa_case_note(ctx,
				             "slot 0x%lx holds an "
				             "uninitialised token (present): "
				             "CKR_TOKEN_NOT_PRESENT does not "
				             "apply to it",
				             (unsigned long)slots[i]);
			continue;
		}
		empty_found = true;
		snprintf(what, sizeof(what),
		         "C_GetTokenInfo on empty slot 0x%lx",
		         (unsigned long)slots[i]);
		sa_p11_check_rv(ctx, what, fl->C_GetTokenInfo(slots[i], &ti),
		                CKR_TOKEN_NOT_PRESENT, SA_STRICT_ONLY);
	}
	if (!empty_found)
		sa_case_note(ctx, "no slot without a token (CKF_TOKEN_PRESENT "
		                  "clear): the CKR_TOKEN_NOT_PRESENT sub-check "
		                  "is not applicable");
}

void sa_p11is_slot03(sa_case_ctx *ctx)
{
	CK_FUNCTION_LIST_PTR fl = sa_p11is_fl(ctx);
	CK_SLOT_ID *slots = NULL;
	CK_SLOT_ID bad = 0x7a5a5a5aUL;
	CK_ULONG n = 0, cnt = 0;
	CK_SLOT_INFO si;
	CK_TOKEN_INFO ti;
	CK_MECHANISM_INFO mi;
	CK_SESSION_HANDLE h = CK_INVALID_HANDLE;
	CK_UTF8CHAR label[32];
	CK_UTF8CHAR pin[] = "sigaudit-invalid-slot";
	CK_RV rv;

	if (fl == NULL)
		goto out;
	if (sa_p11is_slot_list(ctx, fl, CK_FALSE, &slots, &n) < 0)
		goto out;
	/* Terminates: at most n (<= 4096) candidates are taken. */
	while (slot_in(slots, n, bad))
		bad++;
	sa_case_note(ctx, "%lu slot(s); invalid slot ID used: 0x%lx",
	             (unsigned long)n, (unsigned long)bad);

	memset(&si, 0, sizeof(si));
	sa_p11_check_rv(ctx, "C_GetSlotInfo(invalid slot)",
	                fl->C_GetSlotInfo(bad, &si), CKR_SLOT_ID_INVALID,
	                SA_STRICT_ONLY);
	memset(&ti, 0, sizeof(ti));
	sa_p11_check_rv(ctx, "C_GetTokenInfo(invalid slot)",
	                fl->C_GetTokenInfo(bad, &ti), CKR_SLOT_ID_INVALID,
	                SA_STRICT_ONLY);
	sa_p11_check_rv(ctx, "C_GetMechanismList(invalid slot)",
	                fl->C_GetMechanismList(bad, NULL, &cnt),
	                CKR_SLOT_ID_INVALID, SA_STRICT_ONLY);
	memset(&mi, 0, sizeof(mi));
	sa_p11_check_rv(ctx, "C_GetMechanismInfo(invalid slot, CKM_SHA256)",
	                fl->C_GetMechanismInfo(bad, CKM_SHA256, &mi),
	                CKR_SLOT_ID_INVALID, SA_STRICT_ONLY);
	rv = fl->C_OpenSession(bad, CKF_SERIAL_SESSION, NULL, NULL, &h);
	sa_p11_check_rv(ctx, "C_OpenSession(invalid slot)", rv,
	                CKR_SLOT_ID_INVALID, SA_STRICT_ONLY);
	if (rv == CKR_OK)
		(void)fl->C_CloseSession(h);

	/* A module that wrongly maps the unknown ID onto a real slot would
	 * count a failed SO login there (or worse): only with --destructive
	 * and a disposable token. */
	if (sa_case_destructive_allowed(ctx)) {
		memset(label, ' ', sizeof(label));
		memcpy(label, "sigaudit-invalid", 16);
		sa_p11_check_rv(
		    ctx, "C_InitToken(invalid slot)",
		    fl->C_InitToken(bad, pin, sizeof(pin) - 1, label),
		    CKR_SLOT_ID_INVALID, SA_STRICT_ONLY);
	} else {
		sa_case_note(ctx, "C_InitToken(invalid slot) not exercised: "
		                  "needs --destructive and a disposable "
		                  "token");
	}
	empty_slot_check(ctx, fl, slots, n);
out:
	free(slots);
}

/* ---- P11-SLOT-04 ---- */

static bool is_digits(const CK_UTF8CHAR *p, size_t n)
{
	size_t i;
	bool ok = true;

	for (i = 0; i < n && ok; i++)
		ok = p[i] >= '0' && p[i] <= '9';
	return ok;
}

static unsigned num2(const CK_UTF8CHAR *p)
{
	return (unsigned)(p[0] - '0') * 10u + (unsigned)(p[1] - '0');
}

/* B2.40 §3.2 utcTime: "YYYYMMDDhhmmssxx (4 characters for the year; 2
 * characters each for the month, the day, the hour, the minute, and the
 * second; and 2 additional reserved '0' characters)". */
static bool utc_time_ok(const CK_UTF8CHAR t[16])
{
	unsigned mon, day, hh, mm, ss;
	bool ok = false;

	if (!is_digits(t, 14) || t[14] != '0' || t[15] != '0')
		goto out;
	mon = num2(t + 4);
	day = num2(t + 6);
	hh = num2(t + 8);
	mm = num2(t + 10);
	ss = num2(t + 12);
	ok = mon >= 1 && mon <= 12 && day >= 1 && day <= 31 && hh <= 23 &&
	     mm <= 59 && ss <= 60;
out:
	return ok;
}

/* "n" or "unavailable" / "effectively infinite" for messages. */
static const char *count_str(char *buf, size_t size, CK_ULONG v, bool is_max)
{
	if (v == CK_UNAVAILABLE_INFORMATION)
		snprintf(buf, size, "unavailable");
	else if (is_max && v == CK_EFFECTIVELY_INFINITE)
		snprintf(buf, size, "infinite");
	else
		snprintf(buf, size, "%lu", (unsigned long)v);
	return buf;
}

/* count <= max, where max may be CK_EFFECTIVELY_INFINITE and either may be
 * CK_UNAVAILABLE_INFORMATION (then there is nothing to compare). */
static bool count_within(CK_ULONG count, CK_ULONG max)
{
	return count == CK_UNAVAILABLE_INFORMATION ||
	       max == CK_UNAVAILABLE_INFORMATION ||
	       max == CK_EFFECTIVELY_INFINITE || count <= max;
}

static void session_counts_check(sa_case_ctx *ctx, const char *pfx,
                                 const CK_TOKEN_INFO *ti)
{
	char what[128], a[24], b[24], c[24], d[24];
	bool ok;

	ok = count_within(ti->ulSessionCount, ti->ulMaxSessionCount) &&
	     count_within(ti->ulRwSessionCount, ti->ulMaxRwSessionCount) &&
	     count_within(ti->ulRwSessionCount, ti->ulSessionCount) &&
	     (ti->ulMaxRwSessionCount == CK_EFFECTIVELY_INFINITE ||
	      count_within(ti->ulMaxRwSessionCount, ti->ulMaxSessionCount));
	snprintf(what, sizeof(what), "%s session counts consistent", pfx);
	sa_case_checkf(ctx, ok, what,
	               "count <= max, rw <= rw max, rw <= count, rw max <= "
	               "max (or unavailable)",
	               "sessions %s/%s, rw %s/%s",
	               count_str(a, sizeof(a), ti->ulSessionCount, false),
	               count_str(b, sizeof(b), ti->ulMaxSessionCount, true),
	               count_str(c, sizeof(c), ti->ulRwSessionCount, false),
	               count_str(d, sizeof(d), ti->ulMaxRwSessionCount, true));
}

static void token_info_checks(sa_case_ctx *ctx, const char *pfx,
                              const CK_TOKEN_INFO *ti)
{
	char what[128];
	CK_FLAGS undefined = ti->flags & ~(CK_FLAGS)SA_TOKEN_FLAGS_DEFINED;

	snprintf(what, sizeof(what), "%s CK_TOKEN_INFO.label", pfx);
	sa_p11is_check_text(ctx, what, ti->label, sizeof(ti->label));
	snprintf(what, sizeof(what), "%s CK_TOKEN_INFO.manufacturerID", pfx);
	sa_p11is_check_text(ctx, what, ti->manufacturerID,
	                    sizeof(ti->manufacturerID));
	snprintf(what, sizeof(what), "%s CK_TOKEN_INFO.model", pfx);
	sa_p11is_check_text(ctx, what, ti->model, sizeof(ti->model));
	snprintf(what, sizeof(what), "%s CK_TOKEN_INFO.serialNumber", pfx);
	sa_p11is_check_text(ctx, what, ti->serialNumber,
	                    sizeof(ti->serialNumber));
	snprintf(what, sizeof(what), "%s CK_TOKEN_INFO.flags defined bits",
	         pfx);
	sa_case_checkf(ctx, undefined == 0, what,
	               "only flags defined in B2.40/B3.0 §3.2",
	               "0x%08lx (undefined bits 0x%08lx)",
	               (unsigned long)ti->flags, (unsigned long)undefined);
	snprintf(what, sizeof(what), "%s ulMinPinLen <= ulMaxPinLen", pfx);
	sa_case_checkf(ctx, ti->ulMinPinLen <= ti->ulMaxPinLen, what,
	               "min <= max", "min %lu, max %lu",
	               (unsigned long)ti->ulMinPinLen,
	               (unsigned long)ti->ulMaxPinLen);
	if (ti->flags & CKF_CLOCK_ON_TOKEN) {
		char shown[17];

		memcpy(shown, ti->utcTime, 16);
		shown[16] = '\0';
		/* Keep the message printable whatever the module put there. */
		for (size_t i = 0; i < 16; i++)
			if (shown[i] < 0x20 || shown[i] > 0x7e)
				shown[i] = '?';
		snprintf(what, sizeof(what), "%s CK_TOKEN_INFO.utcTime", pfx);
		sa_case_checkf(ctx, utc_time_ok(ti->utcTime), what,
		               "YYYYMMDDhhmmss00 (CKF_CLOCK_ON_TOKEN set)",
		               "\"%s\"", shown);
	}
	session_counts_check(ctx, pfx, ti);
}

static void slot_info_checks(sa_case_ctx *ctx, CK_FUNCTION_LIST_PTR fl,
                             CK_SLOT_ID slot)
{
	CK_SLOT_INFO si;
	CK_TOKEN_INFO ti;
	CK_FLAGS undefined;
	char pfx[40], what[128];

	snprintf(pfx, sizeof(pfx), "slot 0x%lx", (unsigned long)slot);
	memset(&si, 0, sizeof(si));
	snprintf(what, sizeof(what), "%s C_GetSlotInfo", pfx);
	if (!sa_p11_check_rv(ctx, what, fl->C_GetSlotInfo(slot, &si), CKR_OK,
	                     SA_STRICT_ONLY))
		goto out;
	snprintf(what, sizeof(what), "%s CK_SLOT_INFO.slotDescription", pfx);
	sa_p11is_check_text(ctx, what, si.slotDescription,
	                    sizeof(si.slotDescription));
	snprintf(what, sizeof(what), "%s CK_SLOT_INFO.manufacturerID", pfx);
	sa_p11is_check_text(ctx, what, si.manufacturerID,
	                    sizeof(si.manufacturerID));
	undefined = si.flags & ~(CK_FLAGS)SA_SLOT_FLAGS_DEFINED;
	snprintf(what, sizeof(what), "%s CK_SLOT_INFO.flags defined bits", pfx);
	sa_case_checkf(
	    ctx, undefined == 0, what,
	    "only CKF_TOKEN_PRESENT|CKF_REMOVABLE_DEVICE|CKF_HW_SLOT",
	    "0x%08lx (undefined bits 0x%08lx)", (unsigned long)si.flags,
	    (unsigned long)undefined);
	/* B2.40 §3.2: "if this flag [CKF_REMOVABLE_DEVICE] is not set for a
	 * given slot, then the CKF_TOKEN_PRESENT flag for that slot is always
	 * set". */
	snprintf(what, sizeof(what),
	         "%s non-removable slot has its token present", pfx);
	sa_case_checkf(ctx,
	               (si.flags & CKF_REMOVABLE_DEVICE) ||
	                   (si.flags & CKF_TOKEN_PRESENT),
	               what, "CKF_REMOVABLE_DEVICE or CKF_TOKEN_PRESENT set",
	               "flags 0x%08lx", (unsigned long)si.flags);
	if (!(si.flags & CKF_TOKEN_PRESENT))
		goto out;
	memset(&ti, 0, sizeof(ti));
	snprintf(what, sizeof(what), "%s C_GetTokenInfo", pfx);
	if (!sa_p11_check_rv(ctx, what, fl->C_GetTokenInfo(slot, &ti), CKR_OK,
	                     SA_STRICT_ONLY))
		goto out;
	token_info_checks(ctx, pfx, &ti);
out:
	return;
}

void sa_p11is_slot04(sa_case_ctx *ctx)
{
	CK_FUNCTION_LIST_PTR fl = sa_p11is_fl(ctx);
	CK_SLOT_ID *slots = NULL;
	CK_SLOT_ID slot = sa_case_slot(ctx);
	CK_SESSION_HANDLE h = CK_INVALID_HANDLE;
	CK_TOKEN_INFO ti;
	CK_ULONG n = 0, i;
	bool have_session = false;
	char a[24];

	if (fl == NULL)
		goto out;
	if (sa_p11is_slot_list(ctx, fl, CK_FALSE, &slots, &n) < 0)
		goto out;
	for (i = 0; i < n; i++)
		slot_info_checks(ctx, fl, slots[i]);

	/* With one session of ours open on the profile's token, a counted
	 * ulSessionCount cannot be 0 (B2.40 §3.2: "number of sessions that
	 * this application currently has open with the token"). */
	have_session =
	    sa_p11_check_rv(ctx, "C_OpenSession on the token",
	                    sa_p11_open(ctx, 0, &h), CKR_OK, SA_STRICT_ONLY);
	if (!have_session)
		goto out;
	memset(&ti, 0, sizeof(ti));
	if (!sa_p11_check_rv(ctx, "C_GetTokenInfo with a session open",
	                     fl->C_GetTokenInfo(slot, &ti), CKR_OK,
	                     SA_STRICT_ONLY))
		goto out;
	if (ti.ulSessionCount == CK_UNAVAILABLE_INFORMATION) {
		sa_case_note(ctx,
		             "ulSessionCount is CK_UNAVAILABLE_INFORMATION:"
		             " the open-session count sub-check does not "
		             "apply");
	} else {
		sa_case_checkf(
		    ctx, ti.ulSessionCount >= 1,
		    "ulSessionCount with one session open", ">= 1", "%s",
		    count_str(a, sizeof(a), ti.ulSessionCount, false));
	}
	session_counts_check(ctx, "with a session open:", &ti);
out:
	if (have_session)
		(void)fl->C_CloseSession(h);
	free(slots);
}
