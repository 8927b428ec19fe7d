/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Kerberos (auth_type 16) and SPNEGO (auth_type 9) as DCE/RPC security
 * providers (auth.h), on MIT GSSAPI.
 *
 * Kerberos is used DCE style (MS-RPCE 3.3.1.5.2, MS-KILE 3.4.5): three legs
 * (the client's AP-REQ in the bind, the server's AP-REP in the bind_ack, the
 * client's own AP-REP back in auth3 or alter_context), mutual authentication,
 * replay and sequence detection, and per-PDU protection with gss_wrap_iov()
 * (PKT_PRIVACY) or gss_get_mic() (PKT_INTEGRITY).
 *
 * Service principals: a server accepts tickets for
 * MSServerClusterMgmtAPI/<host> and host/<host> only (any <host> the keytab
 * holds keys for, or just cfg->host when one is given).  A client asks for
 * MSServerClusterMgmtAPI/<host> and falls back to host/<host> when the KDC
 * does not know the first.
 *
 * The server's keytab: cfg->keytab if given, else $KRB5_KTNAME if set, else
 * <state_dir>/krb5.keytab.  The client's tickets: the default ccache
 * ($KRB5CCNAME).
 *
 * SPNEGO (RFC 4178, MS-SPNG) chooses Kerberos when the client offers it (either
 * OID) and the server has a usable keytab, else NTLMSSP; the mechListMIC is
 * exchanged when RFC 4178 or MS-SPNG require it (always with an NTLM
 * AUTHENTICATE that carries a MIC), with the NTLM RC4 reset of MS-SPNG
 * 3.3.5.1.
 */
#ifndef RPC_AUTH_GSS_H
#define RPC_AUTH_GSS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth.h"

#define RPC_KRB5_SERVICE "MSServerClusterMgmtAPI"

struct rpc_auth_gss_server_config {
	const char *keytab;    /* a path or "FILE:path"; NULL: $KRB5_KTNAME, else state_dir/krb5.keytab */
	const char *state_dir; /* used only when neither keytab nor $KRB5_KTNAME is set */
	const char *host;      /* accept only SPNs for this host; NULL: any host in the keytab */
};

/*
 * The keytab a server with this configuration uses, as "FILE:/path" (or the
 * $KRB5_KTNAME value as given).  0, or ERROR_INVALID_PARAMETER when there is
 * no keytab setting at all, ERROR_INSUFFICIENT_BUFFER when it does not fit.
 */
uint32_t rpc_auth_krb5_keytab_name(const struct rpc_auth_gss_server_config *cfg, char *buf, size_t buf_len);

/*
 * Whether a Kerberos server can start with this configuration: 0, or an error
 * and a sentence in err saying what is wrong and how to fix it (no keytab, an
 * empty or unreadable keytab).  For clusterd to say so once at start-up.
 */
uint32_t rpc_auth_krb5_server_check(const struct rpc_auth_gss_server_config *cfg, char *err, size_t err_len);

/* A server context.  ERROR_NOT_SUPPORTED when the keytab is missing or holds
 * no key (rpc_auth_krb5_server_check() says why), ERROR_NOT_ENOUGH_MEMORY. */
uint32_t rpc_auth_krb5_server(const struct rpc_auth_gss_server_config *cfg, struct rpc_auth *out);

/* A client context for MSServerClusterMgmtAPI/<host>, falling back to
 * host/<host>.  The ticket cache is read in the first leg. */
uint32_t rpc_auth_krb5_client(const char *host, struct rpc_auth *out);
/* A client context for exactly service/<host> (no fallback). */
uint32_t rpc_auth_krb5_client_service(const char *service, const char *host, struct rpc_auth *out);
/* Whether the default ticket cache holds a valid (unexpired) TGT or ticket. */
bool rpc_auth_krb5_client_has_creds(void);

/*
 * The last GSSAPI failure of a Kerberos or SPNEGO context as a sentence
 * ("" when none): what step() or a protecting function met, for a log line
 * or a user message.  Valid until the next call on the context.
 */
const char *rpc_auth_gss_error(const struct rpc_auth *a);

/* ---- SPNEGO ------------------------------------------------------------- */

struct ntlmssp_server_config;

struct rpc_auth_spnego_server_config {
	/* Kerberos: NULL for none.  Used only when its keytab has keys. */
	const struct rpc_auth_gss_server_config *krb5;
	/* NTLMSSP: NULL for none.  SPNEGO drives ntlmssp.c itself, as the
	 * mechListMIC needs the NTLM session key (MS-SPNG 3.3.5.1). */
	const struct ntlmssp_server_config *ntlmssp;
};

uint32_t rpc_auth_spnego_server(const struct rpc_auth_spnego_server_config *cfg, struct rpc_auth *out);

/*
 * An rpc_auth_server_start_fn (auth.h) for a server that offers everything
 * its configuration allows: arg is a const struct
 * rpc_auth_spnego_server_config *.  auth_type 9: SPNEGO; 10: NTLMSSP (when
 * ntlmssp is set); 16: Kerberos (when krb5 is set and its keytab has keys);
 * anything else, or a mechanism not configured: ERROR_NOT_SUPPORTED.
 */
uint32_t rpc_auth_gss_server_start(void *arg, uint8_t auth_type, struct rpc_auth *out);

/*
 * A client: Kerberos for MSServerClusterMgmtAPI/<host> (falling back to
 * host/<host>) when rpc_auth_krb5_client_has_creds(), else NTLMSSP with creds
 * (user and password; NULL creds or no user: Kerberos only).  Both are offered
 * when both are possible, Kerberos first.
 */
uint32_t rpc_auth_spnego_client(const char *host, const struct rpc_auth_client_creds *creds, struct rpc_auth *out);

/* The mechanism a SPNEGO context settled on (RPC_AUTHN_GSS_KERBEROS or
 * RPC_AUTHN_WINNT), RPC_AUTHN_NONE before; the auth_type of other contexts. */
uint8_t rpc_auth_spnego_mech(const struct rpc_auth *a);

#endif
