/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libclusapi: cluster handles.  OpenClusterEx finds the cluster service (LPC
 * socket, or name -> addresses -> endpoint mapper -> port), binds MS-CMRP and
 * opens a cluster context handle; the HCLUSTER it returns is a registry token
 * for a session that owns the connection.  Calls on one session are serialised
 * by its mutex, so handles may be shared between threads.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "base/utf16.h"
#include "base/werror.h"
#include "cmrp/cmrp.h"
#include "cmrp/cmrp_table.h"
#include "cmrp/cmrp_objects.h"
#include "registry.h"
#include "rpc/client.h"
#include "rpc/epm.h"
#include "creds.h"
#include "endpoints.h"
#include "server/identity.h"
#include "session.h"

CLUSAPI_API DWORD GetLastError(void)
{
	return werror_get_last();
}

CLUSAPI_API void SetLastError(DWORD code)
{
	werror_set_last(code);
}

CLUSAPI_API const char *ClusapiErrorMessage(DWORD code)
{
	return werror_message(code);
}

CLUSAPI_API const char *ClusapiErrorName(DWORD code)
{
	return werror_name(code);
}

CLUSAPI_API LPWSTR ClusapiUtf8ToWide(const char *utf8)
{
	if (!utf8) {
		werror_set_last(ERROR_INVALID_PARAMETER);
		return NULL;
	}
	uint16_t *w = utf16_from_utf8_dup(utf8);
	if (!w)
		werror_set_last(errno == ENOMEM ? ERROR_NOT_ENOUGH_MEMORY : ERROR_INVALID_DATA);
	return (LPWSTR)w;
}

CLUSAPI_API char *ClusapiWideToUtf8(LPCWSTR wide)
{
	if (!wide) {
		werror_set_last(ERROR_INVALID_PARAMETER);
		return NULL;
	}
	const uint16_t *w = (const uint16_t *)wide;
	char *s = utf16_to_utf8_dup(w, utf16_len(w));
	if (!s)
		werror_set_last(errno == ENOMEM ? ERROR_NOT_ENOUGH_MEMORY : ERROR_INVALID_DATA);
	return s;
}

static void session_destroy(void *obj)
{
	struct cluster_session *s = obj;
	session_detach_objects(s);
	rpc_client_close(&s->rpc);
	pthread_mutex_destroy(&s->lock);
	free(s->target);
	free(s->node);
	for (size_t i = 0; i < s->n_nodes; i++)
		free(s->nodes[i]);
	free(s->remap);
	creds_free(&s->creds);
	free(s);
}

bool session_encode(uint16_t opnum, const void *in, struct ndr_push *req)
{
	const struct cmrp_op *op = cmrp_op(opnum);
	ndr_push_init(req);
	return op && op->in->encode(req, in, op->in_arg) && !req->error;
}

DWORD session_finish_op(struct rpc_call *call, void *out)
{
	const struct cmrp_op *op = cmrp_op(call->opnum);
	DWORD err = call->status;
	memset(out, 0, op->out->size);
	if (!err) {
		struct ndr_pull in;
		ndr_pull_init(&in, call->out, call->out_len, call->big_endian);
		err = op->out->decode(&in, out, op->out_arg) ? ERROR_SUCCESS : RPC_X_BAD_STUB_DATA;
	}
	free(call->out);
	call->out = NULL;
	return err;
}

DWORD session_op_once(struct cluster_session *s, uint16_t opnum, const void *in, void *out)
{
	struct ndr_push req;
	DWORD err = RPC_S_SERVER_UNAVAILABLE;

	memset(out, 0, cmrp_op(opnum)->out->size);
	if (!session_encode(opnum, in, &req))
		err = ERROR_NOT_ENOUGH_MEMORY;
	else if (s->rpc.bound) {
		struct rpc_call call = { .opnum = opnum, .stub = req.data, .stub_len = req.len };
		err = rpc_client_call_many(&s->rpc, &call, 1);
		if (!err)
			err = session_finish_op(&call, out);
	}
	ndr_push_free(&req);
	return err;
}

bool session_remap_add(struct cluster_session *s, const struct rpc_ctx_handle *old, const struct rpc_ctx_handle *now)
{
	if (!s->remap && !(s->remap = calloc(SESSION_MAX_REMAP, sizeof(*s->remap))))
		return false;
	if (s->n_remap >= SESSION_MAX_REMAP)
		return false;
	s->remap[s->n_remap].old = *old;
	s->remap[s->n_remap].now = *now;
	s->n_remap++;
	return true;
}

/* The request with each handle the table places in it that belongs to the
 * old connection replaced by its reopened one; a shallow copy (its strings
 * and buffers are the caller's). */
static void remap_request(const struct cluster_session *s, const struct cmrp_op *op, const void *in,
			  union cmrp_any_in *copy)
{
	memcpy(copy, in, op->in->size);
	for (unsigned slot = 0; slot < CMRP_MAX_IN_HANDLES; slot++) {
		if (!op->in_handles[slot].type)
			continue;
		struct rpc_ctx_handle *h = cmrp_slot_handle(copy, &op->in_handles[slot]);
		for (size_t i = 0; i < s->n_remap; i++) {
			if (h->attributes == s->remap[i].old.attributes &&
			    rpc_uuid_equal(&h->uuid, &s->remap[i].old.uuid)) {
				*h = s->remap[i].now;
				break;
			}
		}
	}
}

static DWORD session_reconnect(struct cluster_session *s);

/* The reply's last word is the call's result (NDR puts the return value
 * last): ERROR_CLUSTER_NO_QUORUM says the node cannot serve the cluster. */
static bool lost_quorum(const struct rpc_call *call)
{
	struct ndr_pull in;
	uint32_t v;

	if (call->status || call->out_len < 4)
		return false;
	ndr_pull_init(&in, call->out, call->out_len, call->big_endian);
	in.off = call->out_len - 4; /* the return value ends the stub, 4-aligned */
	return ndr_pull_u32(&in, &v) && v == ERROR_CLUSTER_NO_QUORUM;
}

/* Reconnect to any node but the one answering now. */
static DWORD reconnect_elsewhere(struct cluster_session *s)
{
	char *here = s->node ? strdup(s->node) : NULL;
	if (!here)
		return ERROR_NOT_ENOUGH_MEMORY;
	s->avoid = here;
	DWORD err = session_reconnect(s);
	s->avoid = NULL;
	free(here);
	return err;
}

DWORD session_op(struct cluster_session *s, uint16_t opnum, const void *in, void *out)
{
	const struct cmrp_op *op = cmrp_op(opnum);
	enum cmrp_call_kind kind = cmrp_op_kind(op, in);
	bool can = s->desired && !s->reconnecting && kind != CMRP_CALL_CLOSE;
	bool remapped = false;
	DWORD err;

	memset(out, 0, op->out->size);
	if (!s->rpc.bound) {
		/* The connection broke earlier. */
		if (!can)
			return RPC_S_SERVER_UNAVAILABLE;
		err = session_reconnect(s);
		if (err)
			return err;
		remapped = true;
	}
	for (int attempt = 0;; attempt++) {
		union cmrp_any_in swapped;
		struct ndr_push req;
		if (remapped)
			remap_request(s, op, in, &swapped);
		if (!session_encode(opnum, remapped ? (const void *)&swapped : in, &req)) {
			ndr_push_free(&req);
			return ERROR_NOT_ENOUGH_MEMORY;
		}
		struct rpc_call call = { .opnum = opnum, .stub = req.data, .stub_len = req.len };
		err = rpc_client_call_many(&s->rpc, &call, 1);
		ndr_push_free(&req);
		if (!err && can && attempt == 0 && s->target && lost_quorum(&call)) {
			/* This node lost quorum and refused before doing anything:
			 * another node may serve the call, read or write. */
			if (reconnect_elsewhere(s) == 0) {
				free(call.out);
				remapped = true;
				continue;
			}
		}
		if (!err)
			return session_finish_op(&call, out);
		/* A fault leaves the connection as it was; only a dead one is
		 * worth reconnecting. */
		if (s->rpc.bound || !can || attempt > 0)
			return err;
		DWORD rerr = session_reconnect(s);
		/* A write is not repeated: whether it happened is unknown once
		 * it was sent. */
		if (kind == CMRP_CALL_WRITE)
			return call.sent ? RPC_S_CALL_FAILED : RPC_S_CALL_FAILED_DNE;
		if (rerr)
			return rerr; /* nobody answers for the cluster now */
		remapped = true;
	}
}

/* Remember the cluster's nodes (for reconnecting) and the one we are on. */
static void learn_nodes(struct cluster_session *s, struct cmrp_enum_out *e, struct cmrp_cluster_name_out *names)
{
	if (e->result == 0 && e->list.present) {
		for (size_t i = 0; i < s->n_nodes; i++)
			free(s->nodes[i]);
		s->n_nodes = 0;
		for (uint32_t i = 0; i < e->list.count && s->n_nodes < SESSION_MAX_NODES; i++) {
			const struct cmrp_string *n = &e->list.entries[i].name;
			char *u = n->s ? utf16_to_utf8_dup(n->s, n->units) : NULL;
			if (u)
				s->nodes[s->n_nodes++] = u;
		}
	}
	if (names->result == 0 && names->node.s) {
		free(s->node);
		s->node = utf16_to_utf8_dup(names->node.s, names->node.units);
	}
}

/* Is this GetClusterVersion2 answer clusterd's? */
static bool is_clusterd(const struct cmrp_version_out *v)
{
	static const char vendor[] = CLUSTERD_VENDOR;
	if (v->result || !v->vendor.s || v->vendor.units != sizeof(vendor) - 1)
		return false;
	for (size_t i = 0; i < v->vendor.units; i++)
		if (v->vendor.s[i] != (uint16_t)vendor[i])
			return false;
	return true;
}

/*
 * Bind MS-CMRP on a connected client (with a security context at
 * PKT_PRIVACY when there are credentials) and open the cluster handle.  Over
 * TCP the same round trip asks for the node list and the node answering,
 * which reconnecting needs, and, when ask_vendor, the server's version (is
 * it clusterd? then *clusterd is set).  With pipeline (a peer known to be
 * clusterd: LPC, or an address the endpoint cache knows) an anonymous bind
 * travels with the calls, in the same round trip.
 */
static DWORD open_on(struct cluster_session *s, uint32_t desired, const struct clusapi_creds *creds, const char *host,
		     bool pipeline, bool ask_vendor, bool *clusterd)
{
	struct cmrp_open_cluster_out o = { 0 };
	struct cmrp_enum_out e = { 0 };
	struct cmrp_cluster_name_out names = { 0 };
	struct cmrp_version_out v = { 0 };
	struct cmrp_u32_in open_in = { desired }, enum_in = { CLUSTER_ENUM_NODE };
	struct ndr_push req[2];
	struct rpc_auth auth = { 0 };
	DWORD err = ERROR_SUCCESS;
	bool bound = false;

	if (clusterd)
		*clusterd = false;
	if (creds && creds_auth(creds, host, &auth, &err)) {
		err = err ? err : rpc_client_bind_auth(&s->rpc, &cmrp_syntax, &auth, RPC_AUTHN_LEVEL_PKT_PRIVACY);
		bound = true;
	} else if (!pipeline) {
		err = rpc_client_bind(&s->rpc, &cmrp_syntax);
		bound = true;
	}
	if (err)
		return err;
	bool encoded = session_encode(CMRP_OPEN_CLUSTER_EX, &open_in, &req[0]);
	encoded = session_encode(CMRP_CREATE_ENUM, &enum_in, &req[1]) && encoded;
	struct rpc_call calls[4] = {
		{ .opnum = CMRP_OPEN_CLUSTER_EX, .stub = req[0].data, .stub_len = req[0].len },
		{ .opnum = CMRP_CREATE_ENUM, .stub = req[1].data, .stub_len = req[1].len },
		{ .opnum = CMRP_GET_CLUSTER_NAME },
		{ .opnum = CMRP_GET_CLUSTER_VERSION2 },
	};
	size_t n = host ? (ask_vendor ? 4 : 3) : 1;
	if (!encoded)
		err = ERROR_NOT_ENOUGH_MEMORY;
	else if (bound)
		err = rpc_client_call_many(&s->rpc, calls, n);
	else
		err = rpc_client_bind_and_call(&s->rpc, &cmrp_syntax, calls, n);
	/* A server that refuses the open with a fault may close the connection
	 * before the rest of the batch: its answer is what counts. */
	if (err && calls[0].done && calls[0].status)
		err = calls[0].status;
	if (!err) {
		err = session_finish_op(&calls[0], &o);
		if (host) {
			/* Best effort: without them reconnecting uses the name only. */
			if (session_finish_op(&calls[1], &e) == 0 && session_finish_op(&calls[2], &names) == 0)
				learn_nodes(s, &e, &names);
			if (n == 4 && session_finish_op(&calls[3], &v) == 0 && clusterd)
				*clusterd = is_clusterd(&v);
			cmrp_enum_out_free(&e);
			cmrp_cluster_name_out_free(&names);
			cmrp_version_out_free(&v);
			for (size_t i = 1; i < n; i++)
				free(calls[i].out);
		}
	}
	ndr_push_free(&req[0]);
	ndr_push_free(&req[1]);
	if (err)
		return err;
	if (o.status)
		return o.status;
	if (rpc_uuid_is_nil(&o.handle.uuid))
		return RPC_X_BAD_STUB_DATA;
	s->handle = o.handle;
	s->granted = o.granted;
	return ERROR_SUCCESS;
}

/* The one place that decides where the library connects (see clusapi.h). */
CLUSAPI_API DWORD ClusapiGetEndpointMapperPort(void)
{
	const char *env = getenv("CLUSAPI_EPMAPPER_PORT");
	if (env && *env) {
		char *end;
		unsigned long p = strtoul(env, &end, 10);
		if (!*end && p > 0 && p < 65536)
			return (DWORD)p;
	}
	return CLUSAPI_DEFAULT_EPMAPPER_PORT;
}

CLUSAPI_API const char *ClusapiGetLocalSocketPath(void)
{
	const char *path = getenv("CLUSAPI_LPC_SOCKET");
	return path && *path ? path : CLUSAPI_DEFAULT_LPC_SOCKET;
}

static void set_port(struct sockaddr *sa, uint16_t port)
{
	if (sa->sa_family == AF_INET)
		((struct sockaddr_in *)sa)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)sa)->sin6_port = htons(port);
}

/* Ask the endpoint mapper of one address for our port. */
static DWORD map_endpoint(struct sockaddr *sa, socklen_t len, uint16_t *port)
{
	struct rpc_client epm;
	rpc_client_init(&epm);
	set_port(sa, (uint16_t)ClusapiGetEndpointMapperPort());
	DWORD err = rpc_client_connect_addr(&epm, sa, len);
	if (!err)
		err = rpc_client_bind(&epm, &epm_syntax);
	if (!err)
		err = epm_client_map_tcp(&epm, &cmrp_syntax, port);
	rpc_client_close(&epm);
	return err;
}

/* Is this error about the place rather than about us?  Then another address
 * of the same name may do better. */
static bool try_next_address(DWORD err)
{
	return err == RPC_S_SERVER_UNAVAILABLE || err == EPT_S_NOT_REGISTERED || err == RPC_S_CALL_FAILED ||
	       err == RPC_S_PROTOCOL_ERROR || err == RPC_S_UNKNOWN_IF || err == ERROR_CLUSTER_NO_QUORUM;
}

/* Is this error one a remembered endpoint may have caused (the service moved
 * to another port, or is not clusterd any more)?  Then ask the mapper. */
static bool endpoint_stale(DWORD err)
{
	return err != ERROR_CLUSTER_NO_QUORUM && try_next_address(err);
}

/* Connect to addr:port and open the cluster there. */
static DWORD open_at(struct cluster_session *s, struct addrinfo *ai, uint16_t port, uint32_t desired,
		     const struct clusapi_creds *creds, const char *host, bool pipeline, bool *clusterd)
{
	set_port(ai->ai_addr, port);
	rpc_client_close(&s->rpc);
	rpc_client_init(&s->rpc);
	DWORD err = rpc_client_connect_addr(&s->rpc, ai->ai_addr, ai->ai_addrlen);
	return err ? err : open_on(s, desired, creds, host, pipeline, !pipeline, clusterd);
}

/* Open on one address: through the port remembered for it (in one round
 * trip with the bind when the peer is known to be clusterd), else, or when
 * that fails, through its endpoint mapper and the plain sequence. */
static DWORD open_address(struct cluster_session *s, struct addrinfo *ai, uint32_t desired,
			  const struct clusapi_creds *creds, const char *host)
{
	uint16_t mapper = (uint16_t)ClusapiGetEndpointMapperPort(), port = 0;
	bool known = false, clusterd = false;
	DWORD err;

	if (endpoints_get(ai->ai_addr, mapper, &port, &known)) {
		err = open_at(s, ai, port, desired, creds, host, known, &clusterd);
		if (!err || !endpoint_stale(err))
			return err;
		endpoints_drop(ai->ai_addr, mapper);
	}
	err = map_endpoint(ai->ai_addr, ai->ai_addrlen, &port);
	if (err)
		return err;
	endpoints_put(ai->ai_addr, mapper, port);
	err = open_at(s, ai, port, desired, creds, host, false, &clusterd);
	if (!err && clusterd)
		endpoints_mark_clusterd(ai->ai_addr, mapper, port);
	else if (err && endpoint_stale(err))
		endpoints_drop(ai->ai_addr, mapper);
	return err;
}

static DWORD open_remote(struct cluster_session *s, const char *name, uint32_t desired,
			 const struct clusapi_creds *creds)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_family = AF_UNSPEC };
	struct addrinfo *res = NULL;
	char host[256];
	size_t n = strlen(name);

	/* Accept "[v6]" as well as the bare literal. */
	if (n >= 2 && name[0] == '[' && name[n - 1] == ']' && n - 2 < sizeof(host)) {
		memcpy(host, name + 1, n - 2);
		host[n - 2] = 0;
	} else if (n < sizeof(host)) {
		memcpy(host, name, n + 1);
	} else {
		return RPC_S_INVALID_BINDING;
	}
	if (!*host)
		return RPC_S_INVALID_BINDING;
	/* An address literal needs no resolver (no /etc/hosts, nsswitch or
	 * gai.conf read per open), nor getaddrinfo's allocations: a plain IPv4
	 * or IPv6 literal is parsed here (one with a scope, "%eth0", goes to
	 * getaddrinfo as AI_NUMERICHOST); a name needs the resolver. */
	struct sockaddr_storage lit = { 0 };
	struct addrinfo lit_ai = { .ai_socktype = SOCK_STREAM, .ai_addr = (struct sockaddr *)&lit };
	struct sockaddr_in *sin = (struct sockaddr_in *)&lit;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&lit;
	struct addrinfo numeric = hints;
	numeric.ai_flags = AI_NUMERICHOST;
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		lit_ai.ai_family = sin->sin_family = AF_INET;
		lit_ai.ai_addrlen = sizeof(*sin);
	} else if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		lit_ai.ai_family = sin6->sin6_family = AF_INET6;
		lit_ai.ai_addrlen = sizeof(*sin6);
	} else if (getaddrinfo(host, NULL, &numeric, &res) != 0 && getaddrinfo(host, NULL, &hints, &res) != 0) {
		return RPC_S_SERVER_UNAVAILABLE;
	}
	struct addrinfo *list = res ? res : &lit_ai;

	DWORD err = RPC_S_SERVER_UNAVAILABLE, best = RPC_S_SERVER_UNAVAILABLE;
	for (struct addrinfo *ai = list; ai; ai = ai->ai_next) {
		if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6)
			continue;
		err = open_address(s, ai, desired, creds, host);
		/* Reconnecting away from a node that lost quorum: not there. */
		if (!err && s->avoid && s->node && strcasecmp(s->node, s->avoid) == 0)
			err = ERROR_CLUSTER_NO_QUORUM;
		if (!err || !try_next_address(err))
			break;
		/* "registered nowhere" says more than "nobody answered". */
		if (err == EPT_S_NOT_REGISTERED || best == RPC_S_SERVER_UNAVAILABLE)
			best = err;
	}
	if (res)
		freeaddrinfo(res);
	return (err && try_next_address(err)) ? best : err;
}

static DWORD open_local(struct cluster_session *s, uint32_t desired)
{
	/* The LPC socket is clusterd's: the bind travels with the open. */
	DWORD err = rpc_client_connect_unix(&s->rpc, ClusapiGetLocalSocketPath());
	return err ? err : open_on(s, desired, NULL, NULL, true, false, NULL);
}
/* Is the error about reaching the cluster (another node may answer) rather
 * than about us? */
static bool unreachable(DWORD err)
{
	return try_next_address(err) || err == RPC_S_SERVER_TOO_BUSY;
}

/* Open the cluster again on a new connection: through the name first, then
 * through every other node; the node we were on last.  Then reopen the
 * session's objects. */
static DWORD session_reconnect(struct cluster_session *s)
{
	struct rpc_ctx_handle old = s->handle;
	DWORD err;

	s->reconnecting = true;
	s->n_remap = 0;
	rpc_client_close(&s->rpc);
	rpc_client_init(&s->rpc);
	if (!s->target) {
		err = open_local(s, s->desired);
	} else {
		err = open_remote(s, s->target, s->desired, &s->creds);
		for (int pass = 0; pass < 2 && err && unreachable(err); pass++) {
			for (size_t i = 0; i < s->n_nodes && err && unreachable(err); i++) {
				bool current = s->node && strcasecmp(s->nodes[i], s->node) == 0;
				if (current != (pass == 1) || strcasecmp(s->nodes[i], s->target) == 0 ||
				    (s->avoid && strcasecmp(s->nodes[i], s->avoid) == 0))
					continue;
				rpc_client_close(&s->rpc);
				rpc_client_init(&s->rpc);
				err = open_remote(s, s->nodes[i], s->desired, &s->creds);
			}
		}
	}
	if (!err) {
		session_remap_add(s, &old, &s->handle);
		session_reopen_objects(s);
	} else {
		rpc_client_close(&s->rpc);
		rpc_client_init(&s->rpc);
	}
	s->reconnecting = false;
	return err;
}

/* OpenClusterEx with the credentials to use over TCP (NULL: the defaults). */
static HCLUSTER open_cluster(LPCWSTR lpszClusterName, DWORD DesiredAccess, DWORD *GrantedAccess,
			     const struct clusapi_creds *explicit_creds)
{
	char *name = NULL;
	struct clusapi_creds defaults = { 0 };
	DWORD err;

	if (GrantedAccess)
		*GrantedAccess = 0;
	if (DesiredAccess == 0) {
		werror_set_last(ERROR_INVALID_PARAMETER);
		return NULL;
	}
	if (lpszClusterName && !explicit_creds) {
		err = creds_default(&defaults);
		if (err) {
			werror_set_last(err);
			return NULL;
		}
	}
	if (lpszClusterName) {
		name = ClusapiWideToUtf8(lpszClusterName);
		if (!name)
			return NULL; /* last error set */
	}
	struct cluster_session *s = calloc(1, sizeof(*s));
	if (!s) {
		free(name);
		creds_free(&defaults);
		werror_set_last(ERROR_NOT_ENOUGH_MEMORY);
		return NULL;
	}
	pthread_mutex_init(&s->lock, NULL);
	rpc_client_init(&s->rpc);
	const struct clusapi_creds *creds = explicit_creds ? explicit_creds : &defaults;
	err = name ? open_remote(s, name, DesiredAccess, creds) : open_local(s, DesiredAccess);
	if (!err && name)
		err = creds_copy(&s->creds, creds);
	if (!err) {
		/* What reconnecting needs. */
		s->target = name;
		name = NULL;
		s->desired = DesiredAccess;
	}
	free(name);
	creds_free(&defaults);
	if (err) {
		session_destroy(s);
		werror_set_last(err);
		return NULL;
	}
	uintptr_t token = registry_add(s, KIND_CLUSTER, session_destroy);
	if (!token) {
		session_destroy(s);
		werror_set_last(ERROR_NOT_ENOUGH_MEMORY);
		return NULL;
	}
	if (GrantedAccess)
		*GrantedAccess = s->granted;
	werror_set_last(ERROR_SUCCESS);
	return (HCLUSTER)token;
}

CLUSAPI_API HCLUSTER OpenClusterEx(LPCWSTR lpszClusterName, DWORD DesiredAccess, DWORD *GrantedAccess)
{
	return open_cluster(lpszClusterName, DesiredAccess, GrantedAccess, NULL);
}

CLUSAPI_API HCLUSTER ClusapiOpenClusterWithCredentials(LPCWSTR lpszClusterName, LPCWSTR lpszUser,
						       LPCWSTR lpszPassword, DWORD DesiredAccess, DWORD *GrantedAccess)
{
	struct clusapi_creds creds;
	DWORD err;

	if (GrantedAccess)
		*GrantedAccess = 0;
	/* LPC callers are who the kernel says they are. */
	if (!lpszClusterName) {
		werror_set_last(ERROR_INVALID_PARAMETER);
		return NULL;
	}
	err = creds_explicit(&creds, lpszUser, lpszPassword);
	if (err) {
		werror_set_last(err);
		return NULL;
	}
	HCLUSTER h = open_cluster(lpszClusterName, DesiredAccess, GrantedAccess, &creds);
	creds_free(&creds);
	return h;
}

CLUSAPI_API HCLUSTER OpenCluster(LPCWSTR lpszClusterName)
{
	return OpenClusterEx(lpszClusterName, GENERIC_ALL, NULL);
}

CLUSAPI_API BOOL CloseCluster(HCLUSTER hCluster)
{
	uintptr_t token = (uintptr_t)hCluster;
	struct cluster_session *s = registry_take(token, KIND_CLUSTER);
	if (!s) {
		werror_set_last(ERROR_INVALID_HANDLE);
		return FALSE;
	}
	pthread_mutex_lock(&s->lock);
	struct cmrp_handle_in r = { s->handle };
	struct ndr_push req;
	/*
	 * The close is the connection's last call: it is sent and the
	 * connection closed without waiting for the answer, which could only
	 * be success for a handle we hold (closing the connection runs down
	 * whatever is left of it on the server anyway).  A connection already
	 * broken is RPC_S_SERVER_UNAVAILABLE, as before.
	 */
	DWORD err = RPC_S_SERVER_UNAVAILABLE;
	if (!session_encode(CMRP_CLOSE_CLUSTER, &r, &req))
		err = ERROR_NOT_ENOUGH_MEMORY;
	else if (s->rpc.bound)
		err = rpc_client_send_last(&s->rpc, CMRP_CLOSE_CLUSTER, req.data, req.len);
	ndr_push_free(&req);
	rpc_client_close(&s->rpc);
	pthread_mutex_unlock(&s->lock);
	registry_put(token);
	werror_set_last(err);
	return err == ERROR_SUCCESS;
}

DWORD session_copy_out(const struct cmrp_string *src, LPWSTR buf, LPDWORD cch)
{
	if (!cch)
		return ERROR_INVALID_PARAMETER;
	DWORD have = *cch;
	*cch = (DWORD)src->units;
	if (!buf)
		return ERROR_SUCCESS; /* a length query */
	if (have <= src->units)
		return ERROR_MORE_DATA;
	memcpy(buf, src->s, src->units * sizeof(WCHAR));
	buf[src->units] = 0;
	return ERROR_SUCCESS;
}

static void copy_fixed(WCHAR *dst, size_t cap, const struct cmrp_string *src)
{
	size_t n = src->s ? (src->units < cap - 1 ? src->units : cap - 1) : 0;
	if (n)
		memcpy(dst, src->s, n * sizeof(WCHAR));
	dst[n] = 0;
}

static DWORD names_result(DWORD err, struct cmrp_cluster_name_out *o)
{
	if (!err && o->result)
		err = o->result;
	if (!err && (!o->cluster.s || !o->node.s))
		err = RPC_X_BAD_STUB_DATA;
	if (err)
		cmrp_cluster_name_out_free(o);
	return err;
}

static DWORD version_result(DWORD err, struct cmrp_version_out *v, LPCLUSTERVERSIONINFO info)
{
	if (!err && v->result)
		err = v->result;
	if (!err) {
		info->MajorVersion = v->major;
		info->MinorVersion = v->minor;
		info->BuildNumber = v->build;
		copy_fixed(info->szVendorId, 64, &v->vendor);
		copy_fixed(info->szCSDVersion, 64, &v->csd);
		info->dwClusterHighestVersion = v->highest;
		info->dwClusterLowestVersion = v->lowest;
		info->dwFlags = v->flags;
		info->dwReserved = 0;
	}
	cmrp_version_out_free(v);
	return err;
}

/* GetClusterName, and GetClusterVersion2 when info is wanted: both in one round
 * trip when the server takes concurrent calls. */
static DWORD get_names_version(struct cluster_session *s, struct cmrp_cluster_name_out *names,
			       LPCLUSTERVERSIONINFO info)
{
	struct rpc_call calls[2] = { { .opnum = CMRP_GET_CLUSTER_NAME }, { .opnum = CMRP_GET_CLUSTER_VERSION2 } };
	struct cmrp_version_out v = { 0 };

	memset(names, 0, sizeof(*names));
	/* Two reads without handles: after a reconnect they are simply sent
	 * again. */
	DWORD err = s->rpc.bound ? rpc_client_call_many(&s->rpc, calls, info ? 2 : 1) : RPC_S_SERVER_UNAVAILABLE;
	if (err && !s->rpc.bound && s->desired && !s->reconnecting) {
		DWORD rerr = session_reconnect(s);
		if (rerr)
			return rerr;
		err = rpc_client_call_many(&s->rpc, calls, info ? 2 : 1);
	}
	if (err)
		return err;
	DWORD name_err = names_result(session_finish_op(&calls[0], names), names);
	if (!info)
		return name_err;
	DWORD ver_err = version_result(session_finish_op(&calls[1], &v), &v, info);
	if (name_err)
		return name_err;
	if (ver_err)
		cmrp_cluster_name_out_free(names);
	return ver_err;
}

/* Run fn on the session behind a handle, under its lock. */
static DWORD with_session(HCLUSTER h, DWORD (*fn)(struct cluster_session *s, void *arg), void *arg)
{
	uintptr_t token = (uintptr_t)h;
	struct cluster_session *s = registry_get(token, KIND_CLUSTER);
	if (!s)
		return ERROR_INVALID_HANDLE;
	pthread_mutex_lock(&s->lock);
	DWORD err = fn(s, arg);
	pthread_mutex_unlock(&s->lock);
	registry_put(token);
	return err;
}

struct info_args {
	LPWSTR name;
	LPDWORD cch;
	LPCLUSTERVERSIONINFO info;
	bool node; /* the node name instead of the cluster's */
};

static DWORD info_fn(struct cluster_session *s, void *arg)
{
	struct info_args *a = arg;
	struct cmrp_cluster_name_out names;
	DWORD err = get_names_version(s, &names, a->info);
	if (err)
		return err;
	err = session_copy_out(a->node ? &names.node : &names.cluster, a->name, a->cch);
	cmrp_cluster_name_out_free(&names);
	return err;
}

CLUSAPI_API DWORD GetClusterInformation(HCLUSTER hCluster, LPWSTR lpszClusterName, LPDWORD lpcchClusterName,
					LPCLUSTERVERSIONINFO lpClusterInfo)
{
	if (!lpcchClusterName || (lpClusterInfo && lpClusterInfo->dwVersionInfoSize < sizeof(CLUSTERVERSIONINFO)))
		return ERROR_INVALID_PARAMETER;
	struct info_args a = { lpszClusterName, lpcchClusterName, lpClusterInfo, false };
	return with_session(hCluster, info_fn, &a);
}

CLUSAPI_API DWORD ClusapiGetConnectedNodeName(HCLUSTER hCluster, LPWSTR lpszNodeName, LPDWORD lpcchNodeName)
{
	if (!lpcchNodeName)
		return ERROR_INVALID_PARAMETER;
	struct info_args a = { lpszNodeName, lpcchNodeName, NULL, true };
	return with_session(hCluster, info_fn, &a);
}

struct rename_args {
	LPCWSTR name;
};

static DWORD rename_fn(struct cluster_session *s, void *arg)
{
	struct rename_args *a = arg;
	const uint16_t *w = (const uint16_t *)a->name;
	size_t units = utf16_len(w);
	if (units == 0 || units >= CMRP_MAX_NAME_UNITS)
		return ERROR_INVALID_NAME;
	/* The server checks the handle's access, but a read-only handle should
	 * fail the same way even against a lenient server. */
	if (s->granted != GENERIC_ALL)
		return ERROR_ACCESS_DENIED;
	struct cmrp_name_in r = { .name = { (uint16_t *)w, units } };
	struct cmrp_status_result_out o;
	DWORD err = session_op(s, CMRP_SET_CLUSTER_NAME, &r, &o);
	return err ? err : o.result;
}

CLUSAPI_API DWORD SetClusterName(HCLUSTER hCluster, LPCWSTR lpszNewClusterName)
{
	if (!lpszNewClusterName)
		return ERROR_INVALID_PARAMETER;
	struct rename_args a = { lpszNewClusterName };
	return with_session(hCluster, rename_fn, &a);
}

static DWORD granted_fn(struct cluster_session *s, void *arg)
{
	*(uint32_t *)arg = s->granted;
	return ERROR_SUCCESS;
}

CLUSAPI_API DWORD ClusapiGetGrantedAccess(HCLUSTER hCluster)
{
	uint32_t granted = 0;
	DWORD err = with_session(hCluster, granted_fn, &granted);
	werror_set_last(err);
	return err ? 0 : granted;
}

HCLUSTER session_open_like(HCLUSTER h, DWORD *err)
{
	struct clusapi_creds creds = { 0 };
	char *target = NULL;
	DWORD desired;

	struct cluster_session *s = registry_get((uintptr_t)h, KIND_CLUSTER);
	if (!s) {
		*err = ERROR_INVALID_HANDLE;
		return NULL;
	}
	pthread_mutex_lock(&s->lock);
	desired = s->desired;
	*err = ERROR_SUCCESS;
	if (s->target && !(target = strdup(s->target)))
		*err = ERROR_NOT_ENOUGH_MEMORY;
	if (!*err && s->target)
		*err = creds_copy(&creds, &s->creds);
	pthread_mutex_unlock(&s->lock);
	registry_put((uintptr_t)h);

	HCLUSTER again = NULL;
	LPWSTR wide = NULL;
	if (!*err && target && !(wide = ClusapiUtf8ToWide(target)))
		*err = GetLastError();
	if (!*err) {
		again = open_cluster(wide, desired, NULL, target ? &creds : NULL);
		if (!again)
			*err = GetLastError();
	}
	free(wide);
	free(target);
	creds_free(&creds);
	return again;
}

DWORD session_call(HCLUSTER h, uint16_t opnum, const void *in, void *out)
{
	struct cluster_session *s = registry_get((uintptr_t)h, KIND_CLUSTER);
	if (!s) {
		memset(out, 0, cmrp_op(opnum)->out->size);
		return ERROR_INVALID_HANDLE;
	}
	pthread_mutex_lock(&s->lock);
	DWORD err = session_op(s, opnum, in, out);
	pthread_mutex_unlock(&s->lock);
	registry_put((uintptr_t)h);
	return err;
}

struct cluster_session *session_get(HCLUSTER h)
{
	return registry_get((uintptr_t)h, KIND_CLUSTER);
}

void session_put(HCLUSTER h)
{
	registry_put((uintptr_t)h);
}
