/* libcurl exchange and small helpers for the live probes (cv_probe.h). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <openssl/asn1.h>

#include "sigaudit/error.h"

#include "cv_probe.h"
#include "cv_x509.h"

struct sink {
	sa_buf *body;
	bool too_big;
};

static size_t on_body(char *data, size_t size, size_t n, void *user)
{
	struct sink *s = user;
	size_t len = size * n;

	if (s->body->len + len > SA_CV_PROBE_BODY_MAX) {
		s->too_big = true;
		return 0; /* makes curl stop with CURLE_WRITE_ERROR */
	}
	if (sa_buf_append(s->body, data, len) < 0)
		return 0;
	return len;
}

int sa_cv_http_do(sa_cv_http *out, const char *url, const void *post,
                  size_t post_len, const char *post_ctype, unsigned timeout_ms,
                  char *why, size_t why_size)
{
	CURL *c = NULL;
	struct curl_slist *hdr = NULL;
	struct sink sink;
	char ehdr[128];
	const char *ct = NULL;
	CURLcode cc;
	double secs = 0;
	int rc = SA_E_IO;

	memset(out, 0, sizeof(*out));
	sink.body = &out->body;
	sink.too_big = false;
	c = curl_easy_init();
	if (c == NULL) {
		snprintf(why, why_size, "curl_easy_init failed");
		goto out;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	/* The probe talks to what the profile names, nothing else: no
	 * redirects, no proxy from the environment, http/https/file only. */
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https,file");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)timeout_ms);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "sigaudit/" SA_VERSION);
	if (post != NULL) {
		snprintf(ehdr, sizeof(ehdr), "Content-Type: %s", post_ctype);
		hdr = curl_slist_append(hdr, ehdr);
		if (hdr == NULL) {
			snprintf(why, why_size, "out of memory");
			goto out;
		}
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, post);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
		                 (curl_off_t)post_len);
	}
	cc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_TOTAL_TIME, &secs);
	out->ms = secs * 1000.0;
	if (sink.too_big) {
		snprintf(why, why_size, "%s: body larger than %u bytes", url,
		         SA_CV_PROBE_BODY_MAX);
		goto out;
	}
	if (cc != CURLE_OK) {
		snprintf(why, why_size, "%s: %s", url, curl_easy_strerror(cc));
		goto out;
	}
	if (!sa_buf_ok(&out->body)) {
		snprintf(why, why_size, "out of memory");
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
	if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK &&
	    ct != NULL)
		snprintf(out->ctype, sizeof(out->ctype), "%s", ct);
	rc = SA_OK;
out:
	curl_slist_free_all(hdr);
	curl_easy_cleanup(c);
	return rc;
}

void sa_cv_http_free(sa_cv_http *h)
{
	if (h != NULL)
		sa_buf_free(&h->body);
}

int sa_cv_url_encode(sa_buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;
		if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' ||
		    ch == '_' || ch == '~')
			sa_buf_append(b, s, 1);
		else
			sa_buf_appendf(b, "%%%02X", ch);
	}
	return sa_buf_ok(b) ? SA_OK : SA_E_NOMEM;
}

X509 *sa_cv_probe_cert(sa_case_ctx *ctx, const char *path, const char *what)
{
	X509 *x = NULL;
	sa_error err = SA_ERROR_INIT;

	if (sa_cv_load_cert(&x, path, &err) < 0) {
		sa_case_error(ctx, "%s %s: %s", what, path, err.msg);
		return NULL;
	}
	return x;
}

const char *sa_cv_asn1_time_str(const ASN1_TIME *t, char *buf, size_t size)
{
	struct tm tm;

	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1) {
		snprintf(buf, size, "-");
		return buf;
	}
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}
