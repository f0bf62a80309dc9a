/* Catalogue group D (objects and attribute policy): what the obj_*.c files
 * share. Private to suites/pkcs11.
 *
 * As in group C (session_int.h, whose session helpers these cases reuse), a
 * failure of *set-up* gives an ERROR verdict with a reason, and behaviour
 * under test is recorded only with sa_case_check*() and sa_p11_check_rv().
 *
 * Every object a case creates is a session object (CKA_TOKEN false) and is
 * destroyed before the case ends, except P11-OBJ-01a, whose rule is about a
 * token object that must never come into existence; should the module
 * create it anyway, the case destroys it at once. */
#ifndef SA_SUITE_PKCS11_OBJ_INT_H
#define SA_SUITE_PKCS11_OBJ_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "sigaudit/case.h"
#include "sigaudit/p11.h"

/* ---- the cases (run functions), one per catalogue row or split ---- */

/* obj_create.c */
void sa_p11_obj01a_token_object_ro(sa_case_ctx *ctx);
void sa_p11_obj01b_private_object_public(sa_case_ctx *ctx);
void sa_p11_obj02a_type_invalid(sa_case_ctx *ctx);
void sa_p11_obj02b_value_invalid(sa_case_ctx *ctx);
void sa_p11_obj02c_incomplete(sa_case_ctx *ctx);
void sa_p11_obj02d_inconsistent(sa_case_ctx *ctx);
void sa_p11_obj02e_repeated_attribute(sa_case_ctx *ctx);
void sa_p11_obj03_read_only_attrs(sa_case_ctx *ctx);

/* obj_attr.c */
void sa_p11_obj04a_getattr_slots(sa_case_ctx *ctx);
void sa_p11_obj04b_getattr_rv(sa_case_ctx *ctx);
void sa_p11_obj05_unmodifiable(sa_case_ctx *ctx);
void sa_p11_obj06a_uncopyable(sa_case_ctx *ctx);
void sa_p11_obj06b_copyable_latch(sa_case_ctx *ctx);
void sa_p11_obj07_undestroyable(sa_case_ctx *ctx);

/* obj_find.c */
void sa_p11_obj08a_find_lifecycle(sa_case_ctx *ctx);
void sa_p11_obj08b_find_results(sa_case_ctx *ctx);
void sa_p11_obj09a_bad_object_handles(sa_case_ctx *ctx);
void sa_p11_obj09b_bad_key_handles(sa_case_ctx *ctx);
void sa_p11_obj10_session_object_life(sa_case_ctx *ctx);

/* ---- shared helpers (obj_util.c) ---- */

/** The most attributes a helper template holds (base plus extra). */
#define SA_P11_OBJ_MAX_ATTRS 16

/** The 16 bytes of CKA_VALUE given to every secret key the cases create. */
extern const CK_BYTE sa_p11_obj_key_value[16];

/** "sigaudit-<tag>-<pid>": a label no other process uses, so that a search
 * by label finds only what this case made. */
void sa_p11_obj_label(char *out, size_t size, const char *tag);

/** C_CreateObject of a CKO_DATA object with CKA_TOKEN token, CKA_PRIVATE
 * priv, CKA_LABEL label and CKA_VALUE "sigaudit", then the n_extra
 * attributes of extra (at most SA_P11_OBJ_MAX_ATTRS - 5). Returns the CK_RV;
 * *out is CK_INVALID_HANDLE unless the module returned one. */
CK_RV sa_p11_obj_data(sa_case_ctx *ctx, CK_SESSION_HANDLE s, bool token,
                      bool priv, const char *label, const CK_ATTRIBUTE *extra,
                      size_t n_extra, CK_OBJECT_HANDLE *out);

/** C_CreateObject of a session AES-128 secret key (CKK_AES, CKA_VALUE
 * sa_p11_obj_key_value, CKA_PRIVATE true, CKA_ENCRYPT/DECRYPT false) with
 * CKA_SENSITIVE sensitive and CKA_LABEL label, then extra as above (at most
 * SA_P11_OBJ_MAX_ATTRS - 9). Returns the CK_RV. */
CK_RV sa_p11_obj_secret(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                        const char *label, bool sensitive,
                        const CK_ATTRIBUTE *extra, size_t n_extra,
                        CK_OBJECT_HANDLE *out);

/** As-set-up wrappers of the two above: anything but CKR_OK gives an ERROR
 * verdict naming `what` and the CK_RV, and SA_E_CKR. */
int sa_p11_obj_setup_data(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                          const char *label, const CK_ATTRIBUTE *extra,
                          size_t n_extra, const char *what,
                          CK_OBJECT_HANDLE *out);
/** sa_p11_obj_setup_data with the set-up fallbacks spelled out: when the
 * token refuses creation in a public RW session, log the user in and retry;
 * when it refuses CKA_TOKEN false, either (session_only false) create a token
 * object instead, with a note (the caller destroys it as usual), or
 * (session_only true) give a SKIP verdict naming the refusal and return
 * SA_E_UNSUPPORTED. sa_p11_obj_setup_data is this with session_only false. */
int sa_p11_obj_setup_data_ex(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                             const char *label, const CK_ATTRIBUTE *extra,
                             size_t n_extra, const char *what,
                             bool session_only, CK_OBJECT_HANDLE *out);
int sa_p11_obj_setup_secret(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                            const char *label, bool sensitive, const char *what,
                            CK_OBJECT_HANDLE *out);

/** C_DestroyObject(*h) unless it is CK_INVALID_HANDLE, ignoring the result
 * (cleanup), and set *h to CK_INVALID_HANDLE. */
void sa_p11_obj_destroy(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                        CK_OBJECT_HANDLE *h);

/** Destroy every object labelled `label` that s can see (cleanup after a
 * module created what it should have refused). Returns how many were
 * destroyed. */
unsigned long sa_p11_obj_purge_label(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                                     const char *label);

/** C_GetAttributeValue of one CK_BBOOL / CK_ULONG attribute. The CK_RV of
 * the call; CKR_GENERAL_ERROR (harness-side) when the module returned CKR_OK
 * with a length other than the type's. */
CK_RV sa_p11_obj_get_bool(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                          CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE type,
                          CK_BBOOL *out);
CK_RV sa_p11_obj_get_ulong(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                           CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE type,
                           CK_ULONG *out);

/** Record a check that CK_BBOOL attribute `type` of h reads `want`. */
bool sa_p11_obj_check_bool(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                           CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE type,
                           CK_BBOOL want, const char *what);

/** Record a check that CKA_LABEL of h reads `want`. */
bool sa_p11_obj_check_label(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                            CK_OBJECT_HANDLE h, const char *want,
                            const char *what);

/** "CK_UNAVAILABLE_INFORMATION" or the decimal value (buf as storage). */
const char *sa_p11_obj_len_str(CK_ULONG len, char *buf, size_t size);

/** Whether the Cryptoki version of the module (C_GetInfo) is 3.0 or later;
 * false (with a note) when C_GetInfo fails. */
bool sa_p11_obj_is_v3(sa_case_ctx *ctx);

#endif
