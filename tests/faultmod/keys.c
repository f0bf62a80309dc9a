/* sa_faultmod: the named faults on objects, attributes and key generation
 * (README.md): what C_GetAttributeValue answers, what creation templates
 * really do, which attributes latch, which objects a public session finds.
 *
 * These hooks sit above the logout layer (logout.c): they call
 * sa_fm_logout_C_xxx where that layer has a function, else the target. Three
 * stores, keyed by object handle and bounded by store.h (256 objects and
 * 4096 attributes each, values up to 64 KiB; beyond that, objects behave
 * normally):
 *   fake   answers given instead of the target's: attributes the faults
 *          dropped from templates (reported back as if stored), unlatched
 *          flags, the keygen lies;
 *   given  sensitive values seen in creation templates, and the random
 *          stand-ins handed out by leak-sensitive, so that every read of one
 *          attribute gives the same bytes;
 *   seen   identity attributes of CKA_PRIVATE objects (private-visible-public).
 * C_DestroyObject forgets an object; C_Initialize and C_Finalize forget all.
 * Nothing is remembered, and every hook is a plain forwarder, unless one of
 * the faults concerned is on. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"

/* crash-on-abuse: a length no attribute value has (B2.40 §5.1.6). */
#define ABUSE_LEN ((CK_ULONG)1 << 30)
/* Templates with more attributes are forwarded untouched; crash-on-abuse
 * scans only this many (a huge count with a short array is read past its
 * end, as the target itself would). */
#define MAX_TEMPLATE 65536
/* Concurrent C_FindObjects operations tracked by private-visible-public. */
#define MAX_SEARCHES 64
/* Largest attribute value this layer reads whole from the target. */
#define MAX_FETCH ((CK_ULONG)16 << 20)
/* leak-sensitive's stand-in for a value it never saw. */
#define LEAK_LEN 32

/* A C_FindObjects operation in a public session (private-visible-public):
 * the remembered private objects to append, and what was already returned. */
struct search {
	bool used;
	CK_SESSION_HANDLE s;
	struct sa_fm_handles extra;
	struct sa_fm_handles returned;
	size_t pos;
};

static struct {
	struct sa_fm_store fake;
	struct sa_fm_store given;
	struct sa_fm_store seen;
	struct sa_fm_handles checked; /* CKA_PRIVATE already looked at */
	struct search searches[MAX_SEARCHES];
} st;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* What no sensitive or unextractable key may reveal (B2.40 §4.9 footnote 7,
 * §4.10, §5.7.5). */
static const CK_ATTRIBUTE_TYPE sensitive_types[] = {
    CKA_VALUE,      CKA_PRIVATE_EXPONENT, CKA_PRIME_1,     CKA_PRIME_2,
    CKA_EXPONENT_1, CKA_EXPONENT_2,       CKA_COEFFICIENT,
};
/* The key history attributes (B2.40 §4.7.2, §4.9, §4.10). */
static const CK_ATTRIBUTE_TYPE history_types[] = {
    CKA_ALWAYS_SENSITIVE,
    CKA_NEVER_EXTRACTABLE,
    CKA_LOCAL,
};
/* What private-visible-public matches search templates against. */
static const CK_ATTRIBUTE_TYPE identity_types[] = {
    CKA_CLASS, CKA_TOKEN, CKA_PRIVATE, CKA_LABEL, CKA_ID, CKA_KEY_TYPE,
};

#define COUNT_(a) (sizeof(a) / sizeof((a)[0]))

static bool in_set(CK_ATTRIBUTE_TYPE t, const CK_ATTRIBUTE_TYPE *set, size_t n)
{
	size_t i = 0;

	while (i < n && set[i] != t)
		i++;
	return i < n;
}

/* Attributes whose value is an array of CK_ATTRIBUTE (B2.40 §5.7.5 last
 * paragraphs). CKA_ALLOWED_MECHANISMS also has CKF_ARRAY_ATTRIBUTE but holds
 * CK_MECHANISM_TYPEs: a plain value here. */
static bool is_attr_array(CK_ATTRIBUTE_TYPE t)
{
	return t == CKA_WRAP_TEMPLATE || t == CKA_UNWRAP_TEMPLATE ||
	       t == CKA_DERIVE_TEMPLATE;
}

/* The three per-attribute outcomes of C_GetAttributeValue: the call still
 * processed every attribute (B2.40 §5.7.5). */
static bool per_slot(CK_RV rv)
{
	return rv == CKR_ATTRIBUTE_SENSITIVE ||
	       rv == CKR_ATTRIBUTE_TYPE_INVALID || rv == CKR_BUFFER_TOO_SMALL;
}

static void random_bytes(unsigned char *buf, size_t len)
{
	/* Test equipment: unpredictability is not needed, only bytes that
	 * are not the key; getentropy() is the easy source. */
	if (getentropy(buf, len) != 0) {
		for (size_t i = 0; i < len; i++)
			buf[i] = (unsigned char)rand();
	}
}

/* A CK_BBOOL template value. */
static bool bool_value(const CK_ATTRIBUTE *a, CK_BBOOL *out)
{
	bool ok = a->pValue != NULL && a->ulValueLen == sizeof(CK_BBOOL);

	if (ok)
		*out = *(const CK_BBOOL *)a->pValue;
	return ok;
}

/* A CK_BBOOL attribute straight from the target. */
static bool read_bool(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE obj,
                      CK_ATTRIBUTE_TYPE type, CK_BBOOL *out)
{
	CK_BBOOL v = CK_FALSE;
	CK_ATTRIBUTE a = {type, &v, sizeof(v)};
	bool ok = sa_fm_real->C_GetAttributeValue(s, obj, &a, 1) == CKR_OK &&
	          a.ulValueLen == sizeof(v);

	if (ok)
		*out = v;
	return ok;
}

static bool session_state(CK_SESSION_HANDLE s, CK_STATE *out)
{
	CK_SESSION_INFO info;
	bool ok = sa_fm_real->C_GetSessionInfo(s, &info) == CKR_OK;

	if (ok)
		*out = info.state;
	return ok;
}

/* crash-on-abuse: the arguments a module must refuse, not follow. */
static void check_abuse(const CK_ATTRIBUTE *t, CK_ULONG n)
{
	bool abuse = false;

	if (!sa_fm_on(SA_FM_NAMED_CRASH_ON_ABUSE))
		goto out;
	if (t == NULL) {
		abuse = n > 0;
		goto out;
	}
	for (CK_ULONG i = 0; i < n && i < MAX_TEMPLATE && !abuse; i++)
		abuse = t[i].ulValueLen > ABUSE_LEN;
out:
	/* Before forwarding: the target never sees the abuse. */
	if (abuse)
		sa_fm_crash();
}

/* ---- values as stored: plain bytes, or a flattened attribute array ---- */

/* A template attribute as stored: plain values as they are; attribute arrays
 * as (type, length, bytes) per element. NULL when it does not fit. */
static unsigned char *flatten(const CK_ATTRIBUTE *a, CK_ULONG *out_len)
{
	const CK_ATTRIBUTE *el = a->pValue;
	size_t m = a->ulValueLen / sizeof(CK_ATTRIBUTE);
	size_t len = 0, off = 0;
	unsigned char *buf = NULL;

	if (a->pValue == NULL && a->ulValueLen > 0)
		goto out;
	if (!is_attr_array(a->type)) {
		len = a->ulValueLen;
		if (len > SA_FM_MAX_VALUE)
			goto out;
		buf = malloc(len > 0 ? len : 1);
		if (buf != NULL && len > 0)
			memcpy(buf, a->pValue, len);
		goto out;
	}
	for (size_t i = 0; i < m; i++) {
		if (el[i].pValue == NULL && el[i].ulValueLen > 0)
			goto out;
		len += 2 * sizeof(CK_ULONG);
		if (len > SA_FM_MAX_VALUE ||
		    el[i].ulValueLen > SA_FM_MAX_VALUE - len)
			goto out;
		len += el[i].ulValueLen;
	}
	buf = malloc(len > 0 ? len : 1);
	if (buf == NULL)
		goto out;
	for (size_t i = 0; i < m; i++) {
		memcpy(buf + off, &el[i].type, sizeof(CK_ULONG));
		off += sizeof(CK_ULONG);
		memcpy(buf + off, &el[i].ulValueLen, sizeof(CK_ULONG));
		off += sizeof(CK_ULONG);
		if (el[i].ulValueLen > 0)
			memcpy(buf + off, el[i].pValue, el[i].ulValueLen);
		off += el[i].ulValueLen;
	}
out:
	if (buf != NULL)
		*out_len = len;
	return buf;
}

/* One value into the caller's attribute, by the rules of B2.40 §5.7.5. */
static CK_RV deliver_plain(CK_ATTRIBUTE *a, const unsigned char *val,
                           CK_ULONG len)
{
	CK_RV rv = CKR_OK;

	if (a->pValue == NULL) {
		a->ulValueLen = len;
	} else if (a->ulValueLen >= len) {
		if (len > 0)
			memcpy(a->pValue, val, len);
		a->ulValueLen = len;
	} else {
		a->ulValueLen = CK_UNAVAILABLE_INFORMATION;
		rv = CKR_BUFFER_TOO_SMALL;
	}
	return rv;
}

/* A flattened attribute array: the outer length is that of the CK_ATTRIBUTE
 * array; each element gets its type and then the plain rules (B2.40 §5.7.5,
 * the CKF_ARRAY_ATTRIBUTE paragraph). */
static CK_RV deliver_array(CK_ATTRIBUTE *a, const unsigned char *val,
                           CK_ULONG len)
{
	CK_ATTRIBUTE *el = a->pValue;
	size_t m = 0, off = 0;
	CK_RV rv = CKR_OK;

	while (off + 2 * sizeof(CK_ULONG) <= len) {
		CK_ULONG l;

		memcpy(&l, val + off + sizeof(CK_ULONG), sizeof(l));
		off += 2 * sizeof(CK_ULONG) + l;
		m++;
	}
	if (a->pValue == NULL) {
		a->ulValueLen = m * sizeof(CK_ATTRIBUTE);
		goto out;
	}
	if (a->ulValueLen < m * sizeof(CK_ATTRIBUTE)) {
		a->ulValueLen = CK_UNAVAILABLE_INFORMATION;
		rv = CKR_BUFFER_TOO_SMALL;
		goto out;
	}
	off = 0;
	for (size_t i = 0; i < m; i++) {
		CK_ULONG l;
		CK_RV r;

		memcpy(&el[i].type, val + off, sizeof(CK_ULONG));
		memcpy(&l, val + off + sizeof(CK_ULONG), sizeof(l));
		off += 2 * sizeof(CK_ULONG);
		r = deliver_plain(&el[i], val + off, l);
		off += l;
		if (r != CKR_OK)
			rv = r;
	}
	a->ulValueLen = m * sizeof(CK_ATTRIBUTE);
out:
	return rv;
}

static CK_RV deliver(CK_ATTRIBUTE *a, CK_RV status, const unsigned char *val,
                     CK_ULONG len)
{
	CK_RV rv = status;

	if (status != CKR_OK)
		a->ulValueLen = CK_UNAVAILABLE_INFORMATION;
	else if (is_attr_array(a->type))
		rv = deliver_array(a, val, len);
	else
		rv = deliver_plain(a, val, len);
	return rv;
}

/* ---- C_GetAttributeValue ---- */

/* Whether this layer answers (obj, type) itself. Caller holds the lock. */
static bool mine(CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_TYPE t)
{
	return sa_fm_store_find(&st.fake, obj, t) != NULL ||
	       (sa_fm_on(SA_FM_NAMED_LEAK_SENSITIVE) &&
	        in_set(t, sensitive_types, COUNT_(sensitive_types))) ||
	       (t == CKA_EC_POINT &&
	        (sa_fm_on(SA_FM_NAMED_EC_POINT_RAW) ||
	         sa_fm_on(SA_FM_NAMED_EC_POINT_OFF_CURVE))) ||
	       (sa_fm_on(SA_FM_NAMED_HISTORY_LIES) &&
	        in_set(t, history_types, COUNT_(history_types)));
}

/* One attribute, read whole from the layer below. */
static CK_RV fetch(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE obj,
                   CK_ATTRIBUTE_TYPE type, unsigned char **out,
                   CK_ULONG *out_len)
{
	CK_ATTRIBUTE q = {type, NULL, 0};
	unsigned char *buf = NULL;
	CK_RV rv = sa_fm_logout_C_GetAttributeValue(s, obj, &q, 1);

	if (rv != CKR_OK)
		goto out;
	rv = CKR_HOST_MEMORY;
	if (q.ulValueLen > MAX_FETCH)
		goto out;
	buf = malloc(q.ulValueLen > 0 ? q.ulValueLen : 1);
	if (buf == NULL)
		goto out;
	q.pValue = buf;
	rv = sa_fm_logout_C_GetAttributeValue(s, obj, &q, 1);
	if (rv != CKR_OK)
		goto out;
	*out = buf;
	*out_len = q.ulValueLen;
	buf = NULL;
out:
	free(buf);
	return rv;
}

/* The content of a DER OCTET STRING (Curr v2.40 §2.3: CKA_EC_POINT is
 * "DER-encoding of ANSI X9.62 ECPoint value Q"); false if v is not one. */
static bool der_octets(const unsigned char *v, CK_ULONG len, CK_ULONG *hdr)
{
	CK_ULONG h = 0, clen = 0;

	if (len < 2 || v[0] != 0x04)
		goto out;
	if (v[1] < 0x80) {
		h = 2;
		clen = v[1];
	} else if (v[1] == 0x81 && len >= 3) {
		h = 3;
		clen = v[2];
	} else if (v[1] == 0x82 && len >= 4) {
		h = 4;
		clen = ((CK_ULONG)v[2] << 8) | v[3];
	}
out:
	*hdr = h;
	return h > 0 && h + clen == len;
}

/* ec-point-off-curve, ec-point-raw on a CKA_EC_POINT value. Only
 * uncompressed points (0x04 || X || Y) are moved off the curve: changing
 * the last byte of Y breaks y^2 = x^3 + ax + b for all but a negligible set
 * of points. Edwards points (32 or 57 bytes, no prefix) are left alone. */
static void ec_point(unsigned char *v, CK_ULONG *len)
{
	CK_ULONG hdr = 0;
	bool wrapped = der_octets(v, *len, &hdr);
	const unsigned char *pt = v + hdr;
	CK_ULONG plen = *len - hdr;

	if (sa_fm_on(SA_FM_NAMED_EC_POINT_OFF_CURVE) && plen >= 3 &&
	    plen % 2 == 1 && pt[0] == 0x04)
		v[*len - 1] ^= 0xff;
	if (sa_fm_on(SA_FM_NAMED_EC_POINT_RAW) && wrapped) {
		memmove(v, v + hdr, plen);
		*len = plen;
	}
}

/* The value leak-sensitive hands out for (obj, type): what a template gave,
 * else 32 random bytes remembered for the next read. Caller holds the lock. */
static bool leak(CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_TYPE type,
                 unsigned char **val, CK_ULONG *len)
{
	const struct sa_fm_attr *g = sa_fm_store_find(&st.given, obj, type);
	unsigned char rnd[LEAK_LEN];
	const unsigned char *src = rnd;
	CK_ULONG n = sizeof(rnd);
	unsigned char *copy;

	if (g != NULL && g->status == CKR_OK) {
		src = g->value;
		n = g->len;
	} else {
		random_bytes(rnd, sizeof(rnd));
		(void)sa_fm_store_put(&st.given, obj, type, CKR_OK, rnd,
		                      sizeof(rnd));
	}
	copy = malloc(n > 0 ? n : 1);
	if (copy != NULL) {
		if (n > 0)
			memcpy(copy, src, n);
		free(*val);
		*val = copy;
		*len = n;
	}
	return copy != NULL;
}

/* The faults that rewrite what the target said about one attribute. */
static CK_RV transform(CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_TYPE type,
                       CK_RV status, unsigned char **val, CK_ULONG *len)
{
	if (sa_fm_on(SA_FM_NAMED_LEAK_SENSITIVE) &&
	    status == CKR_ATTRIBUTE_SENSITIVE &&
	    in_set(type, sensitive_types, COUNT_(sensitive_types))) {
		pthread_mutex_lock(&lock);
		if (leak(obj, type, val, len))
			status = CKR_OK;
		pthread_mutex_unlock(&lock);
	}
	if (type == CKA_EC_POINT && status == CKR_OK)
		ec_point(*val, len);
	if (sa_fm_on(SA_FM_NAMED_HISTORY_LIES) && status == CKR_OK &&
	    *len == sizeof(CK_BBOOL) &&
	    in_set(type, history_types, COUNT_(history_types)))
		**val = CK_TRUE;
	return status;
}

/* One attribute this layer answers: a fake value, or the target's value
 * rewritten. */
static CK_RV synth(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE obj, CK_ATTRIBUTE *a)
{
	unsigned char *val = NULL;
	CK_ULONG len = 0;
	CK_RV status = CKR_HOST_MEMORY;
	bool have = false;
	const struct sa_fm_attr *f;

	pthread_mutex_lock(&lock);
	f = sa_fm_store_find(&st.fake, obj, a->type);
	if (f != NULL) {
		have = true;
		status = f->status;
		len = f->len;
		val = malloc(len > 0 ? len : 1);
		if (val == NULL)
			status = CKR_HOST_MEMORY;
		else if (len > 0)
			memcpy(val, f->value, len);
	}
	pthread_mutex_unlock(&lock);
	if (!have) {
		status = fetch(s, obj, a->type, &val, &len);
		status = transform(obj, a->type, status, &val, &len);
	}
	status = deliver(a, status, val, len);
	free(val);
	return status;
}

static bool getattr_faults_on(void)
{
	bool on;

	pthread_mutex_lock(&lock);
	on = st.fake.n > 0 || sa_fm_on(SA_FM_NAMED_LEAK_SENSITIVE) ||
	     sa_fm_on(SA_FM_NAMED_EC_POINT_RAW) ||
	     sa_fm_on(SA_FM_NAMED_EC_POINT_OFF_CURVE) ||
	     sa_fm_on(SA_FM_NAMED_HISTORY_LIES);
	pthread_mutex_unlock(&lock);
	return on;
}

/* The attributes this layer answers are taken out of the template; the rest
 * go below in one call, in their order, so that the target's per-attribute
 * conventions hold for them; then the overall CK_RV is the first
 * per-attribute failure (B2.40 §5.7.5 lets a module report any of them). */
static CK_RV getattr(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE obj,
                     CK_ATTRIBUTE_PTR t, CK_ULONG n)
{
	bool *own = NULL;
	CK_ATTRIBUTE *sub = NULL;
	CK_ULONG k = 0, j = 0;
	bool any = false;
	CK_RV rv;

	if (t == NULL || n == 0 || n > MAX_TEMPLATE || !getattr_faults_on())
		goto plain;
	own = calloc(n, sizeof(*own));
	sub = calloc(n, sizeof(*sub));
	if (own == NULL || sub == NULL)
		goto plain;
	pthread_mutex_lock(&lock);
	for (CK_ULONG i = 0; i < n; i++) {
		own[i] = mine(obj, t[i].type);
		any = any || own[i];
	}
	pthread_mutex_unlock(&lock);
	if (!any)
		goto plain;
	for (CK_ULONG i = 0; i < n; i++) {
		if (!own[i])
			sub[k++] = t[i];
	}
	if (k > 0) {
		rv = sa_fm_logout_C_GetAttributeValue(s, obj, sub, k);
	} else {
		/* Nothing left for the target, but the session and object
		 * handles must still be checked by it. */
		CK_ATTRIBUTE q = {CKA_CLASS, NULL, 0};

		rv = sa_fm_logout_C_GetAttributeValue(s, obj, &q, 1);
		if (per_slot(rv))
			rv = CKR_OK;
	}
	for (CK_ULONG i = 0; i < n; i++) {
		if (!own[i])
			t[i].ulValueLen = sub[j++].ulValueLen;
	}
	if (rv != CKR_OK && !per_slot(rv))
		goto out;
	for (CK_ULONG i = 0; i < n; i++) {
		CK_RV r;

		if (!own[i])
			continue;
		r = synth(s, obj, &t[i]);
		if (r != CKR_OK && rv == CKR_OK)
			rv = r;
	}
	goto out;
plain:
	rv = sa_fm_logout_C_GetAttributeValue(s, obj, t, n);
out:
	free(own);
	free(sub);
	return rv;
}

/* ---- private-visible-public ---- */

/* Note obj if it is a CKA_PRIVATE object: its identity attributes, for
 * matching later searches. Asked once per handle, while it is readable. */
static void observe(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE obj)
{
	CK_BBOOL priv = CK_FALSE;
	bool locked = false;

	if (!sa_fm_on(SA_FM_NAMED_PRIVATE_VISIBLE_PUBLIC))
		goto out;
	pthread_mutex_lock(&lock);
	locked = true;
	if (sa_fm_handles_has(&st.checked, obj) ||
	    st.checked.n >= SA_FM_MAX_OBJECTS ||
	    !read_bool(s, obj, CKA_PRIVATE, &priv))
		goto out;
	sa_fm_handles_add(&st.checked, obj);
	for (size_t i = 0; priv && i < COUNT_(identity_types); i++) {
		unsigned char buf[256];
		CK_ATTRIBUTE a = {identity_types[i], buf, sizeof(buf)};
		CK_RV rv = sa_fm_real->C_GetAttributeValue(s, obj, &a, 1);

		if (rv == CKR_OK)
			sa_fm_store_put(&st.seen, obj, a.type, CKR_OK, buf,
			                a.ulValueLen);
		else if (rv == CKR_ATTRIBUTE_TYPE_INVALID)
			sa_fm_store_put(&st.seen, obj, a.type, rv, NULL, 0);
	}
out:
	if (locked)
		pthread_mutex_unlock(&lock);
}

/* Whether what is remembered of obj matches the search template; attributes
 * never read are taken to match. Caller holds the lock. */
static bool matches(CK_OBJECT_HANDLE obj, const CK_ATTRIBUTE *t, CK_ULONG n)
{
	bool ok = true;

	for (CK_ULONG i = 0; i < n && ok; i++) {
		const struct sa_fm_attr *a =
		    sa_fm_store_find(&st.seen, obj, t[i].type);

		if (a == NULL)
			continue;
		ok = a->status == CKR_OK && a->len == t[i].ulValueLen &&
		     (a->len == 0 ||
		      (t[i].pValue != NULL &&
		       memcmp(a->value, t[i].pValue, a->len) == 0));
	}
	return ok;
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
	if (found == NULL && create && free_slot != NULL) {
		found = free_slot;
		found->used = true;
		found->s = s;
	}
	if (found != NULL && create) {
		found->extra.n = 0;
		found->returned.n = 0;
		found->pos = 0;
	}
	return found;
}

/* ---- templates ---- */

/* The attributes dropped from every creation, copy and set template, to be
 * reported back on read but never acted on. */
static bool dropped_type(CK_ATTRIBUTE_TYPE t)
{
	return (t == CKA_ALLOWED_MECHANISMS &&
	        sa_fm_on(SA_FM_NAMED_IGNORE_ALLOWED_MECHANISMS)) ||
	       (t == CKA_ALWAYS_AUTHENTICATE &&
	        sa_fm_on(SA_FM_NAMED_ALWAYS_AUTH_IGNORED)) ||
	       ((t == CKA_WRAP_TEMPLATE || t == CKA_UNWRAP_TEMPLATE) &&
	        sa_fm_on(SA_FM_NAMED_WRAP_TEMPLATE_IGNORED));
}

/* The source object of C_CopyObject / C_SetAttributeValue, for the faults
 * that accept a forbidden change (B2.40 §4.9 footnotes 11, 12; §4.10
 * footnote 10): the change is dropped and its value reported back. */
struct src {
	CK_SESSION_HANDLE s;
	CK_OBJECT_HANDLE obj;
	bool set; /* C_SetAttributeValue (trusted-settable applies) */
};

static bool unlatch(const CK_ATTRIBUTE *a, const struct src *c)
{
	CK_BBOOL want, cur = CK_FALSE;
	CK_STATE state;
	bool drop = false;

	if (c == NULL || !bool_value(a, &want))
		goto out;
	switch (a->type) {
	case CKA_SENSITIVE:
		drop = sa_fm_on(SA_FM_NAMED_UNLATCH_SENSITIVE) && !want &&
		       read_bool(c->s, c->obj, a->type, &cur) && cur;
		break;
	case CKA_EXTRACTABLE:
		drop = sa_fm_on(SA_FM_NAMED_UNLATCH_EXTRACTABLE) && want &&
		       read_bool(c->s, c->obj, a->type, &cur) && !cur;
		break;
	case CKA_WRAP_WITH_TRUSTED:
		drop = sa_fm_on(SA_FM_NAMED_UNLATCH_WRAP_WITH_TRUSTED) &&
		       !want && read_bool(c->s, c->obj, a->type, &cur) && cur;
		break;
	case CKA_TRUSTED:
		drop = c->set && sa_fm_on(SA_FM_NAMED_TRUSTED_SETTABLE) &&
		       want && session_state(c->s, &state) &&
		       state != CKS_RW_SO_FUNCTIONS;
		break;
	default:
		break;
	}
out:
	return drop;
}

static bool template_faults_on(void)
{
	return sa_fm_on(SA_FM_NAMED_IGNORE_ALLOWED_MECHANISMS) ||
	       sa_fm_on(SA_FM_NAMED_ALWAYS_AUTH_IGNORED) ||
	       sa_fm_on(SA_FM_NAMED_WRAP_TEMPLATE_IGNORED) ||
	       sa_fm_on(SA_FM_NAMED_UNLATCH_SENSITIVE) ||
	       sa_fm_on(SA_FM_NAMED_UNLATCH_EXTRACTABLE) ||
	       sa_fm_on(SA_FM_NAMED_UNLATCH_WRAP_WITH_TRUSTED) ||
	       sa_fm_on(SA_FM_NAMED_TRUSTED_SETTABLE);
}

/* A template as forwarded: the caller's, or a copy without the dropped
 * attributes (whose indices are kept, to remember them on success). */
struct edit {
	CK_ATTRIBUTE *fwd;
	CK_ULONG n_fwd;
	CK_ATTRIBUTE *copy;
	CK_ULONG *dropped;
	CK_ULONG n_dropped;
};

static void edit_template(struct edit *e, CK_ATTRIBUTE_PTR t, CK_ULONG n,
                          const struct src *c)
{
	CK_ULONG k = 0;

	memset(e, 0, sizeof(*e));
	e->fwd = t;
	e->n_fwd = n;
	if (t == NULL || n == 0 || n > MAX_TEMPLATE || !template_faults_on())
		goto out;
	e->copy = calloc(n, sizeof(*e->copy));
	e->dropped = calloc(n, sizeof(*e->dropped));
	if (e->copy == NULL || e->dropped == NULL)
		goto out;
	for (CK_ULONG i = 0; i < n; i++) {
		if (dropped_type(t[i].type) || unlatch(&t[i], c))
			e->dropped[e->n_dropped++] = i;
		else
			e->copy[k++] = t[i];
	}
	if (e->n_dropped > 0) {
		e->fwd = e->copy;
		e->n_fwd = k;
	}
out:
	return;
}

static void edit_free(struct edit *e)
{
	free(e->copy);
	free(e->dropped);
}

/* After a successful creation (or set): what was dropped reads back as
 * given. Caller holds the lock. */
static void remember_dropped(const struct edit *e, const CK_ATTRIBUTE *t,
                             CK_OBJECT_HANDLE obj)
{
	for (CK_ULONG i = 0; i < e->n_dropped; i++) {
		const CK_ATTRIBUTE *a = &t[e->dropped[i]];
		CK_ULONG len = 0;
		unsigned char *v = flatten(a, &len);

		if (v != NULL)
			sa_fm_store_put(&st.fake, obj, a->type, CKR_OK, v, len);
		free(v);
	}
}

/* A new object: remember what its template asked for. */
static void created(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE obj,
                    const struct edit *e, const CK_ATTRIBUTE *t, CK_ULONG n,
                    bool values)
{
	pthread_mutex_lock(&lock);
	remember_dropped(e, t, obj);
	/* leak-sensitive answers with the very bytes the application gave. */
	for (CK_ULONG i = 0; values && t != NULL && i < n && i < MAX_TEMPLATE &&
	                     sa_fm_on(SA_FM_NAMED_LEAK_SENSITIVE);
	     i++) {
		if (t[i].pValue != NULL &&
		    in_set(t[i].type, sensitive_types, COUNT_(sensitive_types)))
			sa_fm_store_put(&st.given, obj, t[i].type, CKR_OK,
			                t[i].pValue, t[i].ulValueLen);
	}
	pthread_mutex_unlock(&lock);
	observe(s, obj);
}

/* keygen-local-false, keygen-bits-lie on a key the target generated. */
static void generated(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE key, CK_ULONG bits)
{
	const CK_BBOOL f = CK_FALSE;
	const CK_MECHANISM_TYPE none = CK_UNAVAILABLE_INFORMATION;
	CK_ATTRIBUTE q = {CKA_MODULUS_BITS, NULL, 0};

	/* Only where the target has the attribute: v2.40 gives
	 * CKA_MODULUS_BITS to RSA public keys (Curr v2.40 §2.1.2). */
	if (bits > 0 &&
	    sa_fm_real->C_GetAttributeValue(s, key, &q, 1) != CKR_OK)
		bits = 0;
	pthread_mutex_lock(&lock);
	if (sa_fm_on(SA_FM_NAMED_KEYGEN_LOCAL_FALSE)) {
		sa_fm_store_put(&st.fake, key, CKA_LOCAL, CKR_OK, &f,
		                sizeof(f));
		sa_fm_store_put(&st.fake, key, CKA_KEY_GEN_MECHANISM, CKR_OK,
		                &none, sizeof(none));
	}
	if (bits > 0)
		sa_fm_store_put(&st.fake, key, CKA_MODULUS_BITS, CKR_OK, &bits,
		                sizeof(bits));
	pthread_mutex_unlock(&lock);
}

/* keygen-leaves-object: what a module that creates keys one by one and does
 * not clean up after a failure leaves behind (B2.40 §5.14.2: "will never
 * create just one key"). It carries the failed template's CKA_LABEL, so a
 * search by label finds it too. */
static void leave_object(CK_SESSION_HANDLE s, const CK_ATTRIBUTE *t1,
                         CK_ULONG n1, const CK_ATTRIBUTE *t2, CK_ULONG n2)
{
	static const char app[] = "sa_faultmod keygen-leaves-object";
	CK_OBJECT_CLASS cls = CKO_DATA;
	CK_BBOOL no = CK_FALSE;
	CK_ATTRIBUTE t[5] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_TOKEN, &no, sizeof(no)},
	    {CKA_PRIVATE, &no, sizeof(no)},
	    {CKA_APPLICATION, (void *)app, sizeof(app) - 1},
	};
	CK_ULONG n = 4;
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;

	if (!sa_fm_on(SA_FM_NAMED_KEYGEN_LEAVES_OBJECT))
		goto out;
	for (int k = 0; k < 2 && n == 4; k++) {
		const CK_ATTRIBUTE *tt = k == 0 ? t1 : t2;
		CK_ULONG nn = k == 0 ? n1 : n2;

		for (CK_ULONG i = 0; tt != NULL && i < nn && i < MAX_TEMPLATE;
		     i++) {
			if (tt[i].type == CKA_LABEL && tt[i].pValue != NULL &&
			    tt[i].ulValueLen <= 256) {
				t[n++] = tt[i];
				break;
			}
		}
	}
	(void)sa_fm_real->C_CreateObject(s, t, n, &h);
out:
	return;
}

static CK_ULONG requested_bits(const CK_ATTRIBUTE *t, CK_ULONG n)
{
	CK_ULONG bits = 0;

	for (CK_ULONG i = 0; t != NULL && i < n && i < MAX_TEMPLATE; i++) {
		if (t[i].type == CKA_MODULUS_BITS && t[i].pValue != NULL &&
		    t[i].ulValueLen == sizeof(CK_ULONG))
			memcpy(&bits, t[i].pValue, sizeof(bits));
	}
	return bits;
}

/* ---- hooks ---- */

void sa_fm_keys_reset(void)
{
	pthread_mutex_lock(&lock);
	sa_fm_store_clear(&st.fake);
	sa_fm_store_clear(&st.given);
	sa_fm_store_clear(&st.seen);
	memset(&st, 0, sizeof(st));
	pthread_mutex_unlock(&lock);
}

void sa_fm_keys_fake(CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_TYPE type, CK_RV status,
                     const void *value, CK_ULONG len)
{
	pthread_mutex_lock(&lock);
	(void)sa_fm_store_put(&st.fake, obj, type, status, value, len);
	pthread_mutex_unlock(&lock);
}

CK_RV sa_fm_hook_C_GetAttributeValue(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE obj,
                                     CK_ATTRIBUTE_PTR tmpl, CK_ULONG n)
{
	CK_ULONG *lens = NULL;
	CK_RV rv = CKR_OK;

	check_abuse(tmpl, n);
	if (sa_fm_on(SA_FM_NAMED_GETATTR_UNAVAILABLE_NOT_SET) && tmpl != NULL &&
	    n > 0 && n <= MAX_TEMPLATE) {
		lens = malloc(n * sizeof(*lens));
		for (CK_ULONG i = 0; lens != NULL && i < n; i++)
			lens[i] = tmpl[i].ulValueLen;
	}
	/* A module that returns at the first failing attribute. */
	if (sa_fm_on(SA_FM_NAMED_GETATTR_STOP_AT_FIRST_ERROR) && tmpl != NULL &&
	    n > 0) {
		for (CK_ULONG i = 0; i < n && rv == CKR_OK; i++)
			rv = getattr(s, obj, &tmpl[i], 1);
	} else {
		rv = getattr(s, obj, tmpl, n);
	}
	/* ... and one that forgets to mark the failed ones. */
	for (CK_ULONG i = 0; lens != NULL && i < n; i++) {
		if (tmpl[i].ulValueLen == CK_UNAVAILABLE_INFORMATION)
			tmpl[i].ulValueLen = lens[i];
	}
	if (rv == CKR_OK || per_slot(rv))
		observe(s, obj);
	free(lens);
	return rv;
}

CK_RV sa_fm_hook_C_CreateObject(CK_SESSION_HANDLE s, CK_ATTRIBUTE_PTR tmpl,
                                CK_ULONG n, CK_OBJECT_HANDLE_PTR obj)
{
	struct edit e;
	CK_RV rv;

	check_abuse(tmpl, n);
	edit_template(&e, tmpl, n, NULL);
	rv = sa_fm_logout_C_CreateObject(s, e.fwd, e.n_fwd, obj);
	if (rv == CKR_OK && obj != NULL)
		created(s, *obj, &e, tmpl, n, true);
	edit_free(&e);
	return rv;
}

CK_RV sa_fm_hook_C_CopyObject(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE obj,
                              CK_ATTRIBUTE_PTR tmpl, CK_ULONG n,
                              CK_OBJECT_HANDLE_PTR new_obj)
{
	const struct src c = {s, obj, false};
	struct edit e;
	CK_RV rv;

	edit_template(&e, tmpl, n, &c);
	rv = sa_fm_real->C_CopyObject(s, obj, e.fwd, e.n_fwd, new_obj);
	if (rv == CKR_OK && new_obj != NULL) {
		/* The copy carries what the faults made of the original. */
		pthread_mutex_lock(&lock);
		sa_fm_store_copy_obj(&st.fake, obj, *new_obj);
		sa_fm_store_copy_obj(&st.given, obj, *new_obj);
		pthread_mutex_unlock(&lock);
		created(s, *new_obj, &e, tmpl, n, false);
	}
	edit_free(&e);
	return rv;
}

CK_RV sa_fm_hook_C_SetAttributeValue(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE obj,
                                     CK_ATTRIBUTE_PTR tmpl, CK_ULONG n)
{
	const struct src c = {s, obj, true};
	struct edit e;
	CK_RV rv;

	edit_template(&e, tmpl, n, &c);
	if (e.n_dropped > 0 && e.n_fwd == 0) {
		/* Nothing left to set; the handles are still the target's
		 * to check. */
		CK_ATTRIBUTE q = {CKA_CLASS, NULL, 0};

		rv = sa_fm_real->C_GetAttributeValue(s, obj, &q, 1);
		if (per_slot(rv))
			rv = CKR_OK;
	} else {
		rv = sa_fm_real->C_SetAttributeValue(s, obj, e.fwd, e.n_fwd);
	}
	if (rv == CKR_OK && e.n_dropped > 0) {
		pthread_mutex_lock(&lock);
		remember_dropped(&e, tmpl, obj);
		pthread_mutex_unlock(&lock);
	}
	/* What the target did set, it answers for again. */
	if (rv == CKR_OK && e.fwd != NULL && e.n_fwd <= MAX_TEMPLATE) {
		pthread_mutex_lock(&lock);
		for (CK_ULONG i = 0; i < e.n_fwd; i++)
			sa_fm_store_del(&st.fake, obj, e.fwd[i].type);
		pthread_mutex_unlock(&lock);
	}
	edit_free(&e);
	return rv;
}

CK_RV sa_fm_hook_C_DestroyObject(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE obj)
{
	CK_RV rv = sa_fm_logout_C_DestroyObject(s, obj);

	if (rv == CKR_OK) {
		pthread_mutex_lock(&lock);
		sa_fm_store_forget(&st.fake, obj);
		sa_fm_store_forget(&st.given, obj);
		sa_fm_store_forget(&st.seen, obj);
		sa_fm_handles_del(&st.checked, obj);
		pthread_mutex_unlock(&lock);
		sa_fm_sig_forget(obj);
	}
	return rv;
}

CK_RV sa_fm_hook_C_GenerateKey(CK_SESSION_HANDLE s, CK_MECHANISM_PTR mech,
                               CK_ATTRIBUTE_PTR tmpl, CK_ULONG n,
                               CK_OBJECT_HANDLE_PTR key)
{
	struct edit e;
	CK_RV rv;

	edit_template(&e, tmpl, n, NULL);
	rv = sa_fm_logout_C_GenerateKey(s, mech, e.fwd, e.n_fwd, key);
	if (rv == CKR_OK && key != NULL) {
		created(s, *key, &e, tmpl, n, false);
		generated(s, *key, 0);
	} else if (rv != CKR_OK) {
		leave_object(s, tmpl, n, NULL, 0);
	}
	edit_free(&e);
	return rv;
}

CK_RV sa_fm_hook_C_GenerateKeyPair(CK_SESSION_HANDLE s, CK_MECHANISM_PTR mech,
                                   CK_ATTRIBUTE_PTR pub_tmpl, CK_ULONG pub_n,
                                   CK_ATTRIBUTE_PTR priv_tmpl, CK_ULONG priv_n,
                                   CK_OBJECT_HANDLE_PTR pub,
                                   CK_OBJECT_HANDLE_PTR priv)
{
	struct edit ep, ev;
	CK_ULONG bits = 0;
	CK_RV rv;

	edit_template(&ep, pub_tmpl, pub_n, NULL);
	edit_template(&ev, priv_tmpl, priv_n, NULL);
	/* gen.c (rsa-keygen-*, ecdsa-nonce-reuse) sits between this layer
	 * and the logout layer. */
	rv = sa_fm_gen_C_GenerateKeyPair(s, mech, ep.fwd, ep.n_fwd, ev.fwd,
	                                 ev.n_fwd, pub, priv);
	if (rv != CKR_OK) {
		leave_object(s, pub_tmpl, pub_n, priv_tmpl, priv_n);
		goto out;
	}
	if (sa_fm_on(SA_FM_NAMED_KEYGEN_BITS_LIE) && mech != NULL &&
	    (mech->mechanism == CKM_RSA_PKCS_KEY_PAIR_GEN ||
	     mech->mechanism == CKM_RSA_X9_31_KEY_PAIR_GEN)) {
		bits = requested_bits(pub_tmpl, pub_n);
		if (bits > 0)
			bits += 8;
	}
	if (pub != NULL) {
		created(s, *pub, &ep, pub_tmpl, pub_n, false);
		generated(s, *pub, bits);
	}
	if (priv != NULL) {
		created(s, *priv, &ev, priv_tmpl, priv_n, false);
		generated(s, *priv, bits);
	}
out:
	edit_free(&ep);
	edit_free(&ev);
	return rv;
}

CK_RV sa_fm_hook_C_UnwrapKey(CK_SESSION_HANDLE s, CK_MECHANISM_PTR mech,
                             CK_OBJECT_HANDLE unwrapping_key, CK_BYTE_PTR in,
                             CK_ULONG in_len, CK_ATTRIBUTE_PTR tmpl, CK_ULONG n,
                             CK_OBJECT_HANDLE_PTR key)
{
	struct edit e;
	CK_RV rv;

	edit_template(&e, tmpl, n, NULL);
	rv = sa_fm_real->C_UnwrapKey(s, mech, unwrapping_key, in, in_len, e.fwd,
	                             e.n_fwd, key);
	if (rv == CKR_OK && key != NULL)
		created(s, *key, &e, tmpl, n, true);
	edit_free(&e);
	return rv;
}

CK_RV sa_fm_hook_C_DeriveKey(CK_SESSION_HANDLE s, CK_MECHANISM_PTR mech,
                             CK_OBJECT_HANDLE base_key, CK_ATTRIBUTE_PTR tmpl,
                             CK_ULONG n, CK_OBJECT_HANDLE_PTR key)
{
	struct edit e;
	CK_RV rv;

	edit_template(&e, tmpl, n, NULL);
	rv = sa_fm_real->C_DeriveKey(s, mech, base_key, e.fwd, e.n_fwd, key);
	if (rv == CKR_OK && key != NULL)
		created(s, *key, &e, tmpl, n, false);
	edit_free(&e);
	return rv;
}

CK_RV sa_fm_hook_C_FindObjectsInit(CK_SESSION_HANDLE s, CK_ATTRIBUTE_PTR tmpl,
                                   CK_ULONG n)
{
	CK_STATE state = CKS_RO_PUBLIC_SESSION;
	bool public_session;
	struct search *sr;
	CK_RV rv;

	check_abuse(tmpl, n);
	rv = sa_fm_logout_C_FindObjectsInit(s, tmpl, n);
	if (!sa_fm_on(SA_FM_NAMED_PRIVATE_VISIBLE_PUBLIC) || rv != CKR_OK ||
	    (tmpl == NULL && n > 0) || n > MAX_TEMPLATE)
		goto out;
	public_session =
	    session_state(s, &state) &&
	    (state == CKS_RO_PUBLIC_SESSION || state == CKS_RW_PUBLIC_SESSION);
	pthread_mutex_lock(&lock);
	/* Only public sessions are tracked: a search left without
	 * C_FindObjectsFinal must not hold a slot for nothing. */
	sr = search_get(s, public_session);
	if (sr != NULL && !public_session)
		sr->used = false;
	for (size_t i = 0; sr != NULL && public_session && i < st.seen.objs.n;
	     i++) {
		CK_OBJECT_HANDLE h = st.seen.objs.h[i];

		if (matches(h, tmpl, n))
			sa_fm_handles_add(&sr->extra, h);
	}
	pthread_mutex_unlock(&lock);
out:
	return rv;
}

CK_RV sa_fm_hook_C_FindObjects(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE_PTR objs,
                               CK_ULONG max, CK_ULONG_PTR count)
{
	CK_RV rv = sa_fm_logout_C_FindObjects(s, objs, max, count);
	CK_ULONG got;
	struct search *sr;

	if (!sa_fm_on(SA_FM_NAMED_PRIVATE_VISIBLE_PUBLIC) || rv != CKR_OK ||
	    objs == NULL || count == NULL)
		goto out;
	got = *count < max ? *count : max;
	for (CK_ULONG i = 0; i < got; i++)
		observe(s, objs[i]);
	pthread_mutex_lock(&lock);
	sr = search_get(s, false);
	for (CK_ULONG i = 0; sr != NULL && i < got; i++)
		sa_fm_handles_add(&sr->returned, objs[i]);
	/* The target's results first; the remembered ones once it has no
	 * more (a short batch), as a module listing all objects would. */
	while (sr != NULL && got < max && sr->pos < sr->extra.n) {
		CK_OBJECT_HANDLE h = sr->extra.h[sr->pos++];

		if (sa_fm_handles_has(&sr->returned, h))
			continue;
		sa_fm_handles_add(&sr->returned, h);
		objs[got++] = h;
	}
	*count = got;
	pthread_mutex_unlock(&lock);
out:
	return rv;
}

CK_RV sa_fm_hook_C_FindObjectsFinal(CK_SESSION_HANDLE s)
{
	CK_RV rv = sa_fm_logout_C_FindObjectsFinal(s);
	struct search *sr;

	if (sa_fm_on(SA_FM_NAMED_PRIVATE_VISIBLE_PUBLIC)) {
		pthread_mutex_lock(&lock);
		sr = search_get(s, false);
		if (sr != NULL)
			sr->used = false;
		pthread_mutex_unlock(&lock);
	}
	return rv;
}
