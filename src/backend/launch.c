/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Resource commands, started and stopped in this process or by the
 * privileged helper (see launch.h for the split and the message format).
 */
#include "launch.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/log.h"
#include "sdunit.h"

_Static_assert(sizeof(struct launch_req) == 16 + LAUNCH_USER_MAX + LAUNCH_CMD_MAX + 3, "no padding on the wire");

static int helper_fd = -1;
static pid_t helper_pid = -1;

static int ask(const struct launch_req *r, int fd_to_pass, pid_t *pid);

/* ---- the message format --------------------------------------------------- */

static bool all_zero(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* A NUL-terminated string in its field, and nothing but zeros after it. */
static bool field_ok(const char *p, size_t cap)
{
	const char *nul = memchr(p, 0, cap);
	return nul && all_zero(nul, cap - (size_t)(nul - p));
}

/* Portable user names (POSIX): letters, digits, '.', '_', '-', not first '-'. */
static bool user_ok(const char *u)
{
	if (u[0] == '-')
		return false;
	for (const char *p = u; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '.' ||
		      *p == '_' || *p == '-'))
			return false;
	return true;
}

int launch_req_check(const void *buf, size_t len, struct launch_req *out)
{
	struct launch_req r;
	if (len != sizeof(r))
		return EMSGSIZE;
	memcpy(&r, buf, sizeof(r));
	if (r.magic != LAUNCH_MAGIC || !all_zero(r.pad, sizeof(r.pad)) || !field_ok(r.user, sizeof(r.user)) ||
	    !field_ok(r.cmd, sizeof(r.cmd)))
		return EINVAL;
	switch (r.op) {
	case LAUNCH_START:
		if (r.pid || r.sig || !r.cmd[0] || !user_ok(r.user))
			return EINVAL;
		break;
	case LAUNCH_SIGNAL:
		if (r.pid <= 1 || (r.sig != SIGTERM && r.sig != SIGKILL) || r.user[0] || r.cmd[0])
			return EINVAL;
		break;
	case LAUNCH_SOCKET:
		if (r.pid || r.sig || r.user[0] || !r.cmd[0])
			return EINVAL;
		break;
	case LAUNCH_UNIT_START:
	case LAUNCH_UNIT_STOP:
		if (r.pid || r.sig || r.user[0] || !sdunit_name_ok(r.cmd))
			return EINVAL;
		break;
	default:
		if (!launch_pcmk_req_ok(&r))
			return EINVAL;
		break;
	}
	*out = r;
	return 0;
}

/* ---- starting a command ------------------------------------------------------ */

/* Our environment less systemd's notification socket (a command that saw it
 * would take itself for the service); HOME, USER, LOGNAME of pw when set. */
static char **command_env(const struct passwd *pw, char *home, char *user, char *logname, size_t cap)
{
	extern char **environ;
	size_t n = 0;
	while (environ[n])
		n++;
	char **envp = malloc((n + 4) * sizeof(*envp));
	if (!envp)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (strncmp(environ[i], "NOTIFY_SOCKET=", 14) == 0)
			continue;
		if (pw && (strncmp(environ[i], "HOME=", 5) == 0 || strncmp(environ[i], "USER=", 5) == 0 ||
			   strncmp(environ[i], "LOGNAME=", 8) == 0))
			continue;
		envp[k++] = environ[i];
	}
	if (pw) {
		snprintf(home, cap, "HOME=%s", pw->pw_dir);
		snprintf(user, cap, "USER=%s", pw->pw_name);
		snprintf(logname, cap, "LOGNAME=%s", pw->pw_name);
		envp[k++] = home;
		envp[k++] = user;
		envp[k++] = logname;
	}
	envp[k] = NULL;
	return envp;
}

/* In the forked child: become the command (as pw; home: whether to go to its
 * home directory, for a RunAsUser).  Never returns. */
static void become_command(const char *cmd, const struct passwd *pw, bool home, int logfd, char **envp)
{
	sigset_t none;
	sigemptyset(&none);
	for (int s = 1; s < NSIG; s++)
		signal(s, SIG_DFL);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setsid();
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (null < 0 || dup2(null, 0) < 0 || dup2(logfd, 1) < 0 || dup2(logfd, 2) < 0)
		_exit(127);
	if (pw) {
		if (initgroups(pw->pw_name, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0 ||
		    (pw->pw_uid != 0 && setuid(0) == 0)) {
			dprintf(2, "clusterd: cannot run as user %s: %s\n", pw->pw_name, strerror(errno));
			_exit(127);
		}
		if (home && chdir(pw->pw_dir) < 0 && chdir("/") < 0)
			_exit(127);
	}
	char *argv[] = { "sh", "-c", (char *)cmd, NULL };
	execve("/bin/sh", argv, envp);
	dprintf(2, "clusterd: cannot run /bin/sh: %s\n", strerror(errno));
	_exit(127);
}

/* Start cmd as pw in a grandchild, so that the command is handed to the
 * nearest child subreaper (clusterd) when the middle process ends.  named:
 * pw is a RunAsUser (its HOME, USER, LOGNAME and home directory), not the
 * default root (clusterd's environment and directory, as before the split).
 * 0 and *pid, or an errno value. */
static int spawn_orphan(const char *cmd, const struct passwd *pw, bool named, int logfd, pid_t *pid)
{
	char home[600], user[600], logname[600];
	char **envp = command_env(named ? pw : NULL, home, user, logname, sizeof(home));
	if (!envp)
		return ENOMEM;
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0) {
		free(envp);
		return errno;
	}
	pid_t mid = fork();
	if (mid < 0) {
		int err = errno;
		close(p[0]);
		close(p[1]);
		free(envp);
		return err;
	}
	if (mid == 0) {
		close(p[0]);
		pid_t c = fork();
		if (c == 0)
			become_command(cmd, pw, named, logfd, envp);
		int32_t v = c < 0 ? -errno : c;
		_exit(write(p[1], &v, sizeof(v)) == (ssize_t)sizeof(v) ? 0 : 1);
	}
	close(p[1]);
	free(envp);
	int32_t v = 0;
	ssize_t got;
	do
		got = read(p[0], &v, sizeof(v));
	while (got < 0 && errno == EINTR);
	close(p[0]);
	while (waitpid(mid, NULL, 0) < 0 && errno == EINTR)
		;
	if (got != (ssize_t)sizeof(v))
		return EIO;
	if (v <= 0)
		return v < 0 ? -v : EIO;
	*pid = v;
	return 0;
}

/* The old way, in this process: posix_spawn as ourselves. */
static int spawn_here(const char *cmd, int logfd, pid_t *pid)
{
	char home[8], user[8], logname[8];
	char **envp = command_env(NULL, home, user, logname, sizeof(home));
	if (!envp)
		return ENOMEM;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, all;
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, logfd, 1);
	posix_spawn_file_actions_adddup2(&fa, logfd, 2);
	posix_spawnattr_init(&attr);
	/* Its own session (so that stopping reaches the whole process group),
	 * none of our blocked signals, and every signal back to its default:
	 * clusterd ignores SIGPIPE, and an ignored SIGTERM would be inherited
	 * and could not even be trapped by a shell. */
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &all);
	char *argv[] = { "sh", "-c", (char *)cmd, NULL };
	int rc = posix_spawn(pid, "/bin/sh", &fa, &attr, argv, envp);
	free(envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	return rc;
}

/* ---- the helper -------------------------------------------------------------- */

static void table_forget(struct launch_table *t, size_t i)
{
	if (t->pidfd[i] >= 0)
		close(t->pidfd[i]);
	t->n--;
	t->pid[i] = t->pid[t->n];
	t->pidfd[i] = t->pidfd[t->n];
}

/* Whether the command whose pidfd this is has ended (its pid may then be
 * anybody's: never signal it). */
static bool ended(int pidfd)
{
	if (pidfd < 0)
		return false;
	struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
	return poll(&pfd, 1, 0) > 0;
}

void launch_handle(struct launch_table *t, const void *buf, size_t len, int logfd, struct launch_rep *rep,
		   bool dry_run)
{
	struct launch_req r;
	memset(rep, 0, sizeof(*rep));
	rep->magic = LAUNCH_MAGIC;
	rep->err = launch_req_check(buf, len, &r);
	if (rep->err)
		goto out;
	if (r.op == LAUNCH_SOCKET) {
		struct stat sb;
		if (t->have_socket || logfd >= 0) {
			rep->err = EPERM; /* named once, before the drop */
		} else if (!dry_run && (lstat(r.cmd, &sb) < 0 || !S_ISSOCK(sb.st_mode))) {
			rep->err = ENOTSOCK;
		} else {
			t->have_socket = true;
			memcpy(t->socket_path, r.cmd, sizeof(t->socket_path));
			t->socket_dev = dry_run ? 0 : sb.st_dev;
			t->socket_ino = dry_run ? 0 : sb.st_ino;
		}
		goto out;
	}
	if (r.op == LAUNCH_UNIT_START || r.op == LAUNCH_UNIT_STOP) {
		if (logfd >= 0) {
			rep->err = EINVAL; /* nothing comes with it */
		} else if (!dry_run) {
			rep->err = sdunit_job(r.cmd, r.op == LAUNCH_UNIT_START);
			if (!rep->err)
				log_info("systemd unit %s: %s queued", r.cmd,
					 r.op == LAUNCH_UNIT_START ? "start" : "stop");
		}
		goto out;
	}
	if (r.op >= LAUNCH_COROSYNC_REMOVE_NODE) {
		rep->err = launch_pcmk_handle(&r, logfd, dry_run);
		goto out;
	}
	if (r.op == LAUNCH_SIGNAL) {
		size_t i = 0;
		while (i < t->n && t->pid[i] != r.pid)
			i++;
		if (i == t->n) {
			rep->err = EPERM; /* not one of ours */
			goto out;
		}
		if (ended(t->pidfd[i])) {
			table_forget(t, i);
			rep->err = ESRCH;
			goto out;
		}
		if (!dry_run && kill(-r.pid, r.sig) < 0) {
			rep->err = errno;
			if (errno == ESRCH)
				table_forget(t, i);
		}
		goto out;
	}
	/* START: forget the commands that have ended, then make room. */
	for (size_t i = 0; i < t->n;)
		if (ended(t->pidfd[i]))
			table_forget(t, i);
		else
			i++;
	if (t->n == LAUNCH_MAX_STARTED) {
		rep->err = EAGAIN;
		goto out;
	}
	struct stat sb;
	int fl = logfd >= 0 ? fcntl(logfd, F_GETFL) : -1;
	if (logfd < 0 || fstat(logfd, &sb) < 0 || !S_ISREG(sb.st_mode) || fl < 0 || (fl & O_ACCMODE) == O_RDONLY) {
		rep->err = EBADF; /* the log: a regular file open for writing */
		goto out;
	}
	struct passwd pwbuf, *pw = NULL;
	char strs[4096];
	int e = getpwnam_r(r.user[0] ? r.user : "root", &pwbuf, strs, sizeof(strs), &pw);
	if (e || !pw) {
		rep->err = e ? e : ENOENT;
		if (!dry_run)
			log_warn("resource command not started: no user \"%s\"", r.user);
		goto out;
	}
	pid_t pid = 0;
	if (dry_run) {
		pid = (pid_t)(1000 + t->n);
	} else {
		rep->err = spawn_orphan(r.cmd, pw, r.user[0] != 0, logfd, &pid);
		if (rep->err) {
			log_warn("resource command not started as %s: %s", pw->pw_name, strerror(rep->err));
			goto out;
		}
		log_info("started as %s (uid %u), process group %d: %s", pw->pw_name, (unsigned)pw->pw_uid, (int)pid,
			 r.cmd);
	}
	t->pid[t->n] = pid;
	t->pidfd[t->n] = dry_run ? -1 : (int)syscall(SYS_pidfd_open, pid, 0);
	t->n++;
	rep->pid = pid;
out:
	if (logfd >= 0)
		close(logfd);
}

/* Receive one message and at most one descriptor.  The message's length
 * (0 at end of file), or -1. */
static ssize_t recv_req(int fd, void *buf, size_t cap, int *got_fd, bool *extra_fds)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(4 * sizeof(int))];
	} cb;
	struct iovec iov = { .iov_base = buf, .iov_len = cap };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cb.b, .msg_controllen = sizeof(cb.b) };
	ssize_t n;
	do
		n = recvmsg(fd, &m, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	*got_fd = -1;
	*extra_fds = (m.msg_flags & (MSG_CTRUNC | MSG_TRUNC)) != 0;
	if (n < 0)
		return -1;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t nfd = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < nfd; i++) {
			int f;
			memcpy(&f, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (*got_fd < 0) {
				*got_fd = f;
			} else {
				close(f);
				*extra_fds = true;
			}
		}
	}
	return n;
}

static void helper_main(int fd)
{
	static struct launch_table t;
	/* Ctrl-C at a terminal reaches the whole process group: the helper
	 * ends when clusterd closes its end, not before. */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	prctl(PR_SET_NAME, "clusterd-priv");
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	launch_pcmk_init();
	for (;;) {
		/* One byte more than a request: a longer message is refused
		 * (SOCK_SEQPACKET keeps message boundaries). */
		static char buf[sizeof(struct launch_req) + 1];
		int logfd;
		bool extra;
		ssize_t n = recv_req(fd, buf, sizeof(buf), &logfd, &extra);
		if (n <= 0)
			break;
		struct launch_rep rep;
		if (extra) {
			if (logfd >= 0)
				close(logfd);
			memset(&rep, 0, sizeof(rep));
			rep.magic = LAUNCH_MAGIC;
			rep.err = EINVAL;
		} else {
			launch_handle(&t, buf, (size_t)n, logfd, &rep, false);
		}
		if (rep.err)
			log_debug("privileged helper: request refused or failed: %s", strerror(rep.err));
		if (send(fd, &rep, sizeof(rep), MSG_NOSIGNAL) != (ssize_t)sizeof(rep))
			break;
	}
	/* clusterd has ended: its LPC socket, if it is still the same file. */
	struct stat sb;
	if (t.have_socket && lstat(t.socket_path, &sb) == 0 && S_ISSOCK(sb.st_mode) && sb.st_dev == t.socket_dev &&
	    sb.st_ino == t.socket_ino)
		unlink(t.socket_path);
	_exit(0);
}

int launch_helper_start(void)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0) {
		int err = errno;
		close(sv[0]);
		close(sv[1]);
		errno = err;
		return -1;
	}
	if (pid == 0) {
		close(sv[0]);
		helper_main(sv[1]);
	}
	close(sv[1]);
	helper_fd = sv[0];
	helper_pid = pid;
	return 0;
}

int launch_helper_own_socket(const char *path)
{
	if (helper_fd < 0)
		return 0;
	static struct launch_req r;
	memset(&r, 0, sizeof(r));
	r.magic = LAUNCH_MAGIC;
	r.op = LAUNCH_SOCKET;
	if (strlen(path) >= sizeof(r.cmd))
		return ENAMETOOLONG;
	memcpy(r.cmd, path, strlen(path));
	return ask(&r, -1, NULL);
}

void launch_helper_stop(void)
{
	if (helper_fd < 0)
		return;
	close(helper_fd);
	helper_fd = -1;
	while (waitpid(helper_pid, NULL, 0) < 0 && errno == EINTR)
		;
	helper_pid = -1;
}

bool launch_helper_running(void)
{
	return helper_fd >= 0;
}

/* One request to the helper, one answer.  0 and *pid, or an errno value. */
static int ask(const struct launch_req *r, int fd_to_pass, pid_t *pid)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} cb;
	struct iovec iov = { .iov_base = (void *)r, .iov_len = sizeof(*r) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	if (fd_to_pass >= 0) {
		memset(&cb, 0, sizeof(cb));
		m.msg_control = cb.b;
		m.msg_controllen = sizeof(cb.b);
		struct cmsghdr *c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd_to_pass, sizeof(int));
	}
	ssize_t n;
	do
		n = sendmsg(helper_fd, &m, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(*r))
		return n < 0 ? errno : EIO;
	struct launch_rep rep;
	do
		n = recv(helper_fd, &rep, sizeof(rep), 0);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(rep) || rep.magic != LAUNCH_MAGIC)
		return EIO;
	if (rep.err == 0 && pid)
		*pid = rep.pid;
	return rep.err;
}

int launch_spawn(const char *cmd, const char *user, int logfd, pid_t *pid)
{
	if (!user)
		user = "";
	if (helper_fd < 0) {
		if (*user) {
			struct passwd *pw = getpwnam(user);
			if (!pw)
				return ENOENT;
			if (pw->pw_uid != geteuid())
				return EPERM; /* another user: only through the helper */
		}
		return spawn_here(cmd, logfd, pid);
	}
	static struct launch_req r;
	memset(&r, 0, sizeof(r));
	r.magic = LAUNCH_MAGIC;
	r.op = LAUNCH_START;
	if (strlen(user) >= sizeof(r.user) || strlen(cmd) >= sizeof(r.cmd))
		return ENAMETOOLONG;
	memcpy(r.user, user, strlen(user));
	memcpy(r.cmd, cmd, strlen(cmd));
	return ask(&r, logfd, pid);
}

int launch_signal(pid_t pid, int sig)
{
	if (helper_fd < 0)
		return kill(-pid, sig) < 0 ? errno : 0;
	struct launch_req r;
	memset(&r, 0, sizeof(r));
	r.magic = LAUNCH_MAGIC;
	r.op = LAUNCH_SIGNAL;
	r.pid = pid;
	r.sig = sig;
	return ask(&r, -1, NULL);
}

int launch_unit(const char *unit, bool start)
{
	if (!sdunit_name_ok(unit))
		return EINVAL;
	if (helper_fd < 0)
		return sdunit_job(unit, start);
	static struct launch_req r;
	memset(&r, 0, sizeof(r));
	r.magic = LAUNCH_MAGIC;
	r.op = start ? LAUNCH_UNIT_START : LAUNCH_UNIT_STOP;
	memcpy(r.cmd, unit, strlen(unit));
	return ask(&r, -1, NULL);
}

int launch_helper_ask_pcmk(uint32_t op, const char *name, int32_t pid)
{
	if (helper_fd < 0)
		return ENOTCONN;
	static struct launch_req r;
	memset(&r, 0, sizeof(r));
	r.magic = LAUNCH_MAGIC;
	r.op = op;
	r.pid = pid;
	if (name) {
		if (strlen(name) >= LAUNCH_NODE_MAX)
			return ENAMETOOLONG;
		memcpy(r.cmd, name, strlen(name));
	}
	return ask(&r, -1, NULL);
}
