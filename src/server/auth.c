/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "auth.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/werror.h"
#include "clusterd.h"
#include "rpc/auth_gss.h"
#include "rpc/ntlmssp.h"
#include "session.h"

static void upper(char *dst, size_t len, const char *src)
{
	size_t i = 0;
	for (; src[i] && i + 1 < len; i++)
		dst[i] = (char)toupper((unsigned char)src[i]);
	dst[i] = 0;
}

/* Every provider clusterd offers: SPNEGO (Kerberos when a keytab was found,
 * else NTLM), NTLMSSP, and Kerberos itself. */
uint32_t server_auth_start(void *arg, uint8_t auth_type, struct rpc_auth *out)
{
	struct server_state *st = arg;
	char domain[IDENTITY_MAX_NAME + 1], computer[IDENTITY_MAX_NAME + 1], host[256] = "";

	/* NetBIOS names are upper case: the cluster is the domain the accounts
	 * belong to, the node the computer. */
	upper(domain, sizeof(domain), st->id.cluster_name);
	upper(computer, sizeof(computer), st->id.node_name);
	gethostname(host, sizeof(host) - 1);
	struct ntlmssp_server_config ntlm = {
		.nb_domain = domain,
		.nb_computer = computer,
		.dns_computer = host[0] ? host : NULL,
		.lookup = accounts_ntlm_lookup,
		.lookup_arg = &st->accounts,
	};
	struct rpc_auth_gss_server_config krb5 = { .state_dir = st->id.state_dir };
	struct rpc_auth_spnego_server_config cfg = { .krb5 = st->krb5 ? &krb5 : NULL, .ntlmssp = &ntlm };
	return rpc_auth_gss_server_start(&cfg, auth_type, out);
}

bool server_auth_check(struct session *s)
{
	const struct rpc_auth_peer *peer;

	if (s->is_lpc || !s->rpc)
		return true;
	peer = rpc_srv_conn_peer(s->rpc);
	if (peer && s->who.kind == PRINCIPAL_ANONYMOUS) {
		s->who.kind = peer->auth_type == RPC_AUTHN_WINNT ? PRINCIPAL_NTLM : PRINCIPAL_KERBEROS;
		snprintf(s->who.name, sizeof(s->who.name), "%s", peer->name);
		snprintf(s->who.local_name, sizeof(s->who.local_name), "%s", peer->local_name);
	}
	if (rpc_srv_conn_auth_level(s->rpc) >= RPC_AUTHN_LEVEL_PKT_PRIVACY)
		return true;
	return s->server->acl.allow_anonymous;
}
