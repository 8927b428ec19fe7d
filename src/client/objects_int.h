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

#include <stdint.h>

#include "clusapi.h"
#include "cmrp/cmrp_deps.h"

enum objects_kind { OBJECTS_NODE, OBJECTS_GROUP, OBJECTS_RESOURCE };

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

#endif
