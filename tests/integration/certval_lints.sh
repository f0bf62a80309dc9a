#!/usr/bin/env bash
# CV-PKI-01..03 (the audited CA's own hierarchy, profile [pki]) on a small
# hierarchy made here with the openssl CLI: a root, an issuing CA, three end
# entities (a signing certificate, a TSA and a delegated OCSP signer), a
# revoked one, and a CRL from each CA. The good hierarchy passes every lint;
# each broken variant changes one thing and the test asserts that the
# matching lint check(s) fail and every other lint check holds.
# shellcheck source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CASES=CV-PKI-01,CV-PKI-02,CV-PKI-03
W=$T_TMP/pki
mkdir -p "$W"
# The validation time: two hours from now (the "expired CRL" variant has a
# CRL good for one hour).
AT=$(date -u -d '+2 hours' +%Y-%m-%dT%H:%M:%SZ)

cat >"$W/ext.cnf" <<'EOF'
[req]
distinguished_name = dn
[dn]
[root]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ca]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ca_bc_noncritical]
basicConstraints = CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ca_no_ski]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = none
authorityKeyIdentifier = keyid:always
[ca_no_ku]
basicConstraints = critical, CA:TRUE, pathlen:0
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ee]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ee_no_aki]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
subjectKeyIdentifier = hash
# OpenSSL 3 "x509 -req" adds an AKI unless told not to.
authorityKeyIdentifier = none
[ee_unknown_critical]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
1.3.6.1.4.1.99999.7 = critical, ASN1:NULL
[ee_bad_ku]
basicConstraints = critical, CA:FALSE
keyUsage = critical, DER:05:00
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[tsa]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = critical, timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[tsa_noncritical]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ocsp]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = OCSPSigning
noCheck = ignored
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ocsp_nocheck_missing]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = OCSPSigning
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EOF

eckey()
{
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
		-out "$1" 2>/dev/null
}

# A random positive 128-bit serial (CA/B BR §7.1).
rserial()
{
	echo "0x4$(openssl rand -hex 15)"
}

# issue OUT KEY SUBJECT CA-CERT CA-KEY EXT-SECTION; SER, DAYS, MD override.
issue()
{
	openssl req -new -key "$2" -subj "$3" -config "$W/ext.cnf" \
		-out "$1.csr" 2>/dev/null
	openssl x509 -req -in "$1.csr" -CA "$4" -CAkey "$5" \
		-extfile "$W/ext.cnf" -extensions "$6" \
		-set_serial "${SER:-$(rserial)}" -days "${DAYS:-365}" \
		"-${MD:-sha256}" -out "$1" 2>/dev/null
	rm -f "$1.csr"
}

# crl DIR CA-CERT CA-KEY OUT [REVOKE-CERT REASON]; NOCRLNUM, NOAKI, CRLOPT.
crl()
{
	local d=$1/db.$RANDOM$RANDOM
	mkdir -p "$d"
	: >"$d/index"
	{
		echo "[ca]"
		echo "default_ca = c"
		echo "[c]"
		echo "database = $d/index"
		[ -n "${NOCRLNUM-}" ] || echo "crlnumber = $d/crlnumber"
		echo "default_md = sha256"
		echo "default_crl_days = 7"
		[ -n "${NOAKI-}" ] || echo "crl_extensions = crlx"
		echo "[crlx]"
		echo "authorityKeyIdentifier = keyid:always"
		echo "${CRLX-}"
	} >"$d/ca.cnf"
	echo 1000 >"$d/crlnumber"
	if [ $# -ge 6 ]; then
		openssl ca -config "$d/ca.cnf" -cert "$2" -keyfile "$3" \
			-revoke "$5" -crl_reason "$6" >/dev/null 2>&1
	fi
	# shellcheck disable=SC2086 # CRLOPT is a list of options
	openssl ca -config "$d/ca.cnf" -cert "$2" -keyfile "$3" -gencrl \
		${CRLOPT:--crldays 7} -out "$4" >/dev/null 2>&1
}

# resign IN OUT KEY EXPR: IN (DER certificate or CRL) re-signed with KEY
# after the perl expression EXPR edited its to-be-signed content ($_).
resign()
{
	local w=$2.work
	EXPR=$4 perl -0777 -e '
		sub hdr { my $l = ord(substr($_[0], 1, 1)); return (2, $l) if $l < 128;
			my ($k, $n) = ($l & 127, 0);
			$n = $n * 256 + ord(substr($_[0], 2 + $_, 1)) for 0 .. $k - 1;
			return (2 + $k, $n) }
		sub len { my $n = shift; return chr($n) if $n < 128; my $b = "";
			while ($n) { $b = chr($n & 255) . $b; $n >>= 8 }
			return chr(128 | length $b) . $b }
		my $d = <STDIN>; my ($h, $n) = hdr($d); my $body = substr($d, $h, $n);
		my ($th, $tn) = hdr($body);
		$_ = substr($body, $th, $tn);
		my $rest = substr($body, $th + $tn);
		my ($ah, $an) = hdr($rest);
		eval $ENV{EXPR}; die $@ if $@;
		open(my $t, ">", "$ARGV[0].tbs") or die; print $t "\x30" . len(length $_) . $_;
		open(my $a, ">", "$ARGV[0].alg") or die; print $a substr($rest, 0, $ah + $an);
	' "$w" <"$1"
	openssl dgst -sha256 -sign "$3" -out "$w.sig" "$w.tbs"
	perl -0777 -e '
		sub len { my $n = shift; return chr($n) if $n < 128; my $b = "";
			while ($n) { $b = chr($n & 255) . $b; $n >>= 8 }
			return chr(128 | length $b) . $b }
		local $/; my @p;
		for my $f (@ARGV) { open(my $h, "<", $f) or die; push @p, scalar <$h> }
		my $bits = "\x00" . $p[2];
		my $c = $p[0] . $p[1] . "\x03" . len(length $bits) . $bits;
		print "\x30" . len(length $c) . $c;
	' "$w.tbs" "$w.alg" "$w.sig" >"$2"
	rm -f "$w.tbs" "$w.alg" "$w.sig"
}

# build VARIANT DIR: the hierarchy with one thing broken, and DIR/p.ini.
build()
{
	local v=$1 d=$2 caext=ca ee1ext=ee tsaext=tsa ocspext=ocsp
	local ee1ca=$2/ca.pem ee1cakey=$2/ca.key ee1key=$2/ee1.key
	local ser1="" ser2="" md1=sha256 days1=365 reason=keyCompromise
	local crlca=$2/ca.pem crlkey=$2/ca.key crlx=""
	mkdir -p "$d/certs" "$d/crls"
	eckey "$d/root.key"
	eckey "$d/ca.key"
	eckey "$d/ee1.key"
	eckey "$d/ee.key"
	case $v in
	bc-noncritical) caext=ca_bc_noncritical ;;
	ku-missing) caext=ca_no_ku ;;
	serial-size) ser1=0x7f$(openssl rand -hex 20) ;;
	serial-repeated)
		ser1=$(rserial)
		ser2=$ser1
		;;
	serial-1byte) ser1=0x01 ser2=0x02 ;;
	serial-sequential)
		ser1=0x4a5b6c7d8e9f0001
		ser2=0x4a5b6c7d8e9f0002
		;;
	aki-missing) ee1ext=ee_no_aki ;;
	unknown-critical) ee1ext=ee_unknown_critical ;;
	ext-decode) ee1ext=ee_bad_ku ;;
	rsa-1024)
		openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 \
			-out "$d/ee1.key" 2>/dev/null
		;;
	sha1) md1=sha1 ;;
	validity-order) days1=-1 ;;
	ee-lifetime) days1=2200 ;;
	tsa-eku) tsaext=tsa_noncritical ;;
	ocsp-nocheck) ocspext=ocsp_nocheck_missing ;;
	name-chaining)
		# ee1 issued by a CA that is not in [pki].
		eckey "$d/stray.key"
		openssl req -x509 -new -key "$d/stray.key" \
			-subj "/CN=sigaudit lint stray CA" -config "$W/ext.cnf" \
			-extensions root -days 30 -out "$d/stray.pem" 2>/dev/null
		ee1ca=$d/stray.pem ee1cakey=$d/stray.key
		;;
	crl-wrong-key)
		# Same issuer name as the CA, another key.
		eckey "$d/stray.key"
		openssl req -x509 -new -key "$d/stray.key" \
			-subj "/CN=sigaudit lint CA" -config "$W/ext.cnf" \
			-extensions root -days 30 -out "$d/stray.pem" 2>/dev/null
		crlca=$d/stray.pem crlkey=$d/stray.key
		;;
	crl-issuer)
		eckey "$d/stray.key"
		openssl req -x509 -new -key "$d/stray.key" \
			-subj "/CN=sigaudit lint stray CA" -config "$W/ext.cnf" \
			-extensions root -days 30 -out "$d/stray.pem" 2>/dev/null
		crlca=$d/stray.pem crlkey=$d/stray.key
		;;
	crl-reason) reason=removeFromCRL ;;
	crl-v1) ;;
	crl-unknown-critical) crlx="1.3.6.1.4.1.99999.8 = critical, ASN1:NULL" ;;
	esac
	openssl req -x509 -new -key "$d/root.key" \
		-subj "/CN=sigaudit lint root" -config "$W/ext.cnf" \
		-extensions root -set_serial "$(rserial)" -days 3650 \
		-sha256 -out "$d/root.pem" 2>/dev/null
	DAYS=1825 issue "$d/ca.pem" "$d/ca.key" "/CN=sigaudit lint CA" \
		"$d/root.pem" "$d/root.key" "$caext"
	SER=$ser1 DAYS=$days1 MD=$md1 issue "$d/certs/ee1.pem" "$ee1key" \
		"/CN=sigaudit lint signer" "$ee1ca" "$ee1cakey" "$ee1ext"
	SER=$ser2 issue "$d/certs/tsa.pem" "$d/ee.key" "/CN=sigaudit lint TSA" \
		"$d/ca.pem" "$d/ca.key" "$tsaext"
	issue "$d/certs/ocsp.pem" "$d/ee.key" "/CN=sigaudit lint OCSP" \
		"$d/ca.pem" "$d/ca.key" "$ocspext"
	issue "$d/revoked.pem" "$d/ee.key" "/CN=sigaudit lint revoked" \
		"$d/ca.pem" "$d/ca.key" ee
	cp "$d/ca.pem" "$d/inter.pem"
	if [ "$v" = pathlen ]; then
		# The CA has pathLenConstraint 0 and issues another CA.
		eckey "$d/sub.key"
		issue "$d/sub.pem" "$d/sub.key" "/CN=sigaudit lint sub-CA" \
			"$d/ca.pem" "$d/ca.key" ca
		cat "$d/sub.pem" >>"$d/inter.pem"
	fi
	if [ "$v" = ski-missing ]; then
		# A second issuing CA, under the root, without an SKI.
		eckey "$d/sub.key"
		issue "$d/sub.pem" "$d/sub.key" "/CN=sigaudit lint CA 2" \
			"$d/root.pem" "$d/root.key" ca_no_ski
		cat "$d/sub.pem" >>"$d/inter.pem"
	fi
	# DER surgery on ee1 (signature no longer verifies: name-chaining
	# fails with it): version 3 -> 1 with its extensions kept; the outer
	# signatureAlgorithm ecdsa-with-SHA256 -> SHA384.
	case $v in
	validity-encoding)
		# notAfter (2027) as GeneralizedTime, re-signed by the CA.
		openssl x509 -in "$d/certs/ee1.pem" -outform DER \
			-out "$d/ee1.der"
		# shellcheck disable=SC2016 # perl code
		resign "$d/ee1.der" "$d/certs/ee1.der" "$d/ca.key" \
			's/\x30\x1e\x17\x0d(.{13})\x17\x0d(.{13})/"\x30\x20\x17\x0d$1\x18\x0f20$2"/se'
		rm -f "$d/certs/ee1.pem"
		;;
	version-v1 | sigalg-mismatch)
		openssl x509 -in "$d/certs/ee1.pem" -outform DER \
			-out "$d/ee1.der"
		if [ "$v" = version-v1 ]; then
			perl -0777 -pe 's/\xa0\x03\x02\x01\x02/\xa0\x03\x02\x01\x00/' \
				"$d/ee1.der" >"$d/certs/ee1.der"
		else
			perl -0777 -pe 's/(.*)\x2a\x86\x48\xce\x3d\x04\x03\x02/$1\x2a\x86\x48\xce\x3d\x04\x03\x03/s' \
				"$d/ee1.der" >"$d/certs/ee1.der"
		fi
		rm -f "$d/certs/ee1.pem"
		;;
	esac
	crl "$d" "$d/root.pem" "$d/root.key" "$d/crls/root.crl"
	case $v in
	crl-expired) CRLOPT="-crlhours 1" crl "$d" "$crlca" "$crlkey" \
		"$d/crls/ca.crl" "$d/revoked.pem" "$reason" ;;
	crl-no-number) NOCRLNUM=1 crl "$d" "$crlca" "$crlkey" \
		"$d/crls/ca.crl" "$d/revoked.pem" "$reason" ;;
	crl-no-aki) NOAKI=1 crl "$d" "$crlca" "$crlkey" "$d/crls/ca.crl" \
		"$d/revoked.pem" "$reason" ;;
	crl-wrong-key | crl-issuer)
		# The real CA CRL stays, so paths still validate.
		crl "$d" "$d/ca.pem" "$d/ca.key" "$d/crls/ca.crl"
		crl "$d" "$crlca" "$crlkey" "$d/crls/bad.crl" \
			"$d/revoked.pem" "$reason"
		;;
	crl-no-next-update | crl-duplicates)
		crl "$d" "$crlca" "$crlkey" "$d/ca.crl" "$d/revoked.pem" "$reason"
		openssl crl -in "$d/ca.crl" -outform DER -out "$d/ca.der"
		if [ "$v" = crl-no-next-update ]; then
			# shellcheck disable=SC2016 # perl code
			resign "$d/ca.der" "$d/crls/ca.der" "$crlkey" \
				's/(\x17\x0d.{13})\x17\x0d.{13}/$1/s'
		else
			# The one entry of revokedCertificates, twice.
			# shellcheck disable=SC2016 # perl code
			resign "$d/ca.der" "$d/crls/ca.der" "$crlkey" '
				/\x17\x0d.{13}\x17\x0d.{13}/sg or die;
				my $p = pos($_);
				my $l = ord(substr($_, $p + 1, 1));
				my $e = substr($_, $p + 2, $l);
				substr($_, $p, 2 + $l) = "\x30" . chr(2 * $l) . $e . $e;'
		fi
		;;
	crl-v1)
		# v2 -> v1 with the extensions kept (the signature breaks too).
		crl "$d" "$crlca" "$crlkey" "$d/ca.crl" "$d/revoked.pem" "$reason"
		openssl crl -in "$d/ca.crl" -outform DER |
			perl -0777 -pe 's/\x02\x01\x01/\x02\x01\x00/' \
				>"$d/crls/ca.der"
		;;
	*) CRLX=$crlx crl "$d" "$crlca" "$crlkey" "$d/crls/ca.crl" \
		"$d/revoked.pem" "$reason" ;;
	esac
	cat >"$d/p.ini" <<EOF
[profile]
name = lints-$v
[pki]
anchors = root.pem
intermediates = inter.pem
certs = certs
crls = crls
at = $AT
EOF
}

# run NAME PROFILE: sigaudit into $T_TMP/NAME; exit status in $code.
run()
{
	out=$T_TMP/out.$1
	code=0
	"$SIGAUDIT" run --profile "$2" --case "$CASES" --out "$out" \
		>"$T_TMP/$1.log" 2>&1 || code=$?
}

# lints_fail VARIANT NAME...: in CV-PKI-02/03 the checks named [NAME] fail,
# every other lint check holds.
lints_fail()
{
	local v=$1 line name okv want
	shift
	local -A fail=()
	local -A seen=()
	for name in "$@"; do fail[$name]=1; done
	while IFS=$'\t' read -r name okv; do
		seen[$name]=1
		want=true
		[ -z "${fail[$name]-}" ] || want=false
		if [ "$okv" != "$want" ]; then
			line=$(jq -r --arg n "[$name]" '.cases[].checks[]?
				| select(.what | startswith($n)) | .observed' \
				"$out/results.json" | head -1)
			bad "$v: [$name] ok=$okv, want $want ($line)"
			return
		fi
	done < <(jq -r '.cases[] | select(.id == "CV-PKI-02" or
		.id == "CV-PKI-03") | .checks[] | [(.what | capture("^\\[(?<n>[a-z0-9-]+)\\]").n),
		(.ok | tostring)] | @tsv' "$out/results.json")
	for name in "$@"; do
		if [ -z "${seen[$name]-}" ]; then
			bad "$v: no check [$name] recorded"
			return
		fi
	done
	ok "$v: [$*] fail, the other lints hold"
}

# --- no [pki]: skip with the reason ----------------------------------------
printf '[profile]\nname = nopki\n' >"$W/nopki.ini"
run nopki "$W/nopki.ini"
for id in CV-PKI-01 CV-PKI-02 CV-PKI-03; do
	r=$(jq -r --arg id "$id" '.cases[] | select(.id == $id)
		| "\(.verdict) \(.reason // "")"' "$out/results.json")
	if [[ $r == "skip the profile has no [pki] section"* ]]; then
		ok "no [pki]: $id skip"
	else
		bad "no [pki]: $id: $r"
	fi
done

# --- the good hierarchy: every case passes ---------------------------------
build good "$W/good"
run good "$W/good/p.ini"
for id in CV-PKI-01 CV-PKI-02 CV-PKI-03; do
	v=$(verdict "$out" "$id")
	if [ "$v" = pass ]; then
		ok "good: $id pass"
	else
		bad "good: $id $v: $(jq -c --arg id "$id" '.cases[]
			| select(.id == $id) | [.reason, (.checks[]?
			| select(.ok == false) | .observed)]' "$out/results.json")"
	fi
done
check "good: the chains are evidence" \
	grep -q 'sigaudit lint root' "$out/evidence/CV-PKI-01/chains.txt"
if [ "$code" -eq 0 ]; then ok "good: exit 0"; else bad "good: exit $code"; fi

# --- one broken thing each -------------------------------------------------
while read -r v names; do
	[ -n "$v" ] || continue
	echo "# variant $v"
	build "$v" "$W/$v"
	run "$v" "$W/$v/p.ini"
	# shellcheck disable=SC2086 # names is a list
	lints_fail "$v" $names
	[ "$code" -eq 2 ] || bad "$v: exit $code, want 2"
done <<'EOF'
serial-size serial-size
serial-1byte serial-entropy serial-sequential
serial-sequential serial-sequential
aki-missing aki
bc-noncritical ca-basic-constraints
ku-missing ca-key-usage
unknown-critical unknown-critical
ext-decode ext-decode
rsa-1024 key-size
sha1 sig-hash
validity-order validity-order
ee-lifetime ee-lifetime
tsa-eku tsa-eku
ocsp-nocheck ocsp-signer
name-chaining name-chaining
crl-expired crl-current
crl-no-number crl-number
crl-no-aki crl-aki
crl-wrong-key crl-signature crl-aki
crl-issuer crl-issuer
crl-reason crl-reasons
crl-unknown-critical crl-unknown-critical
crl-v1 crl-version crl-signature
crl-no-next-update crl-dates
crl-duplicates crl-duplicates
validity-encoding validity-encoding
serial-repeated serial-unique
ski-missing ca-ski
pathlen pathlen
version-v1 version name-chaining
sigalg-mismatch sigalg-match name-chaining
EOF

# Path validation sees the breaks a relying party sees.
for v in name-chaining unknown-critical crl-expired; do
	out=$T_TMP/out.$v
	v1=$(verdict "$out" CV-PKI-01)
	if [ "$v1" = fail ]; then
		ok "$v: CV-PKI-01 fail"
	else
		bad "$v: CV-PKI-01 $v1, want fail"
	fi
done

finish
