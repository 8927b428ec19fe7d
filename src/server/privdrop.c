/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * clusterd gives up root (see privdrop.h).
 */
#include "privdrop.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef CLUSTERD_HAVE_SECCOMP
#include <seccomp.h>
#endif

#if defined(__SANITIZE_ADDRESS__)
#define CLUSTERD_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CLUSTERD_SANITIZED 1
#endif
#endif

/* Whether the user can reach (search every directory above) path: asked of
 * a child that becomes the user. */
static bool reachable(const struct passwd *pw, const char *path)
{
	char parent[600];
	snprintf(parent, sizeof(parent), "%s", path);
	char *slash = strrchr(parent, '/');
	if (!slash)
		snprintf(parent, sizeof(parent), ".");
	else if (slash == parent)
		parent[1] = 0;
	else
		*slash = 0;
	pid_t pid = fork();
	if (pid < 0)
		return false;
	if (pid == 0) {
		if (setgroups(0, NULL) < 0 || setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0)
			_exit(1);
		_exit(access(parent, X_OK) == 0 ? 0 : 1);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return false;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* The decision for a default user dflt (and, unless a user is named, its
 * group dgroup: NULL for the user's own), how to create it being hint. */
static int plan(struct privdrop *pd, const char *user, const char *dflt, const char *dgroup, const char *hint,
		const char *state_dir, char *warn, size_t warnlen, char *err, size_t errlen)
{
	memset(pd, 0, sizeof(*pd));
	warn[0] = 0;
	bool named = user != NULL;
	if (!user)
		user = dflt;
	struct passwd *pw = getpwnam(user);
	if (geteuid() != 0) {
		if (named && (!pw || pw->pw_uid != geteuid())) {
			snprintf(err, errlen, "--user %s: only root can run clusterd as another user", user);
			return -1;
		}
		return 0;
	}
	if (strcmp(user, "root") == 0 || (pw && pw->pw_uid == 0)) {
		snprintf(warn, warnlen, "--user %s: clusterd stays root while it serves the network", user);
		return 0;
	}
	if (!pw) {
		if (named) {
			snprintf(err, errlen, "--user %s: no such user", user);
			return -1;
		}
		snprintf(warn, warnlen,
			 "there is no user \"%s\": clusterd stays root while it serves the network (%s; or choose "
			 "one with --user)",
			 user, hint);
		return 0;
	}
	gid_t gid = pw->pw_gid;
	if (!named && dgroup) {
		struct group *gr = getgrnam(dgroup);
		if (!gr) {
			snprintf(warn, warnlen,
				 "there is no group \"%s\": clusterd stays root while it serves the network (%s; or "
				 "choose a user with --user)",
				 dgroup, hint);
			return 0;
		}
		gid = gr->gr_gid;
	}
	if (!reachable(pw, state_dir)) {
		if (named) {
			snprintf(err, errlen, "--user %s cannot reach the state directory %s (a directory above it is "
				 "closed to it)", user, state_dir);
			return -1;
		}
		snprintf(warn, warnlen,
			 "user %s cannot reach the state directory %s (a directory above it is closed to it): clusterd "
			 "stays root while it serves the network (move the directory, or choose a user with --user)",
			 user, state_dir);
		return 0;
	}
	pd->drop = true;
	snprintf(pd->user, sizeof(pd->user), "%s", pw->pw_name);
	pd->uid = pw->pw_uid;
	pd->gid = gid;
	return 0;
}

int privdrop_plan(struct privdrop *pd, const char *user, const char *state_dir, char *warn, size_t warnlen, char *err,
		  size_t errlen)
{
	char hint[200];
	snprintf(hint, sizeof(hint),
		 "create the user: systemd-sysusers clusterd.conf, or adduser --system --group --no-create-home %s",
		 user ? user : PRIVDROP_DEFAULT_USER);
	return plan(pd, user, PRIVDROP_DEFAULT_USER, NULL, hint, state_dir, warn, warnlen, err, errlen);
}

int privdrop_plan_pacemaker(struct privdrop *pd, const char *user, const char *state_dir, char *warn, size_t warnlen,
			    char *err, size_t errlen)
{
	return plan(pd, user, PRIVDROP_PACEMAKER_USER, PRIVDROP_PACEMAKER_GROUP,
		    "Pacemaker's packages create " PRIVDROP_PACEMAKER_USER " and " PRIVDROP_PACEMAKER_GROUP
		    ": is pacemaker installed?",
		    state_dir, warn, warnlen, err, errlen);
}

static int own(int dirfd, const char *name, const struct privdrop *pd, char *err, size_t errlen)
{
	if (fchownat(dirfd, name, pd->uid, pd->gid, AT_SYMLINK_NOFOLLOW) < 0 && errno != ENOENT) {
		snprintf(err, errlen, "cannot give %s to user %s: %s", name, pd->user, strerror(errno));
		return -1;
	}
	return 0;
}

/* Every entry of the directory open at fd (not following links); logs/
 * one level deeper. */
static int own_entries(int fd, const struct privdrop *pd, bool descend, char *err, size_t errlen)
{
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		snprintf(err, errlen, "cannot read a directory to give it to %s: %s", pd->user, strerror(errno));
		return -1;
	}
	int rc = 0;
	struct dirent *de;
	while (rc == 0 && (de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		rc = own(dirfd(d), de->d_name, pd, err, errlen);
		if (rc == 0 && descend && strcmp(de->d_name, "logs") == 0) {
			int sub = openat(dirfd(d), "logs", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0)
				rc = own_entries(sub, pd, false, err, errlen);
		}
	}
	closedir(d);
	return rc;
}

int privdrop_own_state(const struct privdrop *pd, const char *dir, char *err, size_t errlen)
{
	if (!pd->drop)
		return 0;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fchown(fd, pd->uid, pd->gid) < 0) {
		snprintf(err, errlen, "cannot give the state directory %s to user %s: %s", dir, pd->user,
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return own_entries(fd, pd, true, err, errlen);
}

bool privdrop_have_seccomp(void)
{
#ifdef CLUSTERD_HAVE_SECCOMP
	return true;
#else
	return false;
#endif
}

#ifdef CLUSTERD_HAVE_SECCOMP
/* A deny list: what the network-facing process never does, refused with
 * EPERM (not a kill: a library probing for a feature goes on).  It never
 * runs a program (commands go through the privileged helper), never traces,
 * mounts, changes namespaces, loads modules or BPF, or sets the clock. */
static int apply_seccomp(char *err, size_t errlen)
{
	static const char *const denied[] = {
		"execve", "execveat",
#ifndef CLUSTERD_SANITIZED
		/* LeakSanitizer stops the world with ptrace at exit. */
		"ptrace",
#endif
		"process_vm_readv", "process_vm_writev", "mount", "umount2",
		"pivot_root", "chroot", "setns", "unshare", "kexec_load", "kexec_file_load", "init_module",
		"finit_module", "delete_module", "reboot", "swapon", "swapoff", "bpf", "perf_event_open",
		"open_by_handle_at", "userfaultfd", "acct", "settimeofday", "clock_settime", "clock_adjtime",
		"adjtimex", "iopl", "ioperm", "fsopen", "fsmount", "move_mount", "open_tree",
	};
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx) {
		snprintf(err, errlen, "seccomp_init failed");
		return -1;
	}
	/* Every thread: the Pacemaker backend's watch thread runs already (the
	 * kernel gives each the no-new-privileges flag with the filter). */
	int trc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	if (trc < 0) {
		snprintf(err, errlen, "seccomp: cannot filter every thread: %s", strerror(-trc));
		seccomp_release(ctx);
		return -1;
	}
	for (size_t i = 0; i < sizeof(denied) / sizeof(denied[0]); i++) {
		int nr = seccomp_syscall_resolve_name(denied[i]);
		if (nr == __NR_SCMP_ERROR)
			continue; /* not on this architecture */
		int rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0);
		if (rc < 0) {
			snprintf(err, errlen, "seccomp: cannot refuse %s: %s", denied[i], strerror(-rc));
			seccomp_release(ctx);
			return -1;
		}
	}
	int rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc < 0) {
		snprintf(err, errlen, "seccomp: cannot load the filter: %s", strerror(-rc));
		return -1;
	}
	return 0;
}
#endif

int privdrop_drop(const struct privdrop *pd, char *err, size_t errlen)
{
	if (!pd->drop)
		return 0; /* commands run from this process may still need setuid programs */
	{
		if (initgroups(pd->user, pd->gid) < 0 || setresgid(pd->gid, pd->gid, pd->gid) < 0 ||
		    setresuid(pd->uid, pd->uid, pd->uid) < 0) {
			snprintf(err, errlen, "cannot become user %s: %s", pd->user, strerror(errno));
			return -1;
		}
		if (setuid(0) == 0 || geteuid() != pd->uid || getegid() != pd->gid) {
			snprintf(err, errlen, "could become root again after switching to %s: refusing to go on",
				 pd->user);
			return -1;
		}
		/* setuid() made us non-dumpable: a core would hold secrets, and
		 * another process of the user cannot attach. */
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		snprintf(err, errlen, "PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
		return -1;
	}
#ifdef CLUSTERD_HAVE_SECCOMP
	if (apply_seccomp(err, errlen) < 0)
		return -1;
#endif
	return 0;
}
