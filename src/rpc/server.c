/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "server.h"

#include <assert.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/werror.h"

/* Default cap on one reassembled request: MS-CMRP requests are small. */
#define RPC_DEFAULT_MAX_REQUEST (4u * 1024u * 1024u)
/* Cap on output queued for a connection that does not read its replies. */
#define RPC_MAX_QUEUED_OUTPUT (64u * 1024u * 1024u)

void rpc_srv_conn_init(struct rpc_srv_conn *c, const struct rpc_server_conf *conf, void *user, const char *sec_addr)
{
	memset(c, 0, sizeof(*c));
	c->conf = conf;
	c->user = user;
	c->max_xmit = RPC_DEFAULT_FRAG;
	c->max_recv = RPC_DEFAULT_FRAG;
	if (sec_addr)
		snprintf(c->sec_addr, sizeof(c->sec_addr), "%s", sec_addr);
	ndr_push_init(&c->scratch);
	ndr_push_init(&c->reply);
}

/* Why the connection is to be closed; returns -1 for the caller to pass on. */
static int rpc_srv_drop(struct rpc_srv_conn *c, const char *why)
{
	c->drop_reason = why;
	return -1;
}

/* The call's share of the global budget, up to `want` bytes in all; false
 * (nothing charged) when that does not fit. */
static bool rpc_srv_charge(struct rpc_srv_conn *c, struct rpc_srv_call *call, size_t want)
{
	struct rpc_srv_budget *b = c->conf->budget;

	if (!b || want <= call->charged)
		return true;
	assert(b->used >= call->charged);
	assert(!b->limit || b->used <= b->limit);
	size_t more = want - call->charged;
	if (b->limit && more > b->limit - b->used) {
		b->refused++;
		return false;
	}
	b->used += more;
	call->charged = want;
	return true;
}

static void rpc_srv_uncharge(struct rpc_srv_conn *c, struct rpc_srv_call *call)
{
	struct rpc_srv_budget *b = c->conf ? c->conf->budget : NULL;

	/* Nothing charged: the budget is not touched (clusterd's loops share
	 * it under a lock they take only for a connection that holds some). */
	if (b && call->charged) {
		assert(b->used >= call->charged);
		b->used -= call->charged;
	}
	call->charged = 0;
}

void rpc_srv_conn_free(struct rpc_srv_conn *c)
{
	for (size_t i = 0; i < RPC_SRV_MAX_CALLS; i++)
		rpc_srv_uncharge(c, &c->calls[i]);
	rpc_auth_free(&c->sec.auth);
	free(c->unseal_buf);
	for (size_t i = 0; i < RPC_SRV_MAX_CALLS; i++)
		free(c->calls[i].buf);
	free(c->out);
	ndr_push_free(&c->scratch);
	ndr_push_free(&c->reply);
	memset(c, 0, sizeof(*c));
}

uint32_t rpc_new_assoc_group(void)
{
	static atomic_uint next = 0x12340;
	uint32_t g;
	do
		g = atomic_fetch_add(&next, 1);
	while (g == 0);
	return g;
}

long rpc_srv_conn_frame(const struct rpc_srv_conn *c, const uint8_t *buf, size_t avail)
{
	struct rpc_hdr h;

	if (avail < RPC_HDR_LEN)
		return 0;
	if (rpc_hdr_decode(buf, avail, &h) < 0)
		return -1;
	if (h.frag_length > c->max_recv)
		return -1;
	return avail < h.frag_length ? 0 : (long)h.frag_length;
}

static int rpc_srv_queue(struct rpc_srv_conn *c, const struct ndr_push *pdu)
{
	if (pdu->error)
		return rpc_srv_drop(c, "out of memory encoding a reply");
	assert(c->out_off <= c->out_len && c->out_len <= c->out_cap);
	size_t pending = c->out_len - c->out_off;
	if (pending + pdu->len > RPC_MAX_QUEUED_OUTPUT)
		return rpc_srv_drop(c, "replies not read: output over its cap");
	if (c->out_off && c->out_off == c->out_len)
		c->out_off = c->out_len = 0;
	if (c->out_len + pdu->len > c->out_cap) {
		/* Compact before growing. */
		if (c->out_off) {
			memmove(c->out, c->out + c->out_off, pending);
			c->out_len = pending;
			c->out_off = 0;
		}
		size_t cap = c->out_cap ? c->out_cap : 4096;
		while (cap < c->out_len + pdu->len)
			cap *= 2;
		uint8_t *p = realloc(c->out, cap);
		if (!p)
			return rpc_srv_drop(c, "out of memory queueing a reply");
		c->out = p;
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_len, pdu->data, pdu->len);
	c->out_len += pdu->len;
	return 0;
}

static int rpc_srv_fault(struct rpc_srv_conn *c, uint32_t call_id, uint16_t ctx_id, uint32_t status, bool did_not_execute)
{
	if (!rpc_fault_encode(&c->scratch, did_not_execute ? RPC_PFC_DID_NOT_EXECUTE : 0, call_id, ctx_id, status))
		return rpc_srv_drop(c, "out of memory encoding a fault");
	return rpc_srv_queue(c, &c->scratch);
}

static const struct rpc_server_iface *rpc_srv_find_iface(const struct rpc_srv_conn *c, const struct rpc_syntax *abs)
{
	for (size_t i = 0; i < c->conf->n_ifaces; i++) {
		const struct rpc_server_iface *f = c->conf->ifaces[i];
		/* Same UUID and major version; any minor up to ours will do. */
		if (rpc_uuid_equal(&f->syntax.uuid, &abs->uuid) && f->syntax.major == abs->major &&
		    abs->minor <= f->syntax.minor)
			return f;
	}
	return NULL;
}

static struct rpc_srv_ctx *rpc_srv_find_ctx(struct rpc_srv_conn *c, uint16_t ctx_id)
{
	for (uint8_t i = 0; i < c->n_ctx; i++)
		if (c->ctx[i].ctx_id == ctx_id)
			return &c->ctx[i];
	return NULL;
}

/* Decide one presentation context of a bind or alter_context. */
static void rpc_srv_negotiate_ctx(struct rpc_srv_conn *c, const struct rpc_pres_ctx *pc, struct rpc_ctx_result *res)
{
	const struct rpc_server_iface *iface = rpc_srv_find_iface(c, &pc->abstract);
	uint64_t features;

	memset(res, 0, sizeof(*res));
	for (uint8_t t = 0; t < pc->n_transfer; t++) {
		if (rpc_syntax_is_btfn(&pc->transfer[t], &features)) {
			/* MS-RPCE 3.3.1.5.3: answer with the features we support.  We keep
			 * the connection when a call is orphaned; we have no security
			 * contexts to multiplex. */
			res->result = RPC_RESULT_NEGOTIATE_ACK;
			res->reason = (uint16_t)(features & RPC_BTFN_KEEP_ON_ORPHAN);
			return;
		}
	}
	if (!iface) {
		res->result = RPC_RESULT_PROVIDER_REJECT;
		res->reason = RPC_REASON_ABSTRACT_NOT_SUPPORTED;
		return;
	}
	for (uint8_t t = 0; t < pc->n_transfer; t++) {
		if (!rpc_syntax_equal(&pc->transfer[t], &rpc_syntax_ndr))
			continue;
		struct rpc_srv_ctx *existing = rpc_srv_find_ctx(c, pc->ctx_id);
		if (existing && existing->iface != iface)
			break; /* a context id cannot change its meaning */
		if (!existing) {
			if (c->n_ctx >= RPC_MAX_CONTEXTS)
				break;
			c->ctx[c->n_ctx].ctx_id = pc->ctx_id;
			c->ctx[c->n_ctx].iface = iface;
			c->n_ctx++;
		}
		res->result = RPC_RESULT_ACCEPT;
		res->transfer = rpc_syntax_ndr;
		return;
	}
	res->result = RPC_RESULT_PROVIDER_REJECT;
	res->reason = RPC_REASON_TRANSFER_NOT_SUPPORTED;
}

static uint16_t rpc_clamp_frag(uint16_t asked)
{
	return asked < RPC_DEFAULT_FRAG ? asked : RPC_DEFAULT_FRAG;
}

static int rpc_srv_nak(struct rpc_srv_conn *c, uint32_t call_id, uint16_t reason, const char *why)
{
	if (rpc_bind_nak_encode(&c->scratch, call_id, reason))
		rpc_srv_queue(c, &c->scratch);
	return rpc_srv_drop(c, why);
}

/* The context is established: learn who the caller is. */
static int rpc_srv_auth_done(struct rpc_srv_conn *c)
{
	if (c->sec.auth.ops->peer(c->sec.auth.st, &c->peer) != 0) {
		c->auth_state = RPC_SRV_AUTH_FAILED;
		return -1;
	}
	c->auth_state = RPC_SRV_AUTH_DONE;
	return 0;
}

/* One leg of the security handshake carried by a bind, alter_context or
 * auth3.  *tok is what to send back (malloc'd, may be NULL).  0 when the leg
 * succeeded (established or more to come), -1 when the logon failed. */
static int rpc_srv_auth_leg(struct rpc_srv_conn *c, const struct rpc_auth_trailer *a, uint8_t **tok, size_t *tok_len)
{
	uint32_t rc = c->sec.auth.ops->step(c->sec.auth.st, a->value, a->value_len, tok, tok_len);

	if (rc == RPC_AUTH_CONTINUE) {
		c->auth_state = RPC_SRV_AUTH_PENDING;
		return 0;
	}
	if (rc == 0)
		return rpc_srv_auth_done(c);
	free(*tok);
	*tok = NULL;
	*tok_len = 0;
	c->auth_state = RPC_SRV_AUTH_FAILED;
	return -1;
}

/* A bind's auth trailer: start the connection's security context. */
static int rpc_srv_bind_auth(struct rpc_srv_conn *c, uint32_t call_id, const struct rpc_bind *b, uint8_t **tok,
			     size_t *tok_len)
{
	const struct rpc_auth_trailer *a = &b->auth;

	if (!c->conf->auth_start)
		return rpc_srv_nak(c, call_id, RPC_NAK_AUTH_TYPE_NOT_RECOGNIZED, "bind with authentication on an endpoint without it");
	if (a->auth_level < RPC_AUTHN_LEVEL_CONNECT || a->auth_level > RPC_AUTHN_LEVEL_PKT_PRIVACY)
		return rpc_srv_nak(c, call_id, RPC_NAK_NOT_SPECIFIED, "bind with an invalid authentication level");
	if (c->conf->auth_start(c->conf->auth_arg, a->auth_type, &c->sec.auth) != 0)
		return rpc_srv_nak(c, call_id, RPC_NAK_AUTH_TYPE_NOT_RECOGNIZED, "bind with an unknown authentication type");
	c->sec.type = a->auth_type;
	c->sec.level = a->auth_level;
	c->sec.context_id = a->auth_context_id;
	c->sec.hdr_sign = b->hdr_sign;
	if (rpc_srv_auth_leg(c, a, tok, tok_len) < 0)
		return rpc_srv_nak(c, call_id, RPC_NAK_INVALID_CHECKSUM, "failed logon (bind)");
	return 0;
}

static int rpc_srv_bind(struct rpc_srv_conn *c, const struct rpc_hdr *h, const uint8_t *pdu)
{
	struct rpc_bind b;
	struct rpc_bind_ack ack;
	bool alter = h->ptype == RPC_PTYPE_ALTER_CONTEXT;
	uint8_t *tok = NULL;
	size_t tok_len = 0;
	bool with_auth = false;
	int rc;

	if (rpc_bind_decode(pdu, h, &b) < 0 || b.n_ctx == 0) {
		if (alter)
			return rpc_srv_drop(c, "malformed alter_context");
		return rpc_srv_nak(c, h->call_id, RPC_NAK_NOT_SPECIFIED, "malformed bind");
	}
	if (alter != c->bound) {
		/* bind twice, or alter_context before bind: a protocol error. */
		return rpc_srv_drop(c, alter ? "alter_context before bind" : "second bind");
	}
	if (!alter) {
		if (b.max_xmit_frag < RPC_MIN_FRAG || b.max_recv_frag < RPC_MIN_FRAG)
			return rpc_srv_nak(c, h->call_id, RPC_NAK_LOCAL_LIMIT_EXCEEDED, "bind with fragments below the minimum");
		if (b.has_auth) {
			if (rpc_srv_bind_auth(c, h->call_id, &b, &tok, &tok_len) < 0)
				return -1;
			with_auth = true;
		}
		/* Concurrent multiplexing when asked for: calls are still run one
		 * by one, in the order their last fragments arrive, but their
		 * fragments may interleave and the client need not wait. */
		c->conc_mpx = b.conc_mpx;
		c->max_recv = rpc_clamp_frag(b.max_xmit_frag);
		c->max_xmit = rpc_clamp_frag(b.max_recv_frag);
		/* A client that names an association group gets that id echoed;
		 * groups are not shared between connections here, so context
		 * handles stay on the connection that opened them. */
		c->assoc_group = b.assoc_group_id ? b.assoc_group_id : rpc_new_assoc_group();
	} else if (b.has_auth) {
		/* The next leg (Kerberos, SPNEGO), or a new presentation context
		 * on the established security context. */
		if (c->auth_state == RPC_SRV_AUTH_NONE || !rpc_sec_matches(&c->sec, &b.auth))
			return rpc_srv_drop(c, "alter_context names another security context");
		if (c->auth_state == RPC_SRV_AUTH_FAILED)
			return rpc_srv_drop(c, "alter_context after a failed logon");
		if (c->auth_state == RPC_SRV_AUTH_PENDING) {
			if (rpc_srv_auth_leg(c, &b.auth, &tok, &tok_len) < 0) {
				rpc_srv_fault(c, h->call_id, 0, ERROR_ACCESS_DENIED, true);
				return rpc_srv_drop(c, "failed logon (alter_context)");
			}
			with_auth = tok_len > 0;
		}
	} else if (c->auth_state == RPC_SRV_AUTH_PENDING) {
		return rpc_srv_drop(c, "alter_context without authentication during the handshake");
	}

	memset(&ack, 0, sizeof(ack));
	ack.max_xmit_frag = c->max_xmit;
	ack.max_recv_frag = c->max_recv;
	ack.assoc_group_id = c->assoc_group;
	if (!alter)
		snprintf(ack.sec_addr, sizeof(ack.sec_addr), "%s", c->sec_addr);
	ack.n_results = b.n_ctx;
	for (uint8_t i = 0; i < b.n_ctx; i++)
		rpc_srv_negotiate_ctx(c, &b.ctx[i], &ack.results[i]);
	c->bound = true;
	uint8_t flags = (c->conc_mpx ? RPC_PFC_CONC_MPX : 0) | (c->sec.hdr_sign ? RPC_PFC_SUPPORT_HEADER_SIGN : 0);
	rc = rpc_bind_ack_encode(&c->scratch, alter ? RPC_PTYPE_ALTER_CONTEXT_RESP : RPC_PTYPE_BIND_ACK, flags,
				 h->call_id, &ack) ? 0 : -1;
	if (rc == 0 && with_auth) {
		struct rpc_auth_trailer a = rpc_sec_trailer(&c->sec, tok, tok_len);
		if (!rpc_pdu_add_auth(&c->scratch, &a, 0))
			rc = -1;
	}
	free(tok);
	return rc < 0 ? rpc_srv_drop(c, "out of memory encoding bind_ack") : rpc_srv_queue(c, &c->scratch);
}

/* auth3: the client's last leg (NTLMSSP's AUTHENTICATE); nothing is sent
 * back.  A failed logon is remembered: the next request is refused. */
static int rpc_srv_auth3(struct rpc_srv_conn *c, const struct rpc_hdr *h, const uint8_t *pdu)
{
	struct rpc_auth_trailer a;
	uint8_t *tok = NULL;
	size_t tok_len = 0;

	if (c->auth_state != RPC_SRV_AUTH_PENDING || !h->auth_length || rpc_auth_trailer_decode(pdu, h, &a) < 0 ||
	    !rpc_sec_matches(&c->sec, &a))
		return rpc_srv_drop(c, "unexpected or malformed auth3");
	rpc_srv_auth_leg(c, &a, &tok, &tok_len);
	free(tok);
	if (c->auth_state == RPC_SRV_AUTH_PENDING)
		c->auth_state = RPC_SRV_AUTH_FAILED; /* auth3 cannot carry an answer */
	return 0;
}

static void rpc_srv_call_reset(struct rpc_srv_conn *c, struct rpc_srv_call *call)
{
	assert(call->len <= call->cap && c->call_bytes >= call->len);
	assert(!call->refused || call->len == 0);
	c->call_bytes -= call->len;
	rpc_srv_uncharge(c, call);
	call->in_use = false;
	call->refused = false;
	call->len = 0;
	/* Do not keep a big buffer around after a big call. */
	if (call->cap > 65536) {
		free(call->buf);
		call->buf = NULL;
		call->cap = 0;
	}
}

static size_t rpc_srv_max_request(const struct rpc_srv_conn *c)
{
	return c->conf->max_request_bytes ? c->conf->max_request_bytes : RPC_DEFAULT_MAX_REQUEST;
}

/* -1: over the per-request cap (or out of memory); -2: over the global
 * budget.  charge: the call spans fragments and holds what it grows by. */
static int rpc_srv_append_stub(struct rpc_srv_conn *c, struct rpc_srv_call *call, const uint8_t *stub, size_t len,
			       bool charge)
{
	size_t max = rpc_srv_max_request(c);
	/* The cap holds for all calls of the connection together. */
	assert(c->call_bytes <= max);
	if (len > max - c->call_bytes)
		return -1;
	if (call->len + len > call->cap) {
		size_t cap = call->cap ? call->cap : 1024;
		while (cap < call->len + len)
			cap *= 2;
		if (cap > max)
			cap = max;
		if (charge && !rpc_srv_charge(c, call, cap))
			return -2;
		uint8_t *p = realloc(call->buf, cap);
		if (!p)
			return -1;
		call->buf = p;
		call->cap = cap;
	}
	if (len)
		memcpy(call->buf + call->len, stub, len);
	call->len += len;
	c->call_bytes += len;
	return 0;
}

static struct rpc_srv_call *rpc_srv_find_call(struct rpc_srv_conn *c, uint32_t call_id)
{
	for (size_t i = 0; i < RPC_SRV_MAX_CALLS; i++)
		if (c->calls[i].in_use && c->calls[i].call_id == call_id)
			return &c->calls[i];
	return NULL;
}

/* A slot for a new call; NULL when the client has too many in flight. */
static struct rpc_srv_call *rpc_srv_new_call(struct rpc_srv_conn *c)
{
	size_t limit = c->conc_mpx ? RPC_SRV_MAX_CALLS : 1;
	for (size_t i = 0; i < limit; i++)
		if (!c->calls[i].in_use)
			return &c->calls[i];
	return NULL;
}

/* Requests and responses carry a verifier at these levels. */
static bool rpc_srv_protected(const struct rpc_srv_conn *c)
{
	return c->auth_state == RPC_SRV_AUTH_DONE && rpc_sec_protects(&c->sec);
}

static int rpc_srv_respond(struct rpc_srv_conn *c, uint32_t call_id, uint16_t ctx_id, const uint8_t *stub, size_t len)
{
	struct rpc_frag_iter it;
	const uint8_t *p;
	uint32_t hint;
	uint8_t flags;
	size_t n;
	bool protect = rpc_srv_protected(c);
	size_t sig_size;

	if (!rpc_sec_frag_init(&c->sec, &it, stub, len, c->max_xmit, RPC_RESPONSE_HDR_LEN, &sig_size))
		return rpc_srv_drop(c, "reply cannot be fragmented");
	while (rpc_frag_next(&it, &flags, &hint, &p, &n)) {
		if (!rpc_response_encode(&c->scratch, flags, call_id, hint, ctx_id, p, n) ||
		    (protect && !rpc_sec_protect(&c->sec, &c->scratch, RPC_RESPONSE_HDR_LEN, n, sig_size)))
			return rpc_srv_drop(c, "out of memory encoding a reply");
		if (rpc_srv_queue(c, &c->scratch) < 0)
			return -1;
	}
	return 0;
}

/*
 * The verification trailer (MS-RPCE 2.2.2.13) a client may put after the stub
 * of a request: 0-3 bytes of padding, the 8-byte signature, then commands
 * (u16 command, u16 length, body), the last one flagged END.  Returns the
 * offset where it starts (the stub ends there, up to its padding), or len when
 * there is none; -1 when a command contradicts the call (another context,
 * call id or opnum) or one we do not know must be processed.
 */
#define VT_COMMAND_MASK 0x3fff
#define VT_COMMAND_END 0x4000
#define VT_MUST_PROCESS 0x8000
#define VT_BITMASK_1 1
#define VT_PCONTEXT 2
#define VT_HEADER2 3
#define VT_SEARCH 1024

static const uint8_t vt_magic[8] = { 0x8a, 0xe3, 0x13, 0x71, 0x02, 0xf4, 0x36, 0x71 };

/* Parse the commands after a signature at off: 1 when they end exactly at
 * the end of the stub and agree with the call, 0 when this is not a trailer
 * (they do not end there), -1 when it is one we must refuse. */
static int rpc_vt_check(const struct rpc_srv_call *call, const struct rpc_srv_ctx *ctx, size_t off)
{
	struct ndr_pull p;
	int verdict = 1;

	ndr_pull_init(&p, call->buf, call->len, call->big_endian);
	p.off = off + sizeof(vt_magic);
	for (;;) {
		uint16_t cmd, len;
		if (!ndr_pull_u16(&p, &cmd) || !ndr_pull_u16(&p, &len) || len > ndr_pull_remaining(&p))
			return 0;
		size_t body = p.off;
		switch (cmd & VT_COMMAND_MASK) {
		case VT_BITMASK_1:
			if (len != 4)
				return 0;
			break;
		case VT_PCONTEXT: {
			struct rpc_syntax abs, xfer;
			if (len != 40 || !rpc_syntax_pull(&p, &abs) || !rpc_syntax_pull(&p, &xfer))
				return 0;
			if (!rpc_uuid_equal(&abs.uuid, &ctx->iface->syntax.uuid) || abs.major != ctx->iface->syntax.major ||
			    !rpc_syntax_equal(&xfer, &rpc_syntax_ndr))
				verdict = -1;
			break;
		}
		case VT_HEADER2: {
			uint8_t ptype, r1;
			uint16_t r2, ctx_id, opnum;
			uint8_t drep[4];
			uint32_t call_id;
			if (len != 16 || !ndr_pull_u8(&p, &ptype) || !ndr_pull_u8(&p, &r1) || !ndr_pull_u16(&p, &r2) ||
			    !ndr_pull_bytes(&p, drep, 4) || !ndr_pull_u32(&p, &call_id) || !ndr_pull_u16(&p, &ctx_id) ||
			    !ndr_pull_u16(&p, &opnum))
				return 0;
			if (ptype != RPC_PTYPE_REQUEST || call_id != call->call_id || ctx_id != call->ctx_id ||
			    opnum != call->opnum || (((drep[0] & 0xf0) == 0) != call->big_endian))
				verdict = -1;
			break;
		}
		default:
			if (cmd & VT_MUST_PROCESS)
				verdict = -1;
			break;
		}
		p.off = body + len;
		if (cmd & VT_COMMAND_END)
			return p.off == call->len ? verdict : 0;
	}
}

static long rpc_srv_find_vt(const struct rpc_srv_call *call, const struct rpc_srv_ctx *ctx)
{
	if (call->len < sizeof(vt_magic) + 4)
		return (long)call->len;
	/* From the end back: the signature is 4-byte aligned in the stub, and
	 * a trailer is small (its known commands take 80 bytes), so only the
	 * stub's last VT_SEARCH bytes are looked at. */
	size_t lowest = call->len > VT_SEARCH ? (call->len - VT_SEARCH + 3) & ~(size_t)3 : 0;
	for (size_t off = (call->len - sizeof(vt_magic) - 4) & ~(size_t)3; off >= lowest; off -= 4) {
		if (memcmp(call->buf + off, vt_magic, sizeof(vt_magic)) == 0) {
			int v = rpc_vt_check(call, ctx, off);
			if (v < 0)
				return -1;
			if (v > 0)
				return (long)off;
		}
		if (off < 4)
			break;
	}
	return (long)call->len;
}

static int rpc_srv_dispatch(struct rpc_srv_conn *c, struct rpc_srv_call *call)
{
	struct rpc_srv_ctx *ctx = rpc_srv_find_ctx(c, call->ctx_id);
	struct ndr_pull in;
	uint32_t fault;
	int rc;

	if (!ctx) {
		rc = rpc_srv_fault(c, call->call_id, call->ctx_id, NCA_S_UNK_IF, true);
		rpc_srv_call_reset(c, call);
		return rc;
	}
	long vt = rpc_srv_find_vt(call, ctx);
	if (vt < 0) {
		/* The call is not the one the client signed for. */
		rc = rpc_srv_fault(c, call->call_id, call->ctx_id, ERROR_ACCESS_DENIED, true);
		rpc_srv_call_reset(c, call);
		return rc;
	}
	/* The trailer is not part of the stub (its padding may stay: decoders
	 * allow trailing alignment bytes). */
	assert((size_t)vt <= call->len && c->call_bytes >= call->len);
	c->call_bytes -= call->len - (size_t)vt;
	call->len = (size_t)vt;
	ndr_pull_init(&in, call->buf, call->len, call->big_endian);
	ndr_push_init(&c->reply);
	c->current_call_id = call->call_id;
	c->current_ctx_id = call->ctx_id;
	fault = ctx->iface->dispatch(ctx->iface, c->user, call->opnum, &in, &c->reply);
	if (fault == 0 && c->reply.error)
		fault = NCA_S_FAULT_REMOTE_NO_MEMORY;
	if (fault == RPC_DISPATCH_PENDING)
		rc = 0; /* answered later by rpc_srv_conn_reply() */
	else if (fault)
		rc = rpc_srv_fault(c, call->call_id, call->ctx_id, fault, fault == NCA_S_OP_RNG_ERROR);
	else
		rc = rpc_srv_respond(c, call->call_id, call->ctx_id, c->reply.data, c->reply.len);
	ndr_push_free(&c->reply);
	rpc_srv_call_reset(c, call);
	return rc;
}

int rpc_srv_conn_reply(struct rpc_srv_conn *c, uint32_t call_id, uint16_t ctx_id, const uint8_t *stub, size_t len)
{
	return rpc_srv_respond(c, call_id, ctx_id, stub, len);
}

int rpc_srv_conn_fault(struct rpc_srv_conn *c, uint32_t call_id, uint16_t ctx_id, uint32_t status)
{
	return rpc_srv_fault(c, call_id, ctx_id, status, false);
}

/* Verify or unseal a protected request fragment (in a copy: the input
 * buffer stays as received); r->stub then points at the plain stub. */
static int rpc_srv_check(struct rpc_srv_conn *c, const struct rpc_hdr *h, const uint8_t *pdu, struct rpc_request *r)
{
	size_t data_off = (size_t)(r->stub - pdu);

	/* rpc_srv_conn_frame() never lets a fragment exceed max_recv. */
	if (h->frag_length > RPC_DEFAULT_FRAG)
		return -1;
	if (!c->unseal_buf && !(c->unseal_buf = malloc(RPC_DEFAULT_FRAG)))
		return -1;
	memcpy(c->unseal_buf, pdu, h->frag_length);
	if (!rpc_sec_check(&c->sec, c->unseal_buf, h, data_off, r->stub_len + r->auth.auth_pad_length, &r->auth))
		return -1;
	r->stub = c->unseal_buf + data_off;
	return 0;
}

static int rpc_srv_request(struct rpc_srv_conn *c, const struct rpc_hdr *h, const uint8_t *pdu)
{
	struct rpc_request r;
	struct rpc_srv_call *call;

	if (!c->bound)
		return rpc_srv_drop(c, "request before bind");
	if (rpc_request_decode(pdu, h, &r) < 0)
		return rpc_srv_drop(c, "malformed request");
	switch (c->auth_state) {
	case RPC_SRV_AUTH_NONE:
		if (r.has_auth)
			return rpc_srv_drop(c, "request with a verifier but no security context");
		break;
	case RPC_SRV_AUTH_PENDING:
	case RPC_SRV_AUTH_FAILED:
		/* A failed logon, or a request before the handshake ended. */
		rpc_srv_fault(c, h->call_id, r.ctx_id, ERROR_ACCESS_DENIED, true);
		return rpc_srv_drop(c, c->auth_state == RPC_SRV_AUTH_FAILED ? "failed logon"
									  : "request before the logon ended");
	case RPC_SRV_AUTH_DONE:
		if (rpc_srv_protected(c)) {
			if (!r.has_auth || rpc_srv_check(c, h, pdu, &r) < 0) {
				/* Tampered, replayed, out of sequence or unprotected:
				 * refused, and the connection is closed. */
				rpc_srv_fault(c, h->call_id, r.ctx_id, ERROR_ACCESS_DENIED, true);
				return rpc_srv_drop(c, "bad verifier");
			}
		} else if (r.has_auth) {
			return rpc_srv_drop(c, "request with a verifier the context does not use");
		}
		break;
	}
	bool last = h->pfc_flags & RPC_PFC_LAST_FRAG;
	call = rpc_srv_find_call(c, h->call_id);
	if (h->pfc_flags & RPC_PFC_FIRST_FRAG) {
		/* A call id in use, or more calls at once than we offered. */
		if (call)
			return rpc_srv_drop(c, "first fragment of a call id in use");
		/* A caller not allowed in is answered now, before anything of
		 * its request is kept. */
		bool refuse = c->conf->admit && !c->conf->admit(c->user);
		if (refuse && last)
			return rpc_srv_fault(c, h->call_id, r.ctx_id, ERROR_ACCESS_DENIED, false);
		if (!(call = rpc_srv_new_call(c)))
			return rpc_srv_drop(c, "more calls at once than offered");
		call->in_use = true;
		call->call_id = h->call_id;
		call->ctx_id = r.ctx_id;
		call->opnum = r.opnum;
		call->big_endian = rpc_hdr_big_endian(h);
		call->len = 0;
		call->refused = refuse;
		assert(call->charged == 0);
		if (refuse)
			return rpc_srv_fault(c, h->call_id, r.ctx_id, ERROR_ACCESS_DENIED, false);
		/* A call spanning fragments is held between reads: it takes what
		 * it announces from the global budget now, or is refused now. */
		if (!last) {
			size_t want = r.alloc_hint < rpc_srv_max_request(c) ? r.alloc_hint : rpc_srv_max_request(c);
			if (!rpc_srv_charge(c, call, want)) {
				call->refused = true;
				return rpc_srv_fault(c, h->call_id, r.ctx_id, RPC_S_SERVER_TOO_BUSY, true);
			}
		}
	} else if (!call || call->ctx_id != r.ctx_id || call->opnum != r.opnum) {
		return rpc_srv_drop(c, "fragment of no call in progress");
	}
	if (call->refused) {
		/* Answered already: the rest of it is dropped as it comes. */
		if (last)
			rpc_srv_call_reset(c, call);
		return 0;
	}
	int ap = rpc_srv_append_stub(c, call, r.stub, r.stub_len, !(last && (h->pfc_flags & RPC_PFC_FIRST_FRAG)));
	if (ap == -2) {
		/* The global budget is spent: this call, the one that grew
		 * past what it announced, is refused; its other fragments are
		 * dropped as they come, and the connection stays. */
		c->call_bytes -= call->len;
		call->len = 0;
		rpc_srv_uncharge(c, call);
		free(call->buf);
		call->buf = NULL;
		call->cap = 0;
		call->refused = true;
		rpc_srv_fault(c, call->call_id, call->ctx_id, RPC_S_SERVER_TOO_BUSY, true);
		if (last)
			rpc_srv_call_reset(c, call);
		return 0;
	}
	if (ap < 0) {
		/* Too big: refuse the call and close, since the rest of its
		 * fragments would follow. */
		rpc_srv_fault(c, call->call_id, call->ctx_id, NCA_S_FAULT_REMOTE_NO_MEMORY, true);
		rpc_srv_call_reset(c, call);
		return rpc_srv_drop(c, "request over the size cap");
	}
	if (!last)
		return 0;
	return rpc_srv_dispatch(c, call);
}

int rpc_srv_conn_process(struct rpc_srv_conn *c, const uint8_t *pdu, size_t len)
{
	struct rpc_hdr h;

	if (rpc_hdr_decode(pdu, len, &h) < 0 || h.frag_length != len)
		return rpc_srv_drop(c, "bad PDU header");
	switch (h.ptype) {
	case RPC_PTYPE_BIND:
	case RPC_PTYPE_ALTER_CONTEXT:
		return rpc_srv_bind(c, &h, pdu);
	case RPC_PTYPE_REQUEST:
		return rpc_srv_request(c, &h, pdu);
	case RPC_PTYPE_AUTH3:
		return rpc_srv_auth3(c, &h, pdu);
	case RPC_PTYPE_CO_CANCEL:
		/* Calls run to completion before the next PDU is read: nothing is
		 * left to cancel. */
		return c->bound ? 0 : rpc_srv_drop(c, "co_cancel before bind");
	case RPC_PTYPE_ORPHANED: {
		struct rpc_srv_call *call = rpc_srv_find_call(c, h.call_id);
		if (call)
			rpc_srv_call_reset(c, call);
		return c->bound ? 0 : rpc_srv_drop(c, "orphaned before bind");
	}
	default:
		/* Server-to-client PDUs and unknown types: the peer does not
		 * speak this protocol. */
		return rpc_srv_drop(c, "unexpected PDU type");
	}
}

uint8_t rpc_srv_conn_auth_level(const struct rpc_srv_conn *c)
{
	return c->auth_state == RPC_SRV_AUTH_DONE ? c->sec.level : RPC_AUTHN_LEVEL_NONE;
}

const struct rpc_auth_peer *rpc_srv_conn_peer(const struct rpc_srv_conn *c)
{
	return c->auth_state == RPC_SRV_AUTH_DONE ? &c->peer : NULL;
}
