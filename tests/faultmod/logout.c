/* sa_faultmod: the named fault logout-keeps-objects.
 *
 * After C_Logout, private objects are out of reach: private session objects
 * are destroyed and handles to private objects become invalid (B2.40 §5.6.8).
 * A module that breaks this keeps answering about them. The shim cannot make
 * the target keep them, so while a user is logged in it remembers what the
 * target said about objects (a fixed set of attributes, fetched on first
 * sight, plus anything the application read, and the results of each search),
 * and after C_Logout it answers from that memory where the target now says
 * CKR_OBJECT_HANDLE_INVALID or finds fewer objects:
 *   - C_GetAttributeValue on a remembered handle that the target calls
 *     invalid: the remembered values, with the usual length and buffer rules
 *     (B2.40 §5.7.5); an attribute never seen is CKR_ATTRIBUTE_SENSITIVE;
 *   - C_FindObjectsInit after logout: the target's own (public) results, plus
 *     what the same template found while logged in, plus remembered objects
 *     whose remembered attributes match the template; C_FindObjects returns
 *     those.
 * Limits: only C_Logout counts as a logout (not C_CloseAllSessions or
 * closing the last session); memory is bounded (MAX_* below and store.h),
 * objects beyond it behave normally; an object destroyed by closing its
 * session is still "kept". None of this runs unless the fault is on.
 *
 * C_Login and C_Logout are hooks; the other functions here are a layer:
 * keys.c's hooks call sa_fm_logout_C_xxx, which call the target. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

/* Remembered handles (also per search), (object, attribute) pairs and values
 * are bounded by store.h: SA_FM_MAX_OBJECTS, SA_FM_MAX_ATTRS, SA_FM_MAX_VALUE.
 */
#define MAX_FINDS    32    /* remembered searches */
#define MAX_SEARCHES 64    /* concurrent C_FindObjects operations */
#define MAX_KEY      65536 /* larger search templates are not remembered */

/* A search made while logged in: the serialised template and its results. */
struct find {
	unsigned char *key;
	size_t key_len;
	struct sa_fm_handles hits;
};

/* A C_FindObjects operation in progress on a session. */
struct search {
	bool used;
	CK_SESSION_HANDLE s;
	int record;  /* index in finds[] being filled, or -1 */
	bool replay; /* answer from hits instead of the target */
	struct sa_fm_handles hits;
	size_t pos;
};

static struct {
	bool logged_in;
	bool after_logout;
	struct sa_fm_handles known;
	struct sa_fm_store attrs;
	struct find finds[MAX_FINDS];
	size_t n_finds;
	struct search searches[MAX_SEARCHES];
} st;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* What is fetched from the target when an object is first seen logged in:
 * the attributes a check is likely to read back after logout. */
/* clang-format off */
static const CK_ATTRIBUTE_TYPE prefetch[] = {
	CKA_CLASS,     CKA_TOKEN,       CKA_PRIVATE,     CKA_MODIFIABLE,
	CKA_LABEL,     CKA_ID,          CKA_APPLICATION, CKA_VALUE,
	CKA_KEY_TYPE,  CKA_SENSITIVE,   CKA_EXTRACTABLE, CKA_SIGN,
	CKA_VERIFY,    CKA_DECRYPT,     CKA_ENCRYPT,     CKA_MODULUS,
	CKA_PUBLIC_EXPONENT, CKA_EC_PARAMS, CKA_EC_POINT, CKA_SUBJECT,
	CKA_CERTIFICATE_TYPE,
};
/* clang-format on */

static bool on(void)
{
	return sa_fm_on(SA_FM_NAMED_LOGOUT_KEEPS_OBJECTS);
}

static void hits_add(struct sa_fm_handles *h, CK_OBJECT_HANDLE obj)
{
	(void)sa_fm_handles_add(h, obj);
}

static struct sa_fm_attr *attr_find(CK_OBJECT_HANDLE obj,
                                    CK_ATTRIBUTE_TYPE type)
{
	return sa_fm_store_find(&st.attrs, obj, type);
}

static void attr_put(CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_TYPE type, CK_RV status,
                     const void *value, CK_ULONG len)
{
	(void)sa_fm_store_put(&st.attrs, obj, type, status, value, len);
}

/* Read the prefetch set from the target, one attribute per call so that one
 * sensitive or absent attribute does not hide the others. */
static void fetch(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE obj)
{
	for (size_t i = 0; i < sizeof(prefetch) / sizeof(prefetch[0]); i++) {
		CK_ATTRIBUTE a = {prefetch[i], NULL, 0};
		void *buf = NULL;
		CK_RV rv;

		if (attr_find(obj, a.type) != NULL)
			continue;
		rv = sa_fm_real->C_GetAttributeValue(s, obj, &a, 1);
		if (rv == CKR_OK && a.ulValueLen <= SA_FM_MAX_VALUE) {
			buf = malloc(a.ulValueLen > 0 ? a.ulValueLen : 1);
			a.pValue = buf;
			if (buf != NULL)
				rv = sa_fm_real->C_GetAttributeValue(s, obj, &a,
				                                     1);
			if (buf != NULL && rv == CKR_OK)
				attr_put(obj, a.type, CKR_OK, buf,
				         a.ulValueLen);
		} else if (rv == CKR_ATTRIBUTE_SENSITIVE ||
		           rv == CKR_ATTRIBUTE_TYPE_INVALID) {
			attr_put(obj, a.type, rv, NULL, 0);
		}
		free(buf);
	}
}

/* An object seen while logged in. Caller holds the lock. */
static void remember(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE obj)
{
	if (!st.logged_in)
		goto out;
	hits_add(&st.known, obj);
	if (sa_fm_handles_has(&st.known, obj))
		fetch(s, obj);
out:
	return;
}

static void forget(CK_OBJECT_HANDLE obj)
{
	sa_fm_handles_del(&st.known, obj);
	for (size_t f = 0; f < st.n_finds; f++)
		sa_fm_handles_del(&st.finds[f].hits, obj);
	sa_fm_store_forget(&st.attrs, obj);
}

/* A search template as bytes: (type, length, value) per attribute. */
static unsigned char *template_key(const CK_ATTRIBUTE *t, CK_ULONG n,
                                   size_t *out_len)
{
	unsigned char *key = NULL;
	size_t len = 0, off = 0;

	for (CK_ULONG i = 0; i < n; i++) {
		len += 2 * sizeof(CK_ULONG);
		if (t[i].pValue != NULL)
			len += t[i].ulValueLen;
		if (len > MAX_KEY)
			goto out;
	}
	key = malloc(len > 0 ? len : 1);
	if (key == NULL)
		goto out;
	for (CK_ULONG i = 0; i < n; i++) {
		memcpy(key + off, &t[i].type, sizeof(CK_ULONG));
		off += sizeof(CK_ULONG);
		memcpy(key + off, &t[i].ulValueLen, sizeof(CK_ULONG));
		off += sizeof(CK_ULONG);
		if (t[i].pValue != NULL && t[i].ulValueLen > 0) {
			memcpy(key + off, t[i].pValue, t[i].ulValueLen);
			off += t[i].ulValueLen;
		}
	}
	*out_len = len;
out:
	return key;
}

/* The remembered search for this template, created on request; -1 if none. */
static int find_record(const CK_ATTRIBUTE *t, CK_ULONG n, bool create)
{
	size_t len = 0;
	unsigned char *key = template_key(t, n, &len);
	int found = -1;

	if (key == NULL)
		goto out;
	for (size_t i = 0; i < st.n_finds; i++) {
		if (st.finds[i].key_len == len &&
		    memcmp(st.finds[i].key, key, len) == 0) {
			found = (int)i;
			goto out;
		}
	}
	if (!create || st.n_finds >= MAX_FINDS)
		goto out;
	found = (int)st.n_finds++;
	st.finds[found].key = key;
	st.finds[found].key_len = len;
	st.finds[found].hits.n = 0;
	key = NULL;
out:
	free(key);
	return found;
}

static struct search *search_get(CK_SESSION_HANDLE s, bool create)
{
	struct search *found = NULL, *free_slot = NULL;

	for (size_t i = 0; i < MAX_SEARCHES && found == NULL; i++) {
		if (st.searches[i].used && st.searches[i].s == s)
			found = &st.searches[i];
		else if (!st.searches[i].used && free_slot == NULL)
			free_slot = &st.searches[i];
	}
	if (found != NULL || !create || free_slot == NULL)
		goto out;
	memset(free_slot, 0, sizeof(*free_slot));
	free_slot->used = true;
	free_slot->s = s;
	free_slot->record = -1;
	found = free_slot;
out:
	return found;
}

/* Whether what we remember of obj matches every attribute of the template. */
static bool matches(CK_OBJECT_HANDLE obj, const CK_ATTRIBUTE *t, CK_ULONG n)
{
	bool ok = true;

	for (CK_ULONG i = 0; i < n && ok; i++) {
		const struct sa_fm_attr *a = attr_find(obj, t[i].type);

		ok = a != NULL && a->status == CKR_OK &&
		     a->len == t[i].ulValueLen &&
		     (a->len == 0 ||
		      (t[i].pValue != NULL &&
		       memcmp(a->value, t[i].pValue, a->len) == 0));
	}
	return ok;
}

/* After logout: everything the search would have found while logged in. The
 * target's own results are drained now; C_FindObjects then replays. */
static void collect(struct search *sr, CK_SESSION_HANDLE s,
                    const CK_ATTRIBUTE *t, CK_ULONG n)
{
	CK_OBJECT_HANDLE buf[32];
	CK_ULONG got = 0;
	int rec;

	while (sa_fm_real->C_FindObjects(s, buf, 32, &got) == CKR_OK &&
	       got > 0) {
		for (CK_ULONG i = 0; i < got && i < 32; i++)
			hits_add(&sr->hits, buf[i]);
	}
	rec = find_record(t, n, false);
	for (size_t i = 0; rec >= 0 && i < st.finds[rec].hits.n; i++)
		hits_add(&sr->hits, st.finds[rec].hits.h[i]);
	for (size_t i = 0; i < st.known.n; i++) {
		if (matches(st.known.h[i], t, n))
			hits_add(&sr->hits, st.known.h[i]);
	}
}

/* Answer C_GetAttributeValue from memory (B2.40 §5.7.5 conventions). */
static CK_RV replay_attrs(CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_PTR t, CK_ULONG n)
{
	CK_RV rv = CKR_OK;

	for (CK_ULONG i = 0; i < n; i++) {
		const struct sa_fm_attr *a = attr_find(obj, t[i].type);
		CK_RV err = CKR_OK;

		if (a == NULL || a->status != CKR_OK)
			err = a != NULL ? a->status : CKR_ATTRIBUTE_SENSITIVE;
		else if (t[i].pValue == NULL)
			t[i].ulValueLen = a->len;
		else if (t[i].ulValueLen >= a->len) {
			memcpy(t[i].pValue, a->value, a->len);
			t[i].ulValueLen = a->len;
		} else
			err = CKR_BUFFER_TOO_SMALL;
		if (err != CKR_OK) {
			t[i].ulValueLen = CK_UNAVAILABLE_INFORMATION;
			if (rv == CKR_OK)
				rv = err;
		}
	}
	return rv;
}

void sa_fm_logout_reset(void)
{
	pthread_mutex_lock(&lock);
	sa_fm_store_clear(&st.attrs);
	for (size_t i = 0; i < st.n_finds; i++)
		free(st.finds[i].key);
	memset(&st, 0, sizeof(st));
	pthread_mutex_unlock(&lock);
}

CK_RV sa_fm_hook_C_Login(CK_SESSION_HANDLE s, CK_USER_TYPE who,
                         CK_UTF8CHAR_PTR pin, CK_ULONG pin_len)
{
	CK_RV rv = sa_fm_real->C_Login(s, who, pin, pin_len);

	if (on() && (rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN)) {
		pthread_mutex_lock(&lock);
		st.logged_in = true;
		st.after_logout = false;
		pthread_mutex_unlock(&lock);
	}
	return rv;
}

CK_RV sa_fm_hook_C_Logout(CK_SESSION_HANDLE s)
{
	CK_RV rv = sa_fm_real->C_Logout(s);

	if (on() && rv == CKR_OK) {
		pthread_mutex_lock(&lock);
		st.logged_in = false;
		st.after_logout = true;
		pthread_mutex_unlock(&lock);
	}
	return rv;
}

CK_RV sa_fm_logout_C_CreateObject(CK_SESSION_HANDLE s, CK_ATTRIBUTE_PTR tmpl,
                                  CK_ULONG n, CK_OBJECT_HANDLE_PTR obj)
{
	CK_RV rv = sa_fm_real->C_CreateObject(s, tmpl, n, obj);

	if (on() && rv == CKR_OK && obj != NULL) {
		pthread_mutex_lock(&lock);
		remember(s, *obj);
		pthread_mutex_unlock(&lock);
	}
	return rv;
}

CK_RV sa_fm_logout_C_GenerateKey(CK_SESSION_HANDLE s, CK_MECHANISM_PTR mech,
                                 CK_ATTRIBUTE_PTR tmpl, CK_ULONG n,
                                 CK_OBJECT_HANDLE_PTR key)
{
	CK_RV rv = sa_fm_real->C_GenerateKey(s, mech, tmpl, n, key);

	if (on() && rv == CKR_OK && key != NULL) {
		pthread_mutex_lock(&lock);
		remember(s, *key);
		pthread_mutex_unlock(&lock);
	}
	return rv;
}

CK_RV sa_fm_logout_C_GenerateKeyPair(CK_SESSION_HANDLE s, CK_MECHANISM_PTR mech,
                                     CK_ATTRIBUTE_PTR pub_tmpl, CK_ULONG pub_n,
                                     CK_ATTRIBUTE_PTR priv_tmpl,
                                     CK_ULONG priv_n, CK_OBJECT_HANDLE_PTR pub,
                                     CK_OBJECT_HANDLE_PTR priv)
{
	CK_RV rv = sa_fm_real->C_GenerateKeyPair(s, mech, pub_tmpl, pub_n,
	                                         priv_tmpl, priv_n, pub, priv);

	if (on() && rv == CKR_OK && pub != NULL && priv != NULL) {
		pthread_mutex_lock(&lock);
		remember(s, *pub);
		remember(s, *priv);
		pthread_mutex_unlock(&lock);
	}
	return rv;
}

CK_RV sa_fm_logout_C_DestroyObject(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE obj)
{
	CK_RV rv = sa_fm_real->C_DestroyObject(s, obj);

	if (on() && rv == CKR_OK) {
		pthread_mutex_lock(&lock);
		forget(obj);
		pthread_mutex_unlock(&lock);
	}
	return rv;
}

CK_RV sa_fm_logout_C_GetAttributeValue(CK_SESSION_HANDLE s,
                                       CK_OBJECT_HANDLE obj,
                                       CK_ATTRIBUTE_PTR tmpl, CK_ULONG n)
{
	CK_RV rv = sa_fm_real->C_GetAttributeValue(s, obj, tmpl, n);

	if (!on() || tmpl == NULL)
		goto out;
	pthread_mutex_lock(&lock);
	/* The per-attribute outcomes are meaningful for these four only
	 * (B2.40 §5.7.5). */
	if (st.logged_in &&
	    (rv == CKR_OK || rv == CKR_ATTRIBUTE_SENSITIVE ||
	     rv == CKR_ATTRIBUTE_TYPE_INVALID || rv == CKR_BUFFER_TOO_SMALL)) {
		for (CK_ULONG i = 0; i < n; i++) {
			if (tmpl[i].pValue != NULL &&
			    tmpl[i].ulValueLen != CK_UNAVAILABLE_INFORMATION)
				attr_put(obj, tmpl[i].type, CKR_OK,
				         tmpl[i].pValue, tmpl[i].ulValueLen);
		}
		remember(s, obj);
	} else if (st.after_logout && rv == CKR_OBJECT_HANDLE_INVALID &&
	           sa_fm_handles_has(&st.known, obj)) {
		rv = replay_attrs(obj, tmpl, n);
	}
	pthread_mutex_unlock(&lock);
out:
	return rv;
}

CK_RV sa_fm_logout_C_FindObjectsInit(CK_SESSION_HANDLE s, CK_ATTRIBUTE_PTR tmpl,
                                     CK_ULONG n)
{
	CK_RV rv = sa_fm_real->C_FindObjectsInit(s, tmpl, n);
	struct search *sr;

	if (!on() || rv != CKR_OK || (tmpl == NULL && n > 0))
		goto out;
	pthread_mutex_lock(&lock);
	sr = search_get(s, true);
	if (sr == NULL)
		goto unlock;
	sr->record = -1;
	sr->replay = false;
	sr->hits.n = 0;
	sr->pos = 0;
	if (st.logged_in) {
		sr->record = find_record(tmpl, n, true);
		if (sr->record >= 0)
			st.finds[sr->record].hits.n = 0;
	} else if (st.after_logout) {
		sr->replay = true;
		collect(sr, s, tmpl, n);
	}
unlock:
	pthread_mutex_unlock(&lock);
out:
	return rv;
}

CK_RV sa_fm_logout_C_FindObjects(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE_PTR objs,
                                 CK_ULONG max, CK_ULONG_PTR count)
{
	struct search *sr;
	CK_RV rv;

	if (!on()) {
		rv = sa_fm_real->C_FindObjects(s, objs, max, count);
		goto out;
	}
	pthread_mutex_lock(&lock);
	sr = search_get(s, false);
	if (sr != NULL && sr->replay && objs != NULL && count != NULL) {
		size_t k = sr->hits.n - sr->pos;

		if (k > max)
			k = max;
		memcpy(objs, sr->hits.h + sr->pos, k * sizeof(*objs));
		sr->pos += k;
		*count = k;
		rv = CKR_OK;
		goto unlock;
	}
	rv = sa_fm_real->C_FindObjects(s, objs, max, count);
	if (sr != NULL && sr->record >= 0 && rv == CKR_OK && objs != NULL &&
	    count != NULL) {
		for (CK_ULONG i = 0; i < *count && i < max; i++) {
			hits_add(&st.finds[sr->record].hits, objs[i]);
			remember(s, objs[i]);
		}
	}
unlock:
	pthread_mutex_unlock(&lock);
out:
	return rv;
}

CK_RV sa_fm_logout_C_FindObjectsFinal(CK_SESSION_HANDLE s)
{
	CK_RV rv = sa_fm_real->C_FindObjectsFinal(s);
	struct search *sr;

	if (on()) {
		pthread_mutex_lock(&lock);
		sr = search_get(s, false);
		if (sr != NULL)
			sr->used = false;
		pthread_mutex_unlock(&lock);
	}
	return rv;
}
