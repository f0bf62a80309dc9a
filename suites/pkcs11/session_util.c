/* Catalogue group C: helpers shared by the session_*.c cases. */
#include <stdio.h>
#include <string.h>

#include "sigaudit/guard.h"
#include "sigaudit/profile.h"

#include "session_int.h"

int sa_p11_ses_open(sa_case_ctx *ctx, bool rw, CK_SESSION_HANDLE *out)
{
	int rc = SA_E_CKR;
	CK_RV rv;

	*out = CK_INVALID_HANDLE;
	rv = sa_p11_open(ctx, rw ? CKF_RW_SESSION : 0, out);
	if (rv != CKR_OK) {
		*out = CK_INVALID_HANDLE;
		sa_case_error(ctx, "set-up: C_OpenSession(%s) returned %s",
		              rw ? "RW" : "RO", sa_p11_rv_name(rv));
		goto out;
	}
	rc = SA_OK;
out:
	return rc;
}

void sa_p11_ses_close(sa_case_ctx *ctx, CK_SESSION_HANDLE *s)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);

	if (f != NULL && *s != CK_INVALID_HANDLE)
		(void)f->C_CloseSession(*s);
	*s = CK_INVALID_HANDLE;
}

int sa_p11_ses_token_info(sa_case_ctx *ctx, CK_TOKEN_INFO *out)
{
	int rc = SA_E_CKR;
	CK_RV rv;

	memset(out, 0, sizeof(*out));
	rv = sa_case_p11(ctx)->C_GetTokenInfo(sa_case_slot(ctx), out);
	if (rv != CKR_OK) {
		sa_case_error(ctx, "set-up: C_GetTokenInfo returned %s",
		              sa_p11_rv_name(rv));
		goto out;
	}
	rc = SA_OK;
out:
	return rc;
}

int sa_p11_ses_login(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_USER_TYPE who)
{
	int rc = SA_E_CKR;
	CK_RV rv = sa_p11_login(ctx, s, who);

	if (rv != CKR_OK) {
		sa_case_error(ctx,
		              "set-up: C_Login(%s) with the configured PIN "
		              "returned %s",
		              who == CKU_SO ? "CKU_SO" : "CKU_USER",
		              sa_p11_rv_name(rv));
		goto out;
	}
	rc = SA_OK;
out:
	return rc;
}

void sa_p11_ses_logout_quiet(sa_case_ctx *ctx, CK_SESSION_HANDLE s)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);

	if (f != NULL && s != CK_INVALID_HANDLE)
		(void)f->C_Logout(s);
}

bool sa_p11_ses_check_state(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                            CK_STATE want, const char *what)
{
	CK_SESSION_INFO info;
	bool ok;
	CK_RV rv;

	memset(&info, 0, sizeof(info));
	rv = sa_case_p11(ctx)->C_GetSessionInfo(s, &info);
	if (rv != CKR_OK) {
		ok = sa_case_checkf(ctx, false, what, sa_p11_state_name(want),
		                    "C_GetSessionInfo returned %s",
		                    sa_p11_rv_name(rv));
		goto out;
	}
	ok = sa_case_check(ctx, info.state == want, what,
	                   sa_p11_state_name(want),
	                   sa_p11_state_name(info.state));
out:
	return ok;
}

int sa_p11_ses_read_pin(sa_case_ctx *ctx, CK_USER_TYPE who, sa_buf *out)
{
	int rc;

	rc = sa_profile_read_pin(sa_case_profile(ctx),
	                         who == CKU_SO ? SA_PIN_SO : SA_PIN_USER, out,
	                         sa_case_err(ctx));
	if (rc < 0) {
		/* The message names the source, never the PIN (profile.h). */
		sa_case_error(ctx, "set-up: cannot read the %s PIN: %s",
		              who == CKU_SO ? "SO" : "user",
		              sa_case_err(ctx)->msg);
		goto out;
	}
	if (out->len == 0) {
		rc = SA_E_SECRET;
		sa_case_error(ctx, "set-up: the %s PIN is empty",
		              who == CKU_SO ? "SO" : "user");
		goto out;
	}
out:
	return rc;
}

/* The replacement for c within its class; never c itself. */
static unsigned char wrong_char(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned char)('0' + (c - '0' + 1) % 10);
	if (c >= 'a' && c <= 'z')
		return (unsigned char)('a' + (c - 'a' + 1) % 26);
	if (c >= 'A' && c <= 'Z')
		return (unsigned char)('A' + (c - 'A' + 1) % 26);
	return c == '#' ? '%' : '#';
}

int sa_p11_ses_wrong_pin(const sa_buf *pin, sa_buf *out)
{
	int rc = SA_E_UNSUPPORTED;
	size_t i, at = 0;
	bool found = false;

	sa_buf_reset(out);
	/* The last printable ASCII character: changing a byte of a multi-byte
	 * UTF-8 sequence could make the PIN invalid (CKR_PIN_INVALID) instead
	 * of wrong, and the case would not test what it claims. */
	for (i = pin->len; i > 0; i--) {
		unsigned char c = pin->data[i - 1];

		if (c >= 0x21 && c <= 0x7e) {
			at = i - 1;
			found = true;
			break;
		}
	}
	if (!found)
		goto out;
	SA_TRY(sa_buf_append(out, pin->data, pin->len));
	out->data[at] = wrong_char(out->data[at]);
	rc = SA_OK;
out:
	return rc;
}

int sa_p11_ses_digits(size_t n, sa_buf *out)
{
	int rc = SA_OK;
	size_t i;

	sa_buf_reset(out);
	for (i = 0; i < n; i++) {
		char c = (char)('1' + (char)(i % 9));

		SA_TRY(sa_buf_append(out, &c, 1));
	}
out:
	return rc;
}

CK_RV sa_p11_ses_data_object(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                             bool private_obj, const char *label,
                             CK_OBJECT_HANDLE *out)
{
	CK_OBJECT_CLASS cls = CKO_DATA;
	CK_BBOOL no = CK_FALSE;
	CK_BBOOL priv = private_obj ? CK_TRUE : CK_FALSE;
	static const char data[] = "sigaudit";
	CK_ATTRIBUTE tmpl[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_TOKEN, &no, sizeof(no)},
	    {CKA_PRIVATE, &priv, sizeof(priv)},
	    {CKA_LABEL, (void *)label, strlen(label)},
	    {CKA_VALUE, (void *)data, sizeof(data) - 1},
	};

	*out = CK_INVALID_HANDLE;
	return sa_case_p11(ctx)->C_CreateObject(s, tmpl, SA_COUNTOF(tmpl), out);
}

CK_RV sa_p11_ses_probe_object(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                              CK_OBJECT_HANDLE obj)
{
	CK_OBJECT_CLASS cls = 0;
	CK_ATTRIBUTE a = {CKA_CLASS, &cls, sizeof(cls)};

	return sa_case_p11(ctx)->C_GetAttributeValue(s, obj, &a, 1);
}

CK_FLAGS sa_p11_ses_flag_count_low(CK_USER_TYPE who)
{
	return who == CKU_SO ? CKF_SO_PIN_COUNT_LOW : CKF_USER_PIN_COUNT_LOW;
}

CK_FLAGS sa_p11_ses_flag_final_try(CK_USER_TYPE who)
{
	return who == CKU_SO ? CKF_SO_PIN_FINAL_TRY : CKF_USER_PIN_FINAL_TRY;
}

CK_FLAGS sa_p11_ses_flag_locked(CK_USER_TYPE who)
{
	return who == CKU_SO ? CKF_SO_PIN_LOCKED : CKF_USER_PIN_LOCKED;
}

const char *sa_p11_ses_pin_flags_str(CK_FLAGS flags, CK_USER_TYPE who,
                                     char *buf, size_t size)
{
	const char *pfx = who == CKU_SO ? "CKF_SO_PIN_" : "CKF_USER_PIN_";
	struct {
		CK_FLAGS bit;
		const char *name;
	} tab[] = {
	    {sa_p11_ses_flag_count_low(who), "COUNT_LOW"},
	    {sa_p11_ses_flag_final_try(who), "FINAL_TRY"},
	    {sa_p11_ses_flag_locked(who), "LOCKED"},
	    {who == CKU_SO ? CKF_SO_PIN_TO_BE_CHANGED
	                   : CKF_USER_PIN_TO_BE_CHANGED,
	     "TO_BE_CHANGED"},
	};
	size_t i, used = 0;

	if (size == 0)
		return "";
	buf[0] = '\0';
	for (i = 0; i < SA_COUNTOF(tab); i++) {
		int w;

		if (!(flags & tab[i].bit))
			continue;
		w = snprintf(buf + used, size - used, "%s%s%s", used ? "|" : "",
		             pfx, tab[i].name);
		if (w < 0 || (size_t)w >= size - used)
			break;
		used += (size_t)w;
	}
	if (used == 0)
		snprintf(buf, size, "none");
	return buf;
}
