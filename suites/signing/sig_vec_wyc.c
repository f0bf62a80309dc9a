/* Wycheproof signature-verification vectors through C_Verify, with OpenSSL
 * EVP as the reference engine (SIG-WYC-*). Engines: sig_engine*.c; loader:
 * sigvec_*.c.
 *
 * Each case takes the files of one schema family from the Wycheproof
 * directory ([vectors] wycheproof, or --vectors DIR): a file belongs to the
 * family its "schema" names; a file whose schema is missing or unknown (a
 * truncated file, a new schema) belongs to the family its name suggests,
 * and the loader's one-line error makes that case ERROR while the other
 * files still run. */
#include <glob.h>
#include <stdio.h>
#include <string.h>

#include "sigaudit/profile.h"

#include "sig_engine.h"
#include "sigvec.h"
#include "suite.h"

enum {
	FAM_ECDSA_P1363 = 0,
	FAM_ECDSA_DER,
	FAM_RSA_PKCS1,
	FAM_RSA_PSS,
	FAM_RSA_PSS_PARAMS,
	FAM_EDDSA,
	FAM_COUNT_
};

static const struct {
	const char *name;        /* for messages */
	const char *schemas[3];  /* NULL-terminated */
	const char *prefixes[3]; /* file-name prefixes, NULL-terminated */
	const char *must_have;   /* in the name too, or NULL */
	const char *must_not;    /* never in the name, or NULL */
} fams[FAM_COUNT_] = {
    [FAM_ECDSA_P1363] = {"ECDSA P1363",
                         {"ecdsa_p1363_verify_schema_v1.json", NULL},
                         {"ecdsa_", NULL},
                         "p1363",
                         NULL},
    [FAM_ECDSA_DER] = {"ECDSA DER",
                       {"ecdsa_verify_schema_v1.json", NULL},
                       {"ecdsa_", NULL},
                       NULL,
                       "p1363"},
    [FAM_RSA_PKCS1] = {"RSA PKCS#1 v1.5",
                       {"rsassa_pkcs1_verify_schema_v1.json",
                        "rsassa_pkcs1_generate_schema_v1.json", NULL},
                       {"rsa_signature_", "rsa_pkcs1_", NULL},
                       NULL,
                       NULL},
    [FAM_RSA_PSS] = {"RSA-PSS",
                     {"rsassa_pss_verify_schema_v1.json", NULL},
                     {"rsa_pss_", NULL},
                     NULL,
                     "params"},
    [FAM_RSA_PSS_PARAMS] = {"RSA-PSS with parameters",
                            {"rsassa_pss_with_parameters_verify_schema.json",
                             NULL},
                            {"rsa_pss_", NULL},
                            "params",
                            NULL},
    [FAM_EDDSA] = {"EdDSA",
                   {"eddsa_verify_schema_v1.json", NULL},
                   {"ed25519", "ed448", "eddsa"},
                   NULL,
                   NULL},
};

/* The value of the first "schema" key in the file's first 64 KiB, or "".
 * Only to sort files into families; the loader reads the file properly. */
static void peek_schema(const char *path, char *out, size_t size)
{
	char buf[65536];
	const char *p, *q;
	size_t n;
	FILE *fp;

	out[0] = '\0';
	fp = fopen(path, "rb");
	if (fp == NULL)
		return;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	p = strstr(buf, "\"schema\"");
	if (p == NULL)
		return;
	p += 8;
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' || *p == ':')
		p++;
	if (*p != '"')
		return;
	q = strchr(++p, '"');
	if (q == NULL || (size_t)(q - p) >= size)
		return;
	memcpy(out, p, (size_t)(q - p));
	out[q - p] = '\0';
}

static bool fam_has_schema(int fam, const char *schema)
{
	size_t i;

	for (i = 0; fams[fam].schemas[i] != NULL; i++)
		if (strcmp(fams[fam].schemas[i], schema) == 0)
			return true;
	return false;
}

static bool fam_name_claims(int fam, const char *base)
{
	size_t i;
	bool prefix = false;

	for (i = 0; i < 3 && fams[fam].prefixes[i] != NULL; i++)
		prefix |= strncmp(base, fams[fam].prefixes[i],
		                  strlen(fams[fam].prefixes[i])) == 0;
	return prefix &&
	       (fams[fam].must_have == NULL ||
	        strstr(base, fams[fam].must_have) != NULL) &&
	       (fams[fam].must_not == NULL ||
	        strstr(base, fams[fam].must_not) == NULL);
}

/* Whether the file at path is this family's. */
static bool claims(int fam, const char *path, const char *base)
{
	char schema[128];
	int other;

	peek_schema(path, schema, sizeof(schema));
	if (schema[0] != '\0') {
		if (fam_has_schema(fam, schema))
			return true;
		for (other = 0; other < FAM_COUNT_; other++)
			if (fam_has_schema(other, schema))
				return false;
	}
	return fam_name_claims(fam, base);
}

static void run_family(sa_case_ctx *ctx, int fam)
{
	const char *dir =
	    sa_profile_vectors_dir(sa_case_profile(ctx), "wycheproof");
	sa_sig_engine *target = NULL, *ref = NULL;
	sa_buf evidence = SA_BUF_INIT;
	char pattern[4096], source[512];
	glob_t gl;
	size_t i, n_files = 0;
	int g;

	memset(&gl, 0, sizeof(gl));
	if (dir == NULL || dir[0] == '\0') {
		sa_case_skip(ctx, "no Wycheproof directory: --vectors DIR or "
		                  "[vectors] wycheproof");
		return;
	}
	snprintf(pattern, sizeof(pattern), "%s/*.json", dir);
	g = glob(pattern, 0, NULL, &gl);
	if (g != 0 && g != GLOB_NOMATCH) {
		sa_case_error(ctx, "%s: cannot list the directory", dir);
		goto out;
	}
	if (sa_sig_engine_p11_new(ctx, &target) < 0 ||
	    sa_sig_engine_ossl_new(ctx, &ref) < 0)
		goto out;
	for (i = 0; g == 0 && i < gl.gl_pathc; i++) {
		const char *path = gl.gl_pathv[i];
		const char *base = strrchr(path, '/');
		sa_sv_file *f = NULL;
		sa_error err = SA_ERROR_INIT;

		base = base != NULL ? base + 1 : path;
		if (!claims(fam, path, base))
			continue;
		n_files++;
		snprintf(source, sizeof(source), "wycheproof/%s", base);
		if (sa_sv_load_wycheproof(path, source, &f, &err) < 0) {
			/* One bad file costs its own vectors, not the run.
			 * The first error is the case's reason; every one is
			 * a note. */
			sa_case_error(ctx, "%s", err.msg);
			sa_case_note(ctx, "not run: %s", err.msg);
			continue;
		}
		sa_sig_vec_file(ctx, target, ref, f, &evidence);
		sa_sv_free(f);
	}
	if (n_files == 0)
		sa_case_skip(ctx, "no %s files (schema %s) in %s",
		             fams[fam].name, fams[fam].schemas[0], dir);
	sa_sig_vec_evidence(ctx, &evidence);
out:
	sa_buf_free(&evidence);
	sa_sig_engine_free(ref);
	sa_sig_engine_free(target);
	if (g == 0)
		globfree(&gl);
}

static void run_ecdsa_p1363(sa_case_ctx *ctx)
{
	run_family(ctx, FAM_ECDSA_P1363);
}

static void run_ecdsa_der(sa_case_ctx *ctx)
{
	run_family(ctx, FAM_ECDSA_DER);
}

static void run_rsa_pkcs1(sa_case_ctx *ctx)
{
	run_family(ctx, FAM_RSA_PKCS1);
}

static void run_rsa_pss(sa_case_ctx *ctx)
{
	run_family(ctx, FAM_RSA_PSS);
}

static void run_rsa_pss_params(sa_case_ctx *ctx)
{
	run_family(ctx, FAM_RSA_PSS_PARAMS);
}

static void run_eddsa(sa_case_ctx *ctx)
{
	run_family(ctx, FAM_EDDSA);
}

#define WYC_COMMON                                                             \
	"Each group's public key is imported as a session object "             \
	"(CKA_TOKEN=FALSE, CKA_VERIFY=TRUE) and destroyed after the group. "   \
	"Counts per file, for the token and for OpenSSL side by side, are "    \
	"in results.json; every disagreement is listed with its tcId and "     \
	"flags, and in evidence disagreements.txt with its comment. "          \
	"'acceptable' vectors agree either way; which way the token went "     \
	"is listed."

#define WYC_REMEDIATION                                                        \
	"A verifier must reject every signature the vector set marks "         \
	"invalid and accept every valid one: fix the verification path the "   \
	"listed vectors exercise (see their flags and comments), or do not "   \
	"rely on the token's C_Verify for that scheme."

static const sa_case cases[] = {
    {
        .id = "SIG-WYC-ECDSA-P1363",
        .title = "Wycheproof ECDSA (r||s) vectors through C_Verify "
                 "(CKM_ECDSA)",
        .description =
            "Runs every ecdsa_p1363_verify_schema_v1 file through the "
            "token: the harness hashes the message with the group's "
            "digest and gives the hash and the r||s signature to "
            "C_Verify with CKM_ECDSA. These files test the token itself "
            "(r = 0, s = 0, r or s >= n, wrong lengths, edge-case "
            "public keys and hashes). " WYC_COMMON,
        .remediation = WYC_REMEDIATION,
        .refs = SA_REFS("FIPS 186-5 §6.4.2", "PKCS#11 Curr. Mech. v2.40 §2.3.1",
                        "PKCS#11 Curr. Mech. v2.40 §2.3.6 (unconfirmed)",
                        "PKCS#11 Base v2.40 §5.12 C_Verify", "Wycheproof"),
        .impact = 5,
        .threat = "signature forgery accepted",
        .needs = SA_NEED_TOKEN,
        .run = run_ecdsa_p1363,
    },
    {
        .id = "SIG-WYC-ECDSA-DER",
        .title = "Wycheproof ECDSA (DER) vectors: strict DER decoding, "
                 "then C_Verify (CKM_ECDSA)",
        .description =
            "Runs every ecdsa_verify_schema_v1 file. PKCS#11 CKM_ECDSA "
            "takes r||s, so the harness decodes the DER Ecdsa-Sig-Value "
            "strictly (one SEQUENCE of two non-negative minimal "
            "INTEGERs, DER lengths, nothing after it) and gives r||s to "
            "the token; a signature the decoder refuses is rejected "
            "before the token with detail \"rejected by DER decoding\". "
            "These files therefore test the DER-to-r||s path a "
            "signature service puts in front of the token (BER "
            "encodings, CVE-2020-14966 and relatives), and the token "
            "only on what decodes; OpenSSL gets the file's DER as it "
            "is. " WYC_COMMON,
        .remediation = WYC_REMEDIATION,
        .refs = SA_REFS(
            "FIPS 186-5 §6.4.2", "SEC 1 v2 §C.5", "ITU-T X.690 §10 (DER)",
            "PKCS#11 Curr. Mech. v2.40 §2.3.1",
            "PKCS#11 Curr. Mech. v2.40 §2.3.6 (unconfirmed)", "Wycheproof"),
        .impact = 5,
        .threat = "signature forgery accepted",
        .needs = SA_NEED_TOKEN,
        .run = run_ecdsa_der,
    },
    {
        .id = "SIG-WYC-RSA-PKCS1",
        .title = "Wycheproof RSASSA-PKCS1-v1_5 vectors through C_Verify",
        .description =
            "Runs every rsassa_pkcs1_verify_schema_v1 and "
            "rsassa_pkcs1_generate_schema_v1 file through C_Verify with "
            "CKM_SHAx_RSA_PKCS (or, when the token does not list it, "
            "CKM_RSA_PKCS over a DigestInfo the harness builds, noted in "
            "the engine). The vectors probe the padding and DigestInfo "
            "checks (Bleichenbacher'06 style forgeries, BER in the "
            "DigestInfo, missing NULL, wrong hash). " WYC_COMMON,
        .remediation = WYC_REMEDIATION,
        .refs = SA_REFS("RFC 8017 §8.2.2", "RFC 8017 §9.2",
                        "PKCS#11 Curr. Mech. v2.40 §2.1.6 (unconfirmed)",
                        "PKCS#11 Curr. Mech. v2.40 §2.1.11 (unconfirmed)",
                        "Wycheproof"),
        .impact = 5,
        .threat = "signature forgery accepted",
        .needs = SA_NEED_TOKEN,
        .run = run_rsa_pkcs1,
    },
    {
        .id = "SIG-WYC-RSA-PSS",
        .title = "Wycheproof RSASSA-PSS vectors through C_Verify",
        .description =
            "Runs every rsassa_pss_verify_schema_v1 file through C_Verify "
            "with CKM_SHAx_RSA_PKCS_PSS and CK_RSA_PKCS_PSS_PARAMS "
            "{hashAlg, mgf, sLen} from the group (or CKM_RSA_PKCS_PSS "
            "over a hash the harness computes when the token does not "
            "list the combined mechanism). " WYC_COMMON,
        .remediation = WYC_REMEDIATION,
        .refs = SA_REFS("RFC 8017 §8.1.2", "RFC 8017 §9.1.2",
                        "PKCS#11 Curr. Mech. v2.40 §2.1.10 (unconfirmed)",
                        "PKCS#11 Curr. Mech. v2.40 §2.1.14 (unconfirmed)",
                        "Wycheproof"),
        .impact = 5,
        .threat = "signature forgery accepted",
        .needs = SA_NEED_TOKEN,
        .run = run_rsa_pss,
    },
    {
        .id = "SIG-WYC-RSA-PSS-PARAMS",
        .title = "Wycheproof RSASSA-PSS vectors with RSASSA-PSS-params "
                 "keys through C_Verify",
        .description =
            "Runs every rsassa_pss_with_parameters_verify_schema file. The "
            "token gets the key as a plain RSA public key (PKCS#11 has "
            "no place for RSASSA-PSS-params on a key) and the group's "
            "parameters in CK_RSA_PKCS_PSS_PARAMS; OpenSSL gets the "
            "id-RSASSA-PSS SubjectPublicKeyInfo, so its parameter "
            "handling is exercised too. " WYC_COMMON,
        .remediation = WYC_REMEDIATION,
        .refs = SA_REFS(
            "RFC 8017 §8.1.2", "RFC 8017 Appendix A.2.3", "RFC 4055 §3.1",
            "PKCS#11 Curr. Mech. v2.40 §2.1.14 (unconfirmed)", "Wycheproof"),
        .impact = 5,
        .threat = "signature forgery accepted",
        .needs = SA_NEED_TOKEN,
        .run = run_rsa_pss_params,
    },
    {
        .id = "SIG-WYC-EDDSA",
        .title = "Wycheproof EdDSA (Ed25519, Ed448) vectors through "
                 "C_Verify (CKM_EDDSA)",
        .description =
            "Runs every eddsa_verify_schema_v1 file through C_Verify with "
            "CKM_EDDSA on a CKK_EC_EDWARDS key (no parameter for "
            "Ed25519, CK_EDDSA_PARAMS without context for Ed448). The "
            "vectors include malleable signatures (S >= L), truncated "
            "signatures and invalid encodings. " WYC_COMMON,
        .remediation = WYC_REMEDIATION,
        .refs = SA_REFS("RFC 8032 §5.1.7", "RFC 8032 §5.2.7",
                        "PKCS#11 Curr. Mech. v3.0 §2.3.14 (unconfirmed)",
                        "Wycheproof"),
        .impact = 5,
        .threat = "signature forgery accepted",
        .needs = SA_NEED_TOKEN,
        .run = run_eddsa,
    },
};

const sa_case_group sa_signing_group_wycheproof = {cases, SA_COUNTOF(cases)};
