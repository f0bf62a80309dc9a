#!/usr/bin/env bash
# Issue 5 part 4/5: the live OCSP and CRL probes (CV-OCSP-01..08,
# CV-CRL-01..04) against the test PKI of scripts/provision-pki and the
# responders of scripts/start-ocsp, and proof that each check fails on its
# faulty variant:
#   good PKI, delegated signer              every case passes
#   no [ocsp]/[crl] in the profile          skip with the reason
#   responses signed by the CA itself       CV-OCSP-05 passes
#   signer without OCSPSigning EKU          CV-OCSP-05 fails
#   signer whose nocheck is not 0500        CV-OCSP-05 fails
#   index listing a never-issued serial     CV-OCSP-04 fails
#   nextUpdate 5 min after thisUpdate       CV-OCSP-07 fails
#   good/revoked certificates swapped       CV-OCSP-02, CV-OCSP-03 fail
#   a replayed response with an old nonce   CV-OCSP-06 fails
#   a response 1.5 s late against max_ms = 300; garbage answers CV-OCSP-08 fails
#   CRL past its nextUpdate                 CV-CRL-03 fails
#   CRL made before the revocation          CV-CRL-04 fails
#   CRL checked against the wrong issuer    CV-CRL-02 fails
#   CRL over file:// (not http)             CV-CRL-01 fails
#   HTTP 500, garbage, no answer, refused   error (one-line reason), the
#                                           run goes on
# Everything listens on 127.0.0.1 except `openssl ocsp`, which cannot bind
# one address (scripts/start-ocsp); those responders live at most
# SA_OCSP_LIFETIME seconds and the trap stops them at exit.
# shellcheck source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

command -v python3 >/dev/null || { echo "skip: no python3"; exit 77; }

pki=$SIGAUDIT_STATE/pki
fsrv_pid=
cleanup()
{
	if [ -n "$fsrv_pid" ]; then kill "$fsrv_pid" 2>/dev/null || true; fi
	"$SA_ROOT/scripts/stop-ocsp" >/dev/null 2>&1 || true
	rm -rf -- "$T_TMP"
}
trap cleanup EXIT

"$SA_ROOT/scripts/provision-pki" >/dev/null </dev/null
SA_OCSP_LIFETIME=600 "$SA_ROOT/scripts/start-ocsp" >/dev/null </dev/null
# shellcheck disable=SC1091
. "$pki/run/ports.env"

# profile NAME [KEY=VALUE ...]: a profile with [ocsp] and [crl] for the good
# PKI; each KEY=VALUE (ocsp.url, crl.issuer, ...) replaces one value, an
# empty value drops the key, "noocsp"/"nocrl" drop the section.
profile()
{
	local name=$1 f=$T_TMP/$1.ini
	shift
	declare -A v=(
		[ocsp.url]=http://127.0.0.1:$OCSP_PORT/
		[ocsp.issuer]=$pki/ca.pem
		[ocsp.good]=$pki/ee-good.pem
		[ocsp.revoked]=$pki/ee-revoked.pem
		[ocsp.signer]=""
		[ocsp.requests]=30
		[ocsp.max_ms]=""
		[ocsp.unissued]=""
		[crl.url]=http://127.0.0.1:$CRL_PORT/ca.crl
		[crl.issuer]=$pki/ca.pem
	)
	local kv sec_ocsp=true sec_crl=true
	for kv in "$@"; do
		case $kv in
		noocsp) sec_ocsp=false ;;
		nocrl) sec_crl=false ;;
		*) v[${kv%%=*}]=${kv#*=} ;;
		esac
	done
	{
		printf '[profile]\nname = probes-%s\n' "$name"
		if $sec_ocsp; then
			printf '\n[ocsp]\n'
			for k in url issuer good revoked signer requests max_ms unissued; do
				[ -n "${v[ocsp.$k]}" ] && printf '%s = %s\n' "$k" "${v[ocsp.$k]}"
			done
		fi
		if $sec_crl; then
			printf '\n[crl]\n'
			for k in url issuer; do
				[ -n "${v[crl.$k]}" ] && printf '%s = %s\n' "$k" "${v[crl.$k]}"
			done
		fi
	} >"$f"
	printf '%s\n' "$f"
}

all=CV-OCSP-01,CV-OCSP-02,CV-OCSP-03,CV-OCSP-04,CV-OCSP-05,CV-OCSP-06,CV-OCSP-07,CV-OCSP-08,CV-CRL-01,CV-CRL-02,CV-CRL-03,CV-CRL-04

# run OUT PROFILE CASES
run()
{
	"$SIGAUDIT" run --profile "$2" --suite certval --case "$3" \
		--out "$T_TMP/$1" >"$T_TMP/$1.log" 2>&1 || true
}

# expect OUT CASE VERDICT WHAT
expect()
{
	local got
	got=$(verdict "$T_TMP/$1" "$2")
	if [ "$got" = "$3" ]; then
		ok "$4: $2 $3"
	else
		bad "$4: $2 is '$got', expected $3"
		jq -c --arg id "$2" '.cases[] | select(.id == $id) | {reason, checks: [.checks[]? | select(.ok == false)]}' \
			"$T_TMP/$1/results.json" 2>/dev/null || true
	fi
}

# ---- 1. the good PKI ------------------------------------------------------
run good "$(profile good ocsp.signer="$pki/ocsp.pem")" "$all"
for id in ${all//,/ }; do
	expect good "$id" pass "good PKI"
done
note=$(jq -r '.cases[] | select(.id == "CV-OCSP-08") | .notes[]?' "$T_TMP/good/results.json" | grep -m1 p50 || true)
echo "     latency: $note"
check "raw OCSP request and response kept as evidence" \
	test -s "$T_TMP/good/evidence/CV-OCSP-01/get-response.der"
check "the CRL kept as evidence" test -s "$T_TMP/good/evidence/CV-CRL-01/crl.der"

# ---- 2. nothing configured ------------------------------------------------
run none "$(profile none noocsp nocrl)" CV-OCSP-01,CV-CRL-01,CV-CRL-04
expect none CV-OCSP-01 skip "no [ocsp]"
expect none CV-CRL-01 skip "no [crl]"
expect none CV-CRL-04 skip "no [ocsp]"

# ---- 3. faulty responders -------------------------------------------------
run casigned "$(profile casigned ocsp.url="http://127.0.0.1:$OCSP_PORT_CA/")" CV-OCSP-05
expect casigned CV-OCSP-05 pass "responses signed by the CA itself"
run unauth "$(profile unauth ocsp.url="http://127.0.0.1:$OCSP_PORT_UNAUTH/")" CV-OCSP-05
expect unauth CV-OCSP-05 fail "signer without OCSPSigning EKU"
run badext "$(profile badext ocsp.url="http://127.0.0.1:$OCSP_PORT_BADEXT/")" CV-OCSP-05
expect badext CV-OCSP-05 fail "signer with a broken nocheck extension"
unissued=$(<"$pki/unissued.txt")
run lie "$(profile lie ocsp.url="http://127.0.0.1:$OCSP_PORT_LIE/" ocsp.unissued="$unissued")" CV-OCSP-04
expect lie CV-OCSP-04 fail "responder says good for a never-issued serial"
run nolie "$(profile nolie ocsp.unissued="$unissued")" CV-OCSP-04
expect nolie CV-OCSP-04 pass "same serial, honest responder (control)"
run short "$(profile short ocsp.url="http://127.0.0.1:$OCSP_PORT_SHORT/")" CV-OCSP-07
expect short CV-OCSP-07 fail "5-minute validity interval"
run swapped "$(profile swapped ocsp.good="$pki/ee-revoked.pem" ocsp.revoked="$pki/ee-good.pem")" CV-OCSP-02,CV-OCSP-03
expect swapped CV-OCSP-02 fail "revoked certificate as [ocsp] good"
expect swapped CV-OCSP-03 fail "valid certificate as [ocsp] revoked"

# A fault server on 127.0.0.1: answers every request with a fixed body
# (replay FILE), HTTP 500, 200 + garbage, or never answers (hang).
cat >"$T_TMP/fsrv.py" <<'PY'
import http.server, socket, sys, threading
mode, arg, portfile = sys.argv[1], sys.argv[2], sys.argv[3]
body = open(arg, "rb").read() if mode == "replay" else b"\x30\x03garbage"
class H(http.server.BaseHTTPRequestHandler):
    def answer(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        if self.path.startswith("/hang"):
            threading.Event().wait(60)
            return
        if self.path.startswith("/slow"):
            threading.Event().wait(1.5)
        if self.path.startswith("/500"):
            self.send_response(500)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/ocsp-response")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    do_GET = do_POST = answer
    def log_message(self, *a):
        pass
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
s.daemon_threads = True
open(portfile, "w").write(str(s.server_address[1]))
s.serve_forever()
PY
start_fsrv()
{
	if [ -n "$fsrv_pid" ]; then
		kill "$fsrv_pid" 2>/dev/null || true
		wait "$fsrv_pid" 2>/dev/null || true
	fi
	rm -f "$T_TMP/fsrv.port"
	python3 "$T_TMP/fsrv.py" "$1" "$2" "$T_TMP/fsrv.port" &
	fsrv_pid=$!
	for _ in $(seq 50); do [ -s "$T_TMP/fsrv.port" ] && break; sleep 0.1; done
	fport=$(<"$T_TMP/fsrv.port")
}

# A pre-signed response replayed: it carries the nonce of an earlier request.
start_fsrv replay "$T_TMP/good/evidence/CV-OCSP-06/nonce-response.der"
run replay "$(profile replay ocsp.url="http://127.0.0.1:$fport/")" CV-OCSP-06
expect replay CV-OCSP-06 fail "replayed response with another nonce"

# The same valid response, 1.5 s late against a 300 ms limit ([ocsp]
# max_ms): measured, and over the limit. The margins (1.2 s over the limit,
# 3.5 s more before the client gives up) keep a loaded machine from turning
# the fail into an error or a pass.
run slow "$(profile slow ocsp.url="http://127.0.0.1:$fport/slow" ocsp.requests=1 ocsp.max_ms=300)" CV-OCSP-08
expect slow CV-OCSP-08 fail "response slower than the limit"

start_fsrv garbage -
run latgarbage "$(profile latgarbage ocsp.url="http://127.0.0.1:$fport/" ocsp.requests=3)" CV-OCSP-08
expect latgarbage CV-OCSP-08 fail "latency sample with unusable responses"
run garbage "$(profile garbage ocsp.url="http://127.0.0.1:$fport/")" CV-OCSP-02,CV-OCSP-05
expect garbage CV-OCSP-02 error "garbage instead of an OCSPResponse"
expect garbage CV-OCSP-05 error "garbage instead of an OCSPResponse"
check "the reason names the garbage" grep -q 'not a DER OCSPResponse' "$T_TMP/garbage/results.json"
run http500 "$(profile http500 ocsp.url="http://127.0.0.1:$fport/500")" CV-OCSP-02
expect http500 CV-OCSP-02 error "HTTP 500"
run hang "$(profile hang ocsp.url="http://127.0.0.1:$fport/hang")" CV-OCSP-02,CV-OCSP-03
expect hang CV-OCSP-02 error "no answer within 10 s"
expect hang CV-OCSP-03 error "no answer within 10 s (the run went on)"
kill "$fsrv_pid" 2>/dev/null || true
wait "$fsrv_pid" 2>/dev/null || true
refused=$fport
fsrv_pid=
run refused "$(profile refused ocsp.url="http://127.0.0.1:$refused/")" CV-OCSP-01
expect refused CV-OCSP-01 error "connection refused"

# ---- 4. faulty CRLs -------------------------------------------------------
run crlexp "$(profile crlexp crl.url="http://127.0.0.1:$CRL_PORT/ca-expired.crl")" CV-CRL-03
expect crlexp CV-CRL-03 fail "expired CRL"
run crlstale "$(profile crlstale crl.url="http://127.0.0.1:$CRL_PORT/ca-stale.crl")" CV-CRL-04
expect crlstale CV-CRL-04 fail "CRL that misses a revocation"
run crliss "$(profile crliss crl.issuer="$pki/root.pem")" CV-CRL-02
expect crliss CV-CRL-02 fail "CRL checked against another CA"
run crlfile "$(profile crlfile crl.url="file://$pki/crl/ca.crl")" CV-CRL-01,CV-CRL-03
expect crlfile CV-CRL-01 fail "CRL distribution point not http://"
expect crlfile CV-CRL-03 pass "file:// is read all the same"
run crlgarbage "$(profile crlgarbage crl.url="file://$T_TMP/fsrv.py")" CV-CRL-01
expect crlgarbage CV-CRL-01 error "not a DER CRL"
run crl404 "$(profile crl404 crl.url="http://127.0.0.1:$CRL_PORT/nothing.crl")" CV-CRL-01
expect crl404 CV-CRL-01 error "HTTP 404"

finish
