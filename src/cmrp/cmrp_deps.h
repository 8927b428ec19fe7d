/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Issue 11, dependencies and owners: the one request shape of theirs that no
 * other call had.  (handle, optional UTF-16 text) in two NDR forms:
 *   CMRP_WSTR_STRING  [in, string, unique] LPCWSTR        (109 SetResourceDependencyExpression)
 *   CMRP_WSTR_COUNTED [in, unique, size_is(cch)] WCHAR *, [in] DWORD cch
 *                                                      (54 SetGroupNodeList: a multi-string)
 * The other calls of the family (19-21, 23-25) are (handle, handle).
 */
#ifndef CMRP_CMRP_DEPS_H
#define CMRP_CMRP_DEPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rpc/ndr.h"

enum { CMRP_WSTR_STRING = 0, CMRP_WSTR_COUNTED = 1 };

/* Their opnums. */
enum cmrp_deps_opnum {
	CMRP_ADD_RESOURCE_DEPENDENCY = 19,
	CMRP_REMOVE_RESOURCE_DEPENDENCY = 20,
	CMRP_CAN_RESOURCE_BE_DEPENDENT = 21,
	CMRP_ADD_RESOURCE_NODE = 23,
	CMRP_REMOVE_RESOURCE_NODE = 24,
	CMRP_CHANGE_RESOURCE_GROUP = 25,
	CMRP_SET_GROUP_NODE_LIST = 54,
	CMRP_SET_RESOURCE_DEPENDENCY_EXPRESSION = 109,
};

/* Longest text either form carries, in UTF-16 units. */
#define CMRP_MAX_WSTR_UNITS 65536u

struct cmrp_handle_wstr_in {
	struct rpc_ctx_handle handle;
	bool present;  /* false: a NULL pointer */
	uint16_t *s;   /* units units, plus a NUL the decoder adds */
	uint32_t units; /* STRING: without its NUL; COUNTED: cch as sent */
};

bool cmrp_handle_wstr_encode_in(struct ndr_push *p, const struct cmrp_handle_wstr_in *r, unsigned form);
bool cmrp_handle_wstr_decode_in(struct ndr_pull *in, struct cmrp_handle_wstr_in *r, unsigned form);
void cmrp_handle_wstr_in_free(struct cmrp_handle_wstr_in *r);

#endif
