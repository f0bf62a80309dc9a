#include "sigaudit/buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "sigaudit/error.h"

int sa_buf_reserve(sa_buf *buf, size_t extra)
{
	size_t need, cap;
	unsigned char *p;

	if (buf->failed)
		return SA_E_NOMEM;
	if (extra > SIZE_MAX - buf->len - 1) {
		buf->failed = true;
		return SA_E_RANGE;
	}
	need = buf->len + extra + 1;
	if (need <= buf->cap)
		return SA_OK;
	cap = buf->cap ? buf->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	if (buf->secure) {
		/* realloc could leave a copy of a PIN or key in freed memory.
		 */
		p = malloc(cap);
		if (p != NULL && buf->data != NULL) {
			memcpy(p, buf->data, buf->len);
			OPENSSL_cleanse(buf->data, buf->cap);
			free(buf->data);
		}
	} else {
		p = realloc(buf->data, cap);
	}
	if (p == NULL) {
		buf->failed = true;
		return SA_E_NOMEM;
	}
	buf->data = p;
	buf->cap = cap;
	buf->data[buf->len] = '\0';
	return SA_OK;
}

int sa_buf_append(sa_buf *buf, const void *data, size_t len)
{
	int rc = sa_buf_reserve(buf, len);
	if (rc < 0)
		return rc;
	if (len > 0)
		memcpy(buf->data + buf->len, data, len);
	buf->len += len;
	buf->data[buf->len] = '\0';
	return SA_OK;
}

int sa_buf_append_str(sa_buf *buf, const char *str)
{
	return sa_buf_append(buf, str, strlen(str));
}

int sa_buf_appendf(sa_buf *buf, const char *fmt, ...)
{
	va_list ap;
	int n, rc;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		buf->failed = true;
		return SA_E_INVALID;
	}
	rc = sa_buf_reserve(buf, (size_t)n);
	if (rc < 0)
		return rc;
	va_start(ap, fmt);
	vsnprintf((char *)buf->data + buf->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	buf->len += (size_t)n;
	return SA_OK;
}

int sa_buf_append_hex(sa_buf *buf, const void *data, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = data;
	int rc;

	if (len > (SIZE_MAX - 1) / 2) {
		buf->failed = true;
		return SA_E_RANGE;
	}
	rc = sa_buf_reserve(buf, len * 2);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < len; i++) {
		buf->data[buf->len++] = (unsigned char)hex[p[i] >> 4];
		buf->data[buf->len++] = (unsigned char)hex[p[i] & 0x0f];
	}
	buf->data[buf->len] = '\0';
	return SA_OK;
}

bool sa_buf_ok(const sa_buf *buf)
{
	return !buf->failed;
}

void sa_buf_reset(sa_buf *buf)
{
	if (buf->data != NULL) {
		if (buf->secure)
			OPENSSL_cleanse(buf->data, buf->cap);
		buf->data[0] = '\0';
	}
	buf->len = 0;
}

void sa_buf_free(sa_buf *buf)
{
	bool secure;

	if (buf == NULL)
		return;
	secure = buf->secure;
	if (buf->data != NULL) {
		if (secure)
			OPENSSL_cleanse(buf->data, buf->cap);
		free(buf->data);
	}
	memset(buf, 0, sizeof(*buf));
	buf->secure = secure;
}

unsigned char *sa_buf_steal(sa_buf *buf, size_t *len_out)
{
	unsigned char *p = NULL;

	if (len_out != NULL)
		*len_out = 0;
	if (buf->failed || buf->data == NULL || buf->len == 0) {
		sa_buf_free(buf);
		return NULL;
	}
	p = buf->data;
	if (len_out != NULL)
		*len_out = buf->len;
	buf->data = NULL;
	buf->len = 0;
	buf->cap = 0;
	return p;
}

const char *sa_buf_cstr(const sa_buf *buf)
{
	return buf->data != NULL ? (const char *)buf->data : "";
}
