/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The embedded backend on a real SQLite file: seeding, the object rules, the
 * resource state machine with dependencies, the registry, persistence,
 * durability across a crash, and refusing what it cannot trust.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "backend/backend.h"

struct fixture {
	char dir[64];
	struct backend *b;
};

static struct backend *open_in(const char *dir)
{
	char err[512] = "";
	struct backend *b = backend_embedded_open(dir, "node1", "test-cluster", err, sizeof(err));
	if (!b)
		fprintf(stderr, "open: %s\n", err);
	return b;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/clusapi-be-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	f->b = open_in(f->dir);
	*state = f;
	return f->b ? 0 : -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];
	if (f->b)
		f->b->ops->destroy(f->b);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static int count_fn(const struct be_object *o, void *arg)
{
	(void)o;
	(*(int *)arg)++;
	return 0;
}

static int count(struct backend *b, enum be_kind kind, const char *parent)
{
	int n = 0;
	assert_int_equal(b->ops->list(b, kind, parent, count_fn, &n), BE_OK);
	return n;
}

static struct be_object get(struct backend *b, enum be_kind kind, const char *name)
{
	struct be_object o;
	assert_int_equal(b->ops->lookup(b, kind, name, &o), BE_OK);
	return o;
}

static void test_seeded(void **state)
{
	struct fixture *f = *state;
	struct backend *b = f->b;
	struct be_object o = get(b, BE_NODE, "node1");
	assert_int_equal(o.state, BE_STATE_UP);
	assert_int_equal(o.number, 1);
	assert_int_equal(strlen(o.id), 36);
	o = get(b, BE_GROUP, "Cluster Group");
	assert_true(o.core);
	assert_string_equal(o.owner, "node1");
	o = get(b, BE_RESOURCE, "cluster name"); /* names compare without case */
	assert_string_equal(o.name, "Cluster Name");
	assert_string_equal(o.parent, "Cluster Group");
	assert_string_equal(o.type, "Network Name");
	assert_int_equal(o.state, BE_STATE_ONLINE);
	get(b, BE_RESOURCE, "Cluster IP Address");
	get(b, BE_RESTYPE, "Generic Application");
	get(b, BE_RESTYPE, "Generic Service");
	get(b, BE_RESTYPE, "IP Address");
	get(b, BE_NETWORK, "Cluster Network 1");
	get(b, BE_NETIF, "node1 - Ethernet");
	get(b, BE_RESTYPE, "Physical Disk");
	get(b, BE_RESTYPE, "Storage Pool");
	get(b, BE_RESOURCE, "Network Name");
	assert_int_equal(count(b, BE_RESOURCE, "Cluster Group"), 3);
	assert_int_equal(count(b, BE_GROUP, "node1"), 1);
	assert_int_equal(count(b, BE_NODE, NULL), 1);
	struct be_object q;
	char path[64];
	assert_int_equal(b->ops->quorum(b, &q, path, sizeof(path)), BE_OK);
	assert_string_equal(q.name, "Cluster Name");
	/* Cluster Name depends on Cluster IP Address */
	int n = 0;
	assert_int_equal(b->ops->dependencies(b, get(b, BE_RESOURCE, "Cluster Name").id, count_fn, &n), BE_OK);
	assert_int_equal(n, 1);
	/* and the address provides for both network names */
	n = 0;
	assert_int_equal(b->ops->dependents(b, get(b, BE_RESOURCE, "Cluster IP Address").id, count_fn, &n), BE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(b->ops->lookup(b, BE_GROUP, "", &o), BE_NOT_FOUND);
	assert_int_equal(b->ops->lookup(b, BE_GROUP, "nope", &o), BE_NOT_FOUND);
}

static void test_create_rename_remove(void **state)
{
	struct fixture *f = *state;
	struct backend *b = f->b;
	struct be_object g, r, x;
	assert_int_equal(b->ops->create(b, BE_GROUP, "apps", NULL, NULL, &g), BE_OK);
	assert_int_equal(g.state, BE_STATE_OFFLINE);
	assert_int_equal(b->ops->create(b, BE_GROUP, "APPS", NULL, NULL, &x), BE_EXISTS);
	assert_int_equal(b->ops->create(b, BE_GROUP, "", NULL, NULL, &x), BE_INVALID);
	assert_int_equal(b->ops->create(b, BE_GROUP, "a\\b", NULL, NULL, &x), BE_INVALID);
	assert_int_equal(b->ops->create(b, BE_RESOURCE, "web", "apps", "Generic Service", &r), BE_OK);
	assert_int_equal(b->ops->create(b, BE_RESOURCE, "web2", "nogroup", "Generic Service", &x), BE_NOT_FOUND);
	assert_int_equal(b->ops->create(b, BE_RESOURCE, "web2", "apps", "No Such Type", &x), BE_INVALID);
	assert_int_equal(b->ops->create(b, BE_NODE, "n2", NULL, NULL, &x), BE_INVALID);
	/* a group with resources stays */
	assert_int_equal(b->ops->remove(b, BE_GROUP, g.id), BE_NOT_EMPTY);
	assert_int_equal(b->ops->rename(b, BE_RESOURCE, r.id, "Cluster Name"), BE_EXISTS);
	assert_int_equal(b->ops->rename(b, BE_RESOURCE, r.id, "www"), BE_OK);
	assert_string_equal(get(b, BE_RESOURCE, "www").id, r.id);
	/* renaming a group carries its resources along */
	assert_int_equal(b->ops->rename(b, BE_GROUP, g.id, "applications"), BE_OK);
	assert_string_equal(get(b, BE_RESOURCE, "www").parent, "applications");
	/* online resources are not deleted; core objects never */
	assert_int_equal(b->ops->act(b, BE_RESOURCE, r.id, BE_ACT_ONLINE, NULL), BE_OK);
	assert_int_equal(b->ops->remove(b, BE_RESOURCE, r.id), BE_BUSY);
	assert_int_equal(b->ops->act(b, BE_RESOURCE, r.id, BE_ACT_OFFLINE, NULL), BE_OK);
	assert_int_equal(b->ops->remove(b, BE_RESOURCE, r.id), BE_OK);
	assert_int_equal(b->ops->remove(b, BE_RESOURCE, r.id), BE_NOT_FOUND);
	assert_int_equal(b->ops->remove(b, BE_GROUP, g.id), BE_OK);
	assert_int_equal(b->ops->remove(b, BE_GROUP, get(b, BE_GROUP, "Cluster Group").id), BE_BUSY);
	assert_int_equal(b->ops->remove(b, BE_RESOURCE, get(b, BE_RESOURCE, "Cluster Name").id), BE_BUSY);
	/* the object's registry key went with it */
	char key[128];
	snprintf(key, sizeof(key), "Resources\\%s", r.id);
	assert_int_equal(b->ops->reg_key_exists(b, key), BE_NOT_FOUND);
}

static void test_state_machine(void **state)
{
	struct fixture *f = *state;
	struct backend *b = f->b;
	struct be_object g = get(b, BE_GROUP, "Cluster Group");
	struct be_object name = get(b, BE_RESOURCE, "Cluster Name");
	struct be_object ip = get(b, BE_RESOURCE, "Cluster IP Address");
	/* offline the address: what depends on it goes first */
	assert_int_equal(b->ops->act(b, BE_RESOURCE, ip.id, BE_ACT_OFFLINE, NULL), BE_OK);
	assert_int_equal(get(b, BE_RESOURCE, "Cluster Name").state, BE_STATE_OFFLINE);
	assert_int_equal(get(b, BE_RESOURCE, "Network Name").state, BE_STATE_OFFLINE);
	assert_int_equal(get(b, BE_GROUP, "Cluster Group").state, BE_STATE_OFFLINE);
	/* online the name: what it depends on comes first, the rest stays */
	assert_int_equal(b->ops->act(b, BE_RESOURCE, name.id, BE_ACT_ONLINE, NULL), BE_OK);
	assert_int_equal(get(b, BE_RESOURCE, "Cluster IP Address").state, BE_STATE_ONLINE);
	assert_int_equal(get(b, BE_RESOURCE, "Network Name").state, BE_STATE_OFFLINE);
	assert_int_equal(get(b, BE_GROUP, "Cluster Group").state, BE_STATE_PARTIAL);
	assert_int_equal(b->ops->act(b, BE_RESOURCE, get(b, BE_RESOURCE, "Network Name").id, BE_ACT_ONLINE, NULL), BE_OK);
	assert_int_equal(get(b, BE_GROUP, "Cluster Group").state, BE_STATE_ONLINE);
	/* a failure shows in the group */
	assert_int_equal(b->ops->act(b, BE_RESOURCE, name.id, BE_ACT_FAIL, NULL), BE_OK);
	assert_int_equal(get(b, BE_RESOURCE, "Cluster Name").state, BE_STATE_FAILED);
	assert_int_equal(get(b, BE_GROUP, "Cluster Group").state, BE_STATE_FAILED);
	/* the whole group */
	assert_int_equal(b->ops->act(b, BE_GROUP, g.id, BE_ACT_OFFLINE, NULL), BE_OK);
	assert_int_equal(get(b, BE_RESOURCE, "Cluster Name").state, BE_STATE_OFFLINE);
	assert_int_equal(get(b, BE_RESOURCE, "Cluster IP Address").state, BE_STATE_OFFLINE);
	assert_int_equal(get(b, BE_GROUP, "Cluster Group").state, BE_STATE_OFFLINE);
	assert_int_equal(b->ops->act(b, BE_RESOURCE, ip.id, BE_ACT_ONLINE, NULL), BE_OK);
	assert_int_equal(get(b, BE_GROUP, "Cluster Group").state, BE_STATE_PARTIAL);
	assert_int_equal(b->ops->act(b, BE_GROUP, g.id, BE_ACT_ONLINE, NULL), BE_OK);
	assert_int_equal(get(b, BE_GROUP, "Cluster Group").state, BE_STATE_ONLINE);
	/* moving on one node: only to this node */
	assert_int_equal(b->ops->act(b, BE_GROUP, g.id, BE_ACT_MOVE, "node1"), BE_OK);
	assert_int_equal(b->ops->act(b, BE_GROUP, g.id, BE_ACT_MOVE, "elsewhere"), BE_NOT_FOUND);
	/* nodes */
	struct be_object n = get(b, BE_NODE, "node1");
	assert_int_equal(b->ops->act(b, BE_NODE, n.id, BE_ACT_RESUME, NULL), BE_BUSY);
	assert_int_equal(b->ops->act(b, BE_NODE, n.id, BE_ACT_PAUSE, NULL), BE_OK);
	assert_int_equal(get(b, BE_NODE, "node1").state, BE_STATE_PAUSED);
	assert_int_equal(b->ops->act(b, BE_NODE, n.id, BE_ACT_PAUSE, NULL), BE_BUSY);
	assert_int_equal(b->ops->act(b, BE_NODE, n.id, BE_ACT_RESUME, NULL), BE_OK);
	assert_int_equal(get(b, BE_NODE, "node1").state, BE_STATE_UP);
	/* evicted: it leaves the membership; it joins again when the backend
	 * next opens (the configuration stays: there is no other node) */
	assert_int_equal(b->ops->act(b, BE_NODE, n.id, BE_ACT_EVICT, NULL), BE_OK);
	struct be_object gone;
	assert_int_equal(b->ops->lookup(b, BE_NODE, "node1", &gone), BE_NOT_FOUND);
	assert_int_equal(count(b, BE_NODE, NULL), 0);
	assert_int_equal(get(b, BE_GROUP, "Cluster Group").state, BE_STATE_ONLINE);
	b->ops->destroy(b);
	f->b = b = open_in(f->dir);
	assert_non_null(b);
	struct be_object back = get(b, BE_NODE, "node1");
	assert_int_equal(back.state, BE_STATE_UP);
	assert_int_equal(back.number, 1); /* the only node again */
	assert_string_not_equal(back.id, n.id);
	assert_int_equal(b->ops->act(b, BE_NODE, n.id, BE_ACT_PAUSE, NULL), BE_NOT_FOUND); /* the old id is gone */
	assert_int_equal(b->ops->act(b, BE_NODE, back.id, BE_ACT_ONLINE, NULL), BE_INVALID);
	assert_int_equal(b->ops->act(b, BE_NODE, "no-such-id", BE_ACT_PAUSE, NULL), BE_NOT_FOUND);
}

struct names {
	char list[16][64];
	int n;
};

static int name_fn(const char *name, void *arg)
{
	struct names *l = arg;
	if (l->n < 16)
		snprintf(l->list[l->n++], 64, "%.63s", name);
	return 0;
}

static int value_fn(const struct be_value *v, void *arg)
{
	return name_fn(v->name, arg);
}

static void test_registry(void **state)
{
	struct fixture *f = *state;
	struct backend *b = f->b;
	struct names l = { 0 };
	bool created;
	assert_int_equal(b->ops->reg_list_keys(b, "", name_fn, &l), BE_OK);
	assert_true(l.n >= 5); /* Nodes, Groups, Resources, ResourceTypes, Networks, ... */
	struct be_value v;
	assert_int_equal(b->ops->reg_get(b, "", "ClusterName", &v), BE_OK);
	assert_int_equal(v.type, BE_VAL_SZ);
	assert_int_equal(v.len, 2 * (strlen("test-cluster") + 1));
	assert_int_equal(v.data[0], 't');
	free(v.data);

	assert_int_equal(b->ops->reg_create_key(b, "Apps\\Web\\Settings", &created), BE_OK);
	assert_true(created);
	assert_int_equal(b->ops->reg_create_key(b, "apps\\web\\settings", &created), BE_OK);
	assert_false(created);
	struct be_value in = { .name = "Port", .type = BE_VAL_DWORD, .data = (uint8_t *)"\x50\x00\x00\x00", .len = 4 };
	assert_int_equal(b->ops->reg_set(b, "Apps\\Web\\Settings", &in), BE_OK);
	assert_int_equal(b->ops->reg_set(b, "Apps\\Nope", &in), BE_NOT_FOUND);
	assert_int_equal(b->ops->reg_get(b, "Apps\\Web\\Settings", "port", &v), BE_OK);
	assert_int_equal(v.len, 4);
	assert_int_equal(v.data[0], 0x50);
	free(v.data);
	memset(&l, 0, sizeof(l));
	assert_int_equal(b->ops->reg_list_values(b, "Apps\\Web\\Settings", value_fn, &l), BE_OK);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.list[0], "Port");
	assert_int_equal(b->ops->reg_delete_key(b, "Apps\\Web"), BE_NOT_EMPTY);
	assert_int_equal(b->ops->reg_delete_value(b, "Apps\\Web\\Settings", "Port"), BE_OK);
	assert_int_equal(b->ops->reg_delete_value(b, "Apps\\Web\\Settings", "Port"), BE_NOT_FOUND);
	assert_int_equal(b->ops->reg_delete_key(b, "Apps\\Web\\Settings"), BE_OK);
	assert_int_equal(b->ops->reg_key_exists(b, "Apps\\Web\\Settings"), BE_NOT_FOUND);
	assert_int_equal(b->ops->reg_key_exists(b, "Apps\\Web"), BE_OK);
	/* bad paths */
	assert_int_equal(b->ops->reg_create_key(b, "\\lead", &created), BE_INVALID);
	assert_int_equal(b->ops->reg_create_key(b, "trail\\", &created), BE_INVALID);
	assert_int_equal(b->ops->reg_create_key(b, "a\\\\b", &created), BE_INVALID);
	assert_int_equal(b->ops->reg_create_key(b, "", &created), BE_INVALID);
	char deep[BE_REG_PATH_MAX];
	deep[0] = 0;
	for (int i = 0; i < BE_REG_DEPTH_MAX + 1; i++)
		strcat(deep, i ? "\\k" : "k");
	assert_int_equal(b->ops->reg_create_key(b, deep, &created), BE_INVALID);
	assert_int_equal(b->ops->reg_list_keys(b, deep, name_fn, &l), BE_INVALID);
	static uint8_t big[BE_REG_VALUE_MAX + 1];
	struct be_value huge = { .name = "big", .type = BE_VAL_BINARY, .data = big, .len = sizeof(big) };
	assert_int_equal(b->ops->reg_set(b, "Apps", &huge), BE_INVALID);
}

static void test_persistence(void **state)
{
	struct fixture *f = *state;
	struct be_object g;
	assert_int_equal(f->b->ops->create(f->b, BE_GROUP, "kept", NULL, NULL, &g), BE_OK);
	f->b->ops->destroy(f->b);
	f->b = open_in(f->dir);
	assert_non_null(f->b);
	assert_string_equal(get(f->b, BE_GROUP, "kept").id, g.id);
	/* seeding happens once */
	assert_int_equal(count(f->b, BE_NODE, NULL), 1);
}

/* A change acknowledged, then the process dies without closing anything: the
 * change is there after reopening, and the file is sound. */
static void test_crash_durability(void **state)
{
	struct fixture *f = *state;
	f->b->ops->destroy(f->b);
	f->b = NULL;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct backend *b = open_in(f->dir);
		struct be_object g;
		if (!b || b->ops->create(b, BE_GROUP, "acknowledged", NULL, NULL, &g) != BE_OK)
			_exit(1);
		_exit(0); /* no close, no checkpoint */
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	f->b = open_in(f->dir);
	assert_non_null(f->b);
	get(f->b, BE_GROUP, "acknowledged");
}

static void test_refuses_newer_and_damaged(void **state)
{
	struct fixture *f = *state;
	char path[128], cmd[1024], err[512];
	f->b->ops->destroy(f->b);
	f->b = NULL;
	snprintf(path, sizeof(path), "%s/cluster.db", f->dir);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_null(backend_embedded_open(f->dir, "node1", "x", err, sizeof(err)));
	assert_non_null(strstr(err, "newer"));
	/* garbage instead of a database */
	unlink(path);
	snprintf(cmd, sizeof(cmd), "rm -f '%s'-wal '%s'-shm; head -c 8192 /dev/urandom > '%s'", path, path, path);
	assert_int_equal(system(cmd), 0);
	assert_null(backend_embedded_open(f->dir, "node1", "x", err, sizeof(err)));
	assert_true(strlen(err) > 0);
}

/* A power cut while a transaction is being written: its last WAL frame is
 * torn.  That transaction was never acknowledged; everything acknowledged
 * before it is there, and the file opens sound. */
static void test_power_cut(void **state)
{
	struct fixture *f = *state;
	char wal[128];
	f->b->ops->destroy(f->b);
	f->b = NULL;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct backend *b = open_in(f->dir);
		struct be_object g;
		if (!b || b->ops->create(b, BE_GROUP, "before", NULL, NULL, &g) != BE_OK ||
		    b->ops->create(b, BE_GROUP, "torn", NULL, NULL, &g) != BE_OK)
			_exit(1);
		_exit(0);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	snprintf(wal, sizeof(wal), "%s/cluster.db-wal", f->dir);
	struct stat st;
	assert_int_equal(stat(wal, &st), 0);
	assert_true(st.st_size > 4096);
	/* tear the last frame: its commit never fully reached the disk */
	assert_int_equal(truncate(wal, st.st_size - 100), 0);
	f->b = open_in(f->dir);
	assert_non_null(f->b); /* sound: quick_check passed */
	get(f->b, BE_GROUP, "before");
	struct be_object o;
	assert_int_equal(f->b->ops->lookup(f->b, BE_GROUP, "torn", &o), BE_NOT_FOUND);
	get(f->b, BE_GROUP, "Cluster Group");
}

static bool alive(const char *path)
{
	return access(path, F_OK) == 0;
}

/* Generic Application resources run their command while online. */
static void test_generic_application(void **state)
{
	struct fixture *f = *state;
	struct backend *b = f->b;
	struct be_object r;
	char key[128], marker[128], pidfile[128], cmd[600];
	assert_int_equal(backend_embedded_supervise(b, true), BE_OK);
	assert_true(b->ops->event_fd(b) >= 0);
	assert_int_equal(b->ops->create(b, BE_RESOURCE, "app", "Cluster Group", "Generic Application", &r), BE_OK);
	/* no command: it cannot come online, and nothing changes */
	assert_int_equal(b->ops->act(b, BE_RESOURCE, r.id, BE_ACT_ONLINE, NULL), BE_INVALID);
	assert_int_equal(get(b, BE_RESOURCE, "app").state, BE_STATE_OFFLINE);

	/* a command that leaves a mark while it runs */
	snprintf(marker, sizeof(marker), "%s/running", f->dir);
	snprintf(pidfile, sizeof(pidfile), "%s/pid", f->dir);
	/* The trap is set before the mark appears, so that a stop that sees the
	 * mark always finds the trap in place. */
	snprintf(cmd, sizeof(cmd), "trap 'rm -f %s; exit 0' TERM; echo $$ > %s; touch %s; while :; do sleep 0.05; done",
		 marker, pidfile, marker);
	uint8_t w[1220];
	size_t n = 0;
	for (const char *p = cmd; *p; p++) {
		w[n++] = (uint8_t)*p;
		w[n++] = 0;
	}
	w[n++] = 0;
	w[n++] = 0;
	snprintf(key, sizeof(key), "Resources\\%s\\Parameters", r.id);
	assert_int_equal(b->ops->reg_create_key(b, key, NULL), BE_OK);
	struct be_value v = { .name = "CommandLine", .type = BE_VAL_SZ, .data = w, .len = n };
	assert_int_equal(b->ops->reg_set(b, key, &v), BE_OK);

	assert_int_equal(b->ops->act(b, BE_RESOURCE, r.id, BE_ACT_ONLINE, NULL), BE_OK);
	for (int i = 0; i < 200 && !alive(marker); i++)
		usleep(10000);
	assert_true(alive(marker)); /* online means running */
	assert_int_equal(b->ops->act(b, BE_RESOURCE, r.id, BE_ACT_OFFLINE, NULL), BE_OK);
	assert_false(alive(marker)); /* stopped, and it cleaned up */
	assert_int_equal(get(b, BE_RESOURCE, "app").state, BE_STATE_OFFLINE);

	/* a command that dies on its own fails its resource when its restart
	 * policy says not to restart it (RestartAction 0; the restarts are
	 * tests/integration/test_policy.c's) */
	char rkey[BE_REG_PATH_MAX];
	snprintf(rkey, sizeof(rkey), "Resources\\%s", r.id);
	uint8_t zero[4] = { 0 };
	struct be_value no_restart = { .name = "RestartAction", .type = BE_VAL_DWORD, .data = zero, .len = 4 };
	assert_int_equal(b->ops->reg_set(b, rkey, &no_restart), BE_OK);
	assert_int_equal(b->ops->act(b, BE_RESOURCE, r.id, BE_ACT_ONLINE, NULL), BE_OK);
	for (int i = 0; i < 200 && !alive(marker); i++)
		usleep(10000);
	assert_true(alive(marker));
	FILE *pf = fopen(pidfile, "r");
	assert_non_null(pf);
	int pid = 0;
	assert_int_equal(fscanf(pf, "%d", &pid), 1);
	fclose(pf);
	assert_int_equal(kill(pid, SIGKILL), 0);
	enum be_state st = BE_STATE_ONLINE;
	for (int i = 0; i < 300 && st == BE_STATE_ONLINE; i++) {
		usleep(10000);
		b->ops->process_events(b);
		st = get(b, BE_RESOURCE, "app").state;
	}
	assert_int_equal(st, BE_STATE_FAILED);
	assert_int_equal(get(b, BE_GROUP, "Cluster Group").state, BE_STATE_FAILED);
	unlink(marker);

	/* online again, then the backend closes: the command stops with it, and
	 * starts again when supervision resumes on the same database */
	assert_int_equal(b->ops->act(b, BE_RESOURCE, r.id, BE_ACT_ONLINE, NULL), BE_OK);
	for (int i = 0; i < 200 && !alive(marker); i++)
		usleep(10000);
	assert_true(alive(marker));
	b->ops->destroy(b);
	assert_false(alive(marker));
	f->b = b = open_in(f->dir);
	assert_non_null(b);
	assert_int_equal(get(b, BE_RESOURCE, "app").state, BE_STATE_ONLINE);
	assert_int_equal(backend_embedded_supervise(b, true), BE_OK);
	for (int i = 0; i < 200 && !alive(marker); i++)
		usleep(10000);
	assert_true(alive(marker));
	assert_int_equal(b->ops->act(b, BE_RESOURCE, r.id, BE_ACT_OFFLINE, NULL), BE_OK);
	assert_false(alive(marker));
}

/* A command gets clusterd's environment less NOTIFY_SOCKET: systemd's
 * notification socket is clusterd's own (clusterd.service, Type=notify). */
static void test_generic_application_env(void **state)
{
	struct fixture *f = *state;
	struct backend *b = f->b;
	struct be_object r;
	char key[128], out[128], done[140], cmd[400];
	assert_int_equal(setenv("NOTIFY_SOCKET", "/run/systemd/notify", 1), 0);
	assert_int_equal(setenv("CLUSAPI_TEST_KEPT", "yes", 1), 0);
	assert_int_equal(backend_embedded_supervise(b, true), BE_OK);
	assert_int_equal(b->ops->create(b, BE_RESOURCE, "envapp", "Cluster Group", "Generic Application", &r), BE_OK);
	snprintf(out, sizeof(out), "%s/env", f->dir);
	snprintf(done, sizeof(done), "%s/env.done", f->dir);
	snprintf(cmd, sizeof(cmd), "env > %s; touch %s; while :; do sleep 0.05; done", out, done);
	uint8_t w[820];
	size_t n = 0;
	for (const char *p = cmd; *p; p++) {
		w[n++] = (uint8_t)*p;
		w[n++] = 0;
	}
	w[n++] = 0;
	w[n++] = 0;
	snprintf(key, sizeof(key), "Resources\\%s\\Parameters", r.id);
	assert_int_equal(b->ops->reg_create_key(b, key, NULL), BE_OK);
	struct be_value v = { .name = "CommandLine", .type = BE_VAL_SZ, .data = w, .len = n };
	assert_int_equal(b->ops->reg_set(b, key, &v), BE_OK);
	assert_int_equal(b->ops->act(b, BE_RESOURCE, r.id, BE_ACT_ONLINE, NULL), BE_OK);
	for (int i = 0; i < 300 && !alive(done); i++)
		usleep(10000);
	assert_true(alive(done));
	FILE *e = fopen(out, "r");
	assert_non_null(e);
	char line[4096];
	bool kept = false, notify = false;
	while (fgets(line, sizeof(line), e)) {
		kept |= strcmp(line, "CLUSAPI_TEST_KEPT=yes\n") == 0;
		notify |= strncmp(line, "NOTIFY_SOCKET=", 14) == 0;
	}
	fclose(e);
	assert_true(kept);
	assert_false(notify);
	assert_int_equal(b->ops->act(b, BE_RESOURCE, r.id, BE_ACT_OFFLINE, NULL), BE_OK);
	unsetenv("NOTIFY_SOCKET");
	unsetenv("CLUSAPI_TEST_KEPT");
}

/* Issue 12: a group's state after a new resource (computed without counting
 * the group) is what counting gives. */
static void test_group_state_on_create(void **state)
{
	struct fixture *f = *state;
	struct backend *b = f->b;
	struct be_object g, r1, r2, r;
	assert_int_equal(b->ops->create(b, BE_GROUP, "g", NULL, NULL, &g), BE_OK);
	/* online and empty, then a resource: offline */
	assert_int_equal(b->ops->act(b, BE_GROUP, g.id, BE_ACT_ONLINE, NULL), BE_OK);
	assert_int_equal(get(b, BE_GROUP, "g").state, BE_STATE_ONLINE);
	assert_int_equal(b->ops->create(b, BE_RESOURCE, "r1", "g", "Generic Service", &r1), BE_OK);
	assert_int_equal(get(b, BE_GROUP, "g").state, BE_STATE_OFFLINE);
	/* all online, then another: partial */
	assert_int_equal(b->ops->act(b, BE_RESOURCE, r1.id, BE_ACT_ONLINE, NULL), BE_OK);
	assert_int_equal(get(b, BE_GROUP, "g").state, BE_STATE_ONLINE);
	assert_int_equal(b->ops->create(b, BE_RESOURCE, "r2", "g", "Generic Service", &r2), BE_OK);
	assert_int_equal(get(b, BE_GROUP, "g").state, BE_STATE_PARTIAL);
	assert_int_equal(b->ops->create(b, BE_RESOURCE, "r3", "g", "Generic Service", &r), BE_OK);
	assert_int_equal(get(b, BE_GROUP, "g").state, BE_STATE_PARTIAL);
	/* failed stays failed */
	assert_int_equal(b->ops->act(b, BE_RESOURCE, r1.id, BE_ACT_FAIL, NULL), BE_OK);
	assert_int_equal(get(b, BE_GROUP, "g").state, BE_STATE_FAILED);
	assert_int_equal(b->ops->create(b, BE_RESOURCE, "r4", "g", "Generic Service", &r), BE_OK);
	assert_int_equal(get(b, BE_GROUP, "g").state, BE_STATE_FAILED);
	/* offline stays offline */
	assert_int_equal(b->ops->act(b, BE_GROUP, g.id, BE_ACT_OFFLINE, NULL), BE_OK);
	assert_int_equal(get(b, BE_GROUP, "g").state, BE_STATE_OFFLINE);
	assert_int_equal(b->ops->create(b, BE_RESOURCE, "r5", "g", "Generic Service", &r), BE_OK);
	assert_int_equal(get(b, BE_GROUP, "g").state, BE_STATE_OFFLINE);
}

static void count_event(const struct be_event *ev, void *arg)
{
	(void)ev;
	(*(int *)arg)++;
}

/* Issue 12: a batch's changes are seen at once, their events wait for
 * batch_end, and they are on disk after it (a reopened database has them). */
static void test_batch(void **state)
{
	struct fixture *f = *state;
	struct backend *b = f->b;
	int events = 0;
	struct be_object g;
	assert_non_null(b->ops->batch_begin);
	assert_int_equal(b->ops->watch(b, count_event, &events), BE_OK);
	b->ops->batch_begin(b);
	assert_int_equal(b->ops->create(b, BE_GROUP, "b1", NULL, NULL, &g), BE_OK);
	assert_int_equal(b->ops->create(b, BE_GROUP, "b1", NULL, NULL, NULL), BE_EXISTS); /* fails alone */
	assert_int_equal(b->ops->create(b, BE_GROUP, "b2", NULL, NULL, NULL), BE_OK);
	assert_int_equal(get(b, BE_GROUP, "b1").state, BE_STATE_OFFLINE);
	assert_int_equal(events, 0);
	assert_int_equal(b->ops->batch_end(b), BE_OK);
	assert_int_equal(events, 2);
	/* an empty batch is nothing */
	b->ops->batch_begin(b);
	assert_int_equal(b->ops->batch_end(b), BE_OK);
	b->ops->watch(b, NULL, NULL);
	b->ops->destroy(b);
	f->b = open_in(f->dir);
	assert_non_null(f->b);
	get(f->b, BE_GROUP, "b1");
	get(f->b, BE_GROUP, "b2");
}

static int node_state_fn(const struct be_object *o, void *arg)
{
	*(enum be_state *)arg = o->state;
	return 0;
}

/* The node list as the list call gives it (kept in memory between changes):
 * every change shows at once, inside a batch and after it. */
static enum be_state node_listed_state(struct backend *b)
{
	enum be_state s = BE_STATE_UNKNOWN;
	assert_int_equal(count(b, BE_NODE, NULL), 1);
	assert_int_equal(b->ops->list(b, BE_NODE, NULL, node_state_fn, &s), BE_OK);
	return s;
}

static void test_node_list_and_ids(void **state)
{
	struct fixture *f = *state;
	struct backend *b = f->b;
	struct be_object n = get(b, BE_NODE, "node1");
	assert_int_equal(node_listed_state(b), BE_STATE_UP);
	assert_int_equal(node_listed_state(b), BE_STATE_UP); /* again: from memory */
	assert_int_equal(b->ops->act(b, BE_NODE, n.id, BE_ACT_PAUSE, NULL), BE_OK);
	assert_int_equal(node_listed_state(b), BE_STATE_PAUSED);
	/* a change in a batch: seen in the batch (its transaction) and after */
	b->ops->batch_begin(b);
	assert_int_equal(b->ops->act(b, BE_NODE, n.id, BE_ACT_RESUME, NULL), BE_OK);
	assert_int_equal(node_listed_state(b), BE_STATE_UP);
	assert_int_equal(b->ops->batch_end(b), BE_OK);
	assert_int_equal(node_listed_state(b), BE_STATE_UP);
	/* a change that fails in a batch is undone; the list read in it is not kept */
	b->ops->batch_begin(b);
	assert_int_equal(b->ops->act(b, BE_NODE, n.id, BE_ACT_PAUSE, NULL), BE_OK);
	assert_int_equal(node_listed_state(b), BE_STATE_PAUSED);
	assert_int_equal(b->ops->create(b, BE_GROUP, "Cluster Group", NULL, NULL, NULL), BE_EXISTS);
	assert_int_equal(b->ops->batch_end(b), BE_OK);
	assert_int_equal(node_listed_state(b), BE_STATE_PAUSED);
	assert_int_equal(b->ops->act(b, BE_NODE, n.id, BE_ACT_EVICT, NULL), BE_OK);
	assert_int_equal(count(b, BE_NODE, NULL), 0);

	/* New ids: UUIDs of version 7, each after the one before (indexes grow
	 * at their end), distinct. */
	char prev[BE_ID_MAX] = "";
	for (int i = 0; i < 200; i++) {
		char name[32];
		struct be_object g;
		snprintf(name, sizeof(name), "ids-%d", i);
		assert_int_equal(b->ops->create(b, BE_GROUP, name, NULL, NULL, &g), BE_OK);
		assert_int_equal(strlen(g.id), 36);
		for (int j = 0; j < 36; j++) {
			if (j == 8 || j == 13 || j == 18 || j == 23)
				assert_int_equal(g.id[j], '-');
			else
				assert_non_null(strchr("0123456789abcdef", g.id[j]));
		}
		assert_int_equal(g.id[14], '7');
		assert_non_null(strchr("89ab", g.id[19]));
		assert_true(strcmp(prev, g.id) < 0);
		snprintf(prev, sizeof(prev), "%s", g.id);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_seeded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_rename_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_machine, setup, teardown),
		cmocka_unit_test_setup_teardown(test_registry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_persistence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crash_durability, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuses_newer_and_damaged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_generic_application, setup, teardown),
		cmocka_unit_test_setup_teardown(test_generic_application_env, setup, teardown),
		cmocka_unit_test_setup_teardown(test_power_cut, setup, teardown),
		cmocka_unit_test_setup_teardown(test_group_state_on_create, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_node_list_and_ids, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
