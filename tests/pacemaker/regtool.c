/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The cluster registry at the wire, for cibstate.sh: one clusterd (its LPC
 * socket, as root), one action, a line of output per fact, exit 0 when the
 * action did what it says and 1 (with the reason on stderr) otherwise.
 *
 *   regtool LPC write KEY        create KEY\Sub (and KEY), and set on KEY one
 *                                value of every type (REG_SZ, REG_EXPAND_SZ,
 *                                REG_MULTI_SZ, REG_DWORD, REG_QWORD, REG_BINARY
 *                                of 3000 bytes) and one on KEY\Sub
 *   regtool LPC dump KEY         KEY and its subkeys, depth first: "key PATH",
 *                                "value PATH NAME TYPE HEX" (enumerations)
 *   regtool LPC query KEY NAME   one value: "TYPE HEX" (QueryValue)
 *   regtool LPC delete KEY       delete KEY\Sub's and KEY's values, then
 *                                KEY\Sub (KEY must refuse first: not empty),
 *                                then KEY; both are gone afterwards
 *   regtool LPC budget KEY       set 16 KiB values on KEY until the server
 *                                refuses one with ERROR_NOT_ENOUGH_QUOTA; the
 *                                refused value must not exist; then delete KEY
 *   regtool LPC watch SECS       a notification port for registry changes:
 *                                prints "ready", then the first event's key
 *                                name ("event NAME") within SECS, or fails
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/utf16.h"
#include "cmrp/cmrp.h"
#include "cmrp/cmrp_notify.h"
#include "cmrp/cmrp_objects.h"
#include "rpc/client.h"

#define ERROR_NO_MORE_ITEMS_ 259u
#define ERROR_NOT_ENOUGH_QUOTA_ 1816u
#define KEY_ALL 0x000f003fu

static struct rpc_client c;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "regtool: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

static void call(uint16_t opnum, struct ndr_push *req, struct ndr_pull *in, uint8_t **buf)
{
	size_t len;
	bool be;
	if (req->error)
		die("opnum %u: cannot encode", opnum);
	DWORD err = rpc_client_call(&c, opnum, req->data, req->len, buf, &len, &be);
	ndr_push_free(req);
	if (err)
		die("opnum %u: transport error %u", opnum, (unsigned)err);
	ndr_pull_init(in, *buf, len, be);
}

static uint16_t *wdup(const char *s, size_t *units)
{
	uint16_t *w = utf16_from_utf8_dup(s);
	if (!w)
		die("not UTF-8: %s", s);
	*units = utf16_len(w);
	return w;
}

static char *utf8_of(const struct cmrp_string *s)
{
	size_t n = s->units;
	while (n && s->s[n - 1] == 0)
		n--; /* the counted string may hold its NUL */
	char *u = utf16_to_utf8_dup(s->s, n);
	if (!u)
		die("bad UTF-16 from the server");
	return u;
}

static struct rpc_ctx_handle open_cluster(void)
{
	struct ndr_push req;
	struct ndr_pull in;
	uint8_t *buf;
	struct cmrp_open_cluster_out o;
	ndr_push_init(&req);
	cmrp_open_cluster_ex_encode_in(&req, MAXIMUM_ALLOWED);
	call(CMRP_OPEN_CLUSTER_EX, &req, &in, &buf);
	if (!cmrp_open_cluster_decode_out(&in, &o, true) || o.status)
		die("OpenClusterEx failed");
	free(buf);
	return o.handle;
}

static struct rpc_ctx_handle root_key(void)
{
	struct ndr_push req;
	struct ndr_pull in;
	uint8_t *buf;
	struct cmrp_open_object_out o;
	ndr_push_init(&req);
	cmrp_u32_encode_in(&req, KEY_ALL);
	call(CMRP_GET_ROOT_KEY, &req, &in, &buf);
	if (!cmrp_open_object_decode_out(&in, &o, false) || o.status)
		die("GetRootKey failed");
	free(buf);
	return o.handle;
}

static uint32_t open_key(struct rpc_ctx_handle parent, const char *sub, struct rpc_ctx_handle *h)
{
	struct ndr_push req;
	struct ndr_pull in;
	uint8_t *buf;
	struct cmrp_open_object_out o;
	uint32_t sam = KEY_ALL;
	size_t n;
	uint16_t *ws = wdup(sub, &n);
	ndr_push_init(&req);
	cmrp_handle_name_encode_in(&req, &parent, ws, n, &sam, 1);
	free(ws);
	call(CMRP_OPEN_KEY, &req, &in, &buf);
	if (!cmrp_open_object_decode_out(&in, &o, false))
		die("OpenKey: bad reply");
	free(buf);
	*h = o.handle;
	return o.status;
}

static uint32_t create_key(struct rpc_ctx_handle parent, const char *sub, struct rpc_ctx_handle *h)
{
	struct ndr_push req;
	struct ndr_pull in;
	uint8_t *buf;
	struct cmrp_open_object_out o;
	struct cmrp_create_key_in r = { .key = parent, .sam_desired = KEY_ALL };
	size_t n;
	r.subkey.s = wdup(sub, &n);
	r.subkey.units = n;
	ndr_push_init(&req);
	cmrp_create_key_encode_in(&req, &r);
	free(r.subkey.s);
	call(CMRP_CREATE_KEY, &req, &in, &buf);
	if (!cmrp_open_object_decode_out(&in, &o, true))
		die("CreateKey: bad reply");
	free(buf);
	*h = o.handle;
	return o.status;
}

static void close_key(struct rpc_ctx_handle h)
{
	struct ndr_push req;
	struct ndr_pull in;
	uint8_t *buf;
	uint32_t result;
	struct rpc_ctx_handle out;
	ndr_push_init(&req);
	cmrp_handle_encode(&req, &h);
	call(CMRP_CLOSE_KEY, &req, &in, &buf);
	if (!cmrp_close_decode_out(&in, &out, &result) || result)
		die("CloseKey failed");
	free(buf);
}

/* DeleteValue, DeleteKey. */
static uint32_t handle_name_call(uint16_t opnum, struct rpc_ctx_handle h, const char *name)
{
	struct ndr_push req;
	struct ndr_pull in;
	uint8_t *buf;
	uint32_t st, result;
	size_t n;
	uint16_t *ws = wdup(name, &n);
	ndr_push_init(&req);
	cmrp_handle_name_encode_in(&req, &h, ws, n, NULL, 0);
	free(ws);
	call(opnum, &req, &in, &buf);
	if (!cmrp_status_result_decode_out(&in, &st, &result))
		die("opnum %u: bad reply", opnum);
	free(buf);
	return result;
}

static uint32_t set_value(struct rpc_ctx_handle h, const char *name, uint32_t type, const void *data, uint32_t len)
{
	struct ndr_push req;
	struct ndr_pull in;
	uint8_t *buf;
	uint32_t st, result;
	size_t n;
	struct cmrp_set_value_in r = { .key = h, .type = type, .data = (uint8_t *)data, .len = len };
	r.name.s = wdup(name, &n);
	r.name.units = n;
	ndr_push_init(&req);
	cmrp_set_value_encode_in(&req, &r);
	free(r.name.s);
	call(CMRP_SET_VALUE, &req, &in, &buf);
	if (!cmrp_status_result_decode_out(&in, &st, &result))
		die("SetValue: bad reply");
	free(buf);
	return result;
}

static uint32_t query_value(struct rpc_ctx_handle h, const char *name, struct cmrp_query_value_out *o)
{
	struct ndr_push req;
	struct ndr_pull in;
	uint8_t *buf;
	size_t n;
	uint32_t cb = 1u << 17;
	uint16_t *ws = wdup(name, &n);
	ndr_push_init(&req);
	cmrp_handle_name_encode_in(&req, &h, ws, n, &cb, 1);
	free(ws);
	call(CMRP_QUERY_VALUE, &req, &in, &buf);
	if (!cmrp_query_value_decode_out(&in, o))
		die("QueryValue: bad reply");
	free(buf);
	return o->result;
}

static uint32_t enum_value(struct rpc_ctx_handle h, uint32_t index, struct cmrp_enum_value_out *o)
{
	struct ndr_push req;
	struct ndr_pull in;
	uint8_t *buf;
	uint32_t v[2] = { index, 1u << 17 };
	ndr_push_init(&req);
	cmrp_handle_u32s_encode_in(&req, &h, v, 2);
	call(CMRP_ENUM_VALUE, &req, &in, &buf);
	if (!cmrp_enum_value_decode_out(&in, o))
		die("EnumValue: bad reply");
	free(buf);
	return o->result;
}

/* EnumKey: name (malloc'd UTF-8) or NULL past the end. */
static char *enum_key(struct rpc_ctx_handle h, uint32_t index)
{
	struct ndr_push req;
	struct ndr_pull in;
	uint8_t *buf;
	uint32_t ref = 0, lo, hi, st, result = 0xffffffffu;
	struct cmrp_string name = { 0 };
	ndr_push_init(&req);
	cmrp_handle_u32s_encode_in(&req, &h, &index, 1);
	call(CMRP_ENUM_KEY, &req, &in, &buf);
	if (!ndr_pull_ptr(&in, &ref) ||
	    (ref && !ndr_pull_string(&in, &name.s, &name.units, CMRP_MAX_NAME_UNITS)) || !ndr_pull_align(&in, 4) ||
	    !ndr_pull_u32(&in, &lo) || !ndr_pull_u32(&in, &hi) || !ndr_pull_u32(&in, &st) || !ndr_pull_u32(&in, &result))
		die("EnumKey: bad reply");
	free(buf);
	if (result == ERROR_NO_MORE_ITEMS_)
		return NULL;
	if (result || !name.s)
		die("EnumKey %u: error %u", index, result);
	char *u = utf8_of(&name);
	free(name.s);
	return u;
}

static void print_hex(const uint8_t *d, size_t n)
{
	if (!n)
		printf("-");
	for (size_t i = 0; i < n; i++)
		printf("%02x", d[i]);
	printf("\n");
}

static void dump(struct rpc_ctx_handle h, const char *path)
{
	printf("key %s\n", path);
	for (uint32_t i = 0;; i++) {
		struct cmrp_enum_value_out o;
		uint32_t r = enum_value(h, i, &o);
		if (r == ERROR_NO_MORE_ITEMS_)
			break;
		if (r)
			die("EnumValue %s %u: error %u", path, i, r);
		char *name = utf8_of(&o.name);
		printf("value %s %s %u ", path, name, o.type);
		print_hex(o.data, o.len);
		free(name);
		cmrp_enum_value_out_free(&o);
	}
	for (uint32_t i = 0;; i++) {
		char *name = enum_key(h, i);
		if (!name)
			break;
		struct rpc_ctx_handle sub;
		char subpath[2048];
		if (open_key(h, name, &sub))
			die("OpenKey %s\\%s failed", path, name);
		snprintf(subpath, sizeof(subpath), "%s\\%s", path, name);
		dump(sub, subpath);
		close_key(sub);
		free(name);
	}
}

static void must(uint32_t r, const char *what)
{
	if (r)
		die("%s: error %u", what, r);
}

static void do_write(struct rpc_ctx_handle root, const char *key)
{
	struct rpc_ctx_handle k, sub;
	char path[1024];
	snprintf(path, sizeof(path), "%s\\Sub", key);
	must(create_key(root, path, &sub), "CreateKey KEY\\Sub");
	must(open_key(root, key, &k), "OpenKey KEY");
	static const uint8_t sz[] = { 'h', 0, 0xe9, 0, 'l', 0, 'l', 0, 'o', 0, 0, 0 };
	static const uint8_t expand[] = { '%', 0, 'P', 0, '%', 0, '\\', 0, 'x', 0, 0, 0 };
	static const uint8_t multi[] = { 'a', 0, 0, 0, 'b', 0, 'c', 0, 0, 0, 0, 0 };
	static const uint8_t dword[] = { 0x78, 0x56, 0x34, 0x12 };
	static const uint8_t qword[] = { 1, 2, 3, 4, 5, 6, 7, 0x88 };
	uint8_t bin[3000];
	for (size_t i = 0; i < sizeof(bin); i++)
		bin[i] = (uint8_t)(i * 7 + 3);
	must(set_value(k, "Sz", 1, sz, sizeof(sz)), "SetValue REG_SZ");
	must(set_value(k, "Expand", 2, expand, sizeof(expand)), "SetValue REG_EXPAND_SZ");
	must(set_value(k, "Multi", 7, multi, sizeof(multi)), "SetValue REG_MULTI_SZ");
	must(set_value(k, "Dword", 4, dword, sizeof(dword)), "SetValue REG_DWORD");
	must(set_value(k, "Qword", 11, qword, sizeof(qword)), "SetValue REG_QWORD");
	must(set_value(k, "Binary", 3, bin, sizeof(bin)), "SetValue REG_BINARY");
	must(set_value(k, "Empty", 3, NULL, 0), "SetValue empty REG_BINARY");
	must(set_value(sub, "Inner", 4, dword, sizeof(dword)), "SetValue KEY\\Sub");
	/* A second write replaces (one value of that name). */
	must(set_value(k, "Dword", 4, "\x01\x00\x00\x00", 4), "SetValue REG_DWORD again");
	must(set_value(k, "Dword", 4, dword, sizeof(dword)), "SetValue REG_DWORD back");
	close_key(sub);
	close_key(k);
	printf("written %s\n", key);
}

static void do_delete(struct rpc_ctx_handle root, const char *key)
{
	struct rpc_ctx_handle k, sub;
	must(open_key(root, key, &k), "OpenKey KEY");
	must(open_key(k, "Sub", &sub), "OpenKey KEY\\Sub");
	must(handle_name_call(CMRP_DELETE_VALUE, sub, "Inner"), "DeleteValue KEY\\Sub Inner");
	if (handle_name_call(CMRP_DELETE_VALUE, sub, "Inner") == 0)
		die("DeleteValue of a deleted value succeeded");
	close_key(sub);
	const char *names[] = { "Sz", "Expand", "Multi", "Dword", "Qword", "Binary", "Empty" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		must(handle_name_call(CMRP_DELETE_VALUE, k, names[i]), names[i]);
	struct cmrp_enum_value_out o;
	if (enum_value(k, 0, &o) != ERROR_NO_MORE_ITEMS_)
		die("values left after deleting them all");
	close_key(k);
	uint32_t r = handle_name_call(CMRP_DELETE_KEY, root, key);
	if (r == 0)
		die("DeleteKey of a key with a subkey succeeded");
	char path[1024];
	snprintf(path, sizeof(path), "%s\\Sub", key);
	must(handle_name_call(CMRP_DELETE_KEY, root, path), "DeleteKey KEY\\Sub");
	must(handle_name_call(CMRP_DELETE_KEY, root, key), "DeleteKey KEY");
	if (open_key(root, key, &k) == 0)
		die("the deleted key opens");
	printf("deleted %s (a key with a subkey was refused: %u)\n", key, r);
}

static void do_budget(struct rpc_ctx_handle root, const char *key)
{
	struct rpc_ctx_handle k;
	static uint8_t blob[16384];
	char name[32];
	memset(blob, 0x5a, sizeof(blob));
	must(create_key(root, key, &k), "CreateKey KEY");
	int i;
	uint32_t r = 0;
	for (i = 0; i < 64; i++) {
		snprintf(name, sizeof(name), "Blob%d", i);
		r = set_value(k, name, 3, blob, sizeof(blob));
		if (r)
			break;
	}
	if (r != ERROR_NOT_ENOUGH_QUOTA_)
		die("after %d values of 16 KiB: %u, not ERROR_NOT_ENOUGH_QUOTA", i, r);
	struct cmrp_query_value_out q;
	if (query_value(k, name, &q) == 0)
		die("the refused value %s exists", name);
	cmrp_query_value_out_free(&q);
	for (int j = 0; j < i; j++) {
		snprintf(name, sizeof(name), "Blob%d", j);
		must(handle_name_call(CMRP_DELETE_VALUE, k, name), "DeleteValue Blob");
	}
	close_key(k);
	must(handle_name_call(CMRP_DELETE_KEY, root, key), "DeleteKey KEY");
	printf("budget: value %d of 16 KiB refused with ERROR_NOT_ENOUGH_QUOTA, nothing of it written\n", i + 1);
}

static void do_watch(int secs)
{
	struct rpc_ctx_handle cl = open_cluster(), port;
	struct ndr_push req;
	struct ndr_pull in;
	uint8_t *buf;
	struct cmrp_create_notify_out co;
	ndr_push_init(&req);
	call(CMRP_CREATE_NOTIFY, &req, &in, &buf);
	if (!cmrp_create_notify_decode_out(&in, &co) || co.status)
		die("CreateNotify failed");
	free(buf);
	port = co.handle;
	struct cmrp_add_notify_in a = { .notify = port, .object = cl, .filter = CLUSTER_CHANGE_REGISTRY_VALUE, .key = 7 };
	uint32_t st, result;
	ndr_push_init(&req);
	cmrp_add_notify_encode_in(&req, &a, false);
	call(CMRP_ADD_NOTIFY_CLUSTER, &req, &in, &buf);
	if (!cmrp_status_result_decode_out(&in, &st, &result) || result)
		die("AddNotifyCluster failed");
	free(buf);
	printf("ready\n");
	fflush(stdout);
	/* GetNotify waits (the server holds the call until an event). */
	c.timeout_ms = secs * 1000;
	struct cmrp_get_notify_out o;
	ndr_push_init(&req);
	cmrp_handle_encode(&req, &port);
	call(CMRP_GET_NOTIFY, &req, &in, &buf);
	if (!cmrp_get_notify_decode_out(&in, &o) || o.result)
		die("GetNotify: no event (result %u)", o.result);
	free(buf);
	char *name = o.name.s ? utf8_of(&o.name) : strdup("");
	printf("event %s filter 0x%x\n", name, o.filter);
	free(name);
	cmrp_get_notify_out_free(&o);
}

int main(int argc, char **argv)
{
	if (argc < 3)
		die("usage: regtool LPC write|dump|query|delete|budget KEY [NAME] | regtool LPC watch SECS");
	rpc_client_init(&c);
	if (rpc_client_connect_unix(&c, argv[1]) || rpc_client_bind(&c, &cmrp_syntax))
		die("cannot connect to %s", argv[1]);
	const char *cmd = argv[2], *key = argc > 3 ? argv[3] : "";
	if (!strcmp(cmd, "watch")) {
		do_watch(atoi(key));
		return 0;
	}
	open_cluster();
	struct rpc_ctx_handle root = root_key(), k;
	if (!strcmp(cmd, "write")) {
		do_write(root, key);
	} else if (!strcmp(cmd, "dump")) {
		must(open_key(root, key, &k), "OpenKey KEY");
		dump(k, key);
	} else if (!strcmp(cmd, "query") && argc > 4) {
		struct cmrp_query_value_out q;
		must(open_key(root, key, &k), "OpenKey KEY");
		must(query_value(k, argv[4], &q), "QueryValue");
		printf("%u ", q.type);
		print_hex(q.data, q.required < q.len ? q.required : q.len);
		cmrp_query_value_out_free(&q);
	} else if (!strcmp(cmd, "delete")) {
		do_delete(root, key);
	} else if (!strcmp(cmd, "budget")) {
		do_budget(root, key);
	} else {
		die("unknown action %s", cmd);
	}
	return 0;
}
