#include "cli.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "runner.h"

#define SA_CLI_MAX_OPTS 32

static struct option longopts[SA_CLI_MAX_OPTS + 2];
static char shortopts[3 * SA_CLI_MAX_OPTS + 4];
static const sa_cmd *built_for;

static void build(const sa_cmd *cmd)
{
	size_t n = 0, s = 0;

	if (built_for == cmd)
		return;
	built_for = cmd;
	shortopts[s++] = '+'; /* stop at the first non-option */
	shortopts[s++] = ':'; /* report a missing argument as ':' */
	shortopts[s++] = 'h';
	for (const sa_opt *o = cmd->opts; o && o->name && n < SA_CLI_MAX_OPTS;
	     o++, n++) {
		longopts[n].name = o->name;
		longopts[n].has_arg = o->arg ? required_argument : no_argument;
		longopts[n].flag = NULL;
		longopts[n].val = o->key;
		if (o->key > 0 && o->key < 128) {
			shortopts[s++] = (char)o->key;
			if (o->arg)
				shortopts[s++] = ':';
		}
	}
	longopts[n].name = "help";
	longopts[n].has_arg = no_argument;
	longopts[n].flag = NULL;
	longopts[n].val = 'h';
	memset(&longopts[n + 1], 0, sizeof(longopts[0]));
	shortopts[s] = '\0';
	optind = 1;
	opterr = 0;
}

int sa_cli_next(const sa_cmd *cmd, int argc, char **argv, const char **arg)
{
	int c;

	build(cmd);
	c = getopt_long(argc, argv, shortopts, longopts, NULL);
	*arg = optarg;
	if (c == '?' || c == ':') {
		const char *bad = argv[optind - 1];
		fprintf(
		    stderr, "sigaudit %s: %s '%s' (see sigaudit %s --help)\n",
		    cmd->name,
		    c == ':' ? "option needs an argument:" : "unknown option",
		    bad ? bad : "?", cmd->name);
		return '?';
	}
	return c;
}

int sa_cli_index(void)
{
	return optind;
}

void sa_cli_help(const sa_cmd *cmd)
{
	printf("usage: sigaudit %s\n\n%s\n\noptions:\n", cmd->usage,
	       cmd->summary);
	for (const sa_opt *o = cmd->opts; o && o->name; o++) {
		char left[64];
		if (o->key > 0 && o->key < 128)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", o->key,
			         o->name, o->arg ? " " : "",
			         o->arg ? o->arg : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", o->name,
			         o->arg ? " " : "", o->arg ? o->arg : "");
		printf("  %-28s %s\n", left, o->help);
	}
	printf("  %-28s %s\n", "-h, --help", "show this help");
}

int sa_cli_usage_error(const sa_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "sigaudit %s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: sigaudit %s\n", cmd->usage);
	return SA_EXIT_USAGE;
}
