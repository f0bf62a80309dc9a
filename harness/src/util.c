#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "sigaudit/guard.h"

int sa_mkdir_p(const char *path, sa_error *err)
{
	char tmp[PATH_MAX];
	size_t len = strlen(path);
	int rc = SA_E_IO;

	SA_ENSURE(len > 0 && len < sizeof(tmp), err, SA_E_RANGE,
	          "directory path too long");
	memcpy(tmp, path, len + 1);
	for (char *p = tmp + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		SA_ENSURE(mkdir(tmp, 0755) == 0 || errno == EEXIST, err,
		          SA_E_IO, "cannot create %s: %s", tmp,
		          strerror(errno));
		*p = '/';
	}
	SA_ENSURE(mkdir(tmp, 0755) == 0 || errno == EEXIST, err, SA_E_IO,
	          "cannot create %s: %s", tmp, strerror(errno));
	rc = SA_OK;
out:
	return rc;
}

int sa_write_file(const char *path, const void *data, size_t len, sa_error *err)
{
	int fd = -1, rc = SA_E_IO;
	const unsigned char *p = data;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	SA_ENSURE(fd >= 0, err, SA_E_IO, "cannot write %s: %s", path,
	          strerror(errno));
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		SA_ENSURE(n > 0, err, SA_E_IO, "cannot write %s: %s", path,
		          strerror(errno));
		p += n;
		len -= (size_t)n;
	}
	SA_ENSURE(close(fd) == 0, err, SA_E_IO, "cannot write %s: %s", path,
	          strerror(errno));
	fd = -1;
	rc = SA_OK;
out:
	if (fd >= 0)
		close(fd);
	return rc;
}

int sa_write_file_atomic(const char *path, const void *data, size_t len,
                         sa_error *err)
{
	char tmp[PATH_MAX];
	int rc = SA_E_IO;

	SA_ENSURE(snprintf(tmp, sizeof(tmp), "%s.tmp", path) < (int)sizeof(tmp),
	          err, SA_E_RANGE, "path too long: %s", path);
	SA_TRY(sa_write_file(tmp, data, len, err));
	SA_ENSURE(rename(tmp, path) == 0, err, SA_E_IO, "cannot rename %s: %s",
	          tmp, strerror(errno));
	rc = SA_OK;
out:
	return rc;
}

int sa_read_file(char **out, size_t *len_out, const char *path, size_t max,
                 sa_error *err)
{
	FILE *f = NULL;
	char *data = NULL;
	size_t len = 0, cap = 0;
	int rc = SA_E_IO;

	*out = NULL;
	f = fopen(path, "rb");
	SA_ENSURE(f != NULL, err, SA_E_IO, "%s: cannot open: %s", path,
	          strerror(errno));
	for (;;) {
		if (cap - len < 4096) {
			char *n;
			SA_ENSURE(cap <= max, err, SA_E_RANGE,
			          "%s: larger than %zu bytes", path, max);
			cap = cap ? cap * 2 : 8192;
			n = realloc(data, cap + 1);
			SA_ENSURE(n != NULL, err, SA_E_NOMEM, "out of memory");
			data = n;
		}
		size_t got = fread(data + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	SA_ENSURE(!ferror(f), err, SA_E_IO, "%s: read error", path);
	SA_ENSURE(len <= max, err, SA_E_RANGE, "%s: larger than %zu bytes",
	          path, max);
	data[len] = '\0';
	*out = data;
	data = NULL;
	if (len_out != NULL)
		*len_out = len;
	rc = SA_OK;
out:
	free(data);
	if (f != NULL)
		fclose(f);
	return rc;
}

int sa_sha256_file(char out[65], const char *path, sa_error *err)
{
	EVP_MD_CTX *md = NULL;
	FILE *f = NULL;
	unsigned char buf[16384], digest[32];
	unsigned int dlen = 0;
	int rc = SA_E_IO;

	out[0] = '\0';
	f = fopen(path, "rb");
	SA_ENSURE(f != NULL, err, SA_E_IO, "%s: cannot open: %s", path,
	          strerror(errno));
	md = EVP_MD_CTX_new();
	SA_ENSURE(md != NULL, err, SA_E_NOMEM, "out of memory");
	SA_TRY_OSSL(EVP_DigestInit_ex(md, EVP_sha256(), NULL), err,
	            "SHA-256 init");
	for (;;) {
		size_t n = fread(buf, 1, sizeof(buf), f);
		if (n == 0)
			break;
		SA_TRY_OSSL(EVP_DigestUpdate(md, buf, n), err,
		            "SHA-256 update");
	}
	SA_ENSURE(!ferror(f), err, SA_E_IO, "%s: read error", path);
	SA_TRY_OSSL(EVP_DigestFinal_ex(md, digest, &dlen), err,
	            "SHA-256 final");
	for (unsigned i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", digest[i]);
	rc = SA_OK;
out:
	EVP_MD_CTX_free(md);
	if (f != NULL)
		fclose(f);
	return rc;
}

void sa_utc_iso(char out[32], time_t t)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void sa_utc_compact(char out[32], time_t t)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y%m%dT%H%M%SZ", &tm);
}

uint64_t sa_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

size_t sa_utf8_seq_len(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len;

	/* RFC 3629 §4: no overlong forms, no surrogates, nothing above
	 * U+10FFFF; jansson refuses exactly those. */
	if (n == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	}
	return len;
}

json_t *sa_json_string_lossy(const char *s)
{
	json_t *j = json_string(s);
	char *copy;
	size_t len;

	if (j != NULL)
		return j;
	len = strlen(s);
	copy = malloc(len + 1);
	if (copy == NULL)
		return NULL;
	for (size_t i = 0; i < len;) {
		size_t n =
		    sa_utf8_seq_len((const unsigned char *)s + i, len - i);
		if (n == 0) {
			copy[i++] = '?';
			continue;
		}
		memcpy(copy + i, s + i, n);
		i += n;
	}
	copy[len] = '\0';
	j = json_string(copy);
	free(copy);
	return j;
}

char **sa_strv_split(const char *s, char sep)
{
	size_t n = 1, k = 0;
	char **v;
	const char *start = s;

	for (const char *p = s; *p != '\0'; p++)
		n += *p == sep;
	v = calloc(n + 1, sizeof(*v));
	if (v == NULL)
		return NULL;
	for (const char *p = s;; p++) {
		if (*p != sep && *p != '\0')
			continue;
		if (p > start) {
			v[k] = strndup(start, (size_t)(p - start));
			if (v[k] == NULL) {
				sa_strv_free(v);
				return NULL;
			}
			k++;
		}
		if (*p == '\0')
			break;
		start = p + 1;
	}
	return v;
}

void sa_strv_free(char **v)
{
	if (v == NULL)
		return;
	for (size_t i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

bool sa_glob_match(const char *pattern, const char *s)
{
	return fnmatch(pattern, s, 0) == 0;
}
