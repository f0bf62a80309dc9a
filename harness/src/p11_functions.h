/* The 68 functions of the PKCS#11 v2.40 CK_FUNCTION_LIST in list order
 * (B2.40 §5.3), as X(name, params, args): params the parameter list, args
 * the same names as an argument list. Used to generate wrappers that sit
 * between a case and the module (p11_trace.c). Parameter names that hold a
 * PIN contain "pin" (pin, old_pin, new_pin, and their lengths old_len,
 * new_len, pin_len): a wrapper must never record them. */
#ifndef SA_P11_FUNCTIONS_H
#define SA_P11_FUNCTIONS_H

#include <p11-kit/pkcs11.h>

/* clang-format off */
#define SA_P11_FUNCTIONS(X)                                                    \
	X(C_Initialize, (CK_VOID_PTR init_args), (init_args))                  \
	X(C_Finalize, (CK_VOID_PTR reserved), (reserved))                      \
	X(C_GetInfo, (CK_INFO_PTR info), (info))                               \
	X(C_GetFunctionList, (CK_FUNCTION_LIST_PTR_PTR list), (list))          \
	X(C_GetSlotList,                                                       \
	  (CK_BBOOL present, CK_SLOT_ID_PTR slots, CK_ULONG_PTR count),        \
	  (present, slots, count))                                             \
	X(C_GetSlotInfo, (CK_SLOT_ID slot, CK_SLOT_INFO_PTR info),             \
	  (slot, info))                                                        \
	X(C_GetTokenInfo, (CK_SLOT_ID slot, CK_TOKEN_INFO_PTR info),           \
	  (slot, info))                                                        \
	X(C_GetMechanismList,                                                  \
	  (CK_SLOT_ID slot, CK_MECHANISM_TYPE_PTR mechs, CK_ULONG_PTR count),  \
	  (slot, mechs, count))                                                \
	X(C_GetMechanismInfo,                                                  \
	  (CK_SLOT_ID slot, CK_MECHANISM_TYPE type,                            \
	   CK_MECHANISM_INFO_PTR info),                                        \
	  (slot, type, info))                                                  \
	X(C_InitToken,                                                         \
	  (CK_SLOT_ID slot, CK_UTF8CHAR_PTR pin, CK_ULONG pin_len,             \
	   CK_UTF8CHAR_PTR label),                                             \
	  (slot, pin, pin_len, label))                                         \
	X(C_InitPIN,                                                           \
	  (CK_SESSION_HANDLE s, CK_UTF8CHAR_PTR pin, CK_ULONG pin_len),        \
	  (s, pin, pin_len))                                                   \
	X(C_SetPIN,                                                            \
	  (CK_SESSION_HANDLE s, CK_UTF8CHAR_PTR old_pin, CK_ULONG old_len,     \
	   CK_UTF8CHAR_PTR new_pin, CK_ULONG new_len),                         \
	  (s, old_pin, old_len, new_pin, new_len))                             \
	X(C_OpenSession,                                                       \
	  (CK_SLOT_ID slot, CK_FLAGS flags, CK_VOID_PTR app,                   \
	   CK_NOTIFY notify, CK_SESSION_HANDLE_PTR s),                         \
	  (slot, flags, app, notify, s))                                       \
	X(C_CloseSession, (CK_SESSION_HANDLE s), (s))                          \
	X(C_CloseAllSessions, (CK_SLOT_ID slot), (slot))                       \
	X(C_GetSessionInfo,                                                    \
	  (CK_SESSION_HANDLE s, CK_SESSION_INFO_PTR info), (s, info))          \
	X(C_GetOperationState,                                                 \
	  (CK_SESSION_HANDLE s, CK_BYTE_PTR state, CK_ULONG_PTR state_len),    \
	  (s, state, state_len))                                               \
	X(C_SetOperationState,                                                 \
	  (CK_SESSION_HANDLE s, CK_BYTE_PTR state, CK_ULONG state_len,         \
	   CK_OBJECT_HANDLE enc_key, CK_OBJECT_HANDLE auth_key),               \
	  (s, state, state_len, enc_key, auth_key))                            \
	X(C_Login,                                                             \
	  (CK_SESSION_HANDLE s, CK_USER_TYPE who, CK_UTF8CHAR_PTR pin,         \
	   CK_ULONG pin_len),                                                  \
	  (s, who, pin, pin_len))                                              \
	X(C_Logout, (CK_SESSION_HANDLE s), (s))                                \
	X(C_CreateObject,                                                      \
	  (CK_SESSION_HANDLE s, CK_ATTRIBUTE_PTR tmpl, CK_ULONG n,             \
	   CK_OBJECT_HANDLE_PTR obj),                                          \
	  (s, tmpl, n, obj))                                                   \
	X(C_CopyObject,                                                        \
	  (CK_SESSION_HANDLE s, CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_PTR tmpl,   \
	   CK_ULONG n, CK_OBJECT_HANDLE_PTR new_obj),                          \
	  (s, obj, tmpl, n, new_obj))                                          \
	X(C_DestroyObject, (CK_SESSION_HANDLE s, CK_OBJECT_HANDLE obj),        \
	  (s, obj))                                                            \
	X(C_GetObjectSize,                                                     \
	  (CK_SESSION_HANDLE s, CK_OBJECT_HANDLE obj, CK_ULONG_PTR size),      \
	  (s, obj, size))                                                      \
	X(C_GetAttributeValue,                                                 \
	  (CK_SESSION_HANDLE s, CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_PTR tmpl,   \
	   CK_ULONG n),                                                        \
	  (s, obj, tmpl, n))                                                   \
	X(C_SetAttributeValue,                                                 \
	  (CK_SESSION_HANDLE s, CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_PTR tmpl,   \
	   CK_ULONG n),                                                        \
	  (s, obj, tmpl, n))                                                   \
	X(C_FindObjectsInit,                                                   \
	  (CK_SESSION_HANDLE s, CK_ATTRIBUTE_PTR tmpl, CK_ULONG n),            \
	  (s, tmpl, n))                                                        \
	X(C_FindObjects,                                                       \
	  (CK_SESSION_HANDLE s, CK_OBJECT_HANDLE_PTR objs, CK_ULONG max,       \
	   CK_ULONG_PTR count),                                                \
	  (s, objs, max, count))                                               \
	X(C_FindObjectsFinal, (CK_SESSION_HANDLE s), (s))                      \
	SA_P11F_CIPHER_(X, Encrypt)                                            \
	SA_P11F_CIPHER_(X, Decrypt)                                            \
	X(C_DigestInit, (CK_SESSION_HANDLE s, CK_MECHANISM_PTR mech),          \
	  (s, mech))                                                           \
	SA_P11F_INOUT_(X, C_Digest)                                            \
	SA_P11F_IN_(X, C_DigestUpdate)                                         \
	X(C_DigestKey, (CK_SESSION_HANDLE s, CK_OBJECT_HANDLE key),            \
	  (s, key))                                                            \
	SA_P11F_OUT_(X, C_DigestFinal)                                         \
	SA_P11F_INIT_(X, C_SignInit)                                           \
	SA_P11F_INOUT_(X, C_Sign)                                              \
	SA_P11F_IN_(X, C_SignUpdate)                                           \
	SA_P11F_OUT_(X, C_SignFinal)                                           \
	SA_P11F_INIT_(X, C_SignRecoverInit)                                    \
	SA_P11F_INOUT_(X, C_SignRecover)                                       \
	SA_P11F_INIT_(X, C_VerifyInit)                                         \
	SA_P11F_ININ_(X, C_Verify)                                             \
	SA_P11F_IN_(X, C_VerifyUpdate)                                         \
	X(C_VerifyFinal,                                                       \
	  (CK_SESSION_HANDLE s, CK_BYTE_PTR sig, CK_ULONG sig_len),            \
	  (s, sig, sig_len))                                                   \
	SA_P11F_INIT_(X, C_VerifyRecoverInit)                                  \
	SA_P11F_INOUT_(X, C_VerifyRecover)                                     \
	SA_P11F_INOUT_(X, C_DigestEncryptUpdate)                               \
	SA_P11F_INOUT_(X, C_DecryptDigestUpdate)                               \
	SA_P11F_INOUT_(X, C_SignEncryptUpdate)                                 \
	SA_P11F_INOUT_(X, C_DecryptVerifyUpdate)                               \
	X(C_GenerateKey,                                                       \
	  (CK_SESSION_HANDLE s, CK_MECHANISM_PTR mech, CK_ATTRIBUTE_PTR tmpl,  \
	   CK_ULONG n, CK_OBJECT_HANDLE_PTR key),                              \
	  (s, mech, tmpl, n, key))                                             \
	X(C_GenerateKeyPair,                                                   \
	  (CK_SESSION_HANDLE s, CK_MECHANISM_PTR mech,                         \
	   CK_ATTRIBUTE_PTR pub_tmpl, CK_ULONG pub_n,                          \
	   CK_ATTRIBUTE_PTR priv_tmpl, CK_ULONG priv_n,                        \
	   CK_OBJECT_HANDLE_PTR pub, CK_OBJECT_HANDLE_PTR priv),               \
	  (s, mech, pub_tmpl, pub_n, priv_tmpl, priv_n, pub, priv))            \
	X(C_WrapKey,                                                           \
	  (CK_SESSION_HANDLE s, CK_MECHANISM_PTR mech,                         \
	   CK_OBJECT_HANDLE wrapping_key, CK_OBJECT_HANDLE key,                \
	   CK_BYTE_PTR out, CK_ULONG_PTR out_len),                             \
	  (s, mech, wrapping_key, key, out, out_len))                          \
	X(C_UnwrapKey,                                                         \
	  (CK_SESSION_HANDLE s, CK_MECHANISM_PTR mech,                         \
	   CK_OBJECT_HANDLE unwrapping_key, CK_BYTE_PTR in, CK_ULONG in_len,   \
	   CK_ATTRIBUTE_PTR tmpl, CK_ULONG n, CK_OBJECT_HANDLE_PTR key),       \
	  (s, mech, unwrapping_key, in, in_len, tmpl, n, key))                 \
	X(C_DeriveKey,                                                         \
	  (CK_SESSION_HANDLE s, CK_MECHANISM_PTR mech,                         \
	   CK_OBJECT_HANDLE base_key, CK_ATTRIBUTE_PTR tmpl, CK_ULONG n,       \
	   CK_OBJECT_HANDLE_PTR key),                                          \
	  (s, mech, base_key, tmpl, n, key))                                   \
	SA_P11F_IN_(X, C_SeedRandom)                                           \
	SA_P11F_IN_(X, C_GenerateRandom)                                       \
	X(C_GetFunctionStatus, (CK_SESSION_HANDLE s), (s))                     \
	X(C_CancelFunction, (CK_SESSION_HANDLE s), (s))                        \
	X(C_WaitForSlotEvent,                                                  \
	  (CK_FLAGS flags, CK_SLOT_ID_PTR slot, CK_VOID_PTR reserved),         \
	  (flags, slot, reserved))

/* The signature shapes shared by many functions. */
/* C_xxxInit(session, mechanism, key) */
#define SA_P11F_INIT_(X, name)                                                 \
	X(name,                                                                \
	  (CK_SESSION_HANDLE s, CK_MECHANISM_PTR mech, CK_OBJECT_HANDLE key),  \
	  (s, mech, key))
/* (session, in, in_len): C_xxxUpdate without output, C_SeedRandom; and
 * C_GenerateRandom, whose "in" buffer is really its output. */
#define SA_P11F_IN_(X, name)                                                   \
	X(name, (CK_SESSION_HANDLE s, CK_BYTE_PTR in, CK_ULONG in_len),        \
	  (s, in, in_len))
/* (session, in, in_len, out, out_len): the single-part and dual functions */
#define SA_P11F_INOUT_(X, name)                                                \
	X(name,                                                                \
	  (CK_SESSION_HANDLE s, CK_BYTE_PTR in, CK_ULONG in_len,               \
	   CK_BYTE_PTR out, CK_ULONG_PTR out_len),                             \
	  (s, in, in_len, out, out_len))
/* (session, in, in_len, sig, sig_len): C_Verify */
#define SA_P11F_ININ_(X, name)                                                 \
	X(name,                                                                \
	  (CK_SESSION_HANDLE s, CK_BYTE_PTR in, CK_ULONG in_len,               \
	   CK_BYTE_PTR sig, CK_ULONG sig_len),                                 \
	  (s, in, in_len, sig, sig_len))
/* (session, out, out_len): C_xxxFinal with output */
#define SA_P11F_OUT_(X, name)                                                  \
	X(name,                                                                \
	  (CK_SESSION_HANDLE s, CK_BYTE_PTR out, CK_ULONG_PTR out_len),        \
	  (s, out, out_len))
/* C_<op>Init, C_<op>, C_<op>Update, C_<op>Final of Encrypt and Decrypt */
#define SA_P11F_CIPHER_(X, op)                                                 \
	SA_P11F_INIT_(X, C_##op##Init)                                         \
	SA_P11F_INOUT_(X, C_##op)                                              \
	SA_P11F_INOUT_(X, C_##op##Update)                                      \
	SA_P11F_OUT_(X, C_##op##Final)
/* clang-format on */

#endif
