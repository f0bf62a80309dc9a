/* sa_fm_issue4: the self-test of the issue-4 faults of libsa_faultmod.so
 * (README.md, "Self-test").
 *
 *   sa_fm_issue4 MODULE PIN_FILE SCENARIO
 *
 * loads MODULE (normally libsa_faultmod.so over SoftHSM2; SOFTHSM2_CONF
 * names the token store), logs in to the token labelled $SA_TOKEN (default
 * "sigaudit-demo") with the user PIN in PIN_FILE, runs SCENARIO (one of the
 * fault names) on session objects, and checks what it sees against one of
 * two expectations: the fault's effect when SA_FAULT names SCENARIO, the
 * rule kept when it does not. Each check prints "ok ..." or "FAIL ...";
 * the exit status is 0 when every check passed, 1 otherwise, 2 on a setup
 * error. It is test equipment like the module: it asserts with plain
 * counters and exits, which suites/ code never does (STYLE rule 9). */
#include <dlfcn.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <p11-kit/pkcs11.h>

static CK_FUNCTION_LIST_PTR F;
static CK_SESSION_HANDLE S;
static CK_SLOT_ID slot_id;
static bool fault_on;
static int n_ok, n_fail;

static const unsigned char p256_oid[] = {0x06, 0x08, 0x2a, 0x86, 0x48,
                                         0xce, 0x3d, 0x03, 0x01, 0x07};

static void check(bool ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs(ok ? "ok   " : "FAIL ", stdout);
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
	if (ok)
		n_ok++;
	else
		n_fail++;
}

/* "what: fault X / normal Y, got Z" for a return value. */
static void check_rv(const char *what, CK_RV fault, CK_RV normal, CK_RV got)
{
	CK_RV want = fault_on ? fault : normal;

	check(got == want, "%s: want 0x%lx, got 0x%lx", what,
	      (unsigned long)want, (unsigned long)got);
}

/* SoftHSM2 2.6.1 has CKM_ECDSA but not CKM_ECDSA_SHA*: those checks run
 * only where the target has the mechanism. */
static bool has_mech(CK_MECHANISM_TYPE m)
{
	CK_MECHANISM_INFO info;

	return F->C_GetMechanismInfo(slot_id, m, &info) == CKR_OK;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- keys ---- */

static CK_RV gen_ec(CK_OBJECT_HANDLE *pub, CK_OBJECT_HANDLE *priv,
                    const CK_BBOOL *sens, const CK_BBOOL *extr)
{
	CK_MECHANISM m = {CKM_EC_KEY_PAIR_GEN, NULL, 0};
	CK_BBOOL no = CK_FALSE, yes = CK_TRUE;
	CK_ATTRIBUTE pt[] = {
	    {CKA_TOKEN, &no, sizeof(no)},
	    {CKA_EC_PARAMS, (void *)p256_oid, sizeof(p256_oid)},
	    {CKA_VERIFY, &yes, sizeof(yes)},
	};
	CK_ATTRIBUTE vt[5] = {
	    {CKA_TOKEN, &no, sizeof(no)},
	    {CKA_PRIVATE, &yes, sizeof(yes)},
	    {CKA_SIGN, &yes, sizeof(yes)},
	};
	CK_ULONG vn = 3;

	if (sens != NULL)
		vt[vn++] = (CK_ATTRIBUTE){CKA_SENSITIVE, (void *)sens, 1};
	if (extr != NULL)
		vt[vn++] = (CK_ATTRIBUTE){CKA_EXTRACTABLE, (void *)extr, 1};
	return F->C_GenerateKeyPair(S, &m, pt, 3, vt, vn, pub, priv);
}

static CK_RV gen_rsa(CK_ULONG bits, CK_OBJECT_HANDLE *pub,
                     CK_OBJECT_HANDLE *priv)
{
	CK_MECHANISM m = {CKM_RSA_PKCS_KEY_PAIR_GEN, NULL, 0};
	CK_BBOOL no = CK_FALSE, yes = CK_TRUE;
	CK_BYTE e[] = {0x01, 0x00, 0x01};
	char label[] = "sa_fm_issue4";
	CK_ATTRIBUTE pt[] = {
	    {CKA_TOKEN, &no, sizeof(no)},
	    {CKA_MODULUS_BITS, &bits, sizeof(bits)},
	    {CKA_PUBLIC_EXPONENT, e, sizeof(e)},
	    {CKA_VERIFY, &yes, sizeof(yes)},
	    {CKA_ENCRYPT, &yes, sizeof(yes)},
	    {CKA_LABEL, label, sizeof(label) - 1},
	};
	CK_ATTRIBUTE vt[] = {
	    {CKA_TOKEN, &no, sizeof(no)},
	    {CKA_PRIVATE, &yes, sizeof(yes)},
	    {CKA_SIGN, &yes, sizeof(yes)},
	    {CKA_DECRYPT, &yes, sizeof(yes)},
	    {CKA_SENSITIVE, &yes, sizeof(yes)},
	    {CKA_EXTRACTABLE, &no, sizeof(no)},
	    {CKA_LABEL, label, sizeof(label) - 1},
	};

	return F->C_GenerateKeyPair(S, &m, pt, 6, vt, 7, pub, priv);
}

/* An attribute into buf (at most *len bytes). */
static CK_RV get(CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE t, void *buf,
                 CK_ULONG *len)
{
	CK_ATTRIBUTE a = {t, buf, *len};
	CK_RV rv = F->C_GetAttributeValue(S, h, &a, 1);

	*len = a.ulValueLen;
	return rv;
}

static int get_bool(CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE t)
{
	CK_BBOOL v = 0xff;
	CK_ULONG len = sizeof(v);

	return get(h, t, &v, &len) == CKR_OK && len == 1 ? v : -1;
}

static BIGNUM *get_bn(CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE t)
{
	unsigned char buf[2048];
	CK_ULONG len = sizeof(buf);

	if (get(h, t, buf, &len) != CKR_OK)
		return NULL;
	return BN_bin2bn(buf, (int)len, NULL);
}

static CK_RV sign(CK_MECHANISM_TYPE mt, CK_OBJECT_HANDLE key,
                  const unsigned char *in, CK_ULONG in_len, unsigned char *out,
                  CK_ULONG *out_len)
{
	CK_MECHANISM m = {mt, NULL, 0};
	CK_RV rv = F->C_SignInit(S, &m, key);

	if (rv == CKR_OK)
		rv = F->C_Sign(S, (CK_BYTE_PTR)in, in_len, out, out_len);
	return rv;
}

static CK_RV verify(CK_MECHANISM_TYPE mt, CK_OBJECT_HANDLE key,
                    const unsigned char *in, CK_ULONG in_len,
                    const unsigned char *sig, CK_ULONG sig_len)
{
	CK_MECHANISM m = {mt, NULL, 0};
	CK_RV rv = F->C_VerifyInit(S, &m, key);

	if (rv == CKR_OK)
		rv = F->C_Verify(S, (CK_BYTE_PTR)in, in_len, (CK_BYTE_PTR)sig,
		                 sig_len);
	return rv;
}

/* The token's EC public key as an OpenSSL P-256 key. */
static EVP_PKEY *ec_pubkey(CK_OBJECT_HANDLE pub)
{
	unsigned char der[80];
	CK_ULONG len = sizeof(der);
	OSSL_PARAM_BLD *b = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *pc = NULL;
	EVP_PKEY *pkey = NULL;

	if (get(pub, CKA_EC_POINT, der, &len) != CKR_OK || len != 67 ||
	    der[0] != 0x04 || der[1] != 65)
		goto out;
	b = OSSL_PARAM_BLD_new();
	if (b == NULL ||
	    OSSL_PARAM_BLD_push_utf8_string(b, OSSL_PKEY_PARAM_GROUP_NAME,
	                                    "P-256", 0) != 1 ||
	    OSSL_PARAM_BLD_push_octet_string(b, OSSL_PKEY_PARAM_PUB_KEY,
	                                     der + 2, 65) != 1)
		goto out;
	params = OSSL_PARAM_BLD_to_param(b);
	pc = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	if (params == NULL || pc == NULL || EVP_PKEY_fromdata_init(pc) != 1 ||
	    EVP_PKEY_fromdata(pc, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
		pkey = NULL;
out:
	EVP_PKEY_CTX_free(pc);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(b);
	return pkey;
}

/* OpenSSL's verdict on a DER ECDSA signature of a 32-byte hash. */
static bool ossl_verify_der(EVP_PKEY *pkey, const unsigned char *hash,
                            const unsigned char *der, size_t der_len)
{
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(pkey, NULL);
	bool ok = c != NULL && EVP_PKEY_verify_init(c) == 1 &&
	          EVP_PKEY_verify(c, der, der_len, hash, 32) == 1;

	EVP_PKEY_CTX_free(c);
	return ok;
}

/* r || s (2·32 bytes) to DER, then OpenSSL's verdict. */
static bool ossl_verify_raw(EVP_PKEY *pkey, const unsigned char *hash,
                            const unsigned char *sig)
{
	ECDSA_SIG *es = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(sig, 32, NULL),
	       *s = BN_bin2bn(sig + 32, 32, NULL);
	unsigned char *der = NULL;
	int len;
	bool ok = false;

	if (es == NULL || r == NULL || s == NULL ||
	    ECDSA_SIG_set0(es, r, s) != 1)
		goto out;
	r = s = NULL;
	len = i2d_ECDSA_SIG(es, &der);
	ok = len > 0 && ossl_verify_der(pkey, hash, der, (size_t)len);
out:
	OPENSSL_free(der);
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(es);
	return ok;
}

static void sha256(const void *in, size_t len, unsigned char out[32])
{
	unsigned int n = 0;

	EVP_Digest(in, len, out, &n, EVP_sha256(), NULL);
}

static void destroy(CK_OBJECT_HANDLE a, CK_OBJECT_HANDLE b)
{
	check(F->C_DestroyObject(S, a) == CKR_OK &&
	          F->C_DestroyObject(S, b) == CKR_OK,
	      "both halves destroyed with C_DestroyObject");
}

/* ---- scenarios ---- */

static const unsigned char msg[] = "sigaudit faultmod issue 4";

static void t_verify_accepts_modified(void)
{
	CK_OBJECT_HANDLE pub, priv, rpub = 0, rpriv = 0;
	unsigned char hash[32], sig[256], bad[256];
	CK_ULONG len = sizeof(sig);
	CK_MECHANISM m = {CKM_SHA256_RSA_PKCS, NULL, 0};
	CK_RV rv;

	sha256(msg, sizeof(msg), hash);
	if (gen_ec(&pub, &priv, NULL, NULL) != CKR_OK ||
	    sign(CKM_ECDSA, priv, hash, 32, sig, &len) != CKR_OK) {
		check(false, "setup: EC key and signature");
		return;
	}
	check_rv("good signature", CKR_OK, CKR_OK,
	         verify(CKM_ECDSA, pub, hash, 32, sig, 64));
	memcpy(bad, sig, 64);
	bad[10] ^= 0x01;
	check_rv("CKM_ECDSA, one bit flipped, C_Verify", CKR_OK,
	         CKR_SIGNATURE_INVALID,
	         verify(CKM_ECDSA, pub, hash, 32, bad, 64));
	check_rv("CKM_ECDSA, truncated (63 bytes), C_Verify", CKR_OK,
	         CKR_SIGNATURE_LEN_RANGE,
	         verify(CKM_ECDSA, pub, hash, 32, sig, 63));
	destroy(pub, priv);
	/* Multi-part: CKM_SHA256_RSA_PKCS. */
	len = sizeof(sig);
	if (gen_rsa(1024, &rpub, &rpriv) != CKR_OK ||
	    sign(CKM_SHA256_RSA_PKCS, rpriv, msg, sizeof(msg), sig, &len) !=
	        CKR_OK) {
		check(false, "setup: RSA key and signature");
		return;
	}
	memcpy(bad, sig, len);
	bad[len - 1] ^= 0x01;
	rv = F->C_VerifyInit(S, &m, rpub);
	if (rv == CKR_OK)
		rv = F->C_VerifyUpdate(S, (CK_BYTE_PTR)msg, sizeof(msg));
	if (rv == CKR_OK)
		rv = F->C_VerifyFinal(S, bad, len);
	check_rv("CKM_SHA256_RSA_PKCS, one bit flipped, C_VerifyFinal", CKR_OK,
	         CKR_SIGNATURE_INVALID, rv);
	destroy(rpub, rpriv);
}

static void t_verify_op_stays_active(void)
{
	CK_OBJECT_HANDLE pub, priv, rpub, rpriv;
	unsigned char hash[32], sig[256], bad[256];
	CK_ULONG len = sizeof(sig);
	CK_MECHANISM m = {CKM_SHA256_RSA_PKCS, NULL, 0};
	CK_RV rv;

	sha256(msg, sizeof(msg), hash);
	if (gen_ec(&pub, &priv, NULL, NULL) != CKR_OK ||
	    sign(CKM_ECDSA, priv, hash, 32, sig, &len) != CKR_OK) {
		check(false, "setup: EC key and signature");
		return;
	}
	memcpy(bad, sig, 64);
	bad[0] ^= 0x80;
	check_rv("bad signature, C_Verify", CKR_SIGNATURE_INVALID,
	         CKR_SIGNATURE_INVALID,
	         verify(CKM_ECDSA, pub, hash, 32, bad, 64));
	check_rv("next C_Verify without C_VerifyInit", CKR_OK,
	         CKR_OPERATION_NOT_INITIALIZED,
	         F->C_Verify(S, hash, 32, sig, 64));
	check_rv("after a good C_Verify, C_Verify again",
	         CKR_OPERATION_NOT_INITIALIZED, CKR_OPERATION_NOT_INITIALIZED,
	         F->C_Verify(S, hash, 32, sig, 64));
	destroy(pub, priv);
	len = sizeof(sig);
	if (gen_rsa(1024, &rpub, &rpriv) != CKR_OK ||
	    sign(CKM_SHA256_RSA_PKCS, rpriv, msg, sizeof(msg), sig, &len) !=
	        CKR_OK) {
		check(false, "setup: RSA key and signature");
		return;
	}
	memcpy(bad, sig, len);
	bad[len - 1] ^= 0x01;
	rv = F->C_VerifyInit(S, &m, rpub);
	if (rv == CKR_OK)
		rv = F->C_VerifyUpdate(S, (CK_BYTE_PTR)msg, sizeof(msg));
	if (rv == CKR_OK)
		rv = F->C_VerifyFinal(S, bad, len);
	check_rv("bad signature, C_VerifyFinal", CKR_SIGNATURE_INVALID,
	         CKR_SIGNATURE_INVALID, rv);
	rv = F->C_VerifyUpdate(S, (CK_BYTE_PTR)msg, sizeof(msg));
	if (rv == CKR_OK)
		rv = F->C_VerifyFinal(S, sig, len);
	check_rv("next C_VerifyUpdate + C_VerifyFinal", CKR_OK,
	         CKR_OPERATION_NOT_INITIALIZED, rv);
	destroy(rpub, rpriv);
}

static void t_sign_size_query_ends_op(void)
{
	CK_OBJECT_HANDLE pub, priv;
	unsigned char hash[32], sig[256];
	CK_ULONG len = 0;
	CK_MECHANISM m = {CKM_ECDSA, NULL, 0};
	CK_MECHANISM rm = {CKM_SHA256_RSA_PKCS, NULL, 0};
	CK_RV rv;

	sha256(msg, sizeof(msg), hash);
	if (gen_ec(&pub, &priv, NULL, NULL) != CKR_OK) {
		check(false, "setup: EC key");
		return;
	}
	rv = F->C_SignInit(S, &m, priv);
	check(rv == CKR_OK, "C_SignInit CKM_ECDSA");
	rv = F->C_Sign(S, hash, 32, NULL, &len);
	check(rv == CKR_OK && len == 64, "C_Sign length query: 64 (got %lu)",
	      (unsigned long)len);
	len = sizeof(sig);
	check_rv("C_Sign after the length query", CKR_OPERATION_NOT_INITIALIZED,
	         CKR_OK, F->C_Sign(S, hash, 32, sig, &len));
	destroy(pub, priv);
	if (gen_rsa(1024, &pub, &priv) != CKR_OK) {
		check(false, "setup: RSA key");
		return;
	}
	rv = F->C_SignInit(S, &rm, priv);
	if (rv == CKR_OK)
		rv = F->C_SignUpdate(S, (CK_BYTE_PTR)msg, sizeof(msg));
	len = 0;
	if (rv == CKR_OK)
		rv = F->C_SignFinal(S, NULL, &len);
	check(rv == CKR_OK && len == 128,
	      "C_SignFinal length query: 128 (got %lu)", (unsigned long)len);
	len = sizeof(sig);
	check_rv("C_SignFinal after the length query",
	         CKR_OPERATION_NOT_INITIALIZED, CKR_OK,
	         F->C_SignFinal(S, sig, &len));
	destroy(pub, priv);
}

static void t_ecdsa_sig_der(void)
{
	CK_OBJECT_HANDLE pub, priv;
	unsigned char hash[32], sig[128];
	CK_ULONG len = 0;
	EVP_PKEY *pkey = NULL;
	const unsigned char *p;
	ECDSA_SIG *es;
	CK_RV rv;

	sha256(msg, sizeof(msg), hash);
	if (gen_ec(&pub, &priv, NULL, NULL) != CKR_OK ||
	    (pkey = ec_pubkey(pub)) == NULL) {
		check(false, "setup: EC key");
		goto out;
	}
	for (int mech = 0; mech < 2; mech++) {
		if (mech == 1 && !has_mech(CKM_ECDSA_SHA256)) {
			printf("skip CKM_ECDSA_SHA256: not offered\n");
			continue;
		}
		CK_MECHANISM_TYPE mt = mech ? CKM_ECDSA_SHA256 : CKM_ECDSA;
		const unsigned char *in = mech ? msg : hash;
		CK_ULONG in_len = mech ? sizeof(msg) : 32;
		CK_MECHANISM m = {mt, NULL, 0};
		const char *name = mech ? "CKM_ECDSA_SHA256" : "CKM_ECDSA";

		len = 0;
		rv = F->C_SignInit(S, &m, priv);
		if (rv == CKR_OK)
			rv = F->C_Sign(S, (CK_BYTE_PTR)in, in_len, NULL, &len);
		check(rv == CKR_OK && len == (fault_on ? 72u : 64u),
		      "%s length query: %u (got %lu)", name, fault_on ? 72 : 64,
		      (unsigned long)len);
		len = sizeof(sig);
		rv = F->C_Sign(S, (CK_BYTE_PTR)in, in_len, sig, &len);
		check(rv == CKR_OK, "%s C_Sign", name);
		if (rv != CKR_OK)
			continue;
		if (fault_on) {
			p = sig;
			es = d2i_ECDSA_SIG(NULL, &p, (long)len);
			check(sig[0] == 0x30 && es != NULL && p == sig + len &&
			          len >= 8 && len <= 72,
			      "%s: a DER Ecdsa-Sig-Value of %lu bytes", name,
			      (unsigned long)len);
			ECDSA_SIG_free(es);
			check(ossl_verify_der(pkey, hash, sig, len),
			      "%s: the DER signature verifies (OpenSSL)", name);
		} else {
			check(len == 64 && ossl_verify_raw(pkey, hash, sig),
			      "%s: 64-byte r||s that verifies (OpenSSL)", name);
		}
	}
	destroy(pub, priv);
out:
	EVP_PKEY_free(pkey);
}

static void t_ecdsa_sig_stripped(void)
{
	CK_OBJECT_HANDLE pub, priv;
	unsigned char hash[32], sig[64];
	CK_ULONG len = 0;
	int tries = fault_on ? 4000 : 400, shorter = 0, longer = 0, i;
	CK_MECHANISM m = {CKM_ECDSA, NULL, 0};
	CK_RV rv = CKR_OK;

	sha256(msg, sizeof(msg), hash);
	if (gen_ec(&pub, &priv, NULL, NULL) != CKR_OK) {
		check(false, "setup: EC key");
		return;
	}
	rv = F->C_SignInit(S, &m, priv);
	if (rv == CKR_OK)
		rv = F->C_Sign(S, hash, 32, NULL, &len);
	check(rv == CKR_OK && len == 64, "length query: 64 (got %lu)",
	      (unsigned long)len);
	len = sizeof(sig);
	rv = F->C_Sign(S, hash, 32, sig, &len);
	for (i = 0; rv == CKR_OK && i < tries; i++) {
		len = sizeof(sig);
		rv = F->C_SignInit(S, &m, priv);
		if (rv == CKR_OK)
			rv = F->C_Sign(S, hash, 32, sig, &len);
		shorter += len < 64;
		longer += len > 64;
		if (fault_on && shorter > 0)
			break;
	}
	check(rv == CKR_OK && longer == 0, "%d signatures made", i);
	check(fault_on ? shorter > 0 : shorter == 0,
	      "signatures shorter than 64 bytes: %d (want %s)", shorter,
	      fault_on ? "some" : "none");
	destroy(pub, priv);
}

/* Control runs accept any refusal: SoftHSM2 2.6.1 answers
 * CKR_GENERAL_ERROR where the rule says CKR_DATA_LEN_RANGE or
 * CKR_DATA_INVALID (C_Sign), which the module does not repair. */
static void check_refused(const char *what, CK_RV rv, CK_ULONG len)
{
	if (fault_on)
		check(rv == CKR_OK && len == 128,
		      "%s: CKR_OK and k = 128 bytes (got 0x%lx, %lu)", what,
		      (unsigned long)rv, (unsigned long)len);
	else
		check(rv != CKR_OK && rv != CKR_BUFFER_TOO_SMALL,
		      "%s: refused (0x%lx; the rule: CKR_DATA_LEN_RANGE or "
		      "CKR_DATA_INVALID)",
		      what, (unsigned long)rv);
}

static void t_data_len_unchecked(void)
{
	CK_OBJECT_HANDLE pub, priv;
	unsigned char in[200], out[256];
	CK_ULONG len = 0;
	CK_MECHANISM pk = {CKM_RSA_PKCS, NULL, 0},
	             x509 = {CKM_RSA_X_509, NULL, 0};
	CK_RV rv;

	memset(in, 0xff, sizeof(in));
	if (gen_rsa(1024, &pub, &priv) != CKR_OK) {
		check(false, "setup: RSA-1024 key");
		return;
	}
	/* k = 128: CKM_RSA_PKCS takes at most k - 11 = 117 bytes. */
	rv = F->C_SignInit(S, &pk, priv);
	if (rv == CKR_OK)
		rv = F->C_Sign(S, in, 118, NULL, &len);
	if (rv == CKR_OK) {
		check(len == 128,
		      "C_Sign CKM_RSA_PKCS 118 bytes, length query 128 "
		      "(got %lu)",
		      (unsigned long)len);
		len = sizeof(out);
		rv = F->C_Sign(S, in, 118, out, &len);
	}
	check_refused("C_Sign CKM_RSA_PKCS, 118 bytes", rv, len);
	len = sizeof(out);
	rv = F->C_SignInit(S, &x509, priv);
	if (rv == CKR_OK)
		rv = F->C_Sign(S, in, 128, out, &len);
	check_refused("C_Sign CKM_RSA_X_509, 128 bytes 0xff (>= n)", rv, len);
	/* SoftHSM2 2.6.1 calls exit(5) on this one: fault runs only. */
	if (fault_on) {
		len = sizeof(out);
		rv = F->C_SignInit(S, &x509, priv);
		if (rv == CKR_OK)
			rv = F->C_Sign(S, in, 129, out, &len);
		check_refused("C_Sign CKM_RSA_X_509, 129 bytes", rv, len);
	}
	len = 0;
	rv = F->C_EncryptInit(S, &pk, pub);
	if (rv == CKR_OK)
		rv = F->C_Encrypt(S, in, 200, NULL, &len);
	if (rv == CKR_OK) {
		len = 10; /* too small: CKR_BUFFER_TOO_SMALL, then again */
		rv = F->C_Encrypt(S, in, 200, out, &len);
		check(rv == CKR_BUFFER_TOO_SMALL && len == 128,
		      "C_Encrypt short buffer: CKR_BUFFER_TOO_SMALL, 128");
		len = sizeof(out);
		rv = F->C_Encrypt(S, in, 200, out, &len);
	}
	check_refused("C_Encrypt CKM_RSA_PKCS, 200 bytes", rv, len);
	len = sizeof(out);
	rv = F->C_SignInit(S, &pk, priv);
	if (rv == CKR_OK)
		rv = F->C_Sign(S, in, 20, out, &len);
	check(rv == CKR_OK && len == 128 &&
	          verify(CKM_RSA_PKCS, pub, in, 20, out, len) == CKR_OK,
	      "CKM_RSA_PKCS with 20 bytes still signs and verifies");
	len = sizeof(out);
	rv = F->C_EncryptInit(S, &x509, pub);
	if (rv == CKR_OK)
		rv = F->C_Encrypt(S, in, 20, out, &len);
	check(rv == CKR_OK && len == 128,
	      "CKM_RSA_X_509 encryption of 20 bytes still works");
	destroy(pub, priv);
}

/* The checks every rsa-keygen-* key passes, fault or not: what a real
 * generation reports, the size, signing and verifying. */
static void rsa_common(CK_OBJECT_HANDLE pub, CK_OBJECT_HANDLE priv,
                       CK_ULONG bits, BIGNUM **n_out)
{
	CK_MECHANISM_TYPE gm = 0;
	CK_ULONG len = sizeof(gm), mb = 0;
	unsigned char sig[1024];
	CK_ULONG sl = sizeof(sig);
	BIGNUM *n = get_bn(pub, CKA_MODULUS);
	unsigned char buf[8];

	check(n != NULL && BN_num_bits(n) == (int)bits,
	      "modulus of %lu bits (got %d)", (unsigned long)bits,
	      n != NULL ? BN_num_bits(n) : -1);
	len = sizeof(mb);
	if (get(pub, CKA_MODULUS_BITS, &mb, &len) != CKR_OK)
		mb = 0;
	check(mb == bits, "CKA_MODULUS_BITS %lu", (unsigned long)mb);
	check(get_bool(pub, CKA_LOCAL) == 1 && get_bool(priv, CKA_LOCAL) == 1,
	      "CKA_LOCAL TRUE on both halves");
	len = sizeof(gm);
	check(get(priv, CKA_KEY_GEN_MECHANISM, &gm, &len) == CKR_OK &&
	          gm == CKM_RSA_PKCS_KEY_PAIR_GEN,
	      "CKA_KEY_GEN_MECHANISM CKM_RSA_PKCS_KEY_PAIR_GEN");
	check(get_bool(priv, CKA_SENSITIVE) == 1 &&
	          get_bool(priv, CKA_EXTRACTABLE) == 0 &&
	          get_bool(priv, CKA_ALWAYS_SENSITIVE) == 1 &&
	          get_bool(priv, CKA_NEVER_EXTRACTABLE) == 1,
	      "private key SENSITIVE, not EXTRACTABLE, ALWAYS_SENSITIVE, "
	      "NEVER_EXTRACTABLE");
	len = sizeof(buf);
	check(get(priv, CKA_PRIVATE_EXPONENT, buf, &len) ==
	          CKR_ATTRIBUTE_SENSITIVE,
	      "CKA_PRIVATE_EXPONENT refused (CKR_ATTRIBUTE_SENSITIVE)");
	check(sign(CKM_SHA256_RSA_PKCS, priv, msg, sizeof(msg), sig, &sl) ==
	              CKR_OK &&
	          verify(CKM_SHA256_RSA_PKCS, pub, msg, sizeof(msg), sig, sl) ==
	              CKR_OK,
	      "CKM_SHA256_RSA_PKCS signs and verifies");
	*n_out = n;
}

static BIGNUM *e_of(CK_OBJECT_HANDLE pub)
{
	return get_bn(pub, CKA_PUBLIC_EXPONENT);
}

static void t_rsa_keygen_e3(void)
{
	CK_OBJECT_HANDLE pub, priv;
	BIGNUM *n = NULL, *e = NULL;
	double t0 = now(), dt;
	CK_RV rv = gen_rsa(2048, &pub, &priv);

	dt = now() - t0;
	check(rv == CKR_OK, "RSA-2048 C_GenerateKeyPair in %.2f s", dt);
	if (rv != CKR_OK)
		return;
	rsa_common(pub, priv, 2048, &n);
	e = e_of(pub);
	check(e != NULL && BN_is_word(e, fault_on ? 3 : 65537),
	      "CKA_PUBLIC_EXPONENT %s (template asked 65537)",
	      fault_on ? "3" : "65537");
	destroy(pub, priv);
	BN_free(n);
	BN_free(e);
}

static void t_rsa_keygen_shared_prime(void)
{
	CK_OBJECT_HANDLE pub[2], priv[2];
	BIGNUM *n[2] = {NULL, NULL}, *g = BN_new();
	BN_CTX *ctx = BN_CTX_new();
	double t0, dt;
	CK_RV rv;

	for (int i = 0; i < 2; i++) {
		t0 = now();
		rv = gen_rsa(2048, &pub[i], &priv[i]);
		dt = now() - t0;
		check(rv == CKR_OK, "RSA-2048 key %d in %.2f s", i + 1, dt);
		if (rv != CKR_OK)
			goto out;
		rsa_common(pub[i], priv[i], 2048, &n[i]);
	}
	check(n[0] != NULL && n[1] != NULL && BN_gcd(g, n[0], n[1], ctx) == 1 &&
	          (fault_on ? BN_num_bits(g) == 1024 : BN_is_one(g)),
	      "gcd(n1, n2) %s", fault_on ? "is a 1024-bit prime" : "is 1");
	for (int i = 0; i < 2; i++)
		destroy(pub[i], priv[i]);
out:
	BN_free(n[0]);
	BN_free(n[1]);
	BN_free(g);
	BN_CTX_free(ctx);
}

static void t_rsa_keygen_small_factor(void)
{
	CK_OBJECT_HANDLE pub, priv;
	BIGNUM *n = NULL;
	BN_ULONG found = 0;
	double t0 = now(), dt;
	CK_RV rv = gen_rsa(2048, &pub, &priv);

	dt = now() - t0;
	check(rv == CKR_OK, "RSA-2048 C_GenerateKeyPair in %.2f s", dt);
	if (rv != CKR_OK)
		return;
	rsa_common(pub, priv, 2048, &n);
	/* Trial division by every odd number below 2^20. */
	for (BN_ULONG d = 3; n != NULL && d < (1UL << 20) && found == 0; d += 2)
		if (BN_mod_word(n, d) == 0)
			found = d;
	check(fault_on ? found > 0 : found == 0,
	      "factor of n below 2^20: %lu (want %s)", (unsigned long)found,
	      fault_on ? "one" : "none");
	destroy(pub, priv);
	BN_free(n);
}

/* The ROCA fingerprint (Nemec et al. 2017): for each small prime p_i, n mod
 * p_i lies in the subgroup of Z_{p_i}^* generated by 65537. */
static bool roca_fingerprint(const BIGNUM *n, int *tested)
{
	bool all = true;
	int count = 0;

	for (BN_ULONG p = 3; p < 170; p += 2) {
		bool prime = true, in = false;
		BN_ULONG r, g, x = 1;

		for (BN_ULONG f = 3; f * f <= p && prime; f += 2)
			prime = p % f != 0;
		if (!prime)
			continue;
		count++;
		r = BN_mod_word(n, p);
		g = 65537 % p;
		for (BN_ULONG j = 0; j < p && !in; j++) {
			in = x == r;
			x = x * g % p;
		}
		all = all && in;
	}
	*tested = count;
	return all;
}

static void t_rsa_keygen_roca(void)
{
	CK_OBJECT_HANDLE pub, priv;
	BIGNUM *n = NULL;
	int tested = 0;
	double t0 = now(), dt;
	CK_RV rv = gen_rsa(2048, &pub, &priv);
	bool fp;

	dt = now() - t0;
	check(rv == CKR_OK, "RSA-2048 C_GenerateKeyPair in %.2f s", dt);
	if (rv != CKR_OK)
		return;
	rsa_common(pub, priv, 2048, &n);
	fp = n != NULL && roca_fingerprint(n, &tested);
	check(fault_on ? fp : !fp, "ROCA fingerprint over %d primes: %s",
	      tested, fp ? "yes" : "no");
	destroy(pub, priv);
	BN_free(n);
}

/* The private key d from two signatures (r, s1) and (r, s2) of hashes z1, z2
 * with one nonce: k = (z1 - z2)/(s1 - s2), d = (s1·k - z1)/r mod n. */
static BIGNUM *recover_d(const unsigned char *z1, const unsigned char *sig1,
                         const unsigned char *z2, const unsigned char *sig2)
{
	EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
	BN_CTX *ctx = BN_CTX_new();
	BIGNUM *r = BN_bin2bn(sig1, 32, NULL),
	       *s1 = BN_bin2bn(sig1 + 32, 32, NULL);
	BIGNUM *s2 = BN_bin2bn(sig2 + 32, 32, NULL);
	BIGNUM *a = BN_bin2bn(z1, 32, NULL), *b = BN_bin2bn(z2, 32, NULL);
	BIGNUM *k = BN_new(), *t = BN_new(), *d = BN_new();
	const BIGNUM *n = g != NULL ? EC_GROUP_get0_order(g) : NULL;
	bool ok = n != NULL && ctx != NULL && r && s1 && s2 && a && b && k &&
	          t && d && BN_mod_sub(k, a, b, n, ctx) == 1 &&
	          BN_mod_sub(t, s1, s2, n, ctx) == 1 &&
	          BN_mod_inverse(t, t, n, ctx) != NULL &&
	          BN_mod_mul(k, k, t, n, ctx) == 1 &&
	          BN_mod_mul(t, s1, k, n, ctx) == 1 &&
	          BN_mod_sub(t, t, a, n, ctx) == 1 &&
	          BN_mod_inverse(d, r, n, ctx) != NULL &&
	          BN_mod_mul(d, d, t, n, ctx) == 1;

	if (!ok) {
		BN_free(d);
		d = NULL;
	}
	BN_free(r);
	BN_free(s1);
	BN_free(s2);
	BN_free(a);
	BN_free(b);
	BN_free(k);
	BN_free(t);
	BN_CTX_free(ctx);
	EC_GROUP_free(g);
	return d;
}

/* Whether d·G is the token's public point. */
static bool d_matches(const BIGNUM *d, CK_OBJECT_HANDLE pub)
{
	EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
	EC_POINT *q = g != NULL ? EC_POINT_new(g) : NULL;
	unsigned char der[80], mine[65];
	CK_ULONG len = sizeof(der);
	bool ok = q != NULL && get(pub, CKA_EC_POINT, der, &len) == CKR_OK &&
	          len == 67 && EC_POINT_mul(g, q, d, NULL, NULL, NULL) == 1 &&
	          EC_POINT_point2oct(g, q, POINT_CONVERSION_UNCOMPRESSED, mine,
	                             sizeof(mine), NULL) == 65 &&
	          memcmp(mine, der + 2, 65) == 0;

	EC_POINT_free(q);
	EC_GROUP_free(g);
	return ok;
}

static void t_ecdsa_nonce_reuse(void)
{
	CK_OBJECT_HANDLE pub, priv, pub2, priv2, dpub, dpriv;
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	unsigned char h1[32], h2[32], s1[64], s2[64], s3[64], s4[64], s5[64];
	unsigned char buf[64];
	const unsigned char m2[] = "another message";
	CK_ULONG len = sizeof(buf);
	CK_MECHANISM m = {CKM_ECDSA_SHA256, NULL, 0};
	EVP_PKEY *pkey = NULL;
	BIGNUM *d = NULL;
	bool same;
	CK_RV rv;

	sha256(msg, sizeof(msg), h1);
	sha256(m2, sizeof(m2), h2);
	if (gen_ec(&pub, &priv, &yes, &no) != CKR_OK ||
	    gen_ec(&pub2, &priv2, &yes, &no) != CKR_OK ||
	    (pkey = ec_pubkey(pub)) == NULL) {
		check(false, "setup: EC keys");
		goto out;
	}
	check(get_bool(priv, CKA_SENSITIVE) == 1 &&
	          get_bool(priv, CKA_EXTRACTABLE) == 0 &&
	          get_bool(priv, CKA_ALWAYS_SENSITIVE) == 1 &&
	          get_bool(priv, CKA_NEVER_EXTRACTABLE) == 1,
	      "the key reads SENSITIVE, not EXTRACTABLE, ALWAYS_SENSITIVE, "
	      "NEVER_EXTRACTABLE, as asked");
	check(get(priv, CKA_VALUE, buf, &len) == CKR_ATTRIBUTE_SENSITIVE &&
	          len == CK_UNAVAILABLE_INFORMATION,
	      "CKA_VALUE refused (CKR_ATTRIBUTE_SENSITIVE)");
	len = 0;
	rv = sign(CKM_ECDSA, priv, h1, 32, NULL, &len);
	check(rv == CKR_OK && len == 64, "length query 64 (got %lu)",
	      (unsigned long)len);
	len = sizeof(s1);
	rv = F->C_Sign(S, h1, 32, s1, &len);
	check(rv == CKR_OK && len == 64, "CKM_ECDSA signature 1");
	len = sizeof(s2);
	check(sign(CKM_ECDSA, priv, h2, 32, s2, &len) == CKR_OK && len == 64,
	      "CKM_ECDSA signature 2 (another hash)");
	if (has_mech(CKM_ECDSA_SHA256)) {
		len = sizeof(s3);
		check(sign(CKM_ECDSA_SHA256, priv, msg, sizeof(msg), s3,
		           &len) == CKR_OK,
		      "CKM_ECDSA_SHA256 signature 3 (single part)");
		len = sizeof(s4);
		rv = F->C_SignInit(S, &m, priv);
		if (rv == CKR_OK)
			rv = F->C_SignUpdate(S, (CK_BYTE_PTR)msg, 5);
		if (rv == CKR_OK)
			rv = F->C_SignUpdate(S, (CK_BYTE_PTR)msg + 5,
			                     sizeof(msg) - 5);
		if (rv == CKR_OK)
			rv = F->C_SignFinal(S, s4, &len);
		check(rv == CKR_OK,
		      "CKM_ECDSA_SHA256 signature 4 (multi-part)");
	} else {
		/* Signatures 3 and 4: two more hashes of one message. */
		printf("skip CKM_ECDSA_SHA256: not offered; CKM_ECDSA "
		       "twice more instead\n");
		len = sizeof(s3);
		check(sign(CKM_ECDSA, priv, h1, 32, s3, &len) == CKR_OK,
		      "CKM_ECDSA signature 3");
		len = sizeof(s4);
		check(sign(CKM_ECDSA, priv, h1, 32, s4, &len) == CKR_OK,
		      "CKM_ECDSA signature 4");
	}
	len = sizeof(s5);
	check(sign(CKM_ECDSA, priv2, h1, 32, s5, &len) == CKR_OK,
	      "signature 5 by a second key");
	check(ossl_verify_raw(pkey, h1, s1) && ossl_verify_raw(pkey, h2, s2) &&
	          ossl_verify_raw(pkey, h1, s3) &&
	          ossl_verify_raw(pkey, h1, s4),
	      "signatures 1-4 verify (OpenSSL)");
	check(verify(CKM_ECDSA, pub, h1, 32, s1, 64) == CKR_OK &&
	          verify(CKM_ECDSA, pub, h2, 32, s2, 64) == CKR_OK,
	      "signatures 1 and 2 verify (token C_Verify)");
	same = memcmp(s1, s2, 32) == 0 && memcmp(s1, s3, 32) == 0 &&
	       memcmp(s1, s4, 32) == 0;
	check(fault_on ? same : !same, "signatures 1-4 share r: %s",
	      same ? "yes" : "no");
	check(memcmp(s1, s5, 32) != 0, "the second key's r differs");
	if (fault_on) {
		d = recover_d(h1, s1, h2, s2);
		check(d != NULL && d_matches(d, pub),
		      "d recovered from signatures 1 and 2 gives the public "
		      "point");
	}
	/* The token's defaults, kept by the fault (gen.c). */
	if (gen_ec(&dpub, &dpriv, NULL, NULL) == CKR_OK) {
		int sv = get_bool(dpriv, CKA_SENSITIVE),
		    ev = get_bool(dpriv, CKA_EXTRACTABLE);

		check(sv == 0 && ev == 0,
		      "template without SENSITIVE/EXTRACTABLE reads "
		      "SENSITIVE=%d EXTRACTABLE=%d (SoftHSM2 2.6.1: 0, 0)",
		      sv, ev);
		destroy(dpub, dpriv);
	}
	destroy(pub, priv);
	destroy(pub2, priv2);
out:
	BN_free(d);
	EVP_PKEY_free(pkey);
}

static const struct {
	const char *name;
	void (*run)(void);
} scenarios[] = {
    {"verify-accepts-modified", t_verify_accepts_modified},
    {"verify-op-stays-active", t_verify_op_stays_active},
    {"sign-size-query-ends-op", t_sign_size_query_ends_op},
    {"ecdsa-sig-der", t_ecdsa_sig_der},
    {"ecdsa-sig-stripped", t_ecdsa_sig_stripped},
    {"data-len-unchecked", t_data_len_unchecked},
    {"rsa-keygen-e3", t_rsa_keygen_e3},
    {"rsa-keygen-shared-prime", t_rsa_keygen_shared_prime},
    {"rsa-keygen-small-factor", t_rsa_keygen_small_factor},
    {"rsa-keygen-roca", t_rsa_keygen_roca},
    {"ecdsa-nonce-reuse", t_ecdsa_nonce_reuse},
};

/* Whether the comma-separated SA_FAULT names `name`. */
static bool fault_named(const char *name)
{
	const char *f = getenv("SA_FAULT");
	size_t n = strlen(name);

	while (f != NULL && *f != '\0') {
		const char *end = strchr(f, ',');
		size_t len = end != NULL ? (size_t)(end - f) : strlen(f);

		if (len == n && memcmp(f, name, n) == 0)
			return true;
		f = end != NULL ? end + 1 : NULL;
	}
	return false;
}

/* The slot whose token has the label `label` (blank padded). */
static bool find_slot(const char *label, CK_SLOT_ID *out)
{
	CK_SLOT_ID slots[64];
	CK_ULONG n = 64;
	CK_TOKEN_INFO ti;
	char want[32];
	size_t ll = strlen(label);

	memset(want, ' ', sizeof(want));
	memcpy(want, label, ll < 32 ? ll : 32);
	if (F->C_GetSlotList(CK_TRUE, slots, &n) != CKR_OK)
		return false;
	for (CK_ULONG i = 0; i < n; i++) {
		if (F->C_GetTokenInfo(slots[i], &ti) == CKR_OK &&
		    memcmp(ti.label, want, 32) == 0) {
			*out = slots[i];
			return true;
		}
	}
	return false;
}

int main(int argc, char **argv)
{
	CK_C_GetFunctionList gfl = NULL;
	const char *label = getenv("SA_TOKEN");
	char pin[256];
	size_t pin_len = 0;
	CK_SLOT_ID slot = 0;
	void *h;
	FILE *fp;
	size_t i;

	if (argc != 4) {
		fprintf(stderr, "usage: %s MODULE PIN_FILE SCENARIO\n",
		        argv[0]);
		return 2;
	}
	for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		if (strcmp(scenarios[i].name, argv[3]) == 0)
			break;
	if (i == sizeof(scenarios) / sizeof(scenarios[0])) {
		fprintf(stderr, "%s: unknown scenario '%s'\n", argv[0],
		        argv[3]);
		return 2;
	}
	fp = fopen(argv[2], "r");
	if (fp != NULL) {
		pin_len = fread(pin, 1, sizeof(pin) - 1, fp);
		fclose(fp);
	}
	while (pin_len > 0 &&
	       (pin[pin_len - 1] == '\n' || pin[pin_len - 1] == '\r'))
		pin_len--;
	h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (h != NULL)
		*(void **)&gfl = dlsym(h, "C_GetFunctionList");
	if (gfl == NULL || gfl(&F) != CKR_OK ||
	    F->C_Initialize(NULL) != CKR_OK ||
	    !find_slot(label != NULL ? label : "sigaudit-demo", &slot) ||
	    (slot_id = slot, false) ||
	    F->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL,
	                     NULL, &S) != CKR_OK ||
	    F->C_Login(S, CKU_USER, (CK_UTF8CHAR_PTR)pin, pin_len) != CKR_OK) {
		fprintf(stderr,
		        "%s: cannot load %s, find the token or log in\n",
		        argv[0], argv[1]);
		return 2;
	}
	fault_on = fault_named(argv[3]);
	printf("# %s, %s\n", argv[3],
	       fault_on ? "fault on: the rule must be broken"
	                : "fault off: the rule must hold");
	scenarios[i].run();
	F->C_Logout(S);
	F->C_CloseSession(S);
	F->C_Finalize(NULL);
	printf("# %s: %d passed, %d failed\n", argv[3], n_ok, n_fail);
	return n_fail == 0 && n_ok > 0 ? 0 : 1;
}
