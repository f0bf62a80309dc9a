/* PKITS rows to engine requests (cv_pkits.c); shared with the limbo
 * harness's x-pkits fields and the unit tests. */
#ifndef SA_CV_PKITS_H
#define SA_CV_PKITS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "sigaudit/profile.h"

#include "cv_x509.h"

/** The flags every PKITS row gets (catalogue §3). */
extern const unsigned long sa_cv_pkits_base_flags;

/** "anyPolicy", "NIST-test-policy-N" or a dotted OID to a dotted OID. */
int sa_cv_pkits_policy_oid(char *out, size_t size, const char *name);
/** A comma-separated list of such names to sorted dotted OIDs joined by ",".
 */
int sa_cv_pkits_policy_set(char *out, size_t size, const char *names);

/** Parsed certificates and CRLs by name (one section parses each file
 * once). _free(NULL) is a no-op. */
typedef struct sa_cv_pkits_cache sa_cv_pkits_cache;
sa_cv_pkits_cache *sa_cv_pkits_cache_new(void);
void sa_cv_pkits_cache_free(sa_cv_pkits_cache *cache);

/** Build the request of one pkits.json row; certificates and CRLs from
 * data_dir/{certs,crls}/NAME.{crt,crl} (through cache when not NULL). */
int sa_cv_pkits_req(sa_cv_req *req, const json_t *row, const char *data_dir,
                    bool strict, sa_cv_pkits_cache *cache, sa_error *err);

/** The row as an x509-limbo testcase with the "x-pkits" fields (catalogue
 * §4.6): id "pkits::test<id>", time 2011-04-15T00:00:00Z, certificates and
 * CRLs as PEM, the four initial settings and the expected user-constrained
 * set as OID arrays. New reference, or NULL with err set. */
json_t *sa_cv_pkits_to_limbo(const json_t *row, const char *data_dir,
                             sa_cv_pkits_cache *cache, sa_error *err);

/** Where the table and the data are, from the profile ([vectors] pkits and
 * cavp). SA_E_NOTFOUND with a one-line reason in why when missing. */
int sa_cv_pkits_locate(char *table, size_t tsize, char *data, size_t dsize,
                       const sa_profile *p, char *why, size_t wsize);

#endif
