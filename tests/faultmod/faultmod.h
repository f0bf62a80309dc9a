/* sa_faultmod: internal declarations shared by the module's files.
 *
 * The module is a PKCS#11 v2.40 shim: every entry of its function list
 * forwards to the module named by SA_FAULT_TARGET and may break one rule on
 * the way back, as selected by SA_FAULT (README.md). It exists so that every
 * sigaudit check can be shown to FAIL (STYLE rule 21). */
#ifndef SA_FAULTMOD_H
#define SA_FAULTMOD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <p11-kit/pkcs11.h>

/* All 68 functions of the v2.40 CK_FUNCTION_LIST, in list order (B2.40 §5.3),
 * as X(name, call, params, args):
 *   call   REAL: the wrapper calls the target directly;
 *          HOOK: the wrapper calls sa_fm_hook_<name>() (hooks.c, logout.c,
 *          keys.c, ops.c), which has the same signature, calls the target
 *          itself (or the logout layer, for keys.c) and applies the named
 *          faults that concern this function.
 *   params the parameter list, args the same names as an argument list.
 * The generic parts of every wrapper (crash/abort/hang/noop before the call,
 * rv rewriting after it) are generated from this table in faultmod.c. */
/* clang-format off */
#define SA_FM_FUNCTIONS(X)                                                    \
	X(C_Initialize, HOOK, (CK_VOID_PTR init_args), (init_args))           \
	X(C_Finalize, HOOK, (CK_VOID_PTR reserved), (reserved))               \
	X(C_GetInfo, HOOK, (CK_INFO_PTR info), (info))                        \
	X(C_GetFunctionList, HOOK, (CK_FUNCTION_LIST_PTR_PTR list), (list))   \
	X(C_GetSlotList, HOOK,                                                \
	  (CK_BBOOL present, CK_SLOT_ID_PTR slots, CK_ULONG_PTR count),      \
	  (present, slots, count))                                            \
	X(C_GetSlotInfo, HOOK, (CK_SLOT_ID slot, CK_SLOT_INFO_PTR info),      \
	  (slot, info))                                                       \
	X(C_GetTokenInfo, HOOK, (CK_SLOT_ID slot, CK_TOKEN_INFO_PTR info),    \
	  (slot, info))                                                       \
	X(C_GetMechanismList, HOOK,                                           \
	  (CK_SLOT_ID slot, CK_MECHANISM_TYPE_PTR mechs, CK_ULONG_PTR count), \
	  (slot, mechs, count))                                               \
	X(C_GetMechanismInfo, HOOK,                                           \
	  (CK_SLOT_ID slot, CK_MECHANISM_TYPE type,                           \
	   CK_MECHANISM_INFO_PTR info),                                       \
	  (slot, type, info))                                                 \
	X(C_InitToken, REAL,                                                  \
	  (CK_SLOT_ID slot, CK_UTF8CHAR_PTR pin, CK_ULONG pin_len,            \
	   CK_UTF8CHAR_PTR label),                                            \
	  (slot, pin, pin_len, label))                                        \
	X(C_InitPIN, REAL,                                                    \
	  (CK_SESSION_HANDLE s, CK_UTF8CHAR_PTR pin, CK_ULONG pin_len),       \
	  (s, pin, pin_len))                                                  \
	X(C_SetPIN, REAL,                                                     \
	  (CK_SESSION_HANDLE s, CK_UTF8CHAR_PTR old_pin, CK_ULONG old_len,    \
	   CK_UTF8CHAR_PTR new_pin, CK_ULONG new_len),                        \
	  (s, old_pin, old_len, new_pin, new_len))                            \
	X(C_OpenSession, REAL,                                                \
	  (CK_SLOT_ID slot, CK_FLAGS flags, CK_VOID_PTR app,                  \
	   CK_NOTIFY notify, CK_SESSION_HANDLE_PTR s),                        \
	  (slot, flags, app, notify, s))                                      \
	X(C_CloseSession, HOOK, (CK_SESSION_HANDLE s), (s))                   \
	X(C_CloseAllSessions, HOOK, (CK_SLOT_ID slot), (slot))                \
	X(C_GetSessionInfo, HOOK,                                             \
	  (CK_SESSION_HANDLE s, CK_SESSION_INFO_PTR info), (s, info))         \
	X(C_GetOperationState, REAL,                                          \
	  (CK_SESSION_HANDLE s, CK_BYTE_PTR state, CK_ULONG_PTR state_len),   \
	  (s, state, state_len))                                              \
	X(C_SetOperationState, REAL,                                          \
	  (CK_SESSION_HANDLE s, CK_BYTE_PTR state, CK_ULONG state_len,        \
	   CK_OBJECT_HANDLE enc_key, CK_OBJECT_HANDLE auth_key),              \
	  (s, state, state_len, enc_key, auth_key))                           \
	X(C_Login, HOOK,                                                      \
	  (CK_SESSION_HANDLE s, CK_USER_TYPE who, CK_UTF8CHAR_PTR pin,        \
	   CK_ULONG pin_len),                                                 \
	  (s, who, pin, pin_len))                                             \
	X(C_Logout, HOOK, (CK_SESSION_HANDLE s), (s))                         \
	X(C_CreateObject, HOOK,                                               \
	  (CK_SESSION_HANDLE s, CK_ATTRIBUTE_PTR tmpl, CK_ULONG n,            \
	   CK_OBJECT_HANDLE_PTR obj),                                         \
	  (s, tmpl, n, obj))                                                  \
	X(C_CopyObject, HOOK,                                                 \
	  (CK_SESSION_HANDLE s, CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_PTR tmpl,  \
	   CK_ULONG n, CK_OBJECT_HANDLE_PTR new_obj),                         \
	  (s, obj, tmpl, n, new_obj))                                         \
	X(C_DestroyObject, HOOK, (CK_SESSION_HANDLE s, CK_OBJECT_HANDLE obj), \
	  (s, obj))                                                           \
	X(C_GetObjectSize, REAL,                                              \
	  (CK_SESSION_HANDLE s, CK_OBJECT_HANDLE obj, CK_ULONG_PTR size),     \
	  (s, obj, size))                                                     \
	X(C_GetAttributeValue, HOOK,                                          \
	  (CK_SESSION_HANDLE s, CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_PTR tmpl,  \
	   CK_ULONG n),                                                       \
	  (s, obj, tmpl, n))                                                  \
	X(C_SetAttributeValue, HOOK,                                          \
	  (CK_SESSION_HANDLE s, CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_PTR tmpl,  \
	   CK_ULONG n),                                                       \
	  (s, obj, tmpl, n))                                                  \
	X(C_FindObjectsInit, HOOK,                                            \
	  (CK_SESSION_HANDLE s, CK_ATTRIBUTE_PTR tmpl, CK_ULONG n),           \
	  (s, tmpl, n))                                                       \
	X(C_FindObjects, HOOK,                                                \
	  (CK_SESSION_HANDLE s, CK_OBJECT_HANDLE_PTR objs, CK_ULONG max,      \
	   CK_ULONG_PTR count),                                               \
	  (s, objs, max, count))                                              \
	X(C_FindObjectsFinal, HOOK, (CK_SESSION_HANDLE s), (s))               \
	SA_FM_CIPHER_(X, Encrypt, HOOK)             \
	SA_FM_CIPHER_(X, Decrypt, REAL)             \
	X(C_DigestInit, REAL, (CK_SESSION_HANDLE s, CK_MECHANISM_PTR mech),   \
	  (s, mech))                                                          \
	SA_FM_INOUT_(X, C_Digest, REAL)                                       \
	SA_FM_IN_(X, C_DigestUpdate, REAL)                                    \
	X(C_DigestKey, REAL, (CK_SESSION_HANDLE s, CK_OBJECT_HANDLE key),     \
	  (s, key))                                                           \
	SA_FM_OUT_(X, C_DigestFinal, REAL)                                    \
	SA_FM_INIT_(X, C_SignInit, HOOK)                                      \
	SA_FM_INOUT_(X, C_Sign, HOOK)                                         \
	SA_FM_IN_(X, C_SignUpdate, HOOK)                                      \
	SA_FM_OUT_(X, C_SignFinal, HOOK)                                      \
	SA_FM_INIT_(X, C_SignRecoverInit, REAL)                               \
	SA_FM_INOUT_(X, C_SignRecover, REAL)                                  \
	SA_FM_INIT_(X, C_VerifyInit, HOOK)                                    \
	SA_FM_ININ_(X, C_Verify, HOOK)                                        \
	SA_FM_IN_(X, C_VerifyUpdate, REAL)                                    \
	X(C_VerifyFinal, HOOK,                                                \
	  (CK_SESSION_HANDLE s, CK_BYTE_PTR sig, CK_ULONG sig_len),           \
	  (s, sig, sig_len))                                                  \
	SA_FM_INIT_(X, C_VerifyRecoverInit, REAL)                             \
	SA_FM_INOUT_(X, C_VerifyRecover, REAL)                                \
	SA_FM_INOUT_(X, C_DigestEncryptUpdate, REAL)                          \
	SA_FM_INOUT_(X, C_DecryptDigestUpdate, REAL)                          \
	SA_FM_INOUT_(X, C_SignEncryptUpdate, REAL)                            \
	SA_FM_INOUT_(X, C_DecryptVerifyUpdate, REAL)                          \
	X(C_GenerateKey, HOOK,                                                \
	  (CK_SESSION_HANDLE s, CK_MECHANISM_PTR mech, CK_ATTRIBUTE_PTR tmpl, \
	   CK_ULONG n, CK_OBJECT_HANDLE_PTR key),                             \
	  (s, mech, tmpl, n, key))                                            \
	X(C_GenerateKeyPair, HOOK,                                            \
	  (CK_SESSION_HANDLE s, CK_MECHANISM_PTR mech,                        \
	   CK_ATTRIBUTE_PTR pub_tmpl, CK_ULONG pub_n,                         \
	   CK_ATTRIBUTE_PTR priv_tmpl, CK_ULONG priv_n,                       \
	   CK_OBJECT_HANDLE_PTR pub, CK_OBJECT_HANDLE_PTR priv),              \
	  (s, mech, pub_tmpl, pub_n, priv_tmpl, priv_n, pub, priv))           \
	X(C_WrapKey, HOOK,                                                    \
	  (CK_SESSION_HANDLE s, CK_MECHANISM_PTR mech,                        \
	   CK_OBJECT_HANDLE wrapping_key, CK_OBJECT_HANDLE key,               \
	   CK_BYTE_PTR out, CK_ULONG_PTR out_len),                            \
	  (s, mech, wrapping_key, key, out, out_len))                         \
	X(C_UnwrapKey, HOOK,                                                  \
	  (CK_SESSION_HANDLE s, CK_MECHANISM_PTR mech,                        \
	   CK_OBJECT_HANDLE unwrapping_key, CK_BYTE_PTR in, CK_ULONG in_len,  \
	   CK_ATTRIBUTE_PTR tmpl, CK_ULONG n, CK_OBJECT_HANDLE_PTR key),      \
	  (s, mech, unwrapping_key, in, in_len, tmpl, n, key))                \
	X(C_DeriveKey, HOOK,                                                  \
	  (CK_SESSION_HANDLE s, CK_MECHANISM_PTR mech,                        \
	   CK_OBJECT_HANDLE base_key, CK_ATTRIBUTE_PTR tmpl, CK_ULONG n,      \
	   CK_OBJECT_HANDLE_PTR key),                                         \
	  (s, mech, base_key, tmpl, n, key))                                  \
	SA_FM_IN_(X, C_SeedRandom, REAL)                                      \
	SA_FM_IN_(X, C_GenerateRandom, REAL)                                  \
	X(C_GetFunctionStatus, REAL, (CK_SESSION_HANDLE s), (s))              \
	X(C_CancelFunction, REAL, (CK_SESSION_HANDLE s), (s))                 \
	X(C_WaitForSlotEvent, REAL,                                           \
	  (CK_FLAGS flags, CK_SLOT_ID_PTR slot, CK_VOID_PTR reserved),        \
	  (flags, slot, reserved))

/* The signature shapes shared by many functions; call as in the table. */
/* C_xxxInit(session, mechanism, key) */
#define SA_FM_INIT_(X, name, call)                                            \
	X(name, call,                                                         \
	  (CK_SESSION_HANDLE s, CK_MECHANISM_PTR mech, CK_OBJECT_HANDLE key), \
	  (s, mech, key))
/* (session, in, in_len): C_xxxUpdate without output, C_SeedRandom; and
 * C_GenerateRandom, whose "in" buffer is really its output. */
#define SA_FM_IN_(X, name, call)                                              \
	X(name, call, (CK_SESSION_HANDLE s, CK_BYTE_PTR in, CK_ULONG in_len), \
	  (s, in, in_len))
/* (session, in, in_len, out, out_len): the single-part and dual functions */
#define SA_FM_INOUT_(X, name, call)                                           \
	X(name, call,                                                         \
	  (CK_SESSION_HANDLE s, CK_BYTE_PTR in, CK_ULONG in_len,              \
	   CK_BYTE_PTR out, CK_ULONG_PTR out_len),                            \
	  (s, in, in_len, out, out_len))
/* (session, in, in_len, sig, sig_len): C_Verify */
#define SA_FM_ININ_(X, name, call)                                            \
	X(name, call,                                                         \
	  (CK_SESSION_HANDLE s, CK_BYTE_PTR in, CK_ULONG in_len,              \
	   CK_BYTE_PTR sig, CK_ULONG sig_len),                                \
	  (s, in, in_len, sig, sig_len))
/* (session, out, out_len): C_xxxFinal with output */
#define SA_FM_OUT_(X, name, call)                                             \
	X(name, call,                                                         \
	  (CK_SESSION_HANDLE s, CK_BYTE_PTR out, CK_ULONG_PTR out_len),       \
	  (s, out, out_len))
/* C_<op>Init (hooked: sign-ignores-usage), C_<op> (hooked for Encrypt:
 * data-len-unchecked), C_<op>Update, C_<op>Final of Encrypt and Decrypt */
#define SA_FM_CIPHER_(X, op, single)                                          \
	SA_FM_INIT_(X, C_##op##Init, HOOK)                                    \
	SA_FM_INOUT_(X, C_##op, single)                                       \
	SA_FM_INOUT_(X, C_##op##Update, REAL)                                 \
	SA_FM_OUT_(X, C_##op##Final, REAL)
/* clang-format on */

/* One id per function, in table order. */
/* clang-format off */
enum sa_fm_func {
#define SA_FM_X_(name, call, params, args) SA_FM_##name,
	SA_FM_FUNCTIONS(SA_FM_X_)
#undef SA_FM_X_
	SA_FM_FUNC_COUNT
};
/* clang-format on */

/* The named (semantic) faults: X(ID, "name", "what it does; the rule it
 * breaks"). The text is what SA_FAULT=help prints. */
/* clang-format off */
#define SA_FM_NAMED_FAULTS(X)                                                 \
	X(INFO_NUL_PADDING, "info-nul-padding",                               \
	  "C_GetInfo: manufacturerID, libraryDescription padded with NUL "    \
	  "(B2.40 §3.1 blank padding)")                                       \
	X(INFO_FLAGS, "info-flags",                                           \
	  "C_GetInfo: flags = 0x1 (B2.40 §3.1: must be 0)")                   \
	X(INFO_VERSION_MISMATCH, "info-version-mismatch",                     \
	  "C_GetInfo: cryptokiVersion 2.20, function list says 2.40 "         \
	  "(B2.40 §3.1, §5.4.3)")                                             \
	X(SLOT_NUL_PADDING, "slot-nul-padding",                               \
	  "C_GetSlotInfo: slotDescription padded with NUL (B2.40 §3.2)")      \
	X(SLOT_BAD_FLAGS, "slot-bad-flags",                                   \
	  "C_GetSlotInfo: undefined flag bit 0x100 set (B2.40 §3.2)")         \
	X(TOKEN_NUL_PADDING, "token-nul-padding",                             \
	  "C_GetTokenInfo: label, manufacturerID, model, serialNumber "       \
	  "padded with NUL (B2.40 §3.2)")                                     \
	X(TOKEN_BAD_FLAGS, "token-bad-flags",                                 \
	  "C_GetTokenInfo: undefined flag bit 0x10 set (B2.40 §3.2)")         \
	X(TOKEN_PIN_LEN_INVERTED, "token-pin-len-inverted",                   \
	  "C_GetTokenInfo: ulMinPinLen > ulMaxPinLen (B2.40 §3.2)")           \
	X(TOKEN_BAD_UTCTIME, "token-bad-utctime",                             \
	  "C_GetTokenInfo: CKF_CLOCK_ON_TOKEN, utcTime \"2026-13-45......\" " \
	  "(B2.40 §3.2: YYYYMMDDhhmmss00)")                                   \
	X(TOKEN_SESSION_COUNT_INCONSISTENT,                                   \
	  "token-session-count-inconsistent",                                 \
	  "C_GetTokenInfo: ulMaxSessionCount 1, ulSessionCount 5 "            \
	  "(B2.40 §3.2)")                                                     \
	X(SLOTLIST_NO_COUNT_UPDATE, "slotlist-no-count-update",               \
	  "C_GetSlotList: CKR_BUFFER_TOO_SMALL leaves *pulCount unchanged "   \
	  "(B2.40 §5.2, §5.5.1)")                                             \
	X(SLOTLIST_OVERFLOW_OK, "slotlist-overflow-ok",                       \
	  "C_GetSlotList: too-small buffer gives CKR_OK, truncated list "     \
	  "(B2.40 §5.2, §5.5.1)")                                             \
	X(MECH_MINMAX_INVERTED, "mech-minmax-inverted",                       \
	  "C_GetMechanismInfo: ulMinKeySize > ulMaxKeySize when max > 0 "     \
	  "(B2.40 §3.5)")                                                     \
	X(MECH_LIST_PHANTOM, "mech-list-phantom",                             \
	  "C_GetMechanismList lists 0x80001234, C_GetMechanismInfo refuses "  \
	  "it (B2.40 §5.5.5-5.5.6)")                                          \
	X(SESSION_STATE_PUBLIC, "session-state-public",                       \
	  "C_GetSessionInfo: state always RO/RW_PUBLIC, even logged in "      \
	  "(UG v2.40 §2.6; B2.40 §5.6.4)")                                    \
	X(SESSION_STATE_RW_AS_RO, "session-state-rw-as-ro",                   \
	  "C_GetSessionInfo: RW sessions reported RO, state and flags "       \
	  "(B2.40 §5.6.4)")                                                   \
	X(PIN_FLAGS_STUCK, "pin-flags-stuck",                                 \
	  "C_GetTokenInfo: CKF_USER_PIN_COUNT_LOW always set "                \
	  "(B2.40 §3.2, §5.6.7)")                                             \
	X(LOGOUT_KEEPS_OBJECTS, "logout-keeps-objects",                       \
	  "after C_Logout, private objects stay readable and findable "       \
	  "(B2.40 §5.6.8)")                                                   \
	X(GETATTR_UNAVAILABLE_NOT_SET, "getattr-unavailable-not-set",         \
	  "C_GetAttributeValue: failed slots keep the caller's ulValueLen, "  \
	  "not CK_UNAVAILABLE_INFORMATION (B2.40 §5.7.5)")                    \
	X(GETATTR_STOP_AT_FIRST_ERROR, "getattr-stop-at-first-error",         \
	  "C_GetAttributeValue: slots after the first failing one are left "  \
	  "unfilled (B2.40 §5.7.5: every slot is processed)")                 \
	X(KEYGEN_BITS_LIE, "keygen-bits-lie",                                 \
	  "generated RSA keys: CKA_MODULUS_BITS reads requested+8 "           \
	  "(B2.40 §5.14.2; Curr v2.40 §2.1)")                                 \
	X(KEYGEN_LOCAL_FALSE, "keygen-local-false",                           \
	  "generated keys: CKA_LOCAL FALSE, CKA_KEY_GEN_MECHANISM "           \
	  "CK_UNAVAILABLE_INFORMATION (B2.40 §4.7)")                          \
	X(EC_POINT_OFF_CURVE, "ec-point-off-curve",                           \
	  "CKA_EC_POINT: last byte of Y flipped, point off the curve "        \
	  "(Curr v2.40 §2.3)")                                                \
	X(EC_POINT_RAW, "ec-point-raw",                                       \
	  "CKA_EC_POINT without its DER OCTET STRING wrapper "                \
	  "(Curr v2.40 §2.3)")                                                \
	X(KEYGEN_LEAVES_OBJECT, "keygen-leaves-object",                       \
	  "a failing C_GenerateKey(Pair) leaves a CKO_DATA session object "   \
	  "(B2.40 §5.14.1-5.14.2)")                                           \
	X(LEAK_SENSITIVE, "leak-sensitive",                                   \
	  "C_GetAttributeValue: CKR_OK and a value for sensitive attributes " \
	  "of sensitive/unextractable keys (B2.40 §4.9, §5.7.5)")             \
	X(UNLATCH_SENSITIVE, "unlatch-sensitive",                             \
	  "C_SetAttributeValue/C_CopyObject: CKA_SENSITIVE TRUE->FALSE "      \
	  "accepted (B2.40 footnote 11; §4.1.2-4.1.3)")                       \
	X(UNLATCH_EXTRACTABLE, "unlatch-extractable",                         \
	  "C_SetAttributeValue/C_CopyObject: CKA_EXTRACTABLE FALSE->TRUE "    \
	  "accepted (B2.40 footnote 12; §4.1.2-4.1.3)")                       \
	X(UNLATCH_WRAP_WITH_TRUSTED, "unlatch-wrap-with-trusted",             \
	  "C_SetAttributeValue/C_CopyObject: CKA_WRAP_WITH_TRUSTED "          \
	  "TRUE->FALSE accepted (B2.40 footnote 11; §4.1.2-4.1.3)")           \
	X(HISTORY_LIES, "history-lies",                                       \
	  "CKA_ALWAYS_SENSITIVE, CKA_NEVER_EXTRACTABLE, CKA_LOCAL read TRUE " \
	  "for every key (B2.40 §4.7, §4.9, §5.14.4)")                        \
	X(WRAP_IGNORES_EXTRACTABLE, "wrap-ignores-extractable",               \
	  "C_WrapKey of a CKA_EXTRACTABLE=FALSE key: CKR_OK, 40 random "      \
	  "bytes (B2.40 §5.14.3: CKR_KEY_UNEXTRACTABLE)")                     \
	X(WRAP_IGNORES_CKA_WRAP, "wrap-ignores-cka-wrap",                     \
	  "C_WrapKey with a CKA_WRAP=FALSE wrapping key succeeds "            \
	  "(B2.40 §4.7, §5.14.3)")                                            \
	X(SIGN_IGNORES_USAGE, "sign-ignores-usage",                           \
	  "C_SignInit/C_EncryptInit/C_DecryptInit ignore CKA_SIGN/ENCRYPT/"   \
	  "DECRYPT=FALSE (B2.40 §5.1.6 CKR_KEY_FUNCTION_NOT_PERMITTED)")      \
	X(IGNORE_ALLOWED_MECHANISMS, "ignore-allowed-mechanisms",             \
	  "CKA_ALLOWED_MECHANISMS dropped from templates, reported back, "    \
	  "never enforced (B2.40 §4.7)")                                      \
	X(ALWAYS_AUTH_IGNORED, "always-auth-ignored",                         \
	  "CKA_ALWAYS_AUTHENTICATE dropped from templates, reported back: "   \
	  "no context login needed (B2.40 §4.9, §5.6.7)")                     \
	X(TRUSTED_SETTABLE, "trusted-settable",                               \
	  "C_SetAttributeValue(CKA_TRUSTED=TRUE) outside an SO session "      \
	  "accepted (B2.40 footnote 10; §4.10)")                              \
	X(WRAP_TEMPLATE_IGNORED, "wrap-template-ignored",                     \
	  "CKA_WRAP_TEMPLATE/CKA_UNWRAP_TEMPLATE dropped from templates, "    \
	  "reported back (B2.40 §5.14.3-5.14.4)")                             \
	X(PRIVATE_VISIBLE_PUBLIC, "private-visible-public",                   \
	  "C_FindObjects in a public session also returns CKA_PRIVATE "       \
	  "objects seen earlier (B2.40 §4.4; UG v2.40 §2.6)")                 \
	X(SIGN_BAD_SIGNATURE, "sign-bad-signature",                           \
	  "C_Sign/C_SignFinal output: one bit of the first byte flipped "     \
	  "(B2.40 §5.11.2, §5.11.4)")                                         \
	X(CRASH_ON_ABUSE, "crash-on-abuse",                                   \
	  "SIGSEGV on a NULL template with count > 0 or ulValueLen > 2^30 "   \
	  "(B2.40 §5.1.6 CKR_ARGUMENTS_BAD)")                               \
	X(VERIFY_ACCEPTS_MODIFIED, "verify-accepts-modified",                 \
	  "C_Verify/C_VerifyFinal: CKR_SIGNATURE_INVALID and "                \
	  "CKR_SIGNATURE_LEN_RANGE become CKR_OK (B2.40 §5.12.2, §5.12.4)")  \
	X(VERIFY_OP_STAYS_ACTIVE, "verify-op-stays-active",                   \
	  "a failed C_Verify/C_VerifyFinal leaves the operation active "      \
	  "(re-armed) (B2.40 §5.1.6, §5.12.2: the operation ends)")          \
	X(SIGN_SIZE_QUERY_ENDS_OP, "sign-size-query-ends-op",                 \
	  "C_Sign/C_SignFinal length query (NULL buffer) ends the "           \
	  "operation (B2.40 §5.2, §5.11.2)")                                  \
	X(ECDSA_SIG_DER, "ecdsa-sig-der",                                     \
	  "CKM_ECDSA* signatures DER-encoded (Ecdsa-Sig-Value), not r||s "    \
	  "(Curr v2.40 §2.3.1)")                                              \
	X(ECDSA_SIG_STRIPPED, "ecdsa-sig-stripped",                           \
	  "CKM_ECDSA* signatures: leading zero bytes of r and s dropped, "    \
	  "variable length (Curr v2.40 §2.3.1)")                              \
	X(ECDSA_NONCE_REUSE, "ecdsa-nonce-reuse",                             \
	  "EC keys generated meanwhile sign CKM_ECDSA* with one fixed nonce " \
	  "per key: all signatures share r (FIPS 186-5 §6.4)")                \
	X(RSA_KEYGEN_SHARED_PRIME, "rsa-keygen-shared-prime",                 \
	  "CKM_RSA_PKCS_KEY_PAIR_GEN: every key of a size shares p "          \
	  "(batch GCD factors them)")                                         \
	X(RSA_KEYGEN_ROCA, "rsa-keygen-roca",                                 \
	  "CKM_RSA_PKCS_KEY_PAIR_GEN: primes of the ROCA form "               \
	  "k*M + (65537^a mod M) (CVE-2017-15361)")                           \
	X(RSA_KEYGEN_SMALL_FACTOR, "rsa-keygen-small-factor",                 \
	  "CKM_RSA_PKCS_KEY_PAIR_GEN: q = (prime < 2^20) * (large prime), "   \
	  "n has a small factor")                                             \
	X(RSA_KEYGEN_E3, "rsa-keygen-e3",                                     \
	  "CKM_RSA_PKCS_KEY_PAIR_GEN: public exponent 3 whatever the "        \
	  "template asks (policy: e >= 65537)")                               \
	X(DATA_LEN_UNCHECKED, "data-len-unchecked",                           \
	  "C_Sign/C_Encrypt CKM_RSA_PKCS/CKM_RSA_X_509: data due "             \
	  "CKR_DATA_LEN_RANGE/CKR_DATA_INVALID gets CKR_OK, k random bytes "  \
	  "(Curr v2.40 §2.1)")
/* clang-format on */

/* clang-format off */
enum sa_fm_named {
#define SA_FM_X_(id, name, text) SA_FM_NAMED_##id,
	SA_FM_NAMED_FAULTS(SA_FM_X_)
#undef SA_FM_X_
	SA_FM_NAMED_COUNT
};
/* clang-format on */

_Static_assert(SA_FM_NAMED_COUNT <= 64, "sa_fm_spec.named is 64 bits");

/* What SA_FAULT asks for a function before it is forwarded. */
enum {
	SA_FM_ACT_CRASH = 1u << 0,
	SA_FM_ACT_ABORT = 1u << 1,
	SA_FM_ACT_HANG = 1u << 2,
	SA_FM_ACT_NOOP = 1u << 3,
};

#define SA_FM_MAX_RV_RULES 32

struct sa_fm_rv_rule {
	enum sa_fm_func func;
	bool any; /* FROM was "*" */
	CK_RV from;
	CK_RV to;
};

/* The parsed SA_FAULT; written once (spec.c), then only read. */
struct sa_fm_spec {
	unsigned action[SA_FM_FUNC_COUNT];
	uint64_t named; /* UINT64_C(1) << SA_FM_NAMED_* */
	struct sa_fm_rv_rule rv[SA_FM_MAX_RV_RULES];
	size_t n_rv;
	/* unlist:MECH / unflag:MECH:FLAGS (proposed, mech2) */
	CK_MECHANISM_TYPE unlist[32];
	size_t n_unlist;
	CK_MECHANISM_TYPE unflag_mech[32];
	CK_FLAGS unflag_bits[32];
	size_t n_unflag;
	/* flag:MECH:FLAGS sets bits, e.g. ones no version of the spec defines
	 * (P11-MECH-01) */
	CK_MECHANISM_TYPE flag_mech[32];
	CK_FLAGS flag_bits[32];
	size_t n_flag;
};

extern struct sa_fm_spec sa_fm_spec;
/* The target's function list; set before any wrapper forwards. */
extern CK_FUNCTION_LIST_PTR sa_fm_real;
/* The list this module hands out. */
extern CK_FUNCTION_LIST sa_fm_list;

/** Parse `text` (SA_FAULT, may be NULL) into sa_fm_spec; prints one line to
 * stderr per unknown directive and the help table for "help"/"list". */
void sa_fm_spec_parse(const char *text);

/** Whether named fault `f` is on. */
static inline bool sa_fm_on(enum sa_fm_named f)
{
	return (sa_fm_spec.named & (UINT64_C(1) << f)) != 0;
}

#define SA_FM_BIT(id) (UINT64_C(1) << SA_FM_NAMED_##id)

/** Whether any of the named faults in `mask` (SA_FM_BIT()s) is on: one test
 * keeps the forwarding path free when none is. */
static inline bool sa_fm_any(uint64_t mask)
{
	return (sa_fm_spec.named & mask) != 0;
}

/* The hooks (call = HOOK in SA_FM_FUNCTIONS). */
#define SA_FM_X_(name, call, params, args) SA_FM_DECL_##call(name, params)
#define SA_FM_DECL_REAL(name, params)
#define SA_FM_DECL_HOOK(name, params) CK_RV sa_fm_hook_##name params;
SA_FM_FUNCTIONS(SA_FM_X_)
#undef SA_FM_X_

/** logout.c: forget what logout-keeps-objects remembered (C_Initialize and
 * C_Finalize: handles do not survive them). */
void sa_fm_logout_reset(void);

/* The logout layer (logout.c), below keys.c: same signatures as the hooks;
 * keys.c's hooks call these, and these call the target. */
CK_RV sa_fm_logout_C_CreateObject(CK_SESSION_HANDLE s, CK_ATTRIBUTE_PTR tmpl,
                                  CK_ULONG n, CK_OBJECT_HANDLE_PTR obj);
CK_RV sa_fm_logout_C_DestroyObject(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE obj);
CK_RV sa_fm_logout_C_GetAttributeValue(CK_SESSION_HANDLE s,
                                       CK_OBJECT_HANDLE obj,
                                       CK_ATTRIBUTE_PTR tmpl, CK_ULONG n);
CK_RV sa_fm_logout_C_FindObjectsInit(CK_SESSION_HANDLE s, CK_ATTRIBUTE_PTR tmpl,
                                     CK_ULONG n);
CK_RV sa_fm_logout_C_FindObjects(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE_PTR objs,
                                 CK_ULONG max, CK_ULONG_PTR count);
CK_RV sa_fm_logout_C_FindObjectsFinal(CK_SESSION_HANDLE s);
CK_RV sa_fm_logout_C_GenerateKey(CK_SESSION_HANDLE s, CK_MECHANISM_PTR mech,
                                 CK_ATTRIBUTE_PTR tmpl, CK_ULONG n,
                                 CK_OBJECT_HANDLE_PTR key);
CK_RV sa_fm_logout_C_GenerateKeyPair(CK_SESSION_HANDLE s, CK_MECHANISM_PTR mech,
                                     CK_ATTRIBUTE_PTR pub_tmpl, CK_ULONG pub_n,
                                     CK_ATTRIBUTE_PTR priv_tmpl,
                                     CK_ULONG priv_n, CK_OBJECT_HANDLE_PTR pub,
                                     CK_OBJECT_HANDLE_PTR priv);

/** keys.c: forget what the object faults remembered. */
void sa_fm_keys_reset(void);

/** keys.c: make C_GetAttributeValue answer (obj, type) with `status` and,
 * when that is CKR_OK, the `len` bytes of `value`, as the faults that drop
 * template attributes do (gen.c: the history of keys made by faultmod). */
void sa_fm_keys_fake(CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_TYPE type, CK_RV status,
                     const void *value, CK_ULONG len);

/* The signing faults (sig.c): ops.c's C_SignInit, C_Sign, C_SignFinal and
 * C_EncryptInit hooks call these in place of the target. */
enum sa_fm_op { SA_FM_OP_SIGN, SA_FM_OP_VERIFY, SA_FM_OP_ENCRYPT };
/** After a successful C_xxxInit: remember the operation of session s when a
 * fault needs it. */
void sa_fm_sig_init(enum sa_fm_op op, CK_SESSION_HANDLE s,
                    const CK_MECHANISM *mech, CK_OBJECT_HANDLE key);
CK_RV sa_fm_sig_C_Sign(CK_SESSION_HANDLE s, CK_BYTE_PTR in, CK_ULONG in_len,
                       CK_BYTE_PTR out, CK_ULONG_PTR out_len);
CK_RV sa_fm_sig_C_SignFinal(CK_SESSION_HANDLE s, CK_BYTE_PTR out,
                            CK_ULONG_PTR out_len);
/** ecdsa-nonce-reuse: priv (an EC private key faultmod keeps extractable
 * underneath) signs with one fixed nonce from now on. */
void sa_fm_sig_nonce_key(CK_OBJECT_HANDLE priv);
/** C_DestroyObject of obj succeeded. */
void sa_fm_sig_forget(CK_OBJECT_HANDLE obj);
/** C_Initialize, C_Finalize: forget everything. */
void sa_fm_sig_reset(void);

/** gen.c: the key-generation faults (rsa-keygen-*, ecdsa-nonce-reuse), a
 * layer between keys.c and logout.c with the signature of
 * C_GenerateKeyPair. */
CK_RV sa_fm_gen_C_GenerateKeyPair(CK_SESSION_HANDLE s, CK_MECHANISM_PTR mech,
                                  CK_ATTRIBUTE_PTR pub_tmpl, CK_ULONG pub_n,
                                  CK_ATTRIBUTE_PTR priv_tmpl, CK_ULONG priv_n,
                                  CK_OBJECT_HANDLE_PTR pub,
                                  CK_OBJECT_HANDLE_PTR priv);

/** Die by a genuine SIGSEGV (faultmod.c). */
_Noreturn void sa_fm_crash(void);

/** "CKR_xxx" for a return value, or "0x..." in buf (spec.c). */
const char *sa_fm_rv_name(CK_RV rv, char *buf, size_t size);

#endif
