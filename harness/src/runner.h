/* The runner: plan, capability gating, one forked child per case, results
 * written after every case (DESIGN §6). */
#ifndef SA_RUNNER_H
#define SA_RUNNER_H

#include <stdbool.h>

#include "plan.h"
#include "sigaudit/case.h"
#include "sigaudit/profile.h"

/* Documented exit codes (README "Exit codes"; STYLE rule 16). */
enum sa_exit {
	SA_EXIT_OK = 0, /* no case failed or errored */
	SA_EXIT_HARNESS =
	    1, /* harness error, or some case could not be decided */
	SA_EXIT_FAILED = 2, /* at least one case failed */
	SA_EXIT_USAGE = 64, /* bad command line */
};

#define SA_DEFAULT_TIMEOUT_S 60u

typedef struct sa_run_opts {
	const sa_profile *profile;
	const char *out_dir; /* NULL: results/<UTC>-<profile> */
	const sa_filter *filter;
	bool destructive;
	unsigned timeout_s; /* 0: the profile's, else SA_DEFAULT_TIMEOUT_S */
	bool strict;        /* force strict return-code checking */
	bool quiet;
} sa_run_opts;

#define SA_RUN_OPTS_INIT                                                       \
	{                                                                      \
		NULL, NULL, NULL, false, 0, false, false                       \
	}

/** Run the selected cases; *exit_code gets an sa_exit value. Returns a
 * negative code only for harness errors (err says why, one line). */
int sa_run(const sa_run_opts *opts, const sa_suite *const *registry,
           int *exit_code, sa_error *err);

#endif
