/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz one server connection: the input is everything a client sends on it.
 *
 * Byte 0 chooses the setup, the rest is the TCP byte stream:
 *   bit 0  0 = the MS-CMRP listener (clusapi), 1 = the endpoint mapper
 *   bit 1  a down-level server (--test-down-level: no OpenClusterEx)
 *   bit 2  a slow client: only half of what is queued is sent after each
 *          PDU, so output piles up and the server compacts its buffer
 *   bit 3  anonymous callers get no rights (the access-denied paths); by
 *          default they get everything, so calls reach the deep code
 *   bit 4  authentication offered as clusterd offers it (SPNEGO, NTLMSSP;
 *          no keytab): binds with auth trailers, auth3, alter_context legs,
 *          requests on contexts that are pending or failed
 *
 * The connection is wired as clusterd wires it (loop.c): a struct session
 * for an anonymous TCP caller as the connection's user, the real interfaces
 * and configurations, rpc_srv_conn_frame() to cut PDUs out of the stream and
 * rpc_srv_conn_process() for each, until the server closes or the stream
 * ends.  Every PDU the server queues is checked to be well formed.
 *
 * Context handles are 16 random bytes, which no input could guess; a real
 * client echoes the ones it was given.  So the harness does it for the
 * input: in a request, "HND" followed by a byte k (at or after the request
 * header) is replaced, with the 12 bytes after it, by the UUID of the k-th
 * handle the session holds (modulo how many it holds), in the PDU's byte
 * order.  That reaches the handle lookups and closes behind them.  On the
 * endpoint mapper, "EPH" followed by k stands for the k-th search it has
 * open (its entry handles), the same way.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "cmrp/cmrp.h"
#include "rpc/epm.h"
#include "rpc/server.h"
#include "server/auth.h"
#include "server/clusterd.h"
#include "server/session.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SEL_EPM 0x01
#define SEL_DOWN_LEVEL 0x02
#define SEL_SLOW_READER 0x04
#define SEL_DENY_ANONYMOUS 0x08
#define SEL_AUTH 0x10

#define CMRP_PORT 46099

static char state_dir[256];
static struct server_state st;
static struct identity initial_id;
static struct epm_registry epm_reg;
static struct rpc_server_iface cmrp_iface, epm_iface;
static struct rpc_server_conf cmrp_conf, epm_conf;

static void remove_state_dir(void)
{
	char path[512];
	static const char *const files[] = { "cluster-name", "cluster-name.tmp", "cluster.db", "cluster.db-wal",
					     "cluster.db-shm", "accounts" };

	if (st.be)
		st.be->ops->destroy(st.be);
	st.be = NULL;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", state_dir, files[i]);
		unlink(path);
	}
	rmdir(state_dir);
	acl_file_free(&st.acl);
	accounts_close(&st.accounts);
}

/* The state directory: in $TMPDIR when set (run-fuzzers.sh points it at a
 * directory it removes, since a crash skips the atexit() clean-up), else where
 * writes are cheapest, as SetClusterName fsyncs. */
static void make_state_dir(void)
{
	const char *tmp = getenv("TMPDIR");
	const char *bases[] = { tmp && *tmp ? tmp : "/dev/shm", "/dev/shm", "/tmp" };

	for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		snprintf(state_dir, sizeof(state_dir), "%s/clusapi-fuzz-XXXXXX", bases[i]);
		if (mkdtemp(state_dir))
			return;
	}
	perror("fuzz_pdu: mkdtemp");
	abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[512], acl_path[300];
	(void)argc;
	(void)argv;

	/* clusterd logs every rename at info level: keep the fuzzer quiet. */
	log_set_level(LOG_LVL_ERROR);
	make_state_dir();
	memset(&st, 0, sizeof(st));
	if (identity_load(&st.id, state_dir, "fuzz-node", err, sizeof(err)) < 0) {
		fprintf(stderr, "fuzz_pdu: %s\n", err);
		abort();
	}
	initial_id = st.id;
	/* The embedded backend, as clusterd opens it.  Its changes accumulate
	 * from input to input (like a long-running server's). */
	st.be = backend_embedded_open(state_dir, st.id.node_name, st.id.cluster_name, err, sizeof(err));
	if (!st.be) {
		fprintf(stderr, "fuzz_pdu: %s\n", err);
		abort();
	}

	/* The ACL in memory.  Its file does not exist, so acl_file_refresh()
	 * keeps what is here. */
	snprintf(acl_path, sizeof(acl_path), "%s/cluster.acl", state_dir);
	st.acl.path = strdup(acl_path);
	if (!st.acl.path)
		abort();
	st.acl.allow_anonymous = true;
	st.acl.acl.allow_anonymous = true;
	/* An empty account database: NTLM logons reach the lookup and fail. */
	if (accounts_open(&st.accounts, state_dir, err, sizeof(err)) < 0) {
		fprintf(stderr, "fuzz_pdu: %s\n", err);
		abort();
	}
	atexit(remove_state_dir);

	/* As clusterd's main() and loop_new() set them up: MS-CMRP on two
	 * addresses (so that searches can be continued), a connection that
	 * came in over 127.0.0.1 (no conn_of: the registry's shared state). */
	epm_registry_add(&epm_reg, &cmrp_syntax, CMRP_PORT, 0x7f000001u, "Failover Cluster Management API");
	epm_registry_add(&epm_reg, &cmrp_syntax, CMRP_PORT, 0x7f000002u, "Failover Cluster Management API");
	epm_conn_init(&epm_reg.shared, 0x7f000001u);
	cmrp_server_iface(&cmrp_iface, &st);
	epm_server_iface(&epm_iface, &epm_reg);
	cmrp_conf.ifaces[0] = &cmrp_iface;
	cmrp_conf.n_ifaces = 1;
	epm_conf.ifaces[0] = &epm_iface;
	epm_conf.n_ifaces = 1;
	return 0;
}

/* What the server queued (the last `added` bytes of its output) must be whole,
 * well-formed PDUs that fit the fragment size it negotiated. */
static void check_output(const struct rpc_srv_conn *c, size_t added)
{
	if (c->out_off > c->out_len || added > c->out_len - c->out_off)
		abort();
	size_t off = c->out_len - added;

	while (off < c->out_len) {
		struct rpc_hdr h;
		const uint8_t *pdu = c->out + off;
		size_t avail = c->out_len - off;
		if (rpc_hdr_decode(pdu, avail, &h) < 0 || h.frag_length > avail || h.frag_length > c->max_xmit)
			abort();
		switch (h.ptype) {
		case RPC_PTYPE_RESPONSE: {
			struct rpc_response r;
			if (rpc_response_decode(pdu, &h, &r) < 0)
				abort();
			break;
		}
		case RPC_PTYPE_FAULT: {
			struct rpc_fault f;
			if (rpc_fault_decode(pdu, &h, &f) < 0)
				abort();
			break;
		}
		case RPC_PTYPE_BIND_ACK:
		case RPC_PTYPE_ALTER_CONTEXT_RESP: {
			struct rpc_bind_ack a;
			if (rpc_bind_ack_decode(pdu, &h, &a) < 0)
				abort();
			break;
		}
		case RPC_PTYPE_BIND_NAK: {
			uint16_t reason;
			if (rpc_bind_nak_decode(pdu, &h, &reason) < 0)
				abort();
			break;
		}
		default:
			abort(); /* the server sends nothing else */
		}
		off += h.frag_length;
	}
}

static void put_uuid(uint8_t *p, const struct rpc_uuid *u, bool be)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(u->time_low >> (be ? 24 - 8 * i : 8 * i));
	p[4] = (uint8_t)(be ? u->time_mid >> 8 : u->time_mid);
	p[5] = (uint8_t)(be ? u->time_mid : u->time_mid >> 8);
	p[6] = (uint8_t)(be ? u->time_hi >> 8 : u->time_hi);
	p[7] = (uint8_t)(be ? u->time_hi : u->time_hi >> 8);
	memcpy(p + 8, u->rest, 8);
}

/* A copy of the PDU with its handle markers replaced (see the top), or NULL
 * when it has none. */
static uint8_t *echo_handles(const struct session *sess, const uint8_t *pdu, size_t len)
{
	uint8_t *copy = NULL;

	if (len < RPC_REQUEST_HDR_LEN + 16 || pdu[2] != RPC_PTYPE_REQUEST)
		return NULL;
	bool be = (pdu[4] & 0xf0) == 0;
	size_t nsearch = epm_conn_searches(&epm_reg.shared);
	for (size_t p = RPC_REQUEST_HDR_LEN; nsearch && p + 16 <= len; p++) {
		if (memcmp(pdu + p, "EPH", 3) != 0)
			continue;
		size_t k = pdu[p + 3] % nsearch;
		for (size_t i = 0; i < EPM_MAX_HANDLES; i++) {
			if (!epm_reg.shared.searches[i].used || k-- != 0)
				continue;
			if (!copy) {
				copy = malloc(len);
				if (!copy)
					abort();
				memcpy(copy, pdu, len);
			}
			put_uuid(copy + p, &epm_reg.shared.searches[i].id, be);
			break;
		}
		p += 15;
	}
	if (sess->count == 0)
		return copy;
	for (size_t p = RPC_REQUEST_HDR_LEN; p + 16 <= len; p++) {
		if (memcmp(pdu + p, "HND", 3) != 0)
			continue;
		size_t k = pdu[p + 3] % sess->count;
		for (size_t i = 0; i < sess->cap; i++) {
			if (rpc_uuid_is_nil(&sess->slots[i].uuid))
				continue;
			if (k-- == 0) {
				if (!copy) {
					copy = malloc(len);
					if (!copy)
						abort();
					memcpy(copy, pdu, len);
				}
				put_uuid(copy + p, &sess->slots[i].uuid, be);
				break;
			}
		}
		p += 15;
	}
	return copy;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct principal anonymous = { .kind = PRINCIPAL_ANONYMOUS };
	struct session sess;
	struct rpc_srv_conn conn;

	if (size < 1)
		return 0;
	uint8_t sel = data[0];
	data++;
	size--;

	/* Each input starts from the same server state. */
	st.id = initial_id;
	st.down_level = (sel & SEL_DOWN_LEVEL) != 0;
	st.acl.allow_anonymous = st.acl.acl.allow_anonymous = !(sel & SEL_DENY_ANONYMOUS);

	cmrp_conf.auth_start = (sel & SEL_AUTH) ? server_auth_start : NULL;
	cmrp_conf.auth_arg = &st;
	bool epm = (sel & SEL_EPM) != 0;
	session_init(&sess, &st, &anonymous, false);
	rpc_srv_conn_init(&conn, epm ? &epm_conf : &cmrp_conf, &sess, epm ? "135" : "46099");

	size_t off = 0;
	for (;;) {
		long len = rpc_srv_conn_frame(&conn, data + off, size - off);
		if (len <= 0)
			break; /* the stream ends mid-PDU, or the server closes */
		if ((size_t)len > size - off || (size_t)len < RPC_HDR_LEN)
			abort();
		size_t pending = conn.out_len - conn.out_off;
		uint8_t *echoed = echo_handles(&sess, data + off, (size_t)len);
		int rc = rpc_srv_conn_process(&conn, echoed ? echoed : data + off, (size_t)len);
		free(echoed);
		if (conn.out_len - conn.out_off < pending)
			abort();
		check_output(&conn, conn.out_len - conn.out_off - pending);
		off += (size_t)len;
		if (rc < 0)
			break;
		if (sel & SEL_SLOW_READER)
			conn.out_off += (conn.out_len - conn.out_off) / 2;
		else
			conn.out_off = conn.out_len = 0; /* all sent, as conn_flush() does */
	}

	/* Connection gone: rundown of its handles, then the connection. */
	session_free(&sess);
	epm_conn_free(&epm_reg.shared);
	rpc_srv_conn_free(&conn);
	return 0;
}
