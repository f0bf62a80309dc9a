/* The built-in path-validation engine over OpenSSL X509_verify_cert (see
 * cv_x509.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "sigaudit/buf.h"
#include "sigaudit/guard.h"

#include "cv_x509.h"

/* Symbolic names, not numbers: the numbers moved between OpenSSL 1.x and 3.x
 * (24 was X509_V_ERR_INVALID_CA, it is X509_V_ERR_NO_ISSUER_PUBLIC_KEY in
 * 3.0), and expected results written as names survive that (catalogue
 * §3, STYLE rule 18). */
#define E(name)                                                                \
	{                                                                      \
		name, #name                                                    \
	}
static const struct {
	int code;
	const char *name;
} verr_names[] = {
    E(X509_V_OK),
    E(X509_V_ERR_UNSPECIFIED),
    E(X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT),
    E(X509_V_ERR_UNABLE_TO_GET_CRL),
    E(X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE),
    E(X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE),
    E(X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY),
    E(X509_V_ERR_CERT_SIGNATURE_FAILURE),
    E(X509_V_ERR_CRL_SIGNATURE_FAILURE),
    E(X509_V_ERR_CERT_NOT_YET_VALID),
    E(X509_V_ERR_CERT_HAS_EXPIRED),
    E(X509_V_ERR_CRL_NOT_YET_VALID),
    E(X509_V_ERR_CRL_HAS_EXPIRED),
    E(X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD),
    E(X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD),
    E(X509_V_ERR_ERROR_IN_CRL_LAST_UPDATE_FIELD),
    E(X509_V_ERR_ERROR_IN_CRL_NEXT_UPDATE_FIELD),
    E(X509_V_ERR_OUT_OF_MEM),
    E(X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT),
    E(X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN),
    E(X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY),
    E(X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE),
    E(X509_V_ERR_CERT_CHAIN_TOO_LONG),
    E(X509_V_ERR_CERT_REVOKED),
    E(X509_V_ERR_NO_ISSUER_PUBLIC_KEY),
    E(X509_V_ERR_PATH_LENGTH_EXCEEDED),
    E(X509_V_ERR_INVALID_PURPOSE),
    E(X509_V_ERR_CERT_UNTRUSTED),
    E(X509_V_ERR_CERT_REJECTED),
    E(X509_V_ERR_SUBJECT_ISSUER_MISMATCH),
    E(X509_V_ERR_AKID_SKID_MISMATCH),
    E(X509_V_ERR_AKID_ISSUER_SERIAL_MISMATCH),
    E(X509_V_ERR_KEYUSAGE_NO_CERTSIGN),
    E(X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER),
    E(X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION),
    E(X509_V_ERR_KEYUSAGE_NO_CRL_SIGN),
    E(X509_V_ERR_UNHANDLED_CRITICAL_CRL_EXTENSION),
    E(X509_V_ERR_INVALID_NON_CA),
    E(X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED),
    E(X509_V_ERR_KEYUSAGE_NO_DIGITAL_SIGNATURE),
    E(X509_V_ERR_PROXY_CERTIFICATES_NOT_ALLOWED),
    E(X509_V_ERR_INVALID_EXTENSION),
    E(X509_V_ERR_INVALID_POLICY_EXTENSION),
    E(X509_V_ERR_NO_EXPLICIT_POLICY),
    E(X509_V_ERR_DIFFERENT_CRL_SCOPE),
    E(X509_V_ERR_UNSUPPORTED_EXTENSION_FEATURE),
    E(X509_V_ERR_UNNESTED_RESOURCE),
    E(X509_V_ERR_PERMITTED_VIOLATION),
    E(X509_V_ERR_EXCLUDED_VIOLATION),
    E(X509_V_ERR_SUBTREE_MINMAX),
    E(X509_V_ERR_APPLICATION_VERIFICATION),
    E(X509_V_ERR_UNSUPPORTED_CONSTRAINT_TYPE),
    E(X509_V_ERR_UNSUPPORTED_CONSTRAINT_SYNTAX),
    E(X509_V_ERR_UNSUPPORTED_NAME_SYNTAX),
    E(X509_V_ERR_CRL_PATH_VALIDATION_ERROR),
    E(X509_V_ERR_PATH_LOOP),
    E(X509_V_ERR_SUITE_B_INVALID_VERSION),
    E(X509_V_ERR_SUITE_B_INVALID_ALGORITHM),
    E(X509_V_ERR_SUITE_B_INVALID_CURVE),
    E(X509_V_ERR_SUITE_B_INVALID_SIGNATURE_ALGORITHM),
    E(X509_V_ERR_SUITE_B_LOS_NOT_ALLOWED),
    E(X509_V_ERR_SUITE_B_CANNOT_SIGN_P_384_WITH_P_256),
    E(X509_V_ERR_HOSTNAME_MISMATCH),
    E(X509_V_ERR_EMAIL_MISMATCH),
    E(X509_V_ERR_IP_ADDRESS_MISMATCH),
    E(X509_V_ERR_DANE_NO_MATCH),
    E(X509_V_ERR_EE_KEY_TOO_SMALL),
    E(X509_V_ERR_CA_KEY_TOO_SMALL),
    E(X509_V_ERR_CA_MD_TOO_WEAK),
    E(X509_V_ERR_INVALID_CALL),
    E(X509_V_ERR_STORE_LOOKUP),
    E(X509_V_ERR_NO_VALID_SCTS),
    E(X509_V_ERR_PROXY_SUBJECT_NAME_VIOLATION),
    E(X509_V_ERR_OCSP_VERIFY_NEEDED),
    E(X509_V_ERR_OCSP_VERIFY_FAILED),
    E(X509_V_ERR_OCSP_CERT_UNKNOWN),
    E(X509_V_ERR_UNSUPPORTED_SIGNATURE_ALGORITHM),
    E(X509_V_ERR_SIGNATURE_ALGORITHM_MISMATCH),
    E(X509_V_ERR_SIGNATURE_ALGORITHM_INCONSISTENCY),
    E(X509_V_ERR_INVALID_CA),
    E(X509_V_ERR_PATHLEN_INVALID_FOR_NON_CA),
    E(X509_V_ERR_PATHLEN_WITHOUT_KU_KEY_CERT_SIGN),
    E(X509_V_ERR_KU_KEY_CERT_SIGN_INVALID_FOR_NON_CA),
    E(X509_V_ERR_ISSUER_NAME_EMPTY),
    E(X509_V_ERR_SUBJECT_NAME_EMPTY),
    E(X509_V_ERR_MISSING_AUTHORITY_KEY_IDENTIFIER),
    E(X509_V_ERR_MISSING_SUBJECT_KEY_IDENTIFIER),
    E(X509_V_ERR_EMPTY_SUBJECT_ALT_NAME),
    E(X509_V_ERR_EMPTY_SUBJECT_SAN_NOT_CRITICAL),
    E(X509_V_ERR_CA_BCONS_NOT_CRITICAL),
    E(X509_V_ERR_AUTHORITY_KEY_IDENTIFIER_CRITICAL),
    E(X509_V_ERR_SUBJECT_KEY_IDENTIFIER_CRITICAL),
    E(X509_V_ERR_CA_CERT_MISSING_KEY_USAGE),
    E(X509_V_ERR_EXTENSIONS_REQUIRE_VERSION_3),
    E(X509_V_ERR_EC_KEY_EXPLICIT_PARAMS),
};
#undef E

const char *sa_cv_verr_name(int verr, char *buf, size_t size)
{
	for (size_t i = 0; i < sizeof(verr_names) / sizeof(verr_names[0]);
	     i++) {
		if (verr_names[i].code == verr)
			return verr_names[i].name;
	}
	snprintf(buf, size, "X509_V_ERR_%d", verr);
	return buf;
}

const char *sa_cv_engine_name(char *buf, size_t size, const char *suffix)
{
	snprintf(buf, size, "OpenSSL %s X509_verify_cert%s%s",
	         OpenSSL_version(OPENSSL_VERSION_STRING),
	         suffix != NULL ? " " : "", suffix != NULL ? suffix : "");
	return buf;
}

void sa_cv_req_init(sa_cv_req *req)
{
	memset(req, 0, sizeof(*req));
	req->max_depth = -1;
	req->auth_level = -1;
}

void sa_cv_req_clear(sa_cv_req *req)
{
	if (req == NULL)
		return;
	sk_X509_pop_free(req->trusted, X509_free);
	sk_X509_pop_free(req->untrusted, X509_free);
	X509_free(req->leaf);
	sk_X509_CRL_pop_free(req->crls, X509_CRL_free);
	sk_ASN1_OBJECT_pop_free(req->policies, ASN1_OBJECT_free);
	sa_cv_req_init(req);
}

static int two(const char *s, int *out)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	*out = (s[0] - '0') * 10 + (s[1] - '0');
	return 0;
}

int sa_cv_parse_time(time_t *out, const char *s)
{
	struct tm tm;
	int cc, yy, mo, dd, hh, mi, ss, oh = 0, om = 0, sign = 0;
	const char *p;
	time_t t;

	*out = 0;
	if (s == NULL || strlen(s) < 19 || two(s, &cc) < 0 ||
	    two(s + 2, &yy) < 0 || s[4] != '-' || two(s + 5, &mo) < 0 ||
	    s[7] != '-' || two(s + 8, &dd) < 0 ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    two(s + 11, &hh) < 0 || s[13] != ':' || two(s + 14, &mi) < 0 ||
	    s[16] != ':' || two(s + 17, &ss) < 0)
		return SA_E_PARSE;
	p = s + 19;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return SA_E_PARSE;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '+' ? 1 : -1;
		if (two(p + 1, &oh) < 0 || p[3] != ':' || two(p + 4, &om) < 0 ||
		    oh > 23 || om > 59)
			return SA_E_PARSE;
		p += 6;
	} else {
		return SA_E_PARSE;
	}
	if (*p != '\0' || mo < 1 || mo > 12 || dd < 1 || dd > 31 || hh > 23 ||
	    mi > 59 || ss > 60)
		return SA_E_PARSE;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = cc * 100 + yy - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = dd;
	tm.tm_hour = hh;
	tm.tm_min = mi;
	tm.tm_sec = ss;
	t = timegm(&tm);
	if (t == (time_t)-1 && !(cc == 19 && yy == 69))
		return SA_E_PARSE;
	*out = t - (time_t)sign * ((time_t)oh * 3600 + (time_t)om * 60);
	return 0;
}

static int read_file(sa_buf *out, const char *path, sa_error *err)
{
	int rc = SA_E_IO;
	FILE *fp = NULL;
	unsigned char chunk[4096];
	size_t n;

	fp = fopen(path, "rb");
	SA_ENSURE(fp != NULL, err, SA_E_IO, "%s: cannot open", path);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		/* A certificate or CRL of PKITS is a few KiB; 16 MiB bounds a
		 * wrong path pointing at something else. */
		SA_ENSURE(out->len + n <= 16u << 20, err, SA_E_RANGE,
		          "%s: larger than 16 MiB", path);
		SA_TRY(sa_buf_append(out, chunk, n));
	}
	SA_ENSURE(!ferror(fp), err, SA_E_IO, "%s: read error", path);
	rc = 0;
out:
	if (fp != NULL)
		fclose(fp);
	return rc;
}

static bool looks_pem(const unsigned char *p, size_t len)
{
	static const char tag[] = "-----BEGIN";
	for (size_t i = 0; i + sizeof(tag) - 1 <= len; i++) {
		if (memcmp(p + i, tag, sizeof(tag) - 1) == 0)
			return true;
	}
	return false;
}

int sa_cv_cert_from_pem(X509 **out, const char *pem, size_t len, sa_error *err)
{
	int rc = SA_E_PARSE;
	BIO *bio = NULL;
	const unsigned char *p = (const unsigned char *)pem;

	*out = NULL;
	SA_ENSURE(len <= 16u << 20, err, SA_E_RANGE, "certificate too large");
	if (!looks_pem(p, len)) {
		*out = d2i_X509(NULL, &p, (long)len);
	} else {
		bio = BIO_new_mem_buf(pem, (int)len);
		SA_ENSURE(bio != NULL, err, SA_E_NOMEM, "BIO_new_mem_buf");
		*out = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	}
	ERR_clear_error();
	SA_ENSURE(*out != NULL, err, SA_E_PARSE, "certificate does not parse");
	rc = 0;
out:
	BIO_free(bio);
	return rc;
}

int sa_cv_crl_from_pem(X509_CRL **out, const char *pem, size_t len,
                       sa_error *err)
{
	int rc = SA_E_PARSE;
	BIO *bio = NULL;
	const unsigned char *p = (const unsigned char *)pem;

	*out = NULL;
	SA_ENSURE(len <= 16u << 20, err, SA_E_RANGE, "CRL too large");
	if (!looks_pem(p, len)) {
		*out = d2i_X509_CRL(NULL, &p, (long)len);
	} else {
		bio = BIO_new_mem_buf(pem, (int)len);
		SA_ENSURE(bio != NULL, err, SA_E_NOMEM, "BIO_new_mem_buf");
		*out = PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL);
	}
	ERR_clear_error();
	SA_ENSURE(*out != NULL, err, SA_E_PARSE, "CRL does not parse");
	rc = 0;
out:
	BIO_free(bio);
	return rc;
}

int sa_cv_load_cert(X509 **out, const char *path, sa_error *err)
{
	int rc = SA_E_IO;
	sa_buf b = SA_BUF_INIT;

	*out = NULL;
	SA_TRY(read_file(&b, path, err));
	rc = sa_cv_cert_from_pem(out, (const char *)b.data, b.len, err);
	if (rc < 0)
		SA_ERR(err, rc, "%s: certificate does not parse", path);
out:
	sa_buf_free(&b);
	return rc;
}

int sa_cv_load_crl(X509_CRL **out, const char *path, sa_error *err)
{
	int rc = SA_E_IO;
	sa_buf b = SA_BUF_INIT;

	*out = NULL;
	SA_TRY(read_file(&b, path, err));
	rc = sa_cv_crl_from_pem(out, (const char *)b.data, b.len, err);
	if (rc < 0)
		SA_ERR(err, rc, "%s: CRL does not parse", path);
out:
	sa_buf_free(&b);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* RFC 5280 §6.1.6 (g): the user-constrained policy set. OpenSSL keeps it in
 * the policy tree; when the initial set is anyPolicy the function returns
 * the authority-constrained set, which is then the same thing. */
static void read_policies(sa_cv_res *res, X509_STORE_CTX *ctx)
{
	X509_POLICY_TREE *tree = X509_STORE_CTX_get0_policy_tree(ctx);
	STACK_OF(X509_POLICY_NODE) * nodes;
	char oids[16][80];
	const char *sorted[16];
	size_t n = 0, used = 0;
	int count;

	res->policies[0] = '\0';
	res->policies_known = true;
	if (tree == NULL)
		return; /* no tree: the valid_policy_tree is NULL, set empty */
	nodes = X509_policy_tree_get0_user_policies(tree);
	count = sk_X509_POLICY_NODE_num(nodes);
	for (int i = 0; i < count && n < 16; i++) {
		const ASN1_OBJECT *obj = X509_policy_node_get0_policy(
		    sk_X509_POLICY_NODE_value(nodes, i));
		if (obj == NULL ||
		    OBJ_obj2txt(oids[n], (int)sizeof(oids[n]), obj, 1) <= 0)
			continue;
		sorted[n] = oids[n];
		n++;
	}
	qsort(sorted, n, sizeof(sorted[0]), cmp_str);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && strcmp(sorted[i], sorted[i - 1]) == 0)
			continue;
		int w =
		    snprintf(res->policies + used, sizeof(res->policies) - used,
		             "%s%s", used > 0 ? "," : "", sorted[i]);
		if (w < 0 || (size_t)w >= sizeof(res->policies) - used)
			break;
		used += (size_t)w;
	}
}

/* A name the verify parameters could not take (OpenSSL keeps one e-mail and
 * one IP) is checked on the leaf after the path: RFC 6125 §6.4 host rules,
 * no partial wildcards (as x509-limbo's OpenSSL harness asks). */
static int check_extra_name(const X509 *leaf, sa_cv_name_kind kind,
                            const char *v)
{
	X509 *x = (X509 *)leaf; /* the check functions do not modify it */

	switch (kind) {
	case SA_CV_NAME_DNS:
		return X509_check_host(x, v, 0,
		                       X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS,
		                       NULL) == 1
		           ? X509_V_OK
		           : X509_V_ERR_HOSTNAME_MISMATCH;
	case SA_CV_NAME_IP:
		return X509_check_ip_asc(x, v, 0) == 1
		           ? X509_V_OK
		           : X509_V_ERR_IP_ADDRESS_MISMATCH;
	case SA_CV_NAME_RFC822:
		return X509_check_email(x, v, 0, 0) == 1
		           ? X509_V_OK
		           : X509_V_ERR_EMAIL_MISMATCH;
	default:
		return X509_V_OK;
	}
}

static int set_names(X509_VERIFY_PARAM *param, const sa_cv_req *req,
                     bool set_already[SA_CV_NAMES_MAX], sa_error *err)
{
	int rc = SA_E_INVALID;
	bool dns = false, ip = false, mail = false;

	for (size_t i = 0; i < req->n_names && i < SA_CV_NAMES_MAX; i++) {
		const char *v = req->names[i].value;
		set_already[i] = false;
		switch (req->names[i].kind) {
		case SA_CV_NAME_DNS:
			if (dns)
				break;
			X509_VERIFY_PARAM_set_hostflags(
			    param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
			SA_ENSURE(X509_VERIFY_PARAM_set1_host(param, v, 0) == 1,
			          err, SA_E_INVALID,
			          "host name '%.64s' refused", v);
			dns = set_already[i] = true;
			break;
		case SA_CV_NAME_IP:
			if (ip)
				break;
			SA_ENSURE(X509_VERIFY_PARAM_set1_ip_asc(param, v) == 1,
			          err, SA_E_INVALID,
			          "IP address '%.64s' does not parse", v);
			ip = set_already[i] = true;
			break;
		case SA_CV_NAME_RFC822:
			if (mail)
				break;
			SA_ENSURE(
			    X509_VERIFY_PARAM_set1_email(param, v, 0) == 1, err,
			    SA_E_INVALID, "e-mail '%.64s' refused", v);
			mail = set_already[i] = true;
			break;
		default:
			break;
		}
	}
	rc = 0;
out:
	return rc;
}

int sa_cv_x509_verify(sa_cv_res *res, const sa_cv_req *req, sa_error *err)
{
	int rc = SA_E_INVALID, ret;
	X509_STORE *store = NULL;
	X509_STORE_CTX *ctx = NULL;
	X509_VERIFY_PARAM *param;
	bool set_already[SA_CV_NAMES_MAX] = {false};
	unsigned long flags = req->flags;

	memset(res, 0, sizeof(*res));
	res->verr = X509_V_ERR_UNSPECIFIED;
	ERR_clear_error();
	SA_ENSURE(req->leaf != NULL, err, SA_E_INVALID, "no certificate");
	store = X509_STORE_new();
	ctx = X509_STORE_CTX_new();
	SA_ENSURE(store != NULL && ctx != NULL, err, SA_E_NOMEM,
	          "X509_STORE_new");
	for (int i = 0; i < sk_X509_num(req->trusted); i++)
		SA_TRY_OSSL(
		    X509_STORE_add_cert(store, sk_X509_value(req->trusted, i)),
		    err, "X509_STORE_add_cert");
	for (int i = 0; i < sk_X509_CRL_num(req->crls); i++)
		SA_TRY_OSSL(
		    X509_STORE_add_crl(store, sk_X509_CRL_value(req->crls, i)),
		    err, "X509_STORE_add_crl");
	SA_TRY_OSSL(X509_STORE_CTX_init(ctx, store, req->leaf, req->untrusted),
	            err, "X509_STORE_CTX_init");
	param = X509_STORE_CTX_get0_param(ctx);
	if (req->has_time)
		X509_VERIFY_PARAM_set_time(param, req->at);
	else
		flags |= X509_V_FLAG_NO_CHECK_TIME;
	if (req->policies != NULL)
		/* RFC 5280 §6.1.1 (c) user-initial-policy-set; also turns on
		 * policy checking. */
		SA_TRY_OSSL(
		    X509_VERIFY_PARAM_set1_policies(param, req->policies), err,
		    "X509_VERIFY_PARAM_set1_policies");
	SA_TRY_OSSL(X509_VERIFY_PARAM_set_flags(param, flags), err,
	            "X509_VERIFY_PARAM_set_flags");
	if (req->max_depth >= 0)
		X509_VERIFY_PARAM_set_depth(param, req->max_depth);
	if (req->auth_level >= 0)
		X509_VERIFY_PARAM_set_auth_level(param, req->auth_level);
	if (req->purpose > 0)
		SA_TRY_OSSL(X509_STORE_CTX_set_purpose(ctx, req->purpose), err,
		            "X509_STORE_CTX_set_purpose");
	SA_TRY(set_names(param, req, set_already, err));

	ret = X509_verify_cert(ctx);
	res->verr = X509_STORE_CTX_get_error(ctx);
	res->depth = X509_STORE_CTX_get_error_depth(ctx);
	res->accepted = ret == 1;
	if (ret != 1 && res->verr == X509_V_OK)
		/* -1 without a reason: the library could not decide (RFC 5280
		 * gives no verdict); count it as a rejection with a name that
		 * says so rather than as "valid". */
		res->verr = X509_V_ERR_UNSPECIFIED;
	if (res->accepted && req->need_digital_signature &&
	    (X509_get_key_usage(req->leaf) & KU_DIGITAL_SIGNATURE) == 0) {
		res->accepted = false;
		res->verr = X509_V_ERR_KEYUSAGE_NO_DIGITAL_SIGNATURE;
	}
	for (size_t i = 0; res->accepted && i < req->n_names; i++) {
		int v;
		if (set_already[i])
			continue;
		v = check_extra_name(req->leaf, req->names[i].kind,
		                     req->names[i].value);
		if (v != X509_V_OK) {
			res->accepted = false;
			res->verr = v;
		}
	}
	if (res->accepted && (flags & X509_V_FLAG_POLICY_CHECK) != 0)
		read_policies(res, ctx);
	ERR_clear_error();
	rc = 0;
out:
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	return rc;
}
