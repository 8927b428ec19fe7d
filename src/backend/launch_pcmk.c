/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The Pacemaker backend's root work (see launch.h, "The Pacemaker
 * backend's requests"): removing a node from corosync.conf, reloading
 * corosync's configuration, and Pacemaker forgetting a node.  Done by the
 * privileged helper when there is one, else in the calling process.
 */
#include "launch.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"

#define TOOL_TIMEOUT_MS 10000

extern char **environ;

/* corosync's file: $COROSYNC_MAIN_CONFIG_FILE (corosync's own variable) or
 * the default, decided once (the helper: when it starts). */
static char conf[4096];

static const char *conf_path(void)
{
	if (!conf[0]) {
		const char *p = getenv("COROSYNC_MAIN_CONFIG_FILE");
		snprintf(conf, sizeof(conf), "%s", p && *p ? p : "/etc/corosync/corosync.conf");
	}
	return conf;
}

void launch_pcmk_init(void)
{
	(void)conf_path();
}

bool launch_node_name_ok(const char *n)
{
	size_t len = strlen(n);
	if (len == 0 || len >= LAUNCH_NODE_MAX || n[0] == '-' || n[0] == '.')
		return false;
	for (const char *p = n; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '.' ||
		      *p == '_' || *p == '-'))
			return false;
	return true;
}

/* ---- corosync.conf: drop one node { } block of the nodelist -------------- */

/* The text with the nodelist's node block naming `name` (name: or
 * ring0_addr:) or carrying `nodeid` (0: none) removed; NULL when there is
 * none (or on a file that does not look like a corosync.conf: no change is
 * better than a wrong one). */
static char *without_node(const char *text, const char *name, unsigned nodeid)
{
	size_t len = strlen(text);
	const char *nl = strstr(text, "nodelist");
	if (!nl)
		return NULL;
	for (const char *b = strstr(nl, "node {"); b; b = strstr(b + 1, "node {")) {
		if (b > text && b[-1] != '\t' && b[-1] != ' ' && b[-1] != '\n')
			continue; /* "nodelist {" itself, or another word */
		const char *e = strchr(b, '}');
		if (!e)
			return NULL;
		bool match = false;
		for (const char *l = b; l && l < e; l = strchr(l, '\n')) {
			while (l < e && (*l == '\n' || *l == ' ' || *l == '\t'))
				l++;
			char key[32], val[256];
			if (sscanf(l, "%31[a-z0-9_]: %255[^ \t\n}]", key, val) == 2) {
				if ((strcmp(key, "name") == 0 && strcmp(val, name) == 0) ||
				    (nodeid && strcmp(key, "nodeid") == 0 && strtoul(val, NULL, 10) == nodeid))
					match = true;
			}
		}
		if (!match)
			continue;
		/* From the start of the block's line to the end of the '}' line. */
		const char *from = b;
		while (from > text && from[-1] != '\n')
			from--;
		const char *to = strchr(e, '\n');
		to = to ? to + 1 : text + len;
		char *out = malloc(len + 1);
		if (!out)
			return NULL;
		size_t head = (size_t)(from - text);
		memcpy(out, text, head);
		memcpy(out + head, to, len - (size_t)(to - text) + 1);
		return out;
	}
	return NULL;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t cap = 0, n = 0;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			size_t ncap = cap ? cap * 2 : 8192;
			if (ncap > (1u << 20)) { /* a corosync.conf is a few KiB */
				free(buf);
				fclose(f);
				errno = EFBIG;
				return NULL;
			}
			char *nb = realloc(buf, ncap);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
			cap = ncap;
		}
		size_t r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
		if (r == 0)
			break;
	}
	bool bad = ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		errno = EIO;
		return NULL;
	}
	buf[n] = 0;
	return buf;
}

/* Replace path's content, atomically and durably, keeping its mode and
 * owner. */
static int write_file(const char *path, const char *text)
{
	char tmp[4200];
	if (snprintf(tmp, sizeof(tmp), "%s.clusterd-new", path) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	struct stat st;
	bool have = stat(path, &st) == 0;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, have ? (st.st_mode & 07777) : 0644);
	if (fd < 0)
		return -1;
	if (have && geteuid() == 0 && fchown(fd, st.st_uid, st.st_gid) < 0) {
		int e = errno;
		close(fd);
		unlink(tmp);
		errno = e;
		return -1;
	}
	size_t len = strlen(text), off = 0;
	while (off < len) {
		ssize_t w = write(fd, text + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			int e = w < 0 ? errno : EIO;
			close(fd);
			unlink(tmp);
			errno = e;
			return -1;
		}
		off += (size_t)w;
	}
	if (fsync(fd) < 0 || close(fd) < 0 || rename(tmp, path) < 0) {
		int e = errno;
		unlink(tmp);
		errno = e;
		return -1;
	}
	return 0;
}

/* 0: removed, EALREADY: not there, else an errno value (logged). */
static int remove_node_here(const char *name, unsigned nodeid)
{
	const char *path = conf_path();
	char *text = read_file(path);
	if (!text) {
		int e = errno ? errno : EIO;
		log_error("evict %s: cannot read %s: %s", name, path, strerror(e));
		return e;
	}
	char *out = without_node(text, name, nodeid);
	free(text);
	if (!out)
		return EALREADY;
	int rc = write_file(path, out) < 0 ? errno : 0;
	free(out);
	if (rc) {
		log_error("evict %s: cannot write %s: %s", name, path, strerror(rc));
		return rc;
	}
	log_info("evict %s: removed it from %s's nodelist", name, path);
	return 0;
}

/* Run argv (found in PATH), stdin /dev/null, bounded in time; 0 when it
 * exited 0, else an errno value (logged). */
static int run_tool(char *const argv[])
{
	pid_t pid;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		log_error("cannot run %s: %s", argv[0], strerror(rc));
		return rc;
	}
	struct timespec ten_ms = { 0, 10 * 1000 * 1000 };
	for (int waited = 0;; waited += 10) {
		int status;
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid) {
			if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
				return 0;
			log_error("%s %s failed (status %d)", argv[0], argv[1] ? argv[1] : "", status);
			return EIO;
		}
		if (w < 0 && errno != EINTR)
			return errno;
		if (waited >= TOOL_TIMEOUT_MS) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			log_error("%s did not finish within %d ms", argv[0], TOOL_TIMEOUT_MS);
			return ETIMEDOUT;
		}
		nanosleep(&ten_ms, NULL);
	}
}

static int reload_here(void)
{
	char *argv[] = { "corosync-cfgtool", "-R", NULL };
	return run_tool(argv);
}

static int crm_node_remove_here(const char *name)
{
	char *argv[] = { "crm_node", "--force", "-R", (char *)name, NULL };
	return run_tool(argv);
}

/* ---- the requests ------------------------------------------------------------- */

bool launch_pcmk_req_ok(const struct launch_req *r)
{
	switch (r->op) {
	case LAUNCH_COROSYNC_REMOVE_NODE:
		return r->pid >= 0 && !r->sig && !r->user[0] && launch_node_name_ok(r->cmd);
	case LAUNCH_COROSYNC_RELOAD:
		return !r->pid && !r->sig && !r->user[0] && !r->cmd[0];
	case LAUNCH_CRM_NODE_REMOVE:
		return !r->pid && !r->sig && !r->user[0] && launch_node_name_ok(r->cmd);
	default:
		return false;
	}
}

int launch_pcmk_handle(const struct launch_req *r, int logfd, bool dry_run)
{
	if (logfd >= 0)
		return EBADF; /* none of these takes a descriptor */
	if (dry_run)
		return 0;
	switch (r->op) {
	case LAUNCH_COROSYNC_REMOVE_NODE:
		return remove_node_here(r->cmd, (unsigned)r->pid);
	case LAUNCH_COROSYNC_RELOAD:
		return reload_here();
	case LAUNCH_CRM_NODE_REMOVE:
		return crm_node_remove_here(r->cmd);
	default:
		return EINVAL;
	}
}

/* ---- the asking side ------------------------------------------------------------ */

static int pcmk_ask(uint32_t op, const char *name, int32_t pid)
{
	if (name && !launch_node_name_ok(name))
		return EINVAL;
	if (!launch_helper_running()) {
		/* No helper: this process does it (as it is). */
		if (op == LAUNCH_COROSYNC_RELOAD)
			return reload_here();
		if (op == LAUNCH_CRM_NODE_REMOVE)
			return crm_node_remove_here(name);
		return remove_node_here(name, (unsigned)pid);
	}
	return launch_helper_ask_pcmk(op, name, pid);
}

int launch_corosync_remove_node(const char *name, unsigned nodeid)
{
	return pcmk_ask(LAUNCH_COROSYNC_REMOVE_NODE, name, nodeid > INT32_MAX ? 0 : (int32_t)nodeid);
}

int launch_corosync_reload(void)
{
	return pcmk_ask(LAUNCH_COROSYNC_RELOAD, NULL, 0);
}

int launch_crm_node_remove(const char *name)
{
	return pcmk_ask(LAUNCH_CRM_NODE_REMOVE, name, 0);
}
