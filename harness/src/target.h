/* The target as the probe saw it: module, slots, selected token, mechanisms.
 * The probe runs in a forked child like a case, so a module that crashes or
 * hangs while being probed cannot take the harness down. */
#ifndef SA_TARGET_H
#define SA_TARGET_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>
#include <p11-kit/pkcs11.h>

#include "sigaudit/error.h"
#include "sigaudit/profile.h"

/* JSON members (results.json "target"):
 *   module      {"path", "manufacturer", "description", "library_version",
 *               "cryptoki_version"}, or NULL
 *   slots       [{"id", "description", "flags", ..., "token": {...} | null}]
 *   token       the selected token's info, or NULL
 *   mechanisms  [{"name", "value", "min_key_size", "max_key_size", "flags"}] */
typedef struct sa_target {
	json_t *module;
	json_t *slots;
	json_t *token;
	json_t *mechanisms;
	CK_SLOT_ID slot;
	bool has_slot;
	CK_MECHANISM_TYPE *mechs;
	size_t n_mechs;
	bool mechs_known;   /* the probe finished listing the mechanisms */
	char problem[512];  /* why the target is unusable, "" when fine */
	char incident[512]; /* non-fatal: the probe crashed or timed out after
	                       selection */
} sa_target;

/** Load the module in a child, initialise it, select the profile's token and
 * list its mechanisms. Returns SA_OK with t->problem set when the target is
 * unusable (the caller reports it with the profile's file and line), or a
 * negative code if the child could not be started. */
int sa_target_probe(sa_target *t, const sa_profile *p, uint64_t timeout_ms,
                    sa_error *err);
void sa_target_clear(sa_target *t);

/** Load a PKCS#11 module with p11-kit, unmanaged: the raw function list, so
 * that what we test is the module and not p11-kit's wrapper. */
int sa_p11_module_load(CK_FUNCTION_LIST_PTR *out, const char *path,
                       sa_error *err);

/** CK_C_INITIALIZE_ARGS for the profile: OS locking, pReserved = init_args. */
void sa_p11_init_args_for(const sa_profile *p, CK_C_INITIALIZE_ARGS *out);

/** Flag names, for results and probe output. */
json_t *sa_p11_mech_flags_json(CK_FLAGS flags);
json_t *sa_p11_token_flags_json(CK_FLAGS flags);
json_t *sa_p11_slot_flags_json(CK_FLAGS flags);

#endif
