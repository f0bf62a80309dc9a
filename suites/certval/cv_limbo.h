/* x509-limbo testcases and results (catalogue §4.2-4.3, §4.6).
 *
 * A testcase is one object of Limbo.testcases[]; a validator ("harness" in
 * limbo's words) reads a Limbo document on stdin and writes one LimboResult
 * {version, harness, results: [{id, actual_result, context}]} on stdout.
 * sigaudit extends both under "x-pkits" (catalogue §4.6): a testcase may
 * carry {initial_policy_set: [OID], initial_explicit_policy,
 * initial_policy_mapping_inhibit, initial_inhibit_any_policy: bool,
 * expected_user_constrained_policy_set: [OID]}, and a result may carry
 * {"x-pkits": {"user_constrained_policy_set": [OID]}}.
 *
 * Everything a validator or a testcase file sends is untrusted input: the
 * parsers bound every size and never trust a type (fuzz target
 * tests/fuzz/fuzz_limbo.c). Nothing here uses the case API. */
#ifndef SA_CV_LIMBO_H
#define SA_CV_LIMBO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "sigaudit/error.h"

#include "cv_x509.h"

/* Inputs larger than this are refused: limbo.json with BetterTLS is ~70 MB,
 * one testcase is a few KiB (pathological ones a few hundred). */
#define SA_CV_LIMBO_DOC_MAX    (256u << 20)
#define SA_CV_LIMBO_RESULT_MAX (1u << 20)

typedef enum sa_cv_limbo_actual {
	SA_CV_LIMBO_SUCCESS = 0,
	SA_CV_LIMBO_FAILURE,
	SA_CV_LIMBO_SKIPPED,
	SA_CV_LIMBO_HANG,
} sa_cv_limbo_actual;

/** "SUCCESS", "FAILURE", "SKIPPED", "HANG". */
const char *sa_cv_limbo_actual_str(sa_cv_limbo_actual a);

/** The testcase's id (borrowed) or NULL when it has none or it is not a
 * string. */
const char *sa_cv_limbo_id(const json_t *tc);
/** expected_result: 1 SUCCESS, 0 FAILURE, -1 missing or anything else. */
int sa_cv_limbo_expected(const json_t *tc);
/** "importance=high,has-crl,..." (features and importance as vector flags).
 */
void sa_cv_limbo_flags(char *out, size_t size, const json_t *tc);

/** Build the built-in engine's request for a testcase. 0: ready; 1: the
 * built-in engine cannot ask this (why says which field); negative: the
 * testcase is malformed (err says what). */
int sa_cv_limbo_req(sa_cv_req *req, const json_t *tc, char *why,
                    size_t why_size, sa_error *err);

/** Run the built-in engine on one testcase: a LimboResult entry {id,
 * actual_result, context[, x-pkits]} (new reference). A testcase the engine
 * cannot ask, or a malformed one, gives SKIPPED with the reason as context,
 * so that a driver can tell it from a validation failure. NULL only on
 * allocation failure. */
json_t *sa_cv_limbo_eval(const json_t *tc);

/** What a validator answered for one testcase. */
typedef struct sa_cv_limbo_answer {
	sa_cv_limbo_actual actual;
	char context[96]; /* printable, truncated; "" when null */
	/* x-pkits.user_constrained_policy_set when the validator reports it:
	 * sorted dotted OIDs joined by "," (as sa_cv_res.policies). */
	bool has_policies;
	char policies[512];
} sa_cv_limbo_answer;

/** Parse what a validator wrote for testcase `id`: a LimboResult (the entry
 * whose id matches, or the only entry when it has no id) or one bare result
 * object. A negative return is bad output; err has a one-line reason. */
int sa_cv_limbo_parse_result(sa_cv_limbo_answer *out, const char *text,
                             size_t len, const char *id, sa_error *err);

/** The harness protocol over streams: read a Limbo document (or one bare
 * testcase) from in, write a LimboResult to out. Returns 0, or a negative
 * code after a one-line message to errf (unreadable input: a harness exits
 * non-zero only for its own errors, never because a testcase failed). */
int sa_cv_limbo_harness(FILE *in, FILE *out, FILE *errf);

/** An external validator: run `command` (through /bin/sh -c, so it may be
 * "docker run ..."), give it {"version":1,"testcases":[tc]} on stdin, read
 * one result from stdout within timeout_ms. 0 with *out set, or a negative
 * code with a one-line reason in err (timeout, exit status, bad output): the
 * caller records SA_VEC_ERROR for that testcase. */
int sa_cv_limbo_ext_run(sa_cv_limbo_answer *out, const char *command,
                        const json_t *tc, unsigned timeout_ms, sa_error *err);

#endif
