/* libFuzzer target: the profile parser (harness/src/profile.c) on arbitrary
 * bytes. Besides memory errors (ASan, UBSan), it checks the parser's
 * contract: a failed load leaves no profile and a message that names the
 * file; a successful one has a name, a reason for every waiver, and a JSON
 * view. Built as a fuzzer with SA_FUZZ=ON (clang) and always as a corpus
 * replay (tests/fuzz/replay.c). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "sigaudit/profile.h"

#define FUZZ_NAME "fuzz.ini"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	/* A fuzz harness, not a suite: stop here so the input is saved. */
	if (!ok)
		abort();
}

static void exercise(const sa_profile *p)
{
	json_t *j = sa_profile_to_json(p);
	char *dump;

	check(sa_profile_name(p) != NULL);
	check(strcmp(sa_profile_path(p), FUZZ_NAME) == 0);
	check(sa_profile_module(p) == NULL ||
	      sa_profile_key_line(p, "pkcs11", "module") > 0);
	check(sa_profile_token_uri(p) == NULL || sa_profile_module(p) != NULL);
	check(sa_profile_timeout(p) <= 86400);
	for (size_t i = 0; i < sa_profile_waiver_count(p); i++) {
		const sa_waiver *w = sa_profile_waiver_at(p, i);
		check(w != NULL && w->case_id != NULL && w->reason != NULL);
		check(w->line > 0);
		check(sa_profile_waiver(p, w->case_id) != NULL);
	}
	for (size_t i = 0; i < sa_profile_env_count(p); i++) {
		const char *k = NULL, *v = NULL;
		sa_profile_env_at(p, i, &k, &v);
		check(k != NULL && v != NULL);
	}
	for (int c = 0; c < SA_COMPONENT_COUNT_; c++) {
		int e = sa_profile_exposure(p, (sa_component)c);
		check(e >= 0 && e <= 5);
	}
	check(j != NULL);
	dump = json_dumps(j, 0);
	check(dump != NULL);
	free(dump);
	json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sa_profile *p = NULL;
	sa_error err = SA_ERROR_INIT;
	int rc;

	rc = sa_profile_load_mem(&p, FUZZ_NAME, (const char *)data, size, &err);
	if (rc == SA_OK) {
		check(p != NULL);
		exercise(p);
		sa_profile_free(p);
	} else {
		check(rc < 0 && p == NULL && err.code == rc);
		check(strncmp(err.msg, FUZZ_NAME ":", strlen(FUZZ_NAME) + 1) ==
		          0 ||
		      rc == SA_E_NOMEM);
		check(strchr(err.msg, '\n') == NULL);
	}
	return 0;
}
