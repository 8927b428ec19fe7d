/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The cluster registry calls (opnums 28-40) and the control calls against a
 * real clusterd: keys and values end to end, the buffer protocols
 * (ERROR_MORE_DATA, ERROR_INSUFFICIENT_BUFFER), the end of enumerations, bad
 * handles of every kind, read-only key handles, path depth bombs, and the
 * control codes' answers.
 *
 * The daemon runs with --allow-anonymous (unauthenticated TCP callers pass the
 * PKT_PRIVACY policy) and an ACL that names "anonymous": the ACL decides what
 * the anonymous caller may do ("anonymous full", or "anonymous read").
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
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "cmrp/cmrp.h"
#include "cmrp/cmrp_objects.h"
#include "daemon.h"
#include "rpc/client.h"


static struct daemon d;

static int group_setup(void **state)
{
	(void)state;
	static const char *const extra[] = { "--verbose", "--allow-anonymous", NULL };
	if (daemon_start(&d, DAEMON_TCP, extra))
		return -1;
	return daemon_write_acl(&d, "anonymous full\n");
}

static int group_teardown(void **state)
{
	(void)state;
	assert_int_equal(daemon_stop(&d), 0);
	daemon_destroy(&d);
	return 0;
}

/* ---- plumbing ------------------------------------------------------------------ */

static void connect_bound(struct rpc_client *c)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(d.tcp_port) };
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	rpc_client_init(c);
	assert_int_equal(rpc_client_connect_addr(c, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(rpc_client_bind(c, &cmrp_syntax), 0);
}

/* Send req (and free it); the reply stub is in *in, its buffer in *buf. */
static void call(struct rpc_client *c, uint16_t opnum, struct ndr_push *req, struct ndr_pull *in, uint8_t **buf)
{
	size_t len;
	bool be;
	assert_false(req->error);
	DWORD err = rpc_client_call(c, opnum, req->data, req->len, buf, &len, &be);
	if (err)
		fail_msg("opnum %u: transport error %u", opnum, (unsigned)err);
	ndr_push_free(req);
	ndr_pull_init(in, *buf, len, be);
}

/* ASCII -> UTF-16 (static storage, one at a time per slot). */
static const uint16_t *w(const char *s, size_t *units)
{
	static uint16_t buf[4][2048];
	static int slot;
	uint16_t *b = buf[slot++ & 3];
	size_t n = strlen(s);
	assert_true(n < 2048);
	for (size_t i = 0; i <= n; i++)
		b[i] = (uint8_t)s[i];
	*units = n;
	return b;
}

static bool wstr_eq(const struct cmrp_string *s, const char *ascii)
{
	size_t n = strlen(ascii);
	if (!s->s || s->units != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s->s[i] != (uint8_t)ascii[i])
			return false;
	return true;
}

static struct rpc_ctx_handle open_cluster(struct rpc_client *c)
{
	struct ndr_push req;
	struct ndr_pull in;
	uint8_t *buf;
	struct cmrp_open_cluster_out o;
	ndr_push_init(&req);
	cmrp_open_cluster_ex_encode_in(&req, MAXIMUM_ALLOWED);
	call(c, CMRP_OPEN_CLUSTER_EX, &req, &in, &buf);
	assert_true(cmrp_open_cluster_decode_out(&in, &o, true));
	assert_int_equal(o.status, 0);
	free(buf);
	return o.handle;
}

static uint32_t get_root_key(struct rpc_client *c, uint32_t sam, struct rpc_ctx_handle *h)
{
	struct ndr_push req;
	struct ndr_pull in;
	uint8_t *buf;
	struct cmrp_open_object_out o;
	ndr_push_init(&req);
	cmrp_u32_encode_in(&req, sam);
	call(c, CMRP_GET_ROOT_KEY, &req, &in, &buf);
	assert_true(cmrp_open_object_decode_out(&in, &o, false));
	free(buf);
	*h = o.handle;
	if (o.status)
		assert_true(rpc_uuid_is_nil(&o.handle.uuid));
	return o.status;
}

static uint32_t open_key(struct rpc_client *c, struct rpc_ctx_handle parent, const char *sub, uint32_t sam,
			 struct rpc_ctx_handle *h)
{
	struct ndr_push req;
	struct ndr_pull in;
	uint8_t *buf;
	struct cmrp_open_object_out o;
	size_t n;
	const uint16_t *ws = w(sub, &n);
	ndr_push_init(&req);
	cmrp_handle_name_encode_in(&req, &parent, ws, n, &sam, 1);
	call(c, CMRP_OPEN_KEY, &req, &in, &buf);
	assert_true(cmrp_open_object_decode_out(&in, &o, false));
	free(buf);
	if (h)
		*h = o.handle;
	if (o.status)
		assert_true(rpc_uuid_is_nil(&o.handle.uuid));
	return o.status;
}

static uint32_t create_key(struct rpc_client *c, struct rpc_ctx_handle parent, const char *sub, uint32_t sam,
			   struct rpc_ctx_handle *h, uint32_t *disposition)
{
	struct ndr_push req;
	struct ndr_pull in;
	uint8_t *buf;
	struct cmrp_open_object_out o;
	struct cmrp_create_key_in r = { .key = parent, .sam_desired = sam };
	size_t n;
	r.subkey.s = (uint16_t *)w(sub, &n);
	r.subkey.units = n;
	ndr_push_init(&req);
	cmrp_create_key_encode_in(&req, &r);
	call(c, CMRP_CREATE_KEY, &req, &in, &buf);
	assert_true(cmrp_open_object_decode_out(&in, &o, true));
	free(buf);
	if (h)
		*h = o.handle;
	if (disposition)
		*disposition = o.disposition;
	return o.status;
}

static uint32_t close_key(struct rpc_client *c, struct rpc_ctx_handle h)
{
	struct ndr_push req;
	struct ndr_pull in;
	uint8_t *buf;
	uint32_t result;
	struct rpc_ctx_handle out;
	ndr_push_init(&req);
	cmrp_handle_encode(&req, &h);
	call(c, CMRP_CLOSE_KEY, &req, &in, &buf);
	assert_true(cmrp_close_decode_out(&in, &out, &result));
	free(buf);
	if (!result)
		assert_true(rpc_uuid_is_nil(&out.uuid) && out.attributes == 0);
	return result;
}

/* (handle, name) calls answering (rpc_status, result): DeleteValue, DeleteKey. */
static uint32_t handle_name_call(struct rpc_client *c, uint16_t opnum, struct rpc_ctx_handle h, const char *name)
{
	struct ndr_push req;
	struct ndr_pull in;
	uint8_t *buf;
	uint32_t st, result;
	size_t n;
	const uint16_t *ws = w(name, &n);
	ndr_push_init(&req);
	cmrp_handle_name_encode_in(&req, &h, ws, n, NULL, 0);
	call(c, opnum, &req, &in, &buf);
	assert_true(cmrp_status_result_decode_out(&in, &st, &result));
	free(buf);
	return result;
}

static uint32_t set_value(struct rpc_client *c, struct rpc_ctx_handle h, const char *name, uint32_t type,
			  const void *data, uint32_t len)
{
	struct ndr_push req;
	struct ndr_pull in;
	uint8_t *buf;
	uint32_t st, result;
	size_t n;
	struct cmrp_set_value_in r = { .key = h, .type = type, .data = (uint8_t *)data, .len = len };
	r.name.s = (uint16_t *)w(name, &n);
	r.name.units = n;
	ndr_push_init(&req);
	cmrp_set_value_encode_in(&req, &r);
	call(c, CMRP_SET_VALUE, &req, &in, &buf);
	assert_true(cmrp_status_result_decode_out(&in, &st, &result));
	free(buf);
	return result;
}

/* QueryValue; o->data is freed by the caller. */
static uint32_t query_value(struct rpc_client *c, struct rpc_ctx_handle h, const char *name, uint32_t cb,
			    struct cmrp_query_value_out *o)
{
	struct ndr_push req;
	struct ndr_pull in;
	uint8_t *buf;
	size_t n;
	const uint16_t *ws = w(name, &n);
	ndr_push_init(&req);
	cmrp_handle_name_encode_in(&req, &h, ws, n, &cb, 1);
	call(c, CMRP_QUERY_VALUE, &req, &in, &buf);
	assert_true(cmrp_query_value_decode_out(&in, o));
	free(buf);
	/* The lpData array is always cbData bytes long. */
	assert_int_equal(o->len, cb);
	return o->result;
}

static uint32_t enum_value(struct rpc_client *c, struct rpc_ctx_handle h, uint32_t index, uint32_t cb,
			   struct cmrp_enum_value_out *o)
{
	struct ndr_push req;
	struct ndr_pull in;
	uint8_t *buf;
	uint32_t v[2] = { index, cb };
	ndr_push_init(&req);
	cmrp_handle_u32s_encode_in(&req, &h, v, 2);
	call(c, CMRP_ENUM_VALUE, &req, &in, &buf);
	assert_true(cmrp_enum_value_decode_out(&in, o));
	free(buf);
	assert_true(o->len <= cb);
	return o->result;
}

/* EnumKey's reply: name, FILETIME (two DWORDs, 4-aligned), rpc_status, result. */
static uint32_t enum_key(struct rpc_client *c, struct rpc_ctx_handle h, uint32_t index, struct cmrp_string *name)
{
	struct ndr_push req;
	struct ndr_pull in;
	uint8_t *buf;
	uint32_t ref = 0, lo, hi, st, result = 0xffffffffu;
	memset(name, 0, sizeof(*name));
	ndr_push_init(&req);
	cmrp_handle_u32s_encode_in(&req, &h, &index, 1);
	call(c, CMRP_ENUM_KEY, &req, &in, &buf);
	assert_true(ndr_pull_ptr(&in, &ref));
	if (ref)
		assert_true(ndr_pull_string(&in, &name->s, &name->units, CMRP_MAX_NAME_UNITS));
	assert_true(ndr_pull_align(&in, 4));
	assert_true(ndr_pull_u32(&in, &lo) && ndr_pull_u32(&in, &hi) && ndr_pull_u32(&in, &st) &&
		    ndr_pull_u32(&in, &result));
	assert_int_equal(ndr_pull_remaining(&in), 0);
	free(buf);
	if (!result)
		assert_non_null(name->s);
	return result;
}

static uint32_t query_info_key(struct rpc_client *c, struct rpc_ctx_handle h, struct cmrp_query_info_key_out *o)
{
	struct ndr_push req;
	struct ndr_pull in;
	uint8_t *buf;
	ndr_push_init(&req);
	cmrp_handle_encode(&req, &h);
	call(c, CMRP_QUERY_INFO_KEY, &req, &in, &buf);
	assert_true(cmrp_query_info_key_decode_out(&in, o));
	free(buf);
	return o->result;
}

static uint32_t key_security(struct rpc_client *c, struct rpc_ctx_handle h, struct cmrp_security_descriptor *sd)
{
	struct ndr_push req;
	struct ndr_pull in;
	uint8_t *buf;
	uint32_t st, result;
	ndr_push_init(&req);
	cmrp_key_security_encode_in(&req, &h, 0x7, sd);
	call(c, CMRP_GET_KEY_SECURITY, &req, &in, &buf);
	cmrp_security_descriptor_free(sd);
	assert_true(cmrp_key_security_decode_out(&in, sd, &st, &result));
	free(buf);
	return result;
}

static uint32_t control(struct rpc_client *c, uint16_t opnum, enum cmrp_control_kind kind,
			struct rpc_ctx_handle h, const char *type, struct rpc_ctx_handle node, uint32_t code,
			uint32_t size, struct cmrp_control_out *o)
{
	struct ndr_push req;
	struct ndr_pull in;
	uint8_t *buf;
	struct cmrp_control_in r = { .handle = h, .node = node, .code = code, .out_size = size };
	size_t n;
	if (type) {
		r.type_name.s = (uint16_t *)w(type, &n);
		r.type_name.units = n;
	}
	ndr_push_init(&req);
	cmrp_control_encode_in(&req, &r, kind);
	call(c, opnum, &req, &in, &buf);
	assert_true(cmrp_control_decode_out(&in, o));
	free(buf);
	assert_int_equal(o->out_size, size);
	if (o->result)
		assert_int_equal(o->returned, 0);
	return o->result;
}

static uint32_t plain_control(struct rpc_client *c, uint16_t opnum, struct rpc_ctx_handle h, uint32_t code,
			      uint32_t size, struct cmrp_control_out *o)
{
	struct rpc_ctx_handle none = { 0 };
	return control(c, opnum, CMRP_CONTROL_PLAIN, h, NULL, none, code, size, o);
}

/* ---- registry ------------------------------------------------------------------ */

static void test_root_key(void **state)
{
	(void)state;
	struct rpc_client c;
	struct rpc_ctx_handle root;
	struct cmrp_query_value_out q;
	struct cmrp_string name;
	connect_bound(&c);

	assert_int_equal(get_root_key(&c, MAXIMUM_ALLOWED, &root), 0);
	assert_false(rpc_uuid_is_nil(&root.uuid));
	/* The root has subkeys and a ClusterInstanceID. */
	assert_int_equal(enum_key(&c, root, 0, &name), 0);
	cmrp_string_free(&name);
	assert_int_equal(query_value(&c, root, "ClusterInstanceID", 0, &q), ERROR_MORE_DATA);
	uint32_t need = q.required;
	assert_true(need > 2);
	cmrp_query_value_out_free(&q);
	assert_int_equal(query_value(&c, root, "ClusterInstanceID", need, &q), 0);
	assert_int_equal(q.type, 1);
	assert_int_equal(q.required, need);
	assert_int_equal(q.data[need - 1], 0);
	assert_int_equal(q.data[need - 2], 0);
	cmrp_query_value_out_free(&q);
	/* A bigger buffer: still the whole array back, value first. */
	assert_int_equal(query_value(&c, root, "ClusterFunctionalLevel", 64, &q), 0);
	assert_int_equal(q.type, 4);
	assert_int_equal(q.required, 4);
	assert_int_equal(q.data[0], 9);
	cmrp_query_value_out_free(&q);
	assert_int_equal(query_value(&c, root, "NoSuchValue", 16, &q), ERROR_FILE_NOT_FOUND);
	cmrp_query_value_out_free(&q);

	/* The last subkey is followed by 259. */
	uint32_t i = 0;
	while (enum_key(&c, root, i, &name) == 0) {
		cmrp_string_free(&name);
		i++;
	}
	assert_int_equal(enum_key(&c, root, i, &name), ERROR_NO_MORE_ITEMS);
	assert_int_equal(enum_key(&c, root, 0xffffffffu, &name), ERROR_NO_MORE_ITEMS);

	/* GetKeySecurity: 122 with the size, then the descriptor. */
	struct cmrp_security_descriptor sd = { 0 };
	assert_int_equal(key_security(&c, root, &sd), ERROR_INSUFFICIENT_BUFFER);
	assert_true(sd.cb_in >= 20);
	assert_true(sd.cb_out <= sd.cb_in);
	uint32_t size = sd.cb_in;
	cmrp_security_descriptor_free(&sd);
	sd.present = true;
	sd.cb_in = size;
	sd.cb_out = 0;
	assert_int_equal(key_security(&c, root, &sd), 0);
	assert_int_equal(sd.cb_out, size);
	assert_non_null(sd.data);
	assert_int_equal(sd.data[0], 1);                               /* revision */
	assert_int_equal(sd.data[2] | sd.data[3] << 8, 0x8004);        /* self-relative, DACL present */
	cmrp_security_descriptor_free(&sd);

	struct cmrp_query_info_key_out qi;
	assert_int_equal(query_info_key(&c, root, &qi), 0);
	assert_int_equal(qi.subkeys, i);
	assert_true(qi.values >= 3);
	assert_int_equal(qi.security_descriptor, size);

	assert_int_equal(close_key(&c, root), 0);
	rpc_client_close(&c);
}

static void test_keys_and_values(void **state)
{
	(void)state;
	struct rpc_client c;
	struct rpc_ctx_handle root, k, sub;
	struct cmrp_query_value_out q;
	struct cmrp_enum_value_out ev;
	struct cmrp_string name;
	uint32_t disp;
	connect_bound(&c);
	assert_int_equal(get_root_key(&c, MAXIMUM_ALLOWED, &root), 0);

	assert_int_equal(create_key(&c, root, "rctest\\sub", KEY_ALL_ACCESS, &sub, &disp), 0);
	assert_int_equal(disp, 1);
	assert_int_equal(close_key(&c, sub), 0);
	assert_int_equal(create_key(&c, root, "rctest\\sub", KEY_ALL_ACCESS, &sub, &disp), 0);
	assert_int_equal(disp, 2);

	static const uint8_t hello[] = { 'h', 0, 'i', 0, 0, 0 };
	static const uint8_t dword[] = { 42, 0, 0, 0 };
	assert_int_equal(set_value(&c, sub, "v1", 1, hello, sizeof(hello)), 0);
	assert_int_equal(set_value(&c, sub, "d", 4, dword, sizeof(dword)), 0);
	assert_int_equal(set_value(&c, sub, "empty", 3, NULL, 0), 0);
	assert_int_equal(close_key(&c, sub), 0);

	assert_int_equal(open_key(&c, root, "rctest", KEY_READ, &k), 0);
	assert_int_equal(open_key(&c, k, "sub", KEY_READ, &sub), 0);
	assert_int_equal(open_key(&c, k, "missing", KEY_READ, NULL), ERROR_FILE_NOT_FOUND);

	assert_int_equal(query_value(&c, sub, "v1", 6, &q), 0);
	assert_memory_equal(q.data, hello, 6);
	assert_int_equal(q.type, 1);
	cmrp_query_value_out_free(&q);
	assert_int_equal(query_value(&c, sub, "v1", 5, &q), ERROR_MORE_DATA);
	assert_int_equal(q.required, 6);
	cmrp_query_value_out_free(&q);
	assert_int_equal(query_value(&c, sub, "empty", 0, &q), 0);
	assert_int_equal(q.required, 0);
	assert_int_equal(q.type, 3);
	cmrp_query_value_out_free(&q);

	/* EnumValue in insertion order, then 259; a small buffer is 234. */
	assert_int_equal(enum_value(&c, sub, 0, 2048, &ev), 0);
	assert_true(wstr_eq(&ev.name, "v1"));
	assert_int_equal(ev.len, 6);
	assert_memory_equal(ev.data, hello, 6);
	cmrp_enum_value_out_free(&ev);
	assert_int_equal(enum_value(&c, sub, 1, 4, &ev), 0);
	assert_true(wstr_eq(&ev.name, "d"));
	assert_int_equal(ev.type, 4);
	assert_memory_equal(ev.data, dword, 4);
	cmrp_enum_value_out_free(&ev);
	assert_int_equal(enum_value(&c, sub, 0, 2, &ev), ERROR_MORE_DATA);
	assert_int_equal(ev.len, 0);
	assert_int_equal(ev.total_size, 6);
	cmrp_enum_value_out_free(&ev);
	assert_int_equal(enum_value(&c, sub, 3, 2048, &ev), ERROR_NO_MORE_ITEMS);
	cmrp_enum_value_out_free(&ev);

	assert_int_equal(enum_key(&c, k, 0, &name), 0);
	assert_true(wstr_eq(&name, "sub"));
	cmrp_string_free(&name);
	assert_int_equal(enum_key(&c, k, 1, &name), ERROR_NO_MORE_ITEMS);

	struct cmrp_query_info_key_out qi;
	assert_int_equal(query_info_key(&c, sub, &qi), 0);
	assert_int_equal(qi.subkeys, 0);
	assert_int_equal(qi.values, 3);
	assert_int_equal(qi.max_value_name_len, 5);
	assert_int_equal(qi.max_value_len, 6);

	/* A KEY_READ handle does not write, even for a caller with full rights. */
	assert_int_equal(set_value(&c, sub, "x", 4, dword, 4), ERROR_ACCESS_DENIED);
	assert_int_equal(close_key(&c, sub), 0);

	assert_int_equal(open_key(&c, root, "rctest\\sub", MAXIMUM_ALLOWED, &sub), 0);
	assert_int_equal(handle_name_call(&c, CMRP_DELETE_VALUE, sub, "v1"), 0);
	assert_int_equal(handle_name_call(&c, CMRP_DELETE_VALUE, sub, "v1"), ERROR_FILE_NOT_FOUND);
	assert_int_equal(query_value(&c, sub, "v1", 16, &q), ERROR_FILE_NOT_FOUND);
	cmrp_query_value_out_free(&q);

	/* A key with subkeys is not deleted; an empty subkey name is refused. */
	assert_int_equal(handle_name_call(&c, CMRP_DELETE_KEY, root, "rctest"), ERROR_ACCESS_DENIED);
	assert_int_equal(handle_name_call(&c, CMRP_DELETE_KEY, root, ""), ERROR_INVALID_PARAMETER);
	assert_int_equal(handle_name_call(&c, CMRP_DELETE_KEY, root, "rctest\\sub"), 0);
	assert_int_equal(handle_name_call(&c, CMRP_DELETE_KEY, root, "rctest\\sub"), ERROR_FILE_NOT_FOUND);
	assert_int_equal(open_key(&c, root, "rctest\\sub", KEY_READ, NULL), ERROR_FILE_NOT_FOUND);
	/* The handle to the deleted key: its key is gone, and nothing comes back. */
	assert_int_equal(query_value(&c, sub, "d", 16, &q), ERROR_FILE_NOT_FOUND);
	cmrp_query_value_out_free(&q);
	assert_int_equal(create_key(&c, sub, "again", KEY_ALL_ACCESS, NULL, NULL), ERROR_FILE_NOT_FOUND);
	assert_int_equal(open_key(&c, root, "rctest\\sub", KEY_READ, NULL), ERROR_FILE_NOT_FOUND);
	assert_int_equal(close_key(&c, sub), 0);
	assert_int_equal(close_key(&c, k), 0);
	assert_int_equal(handle_name_call(&c, CMRP_DELETE_KEY, root, "rctest"), 0);

	/* Bad paths. */
	assert_int_equal(open_key(&c, root, "\\Nodes", KEY_READ, NULL), ERROR_INVALID_PARAMETER);
	assert_int_equal(open_key(&c, root, "Nodes\\\\x", KEY_READ, NULL), ERROR_INVALID_PARAMETER);
	assert_int_equal(create_key(&c, root, "", KEY_ALL_ACCESS, NULL, NULL), ERROR_INVALID_PARAMETER);

	assert_int_equal(close_key(&c, root), 0);
	rpc_client_close(&c);
}

static void test_depth_bomb(void **state)
{
	(void)state;
	struct rpc_client c;
	struct rpc_ctx_handle root, k;
	char path[400] = "";
	connect_bound(&c);
	assert_int_equal(get_root_key(&c, MAXIMUM_ALLOWED, &root), 0);
	for (int i = 0; i < 40; i++)
		strcat(path, i ? "\\bomb" : "bomb");
	assert_int_equal(create_key(&c, root, path, KEY_ALL_ACCESS, &k, NULL), ERROR_INVALID_PARAMETER);
	assert_true(rpc_uuid_is_nil(&k.uuid));
	assert_int_equal(open_key(&c, root, "bomb", KEY_READ, NULL), ERROR_FILE_NOT_FOUND);
	/* The same depth reached one level at a time stops at the limit too. */
	struct rpc_ctx_handle cur = root;
	int made = 0;
	for (int i = 0; i < 40; i++) {
		struct rpc_ctx_handle next;
		uint32_t st = create_key(&c, cur, "deep", KEY_ALL_ACCESS, &next, NULL);
		if (st) {
			assert_int_equal(st, ERROR_INVALID_PARAMETER);
			break;
		}
		made++;
		if (i)
			assert_int_equal(close_key(&c, cur), 0);
		cur = next;
	}
	assert_true(made > 0 && made < 40);
	assert_int_equal(close_key(&c, cur), 0);
	/* A very long name is refused, not truncated. */
	char longname[1000]; /* under the codec's 1,024-unit cap, over a key name's */
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	assert_int_equal(create_key(&c, root, longname, KEY_ALL_ACCESS, NULL, NULL), ERROR_INVALID_PARAMETER);
	assert_int_equal(close_key(&c, root), 0);
	rpc_client_close(&c);
}

static void test_bad_key_handles(void **state)
{
	(void)state;
	struct rpc_client a, b;
	struct rpc_ctx_handle root, closed, forged, zero = { 0 };
	struct cmrp_query_value_out q;
	struct cmrp_string name;
	connect_bound(&a);
	connect_bound(&b);
	assert_int_equal(get_root_key(&a, MAXIMUM_ALLOWED, &root), 0);
	assert_int_equal(get_root_key(&a, MAXIMUM_ALLOWED, &closed), 0);
	assert_int_equal(close_key(&a, closed), 0);
	forged = root;
	forged.uuid.rest[3] ^= 0x40;
	struct rpc_ctx_handle cluster = open_cluster(&a);
	const struct rpc_ctx_handle bad[] = { closed, forged, zero, cluster };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(query_value(&a, bad[i], "ClusterInstanceID", 8, &q), ERROR_INVALID_HANDLE);
		cmrp_query_value_out_free(&q);
		assert_int_equal(enum_key(&a, bad[i], 0, &name), ERROR_INVALID_HANDLE);
		assert_int_equal(open_key(&a, bad[i], "Nodes", KEY_READ, NULL), ERROR_INVALID_HANDLE);
		assert_int_equal(set_value(&a, bad[i], "x", 3, "y", 1), ERROR_INVALID_HANDLE);
		assert_int_equal(close_key(&a, bad[i]), ERROR_INVALID_HANDLE);
	}
	/* Another connection's handle. */
	assert_int_equal(query_value(&b, root, "ClusterInstanceID", 8, &q), ERROR_INVALID_HANDLE);
	cmrp_query_value_out_free(&q);
	assert_int_equal(handle_name_call(&b, CMRP_DELETE_KEY, root, "Nodes"), ERROR_INVALID_HANDLE);
	assert_int_equal(close_key(&b, root), ERROR_INVALID_HANDLE);
	struct cmrp_security_descriptor sd = { 0 };
	assert_int_equal(key_security(&b, root, &sd), ERROR_INVALID_HANDLE);
	cmrp_security_descriptor_free(&sd);
	struct cmrp_query_info_key_out qi;
	assert_int_equal(query_info_key(&b, root, &qi), ERROR_INVALID_HANDLE);
	/* Still fine where it lives. */
	assert_int_equal(close_key(&a, root), 0);
	rpc_client_close(&a);
	rpc_client_close(&b);
}

static void test_read_only_caller(void **state)
{
	(void)state;
	struct rpc_client c;
	struct rpc_ctx_handle root, k;
	struct cmrp_query_value_out q;
	static const uint8_t dword[] = { 1, 0, 0, 0 };

	/* Prepare a key and a value with full rights. */
	connect_bound(&c);
	assert_int_equal(get_root_key(&c, MAXIMUM_ALLOWED, &root), 0);
	assert_int_equal(create_key(&c, root, "rotest\\child", KEY_ALL_ACCESS, &k, NULL), 0);
	assert_int_equal(set_value(&c, k, "v", 4, dword, 4), 0);
	assert_int_equal(close_key(&c, k), 0);
	/* A full handle opened before the ACL changes loses its write power too. */
	assert_int_equal(daemon_write_acl(&d, "anonymous read\n"), 0);
	assert_int_equal(set_value(&c, root, "v", 4, dword, 4), ERROR_ACCESS_DENIED);
	assert_int_equal(close_key(&c, root), 0);
	rpc_client_close(&c);

	connect_bound(&c);
	assert_int_equal(get_root_key(&c, KEY_ALL_ACCESS, &root), ERROR_ACCESS_DENIED);
	assert_int_equal(get_root_key(&c, MAXIMUM_ALLOWED, &root), 0);
	assert_int_equal(open_key(&c, root, "rotest", KEY_ALL_ACCESS, NULL), ERROR_ACCESS_DENIED);
	assert_int_equal(open_key(&c, root, "rotest", MAXIMUM_ALLOWED, &k), 0);
	assert_int_equal(query_value(&c, k, "missing", 4, &q), ERROR_FILE_NOT_FOUND);
	cmrp_query_value_out_free(&q);
	assert_int_equal(set_value(&c, k, "v", 4, dword, 4), ERROR_ACCESS_DENIED);
	assert_int_equal(create_key(&c, k, "new", KEY_READ, NULL, NULL), ERROR_ACCESS_DENIED);
	assert_int_equal(handle_name_call(&c, CMRP_DELETE_KEY, k, "child"), ERROR_ACCESS_DENIED);
	assert_int_equal(handle_name_call(&c, CMRP_DELETE_VALUE, k, "v"), ERROR_ACCESS_DENIED);
	assert_int_equal(open_key(&c, k, "child", KEY_READ, &k), 0);
	assert_int_equal(query_value(&c, k, "v", 4, &q), 0);
	assert_memory_equal(q.data, dword, 4);
	cmrp_query_value_out_free(&q);
	assert_int_equal(handle_name_call(&c, CMRP_DELETE_VALUE, k, "v"), ERROR_ACCESS_DENIED);
	assert_int_equal(close_key(&c, k), 0);
	rpc_client_close(&c);

	/* Nothing changed; clean up with full rights again. */
	assert_int_equal(daemon_write_acl(&d, "anonymous full\n"), 0);
	connect_bound(&c);
	assert_int_equal(get_root_key(&c, MAXIMUM_ALLOWED, &root), 0);
	assert_int_equal(open_key(&c, root, "rotest\\new", KEY_READ, NULL), ERROR_FILE_NOT_FOUND);
	assert_int_equal(handle_name_call(&c, CMRP_DELETE_KEY, root, "rotest\\child"), 0);
	assert_int_equal(handle_name_call(&c, CMRP_DELETE_KEY, root, "rotest"), 0);
	assert_int_equal(close_key(&c, root), 0);
	rpc_client_close(&c);
}

/* ---- controls ------------------------------------------------------------------ */

#define CLUSCTL_CLUSTER_GET_NAME 0x07000029u
#define CLUSCTL_CLUSTER_GET_FQDN 0x0700003Du
#define CLUSCTL_CLUSTER_GET_RO_COMMON_PROPERTIES 0x07000055u
#define CLUSCTL_CLUSTER_GET_COMMON_PROPERTIES 0x07000059u
#define CLUSCTL_CLUSTER_SET_COMMON_PROPERTIES 0x0740005Eu
#define CLUSCTL_CLUSTER_CHECK_VOTER_DOWN 0x07000049u

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

static uint32_t get32le(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void test_cluster_control(void **state)
{
	(void)state;
	struct rpc_client c;
	struct cmrp_control_out o;
	connect_bound(&c);
	struct rpc_ctx_handle h = open_cluster(&c);

	assert_int_equal(plain_control(&c, CMRP_CLUSTER_CONTROL, h, 0, 0, &o), ERROR_INVALID_FUNCTION);
	assert_int_equal(plain_control(&c, CMRP_CLUSTER_CONTROL, h, 0x07000FFDu, 1024, &o), ERROR_INVALID_FUNCTION);
	/* A group code on the cluster. */
	assert_int_equal(plain_control(&c, CMRP_CLUSTER_CONTROL, h, 0x03000009u, 1024, &o), ERROR_INVALID_FUNCTION);

	/* GET_NAME: 234 with the size, then exactly the name. */
	struct ndr_push req;
	struct ndr_pull in;
	uint8_t *buf;
	struct cmrp_cluster_name_out names;
	ndr_push_init(&req);
	call(&c, CMRP_GET_CLUSTER_NAME, &req, &in, &buf);
	assert_true(cmrp_get_cluster_name_decode_out(&in, &names));
	free(buf);
	uint32_t want = (uint32_t)(names.cluster.units + 1) * 2;
	assert_int_equal(plain_control(&c, CMRP_CLUSTER_CONTROL, h, CLUSCTL_CLUSTER_GET_NAME, 0, &o), ERROR_MORE_DATA);
	assert_int_equal(o.required, want);
	assert_int_equal(plain_control(&c, CMRP_CLUSTER_CONTROL, h, CLUSCTL_CLUSTER_GET_NAME, want - 1, &o),
			 ERROR_MORE_DATA);
	assert_int_equal(plain_control(&c, CMRP_CLUSTER_CONTROL, h, CLUSCTL_CLUSTER_GET_NAME, want, &o), 0);
	assert_int_equal(o.returned, want);
	assert_int_equal(o.required, want);
	for (size_t i = 0; i <= names.cluster.units; i++) {
		uint16_t u = (uint16_t)(o.data[2 * i] | o.data[2 * i + 1] << 8);
		assert_int_equal(u, i < names.cluster.units ? names.cluster.s[i] : 0);
	}
	cmrp_control_out_free(&o);
	cmrp_cluster_name_out_free(&names);

	/* RO common properties: exactly one DWORD property. */
	uint8_t expect[4 + 8 + 48 + 12 + 4];
	size_t n = 0;
	put32(expect + n, 1), n += 4;
	put32(expect + n, 0x00040003u), n += 4;
	put32(expect + n, 46), n += 4; /* "ClusterFunctionalLevel" + NUL */
	const char *pname = "ClusterFunctionalLevel";
	memset(expect + n, 0, 48);
	for (size_t i = 0; pname[i]; i++)
		expect[n + 2 * i] = (uint8_t)pname[i];
	n += 48;
	put32(expect + n, 0x00010002u), n += 4;
	put32(expect + n, 4), n += 4;
	put32(expect + n, 9), n += 4;
	put32(expect + n, 0), n += 4;
	assert_int_equal(n, sizeof(expect));
	assert_int_equal(plain_control(&c, CMRP_CLUSTER_CONTROL, h, CLUSCTL_CLUSTER_GET_RO_COMMON_PROPERTIES, 0, &o),
			 ERROR_MORE_DATA);
	assert_int_equal(o.required, sizeof(expect));
	assert_int_equal(plain_control(&c, CMRP_CLUSTER_CONTROL, h, CLUSCTL_CLUSTER_GET_RO_COMMON_PROPERTIES,
				       0xFFFF, &o), 0);
	assert_int_equal(o.returned, sizeof(expect));
	assert_memory_equal(o.data, expect, sizeof(expect));
	cmrp_control_out_free(&o);

	/* The codes the suite sends all answer within its buffer. */
	const uint32_t codes[] = { CLUSCTL_CLUSTER_GET_COMMON_PROPERTIES, CLUSCTL_CLUSTER_GET_FQDN, 0x07000081u,
				   CLUSCTL_CLUSTER_CHECK_VOTER_DOWN };
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		assert_int_equal(plain_control(&c, CMRP_CLUSTER_CONTROL, h, codes[i], 0xFFFF, &o), 0);
		assert_true(o.returned > 0 && o.returned < 0xFFFF);
		cmrp_control_out_free(&o);
	}
	/* A huge nOutBufferSize is only a number. */
	assert_int_equal(plain_control(&c, CMRP_CLUSTER_CONTROL, h, CLUSCTL_CLUSTER_GET_NAME, 0xFFFFFFFFu, &o), 0);
	cmrp_control_out_free(&o);
	/* A modify code with full rights and no property list: invalid data. */
	assert_int_equal(plain_control(&c, CMRP_CLUSTER_CONTROL, h, CLUSCTL_CLUSTER_SET_COMMON_PROPERTIES, 0, &o),
			 ERROR_INVALID_DATA);
	/* Another modify code: not implemented, not a crash. */
	assert_int_equal(plain_control(&c, CMRP_CLUSTER_CONTROL, h, 0x074000A2u, 0, &o), ERROR_INVALID_FUNCTION);

	/* Bad handles. */
	struct rpc_ctx_handle forged = h;
	forged.uuid.rest[0] ^= 1;
	assert_int_equal(plain_control(&c, CMRP_CLUSTER_CONTROL, forged, CLUSCTL_CLUSTER_GET_NAME, 64, &o),
			 ERROR_INVALID_HANDLE);
	struct rpc_client other;
	connect_bound(&other);
	assert_int_equal(plain_control(&other, CMRP_CLUSTER_CONTROL, h, CLUSCTL_CLUSTER_GET_NAME, 64, &o),
			 ERROR_INVALID_HANDLE);
	rpc_client_close(&other);
	/* A node variant needs a valid node handle. */
	assert_int_equal(control(&c, CMRP_NODE_CLUSTER_CONTROL, CMRP_CONTROL_NODE, h, NULL, forged,
				 CLUSCTL_CLUSTER_GET_NAME, 64, &o),
			 ERROR_INVALID_HANDLE);
	/* ResourceTypeControl: a type that exists, one that does not. */
	struct rpc_ctx_handle none = { 0 };
	assert_int_equal(control(&c, CMRP_RESOURCE_TYPE_CONTROL, CMRP_CONTROL_TYPE, h, "Generic Service", none, 0, 0,
				 &o),
			 ERROR_INVALID_FUNCTION);
	assert_int_equal(control(&c, CMRP_RESOURCE_TYPE_CONTROL, CMRP_CONTROL_TYPE, h, "Physical Disk", none,
				 0x0200000Du, 0x4000, &o),
			 0);
	assert_int_equal(o.returned, 8);
	assert_int_equal(o.data[0], 1); /* storage class */
	cmrp_control_out_free(&o);
	assert_int_equal(control(&c, CMRP_RESOURCE_TYPE_CONTROL, CMRP_CONTROL_TYPE, h, "INVALID_TYPE_XXXX", none,
				 0x02000059u, 0x4000, &o),
			 5078u);

	/* A read-only caller: reads work, a modify code is refused. */
	assert_int_equal(daemon_write_acl(&d, "anonymous read\n"), 0);
	struct rpc_client ro;
	connect_bound(&ro);
	struct ndr_push r2;
	struct cmrp_open_cluster_out oc;
	ndr_push_init(&r2);
	cmrp_open_cluster_ex_encode_in(&r2, MAXIMUM_ALLOWED);
	call(&ro, CMRP_OPEN_CLUSTER_EX, &r2, &in, &buf);
	assert_true(cmrp_open_cluster_decode_out(&in, &oc, true));
	free(buf);
	assert_int_equal(oc.status, 0);
	assert_int_equal(plain_control(&ro, CMRP_CLUSTER_CONTROL, oc.handle, CLUSCTL_CLUSTER_GET_NAME, 1024, &o), 0);
	cmrp_control_out_free(&o);
	assert_int_equal(plain_control(&ro, CMRP_CLUSTER_CONTROL, oc.handle, CLUSCTL_CLUSTER_SET_COMMON_PROPERTIES, 0,
				       &o),
			 ERROR_ACCESS_DENIED);
	rpc_client_close(&ro);
	assert_int_equal(daemon_write_acl(&d, "anonymous full\n"), 0);
	rpc_client_close(&c);
}

/* Open*(name) -> handle (OpenGroup, OpenNode ...). */
static uint32_t open_named(struct rpc_client *c, uint16_t opnum, const char *name, struct rpc_ctx_handle *h)
{
	struct ndr_push req;
	struct ndr_pull in;
	uint8_t *buf;
	struct cmrp_open_object_out o;
	size_t n;
	const uint16_t *ws = w(name, &n);
	ndr_push_init(&req);
	cmrp_name_encode_in(&req, ws, n);
	call(c, opnum, &req, &in, &buf);
	assert_true(cmrp_open_object_decode_out(&in, &o, false));
	free(buf);
	*h = o.handle;
	return o.status;
}

static void test_object_controls(void **state)
{
	(void)state;
	struct rpc_client c;
	struct cmrp_control_out o;
	struct rpc_ctx_handle g, node, res, net, nif;
	connect_bound(&c);

	/* The group answers the suite asks for fit in 1,023 bytes. */
	assert_int_equal(open_named(&c, CMRP_OPEN_GROUP, "Cluster Group", &g), 0);
	const uint32_t gcodes[] = { 0x03000005u, 0x03000055u, 0x03000009u, 0x03000059u, 0x03000029u, 0x03000039u };
	for (size_t i = 0; i < sizeof(gcodes) / sizeof(gcodes[0]); i++) {
		assert_int_equal(plain_control(&c, CMRP_GROUP_CONTROL, g, 0, 0, &o), ERROR_INVALID_FUNCTION);
		uint32_t st = plain_control(&c, CMRP_GROUP_CONTROL, g, gcodes[i], 0, &o);
		assert_true(st == 0 || st == ERROR_MORE_DATA);
		uint32_t need = o.required;
		cmrp_control_out_free(&o);
		assert_int_equal(plain_control(&c, CMRP_GROUP_CONTROL, g, gcodes[i], need, &o), 0);
		assert_int_equal(o.returned, need);
		cmrp_control_out_free(&o);
		assert_int_equal(plain_control(&c, CMRP_GROUP_CONTROL, g, gcodes[i], 0x400, &o), 0);
		assert_true(o.returned < 1023);
		cmrp_control_out_free(&o);
	}
	/* GET_FLAGS of the core group: CLUS_FLAG_CORE. */
	assert_int_equal(plain_control(&c, CMRP_GROUP_CONTROL, g, 0x03000009u, 4, &o), 0);
	assert_int_equal(o.returned, 4);
	assert_int_equal(o.data[0], 1);
	cmrp_control_out_free(&o);
	/* A resource code on a group handle. */
	assert_int_equal(plain_control(&c, CMRP_GROUP_CONTROL, g, 0x01000009u, 64, &o), ERROR_INVALID_FUNCTION);
	/* The group handle is no resource handle. */
	assert_int_equal(plain_control(&c, CMRP_RESOURCE_CONTROL, g, 0x01000009u, 64, &o), ERROR_INVALID_HANDLE);

	/* NodeControl GET_ID: a UTF-16 string, even length. */
	struct ndr_push req;
	struct ndr_pull in;
	uint8_t *buf;
	struct cmrp_cluster_name_out names;
	ndr_push_init(&req);
	call(&c, CMRP_GET_CLUSTER_NAME, &req, &in, &buf);
	assert_true(cmrp_get_cluster_name_decode_out(&in, &names));
	free(buf);
	char nodename[256];
	size_t k;
	for (k = 0; k < names.node.units && k < sizeof(nodename) - 1; k++)
		nodename[k] = (char)names.node.s[k];
	nodename[k] = 0;
	cmrp_cluster_name_out_free(&names);
	assert_int_equal(open_named(&c, CMRP_OPEN_NODE, nodename, &node), 0);
	assert_int_equal(plain_control(&c, CMRP_NODE_CONTROL, node, 0x04000039u, 0x4000, &o), 0);
	assert_true(o.returned >= 4 && o.returned % 2 == 0);
	assert_int_equal(o.data[o.returned - 1], 0);
	assert_int_equal(o.data[o.returned - 2], 0);
	cmrp_control_out_free(&o);
	assert_int_equal(plain_control(&c, CMRP_NODE_CONTROL, node, 0x04000055u, 0x4000, &o), 0);
	assert_true(o.returned > 4);
	cmrp_control_out_free(&o);
	/* Node*Control variants with a valid node handle. */
	assert_int_equal(control(&c, CMRP_NODE_GROUP_CONTROL, CMRP_CONTROL_NODE, g, NULL, node, 0x03000029u, 1024, &o),
			 0);
	cmrp_control_out_free(&o);
	assert_int_equal(control(&c, CMRP_NODE_GROUP_CONTROL, CMRP_CONTROL_NODE, g, NULL, g, 0x03000029u, 1024, &o),
			 ERROR_INVALID_HANDLE);

	/* Resource: name, type, class. */
	assert_int_equal(open_named(&c, CMRP_OPEN_RESOURCE, "Cluster Name", &res), 0);
	assert_int_equal(plain_control(&c, CMRP_RESOURCE_CONTROL, res, 0x01000029u, 1024, &o), 0);
	assert_int_equal(o.returned, 26);
	assert_int_equal(o.data[0], 'C');
	cmrp_control_out_free(&o);
	assert_int_equal(plain_control(&c, CMRP_RESOURCE_CONTROL, res, 0x0100000Du, 1024, &o), 0);
	assert_int_equal(o.returned, 8);
	assert_int_equal(o.data[0], 2); /* network class */
	cmrp_control_out_free(&o);
	assert_int_equal(plain_control(&c, CMRP_RESOURCE_CONTROL, res, 0x01000055u, 0x4000, &o), 0);
	cmrp_control_out_free(&o);

	assert_int_equal(open_named(&c, CMRP_OPEN_NETWORK, "Cluster Network 1", &net), 0);
	assert_int_equal(plain_control(&c, CMRP_NETWORK_CONTROL, net, 0x05000055u, 0x4000, &o), 0);
	cmrp_control_out_free(&o);
	char ifname[300];
	snprintf(ifname, sizeof(ifname), "%s - Ethernet", nodename);
	assert_int_equal(open_named(&c, CMRP_OPEN_NET_INTERFACE, ifname, &nif), 0);
	assert_int_equal(plain_control(&c, CMRP_NET_INTERFACE_CONTROL, nif, 0x06000035u, 0x4000, &o), 0);
	assert_int_equal(o.data[0], 'C'); /* "Cluster Network 1" */
	cmrp_control_out_free(&o);

	/* GroupSetControl on the group set of the same name. */
	struct rpc_ctx_handle gs;
	assert_int_equal(open_named(&c, CMRP_OPEN_GROUP_SET, "Cluster Group", &gs), 0);
	assert_int_equal(plain_control(&c, CMRP_GROUP_SET_CONTROL, gs, 0x08000059u, 0x400, &o), 0);
	cmrp_control_out_free(&o);
	assert_int_equal(plain_control(&c, CMRP_GROUP_SET_CONTROL, gs, 0, 0, &o), ERROR_INVALID_FUNCTION);
	rpc_client_close(&c);
}

/* ---- SET / VALIDATE property lists ---------------------------------------------- */

#define CLCTL_SET_COMMON 0x0040005Eu
#define CLCTL_SET_PRIVATE 0x00400086u
#define CLCTL_VALIDATE_COMMON 0x00000061u
#define CLCTL_VALIDATE_PRIVATE 0x00000089u
#define CLCTL_GET_COMMON 0x00000059u
#define CLCTL_GET_PRIVATE 0x00000081u

/* A property list being built. */
struct plist {
	uint8_t b[4096];
	size_t n;
	uint32_t count;
};

static void pl_init(struct plist *pl)
{
	memset(pl, 0, sizeof(*pl));
	pl->n = 4;
}

static void pl_u32(struct plist *pl, uint32_t v)
{
	assert_true(pl->n + 4 <= sizeof(pl->b));
	put32(pl->b + pl->n, v);
	pl->n += 4;
}

static void pl_bytes(struct plist *pl, const void *data, size_t len)
{
	assert_true(pl->n + len + 3 <= sizeof(pl->b));
	memcpy(pl->b + pl->n, data, len);
	pl->n += len;
	while (pl->n % 4)
		pl->b[pl->n++] = 0;
}

/* ASCII -> UTF-16LE bytes with the NUL (nul false: without). */
static size_t utf16le(uint8_t *out, const char *s, bool nul)
{
	size_t n = strlen(s) + (nul ? 1 : 0);
	for (size_t i = 0; i < n; i++)
		out[2 * i] = (uint8_t)s[i], out[2 * i + 1] = 0;
	return 2 * n;
}

static void pl_name(struct plist *pl, const char *name)
{
	uint8_t tmp[512];
	size_t len = utf16le(tmp, name, true);
	pl->count++;
	put32(pl->b, pl->count);
	pl_u32(pl, 0x00040003u);
	pl_u32(pl, (uint32_t)len);
	pl_bytes(pl, tmp, len);
}

static void pl_value(struct plist *pl, uint32_t format, const void *data, size_t len)
{
	pl_u32(pl, 0x00010000u | format);
	pl_u32(pl, (uint32_t)len);
	pl_bytes(pl, data, len);
	pl_u32(pl, 0);
}

static void pl_sz(struct plist *pl, const char *name, const char *value)
{
	uint8_t tmp[512];
	pl_name(pl, name);
	pl_value(pl, 3, tmp, utf16le(tmp, value, true));
}

static void pl_dword(struct plist *pl, const char *name, uint32_t v)
{
	uint8_t x[4];
	put32(x, v);
	pl_name(pl, name);
	pl_value(pl, 2, x, 4);
}

/* A control call with an input buffer. */
static uint32_t in_control(struct rpc_client *c, uint16_t opnum, struct rpc_ctx_handle h, uint32_t code,
			   const void *data, size_t len)
{
	struct ndr_push req;
	struct ndr_pull in;
	uint8_t *buf;
	struct cmrp_control_out o;
	struct cmrp_control_in r = { .handle = h, .code = code, .out_size = 0x100 };
	r.in.present = true;
	r.in.data = (uint8_t *)data;
	r.in.len = (uint32_t)len;
	ndr_push_init(&req);
	cmrp_control_encode_in(&req, &r, CMRP_CONTROL_PLAIN);
	call(c, opnum, &req, &in, &buf);
	assert_true(cmrp_control_decode_out(&in, &o));
	free(buf);
	assert_int_equal(o.returned, 0);
	cmrp_control_out_free(&o);
	return o.result;
}

static uint32_t set_list(struct rpc_client *c, uint16_t opnum, struct rpc_ctx_handle h, uint32_t code,
			 const struct plist *pl)
{
	return in_control(c, opnum, h, code, pl->b, pl->n);
}

/* Property NAME in the GET answer of code (-1 if missing; else its format),
 * its data copied to out (up to cap bytes), its length to *len. */
static int get_prop(struct rpc_client *c, uint16_t opnum, struct rpc_ctx_handle h, uint32_t code,
		    const char *name, uint8_t *out, size_t cap, uint32_t *len)
{
	struct cmrp_control_out o;
	uint8_t want[512];
	size_t wlen = utf16le(want, name, true);
	int found = -1;
	assert_int_equal(plain_control(c, opnum, h, code, 0x10000, &o), 0);
	assert_true(o.returned >= 4);
	uint32_t count = get32le(o.data);
	size_t off = 4;
	for (uint32_t i = 0; i < count; i++) {
		assert_true(off + 8 <= o.returned);
		assert_int_equal(get32le(o.data + off), 0x00040003u);
		uint32_t nlen = get32le(o.data + off + 4);
		off += 8;
		bool match = nlen == wlen && !memcmp(o.data + off, want, wlen);
		off += (nlen + 3) & ~3u;
		uint32_t syntax = get32le(o.data + off), vlen = get32le(o.data + off + 4);
		off += 8;
		assert_true(off + vlen <= o.returned);
		if (match) {
			found = (int)(syntax & 0xffff);
			*len = vlen;
			memcpy(out, o.data + off, vlen < cap ? vlen : cap);
		}
		off += ((vlen + 3) & ~3u) + 4;
	}
	assert_int_equal(off, o.returned);
	cmrp_control_out_free(&o);
	return found;
}

static void assert_sz_prop(struct rpc_client *c, uint16_t opnum, struct rpc_ctx_handle h, uint32_t code,
			   const char *name, const char *value)
{
	uint8_t data[512], want[512];
	uint32_t len = 0;
	size_t wlen = utf16le(want, value, true);
	assert_int_equal(get_prop(c, opnum, h, code, name, data, sizeof(data), &len), 3);
	assert_int_equal(len, wlen);
	assert_memory_equal(data, want, wlen);
}

static void assert_dword_prop(struct rpc_client *c, uint16_t opnum, struct rpc_ctx_handle h, uint32_t code,
			      const char *name, uint32_t value)
{
	uint8_t data[512];
	uint32_t len = 0;
	assert_int_equal(get_prop(c, opnum, h, code, name, data, sizeof(data), &len), 2);
	assert_int_equal(len, 4);
	assert_int_equal(get32le(data), value);
}

/* The SET / VALIDATE round trips on one object (object byte ob). */
static void props_on(struct rpc_client *c, uint16_t opnum, struct rpc_ctx_handle h, uint32_t ob, const char *tag)
{
	struct plist pl;
	char desc[64], str[64];
	snprintf(desc, sizeof(desc), "%s description", tag);
	snprintf(str, sizeof(str), "%s string", tag);
	const uint32_t get_c = ob | CLCTL_GET_COMMON, get_p = ob | CLCTL_GET_PRIVATE;

	/* Common: Description. */
	pl_init(&pl);
	pl_sz(&pl, "Description", desc);
	assert_int_equal(set_list(c, opnum, h, ob | CLCTL_SET_COMMON, &pl), 0);
	assert_sz_prop(c, opnum, h, get_c, "Description", desc);
	/* Private: a string and a DWORD. */
	pl_init(&pl);
	pl_sz(&pl, "TestString", str);
	pl_dword(&pl, "TestDword", 42);
	assert_int_equal(set_list(c, opnum, h, ob | CLCTL_SET_PRIVATE, &pl), 0);
	assert_sz_prop(c, opnum, h, get_p, "TestString", str);
	assert_dword_prop(c, opnum, h, get_p, "TestDword", 42);
	/* Overwrite. */
	pl_init(&pl);
	pl_dword(&pl, "TestDword", 43);
	assert_int_equal(set_list(c, opnum, h, ob | CLCTL_SET_PRIVATE, &pl), 0);
	assert_dword_prop(c, opnum, h, get_p, "TestDword", 43);

	/* VALIDATE writes nothing. */
	pl_init(&pl);
	pl_sz(&pl, "Description", "validated only");
	assert_int_equal(set_list(c, opnum, h, ob | CLCTL_VALIDATE_COMMON, &pl), 0);
	pl_init(&pl);
	pl_sz(&pl, "TestString", "validated only");
	pl_dword(&pl, "TestValidated", 1);
	assert_int_equal(set_list(c, opnum, h, ob | CLCTL_VALIDATE_PRIVATE, &pl), 0);
	assert_sz_prop(c, opnum, h, get_c, "Description", desc);
	assert_sz_prop(c, opnum, h, get_p, "TestString", str);
	uint32_t len;
	uint8_t data[512];
	assert_int_equal(get_prop(c, opnum, h, get_p, "TestValidated", data, sizeof(data), &len), -1);

	/* Unknown and read-only common properties, a mistyped one: 87, nothing written. */
	const char *refused[] = { "NoSuchProperty", "State" };
	for (size_t i = 0; i < 2; i++) {
		pl_init(&pl);
		pl_sz(&pl, "Description", "not written");
		pl_dword(&pl, refused[i], 1);
		assert_int_equal(set_list(c, opnum, h, ob | CLCTL_SET_COMMON, &pl), ERROR_INVALID_PARAMETER);
		assert_int_equal(set_list(c, opnum, h, ob | CLCTL_VALIDATE_COMMON, &pl), ERROR_INVALID_PARAMETER);
	}
	pl_init(&pl);
	pl_dword(&pl, "Description", 7);
	assert_int_equal(set_list(c, opnum, h, ob | CLCTL_SET_COMMON, &pl), ERROR_INVALID_PARAMETER);
	assert_sz_prop(c, opnum, h, get_c, "Description", desc);

	/* Malformed lists: 13, nothing written. */
	for (int private = 1; private >= 0; private--) {
		const uint32_t code = ob | (private ? CLCTL_SET_PRIVATE : CLCTL_SET_COMMON);
		const uint32_t validate = ob | (private ? CLCTL_VALIDATE_PRIVATE : CLCTL_VALIDATE_COMMON);
		const char *name = private ? "TestString" : "Description";
		pl_init(&pl);
		pl_sz(&pl, name, "not written");
		size_t good = pl.n;
		/* The count larger than the data. */
		put32(pl.b, 2);
		assert_int_equal(set_list(c, opnum, h, code, &pl), ERROR_INVALID_DATA);
		put32(pl.b, 0xFFFFFFFFu);
		assert_int_equal(set_list(c, opnum, h, code, &pl), ERROR_INVALID_DATA);
		put32(pl.b, 1);
		/* A missing ENDMARK, a wrong one. */
		pl.n = good - 4;
		assert_int_equal(set_list(c, opnum, h, code, &pl), ERROR_INVALID_DATA);
		pl.n = good;
		put32(pl.b + good - 4, 1);
		assert_int_equal(set_list(c, opnum, h, code, &pl), ERROR_INVALID_DATA);
		put32(pl.b + good - 4, 0);
		/* Trailing bytes. */
		pl_u32(&pl, 0);
		assert_int_equal(set_list(c, opnum, h, code, &pl), ERROR_INVALID_DATA);
		pl.n = good;
		/* The value's size running past the end (and wrapping). */
		size_t name_bytes = (strlen(name) + 1) * 2, vsize_at = 4 + 8 + ((name_bytes + 3) & ~(size_t)3) + 4;
		uint32_t vsize = get32le(pl.b + vsize_at);
		put32(pl.b + vsize_at, 0x1000);
		assert_int_equal(set_list(c, opnum, h, code, &pl), ERROR_INVALID_DATA);
		put32(pl.b + vsize_at, 0xFFFFFFFEu);
		assert_int_equal(set_list(c, opnum, h, code, &pl), ERROR_INVALID_DATA);
		put32(pl.b + vsize_at, vsize);
		/* The name's size running past the end. */
		put32(pl.b + 8, 0xFFFFFFF0u);
		assert_int_equal(set_list(c, opnum, h, code, &pl), ERROR_INVALID_DATA);
		put32(pl.b + 8, (uint32_t)name_bytes);
		/* Still a good list (checked with VALIDATE). */
		assert_int_equal(set_list(c, opnum, h, validate, &pl), 0);
		/* A name without its NUL. */
		struct plist bad;
		uint8_t tmp[512];
		pl_init(&bad);
		put32(bad.b, 1);
		pl_u32(&bad, 0x00040003u);
		size_t nb = utf16le(tmp, name, false);
		pl_u32(&bad, (uint32_t)nb);
		pl_bytes(&bad, tmp, nb);
		pl_value(&bad, 3, tmp, utf16le(tmp, "not written", true));
		assert_int_equal(set_list(c, opnum, h, code, &bad), ERROR_INVALID_DATA);
		/* A string value without its NUL, a DWORD of 3 bytes. */
		pl_init(&bad);
		pl_name(&bad, name);
		pl_value(&bad, 3, tmp, utf16le(tmp, "not written", false));
		assert_int_equal(set_list(c, opnum, h, code, &bad), ERROR_INVALID_DATA);
		pl_init(&bad);
		pl_name(&bad, name);
		pl_value(&bad, 2, "abc", 3);
		assert_int_equal(set_list(c, opnum, h, code, &bad), ERROR_INVALID_DATA);
		/* A good property followed by a truncated one. */
		pl_init(&bad);
		pl_sz(&bad, name, "not written");
		pl_name(&bad, "Other");
		assert_int_equal(set_list(c, opnum, h, code, &bad), ERROR_INVALID_DATA);
		/* No buffer at all, a short one. */
		assert_int_equal(in_control(c, opnum, h, code, NULL, 0), ERROR_INVALID_DATA);
		assert_int_equal(in_control(c, opnum, h, code, "\0\0", 2), ERROR_INVALID_DATA);
	}
	assert_sz_prop(c, opnum, h, get_c, "Description", desc);
	assert_sz_prop(c, opnum, h, get_p, "TestString", str);
	assert_dword_prop(c, opnum, h, get_p, "TestDword", 43);
	/* An empty list is fine. */
	pl_init(&pl);
	assert_int_equal(set_list(c, opnum, h, ob | CLCTL_SET_PRIVATE, &pl), 0);
}

static void test_set_properties(void **state)
{
	(void)state;
	struct rpc_client c;
	struct rpc_ctx_handle g, res;
	struct cmrp_control_out o;
	connect_bound(&c);
	struct rpc_ctx_handle h = open_cluster(&c);
	assert_int_equal(open_named(&c, CMRP_OPEN_GROUP, "Cluster Group", &g), 0);
	assert_int_equal(open_named(&c, CMRP_OPEN_RESOURCE, "Cluster Name", &res), 0);

	props_on(&c, CMRP_RESOURCE_CONTROL, res, 0x01000000u, "resource");
	props_on(&c, CMRP_GROUP_CONTROL, g, 0x03000000u, "group");
	props_on(&c, CMRP_CLUSTER_CONTROL, h, 0x07000000u, "cluster");

	/* Name: the same name is accepted; a new one renames the group. */
	struct plist pl;
	pl_init(&pl);
	pl_sz(&pl, "Name", "Cluster Group");
	assert_int_equal(set_list(&c, CMRP_GROUP_CONTROL, g, 0x0340005Eu, &pl), 0);
	pl_init(&pl);
	pl_sz(&pl, "Name", "Renamed Group");
	assert_int_equal(set_list(&c, CMRP_GROUP_CONTROL, g, 0x0340005Eu, &pl), 0);
	assert_sz_prop(&c, CMRP_GROUP_CONTROL, g, 0x03000059u, "Name", "Renamed Group");
	pl_init(&pl);
	pl_sz(&pl, "Name", "Cluster Group");
	assert_int_equal(set_list(&c, CMRP_GROUP_CONTROL, g, 0x0340005Eu, &pl), 0);
	assert_sz_prop(&c, CMRP_GROUP_CONTROL, g, 0x03000059u, "Name", "Cluster Group");
	/* The cluster is not renamed this way. */
	pl_init(&pl);
	pl_sz(&pl, "Name", "another-cluster");
	assert_int_equal(set_list(&c, CMRP_CLUSTER_CONTROL, h, 0x0740005Eu, &pl), ERROR_INVALID_PARAMETER);

	/* CommandLine lands in Resources\ID\Parameters as REG_SZ, where a
	 * Generic Application's command is read from. */
	pl_init(&pl);
	pl_sz(&pl, "CommandLine", "sleep 1000");
	assert_int_equal(set_list(&c, CMRP_RESOURCE_CONTROL, res, 0x01400086u, &pl), 0);
	assert_int_equal(plain_control(&c, CMRP_RESOURCE_CONTROL, res, 0x01000039u, 0x400, &o), 0);
	char key[300] = "Resources\\";
	size_t k = strlen(key);
	for (size_t i = 0; i + 1 < o.returned && o.data[i]; i += 2)
		key[k++] = (char)o.data[i];
	key[k] = 0;
	cmrp_control_out_free(&o);
	strcat(key, "\\Parameters");
	struct rpc_ctx_handle root, pk;
	struct cmrp_query_value_out q;
	uint8_t want[64];
	size_t wlen = utf16le(want, "sleep 1000", true);
	assert_int_equal(get_root_key(&c, MAXIMUM_ALLOWED, &root), 0);
	assert_int_equal(open_key(&c, root, key, KEY_READ, &pk), 0);
	assert_int_equal(query_value(&c, pk, "CommandLine", 256, &q), 0);
	assert_int_equal(q.type, 1);
	assert_int_equal(q.required, wlen);
	assert_memory_equal(q.data, want, wlen);
	cmrp_query_value_out_free(&q);
	assert_int_equal(query_value(&c, pk, "TestDword", 4, &q), 0);
	assert_int_equal(q.type, 4);
	cmrp_query_value_out_free(&q);
	assert_int_equal(close_key(&c, pk), 0);
	assert_int_equal(close_key(&c, root), 0);

	/* A read-only caller: 5, nothing written. */
	assert_int_equal(daemon_write_acl(&d, "anonymous read\n"), 0);
	struct rpc_client ro;
	struct rpc_ctx_handle rres;
	connect_bound(&ro);
	assert_int_equal(open_named(&ro, CMRP_OPEN_RESOURCE, "Cluster Name", &rres), 0);
	pl_init(&pl);
	pl_sz(&pl, "TestString", "not written");
	assert_int_equal(set_list(&ro, CMRP_RESOURCE_CONTROL, rres, 0x01400086u, &pl), ERROR_ACCESS_DENIED);
	pl_init(&pl);
	pl_sz(&pl, "Description", "not written");
	assert_int_equal(set_list(&ro, CMRP_RESOURCE_CONTROL, rres, 0x0140005Eu, &pl), ERROR_ACCESS_DENIED);
	assert_sz_prop(&ro, CMRP_RESOURCE_CONTROL, rres, 0x01000081u, "TestString", "resource string");
	assert_sz_prop(&ro, CMRP_RESOURCE_CONTROL, rres, 0x01000059u, "Description", "resource description");
	rpc_client_close(&ro);
	assert_int_equal(daemon_write_acl(&d, "anonymous full\n"), 0);
	rpc_client_close(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_root_key),
		cmocka_unit_test(test_keys_and_values),
		cmocka_unit_test(test_depth_bomb),
		cmocka_unit_test(test_bad_key_handles),
		cmocka_unit_test(test_read_only_caller),
		cmocka_unit_test(test_cluster_control),
		cmocka_unit_test(test_object_controls),
		cmocka_unit_test(test_set_properties),
	};
	return daemon_finish(cmocka_run_group_tests(tests, group_setup, group_teardown));
}
