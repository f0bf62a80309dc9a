/* sigaudit: data-driven cases (DESIGN §5 and the "vectors" block of §7).
 *
 * A case that runs a vector set (Wycheproof, NIST CAVP, PKITS, ...) is one
 * case with a result per vector. For every file (or other unit of a set) it
 * opens one sa_vec_run per engine: the target (the PKCS#11 token, the TSA,
 * the validator under audit) and, where there is one, the independent
 * reference (OpenSSL). Each vector's expected result and what the engine did
 * are recorded with sa_vec_result(); sa_vec_end() sends the counts, the
 * per-code histogram, the time taken and every disagreement to the parent as
 * one event, so a run that crashes later keeps the files already done.
 *
 * How a vector counts:
 *   expected VALID      accepted: agree      rejected: disagree
 *   expected INVALID    rejected: agree      accepted: disagree
 *   expected ACCEPTABLE either way agrees; which way it went is counted and
 *                       each one is listed (the set says the choice is the
 *                       implementation's; an audit policy may still care)
 *   SA_VEC_ERROR        the engine gave no answer (device error, the key could
 *                       not be imported, ...): counted apart, never an
 *                       agreement
 *   sa_vec_skip()       the vector cannot be asked of this engine (mechanism
 *                       not offered, curve not supported): counted apart
 *
 * What it does to the case's verdict (sa_vec_end):
 *   target role     one check "agrees with <source>": fails when a vector
 *                   disagreed; errors make the case ERROR ("N vectors gave no
 *                   answer"); a run where every vector was skipped is a SKIP
 *                   with the first reason;
 *   reference role  nothing: the reference's disagreements are reported as
 *                   measured (a note and the counts), they do not judge the
 *                   target.
 *
 * In results.json the case gets a "vectors" object: the DESIGN §7 fields
 * (source, total, agree, disagree, acceptable, disagreements[]) summed over
 * the target runs, and "files": one entry per source with "target" and
 * "reference" blocks side by side (engine, counts, ms, per_second, codes). */
#ifndef SIGAUDIT_VECTORS_H
#define SIGAUDIT_VECTORS_H

#include <stdbool.h>
#include <stddef.h>

#include "sigaudit/case.h"

typedef enum sa_vec_expect {
	SA_VEC_VALID = 0,
	SA_VEC_INVALID,
	SA_VEC_ACCEPTABLE,
} sa_vec_expect;

typedef enum sa_vec_seen {
	SA_VEC_ACCEPTED = 0,
	SA_VEC_REJECTED,
	SA_VEC_ERROR,
} sa_vec_seen;

typedef enum sa_vec_role {
	SA_VEC_TARGET = 0,
	SA_VEC_REFERENCE,
} sa_vec_role;

/** At most this many disagreements (and acceptable outcomes) are listed per
 * run; all are counted. */
#define SA_VEC_LIST_MAX 1000

typedef struct sa_vec_run sa_vec_run;

/** Start a run over one source. `source` names it as a user would find it,
 * relative to the set's root ("wycheproof/ecdsa_secp256r1_sha256_p1363_test.
 * json", "cavp/RSA/FIPS_186-2/SigVer15_186-3.rsp"); `engine` says what
 * answered ("PKCS#11 C_Verify", "OpenSSL 3.0.17 EVP"). NULL on allocation
 * failure (then every other call is a no-op and sa_vec_end records an
 * error). */
sa_vec_run *sa_vec_begin(sa_case_ctx *ctx, const char *source, sa_vec_role role,
                         const char *engine);

/** One vector. id: the set's identifier ("tc12", "count 7 [mod = 2048,
 * SHA-256]"); flags: the set's labels, comma-separated, or NULL; detail: what
 * the engine said (a CK_RV name, an OpenSSL reason), or NULL. The histogram
 * in results counts `detail` per outcome ("rejected CKR_SIGNATURE_INVALID":
 * 3120), so keep it a code, not prose. */
void sa_vec_result(sa_vec_run *r, const char *id, sa_vec_expect expected,
                   sa_vec_seen seen, const char *flags, const char *detail);

/** One vector this engine cannot be asked; why: one line. */
void sa_vec_skip(sa_vec_run *r, const char *id, const char *why);

/** Finish the run: send the event, record the check (target role), free r.
 * Returns the number of disagreements (0 when r is NULL). */
size_t sa_vec_end(sa_vec_run *r);

/** Counts so far (for a case that wants to report or decide more). */
size_t sa_vec_count_total(const sa_vec_run *r);
size_t sa_vec_count_disagree(const sa_vec_run *r);

const char *sa_vec_expect_str(sa_vec_expect e); /* "valid", ... */
const char *sa_vec_seen_str(sa_vec_seen s);     /* "accepted", ... */

#endif
