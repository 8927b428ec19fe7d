/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libclusapi, issue 11 parts 1 and 2: resource dependencies, possible owners
 * of a resource, preferred owners of a group, moving a resource to another
 * group.  Each is one MS-CMRP call (cmrp_deps.h); the rules are the
 * server's (src/server/deps.c).
 */
#include <stdlib.h>
#include <string.h>

#include "base/utf16.h"
#include "base/werror.h"
#include "cmrp/cmrp_objects.h"
#include "objects_int.h"

CLUSAPI_API DWORD AddClusterResourceDependency(HRESOURCE hResource, HRESOURCE hDependsOn)
{
	return objects_call_two(hResource, OBJECTS_RESOURCE, hDependsOn, OBJECTS_RESOURCE,
				CMRP_ADD_RESOURCE_DEPENDENCY);
}

CLUSAPI_API DWORD RemoveClusterResourceDependency(HRESOURCE hResource, HRESOURCE hDependsOn)
{
	return objects_call_two(hResource, OBJECTS_RESOURCE, hDependsOn, OBJECTS_RESOURCE,
				CMRP_REMOVE_RESOURCE_DEPENDENCY);
}

CLUSAPI_API BOOL CanResourceBeDependent(HRESOURCE hResource, HRESOURCE hResourceDependent)
{
	DWORD err = objects_call_two(hResource, OBJECTS_RESOURCE, hResourceDependent, OBJECTS_RESOURCE,
				     CMRP_CAN_RESOURCE_BE_DEPENDENT);
	werror_set_last(err);
	return err == ERROR_SUCCESS;
}

CLUSAPI_API DWORD SetClusterResourceDependencyExpression(HRESOURCE hResource, LPCWSTR lpszDependencyExpression)
{
	struct cmrp_handle_wstr_in in = { .present = lpszDependencyExpression != NULL };
	if (lpszDependencyExpression) {
		size_t units = utf16_len((const uint16_t *)lpszDependencyExpression);
		if (units >= CMRP_MAX_WSTR_UNITS)
			return ERROR_INVALID_PARAMETER;
		in.s = (uint16_t *)lpszDependencyExpression;
		in.units = (uint32_t)units;
	}
	return objects_call_wstr(hResource, OBJECTS_RESOURCE, CMRP_SET_RESOURCE_DEPENDENCY_EXPRESSION, &in);
}

CLUSAPI_API DWORD GetClusterResourceDependencyExpression(HRESOURCE hResource, LPWSTR lpszDependencyExpression,
							 LPDWORD lpcchDependencyExpression)
{
	return objects_call_string(hResource, OBJECTS_RESOURCE, CMRP_GET_RESOURCE_DEPENDENCY_EXPRESSION,
				   lpszDependencyExpression, lpcchDependencyExpression);
}

CLUSAPI_API DWORD AddClusterResourceNode(HRESOURCE hResource, HNODE hNode)
{
	return objects_call_two(hResource, OBJECTS_RESOURCE, hNode, OBJECTS_NODE, CMRP_ADD_RESOURCE_NODE);
}

CLUSAPI_API DWORD RemoveClusterResourceNode(HRESOURCE hResource, HNODE hNode)
{
	return objects_call_two(hResource, OBJECTS_RESOURCE, hNode, OBJECTS_NODE, CMRP_REMOVE_RESOURCE_NODE);
}

CLUSAPI_API DWORD ChangeClusterResourceGroup(HRESOURCE hResource, HGROUP hGroup)
{
	return objects_call_two(hResource, OBJECTS_RESOURCE, hGroup, OBJECTS_GROUP, CMRP_CHANGE_RESOURCE_GROUP);
}

CLUSAPI_API DWORD SetClusterGroupNodeList(HGROUP hGroup, DWORD NodeCount, HNODE NodeList[])
{
	if (NodeCount && !NodeList)
		return ERROR_INVALID_PARAMETER;
	uint16_t *multi = NULL;
	uint32_t units = 0;
	DWORD err = objects_node_names(hGroup, NodeList, NodeCount, &multi, &units);
	if (err)
		return err;
	struct cmrp_handle_wstr_in in = { .present = NodeCount > 0, .s = multi, .units = units };
	err = objects_call_wstr(hGroup, OBJECTS_GROUP, CMRP_SET_GROUP_NODE_LIST, &in);
	free(multi);
	return err;
}
