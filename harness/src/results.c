#include "results.h"

#include "risk.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sigaudit/case.h"
#include "sigaudit/guard.h"
#include "util.h"

json_t *sa_results_new(const sa_profile *p, time_t started)
{
	char ts[32], host[256] = "unknown";
	json_t *doc, *summary;

	sa_utc_iso(ts, started);
	if (gethostname(host, sizeof(host) - 1) != 0)
		snprintf(host, sizeof(host), "unknown");
	host[sizeof(host) - 1] = '\0';
	summary = json_object();
	for (int v = 0; summary != NULL && v < SA_VERDICT_COUNT_; v++)
		json_object_set_new(summary, sa_verdict_str((sa_verdict)v),
		                    json_integer(0));
	doc = json_pack("{s:s, s:{s:s, s:s}, s:s, s:n, s:o, s:{s:s}, s:o, "
	                "s:{s:i, s:i}, s:[]}",
	                "schema", SA_RESULTS_SCHEMA, "tool", "name", "sigaudit",
	                "version", SA_VERSION, "started", ts, "finished",
	                "host", sa_json_string_lossy(host), "target", "profile",
	                p ? sa_profile_name(p) : "", "summary", summary,
	                "conformance", "strict", 0, "lenient", 0, "cases");
	if (doc != NULL && p != NULL)
		json_object_set_new(doc, "profile", sa_profile_to_json(p));
	return doc;
}

void sa_results_set_target(json_t *doc, const sa_target *t)
{
	json_t *target = json_object_get(doc, "target");

	if (target == NULL || t == NULL)
		return;
	if (t->module != NULL)
		json_object_set(target, "module", t->module);
	if (t->token != NULL)
		json_object_set(target, "token", t->token);
	json_object_set(target, "slots", t->slots);
	json_object_set(target, "mechanisms", t->mechanisms);
	if (t->incident[0] != '\0')
		json_object_set_new(target, "incident",
		                    json_string(t->incident));
}

static void bump(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	json_object_set_new(obj, key, json_integer(json_integer_value(v) + 1));
}

void sa_results_add_case(json_t *doc, json_t *rec)
{
	const char *v = json_string_value(json_object_get(rec, "verdict"));
	const char *conf =
	    json_string_value(json_object_get(rec, "conformance"));

	if (v != NULL)
		bump(json_object_get(doc, "summary"), v);
	/* Strict and lenient conformance are reported apart: a module that
	 * passes only leniently uses codes the spec permits but does not
	 * prefer (catalogue conventions; pkcs11test issue #14). */
	if (conf != NULL && v != NULL && strcmp(v, "pass") == 0 &&
	    (strcmp(conf, "strict") == 0 || strcmp(conf, "lenient") == 0))
		bump(json_object_get(doc, "conformance"), conf);
	json_array_append_new(json_object_get(doc, "cases"), rec);
}

void sa_results_set_findings(json_t *doc)
{
	json_t *findings = sa_risk_findings(doc), *f, *by = json_object();
	size_t i;

	if (findings == NULL || by == NULL) {
		json_decref(findings);
		json_decref(by);
		return;
	}
	/* Table S / report.md: lead with open findings by risk level. */
	for (int r = SA_RISK_VERY_HIGH; r >= SA_RISK_VERY_LOW; r--)
		json_object_set_new(by, sa_risk_str((sa_risk_level)r),
		                    json_integer(0));
	json_array_foreach(findings, i, f)
	{
		const char *st =
		    json_string_value(json_object_get(f, "status"));
		json_t *n = json_object_get(
		    by, json_string_value(json_object_get(f, "risk")));
		if (n != NULL && st != NULL && strcmp(st, "open") == 0)
			json_integer_set(n, json_integer_value(n) + 1);
	}
	json_object_set_new(doc, "findings", findings);
	json_object_set_new(doc, "open_findings_by_risk", by);
}

void sa_results_finish(json_t *doc, time_t finished)
{
	char ts[32];
	sa_utc_iso(ts, finished);
	json_object_set_new(doc, "finished", json_string(ts));
	sa_results_set_findings(doc);
}

int sa_results_write(const json_t *doc, const char *dir, sa_error *err)
{
	char path[PATH_MAX];
	char *text = NULL;
	int rc = SA_E_NOMEM;

	SA_ENSURE(snprintf(path, sizeof(path), "%s/results.json", dir) <
	              (int)sizeof(path),
	          err, SA_E_RANGE, "path too long: %s", dir);
	text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	SA_ENSURE(text != NULL, err, SA_E_NOMEM, "cannot serialise results");
	SA_TRY(sa_write_file_atomic(path, text, strlen(text), err));
	rc = SA_OK;
out:
	free(text);
	return rc;
}

int sa_results_load(json_t **out, const char *dir_or_file, sa_error *err)
{
	char path[PATH_MAX];
	struct stat st;
	json_error_t jerr;
	json_t *doc = NULL;
	const char *schema;
	int rc = SA_E_PARSE;

	*out = NULL;
	if (stat(dir_or_file, &st) == 0 && S_ISDIR(st.st_mode))
		SA_ENSURE(snprintf(path, sizeof(path), "%s/results.json",
		                   dir_or_file) < (int)sizeof(path),
		          err, SA_E_RANGE, "path too long");
	else
		snprintf(path, sizeof(path), "%s", dir_or_file);
	doc = json_load_file(path, 0, &jerr);
	SA_ENSURE(doc != NULL, err, SA_E_PARSE, "%s:%d: %s", path, jerr.line,
	          jerr.text);
	schema = json_string_value(json_object_get(doc, "schema"));
	SA_ENSURE(schema != NULL && strcmp(schema, SA_RESULTS_SCHEMA) == 0, err,
	          SA_E_PARSE, "%s: schema is '%s', this sigaudit reads '%s'",
	          path, schema ? schema : "(none)", SA_RESULTS_SCHEMA);
	SA_ENSURE(json_is_array(json_object_get(doc, "cases")) &&
	              json_is_object(json_object_get(doc, "summary")),
	          err, SA_E_PARSE, "%s: no cases or summary", path);
	*out = doc;
	doc = NULL;
	rc = SA_OK;
out:
	json_decref(doc);
	return rc;
}

long sa_results_count(const json_t *doc, const char *verdict)
{
	return (long)json_integer_value(
	    json_object_get(json_object_get(doc, "summary"), verdict));
}
