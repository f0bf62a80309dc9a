/* The risk model (DESIGN §8, ../shared/catalog/report.md "Risk model"):
 * every fail and every waived deviation of a run becomes a finding with an
 * impact (I1..I5, from the case), a likelihood (L1..L5, from the exposure
 * the profile declares for the component, with its drivers recorded), a
 * risk level read from the 5x5 table of NIST SP 800-30 Rev.1 Table I-2
 * (never a product of the two), and a treatment class with a proposed
 * deadline (Table T). The certificate decision stays a person's: the model
 * only proposes.
 *
 * Everything is computed from results.json alone, so `sigaudit report`
 * can recompute the findings of an old run. */
#ifndef SA_RISK_H
#define SA_RISK_H

#include <jansson.h>

typedef enum sa_risk_level {
	SA_RISK_VERY_LOW = 0,
	SA_RISK_LOW,
	SA_RISK_MODERATE,
	SA_RISK_HIGH,
	SA_RISK_VERY_HIGH,
	SA_RISK_COUNT_
} sa_risk_level;

/** Table R: likelihood 1..5 (L1..L5) x impact 1..5 (I1..I5). Out of range
 * values are clamped. */
sa_risk_level sa_risk_lookup(int likelihood, int impact);
/** "very low", "low", "moderate", "high", "very high". */
const char *sa_risk_str(sa_risk_level r);
/** Vietnamese label: "Rất thấp", "Thấp", "Trung bình", "Cao", "Rất cao". */
const char *sa_risk_str_vi(sa_risk_level r);
/** Table T finding class: "major non-conformity", ..., "observation". */
const char *sa_risk_treatment(sa_risk_level r);
const char *sa_risk_treatment_vi(sa_risk_level r);
/** Table T deadline proposal in days after the run, or -1 for none
 * ("next cycle" / observation). */
int sa_risk_deadline_days(sa_risk_level r);

/** The component a case belongs to for the exposure lookup ("hsm", "tsa",
 * "ocsp", "crl", "ca", "signing"), from its ID and suite. */
const char *sa_risk_component(const char *case_id, const char *suite);

/** The findings of a results document (new reference): one per case whose
 * verdict is fail or waived (status "accepted", no deadline), ordered by
 * risk, then impact, then case order; IDs F-001... in that order. The
 * document's "finished" date dates the deadlines. */
json_t *sa_risk_findings(const json_t *doc);

#endif
