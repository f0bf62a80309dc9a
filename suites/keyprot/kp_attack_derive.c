/* Key-protection finding KP-12: key derivation from a sensitive base key.
 * Description and references: kp_attack.c. */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "sigaudit/guard.h"

#include "kp_util_attack.h"

/* The data the derivations mix in: 32 bytes, public. */
static const CK_BYTE kp12_data[32] = {
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a,
    0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15,
    0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
};

enum kp12_base { KP12_GENERIC, KP12_AES };

struct kp12_mech {
	CK_MECHANISM_TYPE mech;
	enum kp12_base base;
	/* CKA_VALUE_LEN asked of the derived key */
	CK_ULONG out_len;
	/* true: the derived bytes are the base key's own bytes (XOR with
	 * known data, concatenation, extraction); false: a function of the
	 * base (an encryption oracle) */
	bool gives_base;
};

/* Curr2.40 "miscellaneous simple key derivation mechanisms" and "key
 * derivation by data encryption". */
static const struct kp12_mech kp12_mechs[] = {
    {CKM_XOR_BASE_AND_DATA, KP12_GENERIC, 32, true},
    {CKM_CONCATENATE_BASE_AND_DATA, KP12_GENERIC, 64, true},
    {CKM_CONCATENATE_DATA_AND_BASE, KP12_GENERIC, 64, true},
    {CKM_CONCATENATE_BASE_AND_KEY, KP12_GENERIC, 64, true},
    {CKM_EXTRACT_KEY_FROM_KEY, KP12_GENERIC, 16, true},
    {CKM_AES_ECB_ENCRYPT_DATA, KP12_AES, 16, false},
    {CKM_AES_CBC_ENCRYPT_DATA, KP12_AES, 16, false},
};

static const CK_MECHANISM_TYPE kp12_wrap_mechs[] = {
    CKM_AES_KEY_WRAP_PAD, CKM_AES_KEY_WRAP, CKM_AES_CBC_PAD,
    CKM_AES_CBC,          CKM_AES_ECB,
};

struct kp12 {
	sa_case_ctx *ctx;
	CK_SESSION_HANDLE s;
	sa_kpa_objs objs;
	sa_buf ev;
	/* base keys: generic secret (32 bytes) and AES-128, both sensitive
	 * and unextractable, values known */
	CK_OBJECT_HANDLE base_gs, base_aes;
	const sa_kp_part *gs_v, *aes_v;
	/* the non-sensitive second key of CKM_CONCATENATE_BASE_AND_KEY,
	 * value kp12_data */
	CK_OBJECT_HANDLE other;
	/* a wrapping key of known value, to recover extractable keys */
	CK_OBJECT_HANDLE trojan;
	const sa_kp_part *trojan_v;
	sa_buf findings;
	unsigned n_findings;
};

static void kp12_finding(struct kp12 *st, const char *text)
{
	(void)sa_buf_appendf(&st->findings, "%s%s",
	                     st->n_findings > 0 ? "; " : "", text);
	st->n_findings++;
}

/* What a correct token derives from the known base (out: m->out_len
 * bytes). */
static int kp12_expected(const struct kp12 *st, const struct kp12_mech *m,
                         CK_BYTE *out)
{
	int rc = SA_E_INVALID;
	const CK_BYTE *b = st->gs_v->value;
	size_t i;

	switch (m->mech) {
	case CKM_XOR_BASE_AND_DATA:
		for (i = 0; i < 32; i++)
			out[i] = b[i] ^ kp12_data[i];
		break;
	case CKM_CONCATENATE_BASE_AND_DATA:
	case CKM_CONCATENATE_BASE_AND_KEY:
		memcpy(out, b, 32);
		memcpy(out + 32, kp12_data, 32);
		break;
	case CKM_CONCATENATE_DATA_AND_BASE:
		memcpy(out, kp12_data, 32);
		memcpy(out + 32, b, 32);
		break;
	case CKM_EXTRACT_KEY_FROM_KEY:
		/* bit index 0: the first out_len bytes */
		memcpy(out, b, 16);
		break;
	case CKM_AES_ECB_ENCRYPT_DATA:
	case CKM_AES_CBC_ENCRYPT_DATA:
		/* one block; CBC with a zero IV is ECB */
		SA_TRY(sa_kpa_soft_aes_ecb(st->aes_v->value, st->aes_v->len,
		                           kp12_data, 16, out));
		break;
	default:
		goto out;
	}
	rc = SA_OK;
out:
	return rc;
}

/* C_DeriveKey with m from its base, into a generic secret of out_len
 * bytes with the given CKA_SENSITIVE / CKA_EXTRACTABLE. */
static CK_RV kp12_derive(struct kp12 *st, const struct kp12_mech *m,
                         bool sensitive, CK_OBJECT_HANDLE *out)
{
	CK_KEY_DERIVATION_STRING_DATA sd;
	CK_AES_CBC_ENCRYPT_DATA_PARAMS cbc;
	CK_ULONG bit_index = 0; /* CK_EXTRACT_PARAMS */
	CK_OBJECT_HANDLE other = st->other;
	CK_MECHANISM mech = {m->mech, NULL, 0};
	CK_RV rv = CKR_GENERAL_ERROR;
	sa_kp_tmpl t;

	*out = CK_INVALID_HANDLE;
	switch (m->mech) {
	case CKM_CONCATENATE_BASE_AND_KEY:
		mech.pParameter = &other;
		mech.ulParameterLen = sizeof(other);
		break;
	case CKM_EXTRACT_KEY_FROM_KEY:
		mech.pParameter = &bit_index;
		mech.ulParameterLen = sizeof(bit_index);
		break;
	case CKM_AES_CBC_ENCRYPT_DATA:
		memset(cbc.iv, 0, sizeof(cbc.iv));
		cbc.pData = (CK_BYTE_PTR)kp12_data;
		cbc.length = 16;
		mech.pParameter = &cbc;
		mech.ulParameterLen = sizeof(cbc);
		break;
	default:
		sd.pData = (CK_BYTE_PTR)kp12_data;
		sd.ulLen = m->mech == CKM_AES_ECB_ENCRYPT_DATA ? 16 : 32;
		mech.pParameter = &sd;
		mech.ulParameterLen = sizeof(sd);
		break;
	}
	sa_kp_tmpl_init(&t);
	sa_kp_tmpl_ulong(&t, CKA_CLASS, CKO_SECRET_KEY);
	sa_kp_tmpl_ulong(&t, CKA_KEY_TYPE, CKK_GENERIC_SECRET);
	sa_kp_tmpl_ulong(&t, CKA_VALUE_LEN, m->out_len);
	sa_kp_tmpl_bool(&t, CKA_SENSITIVE, sensitive);
	sa_kp_tmpl_bool(&t, CKA_EXTRACTABLE, true);
	sa_kp_tmpl_opts(&t, NULL);
	if (t.overflow)
		goto out;
	rv = sa_case_p11(st->ctx)->C_DeriveKey(
	    st->s, &mech, m->base == KP12_AES ? st->base_aes : st->base_gs,
	    t.attrs, t.n, out);
out:
	return rv;
}

/* Whether got holds (a prefix of) the expected derivation: a token may
 * truncate to CKA_VALUE_LEN. 8 bytes at least, so that chance is out. */
static bool kp12_matches(const sa_buf *got, const CK_BYTE *want, size_t n)
{
	return got->len >= SA_KPA_WINDOW && got->len <= n &&
	       CRYPTO_memcmp(got->data, want, got->len) == 0;
}

/* Recover an extractable key's value by wrapping it under the trojan key.
 * CKR_OK: out holds the value. */
static CK_RV kp12_recover(struct kp12 *st, CK_OBJECT_HANDLE key, sa_buf *out)
{
	sa_buf blob = SA_BUF_INIT;
	CK_RV rv = CKR_MECHANISM_INVALID;
	CK_MECHANISM m;
	size_t i;

	for (i = 0; i < SA_COUNTOF(kp12_wrap_mechs); i++) {
		if (!sa_case_has_mech(st->ctx, kp12_wrap_mechs[i]))
			continue;
		sa_kpa_mech(kp12_wrap_mechs[i], &m);
		rv = sa_kp_wrap(st->ctx, st->s, &m, st->trojan, key, &blob);
		sa_kpa_log(&st->ev,
		           "    C_WrapKey(%s) under the known key -> %s",
		           sa_p11_mech_name(m.mechanism), sa_p11_rv_name(rv));
		if (rv != CKR_OK)
			continue;
		if (sa_kpa_soft_decrypt(m.mechanism, st->trojan_v->value,
		                        st->trojan_v->len, sa_kp_zero_iv,
		                        blob.data, blob.len, out) == SA_OK)
			break;
		sa_kpa_log(&st->ev, "    the blob does not decrypt off the "
		                    "token");
		rv = CKR_GENERAL_ERROR;
	}
	sa_buf_free(&blob);
	return rv;
}

/* One mechanism, both templates. Returns whether something leaked. */
static bool kp12_one(struct kp12 *st, const struct kp12_mech *m)
{
	sa_case_ctx *ctx = st->ctx;
	const char *mn = sa_p11_mech_name(m->mech);
	CK_BYTE want[64];
	sa_buf got = SA_BUF_INIT_SECURE;
	CK_OBJECT_HANDLE d = CK_INVALID_HANDLE;
	char text[320], what[160], obs[200] = "";
	bool leaked = false, readable = false, wrapped = false;
	bool matched = false;
	CK_RV rv;

	snprintf(what, sizeof(what),
	         "%s from a sensitive, unextractable base asking for a "
	         "readable or extractable key",
	         mn);
	if (kp12_expected(st, m, want) < 0) {
		sa_case_error(ctx, "internal: no expected value for %s", mn);
		goto out;
	}

	/* Template A: CKA_SENSITIVE=FALSE, then read CKA_VALUE. */
	rv = kp12_derive(st, m, false, &d);
	sa_kpa_keep(&st->objs, d);
	sa_kpa_log(&st->ev,
	           "%s: C_DeriveKey(CKA_SENSITIVE=FALSE, "
	           "CKA_EXTRACTABLE=TRUE) -> %s",
	           mn, sa_p11_rv_name(rv));
	snprintf(obs, sizeof(obs), "SENSITIVE=FALSE: %s", sa_p11_rv_name(rv));
	if (rv == CKR_OK) {
		rv = sa_kp_get_bytes(ctx, st->s, d, CKA_VALUE, &got, NULL);
		sa_kpa_log(&st->ev,
		           "  C_GetAttributeValue(CKA_VALUE) -> %s, "
		           "%zu bytes",
		           sa_p11_rv_name(rv), got.len);
		if (rv == CKR_OK) {
			bool match = kp12_matches(&got, want, m->out_len);

			sa_kpa_log(
			    &st->ev, "  -> LEAK: derived value readable%s",
			    match ? ", equal to the value the known base "
			            "gives"
			          : "");
			readable = true;
			matched |= match;
			leaked = true;
			snprintf(obs, sizeof(obs),
			         "SENSITIVE=FALSE: CKA_VALUE "
			         "readable");
		} else {
			snprintf(obs, sizeof(obs),
			         "SENSITIVE=FALSE: derived, CKA_VALUE %s",
			         sa_p11_rv_name(rv));
		}
	}
	/* kept in st->objs, destroyed at the end */
	d = CK_INVALID_HANDLE;
	sa_buf_reset(&got);

	/* Template B: CKA_SENSITIVE=TRUE but CKA_EXTRACTABLE=TRUE, then wrap
	 * under a key of known value. */
	rv = kp12_derive(st, m, true, &d);
	sa_kpa_keep(&st->objs, d);
	sa_kpa_log(&st->ev,
	           "%s: C_DeriveKey(CKA_SENSITIVE=TRUE, "
	           "CKA_EXTRACTABLE=TRUE) -> %s",
	           mn, sa_p11_rv_name(rv));
	if (rv == CKR_OK && st->trojan != CK_INVALID_HANDLE) {
		rv = kp12_recover(st, d, &got);
		if (rv == CKR_OK && kp12_matches(&got, want, m->out_len)) {
			sa_kpa_log(&st->ev,
			           "  -> LEAK: the wrapped derived key "
			           "is the value the known base gives");
			wrapped = true;
			matched = true;
			leaked = true;
		}
	}
	{
		size_t u = strlen(obs);

		snprintf(obs + u, sizeof(obs) - u, "; EXTRACTABLE=TRUE: %s",
		         sa_p11_rv_name(rv));
	}
	if (leaked) {
		snprintf(text, sizeof(text), "%s: derived key %s%s%s", mn,
		         readable ? "readable (CKA_SENSITIVE=FALSE accepted)"
		                  : "",
		         readable && wrapped ? " and " : "",
		         wrapped ? "extractable (recovered by wrapping under a "
		                   "known key)"
		                 : "");
		if (matched) {
			size_t u = strlen(text);

			snprintf(text + u, sizeof(text) - u, ", %s",
			         m->gives_base
			             ? "holding the base key's bytes"
			             : "an encryption of chosen data under the "
			               "sensitive base (oracle)");
		}
		kp12_finding(st, text);
	}
	sa_case_check(ctx, !leaked, what,
	              "refused (CKR_TEMPLATE_INCONSISTENT), or the derived "
	              "key stays sensitive and unextractable",
	              leaked ? "the derived key material was recovered" : obs);
out:
	OPENSSL_cleanse(want, sizeof(want));
	sa_buf_free(&got);
	return leaked;
}

void sa_kp12_derivation_leak(sa_case_ctx *ctx)
{
	struct kp12 st;
	sa_kp_opts bo = SA_KP_OPTS_INIT, oo = SA_KP_OPTS_INIT;
	sa_kp_opts to = SA_KP_OPTS_INIT;
	char id[SA_KPA_ID_SIZE];
	unsigned tried = 0;
	size_t i;
	CK_RV rv;

	memset(&st, 0, sizeof(st));
	st.ctx = ctx;
	st.s = CK_INVALID_HANDLE;
	st.base_gs = st.base_aes = st.other = st.trojan = CK_INVALID_HANDLE;
	st.gs_v = sa_kp_known_part(sa_kp_known_get(SA_KP_AES256), CKA_VALUE);
	st.aes_v = sa_kp_known_part(sa_kp_known_get(SA_KP_AES128), CKA_VALUE);
	st.trojan_v =
	    sa_kp_known_part(sa_kp_known_get(SA_KP_AES256_B), CKA_VALUE);
	if (st.gs_v == NULL || st.aes_v == NULL || st.trojan_v == NULL ||
	    st.gs_v->len != 32 || st.aes_v->len != 16) {
		sa_case_error(ctx, "internal: known test keys missing");
		goto out;
	}
	for (i = 0; i < SA_COUNTOF(kp12_mechs); i++)
		if (sa_case_has_mech(ctx, kp12_mechs[i].mech))
			tried++;
		else
			sa_case_note(ctx,
			             "%s not tried: the token does not "
			             "list it",
			             sa_p11_mech_name(kp12_mechs[i].mech));
	if (tried == 0) {
		sa_case_skip(ctx, "the token lists none of the seven "
		                  "derivation mechanisms KP-12 tries");
		goto out;
	}
	if (sa_kp_open(ctx, true, &st.s) < 0)
		goto out;

	bo.label = "sigaudit-kp12-base";
	bo.sensitive = SA_KP_TRUE;
	bo.extractable = SA_KP_FALSE;
	bo.derive = SA_KP_TRUE;
	rv = sa_kp_import_secret(ctx, st.s, CKK_GENERIC_SECRET, st.gs_v->value,
	                         st.gs_v->len, &bo, &st.base_gs);
	sa_kpa_keep(&st.objs, st.base_gs);
	sa_kpa_key_id(st.gs_v->value, st.gs_v->len, id);
	sa_kpa_log(&st.ev,
	           "base: C_CreateObject generic secret (32 bytes, %s) "
	           "CKA_SENSITIVE=TRUE CKA_EXTRACTABLE=FALSE CKA_DERIVE=TRUE "
	           "-> %s",
	           id, sa_p11_rv_name(rv));
	if (rv != CKR_OK)
		sa_case_note(ctx,
		             "generic-secret base not importable (%s): "
		             "its mechanisms are not tried",
		             sa_p11_rv_name(rv));
	rv = sa_kp_import_secret(ctx, st.s, CKK_AES, st.aes_v->value,
	                         st.aes_v->len, &bo, &st.base_aes);
	sa_kpa_keep(&st.objs, st.base_aes);
	sa_kpa_key_id(st.aes_v->value, st.aes_v->len, id);
	sa_kpa_log(&st.ev,
	           "base: C_CreateObject AES-128 (%s) CKA_SENSITIVE=TRUE "
	           "CKA_EXTRACTABLE=FALSE CKA_DERIVE=TRUE -> %s",
	           id, sa_p11_rv_name(rv));
	if (rv != CKR_OK)
		sa_case_note(ctx,
		             "AES base not importable (%s): its "
		             "mechanisms are not tried",
		             sa_p11_rv_name(rv));

	oo.label = "sigaudit-kp12-other";
	oo.sensitive = SA_KP_FALSE;
	oo.extractable = SA_KP_TRUE;
	rv = sa_kp_import_secret(ctx, st.s, CKK_GENERIC_SECRET, kp12_data,
	                         sizeof(kp12_data), &oo, &st.other);
	sa_kpa_keep(&st.objs, st.other);
	sa_kpa_log(&st.ev, "second key of CONCATENATE_BASE_AND_KEY: %s",
	           sa_p11_rv_name(rv));

	to.label = "sigaudit-kp12-trojan";
	to.wrap = SA_KP_TRUE;
	rv = sa_kp_import_secret(ctx, st.s, CKK_AES, st.trojan_v->value,
	                         st.trojan_v->len, &to, &st.trojan);
	sa_kpa_keep(&st.objs, st.trojan);
	sa_kpa_key_id(st.trojan_v->value, st.trojan_v->len, id);
	sa_kpa_log(&st.ev, "wrapping key of known value (%s): %s", id,
	           sa_p11_rv_name(rv));
	if (rv != CKR_OK)
		sa_case_note(ctx,
		             "no wrapping key of known value (%s): "
		             "extractable derived keys are not wrapped",
		             sa_p11_rv_name(rv));

	tried = 0;
	for (i = 0; i < SA_COUNTOF(kp12_mechs); i++) {
		const struct kp12_mech *m = &kp12_mechs[i];

		if (!sa_case_has_mech(ctx, m->mech))
			continue;
		if ((m->base == KP12_AES ? st.base_aes : st.base_gs) ==
		    CK_INVALID_HANDLE)
			continue;
		if (m->mech == CKM_CONCATENATE_BASE_AND_KEY &&
		    st.other == CK_INVALID_HANDLE)
			continue;
		tried++;
		(void)kp12_one(&st, m);
	}
	if (tried == 0) {
		sa_case_skip(ctx, "no base key could be imported for the "
		                  "derivation mechanisms the token lists");
		goto out;
	}
	if (st.n_findings > 0)
		sa_case_fail(ctx, "finding: %s", sa_buf_cstr(&st.findings));
out:
	sa_kpa_log_save(ctx, &st.ev, "steps.txt");
	sa_kpa_destroy_all(ctx, st.s, &st.objs);
	sa_p11_close(ctx, &st.s);
	sa_buf_free(&st.ev);
	sa_buf_free(&st.findings);
}
