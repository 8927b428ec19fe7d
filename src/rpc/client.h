/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The client side of a DCE/RPC association over a stream socket (TCP or Unix):
 * bind with fragment-size and bind-time feature negotiation, calls with request
 * fragmentation and response reassembly, call_id matching.  One call at a time
 * per association; the caller serialises.  Errors are Windows codes.
 */
#ifndef RPC_CLIENT_H
#define RPC_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "auth.h"
#include "base/werror.h"
#include "ndr.h"
#include "pdu.h"
#include "sec.h"

struct rpc_client {
	int fd;
	uint16_t max_xmit;
	uint16_t max_recv;
	uint32_t assoc_group;
	uint32_t next_call_id;
	uint16_t ctx_id;
	bool bound;
	int timeout_ms;         /* for a whole call (or bind, or connect) */
	long deadline;          /* of the exchange under way (CLOCK_MONOTONIC, ms) */
	uint64_t btfn_features; /* what the server acknowledged */
	bool conc_mpx;          /* the server takes several calls in flight */
	bool awaiting;          /* a request just left: its answer is not in yet */
	int rcvtimeo_ms;        /* SO_RCVTIMEO of fd when rpc_client_connect_* set it, else 0 */
	uint8_t *rbuf;          /* the PDU last received (inside `in`) */
	uint8_t *in;            /* buffered input */
	size_t in_len;
	size_t in_off;
	size_t pdu_len;
	struct ndr_push scratch;
	/* PDUs of one exchange gathered here and handed to the kernel in one
	 * send (a batch of calls, a bind with its first calls). */
	struct ndr_push outq;
	/* Security (rpc_client_bind_auth): the context, its level, and whether
	 * the server agreed to header signing. */
	struct rpc_sec sec;
};

/*
 * What the client allocates on a server's word: the caps, all in one place.
 * A server the library connects to may lie; every count, length and size it
 * sends is checked against the bytes actually received and against one of
 * these before anything is allocated for it.
 *
 * The engine (this file, client.c):
 *   - a PDU is read into a fixed input buffer of 2 * RPC_DEFAULT_FRAG bytes; a
 *     frag_length over RPC_DEFAULT_FRAG (what we offered) is a protocol error,
 *     and a fragment is used only once all frag_length bytes are in;
 *   - alloc_hint is never used to size anything: a response grows with the
 *     stub bytes received, up to RPC_CLIENT_MAX_RESPONSE bytes reassembled
 *     (more: ERROR_NOT_ENOUGH_MEMORY, the association is dropped), in at most
 *     RPC_CLIENT_MAX_FRAGMENTS fragments (more: RPC_S_PROTOCOL_ERROR; this
 *     stops a server streaming empty fragments);
 *   - auth legs: at most 8 alter_context round trips per bind;
 *   - a call (a bind, a batch of calls) lasts at most timeout_ms in all, not
 *     per read: RPC_CLIENT_DEFAULT_TIMEOUT_MS, or $CLUSAPI_CALL_TIMEOUT_MS
 *     (milliseconds, RPC_CLIENT_MIN_TIMEOUT_MS .. RPC_CLIENT_MAX_TIMEOUT_MS);
 *     past it the call fails with RPC_S_CALL_FAILED (bind:
 *     RPC_S_SERVER_UNAVAILABLE), as a broken connection does.
 * The stub decoders (their own headers):
 *   - NDR strings: NDR_MAX_STRING_UNITS (rpc/ndr.h), and the decoder's own
 *     max (CMRP_MAX_NAME_UNITS for names, cmrp/cmrp.h);
 *   - byte buffers (property lists, registry values, control output):
 *     CMRP_MAX_BUFFER_BYTES; lists (enumerations, key names):
 *     CMRP_MAX_ENUM_ENTRIES entries, each counted against the bytes left at
 *     its smallest wire size; password status: CMRP_MAX_PASSWORD_STATUS
 *     (cmrp/cmrp_objects.h);
 *   - the endpoint mapper's answer: at most 64 towers (read into a stack
 *     array), each at most EPM_MAX_TOWER bytes (rpc/epm.h, rpc/epm.c).
 */
#define RPC_CLIENT_MAX_RESPONSE (64u * 1024u * 1024u)
#define RPC_CLIENT_MAX_FRAGMENTS 65536u
#define RPC_CLIENT_DEFAULT_TIMEOUT_MS 30000
#define RPC_CLIENT_MIN_TIMEOUT_MS 10
#define RPC_CLIENT_MAX_TIMEOUT_MS (24 * 3600 * 1000)
/* A first read that waits in a blocking recv (SO_RCVTIMEO: the whole
 * timeout) may end this much past its exchange's deadline: it is only done
 * when no more of the exchange has gone by (client.c, rpc_client_fill). */
#define RPC_CLIENT_BLOCK_SLACK_MS 1

void rpc_client_init(struct rpc_client *c);
/* Connect: RPC_S_SERVER_UNAVAILABLE when nobody answers. */
DWORD rpc_client_connect_unix(struct rpc_client *c, const char *path);
DWORD rpc_client_connect_addr(struct rpc_client *c, const struct sockaddr *sa, socklen_t len);
/* Bind the interface (NDR 2.0) and offer bind-time feature negotiation. */
DWORD rpc_client_bind(struct rpc_client *c, const struct rpc_syntax *iface);
/*
 * Bind with a security context (taken over: freed by rpc_client_close, also
 * on failure) at `level` (RPC_AUTHN_LEVEL_CONNECT, _PKT_INTEGRITY or
 * _PKT_PRIVACY): the handshake runs over bind/bind_ack and then auth3 or
 * alter_context as the provider needs; every later request is signed or
 * sealed and every response checked.  A failed logon is ERROR_ACCESS_DENIED
 * (for NTLMSSP it shows only at the first call, as on Windows).
 */
DWORD rpc_client_bind_auth(struct rpc_client *c, const struct rpc_syntax *iface, struct rpc_auth *auth, uint8_t level);
/* One call.  On success *out is a malloc'd reassembled stub (caller frees) and
 * *big_endian tells its byte order.  A fault comes back as its Windows code. */
DWORD rpc_client_call(struct rpc_client *c, uint16_t opnum, const uint8_t *stub, size_t stub_len, uint8_t **out,
		      size_t *out_len, bool *big_endian);

/* Several calls at once: sent back to back when the server accepted
 * concurrent multiplexing (PFC_CONC_MPX), one after the other otherwise.  The
 * transport error is returned; each call's own result (a fault's Windows
 * code, or 0 with the stub in out) is in calls[i]. */
#define RPC_CLIENT_MAX_BATCH 4
struct rpc_call {
	uint16_t opnum;
	const uint8_t *stub;
	size_t stub_len;
	/* results */
	DWORD status;
	uint8_t *out; /* malloc'd, caller frees */
	size_t out_len;
	bool big_endian;
	bool started;
	bool done;
	bool sent; /* the whole request was handed to the kernel */
	uint32_t call_id;
};
DWORD rpc_client_call_many(struct rpc_client *c, struct rpc_call *calls, size_t n);

/*
 * A call whose answer may take its time (ApiGetNotify): rpc_client_start
 * sends the request and returns; rpc_client_readable says whether an answer
 * has begun to arrive, or does within timeout_ms (< 0: no limit), without
 * reading it; rpc_client_collect reads until every one of calls[0..n) (all
 * started) is answered, within the client's call timeout.  Other calls may be started while
 * one is outstanding (the server must have accepted PFC_CONC_MPX), but no
 * rpc_client_call* may run until all are collected.  An error of either ends
 * the association, as for rpc_client_call.
 */
DWORD rpc_client_start(struct rpc_client *c, struct rpc_call *call);
bool rpc_client_readable(struct rpc_client *c, int timeout_ms);
DWORD rpc_client_collect(struct rpc_client *c, struct rpc_call *calls, size_t n);
/*
 * Bind (no security) and run a first batch of calls in one round trip: the
 * bind and the requests go in one send, without waiting for the bind_ack.
 * Only for a peer known to be clusterd (it reads a connection's PDUs in
 * order and takes concurrent calls): a DCE/RPC server is free to refuse a
 * request that arrives before its bind is answered, so against anyone else
 * use rpc_client_bind and rpc_client_call_many.  The bind's error comes
 * first (then the calls were not run); the rest as rpc_client_call_many.
 */
DWORD rpc_client_bind_and_call(struct rpc_client *c, const struct rpc_syntax *iface, struct rpc_call *calls,
			       size_t n);
/*
 * A last call whose answer nobody waits for: the request is handed to the
 * kernel and the association is over (the caller closes the connection
 * next).  RPC_S_INVALID_BINDING when not bound, a transport error when the
 * request could not be sent.
 */
DWORD rpc_client_send_last(struct rpc_client *c, uint16_t opnum, const uint8_t *stub, size_t stub_len);

void rpc_client_close(struct rpc_client *c);

#endif
