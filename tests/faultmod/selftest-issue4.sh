#!/usr/bin/env bash
# Self-test of the issue-4 named faults of libsa_faultmod.so (README.md,
# "Self-test"): for each fault, sa_fm_issue4 runs its scenario through the
# module over the SoftHSM2 test token once with SA_FAULT set to the fault
# (its effect must show) and once with SA_FAULT unset (the rule must hold).
#
#   selftest-issue4.sh SA_FM_ISSUE4 LIBSA_FAULTMOD REPO_ROOT [FAULT...]
#
# SIGAUDIT_STATE: the token store (provisioned by scripts/provision-softhsm
# when missing). Output: the driver's "ok/FAIL" lines, then one line per run
# and "N passed, M failed"; exit status 0 only when M is 0.
set -euo pipefail

if [ $# -lt 3 ]; then
	echo "usage: $(basename "$0") SA_FM_ISSUE4 LIBSA_FAULTMOD REPO_ROOT [FAULT...]" >&2
	exit 64
fi
driver=$(realpath -- "$1")
faultmod=$(realpath -- "$2")
root=$(realpath -- "$3")
shift 3
faults=("$@")
if [ ${#faults[@]} -eq 0 ]; then
	faults=(verify-accepts-modified verify-op-stays-active
		sign-size-query-ends-op ecdsa-sig-der ecdsa-sig-stripped
		data-len-unchecked rsa-keygen-e3 rsa-keygen-shared-prime
		rsa-keygen-small-factor rsa-keygen-roca ecdsa-nonce-reuse)
fi
: "${SIGAUDIT_STATE:?SIGAUDIT_STATE must name the token state directory}"
export SIGAUDIT_STATE
"$root/scripts/provision-softhsm" >/dev/null </dev/null
export SOFTHSM2_CONF=$SIGAUDIT_STATE/softhsm/softhsm2.conf
pin=$SIGAUDIT_STATE/softhsm/user.pin

pass=0
fail=0
run()
{
	local label=$1
	shift
	if "$@"; then
		pass=$((pass + 1))
		echo "ok   $label"
	else
		fail=$((fail + 1))
		echo "FAIL $label"
	fi
}

for f in "${faults[@]}"; do
	run "$f: fault on" env SA_FAULT="$f" "$driver" "$faultmod" "$pin" "$f"
	run "$f: control (SA_FAULT unset)" env -u SA_FAULT "$driver" "$faultmod" "$pin" "$f"
done
# The faults are listed by SA_FAULT=help.
help=$(SA_FAULT=help "$driver" "$faultmod" "$pin" verify-accepts-modified 2>&1 >/dev/null || true)
for f in "${faults[@]}"; do
	run "$f: listed by SA_FAULT=help" grep -q -- "^  $f " <<<"$help"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
