#!/usr/bin/env bash
# The issue-2 acceptance run: every suite against the reference SoftHSM2
# token, at least 25 PKCS#11 cases actually run (not skipped), no error
# verdicts, and every fail explained (expected vs observed or a reason).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

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
finish
