/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Cluster identity: its name (kept in the state directory), this node's name and
 * the version numbers we report. */
#ifndef SERVER_IDENTITY_H
#define SERVER_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>

#include "base/werror.h"

#define IDENTITY_MAX_NAME 63

/* Reported by GetClusterVersion2: the MS-CMRP level we implement is that of
 * Windows Server 2016 (NT 10.0, cluster functional level 9). */
#define CLUSTERD_VERSION_MAJOR 10
#define CLUSTERD_VERSION_MINOR 0
#define CLUSTERD_VERSION_BUILD 14393
#define CLUSTERD_CLUSTER_LEVEL 0x00090000u
#define CLUSTERD_VENDOR "libclusapi clusterd"

struct identity {
	char state_dir[512];
	char cluster_name[IDENTITY_MAX_NAME + 1];
	char node_name[IDENTITY_MAX_NAME + 1];
	bool name_fixed; /* the name is the cluster engine's (corosync's): not ours to change */
};

/* Load the cluster name from STATE/cluster-name, creating it from the host name
 * on first start.  node_name may be NULL (host name).  -1 with err. */
int identity_load(struct identity *id, const char *state_dir, const char *node_name, char *err, size_t errlen);
/* Is this a valid cluster name (a DNS label: letters, digits and '-', 1..63,
 * not starting or ending with '-', not all digits)? */
bool identity_name_valid(const char *name);
/* Rename durably (write, fsync, rename, fsync dir).  ERROR_INVALID_NAME or a
 * write failure code; ERROR_NOT_SUPPORTED when name_fixed. */
DWORD identity_set_cluster_name(struct identity *id, const char *name);

#endif
