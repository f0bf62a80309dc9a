/* Shared parts of the vector loaders: the file's lifecycle, hex and big
 * integer decoding, digest names, bounded reading, a minimal DER reader. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sigaudit/guard.h"
#include "sigvec_int.h"

const char *sa_sv_scheme_str(sa_sv_scheme s)
{
	switch (s) {
	case SA_SV_ECDSA_P1363:
		return "ECDSA-P1363";
	case SA_SV_ECDSA_DER:
		return "ECDSA-DER";
	case SA_SV_RSA_PKCS1:
		return "RSA-PKCS1";
	case SA_SV_RSA_PSS:
		return "RSA-PSS";
	case SA_SV_EDDSA:
		return "EdDSA";
	case SA_SV_SCHEME_COUNT_:
		break;
	}
	return "unknown";
}

int sa_sv_file_new(sa_sv_file **out, const char *source, sa_error *err)
{
	sa_sv_file_impl *impl = calloc(1, sizeof(*impl));
	int rc;

	*out = NULL;
	SA_ENSURE(impl != NULL, err, SA_E_NOMEM, "%s: out of memory",
	          source ? source : "(vectors)");
	snprintf(impl->pub.source, sizeof(impl->pub.source), "%s",
	         source ? source : "");
	*out = &impl->pub;
	rc = SA_OK;
out:
	return rc;
}

static void group_free(sa_sv_group *g)
{
	sa_buf_free(&g->n);
	sa_buf_free(&g->e);
	sa_buf_free(&g->point);
	sa_buf_free(&g->spki);
	sa_buf_free(&g->priv_pkcs8);
	sa_buf_free(&g->priv);
}

static void test_free(sa_sv_test *t)
{
	sa_buf_free(&t->msg);
	sa_buf_free(&t->sig);
	free(t->flags);
	free(t->comment);
}

void sa_sv_free(sa_sv_file *f)
{
	sa_sv_file_impl *impl = (sa_sv_file_impl *)f;

	if (f == NULL)
		return;
	for (size_t i = 0; i < f->n_groups; i++)
		group_free(&f->groups[i]);
	for (size_t i = 0; i < f->n_tests; i++)
		test_free(&f->tests[i]);
	for (size_t i = 0; i < impl->n_strs; i++)
		free(impl->strs[i]);
	free(impl->strs);
	free(f->groups);
	free(f->tests);
	free(impl);
}

/* Grow *arr (elements of size `size`) so that it holds one more than *n. */
static int grow(void **arr, size_t *cap, size_t n, size_t size)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return SA_OK;
	ncap = *cap ? *cap * 2 : 16;
	if (ncap > SIZE_MAX / size)
		return SA_E_NOMEM;
	p = realloc(*arr, ncap * size);
	if (p == NULL)
		return SA_E_NOMEM;
	*arr = p;
	*cap = ncap;
	return SA_OK;
}

int sa_sv_group_add(sa_sv_file *f, sa_sv_group **out, sa_error *err)
{
	sa_sv_file_impl *impl = (sa_sv_file_impl *)f;
	const sa_buf secure = SA_BUF_INIT_SECURE;
	void *arr = f->groups;
	sa_sv_group *g;
	int rc;

	*out = NULL;
	rc = grow(&arr, &impl->cap_groups, f->n_groups, sizeof(*g));
	f->groups = arr;
	SA_ENSURE(rc == SA_OK, err, SA_E_NOMEM, "%s: out of memory", f->source);
	g = &f->groups[f->n_groups++];
	memset(g, 0, sizeof(*g));
	g->salt_len = -1;
	g->priv_pkcs8 = secure;
	g->priv = secure;
	g->first = f->n_tests;
	*out = g;
out:
	return rc;
}

int sa_sv_test_add(sa_sv_file *f, sa_sv_test **out, sa_error *err)
{
	sa_sv_file_impl *impl = (sa_sv_file_impl *)f;
	void *arr = f->tests;
	sa_sv_test *t;
	int rc;

	*out = NULL;
	rc = grow(&arr, &impl->cap_tests, f->n_tests, sizeof(*t));
	f->tests = arr;
	SA_ENSURE(rc == SA_OK, err, SA_E_NOMEM, "%s: out of memory", f->source);
	t = &f->tests[f->n_tests++];
	memset(t, 0, sizeof(*t));
	t->group = f->n_groups ? f->n_groups - 1 : 0;
	*out = t;
out:
	return rc;
}

int sa_sv_strdup(sa_sv_file *f, const char *s, size_t len, char **out,
                 sa_error *err)
{
	sa_sv_file_impl *impl = (sa_sv_file_impl *)f;
	void *arr = impl->strs;
	char *copy = NULL;
	int rc;

	*out = NULL;
	rc = grow(&arr, &impl->cap_strs, impl->n_strs, sizeof(char *));
	impl->strs = arr;
	SA_ENSURE(rc == SA_OK, err, SA_E_NOMEM, "%s: out of memory", f->source);
	copy = malloc(len + 1);
	SA_ENSURE(copy != NULL, err, SA_E_NOMEM, "%s: out of memory",
	          f->source);
	if (len > 0)
		memcpy(copy, s, len);
	copy[len] = '\0';
	impl->strs[impl->n_strs++] = copy;
	*out = copy;
out:
	return rc;
}

/* Wycheproof ("SHA-256", "SHA-512/256", "SHA3-256") and CAVP ("SHA256",
 * "SHA-256", "SHA1") spellings, to the names EVP_get_digestbyname() and
 * EVP_MD_fetch() know. */
static const struct {
	const char *given;
	const char *ossl;
} hash_names[] = {
    {"SHA-1", "SHA1"},
    {"SHA1", "SHA1"},
    {"SHA-224", "SHA224"},
    {"SHA224", "SHA224"},
    {"SHA-256", "SHA256"},
    {"SHA256", "SHA256"},
    {"SHA-384", "SHA384"},
    {"SHA384", "SHA384"},
    {"SHA-512", "SHA512"},
    {"SHA512", "SHA512"},
    {"SHA-512/224", "SHA512-224"},
    {"SHA512/224", "SHA512-224"},
    {"SHA-512/256", "SHA512-256"},
    {"SHA512/256", "SHA512-256"},
    {"SHA3-224", "SHA3-224"},
    {"SHA3-256", "SHA3-256"},
    {"SHA3-384", "SHA3-384"},
    {"SHA3-512", "SHA3-512"},
    {"SHAKE128", "SHAKE128"},
    {"SHAKE256", "SHAKE256"},
};

int sa_sv_hash_name(sa_sv_file *f, const char *given, const char **out,
                    sa_error *err)
{
	char *copy = NULL;
	int rc;

	for (size_t i = 0; i < sizeof(hash_names) / sizeof(hash_names[0]);
	     i++) {
		if (strcmp(given, hash_names[i].given) == 0) {
			*out = hash_names[i].ossl;
			return SA_OK;
		}
	}
	SA_TRY(sa_sv_strdup(f, given, strlen(given), &copy, err));
	*out = copy;
	rc = SA_OK;
out:
	return rc;
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Hex digits into out; with odd_ok an odd count is read as if a 0 led it
 * (an integer's value, not a byte string). */
static int hex_decode(sa_buf *out, const char *hex, size_t len, bool odd_ok,
                      char *why, size_t why_len)
{
	size_t i = 0, nbytes = (len + 1) / 2;
	int rc = SA_E_PARSE;

	sa_buf_reset(out);
	if (len % 2 != 0 && !odd_ok) {
		snprintf(why, why_len, "odd-length hex (%zu digits)", len);
		goto out;
	}
	if (nbytes > SA_SV_FIELD_MAX) {
		snprintf(why, why_len, "hex field of %zu bytes (limit %zu)",
		         nbytes, SA_SV_FIELD_MAX);
		goto out;
	}
	if (sa_buf_reserve(out, nbytes) < 0) {
		snprintf(why, why_len, "out of memory");
		rc = SA_E_NOMEM;
		goto out;
	}
	while (i < len) {
		/* The first digit alone when the count is odd. */
		int hi =
		    (len - i) % 2 != 0 ? 0 : hexval((unsigned char)hex[i++]);
		int lo = hexval((unsigned char)hex[i++]);
		if (hi < 0 || lo < 0) {
			snprintf(why, why_len, "bad hex digit at offset %zu",
			         hi < 0 ? i - 2 : i - 1);
			sa_buf_reset(out);
			goto out;
		}
		out->data[out->len++] = (unsigned char)(hi << 4 | lo);
	}
	out->data[out->len] = '\0';
	rc = SA_OK;
out:
	return rc;
}

int sa_sv_hex(sa_buf *out, const char *hex, size_t len, char *why,
              size_t why_len)
{
	return hex_decode(out, hex, len, false, why, why_len);
}

int sa_sv_bigint(sa_buf *out, const char *hex, size_t len, size_t width,
                 unsigned flags, char *why, size_t why_len)
{
	size_t skip = 0, n;
	int rc;

	rc = hex_decode(out, hex, len, (flags & SA_SV_INT_ODD_OK) != 0, why,
	                why_len);
	if (rc < 0)
		goto out;
	rc = SA_E_PARSE;
	if ((flags & SA_SV_INT_SIGNED) != 0 && out->len > 0 &&
	    (out->data[0] & 0x80) != 0) {
		snprintf(why, why_len, "negative integer (two's complement)");
		goto out;
	}
	while (skip < out->len && out->data[skip] == 0)
		skip++;
	n = out->len - skip;
	if (n == 0 && (flags & SA_SV_INT_ZERO_OK) == 0) {
		snprintf(why, why_len, "integer is zero");
		goto out;
	}
	if (width > 0 && n > width) {
		snprintf(why, why_len, "integer of %zu bytes, more than %zu", n,
		         width);
		goto out;
	}
	if (width > n) {
		size_t pad = width - n;
		if (sa_buf_reserve(out, pad) < 0) {
			snprintf(why, why_len, "out of memory");
			rc = SA_E_NOMEM;
			goto out;
		}
		memmove(out->data + pad, out->data + skip, n);
		memset(out->data, 0, pad);
		out->len = width;
	} else if (skip > 0) {
		memmove(out->data, out->data + skip, n);
		out->len = n;
	}
	out->data[out->len] = '\0';
	rc = SA_OK;
out:
	if (rc < 0)
		sa_buf_reset(out);
	return rc;
}

size_t sa_sv_bits(const unsigned char *p, size_t len)
{
	size_t i = 0;
	unsigned v;
	size_t bits;

	while (i < len && p[i] == 0)
		i++;
	if (i == len)
		return 0;
	bits = (len - i - 1) * 8;
	for (v = p[i]; v != 0; v >>= 1)
		bits++;
	return bits;
}

int sa_sv_read_file(const char *path, sa_buf *out, sa_error *err)
{
	FILE *fp = NULL;
	struct stat st;
	size_t n;
	int rc;

	sa_buf_reset(out);
	fp = fopen(path, "rb");
	SA_ENSURE(fp != NULL, err, SA_E_IO, "%s: %s", path, strerror(errno));
	SA_ENSURE(fstat(fileno(fp), &st) == 0, err, SA_E_IO, "%s: %s", path,
	          strerror(errno));
	SA_ENSURE(S_ISREG(st.st_mode), err, SA_E_IO, "%s: not a regular file",
	          path);
	SA_ENSURE((uintmax_t)st.st_size <= SA_SV_FILE_MAX, err, SA_E_RANGE,
	          "%s: file of %jd bytes (limit %zu)", path,
	          (intmax_t)st.st_size, SA_SV_FILE_MAX);
	SA_ENSURE(sa_buf_reserve(out, (size_t)st.st_size + 1) == SA_OK, err,
	          SA_E_NOMEM, "%s: out of memory", path);
	/* Read one byte more than stat said, so a file that grew under us is
	 * still bounded. */
	n = fread(out->data, 1, (size_t)st.st_size + 1, fp);
	SA_ENSURE(!ferror(fp), err, SA_E_IO, "%s: read error", path);
	SA_ENSURE(n <= SA_SV_FILE_MAX, err, SA_E_RANGE,
	          "%s: file larger than %zu bytes", path, SA_SV_FILE_MAX);
	out->len = n;
	out->data[n] = '\0';
	rc = SA_OK;
out:
	if (fp != NULL)
		fclose(fp);
	return rc;
}

/* One DER TLV at *p (X.690 §8.1, definite form, minimal length octets). */
static int der_tlv(const unsigned char **p, const unsigned char *end,
                   unsigned char tag, const unsigned char **content,
                   size_t *clen)
{
	const unsigned char *q = *p;
	size_t len = 0;
	int rc = SA_E_PARSE;

	if (end - q < 2 || q[0] != tag)
		goto out;
	q++;
	if (*q < 0x80) {
		len = *q++;
	} else {
		unsigned nb = *q++ & 0x7fu;
		if (nb == 0 || nb > 4 || (size_t)(end - q) < nb || *q == 0)
			goto out;
		for (unsigned i = 0; i < nb; i++)
			len = len << 8 | *q++;
		if (len < 0x80)
			goto out;
	}
	if ((size_t)(end - q) < len)
		goto out;
	*content = q;
	*clen = len;
	*p = q + len;
	rc = SA_OK;
out:
	return rc;
}

int sa_sv_spki_key(const unsigned char *der, size_t len,
                   const unsigned char **key, size_t *key_len, char *why,
                   size_t why_len)
{
	const unsigned char *p = der, *end = der + len, *c, *alg, *bits;
	size_t clen, alen, blen;
	int rc = SA_E_PARSE;

	if (der == NULL || der_tlv(&p, end, 0x30, &c, &clen) != SA_OK ||
	    p != end) {
		snprintf(why, why_len, "not a DER SEQUENCE");
		goto out;
	}
	p = c;
	end = c + clen;
	/* RFC 5280 §4.1: SEQUENCE { algorithm AlgorithmIdentifier,
	 * subjectPublicKey BIT STRING }; a key has no unused bits. */
	if (der_tlv(&p, end, 0x30, &alg, &alen) != SA_OK ||
	    der_tlv(&p, end, 0x03, &bits, &blen) != SA_OK || p != end ||
	    blen < 1 || bits[0] != 0) {
		snprintf(why, why_len,
		         "not a SubjectPublicKeyInfo (RFC 5280 4.1)");
		goto out;
	}
	*key = bits + 1;
	*key_len = blen - 1;
	rc = SA_OK;
out:
	return rc;
}

int sa_sv_rsa_pub(const unsigned char *der, size_t len, const unsigned char **n,
                  size_t *n_len, const unsigned char **e, size_t *e_len,
                  char *why, size_t why_len)
{
	const unsigned char *p = der, *end = der + len, *c;
	size_t clen;
	int rc = SA_E_PARSE;

	if (der_tlv(&p, end, 0x30, &c, &clen) != SA_OK || p != end) {
		snprintf(why, why_len, "not an RSAPublicKey (RFC 8017 A.1.1)");
		goto out;
	}
	p = c;
	end = c + clen;
	if (der_tlv(&p, end, 0x02, n, n_len) != SA_OK ||
	    der_tlv(&p, end, 0x02, e, e_len) != SA_OK || p != end) {
		snprintf(why, why_len, "not an RSAPublicKey (RFC 8017 A.1.1)");
		goto out;
	}
	while (*n_len > 0 && **n == 0) {
		(*n)++;
		(*n_len)--;
	}
	while (*e_len > 0 && **e == 0) {
		(*e)++;
		(*e_len)--;
	}
	rc = SA_OK;
out:
	return rc;
}

bool sa_sv_bytes_eq(const sa_buf *a, const unsigned char *b, size_t b_len)
{
	return a->len == b_len &&
	       (b_len == 0 || memcmp(a->data, b, b_len) == 0);
}
