/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The control calls (ClusterControl, ResourceControl, ...). */
#include "ops.h"

bool ops_control(struct session *s, uint16_t opnum, struct ndr_pull *in, struct ndr_push *out, uint32_t *fault)
{
	(void)s, (void)opnum, (void)in, (void)out, (void)fault;
	return false;
}
