/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Whether this partition has quorum (votequorum, through libquorum), tracked
 * rather than asked.  A query on the call path (quorum_getquorate) blocked
 * for 2 s while corosync was being killed, and every client of that clusterd
 * waited with it.  So the watch thread (watch.c) owns the libquorum
 * connection: the initial state comes from one query at open, then changes
 * arrive as callbacks (quorum_trackstart, CS_TRACK_CHANGES) dispatched from
 * the connection's fd in the thread's glib loop.  The call path reads an
 * atomic flag and never talks to corosync.
 *
 * A write must not be acknowledged when it was carried out in a partition
 * without quorum: cut off from the others, this node's CIB still applies it
 * (in the new, minority membership, once corosync has formed it) and answers
 * pacemaker_ok, and when the partition heals the majority's CIB replaces this
 * one and the write is gone.  corosync sends the quorum change of a new
 * membership to its libquorum clients during the membership's sync, before
 * it delivers any message in it, so by the time the CIB has answered a write
 * the change that matters is already waiting on our connection.
 * corosync_quorum_settle has the watch thread take in whatever is waiting
 * (a dispatch that never blocks) and then reads the flag: the backend calls
 * it after each CIB write (cib_written) and answers "maybe done" when the
 * partition had no quorum.
 *
 * Quorum regained is not yet safe either: until the cluster's CIB has been
 * synced to this node (the DC replaces a rejoining node's CIB during the
 * join, about a second after the merge here), a write this node's CIB takes
 * in is lost with the replacement.  So from a regain (a change from "no
 * quorum" to "quorum" after the first state was seen) until the watch
 * thread is told of a CIB replacement (corosync_cib_replaced), or at most
 * REJOIN_MAX_MS, the node is "rejoining": writes are refused before they
 * are made and answered "maybe done" when they were made meanwhile
 * (cib.c, view.c).
 *
 * When the connection hangs up or a dispatch fails (corosync died), the flag
 * drops to "no quorum" at once, so calls answer BE_NO_QUORUM immediately (the
 * client library then reconnects to another node); the thread connects again
 * with a backoff (50 ms doubling to 1 s) until corosync is back.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include <glib.h>
#include <glib-unix.h>

#include <corosync/quorum.h>

#include "base/clock.h"
#include "base/log.h"
#include "pcmk.h"

#define BACKOFF_MIN_MS 50
#define REJOIN_MAX_MS 10000
#define BACKOFF_MAX_MS 1000

struct corosync_quorum {
	atomic_bool quorate;
	atomic_bool observed;  /* a first state was seen */
	atomic_bool rejoining; /* quorum regained, the CIB not yet synced */
	_Atomic uint64_t rejoin_since; /* monotonic ms */
	/* Settling after a write (corosync_quorum_settle): asked by the loop
	 * thread, answered by the watch thread, under lock. */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	uint64_t asked, settled;
	/* From here on: whoever owns the connection (open, then the watch
	 * thread). */
	quorum_handle_t h;
	bool connected;
	guint fd_source, retry_source;
	unsigned backoff_ms;
	void (*changed)(void *arg);
	void *arg;
};

static void set_quorate(struct corosync_quorum *q, bool quorate)
{
	bool was = atomic_exchange(&q->quorate, quorate);
	if (quorate && !was && atomic_exchange(&q->observed, true)) {
		atomic_store(&q->rejoin_since, mono_ms());
		if (!atomic_exchange(&q->rejoining, true))
			log_info("pacemaker: quorum regained: rejoining (writes wait for the cluster's CIB to be synced "
				 "to this node)");
	}
	atomic_store(&q->observed, true);
	if (was != quorate && q->changed)
		q->changed(q->arg);
}

static void on_quorum(quorum_handle_t h, uint32_t quorate, struct quorum_ring_id ring_id, uint32_t n,
		      const uint32_t *members)
{
	(void)ring_id;
	(void)n;
	(void)members;
	void *ctx = NULL;
	if (quorum_context_get(h, (const void **)&ctx) == CS_OK && ctx)
		set_quorate(ctx, quorate != 0);
}

/* Connect, start tracking and read the state once.  This may block while
 * corosync is dying, which is why only open and the watch thread do it. */
static bool connect_now(struct corosync_quorum *q)
{
	quorum_model_v1_data_t model = { .model = QUORUM_MODEL_V1, .quorum_notify_fn = on_quorum };
	uint32_t type;
	int quorate = 0;
	if (quorum_model_initialize(&q->h, QUORUM_MODEL_V1, (quorum_model_data_t *)&model, &type, q) != CS_OK)
		return false;
	if (quorum_trackstart(q->h, CS_TRACK_CHANGES) != CS_OK || quorum_getquorate(q->h, &quorate) != CS_OK) {
		quorum_finalize(q->h);
		return false;
	}
	q->connected = true;
	set_quorate(q, quorate != 0);
	return true;
}

static gboolean on_fd(gint fd, GIOCondition cond, gpointer arg);
static gboolean retry(gpointer arg);

static void watch_fd(struct corosync_quorum *q)
{
	int fd = -1;
	if (quorum_fd_get(q->h, &fd) == CS_OK && fd >= 0)
		q->fd_source = g_unix_fd_add(fd, G_IO_IN | G_IO_HUP | G_IO_ERR, on_fd, q);
}

/* corosync went away: no quorum from now on, until a connection says so. */
static void lost(struct corosync_quorum *q)
{
	if (q->connected) {
		log_warn("pacemaker: lost the connection to corosync (votequorum): no quorum until it is back");
		quorum_finalize(q->h);
		q->connected = false;
	}
	set_quorate(q, false);
	if (!q->retry_source) {
		q->backoff_ms = BACKOFF_MIN_MS;
		q->retry_source = g_timeout_add(q->backoff_ms, retry, q);
	}
}

static gboolean on_fd(gint fd, GIOCondition cond, gpointer arg)
{
	(void)fd;
	struct corosync_quorum *q = arg;
	cs_error_t rc = CS_OK;
	if (!(cond & (G_IO_HUP | G_IO_ERR | G_IO_NVAL)))
		rc = quorum_dispatch(q->h, CS_DISPATCH_ALL);
	if ((cond & (G_IO_HUP | G_IO_ERR | G_IO_NVAL)) || (rc != CS_OK && rc != CS_ERR_TRY_AGAIN)) {
		q->fd_source = 0; /* removed by returning G_SOURCE_REMOVE */
		lost(q);
		return G_SOURCE_REMOVE;
	}
	return G_SOURCE_CONTINUE;
}

static gboolean retry(gpointer arg)
{
	struct corosync_quorum *q = arg;
	q->retry_source = 0;
	if (connect_now(q)) {
		log_info("pacemaker: connected to corosync (votequorum) again");
		watch_fd(q);
		return G_SOURCE_REMOVE;
	}
	q->backoff_ms = q->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : q->backoff_ms * 2;
	q->retry_source = g_timeout_add(q->backoff_ms, retry, q);
	return G_SOURCE_REMOVE;
}

struct corosync_quorum *corosync_quorum_new(void)
{
	struct corosync_quorum *q = calloc(1, sizeof(*q));
	if (q) {
		atomic_init(&q->quorate, false);
		pthread_mutex_init(&q->lock, NULL);
		pthread_condattr_t ca;
		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&q->cond, &ca);
		pthread_condattr_destroy(&ca);
		connect_now(q); /* the state at open; the watch thread retries */
	}
	return q;
}

void corosync_quorum_attach(struct corosync_quorum *q, void (*changed)(void *arg), void *arg)
{
	q->changed = changed;
	q->arg = arg;
	if (q->connected) {
		/* Changes between open and now: one query, on this thread. */
		int quorate = 0;
		if (quorum_getquorate(q->h, &quorate) == CS_OK) {
			set_quorate(q, quorate != 0);
			watch_fd(q);
			return;
		}
	}
	lost(q);
}

void corosync_quorum_detach(struct corosync_quorum *q)
{
	if (q->fd_source)
		g_source_remove(q->fd_source);
	if (q->retry_source)
		g_source_remove(q->retry_source);
	q->fd_source = q->retry_source = 0;
	q->changed = NULL;
	if (q->connected)
		quorum_finalize(q->h);
	q->connected = false;
	atomic_store(&q->quorate, false);
}

void corosync_quorum_free(struct corosync_quorum *q)
{
	if (!q)
		return;
	if (q->connected)
		quorum_finalize(q->h);
	pthread_cond_destroy(&q->cond);
	pthread_mutex_destroy(&q->lock);
	free(q);
}

/* On the watch thread: take in every quorum change corosync has sent, then
 * answer everyone who asked so far. */
static gboolean settle_now(gpointer arg)
{
	struct corosync_quorum *q = arg;
	if (q->connected && q->fd_source) {
		cs_error_t rc = quorum_dispatch(q->h, CS_DISPATCH_ALL); /* never blocks */
		if (rc != CS_OK && rc != CS_ERR_TRY_AGAIN) {
			g_source_remove(q->fd_source);
			q->fd_source = 0;
			lost(q);
		}
	}
	pthread_mutex_lock(&q->lock);
	q->settled = q->asked;
	pthread_cond_broadcast(&q->cond);
	pthread_mutex_unlock(&q->lock);
	return G_SOURCE_REMOVE;
}

bool corosync_quorum_settle(struct corosync_quorum *q, unsigned timeout_ms)
{
	pthread_mutex_lock(&q->lock);
	uint64_t mine = ++q->asked;
	pthread_mutex_unlock(&q->lock);
	g_idle_add(settle_now, q); /* safe from any thread; wakes the watch loop */
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	bool answered = true;
	pthread_mutex_lock(&q->lock);
	while (q->settled < mine) {
		if (pthread_cond_timedwait(&q->cond, &q->lock, &until) == ETIMEDOUT) {
			answered = q->settled >= mine;
			break;
		}
	}
	pthread_mutex_unlock(&q->lock);
	return answered && atomic_load(&q->quorate);
}

bool corosync_quorate(struct corosync_quorum *q)
{
	return atomic_load(&q->quorate);
}

bool corosync_rejoining(struct corosync_quorum *q)
{
	if (!atomic_load(&q->rejoining))
		return false;
	if (mono_ms() - atomic_load(&q->rejoin_since) < REJOIN_MAX_MS)
		return true;
	if (atomic_exchange(&q->rejoining, false))
		log_warn("pacemaker: no CIB replacement within %u ms of regaining quorum: writes are confirmed again",
			 REJOIN_MAX_MS);
	return false;
}

void corosync_cib_replaced(struct corosync_quorum *q)
{
	if (atomic_exchange(&q->rejoining, false))
		log_info("pacemaker: rejoined: the cluster's CIB was synced to this node");
}
