/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The daemon's shared state, handed to every session. */
#ifndef SERVER_CLUSTERD_H
#define SERVER_CLUSTERD_H

#include <stdbool.h>

#include "access.h"
#include "accounts.h"
#include "identity.h"
#include "backend/backend.h"
#include "rpc/server.h"

struct server_state {
	struct identity id;
	struct acl_file acl;
	struct accounts accounts; /* NTLM accounts: accounts_ntlm_lookup() takes it */
	bool krb5; /* a usable keytab was found at start: Kerberos is offered */
	bool down_level; /* test switch: behave as a server without opnum 117 */
	struct backend *be; /* where the cluster's objects live */
	/* Turns of the event loop (loop.c counts them): the ACL file is looked
	 * at once per turn (acl_turn: the last), not once per call. */
	unsigned long turn, acl_turn;
	/* Changes clusterd makes itself (BE_EV_CLUSTER_PROPERTY) go to the
	 * notification ports through this (set by the loop; NULL: nowhere). */
	be_event_fn notify_fn;
	void *notify_arg;
};

/* The MS-CMRP interface served by clusterd (iface->ctx = struct server_state). */
void cmrp_server_iface(struct rpc_server_iface *iface, struct server_state *st);

#endif
