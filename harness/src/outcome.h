/* Folding a case's events into its verdict: the runner's verdict mapping
 * (DESIGN §5), kept apart from process handling so it is unit-tested on its
 * own (tests/unit/check_outcome.c). */
#ifndef SA_OUTCOME_H
#define SA_OUTCOME_H

#include <jansson.h>

#include "child.h"
#include "sigaudit/case.h"
#include "sigaudit/profile.h"

typedef struct sa_outcome sa_outcome;

sa_outcome *sa_outcome_new(const sa_case *c, const char *suite);
void sa_outcome_free(sa_outcome *o);
/** Apply one event ({"t":"check"|"verdict"|"note"|"lenient"|"end", ...}). */
void sa_outcome_event(sa_outcome *o, json_t *event);
/** Record a verdict decided before any child ran (capability skip, etc.). */
void sa_outcome_preset(sa_outcome *o, sa_verdict v, const char *reason);
/** Decide the verdict.
 *   st        how the child ended (NULL when no child ran)
 *   profile   for waivers (may be NULL)
 *   today     "YYYY-MM-DD" for waiver expiry
 * Returns the case's JSON record (new reference) in the results.json form. */
json_t *sa_outcome_finish(sa_outcome *o, const sa_child_status *st,
                          uint64_t timeout_ms, const sa_profile *profile,
                          const char *today);

#endif
