/* Target profiles (sigaudit/profile.h): parsing with libinih, ${VAR}
 * expansion, validation of every key, PIN sources and the JSON view.
 *
 * A profile is read by people and edited in a hurry on site, so a mistake is
 * an error with the file and line, never a silent default: unknown sections
 * and keys, duplicates, and values that do not parse all stop the load. */
#include "sigaudit/profile.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>
#include <jansson.h>
#include <openssl/crypto.h>

#include "log.h"
#include "sigaudit/guard.h"
#include "uri.h"
#include "util.h"

/* Limits. A profile is a page of text; anything larger is not a profile. */
#define SA_PROFILE_FILE_MAX  (1024u * 1024u)
#define SA_PROFILE_LINE_MAX  4096
#define SA_PROFILE_VALUE_MAX 4096
#define SA_PROFILE_NAME_MAX  64
#define SA_PROFILE_VAR_MAX   128
/* Case IDs are short ("PKITS-4.8.6.3"); they also go into file names. */
#define SA_PROFILE_CASE_ID_MAX 40
/* Artefact names go into check names and evidence file names. */
#define SA_PROFILE_ARTEFACT_NAME_MAX 32
#define SA_PROFILE_SECTION_MAX       48
/* CK_TOKEN_INFO.label is 32 bytes (PKCS#11 v2.40 3.2): a longer
 * disposable_token can never match a token. */
#define SA_PROFILE_LABEL_MAX 32
/* PKCS#11 PINs are short; ulMaxPinLen of real tokens is at most a few
 * hundred. A bigger "PIN file" is the wrong file. */
#define SA_PROFILE_PIN_FILE_MAX 4096
#define SA_PROFILE_TIMEOUT_MAX  86400u
/* [ocsp] requests: a latency sample, not a load test. */
#define SA_PROFILE_COUNT_MAX 10000u

/* Marker handed to inih in place of a value too long for its line buffer; the
 * reader rejects control characters in input, so it cannot occur there. */
#define SA_PROFILE_LONG_MARK "\x1f"

struct waiver_rec {
	char *case_id;
	char *reason;
	char *approver;
	char *expires;
	int line;
	sa_waiver pub; /* borrowed view handed out by the getters */
};

struct artefact_rec {
	char *name;
	sa_artefact_type type; /* 0 until type = is read */
	char *file;
	char *data;
	char *cert;
	sa_artefact_mech mech;
	char *mechanism;
	char *chain;
	char *at;
	long long at_time;
	int line;
	sa_artefact pub; /* borrowed view handed out by the getters */
};

/* Every section header and key seen, for duplicates and key lines. A section
 * header has key NULL. */
struct key_rec {
	char *section;
	char *key;
	int line;
};

struct env_rec {
	char *key;
	char *value;
	int line;
};

struct sa_profile {
	char *path;
	char *name;
	char *description;
	char *module;
	char *token_uri;
	char *init_args;
	char *disposable;
	char *wycheproof_dir;
	char *cavp_dir;
	char *pkits_dir;
	char *limbo_dir;
	char *validator_command;
	unsigned validator_timeout;
	char *pki_anchors;
	char *pki_intermediates;
	char *pki_certs;
	char *pki_crls;
	char *pki_at;
	long long pki_at_time;
	char *ocsp_url;
	char *ocsp_issuer;
	char *ocsp_good;
	char *ocsp_revoked;
	char *ocsp_signer;
	char *ocsp_unissued;
	unsigned ocsp_requests;
	unsigned ocsp_max_ms;
	char *crl_url;
	char *crl_issuer;
	bool strict;
	char *pin_env[2];
	char *pin_file[2];
	unsigned timeout;
	int exposure[SA_COMPONENT_COUNT_];
	struct waiver_rec *waivers;
	size_t n_waivers, cap_waivers;
	struct artefact_rec *artefacts;
	size_t n_artefacts, cap_artefacts;
	struct env_rec *env;
	size_t n_env, cap_env;
	struct key_rec *keys;
	size_t n_keys, cap_keys;
};

enum sa_profile_sec {
	SA_PROFILE_SEC_NONE,
	SA_PROFILE_SEC_PROFILE,
	SA_PROFILE_SEC_ENVIRONMENT,
	SA_PROFILE_SEC_PKCS11,
	SA_PROFILE_SEC_RUN,
	SA_PROFILE_SEC_EXPOSURE,
	SA_PROFILE_SEC_VECTORS,
	SA_PROFILE_SEC_VALIDATOR,
	SA_PROFILE_SEC_PKI,
	SA_PROFILE_SEC_OCSP,
	SA_PROFILE_SEC_CRL,
	SA_PROFILE_SEC_WAIVER,
	SA_PROFILE_SEC_ARTEFACT,
};

static const char *const sec_names[] = {
    [SA_PROFILE_SEC_NONE] = "",
    [SA_PROFILE_SEC_PROFILE] = "profile",
    [SA_PROFILE_SEC_ENVIRONMENT] = "environment",
    [SA_PROFILE_SEC_PKCS11] = "pkcs11",
    [SA_PROFILE_SEC_RUN] = "run",
    [SA_PROFILE_SEC_EXPOSURE] = "exposure",
    [SA_PROFILE_SEC_VECTORS] = "vectors",
    [SA_PROFILE_SEC_VALIDATOR] = "validator",
    [SA_PROFILE_SEC_PKI] = "pki",
    [SA_PROFILE_SEC_OCSP] = "ocsp",
    [SA_PROFILE_SEC_CRL] = "crl",
    [SA_PROFILE_SEC_WAIVER] = "waiver",
    [SA_PROFILE_SEC_ARTEFACT] = "artefact",
};

/* How a value is checked: free text (TEXT), a profile name that goes into
 * result directory names (NAME), a file (PATH), an RFC 7512 token URI (URI),
 * an environment variable name (ENVNAME), a token label (LABEL), a boolean,
 * whole seconds, YYYY-MM-DD, L1..L5; for artefacts a file relative to the
 * profile (FILE), cms|raw (ARTTYPE), a mechanism name (MECH) and a UTC time
 * YYYY-MM-DDTHH:MM:SSZ (TIME). */
enum sa_profile_val {
	SA_PROFILE_VAL_TEXT,
	SA_PROFILE_VAL_NAME,
	SA_PROFILE_VAL_PATH,
	SA_PROFILE_VAL_URI,
	SA_PROFILE_VAL_ENVNAME,
	SA_PROFILE_VAL_LABEL,
	SA_PROFILE_VAL_BOOL,
	SA_PROFILE_VAL_TIMEOUT,
	SA_PROFILE_VAL_DATE,
	SA_PROFILE_VAL_LEVEL,
	SA_PROFILE_VAL_FILE,
	SA_PROFILE_VAL_ARTTYPE,
	SA_PROFILE_VAL_MECH,
	SA_PROFILE_VAL_TIME,
	SA_PROFILE_VAL_COUNT,
};

/* Where it goes. */
enum sa_profile_field {
	SA_PROFILE_FIELD_NAME,
	SA_PROFILE_FIELD_DESCRIPTION,
	SA_PROFILE_FIELD_MODULE,
	SA_PROFILE_FIELD_TOKEN,
	SA_PROFILE_FIELD_INIT_ARGS,
	SA_PROFILE_FIELD_USER_PIN_ENV,
	SA_PROFILE_FIELD_USER_PIN_FILE,
	SA_PROFILE_FIELD_SO_PIN_ENV,
	SA_PROFILE_FIELD_SO_PIN_FILE,
	SA_PROFILE_FIELD_DISPOSABLE,
	SA_PROFILE_FIELD_STRICT,
	SA_PROFILE_FIELD_TIMEOUT,
	SA_PROFILE_FIELD_EXPOSURE,
	SA_PROFILE_FIELD_REASON,
	SA_PROFILE_FIELD_APPROVER,
	SA_PROFILE_FIELD_EXPIRES,
	SA_PROFILE_FIELD_WYCHEPROOF,
	SA_PROFILE_FIELD_CAVP,
	SA_PROFILE_FIELD_PKITS,
	SA_PROFILE_FIELD_LIMBO,
	SA_PROFILE_FIELD_VALIDATOR_COMMAND,
	SA_PROFILE_FIELD_VALIDATOR_TIMEOUT,
	SA_PROFILE_FIELD_PKI_ANCHORS,
	SA_PROFILE_FIELD_PKI_INTERMEDIATES,
	SA_PROFILE_FIELD_PKI_CERTS,
	SA_PROFILE_FIELD_PKI_CRLS,
	SA_PROFILE_FIELD_PKI_AT,
	SA_PROFILE_FIELD_OCSP_URL,
	SA_PROFILE_FIELD_OCSP_ISSUER,
	SA_PROFILE_FIELD_OCSP_GOOD,
	SA_PROFILE_FIELD_OCSP_REVOKED,
	SA_PROFILE_FIELD_OCSP_SIGNER,
	SA_PROFILE_FIELD_OCSP_UNISSUED,
	SA_PROFILE_FIELD_OCSP_REQUESTS,
	SA_PROFILE_FIELD_OCSP_MAX_MS,
	SA_PROFILE_FIELD_CRL_URL,
	SA_PROFILE_FIELD_CRL_ISSUER,
	SA_PROFILE_FIELD_ART_TYPE,
	SA_PROFILE_FIELD_ART_FILE,
	SA_PROFILE_FIELD_ART_DATA,
	SA_PROFILE_FIELD_ART_CERT,
	SA_PROFILE_FIELD_ART_MECH,
	SA_PROFILE_FIELD_ART_CHAIN,
	SA_PROFILE_FIELD_ART_AT,
};

struct key_def {
	enum sa_profile_sec sec;
	const char *key;
	enum sa_profile_val type;
	enum sa_profile_field field;
	int comp; /* SA_PROFILE_FIELD_EXPOSURE: the component */
	/* ${UNSET} expands to "" instead of failing: free text only. Anything
	 * that names a file, a variable or the token must not quietly become
	 * a different one. */
	bool lenient;
};

/* clang-format off */
#define KEY_(sec, key, val, field, lenient)                                    \
	{SA_PROFILE_SEC_##sec, key, SA_PROFILE_VAL_##val,                      \
	 SA_PROFILE_FIELD_##field, 0, lenient},
#define EXPOSURE_KEY_(name, str)                                               \
	{SA_PROFILE_SEC_EXPOSURE, str, SA_PROFILE_VAL_LEVEL,                   \
	 SA_PROFILE_FIELD_EXPOSURE, SA_COMPONENT_##name, false},

static const struct key_def key_defs[] = {
	/*   section  key                 value    field          lenient */
	KEY_(PROFILE, "name",             NAME,    NAME,          false)
	KEY_(PROFILE, "description",      TEXT,    DESCRIPTION,   true)
	KEY_(PKCS11,  "module",           PATH,    MODULE,        false)
	KEY_(PKCS11,  "token",            URI,     TOKEN,         false)
	KEY_(PKCS11,  "init_args",        TEXT,    INIT_ARGS,     false)
	KEY_(PKCS11,  "user_pin_env",     ENVNAME, USER_PIN_ENV,  false)
	KEY_(PKCS11,  "user_pin_file",    PATH,    USER_PIN_FILE, false)
	KEY_(PKCS11,  "so_pin_env",       ENVNAME, SO_PIN_ENV,    false)
	KEY_(PKCS11,  "so_pin_file",      PATH,    SO_PIN_FILE,   false)
	KEY_(PKCS11,  "disposable_token", LABEL,   DISPOSABLE,    false)
	KEY_(PKCS11,  "strict",           BOOL,    STRICT,        false)
	KEY_(RUN,     "timeout",          TIMEOUT, TIMEOUT,       false)
	SA_COMPONENTS(EXPOSURE_KEY_)
	KEY_(VECTORS, "wycheproof",       PATH,    WYCHEPROOF,    false)
	KEY_(VECTORS, "cavp",             PATH,    CAVP,          false)
	KEY_(VECTORS, "pkits",            PATH,    PKITS,         false)
	KEY_(VECTORS, "limbo",            PATH,    LIMBO,         false)
	KEY_(VALIDATOR, "command",        TEXT,    VALIDATOR_COMMAND, false)
	KEY_(VALIDATOR, "timeout",        TIMEOUT, VALIDATOR_TIMEOUT, false)
	KEY_(PKI,     "anchors",          FILE,    PKI_ANCHORS,   false)
	KEY_(PKI,     "intermediates",    FILE,    PKI_INTERMEDIATES, false)
	KEY_(PKI,     "certs",            FILE,    PKI_CERTS,     false)
	KEY_(PKI,     "crls",             FILE,    PKI_CRLS,      false)
	KEY_(PKI,     "at",               TIME,    PKI_AT,        false)
	KEY_(OCSP,    "url",              TEXT,    OCSP_URL,      false)
	KEY_(OCSP,    "issuer",           FILE,    OCSP_ISSUER,   false)
	KEY_(OCSP,    "good",             FILE,    OCSP_GOOD,     false)
	KEY_(OCSP,    "revoked",          FILE,    OCSP_REVOKED,  false)
	KEY_(OCSP,    "signer",           FILE,    OCSP_SIGNER,   false)
	KEY_(OCSP,    "unissued",         TEXT,    OCSP_UNISSUED, false)
	KEY_(OCSP,    "requests",         COUNT,   OCSP_REQUESTS, false)
	KEY_(OCSP,    "max_ms",           COUNT,   OCSP_MAX_MS,   false)
	KEY_(CRL,     "url",              TEXT,    CRL_URL,       false)
	KEY_(CRL,     "issuer",           FILE,    CRL_ISSUER,    false)
	KEY_(WAIVER,  "reason",           TEXT,    REASON,        true)
	KEY_(WAIVER,  "approver",         TEXT,    APPROVER,      true)
	KEY_(WAIVER,  "expires",          DATE,    EXPIRES,       false)
	KEY_(ARTEFACT, "type",            ARTTYPE, ART_TYPE,      false)
	KEY_(ARTEFACT, "file",            FILE,    ART_FILE,      false)
	KEY_(ARTEFACT, "data",            FILE,    ART_DATA,      false)
	KEY_(ARTEFACT, "cert",            FILE,    ART_CERT,      false)
	KEY_(ARTEFACT, "mechanism",       MECH,    ART_MECH,      false)
	KEY_(ARTEFACT, "chain",           FILE,    ART_CHAIN,     false)
	KEY_(ARTEFACT, "at",              TIME,    ART_AT,        false)
};

#undef KEY_
#undef EXPOSURE_KEY_
/* clang-format on */

/* Keys that only mean something with a module. */
static const enum sa_profile_field needs_module[] = {
    SA_PROFILE_FIELD_TOKEN,        SA_PROFILE_FIELD_INIT_ARGS,
    SA_PROFILE_FIELD_USER_PIN_ENV, SA_PROFILE_FIELD_USER_PIN_FILE,
    SA_PROFILE_FIELD_SO_PIN_ENV,   SA_PROFILE_FIELD_SO_PIN_FILE,
    SA_PROFILE_FIELD_DISPOSABLE,
};

struct parse {
	sa_profile *p;
	const char *path;
	const char *text;
	size_t len;
	size_t pos;
	int line;
	enum sa_profile_sec sec;
	char section[SA_PROFILE_SECTION_MAX + 16]; /* "waiver P11-SES-07" */
	size_t waiver;   /* SA_PROFILE_SEC_WAIVER: index */
	size_t artefact; /* SA_PROFILE_SEC_ARTEFACT: index */
	bool long_line;  /* this line's value is in long_value */
	char long_value[SA_PROFILE_LINE_MAX + 1];
	bool failed;
	int err_code;
	int err_line;
	char err_msg[SA_ERROR_MSG_MAX];
};

/* ---- errors ------------------------------------------------------------ */

static int perr_at(struct parse *ps, int line, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Keep the first error only: parsing stops there (the reader returns EOF), so
 * the first is the one the user must fix first. */
static int perr_at(struct parse *ps, int line, int code, const char *fmt, ...)
{
	char what[SA_ERROR_MSG_MAX];
	va_list ap;

	if (ps->failed)
		return ps->err_code;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (line > 0)
		snprintf(ps->err_msg, sizeof(ps->err_msg), "%s:%d: %s",
		         ps->path, line, what);
	else
		snprintf(ps->err_msg, sizeof(ps->err_msg), "%s: %s", ps->path,
		         what);
	ps->failed = true;
	ps->err_code = code;
	ps->err_line = line;
	return code;
}

#define P_ERR(ps, code, ...) perr_at((ps), (ps)->line, (code), __VA_ARGS__)

/* SA_ENSURE with the "<file>:<line>: " of the line being parsed. */
#define P_ENSURE(cond, ps, code, ...)                                          \
	do {                                                                   \
		if (!(cond)) {                                                 \
			rc = P_ERR((ps), (code), __VA_ARGS__);                 \
			goto out;                                              \
		}                                                              \
	} while (0)

/* ---- small helpers ----------------------------------------------------- */

static int grow(void **arr, size_t *cap, size_t n, size_t elem)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return SA_OK;
	ncap = *cap ? *cap * 2 : 8;
	if (ncap > SIZE_MAX / elem)
		return SA_E_NOMEM;
	p = realloc(*arr, ncap * elem);
	if (p == NULL)
		return SA_E_NOMEM;
	*arr = p;
	*cap = ncap;
	return SA_OK;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool valid_var_name(const char *s)
{
	size_t n =
	    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	              "0123456789_");

	return n > 0 && n <= SA_PROFILE_VAR_MAX && s[n] == '\0' &&
	       !isdigit((unsigned char)s[0]);
}

/* Profile names and case IDs end up in directory and file names: no '/', no
 * leading '.', nothing a shell or a report would trip over. */
static bool valid_id(const char *s, size_t max)
{
	size_t n =
	    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	              "0123456789._-");

	return n > 0 && n <= max && s[n] == '\0' &&
	       isalnum((unsigned char)s[0]);
}

static bool parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = {"true", "yes", "on", "1"};
	static const char *const no[] = {"false", "no", "off", "0"};

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return true;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return true;
		}
	}
	return false;
}

static bool parse_timeout(const char *s, unsigned *out)
{
	unsigned long v;
	char *end = NULL;

	/* Digits only: strtoul would accept " 30", "+30" and "-1". */
	if (s[0] == '\0' || strspn(s, "0123456789") != strlen(s) ||
	    strlen(s) > 6)
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v == 0 || v > SA_PROFILE_TIMEOUT_MAX)
		return false;
	*out = (unsigned)v;
	return true;
}

static int two_digits(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

static bool parse_date(const char *s)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30,
	                            31, 31, 30, 31, 30, 31};
	int y, m, d, max;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++) {
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return false;
	}
	y = two_digits(s) * 100 + two_digits(s + 2);
	m = two_digits(s + 5);
	d = two_digits(s + 8);
	if (y < 1 || m < 1 || m > 12 || d < 1)
		return false;
	max = mdays[m - 1];
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		max = 29;
	return d <= max;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (H.
 * Hinnant's days_from_civil): timegm() is not C11 and mktime() is local. */
static long long days_from_civil(int y, int m, int d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* "2026-11-23T10:00:31Z": the one form, UTC only, so that a validation time
 * is never read in some local zone. No leap second: X.509 times have none
 * (RFC 5280 §4.1.2.5). */
static bool parse_time(const char *s, long long *out)
{
	char date[11];
	int hh, mm, ss;

	if (strlen(s) != 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
	    s[19] != 'Z')
		return false;
	for (int i = 11; i < 19; i++) {
		if (i != 13 && i != 16 && !isdigit((unsigned char)s[i]))
			return false;
	}
	memcpy(date, s, 10);
	date[10] = '\0';
	if (!parse_date(date))
		return false;
	hh = two_digits(s + 11);
	mm = two_digits(s + 14);
	ss = two_digits(s + 17);
	if (hh > 23 || mm > 59 || ss > 59)
		return false;
	*out = days_from_civil(two_digits(s) * 100 + two_digits(s + 2),
	                       two_digits(s + 5), two_digits(s + 8)) *
	           86400LL +
	       hh * 3600LL + mm * 60LL + ss;
	return true;
}

static const char *const mech_names[] = {
    [SA_ARTEFACT_MECH_NONE] = NULL,
#define SA_ARTEFACT_MECH_NAME_(name, str) [SA_ARTEFACT_MECH_##name] = str,
    SA_ARTEFACT_MECHS(SA_ARTEFACT_MECH_NAME_)
#undef SA_ARTEFACT_MECH_NAME_
};

static sa_artefact_mech parse_mech(const char *s)
{
	for (int m = 1; m < SA_ARTEFACT_MECH_COUNT_; m++) {
		if (strcmp(s, mech_names[m]) == 0)
			return (sa_artefact_mech)m;
	}
	return SA_ARTEFACT_MECH_NONE;
}

const char *sa_artefact_mech_str(sa_artefact_mech m)
{
	if ((int)m <= 0 || m >= SA_ARTEFACT_MECH_COUNT_)
		return NULL;
	return mech_names[m];
}

/* "L3", "l3" or "3". */
static int parse_level(const char *s)
{
	if (s[0] == 'L' || s[0] == 'l')
		s++;
	if (s[0] >= '1' && s[0] <= '5' && s[1] == '\0')
		return s[0] - '0';
	return 0;
}

/* ---- ${VAR} expansion -------------------------------------------------- */

/* [environment] entries earlier in the file first, since they are set before
 * the module loads and later keys may build on them; then the process. */
static const char *lookup_var(const struct parse *ps, const char *name)
{
	for (size_t i = ps->p->n_env; i-- > 0;) {
		if (strcmp(ps->p->env[i].key, name) == 0)
			return ps->p->env[i].value;
	}
	return getenv(name);
}

static int expand(struct parse *ps, const char *key, const char *in,
                  bool lenient, char **out)
{
	sa_buf b = SA_BUF_INIT;
	char var[SA_PROFILE_VAR_MAX + 1];
	const char *s = in;
	int rc = SA_E_PROFILE;

	*out = NULL;
	while (*s != '\0') {
		const char *dollar = strchr(s, '$');
		const char *name, *val;
		size_t n;

		if (dollar == NULL) {
			sa_buf_append_str(&b, s);
			break;
		}
		sa_buf_append(&b, s, (size_t)(dollar - s));
		if (dollar[1] == '$') {
			sa_buf_append_str(&b, "$");
			s = dollar + 2;
			continue;
		}
		P_ENSURE(dollar[1] == '{', ps, SA_E_PROFILE,
		         "'$' in %s must start ${NAME} (write $$ for a "
		         "literal $)",
		         key);
		name = dollar + 2;
		n = strcspn(name, "}");
		P_ENSURE(name[n] == '}', ps, SA_E_PROFILE,
		         "unterminated ${ in %s", key);
		P_ENSURE(n > 0 && n <= SA_PROFILE_VAR_MAX, ps, SA_E_PROFILE,
		         "bad variable name in %s: ${%.*s}", key,
		         (int)(n > 64 ? 64 : n), name);
		memcpy(var, name, n);
		var[n] = '\0';
		P_ENSURE(valid_var_name(var), ps, SA_E_PROFILE,
		         "bad variable name in %s: ${%s}", key, var);
		val = lookup_var(ps, var);
		P_ENSURE(val != NULL || lenient, ps, SA_E_PROFILE,
		         "${%s} in %s is not set", var, key);
		if (val != NULL)
			sa_buf_append_str(&b, val);
		P_ENSURE(b.len <= SA_PROFILE_VALUE_MAX, ps, SA_E_PROFILE,
		         "value of %s too long after expansion (more than %d "
		         "characters)",
		         key, SA_PROFILE_VALUE_MAX);
		s = name + n + 1;
	}
	P_ENSURE(sa_buf_ok(&b), ps, SA_E_NOMEM, "out of memory");
	P_ENSURE(b.len <= SA_PROFILE_VALUE_MAX, ps, SA_E_PROFILE,
	         "value of %s too long (more than %d characters)", key,
	         SA_PROFILE_VALUE_MAX);
	*out = b.len > 0 ? (char *)sa_buf_steal(&b, NULL) : strdup("");
	P_ENSURE(*out != NULL, ps, SA_E_NOMEM, "out of memory");
	rc = SA_OK;
out:
	sa_buf_free(&b);
	return rc;
}

/* ---- records ----------------------------------------------------------- */

static const struct key_rec *find_rec(const sa_profile *p, const char *section,
                                      const char *key)
{
	for (size_t i = 0; i < p->n_keys; i++) {
		const struct key_rec *r = &p->keys[i];
		if (strcmp(r->section, section) != 0)
			continue;
		if (key == NULL ? r->key == NULL
		                : (r->key != NULL && strcmp(r->key, key) == 0))
			return r;
	}
	return NULL;
}

/* Record a section header (key NULL) or a key of the current section; a
 * second one is an error: which of two values wins is not something a reader
 * of the file should have to know. */
static int note(struct parse *ps, const char *section, const char *key)
{
	const struct key_rec *prev = find_rec(ps->p, section, key);
	struct key_rec *r;
	int rc = SA_E_PROFILE;

	P_ENSURE(prev == NULL || key == NULL, ps, SA_E_PROFILE,
	         "duplicate key '%s' in [%s] (first at line %d)", key, section,
	         prev ? prev->line : 0);
	P_ENSURE(prev == NULL, ps, SA_E_PROFILE,
	         "duplicate section [%s] (first at line %d)", section,
	         prev ? prev->line : 0);
	P_ENSURE(grow((void **)&ps->p->keys, &ps->p->cap_keys, ps->p->n_keys,
	              sizeof(*ps->p->keys)) == SA_OK,
	         ps, SA_E_NOMEM, "out of memory");
	r = &ps->p->keys[ps->p->n_keys];
	r->section = strdup(section);
	r->key = key ? strdup(key) : NULL;
	r->line = ps->line;
	if (r->section == NULL || (key != NULL && r->key == NULL)) {
		free(r->section);
		free(r->key);
		rc = P_ERR(ps, SA_E_NOMEM, "out of memory");
		goto out;
	}
	ps->p->n_keys++;
	rc = SA_OK;
out:
	return rc;
}

/* ---- sections ---------------------------------------------------------- */

static int begin_waiver(struct parse *ps, const char *id)
{
	struct waiver_rec *w;
	int rc = SA_E_PROFILE;

	P_ENSURE(*id != '\0', ps, SA_E_PROFILE,
	         "a waiver section names its case: [waiver P11-SES-07]");
	P_ENSURE(valid_id(id, SA_PROFILE_CASE_ID_MAX), ps, SA_E_PROFILE,
	         "bad case ID '%.64s' in waiver section (letters, digits, "
	         "'.', '_', '-'; at most %d)",
	         id, SA_PROFILE_CASE_ID_MAX);
	snprintf(ps->section, sizeof(ps->section), "waiver %s", id);
	SA_TRY(note(ps, ps->section, NULL));
	P_ENSURE(grow((void **)&ps->p->waivers, &ps->p->cap_waivers,
	              ps->p->n_waivers, sizeof(*ps->p->waivers)) == SA_OK,
	         ps, SA_E_NOMEM, "out of memory");
	w = &ps->p->waivers[ps->p->n_waivers];
	memset(w, 0, sizeof(*w));
	w->case_id = strdup(id);
	P_ENSURE(w->case_id != NULL, ps, SA_E_NOMEM, "out of memory");
	w->line = ps->line;
	ps->waiver = ps->p->n_waivers++;
	ps->sec = SA_PROFILE_SEC_WAIVER;
	rc = SA_OK;
out:
	return rc;
}

static int begin_artefact(struct parse *ps, const char *name)
{
	struct artefact_rec *a;
	int rc = SA_E_PROFILE;

	P_ENSURE(*name != '\0', ps, SA_E_PROFILE,
	         "an artefact section has a name: [artefact tsa-reply-1]");
	P_ENSURE(valid_id(name, SA_PROFILE_ARTEFACT_NAME_MAX), ps, SA_E_PROFILE,
	         "bad artefact name '%.64s' (letters, digits, '.', '_', '-'; "
	         "at most %d)",
	         name, SA_PROFILE_ARTEFACT_NAME_MAX);
	snprintf(ps->section, sizeof(ps->section), "artefact %s", name);
	SA_TRY(note(ps, ps->section, NULL));
	P_ENSURE(grow((void **)&ps->p->artefacts, &ps->p->cap_artefacts,
	              ps->p->n_artefacts, sizeof(*ps->p->artefacts)) == SA_OK,
	         ps, SA_E_NOMEM, "out of memory");
	a = &ps->p->artefacts[ps->p->n_artefacts];
	memset(a, 0, sizeof(*a));
	a->name = strdup(name);
	P_ENSURE(a->name != NULL, ps, SA_E_NOMEM, "out of memory");
	a->line = ps->line;
	ps->artefact = ps->p->n_artefacts++;
	ps->sec = SA_PROFILE_SEC_ARTEFACT;
	rc = SA_OK;
out:
	return rc;
}

/* "[name]" lines are handled here rather than by inih: inih reports a
 * section only through its keys, and an empty [waiver X] or a misspelt empty
 * section must still be an error. */
static int begin_section(struct parse *ps, const char *line, size_t n)
{
	char name[SA_PROFILE_SECTION_MAX + 1];
	const char *rb = memchr(line, ']', n);
	size_t a = 1, b, after;
	int rc = SA_E_PROFILE;

	P_ENSURE(rb != NULL, ps, SA_E_PROFILE, "section header without ']'");
	b = (size_t)(rb - line);
	after = b + 1;
	while (after < n && is_blank(line[after]))
		after++;
	P_ENSURE(after == n || line[after] == ';' || line[after] == '#', ps,
	         SA_E_PROFILE, "unexpected text after ']'");
	while (a < b && is_blank(line[a]))
		a++;
	while (b > a && is_blank(line[b - 1]))
		b--;
	P_ENSURE(b - a <= SA_PROFILE_SECTION_MAX, ps, SA_E_PROFILE,
	         "section name too long");
	memcpy(name, line + a, b - a);
	name[b - a] = '\0';

	if (strncmp(name, "waiver", 6) == 0 &&
	    (name[6] == '\0' || is_blank(name[6]))) {
		const char *id = name + 6;
		while (is_blank(*id))
			id++;
		rc = begin_waiver(ps, id);
		goto out;
	}
	if (strncmp(name, "artefact", 8) == 0 &&
	    (name[8] == '\0' || is_blank(name[8]))) {
		const char *id = name + 8;
		while (is_blank(*id))
			id++;
		rc = begin_artefact(ps, id);
		goto out;
	}
	ps->sec = SA_PROFILE_SEC_NONE;
	for (size_t i = SA_PROFILE_SEC_PROFILE; i < SA_PROFILE_SEC_WAIVER;
	     i++) {
		if (strcmp(name, sec_names[i]) == 0)
			ps->sec = (enum sa_profile_sec)i;
	}
	P_ENSURE(ps->sec != SA_PROFILE_SEC_NONE, ps, SA_E_PROFILE,
	         "unknown section [%s] (sections: profile, environment, "
	         "pkcs11, run, exposure, vectors, validator, pki, ocsp, crl, "
	         "waiver "
	         "<CASE-ID>, artefact <NAME>)",
	         name);
	snprintf(ps->section, sizeof(ps->section), "%s", name);
	rc = note(ps, ps->section, NULL);
out:
	return rc;
}

/* ---- the reader -------------------------------------------------------- */

/* Where inih splits "key = value": the first '=' or ':' before an inline
 * comment (';' after whitespace). Returns n when there is none. */
static size_t find_sep(const char *s, size_t n)
{
	bool was_space = false;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '=' || s[i] == ':')
			return i;
		if (was_space && s[i] == ';')
			return n;
		was_space = is_blank(s[i]);
	}
	return n;
}

/* The value of an over-long "key = value" line, cut and trimmed the way inih
 * cuts and trims values: an inline comment starts at a ';' that follows
 * whitespace. */
static void take_long_value(struct parse *ps, const char *v, size_t n)
{
	bool was_space = false;
	size_t end = n, a = 0;

	for (size_t i = 0; i < n; i++) {
		if (was_space && v[i] == ';') {
			end = i;
			break;
		}
		was_space = is_blank(v[i]);
	}
	while (a < end && is_blank(v[a]))
		a++;
	while (end > a && is_blank(v[end - 1]))
		end--;
	memcpy(ps->long_value, v + a, end - a);
	ps->long_value[end - a] = '\0';
	ps->long_line = true;
}

/* Hand inih a key line too long for its fixed line buffer (ini_max_line, 200
 * bytes in Debian's build; changing that global would be shared mutable
 * state) as "key=<mark>"; the handler takes the value from long_value. */
static bool emit_long(struct parse *ps, char *str, int num, const char *line,
                      size_t n)
{
	size_t sep = find_sep(line, n), k;

	if (n > SA_PROFILE_LINE_MAX) {
		P_ERR(ps, SA_E_PROFILE,
		      "value too long (more than %d characters)",
		      SA_PROFILE_LINE_MAX);
		return false;
	}
	if (sep == n) {
		P_ERR(ps, SA_E_PROFILE,
		      "expected 'key = value' or '[section]'");
		return false;
	}
	k = sep;
	while (k > 0 && is_blank(line[k - 1]))
		k--;
	if (k + sizeof(SA_PROFILE_LONG_MARK) + 2 > (size_t)num) {
		P_ERR(ps, SA_E_PROFILE, "key name too long");
		return false;
	}
	take_long_value(ps, line + sep + 1, n - sep - 1);
	memcpy(str, line, k);
	memcpy(str + k, "=" SA_PROFILE_LONG_MARK "\n",
	       sizeof("=" SA_PROFILE_LONG_MARK "\n"));
	return true;
}

/* fgets-style reader for ini_parse_stream: one physical line per call, so
 * that ps->line is the line inih is on. Section headers, comments and bad
 * lines are consumed here; after the first error it reports end of input. */
static char *reader(char *str, int num, void *stream)
{
	struct parse *ps = stream;
	const char *line, *nl;
	size_t n;

	if (ps->failed || ps->pos >= ps->len || num < 8)
		return NULL;
	line = ps->text + ps->pos;
	nl = memchr(line, '\n', ps->len - ps->pos);
	n = nl ? (size_t)(nl - line) : ps->len - ps->pos;
	ps->pos += n + (nl != NULL);
	ps->line++;
	ps->long_line = false;

	if (n > 0 && line[n - 1] == '\r')
		n--;
	if (ps->line == 1 && n >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0) {
		line += 3;
		n -= 3;
	}
	/* NUL would end the line early for inih; the others have no place in
	 * a path, a label or a reason, and could hide text from a reviewer. */
	for (size_t i = 0, k; i < n; i += k) {
		unsigned char c = (unsigned char)line[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			P_ERR(ps, SA_E_PROFILE, "control character 0x%02x", c);
			return NULL;
		}
		/* Values go into results.json and the reports, which are
		 * UTF-8; a file saved in a legacy code page is refused here
		 * rather than garbled there. */
		k = sa_utf8_seq_len((const unsigned char *)line + i, n - i);
		if (k == 0) {
			P_ERR(ps, SA_E_PROFILE,
			      "invalid UTF-8 (byte 0x%02x in column %zu); save "
			      "the file as UTF-8",
			      c, i + 1);
			return NULL;
		}
	}
	/* Leading blanks go: inih would read an indented line as the
	 * continuation of the previous value, which hides a typo as part of
	 * a reason or a path. Here an indented line is an ordinary line. */
	while (n > 0 && is_blank(*line)) {
		line++;
		n--;
	}
	if (n == 0 || line[0] == ';' || line[0] == '#') {
		memcpy(str, "\n", 2);
		return str;
	}
	if (line[0] == '[') {
		if (begin_section(ps, line, n) < 0)
			return NULL;
		memcpy(str, "\n", 2);
		return str;
	}
	if (n + 2 > (size_t)num)
		return emit_long(ps, str, num, line, n) ? str : NULL;
	memcpy(str, line, n);
	memcpy(str + n, "\n", 2);
	return str;
}

/* ---- keys -------------------------------------------------------------- */

static const struct key_def *find_def(enum sa_profile_sec sec, const char *key)
{
	for (size_t i = 0; i < sizeof(key_defs) / sizeof(key_defs[0]); i++) {
		if (key_defs[i].sec == sec && strcmp(key_defs[i].key, key) == 0)
			return &key_defs[i];
	}
	return NULL;
}

static int unknown_key(struct parse *ps, const char *key)
{
	char hint[96] = "";

	for (size_t i = 0; i < sizeof(key_defs) / sizeof(key_defs[0]); i++) {
		const struct key_def *d = &key_defs[i];
		if (strcasecmp(d->key, key) != 0)
			continue;
		if (d->sec == ps->sec)
			snprintf(hint, sizeof(hint), " (did you mean '%s'?)",
			         d->key);
		else
			snprintf(hint, sizeof(hint), " ('%s' belongs in [%s])",
			         d->key, sec_names[d->sec]);
		break;
	}
	return P_ERR(ps, SA_E_PROFILE, "unknown key '%.64s' in [%s]%s", key,
	             ps->section, hint);
}

static char **string_field(struct parse *ps, enum sa_profile_field f)
{
	sa_profile *p = ps->p;
	struct waiver_rec *w =
	    ps->sec == SA_PROFILE_SEC_WAIVER ? &p->waivers[ps->waiver] : NULL;
	struct artefact_rec *a = ps->sec == SA_PROFILE_SEC_ARTEFACT
	                             ? &p->artefacts[ps->artefact]
	                             : NULL;

	switch (f) {
	case SA_PROFILE_FIELD_NAME:
		return &p->name;
	case SA_PROFILE_FIELD_DESCRIPTION:
		return &p->description;
	case SA_PROFILE_FIELD_MODULE:
		return &p->module;
	case SA_PROFILE_FIELD_TOKEN:
		return &p->token_uri;
	case SA_PROFILE_FIELD_INIT_ARGS:
		return &p->init_args;
	case SA_PROFILE_FIELD_USER_PIN_ENV:
		return &p->pin_env[SA_PIN_USER];
	case SA_PROFILE_FIELD_USER_PIN_FILE:
		return &p->pin_file[SA_PIN_USER];
	case SA_PROFILE_FIELD_SO_PIN_ENV:
		return &p->pin_env[SA_PIN_SO];
	case SA_PROFILE_FIELD_SO_PIN_FILE:
		return &p->pin_file[SA_PIN_SO];
	case SA_PROFILE_FIELD_DISPOSABLE:
		return &p->disposable;
	case SA_PROFILE_FIELD_WYCHEPROOF:
		return &p->wycheproof_dir;
	case SA_PROFILE_FIELD_CAVP:
		return &p->cavp_dir;
	case SA_PROFILE_FIELD_PKITS:
		return &p->pkits_dir;
	case SA_PROFILE_FIELD_LIMBO:
		return &p->limbo_dir;
	case SA_PROFILE_FIELD_VALIDATOR_COMMAND:
		return &p->validator_command;
	case SA_PROFILE_FIELD_PKI_ANCHORS:
		return &p->pki_anchors;
	case SA_PROFILE_FIELD_PKI_INTERMEDIATES:
		return &p->pki_intermediates;
	case SA_PROFILE_FIELD_PKI_CERTS:
		return &p->pki_certs;
	case SA_PROFILE_FIELD_PKI_CRLS:
		return &p->pki_crls;
	case SA_PROFILE_FIELD_PKI_AT:
		return &p->pki_at;
	case SA_PROFILE_FIELD_OCSP_URL:
		return &p->ocsp_url;
	case SA_PROFILE_FIELD_OCSP_ISSUER:
		return &p->ocsp_issuer;
	case SA_PROFILE_FIELD_OCSP_GOOD:
		return &p->ocsp_good;
	case SA_PROFILE_FIELD_OCSP_REVOKED:
		return &p->ocsp_revoked;
	case SA_PROFILE_FIELD_OCSP_SIGNER:
		return &p->ocsp_signer;
	case SA_PROFILE_FIELD_OCSP_UNISSUED:
		return &p->ocsp_unissued;
	case SA_PROFILE_FIELD_CRL_URL:
		return &p->crl_url;
	case SA_PROFILE_FIELD_CRL_ISSUER:
		return &p->crl_issuer;
	case SA_PROFILE_FIELD_REASON:
		return w ? &w->reason : NULL;
	case SA_PROFILE_FIELD_APPROVER:
		return w ? &w->approver : NULL;
	case SA_PROFILE_FIELD_EXPIRES:
		return w ? &w->expires : NULL;
	case SA_PROFILE_FIELD_ART_FILE:
		return a ? &a->file : NULL;
	case SA_PROFILE_FIELD_ART_DATA:
		return a ? &a->data : NULL;
	case SA_PROFILE_FIELD_ART_CERT:
		return a ? &a->cert : NULL;
	case SA_PROFILE_FIELD_ART_MECH:
		return a ? &a->mechanism : NULL;
	case SA_PROFILE_FIELD_ART_CHAIN:
		return a ? &a->chain : NULL;
	case SA_PROFILE_FIELD_ART_AT:
		return a ? &a->at : NULL;
	case SA_PROFILE_FIELD_ART_TYPE:
	case SA_PROFILE_FIELD_STRICT:
	case SA_PROFILE_FIELD_TIMEOUT:
	case SA_PROFILE_FIELD_VALIDATOR_TIMEOUT:
	case SA_PROFILE_FIELD_OCSP_REQUESTS:
	case SA_PROFILE_FIELD_OCSP_MAX_MS:
	case SA_PROFILE_FIELD_EXPOSURE:
		break;
	}
	return NULL;
}

/* A PIN has one source: with two, which one is used would be a guess. */
static int check_pin_pair(struct parse *ps, enum sa_profile_field f)
{
	sa_pin_kind k;
	const char *who;
	const struct key_rec *a, *b;
	int rc = SA_E_PROFILE;

	if (f == SA_PROFILE_FIELD_USER_PIN_ENV ||
	    f == SA_PROFILE_FIELD_USER_PIN_FILE) {
		k = SA_PIN_USER;
		who = "user";
	} else if (f == SA_PROFILE_FIELD_SO_PIN_ENV ||
	           f == SA_PROFILE_FIELD_SO_PIN_FILE) {
		k = SA_PIN_SO;
		who = "so";
	} else {
		return SA_OK;
	}
	if (ps->p->pin_env[k] == NULL || ps->p->pin_file[k] == NULL)
		return SA_OK;
	a = find_rec(ps->p, "pkcs11",
	             k == SA_PIN_USER ? "user_pin_env" : "so_pin_env");
	b = find_rec(ps->p, "pkcs11",
	             k == SA_PIN_USER ? "user_pin_file" : "so_pin_file");
	P_ENSURE(false, ps, SA_E_PROFILE,
	         "%s_pin_env (line %d) and %s_pin_file (line %d) both set; "
	         "use one",
	         who, a ? a->line : 0, who, b ? b->line : 0);
out:
	return rc;
}

/* An artefact's file named relative to the profile: the profile and its
 * samples travel together (an auditor's USB stick), and the directory the
 * command is typed in should not change which file is checked. */
static int resolve_file(struct parse *ps, char **v)
{
	const char *slash = strrchr(ps->path, '/');
	sa_buf b = SA_BUF_INIT;
	int rc = SA_E_NOMEM;

	if ((*v)[0] == '/' || slash == NULL)
		return SA_OK;
	sa_buf_append(&b, ps->path, (size_t)(slash - ps->path) + 1);
	sa_buf_append_str(&b, *v);
	P_ENSURE(sa_buf_ok(&b), ps, SA_E_NOMEM, "out of memory");
	free(*v);
	*v = (char *)sa_buf_steal(&b, NULL);
	rc = SA_OK;
out:
	sa_buf_free(&b);
	return rc;
}

static int set_key(struct parse *ps, const struct key_def *d, const char *raw)
{
	char *v = NULL;
	P11KitUri *u = NULL;
	sa_error uerr = SA_ERROR_INIT;
	bool b = false;
	unsigned t = 0;
	int level = 0;
	sa_artefact_type atype = 0;
	sa_artefact_mech mech = SA_ARTEFACT_MECH_NONE;
	long long at_time = 0;
	int rc = SA_E_PROFILE;

	SA_TRY(note(ps, ps->section, d->key));
	SA_TRY(expand(ps, d->key, raw, d->lenient, &v));
	P_ENSURE(*v != '\0', ps, SA_E_PROFILE, "empty value for %s", d->key);

	switch (d->type) {
	case SA_PROFILE_VAL_TEXT:
	case SA_PROFILE_VAL_PATH:
		break;
	case SA_PROFILE_VAL_NAME:
		P_ENSURE(valid_id(v, SA_PROFILE_NAME_MAX), ps, SA_E_PROFILE,
		         "bad profile name '%.64s' (letters, digits, '.', "
		         "'_', '-'; at most %d)",
		         raw, SA_PROFILE_NAME_MAX);
		break;
	case SA_PROFILE_VAL_URI:
		if (sa_uri_parse_token(&u, v, &uerr) < 0) {
			rc = P_ERR(ps, SA_E_PROFILE, "%s", uerr.msg);
			goto out;
		}
		break;
	case SA_PROFILE_VAL_ENVNAME:
		P_ENSURE(valid_var_name(v), ps, SA_E_PROFILE,
		         "bad variable name for %s: '%.64s' (it names the "
		         "variable that holds the PIN)",
		         d->key, raw);
		break;
	case SA_PROFILE_VAL_LABEL:
		P_ENSURE(strlen(v) <= SA_PROFILE_LABEL_MAX, ps, SA_E_PROFILE,
		         "%s is longer than a token label (%d bytes)", d->key,
		         SA_PROFILE_LABEL_MAX);
		break;
	case SA_PROFILE_VAL_BOOL:
		P_ENSURE(parse_bool(v, &b), ps, SA_E_PROFILE,
		         "bad boolean for %s: '%.64s' (use true or false)",
		         d->key, raw);
		break;
	case SA_PROFILE_VAL_TIMEOUT:
		P_ENSURE(parse_timeout(v, &t), ps, SA_E_PROFILE,
		         "bad timeout '%.64s' (whole seconds, 1 to %u)", raw,
		         SA_PROFILE_TIMEOUT_MAX);
		break;
	case SA_PROFILE_VAL_DATE:
		P_ENSURE(parse_date(v), ps, SA_E_PROFILE,
		         "bad waiver expiry '%.64s' (use YYYY-MM-DD)", raw);
		break;
	case SA_PROFILE_VAL_LEVEL:
		level = parse_level(v);
		P_ENSURE(level != 0, ps, SA_E_PROFILE,
		         "bad exposure level for %s: '%.64s' (use L1 to L5)",
		         d->key, raw);
		break;
	case SA_PROFILE_VAL_FILE:
		SA_TRY(resolve_file(ps, &v));
		break;
	case SA_PROFILE_VAL_ARTTYPE:
		if (strcmp(v, "cms") == 0)
			atype = SA_ARTEFACT_CMS;
		else if (strcmp(v, "raw") == 0)
			atype = SA_ARTEFACT_RAW;
		P_ENSURE(atype != 0, ps, SA_E_PROFILE,
		         "bad artefact type '%.64s' (use cms or raw)", raw);
		break;
	case SA_PROFILE_VAL_MECH:
		mech = parse_mech(v);
		P_ENSURE(mech != SA_ARTEFACT_MECH_NONE, ps, SA_E_PROFILE,
		         "unknown mechanism '%.64s' (rsa-pkcs1-sha256|384|512, "
		         "rsa-pss-sha256|384|512, ecdsa-sha256|384|512, "
		         "ed25519, ed448)",
		         raw);
		break;
	case SA_PROFILE_VAL_COUNT:
		P_ENSURE(parse_timeout(v, &t) && t <= SA_PROFILE_COUNT_MAX, ps,
		         SA_E_PROFILE,
		         "bad count for %s: '%.64s' (whole number, 1 to %u)",
		         d->key, raw, SA_PROFILE_COUNT_MAX);
		break;
	case SA_PROFILE_VAL_TIME:
		P_ENSURE(parse_time(v, &at_time), ps, SA_E_PROFILE,
		         "bad validation time '%.64s' (use "
		         "YYYY-MM-DDTHH:MM:SSZ, UTC)",
		         raw);
		break;
	}

	switch (d->field) {
	case SA_PROFILE_FIELD_STRICT:
		ps->p->strict = b;
		break;
	case SA_PROFILE_FIELD_TIMEOUT:
		ps->p->timeout = t;
		break;
	case SA_PROFILE_FIELD_VALIDATOR_TIMEOUT:
		ps->p->validator_timeout = t;
		break;
	case SA_PROFILE_FIELD_OCSP_REQUESTS:
		ps->p->ocsp_requests = t;
		break;
	case SA_PROFILE_FIELD_OCSP_MAX_MS:
		ps->p->ocsp_max_ms = t;
		break;
	case SA_PROFILE_FIELD_EXPOSURE:
		ps->p->exposure[d->comp] = level;
		break;
	case SA_PROFILE_FIELD_ART_TYPE:
		ps->p->artefacts[ps->artefact].type = atype;
		break;
	default: {
		char **slot = string_field(ps, d->field);
		P_ENSURE(slot != NULL, ps, SA_E_PROFILE,
		         "key %s has no place in [%s]", d->key, ps->section);
		free(*slot);
		*slot = v;
		v = NULL;
		if (d->field == SA_PROFILE_FIELD_ART_MECH)
			ps->p->artefacts[ps->artefact].mech = mech;
		else if (d->field == SA_PROFILE_FIELD_ART_AT)
			ps->p->artefacts[ps->artefact].at_time = at_time;
		else if (d->field == SA_PROFILE_FIELD_PKI_AT)
			ps->p->pki_at_time = at_time;
		break;
	}
	}
	rc = check_pin_pair(ps, d->field);
out:
	p11_kit_uri_free(u);
	free(v);
	return rc;
}

static int set_env(struct parse *ps, const char *key, const char *raw)
{
	struct env_rec *e;
	char *v = NULL;
	char *k = NULL;
	int rc = SA_E_PROFILE;

	P_ENSURE(valid_var_name(key), ps, SA_E_PROFILE,
	         "bad environment variable name '%.64s'", key);
	SA_TRY(note(ps, "environment", key));
	SA_TRY(expand(ps, key, raw, false, &v));
	k = strdup(key);
	P_ENSURE(k != NULL, ps, SA_E_NOMEM, "out of memory");
	P_ENSURE(grow((void **)&ps->p->env, &ps->p->cap_env, ps->p->n_env,
	              sizeof(*ps->p->env)) == SA_OK,
	         ps, SA_E_NOMEM, "out of memory");
	e = &ps->p->env[ps->p->n_env++];
	e->key = k;
	e->value = v;
	e->line = ps->line;
	k = NULL;
	v = NULL;
	rc = SA_OK;
out:
	free(k);
	free(v);
	return rc;
}

/* inih callback: nonzero to go on. */
static int handler(void *user, const char *section, const char *name,
                   const char *value)
{
	struct parse *ps = user;
	const struct key_def *d;
	int rc = SA_E_PROFILE;

	(void)section; /* ours, from the reader: see begin_section */
	if (ps->long_line)
		value = ps->long_value;
	if (value == NULL)
		value = "";
	P_ENSURE(name[0] != '\0', ps, SA_E_PROFILE, "empty key name");
	P_ENSURE(ps->sec != SA_PROFILE_SEC_NONE, ps, SA_E_PROFILE,
	         "key '%.64s' outside any section", name);
	if (ps->sec == SA_PROFILE_SEC_ENVIRONMENT) {
		rc = set_env(ps, name, value);
		goto out;
	}
	d = find_def(ps->sec, name);
	if (d == NULL) {
		rc = unknown_key(ps, name);
		goto out;
	}
	rc = set_key(ps, d, value);
out:
	return rc == SA_OK;
}

/* ---- load -------------------------------------------------------------- */

static void free_waiver(struct waiver_rec *w)
{
	free(w->case_id);
	free(w->reason);
	free(w->approver);
	free(w->expires);
}

static void free_artefact(struct artefact_rec *a)
{
	free(a->name);
	free(a->file);
	free(a->data);
	free(a->cert);
	free(a->mechanism);
	free(a->chain);
	free(a->at);
}

void sa_profile_free(sa_profile *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->n_waivers; i++)
		free_waiver(&p->waivers[i]);
	free(p->waivers);
	for (size_t i = 0; i < p->n_artefacts; i++)
		free_artefact(&p->artefacts[i]);
	free(p->artefacts);
	for (size_t i = 0; i < p->n_env; i++) {
		free(p->env[i].key);
		free(p->env[i].value);
	}
	free(p->env);
	for (size_t i = 0; i < p->n_keys; i++) {
		free(p->keys[i].section);
		free(p->keys[i].key);
	}
	free(p->keys);
	for (int k = 0; k < 2; k++) {
		free(p->pin_env[k]);
		free(p->pin_file[k]);
	}
	free(p->path);
	free(p->name);
	free(p->description);
	free(p->module);
	free(p->token_uri);
	free(p->init_args);
	free(p->disposable);
	free(p->wycheproof_dir);
	free(p->cavp_dir);
	free(p->pkits_dir);
	free(p->limbo_dir);
	free(p->validator_command);
	free(p->pki_anchors);
	free(p->pki_intermediates);
	free(p->pki_certs);
	free(p->pki_crls);
	free(p->pki_at);
	free(p->ocsp_url);
	free(p->ocsp_issuer);
	free(p->ocsp_good);
	free(p->ocsp_revoked);
	free(p->ocsp_signer);
	free(p->ocsp_unissued);
	free(p->crl_url);
	free(p->crl_issuer);
	free(p);
}

static const char *field_key(enum sa_profile_field f)
{
	for (size_t i = 0; i < sizeof(key_defs) / sizeof(key_defs[0]); i++) {
		if (key_defs[i].field == f)
			return key_defs[i].key;
	}
	return "?";
}

/* What each type needs, checked once the section is complete: the keys may
 * come in any order. Reported at the section header, or at the key that does
 * not belong. */
static int finish_artefact(struct parse *ps, struct artefact_rec *a)
{
	char sec[SA_PROFILE_SECTION_MAX + 16];
	const struct key_rec *r;
	int rc = SA_E_PROFILE;

	snprintf(sec, sizeof(sec), "artefact %s", a->name);
	if (a->type == 0) {
		rc = perr_at(ps, a->line, SA_E_PROFILE,
		             "[artefact %s] has no type (cms or raw)", a->name);
		goto out;
	}
	if (a->file == NULL || a->cert == NULL) {
		rc = perr_at(ps, a->line, SA_E_PROFILE,
		             "[artefact %s] has no %s", a->name,
		             a->file == NULL ? "file (the signature)"
		                             : "cert (the expected signer "
		                               "certificate)");
		goto out;
	}
	if (a->type == SA_ARTEFACT_RAW &&
	    (a->data == NULL || a->mechanism == NULL)) {
		rc = perr_at(ps, a->line, SA_E_PROFILE,
		             "[artefact %s] of type raw has no %s", a->name,
		             a->data == NULL ? "data (the signed content)"
		                             : "mechanism");
		goto out;
	}
	r = find_rec(ps->p, sec, "mechanism");
	if (a->type == SA_ARTEFACT_CMS && r != NULL) {
		rc = perr_at(ps, r->line, SA_E_PROFILE,
		             "mechanism applies to type raw only (a CMS "
		             "signature names its own algorithms)");
		goto out;
	}
	a->pub.name = a->name;
	a->pub.type = a->type;
	a->pub.file = a->file;
	a->pub.data = a->data;
	a->pub.cert = a->cert;
	a->pub.mech = a->mech;
	a->pub.mechanism = a->mechanism;
	a->pub.chain = a->chain;
	a->pub.at = a->at;
	a->pub.at_time = a->at_time;
	a->pub.line = a->line;
	rc = SA_OK;
out:
	return rc;
}

/* Checks that need the whole file. */
static int finish(struct parse *ps)
{
	sa_profile *p = ps->p;
	int rc = SA_E_PROFILE;

	for (size_t i = 0; i < p->n_waivers; i++) {
		struct waiver_rec *w = &p->waivers[i];
		if (w->reason == NULL) {
			rc = perr_at(ps, w->line, SA_E_PROFILE,
			             "[waiver %s] has no reason (a waiver "
			             "states why the deviation is accepted)",
			             w->case_id);
			goto out;
		}
		w->pub.case_id = w->case_id;
		w->pub.reason = w->reason;
		w->pub.approver = w->approver;
		w->pub.expires = w->expires;
		w->pub.line = w->line;
	}
	for (size_t i = 0; i < p->n_artefacts; i++)
		SA_TRY(finish_artefact(ps, &p->artefacts[i]));
	if (p->pki_anchors == NULL &&
	    (p->pki_intermediates != NULL || p->pki_certs != NULL ||
	     p->pki_crls != NULL || p->pki_at != NULL)) {
		/* Without anchors no path can be built: the other keys alone
		 * would make every CV-PKI case an error, not a finding. */
		rc = perr_at(ps, sa_profile_key_line(p, "pki", NULL),
		             SA_E_PROFILE,
		             "[pki] has no anchors (the trust anchors of the "
		             "audited CA)");
		goto out;
	}
	if ((p->ocsp_url != NULL || p->ocsp_issuer != NULL ||
	     p->ocsp_good != NULL || p->ocsp_revoked != NULL ||
	     p->ocsp_signer != NULL || p->ocsp_unissued != NULL ||
	     p->ocsp_requests > 0 || p->ocsp_max_ms > 0) &&
	    (p->ocsp_url == NULL || p->ocsp_issuer == NULL)) {
		/* Every CV-OCSP request names the issuer (RFC 6960 §4.1.1
		 * CertID): without url and issuer nothing can be asked. */
		rc = perr_at(ps, sa_profile_key_line(p, "ocsp", NULL),
		             SA_E_PROFILE, "[ocsp] needs url and issuer");
		goto out;
	}
	if (p->crl_issuer != NULL && p->crl_url == NULL) {
		rc = perr_at(ps, sa_profile_key_line(p, "crl", NULL),
		             SA_E_PROFILE, "[crl] needs url");
		goto out;
	}
	if (p->module == NULL) {
		for (size_t i = 0;
		     i < sizeof(needs_module) / sizeof(needs_module[0]); i++) {
			const char *key = field_key(needs_module[i]);
			const struct key_rec *r = find_rec(p, "pkcs11", key);
			if (r != NULL) {
				rc = perr_at(ps, r->line, SA_E_PROFILE,
				             "%s without a module in [pkcs11]",
				             key);
				goto out;
			}
		}
	}
	if (p->name == NULL) {
		const char *base = strrchr(ps->path, '/');
		size_t n;

		base = base ? base + 1 : ps->path;
		n = strlen(base);
		if (n > 4 && strcmp(base + n - 4, ".ini") == 0)
			n -= 4;
		p->name = strndup(base, n);
		if (p->name == NULL) {
			rc = perr_at(ps, 0, SA_E_NOMEM, "out of memory");
			goto out;
		}
	}
	rc = SA_OK;
out:
	return rc;
}

static int parse_text(sa_profile **out, const char *path, const char *text,
                      size_t len, sa_error *err)
{
	struct parse *ps = NULL;
	int irc;
	int rc = SA_E_NOMEM;

	*out = NULL;
	/* On the heap: it holds a 4 KiB line buffer. */
	ps = calloc(1, sizeof(*ps));
	SA_ENSURE(ps != NULL, err, SA_E_NOMEM, "out of memory");
	ps->path = path;
	ps->text = text;
	ps->len = len;
	ps->p = calloc(1, sizeof(*ps->p));
	SA_ENSURE(ps->p != NULL, err, SA_E_NOMEM, "out of memory");
	ps->p->path = strdup(path);
	SA_ENSURE(ps->p->path != NULL, err, SA_E_NOMEM, "out of memory");

	irc = ini_parse_stream(reader, ps, handler, ps);
	SA_ENSURE(irc != -2, err, SA_E_NOMEM, "out of memory");
	/* inih numbers the lines it rejects itself (no '=' or ':'); ours are
	 * in ps. Whichever came first is the error. */
	if (irc > 0 && (!ps->failed || irc < ps->err_line)) {
		ps->failed = false;
		perr_at(ps, irc, SA_E_PROFILE,
		        "expected 'key = value' or '[section]'");
	}
	if (!ps->failed)
		finish(ps);
	SA_ENSURE(!ps->failed, err, ps->err_code, "%s", ps->err_msg);
	*out = ps->p;
	ps->p = NULL;
	rc = SA_OK;
out:
	if (ps != NULL) {
		sa_profile_free(ps->p);
		free(ps);
	}
	return rc;
}

int sa_profile_load_mem(sa_profile **out, const char *name, const char *text,
                        size_t len, sa_error *err)
{
	int rc = SA_E_INVALID;

	SA_ENSURE(out != NULL && (text != NULL || len == 0), err, SA_E_INVALID,
	          "sa_profile_load_mem: no output or text");
	*out = NULL;
	SA_ENSURE(len <= SA_PROFILE_FILE_MAX, err, SA_E_RANGE,
	          "%s: larger than %u bytes", name ? name : "(memory)",
	          SA_PROFILE_FILE_MAX);
	rc = parse_text(out, name ? name : "(memory)", text ? text : "", len,
	                err);
out:
	return rc;
}

int sa_profile_load(sa_profile **out, const char *path, sa_error *err)
{
	char *text = NULL;
	size_t len = 0;
	int rc = SA_E_INVALID;

	SA_ENSURE(out != NULL && path != NULL, err, SA_E_INVALID,
	          "sa_profile_load: no output or path");
	*out = NULL;
	SA_TRY(sa_read_file(&text, &len, path, SA_PROFILE_FILE_MAX, err));
	rc = parse_text(out, path, text, len, err);
out:
	free(text);
	return rc;
}

/* ---- getters ----------------------------------------------------------- */

const char *sa_profile_name(const sa_profile *p)
{
	return p ? p->name : NULL;
}

const char *sa_profile_path(const sa_profile *p)
{
	return p ? p->path : NULL;
}

const char *sa_profile_description(const sa_profile *p)
{
	return p ? p->description : NULL;
}

const char *sa_profile_module(const sa_profile *p)
{
	return p ? p->module : NULL;
}

const char *sa_profile_token_uri(const sa_profile *p)
{
	return p ? p->token_uri : NULL;
}

const char *sa_profile_init_args(const sa_profile *p)
{
	return p ? p->init_args : NULL;
}

const char *sa_profile_disposable_label(const sa_profile *p)
{
	return p ? p->disposable : NULL;
}

const char *sa_profile_validator_command(const sa_profile *p)
{
	return p ? p->validator_command : NULL;
}

unsigned sa_profile_validator_timeout(const sa_profile *p)
{
	return p ? p->validator_timeout : 0;
}

const char *sa_profile_pki_path(const sa_profile *p, const char *key)
{
	if (p == NULL || key == NULL)
		return NULL;
	if (strcmp(key, "anchors") == 0)
		return p->pki_anchors;
	if (strcmp(key, "intermediates") == 0)
		return p->pki_intermediates;
	if (strcmp(key, "certs") == 0)
		return p->pki_certs;
	if (strcmp(key, "crls") == 0)
		return p->pki_crls;
	return NULL;
}

const char *sa_profile_pki_at(const sa_profile *p)
{
	return p ? p->pki_at : NULL;
}

long long sa_profile_pki_at_time(const sa_profile *p)
{
	return p ? p->pki_at_time : 0;
}

const char *sa_profile_ocsp(const sa_profile *p, const char *key)
{
	if (p == NULL || key == NULL)
		return NULL;
	if (strcmp(key, "url") == 0)
		return p->ocsp_url;
	if (strcmp(key, "issuer") == 0)
		return p->ocsp_issuer;
	if (strcmp(key, "good") == 0)
		return p->ocsp_good;
	if (strcmp(key, "revoked") == 0)
		return p->ocsp_revoked;
	if (strcmp(key, "signer") == 0)
		return p->ocsp_signer;
	if (strcmp(key, "unissued") == 0)
		return p->ocsp_unissued;
	return NULL;
}

unsigned sa_profile_ocsp_requests(const sa_profile *p)
{
	return p ? p->ocsp_requests : 0;
}

unsigned sa_profile_ocsp_max_ms(const sa_profile *p)
{
	return p ? p->ocsp_max_ms : 0;
}

const char *sa_profile_crl(const sa_profile *p, const char *key)
{
	if (p == NULL || key == NULL)
		return NULL;
	if (strcmp(key, "url") == 0)
		return p->crl_url;
	if (strcmp(key, "issuer") == 0)
		return p->crl_issuer;
	return NULL;
}

const char *sa_profile_vectors_dir(const sa_profile *p, const char *set)
{
	if (p == NULL || set == NULL)
		return NULL;
	if (strcmp(set, "wycheproof") == 0)
		return p->wycheproof_dir;
	if (strcmp(set, "cavp") == 0)
		return p->cavp_dir;
	if (strcmp(set, "pkits") == 0)
		return p->pkits_dir;
	if (strcmp(set, "limbo") == 0)
		return p->limbo_dir;
	return NULL;
}

int sa_profile_set_vectors_dir(sa_profile *p, const char *set, const char *dir,
                               sa_error *err)
{
	char **slot = NULL;
	char *copy = NULL;
	int rc = SA_E_INVALID;

	SA_ENSURE(p != NULL && set != NULL && dir != NULL && dir[0] != '\0',
	          err, SA_E_INVALID, "empty vector directory");
	if (strcmp(set, "wycheproof") == 0)
		slot = &p->wycheproof_dir;
	else if (strcmp(set, "cavp") == 0)
		slot = &p->cavp_dir;
	else if (strcmp(set, "pkits") == 0)
		slot = &p->pkits_dir;
	else if (strcmp(set, "limbo") == 0)
		slot = &p->limbo_dir;
	SA_ENSURE(slot != NULL, err, SA_E_INVALID,
	          "unknown vector set '%.32s' (wycheproof, cavp, pkits, "
	          "limbo)",
	          set);
	copy = strdup(dir);
	SA_ENSURE(copy != NULL, err, SA_E_NOMEM, "out of memory");
	free(*slot);
	*slot = copy;
	rc = SA_OK;
out:
	return rc;
}

bool sa_profile_strict(const sa_profile *p)
{
	return p ? p->strict : false;
}

unsigned sa_profile_timeout(const sa_profile *p)
{
	return p ? p->timeout : 0;
}

int sa_profile_key_line(const sa_profile *p, const char *section,
                        const char *key)
{
	const struct key_rec *r;

	if (p == NULL || section == NULL)
		return 0;
	r = find_rec(p, section, key);
	return r ? r->line : 0;
}

const sa_waiver *sa_profile_waiver(const sa_profile *p, const char *case_id)
{
	if (p == NULL || case_id == NULL)
		return NULL;
	for (size_t i = 0; i < p->n_waivers; i++) {
		if (strcmp(p->waivers[i].case_id, case_id) == 0)
			return &p->waivers[i].pub;
	}
	return NULL;
}

size_t sa_profile_waiver_count(const sa_profile *p)
{
	return p ? p->n_waivers : 0;
}

const sa_waiver *sa_profile_waiver_at(const sa_profile *p, size_t i)
{
	return p && i < p->n_waivers ? &p->waivers[i].pub : NULL;
}

size_t sa_profile_artefact_count(const sa_profile *p)
{
	return p ? p->n_artefacts : 0;
}

const sa_artefact *sa_profile_artefact_at(const sa_profile *p, size_t i)
{
	return p && i < p->n_artefacts ? &p->artefacts[i].pub : NULL;
}

int sa_profile_exposure(const sa_profile *p, sa_component c)
{
	if (p == NULL || (int)c < 0 || c >= SA_COMPONENT_COUNT_)
		return 0;
	return p->exposure[c];
}

const char *sa_component_str(sa_component c)
{
	switch (c) {
#define SA_COMPONENT_CASE_(name, str)                                          \
	case SA_COMPONENT_##name:                                              \
		return str;
		SA_COMPONENTS(SA_COMPONENT_CASE_)
#undef SA_COMPONENT_CASE_
	case SA_COMPONENT_COUNT_:
		break;
	}
	return "unknown";
}

size_t sa_profile_env_count(const sa_profile *p)
{
	return p ? p->n_env : 0;
}

void sa_profile_env_at(const sa_profile *p, size_t i, const char **key,
                       const char **value)
{
	const struct env_rec *e = p && i < p->n_env ? &p->env[i] : NULL;

	if (key != NULL)
		*key = e ? e->key : NULL;
	if (value != NULL)
		*value = e ? e->value : NULL;
}

int sa_profile_apply_env(const sa_profile *p, sa_error *err)
{
	int rc = SA_E_INVALID;

	SA_ENSURE(p != NULL, err, SA_E_INVALID, "no profile");
	for (size_t i = 0; i < p->n_env; i++) {
		const struct env_rec *e = &p->env[i];
		SA_ENSURE(setenv(e->key, e->value, 1) == 0, err, SA_E_IO,
		          "%s:%d: cannot set %s: %s", p->path, e->line, e->key,
		          strerror(errno));
	}
	rc = SA_OK;
out:
	return rc;
}

/* ---- PINs -------------------------------------------------------------- */

bool sa_profile_has_pin(const sa_profile *p, sa_pin_kind kind)
{
	if (p == NULL || (kind != SA_PIN_USER && kind != SA_PIN_SO))
		return false;
	return p->pin_env[kind] != NULL || p->pin_file[kind] != NULL;
}

/* Read a PIN file into a secure buffer. Messages name the file, never its
 * contents. */
static int read_pin_file(const sa_profile *p, const char *key, const char *path,
                         sa_buf *out, sa_error *err)
{
	unsigned char chunk[256];
	struct stat st;
	int line = sa_profile_key_line(p, "pkcs11", key);
	int fd = -1;
	int rc = SA_E_SECRET;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	SA_ENSURE(fd >= 0, err, SA_E_SECRET,
	          "%s:%d: %s: cannot open PIN file %s: %s", p->path, line, key,
	          path, strerror(errno));
	SA_ENSURE(fstat(fd, &st) == 0, err, SA_E_SECRET,
	          "%s:%d: %s: cannot stat PIN file %s: %s", p->path, line, key,
	          path, strerror(errno));
	SA_ENSURE(S_ISREG(st.st_mode), err, SA_E_SECRET,
	          "%s:%d: %s: PIN file %s is not a regular file", p->path, line,
	          key, path);
	/* A warning, not an error: on an audit site the file may be on a
	 * mount where modes cannot be changed, and refusing would only make
	 * the auditor put the PIN somewhere worse. */
	if ((st.st_mode & (S_IRGRP | S_IROTH)) != 0)
		sa_log_warn("%s:%d: PIN file %s is readable by group or others "
		            "(mode %04o); chmod 600 it",
		            p->path, line, path,
		            (unsigned)(st.st_mode & 07777));
	for (;;) {
		ssize_t got = read(fd, chunk, sizeof(chunk));
		if (got < 0 && errno == EINTR)
			continue;
		SA_ENSURE(got >= 0, err, SA_E_SECRET,
		          "%s:%d: %s: cannot read PIN file %s: %s", p->path,
		          line, key, path, strerror(errno));
		if (got == 0)
			break;
		SA_ENSURE(out->len + (size_t)got <= SA_PROFILE_PIN_FILE_MAX,
		          err, SA_E_SECRET,
		          "%s:%d: %s: PIN file %s is larger than %d bytes",
		          p->path, line, key, path, SA_PROFILE_PIN_FILE_MAX);
		SA_ENSURE(sa_buf_append(out, chunk, (size_t)got) == SA_OK, err,
		          SA_E_NOMEM, "out of memory");
	}
	rc = SA_OK;
out:
	OPENSSL_cleanse(chunk, sizeof(chunk));
	if (fd >= 0)
		close(fd);
	return rc;
}

int sa_profile_read_pin(const sa_profile *p, sa_pin_kind kind, sa_buf *out,
                        sa_error *err)
{
	sa_buf tmp = SA_BUF_INIT_SECURE;
	const char *who = kind == SA_PIN_SO ? "so" : "user";
	char env_key[16], file_key[16];
	int rc = SA_E_INVALID;

	SA_ENSURE(p != NULL && out != NULL &&
	              (kind == SA_PIN_USER || kind == SA_PIN_SO),
	          err, SA_E_INVALID, "sa_profile_read_pin: bad argument");
	sa_buf_reset(out);
	snprintf(env_key, sizeof(env_key), "%s_pin_env", who);
	snprintf(file_key, sizeof(file_key), "%s_pin_file", who);

	if (p->pin_env[kind] != NULL) {
		const char *v = getenv(p->pin_env[kind]);
		int line = sa_profile_key_line(p, "pkcs11", env_key);

		SA_ENSURE(v != NULL, err, SA_E_SECRET,
		          "%s:%d: %s: variable %s is not set", p->path, line,
		          env_key, p->pin_env[kind]);
		SA_ENSURE(v[0] != '\0', err, SA_E_SECRET,
		          "%s:%d: %s: variable %s is empty", p->path, line,
		          env_key, p->pin_env[kind]);
		SA_ENSURE(sa_buf_append_str(&tmp, v) == SA_OK, err, SA_E_NOMEM,
		          "out of memory");
	} else {
		SA_ENSURE(p->pin_file[kind] != NULL, err, SA_E_SECRET,
		          "%s: no %s PIN configured (set %s or %s in "
		          "[pkcs11])",
		          p->path, kind == SA_PIN_SO ? "SO" : "user", env_key,
		          file_key);
		SA_TRY(
		    read_pin_file(p, file_key, p->pin_file[kind], &tmp, err));
		/* Editors and `echo` add a line end; it is not part of the
		 * PIN. Only one: anything else is the user's. */
		if (tmp.len > 0 && tmp.data[tmp.len - 1] == '\n') {
			tmp.data[--tmp.len] = '\0';
			if (tmp.len > 0 && tmp.data[tmp.len - 1] == '\r')
				tmp.data[--tmp.len] = '\0';
		}
		SA_ENSURE(tmp.len > 0, err, SA_E_SECRET,
		          "%s:%d: %s: PIN file %s is empty", p->path,
		          sa_profile_key_line(p, "pkcs11", file_key), file_key,
		          p->pin_file[kind]);
	}
	SA_ENSURE(sa_buf_append(out, tmp.data, tmp.len) == SA_OK, err,
	          SA_E_NOMEM, "out of memory");
	rc = SA_OK;
out:
	sa_buf_free(&tmp);
	if (rc != SA_OK && out != NULL)
		sa_buf_reset(out);
	return rc;
}

/* ---- JSON -------------------------------------------------------------- */

/* Values of variables whose names suggest a secret are not copied into
 * results.json even though a profile should never hold one: a profile may
 * pass a vendor module its password through [environment]. */
static bool secret_name(const char *key)
{
	static const char *const words[] = {"PIN", "PASS", "SECRET", "CRED",
	                                    "AUTH"};
	char up[SA_PROFILE_VAR_MAX + 1];
	size_t n = 0;

	for (; key[n] != '\0' && n < SA_PROFILE_VAR_MAX; n++)
		up[n] = (char)toupper((unsigned char)key[n]);
	up[n] = '\0';
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (strstr(up, words[i]) != NULL)
			return true;
	}
	return false;
}

/* Set o[k] = v (a new reference, possibly NULL after a failed allocation);
 * false on failure. */
static bool jset(json_t *o, const char *k, json_t *v)
{
	return v != NULL && json_object_set_new(o, k, v) == 0;
}

/* Move *v into o[k]. */
static bool jsteal(json_t *o, const char *k, json_t **v)
{
	json_t *x = *v;

	*v = NULL;
	return json_object_set_new(o, k, x) == 0;
}

static bool jset_str(json_t *o, const char *k, const char *s)
{
	return s == NULL || jset(o, k, sa_json_string_lossy(s));
}

static json_t *pin_json(const sa_profile *p, sa_pin_kind k)
{
	if (p->pin_env[k] != NULL)
		return json_pack("{s:s, s:o}", "source", "env", "variable",
		                 sa_json_string_lossy(p->pin_env[k]));
	if (p->pin_file[k] != NULL)
		return json_pack("{s:s, s:o}", "source", "file", "path",
		                 sa_json_string_lossy(p->pin_file[k]));
	return json_null();
}

json_t *sa_profile_to_json(const sa_profile *p)
{
	json_t *root = NULL, *env = NULL, *pk = NULL, *run = NULL, *exp = NULL,
	       *wv = NULL, *vec = NULL, *art = NULL;
	bool ok;

	if (p == NULL)
		return NULL;
	root = json_object();
	env = json_object();
	pk = json_object();
	run = json_object();
	exp = json_object();
	wv = json_array();
	vec = json_object();
	art = json_array();
	ok = root && env && pk && run && exp && wv && vec && art;

	ok = ok && jset_str(root, "name", p->name) &&
	     jset_str(root, "path", p->path) &&
	     jset_str(root, "description", p->description);
	for (size_t i = 0; ok && i < p->n_env; i++)
		ok = jset_str(env, p->env[i].key,
		              secret_name(p->env[i].key) ? "(redacted)"
		                                         : p->env[i].value);
	ok = ok && jset_str(pk, "module", p->module) &&
	     jset_str(pk, "token", p->token_uri) &&
	     jset_str(pk, "init_args", p->init_args) &&
	     jset_str(pk, "disposable_token", p->disposable) &&
	     jset(pk, "strict", json_boolean(p->strict)) &&
	     jset(pk, "user_pin", pin_json(p, SA_PIN_USER)) &&
	     jset(pk, "so_pin", pin_json(p, SA_PIN_SO));
	ok = ok && jset_str(vec, "wycheproof", p->wycheproof_dir) &&
	     jset_str(vec, "cavp", p->cavp_dir) &&
	     jset_str(vec, "pkits", p->pkits_dir) &&
	     jset_str(vec, "limbo", p->limbo_dir);
	if (ok && p->validator_command != NULL) {
		json_t *v = json_pack("{s:s}", "command", p->validator_command);
		if (v != NULL && p->validator_timeout > 0)
			json_object_set_new(v, "timeout",
			                    json_integer(p->validator_timeout));
		ok =
		    v != NULL && json_object_set_new(root, "validator", v) == 0;
	}
	if (ok && p->pki_anchors != NULL) {
		json_t *v = json_object();
		ok = v != NULL && jset_str(v, "anchors", p->pki_anchors) &&
		     jset_str(v, "intermediates", p->pki_intermediates) &&
		     jset_str(v, "certs", p->pki_certs) &&
		     jset_str(v, "crls", p->pki_crls) &&
		     jset_str(v, "at", p->pki_at);
		if (!ok)
			json_decref(v);
		else
			ok = json_object_set_new(root, "pki", v) == 0;
	}
	if (ok && p->ocsp_url != NULL) {
		json_t *v = json_object();
		ok = v != NULL && jset_str(v, "url", p->ocsp_url) &&
		     jset_str(v, "issuer", p->ocsp_issuer) &&
		     jset_str(v, "good", p->ocsp_good) &&
		     jset_str(v, "revoked", p->ocsp_revoked) &&
		     jset_str(v, "signer", p->ocsp_signer) &&
		     jset_str(v, "unissued", p->ocsp_unissued) &&
		     (p->ocsp_requests == 0 ||
		      jset(v, "requests", json_integer(p->ocsp_requests))) &&
		     (p->ocsp_max_ms == 0 ||
		      jset(v, "max_ms", json_integer(p->ocsp_max_ms)));
		if (!ok)
			json_decref(v);
		else
			ok = json_object_set_new(root, "ocsp", v) == 0;
	}
	if (ok && p->crl_url != NULL) {
		json_t *v = json_object();
		ok = v != NULL && jset_str(v, "url", p->crl_url) &&
		     jset_str(v, "issuer", p->crl_issuer);
		if (!ok)
			json_decref(v);
		else
			ok = json_object_set_new(root, "crl", v) == 0;
	}
	if (ok && p->timeout > 0)
		ok = jset(run, "timeout", json_integer(p->timeout));
	for (int c = 0; ok && c < SA_COMPONENT_COUNT_; c++) {
		char lv[4];
		if (p->exposure[c] == 0)
			continue;
		snprintf(lv, sizeof(lv), "L%d", p->exposure[c]);
		ok = jset_str(exp, sa_component_str((sa_component)c), lv);
	}
	for (size_t i = 0; ok && i < p->n_waivers; i++) {
		const struct waiver_rec *w = &p->waivers[i];
		json_t *o = json_object();
		ok = o != NULL && jset_str(o, "case", w->case_id) &&
		     jset_str(o, "reason", w->reason) &&
		     jset_str(o, "approver", w->approver) &&
		     jset_str(o, "expires", w->expires) &&
		     jset(o, "line", json_integer(w->line));
		if (!ok)
			json_decref(o);
		else
			ok = json_array_append_new(wv, o) == 0;
	}
	for (size_t i = 0; ok && i < p->n_artefacts; i++) {
		const struct artefact_rec *a = &p->artefacts[i];
		json_t *o = json_object();
		ok = o != NULL && jset_str(o, "name", a->name) &&
		     jset_str(o, "type",
		              a->type == SA_ARTEFACT_CMS ? "cms" : "raw") &&
		     jset_str(o, "file", a->file) &&
		     jset_str(o, "data", a->data) &&
		     jset_str(o, "cert", a->cert) &&
		     jset_str(o, "mechanism", a->mechanism) &&
		     jset_str(o, "chain", a->chain) &&
		     jset_str(o, "at", a->at) &&
		     jset(o, "line", json_integer(a->line));
		if (!ok)
			json_decref(o);
		else
			ok = json_array_append_new(art, o) == 0;
	}
	ok = ok && jsteal(root, "environment", &env) &&
	     jsteal(root, "pkcs11", &pk) && jsteal(root, "run", &run) &&
	     jsteal(root, "exposure", &exp) && jsteal(root, "vectors", &vec) &&
	     jsteal(root, "waivers", &wv) && jsteal(root, "artefacts", &art);
	if (!ok) {
		json_decref(root);
		root = NULL;
	}
	json_decref(env);
	json_decref(pk);
	json_decref(run);
	json_decref(exp);
	json_decref(wv);
	json_decref(vec);
	json_decref(art);
	return root;
}
