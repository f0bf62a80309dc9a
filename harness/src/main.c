/* sigaudit: init, dispatch, cleanup (STYLE rule 15). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cv_limbo_cli.h"
#include "runner.h"

static const sa_opt no_opts[] = {{NULL, 0, NULL, NULL}};

static const sa_opt list_opts[] = {
    {"suite", 's', "S,...", "only these suites"},
    {"case", 'c', "ID,...", "only these case IDs (globs allowed: P11-SES-*)"},
    {"tag", 't', "TAG", "only cases with this tag"},
    {"json", 'j', NULL, "print JSON instead of text"},
    {NULL, 0, NULL, NULL},
};

static const sa_opt probe_opts[] = {
    {"profile", 'p', "FILE", "target profile (.ini)"},
    {"json", 'j', NULL, "print JSON instead of text"},
    {"timeout", 'T', "SECONDS", "time limit for the probe"},
    {NULL, 0, NULL, NULL},
};

static const sa_opt run_opts[] = {
    {"profile", 'p', "FILE", "target profile (.ini), required"},
    {"suite", 's', "S,...", "only these suites"},
    {"case", 'c', "ID,...", "only these case IDs (globs allowed: P11-SES-*)"},
    {"tag", 't', "TAG", "only cases with this tag"},
    {"out", 'o', "DIR", "output directory (default results/<UTC>-<profile>)"},
    {"destructive", 'D', NULL,
     "allow destructive cases on the profile's disposable_token"},
    {"timeout", 'T', "SECONDS",
     "time limit per case (default: profile, else 60)"},
    {"strict", 'S', NULL,
     "a return code the spec permits but does not prefer fails"},
    {"quiet", 'q', NULL, "no progress lines"},
    {"vectors", 'V', "[SET=]DIR",
     "vector set location: a Wycheproof directory, or SET=PATH for "
     "wycheproof, cavp, pkits, limbo (overrides [vectors]; repeatable)"},
    {NULL, 0, NULL, NULL},
};

static const sa_opt report_opts[] = {
    {"quiet", 'q', NULL, "write the views, print only the summary line"},
    {NULL, 0, NULL, NULL},
};

static const sa_opt compare_opts[] = {
    {"format", 'f', "FMT", "text (default), md or json"},
    {"mechanisms", 'm', NULL, "add the mechanism support matrix"},
    {"differences", 'd', NULL, "only the cases whose verdicts differ"},
    {NULL, 0, NULL, NULL},
};

static int cmd_version(const sa_cmd *cmd, int argc, char **argv);

/* x509-limbo's harness protocol (catalogue certval.md §4.3): one testcase
 * file on stdin, one result JSON on stdout, so limbo's own runner can drive
 * sigaudit's validation engine. The body lives with the suite. */
static int cmd_limbo_harness(const sa_cmd *cmd, int argc, char **argv)
{
	(void)cmd;
	return sa_cv_limbo_harness_main(argc, argv);
}

static const sa_cmd commands[] = {
    {"list", "list [--suite S,...] [--case ID,...] [--tag T] [--json]",
     "List suites and cases with their IDs, tags and titles. Needs no device.",
     list_opts, sa_cmd_list},
    {"probe", "probe --profile FILE [--json]",
     "Show the target: module info, slots, tokens, mechanisms with flags "
     "and key sizes.",
     probe_opts, sa_cmd_probe},
    {"run", "run --profile FILE [options]",
     "Run the selected cases against the profile's target and write "
     "results.json and junit.xml.",
     run_opts, sa_cmd_run},
    {"report", "report DIR",
     "Rebuild the views (junit.xml, summary) of a run from DIR/results.json.",
     report_opts, sa_cmd_report},
    {"compare", "compare [--format text|md|json] [--mechanisms] RUN-DIR...",
     "Show the same cases across several runs (modules, versions) side by "
     "side.",
     compare_opts, sa_cmd_compare},
    {"limbo-harness", "limbo-harness < limbo.json > result.json",
     "Act as an x509-limbo harness: validate the testcases on stdin with "
     "the built-in engine (OpenSSL) and print one LimboResult.",
     no_opts, cmd_limbo_harness},
    {"version", "version", "Print the version.", no_opts, cmd_version},
};

static int cmd_version(const sa_cmd *cmd, int argc, char **argv)
{
	(void)cmd;
	(void)argc;
	(void)argv;
	printf("sigaudit %s\n", SA_VERSION);
	return SA_EXIT_OK;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: sigaudit <command> [options]\n\ncommands:\n");
	for (size_t i = 0; i < SA_COUNTOF(commands); i++)
		fprintf(f, "  %-13s %s\n", commands[i].name,
		        commands[i].summary);
	fprintf(f, "\nsigaudit <command> --help shows a command's options.\n"
	           "exit codes: 0 no failures, 2 a case failed, 1 harness "
	           "error or undecided case, 64 usage error\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return SA_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return SA_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0)
		return cmd_version(NULL, 0, NULL);
	for (size_t i = 0; i < SA_COUNTOF(commands); i++) {
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(&commands[i], argc - 1, argv + 1);
	}
	fprintf(stderr, "sigaudit: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return SA_EXIT_USAGE;
}
