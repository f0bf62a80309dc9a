/* Signature-service artefacts (SIG-ART-01..03): signatures a service
 * produced, named in the profile, checked against the certificate the
 * service is expected to sign with. No PKCS#11: OpenSSL is the verifier.
 *
 * One concern per case, so that a failure says what is wrong at a glance:
 *   SIG-ART-01  the signature is cryptographically valid over the content
 *   SIG-ART-02  the signer is the expected certificate (and chains, if asked)
 *   SIG-ART-03  the algorithms and key size meet the audit policy
 * Each case loops over every [artefact]; each artefact is a set of checks
 * named "<artefact>: <check>". Loading and the loop: sig_artefact_util.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/cms.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/ess.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include "sig_artefact.h"
#include "sigaudit/guard.h"
#include "suite.h"

#define R_CMS_SD "RFC 5652 §5.3, §5.4, §5.6 (SignerInfo, digest, verification)"
#define R_CMS_ATTR                                                             \
	"RFC 5652 §11.1-§11.3 (content-type, message-digest, signing-time)"
#define R_ESS   "RFC 5035 §5.4 (ESS signing-certificate-v2)"
#define R_PKCS1 "RFC 8017 §8.1.2 (RSASSA-PSS), §8.2.2 (RSASSA-PKCS1-v1_5)"
#define R_ECDSA "FIPS 186-5 §6.4.2 (ECDSA verification)"
#define R_EDDSA "RFC 8032 §5.1.7, §5.2.7 (Ed25519/Ed448 verification)"
#define R_X509  "RFC 5280 §4.1.2.5, §4.2.1.3, §6.1 (validity, key usage, path)"
#define R_POLICY                                                               \
	"TT 15/2025/TT-BKHCN: RSA >= 2048 bits, ECDSA >= 256 bits, SHA-2 "     \
	"(unconfirmed)"
#define R_CADES                                                                \
	"ETSI EN 319 122-1 §5.2.2.3 (signing-certificate-v2) (unconfirmed)"

/* A check name: "<artefact>: <what>". */
#define WHAT(art, w) sa_art_what((art), what, sizeof(what), (w))

/* ====================================================================
 * Shared bits
 * ==================================================================== */

static void name_str(const X509_NAME *n, char *buf, size_t size)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p = NULL;
	long len;

	snprintf(buf, size, "(name not printable)");
	if (b == NULL)
		return;
	if (X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253) >= 0) {
		len = BIO_get_mem_data(b, &p);
		if (len >= 0 && p != NULL)
			snprintf(buf, size, "%.*s", (int)len, p);
	}
	BIO_free(b);
}

static void serial_str(const ASN1_INTEGER *s, char *buf, size_t size)
{
	BIGNUM *bn = s ? ASN1_INTEGER_to_BN(s, NULL) : NULL;
	char *hex = bn ? BN_bn2hex(bn) : NULL;

	snprintf(buf, size, "%s", hex ? hex : "?");
	OPENSSL_free(hex);
	BN_free(bn);
}

static void hex_str(const unsigned char *p, size_t n, char *buf, size_t size)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && o + 3 <= size; i++)
		o += (size_t)snprintf(buf + o, size - o, "%02x", p[i]);
}

/* "issuer <DN>, serial <hex>" of a certificate. */
static void cert_id_str(X509 *x, char *buf, size_t size)
{
	char dn[256], sn[80];

	name_str(X509_get_issuer_name(x), dn, sizeof(dn));
	serial_str(X509_get0_serialNumber(x), sn, sizeof(sn));
	snprintf(buf, size, "issuer %s, serial %s", dn, sn);
}

static void note_hashes(sa_case_ctx *ctx, const sa_art *art)
{
	unsigned char md[32];
	char hex[65];
	unsigned int len = 0;

	if (EVP_Digest(art->sig, art->sig_len, md, &len, EVP_sha256(), NULL) ==
	    1) {
		hex_str(md, len, hex, sizeof(hex));
		sa_case_note(ctx, "%s: file %s, %zu bytes, SHA-256 %s",
		             art->a->name, art->a->file, art->sig_len, hex);
	}
	if (art->data != NULL && EVP_Digest(art->data, art->data_len, md, &len,
	                                    EVP_sha256(), NULL) == 1) {
		hex_str(md, len, hex, sizeof(hex));
		sa_case_note(ctx, "%s: data %s, %zu bytes, SHA-256 %s",
		             art->a->name, art->a->data, art->data_len, hex);
	}
	ERR_clear_error();
}

/* The SignerInfo's digest algorithm as an EVP_MD (fetched; free it). */
static EVP_MD *si_digest(CMS_SignerInfo *si, char *name, size_t size)
{
	X509_ALGOR *dig = NULL, *sig = NULL;
	const ASN1_OBJECT *obj = NULL;
	int nid;

	CMS_SignerInfo_get0_algs(si, NULL, NULL, &dig, &sig);
	if (dig != NULL)
		X509_ALGOR_get0(&obj, NULL, NULL, dig);
	nid = obj ? OBJ_obj2nid(obj) : NID_undef;
	if (obj != NULL)
		OBJ_obj2txt(name, (int)size, obj, 0);
	else
		snprintf(name, size, "(none)");
	return nid != NID_undef ? EVP_MD_fetch(NULL, OBJ_nid2sn(nid), NULL)
	                        : NULL;
}

/* ====================================================================
 * SIG-ART-01: cryptographic validity
 * ==================================================================== */

/* The digest mechanisms of the raw mechanisms; the key type they need. */
struct raw_mech {
	sa_artefact_mech m;
	const char *md;  /* NULL: EdDSA (pure, the data itself) */
	const char *key; /* EVP key type name */
	int pad;         /* RSA padding, 0 otherwise */
	const char *ref;
};

static const struct raw_mech raw_mechs[] = {
    {SA_ARTEFACT_MECH_RSA_PKCS1_SHA256, "SHA256", "RSA", RSA_PKCS1_PADDING,
     "RFC 8017 §8.2.2"},
    {SA_ARTEFACT_MECH_RSA_PKCS1_SHA384, "SHA384", "RSA", RSA_PKCS1_PADDING,
     "RFC 8017 §8.2.2"},
    {SA_ARTEFACT_MECH_RSA_PKCS1_SHA512, "SHA512", "RSA", RSA_PKCS1_PADDING,
     "RFC 8017 §8.2.2"},
    {SA_ARTEFACT_MECH_RSA_PSS_SHA256, "SHA256", "RSA", RSA_PKCS1_PSS_PADDING,
     "RFC 8017 §8.1.2"},
    {SA_ARTEFACT_MECH_RSA_PSS_SHA384, "SHA384", "RSA", RSA_PKCS1_PSS_PADDING,
     "RFC 8017 §8.1.2"},
    {SA_ARTEFACT_MECH_RSA_PSS_SHA512, "SHA512", "RSA", RSA_PKCS1_PSS_PADDING,
     "RFC 8017 §8.1.2"},
    {SA_ARTEFACT_MECH_ECDSA_SHA256, "SHA256", "EC", 0, "FIPS 186-5 §6.4.2"},
    {SA_ARTEFACT_MECH_ECDSA_SHA384, "SHA384", "EC", 0, "FIPS 186-5 §6.4.2"},
    {SA_ARTEFACT_MECH_ECDSA_SHA512, "SHA512", "EC", 0, "FIPS 186-5 §6.4.2"},
    {SA_ARTEFACT_MECH_ED25519, NULL, "ED25519", 0, "RFC 8032 §5.1.7"},
    {SA_ARTEFACT_MECH_ED448, NULL, "ED448", 0, "RFC 8032 §5.2.7"},
};

static const struct raw_mech *raw_mech_of(sa_artefact_mech m)
{
	for (size_t i = 0; i < SA_COUNTOF(raw_mechs); i++) {
		if (raw_mechs[i].m == m)
			return &raw_mechs[i];
	}
	return NULL;
}

/* An ECDSA signature as DER for OpenSSL. A service may hand out either
 * form: PKCS#11 CKM_ECDSA and JWS give r || s of twice the order length
 * (Curr. Mech. v2.40 §2.3.1, RFC 7518 §3.4), CMS and X.509 give the DER
 * Ecdsa-Sig-Value (RFC 5480 §2.2.3 / RFC 3279 §2.2.3). DER is taken only
 * when it re-encodes to the same bytes (no BER). */
static bool ecdsa_der(EVP_PKEY *pkey, const unsigned char *sig, size_t len,
                      unsigned char **der, size_t *der_len, const char **form)
{
	const unsigned char *p = sig;
	ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)len);
	size_t olen = (size_t)(EVP_PKEY_get_bits(pkey) + 7) / 8;
	BIGNUM *r = NULL, *s = NULL;
	unsigned char *out = NULL;
	int n = 0;
	bool ok = false;

	*form = "neither r||s of twice the order length nor DER";
	if (es != NULL && p == sig + len) {
		n = i2d_ECDSA_SIG(es, &out);
		if (n > 0 && (size_t)n == len && memcmp(out, sig, len) == 0) {
			*form = "DER Ecdsa-Sig-Value";
			ok = true;
			goto out;
		}
		OPENSSL_free(out);
		out = NULL;
	}
	ECDSA_SIG_free(es);
	es = NULL;
	ERR_clear_error();
	if (olen == 0 || len != 2 * olen)
		goto out;
	r = BN_bin2bn(sig, (int)olen, NULL);
	s = BN_bin2bn(sig + olen, (int)olen, NULL);
	es = ECDSA_SIG_new();
	if (r == NULL || s == NULL || es == NULL ||
	    ECDSA_SIG_set0(es, r, s) != 1)
		goto out;
	r = s = NULL; /* owned by es now */
	n = i2d_ECDSA_SIG(es, &out);
	if (n <= 0)
		goto out;
	*form = "raw r||s (IEEE P1363)";
	ok = true;
out:
	if (ok) {
		*der = out;
		*der_len = (size_t)n;
	} else {
		OPENSSL_free(out);
	}
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(es);
	return ok;
}

/* Verify a raw signature with the certificate's key. 0 with *valid set (a
 * result), negative when it could not verify (why in art->why). */
static int raw_verify(sa_art *art, const struct raw_mech *rm, bool *valid,
                      char *obs, size_t obs_size)
{
	EVP_MD_CTX *mctx = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	unsigned char *der = NULL;
	size_t der_len = 0;
	const unsigned char *sig = art->sig;
	size_t sig_len = art->sig_len;
	const char *form = NULL;
	char reason[160];
	int r;
	int rc = SA_E_OSSL;

	*valid = false;
	if (strcmp(rm->key, "EC") == 0) {
		if (!ecdsa_der(art->pkey, art->sig, art->sig_len, &der,
		               &der_len, &form)) {
			snprintf(obs, obs_size,
			         "invalid: %zu-byte signature is %s", sig_len,
			         form ? form : "not encodable");
			rc = SA_OK;
			goto out;
		}
		sig = der;
		sig_len = der_len;
	}
	mctx = EVP_MD_CTX_new();
	if (mctx == NULL ||
	    EVP_DigestVerifyInit_ex(mctx, &pctx, rm->md, NULL, NULL, art->pkey,
	                            NULL) != 1 ||
	    (rm->pad != 0 &&
	     EVP_PKEY_CTX_set_rsa_padding(pctx, rm->pad) != 1) ||
	    (rm->pad == RSA_PKCS1_PSS_PADDING &&
	     (EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) !=
	          1 ||
	      EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, rm->md, NULL) != 1))) {
		snprintf(art->why, sizeof(art->why),
		         "cannot set up %s verification: %s",
		         sa_artefact_mech_str(rm->m),
		         sa_art_ossl_reason(reason, sizeof(reason)));
		goto out;
	}
	r = EVP_DigestVerify(mctx, sig, sig_len, art->data, art->data_len);
	*valid = r == 1;
	if (*valid)
		snprintf(obs, obs_size, "valid%s%s", form ? "; encoding " : "",
		         form ? form : "");
	else
		snprintf(obs, obs_size, "invalid (%s)%s%s",
		         ERR_peek_error() != 0
		             ? sa_art_ossl_reason(reason, sizeof(reason))
		             : "does not match the data and the key",
		         form ? "; encoding " : "", form ? form : "");
	rc = SA_OK;
out:
	EVP_MD_CTX_free(mctx);
	OPENSSL_free(der);
	ERR_clear_error();
	return rc;
}

static int art01_raw(sa_case_ctx *ctx, sa_art *art)
{
	const struct raw_mech *rm = raw_mech_of(art->a->mech);
	char what[160], key[96], obs[512];
	bool fits, valid = false;
	int rc = SA_E_INVALID;

	if (rm == NULL) {
		snprintf(art->why, sizeof(art->why), "no mechanism");
		goto out;
	}
	sa_art_key_desc(art->pkey, key, sizeof(key));
	fits = EVP_PKEY_is_a(art->pkey, rm->key) ||
	       (strcmp(rm->key, "RSA") == 0 &&
	        EVP_PKEY_is_a(art->pkey, "RSA-PSS"));
	/* A mechanism that does not fit the certificate's key can never
	 * verify: the service signs with another key than the one the
	 * certificate certifies (or the profile is wrong). */
	sa_case_checkf(ctx, fits,
	               WHAT(art, "mechanism fits the certificate's key"),
	               rm->key, "%s for %s", key, art->a->mechanism);
	if (!fits) {
		rc = SA_OK;
		goto out;
	}
	SA_TRY(raw_verify(art, rm, &valid, obs, sizeof(obs)));
	sa_case_checkf(ctx, valid,
	               WHAT(art, "raw signature verifies with the expected "
	                         "certificate's key"),
	               "valid", "%s: %s (%s)", art->a->mechanism, obs, rm->ref);
	rc = SA_OK;
out:
	return rc;
}

/* The message-digest attribute against the digest of the content (RFC 5652
 * §11.2: it MUST be present when there are signed attributes, and §5.6: the
 * recipient compares it). Records the check; negative when the digest
 * could not be computed. */
static int check_message_digest(sa_case_ctx *ctx, sa_art *art)
{
	char what[160], mdname[64], hex_a[140], hex_c[140];
	ASN1_OCTET_STRING *attr;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	EVP_MD *emd = NULL;
	int rc = SA_E_OSSL;

	attr = CMS_signed_get0_data_by_OBJ(art->si,
	                                   OBJ_nid2obj(NID_pkcs9_messageDigest),
	                                   -3, V_ASN1_OCTET_STRING);
	ERR_clear_error();
	if (attr == NULL) {
		sa_case_check(ctx, false,
		              WHAT(art, "message-digest attribute matches the "
		                        "content"),
		              "one message-digest attribute (RFC 5652 §11.2)",
		              "absent, repeated or not an OCTET STRING");
		rc = SA_OK;
		goto out;
	}
	emd = si_digest(art->si, mdname, sizeof(mdname));
	if (emd == NULL) {
		/* SIG-ART-03 judges the algorithm; here it cannot be run. */
		sa_case_check(ctx, false,
		              WHAT(art, "message-digest attribute matches the "
		                        "content"),
		              "a digest algorithm OpenSSL knows", mdname);
		rc = SA_OK;
		goto out;
	}
	if (EVP_Digest(art->content ? art->content : (const unsigned char *)"",
	               art->content_len, md, &md_len, emd, NULL) != 1) {
		char reason[160];
		snprintf(art->why, sizeof(art->why), "digest %s failed: %s",
		         mdname, sa_art_ossl_reason(reason, sizeof(reason)));
		goto out;
	}
	hex_str(ASN1_STRING_get0_data(attr), (size_t)ASN1_STRING_length(attr),
	        hex_a, sizeof(hex_a));
	hex_str(md, md_len, hex_c, sizeof(hex_c));
	sa_case_checkf(
	    ctx,
	    (size_t)ASN1_STRING_length(attr) == md_len &&
	        memcmp(ASN1_STRING_get0_data(attr), md, md_len) == 0,
	    WHAT(art, "message-digest attribute matches the content"), hex_c,
	    "%s (%s over %zu bytes of content)", hex_a, mdname,
	    art->content_len);
	rc = SA_OK;
out:
	EVP_MD_free(emd);
	return rc;
}

/* RFC 5652 §5.3: with signed attributes, content-type and message-digest
 * MUST be among them, content-type equal to eContentType (§11.1). */
static void check_content_type(sa_case_ctx *ctx, sa_art *art)
{
	char what[160], want[80] = "?", got[80] = "absent";
	const ASN1_OBJECT *ect = CMS_get0_eContentType(art->cms);
	ASN1_OBJECT *ct = CMS_signed_get0_data_by_OBJ(
	    art->si, OBJ_nid2obj(NID_pkcs9_contentType), -3, V_ASN1_OBJECT);

	ERR_clear_error();
	if (ect != NULL)
		OBJ_obj2txt(want, sizeof(want), ect, 0);
	if (ct != NULL)
		OBJ_obj2txt(got, sizeof(got), ct, 0);
	sa_case_check(ctx, ct != NULL && ect != NULL && OBJ_cmp(ct, ect) == 0,
	              WHAT(art, "content-type attribute equals eContentType"),
	              want, got);
}

static int art01_cms(sa_case_ctx *ctx, sa_art *art)
{
	char what[160], obs[512], reason[200];
	STACK_OF(X509) *certs = NULL;
	BIO *dcont = NULL;
	bool has_attrs;
	int r;
	int rc = SA_E_NOMEM;

	if (!art->detached && art->data != NULL)
		sa_case_checkf(
		    ctx,
		    art->content_len == art->data_len &&
		        (art->data_len == 0 ||
		         memcmp(art->content, art->data, art->data_len) == 0),
		    WHAT(art, "content inside the CMS equals the data file"),
		    "equal", "%zu bytes inside, %zu in %s", art->content_len,
		    art->data_len, art->a->data);

	/* OpenSSL's own complete verification, with the expected certificate
	 * as the only candidate signer (CMS_NOINTERN: certificates inside the
	 * CMS are not used), content as binary, no path validation here
	 * (SIG-ART-02 does that against the profile's chain). */
	certs = sk_X509_new_null();
	if (certs == NULL || sk_X509_push(certs, art->cert) <= 0) {
		snprintf(art->why, sizeof(art->why), "out of memory");
		goto out;
	}
	if (art->detached) {
		dcont = BIO_new_mem_buf(art->content, (int)art->content_len);
		if (dcont == NULL) {
			snprintf(art->why, sizeof(art->why), "out of memory");
			goto out;
		}
	}
	ERR_clear_error();
	r = CMS_verify(art->cms, certs, NULL, dcont, NULL,
	               CMS_NOINTERN | CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY);
	if (r == 1)
		snprintf(obs, sizeof(obs), "verified");
	else
		snprintf(obs, sizeof(obs), "refused: %s",
		         sa_art_ossl_reason(reason, sizeof(reason)));
	sa_case_checkf(ctx, r == 1,
	               WHAT(art, "CMS_verify accepts it with the expected "
	                         "certificate as signer"),
	               "verified", "%s (%s, %s, %d signer%s)", obs, art->form,
	               art->detached ? "detached" : "attached", art->n_signers,
	               art->n_signers == 1 ? "" : "s");

	/* The two halves of that verdict, so that a failure says which:
	 * the content changed (digest) or the signature value is wrong. */
	has_attrs = CMS_signed_get_attr_count(art->si) > 0;
	if (has_attrs) {
		check_content_type(ctx, art);
		SA_TRY(check_message_digest(ctx, art));
		/* set1 has no return value (void in OpenSSL 3.0). */
		CMS_SignerInfo_set1_signer_cert(art->si, art->cert);
		r = CMS_SignerInfo_verify(art->si);
		sa_case_checkf(
		    ctx, r == 1,
		    WHAT(art, "signature over the signed attributes "
		              "verifies with the expected key"),
		    "valid", "%s",
		    r == 1 ? "valid"
		           : sa_art_ossl_reason(reason, sizeof(reason)));
	} else {
		sa_case_note(ctx,
		             "%s: no signed attributes: the signature covers "
		             "the content directly (RFC 5652 §5.4)",
		             art->a->name);
	}
	rc = SA_OK;
out:
	BIO_free(dcont);
	sk_X509_free(certs); /* the certificate is art's */
	ERR_clear_error();
	return rc;
}

static int art01_one(sa_case_ctx *ctx, sa_art *art, void *state)
{
	char what[160];
	bool parsed = art->state == SA_ART_LOADED;

	(void)state;
	sa_case_check(ctx, parsed,
	              WHAT(art, art->a->type == SA_ARTEFACT_CMS
	                            ? "signature file parses as CMS "
	                              "SignedData"
	                            : "signature file is not empty"),
	              "parses", parsed ? art->form : art->why);
	if (!parsed)
		return SA_OK;
	note_hashes(ctx, art);
	if (art->a->type == SA_ARTEFACT_RAW)
		return art01_raw(ctx, art);
	return art01_cms(ctx, art);
}

static void sig_art01(sa_case_ctx *ctx)
{
	sa_art_each(ctx, art01_one, NULL, true, NULL);
}

/* ====================================================================
 * SIG-ART-02: signer identity
 * ==================================================================== */

struct art02_state {
	size_t checks;
};

/* The SignerInfo's sid (RFC 5652 §5.3: issuerAndSerialNumber or
 * subjectKeyIdentifier) as text. */
static void sid_str(CMS_SignerInfo *si, char *buf, size_t size)
{
	ASN1_OCTET_STRING *keyid = NULL;
	X509_NAME *issuer = NULL;
	ASN1_INTEGER *sno = NULL;
	char a[256], b[140];

	if (CMS_SignerInfo_get0_signer_id(si, &keyid, &issuer, &sno) != 1) {
		snprintf(buf, size, "(unreadable sid)");
	} else if (keyid != NULL) {
		hex_str(ASN1_STRING_get0_data(keyid),
		        (size_t)ASN1_STRING_length(keyid), b, sizeof(b));
		snprintf(buf, size, "subjectKeyIdentifier %s", b);
	} else {
		name_str(issuer, a, sizeof(a));
		serial_str(sno, b, sizeof(b));
		snprintf(buf, size, "issuer %s, serial %s", a, b);
	}
	ERR_clear_error();
}

/* The certificate the CMS carries for its signer, compared with the
 * expected one by public key (the identity that matters: who holds the
 * private key) and as a whole. */
static void check_carried_cert(sa_case_ctx *ctx, sa_art *art,
                               struct art02_state *st)
{
	STACK_OF(X509) *carried = CMS_get1_certs(art->cms);
	X509 *match = NULL;
	char what[160], got[256];

	for (int i = 0; carried != NULL && i < sk_X509_num(carried); i++) {
		X509 *x = sk_X509_value(carried, i);
		if (CMS_SignerInfo_cert_cmp(art->si, x) == 0) {
			match = x;
			break;
		}
	}
	if (match == NULL) {
		sa_case_note(ctx,
		             "%s: the CMS carries %d certificate%s, none for "
		             "its signer; the key binding rests on SIG-ART-01 "
		             "(verification with the expected certificate)",
		             art->a->name, carried ? sk_X509_num(carried) : 0,
		             carried && sk_X509_num(carried) == 1 ? "" : "s");
		goto out;
	}
	cert_id_str(match, got, sizeof(got));
	st->checks++;
	sa_case_checkf(
	    ctx, EVP_PKEY_eq(X509_get0_pubkey(match), art->pkey) == 1,
	    WHAT(art, "certificate carried for the signer has the "
	              "expected public key"),
	    "the expected certificate's key", "%s (%s)", got,
	    X509_cmp(match, art->cert) == 0 ? "the expected certificate itself"
	                                    : "a different certificate");
out:
	sk_X509_pop_free(carried, X509_free);
	ERR_clear_error();
}

/* ESS signing-certificate(-v2): the signed attribute that binds the signer
 * certificate to the signature (RFC 5035 §5.4, RFC 2634 §5.4), required by
 * CAdES. Present: it must name the expected certificate. Absent: noted. */
static void check_ess(sa_case_ctx *ctx, sa_art *art, struct art02_state *st)
{
	ASN1_STRING *v2 = CMS_signed_get0_data_by_OBJ(
	    art->si, OBJ_nid2obj(NID_id_smime_aa_signingCertificateV2), -3,
	    V_ASN1_SEQUENCE);
	ASN1_STRING *v1 = CMS_signed_get0_data_by_OBJ(
	    art->si, OBJ_nid2obj(NID_id_smime_aa_signingCertificate), -3,
	    V_ASN1_SEQUENCE);
	ESS_SIGNING_CERT_V2 *ssv2 = NULL;
	ESS_SIGNING_CERT *ss = NULL;
	STACK_OF(X509) *chain = sk_X509_new_null();
	const unsigned char *p;
	char what[160], reason[200];
	int r;

	ERR_clear_error();
	if (v2 == NULL && v1 == NULL) {
		sa_case_note(ctx,
		             "%s: no ESS signing-certificate(-v2) attribute: "
		             "the signer certificate is not bound by a signed "
		             "attribute (CAdES needs it: " R_CADES ")",
		             art->a->name);
		goto out;
	}
	if (chain == NULL || sk_X509_push(chain, art->cert) <= 0)
		goto out;
	if (v2 != NULL) {
		p = ASN1_STRING_get0_data(v2);
		ssv2 =
		    d2i_ESS_SIGNING_CERT_V2(NULL, &p, ASN1_STRING_length(v2));
	}
	if (v1 != NULL) {
		p = ASN1_STRING_get0_data(v1);
		ss = d2i_ESS_SIGNING_CERT(NULL, &p, ASN1_STRING_length(v1));
		sa_case_note(ctx,
		             "%s: ESS signing-certificate (v1, SHA-1 "
		             "ESSCertID, RFC 2634) present",
		             art->a->name);
	}
	st->checks++;
	if ((v2 != NULL && ssv2 == NULL) || (v1 != NULL && ss == NULL)) {
		sa_case_check(ctx, false,
		              WHAT(art, "ESS signing-certificate attribute "
		                        "names the expected certificate"),
		              "a well-formed SigningCertificate(V2)",
		              "does not parse");
		goto out;
	}
	r = OSSL_ESS_check_signing_certs(ss, ssv2, chain, 1);
	sa_case_checkf(ctx, r == 1,
	               WHAT(art, "ESS signing-certificate attribute names the "
	                         "expected certificate"),
	               "the expected certificate's hash", "%s (%s)",
	               r == 1 ? "matches"
	                      : sa_art_ossl_reason(reason, sizeof(reason)),
	               v2 != NULL ? "signing-certificate-v2" : "v1 only");
out:
	ESS_SIGNING_CERT_V2_free(ssv2);
	ESS_SIGNING_CERT_free(ss);
	sk_X509_free(chain);
	ERR_clear_error();
}

/* keyUsage (RFC 5280 §4.2.1.3): a certificate for signatures has
 * digitalSignature or nonRepudiation (contentCommitment). */
static void check_key_usage(sa_case_ctx *ctx, sa_art *art,
                            struct art02_state *st)
{
	uint32_t ku = X509_get_key_usage(art->cert);
	char what[160];

	if (ku == UINT32_MAX) {
		sa_case_note(ctx,
		             "%s: the expected certificate has no keyUsage "
		             "extension (any use allowed)",
		             art->a->name);
		return;
	}
	st->checks++;
	sa_case_checkf(
	    ctx,
	    (ku & (X509v3_KU_DIGITAL_SIGNATURE | X509v3_KU_NON_REPUDIATION)) !=
	        0,
	    WHAT(art, "expected certificate's keyUsage allows signing"),
	    "digitalSignature or nonRepudiation", "keyUsage 0x%04x", ku);
}

static void check_validity(sa_case_ctx *ctx, sa_art *art, time_t t,
                           const char *source, struct art02_state *st)
{
	char what[160], when[32];
	bool ok = X509_cmp_time(X509_get0_notBefore(art->cert), &t) < 0 &&
	          X509_cmp_time(X509_get0_notAfter(art->cert), &t) > 0;

	sa_art_iso(t, when);
	ERR_clear_error();
	/* Without `at` or a signing-time, "now" says nothing about the
	 * moment of signing: an artefact signed last year with a certificate
	 * that has since expired is still a good signature. */
	if (strcmp(source, "now") == 0) {
		sa_case_note(ctx,
		             "%s: no `at` and no signing-time: validity at "
		             "signing not checked; the certificate is %s now",
		             art->a->name, ok ? "valid" : "NOT valid");
		return;
	}
	st->checks++;
	sa_case_checkf(ctx, ok,
	               WHAT(art, "expected certificate is within its validity "
	                         "period at the signing time"),
	               "notBefore < time < notAfter", "%s (%s): %s", when,
	               source, ok ? "within" : "outside");
}

/* Path validation (RFC 5280 §6.1) of the expected certificate to the CA
 * bundle the profile names: every certificate in the bundle is a trust
 * anchor (X509_V_FLAG_PARTIAL_CHAIN), since the auditor named them; any
 * purpose; at the validation time. */
static int check_chain(sa_case_ctx *ctx, sa_art *art, time_t t,
                       const char *source, struct art02_state *st)
{
	X509_STORE *store = NULL;
	X509_STORE_CTX *sctx = NULL;
	STACK_OF(X509) *untrusted = NULL;
	X509_VERIFY_PARAM *vp;
	char what[160], when[32], reason[200];
	int r, err;
	int rc = SA_E_OSSL;

	store = X509_STORE_new();
	sctx = X509_STORE_CTX_new();
	if (store == NULL || sctx == NULL)
		goto fail;
	for (int i = 0; i < sk_X509_num(art->chain); i++) {
		if (X509_STORE_add_cert(store, sk_X509_value(art->chain, i)) !=
		    1)
			goto fail;
	}
	if (art->cms != NULL)
		untrusted = CMS_get1_certs(art->cms);
	if (X509_STORE_CTX_init(sctx, store, art->cert, untrusted) != 1)
		goto fail;
	vp = X509_STORE_CTX_get0_param(sctx);
	if (X509_VERIFY_PARAM_set_purpose(vp, X509_PURPOSE_ANY) != 1 ||
	    X509_VERIFY_PARAM_set_flags(vp, X509_V_FLAG_PARTIAL_CHAIN) != 1)
		goto fail;
	if (strcmp(source, "now") != 0)
		X509_VERIFY_PARAM_set_time(vp, t);
	sa_art_iso(t, when);
	r = X509_verify_cert(sctx);
	err = X509_STORE_CTX_get_error(sctx);
	st->checks++;
	sa_case_checkf(ctx, r == 1,
	               WHAT(art, "expected certificate chains to the profile's "
	                         "CA bundle"),
	               "path valid", "%s at %s (%s), %d CA certificate%s",
	               r == 1 ? "valid" : X509_verify_cert_error_string(err),
	               when, source, sk_X509_num(art->chain),
	               sk_X509_num(art->chain) == 1 ? "" : "s");
	rc = SA_OK;
	goto out;
fail:
	snprintf(art->why, sizeof(art->why),
	         "cannot set up path validation: %s",
	         sa_art_ossl_reason(reason, sizeof(reason)));
out:
	sk_X509_pop_free(untrusted, X509_free);
	X509_STORE_CTX_free(sctx);
	X509_STORE_free(store);
	ERR_clear_error();
	return rc;
}

static int art02_one(sa_case_ctx *ctx, sa_art *art, void *state)
{
	struct art02_state *st = state;
	char what[160], want[300], got[300];
	const char *source;
	time_t t = 0;
	int rc = SA_OK;

	if (art->a->type == SA_ARTEFACT_CMS) {
		st->checks += 2;
		sa_case_checkf(ctx, art->n_signers == 1,
		               WHAT(art, "exactly one SignerInfo"), "1", "%d",
		               art->n_signers);
		sid_str(art->si, got, sizeof(got));
		cert_id_str(art->cert, want, sizeof(want));
		sa_case_checkf(ctx,
		               CMS_SignerInfo_cert_cmp(art->si, art->cert) == 0,
		               WHAT(art, "SignerInfo names the expected "
		                         "certificate"),
		               want, "%s", got);
		ERR_clear_error();
		check_carried_cert(ctx, art, st);
		check_ess(ctx, art, st);
	} else {
		sa_case_note(ctx,
		             "%s: a raw signature names no signer; its binding "
		             "to the expected certificate is the verification "
		             "in SIG-ART-01",
		             art->a->name);
	}
	check_key_usage(ctx, art, st);
	source = sa_art_when(art, &t);
	check_validity(ctx, art, t, source, st);
	if (art->chain != NULL)
		rc = check_chain(ctx, art, t, source, st);
	else
		sa_case_note(ctx,
		             "%s: chain not checked: the profile names no "
		             "chain (CA bundle) for this artefact",
		             art->a->name);
	return rc;
}

static void sig_art02(sa_case_ctx *ctx)
{
	struct art02_state st = {0};
	size_t checked = 0;

	sa_art_each(ctx, art02_one, &st, false, &checked);
	/* Raw artefacts without keyUsage, `at` or chain leave nothing to
	 * check here; say so rather than pass. */
	if (checked > 0 && st.checks == 0)
		sa_case_info(ctx,
		             "no identity check applies: the artefacts are raw "
		             "signatures and the profile gives no chain or "
		             "validation time");
}

/* ====================================================================
 * SIG-ART-03: algorithm and key-size policy
 * ==================================================================== */

static bool sha2_nid(int nid)
{
	return nid == NID_sha224 || nid == NID_sha256 || nid == NID_sha384 ||
	       nid == NID_sha512 || nid == NID_sha512_256 ||
	       nid == NID_sha3_256 || nid == NID_sha3_384 ||
	       nid == NID_sha3_512;
}

/* Signature algorithms a CMS SignerInfo may name within the policy. With
 * rsaEncryption (RFC 3370 §3.2) and id-RSASSA-PSS (RFC 4056) the hash is the
 * digest algorithm, checked separately. */
static bool sigalg_ok(int nid)
{
	static const int ok[] = {
	    NID_rsaEncryption,
	    NID_rsassaPss,
	    NID_sha224WithRSAEncryption,
	    NID_sha256WithRSAEncryption,
	    NID_sha384WithRSAEncryption,
	    NID_sha512WithRSAEncryption,
	    NID_ecdsa_with_SHA224,
	    NID_ecdsa_with_SHA256,
	    NID_ecdsa_with_SHA384,
	    NID_ecdsa_with_SHA512,
	    NID_ED25519,
	    NID_ED448,
	};

	for (size_t i = 0; i < SA_COUNTOF(ok); i++) {
		if (ok[i] == nid)
			return true;
	}
	return false;
}

static void check_key_size(sa_case_ctx *ctx, sa_art *art)
{
	char what[160], key[96];
	int bits = EVP_PKEY_get_bits(art->pkey);
	bool ok;

	sa_art_key_desc(art->pkey, key, sizeof(key));
	if (EVP_PKEY_is_a(art->pkey, "RSA") ||
	    EVP_PKEY_is_a(art->pkey, "RSA-PSS"))
		ok = bits >= 2048;
	else if (EVP_PKEY_is_a(art->pkey, "EC"))
		ok = bits >= 256;
	else
		ok = EVP_PKEY_is_a(art->pkey, "ED25519") ||
		     EVP_PKEY_is_a(art->pkey, "ED448");
	sa_case_check(ctx, ok, WHAT(art, "signer key meets the policy"),
	              "RSA >= 2048 bits, EC >= 256 bits, Ed25519/Ed448", key);
}

static int art03_one(sa_case_ctx *ctx, sa_art *art, void *state)
{
	X509_ALGOR *dig = NULL, *sig = NULL;
	const ASN1_OBJECT *dobj = NULL, *sobj = NULL;
	char what[160], dname[64] = "(none)", sname[64] = "(none)";
	int n_attrs;
	time_t t;

	(void)state;
	check_key_size(ctx, art);
	if (art->a->type == SA_ARTEFACT_RAW) {
		sa_case_note(ctx, "%s: mechanism %s (SHA-2 or EdDSA)",
		             art->a->name, art->a->mechanism);
		return SA_OK;
	}
	CMS_SignerInfo_get0_algs(art->si, NULL, NULL, &dig, &sig);
	if (dig != NULL)
		X509_ALGOR_get0(&dobj, NULL, NULL, dig);
	if (sig != NULL)
		X509_ALGOR_get0(&sobj, NULL, NULL, sig);
	if (dobj != NULL)
		OBJ_obj2txt(dname, sizeof(dname), dobj, 0);
	if (sobj != NULL)
		OBJ_obj2txt(sname, sizeof(sname), sobj, 0);
	/* SHA-1 and MD5 collisions are practical (SHAttered, 2017): a
	 * signature over them can be moved to another document. */
	sa_case_check(ctx, dobj != NULL && sha2_nid(OBJ_obj2nid(dobj)),
	              WHAT(art, "digest algorithm is SHA-2"),
	              "SHA-224/256/384/512 (or SHA-3)", dname);
	sa_case_check(ctx, sobj != NULL && sigalg_ok(OBJ_obj2nid(sobj)),
	              WHAT(art, "signature algorithm is within the policy"),
	              "RSA (PKCS#1 v1.5 or PSS), ECDSA with SHA-2, EdDSA",
	              sname);
	n_attrs = CMS_signed_get_attr_count(art->si);
	if (n_attrs < 0)
		n_attrs = 0;
	sa_case_checkf(
	    ctx, n_attrs > 0, WHAT(art, "signed attributes are present"),
	    "content-type, message-digest (+ signing-time, "
	    "signing-certificate-v2)",
	    "%d signed attribute%s", n_attrs, n_attrs == 1 ? "" : "s");
	if (sa_art_signing_time(art, &t)) {
		char when[32];
		sa_art_iso(t, when);
		sa_case_note(ctx, "%s: signing-time %s (RFC 5652 §11.3)",
		             art->a->name, when);
	} else {
		sa_case_note(ctx, "%s: no signing-time attribute",
		             art->a->name);
	}
	ERR_clear_error();
	return SA_OK;
}

static void sig_art03(sa_case_ctx *ctx)
{
	sa_art_each(ctx, art03_one, NULL, false, NULL);
}

/* ====================================================================
 * The table
 * ==================================================================== */

static const sa_case cases[] = {
    {
        .id = "SIG-ART-01",
        .title = "Signature-service artefacts verify against the expected "
                 "certificate",
        .description =
            "For every [artefact] of the profile, a signature the signing "
            "service produced: the file parses (CMS SignedData in DER or "
            "PEM, or raw signature bytes), and the signature verifies with "
            "the public key of the certificate the service is expected to "
            "sign with. CMS: OpenSSL's CMS_verify with that certificate as "
            "the only candidate signer and the data file as detached "
            "content, then separately the content-type attribute, the "
            "message-digest attribute against the content (content "
            "changed?) and the signature over the signed attributes "
            "(signature value wrong?). Raw: EVP verification with the "
            "profile's mechanism (ECDSA r||s or DER, both accepted and "
            "reported). A signature that does not verify is worthless to "
            "a relying party and may hide a service signing with the "
            "wrong key. Each artefact is checked on its own; one broken "
            "file does not stop the others.",
        .remediation =
            "Find out why the service's output does not verify: a wrong "
            "key or certificate configured, content changed after "
            "signing (encoding, line endings), or a broken signer. "
            "Re-issue the affected signatures.",
        .refs = SA_REFS(R_CMS_SD, R_CMS_ATTR, R_PKCS1, R_ECDSA, R_EDDSA),
        .impact = 4,
        .threat = "wrong-signature",
        .needs = 0,
        .run = sig_art01,
    },
    {
        .id = "SIG-ART-02",
        .title = "Signature-service artefacts name the expected signer",
        .description =
            "For every CMS artefact: exactly one SignerInfo, whose "
            "identifier (issuer and serial number, or subject key "
            "identifier) is the expected certificate; a certificate the "
            "CMS carries for that signer has the expected public key; an "
            "ESS signing-certificate(-v2) attribute, when present, names "
            "the expected certificate. For every artefact: the expected "
            "certificate allows signing (keyUsage), is within its "
            "validity period at the validation time (the profile's `at`, "
            "else the signing-time attribute), and chains to the CA "
            "bundle the profile gives (any purpose; without a bundle the "
            "chain is not checked, and a note says so). A signature made "
            "in someone else's name, or one a verifier would attribute to "
            "the wrong certificate, breaks non-repudiation.",
        .remediation =
            "Configure the service to sign with the key and certificate "
            "registered for it, include that certificate and an ESS "
            "signing-certificate-v2 attribute naming it, and renew the "
            "certificate before it expires.",
        .refs = SA_REFS(R_CMS_SD, R_ESS, R_X509, R_CADES),
        .impact = 5,
        .threat = "signer-substitution",
        .needs = 0,
        .run = sig_art02,
    },
    {
        .id = "SIG-ART-03",
        .title = "Signature-service artefacts meet the algorithm and key "
                 "policy",
        .description =
            "For every artefact: the signer's key is RSA of at least 2048 "
            "bits, EC of at least 256 bits, or Ed25519/Ed448. For CMS "
            "artefacts also: the digest algorithm is SHA-2 (not MD5 or "
            "SHA-1), the signature algorithm is RSA PKCS#1 v1.5/PSS, "
            "ECDSA with SHA-2 or EdDSA, and signed attributes are present "
            "(content-type and message-digest bind the content type and "
            "allow signing-time and signing-certificate-v2); signing-time "
            "is reported. Weak algorithms make a valid-looking signature "
            "forgeable or transferable to another document.",
        .remediation =
            "Sign with SHA-256 or stronger and keys of at least RSA-2048 "
            "or P-256; re-issue signatures made with SHA-1 or short keys.",
        .refs = SA_REFS(R_POLICY, R_CMS_SD, R_CMS_ATTR),
        .impact = 3,
        .threat = "weak-algorithm",
        .needs = 0,
        .run = sig_art03,
    },
};

const sa_case_group sa_signing_group_artefacts = {cases, SA_COUNTOF(cases)};
