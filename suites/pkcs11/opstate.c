/* Catalogue group F SIG-11 (operation state). Being written for issue 3. */
#include "suite.h"

const sa_case_group sa_p11_group_opstate = {NULL, 0};
