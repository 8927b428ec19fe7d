/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Cluster access management and NTLM accounts against a real clusterd over
 * LPC: ClusterSetAccountAccess, ClusapiGetClusterAccess and the account
 * functions through the C API, as root and as another user (a child that
 * becomes nobody); what each grant, block and removal lets that user do with
 * new handles; the ACL across a restart; and malformed control buffers sent
 * straight on the wire, each refused with nothing changed.
 */
#include <grp.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "clusapi.h"
#include "cmrp/cmrp.h"
#include "cmrp/cmrp_objects.h"
#include "daemon.h"
#include "rpc/client.h"

static struct daemon d;
static char nobody_user[64], nobody_group[64];

static int group_setup(void **state)
{
	(void)state;
	if (daemon_start(&d, DAEMON_LPC_ONLY, NULL))
		return -1;
	daemon_use(&d);
	struct passwd *pw = getpwuid(65534);
	struct group *gr = getgrgid(65534);
	snprintf(nobody_user, sizeof(nobody_user), "%s", pw ? pw->pw_name : "");
	snprintf(nobody_group, sizeof(nobody_group), "%s", gr ? gr->gr_name : "");
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	assert_int_equal(daemon_stop(&d), 0);
	daemon_destroy(&d);
	return 0;
}

static void need_root(void)
{
	if (geteuid() != 0 || !nobody_user[0] || !nobody_group[0]) {
		fprintf(stderr, "skipped: acting as uid 65534 needs root and a user and group 65534\n");
		skip();
	}
}

/* ---- helpers ------------------------------------------------------------------- */

static HCLUSTER open_local(DWORD desired)
{
	HCLUSTER h = OpenClusterEx(NULL, desired, NULL);
	if (!h)
		fail_msg("OpenClusterEx(0x%08x) as uid %u: error %u", (unsigned)desired, (unsigned)geteuid(),
			 (unsigned)GetLastError());
	return h;
}

static DWORD set_access(HCLUSTER h, const char *who, DWORD access, DWORD type)
{
	LPWSTR w = ClusapiUtf8ToWide(who);
	assert_non_null(w);
	DWORD err = ClusterSetAccountAccess(h, w, access, type);
	free(w);
	return err;
}

/* As root, with a fresh full handle. */
static DWORD root_set(const char *who, DWORD access, DWORD type)
{
	HCLUSTER h = open_local(GENERIC_ALL);
	DWORD err = set_access(h, who, access, type);
	assert_true(CloseCluster(h));
	return err;
}

static char *acl_text(void)
{
	char path[400];
	snprintf(path, sizeof(path), "%s/cluster.acl", d.state);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char *buf = calloc(1, 65536);
	assert_non_null(buf);
	size_t n = fread(buf, 1, 65535, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

static char *accounts_text(void)
{
	char path[400];
	snprintf(path, sizeof(path), "%s/accounts", d.state);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char *buf = calloc(1, 65536);
	assert_non_null(buf);
	size_t n = fread(buf, 1, 65535, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

/* What a child acting as nobody checks: open with `desired` and expect
 * `open_err` / `granted`; then, if opened, SetClusterName and an ACL change
 * expecting `change_err`. */
struct as_nobody {
	DWORD desired, open_err, granted;
	bool try_change;
	DWORD change_err;
};

static int nobody_check(void *arg)
{
	const struct as_nobody *c = arg;
	DWORD granted = 0;
	HCLUSTER h = OpenClusterEx(NULL, c->desired, &granted);
	if (!h)
		return GetLastError() == c->open_err ? 0 : 10;
	if (c->open_err)
		return 11;
	if (granted != c->granted)
		return 12;
	int rc = 0;
	if (c->try_change) {
		DWORD e1 = SetClusterName(h, u"renamed-by-nobody");
		/* success there is "stored", ERROR_RESOURCE_PROPERTIES_STORED */
		if (c->change_err == 0 ? e1 != ERROR_RESOURCE_PROPERTIES_STORED : e1 != c->change_err)
			rc = 13;
		DWORD e2 = set_access(h, "ntlm:made-by-nobody", CLUSAPI_READ_ACCESS, CLUSTER_SET_ACCESS_TYPE_ALLOWED);
		if (e2 != c->change_err)
			rc = 14;
		if (!e2 && set_access(h, "ntlm:made-by-nobody", 0, CLUSTER_DELETE_ACCESS_CONTROL_ENTRY))
			rc = 15;
	}
	CloseCluster(h);
	return rc;
}

static void expect_nobody(DWORD desired, DWORD open_err, DWORD granted)
{
	struct as_nobody c = { desired, open_err, granted, false, 0 };
	int rc = run_as_nobody(nobody_check, &c);
	if (rc != 0)
		fail_msg("as nobody, desired 0x%08x: expected error %u granted 0x%08x, child said %d", (unsigned)desired,
			 (unsigned)open_err, (unsigned)granted, rc);
}

static void expect_nobody_change(DWORD desired, DWORD granted, DWORD change_err)
{
	struct as_nobody c = { desired, 0, granted, true, change_err };
	int rc = run_as_nobody(nobody_check, &c);
	if (rc != 0)
		fail_msg("as nobody, desired 0x%08x: expected granted 0x%08x and change error %u, child said %d",
			 (unsigned)desired, (unsigned)granted, (unsigned)change_err, rc);
}

/* ---- access ---------------------------------------------------------------------- */

static void test_grant_read_and_full(void **state)
{
	(void)state;
	need_root();
	assert_int_equal(root_set(nobody_user, CLUSAPI_READ_ACCESS, CLUSTER_SET_ACCESS_TYPE_ALLOWED), 0);
	expect_nobody(MAXIMUM_ALLOWED, 0, GENERIC_READ);
	expect_nobody(GENERIC_READ, 0, GENERIC_READ);
	expect_nobody(GENERIC_ALL, ERROR_ACCESS_DENIED, 0);
	/* read: SetClusterName and ACL changes are refused */
	expect_nobody_change(MAXIMUM_ALLOWED, GENERIC_READ, ERROR_ACCESS_DENIED);

	/* full (CLUSAPI_ALL_ACCESS, and CHANGE which implies read) replaces read */
	assert_int_equal(root_set(nobody_user, CLUSAPI_ALL_ACCESS, CLUSTER_SET_ACCESS_TYPE_ALLOWED), 0);
	expect_nobody(GENERIC_ALL, 0, GENERIC_ALL);
	expect_nobody(MAXIMUM_ALLOWED, 0, GENERIC_ALL);
	/* a full caller may change the ACL (and rename the cluster) */
	expect_nobody_change(MAXIMUM_ALLOWED, GENERIC_ALL, 0);
	/* ... but not through a handle opened for read */
	expect_nobody_change(GENERIC_READ, GENERIC_READ, ERROR_ACCESS_DENIED);
	assert_int_equal(root_set(nobody_user, CLUSAPI_CHANGE_ACCESS, CLUSTER_SET_ACCESS_TYPE_ALLOWED), 0);
	expect_nobody(GENERIC_ALL, 0, GENERIC_ALL);
	char *text = acl_text();
	char line[128];
	snprintf(line, sizeof(line), "\nuser:%s full\n", nobody_user);
	assert_non_null(strstr(text, line));
	/* one entry for the user, whatever was granted before */
	const char *first = strstr(text, line + 1);
	assert_null(strstr(first + 1, line + 1));
	free(text);

	/* removed: new handles get nothing */
	assert_int_equal(root_set(nobody_user, 0, CLUSTER_DELETE_ACCESS_CONTROL_ENTRY), 0);
	expect_nobody(MAXIMUM_ALLOWED, ERROR_ACCESS_DENIED, 0);
	assert_int_equal(root_set(nobody_user, 0, CLUSTER_DELETE_ACCESS_CONTROL_ENTRY), ERROR_NOT_FOUND);
	/* the cluster was not renamed by anyone refused */
	HCLUSTER h = open_local(GENERIC_ALL);
	assert_int_equal(SetClusterName(h, u"access-test"), ERROR_RESOURCE_PROPERTIES_STORED);
	assert_true(CloseCluster(h));
}

static void test_block_wins_over_group(void **state)
{
	(void)state;
	need_root();
	char group[100], user[100];
	snprintf(group, sizeof(group), "group:%s", nobody_group);
	snprintf(user, sizeof(user), "user:%s", nobody_user);
	assert_int_equal(root_set(group, CLUSAPI_ALL_ACCESS, CLUSTER_SET_ACCESS_TYPE_ALLOWED), 0);
	expect_nobody(MAXIMUM_ALLOWED, 0, GENERIC_ALL);
	/* blocked: CLUSAPI_NO_ACCESS, or the DENIED type with any mask */
	assert_int_equal(root_set(user, CLUSAPI_NO_ACCESS, CLUSTER_SET_ACCESS_TYPE_ALLOWED), 0);
	expect_nobody(MAXIMUM_ALLOWED, ERROR_ACCESS_DENIED, 0);
	expect_nobody(GENERIC_READ, ERROR_ACCESS_DENIED, 0);
	assert_int_equal(root_set(user, CLUSAPI_READ_ACCESS, CLUSTER_SET_ACCESS_TYPE_DENIED), 0);
	expect_nobody(GENERIC_READ, ERROR_ACCESS_DENIED, 0);
	/* a block by uid works the same */
	assert_int_equal(root_set(user, 0, CLUSTER_DELETE_ACCESS_CONTROL_ENTRY), 0);
	expect_nobody(MAXIMUM_ALLOWED, 0, GENERIC_ALL);
	assert_int_equal(root_set("uid:65534", CLUSAPI_ALL_ACCESS, CLUSTER_SET_ACCESS_TYPE_DENIED), 0);
	expect_nobody(MAXIMUM_ALLOWED, ERROR_ACCESS_DENIED, 0);

	/* the listing shows them, in file order, with their levels */
	HCLUSTER h = open_local(GENERIC_READ);
	DWORD cb = 0, count = 0;
	assert_int_equal(ClusapiGetClusterAccess(h, NULL, &cb, &count), ERROR_MORE_DATA);
	assert_true(cb > 0);
	void *buf = malloc(cb);
	assert_non_null(buf);
	DWORD small = cb - 1;
	assert_int_equal(ClusapiGetClusterAccess(h, buf, &small, &count), ERROR_MORE_DATA);
	assert_int_equal(small, cb);
	DWORD exact = cb;
	assert_int_equal(ClusapiGetClusterAccess(h, buf, &exact, &count), 0);
	assert_int_equal(exact, cb);
	const CLUSAPI_ACCESS_ENTRY *e = buf;
	bool saw_group = false, saw_block = false, saw_root = false;
	for (DWORD i = 0; i < count; i++) {
		char *who = ClusapiWideToUtf8(e[i].lpszPrincipal);
		assert_non_null(who);
		/* the strings are inside the buffer */
		assert_true((const char *)e[i].lpszPrincipal >= (const char *)buf &&
			    (const char *)e[i].lpszPrincipal < (const char *)buf + cb);
		if (!strcmp(who, group)) {
			saw_group = true;
			assert_int_equal(e[i].dwAccess, CLUSAPI_ALL_ACCESS);
			assert_int_equal(e[i].dwControlType, CLUSTER_SET_ACCESS_TYPE_ALLOWED);
		} else if (!strcmp(who, "uid:65534")) {
			saw_block = true;
			assert_int_equal(e[i].dwAccess, CLUSAPI_NO_ACCESS);
			assert_int_equal(e[i].dwControlType, CLUSTER_SET_ACCESS_TYPE_DENIED);
		} else if (!strcmp(who, "uid:0")) {
			saw_root = true;
		}
		free(who);
	}
	assert_true(saw_group && saw_block && saw_root);
	free(buf);
	/* a read handle may list but not change */
	assert_int_equal(set_access(h, "ntlm:x", CLUSAPI_READ_ACCESS, 0), ERROR_ACCESS_DENIED);
	assert_true(CloseCluster(h));
	cb = 0;
	assert_int_equal(ClusapiGetClusterAccess((HCLUSTER)(uintptr_t)12345, NULL, &cb, &count), ERROR_INVALID_HANDLE);
	cb = 10;
	assert_int_equal(ClusapiGetClusterAccess(h, NULL, &cb, &count), ERROR_INVALID_PARAMETER);

	/* clean up for the next tests */
	assert_int_equal(root_set("uid:65534", 0, CLUSTER_DELETE_ACCESS_CONTROL_ENTRY), 0);
	assert_int_equal(root_set(group, 0, CLUSTER_DELETE_ACCESS_CONTROL_ENTRY), 0);
	expect_nobody(MAXIMUM_ALLOWED, ERROR_ACCESS_DENIED, 0);
}

static void test_bad_access_arguments(void **state)
{
	(void)state;
	char *before = acl_text();
	HCLUSTER h = open_local(GENERIC_ALL);
	static const char *const bad_names[] = { "", "a b", "user:", "uid:x", "kerberos:nouser", "DOMAIN\\alice",
						 "host:x", "ntlm:a:b", "user:#x" };
	for (size_t i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++)
		if (set_access(h, bad_names[i], CLUSAPI_READ_ACCESS, CLUSTER_SET_ACCESS_TYPE_ALLOWED) !=
		    ERROR_INVALID_PARAMETER)
			fail_msg("\"%s\" was not refused", bad_names[i]);
	assert_int_equal(set_access(h, "S-1-5-32-544", CLUSAPI_READ_ACCESS, 0), ERROR_NONE_MAPPED);
	assert_int_equal(set_access(h, "alice", 0, 0), ERROR_INVALID_PARAMETER);
	assert_int_equal(set_access(h, "alice", 8, 0), ERROR_INVALID_PARAMETER);
	assert_int_equal(set_access(h, "alice", CLUSAPI_READ_ACCESS | CLUSAPI_NO_ACCESS, 0), ERROR_INVALID_PARAMETER);
	assert_int_equal(set_access(h, "alice", CLUSAPI_READ_ACCESS, 3), ERROR_INVALID_PARAMETER);
	assert_int_equal(ClusterSetAccountAccess(h, NULL, 1, 0), ERROR_INVALID_PARAMETER);
	assert_int_equal(set_access((HCLUSTER)(uintptr_t)777, "alice", 1, 0), ERROR_INVALID_HANDLE);
	assert_true(CloseCluster(h));
	char *after = acl_text();
	assert_string_equal(before, after);
	free(before);
	free(after);

	/* a bare NAME is user:NAME, a bare USER@REALM kerberos:USER@REALM */
	assert_int_equal(root_set("carol", CLUSAPI_READ_ACCESS, 0), 0);
	assert_int_equal(root_set("carol@EXAMPLE.ORG", CLUSAPI_ALL_ACCESS, 0), 0);
	char *text = acl_text();
	assert_non_null(strstr(text, "\nuser:carol read\n"));
	assert_non_null(strstr(text, "\nkerberos:carol@EXAMPLE.ORG full\n"));
	free(text);
	assert_int_equal(root_set("user:carol", 0, CLUSTER_DELETE_ACCESS_CONTROL_ENTRY), 0);
	assert_int_equal(root_set("kerberos:carol@EXAMPLE.ORG", 0, CLUSTER_DELETE_ACCESS_CONTROL_ENTRY), 0);
}

static void test_acl_survives_restart(void **state)
{
	(void)state;
	need_root();
	assert_int_equal(root_set(nobody_user, CLUSAPI_READ_ACCESS, 0), 0);
	assert_int_equal(root_set("ntlm:Dora", CLUSAPI_ALL_ACCESS, 0), 0);
	assert_int_equal(daemon_stop(&d), 0);
	assert_int_equal(daemon_restart(&d, DAEMON_LPC_ONLY, NULL), 0);
	expect_nobody(MAXIMUM_ALLOWED, 0, GENERIC_READ);
	char *text = acl_text();
	assert_non_null(strstr(text, "\nntlm:Dora full\n"));
	free(text);
	assert_int_equal(root_set(nobody_user, 0, CLUSTER_DELETE_ACCESS_CONTROL_ENTRY), 0);
	assert_int_equal(root_set("ntlm:dora", 0, CLUSTER_DELETE_ACCESS_CONTROL_ENTRY), 0);
	expect_nobody(MAXIMUM_ALLOWED, ERROR_ACCESS_DENIED, 0);
}

/* ---- accounts -------------------------------------------------------------------- */

/* The account names, through the (buffer, count) convention. */
static size_t list_accounts(HCLUSTER h, char names[][80], size_t max)
{
	DWORD cch = 0;
	assert_int_equal(ClusapiEnumAccounts(h, NULL, &cch), ERROR_MORE_DATA);
	assert_true(cch >= 1);
	LPWSTR buf = malloc(cch * sizeof(WCHAR));
	assert_non_null(buf);
	DWORD small = cch - 1;
	if (small) {
		assert_int_equal(ClusapiEnumAccounts(h, buf, &small), ERROR_MORE_DATA);
		assert_int_equal(small, cch);
	}
	DWORD got = cch;
	assert_int_equal(ClusapiEnumAccounts(h, buf, &got), 0);
	assert_int_equal(got, cch);
	size_t n = 0;
	for (LPWSTR p = buf; *p && n < max;) {
		char *s = ClusapiWideToUtf8(p);
		assert_non_null(s);
		snprintf(names[n++], 80, "%s", s);
		free(s);
		while (*p)
			p++;
		p++;
	}
	free(buf);
	return n;
}

static void test_accounts_as_root(void **state)
{
	(void)state;
	if (geteuid() != 0) {
		fprintf(stderr, "skipped: account management is for root\n");
		skip();
	}
	HCLUSTER h = open_local(GENERIC_READ); /* any handle will do for root */
	char names[8][80];
	assert_int_equal(list_accounts(h, names, 8), 0);
	assert_int_equal(ClusapiAddAccount(h, u"Alice", u"Password"), 0);
	assert_int_equal(ClusapiAddAccount(h, u"bob", u"p\u00e4ssw\u00f6rd"), 0);
	/* the file holds NT hashes (MS-NLMP 4.2.2.1.2 for "Password"), is 0600 */
	char *text = accounts_text();
	assert_non_null(strstr(text, "\nAlice a4f49c406510bdcab6824ee7c30fd852\n"));
	assert_null(strstr(text, "Password"));
	free(text);
	char path[400];
	struct stat st;
	snprintf(path, sizeof(path), "%s/accounts", d.state);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(list_accounts(h, names, 8), 2);
	assert_string_equal(names[0], "Alice");
	assert_string_equal(names[1], "bob");
	/* setting again (any case) changes the password, keeps one account */
	assert_int_equal(ClusapiAddAccount(h, u"ALICE", u"other"), 0);
	assert_int_equal(list_accounts(h, names, 8), 2);
	text = accounts_text();
	assert_null(strstr(text, "a4f49c406510bdcab6824ee7c30fd852"));
	free(text);

	/* bad input changes nothing */
	text = accounts_text();
	static const char16_t *const bad[] = { u"a b", u"a:b", u"a\\b", u"a@b", u"#a", u"a\tb",
					       u"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(ClusapiAddAccount(h, bad[i], u"pw"), ERROR_INVALID_PARAMETER);
		assert_int_equal(ClusapiRemoveAccount(h, bad[i]), ERROR_INVALID_PARAMETER);
	}
	assert_int_equal(ClusapiAddAccount(h, u"", u"pw"), ERROR_INVALID_PARAMETER);
	assert_int_equal(ClusapiAddAccount(h, u"carol", u""), ERROR_INVALID_PARAMETER);
	assert_int_equal(ClusapiAddAccount(h, NULL, u"pw"), ERROR_INVALID_PARAMETER);
	assert_int_equal(ClusapiAddAccount(h, u"carol", NULL), ERROR_INVALID_PARAMETER);
	static const char16_t lone[] = { 'p', 0xd800, 0 }; /* a lone surrogate */
	assert_int_equal(ClusapiAddAccount(h, u"carol", lone), ERROR_INVALID_DATA);
	char16_t longpw[300];
	for (int i = 0; i < 299; i++)
		longpw[i] = 'x';
	longpw[299] = 0;
	assert_int_equal(ClusapiAddAccount(h, u"carol", longpw), ERROR_INVALID_PARAMETER);
	assert_int_equal(ClusapiRemoveAccount(h, u"carol"), ERROR_NO_SUCH_USER);
	DWORD cch = 5;
	assert_int_equal(ClusapiEnumAccounts(h, NULL, &cch), ERROR_INVALID_PARAMETER);
	char *after = accounts_text();
	assert_string_equal(text, after);
	free(text);
	free(after);

	assert_int_equal(ClusapiRemoveAccount(h, u"alice"), 0);
	assert_int_equal(ClusapiRemoveAccount(h, u"alice"), ERROR_NO_SUCH_USER);
	assert_int_equal(list_accounts(h, names, 8), 1);
	assert_string_equal(names[0], "bob");
	assert_true(CloseCluster(h));

	/* accounts survive a restart */
	assert_int_equal(daemon_stop(&d), 0);
	assert_int_equal(daemon_restart(&d, DAEMON_LPC_ONLY, NULL), 0);
	h = open_local(GENERIC_ALL);
	assert_int_equal(list_accounts(h, names, 8), 1);
	assert_int_equal(ClusapiRemoveAccount(h, u"BOB"), 0);
	assert_int_equal(list_accounts(h, names, 8), 0);
	assert_true(CloseCluster(h));
}

static int nobody_accounts(void *arg)
{
	(void)arg;
	HCLUSTER h = OpenClusterEx(NULL, GENERIC_ALL, NULL);
	if (!h)
		return 20;
	int rc = 0;
	DWORD cch = 0;
	if (ClusapiAddAccount(h, u"mallory", u"pw") != ERROR_ACCESS_DENIED)
		rc = 21;
	if (ClusapiRemoveAccount(h, u"victim") != ERROR_ACCESS_DENIED)
		rc = 22;
	if (ClusapiEnumAccounts(h, NULL, &cch) != ERROR_ACCESS_DENIED)
		rc = 23;
	CloseCluster(h);
	return rc;
}

static void test_accounts_refused_to_others(void **state)
{
	(void)state;
	need_root();
	HCLUSTER h = open_local(GENERIC_ALL);
	assert_int_equal(ClusapiAddAccount(h, u"victim", u"pw"), 0);
	/* even with full cluster access, a non-root caller may not touch accounts */
	assert_int_equal(set_access(h, "uid:65534", CLUSAPI_ALL_ACCESS, 0), 0);
	int rc = run_as_nobody(nobody_accounts, NULL);
	assert_int_equal(rc, 0);
	char names[4][80];
	assert_int_equal(list_accounts(h, names, 4), 1);
	assert_string_equal(names[0], "victim");
	assert_int_equal(ClusapiRemoveAccount(h, u"victim"), 0);
	assert_int_equal(set_access(h, "uid:65534", 0, CLUSTER_DELETE_ACCESS_CONTROL_ENTRY), 0);
	assert_true(CloseCluster(h));
}

/* ---- malformed buffers on the wire -------------------------------------------------- */

struct wire {
	struct rpc_client c;
	struct rpc_ctx_handle h;
};

static void wire_open(struct wire *w)
{
	struct ndr_push req;
	uint8_t *buf;
	size_t len;
	bool be;
	struct ndr_pull in;
	struct cmrp_open_cluster_out o;

	rpc_client_init(&w->c);
	assert_int_equal(rpc_client_connect_unix(&w->c, d.lpc), 0);
	assert_int_equal(rpc_client_bind(&w->c, &cmrp_syntax), 0);
	ndr_push_init(&req);
	cmrp_open_cluster_ex_encode_in(&req, GENERIC_ALL);
	assert_int_equal(rpc_client_call(&w->c, CMRP_OPEN_CLUSTER_EX, req.data, req.len, &buf, &len, &be), 0);
	ndr_push_free(&req);
	ndr_pull_init(&in, buf, len, be);
	assert_true(cmrp_open_cluster_decode_out(&in, &o, true));
	assert_int_equal(o.status, 0);
	free(buf);
	w->h = o.handle;
}

static uint32_t wire_control(struct wire *w, uint32_t code, const void *data, uint32_t len, bool present,
			     uint32_t out_size)
{
	struct ndr_push req;
	uint8_t *buf;
	size_t blen;
	bool be;
	struct ndr_pull in;
	struct cmrp_control_in r = { .handle = w->h, .code = code, .out_size = out_size };
	struct cmrp_control_out o;
	r.in.present = present;
	r.in.data = (uint8_t *)data;
	r.in.len = len;
	ndr_push_init(&req);
	cmrp_control_encode_in(&req, &r, CMRP_CONTROL_PLAIN);
	assert_int_equal(rpc_client_call(&w->c, CMRP_CLUSTER_CONTROL, req.data, req.len, &buf, &blen, &be), 0);
	ndr_push_free(&req);
	ndr_pull_init(&in, buf, blen, be);
	memset(&o, 0, sizeof(o));
	assert_true(cmrp_control_decode_out(&in, &o));
	free(buf);
	uint32_t result = o.result;
	cmrp_control_out_free(&o);
	return result;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* Append a property (name, format, value) to a list at *off. */
static void prop(uint8_t *b, size_t *off, const char *name, uint32_t format, const void *value, uint32_t len)
{
	size_t n = strlen(name), nb = (n + 1) * 2;
	put32(b + *off, 0x00040003u);
	put32(b + *off + 4, (uint32_t)nb);
	*off += 8;
	for (size_t i = 0; i <= n; i++) {
		b[(*off)++] = (uint8_t)name[i];
		b[(*off)++] = 0;
	}
	*off += (4 - nb % 4) % 4;
	put32(b + *off, 0x00010000u | format);
	put32(b + *off + 4, len);
	*off += 8;
	memcpy(b + *off, value, len);
	*off += len + (4 - len % 4) % 4;
	put32(b + *off, 0);
	*off += 4;
}

static uint32_t wstr(uint8_t *out, const char *ascii)
{
	size_t n = strlen(ascii);
	for (size_t i = 0; i <= n; i++) {
		out[2 * i] = (uint8_t)ascii[i];
		out[2 * i + 1] = 0;
	}
	return (uint32_t)((n + 1) * 2);
}

/* A SET_ACCOUNT_ACCESS list: sid, mask, type, plus an optional extra. */
static size_t set_list(uint8_t *b, const char *sid, uint32_t mask, uint32_t type, uint32_t count, bool extra)
{
	uint8_t s[200], m[4], t[4];
	size_t off = 4;
	memset(b, 0, 1024);
	put32(b, count);
	prop(b, &off, "AccountSID", 3, s, wstr(s, sid));
	put32(m, mask);
	prop(b, &off, "AccountAccessMask", 2, m, 4);
	put32(t, type);
	prop(b, &off, "AccountAccessType", 2, t, 4);
	if (extra)
		prop(b, &off, "AccountAccessType", 2, t, 4);
	return off;
}

static void test_malformed_on_the_wire(void **state)
{
	(void)state;
	struct wire w;
	uint8_t b[1024];
	wire_open(&w);
	char *acl_before = acl_text();
	char *acc_before = accounts_text();

	/* a well-formed list works (and is undone), so the rest test what they should */
	size_t n = set_list(b, "ntlm:wiretest", CLUSAPI_READ_ACCESS, 0, 3, false);
	assert_int_equal(wire_control(&w, CLUSCTL_CLUSTER_SET_ACCOUNT_ACCESS, b, (uint32_t)n, true, 0), 0);
	n = set_list(b, "ntlm:wiretest", 0, CLUSTER_DELETE_ACCESS_CONTROL_ENTRY, 3, false);
	assert_int_equal(wire_control(&w, CLUSCTL_CLUSTER_SET_ACCOUNT_ACCESS, b, (uint32_t)n, true, 0), 0);

	n = set_list(b, "ntlm:wiretest", CLUSAPI_READ_ACCESS, 0, 3, false);
	/* truncated anywhere: malformed */
	for (size_t cut = 0; cut < n; cut += 3)
		if (wire_control(&w, CLUSCTL_CLUSTER_SET_ACCOUNT_ACCESS, b, (uint32_t)cut, true, 0) != ERROR_INVALID_DATA)
			fail_msg("a list cut at %zu bytes was not ERROR_INVALID_DATA", cut);
	assert_int_equal(wire_control(&w, CLUSCTL_CLUSTER_SET_ACCOUNT_ACCESS, NULL, 0, false, 0), ERROR_INVALID_DATA);
	/* a count larger than what is there */
	put32(b, 1000000);
	assert_int_equal(wire_control(&w, CLUSCTL_CLUSTER_SET_ACCOUNT_ACCESS, b, (uint32_t)n, true, 0),
			 ERROR_INVALID_DATA);
	/* one property too few, one twice, an unknown one */
	n = set_list(b, "ntlm:wiretest", CLUSAPI_READ_ACCESS, 0, 2, false);
	assert_int_not_equal(wire_control(&w, CLUSCTL_CLUSTER_SET_ACCOUNT_ACCESS, b, (uint32_t)n, true, 0), 0);
	n = set_list(b, "ntlm:wiretest", CLUSAPI_READ_ACCESS, 0, 4, true);
	assert_int_equal(wire_control(&w, CLUSCTL_CLUSTER_SET_ACCOUNT_ACCESS, b, (uint32_t)n, true, 0),
			 ERROR_INVALID_PARAMETER);
	size_t off = 4;
	uint8_t v[4] = { 1, 0, 0, 0 };
	put32(b, 1);
	prop(b, &off, "Bogus", 2, v, 4);
	assert_int_equal(wire_control(&w, CLUSCTL_CLUSTER_SET_ACCOUNT_ACCESS, b, (uint32_t)off, true, 0),
			 ERROR_INVALID_PARAMETER);
	/* a SID value that is not a terminated string */
	n = set_list(b, "ntlm:wiretest", CLUSAPI_READ_ACCESS, 0, 3, false);
	b[4 + 8 + 24 + 8 + 26] = 'x'; /* the SID's NUL ("ntlm:wiretest" is 13 units) */
	b[4 + 8 + 24 + 8 + 27] = 0;
	assert_int_equal(wire_control(&w, CLUSCTL_CLUSTER_SET_ACCOUNT_ACCESS, b, (uint32_t)n, true, 0),
			 ERROR_INVALID_DATA);

	/* accounts: wrong sizes and shapes */
	uint8_t a[200];
	memset(a, 0x11, 16);
	uint32_t nl = wstr(a + 16, "wireuser");
	assert_int_equal(wire_control(&w, CLUSCTL_CLUSTER_CLUSAPI_ADD_ACCOUNT, a, 16, true, 0), ERROR_INVALID_DATA);
	assert_int_equal(wire_control(&w, CLUSCTL_CLUSTER_CLUSAPI_ADD_ACCOUNT, a, 19, true, 0), ERROR_INVALID_DATA);
	assert_int_equal(wire_control(&w, CLUSCTL_CLUSTER_CLUSAPI_ADD_ACCOUNT, a, 16 + nl - 2, true, 0),
			 ERROR_INVALID_DATA); /* no NUL */
	assert_int_equal(wire_control(&w, CLUSCTL_CLUSTER_CLUSAPI_ADD_ACCOUNT, a, 16 + nl - 1, true, 0),
			 ERROR_INVALID_DATA); /* odd */
	a[16 + nl] = 0;
	a[16 + nl + 1] = 0;
	assert_int_equal(wire_control(&w, CLUSCTL_CLUSTER_CLUSAPI_ADD_ACCOUNT, a, 16 + nl + 2, true, 0),
			 ERROR_INVALID_DATA); /* two NULs */
	assert_int_equal(wire_control(&w, CLUSCTL_CLUSTER_CLUSAPI_ADD_ACCOUNT, NULL, 0, false, 0), ERROR_INVALID_DATA);
	assert_int_equal(wire_control(&w, CLUSCTL_CLUSTER_CLUSAPI_REMOVE_ACCOUNT, a + 16, nl - 2, true, 0),
			 ERROR_INVALID_DATA);
	assert_int_equal(wire_control(&w, CLUSCTL_CLUSTER_CLUSAPI_REMOVE_ACCOUNT, NULL, 0, false, 0),
			 ERROR_INVALID_DATA);
	uint32_t bl = wstr(a + 16, "bad name");
	assert_int_equal(wire_control(&w, CLUSCTL_CLUSTER_CLUSAPI_ADD_ACCOUNT, a, 16 + bl, true, 0),
			 ERROR_INVALID_PARAMETER);
	/* the read codes take no input; too small an output is ERROR_MORE_DATA */
	assert_int_equal(wire_control(&w, CLUSCTL_CLUSTER_CLUSAPI_GET_ACCESS, a, 4, true, 4096), ERROR_INVALID_DATA);
	assert_int_equal(wire_control(&w, CLUSCTL_CLUSTER_CLUSAPI_ENUM_ACCOUNTS, a, 4, true, 4096),
			 ERROR_INVALID_DATA);
	assert_int_equal(wire_control(&w, CLUSCTL_CLUSTER_CLUSAPI_GET_ACCESS, NULL, 0, false, 3), ERROR_MORE_DATA);
	assert_int_equal(wire_control(&w, CLUSCTL_CLUSTER_CLUSAPI_ENUM_ACCOUNTS, NULL, 0, false, 1), ERROR_MORE_DATA);
	/* neighbours in the user range are not ours */
	assert_int_equal(wire_control(&w, 0x07200001u, NULL, 0, false, 64), ERROR_INVALID_FUNCTION);
	assert_int_equal(wire_control(&w, 0x07600016u, NULL, 0, false, 64), ERROR_INVALID_FUNCTION);

	char *acl_after = acl_text(), *acc_after = accounts_text();
	assert_string_equal(acl_before, acl_after);
	assert_string_equal(acc_before, acc_after);
	free(acl_before);
	free(acl_after);
	free(acc_before);
	free(acc_after);
	rpc_client_close(&w.c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grant_read_and_full),
		cmocka_unit_test(test_block_wins_over_group),
		cmocka_unit_test(test_bad_access_arguments),
		cmocka_unit_test(test_acl_survives_restart),
		cmocka_unit_test(test_accounts_as_root),
		cmocka_unit_test(test_accounts_refused_to_others),
		cmocka_unit_test(test_malformed_on_the_wire),
	};
	return daemon_finish(cmocka_run_group_tests(tests, group_setup, group_teardown));
}
