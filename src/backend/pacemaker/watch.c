/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * CIB change notifications.  libcib delivers them through a glib main loop;
 * clusterd runs an epoll loop.  The two meet here: a thread of our own owns
 * a second CIB connection (read-only, signed on with mainloop sources in
 * glib's default context, which nothing else in clusterd runs) and the glib
 * main loop; each diff notification adds 1 to an eventfd that the epoll loop
 * watches.  The notification carries no data across: the loop thread then
 * reads the CIB through its own connection and compares with its cached view,
 * so the 12-14 diffs of one start or stop fold into one refresh and the
 * Pacemaker objects never cross threads.  Nothing polls: a lost connection is
 * retried from a glib timer in this thread, and signalled too (the view may
 * have changed while we were away).
 *
 * corosync is this thread's business too, so that no call waits for a
 * corosync that is dying: it tracks quorum (quorum.c: the libquorum fd is a
 * source of this loop).  cmap (corosync_read: names, membership, links) is
 * read after each change signalled, by a second thread of ours: a read takes
 * 15-80 ms, and one in progress while corosync dies can block for seconds,
 * which in this thread would hold back the hang-up that drops quorum.  The
 * result goes to the loop thread under a mutex (a plain struct: no XML).
 *
 * XML must not cross threads either: libxml2 keeps the node hooks
 * crm_xml_init() installs (Pacemaker's per-node private data) per thread, so a
 * node made on one thread and freed on the other would leak or be freed
 * wrongly.  Here the notification's XML is parsed, passed to on_diff and
 * freed on this thread, and on_diff does not keep it.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include <crm/cib.h>
#include <crm/msg_xml.h>

#include "base/log.h"
#include "pcmk.h"

#define RECONNECT_MS 1000

struct pcmk_watch {
	int efd;
	pthread_t thread;
	GMainLoop *loop;
	cib_t *cib;
	bool connected;
	bool stopping;
	struct corosync_quorum *quorum;
	/* The cmap reader thread; the rest under cs_lock. */
	pthread_t cs_thread;
	bool cs_thread_started;
	pthread_mutex_t cs_lock;
	pthread_cond_t cs_cond;
	bool cs_wanted, cs_stop;
	struct corosync_view cs;
	bool cs_valid;
};

/* libcib's callbacks carry no user pointer: one watch per process. */
static struct pcmk_watch *the_watch;

static void wake_loop(struct pcmk_watch *w)
{
	uint64_t one = 1;
	(void)!write(w->efd, &one, sizeof(one));
}

/* The cmap reader: one read per request (requests during a read fold into
 * the next one); when what corosync says differs from what the loop thread
 * was given, wake it again. */
static void *cs_main(void *arg)
{
	struct pcmk_watch *w = arg;
	pthread_mutex_lock(&w->cs_lock);
	for (;;) {
		while (!w->cs_wanted && !w->cs_stop)
			pthread_cond_wait(&w->cs_cond, &w->cs_lock);
		if (w->cs_stop)
			break;
		w->cs_wanted = false;
		pthread_mutex_unlock(&w->cs_lock);
		struct corosync_view cs;
		int rc = corosync_read(&cs);
		pthread_mutex_lock(&w->cs_lock);
		if (rc < 0)
			continue; /* keep the last good one */
		bool changed = !w->cs_valid || memcmp(&cs, &w->cs, sizeof(cs)) != 0;
		w->cs = cs;
		w->cs_valid = true;
		if (changed)
			wake_loop(w);
	}
	pthread_mutex_unlock(&w->cs_lock);
	return NULL;
}

static void want_corosync(struct pcmk_watch *w)
{
	pthread_mutex_lock(&w->cs_lock);
	w->cs_wanted = true;
	pthread_cond_signal(&w->cs_cond);
	pthread_mutex_unlock(&w->cs_lock);
}

/* Something changed: wake the loop thread now (it reads the CIB with the
 * corosync view it has), and have cmap read again. */
static void signal_change(struct pcmk_watch *w)
{
	wake_loop(w);
	want_corosync(w);
}

static void on_quorum_change(void *arg)
{
	signal_change(arg);
}

bool pcmk_watch_corosync(struct pcmk_watch *w, struct corosync_view *out)
{
	pthread_mutex_lock(&w->cs_lock);
	bool valid = w->cs_valid;
	if (valid)
		*out = w->cs;
	pthread_mutex_unlock(&w->cs_lock);
	return valid;
}

static void on_diff(const char *event, xmlNode *msg)
{
	(void)event;
	(void)msg;
	signal_change(the_watch);
}

/* The CIB was replaced (the cluster's copy synced to this node when it
 * rejoins): writes may be confirmed again. */
static void on_replace(const char *event, xmlNode *msg)
{
	(void)event;
	(void)msg;
	corosync_cib_replaced(the_watch->quorum);
	signal_change(the_watch);
}

static gboolean try_connect(gpointer arg);

static void on_disconnect(gpointer arg)
{
	(void)arg;
	struct pcmk_watch *w = the_watch;
	if (w->stopping)
		return;
	log_warn("pacemaker: lost the CIB notification connection; reconnecting");
	w->connected = false;
	signal_change(w);
	g_timeout_add(RECONNECT_MS, try_connect, w);
}

static gboolean try_connect(gpointer arg)
{
	struct pcmk_watch *w = arg;
	if (w->connected)
		return G_SOURCE_REMOVE;
	w->cib->cmds->signoff(w->cib);
	if (w->cib->cmds->signon(w->cib, "clusterd-watch", cib_query) != pcmk_ok)
		return G_SOURCE_CONTINUE;
	if (w->cib->cmds->set_connection_dnotify(w->cib, on_disconnect) != pcmk_ok ||
	    w->cib->cmds->add_notify_callback(w->cib, T_CIB_DIFF_NOTIFY, on_diff) != pcmk_ok ||
	    w->cib->cmds->add_notify_callback(w->cib, "cib_refresh_notify", on_replace) != pcmk_ok) {
		w->cib->cmds->signoff(w->cib);
		return G_SOURCE_CONTINUE;
	}
	w->connected = true;
	signal_change(w); /* whatever happened while we were not listening */
	return G_SOURCE_REMOVE;
}

static void *watch_main(void *arg)
{
	struct pcmk_watch *w = arg;
	corosync_quorum_attach(w->quorum, on_quorum_change, w);
	want_corosync(w);
	if (try_connect(w) == G_SOURCE_CONTINUE)
		g_timeout_add(RECONNECT_MS, try_connect, w);
	g_main_loop_run(w->loop);
	w->stopping = true;
	corosync_quorum_detach(w->quorum);
	w->cib->cmds->signoff(w->cib);
	return NULL;
}

static gboolean quit_loop(gpointer arg)
{
	struct pcmk_watch *w = arg;
	g_main_loop_quit(w->loop);
	return G_SOURCE_REMOVE;
}

static void stop_cs_thread(struct pcmk_watch *w)
{
	if (!w->cs_thread_started)
		return;
	pthread_mutex_lock(&w->cs_lock);
	w->cs_stop = true;
	pthread_cond_signal(&w->cs_cond);
	pthread_mutex_unlock(&w->cs_lock);
	pthread_join(w->cs_thread, NULL);
	w->cs_thread_started = false;
}

struct pcmk_watch *pcmk_watch_start(int efd, struct corosync_quorum *q)
{
	struct pcmk_watch *w = calloc(1, sizeof(*w));
	if (!w || the_watch) {
		free(w);
		return NULL;
	}
	w->efd = efd;
	w->quorum = q;
	pthread_mutex_init(&w->cs_lock, NULL);
	pthread_cond_init(&w->cs_cond, NULL);
	w->cib = cib_new();
	w->loop = g_main_loop_new(NULL, FALSE);
	if (!w->cib || !w->loop) {
		if (w->cib)
			cib_delete(w->cib);
		if (w->loop)
			g_main_loop_unref(w->loop);
		pthread_cond_destroy(&w->cs_cond);
		pthread_mutex_destroy(&w->cs_lock);
		free(w);
		return NULL;
	}
	the_watch = w;
	/* Signals are the loop thread's business (its signalfd): the threads
	 * start with all of them blocked. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int rc = pthread_create(&w->cs_thread, NULL, cs_main, w);
	w->cs_thread_started = rc == 0;
	if (rc == 0)
		rc = pthread_create(&w->thread, NULL, watch_main, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		stop_cs_thread(w);
		the_watch = NULL;
		cib_delete(w->cib);
		g_main_loop_unref(w->loop);
		pthread_cond_destroy(&w->cs_cond);
		pthread_mutex_destroy(&w->cs_lock);
		free(w);
		errno = rc;
		return NULL;
	}
	return w;
}

void pcmk_watch_stop(struct pcmk_watch *w)
{
	if (!w)
		return;
	/* From the thread itself, so that a stop before the loop ran at all
	 * still ends it (g_idle_add is safe from any thread and wakes it). */
	g_idle_add(quit_loop, w);
	pthread_join(w->thread, NULL);
	stop_cs_thread(w);
	cib_delete(w->cib);
	g_main_loop_unref(w->loop);
	pthread_cond_destroy(&w->cs_cond);
	pthread_mutex_destroy(&w->cs_lock);
	the_watch = NULL;
	free(w);
}
