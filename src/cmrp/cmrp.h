/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The MS-CMRP interface (clusapi v3.0): opnums and the wire shape of each call,
 * one encoder and one decoder per direction, shared by the client library and
 * the server so that both sides agree by construction.  Shapes follow the
 * MS-CMRP IDL (appendix A): out parameters in order, the return value last.
 *
 * Strings cross this layer as UTF-16 with a length (no NUL counted); decoded
 * strings are malloc'd and freed by cmrp_*_free().
 */
#ifndef CMRP_CMRP_H
#define CMRP_CMRP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rpc/ndr.h"
#include "rpc/pdu.h"

extern const struct rpc_syntax cmrp_syntax; /* b97db8b2-4c63-11cf-bff6-08002be23f2f v3.0 */

enum cmrp_opnum {
	CMRP_OPEN_CLUSTER = 0,
	CMRP_CLOSE_CLUSTER = 1,
	CMRP_SET_CLUSTER_NAME = 2,
	CMRP_GET_CLUSTER_NAME = 3,
	CMRP_GET_CLUSTER_VERSION = 4,
	CMRP_GET_CLUSTER_VERSION2 = 102,
	CMRP_OPEN_CLUSTER_EX = 117,
};

/*
 * What a call does, for a client deciding whether it may send it again after
 * its connection died: a read (Get*, Open*, enumerations, registry queries)
 * has no effect and may be repeated; a write may have happened; a close needs
 * no repeating (the connection's end ran the handle down); a control is a
 * read or a write by its code (cmrp_op_kind in cmrp_table.h says which).
 */
enum cmrp_call_kind { CMRP_CALL_READ, CMRP_CALL_WRITE, CMRP_CALL_CLOSE, CMRP_CALL_CONTROL };

/* Longest object name we accept or send, in UTF-16 units. */
#define CMRP_MAX_NAME_UNITS 1024

struct cmrp_string {
	uint16_t *s; /* NUL-terminated */
	size_t units;
};

void cmrp_string_free(struct cmrp_string *s);

/* ---- 0 ApiOpenCluster: () -> (Status, handle) ----------------------------- */
/* ---- 117 ApiOpenClusterEx: (access) -> (granted, Status, handle) --------- */
struct cmrp_open_cluster_out {
	uint32_t granted; /* Ex only */
	uint32_t status;
	struct rpc_ctx_handle handle;
};
bool cmrp_open_cluster_ex_encode_in(struct ndr_push *p, uint32_t desired);
bool cmrp_open_cluster_ex_decode_in(struct ndr_pull *in, uint32_t *desired);
bool cmrp_open_cluster_encode_out(struct ndr_push *p, const struct cmrp_open_cluster_out *o, bool ex);
bool cmrp_open_cluster_decode_out(struct ndr_pull *in, struct cmrp_open_cluster_out *o, bool ex);

/* ---- 1 ApiCloseCluster: (handle) -> (handle, result) ------------------ */
bool cmrp_handle_encode(struct ndr_push *p, const struct rpc_ctx_handle *h);
bool cmrp_handle_decode(struct ndr_pull *in, struct rpc_ctx_handle *h);
bool cmrp_close_encode_out(struct ndr_push *p, const struct rpc_ctx_handle *h, uint32_t result);
bool cmrp_close_decode_out(struct ndr_pull *in, struct rpc_ctx_handle *h, uint32_t *result);

/* ---- 2 ApiSetClusterName: (name) -> (rpc_status, result) ---------------- */
bool cmrp_set_cluster_name_encode_in(struct ndr_push *p, const uint16_t *name, size_t units);
bool cmrp_set_cluster_name_decode_in(struct ndr_pull *in, struct cmrp_string *name);
bool cmrp_status_result_encode_out(struct ndr_push *p, uint32_t rpc_status, uint32_t result);
bool cmrp_status_result_decode_out(struct ndr_pull *in, uint32_t *rpc_status, uint32_t *result);

/* ---- 3 ApiGetClusterName: () -> (cluster name, node name, result) -------- */
struct cmrp_cluster_name_out {
	struct cmrp_string cluster;
	struct cmrp_string node;
	uint32_t result;
};
bool cmrp_get_cluster_name_encode_out(struct ndr_push *p, const struct cmrp_cluster_name_out *o);
bool cmrp_get_cluster_name_decode_out(struct ndr_pull *in, struct cmrp_cluster_name_out *o);
void cmrp_cluster_name_out_free(struct cmrp_cluster_name_out *o);

/* ---- 4 ApiGetClusterVersion / 102 ApiGetClusterVersion2 ------------------ */
struct cmrp_version_out {
	uint16_t major;
	uint16_t minor;
	uint16_t build;
	struct cmrp_string vendor;
	struct cmrp_string csd;
	bool has_opver; /* version 2 only */
	uint32_t highest;
	uint32_t lowest;
	uint32_t flags;
	uint32_t rpc_status; /* version 2 only */
	uint32_t result;
};
bool cmrp_version_encode_out(struct ndr_push *p, const struct cmrp_version_out *o, bool v2);
bool cmrp_version_decode_out(struct ndr_pull *in, struct cmrp_version_out *o, bool v2);
void cmrp_version_out_free(struct cmrp_version_out *o);

/* Every decoder also requires the whole stub to be consumed (up to padding). */
bool cmrp_decode_done(struct ndr_pull *in);

#endif
