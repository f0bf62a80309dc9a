#!/bin/sh
# A stand-in external validator for CV-LIMBO-02 (tests/integration/certval.sh):
# speaks the x509-limbo harness protocol (a Limbo document on stdin, one
# LimboResult on stdout) and answers from a fixed table, or misbehaves on
# purpose so that the tests can show each misbehaviour is caught.
#
#   certval_validator.sh table FILE   answer "ID RESULT" lines of FILE
#                                     (RESULT SUCCESS/FAILURE/SKIPPED/HANG);
#                                     an id not in FILE gets SKIPPED
#   certval_validator.sh table-anypolicy FILE
#                                     as table, and reports the user-
#                                     constrained policy set {anyPolicy}
#                                     (x-pkits) for every testcase
#   certval_validator.sh success      SUCCESS for everything (accepts all)
#   certval_validator.sh garbage      output that is not JSON
#   certval_validator.sh wrong-id     a LimboResult for another testcase
#   certval_validator.sh exit         exit status 3 (an internal error)
#   certval_validator.sh hang         never answers
#
# The testcase id is the first "id" of the document: sigaudit writes
# {"version":1,"testcases":[{"id":...,...}]} with the keys in file order,
# and limbo testcases start with their id.
mode=${1:-}
doc=$(cat)
id=$(printf '%s' "$doc" | grep -o '"id": *"[A-Za-z][A-Za-z0-9.:-]*"' |
	head -n 1 | sed 's/.*"\([^"]*\)"$/\1/')
answer()
{
	printf '{"version":1,"harness":"certval-validator","results":'
	printf '[{"id":"%s","actual_result":"%s","context":"%s"%s}]}\n' \
		"$1" "$2" "$3" "${4:-}"
}
case $mode in
table)
	res=$(grep -F -- "$id " "$2" | head -n 1 | cut -d' ' -f2)
	answer "$id" "${res:-SKIPPED}" "table"
	;;
table-anypolicy)
	res=$(grep -F -- "$id " "$2" | head -n 1 | cut -d' ' -f2)
	answer "$id" "${res:-SKIPPED}" "table" \
		',"x-pkits":{"user_constrained_policy_set":["2.5.29.32.0"]}'
	;;
success) answer "$id" SUCCESS "accepts everything" ;;
garbage) echo "this is not JSON" ;;
wrong-id) answer "not-$id" SUCCESS "" ;;
exit)
	echo "certval_validator: internal error" >&2
	exit 3
	;;
hang) sleep 600 ;;
*)
	echo "usage: certval_validator.sh table FILE|table-anypolicy FILE|success|garbage|wrong-id|exit|hang" >&2
	exit 64
	;;
esac
