/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Authentication and privacy against a real clusterd started WITHOUT
 * --allow-anonymous: NTLMSSP at PKT_PRIVACY through the public API and at the
 * wire; wrong passwords, unknown accounts, no authentication and
 * PKT_INTEGRITY-only are refused; tampered, replayed and unprotected PDUs on
 * a sealed connection get access denied and the connection closes; long
 * requests and replies are fragmented and sealed fragment by fragment.
 *
 * The accounts (alice full, bob read) are added by writing clusterd's account
 * file (NAME NTHASH) before the first logon.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/utf16.h"
#include "clusapi.h"
#include "cmrp/cmrp.h"
#include "daemon.h"
#include "rpc/auth.h"
#include "rpc/client.h"
#include "rpc/ntlmssp.h"

static struct daemon d;

#define ALICE_PW "Alice-Pa55word!"
#define BOB_PW "b0b's other secret"

static void hex(const uint8_t *p, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

static int write_accounts(void)
{
	char path[400], line[200], h[33];
	uint8_t nt[16];
	snprintf(path, sizeof(path), "%s/accounts", d.state);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return -1;
	ntlmssp_ntowfv1(ALICE_PW, nt);
	hex(nt, 16, h);
	int n = snprintf(line, sizeof(line), "alice %s\n", h);
	ntlmssp_ntowfv1(BOB_PW, nt);
	hex(nt, 16, h);
	n += snprintf(line + n, sizeof(line) - (size_t)n, "bob %s\n", h);
	bool ok = write(fd, line, (size_t)n) == n;
	close(fd);
	return ok ? 0 : -1;
}

static int group_setup(void **state)
{
	(void)state;
	if (daemon_start(&d, DAEMON_TCP, NULL) != 0)
		return -1;
	daemon_use(&d);
	if (write_accounts() < 0 || daemon_write_acl(&d, "uid:0 full\nuser:alice full\nuser:bob read\n") < 0)
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	assert_int_equal(daemon_stop(&d), 0);
	daemon_destroy(&d);
	return 0;
}

/* ---- through the public API ------------------------------------------ */

static HCLUSTER open_as(const char *host, const char *user, const char *pw, DWORD desired, DWORD *granted)
{
	LPWSTR wh = ClusapiUtf8ToWide(host), wu = ClusapiUtf8ToWide(user), wp = ClusapiUtf8ToWide(pw);
	HCLUSTER h = ClusapiOpenClusterWithCredentials(wh, wu, wp, desired, granted);
	DWORD err = GetLastError();
	free(wh);
	free(wu);
	free(wp);
	SetLastError(err);
	return h;
}

static void test_full_user(void **state)
{
	(void)state;
	DWORD granted = 0;
	HCLUSTER h = open_as("127.0.0.1", "alice", ALICE_PW, MAXIMUM_ALLOWED, &granted);
	assert_non_null(h);
	assert_int_equal(granted, GENERIC_ALL);
	WCHAR name[64];
	DWORD cch = 64;
	assert_int_equal(GetClusterInformation(h, name, &cch, NULL), ERROR_SUCCESS);
	assert_true(cch > 0);
	assert_true(CloseCluster(h));
	/* IPv6, a "DOMAIN\user" name and GENERIC_ALL. */
	h = open_as("::1", "WHATEVER\\alice", ALICE_PW, GENERIC_ALL, &granted);
	assert_non_null(h);
	assert_int_equal(granted, GENERIC_ALL);
	assert_true(CloseCluster(h));
}

static void test_read_user(void **state)
{
	(void)state;
	DWORD granted = 0;
	HCLUSTER h = open_as("127.0.0.1", "bob", BOB_PW, MAXIMUM_ALLOWED, &granted);
	assert_non_null(h);
	assert_int_equal(granted, GENERIC_READ);
	LPWSTR n = ClusapiUtf8ToWide("renamed");
	assert_int_equal(SetClusterName(h, n), ERROR_ACCESS_DENIED);
	free(n);
	assert_true(CloseCluster(h));
	assert_null(open_as("127.0.0.1", "bob", BOB_PW, GENERIC_ALL, &granted));
	assert_int_equal(GetLastError(), ERROR_ACCESS_DENIED);
}

static void test_bad_logons(void **state)
{
	(void)state;
	DWORD granted = 1;
	assert_null(open_as("127.0.0.1", "alice", "wrong password", GENERIC_READ, &granted));
	assert_int_equal(GetLastError(), ERROR_ACCESS_DENIED);
	assert_int_equal(granted, 0);
	assert_null(open_as("127.0.0.1", "mallory", ALICE_PW, GENERIC_READ, NULL));
	assert_int_equal(GetLastError(), ERROR_ACCESS_DENIED);
	assert_null(open_as("127.0.0.1", "", ALICE_PW, GENERIC_READ, NULL));
	assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
	/* No name: LPC is the kernel's business. */
	LPWSTR u = ClusapiUtf8ToWide("alice"), p = ClusapiUtf8ToWide(ALICE_PW);
	assert_null(ClusapiOpenClusterWithCredentials(NULL, u, p, GENERIC_READ, NULL));
	assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
	free(u);
	free(p);
}

static void test_no_credentials(void **state)
{
	(void)state;
	LPWSTR w = ClusapiUtf8ToWide("127.0.0.1");
	unsetenv("CLUSAPI_CREDENTIALS");
	assert_null(OpenClusterEx(w, GENERIC_READ, NULL));
	assert_int_equal(GetLastError(), ERROR_ACCESS_DENIED);
	free(w);
}

static void test_credentials_file(void **state)
{
	(void)state;
	char path[400];
	snprintf(path, sizeof(path), "%s/creds", d.dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "# test\nuser = alice\npassword = %s\n", ALICE_PW);
	fclose(f);
	setenv("CLUSAPI_CREDENTIALS", path, 1);
	LPWSTR w = ClusapiUtf8ToWide("127.0.0.1");
	/* Readable by others: refused. */
	chmod(path, 0644);
	assert_null(OpenClusterEx(w, GENERIC_READ, NULL));
	assert_int_equal(GetLastError(), ERROR_ACCESS_DENIED);
	chmod(path, 0600);
	DWORD granted = 0;
	HCLUSTER h = OpenClusterEx(w, MAXIMUM_ALLOWED, &granted);
	assert_non_null(h);
	assert_int_equal(granted, GENERIC_ALL);
	assert_true(CloseCluster(h));
	/* LPC ignores it. */
	h = OpenClusterEx(NULL, GENERIC_READ, NULL);
	assert_non_null(h);
	assert_true(CloseCluster(h));
	/* A broken file is an error, not a silent anonymous bind. */
	f = fopen(path, "w");
	fprintf(f, "user alice\n");
	fclose(f);
	assert_null(OpenClusterEx(w, GENERIC_READ, NULL));
	assert_int_equal(GetLastError(), ERROR_INVALID_DATA);
	unsetenv("CLUSAPI_CREDENTIALS");
	free(w);
}

/* ---- at the wire ------------------------------------------------------ */

static DWORD connect_tcp(struct rpc_client *c)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(d.tcp_port) };
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	rpc_client_init(c);
	return rpc_client_connect_addr(c, (struct sockaddr *)&sin, sizeof(sin));
}

static DWORD bind_ntlm(struct rpc_client *c, const char *user, const char *pw, uint8_t level)
{
	struct rpc_auth_client_creds cr = { .user = user, .password = pw };
	struct rpc_auth a;
	assert_int_equal(connect_tcp(c), 0);
	assert_int_equal(rpc_auth_ntlmssp_client(&cr, &a), 0);
	return rpc_client_bind_auth(c, &cmrp_syntax, &a, level);
}

/* OpenClusterEx at the wire: the call's transport/fault error, else the
 * status in the reply. */
static DWORD wire_open(struct rpc_client *c, uint32_t desired, struct cmrp_open_cluster_out *o)
{
	struct ndr_push req;
	uint8_t *buf;
	size_t len;
	bool be;
	ndr_push_init(&req);
	cmrp_open_cluster_ex_encode_in(&req, desired);
	DWORD err = rpc_client_call(c, CMRP_OPEN_CLUSTER_EX, req.data, req.len, &buf, &len, &be);
	ndr_push_free(&req);
	if (err)
		return err;
	struct ndr_pull in;
	ndr_pull_init(&in, buf, len, be);
	assert_true(cmrp_open_cluster_decode_out(&in, o, true));
	free(buf);
	return o->status;
}

static void test_levels(void **state)
{
	(void)state;
	struct rpc_client c;
	struct cmrp_open_cluster_out o;

	/* No security context at all. */
	assert_int_equal(connect_tcp(&c), 0);
	assert_int_equal(rpc_client_bind(&c, &cmrp_syntax), 0);
	assert_int_equal(wire_open(&c, GENERIC_READ, &o), ERROR_ACCESS_DENIED);
	rpc_client_close(&c);
	/* Authenticated, but only signed (or only at connect time). */
	assert_int_equal(bind_ntlm(&c, "alice", ALICE_PW, RPC_AUTHN_LEVEL_PKT_INTEGRITY), 0);
	assert_int_equal(wire_open(&c, GENERIC_READ, &o), ERROR_ACCESS_DENIED);
	rpc_client_close(&c);
	assert_int_equal(bind_ntlm(&c, "alice", ALICE_PW, RPC_AUTHN_LEVEL_CONNECT), 0);
	assert_int_equal(wire_open(&c, GENERIC_READ, &o), ERROR_ACCESS_DENIED);
	rpc_client_close(&c);
	/* Sealed. */
	assert_int_equal(bind_ntlm(&c, "alice", ALICE_PW, RPC_AUTHN_LEVEL_PKT_PRIVACY), 0);
	assert_int_equal(wire_open(&c, GENERIC_ALL, &o), 0);
	assert_int_equal(o.granted, GENERIC_ALL);
	rpc_client_close(&c);
	/* A wrong password shows at the first call (NTLMSSP ends with auth3). */
	assert_int_equal(bind_ntlm(&c, "alice", "nope", RPC_AUTHN_LEVEL_PKT_PRIVACY), 0);
	assert_int_equal(wire_open(&c, GENERIC_READ, &o), ERROR_ACCESS_DENIED);
	rpc_client_close(&c);
}

/* A value as big as a request may be: it crosses many sealed fragments both
 * ways (set, then read back). */
static void test_fragments(void **state)
{
	(void)state;
	struct rpc_client c;
	struct cmrp_open_cluster_out o;
	assert_int_equal(bind_ntlm(&c, "alice", ALICE_PW, RPC_AUTHN_LEVEL_PKT_PRIVACY), 0);
	assert_int_equal(wire_open(&c, GENERIC_ALL, &o), 0);
	rpc_client_close(&c);

	DWORD granted;
	HCLUSTER h = open_as("127.0.0.1", "alice", ALICE_PW, GENERIC_ALL, &granted);
	assert_non_null(h);
	HKEY root = GetClusterKey(h, KEY_ALL_ACCESS);
	assert_non_null(root);
	size_t n = 100000;
	BYTE *big = malloc(n), *back = malloc(n);
	for (size_t i = 0; i < n; i++)
		big[i] = (BYTE)(i * 7 + 3);
	LPWSTR vn = ClusapiUtf8ToWide("BigValue");
	assert_int_equal(ClusterRegSetValue(root, vn, REG_BINARY, big, (DWORD)n), ERROR_SUCCESS);
	DWORD type = 0, cb = (DWORD)n;
	assert_int_equal(ClusterRegQueryValue(root, vn, &type, back, &cb), ERROR_SUCCESS);
	assert_int_equal(cb, n);
	assert_memory_equal(big, back, n);
	assert_int_equal(ClusterRegSetValue(root, vn, REG_BINARY, big, 1), ERROR_SUCCESS);
	free(vn);
	free(big);
	free(back);
	ClusterRegCloseKey(root);
	assert_true(CloseCluster(h));
}

/* A provider that breaks what NTLMSSP seals: the server must refuse. */
static const struct rpc_auth_ops *real_ops;
static int tamper_mode; /* 1: flip a stub byte after sealing, 2: flip a signature byte */

static uint32_t tamper_seal(void *st, uint8_t *pdu, size_t pdu_len, size_t data_off, size_t data_len, bool hdr_sign,
			    uint8_t *sig, size_t *sig_len)
{
	uint32_t rc = real_ops->seal(st, pdu, pdu_len, data_off, data_len, hdr_sign, sig, sig_len);
	if (tamper_mode == 1)
		pdu[data_off] ^= 0x01;
	else if (tamper_mode == 2)
		sig[*sig_len - 1] ^= 0x80;
	return rc;
}

/* Read what the server sends after a refused PDU: a fault with
 * ERROR_ACCESS_DENIED, then the end of the stream. */
static void expect_fault_then_close(int fd)
{
	uint8_t buf[256];
	size_t got = 0;
	for (;;) {
		ssize_t r = recv(fd, buf + got, sizeof(buf) - got, 0);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	assert_true(got >= 32);
	assert_int_equal(buf[2], RPC_PTYPE_FAULT);
	uint32_t status = (uint32_t)buf[24] | (uint32_t)buf[25] << 8 | (uint32_t)buf[26] << 16 | (uint32_t)buf[27] << 24;
	assert_int_equal(status, ERROR_ACCESS_DENIED);
}

static void test_tampered(void **state)
{
	(void)state;
	for (int mode = 1; mode <= 2; mode++) {
		struct rpc_client c;
		struct cmrp_open_cluster_out o;
		assert_int_equal(bind_ntlm(&c, "alice", ALICE_PW, RPC_AUTHN_LEVEL_PKT_PRIVACY), 0);
		static struct rpc_auth_ops evil;
		real_ops = c.sec.auth.ops;
		evil = *real_ops;
		evil.seal = tamper_seal;
		c.sec.auth.ops = &evil;
		tamper_mode = mode;
		assert_int_equal(wire_open(&c, GENERIC_READ, &o), ERROR_ACCESS_DENIED);
		/* ... and the server closed the connection. */
		char b;
		assert_true(recv(c.fd, &b, 1, 0) <= 0);
		c.sec.auth.ops = real_ops;
		rpc_client_close(&c);
	}
	tamper_mode = 0;
}

static void test_replay_and_plain(void **state)
{
	(void)state;
	struct rpc_client c;
	struct cmrp_open_cluster_out o;
	struct timeval tv = { .tv_sec = 5 };

	/* Replay the last sealed request (its sequence number is used up). */
	assert_int_equal(bind_ntlm(&c, "alice", ALICE_PW, RPC_AUTHN_LEVEL_PKT_PRIVACY), 0);
	assert_int_equal(wire_open(&c, GENERIC_READ, &o), 0);
	uint8_t *copy = malloc(c.scratch.len);
	size_t n = c.scratch.len;
	memcpy(copy, c.scratch.data, n);
	setsockopt(c.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	assert_int_equal(send(c.fd, copy, n, MSG_NOSIGNAL), (ssize_t)n);
	expect_fault_then_close(c.fd);
	free(copy);
	rpc_client_close(&c);

	/* A plain request on a sealed connection. */
	assert_int_equal(bind_ntlm(&c, "alice", ALICE_PW, RPC_AUTHN_LEVEL_PKT_PRIVACY), 0);
	struct ndr_push p;
	ndr_push_init(&p);
	uint8_t stub[4] = { 0 };
	assert_true(rpc_request_encode(&p, RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG, 77, 4, 0, CMRP_GET_CLUSTER_NAME, stub, 4));
	setsockopt(c.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	assert_int_equal(send(c.fd, p.data, p.len, MSG_NOSIGNAL), (ssize_t)p.len);
	expect_fault_then_close(c.fd);
	ndr_push_free(&p);
	rpc_client_close(&c);
}

/* A bind with an auth type we do not offer, or a broken token. */
static void test_bad_binds(void **state)
{
	(void)state;
	struct rpc_client c;
	struct rpc_auth_client_creds cr = { .user = "alice", .password = ALICE_PW };
	struct rpc_auth a;
	static struct rpc_auth_ops unknown;

	assert_int_equal(connect_tcp(&c), 0);
	assert_int_equal(rpc_auth_ntlmssp_client(&cr, &a), 0);
	unknown = *a.ops;
	unknown.auth_type = 0x44;
	a.ops = &unknown;
	assert_int_equal(rpc_client_bind_auth(&c, &cmrp_syntax, &a, RPC_AUTHN_LEVEL_PKT_PRIVACY), ERROR_ACCESS_DENIED);
	rpc_client_close(&c);
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_user),
		cmocka_unit_test(test_read_user),
		cmocka_unit_test(test_bad_logons),
		cmocka_unit_test(test_no_credentials),
		cmocka_unit_test(test_credentials_file),
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_fragments),
		cmocka_unit_test(test_tampered),
		cmocka_unit_test(test_replay_and_plain),
		cmocka_unit_test(test_bad_binds),
	};
	return daemon_finish(cmocka_run_group_tests(tests, group_setup, group_teardown));
}
