/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * clusterd's side of RPC security: which providers a bind may ask for, and
 * the MS-CMRP policy (3.1.3): a TCP caller must use PKT_PRIVACY; the identity
 * its security context proves becomes the session's principal.
 */
#ifndef SERVER_AUTH_H
#define SERVER_AUTH_H

#include <stdbool.h>
#include <stdint.h>

#include "rpc/auth.h"

struct server_state;
struct session;

/* rpc_auth_server_start_fn for the clusapi interface (arg = server_state). */
uint32_t server_auth_start(void *arg, uint8_t auth_type, struct rpc_auth *out);

/* Before each call: true when the caller may go on (LPC; TCP at PKT_PRIVACY;
 * anything with --allow-anonymous), after giving an authenticated caller its
 * principal. */
bool server_auth_check(struct session *s);

#endif
