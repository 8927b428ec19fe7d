/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Nodes, groups, resources, resource types, networks, interfaces, group sets. */
#include "ops.h"

bool ops_objects(struct session *s, uint16_t opnum, struct ndr_pull *in, struct ndr_push *out, uint32_t *fault)
{
	(void)s, (void)opnum, (void)in, (void)out, (void)fault;
	return false;
}
