/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * NTLMSSP (MS-NLMP) for DCE/RPC: the three messages, the NTLMv2 crypto and a
 * small client/server state machine with message signing and sealing.
 *
 * Scope: NTLMv2 with extended session security (ESS) and 128-bit keys; key
 * exchange (NTLMSSP_NEGOTIATE_KEY_EXCH) is offered and used when the peer
 * agrees.  NTLMv1, LM, anonymous and connectionless (datagram) NTLM are not
 * supported.
 *
 * The decoders are strict: every offset/length field is checked against the
 * message, they never allocate and their results point into the message.
 * Strings on the wire are UTF-16LE byte arrays (struct ntlmssp_blob).
 */
#ifndef RPC_NTLMSSP_H
#define RPC_NTLMSSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* NegotiateFlags (MS-NLMP 2.2.2.5) */
#define NTLMSSP_NEGOTIATE_UNICODE                  0x00000001u
#define NTLMSSP_NEGOTIATE_OEM                      0x00000002u
#define NTLMSSP_REQUEST_TARGET                     0x00000004u
#define NTLMSSP_NEGOTIATE_SIGN                     0x00000010u
#define NTLMSSP_NEGOTIATE_SEAL                     0x00000020u
#define NTLMSSP_NEGOTIATE_LM_KEY                   0x00000080u
#define NTLMSSP_NEGOTIATE_NTLM                     0x00000200u
#define NTLMSSP_ANONYMOUS                          0x00000800u
#define NTLMSSP_NEGOTIATE_OEM_DOMAIN_SUPPLIED      0x00001000u
#define NTLMSSP_NEGOTIATE_OEM_WORKSTATION_SUPPLIED 0x00002000u
#define NTLMSSP_NEGOTIATE_ALWAYS_SIGN              0x00008000u
#define NTLMSSP_TARGET_TYPE_DOMAIN                 0x00010000u
#define NTLMSSP_TARGET_TYPE_SERVER                 0x00020000u
#define NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY 0x00080000u
#define NTLMSSP_NEGOTIATE_IDENTIFY                 0x00100000u
#define NTLMSSP_REQUEST_NON_NT_SESSION_KEY         0x00400000u
#define NTLMSSP_NEGOTIATE_TARGET_INFO              0x00800000u
#define NTLMSSP_NEGOTIATE_VERSION                  0x02000000u
#define NTLMSSP_NEGOTIATE_128                      0x20000000u
#define NTLMSSP_NEGOTIATE_KEY_EXCH                 0x40000000u
#define NTLMSSP_NEGOTIATE_56                       0x80000000u

/* MessageType */
#define NTLMSSP_NEGOTIATE    1u
#define NTLMSSP_CHALLENGE    2u
#define NTLMSSP_AUTHENTICATE 3u

/* AV_PAIR AvId (MS-NLMP 2.2.2.1) */
#define MSV_AV_EOL               0u
#define MSV_AV_NB_COMPUTER_NAME  1u
#define MSV_AV_NB_DOMAIN_NAME    2u
#define MSV_AV_DNS_COMPUTER_NAME 3u
#define MSV_AV_DNS_DOMAIN_NAME   4u
#define MSV_AV_DNS_TREE_NAME     5u
#define MSV_AV_FLAGS             6u
#define MSV_AV_TIMESTAMP         7u
#define MSV_AV_SINGLE_HOST       8u
#define MSV_AV_TARGET_NAME       9u
#define MSV_AV_CHANNEL_BINDINGS  10u

#define MSV_AV_FLAG_MIC_PRESENT 0x00000002u

#define NTLMSSP_SIGNATURE_LEN 16u /* NTLMSSP_MESSAGE_SIGNATURE */
#define NTLMSSP_KEY_LEN       16u
#define NTLMSSP_CHALLENGE_LEN 8u
/* No message this module accepts or makes is longer (each field is < 64 KiB). */
#define NTLMSSP_MAX_MSG_LEN   65536u

/* A byte range of a message (or of caller data); data may be NULL when len == 0. */
struct ntlmssp_blob {
	const uint8_t *data;
	size_t len;
};

struct ntlmssp_negotiate {
	uint32_t flags;
	struct ntlmssp_blob domain;      /* OEM, as sent */
	struct ntlmssp_blob workstation; /* OEM, as sent */
	bool has_version;
	uint8_t version[8];
};

struct ntlmssp_challenge {
	uint32_t flags;
	struct ntlmssp_blob target_name; /* UTF-16LE */
	uint8_t server_challenge[NTLMSSP_CHALLENGE_LEN];
	struct ntlmssp_blob target_info; /* AV pairs */
	bool has_version;
	uint8_t version[8];
};

struct ntlmssp_authenticate {
	uint32_t flags;
	struct ntlmssp_blob lm_response;
	struct ntlmssp_blob nt_response;
	struct ntlmssp_blob domain;      /* UTF-16LE */
	struct ntlmssp_blob user;        /* UTF-16LE */
	struct ntlmssp_blob workstation; /* UTF-16LE */
	struct ntlmssp_blob encrypted_session_key; /* empty or 16 bytes */
	bool has_version;
	uint8_t version[8];
	bool has_mic;        /* the header has room for a MIC (payload starts at 88 or later) */
	uint8_t mic[16];
};

/* ---- message codecs ---------------------------------------------------- */

/* Decoders: 0, or -1 if the message is malformed.  Results point into msg. */
int ntlmssp_negotiate_decode(const uint8_t *msg, size_t len, struct ntlmssp_negotiate *out);
int ntlmssp_challenge_decode(const uint8_t *msg, size_t len, struct ntlmssp_challenge *out);
int ntlmssp_authenticate_decode(const uint8_t *msg, size_t len, struct ntlmssp_authenticate *out);

/* Encoders: a malloc'd message in *out (caller frees), 0; -1 if a field is
 * too long or memory ran out.  The version is written only when has_version
 * is set; an AUTHENTICATE gets a MIC field only when has_mic is set (its
 * offset in the message is NTLMSSP_AUTH_MIC_OFFSET). */
int ntlmssp_negotiate_encode(const struct ntlmssp_negotiate *m, uint8_t **out, size_t *out_len);
int ntlmssp_challenge_encode(const struct ntlmssp_challenge *m, uint8_t **out, size_t *out_len);
int ntlmssp_authenticate_encode(const struct ntlmssp_authenticate *m, uint8_t **out, size_t *out_len);
#define NTLMSSP_AUTH_MIC_OFFSET 72u

/* Target info (AV pairs).  Build the server's list: NbDomainName,
 * NbComputerName, DnsComputerName (each UTF-8, NULL to leave it out),
 * Timestamp (FILETIME), EOL.  malloc'd; 0 or -1. */
int ntlmssp_av_build(const char *nb_domain, const char *nb_computer, const char *dns_computer,
		     uint64_t timestamp, uint8_t **out, size_t *out_len);
/* 0 if ti is a well-formed list (ends with EOL, every pair inside), else -1. */
int ntlmssp_av_validate(const uint8_t *ti, size_t len);
/* 1 and *value if AvId id is in the (valid) list, 0 if not, -1 if malformed. */
int ntlmssp_av_find(const uint8_t *ti, size_t len, uint16_t id, struct ntlmssp_blob *value);

/* ---- crypto primitives (MS-NLMP 3.3.2, 3.4) ---------------------------- */

/* UTF-8 -> UTF-16LE bytes, malloc'd (NULL on ill-formed input or no memory). */
uint8_t *ntlmssp_utf16le(const char *utf8, size_t *out_len);

/* NTOWFv1 = MD4(UTF-16LE(password)): the NT hash an account database keeps. */
int ntlmssp_ntowfv1(const char *password, uint8_t nt_hash[16]);
/* NTOWFv2 = HMAC_MD5(NT hash, UTF-16LE(Uppercase(user) || domain)); user and
 * domain are UTF-16LE bytes. */
void ntlmssp_ntowfv2(const uint8_t nt_hash[16], const uint8_t *user, size_t user_len,
		     const uint8_t *domain, size_t domain_len, uint8_t key[16]);
/* NTProofStr = HMAC_MD5(ResponseKeyNT, ServerChallenge || temp). */
void ntlmssp_ntproofstr(const uint8_t response_key[16], const uint8_t server_challenge[8],
			const uint8_t *temp, size_t temp_len, uint8_t proof[16]);
/* SessionBaseKey = HMAC_MD5(ResponseKeyNT, NTProofStr) (= KXKEY for NTLMv2). */
void ntlmssp_session_base_key(const uint8_t response_key[16], const uint8_t proof[16], uint8_t key[16]);
/* LMv2 response: HMAC_MD5(ResponseKeyLM, ServerChallenge || ClientChallenge) || ClientChallenge. */
void ntlmssp_lmv2_response(const uint8_t response_key[16], const uint8_t server_challenge[8],
			   const uint8_t client_challenge[8], uint8_t out[24]);
/* The client's temp (NTLMv2_CLIENT_CHALLENGE + 4 zero bytes) for target info ti. */
uint8_t *ntlmssp_ntlmv2_temp(uint64_t timestamp, const uint8_t client_challenge[8], const uint8_t *ti,
			     size_t ti_len, size_t *out_len);
/* Server check of an NTLMv2 response (NTProofStr || temp): 0 and the session
 * base key if it matches, ERROR_ACCESS_DENIED if not, ERROR_INVALID_DATA if
 * it is not an NTLMv2 response at all. */
uint32_t ntlmssp_ntlmv2_check(const uint8_t nt_hash[16], const uint8_t *user, size_t user_len,
			      const uint8_t *domain, size_t domain_len, const uint8_t server_challenge[8],
			      const uint8_t *nt_response, size_t nt_response_len, uint8_t session_base_key[16]);
/* RC4 of 16 bytes with a 16-byte key: key exchange in both directions. */
void ntlmssp_rc4_key(const uint8_t kxkey[16], const uint8_t in[16], uint8_t out[16]);
/* SIGNKEY/SEALKEY (128-bit, ESS) for one direction. */
void ntlmssp_sign_key(const uint8_t exported[16], bool client_to_server, uint8_t key[16]);
void ntlmssp_seal_key(const uint8_t exported[16], bool client_to_server, uint8_t key[16]);

/* ---- state machine ----------------------------------------------------- */

struct ntlmssp_ctx;

/* Look an account up: 0 and its NT hash, or any error (the login then fails
 * with ERROR_ACCESS_DENIED).  user and domain are UTF-8 as the client sent them. */
typedef uint32_t (*ntlmssp_lookup_fn)(void *arg, const char *user, const char *domain, uint8_t nt_hash[16]);

struct ntlmssp_server_config {
	const char *nb_domain;    /* UTF-8 */
	const char *nb_computer;  /* UTF-8, also the TargetName */
	const char *dns_computer; /* UTF-8, NULL to leave out */
	ntlmssp_lookup_fn lookup;
	void *lookup_arg;
	const uint8_t *server_challenge; /* 8 bytes, NULL for a random one (tests) */
	uint64_t timestamp;              /* FILETIME, 0 for now (tests) */
};

struct ntlmssp_client_config {
	const char *user;        /* UTF-8 */
	const char *domain;      /* UTF-8 */
	const char *workstation; /* UTF-8, NULL for none */
	const char *password;    /* UTF-8; or NULL and nt_hash */
	const uint8_t *nt_hash;  /* 16 bytes */
	const uint8_t *client_challenge; /* 8 bytes, NULL for random (tests) */
	uint64_t timestamp;              /* 0: the CHALLENGE's MsvAvTimestamp, or now */
	const uint8_t *session_key;      /* 16 bytes, NULL for random (tests) */
	bool mic;                        /* add MsvAvFlags MIC_PRESENT and a MIC */
};

/* NULL if out of memory or the configuration is incomplete. */
struct ntlmssp_ctx *ntlmssp_server_start(const struct ntlmssp_server_config *cfg);
struct ntlmssp_ctx *ntlmssp_client_start(const struct ntlmssp_client_config *cfg);
/* A context already holding an exported session key (MS-NLMP 4.2 examples,
 * or a caller that did the handshake elsewhere). */
struct ntlmssp_ctx *ntlmssp_session_from_key(bool client, uint32_t flags, const uint8_t exported[16]);
void ntlmssp_free(struct ntlmssp_ctx *ctx);

/* Server: NEGOTIATE in, CHALLENGE out (malloc'd).  0, ERROR_INVALID_DATA,
 * ERROR_NOT_SUPPORTED (no ESS/128-bit/Unicode offered), ERROR_INVALID_FUNCTION
 * (wrong state), ERROR_NOT_ENOUGH_MEMORY. */
uint32_t ntlmssp_server_negotiate(struct ntlmssp_ctx *ctx, const uint8_t *msg, size_t len, uint8_t **challenge,
				  size_t *challenge_len);
/* Server: AUTHENTICATE in.  0 (established), ERROR_ACCESS_DENIED (wrong
 * password, unknown user, bad MIC, downgrade), ERROR_INVALID_DATA. */
uint32_t ntlmssp_server_authenticate(struct ntlmssp_ctx *ctx, const uint8_t *msg, size_t len);

/* Client: NEGOTIATE out. */
uint32_t ntlmssp_client_negotiate(struct ntlmssp_ctx *ctx, uint8_t **msg, size_t *len);
/* Client: CHALLENGE in, AUTHENTICATE out; the context is then established. */
uint32_t ntlmssp_client_authenticate(struct ntlmssp_ctx *ctx, const uint8_t *challenge, size_t challenge_len,
				     uint8_t **msg, size_t *len);

bool ntlmssp_established(const struct ntlmssp_ctx *ctx);
uint32_t ntlmssp_flags(const struct ntlmssp_ctx *ctx);
/* Server side after success: who logged in (UTF-8), NULL before. */
const char *ntlmssp_user(const struct ntlmssp_ctx *ctx);
const char *ntlmssp_domain(const struct ntlmssp_ctx *ctx);
/* The exported session key; false before establishment. */
bool ntlmssp_session_key(const struct ntlmssp_ctx *ctx, uint8_t key[16]);

/* Message integrity and confidentiality (MS-NLMP 3.4.3, 3.4.4 with ESS).
 * sign: signature over msg with the next send sequence number.
 * seal: signature over whole (NULL: over data), computed while data is still
 *       plaintext, then data encrypted in place.  For DCE/RPC, data is the
 *       stub inside whole (the PDU up to the auth value).
 * verify/unseal: the receive direction; data decrypted in place, then the
 *       signature checked over whole (or data).  A wrong sequence number,
 *       checksum or version fails with ERROR_ACCESS_DENIED and leaves the
 *       receive state (sequence number, RC4) as it was.
 * All return 0, ERROR_ACCESS_DENIED or ERROR_INVALID_FUNCTION (no keys). */
uint32_t ntlmssp_sign(struct ntlmssp_ctx *ctx, const uint8_t *msg, size_t len, uint8_t sig[16]);
uint32_t ntlmssp_verify(struct ntlmssp_ctx *ctx, const uint8_t *msg, size_t len, const uint8_t sig[16]);
uint32_t ntlmssp_seal(struct ntlmssp_ctx *ctx, uint8_t *data, size_t data_len, const uint8_t *whole,
		      size_t whole_len, uint8_t sig[16]);
uint32_t ntlmssp_unseal(struct ntlmssp_ctx *ctx, uint8_t *data, size_t data_len, const uint8_t *whole,
			size_t whole_len, const uint8_t sig[16]);

#endif
