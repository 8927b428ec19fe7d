/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One connection's security context as the PDU engines (server.c, client.c)
 * use it: which provider, at what level, and the protection of request and
 * response fragments (MS-RPCE 2.2.2.11, 3.3.1.5.2.2): the stub padded to
 * RPC_AUTH_PAD_ALIGN, the sec_trailer, the verifier, each fragment signed or
 * sealed on its own, in the order sent.
 */
#ifndef RPC_SEC_H
#define RPC_SEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth.h"
#include "ndr.h"
#include "pdu.h"

struct rpc_sec {
	struct rpc_auth auth; /* ops == NULL: no security context */
	uint8_t type;         /* auth_type */
	uint8_t level;        /* auth_level */
	uint32_t context_id;  /* auth_context_id */
	bool hdr_sign;        /* PFC_SUPPORT_HEADER_SIGN negotiated */
};

/* Whether fragments carry a verifier (PKT_CALL and up). */
bool rpc_sec_protects(const struct rpc_sec *s);
/* The trailer of this context with the given value (NULL: room only). */
struct rpc_auth_trailer rpc_sec_trailer(const struct rpc_sec *s, const uint8_t *value, size_t len);
/* Whether a received trailer belongs to this context. */
bool rpc_sec_matches(const struct rpc_sec *s, const struct rpc_auth_trailer *a);

/* Start cutting a stub into fragments of at most max_frag bytes whose
 * header is hdr_len: with protection, room is left for the padding, the
 * trailer and the verifier (*sig_size), and every fragment but the last
 * carries a multiple of the pad alignment.  false when the provider's
 * verifier would not fit. */
bool rpc_sec_frag_init(struct rpc_sec *s, struct rpc_frag_iter *it, const uint8_t *stub, size_t len,
		       uint16_t max_frag, size_t hdr_len, size_t *sig_size);
/* Pad, append the trailer and sign or seal the fragment just encoded in p
 * (n stub bytes after hdr_len).  false on failure. */
bool rpc_sec_protect(struct rpc_sec *s, struct ndr_push *p, size_t hdr_len, size_t n, size_t sig_size);
/* Verify, or unseal in place, a received fragment whose stub (with its
 * padding: data_len bytes) starts at data_off and whose trailer is a.  false
 * for a bad, replayed or reordered one. */
bool rpc_sec_check(struct rpc_sec *s, uint8_t *pdu, const struct rpc_hdr *h, size_t data_off, size_t data_len,
		   const struct rpc_auth_trailer *a);

#endif
