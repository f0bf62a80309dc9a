/* NIST CAVP SigVer files through C_Verify, with OpenSSL EVP as the reference
 * engine (SIG-CAVP-*). The files come from Debian's
 * python3-cryptography-vectors ([vectors] cavp names another root). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sigaudit/profile.h"

#include "sig_engine.h"
#include "sigvec.h"
#include "suite.h"

#define CAVP_DEFAULT "/usr/lib/python3/dist-packages/cryptography_vectors"

static void run_cavp(sa_case_ctx *ctx, const char *rel, sa_sv_scheme scheme)
{
	const char *dir = sa_profile_vectors_dir(sa_case_profile(ctx), "cavp");
	sa_sig_engine *target = NULL, *ref = NULL;
	sa_buf evidence = SA_BUF_INIT;
	sa_error err = SA_ERROR_INIT;
	sa_sv_file *f = NULL;
	char path[4096], source[512];

	if (dir == NULL || dir[0] == '\0')
		dir = CAVP_DEFAULT;
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	snprintf(source, sizeof(source), "cavp/%s", rel);
	if (access(path, R_OK) != 0) {
		sa_case_skip(ctx,
		             "%s not found ([vectors] cavp, or Debian package "
		             "python3-cryptography-vectors)",
		             path);
		return;
	}
	if (sa_sv_load_cavp(path, source, scheme, &f, &err) < 0) {
		sa_case_error(ctx, "%s", err.msg);
		return;
	}
	if (sa_sig_engine_p11_new(ctx, &target) < 0 ||
	    sa_sig_engine_ossl_new(ctx, &ref) < 0)
		goto out;
	/* K- and B-curves (and any digest the harness does not know) are
	 * skipped per vector by the engines, with the reason. */
	sa_sig_vec_file(ctx, target, ref, f, &evidence);
	sa_sig_vec_evidence(ctx, &evidence);
out:
	sa_buf_free(&evidence);
	sa_sig_engine_free(ref);
	sa_sig_engine_free(target);
	sa_sv_free(f);
}

static void run_rsa_pkcs1(sa_case_ctx *ctx)
{
	run_cavp(ctx, "asymmetric/RSA/FIPS_186-2/SigVer15_186-3.rsp",
	         SA_SV_RSA_PKCS1);
}

static void run_rsa_pss(sa_case_ctx *ctx)
{
	run_cavp(ctx, "asymmetric/RSA/FIPS_186-2/SigVerPSS_186-3.rsp",
	         SA_SV_RSA_PSS);
}

static void run_ecdsa(sa_case_ctx *ctx)
{
	run_cavp(ctx, "asymmetric/ECDSA/FIPS_186-3/SigVer.rsp",
	         SA_SV_ECDSA_P1363);
}

#define CAVP_COMMON                                                            \
	"Each record's public key is imported as a session object and "        \
	"destroyed after its group; OpenSSL verifies the same records as "     \
	"the reference. Result = P records must verify, Result = F records "   \
	"(message, key, or signature changed) must not; counts for both "      \
	"engines are in results.json, disagreements with their reason in "     \
	"evidence disagreements.txt."

static const sa_case cases[] = {
    {
        .id = "SIG-CAVP-RSA-PKCS1",
        .title = "NIST CAVP RSA PKCS#1 v1.5 SigVer (FIPS 186-3) through "
                 "C_Verify",
        .description = "Runs SigVer15_186-3.rsp (moduli 1024-4096, SHA-1 "
                       "to SHA-512) through C_Verify with "
                       "CKM_SHAx_RSA_PKCS. " CAVP_COMMON,
        .remediation = "Fix the RSASSA-PKCS1-v1_5 verification of the "
                       "listed records (RFC 8017 §8.2.2).",
        .refs =
            SA_REFS("RFC 8017 §8.2.2", "FIPS 186-5 §5.4", "NIST CAVP RSA2VS",
                    "PKCS#11 Curr. Mech. v2.40 §2.1.11 (unconfirmed)"),
        .impact = 5,
        .threat = "signature forgery accepted",
        .needs = SA_NEED_TOKEN,
        .run = run_rsa_pkcs1,
    },
    {
        .id = "SIG-CAVP-RSA-PSS",
        .title = "NIST CAVP RSASSA-PSS SigVer (FIPS 186-3) through "
                 "C_Verify",
        .description = "Runs SigVerPSS_186-3.rsp (moduli 1024-4096, SHA-1 "
                       "to SHA-512, salt 10 bytes, MGF1 with the message "
                       "digest) through C_Verify with "
                       "CKM_SHAx_RSA_PKCS_PSS. " CAVP_COMMON,
        .remediation = "Fix the RSASSA-PSS verification of the listed "
                       "records (RFC 8017 §8.1.2).",
        .refs =
            SA_REFS("RFC 8017 §8.1.2", "FIPS 186-5 §5.4", "NIST CAVP RSA2VS",
                    "PKCS#11 Curr. Mech. v2.40 §2.1.14 (unconfirmed)"),
        .impact = 5,
        .threat = "signature forgery accepted",
        .needs = SA_NEED_TOKEN,
        .run = run_rsa_pss,
    },
    {
        .id = "SIG-CAVP-ECDSA",
        .title = "NIST CAVP ECDSA SigVer (FIPS 186-3) through C_Verify "
                 "(CKM_ECDSA)",
        .description = "Runs ECDSA/FIPS_186-3/SigVer.rsp through C_Verify "
                       "with CKM_ECDSA over the hash the harness computes, "
                       "R and S as r||s. Only the prime curves P-192 to "
                       "P-521 are asked; K- and B-curve records are "
                       "skipped with the reason. " CAVP_COMMON,
        .remediation = "Fix the ECDSA verification of the listed records "
                       "(FIPS 186-5 §6.4.2).",
        .refs = SA_REFS("FIPS 186-5 §6.4.2", "NIST CAVP ECDSA2VS",
                        "PKCS#11 Curr. Mech. v2.40 §2.3.6 (unconfirmed)"),
        .impact = 5,
        .threat = "signature forgery accepted",
        .needs = SA_NEED_TOKEN,
        .run = run_ecdsa,
    },
};

const sa_case_group sa_signing_group_cavp = {cases, SA_COUNTOF(cases)};
