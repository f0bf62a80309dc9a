/* sa_faultmod: the named faults on signing, verification and RSA encryption
 * (README.md, "Signing faults in detail"): verify-accepts-modified,
 * verify-op-stays-active, sign-size-query-ends-op, ecdsa-sig-der,
 * ecdsa-sig-stripped, ecdsa-nonce-reuse (the signing half; gen.c makes the
 * keys) and data-len-unchecked.
 *
 * The faults that depend on the mechanism or key of an operation remember,
 * per session, what the last successful C_SignInit, C_VerifyInit or
 * C_EncryptInit started (at most MAX_SESSIONS sessions at once; a session
 * beyond that behaves normally). An entry is dropped when its operations
 * are over, or at C_CloseSession / C_CloseAllSessions. A session is one
 * thread's at a time (B2.40 §6.7.7 leaves concurrent use of one session to
 * the application), so only finding and claiming an entry is locked.
 *
 * With none of these faults on, every hook is one test and a forward. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include "faultmod.h"

#define MAX_SESSIONS 256
/* Mechanism parameters kept for re-arming a verification (a PSS parameter
 * block is 24 bytes; nothing real comes near). */
#define MAX_PARAM 4096
/* ecdsa-nonce-reuse keys, and the data a multi-part signature by one of them
 * may gather. */
#define MAX_NONCE_KEYS 256
#define MAX_NONCE_DATA ((size_t)16 << 20)
/* Largest curve order handled (P-521: 66 bytes). */
#define MAX_ORDER 72

#define SIGN_FAULTS                                                            \
	(SA_FM_BIT(SIGN_SIZE_QUERY_ENDS_OP) | SA_FM_BIT(ECDSA_SIG_DER) |       \
	 SA_FM_BIT(ECDSA_SIG_STRIPPED) | SA_FM_BIT(ECDSA_NONCE_REUSE) |        \
	 SA_FM_BIT(DATA_LEN_UNCHECKED))
/* The sign faults that need the mechanism and key of the operation. */
#define SIGN_TRACKED                                                           \
	(SA_FM_BIT(ECDSA_SIG_DER) | SA_FM_BIT(ECDSA_SIG_STRIPPED) |            \
	 SA_FM_BIT(ECDSA_NONCE_REUSE) | SA_FM_BIT(DATA_LEN_UNCHECKED))
#define VERIFY_FAULTS                                                          \
	(SA_FM_BIT(VERIFY_ACCEPTS_MODIFIED) | SA_FM_BIT(VERIFY_OP_STAYS_ACTIVE))
#define TRACKED                                                                \
	(SIGN_TRACKED | SA_FM_BIT(VERIFY_OP_STAYS_ACTIVE) |                    \
	 SA_FM_BIT(DATA_LEN_UNCHECKED))

/* One operation of one session. */
struct op {
	bool active;
	CK_MECHANISM_TYPE mech;
	CK_OBJECT_HANDLE key;
	/* verify-op-stays-active re-arms with the very same mechanism. */
	bool has_param;
	unsigned char *param;
	CK_ULONG param_len;
	/* data-len-unchecked: the target ended the operation on bad data;
	 * the module still owes fake_len random bytes (B2.40 §5.2 after a
	 * length query or CKR_BUFFER_TOO_SMALL). */
	CK_ULONG fake_len;
	/* ecdsa-nonce-reuse: signed by the module; multi-part data so far. */
	bool nonce;
	unsigned char *data;
	size_t data_len;
	bool data_overflow;
};

struct sess {
	bool used;
	CK_SESSION_HANDLE s;
	struct op sign, verify, enc;
};

/* ecdsa-nonce-reuse: each key's one nonce, drawn when it is made. */
struct nonce_key {
	CK_OBJECT_HANDLE h;
	unsigned char k[MAX_ORDER + 8];
};

static struct {
	struct sess sess[MAX_SESSIONS];
	struct nonce_key keys[MAX_NONCE_KEYS];
	size_t n_keys;
} st;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void random_bytes(unsigned char *buf, size_t len)
{
	/* Test equipment: the bytes need only differ from a real output. */
	if (getentropy(buf, len) != 0) {
		for (size_t i = 0; i < len; i++)
			buf[i] = (unsigned char)rand();
	}
}

static void op_clear(struct op *o)
{
	free(o->param);
	if (o->data != NULL)
		OPENSSL_clear_free(o->data, o->data_len);
	memset(o, 0, sizeof(*o));
}

/* The session's entry; a new one if `create`. NULL when there is none (or
 * no room: the session then sees no fault). */
static struct sess *sess_get(CK_SESSION_HANDLE s, bool create)
{
	struct sess *found = NULL, *free_slot = NULL;

	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < MAX_SESSIONS && found == NULL; i++) {
		if (st.sess[i].used && st.sess[i].s == s)
			found = &st.sess[i];
		else if (!st.sess[i].used && free_slot == NULL)
			free_slot = &st.sess[i];
	}
	if (found == NULL && create && free_slot != NULL) {
		found = free_slot;
		memset(found, 0, sizeof(*found));
		found->used = true;
		found->s = s;
	}
	pthread_mutex_unlock(&lock);
	return found;
}

/* Release the entry once nothing in it is pending. */
static void sess_idle(struct sess *x)
{
	if (x->sign.active || x->verify.active || x->enc.active)
		return;
	op_clear(&x->sign);
	op_clear(&x->verify);
	op_clear(&x->enc);
	pthread_mutex_lock(&lock);
	x->used = false;
	pthread_mutex_unlock(&lock);
}

static void sess_drop(struct sess *x)
{
	op_clear(&x->sign);
	op_clear(&x->verify);
	op_clear(&x->enc);
	pthread_mutex_lock(&lock);
	x->used = false;
	pthread_mutex_unlock(&lock);
}

/* After a call of an operation: B2.40 §5.2 and §5.1.6, the operation goes
 * on after a length query and after CKR_BUFFER_TOO_SMALL, and ends after
 * anything else. */
static bool op_ends(CK_RV rv, const void *out)
{
	return rv != CKR_BUFFER_TOO_SMALL && (rv != CKR_OK || out != NULL);
}

static bool is_ecdsa(CK_MECHANISM_TYPE m)
{
	return m == CKM_ECDSA || m == CKM_ECDSA_SHA1 || m == CKM_ECDSA_SHA224 ||
	       m == CKM_ECDSA_SHA256 || m == CKM_ECDSA_SHA384 ||
	       m == CKM_ECDSA_SHA512;
}

static bool is_raw_rsa(CK_MECHANISM_TYPE m)
{
	return m == CKM_RSA_PKCS || m == CKM_RSA_X_509;
}

static bool nonce_key_find(CK_OBJECT_HANDLE h, struct nonce_key *out)
{
	bool found = false;

	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < st.n_keys && !found; i++) {
		if (st.keys[i].h == h) {
			*out = st.keys[i];
			found = true;
		}
	}
	pthread_mutex_unlock(&lock);
	return found;
}

void sa_fm_sig_nonce_key(CK_OBJECT_HANDLE priv)
{
	pthread_mutex_lock(&lock);
	if (st.n_keys < MAX_NONCE_KEYS) {
		st.keys[st.n_keys].h = priv;
		random_bytes(st.keys[st.n_keys].k,
		             sizeof(st.keys[st.n_keys].k));
		st.n_keys++;
	} else {
		fprintf(stderr,
		        "sa_faultmod: ecdsa-nonce-reuse: more than %d "
		        "keys, object %lu signs normally\n",
		        MAX_NONCE_KEYS, (unsigned long)priv);
	}
	pthread_mutex_unlock(&lock);
}

void sa_fm_sig_forget(CK_OBJECT_HANDLE obj)
{
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < st.n_keys; i++) {
		if (st.keys[i].h == obj) {
			OPENSSL_cleanse(&st.keys[i], sizeof(st.keys[i]));
			st.keys[i] = st.keys[--st.n_keys];
			break;
		}
	}
	pthread_mutex_unlock(&lock);
}

void sa_fm_sig_reset(void)
{
	for (size_t i = 0; i < MAX_SESSIONS; i++) {
		if (st.sess[i].used)
			sess_drop(&st.sess[i]);
	}
	pthread_mutex_lock(&lock);
	OPENSSL_cleanse(st.keys, sizeof(st.keys));
	st.n_keys = 0;
	pthread_mutex_unlock(&lock);
}

void sa_fm_sig_init(enum sa_fm_op op, CK_SESSION_HANDLE s,
                    const CK_MECHANISM *mech, CK_OBJECT_HANDLE key)
{
	struct nonce_key nk;
	struct sess *x;
	struct op *o;

	if (!sa_fm_any(TRACKED) || mech == NULL)
		goto out;
	if (op == SA_FM_OP_VERIFY &&
	    !sa_fm_on(SA_FM_NAMED_VERIFY_OP_STAYS_ACTIVE))
		goto out;
	if (op == SA_FM_OP_SIGN && !sa_fm_any(SIGN_TRACKED))
		goto out;
	if (op == SA_FM_OP_ENCRYPT && !sa_fm_on(SA_FM_NAMED_DATA_LEN_UNCHECKED))
		goto out;
	x = sess_get(s, true);
	if (x == NULL)
		goto out;
	o = op == SA_FM_OP_SIGN     ? &x->sign
	    : op == SA_FM_OP_VERIFY ? &x->verify
	                            : &x->enc;
	op_clear(o);
	o->active = true;
	o->mech = mech->mechanism;
	o->key = key;
	if (mech->pParameter != NULL && mech->ulParameterLen <= MAX_PARAM) {
		o->param =
		    malloc(mech->ulParameterLen > 0 ? mech->ulParameterLen : 1);
		if (o->param != NULL) {
			memcpy(o->param, mech->pParameter,
			       mech->ulParameterLen);
			o->param_len = mech->ulParameterLen;
			o->has_param = true;
		}
	}
	o->nonce = op == SA_FM_OP_SIGN &&
	           sa_fm_on(SA_FM_NAMED_ECDSA_NONCE_REUSE) &&
	           is_ecdsa(o->mech) && nonce_key_find(key, &nk);
	OPENSSL_cleanse(&nk, sizeof(nk));
out:
	return;
}

CK_RV sa_fm_hook_C_CloseSession(CK_SESSION_HANDLE s)
{
	CK_RV rv = sa_fm_real->C_CloseSession(s);
	struct sess *x;

	if (rv == CKR_OK && sa_fm_any(TRACKED)) {
		x = sess_get(s, false);
		if (x != NULL)
			sess_drop(x);
	}
	return rv;
}

/* The entries do not record their slot: all go (only the operations of
 * other slots' sessions lose their faults). */
CK_RV sa_fm_hook_C_CloseAllSessions(CK_SLOT_ID slot)
{
	CK_RV rv = sa_fm_real->C_CloseAllSessions(slot);

	if (rv == CKR_OK && sa_fm_any(TRACKED)) {
		for (size_t i = 0; i < MAX_SESSIONS; i++) {
			if (st.sess[i].used)
				sess_drop(&st.sess[i]);
		}
	}
	return rv;
}

/* ---- output-buffer convention (B2.40 §5.2) ---- */

/* Deliver `len` bytes from `val` (NULL: random bytes) into out/out_len. */
static CK_RV deliver(const unsigned char *val, CK_ULONG len, CK_BYTE_PTR out,
                     CK_ULONG_PTR out_len)
{
	CK_RV rv = CKR_OK;

	if (out_len == NULL) {
		rv = CKR_ARGUMENTS_BAD;
	} else if (out == NULL) {
		*out_len = len;
	} else if (*out_len < len) {
		*out_len = len;
		rv = CKR_BUFFER_TOO_SMALL;
	} else {
		if (val != NULL)
			memcpy(out, val, len);
		else
			random_bytes(out, len);
		*out_len = len;
	}
	return rv;
}

/* ---- ecdsa-nonce-reuse: ECDSA in the module ---- */

/* A CK_ATTRIBUTE read whole from the target, bypassing every fault above:
 * the key is extractable underneath (gen.c). */
static CK_RV read_attr(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE obj,
                       CK_ATTRIBUTE_TYPE type, unsigned char **out,
                       CK_ULONG *out_len)
{
	CK_ATTRIBUTE a = {type, NULL, 0};
	unsigned char *buf = NULL;
	CK_RV rv = sa_fm_real->C_GetAttributeValue(s, obj, &a, 1);

	if (rv != CKR_OK)
		goto out;
	rv = CKR_HOST_MEMORY;
	if (a.ulValueLen == 0 || a.ulValueLen > 65536)
		goto out;
	buf = malloc(a.ulValueLen);
	if (buf == NULL)
		goto out;
	a.pValue = buf;
	rv = sa_fm_real->C_GetAttributeValue(s, obj, &a, 1);
	if (rv != CKR_OK)
		goto out;
	*out = buf;
	*out_len = a.ulValueLen;
	buf = NULL;
out:
	if (buf != NULL)
		OPENSSL_clear_free(buf, a.ulValueLen);
	return rv;
}

static const EVP_MD *ecdsa_md(CK_MECHANISM_TYPE m)
{
	const EVP_MD *md = NULL;

	switch (m) {
	case CKM_ECDSA_SHA1:
		md = EVP_sha1();
		break;
	case CKM_ECDSA_SHA224:
		md = EVP_sha224();
		break;
	case CKM_ECDSA_SHA256:
		md = EVP_sha256();
		break;
	case CKM_ECDSA_SHA384:
		md = EVP_sha384();
		break;
	case CKM_ECDSA_SHA512:
		md = EVP_sha512();
		break;
	default:
		break;
	}
	return md;
}

/* The order length in bytes of the key's curve, 0 if unknown. */
static size_t order_len(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE key)
{
	unsigned char *params = NULL;
	CK_ULONG plen = 0;
	const unsigned char *p;
	EC_GROUP *g = NULL;
	size_t len = 0;

	if (read_attr(s, key, CKA_EC_PARAMS, &params, &plen) != CKR_OK)
		goto out;
	p = params;
	g = d2i_ECPKParameters(NULL, &p, (long)plen);
	if (g == NULL)
		goto out;
	len = ((size_t)EC_GROUP_order_bits(g) + 7) / 8;
out:
	EC_GROUP_free(g);
	free(params);
	return len;
}

/* r || s of an ECDSA signature of `in` under the key's CKA_VALUE d, with the
 * key's fixed nonce k (FIPS 186-5 §6.4.1, with k not fresh):
 *   r = x(k·G) mod n,  s = k^-1 (z + r·d) mod n,
 * z the leftmost log2(n) bits of the input (Curr v2.40 §2.3.1: CKM_ECDSA
 * signs the input as the hash, truncated like that), or of its hash for
 * CKM_ECDSA_SHA*. sig has room for 2·MAX_ORDER bytes. */
static CK_RV ecdsa_fixed_k(CK_SESSION_HANDLE s, const struct op *o,
                           const unsigned char *in, size_t in_len,
                           unsigned char *sig, size_t *sig_len)
{
	unsigned char *params = NULL, *value = NULL;
	CK_ULONG plen = 0, vlen = 0;
	unsigned char hash[EVP_MAX_MD_SIZE];
	unsigned int hlen = 0;
	const EVP_MD *md = ecdsa_md(o->mech);
	const unsigned char *p;
	struct nonce_key nk;
	EC_GROUP *g = NULL;
	EC_POINT *R = NULL;
	BN_CTX *ctx = NULL;
	BIGNUM *d, *k, *x, *r, *z, *t, *sv;
	const BIGNUM *n;
	size_t L, zlen;
	int nbits;
	CK_RV rv = CKR_FUNCTION_FAILED;

	memset(&nk, 0, sizeof(nk));
	if (!nonce_key_find(o->key, &nk))
		goto out;
	if (read_attr(s, o->key, CKA_EC_PARAMS, &params, &plen) != CKR_OK ||
	    read_attr(s, o->key, CKA_VALUE, &value, &vlen) != CKR_OK)
		goto out;
	p = params;
	g = d2i_ECPKParameters(NULL, &p, (long)plen);
	ctx = BN_CTX_secure_new();
	if (g == NULL || ctx == NULL)
		goto out;
	n = EC_GROUP_get0_order(g);
	nbits = BN_num_bits(n);
	L = ((size_t)nbits + 7) / 8;
	if (L > MAX_ORDER)
		goto out;
	if (md != NULL) {
		if (EVP_Digest(in, in_len, hash, &hlen, md, NULL) != 1)
			goto out;
		in = hash;
		in_len = hlen;
	}
	BN_CTX_start(ctx);
	d = BN_CTX_get(ctx);
	k = BN_CTX_get(ctx);
	x = BN_CTX_get(ctx);
	r = BN_CTX_get(ctx);
	z = BN_CTX_get(ctx);
	t = BN_CTX_get(ctx);
	sv = BN_CTX_get(ctx);
	R = EC_POINT_new(g);
	if (sv == NULL || R == NULL)
		goto end;
	zlen = in_len < L ? in_len : L;
	if (BN_bin2bn(value, (int)vlen, d) == NULL ||
	    BN_bin2bn(nk.k, (int)sizeof(nk.k), t) == NULL ||
	    BN_nnmod(k, t, n, ctx) != 1 || BN_bin2bn(in, (int)zlen, z) == NULL)
		goto end;
	if (BN_is_zero(k) && BN_one(k) != 1)
		goto end;
	if (8 * zlen > (size_t)nbits &&
	    BN_rshift(z, z, (int)(8 * zlen - (size_t)nbits)) != 1)
		goto end;
	if (EC_POINT_mul(g, R, k, NULL, NULL, ctx) != 1 ||
	    EC_POINT_get_affine_coordinates(g, R, x, NULL, ctx) != 1 ||
	    BN_nnmod(r, x, n, ctx) != 1 || BN_mod_mul(t, r, d, n, ctx) != 1 ||
	    BN_mod_add(t, t, z, n, ctx) != 1 ||
	    BN_mod_inverse(sv, k, n, ctx) == NULL ||
	    BN_mod_mul(sv, sv, t, n, ctx) != 1)
		goto end;
	if (BN_bn2binpad(r, sig, (int)L) != (int)L ||
	    BN_bn2binpad(sv, sig + L, (int)L) != (int)L)
		goto end;
	*sig_len = 2 * L;
	rv = CKR_OK;
end:
	BN_CTX_end(ctx);
out:
	OPENSSL_cleanse(&nk, sizeof(nk));
	EC_POINT_free(R);
	BN_CTX_free(ctx);
	EC_GROUP_free(g);
	free(params);
	if (value != NULL)
		OPENSSL_clear_free(value, vlen);
	return rv;
}

/* ---- the layers of C_Sign / C_SignFinal ---- */

/* The target's C_Sign (final false) or C_SignFinal (final true). */
static CK_RV target_sign(bool final, CK_SESSION_HANDLE s, CK_BYTE_PTR in,
                         CK_ULONG in_len, CK_BYTE_PTR out, CK_ULONG_PTR out_len)
{
	return final ? sa_fm_real->C_SignFinal(s, out, out_len)
	             : sa_fm_real->C_Sign(s, in, in_len, out, out_len);
}

/* End the target's operation as a successful call would, output
 * discarded. */
static CK_RV target_finish(bool final, CK_SESSION_HANDLE s, CK_BYTE_PTR in,
                           CK_ULONG in_len)
{
	CK_ULONG len = 0;
	unsigned char *scratch = NULL;
	CK_RV rv = target_sign(final, s, in, in_len, NULL, &len);

	if (rv != CKR_OK)
		goto out;
	scratch = malloc(len > 0 ? len : 1);
	if (scratch == NULL) {
		rv = CKR_HOST_MEMORY;
		goto out;
	}
	rv = target_sign(final, s, in, in_len, scratch, &len);
out:
	free(scratch);
	return rv;
}

/* ecdsa-nonce-reuse: the module signs; the target's operation is ended by a
 * real signature that is thrown away, so that its state (and its errors,
 * e.g. CKR_OPERATION_NOT_INITIALIZED) stay the target's. */
static CK_RV nonce_sign(bool final, CK_SESSION_HANDLE s, struct op *o,
                        CK_BYTE_PTR in, CK_ULONG in_len, CK_BYTE_PTR out,
                        CK_ULONG_PTR out_len)
{
	unsigned char sig[2 * MAX_ORDER];
	size_t sig_len = 0, L = order_len(s, o->key);
	const unsigned char *data = final ? o->data : in;
	size_t data_len = final ? o->data_len : in_len;
	CK_RV rv;

	if (L == 0 || L > MAX_ORDER || (final && o->data_overflow)) {
		fprintf(stderr,
		        "sa_faultmod: ecdsa-nonce-reuse: cannot sign "
		        "with object %lu in the module; the target "
		        "signs\n",
		        (unsigned long)o->key);
		rv = target_sign(final, s, in, in_len, out, out_len);
		goto out;
	}
	if (out_len == NULL || out == NULL || *out_len < 2 * L) {
		rv = deliver(NULL, 2 * L, out, out_len);
		goto out;
	}
	if (data == NULL && data_len > 0) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	rv =
	    ecdsa_fixed_k(s, o, data != NULL ? data : (const unsigned char *)"",
	                  data_len, sig, &sig_len);
	if (rv != CKR_OK) {
		fprintf(stderr,
		        "sa_faultmod: ecdsa-nonce-reuse: signing with "
		        "object %lu failed in the module; the target "
		        "signs\n",
		        (unsigned long)o->key);
		rv = target_sign(final, s, in, in_len, out, out_len);
		goto out;
	}
	rv = target_finish(final, s, in, in_len);
	if (rv == CKR_OK)
		rv = deliver(sig, (CK_ULONG)sig_len, out, out_len);
out:
	OPENSSL_cleanse(sig, sizeof(sig));
	return rv;
}

/* The modulus of an RSA key (big-endian, *len bytes), NULL if unknown. */
static unsigned char *modulus(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE key,
                              CK_ULONG *len)
{
	unsigned char *n = NULL;

	if (read_attr(s, key, CKA_MODULUS, &n, len) != CKR_OK)
		n = NULL;
	return n;
}

/* What the raw RSA mechanisms must refuse (Curr v2.40 §2.1.6, §2.1.8, the
 * mechanism tables; B2.40 §5.1.6): CKM_RSA_PKCS more than k - 11 bytes,
 * CKM_RSA_X_509 more than k bytes (CKR_DATA_LEN_RANGE) or k bytes not below
 * the modulus (CKR_DATA_INVALID). The module decides this itself: SoftHSM2
 * 2.6.1 answers CKR_GENERAL_ERROR to the first, and exits the process on
 * the second. */
static bool data_refused(CK_MECHANISM_TYPE m, const unsigned char *in,
                         CK_ULONG in_len, const unsigned char *n, CK_ULONG k)
{
	bool refused;

	if (m == CKM_RSA_PKCS)
		refused = k < 11 || in_len > k - 11;
	else
		refused = in_len > k ||
		          (in_len == k && in != NULL && memcmp(in, n, k) >= 0);
	return refused;
}

/* End the target's operation with a harmless one-byte input (a 0 block is
 * valid for both raw mechanisms), output discarded. */
static void target_end(CK_C_Sign call, CK_SESSION_HANDLE s, CK_ULONG k)
{
	unsigned char zero = 0;
	unsigned char *scratch = malloc(k > 0 ? k : 1);
	CK_ULONG len = k;

	if (scratch != NULL)
		(void)call(s, &zero, 1, scratch, &len);
	free(scratch);
}

/* data-len-unchecked: data the raw RSA mechanisms must refuse gets k random
 * bytes and CKR_OK instead; so does anything the target itself refuses
 * with CKR_DATA_LEN_RANGE or CKR_DATA_INVALID. `call` is the target's
 * C_Sign or C_Encrypt (the same signature). Once faked, the operation is
 * the module's until the bytes are delivered (B2.40 §5.2: the length query
 * and CKR_BUFFER_TOO_SMALL keep it going). */
static CK_RV data_len(CK_C_Sign call, CK_SESSION_HANDLE s, struct op *o,
                      CK_BYTE_PTR in, CK_ULONG in_len, CK_BYTE_PTR out,
                      CK_ULONG_PTR out_len)
{
	CK_ULONG k = 0;
	unsigned char *n = NULL;
	CK_RV rv;

	if (o->fake_len > 0) {
		rv = deliver(NULL, o->fake_len, out, out_len);
		goto out;
	}
	n = modulus(s, o->key, &k);
	if (n != NULL && data_refused(o->mech, in, in_len, n, k)) {
		target_end(call, s, k);
		o->fake_len = k;
		rv = deliver(NULL, k, out, out_len);
		goto out;
	}
	rv = call(s, in, in_len, out, out_len);
	if ((rv != CKR_DATA_LEN_RANGE && rv != CKR_DATA_INVALID) || n == NULL)
		goto out;
	o->fake_len = k;
	rv = deliver(NULL, k, out, out_len);
out:
	free(n);
	return rv;
}

/* sign-size-query-ends-op: the length query answers, and ends the target's
 * operation behind it (B2.40 §5.2: it must stay active). */
static CK_RV size_query(bool final, CK_SESSION_HANDLE s, CK_BYTE_PTR in,
                        CK_ULONG in_len, CK_ULONG_PTR out_len)
{
	CK_RV rv = target_sign(final, s, in, in_len, NULL, out_len);

	if (rv == CKR_OK && out_len != NULL)
		(void)target_finish(final, s, in, in_len);
	return rv;
}

/* One signing call without the ECDSA encoding faults. `query` marks the
 * module's own length queries, which must not end anything. */
static CK_RV sign_core(bool final, CK_SESSION_HANDLE s, struct op *o,
                       bool query, CK_BYTE_PTR in, CK_ULONG in_len,
                       CK_BYTE_PTR out, CK_ULONG_PTR out_len)
{
	CK_RV rv;

	if (o != NULL && o->nonce)
		rv = nonce_sign(final, s, o, in, in_len, out, out_len);
	else if (o != NULL && !final && is_raw_rsa(o->mech) &&
	         sa_fm_on(SA_FM_NAMED_DATA_LEN_UNCHECKED))
		rv = data_len(sa_fm_real->C_Sign, s, o, in, in_len, out,
		              out_len);
	else if (!query && out == NULL &&
	         sa_fm_on(SA_FM_NAMED_SIGN_SIZE_QUERY_ENDS_OP))
		rv = size_query(final, s, in, in_len, out_len);
	else
		rv = target_sign(final, s, in, in_len, out, out_len);
	return rv;
}

/* The longest DER Ecdsa-Sig-Value for r || s of raw_len bytes: two INTEGERs
 * of up to L + 1 bytes (a leading 0 when the top bit is set). */
static CK_ULONG der_max(CK_ULONG raw_len)
{
	CK_ULONG body = 2 * (2 + raw_len / 2 + 1);

	return body + (body < 128 ? 2 : 3);
}

/* A big-endian unsigned integer without its leading zero bytes (one byte
 * stays for zero). */
static void strip(const unsigned char **v, size_t *len)
{
	while (*len > 1 && (*v)[0] == 0) {
		(*v)++;
		(*len)--;
	}
}

/* ecdsa-sig-der: Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }
 * (X9.62, RFC 3279 §2.2.3), what a module must NOT return for CKM_ECDSA
 * (Curr v2.40 §2.3.1: r || s, each of the order's length).
 * ecdsa-sig-stripped: r || s with the leading zero bytes of each dropped.
 * out has room for der_max(raw_len) bytes. */
static CK_ULONG reencode(const unsigned char *raw, CK_ULONG raw_len,
                         unsigned char *out)
{
	const unsigned char *part[2] = {raw, raw + raw_len / 2};
	size_t plen[2] = {raw_len / 2, raw_len / 2};
	size_t off = 0, body = 0;
	bool der = sa_fm_on(SA_FM_NAMED_ECDSA_SIG_DER);

	for (int i = 0; i < 2; i++) {
		strip(&part[i], &plen[i]);
		body += 2 + plen[i] + (part[i][0] & 0x80 ? 1 : 0);
	}
	if (der) {
		out[off++] = 0x30;
		if (body >= 128)
			out[off++] = 0x81;
		out[off++] = (unsigned char)body;
	}
	for (int i = 0; i < 2; i++) {
		if (der) {
			bool pad = (part[i][0] & 0x80) != 0;

			out[off++] = 0x02;
			out[off++] = (unsigned char)(plen[i] + (pad ? 1 : 0));
			if (pad)
				out[off++] = 0x00;
		}
		memcpy(out + off, part[i], plen[i]);
		off += plen[i];
	}
	return (CK_ULONG)off;
}

/* ecdsa-sig-der, ecdsa-sig-stripped: the length query answers the longest
 * output (DER: variable length, B2.40 §5.2 allows "somewhat larger"; stripped:
 * the real length), and a buffer shorter than that gets
 * CKR_BUFFER_TOO_SMALL before the target is asked to sign. */
static CK_RV ecdsa_encoded(bool final, CK_SESSION_HANDLE s, struct op *o,
                           CK_BYTE_PTR in, CK_ULONG in_len, CK_BYTE_PTR out,
                           CK_ULONG_PTR out_len)
{
	unsigned char raw[2 * MAX_ORDER];
	unsigned char enc[2 * MAX_ORDER + 16];
	CK_ULONG raw_len = 0, max, len;
	CK_RV rv;

	rv = sign_core(final, s, o, true, in, in_len, NULL, &raw_len);
	if (rv != CKR_OK)
		goto out;
	if (raw_len > sizeof(raw) || raw_len % 2 != 0) {
		rv = sign_core(final, s, o, false, in, in_len, out, out_len);
		goto out;
	}
	max = sa_fm_on(SA_FM_NAMED_ECDSA_SIG_DER) ? der_max(raw_len) : raw_len;
	if (out_len == NULL || out == NULL || *out_len < max) {
		rv = deliver(NULL, max, out, out_len);
		goto out;
	}
	len = raw_len;
	rv = sign_core(final, s, o, false, in, in_len, raw, &len);
	if (rv != CKR_OK)
		goto out;
	len = reencode(raw, len, enc);
	rv = deliver(enc, len, out, out_len);
out:
	return rv;
}

static CK_RV sign_call(bool final, CK_SESSION_HANDLE s, CK_BYTE_PTR in,
                       CK_ULONG in_len, CK_BYTE_PTR out, CK_ULONG_PTR out_len)
{
	struct sess *x = NULL;
	struct op *o = NULL;
	CK_RV rv;

	if (sa_fm_any(SIGN_TRACKED)) {
		x = sess_get(s, false);
		if (x != NULL && x->sign.active)
			o = &x->sign;
	}
	if (o != NULL && is_ecdsa(o->mech) &&
	    sa_fm_any(SA_FM_BIT(ECDSA_SIG_DER) | SA_FM_BIT(ECDSA_SIG_STRIPPED)))
		rv = ecdsa_encoded(final, s, o, in, in_len, out, out_len);
	else
		rv = sign_core(final, s, o, false, in, in_len, out, out_len);
	if (o != NULL && op_ends(rv, out)) {
		op_clear(o);
		sess_idle(x);
	}
	return rv;
}

CK_RV sa_fm_sig_C_Sign(CK_SESSION_HANDLE s, CK_BYTE_PTR in, CK_ULONG in_len,
                       CK_BYTE_PTR out, CK_ULONG_PTR out_len)
{
	CK_RV rv;

	if (!sa_fm_any(SIGN_FAULTS))
		rv = sa_fm_real->C_Sign(s, in, in_len, out, out_len);
	else
		rv = sign_call(false, s, in, in_len, out, out_len);
	return rv;
}

CK_RV sa_fm_sig_C_SignFinal(CK_SESSION_HANDLE s, CK_BYTE_PTR out,
                            CK_ULONG_PTR out_len)
{
	CK_RV rv;

	if (!sa_fm_any(SIGN_FAULTS))
		rv = sa_fm_real->C_SignFinal(s, out, out_len);
	else
		rv = sign_call(true, s, NULL, 0, out, out_len);
	return rv;
}

/* ecdsa-nonce-reuse gathers the data of a multi-part signature, to sign it
 * at C_SignFinal; the target's operation runs alongside. */
CK_RV sa_fm_hook_C_SignUpdate(CK_SESSION_HANDLE s, CK_BYTE_PTR in,
                              CK_ULONG in_len)
{
	CK_RV rv = sa_fm_real->C_SignUpdate(s, in, in_len);
	struct sess *x;
	struct op *o;
	unsigned char *grown;

	if (!sa_fm_on(SA_FM_NAMED_ECDSA_NONCE_REUSE) &&
	    !sa_fm_on(SA_FM_NAMED_DATA_LEN_UNCHECKED))
		goto out;
	x = sess_get(s, false);
	if (x == NULL || !x->sign.active)
		goto out;
	o = &x->sign;
	if (rv != CKR_OK) {
		op_clear(o);
		sess_idle(x);
		goto out;
	}
	if (!o->nonce || in_len == 0 || in == NULL)
		goto out;
	if (o->data_overflow || in_len > MAX_NONCE_DATA - o->data_len) {
		o->data_overflow = true;
		goto out;
	}
	grown = realloc(o->data, o->data_len + in_len);
	if (grown == NULL) {
		o->data_overflow = true;
		goto out;
	}
	memcpy(grown + o->data_len, in, in_len);
	o->data = grown;
	o->data_len += in_len;
out:
	return rv;
}

CK_RV sa_fm_hook_C_Encrypt(CK_SESSION_HANDLE s, CK_BYTE_PTR in, CK_ULONG in_len,
                           CK_BYTE_PTR out, CK_ULONG_PTR out_len)
{
	struct sess *x = NULL;
	struct op *o = NULL;
	CK_RV rv;

	if (sa_fm_on(SA_FM_NAMED_DATA_LEN_UNCHECKED)) {
		x = sess_get(s, false);
		if (x != NULL && x->enc.active && is_raw_rsa(x->enc.mech))
			o = &x->enc;
	}
	if (o == NULL) {
		rv = sa_fm_real->C_Encrypt(s, in, in_len, out, out_len);
		goto out;
	}
	rv = data_len(sa_fm_real->C_Encrypt, s, o, in, in_len, out, out_len);
	if (op_ends(rv, out)) {
		op_clear(o);
		sess_idle(x);
	}
out:
	return rv;
}

/* ---- verification ---- */

CK_RV sa_fm_hook_C_VerifyInit(CK_SESSION_HANDLE s, CK_MECHANISM_PTR mech,
                              CK_OBJECT_HANDLE key)
{
	CK_RV rv = sa_fm_real->C_VerifyInit(s, mech, key);

	if (rv == CKR_OK && sa_fm_on(SA_FM_NAMED_VERIFY_OP_STAYS_ACTIVE))
		sa_fm_sig_init(SA_FM_OP_VERIFY, s, mech, key);
	return rv;
}

/* The errors after which no operation was there to end. */
static bool no_op(CK_RV rv)
{
	return rv == CKR_OPERATION_NOT_INITIALIZED ||
	       rv == CKR_SESSION_HANDLE_INVALID || rv == CKR_SESSION_CLOSED ||
	       rv == CKR_CRYPTOKI_NOT_INITIALIZED;
}

/* After the target's C_Verify or C_VerifyFinal returned rv: a failure ends
 * the operation (B2.40 §5.1.6, §5.12.2, §5.12.4); verify-op-stays-active
 * starts it again with the same mechanism and key, and
 * verify-accepts-modified calls a bad signature good. */
static CK_RV verify_after(CK_SESSION_HANDLE s, CK_RV rv)
{
	struct sess *x;
	struct op *o;
	CK_MECHANISM m;

	if (!sa_fm_on(SA_FM_NAMED_VERIFY_OP_STAYS_ACTIVE))
		goto accept;
	x = sess_get(s, false);
	if (x == NULL || !x->verify.active)
		goto accept;
	o = &x->verify;
	if (rv != CKR_OK && !no_op(rv)) {
		m.mechanism = o->mech;
		m.pParameter = o->has_param ? o->param : NULL;
		m.ulParameterLen = o->has_param ? o->param_len : 0;
		if (sa_fm_real->C_VerifyInit(s, &m, o->key) == CKR_OK)
			goto accept;
	}
	op_clear(o);
	sess_idle(x);
accept:
	if (sa_fm_on(SA_FM_NAMED_VERIFY_ACCEPTS_MODIFIED) &&
	    (rv == CKR_SIGNATURE_INVALID || rv == CKR_SIGNATURE_LEN_RANGE))
		rv = CKR_OK;
	return rv;
}

CK_RV sa_fm_hook_C_Verify(CK_SESSION_HANDLE s, CK_BYTE_PTR in, CK_ULONG in_len,
                          CK_BYTE_PTR sig, CK_ULONG sig_len)
{
	CK_RV rv = sa_fm_real->C_Verify(s, in, in_len, sig, sig_len);

	if (sa_fm_any(VERIFY_FAULTS))
		rv = verify_after(s, rv);
	return rv;
}

CK_RV sa_fm_hook_C_VerifyFinal(CK_SESSION_HANDLE s, CK_BYTE_PTR sig,
                               CK_ULONG sig_len)
{
	CK_RV rv = sa_fm_real->C_VerifyFinal(s, sig, sig_len);

	if (sa_fm_any(VERIFY_FAULTS))
		rv = verify_after(s, rv);
	return rv;
}
