/* Catalogue group H (concurrency and robustness). Being written for issue 3. */
#include "suite.h"

const sa_case_group sa_p11_group_concurrency = {NULL, 0};
