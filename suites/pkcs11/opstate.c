/* Catalogue row SIG-11 (operation state) of the pkcs11 suite: operations
 * used without C_*Init, a second C_*Init while one is active, C_SessionCancel
 * (PKCS#11 3.0) and C_GetOperationState / C_SetOperationState. Keys are
 * session objects, destroyed before the case ends.
 *
 * Section numbers: B2.40 = PKCS#11 Base Specification v2.40 Plus Errata 01,
 * B3.0 = PKCS#11 Base Specification v3.0. A reference marked "(unconfirmed)"
 * could not be checked against the OASIS text when it was written. */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "sigaudit/guard.h"
#include "sigaudit/profile.h"

#include "keygen_int.h"
#include "session_int.h"
#include "suite.h"

#define R_RVOPS                                                                \
	"PKCS#11 B2.40 §5.1.5 return values: CKR_OPERATION_NOT_INITIALIZED, " \
	"CKR_OPERATION_ACTIVE (unconfirmed)"
#define R_SIGN     "PKCS#11 B2.40 §5.11.1-5.11.5 signing functions (unconfirmed)"
#define R_VERIFY   "PKCS#11 B2.40 §5.12.2 C_Verify (unconfirmed)"
#define R_DIGEST   "PKCS#11 B2.40 §5.10.1-5.10.5 digest functions (unconfirmed)"
#define R_FIND     "PKCS#11 B2.40 §5.7.7 C_FindObjectsInit (unconfirmed)"
#define R_GETSTATE "PKCS#11 B2.40 §5.6.5 C_GetOperationState (unconfirmed)"
#define R_SETSTATE "PKCS#11 B2.40 §5.6.6 C_SetOperationState (unconfirmed)"
#define R_CANCEL   "PKCS#11 B3.0 §5.6.5 C_SessionCancel (unconfirmed)"
#define R_IFACE                                                                \
	"PKCS#11 B3.0 §5.4.6 C_GetInterface, CK_FUNCTION_LIST_3_0 "           \
	"(unconfirmed)"
#define R_FIPS180 "FIPS 180-4 SHA-256"

/* B3.0 §5.1 (unconfirmed): a 3.0 return value p11-kit's header lacks. */
#define SA_CKR_OPERATION_CANCEL_FAILED 0x00000202UL

/* Largest saved operation state accepted (untrusted length). */
#define OPS_STATE_MAX 65536UL

/* B2.40 §5.6.5: a token may be unable to save a state
 * (CKR_STATE_UNSAVEABLE); v2.40 tokens without the function say
 * CKR_FUNCTION_NOT_SUPPORTED. With an operation active, nothing else. */
static const CK_RV ops_saveable[] = {CKR_OK, CKR_STATE_UNSAVEABLE,
                                     CKR_FUNCTION_NOT_SUPPORTED, SA_CKR_END};

static const unsigned char ops_msg1[] = "sigaudit operation state, part one; ";
static const unsigned char ops_msg2[] = "part two.";

/* ---- OPS-01 ---- */

static void ops01_run(sa_case_ctx *ctx)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE, priv = CK_INVALID_HANDLE;
	CK_MECHANISM_TYPE sm = SA_MECH_END;
	CK_MECHANISM dm = {CKM_SHA256, NULL, 0}, m;
	CK_BYTE in[32], out[1024];
	CK_ULONG out_len;
	sa_buf sin = SA_BUF_INIT;
	int rc;
	CK_RV rv;

	memset(in, 0x42, sizeof(in));
	if (sa_p11_gen_session(ctx, &s) < 0)
		goto out;
	/* B2.40 §5.1.5: a function of an operation that was never started
	 * gives CKR_OPERATION_NOT_INITIALIZED. No key needed for that. */
	out_len = sizeof(out);
	rv = f->C_Sign(s, in, sizeof(in), out, &out_len);
	sa_p11_check_rv(ctx, "C_Sign without C_SignInit", rv,
	                CKR_OPERATION_NOT_INITIALIZED, SA_STRICT_ONLY);
	rv = f->C_SignUpdate(s, in, sizeof(in));
	sa_p11_check_rv(ctx, "C_SignUpdate without C_SignInit", rv,
	                CKR_OPERATION_NOT_INITIALIZED, SA_STRICT_ONLY);
	out_len = sizeof(out);
	rv = f->C_SignFinal(s, out, &out_len);
	sa_p11_check_rv(ctx, "C_SignFinal without C_SignInit", rv,
	                CKR_OPERATION_NOT_INITIALIZED, SA_STRICT_ONLY);
	rv = f->C_Verify(s, in, sizeof(in), in, sizeof(in));
	sa_p11_check_rv(ctx, "C_Verify without C_VerifyInit", rv,
	                CKR_OPERATION_NOT_INITIALIZED, SA_STRICT_ONLY);
	out_len = sizeof(out);
	rv = f->C_Digest(s, in, sizeof(in), out, &out_len);
	sa_p11_check_rv(ctx, "C_Digest without C_DigestInit", rv,
	                CKR_OPERATION_NOT_INITIALIZED, SA_STRICT_ONLY);

	/* A successful C_Sign / C_Digest / C_DigestFinal ends the operation
	 * (B2.40 §5.10.2, §5.10.4, §5.11.2): calling it again is calling it
	 * without C_*Init. */
	if (sa_case_has_mech(ctx, CKM_SHA256)) {
		rv = f->C_DigestInit(s, &dm);
		out_len = sizeof(out);
		if (rv == CKR_OK)
			rv = f->C_Digest(s, in, sizeof(in), out, &out_len);
		if (sa_p11_check_rv(ctx, "C_DigestInit + C_Digest(SHA-256)", rv,
		                    CKR_OK, SA_STRICT_ONLY)) {
			out_len = sizeof(out);
			rv = f->C_Digest(s, in, sizeof(in), out, &out_len);
			sa_p11_check_rv(
			    ctx, "C_Digest after a complete C_Digest", rv,
			    CKR_OPERATION_NOT_INITIALIZED, SA_STRICT_ONLY);
		}
		rv = f->C_DigestInit(s, &dm);
		if (rv == CKR_OK)
			rv = f->C_DigestUpdate(s, in, sizeof(in));
		out_len = sizeof(out);
		if (rv == CKR_OK)
			rv = f->C_DigestFinal(s, out, &out_len);
		if (sa_p11_check_rv(ctx,
		                    "C_DigestInit + C_DigestUpdate + "
		                    "C_DigestFinal(SHA-256)",
		                    rv, CKR_OK, SA_STRICT_ONLY)) {
			out_len = sizeof(out);
			rv = f->C_DigestFinal(s, out, &out_len);
			sa_p11_check_rv(ctx,
			                "C_DigestFinal after a complete "
			                "C_DigestFinal",
			                rv, CKR_OPERATION_NOT_INITIALIZED,
			                SA_STRICT_ONLY);
		}
	} else {
		sa_case_note(ctx, "the token does not list CKM_SHA256: "
		                  "digest parts not run");
	}
	rc = sa_p11_gen_sign_pair(ctx, s, &pub, &priv, &sm);
	if (rc == SA_E_UNSUPPORTED) {
		sa_case_note(ctx, "no signing key pair can be made: the "
		                  "C_Sign-ends-the-operation part is not run");
		goto out;
	}
	if (rc < 0)
		goto out;
	m = (CK_MECHANISM){sm, NULL, 0};
	if (sa_p11_gen_sign_input(sm, in, sizeof(in), &sin, sa_case_err(ctx)) <
	    0) {
		sa_case_error(ctx, "set-up: %s", sa_case_err(ctx)->msg);
		goto out;
	}
	rv = f->C_SignInit(s, &m, priv);
	out_len = sizeof(out);
	if (rv == CKR_OK)
		rv = f->C_Sign(s, sin.data, (CK_ULONG)sin.len, out, &out_len);
	if (sa_p11_check_rv(ctx, "C_SignInit + C_Sign", rv, CKR_OK,
	                    SA_STRICT_ONLY)) {
		out_len = sizeof(out);
		rv = f->C_Sign(s, sin.data, (CK_ULONG)sin.len, out, &out_len);
		sa_p11_check_rv(ctx, "C_Sign after a complete C_Sign", rv,
		                CKR_OPERATION_NOT_INITIALIZED, SA_STRICT_ONLY);
	}
out:
	sa_buf_free(&sin);
	sa_p11_gen_destroy(ctx, s, &priv);
	sa_p11_gen_destroy(ctx, s, &pub);
	sa_p11_gen_session_end(ctx, &s);
}

/* ---- OPS-02 ---- */

static void ops02_run(sa_case_ctx *ctx)
{
	static const unsigned char msg[] = "sigaudit operation active";
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE, priv = CK_INVALID_HANDLE;
	CK_MECHANISM_TYPE sm = SA_MECH_END;
	CK_MECHANISM dm = {CKM_SHA256, NULL, 0}, m;
	CK_BYTE out[1024];
	CK_ULONG out_len;
	unsigned char ref[32];
	sa_buf sin = SA_BUF_INIT;
	EVP_PKEY *pk = NULL;
	bool valid = false;
	int rc;
	CK_RV rv;

	if (sa_p11_gen_session(ctx, &s) < 0)
		goto out;
	/* B2.40 §5.7.7: "CKR_OPERATION_ACTIVE" for a search already
	 * active in the session. */
	rv = f->C_FindObjectsInit(s, NULL, 0);
	if (sa_p11_check_rv(ctx, "C_FindObjectsInit", rv, CKR_OK,
	                    SA_STRICT_ONLY)) {
		rv = f->C_FindObjectsInit(s, NULL, 0);
		sa_p11_check_rv(ctx,
		                "C_FindObjectsInit while a search is active",
		                rv, CKR_OPERATION_ACTIVE, SA_STRICT_ONLY);
		(void)f->C_FindObjectsFinal(s);
	}
	if (sa_case_has_mech(ctx, CKM_SHA256)) {
		rv = f->C_DigestInit(s, &dm);
		if (sa_p11_check_rv(ctx, "C_DigestInit(SHA-256)", rv, CKR_OK,
		                    SA_STRICT_ONLY)) {
			rv = f->C_DigestInit(s, &dm);
			sa_p11_check_rv(
			    ctx, "C_DigestInit while a digest is active", rv,
			    CKR_OPERATION_ACTIVE, SA_STRICT_ONLY);
			/* The refused C_DigestInit must not have touched the
			 * active operation. */
			out_len = sizeof(out);
			rv = f->C_Digest(s, (CK_BYTE_PTR)msg, sizeof(msg) - 1,
			                 out, &out_len);
			if (sa_p11_ossl_sha256(msg, sizeof(msg) - 1, ref,
			                       sa_case_err(ctx)) < 0) {
				sa_case_error(ctx, "reference digest: %s",
				              sa_case_err(ctx)->msg);
				goto out;
			}
			sa_case_checkf(ctx,
			               rv == CKR_OK && out_len == 32 &&
			                   memcmp(out, ref, 32) == 0,
			               "C_Digest of the first operation after "
			               "the refused C_DigestInit",
			               "CKR_OK, the SHA-256 of the message",
			               "%s, %lu bytes, %s", sa_p11_rv_name(rv),
			               (unsigned long)out_len,
			               rv == CKR_OK && out_len == 32 &&
			                       memcmp(out, ref, 32) == 0
			                   ? "equal to OpenSSL's"
			                   : "not the SHA-256");
		}
	} else {
		sa_case_note(ctx, "the token does not list CKM_SHA256: digest "
		                  "part not run");
	}
	rc = sa_p11_gen_sign_pair(ctx, s, &pub, &priv, &sm);
	if (rc == SA_E_UNSUPPORTED) {
		sa_case_note(ctx, "no signing key pair can be made: signing "
		                  "part not run");
		goto out;
	}
	if (rc < 0)
		goto out;
	m = (CK_MECHANISM){sm, NULL, 0};
	if (sa_p11_gen_sign_input(sm, msg, sizeof(msg) - 1, &sin,
	                          sa_case_err(ctx)) < 0) {
		sa_case_error(ctx, "set-up: %s", sa_case_err(ctx)->msg);
		goto out;
	}
	rv = f->C_SignInit(s, &m, priv);
	if (!sa_p11_check_rv(ctx, "C_SignInit", rv, CKR_OK, SA_STRICT_ONLY))
		goto out;
	rv = f->C_SignInit(s, &m, priv);
	sa_p11_check_rv(ctx, "C_SignInit while a signature is active", rv,
	                CKR_OPERATION_ACTIVE, SA_STRICT_ONLY);
	out_len = sizeof(out);
	rv = f->C_Sign(s, sin.data, (CK_ULONG)sin.len, out, &out_len);
	if (!sa_p11_check_rv(ctx,
	                     "C_Sign of the first operation after the "
	                     "refused C_SignInit",
	                     rv, CKR_OK, SA_STRICT_ONLY))
		goto out;
	if (sa_p11_ossl_pubkey_from_token(ctx, s, pub, &pk) < 0 ||
	    sa_p11_ossl_verify(pk, sm, sin.data, sin.len, out, out_len, &valid,
	                       sa_case_err(ctx)) < 0) {
		sa_case_error(ctx, "could not verify: %s",
		              sa_case_err(ctx)->msg);
		goto out;
	}
	sa_case_checkf(ctx, valid,
	               "its signature verifies with OpenSSL (the first "
	               "operation is intact)",
	               "valid", "%lu-byte %s signature %s",
	               (unsigned long)out_len, sa_p11_mech_name(sm),
	               valid ? "valid" : "INVALID");
out:
	EVP_PKEY_free(pk);
	sa_buf_free(&sin);
	sa_p11_gen_destroy(ctx, s, &priv);
	sa_p11_gen_destroy(ctx, s, &pub);
	sa_p11_gen_session_end(ctx, &s);
}

/* ---- OPS-03 ---- */

/* The start of CK_FUNCTION_LIST_3_0 (B3.0 §5.4.6 (unconfirmed)): the v2.40
 * table, then C_GetInterfaceList, C_GetInterface, C_LoginUser and
 * C_SessionCancel. p11-kit's header has only the v2.40 part; all entries
 * are pointers, so the offsets after it match. */
struct ops_fl30 {
	CK_FUNCTION_LIST v2;
	void (*get_interface_list)(void);
	void (*get_interface)(void);
	void (*login_user)(void);
	CK_RV (*session_cancel)(CK_SESSION_HANDLE, CK_FLAGS);
};

/* CK_INTERFACE and C_GetInterface (B3.0 §3.6, §5.4.6 (unconfirmed)). */
struct ops_interface {
	CK_UTF8CHAR *name;
	void *function_list;
	CK_FLAGS flags;
};
typedef CK_RV (*ops_get_interface_fn)(CK_UTF8CHAR *name, CK_VERSION *version,
                                      struct ops_interface **out,
                                      CK_FLAGS flags);

/* The module's PKCS#11 3.0 function table, or NULL with the reason in why.
 * The runner's table comes from C_GetFunctionList, which a 3.x module
 * answers with its 2.x-compatible table; the 3.0 one is asked of the same,
 * already loaded and initialised, library with C_GetInterface("PKCS 11",
 * 3.0): interfaces of one module share its state (B3.0 §5.4.6). *dl is the
 * extra reference to release with dlclose(). */
static const struct ops_fl30 *ops_fl30_get(sa_case_ctx *ctx, void **dl,
                                           char *why, size_t why_size)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	const char *path = sa_profile_module(sa_case_profile(ctx));
	const struct ops_fl30 *f30 = NULL;
	struct ops_interface *iface = NULL;
	CK_VERSION v30 = {3, 0};
	ops_get_interface_fn gi;
	CK_RV rv;

	*dl = NULL;
	if (f->version.major >= 3) {
		f30 = (const struct ops_fl30 *)(const void *)f;
		goto out;
	}
	/* RTLD_NOLOAD: only the copy the runner loaded, never a second. */
	*dl = path != NULL ? dlopen(path, RTLD_NOW | RTLD_NOLOAD) : NULL;
	gi = *dl != NULL ? (ops_get_interface_fn)dlsym(*dl, "C_GetInterface")
	                 : NULL;
	if (gi == NULL) {
		snprintf(why, why_size,
		         "the module's function list is PKCS#11 %u.%u and it "
		         "exports no C_GetInterface: C_SessionCancel is a 3.0 "
		         "function",
		         (unsigned)f->version.major,
		         (unsigned)f->version.minor);
		goto out;
	}
	rv = gi((CK_UTF8CHAR *)"PKCS 11", &v30, &iface, 0);
	if (rv != CKR_OK || iface == NULL || iface->function_list == NULL) {
		snprintf(why, why_size,
		         "C_GetInterface(\"PKCS 11\", 3.0) returned %s: no 3.0 "
		         "interface, so no C_SessionCancel",
		         sa_p11_rv_name(rv));
		goto out;
	}
	f30 = iface->function_list;
	sa_case_note(ctx, "PKCS#11 %u.%u interface from C_GetInterface",
	             (unsigned)f30->v2.version.major,
	             (unsigned)f30->v2.version.minor);
out:
	return f30;
}

/* C_SessionCancel on the active signature or digest, then its single-part
 * call: CKR_OPERATION_NOT_INITIALIZED once cancelled. B3.0 §5.6.5 also
 * lists CKR_OPERATION_CANCEL_FAILED, accepted leniently; the operation must
 * then still be active, so the call completes. The flags are the mechanism
 * flags of the operations to cancel. */
static void ops03_cancel(sa_case_ctx *ctx, const struct ops_fl30 *f30,
                         CK_SESSION_HANDLE s, bool sign,
                         const unsigned char *in, size_t in_len)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	const char *fn = sign ? "C_Sign" : "C_Digest";
	CK_BYTE out[1024];
	CK_ULONG out_len = sizeof(out);
	char what[96];
	CK_RV rv, rv2;

	rv = f30->session_cancel(s, sign ? CKF_SIGN : CKF_DIGEST);
	snprintf(what, sizeof(what), "C_SessionCancel(%s)",
	         sign ? "CKF_SIGN" : "CKF_DIGEST");
	sa_p11_check_rv(ctx, what, rv, CKR_OK,
	                SA_LENIENT(SA_CKR_OPERATION_CANCEL_FAILED));
	if (sign)
		rv2 = f->C_Sign(s, (CK_BYTE_PTR)in, (CK_ULONG)in_len, out,
		                &out_len);
	else
		rv2 = f->C_Digest(s, (CK_BYTE_PTR)in, (CK_ULONG)in_len, out,
		                  &out_len);
	if (rv == SA_CKR_OPERATION_CANCEL_FAILED) {
		snprintf(what, sizeof(what),
		         "%s after the failed cancel (operation still active)",
		         fn);
		sa_p11_check_rv(ctx, what, rv2, CKR_OK, SA_STRICT_ONLY);
	} else {
		snprintf(what, sizeof(what), "%s after C_SessionCancel", fn);
		sa_p11_check_rv(ctx, what, rv2, CKR_OPERATION_NOT_INITIALIZED,
		                SA_STRICT_ONLY);
	}
}

static void ops03_run(sa_case_ctx *ctx)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	const struct ops_fl30 *f30;
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE, priv = CK_INVALID_HANDLE;
	CK_MECHANISM_TYPE sm = SA_MECH_END;
	CK_MECHANISM dm = {CKM_SHA256, NULL, 0}, m;
	CK_BYTE in[32], out[1024];
	CK_ULONG out_len;
	sa_buf sin = SA_BUF_INIT;
	char why[256];
	void *dl = NULL;
	int rc;
	CK_RV rv;

	memset(in, 0x42, sizeof(in));
	f30 = ops_fl30_get(ctx, &dl, why, sizeof(why));
	if (f30 == NULL) {
		sa_case_skip(ctx, "%s", why);
		goto out;
	}
	if (f30->session_cancel == NULL) {
		sa_case_fail(ctx,
		             "PKCS#11 %u.%u function list with a NULL "
		             "C_SessionCancel",
		             (unsigned)f30->v2.version.major,
		             (unsigned)f30->v2.version.minor);
		goto out;
	}
	if (sa_p11_gen_session(ctx, &s) < 0)
		goto out;
	rc = sa_p11_gen_sign_pair(ctx, s, &pub, &priv, &sm);
	if (rc < 0 && rc != SA_E_UNSUPPORTED)
		goto out;
	if (rc == 0) {
		m = (CK_MECHANISM){sm, NULL, 0};
		if (sa_p11_gen_sign_input(sm, in, sizeof(in), &sin,
		                          sa_case_err(ctx)) < 0) {
			sa_case_error(ctx, "set-up: %s", sa_case_err(ctx)->msg);
			goto out;
		}
		rv = f->C_SignInit(s, &m, priv);
		if (sa_p11_check_rv(ctx, "C_SignInit", rv, CKR_OK,
		                    SA_STRICT_ONLY)) {
			ops03_cancel(ctx, f30, s, true, sin.data, sin.len);
		}
	} else {
		sa_case_note(ctx, "no signing key pair can be made: signing "
		                  "part not run");
	}
	if (sa_case_has_mech(ctx, CKM_SHA256)) {
		rv = f->C_DigestInit(s, &dm);
		if (sa_p11_check_rv(ctx, "C_DigestInit(SHA-256)", rv, CKR_OK,
		                    SA_STRICT_ONLY)) {
			ops03_cancel(ctx, f30, s, false, in, sizeof(in));
			/* Cancelled means a new operation can start. */
			rv = f->C_DigestInit(s, &dm);
			sa_p11_check_rv(ctx,
			                "C_DigestInit after C_SessionCancel",
			                rv, CKR_OK, SA_STRICT_ONLY);
			out_len = sizeof(out);
			(void)f->C_Digest(s, in, sizeof(in), out, &out_len);
		}
	}
out:
	if (dl != NULL)
		dlclose(dl);
	sa_buf_free(&sin);
	sa_p11_gen_destroy(ctx, s, &priv);
	sa_p11_gen_destroy(ctx, s, &pub);
	sa_p11_gen_session_end(ctx, &s);
}

/* ---- OPS-04 ---- */

/* C_GetOperationState of session s into out. Returns the CK_RV; the length
 * query and the call must agree. */
static CK_RV get_state(sa_case_ctx *ctx, CK_SESSION_HANDLE s, sa_buf *out,
                       const char *what)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_ULONG len = 0;
	CK_RV rv;

	sa_buf_reset(out);
	rv = f->C_GetOperationState(s, NULL, &len);
	if (rv != CKR_OK)
		goto out;
	if (!sa_case_checkf(ctx, len > 0 && len <= OPS_STATE_MAX, what,
	                    "a length of 1..65536", "%lu",
	                    (unsigned long)len)) {
		rv = CKR_GENERAL_ERROR;
		goto out;
	}
	if (sa_buf_reserve(out, (size_t)len) < 0) {
		rv = CKR_HOST_MEMORY;
		goto out;
	}
	rv = f->C_GetOperationState(s, out->data, &len);
	if (rv == CKR_OK && len <= out->cap)
		out->len = (size_t)len;
out:
	return rv;
}

/* Finish the multi-part operation active in session s with part two and
 * compare with ref: a save attempt (successful or not) must leave the
 * original operation as it was, and a refused save proves that there was an
 * operation to save. */
static void ops04_finish(sa_case_ctx *ctx, CK_SESSION_HANDLE s, bool digest,
                         const unsigned char *ref, CK_ULONG ref_len,
                         const char *what)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	size_t n2 = sizeof(ops_msg2) - 1;
	unsigned char out[64];
	CK_ULONG out_len = sizeof(out);
	bool equal;
	CK_RV rv;

	if (digest) {
		rv = f->C_DigestUpdate(s, (CK_BYTE_PTR)ops_msg2, n2);
		if (rv == CKR_OK)
			rv = f->C_DigestFinal(s, out, &out_len);
	} else {
		rv = f->C_SignUpdate(s, (CK_BYTE_PTR)ops_msg2, n2);
		if (rv == CKR_OK)
			rv = f->C_SignFinal(s, out, &out_len);
	}
	equal = rv == CKR_OK && out_len == ref_len &&
	        memcmp(out, ref, ref_len) == 0;
	sa_case_checkf(ctx, equal, what,
	               digest ? "the one-shot SHA-256 of both parts"
	                      : "the one-shot HMAC of both parts",
	               "%s, %lu bytes, %s", sa_p11_rv_name(rv),
	               (unsigned long)out_len, equal ? "equal" : "different");
	OPENSSL_cleanse(out, sizeof(out));
}

/* Restore a SHA-256 state saved after part one into a fresh session and
 * finish there: the digest must equal the one-shot digest of both parts
 * (B2.40 §5.6.6: the state can be restored "to the same session or to a
 * different session"). */
static void ops04_digest_restore(sa_case_ctx *ctx, const sa_buf *state,
                                 const unsigned char *ref)
{
	CK_SESSION_HANDLE s2 = CK_INVALID_HANDLE;
	CK_RV rv;

	if (sa_p11_ses_open(ctx, false, &s2) < 0)
		goto out;
	rv = sa_case_p11(ctx)->C_SetOperationState(
	    s2, state->data, (CK_ULONG)state->len, CK_INVALID_HANDLE,
	    CK_INVALID_HANDLE);
	if (!sa_p11_check_rv(ctx,
	                     "C_SetOperationState(saved digest) in a fresh "
	                     "session",
	                     rv, CKR_OK, SA_STRICT_ONLY))
		goto out;
	ops04_finish(ctx, s2, true, ref, 32,
	             "digest finished in the restored session");
out:
	sa_p11_ses_close(ctx, &s2);
}

static void ops04_digest(sa_case_ctx *ctx, CK_SESSION_HANDLE s)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_MECHANISM dm = {CKM_SHA256, NULL, 0};
	unsigned char all[sizeof(ops_msg1) + sizeof(ops_msg2)];
	unsigned char ref[32], out[64];
	CK_ULONG out_len = sizeof(out);
	size_t n1 = sizeof(ops_msg1) - 1, n2 = sizeof(ops_msg2) - 1;
	sa_buf state = SA_BUF_INIT;
	CK_RV rv;

	if (!sa_case_has_mech(ctx, CKM_SHA256)) {
		sa_case_note(ctx, "the token does not list CKM_SHA256: the "
		                  "digest part is not run");
		goto out;
	}
	memcpy(all, ops_msg1, n1);
	memcpy(all + n1, ops_msg2, n2);
	if (sa_p11_ossl_sha256(all, n1 + n2, ref, sa_case_err(ctx)) < 0) {
		sa_case_error(ctx, "reference digest: %s",
		              sa_case_err(ctx)->msg);
		goto out;
	}
	rv = f->C_DigestInit(s, &dm);
	if (rv == CKR_OK)
		rv = f->C_DigestUpdate(s, (CK_BYTE_PTR)ops_msg1, n1);
	if (!sa_p11_check_rv(ctx, "C_DigestInit + C_DigestUpdate(SHA-256)", rv,
	                     CKR_OK, SA_STRICT_ONLY))
		goto out;
	rv = get_state(ctx, s, &state,
	               "C_GetOperationState length of an active digest");
	sa_p11_gen_check_rv_any(ctx, "C_GetOperationState(active SHA-256)", rv,
	                        ops_saveable);
	if (rv == CKR_OK)
		ops04_digest_restore(ctx, &state, ref);
	else
		sa_case_note(ctx,
		             "the token does not save a digest state (%s): "
		             "the restore part is not run",
		             sa_p11_rv_name(rv));
	ops04_finish(ctx, s, true, ref, sizeof(ref),
	             "digest finished in the original session after "
	             "C_GetOperationState");
out:
	out_len = sizeof(out);
	(void)f->C_DigestFinal(s, out, &out_len);
	sa_buf_free(&state);
}

/* A generic secret for CKM_SHA256_HMAC (session object). */
static CK_RV gen_hmac_key(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                          CK_OBJECT_HANDLE *out)
{
	CK_MECHANISM m = {CKM_GENERIC_SECRET_KEY_GEN, NULL, 0};
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	CK_ULONG len = 32;
	CK_ATTRIBUTE t[] = {
	    {CKA_TOKEN, &no, sizeof(no)},
	    {CKA_SIGN, &yes, sizeof(yes)},
	    {CKA_VALUE_LEN, &len, sizeof(len)},
	};
	CK_RV rv;

	rv = sa_case_p11(ctx)->C_GenerateKey(s, &m, t, SA_COUNTOF(t), out);
	if (rv != CKR_OK)
		*out = CK_INVALID_HANDLE;
	return rv;
}

/* A saved multi-part HMAC restored with a different authentication key
 * must give CKR_KEY_CHANGED; with the right key it must finish to the
 * one-shot MAC (B2.40 §5.6.6). */
static void ops04_hmac_restore(sa_case_ctx *ctx, const sa_buf *state,
                               CK_OBJECT_HANDLE k1, CK_OBJECT_HANDLE k2,
                               const unsigned char *ref, CK_ULONG ref_len)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_SESSION_HANDLE s2 = CK_INVALID_HANDLE;
	CK_RV rv;

	if (sa_p11_ses_open(ctx, false, &s2) < 0)
		goto out;
	rv = f->C_SetOperationState(s2, state->data, (CK_ULONG)state->len,
	                            CK_INVALID_HANDLE, k2);
	sa_p11_check_rv(ctx,
	                "C_SetOperationState(saved HMAC) with a different "
	                "authentication key",
	                rv, CKR_KEY_CHANGED, SA_STRICT_ONLY);
	sa_p11_ses_close(ctx, &s2);
	if (sa_p11_ses_open(ctx, false, &s2) < 0)
		goto out;
	rv = f->C_SetOperationState(s2, state->data, (CK_ULONG)state->len,
	                            CK_INVALID_HANDLE, k1);
	if (!sa_p11_check_rv(ctx,
	                     "C_SetOperationState(saved HMAC) with the same "
	                     "key",
	                     rv, CKR_OK, SA_STRICT_ONLY))
		goto out;
	ops04_finish(ctx, s2, false, ref, ref_len,
	             "HMAC finished in the restored session");
out:
	sa_p11_ses_close(ctx, &s2);
}

static void ops04_hmac(sa_case_ctx *ctx, CK_SESSION_HANDLE s)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_OBJECT_HANDLE k1 = CK_INVALID_HANDLE, k2 = CK_INVALID_HANDLE;
	CK_MECHANISM hm = {CKM_SHA256_HMAC, NULL, 0};
	unsigned char all[sizeof(ops_msg1) + sizeof(ops_msg2)];
	unsigned char ref[64], out[64];
	CK_ULONG ref_len = sizeof(ref), out_len = sizeof(out);
	size_t n1 = sizeof(ops_msg1) - 1, n2 = sizeof(ops_msg2) - 1;
	sa_buf state = SA_BUF_INIT;
	CK_RV rv;

	if (!sa_case_has_mech(ctx, CKM_SHA256_HMAC) ||
	    !sa_case_has_mech(ctx, CKM_GENERIC_SECRET_KEY_GEN)) {
		sa_case_note(ctx, "the token does not list CKM_SHA256_HMAC and "
		                  "CKM_GENERIC_SECRET_KEY_GEN: the HMAC part "
		                  "is not run");
		goto out;
	}
	rv = gen_hmac_key(ctx, s, &k1);
	if (rv == CKR_OK)
		rv = gen_hmac_key(ctx, s, &k2);
	if (rv != CKR_OK) {
		sa_case_error(ctx,
		              "set-up: C_GenerateKey(generic secret) "
		              "returned %s",
		              sa_p11_rv_name(rv));
		goto out;
	}
	memcpy(all, ops_msg1, n1);
	memcpy(all + n1, ops_msg2, n2);
	rv = f->C_SignInit(s, &hm, k1);
	if (rv == CKR_OK)
		rv = f->C_Sign(s, all, n1 + n2, ref, &ref_len);
	if (!sa_p11_check_rv(ctx, "one-shot C_Sign(CKM_SHA256_HMAC)", rv,
	                     CKR_OK, SA_STRICT_ONLY) ||
	    ref_len > sizeof(ref))
		goto out;
	rv = f->C_SignInit(s, &hm, k1);
	if (rv == CKR_OK)
		rv = f->C_SignUpdate(s, (CK_BYTE_PTR)ops_msg1, n1);
	if (!sa_p11_check_rv(ctx, "C_SignInit + C_SignUpdate(HMAC)", rv, CKR_OK,
	                     SA_STRICT_ONLY))
		goto out;
	rv = get_state(ctx, s, &state,
	               "C_GetOperationState length of an active HMAC");
	sa_p11_gen_check_rv_any(ctx, "C_GetOperationState(active HMAC)", rv,
	                        ops_saveable);
	if (rv == CKR_OK)
		ops04_hmac_restore(ctx, &state, k1, k2, ref, ref_len);
	else
		sa_case_note(ctx,
		             "the token does not save a signing state (%s): "
		             "the CKR_KEY_CHANGED part is not run",
		             sa_p11_rv_name(rv));
	ops04_finish(ctx, s, false, ref, ref_len,
	             "HMAC finished in the original session after "
	             "C_GetOperationState");
out:
	out_len = sizeof(out);
	(void)f->C_SignFinal(s, out, &out_len);
	OPENSSL_cleanse(ref, sizeof(ref));
	OPENSSL_cleanse(out, sizeof(out));
	sa_buf_free(&state);
	sa_p11_gen_destroy(ctx, s, &k2);
	sa_p11_gen_destroy(ctx, s, &k1);
}

static void ops04_run(sa_case_ctx *ctx)
{
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;

	if (!sa_case_has_mech(ctx, CKM_SHA256) &&
	    !(sa_case_has_mech(ctx, CKM_SHA256_HMAC) &&
	      sa_case_has_mech(ctx, CKM_GENERIC_SECRET_KEY_GEN))) {
		sa_case_skip(ctx, "the token lists neither CKM_SHA256 nor "
		                  "CKM_SHA256_HMAC with "
		                  "CKM_GENERIC_SECRET_KEY_GEN");
		goto out;
	}
	if (sa_p11_gen_session(ctx, &s) < 0)
		goto out;
	ops04_digest(ctx, s);
	ops04_hmac(ctx, s);
out:
	sa_p11_gen_session_end(ctx, &s);
}

static const sa_case cases[] = {
    {
        .id = "P11-OPS-01",
        .title = "Operation functions without C_*Init are refused as not "
                 "initialised",
        .description =
            "Calls C_Sign, C_SignUpdate, C_SignFinal, C_Verify and "
            "C_Digest in a session where no operation was started, and "
            "C_Digest, C_DigestFinal and C_Sign again right after a "
            "complete operation (which ends it): every call must give "
            "CKR_OPERATION_NOT_INITIALIZED. A module that signs or "
            "digests with whatever state is left over uses keys and "
            "data the application did not ask for.",
        .remediation = "Keep an explicit operation state per session, end "
                       "it when the operation completes and refuse "
                       "operation calls without it with "
                       "CKR_OPERATION_NOT_INITIALIZED.",
        .refs = SA_REFS(R_RVOPS, R_SIGN, R_VERIFY, R_DIGEST),
        .impact = 3,
        .threat = "operation-state-confusion",
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .run = ops01_run,
    },
    {
        .id = "P11-OPS-02",
        .title = "A second C_*Init while an operation is active is "
                 "refused and the first operation survives",
        .description =
            "Starts a search, a SHA-256 digest and a signature, and "
            "calls the same C_*Init again while each is active: each "
            "must give CKR_OPERATION_ACTIVE, and the first digest and "
            "signature must then complete correctly (the digest equals "
            "OpenSSL's, the signature verifies with OpenSSL). A module "
            "that silently restarts or mixes the two operations signs "
            "something other than what the application fed it.",
        .remediation = "Refuse C_*Init with CKR_OPERATION_ACTIVE while an "
                       "operation of that kind is active, leaving the "
                       "active one untouched.",
        .refs = SA_REFS(R_RVOPS, R_SIGN, R_DIGEST, R_FIND, R_FIPS180),
        .impact = 3,
        .threat = "operation-state-confusion",
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .run = ops02_run,
    },
    {
        .id = "P11-OPS-03",
        .title = "C_SessionCancel ends the active operation (PKCS#11 3.0)",
        .description =
            "On a module that offers a PKCS#11 3.0 interface (its "
            "function list, or C_GetInterface(\"PKCS 11\", 3.0) on the "
            "loaded library): starts a signature and a digest, "
            "cancels each with "
            "C_SessionCancel (CKF_SIGN, CKF_DIGEST), and checks that "
            "the next C_Sign / C_Digest gives "
            "CKR_OPERATION_NOT_INITIALIZED and that a new operation can "
            "start. Skipped on PKCS#11 2.x modules, which have no "
            "C_SessionCancel.",
        .remediation = "Implement C_SessionCancel so that it ends the "
                       "operations named by its flags.",
        .refs = SA_REFS(R_CANCEL, R_IFACE, R_RVOPS),
        .impact = 2,
        .threat = "operation-state-confusion",
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .run = ops03_run,
    },
    {
        .id = "P11-OPS-04",
        .title = "C_GetOperationState / C_SetOperationState: a saved "
                 "digest resumes elsewhere, a changed key is refused",
        .description =
            "Saves the state of a SHA-256 digest after part of the "
            "message: the token may refuse (CKR_STATE_UNSAVEABLE, or "
            "CKR_FUNCTION_NOT_SUPPORTED on v2.40 tokens without the "
            "function); if it saves, the state restored in a fresh "
            "session must finish to the one-shot digest, and so must "
            "the original session. If the token also saves a "
            "multi-part CKM_SHA256_HMAC, restoring it with a different "
            "authentication key must give CKR_KEY_CHANGED and with the "
            "same key must finish to the one-shot MAC. A state that "
            "restores onto another key lets a signature computed with "
            "one key be finished with another.",
        .remediation = "Either refuse to save state, or save and restore it "
                       "faithfully and check the key given to "
                       "C_SetOperationState against the saved one.",
        .refs = SA_REFS(R_GETSTATE, R_SETSTATE, R_FIPS180),
        .impact = 3,
        .threat = "operation-state-confusion",
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .run = ops04_run,
    },
};

const sa_case_group sa_p11_group_opstate = {cases, SA_COUNTOF(cases)};
