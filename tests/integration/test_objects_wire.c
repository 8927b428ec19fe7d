/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The object calls at the wire, against a real clusterd: the handle matrix
 * (closed, forged and other-connection handles on every call that takes one),
 * the access matrix (a read-only caller on every call that changes the
 * cluster: refused, nothing changed), and bad input (unknown enumeration
 * types, names that are not there, strings that do not decode).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/utf16.h"
#include "cmrp/cmrp.h"
#include "cmrp/cmrp_objects.h"
#include "daemon.h"
#include "rpc/client.h"

static struct daemon d;

static int group_setup(void **state)
{
	(void)state;
	/* Anonymous callers may read, not change: the access matrix uses them. */
	if (daemon_start(&d, DAEMON_TCP, (const char *const[]){ "--node-name", "node1", "--allow-anonymous", NULL }) != 0)
		return -1;
	return daemon_write_acl(&d, "uid:0 full\nanonymous read\n");
}

static int group_teardown(void **state)
{
	(void)state;
	assert_int_equal(daemon_stop(&d), 0);
	daemon_destroy(&d);
	return 0;
}

/* LPC as root: full rights.  TCP anonymous: read only (the ACL above). */
static void connect_lpc(struct rpc_client *c)
{
	rpc_client_init(c);
	assert_int_equal(rpc_client_connect_unix(c, d.lpc), 0);
	assert_int_equal(rpc_client_bind(c, &cmrp_syntax), 0);
}

static void connect_tcp(struct rpc_client *c)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(d.tcp_port) };
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	rpc_client_init(c);
	assert_int_equal(rpc_client_connect_addr(c, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(rpc_client_bind(c, &cmrp_syntax), 0);
}

/* A call whose reply ends with the WERROR result: returns it. */
static uint32_t call_result(struct rpc_client *c, uint16_t opnum, struct ndr_push *req)
{
	uint8_t *buf;
	size_t len;
	bool be;
	DWORD err = rpc_client_call(c, opnum, req->data, req->len, &buf, &len, &be);
	ndr_push_free(req);
	ndr_push_init(req);
	if (err)
		fail_msg("opnum %u: transport error %u", opnum, (unsigned)err);
	assert_true(len >= 4);
	uint32_t r = be ? (uint32_t)buf[len - 4] << 24 | (uint32_t)buf[len - 3] << 16 | (uint32_t)buf[len - 2] << 8 | buf[len - 1]
			: (uint32_t)buf[len - 1] << 24 | (uint32_t)buf[len - 2] << 16 | (uint32_t)buf[len - 3] << 8 | buf[len - 4];
	free(buf);
	return r;
}

static uint32_t open_named(struct rpc_client *c, uint16_t opnum, const char *name, struct rpc_ctx_handle *h)
{
	struct ndr_push req;
	uint8_t *buf;
	size_t len;
	bool be;
	struct ndr_pull in;
	struct cmrp_open_object_out o;
	uint16_t *w = utf16_from_utf8_dup(name);
	ndr_push_init(&req);
	cmrp_name_encode_in(&req, w, utf16_len(w));
	free(w);
	assert_int_equal(rpc_client_call(c, opnum, req.data, req.len, &buf, &len, &be), 0);
	ndr_push_free(&req);
	ndr_pull_init(&in, buf, len, be);
	assert_true(cmrp_open_object_decode_out(&in, &o, false));
	free(buf);
	*h = o.handle;
	if (o.status)
		assert_true(rpc_uuid_is_nil(&h->uuid));
	return o.status;
}

/* Calls whose [in] is just one handle, with the handle type they take. */
static const struct {
	uint16_t opnum;
	uint16_t open; /* how to get such a handle */
	const char *name;
	bool changes;
} handle_calls[] = {
	{ CMRP_DELETE_RESOURCE, CMRP_OPEN_RESOURCE, "Cluster Name", true },
	{ CMRP_GET_RESOURCE_STATE, CMRP_OPEN_RESOURCE, "Cluster Name", false },
	{ CMRP_GET_RESOURCE_ID, CMRP_OPEN_RESOURCE, "Cluster Name", false },
	{ CMRP_GET_RESOURCE_TYPE, CMRP_OPEN_RESOURCE, "Cluster Name", false },
	{ CMRP_FAIL_RESOURCE, CMRP_OPEN_RESOURCE, "Cluster Name", true },
	{ CMRP_ONLINE_RESOURCE, CMRP_OPEN_RESOURCE, "Cluster Name", true },
	{ CMRP_OFFLINE_RESOURCE, CMRP_OPEN_RESOURCE, "Cluster Name", true },
	{ CMRP_GET_RESOURCE_DEPENDENCY_EXPRESSION, CMRP_OPEN_RESOURCE, "Cluster Name", false },
	{ CMRP_GET_RESOURCE_NETWORK_NAME, CMRP_OPEN_RESOURCE, "Cluster Name", false },
	{ CMRP_GET_GROUP_STATE, CMRP_OPEN_GROUP, "Cluster Group", false },
	{ CMRP_GET_GROUP_ID, CMRP_OPEN_GROUP, "Cluster Group", false },
	{ CMRP_ONLINE_GROUP, CMRP_OPEN_GROUP, "Cluster Group", true },
	{ CMRP_OFFLINE_GROUP, CMRP_OPEN_GROUP, "Cluster Group", true },
	{ CMRP_MOVE_GROUP, CMRP_OPEN_GROUP, "Cluster Group", true },
	{ CMRP_GET_NODE_STATE, CMRP_OPEN_NODE, "node1", false },
	{ CMRP_GET_NODE_ID, CMRP_OPEN_NODE, "node1", false },
	{ CMRP_PAUSE_NODE, CMRP_OPEN_NODE, "node1", true },
	{ CMRP_RESUME_NODE, CMRP_OPEN_NODE, "node1", true },
	{ CMRP_EVICT_NODE, CMRP_OPEN_NODE, "node1", true },
	{ CMRP_GET_NETWORK_STATE, CMRP_OPEN_NETWORK, "Cluster Network 1", false },
	{ CMRP_GET_NETWORK_ID, CMRP_OPEN_NETWORK, "Cluster Network 1", false },
	{ CMRP_GET_NET_INTERFACE_STATE, CMRP_OPEN_NET_INTERFACE, "node1 - Ethernet", false },
	{ CMRP_GET_NET_INTERFACE_ID, CMRP_OPEN_NET_INTERFACE, "node1 - Ethernet", false },
};

static void test_handle_matrix(void **state)
{
	(void)state;
	struct rpc_client a, b;
	struct ndr_push req;
	connect_lpc(&a);
	connect_lpc(&b);
	ndr_push_init(&req);
	for (size_t i = 0; i < sizeof(handle_calls) / sizeof(handle_calls[0]); i++) {
		struct rpc_ctx_handle h, out;
		uint16_t op = handle_calls[i].opnum;
		assert_int_equal(open_named(&a, handle_calls[i].open, handle_calls[i].name, &h), 0);
		/* another connection's handle */
		cmrp_handle_encode(&req, &h);
		if (call_result(&b, op, &req) != ERROR_INVALID_HANDLE)
			fail_msg("opnum %u accepted another connection's handle", op);
		/* a forged one */
		struct rpc_ctx_handle forged = h;
		forged.uuid.time_low ^= 0x5a5a5a5a;
		cmrp_handle_encode(&req, &forged);
		if (call_result(&a, op, &req) != ERROR_INVALID_HANDLE)
			fail_msg("opnum %u accepted a forged handle", op);
		/* a handle of another type (the cluster handle) */
		struct rpc_ctx_handle cl;
		cmrp_open_cluster_ex_encode_in(&req, MAXIMUM_ALLOWED);
		{
			uint8_t *buf;
			size_t len;
			bool be;
			struct ndr_pull in;
			struct cmrp_open_cluster_out o;
			assert_int_equal(rpc_client_call(&a, CMRP_OPEN_CLUSTER_EX, req.data, req.len, &buf, &len, &be), 0);
			ndr_push_free(&req);
			ndr_push_init(&req);
			ndr_pull_init(&in, buf, len, be);
			assert_true(cmrp_open_cluster_decode_out(&in, &o, true));
			free(buf);
			cl = o.handle;
		}
		cmrp_handle_encode(&req, &cl);
		if (call_result(&a, op, &req) != ERROR_INVALID_HANDLE)
			fail_msg("opnum %u accepted a cluster handle", op);
		/* closed */
		uint16_t close_op = handle_calls[i].open == CMRP_OPEN_RESOURCE ? CMRP_CLOSE_RESOURCE
				    : handle_calls[i].open == CMRP_OPEN_GROUP  ? CMRP_CLOSE_GROUP
				    : handle_calls[i].open == CMRP_OPEN_NODE   ? CMRP_CLOSE_NODE
				    : handle_calls[i].open == CMRP_OPEN_NETWORK ? CMRP_CLOSE_NETWORK
										: CMRP_CLOSE_NET_INTERFACE;
		cmrp_handle_encode(&req, &h);
		{
			uint8_t *buf;
			size_t len;
			bool be;
			struct ndr_pull in;
			uint32_t result;
			assert_int_equal(rpc_client_call(&a, close_op, req.data, req.len, &buf, &len, &be), 0);
			ndr_push_free(&req);
			ndr_push_init(&req);
			ndr_pull_init(&in, buf, len, be);
			assert_true(cmrp_close_decode_out(&in, &out, &result));
			assert_int_equal(result, 0);
			assert_true(rpc_uuid_is_nil(&out.uuid));
			free(buf);
		}
		cmrp_handle_encode(&req, &h);
		if (call_result(&a, op, &req) != ERROR_INVALID_HANDLE)
			fail_msg("opnum %u accepted a closed handle", op);
		cmrp_handle_encode(&req, &h);
		assert_int_equal(call_result(&a, close_op, &req), ERROR_INVALID_HANDLE);
	}
	ndr_push_free(&req);
	rpc_client_close(&a);
	rpc_client_close(&b);
}

static void test_access_matrix(void **state)
{
	(void)state;
	struct rpc_client ro, rw;
	struct ndr_push req;
	connect_tcp(&ro); /* anonymous: read */
	connect_lpc(&rw);
	ndr_push_init(&req);
	for (size_t i = 0; i < sizeof(handle_calls) / sizeof(handle_calls[0]); i++) {
		struct rpc_ctx_handle h;
		uint16_t op = handle_calls[i].opnum;
		assert_int_equal(open_named(&ro, handle_calls[i].open, handle_calls[i].name, &h), 0);
		cmrp_handle_encode(&req, &h);
		uint32_t r = call_result(&ro, op, &req);
		if (handle_calls[i].changes && r != ERROR_ACCESS_DENIED)
			fail_msg("opnum %u with a read-only handle: %u, not ERROR_ACCESS_DENIED", op, (unsigned)r);
		if (!handle_calls[i].changes && r != 0)
			fail_msg("opnum %u (a read) with a read-only handle: %u", op, (unsigned)r);
	}
	/* Nothing changed: the core resource is online, the node up. */
	struct rpc_ctx_handle h;
	assert_int_equal(open_named(&rw, CMRP_OPEN_RESOURCE, "Cluster Name", &h), 0);
	cmrp_handle_encode(&req, &h);
	{
		uint8_t *buf;
		size_t len;
		bool be;
		struct ndr_pull in;
		struct cmrp_state_out o;
		assert_int_equal(rpc_client_call(&rw, CMRP_GET_RESOURCE_STATE, req.data, req.len, &buf, &len, &be), 0);
		ndr_pull_init(&in, buf, len, be);
		assert_true(cmrp_state_decode_out(&in, &o, 2));
		assert_int_equal(o.result, 0);
		assert_int_equal(o.state, 2); /* ClusterResourceOnline */
		cmrp_state_out_free(&o);
		free(buf);
		ndr_push_free(&req);
		ndr_push_init(&req);
	}
	/* Creating and renaming need Change too. */
	struct rpc_ctx_handle g;
	assert_int_equal(open_named(&ro, CMRP_OPEN_GROUP, "Cluster Group", &g), 0);
	static const uint16_t name[] = { 'x', 0 };
	cmrp_handle_name_encode_in(&req, &g, name, 1, NULL, 0);
	assert_int_equal(call_result(&ro, CMRP_SET_GROUP_NAME, &req), ERROR_ACCESS_DENIED);
	cmrp_name_encode_in(&req, name, 1);
	{
		uint8_t *buf;
		size_t len;
		bool be;
		struct ndr_pull in;
		struct cmrp_open_object_out o;
		assert_int_equal(rpc_client_call(&ro, CMRP_CREATE_GROUP, req.data, req.len, &buf, &len, &be), 0);
		ndr_pull_init(&in, buf, len, be);
		assert_true(cmrp_open_object_decode_out(&in, &o, false));
		assert_int_equal(o.status, ERROR_ACCESS_DENIED);
		free(buf);
		ndr_push_free(&req);
		ndr_push_init(&req);
	}
	cmrp_handle_bool_encode_in(&req, &g, true);
	assert_int_equal(call_result(&ro, CMRP_DELETE_GROUP, &req), ERROR_ACCESS_DENIED);
	ndr_push_free(&req);
	rpc_client_close(&ro);
	rpc_client_close(&rw);
}

static void test_bad_input(void **state)
{
	(void)state;
	struct rpc_client c;
	struct ndr_push req;
	struct rpc_ctx_handle h;
	connect_lpc(&c);
	ndr_push_init(&req);
	/* unknown enumeration types */
	static const uint32_t bad_types[] = { 0, 0x40, 0x80, 0x100, 0x10000, 0x20000000 };
	for (size_t i = 0; i < sizeof(bad_types) / sizeof(bad_types[0]); i++) {
		cmrp_u32_encode_in(&req, bad_types[i]);
		assert_int_equal(call_result(&c, CMRP_CREATE_ENUM, &req), ERROR_INVALID_PARAMETER);
	}
	/* names that are not there */
	assert_int_equal(open_named(&c, CMRP_OPEN_RESOURCE, "", &h), ERROR_RESOURCE_NOT_FOUND);
	assert_int_equal(open_named(&c, CMRP_OPEN_GROUP, "no such group", &h), 5013);
	assert_int_equal(open_named(&c, CMRP_OPEN_NODE, "node2", &h), 5042);
	assert_int_equal(open_named(&c, CMRP_OPEN_NETWORK, "x", &h), 5045);
	assert_int_equal(open_named(&c, CMRP_OPEN_NET_INTERFACE, "x", &h), 5047);
	/* strings that do not decode: a fault, nothing else */
	ndr_push_u32(&req, 0xffffffffu);
	ndr_push_u32(&req, 0);
	ndr_push_u32(&req, 0xffffffffu);
	uint8_t *buf;
	size_t len;
	bool be;
	assert_int_equal(rpc_client_call(&c, CMRP_OPEN_RESOURCE, req.data, req.len, &buf, &len, &be), RPC_X_BAD_STUB_DATA);
	assert_int_equal(rpc_client_call(&c, CMRP_CREATE_GROUP, req.data, req.len, &buf, &len, &be), RPC_X_BAD_STUB_DATA);
	ndr_push_free(&req);
	ndr_push_init(&req);
	/* a resource of a type that does not exist: nothing created */
	struct rpc_ctx_handle g;
	assert_int_equal(open_named(&c, CMRP_OPEN_GROUP, "Cluster Group", &g), 0);
	struct cmrp_create_resource_in r = { .group = g };
	r.name.s = utf16_from_utf8_dup("r1");
	r.name.units = 2;
	r.type.s = utf16_from_utf8_dup("No Such Type");
	r.type.units = utf16_len(r.type.s);
	cmrp_create_resource_encode_in(&req, &r);
	cmrp_create_resource_in_free(&r);
	{
		struct ndr_pull in;
		struct cmrp_open_object_out o;
		assert_int_equal(rpc_client_call(&c, CMRP_CREATE_RESOURCE, req.data, req.len, &buf, &len, &be), 0);
		ndr_pull_init(&in, buf, len, be);
		assert_true(cmrp_open_object_decode_out(&in, &o, false));
		assert_int_equal(o.status, 5078);
		free(buf);
	}
	assert_int_equal(open_named(&c, CMRP_OPEN_RESOURCE, "r1", &h), ERROR_RESOURCE_NOT_FOUND);
	ndr_push_free(&req);
	rpc_client_close(&c);
}

/* A change acknowledged, then kill -9: it is there after a restart. */
static void test_durability(void **state)
{
	(void)state;
	struct rpc_client c;
	struct ndr_push req;
	struct rpc_ctx_handle h;
	uint8_t *buf;
	size_t len;
	bool be;
	connect_lpc(&c);
	ndr_push_init(&req);
	static const uint16_t name[] = { 'd', 'u', 'r', 'a', 'b', 'l', 'e', 0 };
	cmrp_name_encode_in(&req, name, 7);
	assert_int_equal(rpc_client_call(&c, CMRP_CREATE_GROUP, req.data, req.len, &buf, &len, &be), 0);
	free(buf);
	ndr_push_free(&req);
	rpc_client_close(&c);
	daemon_kill9(&d);
	assert_int_equal(daemon_restart(&d, DAEMON_TCP, (const char *const[]){ "--node-name", "node1", "--allow-anonymous", NULL }), 0);
	connect_lpc(&c);
	assert_int_equal(open_named(&c, CMRP_OPEN_GROUP, "durable", &h), 0);
	rpc_client_close(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handle_matrix),
		cmocka_unit_test(test_access_matrix),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_durability),
	};
	return daemon_finish(cmocka_run_group_tests(tests, group_setup, group_teardown));
}
