/* Catalogue group C: handles across logout and invalid session handles
 * (SES-11, SES-12, SES-16). Descriptions and references: session.c. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sigaudit/guard.h"
#include "sigaudit/profile.h"

#include "init_slot.h"
#include "obj_int.h"
#include "session_int.h"

/* DER of the prime256v1 OID, CKA_EC_PARAMS for a P-256 key (Curr. Mech.
 * v2.40 §2.3). */
static const CK_BYTE p256_oid[] = {0x06, 0x08, 0x2a, 0x86, 0x48,
                                   0xce, 0x3d, 0x03, 0x01, 0x07};

/* The first private token object of the token, found while logged in, or
 * CK_INVALID_HANDLE. */
static CK_OBJECT_HANDLE find_private_token_object(sa_case_ctx *ctx,
                                                  CK_SESSION_HANDLE s)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_BBOOL yes = CK_TRUE;
	CK_ATTRIBUTE tmpl[] = {
	    {CKA_TOKEN, &yes, sizeof(yes)},
	    {CKA_PRIVATE, &yes, sizeof(yes)},
	};
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	CK_ULONG got = 0;

	if (f->C_FindObjectsInit(s, tmpl, SA_COUNTOF(tmpl)) != CKR_OK)
		goto out;
	if (f->C_FindObjects(s, &h, 1, &got) != CKR_OK || got != 1)
		h = CK_INVALID_HANDLE;
	(void)f->C_FindObjectsFinal(s);
out:
	return h;
}

/* A private session object labelled `label`: CKO_DATA, else (a token that
 * keeps private data for token objects) a generic-secret or AES key, which
 * §5.6.8 treats alike. Returns the CK_RV of the last attempt. */
static CK_RV ses11_private_object(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                                  const char *label, CK_OBJECT_HANDLE *out)
{
	static const CK_KEY_TYPE types[] = {CKK_GENERIC_SECRET, CKK_AES};
	static const CK_BYTE value[16] = {0x73, 0x69, 0x67, 0x61, 0x75, 0x64,
	                                  0x69, 0x74, 0x2d, 0x73, 0x65, 0x73,
	                                  0x31, 0x31, 0x6b, 0x79};
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	CK_KEY_TYPE kt = CKK_GENERIC_SECRET;
	CK_ATTRIBUTE tmpl[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_TOKEN, &no, sizeof(no)},
	    {CKA_PRIVATE, &yes, sizeof(yes)},
	    {CKA_LABEL, (void *)label, strlen(label)},
	    {CKA_VALUE, (void *)value, sizeof(value)},
	};
	CK_RV rv = sa_p11_ses_data_object(ctx, s, true, label, out);
	size_t i;

	for (i = 0; rv != CKR_OK && i < SA_COUNTOF(types); i++) {
		kt = types[i];
		*out = CK_INVALID_HANDLE;
		rv = sa_case_p11(ctx)->C_CreateObject(s, tmpl, SA_COUNTOF(tmpl),
		                                      out);
		if (rv == CKR_OK)
			sa_case_note(ctx,
			             "the private session object is a %s "
			             "secret key (the token refuses a private "
			             "session CKO_DATA)",
			             kt == CKK_AES ? "CKK_AES"
			                           : "CKK_GENERIC_SECRET");
	}
	if (rv != CKR_OK)
		*out = CK_INVALID_HANDLE;
	return rv;
}

void sa_p11_ses11_logout_objects(sa_case_ctx *ctx)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_SESSION_HANDLE rw = CK_INVALID_HANDLE, ro = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE priv = CK_INVALID_HANDLE, pub = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE tok = CK_INVALID_HANDLE;
	bool logged_in = false;
	char label[64];
	CK_ULONG n = 0;
	CK_RV rv;

	snprintf(label, sizeof(label), "sigaudit-ses11-%lu",
	         (unsigned long)sa_case_slot(ctx));
	if (sa_p11_ses_open(ctx, true, &rw) < 0 ||
	    sa_p11_ses_open(ctx, false, &ro) < 0)
		goto out;
	if (sa_p11_ses_login(ctx, rw, CKU_USER) < 0)
		goto out;
	logged_in = true;
	/* Session objects only (CKA_TOKEN false): nothing stays on the
	 * token whatever happens. A token may refuse some of them (NSS
	 * softoken takes no private CKO_DATA, tpm2-pkcs11 no public one):
	 * the checks of what it refuses are then not run. */
	rv = ses11_private_object(ctx, rw, label, &priv);
	if (rv != CKR_OK)
		sa_case_note(ctx,
		             "the token refuses private session objects "
		             "(CKO_DATA and secret keys: %s): their checks are "
		             "not run",
		             sa_p11_rv_name(rv));
	rv = sa_p11_ses_data_object(ctx, rw, false, "sigaudit-ses11-public",
	                            &pub);
	if (rv != CKR_OK) {
		pub = CK_INVALID_HANDLE;
		sa_case_note(
		    ctx,
		    "the token refuses public session objects "
		    "(C_CreateObject(public session CKO_DATA) returned "
		    "%s): their check is not run",
		    sa_p11_rv_name(rv));
	}
	tok = find_private_token_object(ctx, rw);
	if (tok == CK_INVALID_HANDLE)
		sa_case_note(ctx, "no private token object on the token: the "
		                  "token-object handle checks are not run");
	if (priv == CK_INVALID_HANDLE && pub == CK_INVALID_HANDLE &&
	    tok == CK_INVALID_HANDLE) {
		sa_case_skip(ctx, "the token refuses private and public "
		                  "session objects and holds no private token "
		                  "object: no handle to judge");
		goto out;
	}
	rv = f->C_Logout(rw);
	if (rv != CKR_OK) {
		sa_case_error(ctx, "set-up: C_Logout returned %s",
		              sa_p11_rv_name(rv));
		goto out;
	}
	logged_in = false;

	/* B2.40 §5.6.8: private session objects are destroyed, handles to
	 * private objects become invalid; public session objects stay. */
	if (priv != CK_INVALID_HANDLE) {
		rv = sa_p11_ses_probe_object(ctx, ro, priv);
		sa_p11_check_rv(ctx, "private session object after C_Logout",
		                rv, CKR_OBJECT_HANDLE_INVALID, SA_STRICT_ONLY);
	}
	if (pub != CK_INVALID_HANDLE) {
		rv = sa_p11_ses_probe_object(ctx, ro, pub);
		sa_p11_check_rv(ctx, "public session object after C_Logout", rv,
		                CKR_OK, SA_STRICT_ONLY);
	}
	if (tok != CK_INVALID_HANDLE) {
		rv = sa_p11_ses_probe_object(ctx, ro, tok);
		sa_p11_check_rv(ctx,
		                "handle to a private token object after "
		                "C_Logout",
		                rv, CKR_OBJECT_HANDLE_INVALID, SA_STRICT_ONLY);
	}
	if (priv != CK_INVALID_HANDLE) {
		rv = sa_p11_count_label(ctx, ro, label, &n);
		sa_case_checkf(ctx, rv == CKR_OK && n == 0,
		               "C_FindObjects for the private session object "
		               "after C_Logout",
		               "0 objects", "%s, %lu objects",
		               sa_p11_rv_name(rv), (unsigned long)n);
	}

	/* "even if a user is later logged back into the token, those handles
	 * remain invalid" (B2.40 §5.6.8). */
	if (sa_p11_ses_login(ctx, rw, CKU_USER) < 0)
		goto out;
	logged_in = true;
	if (priv != CK_INVALID_HANDLE) {
		rv = sa_p11_ses_probe_object(ctx, ro, priv);
		sa_p11_check_rv(ctx,
		                "private session object after logging in again",
		                rv, CKR_OBJECT_HANDLE_INVALID, SA_STRICT_ONLY);
	}
	if (tok != CK_INVALID_HANDLE) {
		rv = sa_p11_ses_probe_object(ctx, ro, tok);
		sa_p11_check_rv(ctx,
		                "old handle to a private token object after "
		                "logging in again",
		                rv, CKR_OBJECT_HANDLE_INVALID, SA_STRICT_ONLY);
	}
	if (priv != CK_INVALID_HANDLE) {
		rv = sa_p11_count_label(ctx, ro, label, &n);
		sa_case_checkf(ctx, rv == CKR_OK && n == 0,
		               "C_FindObjects for the private session object "
		               "after logging in again (destroyed, not hidden)",
		               "0 objects", "%s, %lu objects",
		               sa_p11_rv_name(rv), (unsigned long)n);
	}
out:
	if (pub != CK_INVALID_HANDLE)
		(void)f->C_DestroyObject(rw, pub);
	/* A module that keeps "session" objects as token objects
	 * (tpm2-pkcs11) would otherwise keep them for later runs. */
	if (logged_in)
		(void)sa_p11_obj_purge_label(ctx, rw, label);
	if (logged_in)
		sa_p11_ses_logout_quiet(ctx, rw);
	sa_p11_ses_close(ctx, &ro);
	sa_p11_ses_close(ctx, &rw);
}

/* ---- SES-12: invalid session handles ---- */

/* Every v2.40 function that takes a session handle (B2.40 §5.3 function
 * list order), C_Login, C_Logout, C_InitPIN, C_SetPIN and C_CloseSession
 * last: should a module wrongly act on one of them, the others have run. */
#define SES12_FUNCS(X)                                                         \
	X(C_GetSessionInfo)                                                    \
	X(C_GetOperationState)                                                 \
	X(C_SetOperationState)                                                 \
	X(C_CreateObject)                                                      \
	X(C_CopyObject)                                                        \
	X(C_DestroyObject)                                                     \
	X(C_GetObjectSize)                                                     \
	X(C_GetAttributeValue)                                                 \
	X(C_SetAttributeValue)                                                 \
	X(C_FindObjectsInit)                                                   \
	X(C_FindObjects)                                                       \
	X(C_FindObjectsFinal)                                                  \
	X(C_EncryptInit)                                                       \
	X(C_Encrypt)                                                           \
	X(C_EncryptUpdate)                                                     \
	X(C_EncryptFinal)                                                      \
	X(C_DecryptInit)                                                       \
	X(C_Decrypt)                                                           \
	X(C_DecryptUpdate)                                                     \
	X(C_DecryptFinal)                                                      \
	X(C_DigestInit)                                                        \
	X(C_Digest)                                                            \
	X(C_DigestUpdate)                                                      \
	X(C_DigestKey)                                                         \
	X(C_DigestFinal)                                                       \
	X(C_SignInit)                                                          \
	X(C_Sign)                                                              \
	X(C_SignUpdate)                                                        \
	X(C_SignFinal)                                                         \
	X(C_SignRecoverInit)                                                   \
	X(C_SignRecover)                                                       \
	X(C_VerifyInit)                                                        \
	X(C_Verify)                                                            \
	X(C_VerifyUpdate)                                                      \
	X(C_VerifyFinal)                                                       \
	X(C_VerifyRecoverInit)                                                 \
	X(C_VerifyRecover)                                                     \
	X(C_DigestEncryptUpdate)                                               \
	X(C_DecryptDigestUpdate)                                               \
	X(C_SignEncryptUpdate)                                                 \
	X(C_DecryptVerifyUpdate)                                               \
	X(C_GenerateKey)                                                       \
	X(C_GenerateKeyPair)                                                   \
	X(C_WrapKey)                                                           \
	X(C_UnwrapKey)                                                         \
	X(C_DeriveKey)                                                         \
	X(C_SeedRandom)                                                        \
	X(C_GenerateRandom)                                                    \
	X(C_GetFunctionStatus)                                                 \
	X(C_CancelFunction)                                                    \
	X(C_InitPIN)                                                           \
	X(C_SetPIN)                                                            \
	X(C_Login)                                                             \
	X(C_Logout)                                                            \
	X(C_CloseSession)

enum ses12_fn {
#define SES12_ENUM_(name) SES12_##name,
	SES12_FUNCS(SES12_ENUM_)
#undef SES12_ENUM_
	    SES12_COUNT
};

static const char *const ses12_names[] = {
#define SES12_NAME_(name) #name,
    SES12_FUNCS(SES12_NAME_)
#undef SES12_NAME_
};

/* Arguments that would be valid in a live session, so that the session
 * handle is the only thing wrong; or NULL where a pointer is expected
 * (null_args, SES-12b). */
struct ses12_args {
	bool null_args;
	/* an existing session object of the live session */
	CK_OBJECT_HANDLE obj;
	/* the real user PIN, or NULL */
	const sa_buf *pin;
	CK_BYTE in[64];
	CK_BYTE out[1024];
	CK_ULONG out_len;
};

/* C_Login through sa_p11_login: the PIN never leaves the harness. */
static CK_RV ses12_call(sa_case_ctx *ctx, enum ses12_fn fn, CK_SESSION_HANDLE h,
                        struct ses12_args *a)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	bool n = a->null_args;
	CK_MECHANISM digest = {CKM_SHA256, NULL, 0};
	CK_MECHANISM rsa = {CKM_RSA_PKCS, NULL, 0};
	CK_MECHANISM aes_gen = {CKM_AES_KEY_GEN, NULL, 0};
	CK_MECHANISM ec_gen = {CKM_EC_KEY_PAIR_GEN, NULL, 0};
	CK_MECHANISM_PTR md = n ? NULL : &digest;
	CK_MECHANISM_PTR mr = n ? NULL : &rsa;
	CK_OBJECT_CLASS cls = CKO_DATA;
	CK_BBOOL no = CK_FALSE;
	CK_ULONG len16 = 16;
	CK_ATTRIBUTE data_tmpl[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_TOKEN, &no, sizeof(no)},
	};
	CK_ATTRIBUTE key_tmpl[] = {
	    {CKA_TOKEN, &no, sizeof(no)},
	    {CKA_VALUE_LEN, &len16, sizeof(len16)},
	};
	CK_ATTRIBUTE pub_tmpl[] = {
	    {CKA_TOKEN, &no, sizeof(no)},
	    {CKA_EC_PARAMS, (void *)p256_oid, sizeof(p256_oid)},
	};
	CK_ATTRIBUTE get = {CKA_CLASS, &cls, sizeof(cls)};
	CK_ATTRIBUTE_PTR dt = n ? NULL : data_tmpl;
	CK_ATTRIBUTE_PTR kt = n ? NULL : key_tmpl;
	CK_ULONG ndt = SA_COUNTOF(data_tmpl), nkt = SA_COUNTOF(key_tmpl);
	CK_BYTE_PTR in = n ? NULL : a->in;
	CK_BYTE_PTR out = n ? NULL : a->out;
	CK_ULONG_PTR olen = n ? NULL : &a->out_len;
	CK_OBJECT_HANDLE o1 = CK_INVALID_HANDLE, o2 = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE_PTR po1 = n ? NULL : &o1, po2 = n ? NULL : &o2;
	CK_ULONG ilen = sizeof(a->in);
	CK_UTF8CHAR_PTR pin = NULL;
	CK_ULONG pin_len = 0;
	CK_SESSION_INFO info;
	CK_RV rv = CKR_GENERAL_ERROR;

	if (a->pin != NULL) {
		pin = a->pin->data;
		pin_len = (CK_ULONG)a->pin->len;
	}
	a->out_len = sizeof(a->out);
	switch (fn) {
	case SES12_C_GetSessionInfo:
		rv = f->C_GetSessionInfo(h, n ? NULL : &info);
		break;
	case SES12_C_GetOperationState:
		rv = f->C_GetOperationState(h, out, olen);
		break;
	case SES12_C_SetOperationState:
		rv = f->C_SetOperationState(h, in, ilen, 0, 0);
		break;
	case SES12_C_CreateObject:
		rv = f->C_CreateObject(h, dt, ndt, po1);
		break;
	case SES12_C_CopyObject:
		rv = f->C_CopyObject(h, a->obj, dt, ndt, po1);
		break;
	case SES12_C_DestroyObject:
		rv = f->C_DestroyObject(h, a->obj);
		break;
	case SES12_C_GetObjectSize:
		rv = f->C_GetObjectSize(h, a->obj, olen);
		break;
	case SES12_C_GetAttributeValue:
		rv = f->C_GetAttributeValue(h, a->obj, n ? NULL : &get, 1);
		break;
	case SES12_C_SetAttributeValue:
		rv = f->C_SetAttributeValue(h, a->obj, n ? NULL : &get, 1);
		break;
	case SES12_C_FindObjectsInit:
		rv = f->C_FindObjectsInit(h, dt, ndt);
		break;
	case SES12_C_FindObjects:
		rv = f->C_FindObjects(h, po1, 1, olen);
		break;
	case SES12_C_FindObjectsFinal:
		rv = f->C_FindObjectsFinal(h);
		break;
	case SES12_C_EncryptInit:
		rv = f->C_EncryptInit(h, mr, a->obj);
		break;
	case SES12_C_Encrypt:
		rv = f->C_Encrypt(h, in, ilen, out, olen);
		break;
	case SES12_C_EncryptUpdate:
		rv = f->C_EncryptUpdate(h, in, ilen, out, olen);
		break;
	case SES12_C_EncryptFinal:
		rv = f->C_EncryptFinal(h, out, olen);
		break;
	case SES12_C_DecryptInit:
		rv = f->C_DecryptInit(h, mr, a->obj);
		break;
	case SES12_C_Decrypt:
		rv = f->C_Decrypt(h, in, ilen, out, olen);
		break;
	case SES12_C_DecryptUpdate:
		rv = f->C_DecryptUpdate(h, in, ilen, out, olen);
		break;
	case SES12_C_DecryptFinal:
		rv = f->C_DecryptFinal(h, out, olen);
		break;
	case SES12_C_DigestInit:
		rv = f->C_DigestInit(h, md);
		break;
	case SES12_C_Digest:
		rv = f->C_Digest(h, in, ilen, out, olen);
		break;
	case SES12_C_DigestUpdate:
		rv = f->C_DigestUpdate(h, in, ilen);
		break;
	case SES12_C_DigestKey:
		rv = f->C_DigestKey(h, a->obj);
		break;
	case SES12_C_DigestFinal:
		rv = f->C_DigestFinal(h, out, olen);
		break;
	case SES12_C_SignInit:
		rv = f->C_SignInit(h, mr, a->obj);
		break;
	case SES12_C_Sign:
		rv = f->C_Sign(h, in, ilen, out, olen);
		break;
	case SES12_C_SignUpdate:
		rv = f->C_SignUpdate(h, in, ilen);
		break;
	case SES12_C_SignFinal:
		rv = f->C_SignFinal(h, out, olen);
		break;
	case SES12_C_SignRecoverInit:
		rv = f->C_SignRecoverInit(h, mr, a->obj);
		break;
	case SES12_C_SignRecover:
		rv = f->C_SignRecover(h, in, ilen, out, olen);
		break;
	case SES12_C_VerifyInit:
		rv = f->C_VerifyInit(h, mr, a->obj);
		break;
	case SES12_C_Verify:
		rv = f->C_Verify(h, in, ilen, in, ilen);
		break;
	case SES12_C_VerifyUpdate:
		rv = f->C_VerifyUpdate(h, in, ilen);
		break;
	case SES12_C_VerifyFinal:
		rv = f->C_VerifyFinal(h, in, ilen);
		break;
	case SES12_C_VerifyRecoverInit:
		rv = f->C_VerifyRecoverInit(h, mr, a->obj);
		break;
	case SES12_C_VerifyRecover:
		rv = f->C_VerifyRecover(h, in, ilen, out, olen);
		break;
	case SES12_C_DigestEncryptUpdate:
		rv = f->C_DigestEncryptUpdate(h, in, ilen, out, olen);
		break;
	case SES12_C_DecryptDigestUpdate:
		rv = f->C_DecryptDigestUpdate(h, in, ilen, out, olen);
		break;
	case SES12_C_SignEncryptUpdate:
		rv = f->C_SignEncryptUpdate(h, in, ilen, out, olen);
		break;
	case SES12_C_DecryptVerifyUpdate:
		rv = f->C_DecryptVerifyUpdate(h, in, ilen, out, olen);
		break;
	case SES12_C_GenerateKey:
		rv = f->C_GenerateKey(h, n ? NULL : &aes_gen, kt, nkt, po1);
		break;
	case SES12_C_GenerateKeyPair:
		rv = f->C_GenerateKeyPair(
		    h, n ? NULL : &ec_gen, n ? NULL : pub_tmpl,
		    SA_COUNTOF(pub_tmpl), kt, 1, po1, po2);
		break;
	case SES12_C_WrapKey:
		rv = f->C_WrapKey(h, mr, a->obj, a->obj, out, olen);
		break;
	case SES12_C_UnwrapKey:
		rv = f->C_UnwrapKey(h, mr, a->obj, in, ilen, kt, nkt, po1);
		break;
	case SES12_C_DeriveKey:
		rv = f->C_DeriveKey(h, md, a->obj, kt, nkt, po1);
		break;
	case SES12_C_SeedRandom:
		rv = f->C_SeedRandom(h, in, ilen);
		break;
	case SES12_C_GenerateRandom:
		rv = f->C_GenerateRandom(h, out, 16);
		break;
	case SES12_C_GetFunctionStatus:
		rv = f->C_GetFunctionStatus(h);
		break;
	case SES12_C_CancelFunction:
		rv = f->C_CancelFunction(h);
		break;
	case SES12_C_InitPIN:
		/* The real PIN as the new one: a module that ignored the
		 * handle would set the PIN to what it already is. */
		rv = f->C_InitPIN(h, n ? NULL : pin, pin_len);
		break;
	case SES12_C_SetPIN:
		rv = f->C_SetPIN(h, n ? NULL : pin, pin_len, n ? NULL : pin,
		                 pin_len);
		break;
	case SES12_C_Login:
		if (n)
			rv = f->C_Login(h, CKU_USER, NULL, 4);
		else
			rv = sa_p11_login(ctx, h, CKU_USER);
		break;
	case SES12_C_Logout:
		rv = f->C_Logout(h);
		break;
	case SES12_C_CloseSession:
		rv = f->C_CloseSession(h);
		break;
	case SES12_COUNT:
		break;
	}
	return rv;
}

/* The legacy parallel-function calls may answer CKR_FUNCTION_NOT_PARALLEL
 * without looking at the session at all (B2.40 §5.16): lenient there. */
static bool ses12_is_legacy(enum ses12_fn fn)
{
	return fn == SES12_C_GetFunctionStatus || fn == SES12_C_CancelFunction;
}

static bool ses12_needs_pin(enum ses12_fn fn)
{
	return fn == SES12_C_InitPIN || fn == SES12_C_SetPIN ||
	       fn == SES12_C_Login;
}

/* Whether fn, which answered CKR_FUNCTION_NOT_SUPPORTED to an invalid
 * handle, is simply not implemented: it answers the same with the live
 * session and valid arguments (B2.40 §5.1.6: a function the library does
 * not offer). Then its handle check has nothing to judge. Functions whose
 * live call would change the token or the session are never probed. */
static bool ses12_not_implemented(sa_case_ctx *ctx, enum ses12_fn fn,
                                  CK_SESSION_HANDLE live,
                                  const struct ses12_args *a)
{
	struct ses12_args copy = *a;
	bool not_impl = false;

	/* B2.40 §5.16: the legacy functions exist in every library and
	 * answer CKR_FUNCTION_NOT_PARALLEL, so never "not implemented". */
	if (live == CK_INVALID_HANDLE || ses12_is_legacy(fn) ||
	    fn == SES12_C_DestroyObject || fn == SES12_C_InitPIN ||
	    fn == SES12_C_SetPIN || fn == SES12_C_Login ||
	    fn == SES12_C_Logout || fn == SES12_C_CloseSession)
		goto out;
	copy.null_args = false;
	copy.out_len = sizeof(copy.out);
	not_impl =
	    ses12_call(ctx, fn, live, &copy) == CKR_FUNCTION_NOT_SUPPORTED;
out:
	return not_impl;
}

/* One note naming the functions ses12_not_implemented found. */
static void ses12_note_not_implemented(sa_case_ctx *ctx, const sa_buf *names)
{
	if (names->len > 0)
		sa_case_note(ctx,
		             "not implemented (CKR_FUNCTION_NOT_SUPPORTED with "
		             "a live session too), their invalid-handle check "
		             "is not judged: %s",
		             sa_buf_cstr(names));
}

/* The live RW session and the closed handle SES-12a and 12b use. */
struct ses12_env {
	CK_SESSION_HANDLE live;
	CK_SESSION_HANDLE closed;
	CK_OBJECT_HANDLE obj;
	sa_buf pin;
	bool have_pin;
};

static int ses12_setup(sa_case_ctx *ctx, struct ses12_env *env)
{
	CK_SESSION_HANDLE tmp = CK_INVALID_HANDLE;
	int rc;
	CK_RV rv;

	/* A live session keeps the module's session table non-empty: a
	 * module that only asks "is any session open?" must still fail. */
	rc = sa_p11_ses_open(ctx, true, &env->live);
	if (rc < 0)
		goto out;
	rc = sa_p11_ses_open(ctx, false, &tmp);
	if (rc < 0)
		goto out;
	env->closed = tmp;
	rv = sa_case_p11(ctx)->C_CloseSession(tmp);
	if (rv != CKR_OK) {
		rc = SA_E_CKR;
		sa_case_error(ctx, "set-up: C_CloseSession returned %s",
		              sa_p11_rv_name(rv));
		goto out;
	}
	rv = sa_p11_ses_data_object(ctx, env->live, false, "sigaudit-ses12",
	                            &env->obj);
	if (rv != CKR_OK) {
		env->obj = CK_INVALID_HANDLE;
		sa_case_note(ctx,
		             "C_CreateObject(session CKO_DATA) returned "
		             "%s: object arguments use handle 1",
		             sa_p11_rv_name(rv));
	}
	env->have_pin = sa_profile_has_pin(sa_case_profile(ctx), SA_PIN_USER);
	if (env->have_pin) {
		rc = sa_p11_ses_read_pin(ctx, CKU_USER, &env->pin);
		if (rc < 0)
			goto out;
	} else {
		sa_case_note(ctx, "no user PIN configured: C_Login, C_InitPIN "
		                  "and C_SetPIN are not called");
	}
	rc = SA_OK;
out:
	return rc;
}

static void ses12_teardown(sa_case_ctx *ctx, struct ses12_env *env)
{
	if (env->obj != CK_INVALID_HANDLE && env->live != CK_INVALID_HANDLE)
		(void)sa_case_p11(ctx)->C_DestroyObject(env->live, env->obj);
	sa_p11_ses_close(ctx, &env->live);
	sa_buf_free(&env->pin);
}

/* The live session must have survived the calls on the invalid handles. */
static void ses12_check_live(sa_case_ctx *ctx, struct ses12_env *env)
{
	sa_p11_ses_check_state(ctx, env->live, CKS_RW_PUBLIC_SESSION,
	                       "the live session after the invalid-handle "
	                       "calls");
	if (env->obj != CK_INVALID_HANDLE)
		sa_p11_check_rv(
		    ctx, "its session object after the calls",
		    sa_p11_ses_probe_object(ctx, env->live, env->obj), CKR_OK,
		    SA_STRICT_ONLY);
}

void sa_p11_ses12a_bad_handles(sa_case_ctx *ctx)
{
	struct ses12_env env = {CK_INVALID_HANDLE, CK_INVALID_HANDLE,
	                        CK_INVALID_HANDLE, SA_BUF_INIT_SECURE, false};
	struct ses12_args args;
	struct {
		const char *name;
		CK_SESSION_HANDLE h;
	} kinds[4];
	size_t n_kinds = 0, k;
	CK_SESSION_HANDLE bogus = 0x5ad0c0deUL;
	sa_buf unimpl = SA_BUF_INIT;
	int fn;

	if (ses12_setup(ctx, &env) < 0)
		goto out;
	while (bogus == env.live || bogus == env.closed || bogus == env.obj)
		bogus++;
	kinds[n_kinds].name = "closed";
	kinds[n_kinds++].h = env.closed;
	kinds[n_kinds].name = "0";
	kinds[n_kinds++].h = CK_INVALID_HANDLE;
	kinds[n_kinds].name = "never issued";
	kinds[n_kinds++].h = bogus;
	/* Modules that number sessions and objects from one counter must
	 * still tell them apart (B2.40 §5.1.2). */
	if (env.obj != CK_INVALID_HANDLE && env.obj != env.live) {
		kinds[n_kinds].name = "object handle";
		kinds[n_kinds++].h = env.obj;
	}

	memset(&args, 0, sizeof(args));
	args.obj = env.obj != CK_INVALID_HANDLE ? env.obj : 1;
	args.pin = env.have_pin ? &env.pin : NULL;
	memset(args.in, 0x5a, sizeof(args.in));
	for (fn = 0; fn < SES12_COUNT; fn++) {
		char observed[512];
		size_t used = 0;
		bool ok = true, lenient = false, not_supported = false;

		if (ses12_needs_pin((enum ses12_fn)fn) && !env.have_pin)
			continue;
		observed[0] = '\0';
		for (k = 0; k < n_kinds; k++) {
			CK_RV rv = ses12_call(ctx, (enum ses12_fn)fn,
			                      kinds[k].h, &args);
			int w;

			if (rv == CKR_SESSION_HANDLE_INVALID) {
				/* strict */
			} else if (ses12_is_legacy((enum ses12_fn)fn) &&
			           rv == CKR_FUNCTION_NOT_PARALLEL) {
				lenient = true;
			} else {
				ok = false;
				if (rv == CKR_FUNCTION_NOT_SUPPORTED)
					not_supported = true;
			}
			w = snprintf(observed + used, sizeof(observed) - used,
			             "%s%s: %s", k ? ", " : "", kinds[k].name,
			             sa_p11_rv_name(rv));
			if (w > 0 && (size_t)w < sizeof(observed) - used)
				used += (size_t)w;
		}
		if (!ok && not_supported &&
		    ses12_not_implemented(ctx, (enum ses12_fn)fn, env.live,
		                          &args)) {
			sa_buf_appendf(&unimpl, "%s%s",
			               unimpl.len > 0 ? ", " : "",
			               ses12_names[fn]);
			continue;
		}
		sa_case_check(ctx, ok, ses12_names[fn],
		              ses12_is_legacy((enum ses12_fn)fn)
		                  ? "CKR_SESSION_HANDLE_INVALID for every "
		                    "invalid handle (lenient: "
		                    "CKR_FUNCTION_NOT_PARALLEL)"
		                  : "CKR_SESSION_HANDLE_INVALID for every "
		                    "invalid handle",
		              observed);
		if (ok && lenient)
			sa_case_mark_lenient(ctx);
	}
	ses12_note_not_implemented(ctx, &unimpl);
	ses12_check_live(ctx, &env);
out:
	sa_buf_free(&unimpl);
	ses12_teardown(ctx, &env);
}

/* SES-12b runs each NULL-argument call in an application of its own (a
 * forked process that calls C_Initialize itself, B2.40 §5.5.1 "Applications
 * and processes"): a module that dereferences the NULL pointer kills only
 * that process, the check records the crash as a FAIL of that one call, and
 * every other call is still measured. The case process itself only loads
 * the module and never initialises it: no child inherits an initialised
 * library (whose use without C_Initialize is undefined), nor the threads of
 * one (tpm2-pkcs11's D-Bus TCTI hangs in a child forked after a
 * C_Initialize/C_Finalize of its parent). */

/* What the forked application reports; written after the set-up
 * (stage 1), right after the call (stage 2) and after the live session was
 * checked (stage 3), so that the parent knows whether a crash hit the
 * set-up, the call or what came after it. */
struct ses12b_report {
	int stage;
	CK_RV setup_rv;
	CK_RV rv;
	CK_RV live_rv;
	CK_STATE live_state;
	int not_impl;
};

/* Each call's process gets this share of the case's time limit, at least
 * SES12B_MIN_WAIT_MS: 18 processes must fit in one case. */
#define SES12B_MIN_WAIT_MS 1000L

static void ses12b_send(int wfd, const struct ses12b_report *r)
{
	const unsigned char *p = (const unsigned char *)r;
	size_t off = 0;
	ssize_t w;

	while (off < sizeof(*r)) {
		w = write(wfd, p + off, sizeof(*r) - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
}

/* The forked application: its own C_Initialize, a live RW session with a
 * session object, a closed handle, then the one call. Writes no events
 * (the case process owns the results); never returns. */
static void ses12b_child(sa_case_ctx *ctx, enum ses12_fn fn, int wfd,
                         long wait_ms) __attribute__((noreturn));
static void ses12b_child(sa_case_ctx *ctx, enum ses12_fn fn, int wfd,
                         long wait_ms)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_C_INITIALIZE_ARGS ia;
	CK_SESSION_HANDLE live = CK_INVALID_HANDLE, closed = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE obj = CK_INVALID_HANDLE;
	CK_SESSION_INFO si;
	struct ses12b_report r;
	struct ses12_args args;

	/* A crash must show as the signal, not as a sanitizer report. */
	(void)signal(SIGSEGV, SIG_DFL);
	(void)signal(SIGBUS, SIG_DFL);
	alarm((unsigned)(wait_ms / 1000L) + 2u);
	memset(&r, 0, sizeof(r));
	memset(&args, 0, sizeof(args));
	sa_case_init_args(ctx, &ia);
	r.setup_rv = f->C_Initialize(&ia);
	if (r.setup_rv != CKR_OK)
		goto report;
	r.setup_rv = sa_p11_open(ctx, CKF_RW_SESSION, &live);
	if (r.setup_rv != CKR_OK)
		goto report;
	r.setup_rv = sa_p11_open(ctx, 0, &closed);
	if (r.setup_rv != CKR_OK)
		goto report;
	r.setup_rv = f->C_CloseSession(closed);
	if (r.setup_rv != CKR_OK)
		goto report;
	if (sa_p11_ses_data_object(ctx, live, false, "sigaudit-ses12", &obj) !=
	    CKR_OK)
		obj = CK_INVALID_HANDLE;
	r.stage = 1;
	ses12b_send(wfd, &r);

	args.null_args = true;
	args.obj = obj != CK_INVALID_HANDLE ? obj : 1;
	memset(args.in, 0x5a, sizeof(args.in));
	r.rv = ses12_call(ctx, fn, closed, &args);
	if (r.rv == CKR_FUNCTION_NOT_SUPPORTED)
		r.not_impl = ses12_not_implemented(ctx, fn, live, &args);
	r.stage = 2;
	ses12b_send(wfd, &r);
	memset(&si, 0, sizeof(si));
	r.live_rv = f->C_GetSessionInfo(live, &si);
	r.live_state = si.state;
	if (r.live_rv == CKR_OK && obj != CK_INVALID_HANDLE)
		r.live_rv = sa_p11_ses_probe_object(ctx, live, obj);
	r.stage = 3;
	ses12b_send(wfd, &r);
	if (obj != CK_INVALID_HANDLE)
		(void)f->C_DestroyObject(live, obj);
	(void)f->C_CloseSession(live);
	(void)f->C_Finalize(NULL);
	goto done;
report:
	ses12b_send(wfd, &r);
done:
	close(wfd);
	_exit(0);
}

/* Runs fn in its own application and records its check. Appends fn's name
 * to *unimpl when it is simply not implemented, and to *harmed when the live
 * session did not survive the call. */
static void ses12b_one(sa_case_ctx *ctx, enum ses12_fn fn, long wait_ms,
                       sa_buf *unimpl, sa_buf *harmed)
{
	static const char expect[] = "CKR_SESSION_HANDLE_INVALID (also "
	                             "permitted: CKR_ARGUMENTS_BAD)";
	struct ses12b_report r, tmp;
	char what[96];
	int fds[2] = {-1, -1};
	int status = 0;
	bool exited;
	pid_t pid;

	snprintf(what, sizeof(what), "%s(closed session, NULL pointers)",
	         ses12_names[fn]);
	memset(&r, 0, sizeof(r));
	if (pipe(fds) != 0) {
		sa_case_error(ctx, "pipe: %s", strerror(errno));
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		sa_case_error(ctx, "fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		close(fds[0]);
		ses12b_child(ctx, fn, fds[1], wait_ms);
	}
	close(fds[1]);
	fds[1] = -1;
	exited = sa_p11is_wait_bounded(pid, &status, wait_ms);
	/* The last whole report is the furthest stage reached. */
	while (sa_p11is_read_all(fds[0], &tmp, sizeof(tmp)) == sizeof(tmp))
		r = tmp;
	if (r.stage == 0) {
		if (exited && WIFEXITED(status) && r.setup_rv != CKR_OK)
			sa_case_error(ctx,
			              "set-up for %s in a new application: "
			              "C_Initialize, C_OpenSession or "
			              "C_CloseSession returned %s",
			              ses12_names[fn],
			              sa_p11_rv_name(r.setup_rv));
		else if (!exited)
			sa_case_error(ctx,
			              "set-up for %s in a new application did "
			              "not finish within %ld ms",
			              ses12_names[fn], wait_ms);
		else
			sa_case_error(
			    ctx,
			    "set-up for %s in a new application: the "
			    "process ended (%s %d)",
			    ses12_names[fn],
			    WIFSIGNALED(status) ? "signal" : "exit status",
			    WIFSIGNALED(status) ? WTERMSIG(status)
			                        : WEXITSTATUS(status));
		goto out;
	}
	if (r.stage == 1) {
		if (!exited)
			sa_case_checkf(ctx, false, what, expect,
			               "no answer within %ld ms", wait_ms);
		else if (WIFSIGNALED(status))
			sa_case_checkf(
			    ctx, false, what, expect,
			    "the call crashed the process (signal %d)",
			    WTERMSIG(status));
		else
			sa_case_checkf(ctx, false, what, expect,
			               "the process ended during the call "
			               "(exit status %d)",
			               WIFEXITED(status) ? WEXITSTATUS(status)
			                                 : -1);
		goto out;
	}
	if (r.rv == CKR_FUNCTION_NOT_SUPPORTED && r.not_impl) {
		sa_buf_appendf(unimpl, "%s%s", unimpl->len > 0 ? ", " : "",
		               ses12_names[fn]);
		goto out;
	}
	sa_p11_check_rv(ctx, what, r.rv, CKR_SESSION_HANDLE_INVALID,
	                SA_LENIENT(CKR_ARGUMENTS_BAD));
	if (r.stage == 2)
		sa_buf_appendf(harmed,
		               "%safter %s: the process ended before the live "
		               "session was checked",
		               harmed->len > 0 ? "; " : "", ses12_names[fn]);
	else if (r.live_rv != CKR_OK || r.live_state != CKS_RW_PUBLIC_SESSION)
		sa_buf_appendf(harmed, "%safter %s: %s, %s",
		               harmed->len > 0 ? "; " : "", ses12_names[fn],
		               sa_p11_rv_name(r.live_rv),
		               sa_p11_state_name(r.live_state));
out:
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
}

void sa_p11_ses12b_handle_precedence(sa_case_ctx *ctx)
{
	static const enum ses12_fn fns[] = {
	    SES12_C_GetSessionInfo,  SES12_C_GetOperationState,
	    SES12_C_CreateObject,    SES12_C_GetAttributeValue,
	    SES12_C_FindObjectsInit, SES12_C_FindObjects,
	    SES12_C_EncryptInit,     SES12_C_Encrypt,
	    SES12_C_DigestInit,      SES12_C_Digest,
	    SES12_C_SignInit,        SES12_C_Sign,
	    SES12_C_GenerateKey,     SES12_C_GenerateKeyPair,
	    SES12_C_WrapKey,         SES12_C_GenerateRandom,
	    SES12_C_SeedRandom,      SES12_C_Login,
	};
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	const struct sa_profile *prof = sa_case_profile(ctx);
	unsigned timeout = prof != NULL ? sa_profile_timeout(prof) : 0;
	sa_buf unimpl = SA_BUF_INIT, harmed = SA_BUF_INIT;
	long wait_ms = SES12B_MIN_WAIT_MS;
	size_t i;

	if (f == NULL) {
		sa_case_error(ctx, "no PKCS#11 function list for this case");
		goto out;
	}
	/* Three quarters of the case's limit, shared by the calls. */
	if (timeout > 0 &&
	    (long)timeout * 750L / (long)SA_COUNTOF(fns) > wait_ms)
		wait_ms = (long)timeout * 750L / (long)SA_COUNTOF(fns);
	/* The case needs only the module loaded (SA_NEED_P11_MODULE): the
	 * slot is the probe's. */
	if (prof == NULL || sa_profile_token_uri(prof) == NULL) {
		sa_case_skip(ctx, "the profile selects no token ([pkcs11] "
		                  "token)");
		goto out;
	}
	/* B2.40 §5.1.7: errors of §5.1.2 (the session handle) take
	 * precedence over those of §5.1.6 (CKR_ARGUMENTS_BAD); the rule is
	 * stated "in general", hence lenient. A closed handle with NULL
	 * pointers must not be dereferenced or reported as a bad argument. */
	for (i = 0; i < SA_COUNTOF(fns); i++)
		ses12b_one(ctx, fns[i], wait_ms, &unimpl, &harmed);
	ses12_note_not_implemented(ctx, &unimpl);
	sa_case_check(ctx, harmed.len == 0,
	              "the live session and its object after each call",
	              "CKR_OK, CKS_RW_PUBLIC_SESSION",
	              harmed.len > 0 ? sa_buf_cstr(&harmed) : "unharmed");
out:
	sa_buf_free(&unimpl);
	sa_buf_free(&harmed);
}

/* ---- SES-16 ---- */

/* The signing mechanism for a private key, or SA_MECH_END. */
static CK_MECHANISM_TYPE sign_mech(sa_case_ctx *ctx, CK_KEY_TYPE kt)
{
	CK_MECHANISM_TYPE m = SA_MECH_END;

	if (kt == CKK_RSA)
		m = CKM_RSA_PKCS;
	else if (kt == CKK_EC)
		m = CKM_ECDSA;
	else if (kt == CKK_EC_EDWARDS)
		m = CKM_EDDSA;
	if (m != SA_MECH_END && !sa_case_has_mech(ctx, m))
		m = SA_MECH_END;
	return m;
}

/* Preference among the token's keys: v2.40 mechanisms first (EdDSA is a
 * v3.0 addition that a v2.40 module may list only partly). */
static int key_rank(CK_KEY_TYPE kt)
{
	if (kt == CKK_EC)
		return 0;
	if (kt == CKK_RSA)
		return 1;
	return 2;
}

/* A private signing key on the token (found while logged in). */
static bool find_token_key(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                           CK_OBJECT_HANDLE *key, CK_MECHANISM_TYPE *mech)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
	CK_BBOOL yes = CK_TRUE;
	CK_ATTRIBUTE tmpl[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_TOKEN, &yes, sizeof(yes)},
	    {CKA_PRIVATE, &yes, sizeof(yes)},
	    {CKA_SIGN, &yes, sizeof(yes)},
	};
	CK_OBJECT_HANDLE found[16];
	CK_ULONG got = 0, i;
	int best = 3;

	if (f->C_FindObjectsInit(s, tmpl, SA_COUNTOF(tmpl)) != CKR_OK)
		goto out;
	if (f->C_FindObjects(s, found, SA_COUNTOF(found), &got) != CKR_OK)
		got = 0;
	(void)f->C_FindObjectsFinal(s);
	for (i = 0; i < got && i < SA_COUNTOF(found); i++) {
		CK_KEY_TYPE kt = 0;
		CK_ATTRIBUTE a = {CKA_KEY_TYPE, &kt, sizeof(kt)};
		CK_MECHANISM_TYPE m;

		if (f->C_GetAttributeValue(s, found[i], &a, 1) != CKR_OK)
			continue;
		m = sign_mech(ctx, kt);
		if (m != SA_MECH_END && key_rank(kt) < best) {
			best = key_rank(kt);
			*key = found[i];
			*mech = m;
		}
	}
out:
	return best < 3;
}

/* A session P-256 key pair; the private half is CKA_PRIVATE. */
static CK_RV make_session_key(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                              CK_OBJECT_HANDLE *pub, CK_OBJECT_HANDLE *priv)
{
	CK_MECHANISM gen = {CKM_EC_KEY_PAIR_GEN, NULL, 0};
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	CK_ATTRIBUTE pt[] = {
	    {CKA_TOKEN, &no, sizeof(no)},
	    {CKA_EC_PARAMS, (void *)p256_oid, sizeof(p256_oid)},
	    {CKA_VERIFY, &yes, sizeof(yes)},
	};
	CK_ATTRIBUTE kt[] = {
	    {CKA_TOKEN, &no, sizeof(no)},
	    {CKA_PRIVATE, &yes, sizeof(yes)},
	    {CKA_SENSITIVE, &yes, sizeof(yes)},
	    {CKA_SIGN, &yes, sizeof(yes)},
	};

	*pub = *priv = CK_INVALID_HANDLE;
	return sa_case_p11(ctx)->C_GenerateKeyPair(
	    s, &gen, pt, SA_COUNTOF(pt), kt, SA_COUNTOF(kt), pub, priv);
}

/* C_SignInit with the old private-key handle in a public session.
 *
 * SES-16a asks only whether the key can be used (any refusal passes; should
 * C_SignInit be accepted, whether C_Sign then signs is the finding).
 * SES-16b asks for the return code: a token key still exists, so "not
 * logged in" is the precise answer, but C_Logout also invalidated its
 * handle (B2.40 §5.6.8), hence CKR_KEY_HANDLE_INVALID is lenient; a session
 * key was destroyed by C_Logout: the reverse. */
static void try_sign(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_MECHANISM_TYPE m,
                     CK_OBJECT_HANDLE key, bool token_key, bool check_code,
                     const char *what)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_MECHANISM mech = {m, NULL, 0};
	CK_BYTE data[32], sig[1024];
	CK_ULONG sig_len = sizeof(sig);
	CK_RV rv;

	memset(data, 0x42, sizeof(data));
	rv = f->C_SignInit(s, &mech, key);
	if (check_code) {
		if (token_key)
			sa_p11_check_rv(ctx, what, rv, CKR_USER_NOT_LOGGED_IN,
			                SA_LENIENT(CKR_KEY_HANDLE_INVALID));
		else
			sa_p11_check_rv(ctx, what, rv, CKR_KEY_HANDLE_INVALID,
			                SA_LENIENT(CKR_USER_NOT_LOGGED_IN));
		goto out;
	}
	sa_case_check(ctx, rv != CKR_OK, what, "refused (any error)",
	              sa_p11_rv_name(rv));
	if (rv != CKR_OK)
		goto out;
	rv = f->C_Sign(s, data, sizeof(data), sig, &sig_len);
	if (rv == CKR_OK)
		sa_case_fail(ctx,
		             "%s: a %lu-byte signature was produced "
		             "without login",
		             what, (unsigned long)sig_len);
	else
		sa_case_note(ctx, "%s: C_SignInit accepted, C_Sign returned %s",
		             what, sa_p11_rv_name(rv));
out:
	return;
}

static void ses16_run(sa_case_ctx *ctx, bool check_code)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_SESSION_HANDLE rw = CK_INVALID_HANDLE, fresh = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE key = CK_INVALID_HANDLE, pub = CK_INVALID_HANDLE;
	CK_MECHANISM_TYPE mech = SA_MECH_END;
	bool logged_in = false, token_key = false;
	CK_RV rv;

	if (sa_p11_ses_open(ctx, true, &rw) < 0)
		goto out;
	if (sa_p11_ses_login(ctx, rw, CKU_USER) < 0)
		goto out;
	logged_in = true;
	/* Prefer a key of the token's own (the audit question is about the
	 * keys it holds); otherwise a session key made for the purpose. */
	token_key = find_token_key(ctx, rw, &key, &mech);
	if (!token_key) {
		if (!sa_case_has_mech(ctx, CKM_EC_KEY_PAIR_GEN) ||
		    !sa_case_has_mech(ctx, CKM_ECDSA)) {
			sa_case_skip(ctx, "no private signing key on the token "
			                  "and no CKM_EC_KEY_PAIR_GEN + "
			                  "CKM_ECDSA to make one");
			goto out;
		}
		rv = make_session_key(ctx, rw, &pub, &key);
		if (rv != CKR_OK) {
			sa_case_error(ctx,
			              "set-up: C_GenerateKeyPair(P-256, "
			              "session) returned %s",
			              sa_p11_rv_name(rv));
			goto out;
		}
		mech = CKM_ECDSA;
		sa_case_note(ctx, "no private signing key on the token: a "
		                  "session P-256 key pair is used");
	} else {
		sa_case_note(ctx, "token private key, mechanism %s",
		             sa_p11_mech_name(mech));
	}
	rv = f->C_Logout(rw);
	if (rv != CKR_OK) {
		sa_case_error(ctx, "set-up: C_Logout returned %s",
		              sa_p11_rv_name(rv));
		goto out;
	}
	logged_in = false;
	if (!sa_p11_ses_check_state(ctx, rw, CKS_RW_PUBLIC_SESSION,
	                            "session state after C_Logout"))
		goto out;
	try_sign(ctx, rw, mech, key, token_key, check_code,
	         "C_SignInit(private key) in the logged-out session");
	if (sa_p11_ses_open(ctx, false, &fresh) < 0)
		goto out;
	try_sign(ctx, fresh, mech, key, token_key, check_code,
	         "C_SignInit(private key) in a session opened after C_Logout");
out:
	if (pub != CK_INVALID_HANDLE && rw != CK_INVALID_HANDLE)
		(void)f->C_DestroyObject(rw, pub);
	if (logged_in && key != CK_INVALID_HANDLE && !token_key)
		(void)f->C_DestroyObject(rw, key);
	if (logged_in)
		sa_p11_ses_logout_quiet(ctx, rw);
	sa_p11_ses_close(ctx, &fresh);
	sa_p11_ses_close(ctx, &rw);
}

void sa_p11_ses16a_key_without_login(sa_case_ctx *ctx)
{
	ses16_run(ctx, false);
}

void sa_p11_ses16b_key_without_login_rv(sa_case_ctx *ctx)
{
	ses16_run(ctx, true);
}
