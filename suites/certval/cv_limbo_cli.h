/* The limbo-harness subcommand's body (cv_limbo_cli.c), for the CLI table
 * in harness/src (a thin sa_cmd wrapper calls it). */
#ifndef SA_CV_LIMBO_CLI_H
#define SA_CV_LIMBO_CLI_H

/** argv[0] is the command name; returns the process exit code (0, 1
 * unreadable input, 64 usage). */
int sa_cv_limbo_harness_main(int argc, char **argv);

#endif
