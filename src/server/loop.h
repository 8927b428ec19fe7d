/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The event loops: N threads, each with its own epoll set holding every
 * listener (EPOLLEXCLUSIVE) and the connections it accepted; non-blocking
 * sockets; whole PDUs handed to the RPC engine under one server lock, with
 * the turn's commit; replies written as the socket takes them. */
#ifndef SERVER_LOOP_H
#define SERVER_LOOP_H

#include <stddef.h>
#include <stdint.h>

#include "clusterd.h"
#include "rpc/epm.h"

enum listener_kind { LISTEN_CMRP_TCP, LISTEN_LPC, LISTEN_EPM };

struct loop;

/* What the loop lets in (clusterd --help lists them with their defaults). */
struct loop_limits {
	size_t max_conns;        /* TCP connections (MS-CMRP and endpoint mapper) */
	size_t max_unauth;       /* of those, not yet logged in (<= max_conns) */
	size_t max_per_peer;     /* not yet logged in, from one address */
	size_t max_lpc;          /* LPC connections, counted apart from TCP */
	unsigned login_grace_s;  /* to bind and log in over TCP; 0: no limit */
	size_t max_reassembly;   /* bytes in reassembly, all connections together */
};

/* At most this many loops (--loops). */
#define LOOP_MAX 64

/* nloops event loops (1 to LOOP_MAX); the one returned is loop 0, which
 * stands for all of them in the calls below. */
struct loop *loop_new(struct server_state *st, const struct loop_limits *lim, size_t nloops);
/* Add a listening socket the loop then owns. */
int loop_add_listener(struct loop *l, int fd, enum listener_kind kind);
/* The endpoint mapper's registry (filled by the caller before loop_run). */
struct epm_registry *loop_epm_registry(struct loop *l);
/* What SIGHUP does: fn(arg), called from loop_run between two events. */
void loop_on_reload(struct loop *l, void (*fn)(void *arg), void *arg);
/* Run until SIGINT or SIGTERM; 0 on a clean stop.  Loop 0 runs in the
 * calling thread, the others in threads of their own, started here. */
int loop_run(struct loop *l);
void loop_free(struct loop *l);

#endif
