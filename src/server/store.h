/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Where the access list and the NTLM accounts live: in files of the state
 * directory (embedded backend), or in the store a multi-node backend keeps for
 * the whole cluster (backend ops state_get / state_put: the Pacemaker backend
 * keeps them in the CIB, doc/pacemaker.md).  This file holds what both the
 * ACL and the accounts need from the second: the one-time adoption of a
 * node's old files.
 */
#ifndef SERVER_STORE_H
#define SERVER_STORE_H

#include <stdbool.h>
#include <stddef.h>

struct backend;

/* Whether the backend keeps the server's state for the cluster. */
bool store_available(const struct backend *be);

/*
 * The text of `name` in the backend's store, adopting the node's own file
 * `path` once:
 *   - the cluster has none, the file is there: the file's text is stored
 *     (logged) and the file renamed PATH.migrated;
 *   - the cluster has none, no file: dflt is stored (when not NULL);
 *   - the cluster has one and the file is there: the same text, and the file
 *     is renamed PATH.migrated; another text is a conflict, reported (an
 *     error line naming both) and not merged: the cluster's text stays in
 *     force and the file is renamed PATH.conflict for the administrator.
 * 0 and *text (malloc'd, NULL when the cluster has none and no dflt), or -1
 * with a sentence in err.
 */
int store_adopt(struct backend *be, const char *name, bool secret, const char *path, const char *dflt, char **text,
		char *err, size_t errlen);

#endif
