/* sa_faultmod: a PKCS#11 module that forwards to a real one and breaks rules
 * on request (README.md). This file loads the target, generates the 68
 * forwarding wrappers from SA_FM_FUNCTIONS and applies the per-call
 * directives crash, abort, hang, noop and rv. */
#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "faultmod.h"

#define SA_FM_DEFAULT_TARGET "/usr/lib/softhsm/libsofthsm2.so"

struct sa_fm_spec sa_fm_spec;
CK_FUNCTION_LIST_PTR sa_fm_real;

_Static_assert(SA_FM_FUNC_COUNT == 68,
               "the v2.40 function list has 68 entries");

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static void *target_handle;

/* The target is loaded on the first call of any function, which in practice
 * is C_GetFunctionList: that one must work before C_Initialize (B2.40
 * §5.4.4), so loading cannot wait for C_Initialize. */
static void load(void)
{
	const char *path = getenv("SA_FAULT_TARGET");
	CK_C_GetFunctionList get = NULL;
	CK_FUNCTION_LIST_PTR list = NULL;
	void *h = NULL;
	CK_RV rv;

	sa_fm_spec_parse(getenv("SA_FAULT"));
	if (path == NULL || *path == '\0')
		path = SA_FM_DEFAULT_TARGET;
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		fprintf(stderr, "sa_faultmod: cannot load target '%s': %s\n",
		        path, dlerror());
		goto out;
	}
	*(void **)&get = dlsym(h, "C_GetFunctionList");
	/* Pointing SA_FAULT_TARGET at this module would recurse into
	 * pthread_once and deadlock. */
	if (get == NULL || get == C_GetFunctionList) {
		fprintf(stderr,
		        "sa_faultmod: target '%s' has no usable "
		        "C_GetFunctionList\n",
		        path);
		goto out;
	}
	rv = get(&list);
	if (rv != CKR_OK || list == NULL) {
		fprintf(stderr,
		        "sa_faultmod: C_GetFunctionList of target '%s' "
		        "returned 0x%08lx\n",
		        path, (unsigned long)rv);
		goto out;
	}
	sa_fm_real = list;
	target_handle = h;
	h = NULL;
out:
	if (h != NULL)
		dlclose(h);
}

/* Keep dlopen reference counts balanced when the host unloads us (p11-kit
 * does, after C_Finalize). */
__attribute__((destructor)) static void unload(void)
{
	if (target_handle != NULL)
		dlclose(target_handle);
	target_handle = NULL;
	sa_fm_real = NULL;
}

/* Die by a genuine SIGSEGV, as a buggy module would. The disposition is reset
 * first: an ASan-built host installs its own SIGSEGV handler, which would turn
 * the crash into a report and exit(1), and the runner must see a process
 * killed by a signal. */
_Noreturn void sa_fm_crash(void)
{
	/* volatile: the compiler may not see the NULL and turn the store into
	 * a trap instruction (SIGILL) or drop it. */
	static int *volatile null_ptr;
	struct sigaction sa = {0};
	sigset_t set;

	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGSEGV);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	*null_ptr = 0;
	raise(SIGSEGV);
	abort();
}

/* A module stuck in a call (a dead HSM, a lost network connection): only the
 * runner's timeout can end it. */
static void hang(void)
{
	for (;;)
		sleep(1);
}

/* Before the call: returns true when the wrapper should call the target (or
 * its hook); otherwise *rv is the result. */
static bool enter(enum sa_fm_func f, CK_RV *rv)
{
	unsigned act;
	bool forward = false;

	pthread_once(&load_once, load);
	act = sa_fm_spec.action[f];
	if (act & SA_FM_ACT_CRASH)
		sa_fm_crash();
	if (act & SA_FM_ACT_ABORT)
		abort();
	if (act & SA_FM_ACT_HANG)
		hang();
	if (sa_fm_real == NULL) {
		*rv = CKR_GENERAL_ERROR;
		goto out;
	}
	if (act & SA_FM_ACT_NOOP) {
		*rv = CKR_OK;
		goto out;
	}
	forward = true;
out:
	return forward;
}

/* After the call: the first rv rule for this function that matches wins. */
static CK_RV leave(enum sa_fm_func f, CK_RV rv)
{
	for (size_t i = 0; i < sa_fm_spec.n_rv; i++) {
		const struct sa_fm_rv_rule *r = &sa_fm_spec.rv[i];

		if (r->func == f && (r->any || r->from == rv)) {
			rv = r->to;
			break;
		}
	}
	return rv;
}

#define SA_FM_CALL_REAL(name) sa_fm_real->name
#define SA_FM_CALL_HOOK(name) sa_fm_hook_##name

/* fm_C_xxx: the entries of our function list. They cannot be named C_xxx:
 * <p11-kit/pkcs11.h> declares those as extern functions. */
#define SA_FM_X_(name, call, params, args)                                     \
	static CK_RV fm_##name params                                          \
	{                                                                      \
		CK_RV rv = CKR_OK;                                             \
		if (enter(SA_FM_##name, &rv))                                  \
			rv = SA_FM_CALL_##call(name) args;                     \
		return leave(SA_FM_##name, rv);                                \
	}
SA_FM_FUNCTIONS(SA_FM_X_)
#undef SA_FM_X_

/* Always 2.40: the only layout this module implements (B2.40 §5.3). */
/* clang-format off */
CK_FUNCTION_LIST sa_fm_list = {
	.version = {2, 40},
#define SA_FM_X_(name, call, params, args) .name = fm_##name,
	SA_FM_FUNCTIONS(SA_FM_X_)
#undef SA_FM_X_
};
/* clang-format on */

CK_RV sa_fm_hook_C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list)
{
	CK_RV rv = CKR_ARGUMENTS_BAD;

	if (list == NULL)
		goto out;
	*list = &sa_fm_list;
	rv = CKR_OK;
out:
	return rv;
}

/* The module's only exported symbol (CMake builds with hidden visibility). */
__attribute__((visibility("default"))) CK_RV
C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list)
{
	return fm_C_GetFunctionList(list);
}
