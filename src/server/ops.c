/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "ops.h"

#include <stdlib.h>
#include <string.h>

#include "base/utf16.h"

unsigned ops_caller_rights(struct session *s)
{
	/* A changed ACL file counts from the next turn of the loop on (every
	 * new open is in a later turn than the change); within one turn the
	 * calls share one stat().  Without a loop (turn stays 0): every call. */
	struct server_state *st = s->server;
	if (st->turn == 0 || st->acl_turn != st->turn) {
		acl_file_refresh(&st->acl);
		st->acl_turn = st->turn;
	}
	return acl_rights(&s->server->acl.acl, &s->who);
}

DWORD ops_be_error(int status, enum be_kind kind)
{
	static const DWORD not_found[BE_KIND_MAX + 1] = {
		[BE_NODE] = ERROR_CLUSTER_NODE_NOT_FOUND,
		[BE_GROUP] = ERROR_GROUP_NOT_FOUND,
		[BE_RESOURCE] = ERROR_RESOURCE_NOT_FOUND,
		[BE_RESTYPE] = ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND,
		[BE_NETWORK] = ERROR_CLUSTER_NETWORK_NOT_FOUND,
		[BE_NETIF] = ERROR_CLUSTER_NETINTERFACE_NOT_FOUND,
	};
	switch (status) {
	case BE_OK:
		return ERROR_SUCCESS;
	case BE_NOT_FOUND:
		return kind >= 1 && kind <= BE_KIND_MAX ? not_found[kind] : ERROR_FILE_NOT_FOUND;
	case BE_EXISTS:
		return ERROR_OBJECT_ALREADY_EXISTS;
	case BE_INVALID:
		return ERROR_INVALID_PARAMETER;
	case BE_BUSY:
		return ERROR_INVALID_STATE;
	case BE_NOT_EMPTY:
		return ERROR_DIR_NOT_EMPTY;
	case BE_DEPENDENCY:
		return ERROR_DEPENDENT_RESOURCE_EXISTS;
	case BE_NO_QUORUM:
		return ERROR_CLUSTER_NO_QUORUM;
	case BE_UNSUPPORTED:
		return ERROR_NOT_SUPPORTED;
	case BE_NO_MEMORY:
		return ERROR_NOT_ENOUGH_MEMORY;
	case BE_UNCONFIRMED: /* what a client gets for a call that may or may not have happened */
		return RPC_S_CALL_FAILED;
	case BE_NO_SPACE:
		return ERROR_NOT_ENOUGH_QUOTA;
	default:
		return ERROR_INTERNAL_ERROR;
	}
}

uint32_t ops_state(const struct be_object *o)
{
	switch (o->kind) {
	case BE_RESOURCE: /* ClusterResourceState */
		switch (o->state) {
		case BE_STATE_ONLINE:
			return 2;
		case BE_STATE_OFFLINE:
			return 3;
		case BE_STATE_FAILED:
			return 4;
		case BE_STATE_ONLINE_PENDING:
			return 0x81;
		case BE_STATE_OFFLINE_PENDING:
			return 0x82;
		default:
			return 0xffffffffu;
		}
	case BE_GROUP: /* ClusterGroupState */
		switch (o->state) {
		case BE_STATE_ONLINE:
			return 0;
		case BE_STATE_OFFLINE:
			return 1;
		case BE_STATE_FAILED:
			return 2;
		case BE_STATE_PARTIAL:
			return 3;
		case BE_STATE_ONLINE_PENDING:
		case BE_STATE_OFFLINE_PENDING:
			return 4;
		default:
			return 0xffffffffu;
		}
	case BE_NODE: /* ClusterNodeState: up 0, down 1, paused 2 */
		return o->state == BE_STATE_UP ? 0 : o->state == BE_STATE_DOWN ? 1 : o->state == BE_STATE_PAUSED ? 2 : 0xffffffffu;
	case BE_NETWORK: /* ClusterNetworkState: down 1, up 3 */
		return o->state == BE_STATE_UP ? 3 : o->state == BE_STATE_DOWN ? 1 : 0xffffffffu;
	case BE_NETIF: /* ClusterNetInterfaceState: failed 0, up 3 */
		return o->state == BE_STATE_UP ? 3 : o->state == BE_STATE_FAILED || o->state == BE_STATE_DOWN ? 0 : 0xffffffffu;
	default:
		return 0xffffffffu;
	}
}

uint8_t ops_handle_type(enum be_kind kind)
{
	switch (kind) {
	case BE_NODE:
		return HANDLE_NODE;
	case BE_GROUP:
		return HANDLE_GROUP;
	case BE_RESOURCE:
		return HANDLE_RESOURCE;
	case BE_NETWORK:
		return HANDLE_NETWORK;
	case BE_NETIF:
		return HANDLE_NETIF;
	default:
		return HANDLE_NONE;
	}
}

static enum be_kind kind_of(uint8_t type)
{
	switch (type) {
	case HANDLE_NODE:
		return BE_NODE;
	case HANDLE_GROUP:
	case HANDLE_GROUPSET:
		return BE_GROUP;
	case HANDLE_RESOURCE:
		return BE_RESOURCE;
	case HANDLE_NETWORK:
		return BE_NETWORK;
	default:
		return BE_NETIF;
	}
}

DWORD ops_object(struct session *s, const struct rpc_ctx_handle *h, uint8_t type, struct be_object *o,
		 struct handle_entry **entry)
{
	struct handle_entry *e = session_handle_find(s, h, type);
	if (!e)
		return ERROR_INVALID_HANDLE;
	if (entry)
		*entry = e;
	struct backend *b = s->server->be;
	return ops_be_error(b->ops->get(b, kind_of(type), e->obj, o), kind_of(type));
}

char *ops_utf8(const struct cmrp_string *s)
{
	return s->s ? utf16_to_utf8_dup(s->s, s->units) : NULL;
}

bool ops_string(struct cmrp_string *out, const char *utf8)
{
	out->s = utf16_from_utf8_dup(utf8);
	if (!out->s) {
		out->units = 0;
		return false;
	}
	out->units = utf16_len(out->s);
	return true;
}
