/* libFuzzer target: the x509-limbo parsers of suites/certval on arbitrary
 * bytes, both directions of the harness protocol:
 *   - as a validator's output (sa_cv_limbo_parse_result): bad output is
 *     refused with a one-line, printable reason; a parsed context is
 *     printable too (it goes to results.json);
 *   - as a testcase or a Limbo document (sa_cv_limbo_eval on each
 *     testcase): every testcase gets exactly one result with its id and an
 *     actual_result the protocol knows, whatever the certificates hold.
 * Built as a fuzzer with SA_FUZZ=ON (clang) and always as a corpus replay. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cv_limbo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	/* A fuzz harness, not a suite: stop here so the input is saved. */
	if (!ok)
		abort();
}

static void printable(const char *s)
{
	for (; *s != '\0'; s++)
		check((unsigned char)*s >= 0x20 && (unsigned char)*s < 0x7f);
}

static void as_result(const uint8_t *data, size_t size)
{
	sa_cv_limbo_answer ans;
	sa_error err = SA_ERROR_INIT;
	int rc = sa_cv_limbo_parse_result(&ans, (const char *)data, size,
	                                  "t::a", &err);

	if (rc < 0) {
		check(err.msg[0] != '\0' && strchr(err.msg, '\n') == NULL);
	} else {
		check(ans.actual <= SA_CV_LIMBO_HANG);
		printable(ans.context);
		check(ans.has_policies || ans.policies[0] == '\0');
	}
}

static void eval_one(const json_t *tc)
{
	json_t *r = sa_cv_limbo_eval(tc);
	const char *a, *id = sa_cv_limbo_id(tc);

	if (r == NULL)
		return; /* allocation failure only */
	a = json_string_value(json_object_get(r, "actual_result"));
	check(a != NULL &&
	      (strcmp(a, "SUCCESS") == 0 || strcmp(a, "FAILURE") == 0 ||
	       strcmp(a, "SKIPPED") == 0));
	if (id != NULL)
		check(strcmp(json_string_value(json_object_get(r, "id")), id) ==
		      0);
	json_decref(r);
}

static void as_testcases(const uint8_t *data, size_t size)
{
	json_t *root = json_loadb((const char *)data, size, 0, NULL);
	json_t *tcs = json_object_get(root, "testcases"), *tc;
	size_t i;

	if (root == NULL)
		return;
	if (json_is_array(tcs)) {
		json_array_foreach(tcs, i, tc)
		{
			if (i >= 8)
				break; /* bound the work per input */
			eval_one(tc);
		}
	} else {
		eval_one(root);
	}
	json_decref(root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > (1u << 20))
		return 0;
	as_result(data, size);
	as_testcases(data, size);
	return 0;
}
