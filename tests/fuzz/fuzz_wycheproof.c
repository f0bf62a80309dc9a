/* libFuzzer target: the Wycheproof testvectors_v1 loader
 * (suites/signing/sigvec_wyc.c) on arbitrary bytes, checked against its
 * contract (sigvec_fuzz.h). Built as a fuzzer with SA_FUZZ=ON (clang) and
 * always as a corpus replay (tests/fuzz/replay.c). */
#include <stddef.h>
#include <stdint.h>

#include "sigvec_fuzz.h"

#define FUZZ_NAME "fuzz.json"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sa_sv_file *f = NULL;
	sa_error err = SA_ERROR_INIT;
	int rc;

	rc = sa_sv_load_wycheproof_mem((const char *)data, size, FUZZ_NAME, &f,
	                               &err);
	if (rc == SA_OK) {
		sa_fuzz_check_file(f);
		sa_fuzz_check(f->n_tests == f->n_declared);
		sa_fuzz_check(strcmp(f->source, FUZZ_NAME) == 0);
		sa_sv_free(f);
	} else {
		sa_fuzz_check_failure(rc, f, &err, FUZZ_NAME);
	}
	return 0;
}
