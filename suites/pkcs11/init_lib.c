/* Catalogue group A: library and initialisation (P11-INIT-01..08).
 *
 * Every case here declares SA_NEED_P11_MODULE except INIT-06/07: the runner
 * loads the module without initialising it, and the case owns
 * C_Initialize / C_Finalize. Each case runs in its own process, so a case
 * that leaves the module initialised after a failed check costs nothing. */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "init_slot.h"
#include "sigaudit/profile.h"

/* ---- application mutex callbacks for INIT-04 (B2.40 §3.7) ---- */

static CK_RV app_mutex_create(void **out)
{
	CK_RV rv = CKR_GENERAL_ERROR;
	pthread_mutex_t *m = NULL;

	if (out == NULL) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	m = calloc(1, sizeof(*m));
	if (m == NULL) {
		rv = CKR_HOST_MEMORY;
		goto out;
	}
	if (pthread_mutex_init(m, NULL) != 0)
		goto out;
	*out = m;
	m = NULL;
	rv = CKR_OK;
out:
	free(m);
	return rv;
}

static CK_RV app_mutex_destroy(void *mutex)
{
	CK_RV rv = CKR_MUTEX_BAD;

	if (mutex != NULL && pthread_mutex_destroy(mutex) == 0) {
		free(mutex);
		rv = CKR_OK;
	}
	return rv;
}

static CK_RV app_mutex_lock(void *mutex)
{
	return (mutex != NULL && pthread_mutex_lock(mutex) == 0)
	           ? CKR_OK
	           : CKR_MUTEX_BAD;
}

static CK_RV app_mutex_unlock(void *mutex)
{
	return (mutex != NULL && pthread_mutex_unlock(mutex) == 0)
	           ? CKR_OK
	           : CKR_MUTEX_NOT_LOCKED;
}

/* C_Initialize with the profile's arguments; records the check. */
static bool init_module(sa_case_ctx *ctx, CK_FUNCTION_LIST_PTR fl,
                        const char *what)
{
	CK_C_INITIALIZE_ARGS args;

	sa_case_init_args(ctx, &args);
	return sa_p11_check_rv(ctx, what, fl->C_Initialize(&args), CKR_OK,
	                       SA_STRICT_ONLY);
}

/* ---- P11-INIT-01 ---- */

void sa_p11is_init01(sa_case_ctx *ctx)
{
	CK_FUNCTION_LIST_PTR fl = sa_p11is_fl(ctx);
	CK_FUNCTION_LIST_PTR fl2 = NULL;
	CK_INFO info;
	CK_ULONG n = 0;
	CK_SESSION_HANDLE h = CK_INVALID_HANDLE;
	CK_RV rv;
	bool inited = false;

	if (fl == NULL)
		goto out;
	/* B2.40 §5.4.1: C_Initialize must be the first call "except for calls
	 * to C_GetFunctionList". */
	rv = fl->C_GetFunctionList(&fl2);
	if (sa_p11_check_rv(ctx, "C_GetFunctionList before C_Initialize", rv,
	                    CKR_OK, SA_STRICT_ONLY))
		sa_case_check(ctx, fl2 != NULL,
		              "C_GetFunctionList returns a function list",
		              "non-NULL", fl2 != NULL ? "non-NULL" : "NULL");

	memset(&info, 0, sizeof(info));
	sa_p11_check_rv(ctx, "C_GetInfo before C_Initialize",
	                fl->C_GetInfo(&info), CKR_CRYPTOKI_NOT_INITIALIZED,
	                SA_STRICT_ONLY);
	sa_p11_check_rv(ctx, "C_GetSlotList before C_Initialize",
	                fl->C_GetSlotList(CK_FALSE, NULL, &n),
	                CKR_CRYPTOKI_NOT_INITIALIZED, SA_STRICT_ONLY);
	/* Slot 0 may or may not exist: before initialisation the module knows
	 * no slots, so the only conformant answer is NOT_INITIALIZED. */
	sa_p11_check_rv(
	    ctx, "C_OpenSession before C_Initialize",
	    fl->C_OpenSession(0, CKF_SERIAL_SESSION, NULL, NULL, &h),
	    CKR_CRYPTOKI_NOT_INITIALIZED, SA_STRICT_ONLY);

	/* Control: the same calls work once initialised, so the refusals
	 * above are about initialisation and not a module that refuses all. */
	if (!init_module(ctx, fl, "C_Initialize"))
		goto out;
	inited = true;
	sa_p11_check_rv(ctx, "C_GetInfo after C_Initialize",
	                fl->C_GetInfo(&info), CKR_OK, SA_STRICT_ONLY);
	sa_p11_check_rv(ctx, "C_GetSlotList after C_Initialize",
	                fl->C_GetSlotList(CK_FALSE, NULL, &n), CKR_OK,
	                SA_STRICT_ONLY);
out:
	if (inited)
		(void)fl->C_Finalize(NULL);
}

/* ---- P11-INIT-02 ---- */

void sa_p11is_init02(sa_case_ctx *ctx)
{
	CK_FUNCTION_LIST_PTR fl = sa_p11is_fl(ctx);
	CK_C_INITIALIZE_ARGS args;
	CK_INFO info;
	CK_RV rv;
	bool inited = false;

	if (fl == NULL)
		goto out;
	if (!init_module(ctx, fl, "first C_Initialize"))
		goto out;
	inited = true;
	sa_case_init_args(ctx, &args);
	rv = fl->C_Initialize(&args);
	sa_p11_check_rv(ctx, "second C_Initialize", rv,
	                CKR_CRYPTOKI_ALREADY_INITIALIZED, SA_STRICT_ONLY);
	if (rv == CKR_OK)
		sa_case_note(ctx, "the module accepted a second C_Initialize; "
		                  "callers cannot detect a prior "
		                  "initialisation");
	/* The refused call must leave the first initialisation intact. */
	sa_p11_check_rv(ctx, "C_GetInfo after the second C_Initialize",
	                fl->C_GetInfo(&info), CKR_OK, SA_STRICT_ONLY);
	rv = fl->C_Finalize(NULL);
	inited = false;
	sa_p11_check_rv(ctx, "C_Finalize", rv, CKR_OK, SA_STRICT_ONLY);
out:
	if (inited)
		(void)fl->C_Finalize(NULL);
}

/* ---- P11-INIT-03 ---- */

void sa_p11is_init03(sa_case_ctx *ctx)
{
	CK_FUNCTION_LIST_PTR fl = sa_p11is_fl(ctx);
	const struct sa_profile *prof = sa_case_profile(ctx);
	const char *init_args =
	    prof != NULL ? sa_profile_init_args(prof) : NULL;
	/* Zeroed and large enough that a module reading it as a string or a
	 * small struct stays inside our memory. */
	unsigned char reserved[64];
	CK_C_INITIALIZE_ARGS args;
	CK_RV rv;

	if (fl == NULL)
		goto out;
	if (init_args != NULL && init_args[0] != '\0') {
		sa_case_skip(ctx, "the profile passes init_args in pReserved "
		                  "(NSS softoken convention): a non-NULL "
		                  "pReserved is legitimate for this module");
		goto out;
	}
	memset(reserved, 0, sizeof(reserved));
	sa_case_init_args(ctx, &args);
	args.pReserved = reserved;
	rv = fl->C_Initialize(&args);
	sa_p11_check_rv(ctx, "C_Initialize with pReserved != NULL", rv,
	                CKR_ARGUMENTS_BAD, SA_STRICT_ONLY);
	if (rv == CKR_OK || rv == CKR_CRYPTOKI_ALREADY_INITIALIZED)
		(void)fl->C_Finalize(NULL);

	/* Control: the same arguments with pReserved = NULL are accepted, so
	 * the refusal above is about pReserved. */
	args.pReserved = NULL;
	rv = fl->C_Initialize(&args);
	sa_p11_check_rv(ctx, "C_Initialize with the same args, pReserved NULL",
	                rv, CKR_OK, SA_STRICT_ONLY);
	if (rv == CKR_OK)
		(void)fl->C_Finalize(NULL);
out:
	return;
}

/* ---- P11-INIT-04 ---- */

/* One C_Initialize attempt whose outcome may be either of two codes the
 * specification permits equally (not a strict/lenient pair). On CKR_OK the
 * module is exercised once and finalised. */
static void init_attempt(sa_case_ctx *ctx, CK_FUNCTION_LIST_PTR fl,
                         CK_C_INITIALIZE_ARGS *args, const char *what,
                         CK_RV alt)
{
	CK_ULONG n = 0;
	CK_RV rv = fl->C_Initialize(args);
	char expected[96];

	snprintf(expected, sizeof(expected), "CKR_OK or %s",
	         sa_p11_rv_name(alt));
	sa_case_checkf(ctx, rv == CKR_OK || rv == alt, what, expected, "%s",
	               sa_p11_rv_name(rv));
	if (rv != CKR_OK)
		goto out;
	sa_p11_check_rv(ctx, "C_GetSlotList under the negotiated locking",
	                fl->C_GetSlotList(CK_FALSE, NULL, &n), CKR_OK,
	                SA_STRICT_ONLY);
	(void)fl->C_Finalize(NULL);
out:
	return;
}

void sa_p11is_init04(sa_case_ctx *ctx)
{
	CK_FUNCTION_LIST_PTR fl = sa_p11is_fl(ctx);
	CK_C_INITIALIZE_ARGS base, args;
	CK_RV rv;

	if (fl == NULL)
		goto out;
	/* Keep the profile's pReserved (NSS needs it) in every variant. */
	sa_case_init_args(ctx, &base);
	base.CreateMutex = NULL;
	base.DestroyMutex = NULL;
	base.LockMutex = NULL;
	base.UnlockMutex = NULL;

	/* B2.40 §5.4.1: "either all or none" of the four callbacks; a
	 * partial set is CKR_ARGUMENTS_BAD. */
	args = base;
	args.CreateMutex = app_mutex_create;
	rv = fl->C_Initialize(&args);
	sa_p11_check_rv(ctx, "C_Initialize with only CreateMutex", rv,
	                CKR_ARGUMENTS_BAD, SA_STRICT_ONLY);
	if (rv == CKR_OK)
		(void)fl->C_Finalize(NULL);

	args.DestroyMutex = app_mutex_destroy;
	args.LockMutex = app_mutex_lock;
	rv = fl->C_Initialize(&args);
	sa_p11_check_rv(ctx, "C_Initialize without UnlockMutex", rv,
	                CKR_ARGUMENTS_BAD, SA_STRICT_ONLY);
	if (rv == CKR_OK)
		(void)fl->C_Finalize(NULL);

	/* Case 1 of the four locking modes: no callbacks, no flag (a
	 * single-threaded application) must always be possible. */
	args = base;
	args.flags = 0;
	rv = fl->C_Initialize(&args);
	sa_p11_check_rv(ctx, "C_Initialize without callbacks or flags", rv,
	                CKR_OK, SA_STRICT_ONLY);
	if (rv == CKR_OK)
		(void)fl->C_Finalize(NULL);

	/* Case 2: application callbacks, no CKF_OS_LOCKING_OK: the library
	 * must use them or refuse with CKR_CANT_LOCK. */
	args = base;
	args.CreateMutex = app_mutex_create;
	args.DestroyMutex = app_mutex_destroy;
	args.LockMutex = app_mutex_lock;
	args.UnlockMutex = app_mutex_unlock;
	args.flags = 0;
	init_attempt(ctx, fl, &args,
	             "C_Initialize with application mutexes, no "
	             "CKF_OS_LOCKING_OK",
	             CKR_CANT_LOCK);

	/* Case 4: callbacks and CKF_OS_LOCKING_OK: either primitive set. */
	args.flags = CKF_OS_LOCKING_OK;
	init_attempt(ctx, fl, &args,
	             "C_Initialize with application mutexes and "
	             "CKF_OS_LOCKING_OK",
	             CKR_CANT_LOCK);

	/* CKF_LIBRARY_CANT_CREATE_OS_THREADS: work without own threads or
	 * say CKR_NEED_TO_CREATE_THREADS. */
	args = base;
	args.flags = CKF_OS_LOCKING_OK | CKF_LIBRARY_CANT_CREATE_OS_THREADS;
	init_attempt(ctx, fl, &args,
	             "C_Initialize with CKF_LIBRARY_CANT_CREATE_OS_THREADS",
	             CKR_NEED_TO_CREATE_THREADS);
out:
	return;
}

/* ---- P11-INIT-05 ---- */

void sa_p11is_init05(sa_case_ctx *ctx)
{
	CK_FUNCTION_LIST_PTR fl = sa_p11is_fl(ctx);
	CK_SESSION_HANDLE h = CK_INVALID_HANDLE;
	CK_SESSION_INFO si;
	CK_SLOT_ID slot = 0;
	unsigned char reserved[64];
	bool inited = false, have_session = false;
	CK_RV rv;
	int found;

	if (fl == NULL)
		goto out;
	if (!init_module(ctx, fl, "C_Initialize"))
		goto out;
	inited = true;
	found = sa_p11is_first_token_slot(ctx, fl, &slot);
	if (found < 0)
		goto out;
	if (found == 0) {
		rv =
		    fl->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL, &h);
		have_session = sa_p11_check_rv(ctx, "C_OpenSession", rv, CKR_OK,
		                               SA_STRICT_ONLY);
	} else {
		sa_case_note(ctx, "no slot with a token: the stale-handle "
		                  "sub-check is not applicable");
	}

	/* B2.40 §5.4.2: "if C_Finalize is called with a non-NULL_PTR value
	 * for pReserved, it should return the value CKR_ARGUMENTS_BAD". */
	memset(reserved, 0, sizeof(reserved));
	rv = fl->C_Finalize(reserved);
	sa_p11_check_rv(ctx, "C_Finalize with pReserved != NULL", rv,
	                CKR_ARGUMENTS_BAD, SA_STRICT_ONLY);
	if (rv == CKR_OK) {
		/* The library is gone and took the session with it: start
		 * again so the remaining sub-checks still mean something. */
		inited = false;
		have_session = false;
		if (!init_module(ctx, fl, "C_Initialize (again)"))
			goto out;
		inited = true;
	}
	sa_p11_check_rv(ctx, "C_Finalize", fl->C_Finalize(NULL), CKR_OK,
	                SA_STRICT_ONLY);
	sa_p11_check_rv(ctx, "second C_Finalize", fl->C_Finalize(NULL),
	                CKR_CRYPTOKI_NOT_INITIALIZED, SA_STRICT_ONLY);
	/* Whatever the two answers were, there is nothing left to undo. */
	inited = false;

	if (!have_session)
		goto out;
	if (!init_module(ctx, fl, "C_Initialize after C_Finalize"))
		goto out;
	inited = true;
	/* No session has been opened since: a conformant module cannot know
	 * the old handle, whatever number it had. */
	memset(&si, 0, sizeof(si));
	sa_p11_check_rv(ctx,
	                "C_GetSessionInfo on a handle from before "
	                "C_Finalize",
	                fl->C_GetSessionInfo(h, &si),
	                CKR_SESSION_HANDLE_INVALID, SA_STRICT_ONLY);
out:
	if (inited)
		(void)fl->C_Finalize(NULL);
}

/* ---- P11-INIT-06 ---- */

void sa_p11is_init06(sa_case_ctx *ctx)
{
	CK_FUNCTION_LIST_PTR fl = sa_p11is_fl(ctx);
	CK_INFO info;
	char v1[16], v2[16], lib[16];
	char mfr[40], desc[40];

	if (fl == NULL)
		goto out;
	memset(&info, 0, sizeof(info));
	if (!sa_p11_check_rv(ctx, "C_GetInfo", fl->C_GetInfo(&info), CKR_OK,
	                     SA_STRICT_ONLY))
		goto out;
	sa_p11_str(mfr, sizeof(mfr), info.manufacturerID,
	           sizeof(info.manufacturerID));
	sa_p11_str(desc, sizeof(desc), info.libraryDescription,
	           sizeof(info.libraryDescription));
	sa_case_note(
	    ctx, "module: \"%s\" \"%s\" library %s, Cryptoki %s", mfr, desc,
	    sa_p11is_version_str(lib, sizeof(lib), info.libraryVersion),
	    sa_p11is_version_str(v1, sizeof(v1), info.cryptokiVersion));

	sa_p11is_check_text(ctx, "CK_INFO.manufacturerID", info.manufacturerID,
	                    sizeof(info.manufacturerID));
	sa_p11is_check_text(ctx, "CK_INFO.libraryDescription",
	                    info.libraryDescription,
	                    sizeof(info.libraryDescription));
	/* B2.40 §3.1: "flags: bit flags reserved for future versions. MUST
	 * be zero for this version". */
	sa_case_checkf(ctx, info.flags == 0, "CK_INFO.flags", "0x00000000",
	               "0x%08lx", (unsigned long)info.flags);
	sa_p11is_version_str(v2, sizeof(v2), fl->version);
	if (info.cryptokiVersion.major >= 3 && fl->version.major == 2) {
		/* A 3.x module hands the 2.x-compatible table to
		 * C_GetFunctionList and its 3.x tables to C_GetInterface
		 * (B3.0 §5.4.6 (unconfirmed)): the versions differ by design.
		 */
		sa_case_note(ctx,
		             "PKCS#11 %s module, C_GetFunctionList table %s: "
		             "version comparison not applicable",
		             v1, v2);
		goto out;
	}
	sa_case_checkf(ctx,
	               info.cryptokiVersion.major == fl->version.major &&
	                   info.cryptokiVersion.minor == fl->version.minor,
	               "CK_INFO.cryptokiVersion equals the function list "
	               "version",
	               v2, "%s", v1);
out:
	return;
}

/* ---- P11-INIT-07 ---- */

int sa_p11is_v3_open(sa_case_ctx *ctx, sa_p11is_v3 *out, const char **why)
{
	const struct sa_profile *prof = sa_case_profile(ctx);
	const char *path = prof != NULL ? sa_profile_module(prof) : NULL;
	void *sym;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	*why = "the profile names no module";
	if (path == NULL)
		goto out;
	/* RTLD_NOLOAD: the copy the runner loaded (and initialised), never a
	 * second one with state of its own. */
	out->dl = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
	if (out->dl == NULL) {
		*why = "the module is not loaded under the profile's path";
		goto out;
	}
	/* POSIX dlsym gives a data pointer; converting it to a function
	 * pointer is how every PKCS#11 loader reaches C_GetFunctionList. */
	sym = dlsym(out->dl, "C_GetInterfaceList");
	memcpy(&out->get_list, &sym, sizeof(sym));
	sym = dlsym(out->dl, "C_GetInterface");
	memcpy(&out->get, &sym, sizeof(sym));
	rc = 0;
out:
	return rc;
}

void sa_p11is_v3_close(sa_p11is_v3 *v)
{
	if (v->dl != NULL)
		(void)dlclose(v->dl);
	memset(v, 0, sizeof(*v));
}

const sa_ck_interface *sa_p11is_v3_default(const sa_p11is_v3 *v)
{
	sa_ck_interface *iface = NULL;

	if (v->get == NULL || v->get(NULL, NULL, &iface, 0) != CKR_OK)
		iface = NULL;
	return iface;
}

/* The CK_VERSION a function list begins with (B3.0 §3.6 (unconfirmed)). */
static CK_VERSION fl_version(const sa_ck_interface *i)
{
	CK_VERSION v = {0, 0};

	if (i != NULL && i->pFunctionList != NULL)
		memcpy(&v, i->pFunctionList, sizeof(v));
	return v;
}

static bool is_pkcs11(const sa_ck_interface *i)
{
	return i != NULL && i->pInterfaceName != NULL &&
	       strcmp((const char *)i->pInterfaceName, "PKCS 11") == 0;
}

#define SA_V3_MAX_IFACES 64UL

#define SA_V3_CHILD_WAIT_MS 5000L

/* The calls with a NULL output pointer. They run in a forked child: a
 * module that dereferences the pointer kills the child, and the case
 * records a failed check instead of dying with it. */
enum v3_null_call { V3_LIST_NULL_NULL, V3_GET_NULL_OUT };

static void v3_null_child(const sa_p11is_v3 *v, enum v3_null_call which,
                          int wfd) __attribute__((noreturn));
static void v3_null_child(const sa_p11is_v3 *v, enum v3_null_call which,
                          int wfd)
{
	static const CK_UTF8CHAR pkcs11[] = "PKCS 11";
	const unsigned char *p;
	size_t off = 0;
	ssize_t w;
	CK_RV rv;

	/* A crash must show as the signal, not as a sanitizer report. */
	(void)signal(SIGSEGV, SIG_DFL);
	(void)signal(SIGBUS, SIG_DFL);
	alarm((unsigned)(SA_V3_CHILD_WAIT_MS / 1000L) + 2u);
	rv = which == V3_LIST_NULL_NULL
	         ? v->get_list(NULL, NULL)
	         : v->get((CK_UTF8CHAR_PTR)pkcs11, NULL, NULL, 0);
	p = (const unsigned char *)&rv;
	while (off < sizeof(rv)) {
		w = write(wfd, p + off, sizeof(rv) - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	_exit(0);
}

static void v3_null_check(sa_case_ctx *ctx, const sa_p11is_v3 *v,
                          enum v3_null_call which, const char *what)
{
	int fds[2] = {-1, -1};
	int status = 0;
	CK_RV rv = CKR_GENERAL_ERROR;
	pid_t pid;

	if (pipe(fds) != 0) {
		sa_case_error(ctx, "pipe: %s", strerror(errno));
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		sa_case_error(ctx, "fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		close(fds[0]);
		v3_null_child(v, which, fds[1]);
	}
	close(fds[1]);
	fds[1] = -1;
	if (!sa_p11is_wait_bounded(pid, &status, SA_V3_CHILD_WAIT_MS))
		sa_case_checkf(ctx, false, what, "CKR_ARGUMENTS_BAD",
		               "no answer within %ld ms", SA_V3_CHILD_WAIT_MS);
	else if (WIFSIGNALED(status))
		sa_case_checkf(ctx, false, what, "CKR_ARGUMENTS_BAD",
		               "the call crashed the process (signal %d)",
		               WTERMSIG(status));
	else if (sa_p11is_read_all(fds[0], &rv, sizeof(rv)) != sizeof(rv))
		sa_case_checkf(ctx, false, what, "CKR_ARGUMENTS_BAD",
		               "the calling process ended without an answer "
		               "(exit status %d)",
		               WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	else
		sa_p11_check_rv(ctx, what, rv, CKR_ARGUMENTS_BAD,
		                SA_STRICT_ONLY);
out:
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
}

/* C_GetInterfaceList: the output-buffer convention (B3.0 §5.4.5, as
 * B2.40 §5.2) and a "PKCS 11" interface in the list. */
static void init07_list(sa_case_ctx *ctx, const sa_p11is_v3 *v)
{
	sa_ck_interface *list = NULL;
	CK_ULONG n = 0, got, small, i;
	sa_buf names = SA_BUF_INIT;
	bool pkcs11 = false;
	char vs[16];
	CK_RV rv;

	/* B3.0 §5.4.5 (unconfirmed): pulCount is required. */
	v3_null_check(ctx, v, V3_LIST_NULL_NULL,
	              "C_GetInterfaceList(NULL, NULL)");
	if (!sa_p11_check_rv(ctx, "C_GetInterfaceList size query",
	                     v->get_list(NULL, &n), CKR_OK, SA_STRICT_ONLY))
		goto out;
	if (!sa_case_checkf(ctx, n >= 1 && n <= SA_V3_MAX_IFACES,
	                    "number of interfaces", "1 or more (at most 64)",
	                    "%lu", (unsigned long)n))
		goto out;
	/* One spare entry: a module that writes past *pulCount is caught
	 * by the check below, not by memory corruption. */
	list = calloc((size_t)n + 1, sizeof(*list));
	if (list == NULL) {
		sa_case_error(ctx, "out of memory");
		goto out;
	}
	small = n - 1;
	rv = v->get_list(list, &small);
	sa_p11_check_rv(ctx, "C_GetInterfaceList with a buffer one too small",
	                rv, CKR_BUFFER_TOO_SMALL, SA_STRICT_ONLY);
	if (rv == CKR_BUFFER_TOO_SMALL)
		sa_case_checkf(ctx, small == n,
		               "*pulCount after CKR_BUFFER_TOO_SMALL",
		               "the number of interfaces", "%lu (want %lu)",
		               (unsigned long)small, (unsigned long)n);
	memset(list, 0, ((size_t)n + 1) * sizeof(*list));
	got = n;
	if (!sa_p11_check_rv(ctx, "C_GetInterfaceList fill",
	                     v->get_list(list, &got), CKR_OK, SA_STRICT_ONLY))
		goto out;
	if (!sa_case_checkf(ctx, got == n, "C_GetInterfaceList fill count",
	                    "the size query's count", "%lu (want %lu)",
	                    (unsigned long)got, (unsigned long)n))
		goto out;
	for (i = 0; i < n; i++) {
		if (list[i].pInterfaceName == NULL ||
		    list[i].pFunctionList == NULL) {
			sa_case_checkf(ctx, false, "interface entry",
			               "a name and a function list",
			               "entry %lu has a NULL pointer",
			               (unsigned long)i);
			continue;
		}
		pkcs11 = pkcs11 || is_pkcs11(&list[i]);
		sa_buf_appendf(
		    &names, "%s\"%.32s\" %s flags 0x%lx",
		    names.len > 0 ? ", " : "",
		    (const char *)list[i].pInterfaceName,
		    sa_p11is_version_str(vs, sizeof(vs), fl_version(&list[i])),
		    (unsigned long)list[i].flags);
	}
	sa_case_note(ctx, "interfaces: %s", sa_buf_cstr(&names));
	/* B3.0 §5.4.5-5.4.6 (unconfirmed): every 3.x module offers the
	 * "PKCS 11" interface. */
	sa_case_check(ctx, pkcs11, "the list has a \"PKCS 11\" interface",
	              "present", pkcs11 ? "present" : "absent");
out:
	sa_buf_free(&names);
	free(list);
}

/* C_GetInterface: the default interface, and refusals of what no
 * interface matches. B3.0 §5.4.6 (unconfirmed) lists no "not found" code;
 * CKR_ARGUMENTS_BAD is what the catalogue (and OpenSC's p11test) expects,
 * CKR_FUNCTION_FAILED is tolerated. */
static void init07_get(sa_case_ctx *ctx, const sa_p11is_v3 *v)
{
	static const CK_UTF8CHAR unknown[] = "sigaudit no such interface";
	static const CK_UTF8CHAR pkcs11[] = "PKCS 11";
	const CK_RV *not_found = SA_LENIENT(CKR_FUNCTION_FAILED);
	sa_ck_interface *def = NULL, *i2 = NULL, *i3 = NULL;
	CK_FUNCTION_LIST_PTR fl3;
	CK_VERSION ver, bad = {99, 99};
	CK_INFO info;
	char v1[16], v2[16];
	CK_RV rv;

	if (!sa_p11_check_rv(ctx, "C_GetInterface(NULL, NULL, 0) (default)",
	                     v->get(NULL, NULL, &def, 0), CKR_OK,
	                     SA_STRICT_ONLY))
		goto refusals;
	if (!sa_case_check(ctx, def != NULL && def->pFunctionList != NULL,
	                   "default interface",
	                   "an interface with a function list",
	                   def == NULL                  ? "NULL"
	                   : def->pFunctionList == NULL ? "no function list"
	                                                : "present"))
		goto refusals;
	sa_case_checkf(ctx, is_pkcs11(def), "default interface name",
	               "\"PKCS 11\"", "\"%.32s\"",
	               def->pInterfaceName != NULL
	                   ? (const char *)def->pInterfaceName
	                   : "(NULL)");
	ver = fl_version(def);
	sa_case_checkf(ctx, ver.major >= 2, "default interface version",
	               "2.x or 3.x", "%s",
	               sa_p11is_version_str(v1, sizeof(v1), ver));
	/* The same interface asked for by name and version. */
	rv = v->get((CK_UTF8CHAR_PTR)pkcs11, &ver, &i2, 0);
	if (sa_p11_check_rv(ctx,
	                    "C_GetInterface(\"PKCS 11\", default "
	                    "version, 0)",
	                    rv, CKR_OK, SA_STRICT_ONLY))
		sa_case_check(
		    ctx, i2 != NULL && i2->pFunctionList == def->pFunctionList,
		    "named interface is the default one", "same function list",
		    i2 == NULL                                ? "NULL"
		    : i2->pFunctionList != def->pFunctionList ? "another "
		                                                "function list"
		                                              : "same function "
		                                                "list");
	if (ver.major >= 3) {
		/* B3.0 §5.4.3 (unconfirmed): through a 3.x function list,
		 * CK_INFO gives the 3.x version. Only the v2.40 prefix of
		 * the list is used. */
		fl3 = def->pFunctionList;
		memset(&info, 0, sizeof(info));
		if (fl3->C_GetInfo != NULL &&
		    sa_p11_check_rv(ctx,
		                    "C_GetInfo through the default "
		                    "interface",
		                    fl3->C_GetInfo(&info), CKR_OK,
		                    SA_STRICT_ONLY))
			sa_case_checkf(
			    ctx,
			    info.cryptokiVersion.major == ver.major &&
			        info.cryptokiVersion.minor == ver.minor,
			    "CK_INFO.cryptokiVersion through the default "
			    "interface",
			    sa_p11is_version_str(v1, sizeof(v1), ver), "%s",
			    sa_p11is_version_str(v2, sizeof(v2),
			                         info.cryptokiVersion));
	}
refusals:
	v3_null_check(ctx, v, V3_GET_NULL_OUT,
	              "C_GetInterface(\"PKCS 11\", NULL, NULL, 0)");
	sa_p11_check_rv(ctx, "C_GetInterface with an unknown name",
	                v->get((CK_UTF8CHAR_PTR)unknown, NULL, &i3, 0),
	                CKR_ARGUMENTS_BAD, not_found);
	sa_p11_check_rv(ctx, "C_GetInterface(\"PKCS 11\") with version 99.99",
	                v->get((CK_UTF8CHAR_PTR)pkcs11, &bad, &i3, 0),
	                CKR_ARGUMENTS_BAD, not_found);
	/* Flags are "at least these": a bit no interface has (only
	 * CKF_INTERFACE_FORK_SAFE is defined) matches nothing. */
	sa_p11_check_rv(
	    ctx,
	    "C_GetInterface(\"PKCS 11\") with flags "
	    "0x80000000",
	    v->get((CK_UTF8CHAR_PTR)pkcs11, NULL, &i3, 0x80000000UL),
	    CKR_ARGUMENTS_BAD, not_found);
}

void sa_p11is_init07(sa_case_ctx *ctx)
{
	CK_FUNCTION_LIST_PTR fl = sa_p11is_fl(ctx);
	sa_p11is_v3 v;
	CK_INFO info;
	const char *why = NULL;
	char v1[16], v2[16];
	bool v3;

	memset(&v, 0, sizeof(v));
	if (fl == NULL)
		goto out;
	memset(&info, 0, sizeof(info));
	if (!sa_p11_check_rv(ctx, "C_GetInfo", fl->C_GetInfo(&info), CKR_OK,
	                     SA_STRICT_ONLY))
		goto out;
	sa_p11is_version_str(v1, sizeof(v1), info.cryptokiVersion);
	sa_p11is_version_str(v2, sizeof(v2), fl->version);
	v3 = info.cryptokiVersion.major >= 3 || fl->version.major >= 3;
	if (sa_p11is_v3_open(ctx, &v, &why) < 0) {
		sa_case_error(ctx, "cannot look up the 3.x functions: %s", why);
		goto out;
	}
	if (v.get_list == NULL && v.get == NULL && !v3) {
		/* A v2.40 module (through C_GetFunctionList) that offers no
		 * 3.x discovery: nothing to test. */
		sa_case_skip(ctx,
		             "module implements PKCS#11 %s and exports neither "
		             "C_GetInterfaceList nor C_GetInterface",
		             v1);
		goto out;
	}
	/* B3.0 §5.4.5-5.4.6 (unconfirmed): a 3.x library exports both. */
	if (!sa_case_checkf(ctx, v.get_list != NULL && v.get != NULL,
	                    "module exports C_GetInterfaceList and "
	                    "C_GetInterface",
	                    "both", "C_GetInterfaceList %s, C_GetInterface %s",
	                    v.get_list != NULL ? "exported" : "missing",
	                    v.get != NULL ? "exported" : "missing"))
		goto out;
	sa_case_note(ctx, "C_GetFunctionList table %s, CK_INFO %s", v2, v1);
	init07_list(ctx, &v);
	init07_get(ctx, &v);
out:
	sa_p11is_v3_close(&v);
}

/* ---- P11-INIT-08 ---- */

/* What the forked child reports back over the pipe. */
struct fork_report {
	CK_RV init_rv;
	CK_RV list_rv;
	CK_ULONG count;
	CK_RV info_rv;
	CK_RV fin_rv;
	int done;
};

/* The child gets 10 s, or half the profile's per-case timeout when that is
 * shorter, so that a hung child gives this case a FAIL rather than the
 * runner's timeout ERROR. */
#define SA_FORK_WAIT_MS     10000L
#define SA_FORK_MIN_WAIT_MS 1000L
#define SA_FORK_POLL_MS     50L

/* Runs in the forked child: a new application per UG2.40 §2.6.1. It never
 * returns: _exit() skips the atexit handlers and stdio buffers it shares
 * with the case process (exit() would run them twice). Not a verdict. */
static void fork_child(CK_FUNCTION_LIST_PTR fl, CK_C_INITIALIZE_ARGS args,
                       int wfd, long wait_ms) __attribute__((noreturn));
static void fork_child(CK_FUNCTION_LIST_PTR fl, CK_C_INITIALIZE_ARGS args,
                       int wfd, long wait_ms)
{
	struct fork_report r;
	CK_INFO info;
	const unsigned char *p = (const unsigned char *)&r;
	size_t off = 0;
	ssize_t w;

	/* Should the case process itself be killed by the runner's timeout
	 * before it reaps us, a hung child must still not live forever. */
	alarm((unsigned)(wait_ms / 1000L) + 2u);
	memset(&r, 0, sizeof(r));
	r.list_rv = r.info_rv = r.fin_rv = CKR_GENERAL_ERROR;
	r.init_rv = fl->C_Initialize(&args);
	if (r.init_rv == CKR_OK) {
		r.list_rv = fl->C_GetSlotList(CK_FALSE, NULL, &r.count);
		r.info_rv = fl->C_GetInfo(&info);
		r.fin_rv = fl->C_Finalize(NULL);
	}
	r.done = 1;
	while (off < sizeof(r)) {
		w = write(wfd, p + off, sizeof(r) - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	close(wfd);
	_exit(0);
}

bool sa_p11is_wait_bounded(pid_t pid, int *status, long wait_ms)
{
	struct timespec ts = {0, SA_FORK_POLL_MS * 1000000L};
	long waited = 0;
	bool exited = false;
	pid_t r;

	while (waited < wait_ms) {
		r = waitpid(pid, status, WNOHANG);
		if (r == pid) {
			exited = true;
			goto out;
		}
		if (r < 0 && errno != EINTR)
			goto out;
		nanosleep(&ts, NULL);
		waited += SA_FORK_POLL_MS;
	}
	(void)kill(pid, SIGKILL);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
out:
	return exited;
}

size_t sa_p11is_read_all(int fd, void *buf, size_t len)
{
	unsigned char *p = buf;
	size_t off = 0;
	ssize_t r;

	while (off < len) {
		r = read(fd, p + off, len - off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		off += (size_t)r;
	}
	return off;
}

void sa_p11is_init08(sa_case_ctx *ctx)
{
	CK_FUNCTION_LIST_PTR fl = sa_p11is_fl(ctx);
	CK_C_INITIALIZE_ARGS args;
	CK_SESSION_HANDLE h = CK_INVALID_HANDLE;
	CK_SESSION_INFO si;
	CK_INFO info;
	CK_SLOT_ID slot = 0;
	CK_ULONG n_parent = 0, n = 0;
	struct fork_report rep;
	const struct sa_profile *prof = sa_case_profile(ctx);
	unsigned timeout = prof != NULL ? sa_profile_timeout(prof) : 0;
	long wait_ms = SA_FORK_WAIT_MS;
	int fds[2] = {-1, -1};
	int status = 0, found;
	bool inited = false, have_session = false, exited;
	pid_t pid;

	if (fl == NULL)
		goto out;
	if (timeout > 0 && (long)timeout * 500L < wait_ms)
		wait_ms = (long)timeout * 500L;
	if (wait_ms < SA_FORK_MIN_WAIT_MS)
		wait_ms = SA_FORK_MIN_WAIT_MS;
	sa_case_init_args(ctx, &args);
	if (!sa_p11_check_rv(ctx, "parent C_Initialize",
	                     fl->C_Initialize(&args), CKR_OK, SA_STRICT_ONLY))
		goto out;
	inited = true;
	if (!sa_p11_check_rv(ctx, "parent C_GetSlotList",
	                     fl->C_GetSlotList(CK_FALSE, NULL, &n_parent),
	                     CKR_OK, SA_STRICT_ONLY))
		goto out;
	found = sa_p11is_first_token_slot(ctx, fl, &slot);
	if (found < 0)
		goto out;
	if (found == 0)
		have_session = sa_p11_check_rv(
		    ctx, "parent C_OpenSession",
		    fl->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL, &h),
		    CKR_OK, SA_STRICT_ONLY);

	if (pipe(fds) != 0) {
		sa_case_error(ctx, "pipe: %s", strerror(errno));
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		sa_case_error(ctx, "fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		close(fds[0]);
		fork_child(fl, args, fds[1], wait_ms);
	}
	close(fds[1]);
	fds[1] = -1;

	/* The parent keeps working while the child initialises. */
	sa_p11_check_rv(ctx, "parent C_GetSlotList while the child runs",
	                fl->C_GetSlotList(CK_FALSE, NULL, &n), CKR_OK,
	                SA_STRICT_ONLY);
	sa_p11_check_rv(ctx, "parent C_GetInfo while the child runs",
	                fl->C_GetInfo(&info), CKR_OK, SA_STRICT_ONLY);

	exited = sa_p11is_wait_bounded(pid, &status, wait_ms);
	if (!sa_case_checkf(
	        ctx, exited, "child finishes", "exit within the bound",
	        exited ? "exited within %ld ms" : "hung; killed after %ld ms",
	        wait_ms))
		goto parent_after;
	if (!sa_case_checkf(
	        ctx, WIFEXITED(status) && WEXITSTATUS(status) == 0,
	        "child exits normally", "exit status 0", "%s %d",
	        WIFSIGNALED(status) ? "killed by signal" : "exit status",
	        WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status)))
		goto parent_after;
	memset(&rep, 0, sizeof(rep));
	if (sa_p11is_read_all(fds[0], &rep, sizeof(rep)) != sizeof(rep) ||
	    !rep.done) {
		sa_case_error(ctx, "no report from the forked child");
		goto parent_after;
	}
	sa_p11_check_rv(ctx, "child C_Initialize", rep.init_rv, CKR_OK,
	                SA_STRICT_ONLY);
	if (rep.init_rv == CKR_OK) {
		sa_p11_check_rv(ctx, "child C_GetSlotList", rep.list_rv, CKR_OK,
		                SA_STRICT_ONLY);
		sa_p11_check_rv(ctx, "child C_GetInfo", rep.info_rv, CKR_OK,
		                SA_STRICT_ONLY);
		sa_p11_check_rv(ctx, "child C_Finalize", rep.fin_rv, CKR_OK,
		                SA_STRICT_ONLY);
		if (rep.list_rv == CKR_OK && rep.count != n_parent)
			sa_case_note(ctx, "child sees %lu slots, parent %lu",
			             (unsigned long)rep.count,
			             (unsigned long)n_parent);
	}

parent_after:
	/* The child's C_Finalize must not have torn down the parent's state
	 * (shared lock files, sockets, session tables). */
	sa_p11_check_rv(ctx, "parent C_GetSlotList after the child",
	                fl->C_GetSlotList(CK_FALSE, NULL, &n), CKR_OK,
	                SA_STRICT_ONLY);
	if (have_session) {
		memset(&si, 0, sizeof(si));
		sa_p11_check_rv(ctx,
		                "parent C_GetSessionInfo on its pre-fork "
		                "session",
		                fl->C_GetSessionInfo(h, &si), CKR_OK,
		                SA_STRICT_ONLY);
		(void)fl->C_CloseSession(h);
	}
out:
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	if (inited)
		(void)fl->C_Finalize(NULL);
}
