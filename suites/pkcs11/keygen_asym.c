/* Catalogue group E: key pair generation, RSA (GEN-01), EC (GEN-02) and
 * EdDSA (GEN-03). Descriptions and references: keygen.c. Every key is a
 * session object, destroyed before the case ends. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sigaudit/guard.h"

#include "keygen_int.h"
#include "session_int.h"

/* Room for a common + class + algorithm attribute list. */
#define ATTR_LIST_MAX 64

/* A well-formed OID on the ANSI X9.62 prime-curve arc that names no curve
 * (1.2.840.10045.3.1.99): a token can only refuse it as unsupported. */
static const CK_BYTE oid_bogus[] = {0x06, 0x08, 0x2a, 0x86, 0x48,
                                    0xce, 0x3d, 0x03, 0x01, 0x63};

static const char *mech_name(CK_ULONG m)
{
	return sa_p11_mech_name((CK_MECHANISM_TYPE)m);
}

static const char *key_type_name(CK_ULONG kt)
{
	switch (kt) {
	case CKK_RSA:
		return "CKK_RSA";
	case CKK_EC:
		return "CKK_EC";
	case CKK_EC_EDWARDS:
		return "CKK_EC_EDWARDS";
	case CKK_AES:
		return "CKK_AES";
	default:
		return "other key type";
	}
}

/* The public-key or private-key set plus the algorithm's attributes, as one
 * check. */
static void check_key_attrs(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                            CK_OBJECT_HANDLE h, bool private_key,
                            const CK_ATTRIBUTE_TYPE *alg, size_t n_alg,
                            const char *what)
{
	CK_ATTRIBUTE_TYPE all[ATTR_LIST_MAX];
	const CK_ATTRIBUTE_TYPE *base =
	    private_key ? sa_p11_gen_attrs_priv : sa_p11_gen_attrs_pub;
	size_t n_base =
	    private_key ? sa_p11_gen_n_attrs_priv : sa_p11_gen_n_attrs_pub;
	size_t n = 0, i;

	for (i = 0; i < n_base && n < ATTR_LIST_MAX; i++)
		all[n++] = base[i];
	for (i = 0; i < n_alg && n < ATTR_LIST_MAX; i++)
		all[n++] = alg[i];
	sa_p11_gen_check_attrs(ctx, s, h, all, n, what);
}

/* CKA_LOCAL and CKA_KEY_GEN_MECHANISM of a generated key (B2.40 §4.7: "only
 * if the key was ... generated locally (i.e., on the token) with a
 * C_GenerateKey or C_GenerateKeyPair call"; the mechanism used). */
static void check_local(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                        CK_OBJECT_HANDLE h, CK_MECHANISM_TYPE gen,
                        const char *key)
{
	char what[128];

	snprintf(what, sizeof(what), "%s CKA_LOCAL", key);
	sa_p11_gen_check_bool(ctx, s, h, CKA_LOCAL, true, what);
	snprintf(what, sizeof(what), "%s CKA_KEY_GEN_MECHANISM", key);
	sa_p11_gen_check_ulong(ctx, s, h, CKA_KEY_GEN_MECHANISM, gen, mech_name,
	                       what);
}

/* Big-endian unsigned integer without its leading zero bytes. */
static void be_trim(const unsigned char **p, size_t *len)
{
	while (*len > 0 && (*p)[0] == 0) {
		(*p)++;
		(*len)--;
	}
}

/* The number of significant bits of a big-endian unsigned integer. */
static size_t be_bits(const unsigned char *p, size_t len)
{
	size_t bits;
	unsigned char top;

	be_trim(&p, &len);
	if (len == 0)
		return 0;
	bits = 8 * (len - 1);
	for (top = p[0]; top != 0; top >>= 1)
		bits++;
	return bits;
}

static bool be_equal(const unsigned char *a, size_t a_len,
                     const unsigned char *b, size_t b_len)
{
	be_trim(&a, &a_len);
	be_trim(&b, &b_len);
	return a_len == b_len && memcmp(a, b, a_len) == 0;
}

/* ---- GEN-01 ---- */

static void rsa_checks(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_ULONG bits,
                       CK_OBJECT_HANDLE pub, CK_OBJECT_HANDLE priv)
{
	static const CK_ATTRIBUTE_TYPE rsa_pub[] = {
	    CKA_MODULUS, CKA_MODULUS_BITS, CKA_PUBLIC_EXPONENT};
	/* Curr. Mech. v2.40 §2.1.3 (table "RSA Private Key Object
	 * Attributes"): CKA_PUBLIC_EXPONENT is part of the private key. */
	/* Curr. Mech. v2.40 §2.1.3: "Tokens vary in what they actually store
	 * for RSA private keys" and "Cryptoki supplies values only for
	 * attributes whose values it can obtain"; since v2.40 they MUST store
	 * CKA_PUBLIC_EXPONENT. So the modulus and public exponent are
	 * required, the private components (a TPM keeps them inside the
	 * TPM: tpm2-pkcs11 answers CKR_ATTRIBUTE_TYPE_INVALID) only noted. */
	static const CK_ATTRIBUTE_TYPE rsa_priv[] = {
	    CKA_MODULUS,
	    CKA_PUBLIC_EXPONENT,
	};
	static const CK_ATTRIBUTE_TYPE rsa_parts[] = {
	    CKA_PRIVATE_EXPONENT, CKA_PRIME_1,    CKA_PRIME_2,
	    CKA_EXPONENT_1,       CKA_EXPONENT_2, CKA_COEFFICIENT,
	};
	sa_buf absent = SA_BUF_INIT;
	size_t i;
	static const CK_BYTE e65537[] = {0x01, 0x00, 0x01};
	sa_buf n_pub = SA_BUF_INIT, n_priv = SA_BUF_INIT, e = SA_BUF_INIT;
	CK_MECHANISM_TYPE sm;
	char key[48], what[160], exp[48];
	CK_RV rv;

	snprintf(key, sizeof(key), "RSA-%lu", (unsigned long)bits);

	snprintf(what, sizeof(what), "%s public key CKA_MODULUS_BITS", key);
	sa_p11_gen_check_ulong(ctx, s, pub, CKA_MODULUS_BITS, bits, NULL, what);
	/* Counted independently from the modulus itself: CKA_MODULUS_BITS is
	 * only what the token says. */
	snprintf(what, sizeof(what), "%s: bit length of CKA_MODULUS", key);
	snprintf(exp, sizeof(exp), "%lu bits", (unsigned long)bits);
	rv = sa_p11_gen_get(ctx, s, pub, CKA_MODULUS, &n_pub);
	if (rv != CKR_OK)
		sa_case_checkf(ctx, false, what, exp, "C_GetAttributeValue: %s",
		               sa_p11_rv_name(rv));
	else
		sa_case_checkf(ctx, be_bits(n_pub.data, n_pub.len) == bits,
		               what, exp, "%zu bits (%zu bytes)",
		               be_bits(n_pub.data, n_pub.len), n_pub.len);
	snprintf(what, sizeof(what),
	         "%s private key CKA_MODULUS equals the public key's", key);
	rv = sa_p11_gen_get(ctx, s, priv, CKA_MODULUS, &n_priv);
	sa_case_checkf(
	    ctx,
	    rv == CKR_OK && n_pub.len > 0 &&
	        be_equal(n_pub.data, n_pub.len, n_priv.data, n_priv.len),
	    what, "equal", "%s, %s", sa_p11_rv_name(rv),
	    rv == CKR_OK &&
	            be_equal(n_pub.data, n_pub.len, n_priv.data, n_priv.len)
	        ? "equal"
	        : "different or unreadable");
	snprintf(what, sizeof(what), "%s public key CKA_PUBLIC_EXPONENT", key);
	rv = sa_p11_gen_get(ctx, s, pub, CKA_PUBLIC_EXPONENT, &e);
	sa_case_checkf(
	    ctx,
	    rv == CKR_OK && be_equal(e.data, e.len, e65537, sizeof(e65537)),
	    what, "65537 (010001)", "%s, %zu bytes", sa_p11_rv_name(rv), e.len);
	snprintf(what, sizeof(what), "%s private key CKA_PUBLIC_EXPONENT", key);
	rv = sa_p11_gen_get(ctx, s, priv, CKA_PUBLIC_EXPONENT, &e);
	sa_case_checkf(
	    ctx,
	    rv == CKR_OK && be_equal(e.data, e.len, e65537, sizeof(e65537)),
	    what, "65537 (010001)", "%s, %zu bytes", sa_p11_rv_name(rv), e.len);

	snprintf(what, sizeof(what), "%s public key", key);
	check_local(ctx, s, pub, CKM_RSA_PKCS_KEY_PAIR_GEN, what);
	snprintf(what, sizeof(what), "%s private key", key);
	check_local(ctx, s, priv, CKM_RSA_PKCS_KEY_PAIR_GEN, what);

	snprintf(what, sizeof(what), "%s public key attribute set", key);
	check_key_attrs(ctx, s, pub, false, rsa_pub, SA_COUNTOF(rsa_pub), what);
	snprintf(what, sizeof(what), "%s private key attribute set", key);
	check_key_attrs(ctx, s, priv, true, rsa_priv, SA_COUNTOF(rsa_priv),
	                what);
	for (i = 0; i < SA_COUNTOF(rsa_parts); i++) {
		CK_ATTRIBUTE a = {rsa_parts[i], NULL, 0};

		rv = sa_case_p11(ctx)->C_GetAttributeValue(s, priv, &a, 1);
		if (rv != CKR_OK && rv != CKR_ATTRIBUTE_SENSITIVE)
			sa_buf_appendf(
			    &absent, "%s%s (%s)", absent.len > 0 ? ", " : "",
			    sa_p11_attr_name(rsa_parts[i]), sa_p11_rv_name(rv));
	}
	if (absent.len > 0)
		sa_case_note(ctx,
		             "%s private key: the token does not hold %s "
		             "(Curr. Mech. v2.40 §2.1.3 lets a token store "
		             "only some private components)",
		             key, sa_buf_cstr(&absent));
	sa_buf_free(&absent);

	sm = sa_p11_gen_sign_mech(ctx, CKK_RSA);
	if (sm == SA_MECH_END) {
		sa_case_note(ctx,
		             "%s: the token lists no RSA signature "
		             "mechanism; key pair not cross-checked",
		             key);
	} else {
		snprintf(what, sizeof(what),
		         "%s key pair signs and OpenSSL verifies", key);
		sa_p11_gen_check_sign(ctx, s, priv, pub, sm, what);
	}
	sa_buf_free(&e);
	sa_buf_free(&n_priv);
	sa_buf_free(&n_pub);
}

/* Milliseconds since an arbitrary start (CLOCK_MONOTONIC). */
static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void gen01_run(sa_case_ctx *ctx, const CK_ULONG *sizes, size_t n)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE, priv = CK_INVALID_HANDLE;
	CK_MECHANISM_INFO mi;
	sa_p11_gen_spec spec = {0};
	char what[96];
	size_t i, tried = 0;
	long t0;
	CK_RV rv, mi_rv;

	if (sa_p11_gen_session(ctx, &s) < 0)
		goto out;
	memset(&mi, 0, sizeof(mi));
	mi_rv = f->C_GetMechanismInfo(sa_case_slot(ctx),
	                              CKM_RSA_PKCS_KEY_PAIR_GEN, &mi);
	spec.mech = CKM_RSA_PKCS_KEY_PAIR_GEN;
	spec.fallback = true;
	for (i = 0; i < n; i++) {
		/* A size outside the advertised range is not asked for: the
		 * catalogue sizes are the common ones, not a requirement on
		 * every token (B2.40 §3.5, CK_MECHANISM_INFO). */
		if (mi_rv == CKR_OK && (sizes[i] < mi.ulMinKeySize ||
		                        sizes[i] > mi.ulMaxKeySize)) {
			sa_case_note(ctx,
			             "RSA-%lu not tried: outside the "
			             "advertised %lu..%lu bits",
			             (unsigned long)sizes[i],
			             (unsigned long)mi.ulMinKeySize,
			             (unsigned long)mi.ulMaxKeySize);
			continue;
		}
		spec.bits = sizes[i];
		tried++;
		snprintf(what, sizeof(what),
		         "C_GenerateKeyPair(RSA-%lu, e=65537)",
		         (unsigned long)sizes[i]);
		t0 = now_ms();
		rv = sa_p11_gen_pair(ctx, s, &spec, &pub, &priv);
		sa_case_note(ctx, "RSA-%lu: C_GenerateKeyPair took %ld ms",
		             (unsigned long)sizes[i], now_ms() - t0);
		if (sa_p11_check_rv(ctx, what, rv, CKR_OK, SA_STRICT_ONLY))
			rsa_checks(ctx, s, sizes[i], pub, priv);
		sa_p11_gen_destroy(ctx, s, &priv);
		sa_p11_gen_destroy(ctx, s, &pub);
	}
	if (tried == 0)
		sa_case_skip(ctx, "none of the sizes is in the token's "
		                  "advertised range");
out:
	sa_p11_gen_destroy(ctx, s, &priv);
	sa_p11_gen_destroy(ctx, s, &pub);
	sa_p11_gen_session_end(ctx, &s);
}

void sa_p11_gen01a_rsa(sa_case_ctx *ctx)
{
	static const CK_ULONG sizes[] = {2048, 3072};

	gen01_run(ctx, sizes, SA_COUNTOF(sizes));
}

void sa_p11_gen01b_rsa4096(sa_case_ctx *ctx)
{
	static const CK_ULONG sizes[] = {4096};

	gen01_run(ctx, sizes, SA_COUNTOF(sizes));
}

/* ---- GEN-02 ---- */

static void ec_point_checks(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                            const sa_p11_ossl_curve *c, CK_OBJECT_HANDLE pub)
{
	sa_error err = SA_ERROR_INIT;
	sa_buf pt = SA_BUF_INIT;
	const unsigned char *q = NULL;
	size_t q_len = 0, coord = (c->bits + 7) / 8;
	EVP_PKEY *pk = NULL;
	bool on_curve = false;
	char what[128], exp[48];
	CK_RV rv;

	snprintf(what, sizeof(what), "%s CKA_EC_POINT is a DER OCTET STRING",
	         c->name);
	rv = sa_p11_gen_get(ctx, s, pub, CKA_EC_POINT, &pt);
	if (rv != CKR_OK) {
		sa_case_checkf(ctx, false, what, "04 <len> <point>",
		               "C_GetAttributeValue: %s", sa_p11_rv_name(rv));
		goto out;
	}
	/* Curr. Mech. v2.40 §2.3.3: "DER-encoding of ANSI X9.62 ECPoint
	 * value Q", ECPoint ::= OCTET STRING. */
	if (sa_p11_ossl_der_octets(pt.data, pt.len, &q, &q_len, &err) < 0) {
		sa_case_checkf(ctx, false, what, "04 <len> <point>",
		               "%zu bytes starting %02x: %s", pt.len,
		               pt.len ? pt.data[0] : 0, err.msg);
		/* Go on with the raw bytes: the point checks below tell
		 * whether they are a point at all. */
		q = pt.data;
		q_len = pt.len;
	} else {
		sa_case_checkf(ctx, true, what, "04 <len> <point>",
		               "OCTET STRING of %zu bytes", q_len);
	}
	snprintf(what, sizeof(what),
	         "%s point is uncompressed (X9.62 0x04 || X || Y)", c->name);
	snprintf(exp, sizeof(exp), "%zu bytes, first byte 0x04", 1 + 2 * coord);
	sa_case_checkf(ctx, q_len == 1 + 2 * coord && q[0] == 0x04, what, exp,
	               "%zu bytes, first byte 0x%02x", q_len, q_len ? q[0] : 0);
	/* Independent of the token: OpenSSL decodes the point on the named
	 * curve, which fails off the curve, then checks the public key. */
	snprintf(what, sizeof(what), "%s point is on the curve (OpenSSL)",
	         c->name);
	if (sa_p11_ossl_ec_pubkey(c, q, q_len, &pk, &err) < 0) {
		sa_case_check(ctx, false, what, "accepted", err.msg);
		goto out;
	}
	if (sa_p11_ossl_public_check(pk, &on_curve, &err) < 0) {
		sa_case_error(ctx, "could not check the %s point: %s", c->name,
		              err.msg);
		goto out;
	}
	sa_case_check(ctx, on_curve, what, "EVP_PKEY_public_check passes",
	              on_curve ? "passes" : "fails");
out:
	EVP_PKEY_free(pk);
	sa_buf_free(&pt);
}

/* CKA_EC_PARAMS of a generated key names the requested curve. */
static void check_params(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                         CK_OBJECT_HANDLE h, const unsigned char *want,
                         size_t want_len, const char *what)
{
	sa_buf p = SA_BUF_INIT;
	CK_RV rv = sa_p11_gen_get(ctx, s, h, CKA_EC_PARAMS, &p);

	sa_case_checkf(ctx,
	               rv == CKR_OK && p.len == want_len &&
	                   memcmp(p.data, want, want_len) == 0,
	               what, "the requested value", "%s, %zu bytes%s",
	               sa_p11_rv_name(rv), p.len,
	               rv == CKR_OK && p.len == want_len &&
	                       memcmp(p.data, want, want_len) == 0
	                   ? ", equal"
	                   : ", different");
	sa_buf_free(&p);
}

static void ec_checks(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                      const sa_p11_ossl_curve *c, CK_OBJECT_HANDLE pub,
                      CK_OBJECT_HANDLE priv)
{
	static const CK_ATTRIBUTE_TYPE ec_pub[] = {CKA_EC_PARAMS, CKA_EC_POINT};
	static const CK_ATTRIBUTE_TYPE ec_priv[] = {CKA_EC_PARAMS, CKA_VALUE};
	CK_MECHANISM_TYPE sm;
	char what[128];

	ec_point_checks(ctx, s, c, pub);
	snprintf(what, sizeof(what), "%s public key CKA_EC_PARAMS", c->name);
	check_params(ctx, s, pub, c->oid, c->oid_len, what);
	snprintf(what, sizeof(what), "%s private key CKA_EC_PARAMS", c->name);
	check_params(ctx, s, priv, c->oid, c->oid_len, what);
	snprintf(what, sizeof(what), "%s public key", c->name);
	check_local(ctx, s, pub, CKM_EC_KEY_PAIR_GEN, what);
	snprintf(what, sizeof(what), "%s private key", c->name);
	check_local(ctx, s, priv, CKM_EC_KEY_PAIR_GEN, what);
	snprintf(what, sizeof(what), "%s public key attribute set", c->name);
	check_key_attrs(ctx, s, pub, false, ec_pub, SA_COUNTOF(ec_pub), what);
	snprintf(what, sizeof(what), "%s private key attribute set", c->name);
	check_key_attrs(ctx, s, priv, true, ec_priv, SA_COUNTOF(ec_priv), what);
	sm = sa_p11_gen_sign_mech(ctx, CKK_EC);
	if (sm == SA_MECH_END) {
		sa_case_note(ctx,
		             "%s: the token does not list CKM_ECDSA; key "
		             "pair not cross-checked",
		             c->name);
	} else {
		snprintf(what, sizeof(what),
		         "%s key pair signs and OpenSSL verifies", c->name);
		sa_p11_gen_check_sign(ctx, s, priv, pub, sm, what);
	}
}

void sa_p11_gen02a_ec(sa_case_ctx *ctx)
{
	static const char *const names[] = {"P-256", "P-384", "P-521"};
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE, priv = CK_INVALID_HANDLE;
	CK_MECHANISM_INFO mi;
	sa_p11_gen_spec spec = {0};
	char what[96];
	size_t i, tried = 0;
	CK_RV rv, mi_rv;

	if (sa_p11_gen_session(ctx, &s) < 0)
		goto out;
	memset(&mi, 0, sizeof(mi));
	mi_rv =
	    f->C_GetMechanismInfo(sa_case_slot(ctx), CKM_EC_KEY_PAIR_GEN, &mi);
	spec.mech = CKM_EC_KEY_PAIR_GEN;
	spec.fallback = true;
	for (i = 0; i < SA_COUNTOF(names); i++) {
		const sa_p11_ossl_curve *c =
		    sa_p11_ossl_curve_by_name(names[i]);

		/* For EC the range is the field size in bits (B2.40 §3.5,
		 * Curr. Mech. v2.40 §2.3): a curve outside it is not
		 * offered, and not asked for. */
		if (mi_rv == CKR_OK &&
		    (c->bits < mi.ulMinKeySize || c->bits > mi.ulMaxKeySize)) {
			sa_case_note(ctx,
			             "%s not tried: outside the advertised "
			             "%lu..%lu bits",
			             c->name, (unsigned long)mi.ulMinKeySize,
			             (unsigned long)mi.ulMaxKeySize);
			continue;
		}
		tried++;
		spec.params = c->oid;
		spec.params_len = c->oid_len;
		snprintf(what, sizeof(what),
		         "C_GenerateKeyPair(%s by named-curve OID)", c->name);
		rv = sa_p11_gen_pair(ctx, s, &spec, &pub, &priv);
		if (sa_p11_check_rv(ctx, what, rv, CKR_OK, SA_STRICT_ONLY))
			ec_checks(ctx, s, c, pub, priv);
		sa_p11_gen_destroy(ctx, s, &priv);
		sa_p11_gen_destroy(ctx, s, &pub);
	}
	if (tried == 0)
		sa_case_skip(ctx, "none of P-256, P-384, P-521 is in the "
		                  "token's advertised range");
out:
	sa_p11_gen_session_end(ctx, &s);
}

/* sa_p11_gen_pair for a template meant to fail on its curve. A token that
 * keeps keys only as token objects (tpm2-pkcs11) may refuse the session
 * pair for its CKA_TOKEN before it looks at the curve: then the refusal of
 * the token-object pair (labelled SA_P11_GEN_TMP_LABEL, destroyed by the
 * caller and by sa_p11_gen_session_end) is the one judged, with a note. */
static CK_RV gen02b_pair(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                         const sa_p11_gen_spec *spec, const char *curve,
                         CK_OBJECT_HANDLE *pub, CK_OBJECT_HANDLE *priv)
{
	sa_p11_gen_spec tok = *spec;
	CK_RV rv = sa_p11_gen_pair(ctx, s, spec, pub, priv);
	CK_RV rv_tok;

	if (rv != CKR_ATTRIBUTE_VALUE_INVALID &&
	    rv != CKR_TEMPLATE_INCONSISTENT)
		goto out;
	tok.token = true;
	tok.label = SA_P11_GEN_TMP_LABEL;
	rv_tok = sa_p11_gen_pair(ctx, s, &tok, pub, priv);
	if (rv_tok != rv) {
		sa_case_note(ctx,
		             "%s: the session key pair was refused with %s, "
		             "the token-object pair (labelled %s, destroyed "
		             "at the end) with %s: the latter is judged",
		             curve, sa_p11_rv_name(rv), SA_P11_GEN_TMP_LABEL,
		             sa_p11_rv_name(rv_tok));
		rv = rv_tok;
	}
out:
	return rv;
}

void sa_p11_gen02b_ec_unsupported(sa_case_ctx *ctx)
{
	const sa_p11_ossl_curve *k1 = sa_p11_ossl_curve_by_name("secp256k1");
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE, priv = CK_INVALID_HANDLE;
	sa_p11_gen_spec spec = {0};
	CK_RV rv;

	if (sa_p11_gen_session(ctx, &s) < 0)
		goto out;
	spec.mech = CKM_EC_KEY_PAIR_GEN;
	/* Curr. Mech. v2.40 §2.3: a curve the token does not support gives
	 * CKR_CURVE_NOT_SUPPORTED; CKR_DOMAIN_PARAMS_INVALID (B2.40 §5.1.6)
	 * is the older, less precise code. */
	spec.params = oid_bogus;
	spec.params_len = sizeof(oid_bogus);
	rv = gen02b_pair(ctx, s, &spec, "unassigned curve", &pub, &priv);
	sa_p11_check_rv(ctx,
	                "C_GenerateKeyPair(EC, unassigned curve OID "
	                "1.2.840.10045.3.1.99)",
	                rv, CKR_CURVE_NOT_SUPPORTED,
	                SA_LENIENT(CKR_DOMAIN_PARAMS_INVALID));
	sa_p11_gen_destroy(ctx, s, &priv);
	sa_p11_gen_destroy(ctx, s, &pub);

	/* secp256k1 is a real curve many tokens lack: supported is fine,
	 * refused must be refused the same way. */
	spec.params = k1->oid;
	spec.params_len = k1->oid_len;
	rv = gen02b_pair(ctx, s, &spec, "secp256k1", &pub, &priv);
	if (rv == CKR_OK)
		sa_case_note(ctx, "the token supports secp256k1: not an "
		                  "unsupported curve here");
	else
		sa_p11_check_rv(ctx, "C_GenerateKeyPair(EC, secp256k1)", rv,
		                CKR_CURVE_NOT_SUPPORTED,
		                SA_LENIENT(CKR_DOMAIN_PARAMS_INVALID));
	sa_p11_gen_destroy(ctx, s, &priv);
	sa_p11_gen_destroy(ctx, s, &pub);
out:
	sa_p11_gen_session_end(ctx, &s);
}

/* ---- GEN-03 ---- */

/* CKA_EC_PARAMS for an Edwards curve: the RFC 8410 OID, or the DER
 * PrintableString curve name PKCS#11 3.0 also defines. */
static size_t ed_params(const sa_p11_ossl_curve *c, bool by_name,
                        unsigned char *buf, size_t size)
{
	size_t n;

	if (!by_name) {
		if (c->oid_len > size)
			return 0;
		memcpy(buf, c->oid, c->oid_len);
		return c->oid_len;
	}
	n = strlen(c->pn);
	if (n + 2 > size || n > 0x7f)
		return 0;
	buf[0] = 0x13;
	buf[1] = (unsigned char)n;
	memcpy(buf + 2, c->pn, n);
	return n + 2;
}

/* Refusals that mean "not this encoding of the curve". */
static bool refused_params(CK_RV rv)
{
	return rv == CKR_ATTRIBUTE_VALUE_INVALID ||
	       rv == CKR_CURVE_NOT_SUPPORTED ||
	       rv == CKR_DOMAIN_PARAMS_INVALID ||
	       rv == CKR_TEMPLATE_INCONSISTENT;
}

static void ed_checks(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                      const sa_p11_ossl_curve *c, const unsigned char *params,
                      size_t params_len, CK_OBJECT_HANDLE pub,
                      CK_OBJECT_HANDLE priv)
{
	static const CK_ATTRIBUTE_TYPE ed_pub[] = {CKA_EC_PARAMS, CKA_EC_POINT};
	static const CK_ATTRIBUTE_TYPE ed_priv[] = {CKA_EC_PARAMS, CKA_VALUE};
	size_t want = (c->bits + 7) / 8;
	const unsigned char *q = NULL;
	size_t q_len = 0;
	sa_buf pt = SA_BUF_INIT;
	EVP_PKEY *pk = NULL;
	sa_error err = SA_ERROR_INIT;
	CK_MECHANISM_TYPE sm;
	char what[128], exp[48];
	CK_RV rv;

	snprintf(what, sizeof(what), "%s CKA_KEY_TYPE", c->name);
	sa_p11_gen_check_ulong(ctx, s, pub, CKA_KEY_TYPE, CKK_EC_EDWARDS,
	                       key_type_name, what);
	snprintf(what, sizeof(what), "%s public key CKA_EC_PARAMS", c->name);
	check_params(ctx, s, pub, params, params_len, what);
	snprintf(what, sizeof(what), "%s CKA_EC_POINT holds a %zu-byte key",
	         c->name, want);
	snprintf(exp, sizeof(exp), "%zu bytes, raw or in an OCTET STRING",
	         want);
	rv = sa_p11_gen_get(ctx, s, pub, CKA_EC_POINT, &pt);
	if (rv != CKR_OK) {
		sa_case_checkf(ctx, false, what, exp, "C_GetAttributeValue: %s",
		               sa_p11_rv_name(rv));
	} else {
		/* PKCS#11 3.0 Curr. Mech. §2.3.5 says "DER-encoding" of the
		 * RFC 8032 key; tokens differ on whether that means an
		 * OCTET STRING wrapper, so both forms are accepted. */
		bool der = sa_p11_ossl_der_octets(pt.data, pt.len, &q, &q_len,
		                                  NULL) == 0 &&
		           q_len == want;

		if (!der) {
			q = pt.data;
			q_len = pt.len;
		}
		sa_case_checkf(ctx, q_len == want, what, exp, "%zu bytes%s",
		               q_len,
		               der ? " in a DER OCTET STRING" : " (raw)");
		snprintf(what, sizeof(what), "%s public key decodes (OpenSSL)",
		         c->name);
		if (q_len == want &&
		    sa_p11_ossl_ec_pubkey(c, q, q_len, &pk, &err) < 0)
			sa_case_check(ctx, false, what, "accepted", err.msg);
	}
	snprintf(what, sizeof(what), "%s public key", c->name);
	check_local(ctx, s, pub, CKM_EC_EDWARDS_KEY_PAIR_GEN, what);
	snprintf(what, sizeof(what), "%s private key", c->name);
	check_local(ctx, s, priv, CKM_EC_EDWARDS_KEY_PAIR_GEN, what);
	snprintf(what, sizeof(what), "%s public key attribute set", c->name);
	check_key_attrs(ctx, s, pub, false, ed_pub, SA_COUNTOF(ed_pub), what);
	snprintf(what, sizeof(what), "%s private key attribute set", c->name);
	check_key_attrs(ctx, s, priv, true, ed_priv, SA_COUNTOF(ed_priv), what);
	/* A decoding check alone proves little for EdDSA (any 32 bytes
	 * decode for most y): a signature that verifies proves the pair. */
	sm = sa_p11_gen_sign_mech(ctx, CKK_EC_EDWARDS);
	if (sm == SA_MECH_END) {
		sa_case_note(ctx,
		             "%s: the token does not list CKM_EDDSA; key "
		             "pair not cross-checked",
		             c->name);
	} else {
		snprintf(what, sizeof(what),
		         "%s key pair signs and OpenSSL verifies", c->name);
		sa_p11_gen_check_sign(ctx, s, priv, pub, sm, what);
	}
	EVP_PKEY_free(pk);
	sa_buf_free(&pt);
}

void sa_p11_gen03_eddsa(sa_case_ctx *ctx)
{
	static const char *const names[] = {"Ed25519", "Ed448"};
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE, priv = CK_INVALID_HANDLE;
	CK_MECHANISM_INFO mi;
	sa_p11_gen_spec spec = {0};
	unsigned char params[32];
	size_t i, n;
	char what[96];
	CK_RV rv, mi_rv;

	if (sa_p11_gen_session(ctx, &s) < 0)
		goto out;
	memset(&mi, 0, sizeof(mi));
	mi_rv = f->C_GetMechanismInfo(sa_case_slot(ctx),
	                              CKM_EC_EDWARDS_KEY_PAIR_GEN, &mi);
	spec.mech = CKM_EC_EDWARDS_KEY_PAIR_GEN;
	spec.fallback = true;
	for (i = 0; i < SA_COUNTOF(names); i++) {
		const sa_p11_ossl_curve *c =
		    sa_p11_ossl_curve_by_name(names[i]);
		bool by_name = false;

		/* Ed448 is optional: only a token whose advertised range
		 * reaches its 448-bit (b = 456) size is asked for it. */
		if (mi_rv == CKR_OK && mi.ulMaxKeySize < 448 && c->bits > 256) {
			sa_case_note(
			    ctx,
			    "%s not tried: CKM_EC_EDWARDS_KEY_PAIR_GEN "
			    "advertises at most %lu bits",
			    c->name, (unsigned long)mi.ulMaxKeySize);
			continue;
		}
		n = ed_params(c, false, params, sizeof(params));
		spec.params = params;
		spec.params_len = n;
		rv = sa_p11_gen_pair(ctx, s, &spec, &pub, &priv);
		if (refused_params(rv)) {
			CK_RV rv_oid = rv;

			n = ed_params(c, true, params, sizeof(params));
			spec.params_len = n;
			rv = sa_p11_gen_pair(ctx, s, &spec, &pub, &priv);
			by_name = true;
			sa_case_note(ctx,
			             "%s by OID (RFC 8410) refused with %s; "
			             "by curve name \"%s\": %s",
			             c->name, sa_p11_rv_name(rv_oid), c->pn,
			             sa_p11_rv_name(rv));
		}
		snprintf(what, sizeof(what), "C_GenerateKeyPair(%s)", c->name);
		if (sa_p11_check_rv(ctx, what, rv, CKR_OK, SA_STRICT_ONLY)) {
			if (by_name)
				sa_case_note(ctx,
				             "%s generated with the "
				             "curve-name form of "
				             "CKA_EC_PARAMS",
				             c->name);
			ed_checks(ctx, s, c, params, n, pub, priv);
		}
		sa_p11_gen_destroy(ctx, s, &priv);
		sa_p11_gen_destroy(ctx, s, &pub);
	}
out:
	sa_p11_gen_session_end(ctx, &s);
}
