/* CV-PKI-02: certificate lints over the anchors, intermediates and issued
 * samples of [pki] (catalogue §9 B). Each lint is one check over every
 * certificate in its scope; the check's `what` starts with a short stable
 * name in brackets, then the rule it cites. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "cv_lint.h"

typedef void (*lint_fn)(sa_cv_lint *l, const sa_cv_pki *pki,
                        const sa_cv_pki_cert *c);

static bool self_issued(X509 *x)
{
	return X509_NAME_cmp(X509_get_subject_name(x),
	                     X509_get_issuer_name(x)) == 0;
}

static X509_EXTENSION *ext_of(X509 *x, int nid)
{
	int i = X509_get_ext_by_NID(x, nid, -1);
	return i < 0 ? NULL : X509_get_ext(x, i);
}

/* RFC 5280 §4.1.2.2: positive, at most 20 octets of DER content. */
static void lint_serial_size(sa_cv_lint *l, const sa_cv_pki *pki,
                             const sa_cv_pki_cert *c)
{
	const ASN1_INTEGER *s = X509_get0_serialNumber(c->x);
	BIGNUM *bn = ASN1_INTEGER_to_BN(s, NULL);
	int bits;

	(void)pki;
	if (bn == NULL) {
		sa_cv_lint_bad(l, c->name, "serial does not decode");
		return;
	}
	/* DER content length: the magnitude plus a 0x00 when its top bit is
	 * set (the value is then still positive). */
	bits = BN_num_bits(bn);
	if (BN_is_negative(bn) || BN_is_zero(bn))
		sa_cv_lint_bad(l, c->name, "serial is %s",
		               BN_is_zero(bn) ? "zero" : "negative");
	else if (bits / 8 + 1 > 20)
		sa_cv_lint_bad(l, c->name, "serial is %d octets", bits / 8 + 1);
	else
		sa_cv_lint_pass(l);
	BN_free(bn);
}

/* CA/B BR §7.1: at least 64 bits of CSPRNG output. A serial shorter than
 * 64 bits cannot hold them; a longer one may still not, which only the
 * cross-sample check below can hint at. */
static void lint_serial_entropy(sa_cv_lint *l, const sa_cv_pki *pki,
                                const sa_cv_pki_cert *c)
{
	BIGNUM *bn = NULL;
	int bits;
	/* The rule applies to certificates issued from 2016-09-30 (BR
	 * §7.1, ballot 164); an older root is not judged by it. */
	time_t effective = 1475193600;

	(void)pki;
	if (X509_cmp_time(X509_get0_notBefore(c->x), &effective) < 0)
		return;
	bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(c->x), NULL);
	bits = bn != NULL ? BN_num_bits(bn) : 0;
	/* A random 64-bit value has its top bit clear half of the time, but
	 * 8 leading zero bits only once in 256: 57 bits is the floor. */
	if (bits < 57)
		sa_cv_lint_bad(l, c->name, "serial has %d significant bits",
		               bits);
	else
		sa_cv_lint_pass(l);
	BN_free(bn);
}

static void lint_validity_order(sa_cv_lint *l, const sa_cv_pki *pki,
                                const sa_cv_pki_cert *c)
{
	int r = ASN1_TIME_compare(X509_get0_notBefore(c->x),
	                          X509_get0_notAfter(c->x));
	(void)pki;
	if (r == -2)
		sa_cv_lint_bad(l, c->name, "validity does not decode");
	else if (r >= 0)
		sa_cv_lint_bad(l, c->name, "notBefore is not before notAfter");
	else
		sa_cv_lint_pass(l);
}

/* RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050,
 * §4.1.2.5.1/.2: YYMMDDHHMMSSZ / YYYYMMDDHHMMSSZ, seconds, Zulu. */
static const char *time_problem(const ASN1_TIME *t)
{
	struct tm tm;
	int len = ASN1_STRING_length(t);
	const unsigned char *d = ASN1_STRING_get0_data(t);

	if (ASN1_TIME_to_tm(t, &tm) != 1)
		return "does not decode";
	if (ASN1_STRING_type(t) == V_ASN1_UTCTIME) {
		if (tm.tm_year + 1900 >= 2050)
			return "UTCTime for a year >= 2050";
		if (len != 13 || d[12] != 'Z')
			return "UTCTime not YYMMDDHHMMSSZ";
	} else if (ASN1_STRING_type(t) == V_ASN1_GENERALIZEDTIME) {
		if (tm.tm_year + 1900 < 2050)
			return "GeneralizedTime for a year before 2050";
		if (len != 15 || d[14] != 'Z')
			return "GeneralizedTime not YYYYMMDDHHMMSSZ";
	} else {
		return "neither UTCTime nor GeneralizedTime";
	}
	return NULL;
}

static void lint_time_encoding(sa_cv_lint *l, const sa_cv_pki *pki,
                               const sa_cv_pki_cert *c)
{
	const char *nb = time_problem(X509_get0_notBefore(c->x));
	const char *na = time_problem(X509_get0_notAfter(c->x));

	(void)pki;
	if (nb != NULL)
		sa_cv_lint_bad(l, c->name, "notBefore: %s", nb);
	else if (na != NULL)
		sa_cv_lint_bad(l, c->name, "notAfter: %s", na);
	else
		sa_cv_lint_pass(l);
}

static bool has_eku(X509 *x, int nid)
{
	EXTENDED_KEY_USAGE *eku =
	    X509_get_ext_d2i(x, NID_ext_key_usage, NULL, NULL);
	bool found = false;

	for (int i = 0; i < sk_ASN1_OBJECT_num(eku); i++)
		found =
		    found || OBJ_obj2nid(sk_ASN1_OBJECT_value(eku, i)) == nid;
	EXTENDED_KEY_USAGE_free(eku);
	return found;
}

/* End entities only: CA/B BR §6.3.2 for TLS server certificates (398 days);
 * for others a sigaudit policy bound of 5 years (1827 days), beyond which a
 * key outlives any algorithm-lifetime guidance (ETSI TS 119 312). */
static void lint_ee_lifetime(sa_cv_lint *l, const sa_cv_pki *pki,
                             const sa_cv_pki_cert *c)
{
	int days = 0, secs = 0;
	int max;

	(void)pki;
	if (sa_cv_pki_is_ca(c))
		return;
	max = has_eku(c->x, NID_server_auth) ? 398 : 1827;
	if (ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(c->x),
	                   X509_get0_notAfter(c->x)) != 1)
		sa_cv_lint_bad(l, c->name, "validity does not decode");
	else if (days > max || (days == max && secs > 0))
		sa_cv_lint_bad(l, c->name, "%d days > %d", days, max);
	else
		sa_cv_lint_pass(l);
}

static void lint_version(sa_cv_lint *l, const sa_cv_pki *pki,
                         const sa_cv_pki_cert *c)
{
	(void)pki;
	if (X509_get_ext_count(c->x) > 0 && X509_get_version(c->x) != 2)
		sa_cv_lint_bad(l, c->name, "v%ld with extensions",
		               X509_get_version(c->x) + 1);
	else
		sa_cv_lint_pass(l);
}

static void lint_sigalg_match(sa_cv_lint *l, const sa_cv_pki *pki,
                              const sa_cv_pki_cert *c)
{
	const ASN1_BIT_STRING *sig = NULL;
	const X509_ALGOR *outer = NULL;
	const X509_ALGOR *inner = X509_get0_tbs_sigalg(c->x);

	(void)pki;
	X509_get0_signature(&sig, &outer, c->x);
	if (outer == NULL || inner == NULL || X509_ALGOR_cmp(outer, inner) != 0)
		sa_cv_lint_bad(l, c->name,
		               "signatureAlgorithm differs from "
		               "tbsCertificate.signature");
	else
		sa_cv_lint_pass(l);
}

static void lint_bc(sa_cv_lint *l, const sa_cv_pki *pki,
                    const sa_cv_pki_cert *c)
{
	X509_EXTENSION *e = ext_of(c->x, NID_basic_constraints);
	BASIC_CONSTRAINTS *bc;

	(void)pki;
	if (!sa_cv_pki_is_ca(c))
		return;
	if (e == NULL) {
		sa_cv_lint_bad(l, c->name, "no basicConstraints");
		return;
	}
	bc = X509_get_ext_d2i(c->x, NID_basic_constraints, NULL, NULL);
	if (bc == NULL || !bc->ca)
		sa_cv_lint_bad(l, c->name, "cA is not TRUE");
	else if (!X509_EXTENSION_get_critical(e))
		sa_cv_lint_bad(l, c->name, "basicConstraints not critical");
	else
		sa_cv_lint_pass(l);
	BASIC_CONSTRAINTS_free(bc);
}

/* pathLenConstraint: only with cA TRUE (§4.2.1.9: "CAs MUST NOT include
 * the pathLenConstraint field unless the cA boolean is asserted and the key
 * usage extension asserts the keyCertSign bit"), and a CA with pathLen 0
 * issues no CA certificate that is not self-issued. */
static void lint_pathlen(sa_cv_lint *l, const sa_cv_pki *pki,
                         const sa_cv_pki_cert *c)
{
	BASIC_CONSTRAINTS *bc =
	    X509_get_ext_d2i(c->x, NID_basic_constraints, NULL, NULL);
	long plen;

	if (bc == NULL || bc->pathlen == NULL) {
		BASIC_CONSTRAINTS_free(bc);
		return;
	}
	plen = ASN1_INTEGER_get(bc->pathlen);
	if (!bc->ca || (X509_get_key_usage(c->x) & KU_KEY_CERT_SIGN) == 0) {
		sa_cv_lint_bad(l, c->name,
		               "pathLenConstraint without cA and keyCertSign");
		BASIC_CONSTRAINTS_free(bc);
		return;
	}
	BASIC_CONSTRAINTS_free(bc);
	if (plen < 0) {
		sa_cv_lint_bad(l, c->name, "pathLenConstraint negative");
		return;
	}
	if (plen == 0) {
		for (size_t i = 0; i < pki->n_certs; i++) {
			const sa_cv_pki_cert *k = &pki->certs[i];
			bool v = false;
			if (k == c || !sa_cv_pki_is_ca(k) || self_issued(k->x))
				continue;
			if (sa_cv_pki_issuer(pki, k->x, &v) ==
			        (long)(c - pki->certs) &&
			    v) {
				sa_cv_lint_bad(l, c->name,
				               "pathLen 0 but issued CA %s",
				               k->name);
				return;
			}
		}
	}
	sa_cv_lint_pass(l);
}

/* §4.2.1.3 keyUsage MUST be present on CA certificates that verify
 * signatures on certificates or CRLs, SHOULD be critical; CA/B BR
 * §7.1.2.10.7: critical, keyCertSign and cRLSign. */
static void lint_ku_ca(sa_cv_lint *l, const sa_cv_pki *pki,
                       const sa_cv_pki_cert *c)
{
	X509_EXTENSION *e = ext_of(c->x, NID_key_usage);
	uint32_t ku = X509_get_key_usage(c->x);

	(void)pki;
	if (!sa_cv_pki_is_ca(c))
		return;
	if (e == NULL)
		sa_cv_lint_bad(l, c->name, "no keyUsage");
	else if (!X509_EXTENSION_get_critical(e))
		sa_cv_lint_bad(l, c->name, "keyUsage not critical");
	else if ((ku & KU_KEY_CERT_SIGN) == 0 || (ku & KU_CRL_SIGN) == 0)
		sa_cv_lint_bad(l, c->name, "keyUsage lacks %s",
		               (ku & KU_KEY_CERT_SIGN) == 0 ? "keyCertSign"
		                                            : "cRLSign");
	else
		sa_cv_lint_pass(l);
}

/* §4.2.1.1: AKI MUST be present except in self-signed CA certificates,
 * MUST be non-critical; its keyIdentifier is the issuer's SKI. */
static void lint_aki(sa_cv_lint *l, const sa_cv_pki *pki,
                     const sa_cv_pki_cert *c)
{
	/* Decoded here, not through OpenSSL's extension cache: the cache is
	 * left half-filled when another extension does not decode, and that
	 * is [ext-decode]'s finding, not this lint's. */
	X509_EXTENSION *e = ext_of(c->x, NID_authority_key_identifier);
	AUTHORITY_KEYID *ak =
	    X509_get_ext_d2i(c->x, NID_authority_key_identifier, NULL, NULL);
	const ASN1_OCTET_STRING *aki = ak != NULL ? ak->keyid : NULL;
	ASN1_OCTET_STRING *ski = NULL;
	bool v = false;
	long iss;

	if (e == NULL && self_issued(c->x) &&
	    X509_verify(c->x, X509_get0_pubkey(c->x)) == 1) {
		ERR_clear_error();
		goto out; /* not required; when present it is checked */
	}
	ERR_clear_error();
	if (e == NULL) {
		sa_cv_lint_bad(l, c->name, "no authorityKeyIdentifier");
		goto out;
	}
	if (X509_EXTENSION_get_critical(e)) {
		sa_cv_lint_bad(l, c->name, "authorityKeyIdentifier critical");
		goto out;
	}
	if (aki == NULL) {
		sa_cv_lint_bad(l, c->name, "AKI without keyIdentifier");
		goto out;
	}
	iss = sa_cv_pki_issuer(pki, c->x, &v);
	if (iss < 0) {
		sa_cv_lint_pass(l); /* no issuer to compare: name chaining */
		goto out;
	}
	ski = X509_get_ext_d2i(pki->certs[iss].x, NID_subject_key_identifier,
	                       NULL, NULL);
	if (ski == NULL || ASN1_OCTET_STRING_cmp(aki, ski) != 0)
		sa_cv_lint_bad(l, c->name, "AKI keyIdentifier != SKI of %s",
		               pki->certs[iss].name);
	else
		sa_cv_lint_pass(l);
out:
	ASN1_OCTET_STRING_free(ski);
	AUTHORITY_KEYID_free(ak);
}

/* §4.2.1.2: SKI MUST appear in conforming CA certificates, non-critical. */
static void lint_ski(sa_cv_lint *l, const sa_cv_pki *pki,
                     const sa_cv_pki_cert *c)
{
	X509_EXTENSION *e = ext_of(c->x, NID_subject_key_identifier);

	(void)pki;
	if (!sa_cv_pki_is_ca(c))
		return;
	if (e == NULL)
		sa_cv_lint_bad(l, c->name, "no subjectKeyIdentifier");
	else if (X509_EXTENSION_get_critical(e))
		sa_cv_lint_bad(l, c->name, "subjectKeyIdentifier critical");
	else
		sa_cv_lint_pass(l);
}

/* §6.1.3 (a)(4) and §4.1.2.4: the issuer name is the subject of the
 * certificate whose key signed it, within the set. Anchors that are
 * self-issued chain to themselves. */
static void lint_chaining(sa_cv_lint *l, const sa_cv_pki *pki,
                          const sa_cv_pki_cert *c)
{
	bool v = false;
	long iss;

	if (c->role == SA_CV_PKI_ANCHOR && self_issued(c->x)) {
		sa_cv_lint_pass(l);
		return;
	}
	if (c->role == SA_CV_PKI_ANCHOR)
		return; /* a non-self-issued anchor: its issuer is not ours */
	iss = sa_cv_pki_issuer(pki, c->x, &v);
	if (iss < 0)
		sa_cv_lint_bad(l, c->name,
		               "issuer name is no CA subject in [pki]");
	else if (!v)
		sa_cv_lint_bad(l, c->name,
		               "signature does not verify with the key of %s",
		               pki->certs[iss].name);
	else
		sa_cv_lint_pass(l);
}

/* Policy: RSA >= 2048 bits, EC >= 256 bits on an approved curve, EdDSA
 * (TT 15/2025 (unconfirmed), CA/B BR §6.1.5). */
static void lint_key(sa_cv_lint *l, const sa_cv_pki *pki,
                     const sa_cv_pki_cert *c)
{
	EVP_PKEY *k = X509_get0_pubkey(c->x);
	int bits;

	(void)pki;
	ERR_clear_error();
	if (k == NULL) {
		sa_cv_lint_bad(l, c->name, "public key does not decode");
		return;
	}
	bits = EVP_PKEY_get_bits(k);
	if (EVP_PKEY_is_a(k, "RSA") || EVP_PKEY_is_a(k, "RSA-PSS")) {
		if (bits < 2048) {
			sa_cv_lint_bad(l, c->name, "RSA-%d", bits);
			return;
		}
	} else if (EVP_PKEY_is_a(k, "EC")) {
		if (bits < 256) {
			sa_cv_lint_bad(l, c->name, "EC %d bits", bits);
			return;
		}
	} else if (!EVP_PKEY_is_a(k, "ED25519") && !EVP_PKEY_is_a(k, "ED448")) {
		sa_cv_lint_bad(l, c->name, "key type %s not allowed",
		               EVP_PKEY_get0_type_name(k));
		return;
	}
	sa_cv_lint_pass(l);
}

/* Signatures with SHA-2 (or EdDSA); never MD5 or SHA-1 (CA/B BR §7.1.3.2,
 * TT 15/2025 (unconfirmed)). Self-signed anchors are exempt: their
 * signature is not relied on (RFC 5280 §6.1: the anchor is input). */
static void lint_sig_hash(sa_cv_lint *l, const sa_cv_pki *pki,
                          const sa_cv_pki_cert *c)
{
	int md = NID_undef, pk = NID_undef, secbits = 0;
	uint32_t flags = 0;

	(void)pki;
	if (c->role == SA_CV_PKI_ANCHOR)
		return;
	if (X509_get_signature_info(c->x, &md, &pk, &secbits, &flags) != 1) {
		ERR_clear_error();
		sa_cv_lint_bad(l, c->name, "signature algorithm unknown");
		return;
	}
	if (pk == NID_ED25519 || pk == NID_ED448 || md == NID_sha256 ||
	    md == NID_sha384 || md == NID_sha512 || md == NID_sha3_256 ||
	    md == NID_sha3_384 || md == NID_sha3_512)
		sa_cv_lint_pass(l);
	else
		sa_cv_lint_bad(l, c->name, "digest %s",
		               md == NID_undef ? "unknown" : OBJ_nid2sn(md));
}

/* §4.2: a certificate-using system MUST reject a certificate with a
 * critical extension it does not recognise; a CA that marks one critical
 * makes its certificates unusable. */
static void lint_unknown_critical(sa_cv_lint *l, const sa_cv_pki *pki,
                                  const sa_cv_pki_cert *c)
{
	(void)pki;
	for (int i = 0; i < X509_get_ext_count(c->x); i++) {
		X509_EXTENSION *e = X509_get_ext(c->x, i);
		char oid[80];
		if (!X509_EXTENSION_get_critical(e) ||
		    X509_supported_extension(e))
			continue;
		OBJ_obj2txt(oid, sizeof(oid), X509_EXTENSION_get_object(e), 1);
		sa_cv_lint_bad(l, c->name, "critical %s", oid);
		return;
	}
	sa_cv_lint_pass(l);
}

/* §4.2 and X.690: every extension OpenSSL knows decodes as its ASN.1
 * type says (a keyUsage that is not a BIT STRING is not a keyUsage, and
 * relying parties disagree on what it means). */
static void lint_ext_decode(sa_cv_lint *l, const sa_cv_pki *pki,
                            const sa_cv_pki_cert *c)
{
	(void)pki;
	for (int i = 0; i < X509_get_ext_count(c->x); i++) {
		X509_EXTENSION *e = X509_get_ext(c->x, i);
		void *v;
		char oid[80];
		if (X509V3_EXT_get(e) == NULL)
			continue; /* unknown to OpenSSL: not judged here */
		v = X509V3_EXT_d2i(e);
		if (v != NULL) {
			const X509V3_EXT_METHOD *m = X509V3_EXT_get(e);
			if (m->it != NULL)
				ASN1_item_free(v, ASN1_ITEM_ptr(m->it));
			else if (m->ext_free != NULL)
				m->ext_free(v);
			continue;
		}
		ERR_clear_error();
		OBJ_obj2txt(oid, sizeof(oid), X509_EXTENSION_get_object(e), 0);
		sa_cv_lint_bad(l, c->name, "%s does not decode", oid);
		return;
	}
	if ((X509_get_extension_flags(c->x) & EXFLAG_INVALID) != 0) {
		sa_cv_lint_bad(l, c->name,
		               "OpenSSL marks an extension invalid");
		return;
	}
	sa_cv_lint_pass(l);
}

static int eku_count(X509 *x, bool *critical)
{
	X509_EXTENSION *e = ext_of(x, NID_ext_key_usage);
	EXTENDED_KEY_USAGE *eku =
	    X509_get_ext_d2i(x, NID_ext_key_usage, NULL, NULL);
	int n = sk_ASN1_OBJECT_num(eku);

	*critical = e != NULL && X509_EXTENSION_get_critical(e);
	EXTENDED_KEY_USAGE_free(eku);
	return n;
}

/* RFC 3161 §2.3: the TSA's certificate MUST contain exactly one EKU,
 * id-kp-timeStamping, and the extension MUST be critical. */
static void lint_tsa_eku(sa_cv_lint *l, const sa_cv_pki *pki,
                         const sa_cv_pki_cert *c)
{
	bool crit = false;
	int n;

	(void)pki;
	if (!has_eku(c->x, NID_time_stamp))
		return;
	n = eku_count(c->x, &crit);
	if (n != 1)
		sa_cv_lint_bad(l, c->name, "%d key purposes", n);
	else if (!crit)
		sa_cv_lint_bad(l, c->name, "extendedKeyUsage not critical");
	else
		sa_cv_lint_pass(l);
}

/* RFC 6960 §4.2.2.2: a delegated responder's certificate has
 * id-kp-OCSPSigning; CA/B BR §7.1.2.8.5-.6: that purpose only, with
 * id-pkix-ocsp-nocheck; not a CA. */
static void lint_ocsp_eku(sa_cv_lint *l, const sa_cv_pki *pki,
                          const sa_cv_pki_cert *c)
{
	bool crit = false;
	int n;

	(void)pki;
	if (!has_eku(c->x, NID_OCSP_sign))
		return;
	n = eku_count(c->x, &crit);
	if (n != 1)
		sa_cv_lint_bad(l, c->name, "%d key purposes", n);
	else if (X509_get_ext_by_NID(c->x, NID_id_pkix_OCSP_noCheck, -1) < 0)
		sa_cv_lint_bad(l, c->name, "no id-pkix-ocsp-nocheck");
	else if (sa_cv_pki_is_ca(c))
		sa_cv_lint_bad(l, c->name, "responder certificate is a CA");
	else
		sa_cv_lint_pass(l);
}

static const struct {
	const char *what;
	const char *expected;
	lint_fn fn;
} lints[] = {
    {"[serial-size] RFC 5280 §4.1.2.2 serialNumber: positive, at most 20 "
     "octets",
     "positive, <= 20 octets", lint_serial_size},
    {"[serial-entropy] CA/B BR §7.1 serialNumber: at least 64 bits of "
     "CSPRNG output (certificates issued from 2016-09-30)",
     ">= 57 significant bits", lint_serial_entropy},
    {"[validity-order] RFC 5280 §4.1.2.5 validity: notBefore before "
     "notAfter",
     "notBefore < notAfter", lint_validity_order},
    {"[validity-encoding] RFC 5280 §4.1.2.5.1-2 validity: UTCTime through "
     "2049, GeneralizedTime from 2050, seconds, Z",
     "RFC 5280 time encoding", lint_time_encoding},
    {"[ee-lifetime] CA/B BR §6.3.2 (TLS) / sigaudit policy: end-entity "
     "validity at most 398 days (serverAuth) or 5 years",
     "<= 398 / 1827 days", lint_ee_lifetime},
    {"[version] RFC 5280 §4.1.2.1 version: v3 when extensions are present",
     "v3", lint_version},
    {"[sigalg-match] RFC 5280 §4.1.1.2 signatureAlgorithm equals "
     "tbsCertificate.signature",
     "identical AlgorithmIdentifier", lint_sigalg_match},
    {"[ca-basic-constraints] RFC 5280 §4.2.1.9 basicConstraints: present, "
     "critical, cA TRUE on CA certificates",
     "critical, cA TRUE", lint_bc},
    {"[pathlen] RFC 5280 §4.2.1.9 pathLenConstraint: only with cA and "
     "keyCertSign, respected by the hierarchy",
     "consistent pathLenConstraint", lint_pathlen},
    {"[ca-key-usage] RFC 5280 §4.2.1.3, CA/B BR §7.1.2.10.7 keyUsage: "
     "present, critical, keyCertSign and cRLSign on CA certificates",
     "critical, keyCertSign+cRLSign", lint_ku_ca},
    {"[aki] RFC 5280 §4.2.1.1 authorityKeyIdentifier: present except "
     "self-signed, non-critical, keyIdentifier = issuer's SKI",
     "AKI keyIdentifier = issuer SKI", lint_aki},
    {"[ca-ski] RFC 5280 §4.2.1.2 subjectKeyIdentifier: present on CA "
     "certificates, non-critical",
     "SKI present", lint_ski},
    {"[name-chaining] RFC 5280 §6.1.3 (a)(4), §4.1.2.4 issuer equals the "
     "subject of the CA whose key verifies the signature",
     "issuer = subject of a verifying CA", lint_chaining},
    {"[key-size] TT 15/2025 (unconfirmed), CA/B BR §6.1.5 public key: RSA "
     ">= 2048, EC >= 256 bits, or EdDSA",
     "RSA >= 2048, EC >= 256", lint_key},
    {"[sig-hash] TT 15/2025 (unconfirmed), CA/B BR §7.1.3.2 signature "
     "digest: SHA-2 family (no MD5, no SHA-1)",
     "SHA-256/384/512 or EdDSA", lint_sig_hash},
    {"[ext-decode] RFC 5280 §4.2, X.690 DER every known extension decodes "
     "as its ASN.1 type",
     "all extensions decode", lint_ext_decode},
    {"[unknown-critical] RFC 5280 §4.2 no unrecognised critical extension",
     "none", lint_unknown_critical},
    {"[tsa-eku] RFC 3161 §2.3 TSA certificate: critical extendedKeyUsage, "
     "id-kp-timeStamping only",
     "critical EKU = {timeStamping}", lint_tsa_eku},
    {"[ocsp-signer] RFC 6960 §4.2.2.2, CA/B BR §7.1.2.8.5-6 OCSP signer: "
     "EKU id-kp-OCSPSigning only, id-pkix-ocsp-nocheck, not a CA",
     "EKU = {OCSPSigning}, nocheck", lint_ocsp_eku},
};

struct serial {
	BIGNUM *bn;
	size_t cert;
};

static int cmp_serial(const void *a, const void *b)
{
	return BN_cmp(((const struct serial *)a)->bn,
	              ((const struct serial *)b)->bn);
}

/* CA/B BR §7.1 "non-sequential": per issuer, two samples whose serials are
 * within 2^16 of each other did not come from 64 random bits (the chance
 * is about 2^-47 per pair); and RFC 5280 §4.1.2.2 uniqueness per issuer. */
static void lint_sequential(sa_case_ctx *ctx, const sa_cv_pki *pki)
{
	sa_cv_lint seq, uniq;
	struct serial *sn = NULL;
	BIGNUM *diff = BN_new(), *limit = BN_new();

	sa_cv_lint_begin(&seq,
	                 "[serial-sequential] CA/B BR §7.1 serialNumber: "
	                 "non-sequential across the issued samples",
	                 "serials of one issuer more than 2^16 apart");
	sa_cv_lint_begin(&uniq,
	                 "[serial-unique] RFC 5280 §4.1.2.2 serialNumber: "
	                 "unique per issuer",
	                 "no serial repeated by one issuer");
	sn = calloc(pki->n_certs + 1, sizeof(*sn));
	if (sn == NULL || diff == NULL || limit == NULL ||
	    BN_set_word(limit, 1UL << 16) != 1) {
		sa_case_error(ctx, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < pki->n_certs; i++) {
		const X509_NAME *iss = X509_get_issuer_name(pki->certs[i].x);
		size_t n = 0;
		bool done = false;
		/* Each issuer once: at its first certificate. */
		for (size_t j = 0; j < i && !done; j++)
			done =
			    X509_NAME_cmp(X509_get_issuer_name(pki->certs[j].x),
			                  iss) == 0;
		if (done)
			continue;
		for (size_t j = i; j < pki->n_certs; j++) {
			if (X509_NAME_cmp(X509_get_issuer_name(pki->certs[j].x),
			                  iss) != 0 ||
			    self_issued(pki->certs[j].x))
				continue;
			sn[n].bn = ASN1_INTEGER_to_BN(
			    X509_get0_serialNumber(pki->certs[j].x), NULL);
			sn[n].cert = j;
			if (sn[n].bn != NULL)
				n++;
		}
		qsort(sn, n, sizeof(*sn), cmp_serial);
		for (size_t k = 1; k < n; k++) {
			const char *who = pki->certs[sn[k].cert].name;
			if (BN_sub(diff, sn[k].bn, sn[k - 1].bn) != 1)
				continue;
			if (BN_is_zero(diff)) {
				sa_cv_lint_bad(&uniq, who, "serial repeated");
				continue;
			}
			sa_cv_lint_pass(&uniq);
			if (BN_cmp(diff, limit) <= 0)
				sa_cv_lint_bad(&seq, who,
				               "serial within 2^16 of another "
				               "by the same issuer");
			else
				sa_cv_lint_pass(&seq);
		}
		for (size_t k = 0; k < n; k++) {
			BN_free(sn[k].bn);
			sn[k].bn = NULL;
		}
	}
	sa_cv_lint_end(ctx, &seq);
	sa_cv_lint_end(ctx, &uniq);
out:
	sa_buf_free(&seq.list);
	sa_buf_free(&uniq.list);
	free(sn);
	BN_free(diff);
	BN_free(limit);
}

void sa_cv_lint_certs(sa_case_ctx *ctx, const sa_cv_pki *pki)
{
	for (size_t k = 0; k < SA_COUNTOF(lints); k++) {
		sa_cv_lint l;
		sa_cv_lint_begin(&l, lints[k].what, lints[k].expected);
		for (size_t i = 0; i < pki->n_certs; i++)
			lints[k].fn(&l, pki, &pki->certs[i]);
		sa_cv_lint_end(ctx, &l);
	}
	lint_sequential(ctx, pki);
}
