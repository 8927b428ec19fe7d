/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "loop.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
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

struct conn {
	struct item it;
	struct loop *loop;
	enum listener_kind kind;
	struct rpc_srv_conn rpc;
	struct session sess;
	uint8_t *rbuf;
	size_t rlen;
	size_t rcap;
	bool closing;
	bool lingering;     /* answered and shut down for writing: draining input */
	size_t drained;     /* bytes discarded while lingering */
	bool want_out;
	bool in_read; /* conn_read() is running: it flushes when done */
	struct conn *prev, *next;
};

struct loop {
	int epfd;
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
};

#define READ_CHUNK 16384

static void conn_set_events(struct conn *c, bool want_out);

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
		if (rc < 0)
			c->closing = true;
		if (!c->in_read)
			conn_set_events(c, true);
	}
}

struct loop *loop_new(struct server_state *st, size_t max_conns)
{
	struct loop *l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	l->st = st;
	l->max_conns = max_conns;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	cmrp_server_iface(&l->cmrp_iface, st);
	epm_server_iface(&l->epm_iface, &l->epm);
	l->cmrp_conf.ifaces[0] = &l->cmrp_iface;
	l->cmrp_conf.n_ifaces = 1;
	l->cmrp_conf.auth_start = server_auth_start;
	l->cmrp_conf.auth_arg = st;
	l->epm_conf.ifaces[0] = &l->epm_iface;
	l->epm_conf.n_ifaces = 1;

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
	epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->sig.fd, &ev);
	if (st->be && st->be->ops->watch)
		st->be->ops->watch(st->be, loop_on_event, l);
	l->backend.kind = ITEM_BACKEND;
	l->backend.fd = st->be && st->be->ops->event_fd ? st->be->ops->event_fd(st->be) : -1;
	if (l->backend.fd >= 0) {
		struct epoll_event bev = { .events = EPOLLIN, .data.ptr = &l->backend };
		epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->backend.fd, &bev);
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

static void conn_close(struct conn *c)
{
	struct loop *l = c->loop;
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, c->it.fd, NULL);
	close(c->it.fd);
	/* Rundown: every context handle of this connection goes with it. */
	if (c->sess.count)
		log_debug("connection closed: %zu context handle(s) run down", c->sess.count);
	session_free(&c->sess);
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
		conn_close(c);
		return;
	}
	session_free(&c->sess);
	rpc_srv_conn_free(&c->rpc);
	c->lingering = true;
	c->closing = false;
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
	conn_close(c);
}

static void conn_set_events(struct conn *c, bool want_out)
{
	if (want_out == c->want_out)
		return;
	c->want_out = want_out;
	struct epoll_event ev = { .events = EPOLLIN | (want_out ? EPOLLOUT : 0), .data.ptr = &c->it };
	epoll_ctl(c->loop->epfd, EPOLL_CTL_MOD, c->it.fd, &ev);
}

/* Write what is queued; false when the connection is gone. */
static bool conn_flush(struct conn *c)
{
	struct rpc_srv_conn *r = &c->rpc;
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
			conn_close(c);
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
					conn_close(c);
					return;
				}
				c->rbuf = p;
				c->rcap = cap;
			}
		}
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
		conn_close(c); /* EOF or error */
		return;
	}

	size_t off = 0;
	c->in_read = true;
	while (!c->closing) {
		long len = rpc_srv_conn_frame(&c->rpc, c->rbuf + off, c->rlen - off);
		if (len == 0)
			break;
		if (len < 0 || rpc_srv_conn_process(&c->rpc, c->rbuf + off, (size_t)len) < 0) {
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
	conn_flush(c);
}

static void listener_accept(struct loop *l, struct listener *ls)
{
	for (;;) {
		int fd = accept4(ls->it.fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EMFILE || errno == ENFILE)
				log_warn("out of file descriptors: a connection waits in the backlog");
			return;
		}
		if (l->nconns >= l->max_conns) {
			log_warn("connection refused: %zu connections is the limit", l->max_conns);
			close(fd);
			continue;
		}
		struct principal who = { .kind = PRINCIPAL_ANONYMOUS };
		if (ls->kind == LISTEN_LPC) {
			who.kind = PRINCIPAL_LOCAL;
			who.ngroups = PRINCIPAL_MAX_GROUPS;
			if (transport_peer_creds(fd, &who.uid, &who.gid, who.groups, &who.ngroups) < 0) {
				close(fd);
				continue;
			}
		}
		struct conn *c = calloc(1, sizeof(*c));
		if (!c) {
			close(fd);
			continue;
		}
		c->it.kind = ITEM_CONN;
		c->it.fd = fd;
		c->loop = l;
		c->kind = ls->kind;
		session_init(&c->sess, l->st, &who, ls->kind == LISTEN_LPC);
		rpc_srv_conn_init(&c->rpc, ls->kind == LISTEN_EPM ? &l->epm_conf : &l->cmrp_conf, &c->sess,
				  ls->sec_addr);
		c->sess.rpc = &c->rpc;
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &c->it };
		if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
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
	}
}

int loop_run(struct loop *l)
{
	struct epoll_event evs[64];

	for (;;) {
		int n = epoll_wait(l->epfd, evs, 64, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			log_error("epoll_wait: %s", strerror(errno));
			return -1;
		}
		for (int i = 0; i < n; i++) {
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
				return 0;
			} else if (it->kind == ITEM_BACKEND) {
				l->st->be->ops->process_events(l->st->be);
			} else if (it->kind == ITEM_LISTENER) {
				listener_accept(l, (struct listener *)it);
			} else {
				struct conn *c = (struct conn *)it;
				if (evs[i].events & (EPOLLERR | EPOLLHUP) && !(evs[i].events & EPOLLIN)) {
					conn_close(c);
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
	while (l->conns) {
		conn_say_shutdown(l->conns);
		conn_close(l->conns);
	}
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
