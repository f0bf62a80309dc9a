#include "runner.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>

#include "casectx.h"
#include "child.h"
#include "log.h"
#include "outcome.h"
#include "results.h"
#include "sigaudit/guard.h"
#include "p11_trace.h"
#include "sigaudit/p11.h"
#include "target.h"
#include "util.h"

struct job {
	const sa_run_opts *opts;
	const sa_plan_item *item;
	const sa_target *target;
	bool destructive_allowed;
	bool strict;
	char evidence_dir[PATH_MAX];
};

static void emit_fd(void *user, json_t *ev)
{
	sa_child_emit(*(int *)user, ev);
}

/* Every PKCS#11 call the case makes goes to its evidence (p11_trace.h). */
static void trace_start(struct sa_case_ctx *ctx)
{
	char path[PATH_MAX];
	sa_error err = SA_ERROR_INIT;

	if (ctx->evidence_dir[0] == '\0' ||
	    sa_mkdir_p(ctx->evidence_dir, &err) < 0 ||
	    snprintf(path, sizeof(path), "%s/p11-trace.tsv",
	             ctx->evidence_dir) >= (int)sizeof(path))
		return;
	ctx->p11 = sa_p11_trace_wrap(ctx->p11, path);
}

/* The child: prepare what the case needs, run it, tidy up. */
static void case_child(void *arg, int fd)
{
	struct job *job = arg;
	const sa_case *c = job->item->c;
	struct sa_case_ctx ctx;
	bool initialised = false;

	/* What a case has to say goes into its events; warnings the parent
	 * already printed once (a loose PIN file mode) are not repeated. */
	sa_log_set_level(SA_LOG_QUIET);
	sa_casectx_init(&ctx, c, job->opts->profile, emit_fd, &fd);
	ctx.strict = job->strict;
	ctx.destructive_allowed = job->destructive_allowed;
	ctx.mechs = job->target->mechs;
	ctx.n_mechs = job->target->n_mechs;
	ctx.slot = job->target->slot;
	ctx.has_slot = job->target->has_slot;
	snprintf(ctx.evidence_dir, sizeof(ctx.evidence_dir), "%s",
	         job->evidence_dir);
	sa_p11_init_args_for(ctx.profile, &ctx.init_args);
	ERR_clear_error();

	if (c->needs & (SA_NEED_P11_MODULE | SA_NEED_P11 | SA_NEED_TOKEN)) {
		sa_error err = SA_ERROR_INIT;
		if (sa_p11_module_load(&ctx.p11, sa_profile_module(ctx.profile),
		                       &err) < 0) {
			sa_case_error(&ctx, "%s", err.msg);
			goto out;
		}
		trace_start(&ctx);
	}
	if (c->needs & (SA_NEED_P11 | SA_NEED_TOKEN)) {
		CK_RV rv = ctx.p11->C_Initialize(&ctx.init_args);
		if (rv != CKR_OK) {
			sa_case_error(&ctx, "C_Initialize returned %s",
			              sa_p11_rv_name(rv));
			goto out;
		}
		initialised = true;
	}
	c->run(&ctx);
	if (initialised)
		ctx.p11->C_Finalize(NULL); /* NOT_INITIALIZED if the case did */
out:
	sa_p11_trace_finish();
	sa_casectx_end(&ctx);
}

static void outcome_event(void *user, json_t *ev)
{
	sa_outcome_event(user, ev);
}

/* Why a case cannot run on this target, or NULL. */
static const char *gate(const struct job *job, char *buf, size_t size)
{
	const sa_case *c = job->item->c;
	const sa_profile *p = job->opts->profile;
	const sa_target *t = job->target;

	if ((c->tags & SA_TAG_DESTRUCTIVE) && !job->destructive_allowed) {
		snprintf(buf, size,
		         "destructive: needs --destructive and a token the "
		         "profile names as disposable_token");
		return buf;
	}
	if ((c->needs & (SA_NEED_P11_MODULE | SA_NEED_P11 | SA_NEED_TOKEN)) &&
	    sa_profile_module(p) == NULL) {
		snprintf(buf, size, "the profile names no PKCS#11 module");
		return buf;
	}
	if ((c->needs & SA_NEED_TOKEN) && !t->has_slot) {
		snprintf(buf, size,
		         "the profile selects no token ([pkcs11] token)");
		return buf;
	}
	if ((c->needs & SA_NEED_USER_PIN) &&
	    !sa_profile_has_pin(p, SA_PIN_USER)) {
		snprintf(buf, size,
		         "needs the user PIN: set user_pin_env or "
		         "user_pin_file in the profile");
		return buf;
	}
	if (((c->needs & SA_NEED_SO_PIN) || (c->tags & SA_TAG_NEEDS_SO)) &&
	    !sa_profile_has_pin(p, SA_PIN_SO)) {
		snprintf(buf, size,
		         "needs the SO PIN: set so_pin_env or "
		         "so_pin_file in the profile");
		return buf;
	}
	/* Gate on mechanisms only when the probe listed them all: a probe that
	 * died on the way must not turn into "the token does not list ...". */
	for (size_t i = 0;
	     t->mechs_known && c->mechs != NULL && c->mechs[i] != SA_MECH_END;
	     i++) {
		bool found = false;
		for (size_t k = 0; k < t->n_mechs && !found; k++)
			found = t->mechs[k] == c->mechs[i];
		if (!found) {
			snprintf(buf, size, "the token does not list %s",
			         sa_p11_mech_name(c->mechs[i]));
			return buf;
		}
	}
	return NULL;
}

static int rm_entry(const char *path, const struct stat *sb, int flag,
                    struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* A re-run into the same directory must not mix old evidence with new. Only
 * a directory that already holds a sigaudit results.json is cleaned. */
static int prepare_out(const char *dir, sa_error *err)
{
	char path[PATH_MAX];
	int rc = SA_E_IO;

	SA_TRY(sa_mkdir_p(dir, err));
	SA_ENSURE(snprintf(path, sizeof(path), "%s/results.json", dir) <
	              (int)sizeof(path),
	          err, SA_E_RANGE, "path too long: %s", dir);
	if (access(path, F_OK) == 0) {
		snprintf(path, sizeof(path), "%s/evidence", dir);
		if (access(path, F_OK) == 0)
			SA_ENSURE(
			    nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS) == 0,
			    err, SA_E_IO, "cannot clean %s: %s", path,
			    strerror(errno));
	}
	rc = SA_OK;
out:
	return rc;
}

/* The files under evidence/<ID>/ go into the case record, each with its
 * SHA-256. */
static void add_evidence(json_t *rec, const char *id, const char *dir)
{
	json_t *list = json_array();
	struct dirent **ents = NULL;
	int n = scandir(dir, &ents, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		char path[PATH_MAX], sha[65];
		sa_error err = SA_ERROR_INIT;
		if (ents[i]->d_name[0] != '.' &&
		    snprintf(path, sizeof(path), "%s/%s", dir,
		             ents[i]->d_name) < (int)sizeof(path) &&
		    sa_sha256_file(sha, path, &err) == SA_OK) {
			json_array_append_new(
			    list, json_pack("{s:o, s:s}", "path",
			                    json_sprintf("evidence/%s/%s", id,
			                                 ents[i]->d_name),
			                    "sha256", sha));
		}
		free(ents[i]);
	}
	free(ents);
	if (json_array_size(list) > 0)
		json_object_set_new(rec, "evidence", list);
	else
		json_decref(list);
}

static void progress(size_t i, size_t n, const json_t *rec, bool tty)
{
	const char *v = json_string_value(json_object_get(rec, "verdict"));
	const char *color = "";
	const char *reason = json_string_value(json_object_get(rec, "reason"));

	if (tty) {
		if (strcmp(v, "pass") == 0)
			color = "\033[32m";
		else if (strcmp(v, "fail") == 0)
			color = "\033[31m";
		else if (strcmp(v, "error") == 0)
			color = "\033[35m";
		else
			color = "\033[33m";
	}
	printf(
	    "[%*zu/%zu] %-14s %s%-6s%s %5lld ms  %s%s%s\n", n >= 100 ? 3 : 2,
	    i + 1, n, json_string_value(json_object_get(rec, "id")), color, v,
	    tty ? "\033[0m" : "",
	    (long long)json_integer_value(json_object_get(rec, "duration_ms")),
	    json_string_value(json_object_get(rec, "title")),
	    reason && strcmp(v, "pass") != 0 ? " -- " : "",
	    reason && strcmp(v, "pass") != 0 ? reason : "");
	fflush(stdout);
}

static int default_out(char *buf, size_t size, const sa_profile *p,
                       time_t started, sa_error *err)
{
	char ts[32];
	int rc = SA_E_RANGE;

	sa_utc_compact(ts, started);
	SA_ENSURE(snprintf(buf, size, "results/%s-%s", ts, sa_profile_name(p)) <
	              (int)size,
	          err, SA_E_RANGE, "output path too long");
	rc = SA_OK;
out:
	return rc;
}

static bool destructive_allowed(const sa_run_opts *o, const sa_target *t)
{
	const char *label = sa_profile_disposable_label(o->profile);
	const char *tok =
	    t->token ? json_string_value(json_object_get(t->token, "label"))
	             : NULL;

	if (!o->destructive)
		return false;
	if (label == NULL || tok == NULL || strcmp(label, tok) != 0) {
		sa_log_warn("--destructive ignored: token '%s' is not the "
		            "profile's disposable_token '%s'",
		            tok ? tok : "(none)", label ? label : "(not set)");
		return false;
	}
	return true;
}

/* Read each configured PIN once before the run: a missing or empty PIN is
 * a harness error now, not one error verdict per case later. The PIN is
 * wiped at once; cases read it again when they log in. */
static int check_pins(const sa_profile *p, sa_error *err)
{
	static const sa_pin_kind kinds[] = {SA_PIN_USER, SA_PIN_SO};
	int rc = SA_OK;

	for (size_t i = 0; i < SA_COUNTOF(kinds) && rc == SA_OK; i++) {
		sa_buf pin = SA_BUF_INIT_SECURE;
		if (sa_profile_has_pin(p, kinds[i]))
			rc = sa_profile_read_pin(p, kinds[i], &pin, err);
		sa_buf_free(&pin);
	}
	return rc;
}

/* A waiver whose case ID names no case waives nothing: most likely a typo,
 * which an auditor must see rather than a silently failing case. */
static void check_waivers(const sa_profile *p, const sa_suite *const *reg,
                          json_t *warnings)
{
	for (size_t w = 0; w < sa_profile_waiver_count(p); w++) {
		const sa_waiver *wv = sa_profile_waiver_at(p, w);
		bool known = false;
		for (size_t s = 0; reg[s] != NULL && !known; s++) {
			for (size_t g = 0; reg[s]->groups[g] != NULL && !known;
			     g++) {
				const sa_case_group *grp = reg[s]->groups[g];
				for (size_t k = 0; k < grp->n_cases && !known;
				     k++)
					known = strcmp(grp->cases[k].id,
					               wv->case_id) == 0;
			}
		}
		if (known)
			continue;
		sa_log_warn("%s:%d: waiver for '%s', which is not a case ID",
		            sa_profile_path(p), wv->line, wv->case_id);
		json_array_append_new(
		    warnings,
		    json_sprintf("%s:%d: waiver for '%s', which is not a "
		                 "case ID",
		                 sa_profile_path(p), wv->line, wv->case_id));
	}
}

static bool only_p11_cases(const sa_plan_item *plan, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!(plan[i].c->needs &
		      (SA_NEED_P11_MODULE | SA_NEED_P11 | SA_NEED_TOKEN)))
			return false;
	return true;
}

static int target_problem(const sa_profile *p, const sa_target *t,
                          sa_error *err)
{
	/* The one line names the profile's file and the line of the key that
	 * led there (module or token), so the user knows what to edit. */
	const char *key = strstr(t->problem, "token") != NULL ||
	                          strstr(t->problem, "matches") != NULL
	                      ? "token"
	                      : "module";
	int line = sa_profile_key_line(p, "pkcs11", key);

	if (line > 0)
		return SA_ERR(err, SA_E_PROFILE, "%s:%d: %s",
		              sa_profile_path(p), line, t->problem);
	return SA_ERR(err, SA_E_PROFILE, "%s: %s", sa_profile_path(p),
	              t->problem);
}

int sa_run(const sa_run_opts *opts, const sa_suite *const *registry,
           int *exit_code, sa_error *err)
{
	sa_plan_item *plan = NULL;
	size_t n = 0;
	sa_target target;
	json_t *doc = NULL;
	char out_dir[PATH_MAX], junit[PATH_MAX], today[32];
	time_t started = time(NULL);
	uint64_t timeout_ms;
	bool tty = isatty(STDOUT_FILENO), allowed, strict;
	int rc = SA_E_INVALID;

	memset(&target, 0, sizeof(target));
	*exit_code = SA_EXIT_HARNESS;
	sa_utc_iso(today, started);
	today[10] = '\0';
	timeout_ms = 1000u * (uint64_t)(opts->timeout_s ? opts->timeout_s
	                                : sa_profile_timeout(opts->profile)
	                                    ? sa_profile_timeout(opts->profile)
	                                    : SA_DEFAULT_TIMEOUT_S);
	strict = opts->strict || sa_profile_strict(opts->profile);

	rc = sa_plan_build(&plan, &n, registry, opts->filter, err);
	if (rc < 0) {
		*exit_code = rc == SA_E_USAGE ? SA_EXIT_USAGE : SA_EXIT_HARNESS;
		goto out;
	}
	SA_TRY(sa_profile_apply_env(opts->profile, err));
	SA_TRY(check_pins(opts->profile, err));
	SA_TRY(sa_target_probe(&target, opts->profile, timeout_ms, err));
	/* A profile for a service without an HSM (signature artefacts, a TSA,
	 * OCSP) names no module: the cases that need one are skipped with that
	 * reason, and only a selection made of nothing else is an error. */
	if (sa_profile_module(opts->profile) == NULL &&
	    !only_p11_cases(plan, n))
		target.problem[0] = '\0';
	if (target.problem[0] != '\0') {
		rc = target_problem(opts->profile, &target, err);
		goto out;
	}
	if (target.incident[0] != '\0')
		sa_log_warn("%s", target.incident);
	allowed = destructive_allowed(opts, &target);

	if (opts->out_dir != NULL)
		snprintf(out_dir, sizeof(out_dir), "%s", opts->out_dir);
	else
		SA_TRY(default_out(out_dir, sizeof(out_dir), opts->profile,
		                   started, err));
	SA_TRY(prepare_out(out_dir, err));
	doc = sa_results_new(opts->profile, started);
	SA_ENSURE(doc != NULL, err, SA_E_NOMEM, "out of memory");
	sa_results_set_target(doc, &target);
	json_object_set_new(doc, "warnings", json_array());
	check_waivers(opts->profile, registry,
	              json_object_get(doc, "warnings"));
	if (target.incident[0] != '\0')
		json_array_append_new(json_object_get(doc, "warnings"),
		                      json_string(target.incident));
	json_object_set_new(doc, "options",
	                    json_pack("{s:b, s:b, s:I}", "destructive", allowed,
	                              "strict", strict, "timeout_ms",
	                              (json_int_t)timeout_ms));
	SA_TRY(sa_results_write(doc, out_dir, err));

	for (size_t i = 0; i < n; i++) {
		struct job job = {.opts = opts,
		                  .item = &plan[i],
		                  .target = &target,
		                  .destructive_allowed = allowed,
		                  .strict = strict};
		sa_outcome *o = sa_outcome_new(plan[i].c, plan[i].suite->name);
		sa_child_status st;
		char why[512];
		const char *skip;
		json_t *rec;

		SA_ENSURE(o != NULL, err, SA_E_NOMEM, "out of memory");
		snprintf(job.evidence_dir, sizeof(job.evidence_dir),
		         "%s/evidence/%s", out_dir, plan[i].c->id);
		skip = gate(&job, why, sizeof(why));
		if (skip != NULL) {
			sa_outcome_preset(o, SA_VERDICT_SKIP, skip);
			rec = sa_outcome_finish(o, NULL, timeout_ms,
			                        opts->profile, today);
		} else {
			rc = sa_child_run(case_child, &job, timeout_ms,
			                  outcome_event, o, &st, err);
			if (rc < 0) {
				sa_outcome_free(o);
				goto out;
			}
			rec = sa_outcome_finish(o, &st, timeout_ms,
			                        opts->profile, today);
		}
		sa_outcome_free(o);
		SA_ENSURE(rec != NULL, err, SA_E_NOMEM, "out of memory");
		json_object_set_new(rec, "tags", sa_tags_json(plan[i].c->tags));
		add_evidence(rec, plan[i].c->id, job.evidence_dir);
		if (!opts->quiet)
			progress(i, n, rec, tty);
		sa_results_add_case(doc, rec);
		/* Written after every case: nothing already run is lost if
		 * the harness itself is killed. */
		SA_TRY(sa_results_write(doc, out_dir, err));
	}
	sa_results_finish(doc, time(NULL));
	SA_TRY(sa_results_write(doc, out_dir, err));
	snprintf(junit, sizeof(junit), "%s/junit.xml", out_dir);
	SA_TRY(sa_junit_write(doc, junit, err));

	if (!opts->quiet) {
		printf("\n%ld pass, %ld fail, %ld error, %ld skip, %ld waived, "
		       "%ld info (strict %lld, lenient %lld)\nresults: "
		       "%s/results.json\n",
		       sa_results_count(doc, "pass"),
		       sa_results_count(doc, "fail"),
		       sa_results_count(doc, "error"),
		       sa_results_count(doc, "skip"),
		       sa_results_count(doc, "waived"),
		       sa_results_count(doc, "info"),
		       json_integer_value(json_object_get(
		           json_object_get(doc, "conformance"), "strict")),
		       json_integer_value(json_object_get(
		           json_object_get(doc, "conformance"), "lenient")),
		       out_dir);
	}
	if (sa_results_count(doc, "fail") > 0)
		*exit_code = SA_EXIT_FAILED;
	else if (sa_results_count(doc, "error") > 0)
		*exit_code = SA_EXIT_HARNESS;
	else
		*exit_code = SA_EXIT_OK;
	rc = SA_OK;
out:
	json_decref(doc);
	sa_target_clear(&target);
	free(plan);
	return rc;
}
