/* Catalogue group B, mechanisms (P11-MECH-01..04). The runner has
 * initialised the module and selected the profile's token (SA_NEED_TOKEN).
 * Keys made here are session objects (CKA_TOKEN = FALSE), destroyed before
 * the case ends. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "init_slot.h"
#include "sigaudit/buf.h"

/* At most this many failures are spelled out in a check's observed text;
 * the evidence file has them all. */
#define SA_MECH_SHOW 8

/* CK_MECHANISM_INFO.flags bits by the version that defines them. B2.40 §3.5
 * table 34 (unconfirmed number): CKF_HW, CKF_ENCRYPT..CKF_DERIVE
 * (0x100..0x80000), the EC flags 0x100000..0x2000000, CKF_EXTENSION. B3.0
 * adds the message-based flags 0x2..0x20, CKF_FIND_OBJECTS 0x40 and
 * CKF_EC_CURVENAME 0x4000000; 3.2 CKF_ENCAPSULATE/DECAPSULATE 0x10000000,
 * 0x20000000. Anything else is defined by no version. */
#define SA_MECH_FLAGS_V240 (0x1UL | 0x03FFFF00UL | 0x80000000UL)
#define SA_MECH_FLAGS_V3X  (0x7EUL | 0x04000000UL | 0x30000000UL)

/* Mechanisms no current token implements: the withdrawn Fortezza-era
 * algorithms of the historical mechanisms specification. The first one the
 * token does not list is used as "unlisted". */
static const CK_MECHANISM_TYPE unlisted_candidates[] = {
    CKM_FASTHASH,         /* 0x1070 */
    CKM_SKIPJACK_KEY_GEN, /* 0x1000 */
    0x1010UL,             /* CKM_KEA_KEY_PAIR_GEN */
    0x1030UL,             /* CKM_BATON_KEY_GEN */
    0x1060UL,             /* CKM_JUNIPER_KEY_GEN */
};

static bool mech_listed(const CK_MECHANISM_TYPE *m, CK_ULONG n,
                        CK_MECHANISM_TYPE x)
{
	CK_ULONG i;
	bool found = false;

	for (i = 0; i < n && !found; i++)
		found = m[i] == x;
	return found;
}

/* Flag names for notes and the evidence matrix (B2.40 §3.5 table
 * "Mechanism Information Flags"). */
static void flags_str(sa_buf *b, CK_FLAGS f)
{
	static const struct {
		CK_FLAGS bit;
		const char *name;
	} names[] = {
	    {CKF_HW, "HW"},
	    {CKF_ENCRYPT, "ENCRYPT"},
	    {CKF_DECRYPT, "DECRYPT"},
	    {CKF_DIGEST, "DIGEST"},
	    {CKF_SIGN, "SIGN"},
	    {CKF_SIGN_RECOVER, "SIGN_RECOVER"},
	    {CKF_VERIFY, "VERIFY"},
	    {CKF_VERIFY_RECOVER, "VERIFY_RECOVER"},
	    {CKF_GENERATE, "GENERATE"},
	    {CKF_GENERATE_KEY_PAIR, "GENERATE_KEY_PAIR"},
	    {CKF_WRAP, "WRAP"},
	    {CKF_UNWRAP, "UNWRAP"},
	    {CKF_DERIVE, "DERIVE"},
	    {CKF_EC_F_P, "EC_F_P"},
	    {1UL << 21, "EC_F_2M"},
	    {1UL << 22, "EC_ECPARAMETERS"},
	    {CKF_EC_NAMEDCURVE, "EC_NAMEDCURVE"},
	    {CKF_EC_UNCOMPRESS, "EC_UNCOMPRESS"},
	    {CKF_EC_COMPRESS, "EC_COMPRESS"},
	    {CKF_EXTENSION, "EXTENSION"},
	};
	CK_FLAGS rest = f;
	size_t i;
	bool first = true;

	for (i = 0; i < SA_COUNTOF(names); i++) {
		if (!(f & names[i].bit))
			continue;
		sa_buf_appendf(b, "%s%s", first ? "" : "|", names[i].name);
		rest &= ~names[i].bit;
		first = false;
	}
	if (rest != 0)
		sa_buf_appendf(b, "%s0x%lx", first ? "" : "|",
		               (unsigned long)rest);
	else if (first)
		sa_buf_append_str(b, "0");
}

/* The mechanisms of the case's slot with their info; entries whose
 * C_GetMechanismInfo failed have ok[i] = false. */
struct mech_table {
	CK_MECHANISM_TYPE *type;
	CK_MECHANISM_INFO *info;
	CK_RV *rv;
	CK_ULONG n;
};

static void mech_table_free(struct mech_table *t)
{
	free(t->type);
	free(t->info);
	free(t->rv);
	memset(t, 0, sizeof(*t));
}

static int mech_table_load(sa_case_ctx *ctx, CK_FUNCTION_LIST_PTR fl,
                           CK_SLOT_ID slot, struct mech_table *t)
{
	int rc = -1;
	CK_ULONG i;

	memset(t, 0, sizeof(*t));
	if (sa_p11is_mech_list(ctx, fl, slot, &t->type, &t->n) < 0)
		goto out;
	if (t->n == 0) {
		rc = 0;
		goto out;
	}
	t->info = calloc((size_t)t->n, sizeof(*t->info));
	t->rv = calloc((size_t)t->n, sizeof(*t->rv));
	if (t->info == NULL || t->rv == NULL) {
		sa_case_error(ctx, "out of memory");
		goto out;
	}
	for (i = 0; i < t->n; i++)
		t->rv[i] =
		    fl->C_GetMechanismInfo(slot, t->type[i], &t->info[i]);
	rc = 0;
out:
	if (rc < 0)
		mech_table_free(t);
	return rc;
}

/* ---- P11-MECH-01 ---- */

void sa_p11is_mech01(sa_case_ctx *ctx)
{
	CK_FUNCTION_LIST_PTR fl = sa_p11is_fl(ctx);
	CK_SLOT_ID slot = sa_case_slot(ctx), ev_slot = 0;
	struct mech_table t = {0};
	CK_MECHANISM_INFO mi;
	CK_MECHANISM_TYPE unlisted = CKM_VENDOR_DEFINED;
	sa_buf info_fail = SA_BUF_INIT, minmax_fail = SA_BUF_INIT;
	sa_buf ev = SA_BUF_INIT, dup = SA_BUF_INIT;
	sa_buf undef = SA_BUF_INIT, v3only = SA_BUF_INIT;
	unsigned n_info_fail = 0, n_minmax_fail = 0, n_undef = 0, n_v3only = 0;
	CK_INFO li;
	bool v3_module = false;
	bool have_unlisted = false;
	CK_ULONG i, j;
	char what[96];

	if (fl == NULL)
		goto out;
	if (mech_table_load(ctx, fl, slot, &t) < 0)
		goto out;
	memset(&li, 0, sizeof(li));
	if (fl->C_GetInfo(&li) == CKR_OK)
		v3_module = li.cryptokiVersion.major >= 3;
	sa_case_note(ctx, "slot 0x%lx lists %lu mechanism(s)",
	             (unsigned long)slot, (unsigned long)t.n);
	sa_buf_append_str(&ev, "# mechanism\trv\tminKeySize\tmaxKeySize\t"
	                       "flags\n");
	for (i = 0; i < t.n; i++) {
		sa_buf_appendf(&ev, "%s\t%s\t%lu\t%lu\t",
		               sa_p11_mech_name(t.type[i]),
		               sa_p11_rv_name(t.rv[i]),
		               (unsigned long)t.info[i].ulMinKeySize,
		               (unsigned long)t.info[i].ulMaxKeySize);
		flags_str(&ev, t.info[i].flags);
		sa_buf_append_str(&ev, "\n");
		for (j = 0; j < i; j++)
			if (t.type[j] == t.type[i])
				break;
		if (j < i)
			sa_buf_appendf(&dup, " %s",
			               sa_p11_mech_name(t.type[i]));
		if (t.rv[i] != CKR_OK) {
			if (n_info_fail++ < SA_MECH_SHOW)
				sa_buf_appendf(&info_fail, "%s%s: %s",
				               n_info_fail > 1 ? "; " : "",
				               sa_p11_mech_name(t.type[i]),
				               sa_p11_rv_name(t.rv[i]));
			continue;
		}
		{
			CK_FLAGS f = t.info[i].flags;
			CK_FLAGS u =
			    f & ~(SA_MECH_FLAGS_V240 | SA_MECH_FLAGS_V3X);
			CK_FLAGS v3 = f & SA_MECH_FLAGS_V3X;
			if (u != 0 && n_undef++ < SA_MECH_SHOW)
				sa_buf_appendf(&undef, "%s%s: 0x%lx",
				               n_undef > 1 ? "; " : "",
				               sa_p11_mech_name(t.type[i]),
				               (unsigned long)u);
			if (v3 != 0 && !v3_module && n_v3only++ < SA_MECH_SHOW)
				sa_buf_appendf(&v3only, "%s%s: 0x%lx",
				               n_v3only > 1 ? "; " : "",
				               sa_p11_mech_name(t.type[i]),
				               (unsigned long)v3);
		}
		if (t.info[i].ulMinKeySize > t.info[i].ulMaxKeySize &&
		    n_minmax_fail++ < SA_MECH_SHOW)
			sa_buf_appendf(&minmax_fail, "%s%s: min %lu > max %lu",
			               n_minmax_fail > 1 ? "; " : "",
			               sa_p11_mech_name(t.type[i]),
			               (unsigned long)t.info[i].ulMinKeySize,
			               (unsigned long)t.info[i].ulMaxKeySize);
	}
	if (sa_buf_ok(&ev))
		(void)sa_case_evidence(ctx, "mechanisms.tsv", ev.data, ev.len);
	if (dup.len > 0)
		sa_case_note(ctx, "mechanisms listed more than once:%s",
		             sa_buf_cstr(&dup));

	/* B2.40 §5.5.6: a mechanism the token lists must have info. */
	sa_case_checkf(ctx, n_info_fail == 0,
	               "C_GetMechanismInfo for every listed mechanism",
	               "CKR_OK for all", "%s%s",
	               n_info_fail == 0 ? "all ok" : sa_buf_cstr(&info_fail),
	               n_info_fail > SA_MECH_SHOW ? "; ..." : "");
	sa_case_checkf(
	    ctx, n_minmax_fail == 0,
	    "ulMinKeySize <= ulMaxKeySize for every mechanism", "min <= max",
	    "%s%s", n_minmax_fail == 0 ? "all ok" : sa_buf_cstr(&minmax_fail),
	    n_minmax_fail > SA_MECH_SHOW ? "; ..." : "");

	/* Flags no version defines are garbage a caller may act on. Bits that
	 * only v3.x defines, from a module that says it is v2.x, are
	 * tolerated (lenient): a v2.40 caller ignores them. */
	sa_case_checkf(ctx, n_undef == 0,
	               "CK_MECHANISM_INFO.flags has only defined bits",
	               "no bit outside B2.40/B3.x table 34", "%s%s",
	               n_undef == 0 ? "all defined" : sa_buf_cstr(&undef),
	               n_undef > SA_MECH_SHOW ? "; ..." : "");
	if (n_v3only > 0) {
		sa_case_mark_lenient(ctx);
		sa_case_note(ctx,
		             "a v%u.%u module sets flags only PKCS#11 3.x "
		             "defines: %s%s",
		             (unsigned)li.cryptokiVersion.major,
		             (unsigned)li.cryptokiVersion.minor,
		             sa_buf_cstr(&v3only),
		             n_v3only > SA_MECH_SHOW ? "; ..." : "");
	}

	for (i = 0; i < SA_COUNTOF(unlisted_candidates) && !have_unlisted;
	     i++) {
		if (mech_listed(t.type, t.n, unlisted_candidates[i]))
			continue;
		unlisted = unlisted_candidates[i];
		have_unlisted = true;
	}
	if (have_unlisted) {
		memset(&mi, 0, sizeof(mi));
		snprintf(what, sizeof(what), "C_GetMechanismInfo(unlisted %s)",
		         sa_p11_mech_name(unlisted));
		sa_p11_check_rv(ctx, what,
		                fl->C_GetMechanismInfo(slot, unlisted, &mi),
		                CKR_MECHANISM_INVALID, SA_STRICT_ONLY);
	} else {
		sa_case_note(ctx, "every candidate 'unlisted' mechanism is "
		                  "listed: sub-check not applicable");
	}

	/* B2.40 §5.5.4: every slot's event flag is cleared by C_Initialize,
	 * so with nothing inserted or removed there is no event. The stub
	 * answer CKR_FUNCTION_NOT_SUPPORTED is tolerated (catalogue MECH-01).
	 */
	sa_p11_check_rv(ctx,
	                "C_WaitForSlotEvent(CKF_DONT_BLOCK) without an "
	                "event",
	                fl->C_WaitForSlotEvent(CKF_DONT_BLOCK, &ev_slot, NULL),
	                CKR_NO_EVENT, SA_LENIENT(CKR_FUNCTION_NOT_SUPPORTED));
out:
	sa_buf_free(&info_fail);
	sa_buf_free(&minmax_fail);
	sa_buf_free(&ev);
	sa_buf_free(&dup);
	sa_buf_free(&undef);
	sa_buf_free(&v3only);
	mech_table_free(&t);
}

/* ---- P11-MECH-02 ---- */

/* Output length of the parameterless digests whose length is fixed; 0 for
 * others (then only 1..sizeof(buffer) is checked). */
static CK_ULONG digest_len(CK_MECHANISM_TYPE m)
{
	CK_ULONG len = 0;

	switch (m) {
	case CKM_MD2:
	case CKM_MD5:
	case CKM_RIPEMD128:
		len = 16;
		break;
	case CKM_SHA_1:
	case CKM_RIPEMD160:
		len = 20;
		break;
	case CKM_SHA224:
	case CKM_SHA512_224:
	case 0x2b5UL: /* CKM_SHA3_224 */
		len = 28;
		break;
	case CKM_SHA256:
	case CKM_SHA512_256:
	case 0x2b0UL:  /* CKM_SHA3_256 */
	case 0x1210UL: /* CKM_GOSTR3411 */
		len = 32;
		break;
	case CKM_SHA384:
	case 0x2c0UL: /* CKM_SHA3_384 */
		len = 48;
		break;
	case CKM_SHA512:
	case 0x2d0UL: /* CKM_SHA3_512 */
		len = 64;
		break;
	default:
		break;
	}
	return len;
}

struct mech02 {
	sa_case_ctx *ctx;
	CK_FUNCTION_LIST_PTR fl;
	CK_SESSION_HANDLE h;
	bool have_session;
	sa_buf matrix;
	/* failures per sub-check, first few spelled out */
	sa_buf digest_fail, init_fail, gen_fail, genkp_fail;
	unsigned n_digest, n_digest_fail, n_init, n_init_fail, n_gen,
	    n_gen_fail, n_genkp, n_genkp_fail, n_param_note, n_notsup;
	bool lenient;
};

/* "mech: why" into b, separated by "; ", only the first SA_MECH_SHOW. */
static void add_fail(sa_buf *b, unsigned *count, const char *mech,
                     const char *why)
{
	if ((*count)++ < SA_MECH_SHOW)
		sa_buf_appendf(b, "%s%s: %s", *count > 1 ? "; " : "", mech,
		               why);
}

/* A refused operation may leave nothing active, but an accepted one (the
 * failure we look for) leaves an operation open: start a fresh session so
 * the next sub-check is not answered with CKR_OPERATION_ACTIVE. */
static void m02_reopen(struct mech02 *s)
{
	if (s->have_session)
		(void)s->fl->C_CloseSession(s->h);
	s->have_session = sa_p11_open(s->ctx, 0, &s->h) == CKR_OK;
}

/* CKF_DIGEST advertised: the digest must work. */
static void m02_digest(struct mech02 *s, CK_MECHANISM_TYPE type)
{
	CK_MECHANISM mech = {type, NULL, 0};
	CK_BYTE data[] = "abc";
	CK_BYTE out[512];
	CK_ULONG len = sizeof(out), want = digest_len(type);
	const char *name = sa_p11_mech_name(type);
	CK_RV rv;

	s->n_digest++;
	rv = s->fl->C_DigestInit(s->h, &mech);
	if (rv == CKR_MECHANISM_PARAM_INVALID && want == 0) {
		/* A digest that needs parameters (CKM_SHA512_T, ...) cannot
		 * be exercised with none: an observation, not a verdict. */
		s->n_param_note++;
		s->n_digest--;
		sa_buf_append_str(&s->matrix, "\tdigest: needs parameters, "
		                              "not exercised");
		goto out;
	}
	if (rv == CKR_OK) {
		rv = s->fl->C_Digest(s->h, data, sizeof(data) - 1, out, &len);
		/* A failed C_Digest may leave the operation active. */
		if (rv != CKR_OK)
			m02_reopen(s);
	}
	if (rv != CKR_OK) {
		add_fail(&s->digest_fail, &s->n_digest_fail, name,
		         sa_p11_rv_name(rv));
		sa_buf_appendf(&s->matrix, "\tdigest: FAIL (%s)",
		               sa_p11_rv_name(rv));
		goto out;
	}
	if (len == 0 || len > sizeof(out) || (want != 0 && len != want)) {
		char got[32];

		snprintf(got, sizeof(got), "output length %lu",
		         (unsigned long)len);
		add_fail(&s->digest_fail, &s->n_digest_fail, name, got);
		sa_buf_appendf(&s->matrix, "\tdigest: FAIL (%s)", got);
		goto out;
	}
	sa_buf_appendf(&s->matrix, "\tdigest: ok (%lu bytes)",
	               (unsigned long)len);
out:
	return;
}

/* CKF_DIGEST not advertised: C_DigestInit must refuse the mechanism. */
static void m02_digest_refused(struct mech02 *s, CK_MECHANISM_TYPE type)
{
	CK_MECHANISM mech = {type, NULL, 0};
	const char *name = sa_p11_mech_name(type);
	CK_RV rv;

	rv = s->fl->C_DigestInit(s->h, &mech);
	if (rv == CKR_MECHANISM_PARAM_INVALID) {
		/* The parameter check came first: the flag is not tested. */
		s->n_param_note++;
		sa_buf_append_str(&s->matrix, "\tdigest-init: param check "
		                              "first, not decided");
		goto out;
	}
	s->n_init++;
	if (rv == CKR_MECHANISM_INVALID) {
		sa_buf_append_str(&s->matrix, "\tdigest-init: refused");
		goto out;
	}
	add_fail(&s->init_fail, &s->n_init_fail, name, sa_p11_rv_name(rv));
	sa_buf_appendf(&s->matrix, "\tdigest-init: FAIL (%s)",
	               sa_p11_rv_name(rv));
	if (rv == CKR_OK)
		m02_reopen(s);
out:
	return;
}

/* Key generation with a mechanism that does not advertise it. The
 * templates are complete and valid for a generic secret / an RSA pair, so
 * the mechanism is the only thing wrong. TEMPLATE_INCONSISTENT is
 * tolerated: a module may see the key type as inconsistent with the
 * mechanism (B2.40 §5.1.8 (unconfirmed): any applicable code). */
static void m02_gen_refused(struct mech02 *s, CK_MECHANISM_TYPE type, bool pair)
{
	CK_MECHANISM mech = {type, NULL, 0};
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_GENERIC_SECRET;
	CK_ULONG len = 32, bits = 1024;
	CK_BYTE exp[] = {0x01, 0x00, 0x01};
	CK_BBOOL f = CK_FALSE;
	CK_ATTRIBUTE sec[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},     {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_VALUE_LEN, &len, sizeof(len)}, {CKA_TOKEN, &f, sizeof(f)},
	    {CKA_PRIVATE, &f, sizeof(f)},
	};
	CK_ATTRIBUTE pub[] = {
	    {CKA_TOKEN, &f, sizeof(f)},
	    {CKA_MODULUS_BITS, &bits, sizeof(bits)},
	    {CKA_PUBLIC_EXPONENT, exp, sizeof(exp)},
	};
	CK_ATTRIBUTE priv[] = {
	    {CKA_TOKEN, &f, sizeof(f)},
	    {CKA_PRIVATE, &f, sizeof(f)},
	};
	CK_OBJECT_HANDLE k1 = CK_INVALID_HANDLE, k2 = CK_INVALID_HANDLE;
	const char *name = sa_p11_mech_name(type);
	const char *label = pair ? "generate-key-pair" : "generate-key";
	CK_RV rv;

	CK_SESSION_HANDLE h = s->h, rw = CK_INVALID_HANDLE;
	int attempt;

	/* The case's session is RO; a token may refuse any generation there
	 * (CKR_SESSION_READ_ONLY, tpm2-pkcs11) before it looks at the
	 * mechanism, so ask again in an RW session: the rule is about the
	 * mechanism, not the session. */
	for (attempt = 0; attempt < 2; attempt++) {
		if (pair)
			rv = s->fl->C_GenerateKeyPair(
			    h, &mech, pub, SA_COUNTOF(pub), priv,
			    SA_COUNTOF(priv), &k1, &k2);
		else
			rv = s->fl->C_GenerateKey(h, &mech, sec,
			                          SA_COUNTOF(sec), &k1);
		if (rv != CKR_SESSION_READ_ONLY || attempt > 0 ||
		    sa_p11_open(s->ctx, CKF_RW_SESSION, &rw) != CKR_OK)
			break;
		h = rw;
	}
	/* B2.40 §5.1.6: CKR_FUNCTION_NOT_SUPPORTED means the function is
	 * not implemented: nothing to refuse, so not judged. */
	if (rv == CKR_FUNCTION_NOT_SUPPORTED) {
		s->n_notsup++;
		sa_buf_appendf(&s->matrix, "\t%s: not implemented", label);
		goto out;
	}
	if (pair)
		s->n_genkp++;
	else
		s->n_gen++;
	if (rv == CKR_MECHANISM_INVALID) {
		sa_buf_appendf(&s->matrix, "\t%s: refused", label);
		goto out;
	}
	if (rv == CKR_TEMPLATE_INCONSISTENT) {
		s->lenient = true;
		sa_buf_appendf(&s->matrix, "\t%s: refused (lenient %s)", label,
		               sa_p11_rv_name(rv));
		goto out;
	}
	add_fail(pair ? &s->genkp_fail : &s->gen_fail,
	         pair ? &s->n_genkp_fail : &s->n_gen_fail, name,
	         sa_p11_rv_name(rv));
	sa_buf_appendf(&s->matrix, "\t%s: FAIL (%s)", label,
	               sa_p11_rv_name(rv));
out:
	/* Something may have been made despite the missing flag. */
	if (k1 != CK_INVALID_HANDLE)
		(void)s->fl->C_DestroyObject(h, k1);
	if (k2 != CK_INVALID_HANDLE)
		(void)s->fl->C_DestroyObject(h, k2);
	if (rw != CK_INVALID_HANDLE)
		(void)s->fl->C_CloseSession(rw);
}

static void m02_check(struct mech02 *s, const char *what, const char *exp,
                      unsigned n, unsigned n_fail, const sa_buf *fails)
{
	if (n == 0) {
		sa_case_note(s->ctx, "%s: no applicable mechanism", what);
		goto out;
	}
	sa_case_checkf(s->ctx, n_fail == 0, what, exp, "%s%s (%u exercised)",
	               n_fail == 0 ? "all ok" : sa_buf_cstr(fails),
	               n_fail > SA_MECH_SHOW ? "; ..." : "", n);
out:
	return;
}

void sa_p11is_mech02(sa_case_ctx *ctx)
{
	struct mech02 s;
	struct mech_table t = {0};
	CK_SLOT_ID slot = sa_case_slot(ctx);
	/* Flags that need key material: P11-MECH-05 exercises them. */
	static const struct {
		CK_FLAGS bit;
		const char *name;
	} keyed[] = {
	    {CKF_SIGN, "SIGN"},
	    {CKF_VERIFY, "VERIFY"},
	    {CKF_ENCRYPT, "ENCRYPT"},
	    {CKF_DECRYPT, "DECRYPT"},
	    {CKF_WRAP, "WRAP"},
	    {CKF_UNWRAP, "UNWRAP"},
	    {CKF_DERIVE, "DERIVE"},
	    {CKF_GENERATE, "GENERATE"},
	    {CKF_GENERATE_KEY_PAIR, "GENERATE_KEY_PAIR"},
	    {CKF_SIGN_RECOVER, "SIGN_RECOVER"},
	    {CKF_VERIFY_RECOVER, "VERIFY_RECOVER"},
	};
	unsigned keyed_count[SA_COUNTOF(keyed)];
	sa_buf untested = SA_BUF_INIT;
	CK_SESSION_HANDLE anchor = CK_INVALID_HANDLE;
	bool logged_in = false;
	CK_TOKEN_INFO ti;
	CK_RV lrv;
	CK_ULONG i;
	size_t k;
	CK_FLAGS f;

	memset(&s, 0, sizeof(s));
	memset(keyed_count, 0, sizeof(keyed_count));
	s.ctx = ctx;
	s.matrix = (sa_buf)SA_BUF_INIT;
	s.digest_fail = (sa_buf)SA_BUF_INIT;
	s.init_fail = (sa_buf)SA_BUF_INIT;
	s.gen_fail = (sa_buf)SA_BUF_INIT;
	s.genkp_fail = (sa_buf)SA_BUF_INIT;
	s.fl = sa_p11is_fl(ctx);
	if (s.fl == NULL)
		goto out;
	if (mech_table_load(ctx, s.fl, slot, &t) < 0)
		goto out;
	s.have_session =
	    sa_p11_check_rv(ctx, "C_OpenSession", sa_p11_open(ctx, 0, &s.h),
	                    CKR_OK, SA_STRICT_ONLY);
	if (!s.have_session)
		goto out;
	/* B2.40 §6.7.2: with CKF_LOGIN_REQUIRED some functions need a login;
	 * a token may count digesting among them (tpm2-pkcs11 answers
	 * CKR_USER_NOT_LOGGED_IN). The flags under test do not depend on the
	 * login state, so log in through a session kept open for the whole
	 * case (m02_reopen closes the others; the login is the
	 * application's). */
	memset(&ti, 0, sizeof(ti));
	if (s.fl->C_GetTokenInfo(slot, &ti) == CKR_OK &&
	    (ti.flags & CKF_LOGIN_REQUIRED) &&
	    sa_p11_open(ctx, 0, &anchor) == CKR_OK) {
		lrv = sa_p11_login(ctx, anchor, CKU_USER);
		logged_in = lrv == CKR_OK || lrv == CKR_USER_ALREADY_LOGGED_IN;
		if (logged_in)
			sa_case_note(ctx, "CKF_LOGIN_REQUIRED: the user is "
			                  "logged in for the digests");
		else
			sa_case_note(
			    ctx,
			    "CKF_LOGIN_REQUIRED, but C_Login with the "
			    "configured PIN returned %s: the digests run "
			    "in a public session",
			    sa_p11_rv_name(lrv));
	}

	sa_buf_append_str(&s.matrix, "# mechanism\tflags\tresults\n");
	for (i = 0; i < t.n; i++) {
		if (t.rv[i] != CKR_OK)
			continue; /* MECH-01's finding; no flags to trust */
		f = t.info[i].flags;
		sa_buf_appendf(&s.matrix, "%s\t", sa_p11_mech_name(t.type[i]));
		flags_str(&s.matrix, f);
		if (!s.have_session) {
			sa_buf_append_str(&s.matrix, "\tno session\n");
			continue;
		}
		if (f & CKF_DIGEST) {
			m02_digest(&s, t.type[i]);
			if (!(f & CKF_GENERATE))
				m02_gen_refused(&s, t.type[i], false);
			if (!(f & CKF_GENERATE_KEY_PAIR))
				m02_gen_refused(&s, t.type[i], true);
		} else {
			m02_digest_refused(&s, t.type[i]);
		}
		for (k = 0; k < SA_COUNTOF(keyed); k++)
			if (f & keyed[k].bit)
				keyed_count[k]++;
		sa_buf_append_str(&s.matrix, "\n");
	}
	if (sa_buf_ok(&s.matrix))
		(void)sa_case_evidence(ctx, "mechanism-matrix.tsv",
		                       s.matrix.data, s.matrix.len);

	m02_check(&s, "every CKF_DIGEST mechanism digests \"abc\"",
	          "C_DigestInit + C_Digest CKR_OK, expected output length",
	          s.n_digest, s.n_digest_fail, &s.digest_fail);
	m02_check(&s, "C_DigestInit refuses mechanisms without CKF_DIGEST",
	          "CKR_MECHANISM_INVALID", s.n_init, s.n_init_fail,
	          &s.init_fail);
	m02_check(&s,
	          "C_GenerateKey refuses digest mechanisms without "
	          "CKF_GENERATE",
	          "CKR_MECHANISM_INVALID (lenient CKR_TEMPLATE_INCONSISTENT)",
	          s.n_gen, s.n_gen_fail, &s.gen_fail);
	m02_check(&s,
	          "C_GenerateKeyPair refuses digest mechanisms without "
	          "CKF_GENERATE_KEY_PAIR",
	          "CKR_MECHANISM_INVALID (lenient CKR_TEMPLATE_INCONSISTENT)",
	          s.n_genkp, s.n_genkp_fail, &s.genkp_fail);
	if (s.lenient)
		sa_case_mark_lenient(ctx);
	if (s.n_param_note > 0)
		sa_case_note(ctx,
		             "%u mechanism(s) answered "
		             "CKR_MECHANISM_PARAM_INVALID to a parameterless "
		             "init: their flag could not be decided",
		             s.n_param_note);

	if (s.n_notsup > 0)
		sa_case_note(
		    ctx,
		    "%u C_GenerateKey/C_GenerateKeyPair call(s) "
		    "answered CKR_FUNCTION_NOT_SUPPORTED: the function "
		    "is not implemented, its refusal is not judged",
		    s.n_notsup);

	/* Honest accounting: these promises were not exercised. */
	for (k = 0; k < SA_COUNTOF(keyed); k++)
		if (keyed_count[k] > 0)
			sa_buf_appendf(&untested, "%s%s x%u",
			               untested.len > 0 ? ", " : "",
			               keyed[k].name, keyed_count[k]);
	if (untested.len > 0)
		sa_case_note(ctx,
		             "flags that need key material, exercised by "
		             "P11-MECH-05 (the mechanism matrix), not here: %s",
		             sa_buf_cstr(&untested));
out:
	if (s.have_session && s.fl != NULL)
		(void)s.fl->C_CloseSession(s.h);
	if (anchor != CK_INVALID_HANDLE && s.fl != NULL) {
		if (logged_in)
			(void)s.fl->C_Logout(anchor);
		(void)s.fl->C_CloseSession(anchor);
	}
	sa_buf_free(&untested);
	sa_buf_free(&s.matrix);
	sa_buf_free(&s.digest_fail);
	sa_buf_free(&s.init_fail);
	sa_buf_free(&s.gen_fail);
	sa_buf_free(&s.genkp_fail);
	mech_table_free(&t);
}

/* ---- P11-MECH-03 ---- */

/* Above this, "max + 1" could succeed slowly on a module that does not
 * check the bound; the case would time out instead of deciding. */
#define SA_RSA_MAX_PROBE 16384UL

/* C_GenerateKeyPair for an RSA session key pair of `bits`. Handles of
 * whatever was created are destroyed before returning. */
static CK_RV rsa_gen(CK_FUNCTION_LIST_PTR fl, CK_SESSION_HANDLE h,
                     CK_ULONG bits, const char *token_label)
{
	CK_MECHANISM mech = {CKM_RSA_PKCS_KEY_PAIR_GEN, NULL, 0};
	CK_BYTE exp[] = {0x01, 0x00, 0x01};
	CK_BBOOL t = CK_TRUE;
	/* token_label: token objects under that label (a token that keeps
	 * keys only as token objects), destroyed below like session keys. */
	CK_BBOOL tok = token_label != NULL ? CK_TRUE : CK_FALSE;
	const char *label = token_label != NULL ? token_label : "";
	CK_ATTRIBUTE pub[] = {
	    {CKA_TOKEN, &tok, sizeof(tok)},
	    {CKA_MODULUS_BITS, &bits, sizeof(bits)},
	    {CKA_PUBLIC_EXPONENT, exp, sizeof(exp)},
	    {CKA_VERIFY, &t, sizeof(t)},
	    {CKA_LABEL, (void *)label, strlen(label)},
	};
	CK_ATTRIBUTE priv[] = {
	    {CKA_TOKEN, &tok, sizeof(tok)},
	    {CKA_PRIVATE, &t, sizeof(t)},
	    {CKA_SENSITIVE, &t, sizeof(t)},
	    {CKA_SIGN, &t, sizeof(t)},
	    {CKA_LABEL, (void *)label, strlen(label)},
	};
	CK_ULONG n_pub = SA_COUNTOF(pub) - (token_label == NULL ? 1 : 0);
	CK_ULONG n_priv = SA_COUNTOF(priv) - (token_label == NULL ? 1 : 0);

	CK_OBJECT_HANDLE hpub = CK_INVALID_HANDLE, hpriv = CK_INVALID_HANDLE;
	CK_RV rv;

	rv = fl->C_GenerateKeyPair(h, &mech, pub, n_pub, priv, n_priv, &hpub,
	                           &hpriv);
	if (hpub != CK_INVALID_HANDLE)
		(void)fl->C_DestroyObject(h, hpub);
	if (hpriv != CK_INVALID_HANDLE)
		(void)fl->C_DestroyObject(h, hpriv);
	return rv;
}

void sa_p11is_mech03(sa_case_ctx *ctx)
{
	CK_FUNCTION_LIST_PTR fl = sa_p11is_fl(ctx);
	CK_SLOT_ID slot = sa_case_slot(ctx);
	CK_SESSION_HANDLE h = CK_INVALID_HANDLE;
	CK_MECHANISM_INFO mi;
	CK_ULONG min, max, control;
	bool have_session = false, logged_in = false;
	CK_RV rv;
	char what[96], tok_label[48];
	const char *token_label = NULL;
	const CK_RV *size_lenient =
	    SA_LENIENT(CKR_ATTRIBUTE_VALUE_INVALID, CKR_TEMPLATE_INCONSISTENT);

	if (fl == NULL)
		goto out;
	memset(&mi, 0, sizeof(mi));
	if (!sa_p11_check_rv(
	        ctx, "C_GetMechanismInfo(CKM_RSA_PKCS_KEY_PAIR_GEN)",
	        fl->C_GetMechanismInfo(slot, CKM_RSA_PKCS_KEY_PAIR_GEN, &mi),
	        CKR_OK, SA_STRICT_ONLY))
		goto out;
	min = mi.ulMinKeySize;
	max = mi.ulMaxKeySize;
	sa_case_note(ctx, "CKM_RSA_PKCS_KEY_PAIR_GEN advertises %lu..%lu bits",
	             (unsigned long)min, (unsigned long)max);
	if (!sa_case_checkf(ctx, min <= max && max > 0,
	                    "advertised RSA modulus range", "0 < min <= max",
	                    "%lu..%lu", (unsigned long)min, (unsigned long)max))
		goto out;

	/* RW so that no module refuses generation on session type; the keys
	 * are session objects all the same. Login because the private key is
	 * CKA_PRIVATE, as a signing key is. */
	have_session = sa_p11_check_rv(ctx, "C_OpenSession (RW)",
	                               sa_p11_open(ctx, CKF_RW_SESSION, &h),
	                               CKR_OK, SA_STRICT_ONLY);
	if (!have_session)
		goto out;
	/* Login is a precondition here, not the rule under test: a refusal
	 * (wrong PIN in the profile, locked PIN) leaves nothing decided. */
	rv = sa_p11_login(ctx, h, CKU_USER);
	if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) {
		sa_case_error(ctx, "C_Login(CKU_USER) failed: %s",
		              sa_p11_rv_name(rv));
		goto out;
	}
	logged_in = true;

	/* Control inside the range: a module that refuses every size would
	 * otherwise pass the bound checks. */
	control = (min <= 2048 && 2048 <= max) ? 2048 : min;
	snprintf(what, sizeof(what), "in-range control: %lu-bit RSA pair",
	         (unsigned long)control);
	rv = rsa_gen(fl, h, control, NULL);
	/* A token that keeps keys only as token objects (tpm2-pkcs11 refuses
	 * CKA_TOKEN false with CKR_ATTRIBUTE_VALUE_INVALID): the size rule
	 * holds for token objects alike, so ask for those, under a label of
	 * this process, destroyed at once. */
	if (rv == CKR_ATTRIBUTE_VALUE_INVALID ||
	    rv == CKR_TEMPLATE_INCONSISTENT) {
		CK_RV rv_tok;

		snprintf(tok_label, sizeof(tok_label), "sigaudit-mech03-%ld",
		         (long)getpid());
		rv_tok = rsa_gen(fl, h, control, tok_label);
		if (rv_tok == CKR_OK) {
			sa_case_note(ctx,
			             "a session key pair was refused (%s): "
			             "token objects labelled %s are generated "
			             "instead, destroyed at once",
			             sa_p11_rv_name(rv), tok_label);
			token_label = tok_label;
		}
		rv = rv_tok;
	}
	sa_p11_check_rv(ctx, what, rv, CKR_OK, SA_STRICT_ONLY);

	if (min > 1) {
		snprintf(what, sizeof(what),
		         "C_GenerateKeyPair at min - 1 = %lu bits",
		         (unsigned long)(min - 1));
		sa_p11_check_rv(ctx, what, rsa_gen(fl, h, min - 1, token_label),
		                CKR_KEY_SIZE_RANGE, size_lenient);
	} else {
		sa_case_note(ctx, "ulMinKeySize %lu: no size below it to try",
		             (unsigned long)min);
	}
	if (max > SA_RSA_MAX_PROBE) {
		sa_case_note(ctx,
		             "ulMaxKeySize %lu > %lu: max + 1 not tried (a "
		             "module that ignores the bound would take too "
		             "long to answer)",
		             (unsigned long)max, SA_RSA_MAX_PROBE);
	} else {
		snprintf(what, sizeof(what),
		         "C_GenerateKeyPair at max + 1 = %lu bits",
		         (unsigned long)(max + 1));
		sa_p11_check_rv(ctx, what, rsa_gen(fl, h, max + 1, token_label),
		                CKR_KEY_SIZE_RANGE, size_lenient);
	}
out:
	if (logged_in)
		(void)fl->C_Logout(h);
	if (have_session)
		(void)fl->C_CloseSession(h);
}

/* ---- P11-MECH-04 ---- */

/* B3.0 §3.x CK_PROFILE_ID values (unconfirmed section). */
static const char *profile_name(CK_ULONG id)
{
	const char *name = "vendor or unknown";

	switch (id) {
	case 1:
		name = "CKP_BASELINE_PROVIDER";
		break;
	case 2:
		name = "CKP_EXTENDED_PROVIDER";
		break;
	case 3:
		name = "CKP_AUTHENTICATION_TOKEN";
		break;
	case 4:
		name = "CKP_PUBLIC_CERTIFICATES_TOKEN";
		break;
	case 5:
		name = "CKP_COMPLETE_PROVIDER";
		break;
	case 6:
		name = "CKP_HKDF_TLS_TOKEN";
		break;
	default:
		break;
	}
	return name;
}

#define SA_MAX_PROFILES 256

void sa_p11is_mech04(sa_case_ctx *ctx)
{
	CK_FUNCTION_LIST_PTR fl = sa_p11is_fl(ctx);
	CK_SESSION_HANDLE h = CK_INVALID_HANDLE;
	CK_OBJECT_CLASS cls = SA_CKO_PROFILE;
	CK_ATTRIBUTE tmpl[] = {{CKA_CLASS, &cls, sizeof(cls)}};
	CK_OBJECT_HANDLE objs[SA_MAX_PROFILES];
	CK_ULONG n = 0, i, id;
	CK_ATTRIBUTE a;
	CK_INFO info;
	CK_VERSION ver, iver;
	sa_p11is_v3 v3;
	const sa_ck_interface *def;
	const char *why = NULL;
	sa_buf list = SA_BUF_INIT;
	bool have_session = false, finding = false;
	char v[16], what[96];

	memset(&v3, 0, sizeof(v3));
	if (fl == NULL)
		goto out;
	memset(&info, 0, sizeof(info));
	if (!sa_p11_check_rv(ctx, "C_GetInfo", fl->C_GetInfo(&info), CKR_OK,
	                     SA_STRICT_ONLY))
		goto out;
	/* A 3.x module may hand C_GetFunctionList callers a 2.40 view
	 * (NSS softoken does): its default 3.x interface says what it
	 * implements. */
	ver = info.cryptokiVersion;
	if (sa_p11is_v3_open(ctx, &v3, &why) == 0 &&
	    (def = sa_p11is_v3_default(&v3)) != NULL &&
	    def->pFunctionList != NULL) {
		memcpy(&iver, def->pFunctionList, sizeof(iver));
		if (iver.major > ver.major)
			ver = iver;
	}
	if (ver.major < 3) {
		sa_case_skip(ctx,
		             "module implements PKCS#11 %s (no 3.x interface); "
		             "CKO_PROFILE objects (PKCS#11 3.0) not applicable",
		             sa_p11is_version_str(v, sizeof(v), ver));
		goto out;
	}
	have_session =
	    sa_p11_check_rv(ctx, "C_OpenSession", sa_p11_open(ctx, 0, &h),
	                    CKR_OK, SA_STRICT_ONLY);
	if (!have_session)
		goto out;
	if (!sa_p11_check_rv(ctx, "C_FindObjectsInit(CKA_CLASS=CKO_PROFILE)",
	                     fl->C_FindObjectsInit(h, tmpl, SA_COUNTOF(tmpl)),
	                     CKR_OK, SA_STRICT_ONLY))
		goto out;
	finding = true;
	if (!sa_p11_check_rv(ctx, "C_FindObjects",
	                     fl->C_FindObjects(h, objs, SA_MAX_PROFILES, &n),
	                     CKR_OK, SA_STRICT_ONLY))
		goto out;
	if (!sa_case_checkf(ctx, n <= SA_MAX_PROFILES,
	                    "C_FindObjects count within the buffer", "<= 256",
	                    "%lu", (unsigned long)n))
		goto out;
	finding = false;
	sa_p11_check_rv(ctx, "C_FindObjectsFinal", fl->C_FindObjectsFinal(h),
	                CKR_OK, SA_STRICT_ONLY);
	for (i = 0; i < n; i++) {
		id = CK_UNAVAILABLE_INFORMATION;
		a.type = SA_CKA_PROFILE_ID;
		a.pValue = &id;
		a.ulValueLen = sizeof(id);
		snprintf(what, sizeof(what),
		         "CKA_PROFILE_ID of profile object %lu",
		         (unsigned long)i);
		if (!sa_p11_check_rv(ctx, what,
		                     fl->C_GetAttributeValue(h, objs[i], &a, 1),
		                     CKR_OK, SA_STRICT_ONLY))
			continue;
		sa_case_checkf(ctx, a.ulValueLen == sizeof(CK_ULONG), what,
		               "a CK_PROFILE_ID (CK_ULONG)", "length %lu",
		               (unsigned long)a.ulValueLen);
		sa_buf_appendf(&list, "%s%s (0x%lx)", list.len > 0 ? ", " : "",
		               profile_name(id), (unsigned long)id);
	}
	if (n == 0)
		sa_case_info(ctx,
		             "PKCS#11 %s module declares no CKO_PROFILE "
		             "object",
		             sa_p11is_version_str(v, sizeof(v), ver));
	else
		sa_case_info(ctx,
		             "declared profiles: %s; their mandatory checks "
		             "are not run yet",
		             sa_buf_cstr(&list));
out:
	if (finding)
		(void)fl->C_FindObjectsFinal(h);
	if (have_session)
		(void)fl->C_CloseSession(h);
	sa_p11is_v3_close(&v3);
	sa_buf_free(&list);
}
