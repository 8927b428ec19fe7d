/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SPNEGO tokens (RFC 4178 section 4.2, MS-SPNG 2.2): a small, strict DER
 * codec for the two messages DCE/RPC carries.
 *
 *   the client's first token:  [APPLICATION 0] { OID 1.3.6.1.5.5.2, [0] NegTokenInit }
 *   every later token:         [1] NegTokenResp
 *
 * The decoder takes definite, minimal lengths only, checks every length
 * against what is left, never allocates, and its results point into the
 * input.  Fields it does not use (reqFlags, a NegTokenInit2's negHints) are
 * checked for shape and skipped.
 */
#ifndef RPC_SPNEGO_H
#define RPC_SPNEGO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The mechanisms, as DER OID contents (no tag, no length). */
extern const uint8_t spnego_oid_krb5[9];    /* 1.2.840.113554.1.2.2 */
extern const uint8_t spnego_oid_ms_krb5[9]; /* 1.2.840.48018.1.2.2 (Windows' spelling) */
extern const uint8_t spnego_oid_ntlm[10];   /* 1.3.6.1.4.1.311.2.2.10 */

#define SPNEGO_MAX_MECHS 16

enum spnego_kind { SPNEGO_INIT = 1, SPNEGO_RESP = 2 };

enum spnego_neg_state {
	SPNEGO_ABSENT = -1,
	SPNEGO_ACCEPT_COMPLETED = 0,
	SPNEGO_ACCEPT_INCOMPLETE = 1,
	SPNEGO_REJECT = 2,
	SPNEGO_REQUEST_MIC = 3,
};

struct spnego_blob {
	const uint8_t *data; /* NULL when absent */
	size_t len;
};

struct spnego_token {
	enum spnego_kind kind;
	/* NegTokenInit */
	struct spnego_blob mech_list;        /* the whole MechTypeList (SEQUENCE), what the MIC covers */
	struct spnego_blob mechs[SPNEGO_MAX_MECHS]; /* OID contents, in the client's order */
	size_t n_mechs;
	struct spnego_blob mech_token;
	/* NegTokenResp */
	int neg_state; /* enum spnego_neg_state */
	struct spnego_blob supported_mech;   /* OID contents */
	struct spnego_blob response_token;
	/* both */
	struct spnego_blob mic;
};

/* 0, or -1 if msg is not exactly one well-formed token of either kind. */
int spnego_decode(const uint8_t *msg, size_t len, struct spnego_token *out);

/* Encoders: a malloc'd token in *out, 0; -1 when out of memory or a field is
 * too long (RPC_AUTH_MAX_TOKEN).  Absent fields: NULL data. */
int spnego_encode_init(const struct spnego_blob *mechs, size_t n_mechs, const struct spnego_blob *mech_token,
		       const struct spnego_blob *mic, uint8_t **out, size_t *out_len);
int spnego_encode_resp(int neg_state, const struct spnego_blob *supported_mech,
		       const struct spnego_blob *response_token, const struct spnego_blob *mic, uint8_t **out,
		       size_t *out_len);
/* The DER MechTypeList of these OIDs (what a client's MIC covers); malloc'd. */
int spnego_encode_mech_list(const struct spnego_blob *mechs, size_t n_mechs, uint8_t **out, size_t *out_len);

bool spnego_oid_is(const struct spnego_blob *oid, const uint8_t *want, size_t want_len);

#endif
