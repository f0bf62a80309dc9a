/* sa_faultmod: bounded handle sets and attribute stores (store.h). */
#include <stdlib.h>
#include <string.h>

#include "store.h"

bool sa_fm_handles_has(const struct sa_fm_handles *set, CK_OBJECT_HANDLE obj)
{
	size_t i = 0;

	while (i < set->n && set->h[i] != obj)
		i++;
	return i < set->n;
}

bool sa_fm_handles_add(struct sa_fm_handles *set, CK_OBJECT_HANDLE obj)
{
	bool ok = true;

	if (sa_fm_handles_has(set, obj))
		goto out;
	if (set->n >= SA_FM_MAX_OBJECTS) {
		ok = false;
		goto out;
	}
	set->h[set->n++] = obj;
out:
	return ok;
}

void sa_fm_handles_del(struct sa_fm_handles *set, CK_OBJECT_HANDLE obj)
{
	for (size_t i = 0; i < set->n; i++) {
		if (set->h[i] == obj) {
			set->h[i] = set->h[--set->n];
			break;
		}
	}
}

struct sa_fm_attr *sa_fm_store_find(struct sa_fm_store *st,
                                    CK_OBJECT_HANDLE obj,
                                    CK_ATTRIBUTE_TYPE type)
{
	struct sa_fm_attr *found = NULL;

	for (size_t i = 0; i < st->n && found == NULL; i++) {
		if (st->a[i].obj == obj && st->a[i].type == type)
			found = &st->a[i];
	}
	return found;
}

bool sa_fm_store_put(struct sa_fm_store *st, CK_OBJECT_HANDLE obj,
                     CK_ATTRIBUTE_TYPE type, CK_RV status, const void *value,
                     CK_ULONG len)
{
	struct sa_fm_attr *a = sa_fm_store_find(st, obj, type);
	unsigned char *copy = NULL;
	bool ok = false;

	if (status == CKR_OK) {
		if (len > SA_FM_MAX_VALUE || (len > 0 && value == NULL))
			goto out;
		copy = malloc(len > 0 ? len : 1);
		if (copy == NULL)
			goto out;
		if (len > 0)
			memcpy(copy, value, len);
	} else {
		len = 0;
	}
	if (a == NULL) {
		if (st->n >= SA_FM_MAX_ATTRS ||
		    !sa_fm_handles_add(&st->objs, obj))
			goto out;
		a = &st->a[st->n++];
		a->value = NULL;
	}
	free(a->value);
	*a = (struct sa_fm_attr){obj, type, status, len, copy};
	copy = NULL;
	ok = true;
out:
	free(copy);
	return ok;
}

void sa_fm_store_del(struct sa_fm_store *st, CK_OBJECT_HANDLE obj,
                     CK_ATTRIBUTE_TYPE type)
{
	struct sa_fm_attr *a = sa_fm_store_find(st, obj, type);

	if (a != NULL) {
		free(a->value);
		*a = st->a[--st->n];
	}
}

void sa_fm_store_forget(struct sa_fm_store *st, CK_OBJECT_HANDLE obj)
{
	size_t i = 0;

	while (i < st->n) {
		if (st->a[i].obj == obj) {
			free(st->a[i].value);
			st->a[i] = st->a[--st->n];
		} else {
			i++;
		}
	}
	sa_fm_handles_del(&st->objs, obj);
}

void sa_fm_store_copy_obj(struct sa_fm_store *st, CK_OBJECT_HANDLE from,
                          CK_OBJECT_HANDLE to)
{
	/* put() may append to (never reorder) the array: n is re-read, and
	 * entries added for `to` are skipped by the obj test. */
	for (size_t i = 0; i < st->n && from != to; i++) {
		const struct sa_fm_attr *a = &st->a[i];

		if (a->obj == from)
			sa_fm_store_put(st, to, a->type, a->status, a->value,
			                a->len);
	}
}

void sa_fm_store_clear(struct sa_fm_store *st)
{
	for (size_t i = 0; i < st->n; i++)
		free(st->a[i].value);
	memset(st, 0, sizeof(*st));
}
