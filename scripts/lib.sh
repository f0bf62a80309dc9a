# shellcheck shell=bash
# Helpers sourced by every script in scripts/. Not executable on its own.
#
#   SA_ROOT        absolute path of the repository (the folder above scripts/)
#   SA_PROG        name of the running script, for messages
#   say MSG...     one line on stderr, prefixed with the script name
#   die MSG...     say "error: MSG" and exit 1
#   sa_state_dir   print ${SIGAUDIT_STATE:-$SA_ROOT/var} as an absolute path
#   sa_sudo CMD... run CMD as root: directly when root, else through sudo

SA_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
SA_PROG=$(basename "$0")
# The PKCS#11 module of the reference token (Debian softhsm2) and its label;
# used by the scripts that source this file.
# shellcheck disable=SC2034
SA_SOFTHSM_MODULE=/usr/lib/softhsm/libsofthsm2.so
# shellcheck disable=SC2034
SA_TOKEN_LABEL=sigaudit-demo
export SA_ROOT

say()
{
	printf '%s: %s\n' "$SA_PROG" "$*" >&2
}

die()
{
	say "error: $*"
	exit 1
}

sa_state_dir()
{
	local d=${SIGAUDIT_STATE:-$SA_ROOT/var}
	mkdir -p -- "$d" || die "cannot create state directory $d"
	(cd -- "$d" && pwd -P)
}

sa_sudo()
{
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo -- "$@"
	else
		die "need root for: $* (not root and sudo is not installed)"
	fi
}

sa_nproc()
{
	nproc 2>/dev/null || echo 2
}
