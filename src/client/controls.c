/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libclusapi, issue 13 parts 2 and 3: the control calls of every object kind
 * (ClusterResourceControl's conventions: ERROR_MORE_DATA with the size
 * needed in *lpBytesReturned), and the network calls: the interfaces on a
 * network, renaming, ids, the priority order, the interface of a node on a
 * network.  Each is one MS-CMRP call (cmrp_table.c); the rules are the
 * server's (src/server/control.c, src/server/networks.c).
 */
#include <stdlib.h>
#include <string.h>

#include "base/utf16.h"
#include "base/werror.h"
#include "cmrp/cmrp_objects.h"
#include "cmrp/cmrp_table.h"
#include "objects_int.h"

#define KIND_NETWORK_ENUM 0x4e574e55u /* "NWNU" */

/* ---- controls ------------------------------------------------------------------- */

CLUSAPI_API DWORD ClusterControl(HCLUSTER hCluster, HNODE hHostNode, DWORD dwControlCode, LPVOID lpInBuffer,
				 DWORD nInBufferSize, LPVOID lpOutBuffer, DWORD nOutBufferSize,
				 LPDWORD lpBytesReturned)
{
	return objects_control(hCluster, OBJECTS_CLUSTER, hHostNode, CMRP_CLUSTER_CONTROL, CMRP_NODE_CLUSTER_CONTROL,
			       dwControlCode, lpInBuffer, nInBufferSize, lpOutBuffer, nOutBufferSize, lpBytesReturned);
}

CLUSAPI_API DWORD ClusterNodeControl(HNODE hNode, HNODE hHostNode, DWORD dwControlCode, LPVOID lpInBuffer,
				     DWORD nInBufferSize, LPVOID lpOutBuffer, DWORD nOutBufferSize,
				     LPDWORD lpBytesReturned)
{
	return objects_control(hNode, OBJECTS_NODE, hHostNode, CMRP_NODE_CONTROL, CMRP_NODE_NODE_CONTROL,
			       dwControlCode, lpInBuffer, nInBufferSize, lpOutBuffer, nOutBufferSize, lpBytesReturned);
}

CLUSAPI_API DWORD ClusterGroupControl(HGROUP hGroup, HNODE hHostNode, DWORD dwControlCode, LPVOID lpInBuffer,
				      DWORD nInBufferSize, LPVOID lpOutBuffer, DWORD nOutBufferSize,
				      LPDWORD lpBytesReturned)
{
	return objects_control(hGroup, OBJECTS_GROUP, hHostNode, CMRP_GROUP_CONTROL, CMRP_NODE_GROUP_CONTROL,
			       dwControlCode, lpInBuffer, nInBufferSize, lpOutBuffer, nOutBufferSize, lpBytesReturned);
}

CLUSAPI_API DWORD ClusterNetworkControl(HNETWORK hNetwork, HNODE hHostNode, DWORD dwControlCode, LPVOID lpInBuffer,
					DWORD nInBufferSize, LPVOID lpOutBuffer, DWORD nOutBufferSize,
					LPDWORD lpBytesReturned)
{
	return objects_control(hNetwork, OBJECTS_NETWORK, hHostNode, CMRP_NETWORK_CONTROL, CMRP_NODE_NETWORK_CONTROL,
			       dwControlCode, lpInBuffer, nInBufferSize, lpOutBuffer, nOutBufferSize, lpBytesReturned);
}

CLUSAPI_API DWORD ClusterNetInterfaceControl(HNETINTERFACE hNetInterface, HNODE hHostNode, DWORD dwControlCode,
					     LPVOID lpInBuffer, DWORD nInBufferSize, LPVOID lpOutBuffer,
					     DWORD nOutBufferSize, LPDWORD lpBytesReturned)
{
	return objects_control(hNetInterface, OBJECTS_NETIF, hHostNode, CMRP_NET_INTERFACE_CONTROL,
			       CMRP_NODE_NET_INTERFACE_CONTROL, dwControlCode, lpInBuffer, nInBufferSize, lpOutBuffer,
			       nOutBufferSize, lpBytesReturned);
}

/* ---- networks ------------------------------------------------------------------- */

CLUSAPI_API HNETWORKENUM ClusterNetworkOpenEnum(HNETWORK hNetwork, DWORD dwType)
{
	return objects_open_enum(hNetwork, OBJECTS_NETWORK, CMRP_CREATE_NETWORK_ENUM, dwType, KIND_NETWORK_ENUM);
}

CLUSAPI_API DWORD ClusterNetworkGetEnumCount(HNETWORKENUM hNetworkEnum)
{
	return objects_enum_count(hNetworkEnum, KIND_NETWORK_ENUM);
}

CLUSAPI_API DWORD ClusterNetworkEnum(HNETWORKENUM hNetworkEnum, DWORD dwIndex, LPDWORD lpdwType, LPWSTR lpszName,
				     LPDWORD lpcchName)
{
	return objects_enum_item(hNetworkEnum, KIND_NETWORK_ENUM, dwIndex, lpdwType, lpszName, lpcchName);
}

CLUSAPI_API DWORD ClusterNetworkCloseEnum(HNETWORKENUM hNetworkEnum)
{
	return objects_enum_close(hNetworkEnum, KIND_NETWORK_ENUM);
}

CLUSAPI_API DWORD SetClusterNetworkName(HNETWORK hNetwork, LPCWSTR lpszName)
{
	return objects_set_name(hNetwork, OBJECTS_NETWORK, CMRP_SET_NETWORK_NAME, lpszName);
}

CLUSAPI_API DWORD GetClusterNetworkId(HNETWORK hNetwork, LPWSTR lpszNetworkId, LPDWORD lpcchName)
{
	return objects_call_string(hNetwork, OBJECTS_NETWORK, CMRP_GET_NETWORK_ID, lpszNetworkId, lpcchName);
}

CLUSAPI_API DWORD SetClusterNetworkPriorityOrder(HCLUSTER hCluster, DWORD NetworkCount, HNETWORK NetworkList[])
{
	if ((NetworkCount && !NetworkList) || NetworkCount > CMRP_MAX_NETWORK_LIST)
		return ERROR_INVALID_PARAMETER;
	struct cmrp_name_list_in in = { .count = NetworkCount };
	DWORD err = ERROR_SUCCESS;
	if (NetworkCount && !(in.names = calloc(NetworkCount, sizeof(*in.names))))
		return ERROR_NOT_ENOUGH_MEMORY;
	/* Each network's id, from a handle of this cluster handle's session. */
	for (DWORD i = 0; i < NetworkCount && !err; i++) {
		WCHAR id[64];
		DWORD cch = 64;
		if (!objects_of_cluster(NetworkList[i], OBJECTS_NETWORK, hCluster))
			err = ERROR_INVALID_HANDLE;
		if (!err)
			err = GetClusterNetworkId(NetworkList[i], id, &cch);
		if (!err && !(in.names[i].s = malloc((cch + 1) * sizeof(uint16_t))))
			err = ERROR_NOT_ENOUGH_MEMORY;
		if (!err) {
			memcpy(in.names[i].s, id, (cch + 1) * sizeof(uint16_t));
			in.names[i].units = cch;
		}
	}
	if (!err) {
		struct cmrp_status_result_out r;
		err = objects_cluster_call(hCluster, CMRP_SET_NETWORK_PRIORITY_ORDER, &in, &r);
		if (!err)
			err = r.result ? r.result : r.rpc_status;
	}
	cmrp_name_list_in_free(&in);
	return err;
}

static bool name_arg_ok(LPCWSTR s)
{
	return s && utf16_len((const uint16_t *)s) < CMRP_MAX_NAME_UNITS;
}

CLUSAPI_API DWORD GetClusterNetInterface(HCLUSTER hCluster, LPCWSTR lpszNodeName, LPCWSTR lpszNetworkName,
					 LPWSTR lpszInterfaceName, LPDWORD lpcchInterfaceName)
{
	if (!name_arg_ok(lpszNodeName) || !name_arg_ok(lpszNetworkName) || !lpcchInterfaceName)
		return ERROR_INVALID_PARAMETER;
	struct cmrp_two_names_in in = {
		{ (uint16_t *)lpszNodeName, utf16_len((const uint16_t *)lpszNodeName) },
		{ (uint16_t *)lpszNetworkName, utf16_len((const uint16_t *)lpszNetworkName) },
	};
	struct cmrp_string_result_out o;
	memset(&o, 0, sizeof(o));
	DWORD err = objects_cluster_call(hCluster, CMRP_GET_NET_INTERFACE, &in, &o);
	if (!err)
		err = o.result ? o.result : o.rpc_status;
	if (!err)
		err = objects_copy_string(&o.str, lpszInterfaceName, lpcchInterfaceName);
	cmrp_string_result_out_free(&o);
	return err;
}
