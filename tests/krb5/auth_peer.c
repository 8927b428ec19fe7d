/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One provider context driven over stdin/stdout, so that another
 * implementation (Samba's gensec, from Python) can talk to ours token by
 * token and PDU by PDU.  Usage:
 *
 *   auth_peer spnego-server | krb5-server
 *
 * (Kerberos: keytab from KRB5_KTNAME, any host in it; NTLM: user alice with
 * password "password".)  One command a line, bytes in hex, "-" for none:
 *
 *   step TOKEN                      -> continue TOKEN | done TOKEN | error CODE TEXT
 *   sign HS OFF LEN PDU             -> sig SIG
 *   verify HS OFF LEN PDU SIG       -> ok | error CODE
 *   seal HS OFF LEN PDU             -> sealed PDU SIG
 *   unseal HS OFF LEN PDU SIG       -> plain PDU | error CODE
 *   peer                            -> peer AUTH_TYPE NAME DOMAIN LOCAL_NAME
 *
 * HS is 1 for header signing; OFF and LEN place the stub in the PDU.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/werror.h"
#include "rpc/auth_gss.h"
#include "rpc/ntlmssp.h"

static uint32_t lookup(void *arg, const char *user, const char *domain, uint8_t nt_hash[16])
{
	(void)arg;
	(void)domain;
	if (strcmp(user, "alice") != 0)
		return ERROR_ACCESS_DENIED;
	return ntlmssp_ntowfv1("password", nt_hash) == 0 ? 0 : ERROR_ACCESS_DENIED;
}

static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;

	if (!s || strcmp(s, "-") == 0)
		return 0;
	while (s[0] && s[1] && n < cap) {
		unsigned v;
		if (sscanf(s, "%2x", &v) != 1)
			break;
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

static void put_hex(const uint8_t *p, size_t n)
{
	if (!n)
		fputs("-", stdout);
	for (size_t i = 0; i < n; i++)
		printf("%02x", p[i]);
}

static char line[1 << 20];
static uint8_t pdu[1 << 18], sig[4096];

int main(int argc, char **argv)
{
	struct ntlmssp_server_config ntlm = {
		.nb_domain = "CLUSAPI", .nb_computer = "NODE1", .dns_computer = "localhost", .lookup = lookup,
	};
	struct rpc_auth_gss_server_config krb = { 0 };
	struct rpc_auth_spnego_server_config sp = { .krb5 = &krb, .ntlmssp = &ntlm };
	struct rpc_auth a = { 0 };
	uint32_t rc;

	if (argc != 2)
		return 2;
	if (strcmp(argv[1], "spnego-server") == 0)
		rc = rpc_auth_spnego_server(&sp, &a);
	else if (strcmp(argv[1], "krb5-server") == 0)
		rc = rpc_auth_krb5_server(&krb, &a);
	else
		return 2;
	if (rc) {
		fprintf(stderr, "auth_peer: cannot start: %u\n", rc);
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (fgets(line, sizeof(line), stdin)) {
		char *save = NULL, *cmd = strtok_r(line, " \n", &save);
		char *f[5] = { 0 };
		for (int i = 0; i < 5; i++)
			f[i] = strtok_r(NULL, " \n", &save);
		if (!cmd)
			continue;
		if (strcmp(cmd, "step") == 0) {
			uint8_t *out = NULL;
			size_t out_len = 0, n = unhex(f[0], pdu, sizeof(pdu));
			rc = a.ops->step(a.st, n ? pdu : NULL, n, &out, &out_len);
			if (rc == 0 || rc == RPC_AUTH_CONTINUE) {
				fputs(rc ? "continue " : "done ", stdout);
				put_hex(out, out_len);
				puts("");
			} else {
				printf("error %u %s\n", rc, rpc_auth_gss_error(&a));
			}
			free(out);
		} else if (strcmp(cmd, "peer") == 0) {
			struct rpc_auth_peer p;
			rc = a.ops->peer(a.st, &p);
			if (rc)
				printf("error %u\n", rc);
			else
				printf("peer %u %s %s %s\n", p.auth_type, p.name, p.domain[0] ? p.domain : "-",
				       p.local_name[0] ? p.local_name : "-");
		} else if (f[2]) {
			bool hs = atoi(f[0]) != 0;
			size_t off = strtoul(f[1], NULL, 10), len = strtoul(f[2], NULL, 10);
			size_t n = unhex(f[3], pdu, sizeof(pdu)), sl = unhex(f[4], sig, sizeof(sig));
			if (off > n || len > n - off) {
				puts("error 87");
				continue;
			}
			if (strcmp(cmd, "sign") == 0) {
				rc = a.ops->sign(a.st, pdu, n, off, len, hs, sig, &sl);
				if (rc)
					printf("error %u\n", rc);
				else {
					fputs("sig ", stdout);
					put_hex(sig, sl);
					puts("");
				}
			} else if (strcmp(cmd, "verify") == 0) {
				rc = a.ops->verify(a.st, pdu, n, off, len, hs, sig, sl);
				printf(rc ? "error %u\n" : "ok\n", rc);
			} else if (strcmp(cmd, "seal") == 0) {
				rc = a.ops->seal(a.st, pdu, n, off, len, hs, sig, &sl);
				if (rc)
					printf("error %u\n", rc);
				else {
					fputs("sealed ", stdout);
					put_hex(pdu, n);
					fputs(" ", stdout);
					put_hex(sig, sl);
					puts("");
				}
			} else if (strcmp(cmd, "unseal") == 0) {
				rc = a.ops->unseal(a.st, pdu, n, off, len, hs, sig, sl);
				if (rc)
					printf("error %u\n", rc);
				else {
					fputs("plain ", stdout);
					put_hex(pdu, n);
					puts("");
				}
			} else {
				puts("error 1");
			}
		} else {
			puts("error 1");
		}
	}
	rpc_auth_free(&a);
	return 0;
}
