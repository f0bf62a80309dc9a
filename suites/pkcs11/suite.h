/* The pkcs11 suite's groups (private to suites/pkcs11). */
#ifndef SA_SUITE_PKCS11_H
#define SA_SUITE_PKCS11_H

#include "sigaudit/case.h"

/* Catalogue groups A (library, initialisation) and B (slots, tokens, mechanisms). */
extern const sa_case_group sa_p11_group_init_slot;
/* Catalogue group C (sessions and the login state machine). */
extern const sa_case_group sa_p11_group_session;

extern const sa_suite sa_suite_pkcs11;

#endif
