/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The server side of a DCE/RPC connection, independent of the transport: the
 * event loop hands it whole PDUs (rpc_srv_conn_frame() says where one ends) and
 * sends whatever it appends to the output buffer.  It negotiates fragment sizes
 * and presentation contexts, reassembles fragmented requests under a hard cap,
 * dispatches to the interface that owns the context, and fragments responses.
 * Anything malformed gets a fault or a close; nothing from the wire is trusted.
 */
#ifndef RPC_SERVER_H
#define RPC_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth.h"
#include "ndr.h"
#include "pdu.h"
#include "sec.h"

struct rpc_server_iface;

/* Returns 0 (reply in `out`) or a fault status (NCA_S_*, werror.h), or
 * RPC_DISPATCH_PENDING: no reply now; the interface has noted the call's
 * current_call_id / current_ctx_id and answers later with rpc_srv_conn_reply()
 * or rpc_srv_conn_fault() (or never, if the connection goes first). */
#define RPC_DISPATCH_PENDING 0xffffffffu

typedef uint32_t (*rpc_dispatch_fn)(const struct rpc_server_iface *iface, void *conn_user, uint16_t opnum,
				    struct ndr_pull *in, struct ndr_push *out);

struct rpc_server_iface {
	struct rpc_syntax syntax;
	const char *name;
	rpc_dispatch_fn dispatch;
	void *ctx; /* the interface's own state */
};

#define RPC_SERVER_MAX_IFACES 4
/* Calls one connection may have in reassembly at once (PFC_CONC_MPX). */
#define RPC_SRV_MAX_CALLS 4

/* Bytes held in reassembly by every connection of a server together (one
 * event loop thread: no locking).  A call is charged what it announces in its
 * first fragment's alloc_hint (up to the per-request cap), and more if it
 * grows beyond that; a call that does not fit is refused. */
struct rpc_srv_budget {
	size_t limit; /* 0: no global limit */
	size_t used;
	unsigned long refused; /* calls refused for the budget, for the logs */
};

/* Whether a request from this connection may be reassembled and run at
 * all; asked at the first fragment of every request.  false: the call is
 * faulted with ERROR_ACCESS_DENIED there, and its other fragments are
 * discarded without being kept. */
typedef bool (*rpc_admit_fn)(void *conn_user);

struct rpc_server_conf {
	const struct rpc_server_iface *ifaces[RPC_SERVER_MAX_IFACES];
	size_t n_ifaces;
	/* Cap on one reassembled request; bigger calls are refused. */
	size_t max_request_bytes;
	/* Security providers for binds that carry an auth trailer; NULL: such
	 * binds get bind_nak "authentication type not recognized". */
	rpc_auth_server_start_fn auth_start;
	void *auth_arg;
	/* NULL: every request is admitted. */
	rpc_admit_fn admit;
	/* Shared by the connections of every conf of one server; NULL: none. */
	struct rpc_srv_budget *budget;
};

enum rpc_srv_auth_state {
	RPC_SRV_AUTH_NONE,    /* no security context: every PDU is plain */
	RPC_SRV_AUTH_PENDING, /* bind answered, waiting for auth3 or alter_context */
	RPC_SRV_AUTH_DONE,    /* established: requests are checked at auth_level */
	RPC_SRV_AUTH_FAILED,  /* the last leg failed: the next request is refused */
};

struct rpc_srv_ctx {
	uint16_t ctx_id;
	const struct rpc_server_iface *iface;
};

struct rpc_srv_conn {
	const struct rpc_server_conf *conf;
	void *user;
	char sec_addr[16];
	bool bound;
	uint16_t max_xmit;
	uint16_t max_recv;
	uint32_t assoc_group;
	uint8_t n_ctx;
	struct rpc_srv_ctx ctx[RPC_MAX_CONTEXTS];

	/* Requests being reassembled: one at a time, or up to RPC_SRV_MAX_CALLS
	 * interleaved when the client asked for concurrent multiplexing. */
	bool conc_mpx;
	struct rpc_srv_call {
		bool in_use;
		uint32_t call_id;
		uint16_t ctx_id;
		uint16_t opnum;
		bool big_endian;
		bool refused;   /* faulted at its first fragment: the rest is discarded */
		size_t charged; /* bytes of the global budget this call holds */
		uint8_t *buf;
		size_t len;
		size_t cap;
	} calls[RPC_SRV_MAX_CALLS];
	size_t call_bytes; /* reassembled bytes held, all calls together */

	/* Bytes waiting to be sent. */
	uint8_t *out;
	size_t out_len;
	size_t out_off;
	size_t out_cap;

	/* The connection's security context (one per connection). */
	enum rpc_srv_auth_state auth_state;
	struct rpc_sec sec;
	struct rpc_auth_peer peer; /* who, once established */
	uint8_t *unseal_buf;       /* one fragment, decrypted in place */

	/* The call being dispatched right now (valid during dispatch). */
	uint32_t current_call_id;
	uint16_t current_ctx_id;

	/* Why rpc_srv_conn_process() last said -1 (a static
	 * string, for the close log); NULL until then. */
	const char *drop_reason;

	struct ndr_push scratch;
	struct ndr_push reply;
};

/* sec_addr: what bind_ack names as our address (the TCP port as text, or a
 * socket path), may be NULL. */
void rpc_srv_conn_init(struct rpc_srv_conn *c, const struct rpc_server_conf *conf, void *user, const char *sec_addr);
void rpc_srv_conn_free(struct rpc_srv_conn *c);

/* Length of the next PDU in buf: 0 = need more bytes, -1 = malformed or too big
 * (close the connection). */
long rpc_srv_conn_frame(const struct rpc_srv_conn *c, const uint8_t *buf, size_t avail);

/* Process one whole PDU.  0 = go on, -1 = send what is queued, then close
 * (c->drop_reason says why). */
int rpc_srv_conn_process(struct rpc_srv_conn *c, const uint8_t *pdu, size_t len);

/* Answer a call whose dispatch returned RPC_DISPATCH_PENDING: the stub is
 * fragmented and queued like any reply (the caller then flushes the output).
 * May be called during another call's dispatch.  0, or -1 when the output
 * cannot be queued (close the connection). */
int rpc_srv_conn_reply(struct rpc_srv_conn *c, uint32_t call_id, uint16_t ctx_id, const uint8_t *stub, size_t len);
/* The same with a fault status instead of a reply. */
int rpc_srv_conn_fault(struct rpc_srv_conn *c, uint32_t call_id, uint16_t ctx_id, uint32_t status);

/* The protection every request on this connection has: RPC_AUTHN_LEVEL_NONE
 * without a security context, else the negotiated level. */
uint8_t rpc_srv_conn_auth_level(const struct rpc_srv_conn *c);
/* The authenticated caller, or NULL without an established context. */
const struct rpc_auth_peer *rpc_srv_conn_peer(const struct rpc_srv_conn *c);

/* A fresh association group id (never 0). */
uint32_t rpc_new_assoc_group(void);

#endif
