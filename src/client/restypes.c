/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libclusapi: resource types (issue 11, part 4).  CreateClusterResourceType
 * and DeleteClusterResourceType (ApiCreateResourceType /
 * ApiDeleteResourceType), the ClusterResourceType*Enum family
 * (ApiCreateResTypeEnum: the whole list at open, indexed locally, as the other
 * enumerations) and ClusterResourceTypeControl (ApiResourceTypeControl /
 * ApiNodeResourceTypeControl).
 */
#include <stdlib.h>
#include <string.h>

#include "base/utf16.h"
#include "base/werror.h"
#include "cmrp/cmrp.h"
#include "cmrp/cmrp_objects.h"
#include "cmrp/cmrp_table.h"
#include "registry.h"
#include "session.h"

#define KIND_RESTYPE_ENUM 0x52544555u /* "RTEU" */

static struct cluster_session *acquire(HCLUSTER h)
{
	struct cluster_session *s = registry_get((uintptr_t)h, KIND_CLUSTER);
	if (s)
		pthread_mutex_lock(&s->lock);
	return s;
}

static void release(HCLUSTER h, struct cluster_session *s)
{
	pthread_mutex_unlock(&s->lock);
	registry_put((uintptr_t)h);
}

/* A caller's string as the wire takes it; false for NULL or too long. */
static bool wire_string(LPCWSTR w, struct cmrp_string *out)
{
	if (!w)
		return false;
	out->s = (uint16_t *)w;
	out->units = utf16_len((const uint16_t *)w);
	return out->units < CMRP_MAX_NAME_UNITS;
}

static DWORD status_call(HCLUSTER h, uint16_t opnum, const void *in)
{
	struct cluster_session *s = acquire(h);
	if (!s)
		return ERROR_INVALID_HANDLE;
	struct cmrp_status_result_out r;
	DWORD err = session_op(s, opnum, in, &r);
	release(h, s);
	if (!err)
		err = r.result ? r.result : r.rpc_status;
	return err;
}

CLUSAPI_API DWORD CreateClusterResourceType(HCLUSTER hCluster, LPCWSTR lpszResourceTypeName,
					    LPCWSTR lpszDisplayName, LPCWSTR lpszResourceTypeDll,
					    DWORD dwLooksAlivePollInterval, DWORD dwIsAlivePollInterval)
{
	static const WCHAR empty[1] = { 0 };
	struct cmrp_create_restype_in r = { .looks_alive = dwLooksAlivePollInterval,
					    .is_alive = dwIsAlivePollInterval };
	if (!wire_string(lpszResourceTypeName, &r.name) || !wire_string(lpszResourceTypeDll, &r.dll) ||
	    !wire_string(lpszDisplayName ? lpszDisplayName : empty, &r.display) || !r.name.units || !r.dll.units)
		return ERROR_INVALID_PARAMETER;
	return status_call(hCluster, CMRP_CREATE_RESOURCE_TYPE, &r);
}

CLUSAPI_API DWORD DeleteClusterResourceType(HCLUSTER hCluster, LPCWSTR lpszResourceTypeName)
{
	struct cmrp_name_in r = { 0 };
	if (!wire_string(lpszResourceTypeName, &r.name))
		return ERROR_INVALID_PARAMETER;
	return status_call(hCluster, CMRP_DELETE_RESOURCE_TYPE, &r);
}

/* ---- the enumeration --------------------------------------------------------------------- */

static void enum_destroy(void *obj)
{
	struct cmrp_enum_out *e = obj;
	cmrp_enum_out_free(e);
	free(e);
}

CLUSAPI_API HRESTYPEENUM ClusterResourceTypeOpenEnum(HCLUSTER hCluster, LPCWSTR lpszResourceTypeName, DWORD dwType)
{
	struct cmrp_name_in r = { .v = dwType };
	if (!wire_string(lpszResourceTypeName, &r.name)) {
		werror_set_last(ERROR_INVALID_PARAMETER);
		return NULL;
	}
	struct cluster_session *s = acquire(hCluster);
	if (!s) {
		werror_set_last(ERROR_INVALID_HANDLE);
		return NULL;
	}
	struct cmrp_enum_out *a = calloc(1, sizeof(*a));
	DWORD err = a ? session_op(s, CMRP_CREATE_RES_TYPE_ENUM, &r, a) : ERROR_NOT_ENOUGH_MEMORY;
	release(hCluster, s);
	if (!err)
		err = a->result ? a->result : a->rpc_status;
	uintptr_t token = 0;
	if (!err) {
		token = registry_add(a, KIND_RESTYPE_ENUM, enum_destroy);
		if (!token)
			err = ERROR_NOT_ENOUGH_MEMORY;
	}
	if (!token && a)
		enum_destroy(a);
	werror_set_last(err);
	return (HRESTYPEENUM)token;
}

CLUSAPI_API DWORD ClusterResourceTypeGetEnumCount(HRESTYPEENUM hResTypeEnum)
{
	struct cmrp_enum_out *e = registry_get((uintptr_t)hResTypeEnum, KIND_RESTYPE_ENUM);
	if (!e) {
		werror_set_last(ERROR_INVALID_HANDLE);
		return 0;
	}
	DWORD n = e->list.count;
	registry_put((uintptr_t)hResTypeEnum);
	werror_set_last(ERROR_SUCCESS);
	return n;
}

CLUSAPI_API DWORD ClusterResourceTypeEnum(HRESTYPEENUM hResTypeEnum, DWORD dwIndex, LPDWORD lpdwType,
					  LPWSTR lpszName, LPDWORD lpcchName)
{
	if (!lpcchName)
		return ERROR_INVALID_PARAMETER;
	struct cmrp_enum_out *e = registry_get((uintptr_t)hResTypeEnum, KIND_RESTYPE_ENUM);
	if (!e)
		return ERROR_INVALID_HANDLE;
	DWORD err;
	if (dwIndex >= e->list.count) {
		err = ERROR_NO_MORE_ITEMS;
	} else {
		const struct cmrp_enum_entry *en = &e->list.entries[dwIndex];
		if (lpdwType)
			*lpdwType = en->type;
		err = session_copy_out(&en->name, lpszName, lpcchName);
	}
	registry_put((uintptr_t)hResTypeEnum);
	return err;
}

CLUSAPI_API DWORD ClusterResourceTypeCloseEnum(HRESTYPEENUM hResTypeEnum)
{
	uintptr_t token = (uintptr_t)hResTypeEnum;
	if (!registry_take(token, KIND_RESTYPE_ENUM))
		return ERROR_INVALID_HANDLE;
	registry_put(token);
	return ERROR_SUCCESS;
}

/* ---- the control --------------------------------------------------------------------------- */

CLUSAPI_API DWORD ClusterResourceTypeControl(HCLUSTER hCluster, LPCWSTR lpszResourceTypeName, HNODE hHostNode,
					     DWORD dwControlCode, LPVOID lpInBuffer, DWORD nInBufferSize,
					     LPVOID lpOutBuffer, DWORD nOutBufferSize, LPDWORD lpBytesReturned)
{
	if ((!lpInBuffer && nInBufferSize) || (!lpOutBuffer && nOutBufferSize) ||
	    nInBufferSize > CMRP_MAX_BUFFER_BYTES)
		return ERROR_INVALID_PARAMETER;
	if (lpBytesReturned)
		*lpBytesReturned = 0;
	uint32_t out_size = nOutBufferSize > CMRP_MAX_BUFFER_BYTES ? CMRP_MAX_BUFFER_BYTES : nOutBufferSize;
	struct cmrp_control_in r = {
		.code = dwControlCode,
		.in = { .present = lpInBuffer != NULL, .data = lpInBuffer, .len = nInBufferSize },
		.out_size = out_size,
	};
	if (!wire_string(lpszResourceTypeName, &r.type_name))
		return ERROR_INVALID_PARAMETER;
	struct cluster_session *s = acquire(hCluster);
	if (!s)
		return ERROR_INVALID_HANDLE;
	r.handle = s->handle;
	DWORD err = hHostNode ? session_node_handle((uintptr_t)hCluster, hHostNode, &r.node) : ERROR_SUCCESS;
	struct cmrp_control_out o;
	memset(&o, 0, sizeof(o));
	if (!err)
		err = session_op(s, hHostNode ? CMRP_NODE_RESOURCE_TYPE_CONTROL : CMRP_RESOURCE_TYPE_CONTROL, &r, &o);
	release(hCluster, s);
	if (!err)
		err = o.result ? o.result : o.rpc_status;
	if (!err && o.returned > out_size)
		err = RPC_X_BAD_STUB_DATA;
	if (!err) {
		if (o.returned)
			memcpy(lpOutBuffer, o.data, o.returned);
		if (lpBytesReturned)
			*lpBytesReturned = o.returned;
	} else if (err == ERROR_MORE_DATA && lpBytesReturned) {
		*lpBytesReturned = o.required;
	}
	cmrp_control_out_free(&o);
	return err;
}
