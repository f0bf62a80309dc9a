#include "suite.h"

static const sa_case_group *const groups[] = {
    &sa_kp_group_policy,
    &sa_kp_group_attacks,
    NULL,
};

const sa_suite sa_suite_keyprot = {
    .name = "keyprot",
    .title = "Key protection (PKCS#11 attribute policy and attacks)",
    .groups = groups,
};
