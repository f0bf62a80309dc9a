#include "casectx.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

void sa_casectx_init(struct sa_case_ctx *ctx, const sa_case *c,
                     const sa_profile *profile, sa_emit_fn emit, void *user)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->c = c;
	ctx->profile = profile;
	ctx->emit = emit;
	ctx->emit_user = user;
}

static void emit(sa_case_ctx *ctx, json_t *ev)
{
	if (ev == NULL)
		return;
	if (ctx->emit != NULL)
		ctx->emit(ctx->emit_user, ev);
	else
		json_decref(ev);
}

/* json_string() refuses invalid UTF-8; device strings can be anything. */
static json_t *jstr(const char *s)
{
	return s != NULL ? sa_json_string_lossy(s) : json_null();
}

void sa_casectx_end(struct sa_case_ctx *ctx)
{
	emit(ctx, json_pack("{s:s}", "t", "end"));
}

const sa_case *sa_case_get(const sa_case_ctx *ctx)
{
	return ctx->c;
}

sa_error *sa_case_err(sa_case_ctx *ctx)
{
	return &ctx->err;
}

bool sa_case_check(sa_case_ctx *ctx, bool ok, const char *what,
                   const char *expected, const char *observed)
{
	emit(ctx,
	     json_pack("{s:s, s:o, s:o, s:o, s:b}", "t", "check", "what",
	               jstr(what ? what : "(unnamed check)"), "expected",
	               jstr(expected), "observed", jstr(observed), "ok", ok));
	return ok;
}

bool sa_case_checkf(sa_case_ctx *ctx, bool ok, const char *what,
                    const char *expected, const char *observed_fmt, ...)
{
	char observed[1024];
	va_list ap;

	va_start(ap, observed_fmt);
	vsnprintf(observed, sizeof(observed), observed_fmt, ap);
	va_end(ap);
	return sa_case_check(ctx, ok, what, expected, observed);
}

static void verdict(sa_case_ctx *ctx, sa_verdict v, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static void verdict(sa_case_ctx *ctx, sa_verdict v, const char *fmt, va_list ap)
{
	char reason[1024];

	vsnprintf(reason, sizeof(reason), fmt, ap);
	emit(ctx, json_pack("{s:s, s:s, s:o}", "t", "verdict", "v",
	                    sa_verdict_str(v), "reason", jstr(reason)));
}

#define SA_VERDICT_FN_(name, v)                                                \
	void name(sa_case_ctx *ctx, const char *fmt, ...)                      \
	{                                                                      \
		va_list ap;                                                    \
		va_start(ap, fmt);                                             \
		verdict(ctx, v, fmt, ap);                                      \
		va_end(ap);                                                    \
	}

SA_VERDICT_FN_(sa_case_fail, SA_VERDICT_FAIL)
SA_VERDICT_FN_(sa_case_error, SA_VERDICT_ERROR)
SA_VERDICT_FN_(sa_case_skip, SA_VERDICT_SKIP)
SA_VERDICT_FN_(sa_case_info, SA_VERDICT_INFO)

void sa_case_note(sa_case_ctx *ctx, const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	emit(ctx, json_pack("{s:s, s:o}", "t", "note", "text", jstr(text)));
}

void sa_case_guard_begin(sa_case_ctx *ctx, const char *what)
{
	emit(ctx, json_pack("{s:s, s:o}", "t", "guard", "what",
	                    jstr(what ? what : "(a guarded call)")));
}

void sa_case_guard_end(sa_case_ctx *ctx)
{
	emit(ctx, json_pack("{s:s}", "t", "guard_end"));
}

void sa_case_mark_lenient(sa_case_ctx *ctx)
{
	emit(ctx, json_pack("{s:s}", "t", "lenient"));
}

static bool evidence_name_ok(const char *name)
{
	if (name == NULL || name[0] == '\0' || name[0] == '.')
		return false;
	for (const char *p = name; *p != '\0'; p++) {
		char ch = *p;
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' ||
		      ch == '-'))
			return false;
	}
	return strlen(name) < 128;
}

int sa_case_evidence(sa_case_ctx *ctx, const char *name, const void *data,
                     size_t len)
{
	char path[PATH_MAX];
	int rc = SA_E_INVALID;

	if (!evidence_name_ok(name)) {
		rc = SA_ERR(&ctx->err, SA_E_INVALID,
		            "evidence name '%s' is not [A-Za-z0-9._-]+",
		            name ? name : "(null)");
		goto out;
	}
	if (ctx->evidence_dir[0] == '\0') {
		rc = SA_OK; /* evidence not kept in this mode (unit tests) */
		goto out;
	}
	rc = sa_mkdir_p(ctx->evidence_dir, &ctx->err);
	if (rc < 0)
		goto out;
	if (snprintf(path, sizeof(path), "%s/%s", ctx->evidence_dir, name) >=
	    (int)sizeof(path)) {
		rc = SA_ERR(&ctx->err, SA_E_RANGE, "evidence path too long");
		goto out;
	}
	rc = sa_write_file(path, data, len, &ctx->err);
out:
	return rc;
}

bool sa_case_destructive_allowed(const sa_case_ctx *ctx)
{
	return ctx->destructive_allowed;
}

const struct sa_profile *sa_case_profile(const sa_case_ctx *ctx)
{
	return ctx->profile;
}
