/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The embedded single-node backend: the cluster's objects and registry in a
 * SQLite database (STATE/cluster.db), WAL mode with synchronous=FULL so that a
 * change is on disk before it is acknowledged.  The schema carries a version
 * (PRAGMA user_version) and is migrated forward at open; a database from a
 * newer clusterd is refused rather than guessed at.
 *
 * On first start the database is seeded from the host: this node, one network
 * per IPv4 subnet of the host's interfaces with one interface each, the core
 * group "Cluster Group" with its "Cluster Name" and "Cluster IP Address"
 * resources, the built-in resource types, and registry keys for each object.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/utf16.h"

#include "backend/backend.h"
#include "backend/launch.h"
#include "backend/sdunit.h"
#include "backend/wintypes.h"

#define SCHEMA_VERSION 1

/* What an online resource runs: the process of a Generic Application (pid),
 * or the systemd unit of a Generic Service (pid 0, unit). */
struct child {
	char id[BE_ID_MAX];
	pid_t pid;
	char unit[SDUNIT_NAME_MAX];
};

/* The deaths of a Generic Application and its pending restart (the restart
 * policy: RestartAction, RestartThreshold, RestartPeriod, RestartDelay, the
 * DWORD values of its key Resources\ID, which the server's policy.c keeps).
 * In memory: a restart of clusterd starts the history again. */
#define MAX_DEATHS 64
struct restart {
	char id[BE_ID_MAX];
	uint64_t deaths[MAX_DEATHS]; /* monotonic ms of the restarts in the period, oldest first */
	size_t ndeaths;
	uint64_t due; /* monotonic ms of the pending restart; 0: none */
};

/* Prepared statements kept (the SQL of every call is one of a few dozen
 * texts; preparing costs more than running most of them). */
#define STMT_CACHE 64

struct embedded {
	struct backend base;
	sqlite3 *db;
	char node[BE_NAME_MAX];
	char state_dir[512];
	be_event_fn watch_fn;
	void *watch_arg;
	bool supervise;
	int sigfd;
	int timerfd; /* restarts due (RestartDelay) */
	int epfd;    /* sigfd and timerfd: the event fd clusterd polls */
	struct child *children;
	size_t nchildren;
	struct restart *restarts;
	size_t nrestarts;
	/* Group commit: one transaction for the changes of a batch, each
	 * change a savepoint in it; the events wait for the commit. */
	bool batching;
	bool batch_open;
	struct be_event *held;
	size_t nheld, capheld;
	/* Prepared statements kept for reuse, by their SQL text. */
	struct stmt_slot {
		char *sql;
		sqlite3_stmt *st;
		bool busy;
	} stmts[STMT_CACHE];
	/* The node list (every session's open asks for it): kept while the
	 * database has had no change since it was read. */
	struct node_cache {
		struct be_object *v;
		size_t n;
		sqlite3_int64 changes; /* sqlite3_total_changes64 when read */
		bool valid;
	} nodes;
	uint64_t id_ms;	 /* new_id: the ms and the counter of the last id */
	unsigned id_seq;
	struct sdunit_bus *bus; /* watches the units of Generic Services; opened at the first */
	bool units_check;	/* look at the units again at the next event */
};

#define GENERIC_APPLICATION "Generic Application"
#define GENERIC_SERVICE "Generic Service"
/* How long a command gets to stop after SIGTERM before SIGKILL. */
#define STOP_GRACE_MS 3000

static void restart_forget(struct embedded *e, const char *id);

static struct embedded *E(struct backend *b)
{
	return (struct embedded *)b;
}

const char *be_status_name(int status)
{
	static const char *const names[] = { "ok", "not found", "exists", "invalid", "busy", "not empty",
					     "dependency", "no quorum", "unsupported", "i/o error", "no memory",
					     "over the size budget" };
	return status >= 0 && status <= BE_NO_SPACE ? names[status] : "unknown";
}

/* ---- small SQL helpers ------------------------------------------------- */

static int sql_exec(struct embedded *e, const char *sql)
{
	return sqlite3_exec(e->db, sql, NULL, NULL, NULL) == SQLITE_OK ? BE_OK : BE_IO;
}

/* A statement for sql, from the cache when it holds one not in use. */
static sqlite3_stmt *stmt_get(struct embedded *e, const char *sql)
{
	struct stmt_slot *free_slot = NULL;
	for (size_t i = 0; i < STMT_CACHE; i++) {
		struct stmt_slot *c = &e->stmts[i];
		if (!c->sql) {
			if (!free_slot)
				free_slot = c;
		} else if (!c->busy && strcmp(c->sql, sql) == 0) {
			c->busy = true;
			return c->st;
		}
	}
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v3(e->db, sql, -1, free_slot ? SQLITE_PREPARE_PERSISTENT : 0, &st, NULL) != SQLITE_OK)
		return NULL;
	if (free_slot && (free_slot->sql = strdup(sql))) {
		free_slot->st = st;
		free_slot->busy = true;
	}
	return st;
}

/* Done with a statement: back to the cache (reset), or finalized. */
static void sql_release(struct embedded *e, sqlite3_stmt *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < STMT_CACHE; i++) {
		if (e->stmts[i].st == st && e->stmts[i].sql) {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			e->stmts[i].busy = false;
			return;
		}
	}
	sqlite3_finalize(st); /* prepared when the cache was full */
}

static void stmt_cache_free(struct embedded *e)
{
	for (size_t i = 0; i < STMT_CACHE; i++) {
		if (e->stmts[i].sql) {
			sqlite3_finalize(e->stmts[i].st);
			free(e->stmts[i].sql);
			e->stmts[i].sql = NULL;
		}
	}
}

/* Prepare and bind text arguments (NULL-terminated list of strings). */
static sqlite3_stmt *sql_prepare(struct embedded *e, const char *sql, ...)
{
	va_list ap;
	sqlite3_stmt *st = stmt_get(e, sql);
	if (!st)
		return NULL;
	va_start(ap, sql);
	int i = 1;
	for (const char *s = va_arg(ap, const char *); s; s = va_arg(ap, const char *))
		sqlite3_bind_text(st, i++, s, -1, SQLITE_TRANSIENT);
	va_end(ap);
	return st;
}

/* Run a statement to completion; BE_EXISTS on a uniqueness violation. */
static int sql_step_done(struct embedded *e, sqlite3_stmt *st)
{
	int rc = st ? sqlite3_step(st) : SQLITE_ERROR;
	int ext = st ? sqlite3_extended_errcode(sqlite3_db_handle(st)) : 0;
	sql_release(e, st);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return BE_OK;
	return ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY ? BE_EXISTS : BE_IO;
}

/* A statement without arguments (BEGIN, SAVEPOINT, RELEASE, COMMIT...) from
 * the cache: sqlite3_exec would parse its text on every change. */
static int sql_run(struct embedded *e, const char *sql)
{
	sqlite3_stmt *st = stmt_get(e, sql);
	int rc = st ? sqlite3_step(st) : SQLITE_ERROR;
	sql_release(e, st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? BE_OK : BE_IO;
}

static int tx_begin(struct embedded *e)
{
	if (!e->batching)
		return sql_run(e, "BEGIN IMMEDIATE");
	/* In a batch: the batch's transaction, and a savepoint in it so that a
	 * failed change goes alone. */
	if (!e->batch_open) {
		if (sql_run(e, "BEGIN IMMEDIATE") != BE_OK)
			return BE_IO;
		e->batch_open = true;
	}
	return sql_run(e, "SAVEPOINT change");
}

static int tx_end(struct embedded *e, int rc)
{
	if (e->batching) {
		if (rc == BE_OK && sql_run(e, "RELEASE change") == BE_OK)
			return BE_OK;
		sql_run(e, "ROLLBACK TO change");
		sql_run(e, "RELEASE change");
		return rc == BE_OK ? BE_IO : rc;
	}
	if (rc == BE_OK)
		return sql_run(e, "COMMIT") == BE_OK ? BE_OK : (sql_run(e, "ROLLBACK"), BE_IO);
	sql_run(e, "ROLLBACK");
	return rc;
}

/* A text column into dst (cut to cap - 1 bytes); memcpy, not snprintf: a
 * lookup copies ten of them and a creation makes several lookups. */
static void copy_col(char *dst, size_t cap, sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);
	size_t n = s ? (size_t)sqlite3_column_bytes(st, col) : 0;
	if (n >= cap)
		n = cap - 1;
	if (n)
		memcpy(dst, s, n);
	dst[n] = 0;
}

#define OBJ_COLUMNS "kind, id, name, state, owner, parent, type, address, number, core"

static void row_to_object(sqlite3_stmt *st, struct be_object *o)
{
	memset(o, 0, sizeof(*o));
	o->kind = (enum be_kind)sqlite3_column_int(st, 0);
	copy_col(o->id, sizeof(o->id), st, 1);
	copy_col(o->name, sizeof(o->name), st, 2);
	o->state = (enum be_state)sqlite3_column_int(st, 3);
	copy_col(o->owner, sizeof(o->owner), st, 4);
	copy_col(o->parent, sizeof(o->parent), st, 5);
	copy_col(o->type, sizeof(o->type), st, 6);
	copy_col(o->address, sizeof(o->address), st, 7);
	o->number = (uint32_t)sqlite3_column_int(st, 8);
	o->core = sqlite3_column_int(st, 9) != 0;
}

/*
 * A new object id: a UUID of version 7 (RFC 9562: 48 bits of Unix time in
 * ms, then a 12-bit counter within the ms, then 62 random bits), so that the
 * ids of new objects sort after the older ones.  Every index holding an id
 * (objects.id, the registry's Resources\ID keys and their values) then
 * grows at its end: a turn's creations share their index pages, and each
 * commit writes a few pages instead of one per index per creation.  Clients
 * see an opaque GUID string, as with a random one.
 */
static void new_id(struct embedded *e, char *buf)
{
	uint8_t b[16];
	struct timespec ts;
	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		memset(b, 0x5a, sizeof(b));
	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t ms = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
	if (ms <= e->id_ms) {
		/* The same ms (or the clock went back): count on from the last. */
		if (++e->id_seq > 0xfff) {
			e->id_seq = 0;
			e->id_ms++;
		}
		ms = e->id_ms;
	} else {
		e->id_seq = (unsigned)(b[7] & 0x3f) << 4; /* a random start, room to count */
		e->id_ms = ms;
	}
	unsigned seq = e->id_seq;
	for (int i = 0; i < 6; i++)
		b[i] = (uint8_t)(ms >> (40 - 8 * i));
	b[6] = (uint8_t)(0x70 | (seq >> 8)); /* version 7 */
	b[7] = (uint8_t)seq;
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
	/* 8-4-4-4-12 hex digits */
	static const char hex[] = "0123456789abcdef";
	char *p = buf;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*p++ = '-';
		*p++ = hex[b[i] >> 4];
		*p++ = hex[b[i] & 15];
	}
	*p = 0;
}

/* Tell the watcher, or, in a batch, hold it until the change is on disk
 * (emb_batch_end). */
static void deliver(struct embedded *e, const struct be_event *ev)
{
	if (!e->watch_fn)
		return;
	if (e->batch_open) {
		if (e->nheld == e->capheld) {
			size_t cap = e->capheld ? e->capheld * 2 : 16;
			struct be_event *p = realloc(e->held, cap * sizeof(*p));
			if (!p)
				return; /* a watcher misses it: notifications are best effort */
			e->held = p;
			e->capheld = cap;
		}
		e->held[e->nheld++] = *ev;
		return;
	}
	e->watch_fn(ev, e->watch_arg);
}

static void emit(struct embedded *e, enum be_event_what what, enum be_kind kind, const char *id, const char *name,
		 enum be_state state)
{
	struct be_event ev = { .what = what, .kind = kind, .state = state };
	/* Names and ids are checked against these sizes where they come in;
	 * the precision says so to the compiler. */
	snprintf(ev.id, sizeof(ev.id), "%.*s", (int)sizeof(ev.id) - 1, id ? id : "");
	snprintf(ev.name, sizeof(ev.name), "%.*s", (int)sizeof(ev.name) - 1, name ? name : "");
	deliver(e, &ev);
}

/* A registry key made or deleted (not a change of its values). */
static void emit_key(struct embedded *e, const char *key)
{
	struct be_event ev = { .what = BE_EV_REGISTRY, .reg_key = true };
	snprintf(ev.name, sizeof(ev.name), "%s", key);
	deliver(e, &ev);
}

static void emb_batch_begin(struct backend *b)
{
	E(b)->batching = true;
}

static bool emb_batch_dirty(struct backend *b)
{
	return E(b)->batch_open;
}

static int emb_batch_end(struct backend *b)
{
	struct embedded *e = E(b);
	int rc = BE_OK;

	e->batching = false;
	if (!e->batch_open)
		return BE_OK;
	e->batch_open = false;
	/* One commit (WAL, synchronous=FULL: on disk when it returns) for all
	 * the changes of the batch. */
	if (sql_run(e, "COMMIT") != BE_OK) {
		sql_run(e, "ROLLBACK");
		rc = BE_IO;
	}
	for (size_t i = 0; rc == BE_OK && i < e->nheld && e->watch_fn; i++)
		e->watch_fn(&e->held[i], e->watch_arg);
	e->nheld = 0;
	return rc;
}

/* ---- names and registry paths ---------------------------------------------- */

static bool name_ok(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	if (n == 0 || n >= BE_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == '\\')
			return false;
	return true;
}

/* A registry path: components separated by single backslashes, each a valid
 * name, at most BE_REG_DEPTH_MAX deep.  "" is the root. */
static bool path_ok(const char *path)
{
	size_t n = strlen(path), depth = 0, comp = 0;
	if (n == 0)
		return true;
	if (n >= BE_REG_PATH_MAX || path[0] == '\\' || path[n - 1] == '\\')
		return false;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || path[i] == '\\') {
			if (comp == 0 || comp >= BE_NAME_MAX || ++depth > BE_REG_DEPTH_MAX)
				return false;
			comp = 0;
		} else if ((unsigned char)path[i] < 0x20) {
			return false;
		} else {
			comp++;
		}
	}
	return true;
}

/* ---- registry ------------------------------------------------------------------ */

static int key_exists(struct embedded *e, const char *key)
{
	if (!*key)
		return BE_OK;
	sqlite3_stmt *st = sql_prepare(e, "SELECT 1 FROM reg_keys WHERE path = ?", key, NULL);
	int rc = st && sqlite3_step(st) == SQLITE_ROW ? BE_OK : BE_NOT_FOUND;
	sql_release(e, st);
	return rc;
}

/* Create key and its missing ancestors (inside a transaction). */
static int key_create(struct embedded *e, const char *key, bool *created)
{
	char parent[BE_REG_PATH_MAX];
	if (created)
		*created = false;
	if (!*key || key_exists(e, key) == BE_OK)
		return BE_OK;
	snprintf(parent, sizeof(parent), "%s", key);
	char *slash = strrchr(parent, '\\');
	const char *name = key;
	if (slash) {
		*slash = 0;
		name = slash + 1 - parent + key;
		int rc = key_create(e, parent, NULL);
		if (rc)
			return rc;
	} else {
		parent[0] = 0;
	}
	int rc = sql_step_done(e, sql_prepare(e, "INSERT INTO reg_keys(path, parent, name) VALUES (?, ?, ?)", key, parent,
					   name, NULL));
	if (rc == BE_OK && created)
		*created = true;
	return rc;
}

static int value_set(struct embedded *e, const char *key, const char *name, uint32_t type, const void *data,
		     size_t len)
{
	sqlite3_stmt *st = sql_prepare(e, "INSERT OR REPLACE INTO reg_values(key, name, type, data) VALUES (?, ?, ?, ?)",
				       key, name, NULL);
	if (!st)
		return BE_IO;
	sqlite3_bind_int64(st, 3, type);
	sqlite3_bind_blob(st, 4, len ? data : "", (int)len, SQLITE_TRANSIENT);
	return sql_step_done(e, st);
}

static int value_set_sz(struct embedded *e, const char *key, const char *name, const char *text)
{
	/* REG_SZ is UTF-16LE with its NUL, as MS-CMRP carries it. */
	uint8_t buf[2 * BE_NAME_MAX + 2];
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)text; *p && n + 4 <= sizeof(buf); p++) {
		buf[n++] = *p < 0x80 ? *p : '?'; /* object names we seed are ASCII */
		buf[n++] = 0;
	}
	buf[n++] = 0;
	buf[n++] = 0;
	return value_set(e, key, name, BE_VAL_SZ, buf, n);
}

static int value_set_dword(struct embedded *e, const char *key, const char *name, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
	return value_set(e, key, name, BE_VAL_DWORD, b, 4);
}

static const char *kind_key(enum be_kind kind)
{
	switch (kind) {
	case BE_NODE:
		return "Nodes";
	case BE_GROUP:
		return "Groups";
	case BE_RESOURCE:
		return "Resources";
	case BE_RESTYPE:
		return "ResourceTypes";
	case BE_NETWORK:
		return "Networks";
	default:
		return "NetworkInterfaces";
	}
}

/* The registry key of an object: KIND\ID (resource types by name). */
static void object_key(char *out, size_t cap, enum be_kind kind, const char *id, const char *name)
{
	snprintf(out, cap, "%s\\%s", kind_key(kind), kind == BE_RESTYPE ? name : id);
}

static int key_delete_tree(struct embedded *e, const char *key)
{
	char like[BE_REG_PATH_MAX + 4];
	snprintf(like, sizeof(like), "%s\\%%", key);
	int rc = sql_step_done(e, sql_prepare(e, "DELETE FROM reg_values WHERE key = ? OR key LIKE ?", key, like, NULL));
	if (rc == BE_OK)
		rc = sql_step_done(e, sql_prepare(e, "DELETE FROM reg_keys WHERE path = ? OR path LIKE ?", key, like, NULL));
	return rc;
}

/* ---- objects ----------------------------------------------------------------------- */

static int object_insert(struct embedded *e, const struct be_object *o)
{
	char number[16], key[BE_REG_PATH_MAX];
	snprintf(number, sizeof(number), "%u", o->number);
	sqlite3_stmt *st = sql_prepare(e,
				       "INSERT INTO objects(kind, id, name, state, owner, parent, type, address, number, core)"
				       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
				       NULL);
	if (!st)
		return BE_IO;
	sqlite3_bind_int(st, 1, o->kind);
	sqlite3_bind_text(st, 2, o->id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, o->name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 4, o->state);
	sqlite3_bind_text(st, 5, o->owner, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, o->parent, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 7, o->type, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 8, o->address, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 9, (int)o->number);
	sqlite3_bind_int(st, 10, o->core);
	int rc = sql_step_done(e, st);
	if (rc)
		return rc;
	/* Its key KIND\ID under KIND: the kind's key is there but for the first
	 * object of a kind; the object's own is new but for one made before
	 * through the registry calls (a type's, by name: kept, as key_create
	 * did). */
	object_key(key, sizeof(key), o->kind, o->id, o->name);
	rc = key_create(e, kind_key(o->kind), NULL);
	if (!rc)
		rc = sql_step_done(e, sql_prepare(e, "INSERT OR IGNORE INTO reg_keys(path, parent, name) VALUES (?, ?, ?)",
						   key, kind_key(o->kind), o->kind == BE_RESTYPE ? o->name : o->id, NULL));
	if (!rc)
		rc = value_set_sz(e, key, "Name", o->name);
	return rc;
}

static int object_by(struct embedded *e, enum be_kind kind, const char *column, const char *value, struct be_object *out)
{
	static const char by_id[] = "SELECT " OBJ_COLUMNS " FROM objects WHERE kind = ?2 AND id = ?1",
			  by_name[] = "SELECT " OBJ_COLUMNS " FROM objects WHERE kind = ?2 AND name = ?1";
	const char *sql = strcmp(column, "id") == 0 ? by_id : strcmp(column, "name") == 0 ? by_name : NULL;
	char buf[160];
	if (!sql) {
		snprintf(buf, sizeof(buf), "SELECT " OBJ_COLUMNS " FROM objects WHERE kind = ?2 AND %s = ?1", column);
		sql = buf;
	}
	sqlite3_stmt *st = sql_prepare(e, sql, value, NULL);
	if (!st)
		return BE_IO;
	sqlite3_bind_int(st, 2, kind);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		row_to_object(st, out);
	sql_release(e, st);
	return rc == SQLITE_ROW ? BE_OK : rc == SQLITE_DONE ? BE_NOT_FOUND : BE_IO;
}

static int emb_lookup(struct backend *b, enum be_kind kind, const char *name, struct be_object *out)
{
	if (!name_ok(name))
		return BE_NOT_FOUND;
	return object_by(E(b), kind, "name", name, out);
}

static int emb_get(struct backend *b, enum be_kind kind, const char *id, struct be_object *out)
{
	return object_by(E(b), kind, "id", id, out);
}

/*
 * The node list from memory.  It is read again after any change of this
 * connection (the only one writing the database): sqlite3_total_changes64
 * counts every row changed, also those of a change rolled back later, so a
 * list is only read outside a transaction (what is committed) and dropped at
 * the first change after.  Returns 1 when it served the list (*rc set).
 */
static int nodes_cached(struct embedded *e, be_object_fn fn, void *arg, int *rc)
{
	struct node_cache *c = &e->nodes;
	sqlite3_int64 changes = sqlite3_total_changes64(e->db);
	if (!c->valid || c->changes != changes) {
		c->valid = false;
		if (!sqlite3_get_autocommit(e->db))
			return 0;
		sqlite3_stmt *st = sql_prepare(e, "SELECT " OBJ_COLUMNS " FROM objects WHERE kind = ? ORDER BY seq", NULL);
		if (!st)
			return 0;
		sqlite3_bind_int(st, 1, BE_NODE);
		size_t n = 0, cap = c->n ? c->n : 4;
		struct be_object *v = malloc(cap * sizeof(*v));
		int step = SQLITE_ERROR;
		while (v && (step = sqlite3_step(st)) == SQLITE_ROW) {
			if (n == cap) {
				struct be_object *p = realloc(v, 2 * cap * sizeof(*v));
				if (!p)
					break;
				v = p;
				cap *= 2;
			}
			row_to_object(st, &v[n++]);
		}
		sql_release(e, st);
		if (step != SQLITE_DONE) {
			free(v);
			return 0; /* the plain way, which reports its error */
		}
		free(c->v);
		c->v = v;
		c->n = n;
		c->changes = changes;
		c->valid = true;
	}
	/* By index and through c: a callback that lists again may replace the array. */
	*rc = 0;
	for (size_t i = 0; i < c->n && !*rc; i++) {
		struct be_object o = c->v[i];
		*rc = fn(&o, arg);
	}
	return 1;
}

static int emb_list(struct backend *b, enum be_kind kind, const char *parent, be_object_fn fn, void *arg)
{
	struct embedded *e = E(b);
	int cached_rc;
	if (kind == BE_NODE && !parent && nodes_cached(e, fn, arg, &cached_rc))
		return cached_rc;
	char k[8];
	snprintf(k, sizeof(k), "%d", kind);
	const char *col = kind == BE_GROUP ? "owner" : "parent";
	char sql[200];
	snprintf(sql, sizeof(sql), "SELECT " OBJ_COLUMNS " FROM objects WHERE kind = ?%s%s%s ORDER BY seq",
		 parent ? " AND " : "", parent ? col : "", parent ? " = ?" : "");
	sqlite3_stmt *st = sql_prepare(e, sql, k, parent, NULL);
	if (!st)
		return BE_IO;
	int rc, stop = 0;
	struct be_object o;
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		row_to_object(st, &o);
		stop = fn(&o, arg);
	}
	sql_release(e, st);
	return stop ? stop : rc == SQLITE_DONE ? BE_OK : BE_IO;
}

static int set_state(struct embedded *e, const struct be_object *o, enum be_state state)
{
	char s[8];
	snprintf(s, sizeof(s), "%d", state);
	int rc = sql_step_done(e, sql_prepare(e, "UPDATE objects SET state = ? WHERE id = ?", s, o->id, NULL));
	if (rc == BE_OK && o->state != state)
		emit(e, BE_EV_STATE, o->kind, o->id, o->name, state);
	return rc;
}

struct group_tally {
	int online, failed, pending, total;
};

/* Count a group's resources by state in SQL: one step, not one decoded row
 * per resource (a create or a state change in a group of thousands). */
static int group_tally(struct embedded *e, const char *group_name, struct group_tally *t)
{
	char k[8], on[8], failed[8], pend1[8], pend2[8];
	snprintf(k, sizeof(k), "%d", BE_RESOURCE);
	snprintf(on, sizeof(on), "%d", BE_STATE_ONLINE);
	snprintf(failed, sizeof(failed), "%d", BE_STATE_FAILED);
	snprintf(pend1, sizeof(pend1), "%d", BE_STATE_ONLINE_PENDING);
	snprintf(pend2, sizeof(pend2), "%d", BE_STATE_OFFLINE_PENDING);
	sqlite3_stmt *st = sql_prepare(e,
				       "SELECT count(*), total(state = CAST(?3 AS INTEGER)), total(state = CAST(?4 AS INTEGER)),"
				       " total(state IN (CAST(?5 AS INTEGER), CAST(?6 AS INTEGER)))"
				       " FROM objects WHERE kind = ?1 AND parent = ?2",
				       k, group_name, on, failed, pend1, pend2, NULL);
	if (!st)
		return BE_IO;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		t->total = sqlite3_column_int(st, 0);
		t->online = sqlite3_column_int(st, 1);
		t->failed = sqlite3_column_int(st, 2);
		t->pending = sqlite3_column_int(st, 3);
	}
	sql_release(e, st);
	return rc == SQLITE_ROW ? BE_OK : BE_IO;
}

/* A group's state follows from its resources. */
static int group_refresh(struct embedded *e, const char *group_name)
{
	struct be_object g;
	struct group_tally t = { 0 };
	int rc = object_by(e, BE_GROUP, "name", group_name, &g);
	if (rc)
		return rc;
	rc = group_tally(e, group_name, &t);
	if (rc)
		return rc;
	enum be_state s = t.failed ? BE_STATE_FAILED
			  : t.pending ? BE_STATE_ONLINE_PENDING
			  : t.total == 0 ? g.state == BE_STATE_ONLINE ? BE_STATE_ONLINE : BE_STATE_OFFLINE
			  : t.online == t.total ? BE_STATE_ONLINE
			  : t.online ? BE_STATE_PARTIAL
				     : BE_STATE_OFFLINE;
	return set_state(e, &g, s);
}

/*
 * A group's state after one new offline resource, without counting the group
 * (group_refresh's rule, whose inputs change only by total + 1): failed or
 * pending stay, PARTIAL stays, OFFLINE stays; ONLINE means all of its
 * resources online (then PARTIAL) or none at all (then OFFLINE).  Anything
 * else: counted.  The stored state is group_refresh's after every change.
 */
static int group_after_new_offline(struct embedded *e, const char *group_name, const struct be_object *known)
{
	struct be_object g;
	if (known) {
		g = *known; /* read in this change's savepoint: current */
	} else {
		int rc = object_by(e, BE_GROUP, "name", group_name, &g);
		if (rc)
			return rc;
	}
	switch (g.state) {
	case BE_STATE_FAILED:
	case BE_STATE_ONLINE_PENDING:
	case BE_STATE_PARTIAL:
	case BE_STATE_OFFLINE:
		return BE_OK;
	case BE_STATE_ONLINE: {
		char k[8];
		snprintf(k, sizeof(k), "%d", BE_RESOURCE);
		sqlite3_stmt *st = sql_prepare(
			e, "SELECT count(*) FROM (SELECT 1 FROM objects WHERE kind = ? AND parent = ? LIMIT 2)", k,
			group_name, NULL);
		if (!st)
			return BE_IO;
		int n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
		sql_release(e, st);
		if (n < 1)
			return BE_IO;
		return set_state(e, &g, n == 1 ? BE_STATE_OFFLINE : BE_STATE_PARTIAL);
	}
	default:
		return group_refresh(e, group_name);
	}
}

static int emb_create(struct backend *b, enum be_kind kind, const char *name, const char *parent, const char *type,
		      struct be_object *out)
{
	struct embedded *e = E(b);
	struct be_object o = { .kind = kind, .state = BE_STATE_OFFLINE }, g, t;

	if (!name_ok(name) || (kind != BE_GROUP && kind != BE_RESOURCE && kind != BE_RESTYPE))
		return BE_INVALID;
	int rc = tx_begin(e);
	if (rc)
		return rc;
	if (object_by(e, kind, "name", name, &t) == BE_OK) {
		rc = BE_EXISTS;
	} else if (kind == BE_RESOURCE) {
		if (!parent || object_by(e, BE_GROUP, "name", parent, &g) != BE_OK)
			rc = BE_NOT_FOUND;
		else if (!type || object_by(e, BE_RESTYPE, "name", type, &t) != BE_OK)
			rc = BE_INVALID;
		else if (t.state == BE_STATE_DOWN)
			rc = BE_UNSUPPORTED; /* listed, but nothing runs it here */
		else {
			snprintf(o.parent, sizeof(o.parent), "%s", g.name);
			snprintf(o.owner, sizeof(o.owner), "%s", g.owner);
			snprintf(o.type, sizeof(o.type), "%s", t.name);
		}
	} else if (kind == BE_RESTYPE) {
		/* A new type shares the implementation of the one it is made from. */
		if (!type || object_by(e, BE_RESTYPE, "name", type, &t) != BE_OK)
			rc = BE_INVALID;
		else if (t.state == BE_STATE_DOWN)
			rc = BE_UNSUPPORTED;
		else {
			o.state = BE_STATE_UP;
			snprintf(o.parent, sizeof(o.parent), "%s", t.parent[0] ? t.parent : t.name);
			snprintf(o.type, sizeof(o.type), "%s", t.type);
		}
	} else {
		snprintf(o.owner, sizeof(o.owner), "%s", e->node);
	}
	if (!rc) {
		new_id(e, o.id);
		snprintf(o.name, sizeof(o.name), "%s", name);
		rc = object_insert(e, &o);
	}
	if (!rc && kind == BE_RESOURCE)
		rc = group_after_new_offline(e, o.parent, &g);
	rc = tx_end(e, rc);
	if (!rc) {
		if (out)
			*out = o;
		emit(e, BE_EV_ADDED, kind, o.id, o.name, o.state);
	}
	return rc;
}

static int count_rows(struct embedded *e, const char *sql, const char *a)
{
	sqlite3_stmt *st = sql_prepare(e, sql, a, NULL);
	int n = st && sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sql_release(e, st);
	return n;
}

static int emb_remove(struct backend *b, enum be_kind kind, const char *id)
{
	struct embedded *e = E(b);
	struct be_object o;
	char key[BE_REG_PATH_MAX];
	int rc = tx_begin(e);
	if (rc)
		return rc;
	rc = object_by(e, kind, "id", id, &o);
	if (!rc && (kind != BE_GROUP && kind != BE_RESOURCE && kind != BE_RESTYPE))
		rc = BE_UNSUPPORTED;
	if (!rc && o.core)
		rc = BE_BUSY; /* the cluster's own objects (and the built-in types) stay */
	if (!rc && kind == BE_RESTYPE && count_rows(e, "SELECT count(*) FROM objects WHERE kind = 3 AND type = ?", o.name))
		rc = BE_NOT_EMPTY;
	if (!rc && kind == BE_GROUP && count_rows(e, "SELECT count(*) FROM objects WHERE kind = 3 AND parent = ?", o.name))
		rc = BE_NOT_EMPTY;
	if (!rc && kind == BE_RESOURCE && (o.state == BE_STATE_ONLINE || o.state == BE_STATE_ONLINE_PENDING))
		rc = BE_BUSY;
	if (!rc && kind == BE_RESOURCE && count_rows(e, "SELECT count(*) FROM deps WHERE depends_on = ?", o.id))
		rc = BE_DEPENDENCY;
	if (!rc)
		rc = sql_step_done(e, sql_prepare(e, "DELETE FROM deps WHERE resource = ?", o.id, NULL));
	if (!rc)
		rc = sql_step_done(e, sql_prepare(e, "DELETE FROM objects WHERE id = ?", o.id, NULL));
	if (!rc) {
		object_key(key, sizeof(key), kind, o.id, o.name);
		rc = key_delete_tree(e, key);
	}
	if (!rc && kind == BE_RESOURCE)
		rc = group_after_new_offline(e, o.parent, NULL);
	rc = tx_end(e, rc);
	if (!rc)
		emit(e, BE_EV_DELETED, kind, o.id, o.name, o.state);
	if (!rc && kind == BE_RESOURCE)
		restart_forget(e, o.id);
	return rc;
}

static int emb_rename(struct backend *b, enum be_kind kind, const char *id, const char *name)
{
	struct embedded *e = E(b);
	struct be_object o, other;
	char key[BE_REG_PATH_MAX];
	if (!name_ok(name))
		return BE_INVALID;
	int rc = tx_begin(e);
	if (rc)
		return rc;
	rc = object_by(e, kind, "id", id, &o);
	if (!rc && object_by(e, kind, "name", name, &other) == BE_OK && strcmp(other.id, o.id) != 0)
		rc = BE_EXISTS;
	if (!rc && kind == BE_RESTYPE)
		rc = BE_UNSUPPORTED;
	if (!rc)
		rc = sql_step_done(e, sql_prepare(e, "UPDATE objects SET name = ? WHERE id = ?", name, o.id, NULL));
	/* Names are how resources name their group and netifs their network. */
	if (!rc && kind == BE_GROUP)
		rc = sql_step_done(e, sql_prepare(e, "UPDATE objects SET parent = ? WHERE kind = 3 AND parent = ?", name,
					       o.name, NULL));
	if (!rc && kind == BE_NETWORK)
		rc = sql_step_done(e, sql_prepare(e, "UPDATE objects SET parent = ? WHERE kind = 6 AND parent = ?", name,
					       o.name, NULL));
	if (!rc) {
		object_key(key, sizeof(key), kind, o.id, o.name);
		rc = value_set_sz(e, key, "Name", name);
	}
	rc = tx_end(e, rc);
	if (!rc)
		emit(e, BE_EV_RENAMED, kind, o.id, name, o.state);
	return rc;
}

/* ---- supervised processes ------------------------------------------------------ */

static struct child *child_of(struct embedded *e, const char *id)
{
	for (size_t i = 0; i < e->nchildren; i++)
		if (strcmp(e->children[i].id, id) == 0)
			return &e->children[i];
	return NULL;
}

static void child_forget(struct embedded *e, struct child *c)
{
	*c = e->children[--e->nchildren];
}

/* A string value of a Generic Application's Parameters (CommandLine,
 * RunAsUser), as UTF-8; NULL when it has none. */
static char *param_of(struct embedded *e, const struct be_object *r, const char *name)
{
	char key[BE_REG_PATH_MAX];
	snprintf(key, sizeof(key), "Resources\\%s\\Parameters", r->id);
	sqlite3_stmt *st = sql_prepare(e, "SELECT data FROM reg_values WHERE key = ? AND name = ?", key, name, NULL);
	char *cmd = NULL;
	if (st && sqlite3_step(st) == SQLITE_ROW) {
		const uint8_t *d = sqlite3_column_blob(st, 0);
		size_t n = (size_t)sqlite3_column_bytes(st, 0) / 2;
		uint16_t *w = malloc((n + 1) * sizeof(uint16_t));
		if (w) {
			for (size_t i = 0; i < n; i++)
				w[i] = (uint16_t)(d[2 * i] | d[2 * i + 1] << 8);
			w[n] = 0;
			cmd = utf16_to_utf8_dup(w, utf16_len(w));
			free(w);
		}
	}
	sql_release(e, st);
	if (cmd && !*cmd) {
		free(cmd);
		cmd = NULL;
	}
	return cmd;
}

/* Start the command of resource r as its RunAsUser (launch.h: through the
 * privileged helper when clusterd has one): /bin/sh -c, a session of its
 * own, output to STATE/logs/ID.log. */
static int child_start(struct embedded *e, const struct be_object *r)
{
	char *cmd = param_of(e, r, "CommandLine");
	if (!cmd)
		return BE_INVALID; /* nothing to run */
	char *user = param_of(e, r, "RunAsUser");
	struct child *grown = realloc(e->children, (e->nchildren + 1) * sizeof(*grown));
	if (!grown) {
		free(cmd);
		free(user);
		return BE_NO_MEMORY;
	}
	e->children = grown;
	char logdir[600], log[700];
	snprintf(logdir, sizeof(logdir), "%s/logs", e->state_dir);
	mkdir(logdir, 0700);
	snprintf(log, sizeof(log), "%s/%s.log", logdir, r->id);
	int logfd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
	pid_t pid = 0;
	int rc = logfd < 0 ? errno : launch_spawn(cmd, user, logfd, &pid);
	if (logfd >= 0)
		close(logfd);
	free(cmd);
	free(user);
	if (rc != 0)
		return rc == ENOMEM ? BE_NO_MEMORY : BE_IO;
	struct child *c = &e->children[e->nchildren++];
	snprintf(c->id, sizeof(c->id), "%s", r->id);
	c->pid = pid;
	return BE_OK;
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void service_stop(struct embedded *e, struct child *c);

/* Stop a command: SIGTERM to its process group, SIGKILL after the grace time
 * (a unit: service_stop). */
static void child_stop(struct embedded *e, struct child *c)
{
	if (c->pid == 0) {
		service_stop(e, c);
		return;
	}
	launch_signal(c->pid, SIGTERM);
	long deadline = now_ms() + STOP_GRACE_MS;
	while (waitpid(c->pid, NULL, WNOHANG) == 0) {
		if (now_ms() >= deadline) {
			launch_signal(c->pid, SIGKILL);
			waitpid(c->pid, NULL, 0);
			break;
		}
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	child_forget(e, c);
}

/* A resource of type base, or of a type made from it. */
static bool is_of(struct embedded *e, const struct be_object *r, const char *base)
{
	struct be_object t;
	if (r->kind != BE_RESOURCE)
		return false;
	if (strcasecmp(r->type, base) == 0)
		return true;
	return object_by(e, BE_RESTYPE, "name", r->type, &t) == BE_OK && strcasecmp(t.parent, base) == 0;
}

/* A Generic Application, or a resource of a type made from it. */
static bool is_app(struct embedded *e, const struct be_object *r)
{
	return is_of(e, r, GENERIC_APPLICATION);
}

/* ---- Generic Service: a systemd unit (sdunit.h) ------------------------------------ */

static uint32_t policy_dword(struct embedded *e, const char *id, const char *name, uint32_t def);
static void arm_restarts(struct embedded *e);

static bool is_service(struct embedded *e, const struct be_object *r)
{
	return is_of(e, r, GENERIC_SERVICE);
}

/* The unit a Generic Service names in its private property ServiceName, as
 * Windows names a service ("sshd" is sshd.service); BE_NOT_FOUND when it
 * names none. */
static int service_unit(struct embedded *e, const struct be_object *r, char *unit, size_t cap)
{
	char *name = param_of(e, r, "ServiceName");
	if (!name)
		return BE_NOT_FOUND;
	if (strchr(name, '.'))
		snprintf(unit, cap, "%s", name);
	else
		snprintf(unit, cap, "%s.service", name);
	free(name);
	if (!sdunit_name_ok(unit)) {
		log_warn("Generic Service %s: ServiceName \"%s\" is not a service unit name", r->name, unit);
		return BE_INVALID;
	}
	return BE_OK;
}

/* The bus connection that watches units, opened once, polled with the rest. */
static int service_bus(struct embedded *e)
{
	if (e->bus)
		return 0;
	int err = sdunit_bus_open(&e->bus);
	if (err)
		return err;
	struct epoll_event ev = { .events = EPOLLIN };
	if (e->epfd >= 0 && epoll_ctl(e->epfd, EPOLL_CTL_ADD, sdunit_bus_fd(e->bus), &ev) < 0) {
		err = errno;
		sdunit_bus_close(e->bus);
		e->bus = NULL;
	}
	return err;
}

/* Look at the units at the next event (the bus may have queued a signal
 * while we waited on it). */
static void units_check_soon(struct embedded *e)
{
	e->units_check = true;
	arm_restarts(e);
}

/* Online: StartUnit(unit, "replace"), then wait, at most PendingTimeout, for
 * the job to end with the unit active.  Where PID 1 is not systemd, refused
 * (BE_UNSUPPORTED: ERROR_NOT_SUPPORTED for the caller).  A Generic Service
 * whose ServiceName is not set runs nothing (state only, as before units). */
static int service_start(struct embedded *e, const struct be_object *r)
{
	char unit[SDUNIT_NAME_MAX];
	int rc = service_unit(e, r, unit, sizeof(unit));
	if (rc == BE_NOT_FOUND)
		return BE_OK;
	if (rc)
		return rc;
	if (!sdunit_booted()) {
		log_error("Generic Service %s: cannot start %s: this machine does not run systemd "
			  "(no /run/systemd/system)",
			  r->name, unit);
		return BE_UNSUPPORTED;
	}
	struct child *grown = realloc(e->children, (e->nchildren + 1) * sizeof(*grown));
	if (!grown)
		return BE_NO_MEMORY;
	e->children = grown;
	int err = service_bus(e);
	if (err) {
		log_error("Generic Service %s: cannot watch %s on the system bus: %s", r->name, unit, strerror(err));
		return err == ENOTSUP ? BE_UNSUPPORTED : BE_IO;
	}
	uint32_t timeout = policy_dword(e, r->id, "PendingTimeout", 180000);
	err = launch_unit(unit, true);
	if (err) {
		log_error("Generic Service %s: systemd did not start %s: %s", r->name, unit, strerror(err));
		return err == ENOENT ? BE_INVALID : err == ENOTSUP ? BE_UNSUPPORTED : BE_IO;
	}
	char settled[32] = "";
	err = sdunit_wait(e->bus, unit, true, timeout, settled, sizeof(settled));
	units_check_soon(e);
	if (err) {
		log_error("Generic Service %s: %s did not come up within %u ms (%s)", r->name, unit, timeout,
			  err == EIO ? settled : strerror(err));
		launch_unit(unit, false);
		return BE_IO;
	}
	struct child *c = &e->children[e->nchildren++];
	memset(c, 0, sizeof(*c));
	snprintf(c->id, sizeof(c->id), "%s", r->id);
	snprintf(c->unit, sizeof(c->unit), "%s", unit);
	log_info("Generic Service %s: %s is active", r->name, unit);
	return BE_OK;
}

/* Offline: StopUnit, then wait (PendingTimeout) for it to be inactive. */
static void service_stop(struct embedded *e, struct child *c)
{
	char unit[SDUNIT_NAME_MAX], id[BE_ID_MAX];
	snprintf(unit, sizeof(unit), "%s", c->unit);
	snprintf(id, sizeof(id), "%s", c->id);
	child_forget(e, c); /* before the wait: whatever the unit does now is ours */
	int err = launch_unit(unit, false);
	char settled[32] = "";
	if (!err && e->bus)
		err = sdunit_wait(e->bus, unit, false, policy_dword(e, id, "PendingTimeout", 180000), settled,
				  sizeof(settled));
	if (err)
		log_warn("systemd unit %s (resource %s) did not stop: %s", unit, id, err == EIO ? settled : strerror(err));
	if (e->bus)
		units_check_soon(e);
}

/* What an online resource runs, started: a command, a unit, or nothing. */
static int resource_run(struct embedded *e, const struct be_object *r)
{
	if (is_app(e, r))
		return child_start(e, r);
	if (is_service(e, r))
		return service_start(e, r);
	return BE_OK;
}

static bool runs_something(struct embedded *e, const struct be_object *r)
{
	return is_app(e, r) || is_service(e, r);
}

/* ---- the resource state machine -------------------------------------------- */

static int resource_online(struct embedded *e, const struct be_object *r, int depth);
static int resource_offline(struct embedded *e, const struct be_object *r, int depth);

struct dep_walk {
	struct embedded *e;
	int depth;
	bool online;
	int rc;
};

static int dep_step(const struct be_object *r, void *arg)
{
	struct dep_walk *w = arg;
	w->rc = w->online ? resource_online(w->e, r, w->depth + 1) : resource_offline(w->e, r, w->depth + 1);
	return w->rc;
}

/* Visit the resources r depends on (down) or that depend on r (up). */
static int deps_visit(struct embedded *e, const char *id, bool up, be_object_fn fn, void *arg)
{
	const char *sql = up ? "SELECT " OBJ_COLUMNS " FROM objects WHERE id IN"
			       " (SELECT resource FROM deps WHERE depends_on = ?) ORDER BY seq"
			     : "SELECT " OBJ_COLUMNS " FROM objects WHERE id IN"
			       " (SELECT depends_on FROM deps WHERE resource = ?) ORDER BY seq";
	struct be_object o[64];
	size_t n = 0;
	sqlite3_stmt *st = sql_prepare(e, sql, id, NULL);
	if (!st)
		return BE_IO;
	while (n < 64 && sqlite3_step(st) == SQLITE_ROW)
		row_to_object(st, &o[n++]);
	sql_release(e, st);
	for (size_t i = 0; i < n; i++) {
		int rc = fn(&o[i], arg);
		if (rc)
			return rc;
	}
	return BE_OK;
}

/* Dependencies first: what r depends on comes online before r. */
static int resource_online(struct embedded *e, const struct be_object *r, int depth)
{
	if (depth > 16)
		return BE_DEPENDENCY; /* a cycle, or absurdly deep */
	struct dep_walk w = { e, depth, true, 0 };
	int rc = deps_visit(e, r->id, false, dep_step, &w);
	if (rc)
		return rc;
	/* Online means running: the command starts before the state says so. */
	if (e->supervise && runs_something(e, r) && !child_of(e, r->id)) {
		rc = resource_run(e, r);
		if (rc)
			return rc;
	}
	return set_state(e, r, BE_STATE_ONLINE);
}

/* Dependents first: what depends on r goes offline before r. */
static int resource_offline(struct embedded *e, const struct be_object *r, int depth)
{
	if (depth > 16)
		return BE_DEPENDENCY;
	struct dep_walk w = { e, depth, false, 0 };
	int rc = deps_visit(e, r->id, true, dep_step, &w);
	if (rc)
		return rc;
	struct child *c = child_of(e, r->id);
	if (c)
		child_stop(e, c);
	return set_state(e, r, BE_STATE_OFFLINE);
}

/* A failed resource takes what depends on it offline (dependents first). */
static int resource_fail(struct embedded *e, const struct be_object *r)
{
	struct dep_walk w = { e, 0, false, 0 };
	int rc = deps_visit(e, r->id, true, dep_step, &w);
	if (rc)
		return rc;
	struct child *c = child_of(e, r->id);
	if (c)
		child_stop(e, c);
	return set_state(e, r, BE_STATE_FAILED);
}

struct group_walk {
	struct embedded *e;
	bool online;
};

static int group_member_fn(const struct be_object *r, void *arg)
{
	struct group_walk *w = arg;
	struct be_object fresh;
	/* An earlier member may already have moved this one along. */
	if (object_by(w->e, BE_RESOURCE, "id", r->id, &fresh))
		return BE_IO;
	return w->online ? resource_online(w->e, &fresh, 0) : resource_offline(w->e, &fresh, 0);
}

/* Evict a node: it leaves the cluster's membership and every placement record
 * (MS-CMRP 3.1.4.2.72).  On this single-node backend it is also the last
 * node: the cluster's configuration stays in this database, as there is no
 * other node to hold it, and the node joins again as the cluster's node the
 * next time the backend opens. */
static int node_evict(struct embedded *e, const struct be_object *n)
{
	char key[BE_REG_PATH_MAX];
	int rc = sql_step_done(e, sql_prepare(e, "DELETE FROM objects WHERE id = ?", n->id, NULL));
	if (!rc) {
		object_key(key, sizeof(key), BE_NODE, n->id, n->name);
		rc = key_delete_tree(e, key);
	}
	if (!rc)
		emit(e, BE_EV_DELETED, BE_NODE, n->id, n->name, n->state);
	return rc;
}

static int emb_act(struct backend *b, enum be_kind kind, const char *id, enum be_action action, const char *target)
{
	struct embedded *e = E(b);
	struct be_object o;
	int rc = tx_begin(e);
	if (rc)
		return rc;
	rc = object_by(e, kind, "id", id, &o);
	if (rc)
		return tx_end(e, rc);
	switch (kind) {
	case BE_RESOURCE:
		if (action == BE_ACT_ONLINE)
			rc = resource_online(e, &o, 0);
		else if (action == BE_ACT_OFFLINE)
			rc = resource_offline(e, &o, 0);
		else if (action == BE_ACT_FAIL)
			rc = resource_fail(e, &o);
		else
			rc = BE_INVALID;
		if (!rc)
			rc = group_refresh(e, o.parent);
		break;
	case BE_GROUP:
		if (action == BE_ACT_ONLINE || action == BE_ACT_OFFLINE) {
			struct group_walk w = { e, action == BE_ACT_ONLINE };
			rc = emb_list(b, BE_RESOURCE, o.name, group_member_fn, &w);
			if (!rc)
				rc = set_state(e, &o, w.online ? BE_STATE_ONLINE : BE_STATE_OFFLINE);
			if (!rc)
				rc = group_refresh(e, o.name);
		} else if (action == BE_ACT_MOVE) {
			/* One node: the only place a group can be is here. */
			rc = target && strcasecmp(target, e->node) != 0 ? BE_NOT_FOUND : BE_OK;
		} else {
			rc = BE_INVALID;
		}
		break;
	case BE_NODE:
		if (action == BE_ACT_PAUSE)
			rc = o.state == BE_STATE_PAUSED ? BE_BUSY : set_state(e, &o, BE_STATE_PAUSED);
		else if (action == BE_ACT_RESUME)
			rc = o.state != BE_STATE_PAUSED ? BE_BUSY : set_state(e, &o, BE_STATE_UP);
		else if (action == BE_ACT_EVICT)
			rc = node_evict(e, &o);
		else
			rc = BE_INVALID;
		break;
	default:
		rc = BE_UNSUPPORTED;
	}
	return tx_end(e, rc);
}

static int emb_dependencies(struct backend *b, const char *resource_id, be_object_fn fn, void *arg)
{
	return deps_visit(E(b), resource_id, false, fn, arg);
}

static int emb_dependents(struct backend *b, const char *resource_id, be_object_fn fn, void *arg)
{
	return deps_visit(E(b), resource_id, true, fn, arg);
}

/* SQLite's online backup, all pages in one step: the loop thread makes every
 * write, so nothing changes under it. */
static int emb_backup(struct backend *b, const char *path)
{
	struct embedded *e = E(b);
	sqlite3 *dst = NULL;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno == EEXIST ? BE_EXISTS : BE_INVALID;
	close(fd);
	int rc = BE_INVALID;
	if (sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK) {
		sqlite3_backup *bk = sqlite3_backup_init(dst, "main", e->db, "main");
		if (bk) {
			int step = sqlite3_backup_step(bk, -1);
			if (sqlite3_backup_finish(bk) == SQLITE_OK && step == SQLITE_DONE)
				rc = BE_OK;
		}
	}
	if (rc != BE_OK)
		log_warn("backup to %s failed: %s", path, dst ? sqlite3_errmsg(dst) : "cannot open");
	sqlite3_close(dst);
	if (rc != BE_OK)
		unlink(path);
	return rc;
}

static int emb_quorum(struct backend *b, struct be_object *resource, char *path, size_t path_len)
{
	/* One node is its own majority; the core network name stands for the
	 * quorum, with no witness path. */
	if (path_len)
		path[0] = 0;
	return object_by(E(b), BE_RESOURCE, "name", "Cluster Name", resource);
}

/* ---- registry operations ---------------------------------------------------------- */

static int emb_reg_key_exists(struct backend *b, const char *key)
{
	return path_ok(key) ? key_exists(E(b), key) : BE_INVALID;
}

static int emb_reg_create_key(struct backend *b, const char *key, bool *created)
{
	struct embedded *e = E(b);
	if (!path_ok(key) || !*key)
		return BE_INVALID;
	int rc = tx_begin(e);
	if (!rc)
		rc = key_create(e, key, created);
	rc = tx_end(e, rc);
	if (!rc && created && *created)
		emit_key(e, key);
	return rc;
}

static int emb_reg_delete_key(struct backend *b, const char *key)
{
	struct embedded *e = E(b);
	if (!path_ok(key) || !*key)
		return BE_INVALID;
	int rc = tx_begin(e);
	if (!rc)
		rc = key_exists(e, key);
	if (!rc && count_rows(e, "SELECT count(*) FROM reg_keys WHERE parent = ?", key))
		rc = BE_NOT_EMPTY;
	if (!rc)
		rc = key_delete_tree(e, key);
	rc = tx_end(e, rc);
	if (!rc)
		emit_key(e, key);
	return rc;
}

static int emb_reg_list_keys(struct backend *b, const char *key, be_name_fn fn, void *arg)
{
	struct embedded *e = E(b);
	if (!path_ok(key))
		return BE_INVALID;
	int rc = key_exists(e, key);
	if (rc)
		return rc;
	sqlite3_stmt *st = sql_prepare(e, "SELECT name FROM reg_keys WHERE parent = ? ORDER BY rowid", key, NULL);
	if (!st)
		return BE_IO;
	int stop = 0;
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
		stop = fn((const char *)sqlite3_column_text(st, 0), arg);
	sql_release(e, st);
	return stop ? stop : rc == SQLITE_DONE ? BE_OK : BE_IO;
}

static void row_to_value(sqlite3_stmt *st, struct be_value *v, bool copy)
{
	copy_col(v->name, sizeof(v->name), st, 0);
	v->type = (uint32_t)sqlite3_column_int64(st, 1);
	v->len = (size_t)sqlite3_column_bytes(st, 2);
	v->data = NULL;
	if (copy) {
		v->data = malloc(v->len ? v->len : 1);
		if (v->data && v->len)
			memcpy(v->data, sqlite3_column_blob(st, 2), v->len);
	} else {
		v->data = (uint8_t *)sqlite3_column_blob(st, 2);
	}
}

static int emb_reg_list_values(struct backend *b, const char *key, be_value_fn fn, void *arg)
{
	struct embedded *e = E(b);
	if (!path_ok(key))
		return BE_INVALID;
	int rc = key_exists(e, key);
	if (rc)
		return rc;
	sqlite3_stmt *st = sql_prepare(e, "SELECT name, type, data FROM reg_values WHERE key = ? ORDER BY rowid", key,
				       NULL);
	if (!st)
		return BE_IO;
	int stop = 0;
	struct be_value v;
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		row_to_value(st, &v, false); /* valid during the callback only */
		stop = fn(&v, arg);
	}
	sql_release(e, st);
	return stop ? stop : rc == SQLITE_DONE ? BE_OK : BE_IO;
}

static int emb_reg_get(struct backend *b, const char *key, const char *name, struct be_value *out)
{
	struct embedded *e = E(b);
	if (!path_ok(key))
		return BE_INVALID;
	sqlite3_stmt *st = sql_prepare(e, "SELECT name, type, data FROM reg_values WHERE key = ? AND name = ?", key,
				       name, NULL);
	if (!st)
		return BE_IO;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		row_to_value(st, out, true);
	sql_release(e, st);
	if (rc == SQLITE_ROW)
		return out->data ? BE_OK : BE_NO_MEMORY;
	return rc == SQLITE_DONE ? (key_exists(e, key) ? BE_INVALID : BE_NOT_FOUND) : BE_IO;
}

static int emb_reg_set(struct backend *b, const char *key, const struct be_value *v)
{
	struct embedded *e = E(b);
	if (!path_ok(key) || strlen(v->name) >= BE_NAME_MAX || v->len > BE_REG_VALUE_MAX)
		return BE_INVALID;
	int rc = tx_begin(e);
	if (!rc)
		rc = key_exists(e, key);
	if (!rc)
		rc = value_set(e, key, v->name, v->type, v->data, v->len);
	rc = tx_end(e, rc);
	if (!rc)
		emit(e, BE_EV_REGISTRY, 0, NULL, key, 0);
	return rc;
}

static int emb_reg_delete_value(struct backend *b, const char *key, const char *name)
{
	struct embedded *e = E(b);
	if (!path_ok(key))
		return BE_INVALID;
	int rc = tx_begin(e);
	if (!rc && count_rows(e, "SELECT count(*) FROM reg_values WHERE key = ? AND name = ?", key) < 0)
		rc = BE_IO;
	if (!rc) {
		sqlite3_stmt *st = sql_prepare(e, "DELETE FROM reg_values WHERE key = ? AND name = ?", key, name, NULL);
		rc = sql_step_done(e, st);
		if (!rc && sqlite3_changes(e->db) == 0)
			rc = BE_NOT_FOUND;
	}
	rc = tx_end(e, rc);
	if (!rc)
		emit(e, BE_EV_REGISTRY, 0, NULL, key, 0);
	return rc;
}

static int emb_watch(struct backend *b, be_event_fn fn, void *arg)
{
	E(b)->watch_fn = fn;
	E(b)->watch_arg = arg;
	return BE_OK;
}

static int emb_event_fd(struct backend *b)
{
	return E(b)->epfd >= 0 ? E(b)->epfd : E(b)->sigfd;
}

/* ---- the restart policy ------------------------------------------------------ */

/* A DWORD policy value of a resource, or def (the defaults are Windows', as
 * in the server's policy.c). */
static uint32_t policy_dword(struct embedded *e, const char *id, const char *name, uint32_t def)
{
	char key[BE_REG_PATH_MAX];
	snprintf(key, sizeof(key), "Resources\\%s", id);
	sqlite3_stmt *st = sql_prepare(e, "SELECT type, data FROM reg_values WHERE key = ? AND name = ?", key, name, NULL);
	uint32_t v = def;
	if (st && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == BE_VAL_DWORD &&
	    sqlite3_column_bytes(st, 1) == 4) {
		const uint8_t *d = sqlite3_column_blob(st, 1);
		v = (uint32_t)d[0] | (uint32_t)d[1] << 8 | (uint32_t)d[2] << 16 | (uint32_t)d[3] << 24;
	}
	sql_release(e, st);
	return v;
}

static struct restart *restart_of(struct embedded *e, const char *id, bool create)
{
	for (size_t i = 0; i < e->nrestarts; i++)
		if (strcmp(e->restarts[i].id, id) == 0)
			return &e->restarts[i];
	if (!create)
		return NULL;
	struct restart *grown = realloc(e->restarts, (e->nrestarts + 1) * sizeof(*grown));
	if (!grown)
		return NULL;
	e->restarts = grown;
	struct restart *r = &e->restarts[e->nrestarts++];
	memset(r, 0, sizeof(*r));
	snprintf(r->id, sizeof(r->id), "%s", id);
	return r;
}

/* A deleted resource's history goes with it. */
static void restart_forget(struct embedded *e, const char *id)
{
	for (size_t i = 0; i < e->nrestarts; i++)
		if (strcmp(e->restarts[i].id, id) == 0) {
			e->restarts[i] = e->restarts[--e->nrestarts];
			return;
		}
}

/* The timer at the earliest pending restart (or at once when the units are
 * to be looked at), or off. */
static void arm_restarts(struct embedded *e)
{
	uint64_t first = e->units_check ? mono_ms() : 0;
	for (size_t i = 0; i < e->nrestarts; i++)
		if (e->restarts[i].due && (!first || e->restarts[i].due < first))
			first = e->restarts[i].due;
	if (e->timerfd < 0)
		return;
	struct itimerspec it = { 0 };
	if (first) {
		it.it_value.tv_sec = (time_t)(first / 1000u);
		it.it_value.tv_nsec = (long)(first % 1000u) * 1000000L;
		if (!it.it_value.tv_sec && !it.it_value.tv_nsec)
			it.it_value.tv_nsec = 1;
	}
	timerfd_settime(e->timerfd, TFD_TIMER_ABSTIME, &it, NULL);
}

/* A Generic Application whose process ended on its own (r online): restarted
 * after RestartDelay (online pending meanwhile) while fewer than
 * RestartThreshold restarts happened within RestartPeriod and RestartAction
 * allows it; otherwise failed (MS-CMRP: a resource whose process dies is
 * failed, not offline).  In a transaction. */
static int app_died(struct embedded *e, const struct be_object *r)
{
	uint32_t action = policy_dword(e, r->id, "RestartAction", 2);
	uint32_t threshold = policy_dword(e, r->id, "RestartThreshold", 1);
	uint32_t period = policy_dword(e, r->id, "RestartPeriod", 900000);
	uint32_t delay = policy_dword(e, r->id, "RestartDelay", 500);
	uint64_t now = mono_ms();
	struct restart *rr = restart_of(e, r->id, action != 0);
	if (rr) {
		size_t old = 0;
		while (old < rr->ndeaths && now - rr->deaths[old] > period)
			old++;
		memmove(rr->deaths, rr->deaths + old, (rr->ndeaths - old) * sizeof(rr->deaths[0]));
		rr->ndeaths -= old;
	}
	if (action != 0 && rr && rr->ndeaths < threshold) {
		if (rr->ndeaths == MAX_DEATHS) {
			memmove(rr->deaths, rr->deaths + 1, (MAX_DEATHS - 1) * sizeof(rr->deaths[0]));
			rr->ndeaths--;
		}
		rr->deaths[rr->ndeaths++] = now;
		rr->due = now + delay;
		arm_restarts(e);
		return set_state(e, r, BE_STATE_ONLINE_PENDING);
	}
	if (rr) {
		rr->ndeaths = 0;
		rr->due = 0;
	}
	return resource_fail(e, r); /* its dependents go offline with it */
}

/* The restarts that are due: a resource still online pending gets its
 * command started again (online), or is failed when it cannot start. */
static void run_restarts(struct embedded *e)
{
	uint64_t now = mono_ms();
	for (size_t i = 0; i < e->nrestarts; i++) {
		struct restart *rr = &e->restarts[i];
		if (!rr->due || rr->due > now)
			continue;
		rr->due = 0;
		if (tx_begin(e) != BE_OK)
			continue;
		struct be_object r;
		int rc = object_by(e, BE_RESOURCE, "id", rr->id, &r);
		if (!rc && r.state == BE_STATE_ONLINE_PENDING && e->supervise && !child_of(e, r.id)) {
			rc = set_state(e, &r, resource_run(e, &r) == BE_OK ? BE_STATE_ONLINE : BE_STATE_FAILED);
			if (!rc)
				rc = group_refresh(e, r.parent);
		}
		tx_end(e, rc == BE_NOT_FOUND ? BE_OK : rc);
	}
	arm_restarts(e);
}

/* A unit that stopped or failed on its own (no job pending, inactive or
 * failed): its Generic Service has died, with the restart policy of a
 * Generic Application (app_died). */
static void units_died(struct embedded *e)
{
	if (!e->bus)
		return;
	int changed = sdunit_bus_process(e->bus);
	if (changed < 0) {
		/* The bus went away (dbus restarted): a new connection at the
		 * next start; the units of online resources are not watched
		 * meanwhile. */
		log_error("Generic Service: the system bus connection is gone (%s): units are not watched until "
			  "the next online",
			  strerror(-changed));
		epoll_ctl(e->epfd, EPOLL_CTL_DEL, sdunit_bus_fd(e->bus), NULL);
		sdunit_bus_close(e->bus);
		e->bus = NULL;
		e->units_check = false;
		return;
	}
	if (!changed && !e->units_check)
		return;
	e->units_check = false;
	for (size_t i = 0; i < e->nchildren;) {
		struct child *c = &e->children[i];
		char active[32];
		uint32_t job = 1;
		if (c->pid != 0 || sdunit_state(e->bus, c->unit, active, sizeof(active), &job) != 0 || job != 0 ||
		    (strcmp(active, "inactive") != 0 && strcmp(active, "failed") != 0)) {
			i++;
			continue;
		}
		char id[BE_ID_MAX];
		snprintf(id, sizeof(id), "%s", c->id);
		log_warn("Generic Service: systemd unit %s is %s on its own", c->unit, active);
		child_forget(e, c);
		struct be_object r;
		if (tx_begin(e) == BE_OK) {
			int rc = object_by(e, BE_RESOURCE, "id", id, &r);
			if (!rc && r.state == BE_STATE_ONLINE)
				rc = app_died(e, &r);
			if (!rc)
				rc = group_refresh(e, r.parent);
			tx_end(e, rc);
		}
	}
	/* A signal the calls above queued (the descriptor will not say so). */
	if (sdunit_bus_process(e->bus) > 0)
		units_check_soon(e);
}

/* A command or unit that ends on its own: the restart policy (app_died). */
static void emb_process_events(struct backend *b)
{
	struct embedded *e = E(b);
	struct signalfd_siginfo si;
	uint64_t ticks;
	while (e->sigfd >= 0 && read(e->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		;
	while (e->timerfd >= 0 && read(e->timerfd, &ticks, sizeof(ticks)) == (ssize_t)sizeof(ticks))
		;
	for (size_t i = 0; i < e->nchildren;) {
		struct child *c = &e->children[i];
		if (c->pid == 0 || waitpid(c->pid, NULL, WNOHANG) != c->pid) {
			i++;
			continue;
		}
		struct be_object r;
		char id[BE_ID_MAX];
		snprintf(id, sizeof(id), "%s", c->id);
		child_forget(e, c);
		if (tx_begin(e) == BE_OK) {
			int rc = object_by(e, BE_RESOURCE, "id", id, &r);
			if (!rc && r.state == BE_STATE_ONLINE)
				rc = app_died(e, &r);
			if (!rc)
				rc = group_refresh(e, r.parent);
			tx_end(e, rc);
		}
	}
	units_died(e);
	run_restarts(e);
}

static void emb_destroy(struct backend *b)
{
	struct embedded *e = E(b);
	if (!e)
		return;
	/* The commands stop with clusterd; the database still says which were
	 * online, and they start again when it does. */
	while (e->nchildren)
		child_stop(e, &e->children[e->nchildren - 1]);
	free(e->children);
	free(e->restarts);
	free(e->held);
	free(e->nodes.v);
	stmt_cache_free(e);
	sdunit_bus_close(e->bus);
	if (e->sigfd >= 0)
		close(e->sigfd);
	if (e->timerfd >= 0)
		close(e->timerfd);
	if (e->epfd >= 0)
		close(e->epfd);
	sqlite3_close(e->db);
	free(e);
}

static int start_online_app(const struct be_object *r, void *arg)
{
	struct embedded *e = arg;
	if (runs_something(e, r) && r->state == BE_STATE_ONLINE && !child_of(e, r->id) && resource_run(e, r) != BE_OK) {
		/* It cannot run: it has failed. */
		if (tx_begin(e) == BE_OK)
			tx_end(e, set_state(e, r, BE_STATE_FAILED));
	}
	return 0;
}

int backend_embedded_supervise(struct backend *b, bool on)
{
	struct embedded *e = E(b);
	if (!on) {
		e->supervise = false;
		return BE_OK;
	}
	if (e->sigfd < 0) {
		sigset_t mask;
		sigemptyset(&mask);
		sigaddset(&mask, SIGCHLD);
		sigprocmask(SIG_BLOCK, &mask, NULL);
		e->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
		if (e->sigfd < 0)
			return BE_IO;
		/* One fd for clusterd to poll: child exits and due restarts. */
		e->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
		e->epfd = epoll_create1(EPOLL_CLOEXEC);
		struct epoll_event ev = { .events = EPOLLIN };
		if (e->timerfd < 0 || e->epfd < 0 || epoll_ctl(e->epfd, EPOLL_CTL_ADD, e->sigfd, &ev) < 0 ||
		    epoll_ctl(e->epfd, EPOLL_CTL_ADD, e->timerfd, &ev) < 0)
			return BE_IO;
	}
	e->supervise = true;
	return emb_list(b, BE_RESOURCE, NULL, start_online_app, e);
}

/* ---- issue 11: dependencies and owners -------------------------------------------- */

static int emb_depend(struct backend *b, const char *resource_id, const char *provider_id, bool add)
{
	struct embedded *e = E(b);
	struct be_object r, p;
	int rc = tx_begin(e);
	if (rc)
		return rc;
	rc = object_by(e, BE_RESOURCE, "id", resource_id, &r);
	if (!rc)
		rc = object_by(e, BE_RESOURCE, "id", provider_id, &p);
	if (!rc && add)
		rc = sql_step_done(e, sql_prepare(e, "INSERT INTO deps(resource, depends_on) VALUES (?, ?)", r.id, p.id, NULL));
	if (!rc && !add) {
		rc = sql_step_done(e, sql_prepare(e, "DELETE FROM deps WHERE resource = ? AND depends_on = ?", r.id, p.id, NULL));
		if (!rc && sqlite3_changes(e->db) == 0)
			rc = BE_NOT_FOUND;
	}
	return tx_end(e, rc);
}

/* Possible owners of a resource and preferred owners of a group live where
 * Windows keeps them: the object's registry values PossibleOwners and
 * PreferredOwners (REG_MULTI_SZ, node names here).  No PossibleOwners value:
 * every node. */
static const char *owners_value(enum be_kind kind)
{
	return kind == BE_RESOURCE ? "PossibleOwners" : "PreferredOwners";
}

static int emb_owners(struct backend *b, enum be_kind kind, const char *id, be_object_fn fn, void *arg)
{
	struct embedded *e = E(b);
	struct be_object o, n;
	char key[BE_REG_PATH_MAX];
	struct be_value v = { 0 };
	if (kind != BE_RESOURCE && kind != BE_GROUP)
		return BE_INVALID;
	int rc = object_by(e, kind, "id", id, &o);
	if (rc)
		return rc;
	object_key(key, sizeof(key), kind, o.id, o.name);
	if (emb_reg_get(b, key, owners_value(kind), &v) != BE_OK || v.type != BE_VAL_MULTI_SZ)
		return kind == BE_RESOURCE ? emb_list(b, BE_NODE, NULL, fn, arg) : BE_OK;
	size_t units = v.len / 2;
	uint16_t *w = malloc((units + 1) * sizeof(*w));
	if (!w) {
		free(v.data);
		return BE_NO_MEMORY;
	}
	for (size_t i = 0; i < units; i++)
		w[i] = (uint16_t)(v.data[2 * i] | (v.data[2 * i + 1] << 8));
	w[units] = 0;
	free(v.data);
	for (size_t i = 0; i < units && w[i] && !rc;) {
		size_t len = utf16_len(w + i);
		char *name = utf16_to_utf8_dup(w + i, len);
		if (!name)
			rc = BE_NO_MEMORY;
		else if (object_by(e, BE_NODE, "name", name, &n) == BE_OK)
			rc = fn(&n, arg); /* an evicted node is no owner */
		free(name);
		i += len + 1;
	}
	free(w);
	return rc;
}

static int emb_set_owners(struct backend *b, enum be_kind kind, const char *id, const char *const *nodes, size_t n)
{
	struct embedded *e = E(b);
	struct be_object o;
	char key[BE_REG_PATH_MAX];
	if (kind != BE_RESOURCE && kind != BE_GROUP)
		return BE_INVALID;
	size_t units = 1;
	for (size_t i = 0; i < n; i++) {
		long l = utf8_to_utf16_len(nodes[i], strlen(nodes[i]));
		if (l < 0)
			return BE_INVALID;
		units += (size_t)l + 1;
	}
	uint16_t *w = calloc(units, sizeof(*w));
	uint8_t *data = malloc(units * 2);
	if (!w || !data) {
		free(w);
		free(data);
		return BE_NO_MEMORY;
	}
	size_t at = 0;
	for (size_t i = 0; i < n; i++) {
		long l = utf8_to_utf16(nodes[i], strlen(nodes[i]), w + at);
		at += (size_t)(l < 0 ? 0 : l) + 1;
	}
	for (size_t i = 0; i < units; i++) {
		data[2 * i] = (uint8_t)w[i];
		data[2 * i + 1] = (uint8_t)(w[i] >> 8);
	}
	free(w);
	int rc = tx_begin(e);
	if (!rc)
		rc = object_by(e, kind, "id", id, &o);
	if (!rc) {
		object_key(key, sizeof(key), kind, o.id, o.name);
		rc = key_create(e, key, NULL);
	}
	if (!rc)
		rc = value_set(e, key, owners_value(kind), BE_VAL_MULTI_SZ, data, units * 2);
	free(data);
	rc = tx_end(e, rc);
	if (!rc)
		emit(e, BE_EV_REGISTRY, 0, NULL, key, BE_STATE_UNKNOWN);
	return rc;
}

static int emb_regroup(struct backend *b, const char *resource_id, const char *group_id)
{
	struct embedded *e = E(b);
	struct be_object r, g;
	int rc = tx_begin(e);
	if (rc)
		return rc;
	rc = object_by(e, BE_RESOURCE, "id", resource_id, &r);
	if (!rc)
		rc = object_by(e, BE_GROUP, "id", group_id, &g);
	if (!rc)
		rc = sql_step_done(
			e, sql_prepare(e, "UPDATE objects SET parent = ?, owner = ? WHERE id = ?", g.name, g.owner, r.id, NULL));
	if (!rc)
		rc = group_refresh(e, r.parent);
	if (!rc)
		rc = group_refresh(e, g.name);
	return tx_end(e, rc);
}

static const struct backend_ops embedded_ops = {
	.name = "embedded",
	.destroy = emb_destroy,
	.lookup = emb_lookup,
	.get = emb_get,
	.list = emb_list,
	.create = emb_create,
	.remove = emb_remove,
	.rename = emb_rename,
	.act = emb_act,
	.dependencies = emb_dependencies,
	.dependents = emb_dependents,
	.quorum = emb_quorum,
	.depend = emb_depend,
	.owners = emb_owners,
	.set_owners = emb_set_owners,
	.regroup = emb_regroup,
	.backup = emb_backup,
	.reg_key_exists = emb_reg_key_exists,
	.reg_create_key = emb_reg_create_key,
	.reg_delete_key = emb_reg_delete_key,
	.reg_list_keys = emb_reg_list_keys,
	.reg_list_values = emb_reg_list_values,
	.reg_get = emb_reg_get,
	.reg_set = emb_reg_set,
	.reg_delete_value = emb_reg_delete_value,
	.watch = emb_watch,
	.event_fd = emb_event_fd,
	.process_events = emb_process_events,
	.batch_begin = emb_batch_begin,
	.batch_end = emb_batch_end,
	.batch_dirty = emb_batch_dirty,
};

/* ---- schema and first start ------------------------------------------------------ */

static const char schema_v1[] =
	"CREATE TABLE objects("
	" seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	" kind INTEGER NOT NULL, id TEXT NOT NULL UNIQUE,"
	" name TEXT NOT NULL COLLATE NOCASE, state INTEGER NOT NULL,"
	" owner TEXT NOT NULL DEFAULT '' COLLATE NOCASE, parent TEXT NOT NULL DEFAULT '' COLLATE NOCASE,"
	" type TEXT NOT NULL DEFAULT '', address TEXT NOT NULL DEFAULT '',"
	" number INTEGER NOT NULL DEFAULT 0, core INTEGER NOT NULL DEFAULT 0,"
	" UNIQUE(kind, name));"
	"CREATE INDEX objects_parent ON objects(kind, parent);"
	"CREATE TABLE deps(resource TEXT NOT NULL, depends_on TEXT NOT NULL, PRIMARY KEY(resource, depends_on));"
	"CREATE TABLE reg_keys(path TEXT PRIMARY KEY COLLATE NOCASE, parent TEXT NOT NULL COLLATE NOCASE,"
	" name TEXT NOT NULL);"
	"CREATE INDEX reg_keys_parent ON reg_keys(parent);"
	"CREATE TABLE reg_values(key TEXT NOT NULL COLLATE NOCASE, name TEXT NOT NULL COLLATE NOCASE,"
	" type INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY(key, name));";

static int seed_object(struct embedded *e, enum be_kind kind, const char *name, enum be_state state, const char *owner,
		       const char *parent, const char *type, const char *address, uint32_t number, bool core,
		       struct be_object *out)
{
	struct be_object o = { .kind = kind, .state = state, .number = number, .core = core };
	new_id(e, o.id);
	snprintf(o.name, sizeof(o.name), "%s", name);
	snprintf(o.owner, sizeof(o.owner), "%s", owner ? owner : "");
	snprintf(o.parent, sizeof(o.parent), "%s", parent ? parent : "");
	snprintf(o.type, sizeof(o.type), "%s", type ? type : "");
	snprintf(o.address, sizeof(o.address), "%s", address ? address : "");
	if (out)
		*out = o;
	return object_insert(e, &o);
}

/* Networks and interfaces from the host's IPv4 interfaces: one network per
 * subnet, named as a Windows cluster names them. */
static int seed_networks(struct embedded *e)
{
	struct ifaddrs *ifs = NULL, *i;
	char subnets[8][64];
	size_t nnets = 0, nifs = 0;
	int rc = BE_OK;

	getifaddrs(&ifs);
	for (int pass = 0; pass < 2 && nnets == 0 && !rc; pass++) {
		/* Real interfaces first; loopback only when there is nothing else. */
		for (i = ifs; i && !rc && nnets < 8; i = i->ifa_next) {
			if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET || !i->ifa_netmask)
				continue;
			bool loop = (i->ifa_flags & IFF_LOOPBACK) != 0;
			if (loop != (pass == 1))
				continue;
			struct in_addr a = ((struct sockaddr_in *)i->ifa_addr)->sin_addr;
			struct in_addr m = ((struct sockaddr_in *)i->ifa_netmask)->sin_addr;
			struct in_addr net = { .s_addr = a.s_addr & m.s_addr };
			char nets[INET_ADDRSTRLEN], addr[INET_ADDRSTRLEN], subnet[64], netname[64], ifname[BE_NAME_MAX];
			inet_ntop(AF_INET, &net, nets, sizeof(nets));
			inet_ntop(AF_INET, &a, addr, sizeof(addr));
			snprintf(subnet, sizeof(subnet), "%s/%d", nets, __builtin_popcount(m.s_addr));
			size_t k;
			for (k = 0; k < nnets && strcmp(subnets[k], subnet) != 0; k++)
				;
			snprintf(netname, sizeof(netname), "Cluster Network %zu", k + 1);
			if (k == nnets) {
				snprintf(subnets[nnets++], sizeof(subnets[0]), "%s", subnet);
				rc = seed_object(e, BE_NETWORK, netname, BE_STATE_UP, NULL, NULL, NULL, subnet, 0, false, NULL);
			}
			if (nifs == 0)
				snprintf(ifname, sizeof(ifname), "%.200s - Ethernet", e->node);
			else
				snprintf(ifname, sizeof(ifname), "%.200s - Ethernet %zu", e->node, nifs + 1);
			nifs++;
			if (!rc) {
				struct be_object nif;
				char key[BE_REG_PATH_MAX];
				rc = seed_object(e, BE_NETIF, ifname, BE_STATE_UP, e->node, netname, NULL, addr, 0, false,
						 &nif);
				object_key(key, sizeof(key), BE_NETIF, nif.id, nif.name);
				if (!rc)
					rc = value_set_sz(e, key, "Adapter", i->ifa_name);
			}
		}
	}
	freeifaddrs(ifs);
	return rc;
}

static int seed(struct embedded *e, const char *cluster_name)
{
	/* The resource types: sync_wintypes, at every open. */
	struct be_object node;
	int rc = seed_object(e, BE_NODE, e->node, BE_STATE_UP, NULL, NULL, NULL, NULL, 1, true, &node);
	if (!rc)
		rc = seed_networks(e);
	if (!rc)
		rc = seed_object(e, BE_GROUP, "Cluster Group", BE_STATE_ONLINE, e->node, NULL, NULL, NULL, 0, true, NULL);
	struct be_object ip, name;
	if (!rc)
		rc = seed_object(e, BE_RESOURCE, "Cluster IP Address", BE_STATE_ONLINE, e->node, "Cluster Group",
				 "IP Address", NULL, 0, true, &ip);
	if (!rc)
		rc = seed_object(e, BE_RESOURCE, "Cluster Name", BE_STATE_ONLINE, e->node, "Cluster Group",
				 "Network Name", NULL, 0, true, &name);
	/* The cluster's client access point: a second network name, as a Windows
	 * cluster has for its management point. */
	struct be_object cap;
	if (!rc)
		rc = seed_object(e, BE_RESOURCE, "Network Name", BE_STATE_ONLINE, e->node, "Cluster Group",
				 "Network Name", NULL, 0, true, &cap);
	/* The names depend on the address, as on Windows. */
	if (!rc)
		rc = sql_step_done(e, sql_prepare(e, "INSERT INTO deps(resource, depends_on) VALUES (?, ?)", cap.id, ip.id,
					       NULL));
	if (!rc)
		rc = sql_step_done(e, sql_prepare(e, "INSERT INTO deps(resource, depends_on) VALUES (?, ?)", name.id, ip.id,
					       NULL));
	if (!rc)
		rc = value_set_sz(e, "", "ClusterName", cluster_name);
	if (!rc)
		rc = value_set_dword(e, "", "ClusterFunctionalLevel", 9);
	char instance[BE_ID_MAX];
	new_id(e, instance);
	if (!rc)
		rc = value_set_sz(e, "", "ClusterInstanceID", instance);
	char key[BE_REG_PATH_MAX];
	if (!rc) {
		object_key(key, sizeof(key), BE_NODE, node.id, node.name);
		rc = value_set_dword(e, key, "NodeNumber", 1);
	}
	return rc;
}

static int migrate(struct embedded *e, const char *cluster_name, char *err, size_t errlen)
{
	sqlite3_stmt *st = sql_prepare(e, "PRAGMA user_version", NULL);
	int version = st && sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sql_release(e, st);
	if (version < 0) {
		snprintf(err, errlen, "cannot read the database schema version: %s", sqlite3_errmsg(e->db));
		return -1;
	}
	if (version > SCHEMA_VERSION) {
		snprintf(err, errlen, "the database has schema version %d, newer than this clusterd knows (%d): use a newer clusterd",
			 version, SCHEMA_VERSION);
		return -1;
	}
	if (version == SCHEMA_VERSION)
		return 0;
	/* Version 0 -> 1: create and seed, all or nothing.  Later versions add
	 * their steps here, each in the same transaction as the version bump. */
	int rc = tx_begin(e);
	if (!rc)
		rc = sql_exec(e, schema_v1);
	if (!rc)
		rc = seed(e, cluster_name);
	if (!rc)
		rc = sql_exec(e, "PRAGMA user_version = 1");
	rc = tx_end(e, rc);
	if (rc) {
		snprintf(err, errlen, "cannot create the cluster database: %s", sqlite3_errmsg(e->db));
		return -1;
	}
	return 0;
}

/* The Windows types (wintypes.h), each listed, available here or not, with
 * what it is here; at every open, so that a database made by an older
 * clusterd gets the types added since and the current descriptions. */
static int sync_wintypes(struct embedded *e, char *err, size_t errlen)
{
	int rc = tx_begin(e);
	for (size_t i = 0; !rc && i < n_wintypes; i++) {
		const struct wintype *w = &wintypes[i];
		enum be_state st = w->embedded ? BE_STATE_UP : BE_STATE_DOWN;
		const char *what = w->embedded ? w->embedded : "not available";
		struct be_object t;
		if (object_by(e, BE_RESTYPE, "name", w->name, &t) != BE_OK) {
			rc = seed_object(e, BE_RESTYPE, w->name, st, NULL, NULL, what, NULL, 0, true, NULL);
		} else if (t.core && (t.state != st || strcmp(t.type, what) != 0)) {
			char state[16];
			snprintf(state, sizeof(state), "%d", (int)st);
			rc = sql_step_done(e, sql_prepare(e, "UPDATE objects SET state = ?, type = ? WHERE id = ?", state, what,
						       t.id, NULL));
		}
	}
	rc = tx_end(e, rc);
	if (rc)
		snprintf(err, errlen, "cannot list the resource types in the cluster database: %s", sqlite3_errmsg(e->db));
	return rc ? -1 : 0;
}

/* The local node belongs to its cluster: after an eviction it joins again,
 * with the next free node number and a new id. */
static int join_local_node(struct embedded *e, char *err, size_t errlen)
{
	struct be_object n;
	if (object_by(e, BE_NODE, "name", e->node, &n) == BE_OK)
		return 0;
	sqlite3_stmt *st = sql_prepare(e, "SELECT coalesce(max(number), 0) FROM objects WHERE kind = 1", NULL);
	uint32_t number = st && sqlite3_step(st) == SQLITE_ROW ? (uint32_t)sqlite3_column_int(st, 0) + 1 : 1;
	sql_release(e, st);
	int rc = tx_begin(e);
	if (!rc)
		rc = seed_object(e, BE_NODE, e->node, BE_STATE_UP, NULL, NULL, NULL, NULL, number, true, &n);
	rc = tx_end(e, rc);
	if (rc) {
		snprintf(err, errlen, "cannot add node %s to the cluster database: %s", e->node, sqlite3_errmsg(e->db));
		return -1;
	}
	return 0;
}

struct backend *backend_embedded_open(const char *state_dir, const char *node_name, const char *cluster_name,
				      char *err, size_t errlen)
{
	char path[600];
	struct embedded *e = calloc(1, sizeof(*e));
	if (!e) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	e->base.ops = &embedded_ops;
	e->sigfd = -1;
	e->timerfd = -1;
	e->epfd = -1;
	snprintf(e->node, sizeof(e->node), "%s", node_name);
	snprintf(e->state_dir, sizeof(e->state_dir), "%s", state_dir);
	snprintf(path, sizeof(path), "%s/cluster.db", state_dir);
	if (sqlite3_open_v2(path, &e->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errlen, "cannot open %s: %s", path, e->db ? sqlite3_errmsg(e->db) : "out of memory");
		emb_destroy(&e->base);
		return NULL;
	}
	sqlite3_busy_timeout(e->db, 5000);
	/* WAL with synchronous=FULL: every commit is on disk before we answer;
	 * a crash loses nothing acknowledged and never corrupts the file. */
	/* temp_store = MEMORY: a change's savepoint keeps the pages it may
	 * have to undo in memory; in a file (the default once it passes 64 KiB,
	 * which a turn's transaction soon does) each change wrote them there
	 * too, as many writes as the WAL got.  Nothing that must survive a
	 * crash is a temporary file. */
	if (sql_exec(e, "PRAGMA journal_mode = WAL") || sql_exec(e, "PRAGMA synchronous = FULL") ||
	    sql_exec(e, "PRAGMA foreign_keys = ON") || sql_exec(e, "PRAGMA temp_store = MEMORY")) {
		snprintf(err, errlen, "cannot configure %s: %s", path, sqlite3_errmsg(e->db));
		emb_destroy(&e->base);
		return NULL;
	}
	sqlite3_stmt *st = sql_prepare(e, "PRAGMA quick_check", NULL);
	bool ok = st && sqlite3_step(st) == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0;
	sql_release(e, st);
	if (!ok) {
		snprintf(err, errlen, "%s is damaged (quick_check failed): restore it from a backup", path);
		emb_destroy(&e->base);
		return NULL;
	}
	if (migrate(e, cluster_name, err, errlen) < 0 || sync_wintypes(e, err, errlen) < 0 ||
	    join_local_node(e, err, errlen) < 0) {
		emb_destroy(&e->base);
		return NULL;
	}
	return &e->base;
}
