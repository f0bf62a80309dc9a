/* The suites the executable knows, in run order. A const table: the only
 * registry there is (STYLE rule 14). A new suite adds one line here. */
#include "cli.h"

extern const sa_suite sa_suite_pkcs11;
extern const sa_suite sa_suite_keyprot;
extern const sa_suite sa_suite_signing;
extern const sa_suite sa_suite_certval;

const sa_suite *const sa_registry[] = {
    &sa_suite_pkcs11,
    &sa_suite_keyprot,
    &sa_suite_signing,
    &sa_suite_certval,
    NULL,
};
