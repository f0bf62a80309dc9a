/* Key-protection suite: shared helpers (kp_util.h). */
#include <limits.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "sigaudit/guard.h"
#include "sigaudit/profile.h"

#include "kp_util.h"

static const CK_BBOOL kp_true = CK_TRUE;
static const CK_BBOOL kp_false = CK_FALSE;

/* ---- known keys ---- */

const sa_kp_part *sa_kp_known_part(const sa_kp_known *k, CK_ATTRIBUTE_TYPE type)
{
	const sa_kp_part *p = NULL;
	size_t i;

	if (k == NULL)
		goto out;
	for (i = 0; i < k->n_parts; i++) {
		if (k->parts[i].type == type) {
			p = &k->parts[i];
			break;
		}
	}
out:
	return p;
}

bool sa_kp_contains(const void *hay, size_t n, const void *needle, size_t m)
{
	const unsigned char *h = hay;
	size_t i;

	if (hay == NULL || needle == NULL || m == 0 || m > n)
		return false;
	for (i = 0; i + m <= n; i++) {
		if (h[i] == *(const unsigned char *)needle &&
		    memcmp(h + i, needle, m) == 0)
			return true;
	}
	return false;
}

#define KP_LEAK_PIECE 16

bool sa_kp_known_leaks(const sa_kp_known *k, const void *data, size_t len,
                       CK_ATTRIBUTE_TYPE *which)
{
	bool found = false;
	size_t i, off;

	if (k == NULL || data == NULL)
		goto out;
	for (i = 0; i < k->n_parts && !found; i++) {
		const sa_kp_part *p = &k->parts[i];

		if (!p->secret)
			continue;
		if (p->len <= KP_LEAK_PIECE) {
			found = sa_kp_contains(data, len, p->value, p->len);
		} else {
			for (off = 0; off + KP_LEAK_PIECE <= p->len && !found;
			     off += KP_LEAK_PIECE)
				found = sa_kp_contains(
				    data, len, p->value + off, KP_LEAK_PIECE);
		}
		if (found && which != NULL)
			*which = p->type;
	}
out:
	return found;
}

void sa_kp_fingerprint(const void *data, size_t len, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	size_t i, used;

	used = (size_t)snprintf(out, SA_KP_FP_SIZE, "sha256:");
	if (EVP_Digest(data, len, md, &md_len, EVP_sha256(), NULL) != 1 ||
	    md_len < 6) {
		snprintf(out, SA_KP_FP_SIZE, "sha256:?");
		return;
	}
	for (i = 0; i < 6 && used + 2 < SA_KP_FP_SIZE; i++)
		used += (size_t)snprintf(out + used, SA_KP_FP_SIZE - used,
		                         "%02x", md[i]);
}

int sa_kp_aes_kcv(const CK_BYTE *key, size_t len, char out[7])
{
	int rc = SA_E_OSSL;
	EVP_CIPHER_CTX *c = NULL;
	const EVP_CIPHER *ciph;
	unsigned char zero[16] = {0}, enc[32];
	int outl = 0;

	snprintf(out, 7, "??????");
	if (len == 16)
		ciph = EVP_aes_128_ecb();
	else if (len == 24)
		ciph = EVP_aes_192_ecb();
	else if (len == 32)
		ciph = EVP_aes_256_ecb();
	else {
		rc = SA_E_INVALID;
		goto out;
	}
	c = EVP_CIPHER_CTX_new();
	if (c == NULL)
		goto out;
	if (EVP_EncryptInit_ex(c, ciph, NULL, key, NULL) != 1 ||
	    EVP_CIPHER_CTX_set_padding(c, 0) != 1 ||
	    EVP_EncryptUpdate(c, enc, &outl, zero, sizeof(zero)) != 1 ||
	    outl != 16)
		goto out;
	snprintf(out, 7, "%02x%02x%02x", enc[0], enc[1], enc[2]);
	rc = SA_OK;
out:
	EVP_CIPHER_CTX_free(c);
	OPENSSL_cleanse(enc, sizeof(enc));
	return rc;
}

/* ---- templates ---- */

void sa_kp_tmpl_add(sa_kp_tmpl *t, CK_ATTRIBUTE_TYPE type, const void *value,
                    size_t len)
{
	if (t->n >= SA_KP_TMPL_MAX || len > (size_t)ULONG_MAX) {
		t->overflow = true;
		return;
	}
	t->attrs[t->n].type = type;
	t->attrs[t->n].pValue = (void *)value;
	t->attrs[t->n].ulValueLen = (CK_ULONG)len;
	t->n++;
}

void sa_kp_tmpl_ulong(sa_kp_tmpl *t, CK_ATTRIBUTE_TYPE type, CK_ULONG v)
{
	if (t->n_ulongs >= SA_COUNTOF(t->ulongs)) {
		t->overflow = true;
		return;
	}
	t->ulongs[t->n_ulongs] = v;
	sa_kp_tmpl_add(t, type, &t->ulongs[t->n_ulongs], sizeof(CK_ULONG));
	t->n_ulongs++;
}

void sa_kp_tmpl_bool(sa_kp_tmpl *t, CK_ATTRIBUTE_TYPE type, bool v)
{
	sa_kp_tmpl_add(t, type, v ? &kp_true : &kp_false, sizeof(CK_BBOOL));
}

void sa_kp_tmpl_init(sa_kp_tmpl *t)
{
	memset(t, 0, sizeof(*t));
	/* Session objects only (DESIGN §6): whatever a case asks, nothing it
	 * creates outlives its session. */
	sa_kp_tmpl_bool(t, CKA_TOKEN, false);
}

static void tmpl_flag(sa_kp_tmpl *t, CK_ATTRIBUTE_TYPE type, int v)
{
	if (v == SA_KP_TRUE)
		sa_kp_tmpl_bool(t, type, true);
	else if (v == SA_KP_FALSE)
		sa_kp_tmpl_bool(t, type, false);
}

void sa_kp_tmpl_opts(sa_kp_tmpl *t, const sa_kp_opts *o)
{
	static const char def_label[] = "sigaudit-kp";
	const char *label = def_label;
	size_t i;

	if (o != NULL && o->label != NULL)
		label = o->label;
	sa_kp_tmpl_add(t, CKA_LABEL, label, strlen(label));
	if (o == NULL)
		return;
	if (o->token_obj && t->n > 0 && t->attrs[0].type == CKA_TOKEN)
		t->attrs[0].pValue = (void *)&kp_true;
	tmpl_flag(t, CKA_PRIVATE, o->private_obj);
	tmpl_flag(t, CKA_SENSITIVE, o->sensitive);
	tmpl_flag(t, CKA_EXTRACTABLE, o->extractable);
	tmpl_flag(t, CKA_MODIFIABLE, o->modifiable);
	tmpl_flag(t, CKA_COPYABLE, o->copyable);
	tmpl_flag(t, CKA_SIGN, o->sign);
	tmpl_flag(t, CKA_VERIFY, o->verify);
	tmpl_flag(t, CKA_ENCRYPT, o->encrypt);
	tmpl_flag(t, CKA_DECRYPT, o->decrypt);
	tmpl_flag(t, CKA_WRAP, o->wrap);
	tmpl_flag(t, CKA_UNWRAP, o->unwrap);
	tmpl_flag(t, CKA_DERIVE, o->derive);
	tmpl_flag(t, CKA_WRAP_WITH_TRUSTED, o->wrap_with_trusted);
	tmpl_flag(t, CKA_TRUSTED, o->trusted);
	tmpl_flag(t, CKA_ALWAYS_AUTHENTICATE, o->always_authenticate);
	if (o->n_allowed_mechs > 0)
		sa_kp_tmpl_add(t, CKA_ALLOWED_MECHANISMS, o->allowed_mechs,
		               o->n_allowed_mechs * sizeof(CK_MECHANISM_TYPE));
	if (o->n_wrap_template > 0)
		sa_kp_tmpl_add(t, CKA_WRAP_TEMPLATE, o->wrap_template,
		               o->n_wrap_template * sizeof(CK_ATTRIBUTE));
	if (o->n_unwrap_template > 0)
		sa_kp_tmpl_add(t, CKA_UNWRAP_TEMPLATE, o->unwrap_template,
		               o->n_unwrap_template * sizeof(CK_ATTRIBUTE));
	for (i = 0; i < o->n_extra; i++)
		sa_kp_tmpl_add(t, o->extra[i].type, o->extra[i].pValue,
		               o->extra[i].ulValueLen);
}

/* ---- sessions and objects ---- */

int sa_kp_setup(sa_case_ctx *ctx, CK_RV rv, const char *what)
{
	int rc = SA_OK;

	if (rv != CKR_OK) {
		rc = SA_E_CKR;
		sa_case_error(ctx, "set-up: %s returned %s", what,
		              sa_p11_rv_name(rv));
	}
	return rc;
}

int sa_kp_open(sa_case_ctx *ctx, bool login, CK_SESSION_HANDLE *out)
{
	int rc;
	CK_RV rv;

	*out = CK_INVALID_HANDLE;
	rv = sa_p11_open(ctx, CKF_RW_SESSION, out);
	if (rv != CKR_OK)
		*out = CK_INVALID_HANDLE;
	SA_TRY(sa_kp_setup(ctx, rv, "C_OpenSession(RW)"));
	if (login) {
		rv = sa_p11_login(ctx, *out, CKU_USER);
		/* Another case's session of this process may hold the login;
		 * the runner forks per case, so this is not expected, but it
		 * is the state the suite wants. */
		if (rv == CKR_USER_ALREADY_LOGGED_IN)
			rv = CKR_OK;
		SA_TRY(sa_kp_setup(
		    ctx, rv, "C_Login(CKU_USER) with the configured PIN"));
	}
	rc = SA_OK;
out:
	return rc;
}

bool sa_kp_has_mech(sa_case_ctx *ctx, CK_MECHANISM_TYPE m, const char *skip_why)
{
	bool has = sa_case_has_mech(ctx, m);

	if (!has && skip_why != NULL)
		sa_case_skip(ctx, "token does not list %s: %s",
		             sa_p11_mech_name(m), skip_why);
	return has;
}

/* ---- creating keys ---- */

static CK_RV create(sa_case_ctx *ctx, CK_SESSION_HANDLE s, sa_kp_tmpl *t,
                    CK_OBJECT_HANDLE *out)
{
	*out = CK_INVALID_HANDLE;
	if (t->overflow)
		return CKR_GENERAL_ERROR;
	return sa_case_p11(ctx)->C_CreateObject(s, t->attrs, t->n, out);
}

CK_RV sa_kp_import_secret(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_KEY_TYPE kt,
                          const CK_BYTE *value, size_t len, const sa_kp_opts *o,
                          CK_OBJECT_HANDLE *out)
{
	sa_kp_tmpl t;

	sa_kp_tmpl_init(&t);
	sa_kp_tmpl_ulong(&t, CKA_CLASS, CKO_SECRET_KEY);
	sa_kp_tmpl_ulong(&t, CKA_KEY_TYPE, kt);
	sa_kp_tmpl_add(&t, CKA_VALUE, value, len);
	sa_kp_tmpl_opts(&t, o);
	return create(ctx, s, &t, out);
}

CK_RV sa_kp_import(sa_case_ctx *ctx, CK_SESSION_HANDLE s, sa_kp_known_id id,
                   const sa_kp_opts *o, CK_OBJECT_HANDLE *out)
{
	const sa_kp_known *k = sa_kp_known_get(id);
	sa_kp_tmpl t;
	size_t i;

	*out = CK_INVALID_HANDLE;
	if (k == NULL)
		return CKR_ARGUMENTS_BAD;
	sa_kp_tmpl_init(&t);
	sa_kp_tmpl_ulong(&t, CKA_CLASS,
	                 k->key_type == CKK_AES ? CKO_SECRET_KEY
	                                        : CKO_PRIVATE_KEY);
	sa_kp_tmpl_ulong(&t, CKA_KEY_TYPE, k->key_type);
	for (i = 0; i < k->n_parts; i++) {
		if (k->parts[i].type == CKA_EC_POINT)
			continue;
		sa_kp_tmpl_add(&t, k->parts[i].type, k->parts[i].value,
		               k->parts[i].len);
	}
	sa_kp_tmpl_opts(&t, o);
	return create(ctx, s, &t, out);
}

CK_RV sa_kp_import_public(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                          sa_kp_known_id id, const sa_kp_opts *o,
                          CK_OBJECT_HANDLE *out)
{
	const sa_kp_known *k = sa_kp_known_get(id);
	sa_kp_tmpl t;
	size_t i;

	*out = CK_INVALID_HANDLE;
	if (k == NULL || (k->key_type != CKK_RSA && k->key_type != CKK_EC))
		return CKR_ARGUMENTS_BAD;
	sa_kp_tmpl_init(&t);
	sa_kp_tmpl_ulong(&t, CKA_CLASS, CKO_PUBLIC_KEY);
	sa_kp_tmpl_ulong(&t, CKA_KEY_TYPE, k->key_type);
	for (i = 0; i < k->n_parts; i++) {
		if (k->parts[i].secret)
			continue;
		sa_kp_tmpl_add(&t, k->parts[i].type, k->parts[i].value,
		               k->parts[i].len);
	}
	sa_kp_tmpl_opts(&t, o);
	return create(ctx, s, &t, out);
}

CK_RV sa_kp_gen_secret(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                       CK_MECHANISM_TYPE mech, CK_ULONG len,
                       const sa_kp_opts *o, CK_OBJECT_HANDLE *out)
{
	CK_MECHANISM m = {mech, NULL, 0};
	sa_kp_tmpl t;

	*out = CK_INVALID_HANDLE;
	sa_kp_tmpl_init(&t);
	sa_kp_tmpl_ulong(&t, CKA_CLASS, CKO_SECRET_KEY);
	if (len > 0)
		sa_kp_tmpl_ulong(&t, CKA_VALUE_LEN, len);
	sa_kp_tmpl_opts(&t, o);
	if (t.overflow)
		return CKR_GENERAL_ERROR;
	return sa_case_p11(ctx)->C_GenerateKey(s, &m, t.attrs, t.n, out);
}

CK_RV sa_kp_gen_pair(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_KEY_TYPE kt,
                     CK_ULONG bits, const sa_kp_opts *pub_o,
                     const sa_kp_opts *priv_o, CK_OBJECT_HANDLE *pub,
                     CK_OBJECT_HANDLE *priv)
{
	static const CK_BYTE e[] = {0x01, 0x00, 0x01};
	CK_MECHANISM m = {CKM_RSA_PKCS_KEY_PAIR_GEN, NULL, 0};
	sa_kp_tmpl tp, tv;

	*pub = CK_INVALID_HANDLE;
	*priv = CK_INVALID_HANDLE;
	sa_kp_tmpl_init(&tp);
	sa_kp_tmpl_init(&tv);
	if (kt == CKK_RSA) {
		sa_kp_tmpl_ulong(&tp, CKA_MODULUS_BITS, bits);
		sa_kp_tmpl_add(&tp, CKA_PUBLIC_EXPONENT, e, sizeof(e));
	} else if (kt == CKK_EC) {
		m.mechanism = CKM_EC_KEY_PAIR_GEN;
		sa_kp_tmpl_add(&tp, CKA_EC_PARAMS, sa_kp_p256_params,
		               sizeof(sa_kp_p256_params));
	} else {
		return CKR_ARGUMENTS_BAD;
	}
	sa_kp_tmpl_opts(&tp, pub_o);
	sa_kp_tmpl_opts(&tv, priv_o);
	if (tp.overflow || tv.overflow)
		return CKR_GENERAL_ERROR;
	return sa_case_p11(ctx)->C_GenerateKeyPair(s, &m, tp.attrs, tp.n,
	                                           tv.attrs, tv.n, pub, priv);
}

/* ---- capability-aware key source ---- */

#define SRC_MAX 16

/* Token objects made by the fallback in this process (one case per
 * process: the runner forks per case). */
static CK_OBJECT_HANDLE src_token_objs[SRC_MAX];
static size_t src_n_token;
static bool src_generated;
static bool src_fallback; /* an import was refused in this process */
static char src_why[256];

static void src_track(CK_OBJECT_HANDLE h)
{
	if (h != CK_INVALID_HANDLE && src_n_token < SRC_MAX)
		src_token_objs[src_n_token++] = h;
}

/* The token refused the template for this reason only because of the
 * session/token choice or an unsupported attribute value (B2.40 §5.1.6):
 * worth trying the next form. */
static bool src_refused(CK_RV rv)
{
	return rv == CKR_ATTRIBUTE_VALUE_INVALID ||
	       rv == CKR_TEMPLATE_INCONSISTENT ||
	       rv == CKR_ATTRIBUTE_TYPE_INVALID ||
	       rv == CKR_FUNCTION_NOT_SUPPORTED ||
	       rv == CKR_ATTRIBUTE_READ_ONLY;
}

/* Generation with the key source's session-then-token rule; o is copied
 * (its label replaced for a token object). */
static CK_RV src_gen_any(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_KEY_TYPE kt,
                         CK_MECHANISM_TYPE mech, CK_ULONG size,
                         const sa_kp_opts *pub_o, const sa_kp_opts *o,
                         CK_OBJECT_HANDLE *pub, CK_OBJECT_HANDLE *out)
{
	sa_kp_opts go = SA_KP_OPTS_INIT, gp = SA_KP_OPTS_INIT;
	CK_OBJECT_HANDLE pb = CK_INVALID_HANDLE;
	char label[64];
	int attempt;
	CK_RV rv = CKR_GENERAL_ERROR;

	*out = CK_INVALID_HANDLE;
	if (o != NULL)
		go = *o;
	if (pub_o != NULL)
		gp = *pub_o;
	/* Session object first (DESIGN §6); a token that refuses session
	 * keys (tpm2-pkcs11: CKR_ATTRIBUTE_VALUE_INVALID on CKA_TOKEN =
	 * FALSE) gets a token object under a label no other run uses,
	 * destroyed by sa_kp_src_cleanup. */
	for (attempt = 0; attempt < 2; attempt++) {
		if (attempt == 1) {
			if (rv != CKR_ATTRIBUTE_VALUE_INVALID &&
			    rv != CKR_TEMPLATE_INCONSISTENT)
				break;
			snprintf(label, sizeof(label),
			         "sigaudit-kp-tmp-%ld-%zu", (long)getpid(),
			         src_n_token);
			go.token_obj = gp.token_obj = true;
			go.label = gp.label = label;
		}
		if (kt == CKK_AES || kt == CKK_GENERIC_SECRET)
			rv = sa_kp_gen_secret(ctx, s, mech, size, &go, out);
		else
			rv = sa_kp_gen_pair(ctx, s, kt, size, &gp, &go, &pb,
			                    out);
		if (rv == CKR_OK && go.token_obj) {
			src_track(*out);
			src_track(pb);
		}
		if (rv == CKR_OK)
			break;
	}
	if (rv != CKR_OK)
		*out = CK_INVALID_HANDLE;
	if (pub != NULL)
		*pub = rv == CKR_OK ? pb : CK_INVALID_HANDLE;
	else if (pb != CK_INVALID_HANDLE && !go.token_obj)
		sa_p11_destroy(ctx, s, &pb);
	return rv;
}

CK_RV sa_kp_src_gen_secret(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                           CK_MECHANISM_TYPE mech, CK_ULONG len,
                           const sa_kp_opts *o, CK_OBJECT_HANDLE *out)
{
	return src_gen_any(ctx, s, CKK_AES, mech, len, NULL, o, NULL, out);
}

CK_RV sa_kp_src_gen_pair(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_KEY_TYPE kt,
                         CK_ULONG bits, const sa_kp_opts *pub_o,
                         const sa_kp_opts *priv_o, CK_OBJECT_HANDLE *pub,
                         CK_OBJECT_HANDLE *priv)
{
	return src_gen_any(ctx, s, kt, 0, bits, pub_o, priv_o, pub, priv);
}

static CK_RV src_generate(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                          const sa_kp_known *k, const sa_kp_opts *o,
                          CK_OBJECT_HANDLE *out, CK_OBJECT_HANDLE *pub)
{
	/* The public half gets the counterpart of each private usage, so
	 * that controls (verify, encrypt) work with it. */
	sa_kp_opts po = SA_KP_OPTS_INIT;

	if (k->key_type == CKK_AES)
		return sa_kp_src_gen_secret(ctx, s, CKM_AES_KEY_GEN,
		                            k->bits / 8, o, out);
	po.label = o->label;
	po.verify = o->sign == SA_KP_TRUE ? SA_KP_TRUE : SA_KP_OMIT;
	po.encrypt = o->decrypt == SA_KP_TRUE ? SA_KP_TRUE : SA_KP_OMIT;
	po.wrap = o->unwrap == SA_KP_TRUE ? SA_KP_TRUE : SA_KP_OMIT;
	return sa_kp_src_gen_pair(ctx, s, k->key_type, k->bits, &po, o, pub,
	                          out);
}

CK_RV sa_kp_src_try(sa_case_ctx *ctx, CK_SESSION_HANDLE s, sa_kp_known_id id,
                    const sa_kp_opts *o, CK_OBJECT_HANDLE *out,
                    CK_OBJECT_HANDLE *pub, bool *known, const char **why)
{
	const sa_kp_known *k = sa_kp_known_get(id);
	sa_kp_opts go = SA_KP_OPTS_INIT;
	CK_OBJECT_HANDLE pb = CK_INVALID_HANDLE;
	CK_RV irv, grv;

	if (known != NULL)
		*known = false;
	if (pub != NULL)
		*pub = CK_INVALID_HANDLE;
	if (why != NULL)
		*why = NULL;
	irv = sa_kp_import(ctx, s, id, o, out);
	if (irv == CKR_OK) {
		if (known != NULL)
			*known = true;
		return CKR_OK;
	}
	if (k == NULL || !src_refused(irv))
		return irv;
	src_fallback = true;
	if (o != NULL)
		go = *o;
	grv = src_generate(ctx, s, k, &go, out, &pb);
	if (grv != CKR_OK) {
		*out = CK_INVALID_HANDLE;
		snprintf(src_why, sizeof(src_why),
		         "the token refuses to import or generate %s keys "
		         "with these attributes (C_CreateObject: %s, %s: %s)",
		         k->name, sa_p11_rv_name(irv),
		         k->key_type == CKK_AES ? "C_GenerateKey"
		                                : "C_GenerateKeyPair",
		         sa_p11_rv_name(grv));
		if (why != NULL)
			*why = src_why;
		return irv;
	}
	src_generated = true;
	if (pub != NULL)
		*pub = pb;
	else if (pb != CK_INVALID_HANDLE)
		sa_p11_destroy(ctx, s, &pb);
	return CKR_OK;
}

int sa_kp_src_key(sa_case_ctx *ctx, CK_SESSION_HANDLE s, sa_kp_known_id id,
                  const sa_kp_opts *o, const char *what, CK_OBJECT_HANDLE *out,
                  CK_OBJECT_HANDLE *pub, bool *known)
{
	const char *why = NULL;
	char label[200];
	CK_RV rv;
	int rc = SA_OK;

	rv = sa_kp_src_try(ctx, s, id, o, out, pub, known, &why);
	if (rv == CKR_OK)
		goto out;
	if (why != NULL) {
		sa_case_skip(ctx, "%s: %s", what, why);
		rc = SA_E_UNSUPPORTED;
		goto out;
	}
	snprintf(label, sizeof(label), "C_CreateObject(%s)", what);
	rc = sa_kp_setup(ctx, rv, label);
out:
	return rc;
}

bool sa_kp_src_generated(void)
{
	return src_generated;
}

#define SRC_PREFIX "sigaudit-kp-tmp-"

/* Destroy token objects left under the suite's labels ("sigaudit-kp*"; the
 * suite wants no token object to outlive its case) by this or an earlier
 * case process. Runs only on tokens where the key source had to fall back,
 * i.e. those that refuse key imports: tpm2-pkcs11 1.9 answers
 * CKR_FUNCTION_FAILED to C_DestroyObject of a key a refused C_SignInit
 * touched in the same process (a later process destroys it fine), and
 * keeps public keys imported with CKA_TOKEN = FALSE on the token. */
static void src_sweep(sa_case_ctx *ctx, CK_SESSION_HANDLE s)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_BBOOL yes = CK_TRUE;
	CK_ATTRIBUTE q = {CKA_TOKEN, &yes, sizeof(yes)};
	CK_OBJECT_HANDLE h[64];
	CK_ULONG n = 0, i;
	static const char prefix[] = "sigaudit-kp";
	char label[64];

	if (f->C_FindObjectsInit(s, &q, 1) != CKR_OK)
		return;
	if (f->C_FindObjects(s, h, SA_COUNTOF(h), &n) != CKR_OK)
		n = 0;
	(void)f->C_FindObjectsFinal(s);
	for (i = 0; i < n; i++) {
		CK_ATTRIBUTE a = {CKA_LABEL, label, sizeof(label) - 1};

		if (f->C_GetAttributeValue(s, h[i], &a, 1) != CKR_OK ||
		    a.ulValueLen >= sizeof(label))
			continue;
		label[a.ulValueLen] = '\0';
		if (strncmp(label, prefix, strlen(prefix)) == 0)
			(void)f->C_DestroyObject(s, h[i]);
	}
}

void sa_kp_src_cleanup(sa_case_ctx *ctx, CK_SESSION_HANDLE s)
{
	CK_SESSION_HANDLE own = CK_INVALID_HANDLE;
	CK_RV rv;
	size_t i;

	if (src_n_token == 0 && !src_fallback)
		return;
	if (s == CK_INVALID_HANDLE) {
		if (sa_p11_open(ctx, CKF_RW_SESSION, &own) != CKR_OK)
			own = CK_INVALID_HANDLE;
		else
			(void)sa_p11_login(ctx, own, CKU_USER);
		s = own;
	}
	if (s == CK_INVALID_HANDLE)
		goto out;
	for (i = 0; i < src_n_token; i++) {
		if (src_token_objs[i] == CK_INVALID_HANDLE)
			continue;
		rv = sa_case_p11(ctx)->C_DestroyObject(s, src_token_objs[i]);
		if (rv != CKR_OK && rv != CKR_OBJECT_HANDLE_INVALID &&
		    rv != CKR_KEY_HANDLE_INVALID)
			sa_case_note(ctx,
			             "clean-up: C_DestroyObject of a token key "
			             "labelled " SRC_PREFIX
			             "%ld-* returned %s; "
			             "the next keyprot case that uses the key "
			             "source deletes it (or delete it by hand)",
			             (long)getpid(), sa_p11_rv_name(rv));
		src_token_objs[i] = CK_INVALID_HANDLE;
	}
	src_n_token = 0;
	src_sweep(ctx, s);
out:
	if (own != CK_INVALID_HANDLE)
		sa_p11_close(ctx, &own);
}

/* ---- attribute readers ---- */

CK_RV sa_kp_get_bool(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h,
                     CK_ATTRIBUTE_TYPE type, CK_BBOOL *out)
{
	CK_BBOOL v = 0;
	CK_ATTRIBUTE a = {type, &v, sizeof(v)};
	CK_RV rv;

	rv = sa_case_p11(ctx)->C_GetAttributeValue(s, h, &a, 1);
	if (rv == CKR_OK && a.ulValueLen != sizeof(v))
		rv = CKR_ATTRIBUTE_VALUE_INVALID;
	if (rv == CKR_OK)
		*out = v;
	return rv;
}

CK_RV sa_kp_get_ulong(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h,
                      CK_ATTRIBUTE_TYPE type, CK_ULONG *out)
{
	CK_ULONG v = 0;
	CK_ATTRIBUTE a = {type, &v, sizeof(v)};
	CK_RV rv;

	rv = sa_case_p11(ctx)->C_GetAttributeValue(s, h, &a, 1);
	if (rv == CKR_OK && a.ulValueLen != sizeof(v))
		rv = CKR_ATTRIBUTE_VALUE_INVALID;
	if (rv == CKR_OK)
		*out = v;
	return rv;
}

/* Attribute values above this are not believed (a module reporting a huge
 * length would make the suite allocate it). */
#define KP_ATTR_MAX (1UL << 20)

CK_RV sa_kp_get_bytes(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h,
                      CK_ATTRIBUTE_TYPE type, sa_buf *out, CK_ULONG *reported)
{
	return sa_p11_get_attr(ctx, s, h, type, KP_ATTR_MAX, out, reported);
}

const char *sa_kp_bool_str(CK_BBOOL b)
{
	static _Thread_local char other[8];

	if (b == CK_TRUE)
		return "CK_TRUE";
	if (b == CK_FALSE)
		return "CK_FALSE";
	snprintf(other, sizeof(other), "0x%02x", (unsigned)b);
	return other;
}

bool sa_kp_check_bool(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h,
                      CK_ATTRIBUTE_TYPE type, bool want, const char *what)
{
	char label[160];
	CK_BBOOL v = 0xff;
	CK_RV rv;
	bool ok;

	snprintf(label, sizeof(label), "%s: %s", what, sa_p11_attr_name(type));
	rv = sa_kp_get_bool(ctx, s, h, type, &v);
	if (rv != CKR_OK) {
		ok = sa_case_checkf(
		    ctx, false, label, want ? "CK_TRUE" : "CK_FALSE",
		    "C_GetAttributeValue returned %s", sa_p11_rv_name(rv));
		goto out;
	}
	ok = sa_case_check(ctx, v == (want ? CK_TRUE : CK_FALSE), label,
	                   want ? "CK_TRUE" : "CK_FALSE", sa_kp_bool_str(v));
out:
	return ok;
}

/* The canary the value buffer is filled with before a read that must be
 * refused: any change means the module wrote (part of) the value. */
#define KP_CANARY 0xa5
#define KP_PROBE  4096

static bool all_canary(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != KP_CANARY)
			return false;
	return true;
}

bool sa_kp_rsa_private_part(CK_ATTRIBUTE_TYPE type)
{
	return type == CKA_PRIVATE_EXPONENT || type == CKA_PRIME_1 ||
	       type == CKA_PRIME_2 || type == CKA_EXPONENT_1 ||
	       type == CKA_EXPONENT_2 || type == CKA_COEFFICIENT;
}

bool sa_kp_check_unreadable(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                            CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE type,
                            const sa_kp_known *known, const char *what)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	unsigned char *probe = NULL;
	CK_ATTRIBUTE a = {type, NULL, 0};
	const char *an = sa_p11_attr_name(type);
	char label[200], fp[SA_KP_FP_SIZE];
	CK_ATTRIBUTE_TYPE leaked = 0;
	bool ok = true;
	/* A key generated on the token (no known value) need not hold the
	 * RSA private components at all (Curr. Mech. v2.40 §2.1.3: "Tokens
	 * vary in what they actually store for RSA private keys"; a TPM keeps
	 * them inside): CKR_ATTRIBUTE_TYPE_INVALID with nothing revealed is
	 * lenient there. An imported key was given them, so it holds them. */
	bool absent_ok = known == NULL && sa_kp_rsa_private_part(type);
	CK_RV rv;

	/* B2.40 §5.7.5: "if the specified attribute ... is sensitive or
	 * unextractable, then the ulValueLen field in that triple is
	 * modified to hold the value CK_UNAVAILABLE_INFORMATION" and the
	 * call returns CKR_ATTRIBUTE_SENSITIVE. */
	snprintf(label, sizeof(label), "%s: %s size query", what, an);
	rv = f->C_GetAttributeValue(s, h, &a, 1);
	ok &= sa_p11_check_rv(ctx, label, rv, CKR_ATTRIBUTE_SENSITIVE,
	                      absent_ok ? SA_LENIENT(CKR_ATTRIBUTE_TYPE_INVALID)
	                                : SA_STRICT_ONLY);
	snprintf(label, sizeof(label), "%s: %s ulValueLen after the size query",
	         what, an);
	ok &= sa_case_checkf(ctx, a.ulValueLen == CK_UNAVAILABLE_INFORMATION,
	                     label, "CK_UNAVAILABLE_INFORMATION", "%lu",
	                     (unsigned long)a.ulValueLen);

	probe = OPENSSL_malloc(KP_PROBE);
	if (probe == NULL) {
		sa_case_error(ctx, "out of memory");
		ok = false;
		goto out;
	}
	memset(probe, KP_CANARY, KP_PROBE);
	a.pValue = probe;
	a.ulValueLen = KP_PROBE;
	rv = f->C_GetAttributeValue(s, h, &a, 1);
	snprintf(label, sizeof(label), "%s: %s read into a %d-byte buffer",
	         what, an, KP_PROBE);
	ok &= sa_p11_check_rv(ctx, label, rv, CKR_ATTRIBUTE_SENSITIVE,
	                      absent_ok ? SA_LENIENT(CKR_ATTRIBUTE_TYPE_INVALID)
	                                : SA_STRICT_ONLY);
	snprintf(label, sizeof(label), "%s: %s ulValueLen after the read", what,
	         an);
	ok &= sa_case_checkf(ctx, a.ulValueLen == CK_UNAVAILABLE_INFORMATION,
	                     label, "CK_UNAVAILABLE_INFORMATION", "%lu",
	                     (unsigned long)a.ulValueLen);
	snprintf(label, sizeof(label), "%s: %s buffer left untouched", what,
	         an);
	if (all_canary(probe, KP_PROBE)) {
		ok &= sa_case_check(ctx, true, label, "no byte written",
		                    "no byte written");
		goto out;
	}
	ok &= sa_case_check(ctx, false, label, "no byte written",
	                    "the module wrote into the value buffer");
	if (known != NULL &&
	    sa_kp_known_leaks(known, probe, KP_PROBE, &leaked)) {
		const sa_kp_part *p = sa_kp_known_part(known, leaked);

		sa_kp_fingerprint(p->value, p->len, fp);
		sa_case_note(
		    ctx,
		    "%s: the bytes returned for %s contain the real %s "
		    "of the imported %s test key (%s): the secret "
		    "leaked",
		    what, an, sa_p11_attr_name(leaked), known->name, fp);
	} else if (known != NULL) {
		sa_case_note(
		    ctx,
		    "%s: the bytes returned for %s are not the imported "
		    "%s test key's secret values",
		    what, an, known->name);
	}
out:
	if (probe != NULL)
		OPENSSL_clear_free(probe, KP_PROBE);
	return ok;
}

/* ---- operations ---- */

static int buf_room(sa_buf *b, CK_ULONG n)
{
	if (n == CK_UNAVAILABLE_INFORMATION || n > KP_ATTR_MAX)
		return SA_E_RANGE;
	return sa_buf_reserve(b, (size_t)n);
}

/* C_Sign, C_Encrypt and C_Decrypt share one signature and the output-buffer
 * convention of B2.40 §5.2 (unconfirmed): ask for the length with a NULL
 * buffer, then fill. */
static CK_RV single_part(CK_C_Sign fn, CK_SESSION_HANDLE s, const void *in,
                         size_t len, sa_buf *out)
{
	CK_ULONG n = 0;
	CK_RV rv;

	rv = fn(s, (CK_BYTE_PTR)in, (CK_ULONG)len, NULL, &n);
	if (rv != CKR_OK)
		return rv;
	if (buf_room(out, n) < 0)
		return CKR_GENERAL_ERROR;
	rv = fn(s, (CK_BYTE_PTR)in, (CK_ULONG)len, out->data, &n);
	if (rv == CKR_OK)
		out->len = (size_t)n;
	return rv;
}

CK_RV sa_kp_sign(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE key,
                 const CK_MECHANISM *m, const void *data, size_t len,
                 sa_buf *sig)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_RV rv;

	sa_buf_reset(sig);
	rv = f->C_SignInit(s, (CK_MECHANISM_PTR)m, key);
	if (rv != CKR_OK)
		return rv;
	return single_part(f->C_Sign, s, data, len, sig);
}

CK_RV sa_kp_verify(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE key,
                   const CK_MECHANISM *m, const void *data, size_t len,
                   const void *sig, size_t sig_len)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_RV rv;

	rv = f->C_VerifyInit(s, (CK_MECHANISM_PTR)m, key);
	if (rv != CKR_OK)
		return rv;
	return f->C_Verify(s, (CK_BYTE_PTR)data, (CK_ULONG)len,
	                   (CK_BYTE_PTR)sig, (CK_ULONG)sig_len);
}

CK_RV sa_kp_encrypt(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE key,
                    const CK_MECHANISM *m, const void *in, size_t len,
                    sa_buf *out)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_RV rv;

	sa_buf_reset(out);
	rv = f->C_EncryptInit(s, (CK_MECHANISM_PTR)m, key);
	if (rv != CKR_OK)
		return rv;
	return single_part(f->C_Encrypt, s, in, len, out);
}

CK_RV sa_kp_decrypt(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE key,
                    const CK_MECHANISM *m, const void *in, size_t len,
                    sa_buf *out)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_RV rv;

	sa_buf_reset(out);
	rv = f->C_DecryptInit(s, (CK_MECHANISM_PTR)m, key);
	if (rv != CKR_OK)
		return rv;
	return single_part(f->C_Decrypt, s, in, len, out);
}

CK_RV sa_kp_wrap(sa_case_ctx *ctx, CK_SESSION_HANDLE s, const CK_MECHANISM *m,
                 CK_OBJECT_HANDLE wrapping, CK_OBJECT_HANDLE key, sa_buf *out)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_ULONG n = 0;
	CK_RV rv;

	sa_buf_reset(out);
	rv = f->C_WrapKey(s, (CK_MECHANISM_PTR)m, wrapping, key, NULL, &n);
	if (rv != CKR_OK)
		goto out;
	if (buf_room(out, n) < 0) {
		rv = CKR_GENERAL_ERROR;
		goto out;
	}
	rv = f->C_WrapKey(s, (CK_MECHANISM_PTR)m, wrapping, key, out->data, &n);
	if (rv == CKR_OK)
		out->len = (size_t)n;
out:
	return rv;
}

CK_RV sa_kp_unwrap(sa_case_ctx *ctx, CK_SESSION_HANDLE s, const CK_MECHANISM *m,
                   CK_OBJECT_HANDLE unwrapping, const void *blob, size_t len,
                   CK_OBJECT_CLASS cls, CK_KEY_TYPE kt, CK_ULONG value_len,
                   const sa_kp_opts *o, CK_OBJECT_HANDLE *out)
{
	sa_kp_tmpl t;

	*out = CK_INVALID_HANDLE;
	sa_kp_tmpl_init(&t);
	sa_kp_tmpl_ulong(&t, CKA_CLASS, cls);
	sa_kp_tmpl_ulong(&t, CKA_KEY_TYPE, kt);
	if (value_len > 0)
		sa_kp_tmpl_ulong(&t, CKA_VALUE_LEN, value_len);
	sa_kp_tmpl_opts(&t, o);
	if (t.overflow)
		return CKR_GENERAL_ERROR;
	return sa_case_p11(ctx)->C_UnwrapKey(s, (CK_MECHANISM_PTR)m, unwrapping,
	                                     (CK_BYTE_PTR)blob, (CK_ULONG)len,
	                                     t.attrs, t.n, out);
}

/* ---- AES key wrap by OpenSSL ---- */

static const EVP_CIPHER *aes_wrap_cipher(size_t kek_len)
{
	if (kek_len == 16)
		return EVP_aes_128_wrap();
	if (kek_len == 24)
		return EVP_aes_192_wrap();
	if (kek_len == 32)
		return EVP_aes_256_wrap();
	return NULL;
}

static int aes_wrap_run(bool enc, const CK_BYTE *kek, size_t kek_len,
                        const void *in, size_t len, sa_buf *out)
{
	int rc = SA_E_INVALID;
	const EVP_CIPHER *ciph = aes_wrap_cipher(kek_len);
	EVP_CIPHER_CTX *c = NULL;
	int n1 = 0, n2 = 0;

	sa_buf_reset(out);
	if (ciph == NULL || len % 8 != 0 || len < 16 || len > 4096)
		goto out;
	SA_TRY(sa_buf_reserve(out, len + 8));
	rc = SA_E_OSSL;
	c = EVP_CIPHER_CTX_new();
	if (c == NULL)
		goto out;
	/* RFC 3394 through EVP needs the wrap mode allowed explicitly. */
	EVP_CIPHER_CTX_set_flags(c, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
	if (EVP_CipherInit_ex(c, ciph, NULL, kek, NULL, enc ? 1 : 0) != 1 ||
	    EVP_CipherUpdate(c, out->data, &n1, in, (int)len) != 1 ||
	    EVP_CipherFinal_ex(c, out->data + n1, &n2) != 1)
		goto out;
	out->len = (size_t)n1 + (size_t)n2;
	rc = SA_OK;
out:
	if (rc != SA_OK)
		sa_buf_reset(out);
	EVP_CIPHER_CTX_free(c);
	return rc;
}

int sa_kp_aes_keywrap(const CK_BYTE *kek, size_t kek_len, const void *in,
                      size_t len, sa_buf *out)
{
	return aes_wrap_run(true, kek, kek_len, in, len, out);
}

int sa_kp_aes_keyunwrap(const CK_BYTE *kek, size_t kek_len, const void *in,
                        size_t len, sa_buf *out)
{
	if (len < 24)
		return SA_E_INVALID;
	return aes_wrap_run(false, kek, kek_len, in, len, out);
}

/* ---- misc ---- */

/* The replacement for c within its class; never c itself. */
static unsigned char wrong_char(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned char)('0' + (c - '0' + 1) % 10);
	if (c >= 'a' && c <= 'z')
		return (unsigned char)('a' + (c - 'a' + 1) % 26);
	if (c >= 'A' && c <= 'Z')
		return (unsigned char)('A' + (c - 'A' + 1) % 26);
	return c == '#' ? '%' : '#';
}

int sa_kp_wrong_user_pin(sa_case_ctx *ctx, sa_buf *out)
{
	int rc;
	size_t i;

	sa_buf_reset(out);
	rc = sa_profile_read_pin(sa_case_profile(ctx), SA_PIN_USER, out,
	                         sa_case_err(ctx));
	if (rc < 0) {
		/* The message names the source, never the PIN. */
		sa_case_error(ctx, "set-up: cannot read the user PIN: %s",
		              sa_case_err(ctx)->msg);
		goto out;
	}
	/* The last printable ASCII character: changing a byte of a UTF-8
	 * sequence could make the PIN invalid (CKR_PIN_INVALID) rather than
	 * wrong. */
	rc = SA_E_UNSUPPORTED;
	for (i = out->len; i > 0; i--) {
		unsigned char c = out->data[i - 1];

		if (c >= 0x21 && c <= 0x7e) {
			out->data[i - 1] = wrong_char(c);
			rc = SA_OK;
			break;
		}
	}
	if (rc != SA_OK)
		sa_case_error(ctx,
		              "set-up: the user PIN has no printable ASCII "
		              "character to change");
out:
	if (rc != SA_OK)
		sa_buf_reset(out);
	return rc;
}
