/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Start a real clusterd for a test: a temporary directory for its state and
 * socket, TCP and endpoint-mapper ports picked by the kernel (read back from its
 * log), stopped with SIGTERM. */
#ifndef TESTS_DAEMON_H
#define TESTS_DAEMON_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct daemon {
	pid_t pid;
	char dir[256];
	char state[300];
	char lpc[300];
	char log[300];
	uint16_t tcp_port;
	uint16_t epm_port;
};

enum daemon_mode {
	DAEMON_TCP,      /* MS-CMRP and endpoint mapper on 127.0.0.1 and ::1 */
	DAEMON_LPC_ONLY, /* no TCP at all */
	DAEMON_EPM_ONLY, /* an endpoint mapper, but no MS-CMRP TCP endpoint */
	DAEMON_CUSTOM,   /* only what extra says (--listen, --epmapper) */
};

/* extra: NULL-terminated extra arguments.  0 on success. */
int daemon_start(struct daemon *d, enum daemon_mode mode, const char *const *extra);
/* Start again on the same state directory (after a stop). */
int daemon_restart(struct daemon *d, enum daemon_mode mode, const char *const *extra);
/* SIGTERM and wait; returns the exit status (or -1). */
int daemon_stop(struct daemon *d);
/* SIGKILL and reap: a crash, no chance to clean up. */
void daemon_kill9(struct daemon *d);
/* Stop it; its directory goes at daemon_finish(). */
void daemon_destroy(struct daemon *d);
/* Call with what cmocka_run_group_tests() returned, and return that: stops
 * every daemon still running (a failed test leaves its own), removes their
 * directories when nothing failed, and names the directories (logs, state)
 * it keeps when something did. */
int daemon_finish(int failures);
/* Whether a line of the daemon's log contains WHAT. */
bool daemon_log_contains(const struct daemon *d, const char *what);
/* Point the library at this daemon (CLUSAPI_LPC_SOCKET, CLUSAPI_EPMAPPER_PORT). */
void daemon_use(const struct daemon *d);
/* Write the cluster ACL (the daemon re-reads it on the next open). */
int daemon_write_acl(const struct daemon *d, const char *text);

/* Run fn in a child process as uid/gid 65534 (nobody), returning what fn
 * returned (0..255), or -1 if that cannot be done (not root). */
int run_as_nobody(int (*fn)(void *), void *arg);

#endif
