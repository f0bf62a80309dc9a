#!/usr/bin/env bash
# The fault matrix: every check must FAIL on a target that breaks its rule
# (STYLE rule 21), and PASS on the same target when nothing is broken.
#
#   fault_matrix.sh SIGAUDIT LIBSA_FAULTMOD REPO_ROOT
#
# Reads REPO_ROOT/tests/integration/faults/*.txt, one check a line:
#   <CASE-ID> <pass|fail|error> <SA_FAULT spec | -> [--destructive] [--timeout=S]
# (comments and blank lines ok) and for each line runs, through the fault
# module (tests/faultmod),
#   SA_FAULT=<spec> sigaudit run --profile tests/profiles/fault.ini --case ID
# asserting the case's verdict in results.json. Then every case named in the
# files runs once with SA_FAULT unset (the control) and must pass (skip is
# accepted with a warning that gives the reason; info is accepted).
#
# Where the reference token itself deviates from the rule, a line with the
# spec "-" declares the control's verdict instead (e.g. "P11-SES-10 fail -"),
# and the case is proven both ways with a "repair" line that corrects the
# deviation (expected pass) and a fault line that breaks the rule (expected
# fail). Options on any line of a case apply to every run of that case, its
# control included: --destructive (the test token is disposable) and
# --timeout=S (a slow case, or a hang that should end sooner than the
# profile's limit).
#
# Output: one line per check, "ok|FAIL <case> <spec> -> <verdict>", then
# "N passed, M failed". Exit status 0 only when M is 0 (and N is not).
# Needs: jq, timeout; SIGAUDIT_STATE pointing at a token made by
# scripts/provision-softhsm.
set -euo pipefail

prog=$(basename "$0")

die()
{
	printf '%s: error: %s\n' "$prog" "$*" >&2
	exit 1
}

if [ $# -ne 3 ]; then
	echo "usage: $prog SIGAUDIT LIBSA_FAULTMOD REPO_ROOT" >&2
	exit 64
fi

sigaudit=$(realpath -- "$1")
faultmod=$(realpath -- "$2")
root=$(realpath -- "$3")
# The signing cases read the shared Wycheproof vectors (never copied into
# the repository); the CAVP files come from their Debian package.
vec_args=()
if [ -d "$root/../shared/vectors/wycheproof" ]; then
	vec_args=(--vectors "$root/../shared/vectors/wycheproof")
fi
profile=$root/tests/profiles/fault.ini

[ -x "$sigaudit" ] || die "$sigaudit is not executable"
[ -r "$faultmod" ] || die "$faultmod not found (build target sa_faultmod)"
[ -r "$profile" ] || die "$profile not found"
command -v jq >/dev/null 2>&1 || die "jq not found: run scripts/deps"
command -v timeout >/dev/null 2>&1 || die "timeout (coreutils) not found"
# Under CTest, SIGAUDIT_STATE is this test's own store (or the build's when
# unset); the token is provisioned there when missing (idempotent, locked).
if [ -z "${SIGAUDIT_STATE:-}" ] && [ -n "${SA_BUILD:-}" ]; then
	SIGAUDIT_STATE=$SA_BUILD/test-state
fi
[ -n "${SIGAUDIT_STATE:-}" ] ||
	die "SIGAUDIT_STATE is not set: point it at a state directory for scripts/provision-softhsm"
export SIGAUDIT_STATE
"$root/scripts/provision-softhsm" >/dev/null </dev/null ||
	die "scripts/provision-softhsm failed for $SIGAUDIT_STATE"
export SIGAUDIT_STATE
# The profile names the module as ${SIGAUDIT_FAULTMOD}.
export SIGAUDIT_FAULTMOD=$faultmod

work=$(mktemp -d "${TMPDIR:-/tmp}/sa-fault-matrix.XXXXXX")
trap 'rm -rf -- "$work"' EXIT
trap 'exit 130' INT TERM

passed=0
failed=0
runs=0
cases=()
declare -A listed=() control=() flags=()

# run_case ID SPEC: one bounded sigaudit run; sets verdict, reason and log.
# SPEC "" runs with SA_FAULT unset. The verdict is "no-results (exit N)"
# when sigaudit wrote no results.json or none for this case.
run_case()
{
	local id=$1 spec=$2 out rc=0
	local -a env_cmd=(env -u SA_FAULT) extra=()
	if [ -n "${flags[$id]:-}" ]; then
		read -r -a extra <<<"${flags[$id]}"
	fi

	runs=$((runs + 1))
	out=$work/run$runs
	log=$out.log
	if [ -n "$spec" ]; then
		env_cmd=(env "SA_FAULT=$spec")
	fi
	# The profile's per-case timeout ends a hanging case; timeout(1) is
	# only the backstop for a harness that hangs itself.
	"${env_cmd[@]}" timeout -k 5 300 "$sigaudit" run --profile "$profile" \
		--case "$id" --out "$out" "${vec_args[@]}" "${extra[@]}" \
		</dev/null >"$log" 2>&1 || rc=$?
	verdict=$(jq -r --arg id "$id" \
		'first(.cases[]? | select(.id == $id) | .verdict) // empty' \
		"$out/results.json" 2>/dev/null || true)
	reason=$(jq -r --arg id "$id" \
		'first(.cases[]? | select(.id == $id) | .reason) // empty' \
		"$out/results.json" 2>/dev/null || true)
	if [ -z "$verdict" ]; then
		verdict="no-results (exit $rc)"
	fi
}

# report OK CASE SPEC: the one line per check, and what went wrong.
report()
{
	local ok=$1 id=$2 spec=$3

	if [ "$ok" = 1 ]; then
		passed=$((passed + 1))
		printf 'ok %s %s -> %s\n' "$id" "$spec" "$verdict"
		return
	fi
	failed=$((failed + 1))
	printf 'FAIL %s %s -> %s\n' "$id" "$spec" "$verdict"
	if [ -n "$reason" ]; then
		printf '    reason: %s\n' "$reason"
	fi
	if [ -s "$log" ]; then
		tail -n 8 -- "$log" | sed 's/^/    | /'
	fi
}

shopt -s nullglob
files=("$root"/tests/integration/faults/*.txt)
shopt -u nullglob
[ ${#files[@]} -gt 0 ] || die "no fault lists in $root/tests/integration/faults/"

# First pass: per-case options and declared controls, so that every run of a
# case (fault lines and control) uses the same flags.
lines=()
for file in "${files[@]}"; do
	lineno=0
	while IFS= read -r line || [ -n "$line" ]; do
		lineno=$((lineno + 1))
		line=${line%%#*}
		read -r id expected spec opts <<<"$line" || true
		[ -n "${id:-}" ] || continue
		good=1
		for o in ${opts:-}; do
			[[ $o =~ ^(--destructive|--timeout=[0-9]+)$ ]] || good=0
		done
		if [[ ! $expected =~ ^(pass|fail|error)$ ]] || [ -z "${spec:-}" ] ||
			[ "$good" = 0 ]; then
			verdict="malformed line" reason="" log=/dev/null
			report 0 "${file##*/}:$lineno" "${line//[[:space:]]/ }"
			continue
		fi
		for o in ${opts:-}; do
			case " ${flags[$id]:-} " in
			*" $o "*) ;;
			*) flags[$id]="${flags[$id]:-} $o" ;;
			esac
		done
		if [ -z "${listed[$id]:-}" ]; then
			listed[$id]=1
			cases+=("$id")
		fi
		if [ "$spec" = - ]; then
			control[$id]=$expected
			continue
		fi
		lines+=("$id $expected $spec")
	done <"$file"
done

for entry in "${lines[@]}"; do
	read -r id expected spec <<<"$entry"
	{
		run_case "$id" "$spec"
		if [ "$verdict" = "$expected" ]; then
			report 1 "$id" "$spec"
		else
			verdict="$verdict (expected $expected)"
			report 0 "$id" "$spec"
		fi
	}
done

# The control: without a fault every listed case must hold on the target,
# or the failures above prove nothing about the rule.
for id in "${cases[@]}"; do
	run_case "$id" ""
	if [ -n "${control[$id]:-}" ]; then
		# A declared deviation of the reference token: measured, and
		# still asserted, so a change in the token's behaviour shows.
		if [ "$verdict" = "${control[$id]}" ]; then
			report 1 "$id" "(none, declared ${control[$id]})"
		else
			verdict="$verdict (declared ${control[$id]})"
			report 0 "$id" "(none)"
		fi
		continue
	fi
	case $verdict in
	pass | info)
		report 1 "$id" "(none)"
		;;
	skip)
		report 1 "$id" "(none)"
		printf 'warning: %s skipped without a fault: %s\n' "$id" \
			"${reason:-no reason given}"
		;;
	*)
		verdict="$verdict (expected pass)"
		report 0 "$id" "(none)"
		;;
	esac
done

printf '%d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
