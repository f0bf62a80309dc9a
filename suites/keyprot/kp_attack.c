/* Key-protection attack-style findings. Being written for issue 3. */
#include "suite.h"

const sa_case_group sa_kp_group_attacks = {NULL, 0};
