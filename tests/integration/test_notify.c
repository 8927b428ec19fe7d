/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Version 1 notification ports at the wire, against a real clusterd:
 * indications queued by changes made on another connection, a GetNotify that
 * blocks until one arrives, UnblockGetNotifyCall and CloseNotify releasing a
 * blocked GetNotify, handles from elsewhere refused, a connection that
 * goes away with a GetNotify pending, ApiAddNotifyKey as Samba and the spec
 * encode it, and the version 2 calls (opnums 137-139) not served.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/utf16.h"
#include "base/werror.h"
#include "cmrp/cmrp.h"
#include "cmrp/cmrp_notify.h"
#include "cmrp/cmrp_objects.h"
#include "daemon.h"
#include "rpc/client.h"

#define ERR_INVALID_HANDLE 6u
#define ERR_NO_MORE_ITEMS 259u
#define GROUP "Cluster Group"

static struct daemon d;

static int group_setup(void **state)
{
	(void)state;
	if (daemon_start(&d, DAEMON_TCP, (const char *const[]){ "--node-name", "node1", NULL }) != 0)
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

static void connect_lpc(struct rpc_client *c)
{
	rpc_client_init(c);
	assert_int_equal(rpc_client_connect_unix(c, d.lpc), 0);
	assert_int_equal(rpc_client_bind(c, &cmrp_syntax), 0);
}

static void call(struct rpc_client *c, uint16_t opnum, struct ndr_push *req, struct ndr_pull *in, uint8_t **buf)
{
	size_t len;
	bool be;
	DWORD err = rpc_client_call(c, opnum, req->data, req->len, buf, &len, &be);
	ndr_push_free(req);
	if (err)
		fail_msg("opnum %u: transport error %u", opnum, (unsigned)err);
	ndr_pull_init(in, *buf, len, be);
}

static void open_group(struct rpc_client *c, struct rpc_ctx_handle *h)
{
	struct ndr_push req;
	struct ndr_pull in;
	struct cmrp_open_object_out o;
	uint8_t *buf;
	uint16_t *w = utf16_from_utf8_dup(GROUP);
	ndr_push_init(&req);
	cmrp_name_encode_in(&req, w, utf16_len(w));
	free(w);
	call(c, CMRP_OPEN_GROUP, &req, &in, &buf);
	assert_true(cmrp_open_object_decode_out(&in, &o, false));
	free(buf);
	assert_int_equal(o.status, 0);
	*h = o.handle;
}

static void open_cluster(struct rpc_client *c, struct rpc_ctx_handle *h)
{
	struct ndr_push req;
	struct ndr_pull in;
	struct cmrp_open_cluster_out o;
	uint8_t *buf;
	ndr_push_init(&req);
	call(c, CMRP_OPEN_CLUSTER, &req, &in, &buf);
	assert_true(cmrp_open_cluster_decode_out(&in, &o, false));
	free(buf);
	assert_int_equal(o.status, 0);
	*h = o.handle;
}

static void create_notify(struct rpc_client *c, struct rpc_ctx_handle *h)
{
	struct ndr_push req;
	struct ndr_pull in;
	struct cmrp_create_notify_out o;
	uint8_t *buf;
	ndr_push_init(&req);
	call(c, CMRP_CREATE_NOTIFY, &req, &in, &buf);
	assert_true(cmrp_create_notify_decode_out(&in, &o));
	free(buf);
	assert_int_equal(o.status, 0);
	assert_false(rpc_uuid_is_nil(&o.handle.uuid));
	*h = o.handle;
}

/* AddNotify{Cluster,Node,Group,Resource}: the result. */
static uint32_t add_notify(struct rpc_client *c, uint16_t opnum, const struct rpc_ctx_handle *hn,
			   const struct rpc_ctx_handle *ho, uint32_t filter, uint32_t key)
{
	struct cmrp_add_notify_in a = { .notify = *hn, .object = *ho, .filter = filter, .key = key };
	struct ndr_push req;
	struct ndr_pull in;
	uint8_t *buf;
	uint32_t result, rpc_status;
	ndr_push_init(&req);
	assert_true(cmrp_add_notify_encode_in(&req, &a, false));
	call(c, opnum, &req, &in, &buf);
	if (opnum == CMRP_ADD_NOTIFY_CLUSTER) {
		assert_true(cmrp_status_result_decode_out(&in, &rpc_status, &result));
	} else {
		struct cmrp_add_notify_out o;
		assert_true(cmrp_add_notify_decode_out(&in, &o));
		result = o.result;
	}
	free(buf);
	return result;
}

static uint32_t handle_call(struct rpc_client *c, uint16_t opnum, const struct rpc_ctx_handle *h)
{
	struct ndr_push req;
	struct ndr_pull in;
	uint8_t *buf;
	uint32_t rpc_status, result;
	ndr_push_init(&req);
	cmrp_handle_encode(&req, h);
	call(c, opnum, &req, &in, &buf);
	if (opnum == CMRP_UNBLOCK_GET_NOTIFY_CALL) {
		assert_true(cmrp_result_decode_out(&in, &result));
	} else if (opnum == CMRP_CLOSE_NOTIFY || opnum == CMRP_CLOSE_GROUP) {
		struct rpc_ctx_handle back;
		assert_true(cmrp_close_decode_out(&in, &back, &result));
	} else {
		assert_true(cmrp_status_result_decode_out(&in, &rpc_status, &result));
	}
	free(buf);
	return result;
}

static void get_notify(struct rpc_client *c, const struct rpc_ctx_handle *h, struct cmrp_get_notify_out *o)
{
	struct ndr_push req;
	struct ndr_pull in;
	uint8_t *buf;
	ndr_push_init(&req);
	cmrp_handle_encode(&req, h);
	call(c, CMRP_GET_NOTIFY, &req, &in, &buf);
	assert_true(cmrp_get_notify_decode_out(&in, o));
	free(buf);
}

static void expect_group_state(const struct cmrp_get_notify_out *o, uint32_t key)
{
	assert_int_equal(o->result, 0);
	assert_int_equal(o->key, key);
	assert_int_equal(o->filter, CLUSTER_CHANGE_GROUP_STATE);
	assert_non_null(o->name.s);
	char *name = utf16_to_utf8_dup(o->name.s, o->name.units);
	assert_string_equal(name, GROUP);
	free(name);
}

/* Take the group offline and back online from another connection. */
static void bounce_group(struct rpc_client *other)
{
	struct rpc_ctx_handle hg;
	open_group(other, &hg);
	assert_int_equal(handle_call(other, CMRP_OFFLINE_GROUP, &hg), 0);
	assert_int_equal(handle_call(other, CMRP_ONLINE_GROUP, &hg), 0);
	assert_int_equal(handle_call(other, CMRP_CLOSE_GROUP, &hg), 0);
}

/* A port watching "Cluster Group" for state changes with key `key`. */
static void watch_group(struct rpc_client *c, struct rpc_ctx_handle *hn, uint32_t key)
{
	struct rpc_ctx_handle hg;
	create_notify(c, hn);
	open_group(c, &hg);
	assert_int_equal(add_notify(c, CMRP_ADD_NOTIFY_GROUP, hn, &hg, CLUSTER_CHANGE_GROUP_STATE, key), 0);
	assert_int_equal(handle_call(c, CMRP_CLOSE_GROUP, &hg), 0);
}

static void test_queued_indication(void **state)
{
	struct rpc_client a, b;
	struct rpc_ctx_handle hn;
	struct cmrp_get_notify_out o;
	(void)state;

	connect_lpc(&a);
	connect_lpc(&b);
	watch_group(&a, &hn, 0x1234);
	bounce_group(&b);
	get_notify(&a, &hn, &o);
	expect_group_state(&o, 0x1234);
	uint32_t first = o.sequence;
	cmrp_get_notify_out_free(&o);
	/* more than one state change was queued, in order */
	get_notify(&a, &hn, &o);
	expect_group_state(&o, 0x1234);
	assert_true(o.sequence > first);
	cmrp_get_notify_out_free(&o);
	assert_int_equal(handle_call(&a, CMRP_CLOSE_NOTIFY, &hn), 0);
	rpc_client_close(&a);
	rpc_client_close(&b);
}

struct waiter {
	struct rpc_client *c;
	struct rpc_ctx_handle hn;
	struct cmrp_get_notify_out o;
	atomic_int done; /* written by the waiting thread */
};

static void *wait_notify(void *arg)
{
	struct waiter *w = arg;
	struct ndr_push req;
	struct ndr_pull in;
	uint8_t *buf;
	size_t len;
	bool be;
	ndr_push_init(&req);
	cmrp_handle_encode(&req, &w->hn);
	DWORD err = rpc_client_call(w->c, CMRP_GET_NOTIFY, req.data, req.len, &buf, &len, &be);
	ndr_push_free(&req);
	if (!err) {
		ndr_pull_init(&in, buf, len, be);
		if (!cmrp_get_notify_decode_out(&in, &w->o))
			err = 1;
		free(buf);
	}
	atomic_store(&w->done, err ? -1 : 1);
	return NULL;
}

static void test_get_notify_blocks(void **state)
{
	struct rpc_client a, b;
	struct waiter w = { .c = &a };
	pthread_t t;
	(void)state;

	connect_lpc(&a);
	connect_lpc(&b);
	watch_group(&a, &w.hn, 77);
	assert_int_equal(pthread_create(&t, NULL, wait_notify, &w), 0);
	/* nothing is queued: the call waits */
	usleep(300 * 1000);
	assert_int_equal(atomic_load(&w.done), 0);
	bounce_group(&b);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(atomic_load(&w.done), 1);
	expect_group_state(&w.o, 77);
	cmrp_get_notify_out_free(&w.o);
	assert_int_equal(handle_call(&a, CMRP_CLOSE_NOTIFY, &w.hn), 0);
	rpc_client_close(&a);
	rpc_client_close(&b);
}

/* GetNotify and a second call sent together (PFC_CONC_MPX): the second
 * releases the first, whose reply comes first. */
static void release_with(uint16_t opnum)
{
	struct rpc_client a;
	struct rpc_ctx_handle hn;
	struct ndr_push r1, r2;
	struct rpc_call calls[2];
	struct ndr_pull in;
	struct cmrp_get_notify_out o;
	uint32_t result;

	connect_lpc(&a);
	assert_true(a.conc_mpx);
	watch_group(&a, &hn, 5);
	ndr_push_init(&r1);
	ndr_push_init(&r2);
	cmrp_handle_encode(&r1, &hn);
	cmrp_handle_encode(&r2, &hn);
	memset(calls, 0, sizeof(calls));
	calls[0].opnum = CMRP_GET_NOTIFY;
	calls[0].stub = r1.data;
	calls[0].stub_len = r1.len;
	calls[1].opnum = opnum;
	calls[1].stub = r2.data;
	calls[1].stub_len = r2.len;
	assert_int_equal(rpc_client_call_many(&a, calls, 2), 0);
	assert_int_equal(calls[0].status, 0);
	assert_int_equal(calls[1].status, 0);
	ndr_pull_init(&in, calls[0].out, calls[0].out_len, calls[0].big_endian);
	assert_true(cmrp_get_notify_decode_out(&in, &o));
	assert_int_equal(o.result, ERR_NO_MORE_ITEMS);
	assert_null(o.name.s);
	ndr_pull_init(&in, calls[1].out, calls[1].out_len, calls[1].big_endian);
	if (opnum == CMRP_CLOSE_NOTIFY) {
		struct rpc_ctx_handle back;
		assert_true(cmrp_close_decode_out(&in, &back, &result));
		assert_true(rpc_uuid_is_nil(&back.uuid));
	} else {
		assert_true(cmrp_result_decode_out(&in, &result));
	}
	assert_int_equal(result, 0);
	free(calls[0].out);
	free(calls[1].out);
	ndr_push_free(&r1);
	ndr_push_free(&r2);
	if (opnum == CMRP_CLOSE_NOTIFY) {
		assert_int_equal(handle_call(&a, CMRP_CLOSE_NOTIFY, &hn), ERR_INVALID_HANDLE);
	} else {
		/* the port still works after an unblock */
		struct rpc_client b;
		connect_lpc(&b);
		bounce_group(&b);
		rpc_client_close(&b);
		get_notify(&a, &hn, &o);
		expect_group_state(&o, 5);
		cmrp_get_notify_out_free(&o);
		assert_int_equal(handle_call(&a, CMRP_CLOSE_NOTIFY, &hn), 0);
	}
	rpc_client_close(&a);
}

static void test_unblock_releases(void **state)
{
	(void)state;
	release_with(CMRP_UNBLOCK_GET_NOTIFY_CALL);
}

static void test_close_releases(void **state)
{
	(void)state;
	release_with(CMRP_CLOSE_NOTIFY);
}

static void test_cluster_wide(void **state)
{
	struct rpc_client a, b;
	struct rpc_ctx_handle hn, hc;
	struct cmrp_get_notify_out o;
	(void)state;

	connect_lpc(&a);
	connect_lpc(&b);
	create_notify(&a, &hn);
	open_cluster(&a, &hc);
	assert_int_equal(add_notify(&a, CMRP_ADD_NOTIFY_CLUSTER, &hn, &hc, CLUSTER_CHANGE_GROUP_STATE, 9), 0);
	bounce_group(&b);
	get_notify(&a, &hn, &o);
	expect_group_state(&o, 9);
	cmrp_get_notify_out_free(&o);
	assert_int_equal(handle_call(&a, CMRP_CLOSE_NOTIFY, &hn), 0);
	rpc_client_close(&a);
	rpc_client_close(&b);
}

static void test_bad_handles(void **state)
{
	struct rpc_client a, b;
	struct rpc_ctx_handle hn, hn_b, hg, hg_b, hc, forged;
	struct cmrp_get_notify_out o;
	(void)state;

	connect_lpc(&a);
	connect_lpc(&b);
	create_notify(&a, &hn);
	create_notify(&b, &hn_b);
	open_group(&a, &hg);
	open_group(&b, &hg_b);
	open_cluster(&a, &hc);
	memset(&forged, 0, sizeof(forged));
	forged.uuid.time_low = 0xdeadbeef;

	/* a port or an object of another connection, a forged one, a wrong type */
	assert_int_equal(add_notify(&a, CMRP_ADD_NOTIFY_GROUP, &hn_b, &hg, CLUSTER_CHANGE_GROUP_STATE, 1),
			 ERR_INVALID_HANDLE);
	assert_int_equal(add_notify(&a, CMRP_ADD_NOTIFY_GROUP, &hn, &hg_b, CLUSTER_CHANGE_GROUP_STATE, 1),
			 ERR_INVALID_HANDLE);
	assert_int_equal(add_notify(&a, CMRP_ADD_NOTIFY_GROUP, &forged, &hg, CLUSTER_CHANGE_GROUP_STATE, 1),
			 ERR_INVALID_HANDLE);
	assert_int_equal(add_notify(&a, CMRP_ADD_NOTIFY_GROUP, &hn, &hc, CLUSTER_CHANGE_GROUP_STATE, 1),
			 ERR_INVALID_HANDLE);
	assert_int_equal(add_notify(&a, CMRP_ADD_NOTIFY_RESOURCE, &hn, &hg, CLUSTER_CHANGE_RESOURCE_STATE, 1),
			 ERR_INVALID_HANDLE);
	assert_int_equal(add_notify(&a, CMRP_ADD_NOTIFY_CLUSTER, &hn, &hg, CLUSTER_CHANGE_GROUP_STATE, 1),
			 ERR_INVALID_HANDLE);
	assert_int_equal(add_notify(&a, CMRP_ADD_NOTIFY_GROUP, &hg, &hg, CLUSTER_CHANGE_GROUP_STATE, 1),
			 ERR_INVALID_HANDLE);
	get_notify(&a, &hn_b, &o);
	assert_int_equal(o.result, ERR_INVALID_HANDLE);
	assert_null(o.name.s);
	get_notify(&a, &forged, &o);
	assert_int_equal(o.result, ERR_INVALID_HANDLE);
	assert_int_equal(handle_call(&a, CMRP_UNBLOCK_GET_NOTIFY_CALL, &hn_b), ERR_INVALID_HANDLE);
	assert_int_equal(handle_call(&a, CMRP_UNBLOCK_GET_NOTIFY_CALL, &forged), ERR_INVALID_HANDLE);
	assert_int_equal(handle_call(&a, CMRP_CLOSE_NOTIFY, &hn_b), ERR_INVALID_HANDLE);
	assert_int_equal(handle_call(&a, CMRP_CLOSE_NOTIFY, &hg), ERR_INVALID_HANDLE);
	/* the real ones still work, once */
	assert_int_equal(handle_call(&a, CMRP_UNBLOCK_GET_NOTIFY_CALL, &hn), 0);
	assert_int_equal(handle_call(&a, CMRP_CLOSE_NOTIFY, &hn), 0);
	assert_int_equal(handle_call(&a, CMRP_CLOSE_NOTIFY, &hn), ERR_INVALID_HANDLE);
	get_notify(&a, &hn, &o);
	assert_int_equal(o.result, ERR_INVALID_HANDLE);
	assert_int_equal(handle_call(&b, CMRP_CLOSE_NOTIFY, &hn_b), 0);
	rpc_client_close(&a);
	rpc_client_close(&b);
}

/* A connection that goes away with a GetNotify pending (and a reply queued
 * for it that nobody reads): the server runs it down and carries on. */
static void test_rundown_with_pending_call(void **state)
{
	struct rpc_client a, b, c;
	struct rpc_ctx_handle hn, hn_c;
	struct ndr_push req;
	uint8_t *buf;
	size_t len;
	bool be;
	struct cmrp_get_notify_out o;
	(void)state;

	connect_lpc(&a);
	connect_lpc(&b);
	connect_lpc(&c);
	watch_group(&a, &hn, 3);
	watch_group(&c, &hn_c, 4);
	c.timeout_ms = 200;
	ndr_push_init(&req);
	cmrp_handle_encode(&req, &hn_c);
	assert_int_not_equal(rpc_client_call(&c, CMRP_GET_NOTIFY, req.data, req.len, &buf, &len, &be), 0);
	ndr_push_free(&req);
	bounce_group(&b); /* answers c's GetNotify: nobody reads it */
	rpc_client_close(&c);
	bounce_group(&b);
	get_notify(&a, &hn, &o);
	expect_group_state(&o, 3);
	cmrp_get_notify_out_free(&o);
	assert_int_equal(handle_call(&a, CMRP_CLOSE_NOTIFY, &hn), 0);
	rpc_client_close(&a);
	rpc_client_close(&b);
}

/* A root key handle on c (GetRootKey). */
static void root_key(struct rpc_client *c, struct rpc_ctx_handle *h)
{
	struct ndr_push req;
	struct ndr_pull in;
	struct cmrp_open_object_out o;
	uint8_t *buf;
	ndr_push_init(&req);
	cmrp_u32_encode_in(&req, 0x000F003Fu /* KEY_ALL_ACCESS */);
	call(c, CMRP_GET_ROOT_KEY, &req, &in, &buf);
	assert_true(cmrp_open_object_decode_out(&in, &o, false));
	free(buf);
	assert_int_equal(o.status, 0);
	*h = o.handle;
}

/* ApiAddNotifyKey (opnum 61) as Samba's IDL sends it (WatchSubTree a
 * boolean8: one byte) and as the spec does (a 32-bit BOOL); the key's value
 * set on another connection is reported with the key's notify key; a
 * cluster handle in the key's place is refused. */
static void test_add_notify_key(void **state)
{
	(void)state;
	struct rpc_client c, other;
	struct rpc_ctx_handle hn, hk, hc, hk2;
	connect_lpc(&c);
	connect_lpc(&other);
	create_notify(&c, &hn);
	root_key(&c, &hk);
	open_cluster(&c, &hc);

	for (int samba = 1; samba >= 0; samba--) {
		struct ndr_push req;
		struct ndr_pull in;
		uint8_t *buf;
		uint32_t rpc_status = 1, result = 1;
		ndr_push_init(&req);
		ndr_push_ctx_handle(&req, &hn);
		ndr_push_ctx_handle(&req, samba ? &hk : &hc);
		ndr_push_u32(&req, 7); /* dwNotifyKey */
		ndr_push_u32(&req, CLUSTER_CHANGE_REGISTRY_VALUE); /* Filter */
		if (samba)
			ndr_push_u8(&req, 1);
		else
			ndr_push_u32(&req, 1);
		call(&c, CMRP_ADD_NOTIFY_KEY, &req, &in, &buf);
		assert_true(cmrp_status_result_decode_out(&in, &rpc_status, &result));
		free(buf);
		assert_int_equal(result, samba ? 0 : ERR_INVALID_HANDLE);
	}

	/* The other connection sets a value of the root key. */
	root_key(&other, &hk2);
	static const uint8_t one[4] = { 1, 0, 0, 0 };
	uint16_t *w = utf16_from_utf8_dup("notify2-wire");
	struct cmrp_set_value_in sv = { .key = hk2, .name = { w, utf16_len(w) }, .type = 4 /* REG_DWORD */,
					.data = (uint8_t *)one, .len = 4 };
	struct ndr_push req;
	struct ndr_pull in;
	uint8_t *buf;
	uint32_t rpc_status, result;
	ndr_push_init(&req);
	assert_true(cmrp_set_value_encode_in(&req, &sv));
	free(w);
	call(&other, CMRP_SET_VALUE, &req, &in, &buf);
	assert_true(cmrp_status_result_decode_out(&in, &rpc_status, &result));
	free(buf);
	assert_int_equal(result, 0);

	struct cmrp_get_notify_out o;
	get_notify(&c, &hn, &o);
	assert_int_equal(o.result, 0);
	assert_int_equal(o.key, 7);
	assert_int_equal(o.filter, CLUSTER_CHANGE_REGISTRY_VALUE);
	cmrp_get_notify_out_free(&o);
	rpc_client_close(&c);
	rpc_client_close(&other);
}

/* The version 2 notification calls (ApiCreateNotifyV2, ApiAddNotifyV2,
 * ApiGetNotifyV2: opnums 137-139) are not served: a fault the client sees as
 * RPC_S_PROCNUM_OUT_OF_RANGE, and the connection goes on. */
static void test_v2_not_served(void **state)
{
	(void)state;
	struct rpc_client c;
	struct rpc_ctx_handle hn;
	connect_lpc(&c);
	for (uint16_t opnum = 137; opnum <= 139; opnum++) {
		uint8_t *buf = NULL;
		size_t len = 0;
		bool be;
		uint8_t stub[64] = { 0 };
		DWORD err = rpc_client_call(&c, opnum, stub, opnum == 137 ? 0 : 20, &buf, &len, &be);
		free(buf);
		assert_int_equal(err, RPC_S_PROCNUM_OUT_OF_RANGE);
	}
	create_notify(&c, &hn);
	assert_int_equal(handle_call(&c, CMRP_CLOSE_NOTIFY, &hn), 0);
	rpc_client_close(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_queued_indication),
		cmocka_unit_test(test_get_notify_blocks),
		cmocka_unit_test(test_unblock_releases),
		cmocka_unit_test(test_close_releases),
		cmocka_unit_test(test_cluster_wide),
		cmocka_unit_test(test_bad_handles),
		cmocka_unit_test(test_rundown_with_pending_call),
		cmocka_unit_test(test_add_notify_key),
		cmocka_unit_test(test_v2_not_served),
	};
	return daemon_finish(cmocka_run_group_tests(tests, group_setup, group_teardown));
}
