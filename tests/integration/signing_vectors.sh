#!/usr/bin/env bash
# Issue 4: the signature vectors (SIG-WYC-*, SIG-CAVP-*) through the reference
# SoftHSM2 token and through OpenSSL.
#
#   1. Every shared Wycheproof file ($SA_ROOT/../shared/vectors/wycheproof)
#      runs through both engines: per file, the target and the reference
#      answered every test the file declares (numberOfTests), nothing was
#      skipped or left without an answer, agree + disagree = total, and the
#      disagreements are exactly the known ones below (each listed with its
#      id). SoftHSM2 2.6.1 and OpenSSL 3.0 disagree with no Wycheproof
#      vector, so the lists are empty; a change in either shows here.
#      The DER files must exercise the harness's strict DER decoder
#      ("rejected by DER decoding" > 0), the P1363 files must not.
#   2. The NIST CAVP SigVer files (Debian python3-cryptography-vectors), same
#      assertions; K-/B-curve ECDSA records are skipped with a reason.
#   3. A bad vector directory (a truncated JSON file, a file with an unknown
#      schema, beside good files): the bad files make their case ERROR with
#      the loader's message, and the good files of the same case still run.
# Timing is printed (vectors/s per engine), never asserted.
# jq programs are single-quoted on purpose ($names are jq variables).
# shellcheck disable=SC2016
# shellcheck source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

wyc=$SA_ROOT/../shared/vectors/wycheproof
cavp=/usr/lib/python3/dist-packages/cryptography_vectors
profile=$SA_ROOT/hsm-profiles/softhsm2.ini

# Known disagreements of the reference token, "file:tcId" (none measured).
known_target=()
known_reference=()

if [ ! -d "$wyc" ]; then
	echo "skip: no Wycheproof directory at $wyc"
	exit 77
fi

out=$T_TMP/vec
code=0
"$SIGAUDIT" run --profile "$profile" --case 'SIG-WYC-*,SIG-CAVP-*' \
	--vectors "$wyc" --out "$out" >"$T_TMP/log" 2>&1 || code=$?
cat "$T_TMP/log"
R=$out/results.json
check "exit status 0 or 2 (got $code)" test "$code" -eq 0 -o "$code" -eq 2
[ -f "$R" ] || { bad "results.json written"; finish; }

# assert_file CASE SOURCE TOTAL [SKIPPED]: counts of both engines, from one
# jq call per file (lines: target, reference, timing).
assert_file()
{
	local id=$1 src=$2 total=$3 skipped=${4:-0} role want known k lines
	local t a d e s listed ids
	lines=$(jq -r --arg id "$id" --arg src "$src" '
	  first(.cases[] | select(.id == $id) | .vectors.files[]? |
	        select(.source == $src)) // empty |
	  (.target, .reference |
	   "\(.total) \(.agree) \(.disagree) \(.errors) \(.skipped) " +
	   "\((.disagreements | length) == .disagree and
	       all(.disagreements[]; (.id // "") != "")) " +
	   "\([.disagreements[].id] | sort | join(","))"),
	  "     \(.source): target \(.target.ms | floor) ms (\(.target.per_second)/s), OpenSSL \(.reference.ms | floor) ms (\(.reference.per_second)/s)"
	' "$R")
	if [ -z "$lines" ]; then
		bad "$id $src: in results.json"
		return
	fi
	for role in target reference; do
		if [ "$role" = target ]; then
			read -r t a d e s listed ids <<<"$(sed -n 1p <<<"$lines")"
			known=("${known_target[@]+"${known_target[@]}"}")
		else
			read -r t a d e s listed ids <<<"$(sed -n 2p <<<"$lines")"
			known=("${known_reference[@]+"${known_reference[@]}"}")
		fi
		check "$id $src $role: $total answered ($t), $skipped skipped ($s), no errors ($e)" \
			test "$t" -eq "$total" -a "$s" -eq "$skipped" -a "$e" -eq 0
		check "$id $src $role: agree + disagree = total ($a + $d = $t)" \
			test $((a + d)) -eq "$t"
		# Every disagreement is listed, with its id.
		check "$id $src $role: $d disagreements listed with ids" \
			test "$listed" = true
		want=$(
			for k in "${known[@]+"${known[@]}"}"; do
				[ "${k%%:*}" = "${src##*/}" ] && printf '%s\n' "${k#*:}"
			done | sort | paste -sd, -
		)
		check "$id $src $role: disagreements are the known ones [${want}] (got [${ids:-}])" \
			test "${ids:-}" = "$want"
	done
	sed -n 3p <<<"$lines"
}

# 1. Wycheproof: each file, in the case of its schema family.
declare -A family=(
	[ecdsa_p1363_verify_schema_v1.json]=SIG-WYC-ECDSA-P1363
	[ecdsa_verify_schema_v1.json]=SIG-WYC-ECDSA-DER
	[rsassa_pkcs1_verify_schema_v1.json]=SIG-WYC-RSA-PKCS1
	[rsassa_pkcs1_generate_schema_v1.json]=SIG-WYC-RSA-PKCS1
	[rsassa_pss_verify_schema_v1.json]=SIG-WYC-RSA-PSS
	[rsassa_pss_with_parameters_verify_schema.json]=SIG-WYC-RSA-PSS-PARAMS
	[eddsa_verify_schema_v1.json]=SIG-WYC-EDDSA
)
n_files=0
n_vectors=0
for f in "$wyc"/*.json; do
	schema=$(jq -r '.schema' "$f")
	id=${family[$schema]:-}
	if [ -z "$id" ]; then
		bad "${f##*/}: schema $schema has no SIG-WYC case"
		continue
	fi
	n=$(jq -r '.numberOfTests' "$f")
	n_files=$((n_files + 1))
	n_vectors=$((n_vectors + n))
	assert_file "$id" "wycheproof/${f##*/}" "$n"
done
echo "     Wycheproof: $n_files files, $n_vectors vectors"
for id in SIG-WYC-ECDSA-P1363 SIG-WYC-ECDSA-DER SIG-WYC-RSA-PKCS1 \
	SIG-WYC-RSA-PSS SIG-WYC-RSA-PSS-PARAMS SIG-WYC-EDDSA; do
	v=$(verdict "$out" "$id")
	check "$id: pass on SoftHSM2 (got $v)" test "$v" = pass
done
check "DER files: the strict DER decoder rejected vectors before the token" \
	jq -e '[.cases[] | select(.id == "SIG-WYC-ECDSA-DER") | .vectors.files[] |
	        .target.codes["rejected rejected by DER decoding"] // 0] |
	       length > 0 and all(. > 0)' "$R"
check "P1363 files: every vector reached the token" \
	jq -e '[.cases[] | select(.id == "SIG-WYC-ECDSA-P1363") | .vectors.files[] |
	        .target.codes | keys[] | select(test("DER"))] | length == 0' "$R"
check "acceptable vectors listed with the way the token went" \
	jq -e '[.cases[] | select(.id == "SIG-WYC-RSA-PKCS1") | .vectors.files[] |
	        .target.acceptable_results[] | select(.observed == "accepted" or .observed == "rejected")] | length > 0' "$R"
check "disagreements.txt evidence (with comments) for SIG-WYC-RSA-PKCS1" \
	jq -e '[.cases[] | select(.id == "SIG-WYC-RSA-PKCS1") | .evidence[]? |
	        select(.path | endswith("disagreements.txt"))] | length == 1' "$R"

# 2. NIST CAVP.
if [ -d "$cavp/asymmetric" ]; then
	assert_file SIG-CAVP-RSA-PKCS1 cavp/asymmetric/RSA/FIPS_186-2/SigVer15_186-3.rsp 450
	assert_file SIG-CAVP-RSA-PSS cavp/asymmetric/RSA/FIPS_186-2/SigVerPSS_186-3.rsp 450
	# 15 curves x 5 hashes x 15 records; the 10 K-/B-curves are skipped.
	assert_file SIG-CAVP-ECDSA cavp/asymmetric/ECDSA/FIPS_186-3/SigVer.rsp 375 750
	for id in SIG-CAVP-RSA-PKCS1 SIG-CAVP-RSA-PSS SIG-CAVP-ECDSA; do
		v=$(verdict "$out" "$id")
		check "$id: pass on SoftHSM2 (got $v)" test "$v" = pass
	done
else
	echo "skip: no $cavp (python3-cryptography-vectors): CAVP not checked"
fi

# 3. A bad vector directory: bad files cost their own vectors only.
bad_dir=$T_TMP/badvec
mkdir -p "$bad_dir"
cp -- "$wyc/ecdsa_secp256r1_sha256_p1363_test.json" "$wyc/ecdsa_secp256r1_sha256_test.json" \
	"$wyc/ed25519_test.json" "$bad_dir/"
head -c 4000 "$wyc/ecdsa_secp384r1_sha384_p1363_test.json" >"$bad_dir/ecdsa_truncated_p1363_test.json"
cat >"$bad_dir/ecdsa_unknown_schema_test.json" <<'JSON'
{"algorithm": "ECDSA", "schema": "ecdsa_frobnicate_schema_v9.json",
 "numberOfTests": 0, "header": [], "notes": {}, "testGroups": []}
JSON
out2=$T_TMP/badvec-out
code=0
"$SIGAUDIT" run --profile "$profile" --case 'SIG-WYC-ECDSA-*,SIG-WYC-EDDSA' \
	--vectors "$bad_dir" --out "$out2" >"$T_TMP/log2" 2>&1 || code=$?
cat "$T_TMP/log2"
R2=$out2/results.json
check "bad dir: exit status 1 (cases in error) (got $code)" test "$code" -eq 1
for pair in SIG-WYC-ECDSA-P1363:ecdsa_truncated_p1363_test.json \
	SIG-WYC-ECDSA-DER:ecdsa_unknown_schema_test.json; do
	id=${pair%%:*}
	bf=${pair#*:}
	v=$(verdict "$out2" "$id")
	check "bad dir: $id is error (got $v)" test "$v" = error
	check "bad dir: $id reason names $bf" \
		jq -e --arg id "$id" --arg f "$bf" \
		'.cases[] | select(.id == $id) | .reason | contains($f)' "$R2"
done
check "bad dir: unknown schema named as such" \
	jq -e '.cases[] | select(.id == "SIG-WYC-ECDSA-DER") | .reason | test("schema")' "$R2"
R=$R2
assert_file SIG-WYC-ECDSA-P1363 wycheproof/ecdsa_secp256r1_sha256_p1363_test.json 262
assert_file SIG-WYC-ECDSA-DER wycheproof/ecdsa_secp256r1_sha256_test.json 484
v=$(verdict "$out2" SIG-WYC-EDDSA)
check "bad dir: SIG-WYC-EDDSA still passes (got $v)" test "$v" = pass
finish
