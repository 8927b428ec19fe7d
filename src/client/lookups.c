/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libclusapi: lookups and the rest of the classic calls.
 *
 *   GetClusterFrom{Node,Group,Resource,Network,NetInterface}: another cluster
 *     handle for the cluster of an object (a new session opened like the one
 *     the object came from; close it with CloseCluster).
 *   GetClusterNodeId: ApiGetNodeId (NULL: the node serving the local cluster).
 *   GetNodeClusterState: from local facts (the LPC socket answers, the state
 *     directory, the clusterd binary); another node's through its cluster.
 *   GetClusterQuorumResource / SetClusterQuorumResource: ApiGetQuorumResource
 *     and ApiSetQuorumResource (opnums 5 and 6).
 *   EvictClusterNodeEx: EvictClusterNode.
 *   BackupClusterDatabase: ApiBackupClusterDatabase (opnum 104): the server
 *     writes DIR/cluster.db.
 *   RestoreClusterDatabase: such a backup checked and put in place of this
 *     host's database, while clusterd is stopped.
 *   SetClusterServiceAccountPassword: a defined error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/utf16.h"
#include "base/werror.h"
#include "cmrp/cmrp_objects.h"
#include "cmrp/cmrp_table.h"
#include "session.h"

#ifndef CLUSTERD_PATH
#define CLUSTERD_PATH "/usr/sbin/clusterd"
#endif
#ifndef CLUSTERD_STATE_DIR
#define CLUSTERD_STATE_DIR "/var/lib/clusterd"
#endif

static DWORD status_of(DWORD err, uint32_t rpc_status, uint32_t result)
{
	return err ? err : result ? result : rpc_status;
}

/* ---- GetClusterFrom* ----------------------------------------------------------- */

static HCLUSTER cluster_from(const void *h, uint8_t type)
{
	struct object_use u;
	DWORD err = session_use_object(h, type, &u);
	if (err) {
		werror_set_last(err);
		return NULL;
	}
	HCLUSTER from = u.cluster;
	session_unuse_object(&u);
	/* Opened without the object's session locked: it may take a while. */
	HCLUSTER again = session_open_like(from, &err);
	werror_set_last(again ? ERROR_SUCCESS : err);
	return again;
}

CLUSAPI_API HCLUSTER GetClusterFromNode(HNODE hNode)
{
	return cluster_from(hNode, CMRP_HANDLE_NODE);
}

CLUSAPI_API HCLUSTER GetClusterFromGroup(HGROUP hGroup)
{
	return cluster_from(hGroup, CMRP_HANDLE_GROUP);
}

CLUSAPI_API HCLUSTER GetClusterFromResource(HRESOURCE hResource)
{
	return cluster_from(hResource, CMRP_HANDLE_RESOURCE);
}

CLUSAPI_API HCLUSTER GetClusterFromNetwork(HNETWORK hNetwork)
{
	return cluster_from(hNetwork, CMRP_HANDLE_NETWORK);
}

CLUSAPI_API HCLUSTER GetClusterFromNetInterface(HNETINTERFACE hNetInterface)
{
	return cluster_from(hNetInterface, CMRP_HANDLE_NETIF);
}

/* ---- GetClusterNodeId ------------------------------------------------------------ */

static DWORD node_id(HNODE hNode, LPWSTR buf, LPDWORD cch)
{
	struct object_use u;
	DWORD err = session_use_object(hNode, CMRP_HANDLE_NODE, &u);
	if (err)
		return err;
	struct cmrp_handle_in in = { u.handle };
	struct cmrp_string_result_out o;
	err = session_op(u.s, CMRP_GET_NODE_ID, &in, &o);
	session_unuse_object(&u);
	err = status_of(err, o.rpc_status, o.result);
	if (!err && !o.str.s)
		err = RPC_X_BAD_STUB_DATA;
	if (!err)
		err = session_copy_out(&o.str, buf, cch);
	cmrp_string_result_out_free(&o);
	return err;
}

CLUSAPI_API DWORD GetClusterNodeId(HNODE hNode, LPWSTR lpszNodeId, LPDWORD lpcchName)
{
	if (!lpcchName)
		return ERROR_INVALID_PARAMETER;
	if (hNode)
		return node_id(hNode, lpszNodeId, lpcchName);
	/* The local node: the one serving the local cluster. */
	HCLUSTER h = OpenClusterEx(NULL, GENERIC_READ, NULL);
	if (!h)
		return GetLastError();
	WCHAR name[256];
	DWORD n = 256;
	DWORD err = ClusapiGetConnectedNodeName(h, name, &n);
	if (!err) {
		HNODE node = OpenClusterNode(h, name);
		err = node ? node_id(node, lpszNodeId, lpcchName) : GetLastError();
		if (node)
			CloseClusterNode(node);
	}
	CloseCluster(h);
	return err;
}

/* ---- GetNodeClusterState ------------------------------------------------------------ */

/* Does something accept connections on the LPC socket (no RPC)? */
static bool lpc_answers(void)
{
	const char *path = ClusapiGetLocalSocketPath();
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (!path || strlen(path) >= sizeof(sa.sun_path))
		return false;
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	bool ok = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	close(fd);
	return ok;
}

static bool is_local_name(const char *name)
{
	char host[256];
	if (gethostname(host, sizeof(host) - 1) != 0)
		return false;
	host[sizeof(host) - 1] = 0;
	if (strcasecmp(name, host) == 0 || strcasecmp(name, "localhost") == 0)
		return true;
	/* The short name of either. */
	size_t hl = strcspn(host, "."), nl = strcspn(name, ".");
	return hl == nl && strncasecmp(name, host, hl) == 0 && (!name[nl] || !host[hl]);
}

CLUSAPI_API DWORD GetNodeClusterState(LPCWSTR lpszNodeName, LPDWORD pdwClusterState)
{
	if (!pdwClusterState)
		return ERROR_INVALID_PARAMETER;
	*pdwClusterState = ClusterStateNotInstalled;
	char *name = NULL;
	if (lpszNodeName && *lpszNodeName && !(name = ClusapiWideToUtf8(lpszNodeName)))
		return GetLastError();
	bool local = !name || is_local_name(name);
	DWORD err = ERROR_SUCCESS;
	if (local) {
		struct stat st;
		if (lpc_answers())
			*pdwClusterState = ClusterStateRunning;
		else if (stat(CLUSTERD_STATE_DIR "/cluster-name", &st) == 0)
			*pdwClusterState = ClusterStateNotRunning;
		else if (access(CLUSTERD_PATH, X_OK) == 0)
			*pdwClusterState = ClusterStateNotConfigured;
	} else {
		/* Another node: whether its cluster service answers. */
		HCLUSTER h = OpenClusterEx(lpszNodeName, GENERIC_READ, NULL);
		if (h) {
			*pdwClusterState = ClusterStateRunning;
			CloseCluster(h);
		} else {
			err = GetLastError();
			if (err == EPT_S_NOT_REGISTERED || err == RPC_S_SERVER_UNAVAILABLE) {
				/* The host answers (or not), the service does not: we
				 * cannot tell installed from not here. */
				*pdwClusterState = ClusterStateNotRunning;
				err = ERROR_SUCCESS;
			} else if (err == ERROR_ACCESS_DENIED) {
				*pdwClusterState = ClusterStateRunning; /* it answered */
				err = ERROR_SUCCESS;
			}
		}
	}
	free(name);
	return err;
}

/* ---- quorum ------------------------------------------------------------------------- */

CLUSAPI_API DWORD GetClusterQuorumResource(HCLUSTER hCluster, LPWSTR lpszResourceName, LPDWORD lpcchResourceName,
					   LPWSTR lpszDeviceName, LPDWORD lpcchDeviceName,
					   LPDWORD lpdwMaxQuorumLogSize)
{
	if (!lpcchResourceName || !lpcchDeviceName)
		return ERROR_INVALID_PARAMETER;
	struct cmrp_empty none = { 0 };
	struct cmrp_quorum_out o;
	DWORD err = session_call(hCluster, CMRP_GET_QUORUM_RESOURCE, &none, &o);
	err = status_of(err, o.rpc_status, o.result);
	if (!err) {
		static const uint16_t empty[1] = { 0 };
		struct cmrp_string e = { (uint16_t *)empty, 0 };
		DWORD e1 = session_copy_out(o.resource.s ? &o.resource : &e, lpszResourceName, lpcchResourceName);
		DWORD e2 = session_copy_out(o.device.s ? &o.device : &e, lpszDeviceName, lpcchDeviceName);
		err = e1 ? e1 : e2;
		if (lpdwMaxQuorumLogSize)
			*lpdwMaxQuorumLogSize = o.max_log_size;
	}
	cmrp_quorum_out_free(&o);
	return err;
}

CLUSAPI_API DWORD SetClusterQuorumResource(HRESOURCE hResource, LPCWSTR lpszDeviceName, DWORD dwMaxQuoLogSize)
{
	static const WCHAR empty[1] = { 0 };
	if (!lpszDeviceName)
		lpszDeviceName = empty;
	size_t units = utf16_len((const uint16_t *)lpszDeviceName);
	if (units >= CMRP_MAX_NAME_UNITS)
		return ERROR_INVALID_NAME;
	struct object_use u;
	DWORD err = session_use_object(hResource, CMRP_HANDLE_RESOURCE, &u);
	if (err)
		return err;
	struct cmrp_handle_name_in in = {
		.handle = u.handle, .name = { (uint16_t *)lpszDeviceName, units }, .v = { dwMaxQuoLogSize } };
	struct cmrp_status_result_out o;
	err = session_op(u.s, CMRP_SET_QUORUM_RESOURCE, &in, &o);
	session_unuse_object(&u);
	return status_of(err, o.rpc_status, o.result);
}

/* ---- the rest ----------------------------------------------------------------------- */

CLUSAPI_API DWORD EvictClusterNodeEx(HNODE hNode, DWORD dwTimeOut, HRESULT *phrCleanupStatus)
{
	(void)dwTimeOut; /* the eviction itself is one call; there is no cleanup to wait for */
	DWORD err = EvictClusterNode(hNode);
	if (phrCleanupStatus)
		*phrCleanupStatus = err ? (HRESULT)(0x80070000u | (err & 0xFFFFu)) : 0;
	return err;
}

CLUSAPI_API DWORD BackupClusterDatabase(HCLUSTER hCluster, LPCWSTR lpszPathName)
{
	size_t units;
	if (!lpszPathName || (units = utf16_len((const uint16_t *)lpszPathName)) == 0)
		return ERROR_INVALID_PARAMETER;
	if (units >= CMRP_MAX_NAME_UNITS)
		return ERROR_INVALID_NAME;
	struct cmrp_name_in in = { { (uint16_t *)lpszPathName, units }, 0 };
	struct cmrp_status_result_out o;
	DWORD err = session_call(hCluster, CMRP_BACKUP_CLUSTER_DATABASE, &in, &o);
	return status_of(err, o.rpc_status, o.result);
}

/* The schema version clusterd's embedded backend writes (PRAGMA user_version,
 * SCHEMA_VERSION in src/backend/embedded/embedded.c): a newer backup is one
 * this clusterd cannot read. */
#define CLUSTER_DB_SCHEMA_VERSION 1u

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Is fd a whole SQLite database of a schema we read?  From its header: the
 * magic, the page size, the size in pages against the file's size, and the
 * user version. */
static DWORD check_backup(int fd)
{
	uint8_t h[100];
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		return ERROR_FILE_NOT_FOUND;
	if (pread(fd, h, sizeof(h), 0) != (ssize_t)sizeof(h) || memcmp(h, "SQLite format 3", 16) != 0)
		return ERROR_FILE_CORRUPT;
	uint32_t page = (uint32_t)h[16] << 8 | h[17];
	if (page == 1)
		page = 65536;
	if (page < 512 || (page & (page - 1)) != 0 || st.st_size % page != 0)
		return ERROR_FILE_CORRUPT;
	/* The size in pages is valid when the change counter matches its
	 * version-valid-for number. */
	if (be32(h + 92) == be32(h + 24) && (uint64_t)be32(h + 28) * page != (uint64_t)st.st_size)
		return ERROR_FILE_CORRUPT;
	if (be32(h + 60) > CLUSTER_DB_SCHEMA_VERSION)
		return ERROR_REVISION_MISMATCH;
	return ERROR_SUCCESS;
}

static const char *state_dir(void)
{
	const char *d = getenv("CLUSAPI_STATE_DIR");
	return d && *d ? d : CLUSTERD_STATE_DIR;
}

CLUSAPI_API DWORD RestoreClusterDatabase(LPCWSTR lpszPathName, BOOL bForce, LPCWSTR lpszQuorumDriveLetter)
{
	(void)bForce, (void)lpszQuorumDriveLetter; /* one node: nothing to force, no quorum drive */
	if (!lpszPathName || !*lpszPathName)
		return ERROR_INVALID_PARAMETER;
	/* Not under a running clusterd. */
	if (lpc_answers())
		return ERROR_BUSY;
	char *dir = ClusapiWideToUtf8(lpszPathName);
	if (!dir)
		return GetLastError();
	char *from = NULL, *to = NULL, *tmp = NULL, *wal = NULL, *shm = NULL;
	const char *sd = state_dir();
	DWORD err = ERROR_SUCCESS;
	if (asprintf(&from, "%s/cluster.db", dir) < 0 || asprintf(&to, "%s/cluster.db", sd) < 0 ||
	    asprintf(&tmp, "%s/cluster.db.restore", sd) < 0 || asprintf(&wal, "%s/cluster.db-wal", sd) < 0 ||
	    asprintf(&shm, "%s/cluster.db-shm", sd) < 0)
		err = ERROR_NOT_ENOUGH_MEMORY;
	int in = -1, out = -1;
	if (!err && (in = open(from, O_RDONLY | O_CLOEXEC)) < 0)
		err = errno == ENOENT || errno == ENOTDIR ? ERROR_FILE_NOT_FOUND
		      : errno == EACCES		      ? ERROR_ACCESS_DENIED
							      : ERROR_FILE_CORRUPT;
	if (!err)
		err = check_backup(in);
	if (!err && (out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
		err = errno == ENOENT ? ERROR_PATH_NOT_FOUND : ERROR_ACCESS_DENIED;
	/* Copied whole to a file beside the database, on disk, then renamed over
	 * it; the old database's write-ahead log goes first, or SQLite would
	 * replay it onto the restored pages. */
	if (!err) {
		uint8_t buf[65536];
		ssize_t n;
		off_t off = 0;
		while ((n = pread(in, buf, sizeof(buf), off)) > 0) {
			if (write(out, buf, (size_t)n) != n) {
				err = ERROR_DISK_FULL;
				break;
			}
			off += n;
		}
		if (!err && (n < 0 || fsync(out) != 0))
			err = ERROR_DISK_FULL;
	}
	if (out >= 0 && close(out) != 0 && !err)
		err = ERROR_DISK_FULL;
	if (!err && ((unlink(wal) != 0 && errno != ENOENT) || (unlink(shm) != 0 && errno != ENOENT)))
		err = ERROR_ACCESS_DENIED;
	if (!err && rename(tmp, to) != 0)
		err = ERROR_ACCESS_DENIED;
	if (err && out >= 0)
		unlink(tmp);
	if (in >= 0)
		close(in);
	free(dir);
	free(from);
	free(to);
	free(tmp);
	free(wal);
	free(shm);
	return err;
}

CLUSAPI_API DWORD SetClusterServiceAccountPassword(LPCWSTR lpszClusterName, LPCWSTR lpszNewPassword, DWORD dwFlags,
						   PCLUSTER_SET_PASSWORD_STATUS lpReturnStatusBuffer,
						   LPDWORD lpcbReturnStatusBufferSize)
{
	(void)lpszClusterName, (void)lpszNewPassword, (void)dwFlags, (void)lpReturnStatusBuffer;
	/* clusterd runs as root or its own system user: there is no service
	 * account password to change (the server says the same on the wire). */
	if (lpcbReturnStatusBufferSize)
		*lpcbReturnStatusBufferSize = 0;
	return ERROR_CALL_NOT_IMPLEMENTED;
}
