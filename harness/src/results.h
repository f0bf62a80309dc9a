/* results.json: the single source of truth of a run (DESIGN §7). Every view
 * (junit.xml, the terminal summary, later the reports) is made from it. */
#ifndef SA_RESULTS_H
#define SA_RESULTS_H

#include <time.h>

#include <jansson.h>

#include "sigaudit/error.h"
#include "sigaudit/profile.h"
#include "target.h"

#define SA_RESULTS_SCHEMA "sigaudit-results/1"

/** A new results document for a run of profile p started at `started`. */
json_t *sa_results_new(const sa_profile *p, time_t started);
void sa_results_set_target(json_t *doc, const sa_target *t);
/** Append a case record (steals rec) and update the summary. */
void sa_results_add_case(json_t *doc, json_t *rec);
/** Set "finished" and the findings of the risk model (risk.h). */
void sa_results_finish(json_t *doc, time_t finished);
/** (Re)compute "findings" and "open_findings_by_risk" from the cases. */
void sa_results_set_findings(json_t *doc);
/** Write dir/results.json atomically. */
int sa_results_write(const json_t *doc, const char *dir, sa_error *err);
/** Load and check the schema of dir/results.json (or a file path). */
int sa_results_load(json_t **out, const char *dir_or_file, sa_error *err);
/** Summary count of a verdict name. */
long sa_results_count(const json_t *doc, const char *verdict);

/** Write junit.xml for doc. */
int sa_junit_write(const json_t *doc, const char *path, sa_error *err);

#endif
