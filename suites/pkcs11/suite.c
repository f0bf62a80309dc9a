#include "suite.h"

static const sa_case_group *const groups[] = {
    &sa_p11_group_init_slot,
    &sa_p11_group_session,
    &sa_p11_group_obj,
    &sa_p11_group_keygen,
    &sa_p11_group_opstate,
    &sa_p11_group_concurrency,
    NULL,
};

const sa_suite sa_suite_pkcs11 = {
    .name = "pkcs11",
    .title = "PKCS#11 API conformance",
    .groups = groups,
};
