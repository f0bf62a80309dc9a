/* sigaudit list: the catalogue of cases, no device needed. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "plan.h"
#include "runner.h"
#include "util.h"

static json_t *case_json(const sa_plan_item *it)
{
	const sa_case *c = it->c;
	json_t *refs = json_array();

	for (size_t i = 0; c->refs && c->refs[i]; i++)
		json_array_append_new(refs, sa_json_string_lossy(c->refs[i]));
	return json_pack(
	    "{s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o}", "suite",
	    it->suite->name, "id", c->id, "title",
	    sa_json_string_lossy(c->title), "description",
	    sa_json_string_lossy(c->description ? c->description : ""),
	    "remediation",
	    sa_json_string_lossy(c->remediation ? c->remediation : ""), "refs",
	    refs, "impact", json_sprintf("I%d", c->impact), "tags",
	    sa_tags_json(c->tags));
}

int sa_cmd_list(const sa_cmd *cmd, int argc, char **argv)
{
	const char *suites = NULL, *cases = NULL, *tag = NULL, *arg;
	bool as_json = false;
	sa_filter f;
	sa_plan_item *plan = NULL;
	size_t n = 0;
	sa_error err = SA_ERROR_INIT;
	int c, code = SA_EXIT_HARNESS;

	while ((c = sa_cli_next(cmd, argc, argv, &arg)) != -1) {
		switch (c) {
		case 's':
			suites = arg;
			break;
		case 'c':
			cases = arg;
			break;
		case 't':
			tag = arg;
			break;
		case 'j':
			as_json = true;
			break;
		case 'h':
			sa_cli_help(cmd);
			return SA_EXIT_OK;
		default:
			return SA_EXIT_USAGE;
		}
	}
	if (sa_cli_index() < argc)
		return sa_cli_usage_error(cmd, "unexpected argument '%s'",
		                          argv[sa_cli_index()]);
	if (sa_filter_init(&f, suites, cases, tag, &err) < 0)
		return sa_cli_usage_error(cmd, "%s", err.msg);
	if (sa_plan_build(&plan, &n, sa_registry, &f, &err) < 0) {
		code = err.code == SA_E_USAGE
		           ? sa_cli_usage_error(cmd, "%s", err.msg)
		           : SA_EXIT_HARNESS;
		goto out;
	}
	if (as_json) {
		json_t *a = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, case_json(&plan[i]));
		json_dumpf(a, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(a);
	} else {
		const sa_suite *last = NULL;
		for (size_t i = 0; i < n; i++) {
			char tags[128];
			if (plan[i].suite != last) {
				printf("%s%s: %s\n", last ? "\n" : "",
				       plan[i].suite->name,
				       plan[i].suite->title);
				last = plan[i].suite;
			}
			sa_tags_str(tags, sizeof(tags), plan[i].c->tags);
			printf("  %-14s I%d  %-22s %s\n", plan[i].c->id,
			       plan[i].c->impact, tags[0] ? tags : "-",
			       plan[i].c->title);
		}
		printf("\n%zu cases\n", n);
	}
	code = SA_EXIT_OK;
out:
	free(plan);
	sa_filter_clear(&f);
	return code;
}
