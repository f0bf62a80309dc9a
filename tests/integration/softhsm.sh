#!/usr/bin/env bash
# The issue-2 acceptance run: every suite against the reference SoftHSM2
# token, at least 25 PKCS#11 cases actually run (not skipped), no error
# verdicts, and every fail explained (expected vs observed or a reason).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The profile's [artefact] sections name the samples of the demo's
# "signature service".
"$SA_ROOT/scripts/provision-signing-samples" >/dev/null </dev/null
out=$T_TMP/softhsm
code=0
"$SIGAUDIT" run --profile "$SA_ROOT/hsm-profiles/softhsm2.ini" --out "$out" >"$T_TMP/log" 2>&1 || code=$?
cat "$T_TMP/log"
check "exit status 0 or 2 (got $code)" test "$code" -eq 0 -o "$code" -eq 2
ran=$(jq '[.cases[] | select(.suite == "pkcs11" and .verdict != "skip")] | length' "$out/results.json")
check "at least 25 PKCS#11 cases ran ($ran)" test "$ran" -ge 25
errors=$(jq -r '[.cases[] | select(.verdict == "error") | .id + ": " + .reason] | join("; ")' "$out/results.json")
check "no error verdicts ($errors)" test -z "$errors"
check "every skip has a reason" \
	jq -e '[.cases[] | select(.verdict == "skip" and ((.reason // "") == ""))] | length == 0' "$out/results.json"
check "every fail shows expected and observed or a reason" \
	jq -e '[.cases[] | select(.verdict == "fail" and (.expected == null and .reason == null))] | length == 0' "$out/results.json"
check "every case cites a reference" \
	jq -e '[.cases[] | select((.refs | length) == 0)] | length == 0' "$out/results.json"
check "mechanisms recorded" jq -e '.target.mechanisms | length > 10' "$out/results.json"
# Evidence: every PKCS#11 case that ran left its call trace, listed and hashed
# in results.json, and neither PIN appears anywhere in the output.
missing=$(jq -r '[.cases[] | select(.suite == "pkcs11" and .verdict != "skip")
	| select([.evidence[]?.path | endswith("/p11-trace.tsv")] | any | not) | .id] | join(" ")' "$out/results.json")
check "every PKCS#11 case that ran has a call trace ($missing)" test -z "$missing"
check "a trace records calls and return codes" \
	grep -q $'\tC_OpenSession\t.*\tCKR_OK\t' "$out/evidence/P11-SES-04/p11-trace.tsv"
leak=0
for f in user.pin so.pin; do
	if grep -rqF -- "$(cat "$SIGAUDIT_STATE/softhsm/$f")" "$out"; then leak=1; fi
done
check "no PIN in results, views or evidence" test "$leak" -eq 0
finish
