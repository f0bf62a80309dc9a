/* The pkcs11 suite's groups (private to suites/pkcs11). */
#ifndef SA_SUITE_PKCS11_H
#define SA_SUITE_PKCS11_H

#include "sigaudit/case.h"

/* Catalogue groups A (library, initialisation) and B (slots, tokens,
 * mechanisms). */
extern const sa_case_group sa_p11_group_init_slot;
/* Catalogue group C (sessions and the login state machine). */
extern const sa_case_group sa_p11_group_session;
/* Catalogue group D (objects and attribute policy). */
extern const sa_case_group sa_p11_group_obj;
/* Catalogue group E (key generation per algorithm). */
extern const sa_case_group sa_p11_group_keygen;
/* Catalogue row SIG-11 (operation state: init, active, cancel, save/restore).
 */
extern const sa_case_group sa_p11_group_opstate;
/* Catalogue group H (concurrency and robustness to argument abuse). */
extern const sa_case_group sa_p11_group_concurrency;

extern const sa_suite sa_suite_pkcs11;

#endif
