/* Catalogue group H (concurrency and robustness) of the pkcs11 suite:
 * signing from several threads at once (CON-01) and argument abuse
 * (CON-02).
 *
 * The runner forks a child per case; CON-01 starts threads inside that
 * child. The module was initialised with CKF_OS_LOCKING_OK (p11.h), which
 * is what allows calling it from several threads (B2.40 §5.4.1). Threads
 * call only the module and OpenSSL and write only their own slot of the
 * results; everything is recorded in the case after they are joined.
 *
 * Section numbers: B2.40 = PKCS#11 Base Specification v2.40 Plus Errata 01.
 * A reference marked "(unconfirmed)" could not be checked against the OASIS
 * text when it was written. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sigaudit/guard.h"
#include "sigaudit/profile.h"

#include "keygen_int.h"
#include "session_int.h"
#include "suite.h"

#define R_INITARGS                                                             \
	"PKCS#11 B2.40 §5.4.1 C_Initialize, CKF_OS_LOCKING_OK (unconfirmed)"
#define R_THREADS "PKCS#11 UG2.40 §2.5.2 applications and threads (unconfirmed)"
#define R_SIGN    "PKCS#11 B2.40 §5.11.1-5.11.2 C_SignInit, C_Sign (unconfirmed)"
#define R_RV      "PKCS#11 B2.40 §5.1.6 other return values (unconfirmed)"
#define R_ATTR                                                                 \
	"PKCS#11 B2.40 §5.7.1, §5.7.5-5.7.7 object functions (unconfirmed)"
#define R_CONV                                                                 \
	"PKCS#11 B2.40 §5.2 output buffers, §5.1.6 CKR_ARGUMENTS_BAD "       \
	"(unconfirmed)"

/* CON-01: N threads x M sessions, K signatures per thread, bounded. */
#define CON_THREADS  4
#define CON_SESSIONS 2
#define CON_SIGS     50
#define CON_BOUND_MS 20000L
#define CON_SIG_MAX  512

/* One key the threads sign with. */
struct con_key {
	const char *name;
	CK_OBJECT_HANDLE priv;
	CK_MECHANISM_TYPE mech;
	EVP_PKEY *pk;
};

/* One signature attempt. */
struct con_sig {
	CK_RV rv;       /* CKR_OK or the first failing call's code */
	const char *fn; /* the call that failed */
	size_t key;     /* index into the keys */
	CK_ULONG len;
	unsigned char sig[CON_SIG_MAX];
	unsigned char in[64]; /* what C_Sign got */
	size_t in_len;
};

/* What one thread does and saw. */
struct con_thread {
	CK_FUNCTION_LIST_PTR f;
	CK_SLOT_ID slot;
	int id;
	const struct con_key *keys;
	size_t n_keys;
	long deadline_ms;
	CK_RV open_rv[CON_SESSIONS];
	struct con_sig sigs[CON_SIGS];
	size_t done;
	bool late; /* stopped by the deadline */
	bool started;
};

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* The input of signature i of thread t: unique, so that a signature the
 * token produced for another thread's data does not verify. */
static int con_input(const struct con_thread *t, size_t i,
                     CK_MECHANISM_TYPE mech, struct con_sig *out)
{
	char msg[64];
	int n;
	sa_buf b = SA_BUF_INIT;
	sa_error err = SA_ERROR_INIT;
	int rc = SA_E_RANGE;

	n = snprintf(msg, sizeof(msg), "sigaudit CON-01 thread %d sig %zu",
	             t->id, i);
	if (n < 0 || (size_t)n >= sizeof(msg))
		goto out;
	rc = sa_p11_gen_sign_input(mech, (const unsigned char *)msg, (size_t)n,
	                           &b, &err);
	if (rc < 0)
		goto out;
	rc = SA_E_RANGE;
	if (b.len > sizeof(out->in))
		goto out;
	memcpy(out->in, b.data, b.len);
	out->in_len = b.len;
	rc = SA_OK;
out:
	sa_buf_free(&b);
	return rc;
}

static void *con_worker(void *arg)
{
	struct con_thread *t = arg;
	CK_SESSION_HANDLE s[CON_SESSIONS];
	size_t i, k;

	for (k = 0; k < CON_SESSIONS; k++) {
		s[k] = CK_INVALID_HANDLE;
		/* RO sessions: the login of the application covers them
		 * (UG2.40 §2.6). */
		t->open_rv[k] = t->f->C_OpenSession(t->slot, CKF_SERIAL_SESSION,
		                                    NULL, NULL, &s[k]);
		if (t->open_rv[k] != CKR_OK)
			goto out;
	}
	for (i = 0; i < CON_SIGS; i++) {
		struct con_sig *g = &t->sigs[i];
		const struct con_key *key;
		CK_MECHANISM m;
		CK_SESSION_HANDLE h;

		if (now_ms() > t->deadline_ms) {
			t->late = true;
			break;
		}
		g->key = i % t->n_keys;
		key = &t->keys[g->key];
		h = s[(i / t->n_keys) % CON_SESSIONS];
		m = (CK_MECHANISM){key->mech, NULL, 0};
		g->fn = "input";
		g->rv = CKR_GENERAL_ERROR;
		if (con_input(t, i, key->mech, g) < 0)
			goto next;
		g->fn = "C_SignInit";
		g->rv = t->f->C_SignInit(h, &m, key->priv);
		if (g->rv != CKR_OK)
			goto next;
		g->fn = "C_Sign";
		g->len = sizeof(g->sig);
		g->rv = t->f->C_Sign(h, g->in, (CK_ULONG)g->in_len, g->sig,
		                     &g->len);
		if (g->rv == CKR_OK && g->len > sizeof(g->sig)) {
			g->fn = "C_Sign length";
			g->rv = CKR_GENERAL_ERROR;
		}
	next:
		t->done = i + 1;
	}
out:
	for (k = 0; k < CON_SESSIONS; k++)
		if (s[k] != CK_INVALID_HANDLE)
			(void)t->f->C_CloseSession(s[k]);
	return NULL;
}

/* The bound: 20 s, or half the profile's per-case timeout when that is
 * shorter, so that a slow token gives a verdict, not the runner's ERROR. */
static long con_bound_ms(sa_case_ctx *ctx)
{
	unsigned t = sa_profile_timeout(sa_case_profile(ctx));
	long bound = CON_BOUND_MS;

	if (t > 0 && (long)t * 500L < bound)
		bound = (long)t * 500L;
	return bound;
}

/* Make the keys: P-256 (CKM_ECDSA) and RSA-2048 as the token allows. */
static int con_keys(sa_case_ctx *ctx, CK_SESSION_HANDLE s, struct con_key *keys,
                    CK_OBJECT_HANDLE *pubs, size_t *n_out)
{
	CK_OBJECT_HANDLE priv;
	size_t n = 0;
	int rc = SA_OK;

	*n_out = 0;
	if (sa_case_has_mech(ctx, CKM_EC_KEY_PAIR_GEN) &&
	    sa_case_has_mech(ctx, CKM_ECDSA)) {
		SA_TRY(sa_p11_gen_ec_setup(ctx, s, "P-256", &pubs[n], &priv));
		keys[n].name = "P-256";
		keys[n].priv = priv;
		keys[n++].mech = CKM_ECDSA;
	} else {
		sa_case_note(ctx, "the token lacks CKM_EC_KEY_PAIR_GEN or "
		                  "CKM_ECDSA: no EC key");
	}
	if (sa_case_has_mech(ctx, CKM_RSA_PKCS_KEY_PAIR_GEN) &&
	    sa_p11_gen_sign_mech(ctx, CKK_RSA) != SA_MECH_END) {
		SA_TRY(sa_p11_gen_rsa_setup(ctx, s, 2048, &pubs[n], &priv));
		keys[n].name = "RSA-2048";
		keys[n].priv = priv;
		keys[n++].mech = sa_p11_gen_sign_mech(ctx, CKK_RSA);
	} else {
		sa_case_note(ctx, "the token lacks RSA key generation or "
		                  "signing: no RSA key");
	}
	for (size_t i = 0; i < n; i++) {
		if (sa_p11_ossl_pubkey_from_token(ctx, s, pubs[i],
		                                  &keys[i].pk) < 0) {
			rc = SA_E_OSSL;
			sa_case_error(ctx, "set-up: %s public key: %s",
			              keys[i].name, sa_case_err(ctx)->msg);
			goto out;
		}
	}
out:
	*n_out = n;
	return rc;
}

static void con01_run(sa_case_ctx *ctx)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	struct con_key keys[2];
	CK_OBJECT_HANDLE pubs[2] = {CK_INVALID_HANDLE, CK_INVALID_HANDLE};
	struct con_thread *th = NULL;
	pthread_t tid[CON_THREADS];
	size_t n_keys = 0, i, j, started = 0;
	size_t attempted = 0, ok = 0, valid = 0, invalid = 0;
	size_t open_fail = 0, hard = 0, late = 0;
	sa_buf bad = SA_BUF_INIT, inv = SA_BUF_INIT;
	long t0, bound, elapsed;
	int err;

	memset(keys, 0, sizeof(keys));
	if (sa_p11_gen_session(ctx, &s) < 0)
		goto out;
	if (con_keys(ctx, s, keys, pubs, &n_keys) < 0)
		goto out;
	if (n_keys == 0) {
		sa_case_skip(ctx, "the token can make neither an EC P-256 nor "
		                  "an RSA-2048 signing key");
		goto out;
	}
	th = calloc(CON_THREADS, sizeof(*th));
	if (th == NULL) {
		sa_case_error(ctx, "out of memory");
		goto out;
	}
	bound = con_bound_ms(ctx);
	t0 = now_ms();
	for (i = 0; i < CON_THREADS; i++) {
		th[i].f = f;
		th[i].slot = sa_case_slot(ctx);
		th[i].id = (int)i;
		th[i].keys = keys;
		th[i].n_keys = n_keys;
		th[i].deadline_ms = t0 + bound;
		err = pthread_create(&tid[i], NULL, con_worker, &th[i]);
		if (err != 0) {
			sa_case_error(ctx, "set-up: pthread_create: %s",
			              strerror(err));
			break;
		}
		th[i].started = true;
		started++;
	}
	for (i = 0; i < CON_THREADS; i++)
		if (th[i].started)
			(void)pthread_join(tid[i], NULL);
	elapsed = now_ms() - t0;
	if (started < CON_THREADS)
		goto out;

	for (i = 0; i < CON_THREADS; i++) {
		for (j = 0; j < CON_SESSIONS; j++) {
			if (th[i].open_rv[j] == CKR_OK)
				continue;
			open_fail++;
			sa_buf_appendf(&bad, "%sthread %zu C_OpenSession: %s",
			               bad.len ? "; " : "", i,
			               sa_p11_rv_name(th[i].open_rv[j]));
		}
		late += th[i].late;
		for (j = 0; j < th[i].done; j++) {
			struct con_sig *g = &th[i].sigs[j];
			bool v = false;

			attempted++;
			if (g->rv != CKR_OK) {
				if (g->rv == CKR_GENERAL_ERROR ||
				    g->rv == CKR_DEVICE_ERROR)
					hard++;
				sa_buf_appendf(&bad,
				               "%sthread %zu sig %zu %s: %s",
				               bad.len ? "; " : "", i, j, g->fn,
				               sa_p11_rv_name(g->rv));
				continue;
			}
			ok++;
			if (sa_p11_ossl_verify(keys[g->key].pk,
			                       keys[g->key].mech, g->in,
			                       g->in_len, g->sig, g->len, &v,
			                       sa_case_err(ctx)) < 0) {
				sa_case_error(ctx,
				              "could not verify thread %zu sig "
				              "%zu: %s",
				              i, j, sa_case_err(ctx)->msg);
				goto out;
			}
			if (v) {
				valid++;
			} else if (invalid++ < 4) {
				sa_buf_appendf(&inv,
				               "%sthread %zu sig %zu (%s)",
				               inv.len ? "; " : "", i, j,
				               keys[g->key].name);
			}
		}
	}
	sa_case_note(ctx,
	             "%d threads x %d sessions, keys: %s%s%s; %zu "
	             "signatures in %ld ms (bound %ld ms)",
	             CON_THREADS, CON_SESSIONS, keys[0].name,
	             n_keys > 1 ? ", " : "", n_keys > 1 ? keys[1].name : "",
	             attempted, elapsed, bound);
	if (late > 0)
		sa_case_note(ctx,
		             "%zu thread(s) stopped at the %ld ms bound before "
		             "their %d signatures",
		             late, bound, CON_SIGS);
	sa_case_checkf(ctx, open_fail == 0, "C_OpenSession from every thread",
	               "CKR_OK", "%zu of %d failed", open_fail,
	               CON_THREADS * CON_SESSIONS);
	/* No error at all is expected; CKR_GENERAL_ERROR and
	 * CKR_DEVICE_ERROR are counted apart because they are the usual
	 * symptom of missing locking. */
	sa_case_checkf(ctx, attempted > 0 && ok == attempted,
	               "C_SignInit + C_Sign from concurrent threads",
	               "CKR_OK for every signature",
	               "%zu of %zu CKR_OK, %zu CKR_GENERAL_ERROR or "
	               "CKR_DEVICE_ERROR%s%s",
	               ok, attempted, hard, bad.len ? ": " : "",
	               sa_buf_cstr(&bad));
	sa_case_checkf(ctx, valid == ok, "signatures that verify with OpenSSL",
	               "every signature", "%zu of %zu valid%s%s", valid, ok,
	               inv.len ? "; invalid: " : "", sa_buf_cstr(&inv));
out:
	for (i = 0; i < SA_COUNTOF(keys); i++) {
		EVP_PKEY_free(keys[i].pk);
		sa_p11_gen_destroy(ctx, s, &keys[i].priv);
		sa_p11_gen_destroy(ctx, s, &pubs[i]);
	}
	free(th);
	sa_buf_free(&inv);
	sa_buf_free(&bad);
	sa_p11_gen_session_end(ctx, &s);
}

/* ---- CON-02 ---- */

/* Enough attributes that a module with a fixed-size internal array notices
 * (the template itself is real, so a correct module simply answers). */
#define CON_BIG_TEMPLATE 4096

static void con02_big_template(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                               CK_OBJECT_HANDLE obj, CK_ULONG label_len)
{
	CK_ATTRIBUTE *t = calloc(CON_BIG_TEMPLATE, sizeof(*t));
	size_t i, wrong = 0;
	CK_RV rv;

	if (t == NULL) {
		sa_case_error(ctx, "out of memory");
		goto out;
	}
	for (i = 0; i < CON_BIG_TEMPLATE; i++)
		t[i] = (CK_ATTRIBUTE){CKA_LABEL, NULL, 0};
	rv = sa_case_p11(ctx)->C_GetAttributeValue(s, obj, t, CON_BIG_TEMPLATE);
	for (i = 0; i < CON_BIG_TEMPLATE; i++)
		wrong += t[i].ulValueLen != label_len;
	sa_case_checkf(ctx, rv == CKR_OK && wrong == 0,
	               "C_GetAttributeValue with a 4096-attribute template",
	               "CKR_OK, every length answered",
	               "%s, %zu length(s) wrong", sa_p11_rv_name(rv), wrong);
out:
	free(t);
}

/* The number of objects must still be `before` after the call `what`,
 * which returned rv: a C_CreateObject that returns an error hands out no
 * handle, so an object it made anyway can never be destroyed by the
 * application (B2.40 §5.7.1). A call that wrongly succeeded was cleaned up
 * by the caller; CON-02a reports its return code. */
static void con02_count(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_ULONG before,
                        const char *what, CK_RV rv)
{
	char w[160];
	CK_ULONG after = 0;
	CK_RV crv = sa_p11_gen_count(ctx, s, &after);

	snprintf(w, sizeof(w), "objects visible after %s", what);
	sa_case_checkf(ctx, crv == CKR_OK && after == before, w, "unchanged",
	               "%lu before, %lu after (call %s, count %s)",
	               (unsigned long)before, (unsigned long)after,
	               sa_p11_rv_name(rv), sa_p11_rv_name(crv));
}

/* A legal call with an absurd size (a buffer or count of (CK_ULONG)-1 that
 * the result easily fits): CKR_OK with the right answer (`right`); a clean
 * refusal to trust the size is permitted leniently (B2.40 §5.1.6 /
 * §5.1.1: CKR_ARGUMENTS_BAD, CKR_HOST_MEMORY, CKR_DEVICE_MEMORY). */
static void con02_huge(sa_case_ctx *ctx, const char *what, CK_RV rv, bool right,
                       const char *answer)
{
	char exp[96];

	if (rv == CKR_OK) {
		snprintf(exp, sizeof(exp), "CKR_OK, %s", answer);
		sa_case_check(ctx, right, what, exp,
		              right ? "CKR_OK, right answer"
		                    : "CKR_OK, wrong answer");
	} else {
		sa_p11_check_rv(ctx, what, rv, CKR_OK,
		                SA_LENIENT(CKR_ARGUMENTS_BAD, CKR_HOST_MEMORY,
		                           CKR_DEVICE_MEMORY));
	}
}

static void con02_run(sa_case_ctx *ctx)
{
	static const char label[] = "sigaudit-con02";
	static const char value[] = "sigaudit";
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE obj = CK_INVALID_HANDLE, h = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE found[64];
	CK_OBJECT_CLASS cls = CKO_DATA;
	CK_BBOOL no = CK_FALSE;
	CK_ATTRIBUTE data[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_TOKEN, &no, sizeof(no)},
	    {CKA_LABEL, (void *)label, sizeof(label) - 1},
	};
	unsigned char buf[64];
	CK_ATTRIBUTE a;
	CK_ULONG got = 0;
	CK_SESSION_INFO info;
	CK_RV rv;

	if (sa_p11_gen_session(ctx, &s) < 0)
		goto out;
	/* A crashed earlier run may have left it where session objects
	 * outlive the session (tpm2-pkcs11 stores them). */
	sa_p11_gen_sweep(ctx, s, label);
	/* Public, else private: tokens differ on which they accept
	 * (tpm2-pkcs11 refuses CKA_PRIVATE false for data objects). */
	rv = sa_p11_ses_data_object(ctx, s, false, label, &obj);
	if (rv != CKR_OK)
		rv = sa_p11_ses_data_object(ctx, s, true, label, &obj);
	if (rv != CKR_OK) {
		sa_case_error(ctx,
		              "set-up: C_CreateObject(session CKO_DATA) "
		              "returned %s",
		              sa_p11_rv_name(rv));
		goto out;
	}
	/* A legal call first: should the module crash on the first abusive
	 * call, the runner's reason names the check before it. */
	a = (CK_ATTRIBUTE){CKA_LABEL, buf, sizeof(buf)};
	rv = f->C_GetAttributeValue(s, obj, &a, 1);
	sa_p11_check_rv(ctx, "C_GetAttributeValue(CKA_LABEL), a legal call", rv,
	                CKR_OK, SA_STRICT_ONLY);

	/* NULL templates with a non-zero count: B2.40 §5.1.6
	 * CKR_ARGUMENTS_BAD; a module that walks the template crashes. */
	rv = f->C_GetAttributeValue(s, obj, NULL, 1);
	sa_p11_check_rv(ctx, "C_GetAttributeValue(NULL template, 1)", rv,
	                CKR_ARGUMENTS_BAD, SA_STRICT_ONLY);
	rv = f->C_GetAttributeValue(s, obj, NULL, (CK_ULONG)-1);
	sa_p11_check_rv(ctx,
	                "C_GetAttributeValue(NULL template, "
	                "ulCount (CK_ULONG)-1)",
	                rv, CKR_ARGUMENTS_BAD, SA_STRICT_ONLY);
	rv = f->C_SetAttributeValue(s, obj, NULL, 1);
	sa_p11_check_rv(ctx, "C_SetAttributeValue(NULL template, 1)", rv,
	                CKR_ARGUMENTS_BAD, SA_STRICT_ONLY);
	h = CK_INVALID_HANDLE;
	rv = f->C_CreateObject(s, NULL, 3, &h);
	sa_p11_check_rv(ctx, "C_CreateObject(NULL template, 3)", rv,
	                CKR_ARGUMENTS_BAD, SA_STRICT_ONLY);
	if (rv == CKR_OK)
		sa_p11_gen_destroy(ctx, s, &h);
	rv = f->C_FindObjectsInit(s, NULL, 2);
	sa_p11_check_rv(ctx, "C_FindObjectsInit(NULL template, 2)", rv,
	                CKR_ARGUMENTS_BAD, SA_STRICT_ONLY);
	if (rv == CKR_OK)
		(void)f->C_FindObjectsFinal(s);

	/* NULL output pointers. */
	rv = f->C_CreateObject(s, data, SA_COUNTOF(data), NULL);
	sa_p11_check_rv(ctx, "C_CreateObject(phObject NULL)", rv,
	                CKR_ARGUMENTS_BAD, SA_STRICT_ONLY);
	rv = f->C_GetSessionInfo(s, NULL);
	sa_p11_check_rv(ctx, "C_GetSessionInfo(pInfo NULL)", rv,
	                CKR_ARGUMENTS_BAD, SA_STRICT_ONLY);
	rv = f->C_GenerateRandom(s, NULL, 16);
	sa_p11_check_rv(ctx, "C_GenerateRandom(pRandomData NULL, 16)", rv,
	                CKR_ARGUMENTS_BAD, SA_STRICT_ONLY);
	rv = f->C_DigestInit(s, NULL);
	sa_p11_check_rv(ctx, "C_DigestInit(pMechanism NULL)", rv,
	                CKR_ARGUMENTS_BAD, SA_STRICT_ONLY);
	rv = f->C_FindObjectsInit(s, data, SA_COUNTOF(data));
	if (rv == CKR_OK) {
		rv = f->C_FindObjects(s, NULL, 8, &got);
		sa_p11_check_rv(ctx, "C_FindObjects(phObject NULL)", rv,
		                CKR_ARGUMENTS_BAD, SA_STRICT_ONLY);
		rv = f->C_FindObjects(s, found, 8, NULL);
		sa_p11_check_rv(ctx, "C_FindObjects(pulObjectCount NULL)", rv,
		                CKR_ARGUMENTS_BAD, SA_STRICT_ONLY);
		/* A huge ulMaxObjectCount with a real buffer larger than the
		 * result: the module writes only what it found. */
		got = 0;
		rv = f->C_FindObjects(s, found, (CK_ULONG)-1, &got);
		con02_huge(ctx, "C_FindObjects(ulMaxObjectCount (CK_ULONG)-1)",
		           rv, got <= 1, "at most the one matching object");
		(void)f->C_FindObjectsFinal(s);
	} else {
		sa_case_error(ctx, "set-up: C_FindObjectsInit returned %s",
		              sa_p11_rv_name(rv));
	}

	/* ulValueLen (CK_ULONG)-1 on a fixed-size attribute: the module must
	 * check the length against sizeof(CK_BBOOL), never use it. */
	a = (CK_ATTRIBUTE){CKA_TOKEN, &no, (CK_ULONG)-1};
	{
		CK_ATTRIBUTE t[] = {data[0], a, data[2]};

		h = CK_INVALID_HANDLE;
		rv = f->C_CreateObject(s, t, SA_COUNTOF(t), &h);
		sa_p11_check_rv(
		    ctx,
		    "C_CreateObject(CKA_TOKEN with ulValueLen "
		    "(CK_ULONG)-1)",
		    rv, CKR_ATTRIBUTE_VALUE_INVALID,
		    SA_LENIENT(CKR_ARGUMENTS_BAD, CKR_TEMPLATE_INCONSISTENT));
		if (rv == CKR_OK)
			sa_p11_gen_destroy(ctx, s, &h);
	}
	/* On output a huge ulValueLen only says the buffer is big enough:
	 * the module copies the real value (8 bytes) and sets the length
	 * (B2.40 §5.7.5). */
	memset(buf, 0, sizeof(buf));
	a = (CK_ATTRIBUTE){CKA_VALUE, buf, (CK_ULONG)-1};
	rv = f->C_GetAttributeValue(s, obj, &a, 1);
	con02_huge(
	    ctx, "C_GetAttributeValue(CKA_VALUE, ulValueLen (CK_ULONG)-1)", rv,
	    a.ulValueLen == sizeof(value) - 1 &&
	        memcmp(buf, value, sizeof(value) - 1) == 0,
	    "the 8-byte value");
	con02_big_template(ctx, s, obj, sizeof(label) - 1);

	/* After all this the session and the object set are as before. */
	memset(&info, 0, sizeof(info));
	rv = f->C_GetSessionInfo(s, &info);
	sa_p11_check_rv(ctx, "C_GetSessionInfo after the abuse", rv, CKR_OK,
	                SA_STRICT_ONLY);
out:
	sa_p11_gen_destroy(ctx, s, &obj);
	sa_p11_gen_session_end(ctx, &s);
}

/* CON-02b: the refused creating calls of CON-02a create nothing. */
static void con02b_run(sa_case_ctx *ctx)
{
	static const char label[] = "sigaudit-con02b";
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	CK_OBJECT_CLASS cls = CKO_DATA;
	CK_BBOOL no = CK_FALSE;
	CK_ATTRIBUTE data[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_TOKEN, &no, sizeof(no)},
	    {CKA_LABEL, (void *)label, sizeof(label) - 1},
	};
	CK_ATTRIBUTE bad[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_TOKEN, &no, (CK_ULONG)-1},
	    {CKA_LABEL, (void *)label, sizeof(label) - 1},
	};
	CK_ULONG before = 0;
	CK_RV rv, crv;

	if (sa_p11_gen_session(ctx, &s) < 0)
		goto out;
	sa_p11_gen_sweep(ctx, s, label);
	crv = sa_p11_gen_count(ctx, s, &before);
	/* Recorded, so that a crash in the first abusive call is reported
	 * "after" this check. */
	if (!sa_p11_check_rv(ctx, "counting the objects before the abuse", crv,
	                     CKR_OK, SA_STRICT_ONLY))
		goto out;
	rv = f->C_CreateObject(s, NULL, 3, &h);
	if (rv == CKR_OK)
		sa_p11_gen_destroy(ctx, s, &h);
	con02_count(ctx, s, before, "C_CreateObject(NULL template, 3)", rv);
	rv = f->C_CreateObject(s, data, SA_COUNTOF(data), NULL);
	con02_count(ctx, s, before, "C_CreateObject(phObject NULL)", rv);
	h = CK_INVALID_HANDLE;
	rv = f->C_CreateObject(s, bad, SA_COUNTOF(bad), &h);
	if (rv == CKR_OK)
		sa_p11_gen_destroy(ctx, s, &h);
	con02_count(ctx, s, before,
	            "C_CreateObject(CKA_TOKEN with ulValueLen (CK_ULONG)-1)",
	            rv);
out:
	/* What a broken module left goes with the session. */
	sa_p11_gen_session_end(ctx, &s);
}

static const sa_case cases[] = {
    {
        .id = "P11-CON-01",
        .title = "Concurrent signing from several threads and sessions",
        .description =
            "With the module initialised for OS locking "
            "(CKF_OS_LOCKING_OK), 4 threads each open 2 sessions and "
            "make 50 signatures, alternating a session P-256 key "
            "(CKM_ECDSA over a SHA-256 hash) and a session RSA-2048 "
            "key, all at once (bounded to 20 s, or half the case "
            "timeout). Every call must return CKR_OK "
            "(CKR_GENERAL_ERROR and CKR_DEVICE_ERROR are counted "
            "apart) and every signature must verify with OpenSSL over "
            "the input its thread gave. A module that is not "
            "thread-safe corrupts signatures or crashes signing "
            "servers under load.",
        .remediation = "Serialise access to shared state (or use the "
                       "application's locking callbacks) whenever "
                       "CKF_OS_LOCKING_OK or mutex functions were given "
                       "to C_Initialize.",
        .refs = SA_REFS(R_INITARGS, R_THREADS, R_SIGN),
        .impact = 4,
        .threat = "concurrency-corruption",
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .run = con01_run,
    },
    {
        .id = "P11-CON-02a",
        .title = "Argument abuse is refused without crashing",
        .description =
            "Passes NULL templates with non-zero counts (including "
            "ulCount (CK_ULONG)-1) to C_GetAttributeValue, "
            "C_SetAttributeValue, C_CreateObject and "
            "C_FindObjectsInit; NULL output pointers to "
            "C_CreateObject, C_GetSessionInfo, C_GenerateRandom, "
            "C_DigestInit and C_FindObjects; ulValueLen (CK_ULONG)-1 "
            "on a CK_BBOOL attribute of C_CreateObject and on an "
            "output buffer of C_GetAttributeValue; ulMaxObjectCount "
            "(CK_ULONG)-1; and a 4096-attribute template. Expected: "
            "CKR_ARGUMENTS_BAD (CKR_ATTRIBUTE_VALUE_INVALID for the "
            "bad length), correct answers for the legal calls (a clean "
            "CKR_HOST_MEMORY / CKR_DEVICE_MEMORY / CKR_ARGUMENTS_BAD "
            "for the absurd sizes is accepted leniently) and a "
            "usable session afterwards. A crash ends the case with "
            "ERROR: a module that crashes on a bad argument takes the "
            "whole signing service down with it.",
        .remediation = "Validate every pointer and length before use and "
                       "return CKR_ARGUMENTS_BAD or "
                       "CKR_ATTRIBUTE_VALUE_INVALID.",
        .refs = SA_REFS(R_RV, R_ATTR, R_CONV),
        .impact = 3,
        .threat = "memory-safety",
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .run = con02_run,
    },
    {
        .id = "P11-CON-02b",
        .title = "Refused abusive C_CreateObject calls create no object",
        .description =
            "Counts the objects the session sees around the abusive "
            "C_CreateObject calls of P11-CON-02a (NULL template with "
            "a count of 3, NULL phObject, CKA_TOKEN with ulValueLen "
            "(CK_ULONG)-1): none may leave an object behind. A "
            "refused call hands out no handle, so such an object can "
            "be neither found by its creator's bookkeeping nor "
            "destroyed before the session ends. Kept apart from "
            "P11-CON-02a because SoftHSM2 2.6.1 answers the last call "
            "correctly (CKR_ATTRIBUTE_VALUE_INVALID) but keeps the "
            "object.",
        .remediation = "Validate the whole template before creating the "
                       "object, or destroy it when storing an attribute "
                       "fails.",
        .refs = SA_REFS(R_ATTR, R_RV),
        .impact = 2,
        .threat = "resource-leak",
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .run = con02b_run,
    },
};

const sa_case_group sa_p11_group_concurrency = {cases, SA_COUNTOF(cases)};
