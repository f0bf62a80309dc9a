/* Wycheproof testvectors_v1 signature files (C2SP/wycheproof doc/files.md,
 * schemas/<name>_schema_v1.json) into an sa_sv_file.
 *
 * The top-level "schema" names the format: it is the only dispatch, and an
 * unknown one is an error rather than a guess. Group data is "always well
 * formed" upstream, so a group whose key the file contradicts (publicKeyDer
 * against wx/wy or modulus, keySize against the modulus) is refused: the
 * file is damaged, and a test run on it would judge the target on a wrong
 * key. Only the tests' msg/sig may be malformed, and they are kept as
 * bytes. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "sigaudit/guard.h"
#include "sigvec_int.h"

typedef enum wyc_kind {
	WYC_ECDSA,
	WYC_EDDSA,
	WYC_RSA_VERIFY,
	WYC_RSA_GENERATE,
} wyc_kind;

typedef struct wyc_schema {
	const char *schema;
	const char *group_type;
	wyc_kind kind;
	sa_sv_scheme scheme;
} wyc_schema;

static const wyc_schema schemas[] = {
    {"ecdsa_verify_schema_v1.json", "EcdsaVerify", WYC_ECDSA, SA_SV_ECDSA_DER},
    {"ecdsa_p1363_verify_schema_v1.json", "EcdsaP1363Verify", WYC_ECDSA,
     SA_SV_ECDSA_P1363},
    {"eddsa_verify_schema_v1.json", "EddsaVerify", WYC_EDDSA, SA_SV_EDDSA},
    {"rsassa_pkcs1_verify_schema_v1.json", "RsassaPkcs1Verify", WYC_RSA_VERIFY,
     SA_SV_RSA_PKCS1},
    {"rsassa_pss_verify_schema_v1.json", "RsassaPssVerify", WYC_RSA_VERIFY,
     SA_SV_RSA_PSS},
    /* Upstream spells this one without "_v1". */
    {"rsassa_pss_with_parameters_verify_schema.json",
     "RsassaPssWithParametersVerify", WYC_RSA_VERIFY, SA_SV_RSA_PSS},
    {"rsassa_pkcs1_generate_schema_v1.json", "RsassaPkcs1Generate",
     WYC_RSA_GENERATE, SA_SV_RSA_PKCS1},
};

#define N_SCHEMAS (sizeof(schemas) / sizeof(schemas[0]))

const char *const sa_sv_wycheproof_schemas[] = {
    "ecdsa_verify_schema_v1.json",
    "ecdsa_p1363_verify_schema_v1.json",
    "eddsa_verify_schema_v1.json",
    "rsassa_pkcs1_verify_schema_v1.json",
    "rsassa_pss_verify_schema_v1.json",
    "rsassa_pss_with_parameters_verify_schema.json",
    "rsassa_pkcs1_generate_schema_v1.json",
    NULL,
};

/* Wycheproof curve names to the names sa_p11_ossl_curve_by_name() knows;
 * other curves (secp256k1, brainpool...) keep their Wycheproof name, which
 * no engine knows, so they are skipped with that name as the reason. */
static const struct {
	const char *wyc;
	const char *name;
	long bits;     /* keySize the file must state */
	size_t pk_len; /* EdDSA public key length (RFC 8032), 0 for EC */
} curves[] = {
    {"secp256r1", "P-256", 256, 0},       {"secp384r1", "P-384", 384, 0},
    {"secp521r1", "P-521", 521, 0},       {"secp224r1", "P-224", 224, 0},
    {"edwards25519", "Ed25519", 255, 32}, {"edwards448", "Ed448", 448, 57},
};

typedef struct wyc_ctx {
	const char *name; /* for messages: the path, or the source */
	sa_error *err;
	sa_sv_file *f;
	const wyc_schema *schema;
	size_t gi; /* group index, for messages */
	char why[160];
} wyc_ctx;

/* "<name>: testGroups[3]: <what>" (group level) as one line. */
static int gfail(wyc_ctx *c, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int gfail(wyc_ctx *c, int code, const char *fmt, ...)
{
	char msg[SA_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return sa_error_setf(c->err, code, __FILE__, __LINE__,
	                     "%s: testGroups[%zu]: %s", c->name, c->gi, msg);
}

/* A member of a JSON object of the given type, or an error naming it. */
static int member(wyc_ctx *c, const json_t *obj, const char *prefix,
                  const char *key, json_type type, bool required, json_t **out)
{
	json_t *v = json_object_get(obj, key);
	static const char *const tnames[] = {"object",  "array", "string",
	                                     "integer", "real",  "true",
	                                     "false",   "null"};
	int rc = SA_OK;

	*out = NULL;
	if (v == NULL) {
		if (required)
			rc = gfail(c, SA_E_PARSE, "missing %s%s", prefix, key);
		goto out;
	}
	if (json_typeof(v) != type) {
		rc = gfail(c, SA_E_PARSE, "%s%s is not a%s %s", prefix, key,
		           type == JSON_ARRAY || type == JSON_INTEGER ||
		                   type == JSON_OBJECT
		               ? "n"
		               : "",
		           tnames[type]);
		goto out;
	}
	*out = v;
out:
	return rc;
}

static int hex_member(wyc_ctx *c, const json_t *obj, const char *prefix,
                      const char *key, bool required, sa_buf *out)
{
	json_t *v;
	int rc;

	SA_TRY(member(c, obj, prefix, key, JSON_STRING, required, &v));
	rc = SA_OK;
	if (v == NULL)
		goto out;
	rc = sa_sv_hex(out, json_string_value(v), json_string_length(v), c->why,
	               sizeof(c->why));
	if (rc < 0)
		rc = gfail(c, rc, "%s%s: %s", prefix, key, c->why);
out:
	return rc;
}

static int bigint_member(wyc_ctx *c, const json_t *obj, const char *prefix,
                         const char *key, size_t width, unsigned flags,
                         sa_buf *out)
{
	json_t *v;
	int rc;

	SA_TRY(member(c, obj, prefix, key, JSON_STRING, true, &v));
	rc = sa_sv_bigint(out, json_string_value(v), json_string_length(v),
	                  width, flags, c->why, sizeof(c->why));
	if (rc < 0)
		rc = gfail(c, rc, "%s%s: %s", prefix, key, c->why);
out:
	return rc;
}

static int size_member(wyc_ctx *c, const json_t *obj, const char *prefix,
                       const char *key, long max, long *out)
{
	json_t *v;
	json_int_t n;
	int rc;

	SA_TRY(member(c, obj, prefix, key, JSON_INTEGER, true, &v));
	n = json_integer_value(v);
	SA_ENSURE(n >= 0 && n <= max, c->err, SA_E_PARSE,
	          "%s: testGroups[%zu]: %s%s = %lld out of range 0..%ld",
	          c->name, c->gi, prefix, key, (long long)n, max);
	*out = (long)n;
	rc = SA_OK;
out:
	return rc;
}

static int hash_member(wyc_ctx *c, const json_t *obj, const char *key,
                       const char **out)
{
	json_t *v;
	int rc;

	SA_TRY(member(c, obj, "", key, JSON_STRING, true, &v));
	SA_TRY(sa_sv_hash_name(c->f, json_string_value(v), out, c->err));
	rc = SA_OK;
out:
	return rc;
}

/* The group's curve name; a known curve must have its own keySize (a
 * "secp256r1" key of 384 bits is a damaged file). */
static int curve_name(wyc_ctx *c, const char *wyc, long bits, const char **out,
                      size_t *pk_len)
{
	char *copy = NULL;
	int rc;

	*pk_len = 0;
	for (size_t i = 0; i < sizeof(curves) / sizeof(curves[0]); i++) {
		if (strcmp(wyc, curves[i].wyc) != 0)
			continue;
		SA_ENSURE(bits == curves[i].bits, c->err, SA_E_PARSE,
		          "%s: testGroups[%zu]: publicKey.keySize %ld but %s "
		          "is %ld bits",
		          c->name, c->gi, bits, wyc, curves[i].bits);
		*out = curves[i].name;
		*pk_len = curves[i].pk_len;
		rc = SA_OK;
		goto out;
	}
	SA_TRY(sa_sv_strdup(c->f, wyc, strlen(wyc), &copy, c->err));
	*out = copy;
	rc = SA_OK;
out:
	return rc;
}

/* publicKeyDer (or keyDer) must carry the key the group states. */
static int spki_matches(wyc_ctx *c, const sa_sv_group *g, const char *key)
{
	const unsigned char *k, *n, *e;
	size_t klen, nlen, elen;
	int rc = SA_OK;

	if (g->spki.len == 0)
		goto out;
	rc = sa_sv_spki_key(g->spki.data, g->spki.len, &k, &klen, c->why,
	                    sizeof(c->why));
	if (rc < 0) {
		rc = gfail(c, rc, "%s: %s", key, c->why);
		goto out;
	}
	if (g->scheme == SA_SV_RSA_PKCS1 || g->scheme == SA_SV_RSA_PSS) {
		rc = sa_sv_rsa_pub(k, klen, &n, &nlen, &e, &elen, c->why,
		                   sizeof(c->why));
		if (rc < 0) {
			rc = gfail(c, rc, "%s: %s", key, c->why);
			goto out;
		}
		SA_ENSURE(sa_sv_bytes_eq(&g->n, n, nlen) &&
		              sa_sv_bytes_eq(&g->e, e, elen),
		          c->err, SA_E_PARSE,
		          "%s: testGroups[%zu]: %s holds another RSA key than "
		          "the group's modulus/publicExponent",
		          c->name, c->gi, key);
	} else {
		SA_ENSURE(sa_sv_bytes_eq(&g->point, k, klen), c->err,
		          SA_E_PARSE,
		          "%s: testGroups[%zu]: %s holds another point than "
		          "the group's public key",
		          c->name, c->gi, key);
	}
out:
	return rc;
}

static int group_ecdsa(wyc_ctx *c, const json_t *jg, sa_sv_group *g)
{
	json_t *pk, *curve;
	sa_buf x = SA_BUF_INIT, y = SA_BUF_INIT, unc = SA_BUF_INIT;
	size_t flen, pk_len;
	long bits;
	int rc;

	SA_TRY(member(c, jg, "", "publicKey", JSON_OBJECT, true, &pk));
	SA_TRY(member(c, pk, "publicKey.", "curve", JSON_STRING, true, &curve));
	SA_TRY(size_member(c, pk, "publicKey.", "keySize", 16384, &bits));
	SA_TRY(
	    curve_name(c, json_string_value(curve), bits, &g->curve, &pk_len));
	SA_ENSURE(bits > 0, c->err, SA_E_PARSE,
	          "%s: testGroups[%zu]: publicKey.keySize is 0", c->name,
	          c->gi);
	g->key_bits = (unsigned)bits;
	flen = ((size_t)bits + 7) / 8;
	/* BigInt is two's complement (schemas/common.json), so a 00 sign
	 * byte may precede X or Y; but the edge-case keys (e.g. testGroups
	 * 103 of ecdsa_secp256r1_sha256_p1363_test.json) write a coordinate
	 * with its top bit set and no sign byte. Coordinates are field
	 * elements, never negative: read them unsigned and pad them to the
	 * field size (SEC 1 §2.3.3). */
	SA_TRY(bigint_member(c, pk, "publicKey.", "wx", flen, SA_SV_INT_ZERO_OK,
	                     &x));
	SA_TRY(bigint_member(c, pk, "publicKey.", "wy", flen, SA_SV_INT_ZERO_OK,
	                     &y));
	sa_buf_append(&g->point, "\x04", 1);
	sa_buf_append(&g->point, x.data, x.len);
	sa_buf_append(&g->point, y.data, y.len);
	SA_ENSURE(sa_buf_ok(&g->point), c->err, SA_E_NOMEM, "%s: out of memory",
	          c->name);
	SA_TRY(hex_member(c, pk, "publicKey.", "uncompressed", false, &unc));
	SA_ENSURE(unc.data == NULL ||
	              sa_sv_bytes_eq(&unc, g->point.data, g->point.len),
	          c->err, SA_E_PARSE,
	          "%s: testGroups[%zu]: publicKey.uncompressed differs from "
	          "wx/wy",
	          c->name, c->gi);
	SA_TRY(hex_member(c, jg, "", "publicKeyDer", false, &g->spki));
	SA_TRY(spki_matches(c, g, "publicKeyDer"));
	SA_TRY(hash_member(c, jg, "sha", &g->hash));
	snprintf(g->label, sizeof(g->label), "group %zu (%s, %s)", c->gi,
	         g->curve, g->hash);
	rc = SA_OK;
out:
	sa_buf_free(&x);
	sa_buf_free(&y);
	sa_buf_free(&unc);
	return rc;
}

static int group_eddsa(wyc_ctx *c, const json_t *jg, sa_sv_group *g)
{
	json_t *pk, *curve;
	size_t pk_len;
	long bits;
	int rc;

	SA_TRY(member(c, jg, "", "publicKey", JSON_OBJECT, true, &pk));
	SA_TRY(member(c, pk, "publicKey.", "curve", JSON_STRING, true, &curve));
	SA_TRY(size_member(c, pk, "publicKey.", "keySize", 16384, &bits));
	SA_TRY(
	    curve_name(c, json_string_value(curve), bits, &g->curve, &pk_len));
	g->key_bits = (unsigned)bits;
	SA_TRY(hex_member(c, pk, "publicKey.", "pk", true, &g->point));
	/* RFC 8032 §5.1.5 / §5.2.5: the encoding has a fixed length. */
	SA_ENSURE(pk_len == 0 || g->point.len == pk_len, c->err, SA_E_PARSE,
	          "%s: testGroups[%zu]: publicKey.pk has %zu bytes, %s "
	          "needs %zu",
	          c->name, c->gi, g->point.len, g->curve, pk_len);
	SA_TRY(hex_member(c, jg, "", "publicKeyDer", false, &g->spki));
	SA_TRY(spki_matches(c, g, "publicKeyDer"));
	snprintf(g->label, sizeof(g->label), "group %zu (%s)", c->gi, g->curve);
	rc = SA_OK;
out:
	return rc;
}

/* RSA verify (PKCS#1 v1.5, PSS, PSS with parameters) and PKCS#1 v1.5
 * generate: the key is publicKey{modulus, publicExponent} or, for generate,
 * privateKey{modulus, publicExponent, privateExponent}. */
static int group_rsa(wyc_ctx *c, const json_t *jg, sa_sv_group *g)
{
	bool gen = c->schema->kind == WYC_RSA_GENERATE;
	const char *kname = gen ? "privateKey" : "publicKey";
	const char *dername = gen ? "keyDer" : "publicKeyDer";
	char prefix[16];
	json_t *key, *mgf;
	long bits, slen;
	size_t nbits;
	int rc;

	snprintf(prefix, sizeof(prefix), "%s.", kname);
	SA_TRY(member(c, jg, "", kname, JSON_OBJECT, true, &key));
	SA_TRY(bigint_member(c, key, prefix, "modulus", 0, SA_SV_INT_SIGNED,
	                     &g->n));
	SA_TRY(bigint_member(c, key, prefix, "publicExponent", 0,
	                     SA_SV_INT_SIGNED, &g->e));
	SA_TRY(size_member(c, jg, "", "keySize", 65536, &bits));
	nbits = sa_sv_bits(g->n.data, g->n.len);
	SA_ENSURE(nbits == (size_t)bits, c->err, SA_E_PARSE,
	          "%s: testGroups[%zu]: keySize %ld but the modulus has %zu "
	          "bits",
	          c->name, c->gi, bits, nbits);
	g->key_bits = (unsigned)bits;
	if (gen) {
		SA_TRY(bigint_member(c, key, prefix, "privateExponent", 0,
		                     SA_SV_INT_SIGNED, &g->priv));
		SA_TRY(hex_member(c, jg, "", "privateKeyPkcs8", true,
		                  &g->priv_pkcs8));
	}
	SA_TRY(hex_member(c, jg, "", dername, false, &g->spki));
	/* The PSS-with-parameters SPKI is id-RSASSA-PSS (RFC 4055 §3.1) but
	 * its subjectPublicKey is the same RSAPublicKey. */
	SA_TRY(spki_matches(c, g, dername));
	SA_TRY(hash_member(c, jg, "sha", &g->hash));
	if (g->scheme == SA_SV_RSA_PSS) {
		SA_TRY(member(c, jg, "", "mgf", JSON_STRING, true, &mgf));
		/* RFC 8017 §B.2.1: MGF1 is the only MGF PKCS#11 offers
		 * (CKG_MGF1_*); another one is not something to guess. */
		SA_ENSURE(strcmp(json_string_value(mgf), "MGF1") == 0, c->err,
		          SA_E_PARSE,
		          "%s: testGroups[%zu]: mgf '%s' not supported "
		          "(only MGF1)",
		          c->name, c->gi, json_string_value(mgf));
		SA_TRY(hash_member(c, jg, "mgfSha", &g->mgf_hash));
		SA_TRY(size_member(c, jg, "", "sLen", 65536, &slen));
		g->salt_len = slen;
		snprintf(g->label, sizeof(g->label),
		         "group %zu (%u-bit, %s, MGF1-%s, sLen %ld)", c->gi,
		         g->key_bits, g->hash, g->mgf_hash, g->salt_len);
	} else {
		snprintf(g->label, sizeof(g->label), "group %zu (%u-bit, %s)",
		         c->gi, g->key_bits, g->hash);
	}
	rc = SA_OK;
out:
	return rc;
}

/* "<name>: testGroups[3] tcId 17: <what>". */
static int tfail(wyc_ctx *c, long long tc, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int tfail(wyc_ctx *c, long long tc, int code, const char *fmt, ...)
{
	char msg[SA_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (tc < 0)
		return sa_error_setf(c->err, code, __FILE__, __LINE__,
		                     "%s: testGroups[%zu] tests[%lld]: %s",
		                     c->name, c->gi, -tc - 1, msg);
	return sa_error_setf(c->err, code, __FILE__, __LINE__,
	                     "%s: testGroups[%zu] tcId %lld: %s", c->name,
	                     c->gi, tc, msg);
}

static int test_flags(wyc_ctx *c, long long tc, const json_t *jt, sa_sv_test *t)
{
	json_t *flags = json_object_get(jt, "flags"), *v;
	sa_buf joined = SA_BUF_INIT;
	size_t i, len;
	int rc = SA_OK;

	if (flags == NULL)
		goto out;
	if (!json_is_array(flags)) {
		rc = tfail(c, tc, SA_E_PARSE, "flags is not an array");
		goto out;
	}
	json_array_foreach(flags, i, v)
	{
		if (!json_is_string(v)) {
			rc = tfail(c, tc, SA_E_PARSE,
			           "flags[%zu] is not a string", i);
			goto out;
		}
		if (i > 0)
			sa_buf_append(&joined, ",", 1);
		sa_buf_append(&joined, json_string_value(v),
		              json_string_length(v));
	}
	if (!sa_buf_ok(&joined)) {
		rc = tfail(c, tc, SA_E_NOMEM, "out of memory");
		goto out;
	}
	if (joined.len > 0)
		t->flags = (char *)sa_buf_steal(&joined, &len);
out:
	sa_buf_free(&joined);
	return rc;
}

static int one_test(wyc_ctx *c, size_t ti, const json_t *jt)
{
	json_t *v;
	sa_sv_test *t = NULL;
	long long tc = -(long long)ti - 1;
	const char *res;
	int rc;

	if (!json_is_object(jt)) {
		rc = tfail(c, tc, SA_E_PARSE, "not an object");
		goto out;
	}
	v = json_object_get(jt, "tcId");
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > 999999999) {
		rc =
		    tfail(c, tc, SA_E_PARSE,
		          v == NULL ? "missing tcId"
		                    : "tcId is not an integer in 0..999999999");
		goto out;
	}
	tc = json_integer_value(v);
	SA_TRY(sa_sv_test_add(c->f, &t, c->err));
	snprintf(t->id, sizeof(t->id), "tc%lld", tc);
	for (int k = 0; k < 2; k++) {
		const char *key = k == 0 ? "msg" : "sig";
		sa_buf *b = k == 0 ? &t->msg : &t->sig;
		v = json_object_get(jt, key);
		if (!json_is_string(v)) {
			rc = tfail(c, tc, SA_E_PARSE, "%s %s", key,
			           v == NULL ? "missing" : "is not a string");
			goto out;
		}
		rc = sa_sv_hex(b, json_string_value(v), json_string_length(v),
		               c->why, sizeof(c->why));
		if (rc < 0) {
			rc = tfail(c, tc, rc, "%s: %s", key, c->why);
			goto out;
		}
	}
	v = json_object_get(jt, "result");
	res = json_string_value(v);
	if (res != NULL && strcmp(res, "valid") == 0) {
		t->expected = SA_VEC_VALID;
	} else if (res != NULL && strcmp(res, "invalid") == 0) {
		t->expected = SA_VEC_INVALID;
	} else if (res != NULL && strcmp(res, "acceptable") == 0) {
		t->expected = SA_VEC_ACCEPTABLE;
	} else {
		rc = tfail(c, tc, SA_E_PARSE,
		           "result %s (valid, invalid or acceptable)",
		           v == NULL     ? "missing"
		           : res == NULL ? "is not a string"
		                         : "is not a known value");
		goto out;
	}
	SA_TRY(test_flags(c, tc, jt, t));
	v = json_object_get(jt, "comment");
	if (v != NULL && !json_is_string(v)) {
		rc = tfail(c, tc, SA_E_PARSE, "comment is not a string");
		goto out;
	}
	if (v != NULL && json_string_length(v) > 0) {
		t->comment = strdup(json_string_value(v));
		if (t->comment == NULL) {
			rc = tfail(c, tc, SA_E_NOMEM, "out of memory");
			goto out;
		}
	}
	rc = SA_OK;
out:
	return rc;
}

static int one_group(wyc_ctx *c, const json_t *jg)
{
	json_t *type, *tests, *jt;
	sa_sv_group *g;
	size_t gidx, ti;
	int rc;

	if (!json_is_object(jg)) {
		rc = gfail(c, SA_E_PARSE, "not an object");
		goto out;
	}
	SA_TRY(member(c, jg, "", "type", JSON_STRING, true, &type));
	SA_ENSURE(strcmp(json_string_value(type), c->schema->group_type) == 0,
	          c->err, SA_E_PARSE,
	          "%s: testGroups[%zu]: type '%s' in a %s file (expected %s)",
	          c->name, c->gi, json_string_value(type), c->schema->schema,
	          c->schema->group_type);
	SA_TRY(member(c, jg, "", "tests", JSON_ARRAY, true, &tests));
	SA_TRY(sa_sv_group_add(c->f, &g, c->err));
	gidx = c->f->n_groups - 1;
	g->scheme = c->schema->scheme;
	switch (c->schema->kind) {
	case WYC_ECDSA:
		SA_TRY(group_ecdsa(c, jg, g));
		break;
	case WYC_EDDSA:
		SA_TRY(group_eddsa(c, jg, g));
		break;
	case WYC_RSA_VERIFY:
	case WYC_RSA_GENERATE:
		SA_TRY(group_rsa(c, jg, g));
		break;
	}
	json_array_foreach(tests, ti, jt)
	{
		SA_TRY(one_test(c, ti, jt));
	}
	c->f->groups[gidx].count = c->f->n_tests - c->f->groups[gidx].first;
	rc = SA_OK;
out:
	return rc;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return (x > y) - (x < y);
}

/* tcId is unique per file ("the triple (filename, version, tcId)
 * uniquely identifies a test vector", doc/files.md); results name tests by
 * it, so a duplicate would make two results indistinguishable. */
static int unique_ids(wyc_ctx *c)
{
	sa_sv_file *f = c->f;
	long long *ids = NULL;
	int rc;

	if (f->n_tests < 2)
		return SA_OK;
	ids = calloc(f->n_tests, sizeof(*ids));
	SA_ENSURE(ids != NULL, c->err, SA_E_NOMEM, "%s: out of memory",
	          c->name);
	for (size_t i = 0; i < f->n_tests; i++)
		ids[i] = strtoll(f->tests[i].id + 2, NULL, 10);
	qsort(ids, f->n_tests, sizeof(*ids), cmp_ll);
	for (size_t i = 1; i < f->n_tests; i++)
		SA_ENSURE(ids[i] != ids[i - 1], c->err, SA_E_PARSE,
		          "%s: tcId %lld appears more than once", c->name,
		          ids[i]);
	rc = SA_OK;
out:
	free(ids);
	return rc;
}

static int load(const char *data, size_t len, const char *name,
                const char *source, sa_sv_file **out, sa_error *err)
{
	wyc_ctx c = {name, err, NULL, NULL, 0, {0}};
	sa_sv_file *f = NULL;
	json_error_t jerr;
	json_t *root = NULL, *v, *groups, *jg;
	const char *schema, *alg;
	sa_buf known = SA_BUF_INIT;
	json_int_t declared;
	int rc;

	*out = NULL;
	SA_ENSURE(len <= SA_SV_FILE_MAX, err, SA_E_RANGE,
	          "%s: %zu bytes (limit %zu)", name, len, SA_SV_FILE_MAX);
	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	SA_ENSURE(root != NULL, err, SA_E_PARSE, "%s: line %d column %d: %s",
	          name, jerr.line, jerr.column, jerr.text);
	SA_ENSURE(json_is_object(root), err, SA_E_PARSE,
	          "%s: top level is not a JSON object", name);
	v = json_object_get(root, "schema");
	schema = json_string_value(v);
	SA_ENSURE(schema != NULL, err, SA_E_PARSE, "%s: %s", name,
	          v == NULL ? "no \"schema\" (not a testvectors_v1 file?)"
	                    : "\"schema\" is not a string");
	for (size_t i = 0; i < N_SCHEMAS; i++)
		if (strcmp(schema, schemas[i].schema) == 0)
			c.schema = &schemas[i];
	if (c.schema == NULL) {
		for (size_t i = 0; sa_sv_wycheproof_schemas[i] != NULL; i++)
			sa_buf_appendf(&known, "%s%s", i ? ", " : "",
			               sa_sv_wycheproof_schemas[i]);
		rc = SA_ERR(err, SA_E_PARSE,
		            "%s: unknown schema '%.96s' (known: %s)", name,
		            schema, sa_buf_cstr(&known));
		goto out;
	}
	v = json_object_get(root, "algorithm");
	alg = json_string_value(v);
	SA_ENSURE(alg != NULL, err, SA_E_PARSE,
	          "%s: \"algorithm\" missing or not a string", name);
	v = json_object_get(root, "numberOfTests");
	SA_ENSURE(json_is_integer(v) && json_integer_value(v) >= 0, err,
	          SA_E_PARSE,
	          "%s: \"numberOfTests\" missing or not a non-negative "
	          "integer",
	          name);
	declared = json_integer_value(v);
	groups = json_object_get(root, "testGroups");
	SA_ENSURE(json_is_array(groups), err, SA_E_PARSE,
	          "%s: \"testGroups\" missing or not an array", name);

	SA_TRY(sa_sv_file_new(&f, source, err));
	c.f = f;
	snprintf(f->algorithm, sizeof(f->algorithm), "%s", alg);
	snprintf(f->schema, sizeof(f->schema), "%s", schema);
	f->n_declared = (size_t)declared;
	json_array_foreach(groups, c.gi, jg)
	{
		SA_TRY(one_group(&c, jg));
	}
	SA_ENSURE((json_int_t)f->n_tests == declared, err, SA_E_PARSE,
	          "%s: numberOfTests is %lld but the file has %zu tests", name,
	          (long long)declared, f->n_tests);
	SA_TRY(unique_ids(&c));
	*out = f;
	f = NULL;
	rc = SA_OK;
out:
	sa_sv_free(f);
	sa_buf_free(&known);
	json_decref(root);
	return rc;
}

int sa_sv_load_wycheproof_mem(const char *data, size_t len, const char *source,
                              sa_sv_file **out, sa_error *err)
{
	const char *name = source != NULL ? source : "(wycheproof)";
	return load(data, len, name, source, out, err);
}

int sa_sv_load_wycheproof(const char *path, const char *source,
                          sa_sv_file **out, sa_error *err)
{
	sa_buf data = SA_BUF_INIT;
	int rc;

	*out = NULL;
	SA_TRY(sa_sv_read_file(path, &data, err));
	SA_TRY(load((const char *)data.data, data.len, path,
	            source != NULL ? source : path, out, err));
	rc = SA_OK;
out:
	sa_buf_free(&data);
	return rc;
}
