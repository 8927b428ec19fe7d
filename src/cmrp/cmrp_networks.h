/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Issue 13, networks: the calls on networks and interfaces that had no
 * opnum here, and the two request shapes no other call had:
 *   (two [in, string] LPCWSTR)                          95 GetNetInterface(node, network)
 *   ([in, range(0, 1000)] DWORD n,
 *    [in, string, size_is(n)] LPWSTR list[*])           87 SetNetworkPriorityOrder
 * In the second, each element is an embedded pointer (the interface's
 * pointer_default is unique): n referent ids, then the strings, deferred.
 * SetNetworkName (84) is (handle, name) like SetGroupName; CreateNetworkEnum
 * (85) is (handle, type) like CreateNodeEnum.
 */
#ifndef CMRP_CMRP_NETWORKS_H
#define CMRP_CMRP_NETWORKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cmrp/cmrp.h"
#include "rpc/ndr.h"

enum cmrp_networks_opnum {
	CMRP_SET_NETWORK_NAME = 84,
	CMRP_CREATE_NETWORK_ENUM = 85,
	CMRP_SET_NETWORK_PRIORITY_ORDER = 87,
	CMRP_GET_NET_INTERFACE = 95,
};

/* SetNetworkPriorityOrder: [range(0, 1000)] NetworkCount. */
#define CMRP_MAX_NETWORK_LIST 1000u

struct cmrp_two_names_in {
	struct cmrp_string a, b;
};

struct cmrp_name_list_in {
	uint32_t count;
	struct cmrp_string *names; /* count entries; a NULL element has s == NULL */
};

bool cmrp_two_names_encode_in(struct ndr_push *p, const struct cmrp_two_names_in *r);
bool cmrp_two_names_decode_in(struct ndr_pull *in, struct cmrp_two_names_in *r);
void cmrp_two_names_in_free(struct cmrp_two_names_in *r);

bool cmrp_name_list_encode_in(struct ndr_push *p, const struct cmrp_name_list_in *r);
bool cmrp_name_list_decode_in(struct ndr_pull *in, struct cmrp_name_list_in *r);
void cmrp_name_list_in_free(struct cmrp_name_list_in *r);

#endif
