/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The MS-CMRP server core: for every call, the table entry of its opnum
 * (src/cmrp/cmrp_table.c) and the handler its family lists; decode the
 * request once, call the handler with the typed request and reply, encode the
 * reply, free both.  A request that does not decode is answered here, with an
 * NDR fault and one log line, so no handler marshals or faults on a bad stub.
 */
#include <string.h>

#include "base/log.h"
#include "auth.h"
#include "clusterd.h"
#include "ops.h"
#include "session.h"

struct handler_slot {
	ops_handler fn;
	int arg;
	bool not_down_level;
};

/* Built once from the families' lists (read-only afterwards). */
static struct handler_slot handlers[CMRP_OPNUM_COUNT];

static void handlers_index(void)
{
	static const struct ops_entry *const families[] = {
		ops_cluster_calls, ops_object_calls, ops_registry_calls, ops_control_calls, ops_notify_calls,
		ops_deps_calls,
		ops_restype_calls,
		ops_network_calls,
	};
	for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); f++) {
		for (const struct ops_entry *e = families[f]; e->fn; e++) {
			/* A handler for a call the table does not know, or two for
			 * one call, is a programming error. */
			if (!cmrp_op(e->opnum) || handlers[e->opnum].fn) {
				log_error("internal error: opnum %u has no table entry or two handlers", e->opnum);
				continue;
			}
			handlers[e->opnum] = (struct handler_slot){ e->fn, e->arg, e->not_down_level };
		}
	}
}

static uint32_t cmrp_dispatch(const struct rpc_server_iface *iface, void *conn_user, uint16_t opnum,
			      struct ndr_pull *in, struct ndr_push *out)
{
	struct server_state *st = iface->ctx;
	struct session *s = conn_user;
	const struct cmrp_op *op = cmrp_op(opnum);
	union cmrp_any_in args;
	union cmrp_any_out reply;

	/* MS-CMRP 3.1.3: below PKT_PRIVACY a remote caller gets nothing. */
	if (!server_auth_check(s))
		return ERROR_ACCESS_DENIED;
	if (!op || !handlers[opnum].fn || (handlers[opnum].not_down_level && st->down_level))
		return NCA_S_OP_RNG_ERROR;
	if (!op->in->decode(in, &args, op->in_arg)) {
		char who[64];
		principal_describe(&s->who, who, sizeof(who));
		log_debug("%s (opnum %u) from %s: the %zu-byte request does not decode as %s; NDR fault", op->name,
			  opnum, who, in->len, op->in->shape);
		return NCA_S_FAULT_NDR;
	}
	memset(&reply, 0, sizeof(reply));
	const struct ops_call c = { opnum, op, handlers[opnum].arg };
	uint32_t fault = handlers[opnum].fn(s, &c, &args, &reply);
	if (!fault)
		op->out->encode(out, &reply, op->out_arg);
	if (op->in->free)
		op->in->free(&args);
	if (op->out->free)
		op->out->free(&reply);
	return fault;
}

void cmrp_server_iface(struct rpc_server_iface *iface, struct server_state *st)
{
	if (!handlers[CMRP_OPEN_CLUSTER].fn)
		handlers_index();
	memset(iface, 0, sizeof(*iface));
	iface->syntax = cmrp_syntax;
	iface->name = "clusapi";
	iface->dispatch = cmrp_dispatch;
	iface->ctx = st;
}
