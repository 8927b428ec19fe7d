/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * EvictNode on Pacemaker: removing a node from the cluster the way
 * `pcs cluster node remove` does (corosync's nodelist on every remaining node
 * with a configuration reload, then Pacemaker's node entry and status through
 * `crm_node --force -R`), coordinated through the CIB, since no clusterd can
 * edit another node's corosync.conf:
 *
 *   1. The clusterd asked (pm_evict) checks and records the request: the
 *      node attribute "clusterd-evict" (its value: the requesting node) on
 *      the evicted node's entry in the CIB's nodes section.  Refused: a node
 *      that is up (stop its cluster stack first: the requester cannot stop
 *      another machine's services), and an eviction that would leave the
 *      remaining members without a majority of the remaining votes.
 *   2. Every clusterd, at each CIB change (evict_step), sees the request,
 *      removes the node from its own corosync.conf (written to a temporary
 *      file, synced and renamed over it) and records that it has, as the
 *      attribute "clusterd-evict-ack-NODE" on the same entry.
 *   3. The member with the lowest node id (one node, and another one if it
 *      goes) waits until every member has acknowledged, then runs
 *      `corosync-cfgtool -R` (every corosync reloads its file) and
 *      `crm_node --force -R NODE` (Pacemaker forgets the node, and the request
 *      goes with its entry).
 *
 * A configured node that is down when the eviction happens keeps its old
 * corosync.conf (as with `pcs --skip-offline`): fix it before it starts.
 * corosync's file is $COROSYNC_MAIN_CONFIG_FILE (corosync's own variable)
 * or /etc/corosync/corosync.conf.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <crm/cib.h>
#include <crm/cib/util.h>
#include <crm/common/xml.h>
#include <crm/msg_xml.h>

#include "base/log.h"
#include "pcmk.h"

#define EVICT_ATTR "clusterd-evict"
#define ACK_PREFIX "clusterd-evict-ack-"
#define TOOL_TIMEOUT_MS 10000

extern char **environ;

static const char *conf_path(void)
{
	const char *p = getenv("COROSYNC_MAIN_CONFIG_FILE");
	return p && *p ? p : "/etc/corosync/corosync.conf";
}

/* ---- corosync.conf: drop one node { } block of the nodelist -------------- */

/* The text with the nodelist's node block naming `name` (name: or
 * ring0_addr:) or carrying `nodeid` removed; NULL when there is none (or on a
 * file that does not look like a corosync.conf: no change is better than a
 * wrong one). */
static char *without_node(const char *text, const char *name, unsigned nodeid)
{
	size_t len = strlen(text);
	const char *nl = strstr(text, "nodelist");
	if (!nl)
		return NULL;
	for (const char *b = strstr(nl, "node {"); b; b = strstr(b + 1, "node {")) {
		if (b > text && b[-1] != '\t' && b[-1] != ' ' && b[-1] != '\n')
			continue; /* "nodelist {" itself, or another word */
		const char *e = strchr(b, '}');
		if (!e)
			return NULL;
		bool match = false;
		for (const char *l = b; l && l < e; l = strchr(l, '\n')) {
			while (l < e && (*l == '\n' || *l == ' ' || *l == '\t'))
				l++;
			char key[32], val[256];
			if (sscanf(l, "%31[a-z0-9_]: %255[^ \t\n}]", key, val) == 2) {
				if ((strcmp(key, "name") == 0 && strcmp(val, name) == 0) ||
				    (strcmp(key, "nodeid") == 0 && strtoul(val, NULL, 10) == nodeid))
					match = true;
			}
		}
		if (!match)
			continue;
		/* From the start of the block's line to the end of the '}' line. */
		const char *from = b;
		while (from > text && from[-1] != '\n')
			from--;
		const char *to = strchr(e, '\n');
		to = to ? to + 1 : text + len;
		char *out = malloc(len + 1);
		if (!out)
			return NULL;
		size_t head = (size_t)(from - text);
		memcpy(out, text, head);
		memcpy(out + head, to, len - (size_t)(to - text) + 1);
		return out;
	}
	return NULL;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t cap = 0, n = 0;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			size_t ncap = cap ? cap * 2 : 8192;
			if (ncap > (1u << 20)) { /* a corosync.conf is a few KiB */
				free(buf);
				fclose(f);
				return NULL;
			}
			char *nb = realloc(buf, ncap);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
			cap = ncap;
		}
		size_t r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
		if (r == 0)
			break;
	}
	bool bad = ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		return NULL;
	}
	buf[n] = 0;
	return buf;
}

/* Replace path's content, atomically and durably. */
static int write_file(const char *path, const char *text)
{
	char tmp[4096];
	if (snprintf(tmp, sizeof(tmp), "%s.clusterd-new", path) >= (int)sizeof(tmp))
		return -1;
	struct stat st;
	mode_t mode = stat(path, &st) == 0 ? (st.st_mode & 07777) : 0644;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return -1;
	size_t len = strlen(text), off = 0;
	while (off < len) {
		ssize_t w = write(fd, text + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			unlink(tmp);
			return -1;
		}
		off += (size_t)w;
	}
	if (fsync(fd) < 0 || close(fd) < 0 || rename(tmp, path) < 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* 1: removed, 0: not there (already done), -1: failed (logged). */
static int remove_from_conf(const char *name, unsigned nodeid)
{
	const char *path = conf_path();
	char *text = read_file(path);
	if (!text) {
		log_error("pacemaker: evict %s: cannot read %s: %s", name, path, strerror(errno));
		return -1;
	}
	char *out = without_node(text, name, nodeid);
	free(text);
	if (!out)
		return 0;
	int rc = write_file(path, out);
	free(out);
	if (rc < 0) {
		log_error("pacemaker: evict %s: cannot write %s: %s", name, path, strerror(errno));
		return -1;
	}
	log_info("pacemaker: evict %s: removed it from %s's nodelist", name, path);
	return 1;
}

/* ---- running corosync's and Pacemaker's tools ---------------------------- */

/* Run argv (found in PATH), bounded in time; 0 when it exited 0. */
static int run_tool(char *const argv[])
{
	pid_t pid;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		log_error("pacemaker: cannot run %s: %s", argv[0], strerror(rc));
		return -1;
	}
	struct timespec ten_ms = { 0, 10 * 1000 * 1000 };
	for (int waited = 0;; waited += 10) {
		int status;
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid) {
			if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
				return 0;
			log_error("pacemaker: %s %s failed (status %d)", argv[0], argv[1] ? argv[1] : "", status);
			return -1;
		}
		if (w < 0 && errno != EINTR)
			return -1;
		if (waited >= TOOL_TIMEOUT_MS) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			log_error("pacemaker: %s did not finish within %d ms", argv[0], TOOL_TIMEOUT_MS);
			return -1;
		}
		nanosleep(&ten_ms, NULL);
	}
}

/* ---- the request, in the CIB ---------------------------------------------- */

static const struct corosync_node *cs_node(const struct corosync_view *cs, const char *name, unsigned nodeid)
{
	for (size_t i = 0; i < cs->nnodes; i++)
		if (strcmp(cs->nodes[i].name, name) == 0 || (nodeid && cs->nodes[i].nodeid == nodeid))
			return &cs->nodes[i];
	return NULL;
}

static int set_node_attr(struct pcmk *p, const char *node_id, const char *name, const char *value)
{
	int rc = update_attr_delegate(p->cib, cib_sync_call, XML_CIB_TAG_NODES, node_id, XML_TAG_ATTR_SETS, NULL,
				      NULL, name, value, FALSE, NULL, NULL);
	return cib_written(p, rc);
}

int pm_evict(struct pcmk *p, const struct pobj *n)
{
	const struct corosync_node *target = cs_node(&p->cs, n->o.name, n->o.number);
	if (!target)
		return BE_NOT_FOUND;
	if (target->joined) {
		log_info("pacemaker: evict %s refused: it is up (stop its cluster stack first)", n->o.name);
		return BE_BUSY;
	}
	/* What is left must still be a majority of what is left. */
	size_t remaining = p->cs.nnodes - 1, up = 0;
	for (size_t i = 0; i < p->cs.nnodes; i++)
		if (&p->cs.nodes[i] != target && p->cs.nodes[i].joined)
			up++;
	if (up * 2 <= remaining) {
		log_info("pacemaker: evict %s refused: %zu of the %zu remaining nodes are up, not a majority", n->o.name,
			 up, remaining);
		return BE_NO_QUORUM;
	}
	log_info("pacemaker: evict %s: requested; every member removes it from its corosync.conf", n->o.name);
	return set_node_attr(p, n->cib_id, EVICT_ATTR, p->cs.local_name);
}

/* The requests in the CIB this view came from. */
void evict_step(struct pcmk *p)
{
	xmlNode *cib = p->view.cib;
	if (!cib)
		return;
	xmlNode *config = child_named(cib, XML_CIB_TAG_CONFIGURATION);
	xmlNode *nodes = config ? child_named(config, XML_CIB_TAG_NODES) : NULL;
	if (!nodes)
		return;
	for (xmlNode *x = nodes->children; x; x = x->next) {
		if (!xml_is(x, XML_CIB_TAG_NODE) || !nv_value(x, XML_TAG_ATTR_SETS, EVICT_ATTR))
			continue;
		const char *id = crm_element_value(x, XML_ATTR_ID);
		const char *name = crm_element_value(x, XML_ATTR_UNAME);
		if (!id || !name || strcmp(name, p->cs.local_name) == 0)
			continue;
		unsigned nodeid = (unsigned)strtoul(id, NULL, 10);
		char ack[BE_NAME_MAX + sizeof(ACK_PREFIX)];
		snprintf(ack, sizeof(ack), ACK_PREFIX "%s", p->cs.local_name);
		if (!nv_value(x, XML_TAG_ATTR_SETS, ack)) {
			if (remove_from_conf(name, nodeid) < 0)
				continue;
			if (set_node_attr(p, id, ack, "1") != BE_OK)
				continue;
			return; /* the write brings a new view, and a new step */
		}
		/* The finisher: the member with the lowest node id. */
		const struct corosync_node *me = NULL, *first = NULL;
		bool all = true;
		for (size_t i = 0; i < p->cs.nnodes; i++) {
			const struct corosync_node *c = &p->cs.nodes[i];
			if (!c->joined || strcmp(c->name, name) == 0)
				continue;
			if (!first || c->nodeid < first->nodeid)
				first = c;
			if (strcmp(c->name, p->cs.local_name) == 0)
				me = c;
			char a[BE_NAME_MAX + sizeof(ACK_PREFIX)];
			snprintf(a, sizeof(a), ACK_PREFIX "%s", c->name);
			if (!nv_value(x, XML_TAG_ATTR_SETS, a))
				all = false;
		}
		if (!me || me != first || !all)
			continue;
		log_info("pacemaker: evict %s: every member has it out of its nodelist: reloading corosync, "
			 "removing it from Pacemaker",
			 name);
		char *reload[] = { "corosync-cfgtool", "-R", NULL };
		char *remove[] = { "crm_node", "--force", "-R", (char *)name, NULL };
		if (run_tool(reload) == 0 && run_tool(remove) == 0)
			log_info("pacemaker: evict %s: done", name);
		p->dirty = true;
		return;
	}
}
