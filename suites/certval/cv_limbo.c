/* x509-limbo testcases through a validation engine (catalogue §4):
 *   CV-LIMBO-01  the built-in engine (OpenSSL X509_verify_cert, mapped as
 *                x509-limbo's own OpenSSL harness does) is the target;
 *   CV-LIMBO-02  an external validator (any command speaking the limbo
 *                harness protocol) is the target, the built-in engine runs
 *                beside it as the reference;
 *   CV-LIMBO-03  the PKITS rows as limbo testcases with "x-pkits" fields
 *                through the external validator, per PKITS section.
 * Testcases: [vectors] limbo (a testcase file, or a directory whose *.json
 * files are read in name order), or run --vectors limbo=PATH. Every
 * testcase is one vector: expected_result SUCCESS is VALID, FAILURE is
 * INVALID; its importance and features are the vector's flags. */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "sigaudit/profile.h"
#include "sigaudit/vectors.h"

#include "cv_limbo.h"
#include "cv_pkits.h"
#include "cv_x509.h"
#include "suite.h"

/* Per testcase, when the profile's [validator] timeout does not say. */
#define CV_LIMBO_TIMEOUT_MS 10000u

typedef struct cv_sources {
	glob_t g;
	bool globbed;
	const char *single;
} cv_sources;

static size_t sources_count(const cv_sources *s)
{
	return s->globbed ? s->g.gl_pathc : (s->single != NULL ? 1 : 0);
}

static const char *sources_at(const cv_sources *s, size_t i)
{
	return s->globbed ? s->g.gl_pathv[i] : s->single;
}

static int sources_open(cv_sources *s, sa_case_ctx *ctx)
{
	const char *loc = sa_profile_vectors_dir(sa_case_profile(ctx), "limbo");
	struct stat st;
	char pat[4096];

	memset(s, 0, sizeof(*s));
	if (loc == NULL) {
		sa_case_skip(ctx, "no x509-limbo testcases: set [vectors] "
		                  "limbo = FILE|DIR or run --vectors "
		                  "limbo=PATH");
		return -1;
	}
	if (stat(loc, &st) != 0) {
		sa_case_error(ctx, "%s: no such file or directory", loc);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		s->single = loc;
		return 0;
	}
	snprintf(pat, sizeof(pat), "%s/*.json", loc);
	if (glob(pat, 0, NULL, &s->g) != 0 || s->g.gl_pathc == 0) {
		if (s->g.gl_pathc == 0)
			globfree(&s->g);
		sa_case_skip(ctx, "%s: no *.json testcase file", loc);
		return -1;
	}
	s->globbed = true;
	return 0;
}

static void sources_close(cv_sources *s)
{
	if (s->globbed)
		globfree(&s->g);
}

/* "limbo/<file name>": how a user finds the source in the set. */
static void source_name(char *out, size_t size, const char *path)
{
	const char *b = strrchr(path, '/');
	snprintf(out, size, "limbo/%s", b != NULL ? b + 1 : path);
}

static json_t *load_testcases(sa_case_ctx *ctx, const char *path, json_t **root)
{
	json_error_t jerr;
	json_t *tcs;

	*root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	tcs = json_object_get(*root, "testcases");
	if (*root == NULL || !json_is_array(tcs)) {
		sa_case_error(ctx, "%s: %s", path,
		              *root == NULL ? jerr.text
		                            : "no \"testcases\" array");
		json_decref(*root);
		*root = NULL;
		return NULL;
	}
	if (json_integer_value(json_object_get(*root, "version")) != 1)
		sa_case_note(ctx, "%s: Limbo version is not 1; read as 1",
		             path);
	return tcs;
}

/* One testcase through the built-in engine into run. */
static void builtin_one(sa_vec_run *run, const json_t *tc, const char *id,
                        sa_vec_expect exp, const char *flags)
{
	sa_cv_req req;
	sa_cv_res res;
	sa_error err = SA_ERROR_INIT;
	char why[256], nbuf[32];
	int rc = sa_cv_limbo_req(&req, tc, why, sizeof(why), &err);

	if (rc > 0) {
		sa_vec_skip(run, id, why);
		return;
	}
	if (rc < 0 || sa_cv_x509_verify(&res, &req, &err) < 0) {
		sa_vec_result(run, id, exp, SA_VEC_ERROR, flags, err.msg);
		sa_cv_req_clear(&req);
		return;
	}
	sa_vec_result(run, id, exp,
	              res.accepted ? SA_VEC_ACCEPTED : SA_VEC_REJECTED, flags,
	              sa_cv_verr_name(res.verr, nbuf, sizeof(nbuf)));
	sa_cv_req_clear(&req);
}

/* One testcase through the external validator into run; true when the
 * validator answered SUCCESS (its answer in *ans). */
static bool external_one(sa_vec_run *run, const json_t *tc, const char *id,
                         sa_vec_expect exp, const char *flags,
                         const char *command, unsigned timeout_ms,
                         sa_cv_limbo_answer *ans)
{
	sa_error err = SA_ERROR_INIT;
	char why[160];

	if (sa_cv_limbo_ext_run(ans, command, tc, timeout_ms, &err) < 0) {
		sa_vec_result(run, id, exp, SA_VEC_ERROR, flags, err.msg);
		return false;
	}
	switch (ans->actual) {
	case SA_CV_LIMBO_SUCCESS:
	case SA_CV_LIMBO_FAILURE:
		sa_vec_result(run, id, exp,
		              ans->actual == SA_CV_LIMBO_SUCCESS
		                  ? SA_VEC_ACCEPTED
		                  : SA_VEC_REJECTED,
		              flags, ans->context);
		return ans->actual == SA_CV_LIMBO_SUCCESS;
	case SA_CV_LIMBO_SKIPPED:
		snprintf(why, sizeof(why), "validator SKIPPED: %s",
		         ans->context);
		sa_vec_skip(run, id, why);
		return false;
	default:
		sa_vec_result(run, id, exp, SA_VEC_ERROR, flags,
		              "validator reported HANG");
		return false;
	}
}

static void run_limbo(sa_case_ctx *ctx, const char *command,
                      unsigned timeout_ms)
{
	cv_sources src;
	char eng[160], ext_eng[200], name[300];

	if (sources_open(&src, ctx) < 0)
		return;
	sa_cv_engine_name(eng, sizeof(eng), "(x509-limbo OpenSSL mapping)");
	snprintf(ext_eng, sizeof(ext_eng), "external validator: %.160s",
	         command != NULL ? command : "");
	for (size_t f = 0; f < sources_count(&src); f++) {
		const char *path = sources_at(&src, f);
		json_t *root = NULL, *tcs, *tc;
		size_t i;

		tcs = load_testcases(ctx, path, &root);
		if (tcs == NULL)
			continue;
		source_name(name, sizeof(name), path);
		/* Each engine over the whole file in turn, so that each
		 * run's time is its own. */
		for (int pass = command != NULL ? 0 : 1; pass < 2; pass++) {
			sa_vec_run *run =
			    pass == 0 ? sa_vec_begin(ctx, name, SA_VEC_TARGET,
			                             ext_eng)
			              : sa_vec_begin(ctx, name,
			                             command != NULL
			                                 ? SA_VEC_REFERENCE
			                                 : SA_VEC_TARGET,
			                             eng);
			json_array_foreach(tcs, i, tc)
			{
				const char *id = sa_cv_limbo_id(tc);
				int e = sa_cv_limbo_expected(tc);
				char flags[400], idbuf[32];
				sa_cv_limbo_answer ans;

				sa_cv_limbo_flags(flags, sizeof(flags), tc);
				if (id == NULL) {
					snprintf(idbuf, sizeof(idbuf),
					         "testcases[%zu]", i);
					id = idbuf;
				}
				if (e < 0) {
					sa_vec_skip(run, id,
					            "expected_result is not "
					            "SUCCESS or FAILURE");
					continue;
				}
				if (pass == 0)
					external_one(
					    run, tc, id,
					    e ? SA_VEC_VALID : SA_VEC_INVALID,
					    flags, command, timeout_ms, &ans);
				else
					builtin_one(run, tc, id,
					            e ? SA_VEC_VALID
					              : SA_VEC_INVALID,
					            flags);
			}
			sa_vec_end(run);
		}
		json_decref(root);
	}
	sources_close(&src);
}

/* The validator's user-constrained policy set for a PKITS row it accepted
 * and PKITS expects VALID (RFC 5280 §6.1.6 (g)). */
static void pkits_policy(sa_vec_run *pol, const json_t *row, const char *id,
                         const char *flags, const sa_cv_limbo_answer *ans)
{
	const char *want_s = json_string_value(
	    json_object_get(row, "user_constrained_policy_set"));
	char want[512], fl[700];

	if (want_s == NULL ||
	    sa_cv_pkits_policy_set(want, sizeof(want), want_s) < 0) {
		sa_vec_result(pol, id, SA_VEC_VALID, SA_VEC_ERROR, flags,
		              "bad user_constrained_policy_set in the table");
		return;
	}
	snprintf(fl, sizeof(fl), "%s,expected {%s}", flags, want);
	sa_vec_result(pol, id, SA_VEC_VALID,
	              strcmp(want, ans->policies) == 0 ? SA_VEC_ACCEPTED
	                                               : SA_VEC_REJECTED,
	              fl, ans->policies[0] ? ans->policies : "{}");
}

/* One PKITS section through the validator (target), its policy sets, and
 * the built-in engine through the same limbo form (reference). */
static void pkits_section(sa_case_ctx *ctx, const json_t *rows, const char *sec,
                          const char *data, sa_cv_pkits_cache *cache,
                          const char *command, unsigned timeout_ms)
{
	char src[64], src_pol[96], eng[160], ext_eng[200];
	json_t *tcs = json_array(), *row, *tc;
	sa_vec_run *run, *pol;
	size_t i, no_set = 0;

	snprintf(src, sizeof(src), "pkits/%s", sec);
	snprintf(src_pol, sizeof(src_pol),
	         "pkits/%s user-constrained-policy-set", sec);
	sa_cv_engine_name(eng, sizeof(eng), "(x-pkits)");
	snprintf(ext_eng, sizeof(ext_eng), "external validator: %.160s",
	         command);
	if (tcs == NULL) {
		sa_case_error(ctx, "out of memory");
		return;
	}
	json_array_foreach(rows, i, row)
	{
		const char *rs =
		    json_string_value(json_object_get(row, "section"));
		sa_error err = SA_ERROR_INIT;
		if (rs == NULL || strcmp(rs, sec) != 0)
			continue;
		tc = sa_cv_pkits_to_limbo(row, data, cache, &err);
		if (tc == NULL)
			tc = json_pack("{s:s}", "x-error", err.msg);
		json_object_set_new(tc, "x-row", json_deep_copy(row));
		json_array_append_new(tcs, tc);
	}
	for (int pass = 0; pass < 2; pass++) {
		run = sa_vec_begin(ctx, src,
		                   pass == 0 ? SA_VEC_TARGET : SA_VEC_REFERENCE,
		                   pass == 0 ? ext_eng : eng);
		pol = NULL;
		json_array_foreach(tcs, i, tc)
		{
			/* Ours, removed before a validator sees it. */
			json_t *row_c =
			    json_incref(json_object_get(tc, "x-row"));
			const char *id =
			    json_string_value(json_object_get(row_c, "id"));
			const char *err_s =
			    json_string_value(json_object_get(tc, "x-error"));
			sa_vec_expect exp = sa_cv_limbo_expected(tc) == 1
			                        ? SA_VEC_VALID
			                        : SA_VEC_INVALID;
			sa_cv_limbo_answer ans;

			json_object_del(tc, "x-row");
			if (id == NULL)
				id = "?";
			if (err_s != NULL) {
				exp = strcmp(json_string_value(json_object_get(
				                 row_c, "expected")),
				             "VALID") == 0
				          ? SA_VEC_VALID
				          : SA_VEC_INVALID;
				sa_vec_result(run, id, exp, SA_VEC_ERROR, sec,
				              err_s);
			} else if (pass == 1) {
				builtin_one(run, tc, id, exp, sec);
			} else if (external_one(run, tc, id, exp, sec, command,
			                        timeout_ms, &ans) &&
			           exp == SA_VEC_VALID) {
				/* Begun at the first reported set: a
				 * validator that reports none is noted, and
				 * its rows are not made a skip of the case. */
				if (!ans.has_policies)
					no_set++;
				else if (pol == NULL)
					pol = sa_vec_begin(ctx, src_pol,
					                   SA_VEC_TARGET,
					                   ext_eng);
				if (ans.has_policies)
					pkits_policy(pol, row_c, id, sec, &ans);
			}
			json_object_set_new(tc, "x-row", row_c);
		}
		sa_vec_end(run);
		sa_vec_end(pol);
	}
	if (no_set > 0)
		sa_case_note(ctx,
		             "%s: %zu accepted VALID rows without "
		             "x-pkits.user_constrained_policy_set in the "
		             "validator's result: policy set not compared",
		             src, no_set);
	json_decref(tcs);
}

static const char *validator_command(sa_case_ctx *ctx, unsigned *timeout_ms)
{
	const sa_profile *p = sa_case_profile(ctx);
	const char *cmd = sa_profile_validator_command(p);
	unsigned t = sa_profile_validator_timeout(p);

	*timeout_ms = t > 0 && t <= 600 ? t * 1000u : CV_LIMBO_TIMEOUT_MS;
	if (cmd == NULL || cmd[0] == '\0') {
		sa_case_skip(ctx, "no external validator: the profile's "
		                  "[validator] command names none (a command "
		                  "speaking the x509-limbo harness protocol)");
		return NULL;
	}
	sa_case_note(ctx, "validator: %.200s; %u ms per testcase", cmd,
	             *timeout_ms);
	return cmd;
}

static void case_pkits_external(sa_case_ctx *ctx)
{
	char table[4096], data[4096], why[4400], secs[32][16];
	json_t *root, *rows, *row;
	json_error_t jerr;
	sa_cv_pkits_cache *cache;
	unsigned timeout_ms;
	const char *cmd;
	size_t i, n_secs = 0;

	if (sa_cv_pkits_locate(table, sizeof(table), data, sizeof(data),
	                       sa_case_profile(ctx), why, sizeof(why)) < 0) {
		sa_case_skip(ctx, "%s", why);
		return;
	}
	cmd = validator_command(ctx, &timeout_ms);
	if (cmd == NULL)
		return;
	root = json_load_file(table, JSON_REJECT_DUPLICATES, &jerr);
	rows = json_object_get(root, "testcases");
	if (root == NULL || !json_is_array(rows)) {
		sa_case_error(ctx, "%s: %s", table,
		              root == NULL ? jerr.text
		                           : "no \"testcases\" array");
		json_decref(root);
		return;
	}
	/* The sections in table order. */
	json_array_foreach(rows, i, row)
	{
		const char *rs =
		    json_string_value(json_object_get(row, "section"));
		size_t k;
		if (rs == NULL || strlen(rs) >= sizeof(secs[0]))
			continue;
		for (k = 0; k < n_secs && strcmp(secs[k], rs) != 0; k++)
			;
		if (k == n_secs && n_secs < SA_COUNTOF(secs))
			snprintf(secs[n_secs++], sizeof(secs[0]), "%s", rs);
	}
	cache = sa_cv_pkits_cache_new();
	for (i = 0; i < n_secs; i++)
		pkits_section(ctx, rows, secs[i], data, cache, cmd, timeout_ms);
	sa_cv_pkits_cache_free(cache);
	json_decref(root);
}

static void case_builtin(sa_case_ctx *ctx)
{
	run_limbo(ctx, NULL, 0);
}

static void case_external(sa_case_ctx *ctx)
{
	unsigned timeout_ms;
	const char *cmd = validator_command(ctx, &timeout_ms);

	if (cmd != NULL)
		run_limbo(ctx, cmd, timeout_ms);
}

static const sa_case cases[] = {
    {.id = "CV-LIMBO-01",
     .title = "x509-limbo testcases through the built-in engine",
     .description =
         "Every x509-limbo testcase (trust anchors, untrusted pool, peer "
         "certificate, CRLs, validation time, expected peer name, EKU, "
         "key usage, depth) through OpenSSL X509_verify_cert, mapped as "
         "x509-limbo's OpenSSL harness does (X509_STRICT, PARTIAL_CHAIN, "
         "security level 2, no partial wildcards). Expected results are "
         "limbo's; disagreements are listed with the X509_V_ERR_* name.",
     .remediation = "Fix the validation engine where it departs from RFC "
                    "5280 / CABF BR as the testcase cites, or waive with "
                    "a justification.",
     .refs = SA_REFS("RFC 5280 §6", "RFC 6125 §6",
                     "CA/B Forum BR §7.1 (per testcase)", "x509-limbo (C2SP)"),
     .impact = 4,
     .threat = "forged or misissued certificate accepted",
     .tags = 0,
     .needs = 0,
     .mechs = NULL,
     .run = case_builtin},
    {.id = "CV-LIMBO-02",
     .title = "x509-limbo testcases through an external validator",
     .description =
         "The provider's own validator (a CA library, a verification "
         "service wrapper) as an x509-limbo harness: one Limbo document "
         "with one testcase on stdin, one LimboResult on stdout, a time "
         "limit per testcase. The built-in engine runs beside it as the "
         "reference. A crash, a hang or output that does not parse gives "
         "no answer for that testcase (ERROR), never an agreement.",
     .remediation = "Fix the validator where it departs from the "
                    "testcase's citation, or waive with a justification.",
     .refs = SA_REFS("RFC 5280 §6", "x509-limbo harness protocol"),
     .impact = 4,
     .threat = "forged or misissued certificate accepted",
     .tags = SA_TAG_SLOW,
     .needs = 0,
     .mechs = NULL,
     .run = case_external},
    {.id = "CV-LIMBO-03",
     .title = "PKITS through an external validator (x-pkits)",
     .description =
         "The 249 PKITS rows as x509-limbo testcases with the \"x-pkits\" "
         "fields (initial policy set, explicit policy, mapping and "
         "any-policy inhibition, expected user-constrained policy set), "
         "one source per PKITS section, through the external validator; "
         "the user-constrained policy set it reports (x-pkits in its "
         "result) is compared with the table. The built-in engine runs "
         "the same testcases as the reference. A validator that ignores "
         "x-pkits is judged with PKITS's settings all the same.",
     .remediation = "Fix the validator where it departs from RFC 5280 §6 "
                    "as PKITS tests it, or waive with a justification.",
     .refs = SA_REFS("NIST PKITS v1.0.1", "RFC 5280 §6.1", "RFC 5280 §6.3",
                     "x509-limbo harness protocol"),
     .impact = 4,
     .threat = "forged or revoked certificate accepted",
     .tags = SA_TAG_SLOW,
     .needs = 0,
     .mechs = NULL,
     .run = case_pkits_external},
};

const sa_case_group sa_certval_group_limbo = {cases, SA_COUNTOF(cases)};
