/* Catalogue group D (objects and attribute policy). Being written for issue 3.
 */
#include "suite.h"

const sa_case_group sa_p11_group_obj = {NULL, 0};
