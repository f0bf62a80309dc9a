#!/usr/bin/env bash
# Every fault mode of the fault-injecting module is caught by at least one
# case (issue 3): each named fault the module offers (its own "help" table)
# and each directive kind must appear in a line of tests/integration/faults/
# that expects the case to FAIL or ERROR. The fault matrix itself proves the
# lines hold; this test proves no fault mode is left without a line, so a
# fault added to the module without a check that catches it fails CI.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

: "${SIGAUDIT_FAULTMOD:?}"
faults=$SA_ROOT/tests/integration/faults
# The module prints its table on stderr when SA_FAULT=help; pkcs11-tool is
# only the host that loads it.
names=$(SA_FAULT=help SOFTHSM2_CONF=$SIGAUDIT_STATE/softhsm/softhsm2.conf \
	pkcs11-tool --module "$SIGAUDIT_FAULTMOD" -I 2>&1 >/dev/null |
	sed -nE 's/^  ([a-z0-9]+(-[a-z0-9]+)+) +.*/\1/p')
check "the module lists its named faults" test -n "$names"

# Lines that expect a failure (not repairs, not declared controls).
# One directive a line. No pipeline in the tests below: with pipefail, an
# early "grep -q" exit would SIGPIPE the writer and read as "not found".
catching=$(grep -hvE '^\s*(#|$)' "$faults"/*.txt |
	awk '$2 != "pass" && $3 != "-" { print $3 }' | tr ',' '\n')
for name in $names; do
	if grep -qx -- "$name" <<<"$catching"; then
		ok "named fault $name is caught"
	else
		bad "named fault $name has no line expecting fail or error"
	fi
done
for kind in crash abort hang noop rv; do
	if grep -q "^$kind:" <<<"$catching"; then
		ok "directive $kind: is caught"
	else
		bad "directive $kind: has no line expecting fail or error"
	fi
done
finish
