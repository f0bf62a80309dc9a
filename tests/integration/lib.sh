# Sourced by the integration tests. Sets up the reference token and small
# assertion helpers; each test prints "ok ..." / "FAIL ..." per check and ends
# with the plain "N passed, M failed" line.
#
# Environment: SIGAUDIT (the binary), SIGAUDIT_FAULTMOD (the fault module),
# SA_ROOT (repo root), SA_BUILD (build dir). SIGAUDIT_STATE: the token's
# state dir (CMake gives each test its own); the token is provisioned there
# when missing (scripts/provision-softhsm is idempotent and takes a lock).
set -euo pipefail

: "${SIGAUDIT:?}" "${SA_ROOT:?}" "${SA_BUILD:?}"
if [ -z "${SIGAUDIT_STATE-}" ]; then
	SIGAUDIT_STATE=$SA_BUILD/test-state
fi
export SIGAUDIT_STATE
"$SA_ROOT/scripts/provision-softhsm" >/dev/null </dev/null

T_PASS=0
T_FAIL=0
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/sa-it.XXXXXX")
trap 'rm -rf -- "$T_TMP"' EXIT

ok()
{
	T_PASS=$((T_PASS + 1))
	echo "ok   $*"
}

bad()
{
	T_FAIL=$((T_FAIL + 1))
	echo "FAIL $*"
}

check()
{
	local what=$1
	shift
	if "$@" >/dev/null; then ok "$what"; else bad "$what"; fi
}

finish()
{
	echo "$T_PASS passed, $T_FAIL failed"
	[ "$T_FAIL" -eq 0 ]
}

# verdict RESULTS_DIR CASE_ID
verdict()
{
	jq -r --arg id "$2" '.cases[] | select(.id == $id) | .verdict' "$1/results.json"
}
