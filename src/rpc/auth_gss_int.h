/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What SPNEGO (auth_spnego.c) needs of a Kerberos context (auth_gssapi.c)
 * beyond auth.h: the mechListMIC, and the error sentence. */
#ifndef RPC_AUTH_GSS_INT_H
#define RPC_AUTH_GSS_INT_H

#include <stddef.h>
#include <stdint.h>

#include "auth.h"

/* true if a is a Kerberos context of auth_gssapi.c */
bool krb5_auth_is(const struct rpc_auth *a);
/* gss_get_mic / gss_verify_mic over msg with an established context: 0,
 * ERROR_ACCESS_DENIED (bad or replayed MIC), ERROR_INVALID_FUNCTION (not
 * established), ERROR_NOT_ENOUGH_MEMORY.  *mic is malloc'd. */
uint32_t krb5_auth_get_mic(const struct rpc_auth *a, const uint8_t *msg, size_t len, uint8_t **mic, size_t *mic_len);
uint32_t krb5_auth_verify_mic(const struct rpc_auth *a, const uint8_t *msg, size_t len, const uint8_t *mic,
			      size_t mic_len);
/* The last failure of a Kerberos context ("" for none). */
const char *krb5_auth_error(const struct rpc_auth *a);

#endif
