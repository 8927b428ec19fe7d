/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Benchmark (not a test): the object model at scale, on one connection to a
 * running clusterd (LPC, with full rights):
 *  - enumerating 10,000 resources (CreateEnum), after creating them;
 *  - 100,000 open resource handles: open rate, close rate, and the server's
 *    memory per handle (from /proc/PID/status of the daemon).
 * It speaks MS-CMRP with the project's own RPC client and codecs.
 *
 * Usage: bench_objects LPC_SOCKET CLUSTERD_PID [RESOURCES] [HANDLES]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/utf16.h"
#include "cmrp/cmrp.h"
#include "cmrp/cmrp_objects.h"
#include "rpc/client.h"

#include "bench_util.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct rpc_client c;

static void die(const char *what, DWORD err)
{
	fprintf(stderr, "bench_objects: %s failed: %u\n", what, (unsigned)err);
	exit(1);
}

/* One call; the reply stub in *in (free *buf after). */
static void call(uint16_t opnum, struct ndr_push *req, struct ndr_pull *in, uint8_t **buf)
{
	size_t len;
	bool be;
	DWORD err = rpc_client_call(&c, opnum, req->data, req->len, buf, &len, &be);
	if (err)
		die("call", err);
	ndr_pull_init(in, *buf, len, be);
	ndr_push_free(req);
	ndr_push_init(req);
}

static struct rpc_ctx_handle open_named(uint16_t opnum, const char *name)
{
	struct ndr_push req;
	struct ndr_pull in;
	uint8_t *buf;
	struct cmrp_open_object_out o;
	uint16_t *w = utf16_from_utf8_dup(name);
	ndr_push_init(&req);
	cmrp_name_encode_in(&req, w, utf16_len(w));
	free(w);
	call(opnum, &req, &in, &buf);
	if (!cmrp_open_object_decode_out(&in, &o, false) || o.status)
		die(name, o.status);
	free(buf);
	ndr_push_free(&req);
	return o.handle;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: bench_objects LPC_SOCKET CLUSTERD_PID [RESOURCES] [HANDLES]\n");
		return 2;
	}
	int pid = atoi(argv[2]);
	int nres = argc > 3 ? atoi(argv[3]) : 10000;
	int nhandles = argc > 4 ? atoi(argv[4]) : 100000;
	struct ndr_push req;
	struct ndr_pull in;
	uint8_t *buf;

	rpc_client_init(&c);
	DWORD err = rpc_client_connect_unix(&c, argv[1]);
	if (!err)
		err = rpc_client_bind(&c, &cmrp_syntax);
	if (err)
		die("connect", err);
	ndr_push_init(&req);
	cmrp_open_cluster_ex_encode_in(&req, 0x10000000u);
	call(CMRP_OPEN_CLUSTER_EX, &req, &in, &buf);
	free(buf);

	/* 1. resources */
	struct rpc_ctx_handle group = open_named(CMRP_OPEN_GROUP, "Cluster Group");
	double t0 = now();
	for (int i = 0; i < nres; i++) {
		char name[64];
		snprintf(name, sizeof(name), "bench-%06d", i);
		struct cmrp_create_resource_in r = { .group = group, .flags = 0 };
		r.name.s = utf16_from_utf8_dup(name);
		r.name.units = utf16_len(r.name.s);
		r.type.s = utf16_from_utf8_dup("Generic Service");
		r.type.units = utf16_len(r.type.s);
		cmrp_create_resource_encode_in(&req, &r);
		cmrp_create_resource_in_free(&r);
		call(CMRP_CREATE_RESOURCE, &req, &in, &buf);
		struct cmrp_open_object_out o;
		if (!cmrp_open_object_decode_out(&in, &o, false))
			die("CreateResource decode", 0);
		free(buf);
		/* an existing one from an earlier run is fine */
		if (o.status && o.status != 5010)
			die("CreateResource", o.status);
		if (!o.status) {
			cmrp_handle_encode(&req, &o.handle);
			call(CMRP_CLOSE_RESOURCE, &req, &in, &buf);
			free(buf);
		}
	}
	double create = now() - t0;

	int rounds = 10;
	size_t entries = 0, bytes = 0;
	t0 = now();
	for (int r = 0; r < rounds; r++) {
		size_t len;
		bool be;
		cmrp_u32_encode_in(&req, 0x4);
		err = rpc_client_call(&c, CMRP_CREATE_ENUM, req.data, req.len, &buf, &len, &be);
		if (err)
			die("CreateEnum", err);
		ndr_push_free(&req);
		ndr_push_init(&req);
		ndr_pull_init(&in, buf, len, be);
		struct cmrp_enum_out o;
		if (!cmrp_enum_decode_out(&in, &o, false) || o.result)
			die("CreateEnum decode", o.result);
		entries = o.list.count;
		bytes = len;
		cmrp_enum_out_free(&o);
		free(buf);
	}
	double enumerate = (now() - t0) / rounds;
	printf("resources created: %d in %.2f s (%.0f/s, each a durable transaction)\n", nres, create, nres / create);
	printf("CreateEnum(RESOURCE): %zu entries, %zu bytes, %.2f ms per enumeration (%d rounds)\n", entries, bytes,
	       enumerate * 1e3, rounds);

	/* 2. handles */
	struct rpc_ctx_handle *h = malloc((size_t)nhandles * sizeof(*h));
	long rss0 = bench_rss_kib(pid);
	t0 = now();
	for (int i = 0; i < nhandles; i++)
		h[i] = open_named(CMRP_OPEN_RESOURCE, "Cluster Name");
	double open = now() - t0;
	long rss1 = bench_rss_kib(pid);
	t0 = now();
	for (int i = 0; i < nhandles; i++) {
		struct rpc_ctx_handle out;
		uint32_t result;
		cmrp_handle_encode(&req, &h[i]);
		call(CMRP_CLOSE_RESOURCE, &req, &in, &buf);
		if (!cmrp_close_decode_out(&in, &out, &result) || result)
			die("CloseResource", result);
		free(buf);
	}
	double close_t = now() - t0;
	printf("%d handles on one connection: open %.0f/s, close %.0f/s\n", nhandles, nhandles / open, nhandles / close_t);
	if (rss0 > 0 && rss1 > 0)
		printf("server memory: %ld KiB before, %ld KiB with all open: %.0f bytes per handle\n", rss0, rss1,
		       (double)(rss1 - rss0) * 1024.0 / nhandles);
	free(h);
	ndr_push_free(&req);
	rpc_client_close(&c);
	return 0;
}
