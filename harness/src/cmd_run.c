/* sigaudit run: the audit itself. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "log.h"
#include "plan.h"
#include "runner.h"

int sa_cmd_run(const sa_cmd *cmd, int argc, char **argv)
{
	const char *profile_path = NULL, *suites = NULL, *cases = NULL,
	           *tag = NULL, *vectors = NULL, *arg;
	sa_run_opts opts = SA_RUN_OPTS_INIT;
	sa_filter f = {0};
	sa_profile *p = NULL;
	sa_error err = SA_ERROR_INIT;
	int c, code = SA_EXIT_HARNESS;

	while ((c = sa_cli_next(cmd, argc, argv, &arg)) != -1) {
		switch (c) {
		case 'p':
			profile_path = arg;
			break;
		case 's':
			suites = arg;
			break;
		case 'c':
			cases = arg;
			break;
		case 't':
			tag = arg;
			break;
		case 'o':
			opts.out_dir = arg;
			break;
		case 'D':
			opts.destructive = true;
			break;
		case 'S':
			opts.strict = true;
			break;
		case 'q':
			opts.quiet = true;
			break;
		case 'V':
			vectors = arg;
			break;
		case 'T': {
			char *end = NULL;
			long v = strtol(arg, &end, 10);
			if (end == arg || *end != '\0' || v <= 0 || v > 86400)
				return sa_cli_usage_error(
				    cmd, "--timeout wants 1..86400 seconds");
			opts.timeout_s = (unsigned)v;
			break;
		}
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
	if (profile_path == NULL)
		return sa_cli_usage_error(cmd, "--profile is required");
	if (sa_filter_init(&f, suites, cases, tag, &err) < 0)
		return sa_cli_usage_error(cmd, "%s", err.msg);
	if (sa_profile_load(&p, profile_path, &err) < 0) {
		sa_log_error("%s", err.msg);
		goto out;
	}
	if (vectors != NULL &&
	    sa_profile_set_vectors_dir(p, "wycheproof", vectors, &err) < 0) {
		code = sa_cli_usage_error(cmd, "%s", err.msg);
		goto out;
	}
	opts.profile = p;
	opts.filter = &f;
	if (sa_run(&opts, sa_registry, &code, &err) < 0) {
		if (code == SA_EXIT_USAGE)
			code = sa_cli_usage_error(cmd, "%s", err.msg);
		else
			sa_log_error("%s", err.msg);
	}
out:
	sa_profile_free(p);
	sa_filter_clear(&f);
	return code;
}
