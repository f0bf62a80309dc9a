/* Names of PKCS#11 constants, for results that humans read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sigaudit/p11.h"

struct sa_p11_name {
	unsigned long value;
	const char *name;
};

#include "p11_names_table.h"

/* Unknown values are printed in hex; thread-local so that two names can be
 * formatted in one printf without a shared static buffer. */
static _Thread_local char unknown[4][24];
static _Thread_local unsigned unknown_next;

static const char *lookup(const struct sa_p11_name *t, size_t n,
                          unsigned long v, const char *prefix)
{
	size_t lo = 0, hi = n;
	char *slot;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t[mid].value == v)
			return t[mid].name;
		if (t[mid].value < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	slot = unknown[unknown_next++ % 4];
	snprintf(slot, sizeof(unknown[0]), "%s_0x%08lx", prefix, v);
	return slot;
}

static unsigned long parse(const struct sa_p11_name *t, size_t n, const char *s)
{
	char *end = NULL;
	unsigned long v;

	if (s == NULL || *s == '\0')
		return ~0UL;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(t[i].name, s) == 0)
			return t[i].value;
	}
	/* Accept "0x..." and the "CKR_0x..." form that lookup() prints. */
	const char *us = strchr(s, '_');
	if (us != NULL && us[1] == '0' && (us[2] == 'x' || us[2] == 'X'))
		s = us + 1;
	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return ~0UL;
	v = strtoul(s, &end, 16);
	if (end == NULL || *end != '\0')
		return ~0UL;
	return v;
}

#define SA_NAMES_(t) (t), SA_COUNTOF(t)

const char *sa_p11_rv_name(CK_RV rv)
{
	return lookup(SA_NAMES_(sa_p11_rv_names), rv, "CKR");
}

const char *sa_p11_mech_name(CK_MECHANISM_TYPE m)
{
	return lookup(SA_NAMES_(sa_p11_mech_names), m, "CKM");
}

const char *sa_p11_attr_name(CK_ATTRIBUTE_TYPE a)
{
	return lookup(SA_NAMES_(sa_p11_attr_names), a, "CKA");
}

const char *sa_p11_state_name(CK_STATE s)
{
	return lookup(SA_NAMES_(sa_p11_state_names), s, "CKS");
}

CK_RV sa_p11_rv_parse(const char *name)
{
	return parse(SA_NAMES_(sa_p11_rv_names), name);
}

CK_MECHANISM_TYPE sa_p11_mech_parse(const char *name)
{
	return parse(SA_NAMES_(sa_p11_mech_names), name);
}
