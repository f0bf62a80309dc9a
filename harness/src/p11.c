/* PKCS#11 module loading, the target probe, and the PKCS#11 side of the case
 * context (sigaudit/p11.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <p11-kit/p11-kit.h>

#include "casectx.h"
#include "child.h"
#include "sigaudit/guard.h"
#include "sigaudit/p11.h"
#include "target.h"
#include "uri.h"
#include "util.h"

/* Slot and mechanism counts a module may claim before we call it broken:
 * a module returning a huge count must not make us allocate without bound. */
#define SA_MAX_SLOTS 4096u
#define SA_MAX_MECHS 65536u

/* p11-kit 0.24's header lacks a few v2.40/v3.0 flag names. */
#ifndef CKF_EC_F_2M
#define CKF_EC_F_2M 0x00200000UL
#endif
#ifndef CKF_EC_ECPARAMETERS
#define CKF_EC_ECPARAMETERS 0x00400000UL
#endif
#ifndef CKF_ERROR_STATE
#define CKF_ERROR_STATE 0x01000000UL
#endif

struct flag_name {
	CK_FLAGS flag;
	const char *name;
};

#define F_(x)                                                                  \
	{                                                                      \
		x, #x                                                          \
	}
static const struct flag_name mech_flags[] = {
    F_(CKF_HW),
    F_(CKF_ENCRYPT),
    F_(CKF_DECRYPT),
    F_(CKF_DIGEST),
    F_(CKF_SIGN),
    F_(CKF_SIGN_RECOVER),
    F_(CKF_VERIFY),
    F_(CKF_VERIFY_RECOVER),
    F_(CKF_GENERATE),
    F_(CKF_GENERATE_KEY_PAIR),
    F_(CKF_WRAP),
    F_(CKF_UNWRAP),
    F_(CKF_DERIVE),
    F_(CKF_EC_F_P),
    F_(CKF_EC_F_2M),
    F_(CKF_EC_ECPARAMETERS),
    F_(CKF_EC_NAMEDCURVE),
    F_(CKF_EC_UNCOMPRESS),
    F_(CKF_EC_COMPRESS),
    F_(CKF_EXTENSION),
};
static const struct flag_name token_flags[] = {
    F_(CKF_RNG),
    F_(CKF_WRITE_PROTECTED),
    F_(CKF_LOGIN_REQUIRED),
    F_(CKF_USER_PIN_INITIALIZED),
    F_(CKF_RESTORE_KEY_NOT_NEEDED),
    F_(CKF_CLOCK_ON_TOKEN),
    F_(CKF_PROTECTED_AUTHENTICATION_PATH),
    F_(CKF_DUAL_CRYPTO_OPERATIONS),
    F_(CKF_TOKEN_INITIALIZED),
    F_(CKF_SECONDARY_AUTHENTICATION),
    F_(CKF_USER_PIN_COUNT_LOW),
    F_(CKF_USER_PIN_FINAL_TRY),
    F_(CKF_USER_PIN_LOCKED),
    F_(CKF_USER_PIN_TO_BE_CHANGED),
    F_(CKF_SO_PIN_COUNT_LOW),
    F_(CKF_SO_PIN_FINAL_TRY),
    F_(CKF_SO_PIN_LOCKED),
    F_(CKF_SO_PIN_TO_BE_CHANGED),
    F_(CKF_ERROR_STATE),
};
static const struct flag_name slot_flags[] = {
    F_(CKF_TOKEN_PRESENT),
    F_(CKF_REMOVABLE_DEVICE),
    F_(CKF_HW_SLOT),
};
#undef F_

static json_t *flags_json(const struct flag_name *t, size_t n, CK_FLAGS f)
{
	json_t *a = json_array();
	CK_FLAGS known = 0;

	for (size_t i = 0; a != NULL && i < n; i++) {
		known |= t[i].flag;
		if (f & t[i].flag)
			json_array_append_new(a, json_string(t[i].name));
	}
	if (a != NULL && (f & ~known) != 0)
		json_array_append_new(
		    a, json_sprintf("0x%08lx", (unsigned long)(f & ~known)));
	return a;
}

json_t *sa_p11_mech_flags_json(CK_FLAGS f)
{
	return flags_json(mech_flags, SA_COUNTOF(mech_flags), f);
}
json_t *sa_p11_token_flags_json(CK_FLAGS f)
{
	return flags_json(token_flags, SA_COUNTOF(token_flags), f);
}
json_t *sa_p11_slot_flags_json(CK_FLAGS f)
{
	return flags_json(slot_flags, SA_COUNTOF(slot_flags), f);
}

void sa_p11_str(char *out, size_t out_size, const CK_UTF8CHAR *field,
                size_t field_len)
{
	size_t n = field_len;

	if (out_size == 0)
		return;
	while (n > 0 && (field[n - 1] == ' ' || field[n - 1] == '\0'))
		n--;
	if (n >= out_size)
		n = out_size - 1;
	memcpy(out, field, n);
	out[n] = '\0';
}

#define SA_P11_STR(buf, field)                                                 \
	sa_p11_str((buf), sizeof(buf), (field), sizeof(field))

int sa_p11_module_load(CK_FUNCTION_LIST_PTR *out, const char *path,
                       sa_error *err)
{
	CK_FUNCTION_LIST_PTR f = NULL;
	int rc = SA_E_MODULE;

	*out = NULL;
	SA_ENSURE(access(path, R_OK) == 0, err, SA_E_MODULE,
	          "module %s: not readable", path);
	/* UNMANAGED: p11-kit must not add its own initialisation or session
	 * handling; the conformance checks are about the module itself. */
	f = p11_kit_module_load(path, P11_KIT_MODULE_UNMANAGED |
	                                  P11_KIT_MODULE_CRITICAL);
	SA_ENSURE(f != NULL, err, SA_E_MODULE, "module %s: cannot load: %s",
	          path, p11_kit_message() ? p11_kit_message() : "unknown");
	*out = f;
	rc = SA_OK;
out:
	return rc;
}

void sa_p11_init_args_for(const sa_profile *p, CK_C_INITIALIZE_ARGS *out)
{
	const char *ia = p ? sa_profile_init_args(p) : NULL;

	memset(out, 0, sizeof(*out));
	out->flags = CKF_OS_LOCKING_OK;
	/* NSS softoken reads its configuration from pReserved; for every other
	 * module it must stay NULL (B2.40 §5.4.1). */
	out->pReserved = (ia != NULL && ia[0] != '\0') ? (void *)ia : NULL;
}

/* ---- probe (child side) ---- */

static json_t *token_json(const CK_TOKEN_INFO *ti)
{
	char label[33], manuf[33], model[17], serial[17], utc[17];

	SA_P11_STR(label, ti->label);
	SA_P11_STR(manuf, ti->manufacturerID);
	SA_P11_STR(model, ti->model);
	SA_P11_STR(serial, ti->serialNumber);
	SA_P11_STR(utc, ti->utcTime);
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:i, s:i, s:o, s:o}",
	                 "label", sa_json_string_lossy(label), "manufacturer",
	                 sa_json_string_lossy(manuf), "model",
	                 sa_json_string_lossy(model), "serial",
	                 sa_json_string_lossy(serial), "flags",
	                 sa_p11_token_flags_json(ti->flags), "utc_time",
	                 sa_json_string_lossy(utc), "min_pin_len",
	                 (json_int_t)ti->ulMinPinLen, "max_pin_len",
	                 (json_int_t)ti->ulMaxPinLen, "hardware_version",
	                 json_sprintf("%u.%u", ti->hardwareVersion.major,
	                              ti->hardwareVersion.minor),
	                 "firmware_version",
	                 json_sprintf("%u.%u", ti->firmwareVersion.major,
	                              ti->firmwareVersion.minor));
}

static void fatal(int fd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void fatal(int fd, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sa_child_emit(fd, json_pack("{s:s, s:o}", "t", "fatal", "msg",
	                            sa_json_string_lossy(msg)));
}

static void probe_slots(CK_FUNCTION_LIST_PTR f, int fd)
{
	CK_SLOT_ID *slots = NULL;
	CK_ULONG n = 0;
	CK_RV rv = f->C_GetSlotList(CK_FALSE, NULL, &n);

	if (rv != CKR_OK || n == 0 || n > SA_MAX_SLOTS)
		goto out;
	slots = calloc(n, sizeof(*slots));
	if (slots == NULL || f->C_GetSlotList(CK_FALSE, slots, &n) != CKR_OK)
		goto out;
	for (CK_ULONG i = 0; i < n && i < SA_MAX_SLOTS; i++) {
		CK_SLOT_INFO si;
		CK_TOKEN_INFO ti;
		char desc[65], manuf[33];
		json_t *ev, *tok = json_null();

		memset(&si, 0, sizeof(si));
		if (f->C_GetSlotInfo(slots[i], &si) != CKR_OK)
			continue;
		SA_P11_STR(desc, si.slotDescription);
		SA_P11_STR(manuf, si.manufacturerID);
		if (si.flags & CKF_TOKEN_PRESENT) {
			memset(&ti, 0, sizeof(ti));
			if (f->C_GetTokenInfo(slots[i], &ti) == CKR_OK) {
				json_decref(tok);
				tok = token_json(&ti);
			}
		}
		ev = json_pack("{s:s, s:I, s:o, s:o, s:o, s:o}", "t", "slot",
		               "id", (json_int_t)slots[i], "description",
		               sa_json_string_lossy(desc), "manufacturer",
		               sa_json_string_lossy(manuf), "flags",
		               sa_p11_slot_flags_json(si.flags), "token", tok);
		sa_child_emit(fd, ev);
	}
out:
	free(slots);
}

static void probe_mechs(CK_FUNCTION_LIST_PTR f, CK_SLOT_ID slot, int fd)
{
	CK_MECHANISM_TYPE *m = NULL;
	CK_ULONG n = 0;
	CK_RV rv = f->C_GetMechanismList(slot, NULL, &n);

	if (rv != CKR_OK) {
		sa_child_emit(fd, json_pack("{s:s, s:s}", "t", "mech_error",
		                            "rv", sa_p11_rv_name(rv)));
		goto out;
	}
	if (n == 0 || n > SA_MAX_MECHS)
		goto out;
	/* One spare entry: p11-kit 0.24's client module reads one element
	 * past the caller's array when it purges unsupported mechanisms. */
	m = calloc(n + 1, sizeof(*m));
	if (m == NULL || f->C_GetMechanismList(slot, m, &n) != CKR_OK)
		goto out;
	for (CK_ULONG i = 0; i < n && i < SA_MAX_MECHS; i++) {
		CK_MECHANISM_INFO mi;
		json_t *ev;

		memset(&mi, 0, sizeof(mi));
		rv = f->C_GetMechanismInfo(slot, m[i], &mi);
		ev = json_pack("{s:s, s:s, s:I, s:s}", "t", "mech", "name",
		               sa_p11_mech_name(m[i]), "value",
		               (json_int_t)m[i], "info_rv", sa_p11_rv_name(rv));
		if (ev != NULL && rv == CKR_OK) {
			json_object_set_new(
			    ev, "min_key_size",
			    json_integer((json_int_t)mi.ulMinKeySize));
			json_object_set_new(
			    ev, "max_key_size",
			    json_integer((json_int_t)mi.ulMaxKeySize));
			json_object_set_new(ev, "flags",
			                    sa_p11_mech_flags_json(mi.flags));
		}
		sa_child_emit(fd, ev);
	}
	sa_child_emit(fd, json_pack("{s:s}", "t", "mechs_done"));
out:
	free(m);
}

static void probe_module(CK_FUNCTION_LIST_PTR f, int fd)
{
	CK_INFO info;
	char manuf[33], desc[33];
	CK_RV rv;

	memset(&info, 0, sizeof(info));
	rv = f->C_GetInfo(&info);
	if (rv != CKR_OK) {
		sa_child_emit(fd, json_pack("{s:s, s:s}", "t", "module_error",
		                            "rv", sa_p11_rv_name(rv)));
		return;
	}
	SA_P11_STR(manuf, info.manufacturerID);
	SA_P11_STR(desc, info.libraryDescription);
	sa_child_emit(
	    fd, json_pack("{s:s, s:o, s:o, s:o, s:o}", "t", "module",
	                  "manufacturer", sa_json_string_lossy(manuf),
	                  "description", sa_json_string_lossy(desc),
	                  "library_version",
	                  json_sprintf("%u.%u", info.libraryVersion.major,
	                               info.libraryVersion.minor),
	                  "cryptoki_version",
	                  json_sprintf("%u.%u", info.cryptokiVersion.major,
	                               info.cryptokiVersion.minor)));
}

static void probe_child(void *arg, int fd)
{
	const sa_profile *p = arg;
	const char *path = sa_profile_module(p);
	const char *uri = sa_profile_token_uri(p);
	CK_FUNCTION_LIST_PTR f = NULL;
	CK_C_INITIALIZE_ARGS ia;
	CK_SLOT_ID slot = 0;
	sa_error err = SA_ERROR_INIT;
	CK_RV rv;

	if (sa_p11_module_load(&f, path, &err) < 0) {
		fatal(fd, "%s", err.msg);
		return;
	}
	sa_p11_init_args_for(p, &ia);
	rv = f->C_Initialize(&ia);
	if (rv != CKR_OK) {
		fatal(fd, "module %s: C_Initialize returned %s", path,
		      sa_p11_rv_name(rv));
		return;
	}
	/* Slots first, module info last: a module that crashes in C_GetInfo
	 * still gets its token selected and its cases run (and fail). */
	probe_slots(f, fd);
	if (uri != NULL) {
		if (sa_uri_select_slot(f, uri, &slot, &err) < 0) {
			fatal(fd, "%s", err.msg);
			f->C_Finalize(NULL);
			return;
		}
		sa_child_emit(fd, json_pack("{s:s, s:I}", "t", "selected",
		                            "slot", (json_int_t)slot));
		probe_mechs(f, slot, fd);
	}
	probe_module(f, fd);
	f->C_Finalize(NULL);
	sa_child_emit(fd, json_pack("{s:s}", "t", "end"));
}

struct probe_state {
	sa_target *t;
	bool ended;
	size_t mech_cap;
};

static void probe_event(void *user, json_t *ev)
{
	struct probe_state *ps = user;
	sa_target *t = ps->t;
	const char *type = json_string_value(json_object_get(ev, "t"));

	if (type == NULL)
		return;
	if (strcmp(type, "fatal") == 0) {
		snprintf(t->problem, sizeof(t->problem), "%s",
		         json_string_value(json_object_get(ev, "msg")));
	} else if (strcmp(type, "slot") == 0) {
		json_t *copy = json_deep_copy(ev);
		json_object_del(copy, "t");
		json_array_append_new(t->slots, copy);
	} else if (strcmp(type, "selected") == 0) {
		t->slot =
		    (CK_SLOT_ID)json_integer_value(json_object_get(ev, "slot"));
		t->has_slot = true;
		for (size_t i = 0; i < json_array_size(t->slots); i++) {
			json_t *s = json_array_get(t->slots, i);
			if ((CK_SLOT_ID)json_integer_value(
			        json_object_get(s, "id")) == t->slot) {
				json_decref(t->token);
				t->token =
				    json_deep_copy(json_object_get(s, "token"));
				if (t->token != NULL)
					json_object_set_new(
					    t->token, "slot",
					    json_integer((json_int_t)t->slot));
			}
		}
	} else if (strcmp(type, "mech") == 0) {
		json_t *copy = json_deep_copy(ev);
		json_object_del(copy, "t");
		json_array_append_new(t->mechanisms, copy);
		if (t->n_mechs == ps->mech_cap) {
			size_t cap = ps->mech_cap ? ps->mech_cap * 2 : 64;
			CK_MECHANISM_TYPE *n =
			    realloc(t->mechs, cap * sizeof(*n));
			if (n == NULL)
				return;
			t->mechs = n;
			ps->mech_cap = cap;
		}
		t->mechs[t->n_mechs++] = (CK_MECHANISM_TYPE)json_integer_value(
		    json_object_get(ev, "value"));
	} else if (strcmp(type, "mechs_done") == 0) {
		t->mechs_known = true;
	} else if (strcmp(type, "module") == 0) {
		json_decref(t->module);
		t->module = json_deep_copy(ev);
		json_object_del(t->module, "t");
	} else if (strcmp(type, "end") == 0) {
		ps->ended = true;
	}
}

int sa_target_probe(sa_target *t, const sa_profile *p, uint64_t timeout_ms,
                    sa_error *err)
{
	struct probe_state ps = {.t = t};
	sa_child_status st;
	int rc = SA_E_NOMEM;

	memset(t, 0, sizeof(*t));
	t->slots = json_array();
	t->mechanisms = json_array();
	SA_ENSURE(t->slots != NULL && t->mechanisms != NULL, err, SA_E_NOMEM,
	          "out of memory");
	if (sa_profile_module(p) == NULL) {
		snprintf(t->problem, sizeof(t->problem),
		         "the profile names no PKCS#11 module");
		rc = SA_OK;
		goto out;
	}
	SA_TRY(sa_child_run(probe_child, (void *)p, timeout_ms, probe_event,
	                    &ps, &st, err));
	if (t->problem[0] == '\0' && !ps.ended) {
		const char *how = st.how == SA_CHILD_TIMEOUT
		                      ? "hung (timed out)"
		                  : st.how == SA_CHILD_SIGNALED ? "crashed"
		                                                : "exited";
		/* After the token was selected the run can go on; each case
		 * will meet the fault itself and record it. */
		if (t->has_slot || sa_profile_token_uri(p) == NULL)
			snprintf(t->incident, sizeof(t->incident),
			         "the module %s while being probed", how);
		else
			snprintf(t->problem, sizeof(t->problem),
			         "module %s: %s while being probed (before a "
			         "token was selected)",
			         sa_profile_module(p), how);
	}
	if (t->module != NULL)
		json_object_set_new(t->module, "path",
		                    json_string(sa_profile_module(p)));
	rc = SA_OK;
out:
	return rc;
}

void sa_target_clear(sa_target *t)
{
	if (t == NULL)
		return;
	json_decref(t->module);
	json_decref(t->slots);
	json_decref(t->token);
	json_decref(t->mechanisms);
	free(t->mechs);
	memset(t, 0, sizeof(*t));
}

/* ---- the PKCS#11 side of sa_case_ctx ---- */

CK_FUNCTION_LIST_PTR sa_case_p11(sa_case_ctx *ctx)
{
	return ctx->p11;
}

CK_SLOT_ID sa_case_slot(const sa_case_ctx *ctx)
{
	return ctx->slot;
}

void sa_case_init_args(const sa_case_ctx *ctx, CK_C_INITIALIZE_ARGS *out)
{
	sa_p11_init_args_for(ctx->profile, out);
}

bool sa_case_has_mech(const sa_case_ctx *ctx, CK_MECHANISM_TYPE m)
{
	for (size_t i = 0; i < ctx->n_mechs; i++) {
		if (ctx->mechs[i] == m)
			return true;
	}
	return false;
}

static sa_pin_kind pin_kind(CK_USER_TYPE who)
{
	return who == CKU_SO ? SA_PIN_SO : SA_PIN_USER;
}

CK_RV sa_p11_login(sa_case_ctx *ctx, CK_SESSION_HANDLE session,
                   CK_USER_TYPE who)
{
	sa_buf pin = SA_BUF_INIT_SECURE;
	CK_RV rv = CKR_FUNCTION_FAILED;

	if (ctx->p11 == NULL || ctx->profile == NULL)
		goto out;
	if (sa_profile_read_pin(ctx->profile, pin_kind(who), &pin, &ctx->err) <
	    0) {
		sa_case_error(ctx, "cannot log in: %s", ctx->err.msg);
		goto out;
	}
	rv = ctx->p11->C_Login(session, who, pin.data, (CK_ULONG)pin.len);
out:
	sa_buf_free(&pin);
	return rv;
}

size_t sa_p11_pin_len(sa_case_ctx *ctx, CK_USER_TYPE who)
{
	sa_buf pin = SA_BUF_INIT_SECURE;
	size_t n = 0;

	if (ctx->profile != NULL &&
	    sa_profile_read_pin(ctx->profile, pin_kind(who), &pin, &ctx->err) ==
	        SA_OK)
		n = pin.len;
	sa_buf_free(&pin);
	return n;
}

CK_RV sa_p11_open(sa_case_ctx *ctx, CK_FLAGS flags, CK_SESSION_HANDLE *out)
{
	*out = CK_INVALID_HANDLE;
	if (ctx->p11 == NULL)
		return CKR_CRYPTOKI_NOT_INITIALIZED;
	return ctx->p11->C_OpenSession(ctx->slot, flags | CKF_SERIAL_SESSION,
	                               NULL, NULL, out);
}

void sa_p11_close(sa_case_ctx *ctx, CK_SESSION_HANDLE *s)
{
	if (ctx->p11 != NULL && *s != CK_INVALID_HANDLE)
		(void)ctx->p11->C_CloseSession(*s);
	*s = CK_INVALID_HANDLE;
}

void sa_p11_destroy(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE *h)
{
	if (ctx->p11 != NULL && *h != CK_INVALID_HANDLE &&
	    s != CK_INVALID_HANDLE)
		(void)ctx->p11->C_DestroyObject(s, *h);
	*h = CK_INVALID_HANDLE;
}

CK_RV sa_p11_get_attr(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h,
                      CK_ATTRIBUTE_TYPE type, size_t max, sa_buf *out,
                      CK_ULONG *reported)
{
	CK_ATTRIBUTE a = {type, NULL, 0};
	CK_RV rv = CKR_CRYPTOKI_NOT_INITIALIZED;

	sa_buf_reset(out);
	if (ctx->p11 == NULL)
		goto out;
	rv = ctx->p11->C_GetAttributeValue(s, h, &a, 1);
	if (rv != CKR_OK)
		goto out;
	if (a.ulValueLen == CK_UNAVAILABLE_INFORMATION || a.ulValueLen > max) {
		rv = CKR_GENERAL_ERROR;
		goto out;
	}
	if (sa_buf_reserve(out, (size_t)a.ulValueLen) < 0) {
		rv = CKR_HOST_MEMORY;
		goto out;
	}
	a.pValue = out->data;
	rv = ctx->p11->C_GetAttributeValue(s, h, &a, 1);
	if (rv != CKR_OK)
		goto out;
	/* sa_buf_reserve left one byte past the announced size for the NUL:
	 * a module that wrote into it wrote more than it announced. */
	if (a.ulValueLen >= out->cap) {
		rv = CKR_GENERAL_ERROR;
		goto out;
	}
	out->len = (size_t)a.ulValueLen;
	out->data[out->len] = '\0';
out:
	if (reported != NULL)
		*reported = a.ulValueLen;
	return rv;
}

CK_RV sa_p11_count_label(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                         const char *label, CK_ULONG *n)
{
	CK_ATTRIBUTE tmpl = {CKA_LABEL, (void *)label, strlen(label)};
	CK_OBJECT_HANDLE found[64];
	CK_ULONG got = 0;
	CK_RV rv;

	*n = 0;
	if (ctx->p11 == NULL)
		return CKR_CRYPTOKI_NOT_INITIALIZED;
	rv = ctx->p11->C_FindObjectsInit(s, &tmpl, 1);
	if (rv != CKR_OK)
		goto out;
	rv = ctx->p11->C_FindObjects(s, found, SA_COUNTOF(found), &got);
	if (rv == CKR_OK)
		*n = got > SA_COUNTOF(found) ? SA_COUNTOF(found) : got;
	(void)ctx->p11->C_FindObjectsFinal(s);
out:
	return rv;
}

bool sa_p11_check_rv(sa_case_ctx *ctx, const char *what, CK_RV observed,
                     CK_RV strict, const CK_RV *lenient)
{
	sa_buf expected = SA_BUF_INIT, obs = SA_BUF_INIT;
	bool in_lenient = false, ok;

	sa_buf_append_str(&expected, sa_p11_rv_name(strict));
	for (size_t i = 0; lenient != NULL && lenient[i] != SA_CKR_END; i++) {
		sa_buf_append_str(&expected,
		                  i == 0 ? " (also permitted: " : ", ");
		sa_buf_append_str(&expected, sa_p11_rv_name(lenient[i]));
		if (lenient[i + 1] == SA_CKR_END)
			sa_buf_append_str(&expected, ")");
		if (observed == lenient[i])
			in_lenient = true;
	}
	sa_buf_append_str(&obs, sa_p11_rv_name(observed));
	if (observed == strict) {
		ok = true;
	} else if (in_lenient && !ctx->strict) {
		ok = true;
		sa_buf_append_str(&obs, " (permitted, not the strict code)");
		sa_case_mark_lenient(ctx);
	} else {
		ok = false;
		if (in_lenient)
			sa_buf_append_str(&obs,
			                  " (permitted only leniently; the "
			                  "profile asks for strict)");
	}
	sa_case_check(ctx, ok, what, sa_buf_cstr(&expected), sa_buf_cstr(&obs));
	sa_buf_free(&expected);
	sa_buf_free(&obs);
	return ok;
}
