/* P11-MECH-05, the mechanism matrix (mech_matrix.h): the calls to the token
 * and the keys the case makes or imports. Keys are made in the "own"
 * session and used in the "ops" session. A session object lives until the
 * session that made it closes (B2.40 §4.4 (unconfirmed)) but is usable from
 * every session of the application, so an operation a module leaves active
 * after a failure is cleared by reopening the ops session without losing a
 * key. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "sigaudit/buf.h"

#include "mech_matrix.h"

static const CK_MECHANISM_TYPE fam_gen[] = {
    CKM_RSA_PKCS_KEY_PAIR_GEN,   CKM_EC_KEY_PAIR_GEN,
    CKM_EC_EDWARDS_KEY_PAIR_GEN, CKM_DSA_KEY_PAIR_GEN,
    CKM_DH_PKCS_KEY_PAIR_GEN,
};
static const char *const fam_name[] = {"RSA", "EC", "EdDSA", "DSA", "DH"};

/* ---- token calls ---- */

/* B2.40 §5.2 (unconfirmed): a failed single-part call ends the operation,
 * but a module that does not would answer the next init with
 * CKR_OPERATION_ACTIVE. A fresh ops session rules that out; the keys live
 * in the own session and survive. */
void sa_mm_ops_reset(struct sa_mm *m)
{
	if (m->have_ops)
		(void)m->fl->C_CloseSession(m->ops);
	m->have_ops = sa_p11_open(m->ctx, CKF_RW_SESSION, &m->ops) == CKR_OK;
	if (!m->have_ops)
		sa_case_error(m->ctx, "could not reopen the operation session");
}

/* Lengths a token reports are untrusted: nothing above SA_MM_OUT_MAX. */
static bool out_len_ok(CK_ULONG len)
{
	return len <= SA_MM_OUT_MAX;
}

/* B2.40 §5.2 (unconfirmed): the size query must give a length that
 * suffices. When the buffer it sized is refused, the operation is run
 * again on a fresh session with a large buffer to say what the output
 * really needs. The text is in m->diag. */
static const char *size_diag(struct sa_mm *m, sa_mm_init_fn init,
                             sa_mm_op_fn op, CK_MECHANISM *mech,
                             CK_OBJECT_HANDLE key, const unsigned char *in,
                             size_t in_len, CK_ULONG asked, sa_buf *out)
{
	CK_ULONG len = SA_MM_OUT_MAX;
	CK_RV rv;

	sa_mm_ops_reset(m);
	rv = init != NULL ? init(m->ops, mech, key)
	                  : m->fl->C_DigestInit(m->ops, mech);
	if (rv == CKR_OK && sa_buf_reserve(out, SA_MM_OUT_MAX) == 0)
		rv = op(m->ops, (CK_BYTE_PTR)in, (CK_ULONG)in_len, out->data,
		        &len);
	else if (rv == CKR_OK)
		rv = CKR_HOST_MEMORY;
	if (rv == CKR_OK)
		snprintf(m->diag, sizeof(m->diag),
		         "the size query said %lu bytes, the output is %lu "
		         "(CKR_BUFFER_TOO_SMALL)",
		         (unsigned long)asked, (unsigned long)len);
	else
		snprintf(m->diag, sizeof(m->diag),
		         "CKR_BUFFER_TOO_SMALL with the %lu bytes the size "
		         "query said; with %lu bytes: %s",
		         (unsigned long)asked, (unsigned long)SA_MM_OUT_MAX,
		         sa_p11_rv_name(rv));
	sa_buf_reset(out);
	return m->diag;
}

/* Init and a single-part operation (C_Encrypt, C_Decrypt, C_Sign,
 * C_SignRecover, C_VerifyRecover, C_Digest); init NULL means C_DigestInit. */
struct sa_mm_rv sa_mm_crypt(struct sa_mm *m, sa_mm_init_fn init,
                            const char *iname, sa_mm_op_fn op,
                            const char *oname, CK_MECHANISM *mech,
                            CK_OBJECT_HANDLE key, const unsigned char *in,
                            size_t in_len, sa_buf *out)
{
	struct sa_mm_rv r = SA_MM_RV_OK;
	CK_ULONG len = 0, asked;
	bool active = false;

	sa_buf_reset(out);
	r.rv = init != NULL ? init(m->ops, mech, key)
	                    : m->fl->C_DigestInit(m->ops, mech);
	if (r.rv != CKR_OK) {
		r.where = iname;
		goto out;
	}
	active = true;
	r.where = oname;
	r.rv = op(m->ops, (CK_BYTE_PTR)in, (CK_ULONG)in_len, NULL, &len);
	if (r.rv != CKR_OK)
		goto out;
	if (!out_len_ok(len)) {
		r.bad = "implausible output length";
		goto out;
	}
	if (sa_buf_reserve(out, (size_t)len + 1) < 0) {
		r.bad = "out of memory";
		goto out;
	}
	asked = len;
	r.rv = op(m->ops, (CK_BYTE_PTR)in, (CK_ULONG)in_len, out->data, &len);
	if (r.rv == CKR_BUFFER_TOO_SMALL) {
		r.bad =
		    size_diag(m, init, op, mech, key, in, in_len, asked, out);
		goto out;
	}
	if (r.rv != CKR_OK)
		goto out;
	active = false;
	if (len > out->cap) {
		r.bad = "output longer than the size query said";
		goto out;
	}
	out->len = (size_t)len;
out:
	if (active)
		sa_mm_ops_reset(m);
	return r;
}

struct sa_mm_rv sa_mm_verify(struct sa_mm *m, CK_MECHANISM *mech,
                             CK_OBJECT_HANDLE key, const unsigned char *data,
                             size_t len, const unsigned char *sig,
                             size_t sig_len)
{
	struct sa_mm_rv r = SA_MM_RV_OK;

	r.where = "C_VerifyInit";
	r.rv = m->fl->C_VerifyInit(m->ops, mech, key);
	if (r.rv != CKR_OK)
		goto out;
	r.where = "C_Verify";
	r.rv = m->fl->C_Verify(m->ops, (CK_BYTE_PTR)data, (CK_ULONG)len,
	                       (CK_BYTE_PTR)sig, (CK_ULONG)sig_len);
	/* CKR_OK and CKR_SIGNATURE_INVALID both end the operation; anything
	 * else may not have. */
	if (r.rv != CKR_OK && r.rv != CKR_SIGNATURE_INVALID)
		sa_mm_ops_reset(m);
out:
	return r;
}

struct sa_mm_rv sa_mm_wrap(struct sa_mm *m, CK_MECHANISM *mech,
                           CK_OBJECT_HANDLE wrapping, CK_OBJECT_HANDLE key,
                           sa_buf *out)
{
	struct sa_mm_rv r = SA_MM_RV_OK;
	CK_ULONG len = 0, asked;
	CK_RV rv2;

	sa_buf_reset(out);
	r.where = "C_WrapKey";
	r.rv = m->fl->C_WrapKey(m->ops, mech, wrapping, key, NULL, &len);
	if (r.rv != CKR_OK)
		goto out;
	if (!out_len_ok(len)) {
		r.bad = "implausible wrapped length";
		goto out;
	}
	if (sa_buf_reserve(out, (size_t)len + 1) < 0) {
		r.bad = "out of memory";
		goto out;
	}
	asked = len;
	r.rv = m->fl->C_WrapKey(m->ops, mech, wrapping, key, out->data, &len);
	if (r.rv == CKR_BUFFER_TOO_SMALL) {
		/* As in size_diag: what the wrapped key really needs. */
		len = SA_MM_OUT_MAX;
		rv2 = sa_buf_reserve(out, SA_MM_OUT_MAX) == 0
		          ? m->fl->C_WrapKey(m->ops, mech, wrapping, key,
		                             out->data, &len)
		          : CKR_HOST_MEMORY;
		if (rv2 == CKR_OK)
			snprintf(m->diag, sizeof(m->diag),
			         "the size query said %lu bytes, the wrapped "
			         "key is %lu (CKR_BUFFER_TOO_SMALL)",
			         (unsigned long)asked, (unsigned long)len);
		else
			snprintf(m->diag, sizeof(m->diag),
			         "CKR_BUFFER_TOO_SMALL with the %lu bytes the "
			         "size query said; with %lu bytes: %s",
			         (unsigned long)asked,
			         (unsigned long)SA_MM_OUT_MAX,
			         sa_p11_rv_name(rv2));
		r.bad = m->diag;
		goto out;
	}
	if (r.rv != CKR_OK)
		goto out;
	if (len > out->cap) {
		r.bad = "output longer than the size query said";
		goto out;
	}
	out->len = (size_t)len;
out:
	return r;
}

/* A secret key of type kt unwrapped as a readable session key. */
struct sa_mm_rv sa_mm_unwrap(struct sa_mm *m, CK_MECHANISM *mech,
                             CK_OBJECT_HANDLE unwrapping, const sa_buf *blob,
                             CK_KEY_TYPE kt, CK_OBJECT_HANDLE *out)
{
	struct sa_mm_rv r = SA_MM_RV_OK;
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_BBOOL t = CK_TRUE, f = CK_FALSE;
	CK_ATTRIBUTE tmpl[] = {
	    {CKA_CLASS, &cls, sizeof(cls)}, {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_TOKEN, &f, sizeof(f)},     {CKA_ENCRYPT, &t, sizeof(t)},
	    {CKA_SENSITIVE, &f, sizeof(f)}, {CKA_EXTRACTABLE, &t, sizeof(t)},
	};

	*out = CK_INVALID_HANDLE;
	r.where = "C_UnwrapKey";
	r.rv = m->fl->C_UnwrapKey(m->ops, mech, unwrapping, blob->data,
	                          (CK_ULONG)blob->len, tmpl, SA_COUNTOF(tmpl),
	                          out);
	if (r.rv == CKR_OK && *out == CK_INVALID_HANDLE)
		r.bad = "CKR_OK without a key handle";
	return r;
}

/* A readable generic secret of vlen bytes derived from base. */
struct sa_mm_rv sa_mm_derive(struct sa_mm *m, CK_MECHANISM *mech,
                             CK_OBJECT_HANDLE base, CK_ULONG vlen,
                             CK_OBJECT_HANDLE *out)
{
	struct sa_mm_rv r = SA_MM_RV_OK;
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_GENERIC_SECRET;
	CK_BBOOL t = CK_TRUE, f = CK_FALSE;
	CK_ATTRIBUTE tmpl[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_TOKEN, &f, sizeof(f)},
	    {CKA_SENSITIVE, &f, sizeof(f)},
	    {CKA_EXTRACTABLE, &t, sizeof(t)},
	    {CKA_VALUE_LEN, &vlen, sizeof(vlen)},
	};

	*out = CK_INVALID_HANDLE;
	r.where = "C_DeriveKey";
	r.rv =
	    m->fl->C_DeriveKey(m->ops, mech, base, tmpl, SA_COUNTOF(tmpl), out);
	if (r.rv == CKR_OK && *out == CK_INVALID_HANDLE)
		r.bad = "CKR_OK without a key handle";
	return r;
}

/* One attribute of at most SA_MM_OUT_MAX bytes. */
CK_RV sa_mm_get_attr(struct sa_mm *m, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h,
                     CK_ATTRIBUTE_TYPE type, sa_buf *out)
{
	CK_ATTRIBUTE a = {type, NULL, 0};
	CK_RV rv;

	sa_buf_reset(out);
	rv = m->fl->C_GetAttributeValue(s, h, &a, 1);
	if (rv != CKR_OK)
		goto out;
	if (a.ulValueLen == CK_UNAVAILABLE_INFORMATION ||
	    !out_len_ok(a.ulValueLen) ||
	    sa_buf_reserve(out, (size_t)a.ulValueLen + 1) < 0) {
		rv = CKR_GENERAL_ERROR;
		goto out;
	}
	a.pValue = out->data;
	rv = m->fl->C_GetAttributeValue(s, h, &a, 1);
	if (rv != CKR_OK)
		goto out;
	if (a.ulValueLen > out->cap) {
		rv = CKR_GENERAL_ERROR;
		goto out;
	}
	out->len = (size_t)a.ulValueLen;
out:
	return rv;
}

void sa_mm_destroy(struct sa_mm *m, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE *h)
{
	if (*h != CK_INVALID_HANDLE)
		(void)m->fl->C_DestroyObject(s, *h);
	*h = CK_INVALID_HANDLE;
}

bool sa_mm_same(const sa_buf *a, const unsigned char *b, size_t len)
{
	return a->len == len && (len == 0 || memcmp(a->data, b, len) == 0);
}

void sa_mm_rand(unsigned char *p, size_t len)
{
	/* Test data, not key material anyone relies on; a failing DRBG
	 * still leaves distinct bytes. */
	if (RAND_bytes(p, (int)len) != 1) {
		size_t i;

		for (i = 0; i < len; i++)
			p[i] = (unsigned char)(0x5a ^ (i * 31));
	}
}

/* DES keys carry odd parity in the low bit of each byte (FIPS 46-3); some
 * tokens check it on import. */
static void des_parity(unsigned char *p, size_t len)
{
	size_t i;
	unsigned b, ones;

	for (i = 0; i < len; i++) {
		ones = 0;
		for (b = 1; b < 0x100; b <<= 1)
			ones += (p[i] & b) != 0;
		if (ones % 2 == 0)
			p[i] ^= 1;
	}
}

/* ---- secret keys ---- */

/* The secret key types the case makes: generation mechanism, name and
 * fixed length (0: from the mechanism's range). The last row also stands
 * for any type not listed. */
static const struct {
	CK_KEY_TYPE kt;
	CK_MECHANISM_TYPE gen;
	const char *name;
	size_t len;
} kts[] = {
    {CKK_AES, CKM_AES_KEY_GEN, "AES", 0},
    {CKK_DES, CKM_DES_KEY_GEN, "DES", 8},
    {CKK_DES2, CKM_DES2_KEY_GEN, "DES2", 16},
    {CKK_DES3, CKM_DES3_KEY_GEN, "DES3", 24},
    {CKK_GENERIC_SECRET, CKM_GENERIC_SECRET_KEY_GEN, "generic secret", 32},
};

static size_t kt_index(CK_KEY_TYPE kt)
{
	size_t i = 0;

	while (i < SA_COUNTOF(kts) - 1 && kts[i].kt != kt)
		i++;
	return i;
}

static CK_MECHANISM_TYPE secret_gen_mech(CK_KEY_TYPE kt)
{
	return kts[kt_index(kt)].gen;
}

const char *sa_mm_kt_name(CK_KEY_TYPE kt)
{
	return kts[kt_index(kt)].name;
}

/* Import a session secret key with known bytes (usable for everything its
 * type allows, readable so that outputs can be cross-checked); if the
 * token refuses imports, generate one and read its value. */
static void secret_make(struct sa_mm *m, struct sa_mm_secret *s, CK_KEY_TYPE kt,
                        size_t len)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_BBOOL t = CK_TRUE, f = CK_FALSE;
	CK_ULONG vlen = (CK_ULONG)len;
	CK_MECHANISM gen = {secret_gen_mech(kt), NULL, 0};
	/* Generic secrets (HMAC keys) get no cipher usages: some tokens
	 * refuse ENCRYPT on CKK_GENERIC_SECRET. */
	CK_ATTRIBUTE tmpl[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},   {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_TOKEN, &f, sizeof(f)},       {CKA_SENSITIVE, &f, sizeof(f)},
	    {CKA_EXTRACTABLE, &t, sizeof(t)}, {CKA_SIGN, &t, sizeof(t)},
	    {CKA_VERIFY, &t, sizeof(t)},      {CKA_DERIVE, &t, sizeof(t)},
	    {CKA_VALUE, s->val, vlen},        {CKA_ENCRYPT, &t, sizeof(t)},
	    {CKA_DECRYPT, &t, sizeof(t)},     {CKA_WRAP, &t, sizeof(t)},
	    {CKA_UNWRAP, &t, sizeof(t)},
	};
	size_t n = kt == CKK_GENERIC_SECRET ? 9 : SA_COUNTOF(tmpl);
	struct sa_mm_row *g;
	sa_buf v = SA_BUF_INIT;
	CK_RV rv, grv;

	memset(s, 0, sizeof(*s));
	s->kt = kt;
	s->len = len;
	s->h = CK_INVALID_HANDLE;
	if (len == 0 || len > SA_MM_KEY_MAX) {
		snprintf(s->why, sizeof(s->why), "no %s key of %zu bytes",
		         sa_mm_kt_name(kt), len);
		goto out;
	}
	sa_mm_rand(s->val, len);
	if (kt == CKK_DES || kt == CKK_DES2 || kt == CKK_DES3)
		des_parity(s->val, len);
	rv = m->fl->C_CreateObject(m->own, tmpl, (CK_ULONG)n, &s->h);
	if (rv == CKR_OK && s->h != CK_INVALID_HANDLE) {
		s->ok = s->known = true;
		goto out;
	}
	s->h = CK_INVALID_HANDLE;
	g = sa_mm_row_get(m, gen.mechanism);
	if (!sa_mm_adv(g, SA_MM_GENERATE)) {
		snprintf(s->why, sizeof(s->why),
		         "no %s key: C_CreateObject %s and no %s to make one",
		         sa_mm_kt_name(kt), sa_p11_rv_name(rv),
		         sa_p11_mech_name(gen.mechanism));
		goto out;
	}
	/* The generation template: no CKA_VALUE, a length for the types
	 * whose length varies. */
	tmpl[8].type = CKA_VALUE_LEN;
	tmpl[8].pValue = &vlen;
	tmpl[8].ulValueLen = sizeof(vlen);
	if (kt != CKK_AES && kt != CKK_GENERIC_SECRET) {
		tmpl[8] = tmpl[n - 1];
		n--;
	}
	grv = m->fl->C_GenerateKey(m->own, &gen, tmpl, (CK_ULONG)n, &s->h);
	if (grv != CKR_OK || s->h == CK_INVALID_HANDLE) {
		s->h = CK_INVALID_HANDLE;
		snprintf(s->why, sizeof(s->why),
		         "no %s key: C_CreateObject %s, C_GenerateKey %s",
		         sa_mm_kt_name(kt), sa_p11_rv_name(rv),
		         sa_p11_rv_name(grv));
		goto out;
	}
	s->ok = true;
	sa_case_note(m->ctx,
	             "%s key import refused (%s): generated one instead",
	             sa_mm_kt_name(kt), sa_p11_rv_name(rv));
	s->known = sa_mm_get_attr(m, m->own, s->h, CKA_VALUE, &v) == CKR_OK &&
	           v.len == len;
	if (s->known)
		memcpy(s->val, v.data, len);
out:
	sa_buf_free(&v);
}

struct sa_mm_secret *sa_mm_secret_get(struct sa_mm *m, CK_KEY_TYPE kt,
                                      size_t len, const char **why)
{
	struct sa_mm_secret *s = NULL;
	size_t i;

	for (i = 0; i < m->n_secrets && s == NULL; i++)
		if (m->secrets[i].kt == kt && m->secrets[i].len == len)
			s = &m->secrets[i];
	if (s == NULL) {
		if (m->n_secrets == SA_MM_MAX_SECRETS) {
			*why = "too many keys for one case";
			goto out;
		}
		s = &m->secrets[m->n_secrets++];
		secret_make(m, s, kt, len);
	}
	if (!s->ok) {
		*why = s->why;
		s = NULL;
	}
out:
	return s;
}

/* The key that WRAP/UNWRAP move: a 16-byte AES key, extractable. */
struct sa_mm_secret *sa_mm_target_get(struct sa_mm *m, const char **why)
{
	struct sa_mm_secret *s = &m->target;

	if (!m->target_tried) {
		m->target_tried = true;
		secret_make(m, s, CKK_AES, 16);
	}
	if (!s->ok) {
		*why = s->why;
		s = NULL;
	}
	return s;
}

/* AES key length in bytes inside the mechanism's range (Curr. Mech. v2.40
 * §2.10: AES sizes are in bytes (unconfirmed)); some tokens give bits, so
 * a range that admits no byte length is read again as bits. 0: none. */
size_t sa_mm_aes_len(const struct sa_mm_row *r)
{
	static const size_t cand[] = {16, 32, 24};
	CK_ULONG lo, hi;
	size_t i, len = 0;

	sa_mm_range(r, &lo, &hi);
	for (i = 0; i < SA_COUNTOF(cand) && len == 0; i++)
		if (lo <= cand[i] && cand[i] <= hi)
			len = cand[i];
	for (i = 0; i < SA_COUNTOF(cand) && len == 0 && lo >= 64; i++)
		if (lo <= cand[i] * 8 && cand[i] * 8 <= hi)
			len = cand[i];
	return len;
}

size_t sa_mm_secret_len(const struct sa_mm_row *r, CK_KEY_TYPE kt)
{
	return kt == CKK_AES ? sa_mm_aes_len(r) : kts[kt_index(kt)].len;
}

/* The OpenSSL name of a cipher of key type kt and len bytes in `mode`. */
void sa_mm_cipher_name(char *out, size_t size, CK_KEY_TYPE kt, size_t len,
                       const char *mode)
{
	if (kt == CKK_AES)
		snprintf(out, size, "AES-%zu-%s", len * 8, mode);
	else if (kt == CKK_DES3)
		snprintf(out, size, "DES-EDE3-%s", mode);
	else
		snprintf(out, size, "DES-%s", mode);
}

/* Whether key h holds the bytes of want: the key check value (AES-ECB of a
 * zero block) when the token encrypts with CKM_AES_ECB, else CKA_VALUE
 * (the unwrapped key was asked non-sensitive). how says which. */
bool sa_mm_same_key(struct sa_mm *m, CK_OBJECT_HANDLE h,
                    const struct sa_mm_secret *want, const char **how)
{
	static const unsigned char zero[16] = {0};
	CK_MECHANISM ecb = {CKM_AES_ECB, NULL, 0};
	sa_buf a = SA_BUF_INIT, b = SA_BUF_INIT;
	char name[32];
	bool eq = false;

	*how = "CKA_VALUE";
	if (want->kt == CKK_AES &&
	    sa_mm_adv(sa_mm_row_get(m, CKM_AES_ECB), SA_MM_ENCRYPT) &&
	    sa_mm_rv_ok(sa_mm_crypt(m, m->fl->C_EncryptInit, "C_EncryptInit",
	                            m->fl->C_Encrypt, "C_Encrypt", &ecb, h,
	                            zero, sizeof(zero), &a)) &&
	    a.len == 16) {
		sa_mm_cipher_name(name, sizeof(name), CKK_AES, want->len,
		                  "ECB");
		if (sa_mm_ossl_encrypt(m->oc.lctx, name, false, want->val,
		                       want->len, NULL, 0, NULL, 0, 0, zero,
		                       sizeof(zero), &b,
		                       sa_case_err(m->ctx)) == 0) {
			*how = "key check value";
			eq = a.len >= 3 && sa_mm_same(&b, a.data, 16);
			goto out;
		}
	}
	eq = sa_mm_get_attr(m, m->ops, h, CKA_VALUE, &a) == CKR_OK &&
	     sa_mm_same(&a, want->val, want->len);
out:
	sa_buf_free(&a);
	sa_buf_free(&b);
	return eq;
}

/* ---- key pairs ---- */

/* Domain parameters: DSA from CKM_DSA_PARAMETER_GEN when the token offers
 * it at that size, else OpenSSL. */

static struct sa_mm_dom *dsa_dom(struct sa_mm *m, CK_ULONG bits,
                                 const char **why)
{
	struct sa_mm_dom *d = &m->dsa;
	struct sa_mm_row *pg = sa_mm_row_get(m, CKM_DSA_PARAMETER_GEN);
	sa_error *err = sa_case_err(m->ctx);

	if (d->ok && d->bits == bits)
		goto out;
	sa_buf_free(&d->p);
	sa_buf_free(&d->q);
	sa_buf_free(&d->g);
	memset(d, 0, sizeof(*d));
	if (sa_mm_adv(pg, SA_MM_GENERATE) && sa_mm_in_range(pg, bits) &&
	    sa_mm_dom_make(m, SA_MMK_DSA, bits, d, pg))
		goto out;
	if (sa_mm_ossl_dsa_params((unsigned)bits, &d->p, &d->q, &d->g, err) ==
	    0) {
		d->ok = true;
		d->bits = bits;
		d->source = "OpenSSL";
		goto out;
	}
	snprintf(m->why, sizeof(m->why), "no %lu-bit DSA parameters: %s",
	         (unsigned long)bits, err->msg);
	*why = m->why;
	d = NULL;
out:
	return d;
}

/* Make domain parameters with the token's parameter generation mechanism
 * (sets its GENERATE cell). Also the body of the GENERATE exercise. */
bool sa_mm_dom_make(struct sa_mm *m, sa_mm_fam fam, CK_ULONG bits,
                    struct sa_mm_dom *d, struct sa_mm_row *pg)
{
	CK_OBJECT_CLASS cls = CKO_DOMAIN_PARAMETERS;
	CK_KEY_TYPE kt = fam == SA_MMK_DSA ? CKK_DSA : CKK_DH;
	CK_BBOOL f = CK_FALSE;
	CK_MECHANISM mech = {pg->type, NULL, 0};
	CK_ATTRIBUTE tmpl[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_TOKEN, &f, sizeof(f)},
	    {CKA_PRIME_BITS, &bits, sizeof(bits)},
	};
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	CK_RV rv;
	bool ok = false;

	rv = m->fl->C_GenerateKey(m->own, &mech, tmpl, SA_COUNTOF(tmpl), &h);
	if (rv != CKR_OK || h == CK_INVALID_HANDLE) {
		sa_mm_cell_set(pg, SA_MM_GENERATE, SA_MM_FAILS,
		               "C_GenerateKey %s", sa_p11_rv_name(rv));
		goto out;
	}
	if (sa_mm_get_attr(m, m->own, h, CKA_PRIME, &d->p) != CKR_OK ||
	    sa_mm_get_attr(m, m->own, h, CKA_BASE, &d->g) != CKR_OK ||
	    (fam == SA_MMK_DSA &&
	     sa_mm_get_attr(m, m->own, h, CKA_SUBPRIME, &d->q) != CKR_OK)) {
		sa_mm_cell_set(
		    pg, SA_MM_GENERATE, SA_MM_FAILS,
		    "domain parameters made but CKA_PRIME/BASE unreadable");
		goto out;
	}
	/* B2.40 §4.x: CKA_PRIME_BITS is the length of the prime made. */
	if (d->p.len * 8 != bits || d->p.data[0] < 0x80 || d->g.len == 0) {
		sa_mm_cell_set(pg, SA_MM_GENERATE, SA_MM_FAILS,
		               "asked %lu bits, got a %zu-byte prime",
		               (unsigned long)bits, d->p.len);
		goto out;
	}
	sa_mm_cell_set(pg, SA_MM_GENERATE, SA_MM_WORKS,
	               "%lu-bit domain parameters", (unsigned long)bits);
	d->ok = ok = true;
	d->bits = bits;
	d->source = "token";
out:
	sa_mm_destroy(m, m->own, &h);
	return ok;
}

/* Sizes tried in order for each family, inside the operation's and the
 * generation mechanism's ranges: RSA 2048 (else the nearest bound, so at
 * most 2048 unless the minimum is larger), DSA 1024 first (the fastest
 * standard size to make), DH the OpenSSL named groups. */
static bool pick_size(struct sa_mm *m, sa_mm_fam fam,
                      const struct sa_mm_row *op, const struct sa_mm_row *gen,
                      CK_ULONG *bits, const sa_p11_ossl_curve **curve)
{
	static const char *const ec[] = {"P-256", "P-384", "P-521", "P-224",
	                                 "P-192"};
	static const char *const ed[] = {"Ed25519", "Ed448"};
	static const CK_ULONG dsa[] = {1024, 2048, 3072};
	static const CK_ULONG dh[] = {2048, 1024, 3072};
	CK_ULONG lo, hi, glo, ghi, v;
	const char *const *names = ec;
	size_t i, n = SA_COUNTOF(ec);
	const CK_ULONG *sizes = dsa;
	const sa_p11_ossl_curve *c;
	bool ok = false;

	sa_mm_range(op, &lo, &hi);
	sa_mm_range(gen, &glo, &ghi);
	lo = lo > glo ? lo : glo;
	hi = hi < ghi ? hi : ghi;
	*curve = NULL;
	switch (fam) {
	case SA_MMK_RSA:
		v = 2048 < lo ? lo : (2048 > hi ? hi : 2048);
		ok = lo <= v && v <= hi && v >= 256;
		*bits = v;
		break;
	case SA_MMK_ED:
		names = ed;
		n = SA_COUNTOF(ed);
		/* fall through */
	case SA_MMK_EC:
		for (i = 0; i < n && !ok; i++) {
			c = sa_p11_ossl_curve_by_name(names[i]);
			if (c != NULL && lo <= c->bits && c->bits <= hi) {
				*curve = c;
				*bits = c->bits;
				ok = true;
			}
		}
		break;
	case SA_MMK_DH:
		sizes = dh;
		/* fall through */
	case SA_MMK_DSA:
		for (i = 0; i < 3 && !ok; i++) {
			if (lo <= sizes[i] && sizes[i] <= hi) {
				*bits = sizes[i];
				ok = true;
			}
		}
		if (!ok && fam == SA_MMK_DH && m->dh_gen.ok &&
		    lo <= m->dh_gen.bits && m->dh_gen.bits <= hi) {
			*bits = m->dh_gen.bits;
			ok = true;
		}
		break;
	}
	return ok;
}

/* The public key of a fresh pair into OpenSSL (or y for DSA/DH). */
static bool pair_read(struct sa_mm *m, struct sa_mm_pair *p,
                      const struct sa_mm_dom *d, char *why, size_t why_size)
{
	sa_error *err = sa_case_err(m->ctx);
	CK_RV rv;
	bool ok = false;

	if (p->fam == SA_MMK_DSA || p->fam == SA_MMK_DH) {
		rv = sa_mm_get_attr(m, m->own, p->pub, CKA_VALUE, &p->y);
		if (rv != CKR_OK || p->y.len == 0) {
			snprintf(why, why_size, "public CKA_VALUE: %s",
			         sa_p11_rv_name(rv));
			goto out;
		}
		if (p->fam == SA_MMK_DSA) {
			p->q_len = d->q.len;
			if (sa_mm_ossl_dsa_pub(&d->p, &d->q, &d->g, &p->y,
			                       &p->pkey, err) < 0)
				sa_case_note(m->ctx,
				             "DSA public key not usable "
				             "by OpenSSL: %s",
				             err->msg);
		}
		ok = true;
		goto out;
	}
	sa_error_clear(err);
	if (sa_p11_ossl_pubkey_from_token(m->ctx, m->own, p->pub, &p->pkey) <
	    0) {
		snprintf(why, why_size, "public key unusable: %s", err->msg);
		goto out;
	}
	if (p->fam == SA_MMK_RSA)
		p->mod_len = (size_t)EVP_PKEY_get_size(p->pkey);
	ok = true;
out:
	return ok;
}

/* Usages of the key pair (B2.40 §4.8-4.9): those that some listed
 * mechanism of the family advertises (fam_usage, below), so that a token
 * is never asked for a usage it does not claim (tpm2-pkcs11 refuses
 * CKA_SIGN_RECOVER, which it does not offer). */

static CK_RV pair_call(struct sa_mm *m, struct sa_mm_pair *p,
                       struct sa_mm_row *gen, const struct sa_mm_dom *d,
                       CK_BBOOL token)
{
	static const char label[] = "sigaudit-tmp";
	static const struct {
		CK_FLAGS use;
		CK_ATTRIBUTE_TYPE attr;
		bool pub;
	} uses[] = {
	    {CKF_VERIFY, CKA_VERIFY, true},
	    {CKF_ENCRYPT, CKA_ENCRYPT, true},
	    {CKF_WRAP, CKA_WRAP, true},
	    {CKF_VERIFY_RECOVER, CKA_VERIFY_RECOVER, true},
	    {CKF_SIGN, CKA_SIGN, false},
	    {CKF_DECRYPT, CKA_DECRYPT, false},
	    {CKF_UNWRAP, CKA_UNWRAP, false},
	    {CKF_SIGN_RECOVER, CKA_SIGN_RECOVER, false},
	    {CKF_DERIVE, CKA_DERIVE, false},
	};
	CK_MECHANISM mech = {gen->type, NULL, 0};
	CK_BBOOL t = CK_TRUE;
	CK_BYTE exp[] = {0x01, 0x00, 0x01};
	CK_ATTRIBUTE pub[16], priv[16];
	CK_ULONG np = 0, nv = 0, bits = p->bits;
	CK_FLAGS use = sa_mm_fam_usage(m, p->fam);
	size_t i;

	pub[np++] = (CK_ATTRIBUTE){CKA_TOKEN, &token, sizeof(token)};
	priv[nv++] = (CK_ATTRIBUTE){CKA_TOKEN, &token, sizeof(token)};
	priv[nv++] = (CK_ATTRIBUTE){CKA_PRIVATE, &t, sizeof(t)};
	priv[nv++] = (CK_ATTRIBUTE){CKA_SENSITIVE, &t, sizeof(t)};
	if (token) {
		/* The label keygen_util's sweep removes if we crash. */
		pub[np++] =
		    (CK_ATTRIBUTE){CKA_LABEL, (void *)label, sizeof(label) - 1};
		priv[nv++] =
		    (CK_ATTRIBUTE){CKA_LABEL, (void *)label, sizeof(label) - 1};
	}
	switch (p->fam) {
	case SA_MMK_RSA:
		pub[np++] =
		    (CK_ATTRIBUTE){CKA_MODULUS_BITS, &bits, sizeof(bits)};
		pub[np++] =
		    (CK_ATTRIBUTE){CKA_PUBLIC_EXPONENT, exp, sizeof(exp)};
		break;
	case SA_MMK_EC:
	case SA_MMK_ED:
		pub[np++] = (CK_ATTRIBUTE){CKA_EC_PARAMS, (void *)p->curve->oid,
		                           (CK_ULONG)p->curve->oid_len};
		break;
	case SA_MMK_DSA:
		pub[np++] =
		    (CK_ATTRIBUTE){CKA_PRIME, d->p.data, (CK_ULONG)d->p.len};
		pub[np++] =
		    (CK_ATTRIBUTE){CKA_SUBPRIME, d->q.data, (CK_ULONG)d->q.len};
		pub[np++] =
		    (CK_ATTRIBUTE){CKA_BASE, d->g.data, (CK_ULONG)d->g.len};
		break;
	case SA_MMK_DH:
		pub[np++] =
		    (CK_ATTRIBUTE){CKA_PRIME, d->p.data, (CK_ULONG)d->p.len};
		pub[np++] =
		    (CK_ATTRIBUTE){CKA_BASE, d->g.data, (CK_ULONG)d->g.len};
		break;
	}
	for (i = 0; i < SA_COUNTOF(uses); i++) {
		if (!(use & uses[i].use))
			continue;
		if (uses[i].pub)
			pub[np++] = (CK_ATTRIBUTE){uses[i].attr, &t, sizeof(t)};
		else
			priv[nv++] =
			    (CK_ATTRIBUTE){uses[i].attr, &t, sizeof(t)};
	}
	p->pub = p->priv = CK_INVALID_HANDLE;
	return m->fl->C_GenerateKeyPair(m->own, &mech, pub, np, priv, nv,
	                                &p->pub, &p->priv);
}

static void pair_generate(struct sa_mm *m, struct sa_mm_pair *p,
                          struct sa_mm_row *gen, const struct sa_mm_dom *d)
{
	char why[SA_MM_TEXT];
	CK_RV rv, srv;

	rv = pair_call(m, p, gen, d, CK_FALSE);
	if (rv == CKR_ATTRIBUTE_VALUE_INVALID ||
	    rv == CKR_TEMPLATE_INCONSISTENT) {
		/* Session objects "wherever possible": a token that makes
		 * key pairs only as token objects still gets its mechanisms
		 * exercised (the objects are destroyed at the end). */
		srv = rv;
		rv = pair_call(m, p, gen, d, CK_TRUE);
		if (rv == CKR_OK)
			sa_case_note(
			    m->ctx,
			    "%s session key pair refused (%s): made as "
			    "token objects labelled sigaudit-tmp, "
			    "destroyed at the end",
			    fam_name[p->fam], sa_p11_rv_name(srv));
	}
	if (rv != CKR_OK || p->pub == CK_INVALID_HANDLE ||
	    p->priv == CK_INVALID_HANDLE) {
		sa_mm_cell_set(gen, SA_MM_GENERATE_KEY_PAIR, SA_MM_FAILS,
		               "C_GenerateKeyPair %s (%lu-bit %s)",
		               sa_p11_rv_name(rv), (unsigned long)p->bits,
		               fam_name[p->fam]);
		snprintf(p->why, sizeof(p->why), "no key: %s %s",
		         sa_p11_mech_name(gen->type), sa_p11_rv_name(rv));
		goto out;
	}
	if (!pair_read(m, p, d, why, sizeof(why))) {
		sa_mm_cell_set(gen, SA_MM_GENERATE_KEY_PAIR, SA_MM_FAILS, "%s",
		               why);
		snprintf(p->why, sizeof(p->why), "no usable key: %s", why);
		goto out;
	}
	sa_mm_cell_set(gen, SA_MM_GENERATE_KEY_PAIR, SA_MM_WORKS,
	               "%lu-bit %s%s%s", (unsigned long)p->bits,
	               fam_name[p->fam], p->curve != NULL ? " " : "",
	               p->curve != NULL ? p->curve->name : "");
	p->ok = true;
out:
	return;
}

/* A key pair of family fam whose size suits the operation mechanism op
 * (NULL: only the generation mechanism's range counts). */
struct sa_mm_pair *sa_mm_pair_get(struct sa_mm *m, sa_mm_fam fam,
                                  const struct sa_mm_row *op, const char **why)
{
	struct sa_mm_row *gen = sa_mm_row_get(m, fam_gen[fam]);
	struct sa_mm_pair *p = NULL;
	const sa_p11_ossl_curve *curve = NULL;
	struct sa_mm_dom *d = NULL, grp;
	CK_ULONG bits = 0;
	size_t i;
	char name[16];

	memset(&grp, 0, sizeof(grp));
	*why = m->why;
	if (!sa_mm_adv(gen, SA_MM_GENERATE_KEY_PAIR)) {
		snprintf(m->why, sizeof(m->why),
		         "no %s key: the token lists no %s with "
		         "CKF_GENERATE_KEY_PAIR",
		         fam_name[fam], sa_p11_mech_name(fam_gen[fam]));
		goto out;
	}
	if (!pick_size(m, fam, op, gen, &bits, &curve)) {
		snprintf(m->why, sizeof(m->why),
		         "no %s key size sigaudit can make inside both "
		         "advertised ranges",
		         fam_name[fam]);
		goto out;
	}
	for (i = 0; i < m->n_pairs && p == NULL; i++)
		if (m->pairs[i].fam == fam && m->pairs[i].bits == bits &&
		    m->pairs[i].curve == curve)
			p = &m->pairs[i];
	if (p != NULL)
		goto check;
	if (m->n_pairs == SA_MM_MAX_PAIRS) {
		snprintf(m->why, sizeof(m->why), "too many keys for one case");
		goto out;
	}
	p = &m->pairs[m->n_pairs++];
	p->fam = fam;
	p->bits = bits;
	p->curve = curve;
	p->pub = p->priv = CK_INVALID_HANDLE;
	if (fam == SA_MMK_DSA) {
		d = dsa_dom(m, bits, why);
		if (d == NULL) {
			snprintf(p->why, sizeof(p->why), "%s", *why);
			goto check;
		}
	} else if (fam == SA_MMK_DH) {
		/* RFC 7919 / RFC 5114 groups from OpenSSL, else what the
		 * token's own parameter generation made. */
		snprintf(name, sizeof(name), "%s",
		         bits == 2048   ? "ffdhe2048"
		         : bits == 3072 ? "ffdhe3072"
		                        : "dh_1024_160");
		d = &grp;
		if (bits != m->dh_gen.bits || !m->dh_gen.ok) {
			if (sa_mm_ossl_dh_group(name, &grp.p, &grp.g,
			                        sa_case_err(m->ctx)) < 0) {
				snprintf(p->why, sizeof(p->why),
				         "no DH group %s in OpenSSL", name);
				goto check;
			}
		} else {
			d = &m->dh_gen;
		}
		(void)sa_buf_append(&p->p, d->p.data, d->p.len);
		(void)sa_buf_append(&p->g, d->g.data, d->g.len);
	}
	pair_generate(m, p, gen, d);
check:
	if (!p->ok) {
		*why = p->why;
		p = NULL;
	}
out:
	sa_buf_free(&grp.p);
	sa_buf_free(&grp.g);
	return p;
}
