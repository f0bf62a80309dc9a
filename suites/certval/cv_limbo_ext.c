/* An external validator through the x509-limbo harness protocol
 * (catalogue §4.3): one process per testcase, so that a validator that
 * crashes or hangs costs that testcase, not the run. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sigaudit/buf.h"
#include "sigaudit/guard.h"

#include "cv_limbo.h"

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* The child: stdin and stdout are the socket ends, stderr goes to the
 * parent's stderr pipe; its own process group, so that a timeout kills what
 * it started too (a "docker run" wrapper, a shell pipeline). */
static void child(int in_fd, int out_fd, int err_fd, const char *command)
{
	setpgid(0, 0);
	if (dup2(in_fd, STDIN_FILENO) < 0 || dup2(out_fd, STDOUT_FILENO) < 0 ||
	    dup2(err_fd, STDERR_FILENO) < 0)
		_exit(126);
	for (int fd = 3; fd < 1024; fd++)
		close(fd);
	signal(SIGPIPE, SIG_DFL);
	execl("/bin/sh", "sh", "-c", command, (char *)NULL);
	_exit(127);
}

int sa_cv_limbo_ext_run(sa_cv_limbo_answer *answer, const char *command,
                        const json_t *tc, unsigned timeout_ms, sa_error *err)
{
	int rc = SA_E_IO, status = 0;
	int in_sv[2] = {-1, -1}, out_p[2] = {-1, -1}, err_p[2] = {-1, -1};
	pid_t pid = -1;
	char *doc = NULL;
	size_t doc_len, sent = 0;
	sa_buf out = SA_BUF_INIT, errs = SA_BUF_INIT;
	long long deadline;
	bool timed_out = false;
	json_t *wrap = NULL;

	memset(answer, 0, sizeof(*answer));
	answer->actual = SA_CV_LIMBO_HANG;
	SA_ENSURE(command != NULL && command[0] != '\0', err, SA_E_INVALID,
	          "no validator command");
	/* The limbo protocol reads a whole Limbo document: a one-testcase
	 * document lets existing harnesses plug in unchanged. */
	wrap = json_pack("{s:i, s:[O]}", "version", 1, "testcases", tc);
	SA_ENSURE(wrap != NULL, err, SA_E_NOMEM, "out of memory");
	doc = json_dumps(wrap, JSON_COMPACT);
	SA_ENSURE(doc != NULL, err, SA_E_NOMEM, "out of memory");
	doc_len = strlen(doc);
	/* A socket for stdin: send(MSG_NOSIGNAL) gives EPIPE when the
	 * validator stops reading, instead of SIGPIPE in the case process. */
	SA_ENSURE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in_sv) ==
	                  0 &&
	              pipe(out_p) == 0 && pipe(err_p) == 0,
	          err, SA_E_IO, "socketpair/pipe: %s", strerror(errno));
	for (int i = 0; i < 2; i++) {
		fcntl(out_p[i], F_SETFD, FD_CLOEXEC);
		fcntl(err_p[i], F_SETFD, FD_CLOEXEC);
	}
	shutdown(in_sv[1], SHUT_WR);
	pid = fork();
	SA_ENSURE(pid >= 0, err, SA_E_IO, "fork: %s", strerror(errno));
	if (pid == 0)
		child(in_sv[1], out_p[1], err_p[1], command);
	setpgid(pid, pid); /* both sides, whichever runs first */
	close_fd(&in_sv[1]);
	close_fd(&out_p[1]);
	close_fd(&err_p[1]);
	fcntl(in_sv[0], F_SETFL, O_NONBLOCK);
	deadline = now_ms() + timeout_ms;

	while (out_p[0] >= 0 || err_p[0] >= 0) {
		struct pollfd pf[3];
		nfds_t n = 0;
		long long left = deadline - now_ms();
		int r;

		if (left <= 0) {
			timed_out = true;
			break;
		}
		if (in_sv[0] >= 0)
			pf[n++] = (struct pollfd){in_sv[0], POLLOUT, 0};
		if (out_p[0] >= 0)
			pf[n++] = (struct pollfd){out_p[0], POLLIN, 0};
		if (err_p[0] >= 0)
			pf[n++] = (struct pollfd){err_p[0], POLLIN, 0};
		r = poll(pf, n, (int)(left > 1000 ? 1000 : left));
		if (r < 0 && errno == EINTR)
			continue;
		SA_ENSURE(r >= 0, err, SA_E_IO, "poll: %s", strerror(errno));
		for (nfds_t i = 0; i < n; i++) {
			char chunk[8192];
			ssize_t k;
			if (pf[i].revents == 0)
				continue;
			if (pf[i].fd == in_sv[0]) {
				k = send(in_sv[0], doc + sent, doc_len - sent,
				         MSG_NOSIGNAL);
				if (k > 0)
					sent += (size_t)k;
				if ((k < 0 && errno != EAGAIN &&
				     errno != EINTR) ||
				    sent == doc_len) {
					/* EOF tells the validator the
					 * document is complete; a validator
					 * that stopped reading is judged by
					 * what it writes. */
					close_fd(&in_sv[0]);
				}
				continue;
			}
			k = read(pf[i].fd, chunk, sizeof(chunk));
			if (k < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (k <= 0) {
				if (pf[i].fd == out_p[0])
					close_fd(&out_p[0]);
				else
					close_fd(&err_p[0]);
				continue;
			}
			if (pf[i].fd == out_p[0]) {
				SA_ENSURE(out.len + (size_t)k <=
				              SA_CV_LIMBO_RESULT_MAX,
				          err, SA_E_RANGE,
				          "validator output larger than %u "
				          "bytes",
				          SA_CV_LIMBO_RESULT_MAX);
				SA_TRY(sa_buf_append(&out, chunk, (size_t)k));
			} else if (errs.len < 4096) {
				SA_TRY(sa_buf_append(&errs, chunk, (size_t)k));
			}
		}
	}
	if (timed_out) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	pid = -1;
	SA_ENSURE(!timed_out, err, SA_E_TIMEOUT,
	          "validator gave no answer within %u ms", timeout_ms);
	if (WIFSIGNALED(status))
		SA_ENSURE(false, err, SA_E_CHILD,
		          "validator killed by signal %d", WTERMSIG(status));
	if (WEXITSTATUS(status) != 0) {
		/* Its last stderr line says why, usually. */
		char last[160] = "";
		const char *e = sa_buf_cstr(&errs), *nl;
		size_t l = strlen(e);
		while (l > 0 && (e[l - 1] == '\n' || e[l - 1] == '\r'))
			l--;
		nl = e + l;
		while (nl > e && nl[-1] != '\n')
			nl--;
		snprintf(last, sizeof(last), "%.*s", (int)(e + l - nl), nl);
		for (char *p = last; *p; p++)
			if ((unsigned char)*p < 0x20 ||
			    (unsigned char)*p > 0x7e)
				*p = '?';
		SA_ENSURE(false, err, SA_E_CHILD,
		          "validator exited with status %d%s%s",
		          WEXITSTATUS(status), last[0] ? ": " : "", last);
	}
	SA_TRY(sa_cv_limbo_parse_result(answer, (const char *)out.data, out.len,
	                                sa_cv_limbo_id(tc), err));
	rc = 0;
out:
	if (pid > 0) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	close_fd(&in_sv[0]);
	close_fd(&in_sv[1]);
	close_fd(&out_p[0]);
	close_fd(&out_p[1]);
	close_fd(&err_p[0]);
	close_fd(&err_p[1]);
	sa_buf_free(&out);
	sa_buf_free(&errs);
	free(doc);
	json_decref(wrap);
	return rc;
}
