/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Issue 13, networks: SetNetworkName (84), CreateNetworkEnum (85),
 * SetNetworkPriorityOrder (87), GetNetInterface (95) (MS-CMRP 3.1.4.2.84-95).
 *
 * The priority order of the networks is the REG_MULTI_SZ value
 * NetworkPriority of the cluster registry's root key: network ids, most
 * preferred first.  SetNetworkPriorityOrder takes every network exactly once
 * (a list of another length, or with a network twice, is
 * ERROR_INVALID_PARAMETER; an id that names no network
 * ERROR_CLUSTER_NETWORK_NOT_FOUND) and writes nothing otherwise.
 * CreateEnum(CLUSTER_ENUM_INTERNAL_NETWORK) lists the networks in that order
 * (ops_networks_by_priority), networks the value does not name last, in the
 * backend's order.
 *
 * Renaming a network is the backend's: the embedded backend renames it (its
 * interfaces follow); the Pacemaker backend's networks are corosync's rings,
 * named by their subnets, and cannot be renamed (ERROR_NOT_SUPPORTED,
 * doc/pacemaker.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "base/utf16.h"
#include "ops.h"

#define PRIORITY_VALUE "NetworkPriority"

static struct backend *BE(struct session *s)
{
	return s->server->be;
}

static void reply_status(void *out, uint32_t result)
{
	((struct cmrp_status_result_out *)out)->result = result;
}

/* ---- the networks, copied out of the backend's visitor ---------------------------- */

struct netlist {
	struct be_object *v;
	size_t n;
};

static int netlist_add(const struct be_object *o, void *arg)
{
	struct netlist *l = arg;
	if (l->n >= CMRP_MAX_ENUM_ENTRIES)
		return BE_NO_MEMORY;
	struct be_object *nv = realloc(l->v, (l->n + 1) * sizeof(*nv));
	if (!nv)
		return BE_NO_MEMORY;
	l->v = nv;
	l->v[l->n++] = *o;
	return 0;
}

/* The index of the network with that id, or -1. */
static long netlist_find(const struct netlist *l, const char *id, size_t from)
{
	for (size_t i = from; i < l->n; i++)
		if (!strcmp(l->v[i].id, id))
			return (long)i;
	return -1;
}

int ops_networks_by_priority(struct session *s, be_object_fn fn, void *arg)
{
	struct netlist l = { 0 };
	int rc = BE(s)->ops->list(BE(s), BE_NETWORK, NULL, netlist_add, &l);
	struct be_value v = { 0 };
	if (!rc && BE(s)->ops->reg_get(BE(s), "", PRIORITY_VALUE, &v) == BE_OK && v.type == BE_VAL_MULTI_SZ) {
		/* Move each named network, in the value's order, to the front. */
		size_t placed = 0, units = v.len / 2, start = 0;
		for (size_t i = 0; i <= units; i++) {
			if (i < units && (v.data[2 * i] || v.data[2 * i + 1]))
				continue;
			if (i > start) {
				uint16_t *u = malloc((i - start) * sizeof(*u));
				char *id = NULL;
				if (u) {
					for (size_t k = start; k < i; k++)
						u[k - start] = (uint16_t)(v.data[2 * k] | v.data[2 * k + 1] << 8);
					id = utf16_to_utf8_dup(u, i - start);
					free(u);
				}
				long at = id ? netlist_find(&l, id, placed) : -1;
				free(id);
				if (at >= 0) {
					struct be_object t = l.v[at];
					memmove(&l.v[placed + 1], &l.v[placed], ((size_t)at - placed) * sizeof(t));
					l.v[placed++] = t;
				}
			}
			start = i + 1;
		}
	}
	free(v.data);
	for (size_t i = 0; !rc && i < l.n; i++)
		rc = fn(&l.v[i], arg);
	free(l.v);
	return rc;
}

/* ---- the calls ------------------------------------------------------------------ */

/* (in: cmrp_handle_name_in) */
static uint32_t set_network_name(struct session *s, const struct ops_call *c, void *in, void *out)
{
	const struct cmrp_handle_name_in *r = in;
	struct be_object net;
	struct handle_entry *e = NULL;
	char *utf8 = ops_utf8(&r->name);
	uint32_t result = ops_object(s, &r->handle, ops_in_type(c, 0), &net, &e);
	if (!result && (!(e->rights & ACCESS_CHANGE) || !(ops_caller_rights(s) & ACCESS_CHANGE)))
		result = ERROR_ACCESS_DENIED;
	if (!result && (!utf8 || !*utf8))
		result = ERROR_INVALID_NAME;
	if (!result && strcmp(utf8, net.name) != 0) {
		int rc = BE(s)->ops->rename(BE(s), BE_NETWORK, net.id, utf8);
		result = rc == BE_INVALID ? ERROR_INVALID_NAME : ops_be_error(rc, BE_NETWORK);
	}
	free(utf8);
	reply_status(out, result);
	return 0;
}

struct netif_build {
	struct cmrp_enum_list *list;
	const char *node; /* GetNetInterface: the node's interface only */
	char found[BE_NAME_MAX];
};

static int netif_add(const struct be_object *o, void *arg)
{
	struct netif_build *b = arg;
	if (b->node) {
		if (!strcmp(o->owner, b->node) && !b->found[0])
			snprintf(b->found, sizeof(b->found), "%s", o->name);
		return 0;
	}
	struct cmrp_enum_list *l = b->list;
	if (l->count >= CMRP_MAX_ENUM_ENTRIES)
		return BE_NO_MEMORY;
	struct cmrp_enum_entry *ne = realloc(l->entries, (l->count + 1) * sizeof(*ne));
	if (!ne)
		return BE_NO_MEMORY;
	l->entries = ne;
	ne[l->count].type = CLUSTER_NETWORK_ENUM_NETINTERFACES;
	if (!ops_string(&ne[l->count].name, o->name))
		return BE_NO_MEMORY;
	l->count++;
	return 0;
}

/* The interfaces on a network; unknown type bits select nothing.
 * (in: cmrp_handle_u32s_in) */
static uint32_t create_network_enum(struct session *s, const struct ops_call *c, void *in, void *out)
{
	const struct cmrp_handle_u32s_in *r = in;
	struct cmrp_enum_out *o = out;
	struct be_object net;
	o->list.present = true;
	o->result = ops_object(s, &r->handle, ops_in_type(c, 0), &net, NULL);
	if (!o->result && (r->v[0] & CLUSTER_NETWORK_ENUM_NETINTERFACES)) {
		struct netif_build b = { &o->list, NULL, "" };
		o->result = ops_be_error(BE(s)->ops->list(BE(s), BE_NETIF, net.name, netif_add, &b), BE_NETWORK);
	}
	return 0;
}

/* (in: cmrp_name_list_in) */
static uint32_t set_priority_order(struct session *s, const struct ops_call *c, void *in, void *out)
{
	const struct cmrp_name_list_in *r = in;
	struct netlist l = { 0 };
	uint32_t result = ERROR_SUCCESS;
	size_t bytes = 2;
	(void)c;

	if (!(ops_caller_rights(s) & ACCESS_CHANGE))
		result = ERROR_ACCESS_DENIED;
	if (!result)
		result = ops_be_error(BE(s)->ops->list(BE(s), BE_NETWORK, NULL, netlist_add, &l), BE_NETWORK);
	if (!result && r->count != l.n)
		result = ERROR_INVALID_PARAMETER;
	char **ids = !result && r->count ? calloc(r->count, sizeof(*ids)) : NULL;
	if (!result && r->count && !ids)
		result = ERROR_NOT_ENOUGH_MEMORY;
	for (uint32_t i = 0; !result && i < r->count; i++) {
		ids[i] = ops_utf8(&r->names[i]);
		if (!ids[i] || netlist_find(&l, ids[i], 0) < 0)
			result = ERROR_CLUSTER_NETWORK_NOT_FOUND;
		for (uint32_t k = 0; !result && k < i; k++)
			if (!strcmp(ids[k], ids[i]))
				result = ERROR_INVALID_PARAMETER;
		if (!result)
			bytes += (r->names[i].units + 1) * 2;
	}
	uint8_t *multi = !result ? calloc(1, bytes) : NULL;
	if (!result && !multi)
		result = ERROR_NOT_ENOUGH_MEMORY;
	if (!result) {
		size_t at = 0;
		for (uint32_t i = 0; i < r->count; i++) {
			for (size_t k = 0; k <= r->names[i].units; k++, at += 2) {
				uint16_t u = k < r->names[i].units ? r->names[i].s[k] : 0;
				multi[at] = (uint8_t)u;
				multi[at + 1] = (uint8_t)(u >> 8);
			}
		}
		struct be_value v = { .type = BE_VAL_MULTI_SZ, .data = multi, .len = bytes };
		snprintf(v.name, sizeof(v.name), "%s", PRIORITY_VALUE);
		result = ops_be_error(BE(s)->ops->reg_set(BE(s), "", &v), (enum be_kind)0);
	}
	for (uint32_t i = 0; ids && i < r->count; i++)
		free(ids[i]);
	free(ids);
	free(multi);
	free(l.v);
	reply_status(out, result);
	return 0;
}

/* The interface of a node on a network.  (in: cmrp_two_names_in) */
static uint32_t get_net_interface(struct session *s, const struct ops_call *c, void *in, void *out)
{
	const struct cmrp_two_names_in *r = in;
	struct cmrp_string_result_out *o = out;
	char *node_name = ops_utf8(&r->a), *net_name = ops_utf8(&r->b);
	struct be_object node, net;
	(void)c;

	if (!(ops_caller_rights(s) & ACCESS_READ))
		o->result = ERROR_ACCESS_DENIED;
	else if (!node_name || BE(s)->ops->lookup(BE(s), BE_NODE, node_name, &node) != BE_OK)
		o->result = ERROR_CLUSTER_NODE_NOT_FOUND;
	else if (!net_name || BE(s)->ops->lookup(BE(s), BE_NETWORK, net_name, &net) != BE_OK)
		o->result = ERROR_CLUSTER_NETWORK_NOT_FOUND;
	else {
		struct netif_build b = { NULL, node.name, "" };
		o->result = ops_be_error(BE(s)->ops->list(BE(s), BE_NETIF, net.name, netif_add, &b), BE_NETWORK);
		if (!o->result && !b.found[0])
			o->result = ERROR_CLUSTER_NETINTERFACE_NOT_FOUND;
		if (!o->result && !ops_string(&o->str, b.found))
			o->result = ERROR_NOT_ENOUGH_MEMORY;
	}
	free(node_name);
	free(net_name);
	return 0;
}

const struct ops_entry ops_network_calls[] = {
	{ CMRP_SET_NETWORK_NAME, set_network_name, 0, false },
	{ CMRP_CREATE_NETWORK_ENUM, create_network_enum, 0, false },
	{ CMRP_SET_NETWORK_PRIORITY_ORDER, set_priority_order, 0, false },
	{ CMRP_GET_NET_INTERFACE, get_net_interface, 0, false },
	{ 0, NULL, 0, false },
};
