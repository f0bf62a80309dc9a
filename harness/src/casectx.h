/* The case context behind sa_case_ctx (private to the harness).
 *
 * While a case runs, everything it records becomes an event (a small JSON
 * object) handed to `emit`: in a forked child, emit writes one JSON line to
 * the pipe to the parent, so what a case recorded before a crash or hang is
 * kept. The parent folds the events into a verdict (outcome.c). */
#ifndef SA_CASECTX_H
#define SA_CASECTX_H

#include <limits.h>
#include <stdbool.h>

#include <jansson.h>
#include <p11-kit/pkcs11.h>

#include "sigaudit/case.h"
#include "sigaudit/profile.h"

/* Takes ownership of event. */
typedef void (*sa_emit_fn)(void *user, json_t *event);

struct sa_case_ctx {
	const sa_case *c;
	const sa_profile *profile;
	sa_error err;
	sa_emit_fn emit;
	void *emit_user;
	bool strict;              /* lenient return codes fail */
	bool destructive_allowed; /* --destructive and a disposable token */
	CK_FUNCTION_LIST_PTR p11;
	CK_C_INITIALIZE_ARGS init_args;
	CK_SLOT_ID slot;
	bool has_slot;
	const CK_MECHANISM_TYPE *mechs; /* the token's mechanism list (probe) */
	size_t n_mechs;
	char evidence_dir[PATH_MAX]; /* "" when evidence is not kept */
};

/** Prepare a context; p11 fields are filled by the runner. */
void sa_casectx_init(struct sa_case_ctx *ctx, const sa_case *c,
                     const sa_profile *profile, sa_emit_fn emit, void *user);
/** Emit {"t":"end"}: the case returned normally. */
void sa_casectx_end(struct sa_case_ctx *ctx);

#endif
