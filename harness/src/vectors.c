/* Data-driven cases (sigaudit/vectors.h): counting in the child, one event
 * per run to the parent. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "casectx.h"
#include "sigaudit/vectors.h"
#include "util.h"

/* Distinct outcome codes kept in the histogram; the rest are summed under
 * "(other)". A misbehaving engine could otherwise make every vector its own
 * key. */
#define SA_VEC_CODES_MAX 64

struct sa_vec_run {
	sa_case_ctx *ctx;
	char source[256];
	char engine[160];
	sa_vec_role role;
	struct timespec t0;
	size_t total, agree, disagree, errors, skipped;
	size_t acc_accepted, acc_rejected;
	json_t *disagreements; /* listed, at most SA_VEC_LIST_MAX */
	json_t *acceptable;    /* listed, at most SA_VEC_LIST_MAX */
	json_t *errs;          /* vectors with no answer, listed likewise */
	json_t *codes;         /* "rejected CKR_SIGNATURE_INVALID": n */
	char first_skip[256];
	char first_error[256];
};

static const char *const expect_names[] = {"valid", "invalid", "acceptable"};
static const char *const seen_names[] = {"accepted", "rejected", "error"};

const char *sa_vec_expect_str(sa_vec_expect e)
{
	return (unsigned)e < SA_COUNTOF(expect_names) ? expect_names[e] : "?";
}

const char *sa_vec_seen_str(sa_vec_seen s)
{
	return (unsigned)s < SA_COUNTOF(seen_names) ? seen_names[s] : "?";
}

static json_t *jstr(const char *s)
{
	return s != NULL ? sa_json_string_lossy(s) : json_null();
}

sa_vec_run *sa_vec_begin(sa_case_ctx *ctx, const char *source, sa_vec_role role,
                         const char *engine)
{
	sa_vec_run *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->ctx = ctx;
	r->role = role;
	snprintf(r->source, sizeof(r->source), "%s", source ? source : "?");
	snprintf(r->engine, sizeof(r->engine), "%s", engine ? engine : "?");
	r->disagreements = json_array();
	r->acceptable = json_array();
	r->errs = json_array();
	r->codes = json_object();
	if (r->disagreements == NULL || r->acceptable == NULL ||
	    r->errs == NULL || r->codes == NULL) {
		json_decref(r->disagreements);
		json_decref(r->acceptable);
		json_decref(r->errs);
		json_decref(r->codes);
		free(r);
		return NULL;
	}
	clock_gettime(CLOCK_MONOTONIC, &r->t0);
	return r;
}

static void count_code(sa_vec_run *r, sa_vec_seen seen, const char *detail)
{
	char key[160];
	json_t *n;

	snprintf(key, sizeof(key), "%s%s%s", sa_vec_seen_str(seen),
	         detail && detail[0] ? " " : "", detail ? detail : "");
	n = json_object_get(r->codes, key);
	if (n == NULL && json_object_size(r->codes) >= SA_VEC_CODES_MAX) {
		snprintf(key, sizeof(key), "%s (other)", sa_vec_seen_str(seen));
		n = json_object_get(r->codes, key);
	}
	if (n != NULL)
		json_integer_set(n, json_integer_value(n) + 1);
	else
		json_object_set_new(r->codes, key, json_integer(1));
}

static void list(json_t *arr, const char *id, sa_vec_expect expected,
                 sa_vec_seen seen, const char *flags, const char *detail)
{
	json_t *o;

	if (json_array_size(arr) >= SA_VEC_LIST_MAX)
		return;
	o = json_pack("{s:o, s:s, s:s}", "id", jstr(id), "expected",
	              sa_vec_expect_str(expected), "observed",
	              sa_vec_seen_str(seen));
	if (o == NULL)
		return;
	if (flags != NULL && flags[0] != '\0')
		json_object_set_new(o, "flags", jstr(flags));
	if (detail != NULL && detail[0] != '\0')
		json_object_set_new(o, "detail", jstr(detail));
	json_array_append_new(arr, o);
}

void sa_vec_result(sa_vec_run *r, const char *id, sa_vec_expect expected,
                   sa_vec_seen seen, const char *flags, const char *detail)
{
	if (r == NULL)
		return;
	r->total++;
	count_code(r, seen, detail);
	if (seen == SA_VEC_ERROR) {
		r->errors++;
		if (r->first_error[0] == '\0')
			snprintf(r->first_error, sizeof(r->first_error),
			         "%s: %s", id ? id : "?",
			         detail ? detail : "no answer");
		list(r->errs, id, expected, seen, flags, detail);
		return;
	}
	if (expected == SA_VEC_ACCEPTABLE) {
		r->agree++;
		if (seen == SA_VEC_ACCEPTED)
			r->acc_accepted++;
		else
			r->acc_rejected++;
		list(r->acceptable, id, expected, seen, flags, detail);
		return;
	}
	if ((expected == SA_VEC_VALID) == (seen == SA_VEC_ACCEPTED)) {
		r->agree++;
		return;
	}
	r->disagree++;
	list(r->disagreements, id, expected, seen, flags, detail);
}

void sa_vec_skip(sa_vec_run *r, const char *id, const char *why)
{
	if (r == NULL)
		return;
	r->skipped++;
	if (r->first_skip[0] == '\0')
		snprintf(r->first_skip, sizeof(r->first_skip), "%s: %s",
		         id ? id : "?", why ? why : "not supported");
}

size_t sa_vec_count_total(const sa_vec_run *r)
{
	return r != NULL ? r->total : 0;
}

size_t sa_vec_count_disagree(const sa_vec_run *r)
{
	return r != NULL ? r->disagree : 0;
}

static void emit_run(sa_vec_run *r, double ms)
{
	json_t *ev;
	sa_case_ctx *ctx = r->ctx;

	ev = json_pack(
	    "{s:s, s:o, s:s, s:o, s:I, s:I, s:I, s:I, s:I, s:{s:I, s:I}, "
	    "s:f, s:O, s:O, s:O, s:O}",
	    "t", "vectors", "source", jstr(r->source), "role",
	    r->role == SA_VEC_TARGET ? "target" : "reference", "engine",
	    jstr(r->engine), "total", (json_int_t)r->total, "agree",
	    (json_int_t)r->agree, "disagree", (json_int_t)r->disagree, "errors",
	    (json_int_t)r->errors, "skipped", (json_int_t)r->skipped,
	    "acceptable", "accepted", (json_int_t)r->acc_accepted, "rejected",
	    (json_int_t)r->acc_rejected, "ms", ms, "codes", r->codes,
	    "disagreements", r->disagreements, "acceptable_results",
	    r->acceptable, "errors_list", r->errs);
	if (ev != NULL && r->first_skip[0] != '\0')
		json_object_set_new(ev, "first_skip", jstr(r->first_skip));
	if (ev != NULL && ctx->emit != NULL)
		ctx->emit(ctx->emit_user, ev);
	else
		json_decref(ev);
}

size_t sa_vec_end(sa_vec_run *r)
{
	struct timespec t1;
	double ms;
	size_t disagree;

	if (r == NULL)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - r->t0.tv_sec) * 1e3 +
	     (double)(t1.tv_nsec - r->t0.tv_nsec) / 1e6;
	emit_run(r, ms);

	if (r->role == SA_VEC_TARGET) {
		if (r->total == 0 && r->skipped > 0) {
			sa_case_skip(r->ctx, "%s: all %zu vectors skipped (%s)",
			             r->source, r->skipped, r->first_skip);
		} else if (r->total > 0) {
			char what[320];
			snprintf(what, sizeof(what), "%s agrees with %s",
			         r->engine, r->source);
			sa_case_checkf(
			    r->ctx, r->disagree == 0, what, "0 disagreements",
			    "%zu of %zu disagree, %zu agree%s", r->disagree,
			    r->total, r->agree,
			    r->errors ? " (and some gave no answer)" : "");
		}
		if (r->errors > 0)
			sa_case_error(r->ctx,
			              "%s: %zu of %zu vectors gave no answer; "
			              "first: %s",
			              r->source, r->errors, r->total,
			              r->first_error);
		if (r->skipped > 0 && r->total > 0)
			sa_case_note(r->ctx, "%s: %zu vectors skipped (%s)",
			             r->source, r->skipped, r->first_skip);
	} else if (r->disagree > 0 || r->errors > 0) {
		sa_case_note(
		    r->ctx,
		    "reference %s disagrees with %s on %zu of %zu "
		    "vectors (%zu gave no answer); reported as measured",
		    r->engine, r->source, r->disagree, r->total, r->errors);
	}
	disagree = r->disagree;
	json_decref(r->disagreements);
	json_decref(r->acceptable);
	json_decref(r->errs);
	json_decref(r->codes);
	free(r);
	return disagree;
}
