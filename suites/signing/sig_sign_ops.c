/* SIG-06, SIG-07, SIG-08 (catalogue F): negative verification and the end
 * of the operation; the output-buffer convention and single- vs multi-part
 * signing; the data length limits of the raw RSA mechanisms. */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "sigaudit/guard.h"

#include "sig_sign_int.h"

/* ---- SIG-06 ---- */

static const sa_ss_alg neg_algs[] = {
    {"SHA256-RSA-PKCS", CKM_SHA256_RSA_PKCS, CKM_SHA256, "SHA256", false, false,
     0, NULL, -1},
    {"ECDSA(SHA-256) P-256", CKM_ECDSA, CKM_SHA256, "SHA256", true, false, 0,
     NULL, -1},
    {"EDDSA Ed25519", CKM_EDDSA, 0, NULL, false, false, 0, NULL, -1},
};

static CK_RV neg_gen(sa_case_ctx *ctx, CK_SESSION_HANDLE s, const sa_ss_alg *a,
                     CK_OBJECT_HANDLE *pub, CK_OBJECT_HANDLE *priv)
{
	if (a->mech == CKM_SHA256_RSA_PKCS)
		return sa_ss_gen_rsa(ctx, s, 2048, pub, priv);
	return sa_ss_gen_ec(ctx, s,
	                    sa_p11_ossl_curve_by_name(
	                        a->mech == CKM_ECDSA ? "P-256" : "Ed25519"),
	                    pub, priv);
}

static CK_MECHANISM_TYPE neg_gen_mech(const sa_ss_alg *a)
{
	if (a->mech == CKM_SHA256_RSA_PKCS)
		return CKM_RSA_PKCS_KEY_PAIR_GEN;
	return a->mech == CKM_ECDSA ? CKM_EC_KEY_PAIR_GEN
	                            : CKM_EC_EDWARDS_KEY_PAIR_GEN;
}

/* After a failed C_Verify / C_VerifyFinal the operation is over (B2.40
 * §5.12.2, §5.12.4: a call to C_Verify / C_VerifyFinal terminates the
 * active verification operation; the only exception in the signing
 * functions is a length query or CKR_BUFFER_TOO_SMALL, which verification
 * does not have): the next call must say CKR_OPERATION_NOT_INITIALIZED. A
 * module that keeps it active is drained so the case can go on. */
static void neg_ended(sa_case_ctx *ctx, CK_SESSION_HANDLE s, bool final,
                      const sa_buf *in, const sa_buf *sig, const char *label)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	char what[200];
	int i;
	CK_RV rv;

	rv = final ? f->C_VerifyFinal(s, sig->data, (CK_ULONG)sig->len)
	           : f->C_Verify(s, in->data, (CK_ULONG)in->len, sig->data,
	                         (CK_ULONG)sig->len);
	snprintf(what, sizeof(what), "%s: the next %s (operation ended)", label,
	         final ? "C_VerifyFinal" : "C_Verify");
	sa_p11_check_rv(ctx, what, rv, CKR_OPERATION_NOT_INITIALIZED,
	                SA_STRICT_ONLY);
	/* Drain: a module that re-armed the operation gets it finished. */
	for (i = 0; i < 3 && rv != CKR_OPERATION_NOT_INITIALIZED; i++)
		rv = final ? f->C_VerifyFinal(s, sig->data, (CK_ULONG)sig->len)
		           : f->C_Verify(s, in->data, (CK_ULONG)in->len,
		                         sig->data, (CK_ULONG)sig->len);
}

/* One rejected verification: rv strict (and lenient), then the end of
 * the operation. */
static void neg_one(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE key,
                    const CK_MECHANISM *m, const sa_buf *in, const sa_buf *bad,
                    const sa_buf *good, CK_RV strict, const CK_RV *lenient,
                    const char *label)
{
	char what[200];
	CK_RV rv;

	snprintf(what, sizeof(what), "%s: C_Verify", label);
	rv = sa_case_p11(ctx)->C_VerifyInit(s, (CK_MECHANISM_PTR)m, key);
	if (sa_ss_setup(ctx, rv, "C_VerifyInit") < 0)
		return;
	rv = sa_case_p11(ctx)->C_Verify(s, in->data, (CK_ULONG)in->len,
	                                bad->data, (CK_ULONG)bad->len);
	sa_p11_check_rv(ctx, what, rv, strict, lenient);
	neg_ended(ctx, s, false, in, good, label);
}

static bool neg_alg(sa_case_ctx *ctx, CK_SESSION_HANDLE s, const sa_ss_alg *a)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	sa_error *err = sa_case_err(ctx);
	CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE, priv = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE pub2 = CK_INVALID_HANDLE, priv2 = CK_INVALID_HANDLE;
	CK_MECHANISM m = {a->mech, NULL, 0};
	unsigned char msg[100];
	sa_buf in = SA_BUF_INIT, sig = SA_BUF_INIT, bad = SA_BUF_INIT;
	char label[128];
	bool ran = false;
	CK_RV rv;

	if (!sa_case_has_mech(ctx, a->mech) ||
	    !sa_case_has_mech(ctx, neg_gen_mech(a))) {
		sa_case_note(ctx,
		             "%s: the token does not list %s or %s: not "
		             "run",
		             a->name, sa_p11_mech_name(a->mech),
		             sa_p11_mech_name(neg_gen_mech(a)));
		goto out;
	}
	if (sa_ss_setup(ctx, neg_gen(ctx, s, a, &pub, &priv),
	                "C_GenerateKeyPair") < 0 ||
	    sa_ss_setup(ctx, neg_gen(ctx, s, a, &pub2, &priv2),
	                "C_GenerateKeyPair (second key)") < 0)
		goto out;
	if (sa_ss_random(msg, sizeof(msg), err) < 0 ||
	    sa_ss_input(a, msg, sizeof(msg), &in, err) < 0) {
		sa_case_error(ctx, "set-up: %s", err->msg);
		goto out;
	}
	rv = sa_ss_sign(ctx, s, priv, &m, in.data, in.len, &sig);
	if (sa_ss_setup(ctx, rv, "C_Sign") < 0 || sig.len < 2)
		goto out;
	ran = true;
	snprintf(label, sizeof(label), "%s: the valid signature", a->name);
	rv = sa_ss_verify(ctx, s, pub, &m, in.data, in.len, sig.data, sig.len);
	sa_p11_check_rv(ctx, label, rv, CKR_OK, SA_STRICT_ONLY);

	/* One bit flipped in the middle of the signature. */
	sa_buf_reset(&bad);
	(void)sa_buf_append(&bad, sig.data, sig.len);
	if (!sa_buf_ok(&bad))
		goto out;
	bad.data[bad.len / 2] ^= 0x01;
	snprintf(label, sizeof(label), "%s: one bit flipped", a->name);
	neg_one(ctx, s, pub, &m, &in, &bad, &sig, CKR_SIGNATURE_INVALID,
	        SA_STRICT_ONLY, label);

	/* One byte short: the length is checked first (B2.40 §5.12.2:
	 * CKR_SIGNATURE_LEN_RANGE "if the signature can be seen to be
	 * invalid purely on the basis of its length"). */
	bad.len = sig.len - 1;
	memcpy(bad.data, sig.data, bad.len);
	snprintf(label, sizeof(label), "%s: truncated by one byte", a->name);
	neg_one(ctx, s, pub, &m, &in, &bad, &sig, CKR_SIGNATURE_LEN_RANGE,
	        SA_LENIENT(CKR_SIGNATURE_INVALID), label);

	snprintf(label, sizeof(label), "%s: another key of the same kind",
	         a->name);
	neg_one(ctx, s, pub2, &m, &in, &sig, &sig, CKR_SIGNATURE_INVALID,
	        SA_STRICT_ONLY, label);

	/* Multi-part: the same rules for C_VerifyFinal (B2.40 §5.12.4). */
	if (a->mech == CKM_SHA256_RSA_PKCS) {
		bad.len = sig.len;
		memcpy(bad.data, sig.data, sig.len);
		bad.data[bad.len / 2] ^= 0x01;
		snprintf(label, sizeof(label),
		         "%s multi-part: one bit flipped, C_VerifyFinal",
		         a->name);
		rv = f->C_VerifyInit(s, &m, pub);
		if (rv == CKR_OK)
			rv = f->C_VerifyUpdate(s, in.data, (CK_ULONG)in.len);
		if (sa_ss_setup(ctx, rv, "C_VerifyInit + C_VerifyUpdate") < 0)
			goto out;
		rv = f->C_VerifyFinal(s, bad.data, (CK_ULONG)bad.len);
		sa_p11_check_rv(ctx, label, rv, CKR_SIGNATURE_INVALID,
		                SA_STRICT_ONLY);
		neg_ended(ctx, s, true, &in, &sig, label);
	}
out:
	sa_buf_free(&bad);
	sa_buf_free(&sig);
	sa_buf_free(&in);
	sa_p11_destroy(ctx, s, &priv2);
	sa_p11_destroy(ctx, s, &pub2);
	sa_p11_destroy(ctx, s, &priv);
	sa_p11_destroy(ctx, s, &pub);
	return ran;
}

void sa_ss_sig06(sa_case_ctx *ctx)
{
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	size_t i, ran = 0;

	if (sa_ss_open(ctx, &s) < 0)
		goto out;
	for (i = 0; i < SA_COUNTOF(neg_algs); i++)
		if (neg_alg(ctx, s, &neg_algs[i]))
			ran++;
	if (ran == 0)
		sa_case_skip(ctx, "the token offers none of SHA256-RSA-PKCS, "
		                  "ECDSA P-256, EdDSA Ed25519 (see notes)");
out:
	sa_p11_close(ctx, &s);
}

/* ---- SIG-07 ---- */

#define BUF_MSG    1000
#define BUF_SPLITS 8

/* Feed msg to C_SignUpdate (sign) or C_VerifyUpdate in up to 4 parts cut
 * at random points (parts may be empty). */
static CK_RV buf_update(sa_case_ctx *ctx, CK_SESSION_HANDLE s, bool sign,
                        const unsigned char *msg, size_t len, sa_error *err)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	unsigned char r[4];
	size_t cuts[5], n = 0, i, j, t;
	CK_RV rv = CKR_OK;

	if (sa_ss_random(r, sizeof(r), err) < 0)
		return CKR_GENERAL_ERROR;
	cuts[n++] = 0;
	for (i = 0; i < 1 + (size_t)(r[0] % 3); i++)
		cuts[n++] = ((size_t)r[1 + i] * len) / 255;
	/* sort the cut points */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && cuts[j - 1] > cuts[j]; j--) {
			t = cuts[j];
			cuts[j] = cuts[j - 1];
			cuts[j - 1] = t;
		}
	cuts[n] = len;
	for (i = 0; i < n && rv == CKR_OK; i++) {
		CK_BYTE_PTR p = (CK_BYTE_PTR)msg + cuts[i];
		CK_ULONG l = (CK_ULONG)(cuts[i + 1] - cuts[i]);

		rv = sign ? f->C_SignUpdate(s, p, l)
		          : f->C_VerifyUpdate(s, p, l);
	}
	return rv;
}

/* The §5.2 convention on C_Sign (final false) or C_SignFinal. */
static void buf_convention(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                           CK_OBJECT_HANDLE priv, EVP_PKEY *pk,
                           const unsigned char *msg, size_t len, bool final,
                           sa_buf *sig_out)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_MECHANISM m = {CKM_SHA256_RSA_PKCS, NULL, 0};
	const char *fn = final ? "C_SignFinal" : "C_Sign";
	unsigned char buf[1024];
	CK_ULONG n = 0;
	char what[160];
	bool valid = false;
	CK_RV rv;

#define BUF_CALL(out, nptr)                                                    \
	(final ? f->C_SignFinal(s, (out), (nptr))                              \
	       : f->C_Sign(s, (CK_BYTE_PTR)msg, (CK_ULONG)len, (out), (nptr)))

	rv = f->C_SignInit(s, &m, priv);
	if (rv == CKR_OK && final)
		rv = f->C_SignUpdate(s, (CK_BYTE_PTR)msg, (CK_ULONG)len);
	if (sa_ss_setup(ctx, rv,
	                final ? "C_SignInit + C_SignUpdate" : "C_SignInit") < 0)
		return;
	rv = BUF_CALL(NULL, &n);
	snprintf(what, sizeof(what), "%s with a NULL buffer: length", fn);
	if (sa_p11_check_rv(ctx, what, rv, CKR_OK, SA_STRICT_ONLY))
		sa_case_checkf(ctx, n == 256, what, "256 (k of RSA-2048)",
		               "%lu", (unsigned long)n);
	n = 1;
	rv = BUF_CALL(buf, &n);
	snprintf(what, sizeof(what),
	         "%s with a 1-byte buffer after the length query (operation "
	         "still active)",
	         fn);
	if (sa_p11_check_rv(ctx, what, rv, CKR_BUFFER_TOO_SMALL,
	                    SA_STRICT_ONLY)) {
		snprintf(what, sizeof(what),
		         "%s CKR_BUFFER_TOO_SMALL: *pulSignatureLen set to the "
		         "length needed",
		         fn);
		sa_case_checkf(ctx, n == 256, what, "256", "%lu",
		               (unsigned long)n);
	}
	n = sizeof(buf);
	rv = BUF_CALL(buf, &n);
	snprintf(what, sizeof(what),
	         "%s with a big enough buffer after CKR_BUFFER_TOO_SMALL "
	         "(operation still active)",
	         fn);
	if (sa_p11_check_rv(ctx, what, rv, CKR_OK, SA_STRICT_ONLY) &&
	    n <= sizeof(buf)) {
		sa_buf_reset(sig_out);
		(void)sa_buf_append(sig_out, buf, (size_t)n);
		snprintf(what, sizeof(what),
		         "%s signature verifies with "
		         "OpenSSL",
		         fn);
		if (sa_p11_ossl_verify(pk, CKM_SHA256_RSA_PKCS, msg, len, buf,
		                       (size_t)n, &valid, sa_case_err(ctx)) < 0)
			sa_case_error(ctx, "%s: %s", what,
			              sa_case_err(ctx)->msg);
		else
			sa_case_check(ctx, valid, what, "valid",
			              valid ? "valid" : "INVALID");
	}
	n = sizeof(buf);
	rv = BUF_CALL(buf, &n);
	snprintf(what, sizeof(what),
	         "%s again after a successful %s "
	         "(operation ended)",
	         fn, fn);
	sa_p11_check_rv(ctx, what, rv, CKR_OPERATION_NOT_INITIALIZED,
	                SA_STRICT_ONLY);
#undef BUF_CALL
}

/* Random split points: multi-part signing equals single-part (for a
 * deterministic scheme) or verifies (ECDSA), and multi-part verification
 * accepts the single-part signature. */
static void buf_splits(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                       CK_OBJECT_HANDLE priv, CK_OBJECT_HANDLE pub,
                       EVP_PKEY *pk, CK_MECHANISM_TYPE mech, bool det,
                       const unsigned char *msg, size_t len)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	sa_error *err = sa_case_err(ctx);
	CK_MECHANISM m = {mech, NULL, 0};
	sa_buf one = SA_BUF_INIT;
	unsigned char buf[1024];
	size_t i, differ = 0, invalid = 0, refused = 0, done = 0;
	CK_ULONG n;
	char what[160];
	bool valid;
	CK_RV rv, first = CKR_OK;

	rv = sa_ss_sign(ctx, s, priv, &m, msg, len, &one);
	snprintf(what, sizeof(what), "%s single-part C_Sign",
	         sa_p11_mech_name(mech));
	if (!sa_p11_check_rv(ctx, what, rv, CKR_OK, SA_STRICT_ONLY))
		goto out;
	for (i = 0; i < BUF_SPLITS; i++) {
		rv = f->C_SignInit(s, &m, priv);
		if (rv == CKR_OK)
			rv = buf_update(ctx, s, true, msg, len, err);
		n = sizeof(buf);
		if (rv == CKR_OK)
			rv = f->C_SignFinal(s, buf, &n);
		if (rv != CKR_OK || n > sizeof(buf)) {
			if (first == CKR_OK)
				first = rv;
			n = sizeof(buf);
			(void)f->C_SignFinal(s, buf, &n);
			continue;
		}
		done++;
		if (det && ((size_t)n != one.len ||
		            memcmp(buf, one.data, one.len) != 0))
			differ++;
		if (sa_p11_ossl_verify(pk, mech, msg, len, buf, (size_t)n,
		                       &valid, err) < 0) {
			sa_case_error(ctx, "OpenSSL could not verify: %s",
			              err->msg);
			goto out;
		}
		if (!valid)
			invalid++;
		rv = f->C_VerifyInit(s, &m, pub);
		if (rv == CKR_OK)
			rv = buf_update(ctx, s, false, msg, len, err);
		if (rv == CKR_OK)
			rv = f->C_VerifyFinal(s, one.data, (CK_ULONG)one.len);
		if (rv != CKR_OK)
			refused++;
	}
	snprintf(what, sizeof(what),
	         "%s: %d multi-part signings at random "
	         "split points",
	         sa_p11_mech_name(mech), BUF_SPLITS);
	sa_p11_check_rv(ctx, what, first, CKR_OK, SA_STRICT_ONLY);
	if (done == 0)
		goto out;
	if (det) {
		snprintf(what, sizeof(what),
		         "%s: multi-part signature equals the single-part one",
		         sa_p11_mech_name(mech));
		sa_case_checkf(ctx, differ == 0, what, "0 differ",
		               "%zu of %zu differ", differ, done);
	}
	snprintf(what, sizeof(what),
	         "%s: multi-part signatures verify with OpenSSL",
	         sa_p11_mech_name(mech));
	sa_case_checkf(ctx, invalid == 0, what, "0 invalid", "%zu of %zu",
	               invalid, done);
	snprintf(what, sizeof(what),
	         "%s: multi-part C_VerifyFinal accepts the single-part "
	         "signature",
	         sa_p11_mech_name(mech));
	sa_case_checkf(ctx, refused == 0, what, "0 refused", "%zu of %zu",
	               refused, done);
out:
	sa_buf_free(&one);
}

void sa_ss_sig07(sa_case_ctx *ctx)
{
	sa_error *err = sa_case_err(ctx);
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE, priv = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE epub = CK_INVALID_HANDLE, epriv = CK_INVALID_HANDLE;
	unsigned char msg[BUF_MSG];
	sa_buf s1 = SA_BUF_INIT, s2 = SA_BUF_INIT;
	EVP_PKEY *pk = NULL, *epk = NULL;

	if (sa_ss_open(ctx, &s) < 0)
		goto out;
	if (sa_ss_random(msg, sizeof(msg), err) < 0) {
		sa_case_error(ctx, "set-up: %s", err->msg);
		goto out;
	}
	if (sa_ss_setup(ctx, sa_ss_gen_rsa(ctx, s, 2048, &pub, &priv),
	                "C_GenerateKeyPair(RSA-2048)") < 0)
		goto out;
	if (sa_p11_ossl_pubkey_from_token(ctx, s, pub, &pk) < 0) {
		sa_case_error(ctx, "set-up: public key: %s", err->msg);
		goto out;
	}
	buf_convention(ctx, s, priv, pk, msg, sizeof(msg), false, &s1);
	buf_convention(ctx, s, priv, pk, msg, sizeof(msg), true, &s2);
	if (s1.len > 0 && s2.len > 0)
		sa_case_check(ctx,
		              s1.len == s2.len &&
		                  memcmp(s1.data, s2.data, s1.len) == 0,
		              "C_Sign and C_SignUpdate + C_SignFinal give the "
		              "same SHA256-RSA-PKCS signature",
		              "equal", "differ");
	buf_splits(ctx, s, priv, pub, pk, CKM_SHA256_RSA_PKCS, true, msg,
	           sizeof(msg));
	if (!sa_case_has_mech(ctx, CKM_ECDSA_SHA256)) {
		sa_case_note(ctx, "the token does not list CKM_ECDSA_SHA256: "
		                  "the ECDSA part is not run");
		goto out;
	}
	if (sa_ss_setup(ctx,
	                sa_ss_gen_ec(ctx, s, sa_p11_ossl_curve_by_name("P-256"),
	                             &epub, &epriv),
	                "C_GenerateKeyPair(P-256)") < 0)
		goto out;
	if (sa_p11_ossl_pubkey_from_token(ctx, s, epub, &epk) < 0) {
		sa_case_error(ctx, "set-up: P-256 public key: %s", err->msg);
		goto out;
	}
	buf_splits(ctx, s, epriv, epub, epk, CKM_ECDSA_SHA256, false, msg,
	           sizeof(msg));
out:
	EVP_PKEY_free(epk);
	EVP_PKEY_free(pk);
	sa_buf_free(&s2);
	sa_buf_free(&s1);
	sa_p11_destroy(ctx, s, &epriv);
	sa_p11_destroy(ctx, s, &epub);
	sa_p11_destroy(ctx, s, &priv);
	sa_p11_destroy(ctx, s, &pub);
	sa_p11_close(ctx, &s);
}

/* ---- SIG-08 ---- */

#define LEN_K 256 /* RSA-2048 */

/* C_SignInit + C_Sign into a buffer larger than k (no length query, so
 * the code is the one the data gets). */
static CK_RV len_sign(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                      CK_OBJECT_HANDLE priv, CK_MECHANISM_TYPE mech,
                      const unsigned char *in, size_t len)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_MECHANISM m = {mech, NULL, 0};
	unsigned char out[LEN_K + 64];
	CK_ULONG n = sizeof(out);
	CK_RV rv;

	rv = f->C_SignInit(s, &m, priv);
	if (rv == CKR_OK)
		rv = f->C_Sign(s, (CK_BYTE_PTR)in, (CK_ULONG)len, out, &n);
	OPENSSL_cleanse(out, sizeof(out));
	return rv;
}

void sa_ss_sig08(sa_case_ctx *ctx)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE, priv = CK_INVALID_HANDLE;
	unsigned char in[LEN_K + 1], n[LEN_K];
	CK_ATTRIBUTE a = {CKA_MODULUS, n, sizeof(n)};
	bool ran = false;
	CK_RV rv;

	memset(in, 0x5a, sizeof(in));
	if (sa_ss_open(ctx, &s) < 0)
		goto out;
	if (sa_ss_setup(ctx, sa_ss_gen_rsa(ctx, s, 2048, &pub, &priv),
	                "C_GenerateKeyPair(RSA-2048)") < 0)
		goto out;
	rv = f->C_GetAttributeValue(s, pub, &a, 1);
	if (rv == CKR_OK && a.ulValueLen != LEN_K)
		rv = CKR_GENERAL_ERROR;
	if (sa_ss_setup(ctx, rv,
	                "C_GetAttributeValue(CKA_MODULUS, 256 "
	                "bytes)") < 0)
		goto out;
	/* RFC 8017 §8.2.1 / §9.2: EMSA-PKCS1-v1_5 needs k >= tLen + 11;
	 * Curr. Mech. §2.1.6 table: input <= k - 11. */
	if (sa_case_has_mech(ctx, CKM_RSA_PKCS)) {
		ran = true;
		rv = len_sign(ctx, s, priv, CKM_RSA_PKCS, in, LEN_K - 11);
		sa_p11_check_rv(ctx, "CKM_RSA_PKCS: k - 11 = 245 bytes", rv,
		                CKR_OK, SA_STRICT_ONLY);
		rv = len_sign(ctx, s, priv, CKM_RSA_PKCS, in, LEN_K - 10);
		sa_p11_check_rv(ctx, "CKM_RSA_PKCS: k - 10 = 246 bytes", rv,
		                CKR_DATA_LEN_RANGE, SA_STRICT_ONLY);
	} else {
		sa_case_note(ctx, "the token does not list CKM_RSA_PKCS: not "
		                  "run");
	}
	/* Curr. Mech. §2.1.8 table: CKM_RSA_X_509 input <= k; the input
	 * as an integer must be below n (RFC 8017 §5.2.1 RSASP1: "message
	 * representative out of range"). */
	if (sa_case_has_mech(ctx, CKM_RSA_X_509)) {
		ran = true;
		in[0] = 0x00;
		rv = len_sign(ctx, s, priv, CKM_RSA_X_509, in, LEN_K);
		sa_p11_check_rv(ctx, "CKM_RSA_X_509: k bytes below the modulus",
		                rv, CKR_OK, SA_STRICT_ONLY);
		rv = len_sign(ctx, s, priv, CKM_RSA_X_509, n, LEN_K);
		sa_p11_check_rv(ctx,
		                "CKM_RSA_X_509: k bytes equal to the "
		                "modulus",
		                rv, CKR_DATA_INVALID,
		                SA_LENIENT(CKR_DATA_LEN_RANGE));
		memset(in, 0xff, LEN_K);
		rv = len_sign(ctx, s, priv, CKM_RSA_X_509, in, LEN_K);
		sa_p11_check_rv(ctx,
		                "CKM_RSA_X_509: k bytes 0xff (above the "
		                "modulus)",
		                rv, CKR_DATA_INVALID,
		                SA_LENIENT(CKR_DATA_LEN_RANGE));
	} else {
		sa_case_note(ctx, "the token does not list CKM_RSA_X_509: not "
		                  "run");
	}
	if (!ran)
		sa_case_skip(ctx, "the token lists neither CKM_RSA_PKCS nor "
		                  "CKM_RSA_X_509");
out:
	sa_p11_destroy(ctx, s, &priv);
	sa_p11_destroy(ctx, s, &pub);
	sa_p11_close(ctx, &s);
}

/* SIG-08b: alone in its case because SoftHSM2 2.6.1 ends the process
 * (exit status 5) on this call: the other length checks keep their
 * verdicts. */
void sa_ss_sig08b(sa_case_ctx *ctx)
{
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE, priv = CK_INVALID_HANDLE;
	unsigned char in[LEN_K + 1];
	CK_RV rv;

	memset(in, 0x5a, sizeof(in));
	if (sa_ss_open(ctx, &s) < 0)
		goto out;
	if (sa_ss_setup(ctx, sa_ss_gen_rsa(ctx, s, 2048, &pub, &priv),
	                "C_GenerateKeyPair(RSA-2048)") < 0)
		goto out;
	/* Curr. Mech. §2.1.8 table: CKM_RSA_X_509 input <= k. A module that
	 * ends the process here has answered too: a denial of service. */
	sa_case_guard_begin(ctx, "C_Sign(CKM_RSA_X_509, k + 1 = 257 bytes)");
	rv = len_sign(ctx, s, priv, CKM_RSA_X_509, in, LEN_K + 1);
	sa_case_guard_end(ctx);
	sa_p11_check_rv(ctx, "CKM_RSA_X_509: k + 1 = 257 bytes", rv,
	                CKR_DATA_LEN_RANGE, SA_STRICT_ONLY);
out:
	sa_p11_destroy(ctx, s, &priv);
	sa_p11_destroy(ctx, s, &pub);
	sa_p11_close(ctx, &s);
}
