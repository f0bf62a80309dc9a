/* Key-protection suite: helpers of the attack-style findings
 * (kp_util_attack.h). */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "sigaudit/guard.h"

#include "kp_util_attack.h"

/* ---- objects ---- */

CK_OBJECT_HANDLE sa_kpa_keep(sa_kpa_objs *o, CK_OBJECT_HANDLE h)
{
	if (h != CK_INVALID_HANDLE && o->n < SA_KPA_OBJS_MAX)
		o->h[o->n++] = h;
	return h;
}

void sa_kpa_destroy_all(sa_case_ctx *ctx, CK_SESSION_HANDLE s, sa_kpa_objs *o)
{
	while (o->n > 0) {
		o->n--;
		sa_p11_destroy(ctx, s, &o->h[o->n]);
	}
}

/* ---- evidence ---- */

void sa_kpa_log(sa_buf *ev, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	(void)sa_buf_append_str(ev, line);
	(void)sa_buf_append_str(ev, "\n");
}

void sa_kpa_log_save(sa_case_ctx *ctx, const sa_buf *ev, const char *name)
{
	if (ev->len == 0)
		goto out;
	if (!sa_buf_ok(ev)) {
		sa_case_note(ctx, "evidence %s not written: out of memory",
		             name);
		goto out;
	}
	if (sa_case_evidence(ctx, name, ev->data, ev->len) < 0)
		sa_case_note(ctx, "evidence %s not written: %s", name,
		             sa_case_err(ctx)->msg);
out:
	return;
}

void sa_kpa_key_id(const void *value, size_t len, char *out)
{
	char kcv[7];

	if ((len == 16 || len == 24 || len == 32) &&
	    sa_kp_aes_kcv(value, len, kcv) == SA_OK)
		snprintf(out, SA_KPA_ID_SIZE, "kcv:%s", kcv);
	else
		sa_kp_fingerprint(value, len, out);
}

/* ---- software ciphers ---- */

static const EVP_CIPHER *aes_cipher(CK_MECHANISM_TYPE mech, size_t key_len)
{
	int k = key_len == 16 ? 0 : key_len == 24 ? 1 : key_len == 32 ? 2 : -1;

	if (k < 0)
		return NULL;
	switch (mech) {
	case CKM_AES_KEY_WRAP:
		return k == 0   ? EVP_aes_128_wrap()
		       : k == 1 ? EVP_aes_192_wrap()
		                : EVP_aes_256_wrap();
	case CKM_AES_KEY_WRAP_PAD:
		return k == 0   ? EVP_aes_128_wrap_pad()
		       : k == 1 ? EVP_aes_192_wrap_pad()
		                : EVP_aes_256_wrap_pad();
	case CKM_AES_ECB:
		return k == 0   ? EVP_aes_128_ecb()
		       : k == 1 ? EVP_aes_192_ecb()
		                : EVP_aes_256_ecb();
	case CKM_AES_CBC:
	case CKM_AES_CBC_PAD:
		return k == 0   ? EVP_aes_128_cbc()
		       : k == 1 ? EVP_aes_192_cbc()
		                : EVP_aes_256_cbc();
	default:
		return NULL;
	}
}

int sa_kpa_soft_decrypt(CK_MECHANISM_TYPE mech, const CK_BYTE *key,
                        size_t key_len, const CK_BYTE *iv, const void *in,
                        size_t len, sa_buf *out)
{
	int rc = SA_E_UNSUPPORTED;
	const EVP_CIPHER *ciph = aes_cipher(mech, key_len);
	EVP_CIPHER_CTX *c = NULL;
	bool cbc = mech == CKM_AES_CBC || mech == CKM_AES_CBC_PAD;
	int n1 = 0, n2 = 0;

	sa_buf_reset(out);
	if (ciph == NULL)
		goto out;
	rc = SA_E_OSSL;
	if (len > (size_t)INT32_MAX - 64)
		goto out;
	c = EVP_CIPHER_CTX_new();
	if (c == NULL)
		goto out;
	/* RFC 3394/5649 ciphers refuse to run without this flag (OpenSSL
	 * guards them against use as ordinary ciphers). */
	EVP_CIPHER_CTX_set_flags(c, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
	if (EVP_DecryptInit_ex(c, ciph, NULL, key, cbc ? iv : NULL) != 1)
		goto out;
	/* CKM_AES_ECB and CKM_AES_CBC have no padding (Curr. Mech. v2.40
	 * §2.10); only _PAD removes PKCS#7 padding. */
	if ((mech == CKM_AES_ECB || mech == CKM_AES_CBC) &&
	    EVP_CIPHER_CTX_set_padding(c, 0) != 1)
		goto out;
	if (sa_buf_reserve(out, len + 32) < 0)
		goto out;
	if (EVP_DecryptUpdate(c, out->data, &n1, in, (int)len) != 1)
		goto out;
	if (EVP_DecryptFinal_ex(c, out->data + n1, &n2) != 1)
		goto out;
	out->len = (size_t)n1 + (size_t)n2;
	rc = SA_OK;
out:
	if (rc != SA_OK)
		sa_buf_reset(out);
	EVP_CIPHER_CTX_free(c);
	return rc;
}

int sa_kpa_soft_aes_ecb(const CK_BYTE *key, size_t key_len, const void *in,
                        size_t len, CK_BYTE *out)
{
	int rc = SA_E_INVALID;
	const EVP_CIPHER *ciph = aes_cipher(CKM_AES_ECB, key_len);
	EVP_CIPHER_CTX *c = NULL;
	int n = 0;

	if (ciph == NULL || len % 16 != 0 || len > 4096)
		goto out;
	rc = SA_E_OSSL;
	c = EVP_CIPHER_CTX_new();
	if (c == NULL)
		goto out;
	if (EVP_EncryptInit_ex(c, ciph, NULL, key, NULL) != 1 ||
	    EVP_CIPHER_CTX_set_padding(c, 0) != 1 ||
	    EVP_EncryptUpdate(c, out, &n, in, (int)len) != 1 ||
	    (size_t)n != len)
		goto out;
	rc = SA_OK;
out:
	EVP_CIPHER_CTX_free(c);
	return rc;
}

void sa_kpa_mech(CK_MECHANISM_TYPE mech, CK_MECHANISM *out)
{
	out->mechanism = mech;
	out->pParameter = NULL;
	out->ulParameterLen = 0;
	switch (mech) {
	case CKM_AES_CBC:
	case CKM_AES_CBC_PAD:
		out->pParameter = (void *)sa_kp_zero_iv;
		out->ulParameterLen = 16;
		break;
	case CKM_DES3_CBC:
	case CKM_DES3_CBC_PAD:
		/* the first 8 bytes of the zero IV */
		out->pParameter = (void *)sa_kp_zero_iv;
		out->ulParameterLen = 8;
		break;
	default:
		break;
	}
}

CK_RV sa_kpa_same_aes_value(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                            CK_OBJECT_HANDLE h, const CK_BYTE *value,
                            size_t len, bool *same)
{
	static const CK_BYTE zero[16] = {0};
	CK_BYTE want[16];
	sa_buf got = SA_BUF_INIT;
	CK_MECHANISM m;
	CK_RV rv;

	*same = false;
	sa_kpa_mech(CKM_AES_ECB, &m);
	rv = sa_kp_encrypt(ctx, s, h, &m, zero, sizeof(zero), &got);
	if (rv != CKR_OK) {
		sa_kpa_mech(CKM_AES_CBC, &m);
		rv = sa_kp_encrypt(ctx, s, h, &m, zero, sizeof(zero), &got);
	}
	if (rv != CKR_OK)
		goto out;
	if (sa_kpa_soft_aes_ecb(value, len, zero, sizeof(zero), want) != SA_OK)
		goto out;
	*same = got.len == sizeof(want) &&
	        CRYPTO_memcmp(got.data, want, sizeof(want)) == 0;
out:
	sa_buf_free(&got);
	return rv;
}

/* ---- scanning ---- */

struct scan_window {
	uint64_t w;
	const char *what;
};

struct sa_kpa_scan {
	struct scan_window *v;
	size_t n, cap;
	bool sorted;
};

sa_kpa_scan *sa_kpa_scan_new(void)
{
	return calloc(1, sizeof(sa_kpa_scan));
}

void sa_kpa_scan_free(sa_kpa_scan *sc)
{
	if (sc == NULL)
		return;
	if (sc->v != NULL)
		OPENSSL_clear_free(sc->v, sc->cap * sizeof(*sc->v));
	free(sc);
}

static int scan_push(sa_kpa_scan *sc, const unsigned char *p, const char *what)
{
	int rc = SA_E_NOMEM;
	struct scan_window *nv;
	size_t cap;

	if (sc->n == sc->cap) {
		cap = sc->cap ? sc->cap * 2 : 256;
		/* not realloc: the old windows must be wiped, not left in
		 * freed memory */
		nv = OPENSSL_zalloc(cap * sizeof(*nv));
		if (nv == NULL)
			goto out;
		if (sc->v != NULL) {
			memcpy(nv, sc->v, sc->n * sizeof(*nv));
			OPENSSL_clear_free(sc->v, sc->cap * sizeof(*sc->v));
		}
		sc->v = nv;
		sc->cap = cap;
	}
	memcpy(&sc->v[sc->n].w, p, SA_KPA_WINDOW);
	sc->v[sc->n].what = what;
	sc->n++;
	sc->sorted = false;
	rc = SA_OK;
out:
	return rc;
}

int sa_kpa_scan_add(sa_kpa_scan *sc, const char *what, const void *value,
                    size_t len)
{
	int rc = SA_E_INVALID;
	const unsigned char *v = value;
	unsigned char rev[SA_KPA_WINDOW];
	size_t i, j;

	if (sc == NULL || value == NULL || len < SA_KPA_WINDOW)
		goto out;
	for (i = 0; i + SA_KPA_WINDOW <= len; i++) {
		SA_TRY(scan_push(sc, v + i, what));
		for (j = 0; j < SA_KPA_WINDOW; j++)
			rev[j] = v[i + SA_KPA_WINDOW - 1 - j];
		SA_TRY(scan_push(sc, rev, what));
	}
	rc = SA_OK;
out:
	OPENSSL_cleanse(rev, sizeof(rev));
	return rc;
}

static int window_cmp(const void *a, const void *b)
{
	uint64_t x = ((const struct scan_window *)a)->w;
	uint64_t y = ((const struct scan_window *)b)->w;

	return x < y ? -1 : x > y ? 1 : 0;
}

bool sa_kpa_scan_find(sa_kpa_scan *sc, const void *buf, size_t len,
                      const char **what, size_t *off)
{
	const unsigned char *p = buf;
	struct scan_window key = {0, NULL}, *hit = NULL;
	size_t i;

	if (sc == NULL || sc->n == 0 || buf == NULL || len < SA_KPA_WINDOW)
		goto out;
	if (!sc->sorted) {
		qsort(sc->v, sc->n, sizeof(*sc->v), window_cmp);
		sc->sorted = true;
	}
	for (i = 0; i + SA_KPA_WINDOW <= len && hit == NULL; i++) {
		memcpy(&key.w, p + i, SA_KPA_WINDOW);
		hit = bsearch(&key, sc->v, sc->n, sizeof(*sc->v), window_cmp);
		if (hit != NULL) {
			if (what != NULL)
				*what = hit->what;
			if (off != NULL)
				*off = i;
		}
	}
out:
	OPENSSL_cleanse(&key, sizeof(key));
	return hit != NULL;
}

/* ---- strength ---- */

unsigned sa_kpa_strength(CK_KEY_TYPE kt, CK_ULONG bits)
{
	switch (kt) {
	case CKK_AES:
		return (unsigned)bits;
	case CKK_DES2:
		return 80;
	case CKK_DES3:
		return 112;
	case CKK_DES:
		return 56;
	case CKK_RSA:
	case CKK_DSA:
	case CKK_DH:
		/* SP 800-57 Part 1 Rev. 5, Table 2: IFC/FFC modulus size */
		return bits >= 15360  ? 256
		       : bits >= 7680 ? 192
		       : bits >= 3072 ? 128
		       : bits >= 2048 ? 112
		       : bits >= 1024 ? 80
		                      : 0;
	case CKK_EC:
	case CKK_EC_EDWARDS:
		/* ECC: half the field size */
		return (unsigned)(bits / 2);
	default:
		return 0;
	}
}
