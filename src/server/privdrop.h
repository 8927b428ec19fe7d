/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * clusterd gives up root: the user it becomes, the state directory handed to
 * it, and the drop itself (groups, gid, uid, no new privileges, a seccomp
 * filter when built with libseccomp).  See doc/design.md, "Least privilege".
 */
#ifndef CLUSTERD_PRIVDROP_H
#define CLUSTERD_PRIVDROP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define PRIVDROP_DEFAULT_USER "clusterd"
/* With the Pacemaker backend: Pacemaker's own user and group (corosync
 * admits IPC from them, the CIB admits members of the group). */
#define PRIVDROP_PACEMAKER_USER "hacluster"
#define PRIVDROP_PACEMAKER_GROUP "haclient"

struct privdrop {
	bool drop; /* false: clusterd stays as it was started */
	char user[64];
	uid_t uid;
	gid_t gid;
};

/* Decide: started as root, user (NULL: the default) is looked up; "root"
 * keeps root.  The default user missing, or unable to reach state_dir (a
 * directory above it closed to it), falls back to root with a warning in
 * *warn; for a named user that is an error.  Not root: nothing to drop (a user
 * other than ourselves is an error).  0 or -1 with err. */
int privdrop_plan(struct privdrop *pd, const char *user, const char *state_dir, char *warn, size_t warnlen, char *err,
		  size_t errlen);

/* The same for the Pacemaker backend: the default is hacluster with the
 * group haclient (either missing: root, with a warning); a named user keeps
 * its own group. */
int privdrop_plan_pacemaker(struct privdrop *pd, const char *user, const char *state_dir, char *warn, size_t warnlen,
			    char *err, size_t errlen);

/* Give the state directory, and what is in it (one level, and logs/), to
 * the user: it keeps the database, the ACL, the accounts and the logs
 * writable after the drop.  Symbolic links are left alone.  0 or -1 with err. */
int privdrop_own_state(const struct privdrop *pd, const char *dir, char *err, size_t errlen);

/* Become the user for good (and PR_SET_NO_NEW_PRIVS, seccomp).  0 or -1. */
int privdrop_drop(const struct privdrop *pd, char *err, size_t errlen);

/* Whether this clusterd was built with the seccomp filter. */
bool privdrop_have_seccomp(void);

#endif
