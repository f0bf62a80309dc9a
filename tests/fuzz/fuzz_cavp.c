/* libFuzzer target: the NIST CAVP loader (suites/signing/sigvec_cavp.c) on
 * arbitrary bytes, read as each of the three schemes it supports, checked
 * against its contract (sigvec_fuzz.h). Built as a fuzzer with SA_FUZZ=ON
 * (clang) and always as a corpus replay (tests/fuzz/replay.c). */
#include <stddef.h>
#include <stdint.h>

#include "sigvec_fuzz.h"

#define FUZZ_NAME "fuzz.rsp"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const sa_sv_scheme schemes[] = {SA_SV_RSA_PKCS1, SA_SV_RSA_PSS,
	                                       SA_SV_ECDSA_P1363};

	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		sa_sv_file *f = NULL;
		sa_error err = SA_ERROR_INIT;
		int rc = sa_sv_load_cavp_mem((const char *)data, size,
		                             FUZZ_NAME, schemes[i], &f, &err);
		if (rc == SA_OK) {
			sa_fuzz_check_file(f);
			sa_fuzz_check(f->n_tests > 0);
			for (size_t g = 0; g < f->n_groups; g++)
				sa_fuzz_check(f->groups[g].scheme ==
				              schemes[i]);
			sa_sv_free(f);
		} else {
			sa_fuzz_check_failure(rc, f, &err, FUZZ_NAME);
		}
	}
	return 0;
}
