/* The risk model (risk.h). The tables are the catalogue's
 * (../shared/catalog/report.md, Tables L, R and T), kept as data so that
 * every cell can be printed in the report's method section. */
#include "risk.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Table R, NIST SP 800-30 Rev.1 Table I-2: rows L1..L5, columns I1..I5.
 * Not L x I: the table is asymmetric on purpose (L5/I3 is Moderate, L2/I5
 * Moderate, L1/I5 Low). */
static const sa_risk_level table_r[5][5] = {
#define VL SA_RISK_VERY_LOW
#define LO SA_RISK_LOW
#define MO SA_RISK_MODERATE
#define HI SA_RISK_HIGH
#define VH SA_RISK_VERY_HIGH
    /* L1 */ {VL, VL, VL, LO, LO},
    /* L2 */ {VL, LO, LO, LO, MO},
    /* L3 */ {VL, LO, MO, MO, HI},
    /* L4 */ {VL, LO, MO, HI, VH},
    /* L5 */ {VL, LO, MO, HI, VH},
#undef VL
#undef LO
#undef MO
#undef HI
#undef VH
};

static const struct {
	const char *en, *vi, *treat, *treat_vi;
	int days;
} levels[SA_RISK_COUNT_] = {
    [SA_RISK_VERY_LOW] = {"very low", "Rất thấp", "observation", "Ghi nhận",
                          -1},
    [SA_RISK_LOW] = {"low", "Thấp", "opportunity for improvement",
                     "Khuyến nghị cải tiến", -1},
    /* Table T: "<= 6 months, or before the next periodic audit". */
    [SA_RISK_MODERATE] = {"moderate", "Trung bình", "minor non-conformity",
                          "Không phù hợp nhẹ", 180},
    /* Table T: within the 45-day remediation window of TT 19/2025. */
    [SA_RISK_HIGH] = {"high", "Cao", "non-conformity", "Không phù hợp", 45},
    /* Table T: immediate containment, fixed and re-tested before the
     * decision; at most the 45-day extension. */
    [SA_RISK_VERY_HIGH] = {"very high", "Rất cao", "major non-conformity",
                           "Không phù hợp nghiêm trọng", 45},
};

static int clamp15(int v)
{
	return v < 1 ? 1 : v > 5 ? 5 : v;
}

sa_risk_level sa_risk_lookup(int likelihood, int impact)
{
	return table_r[clamp15(likelihood) - 1][clamp15(impact) - 1];
}

const char *sa_risk_str(sa_risk_level r)
{
	return (unsigned)r < SA_RISK_COUNT_ ? levels[r].en : "?";
}

const char *sa_risk_str_vi(sa_risk_level r)
{
	return (unsigned)r < SA_RISK_COUNT_ ? levels[r].vi : "?";
}

const char *sa_risk_treatment(sa_risk_level r)
{
	return (unsigned)r < SA_RISK_COUNT_ ? levels[r].treat : "?";
}

const char *sa_risk_treatment_vi(sa_risk_level r)
{
	return (unsigned)r < SA_RISK_COUNT_ ? levels[r].treat_vi : "?";
}

int sa_risk_deadline_days(sa_risk_level r)
{
	return (unsigned)r < SA_RISK_COUNT_ ? levels[r].days : -1;
}

/* Which exposure a case's failure has: by case-ID prefix first (a suite
 * may span components), then by suite. */
static const struct {
	const char *prefix; /* of the case ID, or NULL: match the suite */
	const char *suite;
	const char *component;
} components[] = {
    {"SIG-ART-", NULL, "signing"}, {"CV-OCSP", NULL, "ocsp"},
    {"CV-CRL", NULL, "crl"},       {NULL, "pkcs11", "hsm"},
    {NULL, "keyprot", "hsm"},      {NULL, "signing", "hsm"},
    {NULL, "certval", "ca"},       {NULL, "tsp", "tsa"},
    {NULL, "xades", "signing"},
};

const char *sa_risk_component(const char *case_id, const char *suite)
{
	for (size_t i = 0; i < sizeof(components) / sizeof(components[0]);
	     i++) {
		if (components[i].prefix != NULL && case_id != NULL &&
		    strncmp(case_id, components[i].prefix,
		            strlen(components[i].prefix)) == 0)
			return components[i].component;
		if (components[i].prefix == NULL && suite != NULL &&
		    strcmp(suite, components[i].suite) == 0)
			return components[i].component;
	}
	return "hsm";
}

static int level_of(const char *s, char letter)
{
	/* "I4" / "L2" */
	if (s == NULL || s[0] != letter || s[1] < '1' || s[1] > '5' ||
	    s[2] != '\0')
		return 0;
	return s[1] - '0';
}

static bool has_tag(const json_t *rec, const char *tag)
{
	size_t i;
	json_t *t;

	json_array_foreach(json_object_get(rec, "tags"), i, t)
	{
		if (json_is_string(t) && strcmp(json_string_value(t), tag) == 0)
			return true;
	}
	return false;
}

/* Table L. Drivers are recorded as text so the report can print why. */
static int likelihood(const json_t *doc, const json_t *rec,
                      const char *component, json_t *drivers)
{
	const json_t *exp = json_object_get(
	    json_object_get(json_object_get(doc, "profile"), "exposure"),
	    component);
	int l = level_of(json_string_value(exp), 'L');

	if (!has_tag(rec, "finding")) {
		/* Table L note: a conformance failure needs no attacker; an
		 * automated test reproduced it, so it happens whenever the
		 * interface is used. */
		json_array_append_new(
		    drivers, json_string("L5: conformance failure, reproduced "
		                         "by an automated test in normal "
		                         "operation (Table L, step 1)"));
		return 5;
	}
	if (l == 0) {
		json_array_append_new(
		    drivers,
		    json_sprintf("L3 assumed: the profile declares no exposure "
		                 "for '%s' ([exposure] %s = L1..L5)",
		                 component, component));
		return 3;
	}
	json_array_append_new(
	    drivers, json_sprintf("L%d: exposure of '%s' declared in the "
	                          "profile (Table L, step 1)",
	                          l, component));
	return l;
}

static void due_date(const char *finished, int days, char out[11])
{
	struct tm tm;
	time_t t;

	out[0] = '\0';
	memset(&tm, 0, sizeof(tm));
	if (finished == NULL || days < 0 ||
	    sscanf(finished, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon,
	           &tm.tm_mday) != 3)
		return;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_mday += days;
	tm.tm_hour = 12; /* away from any DST edge */
	t = timegm(&tm);
	if (t == (time_t)-1 || gmtime_r(&t, &tm) == NULL)
		return;
	strftime(out, 11, "%Y-%m-%d", &tm);
}

struct item {
	json_t *f;
	sa_risk_level risk;
	int impact;
	size_t order;
};

static int by_risk(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	if (x->risk != y->risk)
		return x->risk > y->risk ? -1 : 1;
	if (x->impact != y->impact)
		return x->impact > y->impact ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static json_t *finding(const json_t *doc, const json_t *rec, int *impact_out,
                       sa_risk_level *risk_out)
{
	const char *id = json_string_value(json_object_get(rec, "id"));
	const char *suite = json_string_value(json_object_get(rec, "suite"));
	const char *verdict =
	    json_string_value(json_object_get(rec, "verdict"));
	const char *component = sa_risk_component(id, suite);
	const char *finished =
	    json_string_value(json_object_get(doc, "finished"));
	json_t *drivers = json_array(), *f;
	int impact =
	    level_of(json_string_value(json_object_get(rec, "impact")), 'I');
	int l;
	sa_risk_level r;
	char due[11];
	bool waived = verdict != NULL && strcmp(verdict, "waived") == 0;

	if (drivers == NULL)
		return NULL;
	if (impact == 0)
		impact =
		    3; /* a case without an impact: the catalogue's middle */
	l = likelihood(doc, rec, component, drivers);
	r = sa_risk_lookup(l, impact);
	due_date(waived ? NULL : finished, sa_risk_deadline_days(r), due);
	f = json_pack(
	    "{s:[s], s:s, s:s, s:s, s:o, s:o, s:o, s:s, s:s, s:s, "
	    "s:s, s:s}",
	    "cases", id ? id : "?", "suite", suite ? suite : "", "component",
	    component, "impact",
	    json_string_value(json_object_get(rec, "impact"))
	        ? json_string_value(json_object_get(rec, "impact"))
	        : "I3",
	    "impact_driver", json_string("the case's catalogue default"),
	    "likelihood", json_sprintf("L%d", l), "likelihood_drivers", drivers,
	    "risk", sa_risk_str(r), "risk_vi", sa_risk_str_vi(r), "treatment",
	    sa_risk_treatment(r), "treatment_vi", sa_risk_treatment_vi(r),
	    "status", waived ? "accepted" : "open");
	if (f == NULL)
		return NULL;
	if (json_object_get(rec, "title") != NULL)
		json_object_set(f, "title", json_object_get(rec, "title"));
	if (json_object_get(rec, "threat") != NULL)
		json_object_set(f, "threat", json_object_get(rec, "threat"));
	if (due[0] != '\0')
		json_object_set_new(f, "due", json_string(due));
	if (waived)
		json_object_set(f, "waiver", json_object_get(rec, "waiver"));
	if (json_object_get(rec, "reason") != NULL)
		json_object_set(f, "observed", json_object_get(rec, "reason"));
	json_object_set_new(
	    f, "retest", json_sprintf("sigaudit run --case %s", id ? id : ""));
	*impact_out = impact;
	*risk_out = r;
	return f;
}

json_t *sa_risk_findings(const json_t *doc)
{
	json_t *cases = json_object_get(doc, "cases"), *rec,
	       *out = json_array();
	struct item *items = NULL;
	size_t n = 0, i;

	if (out == NULL)
		return NULL;
	items = calloc(json_array_size(cases) + 1, sizeof(*items));
	if (items == NULL)
		goto fail;
	json_array_foreach(cases, i, rec)
	{
		const char *v =
		    json_string_value(json_object_get(rec, "verdict"));
		if (v == NULL ||
		    (strcmp(v, "fail") != 0 && strcmp(v, "waived") != 0))
			continue;
		items[n].f =
		    finding(doc, rec, &items[n].impact, &items[n].risk);
		if (items[n].f == NULL)
			goto fail;
		items[n].order = i;
		n++;
	}
	qsort(items, n, sizeof(*items), by_risk);
	for (i = 0; i < n; i++) {
		json_object_set_new(items[i].f, "id",
		                    json_sprintf("F-%03zu", i + 1));
		json_array_append_new(out, items[i].f);
		items[i].f = NULL;
	}
	free(items);
	return out;
fail:
	for (i = 0; items != NULL && i < n; i++)
		json_decref(items[i].f);
	free(items);
	json_decref(out);
	return NULL;
}
