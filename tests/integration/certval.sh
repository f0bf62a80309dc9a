#!/usr/bin/env bash
# Issue 5: path-validation conformance (PKITS-4.1 ... PKITS-4.16) and
# x509-limbo testcases (CV-LIMBO-01/02) on the built-in engine, OpenSSL
# X509_verify_cert, and proof that each check fails when its rule is broken.
#
#   1. PKITS, all 249 rows: per section the counts measured with OpenSSL
#      3.0 (total, disagreements by id with their X509_V_ERR_* name, the
#      user-constrained policy set rows, the strict-mode reference block).
#   2. x509-limbo (the shared 208-testcase file) through the built-in
#      engine: the measured counts.
#   3. Broken PKITS data made here, in a temp dir (the shared data is never
#      touched): a corrupted signature in Good CA's certificate makes the
#      VALID row 4.1.1 disagree (X509_V_ERR_CERT_SIGNATURE_FAILURE); Good
#      CA's CRL replaced by an empty one signed with Good CA's own key (from
#      PKITS's pkcs12/) makes the revoked rows 4.4.2 and 4.4.3 pass, so they
#      disagree; a CRL dropped from row 4.1.1 of a copy of the table makes it
#      disagree (X509_V_ERR_UNABLE_TO_GET_CRL).
#   4. External validators (tests/integration/certval_validator.sh) on a
#      subset of limbo: a validator answering the expected results passes;
#      one that says SUCCESS to everything fails; garbage, a wrong id, a
#      non-zero exit and a hang are errors (no answer), never agreements.
#   5. PKITS as limbo testcases with x-pkits (CV-LIMBO-03, sections 4.1 and
#      4.8): a validator with PKITS's answers passes; one that reports the
#      wrong user-constrained policy set, or accepts everything, fails.
#   6. sigaudit's own limbo-harness, when the CLI has it, agrees with
#      CV-LIMBO-01 testcase by testcase, and through x-pkits with PKITS.
# Timing (rows per second) is printed, never asserted (the 2 s budget of
# the issue is checked on the summed target time, loosely: 10 s).
# jq programs are single-quoted on purpose ($names are jq variables).
# shellcheck disable=SC2016
# shellcheck source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pkits=$SA_ROOT/../shared/vectors/pkits/pkits.json
limbo=$SA_ROOT/../shared/vectors/limbo/limbo-nobettertls.json
cavp=/usr/lib/python3/dist-packages/cryptography_vectors
data=$cavp/x509/PKITS_data
validator=$SA_ROOT/tests/integration/certval_validator.sh

if [ ! -f "$pkits" ] || [ ! -f "$limbo" ] || [ ! -d "$data/certs" ]; then
	echo "skip: needs $pkits, $limbo and $data (python3-cryptography-vectors)"
	exit 77
fi

# A profile of our own: the reference token's, with time for the external
# validator runs (one process per testcase).
profile=$T_TMP/certval.ini
sed 's/^timeout = .*/timeout = 600/' "$SA_ROOT/hsm-profiles/softhsm2.ini" >"$profile"

# run OUT CASES [sigaudit run options...]: exit status in $code.
# with_validator COMMAND MS: $vprofile is $profile plus a [validator]
# section (the external validator under audit, and its time per testcase).
with_validator()
{
	vprofile=$T_TMP/validator.ini
	{
		cat "$profile"
		printf '\n[validator]\ncommand = %s\ntimeout = %s\n' "$1" \
			$((($2 + 999) / 1000))
	} >"$vprofile"
}

run()
{
	local out=$1 cases=$2
	shift 2
	code=0
	"$SIGAUDIT" run --profile "$profile" --case "$cases" --out "$out" -q \
		"$@" >"$T_TMP/log" 2>&1 || code=$?
	if [ ! -f "$out/results.json" ]; then
		cat "$T_TMP/log"
		bad "results.json written in $out"
		finish
		exit 1
	fi
}

# block RESULTS CASE SOURCE ROLE: one engine's block of a source.
block()
{
	jq -c --arg id "$2" --arg src "$3" --arg role "$4" \
		'first(.cases[] | select(.id == $id) | .vectors.files[]? |
		 select(.source == $src) | .[$role]) // empty' "$1/results.json"
}

# disagreements BLOCK: "id=detail,..." sorted.
disagreements()
{
	jq -r '[.disagreements[] | "\(.id)=\(.detail)"] | sort | join(",")' <<<"$1"
}

# 1. PKITS on the built-in engine.
out=$T_TMP/pkits
run "$out" 'PKITS-*' --vectors pkits="$pkits" --vectors cavp="$cavp"
check "PKITS run: exit 2 (sections 4.1 and 4.14 disagree; got $code)" test "$code" -eq 2

# section rows policy-rows target-disagreements strict-disagreements
# (measured with OpenSSL 3.0.19; E = X509_V_ERR_).
E=X509_V_ERR_
d41="4.1.5=${E}UNABLE_TO_GET_ISSUER_CERT_LOCALLY"
d414="4.14.24=${E}UNABLE_TO_GET_CRL,4.14.25=${E}UNABLE_TO_GET_CRL"
d414="$d414,4.14.28=${E}DIFFERENT_CRL_SCOPE,4.14.29=${E}DIFFERENT_CRL_SCOPE"
d414="$d414,4.14.30=${E}UNABLE_TO_GET_CRL,4.14.33=${E}UNABLE_TO_GET_CRL"
sections=(
	"4.1 6 2 $d41 $d41"
	"4.2 8 3 - -"
	"4.3 11 9 - -"
	"4.4 21 6 - -"
	"4.5 8 4 - -"
	"4.6 17 7 - 4.6.4=${E}CA_BCONS_NOT_CRITICAL"
	"4.7 5 1 - -"
	"4.8 35 23 - -"
	"4.9 8 4 - -"
	"4.10 23 11 - -"
	"4.11 11 3 - -"
	"4.12 11 4 - -"
	"4.13 38 16 - -"
	"4.14 35 9 $d414 $d414"
	"4.15 10 4 - -"
	"4.16 2 1 - -"
)
rows=0
ms=0
for line in "${sections[@]}"; do
	read -r sec n npol dis sdis <<<"$line"
	[ "$dis" = - ] && dis=
	[ "$sdis" = - ] && sdis=
	id=PKITS-$sec
	t=$(block "$out" "$id" "pkits/$sec" target)
	r=$(block "$out" "$id" "pkits/$sec" reference)
	p=$(block "$out" "$id" "pkits/$sec user-constrained-policy-set" target)
	if [ -z "$t" ] || [ -z "$r" ] || [ -z "$p" ]; then
		bad "$id: target, strict reference and policy-set blocks in results.json"
		continue
	fi
	check "$id: $n rows, no errors, none skipped" \
		jq -e --argjson n "$n" '.total == $n and .errors == 0 and .skipped == 0 and .agree + .disagree == .total' <<<"$t"
	got=$(disagreements "$t")
	check "$id: target disagreements [$dis] (got [$got])" test "$got" = "$dis"
	got=$(disagreements "$r")
	check "$id: X509_STRICT reference disagreements [$sdis] (got [$got])" test "$got" = "$sdis"
	check "$id: user-constrained policy set matches on all $npol accepted VALID rows" \
		jq -e --argjson n "$npol" '.total == $n and .agree == $n' <<<"$p"
	want=pass
	[ -n "$dis" ] && want=fail
	v=$(verdict "$out" "$id")
	check "$id: verdict $want (got $v)" test "$v" = "$want"
	rows=$((rows + $(jq .total <<<"$t")))
	ms=$(jq -n --argjson a "$ms" --argjson b "$(jq .ms <<<"$t")" '$a + $b')
done
check "PKITS: 249 rows in all (got $rows)" test "$rows" -eq 249
echo "     PKITS: $rows rows in $(printf '%.0f' "$ms") ms of target time ($(jq -n --argjson r "$rows" --argjson m "$ms" '$r * 1000 / $m | floor') rows/s)"
check "PKITS: 249 rows within 10 s of target time (budget 2 s on an idle machine)" \
	jq -n -e --argjson m "$ms" '$m < 10000'

# 2. x509-limbo on the built-in engine.
out=$T_TMP/limbo
run "$out" CV-LIMBO-01 --vectors limbo="$limbo"
t=$(block "$out" CV-LIMBO-01 limbo/limbo-nobettertls.json target)
check "CV-LIMBO-01: 208 testcases, 154 agree, 54 disagree, no errors or skips" \
	jq -e '.total == 208 and .agree == 154 and .disagree == 54 and .errors == 0 and .skipped == 0' <<<"$t"
check "CV-LIMBO-01: every disagreement names an X509_V_ result" \
	jq -e '[.disagreements[] | .detail | startswith("X509_V_")] | all' <<<"$t"
check "CV-LIMBO-01: the revoked-certificate CRL testcase agrees" \
	jq -e '[.disagreements[].id] | index("crl::revoked-certificate-with-crl") == null' <<<"$t"
v=$(verdict "$out" CV-LIMBO-01)
check "CV-LIMBO-01: verdict fail (measured disagreements; got $v)" test "$v" = fail
echo "     limbo built-in: $(jq -r '"\(.total) testcases in \(.ms | floor) ms (\(.per_second)/s)"' <<<"$t")"

# 3. Broken PKITS data, in a temp copy (symlinks except the broken files).
mkdata()
{
	local d=$1
	mkdir -p "$d/x509/PKITS_data"
	cp -rs "$data/certs" "$data/crls" "$d/x509/PKITS_data/"
}

# 3a. Good CA's signature corrupted (the last byte of the DER: inside the
# signature value).
b1=$T_TMP/broken-sig
mkdata "$b1"
f=$b1/x509/PKITS_data/certs/GoodCACert.crt
rm -f "$f"
cp "$data/certs/GoodCACert.crt" "$f"
size=$(stat -c %s "$f")
last=$(tail -c 1 "$f" | od -An -tu1 | tr -d ' ')
# shellcheck disable=SC2059 # the format is the octal escape of one byte
printf "\\$(printf '%03o' $((last ^ 1)))" |
	dd of="$f" bs=1 seek=$((size - 1)) conv=notrunc status=none
check "broken CA signature: the copy differs from Good CA's certificate" \
	test "$(cmp -l "$data/certs/GoodCACert.crt" "$f" | wc -l)" -eq 1
out=$T_TMP/pkits-sig
run "$out" PKITS-4.1 --vectors pkits="$pkits" --vectors cavp="$b1"
t=$(block "$out" PKITS-4.1 pkits/4.1 target)
check "broken CA signature: 4.1.1 disagrees with ${E}CERT_SIGNATURE_FAILURE" \
	jq -e --arg d "${E}CERT_SIGNATURE_FAILURE" \
	'[.disagreements[] | select(.id == "4.1.1" and .detail == $d)] | length == 1' <<<"$t"
v=$(verdict "$out" PKITS-4.1)
check "broken CA signature: PKITS-4.1 fails (got $v)" test "$v" = fail

# 3b. Good CA's CRL replaced by an empty CRL that Good CA signed (its key is
# in PKITS's pkcs12/, password "password"); 3c. GoodCACRL dropped from row
# 4.1.1 of a copy of the table.
b2=$T_TMP/broken-crl
mkdata "$b2"
(
	cd "$T_TMP" || exit 1
	openssl pkcs12 -in "$data/pkcs12/GoodCACert.p12" -passin pass:password \
		-nodes -nocerts -out good.key 2>/dev/null &&
		openssl x509 -inform DER -in "$data/certs/GoodCACert.crt" -out goodca.pem &&
		printf '[ca]\ndefault_ca=c\n[c]\ndatabase=index.txt\ncrlnumber=crlnum\ndefault_md=sha256\ncrl_extensions=ext\n[ext]\nauthorityKeyIdentifier=keyid:always\n' >ca.cnf &&
		: >index.txt && echo 02 >crlnum &&
		openssl ca -config ca.cnf -gencrl -keyfile good.key -cert goodca.pem \
			-crl_lastupdate 20100101000000Z -crl_nextupdate 20301231000000Z \
			-out empty.pem 2>/dev/null &&
		rm -f "$b2/x509/PKITS_data/crls/GoodCACRL.crl" &&
		openssl crl -in empty.pem -outform DER -out "$b2/x509/PKITS_data/crls/GoodCACRL.crl"
) || bad "empty Good CA CRL made with openssl ca"
jq '(.testcases[] | select(.id == "4.1.1") | .crls) |= map(select(. != "GoodCACRL"))' \
	"$pkits" >"$T_TMP/pkits-broken.json"
out=$T_TMP/pkits-crl
run "$out" PKITS-4.1,PKITS-4.4 --vectors pkits="$T_TMP/pkits-broken.json" --vectors cavp="$b2"
t=$(block "$out" PKITS-4.4 pkits/4.4 target)
check "revocation hidden: 4.4.2 and 4.4.3 (revoked, INVALID) accepted and listed" \
	jq -e '[.disagreements[] | select((.id == "4.4.2" or .id == "4.4.3") and .observed == "accepted")] | length == 2' <<<"$t"
v=$(verdict "$out" PKITS-4.4)
check "revocation hidden: PKITS-4.4 fails (got $v)" test "$v" = fail
t=$(block "$out" PKITS-4.1 pkits/4.1 target)
check "CRL dropped from the row: 4.1.1 disagrees with ${E}UNABLE_TO_GET_CRL" \
	jq -e --arg d "${E}UNABLE_TO_GET_CRL" \
	'[.disagreements[] | select(.id == "4.1.1" and .detail == $d)] | length == 1' <<<"$t"

# 4. External validators on a subset: 8 SUCCESS and 8 FAILURE testcases.
sub=$T_TMP/limbo-subset.json
jq '{version: 1, testcases: ([.testcases[] | select(.expected_result == "SUCCESS")][:8] +
                            [.testcases[] | select(.expected_result == "FAILURE")][:8])}' \
	"$limbo" >"$sub"
jq -r '.testcases[] | "\(.id) \(.expected_result)"' "$sub" >"$T_TMP/table.txt"
src=limbo/limbo-subset.json

# ext NAME VALIDATOR-COMMAND [timeout ms]: CV-LIMBO-02 with that validator.
ext()
{
	out=$T_TMP/ext-$1
	with_validator "$2" "${3:-20000}"
	profile=$vprofile run "$out" CV-LIMBO-02 --vectors limbo="$4"
	t=$(block "$out" CV-LIMBO-02 "$src" target)
	r=$(block "$out" CV-LIMBO-02 "$src" reference)
}

ext table "$validator table $T_TMP/table.txt" 20000 "$sub"
check "validator with the right answers: 16 agree, no errors" \
	jq -e '.total == 16 and .agree == 16 and .errors == 0' <<<"$t"
check "validator run: the built-in engine beside it as the reference (16 answered)" \
	jq -e '.total == 16' <<<"$r"
v=$(verdict "$out" CV-LIMBO-02)
check "validator with the right answers: CV-LIMBO-02 passes (got $v)" test "$v" = pass
echo "     external validator: $(jq -r '"\(.total) testcases in \(.ms | floor) ms (\(.per_second)/s)"' <<<"$t")"

ext success "$validator success" 20000 "$sub"
check "validator that accepts everything: the 8 FAILURE testcases disagree" \
	jq -e '.disagree == 8 and ([.disagreements[] | select(.observed == "accepted")] | length == 8)' <<<"$t"
v=$(verdict "$out" CV-LIMBO-02)
check "validator that accepts everything: CV-LIMBO-02 fails (got $v)" test "$v" = fail

for mode in garbage wrong-id exit; do
	ext "$mode" "$validator $mode" 20000 "$sub"
	check "validator '$mode': 16 testcases without an answer, none agree" \
		jq -e '.errors == 16 and .agree == 0' <<<"$t"
	v=$(verdict "$out" CV-LIMBO-02)
	check "validator '$mode': CV-LIMBO-02 is not a pass (got $v)" test "$v" = error -o "$v" = fail
done

jq '{version: 1, testcases: .testcases[:2]}' "$sub" >"$T_TMP/limbo-two.json"
src=limbo/limbo-two.json
ext hang "$validator hang" 500 "$T_TMP/limbo-two.json"
check "validator that hangs: both testcases time out (no answer)" \
	jq -e '.errors == 2 and ([.errors_list[].detail | test("no answer within")] | all)' <<<"$t"
v=$(verdict "$out" CV-LIMBO-02)
check "validator that hangs: CV-LIMBO-02 errors (got $v)" test "$v" = error

# 5. PKITS as limbo testcases with x-pkits (CV-LIMBO-03), sections 4.1 and
# 4.8 of a copy of the table.
jq '{testcases: [.testcases[] | select(.section == "4.1" or .section == "4.8")]}' \
	"$pkits" >"$T_TMP/pkits-sub.json"
jq -r '.testcases[] | "pkits::test\(.id) \(if .expected == "VALID" then "SUCCESS" else "FAILURE" end)"' \
	"$T_TMP/pkits-sub.json" >"$T_TMP/ptable.txt"

# pext NAME VALIDATOR-COMMAND: CV-LIMBO-03 with that validator.
pext()
{
	out=$T_TMP/pext-$1
	with_validator "$2" 20000
	profile=$vprofile run "$out" CV-LIMBO-03 --vectors pkits="$T_TMP/pkits-sub.json" --vectors cavp="$cavp"
}
pext table "$validator table $T_TMP/ptable.txt"
t=$(block "$out" CV-LIMBO-03 pkits/4.8 target)
r=$(block "$out" CV-LIMBO-03 pkits/4.8 reference)
check "x-pkits, validator with PKITS's answers: 4.8 35 rows agree" \
	jq -e '.total == 35 and .agree == 35 and .errors == 0' <<<"$t"
check "x-pkits: the built-in engine through limbo agrees with PKITS-4.8 (35 of 35)" \
	jq -e '.total == 35 and .agree == 35' <<<"$r"
r=$(block "$out" CV-LIMBO-03 pkits/4.1 reference)
check "x-pkits: the built-in engine through limbo gives PKITS-4.1's disagreement (4.1.5)" \
	test "$(disagreements "$r")" = "$d41"
v=$(verdict "$out" CV-LIMBO-03)
check "x-pkits, validator with PKITS's answers, no policy set reported: pass (got $v)" test "$v" = pass

pext anypolicy "$validator table-anypolicy $T_TMP/ptable.txt"
t=$(block "$out" CV-LIMBO-03 "pkits/4.8 user-constrained-policy-set" target)
check "x-pkits, validator reporting {anyPolicy}: the 22 rows expecting another set disagree" \
	jq -e '.total == 23 and .disagree == 22 and ([.disagreements[] | select(.id == "4.8.11.1")] | length == 0)' <<<"$t"
v=$(verdict "$out" CV-LIMBO-03)
check "x-pkits, validator reporting {anyPolicy}: CV-LIMBO-03 fails (got $v)" test "$v" = fail

pext success "$validator success"
t=$(block "$out" CV-LIMBO-03 pkits/4.1 target)
check "x-pkits, validator that accepts everything: the 3 INVALID rows of 4.1 disagree" \
	jq -e '.disagree == 3' <<<"$t"

# 6. sigaudit as a limbo harness (once the CLI has the subcommand): the
# same answers as the built-in engine, and through x-pkits the PKITS
# results with the policy sets.
src=limbo/limbo-subset.json
if "$SIGAUDIT" limbo-harness --help >/dev/null 2>&1; then
	ext self "$SIGAUDIT limbo-harness" 20000 "$sub"
	check "sigaudit limbo-harness as the validator: same answers as the built-in engine" \
		test "$(jq -c '[.agree, .disagree, ([.disagreements[].id] | sort)]' <<<"$t")" = \
		"$(jq -c '[.agree, .disagree, ([.disagreements[].id] | sort)]' <<<"$r")"
	pext self "$SIGAUDIT limbo-harness"
	t=$(block "$out" CV-LIMBO-03 "pkits/4.8 user-constrained-policy-set" target)
	check "sigaudit limbo-harness through x-pkits: 4.8 policy sets all match (23)" \
		jq -e '.total == 23 and .agree == 23' <<<"$t"
	t=$(block "$out" CV-LIMBO-03 pkits/4.1 target)
	check "sigaudit limbo-harness through x-pkits: 4.1 as PKITS-4.1 [$d41]" \
		test "$(disagreements "$t")" = "$d41"
else
	echo "     (sigaudit has no limbo-harness subcommand yet: not tested here)"
fi

finish
