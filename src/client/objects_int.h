/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What objects.c lends the other files of libclusapi that call on object
 * handles (issue 11: deps.c).  Each takes the handles' references and the
 * session's lock for the length of one call, as objects.c's own calls do;
 * objects of two handles must come from one cluster handle
 * (ERROR_INVALID_HANDLE otherwise).
 */
#ifndef CLIENT_OBJECTS_INT_H
#define CLIENT_OBJECTS_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "clusapi.h"
#include "cmrp/cmrp.h"
#include "cmrp/cmrp_deps.h"

enum objects_kind {
	OBJECTS_NODE,
	OBJECTS_GROUP,
	OBJECTS_RESOURCE,
	/* issue 13, controls and networks (controls.c) */
	OBJECTS_NETWORK,
	OBJECTS_NETIF,
	OBJECTS_CLUSTER, /* the HCLUSTER itself: objects_control only */
};

/* (handle a, handle b) -> (rpc_status, result). */
DWORD objects_call_two(const void *a, enum objects_kind ka, const void *b, enum objects_kind kb, uint16_t opnum);
/* (handle, text) -> (rpc_status, result): in's handle is filled in. */
DWORD objects_call_wstr(const void *h, enum objects_kind kind, uint16_t opnum, struct cmrp_handle_wstr_in *in);
/* (handle) -> (string, rpc_status, result), the string copied out as the
 * Get* calls do (ERROR_MORE_DATA with the length needed). */
DWORD objects_call_string(const void *h, enum objects_kind kind, uint16_t opnum, LPWSTR buf, LPDWORD cch);
/* The names of n node handles of hGroup's session as one multi-string
 * (malloc'd, *units with both final NULs). */
DWORD objects_node_names(const void *group, HNODE *nodes, DWORD n, uint16_t **multi, uint32_t *units);


/* ---- issue 13, controls and networks (controls.c) ---- */
/* A control call on h (opnum), or through hHostNode (node_opnum), with
 * ClusterResourceControl's buffer conventions. */
DWORD objects_control(const void *h, enum objects_kind kind, HNODE hHostNode, uint16_t opnum, uint16_t node_opnum,
		      DWORD code, LPVOID in, DWORD cb_in, LPVOID out, DWORD cb_out, LPDWORD returned);
/* Set*Name: (handle, name) -> (rpc_status, result). */
DWORD objects_set_name(const void *h, enum objects_kind kind, uint16_t opnum, LPCWSTR name);
/* A per-object enumeration (handle, type) -> ENUM_LIST, registered under
 * enum_tag; and its count, items and close, as ClusterNodeEnum's. */
void *objects_open_enum(const void *h, enum objects_kind kind, uint16_t opnum, DWORD type, uint32_t enum_tag);
DWORD objects_enum_count(const void *h, uint32_t enum_tag);
DWORD objects_enum_item(const void *h, uint32_t enum_tag, DWORD index, LPDWORD type, LPWSTR name, LPDWORD cch);
DWORD objects_enum_close(const void *h, uint32_t enum_tag);
/* One call on the session of a cluster handle (ERROR_INVALID_HANDLE if none). */
DWORD objects_cluster_call(HCLUSTER h, uint16_t opnum, const void *in, void *out);
/* Whether h is a live object of that kind opened from cluster. */
bool objects_of_cluster(const void *h, enum objects_kind kind, HCLUSTER cluster);
/* A string of a reply copied out as the Get* calls do (ERROR_MORE_DATA with
 * the length needed in *cch). */
DWORD objects_copy_string(const struct cmrp_string *src, LPWSTR buf, LPDWORD cch);

#endif
