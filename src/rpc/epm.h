/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The endpoint mapper (DCE/RPC interface e1af8308-5d1f-11c9-91a4-08002b14a0fa
 * v3.0): towers, the server side of ept_map and ept_lookup for the interfaces
 * this process serves, and the client side of ept_map.
 */
#ifndef RPC_EPM_H
#define RPC_EPM_H

#include <stdbool.h>
#include <stdint.h>

#include "client.h"
#include "server.h"

#define EPM_OP_LOOKUP 2
#define EPM_OP_MAP 3

/* Tower protocol identifiers (C706 appendix I). */
#define EPM_PROT_UUID 0x0d
#define EPM_PROT_NCACN 0x0b
#define EPM_PROT_TCP 0x07
#define EPM_PROT_IP 0x09

#define EPM_MAX_ENTRIES 8
#define EPM_MAX_TOWER 1024

extern const struct rpc_syntax epm_syntax;

struct epm_entry {
	struct rpc_syntax iface;
	uint16_t tcp_port;
	char annotation[64];
};

/* What the mapper knows; the server process fills it. */
struct epm_registry {
	struct epm_entry entries[EPM_MAX_ENTRIES];
	size_t n;
};

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
