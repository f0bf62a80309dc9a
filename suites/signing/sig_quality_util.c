/* SIG-Q: PKCS#11 side (sig_quality.h): sessions, the case's key pairs, and
 * the inventory of RSA public keys a user can see. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "sigaudit/guard.h"

#include "sig_quality.h"

static const CK_BBOOL sq_true = CK_TRUE;
static const CK_BBOOL sq_false = CK_FALSE;

/* Token objects made by the fallback for tokens that refuse session keys.
 * One case per process (the runner forks per case). */
#define SQ_TOKEN_MAX 32
static CK_OBJECT_HANDLE sq_token_objs[SQ_TOKEN_MAX];
static size_t sq_n_token;

int sa_sq_open(sa_case_ctx *ctx, CK_SESSION_HANDLE *out)
{
	int rc = SA_E_CKR;
	CK_RV rv;

	*out = CK_INVALID_HANDLE;
	rv = sa_p11_open(ctx, CKF_RW_SESSION, out);
	if (rv != CKR_OK) {
		*out = CK_INVALID_HANDLE;
		sa_case_error(ctx, "set-up: C_OpenSession(RW) returned %s",
		              sa_p11_rv_name(rv));
		goto out;
	}
	rv = sa_p11_login(ctx, *out, CKU_USER);
	if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) {
		sa_case_error(ctx,
		              "set-up: C_Login(CKU_USER) with the configured "
		              "PIN returned %s",
		              sa_p11_rv_name(rv));
		goto out;
	}
	rc = SA_OK;
out:
	return rc;
}

void sa_sq_close(sa_case_ctx *ctx, CK_SESSION_HANDLE *s)
{
	size_t i;

	for (i = 0; i < sq_n_token; i++)
		sa_p11_destroy(ctx, *s, &sq_token_objs[i]);
	sq_n_token = 0;
	sa_p11_close(ctx, s);
}

#define SQ_TMPL_MAX 16

static CK_RV gen_pair_once(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                           CK_MECHANISM_TYPE mech, const CK_ULONG *bits,
                           const CK_BYTE *ec_params, size_t ec_params_len,
                           const CK_ATTRIBUTE *extra, size_t n_extra,
                           bool token, CK_OBJECT_HANDLE *pub,
                           CK_OBJECT_HANDLE *priv)
{
	static const CK_BYTE e65537[] = {0x01, 0x00, 0x01};
	static const char label[] = "sigaudit-sq";
	CK_MECHANISM m = {mech, NULL, 0};
	const CK_BBOOL *tok = token ? &sq_true : &sq_false;
	CK_ATTRIBUTE tp[SQ_TMPL_MAX] = {
	    {CKA_TOKEN, (void *)tok, sizeof(CK_BBOOL)},
	    {CKA_VERIFY, (void *)&sq_true, sizeof(CK_BBOOL)},
	    {CKA_LABEL, (void *)label, sizeof(label) - 1},
	};
	CK_ATTRIBUTE tv[] = {
	    {CKA_TOKEN, (void *)tok, sizeof(CK_BBOOL)},
	    {CKA_PRIVATE, (void *)&sq_true, sizeof(CK_BBOOL)},
	    {CKA_SIGN, (void *)&sq_true, sizeof(CK_BBOOL)},
	    {CKA_SENSITIVE, (void *)&sq_true, sizeof(CK_BBOOL)},
	    {CKA_EXTRACTABLE, (void *)&sq_false, sizeof(CK_BBOOL)},
	    {CKA_LABEL, (void *)label, sizeof(label) - 1},
	};
	CK_ULONG np = 3;
	size_t i;
	CK_RV rv;

	if (mech == CKM_RSA_PKCS_KEY_PAIR_GEN) {
		tp[np++] = (CK_ATTRIBUTE){CKA_MODULUS_BITS, (void *)bits,
		                          sizeof(CK_ULONG)};
		tp[np++] = (CK_ATTRIBUTE){CKA_PUBLIC_EXPONENT, (void *)e65537,
		                          sizeof(e65537)};
	} else if (mech == CKM_EC_KEY_PAIR_GEN) {
		tp[np++] = (CK_ATTRIBUTE){CKA_EC_PARAMS, (void *)ec_params,
		                          (CK_ULONG)ec_params_len};
	}
	for (i = 0; i < n_extra && np < SQ_TMPL_MAX; i++)
		tp[np++] = extra[i];
	/* a template that does not fit is never sent */
	rv = CKR_GENERAL_ERROR;
	if (i == n_extra)
		rv = sa_case_p11(ctx)->C_GenerateKeyPair(
		    s, &m, tp, np, tv, SA_COUNTOF(tv), pub, priv);
	return rv;
}

CK_RV sa_sq_gen_pair(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                     CK_MECHANISM_TYPE mech, CK_ULONG bits,
                     const CK_BYTE *ec_params, size_t ec_params_len,
                     const CK_ATTRIBUTE *extra, size_t n_extra,
                     CK_OBJECT_HANDLE *pub, CK_OBJECT_HANDLE *priv)
{
	CK_RV rv;

	*pub = CK_INVALID_HANDLE;
	*priv = CK_INVALID_HANDLE;
	rv = gen_pair_once(ctx, s, mech, &bits, ec_params, ec_params_len, extra,
	                   n_extra, false, pub, priv);
	/* Tokens such as tpm2-pkcs11 refuse session keys: the same key as
	 * token objects, tracked and destroyed by sa_sq_close. */
	if ((rv == CKR_TEMPLATE_INCONSISTENT ||
	     rv == CKR_ATTRIBUTE_VALUE_INVALID) &&
	    sq_n_token + 2 <= SQ_TOKEN_MAX) {
		rv =
		    gen_pair_once(ctx, s, mech, &bits, ec_params, ec_params_len,
		                  extra, n_extra, true, pub, priv);
		if (rv == CKR_OK) {
			sq_token_objs[sq_n_token++] = *pub;
			sq_token_objs[sq_n_token++] = *priv;
			sa_case_note(ctx,
			             "the token refused a session key pair: "
			             "made as token objects, destroyed at the "
			             "end");
		}
	}
	if (rv != CKR_OK) {
		*pub = CK_INVALID_HANDLE;
		*priv = CK_INVALID_HANDLE;
	}
	return rv;
}

CK_RV sa_sq_get_bytes(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h,
                      CK_ATTRIBUTE_TYPE type, sa_buf *out)
{
	return sa_p11_get_attr(ctx, s, h, type, 1UL << 24, out, NULL);
}

CK_RV sa_sq_get_ulong(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h,
                      CK_ATTRIBUTE_TYPE type, CK_ULONG *out)
{
	CK_ULONG v = 0;
	CK_ATTRIBUTE a = {type, &v, sizeof(v)};
	CK_RV rv = sa_case_p11(ctx)->C_GetAttributeValue(s, h, &a, 1);

	if (rv == CKR_OK && a.ulValueLen == sizeof(v))
		*out = v;
	else if (rv == CKR_OK)
		rv = CKR_GENERAL_ERROR;
	return rv;
}

CK_RV sa_sq_find(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_ATTRIBUTE *t,
                 CK_ULONG nt, CK_OBJECT_HANDLE *out, CK_ULONG max, CK_ULONG *n)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_RV rv;

	*n = 0;
	rv = f->C_FindObjectsInit(s, t, nt);
	if (rv != CKR_OK)
		goto out;
	rv = f->C_FindObjects(s, out, max, n);
	(void)f->C_FindObjectsFinal(s);
	if (*n > max)
		*n = max;
out:
	return rv;
}

void sa_sq_label(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h,
                 char *out, size_t size)
{
	sa_buf b = SA_BUF_INIT;
	size_t i, n = 0;

	if (size < 12)
		goto out;
	/* labels are the token owner's text: quoted and kept printable */
	if (sa_sq_get_bytes(ctx, s, h, CKA_LABEL, &b) != CKR_OK || b.len == 0) {
		snprintf(out, size, "(no label)");
		goto out;
	}
	out[n++] = '\'';
	for (i = 0; i < b.len && n + 2 < size; i++) {
		unsigned char c = b.data[i];

		out[n++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	out[n++] = '\'';
	out[n] = '\0';
out:
	sa_buf_free(&b);
}

CK_RV sa_sq_sign(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_MECHANISM *m,
                 CK_OBJECT_HANDLE key, const void *data, size_t len,
                 sa_buf *sig)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_ULONG sl = 0;
	CK_RV rv;

	sa_buf_reset(sig);
	rv = CKR_ARGUMENTS_BAD;
	if (len > (size_t)ULONG_MAX)
		goto out;
	rv = f->C_SignInit(s, m, key);
	if (rv != CKR_OK)
		goto out;
	/* size query, then the signature (B2.40 §5.2 conventions) */
	rv = f->C_Sign(s, (CK_BYTE_PTR)data, (CK_ULONG)len, NULL, &sl);
	if (rv != CKR_OK)
		goto out;
	if (sl == 0 || sl > 65536 || sa_buf_reserve(sig, (size_t)sl) < 0) {
		/* end the operation the size query left active */
		CK_BYTE scratch[1024];
		CK_ULONG scl = sizeof(scratch);

		(void)f->C_Sign(s, (CK_BYTE_PTR)data, (CK_ULONG)len, scratch,
		                &scl);
		rv = CKR_GENERAL_ERROR;
		goto out;
	}
	rv = f->C_Sign(s, (CK_BYTE_PTR)data, (CK_ULONG)len, sig->data, &sl);
	if (rv == CKR_OK && sl < sig->cap) {
		sig->len = (size_t)sl;
		sig->data[sig->len] = '\0';
	} else if (rv == CKR_OK) {
		rv = CKR_GENERAL_ERROR;
	}
out:
	return rv;
}

/* ---- RSA inventory ---- */

int sa_sq_rsaset_add(sa_sq_rsaset *set, BIGNUM *n, BIGNUM *e, const char *what,
                     bool generated)
{
	int rc = SA_OK;
	size_t i, used;

	for (i = 0; i < set->n; i++) {
		if (BN_cmp(set->keys[i].n, n) != 0)
			continue;
		set->n_dup++;
		/* a fresh generation never repeats a key: SIG-Q-03 */
		if (generated && set->n_gen_repeat++ == 0)
			snprintf(set->repeat_what, sizeof(set->repeat_what),
			         "%s = %s", what, set->keys[i].what);
		used = strlen(set->keys[i].what);
		if (used + 4 < sizeof(set->keys[i].what))
			snprintf(set->keys[i].what + used,
			         sizeof(set->keys[i].what) - used, " = %s",
			         what);
		goto out;
	}
	if (set->n >= SA_SQ_RSA_MAX) {
		rc = SA_E_RANGE;
		goto out;
	}
	snprintf(set->keys[set->n].what, sizeof(set->keys[set->n].what), "%s",
	         what);
	set->keys[set->n].n = n;
	set->keys[set->n].e = e;
	set->keys[set->n].generated = generated;
	set->n++;
	n = NULL;
	e = NULL;
out:
	BN_free(n);
	BN_free(e);
	return rc;
}

static int add_from_object(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                           sa_sq_rsaset *set, CK_OBJECT_HANDLE h,
                           const char *kind, bool generated)
{
	sa_buf nb = SA_BUF_INIT, eb = SA_BUF_INIT;
	BIGNUM *n = NULL, *e = NULL;
	char label[64], what[112];
	int rc = SA_OK;

	sa_sq_label(ctx, s, h, label, sizeof(label));
	snprintf(what, sizeof(what), "%s %s", kind, label);
	if (sa_sq_get_bytes(ctx, s, h, CKA_MODULUS, &nb) != CKR_OK ||
	    sa_sq_get_bytes(ctx, s, h, CKA_PUBLIC_EXPONENT, &eb) != CKR_OK ||
	    nb.len == 0 || eb.len == 0 || nb.len > INT_MAX ||
	    eb.len > INT_MAX) {
		set->n_unreadable++;
		sa_case_note(ctx,
		             "%s: CKA_MODULUS/CKA_PUBLIC_EXPONENT not "
		             "readable",
		             what);
		rc = generated ? SA_E_CKR : SA_OK;
		goto out;
	}
	n = BN_bin2bn(nb.data, (int)nb.len, NULL);
	e = BN_bin2bn(eb.data, (int)eb.len, NULL);
	if (n == NULL || e == NULL) {
		rc = SA_E_NOMEM;
		goto out;
	}
	rc = sa_sq_rsaset_add(set, n, e, what, generated);
	n = NULL;
	e = NULL;
out:
	BN_free(n);
	BN_free(e);
	sa_buf_free(&eb);
	sa_buf_free(&nb);
	return rc;
}

static int add_from_cert(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                         sa_sq_rsaset *set, CK_OBJECT_HANDLE h)
{
	sa_buf der = SA_BUF_INIT;
	X509 *x = NULL;
	EVP_PKEY *pk;
	BIGNUM *n = NULL, *e = NULL;
	const unsigned char *p;
	char label[64], what[112];
	int rc = SA_OK;

	if (sa_sq_get_bytes(ctx, s, h, CKA_VALUE, &der) != CKR_OK ||
	    der.len == 0 || der.len > LONG_MAX)
		goto out;
	p = der.data;
	x = d2i_X509(NULL, &p, (long)der.len);
	pk = x == NULL ? NULL : X509_get0_pubkey(x);
	if (pk == NULL || !EVP_PKEY_is_a(pk, "RSA"))
		goto out;
	if (EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_N, &n) != 1 ||
	    EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_E, &e) != 1) {
		set->n_unreadable++;
		goto out;
	}
	sa_sq_label(ctx, s, h, label, sizeof(label));
	snprintf(what, sizeof(what), "certificate %s", label);
	rc = sa_sq_rsaset_add(set, n, e, what, false);
	n = NULL;
	e = NULL;
out:
	ERR_clear_error();
	BN_free(n);
	BN_free(e);
	X509_free(x);
	sa_buf_free(&der);
	return rc;
}

#define SQ_FIND_MAX 256

int sa_sq_rsaset_collect(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                         sa_sq_rsaset *set)
{
	static const struct {
		CK_OBJECT_CLASS cls;
		const char *kind;
	} classes[] = {
	    {CKO_PUBLIC_KEY, "public key"},
	    {CKO_PRIVATE_KEY, "private key"},
	};
	CK_OBJECT_HANDLE *h = NULL;
	CK_OBJECT_CLASS cls;
	CK_KEY_TYPE kt = CKK_RSA;
	CK_CERTIFICATE_TYPE ct = CKC_X_509;
	CK_ULONG n = 0, i;
	size_t c;
	CK_RV rv;
	int rc = SA_E_NOMEM;

	h = calloc(SQ_FIND_MAX, sizeof(*h));
	if (h == NULL)
		goto out;
	for (c = 0; c < SA_COUNTOF(classes); c++) {
		CK_ATTRIBUTE t[] = {
		    {CKA_CLASS, &cls, sizeof(cls)},
		    {CKA_KEY_TYPE, &kt, sizeof(kt)},
		};

		cls = classes[c].cls;
		rv = sa_sq_find(ctx, s, t, SA_COUNTOF(t), h, SQ_FIND_MAX, &n);
		if (rv != CKR_OK) {
			sa_case_note(ctx, "C_FindObjects(%s, CKK_RSA): %s",
			             classes[c].kind, sa_p11_rv_name(rv));
			continue;
		}
		for (i = 0; i < n; i++) {
			set->n_token_objs++;
			rc = add_from_object(ctx, s, set, h[i], classes[c].kind,
			                     false);
			if (rc < 0)
				goto out;
		}
	}
	{
		CK_ATTRIBUTE t[] = {
		    {CKA_CLASS, &cls, sizeof(cls)},
		    {CKA_CERTIFICATE_TYPE, &ct, sizeof(ct)},
		};

		cls = CKO_CERTIFICATE;
		rv = sa_sq_find(ctx, s, t, SA_COUNTOF(t), h, SQ_FIND_MAX, &n);
		for (i = 0; rv == CKR_OK && i < n; i++) {
			set->n_token_objs++;
			rc = add_from_cert(ctx, s, set, h[i]);
			if (rc < 0)
				goto out;
		}
	}
	rc = SA_OK;
out:
	free(h);
	return rc;
}

int sa_sq_rsaset_generate(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                          sa_sq_rsaset *set, unsigned count, CK_ULONG bits)
{
	CK_OBJECT_HANDLE pub, priv;
	char what[64];
	unsigned i;
	int rc = SA_OK;
	CK_RV rv;

	for (i = 0; i < count && set->n_gen + 2 <= SA_COUNTOF(set->gen); i++) {
		rv = sa_sq_gen_pair(ctx, s, CKM_RSA_PKCS_KEY_PAIR_GEN, bits,
		                    NULL, 0, NULL, 0, &pub, &priv);
		if (rv != CKR_OK) {
			set->n_gen_failed++;
			set->gen_rv = rv;
			continue;
		}
		set->gen[set->n_gen++] = pub;
		set->gen[set->n_gen++] = priv;
		snprintf(what, sizeof(what), "generated RSA-%lu pair #%u",
		         (unsigned long)bits, i + 1);
		rc = add_from_object(ctx, s, set, pub, what, true);
		if (rc < 0)
			break;
	}
	return rc;
}

void sa_sq_rsaset_free(sa_case_ctx *ctx, CK_SESSION_HANDLE s, sa_sq_rsaset *set)
{
	size_t i;

	if (set == NULL)
		return;
	for (i = 0; i < set->n_gen; i++)
		sa_p11_destroy(ctx, s, &set->gen[i]);
	set->n_gen = 0;
	for (i = 0; i < set->n; i++) {
		BN_free(set->keys[i].n);
		BN_free(set->keys[i].e);
		set->keys[i].n = NULL;
		set->keys[i].e = NULL;
	}
	set->n = 0;
}
