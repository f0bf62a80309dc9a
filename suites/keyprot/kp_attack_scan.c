/* Key-protection findings that scan: KP-13 (usage separation of the
 * token's keys) and KP-14 (key bytes in any output). Descriptions and
 * references: kp_attack.c. */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "sigaudit/guard.h"

#include "kp_util_attack.h"

/* ====================================================================
 * KP-13: usage separation
 * ==================================================================== */

enum {
	U_SIGN = 1u << 0,
	U_DECRYPT = 1u << 1,
	U_WRAP = 1u << 2,
	U_UNWRAP = 1u << 3,
	U_ENCRYPT = 1u << 4,
};

/* The conflict classes (Caml Crush's filter: a decryption oracle forges
 * raw signatures; wrap+decrypt is KP-06; encrypt+unwrap is KP-07). */
static const struct {
	unsigned mask;
	const char *name;
} kp13_conflicts[] = {
    {U_SIGN | U_DECRYPT, "SIGN+DECRYPT"},
    {U_WRAP | U_DECRYPT, "WRAP+DECRYPT"},
    {U_UNWRAP | U_ENCRYPT, "UNWRAP+ENCRYPT"},
};

/* The usages a key type has PKCS#11 v2.40 mechanisms for: CKA_DECRYPT on
 * an EC key is set by tokens such as SoftHSM2 but no v2.40 mechanism uses
 * it, so it is no conflict. Unknown types count everything. */
static unsigned kp13_usable(CK_KEY_TYPE kt)
{
	switch (kt) {
	case CKK_EC:
	case CKK_EC_EDWARDS:
	case CKK_DSA:
	case CKK_GOSTR3410:
	case CKK_GENERIC_SECRET:
	case CKK_MD5_HMAC:
	case CKK_SHA_1_HMAC:
	case CKK_SHA224_HMAC:
	case CKK_SHA256_HMAC:
	case CKK_SHA384_HMAC:
	case CKK_SHA512_HMAC:
		return U_SIGN;
	case CKK_DH:
	case CKK_X9_42_DH:
		return 0;
	default:
		return U_SIGN | U_DECRYPT | U_WRAP | U_UNWRAP | U_ENCRYPT;
	}
}

static const char *kp13_kt_name(CK_KEY_TYPE kt)
{
	switch (kt) {
	case CKK_RSA:
		return "RSA";
	case CKK_EC:
		return "EC";
	case CKK_EC_EDWARDS:
		return "EC_EDWARDS";
	case CKK_DSA:
		return "DSA";
	case CKK_AES:
		return "AES";
	case CKK_DES3:
		return "DES3";
	case CKK_DES2:
		return "DES2";
	case CKK_GENERIC_SECRET:
		return "GENERIC_SECRET";
	default:
		return "other";
	}
}

/* The usage attributes of h that are CK_TRUE, as U_* bits. */
static unsigned kp13_read_usage(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                                CK_OBJECT_HANDLE h, bool pub)
{
	static const struct {
		CK_ATTRIBUTE_TYPE a;
		unsigned bit;
		bool pub;  /* on public keys */
		bool priv; /* on private keys */
	} map[] = {
	    {CKA_SIGN, U_SIGN, false, true},
	    {CKA_DECRYPT, U_DECRYPT, false, true},
	    {CKA_UNWRAP, U_UNWRAP, false, true},
	    {CKA_WRAP, U_WRAP, true, false},
	    {CKA_ENCRYPT, U_ENCRYPT, true, false},
	};
	unsigned u = 0;
	CK_BBOOL b;
	size_t i;

	for (i = 0; i < SA_COUNTOF(map); i++) {
		/* secret keys (pub false, called once with all) carry all */
		if (pub && !map[i].pub)
			continue;
		b = CK_FALSE;
		if (sa_kp_get_bool(ctx, s, h, map[i].a, &b) == CKR_OK &&
		    b == CK_TRUE)
			u |= map[i].bit;
	}
	return u;
}

/* Labels are the token owner's text: quoted, and kept printable in the
 * results. */
static void kp13_text(const sa_buf *b, char *out, size_t size)
{
	size_t i, n = 0;

	if (b->len == 0 || size < 4) {
		snprintf(out, size, "(no label)");
		goto out;
	}
	out[n++] = '\'';
	for (i = 0; i < b->len && n + 2 < size; i++) {
		unsigned char c = b->data[i];
		out[n++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	out[n++] = '\'';
	out[n] = '\0';
out:
	return;
}

/* The first object matching t (CK_INVALID_HANDLE if none), or up to max
 * handles into out with *n. */
static CK_RV kp13_find(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_ATTRIBUTE *t,
                       CK_ULONG nt, CK_OBJECT_HANDLE *out, CK_ULONG max,
                       CK_ULONG *n)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_RV rv;

	*n = 0;
	rv = f->C_FindObjectsInit(s, t, nt);
	if (rv != CKR_OK)
		return rv;
	rv = f->C_FindObjects(s, out, max, n);
	(void)f->C_FindObjectsFinal(s);
	if (*n > max)
		*n = max;
	return rv;
}

#define KP13_MAX_KEYS 128

struct kp13 {
	sa_case_ctx *ctx;
	CK_SESSION_HANDLE s;
	sa_kpa_objs objs;
	sa_buf ev;
	sa_buf dual;
	unsigned n_keys, n_dual;
};

/* One private or secret key of the token. */
static void kp13_key(struct kp13 *st, CK_OBJECT_HANDLE h, bool secret)
{
	sa_case_ctx *ctx = st->ctx;
	CK_KEY_TYPE kt = CK_UNAVAILABLE_INFORMATION;
	CK_OBJECT_CLASS pc = CKO_PUBLIC_KEY;
	CK_BBOOL yes = CK_TRUE;
	sa_buf label = SA_BUF_INIT, id = SA_BUF_INIT;
	CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE;
	char ltext[68], idhex[48] = "", combos[96] = "";
	unsigned u, usable;
	CK_ULONG n = 0;
	size_t i, used = 0;

	(void)sa_kp_get_ulong(ctx, st->s, h, CKA_KEY_TYPE, &kt);
	(void)sa_kp_get_bytes(ctx, st->s, h, CKA_LABEL, &label, NULL);
	(void)sa_kp_get_bytes(ctx, st->s, h, CKA_ID, &id, NULL);
	kp13_text(&label, ltext, sizeof(ltext));
	for (i = 0; i < id.len && used + 3 < sizeof(idhex); i++)
		used += (size_t)snprintf(idhex + used, sizeof(idhex) - used,
		                         "%02x", id.data[i]);
	u = kp13_read_usage(ctx, st->s, h, false);
	if (!secret && id.len > 0) {
		/* the pair: the public key of the same CKA_ID and type */
		CK_ATTRIBUTE t[] = {
		    {CKA_TOKEN, &yes, sizeof(yes)},
		    {CKA_CLASS, &pc, sizeof(pc)},
		    {CKA_KEY_TYPE, &kt, sizeof(kt)},
		    {CKA_ID, id.data, (CK_ULONG)id.len},
		};
		if (kp13_find(ctx, st->s, t, SA_COUNTOF(t), &pub, 1, &n) ==
		        CKR_OK &&
		    n == 1)
			u |= kp13_read_usage(ctx, st->s, pub, true);
	}
	usable = kp13_usable(kt);
	st->n_keys++;
	for (i = 0; i < SA_COUNTOF(kp13_conflicts); i++) {
		unsigned c = kp13_conflicts[i].mask;

		if ((u & c) == c && (usable & c) == c) {
			size_t k = strlen(combos);
			snprintf(combos + k, sizeof(combos) - k, "%s%s",
			         k ? ", " : "", kp13_conflicts[i].name);
		}
	}
	sa_kpa_log(&st->ev, "%s key '%s' (%s, id %s%s): usage%s%s%s%s%s -> %s",
	           secret ? "secret" : "private", ltext, kp13_kt_name(kt),
	           idhex[0] ? idhex : "-",
	           secret   ? ""
	           : n == 1 ? ", with its public key"
	                    : ", no public key",
	           u & U_SIGN ? " SIGN" : "", u & U_DECRYPT ? " DECRYPT" : "",
	           u & U_WRAP ? " WRAP" : "", u & U_UNWRAP ? " UNWRAP" : "",
	           u & U_ENCRYPT ? " ENCRYPT" : "",
	           combos[0] ? combos : "no conflict");
	if ((u & ~usable) != 0 && combos[0] == '\0' && u != 0)
		sa_kpa_log(&st->ev,
		           "  (usages without a v2.40 mechanism for "
		           "%s keys not counted)",
		           kp13_kt_name(kt));
	if (combos[0] != '\0') {
		(void)sa_buf_appendf(&st->dual, "%s%s (%s %s key, id %s): %s",
		                     st->n_dual > 0 ? "; " : "", ltext,
		                     kp13_kt_name(kt),
		                     secret ? "secret" : "private",
		                     idhex[0] ? idhex : "-", combos);
		st->n_dual++;
	}
	sa_buf_free(&label);
	sa_buf_free(&id);
}

/* Whether the token lets the user make a key with the given usages:
 * appends "accepts X" or "refuses X" to policy. */
static void kp13_create(struct kp13 *st, const char *name, bool pair,
                        unsigned u, sa_buf *policy, unsigned *accepted)
{
	sa_kp_opts o = SA_KP_OPTS_INIT, po = SA_KP_OPTS_INIT;
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE, pub = CK_INVALID_HANDLE;
	CK_RV rv;

	o.label = po.label = "sigaudit-kp13";
	o.sensitive = SA_KP_TRUE;
	o.extractable = SA_KP_FALSE;
	o.sign = u & U_SIGN ? SA_KP_TRUE : SA_KP_FALSE;
	o.decrypt = u & U_DECRYPT ? SA_KP_TRUE : SA_KP_FALSE;
	o.unwrap = u & U_UNWRAP ? SA_KP_TRUE : SA_KP_FALSE;
	if (pair) {
		/* the public half of each private usage as well: NSS
		 * softoken's pairwise consistency test refuses a pair without
		 * it (CKR_KEY_TYPE_INCONSISTENT), which is not a policy */
		po.encrypt =
		    u & (U_ENCRYPT | U_DECRYPT) ? SA_KP_TRUE : SA_KP_FALSE;
		po.wrap = u & U_WRAP ? SA_KP_TRUE : SA_KP_FALSE;
		po.verify = u & U_SIGN ? SA_KP_TRUE : SA_KP_FALSE;
		if (!sa_case_has_mech(st->ctx, CKM_RSA_PKCS_KEY_PAIR_GEN))
			goto out;
		rv = sa_kp_gen_pair(st->ctx, st->s, CKK_RSA, 2048, &po, &o,
		                    &pub, &h);
		sa_kpa_keep(&st->objs, pub);
	} else {
		o.encrypt = u & U_ENCRYPT ? SA_KP_TRUE : SA_KP_FALSE;
		o.wrap = u & U_WRAP ? SA_KP_TRUE : SA_KP_FALSE;
		o.verify = SA_KP_FALSE;
		if (!sa_case_has_mech(st->ctx, CKM_AES_KEY_GEN))
			goto out;
		rv = sa_kp_gen_secret(st->ctx, st->s, CKM_AES_KEY_GEN, 16, &o,
		                      &h);
	}
	sa_kpa_keep(&st->objs, h);
	sa_kpa_log(&st->ev, "create %s -> %s", name, sa_p11_rv_name(rv));
	(void)sa_buf_appendf(policy, "%s%s %s", policy->len ? ", " : "",
	                     rv == CKR_OK ? "accepts" : "refuses", name);
	if (rv == CKR_OK)
		(*accepted)++;
out:
	return;
}

void sa_kp13_usage_separation(sa_case_ctx *ctx)
{
	static const CK_OBJECT_CLASS classes[] = {CKO_PRIVATE_KEY,
	                                          CKO_SECRET_KEY};
	struct kp13 st;
	sa_buf policy = SA_BUF_INIT;
	CK_OBJECT_HANDLE *hs = NULL;
	CK_BBOOL yes = CK_TRUE;
	CK_OBJECT_CLASS cls;
	CK_ULONG n = 0, i;
	unsigned accepted = 0;
	size_t c;
	CK_RV rv;

	memset(&st, 0, sizeof(st));
	st.ctx = ctx;
	st.s = CK_INVALID_HANDLE;
	hs = calloc(KP13_MAX_KEYS, sizeof(*hs));
	if (hs == NULL) {
		sa_case_error(ctx, "out of memory");
		goto out;
	}
	if (sa_kp_open(ctx, true, &st.s) < 0)
		goto out;

	/* Read-only scan of the token's own keys (CKA_TOKEN=TRUE). */
	for (c = 0; c < SA_COUNTOF(classes); c++) {
		CK_ATTRIBUTE t[] = {
		    {CKA_TOKEN, &yes, sizeof(yes)},
		    {CKA_CLASS, &cls, sizeof(cls)},
		};
		cls = classes[c];
		rv = kp13_find(ctx, st.s, t, SA_COUNTOF(t), hs, KP13_MAX_KEYS,
		               &n);
		if (rv != CKR_OK) {
			sa_case_error(ctx,
			              "C_FindObjects(%s token keys) "
			              "returned %s",
			              c == 0 ? "private" : "secret",
			              sa_p11_rv_name(rv));
			goto out;
		}
		if (n == KP13_MAX_KEYS)
			sa_case_note(ctx,
			             "more than %d %s keys: only the "
			             "first %d are scanned",
			             KP13_MAX_KEYS,
			             c == 0 ? "private" : "secret",
			             KP13_MAX_KEYS);
		for (i = 0; i < n; i++)
			kp13_key(&st, hs[i], classes[c] == CKO_SECRET_KEY);
	}

	/* The creation policy: session keys, destroyed at the end. */
	kp13_create(&st, "AES WRAP+DECRYPT", false, U_WRAP | U_DECRYPT, &policy,
	            &accepted);
	kp13_create(&st, "AES UNWRAP+ENCRYPT", false, U_UNWRAP | U_ENCRYPT,
	            &policy, &accepted);
	kp13_create(&st, "AES SIGN+DECRYPT", false, U_SIGN | U_DECRYPT, &policy,
	            &accepted);
	kp13_create(&st, "RSA SIGN+DECRYPT", true, U_SIGN | U_DECRYPT, &policy,
	            &accepted);
	kp13_create(&st, "RSA pair WRAP+DECRYPT", true, U_WRAP | U_DECRYPT,
	            &policy, &accepted);

	sa_case_checkf(ctx, st.n_dual == 0,
	               "token keys combining conflicting usages", "none",
	               "%u of %u keys", st.n_dual, st.n_keys);
	if (st.n_dual > 0) {
		sa_case_note(ctx, "creation policy for new keys: %s",
		             policy.len ? sa_buf_cstr(&policy)
		                        : "not tried (no key generation "
		                          "mechanism)");
		sa_case_fail(ctx,
		             "finding: %u of %u token keys combine "
		             "conflicting usages: %s",
		             st.n_dual, st.n_keys, sa_buf_cstr(&st.dual));
	} else if (accepted > 0) {
		/* No finding on the token as it is; that its user may make
		 * dual-use keys is the policy to know about. */
		sa_case_info(ctx,
		             "no dual-use key among the token's %u keys; "
		             "creation policy: %s",
		             st.n_keys, sa_buf_cstr(&policy));
	} else {
		sa_case_note(ctx, "creation policy: %s",
		             policy.len ? sa_buf_cstr(&policy)
		                        : "not tried (no key generation "
		                          "mechanism)");
	}
out:
	sa_kpa_log_save(ctx, &st.ev, "keys.txt");
	sa_kpa_destroy_all(ctx, st.s, &st.objs);
	sa_p11_close(ctx, &st.s);
	free(hs);
	sa_buf_free(&policy);
	sa_buf_free(&st.ev);
	sa_buf_free(&st.dual);
}

/* ====================================================================
 * KP-14: leak scan
 * ==================================================================== */

#define KP14_OUT     8192
#define KP14_CANARY  0xa5
#define KP14_SECRETS 16

struct kp14 {
	sa_case_ctx *ctx;
	CK_SESSION_HANDLE s;
	sa_kpa_objs objs;
	sa_buf ev;
	sa_kpa_scan *scan;
	char names[KP14_SECRETS][64];
	size_t n_names;
	/* the imported keys (CK_INVALID_HANDLE when the token refused) */
	CK_OBJECT_HANDLE aes128, aes256, rsa, rsa_pub, ec;
	CK_BYTE out[KP14_OUT];
	/* outputs scanned, and where bytes were found */
	unsigned n_outputs, n_hits;
	sa_buf hits;
};

static void kp14_canary(struct kp14 *st)
{
	memset(st->out, KP14_CANARY, sizeof(st->out));
}

/* Scan the whole output buffer: bytes written on a failing call count. */
static void kp14_scan(struct kp14 *st, const char *where, CK_RV rv)
{
	const char *what = NULL;
	size_t off = 0;

	st->n_outputs++;
	if (!sa_kpa_scan_find(st->scan, st->out, sizeof(st->out), &what, &off))
		goto out;
	sa_kpa_log(&st->ev, "LEAK: %s (%s): bytes of %s at offset %zu", where,
	           sa_p11_rv_name(rv), what, off);
	if (st->n_hits < 4)
		(void)sa_buf_appendf(&st->hits, "%s%s in %s",
		                     st->n_hits ? "; " : "", what, where);
	st->n_hits++;
out:
	kp14_canary(st);
}

static void kp14_secrets(struct kp14 *st, sa_kp_known_id id)
{
	const sa_kp_known *k = sa_kp_known_get(id);
	size_t i;

	for (i = 0; k != NULL && i < k->n_parts; i++) {
		const sa_kp_part *p = &k->parts[i];

		if (!p->secret || st->n_names >= KP14_SECRETS)
			continue;
		snprintf(st->names[st->n_names], sizeof(st->names[0]), "%s %s",
		         k->name, sa_p11_attr_name(p->type));
		if (sa_kpa_scan_add(st->scan, st->names[st->n_names], p->value,
		                    p->len) == SA_OK)
			st->n_names++;
	}
}

/* Every attribute read of key h: size query, a full buffer, a short buffer,
 * then all of them in one template. */
static void kp14_attributes(struct kp14 *st, CK_OBJECT_HANDLE h,
                            const char *name)
{
	static const CK_ATTRIBUTE_TYPE attrs[] = {
	    CKA_CLASS,
	    CKA_TOKEN,
	    CKA_PRIVATE,
	    CKA_LABEL,
	    CKA_VALUE,
	    CKA_KEY_TYPE,
	    CKA_ID,
	    CKA_SENSITIVE,
	    CKA_ENCRYPT,
	    CKA_DECRYPT,
	    CKA_WRAP,
	    CKA_UNWRAP,
	    CKA_SIGN,
	    CKA_VERIFY,
	    CKA_DERIVE,
	    CKA_MODULUS,
	    CKA_PUBLIC_EXPONENT,
	    CKA_PRIVATE_EXPONENT,
	    CKA_PRIME_1,
	    CKA_PRIME_2,
	    CKA_EXPONENT_1,
	    CKA_EXPONENT_2,
	    CKA_COEFFICIENT,
	    CKA_VALUE_LEN,
	    CKA_EXTRACTABLE,
	    CKA_LOCAL,
	    CKA_EC_PARAMS,
	    CKA_EC_POINT,
	    CKA_CHECK_VALUE,
	    CKA_PUBLIC_KEY_INFO,
	    CKA_WRAP_TEMPLATE,
	    CKA_VENDOR_DEFINED,
	};
	CK_FUNCTION_LIST_PTR f = sa_case_p11(st->ctx);
	CK_ATTRIBUTE all[SA_COUNTOF(attrs)];
	CK_ATTRIBUTE a;
	char where[160];
	size_t i, slice = KP14_OUT / SA_COUNTOF(attrs);
	CK_RV rv;

	for (i = 0; i < SA_COUNTOF(attrs); i++) {
		a.type = attrs[i];
		a.pValue = st->out;
		a.ulValueLen = KP14_OUT;
		rv = f->C_GetAttributeValue(st->s, h, &a, 1);
		snprintf(where, sizeof(where), "C_GetAttributeValue(%s, %s)",
		         name, sa_p11_attr_name(attrs[i]));
		kp14_scan(st, where, rv);
		/* error path: a buffer too short for the value */
		a.pValue = st->out;
		a.ulValueLen = 4;
		rv = f->C_GetAttributeValue(st->s, h, &a, 1);
		snprintf(where, sizeof(where),
		         "C_GetAttributeValue(%s, %s, 4-byte buffer)", name,
		         sa_p11_attr_name(attrs[i]));
		kp14_scan(st, where, rv);
	}
	for (i = 0; i < SA_COUNTOF(attrs); i++) {
		all[i].type = attrs[i];
		all[i].pValue = st->out + i * slice;
		all[i].ulValueLen = (CK_ULONG)slice;
	}
	rv = f->C_GetAttributeValue(st->s, h, all, SA_COUNTOF(all));
	snprintf(where, sizeof(where),
	         "C_GetAttributeValue(%s, all attributes at once)", name);
	kp14_scan(st, where, rv);
	sa_kpa_log(&st->ev, "%s: %zu attributes read three ways", name,
	           SA_COUNTOF(attrs));
}

enum kp14_op { KP14_SIGN, KP14_ENCRYPT, KP14_DECRYPT };

static CK_RV kp14_init(struct kp14 *st, enum kp14_op op, CK_MECHANISM *m,
                       CK_OBJECT_HANDLE key)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(st->ctx);

	switch (op) {
	case KP14_SIGN:
		return f->C_SignInit(st->s, m, key);
	case KP14_ENCRYPT:
		return f->C_EncryptInit(st->s, m, key);
	default:
		return f->C_DecryptInit(st->s, m, key);
	}
}

static CK_RV kp14_do(struct kp14 *st, enum kp14_op op, const CK_BYTE *in,
                     size_t len, CK_ULONG out_len)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(st->ctx);
	CK_ULONG n = out_len;

	switch (op) {
	case KP14_SIGN:
		return f->C_Sign(st->s, (CK_BYTE_PTR)in, (CK_ULONG)len, st->out,
		                 &n);
	case KP14_ENCRYPT:
		return f->C_Encrypt(st->s, (CK_BYTE_PTR)in, (CK_ULONG)len,
		                    st->out, &n);
	default:
		return f->C_Decrypt(st->s, (CK_BYTE_PTR)in, (CK_ULONG)len,
		                    st->out, &n);
	}
}

/* One operation three ways: normally, with a 4-byte output buffer (then
 * finished), and with C_GetOperationState taken between init and the
 * operation. */
static void kp14_op(struct kp14 *st, enum kp14_op op, const char *name,
                    CK_OBJECT_HANDLE key, CK_MECHANISM *m, const CK_BYTE *in,
                    size_t len)
{
	static const char *const opname[] = {"C_Sign", "C_Encrypt",
	                                     "C_Decrypt"};
	CK_FUNCTION_LIST_PTR f = sa_case_p11(st->ctx);
	const char *mn = sa_p11_mech_name(m->mechanism);
	char where[200];
	CK_ULONG n;
	CK_RV rv, irv;

	if (key == CK_INVALID_HANDLE ||
	    !sa_case_has_mech(st->ctx, m->mechanism))
		goto out;
	irv = kp14_init(st, op, m, key);
	rv = irv == CKR_OK ? kp14_do(st, op, in, len, KP14_OUT) : irv;
	snprintf(where, sizeof(where), "%s(%s, %s)", opname[op], name, mn);
	kp14_scan(st, where, rv);
	sa_kpa_log(&st->ev, "%s -> %s", where, sa_p11_rv_name(rv));
	if (irv != CKR_OK)
		goto out;

	if (kp14_init(st, op, m, key) == CKR_OK) {
		rv = kp14_do(st, op, in, len, 4);
		snprintf(where, sizeof(where), "%s(%s, %s, 4-byte buffer)",
		         opname[op], name, mn);
		kp14_scan(st, where, rv);
		/* CKR_BUFFER_TOO_SMALL keeps the operation active (B2.40
		 * §5.2): finish it */
		if (rv == CKR_BUFFER_TOO_SMALL) {
			rv = kp14_do(st, op, in, len, KP14_OUT);
			kp14_scan(st, where, rv);
		}
	}

	if (kp14_init(st, op, m, key) == CKR_OK) {
		n = KP14_OUT;
		rv = f->C_GetOperationState(st->s, st->out, &n);
		snprintf(where, sizeof(where),
		         "C_GetOperationState after "
		         "%sInit(%s, %s)",
		         opname[op], name, mn);
		kp14_scan(st, where, rv);
		if (rv == CKR_OK)
			sa_kpa_log(&st->ev, "%s -> CKR_OK, %lu bytes", where,
			           (unsigned long)n);
		rv = kp14_do(st, op, in, len, KP14_OUT);
		kp14_scan(st, where, rv);
	}
out:
	return;
}

static void kp14_wrap(struct kp14 *st, CK_OBJECT_HANDLE key, const char *name)
{
	static const CK_MECHANISM_TYPE mechs[] = {
	    CKM_AES_KEY_WRAP, CKM_AES_KEY_WRAP_PAD, CKM_AES_CBC_PAD,
	    CKM_AES_CBC, CKM_AES_ECB};
	CK_FUNCTION_LIST_PTR f = sa_case_p11(st->ctx);
	char where[200];
	CK_MECHANISM m;
	CK_ULONG n;
	size_t i;
	CK_RV rv;

	if (key == CK_INVALID_HANDLE || st->aes256 == CK_INVALID_HANDLE)
		goto out;
	for (i = 0; i < SA_COUNTOF(mechs); i++) {
		if (!sa_case_has_mech(st->ctx, mechs[i]))
			continue;
		sa_kpa_mech(mechs[i], &m);
		n = KP14_OUT;
		rv = f->C_WrapKey(st->s, &m, st->aes256, key, st->out, &n);
		snprintf(where, sizeof(where),
		         "C_WrapKey(%s under AES-256, %s)", name,
		         sa_p11_mech_name(mechs[i]));
		kp14_scan(st, where, rv);
		sa_kpa_log(&st->ev, "%s -> %s", where, sa_p11_rv_name(rv));
		n = 8;
		rv = f->C_WrapKey(st->s, &m, st->aes256, key, st->out, &n);
		snprintf(where, sizeof(where),
		         "C_WrapKey(%s under AES-256, %s, 8-byte buffer)", name,
		         sa_p11_mech_name(mechs[i]));
		kp14_scan(st, where, rv);
	}
out:
	return;
}

static void kp14_digest_key(struct kp14 *st, CK_OBJECT_HANDLE key,
                            const char *name)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(st->ctx);
	CK_MECHANISM m = {CKM_SHA256, NULL, 0};
	char where[160];
	CK_ULONG n = KP14_OUT;
	CK_RV rv;

	if (key == CK_INVALID_HANDLE || !sa_case_has_mech(st->ctx, CKM_SHA256))
		goto out;
	rv = f->C_DigestInit(st->s, &m);
	if (rv != CKR_OK)
		goto out;
	rv = f->C_DigestKey(st->s, key);
	if (rv == CKR_OK)
		rv = f->C_DigestFinal(st->s, st->out, &n);
	else
		(void)f->C_DigestFinal(st->s, st->out, &n);
	snprintf(where, sizeof(where), "C_DigestKey(%s)", name);
	kp14_scan(st, where, rv);
	sa_kpa_log(&st->ev, "%s -> %s", where, sa_p11_rv_name(rv));
out:
	return;
}

static CK_RV kp14_import(struct kp14 *st, sa_kp_known_id id, sa_kp_opts *o,
                         CK_OBJECT_HANDLE *out)
{
	const sa_kp_known *k = sa_kp_known_get(id);
	CK_RV rv;

	o->label = "sigaudit-kp14";
	o->sensitive = SA_KP_TRUE;
	rv = sa_kp_import(st->ctx, st->s, id, o, out);
	sa_kpa_keep(&st->objs, *out);
	sa_kpa_log(&st->ev, "import %s (sensitive) -> %s", k->name,
	           sa_p11_rv_name(rv));
	if (rv != CKR_OK) {
		sa_case_note(st->ctx,
		             "%s test key not imported (%s): its "
		             "operations are not scanned",
		             k->name, sa_p11_rv_name(rv));
		*out = CK_INVALID_HANDLE;
	}
	return rv;
}

void sa_kp14_leak_scan(sa_case_ctx *ctx)
{
	static const CK_BYTE data[64] = {0x5a};
	static const CK_BYTE hash32[32] = {0x11, 0x22, 0x33};
	static const CK_BYTE garbage[256] = {0x01, 0x02, 0x03, 0x04};
	struct kp14 *st = NULL;
	sa_kp_opts o;
	CK_BYTE raw[256];
	CK_BYTE iv[16] = {0};
	CK_RSA_PKCS_PSS_PARAMS pss = {CKM_SHA256, CKG_MGF1_SHA256, 32};
	CK_GCM_PARAMS gcm = {iv, 12, 96, NULL, 0, 128};
	CK_MECHANISM m;
	unsigned imported = 0;

	st = OPENSSL_zalloc(sizeof(*st));
	if (st == NULL) {
		sa_case_error(ctx, "out of memory");
		goto out;
	}
	st->ctx = ctx;
	st->s = CK_INVALID_HANDLE;
	st->aes128 = st->aes256 = st->rsa = st->rsa_pub = st->ec =
	    CK_INVALID_HANDLE;
	kp14_canary(st);
	st->scan = sa_kpa_scan_new();
	if (st->scan == NULL) {
		sa_case_error(ctx, "out of memory");
		goto out;
	}
	kp14_secrets(st, SA_KP_AES128);
	kp14_secrets(st, SA_KP_AES256);
	kp14_secrets(st, SA_KP_RSA2048);
	kp14_secrets(st, SA_KP_EC_P256);
	if (sa_kp_open(ctx, true, &st->s) < 0)
		goto out;

	o = (sa_kp_opts)SA_KP_OPTS_INIT;
	o.extractable = SA_KP_TRUE;
	o.encrypt = o.decrypt = o.sign = o.verify = SA_KP_TRUE;
	imported += kp14_import(st, SA_KP_AES128, &o, &st->aes128) == CKR_OK;
	o = (sa_kp_opts)SA_KP_OPTS_INIT;
	o.extractable = SA_KP_FALSE;
	o.encrypt = o.decrypt = o.wrap = SA_KP_TRUE;
	imported += kp14_import(st, SA_KP_AES256, &o, &st->aes256) == CKR_OK;
	o = (sa_kp_opts)SA_KP_OPTS_INIT;
	o.extractable = SA_KP_TRUE;
	o.sign = o.decrypt = SA_KP_TRUE;
	imported += kp14_import(st, SA_KP_RSA2048, &o, &st->rsa) == CKR_OK;
	o = (sa_kp_opts)SA_KP_OPTS_INIT;
	o.extractable = SA_KP_TRUE;
	o.sign = SA_KP_TRUE;
	imported += kp14_import(st, SA_KP_EC_P256, &o, &st->ec) == CKR_OK;
	if (imported == 0) {
		sa_case_skip(ctx, "the token imports none of the test keys of "
		                  "known value: nothing to search for");
		goto out;
	}
	o = (sa_kp_opts)SA_KP_OPTS_INIT;
	o.label = "sigaudit-kp14";
	o.encrypt = SA_KP_TRUE;
	if (sa_kp_import_public(ctx, st->s, SA_KP_RSA2048, &o, &st->rsa_pub) ==
	    CKR_OK)
		sa_kpa_keep(&st->objs, st->rsa_pub);

	/* attributes */
	if (st->aes128 != CK_INVALID_HANDLE)
		kp14_attributes(st, st->aes128, "AES-128");
	if (st->aes256 != CK_INVALID_HANDLE)
		kp14_attributes(st, st->aes256, "AES-256");
	if (st->rsa != CK_INVALID_HANDLE)
		kp14_attributes(st, st->rsa, "RSA-2048");
	if (st->ec != CK_INVALID_HANDLE)
		kp14_attributes(st, st->ec, "EC P-256");

	/* signatures and MACs */
	m = (CK_MECHANISM){CKM_SHA256_RSA_PKCS, NULL, 0};
	kp14_op(st, KP14_SIGN, "RSA-2048", st->rsa, &m, data, sizeof(data));
	m = (CK_MECHANISM){CKM_RSA_PKCS, NULL, 0};
	kp14_op(st, KP14_SIGN, "RSA-2048", st->rsa, &m, hash32, sizeof(hash32));
	memset(raw, 0x01, sizeof(raw));
	raw[0] = 0x00;
	m = (CK_MECHANISM){CKM_RSA_X_509, NULL, 0};
	kp14_op(st, KP14_SIGN, "RSA-2048", st->rsa, &m, raw, sizeof(raw));
	m = (CK_MECHANISM){CKM_SHA256_RSA_PKCS_PSS, &pss, sizeof(pss)};
	kp14_op(st, KP14_SIGN, "RSA-2048", st->rsa, &m, data, sizeof(data));
	m = (CK_MECHANISM){CKM_ECDSA, NULL, 0};
	kp14_op(st, KP14_SIGN, "EC P-256", st->ec, &m, hash32, sizeof(hash32));
	m = (CK_MECHANISM){CKM_AES_CMAC, NULL, 0};
	kp14_op(st, KP14_SIGN, "AES-128", st->aes128, &m, data, sizeof(data));

	/* encryption, and decryption of bad ciphertexts (error paths) */
	sa_kpa_mech(CKM_AES_ECB, &m);
	kp14_op(st, KP14_ENCRYPT, "AES-128", st->aes128, &m, data,
	        sizeof(data));
	sa_kpa_mech(CKM_AES_CBC_PAD, &m);
	kp14_op(st, KP14_ENCRYPT, "AES-128", st->aes128, &m, data,
	        sizeof(data));
	kp14_op(st, KP14_DECRYPT, "AES-128", st->aes128, &m, garbage, 32);
	m = (CK_MECHANISM){CKM_AES_GCM, &gcm, sizeof(gcm)};
	kp14_op(st, KP14_ENCRYPT, "AES-256", st->aes256, &m, data,
	        sizeof(data));
	kp14_op(st, KP14_DECRYPT, "AES-256", st->aes256, &m, garbage, 48);
	m = (CK_MECHANISM){CKM_RSA_PKCS, NULL, 0};
	kp14_op(st, KP14_DECRYPT, "RSA-2048", st->rsa, &m, garbage,
	        sizeof(garbage));
	m = (CK_MECHANISM){CKM_RSA_X_509, NULL, 0};
	kp14_op(st, KP14_DECRYPT, "RSA-2048", st->rsa, &m, raw, sizeof(raw));
	m = (CK_MECHANISM){CKM_RSA_PKCS, NULL, 0};
	kp14_op(st, KP14_ENCRYPT, "RSA-2048 public", st->rsa_pub, &m, hash32,
	        sizeof(hash32));

	/* wrapping (blobs must be ciphertext) and digesting a key */
	kp14_wrap(st, st->aes128, "AES-128");
	kp14_wrap(st, st->rsa, "RSA-2048");
	kp14_wrap(st, st->ec, "EC P-256");
	kp14_digest_key(st, st->aes128, "AES-128");

	sa_case_checkf(ctx, st->n_hits == 0,
	               "outputs containing an 8-byte window of a secret "
	               "test-key value",
	               "none", "%u of %u outputs", st->n_hits, st->n_outputs);
	if (st->n_hits > 0)
		sa_case_fail(ctx,
		             "finding: key bytes found in %u of %u outputs: "
		             "%s%s",
		             st->n_hits, st->n_outputs, sa_buf_cstr(&st->hits),
		             st->n_hits > 4 ? "; ..." : "");
	sa_kpa_log(&st->ev,
	           "%u outputs scanned for %zu secret values, %u "
	           "with key bytes",
	           st->n_outputs, st->n_names, st->n_hits);
out:
	if (st != NULL) {
		sa_kpa_log_save(ctx, &st->ev, "outputs.txt");
		sa_kpa_destroy_all(ctx, st->s, &st->objs);
		sa_p11_close(ctx, &st->s);
		sa_kpa_scan_free(st->scan);
		sa_buf_free(&st->ev);
		sa_buf_free(&st->hits);
		OPENSSL_clear_free(st, sizeof(*st));
	}
}
