/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for src/server/access.c (ACL parsing, rights, the access-mask
 * mapping of MS-CMRP 3.1.4) and src/server/session.c (the handle table). */
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "base/werror.h"
#include "rpc/ntlmssp.h"
#include "server/access.h"
#include "server/accounts.h"
#include "server/session.h"

/* ---- ACL parsing --------------------------------------------------------- */

static void test_acl_parse_valid(void **state)
{
	(void)state;
	struct acl a;
	char err[256] = "";
	const char *text = "# cluster ACL\n"
			   "\n"
			   "uid:1000 full\n"
			   "  gid:50\tread   # trailing comment\n"
			   "\t\n"
			   "anonymous read\r\n"
			   "uid:4294967295 deny\n"
			   "gid:0 full"; /* no final newline */

	assert_int_equal(acl_parse(text, &a, err, sizeof(err)), 0);
	assert_int_equal(a.n, 5);
	assert_false(a.allow_anonymous);
	assert_int_equal(a.entries[0].subject, ACL_UID);
	assert_int_equal(a.entries[0].id, 1000);
	assert_int_equal(a.entries[0].level, ACL_FULL);
	assert_int_equal(a.entries[1].subject, ACL_GID);
	assert_int_equal(a.entries[1].id, 50);
	assert_int_equal(a.entries[1].level, ACL_READ);
	assert_int_equal(a.entries[2].subject, ACL_ANONYMOUS);
	assert_int_equal(a.entries[2].level, ACL_READ);
	assert_int_equal(a.entries[3].subject, ACL_UID);
	assert_int_equal(a.entries[3].id, 4294967295u);
	assert_int_equal(a.entries[3].level, ACL_DENY);
	assert_int_equal(a.entries[4].subject, ACL_GID);
	assert_int_equal(a.entries[4].id, 0);
	acl_free(&a);
	assert_null(a.entries);
	assert_int_equal(a.n, 0);

	/* empty and comment-only texts are valid, empty ACLs */
	assert_int_equal(acl_parse("", &a, err, sizeof(err)), 0);
	assert_int_equal(a.n, 0);
	acl_free(&a);
	assert_int_equal(acl_parse("# nothing\n   \n#uid:0 full\n", &a, err, sizeof(err)), 0);
	assert_int_equal(a.n, 0);
	acl_free(&a);
}

static void test_acl_parse_names(void **state)
{
	(void)state;
	struct acl a;
	char err[256] = "";
	struct passwd *pw = getpwuid(0);

	if (!pw)
		skip();
	char text[512];
	snprintf(text, sizeof(text),
		 "user:%s full\n"
		 "user:no-such-user-for-clusapi-tests read\n"
		 "group:no-such-group-for-clusapi-tests full\n"
		 "uid:7 read\n",
		 pw->pw_name);
	/* names this host does not know are kept (an NTLM-only user:alice need not
	 * exist in /etc/passwd), unresolved */
	assert_int_equal(acl_parse(text, &a, err, sizeof(err)), 0);
	assert_int_equal(a.n, 4);
	assert_int_equal(a.entries[0].subject, ACL_USER);
	assert_true(a.entries[0].resolved);
	assert_int_equal(a.entries[0].id, 0);
	assert_string_equal(a.entries[0].name, pw->pw_name);
	assert_int_equal(a.entries[0].level, ACL_FULL);
	assert_int_equal(a.entries[1].subject, ACL_USER);
	assert_false(a.entries[1].resolved);
	assert_string_equal(a.entries[1].name, "no-such-user-for-clusapi-tests");
	assert_int_equal(a.entries[2].subject, ACL_GROUP);
	assert_false(a.entries[2].resolved);
	assert_int_equal(a.entries[3].subject, ACL_UID);
	assert_int_equal(a.entries[3].id, 7);
	acl_free(&a);

	/* the new kinds */
	assert_int_equal(acl_parse("ntlm:Alice read\nkerberos:bob/admin@EXAMPLE.ORG full\n", &a, err, sizeof(err)), 0);
	assert_int_equal(a.n, 2);
	assert_int_equal(a.entries[0].subject, ACL_NTLM);
	assert_string_equal(a.entries[0].name, "Alice");
	assert_int_equal(a.entries[1].subject, ACL_KERBEROS);
	assert_string_equal(a.entries[1].name, "bob/admin@EXAMPLE.ORG");
	acl_free(&a);
}

static void expect_parse_error(const char *text, const char *want_prefix)
{
	struct acl a;
	char err[256] = "";

	a.entries = (struct acl_entry *)(uintptr_t)1;
	assert_int_equal(acl_parse(text, &a, err, sizeof(err)), -1);
	if (strncmp(err, want_prefix, strlen(want_prefix)) != 0)
		fail_msg("error \"%s\" does not start with \"%s\"", err, want_prefix);
	assert_null(a.entries);
	assert_int_equal(a.n, 0);
}

static void test_acl_parse_errors(void **state)
{
	(void)state;
	expect_parse_error("uid:1 full\nuid:2 write\n", "2: unknown access \"write\"");
	expect_parse_error("# c\n\nuid:abc read\n", "3: \"abc\" is not a number");
	expect_parse_error("uid:-1 read", "1: \"-1\" is not a number");
	expect_parse_error("uid:4294967296 read", "1: \"4294967296\" is not a number");
	expect_parse_error("uid:12x read", "1: \"12x\" is not a number");
	expect_parse_error("gid: read", "1: unknown principal");
	expect_parse_error("bob full", "1: unknown principal \"bob\"");
	expect_parse_error("host:x full", "1: unknown principal kind \"host\"");
	expect_parse_error("ntlm:a:b full", "1: \"a:b\" is not a valid name");
	expect_parse_error("user:a\\b full", "1: \"a\\b\" is not a valid name");
	expect_parse_error("user:a@b full", "1: \"a@b\" is not a valid name");
	expect_parse_error("ntlm:\x01x full", "1: ");
	expect_parse_error("ntlm:\xff\xfe full", "1: "); /* not UTF-8 */
	expect_parse_error("user:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa full", "1: "); /* 65 */
	expect_parse_error("kerberos:alice full", "1: \"alice\" is not a Kerberos principal");
	expect_parse_error("kerberos:@R full", "1: ");
	expect_parse_error("kerberos:alice@ full", "1: ");
	expect_parse_error("alice full", "1: unknown principal \"alice\"");
	expect_parse_error("uid:1\n", "1: expected \"PRINCIPAL ACCESS\"");
	expect_parse_error("uid:1 full\nuid:2 full extra\n", "2: expected");
	expect_parse_error("anonymous FULL\n", "1: unknown access");
	/* a valid line before the error is discarded with the rest */
	expect_parse_error("uid:1 full\nuid:2 full\nuid:3 full\n\n# x\nnonsense\n", "6: ");

	char *longline = malloc(700);
	assert_non_null(longline);
	memset(longline, 'x', 699);
	longline[699] = 0;
	memcpy(longline, "uid:1 full\n", 11);
	expect_parse_error(longline, "2: line too long");
	free(longline);
}

/* ---- rights --------------------------------------------------------------- */

static struct principal local(uid_t uid, gid_t gid, size_t ngroups, const gid_t *groups)
{
	struct principal p;
	memset(&p, 0, sizeof(p));
	p.kind = PRINCIPAL_LOCAL;
	p.uid = uid;
	p.gid = gid;
	p.ngroups = ngroups;
	for (size_t i = 0; i < ngroups; i++)
		p.groups[i] = groups[i];
	return p;
}

static unsigned rights_for(const char *text, const struct principal *p, bool allow_anonymous)
{
	struct acl a;
	char err[256];
	assert_int_equal(acl_parse(text, &a, err, sizeof(err)), 0);
	a.allow_anonymous = allow_anonymous;
	unsigned r = acl_rights(&a, p);
	acl_free(&a);
	return r;
}

static void test_acl_rights(void **state)
{
	(void)state;
	static const gid_t groups[] = { 200, 300 };
	struct principal alice = local(1000, 100, 2, groups);
	struct principal root = local(0, 0, 0, NULL);
	struct principal anon;

	memset(&anon, 0, sizeof(anon)); /* uid 0 and gid 0, but anonymous */
	anon.kind = PRINCIPAL_ANONYMOUS;

	assert_int_equal(rights_for("uid:1000 full", &alice, false), ACCESS_ALL);
	assert_int_equal(rights_for("uid:1000 read", &alice, false), ACCESS_READ);
	assert_int_equal(rights_for("uid:1001 full", &alice, false), 0);
	assert_int_equal(rights_for("", &alice, false), 0);
	/* primary and supplementary groups */
	assert_int_equal(rights_for("gid:100 read", &alice, false), ACCESS_READ);
	assert_int_equal(rights_for("gid:300 full", &alice, false), ACCESS_ALL);
	assert_int_equal(rights_for("gid:400 full", &alice, false), 0);
	/* grants add up */
	assert_int_equal(rights_for("gid:200 read\nuid:1000 read\ngid:300 full", &alice, false), ACCESS_ALL);
	/* a matching deny wins over any grant, wherever it is */
	assert_int_equal(rights_for("gid:300 full\nuid:1000 deny", &alice, false), 0);
	assert_int_equal(rights_for("uid:1000 deny\ngid:300 full", &alice, false), 0);
	assert_int_equal(rights_for("uid:1000 full\ngid:200 deny", &alice, false), 0);
	assert_int_equal(rights_for("uid:1000 full\ngid:100 deny", &alice, false), 0);
	/* a deny for someone else does nothing */
	assert_int_equal(rights_for("uid:1000 full\ngid:999 deny\nuid:0 deny", &alice, false), ACCESS_ALL);

	/* anonymous entries match only anonymous callers */
	assert_int_equal(rights_for("anonymous read", &anon, false), ACCESS_READ);
	assert_int_equal(rights_for("anonymous full", &anon, false), ACCESS_ALL);
	assert_int_equal(rights_for("anonymous full", &alice, false), 0);
	assert_int_equal(rights_for("anonymous full", &root, false), 0);
	assert_int_equal(rights_for("anonymous full\nanonymous deny", &anon, false), 0);
	/* an anonymous caller is not uid 0 / gid 0 */
	assert_int_equal(rights_for("uid:0 full\ngid:0 full", &anon, false), 0);
	assert_int_equal(rights_for("uid:0 full", &root, false), ACCESS_ALL);

	/* allow_anonymous: every anonymous caller gets everything; locals as before */
	assert_int_equal(rights_for("", &anon, true), ACCESS_ALL);
	assert_int_equal(rights_for("", &alice, true), 0);
	assert_int_equal(rights_for("uid:1000 read", &alice, true), ACCESS_READ);

	char buf[64];
	principal_describe(&anon, buf, sizeof(buf));
	assert_string_equal(buf, "anonymous");
	principal_describe(&alice, buf, sizeof(buf));
	assert_string_equal(buf, "uid 1000 gid 100");
}

static struct principal remote(enum principal_kind kind, const char *name, const char *local_name)
{
	struct principal p;
	memset(&p, 0, sizeof(p));
	p.kind = kind;
	/* uid 0 / gid 0 in the LPC fields must mean nothing for a remote caller */
	snprintf(p.name, sizeof(p.name), "%s", name);
	snprintf(p.local_name, sizeof(p.local_name), "%s", local_name ? local_name : "");
	return p;
}

static void test_acl_rights_remote(void **state)
{
	(void)state;
	struct principal alice = remote(PRINCIPAL_NTLM, "ALICE", NULL);
	struct principal kalice = remote(PRINCIPAL_KERBEROS, "alice@EXAMPLE.ORG", "alice");
	struct principal knomap = remote(PRINCIPAL_KERBEROS, "carol@EXAMPLE.ORG", NULL);
	struct principal nameless = remote(PRINCIPAL_NTLM, "", NULL);
	struct principal lpc_root = local(0, 0, 0, NULL);

	/* user:NAME: the NTLM account (ASCII case ignored), the Kerberos local name */
	assert_int_equal(rights_for("user:alice full", &alice, false), ACCESS_ALL);
	assert_int_equal(rights_for("user:Alice read", &alice, false), ACCESS_READ);
	assert_int_equal(rights_for("user:alice full", &kalice, false), ACCESS_ALL);
	assert_int_equal(rights_for("user:Alice full", &kalice, false), 0); /* Unix names keep their case */
	assert_int_equal(rights_for("user:carol full", &knomap, false), 0); /* no local name: no user: match */
	assert_int_equal(rights_for("user:bob full", &alice, false), 0);
	/* ntlm:NAME only for NTLM callers, kerberos:P@R only for exactly that principal */
	assert_int_equal(rights_for("ntlm:alice full", &alice, false), ACCESS_ALL);
	assert_int_equal(rights_for("ntlm:alice full", &kalice, false), 0);
	assert_int_equal(rights_for("kerberos:alice@EXAMPLE.ORG read", &kalice, false), ACCESS_READ);
	assert_int_equal(rights_for("kerberos:alice@example.org read", &kalice, false), 0);
	assert_int_equal(rights_for("kerberos:alice@EXAMPLE.ORG read", &alice, false), 0);
	assert_int_equal(rights_for("kerberos:carol@EXAMPLE.ORG full", &knomap, false), ACCESS_ALL);
	/* LPC-only forms never match a remote caller, nor anonymous */
	assert_int_equal(rights_for("uid:0 full\ngid:0 full\nanonymous full", &alice, false), 0);
	assert_int_equal(rights_for("", &alice, true), 0);
	/* the remote kinds never match an LPC caller */
	assert_int_equal(rights_for("ntlm:root full\nkerberos:root@R full", &lpc_root, false), 0);
	/* a remote caller with no name is nobody */
	assert_int_equal(rights_for("ntlm:x full", &nameless, false), 0);
	/* deny wins for remote callers too */
	assert_int_equal(rights_for("user:alice full\nntlm:ALICE deny", &alice, false), 0);
	assert_int_equal(rights_for("kerberos:alice@EXAMPLE.ORG deny\nuser:alice full", &kalice, false), 0);

	/* groups of the local Unix user: root is in group 0 on every system */
	struct passwd *pw = getpwuid(0);
	if (!pw)
		return;
	struct group *gr = getgrgid(0);
	char gline[128];
	struct principal nroot = remote(PRINCIPAL_NTLM, "ROOT", NULL); /* lower case tried too */
	struct principal kroot = remote(PRINCIPAL_KERBEROS, "admin@EXAMPLE.ORG", pw->pw_name);
	assert_int_equal(rights_for("gid:0 read", &nroot, false), ACCESS_READ);
	assert_int_equal(rights_for("gid:0 full", &kroot, false), ACCESS_ALL);
	assert_int_equal(rights_for("gid:0 full", &alice, false), 0);
	if (gr) {
		snprintf(gline, sizeof(gline), "group:%s full", gr->gr_name);
		assert_int_equal(rights_for(gline, &nroot, false), ACCESS_ALL);
		assert_int_equal(rights_for(gline, &kroot, false), ACCESS_ALL);
		assert_int_equal(rights_for(gline, &knomap, false), 0);
		/* a blocked user stays blocked when a group grants full */
		snprintf(gline, sizeof(gline), "group:%s full\nntlm:root deny", gr->gr_name);
		assert_int_equal(rights_for(gline, &nroot, false), 0);
	}

	char buf[300];
	principal_describe(&alice, buf, sizeof(buf));
	assert_string_equal(buf, "ntlm ALICE");
	principal_describe(&kalice, buf, sizeof(buf));
	assert_string_equal(buf, "kerberos alice@EXAMPLE.ORG as alice");
}

static void expect_principal(const char *text, bool bare_ok, int rc, const char *canonical)
{
	struct acl_entry e;
	char err[300] = "", buf[ACL_PRINCIPAL_MAX];
	int got = acl_principal_parse(text, bare_ok, &e, err, sizeof(err));
	if (got != rc)
		fail_msg("\"%s\": rc %d, want %d (%s)", text, got, rc, err);
	if (rc == 0) {
		acl_principal_format(&e, buf, sizeof(buf));
		assert_string_equal(buf, canonical);
		acl_entry_clear(&e);
	} else {
		assert_true(err[0]);
	}
}

static void test_acl_principals(void **state)
{
	(void)state;
	expect_principal("user:alice", false, 0, "user:alice");
	expect_principal("alice", true, 0, "user:alice");
	expect_principal("alice", false, -1, NULL);
	expect_principal("alice@EXAMPLE.ORG", true, 0, "kerberos:alice@EXAMPLE.ORG");
	expect_principal("uid:0042", false, 0, "uid:42");
	expect_principal("gid:7", true, 0, "gid:7");
	expect_principal("anonymous", true, 0, "anonymous");
	expect_principal("ntlm:Bob", false, 0, "ntlm:Bob");
	expect_principal("group:wheel", false, 0, "group:wheel");
	expect_principal("", true, -1, NULL);
	expect_principal("user:", true, -1, NULL);
	expect_principal("user:a b", true, -1, NULL);
	expect_principal("DOMAIN\\alice", true, -1, NULL);
	expect_principal("uid:+1", true, -1, NULL);
	expect_principal("uid: 1", true, -1, NULL);
	expect_principal("averyveryverylongkindname:x", true, -1, NULL);

	struct acl_entry a, b;
	char err[300];
	assert_int_equal(acl_principal_parse("ntlm:ALICE", false, &a, err, sizeof(err)), 0);
	assert_int_equal(acl_principal_parse("ntlm:alice", false, &b, err, sizeof(err)), 0);
	assert_true(acl_principal_same(&a, &b));
	acl_entry_clear(&b);
	assert_int_equal(acl_principal_parse("user:alice", false, &b, err, sizeof(err)), 0);
	assert_false(acl_principal_same(&a, &b));
	acl_entry_clear(&a);
	acl_entry_clear(&b);
}

/* ---- the ACL file: edits ------------------------------------------------------ */

static char tmpdir[64];

static void make_tmpdir(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/clusapi-unit-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	assert_int_equal(system(cmd), 0);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	static char buf[8192];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

static void spit(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_acl_file_edits(void **state)
{
	(void)state;
	struct acl_file f;
	char path[128], err[300];
	struct principal alice = remote(PRINCIPAL_NTLM, "alice", NULL);
	struct stat st;

	make_tmpdir();
	snprintf(path, sizeof(path), "%s/cluster.acl", tmpdir);
	mode_t old = umask(0);
	assert_int_equal(acl_file_load(&f, path, "no-such-group-for-clusapi-tests", false, err, sizeof(err)), 0);
	umask(old);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_non_null(strstr(slurp(path), "# group:no-such-group-for-clusapi-tests full"));

	/* a hand-written file with comments: they stay */
	spit(path, "# top comment\nuid:0 full   # root\nuser:alice read # old\n\n# tail\n");
	acl_file_refresh(&f);
	assert_int_equal(f.acl.n, 2);
	assert_int_equal(acl_rights(&f.acl, &alice), ACCESS_READ);

	assert_int_equal(acl_file_set(&f, "user:alice", ACL_FULL), ERROR_SUCCESS);
	assert_int_equal(acl_rights(&f.acl, &alice), ACCESS_ALL);
	assert_string_equal(slurp(path), "# top comment\nuid:0 full   # root\n\n# tail\nuser:alice full\n");
	assert_int_equal(acl_file_set(&f, "ntlm:ALICE", ACL_DENY), ERROR_SUCCESS);
	assert_int_equal(acl_rights(&f.acl, &alice), 0);
	assert_int_equal(acl_file_set(&f, "ntlm:alice", ACL_READ), ERROR_SUCCESS); /* replaces, any case */
	assert_int_equal(acl_rights(&f.acl, &alice), ACCESS_ALL);
	assert_null(strstr(slurp(path), "ALICE"));
	assert_int_equal(acl_file_remove(&f, "ntlm:Alice"), ERROR_SUCCESS);
	assert_int_equal(acl_file_remove(&f, "ntlm:Alice"), ERROR_NOT_FOUND);
	assert_int_equal(acl_file_remove(&f, "user:alice"), ERROR_SUCCESS);
	assert_int_equal(acl_rights(&f.acl, &alice), 0);
	assert_string_equal(slurp(path), "# top comment\nuid:0 full   # root\n\n# tail\n");

	/* bad input changes nothing */
	const char *before = strdup(slurp(path));
	assert_int_equal(acl_file_set(&f, "user:a b", ACL_FULL), ERROR_INVALID_PARAMETER);
	assert_int_equal(acl_file_set(&f, "alice", ACL_FULL), ERROR_INVALID_PARAMETER); /* bare: the API maps it */
	assert_int_equal(acl_file_set(&f, NULL, ACL_FULL), ERROR_INVALID_PARAMETER);
	assert_int_equal(acl_file_remove(&f, "kerberos:nobody"), ERROR_INVALID_PARAMETER);
	assert_string_equal(slurp(path), before);

	/* a file broken by hand is kept in memory and not edited further */
	spit(path, "uid:0 full\nthis is not an entry\n");
	acl_file_refresh(&f);
	assert_int_equal(f.acl.n, 2 - 1); /* the previous ACL: uid:0 only */
	assert_int_equal(acl_file_set(&f, "user:alice", ACL_FULL), ERROR_INTERNAL_ERROR);
	assert_string_equal(slurp(path), "uid:0 full\nthis is not an entry\n");
	free((void *)before);

	/* a readable ACL keeps its mode through an edit */
	spit(path, "uid:0 full\n");
	chmod(path, 0644);
	assert_int_equal(acl_file_set(&f, "kerberos:alice@EXAMPLE.ORG", ACL_READ), ERROR_SUCCESS);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	assert_int_equal(f.acl.n, 2);

	/* reload: a fresh load sees the same */
	acl_file_free(&f);
	assert_int_equal(acl_file_load(&f, path, NULL, false, err, sizeof(err)), 0);
	assert_int_equal(f.acl.n, 2);
	assert_int_equal(f.acl.entries[1].subject, ACL_KERBEROS);
	acl_file_free(&f);
	remove_tmpdir();
}

/* ---- accounts ------------------------------------------------------------------ */

static void test_accounts(void **state)
{
	(void)state;
	struct accounts a;
	char path[128], err[300];
	struct stat st;
	uint8_t h1[16], h2[16], got[16];

	assert_int_equal(ntlmssp_ntowfv1("Password", h1), 0);
	assert_int_equal(ntlmssp_ntowfv1("another one", h2), 0);
	make_tmpdir();
	snprintf(path, sizeof(path), "%s/accounts", tmpdir);
	mode_t old = umask(0);
	assert_int_equal(accounts_open(&a, tmpdir, err, sizeof(err)), 0);
	umask(old);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(a.n, 0);
	assert_int_equal(accounts_ntlm_lookup(&a, "alice", "", got), ERROR_NO_SUCH_USER);

	old = umask(0);
	assert_int_equal(accounts_set(&a, "Alice", h1), ERROR_SUCCESS);
	umask(old);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* the hash is stored, in hex (MS-NLMP 4.2.2.1.2: NTOWFv1("Password")), never the password */
	const char *text = slurp(path);
	assert_non_null(strstr(text, "Alice a4f49c406510bdcab6824ee7c30fd852\n"));
	assert_null(strstr(text, "Password"));
	/* case-insensitive lookup, whatever domain */
	assert_int_equal(accounts_ntlm_lookup(&a, "ALICE", "SOMEWHERE", got), 0);
	assert_memory_equal(got, h1, 16);
	assert_int_equal(accounts_ntlm_lookup(&a, "alice", NULL, got), 0);
	/* setting again changes the hash, keeps one entry */
	assert_int_equal(accounts_set(&a, "alice", h2), ERROR_SUCCESS);
	assert_int_equal(a.n, 1);
	assert_int_equal(accounts_ntlm_lookup(&a, "alice", "", got), 0);
	assert_memory_equal(got, h2, 16);
	assert_int_equal(accounts_set(&a, "bob", h1), ERROR_SUCCESS);

	/* bad names change nothing */
	static const char *const bad[] = { "", "a b", "a:b", "a\\b", "a@b", "#a", "a\tb", "\x01", "\xff",
					   ("a\xc2\xa0" "b") /* NBSP */, "a\xe3\x80\x80" /* ideographic space */,
					   "\xc2\x85" /* NEL */, "a\xe2\x80\x8b" /* zero width space */,
					   "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" };
	char before[8192];
	snprintf(before, sizeof(before), "%s", slurp(path));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_false(accounts_name_valid(bad[i]));
		assert_int_equal(accounts_set(&a, bad[i], h1), ERROR_INVALID_PARAMETER);
		assert_int_equal(accounts_remove(&a, bad[i]), ERROR_INVALID_PARAMETER);
		assert_int_equal(accounts_ntlm_lookup(&a, bad[i], "", got), ERROR_NO_SUCH_USER);
	}
	assert_true(accounts_name_valid("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")); /* 64 */
	assert_true(accounts_name_valid("\xc3\xa9t\xc3\xa9")); /* UTF-8 */
	/* 64 characters, 4 UTF-8 bytes each (outside the BMP): the longest name */
	char big[64 * 4 + 8] = "";
	for (int i = 0; i < 64; i++)
		strcat(big, "\xf0\x9f\x98\x80");
	assert_true(accounts_name_valid(big));
	strcat(big, "x");
	assert_false(accounts_name_valid(big));
	assert_string_equal(slurp(path), before);
	assert_int_equal(accounts_remove(&a, "carol"), ERROR_NO_SUCH_USER);

	/* reopen: durable */
	accounts_close(&a);
	assert_int_equal(accounts_open(&a, tmpdir, err, sizeof(err)), 0);
	assert_int_equal(a.n, 2);
	assert_non_null(accounts_find(&a, "BOB"));

	/* an edit by hand is seen; a broken one keeps the loaded copy */
	spit(path, "# hand\ncarol 00112233445566778899aabbccddeeff\n");
	chmod(path, 0600);
	assert_int_equal(accounts_ntlm_lookup(&a, "carol", "", got), 0);
	assert_int_equal(got[15], 0xff);
	assert_int_equal(accounts_ntlm_lookup(&a, "alice", "", got), ERROR_NO_SUCH_USER);
	spit(path, "carol 0011\n");
	assert_int_equal(accounts_ntlm_lookup(&a, "carol", "", got), 0);

	/* a world-readable file is made 0600 before it is used */
	spit(path, "dave 00112233445566778899aabbccddeeff\n");
	chmod(path, 0644);
	assert_int_equal(accounts_ntlm_lookup(&a, "dave", "", got), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(accounts_remove(&a, "DAVE"), ERROR_SUCCESS);
	assert_int_equal(accounts_ntlm_lookup(&a, "dave", "", got), ERROR_NO_SUCH_USER);
	accounts_close(&a);

	/* broken files refuse to open, naming the line */
	spit(path, "ok 00112233445566778899aabbccddeeff\nok 00112233445566778899aabbccddeeff\n");
	assert_int_equal(accounts_open(&a, tmpdir, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":2: account \"ok\" appears twice"));
	spit(path, "x zz112233445566778899aabbccddeeff\n");
	assert_int_equal(accounts_open(&a, tmpdir, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":1: the NT hash"));
	spit(path, "lonely\n");
	assert_int_equal(accounts_open(&a, tmpdir, err, sizeof(err)), -1);
	remove_tmpdir();
}

/* One NTLMSSP logon against the account file, as the RPC engine will run it:
 * the server's lookup is accounts_ntlm_lookup. */
static uint32_t ntlm_logon(struct accounts *a, const char *user, const char *domain, const char *password)
{
	struct ntlmssp_server_config sc = { .nb_domain = "CLUSTER", .nb_computer = "NODE1",
					    .lookup = accounts_ntlm_lookup, .lookup_arg = a };
	struct ntlmssp_client_config cc = { .user = user, .domain = domain, .password = password };
	struct ntlmssp_ctx *server = ntlmssp_server_start(&sc), *client = ntlmssp_client_start(&cc);
	uint8_t *neg = NULL, *chal = NULL, *auth = NULL;
	size_t neg_len = 0, chal_len = 0, auth_len = 0;
	assert_non_null(server);
	assert_non_null(client);
	assert_int_equal(ntlmssp_client_negotiate(client, &neg, &neg_len), 0);
	assert_int_equal(ntlmssp_server_negotiate(server, neg, neg_len, &chal, &chal_len), 0);
	assert_int_equal(ntlmssp_client_authenticate(client, chal, chal_len, &auth, &auth_len), 0);
	uint32_t rc = ntlmssp_server_authenticate(server, auth, auth_len);
	if (rc == 0)
		assert_true(strcasecmp(ntlmssp_user(server), user) == 0);
	free(neg);
	free(chal);
	free(auth);
	ntlmssp_free(server);
	ntlmssp_free(client);
	return rc;
}

static void test_accounts_ntlm_logon(void **state)
{
	(void)state;
	struct accounts a;
	char err[300];
	uint8_t h[16];

	make_tmpdir();
	assert_int_equal(accounts_open(&a, tmpdir, err, sizeof(err)), 0);
	assert_int_equal(ntlmssp_ntowfv1("correct horse", h), 0);
	assert_int_equal(accounts_set(&a, "alice", h), ERROR_SUCCESS);
	assert_int_equal(ntlm_logon(&a, "alice", "WORKGROUP", "correct horse"), 0);
	assert_int_equal(ntlm_logon(&a, "ALICE", "", "correct horse"), 0);          /* any case, any domain */
	assert_int_equal(ntlm_logon(&a, "alice", "CLUSTER", "battery staple"), ERROR_ACCESS_DENIED);
	assert_int_equal(ntlm_logon(&a, "bob", "CLUSTER", "correct horse"), ERROR_ACCESS_DENIED);
	assert_int_equal(accounts_remove(&a, "alice"), ERROR_SUCCESS);
	assert_int_equal(ntlm_logon(&a, "alice", "WORKGROUP", "correct horse"), ERROR_ACCESS_DENIED);
	accounts_close(&a);
	remove_tmpdir();
}

/* ---- access_grant ---------------------------------------------------------- */

struct grant_case {
	uint32_t desired;
	unsigned allowed;
	DWORD err;
	unsigned rights;
	uint32_t mask;
};

static void test_access_grant_matrix(void **state)
{
	(void)state;
	static const struct grant_case cases[] = {
		/* invalid requests, whatever the caller may do */
		{ 0, ACCESS_ALL, ERROR_INVALID_PARAMETER, 0, 0 },
		{ 0, 0, ERROR_INVALID_PARAMETER, 0, 0 },
		{ 0x00000004u, ACCESS_ALL, ERROR_INVALID_PARAMETER, 0, 0 },
		{ 0x00010000u, ACCESS_ALL, ERROR_INVALID_PARAMETER, 0, 0 }, /* DELETE */
		{ 0x01000000u, ACCESS_ALL, ERROR_INVALID_PARAMETER, 0, 0 }, /* ACCESS_SYSTEM_SECURITY */
		{ GENERIC_READ | 0x8u, ACCESS_ALL, ERROR_INVALID_PARAMETER, 0, 0 },
		{ CLUSAPI_CHANGE_ACCESS, ACCESS_ALL, ERROR_INVALID_PARAMETER, 0, 0 },
		{ CLUSAPI_CHANGE_ACCESS, 0, ERROR_INVALID_PARAMETER, 0, 0 },
		/* read */
		{ GENERIC_READ, ACCESS_READ, ERROR_SUCCESS, ACCESS_READ, GENERIC_READ },
		{ GENERIC_READ, ACCESS_ALL, ERROR_SUCCESS, ACCESS_READ, GENERIC_READ },
		{ GENERIC_READ, 0, ERROR_ACCESS_DENIED, 0, 0 },
		{ CLUSAPI_READ_ACCESS, ACCESS_READ, ERROR_SUCCESS, ACCESS_READ, GENERIC_READ },
		{ CLUSAPI_READ_ACCESS, 0, ERROR_ACCESS_DENIED, 0, 0 },
		/* all */
		{ GENERIC_ALL, ACCESS_ALL, ERROR_SUCCESS, ACCESS_ALL, GENERIC_ALL },
		{ GENERIC_ALL, ACCESS_READ, ERROR_ACCESS_DENIED, 0, 0 },
		{ GENERIC_ALL, 0, ERROR_ACCESS_DENIED, 0, 0 },
		{ GENERIC_WRITE, ACCESS_ALL, ERROR_SUCCESS, ACCESS_ALL, GENERIC_ALL },
		{ GENERIC_WRITE, ACCESS_READ, ERROR_ACCESS_DENIED, 0, 0 },
		{ GENERIC_EXECUTE, ACCESS_ALL, ERROR_SUCCESS, ACCESS_ALL, GENERIC_ALL },
		{ GENERIC_EXECUTE, ACCESS_READ, ERROR_ACCESS_DENIED, 0, 0 },
		{ GENERIC_READ | GENERIC_ALL, ACCESS_ALL, ERROR_SUCCESS, ACCESS_ALL, GENERIC_ALL },
		{ GENERIC_READ | GENERIC_WRITE, ACCESS_READ, ERROR_ACCESS_DENIED, 0, 0 },
		{ CLUSAPI_ALL_ACCESS, ACCESS_ALL, ERROR_SUCCESS, ACCESS_ALL, GENERIC_ALL },
		{ CLUSAPI_ALL_ACCESS, ACCESS_READ, ERROR_ACCESS_DENIED, 0, 0 },
		{ GENERIC_READ | CLUSAPI_CHANGE_ACCESS, ACCESS_ALL, ERROR_SUCCESS, ACCESS_ALL, GENERIC_ALL },
		/* maximum allowed: whatever the caller has, but at least read */
		{ MAXIMUM_ALLOWED, ACCESS_ALL, ERROR_SUCCESS, ACCESS_ALL, GENERIC_ALL },
		{ MAXIMUM_ALLOWED, ACCESS_READ, ERROR_SUCCESS, ACCESS_READ, GENERIC_READ },
		{ MAXIMUM_ALLOWED, 0, ERROR_ACCESS_DENIED, 0, 0 },
		{ MAXIMUM_ALLOWED | GENERIC_READ, ACCESS_READ, ERROR_SUCCESS, ACCESS_READ, GENERIC_READ },
		{ MAXIMUM_ALLOWED | GENERIC_READ, ACCESS_ALL, ERROR_SUCCESS, ACCESS_ALL, GENERIC_ALL },
		{ MAXIMUM_ALLOWED | GENERIC_ALL, ACCESS_READ, ERROR_ACCESS_DENIED, 0, 0 },
		{ MAXIMUM_ALLOWED | 0x4u, ACCESS_ALL, ERROR_INVALID_PARAMETER, 0, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct grant_case *c = &cases[i];
		unsigned rights = 0xdead;
		uint32_t mask = 0xdeadbeef;
		DWORD err = access_grant(c->desired, c->allowed, &rights, &mask);
		if (err != c->err || rights != c->rights || mask != c->mask)
			fail_msg("case %zu: desired 0x%08x allowed %u: got err %u rights %u mask 0x%08x, "
				 "want err %u rights %u mask 0x%08x",
				 i, c->desired, c->allowed, err, rights, mask, c->err, c->rights, c->mask);
	}
}

/* ---- session handle table ------------------------------------------------------ */

static void new_session(struct session *s)
{
	struct principal who = local(1000, 100, 0, NULL);
	session_init(s, NULL, &who, true);
	assert_int_equal(s->count, 0);
	assert_int_equal(s->who.uid, 1000);
	assert_true(s->is_lpc);
}

static void test_session_objects(void **state)
{
	(void)state;
	struct session s;
	struct principal who = { .kind = PRINCIPAL_ANONYMOUS };
	struct rpc_ctx_handle h1, h2;
	session_init(&s, NULL, &who, false);
	assert_true(session_handle_new(&s, HANDLE_RESOURCE, ACCESS_READ, "1234-abcd", NULL, &h1));
	assert_true(session_handle_new(&s, HANDLE_KEY, ACCESS_ALL, NULL, "Groups\\abc", &h2));
	struct handle_entry *e = session_handle_find(&s, &h1, HANDLE_RESOURCE);
	assert_non_null(e);
	assert_string_equal(e->obj, "1234-abcd");
	assert_null(e->key);
	assert_null(session_handle_find(&s, &h1, HANDLE_GROUP)); /* right object, wrong type */
	e = session_handle_find(&s, &h2, HANDLE_KEY);
	assert_non_null(e);
	assert_string_equal(e->key, "Groups\\abc");
	/* closing frees the path (ASan would see a leak); rundown frees the rest */
	assert_true(session_handle_close(&s, &h2, HANDLE_KEY));
	assert_true(session_handle_new(&s, HANDLE_KEY, ACCESS_ALL, NULL, "Nodes", &h2));
	session_free(&s);
}

static void test_session_basic(void **state)
{
	(void)state;
	struct session s, other;
	struct rpc_ctx_handle h1, h2, h3;
	struct handle_entry *e;

	new_session(&s);
	new_session(&other);

	/* an empty table finds nothing */
	memset(&h1, 0, sizeof(h1));
	assert_null(session_handle_find(&s, &h1, HANDLE_CLUSTER));
	assert_false(session_handle_close(&s, &h1, HANDLE_CLUSTER));

	assert_true(session_handle_new(&s, HANDLE_CLUSTER, ACCESS_READ, NULL, NULL, &h1));
	assert_true(session_handle_new(&s, HANDLE_CLUSTER, ACCESS_ALL, NULL, NULL, &h2));
	assert_true(session_handle_new(&other, HANDLE_CLUSTER, ACCESS_ALL, NULL, NULL, &h3));
	assert_int_equal(s.count, 2);
	assert_int_equal(h1.attributes, 0);
	assert_false(rpc_uuid_is_nil(&h1.uuid));
	assert_false(rpc_uuid_equal(&h1.uuid, &h2.uuid));

	e = session_handle_find(&s, &h1, HANDLE_CLUSTER);
	assert_non_null(e);
	assert_int_equal(e->type, HANDLE_CLUSTER);
	assert_int_equal(e->rights, ACCESS_READ);
	assert_true(rpc_uuid_equal(&e->uuid, &h1.uuid));
	e = session_handle_find(&s, &h2, HANDLE_CLUSTER);
	assert_non_null(e);
	assert_int_equal(e->rights, ACCESS_ALL);

	/* wrong type, another session's handle, a NULL handle, a forged one */
	assert_null(session_handle_find(&s, &h1, HANDLE_NONE));
	assert_null(session_handle_find(&s, &h1, 2));
	assert_false(session_handle_close(&s, &h1, 2));
	assert_null(session_handle_find(&s, &h3, HANDLE_CLUSTER));
	assert_null(session_handle_find(&other, &h1, HANDLE_CLUSTER));
	struct rpc_ctx_handle nil;
	memset(&nil, 0, sizeof(nil));
	assert_null(session_handle_find(&s, &nil, HANDLE_CLUSTER));
	assert_null(session_handle_find(&s, &nil, HANDLE_NONE));
	struct rpc_ctx_handle forged = h1;
	forged.uuid.rest[7] ^= 0x01;
	assert_null(session_handle_find(&s, &forged, HANDLE_CLUSTER));
	forged = h1;
	forged.uuid.time_low ^= 0x80000000u;
	assert_null(session_handle_find(&s, &forged, HANDLE_CLUSTER));
	/* the same UUID with attributes set is not our handle */
	forged = h1;
	forged.attributes = 1;
	assert_null(session_handle_find(&s, &forged, HANDLE_CLUSTER));
	assert_false(session_handle_close(&s, &forged, HANDLE_CLUSTER));

	/* close: once */
	assert_true(session_handle_close(&s, &h1, HANDLE_CLUSTER));
	assert_int_equal(s.count, 1);
	assert_null(session_handle_find(&s, &h1, HANDLE_CLUSTER));
	assert_false(session_handle_close(&s, &h1, HANDLE_CLUSTER));
	assert_non_null(session_handle_find(&s, &h2, HANDLE_CLUSTER));
	assert_true(session_handle_close(&s, &h2, HANDLE_CLUSTER));
	assert_int_equal(s.count, 0);

	/* rundown */
	assert_true(session_handle_new(&s, HANDLE_CLUSTER, ACCESS_READ, NULL, NULL, &h1));
	session_free(&s);
	assert_int_equal(s.count, 0);
	assert_null(s.slots);
	assert_null(session_handle_find(&s, &h1, HANDLE_CLUSTER));
	session_free(&other);
}

/* Many handles: the table grows, every handle stays findable, and removals in
 * any order (backward-shift deletion) never lose a neighbour. */
static void test_session_many_handles(void **state)
{
	(void)state;
	enum { COUNT = 100000 };
	struct session s;
	struct rpc_ctx_handle *h = malloc(COUNT * sizeof(*h));

	assert_non_null(h);
	new_session(&s);
	for (size_t i = 0; i < COUNT; i++)
		assert_true(session_handle_new(&s, HANDLE_CLUSTER, (uint8_t)(i & 3), NULL, NULL, &h[i]));
	assert_int_equal(s.count, COUNT);
	assert_true(s.cap >= 2 * COUNT);
	assert_int_equal(s.cap & (s.cap - 1), 0);
	for (size_t i = 0; i < COUNT; i++) {
		struct handle_entry *e = session_handle_find(&s, &h[i], HANDLE_CLUSTER);
		if (!e || e->rights != (i & 3))
			fail_msg("handle %zu lost after insertion", i);
	}

	/* close every third handle, then check all of them */
	size_t open = COUNT;
	for (size_t i = 0; i < COUNT; i += 3) {
		assert_true(session_handle_close(&s, &h[i], HANDLE_CLUSTER));
		open--;
	}
	assert_int_equal(s.count, open);
	for (size_t i = 0; i < COUNT; i++) {
		struct handle_entry *e = session_handle_find(&s, &h[i], HANDLE_CLUSTER);
		if (i % 3 == 0 && e)
			fail_msg("closed handle %zu still found", i);
		if (i % 3 != 0 && (!e || e->rights != (i & 3)))
			fail_msg("handle %zu lost after closing others", i);
	}

	/* new handles fill the holes and old ones stay */
	struct rpc_ctx_handle extra[1000];
	for (size_t i = 0; i < 1000; i++)
		assert_true(session_handle_new(&s, HANDLE_CLUSTER, 3, NULL, NULL, &extra[i]));
	for (size_t i = 0; i < 1000; i++)
		assert_non_null(session_handle_find(&s, &extra[i], HANDLE_CLUSTER));

	/* close the rest in reverse order, checking a sample of survivors */
	for (size_t i = 1000; i-- > 0;)
		assert_true(session_handle_close(&s, &extra[i], HANDLE_CLUSTER));
	for (size_t i = COUNT; i-- > 0;) {
		if (i % 3 == 0)
			continue;
		assert_true(session_handle_close(&s, &h[i], HANDLE_CLUSTER));
		if (i % 997 == 1)
			for (size_t j = 1; j < i; j += 101)
				if (j % 3 != 0 && !session_handle_find(&s, &h[j], HANDLE_CLUSTER))
					fail_msg("handle %zu lost while closing %zu", j, i);
	}
	assert_int_equal(s.count, 0);
	for (size_t i = 0; i < COUNT; i++)
		assert_null(session_handle_find(&s, &h[i], HANDLE_CLUSTER));
	for (size_t i = 0; i < s.cap; i++)
		assert_true(rpc_uuid_is_nil(&s.slots[i].uuid));
	session_free(&s);
	free(h);
}

/* The slot a UUID hashes to, found through the public lookup alone: placed
 * by itself in slot k of an empty table, it is found only when k is home. */
static size_t home_slot(struct session *s, const struct rpc_uuid *u)
{
	struct rpc_ctx_handle h = { .attributes = 0, .uuid = *u };
	assert_int_equal(s->count, 0); /* only meaningful in an empty table */
	for (size_t k = 0; k < s->cap; k++) {
		s->slots[k].uuid = *u;
		s->slots[k].type = HANDLE_CLUSTER;
		bool found = session_handle_find(s, &h, HANDLE_CLUSTER) != NULL;
		memset(&s->slots[k], 0, sizeof(s->slots[k]));
		if (found)
			return k;
	}
	fail_msg("UUID not found in any slot");
	return 0;
}

/* A handle (not in the table yet) whose UUID has the given home slot. */
static struct rpc_ctx_handle handle_with_home(struct session *s, size_t home)
{
	static uint32_t cand = 1;
	for (int tries = 0; tries < 1000000; tries++, cand++) {
		struct rpc_ctx_handle h = { 0 };
		h.uuid.time_low = cand * 2654435761u;
		h.uuid.time_mid = (uint16_t)cand;
		h.uuid.rest[0] = 0x5a;
		if (home_slot(s, &h.uuid) == home) {
			cand++;
			return h;
		}
	}
	fail_msg("no UUID found for slot %zu", home);
	return (struct rpc_ctx_handle){ 0 };
}

/* An empty table (a handle opened and closed), large enough for the tests. */
static void empty_table(struct session *s)
{
	struct rpc_ctx_handle first;
	new_session(s);
	assert_true(session_handle_new(s, HANDLE_CLUSTER, 1, NULL, NULL, &first));
	assert_true(session_handle_close(s, &first, HANDLE_CLUSTER));
	assert_int_equal(s->count, 0);
	assert_true(s->cap >= 16);
}

/* Put h in slot `slot` directly, as linear probing would have. */
static void place(struct session *s, const struct rpc_ctx_handle *h, size_t slot, uint8_t rights)
{
	slot &= s->cap - 1;
	assert_true(rpc_uuid_is_nil(&s->slots[slot].uuid));
	s->slots[slot].uuid = h->uuid;
	s->slots[slot].type = HANDLE_CLUSTER;
	s->slots[slot].rights = rights;
	s->count++;
}

static void expect_at(struct session *s, const struct rpc_ctx_handle *h, size_t slot)
{
	slot &= s->cap - 1;
	if (!rpc_uuid_equal(&s->slots[slot].uuid, &h->uuid))
		fail_msg("slot %zu does not hold the expected handle", slot);
	assert_non_null(session_handle_find(s, h, HANDLE_CLUSTER));
}

static void expect_all_free(struct session *s)
{
	assert_int_equal(s->count, 0);
	for (size_t i = 0; i < s->cap; i++)
		assert_true(rpc_uuid_is_nil(&s->slots[i].uuid));
}

/* A probe chain that wraps around the end of the table, built from UUIDs
 * that share one home slot, so that deletion has to shift entries back
 * across the wrap. */
static void test_session_collisions_wrap(void **state)
{
	(void)state;
	enum { CHAIN = 6 };
	struct session s;
	struct rpc_ctx_handle h[CHAIN];

	empty_table(&s);
	const size_t cap = s.cap, home = cap - 2;
	for (int i = 0; i < CHAIN; i++)
		h[i] = handle_with_home(&s, home);
	/* home, home+1, ... wrapping to 0..3 */
	for (int i = 0; i < CHAIN; i++)
		place(&s, &h[i], home + (size_t)i, (uint8_t)i);
	for (int i = 0; i < CHAIN; i++)
		assert_non_null(session_handle_find(&s, &h[i], HANDLE_CLUSTER));

	/* remove the one in the last slot: the four after the wrap move back */
	assert_true(session_handle_close(&s, &h[1], HANDLE_CLUSTER));
	for (int i = 0; i < CHAIN; i++) {
		struct handle_entry *e = session_handle_find(&s, &h[i], HANDLE_CLUSTER);
		if (i == 1) {
			assert_null(e);
		} else {
			assert_non_null(e);
			assert_int_equal(e->rights, i);
		}
	}
	/* the chain is contiguous again and one shorter */
	expect_at(&s, &h[2], cap - 1);
	expect_at(&s, &h[5], 2);
	assert_true(rpc_uuid_is_nil(&s.slots[3].uuid));

	assert_true(session_handle_close(&s, &h[0], HANDLE_CLUSTER));
	assert_true(session_handle_close(&s, &h[5], HANDLE_CLUSTER));
	for (int i = 2; i < 5; i++)
		assert_non_null(session_handle_find(&s, &h[i], HANDLE_CLUSTER));
	assert_true(session_handle_close(&s, &h[3], HANDLE_CLUSTER));
	assert_true(session_handle_close(&s, &h[2], HANDLE_CLUSTER));
	assert_non_null(session_handle_find(&s, &h[4], HANDLE_CLUSTER));
	assert_true(session_handle_close(&s, &h[4], HANDLE_CLUSTER));
	expect_all_free(&s);
	session_free(&s);
}

/* Chains mixing home slots: an entry already at or after its home must stay
 * put when a hole opens before it, one whose home is at or before the hole
 * must move back -- with and without the wrap. */
static void test_session_mixed_homes(void **state)
{
	(void)state;
	struct session s;

	/* across the wrap: A B (home cap-2), C (home 0), D (home cap-2), E (home 1) */
	empty_table(&s);
	size_t cap = s.cap;
	struct rpc_ctx_handle a = handle_with_home(&s, cap - 2), b = handle_with_home(&s, cap - 2),
			      c = handle_with_home(&s, 0), d = handle_with_home(&s, cap - 2),
			      e = handle_with_home(&s, 1);
	place(&s, &a, cap - 2, 1);
	place(&s, &b, cap - 1, 2);
	place(&s, &c, 0, 3);
	place(&s, &d, 1, 4);
	place(&s, &e, 2, 5);
	assert_true(session_handle_close(&s, &b, HANDLE_CLUSTER));
	expect_at(&s, &a, cap - 2);
	expect_at(&s, &d, cap - 1); /* moved back across the wrap */
	expect_at(&s, &c, 0);       /* at its home: stays */
	expect_at(&s, &e, 1);       /* moved back to its home */
	assert_true(rpc_uuid_is_nil(&s.slots[2].uuid));
	assert_null(session_handle_find(&s, &b, HANDLE_CLUSTER));
	assert_true(session_handle_close(&s, &a, HANDLE_CLUSTER));
	expect_at(&s, &d, cap - 2);
	expect_at(&s, &c, 0);
	expect_at(&s, &e, 1);
	assert_true(session_handle_close(&s, &c, HANDLE_CLUSTER));
	expect_at(&s, &e, 1);
	expect_at(&s, &d, cap - 2);
	assert_true(session_handle_close(&s, &d, HANDLE_CLUSTER));
	assert_true(session_handle_close(&s, &e, HANDLE_CLUSTER));
	expect_all_free(&s);
	session_free(&s);

	/* the hole itself is the home of the entry after the wrap */
	empty_table(&s);
	cap = s.cap;
	struct rpc_ctx_handle x = handle_with_home(&s, cap - 2), y = handle_with_home(&s, cap - 1),
			      z = handle_with_home(&s, cap - 1);
	place(&s, &x, cap - 2, 1);
	place(&s, &y, cap - 1, 2);
	place(&s, &z, 0, 3);
	assert_true(session_handle_close(&s, &y, HANDLE_CLUSTER));
	expect_at(&s, &x, cap - 2);
	expect_at(&s, &z, cap - 1); /* back to its home */
	assert_true(rpc_uuid_is_nil(&s.slots[0].uuid));
	assert_true(session_handle_close(&s, &x, HANDLE_CLUSTER));
	expect_at(&s, &z, cap - 1);
	assert_true(session_handle_close(&s, &z, HANDLE_CLUSTER));
	expect_all_free(&s);
	session_free(&s);

	/* without the wrap: F G (home 3), H (home 5), I (home 4) */
	empty_table(&s);
	struct rpc_ctx_handle f = handle_with_home(&s, 3), g = handle_with_home(&s, 3), hh = handle_with_home(&s, 5),
			      i = handle_with_home(&s, 4);
	place(&s, &f, 3, 1);
	place(&s, &g, 4, 2);
	place(&s, &hh, 5, 3);
	place(&s, &i, 6, 4);
	assert_true(session_handle_close(&s, &f, HANDLE_CLUSTER));
	expect_at(&s, &g, 3);  /* home 3: moves back */
	expect_at(&s, &i, 4);  /* home 4 = the new hole: moves back */
	expect_at(&s, &hh, 5); /* at its home: stays */
	assert_true(rpc_uuid_is_nil(&s.slots[6].uuid));
	assert_true(session_handle_close(&s, &g, HANDLE_CLUSTER));
	expect_at(&s, &i, 4);
	expect_at(&s, &hh, 5);
	assert_true(session_handle_close(&s, &i, HANDLE_CLUSTER));
	assert_true(session_handle_close(&s, &hh, HANDLE_CLUSTER));
	expect_all_free(&s);
	session_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_acl_parse_valid),
		cmocka_unit_test(test_acl_parse_names),
		cmocka_unit_test(test_acl_parse_errors),
		cmocka_unit_test(test_acl_rights),
		cmocka_unit_test(test_acl_rights_remote),
		cmocka_unit_test(test_acl_principals),
		cmocka_unit_test(test_acl_file_edits),
		cmocka_unit_test(test_accounts),
		cmocka_unit_test(test_accounts_ntlm_logon),
		cmocka_unit_test(test_access_grant_matrix),
		cmocka_unit_test(test_session_basic),
		cmocka_unit_test(test_session_objects),
		cmocka_unit_test(test_session_many_handles),
		cmocka_unit_test(test_session_collisions_wrap),
		cmocka_unit_test(test_session_mixed_homes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
