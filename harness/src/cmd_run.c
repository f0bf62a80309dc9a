/* sigaudit run: the audit itself. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "log.h"
#include "plan.h"
#include "runner.h"

/* --vectors DIR is the Wycheproof directory (the common case);
 * --vectors SET=PATH names any set ([vectors] keys of the profile). */
static int set_vectors(sa_profile *p, const char *arg, sa_error *err)
{
	const char *eq = strchr(arg, '=');
	char set[32];

	if (eq == NULL)
		return sa_profile_set_vectors_dir(p, "wycheproof", arg, err);
	if ((size_t)(eq - arg) >= sizeof(set))
		return SA_ERR(err, SA_E_INVALID,
		              "--vectors: set name too long in '%.64s'", arg);
	memcpy(set, arg, (size_t)(eq - arg));
	set[eq - arg] = '\0';
	return sa_profile_set_vectors_dir(p, set, eq + 1, err);
}

int sa_cmd_run(const sa_cmd *cmd, int argc, char **argv)
{
	const char *profile_path = NULL, *suites = NULL, *cases = NULL,
	           *tag = NULL, *vectors[8] = {NULL}, *arg;
	size_t n_vectors = 0;
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
			if (n_vectors == SA_COUNTOF(vectors))
				return sa_cli_usage_error(
				    cmd, "--vectors given more than %zu times",
				    SA_COUNTOF(vectors));
			vectors[n_vectors++] = arg;
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
	for (size_t i = 0; i < n_vectors; i++) {
		if (set_vectors(p, vectors[i], &err) < 0) {
			code = sa_cli_usage_error(cmd, "%s", err.msg);
			goto out;
		}
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
