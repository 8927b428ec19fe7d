/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The ACL and the accounts kept by a backend for the whole cluster (backend
 * ops state_get / state_put, src/server/store.c), against a fake backend that
 * keeps the texts in memory: the one-time adoption of a node's old files
 * (migrated, the same, a conflict), changes going to the store, another node's
 * change seen on the next refresh, a failed store changing nothing, the
 * accounts stored as secret.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "backend/backend.h"
#include "base/werror.h"
#include "server/access.h"
#include "server/accounts.h"
#include "server/store.h"

struct fake {
	struct backend base;
	char *acl, *accounts;
	bool accounts_secret;
	int fail_put; /* a BE_ status state_put answers, 0: store */
	int puts;
};

static struct fake *F(struct backend *b)
{
	return (struct fake *)b;
}

static char **slot(struct fake *f, const char *name)
{
	return !strcmp(name, "acl") ? &f->acl : !strcmp(name, "accounts") ? &f->accounts : NULL;
}

static int fake_get(struct backend *b, const char *name, char **text)
{
	char **s = slot(F(b), name);
	*text = NULL;
	if (!s)
		return BE_INVALID;
	if (*s)
		*text = strdup(*s);
	return BE_OK;
}

static int fake_put(struct backend *b, const char *name, const char *text, bool secret)
{
	struct fake *f = F(b);
	char **s = slot(f, name);
	if (!s)
		return BE_INVALID;
	if (f->fail_put)
		return f->fail_put;
	free(*s);
	*s = strdup(text);
	if (s == &f->accounts)
		f->accounts_secret = secret;
	f->puts++;
	return BE_OK;
}

static const struct backend_ops fake_ops = { .name = "fake", .state_get = fake_get, .state_put = fake_put };

static char dir[64];
static struct fake fk;

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/clusapi-store.XXXXXX");
	assert_non_null(mkdtemp(dir));
	memset(&fk, 0, sizeof(fk));
	fk.base.ops = &fake_ops;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(fk.acl);
	free(fk.accounts);
	return 0;
}

static void write_file(const char *name, const char *text)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(path, 0600);
}

static bool exists(const char *name)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

static struct principal uid(unsigned u)
{
	struct principal p = { .kind = PRINCIPAL_LOCAL, .uid = u, .gid = 65534 };
	return p;
}

static void test_available(void **state)
{
	(void)state;
	static const struct backend_ops none = { .name = "files" };
	struct backend files = { &none };
	assert_true(store_available(&fk.base));
	assert_false(store_available(&files));
	assert_false(store_available(NULL));
}

/* Nothing anywhere: the default ACL goes to the store. */
static void test_acl_default(void **state)
{
	(void)state;
	struct acl_file f;
	char err[300], path[128];
	snprintf(path, sizeof(path), "%s/cluster.acl", dir);
	assert_int_equal(acl_file_load_store(&f, &fk.base, path, NULL, false, err, sizeof(err)), 0);
	assert_non_null(fk.acl);
	assert_non_null(strstr(fk.acl, "uid:0 full"));
	struct principal root = uid(0);
	assert_int_equal(acl_rights(&f.acl, &root), ACCESS_ALL);
	assert_false(exists("cluster.acl"));
	acl_file_free(&f);
}

/* A node's old file, and the cluster has none: migrated, renamed. */
static void test_acl_migrated(void **state)
{
	(void)state;
	struct acl_file f;
	char err[300], path[128];
	write_file("cluster.acl", "uid:0 full\nuid:1234 read\n");
	snprintf(path, sizeof(path), "%s/cluster.acl", dir);
	assert_int_equal(acl_file_load_store(&f, &fk.base, path, NULL, false, err, sizeof(err)), 0);
	assert_string_equal(fk.acl, "uid:0 full\nuid:1234 read\n");
	assert_false(exists("cluster.acl"));
	assert_true(exists("cluster.acl.migrated"));
	struct principal u = uid(1234);
	assert_int_equal(acl_rights(&f.acl, &u), ACCESS_READ);
	acl_file_free(&f);
}

/* The cluster has one: the same file (comments aside) is set aside as
 * migrated, a different one as a conflict, and the cluster's stays. */
static void test_acl_same_and_conflict(void **state)
{
	(void)state;
	struct acl_file f;
	char err[300], path[128];
	fk.acl = strdup("uid:0 full\nuid:77 read\n");
	write_file("cluster.acl", "# mine\nuid:0   full\nuid:77 read   # a comment\n");
	snprintf(path, sizeof(path), "%s/cluster.acl", dir);
	assert_int_equal(acl_file_load_store(&f, &fk.base, path, NULL, false, err, sizeof(err)), 0);
	assert_true(exists("cluster.acl.migrated"));
	assert_false(exists("cluster.acl.conflict"));
	acl_file_free(&f);

	write_file("cluster.acl", "uid:0 full\nuid:99 full\n");
	assert_int_equal(acl_file_load_store(&f, &fk.base, path, NULL, false, err, sizeof(err)), 0);
	assert_true(exists("cluster.acl.conflict"));
	assert_false(exists("cluster.acl"));
	assert_int_equal(fk.puts, 0); /* not merged */
	struct principal u99 = uid(99), u77 = uid(77);
	assert_int_equal(acl_rights(&f.acl, &u99), 0);
	assert_int_equal(acl_rights(&f.acl, &u77), ACCESS_READ);
	acl_file_free(&f);
}

/* Changes go to the store; another node's change is seen on the next
 * refresh; a store that fails changes nothing. */
static void test_acl_changes(void **state)
{
	(void)state;
	struct acl_file f;
	char err[300], path[128];
	fk.acl = strdup("uid:0 full\n");
	snprintf(path, sizeof(path), "%s/cluster.acl", dir);
	assert_int_equal(acl_file_load_store(&f, &fk.base, path, NULL, false, err, sizeof(err)), 0);
	assert_int_equal(acl_file_set(&f, "uid:500", ACL_FULL), ERROR_SUCCESS);
	assert_non_null(strstr(fk.acl, "uid:500 full"));
	struct principal u500 = uid(500), u600 = uid(600);
	assert_int_equal(acl_rights(&f.acl, &u500), ACCESS_ALL);

	/* Another node grants uid 600. */
	free(fk.acl);
	fk.acl = strdup("uid:0 full\nuid:500 full\nuid:600 read\n");
	acl_file_refresh(&f);
	assert_int_equal(acl_rights(&f.acl, &u600), ACCESS_READ);

	fk.fail_put = BE_IO;
	assert_int_equal(acl_file_set(&f, "uid:700", ACL_FULL), ERROR_INTERNAL_ERROR);
	assert_null(strstr(fk.acl, "uid:700"));
	struct principal u700 = uid(700);
	assert_int_equal(acl_rights(&f.acl, &u700), 0);
	fk.fail_put = 0;

	assert_int_equal(acl_file_remove(&f, "uid:600"), ERROR_SUCCESS);
	assert_null(strstr(fk.acl, "uid:600"));
	assert_int_equal(acl_rights(&f.acl, &u600), 0);
	assert_int_equal(acl_file_remove(&f, "uid:600"), ERROR_NOT_FOUND);
	acl_file_free(&f);
}

/* Accounts: migrated from the node's file, stored as a secret, changes and
 * another node's change seen. */
static void test_accounts(void **state)
{
	(void)state;
	struct accounts a;
	char err[300];
	uint8_t h[16], got[16];
	memset(h, 0xab, sizeof(h));
	write_file("accounts", "# old\nalice 000102030405060708090a0b0c0d0e0f\n");
	assert_int_equal(accounts_open_store(&a, &fk.base, dir, err, sizeof(err)), 0);
	assert_true(exists("accounts.migrated"));
	assert_true(fk.accounts_secret);
	assert_non_null(accounts_find(&a, "ALICE"));
	assert_int_equal(accounts_ntlm_lookup(&a, "alice", "X", got), 0);
	assert_int_equal(got[15], 0x0f);

	assert_int_equal(accounts_set(&a, "bob", h), ERROR_SUCCESS);
	assert_non_null(strstr(fk.accounts, "bob abababab"));
	assert_non_null(accounts_find(&a, "bob"));

	/* Another node removes alice. */
	free(fk.accounts);
	fk.accounts = strdup("bob abababababababababababababababab\n");
	assert_null(accounts_find(&a, "alice"));
	assert_int_equal(accounts_ntlm_lookup(&a, "alice", "X", got), ERROR_NO_SUCH_USER);

	fk.fail_put = BE_UNSUPPORTED;
	assert_int_equal(accounts_set(&a, "carol", h), ERROR_INTERNAL_ERROR);
	assert_null(accounts_find(&a, "carol"));
	fk.fail_put = 0;
	assert_int_equal(accounts_remove(&a, "bob"), ERROR_SUCCESS);
	assert_null(accounts_find(&a, "bob"));
	assert_int_equal(accounts_remove(&a, "bob"), ERROR_NO_SUCH_USER);
	accounts_close(&a);
}

/* A store that cannot take the old file (no authkey on this node, say):
 * clusterd still starts, the file stays for a later start, and the
 * accounts come when the store gives them. */
static void test_accounts_unavailable(void **state)
{
	(void)state;
	struct accounts a;
	char err[300];
	write_file("accounts", "alice 000102030405060708090a0b0c0d0e0f\n");
	fk.fail_put = BE_UNSUPPORTED;
	assert_int_equal(accounts_open_store(&a, &fk.base, dir, err, sizeof(err)), 0);
	assert_true(exists("accounts"));
	assert_null(accounts_find(&a, "alice"));
	fk.fail_put = 0;
	fk.accounts = strdup("dave 000102030405060708090a0b0c0d0e0f\n");
	assert_non_null(accounts_find(&a, "dave"));
	accounts_close(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_available, setup, teardown),
		cmocka_unit_test_setup_teardown(test_acl_default, setup, teardown),
		cmocka_unit_test_setup_teardown(test_acl_migrated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_acl_same_and_conflict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_acl_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_accounts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_accounts_unavailable, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
