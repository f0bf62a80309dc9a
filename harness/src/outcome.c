#include "outcome.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct sa_outcome {
	const sa_case *c;
	const char *suite;
	json_t *checks; /* array */
	json_t *notes;  /* array of strings */
	json_t
	    *vfiles; /* "vectors" events by source: {source, target, reference}
	              */
	sa_verdict explicit_v;
	bool has_explicit;
	char reason[1024];
	bool ended;
	bool lenient;
	char guard[256]; /* the open sa_case_guard_begin(), or "" */
	bool guard_failed;
	unsigned n_checks, n_failed;
	json_t *first_failed; /* borrowed from checks */
	char last_what[256];
};

sa_outcome *sa_outcome_new(const sa_case *c, const char *suite)
{
	sa_outcome *o = calloc(1, sizeof(*o));

	if (o == NULL)
		return NULL;
	o->c = c;
	o->suite = suite;
	o->checks = json_array();
	o->notes = json_array();
	o->vfiles = json_array();
	if (o->checks == NULL || o->notes == NULL || o->vfiles == NULL) {
		sa_outcome_free(o);
		return NULL;
	}
	return o;
}

void sa_outcome_free(sa_outcome *o)
{
	if (o == NULL)
		return;
	json_decref(o->checks);
	json_decref(o->notes);
	json_decref(o->vfiles);
	free(o);
}

static void set_verdict(sa_outcome *o, sa_verdict v, const char *reason)
{
	/* The most severe verdict wins; its reason explains the case. */
	if (!o->has_explicit ||
	    sa_verdict_worst(o->explicit_v, v) != o->explicit_v) {
		o->explicit_v = v;
		o->has_explicit = true;
		snprintf(o->reason, sizeof(o->reason), "%s",
		         reason ? reason : "");
	}
}

void sa_outcome_preset(sa_outcome *o, sa_verdict v, const char *reason)
{
	set_verdict(o, v, reason);
	o->ended = true;
}

/* One run of a vector source (sigaudit/vectors.h) joins the file entry of its
 * source, as the "target" or "reference" block, so the two engines sit side
 * by side in results.json. */
static void vectors_event(sa_outcome *o, json_t *ev)
{
	const char *source = json_string_value(json_object_get(ev, "source"));
	const char *role = json_string_value(json_object_get(ev, "role"));
	json_t *file = NULL, *block;
	size_t i;
	double ms = json_number_value(json_object_get(ev, "ms"));
	json_int_t total = json_integer_value(json_object_get(ev, "total"));

	if (source == NULL || role == NULL ||
	    (strcmp(role, "target") != 0 && strcmp(role, "reference") != 0))
		return;
	json_array_foreach(o->vfiles, i, file)
	{
		if (strcmp(json_string_value(json_object_get(file, "source")),
		           source) == 0)
			break;
		file = NULL;
	}
	if (file == NULL) {
		file = json_pack("{s:s}", "source", source);
		if (file == NULL || json_array_append_new(o->vfiles, file) < 0)
			return;
	}
	block = json_deep_copy(ev);
	if (block == NULL)
		return;
	json_object_del(block, "t");
	json_object_del(block, "source");
	json_object_del(block, "role");
	json_object_set_new(block, "ms", json_real(ms));
	/* Throughput is what the issue asks to compare: vectors answered per
	 * second of wall time, key import included. */
	if (ms > 0.0)
		json_object_set_new(
		    block, "per_second",
		    json_integer((json_int_t)((double)total * 1000.0 / ms)));
	json_object_set_new(file, role, block);
}

/* The DESIGN §7 "vectors" block: the target's counts summed over its files,
 * every disagreement listed with the file it came from, and the files with
 * both engines. */
static json_t *vectors_json(const sa_outcome *o)
{
	json_int_t total = 0, agree = 0, disagree = 0, errors = 0, skipped = 0,
	           acc = 0;
	json_t *v, *dis = json_array(), *file;
	size_t i, j, n_target = 0;
	const char *source = NULL;

	if (dis == NULL)
		return NULL;
	json_array_foreach(o->vfiles, i, file)
	{
		json_t *t = json_object_get(file, "target"), *d;
		if (t == NULL)
			continue;
		n_target++;
		source = json_string_value(json_object_get(file, "source"));
		total += json_integer_value(json_object_get(t, "total"));
		agree += json_integer_value(json_object_get(t, "agree"));
		disagree += json_integer_value(json_object_get(t, "disagree"));
		errors += json_integer_value(json_object_get(t, "errors"));
		skipped += json_integer_value(json_object_get(t, "skipped"));
		acc += json_integer_value(json_object_get(
		           json_object_get(t, "acceptable"), "accepted")) +
		       json_integer_value(json_object_get(
		           json_object_get(t, "acceptable"), "rejected"));
		json_array_foreach(json_object_get(t, "disagreements"), j, d)
		{
			json_t *c = json_deep_copy(d);
			if (c == NULL)
				continue;
			json_object_set_new(c, "source", json_string(source));
			json_array_append_new(dis, c);
		}
	}
	v = json_pack("{s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:O}", "source",
	              n_target == 1 ? json_string(source)
	                            : json_sprintf("%zu files", n_target),
	              "total", total, "agree", agree, "disagree", disagree,
	              "acceptable", acc, "errors", errors, "skipped", skipped,
	              "disagreements", dis, "files", o->vfiles);
	return v;
}

void sa_outcome_event(sa_outcome *o, json_t *ev)
{
	const char *t = json_string_value(json_object_get(ev, "t"));

	if (t == NULL)
		return;
	if (strcmp(t, "check") == 0) {
		json_t *ok = json_object_get(ev, "ok");
		json_t *rec = json_deep_copy(ev);
		const char *what =
		    json_string_value(json_object_get(ev, "what"));
		if (rec == NULL)
			return;
		json_object_del(rec, "t");
		o->n_checks++;
		snprintf(o->last_what, sizeof(o->last_what), "%s",
		         what ? what : "");
		json_array_append_new(o->checks, rec);
		if (!json_is_true(ok)) {
			o->n_failed++;
			if (o->first_failed == NULL)
				o->first_failed = rec;
		}
	} else if (strcmp(t, "verdict") == 0) {
		int v = sa_verdict_parse(
		    json_string_value(json_object_get(ev, "v")));
		/* A case cannot waive itself; only the profile can. */
		if (v < 0 || v == SA_VERDICT_WAIVED)
			v = SA_VERDICT_ERROR;
		set_verdict(o, (sa_verdict)v,
		            json_string_value(json_object_get(ev, "reason")));
	} else if (strcmp(t, "note") == 0) {
		json_t *text = json_object_get(ev, "text");
		if (json_is_string(text))
			json_array_append(o->notes, text);
	} else if (strcmp(t, "vectors") == 0) {
		vectors_event(o, ev);
	} else if (strcmp(t, "guard") == 0) {
		const char *what =
		    json_string_value(json_object_get(ev, "what"));
		snprintf(o->guard, sizeof(o->guard), "%s",
		         what && what[0] ? what : "(a guarded call)");
	} else if (strcmp(t, "guard_end") == 0) {
		o->guard[0] = '\0';
	} else if (strcmp(t, "lenient") == 0) {
		o->lenient = true;
	} else if (strcmp(t, "end") == 0) {
		o->ended = true;
	}
}

static const char *signal_name(int sig)
{
	switch (sig) {
	case SIGSEGV:
		return "SIGSEGV";
	case SIGABRT:
		return "SIGABRT";
	case SIGBUS:
		return "SIGBUS";
	case SIGFPE:
		return "SIGFPE";
	case SIGILL:
		return "SIGILL";
	case SIGKILL:
		return "SIGKILL";
	case SIGTERM:
		return "SIGTERM";
	default:
		return "a signal";
	}
}

/* The process ending badly outranks what the case recorded: a module that
 * crashes or hangs is an ERROR for that case (issue 2, DESIGN §6). */
static bool process_verdict(sa_outcome *o, const sa_child_status *st,
                            uint64_t timeout_ms)
{
	char reason[1024];
	const char *after = o->last_what[0] ? o->last_what : NULL;

	if (st == NULL)
		return false;
	if (st->how == SA_CHILD_TIMEOUT) {
		snprintf(reason, sizeof(reason),
		         "timed out after %llu ms%s%s%s (the module hung; the "
		         "case process was killed)",
		         (unsigned long long)timeout_ms,
		         after ? " after check '" : "", after ? after : "",
		         after ? "'" : "");
	} else if (st->how == SA_CHILD_SIGNALED) {
		snprintf(reason, sizeof(reason),
		         "case process died of %s (signal %d)%s%s%s",
		         signal_name(st->code), st->code,
		         after ? " after check '" : "", after ? after : "",
		         after ? "'" : "");
	} else if (st->code != 0) {
		snprintf(reason, sizeof(reason),
		         "case process exited with status %d (the module "
		         "called exit(), or a sanitizer stopped it)",
		         st->code);
	} else if (!o->ended) {
		snprintf(reason, sizeof(reason),
		         "case process ended without a result");
	} else {
		return false;
	}
	if (o->guard[0] != '\0' && st->how != SA_CHILD_TIMEOUT &&
	    !(st->how == SA_CHILD_EXITED && st->code == 0)) {
		/* The case said the call must return: dying in it is the
		 * module's answer (sigaudit/case.h, sa_case_guard_begin). */
		char why[1024];
		snprintf(why, sizeof(why), "%s", reason);
		snprintf(reason, sizeof(reason),
		         "%s: the module ended the process instead of "
		         "returning (%s)",
		         o->guard, why);
		o->explicit_v = SA_VERDICT_FAIL;
		o->has_explicit = true;
		snprintf(o->reason, sizeof(o->reason), "%s", reason);
		o->guard_failed = true;
		return true;
	}
	o->explicit_v = SA_VERDICT_ERROR;
	o->has_explicit = true;
	snprintf(o->reason, sizeof(o->reason), "%s", reason);
	return true;
}

static bool waiver_expired(const sa_waiver *w, const char *today)
{
	/* ISO dates compare as strings; expiry day itself is still valid. */
	return w->expires != NULL && today != NULL &&
	       strcmp(today, w->expires) > 0;
}

json_t *sa_outcome_finish(sa_outcome *o, const sa_child_status *st,
                          uint64_t timeout_ms, const sa_profile *profile,
                          const char *today)
{
	sa_verdict v = SA_VERDICT_PASS;
	char reason[1200] = "";
	const sa_waiver *w = NULL;
	json_t *rec = NULL, *refs = NULL, *shown = NULL;

	bool proc = process_verdict(o, st, timeout_ms);

	if (!proc && !o->has_explicit && o->n_checks == 0) {
		/* A case that asserts nothing cannot fail: a defect. */
		o->explicit_v = SA_VERDICT_ERROR;
		o->has_explicit = true;
		snprintf(o->reason, sizeof(o->reason),
		         "the case recorded no check and no verdict");
	}
	if (o->n_failed > 0) {
		v = SA_VERDICT_FAIL;
		snprintf(reason, sizeof(reason),
		         "%u of %u checks failed; first: %s", o->n_failed,
		         o->n_checks,
		         json_string_value(
		             json_object_get(o->first_failed, "what")));
	}
	if (o->has_explicit && sa_verdict_worst(v, o->explicit_v) != v) {
		v = o->explicit_v;
		snprintf(reason, sizeof(reason), "%s", o->reason);
	} else if (o->has_explicit && o->explicit_v == v && o->reason[0] &&
	           v == SA_VERDICT_FAIL) {
		snprintf(reason, sizeof(reason), "%s", o->reason);
	}
	/* A crash, hang or exit outranks failures recorded before it (the
	 * failed checks stay visible in "checks"); inside a guard it is the
	 * failure itself. */
	if (proc) {
		v = o->guard_failed ? SA_VERDICT_FAIL : SA_VERDICT_ERROR;
		snprintf(reason, sizeof(reason), "%s", o->reason);
	}

	if (profile != NULL && o->c != NULL)
		w = sa_profile_waiver(profile, o->c->id);
	if (w != NULL && v == SA_VERDICT_FAIL) {
		if (waiver_expired(w, today)) {
			json_array_append_new(
			    o->notes,
			    json_sprintf("waiver expired on %s; not applied",
			                 w->expires));
		} else {
			char why[1200];
			snprintf(why, sizeof(why), "%s", reason);
			snprintf(reason, sizeof(reason),
			         "waived: %s (failed: %s)", w->reason, why);
			v = SA_VERDICT_WAIVED;
		}
	} else if (w != NULL) {
		json_array_append_new(
		    o->notes,
		    json_sprintf("a waiver exists but the case did not fail "
		                 "(%s): review it",
		                 sa_verdict_str(v)));
	}

	shown = o->first_failed;
	if (shown == NULL && json_array_size(o->checks) > 0)
		shown = json_array_get(o->checks, 0);

	refs = json_array();
	for (size_t i = 0; o->c && o->c->refs && o->c->refs[i]; i++)
		json_array_append_new(refs,
		                      sa_json_string_lossy(o->c->refs[i]));

	rec = json_object();
	if (rec == NULL || refs == NULL) {
		json_decref(refs);
		json_decref(rec);
		return NULL;
	}
	json_object_set_new(rec, "id", json_string(o->c ? o->c->id : "?"));
	json_object_set_new(rec, "suite",
	                    json_string(o->suite ? o->suite : ""));
	json_object_set_new(rec, "title",
	                    sa_json_string_lossy(o->c ? o->c->title : ""));
	json_object_set_new(rec, "verdict", json_string(sa_verdict_str(v)));
	json_object_set_new(rec, "duration_ms",
	                    json_integer(st ? (json_int_t)st->ms : 0));
	json_object_set_new(rec, "refs", refs);
	if (o->c != NULL && o->c->impact >= 1 && o->c->impact <= 5)
		json_object_set_new(rec, "impact",
		                    json_sprintf("I%d", o->c->impact));
	if (o->c != NULL && o->c->threat != NULL)
		json_object_set_new(rec, "threat",
		                    sa_json_string_lossy(o->c->threat));
	if (shown != NULL) {
		json_object_set(rec, "expected",
		                json_object_get(shown, "expected"));
		json_object_set(rec, "observed",
		                json_object_get(shown, "observed"));
	}
	if (reason[0] != '\0' && v != SA_VERDICT_PASS)
		json_object_set_new(rec, "reason",
		                    sa_json_string_lossy(reason));
	if (v == SA_VERDICT_PASS || v == SA_VERDICT_WAIVED ||
	    v == SA_VERDICT_FAIL)
		json_object_set_new(
		    rec, "conformance",
		    json_string(o->n_failed > 0 || o->guard_failed ? "none"
		                : o->lenient                       ? "lenient"
		                                                   : "strict"));
	if (w != NULL) {
		json_t *jw = json_pack("{s:s}", "reason", w->reason);
		if (jw != NULL && w->approver != NULL)
			json_object_set_new(jw, "approver",
			                    json_string(w->approver));
		if (jw != NULL && w->expires != NULL)
			json_object_set_new(jw, "expires",
			                    json_string(w->expires));
		json_object_set_new(rec, "waiver", jw);
	}
	json_object_set(rec, "checks", o->checks);
	if (json_array_size(o->vfiles) > 0)
		json_object_set_new(rec, "vectors", vectors_json(o));
	if (json_array_size(o->notes) > 0)
		json_object_set(rec, "notes", o->notes);
	return rec;
}
