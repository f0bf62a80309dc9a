/* NIST CAVP signature response files (.rsp, and the .txt files that add
 * the secret values) into an sa_sv_file.
 *
 * The format (CAVS "SigVer"/"SigGen" for FIPS 186-3 RSA and ECDSA): "#"
 * comment lines, "[mod = 2048]" or "[P-256,SHA-256]" section headers, and
 * records of "key = value" lines separated by blank lines. SigVer records
 * end with "Result = P" or "Result = F (n - reason)"; SigGen records are all
 * valid signatures. RSA key values (n, e, d) are set at section level (or,
 * in SigVer, repeated inside each record) and stay until the next section;
 * everything else belongs to one record. Consecutive records with the same
 * key, hash and salt length form a group. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sigaudit/guard.h"
#include "sigvec_int.h"

/* The FIPS 186-3 (D.1.2, D.1.3) curves with their field and order sizes:
 * R and S are integers modulo the order, Qx and Qy field elements. */
typedef struct cavp_curve {
	const char *name;
	unsigned field_bits, order_bits;
} cavp_curve;

static const cavp_curve curves[] = {
    {"P-192", 192, 192}, {"P-224", 224, 224}, {"P-256", 256, 256},
    {"P-384", 384, 384}, {"P-521", 521, 521}, {"K-163", 163, 163},
    {"K-233", 233, 232}, {"K-283", 283, 281}, {"K-409", 409, 407},
    {"K-571", 571, 570}, {"B-163", 163, 163}, {"B-233", 233, 233},
    {"B-283", 283, 282}, {"B-409", 409, 409}, {"B-571", 571, 570},
};

enum cavp_key {
	K_MSG = 0,
	K_S,
	K_SHAALG,
	K_SALTVAL,
	K_RESULT,
	K_QX,
	K_QY,
	K_R,
	K_K,
	K_D,
	K_N,
	K_E,
	K_P,
	K_Q,
	K_EM_HASH,
	K_EM_TRAILER,
	K_COUNT_
};

#define F_RSA   1u /* allowed in RSA files */
#define F_EC    2u /* allowed in ECDSA files */
#define F_ONREC 4u /* belongs to the record (else to the key) */

static const struct {
	const char *name;
	unsigned flags;
} keys[K_COUNT_] = {
    [K_MSG] = {"Msg", F_RSA | F_EC | F_ONREC},
    [K_S] = {"S", F_RSA | F_EC | F_ONREC},
    [K_SHAALG] = {"SHAAlg", F_RSA | F_ONREC},
    [K_SALTVAL] = {"SaltVal", F_RSA | F_ONREC},
    [K_RESULT] = {"Result", F_RSA | F_EC | F_ONREC},
    [K_QX] = {"Qx", F_EC | F_ONREC},
    [K_QY] = {"Qy", F_EC | F_ONREC},
    [K_R] = {"R", F_EC | F_ONREC},
    [K_K] = {"k", F_EC | F_ONREC},
    /* RSA d is the key's (SigGen .txt, SigVer); ECDSA d the record's. */
    [K_D] = {"d", F_RSA | F_EC},
    [K_N] = {"n", F_RSA},
    [K_E] = {"e", F_RSA},
    [K_P] = {"p", F_RSA},
    [K_Q] = {"q", F_RSA},
    /* SigVer's record of how an F record's encoded message was broken
     * (4 - hash moved to left, PSS: trailer wrong): informative only. */
    [K_EM_HASH] = {"EM with hash moved", F_RSA | F_ONREC},
    [K_EM_TRAILER] = {"EM with trailer wrong", F_RSA | F_ONREC},
};

#define SECTION_MAX 40 /* keeps "<section> <hash> #<n>" inside id[64] */
#define HASH_MAX    16

typedef struct id_counter {
	char prefix[SECTION_MAX + HASH_MAX + 4];
	size_t n;
} id_counter;

typedef struct cavp_ctx {
	const char *name;
	sa_error *err;
	sa_sv_file *f;
	sa_sv_scheme scheme;
	bool ec;
	size_t line;
	char why[160];

	/* file level */
	long default_salt; /* "# Salt len: N", or -1 */
	int kind;          /* -1 not known yet, 0 SigGen, 1 SigVer */
	id_counter *ids;
	size_t n_ids, cap_ids;

	/* section level */
	bool have_section;
	char section[SECTION_MAX + 3];
	const cavp_curve *curve;
	const char *sect_hash;
	long mod_bits;
	bool have_n, have_e, have_d;
	sa_buf n, e, d;

	/* record level */
	bool open;
	size_t rec_line;
	unsigned seen; /* bit per enum cavp_key */
	char hash_spelled[HASH_MAX + 1];
	const char *hash; /* OpenSSL name of hash_spelled */
	char last_spelled[HASH_MAX + 1];
	const char *last_hash;
	sa_buf msg, sig, salt, r, qx, qy, rd, scratch;
	bool pass;
	char reason[128];
} cavp_ctx;

/* "<name>:<line>: <what>" */
static int fail(cavp_ctx *c, size_t line, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail(cavp_ctx *c, size_t line, int code, const char *fmt, ...)
{
	char msg[SA_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return sa_error_setf(c->err, code, __FILE__, __LINE__, "%s:%zu: %s",
	                     c->name, line, msg);
}

static bool has(const cavp_ctx *c, enum cavp_key k)
{
	return (c->seen & (1u << k)) != 0;
}

static void record_reset(cavp_ctx *c)
{
	c->open = false;
	c->seen = 0;
	c->hash_spelled[0] = '\0';
	c->hash = NULL;
	c->pass = false;
	c->reason[0] = '\0';
	sa_buf_reset(&c->msg);
	sa_buf_reset(&c->sig);
	sa_buf_reset(&c->salt);
	sa_buf_reset(&c->r);
	sa_buf_reset(&c->qx);
	sa_buf_reset(&c->qy);
	sa_buf_reset(&c->rd);
}

static size_t order_len(const cavp_ctx *c)
{
	return (c->curve->order_bits + 7) / 8;
}

static size_t field_len(const cavp_ctx *c)
{
	return (c->curve->field_bits + 7) / 8;
}

/* The next number for an id prefix: "[mod = 2048] SHA256" #1, #2... */
static int next_id(cavp_ctx *c, const char *prefix, size_t *out)
{
	void *p;
	int rc;

	for (size_t i = 0; i < c->n_ids; i++) {
		if (strcmp(c->ids[i].prefix, prefix) == 0) {
			*out = ++c->ids[i].n;
			return SA_OK;
		}
	}
	if (c->n_ids == c->cap_ids) {
		size_t ncap = c->cap_ids ? c->cap_ids * 2 : 16;
		p = realloc(c->ids, ncap * sizeof(*c->ids));
		SA_ENSURE(p != NULL, c->err, SA_E_NOMEM, "%s: out of memory",
		          c->name);
		c->ids = p;
		c->cap_ids = ncap;
	}
	snprintf(c->ids[c->n_ids].prefix, sizeof(c->ids[0].prefix), "%s",
	         prefix);
	c->ids[c->n_ids].n = 1;
	c->n_ids++;
	*out = 1;
	rc = SA_OK;
out:
	return rc;
}

static bool same_group(const cavp_ctx *c, const sa_sv_group *g,
                       const sa_buf *point, long salt_len, bool with_priv)
{
	const sa_buf *priv = c->ec ? &c->rd : &c->d;

	if (strcmp(g->hash, c->hash) != 0 || g->salt_len != salt_len)
		return false;
	if (with_priv && !sa_sv_bytes_eq(&g->priv, priv->data, priv->len))
		return false;
	if (c->ec)
		return strcmp(g->curve, c->curve->name) == 0 &&
		       sa_sv_bytes_eq(&g->point, point->data, point->len);
	return sa_sv_bytes_eq(&g->n, c->n.data, c->n.len) &&
	       sa_sv_bytes_eq(&g->e, c->e.data, c->e.len);
}

static int new_group(cavp_ctx *c, const sa_buf *point, long salt_len,
                     bool with_priv)
{
	const sa_buf *priv = c->ec ? &c->rd : &c->d;
	sa_buf ehex = SA_BUF_INIT;
	sa_sv_group *g;
	int rc;

	SA_TRY(sa_sv_group_add(c->f, &g, c->err));
	g->scheme = c->scheme;
	g->hash = c->hash;
	g->salt_len = salt_len;
	if (c->scheme == SA_SV_RSA_PSS)
		g->mgf_hash = c->hash; /* FIPS 186-3 §5.5: MGF1 with the
		                          signature's hash */
	if (with_priv)
		sa_buf_append(&g->priv, priv->data, priv->len);
	if (c->ec) {
		g->curve = c->curve->name;
		g->key_bits = c->curve->field_bits;
		sa_buf_append(&g->point, point->data, point->len);
		snprintf(g->label, sizeof(g->label), "%s", c->section);
	} else {
		g->key_bits = (unsigned)sa_sv_bits(c->n.data, c->n.len);
		sa_buf_append(&g->n, c->n.data, c->n.len);
		sa_buf_append(&g->e, c->e.data, c->e.len);
		sa_buf_append_hex(&ehex, c->e.data, c->e.len);
		if (salt_len >= 0)
			snprintf(g->label, sizeof(g->label),
			         "%s %s e=0x%s sLen=%ld", c->section,
			         c->hash_spelled, sa_buf_cstr(&ehex), salt_len);
		else
			snprintf(g->label, sizeof(g->label), "%s %s e=0x%s",
			         c->section, c->hash_spelled,
			         sa_buf_cstr(&ehex));
	}
	SA_ENSURE(sa_buf_ok(&g->priv) && sa_buf_ok(&g->point) &&
	              sa_buf_ok(&g->n) && sa_buf_ok(&g->e) && sa_buf_ok(&ehex),
	          c->err, SA_E_NOMEM, "%s: out of memory", c->name);
	rc = SA_OK;
out:
	sa_buf_free(&ehex);
	return rc;
}

static int close_record(cavp_ctx *c)
{
	static const enum cavp_key need_ec[] = {K_MSG, K_QX, K_QY, K_R, K_S};
	static const enum cavp_key need_rsa[] = {K_SHAALG, K_MSG, K_S};
	const enum cavp_key *need = c->ec ? need_ec : need_rsa;
	size_t n_need = c->ec ? 5 : 3, num = 0;
	sa_buf point = SA_BUF_INIT;
	sa_sv_test *t;
	long salt_len = -1;
	bool with_priv;
	char prefix[sizeof(c->ids[0].prefix)];
	int kind, rc = SA_OK;

	if (!c->open)
		goto out;
	if (c->ec)
		c->hash = c->sect_hash;
	for (size_t i = 0; i < n_need; i++) {
		if (!has(c, need[i])) {
			rc = fail(c, c->rec_line, SA_E_PARSE,
			          "record has no '%s'", keys[need[i]].name);
			goto out;
		}
	}
	if (!c->ec && (!c->have_n || !c->have_e)) {
		rc = fail(c, c->rec_line, SA_E_PARSE,
		          "record before the section's '%s'",
		          c->have_n ? "e" : "n");
		goto out;
	}
	kind = has(c, K_RESULT) ? 1 : 0;
	if (c->kind < 0)
		c->kind = kind;
	if (c->kind != kind) {
		rc = fail(c, c->rec_line, SA_E_PARSE,
		          kind ? "record with a Result in a SigGen file"
		               : "record without a Result in a SigVer file");
		goto out;
	}
	if (c->scheme == SA_SV_RSA_PSS) {
		/* The salt length is not in the signature: take the record's
		 * SaltVal, else the header's "# Salt len:" (SigGenPSS_186-3
		 * has only the header, 0). */
		if (has(c, K_SALTVAL)) {
			salt_len = (long)c->salt.len;
		} else if (c->default_salt >= 0) {
			salt_len = c->default_salt;
		} else {
			rc = fail(c, c->rec_line, SA_E_PARSE,
			          "RSA-PSS record without SaltVal and no "
			          "'# Salt len:' header");
			goto out;
		}
	}
	if (c->ec) {
		sa_buf_append(&point, "\x04", 1);
		sa_buf_append(&point, c->qx.data, c->qx.len);
		sa_buf_append(&point, c->qy.data, c->qy.len);
		SA_ENSURE(sa_buf_ok(&point), c->err, SA_E_NOMEM,
		          "%s: out of memory", c->name);
	}
	/* The secret is only a key for SigGen: a SigVer file's d belongs to
	 * the unmodified key, not to an "e changed" record's. */
	with_priv = c->kind == 0 && (c->ec ? has(c, K_D) : c->have_d);
	if (c->f->n_groups == 0 ||
	    !same_group(c, &c->f->groups[c->f->n_groups - 1], &point, salt_len,
	                with_priv))
		SA_TRY(new_group(c, &point, salt_len, with_priv));

	if (c->ec)
		snprintf(prefix, sizeof(prefix), "%s", c->section);
	else
		snprintf(prefix, sizeof(prefix), "%s %s", c->section,
		         c->hash_spelled);
	SA_TRY(next_id(c, prefix, &num));
	SA_TRY(sa_sv_test_add(c->f, &t, c->err));
	c->f->groups[c->f->n_groups - 1].count++;
	snprintf(t->id, sizeof(t->id), "%s #%zu", prefix, num);
	t->expected = c->kind == 0 || c->pass ? SA_VEC_VALID : SA_VEC_INVALID;
	/* Ownership of the buffers moves to the test. */
	t->msg = c->msg;
	c->msg = (sa_buf)SA_BUF_INIT;
	if (c->ec) {
		sa_buf_append(&t->sig, c->r.data, c->r.len);
		sa_buf_append(&t->sig, c->sig.data, c->sig.len);
		SA_ENSURE(sa_buf_ok(&t->sig), c->err, SA_E_NOMEM,
		          "%s: out of memory", c->name);
	} else {
		t->sig = c->sig;
		c->sig = (sa_buf)SA_BUF_INIT;
	}
	if (c->kind == 1 && !c->pass && c->reason[0] != '\0') {
		t->flags = strdup(c->reason);
		SA_ENSURE(t->flags != NULL, c->err, SA_E_NOMEM,
		          "%s: out of memory", c->name);
	}
	record_reset(c);
out:
	sa_buf_free(&point);
	return rc;
}

static char *trim(char *s, char *end)
{
	while (s < end && isspace((unsigned char)*s))
		s++;
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	*end = '\0';
	return s;
}

static int section(cavp_ctx *c, char *text)
{
	size_t len = strlen(text);
	char *body, *comma, *end;
	long mod;
	int rc;

	SA_TRY(close_record(c));
	SA_ENSURE(len >= 2 && text[len - 1] == ']', c->err, SA_E_PARSE,
	          "%s:%zu: section header without ']'", c->name, c->line);
	SA_ENSURE(len - 2 <= SECTION_MAX, c->err, SA_E_PARSE,
	          "%s:%zu: section header longer than %d characters", c->name,
	          c->line, SECTION_MAX);
	snprintf(c->section, sizeof(c->section), "%s", text);
	body = trim(text + 1, text + len - 1);
	c->have_section = true;
	c->have_n = c->have_e = c->have_d = false;
	sa_buf_reset(&c->n);
	sa_buf_reset(&c->e);
	sa_buf_reset(&c->d);
	if (c->ec) {
		comma = strchr(body, ',');
		SA_ENSURE(comma != NULL, c->err, SA_E_PARSE,
		          "%s:%zu: section '%s' is not [curve,hash]", c->name,
		          c->line, c->section);
		*comma = '\0';
		c->curve = NULL;
		for (size_t i = 0; i < sizeof(curves) / sizeof(curves[0]); i++)
			if (strcmp(body, curves[i].name) == 0)
				c->curve = &curves[i];
		SA_ENSURE(c->curve != NULL, c->err, SA_E_PARSE,
		          "%s:%zu: unknown curve '%s'", c->name, c->line, body);
		body = trim(comma + 1, comma + 1 + strlen(comma + 1));
		SA_ENSURE(*body != '\0', c->err, SA_E_PARSE,
		          "%s:%zu: section '%s' names no hash", c->name,
		          c->line, c->section);
		SA_TRY(sa_sv_hash_name(c->f, body, &c->sect_hash, c->err));
	} else {
		SA_ENSURE(strncmp(body, "mod", 3) == 0, c->err, SA_E_PARSE,
		          "%s:%zu: section '%s' is not [mod = N]", c->name,
		          c->line, c->section);
		body = trim(body + 3, body + strlen(body));
		SA_ENSURE(*body == '=', c->err, SA_E_PARSE,
		          "%s:%zu: section '%s' is not [mod = N]", c->name,
		          c->line, c->section);
		body++;
		while (*body == ' ' || *body == '\t')
			body++;
		mod = strtol(body, &end, 10);
		SA_ENSURE(
		    isdigit((unsigned char)*body) && *end == '\0' &&
		        mod >= 256 && mod <= 16384,
		    c->err, SA_E_PARSE,
		    "%s:%zu: section '%s': modulus size not in 256..16384",
		    c->name, c->line, c->section);
		c->mod_bits = mod;
	}
	rc = SA_OK;
out:
	return rc;
}

/* "P", "P (0 )", "F (3 - S changed)". */
static int result(cavp_ctx *c, char *v)
{
	size_t len;
	char *inner;
	int rc = SA_OK;

	if (v[0] != 'P' && v[0] != 'F')
		goto bad;
	c->pass = v[0] == 'P';
	inner = trim(v + 1, v + strlen(v));
	len = strlen(inner);
	if (len == 0)
		goto out;
	if (inner[0] != '(' || inner[len - 1] != ')')
		goto bad;
	inner = trim(inner + 1, inner + len - 1);
	snprintf(c->reason, sizeof(c->reason), "%s", inner);
	goto out;
bad:
	rc = fail(c, c->line, SA_E_PARSE,
	          "Result '%.40s' is not P or F with an optional (reason)", v);
out:
	return rc;
}

static int bytes_value(cavp_ctx *c, const char *key, const char *v, sa_buf *out)
{
	int rc = sa_sv_hex(out, v, strlen(v), c->why, sizeof(c->why));
	if (rc < 0)
		rc = fail(c, c->line, rc, "%s: %s", key, c->why);
	return rc;
}

static int int_value(cavp_ctx *c, const char *key, const char *v, size_t width,
                     bool allow_zero, sa_buf *out)
{
	unsigned flags =
	    SA_SV_INT_ODD_OK | (allow_zero ? SA_SV_INT_ZERO_OK : 0);
	int rc = sa_sv_bigint(out, v, strlen(v), width, flags, c->why,
	                      sizeof(c->why));
	if (rc < 0)
		rc = fail(c, c->line, rc, "%s: %s", key, c->why);
	return rc;
}

static int key_line(cavp_ctx *c, char *k, char *v)
{
	enum cavp_key key = K_COUNT_;
	size_t bits;
	int rc;

	for (int i = 0; i < K_COUNT_; i++)
		if (strcmp(k, keys[i].name) == 0 &&
		    (keys[i].flags & (c->ec ? F_EC : F_RSA)) != 0)
			key = (enum cavp_key)i;
	if (key == K_COUNT_) {
		rc = fail(c, c->line, SA_E_PARSE,
		          "unknown key '%.32s' for %s vectors", k,
		          sa_sv_scheme_str(c->scheme));
		goto out;
	}
	if (!c->have_section) {
		rc = fail(c, c->line, SA_E_PARSE,
		          "'%s' before any [section] header", keys[key].name);
		goto out;
	}
	if ((keys[key].flags & F_ONREC) != 0 || (c->ec && key == K_D)) {
		/* A record key seen twice: the previous record ended without
		 * a blank line. */
		if (has(c, key))
			SA_TRY(close_record(c));
		if (!c->open) {
			c->open = true;
			c->rec_line = c->line;
		}
		c->seen |= 1u << key;
	}
	rc = SA_OK;
	switch (key) {
	case K_MSG:
		rc = bytes_value(c, "Msg", v, &c->msg);
		break;
	case K_S:
		if (c->ec)
			rc = int_value(c, "S", v, order_len(c), true, &c->sig);
		else if (*v == '\0')
			rc = fail(c, c->line, SA_E_PARSE, "S is empty");
		else
			rc = bytes_value(c, "S", v, &c->sig);
		break;
	case K_SALTVAL:
		rc = bytes_value(c, "SaltVal", v, &c->salt);
		break;
	case K_SHAALG:
		if (*v == '\0' || strlen(v) > HASH_MAX) {
			rc = fail(c, c->line, SA_E_PARSE,
			          "SHAAlg '%.32s' empty or too long", v);
			break;
		}
		snprintf(c->hash_spelled, sizeof(c->hash_spelled), "%s", v);
		if (c->last_hash == NULL || strcmp(v, c->last_spelled) != 0) {
			rc = sa_sv_hash_name(c->f, v, &c->last_hash, c->err);
			snprintf(c->last_spelled, sizeof(c->last_spelled), "%s",
			         v);
		}
		c->hash = c->last_hash;
		break;
	case K_RESULT:
		rc = result(c, v);
		break;
	case K_QX:
		rc = int_value(c, "Qx", v, field_len(c), true, &c->qx);
		break;
	case K_QY:
		rc = int_value(c, "Qy", v, field_len(c), true, &c->qy);
		break;
	case K_R:
		rc = int_value(c, "R", v, order_len(c), true, &c->r);
		break;
	case K_K:
		rc = int_value(c, "k", v, order_len(c), false, &c->scratch);
		sa_buf_reset(&c->scratch);
		break;
	case K_D:
		if (c->ec) {
			rc = int_value(c, "d", v, order_len(c), false, &c->rd);
		} else {
			rc = int_value(c, "d", v, 0, false, &c->d);
			c->have_d = rc == SA_OK;
		}
		break;
	case K_N:
		rc = int_value(c, "n", v, 0, false, &c->n);
		if (rc < 0)
			break;
		bits = sa_sv_bits(c->n.data, c->n.len);
		if (bits != (size_t)c->mod_bits)
			rc = fail(c, c->line, SA_E_PARSE,
			          "n has %zu bits in section %s", bits,
			          c->section);
		c->have_n = rc == SA_OK;
		break;
	case K_E:
		rc = int_value(c, "e", v, 0, false, &c->e);
		c->have_e = rc == SA_OK;
		break;
	case K_P:
	case K_Q:
	case K_EM_HASH:
	case K_EM_TRAILER:
		/* Not needed to verify: checked as hex, dropped. */
		rc = int_value(c, keys[key].name, v, 0, false, &c->scratch);
		sa_buf_reset(&c->scratch);
		break;
	case K_COUNT_:
		break;
	}
out:
	return rc;
}

/* "# Salt len: 10" in the header: the PSS salt length when records carry
 * no SaltVal. */
static int comment(cavp_ctx *c, const char *text)
{
	const char *p = strstr(text, "Salt len:");
	sa_sv_scheme said = SA_SV_SCHEME_COUNT_;
	char *end;
	long v;
	int rc = SA_OK;

	/* The CAVS header names the padding ("SigVer PKCS#1 Ver 1.5",
	 * "SigGen PKCS#1 RSASSA-PSS"): a PSS file read as PKCS#1 v1.5 would
	 * load, and then every vector would disagree. */
	if (strstr(text, "PKCS#1 RSASSA-PSS") != NULL)
		said = SA_SV_RSA_PSS;
	else if (strstr(text, "PKCS#1 Ver 1.5") != NULL)
		said = SA_SV_RSA_PKCS1;
	if (said != SA_SV_SCHEME_COUNT_ && said != c->scheme) {
		rc = fail(c, c->line, SA_E_PARSE,
		          "the header says %s, loaded as %s",
		          sa_sv_scheme_str(said), sa_sv_scheme_str(c->scheme));
		goto out;
	}
	if (p == NULL)
		goto out;
	p += strlen("Salt len:");
	while (*p == ' ' || *p == '\t')
		p++;
	v = strtol(p, &end, 10);
	if (!isdigit((unsigned char)*p) || *end != '\0' || v < 0 || v > 65536) {
		rc = fail(c, c->line, SA_E_PARSE, "'# Salt len:' not a number");
		goto out;
	}
	c->default_salt = v;
out:
	return rc;
}

static int one_line(cavp_ctx *c, char *s, char *end)
{
	char *eq;
	int rc;

	s = trim(s, end);
	if (*s == '\0') {
		SA_TRY(close_record(c));
	} else if (*s == '#') {
		SA_TRY(comment(c, s + 1));
	} else if (*s == '[') {
		SA_TRY(section(c, s));
	} else if ((eq = strchr(s, '=')) != NULL) {
		char *k = trim(s, eq);
		char *v = trim(eq + 1, eq + 1 + strlen(eq + 1));
		SA_ENSURE(*k != '\0', c->err, SA_E_PARSE,
		          "%s:%zu: '=' without a key", c->name, c->line);
		SA_TRY(key_line(c, k, v));
	} else {
		rc = fail(c, c->line, SA_E_PARSE,
		          "not a comment, [section] or 'key = value' line");
		goto out;
	}
	rc = SA_OK;
out:
	return rc;
}

static int load(const char *data, size_t len, const char *name,
                const char *source, sa_sv_scheme scheme, sa_sv_file **out,
                sa_error *err)
{
	cavp_ctx c;
	char *copy = NULL, *p, *end, *nl;
	int rc;

	*out = NULL;
	memset(&c, 0, sizeof(c));
	c.name = name;
	c.err = err;
	c.scheme = scheme;
	c.ec = scheme == SA_SV_ECDSA_P1363;
	c.default_salt = -1;
	c.kind = -1;
	c.d = (sa_buf)SA_BUF_INIT_SECURE;
	c.rd = (sa_buf)SA_BUF_INIT_SECURE;
	c.scratch = (sa_buf)SA_BUF_INIT_SECURE; /* k, p, q */
	SA_ENSURE(scheme == SA_SV_RSA_PKCS1 || scheme == SA_SV_RSA_PSS ||
	              scheme == SA_SV_ECDSA_P1363,
	          err, SA_E_INVALID,
	          "%s: CAVP files hold RSA-PKCS1, RSA-PSS or ECDSA vectors, "
	          "not %s",
	          name, sa_sv_scheme_str(scheme));
	SA_ENSURE(len <= SA_SV_FILE_MAX, err, SA_E_RANGE,
	          "%s: %zu bytes (limit %zu)", name, len, SA_SV_FILE_MAX);
	SA_ENSURE(len == 0 || memchr(data, '\0', len) == NULL, err, SA_E_PARSE,
	          "%s: NUL byte at offset %zu (not a text file)", name,
	          (size_t)((const char *)memchr(data, '\0', len) - data));
	/* A private copy, so lines can be cut in place. */
	copy = malloc(len + 1);
	SA_ENSURE(copy != NULL, err, SA_E_NOMEM, "%s: out of memory", name);
	if (len > 0)
		memcpy(copy, data, len);
	copy[len] = '\0';
	SA_TRY(sa_sv_file_new(&c.f, source, err));
	snprintf(c.f->algorithm, sizeof(c.f->algorithm), "%s",
	         sa_sv_scheme_str(scheme));
	for (p = copy, end = copy + len; p < end; p = nl + 1) {
		c.line++;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		SA_TRY(one_line(&c, p, nl));
	}
	c.line++;
	SA_TRY(close_record(&c));
	SA_ENSURE(c.f->n_tests > 0, err, SA_E_PARSE,
	          "%s: no records (not a CAVP SigVer/SigGen file?)", name);
	snprintf(c.f->schema, sizeof(c.f->schema), "%s",
	         c.kind == 1 ? "cavp-sigver" : "cavp-siggen");
	*out = c.f;
	c.f = NULL;
	rc = SA_OK;
out:
	sa_sv_free(c.f);
	free(copy);
	free(c.ids);
	sa_buf_free(&c.n);
	sa_buf_free(&c.e);
	sa_buf_free(&c.d);
	sa_buf_free(&c.msg);
	sa_buf_free(&c.sig);
	sa_buf_free(&c.salt);
	sa_buf_free(&c.r);
	sa_buf_free(&c.qx);
	sa_buf_free(&c.qy);
	sa_buf_free(&c.rd);
	sa_buf_free(&c.scratch);
	return rc;
}

int sa_sv_load_cavp_mem(const char *data, size_t len, const char *source,
                        sa_sv_scheme scheme, sa_sv_file **out, sa_error *err)
{
	const char *name = source != NULL ? source : "(cavp)";
	return load(data, len, name, source, scheme, out, err);
}

int sa_sv_load_cavp(const char *path, const char *source, sa_sv_scheme scheme,
                    sa_sv_file **out, sa_error *err)
{
	sa_buf data = SA_BUF_INIT;
	int rc;

	*out = NULL;
	SA_TRY(sa_sv_read_file(path, &data, err));
	SA_TRY(load((const char *)data.data, data.len, path,
	            source != NULL ? source : path, scheme, out, err));
	rc = SA_OK;
out:
	sa_buf_free(&data);
	return rc;
}
