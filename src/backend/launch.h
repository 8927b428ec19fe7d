/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Starting and stopping resource commands ("start this command as this
 * user"), with or without a privileged helper.
 *
 * clusterd started as root forks a small helper before it opens anything
 * (launch_helper_start) and then gives up root (src/server/privdrop.c).  The
 * helper keeps root and does only a few things, asked over a socketpair in
 * fixed-size messages (struct launch_req, checked by launch_req_check):
 * start a command through /bin/sh -c as a given user, in a session of its
 * own, with the log file the asker opened (passed with SCM_RIGHTS) as its
 * stdout and stderr; send SIGTERM or SIGKILL to the process group of a
 * command it started; ask systemd over D-Bus to start or stop a service
 * unit (a Generic Service: the right to manage units is root's on the system
 * bus); and, for the Pacemaker backend's EvictNode, the three requests at the
 * end of this file.  Nothing else: it opens no path and reads no file on the
 * asker's word.  The command is handed to clusterd, which is a child
 * subreaper, so clusterd waits for it as for a child of its own.
 *
 * Without a helper (clusterd not started as root, or kept root), the same
 * functions do the work in the calling process, as clusterd always did.
 * One request at a time: called from clusterd's event loop only.
 */
#ifndef CLUSAPI_BACKEND_LAUNCH_H
#define CLUSAPI_BACKEND_LAUNCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define LAUNCH_MAGIC 0x434c4c31u /* "CLL1" */
#define LAUNCH_USER_MAX 33	 /* a user name, NUL included */
#define LAUNCH_CMD_MAX 8192	 /* a command line, NUL included */
/* Commands started and not yet seen to end that the helper remembers. */
#define LAUNCH_MAX_STARTED 4096

enum launch_op {
	LAUNCH_START = 1,  /* user, cmd; one descriptor (the log) */
	LAUNCH_SIGNAL = 2, /* pid (a START's answer), sig: SIGTERM or SIGKILL */
	LAUNCH_SOCKET = 3, /* cmd: the LPC socket's path; once only */
	LAUNCH_UNIT_START = 4, /* cmd: a service unit's name (sdunit_name_ok): StartUnit(cmd, "replace") */
	LAUNCH_UNIT_STOP = 5,  /* cmd: a service unit's name: StopUnit(cmd, "replace") */
};

/* A request, exactly this size on the wire (native byte order: both ends are
 * the same program).  Unused fields are zero. */
struct launch_req {
	uint32_t magic;
	uint32_t op;
	int32_t pid;
	int32_t sig;
	char user[LAUNCH_USER_MAX];
	char cmd[LAUNCH_CMD_MAX];
	char pad[3];
};

/* The answer: err is 0 or an errno value; pid the started command's. */
struct launch_rep {
	uint32_t magic;
	int32_t err;
	int32_t pid;
};

/* Whether buf (len bytes, as received) is a well-formed request: the exact
 * size, the magic, a known op, NUL-terminated strings, a user name of the
 * portable characters (empty: root), a non-empty command or path, a pid
 * above 1 and SIGTERM or SIGKILL, a service unit name (sdunit.h); the fields
 * an op does not use all zero.  0 and the
 * request copied into *out, or an errno value (EINVAL, EMSGSIZE). */
int launch_req_check(const void *buf, size_t len, struct launch_req *out);

/* The helper's memory: what it started and may signal. */
struct launch_table {
	pid_t pid[LAUNCH_MAX_STARTED];
	int pidfd[LAUNCH_MAX_STARTED];
	size_t n;
	/* The LPC socket (SOCKET, accepted once: clusterd names it before it
	 * gives up root), removed when clusterd ends if it is still that file:
	 * its directory is root's. */
	bool have_socket;
	char socket_path[LAUNCH_CMD_MAX];
	dev_t socket_dev;
	ino_t socket_ino;
};

/* The helper's work for one received message (exactly what launch_req_check
 * accepts; logfd: the descriptor that came with it, -1 if none; it is
 * closed).  dry_run (the fuzzer): checks and bookkeeping only, nothing is
 * started or signalled.  Fills in *rep. */
void launch_handle(struct launch_table *t, const void *buf, size_t len, int logfd, struct launch_rep *rep,
		   bool dry_run);

/* Fork the helper (as root, before opening anything).  0, or -1 with errno. */
int launch_helper_start(void);

/* Whether a helper runs (commands then go through it). */
bool launch_helper_running(void);

/* Tell the helper the LPC socket's path, for it to remove when clusterd
 * ends (clusterd cannot once it has given up root).  0 or an errno value. */
int launch_helper_own_socket(const char *path);

/* End the helper (it removes the LPC socket) and wait for it.  No-op
 * without a helper. */
void launch_helper_stop(void);

/* Start cmd through /bin/sh -c as user (NULL or "": the caller's user; another
 * user needs the helper or root), in a session of its own, stdin /dev/null,
 * stdout and stderr logfd (not closed).  0 and *pid, or an errno value. */
int launch_spawn(const char *cmd, const char *user, int logfd, pid_t *pid);

/* SIGTERM or SIGKILL to the process group of a command launch_spawn started.
 * 0 or an errno value. */
int launch_signal(pid_t pid, int sig);

/* Start or stop a service unit (sdunit_job), through the helper when there
 * is one.  0 or an errno value. */
int launch_unit(const char *unit, bool start);

/* ---- The Pacemaker backend's requests (issue 15 part 6; launch_pcmk.c) ----
 *
 * With the Pacemaker backend, clusterd serves the network as hacluster and
 * the helper does the three things EvictNode needs root for.  Numbered
 * apart from the op list above.  None takes a descriptor; the helper answers
 * 0 or an errno value (EALREADY: the node was not in the file). */
enum launch_pcmk_op {
	/* cmd: the node name (launch_node_name_ok); pid: its corosync nodeid
	 * (0: match by name only).  The helper removes the node's node { }
	 * block from corosync's configuration file, whose path it fixed when
	 * it started ($COROSYNC_MAIN_CONFIG_FILE or /etc/corosync/corosync.conf):
	 * never a path from the message. */
	LAUNCH_COROSYNC_REMOVE_NODE = 16,
	/* nothing: corosync-cfgtool -R */
	LAUNCH_COROSYNC_RELOAD = 17,
	/* cmd: the node name: crm_node --force -R NAME */
	LAUNCH_CRM_NODE_REMOVE = 18,
};
#define LAUNCH_NODE_MAX 256 /* a node name, NUL included */

/* A node name as the helper takes it: 1 to 255 of letters, digits, '.',
 * '_', '-', not beginning with '-' or '.'. */
bool launch_node_name_ok(const char *name);
/* Whether r (magic, field termination and padding already checked) is a
 * well-formed Pacemaker request: the fields its op uses, the others zero. */
bool launch_pcmk_req_ok(const struct launch_req *r);
/* The helper's work for one (checked) Pacemaker request; dry_run: nothing
 * is done.  0 or an errno value. */
int launch_pcmk_handle(const struct launch_req *r, int logfd, bool dry_run);
/* In the helper, as it starts: fix the path of corosync's file. */
void launch_pcmk_init(void);
/* Send a Pacemaker request to the helper (name: NULL for none).  0 or an
 * errno value. */
int launch_helper_ask_pcmk(uint32_t op, const char *name, int32_t pid);

/* Through the helper when there is one, else in this process.  0, or an
 * errno value (EALREADY: not in the file; EINVAL: a name the helper would
 * refuse). */
int launch_corosync_remove_node(const char *name, unsigned nodeid);
int launch_corosync_reload(void);
int launch_crm_node_remove(const char *name);

#endif
