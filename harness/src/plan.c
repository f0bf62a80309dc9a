#include "plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sigaudit/guard.h"
#include "util.h"

static const struct {
	unsigned bit;
	const char *name;
} tags[] = {
    {SA_TAG_DESTRUCTIVE, "destructive"},
    {SA_TAG_NEEDS_SO, "needs-so"},
    {SA_TAG_SLOW, "slow"},
    {SA_TAG_NETWORK, "network"},
    {SA_TAG_FINDING, "finding"},
};

unsigned sa_tag_parse(const char *name)
{
	for (size_t i = 0; i < SA_COUNTOF(tags); i++) {
		if (strcmp(tags[i].name, name) == 0)
			return tags[i].bit;
	}
	return 0;
}

json_t *sa_tags_json(unsigned t)
{
	json_t *a = json_array();
	for (size_t i = 0; a != NULL && i < SA_COUNTOF(tags); i++) {
		if (t & tags[i].bit)
			json_array_append_new(a, json_string(tags[i].name));
	}
	return a;
}

void sa_tags_str(char *buf, size_t size, unsigned t)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < SA_COUNTOF(tags); i++) {
		int n;
		if (!(t & tags[i].bit))
			continue;
		n = snprintf(buf + used, size - used, "%s%s", used ? "," : "",
		             tags[i].name);
		if (n < 0 || (size_t)n >= size - used)
			break;
		used += (size_t)n;
	}
}

int sa_filter_init(sa_filter *f, const char *suites, const char *cases,
                   const char *tag, sa_error *err)
{
	int rc = SA_E_NOMEM;

	memset(f, 0, sizeof(*f));
	if (suites != NULL) {
		f->suites = sa_strv_split(suites, ',');
		SA_ENSURE(f->suites != NULL, err, SA_E_NOMEM, "out of memory");
	}
	if (cases != NULL) {
		f->cases = sa_strv_split(cases, ',');
		SA_ENSURE(f->cases != NULL, err, SA_E_NOMEM, "out of memory");
	}
	if (tag != NULL) {
		f->tag = sa_tag_parse(tag);
		SA_ENSURE(f->tag != 0, err, SA_E_USAGE,
		          "unknown tag '%s' (tags: destructive, needs-so, "
		          "slow, network, finding)",
		          tag);
	}
	rc = SA_OK;
out:
	if (rc < 0)
		sa_filter_clear(f);
	return rc;
}

void sa_filter_clear(sa_filter *f)
{
	sa_strv_free(f->suites);
	sa_strv_free(f->cases);
	memset(f, 0, sizeof(*f));
}

static bool in_list(char **list, const char *s, bool glob)
{
	for (size_t i = 0; list[i] != NULL; i++) {
		if (glob ? sa_glob_match(list[i], s) : strcmp(list[i], s) == 0)
			return true;
	}
	return false;
}

int sa_plan_build(sa_plan_item **out, size_t *n_out,
                  const sa_suite *const *registry, const sa_filter *f,
                  sa_error *err)
{
	sa_plan_item *items = NULL;
	size_t n = 0, cap = 0;
	int rc = SA_E_NOMEM;

	*out = NULL;
	*n_out = 0;
	for (size_t i = 0; f->suites != NULL && f->suites[i] != NULL; i++) {
		bool known = false;
		for (size_t s = 0; registry[s] != NULL; s++)
			known |= strcmp(registry[s]->name, f->suites[i]) == 0;
		SA_ENSURE(known, err, SA_E_USAGE, "unknown suite '%s'",
		          f->suites[i]);
	}
	for (size_t s = 0; registry[s] != NULL; s++) {
		const sa_suite *suite = registry[s];
		if (f->suites != NULL &&
		    !in_list(f->suites, suite->name, false))
			continue;
		for (size_t g = 0; suite->groups[g] != NULL; g++) {
			const sa_case_group *grp = suite->groups[g];
			for (size_t k = 0; k < grp->n_cases; k++) {
				const sa_case *c = &grp->cases[k];
				if (f->cases != NULL &&
				    !in_list(f->cases, c->id, true))
					continue;
				if (f->tag != 0 && !(c->tags & f->tag))
					continue;
				if (n == cap) {
					size_t ncap = cap ? cap * 2 : 64;
					sa_plan_item *p =
					    realloc(items, ncap * sizeof(*p));
					SA_ENSURE(p != NULL, err, SA_E_NOMEM,
					          "out of memory");
					items = p;
					cap = ncap;
				}
				items[n].suite = suite;
				items[n].c = c;
				n++;
			}
		}
	}
	/* A typo in --case must not turn into an empty, green run. */
	for (size_t i = 0; f->cases != NULL && f->cases[i] != NULL; i++) {
		bool hit = false;
		for (size_t k = 0; k < n && !hit; k++)
			hit = sa_glob_match(f->cases[i], items[k].c->id);
		SA_ENSURE(hit, err, SA_E_USAGE,
		          "--case '%s' matches no case of the selected suites",
		          f->cases[i]);
	}
	SA_ENSURE(n > 0, err, SA_E_USAGE, "the selection holds no case");
	*out = items;
	items = NULL;
	*n_out = n;
	rc = SA_OK;
out:
	free(items);
	return rc;
}
