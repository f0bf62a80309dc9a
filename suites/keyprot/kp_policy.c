/* Key-protection policy checks. Being written for issue 3. */
#include "suite.h"

const sa_case_group sa_kp_group_policy = {NULL, 0};
