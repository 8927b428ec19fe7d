/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "loop.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "rpc/transport.h"
#include "auth.h"
#include "session.h"

enum item_kind { ITEM_LISTENER, ITEM_CONN, ITEM_SIGNAL, ITEM_BACKEND };

struct item {
	enum item_kind kind;
	int fd;
};

struct listener {
	struct item it;
	enum listener_kind kind;
	char sec_addr[16];
	struct listener *next;
};

/* Connections not yet logged in, per peer address (IPv4 as mapped IPv6). */
struct peer {
	uint8_t addr[16];
	size_t count;
	struct peer *next;
};
#define PEER_BUCKETS 1024

/* At most `burst` lines a second for one kind of event; the others are
 * counted and the count goes with the next line printed. */
struct ratelimit {
	uint64_t window_ms;
	unsigned in_window;
	unsigned long suppressed;
};

struct conn {
	struct item it;
	struct loop *loop;
	enum listener_kind kind;
	char peer_name[64];       /* for the logs */
	struct peer *peer;        /* while counted as not logged in (TCP) */
	const char *close_reason; /* why it is being closed, once decided */
	/* Deadline list (login grace, lingering): sorted by deadline, since
	 * every entry gets now + the same grace. */
	uint64_t deadline_ms;
	bool timed;
	struct conn *tprev, *tnext;
	struct rpc_srv_conn rpc;
	struct session sess;
	/* An endpoint mapper connection's searches (allocated after the
	 * struct, for those connections only), else NULL. */
	struct epm_conn *epm;
	uint8_t *rbuf;
	size_t rlen;
	size_t rcap;
	bool closing;
	bool lingering;     /* answered and shut down for writing: draining input */
	size_t drained;     /* bytes discarded while lingering */
	bool want_out;
	bool in_read; /* conn_read() is running: it flushes when done */
	bool held;    /* answers waiting for the commit of the loop's turn */
	struct conn *hnext;
	struct conn *prev, *next;
};

/* The limits that log when they act, each rate-limited on its own. */
enum limit_kind { LIM_TCP, LIM_UNAUTH, LIM_EARLY_DROP, LIM_PER_PEER, LIM_LPC, LIM_BUDGET, LIM_FDS, LIM_CLOSE, LIM_N };

struct loop {
	int epfd;
	int spare_fd; /* given up to accept and close when out of descriptors */
	struct loop_limits lim;
	size_t ntcp, nunauth, nlpc;
	struct peer *peers[PEER_BUCKETS];
	struct conn *thead, *ttail;
	struct rpc_srv_budget budget;
	unsigned long budget_logged;
	struct ratelimit rl[LIM_N];
	uint64_t rng;
	struct item sig;
	struct item backend; /* the backend's own events (its child processes) */
	struct server_state *st;
	struct listener *listeners;
	struct conn *conns;
	size_t nconns;
	size_t max_conns;
	struct rpc_server_iface cmrp_iface;
	struct rpc_server_iface epm_iface;
	struct rpc_server_conf cmrp_conf;
	struct rpc_server_conf epm_conf;
	struct epm_registry epm;
	void (*on_reload)(void *arg); /* SIGHUP */
	void *reload_arg;
	/* Group commit: during a turn of the loop the backend's changes share
	 * one commit; the connections read in the turn keep their answers
	 * (held) until it is on disk. */
	bool batching;
	struct conn *held;
};

#define READ_CHUNK 16384

/* Random early drop of connections not yet logged in (sshd's MaxStartups
 * start:rate:full, with one difference): from half the cap on, a new one
 * makes room with a probability of 30%, rising linearly to 100% at the cap.
 * Making room closes the connection not logged in that has waited longest,
 * rather than refusing the newcomer as sshd does: a flood of idle strangers
 * from many addresses then only shortens everyone's time to log in (a real
 * client logs in within milliseconds), and never keeps an administrator out.
 * Without a login grace there is no list by age, and the newcomer is refused. */
#define EARLY_DROP_START_NUM 1
#define EARLY_DROP_START_DEN 2
#define EARLY_DROP_RATE 30
/* Close log lines a second (limit lines: one a second each). */
#define CLOSE_LOG_BURST 10

static void conn_set_events(struct conn *c, bool want_out);
static void conn_why(struct conn *c, const char *why);

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static bool rl_allow(struct ratelimit *r, unsigned burst, unsigned long *suppressed)
{
	uint64_t now = now_ms();
	if (now - r->window_ms >= 1000) {
		r->window_ms = now;
		r->in_window = 0;
	}
	if (r->in_window >= burst) {
		r->suppressed++;
		return false;
	}
	r->in_window++;
	*suppressed = r->suppressed;
	r->suppressed = 0;
	return true;
}

/* " (N more like it not logged)" or "". */
static const char *rl_tail(unsigned long suppressed, char *buf, size_t len)
{
	if (!suppressed)
		return "";
	snprintf(buf, len, " (%lu more like it not logged)", suppressed);
	return buf;
}

#define LOG_LIMIT(l, kind, burst, lvl, fmt, ...)                                                             \
	do {                                                                                                    \
		unsigned long sup_;                                                                             \
		char tail_[64];                                                                                 \
		if (rl_allow(&(l)->rl[kind], (burst), &sup_))                                                  \
			log_msg(lvl, fmt "%s", __VA_ARGS__, rl_tail(sup_, tail_, sizeof(tail_)));              \
	} while (0)

static uint64_t loop_random(struct loop *l)
{
	/* xorshift64: only for the early drop, which needs no secrecy. */
	l->rng ^= l->rng << 13;
	l->rng ^= l->rng >> 7;
	l->rng ^= l->rng << 17;
	return l->rng;
}

static void peer_key(const struct sockaddr_storage *ss, uint8_t key[16])
{
	memset(key, 0, 16);
	if (ss->ss_family == AF_INET) {
		key[10] = key[11] = 0xff;
		memcpy(key + 12, &((const struct sockaddr_in *)ss)->sin_addr, 4);
	} else if (ss->ss_family == AF_INET6) {
		memcpy(key, &((const struct sockaddr_in6 *)ss)->sin6_addr, 16);
	}
}

static struct peer **peer_slot(struct loop *l, const uint8_t key[16])
{
	uint32_t h = 2166136261u;
	for (int i = 0; i < 16; i++)
		h = (h ^ key[i]) * 16777619u;
	struct peer **pp = &l->peers[h % PEER_BUCKETS];
	while (*pp && memcmp((*pp)->addr, key, 16) != 0)
		pp = &(*pp)->next;
	return pp;
}

static void peer_put(struct loop *l, struct peer *p)
{
	assert(p->count > 0);
	if (--p->count)
		return;
	struct peer **pp = peer_slot(l, p->addr);
	assert(*pp == p);
	*pp = p->next;
	free(p);
}

static void timed_remove(struct conn *c)
{
	struct loop *l = c->loop;
	if (!c->timed)
		return;
	if (c->tprev)
		c->tprev->tnext = c->tnext;
	else
		l->thead = c->tnext;
	if (c->tnext)
		c->tnext->tprev = c->tprev;
	else
		l->ttail = c->tprev;
	c->tprev = c->tnext = NULL;
	c->timed = false;
}

/* Close it after the login grace from now (every entry gets the same delay,
 * so appending keeps the list sorted). */
static void timed_add(struct conn *c)
{
	struct loop *l = c->loop;
	if (c->timed || !l->lim.login_grace_s)
		return;
	c->deadline_ms = now_ms() + (uint64_t)l->lim.login_grace_s * 1000u;
	assert(!l->ttail || l->ttail->deadline_ms <= c->deadline_ms);
	c->tprev = l->ttail;
	c->tnext = NULL;
	if (l->ttail)
		l->ttail->tnext = c;
	else
		l->thead = c;
	l->ttail = c;
	c->timed = true;
}

/* No longer counted as not logged in. */
static void conn_unauth_end(struct conn *c)
{
	struct loop *l = c->loop;
	if (!c->peer)
		return;
	assert(l->nunauth > 0);
	l->nunauth--;
	peer_put(l, c->peer);
	c->peer = NULL;
}

/* Logged in: over TCP, bound and, when the server requires authentication,
 * with a security context at PKT_PRIVACY.  The endpoint mapper never logs in
 * (its callers are anonymous), so it stays on the login grace. */
static bool conn_logged_in(const struct conn *c)
{
	if (c->kind != LISTEN_CMRP_TCP || !c->rpc.bound)
		return false;
	if (!c->loop->st->acl.allow_anonymous)
		return rpc_srv_conn_auth_level(&c->rpc) >= RPC_AUTHN_LEVEL_PKT_PRIVACY;
	return c->rpc.auth_state != RPC_SRV_AUTH_PENDING;
}

static bool loop_admit(void *conn_user)
{
	return server_auth_check(conn_user);
}

/* A backend change: every session's notification ports see it.  Connections
 * with a GetNotify answered now ask for EPOLLOUT and are flushed by the loop
 * (the one being read flushes itself when its PDUs are done); nothing is
 * closed from here, since other events of this epoll batch may still name
 * those connections. */
static void loop_on_event(const struct be_event *ev, void *arg)
{
	struct loop *l = arg;
	struct conn *next;

	for (struct conn *c = l->conns; c; c = next) {
		next = c->next;
		int rc = notify_deliver(&c->sess, ev);
		if (rc == 0)
			continue;
		if (rc < 0) {
			conn_why(c, "notification could not be queued");
			c->closing = true;
		}
		if (!c->in_read)
			conn_set_events(c, true);
	}
}

/* The endpoint mapper's state of a connection: the session is what its RPC
 * engine hands the interface. */
static struct epm_conn *loop_epm_conn(void *conn_user)
{
	if (!conn_user)
		return NULL;
	struct conn *c = (struct conn *)((char *)conn_user - offsetof(struct conn, sess));
	return c->epm;
}

/* An IPv4 address of this host for a connection that came over IPv6 (the
 * tower format has no IPv6 floor): the first one up that is not loopback,
 * else 127.0.0.1.  The port is what a client reads from the tower; ours
 * keeps the address it used. */
static uint32_t host_ipv4(void)
{
	struct ifaddrs *ifs, *i;
	uint32_t found = 0;
	if (getifaddrs(&ifs) < 0)
		return 0x7f000001u;
	for (i = ifs; i && !found; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET || !(i->ifa_flags & IFF_UP) ||
		    (i->ifa_flags & IFF_LOOPBACK))
			continue;
		found = ntohl(((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr);
	}
	freeifaddrs(ifs);
	return found ? found : 0x7f000001u;
}

/* The IPv4 address a TCP connection reached us on (host order): what the
 * endpoint mapper's towers name for a wildcard listener, never 0.0.0.0.  An
 * IPv6 connection gets 127.0.0.1 when it came over ::1, else host_ipv4(). */
static uint32_t local_ipv4(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return host_ipv4();
	if (ss.ss_family == AF_INET)
		return ntohl(((struct sockaddr_in *)&ss)->sin_addr.s_addr);
	if (ss.ss_family == AF_INET6) {
		const struct in6_addr *a = &((struct sockaddr_in6 *)&ss)->sin6_addr;
		if (IN6_IS_ADDR_V4MAPPED(a))
			return (uint32_t)a->s6_addr[12] << 24 | (uint32_t)a->s6_addr[13] << 16 |
			       (uint32_t)a->s6_addr[14] << 8 | a->s6_addr[15];
		if (IN6_IS_ADDR_LOOPBACK(a))
			return 0x7f000001u;
		return host_ipv4();
	}
	return 0x7f000001u;
}

/* Endpoint mapper requests are a few hundred bytes. */
#define EPM_MAX_REQUEST (64u * 1024u)

struct loop *loop_new(struct server_state *st, const struct loop_limits *lim)
{
	struct loop *l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	l->st = st;
	l->lim = *lim;
	assert(l->lim.max_unauth <= l->lim.max_conns);
	l->rng = ((uint64_t)now_ms() * 0x9e3779b97f4a7c15u ^ (uint64_t)getpid() << 32 ^ 0x2545f4914f6cdd1du) | 1;
	l->budget.limit = lim->max_reassembly;
	l->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	cmrp_server_iface(&l->cmrp_iface, st);
	epm_server_iface(&l->epm_iface, &l->epm);
	l->epm.conn_of = loop_epm_conn;
	l->cmrp_conf.ifaces[0] = &l->cmrp_iface;
	l->cmrp_conf.n_ifaces = 1;
	l->cmrp_conf.auth_start = server_auth_start;
	l->cmrp_conf.auth_arg = st;
	/* A caller the policy refuses is refused at its first fragment. */
	l->cmrp_conf.admit = loop_admit;
	l->cmrp_conf.budget = &l->budget;
	l->epm_conf.ifaces[0] = &l->epm_iface;
	l->epm_conf.n_ifaces = 1;
	l->epm_conf.max_request_bytes = EPM_MAX_REQUEST;
	l->epm_conf.budget = &l->budget;
	log_info("limits: %zu TCP connections, %zu of them not logged in (%zu per address), %u s to log in, %zu LPC "
		 "connections, %zu bytes in reassembly",
		 lim->max_conns, lim->max_unauth, lim->max_per_peer, lim->login_grace_s, lim->max_lpc, lim->max_reassembly);
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur < lim->max_conns + lim->max_lpc + 64)
		log_warn("only %llu file descriptors for %zu TCP and %zu LPC connections: when they run out, new connections "
			 "are refused (raise the limit, e.g. LimitNOFILE=, or lower --max-connections)",
			 (unsigned long long)rl.rlim_cur, lim->max_conns, lim->max_lpc);

	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	l->sig.kind = ITEM_SIGNAL;
	l->sig.fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (l->epfd < 0 || l->sig.fd < 0) {
		loop_free(l);
		return NULL;
	}
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &l->sig };
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->sig.fd, &ev) < 0) {
		loop_free(l);
		return NULL;
	}
	if (st->be && st->be->ops->watch)
		st->be->ops->watch(st->be, loop_on_event, l);
	st->notify_fn = loop_on_event;
	st->notify_arg = l;
	l->backend.kind = ITEM_BACKEND;
	l->backend.fd = st->be && st->be->ops->event_fd ? st->be->ops->event_fd(st->be) : -1;
	if (l->backend.fd >= 0) {
		struct epoll_event bev = { .events = EPOLLIN, .data.ptr = &l->backend };
		if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->backend.fd, &bev) < 0) {
			loop_free(l);
			return NULL;
		}
	}
	return l;
}

void loop_on_reload(struct loop *l, void (*fn)(void *arg), void *arg)
{
	l->on_reload = fn;
	l->reload_arg = arg;
}

struct epm_registry *loop_epm_registry(struct loop *l)
{
	return &l->epm;
}

int loop_add_listener(struct loop *l, int fd, enum listener_kind kind)
{
	struct listener *ls = calloc(1, sizeof(*ls));
	if (!ls)
		return -1;
	ls->it.kind = ITEM_LISTENER;
	ls->it.fd = fd;
	ls->kind = kind;
	if (kind == LISTEN_CMRP_TCP || kind == LISTEN_EPM)
		snprintf(ls->sec_addr, sizeof(ls->sec_addr), "%u", transport_local_port(fd));
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &ls->it };
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		free(ls);
		return -1;
	}
	ls->next = l->listeners;
	l->listeners = ls;
	return 0;
}

/* Record why the connection goes (the first reason wins). */
static void conn_why(struct conn *c, const char *why)
{
	if (!c->close_reason)
		c->close_reason = why ? why : "protocol error";
}

static void conn_close(struct conn *c, const char *why)
{
	struct loop *l = c->loop;
	conn_why(c, why);
	/* Once, with the peer; a peer that just hung up, and the stop, are
	 * routine. */
	if (strcmp(c->close_reason, "closed by the peer") == 0 || strcmp(c->close_reason, "server stopping") == 0)
		log_debug("connection from %s closed: %s", c->peer_name, c->close_reason);
	else
		LOG_LIMIT(l, LIM_CLOSE, CLOSE_LOG_BURST, LOG_LVL_INFO, "connection from %s closed: %s", c->peer_name,
			  c->close_reason);
	if (c->held) {
		for (struct conn **pp = &l->held; *pp; pp = &(*pp)->hnext)
			if (*pp == c) {
				*pp = c->hnext;
				break;
			}
		c->held = false;
	}
	if (epoll_ctl(l->epfd, EPOLL_CTL_DEL, c->it.fd, NULL) < 0)
		log_debug("epoll_ctl(DEL) for %s: %s", c->peer_name, strerror(errno));
	close(c->it.fd);
	timed_remove(c);
	conn_unauth_end(c);
	if (c->kind == LISTEN_LPC) {
		assert(l->nlpc > 0);
		l->nlpc--;
	} else {
		assert(l->ntcp > 0);
		l->ntcp--;
	}
	/* Rundown: every context handle of this connection goes with it. */
	if (c->sess.count)
		log_debug("connection closed: %zu context handle(s) run down", c->sess.count);
	session_free(&c->sess);
	if (c->epm)
		epm_conn_free(c->epm);
	rpc_srv_conn_free(&c->rpc);
	free(c->rbuf);
	if (c->prev)
		c->prev->next = c->next;
	else
		l->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	l->nconns--;
	free(c);
}

/* Bytes a lingering connection may still send us before it is cut. */
#define LINGER_MAX_BYTES (256u * 1024u)

/*
 * Closing after a last answer (a fault for a refused logon, a tampered PDU):
 * close() with unread requests in the socket would send a reset, which may
 * destroy that answer before the client reads it.  So: end our side (FIN
 * after the answer), run the handles down now, and discard what the client
 * still sends until it closes too (or sends too much).
 */
static void conn_linger(struct conn *c)
{
	if (shutdown(c->it.fd, SHUT_WR) < 0) {
		conn_close(c, NULL);
		return;
	}
	session_free(&c->sess);
	if (c->epm)
		epm_conn_free(c->epm);
	rpc_srv_conn_free(&c->rpc);
	free(c->rbuf);
	c->rbuf = NULL;
	c->rlen = c->rcap = 0;
	c->lingering = true;
	c->closing = false;
	/* It may not take longer to go than a login may take to come. */
	timed_add(c);
	conn_set_events(c, false);
}

static void conn_drain(struct conn *c)
{
	uint8_t buf[4096];
	for (;;) {
		ssize_t n = recv(c->it.fd, buf, sizeof(buf), 0);
		if (n > 0) {
			c->drained += (size_t)n;
			if (c->drained > LINGER_MAX_BYTES)
				break;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		break; /* EOF or error */
	}
	/* The reason is the one that made it linger. */
	conn_close(c, NULL);
}

static void conn_set_events(struct conn *c, bool want_out)
{
	if (want_out == c->want_out)
		return;
	c->want_out = want_out;
	struct epoll_event ev = { .events = EPOLLIN | (want_out ? EPOLLOUT : 0), .data.ptr = &c->it };
	if (epoll_ctl(c->loop->epfd, EPOLL_CTL_MOD, c->it.fd, &ev) < 0) {
		/* Without its events the connection would hang forever: let the
		 * peer see it go instead (the socket is shut down; the loop
		 * closes it when it is next seen, or at the deadline). */
		log_warn("epoll_ctl(MOD) for %s: %s", c->peer_name, strerror(errno));
		conn_why(c, "epoll_ctl failed");
		shutdown(c->it.fd, SHUT_RDWR);
		c->closing = true;
		timed_add(c);
	}
}

/* Write what is queued; false when the connection is gone. */
static bool conn_flush(struct conn *c)
{
	struct rpc_srv_conn *r = &c->rpc;
	assert(r->out_off <= r->out_len && r->out_len <= r->out_cap);
	while (r->out_off < r->out_len) {
		ssize_t n = send(c->it.fd, r->out + r->out_off, r->out_len - r->out_off, MSG_NOSIGNAL);
		if (n > 0) {
			r->out_off += (size_t)n;
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			conn_set_events(c, true);
			return true;
		} else {
			/* A peer that hung up before reading its last answer (a
			 * client closes after sending CloseCluster without
			 * waiting for the reply) is routine. */
			conn_close(c, n < 0 && (errno == EPIPE || errno == ECONNRESET) ? "closed by the peer" : "send failed");
			return false;
		}
	}
	r->out_off = r->out_len = 0;
	if (c->closing) {
		conn_linger(c);
		return false;
	}
	conn_set_events(c, false);
	return true;
}

static void conn_read(struct conn *c)
{
	for (;;) {
		if (c->rcap - c->rlen < READ_CHUNK) {
			size_t cap = c->rcap ? c->rcap * 2 : READ_CHUNK * 2;
			/* Never more than two maximal fragments buffered. */
			if (cap > 2u * (RPC_MAX_FRAG + 1) + READ_CHUNK)
				cap = 2u * (RPC_MAX_FRAG + 1) + READ_CHUNK;
			if (cap > c->rcap) {
				uint8_t *p = realloc(c->rbuf, cap);
				if (!p) {
					conn_close(c, "out of memory for its input");
					return;
				}
				c->rbuf = p;
				c->rcap = cap;
			}
		}
		assert(c->rlen <= c->rcap);
		if (c->rcap == c->rlen)
			break;
		ssize_t n = recv(c->it.fd, c->rbuf + c->rlen, c->rcap - c->rlen, 0);
		if (n > 0) {
			c->rlen += (size_t)n;
			if ((size_t)n < c->rcap - c->rlen + (size_t)n)
				break; /* drained for now */
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		conn_close(c, n == 0 || errno == ECONNRESET ? "closed by the peer" : "receive failed");
		return;
	}

	size_t off = 0;
	c->in_read = true;
	while (!c->closing) {
		assert(off <= c->rlen);
		long len = rpc_srv_conn_frame(&c->rpc, c->rbuf + off, c->rlen - off);
		if (len == 0)
			break;
		if (len < 0) {
			conn_why(c, "bad PDU header or fragment over the negotiated size");
			c->closing = true;
			break;
		}
		if (rpc_srv_conn_process(&c->rpc, c->rbuf + off, (size_t)len) < 0) {
			conn_why(c, c->rpc.drop_reason);
			c->closing = true;
			break;
		}
		off += (size_t)len;
	}
	c->in_read = false;
	if (off) {
		memmove(c->rbuf, c->rbuf + off, c->rlen - off);
		c->rlen -= off;
	}
	struct loop *l = c->loop;
	if (l->budget.refused != l->budget_logged) {
		l->budget_logged = l->budget.refused;
		LOG_LIMIT(l, LIM_BUDGET, 1, LOG_LVL_WARN,
			  "reassembly budget (--max-reassembly-bytes %zu) spent: a call from %s refused with RPC_S_SERVER_TOO_BUSY",
			  l->lim.max_reassembly, c->peer_name);
	}
	/* Logged in: off the login grace and the caps for strangers. */
	if (c->peer && !c->closing && conn_logged_in(c)) {
		conn_unauth_end(c);
		timed_remove(c);
	}
	if (l->batching) {
		/* Answered once the turn's changes are on disk (loop_commit). */
		if (!c->held) {
			c->held = true;
			c->hnext = l->held;
			l->held = c;
		}
		return;
	}
	conn_flush(c);
}

/* The end of a turn of the loop: the backend commits the turn's changes at
 * once, then the held answers go out.  When the commit fails, every answer
 * of the turn may tell of a change that is not there: those connections are
 * closed instead (their callers see the call fail, "may have happened"). */
static void loop_commit(struct loop *l)
{
	struct backend *be = l->st->be;
	if (!l->batching)
		return;
	l->batching = false;
	int rc = be->ops->batch_end(be);
	if (rc != BE_OK)
		log_error("commit of the changes of a loop turn failed (%s): closing the connections that were told of them",
			  be_status_name(rc));
	while (l->held) {
		struct conn *c = l->held;
		l->held = c->hnext;
		c->held = false;
		if (rc != BE_OK)
			conn_close(c, "commit failed");
		else
			conn_flush(c);
	}
}

/* Out of descriptors: accept with the spare one and close at once, so the
 * peer learns it and the listener does not stay readable forever. */
static void listener_shed(struct loop *l, struct listener *ls)
{
	LOG_LIMIT(l, LIM_FDS, 1, LOG_LVL_WARN,
		  "out of file descriptors: a %s connection refused (raise the descriptor limit or lower --max-connections)",
		  ls->kind == LISTEN_LPC ? "LPC" : "TCP");
	if (l->spare_fd < 0)
		return;
	close(l->spare_fd);
	int fd = accept4(ls->it.fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd >= 0)
		close(fd);
	l->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

/* The connection not logged in that has waited longest (the login-grace
 * list is in order of arrival), or NULL. */
static struct conn *oldest_stranger(struct loop *l)
{
	for (struct conn *c = l->thead; c; c = c->tnext)
		if (c->peer && !c->lingering && !c->closing)
			return c;
	return NULL;
}

/* Close it at the loop's next turn, not now: an event for it may still be
 * pending in this epoll batch.  It stops counting as a stranger at once, and
 * goes to the head of the deadline list, due now (which keeps it sorted). */
static void conn_make_room(struct conn *c)
{
	struct loop *l = c->loop;
	conn_why(c, "closed to make room: too many connections not logged in (--max-unauthenticated)");
	conn_unauth_end(c);
	timed_remove(c);
	c->deadline_ms = 0;
	c->tprev = NULL;
	c->tnext = l->thead;
	if (l->thead)
		l->thead->tprev = c;
	else
		l->ttail = c;
	l->thead = c;
	c->timed = true;
}

/* Whether a new TCP connection from this address may wait for its login:
 * the total cap, the peer's share, and the cap for strangers with its random
 * early drop (which may close the oldest stranger to make room: the caller
 * looks its peer entry up again afterwards, as that may have gone with it). */
static bool tcp_admit(struct loop *l, const char *name, struct peer *p)
{
	const struct loop_limits *lim = &l->lim;
	if (l->ntcp >= lim->max_conns) {
		LOG_LIMIT(l, LIM_TCP, 1, LOG_LVL_WARN, "connection from %s refused: %zu TCP connections is the limit (--max-connections)",
			  name, lim->max_conns);
		return false;
	}
	if (p && p->count >= lim->max_per_peer) {
		LOG_LIMIT(l, LIM_PER_PEER, 1, LOG_LVL_WARN,
			  "connection from %s refused: %zu connections not logged in from that address is the limit (--max-per-peer)",
			  name, lim->max_per_peer);
		return false;
	}
	size_t start = lim->max_unauth * EARLY_DROP_START_NUM / EARLY_DROP_START_DEN;
	bool full = l->nunauth >= lim->max_unauth;
	bool drop = full;
	if (!full && l->nunauth >= start && lim->max_unauth > start) {
		/* In percent ten-thousandths: rate at start, 100% at the cap. */
		uint64_t p100 = EARLY_DROP_RATE * 10000u +
				(uint64_t)(100 - EARLY_DROP_RATE) * 10000u * (l->nunauth - start) / (lim->max_unauth - start);
		drop = loop_random(l) % 1000000u < p100;
	}
	if (!drop)
		return true;
	struct conn *old = oldest_stranger(l);
	if (old) {
		LOG_LIMIT(l, LIM_EARLY_DROP, 1, LOG_LVL_WARN,
			  "connection from %s closed to make room for one from %s: %zu of %zu connections not logged in "
			  "(--max-unauthenticated)",
			  old->peer_name, name, l->nunauth, lim->max_unauth);
		conn_make_room(old);
		return true;
	}
	LOG_LIMIT(l, full ? LIM_UNAUTH : LIM_EARLY_DROP, 1, LOG_LVL_WARN,
		  "connection from %s refused: %zu of %zu connections not logged in (--max-unauthenticated)", name,
		  l->nunauth, lim->max_unauth);
	return false;
}

static void listener_accept(struct loop *l, struct listener *ls)
{
	for (;;) {
		struct sockaddr_storage ss;
		socklen_t sslen = sizeof(ss);
		int fd = accept4(ls->it.fd, (struct sockaddr *)&ss, &sslen, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EMFILE || errno == ENFILE)
				listener_shed(l, ls);
			return;
		}
		char name[64];
		struct peer *p = NULL, **pp = NULL;
		uint8_t key[16];
		if (ls->kind == LISTEN_LPC) {
			if (l->nlpc >= l->lim.max_lpc) {
				LOG_LIMIT(l, LIM_LPC, 1, LOG_LVL_WARN,
					  "LPC connection refused: %zu LPC connections is the limit (--max-lpc-connections)",
					  l->lim.max_lpc);
				close(fd);
				continue;
			}
		} else {
			transport_format_addr((struct sockaddr *)&ss, name, sizeof(name));
			peer_key(&ss, key);
			p = *peer_slot(l, key);
			if (!tcp_admit(l, name, p)) {
				close(fd);
				continue;
			}
			pp = peer_slot(l, key); /* making room may have freed its entry */
			p = *pp;
		}
		struct principal who = { .kind = PRINCIPAL_ANONYMOUS };
		if (ls->kind == LISTEN_LPC) {
			who.kind = PRINCIPAL_LOCAL;
			who.ngroups = PRINCIPAL_MAX_GROUPS;
			if (transport_peer_creds(fd, &who.uid, &who.gid, who.groups, &who.ngroups) < 0) {
				close(fd);
				continue;
			}
			snprintf(name, sizeof(name), "LPC uid %u", (unsigned)who.uid);
		} else if (!p) {
			if (!(p = calloc(1, sizeof(*p)))) {
				close(fd);
				continue;
			}
			memcpy(p->addr, key, 16);
			*pp = p;
		}
		struct conn *c = calloc(1, sizeof(*c) + (ls->kind == LISTEN_EPM ? sizeof(struct epm_conn) : 0));
		if (!c) {
			if (p && !p->count) {
				*pp = NULL; /* just added, last of its bucket */
				free(p);
			}
			close(fd);
			continue;
		}
		c->it.kind = ITEM_CONN;
		c->it.fd = fd;
		c->loop = l;
		c->kind = ls->kind;
		snprintf(c->peer_name, sizeof(c->peer_name), "%s", name);
		session_init(&c->sess, l->st, &who, ls->kind == LISTEN_LPC);
		if (ls->kind == LISTEN_EPM) {
			c->epm = (struct epm_conn *)(c + 1);
			epm_conn_init(c->epm, local_ipv4(fd));
		}
		rpc_srv_conn_init(&c->rpc, ls->kind == LISTEN_EPM ? &l->epm_conf : &l->cmrp_conf, &c->sess,
				  ls->sec_addr);
		c->sess.rpc = &c->rpc;
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &c->it };
		if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			LOG_LIMIT(l, LIM_CLOSE, CLOSE_LOG_BURST, LOG_LVL_WARN, "connection from %s closed: epoll_ctl(ADD): %s",
				  name, strerror(errno));
			if (p && !p->count) {
				*pp = NULL;
				free(p);
			}
			session_free(&c->sess);
			rpc_srv_conn_free(&c->rpc);
			free(c);
			close(fd);
			continue;
		}
		c->next = l->conns;
		if (l->conns)
			l->conns->prev = c;
		l->conns = c;
		l->nconns++;
		if (ls->kind == LISTEN_LPC) {
			l->nlpc++;
		} else {
			/* A stranger until it logs in. */
			l->ntcp++;
			l->nunauth++;
			p->count++;
			c->peer = p;
			timed_add(c);
		}
	}
}

/* Close what is past its deadline; the epoll timeout until the next one. */
static int loop_expire(struct loop *l)
{
	uint64_t now = now_ms();
	while (l->thead && l->thead->deadline_ms <= now) {
		struct conn *c = l->thead;
		conn_close(c, c->lingering || c->closing ? NULL : "timed out in login grace (--login-grace)");
	}
	if (!l->thead)
		return -1;
	uint64_t wait = l->thead->deadline_ms - now;
	return wait > 60000 ? 60000 : (int)wait;
}

int loop_run(struct loop *l)
{
	struct epoll_event evs[64];

	for (;;) {
		int n = epoll_wait(l->epfd, evs, 64, loop_expire(l));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			log_error("epoll_wait: %s", strerror(errno));
			return -1;
		}
		bool stop = false;
		l->st->turn++;
		if (l->st->be && l->st->be->ops->batch_begin) {
			l->st->be->ops->batch_begin(l->st->be);
			l->batching = true;
		}
		for (int i = 0; i < n && !stop; i++) {
			struct item *it = evs[i].data.ptr;
			if (it->kind == ITEM_SIGNAL) {
				struct signalfd_siginfo si;
				if (read(it->fd, &si, sizeof(si)) != (ssize_t)sizeof(si))
					continue;
				if (si.ssi_signo == SIGHUP) {
					/* Here, between two events, not in a handler. */
					if (l->on_reload)
						l->on_reload(l->reload_arg);
					else
						log_info("SIGHUP: nothing to reload");
					continue;
				}
				log_info("signal %u: stopping", si.ssi_signo);
				stop = true;
				continue;
			} else if (it->kind == ITEM_BACKEND) {
				l->st->be->ops->process_events(l->st->be);
			} else if (it->kind == ITEM_LISTENER) {
				listener_accept(l, (struct listener *)it);
			} else {
				struct conn *c = (struct conn *)it;
				if (evs[i].events & (EPOLLERR | EPOLLHUP) && !(evs[i].events & EPOLLIN)) {
					conn_close(c, "connection error or hang-up");
					continue;
				}
				if (c->lingering) {
					conn_drain(c);
					continue;
				}
				if (evs[i].events & EPOLLOUT) {
					if (!conn_flush(c))
						continue;
				}
				if (evs[i].events & EPOLLIN)
					conn_read(c);
			}
		}
		loop_commit(l);
		if (stop)
			return 0;
	}
}

/* Tell a bound client the server is going away (a shutdown PDU, best effort:
 * the connection closes right after whatever happens). */
static void conn_say_shutdown(struct conn *c)
{
	struct ndr_push p;
	ndr_push_init(&p);
	if (c->rpc.bound && rpc_shutdown_encode(&p, 0))
		(void)!send(c->it.fd, p.data, p.len, MSG_NOSIGNAL | MSG_DONTWAIT);
	ndr_push_free(&p);
}

void loop_free(struct loop *l)
{
	if (!l)
		return;
	if (l->st->be && l->st->be->ops->watch)
		l->st->be->ops->watch(l->st->be, NULL, NULL);
	l->st->notify_fn = NULL;
	while (l->conns) {
		conn_say_shutdown(l->conns);
		conn_close(l->conns, "server stopping");
	}
	assert(l->budget.used == 0 && l->nunauth == 0);
	for (size_t i = 0; i < PEER_BUCKETS; i++)
		assert(!l->peers[i]);
	if (l->spare_fd >= 0)
		close(l->spare_fd);
	while (l->listeners) {
		struct listener *ls = l->listeners;
		l->listeners = ls->next;
		close(ls->it.fd);
		free(ls);
	}
	if (l->sig.fd > 0)
		close(l->sig.fd);
	if (l->epfd >= 0)
		close(l->epfd);
	free(l);
}
