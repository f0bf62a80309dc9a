/* The keyprot suite's groups (private to suites/keyprot). */
#ifndef SA_SUITE_KEYPROT_H
#define SA_SUITE_KEYPROT_H

#include "sigaudit/case.h"

/* Enforcement of the key-protection attributes: sensitivity and
 * extractability, latching, history, wrap/unwrap rules, usage flags,
 * allowed mechanisms, context login, visibility (KP-01..05, 08..10, 15,
 * KP-USE-01..03). */
extern const sa_case_group sa_kp_group_policy;
/* Attack-style checks the specification permits but that break key
 * protection: security findings (KP-06, 07, 11..14). */
extern const sa_case_group sa_kp_group_attacks;

extern const sa_suite sa_suite_keyprot;

#endif
