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
#include <pthread.h>
#include <stdatomic.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "rpc/transport.h"
#include "auth.h"
#include "session.h"

enum item_kind { ITEM_LISTENER, ITEM_CONN, ITEM_SIGNAL, ITEM_BACKEND, ITEM_WAKE };

struct item {
	enum item_kind kind;
	int fd;
};

struct listener {
	struct item it;
	/* Held from accept4 to the admission: connections are counted in the
	 * order they came, whichever loop takes them. */
	pthread_mutex_t amu;
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
	struct peer *peer;        /* while counted as not logged in (TCP); acct lock */
	const char *close_reason; /* why it is being closed, once decided */
	/* Deadline list (login grace, lingering): sorted by deadline, since
	 * every entry gets now + the same grace. */
	uint64_t deadline_ms;
	bool timed;
	bool evicted; /* closed to make room (deadline now); acct lock */
	bool gone;    /* lingering: no longer a stranger to make room with; acct lock */
	struct conn *tprev, *tnext; /* the deadline list fields: acct lock */
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
	bool held;    /* read this turn: processed, then answered after the commit */
	bool has_ports; /* its session has notification ports: counted in its loop's nport_conns (big) */
	struct conn *hnext;
	struct conn *prev, *next;
};

/* The limits that log when they act, each rate-limited on its own. */
enum limit_kind { LIM_TCP, LIM_UNAUTH, LIM_EARLY_DROP, LIM_PER_PEER, LIM_LPC, LIM_BUDGET, LIM_FDS, LIM_CLOSE, LIM_N };

/*
 * What every loop shares.  Three locks, never two at once except big then
 * acct or rl (nothing takes big while holding another):
 * - big, the server lock: the backend, the server state (st), the RPC
 *   engines' processing (framing, auth, dispatch, sealing), the reassembly
 *   budget and every loop's queue of backend events.  A loop holds it for
 *   the processing of one turn's input and that turn's commit, never for
 *   epoll, accept, recv or send.
 * - acct: the connection counters and per-peer entries, the random early
 *   drop and every loop's deadline list (a loop may make room by closing
 *   another loop's stranger).
 * - rlmu: the rate limits of the log lines.
 */
#define MAX_LOOPS LOOP_MAX

struct shared {
	pthread_mutex_t big;
	pthread_mutex_t acct;
	pthread_mutex_t rlmu;
	struct loop_limits lim;
	size_t ntcp, nunauth, nlpc;
	struct peer *peers[PEER_BUCKETS];
	uint64_t rng;
	struct rpc_srv_budget budget;
	unsigned long budget_logged;
	struct ratelimit rl[LIM_N];
	struct server_state *st;
	struct listener *listeners;
	struct rpc_server_iface cmrp_iface;
	struct rpc_server_iface epm_iface;
	struct rpc_server_conf cmrp_conf;
	struct rpc_server_conf epm_conf;
	struct epm_registry epm;
	void (*on_reload)(void *arg); /* SIGHUP */
	void *reload_arg;
	atomic_bool stop;
	atomic_size_t rr; /* the next loop to serve a connection */
	/* Commits shared across loops: a loop whose turn changed something,
	 * seeing another loop waiting for big, leaves the batch open and waits
	 * (on `committed`, big released) for a later turn's commit to make its
	 * changes durable too; the loop that commits tells every loop in
	 * `handed` the result.  Without a loop waiting for big, a turn commits
	 * its own changes as with one loop.  A chain is at most nloops long,
	 * since a loop waiting on `committed` waits for big no more. */
	atomic_int big_waiters;
	pthread_cond_t committed;
	struct loop *handed[MAX_LOOPS]; /* big */
	size_t nhanded;                 /* big */
	size_t nloops;
	struct loop *loops[MAX_LOOPS];
};

/* One event loop (a thread; loop 0 runs in the caller's): its own epoll set,
 * connections and deadline list.  Loop 0 also has the signalfd and the
 * backend's own fd. */
struct loop {
	struct shared *sh;
	size_t idx;
	int epfd;
	int spare_fd; /* given up to accept and close when out of descriptors */
	struct item wake; /* an eventfd: backend events queued, stop, a deadline moved */
	struct item sig;
	struct item backend; /* the backend's own events (its child processes) */
	struct conn *thead, *ttail; /* acct lock */
	struct conn *conns;
	size_t nconns;
	/* Group commit: during a turn of the loop the backend's changes share
	 * one commit; the connections read in the turn keep their answers
	 * (held) until it is on disk. */
	bool batching;
	struct conn *held;
	/* Its turn's changes left in the batch for another loop to commit
	 * (big): set when that commit is done, with its result. */
	bool commit_done;
	int commit_rc;
	/* Its connections whose sessions have notification ports: without
	 * any, the backend's changes are not queued to it (no wake-up). */
	atomic_size_t nport_conns;
	/* Backend events for this loop's connections from other loops (big
	 * lock), delivered at its next turn. */
	struct be_event *evq;
	size_t evn, evcap;
	/* Connections accepted by another loop for this one (qmu). */
	pthread_mutex_t qmu;
	struct handoff *qhead, *qtail;
	pthread_t thread;
	bool started;
	int result;
};

/* An accepted connection, counted in, on its way to the loop that will
 * serve it. */
struct handoff {
	struct handoff *next;
	int fd;
	const struct listener *ls;
	struct peer *peer; /* TCP: its per-address entry */
	struct principal who;
	char name[64];
};

#ifndef LOOP_HANDOFF
#define LOOP_HANDOFF 1
#endif

/* The loop this thread runs (NULL outside the loops). */
static _Thread_local struct loop *this_loop;

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

static bool rl_allow(struct shared *sh, enum limit_kind kind, unsigned burst, unsigned long *suppressed)
{
	struct ratelimit *r = &sh->rl[kind];
	bool ok = true;
	uint64_t now = mono_ms();
	pthread_mutex_lock(&sh->rlmu);
	if (now - r->window_ms >= 1000) {
		r->window_ms = now;
		r->in_window = 0;
	}
	if (r->in_window >= burst) {
		r->suppressed++;
		ok = false;
	} else {
		r->in_window++;
		*suppressed = r->suppressed;
		r->suppressed = 0;
	}
	pthread_mutex_unlock(&sh->rlmu);
	return ok;
}

/* " (N more like it not logged)" or "". */
static const char *rl_tail(unsigned long suppressed, char *buf, size_t len)
{
	if (!suppressed)
		return "";
	snprintf(buf, len, " (%lu more like it not logged)", suppressed);
	return buf;
}

#define LOG_LIMIT(sh, kind, burst, lvl, fmt, ...)                                                            \
	do {                                                                                                    \
		unsigned long sup_;                                                                             \
		char tail_[64];                                                                                 \
		if (rl_allow((sh), (kind), (burst), &sup_))                                                    \
			log_msg(lvl, fmt "%s", __VA_ARGS__, rl_tail(sup_, tail_, sizeof(tail_)));              \
	} while (0)

/* Under acct. */
static uint64_t loop_random(struct shared *sh)
{
	/* xorshift64: only for the early drop, which needs no secrecy. */
	sh->rng ^= sh->rng << 13;
	sh->rng ^= sh->rng >> 7;
	sh->rng ^= sh->rng << 17;
	return sh->rng;
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

/* Under acct. */
static struct peer **peer_slot(struct shared *l, const uint8_t key[16])
{
	uint32_t h = 2166136261u;
	for (int i = 0; i < 16; i++)
		h = (h ^ key[i]) * 16777619u;
	struct peer **pp = &l->peers[h % PEER_BUCKETS];
	while (*pp && memcmp((*pp)->addr, key, 16) != 0)
		pp = &(*pp)->next;
	return pp;
}

static void peer_put(struct shared *l, struct peer *p)
{
	assert(p->count > 0);
	if (--p->count)
		return;
	struct peer **pp = peer_slot(l, p->addr);
	assert(*pp == p);
	*pp = p->next;
	free(p);
}

/* Under acct (as are the other functions of the deadline list). */
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
	if (c->timed || !l->sh->lim.login_grace_s)
		return;
	c->deadline_ms = mono_ms() + (uint64_t)l->sh->lim.login_grace_s * 1000u;
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

/* No longer counted as not logged in (under acct). */
static void conn_unauth_end(struct conn *c)
{
	struct shared *l = c->loop->sh;
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
	if (!c->loop->sh->st->acl.allow_anonymous)
		return rpc_srv_conn_auth_level(&c->rpc) >= RPC_AUTHN_LEVEL_PKT_PRIVACY;
	return c->rpc.auth_state != RPC_SRV_AUTH_PENDING;
}

static bool loop_admit(void *conn_user)
{
	return server_auth_check(conn_user);
}

/* A backend change for this loop's connections (under big): every
 * session's notification ports see it.  Connections with a GetNotify
 * answered now ask for EPOLLOUT and are flushed by the loop (those read in
 * this turn are flushed after its commit anyway); nothing is closed from
 * here, since other events of this epoll batch may still name those
 * connections. */
static void loop_deliver(struct loop *l, const struct be_event *ev)
{
	for (struct conn *c = l->conns; c; c = c->next) {
		if (c->lingering)
			continue;
		int rc = notify_deliver(&c->sess, ev);
		if (rc == 0)
			continue;
		if (rc < 0) {
			conn_why(c, "notification could not be queued");
			c->closing = true;
		}
		if (!c->held)
			conn_set_events(c, true);
	}
}

static void loop_wake(struct loop *l)
{
	uint64_t one = 1;
	(void)!write(l->wake.fd, &one, sizeof(one));
}

/* A backend change (under big, from whichever loop made it or heard it):
 * this thread's loop delivers it now; the others get it queued and are
 * woken, and deliver it in their next turn, which starts after this turn's
 * commit (they need big to begin). */
static void loop_on_event(const struct be_event *ev, void *arg)
{
	struct shared *sh = arg;
	for (size_t i = 0; i < sh->nloops; i++) {
		struct loop *l = sh->loops[i];
		if (l == this_loop) {
			loop_deliver(l, ev);
			continue;
		}
		if (atomic_load(&l->nport_conns) == 0)
			continue; /* nobody there to tell */
		if (l->evn == l->evcap) {
			size_t cap = l->evcap ? l->evcap * 2 : 16;
			struct be_event *q = realloc(l->evq, cap * sizeof(*q));
			if (!q) {
				log_error("out of memory: a change not told to the notification ports of loop %zu", i);
				continue;
			}
			l->evq = q;
			l->evcap = cap;
		}
		l->evq[l->evn++] = *ev;
		if (l->evn == 1)
			loop_wake(l);
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

static void loop_one_free(struct loop *l);

static struct loop *loop_one_new(struct shared *sh, size_t idx)
{
	struct loop *l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	l->sh = sh;
	l->idx = idx;
	pthread_mutex_init(&l->qmu, NULL);
	l->sig.fd = l->backend.fd = -1;
	l->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	l->wake.kind = ITEM_WAKE;
	l->wake.fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &l->wake };
	if (l->epfd < 0 || l->wake.fd < 0 || epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->wake.fd, &ev) < 0) {
		loop_one_free(l);
		return NULL;
	}
	return l;
}

struct loop *loop_new(struct server_state *st, const struct loop_limits *lim, size_t nloops)
{
	struct shared *sh = calloc(1, sizeof(*sh));
	if (!sh)
		return NULL;
	if (nloops < 1)
		nloops = 1;
	if (nloops > MAX_LOOPS)
		nloops = MAX_LOOPS;
	pthread_mutex_init(&sh->big, NULL);
	pthread_cond_init(&sh->committed, NULL);
	pthread_mutex_init(&sh->acct, NULL);
	pthread_mutex_init(&sh->rlmu, NULL);
	sh->st = st;
	sh->lim = *lim;
	assert(sh->lim.max_unauth <= sh->lim.max_conns);
	sh->rng = ((uint64_t)mono_ms() * 0x9e3779b97f4a7c15u ^ (uint64_t)getpid() << 32 ^ 0x2545f4914f6cdd1du) | 1;
	sh->budget.limit = lim->max_reassembly;
	cmrp_server_iface(&sh->cmrp_iface, st);
	epm_server_iface(&sh->epm_iface, &sh->epm);
	sh->epm.conn_of = loop_epm_conn;
	sh->cmrp_conf.ifaces[0] = &sh->cmrp_iface;
	sh->cmrp_conf.n_ifaces = 1;
	sh->cmrp_conf.auth_start = server_auth_start;
	sh->cmrp_conf.auth_arg = st;
	/* A caller the policy refuses is refused at its first fragment. */
	sh->cmrp_conf.admit = loop_admit;
	sh->cmrp_conf.budget = &sh->budget;
	sh->epm_conf.ifaces[0] = &sh->epm_iface;
	sh->epm_conf.n_ifaces = 1;
	sh->epm_conf.max_request_bytes = EPM_MAX_REQUEST;
	sh->epm_conf.budget = &sh->budget;
	for (size_t i = 0; i < nloops; i++) {
		if (!(sh->loops[i] = loop_one_new(sh, i))) {
			for (size_t j = 0; j < i; j++)
				loop_one_free(sh->loops[j]);
			free(sh);
			return NULL;
		}
	}
	sh->nloops = nloops;
	struct loop *l = sh->loops[0];
	log_info("limits: %zu TCP connections, %zu of them not logged in (%zu per address), %u s to log in, %zu LPC "
		 "connections, %zu bytes in reassembly; %zu event loop%s",
		 lim->max_conns, lim->max_unauth, lim->max_per_peer, lim->login_grace_s, lim->max_lpc, lim->max_reassembly,
		 nloops, nloops == 1 ? "" : "s");
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur < lim->max_conns + lim->max_lpc + 64)
		log_warn("only %llu file descriptors for %zu TCP and %zu LPC connections: when they run out, new connections "
			 "are refused (raise the limit, e.g. LimitNOFILE=, or lower --max-connections)",
			 (unsigned long long)rl.rlim_cur, lim->max_conns, lim->max_lpc);

	/* Blocked before any loop thread starts: every thread inherits the
	 * mask, and only loop 0 reads them (its signalfd). */
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	l->sig.kind = ITEM_SIGNAL;
	l->sig.fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (l->sig.fd < 0) {
		loop_free(l);
		return NULL;
	}
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &l->sig };
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->sig.fd, &ev) < 0) {
		loop_free(l);
		return NULL;
	}
	if (st->be && st->be->ops->watch)
		st->be->ops->watch(st->be, loop_on_event, sh);
	st->notify_fn = loop_on_event;
	st->notify_arg = sh;
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
	l->sh->on_reload = fn;
	l->sh->reload_arg = arg;
}

struct epm_registry *loop_epm_registry(struct loop *l)
{
	return &l->sh->epm;
}

/* Every loop polls every listener; EPOLLEXCLUSIVE wakes one of those
 * waiting (or a few) rather than all, and the others' accept4 finds
 * nothing (EAGAIN) at worst. */
int loop_add_listener(struct loop *l, int fd, enum listener_kind kind)
{
	struct shared *sh = l->sh;
	struct listener *ls = calloc(1, sizeof(*ls));
	if (!ls)
		return -1;
	ls->it.kind = ITEM_LISTENER;
	ls->it.fd = fd;
	pthread_mutex_init(&ls->amu, NULL);
	ls->kind = kind;
	if (kind == LISTEN_CMRP_TCP || kind == LISTEN_EPM)
		snprintf(ls->sec_addr, sizeof(ls->sec_addr), "%u", transport_local_port(fd));
	for (size_t i = 0; i < sh->nloops; i++) {
		struct epoll_event ev = { .events = EPOLLIN | (sh->nloops > 1 ? EPOLLEXCLUSIVE : 0), .data.ptr = &ls->it };
		if (epoll_ctl(sh->loops[i]->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			for (size_t j = 0; j < i; j++)
				epoll_ctl(sh->loops[j]->epfd, EPOLL_CTL_DEL, fd, NULL);
			pthread_mutex_destroy(&ls->amu);
			free(ls);
			return -1;
		}
	}
	ls->next = sh->listeners;
	sh->listeners = ls;
	return 0;
}

/* Record why the connection goes (the first reason wins). */
static void conn_why(struct conn *c, const char *why)
{
	if (!c->close_reason)
		c->close_reason = why ? why : "protocol error";
}

/* The RPC engine's state goes; the reassembly budget is big's, so a
 * connection holding some of it gives it back under big. */
static void conn_rpc_free(struct conn *c)
{
	bool charged = false;
	for (size_t i = 0; i < RPC_SRV_MAX_CALLS; i++)
		charged |= c->rpc.calls[i].charged != 0;
	if (charged)
		pthread_mutex_lock(&c->loop->sh->big);
	rpc_srv_conn_free(&c->rpc);
	if (charged)
		pthread_mutex_unlock(&c->loop->sh->big);
}

/* Never called with big held. */
/* With big, after its calls: whether its session has notification ports
 * now (ports are made and closed only by its calls, under big; its loop's
 * count is read by the other loops under big). */
static void conn_count_ports(struct conn *c)
{
	bool has = c->sess.ports != NULL;
	if (has == c->has_ports)
		return;
	c->has_ports = has;
	if (has)
		atomic_fetch_add(&c->loop->nport_conns, 1);
	else
		atomic_fetch_sub(&c->loop->nport_conns, 1);
}

/* Its session is going: no ports counted any more. */
static void conn_uncount_ports(struct conn *c)
{
	if (c->has_ports) {
		c->has_ports = false;
		atomic_fetch_sub(&c->loop->nport_conns, 1);
	}
}

static void conn_close(struct conn *c, const char *why)
{
	struct loop *l = c->loop;
	struct shared *sh = l->sh;
	conn_why(c, why);
	/* Once, with the peer; a peer that just hung up, and the stop, are
	 * routine. */
	if (strcmp(c->close_reason, "closed by the peer") == 0 || strcmp(c->close_reason, "server stopping") == 0)
		log_debug("connection from %s closed: %s", c->peer_name, c->close_reason);
	else
		LOG_LIMIT(sh, LIM_CLOSE, CLOSE_LOG_BURST, LOG_LVL_INFO, "connection from %s closed: %s", c->peer_name,
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
	pthread_mutex_lock(&sh->acct);
	timed_remove(c);
	conn_unauth_end(c);
	if (c->kind == LISTEN_LPC) {
		assert(sh->nlpc > 0);
		sh->nlpc--;
	} else {
		assert(sh->ntcp > 0);
		sh->ntcp--;
	}
	pthread_mutex_unlock(&sh->acct);
	if (!c->lingering) {
		/* Rundown: every context handle of this connection goes with it. */
		if (c->sess.count)
			log_debug("connection closed: %zu context handle(s) run down", c->sess.count);
		conn_uncount_ports(c);
		session_free(&c->sess);
		if (c->epm)
			epm_conn_free(c->epm);
		conn_rpc_free(c);
	}
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
	conn_uncount_ports(c);
	session_free(&c->sess);
	if (c->epm)
		epm_conn_free(c->epm);
	conn_rpc_free(c);
	free(c->rbuf);
	c->rbuf = NULL;
	c->rlen = c->rcap = 0;
	c->lingering = true;
	c->closing = false;
	/* It may not take longer to go than a login may take to come. */
	pthread_mutex_lock(&c->loop->sh->acct);
	c->gone = true;
	timed_add(c);
	pthread_mutex_unlock(&c->loop->sh->acct);
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
		pthread_mutex_lock(&c->loop->sh->acct);
		timed_add(c);
		pthread_mutex_unlock(&c->loop->sh->acct);
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

/* Read what the socket has (no lock); false when the connection is gone. */
static bool conn_recv(struct conn *c)
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
					return false;
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
		return false;
	}
	return true;
}

/* The whole PDUs read (under big): framing, authentication, dispatch and
 * sealing are the RPC engine's, answers queued on c->rpc for after the
 * commit.  Nothing is closed here (c->closing says so). */
static void conn_process(struct conn *c)
{
	size_t off = 0;
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
	if (off) {
		memmove(c->rbuf, c->rbuf + off, c->rlen - off);
		c->rlen -= off;
	}
	struct shared *sh = c->loop->sh;
	if (sh->budget.refused != sh->budget_logged) {
		sh->budget_logged = sh->budget.refused;
		LOG_LIMIT(sh, LIM_BUDGET, 1, LOG_LVL_WARN,
			  "reassembly budget (--max-reassembly-bytes %zu) spent: a call from %s refused with RPC_S_SERVER_TOO_BUSY",
			  sh->lim.max_reassembly, c->peer_name);
	}
	/* Logged in: off the login grace and the caps for strangers. */
	if (!c->closing && conn_logged_in(c)) {
		pthread_mutex_lock(&sh->acct);
		if (c->peer && !c->evicted) {
			conn_unauth_end(c);
			timed_remove(c);
		}
		pthread_mutex_unlock(&sh->acct);
	}
}

/* Out of descriptors: accept with the spare one and close at once, so the
 * peer learns it and the listener does not stay readable forever. */
static void listener_shed(struct loop *l, struct listener *ls)
{
	LOG_LIMIT(l->sh, LIM_FDS, 1, LOG_LVL_WARN,
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

/* The connection not logged in that has waited longest, of every loop (each
 * login-grace list is in order of arrival), or NULL.  Under acct. */
static struct conn *oldest_stranger(struct shared *sh)
{
	struct conn *best = NULL;
	for (size_t i = 0; i < sh->nloops; i++)
		for (struct conn *c = sh->loops[i]->thead; c; c = c->tnext)
			if (c->peer && !c->gone && !c->evicted) {
				if (!best || c->deadline_ms < best->deadline_ms)
					best = c;
				break;
			}
	return best;
}

/* Close it at its loop's next turn, not now: an event for it may still be
 * pending in this epoll batch, and it may be another loop's.  It stops
 * counting as a stranger at once, and goes to the head of its deadline list,
 * due now (which keeps it sorted).  Under acct. */
static void conn_make_room(struct conn *c)
{
	struct loop *l = c->loop;
	c->evicted = true;
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
	if (l != this_loop)
		loop_wake(l);
}

/* Whether a new TCP connection from this address may wait for its login:
 * the total cap, the peer's share, and the cap for strangers with its random
 * early drop (which may close the oldest stranger to make room: the caller
 * looks its peer entry up again afterwards, as that may have gone with it).
 * Under acct. */
static bool tcp_admit(struct shared *sh, const char *name, struct peer *p)
{
	const struct loop_limits *lim = &sh->lim;
	if (sh->ntcp >= lim->max_conns) {
		LOG_LIMIT(sh, LIM_TCP, 1, LOG_LVL_WARN, "connection from %s refused: %zu TCP connections is the limit (--max-connections)",
			  name, lim->max_conns);
		return false;
	}
	if (p && p->count >= lim->max_per_peer) {
		LOG_LIMIT(sh, LIM_PER_PEER, 1, LOG_LVL_WARN,
			  "connection from %s refused: %zu connections not logged in from that address is the limit (--max-per-peer)",
			  name, lim->max_per_peer);
		return false;
	}
	size_t start = lim->max_unauth * EARLY_DROP_START_NUM / EARLY_DROP_START_DEN;
	bool full = sh->nunauth >= lim->max_unauth;
	bool drop = full;
	if (!full && sh->nunauth >= start && lim->max_unauth > start) {
		/* In percent ten-thousandths: rate at start, 100% at the cap. */
		uint64_t p100 = EARLY_DROP_RATE * 10000u +
				(uint64_t)(100 - EARLY_DROP_RATE) * 10000u * (sh->nunauth - start) / (lim->max_unauth - start);
		drop = loop_random(sh) % 1000000u < p100;
	}
	if (!drop)
		return true;
	struct conn *old = oldest_stranger(sh);
	if (old) {
		LOG_LIMIT(sh, LIM_EARLY_DROP, 1, LOG_LVL_WARN,
			  "connection from %s closed to make room for one from %s: %zu of %zu connections not logged in "
			  "(--max-unauthenticated)",
			  old->peer_name, name, sh->nunauth, lim->max_unauth);
		conn_make_room(old);
		return true;
	}
	LOG_LIMIT(sh, full ? LIM_UNAUTH : LIM_EARLY_DROP, 1, LOG_LVL_WARN,
		  "connection from %s refused: %zu of %zu connections not logged in (--max-unauthenticated)", name,
		  sh->nunauth, lim->max_unauth);
	return false;
}

/* Count a new connection in (under acct): false when a cap refuses it.  A
 * TCP one is a stranger until it logs in. */
static bool conn_admit(struct shared *sh, enum listener_kind kind, const struct sockaddr_storage *ss, const char *name,
		       struct peer **out)
{
	*out = NULL;
	if (kind == LISTEN_LPC) {
		if (sh->nlpc >= sh->lim.max_lpc) {
			LOG_LIMIT(sh, LIM_LPC, 1, LOG_LVL_WARN,
				  "LPC connection refused: %zu LPC connections is the limit (--max-lpc-connections)",
				  sh->lim.max_lpc);
			return false;
		}
		sh->nlpc++;
		return true;
	}
	uint8_t key[16];
	peer_key(ss, key);
	if (!tcp_admit(sh, name, *peer_slot(sh, key)))
		return false;
	struct peer **pp = peer_slot(sh, key); /* making room may have freed its entry */
	struct peer *p = *pp;
	if (!p) {
		if (!(p = calloc(1, sizeof(*p))))
			return false;
		memcpy(p->addr, key, 16);
		*pp = p;
	}
	sh->ntcp++;
	sh->nunauth++;
	p->count++;
	*out = p;
	return true;
}

/* A counted connection uncounted (under acct). */
static void conn_uncount(struct shared *sh, enum listener_kind kind, struct peer *p)
{
	if (kind == LISTEN_LPC) {
		assert(sh->nlpc > 0);
		sh->nlpc--;
		return;
	}
	assert(sh->ntcp > 0 && sh->nunauth > 0);
	sh->ntcp--;
	sh->nunauth--;
	peer_put(sh, p);
}

/* A connection accepted and counted becomes this loop's. */
static void conn_setup(struct loop *l, const struct handoff *h)
{
	struct shared *sh = l->sh;
	const struct listener *ls = h->ls;
	struct conn *c = calloc(1, sizeof(*c) + (ls->kind == LISTEN_EPM ? sizeof(struct epm_conn) : 0));
	if (!c) {
		pthread_mutex_lock(&sh->acct);
		conn_uncount(sh, ls->kind, h->peer);
		pthread_mutex_unlock(&sh->acct);
		close(h->fd);
		return;
	}
	c->it.kind = ITEM_CONN;
	c->it.fd = h->fd;
	c->loop = l;
	c->kind = ls->kind;
	c->peer = h->peer;
	snprintf(c->peer_name, sizeof(c->peer_name), "%s", h->name);
	session_init(&c->sess, sh->st, &h->who, ls->kind == LISTEN_LPC);
	if (ls->kind == LISTEN_EPM) {
		c->epm = (struct epm_conn *)(c + 1);
		epm_conn_init(c->epm, local_ipv4(h->fd));
	}
	rpc_srv_conn_init(&c->rpc, ls->kind == LISTEN_EPM ? &sh->epm_conf : &sh->cmrp_conf, &c->sess, ls->sec_addr);
	c->sess.rpc = &c->rpc;
	c->next = l->conns;
	if (l->conns)
		l->conns->prev = c;
	l->conns = c;
	l->nconns++;
	if (c->peer) {
		pthread_mutex_lock(&sh->acct);
		timed_add(c);
		pthread_mutex_unlock(&sh->acct);
	}
	log_debug("connection from %s served by loop %zu", c->peer_name, l->idx);
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &c->it };
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, h->fd, &ev) < 0) {
		LOG_LIMIT(sh, LIM_CLOSE, CLOSE_LOG_BURST, LOG_LVL_WARN, "connection from %s closed: epoll_ctl(ADD): %s",
			  h->name, strerror(errno));
		conn_close(c, "epoll_ctl(ADD) failed");
	}
}

/* The connections handed to this loop by the others. */
static void loop_take_handoffs(struct loop *l)
{
	pthread_mutex_lock(&l->qmu);
	struct handoff *h = l->qhead;
	l->qhead = l->qtail = NULL;
	pthread_mutex_unlock(&l->qmu);
	while (h) {
		struct handoff *next = h->next;
		conn_setup(l, h);
		free(h);
		h = next;
	}
}

/* Round robin over the loops: whichever accepts (EPOLLEXCLUSIVE wakes the
 * first idle one), the connections spread evenly. */
static void conn_handoff(struct loop *l, struct handoff *h)
{
	struct shared *sh = l->sh;
	struct loop *to = sh->loops[atomic_fetch_add(&sh->rr, 1) % sh->nloops];
	if (to == l) {
		conn_setup(l, h);
		return;
	}
	struct handoff *q = malloc(sizeof(*q));
	if (!q) {
		conn_setup(l, h);
		return;
	}
	*q = *h;
	q->next = NULL;
	pthread_mutex_lock(&to->qmu);
	bool was_empty = !to->qhead;
	if (to->qtail)
		to->qtail->next = q;
	else
		to->qhead = q;
	to->qtail = q;
	pthread_mutex_unlock(&to->qmu);
	if (was_empty)
		loop_wake(to);
}

static void listener_accept(struct loop *l, struct listener *ls)
{
	struct shared *sh = l->sh;
	for (;;) {
		struct sockaddr_storage ss;
		socklen_t sslen = sizeof(ss);
		pthread_mutex_lock(&ls->amu);
		int fd = accept4(ls->it.fd, (struct sockaddr *)&ss, &sslen, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			int err = errno;
			if (err == EMFILE || err == ENFILE)
				listener_shed(l, ls);
			pthread_mutex_unlock(&ls->amu);
			if (err == EINTR || err == ECONNABORTED)
				continue;
			return;
		}
		struct handoff h = { .fd = fd, .ls = ls, .who = { .kind = PRINCIPAL_ANONYMOUS } };
		if (ls->kind == LISTEN_LPC) {
			h.who.kind = PRINCIPAL_LOCAL;
			h.who.ngroups = PRINCIPAL_MAX_GROUPS;
			if (transport_peer_creds(fd, &h.who.uid, &h.who.gid, h.who.groups, &h.who.ngroups) < 0) {
				pthread_mutex_unlock(&ls->amu);
				close(fd);
				continue;
			}
			snprintf(h.name, sizeof(h.name), "LPC uid %u", (unsigned)h.who.uid);
		} else {
			transport_format_addr((struct sockaddr *)&ss, h.name, sizeof(h.name));
		}
		pthread_mutex_lock(&sh->acct);
		bool in = conn_admit(sh, ls->kind, &ss, h.name, &h.peer);
		pthread_mutex_unlock(&sh->acct);
		pthread_mutex_unlock(&ls->amu);
		if (!in) {
			close(fd);
			continue;
		}
#if LOOP_HANDOFF
		conn_handoff(l, &h);
#else
		conn_setup(l, &h);
#endif
	}
}

/* Close what is past its deadline; the epoll timeout until the next one. */
static int loop_expire(struct loop *l)
{
	struct shared *sh = l->sh;
	uint64_t now = mono_ms();
	pthread_mutex_lock(&sh->acct);
	while (l->thead && l->thead->deadline_ms <= now) {
		struct conn *c = l->thead;
		bool evicted = c->evicted;
		pthread_mutex_unlock(&sh->acct);
		conn_close(c, evicted ? "closed to make room: too many connections not logged in (--max-unauthenticated)"
			      : c->lingering || c->closing ? NULL : "timed out in login grace (--login-grace)");
		pthread_mutex_lock(&sh->acct);
	}
	int wait = -1;
	if (l->thead) {
		uint64_t w = l->thead->deadline_ms - now;
		wait = w > 60000 ? 60000 : (int)w;
	}
	pthread_mutex_unlock(&sh->acct);
	return wait;
}

/* The end of a turn of the loop, big released: the held answers go out
 * after the commit that holds their changes.  When the commit failed, every
 * answer of the turn may tell of a change that is not there: those
 * connections are closed instead (their callers see the call fail, "may have
 * happened"). */
static void loop_answer(struct loop *l, int rc)
{
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

static void loop_stop_all(struct shared *sh)
{
	atomic_store(&sh->stop, true);
	for (size_t i = 0; i < sh->nloops; i++)
		loop_wake(sh->loops[i]);
	/* A loop waiting for another's commit commits itself when stopping. */
	pthread_mutex_lock(&sh->big);
	pthread_cond_broadcast(&sh->committed);
	pthread_mutex_unlock(&sh->big);
}

/* With big: end the batch (one commit for every loop that left its
 * changes in it) and tell those loops how it went. */
static int loop_commit(struct shared *sh, struct backend *be)
{
	int rc = be->ops->batch_end(be);
	for (size_t i = 0; i < sh->nhanded; i++) {
		sh->handed[i]->commit_rc = rc;
		sh->handed[i]->commit_done = true;
	}
	if (sh->nhanded) {
		sh->nhanded = 0;
		pthread_cond_broadcast(&sh->committed);
	}
	return rc;
}

/* With big, at the end of a turn that batched: commit, or, when the batch
 * holds changes and another loop is waiting for big, leave them to the
 * commit at the end of that loop's turn (one disk flush for both) and wait
 * for it.  The answers of this turn go out after either (loop_answer). */
static int loop_end_batch(struct loop *l, struct backend *be)
{
	struct shared *sh = l->sh;
	if (!be->ops->batch_dirty || !be->ops->batch_dirty(be) || atomic_load(&sh->big_waiters) == 0 ||
	    atomic_load(&sh->stop))
		return loop_commit(sh, be);
	l->commit_done = false;
	sh->handed[sh->nhanded++] = l;
	while (!l->commit_done && !atomic_load(&sh->stop))
		pthread_cond_wait(&sh->committed, &sh->big);
	if (l->commit_done)
		return l->commit_rc;
	return loop_commit(sh, be); /* stopping: nobody else may commit */
}

static int loop_run_one(struct loop *l)
{
	struct shared *sh = l->sh;
	struct server_state *st = sh->st;
	struct backend *be = st->be;
	struct epoll_event evs[64];

	this_loop = l;
	for (;;) {
		int n = epoll_wait(l->epfd, evs, 64, loop_expire(l));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			log_error("epoll_wait: %s", strerror(errno));
			loop_stop_all(sh);
			return -1;
		}
		bool stop = false, reload = false, backend = false, woken = false;
		/* Without big: signals, accepts, flushes and reads. */
		for (int i = 0; i < n; i++) {
			struct item *it = evs[i].data.ptr;
			if (it->kind == ITEM_SIGNAL) {
				struct signalfd_siginfo si;
				while (read(it->fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
					if (si.ssi_signo == SIGHUP) {
						reload = true;
						continue;
					}
					log_info("signal %u: stopping", si.ssi_signo);
					stop = true;
				}
			} else if (it->kind == ITEM_WAKE) {
				uint64_t v;
				(void)!read(it->fd, &v, sizeof(v));
				woken = true;
				if (!stop)
					loop_take_handoffs(l);
			} else if (it->kind == ITEM_BACKEND) {
				backend = true;
			} else if (it->kind == ITEM_LISTENER) {
				if (!stop)
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
				if (evs[i].events & EPOLLIN && !stop && conn_recv(c) && !c->held) {
					c->held = true;
					c->hnext = l->held;
					l->held = c;
				}
			}
		}
		if (stop)
			loop_stop_all(sh);
		if (atomic_load(&sh->stop)) {
			/* What was read this turn is not processed: the
			 * connections are told the server is going. */
			while (l->held) {
				struct conn *c = l->held;
				l->held = c->hnext;
				c->held = false;
			}
			return 0;
		}
		/* A turn that only accepted or wrote leaves big alone (events
		 * queued for this loop always come with a wake-up). */
		if (!l->held && !woken && !backend && !reload)
			continue;
		/* With big: this turn's calls and their commit. */
		int rc = BE_OK;
		atomic_fetch_add(&sh->big_waiters, 1);
		pthread_mutex_lock(&sh->big);
		atomic_fetch_sub(&sh->big_waiters, 1);
		st->turn++;
		if (be && be->ops->batch_begin) {
			be->ops->batch_begin(be);
			l->batching = true;
		}
		if (reload) {
			/* Here, between two turns, not in a handler. */
			if (sh->on_reload)
				sh->on_reload(sh->reload_arg);
			else
				log_info("SIGHUP: nothing to reload");
		}
		if (backend)
			be->ops->process_events(be);
		for (size_t i = 0; i < l->evn; i++)
			loop_deliver(l, &l->evq[i]);
		l->evn = 0;
		for (struct conn *c = l->held; c; c = c->hnext) {
			conn_process(c);
			conn_count_ports(c);
		}
		if (l->batching) {
			l->batching = false;
			rc = loop_end_batch(l, be);
		}
		pthread_mutex_unlock(&sh->big);
		if (rc != BE_OK)
			log_error("commit of the changes of a loop turn failed (%s): closing the connections that were told of them",
				  be_status_name(rc));
		loop_answer(l, rc);
	}
}

static void *loop_thread(void *arg)
{
	struct loop *l = arg;
	l->result = loop_run_one(l);
	return NULL;
}

int loop_run(struct loop *l)
{
	struct shared *sh = l->sh;
	for (size_t i = 1; i < sh->nloops; i++) {
		struct loop *o = sh->loops[i];
		int err = pthread_create(&o->thread, NULL, loop_thread, o);
		if (err) {
			log_warn("event loop %zu not started (%s): serving with %zu", i, strerror(err), i);
			/* Its listeners stay in its epoll set, unpolled: take
			 * them out so that the others are woken. */
			for (size_t j = i; j < sh->nloops; j++)
				for (struct listener *ls = sh->listeners; ls; ls = ls->next)
					epoll_ctl(sh->loops[j]->epfd, EPOLL_CTL_DEL, ls->it.fd, NULL);
			break;
		}
		o->started = true;
	}
	int rc = loop_run_one(l);
	for (size_t i = 1; i < sh->nloops; i++) {
		struct loop *o = sh->loops[i];
		if (!o->started)
			continue;
		pthread_join(o->thread, NULL);
		o->started = false;
		if (o->result)
			rc = o->result;
	}
	return rc;
}

/* Tell a bound client the server is going away (a shutdown PDU, best effort:
 * the connection closes right after whatever happens). */
static void conn_say_shutdown(struct conn *c)
{
	struct ndr_push p;
	ndr_push_init(&p);
	if (!c->lingering && c->rpc.bound && rpc_shutdown_encode(&p, 0))
		(void)!send(c->it.fd, p.data, p.len, MSG_NOSIGNAL | MSG_DONTWAIT);
	ndr_push_free(&p);
}

static void loop_one_free(struct loop *l)
{
	while (l->qhead) {
		struct handoff *h = l->qhead;
		l->qhead = h->next;
		pthread_mutex_lock(&l->sh->acct);
		conn_uncount(l->sh, h->ls->kind, h->peer);
		pthread_mutex_unlock(&l->sh->acct);
		close(h->fd);
		free(h);
	}
	pthread_mutex_destroy(&l->qmu);
	while (l->conns) {
		conn_say_shutdown(l->conns);
		conn_close(l->conns, "server stopping");
	}
	if (l->spare_fd >= 0)
		close(l->spare_fd);
	if (l->sig.fd >= 0)
		close(l->sig.fd);
	if (l->wake.fd >= 0)
		close(l->wake.fd);
	if (l->epfd >= 0)
		close(l->epfd);
	free(l->evq);
	free(l);
}

void loop_free(struct loop *l)
{
	if (!l)
		return;
	struct shared *sh = l->sh;
	struct server_state *st = sh->st;
	if (st->be && st->be->ops->watch)
		st->be->ops->watch(st->be, NULL, NULL);
	st->notify_fn = NULL;
	for (size_t i = 0; i < sh->nloops; i++)
		loop_one_free(sh->loops[i]);
	assert(sh->budget.used == 0 && sh->nunauth == 0 && sh->ntcp == 0 && sh->nlpc == 0);
	for (size_t i = 0; i < PEER_BUCKETS; i++)
		assert(!sh->peers[i]);
	while (sh->listeners) {
		struct listener *ls = sh->listeners;
		sh->listeners = ls->next;
		close(ls->it.fd);
		pthread_mutex_destroy(&ls->amu);
		free(ls);
	}
	pthread_mutex_destroy(&sh->big);
	pthread_cond_destroy(&sh->committed);
	pthread_mutex_destroy(&sh->acct);
	pthread_mutex_destroy(&sh->rlmu);
	free(sh);
}
