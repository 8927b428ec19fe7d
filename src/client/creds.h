/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Inside libclusapi: the credentials a remote OpenClusterEx authenticates
 * with, and the security context made from them.
 */
#ifndef CLIENT_CREDS_H
#define CLIENT_CREDS_H

#include <stdbool.h>

#include "clusapi.h"
#include "rpc/auth.h"

struct clusapi_creds {
	char *user;     /* NTLM account; NULL: none */
	char *domain;   /* may be NULL */
	char *password;
	bool explicit_only; /* given to the call: log on as exactly this user (NTLM) */
};

/* The caller's default credentials: the file $CLUSAPI_CREDENTIALS names (it
 * must not be readable by group or others), else none (an unauthenticated
 * bind, which a server refuses unless it runs with --allow-anonymous).
 * ERROR_SUCCESS, or why the file cannot be used. */
DWORD creds_default(struct clusapi_creds *c);
/* From explicit UTF-16 arguments; user may be "DOMAIN\\user". */
DWORD creds_explicit(struct clusapi_creds *c, LPCWSTR user, LPCWSTR password);
/* A deep copy (for reconnecting). */
DWORD creds_copy(struct clusapi_creds *dst, const struct clusapi_creds *src);
/* Wipe the password and free. */
void creds_free(struct clusapi_creds *c);
/* The security context to bind with: SPNEGO, offering Kerberos when the
 * caller has tickets and NTLM when there is a user; explicit credentials use
 * NTLMSSP only.  false when there is nothing to log on with (bind without a
 * context).  *err says why a context could not be made. */
bool creds_auth(const struct clusapi_creds *c, const char *host, struct rpc_auth *out, DWORD *err);

#endif
