/* P11-MECH-05: the mechanism support matrix with keys (catalogue MECH-02;
 * issue 3: "a mechanism it lists but that does not work is a fail; the
 * matrix is part of the results").
 *
 * For every mechanism the token lists and every operation flag it
 * advertises (B2.40 §3.5 "Mechanism Information Flags" (unconfirmed)), the
 * case runs the operation once with session keys it makes or imports, of a
 * size inside the mechanism's [ulMinKeySize, ulMaxKeySize], and checks the
 * output: against OpenSSL where the algorithm is standard (known-answer or
 * cross-verification), else by a round trip on the token. A flag the case
 * cannot exercise (vendor mechanism, unknown parameters) is recorded as
 * "not exercised" with the reason, never as working.
 *
 * Keys are made in one session ("own") and used in another ("ops"): an
 * operation the token leaves active after a failure is cleared by closing
 * the ops session, which does not destroy the keys. Every object is a
 * session object (CKA_TOKEN = FALSE) and is destroyed before the case
 * ends. */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "sigaudit/buf.h"

#include "init_slot.h"
#include "mech_matrix.h"

/* Entries spelled out in the "not exercised" note; the evidence has all. */
#define SA_MM_NOTE_SHOW 24

/* One column per operation flag (B2.40 §3.5 Table 34 (unconfirmed)). */
static const struct {
	CK_FLAGS bit;
	const char *name;
} cols[SA_MM_NCOL] = {
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
};

bool sa_mm_rv_ok(struct sa_mm_rv r)
{
	return r.rv == CKR_OK && r.bad == NULL;
}

/* ---- cells ---- */

bool sa_mm_adv(const struct sa_mm_row *r, enum sa_mm_col c)
{
	return r != NULL && r->info_rv == CKR_OK &&
	       (r->info.flags & cols[c].bit) != 0;
}

/* The first result recorded for a cell stands; flags the mechanism does not
 * advertise get no cell. */
void sa_mm_cell_set(struct sa_mm_row *r, enum sa_mm_col c, sa_mm_state st,
                    const char *fmt, ...)
{
	struct sa_mm_cell *cell;
	char detail[SA_MM_TEXT];
	va_list ap;
	const char *word = st == SA_MM_WORKS   ? "works"
	                   : st == SA_MM_FAILS ? "fails"
	                                       : "not exercised";

	if (!sa_mm_adv(r, c) || r->cell[c].st != SA_MM_UNSET)
		goto out;
	cell = &r->cell[c];
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	cell->st = st;
	if (detail[0] != '\0')
		snprintf(cell->text, sizeof(cell->text), "%s (%s)", word,
		         detail);
	else
		snprintf(cell->text, sizeof(cell->text), "%s", word);
out:
	return;
}

void sa_mm_cell_rv(struct sa_mm_row *r, enum sa_mm_col c, struct sa_mm_rv rv)
{
	if (rv.bad != NULL)
		sa_mm_cell_set(r, c, SA_MM_FAILS, "%s: %s", rv.where, rv.bad);
	else
		sa_mm_cell_set(r, c, SA_MM_FAILS, "%s %s", rv.where,
		               sa_p11_rv_name(rv.rv));
}

/* Every advertised cell of the given columns that is still open. */
void sa_mm_cells_notex(struct sa_mm_row *r, const enum sa_mm_col *c, size_t n,
                       const char *why)
{
	size_t i;

	for (i = 0; i < n; i++)
		sa_mm_cell_set(r, c[i], SA_MM_NOTEX, "%s", why);
}

struct sa_mm_row *sa_mm_row_get(struct sa_mm *m, CK_MECHANISM_TYPE t)
{
	struct sa_mm_row *r = NULL;
	CK_ULONG i;

	for (i = 0; i < m->n && r == NULL; i++)
		if (m->rows[i].type == t && m->rows[i].info_rv == CKR_OK)
			r = &m->rows[i];
	return r;
}

/* The advertised key-size range; a maximum of 0 means "no bound given". */
void sa_mm_range(const struct sa_mm_row *r, CK_ULONG *lo, CK_ULONG *hi)
{
	*lo = r != NULL ? r->info.ulMinKeySize : 0;
	*hi = (r == NULL || r->info.ulMaxKeySize == 0) ? ULONG_MAX
	                                               : r->info.ulMaxKeySize;
}

bool sa_mm_in_range(const struct sa_mm_row *r, CK_ULONG v)
{
	CK_ULONG lo, hi;

	sa_mm_range(r, &lo, &hi);
	return lo <= v && v <= hi;
}

/* ---- the case ---- */

/* Every advertised flag nothing above exercised: say why. */
static void close_cells(struct sa_mm *m)
{
	struct sa_mm_row *r;
	CK_ULONG i;
	size_t c;
	const char *why;

	for (i = 0; i < m->n; i++) {
		r = &m->rows[i];
		for (c = 0; c < SA_MM_NCOL; c++) {
			if (r->type >= CKM_VENDOR_DEFINED)
				why = "vendor-defined mechanism";
			else if (!sa_mm_known(r->type))
				why = c == SA_MM_DERIVE
				          ? "no parameters known for this "
				            "mechanism"
				          : "mechanism not known to sigaudit";
			else if (c == SA_MM_DERIVE)
				why = "no parameters known";
			else
				why = "no test for this flag of this "
				      "mechanism";
			sa_mm_cell_set(r, (enum sa_mm_col)c, SA_MM_NOTEX, "%s",
			               why);
		}
	}
}

/* The matrix as evidence, one line per mechanism, a column per flag. */
static void write_matrix(struct sa_mm *m)
{
	sa_buf ev = SA_BUF_INIT;
	const struct sa_mm_row *r;
	CK_ULONG i;
	size_t c;
	bool first;

	sa_buf_append_str(&ev, "# mechanism\tflags");
	for (c = 0; c < SA_MM_NCOL; c++)
		sa_buf_appendf(&ev, "\t%s", cols[c].name);
	sa_buf_append_str(&ev, "\n");
	for (i = 0; i < m->n; i++) {
		r = &m->rows[i];
		sa_buf_appendf(&ev, "%s\t", sa_p11_mech_name(r->type));
		if (r->info_rv != CKR_OK) {
			sa_buf_appendf(&ev, "C_GetMechanismInfo %s\n",
			               sa_p11_rv_name(r->info_rv));
			continue;
		}
		first = true;
		for (c = 0; c < SA_MM_NCOL; c++) {
			if (!sa_mm_adv(r, (enum sa_mm_col)c))
				continue;
			sa_buf_appendf(&ev, "%s%s", first ? "" : "|",
			               cols[c].name);
			first = false;
		}
		if (first)
			sa_buf_append_str(&ev, "-");
		for (c = 0; c < SA_MM_NCOL; c++)
			sa_buf_appendf(&ev, "\t%s",
			               sa_mm_adv(r, (enum sa_mm_col)c)
			                   ? r->cell[c].text
			                   : "-");
		sa_buf_append_str(&ev, "\n");
	}
	if (sa_buf_ok(&ev))
		(void)sa_case_evidence(m->ctx, "mechanism-matrix.tsv", ev.data,
		                       ev.len);
	sa_buf_free(&ev);
}

/* One check per exercised (mechanism, flag); the rest in a note. */
static void record(struct sa_mm *m, long ms)
{
	const struct sa_mm_row *r;
	sa_buf notex = SA_BUF_INIT;
	unsigned works = 0, fails = 0, nx = 0, bad_info = 0;
	CK_ULONG i;
	size_t c;
	char what[96];

	for (i = 0; i < m->n; i++) {
		r = &m->rows[i];
		if (r->info_rv != CKR_OK) {
			/* Listed but refused: the mechanism does not work
			 * for anything (B2.40 §5.5.6). */
			bad_info++;
			snprintf(what, sizeof(what), "%s listed: %s",
			         sa_p11_mech_name(r->type),
			         "C_GetMechanismInfo");
			sa_case_checkf(m->ctx, false, what, "CKR_OK", "%s",
			               sa_p11_rv_name(r->info_rv));
			continue;
		}
		for (c = 0; c < SA_MM_NCOL; c++) {
			if (!sa_mm_adv(r, (enum sa_mm_col)c))
				continue;
			if (r->cell[c].st == SA_MM_NOTEX) {
				if (nx++ < SA_MM_NOTE_SHOW)
					sa_buf_appendf(
					    &notex, "%s%s %s: %s",
					    nx > 1 ? "; " : "",
					    sa_p11_mech_name(r->type),
					    cols[c].name, r->cell[c].text);
				continue;
			}
			snprintf(what, sizeof(what), "%s %s",
			         sa_p11_mech_name(r->type), cols[c].name);
			sa_case_check(m->ctx, r->cell[c].st == SA_MM_WORKS,
			              what, "works", r->cell[c].text);
			if (r->cell[c].st == SA_MM_WORKS)
				works++;
			else
				fails++;
		}
	}
	sa_case_note(m->ctx,
	             "mechanism matrix: %lu mechanism(s) listed; (mechanism, "
	             "flag) pairs: %u work, %u fail, %u not exercised%s; "
	             "%u listed without information; %ld ms",
	             (unsigned long)m->n, works, fails, nx,
	             nx > 0 ? " (never counted as passed)" : "", bad_info, ms);
	if (nx > 0)
		sa_case_note(m->ctx, "not exercised: %s%s", sa_buf_cstr(&notex),
		             nx > SA_MM_NOTE_SHOW
		                 ? "; ... (all in mechanism-matrix.tsv)"
		                 : "");
	if (m->n == 0)
		sa_case_skip(m->ctx, "the token lists no mechanism");
	else if (works + fails + bad_info == 0)
		sa_case_info(m->ctx,
		             "no listed mechanism flag could be "
		             "exercised (all %u not exercised)",
		             nx);
	sa_buf_free(&notex);
}

static int load_rows(struct sa_mm *m)
{
	CK_MECHANISM_TYPE *types = NULL;
	CK_ULONG n = 0, i;
	int rc = -1;

	if (sa_p11is_mech_list(m->ctx, m->fl, sa_case_slot(m->ctx), &types,
	                       &n) < 0)
		goto out;
	if (n > 0) {
		m->rows = calloc((size_t)n, sizeof(*m->rows));
		if (m->rows == NULL) {
			sa_case_error(m->ctx, "out of memory");
			goto out;
		}
	}
	for (i = 0; i < n; i++) {
		m->rows[i].type = types[i];
		m->rows[i].info_rv = m->fl->C_GetMechanismInfo(
		    sa_case_slot(m->ctx), types[i], &m->rows[i].info);
	}
	m->n = n;
	rc = 0;
out:
	free(types);
	return rc;
}

/* The functions this case calls beyond those sa_p11is_fl() checks. */
static bool have_functions(struct sa_mm *m)
{
	const CK_FUNCTION_LIST *f = m->fl;
	bool ok = f->C_EncryptInit && f->C_Encrypt && f->C_DecryptInit &&
	          f->C_Decrypt && f->C_SignInit && f->C_Sign &&
	          f->C_VerifyInit && f->C_Verify && f->C_SignRecoverInit &&
	          f->C_SignRecover && f->C_VerifyRecoverInit &&
	          f->C_VerifyRecover && f->C_WrapKey && f->C_UnwrapKey &&
	          f->C_DeriveKey && f->C_CreateObject;

	/* B2.40 §5.1.6 (unconfirmed): unsupported functions are stubs that
	 * return CKR_FUNCTION_NOT_SUPPORTED, never NULL entries. */
	sa_case_check(m->ctx, ok,
	              "function list has the cryptographic functions",
	              "non-NULL pointers", ok ? "all present" : "NULL entry");
	return ok;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void cleanup(struct sa_mm *m)
{
	size_t i;
	struct sa_mm_pair *p;

	for (i = 0; i < m->n_pairs; i++) {
		p = &m->pairs[i];
		if (m->have_own) {
			sa_mm_destroy(m, m->own, &p->pub);
			sa_mm_destroy(m, m->own, &p->priv);
		}
		EVP_PKEY_free(p->pkey);
		sa_buf_free(&p->p);
		sa_buf_free(&p->g);
		sa_buf_free(&p->y);
	}
	for (i = 0; i < m->n_secrets; i++) {
		if (m->have_own)
			sa_mm_destroy(m, m->own, &m->secrets[i].h);
		OPENSSL_cleanse(m->secrets[i].val, sizeof(m->secrets[i].val));
	}
	if (m->have_own && m->target_tried)
		sa_mm_destroy(m, m->own, &m->target.h);
	sa_buf_free(&m->dsa.p);
	sa_buf_free(&m->dsa.q);
	sa_buf_free(&m->dsa.g);
	sa_buf_free(&m->dh_gen.p);
	sa_buf_free(&m->dh_gen.q);
	sa_buf_free(&m->dh_gen.g);
	if (m->have_ops)
		(void)m->fl->C_CloseSession(m->ops);
	if (m->logged_in)
		(void)m->fl->C_Logout(m->own);
	if (m->have_own)
		(void)m->fl->C_CloseSession(m->own);
	free(m->rows);
	sa_mm_ossl_ctx_close(&m->oc);
}

void sa_p11is_mech05(sa_case_ctx *ctx)
{
	struct sa_mm m;
	long t0 = now_ms();
	CK_RV rv;

	memset(&m, 0, sizeof(m));
	m.ctx = ctx;
	m.fl = sa_p11is_fl(ctx);
	if (m.fl == NULL || !have_functions(&m))
		goto out;
	if (load_rows(&m) < 0)
		goto out;
	m.have_own = sa_p11_check_rv(ctx, "C_OpenSession (RW)",
	                             sa_p11_open(ctx, CKF_RW_SESSION, &m.own),
	                             CKR_OK, SA_STRICT_ONLY);
	if (!m.have_own)
		goto out;
	/* Login is set-up: private keys are CKA_PRIVATE, as real signing
	 * keys are. */
	rv = sa_p11_login(ctx, m.own, CKU_USER);
	if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) {
		sa_case_error(ctx, "C_Login(CKU_USER) failed: %s",
		              sa_p11_rv_name(rv));
		goto out;
	}
	m.logged_in = true;
	m.have_ops = sa_p11_open(ctx, CKF_RW_SESSION, &m.ops) == CKR_OK;
	if (!m.have_ops) {
		sa_case_error(ctx, "could not open a second session");
		goto out;
	}
	sa_mm_ossl_ctx_open(&m.oc);
	if (m.oc.legacy == NULL)
		sa_case_note(ctx, "OpenSSL's legacy provider is not available: "
		                  "single DES is checked by round trips only");
	sa_mm_exercise(&m);
	close_cells(&m);
	write_matrix(&m);
	record(&m, now_ms() - t0);
out:
	cleanup(&m);
}
