/* sigaudit compare: the same cases across several runs (modules, firmware
 * versions, a provider's token before and after remediation) side by side.
 * No existing PKCS#11 tester gives this table (issue 3). It is a view of the
 * runs' results.json files only; --mechanisms adds the mechanism support
 * matrix (what each token lists, with its flags). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "log.h"
#include "results.h"
#include "runner.h"
#include "sigaudit/buf.h"

#define SA_COMPARE_MAX_RUNS 16

enum fmt { FMT_TEXT, FMT_MD, FMT_JSON };

static const char *s(const json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v ? v : "";
}

/* Column label: the profile name, and the module/token when known. */
static void label(char *buf, size_t size, const json_t *doc)
{
	const json_t *t = json_object_get(doc, "target");
	const json_t *mod = json_object_get(t, "module");
	const json_t *tok = json_object_get(t, "token");

	snprintf(buf, size, "%s", s(t, "profile"));
	if (json_is_object(tok) && s(tok, "model")[0] != '\0')
		snprintf(buf + strlen(buf), size - strlen(buf), " (%s%s%s)",
		         s(tok, "model"), json_is_object(mod) ? " " : "",
		         json_is_object(mod) ? s(mod, "library_version") : "");
}

static json_t *find_case(const json_t *doc, const char *id)
{
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(doc, "cases"), i, c)
	{
		if (strcmp(s(c, "id"), id) == 0)
			return c;
	}
	return NULL;
}

/* The cell: the verdict, "pass~" for a pass only under the lenient reading
 * (the strict and lenient columns of the catalogue), "-" when not run. */
static void cell(char *buf, size_t size, const json_t *c)
{
	if (c == NULL) {
		snprintf(buf, size, "-");
		return;
	}
	snprintf(buf, size, "%s%s", s(c, "verdict"),
	         strcmp(s(c, "verdict"), "pass") == 0 &&
	                 strcmp(s(c, "conformance"), "lenient") == 0
	             ? "~"
	             : "");
}

/* The union of case IDs in order of first appearance. */
static json_t *all_ids(json_t *const *docs, size_t n)
{
	json_t *ids = json_array(), *seen = json_object(), *c;
	size_t i;

	for (size_t r = 0; r < n; r++) {
		json_array_foreach(json_object_get(docs[r], "cases"), i, c)
		{
			const char *id = s(c, "id");
			if (json_object_get(seen, id) != NULL)
				continue;
			json_object_set_new(seen, id, json_true());
			json_array_append_new(ids, json_pack("{s:s, s:s}", "id",
			                                     id, "title",
			                                     s(c, "title")));
		}
	}
	json_decref(seen);
	return ids;
}

static bool differs(json_t *const *docs, size_t n, const char *id)
{
	char first[32], other[32];

	cell(first, sizeof(first), find_case(docs[0], id));
	for (size_t r = 1; r < n; r++) {
		cell(other, sizeof(other), find_case(docs[r], id));
		if (strcmp(first, other) != 0)
			return true;
	}
	return false;
}

static void print_cases(json_t *const *docs, size_t n, const json_t *ids,
                        enum fmt f, bool only_diff)
{
	char lab[160], c[32];
	size_t i;
	json_t *row;

	if (f == FMT_MD) {
		printf("| case |");
		for (size_t r = 0; r < n; r++) {
			label(lab, sizeof(lab), docs[r]);
			printf(" %s |", lab);
		}
		printf(" title |\n|---|");
		for (size_t r = 0; r < n; r++)
			printf("---|");
		printf("---|\n");
	} else {
		printf("%-14s", "case");
		for (size_t r = 0; r < n; r++) {
			label(lab, sizeof(lab), docs[r]);
			printf(" %-10.10s", lab);
		}
		printf("  title\n");
	}
	json_array_foreach(ids, i, row)
	{
		const char *id = s(row, "id");
		if (only_diff && !differs(docs, n, id))
			continue;
		printf(f == FMT_MD ? "| %s |" : "%-14s", id);
		for (size_t r = 0; r < n; r++) {
			cell(c, sizeof(c), find_case(docs[r], id));
			printf(f == FMT_MD ? " %s |" : " %-10s", c);
		}
		printf(f == FMT_MD ? " %s |\n" : "  %s\n", s(row, "title"));
	}
	if (f == FMT_TEXT)
		printf("\n(pass~: passed only with a return code the "
		       "specification "
		       "permits but does not prefer; -: not run)\n");
}

/* Mechanism support matrix: rows are mechanisms, cells the flags a token
 * lists for it (short names), "-" when the token does not list it. */
static json_t *mech_union(json_t *const *docs, size_t n)
{
	json_t *names = json_array(), *seen = json_object(), *m;
	size_t i;

	for (size_t r = 0; r < n; r++) {
		json_array_foreach(
		    json_object_get(json_object_get(docs[r], "target"),
		                    "mechanisms"),
		    i, m)
		{
			if (json_object_get(seen, s(m, "name")) != NULL)
				continue;
			json_object_set_new(seen, s(m, "name"), json_true());
			json_array_append_new(names, json_string(s(m, "name")));
		}
	}
	json_decref(seen);
	return names;
}

static void mech_cell(sa_buf *b, const json_t *doc, const char *name)
{
	size_t i, k;
	json_t *m, *flag;

	json_array_foreach(
	    json_object_get(json_object_get(doc, "target"), "mechanisms"), i, m)
	{
		if (strcmp(s(m, "name"), name) != 0)
			continue;
		json_array_foreach(json_object_get(m, "flags"), k, flag)
		{
			const char *f = json_string_value(flag);
			if (f == NULL || strcmp(f, "CKF_HW") == 0)
				continue;
			if (strncmp(f, "CKF_", 4) == 0)
				f += 4;
			sa_buf_appendf(b, "%s%s", b->len ? "," : "", f);
		}
		if (b->len == 0)
			sa_buf_append_str(b, "listed");
		return;
	}
	sa_buf_append_str(b, "-");
}

static void print_mechs(json_t *const *docs, size_t n, enum fmt f)
{
	json_t *names = mech_union(docs, n), *name;
	char lab[160];
	size_t i;

	printf(f == FMT_MD ? "\n| mechanism |" : "\n%-34s", "mechanism");
	for (size_t r = 0; r < n; r++) {
		label(lab, sizeof(lab), docs[r]);
		printf(f == FMT_MD ? " %s |" : " | %s", lab);
	}
	printf("\n");
	if (f == FMT_MD) {
		printf("|---|");
		for (size_t r = 0; r < n; r++)
			printf("---|");
		printf("\n");
	}
	json_array_foreach(names, i, name)
	{
		printf(f == FMT_MD ? "| %s |" : "%-34s",
		       json_string_value(name));
		for (size_t r = 0; r < n; r++) {
			sa_buf b = SA_BUF_INIT;
			mech_cell(&b, docs[r], json_string_value(name));
			printf(f == FMT_MD ? " %s |" : " | %s",
			       sa_buf_cstr(&b));
			sa_buf_free(&b);
		}
		printf("\n");
	}
	json_decref(names);
}

static json_t *as_json(json_t *const *docs, char *const *dirs, size_t n,
                       const json_t *ids, bool mechs)
{
	json_t *out = json_object(), *runs = json_array(), *rows = json_array();
	char lab[160], c[32];
	size_t i;
	json_t *row;

	for (size_t r = 0; r < n; r++) {
		label(lab, sizeof(lab), docs[r]);
		json_array_append_new(
		    runs,
		    json_pack("{s:s, s:s, s:O}", "dir", dirs[r], "label", lab,
		              "summary", json_object_get(docs[r], "summary")));
	}
	json_array_foreach(ids, i, row)
	{
		json_t *cells = json_array();
		for (size_t r = 0; r < n; r++) {
			cell(c, sizeof(c), find_case(docs[r], s(row, "id")));
			json_array_append_new(cells, json_string(c));
		}
		json_array_append_new(rows, json_pack("{s:s, s:s, s:o}", "id",
		                                      s(row, "id"), "title",
		                                      s(row, "title"),
		                                      "verdicts", cells));
	}
	json_object_set_new(out, "runs", runs);
	json_object_set_new(out, "cases", rows);
	if (mechs) {
		json_t *names = mech_union(docs, n), *name,
		       *mrows = json_array();
		json_array_foreach(names, i, name)
		{
			json_t *cells = json_array();
			for (size_t r = 0; r < n; r++) {
				sa_buf b = SA_BUF_INIT;
				mech_cell(&b, docs[r], json_string_value(name));
				json_array_append_new(
				    cells, json_string(sa_buf_cstr(&b)));
				sa_buf_free(&b);
			}
			json_array_append_new(
			    mrows, json_pack("{s:O, s:o}", "mechanism", name,
			                     "flags", cells));
		}
		json_object_set_new(out, "mechanisms", mrows);
		json_decref(names);
	}
	return out;
}

int sa_cmd_compare(const sa_cmd *cmd, int argc, char **argv)
{
	json_t *docs[SA_COMPARE_MAX_RUNS] = {NULL};
	const char *arg;
	enum fmt f = FMT_TEXT;
	bool mechs = false, only_diff = false;
	size_t n = 0;
	json_t *ids = NULL;
	sa_error err = SA_ERROR_INIT;
	int c, first, code = SA_EXIT_HARNESS;

	while ((c = sa_cli_next(cmd, argc, argv, &arg)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(arg, "text") == 0)
				f = FMT_TEXT;
			else if (strcmp(arg, "md") == 0)
				f = FMT_MD;
			else if (strcmp(arg, "json") == 0)
				f = FMT_JSON;
			else
				return sa_cli_usage_error(
				    cmd, "--format wants text, md or json");
			break;
		case 'm':
			mechs = true;
			break;
		case 'd':
			only_diff = true;
			break;
		case 'h':
			sa_cli_help(cmd);
			return SA_EXIT_OK;
		default:
			return SA_EXIT_USAGE;
		}
	}
	first = sa_cli_index();
	if (argc - first < 1 || argc - first > SA_COMPARE_MAX_RUNS)
		return sa_cli_usage_error(cmd, "wants 1 to %d run directories",
		                          SA_COMPARE_MAX_RUNS);
	for (int i = first; i < argc; i++) {
		if (sa_results_load(&docs[n], argv[i], &err) < 0) {
			sa_log_error("%s", err.msg);
			goto out;
		}
		n++;
	}
	ids = all_ids(docs, n);
	if (f == FMT_JSON) {
		json_t *o = as_json(docs, argv + first, n, ids, mechs);
		json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(o);
	} else {
		print_cases(docs, n, ids, f, only_diff);
		if (mechs)
			print_mechs(docs, n, f);
	}
	code = SA_EXIT_OK;
out:
	json_decref(ids);
	for (size_t i = 0; i < n; i++)
		json_decref(docs[i]);
	return code;
}
