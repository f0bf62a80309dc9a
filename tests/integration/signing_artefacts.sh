#!/usr/bin/env bash
# SIG-ART-01..03 (signature-service artefacts) against the samples of
# scripts/provision-signing-samples and against broken variants made here at
# test time: every good sample passes; every broken one gives the expected
# failed check (or error line) with a one-line reason, and the other
# artefacts of the same run are still checked.
# shellcheck source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

"$SA_ROOT/scripts/provision-signing-samples" >/dev/null </dev/null
S=$SIGAUDIT_STATE/samples
CASES=SIG-ART-01,SIG-ART-02,SIG-ART-03

# run NAME PROFILE: sigaudit into $T_TMP/NAME; exit status in $code.
run()
{
	out=$T_TMP/$1
	code=0
	"$SIGAUDIT" run --profile "$2" --case "$CASES" --out "$out" \
		>"$T_TMP/$1.log" 2>&1 || code=$?
}

# chk CASE "ARTEFACT: check" true|false: that check was recorded with that
# outcome (and a one-line observation).
chk()
{
	local got obs
	got=$(jq -r --arg id "$1" --arg w "$2" '[.cases[] | select(.id == $id)
		| .checks[] | select(.what == $w) | .ok | tostring] | join(",")' \
		"$out/results.json")
	obs=$(jq -r --arg id "$1" --arg w "$2" '[.cases[] | select(.id == $id)
		| .checks[] | select(.what == $w) | .observed // ""] | join(" / ")' \
		"$out/results.json")
	if [ "$got" = "$3" ] && [[ $obs != *$'\n'* ]]; then
		ok "$1 '$2' ok=$3 ($obs)"
	else
		bad "$1 '$2': want ok=$3, got '${got:-no such check}' ($obs)"
	fi
}

# verdict_is CASE VERDICT [REASON-FRAGMENT]
verdict_is()
{
	local v r
	v=$(verdict "$out" "$1")
	r=$(jq -r --arg id "$1" '.cases[] | select(.id == $id) | .reason // ""' \
		"$out/results.json")
	if [ "$v" = "$2" ] && [[ $r == *"${3-}"* ]] && [[ $r != *$'\n'* ]]; then
		ok "$1 $2${3+ (reason: $r)}"
	else
		bad "$1: want $2${3+ with \"$3\"}, got $v ($r)"
	fi
}

# note_has CASE FRAGMENT
note_has()
{
	if jq -e --arg id "$1" --arg f "$2" '[.cases[] | select(.id == $id)
		| .notes[]? | select(contains($f))] | length > 0' \
		"$out/results.json" >/dev/null; then
		ok "$1 note '$2'"
	else
		bad "$1: no note containing '$2'"
	fi
}

# ---- 1. the good samples --------------------------------------------------
run good "$SA_ROOT/tests/profiles/artefacts.ini"
cat "$T_TMP/good.log"
check "good samples: exit status 0 (got $code)" test "$code" -eq 0
for c in SIG-ART-01 SIG-ART-02 SIG-ART-03; do
	verdict_is "$c" pass
done
chk SIG-ART-01 "token-ecdsa: raw signature verifies with the expected certificate's key" true
check "ECDSA encoding reported as r||s" \
	jq -e '[.cases[] | select(.id == "SIG-ART-01") | .checks[]
		| select(.observed | test("raw r\\|\\|s"))] | length == 1' "$out/results.json"
chk SIG-ART-02 "cms-detached: ESS signing-certificate attribute names the expected certificate" true
chk SIG-ART-02 "cms-attached: expected certificate chains to the profile's CA bundle" true
note_has SIG-ART-02 "cms-attached: no ESS signing-certificate"
check "the profile's artefacts are in results.json" \
	jq -e '.profile.artefacts | length == 6' "$out/results.json"

# ---- 2. broken variants ---------------------------------------------------
V=$T_TMP/v
mkdir -p "$V"
cp "$S"/* "$V"/
# flip FILE OFFSET (negative: from the end): one byte XOR 0x01.
flip()
{
	local size off b
	size=$(stat -c %s "$1")
	off=$2
	[ "$off" -lt 0 ] && off=$((size + off))
	b=$(od -An -tu1 -j "$off" -N1 "$1" | tr -d ' ')
	printf '%b' "\\$(printf '%03o' $((b ^ 1)))" |
		dd of="$1" bs=1 seek="$off" conv=notrunc status=none
}

# openssl, its messages shown only when it fails (set -e then stops the test).
o()
{
	openssl "$@" 2>"$T_TMP/openssl.err" || {
		sed 's/^/  /' "$T_TMP/openssl.err" >&2
		bad "openssl $1 failed while making the broken variants"
		return 1
	}
}

make_variants()
{
	cd "$V"
	cp raw-rsa-pss.sig flip-raw.sig
	flip flip-raw.sig 100
	# The SignerInfo's signature value is the last element of a DER
	# SignedData without unsigned attributes: its last byte is the
	# signature's.
	cp cms-detached.p7s flip-cms.p7s
	flip flip-cms.p7s -1
	{ cat data.txt; echo "one more line"; } >data-changed.txt
	o cms -sign -binary -md sha1 -signer signer-rsa.pem \
		-inkey signer-rsa.key -in data.txt -outform DER -out sha1.p7s
	o genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out rsa1024.key
	printf '%s\n' "keyUsage=critical,digitalSignature" >ee.ext
	o req -new -key rsa1024.key -subj "/CN=weak signer" -out rsa1024.csr
	o x509 -req -in rsa1024.csr -CA ca.pem -CAkey ca.key -set_serial 7777 \
		-days 30 -extfile ee.ext -out rsa1024.pem
	o cms -sign -binary -md sha256 -signer rsa1024.pem -inkey rsa1024.key \
		-in data.txt -outform DER -out rsa1024.p7s
	o cms -sign -binary -noattr -md sha256 -signer signer-rsa.pem \
		-inkey signer-rsa.key -in data.txt -outform DER -out noattr.p7s
	# A streaming signer's BER (indefinite lengths), attached: valid.
	o cms -sign -binary -stream -nodetach -md sha256 -signer signer-rsa.pem \
		-inkey signer-rsa.key -in data.txt -outform DER -out ber.p7s
	# Two signers: the expected one and another.
	o cms -sign -binary -md sha256 -signer signer-rsa.pem \
		-inkey signer-rsa.key -signer signer-ec.pem -inkey signer-ec.key \
		-in data.txt -outform DER -out two-signers.p7s
	# ECDSA with SHA-1: digest and signature algorithm outside the policy.
	o cms -sign -binary -md sha1 -signer signer-ec.pem -inkey signer-ec.key \
		-in data.txt -outform DER -out sha1-ec.p7s
	# The content-type attribute says signedData over id-data content
	# (RFC 5652 §11.1 broken; the signature over the attributes breaks too).
	LC_ALL=C perl -0777 -pe 's/(\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x09\x03\x31\x0b\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07)\x01/${1}\x02/' \
		cms-detached.p7s >ct-mismatch.p7s
	cmp -s cms-detached.p7s ct-mismatch.p7s && return 1
	# A certificate for the EC signer's key that does not allow signing.
	o pkey -in signer-ec.key -pubout -out signer-ec.pub
	printf '%s\n' "keyUsage=critical,keyAgreement" >ka.ext
	o x509 -new -subj "/CN=key agreement only" -force_pubkey signer-ec.pub \
		-CA ca.pem -CAkey ca.key -set_serial 7778 -days 30 \
		-extfile ka.ext -out ku-bad.pem
	: >empty.sig
	head -c 63 raw-ecdsa.sig >short-ecdsa.sig
	head -c 700 cms-detached.p7s >truncated.p7s
	# Not a SEQUENCE, so never DER by chance.
	{ printf 'X'; head -c 1200 /dev/urandom; } >garbage.p7s
	# Junk inside the base64 body of an otherwise good PEM.
	awk 'NR == 3 { print "!!junk!!" } { print }' cms-attached.pem >pem-junk.pem
	# Explanatory text before the block: RFC 7468 §2 lets parsers skip it.
	{ echo "Signed by the service on request 42"; cat cms-attached.pem; } \
		>pem-text.pem
	# ECDSA signature in DER (Ecdsa-Sig-Value) made with a software key.
	o dgst -sha256 -sign signer-ec.key -out ecdsa-der.sig data.txt
	o req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout other-ca.key -out other-ca.pem -subj "/CN=another CA" \
		-days 30
}
# A subshell for the cd; a failure inside stops the test (set -e).
(make_variants)

cat >"$T_TMP/broken.ini" <<INI
[profile]
name = artefacts-broken
[environment]
SOFTHSM2_CONF = \${SIGAUDIT_STATE}/softhsm/softhsm2.conf
[pkcs11]
module = /usr/lib/softhsm/libsofthsm2.so
token = pkcs11:token=sigaudit-demo
[artefact flip-raw]
type = raw
file = $V/flip-raw.sig
data = $V/data.txt
cert = $V/token-rsa.pem
mechanism = rsa-pss-sha256
[artefact flip-cms]
type = cms
file = $V/flip-cms.p7s
data = $V/data.txt
cert = $V/signer-rsa.pem
[artefact changed-cms]
type = cms
file = $V/cms-detached.p7s
data = $V/data-changed.txt
cert = $V/signer-rsa.pem
[artefact changed-raw]
type = raw
file = $V/raw-ed25519.sig
data = $V/data-changed.txt
cert = $V/token-ed25519.pem
mechanism = ed25519
[artefact changed-attached]
type = cms
file = $V/cms-attached.pem
data = $V/data-changed.txt
cert = $V/signer-ec.pem
[artefact wrong-cert-cms]
type = cms
file = $V/cms-detached.p7s
data = $V/data.txt
cert = $V/token-rsa.pem
[artefact wrong-cert-raw]
type = raw
file = $V/raw-ecdsa.sig
data = $V/data.txt
cert = $V/signer-ec.pem
mechanism = ecdsa-sha256
[artefact wrong-mech]
type = raw
file = $V/raw-ed25519.sig
data = $V/data.txt
cert = $V/token-ed25519.pem
mechanism = ecdsa-sha256
[artefact sha1-cms]
type = cms
file = $V/sha1.p7s
data = $V/data.txt
cert = $V/signer-rsa.pem
[artefact rsa1024-cms]
type = cms
file = $V/rsa1024.p7s
data = $V/data.txt
cert = $V/rsa1024.pem
[artefact noattr-cms]
type = cms
file = $V/noattr.p7s
data = $V/data.txt
cert = $V/signer-rsa.pem
[artefact ber-cms]
type = cms
file = $V/ber.p7s
cert = $V/signer-rsa.pem
[artefact two-signers]
type = cms
file = $V/two-signers.p7s
data = $V/data.txt
cert = $V/signer-rsa.pem
[artefact sha1-ec]
type = cms
file = $V/sha1-ec.p7s
data = $V/data.txt
cert = $V/signer-ec.pem
[artefact ct-mismatch]
type = cms
file = $V/ct-mismatch.p7s
data = $V/data.txt
cert = $V/signer-rsa.pem
[artefact ku-bad]
type = raw
file = $V/ecdsa-der.sig
data = $V/data.txt
cert = $V/ku-bad.pem
mechanism = ecdsa-sha256
[artefact empty-raw]
type = raw
file = $V/empty.sig
data = $V/data.txt
cert = $V/token-rsa.pem
mechanism = rsa-pkcs1-sha256
[artefact short-ecdsa]
type = raw
file = $V/short-ecdsa.sig
data = $V/data.txt
cert = $V/token-ec.pem
mechanism = ecdsa-sha256
[artefact truncated]
type = cms
file = $V/truncated.p7s
data = $V/data.txt
cert = $V/signer-rsa.pem
[artefact garbage]
type = cms
file = $V/garbage.p7s
data = $V/data.txt
cert = $V/signer-rsa.pem
[artefact pem-junk]
type = cms
file = $V/pem-junk.pem
cert = $V/signer-ec.pem
[artefact pem-text]
type = cms
file = $V/pem-text.pem
cert = $V/signer-ec.pem
[artefact ecdsa-der]
type = raw
file = $V/ecdsa-der.sig
data = $V/data.txt
cert = $V/signer-ec.pem
mechanism = ecdsa-sha256
[artefact other-chain]
type = cms
file = $V/cms-detached.p7s
data = $V/data.txt
cert = $V/signer-rsa.pem
chain = $V/other-ca.pem
[artefact before-validity]
type = raw
file = $V/raw-rsa-pkcs1.sig
data = $V/data.txt
cert = $V/token-rsa.pem
mechanism = rsa-pkcs1-sha256
chain = $V/ca.pem
at = 2001-01-01T00:00:00Z
INI

run broken "$T_TMP/broken.ini"
check "broken variants: exit status 2 (got $code)" test "$code" -eq 2
A1=SIG-ART-01
A2=SIG-ART-02
A3=SIG-ART-03
for c in $A1 $A2 $A3; do
	verdict_is "$c" fail "checks failed; first: "
done
VER="raw signature verifies with the expected certificate's key"
CMSV="CMS_verify accepts it with the expected certificate as signer"
MD="message-digest attribute matches the content"
SIGA="signature over the signed attributes verifies with the expected key"
chk $A1 "flip-raw: $VER" false
chk $A1 "flip-cms: $CMSV" false
chk $A1 "flip-cms: $SIGA" false
chk $A1 "flip-cms: $MD" true
chk $A1 "changed-cms: $CMSV" false
chk $A1 "changed-cms: $MD" false
chk $A1 "changed-cms: $SIGA" true
chk $A1 "changed-raw: $VER" false
chk $A1 "changed-attached: content inside the CMS equals the data file" false
chk $A1 "wrong-cert-cms: $CMSV" false
chk $A2 "wrong-cert-cms: SignerInfo names the expected certificate" false
chk $A2 "wrong-cert-cms: certificate carried for the signer has the expected public key" false
chk $A2 "wrong-cert-cms: ESS signing-certificate attribute names the expected certificate" false
chk $A1 "wrong-cert-raw: $VER" false
chk $A1 "wrong-mech: mechanism fits the certificate's key" false
chk $A1 "sha1-cms: $CMSV" true
chk $A3 "sha1-cms: digest algorithm is SHA-2" false
chk $A3 "sha1-cms: signer key meets the policy" true
chk $A1 "rsa1024-cms: $CMSV" true
chk $A3 "rsa1024-cms: signer key meets the policy" false
chk $A3 "rsa1024-cms: digest algorithm is SHA-2" true
chk $A1 "noattr-cms: $CMSV" true
chk $A3 "noattr-cms: signed attributes are present" false
chk $A1 "truncated: signature file parses as CMS SignedData" false
chk $A1 "garbage: signature file parses as CMS SignedData" false
chk $A1 "pem-junk: signature file parses as CMS SignedData" false
chk $A1 "pem-text: signature file parses as CMS SignedData" true
chk $A1 "pem-text: $CMSV" true
chk $A1 "ecdsa-der: $VER" true
chk $A1 "ber-cms: signature file parses as CMS SignedData" true
chk $A1 "ber-cms: $CMSV" true
check "BER CMS reported as such" \
	jq -e '[.cases[] | select(.id == "SIG-ART-01") | .checks[]
		| select(.what | startswith("ber-cms:"))
		| select(.observed | contains("BER (indefinite length)"))] | length == 2' \
	"$out/results.json"
check "ECDSA DER encoding reported" \
	jq -e '[.cases[] | select(.id == "SIG-ART-01") | .checks[]
		| select(.what | startswith("ecdsa-der:"))
		| select(.observed | contains("DER Ecdsa-Sig-Value"))] | length == 1' \
	"$out/results.json"
chk $A2 "two-signers: exactly one SignerInfo" false
chk $A1 "two-signers: $CMSV" false
chk $A3 "sha1-ec: digest algorithm is SHA-2" false
chk $A3 "sha1-ec: signature algorithm is within the policy" false
chk $A1 "ct-mismatch: content-type attribute equals eContentType" false
chk $A1 "ct-mismatch: $MD" true
chk $A2 "ku-bad: expected certificate's keyUsage allows signing" false
chk $A1 "ku-bad: $VER" true
chk $A1 "empty-raw: signature file is not empty" false
chk $A1 "short-ecdsa: $VER" false
chk $A2 "other-chain: expected certificate chains to the profile's CA bundle" false
chk $A2 "other-chain: SignerInfo names the expected certificate" true
chk $A2 "before-validity: expected certificate is within its validity period at the signing time" false
chk $A2 "before-validity: expected certificate chains to the profile's CA bundle" false
# Unparsable files cannot be judged for identity or policy: one line each.
note_has $A2 "truncated: not checked: the signature file does not parse"
note_has $A3 "garbage: not checked: the signature file does not parse"
# The run went on: every artefact that parses has its checks in SIG-ART-03.
n3=$(jq '[.cases[] | select(.id == "SIG-ART-03") | .checks[]
	| select(.what | endswith("signer key meets the policy"))] | length' \
	"$out/results.json")
check "SIG-ART-03 judged the 21 parsable artefacts ($n3)" test "$n3" -eq 21

# ---- 3. errors: could not decide ----------------------------------------------
cat >"$T_TMP/missing.ini" <<INI
[pkcs11]
module = /usr/lib/softhsm/libsofthsm2.so
[artefact missing]
type = cms
file = $V/no-such-file.p7s
data = $V/data.txt
cert = $V/signer-rsa.pem
[artefact bad-cert]
type = raw
file = $V/raw-rsa-pss.sig
data = $V/data.txt
cert = $V/data.txt
mechanism = rsa-pss-sha256
[artefact detached-no-data]
type = cms
file = $V/cms-detached.p7s
cert = $V/signer-rsa.pem
[artefact fine]
type = raw
file = $V/raw-rsa-pss.sig
data = $V/data.txt
cert = $V/token-rsa.pem
mechanism = rsa-pss-sha256
INI
run missing "$T_TMP/missing.ini"
# Error verdicts (could not decide) make the run's status 1, not 2.
check "unreadable inputs: exit status 1 (got $code)" test "$code" -eq 1
verdict_is $A1 error "3 of 4 artefacts could not be checked; first: missing: file"
note_has $A1 "bad-cert: not checked: cert"
note_has $A1 "detached-no-data: not checked: detached CMS"
chk $A1 "fine: $VER" true

# ---- 4. no artefacts: skip with the reason --------------------------------
# A profile with neither artefacts nor a PKCS#11 module: these cases need no
# module, so the run goes ahead and only they decide.
printf '[profile]\nname = none\n' >"$T_TMP/none.ini"
run none "$T_TMP/none.ini"
check "no module, no artefacts: exit status 0 (got $code)" test "$code" -eq 0
verdict_is $A1 skip "the profile names no signature artefacts"
finish
