/* Selecting cases: --suite, --case (IDs or globs), --tag. Shared by list and
 * run. */
#ifndef SA_PLAN_H
#define SA_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "sigaudit/case.h"
#include "sigaudit/error.h"

typedef struct sa_filter {
	char **suites; /* NULL = all */
	char **cases;  /* IDs or globs; NULL = all */
	unsigned tag;  /* SA_TAG_* bit; 0 = any */
} sa_filter;

typedef struct sa_plan_item {
	const sa_suite *suite;
	const sa_case *c;
} sa_plan_item;

/** Build a filter from the option strings (each may be NULL). Unknown tag:
 * SA_E_USAGE. */
int sa_filter_init(sa_filter *f, const char *suites, const char *cases,
                   const char *tag, sa_error *err);
void sa_filter_clear(sa_filter *f);

/** Cases of registry (NULL-terminated) that pass the filter, in table order.
 * A --suite name or --case pattern that selects nothing is SA_E_USAGE. */
int sa_plan_build(sa_plan_item **out, size_t *n,
                  const sa_suite *const *registry, const sa_filter *f,
                  sa_error *err);

/** "destructive" -> SA_TAG_DESTRUCTIVE ...; 0 for unknown. */
unsigned sa_tag_parse(const char *name);
/** Tag names as a JSON array. */
json_t *sa_tags_json(unsigned tags);
/** Tag names comma-separated into buf. */
void sa_tags_str(char *buf, size_t size, unsigned tags);

#endif
