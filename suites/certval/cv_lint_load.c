/* [pki] loading and the lint accumulator (see cv_lint.h). */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "sigaudit/guard.h"
#include "sigaudit/profile.h"

#include "cv_lint.h"

/* A directory is listed at most this far: a CA's sample directory holds
 * tens of files. */
#define DIR_MAX_ENTRIES 4096

static int read_file(sa_buf *out, const char *path, sa_error *err)
{
	int rc = SA_E_IO;
	FILE *fp = NULL;
	unsigned char chunk[4096];
	size_t n;

	fp = fopen(path, "rb");
	SA_ENSURE(fp != NULL, err, SA_E_IO, "%s: cannot open", path);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		SA_ENSURE(out->len + n <= SA_CV_PKI_MAX_FILE, err, SA_E_RANGE,
		          "%s: larger than 16 MiB", path);
		SA_TRY(sa_buf_append(out, chunk, n));
	}
	SA_ENSURE(!ferror(fp), err, SA_E_IO, "%s: read error", path);
	rc = 0;
out:
	if (fp != NULL)
		fclose(fp);
	return rc;
}

static bool looks_pem(const unsigned char *p, size_t len)
{
	static const char tag[] = "-----BEGIN";
	for (size_t i = 0; i + sizeof(tag) - 1 <= len; i++) {
		if (memcmp(p + i, tag, sizeof(tag) - 1) == 0)
			return true;
	}
	return false;
}

/* The name shown in results: the path without the directory the profile
 * points at would lose which [pki] key it came from, so keep the last two
 * components. */
static void short_name(char *out, size_t size, const char *path, int idx)
{
	const char *s = path + strlen(path);
	int slashes = 0;

	while (s > path) {
		if (s[-1] == '/' && ++slashes == 2)
			break;
		s--;
	}
	if (idx > 0)
		snprintf(out, size, "%s#%d", s, idx);
	else
		snprintf(out, size, "%s", s);
}

static int add_cert(sa_cv_pki *pki, X509 *x, sa_cv_pki_role role,
                    const char *path, int idx, sa_error *err)
{
	int rc = SA_E_RANGE;
	sa_cv_pki_cert *c;

	SA_ENSURE(pki->n_certs < SA_CV_PKI_MAX_CERTS, err, SA_E_RANGE,
	          "%s: more than %d certificates in [pki]", path,
	          SA_CV_PKI_MAX_CERTS);
	if (pki->n_certs == pki->cap_certs) {
		size_t cap = pki->cap_certs ? pki->cap_certs * 2 : 16;
		void *n = realloc(pki->certs, cap * sizeof(*pki->certs));
		SA_ENSURE(n != NULL, err, SA_E_NOMEM, "out of memory");
		pki->certs = n;
		pki->cap_certs = cap;
	}
	c = &pki->certs[pki->n_certs++];
	c->x = x;
	c->role = role;
	short_name(c->name, sizeof(c->name), path, idx);
	rc = 0;
out:
	return rc;
}

static int add_crl(sa_cv_pki *pki, X509_CRL *crl, const char *path, int idx,
                   sa_error *err)
{
	int rc = SA_E_RANGE;
	sa_cv_pki_crl *c;

	SA_ENSURE(pki->n_crls < SA_CV_PKI_MAX_CRLS, err, SA_E_RANGE,
	          "%s: more than %d CRLs in [pki]", path, SA_CV_PKI_MAX_CRLS);
	if (pki->n_crls == pki->cap_crls) {
		size_t cap = pki->cap_crls ? pki->cap_crls * 2 : 8;
		void *n = realloc(pki->crls, cap * sizeof(*pki->crls));
		SA_ENSURE(n != NULL, err, SA_E_NOMEM, "out of memory");
		pki->crls = n;
		pki->cap_crls = cap;
	}
	c = &pki->crls[pki->n_crls++];
	c->crl = crl;
	short_name(c->name, sizeof(c->name), path, idx);
	rc = 0;
out:
	return rc;
}

/* One file: DER (one object) or PEM (every object of the wanted type, in
 * order; a bundle may mix certificates and CRLs, other types are passed
 * over by the PEM reader). */
static int load_file(sa_cv_pki *pki, const char *path, bool crls,
                     sa_cv_pki_role role, sa_error *err)
{
	int rc = SA_E_PARSE;
	sa_buf b = SA_BUF_INIT;
	BIO *bio = NULL;
	X509 *x = NULL;
	X509_CRL *crl = NULL;
	int found = 0;

	SA_TRY(read_file(&b, path, err));
	if (!looks_pem(b.data, b.len)) {
		const unsigned char *p = b.data;
		if (crls) {
			crl = d2i_X509_CRL(NULL, &p, (long)b.len);
			SA_ENSURE(crl != NULL, err, SA_E_PARSE,
			          "%s: not a DER or PEM CRL", path);
			SA_TRY(add_crl(pki, crl, path, 0, err));
			crl = NULL;
		} else {
			x = d2i_X509(NULL, &p, (long)b.len);
			SA_ENSURE(x != NULL, err, SA_E_PARSE,
			          "%s: not a DER or PEM certificate", path);
			SA_TRY(add_cert(pki, x, role, path, 0, err));
			x = NULL;
		}
		rc = 0;
		goto out;
	}
	bio = BIO_new_mem_buf(b.data, (int)b.len);
	SA_ENSURE(bio != NULL, err, SA_E_NOMEM, "BIO_new_mem_buf");
	for (;;) {
		if (crls)
			crl = PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL);
		else
			x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
		if (crl == NULL && x == NULL)
			break;
		found++;
		if (crls)
			SA_TRY(add_crl(pki, crl, path, found, err));
		else
			SA_TRY(add_cert(pki, x, role, path, found, err));
		crl = NULL;
		x = NULL;
	}
	SA_ENSURE(found > 0, err, SA_E_PARSE, "%s: no PEM %s in it", path,
	          crls ? "X509 CRL" : "CERTIFICATE");
	/* A single object in a file is named after the file alone. */
	if (found == 1) {
		if (crls)
			short_name(pki->crls[pki->n_crls - 1].name,
			           SA_CV_PKI_NAME_MAX, path, 0);
		else
			short_name(pki->certs[pki->n_certs - 1].name,
			           SA_CV_PKI_NAME_MAX, path, 0);
	}
	rc = 0;
out:
	ERR_clear_error();
	X509_free(x);
	X509_CRL_free(crl);
	BIO_free(bio);
	sa_buf_free(&b);
	return rc;
}

static bool wanted(const char *name, bool crls)
{
	static const char *const cert_ext[] = {".pem", ".crt", ".cer", ".der"};
	static const char *const crl_ext[] = {".pem", ".crl", ".der"};
	const char *const *ext = crls ? crl_ext : cert_ext;
	size_t n = crls ? SA_COUNTOF(crl_ext) : SA_COUNTOF(cert_ext);
	size_t len = strlen(name);

	if (name[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		size_t e = strlen(ext[i]);
		if (len > e && strcasecmp(name + len - e, ext[i]) == 0)
			return true;
	}
	return false;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A directory: its matching files in name order (results stay stable from
 * run to run), not recursive. */
static int load_dir(sa_cv_pki *pki, const char *path, bool crls,
                    sa_cv_pki_role role, sa_error *err)
{
	int rc = SA_E_IO;
	DIR *d = NULL;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, seen = 0;
	char full[4096];

	d = opendir(path);
	SA_ENSURE(d != NULL, err, SA_E_IO, "%s: cannot open directory", path);
	names = calloc(DIR_MAX_ENTRIES, sizeof(*names));
	SA_ENSURE(names != NULL, err, SA_E_NOMEM, "out of memory");
	while ((e = readdir(d)) != NULL) {
		SA_ENSURE(++seen <= DIR_MAX_ENTRIES, err, SA_E_RANGE,
		          "%s: more than %d entries", path, DIR_MAX_ENTRIES);
		if (!wanted(e->d_name, crls))
			continue;
		names[n] = strdup(e->d_name);
		SA_ENSURE(names[n] != NULL, err, SA_E_NOMEM, "out of memory");
		n++;
	}
	qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		int w = snprintf(full, sizeof(full), "%s/%s", path, names[i]);
		SA_ENSURE(w > 0 && (size_t)w < sizeof(full), err, SA_E_RANGE,
		          "%s/%.32s: path too long", path, names[i]);
		SA_TRY(load_file(pki, full, crls, role, err));
	}
	SA_ENSURE(n > 0, err, SA_E_NOTFOUND, "%s: no %s files", path,
	          crls ? ".pem/.crl/.der" : ".pem/.crt/.cer/.der");
	rc = 0;
out:
	for (size_t i = 0; names != NULL && i < n; i++)
		free(names[i]);
	free(names);
	if (d != NULL)
		closedir(d);
	return rc;
}

static int load_path(sa_cv_pki *pki, const char *path, bool crls,
                     sa_cv_pki_role role, sa_error *err)
{
	struct stat st;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return load_dir(pki, path, crls, role, err);
	return load_file(pki, path, crls, role, err);
}

int sa_cv_pki_load(sa_cv_pki *pki, const struct sa_profile *p, sa_error *err)
{
	int rc = SA_E_INVALID;
	const char *anchors = sa_profile_pki_path(p, "anchors");
	const char *inter = sa_profile_pki_path(p, "intermediates");
	const char *certs = sa_profile_pki_path(p, "certs");
	const char *crls = sa_profile_pki_path(p, "crls");

	memset(pki, 0, sizeof(*pki));
	pki->at = time(NULL);
	if (sa_profile_pki_at(p) != NULL) {
		pki->at = (time_t)sa_profile_pki_at_time(p);
		pki->at_from_profile = true;
	}
	SA_ENSURE(anchors != NULL, err, SA_E_INVALID, "[pki] has no anchors");
	SA_TRY(load_path(pki, anchors, false, SA_CV_PKI_ANCHOR, err));
	if (inter != NULL)
		SA_TRY(
		    load_path(pki, inter, false, SA_CV_PKI_INTERMEDIATE, err));
	if (certs != NULL)
		SA_TRY(load_path(pki, certs, false, SA_CV_PKI_SAMPLE, err));
	if (crls != NULL)
		SA_TRY(load_path(pki, crls, true, SA_CV_PKI_SAMPLE, err));
	rc = 0;
out:
	return rc;
}

void sa_cv_pki_free(sa_cv_pki *pki)
{
	if (pki == NULL)
		return;
	for (size_t i = 0; i < pki->n_certs; i++)
		X509_free(pki->certs[i].x);
	for (size_t i = 0; i < pki->n_crls; i++)
		X509_CRL_free(pki->crls[i].crl);
	free(pki->certs);
	free(pki->crls);
	memset(pki, 0, sizeof(*pki));
}

bool sa_cv_pki_is_ca(const sa_cv_pki_cert *c)
{
	if (c->role != SA_CV_PKI_SAMPLE)
		return true;
	return (X509_get_extension_flags(c->x) & EXFLAG_CA) != 0;
}

static long find_issuer(const sa_cv_pki *pki, const X509_NAME *issuer, X509 *x,
                        X509_CRL *crl, bool *verified)
{
	long first = -1;

	*verified = false;
	for (size_t i = 0; i < pki->n_certs; i++) {
		X509 *c = pki->certs[i].x;
		EVP_PKEY *k;
		int ok;

		if (!sa_cv_pki_is_ca(&pki->certs[i]) ||
		    X509_NAME_cmp(X509_get_subject_name(c), issuer) != 0)
			continue;
		if (first < 0)
			first = (long)i;
		k = X509_get0_pubkey(c);
		if (k == NULL)
			continue;
		ok = x != NULL ? X509_verify(x, k) : X509_CRL_verify(crl, k);
		ERR_clear_error();
		if (ok == 1) {
			*verified = true;
			return (long)i;
		}
	}
	return first;
}

long sa_cv_pki_issuer(const sa_cv_pki *pki, X509 *x, bool *verified)
{
	return find_issuer(pki, X509_get_issuer_name(x), x, NULL, verified);
}

long sa_cv_pki_crl_issuer(const sa_cv_pki *pki, X509_CRL *crl, bool *verified)
{
	return find_issuer(pki, X509_CRL_get_issuer(crl), NULL, crl, verified);
}

/* ---- the lint accumulator ---------------------------------------------- */

void sa_cv_lint_begin(sa_cv_lint *l, const char *what, const char *expected)
{
	memset(l, 0, sizeof(*l));
	l->what = what;
	l->expected = expected;
}

void sa_cv_lint_pass(sa_cv_lint *l)
{
	l->n++;
}

void sa_cv_lint_bad(sa_cv_lint *l, const char *who, const char *fmt, ...)
{
	char detail[256];
	va_list ap;

	l->n++;
	if (l->bad++ >= SA_CV_LINT_LIST_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	sa_buf_appendf(&l->list, "%s%s (%s)", l->list.len > 0 ? "; " : "", who,
	               detail);
}

void sa_cv_lint_end(sa_case_ctx *ctx, sa_cv_lint *l)
{
	if (l->n == 0)
		sa_case_check(ctx, true, l->what, l->expected,
		              "not applicable: nothing in scope");
	else if (l->bad == 0)
		sa_case_checkf(ctx, true, l->what, l->expected,
		               "holds for all %zu", l->n);
	else if (l->bad > SA_CV_LINT_LIST_MAX)
		sa_case_checkf(ctx, false, l->what, l->expected,
		               "%zu of %zu break it: %s; and %zu more", l->bad,
		               l->n, sa_buf_cstr(&l->list),
		               l->bad - SA_CV_LINT_LIST_MAX);
	else
		sa_case_checkf(ctx, false, l->what, l->expected,
		               "%zu of %zu break it: %s", l->bad, l->n,
		               sa_buf_cstr(&l->list));
	sa_buf_free(&l->list);
}
