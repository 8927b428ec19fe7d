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
 * When the connection hangs up or a dispatch fails (corosync died), the flag
 * drops to "no quorum" at once, so calls answer BE_NO_QUORUM immediately (the
 * client library then reconnects to another node); the thread connects again
 * with a backoff (50 ms doubling to 1 s) until corosync is back.
 */
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

#include <glib.h>
#include <glib-unix.h>

#include <corosync/quorum.h>

#include "base/log.h"
#include "pcmk.h"

#define BACKOFF_MIN_MS 50
#define BACKOFF_MAX_MS 1000

struct corosync_quorum {
	atomic_bool quorate;
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
	if (q && q->connected)
		quorum_finalize(q->h);
	free(q);
}

bool corosync_quorate(struct corosync_quorum *q)
{
	return atomic_load(&q->quorate);
}
