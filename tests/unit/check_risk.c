/* The risk model (harness/src/risk.c) against the catalogue's tables
 * (../shared/catalog/report.md, Tables R and T, and its worked examples). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "risk.h"

/* Table R as printed in the catalogue, rows L5..L1, columns I1..I5. */
static const char *const table_r[5][5] = {
    {"very low", "low", "moderate", "high", "very high"}, /* L5 */
    {"very low", "low", "moderate", "high", "very high"}, /* L4 */
    {"very low", "low", "moderate", "moderate", "high"},  /* L3 */
    {"very low", "low", "low", "low", "moderate"},        /* L2 */
    {"very low", "very low", "very low", "low", "low"},   /* L1 */
};

START_TEST(test_every_cell_of_table_r)
{
	for (int l = 5; l >= 1; l--)
		for (int i = 1; i <= 5; i++)
			ck_assert_str_eq(sa_risk_str(sa_risk_lookup(l, i)),
			                 table_r[5 - l][i - 1]);
	/* Clamped, not undefined. */
	ck_assert_int_eq(sa_risk_lookup(9, 9), SA_RISK_VERY_HIGH);
	ck_assert_int_eq(sa_risk_lookup(0, 0), SA_RISK_VERY_LOW);
}
END_TEST

/* The catalogue's worked examples. */
START_TEST(test_worked_examples)
{
	ck_assert_int_eq(sa_risk_lookup(5, 5), SA_RISK_VERY_HIGH);
	ck_assert_int_eq(sa_risk_lookup(4, 4), SA_RISK_HIGH);
	ck_assert_int_eq(sa_risk_lookup(3, 4), SA_RISK_MODERATE);
	ck_assert_int_eq(sa_risk_lookup(3, 5), SA_RISK_HIGH);
	ck_assert_int_eq(sa_risk_lookup(3, 3), SA_RISK_MODERATE);
	ck_assert_int_eq(sa_risk_lookup(5, 2), SA_RISK_LOW);
}
END_TEST

START_TEST(test_table_t)
{
	ck_assert_str_eq(sa_risk_treatment(SA_RISK_VERY_HIGH),
	                 "major non-conformity");
	ck_assert_str_eq(sa_risk_treatment_vi(SA_RISK_HIGH), "Không phù hợp");
	ck_assert_str_eq(sa_risk_treatment(SA_RISK_LOW),
	                 "opportunity for improvement");
	ck_assert_str_eq(sa_risk_str_vi(SA_RISK_MODERATE), "Trung bình");
	ck_assert_int_eq(sa_risk_deadline_days(SA_RISK_HIGH), 45);
	ck_assert_int_eq(sa_risk_deadline_days(SA_RISK_VERY_LOW), -1);
}
END_TEST

START_TEST(test_components)
{
	ck_assert_str_eq(sa_risk_component("P11-SES-04", "pkcs11"), "hsm");
	ck_assert_str_eq(sa_risk_component("SIG-ART-01", "signing"), "signing");
	ck_assert_str_eq(sa_risk_component("SIG-01", "signing"), "hsm");
	ck_assert_str_eq(sa_risk_component("TSP-09", "tsp"), "tsa");
}
END_TEST

static const char doc_text[] =
    "{\"finished\": \"2026-11-23T10:00:00Z\","
    " \"profile\": {\"exposure\": {\"hsm\": \"L2\"}},"
    " \"cases\": ["
    "  {\"id\": \"P11-SES-04\", \"suite\": \"pkcs11\", \"title\": \"a\","
    "   \"verdict\": \"fail\", \"impact\": \"I2\", \"tags\": []},"
    "  {\"id\": \"KP-06\", \"suite\": \"keyprot\", \"title\": \"b\","
    "   \"verdict\": \"fail\", \"impact\": \"I5\", \"threat\": \"t\","
    "   \"tags\": [\"finding\"]},"
    "  {\"id\": \"P11-SES-05\", \"suite\": \"pkcs11\", \"title\": \"c\","
    "   \"verdict\": \"pass\", \"impact\": \"I5\", \"tags\": []},"
    "  {\"id\": \"TSP-01\", \"suite\": \"tsp\", \"title\": \"d\","
    "   \"verdict\": \"fail\", \"impact\": \"I4\", \"tags\": [\"finding\"]},"
    "  {\"id\": \"P11-SES-07\", \"suite\": \"pkcs11\", \"title\": \"e\","
    "   \"verdict\": \"waived\", \"impact\": \"I4\", \"tags\": [],"
    "   \"waiver\": {\"reason\": \"known\"}}"
    " ]}";

static json_t *find(json_t *findings, const char *case_id)
{
	size_t i;
	json_t *f;

	json_array_foreach(findings, i, f)
	{
		if (strcmp(json_string_value(
		               json_array_get(json_object_get(f, "cases"), 0)),
		           case_id) == 0)
			return f;
	}
	return NULL;
}

static const char *str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

START_TEST(test_findings_from_results)
{
	json_t *doc = json_loads(doc_text, 0, NULL), *fs, *f;

	ck_assert_ptr_nonnull(doc);
	fs = sa_risk_findings(doc);
	ck_assert_ptr_nonnull(fs);
	/* fails and waived only; a pass is no finding */
	ck_assert_uint_eq(json_array_size(fs), 4);
	ck_assert_ptr_null(find(fs, "P11-SES-05"));

	/* an attack-style finding takes the declared exposure: L2 x I5 */
	f = find(fs, "KP-06");
	ck_assert_str_eq(str(f, "likelihood"), "L2");
	ck_assert_str_eq(str(f, "risk"), "moderate");
	ck_assert_str_eq(str(f, "component"), "hsm");
	ck_assert_str_eq(str(f, "due"), "2027-05-22");
	/* a conformance failure happens in normal operation: L5 x I2 */
	f = find(fs, "P11-SES-04");
	ck_assert_str_eq(str(f, "likelihood"), "L5");
	ck_assert_str_eq(str(f, "risk"), "low");
	ck_assert_ptr_null(json_object_get(f, "due"));
	/* no declared exposure: L3 assumed, and the driver says so */
	f = find(fs, "TSP-01");
	ck_assert_str_eq(str(f, "likelihood"), "L3");
	ck_assert_str_eq(str(f, "risk"), "moderate");
	ck_assert_ptr_nonnull(
	    strstr(json_string_value(json_array_get(
	               json_object_get(f, "likelihood_drivers"), 0)),
	           "declares no exposure"));
	/* waived: accepted, with its waiver, and no deadline */
	f = find(fs, "P11-SES-07");
	ck_assert_str_eq(str(f, "status"), "accepted");
	ck_assert_str_eq(str(f, "risk"), "high");
	ck_assert_ptr_null(json_object_get(f, "due"));
	ck_assert_ptr_nonnull(json_object_get(f, "waiver"));
	/* ordered by risk: the waived high first, then impact within a level */
	ck_assert_str_eq(str(json_array_get(fs, 0), "id"), "F-001");
	ck_assert_str_eq(str(json_array_get(fs, 0), "risk"), "high");
	ck_assert_str_eq(
	    json_string_value(json_array_get(
	        json_object_get(json_array_get(fs, 1), "cases"), 0)),
	    "KP-06");
	json_decref(fs);
	json_decref(doc);
}
END_TEST

static Suite *risk_suite(void)
{
	Suite *s = suite_create("risk");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_every_cell_of_table_r);
	tcase_add_test(tc, test_worked_examples);
	tcase_add_test(tc, test_table_t);
	tcase_add_test(tc, test_components);
	tcase_add_test(tc, test_findings_from_results);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(risk_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
