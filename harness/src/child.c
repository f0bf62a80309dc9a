#include "child.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sigaudit/buf.h"
#include "sigaudit/guard.h"
#include "util.h"

/* A runaway child must not make the parent buffer without bound. */
#define SA_CHILD_MAX_LINE (4u * 1024u * 1024u)

void sa_child_emit(int fd, json_t *ev)
{
	char *text;
	size_t len;

	if (ev == NULL)
		return;
	text = json_dumps(ev, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(ev);
	if (text == NULL)
		return;
	len = strlen(text);
	text[len] = '\n'; /* replaces the NUL; we write len + 1 bytes */
	for (size_t off = 0; off < len + 1;) {
		ssize_t n = write(fd, text + off, len + 1 - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	free(text);
}

static void deliver(sa_buf *line, sa_event_fn on_event, void *user,
                    sa_child_status *st)
{
	json_error_t jerr;
	json_t *ev = json_loadb((const char *)line->data, line->len, 0, &jerr);

	if (ev != NULL && json_is_object(ev))
		on_event(user, ev);
	else
		st->bad_lines++;
	json_decref(ev);
	sa_buf_reset(line);
}

/* Read what is available; returns false at EOF or error. */
static bool pump(int fd, sa_buf *line, sa_event_fn on_event, void *user,
                 sa_child_status *st)
{
	char chunk[8192];
	ssize_t n = read(fd, chunk, sizeof(chunk));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0)
		return false;
	for (ssize_t i = 0; i < n; i++) {
		if (chunk[i] == '\n') {
			deliver(line, on_event, user, st);
			continue;
		}
		if (line->len < SA_CHILD_MAX_LINE)
			sa_buf_append(line, &chunk[i], 1);
	}
	return true;
}

int sa_child_run(sa_child_fn fn, void *arg, uint64_t timeout_ms,
                 sa_event_fn on_event, void *user, sa_child_status *st,
                 sa_error *err)
{
	int fds[2] = {-1, -1}, rc = SA_E_CHILD, wstatus = 0;
	pid_t pid = -1;
	sa_buf line = SA_BUF_INIT;
	uint64_t start = sa_now_ms(), deadline = start + timeout_ms;
	bool open = true;

	memset(st, 0, sizeof(*st));
	SA_ENSURE(pipe(fds) == 0, err, SA_E_CHILD, "pipe: %s", strerror(errno));
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	SA_ENSURE(pid >= 0, err, SA_E_CHILD, "fork: %s", strerror(errno));
	if (pid == 0) {
		close(fds[0]);
		setpgid(0, 0);
		signal(SIGPIPE, SIG_IGN);
		fn(arg, fds[1]);
		close(fds[1]);
		_exit(0);
	}
	setpgid(pid, pid); /* both sides, to win the race with kill() */
	close(fds[1]);
	fds[1] = -1;

	while (open) {
		uint64_t now = sa_now_ms();
		struct pollfd pfd = {.fd = fds[0], .events = POLLIN};
		int wait_ms, pr;

		if (now >= deadline)
			break;
		wait_ms = deadline - now > 1000 ? 1000 : (int)(deadline - now);
		pr = poll(&pfd, 1, wait_ms);
		if (pr < 0 && errno != EINTR)
			break;
		if (pr > 0)
			open = pump(fds[0], &line, on_event, user, st);
	}
	if (line.len > 0)
		deliver(&line, on_event, user, st);

	/* EOF does not mean the child has exited; wait up to the deadline. */
	for (;;) {
		pid_t w = waitpid(pid, &wstatus, WNOHANG);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			wstatus = 0;
			break;
		}
		if (sa_now_ms() >= deadline) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
				;
			st->how = SA_CHILD_TIMEOUT;
			break;
		}
		usleep(2000);
	}
	/* Whatever the child left behind in its group goes with it. */
	kill(-pid, SIGKILL);
	if (st->how != SA_CHILD_TIMEOUT) {
		if (WIFSIGNALED(wstatus)) {
			st->how = SA_CHILD_SIGNALED;
			st->code = WTERMSIG(wstatus);
		} else {
			st->how = SA_CHILD_EXITED;
			st->code =
			    WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
		}
	}
	st->ms = sa_now_ms() - start;
	rc = SA_OK;
out:
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	sa_buf_free(&line);
	return rc;
}
