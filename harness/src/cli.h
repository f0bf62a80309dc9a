/* The command table and option tables (STYLE rule 15): each command's option
 * table drives both getopt_long parsing and its --help text. */
#ifndef SA_CLI_H
#define SA_CLI_H

#include <stdbool.h>

#include "sigaudit/case.h"

typedef struct sa_opt {
	const char *name; /* long name without "--" */
	int key;          /* short letter, or a value >= 256 for long-only */
	const char *arg;  /* argument name, NULL for a flag */
	const char *help;
} sa_opt;

typedef struct sa_cmd {
	const char *name;
	const char *usage;   /* "run --profile FILE [options]" */
	const char *summary; /* one line */
	const sa_opt *opts;  /* terminated by {NULL} */
	int (*fn)(const struct sa_cmd *cmd, int argc, char **argv);
} sa_cmd;

/** Iterate options like getopt_long; returns the opt key, -1 at the end,
 * '?' on a bad option (a one-line message is printed), 'h' for --help. */
int sa_cli_next(const sa_cmd *cmd, int argc, char **argv, const char **arg);
/** Index of the first non-option argument after sa_cli_next returned -1. */
int sa_cli_index(void);
void sa_cli_help(const sa_cmd *cmd);
/** Print "sigaudit <cmd>: <msg>" and the usage line to stderr; returns 64. */
int sa_cli_usage_error(const sa_cmd *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

extern const sa_suite *const sa_registry[];

int sa_cmd_list(const sa_cmd *cmd, int argc, char **argv);
int sa_cmd_probe(const sa_cmd *cmd, int argc, char **argv);
int sa_cmd_run(const sa_cmd *cmd, int argc, char **argv);
int sa_cmd_report(const sa_cmd *cmd, int argc, char **argv);
int sa_cmd_compare(const sa_cmd *cmd, int argc, char **argv);

#endif
