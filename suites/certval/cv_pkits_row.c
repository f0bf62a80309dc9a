/* PKITS rows to engine requests (cv_pkits.h): the part of the PKITS runner
 * that needs no case context, shared with the limbo x-pkits fields, the unit
 * tests and the fuzz target. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "sigaudit/case.h"
#include "sigaudit/guard.h"
#include "sigaudit/profile.h"

#include "cv_pkits.h"
#include "cv_x509.h"

#define CV_CAVP_DEFAULT "/usr/lib/python3/dist-packages/cryptography_vectors"
#define CV_PKITS_DATA   "x509/PKITS_data"
/* PKITS §3.1: any fixed time between 2011 and 2030 works; this one is the
 * customary choice. */
#define CV_PKITS_TIME ((time_t)1302825600) /* 2011-04-15T00:00:00Z */
#define CV_ANY_POLICY "2.5.29.32.0"
#define CV_NIST_TEST  "2.16.840.1.101.3.2.1.48."

const unsigned long sa_cv_pkits_base_flags =
    X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL |
    X509_V_FLAG_EXTENDED_CRL_SUPPORT | X509_V_FLAG_USE_DELTAS |
    X509_V_FLAG_POLICY_CHECK;

/* "anyPolicy", "NIST-test-policy-N" or a dotted OID, to a dotted OID. */
int sa_cv_pkits_policy_oid(char *out, size_t size, const char *name)
{
	static const char prefix[] = "NIST-test-policy-";
	char *end;
	long n;

	if (strcmp(name, "anyPolicy") == 0) {
		snprintf(out, size, "%s", CV_ANY_POLICY);
		return 0;
	}
	if (strncmp(name, prefix, sizeof(prefix) - 1) == 0) {
		n = strtol(name + sizeof(prefix) - 1, &end, 10);
		if (*end != '\0' || n < 1 || n > 99)
			return SA_E_PARSE;
		snprintf(out, size, "%s%ld", CV_NIST_TEST, n);
		return 0;
	}
	if (name[0] >= '0' && name[0] <= '2' && strchr(name, '.') != NULL) {
		snprintf(out, size, "%s", name);
		return 0;
	}
	return SA_E_PARSE;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A comma-separated list of policy names to sorted dotted OIDs joined by
 * "," without duplicates; the form sa_cv_res.policies uses. */
int sa_cv_pkits_policy_set(char *out, size_t size, const char *names)
{
	char copy[512], oids[16][80];
	const char *sorted[16];
	size_t n = 0, used = 0;
	char *save = NULL, *tok;

	out[0] = '\0';
	if (snprintf(copy, sizeof(copy), "%s", names) >= (int)sizeof(copy))
		return SA_E_RANGE;
	for (tok = strtok_r(copy, ", ", &save); tok != NULL;
	     tok = strtok_r(NULL, ", ", &save)) {
		if (n == 16 ||
		    sa_cv_pkits_policy_oid(oids[n], sizeof(oids[n]), tok) < 0)
			return SA_E_PARSE;
		sorted[n] = oids[n];
		n++;
	}
	qsort(sorted, n, sizeof(sorted[0]), cmp_str);
	for (size_t i = 0; i < n; i++) {
		int w;
		if (i > 0 && strcmp(sorted[i], sorted[i - 1]) == 0)
			continue; /* a set: each OID once */
		w = snprintf(out + used, size - used, "%s%s",
		             used > 0 ? "," : "", sorted[i]);
		if (w < 0 || (size_t)w >= size - used)
			return SA_E_RANGE;
		used += (size_t)w;
	}
	return 0;
}

static bool json_true_str(const json_t *v)
{
	/* pkits.json writes the initial settings as "true"/"false"; accept
	 * JSON booleans too. */
	if (json_is_boolean(v))
		return json_is_true(v);
	return json_is_string(v) && strcmp(json_string_value(v), "true") == 0;
}

/* Parsed certificates and CRLs by file name, so that a section parses each
 * file once (the trust anchor is in every row). */
struct sa_cv_pkits_cache {
	size_t n;
	struct {
		char name[96];
		bool crl;
		X509 *x;
		X509_CRL *c;
	} e[512];
};

sa_cv_pkits_cache *sa_cv_pkits_cache_new(void)
{
	return calloc(1, sizeof(sa_cv_pkits_cache));
}

void sa_cv_pkits_cache_free(sa_cv_pkits_cache *cache)
{
	if (cache == NULL)
		return;
	for (size_t i = 0; i < cache->n; i++) {
		X509_free(cache->e[i].x);
		X509_CRL_free(cache->e[i].c);
	}
	free(cache);
}

/* One certificate (crl false) or CRL by name, a new reference in *x or *c. */
static int load_named(X509 **x, X509_CRL **c, sa_cv_pkits_cache *cache,
                      const char *dir, const char *name, bool crl,
                      sa_error *err)
{
	int rc = SA_E_PARSE;
	char path[4096];
	size_t i;

	SA_ENSURE(name != NULL && name[0] != '\0' && strlen(name) < 96 &&
	              strchr(name, '/') == NULL,
	          err, SA_E_PARSE, "row: bad %s name",
	          crl ? "CRL" : "certificate");
	for (i = 0; cache != NULL && i < cache->n; i++) {
		if (cache->e[i].crl == crl &&
		    strcmp(cache->e[i].name, name) == 0)
			break;
	}
	if (cache != NULL && i < cache->n) {
		if (crl) {
			SA_TRY_OSSL(X509_CRL_up_ref(cache->e[i].c), err,
			            "X509_CRL_up_ref");
			*c = cache->e[i].c;
		} else {
			SA_TRY_OSSL(X509_up_ref(cache->e[i].x), err,
			            "X509_up_ref");
			*x = cache->e[i].x;
		}
		rc = 0;
		goto out;
	}
	snprintf(path, sizeof(path), "%s/%s/%s.%s", dir, crl ? "crls" : "certs",
	         name, crl ? "crl" : "crt");
	if (crl)
		SA_TRY(sa_cv_load_crl(c, path, err));
	else
		SA_TRY(sa_cv_load_cert(x, path, err));
	if (cache != NULL && cache->n < SA_COUNTOF(cache->e)) {
		i = cache->n;
		snprintf(cache->e[i].name, sizeof(cache->e[i].name), "%s",
		         name);
		cache->e[i].crl = crl;
		if (crl && X509_CRL_up_ref(*c) == 1) {
			cache->e[i].c = *c;
			cache->n++;
		} else if (!crl && X509_up_ref(*x) == 1) {
			cache->e[i].x = *x;
			cache->n++;
		}
	}
	rc = 0;
out:
	return rc;
}

int sa_cv_pkits_req(sa_cv_req *req, const json_t *row, const char *data_dir,
                    bool strict, sa_cv_pkits_cache *cache, sa_error *err)
{
	int rc = SA_E_PARSE;
	const json_t *certs = json_object_get(row, "certs");
	const json_t *crls = json_object_get(row, "crls");
	const char *ips =
	    json_string_value(json_object_get(row, "initial_policy_set"));
	char set[512];
	size_t n;
	X509 *x = NULL;
	X509_CRL *c = NULL;
	ASN1_OBJECT *obj = NULL;

	sa_cv_req_init(req);
	n = json_array_size(certs);
	SA_ENSURE(json_is_array(certs) && n >= 2 && n <= 16, err, SA_E_PARSE,
	          "row: \"certs\" must list 2..16 names");
	SA_ENSURE(crls == NULL || json_is_array(crls), err, SA_E_PARSE,
	          "row: \"crls\" is not an array");
	req->trusted = sk_X509_new_null();
	req->untrusted = sk_X509_new_null();
	req->crls = sk_X509_CRL_new_null();
	req->policies = sk_ASN1_OBJECT_new_null();
	SA_ENSURE(req->trusted != NULL && req->untrusted != NULL &&
	              req->crls != NULL && req->policies != NULL,
	          err, SA_E_NOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		SA_TRY(load_named(&x, NULL, cache, data_dir,
		                  json_string_value(json_array_get(certs, i)),
		                  false, err));
		if (i == 0)
			SA_ENSURE(sk_X509_push(req->trusted, x) > 0, err,
			          SA_E_NOMEM, "out of memory");
		else if (i == n - 1)
			req->leaf = x;
		else
			SA_ENSURE(sk_X509_push(req->untrusted, x) > 0, err,
			          SA_E_NOMEM, "out of memory");
		x = NULL;
	}
	for (size_t i = 0; i < json_array_size(crls); i++) {
		SA_TRY(load_named(NULL, &c, cache, data_dir,
		                  json_string_value(json_array_get(crls, i)),
		                  true, err));
		SA_ENSURE(sk_X509_CRL_push(req->crls, c) > 0, err, SA_E_NOMEM,
		          "out of memory");
		c = NULL;
	}
	/* RFC 5280 §6.1.1 (c): anyPolicy is passed as an OID too, so that
	 * OpenSSL reports the authority-constrained set as the user set. */
	SA_ENSURE(ips != NULL &&
	              sa_cv_pkits_policy_set(set, sizeof(set),
	                                     ips[0] ? ips : "anyPolicy") == 0,
	          err, SA_E_PARSE, "row: bad initial_policy_set '%.64s'",
	          ips ? ips : "(missing)");
	{
		char *save = NULL, *tok;
		for (tok = strtok_r(set, ",", &save); tok != NULL;
		     tok = strtok_r(NULL, ",", &save)) {
			obj = OBJ_txt2obj(tok, 1);
			SA_ENSURE(obj != NULL, err, SA_E_PARSE,
			          "row: policy OID '%.64s'", tok);
			SA_ENSURE(sk_ASN1_OBJECT_push(req->policies, obj) > 0,
			          err, SA_E_NOMEM, "out of memory");
			obj = NULL;
		}
	}
	req->flags = sa_cv_pkits_base_flags;
	if (json_true_str(json_object_get(row, "initial_explicit_policy")))
		req->flags |= X509_V_FLAG_EXPLICIT_POLICY;
	if (json_true_str(
	        json_object_get(row, "initial_policy_mapping_inhibit")))
		req->flags |= X509_V_FLAG_INHIBIT_MAP;
	if (json_true_str(json_object_get(row, "initial_inhibit_any_policy")))
		req->flags |= X509_V_FLAG_INHIBIT_ANY;
	if (strict)
		req->flags |= X509_V_FLAG_X509_STRICT;
	req->has_time = true;
	req->at = CV_PKITS_TIME;
	rc = 0;
out:
	X509_free(x);
	X509_CRL_free(c);
	ASN1_OBJECT_free(obj);
	if (rc < 0)
		sa_cv_req_clear(req);
	return rc;
}

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int sa_cv_pkits_locate(char *table, size_t tsize, char *data, size_t dsize,
                       const sa_profile *p, char *why, size_t wsize)
{
	const char *t = p != NULL ? sa_profile_vectors_dir(p, "pkits") : NULL;
	const char *cavp = p != NULL ? sa_profile_vectors_dir(p, "cavp") : NULL;

	if (t == NULL) {
		snprintf(why, wsize,
		         "no PKITS expected table: set [vectors] pkits = "
		         ".../pkits.json or run --vectors pkits=PATH");
		return SA_E_NOTFOUND;
	}
	if (is_dir(t))
		snprintf(table, tsize, "%s/pkits.json", t);
	else
		snprintf(table, tsize, "%s", t);
	snprintf(data, dsize, "%s/%s", cavp != NULL ? cavp : CV_CAVP_DEFAULT,
	         CV_PKITS_DATA);
	if (!is_dir(data)) {
		snprintf(why, wsize,
		         "no PKITS certificates at %s (install "
		         "python3-cryptography-vectors or set [vectors] cavp)",
		         data);
		return SA_E_NOTFOUND;
	}
	return 0;
}

static int pem_push(json_t *arr, X509 *x, X509_CRL *c, sa_error *err)
{
	int rc = SA_E_NOMEM;
	BIO *b = BIO_new(BIO_s_mem());
	char *data = NULL;
	long n;

	SA_ENSURE(b != NULL, err, SA_E_NOMEM, "out of memory");
	if (x != NULL)
		SA_TRY_OSSL(PEM_write_bio_X509(b, x), err,
		            "PEM_write_bio_X509");
	else
		SA_TRY_OSSL(PEM_write_bio_X509_CRL(b, c), err,
		            "PEM_write_bio_X509_CRL");
	n = BIO_get_mem_data(b, &data);
	SA_ENSURE(n > 0 && json_array_append_new(
	                       arr, json_stringn(data, (size_t)n)) == 0,
	          err, SA_E_NOMEM, "out of memory");
	rc = 0;
out:
	BIO_free(b);
	return rc;
}

static json_t *oid_list(const char *names, sa_error *err)
{
	char set[512];
	char *save = NULL, *tok;
	json_t *arr;

	if (sa_cv_pkits_policy_set(set, sizeof(set), names) < 0) {
		SA_ERR(err, SA_E_PARSE, "row: bad policy set '%.64s'", names);
		return NULL;
	}
	arr = json_array();
	for (tok = strtok_r(set, ",", &save); arr != NULL && tok != NULL;
	     tok = strtok_r(NULL, ",", &save))
		json_array_append_new(arr, json_string(tok));
	if (arr == NULL)
		SA_ERR(err, SA_E_NOMEM, "out of memory");
	return arr;
}

json_t *sa_cv_pkits_to_limbo(const json_t *row, const char *data_dir,
                             sa_cv_pkits_cache *cache, sa_error *err)
{
	int rc = SA_E_PARSE;
	json_t *tc = NULL, *trusted, *pool, *crls, *ips = NULL, *ucps = NULL;
	const json_t *certs = json_object_get(row, "certs");
	const json_t *crl_names = json_object_get(row, "crls");
	const char *id = json_string_value(json_object_get(row, "id"));
	const char *name = json_string_value(json_object_get(row, "name"));
	const char *exp = json_string_value(json_object_get(row, "expected"));
	const char *ips_s =
	    json_string_value(json_object_get(row, "initial_policy_set"));
	const char *ucps_s = json_string_value(
	    json_object_get(row, "user_constrained_policy_set"));
	char lid[96], desc[256];
	X509 *x = NULL, *leaf = NULL;
	X509_CRL *c = NULL;
	size_t n = json_array_size(certs);

	SA_ENSURE(id != NULL && strlen(id) < 64 && exp != NULL &&
	              ips_s != NULL && ucps_s != NULL,
	          err, SA_E_PARSE,
	          "row: id, expected and the policy sets are required");
	SA_ENSURE(json_is_array(certs) && n >= 2 && n <= 16, err, SA_E_PARSE,
	          "row %s: \"certs\" must list 2..16 names", id);
	SA_ENSURE(crl_names == NULL || json_is_array(crl_names), err,
	          SA_E_PARSE, "row %s: \"crls\" is not an array", id);
	/* limbo ids start with a letter: "pkits::test4.1.1". */
	snprintf(lid, sizeof(lid), "pkits::test%s", id);
	snprintf(desc, sizeof(desc), "NIST PKITS v1.0.1 %s %s", id,
	         name ? name : "");
	ips = oid_list(ips_s[0] ? ips_s : "anyPolicy", err);
	ucps = oid_list(ucps_s, err);
	SA_ENSURE(ips != NULL && ucps != NULL, err, SA_E_PARSE,
	          "row %s: bad policy set", id);
	tc = json_pack(
	    "{s:s, s:[], s:[], s:s, s:s, s:s, s:[], s:[], s:n, s:n, s:s, "
	    "s:[], s:[], s:[], s:s, s:n, s:[], s:n, s:[], s:{s:O, s:b, s:b, "
	    "s:b, s:O}}",
	    "id", lid, "conflicts_with", "features", "importance",
	    "undetermined", "description", desc, "validation_kind", "SERVER",
	    "trusted_certs", "untrusted_intermediates", "peer_certificate",
	    "peer_certificate_key", "validation_time", "2011-04-15T00:00:00Z",
	    "signature_algorithms", "key_usage", "extended_key_usage",
	    "expected_result",
	    strcmp(exp, "VALID") == 0 ? "SUCCESS" : "FAILURE",
	    "expected_peer_name", "expected_peer_names", "max_chain_depth",
	    "crls", "x-pkits", "initial_policy_set", ips,
	    "initial_explicit_policy",
	    json_true_str(json_object_get(row, "initial_explicit_policy")),
	    "initial_policy_mapping_inhibit",
	    json_true_str(
	        json_object_get(row, "initial_policy_mapping_inhibit")),
	    "initial_inhibit_any_policy",
	    json_true_str(json_object_get(row, "initial_inhibit_any_policy")),
	    "expected_user_constrained_policy_set", ucps);
	SA_ENSURE(tc != NULL, err, SA_E_NOMEM, "out of memory");
	trusted = json_object_get(tc, "trusted_certs");
	pool = json_object_get(tc, "untrusted_intermediates");
	crls = json_object_get(tc, "crls");
	for (size_t i = 0; i < n; i++) {
		SA_TRY(load_named(&x, NULL, cache, data_dir,
		                  json_string_value(json_array_get(certs, i)),
		                  false, err));
		if (i == n - 1) {
			leaf = x;
		} else {
			SA_TRY(pem_push(i == 0 ? trusted : pool, x, NULL, err));
			X509_free(x);
		}
		x = NULL;
	}
	{
		json_t *tmp = json_array();
		SA_ENSURE(tmp != NULL, err, SA_E_NOMEM, "out of memory");
		rc = pem_push(tmp, leaf, NULL, err);
		if (rc == 0)
			json_object_set(tc, "peer_certificate",
			                json_array_get(tmp, 0));
		json_decref(tmp);
		SA_TRY(rc);
	}
	for (size_t i = 0; i < json_array_size(crl_names); i++) {
		SA_TRY(
		    load_named(NULL, &c, cache, data_dir,
		               json_string_value(json_array_get(crl_names, i)),
		               true, err));
		SA_TRY(pem_push(crls, NULL, c, err));
		X509_CRL_free(c);
		c = NULL;
	}
	if (json_array_size(crls) > 0)
		json_array_append_new(json_object_get(tc, "features"),
		                      json_string("has-crl"));
	rc = 0;
out:
	X509_free(x);
	X509_free(leaf);
	X509_CRL_free(c);
	json_decref(ips);
	json_decref(ucps);
	if (rc < 0) {
		json_decref(tc);
		tc = NULL;
	}
	return tc;
}
