/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The endpoint mapper (DCE/RPC interface e1af8308-5d1f-11c9-91a4-08002b14a0fa
 * v3.0): towers, the server side of the whole interface for the interfaces
 * this process serves (ept_lookup and ept_map with their entry handles,
 * ept_lookup_handle_free; ept_insert and ept_delete refused, since every
 * caller comes over TCP), and the client side of ept_map.
 */
#ifndef RPC_EPM_H
#define RPC_EPM_H

#include <stdbool.h>
#include <stdint.h>

#include "client.h"
#include "server.h"

/* The interface's operations (C706 appendix O; MS-RPCE 2.2.1.2). */
#define EPM_OP_INSERT 0
#define EPM_OP_DELETE 1
#define EPM_OP_LOOKUP 2
#define EPM_OP_MAP 3
#define EPM_OP_LOOKUP_HANDLE_FREE 4
#define EPM_OP_INQ_OBJECT 5
#define EPM_OP_MGMT_DELETE 6
#define EPM_OP_MAP_AUTH 7

/* ept_lookup inquiry_type. */
#define EPM_INQ_ALL 0
#define EPM_INQ_BY_IF 1
#define EPM_INQ_BY_OBJ 2
#define EPM_INQ_BY_BOTH 3
/* ept_lookup vers_option. */
#define EPM_VERS_ALL 1
#define EPM_VERS_COMPATIBLE 2
#define EPM_VERS_EXACT 3
#define EPM_VERS_MAJOR_ONLY 4
#define EPM_VERS_UPTO 5

/* The status word of the calls (error_status_t). */
#define EPM_STATUS_OK 0u
#define EPM_STATUS_NO_MORE 0x16c9a0d6u   /* ept_s_not_registered: no (more) elements */
#define EPM_STATUS_CANT_PERFORM 0x6d8u   /* EPT_S_CANT_PERFORM_OP, as Windows sends it */
/* A count beyond MIDL's range(0,500) is a fault with this status. */
#define EPM_FAULT_INVALID_BOUND 0x6c6u   /* RPC_S_INVALID_BOUND */

/* Tower protocol identifiers (C706 appendix I). */
#define EPM_PROT_UUID 0x0d
#define EPM_PROT_NCACN 0x0b
#define EPM_PROT_TCP 0x07
#define EPM_PROT_IP 0x09

#define EPM_MAX_ENTRIES 8
#define EPM_MAX_TOWER 1024
/* max_ents and max_towers: MS-RPCE declares them [range(0,500)]. */
#define EPM_MAX_RESULTS 500
/* Searches one connection may leave open (entry handles); more are refused
 * with EPT_S_CANT_PERFORM_OP, and all go when the connection does. */
#define EPM_MAX_HANDLES 16

extern const struct rpc_syntax epm_syntax;

struct epm_entry {
	struct rpc_syntax iface;
	struct rpc_uuid object; /* nil: the interface, for any object */
	uint16_t tcp_port;
	uint32_t ipv4;          /* host order; 0: the address the client reached the mapper on */
	char annotation[64];
};

/* A search in progress (an entry handle). */
struct epm_search {
	bool used;
	uint16_t opnum;     /* ept_lookup or ept_map: a handle continues its own kind */
	uint32_t next;      /* index in the registry where the search goes on */
	struct rpc_uuid id; /* the handle's UUID (random) */
};

/* What the mapper keeps per connection. */
struct epm_conn {
	uint32_t local_ipv4; /* host order: the connection's own address, 0 unknown */
	struct epm_search searches[EPM_MAX_HANDLES];
};

/* What the mapper knows; the server process fills it. */
struct epm_registry {
	struct epm_entry entries[EPM_MAX_ENTRIES];
	size_t n;
	/* The state of the connection whose call is served (conn_user is what
	 * rpc_srv_conn_init() was given); NULL, or NULL returned: `shared`. */
	struct epm_conn *(*conn_of)(void *conn_user);
	struct epm_conn shared;
};

/* Add an entry (false when the registry is full). */
bool epm_registry_add(struct epm_registry *reg, const struct rpc_syntax *iface, uint16_t tcp_port, uint32_t ipv4,
		      const char *annotation);

void epm_conn_init(struct epm_conn *c, uint32_t local_ipv4);
/* Forget the connection's searches (rundown). */
void epm_conn_free(struct epm_conn *c);
/* Searches open on a connection. */
size_t epm_conn_searches(const struct epm_conn *c);

/* A decoded tower: the fields we use. */
struct epm_tower {
	struct rpc_syntax iface;
	struct rpc_syntax transfer;
	uint8_t rpc_protocol; /* 0x0b connection-oriented */
	uint8_t transport;    /* 0x07 TCP */
	uint16_t port;
	uint32_t ipv4;        /* host order */
};

bool epm_tower_encode(struct ndr_push *p, const struct epm_tower *t);
int epm_tower_decode(const uint8_t *buf, size_t len, struct epm_tower *t);

/* The server interface; iface->ctx must point at a struct epm_registry. */
void epm_server_iface(struct rpc_server_iface *iface, struct epm_registry *reg);

/* ept_map over a bound association: the TCP port of `iface` on that host.
 * EPT_S_NOT_REGISTERED when the mapper does not know it. */
DWORD epm_client_map_tcp(struct rpc_client *c, const struct rpc_syntax *iface, uint16_t *port);

#endif
