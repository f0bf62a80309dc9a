# shellcheck shell=bash
# Helpers for the scripts that provision the other PKCS#11 targets and start
# or stop their background services (provision-nss, provision-tpm2,
# stop-tpm2, start-p11kit-remote, stop-p11kit-remote). Sourced after lib.sh.
#
#   sa_random_pin            12 uniformly random digits and a newline
#   sa_read_pin VAR FILE     read a PIN file into VAR, without echoing it
#   sa_sock_path_ok PATH     dies unless PATH fits in sockaddr_un.sun_path
#   sa_svc_pid PIDFILE MATCH prints the pid in PIDFILE when that process is
#                            alive (not a zombie) and its command line
#                            contains MATCH (a path of this state directory:
#                            a pid the system reused for another program is
#                            never signalled)
#   sa_svc_stop PIDFILE MATCH NAME
#                            SIGTERM, up to 5 s, then SIGKILL; removes PIDFILE
#   sa_wait_for SECONDS CMD...  runs CMD every 0.1 s until it succeeds

sa_random_pin()
{
	local digits=''
	while [ ${#digits} -lt 12 ]; do
		digits+=$(head -c 512 /dev/urandom | LC_ALL=C tr -dc '0-9')
	done
	printf '%s\n' "${digits:0:12}"
}

sa_read_pin()
{
	local -n _sa_pin=$1
	IFS= read -r _sa_pin <"$2" || [ -n "$_sa_pin" ] ||
		die "cannot read $2"
}

sa_sock_path_ok()
{
	# sun_path is 108 bytes on Linux, one of them the terminating NUL.
	[ "${#1}" -le 107 ] ||
		die "socket path $1 is longer than 107 bytes (AF_UNIX limit): use a shorter SIGAUDIT_STATE"
}

sa_svc_pid()
{
	local pidfile=$1 match=$2 pid="" state="" cmdline=""
	[ -s "$pidfile" ] || return 1
	IFS= read -r pid <"$pidfile" || true
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	# A zombie answers kill -0 but serves nothing: read its state.
	state=$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null) || return 1
	case $state in
	'' | Z | X) return 1 ;;
	esac
	# Read first, then match: with pipefail, "tr | grep -q" can fail
	# when grep exits before tr has written everything.
	cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
	[[ $cmdline == *"$match"* ]] || return 1
	printf '%s\n' "$pid"
}

sa_svc_stop()
{
	local pidfile=$1 match=$2 name=$3 pid i
	if pid=$(sa_svc_pid "$pidfile" "$match"); then
		kill -TERM "$pid" 2>/dev/null || true
		for ((i = 0; i < 50; i++)); do
			sa_svc_pid "$pidfile" "$match" >/dev/null || break
			sleep 0.1
		done
		if sa_svc_pid "$pidfile" "$match" >/dev/null; then
			say "$name (pid $pid) ignored SIGTERM; sending SIGKILL"
			kill -KILL "$pid" 2>/dev/null || true
		fi
		say "stopped $name (pid $pid)"
	fi
	rm -f -- "$pidfile"
}

sa_wait_for()
{
	local limit=$1 i
	shift
	for ((i = 0; i < limit * 10; i++)); do
		if "$@"; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}
