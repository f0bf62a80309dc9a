/* Catalogue group D: searching, invalid handles and session-object lifetime
 * (OBJ-08, OBJ-09, OBJ-10). Descriptions and references: obj.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sigaudit/guard.h"

#include "obj_int.h"
#include "session_int.h"

/* ---- OBJ-08a: C_FindObjects* lifecycle ---- */

void sa_p11_obj08a_find_lifecycle(sa_case_ctx *ctx)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_CLASS cls = CKO_DATA;
	CK_ATTRIBUTE tmpl = {CKA_CLASS, &cls, sizeof(cls)};
	CK_OBJECT_HANDLE found[8];
	CK_ULONG got = 0;
	CK_RV rv;

	if (sa_p11_ses_open(ctx, false, &s) < 0)
		goto out;
	/* B2.40 §5.7.8, §5.7.9: both need an active search
	 * (CKR_OPERATION_NOT_INITIALIZED). */
	rv = f->C_FindObjects(s, found, SA_COUNTOF(found), &got);
	sa_p11_check_rv(ctx, "C_FindObjects before any C_FindObjectsInit", rv,
	                CKR_OPERATION_NOT_INITIALIZED, SA_STRICT_ONLY);
	rv = f->C_FindObjectsFinal(s);
	sa_p11_check_rv(ctx, "C_FindObjectsFinal before any C_FindObjectsInit",
	                rv, CKR_OPERATION_NOT_INITIALIZED, SA_STRICT_ONLY);
	rv = f->C_FindObjectsInit(s, &tmpl, 1);
	if (rv != CKR_OK) {
		sa_case_error(ctx, "set-up: C_FindObjectsInit returned %s",
		              sa_p11_rv_name(rv));
		goto out;
	}
	/* B2.40 §5.7.7: one search per session at a time. */
	rv = f->C_FindObjectsInit(s, &tmpl, 1);
	sa_p11_check_rv(ctx, "C_FindObjectsInit while a search is active", rv,
	                CKR_OPERATION_ACTIVE, SA_STRICT_ONLY);
	rv = f->C_FindObjects(s, found, SA_COUNTOF(found), &got);
	sa_p11_check_rv(ctx,
	                "C_FindObjects of the first search after the refused "
	                "second C_FindObjectsInit",
	                rv, CKR_OK, SA_STRICT_ONLY);
	rv = f->C_FindObjectsFinal(s);
	sa_p11_check_rv(ctx, "C_FindObjectsFinal of the active search", rv,
	                CKR_OK, SA_STRICT_ONLY);
	rv = f->C_FindObjectsFinal(s);
	sa_p11_check_rv(ctx, "a second C_FindObjectsFinal", rv,
	                CKR_OPERATION_NOT_INITIALIZED, SA_STRICT_ONLY);
	rv = f->C_FindObjects(s, found, SA_COUNTOF(found), &got);
	sa_p11_check_rv(ctx, "C_FindObjects after C_FindObjectsFinal", rv,
	                CKR_OPERATION_NOT_INITIALIZED, SA_STRICT_ONLY);
out:
	sa_p11_ses_close(ctx, &s);
}

/* ---- OBJ-08b: results are the same however they are read ---- */

#define OBJ08_N     5
#define OBJ08_LIMIT 64

/* One search with `tmpl`, read `chunk` handles at a time until the module
 * returns none; the handles go to out (at most OBJ08_LIMIT). Returns the
 * first CK_RV that is not CKR_OK, or CKR_OK; *n is the count read and
 * *overflow tells that a call returned more than asked. */
static CK_RV search(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_ATTRIBUTE *tmpl,
                    CK_ULONG n_tmpl, CK_ULONG chunk, CK_OBJECT_HANDLE *out,
                    CK_ULONG *n, bool *overflow)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_OBJECT_HANDLE buf[OBJ08_LIMIT];
	CK_ULONG got, calls;
	CK_RV rv;

	*n = 0;
	*overflow = false;
	rv = f->C_FindObjectsInit(s, tmpl, n_tmpl);
	if (rv != CKR_OK)
		goto out;
	/* Bounded: a module that never reports the end must not hang the
	 * case. */
	for (calls = 0; calls <= OBJ08_LIMIT; calls++) {
		got = 0;
		rv = f->C_FindObjects(s, buf, chunk, &got);
		if (rv != CKR_OK || got == 0)
			break;
		if (got > chunk) {
			*overflow = true;
			got = chunk;
		}
		if (*n + got > OBJ08_LIMIT)
			got = OBJ08_LIMIT - *n;
		memcpy(out + *n, buf, got * sizeof(*buf));
		*n += got;
		if (*n == OBJ08_LIMIT)
			break;
	}
	if (rv == CKR_OK)
		rv = f->C_FindObjectsFinal(s);
	else
		(void)f->C_FindObjectsFinal(s);
out:
	return rv;
}

/* Whether h is among the n handles of set. */
static bool has_handle(const CK_OBJECT_HANDLE *set, CK_ULONG n,
                       CK_OBJECT_HANDLE h)
{
	CK_ULONG i;
	bool found = false;

	for (i = 0; !found && i < n; i++)
		found = set[i] == h;
	return found;
}

/* Record whether the search result got[0..n) is exactly the objects want
 * (each once, nothing else). */
static void check_result(sa_case_ctx *ctx, const char *what, CK_RV rv,
                         bool overflow, const CK_OBJECT_HANDLE *got, CK_ULONG n,
                         const CK_OBJECT_HANDLE *want, CK_ULONG n_want)
{
	CK_ULONG i, missing = 0, foreign = 0, dup = 0;

	for (i = 0; i < n_want; i++)
		if (!has_handle(got, n, want[i]))
			missing++;
	for (i = 0; i < n; i++) {
		if (!has_handle(want, n_want, got[i]))
			foreign++;
		if (has_handle(got, i, got[i]))
			dup++;
	}
	sa_case_checkf(ctx,
	               rv == CKR_OK && !overflow && n == n_want &&
	                   missing == 0 && foreign == 0 && dup == 0,
	               what, "CKR_OK, exactly the created objects, each once",
	               "%s, %lu handles (%lu missing, %lu others, %lu "
	               "repeated)%s",
	               sa_p11_rv_name(rv), (unsigned long)n,
	               (unsigned long)missing, (unsigned long)foreign,
	               (unsigned long)dup,
	               overflow ? ", more handles than asked in one call" : "");
}

void sa_p11_obj08b_find_results(sa_case_ctx *ctx)
{
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE mine[OBJ08_N + 1], got[OBJ08_LIMIT];
	CK_OBJECT_CLASS data = CKO_DATA, secret = CKO_SECRET_KEY;
	char label[64], other[80];
	CK_ULONG n = 0, i;
	bool overflow = false;
	CK_RV rv;
	static const CK_ULONG chunks[] = {OBJ08_LIMIT, 1, 2};

	for (i = 0; i < SA_COUNTOF(mine); i++)
		mine[i] = CK_INVALID_HANDLE;
	sa_p11_obj_label(label, sizeof(label), "obj08b");
	snprintf(other, sizeof(other), "%s-other", label);
	/* RW: a token may refuse session objects in an RO session or fall
	 * back to token objects (obj_util.c); searching needs neither. */
	if (sa_p11_ses_open(ctx, true, &s) < 0)
		goto out;
	for (i = 0; i < OBJ08_N; i++)
		if (sa_p11_obj_setup_data(ctx, s, label, NULL, 0, "CKO_DATA",
		                          &mine[i]) < 0)
			goto out;
	if (sa_p11_obj_setup_data(ctx, s, other, NULL, 0, "CKO_DATA",
	                          &mine[OBJ08_N]) < 0)
		goto out;
	{
		CK_ATTRIBUTE by_label = {CKA_LABEL, label, strlen(label)};
		CK_ATTRIBUTE label_data[] = {
		    {CKA_LABEL, label, strlen(label)},
		    {CKA_CLASS, &data, sizeof(data)},
		};
		CK_ATTRIBUTE label_secret[] = {
		    {CKA_LABEL, label, strlen(label)},
		    {CKA_CLASS, &secret, sizeof(secret)},
		};
		char what[128];

		/* B2.40 §5.7.8: each call returns up to ulMaxObjectCount
		 * further handles; the sequence is one result however it is
		 * cut. */
		for (i = 0; i < SA_COUNTOF(chunks); i++) {
			rv = search(ctx, s, &by_label, 1, chunks[i], got, &n,
			            &overflow);
			snprintf(what, sizeof(what),
			         "search by CKA_LABEL read %lu handle(s) per "
			         "C_FindObjects call",
			         (unsigned long)chunks[i]);
			check_result(ctx, what, rv, overflow, got, n, mine,
			             OBJ08_N);
		}
		/* A template matches only objects having every attribute. */
		rv = search(ctx, s, label_data, SA_COUNTOF(label_data),
		            OBJ08_LIMIT, got, &n, &overflow);
		check_result(ctx, "search by CKA_LABEL and CKA_CLASS CKO_DATA",
		             rv, overflow, got, n, mine, OBJ08_N);
		rv = search(ctx, s, label_secret, SA_COUNTOF(label_secret),
		            OBJ08_LIMIT, got, &n, &overflow);
		check_result(ctx,
		             "search by CKA_LABEL and CKA_CLASS CKO_SECRET_KEY",
		             rv, overflow, got, n, mine, 0);
	}
out:
	for (i = 0; i < SA_COUNTOF(mine); i++)
		sa_p11_obj_destroy(ctx, s, &mine[i]);
	sa_p11_ses_close(ctx, &s);
}

/* ---- OBJ-09: handles that name no object ---- */

#define OBJ09_MAX_BAD 6

struct obj09_bad {
	CK_OBJECT_HANDLE h;
	/* Whether the case may present it to C_SetAttributeValue and
	 * C_DestroyObject: only handles that cannot name someone else's
	 * object (0, and the one the case destroyed itself). An "unused"
	 * handle is unused among the objects this session can see; an
	 * object hidden from it must not be changed by an audit. */
	bool mutate;
	char what[64];
};

/* Every handle the logged-in session s can find, in *out (caller frees),
 * at most OBJ09_MAX_OBJS: the whole chain of C_FindObjects calls, so that
 * the "unused" handles below are unused among all of them. *complete
 * tells whether the search ended before the limit. */
#define OBJ09_MAX_OBJS 65536
static CK_RV all_handles(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                         CK_OBJECT_HANDLE **out, CK_ULONG *n, bool *complete)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_OBJECT_HANDLE chunk[256];
	CK_OBJECT_HANDLE *all = NULL, *grown;
	CK_ULONG got = 0;
	CK_RV rv;

	*out = NULL;
	*n = 0;
	*complete = false;
	rv = f->C_FindObjectsInit(s, NULL, 0);
	if (rv != CKR_OK)
		goto out;
	while (*n < OBJ09_MAX_OBJS) {
		got = 0;
		rv = f->C_FindObjects(s, chunk, SA_COUNTOF(chunk), &got);
		if (rv != CKR_OK)
			break;
		if (got == 0) {
			*complete = true;
			break;
		}
		if (got > SA_COUNTOF(chunk))
			got = SA_COUNTOF(chunk);
		grown = realloc(all, (*n + got) * sizeof(*all));
		if (grown == NULL) {
			rv = CKR_HOST_MEMORY;
			break;
		}
		all = grown;
		memcpy(all + *n, chunk, got * sizeof(*chunk));
		*n += got;
	}
	(void)f->C_FindObjectsFinal(s);
out:
	if (rv != CKR_OK) {
		free(all);
		all = NULL;
		*n = 0;
	}
	*out = all;
	return rv;
}

/* Append one bad handle to the list. */
static void add_bad(struct obj09_bad *bad, size_t *n_bad, CK_OBJECT_HANDLE h,
                    bool mutate, const char *what)
{
	if (*n_bad < OBJ09_MAX_BAD) {
		bad[*n_bad].h = h;
		bad[*n_bad].mutate = mutate;
		snprintf(bad[*n_bad].what, sizeof(bad[0].what), "%s", what);
		(*n_bad)++;
	}
}

/* The handles OBJ-09 presents: 0 (CK_INVALID_HANDLE), the handle of an
 * object just destroyed, and values no object the session can see has
 * (set-up: ERROR when the token's objects cannot be listed). */
static int obj09_bad_handles(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                             struct obj09_bad *bad, size_t *n_bad)
{
	CK_OBJECT_HANDLE *objs = NULL, stale = CK_INVALID_HANDLE, top = 0;
	CK_OBJECT_HANDLE cand[4];
	char label[64], what[64];
	bool complete = false;
	CK_ULONG n = 0, i;
	int rc = SA_E_CKR;
	CK_RV rv;

	*n_bad = 0;
	sa_p11_obj_label(label, sizeof(label), "obj09");
	if (sa_p11_obj_setup_data(ctx, s, label, NULL, 0, "CKO_DATA", &stale) <
	    0)
		goto out;
	rv = sa_case_p11(ctx)->C_DestroyObject(s, stale);
	if (rv != CKR_OK) {
		sa_p11_obj_destroy(ctx, s, &stale);
		sa_case_error(ctx, "set-up: C_DestroyObject returned %s",
		              sa_p11_rv_name(rv));
		goto out;
	}
	rv = all_handles(ctx, s, &objs, &n, &complete);
	if (rv != CKR_OK) {
		sa_case_error(ctx,
		              "set-up: listing the token's objects returned %s",
		              sa_p11_rv_name(rv));
		goto out;
	}
	add_bad(bad, n_bad, CK_INVALID_HANDLE, true, "handle 0");
	if (!has_handle(objs, n, stale)) {
		snprintf(what, sizeof(what), "handle %lu of a destroyed object",
		         (unsigned long)stale);
		add_bad(bad, n_bad, stale, true, what);
	}
	if (!complete) {
		sa_case_note(ctx,
		             "the token holds more than %d objects: no "
		             "made-up handles are tried",
		             OBJ09_MAX_OBJS);
		rc = SA_OK;
		goto out;
	}
	for (i = 0; i < n; i++)
		if (objs[i] > top)
			top = objs[i];
	/* Made-up but reproducible: values far from and near the handles in
	 * use, none of which an object the user can see has. */
	cand[0] = top + 0x10000;
	cand[1] = 0x7fffffffUL;
	cand[2] = 0xdeadbeefUL;
	cand[3] = (CK_OBJECT_HANDLE)~1UL;
	for (i = 0; i < SA_COUNTOF(cand); i++) {
		if (cand[i] == CK_INVALID_HANDLE ||
		    has_handle(objs, n, cand[i]))
			continue;
		snprintf(what, sizeof(what), "unused handle 0x%lx",
		         (unsigned long)cand[i]);
		add_bad(bad, n_bad, cand[i], false, what);
	}
	rc = SA_OK;
out:
	free(objs);
	return rc;
}

/* Log the user in through a new session `anchor`, kept open so that the
 * login lasts while the case opens and closes others, and choose the bad
 * handles (set-up). */
static int obj09_setup(sa_case_ctx *ctx, CK_SESSION_HANDLE *anchor,
                       struct obj09_bad *bad, size_t *n_bad)
{
	int rc = SA_OK;

	SA_TRY(sa_p11_ses_open(ctx, true, anchor));
	SA_TRY(sa_p11_ses_login(ctx, *anchor, CKU_USER));
	SA_TRY(obj09_bad_handles(ctx, *anchor, bad, n_bad));
out:
	return rc;
}

void sa_p11_obj09a_bad_object_handles(sa_case_ctx *ctx)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	struct obj09_bad bad[OBJ09_MAX_BAD];
	CK_OBJECT_CLASS cls = 0;
	static const char name[] = "sigaudit-obj09a";
	CK_ATTRIBUTE get = {CKA_CLASS, &cls, sizeof(cls)};
	CK_ATTRIBUTE set = {CKA_LABEL, (void *)name, sizeof(name) - 1};
	CK_OBJECT_HANDLE copy;
	char what[160];
	size_t n_bad = 0, i;
	CK_ULONG size;
	CK_RV rv;

	if (obj09_setup(ctx, &s, bad, &n_bad) < 0)
		goto out;
	/* B2.40 §5.1.6: CKR_OBJECT_HANDLE_INVALID, "the specified object
	 * handle is not valid"; a valid handle is never 0 (B2.40,
	 * CK_OBJECT_HANDLE). */
	for (i = 0; i < n_bad; i++) {
		snprintf(what, sizeof(what), "C_GetAttributeValue(%s)",
		         bad[i].what);
		get.ulValueLen = sizeof(cls);
		rv = f->C_GetAttributeValue(s, bad[i].h, &get, 1);
		sa_p11_check_rv(ctx, what, rv, CKR_OBJECT_HANDLE_INVALID,
		                SA_STRICT_ONLY);
		if (bad[i].mutate) {
			snprintf(what, sizeof(what), "C_SetAttributeValue(%s)",
			         bad[i].what);
			rv = f->C_SetAttributeValue(s, bad[i].h, &set, 1);
			sa_p11_check_rv(ctx, what, rv,
			                CKR_OBJECT_HANDLE_INVALID,
			                SA_STRICT_ONLY);
		}
		snprintf(what, sizeof(what), "C_GetObjectSize(%s)",
		         bad[i].what);
		rv = f->C_GetObjectSize(s, bad[i].h, &size);
		if (rv == CKR_FUNCTION_NOT_SUPPORTED)
			sa_case_note(ctx,
			             "%s: CKR_FUNCTION_NOT_SUPPORTED "
			             "(the function is optional)",
			             what);
		else
			sa_p11_check_rv(ctx, what, rv,
			                CKR_OBJECT_HANDLE_INVALID,
			                SA_STRICT_ONLY);
		snprintf(what, sizeof(what), "C_CopyObject(%s)", bad[i].what);
		copy = CK_INVALID_HANDLE;
		rv = f->C_CopyObject(s, bad[i].h, &set, 1, &copy);
		/* In a live session CKR_FUNCTION_NOT_SUPPORTED means the
		 * library does not implement the function (B2.40 §5.1.6):
		 * no handle check to judge. */
		if (rv == CKR_FUNCTION_NOT_SUPPORTED)
			sa_case_note(ctx,
			             "%s: CKR_FUNCTION_NOT_SUPPORTED "
			             "(not implemented; not judged)",
			             what);
		else
			sa_p11_check_rv(ctx, what, rv,
			                CKR_OBJECT_HANDLE_INVALID,
			                SA_STRICT_ONLY);
		if (rv == CKR_OK)
			sa_p11_obj_destroy(ctx, s, &copy);
		if (bad[i].mutate) {
			snprintf(what, sizeof(what), "C_DestroyObject(%s)",
			         bad[i].what);
			rv = f->C_DestroyObject(s, bad[i].h);
			sa_p11_check_rv(ctx, what, rv,
			                CKR_OBJECT_HANDLE_INVALID,
			                SA_STRICT_ONLY);
		}
	}
	(void)sa_p11_obj_purge_label(ctx, s, name);
out:
	sa_p11_ses_logout_quiet(ctx, s);
	sa_p11_ses_close(ctx, &s);
}

/* The key-taking functions of OBJ-09b. */
enum obj09_fn {
	OBJ09_SIGN,
	OBJ09_VERIFY,
	OBJ09_ENCRYPT,
	OBJ09_DECRYPT,
	OBJ09_DIGEST_KEY,
	OBJ09_FN_COUNT
};

static const char *const obj09_fn_names[OBJ09_FN_COUNT] = {
    "C_SignInit",    "C_VerifyInit", "C_EncryptInit",
    "C_DecryptInit", "C_DigestKey",
};

/* The first of the candidates the token lists, or SA_MECH_END. */
static CK_MECHANISM_TYPE pick_mech(const sa_case_ctx *ctx,
                                   const CK_MECHANISM_TYPE *cand, size_t n)
{
	CK_MECHANISM_TYPE m = SA_MECH_END;
	size_t i;

	for (i = 0; m == SA_MECH_END && i < n; i++)
		if (sa_case_has_mech(ctx, cand[i]))
			m = cand[i];
	return m;
}

/* A mechanism for fn that the token lists, so that the key handle is the
 * only thing wrong with the call; SA_MECH_END when there is none. */
static CK_MECHANISM_TYPE obj09_mech(const sa_case_ctx *ctx, enum obj09_fn fn)
{
	static const CK_MECHANISM_TYPE sign[] = {CKM_ECDSA, CKM_RSA_PKCS,
	                                         CKM_SHA256_HMAC};
	static const CK_MECHANISM_TYPE crypt[] = {CKM_AES_ECB, CKM_AES_CBC,
	                                          CKM_RSA_PKCS};
	static const CK_MECHANISM_TYPE digest[] = {CKM_SHA256, CKM_SHA_1};
	CK_MECHANISM_TYPE m = SA_MECH_END;

	switch (fn) {
	case OBJ09_SIGN:
	case OBJ09_VERIFY:
		m = pick_mech(ctx, sign, SA_COUNTOF(sign));
		break;
	case OBJ09_ENCRYPT:
	case OBJ09_DECRYPT:
		m = pick_mech(ctx, crypt, SA_COUNTOF(crypt));
		break;
	case OBJ09_DIGEST_KEY:
		m = pick_mech(ctx, digest, SA_COUNTOF(digest));
		break;
	case OBJ09_FN_COUNT:
		break;
	}
	return m;
}

/* One call of fn with key handle h in a fresh session, so that an
 * operation a faulty module started cannot affect the next call. Returns
 * the CK_RV; set-up failures give an ERROR verdict and *setup_ok false. */
static CK_RV obj09_call(sa_case_ctx *ctx, enum obj09_fn fn,
                        CK_MECHANISM_TYPE mt, CK_OBJECT_HANDLE h,
                        bool *setup_ok)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_BYTE iv[16];
	CK_MECHANISM m = {mt, NULL, 0};
	CK_RV rv = CKR_GENERAL_ERROR;

	*setup_ok = false;
	memset(iv, 0, sizeof(iv));
	if (mt == CKM_AES_CBC) {
		m.pParameter = iv;
		m.ulParameterLen = sizeof(iv);
	}
	if (sa_p11_ses_open(ctx, false, &s) < 0)
		goto out;
	switch (fn) {
	case OBJ09_SIGN:
		rv = f->C_SignInit(s, &m, h);
		break;
	case OBJ09_VERIFY:
		rv = f->C_VerifyInit(s, &m, h);
		break;
	case OBJ09_ENCRYPT:
		rv = f->C_EncryptInit(s, &m, h);
		break;
	case OBJ09_DECRYPT:
		rv = f->C_DecryptInit(s, &m, h);
		break;
	case OBJ09_DIGEST_KEY:
		rv = f->C_DigestInit(s, &m);
		if (rv != CKR_OK) {
			sa_case_error(ctx,
			              "set-up: C_DigestInit(%s) returned %s",
			              sa_p11_mech_name(mt), sa_p11_rv_name(rv));
			goto out;
		}
		rv = f->C_DigestKey(s, h);
		break;
	case OBJ09_FN_COUNT:
		break;
	}
	*setup_ok = true;
out:
	sa_p11_ses_close(ctx, &s);
	return rv;
}

void sa_p11_obj09b_bad_key_handles(sa_case_ctx *ctx)
{
	CK_SESSION_HANDLE anchor = CK_INVALID_HANDLE;
	struct obj09_bad bad[OBJ09_MAX_BAD];
	CK_MECHANISM_TYPE mt;
	size_t n_bad = 0, i;
	unsigned fn, tested = 0;
	bool setup_ok = true;
	char what[160];
	CK_RV rv;

	if (obj09_setup(ctx, &anchor, bad, &n_bad) < 0)
		goto out;
	for (fn = 0; setup_ok && fn < OBJ09_FN_COUNT; fn++) {
		mt = obj09_mech(ctx, (enum obj09_fn)fn);
		if (mt == SA_MECH_END) {
			sa_case_note(
			    ctx,
			    "%s: the token lists none of the mechanisms "
			    "the case uses; not tested",
			    obj09_fn_names[fn]);
			continue;
		}
		tested++;
		/* B2.40 §5.1.6: CKR_KEY_HANDLE_INVALID, "the specified key
		 * handle is not valid", is what the key-taking functions
		 * list (§5.8-§5.12); CKR_OBJECT_HANDLE_INVALID is not among
		 * their return values. */
		for (i = 0; setup_ok && i < n_bad; i++) {
			rv = obj09_call(ctx, (enum obj09_fn)fn, mt, bad[i].h,
			                &setup_ok);
			if (!setup_ok)
				break;
			snprintf(what, sizeof(what), "%s(%s, %s)",
			         obj09_fn_names[fn], sa_p11_mech_name(mt),
			         bad[i].what);
			/* Live session: CKR_FUNCTION_NOT_SUPPORTED means
			 * the function is not implemented (B2.40 §5.1.6),
			 * so its key-handle check is not judged. */
			if (rv == CKR_FUNCTION_NOT_SUPPORTED)
				sa_case_note(ctx,
				             "%s: CKR_FUNCTION_NOT_SUPPORTED "
				             "(not implemented; not judged)",
				             what);
			else
				sa_p11_check_rv(ctx, what, rv,
				                CKR_KEY_HANDLE_INVALID,
				                SA_STRICT_ONLY);
		}
	}
	if (setup_ok && tested == 0)
		sa_case_skip(ctx, "the token lists none of the signing, "
		                  "encryption or digest mechanisms the case "
		                  "uses");
out:
	sa_p11_ses_logout_quiet(ctx, anchor);
	sa_p11_ses_close(ctx, &anchor);
}

/* ---- OBJ-10: session objects: shared by the application's sessions,
 * destroyed with the session that made them ---- */

void sa_p11_obj10_session_object_life(sa_case_ctx *ctx)
{
	CK_SESSION_HANDLE a = CK_INVALID_HANDLE, b = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE ha = CK_INVALID_HANDLE, hb = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE found[4];
	char label[64], label_b[80];
	bool overflow = false;
	CK_ULONG n = 0;
	CK_RV rv;

	sa_p11_obj_label(label, sizeof(label), "obj10");
	snprintf(label_b, sizeof(label_b), "%s-b", label);
	/* Both RW: a token may refuse objects in an RO session (B2.40 lets
	 * it refuse token objects there), and the rule needs none. */
	if (sa_p11_ses_open(ctx, true, &a) < 0 ||
	    sa_p11_ses_open(ctx, true, &b) < 0)
		goto out;
	/* The rule is about session objects: no token-object fallback. */
	if (sa_p11_obj_setup_data_ex(ctx, a, label, NULL, 0,
	                             "CKO_DATA in session A", true, &ha) < 0 ||
	    sa_p11_obj_setup_data_ex(ctx, b, label_b, NULL, 0,
	                             "CKO_DATA in session B", true, &hb) < 0)
		goto out;
	/* UG2.40: a session object is visible to all sessions of the
	 * application that created it. */
	{
		CK_ATTRIBUTE by_label = {CKA_LABEL, label, strlen(label)};
		CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
		CK_ULONG got = 0;

		rv = f->C_FindObjectsInit(b, &by_label, 1);
		if (rv == CKR_OK) {
			rv =
			    f->C_FindObjects(b, found, SA_COUNTOF(found), &got);
			(void)f->C_FindObjectsFinal(b);
		}
		n = got > SA_COUNTOF(found) ? SA_COUNTOF(found) : got;
		overflow = got > SA_COUNTOF(found);
		sa_case_checkf(
		    ctx, rv == CKR_OK && !overflow && n == 1 && found[0] == ha,
		    "session B finds session A's object by label",
		    "CKR_OK, 1 object with A's handle", "%s, %lu objects%s",
		    sa_p11_rv_name(rv), (unsigned long)got,
		    rv == CKR_OK && n == 1 && found[0] != ha
		        ? " with another handle"
		        : "");
	}
	sa_p11_obj_check_label(ctx, b, ha, label,
	                       "session B reads CKA_LABEL of A's object");
	/* B2.40 §5.6.2: closing a session destroys the session objects it
	 * created, even while other sessions of the application use them. */
	sa_p11_ses_close(ctx, &a);
	rv = sa_p11_ses_probe_object(ctx, b, ha);
	sa_p11_check_rv(ctx,
	                "C_GetAttributeValue in session B of A's object after "
	                "A is closed",
	                rv, CKR_OBJECT_HANDLE_INVALID, SA_STRICT_ONLY);
	ha = CK_INVALID_HANDLE;
	rv = sa_p11_count_label(ctx, b, label, &n);
	sa_case_checkf(ctx, rv == CKR_OK && n == 0,
	               "session B searches for A's object after A is closed",
	               "0 objects", "%s, %lu objects", sa_p11_rv_name(rv),
	               (unsigned long)n);
	rv = sa_p11_ses_probe_object(ctx, b, hb);
	sa_p11_check_rv(ctx,
	                "C_GetAttributeValue of B's own object after A is "
	                "closed (only A's objects go)",
	                rv, CKR_OK, SA_STRICT_ONLY);
out:
	sa_p11_obj_destroy(ctx, b, &hb);
	sa_p11_obj_destroy(ctx, a, &ha);
	/* A module that keeps A's object past A's end (a failed check) must
	 * not keep it for later runs either. */
	if (b != CK_INVALID_HANDLE) {
		(void)sa_p11_obj_purge_label(ctx, b, label);
		(void)sa_p11_obj_purge_label(ctx, b, label_b);
	}
	sa_p11_ses_close(ctx, &b);
	sa_p11_ses_close(ctx, &a);
}
