/* The target engine: every vector through C_Verify on the profile's token
 * (sig_engine.h).
 *
 * Per group the public key is imported as a session object (CKA_TOKEN =
 * FALSE, CKA_VERIFY = TRUE) and destroyed after the group's tests. Mechanisms
 * (PKCS#11 v2.40 Curr. Mech.; section numbers unconfirmed where marked):
 *   RSA PKCS#1 v1.5  CKM_SHAx_RSA_PKCS over the message (§2.1.11, unconfirmed);
 *                    else CKM_RSA_PKCS over a DigestInfo built here (§2.1.6)
 *   RSA-PSS          CKM_SHAx_RSA_PKCS_PSS with CK_RSA_PKCS_PSS_PARAMS
 *                    {hashAlg, mgf, sLen} (§2.1.14, unconfirmed); else
 *                    CKM_RSA_PKCS_PSS over the hash computed here (§2.1.10)
 *   ECDSA            CKM_ECDSA over the hash computed here; the token
 *                    truncates it to the order (§2.3.6, unconfirmed); the
 *                    signature is r || s (§2.3.1). DER files are decoded
 *                    here, strictly: a vector the decoder refuses is
 *                    rejected before the token ("rejected by DER
 *                    decoding"), so DER files test the DER-to-r||s path of
 *                    a service in front of the token, P1363 files the token
 *   EdDSA            CKM_EDDSA (PKCS#11 3.0 Curr. Mech. §2.3.14,
 *                    unconfirmed): no parameter for Ed25519, CK_EDDSA_PARAMS
 *                    {FALSE, no context} for Ed448
 * Outcome of C_Verify: CKR_OK accepted; CKR_SIGNATURE_INVALID and
 * CKR_SIGNATURE_LEN_RANGE rejected (v2.40 §5.12 C_Verify); CKR_DATA_LEN_RANGE,
 * CKR_DATA_INVALID and CKR_ARGUMENTS_BAD rejected too (plausible answers to
 * malformed lengths; counted and noted); anything else is an error (the
 * token gave no answer). */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "sigaudit/guard.h"
#include "sigaudit/ossl.h"
#include "sigaudit/p11.h"

#include "sig_engine_int.h"

/* PKCS#11 3.0 Curr. Mech. §2.3.15 (unconfirmed) CK_EDDSA_PARAMS: not in
 * p11-kit's v2.40 header. */
typedef struct sa_ck_eddsa_params {
	CK_BBOOL phFlag;
	CK_ULONG ulContextDataLen;
	CK_BYTE_PTR pContextData;
} sa_ck_eddsa_params;

typedef struct p11_engine {
	sa_sig_engine base;
	CK_FUNCTION_LIST_PTR f;
	CK_SESSION_HANDLE s;
	bool rw;        /* session reopened read-write */
	bool logged_in; /* user logged in for session objects */
	/* what the token took after refusing the v2.40 form; the first time
	 * is noted */
	bool ec_point_raw;
	bool ed_point_raw;
	bool ed_params_pn;
	bool ed448_noparams;
} p11_engine;

typedef struct p11_plan {
	CK_MECHANISM_TYPE mech;
	CK_RSA_PKCS_PSS_PARAMS pss;
	bool has_pss, has_ed;
	const char *md; /* the hash computed here, or NULL */
	bool digestinfo;
	bool der;
	size_t half;
	const sa_p11_ossl_curve *curve;
	char skip[160]; /* non-empty: the group cannot be asked */
} p11_plan;

static const struct {
	const char *md; /* normalised (sa_sig_md_norm) */
	CK_MECHANISM_TYPE hash, pkcs1, pss;
	CK_RSA_PKCS_MGF_TYPE mgf;
} md_tab[] = {
    {"SHA1", CKM_SHA_1, CKM_SHA1_RSA_PKCS, CKM_SHA1_RSA_PKCS_PSS,
     CKG_MGF1_SHA1},
    {"SHA224", CKM_SHA224, CKM_SHA224_RSA_PKCS, CKM_SHA224_RSA_PKCS_PSS,
     CKG_MGF1_SHA224},
    {"SHA256", CKM_SHA256, CKM_SHA256_RSA_PKCS, CKM_SHA256_RSA_PKCS_PSS,
     CKG_MGF1_SHA256},
    {"SHA384", CKM_SHA384, CKM_SHA384_RSA_PKCS, CKM_SHA384_RSA_PKCS_PSS,
     CKG_MGF1_SHA384},
    {"SHA512", CKM_SHA512, CKM_SHA512_RSA_PKCS, CKM_SHA512_RSA_PKCS_PSS,
     CKG_MGF1_SHA512},
};

static int md_index(const char *md)
{
	char n[32];
	size_t i;

	if (md == NULL)
		return -1;
	sa_sig_md_norm(md, n, sizeof(n));
	for (i = 0; i < SA_COUNTOF(md_tab); i++)
		if (strcmp(md_tab[i].md, n) == 0)
			return (int)i;
	return -1;
}

static bool has(const p11_engine *e, CK_MECHANISM_TYPE m)
{
	return sa_case_has_mech(e->base.ctx, m);
}

static void plan_group(const p11_engine *e, const sa_sv_group *g, p11_plan *p)
{
	int h, mg;
	size_t dil;

	memset(p, 0, sizeof(*p));
	p->mech = SA_MECH_END;
	switch (g->scheme) {
	case SA_SV_RSA_PKCS1:
		h = md_index(g->hash);
		if (h >= 0 && has(e, md_tab[h].pkcs1)) {
			p->mech = md_tab[h].pkcs1;
		} else if (has(e, CKM_RSA_PKCS) &&
		           sa_sig_digestinfo_prefix(g->hash, &dil) != NULL) {
			p->mech = CKM_RSA_PKCS;
			p->md = g->hash;
			p->digestinfo = true;
		} else {
			snprintf(p->skip, sizeof(p->skip),
			         "no CKM_%s_RSA_PKCS or CKM_RSA_PKCS for %s",
			         g->hash ? g->hash : "?",
			         g->hash ? g->hash : "?");
		}
		break;
	case SA_SV_RSA_PSS:
		h = md_index(g->hash);
		mg = md_index(g->mgf_hash);
		if (h < 0 || mg < 0 || g->salt_len < 0) {
			snprintf(
			    p->skip, sizeof(p->skip),
			    "hash %s / MGF1-%s / sLen %ld: no PKCS#11 v2.40 "
			    "parameters for it",
			    g->hash ? g->hash : "?",
			    g->mgf_hash ? g->mgf_hash : "?", g->salt_len);
			break;
		}
		p->has_pss = true;
		p->pss.hashAlg = md_tab[h].hash;
		p->pss.mgf = md_tab[mg].mgf;
		p->pss.sLen = (CK_ULONG)g->salt_len;
		if (has(e, md_tab[h].pss)) {
			p->mech = md_tab[h].pss;
		} else if (has(e, CKM_RSA_PKCS_PSS)) {
			p->mech = CKM_RSA_PKCS_PSS;
			p->md = g->hash;
		} else {
			snprintf(p->skip, sizeof(p->skip),
			         "token lists neither %s nor CKM_RSA_PKCS_PSS",
			         sa_p11_mech_name(md_tab[h].pss));
		}
		break;
	case SA_SV_ECDSA_P1363:
	case SA_SV_ECDSA_DER:
		p->curve =
		    g->curve ? sa_p11_ossl_curve_by_name(g->curve) : NULL;
		if (p->curve == NULL || p->curve->edwards) {
			snprintf(p->skip, sizeof(p->skip),
			         "curve %s not supported by sigaudit",
			         g->curve ? g->curve : "?");
			break;
		}
		if (!has(e, CKM_ECDSA)) {
			snprintf(p->skip, sizeof(p->skip),
			         "token does not list CKM_ECDSA");
			break;
		}
		p->mech = CKM_ECDSA;
		p->md = g->hash;
		p->der = g->scheme == SA_SV_ECDSA_DER;
		p->half = sa_sig_ec_half(p->curve->bits);
		break;
	case SA_SV_EDDSA:
		p->curve =
		    g->curve ? sa_p11_ossl_curve_by_name(g->curve) : NULL;
		if (p->curve == NULL || !p->curve->edwards) {
			snprintf(p->skip, sizeof(p->skip),
			         "curve %s not supported by sigaudit",
			         g->curve ? g->curve : "?");
			break;
		}
		if (!has(e, CKM_EDDSA)) {
			snprintf(p->skip, sizeof(p->skip),
			         "token does not list CKM_EDDSA");
			break;
		}
		p->mech = CKM_EDDSA;
		/* Pure Ed448 is named by CK_EDDSA_PARAMS with phFlag FALSE;
		 * no parameter means Ed25519 (3.0 §2.3.14, unconfirmed). */
		p->has_ed =
		    strcmp(p->curve->name, "Ed448") == 0 && !e->ed448_noparams;
		break;
	default:
		snprintf(p->skip, sizeof(p->skip), "scheme %d not supported",
		         (int)g->scheme);
		break;
	}
}

static void describe(const sa_sig_engine *base, const sa_sv_file *f, char *out,
                     size_t size)
{
	const p11_engine *e = (const p11_engine *)base;
	p11_plan p;
	CK_MECHANISM_TYPE seen[3];
	size_t n_seen = 0, i, j;
	bool der = false, di = false, hashed = false;
	int len;

	for (i = 0; i < f->n_groups; i++) {
		plan_group(e, &f->groups[i], &p);
		if (p.skip[0] != '\0')
			continue;
		der |= p.der;
		di |= p.digestinfo;
		hashed |= p.md != NULL && !p.digestinfo;
		for (j = 0; j < n_seen && seen[j] != p.mech; j++)
			;
		if (j == n_seen && n_seen < SA_COUNTOF(seen))
			seen[n_seen++] = p.mech;
	}
	len = snprintf(out, size, "PKCS#11 C_Verify");
	for (j = 0; j < n_seen && len >= 0 && (size_t)len < size; j++)
		len += snprintf(out + len, size - (size_t)len, "%s%s",
		                j ? "/" : " ", sa_p11_mech_name(seen[j]));
	if (len >= 0 && (size_t)len < size && di)
		len += snprintf(out + len, size - (size_t)len,
		                " over a DigestInfo built by the harness");
	if (len >= 0 && (size_t)len < size && hashed)
		len += snprintf(out + len, size - (size_t)len,
		                ", hash by the harness");
	if (len >= 0 && (size_t)len < size && der)
		(void)snprintf(out + len, size - (size_t)len,
		               "; DER sig -> r||s by the harness (strict; "
		               "refused: 'rejected by DER decoding', token not "
		               "asked)");
}

/* Session objects in a read-only session are allowed (v2.40 §4.4 and the
 * session-state tables, §5.6); a token that wants more gets a read-write
 * session and, if it still refuses, the user login. */
static CK_RV create(p11_engine *e, CK_ATTRIBUTE *t, CK_ULONG n,
                    CK_OBJECT_HANDLE *h)
{
	CK_RV rv;
	CK_SESSION_HANDLE s;

	rv = e->f->C_CreateObject(e->s, t, n, h);
	if (rv == CKR_SESSION_READ_ONLY && !e->rw) {
		(void)e->f->C_CloseSession(e->s);
		e->s = CK_INVALID_HANDLE;
		e->rw = true;
		rv = sa_p11_open(e->base.ctx, CKF_RW_SESSION, &s);
		if (rv != CKR_OK)
			return rv;
		e->s = s;
		sa_case_note(e->base.ctx, "session objects refused in a "
		                          "read-only session; read-write "
		                          "session used");
		rv = e->f->C_CreateObject(e->s, t, n, h);
	}
	if (rv == CKR_USER_NOT_LOGGED_IN && !e->logged_in) {
		e->logged_in = true;
		rv = sa_p11_login(e->base.ctx, e->s, CKU_USER);
		if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN)
			return rv;
		sa_case_note(e->base.ctx, "session objects need the user "
		                          "login on this token; logged in");
		rv = e->f->C_CreateObject(e->s, t, n, h);
	}
	return rv;
}

/* DER OCTET STRING around the point (v2.40 §2.3.3: CKA_EC_POINT is "DER-
 * encoding of ANSI X9.62 ECPoint value Q"). */
static size_t wrap_octets(const unsigned char *v, size_t len,
                          unsigned char *out, size_t size)
{
	size_t hdr = len < 0x80 ? 2 : len < 0x100 ? 3 : 4;

	if (len > 0xffff || hdr + len > size)
		return 0;
	out[0] = 0x04;
	if (hdr == 2) {
		out[1] = (unsigned char)len;
	} else if (hdr == 3) {
		out[1] = 0x81;
		out[2] = (unsigned char)len;
	} else {
		out[1] = 0x82;
		out[2] = (unsigned char)(len >> 8);
		out[3] = (unsigned char)len;
	}
	memcpy(out + hdr, v, len);
	return hdr + len;
}

static CK_RV import_key(p11_engine *e, const sa_sv_group *g, const p11_plan *p,
                        CK_OBJECT_HANDLE *h)
{
	CK_OBJECT_CLASS cls = CKO_PUBLIC_KEY;
	CK_KEY_TYPE kt;
	CK_BBOOL no = CK_FALSE, yes = CK_TRUE;
	char label[] = "sigaudit-vec";
	unsigned char der[1024], pn[32];
	size_t der_len = 0, pn_len;
	CK_ATTRIBUTE t[8] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_TOKEN, &no, sizeof(no)},
	    {CKA_VERIFY, &yes, sizeof(yes)},
	    {CKA_LABEL, label, sizeof(label) - 1},
	};
	CK_RV rv, first;
	int attempt;
	bool edwards, raw, use_pn;

	*h = CK_INVALID_HANDLE;
	if (g->scheme == SA_SV_RSA_PKCS1 || g->scheme == SA_SV_RSA_PSS) {
		kt = CKK_RSA;
		t[5] = (CK_ATTRIBUTE){CKA_MODULUS, g->n.data, g->n.len};
		t[6] = (CK_ATTRIBUTE){CKA_PUBLIC_EXPONENT, g->e.data, g->e.len};
		return create(e, t, 7, h);
	}
	edwards = p->curve->edwards;
	kt = edwards ? CKK_EC_EDWARDS : CKK_EC;
	der_len = wrap_octets(g->point.data, g->point.len, der, sizeof(der));
	if (der_len == 0)
		return CKR_ARGUMENTS_BAD;
	/* 3.0 Curr. Mech. §2.3.5 (unconfirmed): an Edwards curve may also be
	 * named by the PrintableString "edwards25519" / "edwards448". */
	pn_len = 0;
	if (p->curve->pn != NULL && strlen(p->curve->pn) + 2 <= sizeof(pn)) {
		pn_len = strlen(p->curve->pn);
		pn[0] = 0x13;
		pn[1] = (unsigned char)pn_len;
		memcpy(pn + 2, p->curve->pn, pn_len);
		pn_len += 2;
	}
	first = CKR_OK;
	/* Attempts: the v2.40 form first (OID, DER point), then what tokens
	 * are known to want instead; what worked is kept for the next
	 * groups. */
	for (attempt = 0; attempt < 4; attempt++) {
		raw = (attempt & 1) != 0;
		use_pn = (attempt & 2) != 0;
		if (attempt == 0) {
			raw = edwards ? e->ed_point_raw : e->ec_point_raw;
			use_pn = edwards && e->ed_params_pn;
		}
		if (use_pn && pn_len == 0)
			continue;
		t[5] = use_pn ? (CK_ATTRIBUTE){CKA_EC_PARAMS, pn, pn_len}
		              : (CK_ATTRIBUTE){CKA_EC_PARAMS,
		                               (void *)p->curve->oid,
		                               p->curve->oid_len};
		t[6] = raw ? (CK_ATTRIBUTE){CKA_EC_POINT, g->point.data,
		                            g->point.len}
		           : (CK_ATTRIBUTE){CKA_EC_POINT, der, der_len};
		rv = create(e, t, 7, h);
		if (rv == CKR_OK) {
			if (raw &&
			    !(edwards ? e->ed_point_raw : e->ec_point_raw))
				sa_case_note(
				    e->base.ctx,
				    "token refused CKA_EC_POINT as a DER "
				    "OCTET STRING (%s) and took the raw "
				    "point (v2.40 §2.3.3 wants DER)",
				    sa_p11_rv_name(first));
			if (use_pn && !e->ed_params_pn)
				sa_case_note(e->base.ctx,
				             "token refused the curve OID in "
				             "CKA_EC_PARAMS (%s) and took the "
				             "PrintableString",
				             sa_p11_rv_name(first));
			if (edwards) {
				e->ed_point_raw = raw;
				e->ed_params_pn = use_pn;
			} else {
				e->ec_point_raw = raw;
			}
			return CKR_OK;
		}
		if (first == CKR_OK)
			first = rv;
		if (!edwards && attempt >= 1)
			break;
		if (rv != CKR_ATTRIBUTE_VALUE_INVALID &&
		    rv != CKR_TEMPLATE_INCONSISTENT &&
		    rv != CKR_DOMAIN_PARAMS_INVALID &&
		    rv != CKR_CURVE_NOT_SUPPORTED)
			break;
	}
	return first;
}

/* The CK_RV of C_Verify as an outcome; *other for plausible rejections
 * with an unusual code. */
static sa_vec_seen classify(CK_RV rv, bool *other)
{
	*other = false;
	switch (rv) {
	case CKR_OK:
		return SA_VEC_ACCEPTED;
	case CKR_SIGNATURE_INVALID:
	case CKR_SIGNATURE_LEN_RANGE:
		return SA_VEC_REJECTED;
	case CKR_DATA_LEN_RANGE:
	case CKR_DATA_INVALID:
	case CKR_ARGUMENTS_BAD:
		*other = true;
		return SA_VEC_REJECTED;
	default:
		return SA_VEC_ERROR;
	}
}

/* C_VerifyInit refusals that mean "this token does not do that". */
static bool init_unsupported(CK_RV rv)
{
	return rv == CKR_MECHANISM_INVALID ||
	       rv == CKR_MECHANISM_PARAM_INVALID ||
	       rv == CKR_KEY_TYPE_INCONSISTENT || rv == CKR_KEY_SIZE_RANGE ||
	       rv == CKR_CURVE_NOT_SUPPORTED || rv == CKR_DOMAIN_PARAMS_INVALID;
}

static void verify_test(p11_engine *e, p11_plan *p, CK_OBJECT_HANDLE key,
                        const sa_sv_test *t, sa_sig_rec *rec)
{
	static CK_BYTE empty[1];
	unsigned char hash[EVP_MAX_MD_SIZE], in[EVP_MAX_MD_SIZE + 32];
	unsigned char raw[2 * 80];
	const unsigned char *data = t->msg.data, *sig = t->sig.data;
	const unsigned char *pre;
	size_t dlen = t->msg.len, slen = t->sig.len, hlen = 0, plen = 0;
	sa_ck_eddsa_params ed = {CK_FALSE, 0, NULL};
	sa_error err = SA_ERROR_INIT;
	CK_MECHANISM mech = {p->mech, NULL, 0};
	const char *why = NULL;
	sa_vec_seen seen;
	bool other;
	CK_RV rv;

	if (p->md != NULL) {
		int r = sa_sig_digest(p->md, data, dlen, hash, &hlen, &err);
		if (r == SA_E_UNSUPPORTED) {
			sa_sig_rec_skip(rec, t, err.msg);
			return;
		}
		if (r < 0) {
			sa_sig_rec_result(rec, t, SA_VEC_ERROR, "digest failed",
			                  false);
			return;
		}
		data = hash;
		dlen = hlen;
		if (p->digestinfo) {
			pre = sa_sig_digestinfo_prefix(p->md, &plen);
			if (pre == NULL || plen + hlen > sizeof(in)) {
				sa_sig_rec_skip(rec, t, "no DigestInfo");
				return;
			}
			memcpy(in, pre, plen);
			memcpy(in + plen, hash, hlen);
			data = in;
			dlen = plen + hlen;
		}
	}
	if (p->der) {
		if (2 * p->half > sizeof(raw)) {
			sa_sig_rec_skip(rec, t, "curve too large for r||s");
			return;
		}
		if (!sa_sig_ecdsa_der_to_raw(sig, slen, p->half, raw, &why)) {
			rec->why = why;
			sa_sig_rec_result(rec, t, SA_VEC_REJECTED,
			                  "rejected by DER decoding", false);
			rec->why = NULL;
			return;
		}
		sig = raw;
		slen = 2 * p->half;
	}
	if (p->has_pss) {
		mech.pParameter = &p->pss;
		mech.ulParameterLen = sizeof(p->pss);
	} else if (p->has_ed) {
		mech.pParameter = &ed;
		mech.ulParameterLen = sizeof(ed);
	}
	rv = e->f->C_VerifyInit(e->s, &mech, key);
	if (rv == CKR_MECHANISM_PARAM_INVALID && p->has_ed) {
		/* A token that names Ed448 by the key alone. */
		mech.pParameter = NULL;
		mech.ulParameterLen = 0;
		rv = e->f->C_VerifyInit(e->s, &mech, key);
		if (rv == CKR_OK) {
			e->ed448_noparams = true;
			p->has_ed = false;
			sa_case_note(e->base.ctx,
			             "CKM_EDDSA with CK_EDDSA_PARAMS refused "
			             "(CKR_MECHANISM_PARAM_INVALID); Ed448 run "
			             "without parameters");
		}
	}
	if (rv != CKR_OK) {
		char why_buf[96];

		snprintf(why_buf, sizeof(why_buf), "C_VerifyInit %s",
		         sa_p11_rv_name(rv));
		if (init_unsupported(rv))
			sa_sig_rec_skip(rec, t, why_buf);
		else
			sa_sig_rec_result(rec, t, SA_VEC_ERROR, why_buf, false);
		return;
	}
	rv = e->f->C_Verify(e->s, dlen ? (CK_BYTE_PTR)data : empty,
	                    (CK_ULONG)dlen, slen ? (CK_BYTE_PTR)sig : empty,
	                    (CK_ULONG)slen);
	seen = classify(rv, &other);
	sa_sig_rec_result(rec, t, seen, sa_p11_rv_name(rv), other);
}

static void run(sa_sig_engine *base, const sa_sv_file *f, sa_sig_rec *rec)
{
	p11_engine *e = (p11_engine *)base;
	CK_OBJECT_HANDLE key;
	p11_plan p;
	char why[160];
	size_t gi, ti;
	CK_RV rv;

	for (gi = 0; gi < f->n_groups; gi++) {
		const sa_sv_group *g = &f->groups[gi];

		plan_group(e, g, &p);
		rv = CKR_OK;
		key = CK_INVALID_HANDLE;
		if (p.skip[0] == '\0') {
			rv = import_key(e, g, &p, &key);
			if (rv != CKR_OK)
				snprintf(
				    p.skip, sizeof(p.skip),
				    "key import refused: C_CreateObject %s",
				    sa_p11_rv_name(rv));
		}
		snprintf(why, sizeof(why), "%s", p.skip);
		for (ti = g->first; ti < g->first + g->count && ti < f->n_tests;
		     ti++) {
			if (why[0] != '\0')
				sa_sig_rec_skip(rec, &f->tests[ti], why);
			else
				verify_test(e, &p, key, &f->tests[ti], rec);
		}
		if (key != CK_INVALID_HANDLE)
			(void)e->f->C_DestroyObject(e->s, key);
	}
}

static void engine_free(sa_sig_engine *base)
{
	p11_engine *e = (p11_engine *)base;

	if (e->s != CK_INVALID_HANDLE)
		(void)e->f->C_CloseSession(e->s);
	free(e);
}

static const sa_sig_engine_ops p11_ops = {describe, run, engine_free};

int sa_sig_engine_p11_new(sa_case_ctx *ctx, sa_sig_engine **out)
{
	int rc = SA_E_NOMEM;
	p11_engine *e = NULL;
	CK_RV rv;

	*out = NULL;
	e = calloc(1, sizeof(*e));
	if (e == NULL) {
		sa_case_error(ctx, "out of memory");
		goto out;
	}
	e->base.ops = &p11_ops;
	e->base.ctx = ctx;
	e->base.role = SA_VEC_TARGET;
	e->f = sa_case_p11(ctx);
	e->s = CK_INVALID_HANDLE;
	if (e->f == NULL) {
		rc = SA_E_MODULE;
		sa_case_error(ctx, "no PKCS#11 module in this case");
		goto out;
	}
	rv = sa_p11_open(ctx, 0, &e->s);
	if (rv != CKR_OK) {
		e->s = CK_INVALID_HANDLE;
		rc = SA_E_CKR;
		sa_case_error(ctx, "set-up: C_OpenSession: %s",
		              sa_p11_rv_name(rv));
		goto out;
	}
	*out = &e->base;
	e = NULL;
	rc = SA_OK;
out:
	if (e != NULL)
		engine_free(&e->base);
	return rc;
}
