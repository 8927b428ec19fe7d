/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Connection-oriented DCE/RPC PDUs (C706 chapter 12, MS-RPCE 2.2.2): decoding
 * with every length checked against the bytes present, and encoding.  A PDU is
 * always encoded into its own ndr_push, starting at offset 0.
 */
#ifndef RPC_PDU_H
#define RPC_PDU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ndr.h"

enum rpc_ptype {
	RPC_PTYPE_REQUEST = 0,
	RPC_PTYPE_PING = 1,
	RPC_PTYPE_RESPONSE = 2,
	RPC_PTYPE_FAULT = 3,
	RPC_PTYPE_BIND = 11,
	RPC_PTYPE_BIND_ACK = 12,
	RPC_PTYPE_BIND_NAK = 13,
	RPC_PTYPE_ALTER_CONTEXT = 14,
	RPC_PTYPE_ALTER_CONTEXT_RESP = 15,
	RPC_PTYPE_AUTH3 = 16,
	RPC_PTYPE_SHUTDOWN = 17,
	RPC_PTYPE_CO_CANCEL = 18,
	RPC_PTYPE_ORPHANED = 19,
};

#define RPC_PFC_FIRST_FRAG 0x01
#define RPC_PFC_LAST_FRAG 0x02
#define RPC_PFC_PENDING_CANCEL 0x04
#define RPC_PFC_SUPPORT_HEADER_SIGN 0x04
#define RPC_PFC_CONC_MPX 0x10
#define RPC_PFC_DID_NOT_EXECUTE 0x20
#define RPC_PFC_MAYBE 0x40
#define RPC_PFC_OBJECT_UUID 0x80

#define RPC_HDR_LEN 16
#define RPC_REQUEST_HDR_LEN 24
#define RPC_RESPONSE_HDR_LEN 24
#define RPC_AUTH_TRAILER_LEN 8
/* MS-RPCE: no peer may negotiate fragments smaller than this. */
#define RPC_MIN_FRAG 1432
/* What we offer and accept by default (as Windows and Samba do). */
#define RPC_DEFAULT_FRAG 5840
#define RPC_MAX_FRAG 65535

#define RPC_MAX_CONTEXTS 8
#define RPC_MAX_TRANSFER 4

/* bind_ack per-context results */
#define RPC_RESULT_ACCEPT 0
#define RPC_RESULT_USER_REJECT 1
#define RPC_RESULT_PROVIDER_REJECT 2
#define RPC_RESULT_NEGOTIATE_ACK 3
#define RPC_REASON_NOT_SPECIFIED 0
#define RPC_REASON_ABSTRACT_NOT_SUPPORTED 1
#define RPC_REASON_TRANSFER_NOT_SUPPORTED 2

/* bind_nak reasons */
#define RPC_NAK_NOT_SPECIFIED 0
#define RPC_NAK_TEMPORARY_CONGESTION 1
#define RPC_NAK_LOCAL_LIMIT_EXCEEDED 2
#define RPC_NAK_PROTOCOL_VERSION_NOT_SUPPORTED 4
#define RPC_NAK_AUTH_TYPE_NOT_RECOGNIZED 8
#define RPC_NAK_INVALID_CHECKSUM 9

struct rpc_hdr {
	uint8_t rpc_vers;
	uint8_t rpc_vers_minor;
	uint8_t ptype;
	uint8_t pfc_flags;
	uint8_t drep[4];
	uint16_t frag_length;
	uint16_t auth_length;
	uint32_t call_id;
};

struct rpc_syntax {
	struct rpc_uuid uuid;
	uint16_t major;
	uint16_t minor;
};

struct rpc_pres_ctx {
	uint16_t ctx_id;
	uint8_t n_transfer;
	struct rpc_syntax abstract;
	struct rpc_syntax transfer[RPC_MAX_TRANSFER];
};

struct rpc_auth_trailer {
	uint8_t auth_type;
	uint8_t auth_level;
	uint8_t auth_pad_length;
	uint32_t auth_context_id;
	const uint8_t *value;
	size_t value_len;
};

/* bind and alter_context */
struct rpc_bind {
	uint16_t max_xmit_frag;
	uint16_t max_recv_frag;
	uint32_t assoc_group_id;
	bool conc_mpx; /* PFC_CONC_MPX in the header */
	uint8_t n_ctx;
	struct rpc_pres_ctx ctx[RPC_MAX_CONTEXTS];
	bool hdr_sign; /* PFC_SUPPORT_HEADER_SIGN in the header */
	bool has_auth;
	struct rpc_auth_trailer auth;
};

struct rpc_ctx_result {
	uint16_t result;
	uint16_t reason;
	struct rpc_syntax transfer;
};

/* bind_ack and alter_context_resp */
struct rpc_bind_ack {
	uint16_t max_xmit_frag;
	uint16_t max_recv_frag;
	uint32_t assoc_group_id;
	char sec_addr[16]; /* port as ASCII; empty in alter_context_resp */
	uint8_t n_results;
	struct rpc_ctx_result results[RPC_MAX_CONTEXTS];
};

struct rpc_request {
	uint32_t alloc_hint;
	uint16_t ctx_id;
	uint16_t opnum;
	bool has_object;
	struct rpc_uuid object;
	const uint8_t *stub;
	size_t stub_len;
	bool has_auth;
	struct rpc_auth_trailer auth;
};

struct rpc_response {
	uint32_t alloc_hint;
	uint16_t ctx_id;
	uint8_t cancel_count;
	const uint8_t *stub;
	size_t stub_len;
	bool has_auth;
	struct rpc_auth_trailer auth;
};

struct rpc_fault {
	uint32_t alloc_hint;
	uint16_t ctx_id;
	uint8_t cancel_count;
	uint32_t status;
};

/* The well-known syntaxes. */
extern const struct rpc_syntax rpc_syntax_ndr;  /* 8a885d04-1ceb-11c9-9fe8-08002b104860 v2 */
/* Bind-time feature negotiation prefix 6cb71c2c-9812-4540-... (v1.0). */
bool rpc_syntax_is_btfn(const struct rpc_syntax *s, uint64_t *features);
#define RPC_BTFN_SEC_CTX_MULTIPLEX 0x01
#define RPC_BTFN_KEEP_ON_ORPHAN 0x02
void rpc_syntax_btfn(struct rpc_syntax *s, uint64_t features);
bool rpc_syntax_equal(const struct rpc_syntax *a, const struct rpc_syntax *b);
/* A syntax id (uuid, then the 32-bit version: major in the low half) in the
 * byte order ndr was set up with. */
bool rpc_syntax_pull(struct ndr_pull *ndr, struct rpc_syntax *s);

/* Header: needs RPC_HDR_LEN bytes.  0 when valid, -1 otherwise (bad version,
 * unknown data representation, frag_length below the header size, auth_length
 * that does not fit). */
int rpc_hdr_decode(const uint8_t *buf, size_t len, struct rpc_hdr *h);
static inline bool rpc_hdr_big_endian(const struct rpc_hdr *h)
{
	return (h->drep[0] & 0xf0) == 0x00;
}

/* Bodies: pdu points at the whole PDU of h->frag_length bytes (already checked
 * to be present).  0 or -1. */
int rpc_bind_decode(const uint8_t *pdu, const struct rpc_hdr *h, struct rpc_bind *b);
int rpc_bind_ack_decode(const uint8_t *pdu, const struct rpc_hdr *h, struct rpc_bind_ack *a);
int rpc_bind_nak_decode(const uint8_t *pdu, const struct rpc_hdr *h, uint16_t *reason);
int rpc_request_decode(const uint8_t *pdu, const struct rpc_hdr *h, struct rpc_request *r);
int rpc_response_decode(const uint8_t *pdu, const struct rpc_hdr *h, struct rpc_response *r);
int rpc_fault_decode(const uint8_t *pdu, const struct rpc_hdr *h, struct rpc_fault *f);
/* The auth trailer of a PDU with auth_length > 0 (bind, auth3, request...). */
int rpc_auth_trailer_decode(const uint8_t *pdu, const struct rpc_hdr *h, struct rpc_auth_trailer *a);

/* Cutting a stub into request or response fragments that fit max_frag: each
 * non-last fragment carries a multiple of 8 stub bytes; an empty stub is one
 * fragment. */
struct rpc_frag_iter {
	const uint8_t *stub;
	size_t len;
	size_t off;
	size_t chunk;
	bool done;
};
void rpc_frag_iter_init(struct rpc_frag_iter *it, const uint8_t *stub, size_t len, uint16_t max_frag, size_t hdr_len);
/* The next fragment: its flags (FIRST/LAST), alloc_hint (bytes left) and
 * bytes; false when there are no more. */
bool rpc_frag_next(struct rpc_frag_iter *it, uint8_t *flags, uint32_t *alloc_hint, const uint8_t **p, size_t *n);

/* Encoders: each writes one whole PDU into a fresh push.  false on failure. */
bool rpc_bind_encode(struct ndr_push *p, uint8_t ptype, uint32_t call_id, const struct rpc_bind *b);
bool rpc_bind_ack_encode(struct ndr_push *p, uint8_t ptype, uint8_t flags, uint32_t call_id,
			 const struct rpc_bind_ack *a);
bool rpc_bind_nak_encode(struct ndr_push *p, uint32_t call_id, uint16_t reason);
bool rpc_request_encode(struct ndr_push *p, uint8_t flags, uint32_t call_id, uint32_t alloc_hint,
			uint16_t ctx_id, uint16_t opnum, const uint8_t *stub, size_t stub_len);
bool rpc_response_encode(struct ndr_push *p, uint8_t flags, uint32_t call_id, uint32_t alloc_hint,
			 uint16_t ctx_id, const uint8_t *stub, size_t stub_len);
bool rpc_fault_encode(struct ndr_push *p, uint8_t flags, uint32_t call_id, uint16_t ctx_id, uint32_t status);
bool rpc_shutdown_encode(struct ndr_push *p, uint32_t call_id);
bool rpc_simple_encode(struct ndr_push *p, uint8_t ptype, uint8_t flags, uint32_t call_id);
/* auth3: the header, 4 bytes of padding, then the auth trailer. */
bool rpc_auth3_encode(struct ndr_push *p, uint32_t call_id, const struct rpc_auth_trailer *a);
/*
 * Append an auth trailer to a PDU just encoded in p: pad zero bytes (counted
 * in auth_pad_length), the 8-byte sec_trailer, then a->value_len bytes of
 * a->value (zeros when a->value is NULL: room for a signature filled in
 * later).  frag_length and auth_length are patched.  Returns false when the
 * PDU would be too long.
 */
bool rpc_pdu_add_auth(struct ndr_push *p, const struct rpc_auth_trailer *a, uint8_t pad);

#endif
