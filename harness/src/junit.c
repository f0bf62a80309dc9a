/* junit.xml: a view of results.json for CI systems. One testcase per case
 * ID; skip and waived are <skipped/> (neither is a pass), error is <error/>,
 * fail is <failure/> with the failed checks' expected vs observed. */
#include <stdio.h>
#include <string.h>

#include "results.h"
#include "sigaudit/buf.h"
#include "sigaudit/guard.h"
#include "util.h"

static void xml_escape(sa_buf *b, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;
		switch (ch) {
		case '<':
			sa_buf_append_str(b, "&lt;");
			break;
		case '>':
			sa_buf_append_str(b, "&gt;");
			break;
		case '&':
			sa_buf_append_str(b, "&amp;");
			break;
		case '"':
			sa_buf_append_str(b, "&quot;");
			break;
		case '\'':
			sa_buf_append_str(b, "&apos;");
			break;
		default:
			/* XML 1.0 forbids most control characters. */
			if (ch < 0x20 && ch != '\n' && ch != '\t')
				sa_buf_append_str(b, "?");
			else
				sa_buf_append(b, &ch, 1);
		}
	}
}

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static void failed_checks(sa_buf *b, const json_t *rec)
{
	json_t *checks = json_object_get(rec, "checks");
	size_t i;
	json_t *c;

	json_array_foreach(checks, i, c)
	{
		if (json_is_true(json_object_get(c, "ok")))
			continue;
		sa_buf_append_str(b, "check: ");
		xml_escape(b, str(c, "what"));
		sa_buf_append_str(b, "\n  expected: ");
		xml_escape(b, str(c, "expected"));
		sa_buf_append_str(b, "\n  observed: ");
		xml_escape(b, str(c, "observed"));
		sa_buf_append_str(b, "\n");
	}
}

/* A data-driven case's counts (DESIGN §7 "vectors"), so a CI dashboard shows
 * how many vectors ran and disagreed without opening results.json. */
static void vector_properties(sa_buf *b, const json_t *vec)
{
	static const char *const keys[] = {"total",      "agree",  "disagree",
	                                   "acceptable", "errors", "skipped"};

	if (!json_is_object(vec))
		return;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		sa_buf_appendf(b,
		               "<property name=\"vectors.%s\" value=\"%lld\"/>",
		               keys[i],
		               (long long)json_integer_value(
		                   json_object_get(vec, keys[i])));
}

static void testcase(sa_buf *b, const json_t *rec)
{
	const char *v = str(rec, "verdict");
	const char *tag = NULL;

	sa_buf_append_str(b, "    <testcase classname=\"sigaudit.");
	xml_escape(b, str(rec, "suite"));
	sa_buf_append_str(b, "\" name=\"");
	xml_escape(b, str(rec, "id"));
	sa_buf_append_str(b, " ");
	xml_escape(b, str(rec, "title"));
	sa_buf_appendf(
	    b, "\" time=\"%.3f\">\n",
	    (double)json_integer_value(json_object_get(rec, "duration_ms")) /
	        1000.0);
	if (strcmp(v, "fail") == 0)
		tag = "failure";
	else if (strcmp(v, "error") == 0)
		tag = "error";
	if (tag != NULL) {
		sa_buf_appendf(b, "      <%s type=\"%s\" message=\"", tag, v);
		xml_escape(b, str(rec, "reason"));
		sa_buf_append_str(b, "\">");
		failed_checks(b, rec);
		sa_buf_appendf(b, "</%s>\n", tag);
	} else if (strcmp(v, "skip") == 0 || strcmp(v, "waived") == 0) {
		sa_buf_append_str(b, "      <skipped message=\"");
		if (strcmp(v, "waived") == 0)
			sa_buf_append_str(b, "waived: ");
		xml_escape(b, str(rec, "reason"));
		sa_buf_append_str(b, "\"/>\n");
	}
	sa_buf_append_str(b, "      <properties><property name=\"verdict\" "
	                     "value=\"");
	xml_escape(b, v);
	sa_buf_append_str(b, "\"/>");
	vector_properties(b, json_object_get(rec, "vectors"));
	sa_buf_append_str(b, "</properties>\n    </testcase>\n");
}

static void suite(sa_buf *b, const json_t *doc, const char *name)
{
	json_t *cases = json_object_get(doc, "cases"), *rec;
	long n = 0, fail = 0, err = 0, skip = 0;
	double secs = 0;
	size_t i;

	json_array_foreach(cases, i, rec)
	{
		const char *v = str(rec, "verdict");
		if (strcmp(str(rec, "suite"), name) != 0)
			continue;
		n++;
		fail += strcmp(v, "fail") == 0;
		err += strcmp(v, "error") == 0;
		skip += strcmp(v, "skip") == 0 || strcmp(v, "waived") == 0;
		secs += (double)json_integer_value(
		            json_object_get(rec, "duration_ms")) /
		        1000.0;
	}
	sa_buf_append_str(b, "  <testsuite name=\"");
	xml_escape(b, name);
	sa_buf_appendf(b,
	               "\" tests=\"%ld\" failures=\"%ld\" errors=\"%ld\" "
	               "skipped=\"%ld\" time=\"%.3f\" timestamp=\"",
	               n, fail, err, skip, secs);
	xml_escape(b, str(doc, "started"));
	sa_buf_append_str(b, "\">\n");
	json_array_foreach(cases, i, rec)
	{
		if (strcmp(str(rec, "suite"), name) == 0)
			testcase(b, rec);
	}
	sa_buf_append_str(b, "  </testsuite>\n");
}

int sa_junit_write(const json_t *doc, const char *path, sa_error *err)
{
	sa_buf b = SA_BUF_INIT;
	json_t *cases = json_object_get(doc, "cases"), *rec, *seen = NULL;
	size_t i;
	int rc = SA_E_NOMEM;

	seen = json_object();
	SA_ENSURE(seen != NULL, err, SA_E_NOMEM, "out of memory");
	sa_buf_append_str(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	                      "<testsuites name=\"sigaudit\">\n");
	json_array_foreach(cases, i, rec)
	{
		const char *s = str(rec, "suite");
		if (json_object_get(seen, s) != NULL)
			continue;
		json_object_set_new(seen, s, json_true());
		suite(&b, doc, s);
	}
	sa_buf_append_str(&b, "</testsuites>\n");
	SA_ENSURE(sa_buf_ok(&b), err, SA_E_NOMEM, "out of memory");
	SA_TRY(sa_write_file_atomic(path, b.data, b.len, err));
	rc = SA_OK;
out:
	json_decref(seen);
	sa_buf_free(&b);
	return rc;
}
