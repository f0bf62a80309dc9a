#!/usr/bin/env bash
# The CLI contract (issue 2): list without a device, exit codes, one-line
# errors naming file and line for bad profiles, report rebuilding the views,
# the crash and hang modes of the fault module costing one case each, and no
# PIN anywhere in what a run writes or prints.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

prof=$SA_ROOT/hsm-profiles/softhsm2.ini
fault=$SA_ROOT/tests/profiles/fault.ini
user_pin=$(cat "$SIGAUDIT_STATE/softhsm/user.pin")
so_pin=$(cat "$SIGAUDIT_STATE/softhsm/so.pin")

# --- list needs no device and no profile
out=$("$SIGAUDIT" list)
check "list shows P11 cases" grep -q '^  P11-SES-' <<<"$out"
check "list --json is JSON with ids" \
	bash -c '"$0" list --json | jq -e "length > 20 and (.[0].id | length > 0)" >/dev/null' "$SIGAUDIT"

# --- usage errors are 64
code=0; "$SIGAUDIT" run >/dev/null 2>&1 || code=$?
check "run without --profile exits 64" test "$code" -eq 64
code=0; "$SIGAUDIT" run --profile "$prof" --bogus >/dev/null 2>&1 || code=$?
check "unknown option exits 64" test "$code" -eq 64
code=0; "$SIGAUDIT" run --profile "$prof" --case NO-SUCH-CASE >/dev/null 2>&1 || code=$?
check "--case matching nothing exits 64" test "$code" -eq 64
code=0; "$SIGAUDIT" nosuchcommand >/dev/null 2>&1 || code=$?
check "unknown command exits 64" test "$code" -eq 64
check "run --help lists --destructive" bash -c '"$0" run --help | grep -q -- --destructive' "$SIGAUDIT"

# --- bad profiles: exit 1, exactly one line naming file and line
bad_profile()
{
	local name=$1 body=$2 want=$3 f=$T_TMP/$1.ini err code=0
	printf '%s\n' "$body" >"$f"
	err=$("$SIGAUDIT" run --profile "$f" --out "$T_TMP/out-$name" 2>&1 >/dev/null) || code=$?
	if [ "$code" -eq 1 ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] &&
		grep -qE -- "$want" <<<"$err"; then
		ok "bad profile $name: $err"
	else
		bad "bad profile $name (exit $code): $err"
	fi
}
base="[environment]
SOFTHSM2_CONF = $SIGAUDIT_STATE/softhsm/softhsm2.conf"
code=0; err=$("$SIGAUDIT" run --profile "$T_TMP/missing.ini" 2>&1 >/dev/null) || code=$?
check "missing profile file: one line, exit 1" test "$code" -eq 1 -a "$(wc -l <<<"$err")" -eq 1
bad_profile unknown-key "[pkcs11]
module = /usr/lib/softhsm/libsofthsm2.so
tokn = pkcs11:token=x" "unknown-key.ini:3: "
bad_profile bad-uri "[pkcs11]
module = /usr/lib/softhsm/libsofthsm2.so
token = http://not-a-pkcs11-uri" "bad-uri.ini:3: "
bad_profile no-module "$base
[pkcs11]
module = /nonexistent/libnothing.so
token = pkcs11:token=sigaudit-demo" "no-module.ini:4: .*libnothing"
bad_profile no-token "$base
[pkcs11]
module = /usr/lib/softhsm/libsofthsm2.so
token = pkcs11:token=no-such-token" "no-token.ini:5: .*no-such-token"

bad_profile unset-pin-env "$base
[pkcs11]
module = /usr/lib/softhsm/libsofthsm2.so
token = pkcs11:token=sigaudit-demo
user_pin_env = SA_IT_NO_SUCH_VARIABLE" "unset-pin-env.ini:6: .*SA_IT_NO_SUCH_VARIABLE"

# --- a waiver naming no case is reported, not silently ignored
cat >"$T_TMP/waiver.ini" <<INI
$base
[pkcs11]
module = /usr/lib/softhsm/libsofthsm2.so
token = pkcs11:token=sigaudit-demo
[waiver P11-NO-SUCH]
reason = typo in a case ID
INI
"$SIGAUDIT" run --profile "$T_TMP/waiver.ini" --case P11-INIT-01 --out "$T_TMP/waiver" >/dev/null 2>&1 || true
check "unknown waiver ID is a warning in results.json" \
	jq -e '.warnings | any(test("P11-NO-SUCH"))' "$T_TMP/waiver/results.json"

# --- a clean run of one group against SoftHSM2
out=$T_TMP/run1
code=0
"$SIGAUDIT" run --profile "$prof" --suite pkcs11 --case 'P11-SES-*' --out "$out" >"$T_TMP/run1.log" 2>&1 || code=$?
check "run exits 0 or 2" test "$code" -eq 0 -o "$code" -eq 2
check "results.json has the schema" jq -e '.schema == "sigaudit-results/1"' "$out/results.json"
check "junit.xml written" grep -q '<testsuite name="pkcs11"' "$out/junit.xml"
check "finished is set" jq -e '.finished | type == "string"' "$out/results.json"
check "target token recorded" jq -e '.target.token.label == "sigaudit-demo"' "$out/results.json"
check "summary adds up" jq -e '(.summary | add) == (.cases | length)' "$out/results.json"

# --- report rebuilds junit.xml from results.json alone
rm -f "$out/junit.xml"
code=0; "$SIGAUDIT" report "$out" >/dev/null || code=$?
check "report rebuilds junit.xml" test -s "$out/junit.xml" -a \( "$code" -eq 0 -o "$code" -eq 2 \)
code=0; "$SIGAUDIT" report "$T_TMP/nowhere" >/dev/null 2>&1 || code=$?
check "report on a missing dir exits 1" test "$code" -eq 1

# --- compare: the same cases side by side, as text, Markdown and JSON
"$SIGAUDIT" run --profile "$prof" --case 'P11-SES-0*' --out "$T_TMP/run2" >/dev/null 2>&1 || true
check "compare text lists a case with both verdicts" \
	bash -c '"$0" compare "$1" "$2" | grep -qE "^P11-SES-01 +pass +pass"' "$SIGAUDIT" "$out" "$T_TMP/run2"
check "compare marks cases missing from a run" \
	bash -c '"$0" compare "$1" "$2" | grep -qE "^P11-SES-10 +[a-z]+ +-"' "$SIGAUDIT" "$out" "$T_TMP/run2"
check "compare --format md is a table" \
	bash -c '"$0" compare --format md "$1" "$2" | grep -q "^| P11-SES-01 | pass | pass |"' "$SIGAUDIT" "$out" "$T_TMP/run2"
check "compare --format json --mechanisms has both runs and the matrix" \
	bash -c '"$0" compare --format json --mechanisms "$1" "$2" | jq -e "(.runs | length) == 2 and (.mechanisms | length) > 10"' "$SIGAUDIT" "$out" "$T_TMP/run2"
code=0; "$SIGAUDIT" compare "$T_TMP/nowhere" >/dev/null 2>&1 || code=$?
check "compare on a missing run exits 1" test "$code" -eq 1

# --- no PIN in anything written or printed
leak=0
for pin in "$user_pin" "$so_pin"; do
	if grep -rqF -- "$pin" "$out" "$T_TMP/run1.log"; then leak=1; fi
done
check "no PIN in results, evidence or output" test "$leak" -eq 0

# --- crash and hang cost one case each; the run goes on
if [ -n "${SIGAUDIT_FAULTMOD-}" ]; then
	for mode in crash:C_GetSessionInfo abort:C_GetSessionInfo hang:C_GetSessionInfo; do
		o=$T_TMP/fault-${mode%%:*}
		code=0
		SA_FAULT=$mode "$SIGAUDIT" run --profile "$fault" --suite pkcs11 --timeout 2 \
			--out "$o" >"$o.log" 2>&1 || code=$?
		n_err=$(jq '[.cases[] | select(.verdict == "error")] | length' "$o/results.json")
		n_all=$(jq '.cases | length' "$o/results.json")
		n_want=$("$SIGAUDIT" list --suite pkcs11 --json | jq length)
		check "$mode: run finished with every case recorded ($n_all/$n_want)" test "$n_all" -eq "$n_want"
		check "$mode: affected cases are error ($n_err)" test "$n_err" -gt 0
		check "$mode: some cases unaffected still pass" \
			jq -e '[.cases[] | select(.verdict == "pass")] | length > 0' "$o/results.json"
		check "$mode: exit status is not 0 ($code)" test "$code" -ne 0
	done
else
	bad "SIGAUDIT_FAULTMOD not set: crash/hang modes not tested"
fi
finish
