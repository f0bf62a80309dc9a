/* What fuzz_wycheproof.c and fuzz_cavp.c check on every input, beyond
 * memory errors: the loaders' contract (suites/signing/sigvec.h). A failed
 * load leaves no file and one line that names the input; a successful one
 * has groups that tile the tests, keys of the stated shape and bytes the
 * engines can pass on. */
#ifndef SA_TESTS_FUZZ_SIGVEC_FUZZ_H
#define SA_TESTS_FUZZ_SIGVEC_FUZZ_H

#include <stdlib.h>
#include <string.h>

#include "sigvec.h"

static void sa_fuzz_check(int ok)
{
	/* A fuzz harness, not a suite: stop here so the input is saved. */
	if (!ok)
		abort();
}

static void sa_fuzz_check_failure(int rc, const sa_sv_file *f,
                                  const sa_error *err, const char *name)
{
	sa_fuzz_check(rc < 0 && f == NULL && err->code == rc);
	sa_fuzz_check((strncmp(err->msg, name, strlen(name)) == 0 &&
	               err->msg[strlen(name)] == ':') ||
	              rc == SA_E_NOMEM);
	sa_fuzz_check(strchr(err->msg, '\n') == NULL);
}

static void sa_fuzz_check_file(const sa_sv_file *f)
{
	size_t next = 0;

	sa_fuzz_check(f != NULL);
	for (size_t g = 0; g < f->n_groups; g++) {
		const sa_sv_group *gr = &f->groups[g];
		sa_fuzz_check(gr->first == next);
		next += gr->count;
		sa_fuzz_check(memchr(gr->label, '\0', sizeof(gr->label)) !=
		              NULL);
		sa_fuzz_check(gr->scheme < SA_SV_SCHEME_COUNT_);
		if (gr->scheme == SA_SV_RSA_PKCS1 ||
		    gr->scheme == SA_SV_RSA_PSS) {
			sa_fuzz_check(gr->hash != NULL && gr->n.len > 0 &&
			              gr->n.data[0] != 0 && gr->e.len > 0 &&
			              gr->e.data[0] != 0);
			sa_fuzz_check((gr->scheme == SA_SV_RSA_PSS) ==
			              (gr->salt_len >= 0));
		} else {
			sa_fuzz_check(gr->curve != NULL && gr->point.len > 0);
		}
		sa_fuzz_check(gr->priv.secure && gr->priv_pkcs8.secure);
	}
	sa_fuzz_check(next == f->n_tests);
	for (size_t i = 0; i < f->n_tests; i++) {
		const sa_sv_test *t = &f->tests[i];
		sa_fuzz_check(t->group < f->n_groups);
		sa_fuzz_check(memchr(t->id, '\0', sizeof(t->id)) != NULL &&
		              t->id[0] != '\0');
		sa_fuzz_check(t->msg.data != NULL && t->sig.data != NULL);
		sa_fuzz_check(t->expected == SA_VEC_VALID ||
		              t->expected == SA_VEC_INVALID ||
		              t->expected == SA_VEC_ACCEPTABLE);
		if (t->flags != NULL)
			sa_fuzz_check(strlen(t->flags) > 0);
	}
}

#endif
