/* Private to catalogue groups A (library, initialisation) and B (slots,
 * tokens, mechanisms) of the pkcs11 suite: the case functions defined in
 * init_lib.c, slot_token.c and slot_mech.c, and the helpers they share
 * (init_slot.c). Nothing outside suites/pkcs11 includes this header. */
#ifndef SA_P11_INIT_SLOT_H
#define SA_P11_INIT_SLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "sigaudit/case.h"
#include "sigaudit/p11.h"

/* Counts a module returns are untrusted input: never allocate more than
 * this many entries, and record a failed check when a module claims more. */
#define SA_P11IS_MAX_SLOTS 4096UL
#define SA_P11IS_MAX_MECHS 65536UL

/* PKCS#11 3.0 names that p11-kit's v2.40 header lacks (B3.0 §4.13). */
#define SA_CKO_PROFILE    0x00000009UL
#define SA_CKA_PROFILE_ID 0x00000601UL
/* B3.0 §3.2: token flag added in 3.0. */
#define SA_CKF_ERROR_STATE 0x01000000UL

/* PKCS#11 3.0 interface discovery, which p11-kit's v2.40 header lacks: the
 * types of B3.0 §3.6 CK_INTERFACE and §5.4.5-5.4.6 C_GetInterfaceList /
 * C_GetInterface (unconfirmed). A 3.x function list begins with the v2.40
 * layout (version, C_Initialize .. C_WaitForSlotEvent), so its first part
 * can be used as a CK_FUNCTION_LIST. */
typedef struct sa_ck_interface {
	CK_CHAR_PTR pInterfaceName;
	CK_VOID_PTR pFunctionList;
	CK_FLAGS flags;
} sa_ck_interface;
typedef CK_RV (*sa_ck_get_interface_list_fn)(sa_ck_interface *list,
                                             CK_ULONG *count);
typedef CK_RV (*sa_ck_get_interface_fn)(CK_UTF8CHAR_PTR name,
                                        CK_VERSION *version,
                                        sa_ck_interface **iface,
                                        CK_FLAGS flags);
/* B3.0 §3.6 (unconfirmed): the only interface flag defined. */
#define SA_CKF_INTERFACE_FORK_SAFE 0x00000001UL

/* The 3.0 entry points of the case's module, looked up in the copy of the
 * module the runner already loaded. */
typedef struct sa_p11is_v3 {
	void *dl;
	sa_ck_get_interface_list_fn get_list; /* NULL: not exported */
	sa_ck_get_interface_fn get;           /* NULL: not exported */
} sa_p11is_v3;

/** dlopen(RTLD_NOLOAD) the profile's module and dlsym the two 3.0
 * functions. Returns 0 (some may be NULL), or -1 when the loaded module
 * cannot be found (why says so). Close with sa_p11is_v3_close. */
int sa_p11is_v3_open(sa_case_ctx *ctx, sa_p11is_v3 *out, const char **why);
void sa_p11is_v3_close(sa_p11is_v3 *v);

/** The default interface (C_GetInterface(NULL, NULL, .., 0)) when the
 * module exports C_GetInterface and it answers CKR_OK; NULL otherwise. */
const sa_ck_interface *sa_p11is_v3_default(const sa_p11is_v3 *v);

/* Catalogue group A: init_lib.c. */
void sa_p11is_init01(sa_case_ctx *ctx);
void sa_p11is_init02(sa_case_ctx *ctx);
void sa_p11is_init03(sa_case_ctx *ctx);
void sa_p11is_init04(sa_case_ctx *ctx);
void sa_p11is_init05(sa_case_ctx *ctx);
void sa_p11is_init06(sa_case_ctx *ctx);
void sa_p11is_init07(sa_case_ctx *ctx);
void sa_p11is_init08(sa_case_ctx *ctx);

/* Catalogue group B, slots and tokens: slot_token.c. */
void sa_p11is_slot01(sa_case_ctx *ctx);
void sa_p11is_slot02(sa_case_ctx *ctx);
void sa_p11is_slot03(sa_case_ctx *ctx);
void sa_p11is_slot04(sa_case_ctx *ctx);

/* Catalogue group B, mechanisms: slot_mech.c. */
void sa_p11is_mech01(sa_case_ctx *ctx);
void sa_p11is_mech02(sa_case_ctx *ctx);
void sa_p11is_mech03(sa_case_ctx *ctx);
void sa_p11is_mech04(sa_case_ctx *ctx);

/* ---- shared helpers (init_slot.c) ---- */

/** The case's function list, after checking that every entry this group
 * calls is non-NULL (a NULL entry would crash the case instead of failing
 * it). NULL, with an ERROR or FAIL recorded, otherwise. */
CK_FUNCTION_LIST_PTR sa_p11is_fl(sa_case_ctx *ctx);

/** C_GetSlotList twice (size, then fill), capped at SA_P11IS_MAX_SLOTS.
 * *out is malloc'ed (free() it; NULL when there are no slots). Returns 0, or
 * -1 after recording a failed check. */
int sa_p11is_slot_list(sa_case_ctx *ctx, CK_FUNCTION_LIST_PTR fl,
                       CK_BBOOL token_present, CK_SLOT_ID **out,
                       CK_ULONG *n_out);

/** Wait for a forked child at most wait_ms; kill it (SIGKILL) if it is still
 * running. Returns true when it exited on its own, with its status in
 * *status (init_lib.c; also used by SES-12b). */
bool sa_p11is_wait_bounded(pid_t pid, int *status, long wait_ms);

/** Read len bytes from fd, retrying short reads and EINTR; returns the number
 * read (less than len at end of file or on error). */
size_t sa_p11is_read_all(int fd, void *buf, size_t len);

/** The first slot (in C_GetSlotList order) with a token present, for cases
 * that own initialisation and so have no runner-selected slot. Returns 0,
 * 1 when there is none (nothing recorded), -1 after a failed check. */
int sa_p11is_first_token_slot(sa_case_ctx *ctx, CK_FUNCTION_LIST_PTR fl,
                              CK_SLOT_ID *out);

/** C_GetMechanismList twice, capped at SA_P11IS_MAX_MECHS. Same contract as
 * sa_p11is_slot_list. */
int sa_p11is_mech_list(sa_case_ctx *ctx, CK_FUNCTION_LIST_PTR fl,
                       CK_SLOT_ID slot, CK_MECHANISM_TYPE **out,
                       CK_ULONG *n_out);

/** Record one check that a fixed-width CK_UTF8CHAR field is blank-padded
 * text: no NUL byte anywhere and valid UTF-8 (B2.40 §3.1, §3.2: "padded with
 * the blank character (' '). Should not be null-terminated"). */
bool sa_p11is_check_text(sa_case_ctx *ctx, const char *what,
                         const CK_UTF8CHAR *field, size_t len);

/** "2.40" style text of a CK_VERSION into buf. */
const char *sa_p11is_version_str(char *buf, size_t size, CK_VERSION v);

#endif
