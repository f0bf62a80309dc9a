/* The signing suite's groups (private to suites/signing). */
#ifndef SA_SUITE_SIGNING_H
#define SA_SUITE_SIGNING_H

#include "sigaudit/case.h"

/* Wycheproof signature-verification vectors through C_Verify, with OpenSSL
 * as the reference engine (SIG-WYC-*). */
extern const sa_case_group sa_signing_group_wycheproof;
/* NIST CAVP SigVer/SigGen files through C_Verify (SIG-CAVP-*). */
extern const sa_case_group sa_signing_group_cavp;
/* Sign-side checks: cross-verification, KATs, encodings, negative verify,
 * buffer conventions and length limits (catalogue F: SIG-01..SIG-08). */
extern const sa_case_group sa_signing_group_sign;
/* Quality of the keys and signatures the target produced: nonce reuse,
 * factors, ROCA, policy sizes, weak algorithms (SIG-Q-*, findings). */
extern const sa_case_group sa_signing_group_quality;
/* Signatures a signature service produced, named in the profile
 * (SIG-ART-*). */
extern const sa_case_group sa_signing_group_artefacts;

extern const sa_suite sa_suite_signing;

#endif
