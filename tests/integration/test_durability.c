/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Durability under fire (issue 15, part 4, embedded backend): 16 clients
 * write over LPC (create a resource, set a private property, rename it,
 * delete it; and now and then a create or rename onto a name in use, which
 * must be refused) while clusterd is killed with SIGKILL at a random moment.
 * After each kill:
 *  - PRAGMA integrity_check of cluster.db says ok (before the restart);
 *  - after the restart every acknowledged change is there, none that was
 *    refused (an error from the server, or RPC_S_CALL_FAILED_DNE: not sent)
 *    is, and a change whose answer was lost (the kill) is either wholly there
 *    or wholly not: the state is the one before it or the one after it;
 *  - no resource of the clients' is there that the model does not know.
 * DURABILITY_KILLS (default 20; 100 for the figure) sets how many
 * kills.  Prints the counts; exit 0, or 1 with the reason (the daemon's
 * directory is kept and named).
 */
#include <clusapi.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"

#define CLIENTS 16
#define SLOTS 4
#define NAME_MAX_ 48
#define SET_PRIVATE 0x01400086u
#define GET_PRIVATE 0x01000081u

/* What the model says of one resource slot. */
struct obj {
	bool exists;
	char name[NAME_MAX_];
	char value[NAME_MAX_]; /* "" when never set */
};

/* An operation whose answer was lost: the slot is before or after. */
struct pending {
	bool on;
	int slot;
	struct obj before, after;
	const char *what;
};

struct client {
	int id;
	unsigned seed;
	unsigned serial;
	struct obj slot[SLOTS];
	struct pending pend;
	/* counts */
	unsigned long acked, refused, ops;
	char failure[512];
};

static struct client clients[CLIENTS];
static struct daemon d;
static atomic_int stop_round; /* read by the client threads */
static unsigned long checked_acked, checked_refused, lost_applied, lost_not_applied, integrity_ok, ops_total;

static void to_w(WCHAR *w, const char *s)
{
	size_t i = 0;
	for (; s[i]; i++)
		w[i] = (WCHAR)(unsigned char)s[i];
	w[i] = 0;
}

static void from_w(char *s, size_t cap, const WCHAR *w)
{
	size_t i = 0;
	for (; w[i] && i + 1 < cap; i++)
		s[i] = (char)w[i];
	s[i] = 0;
}

static void failf(struct client *c, const char *fmt, ...)
{
	if (c->failure[0])
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->failure, sizeof(c->failure), fmt, ap);
	va_end(ap);
}

/* ---- property lists ------------------------------------------------------------ */

static size_t put_str(uint8_t *b, size_t n, const char *s)
{
	uint32_t len = (uint32_t)(2 * (strlen(s) + 1));
	memcpy(b + n, &len, 4);
	n += 4;
	for (size_t i = 0; i <= strlen(s); i++) {
		b[n++] = (uint8_t)s[i];
		b[n++] = 0;
	}
	while (n % 4)
		b[n++] = 0;
	return n;
}

static size_t value_list(uint8_t *b, const char *value)
{
	size_t n = 0;
	uint32_t v = 1;
	memcpy(b, &v, 4);
	n = 4;
	v = 0x00040003u;
	memcpy(b + n, &v, 4);
	n = put_str(b, n + 4, "Value");
	v = 0x00010003u;
	memcpy(b + n, &v, 4);
	n = put_str(b, n + 4, value);
	v = 0;
	memcpy(b + n, &v, 4);
	return n + 4;
}

/* The SZ property "Value" in a property list, as ASCII; "" when absent;
 * false when the list is malformed. */
static bool find_value(const uint8_t *b, size_t len, char *out, size_t cap)
{
	out[0] = 0;
	if (len < 4)
		return len == 0;
	uint32_t count, syntax, l;
	memcpy(&count, b, 4);
	size_t n = 4;
	for (uint32_t i = 0; i < count; i++) {
		if (n + 8 > len)
			return false;
		memcpy(&syntax, b + n, 4);
		memcpy(&l, b + n + 4, 4);
		n += 8;
		if (syntax != 0x00040003u || l > len - n)
			return false;
		char name[64];
		size_t k = 0;
		for (; k + 1 < sizeof(name) && 2 * k + 1 < l && b[n + 2 * k]; k++)
			name[k] = (char)b[n + 2 * k];
		name[k] = 0;
		n += (l + 3) & ~3u;
		for (;;) {
			if (n + 4 > len)
				return false;
			memcpy(&syntax, b + n, 4);
			n += 4;
			if (syntax == 0)
				break;
			if (n + 4 > len)
				return false;
			memcpy(&l, b + n, 4);
			n += 4;
			if (l > len - n)
				return false;
			if (strcmp(name, "Value") == 0 && (syntax & 0xffff) == 3) {
				size_t j = 0;
				for (; j + 1 < cap && 2 * j + 1 < l && b[n + 2 * j]; j++)
					out[j] = (char)b[n + 2 * j];
				out[j] = 0;
			}
			n += (l + 3) & ~3u;
		}
	}
	return true;
}

/* ---- the clients' operations ------------------------------------------------------ */

enum outcome { ACK, REFUSED, LOST };

static enum outcome classify(DWORD err, bool refusal_expected)
{
	if (err == 0)
		return ACK;
	if (err == RPC_S_CALL_FAILED_DNE)
		return REFUSED; /* never sent: not done */
	if (refusal_expected && (err == ERROR_OBJECT_ALREADY_EXISTS || err == 183u /* ERROR_ALREADY_EXISTS */))
		return REFUSED;
	return LOST;
}

static HRESOURCE open_res(HCLUSTER h, const char *name)
{
	WCHAR w[NAME_MAX_];
	to_w(w, name);
	return OpenClusterResource(h, w);
}

/* One operation of client c; false when the round is over for it. */
static bool one_op(struct client *c, HCLUSTER h, HGROUP g)
{
	int s = (int)(rand_r(&c->seed) % SLOTS);
	struct obj *o = &c->slot[s];
	struct obj before = *o, after = *o;
	DWORD err;
	const char *what;
	bool conflict = false;
	unsigned r = rand_r(&c->seed) % 100;

	if (!o->exists && r < 85) {
		what = "create";
		snprintf(after.name, sizeof(after.name), "t%d-%u", c->id, c->serial++);
		after.exists = true;
		after.value[0] = 0;
		WCHAR w[NAME_MAX_];
		to_w(w, after.name);
		HRESOURCE res = CreateClusterResource(g, w, u"Generic Application", 0);
		err = res ? 0 : GetLastError();
		if (res)
			CloseClusterResource(res);
	} else if (!o->exists || r < 5) {
		/* A create onto a name in use (another slot's, if one exists). */
		int other = -1;
		for (int i = 0; i < SLOTS; i++)
			if (c->slot[i].exists)
				other = i;
		if (other < 0)
			return true;
		what = "conflicting create";
		conflict = true;
		s = other;
		o = &c->slot[s];
		before = after = *o;
		WCHAR w[NAME_MAX_];
		to_w(w, o->name);
		HRESOURCE res = CreateClusterResource(g, w, u"Generic Application", 0);
		err = res ? 0 : GetLastError();
		if (res)
			CloseClusterResource(res);
	} else {
		HRESOURCE res = open_res(h, o->name);
		if (!res) {
			err = GetLastError();
			if (err == ERROR_RESOURCE_NOT_FOUND)
				failf(c, "resource %s (acknowledged) cannot be opened: not found", o->name);
			return false; /* the server is gone: nothing was changed */
		}
		if (r < 40) {
			what = "set property";
			snprintf(after.value, sizeof(after.value), "v%d-%u", c->id, c->serial++);
			uint8_t buf[512];
			size_t n = value_list(buf, after.value);
			DWORD ret = 0;
			err = ClusterResourceControl(res, NULL, SET_PRIVATE, buf, (DWORD)n, NULL, 0, &ret);
		} else if (r < 70) {
			/* A rename; one in ten onto another slot's name. */
			int other = -1;
			for (int i = 0; i < SLOTS; i++)
				if (i != s && c->slot[i].exists)
					other = i;
			if (other >= 0 && r < 43) {
				what = "conflicting rename";
				conflict = true;
				snprintf(after.name, sizeof(after.name), "%s", c->slot[other].name);
			} else {
				what = "rename";
				snprintf(after.name, sizeof(after.name), "t%d-%u", c->id, c->serial++);
			}
			WCHAR w[NAME_MAX_];
			to_w(w, after.name);
			err = SetClusterResourceName(res, w);
			if (conflict)
				after = before;
		} else {
			what = "delete";
			after.exists = false;
			after.name[0] = after.value[0] = 0;
			err = DeleteClusterResource(res);
		}
		CloseClusterResource(res);
	}
	c->ops++;
	enum outcome oc = classify(err, conflict);
	if (conflict && oc == ACK) {
		failf(c, "a %s onto %s in use was acknowledged", what, o->name);
		return false;
	}
	if (oc == ACK) {
		*o = after;
		c->acked++;
		return true;
	}
	if (oc == REFUSED) {
		*o = before;
		c->refused++;
		return err == RPC_S_CALL_FAILED_DNE ? false : true;
	}
	/* LOST: the answer did not come; either state may be true now. */
	c->pend = (struct pending){ .on = true, .slot = s, .before = before, .after = after, .what = what };
	return false;
}

static void *client_main(void *arg)
{
	struct client *c = arg;
	HCLUSTER h = OpenCluster(NULL);
	if (!h)
		return NULL; /* killed before we got in */
	char gname[32];
	WCHAR w[32];
	snprintf(gname, sizeof(gname), "g%d", c->id);
	to_w(w, gname);
	HGROUP g = OpenClusterGroup(h, w);
	if (!g) {
		if (GetLastError() == ERROR_GROUP_NOT_FOUND)
			failf(c, "group %s (created before the kills) is not found", gname);
		CloseCluster(h);
		return NULL;
	}
	while (!atomic_load(&stop_round) && !c->failure[0] && one_op(c, h, g))
		;
	CloseClusterGroup(g);
	CloseCluster(h);
	return NULL;
}

/* ---- checking ----------------------------------------------------------------------------- */

/* What the server has for name: exists, and its Value. */
static int actual(HCLUSTER h, const char *name, struct obj *out)
{
	memset(out, 0, sizeof(*out));
	HRESOURCE res = open_res(h, name);
	if (!res)
		return GetLastError() == ERROR_RESOURCE_NOT_FOUND ? 0 : -1;
	out->exists = true;
	snprintf(out->name, sizeof(out->name), "%s", name);
	uint8_t buf[4096];
	DWORD ret = 0;
	DWORD err = ClusterResourceControl(res, NULL, GET_PRIVATE, NULL, 0, buf, sizeof(buf), &ret);
	CloseClusterResource(res);
	if (err || !find_value(buf, ret, out->value, sizeof(out->value)))
		return -1;
	return 0;
}

static bool same(const struct obj *a, const struct obj *b)
{
	if (a->exists != b->exists)
		return false;
	return !a->exists || (strcmp(a->name, b->name) == 0 && strcmp(a->value, b->value) == 0);
}

/* The state of a slot on the server, looked up under the names it may have. */
static int slot_state(HCLUSTER h, const struct obj *x, const struct obj *y, struct obj *got)
{
	struct obj a, b;
	if (x->exists && actual(h, x->name, &a) < 0)
		return -1;
	if (y && y->exists && strcmp(y->name, x->exists ? x->name : "") != 0 && actual(h, y->name, &b) < 0)
		return -1;
	if (x->exists && a.exists) {
		*got = a;
		return 0;
	}
	if (y && y->exists && strcmp(y->name, x->exists ? x->name : "") != 0 && b.exists) {
		*got = b;
		return 0;
	}
	memset(got, 0, sizeof(*got));
	return 0;
}

static int check_all(HCLUSTER h, int kill_no)
{
	for (int i = 0; i < CLIENTS; i++) {
		struct client *c = &clients[i];
		if (c->failure[0]) {
			fprintf(stderr, "FAIL: after kill %d, client %d: %s\n", kill_no, i, c->failure);
			return -1;
		}
		for (int s = 0; s < SLOTS; s++) {
			struct obj *o = &c->slot[s];
			struct obj got;
			if (c->pend.on && c->pend.slot == s) {
				if (slot_state(h, &c->pend.before, &c->pend.after, &got) < 0) {
					fprintf(stderr, "FAIL: after kill %d: cannot read client %d's slot %d\n", kill_no, i, s);
					return -1;
				}
				if (same(&got, &c->pend.after) && !same(&got, &c->pend.before)) {
					lost_applied++;
				} else if (same(&got, &c->pend.before)) {
					lost_not_applied++;
				} else {
					fprintf(stderr,
						"FAIL: after kill %d: client %d's %s whose answer was lost left %s%s=\"%s\", "
						"neither the state before (%s \"%s\") nor after (%s \"%s\")\n",
						kill_no, i, c->pend.what, got.exists ? "" : "nothing", got.name, got.value,
						c->pend.before.exists ? c->pend.before.name : "none", c->pend.before.value,
						c->pend.after.exists ? c->pend.after.name : "none", c->pend.after.value);
					return -1;
				}
				*o = got;
				c->pend.on = false;
				continue;
			}
			if (slot_state(h, o, NULL, &got) < 0) {
				fprintf(stderr, "FAIL: after kill %d: cannot read %s\n", kill_no, o->name);
				return -1;
			}
			if (!same(&got, o)) {
				fprintf(stderr, "FAIL: after kill %d: client %d's acknowledged %s (Value \"%s\") is %s%s\n",
					kill_no, i, o->name, o->value, got.exists ? "there with Value " : "missing",
					got.exists ? got.value : "");
				return -1;
			}
		}
		checked_acked += c->acked;
		checked_refused += c->refused;
		ops_total += c->ops;
		c->acked = c->refused = c->ops = 0;
	}
	/* Nothing of the clients' that the model does not have. */
	HCLUSENUM e = ClusterOpenEnum(h, CLUSTER_ENUM_RESOURCE);
	if (!e) {
		fprintf(stderr, "FAIL: after kill %d: ClusterOpenEnum: error %u\n", kill_no, (unsigned)GetLastError());
		return -1;
	}
	for (DWORD k = 0;; k++) {
		WCHAR w[256];
		DWORD type, cch = 256;
		DWORD err = ClusterEnum(e, k, &type, w, &cch);
		if (err == ERROR_NO_MORE_ITEMS)
			break;
		if (err) {
			fprintf(stderr, "FAIL: after kill %d: ClusterEnum: error %u\n", kill_no, (unsigned)err);
			ClusterCloseEnum(e);
			return -1;
		}
		char name[256];
		from_w(name, sizeof(name), w);
		int id;
		unsigned serial;
		if (sscanf(name, "t%d-%u", &id, &serial) != 2 || id < 0 || id >= CLIENTS)
			continue;
		bool known = false;
		for (int s = 0; s < SLOTS; s++)
			known |= clients[id].slot[s].exists && strcmp(clients[id].slot[s].name, name) == 0;
		if (!known) {
			fprintf(stderr, "FAIL: after kill %d: resource %s is there, but no acknowledged change made it "
				"(refused, deleted or renamed away)\n", kill_no, name);
			ClusterCloseEnum(e);
			return -1;
		}
	}
	ClusterCloseEnum(e);
	return 0;
}

static int integrity(void)
{
	char path[400];
	snprintf(path, sizeof(path), "%s/cluster.db", d.state);
	sqlite3 *db;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		fprintf(stderr, "FAIL: cannot open %s: %s\n", path, sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_stmt *st;
	int rc = -1;
	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW) {
			const char *r = (const char *)sqlite3_column_text(st, 0);
			if (r && strcmp(r, "ok") == 0)
				rc = 0;
			else
				fprintf(stderr, "FAIL: PRAGMA integrity_check on %s: %s\n", path, r ? r : "(null)");
		}
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return rc;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

int main(void)
{
	const char *env = getenv("DURABILITY_KILLS");
	int kills = env && atoi(env) > 0 ? atoi(env) : 20;
	unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();
	if (getenv("DURABILITY_SEED"))
		seed = (unsigned)strtoul(getenv("DURABILITY_SEED"), NULL, 10);
	printf("durability: %d clients, %d kills, seed %u (DURABILITY_SEED to repeat)\n", CLIENTS, kills, seed);
	if (daemon_start(&d, DAEMON_LPC_ONLY, NULL) != 0) {
		fprintf(stderr, "FAIL: cannot start clusterd\n");
		return daemon_finish(1);
	}
	daemon_use(&d);
	HCLUSTER h = OpenCluster(NULL);
	if (!h) {
		fprintf(stderr, "FAIL: OpenCluster: error %u\n", (unsigned)GetLastError());
		return daemon_finish(1);
	}
	for (int i = 0; i < CLIENTS; i++) {
		clients[i].id = i;
		clients[i].seed = seed + (unsigned)i * 7919u;
		WCHAR w[32];
		char n[32];
		snprintf(n, sizeof(n), "g%d", i);
		to_w(w, n);
		HGROUP g = CreateClusterGroup(h, w);
		if (!g) {
			fprintf(stderr, "FAIL: CreateClusterGroup %s: error %u\n", n, (unsigned)GetLastError());
			return daemon_finish(1);
		}
		CloseClusterGroup(g);
	}
	CloseCluster(h);

	unsigned rs = seed;
	for (int k = 1; k <= kills; k++) {
		atomic_store(&stop_round, 0);
		pthread_t t[CLIENTS];
		for (int i = 0; i < CLIENTS; i++)
			pthread_create(&t[i], NULL, client_main, &clients[i]);
		sleep_ms(30 + (long)(rand_r(&rs) % 300));
		daemon_kill9(&d);
		atomic_store(&stop_round, 1);
		for (int i = 0; i < CLIENTS; i++)
			pthread_join(t[i], NULL);
		if (integrity() < 0)
			return daemon_finish(1);
		integrity_ok++;
		if (daemon_restart(&d, DAEMON_LPC_ONLY, NULL) != 0) {
			fprintf(stderr, "FAIL: clusterd did not start again after kill %d\n", k);
			return daemon_finish(1);
		}
		h = OpenCluster(NULL);
		if (!h) {
			fprintf(stderr, "FAIL: OpenCluster after kill %d: error %u\n", k, (unsigned)GetLastError());
			return daemon_finish(1);
		}
		int rc = check_all(h, k);
		CloseCluster(h);
		if (rc < 0)
			return daemon_finish(1);
	}
	printf("durability: %d SIGKILLs, %lu operations; checked after the restarts: %lu acknowledged changes present, "
	       "%lu refused ones absent, %lu whose answer was lost (%lu applied whole, %lu not at all), "
	       "%lu integrity checks ok\n",
	       kills, ops_total, checked_acked, checked_refused, lost_applied + lost_not_applied, lost_applied,
	       lost_not_applied, integrity_ok);
	daemon_stop(&d);
	printf("PASS\n");
	return daemon_finish(0);
}
