#include "suite.h"

static const sa_case_group *const groups[] = {
    &sa_certval_group_pkits,
    &sa_certval_group_limbo,
    &sa_certval_group_lints,
    &sa_certval_group_probes, /* CV-OCSP-* */
    &sa_certval_group_crl,    /* CV-CRL-* */
    NULL,
};

const sa_suite sa_suite_certval = {
    .name = "certval",
    .title = "Certificate validation (PKITS, external validators, CA "
             "hierarchy, OCSP and CRL)",
    .groups = groups,
};
