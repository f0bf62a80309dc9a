/* Engine dispatch, recording and the helpers both engines share
 * (sig_engine.h). */
#include <ctype.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>

#include "sigaudit/guard.h"

#include "sig_engine_int.h"

void sa_sig_engine_free(sa_sig_engine *e)
{
	if (e != NULL)
		e->ops->free(e);
}

void sa_sig_engine_describe(const sa_sig_engine *e, const sa_sv_file *f,
                            char *out, size_t size)
{
	e->ops->describe(e, f, out, size);
}

void sa_sig_engine_run(sa_sig_engine *e, const sa_sv_file *f, sa_sig_rec *rec)
{
	e->ops->run(e, f, rec);
}

/* Tabs and newlines would break the one-line-per-vector evidence format. */
static void append_field(sa_buf *b, const char *name, const char *v)
{
	const char *p;

	(void)sa_buf_appendf(b, "\t%s=", name);
	for (p = v != NULL ? v : ""; *p != '\0'; p++)
		(void)sa_buf_append(
		    b, (*p == '\t' || *p == '\n' || *p == '\r') ? " " : p, 1);
}

void sa_sig_rec_result(sa_sig_rec *rec, const sa_sv_test *t, sa_vec_seen seen,
                       const char *detail, bool other)
{
	bool listed;

	sa_vec_result(rec->run, t->id, t->expected, seen, t->flags, detail);
	if (other && seen == SA_VEC_REJECTED) {
		if (rec->other_rej++ == 0)
			snprintf(rec->other_first, sizeof(rec->other_first),
			         "%s", detail != NULL ? detail : "?");
	}
	/* The vectors API lists id, flags and detail; the comment that says
	 * what the vector is about ("r = 0", "BER length") goes here. */
	listed = seen != SA_VEC_ERROR &&
	         (t->expected == SA_VEC_ACCEPTABLE ||
	          (t->expected == SA_VEC_VALID) != (seen == SA_VEC_ACCEPTED));
	if (!listed || rec->evidence == NULL)
		return;
	(void)sa_buf_appendf(rec->evidence, "%s\t%s\t%s", rec->role,
	                     rec->file->source, t->id);
	append_field(rec->evidence, "expected", sa_vec_expect_str(t->expected));
	append_field(rec->evidence, "observed", sa_vec_seen_str(seen));
	append_field(rec->evidence, "detail", detail);
	append_field(rec->evidence, "flags", t->flags);
	append_field(rec->evidence, "comment", t->comment);
	if (rec->why != NULL)
		append_field(rec->evidence, "why", rec->why);
	(void)sa_buf_append_str(rec->evidence, "\n");
}

void sa_sig_rec_skip(sa_sig_rec *rec, const sa_sv_test *t, const char *why)
{
	sa_vec_skip(rec->run, t->id, why);
}

static void run_one(sa_case_ctx *ctx, sa_sig_engine *e, const sa_sv_file *f,
                    sa_buf *evidence)
{
	char engine[160];
	sa_sig_rec rec;

	memset(&rec, 0, sizeof(rec));
	sa_sig_engine_describe(e, f, engine, sizeof(engine));
	rec.file = f;
	rec.evidence = evidence;
	rec.role = e->role == SA_VEC_TARGET ? "target" : "reference";
	rec.run = sa_vec_begin(ctx, f->source, e->role, engine);
	sa_sig_engine_run(e, f, &rec);
	if (rec.other_rej > 0)
		sa_case_note(ctx,
		             "%s (%s): %zu vectors rejected with a code other "
		             "than the signature ones, first %s",
		             f->source, rec.role, rec.other_rej,
		             rec.other_first);
	(void)sa_vec_end(rec.run);
}

void sa_sig_vec_file(sa_case_ctx *ctx, sa_sig_engine *target,
                     sa_sig_engine *reference, const sa_sv_file *f,
                     sa_buf *evidence)
{
	if (target != NULL)
		run_one(ctx, target, f, evidence);
	if (reference != NULL)
		run_one(ctx, reference, f, evidence);
}

void sa_sig_vec_evidence(sa_case_ctx *ctx, const sa_buf *evidence)
{
	static const char head[] =
	    "# role\tsource\tid\texpected\tobserved\tdetail\tflags\tcomment\n"
	    "# (disagreements and acceptable vectors; counts in "
	    "results.json)\n";
	sa_buf all = SA_BUF_INIT;

	if (evidence == NULL || evidence->len == 0)
		return;
	(void)sa_buf_append_str(&all, head);
	(void)sa_buf_append(&all, evidence->data, evidence->len);
	if (sa_buf_ok(&all))
		(void)sa_case_evidence(ctx, "disagreements.txt", all.data,
		                       all.len);
	sa_buf_free(&all);
}

int sa_sig_digest(const char *md, const unsigned char *msg, size_t len,
                  unsigned char *out, size_t *out_len, sa_error *err)
{
	int rc = SA_E_OSSL;
	EVP_MD *m = NULL;
	unsigned int n = 0;

	*out_len = 0;
	ERR_clear_error();
	m = EVP_MD_fetch(NULL, md, NULL);
	if (m == NULL) {
		ERR_clear_error();
		rc = SA_ERR(err, SA_E_UNSUPPORTED, "digest %s not available",
		            md);
		goto out;
	}
	SA_ENSURE(EVP_MD_get_size(m) > 0 &&
	              EVP_MD_get_size(m) <= EVP_MAX_MD_SIZE,
	          err, SA_E_UNSUPPORTED, "digest %s: not fixed-size", md);
	SA_TRY_OSSL(EVP_Digest(msg, len, out, &n, m, NULL), err, "EVP_Digest");
	*out_len = n;
	rc = SA_OK;
out:
	EVP_MD_free(m);
	return rc;
}

/* One DER TLV at p[0..len): tag, definite minimal length (X.690 §10.1).
 * *hdr gets the header size, *n the content length. */
static bool der_tlv(const unsigned char *p, size_t len, unsigned char tag,
                    size_t *hdr, size_t *n, const char **why)
{
	size_t i, nlen;

	if (len < 2 || p[0] != tag) {
		*why = tag == 0x30 ? "not a SEQUENCE" : "not an INTEGER";
		return false;
	}
	if (p[1] < 0x80) {
		*hdr = 2;
		*n = p[1];
	} else {
		nlen = p[1] & 0x7fu;
		if (nlen == 0) {
			*why = "indefinite length (BER)";
			return false;
		}
		if (nlen > 4 || len < 2 + nlen) {
			*why = "bad length octets";
			return false;
		}
		if (p[2] == 0) {
			*why = "length not minimal (BER)";
			return false;
		}
		*n = 0;
		for (i = 0; i < nlen; i++)
			*n = (*n << 8) | p[2 + i];
		if (*n < 0x80) {
			*why = "long-form length below 128 (BER)";
			return false;
		}
		*hdr = 2 + nlen;
	}
	if (*n > len - *hdr) {
		*why = "length beyond the data";
		return false;
	}
	return true;
}

/* One INTEGER >= 0 into out[half], left-padded. */
static bool der_uint(const unsigned char *p, size_t len, size_t half,
                     unsigned char *out, size_t *used, const char **why)
{
	size_t hdr, n;
	const unsigned char *v;

	if (!der_tlv(p, len, 0x02, &hdr, &n, why))
		return false;
	v = p + hdr;
	if (n == 0) {
		*why = "empty INTEGER";
		return false;
	}
	if (v[0] & 0x80) {
		*why = "negative INTEGER";
		return false;
	}
	if (n > 1 && v[0] == 0 && !(v[1] & 0x80)) {
		*why = "INTEGER with a superfluous leading zero";
		return false;
	}
	if (v[0] == 0 && n > 1) {
		v++;
		n--;
	}
	if (n > half) {
		*why = "INTEGER longer than the group order";
		return false;
	}
	memset(out, 0, half - n);
	memcpy(out + half - n, v, n);
	*used = hdr + (size_t)(v - (p + hdr)) + n;
	return true;
}

bool sa_sig_ecdsa_der_to_raw(const unsigned char *der, size_t len, size_t half,
                             unsigned char *out, const char **why)
{
	size_t hdr, n, used = 0, used2 = 0;
	const unsigned char *c;

	*why = NULL;
	if (der == NULL || !der_tlv(der, len, 0x30, &hdr, &n, why))
		return false;
	if (hdr + n != len) {
		*why = "data after the SEQUENCE";
		return false;
	}
	c = der + hdr;
	if (!der_uint(c, n, half, out, &used, why))
		return false;
	if (!der_uint(c + used, n - used, half, out + half, &used2, why))
		return false;
	if (used + used2 != n) {
		*why = "data after s inside the SEQUENCE";
		return false;
	}
	return true;
}

/* "SHA-512/256", "sha512_256" and "SHA512-256" all become "SHA512256". */
void sa_sig_md_norm(const char *in, char *out, size_t size)
{
	size_t j = 0;

	for (; in != NULL && *in != '\0' && j + 1 < size; in++) {
		if (*in == '-' || *in == '/' || *in == '_')
			continue;
		out[j++] = (char)toupper((unsigned char)*in);
	}
	out[j] = '\0';
}

const unsigned char *sa_sig_digestinfo_prefix(const char *md, size_t *len)
{
	/* RFC 8017 §9.2 note 1: DER of DigestInfo up to the hash value. */
	static const unsigned char sha1[] = {0x30, 0x21, 0x30, 0x09, 0x06,
	                                     0x05, 0x2b, 0x0e, 0x03, 0x02,
	                                     0x1a, 0x05, 0x00, 0x04, 0x14};
#define SA_DI_SHA2(name, n, l)                                                 \
	static const unsigned char name[] = {                                  \
	    0x30, (l) + 0x11, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,  \
	    0x65, 0x03,       0x04, 0x02, (n),  0x05, 0x00, 0x04, (l)}
	SA_DI_SHA2(sha224, 0x04, 0x1c);
	SA_DI_SHA2(sha256, 0x01, 0x20);
	SA_DI_SHA2(sha384, 0x02, 0x30);
	SA_DI_SHA2(sha512, 0x03, 0x40);
	SA_DI_SHA2(sha512_224, 0x05, 0x1c);
	SA_DI_SHA2(sha512_256, 0x06, 0x20);
#undef SA_DI_SHA2
	static const struct {
		const char *name;
		const unsigned char *p;
		size_t len;
	} tab[] = {
	    {"SHA1", sha1, sizeof(sha1)},
	    {"SHA224", sha224, sizeof(sha224)},
	    {"SHA256", sha256, sizeof(sha256)},
	    {"SHA384", sha384, sizeof(sha384)},
	    {"SHA512", sha512, sizeof(sha512)},
	    {"SHA512224", sha512_224, sizeof(sha512_224)},
	    {"SHA512256", sha512_256, sizeof(sha512_256)},
	};
	char n[32];
	size_t i;

	sa_sig_md_norm(md, n, sizeof(n));
	for (i = 0; i < SA_COUNTOF(tab); i++)
		if (strcmp(tab[i].name, n) == 0) {
			*len = tab[i].len;
			return tab[i].p;
		}
	*len = 0;
	return NULL;
}

size_t sa_sig_ec_half(unsigned bits)
{
	return ((size_t)bits + 7) / 8;
}
