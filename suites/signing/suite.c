#include "suite.h"

static const sa_case_group *const groups[] = {
    &sa_signing_group_wycheproof, &sa_signing_group_cavp,
    &sa_signing_group_sign,       &sa_signing_group_quality,
    &sa_signing_group_artefacts,  NULL,
};

const sa_suite sa_suite_signing = {
    .name = "signing",
    .title = "Signing correctness (vectors, cross-verification, key and "
             "nonce quality)",
    .groups = groups,
};
