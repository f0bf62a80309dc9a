/* x509-limbo testcases to engine requests, results to and from JSON, and
 * the harness protocol of the built-in engine (cv_limbo.h). */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "sigaudit/buf.h"
#include "sigaudit/guard.h"

#include "cv_limbo.h"
#include "cv_pkits.h"
#include "cv_x509.h"

static const char *const actual_names[] = {"SUCCESS", "FAILURE", "SKIPPED",
                                           "HANG"};

const char *sa_cv_limbo_actual_str(sa_cv_limbo_actual a)
{
	return (unsigned)a < sizeof(actual_names) / sizeof(actual_names[0])
	           ? actual_names[a]
	           : "?";
}

const char *sa_cv_limbo_id(const json_t *tc)
{
	return json_string_value(json_object_get(tc, "id"));
}

int sa_cv_limbo_expected(const json_t *tc)
{
	const char *e =
	    json_string_value(json_object_get(tc, "expected_result"));
	if (e == NULL)
		return -1;
	if (strcmp(e, "SUCCESS") == 0)
		return 1;
	if (strcmp(e, "FAILURE") == 0)
		return 0;
	return -1;
}

void sa_cv_limbo_flags(char *out, size_t size, const json_t *tc)
{
	const char *imp = json_string_value(json_object_get(tc, "importance"));
	const json_t *f = json_object_get(tc, "features");
	size_t i, used;
	json_t *v;
	int w;

	w = snprintf(out, size, "importance=%s", imp ? imp : "undetermined");
	used = w < 0 ? 0 : (size_t)w;
	json_array_foreach(f, i, v)
	{
		const char *s = json_string_value(v);
		if (s == NULL || used >= size)
			continue;
		w = snprintf(out + used, size - used, ",%s", s);
		if (w < 0 || (size_t)w >= size - used)
			break;
		used += (size_t)w;
	}
}

static int pem_array(STACK_OF(X509) * *out, const json_t *arr,
                     const char *field, sa_error *err)
{
	int rc = SA_E_PARSE;
	size_t i;
	json_t *v;
	X509 *x = NULL;

	SA_ENSURE(arr == NULL || json_is_array(arr), err, SA_E_PARSE,
	          "\"%s\" is not an array", field);
	SA_ENSURE(json_array_size(arr) <= 4096, err, SA_E_RANGE,
	          "\"%s\" has more than 4096 entries", field);
	*out = sk_X509_new_null();
	SA_ENSURE(*out != NULL, err, SA_E_NOMEM, "out of memory");
	json_array_foreach(arr, i, v)
	{
		SA_ENSURE(json_is_string(v), err, SA_E_PARSE,
		          "\"%s\"[%zu] is not a string", field, i);
		rc = sa_cv_cert_from_pem(&x, json_string_value(v),
		                         json_string_length(v), err);
		SA_ENSURE(rc == 0, err, SA_E_PARSE,
		          "\"%s\"[%zu]: certificate does not parse", field, i);
		SA_ENSURE(sk_X509_push(*out, x) > 0, err, SA_E_NOMEM,
		          "out of memory");
		x = NULL;
	}
	rc = 0;
out:
	X509_free(x);
	return rc;
}

static int name_kind(sa_cv_name_kind *out, const json_t *pn)
{
	const char *k = json_string_value(json_object_get(pn, "kind"));
	if (k == NULL)
		return -1;
	if (strcmp(k, "DNS") == 0)
		*out = SA_CV_NAME_DNS;
	else if (strcmp(k, "IP") == 0)
		*out = SA_CV_NAME_IP;
	else if (strcmp(k, "RFC822") == 0)
		*out = SA_CV_NAME_RFC822;
	else
		return -1;
	return 0;
}

static int add_name(sa_cv_req *req, const json_t *pn, sa_error *err)
{
	int rc = SA_E_PARSE;
	const char *v = json_string_value(json_object_get(pn, "value"));
	sa_cv_name_kind kind;

	SA_ENSURE(name_kind(&kind, pn) == 0 && v != NULL, err, SA_E_PARSE,
	          "peer name: kind DNS/IP/RFC822 and a string value needed");
	SA_ENSURE(strlen(v) < sizeof(req->names[0].value) &&
	              strlen(v) ==
	                  json_string_length(json_object_get(pn, "value")),
	          err, SA_E_PARSE, "peer name too long or holds a NUL");
	SA_ENSURE(req->n_names < SA_CV_NAMES_MAX, err, SA_E_RANGE,
	          "more than %d peer names", SA_CV_NAMES_MAX);
	req->names[req->n_names].kind = kind;
	snprintf(req->names[req->n_names].value, sizeof(req->names[0].value),
	         "%s", v);
	req->n_names++;
	rc = 0;
out:
	return rc;
}

/* extended_key_usage to an OpenSSL purpose, the only form X509_verify_cert
 * checks the EE's EKU in (RFC 5280 §4.2.1.12). */
static int eku_purpose(int *out, const char *eku)
{
	static const struct {
		const char *name;
		int purpose;
	} map[] = {
	    {"serverAuth", X509_PURPOSE_SSL_SERVER},
	    {"clientAuth", X509_PURPOSE_SSL_CLIENT},
	    {"anyExtendedKeyUsage", X509_PURPOSE_ANY},
	    {"emailProtection", X509_PURPOSE_SMIME_SIGN},
	    {"timeStamping", X509_PURPOSE_TIMESTAMP_SIGN},
	    {"OCSPSigning", X509_PURPOSE_OCSP_HELPER},
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (strcmp(map[i].name, eku) == 0) {
			*out = map[i].purpose;
			return 0;
		}
	}
	return -1;
}

static int oid_array(STACK_OF(ASN1_OBJECT) * *out, const json_t *arr,
                     const char *field, sa_error *err)
{
	int rc = SA_E_PARSE;
	size_t i;
	json_t *v;
	ASN1_OBJECT *obj = NULL;
	char oid[96];

	SA_ENSURE(json_is_array(arr) && json_array_size(arr) <= 64, err,
	          SA_E_PARSE, "x-pkits.%s: an array of at most 64 OIDs", field);
	*out = sk_ASN1_OBJECT_new_null();
	SA_ENSURE(*out != NULL, err, SA_E_NOMEM, "out of memory");
	json_array_foreach(arr, i, v)
	{
		const char *s = json_string_value(v);
		SA_ENSURE(s != NULL &&
		              sa_cv_pkits_policy_oid(oid, sizeof(oid), s) == 0,
		          err, SA_E_PARSE, "x-pkits.%s[%zu]: not an OID", field,
		          i);
		obj = OBJ_txt2obj(oid, 1);
		SA_ENSURE(obj != NULL, err, SA_E_PARSE,
		          "x-pkits.%s[%zu]: not an OID", field, i);
		SA_ENSURE(sk_ASN1_OBJECT_push(*out, obj) > 0, err, SA_E_NOMEM,
		          "out of memory");
		obj = NULL;
	}
	rc = 0;
out:
	ASN1_OBJECT_free(obj);
	return rc;
}

/* catalogue §4.6: PKITS's four initial settings (RFC 5280 §6.1.1 (c), (e),
 * (f), (g)); with them the engine checks like a PKITS run (no X509_STRICT,
 * no partial chains: RFC 5280 path validation, not the WebPKI profile). */
static int apply_x_pkits(sa_cv_req *req, const json_t *xp, sa_error *err)
{
	int rc = SA_E_PARSE;
	const json_t *ips = json_object_get(xp, "initial_policy_set");
	static const struct {
		const char *key;
		unsigned long flag;
	} bools[] = {
	    {"initial_explicit_policy", X509_V_FLAG_EXPLICIT_POLICY},
	    {"initial_policy_mapping_inhibit", X509_V_FLAG_INHIBIT_MAP},
	    {"initial_inhibit_any_policy", X509_V_FLAG_INHIBIT_ANY},
	};

	SA_ENSURE(json_is_object(xp), err, SA_E_PARSE,
	          "\"x-pkits\" is not an object");
	/* PKITS's flags without the CRL pair: limbo turns CRL checking on
	 * when the testcase has CRLs, and so does the caller. */
	req->flags =
	    sa_cv_pkits_base_flags &
	    ~(unsigned long)(X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
	if (ips != NULL)
		SA_TRY(
		    oid_array(&req->policies, ips, "initial_policy_set", err));
	for (size_t i = 0; i < sizeof(bools) / sizeof(bools[0]); i++) {
		const json_t *b = json_object_get(xp, bools[i].key);
		SA_ENSURE(b == NULL || json_is_boolean(b), err, SA_E_PARSE,
		          "x-pkits.%s is not a boolean", bools[i].key);
		if (json_is_true(b))
			req->flags |= bools[i].flag;
	}
	rc = 0;
out:
	return rc;
}

int sa_cv_limbo_req(sa_cv_req *req, const json_t *tc, char *why,
                    size_t why_size, sa_error *err)
{
	int rc = SA_E_PARSE;
	const char *kind =
	    json_string_value(json_object_get(tc, "validation_kind"));
	const char *peer =
	    json_string_value(json_object_get(tc, "peer_certificate"));
	const json_t *vt = json_object_get(tc, "validation_time");
	const json_t *crls = json_object_get(tc, "crls");
	const json_t *eku = json_object_get(tc, "extended_key_usage");
	const json_t *ku = json_object_get(tc, "key_usage");
	const json_t *sig = json_object_get(tc, "signature_algorithms");
	const json_t *depth = json_object_get(tc, "max_chain_depth");
	const json_t *xp = json_object_get(tc, "x-pkits");
	size_t i;
	json_t *v;
	X509_CRL *c = NULL;

	sa_cv_req_init(req);
	why[0] = '\0';
	SA_ENSURE(json_is_object(tc), err, SA_E_PARSE,
	          "testcase is not an object");
	SA_ENSURE(sa_cv_limbo_id(tc) != NULL, err, SA_E_PARSE,
	          "testcase has no string \"id\"");
	SA_ENSURE(kind != NULL && (strcmp(kind, "SERVER") == 0 ||
	                           strcmp(kind, "CLIENT") == 0),
	          err, SA_E_PARSE, "validation_kind is not SERVER or CLIENT");
	SA_ENSURE(peer != NULL, err, SA_E_PARSE,
	          "peer_certificate is not a string");
	SA_TRY(sa_cv_cert_from_pem(
	    &req->leaf, peer,
	    json_string_length(json_object_get(tc, "peer_certificate")), err));
	SA_TRY(pem_array(&req->trusted, json_object_get(tc, "trusted_certs"),
	                 "trusted_certs", err));
	SA_TRY(pem_array(&req->untrusted,
	                 json_object_get(tc, "untrusted_intermediates"),
	                 "untrusted_intermediates", err));

	/* As x509-limbo's OpenSSL harness: strict RFC 5280 profile checks, a
	 * trust anchor may be an intermediate (PARTIAL_CHAIN: limbo's
	 * trusted_certs are anchors whatever their issuer), security level
	 * 2. */
	req->flags = X509_V_FLAG_X509_STRICT | X509_V_FLAG_PARTIAL_CHAIN;
	req->auth_level = 2;
	if (xp != NULL) {
		SA_TRY(apply_x_pkits(req, xp, err));
		req->auth_level = -1;
	}
	SA_ENSURE(crls == NULL || json_is_array(crls), err, SA_E_PARSE,
	          "crls is not an array");
	if (json_array_size(crls) > 0) {
		req->crls = sk_X509_CRL_new_null();
		SA_ENSURE(req->crls != NULL, err, SA_E_NOMEM, "out of memory");
		req->flags |= X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL;
	}
	json_array_foreach(crls, i, v)
	{
		SA_ENSURE(json_is_string(v), err, SA_E_PARSE,
		          "crls[%zu] is not a string", i);
		SA_ENSURE(sa_cv_crl_from_pem(&c, json_string_value(v),
		                             json_string_length(v), err) == 0,
		          err, SA_E_PARSE, "crls[%zu] does not parse", i);
		SA_ENSURE(sk_X509_CRL_push(req->crls, c) > 0, err, SA_E_NOMEM,
		          "out of memory");
		c = NULL;
	}
	/* null: "now" for limbo; its OpenSSL harness turns time checks off,
	 * since the generated certificates run from 1970 to 2969. */
	if (vt != NULL && !json_is_null(vt)) {
		SA_ENSURE(
		    json_is_string(vt) &&
		        sa_cv_parse_time(&req->at, json_string_value(vt)) == 0,
		    err, SA_E_PARSE,
		    "validation_time is not an RFC 3339 UTC time");
		req->has_time = true;
	}
	if (depth != NULL && !json_is_null(depth)) {
		SA_ENSURE(json_is_integer(depth) &&
		              json_integer_value(depth) >= 0 &&
		              json_integer_value(depth) <= 1000,
		          err, SA_E_PARSE, "max_chain_depth is not 0..1000");
		req->max_depth = (int)json_integer_value(depth);
	}
	if (strcmp(kind, "SERVER") == 0) {
		const json_t *pn = json_object_get(tc, "expected_peer_name");
		if (pn != NULL && !json_is_null(pn))
			SA_TRY(add_name(req, pn, err));
	} else {
		const json_t *pns = json_object_get(tc, "expected_peer_names");
		SA_ENSURE(pns == NULL || json_is_array(pns), err, SA_E_PARSE,
		          "expected_peer_names is not an array");
		json_array_foreach(pns, i, v)
		{
			SA_TRY(add_name(req, v, err));
		}
	}

	SA_ENSURE(eku == NULL || json_is_array(eku), err, SA_E_PARSE,
	          "extended_key_usage is not an array");
	SA_ENSURE(ku == NULL || json_is_array(ku), err, SA_E_PARSE,
	          "key_usage is not an array");
	SA_ENSURE(sig == NULL || json_is_array(sig), err, SA_E_PARSE,
	          "signature_algorithms is not an array");
	rc = 1; /* from here on: valid, but maybe not askable */
	if (json_array_size(eku) > 1) {
		snprintf(why, why_size,
		         "several extended_key_usage values (OpenSSL checks "
		         "one purpose)");
		goto out;
	}
	if (json_array_size(eku) == 1 &&
	    (json_string_value(json_array_get(eku, 0)) == NULL ||
	     eku_purpose(&req->purpose,
	                 json_string_value(json_array_get(eku, 0))) < 0)) {
		snprintf(why, why_size,
		         "extended_key_usage %.40s has no OpenSSL purpose",
		         json_string_value(json_array_get(eku, 0))
		             ? json_string_value(json_array_get(eku, 0))
		             : "(not a string)");
		goto out;
	}
	json_array_foreach(ku, i, v)
	{
		const char *s = json_string_value(v);
		if (s != NULL && strcmp(s, "digitalSignature") == 0) {
			req->need_digital_signature = true;
			continue;
		}
		snprintf(why, why_size, "key_usage %.40s not supported",
		         s ? s : "(not a string)");
		goto out;
	}
	if (json_array_size(sig) > 0) {
		snprintf(why, why_size,
		         "signature_algorithms constraints not supported");
		goto out;
	}
	rc = 0;
out:
	X509_CRL_free(c);
	if (rc != 0)
		sa_cv_req_clear(req);
	return rc;
}

static json_t *oids_json(const char *joined)
{
	json_t *arr = json_array();
	char copy[512];
	char *save = NULL, *tok;

	if (arr == NULL)
		return NULL;
	snprintf(copy, sizeof(copy), "%s", joined);
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save))
		json_array_append_new(arr, json_string(tok));
	return arr;
}

json_t *sa_cv_limbo_eval(const json_t *tc)
{
	sa_cv_req req;
	sa_cv_res res;
	sa_error err = SA_ERROR_INIT;
	char why[256], nbuf[32];
	const char *id = sa_cv_limbo_id(tc);
	json_t *o;
	int rc;

	rc = sa_cv_limbo_req(&req, tc, why, sizeof(why), &err);
	if (rc != 0)
		return json_pack("{s:s?, s:s, s:s}", "id", id, "actual_result",
		                 "SKIPPED", "context", rc > 0 ? why : err.msg);
	rc = sa_cv_x509_verify(&res, &req, &err);
	if (rc < 0)
		o = json_pack("{s:s?, s:s, s:s}", "id", id, "actual_result",
		              "SKIPPED", "context", err.msg);
	else
		o = json_pack("{s:s?, s:s, s:s}", "id", id, "actual_result",
		              res.accepted ? "SUCCESS" : "FAILURE", "context",
		              sa_cv_verr_name(res.verr, nbuf, sizeof(nbuf)));
	if (o != NULL && rc == 0 && res.accepted && res.policies_known &&
	    json_object_get(tc, "x-pkits") != NULL)
		json_object_set_new(o, "x-pkits",
		                    json_pack("{s:o*}",
		                              "user_constrained_policy_set",
		                              oids_json(res.policies)));
	sa_cv_req_clear(&req);
	return o;
}

static int actual_parse(sa_cv_limbo_actual *out, const char *s)
{
	for (size_t i = 0; i < sizeof(actual_names) / sizeof(actual_names[0]);
	     i++) {
		if (s != NULL && strcmp(s, actual_names[i]) == 0) {
			*out = (sa_cv_limbo_actual)i;
			return 0;
		}
	}
	return -1;
}

/* One-line, printable copy of a validator's text for messages and results:
 * a validator is not trusted to send clean strings. */
static void clean_copy(char *out, size_t size, const char *s)
{
	size_t j = 0;
	for (size_t i = 0; s != NULL && s[i] != '\0' && j + 1 < size; i++) {
		unsigned char ch = (unsigned char)s[i];
		out[j++] = (ch >= 0x20 && ch < 0x7f) ? (char)ch : '?';
	}
	if (size > 0)
		out[j] = '\0';
}

/* x-pkits.user_constrained_policy_set of a result, normalised. */
static int answer_policies(sa_cv_limbo_answer *out, const json_t *entry,
                           sa_error *err)
{
	int rc = SA_E_PARSE;
	const json_t *xp = json_object_get(entry, "x-pkits");
	const json_t *set = json_object_get(xp, "user_constrained_policy_set");
	char joined[512] = "", oid[96];
	size_t i, used = 0;
	json_t *v;

	if (set == NULL) {
		rc = 0;
		goto out;
	}
	SA_ENSURE(json_is_array(set) && json_array_size(set) <= 64, err,
	          SA_E_PARSE,
	          "x-pkits.user_constrained_policy_set is not an array of at "
	          "most 64 OIDs");
	json_array_foreach(set, i, v)
	{
		const char *s = json_string_value(v);
		int w;
		SA_ENSURE(s != NULL &&
		              sa_cv_pkits_policy_oid(oid, sizeof(oid), s) == 0,
		          err, SA_E_PARSE,
		          "x-pkits.user_constrained_policy_set[%zu] is not an "
		          "OID",
		          i);
		w = snprintf(joined + used, sizeof(joined) - used, "%s%s",
		             used > 0 ? "," : "", oid);
		SA_ENSURE(w > 0 && (size_t)w < sizeof(joined) - used, err,
		          SA_E_RANGE,
		          "x-pkits.user_constrained_policy_set too "
		          "long");
		used += (size_t)w;
	}
	/* Sorted and without duplicates, as the engine reports it. */
	SA_TRY(sa_cv_pkits_policy_set(out->policies, sizeof(out->policies),
	                              joined));
	out->has_policies = true;
	rc = 0;
out:
	return rc;
}

int sa_cv_limbo_parse_result(sa_cv_limbo_answer *out, const char *text,
                             size_t len, const char *id, sa_error *err)
{
	int rc = SA_E_PARSE;
	json_t *root = NULL, *entry = NULL, *results, *v;
	json_error_t jerr;
	const char *a;
	char idc[96];
	size_t i;

	memset(out, 0, sizeof(*out));
	out->actual = SA_CV_LIMBO_HANG;
	SA_ENSURE(len > 0, err, SA_E_PARSE, "validator wrote nothing");
	SA_ENSURE(len <= SA_CV_LIMBO_RESULT_MAX, err, SA_E_RANGE,
	          "validator output larger than %u bytes",
	          SA_CV_LIMBO_RESULT_MAX);
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	SA_ENSURE(root != NULL, err, SA_E_PARSE,
	          "validator output is not JSON (line %d: %.80s)", jerr.line,
	          jerr.text);
	SA_ENSURE(json_is_object(root), err, SA_E_PARSE,
	          "validator output is not a JSON object");
	results = json_object_get(root, "results");
	if (results != NULL) {
		SA_ENSURE(json_is_array(results), err, SA_E_PARSE,
		          "\"results\" is not an array");
		json_array_foreach(results, i, v)
		{
			const char *vid =
			    json_string_value(json_object_get(v, "id"));
			if (vid != NULL && id != NULL && strcmp(vid, id) == 0) {
				entry = v;
				break;
			}
		}
		if (entry == NULL && json_array_size(results) == 1 &&
		    json_object_get(json_array_get(results, 0), "id") == NULL)
			entry = json_array_get(results, 0);
		clean_copy(idc, sizeof(idc), id);
		SA_ENSURE(entry != NULL, err, SA_E_PARSE,
		          "no result for testcase %s in \"results\"", idc);
	} else {
		entry = root;
	}
	SA_ENSURE(json_is_object(entry), err, SA_E_PARSE,
	          "result is not an object");
	a = json_string_value(json_object_get(entry, "actual_result"));
	SA_ENSURE(actual_parse(&out->actual, a) == 0, err, SA_E_PARSE,
	          "actual_result is not SUCCESS, FAILURE, SKIPPED or HANG");
	v = json_object_get(entry, "context");
	SA_ENSURE(v == NULL || json_is_null(v) || json_is_string(v), err,
	          SA_E_PARSE, "context is neither a string nor null");
	clean_copy(out->context, sizeof(out->context), json_string_value(v));
	SA_TRY(answer_policies(out, entry, err));
	rc = 0;
out:
	json_decref(root);
	return rc;
}

static int read_all(sa_buf *b, FILE *in, size_t max, sa_error *err)
{
	int rc = SA_E_IO;
	char chunk[65536];
	size_t n;

	while ((n = fread(chunk, 1, sizeof(chunk), in)) > 0) {
		SA_ENSURE(b->len + n <= max, err, SA_E_RANGE,
		          "input larger than %zu bytes", max);
		SA_TRY(sa_buf_append(b, chunk, n));
	}
	SA_ENSURE(!ferror(in), err, SA_E_IO, "read error");
	rc = 0;
out:
	return rc;
}

int sa_cv_limbo_harness(FILE *in, FILE *out, FILE *errf)
{
	int rc = SA_E_PARSE;
	sa_buf b = SA_BUF_INIT;
	sa_error err = SA_ERROR_INIT;
	json_t *root = NULL, *results = NULL, *doc = NULL, *tcs, *tc;
	json_error_t jerr;
	char name[96];
	size_t i;

	SA_TRY(read_all(&b, in, SA_CV_LIMBO_DOC_MAX, &err));
	root = json_loadb((const char *)b.data, b.len, JSON_REJECT_DUPLICATES,
	                  &jerr);
	SA_ENSURE(root != NULL, &err, SA_E_PARSE,
	          "input is not JSON (line %d: %.80s)", jerr.line, jerr.text);
	tcs = json_object_get(root, "testcases");
	SA_ENSURE(tcs != NULL || json_object_get(root, "id") != NULL, &err,
	          SA_E_PARSE,
	          "input is neither a Limbo document (\"testcases\") nor a "
	          "testcase (\"id\")");
	SA_ENSURE(tcs == NULL || json_is_array(tcs), &err, SA_E_PARSE,
	          "\"testcases\" is not an array");
	results = json_array();
	SA_ENSURE(results != NULL, &err, SA_E_NOMEM, "out of memory");
	if (tcs == NULL) {
		SA_ENSURE(
		    json_array_append_new(results, sa_cv_limbo_eval(root)) == 0,
		    &err, SA_E_NOMEM, "out of memory");
	} else {
		json_array_foreach(tcs, i, tc)
		{
			SA_ENSURE(json_array_append_new(
			              results, sa_cv_limbo_eval(tc)) == 0,
			          &err, SA_E_NOMEM, "out of memory");
		}
	}
	snprintf(name, sizeof(name), "sigaudit-openssl-%s",
	         OpenSSL_version(OPENSSL_VERSION_STRING));
	doc = json_pack("{s:i, s:s, s:O}", "version", 1, "harness", name,
	                "results", results);
	SA_ENSURE(doc != NULL, &err, SA_E_NOMEM, "out of memory");
	SA_ENSURE(json_dumpf(doc, out, JSON_COMPACT) == 0 &&
	              fputc('\n', out) != EOF && fflush(out) == 0,
	          &err, SA_E_IO, "cannot write the result");
	rc = 0;
out:
	if (rc < 0 && errf != NULL)
		fprintf(errf, "sigaudit limbo-harness: %s\n",
		        err.msg[0] ? err.msg : sa_error_code_str(rc));
	json_decref(doc);
	json_decref(results);
	json_decref(root);
	sa_buf_free(&b);
	return rc;
}
