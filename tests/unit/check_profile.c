/* Unit tests of harness/src/profile.c (sigaudit/profile.h). */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "sigaudit/profile.h"

/* A PIN distinctive enough that finding it anywhere is not a coincidence. */
#define TEST_PIN "S3cr3t-P1N-4711"

static char tmpdir[512];

static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "%s/profile-XXXXXX", SA_TEST_TMP_DIR);
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	setenv("SA_T_DIR", tmpdir, 1);
	unsetenv("SA_T_UNSET");
}

static void teardown(void)
{
	static const char *const names[] = {"p.ini", "user.pin", "so.pin",
	                                    "err.txt", "dir.pin"};
	char path[1024];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", tmpdir, names[i]);
		unlink(path);
		rmdir(path);
	}
	rmdir(tmpdir);
}

static const char *tmp_path(const char *name)
{
	static char path[1024];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	return path;
}

static void write_file(const char *name, const char *text, mode_t mode)
{
	const char *path = tmp_path(name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	size_t len = strlen(text);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	ck_assert_int_eq(fchmod(fd, mode), 0);
	close(fd);
}

static sa_profile *load_ok(const char *text)
{
	sa_profile *p = NULL;
	sa_error err = SA_ERROR_INIT;
	int rc = sa_profile_load_mem(&p, "t.ini", text, strlen(text), &err);

	ck_assert_msg(rc == SA_OK, "load failed: %s", err.msg);
	ck_assert_ptr_nonnull(p);
	return p;
}

/* ---- a complete profile -------------------------------------------------- */

static const char full[] = "; comment\n"
                           "# another\n"
                           "[profile]\n"
                           "name = demo-1\n"
                           "description = The demo ; trailing comment\n"
                           "\n"
                           "[environment]\n"
                           "SOFTHSM2_CONF = ${SA_T_DIR}/softhsm2.conf\n"
                           "SA_T_BASE = /opt\n"
                           "\n"
                           "[pkcs11]\n"
                           "module = ${SA_T_BASE}/lib/libsofthsm2.so\n"
                           "token = pkcs11:token=sigaudit-demo\n"
                           "init_args = configdir='sql:/x' flags=readOnly\n"
                           "user_pin_file = ${SA_T_DIR}/user.pin\n"
                           "so_pin_env = SA_T_SO_PIN\n"
                           "disposable_token = sigaudit-demo\n"
                           "strict = yes\n"
                           "\n"
                           "[run]\n"
                           "timeout = 30\n"
                           "\n"
                           "[exposure]\n"
                           "hsm = L2\n"
                           "tsa = 5\n"
                           "ocsp = l3\n"
                           "\n"
                           "[waiver P11-SES-07]\n"
                           "reason = vendor ticket 1\n"
                           "approver = CISO\n"
                           "expires = 2027-06-30\n"
                           "[waiver P11-SES-06a]\n"
                           "reason = old firmware\n";

START_TEST(test_full_profile)
{
	sa_profile *p = load_ok(full);
	char want[1024];
	const char *k, *v;

	ck_assert_str_eq(sa_profile_name(p), "demo-1");
	ck_assert_str_eq(sa_profile_path(p), "t.ini");
	ck_assert_str_eq(sa_profile_description(p), "The demo");
	ck_assert_str_eq(sa_profile_module(p), "/opt/lib/libsofthsm2.so");
	ck_assert_str_eq(sa_profile_token_uri(p), "pkcs11:token=sigaudit-demo");
	ck_assert_str_eq(sa_profile_init_args(p),
	                 "configdir='sql:/x' flags=readOnly");
	ck_assert_str_eq(sa_profile_disposable_label(p), "sigaudit-demo");
	ck_assert(sa_profile_strict(p));
	ck_assert_uint_eq(sa_profile_timeout(p), 30);
	ck_assert(sa_profile_has_pin(p, SA_PIN_USER));
	ck_assert(sa_profile_has_pin(p, SA_PIN_SO));

	ck_assert_int_eq(sa_profile_exposure(p, SA_COMPONENT_HSM), 2);
	ck_assert_int_eq(sa_profile_exposure(p, SA_COMPONENT_TSA), 5);
	ck_assert_int_eq(sa_profile_exposure(p, SA_COMPONENT_OCSP), 3);
	ck_assert_int_eq(sa_profile_exposure(p, SA_COMPONENT_CA), 0);
	ck_assert_int_eq(sa_profile_exposure(p, SA_COMPONENT_COUNT_), 0);

	ck_assert_uint_eq(sa_profile_env_count(p), 2);
	sa_profile_env_at(p, 0, &k, &v);
	snprintf(want, sizeof(want), "%s/softhsm2.conf", tmpdir);
	ck_assert_str_eq(k, "SOFTHSM2_CONF");
	ck_assert_str_eq(v, want);
	sa_profile_env_at(p, 2, &k, &v);
	ck_assert_ptr_null(k);
	ck_assert_ptr_null(v);

	ck_assert_int_eq(sa_profile_key_line(p, "pkcs11", "module"), 12);
	ck_assert_int_eq(sa_profile_key_line(p, "run", "timeout"), 21);
	ck_assert_int_eq(sa_profile_key_line(p, "environment", "SA_T_BASE"), 9);
	ck_assert_int_eq(sa_profile_key_line(p, "waiver P11-SES-07", "expires"),
	                 31);
	ck_assert_int_eq(sa_profile_key_line(p, "pkcs11", "strict"), 18);
	ck_assert_int_eq(sa_profile_key_line(p, "pkcs11", "nope"), 0);
	ck_assert_int_eq(sa_profile_key_line(p, "nope", "module"), 0);
	sa_profile_free(p);
}
END_TEST

START_TEST(test_defaults)
{
	sa_profile *p = NULL;
	sa_error err = SA_ERROR_INIT;

	ck_assert_int_eq(
	    sa_profile_load_mem(&p, "dir/vendor.x.ini", "", 0, &err), SA_OK);
	ck_assert_str_eq(sa_profile_name(p), "vendor.x");
	ck_assert_ptr_null(sa_profile_description(p));
	ck_assert_ptr_null(sa_profile_module(p));
	ck_assert_ptr_null(sa_profile_token_uri(p));
	ck_assert_ptr_null(sa_profile_init_args(p));
	ck_assert_ptr_null(sa_profile_disposable_label(p));
	ck_assert(!sa_profile_strict(p));
	ck_assert_uint_eq(sa_profile_timeout(p), 0);
	ck_assert(!sa_profile_has_pin(p, SA_PIN_USER));
	ck_assert(!sa_profile_has_pin(p, SA_PIN_SO));
	ck_assert_uint_eq(sa_profile_waiver_count(p), 0);
	ck_assert_ptr_null(sa_profile_waiver_at(p, 0));
	ck_assert_uint_eq(sa_profile_env_count(p), 0);
	for (int c = 0; c < SA_COMPONENT_COUNT_; c++)
		ck_assert_int_eq(sa_profile_exposure(p, (sa_component)c), 0);
	sa_profile_free(p);
	sa_profile_free(NULL);

	/* NULL profile: getters do not crash. */
	ck_assert_ptr_null(sa_profile_name(NULL));
	ck_assert_uint_eq(sa_profile_waiver_count(NULL), 0);
	ck_assert_ptr_null(sa_profile_waiver(NULL, "X"));
	ck_assert_ptr_null(sa_profile_to_json(NULL));
}
END_TEST

/* [vectors] and [validator]: where vector sets live and the external
 * validator under audit; --vectors SET=PATH overrides a set. */
START_TEST(test_vectors_and_validator)
{
	static const char text[] = "[vectors]\n"
	                           "wycheproof = /w\n"
	                           "cavp = /c\n"
	                           "pkits = /p/pkits.json\n"
	                           "limbo = /l.json\n"
	                           "[validator]\n"
	                           "command = ./validate --limbo\n"
	                           "timeout = 7\n";
	sa_profile *p = NULL;
	sa_error err = SA_ERROR_INIT;
	json_t *j;

	ck_assert_int_eq(
	    sa_profile_load_mem(&p, "v.ini", text, strlen(text), &err), SA_OK);
	ck_assert_str_eq(sa_profile_vectors_dir(p, "wycheproof"), "/w");
	ck_assert_str_eq(sa_profile_vectors_dir(p, "cavp"), "/c");
	ck_assert_str_eq(sa_profile_vectors_dir(p, "pkits"), "/p/pkits.json");
	ck_assert_str_eq(sa_profile_vectors_dir(p, "limbo"), "/l.json");
	ck_assert_ptr_null(sa_profile_vectors_dir(p, "nist"));
	ck_assert_str_eq(sa_profile_validator_command(p), "./validate --limbo");
	ck_assert_uint_eq(sa_profile_validator_timeout(p), 7);
	ck_assert_int_eq(sa_profile_set_vectors_dir(p, "pkits", "/q", &err),
	                 SA_OK);
	ck_assert_str_eq(sa_profile_vectors_dir(p, "pkits"), "/q");
	ck_assert_int_lt(sa_profile_set_vectors_dir(p, "nist", "/q", &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "unknown vector set"));
	j = sa_profile_to_json(p);
	ck_assert_str_eq(json_string_value(json_object_get(
	                     json_object_get(j, "validator"), "command")),
	                 "./validate --limbo");
	ck_assert_str_eq(json_string_value(json_object_get(
	                     json_object_get(j, "vectors"), "pkits")),
	                 "/q");
	json_decref(j);
	sa_profile_free(p);
}
END_TEST

/* [pki]: the audited CA's hierarchy; paths relative to the profile. */
START_TEST(test_pki)
{
	static const char text[] = "[pki]\n"
	                           "anchors = root.pem\n"
	                           "intermediates = /x/ca.pem\n"
	                           "certs = samples\n"
	                           "crls = crl.pem\n"
	                           "at = 2026-11-23T10:00:00Z\n";
	sa_profile *p = NULL;
	sa_error err = SA_ERROR_INIT;
	json_t *j;

	ck_assert_int_eq(
	    sa_profile_load_mem(&p, "/etc/ca/p.ini", text, strlen(text), &err),
	    SA_OK);
	ck_assert_str_eq(sa_profile_pki_path(p, "anchors"), "/etc/ca/root.pem");
	ck_assert_str_eq(sa_profile_pki_path(p, "intermediates"), "/x/ca.pem");
	ck_assert_str_eq(sa_profile_pki_path(p, "certs"), "/etc/ca/samples");
	ck_assert_str_eq(sa_profile_pki_path(p, "crls"), "/etc/ca/crl.pem");
	ck_assert_ptr_null(sa_profile_pki_path(p, "ocsp"));
	ck_assert_str_eq(sa_profile_pki_at(p), "2026-11-23T10:00:00Z");
	ck_assert_int_eq(sa_profile_pki_at_time(p), 1795428000LL);
	j = sa_profile_to_json(p);
	ck_assert_str_eq(json_string_value(json_object_get(
	                     json_object_get(j, "pki"), "certs")),
	                 "/etc/ca/samples");
	json_decref(j);
	sa_profile_free(p);
	ck_assert_ptr_null(sa_profile_pki_path(NULL, "anchors"));
	ck_assert_ptr_null(sa_profile_pki_at(NULL));
}
END_TEST

/* [ocsp] and [crl]: the live revocation endpoints; files relative to the
 * profile, url as written. */
START_TEST(test_ocsp_crl)
{
	static const char text[] = "[ocsp]\n"
	                           "url = http://127.0.0.1:8080/\n"
	                           "issuer = ca.pem\n"
	                           "good = /x/good.pem\n"
	                           "revoked = revoked.pem\n"
	                           "signer = ocsp.pem\n"
	                           "unissued = 7369676175646974\n"
	                           "requests = 50\n"
	                           "[crl]\n"
	                           "url = http://127.0.0.1:8081/ca.crl\n";
	sa_profile *p = NULL;
	sa_error err = SA_ERROR_INIT;
	json_t *j;

	ck_assert_int_eq(
	    sa_profile_load_mem(&p, "/etc/ca/p.ini", text, strlen(text), &err),
	    SA_OK);
	ck_assert_str_eq(sa_profile_ocsp(p, "url"), "http://127.0.0.1:8080/");
	ck_assert_str_eq(sa_profile_ocsp(p, "issuer"), "/etc/ca/ca.pem");
	ck_assert_str_eq(sa_profile_ocsp(p, "good"), "/x/good.pem");
	ck_assert_str_eq(sa_profile_ocsp(p, "revoked"), "/etc/ca/revoked.pem");
	ck_assert_str_eq(sa_profile_ocsp(p, "signer"), "/etc/ca/ocsp.pem");
	ck_assert_str_eq(sa_profile_ocsp(p, "unissued"), "7369676175646974");
	ck_assert_ptr_null(sa_profile_ocsp(p, "nonce"));
	ck_assert_uint_eq(sa_profile_ocsp_requests(p), 50);
	ck_assert_str_eq(sa_profile_crl(p, "url"),
	                 "http://127.0.0.1:8081/ca.crl");
	ck_assert_ptr_null(sa_profile_crl(p, "issuer"));
	j = sa_profile_to_json(p);
	ck_assert_int_eq(json_integer_value(json_object_get(
	                     json_object_get(j, "ocsp"), "requests")),
	                 50);
	ck_assert_str_eq(json_string_value(
	                     json_object_get(json_object_get(j, "crl"), "url")),
	                 "http://127.0.0.1:8081/ca.crl");
	json_decref(j);
	sa_profile_free(p);
	ck_assert_ptr_null(sa_profile_ocsp(NULL, "url"));
	ck_assert_uint_eq(sa_profile_ocsp_requests(NULL), 0);
	ck_assert_ptr_null(sa_profile_crl(NULL, "url"));
}
END_TEST

START_TEST(test_component_names)
{
	ck_assert_str_eq(sa_component_str(SA_COMPONENT_HSM), "hsm");
	ck_assert_str_eq(sa_component_str(SA_COMPONENT_SIGNING), "signing");
	ck_assert_str_eq(sa_component_str(SA_COMPONENT_COUNT_), "unknown");
}
END_TEST

START_TEST(test_utf8_accepted)
{
	/* Vietnamese, a 4-byte sequence, U+10FFFF; and a BOM. */
	sa_profile *p = load_ok("\xef\xbb\xbf[profile]\n"
	                        "description = Ki\xe1\xbb\x83m th\xe1\xbb"
	                        "\xad \xf0\x9f\x94\x90 \xf4\x8f\xbf\xbf\n");
	json_t *j = sa_profile_to_json(p);

	ck_assert_str_eq(sa_profile_description(p),
	                 "Ki\xe1\xbb\x83m th\xe1\xbb\xad \xf0\x9f\x94\x90 "
	                 "\xf4\x8f\xbf\xbf");
	ck_assert_ptr_nonnull(j);
	ck_assert_str_eq(json_string_value(json_object_get(j, "description")),
	                 sa_profile_description(p));
	json_decref(j);
	sa_profile_free(p);
}
END_TEST

START_TEST(test_syntax_accepted)
{
	/* CRLF, BOM, indentation, "key: value", comments after values,
	 * '#' and ';' comment lines, a comment after a section header. */
	sa_profile *p =
	    load_ok("\xef\xbb\xbf[pkcs11] ; the module\r\n"
	            "   module: /usr/lib/x.so   \r\n"
	            "\ttoken = pkcs11:token=a%20b ; selects the token\r\n"
	            "  [run]\r\n"
	            "timeout=5\r\n");

	ck_assert_str_eq(sa_profile_module(p), "/usr/lib/x.so");
	ck_assert_str_eq(sa_profile_token_uri(p), "pkcs11:token=a%20b");
	ck_assert_uint_eq(sa_profile_timeout(p), 5);
	sa_profile_free(p);
}
END_TEST

/* Lines longer than inih's own 200-byte line buffer. */
START_TEST(test_long_lines)
{
	char text[8192], path[1100], reason[3000];
	sa_profile *p;

	memset(path, 'a', sizeof(path));
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	memset(reason, 'r', sizeof(reason));
	reason[sizeof(reason) - 1] = '\0';
	snprintf(text, sizeof(text),
	         "[pkcs11]\nmodule = %s\n[waiver X-1]\nreason = %s ; note\n"
	         "; %s\n",
	         path, reason, reason);
	p = load_ok(text);
	ck_assert_str_eq(sa_profile_module(p), path);
	ck_assert_str_eq(sa_profile_waiver(p, "X-1")->reason, reason);
	sa_profile_free(p);

	/* Right at inih's limit, on either side of it. */
	for (size_t n = 190; n < 205; n++) {
		char line[300];
		memset(line, 'b', n);
		line[0] = '/';
		line[n] = '\0';
		snprintf(text, sizeof(text), "[pkcs11]\nmodule = %s\n", line);
		p = load_ok(text);
		ck_assert_str_eq(sa_profile_module(p), line);
		sa_profile_free(p);
	}
}
END_TEST

/* ---- bad profiles: one row per error, with its line ---------------------- */

struct bad_profile {
	const char *text;
	size_t len; /* rows may hold a NUL */
	int line;   /* 0: no line in the message */
	const char *fragment;
};

#define BAD(text, line, fragment)                                              \
	{                                                                      \
		text, sizeof(text) - 1, line, fragment                         \
	}

static const struct bad_profile bad[] = {
    BAD("[pkcs12]\n", 1, "unknown section [pkcs12]"),
    BAD("[profile]\n[PKCS11]\n", 2, "unknown section [PKCS11]"),
    BAD("[pkcs11]\nmodul = /x\n", 2, "unknown key 'modul' in [pkcs11]"),
    BAD("[pkcs11]\nModule = /x\n", 2, "did you mean 'module'?"),
    BAD("[pkcs11]\nmodule = /x\ntimeout = 3\n", 3,
        "'timeout' belongs in [run]"),
    BAD("[exposure]\nhsm = L1\nfirewall = L2\n", 3, "unknown key 'firewall'"),
    BAD("[waiver A-1]\nreason = r\nexpiry = 2027-01-01\n", 3,
        "unknown key 'expiry' in [waiver A-1]"),
    BAD("module = /x\n", 1, "outside any section"),
    BAD("[vectors]\nwycheproof = /w\npkitz = /p\n", 3,
        "unknown key 'pkitz' in [vectors]"),
    BAD("[validator]\ncommand = ./v\ntimeout = 0\n", 3, "bad timeout '0'"),
    BAD("[validator]\ncommand =\n", 2, "empty value for command"),
    BAD("[validator]\ncmd = ./v\n", 2, "unknown key 'cmd' in [validator]"),
    BAD("[pki]\ncerts = /c\n", 1, "[pki] has no anchors"),
    BAD("[pki]\nanchors = /a\nat = 2026-11-23\n", 3, "bad validation time"),
    BAD("[pki]\nanchors = /a\nroots = /r\n", 3, "unknown key 'roots' in [pki]"),
    BAD("[pki]\nanchors =\n", 2, "empty value for anchors"),
    BAD("[ocsp]\ngood = /g.pem\n", 1, "[ocsp] needs url and issuer"),
    BAD("[ocsp]\nurl = http://o/\n", 1, "[ocsp] needs url and issuer"),
    BAD("[ocsp]\nurl = http://o/\nissuer = /i\nrequests = 0\n", 4,
        "bad count for requests: '0'"),
    BAD("[ocsp]\nurl = http://o/\nissuer = /i\nrequests = 10001\n", 4,
        "bad count for requests"),
    BAD("[ocsp]\nurl = http://o/\nresponder = /r\n", 3,
        "unknown key 'responder' in [ocsp]"),
    BAD("[crl]\nissuer = /i\n", 1, "[crl] needs url"),
    BAD("[crl]\nurl =\n", 2, "empty value for url"),
    BAD("[pkcs11]\nmodule = /x\n\nmodule = /y\n", 4,
        "duplicate key 'module' in [pkcs11] (first at line 2)"),
    BAD("[environment]\nA = 1\nA = 2\n", 3, "duplicate key 'A'"),
    BAD("[run]\ntimeout = 1\n[profile]\n[run]\n", 4,
        "duplicate section [run] (first at line 1)"),
    BAD("[pkcs11]\nmodule = /x\nstrict = maybe\n", 3,
        "bad boolean for strict: 'maybe'"),
    BAD("[pkcs11]\nmodule = /x\nstrict =\n", 3, "empty value for strict"),
    BAD("[exposure]\nhsm = L6\n", 2, "bad exposure level for hsm: 'L6'"),
    BAD("[exposure]\nca = high\n", 2, "bad exposure level for ca"),
    BAD("[exposure]\nca = L\n", 2, "bad exposure level"),
    BAD("[exposure]\nca = 0\n", 2, "bad exposure level"),
    BAD("[run]\ntimeout = 0\n", 2, "bad timeout '0'"),
    BAD("[run]\ntimeout = -1\n", 2, "bad timeout '-1'"),
    BAD("[run]\ntimeout = 30s\n", 2, "bad timeout '30s'"),
    BAD("[run]\ntimeout = 86401\n", 2, "bad timeout"),
    BAD("[run]\ntimeout = 99999999999999999999\n", 2, "bad timeout"),
    BAD("[run]\ntimeout = +5\n", 2, "bad timeout"),
    BAD("[pkcs11]\nmodule = /x\ntoken = http://x\n", 3, "bad token URI"),
    BAD("[pkcs11]\nmodule = /x\ntoken = pkcs11:tokn=x\n", 3,
        "bad token URI: an attribute is not"),
    BAD("[pkcs11]\nmodule = /x\ntoken = pkcs11:token=a?module-name=x\n", 3,
        "bad token URI: query attributes"),
    BAD("[pkcs11]\nmodule = /x\ntoken = pkcs11:token=%zz\n", 3,
        "bad token URI"),
    BAD("[pkcs11]\nmodule = /x\ntoken = pkcs11:slot-id=abc\n", 3,
        "bad token URI"),
    BAD("[pkcs11]\nmodule = /x\ntoken = pkcs11:token=a?pin-value=1\n", 3,
        "pin-value and pin-source are not accepted"),
    BAD("[profile]\n\n[waiver P11-SES-07]\napprover = me\n", 3,
        "[waiver P11-SES-07] has no reason"),
    BAD("[waiver P11-SES-07]\n", 1, "has no reason"),
    BAD("[waiver]\nreason = x\n", 1, "a waiver section names its case"),
    BAD("[waiver a/b]\nreason = x\n", 1, "bad case ID 'a/b'"),
    BAD("[waiver A B]\nreason = x\n", 1, "bad case ID 'A B'"),
    BAD("[waiver A]\nreason = x\nexpires = 2027-13-01\n", 3,
        "bad waiver expiry '2027-13-01' (use YYYY-MM-DD)"),
    BAD("[waiver A]\nreason = x\nexpires = 2027-02-29\n", 3,
        "bad waiver expiry"),
    BAD("[waiver A]\nreason = x\nexpires = 27-06-30\n", 3, "bad waiver expiry"),
    BAD("[waiver A]\nreason = x\nexpires = 2027/06/30\n", 3,
        "bad waiver expiry"),
    BAD("[waiver A]\nreason = x\nexpires = 2027-06-31\n", 3,
        "bad waiver expiry"),
    BAD("[waiver A]\nreason = x\nreason = y\n", 3, "duplicate key 'reason'"),
    BAD("[pkcs11]\nmodule = /x\nuser_pin_env = P\nuser_pin_file = /f\n", 4,
        "user_pin_env (line 3) and user_pin_file (line 4) both set"),
    BAD("[pkcs11]\nmodule = /x\nso_pin_file = /f\nso_pin_env = P\n", 4,
        "so_pin_env (line 4) and so_pin_file (line 3) both set"),
    BAD("[pkcs11]\nuser_pin_env = 1PIN\n", 2,
        "bad variable name for "
        "user_pin_env"),
    BAD("[pkcs11]\nmodule = ${SA_T_UNSET}/x.so\n", 2,
        "${SA_T_UNSET} in module is not set"),
    BAD("[pkcs11]\nmodule = /x\ntoken = pkcs11:token=${SA_T_UNSET}\n", 3,
        "${SA_T_UNSET} in token is not set"),
    BAD("[pkcs11]\nmodule = /x\nuser_pin_file = ${SA_T_UNSET}\n", 3,
        "in user_pin_file is not set"),
    BAD("[pkcs11]\nmodule = /x\nso_pin_file = ${SA_T_UNSET}/so.pin\n", 3,
        "in so_pin_file is not set"),
    BAD("[environment]\nX = ${SA_T_UNSET}\n", 2,
        "${SA_T_UNSET} in X is not set"),
    BAD("[pkcs11]\nmodule = $HOME/x.so\n", 2,
        "'$' in module must start ${NAME} (write $$ for a literal $)"),
    BAD("[pkcs11]\nmodule = ${HOME/x.so\n", 2, "unterminated ${ in module"),
    BAD("[pkcs11]\nmodule = ${}/x.so\n", 2, "bad variable name in module"),
    BAD("[pkcs11]\nmodule = ${1A}/x.so\n", 2, "bad variable name in module"),
    BAD("[pkcs11]\nmodule = ${A-B}/x.so\n", 2, "bad variable name in module"),
    BAD("[pkcs11]\nmodule = /x\n[environment]\n2X = y\n", 4,
        "bad environment variable name '2X'"),
    BAD("[pkcs11]\nmodule\n", 2, "expected 'key = value' or '[section]'"),
    BAD("[pkcs11]\nmodule = /x\n   just words\nmodul = /y\n", 3,
        "expected 'key = value'"),
    BAD("[pkcs11]\n= /x\n", 2, "empty key name"),
    BAD("[pkcs11\nmodule = /x\n", 1, "section header without ']'"),
    BAD("[pkcs11] junk\n", 1, "unexpected text after ']'"),
    BAD("[pkcs11]\nmodule = /x\0y\n", 2, "control character 0x00"),
    BAD("[pkcs11]\nmodule = /x\ry\n", 2, "control character 0x0d"),
    BAD("[profile]\ndescription = caf\xe9\n", 2,
        "invalid UTF-8 (byte 0xe9 in column 18)"),
    BAD("[profile]\ndescription = \xf4\x91\x91\x91\n", 2,
        "invalid UTF-8 (byte 0xf4"), /* above U+10FFFF */
    BAD("[profile]\ndescription = \xed\xa0\x80\n", 2,
        "invalid UTF-8"), /* surrogate */
    BAD("[profile]\ndescription = \xc0\xaf\n", 2,
        "invalid UTF-8"), /* overlong */
    BAD("[profile]\ndescription = \xe0\x80\xaf\n", 2,
        "invalid UTF-8"), /* overlong */
    BAD("[profile]\ndescription = \xe2\x82\n", 2,
        "invalid UTF-8"), /* truncated */
    BAD("[profile]\nname = ../etc\n", 2, "bad profile name '../etc'"),
    BAD("[profile]\nname = a b\n", 2, "bad profile name"),
    BAD("[pkcs11]\nmodule = /x\n"
        "disposable_token = 0123456789abcdef0123456789abcdefX\n",
        3, "disposable_token is longer than a token label (32 bytes)"),
    BAD("[pkcs11]\ntoken = pkcs11:token=a\n", 2,
        "token without a module in [pkcs11]"),
    BAD("[pkcs11]\nuser_pin_env = P\n", 2, "user_pin_env without a module"),
    BAD("[pkcs11]\nmodule =\n", 2, "empty value for module"),
    BAD("[waiver A]\nreason = ${SA_T_UNSET}\n", 2, "empty value for reason"),
    BAD("[pkcs11]\nmodule = /x\nstrict = no\n[pkcs11]\n", 4,
        "duplicate section [pkcs11]"),
    /* The first error is reported, whatever kind it is. */
    BAD("[run]\ntimeout = x\n[bogus]\n", 2, "bad timeout"),
    BAD("[run]\nwords\ntimeout = x\n", 2, "expected 'key = value'"),
    BAD("[run]\ntimeout = 3\n[waiver Z]\n[bogus]\n", 4, "unknown section"),
    /* [artefact NAME] */
    BAD("[artefact]\ntype = cms\n", 1, "an artefact section has a name"),
    BAD("[artefact a/b]\ntype = cms\n", 1, "bad artefact name 'a/b'"),
    BAD("[artefact .x]\ntype = cms\n", 1, "bad artefact name '.x'"),
    BAD("[artefact s1]\nfile = /s\ncert = /c\n", 1,
        "[artefact s1] has no type (cms or raw)"),
    BAD("[artefact s1]\ntype = pkcs7\n", 2,
        "bad artefact type 'pkcs7' (use cms or raw)"),
    BAD("[artefact s1]\ntype = CMS\n", 2, "bad artefact type 'CMS'"),
    BAD("[artefact s1]\ntype = cms\ncert = /c\n", 1,
        "[artefact s1] has no file (the signature)"),
    BAD("[artefact s1]\ntype = cms\nfile = /s\n", 1,
        "[artefact s1] has no cert (the expected signer certificate)"),
    BAD("[profile]\n[artefact r]\ntype = raw\nfile = /s\ncert = /c\n"
        "mechanism = ed25519\n",
        2, "[artefact r] of type raw has no data (the signed content)"),
    BAD("[artefact r]\ntype = raw\nfile = /s\ncert = /c\ndata = /d\n", 1,
        "[artefact r] of type raw has no mechanism"),
    BAD("[artefact r]\ntype = raw\nmechanism = rsa-sha256\n", 3,
        "unknown mechanism 'rsa-sha256' (rsa-pkcs1-sha256|384|512"),
    BAD("[artefact r]\ntype = raw\nmechanism = ecdsa-sha1\n", 3,
        "unknown mechanism 'ecdsa-sha1'"),
    BAD("[artefact c]\ntype = cms\nfile = /s\ncert = /c\n"
        "mechanism = rsa-pss-sha256\n",
        5, "mechanism applies to type raw only"),
    BAD("[artefact c]\ntype = cms\nat = 2026-11-23\n", 3,
        "bad validation time '2026-11-23' (use YYYY-MM-DDTHH:MM:SSZ, UTC)"),
    BAD("[artefact c]\nat = 2026-11-23T10:00:00+07:00\n", 2,
        "bad validation time"),
    BAD("[artefact c]\nat = 2026-11-23T24:00:00Z\n", 2, "bad validation time"),
    BAD("[artefact c]\nat = 2026-02-29T10:00:00Z\n", 2, "bad validation time"),
    BAD("[artefact c]\nat = 2026-11-23 10:00:00Z\n", 2, "bad validation time"),
    BAD("[artefact c]\ntype = cms\nfile = /a\nfile = /b\n", 4,
        "duplicate key 'file' in [artefact c] (first at line 3)"),
    BAD("[artefact c]\ntype = cms\nfile = /s\ncert = /c\n[artefact c]\n", 5,
        "duplicate section [artefact c] (first at line 1)"),
    BAD("[artefact c]\ntype = cms\nsignature = /s\n", 3,
        "unknown key 'signature' in [artefact c]"),
    BAD("[artefact c]\ntype = cms\nreason = x\n", 3,
        "'reason' belongs in [waiver]"),
    BAD("[waiver A]\nreason = r\ncert = /c\n", 3,
        "'cert' belongs in [artefact]"),
    BAD("[artefact c]\ntype = cms\nfile = ${SA_T_UNSET}/s.p7s\n", 3,
        "${SA_T_UNSET} in file is not set"),
    BAD("[artefact c]\ntype = cms\nchain =\n", 3, "empty value for chain"),
    BAD("[artefact 0123456789abcdef0123456789abcdefX]\n", 1,
        "bad artefact name"),
};

START_TEST(test_bad_profiles)
{
	const struct bad_profile *b = &bad[_i];
	sa_profile *p = (sa_profile *)1;
	sa_error err = SA_ERROR_INIT;
	char prefix[64];
	int rc;

	rc = sa_profile_load_mem(&p, "bad.ini", b->text, b->len, &err);
	ck_assert_msg(rc == SA_E_PROFILE, "row %d: rc %d, msg '%s'", _i, rc,
	              err.msg);
	ck_assert_ptr_null(p);
	ck_assert_int_eq(err.code, SA_E_PROFILE);
	if (b->line > 0)
		snprintf(prefix, sizeof(prefix), "bad.ini:%d: ", b->line);
	else
		snprintf(prefix, sizeof(prefix), "bad.ini: ");
	ck_assert_msg(strncmp(err.msg, prefix, strlen(prefix)) == 0,
	              "row %d: '%s' does not start with '%s'", _i, err.msg,
	              prefix);
	ck_assert_msg(strstr(err.msg, b->fragment) != NULL,
	              "row %d: '%s' does not contain '%s'", _i, err.msg,
	              b->fragment);
}
END_TEST

START_TEST(test_value_too_long)
{
	static char text[16384];
	sa_profile *p = NULL;
	sa_error err = SA_ERROR_INIT;
	char big[3000];
	size_t n;

	/* Physical line over the limit. */
	n = (size_t)snprintf(text, sizeof(text), "[pkcs11]\nmodule = /");
	memset(text + n, 'a', 5000);
	memcpy(text + n + 5000, "\n", 2);
	ck_assert_int_eq(
	    sa_profile_load_mem(&p, "l.ini", text, strlen(text), &err),
	    SA_E_PROFILE);
	ck_assert_str_eq(err.msg,
	                 "l.ini:2: value too long (more than 4096 characters)");

	/* Over the limit after expansion. */
	memset(big, 'b', sizeof(big));
	big[sizeof(big) - 1] = '\0';
	setenv("SA_T_BIG", big, 1);
	snprintf(text, sizeof(text),
	         "[profile]\ndescription = ${SA_T_BIG}${SA_T_BIG}\n");
	ck_assert_int_eq(
	    sa_profile_load_mem(&p, "l.ini", text, strlen(text), &err),
	    SA_E_PROFILE);
	ck_assert_ptr_nonnull(strstr(err.msg, "l.ini:2: value of description "
	                                      "too long after expansion"));
}
END_TEST

START_TEST(test_missing_file)
{
	sa_profile *p = (sa_profile *)1;
	sa_error err = SA_ERROR_INIT;
	char want[1100];
	const char *path = tmp_path("none.ini");

	ck_assert_int_lt(sa_profile_load(&p, path, &err), 0);
	ck_assert_ptr_null(p);
	snprintf(want, sizeof(want), "%s: cannot open: %s", path,
	         strerror(ENOENT));
	ck_assert_str_eq(err.msg, want);
}
END_TEST

START_TEST(test_load_file)
{
	sa_profile *p = NULL;
	sa_error err = SA_ERROR_INIT;

	write_file("p.ini", "[pkcs11]\nmodule = /m.so\n[run]\ntimeout = 7\n",
	           0644);
	ck_assert_int_eq(sa_profile_load(&p, tmp_path("p.ini"), &err), SA_OK);
	ck_assert_str_eq(sa_profile_path(p), tmp_path("p.ini"));
	ck_assert_str_eq(sa_profile_name(p), "p");
	ck_assert_uint_eq(sa_profile_timeout(p), 7);
	sa_profile_free(p);

	write_file("p.ini", "[pkcs11]\nmodule = /m.so\nbogus = 1\n", 0644);
	ck_assert_int_eq(sa_profile_load(&p, tmp_path("p.ini"), &err),
	                 SA_E_PROFILE);
	ck_assert_ptr_nonnull(strstr(err.msg, "/p.ini:3: unknown key 'bogus'"));
}
END_TEST

/* ---- ${VAR} -------------------------------------------------------------- */

START_TEST(test_expand)
{
	sa_profile *p;
	const char *k, *v;

	setenv("SA_T_A", "alpha", 1);
	setenv("SA_T_EMPTY", "", 1);
	p = load_ok("[profile]\n"
	            "description = cost $$5 for ${SA_T_A}; [${SA_T_UNSET}]\n"
	            "[environment]\n"
	            "SA_T_B = ${SA_T_A}-b\n"
	            "SA_T_C = ${SA_T_B}-c$$\n"
	            "SA_T_E = ${SA_T_EMPTY}\n"
	            "SA_T_F =\n"
	            "[pkcs11]\n"
	            "module = /lib/${SA_T_C}/${SA_T_A}.so\n");
	/* Free text: an unset variable expands to nothing. */
	ck_assert_str_eq(sa_profile_description(p), "cost $5 for alpha; []");
	sa_profile_env_at(p, 1, &k, &v);
	ck_assert_str_eq(k, "SA_T_C");
	ck_assert_str_eq(v, "alpha-b-c$");
	sa_profile_env_at(p, 2, &k, &v);
	ck_assert_str_eq(v, "");
	sa_profile_env_at(p, 3, &k, &v);
	ck_assert_str_eq(v, "");
	/* Earlier [environment] entries are visible, before being applied. */
	ck_assert_ptr_null(getenv("SA_T_C"));
	ck_assert_str_eq(sa_profile_module(p), "/lib/alpha-b-c$/alpha.so");
	sa_profile_free(p);
}
END_TEST

START_TEST(test_apply_env)
{
	sa_profile *p;
	sa_error err = SA_ERROR_INIT;

	unsetenv("SA_T_X");
	p = load_ok("[environment]\nSA_T_X = ${SA_T_DIR}/conf\n");
	ck_assert_int_eq(sa_profile_apply_env(p, &err), SA_OK);
	ck_assert_ptr_nonnull(getenv("SA_T_X"));
	ck_assert_ptr_nonnull(strstr(getenv("SA_T_X"), "/conf"));
	ck_assert_int_eq(sa_profile_apply_env(NULL, &err), SA_E_INVALID);
	sa_profile_free(p);
}
END_TEST

/* ---- waivers ------------------------------------------------------------- */

START_TEST(test_waivers)
{
	sa_profile *p = load_ok("[waiver P11-SES-07]\n"
	                        "reason = vendor ticket 1\n"
	                        "approver = CISO\n"
	                        "expires = 2001-01-01\n"
	                        "\n"
	                        "[waiver KP-06]\n"
	                        "reason = accepted\n"
	                        "[waiver PKITS-4.8.6.3]\n"
	                        "reason = leap\n"
	                        "expires = 2028-02-29\n");
	const sa_waiver *w;

	ck_assert_uint_eq(sa_profile_waiver_count(p), 3);
	/* Expired waivers stay: the runner decides and reports. */
	w = sa_profile_waiver(p, "P11-SES-07");
	ck_assert_ptr_nonnull(w);
	ck_assert_str_eq(w->case_id, "P11-SES-07");
	ck_assert_str_eq(w->reason, "vendor ticket 1");
	ck_assert_str_eq(w->approver, "CISO");
	ck_assert_str_eq(w->expires, "2001-01-01");
	ck_assert_int_eq(w->line, 1);

	w = sa_profile_waiver(p, "KP-06");
	ck_assert_ptr_nonnull(w);
	ck_assert_ptr_null(w->approver);
	ck_assert_ptr_null(w->expires);
	ck_assert_int_eq(w->line, 6);

	ck_assert_str_eq(sa_profile_waiver(p, "PKITS-4.8.6.3")->expires,
	                 "2028-02-29");
	ck_assert_ptr_eq(sa_profile_waiver_at(p, 1), w);
	ck_assert_ptr_null(sa_profile_waiver_at(p, 3));
	ck_assert_ptr_null(sa_profile_waiver(p, "P11-SES-08"));
	ck_assert_ptr_null(sa_profile_waiver(p, "p11-ses-07"));
	ck_assert_ptr_null(sa_profile_waiver(p, NULL));
	sa_profile_free(p);
}
END_TEST

/* ---- artefacts ----------------------------------------------------------- */

static const char artefacts_text[] = "[artefact svc-cms.1]\n"
                                     "type = cms\n"
                                     "file = ${SA_T_DIR}/detached.p7s\n"
                                     "data = ${SA_T_DIR}/data.txt\n"
                                     "cert = ${SA_T_DIR}/signer.pem\n"
                                     "chain = ${SA_T_DIR}/ca.pem\n"
                                     "at = 2026-11-23T10:00:31Z\n"
                                     "\n"
                                     "[artefact attached]\n"
                                     "cert = signer.der\n"
                                     "file = sub/attached.pem\n"
                                     "type = cms\n"
                                     "[artefact raw_pss]\n"
                                     "mechanism = rsa-pss-sha384\n"
                                     "type = raw\n"
                                     "file = pss.sig\n"
                                     "data = data.txt\n"
                                     "cert = ../certs/signer.pem\n"
                                     "[artefact ed]\n"
                                     "type = raw\n"
                                     "file = /s/ed.sig\n"
                                     "data = /s/data.txt\n"
                                     "cert = /s/ed.pem\n"
                                     "mechanism = ed25519\n"
                                     "at = 1970-01-01T00:00:00Z\n";

START_TEST(test_artefacts)
{
	sa_profile *p = load_ok(artefacts_text);
	const sa_artefact *a;
	char want[1100];

	ck_assert_uint_eq(sa_profile_artefact_count(p), 4);
	a = sa_profile_artefact_at(p, 0);
	ck_assert_ptr_nonnull(a);
	ck_assert_str_eq(a->name, "svc-cms.1");
	ck_assert_int_eq(a->type, SA_ARTEFACT_CMS);
	snprintf(want, sizeof(want), "%s/detached.p7s", tmpdir);
	ck_assert_str_eq(a->file, want);
	snprintf(want, sizeof(want), "%s/data.txt", tmpdir);
	ck_assert_str_eq(a->data, want);
	snprintf(want, sizeof(want), "%s/ca.pem", tmpdir);
	ck_assert_str_eq(a->chain, want);
	ck_assert_int_eq(a->mech, SA_ARTEFACT_MECH_NONE);
	ck_assert_ptr_null(a->mechanism);
	ck_assert_str_eq(a->at, "2026-11-23T10:00:31Z");
	/* date -u -d 2026-11-23T10:00:31Z +%s */
	ck_assert_int_eq(a->at_time, 1795428031LL);
	ck_assert_int_eq(a->line, 1);

	/* Attached CMS: no data. Loaded from memory as "t.ini": relative
	 * paths stay relative (the profile's directory is "."). */
	a = sa_profile_artefact_at(p, 1);
	ck_assert_str_eq(a->name, "attached");
	ck_assert_ptr_null(a->data);
	ck_assert_str_eq(a->file, "sub/attached.pem");
	ck_assert_ptr_null(a->chain);
	ck_assert_ptr_null(a->at);
	ck_assert_int_eq(a->at_time, 0);
	ck_assert_int_eq(a->line, 9);

	a = sa_profile_artefact_at(p, 2);
	ck_assert_int_eq(a->type, SA_ARTEFACT_RAW);
	ck_assert_int_eq(a->mech, SA_ARTEFACT_MECH_RSA_PSS_SHA384);
	ck_assert_str_eq(a->mechanism, "rsa-pss-sha384");
	ck_assert_str_eq(sa_artefact_mech_str(a->mech), "rsa-pss-sha384");

	a = sa_profile_artefact_at(p, 3);
	ck_assert_int_eq(a->mech, SA_ARTEFACT_MECH_ED25519);
	ck_assert_int_eq(a->at_time, 0);
	ck_assert_str_eq(a->at, "1970-01-01T00:00:00Z");
	ck_assert_ptr_null(sa_profile_artefact_at(p, 4));
	ck_assert_int_eq(
	    sa_profile_key_line(p, "artefact raw_pss", "mechanism"), 14);
	sa_profile_free(p);

	ck_assert_uint_eq(sa_profile_artefact_count(NULL), 0);
	ck_assert_ptr_null(sa_profile_artefact_at(NULL, 0));
	ck_assert_ptr_null(sa_artefact_mech_str(SA_ARTEFACT_MECH_NONE));
	ck_assert_ptr_null(sa_artefact_mech_str(SA_ARTEFACT_MECH_COUNT_));
	ck_assert_str_eq(sa_artefact_mech_str(SA_ARTEFACT_MECH_ED448), "ed448");
	ck_assert_str_eq(sa_artefact_mech_str(SA_ARTEFACT_MECH_ECDSA_SHA512),
	                 "ecdsa-sha512");
}
END_TEST

/* Relative artefact paths are taken from the profile's directory. */
START_TEST(test_artefacts_relative)
{
	sa_profile *p = NULL;
	sa_error err = SA_ERROR_INIT;
	const sa_artefact *a;
	char want[1100];
	json_t *j, *arr, *o;

	write_file("p.ini", artefacts_text, 0644);
	ck_assert_int_eq(sa_profile_load(&p, tmp_path("p.ini"), &err), SA_OK);
	a = sa_profile_artefact_at(p, 1);
	snprintf(want, sizeof(want), "%s/sub/attached.pem", tmpdir);
	ck_assert_str_eq(a->file, want);
	snprintf(want, sizeof(want), "%s/signer.der", tmpdir);
	ck_assert_str_eq(a->cert, want);
	a = sa_profile_artefact_at(p, 2);
	snprintf(want, sizeof(want), "%s/../certs/signer.pem", tmpdir);
	ck_assert_str_eq(a->cert, want);
	a = sa_profile_artefact_at(p, 3);
	ck_assert_str_eq(a->file, "/s/ed.sig");

	j = sa_profile_to_json(p);
	ck_assert_ptr_nonnull(j);
	arr = json_object_get(j, "artefacts");
	ck_assert_uint_eq(json_array_size(arr), 4);
	o = json_array_get(arr, 0);
	ck_assert_str_eq(json_string_value(json_object_get(o, "name")),
	                 "svc-cms.1");
	ck_assert_str_eq(json_string_value(json_object_get(o, "type")), "cms");
	ck_assert_str_eq(json_string_value(json_object_get(o, "at")),
	                 "2026-11-23T10:00:31Z");
	ck_assert_ptr_null(json_object_get(o, "mechanism"));
	o = json_array_get(arr, 2);
	ck_assert_str_eq(json_string_value(json_object_get(o, "type")), "raw");
	ck_assert_str_eq(json_string_value(json_object_get(o, "mechanism")),
	                 "rsa-pss-sha384");
	ck_assert_int_eq(json_integer_value(json_object_get(o, "line")), 13);
	ck_assert_ptr_null(json_object_get(o, "chain"));
	json_decref(j);
	sa_profile_free(p);

	/* No artefacts: an empty array. */
	p = load_ok("[profile]\nname = x\n");
	j = sa_profile_to_json(p);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "artefacts")), 0);
	json_decref(j);
	sa_profile_free(p);
}
END_TEST

/* ---- PINs ---------------------------------------------------------------- */

static sa_profile *pin_profile(const char *pin_lines)
{
	char text[1024];

	snprintf(text, sizeof(text), "[pkcs11]\nmodule = /m.so\n%s", pin_lines);
	return load_ok(text);
}

START_TEST(test_pin_env)
{
	sa_profile *p = pin_profile("user_pin_env = SA_T_PIN\n");
	sa_buf pin = SA_BUF_INIT_SECURE;
	sa_error err = SA_ERROR_INIT;

	setenv("SA_T_PIN", TEST_PIN, 1);
	sa_buf_append_str(&pin, "old contents");
	ck_assert_int_eq(sa_profile_read_pin(p, SA_PIN_USER, &pin, &err),
	                 SA_OK);
	ck_assert_str_eq(sa_buf_cstr(&pin), TEST_PIN);
	ck_assert_uint_eq(pin.len, strlen(TEST_PIN));

	ck_assert_int_eq(sa_profile_read_pin(p, SA_PIN_SO, &pin, &err),
	                 SA_E_SECRET);
	ck_assert_ptr_nonnull(strstr(err.msg, "no SO PIN configured"));
	ck_assert_uint_eq(pin.len, 0);

	setenv("SA_T_PIN", "", 1);
	ck_assert_int_eq(sa_profile_read_pin(p, SA_PIN_USER, &pin, &err),
	                 SA_E_SECRET);
	ck_assert_str_eq(err.msg, "t.ini:3: user_pin_env: variable SA_T_PIN "
	                          "is empty");
	unsetenv("SA_T_PIN");
	ck_assert_int_eq(sa_profile_read_pin(p, SA_PIN_USER, &pin, &err),
	                 SA_E_SECRET);
	ck_assert_str_eq(err.msg, "t.ini:3: user_pin_env: variable SA_T_PIN "
	                          "is not set");
	sa_buf_free(&pin);
	sa_profile_free(p);
}
END_TEST

struct pin_file_case {
	const char *contents;
	const char *want; /* NULL: SA_E_SECRET */
};

static const struct pin_file_case pin_files[] = {
    {"1234\n", "1234"},     {"1234", "1234"},     {"1234\r\n", "1234"},
    {"1234\n\n", "1234\n"}, {"1234\r", "1234\r"}, {" 12 34 \n", " 12 34 "},
    {"\n", NULL},           {"", NULL},           {"\r\n", NULL},
};

START_TEST(test_pin_file)
{
	const struct pin_file_case *c = &pin_files[_i];
	sa_profile *p = pin_profile("so_pin_file = ${SA_T_DIR}/so.pin\n");
	sa_buf pin = SA_BUF_INIT_SECURE;
	sa_error err = SA_ERROR_INIT;

	write_file("so.pin", c->contents, 0600);
	if (c->want != NULL) {
		ck_assert_int_eq(sa_profile_read_pin(p, SA_PIN_SO, &pin, &err),
		                 SA_OK);
		ck_assert_str_eq(sa_buf_cstr(&pin), c->want);
	} else {
		ck_assert_int_eq(sa_profile_read_pin(p, SA_PIN_SO, &pin, &err),
		                 SA_E_SECRET);
		ck_assert_ptr_nonnull(strstr(err.msg, "t.ini:3: so_pin_file: "
		                                      "PIN file "));
		ck_assert_ptr_nonnull(strstr(err.msg, "is empty"));
	}
	sa_buf_free(&pin);
	sa_profile_free(p);
}
END_TEST

START_TEST(test_pin_file_errors)
{
	sa_profile *p = pin_profile("user_pin_file = ${SA_T_DIR}/user.pin\n");
	sa_buf pin = SA_BUF_INIT_SECURE;
	sa_error err = SA_ERROR_INIT;
	char big[5000];

	ck_assert_int_eq(sa_profile_read_pin(p, SA_PIN_USER, &pin, &err),
	                 SA_E_SECRET);
	ck_assert_ptr_nonnull(strstr(err.msg, "cannot open PIN file"));
	ck_assert_ptr_nonnull(strstr(err.msg, strerror(ENOENT)));

	ck_assert_int_eq(mkdir(tmp_path("user.pin"), 0700), 0);
	ck_assert_int_eq(sa_profile_read_pin(p, SA_PIN_USER, &pin, &err),
	                 SA_E_SECRET);
	ck_assert_ptr_nonnull(strstr(err.msg, "is not a regular file"));
	ck_assert_int_eq(rmdir(tmp_path("user.pin")), 0);

	memset(big, '7', sizeof(big));
	big[sizeof(big) - 1] = '\0';
	write_file("user.pin", big, 0600);
	ck_assert_int_eq(sa_profile_read_pin(p, SA_PIN_USER, &pin, &err),
	                 SA_E_SECRET);
	ck_assert_ptr_nonnull(strstr(err.msg, "larger than 4096 bytes"));
	ck_assert_ptr_null(strstr(err.msg, "7777"));

	ck_assert_int_eq(sa_profile_read_pin(NULL, SA_PIN_USER, &pin, &err),
	                 SA_E_INVALID);
	ck_assert_int_eq(sa_profile_read_pin(p, (sa_pin_kind)7, &pin, &err),
	                 SA_E_INVALID);
	sa_buf_free(&pin);
	sa_profile_free(p);
}
END_TEST

/* Read stderr written while f runs. */
static void capture_stderr(char *out, size_t size)
{
	FILE *f;
	size_t n;

	fflush(stderr);
	f = fopen(tmp_path("err.txt"), "r");
	ck_assert_ptr_nonnull(f);
	n = fread(out, 1, size - 1, f);
	out[n] = '\0';
	fclose(f);
}

START_TEST(test_pin_file_mode_warning)
{
	sa_profile *p = pin_profile("user_pin_file = ${SA_T_DIR}/user.pin\n");
	sa_buf pin = SA_BUF_INIT_SECURE;
	sa_error err = SA_ERROR_INIT;
	char text[2048];

	ck_assert_ptr_nonnull(freopen(tmp_path("err.txt"), "w", stderr));
	write_file("user.pin", TEST_PIN "\n", 0644);
	/* A warning, not an error. */
	ck_assert_int_eq(sa_profile_read_pin(p, SA_PIN_USER, &pin, &err),
	                 SA_OK);
	ck_assert_str_eq(sa_buf_cstr(&pin), TEST_PIN);
	capture_stderr(text, sizeof(text));
	ck_assert_ptr_nonnull(strstr(text, "readable by group or others"));
	ck_assert_ptr_nonnull(strstr(text, "mode 0644"));
	ck_assert_ptr_null(strstr(text, TEST_PIN));

	/* Mode 600: silence. */
	ck_assert_ptr_nonnull(freopen(tmp_path("err.txt"), "w", stderr));
	write_file("user.pin", TEST_PIN "\n", 0600);
	ck_assert_int_eq(sa_profile_read_pin(p, SA_PIN_USER, &pin, &err),
	                 SA_OK);
	capture_stderr(text, sizeof(text));
	ck_assert_str_eq(text, "");
	sa_buf_free(&pin);
	sa_profile_free(p);
}
END_TEST

/* A PIN that reaches the profile through ${VAR} in any key never appears in
 * an error message: messages quote values as written. */
#define PIN_X3 "${SA_T_PIN}${SA_T_PIN}${SA_T_PIN}" /* longer than a label */

static const char *const pin_leak_rows[] = {
    "[pkcs11]\nmodule = /m\nstrict = ${SA_T_PIN}\n",
    "[run]\ntimeout = ${SA_T_PIN}\n",
    "[exposure]\nhsm = ${SA_T_PIN}\n",
    "[profile]\nname = ${SA_T_PIN}/x\n",
    "[pkcs11]\nmodule = /m\nuser_pin_env = ${SA_T_PIN}\n",
    "[waiver A]\nreason = r\nexpires = ${SA_T_PIN}\n",
    "[pkcs11]\nmodule = /m\ntoken = pkcs11:token=a?pin-value=${SA_T_PIN}\n",
    "[pkcs11]\nmodule = /m\ntoken = pkcs11:token=a?pin-value=" TEST_PIN "\n",
    "[pkcs11]\nmodule = /m\ntoken = pkcs11:token=%zz?pin-value=" TEST_PIN "\n",
    "[pkcs11]\nmodule = /m\ntoken = pkcs11:token=a?pin%2dvalue=" TEST_PIN "\n",
    "[pkcs11]\nmodule = /m\ntoken = pkcs11:pin%2dvalue=" TEST_PIN ";token=a\n",
    "[pkcs11]\nmodule = /m\ndisposable_token = " PIN_X3 "\n",
};

START_TEST(test_pin_never_in_message)
{
	const char *text = pin_leak_rows[_i];
	sa_profile *p = NULL;
	sa_error err = SA_ERROR_INIT;
	int rc;

	setenv("SA_T_PIN", TEST_PIN, 1);
	rc = sa_profile_load_mem(&p, "t.ini", text, strlen(text), &err);
	if (rc == SA_OK) {
		/* Accepted: then it must not leak through the JSON view. */
		json_t *j = sa_profile_to_json(p);
		char *dump = json_dumps(j, 0);
		ck_assert_ptr_nonnull(dump);
		ck_assert_msg(strstr(dump, TEST_PIN) == NULL, "row %d: %s", _i,
		              dump);
		free(dump);
		json_decref(j);
		sa_profile_free(p);
		return;
	}
	ck_assert_msg(strstr(err.msg, TEST_PIN) == NULL, "row %d: %s", _i,
	              err.msg);
}
END_TEST

/* ---- JSON ---------------------------------------------------------------- */

START_TEST(test_to_json)
{
	sa_profile *p;
	json_t *j, *pk, *o;
	char *dump;

	setenv("SA_T_PIN", TEST_PIN, 1);
	setenv("SA_T_SO_PIN", TEST_PIN, 1);
	write_file("user.pin", TEST_PIN "\n", 0600);
	p = load_ok(full);
	/* Reading the PIN must not leave it anywhere the JSON view looks. */
	{
		sa_buf pin = SA_BUF_INIT_SECURE;
		sa_error err = SA_ERROR_INIT;
		ck_assert_int_eq(
		    sa_profile_read_pin(p, SA_PIN_USER, &pin, &err), SA_OK);
		sa_buf_free(&pin);
	}
	j = sa_profile_to_json(p);
	ck_assert_ptr_nonnull(j);
	dump = json_dumps(j, JSON_SORT_KEYS);
	ck_assert_ptr_null(strstr(dump, TEST_PIN));

	ck_assert_str_eq(json_string_value(json_object_get(j, "name")),
	                 "demo-1");
	ck_assert_str_eq(json_string_value(json_object_get(j, "path")),
	                 "t.ini");
	pk = json_object_get(j, "pkcs11");
	ck_assert_str_eq(json_string_value(json_object_get(pk, "module")),
	                 "/opt/lib/libsofthsm2.so");
	ck_assert_str_eq(json_string_value(json_object_get(pk, "token")),
	                 "pkcs11:token=sigaudit-demo");
	ck_assert(json_is_true(json_object_get(pk, "strict")));
	o = json_object_get(pk, "user_pin");
	ck_assert_str_eq(json_string_value(json_object_get(o, "source")),
	                 "file");
	ck_assert_ptr_nonnull(
	    strstr(json_string_value(json_object_get(o, "path")), "/user.pin"));
	o = json_object_get(pk, "so_pin");
	ck_assert_str_eq(json_string_value(json_object_get(o, "source")),
	                 "env");
	ck_assert_str_eq(json_string_value(json_object_get(o, "variable")),
	                 "SA_T_SO_PIN");
	ck_assert_int_eq(json_integer_value(json_object_get(
	                     json_object_get(j, "run"), "timeout")),
	                 30);
	ck_assert_str_eq(json_string_value(json_object_get(
	                     json_object_get(j, "exposure"), "hsm")),
	                 "L2");
	ck_assert_ptr_null(
	    json_object_get(json_object_get(j, "exposure"), "ca"));
	o = json_array_get(json_object_get(j, "waivers"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(o, "case")),
	                 "P11-SES-07");
	ck_assert_str_eq(json_string_value(json_object_get(o, "expires")),
	                 "2027-06-30");
	ck_assert_uint_eq(json_array_size(json_object_get(j, "waivers")), 2);
	free(dump);
	json_decref(j);
	sa_profile_free(p);
}
END_TEST

START_TEST(test_to_json_env_redaction)
{
	sa_profile *p = load_ok("[environment]\n"
	                        "VENDOR_HSM_PASSWORD = hunter2\n"
	                        "vendor_pin = 1234\n"
	                        "VENDOR_CONF = /etc/vendor.conf\n"
	                        "[pkcs11]\nmodule = /m\n");
	json_t *j = sa_profile_to_json(p);
	json_t *env = json_object_get(j, "environment");
	char *dump = json_dumps(j, 0);

	ck_assert_str_eq(
	    json_string_value(json_object_get(env, "VENDOR_HSM_PASSWORD")),
	    "(redacted)");
	ck_assert_str_eq(json_string_value(json_object_get(env, "vendor_pin")),
	                 "(redacted)");
	ck_assert_str_eq(json_string_value(json_object_get(env, "VENDOR_CONF")),
	                 "/etc/vendor.conf");
	ck_assert_ptr_null(strstr(dump, "hunter2"));
	ck_assert(json_is_null(
	    json_object_get(json_object_get(j, "pkcs11"), "user_pin")));
	free(dump);
	json_decref(j);
	sa_profile_free(p);
}
END_TEST

/* ---- the profiles shipped in hsm-profiles/ ------------------------------- */

START_TEST(test_shipped_softhsm2)
{
	sa_profile *p = NULL;
	sa_error err = SA_ERROR_INIT;
	const char *k, *v;
	char want[1100];

	setenv("SIGAUDIT_STATE", tmpdir, 1);
	ck_assert_msg(
	    sa_profile_load(&p, SA_SOURCE_DIR "/hsm-profiles/softhsm2.ini",
	                    &err) == SA_OK,
	    "%s", err.msg);
	ck_assert_str_eq(sa_profile_name(p), "softhsm2");
	ck_assert_str_eq(sa_profile_module(p),
	                 "/usr/lib/softhsm/libsofthsm2.so");
	ck_assert_str_eq(sa_profile_token_uri(p), "pkcs11:token=sigaudit-demo");
	ck_assert_str_eq(sa_profile_disposable_label(p), "sigaudit-demo");
	ck_assert_int_eq(sa_profile_exposure(p, SA_COMPONENT_HSM), 2);
	ck_assert_uint_eq(sa_profile_timeout(p), 30);
	ck_assert(sa_profile_has_pin(p, SA_PIN_USER));
	ck_assert(sa_profile_has_pin(p, SA_PIN_SO));
	sa_profile_env_at(p, 0, &k, &v);
	snprintf(want, sizeof(want), "%s/softhsm/softhsm2.conf", tmpdir);
	ck_assert_str_eq(k, "SOFTHSM2_CONF");
	ck_assert_str_eq(v, want);
	sa_profile_free(p);

	/* Without SIGAUDIT_STATE the profile must refuse to load rather than
	 * point SoftHSM2 at /softhsm/. */
	unsetenv("SIGAUDIT_STATE");
	ck_assert_int_eq(
	    sa_profile_load(&p, SA_SOURCE_DIR "/hsm-profiles/softhsm2.ini",
	                    &err),
	    SA_E_PROFILE);
	ck_assert_ptr_nonnull(strstr(err.msg, "${SIGAUDIT_STATE}"));
}
END_TEST

/* The template loads as it is, and mentions every key. */
START_TEST(test_shipped_template)
{
	static const char *const keys[] = {
	    "name",
	    "description",
	    "module",
	    "token",
	    "init_args",
	    "user_pin_env",
	    "user_pin_file",
	    "so_pin_env",
	    "so_pin_file",
	    "disposable_token",
	    "strict",
	    "timeout",
	    "hsm",
	    "tsa",
	    "ocsp",
	    "crl",
	    "ca",
	    "signing",
	    "reason",
	    "approver",
	    "expires",
	    "[waiver ",
	    "[environment]",
	    "[exposure]",
	    "[artefact ",
	    "type",
	    "file",
	    "data",
	    "cert",
	    "mechanism",
	    "chain",
	    "at",
	    "[pki]",
	    "anchors",
	    "intermediates",
	    "certs",
	    "crls",
	    "[ocsp]",
	    "requests",
	    "unissued",
	    "[crl]",
	};
	sa_profile *p = NULL;
	sa_error err = SA_ERROR_INIT;
	FILE *f;
	char text[32768];
	size_t n;

	ck_assert_msg(
	    sa_profile_load(&p, SA_SOURCE_DIR "/hsm-profiles/template.ini",
	                    &err) == SA_OK,
	    "%s", err.msg);
	sa_profile_free(p);

	f = fopen(SA_SOURCE_DIR "/hsm-profiles/template.ini", "r");
	ck_assert_ptr_nonnull(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char pat[64];
		if (keys[i][0] == '[')
			snprintf(pat, sizeof(pat), "%s", keys[i]);
		else
			snprintf(pat, sizeof(pat), "\n%s = ", keys[i]);
		if (strstr(text, pat) == NULL && keys[i][0] != '[')
			snprintf(pat, sizeof(pat), "; %s = ", keys[i]);
		ck_assert_msg(strstr(text, pat) != NULL,
		              "template.ini does not show '%s'", keys[i]);
	}
}
END_TEST

static Suite *profile_suite(void)
{
	Suite *s = suite_create("profile");
	TCase *tc;

	tc = tcase_create("parse");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_full_profile);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_vectors_and_validator);
	tcase_add_test(tc, test_pki);
	tcase_add_test(tc, test_ocsp_crl);
	tcase_add_test(tc, test_component_names);
	tcase_add_test(tc, test_syntax_accepted);
	tcase_add_test(tc, test_utf8_accepted);
	tcase_add_test(tc, test_long_lines);
	tcase_add_loop_test(tc, test_bad_profiles, 0,
	                    (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, test_value_too_long);
	tcase_add_test(tc, test_missing_file);
	tcase_add_test(tc, test_load_file);
	suite_add_tcase(s, tc);

	tc = tcase_create("expand");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_expand);
	tcase_add_test(tc, test_apply_env);
	suite_add_tcase(s, tc);

	tc = tcase_create("waivers");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_waivers);
	suite_add_tcase(s, tc);

	tc = tcase_create("artefacts");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_artefacts);
	tcase_add_test(tc, test_artefacts_relative);
	suite_add_tcase(s, tc);

	tc = tcase_create("pins");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_pin_env);
	tcase_add_loop_test(tc, test_pin_file, 0,
	                    (int)(sizeof(pin_files) / sizeof(pin_files[0])));
	tcase_add_test(tc, test_pin_file_errors);
	tcase_add_test(tc, test_pin_file_mode_warning);
	tcase_add_loop_test(
	    tc, test_pin_never_in_message, 0,
	    (int)(sizeof(pin_leak_rows) / sizeof(pin_leak_rows[0])));
	suite_add_tcase(s, tc);

	tc = tcase_create("json");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_to_json);
	tcase_add_test(tc, test_to_json_env_redaction);
	suite_add_tcase(s, tc);

	tc = tcase_create("shipped");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_shipped_softhsm2);
	tcase_add_test(tc, test_shipped_template);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(profile_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
