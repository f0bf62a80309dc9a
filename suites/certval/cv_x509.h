/* The built-in path-validation engine: OpenSSL's X509_verify_cert driven by
 * one request (trust anchors, untrusted pool, leaf, CRLs, time, policy
 * inputs, peer name, EKU, depth) and reduced to one answer (accepted or the
 * symbolic X509_V_ERR_* name, and the user-constrained policy set).
 *
 * PKITS (cv_pkits.c) and x509-limbo (cv_limbo*.c) both build a request; the
 * engine knows neither format. Nothing here uses the case API, so the unit
 * tests and the fuzz target link this file alone. */
#ifndef SA_CV_X509_H
#define SA_CV_X509_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <openssl/x509.h>

#include "sigaudit/error.h"

/* RFC 5280 §6.1.1 inputs a caller may set. */
typedef enum sa_cv_name_kind {
	SA_CV_NAME_NONE = 0,
	SA_CV_NAME_DNS,
	SA_CV_NAME_IP,
	SA_CV_NAME_RFC822,
} sa_cv_name_kind;

#define SA_CV_NAMES_MAX 8

typedef struct sa_cv_req {
	STACK_OF(X509) * trusted;   /* trust anchors (owned) */
	STACK_OF(X509) * untrusted; /* pool for path building (owned) */
	X509 *leaf;                 /* the certificate to validate (owned) */
	STACK_OF(X509_CRL) * crls;  /* owned; may be NULL */
	unsigned long flags;        /* X509_V_FLAG_* */
	bool has_time;              /* false: X509_V_FLAG_NO_CHECK_TIME */
	time_t at;
	STACK_OF(ASN1_OBJECT) * policies; /* initial-policy-set (owned); NULL:
	                                     any-policy */
	int max_depth;                    /* < 0: OpenSSL's default */
	int purpose;                      /* X509_PURPOSE_*; 0: none */
	bool need_digital_signature; /* keyUsage digitalSignature on leaf */
	int auth_level;              /* < 0: library default */
	size_t n_names;
	struct {
		sa_cv_name_kind kind;
		char value[256];
	} names[SA_CV_NAMES_MAX]; /* every one must match the leaf */
} sa_cv_req;

/** Zeroed request with max_depth and auth_level -1. */
void sa_cv_req_init(sa_cv_req *req);
/** Free what the request owns and re-initialise it. */
void sa_cv_req_clear(sa_cv_req *req);

typedef struct sa_cv_res {
	bool accepted;
	int verr; /* X509_V_OK or the X509_V_ERR_* that stopped it */
	int depth;
	/* The user-constrained policy set (RFC 5280 §6.1.6 (g)) as sorted
	 * dotted OIDs joined by ","; "" when empty. policies_known is false
	 * when the engine built no policy tree to read it from. */
	char policies[512];
	bool policies_known;
} sa_cv_res;

/** Run one validation. A rejection is a result (res->accepted false), not an
 * error; a negative return means the engine could not be asked (allocation,
 * an unusable request) and err says why. */
int sa_cv_x509_verify(sa_cv_res *res, const sa_cv_req *req, sa_error *err);

/** "X509_V_ERR_CERT_REVOKED" for X509_V_ERR_CERT_REVOKED; "X509_V_OK" for 0;
 * "X509_V_ERR_<n>" (in buf) for a code this table does not know. */
const char *sa_cv_verr_name(int verr, char *buf, size_t size);

/** "OpenSSL 3.0.19 X509_verify_cert" (+ suffix), into buf. */
const char *sa_cv_engine_name(char *buf, size_t size, const char *suffix);

/** Parse RFC 3339 "YYYY-MM-DDTHH:MM:SS" followed by "Z", "+00:00" or
 * fractional seconds then one of those, as UTC. 0 or SA_E_PARSE. */
int sa_cv_parse_time(time_t *out, const char *s);

/** Certificates and CRLs: DER or PEM from memory or a file. */
int sa_cv_load_cert(X509 **out, const char *path, sa_error *err);
int sa_cv_load_crl(X509_CRL **out, const char *path, sa_error *err);
int sa_cv_cert_from_pem(X509 **out, const char *pem, size_t len, sa_error *err);
int sa_cv_crl_from_pem(X509_CRL **out, const char *pem, size_t len,
                       sa_error *err);

#endif
