/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Inside libclusapi: the session behind a cluster handle, shared by the files
 * that make calls on it (clusapi.c for the cluster, objects.c for the objects,
 * enumerations, registry keys and controls).
 */
#ifndef CLIENT_SESSION_H
#define CLIENT_SESSION_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "clusapi.h"
#include "cmrp/cmrp.h"
#include "rpc/client.h"

#define KIND_CLUSTER 0x434c5553u /* "CLUS" */

struct cluster_session {
	pthread_mutex_t lock;
	struct rpc_client rpc;
	struct rpc_ctx_handle handle;
	uint32_t granted;
};

/* Decode one finished call's reply (and free it). */
DWORD session_finish_call(struct rpc_call *call, bool (*decode)(struct ndr_pull *in, void *arg), void *arg);
/* One call on a locked session: the request encoded by the caller, the reply
 * decoded by `decode`.  Returns a transport/fault error or ERROR_SUCCESS. */
DWORD session_call(struct cluster_session *s, uint16_t opnum, const struct ndr_push *req,
		   bool (*decode)(struct ndr_pull *in, void *arg), void *arg);
/* Copy a UTF-16 string out with the Windows (buffer, count) convention. */
DWORD session_copy_out(const struct cmrp_string *src, LPWSTR buf, LPDWORD cch);

#endif
