/* sigaudit probe: what the target is and what it offers (DESIGN §6,
 * capability detection), printed for a person or as JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "log.h"
#include "runner.h"
#include "target.h"
#include "util.h"

static const char *s(const json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v ? v : "";
}

static void print_flags(const json_t *flags)
{
	size_t i;
	json_t *f;
	json_array_foreach(flags, i, f)
	{
		const char *name = json_string_value(f);
		if (name && strncmp(name, "CKF_", 4) == 0)
			name += 4;
		printf("%s%s", i ? "," : "", name ? name : "?");
	}
}

static void print_text(const sa_target *t)
{
	size_t i;
	json_t *o;

	if (t->module != NULL)
		printf("module: %s\n  manufacturer: %s\n  description: %s\n  "
		       "library version: %s, cryptoki version: %s\n",
		       s(t->module, "path"), s(t->module, "manufacturer"),
		       s(t->module, "description"),
		       s(t->module, "library_version"),
		       s(t->module, "cryptoki_version"));
	printf("slots: %zu\n", json_array_size(t->slots));
	json_array_foreach(t->slots, i, o)
	{
		json_t *tok = json_object_get(o, "token");
		printf("  slot %lld: %s [",
		       (long long)json_integer_value(json_object_get(o, "id")),
		       s(o, "description"));
		print_flags(json_object_get(o, "flags"));
		printf("]\n");
		if (json_is_object(tok)) {
			printf("    token: '%s' model '%s' serial '%s' "
			       "manufacturer '%s'\n    pin length %lld..%lld, "
			       "flags ",
			       s(tok, "label"), s(tok, "model"),
			       s(tok, "serial"), s(tok, "manufacturer"),
			       (long long)json_integer_value(
			           json_object_get(tok, "min_pin_len")),
			       (long long)json_integer_value(
			           json_object_get(tok, "max_pin_len")));
			print_flags(json_object_get(tok, "flags"));
			printf("\n");
		}
	}
	if (t->has_slot) {
		printf("selected slot: %lu\nmechanisms: %zu\n",
		       (unsigned long)t->slot, json_array_size(t->mechanisms));
		json_array_foreach(t->mechanisms, i, o)
		{
			printf("  %-36s ", s(o, "name"));
			if (json_object_get(o, "flags") != NULL) {
				printf("keys %lld..%lld  ",
				       (long long)json_integer_value(
				           json_object_get(o, "min_key_size")),
				       (long long)json_integer_value(
				           json_object_get(o, "max_key_size")));
				print_flags(json_object_get(o, "flags"));
			} else {
				printf("C_GetMechanismInfo: %s",
				       s(o, "info_rv"));
			}
			printf("\n");
		}
	}
	if (t->incident[0] != '\0')
		printf("incident: %s\n", t->incident);
}

int sa_cmd_probe(const sa_cmd *cmd, int argc, char **argv)
{
	const char *profile_path = NULL, *arg;
	bool as_json = false;
	unsigned timeout = 0;
	sa_profile *p = NULL;
	sa_target t;
	sa_error err = SA_ERROR_INIT;
	int c, code = SA_EXIT_HARNESS;

	memset(&t, 0, sizeof(t));
	while ((c = sa_cli_next(cmd, argc, argv, &arg)) != -1) {
		switch (c) {
		case 'p':
			profile_path = arg;
			break;
		case 'j':
			as_json = true;
			break;
		case 'T': {
			char *end = NULL;
			long v = strtol(arg, &end, 10);
			if (end == arg || *end != '\0' || v <= 0 || v > 86400)
				return sa_cli_usage_error(
				    cmd, "--timeout wants 1..86400 seconds");
			timeout = (unsigned)v;
			break;
		}
		case 'h':
			sa_cli_help(cmd);
			return SA_EXIT_OK;
		default:
			return SA_EXIT_USAGE;
		}
	}
	if (profile_path == NULL)
		return sa_cli_usage_error(cmd, "--profile is required");
	if (sa_profile_load(&p, profile_path, &err) < 0 ||
	    sa_profile_apply_env(p, &err) < 0) {
		sa_log_error("%s", err.msg);
		goto out;
	}
	if (timeout == 0)
		timeout = sa_profile_timeout(p) ? sa_profile_timeout(p)
		                                : SA_DEFAULT_TIMEOUT_S;
	if (sa_target_probe(&t, p, 1000u * (uint64_t)timeout, &err) < 0) {
		sa_log_error("%s", err.msg);
		goto out;
	}
	if (as_json) {
		json_t *o = json_pack("{s:O?, s:O, s:O?, s:O}", "module",
		                      t.module, "slots", t.slots, "token",
		                      t.token, "mechanisms", t.mechanisms);
		if (t.problem[0] != '\0')
			json_object_set_new(o, "problem",
			                    json_string(t.problem));
		json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(o);
	} else {
		print_text(&t);
	}
	if (t.problem[0] != '\0') {
		int line = sa_profile_key_line(p, "pkcs11", "token");
		sa_log_error("%s:%d: %s", sa_profile_path(p), line, t.problem);
		goto out;
	}
	code = SA_EXIT_OK;
out:
	sa_target_clear(&t);
	sa_profile_free(p);
	return code;
}
