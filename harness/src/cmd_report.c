/* sigaudit report: the views of a run, rebuilt from results.json alone
 * (DESIGN §2: a report is always a view of results.json). The Markdown and
 * HTML report sections come with issue 6; this writes junit.xml and prints
 * the terminal summary. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "log.h"
#include "results.h"
#include "runner.h"

static const char *s(const json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v ? v : "";
}

int sa_cmd_report(const sa_cmd *cmd, int argc, char **argv)
{
	const char *arg, *dir;
	bool quiet = false;
	json_t *doc = NULL, *rec;
	sa_error err = SA_ERROR_INIT;
	char path[PATH_MAX];
	size_t i;
	int c, code = SA_EXIT_HARNESS;

	while ((c = sa_cli_next(cmd, argc, argv, &arg)) != -1) {
		switch (c) {
		case 'q':
			quiet = true;
			break;
		case 'h':
			sa_cli_help(cmd);
			return SA_EXIT_OK;
		default:
			return SA_EXIT_USAGE;
		}
	}
	if (sa_cli_index() + 1 != argc)
		return sa_cli_usage_error(cmd,
		                          "wants exactly one run directory");
	dir = argv[sa_cli_index()];
	if (sa_results_load(&doc, dir, &err) < 0) {
		sa_log_error("%s", err.msg);
		goto out;
	}
	/* Findings are a view too: recomputed from the cases, so a run
	 * written before the risk model (or cut short) still gets them. */
	sa_results_set_findings(doc);
	if (snprintf(path, sizeof(path), "%s/junit.xml", dir) >=
	        (int)sizeof(path) ||
	    sa_junit_write(doc, path, &err) < 0) {
		sa_log_error("%s", err.msg[0] ? err.msg : "path too long");
		goto out;
	}
	if (!quiet) {
		printf("run: %s .. %s, profile %s\n", s(doc, "started"),
		       json_is_string(json_object_get(doc, "finished"))
		           ? s(doc, "finished")
		           : "(unfinished)",
		       s(json_object_get(doc, "target"), "profile"));
		json_array_foreach(json_object_get(doc, "cases"), i, rec)
		{
			const char *v = s(rec, "verdict");
			if (strcmp(v, "pass") == 0)
				continue;
			printf("  %-14s %-6s %s%s%s\n", s(rec, "id"), v,
			       s(rec, "title"), rec ? " -- " : "",
			       s(rec, "reason"));
		}
	}
	{
		json_t *by = json_object_get(doc, "open_findings_by_risk");
		printf(
		    "open findings: %lld very high, %lld high, %lld "
		    "moderate, %lld low, %lld very low\n",
		    (long long)json_integer_value(
		        json_object_get(by, "very high")),
		    (long long)json_integer_value(json_object_get(by, "high")),
		    (long long)json_integer_value(
		        json_object_get(by, "moderate")),
		    (long long)json_integer_value(json_object_get(by, "low")),
		    (long long)json_integer_value(
		        json_object_get(by, "very low")));
	}
	printf("%ld pass, %ld fail, %ld error, %ld skip, %ld waived, %ld info\n"
	       "views: %s\n",
	       sa_results_count(doc, "pass"), sa_results_count(doc, "fail"),
	       sa_results_count(doc, "error"), sa_results_count(doc, "skip"),
	       sa_results_count(doc, "waived"), sa_results_count(doc, "info"),
	       path);
	code = sa_results_count(doc, "fail") > 0    ? SA_EXIT_FAILED
	       : sa_results_count(doc, "error") > 0 ? SA_EXIT_HARNESS
	                                            : SA_EXIT_OK;
out:
	json_decref(doc);
	return code;
}
