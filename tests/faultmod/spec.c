/* sa_faultmod: parsing SA_FAULT (README.md) into sa_fm_spec. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faultmod.h"

/* Tables expanded from X-macros: clang-format cannot lay these out. */
/* clang-format off */
static const char *const func_names[SA_FM_FUNC_COUNT] = {
#define SA_FM_X_(name, call, params, args) #name,
	SA_FM_FUNCTIONS(SA_FM_X_)
#undef SA_FM_X_
};

static const struct {
	const char *name;
	const char *text;
} named_faults[SA_FM_NAMED_COUNT] = {
#define SA_FM_X_(id, name, text) {name, text},
	SA_FM_NAMED_FAULTS(SA_FM_X_)
#undef SA_FM_X_
};
/* clang-format on */

/* Every CKR_ name p11-kit's header defines (v2.40). */
/* clang-format off */
#define N(rv) {rv, #rv}
static const struct {
	CK_RV rv;
	const char *name;
} rv_names[] = {
	N(CKR_OK),
	N(CKR_CANCEL),
	N(CKR_HOST_MEMORY),
	N(CKR_SLOT_ID_INVALID),
	N(CKR_GENERAL_ERROR),
	N(CKR_FUNCTION_FAILED),
	N(CKR_ARGUMENTS_BAD),
	N(CKR_NO_EVENT),
	N(CKR_NEED_TO_CREATE_THREADS),
	N(CKR_CANT_LOCK),
	N(CKR_ATTRIBUTE_READ_ONLY),
	N(CKR_ATTRIBUTE_SENSITIVE),
	N(CKR_ATTRIBUTE_TYPE_INVALID),
	N(CKR_ATTRIBUTE_VALUE_INVALID),
	N(CKR_ACTION_PROHIBITED),
	N(CKR_DATA_INVALID),
	N(CKR_DATA_LEN_RANGE),
	N(CKR_DEVICE_ERROR),
	N(CKR_DEVICE_MEMORY),
	N(CKR_DEVICE_REMOVED),
	N(CKR_ENCRYPTED_DATA_INVALID),
	N(CKR_ENCRYPTED_DATA_LEN_RANGE),
	N(CKR_FUNCTION_CANCELED),
	N(CKR_FUNCTION_NOT_PARALLEL),
	N(CKR_FUNCTION_NOT_SUPPORTED),
	N(CKR_KEY_HANDLE_INVALID),
	N(CKR_KEY_SIZE_RANGE),
	N(CKR_KEY_TYPE_INCONSISTENT),
	N(CKR_KEY_NOT_NEEDED),
	N(CKR_KEY_CHANGED),
	N(CKR_KEY_NEEDED),
	N(CKR_KEY_INDIGESTIBLE),
	N(CKR_KEY_FUNCTION_NOT_PERMITTED),
	N(CKR_KEY_NOT_WRAPPABLE),
	N(CKR_KEY_UNEXTRACTABLE),
	N(CKR_MECHANISM_INVALID),
	N(CKR_MECHANISM_PARAM_INVALID),
	N(CKR_OBJECT_HANDLE_INVALID),
	N(CKR_OPERATION_ACTIVE),
	N(CKR_OPERATION_NOT_INITIALIZED),
	N(CKR_PIN_INCORRECT),
	N(CKR_PIN_INVALID),
	N(CKR_PIN_LEN_RANGE),
	N(CKR_PIN_EXPIRED),
	N(CKR_PIN_LOCKED),
	N(CKR_SESSION_CLOSED),
	N(CKR_SESSION_COUNT),
	N(CKR_SESSION_HANDLE_INVALID),
	N(CKR_SESSION_PARALLEL_NOT_SUPPORTED),
	N(CKR_SESSION_READ_ONLY),
	N(CKR_SESSION_EXISTS),
	N(CKR_SESSION_READ_ONLY_EXISTS),
	N(CKR_SESSION_READ_WRITE_SO_EXISTS),
	N(CKR_SIGNATURE_INVALID),
	N(CKR_SIGNATURE_LEN_RANGE),
	N(CKR_TEMPLATE_INCOMPLETE),
	N(CKR_TEMPLATE_INCONSISTENT),
	N(CKR_TOKEN_NOT_PRESENT),
	N(CKR_TOKEN_NOT_RECOGNIZED),
	N(CKR_TOKEN_WRITE_PROTECTED),
	N(CKR_UNWRAPPING_KEY_SIZE_RANGE),
	N(CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT),
	N(CKR_USER_ALREADY_LOGGED_IN),
	N(CKR_USER_NOT_LOGGED_IN),
	N(CKR_USER_PIN_NOT_INITIALIZED),
	N(CKR_USER_TYPE_INVALID),
	N(CKR_USER_ANOTHER_ALREADY_LOGGED_IN),
	N(CKR_USER_TOO_MANY_TYPES),
	N(CKR_WRAPPED_KEY_INVALID),
	N(CKR_WRAPPED_KEY_LEN_RANGE),
	N(CKR_WRAPPING_KEY_HANDLE_INVALID),
	N(CKR_WRAPPING_KEY_SIZE_RANGE),
	N(CKR_WRAPPING_KEY_TYPE_INCONSISTENT),
	N(CKR_RANDOM_SEED_NOT_SUPPORTED),
	N(CKR_RANDOM_NO_RNG),
	N(CKR_DOMAIN_PARAMS_INVALID),
	N(CKR_CURVE_NOT_SUPPORTED),
	N(CKR_BUFFER_TOO_SMALL),
	N(CKR_SAVED_STATE_INVALID),
	N(CKR_INFORMATION_SENSITIVE),
	N(CKR_STATE_UNSAVEABLE),
	N(CKR_CRYPTOKI_NOT_INITIALIZED),
	N(CKR_CRYPTOKI_ALREADY_INITIALIZED),
	N(CKR_MUTEX_BAD),
	N(CKR_MUTEX_NOT_LOCKED),
	N(CKR_NEW_PIN_MODE),
	N(CKR_NEXT_OTP),
	N(CKR_EXCEEDED_MAX_ITERATIONS),
	N(CKR_FIPS_SELF_TEST_FAILED),
	N(CKR_LIBRARY_LOAD_FAILED),
	N(CKR_PIN_TOO_WEAK),
	N(CKR_PUBLIC_KEY_INVALID),
	N(CKR_FUNCTION_REJECTED),
};
#undef N
/* clang-format on */

const char *sa_fm_rv_name(CK_RV rv, char *buf, size_t size)
{
	const char *name = NULL;

	for (size_t i = 0; i < sizeof(rv_names) / sizeof(rv_names[0]); i++) {
		if (rv_names[i].rv == rv) {
			name = rv_names[i].name;
			goto out;
		}
	}
	snprintf(buf, size, "0x%08lx", (unsigned long)rv);
	name = buf;
out:
	return name;
}

/* Function name -> id, or -1. */
static int parse_func(const char *s)
{
	int found = -1;

	for (int i = 0; i < SA_FM_FUNC_COUNT; i++) {
		if (strcmp(func_names[i], s) == 0) {
			found = i;
			break;
		}
	}
	return found;
}

/* "CKR_xxx" or "0x..." -> *out; false when neither. */
static bool parse_rv(const char *s, CK_RV *out)
{
	bool ok = false;
	char *end = NULL;
	unsigned long v;

	for (size_t i = 0; i < sizeof(rv_names) / sizeof(rv_names[0]); i++) {
		if (strcmp(rv_names[i].name, s) == 0) {
			*out = rv_names[i].rv;
			ok = true;
			goto out;
		}
	}
	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X') || s[2] == '\0')
		goto out;
	errno = 0;
	v = strtoul(s + 2, &end, 16);
	if (errno != 0 || end == NULL || *end != '\0')
		goto out;
	*out = v;
	ok = true;
out:
	return ok;
}

/* "FUNC:FROM=TO" */
static bool parse_rv_rule(char *s)
{
	struct sa_fm_rv_rule r = {0};
	char *colon = strchr(s, ':');
	char *eq = NULL;
	int f;
	bool ok = false;

	if (colon == NULL || sa_fm_spec.n_rv >= SA_FM_MAX_RV_RULES)
		goto out;
	*colon = '\0';
	eq = strchr(colon + 1, '=');
	if (eq == NULL)
		goto out;
	*eq = '\0';
	f = parse_func(s);
	if (f < 0)
		goto out;
	r.func = (enum sa_fm_func)f;
	r.any = strcmp(colon + 1, "*") == 0;
	if (!r.any && !parse_rv(colon + 1, &r.from))
		goto out;
	if (!parse_rv(eq + 1, &r.to))
		goto out;
	sa_fm_spec.rv[sa_fm_spec.n_rv++] = r;
	ok = true;
out:
	return ok;
}

static void print_help(void)
{
	fputs("sa_faultmod: SA_FAULT is a comma-separated list of:\n"
	      "  crash:FUNC          SIGSEGV when FUNC is called\n"
	      "  abort:FUNC          abort() when FUNC is called\n"
	      "  hang:FUNC           FUNC never returns\n"
	      "  noop:FUNC           FUNC returns CKR_OK without forwarding\n"
	      "  unlist:MECH         C_GetMechanismList omits MECH (hex), "
	      "C_GetMechanismInfo refuses it\n"
	      "  unflag:MECH:FLAGS   C_GetMechanismInfo(MECH) with FLAGS (hex) "
	      "cleared\n"
	      "  flag:MECH:FLAGS     C_GetMechanismInfo(MECH) with FLAGS (hex) "
	      "set\n"
	      "  rv:FUNC:FROM=TO     FUNC returns TO when the target returned "
	      "FROM\n"
	      "                      (CKR_ names or 0x hex; FROM may be *)\n"
	      "  help, list          print this table\n"
	      "and the named faults:\n",
	      stderr);
	for (size_t i = 0; i < SA_FM_NAMED_COUNT; i++)
		fprintf(stderr, "  %-34s %s\n", named_faults[i].name,
		        named_faults[i].text);
}

/* One directive, NUL-terminated and trimmed; s is modified. */
static void parse_directive(char *s)
{
	static const struct {
		const char *kind;
		unsigned act;
	} actions[] = {
	    {"crash", SA_FM_ACT_CRASH},
	    {"abort", SA_FM_ACT_ABORT},
	    {"hang", SA_FM_ACT_HANG},
	    {"noop", SA_FM_ACT_NOOP},
	};
	/* Kept whole for the message; s is cut at the ':'. */
	char shown[128];
	char *colon = strchr(s, ':');
	bool ok = false;

	snprintf(shown, sizeof(shown), "%s", s);
	if (strcmp(s, "help") == 0 || strcmp(s, "list") == 0) {
		print_help();
		ok = true;
		goto out;
	}
	if (colon == NULL) {
		for (size_t i = 0; i < SA_FM_NAMED_COUNT; i++) {
			if (strcmp(named_faults[i].name, s) == 0) {
				sa_fm_spec.named |= UINT64_C(1) << i;
				ok = true;
				break;
			}
		}
		goto out;
	}
	*colon = '\0';
	if (strcmp(s, "unlist") == 0 && sa_fm_spec.n_unlist < 32) {
		sa_fm_spec.unlist[sa_fm_spec.n_unlist++] =
		    strtoul(colon + 1, NULL, 16);
		ok = true;
		goto out;
	}
	if (strcmp(s, "flag") == 0 && sa_fm_spec.n_flag < 32) {
		char *c2 = strchr(colon + 1, ':');
		if (c2 != NULL) {
			*c2 = '\0';
			sa_fm_spec.flag_mech[sa_fm_spec.n_flag] =
			    strtoul(colon + 1, NULL, 16);
			sa_fm_spec.flag_bits[sa_fm_spec.n_flag++] =
			    strtoul(c2 + 1, NULL, 16);
			ok = true;
		}
		goto out;
	}
	if (strcmp(s, "unflag") == 0 && sa_fm_spec.n_unflag < 32) {
		char *c2 = strchr(colon + 1, ':');
		if (c2 != NULL) {
			*c2 = '\0';
			sa_fm_spec.unflag_mech[sa_fm_spec.n_unflag] =
			    strtoul(colon + 1, NULL, 16);
			sa_fm_spec.unflag_bits[sa_fm_spec.n_unflag++] =
			    strtoul(c2 + 1, NULL, 16);
			ok = true;
		}
		goto out;
	}
	if (strcmp(s, "rv") == 0) {
		ok = parse_rv_rule(colon + 1);
		goto out;
	}
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
		int f;

		if (strcmp(s, actions[i].kind) != 0)
			continue;
		f = parse_func(colon + 1);
		if (f >= 0) {
			sa_fm_spec.action[f] |= actions[i].act;
			ok = true;
		}
		break;
	}
out:
	if (!ok)
		fprintf(stderr, "sa_faultmod: unknown fault '%s'\n", shown);
}

void sa_fm_spec_parse(const char *text)
{
	char *copy = NULL;
	char *p;

	memset(&sa_fm_spec, 0, sizeof(sa_fm_spec));
	if (text == NULL)
		goto out;
	copy = strdup(text);
	if (copy == NULL)
		goto out;
	p = copy;
	while (p != NULL) {
		char *comma = strchr(p, ',');
		char *end;

		if (comma != NULL)
			*comma = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		end = p + strlen(p);
		while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (*p != '\0')
			parse_directive(p);
		p = comma != NULL ? comma + 1 : NULL;
	}
out:
	free(copy);
}
