/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend/backend.h"
#include "base/log.h"
#include "durable.h"

/* No state file of ours is larger. */
#define STORE_FILE_MAX (4u * 1024u * 1024u)

bool store_available(const struct backend *be)
{
	return be && be->ops->state_get && be->ops->state_put;
}

static void set_aside(const char *path, const char *suffix)
{
	char to[4200];
	snprintf(to, sizeof(to), "%s.%s", path, suffix);
	if (rename(path, to) < 0)
		log_error("cannot rename %s to %s: %s", path, to, strerror(errno));
}

static void wipe(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

/* A state text as a backend gives it back: one entry a line, its words
 * joined by one space, no comments, no blank lines. */
static char *canonical(const char *text)
{
	char *out = malloc(strlen(text) + 2), *o = out;
	if (!out)
		return NULL;
	for (const char *p = text; *p;) {
		size_t len = strcspn(p, "\n");
		const char *end = memchr(p, '#', len);
		bool any = false;
		for (const char *q = p; q < (end ? end : p + len);) {
			while (q < p + len && (*q == ' ' || *q == '\t' || *q == '\r'))
				q++;
			const char *w = q;
			while (q < (end ? end : p + len) && *q != ' ' && *q != '\t' && *q != '\r')
				q++;
			if (q > w) {
				if (any)
					*o++ = ' ';
				memcpy(o, w, (size_t)(q - w));
				o += q - w;
				any = true;
			}
			if (end && q >= end)
				break;
		}
		if (any)
			*o++ = '\n';
		p += len + (p[len] == '\n');
	}
	*o = 0;
	return out;
}

int store_adopt(struct backend *be, const char *name, bool secret, const char *path, const char *dflt, char **text,
		char *err, size_t errlen)
{
	char *cluster = NULL, *local = NULL;
	struct stat st;

	*text = NULL;
	int rc = be->ops->state_get(be, name, &cluster);
	if (rc != BE_OK) {
		snprintf(err, errlen, "cannot read the cluster's %s from the %s backend: %s", name, be->ops->name,
			 be_status_name(rc));
		return -1;
	}
	if (access(path, F_OK) == 0) {
		local = durable_read(path, STORE_FILE_MAX, &st, err, errlen);
		if (!local) {
			wipe(cluster);
			return -1;
		}
	}
	if (!cluster && (local || dflt)) {
		rc = be->ops->state_put(be, name, local ? local : dflt, secret);
		if (rc != BE_OK) {
			snprintf(err, errlen, "cannot store the %s in the %s backend: %s", name, be->ops->name,
				 be_status_name(rc));
			wipe(local);
			return -1;
		}
		if (local) {
			log_info("%s: migrated to the cluster-wide %s of the %s backend (the file is now %s.migrated)",
				 path, name, be->ops->name, path);
			set_aside(path, "migrated");
			wipe(local);
			local = NULL;
		}
		/* As the backend keeps it (and with what another node added). */
		rc = be->ops->state_get(be, name, &cluster);
		if (rc != BE_OK) {
			snprintf(err, errlen, "cannot read back the cluster's %s: %s", name, be_status_name(rc));
			return -1;
		}
	} else if (local) {
		char *canon = canonical(local);
		bool same = canon && strcmp(canon, cluster) == 0;
		wipe(canon);
		if (same) {
			log_info("%s: the same as the cluster-wide %s already is (the file is now %s.migrated)", path,
				 name, path);
			set_aside(path, "migrated");
		} else {
			log_error("%s: CONFLICT: this node's %s differs from the cluster-wide one another node stored "
				  "first; not merged: the cluster's is in force, this node's is kept as %s.conflict "
				  "(apply what it should add with clusctl)",
				  path, name, path);
			set_aside(path, "conflict");
		}
		wipe(local);
	}
	*text = cluster;
	return 0;
}
