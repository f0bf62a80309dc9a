/* Loading signature-service artefacts and looping over them (sig_artefact.h).
 *
 * Everything here reads files the profile names: the signature the service
 * produced (untrusted: any bytes), the expected certificate, the signed data
 * and an optional CA bundle. Nothing records a verdict except sa_art_each(),
 * which turns what could not be loaded into one line per artefact. */
#include "sig_artefact.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>

#include "sigaudit/error.h"

/* ---- small helpers ----------------------------------------------------- */

const char *sa_art_what(const sa_art *art, char *buf, size_t size,
                        const char *what)
{
	snprintf(buf, size, "%s: %s", art->a->name, what);
	return buf;
}

const char *sa_art_ossl_reason(char *buf, size_t size)
{
	unsigned long e = ERR_peek_error();

	if (e == 0)
		snprintf(buf, size, "no OpenSSL reason");
	else
		ERR_error_string_n(e, buf, size);
	ERR_clear_error();
	return buf;
}

void sa_art_iso(time_t t, char out[32])
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, 32, "(time %lld)", (long long)t);
}

void sa_art_key_desc(EVP_PKEY *pkey, char *buf, size_t size)
{
	char group[64] = "";
	size_t glen = 0;

	if (pkey == NULL) {
		snprintf(buf, size, "no public key");
		return;
	}
	if (EVP_PKEY_is_a(pkey, "RSA") || EVP_PKEY_is_a(pkey, "RSA-PSS")) {
		snprintf(buf, size, "RSA %d bits", EVP_PKEY_get_bits(pkey));
	} else if (EVP_PKEY_is_a(pkey, "EC")) {
		if (EVP_PKEY_get_utf8_string_param(pkey, "group", group,
		                                   sizeof(group), &glen) != 1)
			snprintf(group, sizeof(group), "unknown curve");
		snprintf(buf, size, "EC %s (%d bits)", group,
		         EVP_PKEY_get_bits(pkey));
	} else {
		snprintf(buf, size, "%s (%d bits)",
		         EVP_PKEY_get0_type_name(pkey),
		         EVP_PKEY_get_bits(pkey));
	}
	ERR_clear_error();
}

bool sa_art_signing_time(const sa_art *art, time_t *t)
{
	X509_ATTRIBUTE *attr;
	ASN1_TYPE *v;
	struct tm tm;
	int idx;

	if (art->si == NULL)
		return false;
	idx = CMS_signed_get_attr_by_NID(art->si, NID_pkcs9_signingTime, -1);
	if (idx < 0)
		return false;
	attr = CMS_signed_get_attr(art->si, idx);
	v = attr ? X509_ATTRIBUTE_get0_type(attr, 0) : NULL;
	if (v == NULL ||
	    (v->type != V_ASN1_UTCTIME && v->type != V_ASN1_GENERALIZEDTIME))
		return false;
	memset(&tm, 0, sizeof(tm));
	if (ASN1_TIME_to_tm(v->value.utctime, &tm) != 1) {
		ERR_clear_error();
		return false;
	}
	*t = timegm(&tm);
	return true;
}

const char *sa_art_when(const sa_art *art, time_t *t)
{
	if (art->a->at != NULL) {
		*t = (time_t)art->a->at_time;
		return "at";
	}
	if (sa_art_signing_time(art, t))
		return "signing-time";
	*t = time(NULL);
	return "now";
}

/* ---- reading ----------------------------------------------------------- */

/* A whole file into memory. Messages name the profile key and the path. */
static int read_all(sa_art *art, const char *key, const char *path,
                    unsigned char **out, size_t *len)
{
	FILE *f = NULL;
	struct stat st;
	unsigned char *buf = NULL;
	size_t got = 0;
	int rc = SA_E_IO;

	*out = NULL;
	*len = 0;
	f = fopen(path, "rb");
	if (f == NULL) {
		snprintf(art->why, sizeof(art->why), "%s %s: %s", key, path,
		         strerror(errno));
		goto out;
	}
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(art->why, sizeof(art->why),
		         "%s %s: not a regular file", key, path);
		goto out;
	}
	if ((unsigned long long)st.st_size > SA_ART_FILE_MAX) {
		snprintf(art->why, sizeof(art->why),
		         "%s %s: larger than %u bytes", key, path,
		         SA_ART_FILE_MAX);
		rc = SA_E_RANGE;
		goto out;
	}
	/* +1: never malloc(0); st_size may change under us, so read what is
	 * there up to the size seen. */
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL) {
		snprintf(art->why, sizeof(art->why), "out of memory");
		rc = SA_E_NOMEM;
		goto out;
	}
	got = fread(buf, 1, (size_t)st.st_size, f);
	if (ferror(f)) {
		snprintf(art->why, sizeof(art->why), "%s %s: read error", key,
		         path);
		goto out;
	}
	*out = buf;
	*len = got;
	buf = NULL;
	rc = SA_OK;
out:
	free(buf);
	if (f != NULL)
		fclose(f);
	return rc;
}

static const unsigned char *find_str(const unsigned char *hay, size_t n,
                                     const char *needle)
{
	size_t k = strlen(needle);

	for (size_t i = 0; k <= n && i <= n - k; i++) {
		if (memcmp(hay + i, needle, k) == 0)
			return hay + i;
	}
	return NULL;
}

/* The expected certificate: PEM (the first CERTIFICATE block) or DER (the
 * whole file, nothing after it). */
static int load_cert(sa_art *art)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	BIO *bio = NULL;
	char reason[160];
	int rc;

	rc = read_all(art, "cert", art->a->cert, &buf, &len);
	if (rc < 0)
		goto out;
	rc = SA_E_PARSE;
	if (find_str(buf, len, "-----BEGIN") != NULL) {
		bio = BIO_new_mem_buf(buf, (int)len);
		art->cert =
		    bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
	} else {
		const unsigned char *p = buf;
		art->cert = d2i_X509(NULL, &p, (long)len);
		if (art->cert != NULL && p != buf + len) {
			X509_free(art->cert);
			art->cert = NULL;
			snprintf(art->why, sizeof(art->why),
			         "cert %s: %zu bytes after the DER certificate",
			         art->a->cert, (size_t)(buf + len - p));
			goto out;
		}
	}
	if (art->cert == NULL) {
		snprintf(art->why, sizeof(art->why),
		         "cert %s: not a PEM or DER certificate (%s)",
		         art->a->cert,
		         sa_art_ossl_reason(reason, sizeof(reason)));
		goto out;
	}
	art->pkey = X509_get0_pubkey(art->cert);
	if (art->pkey == NULL) {
		snprintf(art->why, sizeof(art->why),
		         "cert %s: public key not usable by OpenSSL (%s)",
		         art->a->cert,
		         sa_art_ossl_reason(reason, sizeof(reason)));
		goto out;
	}
	rc = SA_OK;
out:
	BIO_free(bio);
	free(buf);
	return rc;
}

/* The CA bundle: every CERTIFICATE block, at least one. */
static int load_chain(sa_art *art)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	BIO *bio = NULL;
	X509 *x = NULL;
	char reason[160];
	int rc;

	rc = read_all(art, "chain", art->a->chain, &buf, &len);
	if (rc < 0)
		goto out;
	rc = SA_E_PARSE;
	bio = BIO_new_mem_buf(buf, (int)len);
	art->chain = sk_X509_new_null();
	if (bio == NULL || art->chain == NULL) {
		snprintf(art->why, sizeof(art->why), "out of memory");
		rc = SA_E_NOMEM;
		goto out;
	}
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
		if (sk_X509_push(art->chain, x) <= 0) {
			X509_free(x);
			snprintf(art->why, sizeof(art->why), "out of memory");
			rc = SA_E_NOMEM;
			goto out;
		}
	}
	/* The loop ends on "no start line" at the end of the file; anything
	 * else is a broken block. */
	if (ERR_GET_REASON(ERR_peek_last_error()) != PEM_R_NO_START_LINE ||
	    sk_X509_num(art->chain) == 0) {
		snprintf(art->why, sizeof(art->why), "chain %s: %s",
		         art->a->chain,
		         sk_X509_num(art->chain) == 0
		             ? "no PEM certificate in the bundle"
		             : sa_art_ossl_reason(reason, sizeof(reason)));
		goto out;
	}
	ERR_clear_error();
	rc = SA_OK;
out:
	BIO_free(bio);
	free(buf);
	return rc;
}

/* PEM labels a CMS SignedData is found under: RFC 7468 §9 ("CMS", "PKCS7")
 * and the old OpenSSL/S/MIME "PKCS #7 SIGNED DATA". */
static bool cms_label(const char *name)
{
	return strcmp(name, "CMS") == 0 || strcmp(name, "PKCS7") == 0 ||
	       strcmp(name, "PKCS #7 SIGNED DATA") == 0;
}

/* DER first (a DER CMS may carry content that contains "-----BEGIN"), then
 * PEM. Sets art->why and returns false when it is neither. */
static bool parse_cms(sa_art *art)
{
	const unsigned char *p = art->sig;
	const unsigned char *begin;
	char *name = NULL, *header = NULL;
	unsigned char *der = NULL;
	long der_len = 0;
	BIO *bio = NULL;
	char reason[160] = "";
	bool ok = false;

	if (art->sig_len > 0 && art->sig[0] == 0x30) {
		art->cms = d2i_CMS_ContentInfo(NULL, &p, (long)art->sig_len);
		if (art->cms != NULL && p == art->sig + art->sig_len) {
			/* Streaming signers (openssl cms -stream) write BER
			 * with indefinite lengths; RFC 5652 §1.1 allows it
			 * outside the signed attributes. */
			snprintf(art->form, sizeof(art->form), "%s",
			         art->sig_len > 1 && art->sig[1] == 0x80
			             ? "BER (indefinite length)"
			             : "DER");
			ok = true;
			goto out;
		}
		if (art->cms != NULL)
			snprintf(reason, sizeof(reason),
			         "%zu bytes after the DER CMS",
			         (size_t)(art->sig + art->sig_len - p));
		else
			sa_art_ossl_reason(reason, sizeof(reason));
		CMS_ContentInfo_free(art->cms);
		art->cms = NULL;
	}
	begin = find_str(art->sig, art->sig_len, "-----BEGIN ");
	if (begin == NULL) {
		snprintf(art->why, sizeof(art->why),
		         "neither DER nor PEM CMS (%s)",
		         reason[0] ? reason : "does not start with a SEQUENCE");
		goto out;
	}
	bio = BIO_new_mem_buf(begin,
	                      (int)(art->sig_len - (size_t)(begin - art->sig)));
	if (bio == NULL ||
	    PEM_read_bio(bio, &name, &header, &der, &der_len) != 1) {
		snprintf(art->why, sizeof(art->why), "bad PEM block (%s)",
		         sa_art_ossl_reason(reason, sizeof(reason)));
		goto out;
	}
	if (!cms_label(name)) {
		snprintf(art->why, sizeof(art->why),
		         "PEM block is '%.40s', not CMS or PKCS7", name);
		goto out;
	}
	p = der;
	art->cms = d2i_CMS_ContentInfo(NULL, &p, der_len);
	if (art->cms == NULL || p != der + der_len) {
		snprintf(art->why, sizeof(art->why),
		         "PEM block '%s' does not hold one DER CMS (%s)", name,
		         art->cms ? "bytes after the CMS"
		                  : sa_art_ossl_reason(reason, sizeof(reason)));
		goto out;
	}
	/* RFC 7468 §2 lets parsers ignore text outside the block; say so, as
	 * a service that pads its output is worth knowing about. */
	snprintf(art->form, sizeof(art->form), "PEM (label %s%s)", name,
	         begin != art->sig ? ", text before the block" : "");
	ok = true;
out:
	if (!ok) {
		CMS_ContentInfo_free(art->cms);
		art->cms = NULL;
	}
	OPENSSL_free(name);
	OPENSSL_free(header);
	OPENSSL_free(der);
	BIO_free(bio);
	ERR_clear_error();
	return ok;
}

/* SignedData with at least one SignerInfo, and the content it covers. */
static void load_cms(sa_art *art)
{
	STACK_OF(CMS_SignerInfo) * sis;
	ASN1_OCTET_STRING **pos;

	if (!parse_cms(art)) {
		art->state = SA_ART_UNPARSED;
		return;
	}
	if (OBJ_obj2nid(CMS_get0_type(art->cms)) != NID_pkcs7_signed) {
		char t[80];
		OBJ_obj2txt(t, sizeof(t), CMS_get0_type(art->cms), 0);
		snprintf(art->why, sizeof(art->why),
		         "content type is %s, not signedData (RFC 5652 §5.1)",
		         t);
		art->state = SA_ART_UNPARSED;
		return;
	}
	sis = CMS_get0_SignerInfos(art->cms);
	art->n_signers = sis ? sk_CMS_SignerInfo_num(sis) : 0;
	if (art->n_signers <= 0) {
		snprintf(art->why, sizeof(art->why),
		         "SignedData holds no SignerInfo (no signature)");
		art->state = SA_ART_UNPARSED;
		return;
	}
	art->si = sk_CMS_SignerInfo_value(sis, 0);
	art->detached = CMS_is_detached(art->cms) == 1;
	if (art->detached) {
		if (art->data == NULL) {
			snprintf(art->why, sizeof(art->why),
			         "detached CMS (no eContent) but the profile "
			         "names no data for it");
			art->state = SA_ART_ERROR;
			return;
		}
		art->content = art->data;
		art->content_len = art->data_len;
	} else {
		pos = CMS_get0_content(art->cms);
		art->content = pos && *pos ? ASN1_STRING_get0_data(*pos) : NULL;
		art->content_len =
		    pos && *pos ? (size_t)ASN1_STRING_length(*pos) : 0;
	}
}

static void load(sa_art *art, const sa_artefact *a)
{
	memset(art, 0, sizeof(*art));
	art->a = a;
	art->state = SA_ART_ERROR;
	ERR_clear_error();
	if (load_cert(art) < 0)
		return;
	if (a->data != NULL &&
	    read_all(art, "data", a->data, &art->data, &art->data_len) < 0)
		return;
	if (a->chain != NULL && load_chain(art) < 0)
		return;
	if (read_all(art, "file", a->file, &art->sig, &art->sig_len) < 0)
		return;
	art->state = SA_ART_LOADED;
	if (art->sig_len == 0) {
		snprintf(art->why, sizeof(art->why), "the file is empty");
		art->state = SA_ART_UNPARSED;
		return;
	}
	if (a->type == SA_ARTEFACT_CMS)
		load_cms(art);
	else
		snprintf(art->form, sizeof(art->form), "%zu bytes",
		         art->sig_len);
}

static void unload(sa_art *art)
{
	CMS_ContentInfo_free(art->cms);
	sk_X509_pop_free(art->chain, X509_free);
	X509_free(art->cert);
	free(art->sig);
	free(art->data);
	memset(art, 0, sizeof(*art));
}

/* ---- the loop ---------------------------------------------------------- */

void sa_art_each(sa_case_ctx *ctx, sa_art_fn fn, void *state,
                 bool with_unparsed, size_t *n_checked)
{
	const sa_profile *p = sa_case_profile(ctx);
	size_t n = sa_profile_artefact_count(p);
	size_t errors = 0, checked = 0;
	char first[512] = "";
	sa_art *art = NULL;

	if (n_checked != NULL)
		*n_checked = 0;
	if (n == 0) {
		sa_case_skip(ctx, "the profile names no signature artefacts "
		                  "([artefact NAME] sections)");
		return;
	}
	art = malloc(sizeof(*art));
	if (art == NULL) {
		sa_case_error(ctx, "out of memory");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const sa_artefact *a = sa_profile_artefact_at(p, i);
		bool failed = false;

		load(art, a);
		if (art->state == SA_ART_ERROR) {
			failed = true;
		} else if (art->state == SA_ART_UNPARSED && !with_unparsed) {
			char why[sizeof(art->why)];
			snprintf(why, sizeof(why),
			         "the signature file does not parse (%s); "
			         "SIG-ART-01 fails on it",
			         art->why);
			snprintf(art->why, sizeof(art->why), "%s", why);
			failed = true;
		} else {
			/* An unparsed artefact keeps its why for fn. */
			if (art->state == SA_ART_LOADED)
				art->why[0] = '\0';
			if (fn(ctx, art, state) < 0) {
				failed = true;
				if (art->why[0] == '\0')
					snprintf(art->why, sizeof(art->why),
					         "could not be checked");
			}
		}
		if (failed) {
			sa_case_note(ctx, "%s: not checked: %s", a->name,
			             art->why);
			if (errors++ == 0)
				snprintf(first, sizeof(first), "%s: %s",
				         a->name, art->why);
		} else {
			checked++;
		}
		unload(art);
		ERR_clear_error();
	}
	free(art);
	if (errors > 0)
		sa_case_error(ctx,
		              "%zu of %zu artefacts could not be checked; "
		              "first: %s",
		              errors, n, first);
	if (n_checked != NULL)
		*n_checked = checked;
}
