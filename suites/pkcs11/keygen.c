/* Catalogue group E (key generation per algorithm). Being written for issue 3.
 */
#include "suite.h"

const sa_case_group sa_p11_group_keygen = {NULL, 0};
