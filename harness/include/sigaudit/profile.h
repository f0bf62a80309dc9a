/* sigaudit: target profiles (the .ini files under hsm-profiles/).
 *
 * A profile describes one target system: the PKCS#11 module and token, where
 * the PINs come from (never the PINs themselves), the expected deviations
 * (waivers), the exposure of each component for the risk model, and run
 * defaults. Format and every key: README.md "Profile format" and
 * hsm-profiles/template.ini.
 *
 * Values may use ${VAR} to expand an environment variable (unset expands to
 * the empty string and is an error for module/token/pin-file keys). Every
 * error message names the file and line: "<file>:<line>: <problem>". */
#ifndef SIGAUDIT_PROFILE_H
#define SIGAUDIT_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "sigaudit/buf.h"
#include "sigaudit/error.h"

typedef struct sa_profile sa_profile;

typedef enum sa_pin_kind {
	SA_PIN_USER = 0,
	SA_PIN_SO = 1,
} sa_pin_kind;

typedef struct sa_waiver {
	const char *case_id;
	const char *reason;   /* required */
	const char *approver; /* may be NULL */
	const char *expires;  /* YYYY-MM-DD or NULL */
	int line;             /* where it was declared */
} sa_waiver;

/** Components whose exposure the profile declares (likelihood L1..L5). */
#define SA_COMPONENTS(X)                                                       \
	X(HSM, "hsm")                                                          \
	X(TSA, "tsa")                                                          \
	X(OCSP, "ocsp")                                                        \
	X(CRL, "crl")                                                          \
	X(CA, "ca")                                                            \
	X(SIGNING, "signing")

typedef enum sa_component {
#define SA_COMPONENT_ENUM_(name, str) SA_COMPONENT_##name,
	SA_COMPONENTS(SA_COMPONENT_ENUM_)
#undef SA_COMPONENT_ENUM_
	    SA_COMPONENT_COUNT_
} sa_component;

/** Parse a profile file. On error *out is NULL, err says "<file>:<line>: ...".
 */
int sa_profile_load(sa_profile **out, const char *path, sa_error *err);
/** Parse from memory (fuzzing, tests); `name` is used in messages. */
int sa_profile_load_mem(sa_profile **out, const char *name, const char *text,
                        size_t len, sa_error *err);
void sa_profile_free(sa_profile *p);

/** [profile] name, or the file name without directory and ".ini". */
const char *sa_profile_name(const sa_profile *p);
const char *sa_profile_path(const sa_profile *p);
const char *sa_profile_description(const sa_profile *p); /* may be NULL */

/** [pkcs11] module: path of the PKCS#11 library (expanded); NULL if none. */
const char *sa_profile_module(const sa_profile *p);
/** [pkcs11] token: an RFC 7512 PKCS#11 URI (validated with p11-kit); NULL if
 * none. */
const char *sa_profile_token_uri(const sa_profile *p);
/** [pkcs11] init_args: string passed as CK_C_INITIALIZE_ARGS.pReserved (NSS
 * softoken). */
const char *sa_profile_init_args(const sa_profile *p);
/** [pkcs11] disposable_token: the token label that --destructive may alter. */
const char *sa_profile_disposable_label(const sa_profile *p);
/** [pkcs11] strict = true: a return code that is only leniently permitted
 * fails. */
bool sa_profile_strict(const sa_profile *p);
/** Line of a key in the file, for error messages about its value ("pkcs11",
 * "module"); 0 if absent. */
int sa_profile_key_line(const sa_profile *p, const char *section,
                        const char *key);

/** [vectors] <set>: where an external vector set lives. "wycheproof": the
 * testvectors_v1 JSON directory; "cavp": the root of Debian's
 * python3-cryptography-vectors data (CAVP files and PKITS_data); "pkits":
 * the PKITS expected-results table (pkits.json) or its directory; "limbo": an
 * x509-limbo testcase file or directory. NULL when the profile names none. */
const char *sa_profile_vectors_dir(const sa_profile *p, const char *set);
/** Override it (run --vectors DIR sets "wycheproof"; --vectors SET=PATH any
 * set). */
int sa_profile_set_vectors_dir(sa_profile *p, const char *set, const char *dir,
                               sa_error *err);

/** [validator] command: a shell command speaking the x509-limbo harness
 * protocol (one testcase JSON on stdin, one result JSON on stdout), the
 * certificate validator under audit; NULL when none. timeout: seconds per
 * testcase, 0 when not set. */
const char *sa_profile_validator_command(const sa_profile *p);
unsigned sa_profile_validator_timeout(const sa_profile *p);

/** [pki]: the audited CA's own hierarchy (cases CV-PKI-*). key "anchors":
 * the trust anchors (PEM bundle or DER file; required when [pki] is present);
 * "intermediates": PEM bundle of CA certificates; "certs": issued sample
 * certificates, a PEM bundle or a directory of .pem/.crt/.der files; "crls":
 * a CRL bundle or directory. Relative paths are taken from the profile's
 * directory. NULL when not set. */
const char *sa_profile_pki_path(const sa_profile *p, const char *key);
/** [pki] at: the validation time YYYY-MM-DDTHH:MM:SSZ as written, or NULL
 * (then: now); and the same in seconds since the epoch (0 when not set). */
const char *sa_profile_pki_at(const sa_profile *p);
long long sa_profile_pki_at_time(const sa_profile *p);

/** [ocsp]: the live OCSP responder under audit (cases CV-OCSP-*). key "url":
 * the responder URL (http://); "issuer": the CA certificate whose
 * certificates it answers for (required with url); "good", "revoked": a
 * certificate of that CA expected good / revoked; "signer": the responder
 * certificate expected to sign (optional); "unissued": a serial (hex) the CA
 * never issued (optional, default random). Paths are resolved relative to
 * the profile. NULL when not set. */
const char *sa_profile_ocsp(const sa_profile *p, const char *key);
/** [ocsp] requests: size of the latency sample; 0 when not set. */
unsigned sa_profile_ocsp_requests(const sa_profile *p);
/** [ocsp] max_ms: the slowest acceptable response in ms (CV-OCSP-08; the
 * default, 0 here, means the BR §4.10.2 10 s). */
unsigned sa_profile_ocsp_max_ms(const sa_profile *p);
/** [crl]: the CRL distribution point under audit (cases CV-CRL-*). key "url":
 * where the CRL is fetched (http://, file:// read as well); "issuer": the CA
 * certificate that signs it (default: [ocsp] issuer). NULL when not set. */
const char *sa_profile_crl(const sa_profile *p, const char *key);

/** Whether a PIN source is configured (env var or file) for kind. */
bool sa_profile_has_pin(const sa_profile *p, sa_pin_kind kind);
/** Read the PIN into out (a secure buffer is recommended: SA_BUF_INIT_SECURE).
 * From [pkcs11] user_pin_env / user_pin_file (so_pin_env / so_pin_file); a
 * trailing newline in the file is dropped. SA_E_SECRET when not configured or
 * empty. The error message never contains the PIN. */
int sa_profile_read_pin(const sa_profile *p, sa_pin_kind kind, sa_buf *out,
                        sa_error *err);

/** The waiver for a case ID, or NULL. */
const sa_waiver *sa_profile_waiver(const sa_profile *p, const char *case_id);
size_t sa_profile_waiver_count(const sa_profile *p);
const sa_waiver *sa_profile_waiver_at(const sa_profile *p, size_t i);

/* Signature-service artefacts: [artefact NAME] sections, one per signature a
 * service produced that the signing suite verifies against the certificate
 * the service is expected to sign with (cases SIG-ART-*). Raw mechanisms are
 * named as in the profile; the X-macro is the single list. */
#define SA_ARTEFACT_MECHS(X)                                                   \
	X(RSA_PKCS1_SHA256, "rsa-pkcs1-sha256")                                \
	X(RSA_PKCS1_SHA384, "rsa-pkcs1-sha384")                                \
	X(RSA_PKCS1_SHA512, "rsa-pkcs1-sha512")                                \
	X(RSA_PSS_SHA256, "rsa-pss-sha256")                                    \
	X(RSA_PSS_SHA384, "rsa-pss-sha384")                                    \
	X(RSA_PSS_SHA512, "rsa-pss-sha512")                                    \
	X(ECDSA_SHA256, "ecdsa-sha256")                                        \
	X(ECDSA_SHA384, "ecdsa-sha384")                                        \
	X(ECDSA_SHA512, "ecdsa-sha512")                                        \
	X(ED25519, "ed25519")                                                  \
	X(ED448, "ed448")

typedef enum sa_artefact_mech {
	SA_ARTEFACT_MECH_NONE =
	    0, /* type = cms: the CMS names its algorithms */
#define SA_ARTEFACT_MECH_ENUM_(name, str) SA_ARTEFACT_MECH_##name,
	SA_ARTEFACT_MECHS(SA_ARTEFACT_MECH_ENUM_)
#undef SA_ARTEFACT_MECH_ENUM_
	    SA_ARTEFACT_MECH_COUNT_
} sa_artefact_mech;

typedef enum sa_artefact_type {
	SA_ARTEFACT_CMS = 1, /* CMS SignedData (RFC 5652), DER or PEM */
	SA_ARTEFACT_RAW = 2, /* bare signature bytes made with `mechanism` */
} sa_artefact_type;

/* Paths are as written after ${VAR} expansion; a relative path is taken
 * relative to the directory of the profile file. */
typedef struct sa_artefact {
	const char *name;      /* the section's NAME */
	sa_artefact_type type; /* type = cms | raw */
	const char *file;      /* the signature */
	const char *data;      /* the signed content; NULL: attached CMS */
	const char *cert;      /* the expected signer certificate (PEM/DER) */
	sa_artefact_mech mech; /* raw: the mechanism; cms: NONE */
	const char *mechanism; /* its name as in the profile, or NULL */
	const char *chain;     /* PEM bundle of CA certificates, or NULL */
	const char *at; /* validation time YYYY-MM-DDTHH:MM:SSZ, or NULL */
	long long
	    at_time; /* `at` in seconds since the epoch (UTC); 0 if NULL */
	int line;    /* where the section starts */
} sa_artefact;

/** "rsa-pss-sha256" ... for a mechanism; NULL for NONE and out of range. */
const char *sa_artefact_mech_str(sa_artefact_mech m);
/** Number of [artefact NAME] sections, in file order. */
size_t sa_profile_artefact_count(const sa_profile *p);
/** The i-th artefact (borrowed, valid while p lives), or NULL. */
const sa_artefact *sa_profile_artefact_at(const sa_profile *p, size_t i);

/** Declared exposure 1..5 (L1..L5) of a component; 0 when not declared. */
int sa_profile_exposure(const sa_profile *p, sa_component c);
const char *sa_component_str(sa_component c);

/** [run] timeout in seconds per case; 0 when not set. */
unsigned sa_profile_timeout(const sa_profile *p);

/** [environment] KEY = value pairs, applied with setenv() before the module
 * is loaded (e.g. SOFTHSM2_CONF). */
size_t sa_profile_env_count(const sa_profile *p);
void sa_profile_env_at(const sa_profile *p, size_t i, const char **key,
                       const char **value);
/** setenv() every [environment] pair. */
int sa_profile_apply_env(const sa_profile *p, sa_error *err);

/** The profile as a jansson object for results.json, secrets removed (PIN
 * sources are named, never read). New reference; NULL on allocation failure. */
struct json_t;
struct json_t *sa_profile_to_json(const sa_profile *p);

#endif
