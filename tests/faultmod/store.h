/* sa_faultmod: bounded memory about objects, shared by the named faults that
 * must remember what a target said or what an application asked for
 * (logout.c, keys.c). Nothing here locks: each user holds its own mutex.
 *
 * Every table is bounded (the module is test equipment and must not grow
 * without limit in a long run): objects beyond the bound simply behave
 * normally. Handles are the target's; a target that reuses the handle of a
 * destroyed object would inherit what was remembered about it unless the
 * object went through C_DestroyObject (which forgets it). */
#ifndef SA_FM_STORE_H
#define SA_FM_STORE_H

#include "faultmod.h"

/* Remembered objects per table, remembered attributes per store, and the
 * largest value a store keeps. */
#define SA_FM_MAX_OBJECTS 256
#define SA_FM_MAX_ATTRS   4096
#define SA_FM_MAX_VALUE   65536

/* A set of at most SA_FM_MAX_OBJECTS handles. */
struct sa_fm_handles {
	CK_OBJECT_HANDLE h[SA_FM_MAX_OBJECTS];
	size_t n;
};

bool sa_fm_handles_has(const struct sa_fm_handles *set, CK_OBJECT_HANDLE obj);
/** false when the set is full (and obj not already in it). */
bool sa_fm_handles_add(struct sa_fm_handles *set, CK_OBJECT_HANDLE obj);
void sa_fm_handles_del(struct sa_fm_handles *set, CK_OBJECT_HANDLE obj);

/* One remembered answer about (obj, type): status CKR_OK and len bytes of
 * value, or the error the target gave. */
struct sa_fm_attr {
	CK_OBJECT_HANDLE obj;
	CK_ATTRIBUTE_TYPE type;
	CK_RV status;
	CK_ULONG len;
	unsigned char *value;
};

/* (object, attribute type) -> answer, for at most SA_FM_MAX_OBJECTS objects
 * and SA_FM_MAX_ATTRS pairs. */
struct sa_fm_store {
	struct sa_fm_handles objs;
	struct sa_fm_attr a[SA_FM_MAX_ATTRS];
	size_t n;
};

struct sa_fm_attr *sa_fm_store_find(struct sa_fm_store *st,
                                    CK_OBJECT_HANDLE obj,
                                    CK_ATTRIBUTE_TYPE type);
/** Remember (or replace) an answer; value is copied when status is CKR_OK.
 * false when it did not fit (table full, value over SA_FM_MAX_VALUE, no
 * memory): the caller then behaves as if it had never been remembered. */
bool sa_fm_store_put(struct sa_fm_store *st, CK_OBJECT_HANDLE obj,
                     CK_ATTRIBUTE_TYPE type, CK_RV status, const void *value,
                     CK_ULONG len);
void sa_fm_store_del(struct sa_fm_store *st, CK_OBJECT_HANDLE obj,
                     CK_ATTRIBUTE_TYPE type);
/** Forget everything about obj. */
void sa_fm_store_forget(struct sa_fm_store *st, CK_OBJECT_HANDLE obj);
/** Give `to` a copy of everything remembered about `from` (C_CopyObject). */
void sa_fm_store_copy_obj(struct sa_fm_store *st, CK_OBJECT_HANDLE from,
                          CK_OBJECT_HANDLE to);
/** Forget everything (C_Initialize, C_Finalize). */
void sa_fm_store_clear(struct sa_fm_store *st);

#endif
