/* Running a piece of work in a forked child with a time limit (DESIGN §6).
 *
 * The child writes events as JSON lines to a pipe; the parent reads them as
 * they come, so what happened before a crash or a hang is kept. The child is
 * the leader of its own process group, so a case that forks (INIT-08) is
 * killed whole on timeout. */
#ifndef SA_CHILD_H
#define SA_CHILD_H

#include <stdint.h>

#include <jansson.h>

#include "sigaudit/error.h"

typedef enum sa_child_how {
	SA_CHILD_EXITED = 0, /* code = exit status */
	SA_CHILD_SIGNALED,   /* code = signal number */
	SA_CHILD_TIMEOUT,    /* killed by us after the time limit */
} sa_child_how;

typedef struct sa_child_status {
	sa_child_how how;
	int code;
	uint64_t ms;        /* wall time */
	unsigned bad_lines; /* lines that were not JSON objects (ignored) */
} sa_child_status;

/** Child body: write events with sa_child_emit(fd, ev). Must return (the
 * harness calls _exit afterwards). */
typedef void (*sa_child_fn)(void *arg, int fd);
/** Parent callback per event; event is borrowed. */
typedef void (*sa_event_fn)(void *user, json_t *event);

/** Write one event (steals ev) as a JSON line. Ignores write errors: the
 * parent notices a missing "end" event. */
void sa_child_emit(int fd, json_t *ev);

/** Fork, run fn(arg, fd) in the child, deliver events, wait with a limit of
 * timeout_ms. Fails only if the child could not be started. */
int sa_child_run(sa_child_fn fn, void *arg, uint64_t timeout_ms,
                 sa_event_fn on_event, void *user, sa_child_status *st,
                 sa_error *err);

#endif
