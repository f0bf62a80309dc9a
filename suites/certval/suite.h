/* The certval suite's groups (private to suites/certval). */
#ifndef SA_SUITE_CERTVAL_H
#define SA_SUITE_CERTVAL_H

#include "sigaudit/case.h"

/* NIST PKITS through a validation engine, OpenSSL X509_verify_cert as the
 * built-in reference (PKITS-<section>). */
extern const sa_case_group sa_certval_group_pkits;
/* x509-limbo testcases through an external validator or the built-in
 * engine (CV-LIMBO-*). */
extern const sa_case_group sa_certval_group_limbo;
/* The audited CA's own hierarchy from [pki]: paths and lints (CV-PKI-*). */
extern const sa_case_group sa_certval_group_lints;
/* Live OCSP responder probes (CV-OCSP-*, cv_probe.c) and CRL distribution
 * point probes (CV-CRL-*, cv_probe_crl.c). */
extern const sa_case_group sa_certval_group_probes;
extern const sa_case_group sa_certval_group_crl;

extern const sa_suite sa_suite_certval;

#endif
