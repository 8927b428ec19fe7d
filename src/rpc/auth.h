/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * DCE/RPC connection security (MS-RPCE 2.2.1.1.7-8, 3.3.1.5.2): one small
 * interface that every security provider implements (NTLMSSP, Kerberos through
 * GSSAPI, SPNEGO choosing between them), so the PDU engines (server.c,
 * client.c) know nothing of any one mechanism.
 *
 * A provider context is created for one connection and one side (client or
 * server) and driven by legs: each leg takes the peer's token (empty for the
 * client's first) and may produce a token to send.  Once established it
 * protects PDUs: `sign` and `seal` make the auth value (the verifier) of a PDU
 * that is otherwise complete, `verify` and `unseal` check one.
 *
 * The PDU layout the protecting functions see (MS-RPCE 2.2.2.11, 3.3.1.5.2.2):
 *
 *   pdu[0 .. data_off)                      header and request/response body
 *   pdu[data_off .. data_off + data_len)    stub and its auth padding (sealed)
 *   pdu[data_off + data_len .. pdu_len)     the 8-byte sec_trailer
 *   (the auth value follows: sig, sig_len bytes)
 *
 * hdr_sign says PFC_SUPPORT_HEADER_SIGN was negotiated: a provider that signs
 * only the stub by default (GSSAPI) then signs the header and trailer too.
 * NTLMSSP always signs the whole PDU.
 */
#ifndef RPC_AUTH_H
#define RPC_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* auth_type (RPC_C_AUTHN_*) */
#define RPC_AUTHN_NONE 0
#define RPC_AUTHN_GSS_NEGOTIATE 9 /* SPNEGO */
#define RPC_AUTHN_WINNT 10        /* NTLMSSP */
#define RPC_AUTHN_GSS_KERBEROS 16

/* auth_level (RPC_C_AUTHN_LEVEL_*) */
#define RPC_AUTHN_LEVEL_DEFAULT 0
#define RPC_AUTHN_LEVEL_NONE 1
#define RPC_AUTHN_LEVEL_CONNECT 2
#define RPC_AUTHN_LEVEL_CALL 3
#define RPC_AUTHN_LEVEL_PKT 4
#define RPC_AUTHN_LEVEL_PKT_INTEGRITY 5
#define RPC_AUTHN_LEVEL_PKT_PRIVACY 6

/* The stub is padded so that the sec_trailer starts at a multiple of this
 * from the start of the stub (as Windows and Samba do). */
#define RPC_AUTH_PAD_ALIGN 16
/* No token or verifier we accept is longer. */
#define RPC_AUTH_MAX_TOKEN 65535

/* step() result when another leg is needed (not a Windows error code). */
#define RPC_AUTH_CONTINUE 0xfffffffeu

/* The caller's identity after a server context is established. */
struct rpc_auth_peer {
	uint8_t auth_type;   /* the mechanism finally used (NTLMSSP or Kerberos under SPNEGO) */
	char name[256];      /* NTLMSSP: the account name; Kerberos: the principal, user@REALM */
	char domain[128];    /* NTLMSSP: the domain the client named (may be empty) */
	char local_name[128]; /* Kerberos: krb5_aname_to_localname() result, or empty */
};

struct rpc_auth_ops {
	uint8_t auth_type;
	const char *name; /* "NTLMSSP", "Kerberos", "SPNEGO" */
	/*
	 * One leg.  in/in_len: the peer's token (NULL and 0 for the client's first
	 * leg).  *out and *out_len: a malloc'd token to send (NULL and 0 when there is
	 * nothing to send).  Returns 0 when the context is now established,
	 * RPC_AUTH_CONTINUE when the peer must answer, or a Windows error
	 * (ERROR_ACCESS_DENIED for a failed logon, ERROR_INVALID_DATA for a
	 * malformed token, SEC_E_* style codes mapped onto those two).
	 */
	uint32_t (*step)(void *st, const uint8_t *in, size_t in_len, uint8_t **out, size_t *out_len);
	/* Length of the auth value that protects data_len bytes of stub+pad. */
	size_t (*sig_size)(void *st, size_t data_len);
	/* Sign pdu (and for seal: encrypt the data part in place); sig has room
	 * for sig_size() bytes and *sig_len says how many were written.  0 or a
	 * Windows error. */
	uint32_t (*sign)(void *st, const uint8_t *pdu, size_t pdu_len, size_t data_off, size_t data_len, bool hdr_sign,
			 uint8_t *sig, size_t *sig_len);
	uint32_t (*seal)(void *st, uint8_t *pdu, size_t pdu_len, size_t data_off, size_t data_len, bool hdr_sign,
			 uint8_t *sig, size_t *sig_len);
	/* Check (and for unseal: decrypt in place first).  ERROR_ACCESS_DENIED
	 * for a bad signature, a replay or a message out of sequence. */
	uint32_t (*verify)(void *st, const uint8_t *pdu, size_t pdu_len, size_t data_off, size_t data_len, bool hdr_sign,
			   const uint8_t *sig, size_t sig_len);
	uint32_t (*unseal)(void *st, uint8_t *pdu, size_t pdu_len, size_t data_off, size_t data_len, bool hdr_sign,
			   const uint8_t *sig, size_t sig_len);
	/* Server side, after establishment: who the caller is.  0 or an error. */
	uint32_t (*peer)(void *st, struct rpc_auth_peer *out);
	void (*free)(void *st);
};

/* One security context: a provider and its state. */
struct rpc_auth {
	const struct rpc_auth_ops *ops;
	void *st;
};

static inline void rpc_auth_free(struct rpc_auth *a)
{
	if (a->ops && a->st)
		a->ops->free(a->st);
	a->ops = NULL;
	a->st = NULL;
}

/*
 * Server side: what a server offers.  The engine calls start() when a bind
 * (or alter_context) first carries an auth trailer of some auth_type; the
 * callback creates a server context for it, or returns an error
 * (ERROR_NOT_SUPPORTED for an unknown type: bind_nak "authentication type not
 * recognized").
 */
typedef uint32_t (*rpc_auth_server_start_fn)(void *arg, uint8_t auth_type, struct rpc_auth *out);

/* Client credentials, for the client-side providers. */
struct rpc_auth_client_creds {
	const char *user;     /* NTLMSSP: account name (UTF-8) */
	const char *domain;   /* NTLMSSP: may be NULL or "" */
	const char *password; /* NTLMSSP */
	const char *service;  /* Kerberos: service principal host-based name, "MSServerClusterMgmtAPI@host" */
};

/* The NTLMSSP provider (auth_ntlmssp.c). */
struct ntlmssp_server_config;
uint32_t rpc_auth_ntlmssp_server(const struct ntlmssp_server_config *cfg, struct rpc_auth *out);
uint32_t rpc_auth_ntlmssp_client(const struct rpc_auth_client_creds *creds, struct rpc_auth *out);

#endif
