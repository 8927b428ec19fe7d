/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "client.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* The whole-call timeout: $CLUSAPI_CALL_TIMEOUT_MS when it is a number in
 * range, else the default. */
static int rpc_client_timeout_from_env(void)
{
	const char *env = getenv("CLUSAPI_CALL_TIMEOUT_MS");
	if (env && *env) {
		char *end;
		errno = 0;
		unsigned long ms = strtoul(env, &end, 10);
		if (!*end && errno == 0 && *env != '-' && ms >= RPC_CLIENT_MIN_TIMEOUT_MS && ms <= RPC_CLIENT_MAX_TIMEOUT_MS)
			return (int)ms;
	}
	return RPC_CLIENT_DEFAULT_TIMEOUT_MS;
}

void rpc_client_init(struct rpc_client *c)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->max_xmit = RPC_DEFAULT_FRAG;
	c->max_recv = RPC_DEFAULT_FRAG;
	c->next_call_id = 1;
	c->timeout_ms = rpc_client_timeout_from_env();
	ndr_push_init(&c->scratch);
	ndr_push_init(&c->outq);
}

void rpc_client_close(struct rpc_client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->in);
	ndr_push_free(&c->scratch);
	ndr_push_free(&c->outq);
	c->fd = -1;
	c->rcvtimeo_ms = 0;
	c->in = NULL;
	c->rbuf = NULL;
	c->in_len = c->in_off = c->pdu_len = 0;
	c->bound = false;
	rpc_auth_free(&c->sec.auth);
}

/* We offer (and so accept) fragments of at most RPC_DEFAULT_FRAG bytes; the
 * input buffer holds one whole fragment beyond whatever is unread, and stays
 * small enough not to cost an mmap per connection. */
#define RPC_CLIENT_INBUF (2u * RPC_DEFAULT_FRAG)

static long rpc_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Wait for fd to be ready; false on timeout or error. */
static bool rpc_wait(int fd, short events, long deadline)
{
	for (;;) {
		long left = deadline - rpc_now_ms();
		if (left <= 0)
			return false;
		struct pollfd pfd = { .fd = fd, .events = events };
		int n = poll(&pfd, 1, (int)left);
		if (n > 0)
			return true;
		if (n < 0 && errno != EINTR)
			return false;
	}
}

/*
 * Connect a blocking socket.  The engine writes with MSG_DONTWAIT and waits
 * (poll) only for what is left of the exchange's deadline, so a server that
 * dribbles bytes cannot stretch a call past it; it reads the same way but
 * for an exchange's first read, which waits in the recv itself, bounded by
 * SO_RCVTIMEO (rpc_client_fill).  The socket is blocking with the timeout on
 * each read and write, for that first read, for whoever uses c->fd directly
 * (tests), and for connect() itself, which Linux bounds by the send timeout:
 * one system call instead of a non-blocking connect, a poll, SO_ERROR and
 * two fcntl.
 */
static DWORD rpc_client_connect_fd(struct rpc_client *c, int fd, const struct sockaddr *sa, socklen_t len)
{
	long deadline = rpc_now_ms() + c->timeout_ms;
	struct timeval tv = { .tv_sec = c->timeout_ms / 1000, .tv_usec = (c->timeout_ms % 1000) * 1000 };

	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0) {
		close(fd);
		return RPC_S_SERVER_UNAVAILABLE;
	}
	if (connect(fd, sa, len) < 0) {
		/* A signal leaves the connection going on: wait for it (a
		 * blocking connect past its timeout says EINPROGRESS). */
		if (errno != EINTR) {
			close(fd);
			return RPC_S_SERVER_UNAVAILABLE;
		}
		int err = 0;
		socklen_t elen = sizeof(err);
		if (!rpc_wait(fd, POLLOUT, deadline) || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0 || err) {
			close(fd);
			return RPC_S_SERVER_UNAVAILABLE;
		}
	}
	c->fd = fd;
	c->rcvtimeo_ms = c->timeout_ms;
	return ERROR_SUCCESS;
}

DWORD rpc_client_connect_unix(struct rpc_client *c, const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	if (strlen(path) >= sizeof(sun.sun_path))
		return RPC_S_INVALID_BINDING;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return RPC_S_SERVER_UNAVAILABLE;
	return rpc_client_connect_fd(c, fd, (struct sockaddr *)&sun, sizeof(sun));
}

DWORD rpc_client_connect_addr(struct rpc_client *c, const struct sockaddr *sa, socklen_t len)
{
	int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return RPC_S_SERVER_UNAVAILABLE;
	/* No Nagle: a request goes out whole, at once. */
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return rpc_client_connect_fd(c, fd, sa, len);
}

/* Start the deadline of one exchange (a call, a batch, a bind). */
static void rpc_client_start_deadline(struct rpc_client *c)
{
	c->deadline = rpc_now_ms() + c->timeout_ms;
}

static DWORD rpc_client_send(struct rpc_client *c, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
		} else if (w < 0 && errno == EINTR) {
			continue;
		} else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (!rpc_wait(c->fd, POLLOUT, c->deadline))
				return RPC_S_CALL_FAILED; /* past the deadline */
		} else {
			return RPC_S_CALL_FAILED;
		}
	}
	return ERROR_SUCCESS;
}

/* Gathering: PDUs are appended to c->outq and sent together (one send for a
 * batch instead of one per PDU).  A long request is sent as it goes, so the
 * queue stays small. */
#define RPC_CLIENT_OUTQ_FLUSH (64u * 1024u)

static DWORD rpc_client_flush(struct rpc_client *c, size_t *handed)
{
	DWORD err = ERROR_SUCCESS;
	size_t done = 0;
	const uint8_t *p = c->outq.data;
	size_t n = c->outq.len;
	while (done < n) {
		ssize_t w = send(c->fd, p + done, n - done, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w > 0) {
			done += (size_t)w;
		} else if (w < 0 && errno == EINTR) {
			continue;
		} else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (!rpc_wait(c->fd, POLLOUT, c->deadline)) {
				err = RPC_S_CALL_FAILED; /* past the deadline */
				break;
			}
		} else {
			err = RPC_S_CALL_FAILED;
			break;
		}
	}
	if (handed)
		*handed += done;
	c->awaiting = err == ERROR_SUCCESS;
	c->outq.len = 0;
	c->outq.error = false;
	return err;
}

/* Append the PDU in c->scratch to the queue. */
static DWORD rpc_client_queue(struct rpc_client *c, size_t *handed)
{
	if (!ndr_push_bytes(&c->outq, c->scratch.data, c->scratch.len))
		return ERROR_NOT_ENOUGH_MEMORY;
	return c->outq.len >= RPC_CLIENT_OUTQ_FLUSH ? rpc_client_flush(c, handed) : ERROR_SUCCESS;
}

/* Make at least `want` unread bytes available in c->in. */
static DWORD rpc_client_fill(struct rpc_client *c, size_t want)
{
	while (c->in_len - c->in_off < want) {
		/*
		 * Right after a request nothing can be there yet: wait in the
		 * recv itself, which SO_RCVTIMEO (the whole exchange's timeout,
		 * set at connect) bounds, when the exchange has only just
		 * started (its deadline then that timeout away, give or take
		 * RPC_CLIENT_BLOCK_SLACK_MS): one system call per answer instead
		 * of a poll and a recv.  Later reads, and a first read late in
		 * its exchange, wait in a poll for what is left of the deadline,
		 * so a server that dribbles bytes cannot stretch a call past it.
		 */
		int flags = MSG_DONTWAIT;
		if (c->awaiting) {
			c->awaiting = false;
			long left = c->deadline - rpc_now_ms();
			if (c->rcvtimeo_ms == c->timeout_ms && c->rcvtimeo_ms > 0 &&
			    left >= c->timeout_ms - RPC_CLIENT_BLOCK_SLACK_MS)
				flags = 0;
			else if (!rpc_wait(c->fd, POLLIN, c->deadline))
				return RPC_S_CALL_FAILED;
		}
		ssize_t r = recv(c->fd, c->in + c->in_len, RPC_CLIENT_INBUF - c->in_len, flags);
		if (r > 0) {
			c->in_len += (size_t)r;
		} else if (r < 0 && errno == EINTR) {
			continue;
		} else if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			/* The deadline is the exchange's, not this read's. */
			if (!rpc_wait(c->fd, POLLIN, c->deadline))
				return RPC_S_CALL_FAILED;
		} else {
			return RPC_S_CALL_FAILED; /* EOF or error */
		}
	}
	return ERROR_SUCCESS;
}

/* Read the next PDU; c->rbuf points at it until the next call. */
static DWORD rpc_client_recv_pdu(struct rpc_client *c, struct rpc_hdr *h)
{
	DWORD err;

	if (!c->in) {
		c->in = malloc(RPC_CLIENT_INBUF);
		if (!c->in)
			return ERROR_NOT_ENOUGH_MEMORY;
	}
	/* Drop the PDU handed out last time; keep what follows it. */
	c->in_off += c->pdu_len;
	c->pdu_len = 0;
	if (c->in_off == c->in_len) {
		c->in_off = c->in_len = 0;
	} else if (c->in_off > RPC_CLIENT_INBUF - RPC_DEFAULT_FRAG) {
		memmove(c->in, c->in + c->in_off, c->in_len - c->in_off);
		c->in_len -= c->in_off;
		c->in_off = 0;
	}
	err = rpc_client_fill(c, RPC_HDR_LEN);
	if (err)
		return err;
	if (rpc_hdr_decode(c->in + c->in_off, RPC_HDR_LEN, h) < 0 || h->frag_length > RPC_DEFAULT_FRAG)
		return RPC_S_PROTOCOL_ERROR;
	err = rpc_client_fill(c, h->frag_length);
	if (err)
		return err;
	c->rbuf = c->in + c->in_off;
	c->pdu_len = h->frag_length;
	return ERROR_SUCCESS;
}

static DWORD rpc_nak_to_error(uint16_t reason)
{
	switch (reason) {
	case RPC_NAK_AUTH_TYPE_NOT_RECOGNIZED:
	case RPC_NAK_INVALID_CHECKSUM:
		return ERROR_ACCESS_DENIED;
	case RPC_NAK_TEMPORARY_CONGESTION:
	case RPC_NAK_LOCAL_LIMIT_EXCEEDED:
		return RPC_S_SERVER_TOO_BUSY;
	default:
		return RPC_S_CALL_FAILED_DNE;
	}
}

static void rpc_client_fill_bind(struct rpc_bind *b, const struct rpc_syntax *iface, bool with_btfn)
{
	memset(b, 0, sizeof(*b));
	b->max_xmit_frag = RPC_DEFAULT_FRAG;
	b->max_recv_frag = RPC_DEFAULT_FRAG;
	b->conc_mpx = true;
	b->n_ctx = with_btfn ? 2 : 1;
	b->ctx[0].ctx_id = 0;
	b->ctx[0].n_transfer = 1;
	b->ctx[0].abstract = *iface;
	b->ctx[0].transfer[0] = rpc_syntax_ndr;
	if (with_btfn) {
		b->ctx[1].ctx_id = 1;
		b->ctx[1].n_transfer = 1;
		b->ctx[1].abstract = *iface;
		rpc_syntax_btfn(&b->ctx[1].transfer[0], RPC_BTFN_SEC_CTX_MULTIPLEX | RPC_BTFN_KEEP_ON_ORPHAN);
	}
}

/* Send a bind or alter_context (with the token when tok is set) and read the
 * answer: 0 with h and c->rbuf holding a bind_ack / alter_context_resp. */
static DWORD rpc_client_bind_exchange(struct rpc_client *c, uint8_t ptype, const struct rpc_bind *b,
				      const uint8_t *tok, size_t tok_len, struct rpc_hdr *h)
{
	uint32_t call_id = c->next_call_id++;
	struct rpc_auth_trailer a = rpc_sec_trailer(&c->sec, tok, tok_len);
	DWORD err;

	if (!rpc_bind_encode(&c->scratch, ptype, call_id, b) ||
	    (c->sec.auth.ops && !rpc_pdu_add_auth(&c->scratch, &a, 0)))
		return ERROR_NOT_ENOUGH_MEMORY;
	err = rpc_client_send(c, c->scratch.data, c->scratch.len);
	if (err)
		return RPC_S_SERVER_UNAVAILABLE;
	err = rpc_client_recv_pdu(c, h);
	if (err)
		return err == RPC_S_CALL_FAILED ? RPC_S_SERVER_UNAVAILABLE : err;
	if (h->call_id != call_id)
		return RPC_S_PROTOCOL_ERROR;
	if (h->ptype == RPC_PTYPE_BIND_NAK) {
		uint16_t reason = 0;
		rpc_bind_nak_decode(c->rbuf, h, &reason);
		return rpc_nak_to_error(reason);
	}
	if (h->ptype == RPC_PTYPE_FAULT) {
		struct rpc_fault f;
		return rpc_fault_decode(c->rbuf, h, &f) == 0 ? werror_from_fault(f.status) : RPC_S_PROTOCOL_ERROR;
	}
	if (h->ptype != (ptype == RPC_PTYPE_BIND ? RPC_PTYPE_BIND_ACK : RPC_PTYPE_ALTER_CONTEXT_RESP))
		return RPC_S_PROTOCOL_ERROR;
	return ERROR_SUCCESS;
}

/* The server's token in a bind_ack or alter_context_resp (none: empty). */
static DWORD rpc_client_peer_token(struct rpc_client *c, const struct rpc_hdr *h, const uint8_t **tok, size_t *len)
{
	struct rpc_auth_trailer a;

	*tok = NULL;
	*len = 0;
	if (!h->auth_length)
		return ERROR_SUCCESS;
	if (rpc_auth_trailer_decode(c->rbuf, h, &a) < 0 || a.auth_type != c->sec.type ||
	    a.auth_context_id != c->sec.context_id)
		return RPC_S_PROTOCOL_ERROR;
	*tok = a.value;
	*len = a.value_len;
	return ERROR_SUCCESS;
}

/* The legs after bind_ack: auth3 when the provider is done and has a last
 * token, alter_context while it needs answers. */
static DWORD rpc_client_finish_auth(struct rpc_client *c, const struct rpc_syntax *iface, struct rpc_hdr *h)
{
	const uint8_t *in;
	size_t in_len;
	DWORD err;

	for (int legs = 0; legs < 8; legs++) {
		uint8_t *tok = NULL;
		size_t tok_len = 0;
		err = rpc_client_peer_token(c, h, &in, &in_len);
		if (err)
			return err;
		uint32_t rc = c->sec.auth.ops->step(c->sec.auth.st, in, in_len, &tok, &tok_len);
		if (rc == 0) {
			err = ERROR_SUCCESS;
			if (tok_len) {
				struct rpc_auth_trailer a = rpc_sec_trailer(&c->sec, tok, tok_len);
				if (!rpc_auth3_encode(&c->scratch, c->next_call_id++, &a))
					err = ERROR_NOT_ENOUGH_MEMORY;
				else
					err = rpc_client_send(c, c->scratch.data, c->scratch.len);
			}
			free(tok);
			return err;
		}
		if (rc != RPC_AUTH_CONTINUE) {
			free(tok);
			return rc == ERROR_NOT_ENOUGH_MEMORY ? rc : ERROR_ACCESS_DENIED;
		}
		struct rpc_bind b;
		rpc_client_fill_bind(&b, iface, false);
		err = rpc_client_bind_exchange(c, RPC_PTYPE_ALTER_CONTEXT, &b, tok, tok_len, h);
		free(tok);
		if (err)
			return err;
	}
	return ERROR_ACCESS_DENIED; /* a provider that never finishes */
}

/* What a bind_ack (in c->rbuf) settles: fragment sizes, the association
 * group, concurrent multiplexing, bind-time features. */
static DWORD rpc_client_take_bind_ack(struct rpc_client *c, const struct rpc_hdr *h)
{
	struct rpc_bind_ack ack;

	if (rpc_bind_ack_decode(c->rbuf, h, &ack) < 0)
		return RPC_S_PROTOCOL_ERROR;
	if (ack.n_results < 1 || ack.results[0].result != RPC_RESULT_ACCEPT)
		return RPC_S_UNKNOWN_IF;
	if (ack.n_results >= 2 && ack.results[1].result == RPC_RESULT_NEGOTIATE_ACK)
		c->btfn_features = ack.results[1].reason;
	if (ack.max_xmit_frag < RPC_MIN_FRAG || ack.max_recv_frag < RPC_MIN_FRAG)
		return RPC_S_PROTOCOL_ERROR;
	/* The server's max_xmit is what we may receive (never more than we
	 * offered), and the reverse. */
	c->max_recv = ack.max_xmit_frag < RPC_DEFAULT_FRAG ? ack.max_xmit_frag : RPC_DEFAULT_FRAG;
	c->max_xmit = ack.max_recv_frag < RPC_DEFAULT_FRAG ? ack.max_recv_frag : RPC_DEFAULT_FRAG;
	c->assoc_group = ack.assoc_group_id;
	c->conc_mpx = (h->pfc_flags & RPC_PFC_CONC_MPX) != 0;
	c->ctx_id = 0;
	return ERROR_SUCCESS;
}

DWORD rpc_client_bind_auth(struct rpc_client *c, const struct rpc_syntax *iface, struct rpc_auth *auth, uint8_t level)
{
	struct rpc_bind b;
	struct rpc_hdr h;
	uint8_t *tok = NULL;
	size_t tok_len = 0;
	DWORD err;

	rpc_client_start_deadline(c);
	rpc_auth_free(&c->sec.auth);
	if (auth) {
		c->sec.auth = *auth;
		auth->ops = NULL;
		auth->st = NULL;
		if (level < RPC_AUTHN_LEVEL_CONNECT || level > RPC_AUTHN_LEVEL_PKT_PRIVACY)
			return ERROR_INVALID_PARAMETER;
		c->sec.type = c->sec.auth.ops->auth_type;
		c->sec.level = level;
		c->sec.context_id = 1;
		uint32_t rc = c->sec.auth.ops->step(c->sec.auth.st, NULL, 0, &tok, &tok_len);
		if (rc != 0 && rc != RPC_AUTH_CONTINUE)
			return rc == ERROR_NOT_ENOUGH_MEMORY ? rc : ERROR_ACCESS_DENIED;
	}
	rpc_client_fill_bind(&b, iface, true);
	b.hdr_sign = auth != NULL;
	err = rpc_client_bind_exchange(c, RPC_PTYPE_BIND, &b, tok, tok_len, &h);
	free(tok);
	if (err)
		return err;
	err = rpc_client_take_bind_ack(c, &h);
	if (err)
		return err;
	if (c->sec.auth.ops) {
		if (!h.auth_length)
			return ERROR_ACCESS_DENIED; /* the server ignored our security context */
		c->sec.hdr_sign = (h.pfc_flags & RPC_PFC_SUPPORT_HEADER_SIGN) != 0;
		err = rpc_client_finish_auth(c, iface, &h);
		if (err)
			return err;
	}
	c->bound = true;
	return ERROR_SUCCESS;
}

DWORD rpc_client_bind(struct rpc_client *c, const struct rpc_syntax *iface)
{
	return rpc_client_bind_auth(c, iface, NULL, 0);
}

/* Queue one request (its fragments); *handed counts the bytes already given
 * to the kernel when the queue had to be sent on the way. */
static DWORD rpc_client_queue_request(struct rpc_client *c, uint32_t call_id, uint16_t opnum, const uint8_t *stub,
				      size_t stub_len, size_t *handed)
{
	struct rpc_frag_iter it;
	const uint8_t *p;
	uint32_t hint;
	uint8_t flags;
	size_t n;

	bool protect = rpc_sec_protects(&c->sec);
	size_t sig_size;

	if (!rpc_sec_frag_init(&c->sec, &it, stub, stub_len, c->max_xmit, RPC_REQUEST_HDR_LEN, &sig_size))
		return RPC_S_CALL_FAILED;
	while (rpc_frag_next(&it, &flags, &hint, &p, &n)) {
		if (!rpc_request_encode(&c->scratch, flags, call_id, hint, c->ctx_id, opnum, p, n))
			return ERROR_NOT_ENOUGH_MEMORY;
		if (protect && !rpc_sec_protect(&c->sec, &c->scratch, RPC_REQUEST_HDR_LEN, n, sig_size))
			return RPC_S_CALL_FAILED;
		DWORD err = rpc_client_queue(c, handed);
		if (err)
			return err;
	}
	return ERROR_SUCCESS;
}

/* Add one response fragment to its call; a Windows error if it does not fit
 * the call's sequence. */
static DWORD rpc_client_take_fragment(struct rpc_client *c, const struct rpc_hdr *h, struct rpc_call *call,
				      size_t *cap)
{
	bool first = call->out == NULL && !call->started;
	struct rpc_response r;

	if (rpc_response_decode(c->rbuf, h, &r) < 0 || first != !!(h->pfc_flags & RPC_PFC_FIRST_FRAG))
		return RPC_S_PROTOCOL_ERROR;
	if (rpc_sec_protects(&c->sec)) {
		/* Checked (and decrypted) in place: the input buffer is ours. */
		if (!r.has_auth || !rpc_sec_check(&c->sec, c->rbuf, h, (size_t)(r.stub - c->rbuf),
						   r.stub_len + r.auth.auth_pad_length, &r.auth))
			return ERROR_ACCESS_DENIED;
	} else if (r.has_auth) {
		return RPC_S_PROTOCOL_ERROR;
	}
	if (first)
		call->big_endian = rpc_hdr_big_endian(h);
	call->started = true;
	if (r.stub_len > RPC_CLIENT_MAX_RESPONSE - call->out_len)
		return ERROR_NOT_ENOUGH_MEMORY;
	if (call->out_len + r.stub_len > *cap || !call->out) {
		size_t ncap = *cap ? *cap : 1024;
		while (ncap < call->out_len + r.stub_len)
			ncap *= 2;
		uint8_t *p = realloc(call->out, ncap);
		if (!p)
			return ERROR_NOT_ENOUGH_MEMORY;
		call->out = p;
		*cap = ncap;
	}
	if (r.stub_len)
		memcpy(call->out + call->out_len, r.stub, r.stub_len);
	call->out_len += r.stub_len;
	if (h->pfc_flags & RPC_PFC_LAST_FRAG)
		call->done = true;
	return ERROR_SUCCESS;
}

static void rpc_client_call_reset(struct rpc_call *call)
{
	call->out = NULL;
	call->out_len = 0;
	call->status = ERROR_SUCCESS;
	call->started = call->done = call->sent = false;
}

/* Queue calls[0..n) (behind whatever the queue holds already, a bind) and
 * send it all in one go; each call gets its call id; a call is `sent` once
 * all its bytes were handed to the kernel. */
static DWORD rpc_client_send_calls(struct rpc_client *c, struct rpc_call *calls, size_t n)
{
	size_t ends[RPC_CLIENT_MAX_BATCH];
	size_t handed = 0; /* stream position: handed + c->outq.len */
	DWORD err = ERROR_SUCCESS;

	for (size_t i = 0; i < n; i++) {
		rpc_client_call_reset(&calls[i]);
		ends[i] = SIZE_MAX;
	}
	for (size_t i = 0; i < n && !err; i++) {
		calls[i].call_id = c->next_call_id++;
		err = rpc_client_queue_request(c, calls[i].call_id, calls[i].opnum, calls[i].stub, calls[i].stub_len,
					       &handed);
		if (!err)
			ends[i] = handed + c->outq.len;
	}
	if (c->outq.len) {
		DWORD ferr = rpc_client_flush(c, &handed);
		if (!err)
			err = ferr;
	}
	for (size_t i = 0; i < n; i++)
		calls[i].sent = ends[i] <= handed;
	return err;
}

/* Read until every one of calls[0..n) (requests sent, call_id set) is
 * answered, within the exchange's deadline.  Answers are matched by call id,
 * so calls started one by one (rpc_client_start) may be collected together. */
static DWORD rpc_client_collect_all(struct rpc_client *c, struct rpc_call *calls, size_t n)
{
	size_t caps[RPC_CLIENT_MAX_BATCH] = { 0 };
	size_t pending = 0;
	uint32_t fragments = 0;
	struct rpc_hdr h;

	for (size_t i = 0; i < n; i++)
		pending += !calls[i].done;
	while (pending) {
		DWORD err = rpc_client_recv_pdu(c, &h);
		if (err)
			return err;
		if (++fragments > RPC_CLIENT_MAX_FRAGMENTS * n)
			return RPC_S_PROTOCOL_ERROR;
		size_t idx = n;
		for (size_t i = 0; i < n; i++)
			if (calls[i].sent && !calls[i].done && calls[i].call_id == h.call_id)
				idx = i;
		if (idx == n)
			return RPC_S_PROTOCOL_ERROR;
		struct rpc_call *call = &calls[idx];
		if (h.ptype == RPC_PTYPE_FAULT) {
			struct rpc_fault f;
			if (call->started || rpc_fault_decode(c->rbuf, &h, &f) < 0)
				return RPC_S_PROTOCOL_ERROR;
			/* A fault ends its call cleanly: the association goes on. */
			call->status = werror_from_fault(f.status);
			call->done = true;
		} else if (h.ptype == RPC_PTYPE_RESPONSE) {
			err = rpc_client_take_fragment(c, &h, call, &caps[idx]);
			if (err)
				return err;
		} else if (h.ptype == RPC_PTYPE_SHUTDOWN) {
			return RPC_S_CALL_FAILED;
		} else {
			return RPC_S_PROTOCOL_ERROR;
		}
		if (call->done)
			pending--;
	}
	return ERROR_SUCCESS;
}

/* A failed exchange: nothing handed out, and the association is finished
 * (the stream may be out of step now). */
static DWORD rpc_client_fail(struct rpc_client *c, struct rpc_call *calls, size_t n, DWORD err)
{
	for (size_t i = 0; i < n; i++) {
		free(calls[i].out);
		calls[i].out = NULL;
		calls[i].out_len = 0;
	}
	c->bound = false;
	return err;
}

/* Send calls[0..n) (all at once when the server accepted concurrent
 * multiplexing), then read until every one is answered. */
static DWORD rpc_client_run(struct rpc_client *c, struct rpc_call *calls, size_t n)
{
	rpc_client_start_deadline(c);
	c->outq.len = 0;
	DWORD err = rpc_client_send_calls(c, calls, n);
	if (!err)
		err = rpc_client_collect_all(c, calls, n);
	return err ? rpc_client_fail(c, calls, n, err) : ERROR_SUCCESS;
}

DWORD rpc_client_start(struct rpc_client *c, struct rpc_call *call)
{
	if (!c->bound)
		return RPC_S_INVALID_BINDING;
	rpc_client_start_deadline(c);
	c->outq.len = 0;
	DWORD err = rpc_client_send_calls(c, call, 1);
	return err ? rpc_client_fail(c, call, 1, err) : ERROR_SUCCESS;
}

bool rpc_client_readable(struct rpc_client *c, int timeout_ms)
{
	if (c->in && c->in_len > c->in_off + c->pdu_len)
		return true;
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
	for (;;) {
		int r = poll(&pfd, 1, timeout_ms < 0 ? -1 : timeout_ms);
		if (r >= 0)
			return r > 0;
		if (errno != EINTR)
			return true; /* let the read find the error */
	}
}

DWORD rpc_client_collect(struct rpc_client *c, struct rpc_call *calls, size_t n)
{
	if (!c->bound)
		return RPC_S_INVALID_BINDING;
	if (n == 0 || n > RPC_CLIENT_MAX_BATCH)
		return ERROR_INVALID_PARAMETER;
	rpc_client_start_deadline(c);
	DWORD err = rpc_client_collect_all(c, calls, n);
	return err ? rpc_client_fail(c, calls, n, err) : ERROR_SUCCESS;
}

DWORD rpc_client_call_many(struct rpc_client *c, struct rpc_call *calls, size_t n)
{
	if (!c->bound)
		return RPC_S_INVALID_BINDING;
	if (n == 0 || n > RPC_CLIENT_MAX_BATCH)
		return ERROR_INVALID_PARAMETER;
	if (c->conc_mpx)
		return rpc_client_run(c, calls, n);
	for (size_t i = 0; i < n; i++) {
		DWORD err = rpc_client_run(c, &calls[i], 1);
		if (err) {
			for (size_t k = 0; k < i; k++) {
				free(calls[k].out);
				calls[k].out = NULL;
			}
			return err;
		}
	}
	return ERROR_SUCCESS;
}

DWORD rpc_client_call(struct rpc_client *c, uint16_t opnum, const uint8_t *stub, size_t stub_len, uint8_t **out,
		      size_t *out_len, bool *big_endian)
{
	struct rpc_call call = { .opnum = opnum, .stub = stub, .stub_len = stub_len };
	*out = NULL;
	*out_len = 0;
	DWORD err = rpc_client_call_many(c, &call, 1);
	if (!err)
		err = call.status;
	if (err) {
		free(call.out);
		return err;
	}
	*out = call.out;
	*out_len = call.out_len;
	*big_endian = call.big_endian;
	return ERROR_SUCCESS;
}

DWORD rpc_client_bind_and_call(struct rpc_client *c, const struct rpc_syntax *iface, struct rpc_call *calls,
			       size_t n)
{
	struct rpc_bind b;
	struct rpc_hdr h;

	if (n == 0 || n > RPC_CLIENT_MAX_BATCH)
		return ERROR_INVALID_PARAMETER;
	rpc_client_start_deadline(c);
	rpc_auth_free(&c->sec.auth);
	c->outq.len = 0;
	rpc_client_fill_bind(&b, iface, true);
	uint32_t bind_id = c->next_call_id++;
	if (!rpc_bind_encode(&c->scratch, RPC_PTYPE_BIND, bind_id, &b) || rpc_client_queue(c, NULL))
		return ERROR_NOT_ENOUGH_MEMORY;
	/* The requests are cut for the smallest fragment any server takes:
	 * the bind_ack that says more is not in yet. */
	c->max_xmit = RPC_MIN_FRAG;
	c->ctx_id = 0;
	DWORD err = rpc_client_send_calls(c, calls, n);
	if (err)
		return rpc_client_fail(c, calls, n, err == RPC_S_CALL_FAILED ? RPC_S_SERVER_UNAVAILABLE : err);
	err = rpc_client_recv_pdu(c, &h);
	if (!err && h.call_id != bind_id)
		err = RPC_S_PROTOCOL_ERROR;
	if (!err && h.ptype == RPC_PTYPE_BIND_NAK) {
		uint16_t reason = 0;
		rpc_bind_nak_decode(c->rbuf, &h, &reason);
		err = rpc_nak_to_error(reason);
	} else if (!err && h.ptype != RPC_PTYPE_BIND_ACK) {
		err = RPC_S_PROTOCOL_ERROR;
	}
	if (!err)
		err = rpc_client_take_bind_ack(c, &h);
	if (err) {
		/* The calls were not run (a server that refused the bind
		 * refuses what follows it). */
		for (size_t i = 0; i < n; i++)
			calls[i].sent = false;
		return rpc_client_fail(c, calls, n, err == RPC_S_CALL_FAILED ? RPC_S_SERVER_UNAVAILABLE : err);
	}
	c->bound = true;
	err = rpc_client_collect_all(c, calls, n);
	return err ? rpc_client_fail(c, calls, n, err) : ERROR_SUCCESS;
}

DWORD rpc_client_send_last(struct rpc_client *c, uint16_t opnum, const uint8_t *stub, size_t stub_len)
{
	if (!c->bound)
		return RPC_S_INVALID_BINDING;
	rpc_client_start_deadline(c);
	c->outq.len = 0;
	size_t handed = 0;
	DWORD err = rpc_client_queue_request(c, c->next_call_id++, opnum, stub, stub_len, &handed);
	if (!err && c->outq.len)
		err = rpc_client_flush(c, &handed);
	c->bound = false;
	return err;
}
