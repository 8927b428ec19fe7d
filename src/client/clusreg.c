/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libclusapi: the rest of the cluster registry (ClusterRegCreateKey,
 * ClusterRegDeleteKey, ClusterRegEnumValue, ClusterRegDeleteValue,
 * ClusterRegQueryInfoKey, ClusterRegGetKeySecurity, ClusterRegSetKeySecurity)
 * and the keys of objects (GetCluster{Node,Group,Resource,ResourceType,
 * Network,NetInterface}Key).  The calls are MS-CMRP opnums 29, 33, 35, 36,
 * 38, 39 and 40; an object's key is the subkey KIND\ID of the root (MS-CMRP
 * 3.1.1.2: Nodes, Groups, Resources, ResourceTypes by name, Networks,
 * NetworkInterfaces), opened with ApiGetRootKey and ApiOpenKey.
 */
#include <stdlib.h>
#include <string.h>

#include "base/utf16.h"
#include "base/werror.h"
#include "cmrp/cmrp_objects.h"
#include "cmrp/cmrp_table.h"
#include "session.h"

static const WCHAR empty_name[1] = { 0 };

/* (rpc_status, result) of a reply as one error. */
static DWORD status_of(DWORD err, uint32_t rpc_status, uint32_t result)
{
	return err ? err : result ? result : rpc_status;
}

static bool name_ok(LPCWSTR name, size_t *units)
{
	if (!name)
		return false;
	*units = utf16_len((const uint16_t *)name);
	return *units < CMRP_MAX_NAME_UNITS;
}

/* A subkey's path from the root: the parent's path (if any), '\\', name.
 * NULL (not reopenable) when the parent's path is unknown or no memory. */
static uint16_t *child_path(const struct object_use *u, LPCWSTR name, size_t units, size_t *out_units)
{
	if (!u->root && !u->path)
		return NULL;
	size_t lead = u->root ? 0 : u->units + 1;
	uint16_t *p = malloc((lead + units + 1) * sizeof(*p));
	if (!p)
		return NULL;
	if (!u->root) {
		memcpy(p, u->path, u->units * sizeof(*p));
		p[u->units] = '\\';
	}
	memcpy(p + lead, name, units * sizeof(*p));
	p[lead + units] = 0;
	*out_units = lead + units;
	return p;
}

CLUSAPI_API LONG ClusterRegCreateKey(HKEY hKey, LPCWSTR lpszSubKey, DWORD dwOptions, REGSAM samDesired,
				     LPSECURITY_ATTRIBUTES lpSecurityAttributes, PHKEY phkResult,
				     LPDWORD lpdwDisposition)
{
	size_t units;
	(void)lpSecurityAttributes; /* keys have the cluster's access list (see the man page) */
	if (!phkResult)
		return ERROR_INVALID_PARAMETER;
	*phkResult = NULL;
	if (!name_ok(lpszSubKey, &units) || units == 0)
		return lpszSubKey ? ERROR_INVALID_NAME : ERROR_INVALID_PARAMETER;
	struct object_use u;
	DWORD err = session_use_object(hKey, CMRP_HANDLE_KEY, &u);
	if (err)
		return (LONG)err;
	struct cmrp_create_key_in in = {
		.key = u.handle,
		.subkey = { (uint16_t *)lpszSubKey, units },
		.options = dwOptions,
		.sam_desired = samDesired,
	};
	struct cmrp_open_object_out a;
	err = session_op(u.s, CMRP_CREATE_KEY, &in, &a);
	err = status_of(err, a.rpc_status, a.status);
	if (!err) {
		size_t plen = 0;
		uint16_t *path = child_path(&u, lpszSubKey, units, &plen);
		*phkResult = session_new_key(u.s, u.cluster, &a.handle, path, plen, samDesired);
		free(path);
		if (!*phkResult)
			err = ERROR_NOT_ENOUGH_MEMORY;
		else if (lpdwDisposition)
			*lpdwDisposition = a.disposition;
	}
	session_unuse_object(&u);
	return (LONG)err;
}

/* A call (handle, name) -> (rpc_status, result) on a key. */
static DWORD key_name_call(HKEY hKey, uint16_t opnum, LPCWSTR name, bool empty_ok)
{
	size_t units;
	if (!name && empty_ok)
		name = empty_name;
	if (!name_ok(name, &units) || (!empty_ok && units == 0))
		return name ? ERROR_INVALID_NAME : ERROR_INVALID_PARAMETER;
	struct object_use u;
	DWORD err = session_use_object(hKey, CMRP_HANDLE_KEY, &u);
	if (err)
		return err;
	struct cmrp_handle_name_in in = { .handle = u.handle, .name = { (uint16_t *)name, units } };
	struct cmrp_status_result_out o;
	err = session_op(u.s, opnum, &in, &o);
	session_unuse_object(&u);
	return status_of(err, o.rpc_status, o.result);
}

CLUSAPI_API LONG ClusterRegDeleteKey(HKEY hKey, LPCWSTR lpszSubKey)
{
	return (LONG)key_name_call(hKey, CMRP_DELETE_KEY, lpszSubKey, false);
}

CLUSAPI_API DWORD ClusterRegDeleteValue(HKEY hKey, LPCWSTR lpszValueName)
{
	return key_name_call(hKey, CMRP_DELETE_VALUE, lpszValueName, true);
}

CLUSAPI_API DWORD ClusterRegEnumValue(HKEY hKey, DWORD dwIndex, LPWSTR lpszValueName, LPDWORD lpcchValueName,
				      LPDWORD lpdwType, LPBYTE lpData, LPDWORD lpcbData)
{
	if (!lpcchValueName || (lpData && !lpcbData))
		return ERROR_INVALID_PARAMETER;
	uint32_t cb = lpData ? *lpcbData : 0;
	if (cb > CMRP_MAX_BUFFER_BYTES)
		cb = CMRP_MAX_BUFFER_BYTES;
	struct object_use u;
	DWORD err = session_use_object(hKey, CMRP_HANDLE_KEY, &u);
	if (err)
		return err;
	struct cmrp_handle_u32s_in in = { u.handle, { dwIndex, cb } };
	struct cmrp_enum_value_out o;
	err = session_op(u.s, CMRP_ENUM_VALUE, &in, &o);
	session_unuse_object(&u);
	err = status_of(err, o.rpc_status, o.result);
	/* Without a data buffer, the data's size is a question, not an error. */
	if (err == ERROR_MORE_DATA && !lpData && o.name.s)
		err = ERROR_SUCCESS;
	if (!err && lpData && o.len > cb)
		err = RPC_X_BAD_STUB_DATA;
	if (!err || err == ERROR_MORE_DATA) {
		static const uint16_t none[1] = { 0 };
		struct cmrp_string nm = o.name.s ? o.name : (struct cmrp_string){ (uint16_t *)none, 0 };
		DWORD nerr = session_copy_out(&nm, lpszValueName, lpcchValueName);
		if (!lpszValueName)
			nerr = ERROR_MORE_DATA;
		if (lpdwType)
			*lpdwType = o.type;
		if (lpcbData)
			*lpcbData = o.total_size;
		if (!err && lpData && o.len)
			memcpy(lpData, o.data, o.len);
		if (!err)
			err = nerr;
	}
	cmrp_enum_value_out_free(&o);
	return err;
}

CLUSAPI_API LONG ClusterRegQueryInfoKey(HKEY hKey, LPDWORD lpcSubKeys, LPDWORD lpcchMaxSubKeyLen, LPDWORD lpcValues,
					LPDWORD lpcchMaxValueNameLen, LPDWORD lpcbMaxValueLen,
					LPDWORD lpcbSecurityDescriptor, PFILETIME lpftLastWriteTime)
{
	struct object_use u;
	DWORD err = session_use_object(hKey, CMRP_HANDLE_KEY, &u);
	if (err)
		return (LONG)err;
	struct cmrp_handle_in in = { u.handle };
	struct cmrp_query_info_key_out o;
	err = session_op(u.s, CMRP_QUERY_INFO_KEY, &in, &o);
	session_unuse_object(&u);
	err = status_of(err, o.rpc_status, o.result);
	if (!err) {
		if (lpcSubKeys)
			*lpcSubKeys = o.subkeys;
		if (lpcchMaxSubKeyLen)
			*lpcchMaxSubKeyLen = o.max_subkey_len;
		if (lpcValues)
			*lpcValues = o.values;
		if (lpcchMaxValueNameLen)
			*lpcchMaxValueNameLen = o.max_value_name_len;
		if (lpcbMaxValueLen)
			*lpcbMaxValueLen = o.max_value_len;
		if (lpcbSecurityDescriptor)
			*lpcbSecurityDescriptor = o.security_descriptor;
		if (lpftLastWriteTime) {
			lpftLastWriteTime->dwLowDateTime = (DWORD)o.last_write;
			lpftLastWriteTime->dwHighDateTime = (DWORD)(o.last_write >> 32);
		}
	}
	return (LONG)err;
}

CLUSAPI_API LONG ClusterRegGetKeySecurity(HKEY hKey, SECURITY_INFORMATION RequestedInformation,
					  PSECURITY_DESCRIPTOR pSecurityDescriptor, LPDWORD lpcbSecurityDescriptor)
{
	if (!lpcbSecurityDescriptor || (!pSecurityDescriptor && *lpcbSecurityDescriptor))
		return ERROR_INVALID_PARAMETER;
	uint32_t cb = *lpcbSecurityDescriptor;
	if (cb > CMRP_MAX_BUFFER_BYTES)
		cb = CMRP_MAX_BUFFER_BYTES;
	struct object_use u;
	DWORD err = session_use_object(hKey, CMRP_HANDLE_KEY, &u);
	if (err)
		return (LONG)err;
	struct cmrp_key_security_in in = { .key = u.handle, .secinfo = RequestedInformation,
					   .sd = { .present = true, .cb_in = cb } };
	struct cmrp_key_security_out o;
	err = session_op(u.s, CMRP_GET_KEY_SECURITY, &in, &o);
	session_unuse_object(&u);
	err = status_of(err, o.rpc_status, o.result);
	if (err == ERROR_INSUFFICIENT_BUFFER)
		*lpcbSecurityDescriptor = o.sd.cb_in;
	if (!err && (o.sd.cb_out > cb || (o.sd.cb_out && !o.sd.data)))
		err = RPC_X_BAD_STUB_DATA;
	if (!err) {
		if (o.sd.cb_out)
			memcpy(pSecurityDescriptor, o.sd.data, o.sd.cb_out);
		*lpcbSecurityDescriptor = o.sd.cb_out;
	}
	cmrp_security_descriptor_free(&o.sd);
	return (LONG)err;
}

/* The length of a self-relative security descriptor (the end of its last
 * part), or 0 if it is not one we can measure. */
static size_t sd_length(const uint8_t *sd)
{
	if (sd[0] != 1 || !(sd[3] & 0x80))
		return 0;
	size_t end = 20;
	for (int i = 0; i < 4; i++) {
		uint32_t off = (uint32_t)sd[4 + 4 * i] | (uint32_t)sd[5 + 4 * i] << 8 | (uint32_t)sd[6 + 4 * i] << 16 |
			       (uint32_t)sd[7 + 4 * i] << 24;
		if (!off)
			continue;
		if (off > CMRP_MAX_BUFFER_BYTES - 8)
			return 0;
		size_t len;
		if (i < 2) /* a SID: 8 + 4 per sub-authority */
			len = 8 + 4u * sd[off + 1];
		else /* an ACL: its AclSize */
			len = (size_t)sd[off + 2] | (size_t)sd[off + 3] << 8;
		if (off + len > end)
			end = off + len;
	}
	return end;
}

CLUSAPI_API LONG ClusterRegSetKeySecurity(HKEY hKey, SECURITY_INFORMATION SecurityInformation,
					  PSECURITY_DESCRIPTOR pSecurityDescriptor)
{
	if (!pSecurityDescriptor)
		return ERROR_INVALID_PARAMETER;
	size_t len = sd_length(pSecurityDescriptor);
	if (!len)
		return ERROR_INVALID_PARAMETER;
	struct object_use u;
	DWORD err = session_use_object(hKey, CMRP_HANDLE_KEY, &u);
	if (err)
		return (LONG)err;
	struct cmrp_key_security_in in = {
		.key = u.handle,
		.secinfo = SecurityInformation,
		.sd = { .present = true, .data = pSecurityDescriptor, .cb_in = (uint32_t)len, .cb_out = (uint32_t)len },
	};
	struct cmrp_status_result_out o;
	err = session_op(u.s, CMRP_SET_KEY_SECURITY, &in, &o);
	session_unuse_object(&u);
	return (LONG)status_of(err, o.rpc_status, o.result);
}

/* ---- the keys of objects ------------------------------------------------------ */

/* Open KIND\NAME under the root key on a locked session, as an HKEY; NULL
 * and the last error on failure. */
static HKEY open_object_key(struct cluster_session *s, HCLUSTER cluster, const char *kind, const struct cmrp_string *id,
			    REGSAM sam)
{
	size_t klen = strlen(kind);
	size_t units = klen + 1 + id->units;
	uint16_t *path = malloc((units + 1) * sizeof(*path));
	if (!path) {
		werror_set_last(ERROR_NOT_ENOUGH_MEMORY);
		return NULL;
	}
	for (size_t i = 0; i < klen; i++)
		path[i] = (uint16_t)kind[i];
	path[klen] = '\\';
	memcpy(path + klen + 1, id->s, id->units * sizeof(*path));
	path[units] = 0;

	struct cmrp_u32_in get = { sam };
	struct cmrp_open_object_out root, sub;
	HKEY key = NULL;
	DWORD err = session_op(s, CMRP_GET_ROOT_KEY, &get, &root);
	err = status_of(err, root.rpc_status, root.status);
	if (!err) {
		struct cmrp_handle_name_in open = { .handle = root.handle, .name = { path, units }, .v = { sam } };
		err = session_op(s, CMRP_OPEN_KEY, &open, &sub);
		err = status_of(err, sub.rpc_status, sub.status);
		struct cmrp_handle_in close = { root.handle };
		struct cmrp_close_out closed;
		session_op(s, CMRP_CLOSE_KEY, &close, &closed);
	}
	if (!err) {
		key = session_new_key(s, cluster, &sub.handle, path, units, sam);
		if (!key)
			err = ERROR_NOT_ENOUGH_MEMORY;
	}
	free(path);
	werror_set_last(err);
	return key;
}

static HKEY object_key(const void *h, uint8_t type, uint16_t id_opnum, const char *kind, REGSAM sam)
{
	struct object_use u;
	DWORD err = session_use_object(h, type, &u);
	if (err) {
		werror_set_last(err);
		return NULL;
	}
	struct cmrp_handle_in in = { u.handle };
	struct cmrp_string_result_out id;
	HKEY key = NULL;
	err = session_op(u.s, id_opnum, &in, &id);
	err = status_of(err, id.rpc_status, id.result);
	if (!err && (!id.str.s || !id.str.units))
		err = RPC_X_BAD_STUB_DATA;
	if (!err)
		key = open_object_key(u.s, u.cluster, kind, &id.str, sam);
	else
		werror_set_last(err);
	cmrp_string_result_out_free(&id);
	session_unuse_object(&u);
	return key;
}

CLUSAPI_API HKEY GetClusterNodeKey(HNODE hNode, REGSAM samDesired)
{
	return object_key(hNode, CMRP_HANDLE_NODE, CMRP_GET_NODE_ID, "Nodes", samDesired);
}

CLUSAPI_API HKEY GetClusterGroupKey(HGROUP hGroup, REGSAM samDesired)
{
	return object_key(hGroup, CMRP_HANDLE_GROUP, CMRP_GET_GROUP_ID, "Groups", samDesired);
}

CLUSAPI_API HKEY GetClusterResourceKey(HRESOURCE hResource, REGSAM samDesired)
{
	return object_key(hResource, CMRP_HANDLE_RESOURCE, CMRP_GET_RESOURCE_ID, "Resources", samDesired);
}

CLUSAPI_API HKEY GetClusterNetworkKey(HNETWORK hNetwork, REGSAM samDesired)
{
	return object_key(hNetwork, CMRP_HANDLE_NETWORK, CMRP_GET_NETWORK_ID, "Networks", samDesired);
}

CLUSAPI_API HKEY GetClusterNetInterfaceKey(HNETINTERFACE hNetInterface, REGSAM samDesired)
{
	return object_key(hNetInterface, CMRP_HANDLE_NETIF, CMRP_GET_NET_INTERFACE_ID, "NetworkInterfaces",
			  samDesired);
}

CLUSAPI_API HKEY GetClusterResourceTypeKey(HCLUSTER hCluster, LPCWSTR lpszTypeName, REGSAM samDesired)
{
	size_t units;
	if (!name_ok(lpszTypeName, &units) || !units) {
		werror_set_last(lpszTypeName ? ERROR_INVALID_NAME : ERROR_INVALID_PARAMETER);
		return NULL;
	}
	struct cluster_session *s = session_get(hCluster);
	if (!s) {
		werror_set_last(ERROR_INVALID_HANDLE);
		return NULL;
	}
	pthread_mutex_lock(&s->lock);
	struct cmrp_string name = { (uint16_t *)lpszTypeName, units };
	HKEY key = open_object_key(s, hCluster, "ResourceTypes", &name, samDesired);
	pthread_mutex_unlock(&s->lock);
	session_put(hCluster);
	return key;
}
