/* sigaudit: case and suite descriptors, and what a case may do while it runs.
 *
 * A case is a row in a suite's const table (DESIGN §5). The runner forks a
 * child per case, prepares what the case `needs` (PKCS#11 module initialised,
 * token selected, ...), calls `run`, and collects what the case recorded
 * through the sa_case_* functions below. A case never calls exit() or abort()
 * (STYLE rule 9): a misbehaving target gives a FAIL or ERROR verdict.
 *
 * How a verdict is decided:
 *   - each sa_case_check*() records one check (what, expected, observed) and
 *     whether it held; a check that did not hold makes the case FAIL;
 *   - sa_case_fail/error/skip/info() set a verdict explicitly with a reason;
 *   - the case's verdict is the most severe of everything recorded, in the
 *     order FAIL > ERROR > SKIP > INFO > PASS;
 *   - a case that recorded neither a check nor a verdict is an ERROR ("the
 *     case asserted nothing"): a check that cannot fail is a defect. */
#ifndef SIGAUDIT_CASE_H
#define SIGAUDIT_CASE_H

#include <stdbool.h>
#include <stddef.h>

#include "sigaudit/error.h"

typedef enum sa_verdict {
	SA_VERDICT_PASS = 0,
	SA_VERDICT_INFO,
	SA_VERDICT_SKIP,
	SA_VERDICT_ERROR,
	SA_VERDICT_FAIL,
	SA_VERDICT_WAIVED, /* applied by the runner from the profile, never by a
	                      case */
	SA_VERDICT_COUNT_
} sa_verdict;

/** "pass", "fail", "error", "skip", "waived", "info". */
const char *sa_verdict_str(sa_verdict v);
/** Parse the strings above; returns -1 for anything else. */
int sa_verdict_parse(const char *s);
/** Severity order used to combine verdicts: FAIL > ERROR > SKIP > INFO > PASS.
 */
sa_verdict sa_verdict_worst(sa_verdict a, sa_verdict b);

/* Tags (DESIGN §5). */
enum {
	SA_TAG_DESTRUCTIVE = 1u << 0, /* changes or may damage the token: needs
	                                 --destructive and a disposable token */
	SA_TAG_NEEDS_SO =
	    1u << 1, /* logs in as Security Officer: needs the SO PIN */
	SA_TAG_SLOW = 1u << 2,
	SA_TAG_NETWORK = 1u << 3,
	SA_TAG_FINDING =
	    1u << 4, /* a security finding, not a specification failure */
};

/* What the runner prepares in the child before calling run(). */
enum {
	SA_NEED_P11_MODULE = 1u << 0, /* module loaded, NOT initialised: the
	                                 case calls C_Initialize itself */
	SA_NEED_P11 = 1u << 1,      /* module loaded and C_Initialize'd with the
	                               profile's init args */
	SA_NEED_TOKEN = 1u << 2,    /* implies SA_NEED_P11: the profile's token
	                               found, slot id known */
	SA_NEED_USER_PIN = 1u << 3, /* the user PIN is configured (else skip) */
	SA_NEED_SO_PIN = 1u << 4,   /* the SO PIN is configured (else skip) */
};

/** Terminator of sa_case.mechs (CKM_RSA_PKCS_KEY_PAIR_GEN is 0, so 0 cannot
 * be). */
#define SA_MECH_END (~0UL)

typedef struct sa_case_ctx sa_case_ctx;
typedef void (*sa_case_fn)(sa_case_ctx *ctx);

typedef struct sa_case {
	const char *id;          /* stable, never reused: "P11-SES-04" */
	const char *title;       /* one line */
	const char *description; /* what is checked and why it matters */
	const char
	    *remediation; /* what the provider should change when it fails */
	const char *const
	    *refs;          /* NULL-terminated: "PKCS#11 B2.40 §5.6.7", ... */
	int impact;         /* 1..5 (I1..I5) */
	const char *threat; /* short threat name for the risk model */
	unsigned tags;      /* SA_TAG_* */
	unsigned needs;     /* SA_NEED_* */
	const unsigned long *mechs; /* mechanisms the token must list,
	                               SA_MECH_END-terminated; may be NULL */
	sa_case_fn run;
} sa_case;

/** Compound-literal helpers for the const tables. */
#define SA_REFS(...)  ((const char *const[]){__VA_ARGS__, NULL})
#define SA_MECHS(...) ((const unsigned long[]){__VA_ARGS__, SA_MECH_END})

typedef struct sa_case_group {
	const sa_case *cases;
	size_t n_cases;
} sa_case_group;

/* A suite is made of groups, each defined in its own file as
 *   const sa_case_group sa_<suite>_group_<name> = {cases, SA_COUNTOF(cases)};
 * and listed by pointer (NULL-terminated) in the suite's suite.c. */
typedef struct sa_suite {
	const char *name; /* "pkcs11" */
	const char *title;
	const sa_case_group *const *groups; /* NULL-terminated */
} sa_suite;

#define SA_COUNTOF(a) (sizeof(a) / sizeof((a)[0]))

/* ---- while a case runs (child process) ---- */

/** The case being run. */
const sa_case *sa_case_get(const sa_case_ctx *ctx);
/** The context's error record (for helpers that take sa_error *). */
sa_error *sa_case_err(sa_case_ctx *ctx);

/** Record one check. Returns ok. expected/observed may be NULL. A check that
 * is not ok makes the case FAIL. */
bool sa_case_check(sa_case_ctx *ctx, bool ok, const char *what,
                   const char *expected, const char *observed);
/** Same, with observed formatted printf-style. */
bool sa_case_checkf(sa_case_ctx *ctx, bool ok, const char *what,
                    const char *expected, const char *observed_fmt, ...)
    __attribute__((format(printf, 5, 6)));

/** Explicit verdicts with a one-line reason (printf-style). */
void sa_case_fail(sa_case_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void sa_case_error(sa_case_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void sa_case_skip(sa_case_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void sa_case_info(sa_case_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/** An observation that does not change the verdict (goes to results and trace).
 */
void sa_case_note(sa_case_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/** Bracket a call whose only acceptable outcome is to return. If the case
 * process dies (a signal, or the module calling exit()) between the two, the
 * case FAILs with "<what>: the module ended the process (...)" instead of
 * being an ERROR: for a rule of the form "refuse this input", a module that
 * takes the caller down on it has answered, and the answer is a denial of
 * service. A hang stays an ERROR (a slow machine is not a finding). Guards
 * do not nest; sa_case_guard_end() without a guard does nothing. */
void sa_case_guard_begin(sa_case_ctx *ctx, const char *what);
void sa_case_guard_end(sa_case_ctx *ctx);

/** Mark the case as having passed only under the lenient reading of the
 * specification (a permitted but not strict return code). Set automatically
 * by sa_p11_check_rv(). */
void sa_case_mark_lenient(sa_case_ctx *ctx);

/** Write an evidence file evidence/<case-id>/<name> (name: [A-Za-z0-9._-]+).
 * The runner hashes it into results.json. Never pass secrets here. */
int sa_case_evidence(sa_case_ctx *ctx, const char *name, const void *data,
                     size_t len);

/** Whether --destructive was given AND the token is marked disposable in the
 * profile (the runner already skips SA_TAG_DESTRUCTIVE cases otherwise). */
bool sa_case_destructive_allowed(const sa_case_ctx *ctx);

/** Borrowed profile of the run (read-only). */
struct sa_profile;
const struct sa_profile *sa_case_profile(const sa_case_ctx *ctx);

#endif
