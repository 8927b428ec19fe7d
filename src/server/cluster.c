/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The cluster family of MS-CMRP calls: open/close a cluster handle, its name and
 * version.  Each handler checks access, acts and fills the typed reply
 * (dispatch.c decodes and encodes).
 */
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/utf16.h"
#include "auth.h"
#include "clusterd.h"
#include "cmrp/cmrp.h"
#include "ops.h"
#include "session.h"

/* OpenCluster (in: cmrp_empty) and OpenClusterEx (in: cmrp_u32_in). */
static uint32_t op_open_cluster(struct session *s, const struct ops_call *c, void *in, void *out)
{
	struct cmrp_open_cluster_out *o = out;
	bool ex = c->opnum == CMRP_OPEN_CLUSTER_EX;
	uint32_t desired = ex ? ((const struct cmrp_u32_in *)in)->v : GENERIC_ALL;
	unsigned rights;

	/* ApiOpenCluster requires "All" (MS-CMRP 3.1.4.2.1). */
	o->status = access_grant(desired, ops_caller_rights(s), &rights, &o->granted);
	if (o->status == ERROR_SUCCESS &&
	    !session_handle_new(s, HANDLE_CLUSTER, (uint8_t)rights, NULL, NULL, &o->handle))
		o->status = ERROR_NOT_ENOUGH_MEMORY;
	if (o->status != ERROR_SUCCESS) {
		char who[64];
		principal_describe(&s->who, who, sizeof(who));
		log_debug("OpenCluster%s for %s (desired 0x%08x): error %u", ex ? "Ex" : "", who, desired, o->status);
		o->granted = 0;
	}
	return 0;
}

static uint32_t op_set_cluster_name(struct session *s, const struct ops_call *c, void *in, void *out)
{
	const struct cmrp_string *name = &((const struct cmrp_name_in *)in)->name;
	uint32_t result;

	(void)c;
	if ((ops_caller_rights(s) & ACCESS_ALL) != ACCESS_ALL) {
		result = ERROR_ACCESS_DENIED;
	} else {
		char *utf8 = utf16_to_utf8_dup(name->s, name->units);
		if (!utf8) {
			result = ERROR_INVALID_NAME;
		} else if (strcmp(utf8, s->server->id.cluster_name) == 0) {
			result = ERROR_RESOURCE_PROPERTIES_STORED;
		} else {
			result = identity_set_cluster_name(&s->server->id, utf8);
			if (result == ERROR_SUCCESS) {
				log_info("cluster renamed to \"%s\"", utf8);
				notify_cluster_property(s->server, utf8);
				/* MS-CMRP 3.1.4.2.2: the new name is stored and takes
				 * effect when the core network name comes back online. */
				result = ERROR_RESOURCE_PROPERTIES_STORED;
			}
		}
		free(utf8);
	}
	((struct cmrp_status_result_out *)out)->result = result;
	return 0;
}

static uint32_t op_get_cluster_name(struct session *s, const struct ops_call *c, void *in, void *out)
{
	struct cmrp_cluster_name_out *o = out;

	(void)c, (void)in;
	if (!(ops_caller_rights(s) & ACCESS_READ)) {
		o->result = ERROR_ACCESS_DENIED;
	} else if (!ops_string(&o->cluster, s->server->id.cluster_name) ||
		   !ops_string(&o->node, s->server->id.node_name)) {
		o->result = ERROR_NOT_ENOUGH_MEMORY;
	}
	return 0;
}

static uint32_t op_get_cluster_version(struct session *s, const struct ops_call *c, void *in, void *out)
{
	struct cmrp_version_out *o = out;

	(void)in;
	if (c->opnum == CMRP_GET_CLUSTER_VERSION) {
		/* Opnum 4 is not used in protocol version 3 (MS-CMRP 3.1.4.2.5). */
		o->result = ERROR_CALL_NOT_IMPLEMENTED;
	} else if (!(ops_caller_rights(s) & ACCESS_READ)) {
		o->result = ERROR_ACCESS_DENIED;
	} else {
		o->major = CLUSTERD_VERSION_MAJOR;
		o->minor = CLUSTERD_VERSION_MINOR;
		o->build = CLUSTERD_VERSION_BUILD;
		o->has_opver = true;
		o->highest = CLUSTERD_CLUSTER_LEVEL;
		o->lowest = CLUSTERD_CLUSTER_LEVEL;
		if (!ops_string(&o->vendor, CLUSTERD_VENDOR) ||
		    !ops_string(&o->csd, "clusterd " CLUSAPI_VERSION_STRING))
			o->result = ERROR_NOT_ENOUGH_MEMORY;
	}
	return 0;
}

/* CloseCluster is objects.c's close_handle. */
const struct ops_entry ops_cluster_calls[] = {
	{ CMRP_OPEN_CLUSTER, op_open_cluster, 0, false },
	{ CMRP_OPEN_CLUSTER_EX, op_open_cluster, 0, true },
	{ CMRP_SET_CLUSTER_NAME, op_set_cluster_name, 0, false },
	{ CMRP_GET_CLUSTER_NAME, op_get_cluster_name, 0, false },
	{ CMRP_GET_CLUSTER_VERSION, op_get_cluster_version, 0, false },
	{ CMRP_GET_CLUSTER_VERSION2, op_get_cluster_version, 0, false },
	{ 0, NULL, 0, false },
};
