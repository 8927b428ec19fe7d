/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The cluster family of MS-CMRP calls: open/close a cluster handle, its name and
 * version.  Each handler decodes with the shared cmrp codec, checks access,
 * acts, and encodes the reply; a stub that does not decode is an NDR fault.
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

static uint32_t op_open_cluster(struct session *s, struct ndr_pull *in, struct ndr_push *out, bool ex)
{
	struct cmrp_open_cluster_out o = { 0 };
	uint32_t desired = GENERIC_ALL;
	unsigned rights;

	if (ex && !cmrp_open_cluster_ex_decode_in(in, &desired))
		return NCA_S_FAULT_NDR;
	if (!ex && !cmrp_decode_done(in))
		return NCA_S_FAULT_NDR;
	/* ApiOpenCluster requires "All" (MS-CMRP 3.1.4.2.1). */
	o.status = access_grant(desired, ops_caller_rights(s), &rights, &o.granted);
	if (o.status == ERROR_SUCCESS && !session_handle_new(s, HANDLE_CLUSTER, (uint8_t)rights, NULL, NULL, &o.handle))
		o.status = ERROR_NOT_ENOUGH_MEMORY;
	if (o.status != ERROR_SUCCESS) {
		char who[64];
		principal_describe(&s->who, who, sizeof(who));
		log_debug("OpenCluster%s for %s (desired 0x%08x): error %u", ex ? "Ex" : "", who, desired, o.status);
		o.granted = 0;
	}
	cmrp_open_cluster_encode_out(out, &o, ex);
	return 0;
}

static uint32_t op_close_cluster(struct session *s, struct ndr_pull *in, struct ndr_push *out)
{
	struct rpc_ctx_handle h;
	if (!cmrp_handle_decode(in, &h))
		return NCA_S_FAULT_NDR;
	uint32_t result = session_handle_close(s, &h, HANDLE_CLUSTER) ? ERROR_SUCCESS : ERROR_INVALID_HANDLE;
	if (result == ERROR_SUCCESS)
		memset(&h, 0, sizeof(h));
	cmrp_close_encode_out(out, &h, result);
	return 0;
}

static uint32_t op_set_cluster_name(struct session *s, struct ndr_pull *in, struct ndr_push *out)
{
	struct cmrp_string name;
	uint32_t result;

	if (!cmrp_set_cluster_name_decode_in(in, &name))
		return NCA_S_FAULT_NDR;
	if ((ops_caller_rights(s) & ACCESS_ALL) != ACCESS_ALL) {
		result = ERROR_ACCESS_DENIED;
	} else {
		char *utf8 = utf16_to_utf8_dup(name.s, name.units);
		if (!utf8) {
			result = ERROR_INVALID_NAME;
		} else if (strcmp(utf8, s->server->id.cluster_name) == 0) {
			result = ERROR_RESOURCE_PROPERTIES_STORED;
		} else {
			result = identity_set_cluster_name(&s->server->id, utf8);
			if (result == ERROR_SUCCESS) {
				log_info("cluster renamed to \"%s\"", utf8);
				/* MS-CMRP 3.1.4.2.2: the new name is stored and takes
				 * effect when the core network name comes back online. */
				result = ERROR_RESOURCE_PROPERTIES_STORED;
			}
		}
		free(utf8);
	}
	cmrp_string_free(&name);
	cmrp_status_result_encode_out(out, ERROR_SUCCESS, result);
	return 0;
}

static uint32_t op_get_cluster_name(struct session *s, struct ndr_pull *in, struct ndr_push *out)
{
	struct cmrp_cluster_name_out o = { 0 };

	if (!cmrp_decode_done(in))
		return NCA_S_FAULT_NDR;
	if (!(ops_caller_rights(s) & ACCESS_READ)) {
		o.result = ERROR_ACCESS_DENIED;
	} else if (!ops_string(&o.cluster, s->server->id.cluster_name) ||
		   !ops_string(&o.node, s->server->id.node_name)) {
		o.result = ERROR_NOT_ENOUGH_MEMORY;
	}
	cmrp_get_cluster_name_encode_out(out, &o);
	cmrp_cluster_name_out_free(&o);
	return 0;
}

static uint32_t op_get_cluster_version(struct session *s, struct ndr_pull *in, struct ndr_push *out, bool v2)
{
	struct cmrp_version_out o = { 0 };

	if (!cmrp_decode_done(in))
		return NCA_S_FAULT_NDR;
	if (!v2) {
		/* Opnum 4 is not used in protocol version 3 (MS-CMRP 3.1.4.2.5). */
		o.result = ERROR_CALL_NOT_IMPLEMENTED;
	} else if (!(ops_caller_rights(s) & ACCESS_READ)) {
		o.result = ERROR_ACCESS_DENIED;
	} else {
		o.major = CLUSTERD_VERSION_MAJOR;
		o.minor = CLUSTERD_VERSION_MINOR;
		o.build = CLUSTERD_VERSION_BUILD;
		o.has_opver = true;
		o.highest = CLUSTERD_CLUSTER_LEVEL;
		o.lowest = CLUSTERD_CLUSTER_LEVEL;
		if (!ops_string(&o.vendor, CLUSTERD_VENDOR) || !ops_string(&o.csd, "clusterd " CLUSAPI_VERSION_STRING))
			o.result = ERROR_NOT_ENOUGH_MEMORY;
	}
	cmrp_version_encode_out(out, &o, v2);
	cmrp_version_out_free(&o);
	return 0;
}

static uint32_t cmrp_dispatch(const struct rpc_server_iface *iface, void *conn_user, uint16_t opnum,
			      struct ndr_pull *in, struct ndr_push *out)
{
	struct server_state *st = iface->ctx;
	struct session *s = conn_user;

	/* MS-CMRP 3.1.3: below PKT_PRIVACY a remote caller gets nothing. */
	if (!server_auth_check(s))
		return ERROR_ACCESS_DENIED;
	switch (opnum) {
	case CMRP_OPEN_CLUSTER:
		return op_open_cluster(s, in, out, false);
	case CMRP_CLOSE_CLUSTER:
		return op_close_cluster(s, in, out);
	case CMRP_SET_CLUSTER_NAME:
		return op_set_cluster_name(s, in, out);
	case CMRP_GET_CLUSTER_NAME:
		return op_get_cluster_name(s, in, out);
	case CMRP_GET_CLUSTER_VERSION:
		return op_get_cluster_version(s, in, out, false);
	case CMRP_GET_CLUSTER_VERSION2:
		return op_get_cluster_version(s, in, out, true);
	case CMRP_OPEN_CLUSTER_EX:
		if (st->down_level)
			return NCA_S_OP_RNG_ERROR;
		return op_open_cluster(s, in, out, true);
	default: {
		uint32_t fault = 0;
		if (ops_objects(s, opnum, in, out, &fault) || ops_registry(s, opnum, in, out, &fault) ||
		    ops_control(s, opnum, in, out, &fault) || ops_notify(s, opnum, in, out, &fault))
			return fault;
		return NCA_S_OP_RNG_ERROR;
	}
	}
}

void cmrp_server_iface(struct rpc_server_iface *iface, struct server_state *st)
{
	memset(iface, 0, sizeof(*iface));
	iface->syntax = cmrp_syntax;
	iface->name = "clusapi";
	iface->dispatch = cmrp_dispatch;
	iface->ctx = st;
}
