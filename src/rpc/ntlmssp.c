/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* NTLMSSP (MS-NLMP): messages, NTLMv2 crypto, signing/sealing (see ntlmssp.h). */
#include "rpc/ntlmssp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <nettle/arcfour.h>
#include <nettle/hmac.h>
#include <nettle/md4.h>
#include <nettle/md5.h>
#include <nettle/memops.h>

#include "base/utf16.h"
#include "base/werror.h"

static const uint8_t ntlmssp_sig[8] = { 'N', 'T', 'L', 'M', 'S', 'S', 'P', 0 };
/* Windows 7 SP1 style: 6.1 build 7601, NTLMSSP_REVISION_W2K3 (15). */
static const uint8_t our_version[8] = { 6, 1, 0xb1, 0x1d, 0, 0, 0, 15 };

#define NEG_HDR_LEN  32u
#define CHAL_HDR_LEN 48u
#define AUTH_HDR_LEN 64u
#define VERSION_LEN  8u
#define MIC_LEN      16u

/* The minimum each side insists on. */
#define REQUIRED_FLAGS (NTLMSSP_NEGOTIATE_UNICODE | NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY | NTLMSSP_NEGOTIATE_128)

/* ---- little-endian helpers ---------------------------------------------- */

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | ((uint64_t)get32(p + 4) << 32);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/* ---- message codecs ----------------------------------------------------- */

/* Check the 8-byte signature and the message type. */
static int check_head(const uint8_t *msg, size_t len, size_t min_len, uint32_t type)
{
	if (!msg || len < min_len || len > NTLMSSP_MAX_MSG_LEN)
		return -1;
	if (memcmp(msg, ntlmssp_sig, sizeof(ntlmssp_sig)) != 0 || get32(msg + 8) != type)
		return -1;
	return 0;
}

/* A security buffer (Len, MaxLen, Offset) at msg[at]: the payload it names
 * must lie inside the message and past the fixed header (hdr_end). */
static int get_field(const uint8_t *msg, size_t len, size_t at, size_t hdr_end, struct ntlmssp_blob *out)
{
	size_t flen = get16(msg + at);
	size_t off = get32(msg + at + 4);

	out->data = NULL;
	out->len = 0;
	if (flen == 0)
		return 0; /* an empty field's offset is not looked at */
	if (off < hdr_end || off > len || flen > len - off)
		return -1;
	out->data = msg + off;
	out->len = flen;
	return 0;
}

int ntlmssp_negotiate_decode(const uint8_t *msg, size_t len, struct ntlmssp_negotiate *out)
{
	size_t hdr = NEG_HDR_LEN;

	memset(out, 0, sizeof(*out));
	/* Very old clients stop after the flags; accept a 16-byte message. */
	if (check_head(msg, len, 16, NTLMSSP_NEGOTIATE) < 0)
		return -1;
	out->flags = get32(msg + 12);
	if (len < NEG_HDR_LEN) {
		if (len != 16)
			return -1;
		return 0;
	}
	if ((out->flags & NTLMSSP_NEGOTIATE_VERSION) && len >= NEG_HDR_LEN + VERSION_LEN) {
		hdr = NEG_HDR_LEN + VERSION_LEN;
		out->has_version = true;
		memcpy(out->version, msg + NEG_HDR_LEN, VERSION_LEN);
	}
	if (get_field(msg, len, 16, hdr, &out->domain) < 0 || get_field(msg, len, 24, hdr, &out->workstation) < 0)
		return -1;
	return 0;
}

int ntlmssp_challenge_decode(const uint8_t *msg, size_t len, struct ntlmssp_challenge *out)
{
	size_t hdr = CHAL_HDR_LEN;

	memset(out, 0, sizeof(*out));
	if (check_head(msg, len, CHAL_HDR_LEN, NTLMSSP_CHALLENGE) < 0)
		return -1;
	out->flags = get32(msg + 20);
	memcpy(out->server_challenge, msg + 24, NTLMSSP_CHALLENGE_LEN);
	if ((out->flags & NTLMSSP_NEGOTIATE_VERSION) && len >= CHAL_HDR_LEN + VERSION_LEN) {
		hdr = CHAL_HDR_LEN + VERSION_LEN;
		out->has_version = true;
		memcpy(out->version, msg + CHAL_HDR_LEN, VERSION_LEN);
	}
	if (get_field(msg, len, 12, hdr, &out->target_name) < 0 || get_field(msg, len, 40, hdr, &out->target_info) < 0)
		return -1;
	if ((out->flags & NTLMSSP_NEGOTIATE_UNICODE) && (out->target_name.len & 1))
		return -1;
	if (out->target_info.len && ntlmssp_av_validate(out->target_info.data, out->target_info.len) < 0)
		return -1;
	return 0;
}

int ntlmssp_authenticate_decode(const uint8_t *msg, size_t len, struct ntlmssp_authenticate *out)
{
	struct ntlmssp_blob *fields[6];
	size_t first = len; /* where the payload begins: the lowest non-empty offset */

	memset(out, 0, sizeof(*out));
	if (check_head(msg, len, AUTH_HDR_LEN, NTLMSSP_AUTHENTICATE) < 0)
		return -1;
	fields[0] = &out->lm_response;
	fields[1] = &out->nt_response;
	fields[2] = &out->domain;
	fields[3] = &out->user;
	fields[4] = &out->workstation;
	fields[5] = &out->encrypted_session_key;
	for (size_t i = 0; i < 6; i++) {
		if (get_field(msg, len, 12 + 8 * i, AUTH_HDR_LEN, fields[i]) < 0)
			return -1;
		if (fields[i]->len && (size_t)(fields[i]->data - msg) < first)
			first = (size_t)(fields[i]->data - msg);
	}
	out->flags = get32(msg + 60);
	if ((out->flags & NTLMSSP_NEGOTIATE_VERSION) && first >= AUTH_HDR_LEN + VERSION_LEN) {
		out->has_version = true;
		memcpy(out->version, msg + AUTH_HDR_LEN, VERSION_LEN);
	}
	if (first >= NTLMSSP_AUTH_MIC_OFFSET + MIC_LEN) {
		out->has_mic = true;
		memcpy(out->mic, msg + NTLMSSP_AUTH_MIC_OFFSET, MIC_LEN);
	}
	if (out->flags & NTLMSSP_NEGOTIATE_UNICODE) {
		if ((out->domain.len | out->user.len | out->workstation.len) & 1)
			return -1;
	}
	if (out->encrypted_session_key.len != 0 && out->encrypted_session_key.len != NTLMSSP_KEY_LEN)
		return -1;
	return 0;
}

/* Lay out a message: fixed header of hdr bytes, then the fields' payloads in
 * order; field i's security buffer is at at[i]. */
static int encode_fields(uint8_t *msg, size_t hdr, const size_t *at, const struct ntlmssp_blob *const *f, size_t n)
{
	size_t off = hdr;

	for (size_t i = 0; i < n; i++) {
		put16(msg + at[i], (uint16_t)f[i]->len);
		put16(msg + at[i] + 2, (uint16_t)f[i]->len);
		put32(msg + at[i] + 4, (uint32_t)off);
		if (f[i]->len)
			memcpy(msg + off, f[i]->data, f[i]->len);
		off += f[i]->len;
	}
	return 0;
}

/* Allocate a message of hdr + payload bytes, if every field fits. */
static uint8_t *alloc_msg(size_t hdr, const struct ntlmssp_blob *const *f, size_t n, size_t *total, uint32_t type)
{
	size_t len = hdr;
	uint8_t *msg;

	for (size_t i = 0; i < n; i++) {
		if (f[i]->len > 0xffff || (f[i]->len && !f[i]->data))
			return NULL;
		len += f[i]->len;
	}
	if (len > NTLMSSP_MAX_MSG_LEN)
		return NULL;
	msg = calloc(1, len);
	if (!msg)
		return NULL;
	memcpy(msg, ntlmssp_sig, sizeof(ntlmssp_sig));
	put32(msg + 8, type);
	*total = len;
	return msg;
}

int ntlmssp_negotiate_encode(const struct ntlmssp_negotiate *m, uint8_t **out, size_t *out_len)
{
	const struct ntlmssp_blob *f[2] = { &m->domain, &m->workstation };
	static const size_t at[2] = { 16, 24 };
	size_t hdr = NEG_HDR_LEN + (m->has_version ? VERSION_LEN : 0);
	uint8_t *msg = alloc_msg(hdr, f, 2, out_len, NTLMSSP_NEGOTIATE);

	if (!msg)
		return -1;
	put32(msg + 12, m->flags);
	if (m->has_version)
		memcpy(msg + NEG_HDR_LEN, m->version, VERSION_LEN);
	encode_fields(msg, hdr, at, f, 2);
	*out = msg;
	return 0;
}

int ntlmssp_challenge_encode(const struct ntlmssp_challenge *m, uint8_t **out, size_t *out_len)
{
	const struct ntlmssp_blob *f[2] = { &m->target_name, &m->target_info };
	static const size_t at[2] = { 12, 40 };
	size_t hdr = CHAL_HDR_LEN + (m->has_version ? VERSION_LEN : 0);
	uint8_t *msg = alloc_msg(hdr, f, 2, out_len, NTLMSSP_CHALLENGE);

	if (!msg)
		return -1;
	put32(msg + 20, m->flags);
	memcpy(msg + 24, m->server_challenge, NTLMSSP_CHALLENGE_LEN);
	if (m->has_version)
		memcpy(msg + CHAL_HDR_LEN, m->version, VERSION_LEN);
	encode_fields(msg, hdr, at, f, 2);
	*out = msg;
	return 0;
}

int ntlmssp_authenticate_encode(const struct ntlmssp_authenticate *m, uint8_t **out, size_t *out_len)
{
	/* Payload order as Windows sends it: names first, then the responses. */
	const struct ntlmssp_blob *f[6] = { &m->domain, &m->user, &m->workstation,
					    &m->lm_response, &m->nt_response, &m->encrypted_session_key };
	static const size_t at[6] = { 28, 36, 44, 12, 20, 52 };
	size_t hdr = AUTH_HDR_LEN;
	uint8_t *msg;

	if (m->has_mic)
		hdr = NTLMSSP_AUTH_MIC_OFFSET + MIC_LEN; /* version slot included */
	else if (m->has_version)
		hdr = AUTH_HDR_LEN + VERSION_LEN;
	msg = alloc_msg(hdr, f, 6, out_len, NTLMSSP_AUTHENTICATE);
	if (!msg)
		return -1;
	put32(msg + 60, m->flags);
	if (m->has_version)
		memcpy(msg + AUTH_HDR_LEN, m->version, VERSION_LEN);
	if (m->has_mic)
		memcpy(msg + NTLMSSP_AUTH_MIC_OFFSET, m->mic, MIC_LEN);
	encode_fields(msg, hdr, at, f, 6);
	*out = msg;
	return 0;
}

/* ---- AV pairs ------------------------------------------------------------ */

int ntlmssp_av_find(const uint8_t *ti, size_t len, uint16_t id, struct ntlmssp_blob *value)
{
	size_t pos = 0;
	int found = 0;

	if (!ti && len)
		return -1;
	while (pos + 4 <= len) {
		uint16_t av_id = get16(ti + pos);
		size_t av_len = get16(ti + pos + 2);

		pos += 4;
		if (av_len > len - pos)
			return -1;
		if (av_id == MSV_AV_EOL)
			return av_len == 0 ? found : -1;
		if (av_id == id && !found) {
			found = 1;
			if (value) {
				value->data = ti + pos;
				value->len = av_len;
			}
		}
		pos += av_len;
	}
	return -1; /* no EOL */
}

int ntlmssp_av_validate(const uint8_t *ti, size_t len)
{
	return ntlmssp_av_find(ti, len, MSV_AV_EOL, NULL) < 0 ? -1 : 0;
}

uint8_t *ntlmssp_utf16le(const char *utf8, size_t *out_len)
{
	uint16_t *u = utf16_from_utf8_dup(utf8 ? utf8 : "");
	size_t n;
	uint8_t *b;

	if (!u)
		return NULL;
	n = utf16_len(u);
	b = malloc(2 * n + 1);
	if (b) {
		for (size_t i = 0; i < n; i++)
			put16(b + 2 * i, u[i]);
		*out_len = 2 * n;
	}
	free(u);
	return b;
}

/* UTF-16LE bytes -> malloc'd UTF-8; NULL if ill-formed. */
static char *utf16le_to_utf8(const uint8_t *b, size_t len)
{
	size_t n = len / 2;
	uint16_t *u;
	char *s;

	if (len & 1)
		return NULL;
	u = malloc((n + 1) * sizeof(*u));
	if (!u)
		return NULL;
	for (size_t i = 0; i < n; i++)
		u[i] = get16(b + 2 * i);
	s = utf16_to_utf8_dup(u, n);
	free(u);
	return s;
}

static uint8_t *av_put(uint8_t *p, uint16_t id, const uint8_t *v, size_t len)
{
	put16(p, id);
	put16(p + 2, (uint16_t)len);
	if (len)
		memcpy(p + 4, v, len);
	return p + 4 + len;
}

int ntlmssp_av_build(const char *nb_domain, const char *nb_computer, const char *dns_computer,
		     uint64_t timestamp, uint8_t **out, size_t *out_len)
{
	const char *names[3] = { nb_domain, nb_computer, dns_computer };
	static const uint16_t ids[3] = { MSV_AV_NB_DOMAIN_NAME, MSV_AV_NB_COMPUTER_NAME, MSV_AV_DNS_COMPUTER_NAME };
	uint8_t *u[3] = { NULL, NULL, NULL };
	size_t ulen[3] = { 0, 0, 0 };
	size_t total = (4 + 8) + 4; /* timestamp pair + EOL */
	uint8_t ts[8], *buf = NULL, *p;
	int ret = -1;

	for (int i = 0; i < 3; i++) {
		if (!names[i])
			continue;
		u[i] = ntlmssp_utf16le(names[i], &ulen[i]);
		if (!u[i] || ulen[i] > 0xffff)
			goto out;
		total += 4 + ulen[i];
	}
	if (total > 0xffff)
		goto out;
	buf = malloc(total);
	if (!buf)
		goto out;
	p = buf;
	for (int i = 0; i < 3; i++)
		if (u[i])
			p = av_put(p, ids[i], u[i], ulen[i]);
	put64(ts, timestamp);
	p = av_put(p, MSV_AV_TIMESTAMP, ts, 8);
	av_put(p, MSV_AV_EOL, NULL, 0);
	*out = buf;
	*out_len = total;
	ret = 0;
out:
	for (int i = 0; i < 3; i++)
		free(u[i]);
	return ret;
}

/* ---- crypto --------------------------------------------------------------- */

static void hmac_md5(const uint8_t *key, size_t key_len, const uint8_t *a, size_t a_len, const uint8_t *b,
		     size_t b_len, uint8_t out[16])
{
	struct hmac_md5_ctx h;

	hmac_md5_set_key(&h, key_len, key);
	if (a_len)
		hmac_md5_update(&h, a_len, a);
	if (b_len)
		hmac_md5_update(&h, b_len, b);
	hmac_md5_digest(&h, MD5_DIGEST_SIZE, out);
}

int ntlmssp_ntowfv1(const char *password, uint8_t nt_hash[16])
{
	struct md4_ctx md4;
	size_t len;
	uint8_t *u = ntlmssp_utf16le(password, &len);

	if (!u)
		return -1;
	md4_init(&md4);
	md4_update(&md4, len, u);
	md4_digest(&md4, MD4_DIGEST_SIZE, nt_hash);
	memset(u, 0, len);
	free(u);
	return 0;
}

/* Uppercase one UTF-16 unit: ASCII and Latin-1 letters (the names NTLM sees). */
static uint16_t upcase16(uint16_t c)
{
	if (c >= 'a' && c <= 'z')
		return (uint16_t)(c - 0x20);
	if (c >= 0xe0 && c <= 0xfe && c != 0xf7)
		return (uint16_t)(c - 0x20);
	if (c == 0xff)
		return 0x178;
	return c;
}

void ntlmssp_ntowfv2(const uint8_t nt_hash[16], const uint8_t *user, size_t user_len, const uint8_t *domain,
		     size_t domain_len, uint8_t key[16])
{
	struct hmac_md5_ctx h;
	uint8_t unit[2];

	hmac_md5_set_key(&h, 16, nt_hash);
	for (size_t i = 0; i + 1 < user_len; i += 2) {
		put16(unit, upcase16(get16(user + i)));
		hmac_md5_update(&h, 2, unit);
	}
	if (domain_len)
		hmac_md5_update(&h, domain_len, domain);
	hmac_md5_digest(&h, MD5_DIGEST_SIZE, key);
}

void ntlmssp_ntproofstr(const uint8_t response_key[16], const uint8_t server_challenge[8], const uint8_t *temp,
			size_t temp_len, uint8_t proof[16])
{
	hmac_md5(response_key, 16, server_challenge, 8, temp, temp_len, proof);
}

void ntlmssp_session_base_key(const uint8_t response_key[16], const uint8_t proof[16], uint8_t key[16])
{
	hmac_md5(response_key, 16, proof, 16, NULL, 0, key);
}

void ntlmssp_lmv2_response(const uint8_t response_key[16], const uint8_t server_challenge[8],
			   const uint8_t client_challenge[8], uint8_t out[24])
{
	hmac_md5(response_key, 16, server_challenge, 8, client_challenge, 8, out);
	memcpy(out + 16, client_challenge, 8);
}

/* temp = 1, 1, Z(6), Time, ClientChallenge, Z(4), ServerName (AV pairs), Z(4) */
#define TEMP_HDR_LEN 28u

uint8_t *ntlmssp_ntlmv2_temp(uint64_t timestamp, const uint8_t client_challenge[8], const uint8_t *ti,
			     size_t ti_len, size_t *out_len)
{
	uint8_t *t = calloc(1, TEMP_HDR_LEN + ti_len + 4);

	if (!t)
		return NULL;
	t[0] = 1;
	t[1] = 1;
	put64(t + 8, timestamp);
	memcpy(t + 16, client_challenge, 8);
	if (ti_len)
		memcpy(t + TEMP_HDR_LEN, ti, ti_len);
	*out_len = TEMP_HDR_LEN + ti_len + 4;
	return t;
}

uint32_t ntlmssp_ntlmv2_check(const uint8_t nt_hash[16], const uint8_t *user, size_t user_len,
			      const uint8_t *domain, size_t domain_len, const uint8_t server_challenge[8],
			      const uint8_t *nt_response, size_t nt_response_len, uint8_t session_base_key[16])
{
	uint8_t key[16], proof[16];
	uint32_t ret = ERROR_ACCESS_DENIED;

	if (nt_response_len < 16 + TEMP_HDR_LEN || nt_response[16] != 1 || nt_response[17] != 1)
		return ERROR_INVALID_DATA;
	ntlmssp_ntowfv2(nt_hash, user, user_len, domain, domain_len, key);
	ntlmssp_ntproofstr(key, server_challenge, nt_response + 16, nt_response_len - 16, proof);
	if (memeql_sec(proof, nt_response, 16)) {
		ntlmssp_session_base_key(key, proof, session_base_key);
		ret = 0;
	}
	memset(key, 0, sizeof(key));
	return ret;
}

void ntlmssp_rc4_key(const uint8_t kxkey[16], const uint8_t in[16], uint8_t out[16])
{
	struct arcfour_ctx rc4;

	arcfour_set_key(&rc4, 16, kxkey);
	arcfour_crypt(&rc4, 16, out, in);
	memset(&rc4, 0, sizeof(rc4));
}

static void derive(const uint8_t exported[16], const char *magic, uint8_t key[16])
{
	struct md5_ctx md5;

	md5_init(&md5);
	md5_update(&md5, 16, exported);
	md5_update(&md5, strlen(magic) + 1, (const uint8_t *)magic); /* with its NUL */
	md5_digest(&md5, MD5_DIGEST_SIZE, key);
}

void ntlmssp_sign_key(const uint8_t exported[16], bool client_to_server, uint8_t key[16])
{
	derive(exported,
	       client_to_server ? "session key to client-to-server signing key magic constant"
				: "session key to server-to-client signing key magic constant",
	       key);
}

void ntlmssp_seal_key(const uint8_t exported[16], bool client_to_server, uint8_t key[16])
{
	derive(exported,
	       client_to_server ? "session key to client-to-server sealing key magic constant"
				: "session key to server-to-client sealing key magic constant",
	       key);
}

/* ---- state machine -------------------------------------------------------- */

enum ntlmssp_state {
	ST_SERVER_START,
	ST_SERVER_CHALLENGED,
	ST_CLIENT_START,
	ST_CLIENT_NEGOTIATED,
	ST_ESTABLISHED,
	ST_FAILED,
};

struct ntlmssp_dir {
	uint8_t sign_key[16];
	struct arcfour_ctx rc4;
	uint32_t seq;
};

struct ntlmssp_ctx {
	enum ntlmssp_state state;
	bool client;
	uint32_t flags;
	uint8_t exported[16];
	struct ntlmssp_dir send, recv;

	/* The messages so far, for the MIC. */
	uint8_t *neg_msg, *chal_msg;
	size_t neg_len, chal_len;

	/* server */
	struct ntlmssp_server_config srv;
	char *srv_nb_domain, *srv_nb_computer, *srv_dns_computer;
	uint8_t server_challenge[8];
	char *user, *domain;

	/* client */
	uint8_t *c_user, *c_domain, *c_ws; /* UTF-16LE */
	size_t c_user_len, c_domain_len, c_ws_len;
	uint8_t nt_hash[16];
	bool have_cc, have_sk, mic;
	uint8_t client_challenge[8];
	uint8_t session_key[16];
	uint64_t timestamp;
};

static char *dup_or_null(const char *s, bool *fail)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*fail = true;
	return d;
}

static void random_bytes(uint8_t *p, size_t n)
{
	while (n) {
		ssize_t r = getrandom(p, n, 0);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			abort(); /* no randomness: never go on with a guessable key */
		}
		p += r;
		n -= (size_t)r;
	}
}

static uint64_t filetime_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((uint64_t)ts.tv_sec + 11644473600ull) * 10000000ull + (uint64_t)ts.tv_nsec / 100u;
}

struct ntlmssp_ctx *ntlmssp_server_start(const struct ntlmssp_server_config *cfg)
{
	struct ntlmssp_ctx *ctx;
	bool fail = false;

	if (!cfg || !cfg->lookup)
		return NULL;
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return NULL;
	ctx->state = ST_SERVER_START;
	ctx->srv = *cfg;
	ctx->srv_nb_domain = dup_or_null(cfg->nb_domain ? cfg->nb_domain : "WORKGROUP", &fail);
	ctx->srv_nb_computer = dup_or_null(cfg->nb_computer ? cfg->nb_computer : "SERVER", &fail);
	ctx->srv_dns_computer = dup_or_null(cfg->dns_computer, &fail);
	if (cfg->server_challenge)
		memcpy(ctx->server_challenge, cfg->server_challenge, 8);
	else
		random_bytes(ctx->server_challenge, 8);
	if (fail) {
		ntlmssp_free(ctx);
		return NULL;
	}
	return ctx;
}

struct ntlmssp_ctx *ntlmssp_client_start(const struct ntlmssp_client_config *cfg)
{
	struct ntlmssp_ctx *ctx;

	if (!cfg || !cfg->user || (!cfg->password && !cfg->nt_hash))
		return NULL;
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return NULL;
	ctx->state = ST_CLIENT_START;
	ctx->client = true;
	ctx->c_user = ntlmssp_utf16le(cfg->user, &ctx->c_user_len);
	ctx->c_domain = ntlmssp_utf16le(cfg->domain ? cfg->domain : "", &ctx->c_domain_len);
	ctx->c_ws = ntlmssp_utf16le(cfg->workstation ? cfg->workstation : "", &ctx->c_ws_len);
	if (!ctx->c_user || !ctx->c_domain || !ctx->c_ws || ctx->c_user_len > 0xffff ||
	    ctx->c_domain_len > 0xffff || ctx->c_ws_len > 0xffff) {
		ntlmssp_free(ctx);
		return NULL;
	}
	if (cfg->password) {
		if (ntlmssp_ntowfv1(cfg->password, ctx->nt_hash) < 0) {
			ntlmssp_free(ctx);
			return NULL;
		}
	} else {
		memcpy(ctx->nt_hash, cfg->nt_hash, 16);
	}
	if (cfg->client_challenge) {
		ctx->have_cc = true;
		memcpy(ctx->client_challenge, cfg->client_challenge, 8);
	}
	if (cfg->session_key) {
		ctx->have_sk = true;
		memcpy(ctx->session_key, cfg->session_key, 16);
	}
	ctx->timestamp = cfg->timestamp;
	ctx->mic = cfg->mic;
	return ctx;
}

/* Derive both directions' keys from the exported session key. */
static void set_keys(struct ntlmssp_ctx *ctx, uint32_t flags, const uint8_t exported[16])
{
	uint8_t seal[16];

	ctx->flags = flags;
	memcpy(ctx->exported, exported, 16);
	ntlmssp_sign_key(exported, ctx->client, ctx->send.sign_key);
	ntlmssp_seal_key(exported, ctx->client, seal);
	arcfour_set_key(&ctx->send.rc4, 16, seal);
	ntlmssp_sign_key(exported, !ctx->client, ctx->recv.sign_key);
	ntlmssp_seal_key(exported, !ctx->client, seal);
	arcfour_set_key(&ctx->recv.rc4, 16, seal);
	memset(seal, 0, sizeof(seal));
	ctx->send.seq = 0;
	ctx->recv.seq = 0;
	ctx->state = ST_ESTABLISHED;
}

struct ntlmssp_ctx *ntlmssp_session_from_key(bool client, uint32_t flags, const uint8_t exported[16])
{
	struct ntlmssp_ctx *ctx = calloc(1, sizeof(*ctx));

	if (!ctx)
		return NULL;
	ctx->client = client;
	set_keys(ctx, flags, exported);
	return ctx;
}

static void free_secret(void *p, size_t len)
{
	if (p) {
		memset(p, 0, len);
		free(p);
	}
}

void ntlmssp_free(struct ntlmssp_ctx *ctx)
{
	if (!ctx)
		return;
	free(ctx->neg_msg);
	free(ctx->chal_msg);
	free(ctx->srv_nb_domain);
	free(ctx->srv_nb_computer);
	free(ctx->srv_dns_computer);
	free(ctx->user);
	free(ctx->domain);
	free(ctx->c_user);
	free(ctx->c_domain);
	free(ctx->c_ws);
	free_secret(ctx, sizeof(*ctx));
}

static int keep_copy(const uint8_t *msg, size_t len, uint8_t **dst, size_t *dst_len)
{
	uint8_t *c = malloc(len ? len : 1);

	if (!c)
		return -1;
	memcpy(c, msg, len);
	free(*dst);
	*dst = c;
	*dst_len = len;
	return 0;
}

/* MIC = HMAC_MD5(ExportedSessionKey, NEGOTIATE || CHALLENGE || AUTHENTICATE with a zero MIC). */
static void compute_mic(const struct ntlmssp_ctx *ctx, const uint8_t exported[16], const uint8_t *auth,
			size_t auth_len, uint8_t mic[16])
{
	struct hmac_md5_ctx h;
	static const uint8_t zero[MIC_LEN];

	hmac_md5_set_key(&h, 16, exported);
	hmac_md5_update(&h, ctx->neg_len, ctx->neg_msg);
	hmac_md5_update(&h, ctx->chal_len, ctx->chal_msg);
	hmac_md5_update(&h, NTLMSSP_AUTH_MIC_OFFSET, auth);
	hmac_md5_update(&h, MIC_LEN, zero);
	hmac_md5_update(&h, auth_len - NTLMSSP_AUTH_MIC_OFFSET - MIC_LEN, auth + NTLMSSP_AUTH_MIC_OFFSET + MIC_LEN);
	hmac_md5_digest(&h, MD5_DIGEST_SIZE, mic);
}

uint32_t ntlmssp_server_negotiate(struct ntlmssp_ctx *ctx, const uint8_t *msg, size_t len, uint8_t **challenge,
				  size_t *challenge_len)
{
	struct ntlmssp_negotiate neg;
	struct ntlmssp_challenge chal;
	uint8_t *ti = NULL, *name = NULL;
	size_t ti_len = 0, name_len = 0;
	uint32_t offered;
	uint32_t ret = ERROR_NOT_ENOUGH_MEMORY;

	if (!ctx || ctx->client || ctx->state != ST_SERVER_START)
		return ERROR_INVALID_FUNCTION;
	if (ntlmssp_negotiate_decode(msg, len, &neg) < 0) {
		ctx->state = ST_FAILED;
		return ERROR_INVALID_DATA;
	}
	if ((neg.flags & REQUIRED_FLAGS) != REQUIRED_FLAGS) {
		ctx->state = ST_FAILED;
		return ERROR_NOT_SUPPORTED;
	}
	offered = neg.flags & (NTLMSSP_NEGOTIATE_SIGN | NTLMSSP_NEGOTIATE_SEAL | NTLMSSP_NEGOTIATE_ALWAYS_SIGN |
			       NTLMSSP_NEGOTIATE_KEY_EXCH | NTLMSSP_NEGOTIATE_56 | NTLMSSP_NEGOTIATE_VERSION |
			       NTLMSSP_REQUEST_TARGET);
	memset(&chal, 0, sizeof(chal));
	chal.flags = offered | REQUIRED_FLAGS | NTLMSSP_NEGOTIATE_NTLM | NTLMSSP_NEGOTIATE_TARGET_INFO |
		     NTLMSSP_TARGET_TYPE_SERVER;
	memcpy(chal.server_challenge, ctx->server_challenge, 8);
	if (ntlmssp_av_build(ctx->srv_nb_domain, ctx->srv_nb_computer, ctx->srv_dns_computer,
			     ctx->srv.timestamp ? ctx->srv.timestamp : filetime_now(), &ti, &ti_len) < 0)
		goto out;
	name = ntlmssp_utf16le(ctx->srv_nb_computer, &name_len);
	if (!name)
		goto out;
	chal.target_name.data = name;
	chal.target_name.len = name_len;
	chal.target_info.data = ti;
	chal.target_info.len = ti_len;
	chal.has_version = (chal.flags & NTLMSSP_NEGOTIATE_VERSION) != 0;
	memcpy(chal.version, our_version, VERSION_LEN);
	if (ntlmssp_challenge_encode(&chal, challenge, challenge_len) < 0)
		goto out;
	if (keep_copy(msg, len, &ctx->neg_msg, &ctx->neg_len) < 0 ||
	    keep_copy(*challenge, *challenge_len, &ctx->chal_msg, &ctx->chal_len) < 0) {
		free(*challenge);
		*challenge = NULL;
		goto out;
	}
	ctx->flags = chal.flags;
	ctx->state = ST_SERVER_CHALLENGED;
	ret = 0;
out:
	free(ti);
	free(name);
	return ret;
}

uint32_t ntlmssp_server_authenticate(struct ntlmssp_ctx *ctx, const uint8_t *msg, size_t len)
{
	struct ntlmssp_authenticate a;
	struct ntlmssp_blob av_flags;
	uint8_t nt_hash[16], base_key[16], exported[16], mic[16];
	char *user = NULL, *domain = NULL;
	uint32_t flags, ret;
	int found;

	if (!ctx || ctx->client || ctx->state != ST_SERVER_CHALLENGED)
		return ERROR_INVALID_FUNCTION;
	ctx->state = ST_FAILED; /* until it succeeds: one try per context */
	if (ntlmssp_authenticate_decode(msg, len, &a) < 0)
		return ERROR_INVALID_DATA;
	flags = a.flags & ctx->flags;
	if (a.nt_response.len == 0 || a.user.len == 0)
		return ERROR_ACCESS_DENIED; /* anonymous: not accepted */
	if (a.nt_response.len < 16 + TEMP_HDR_LEN)
		return a.nt_response.len == 24 ? ERROR_ACCESS_DENIED /* NTLMv1 */ : ERROR_INVALID_DATA;
	if (!(a.flags & NTLMSSP_NEGOTIATE_UNICODE))
		return ERROR_INVALID_DATA;
	user = utf16le_to_utf8(a.user.data, a.user.len);
	domain = utf16le_to_utf8(a.domain.data, a.domain.len);
	if (!user || !domain) {
		ret = ERROR_INVALID_DATA;
		goto out;
	}
	if (ctx->srv.lookup(ctx->srv.lookup_arg, user, domain, nt_hash) != 0) {
		ret = ERROR_ACCESS_DENIED;
		goto out;
	}
	ret = ntlmssp_ntlmv2_check(nt_hash, a.user.data, a.user.len, a.domain.data, a.domain.len,
				   ctx->server_challenge, a.nt_response.data, a.nt_response.len, base_key);
	memset(nt_hash, 0, sizeof(nt_hash));
	if (ret != 0)
		goto out;
	/* Authenticated; now the session security the client chose must be ours. */
	ret = ERROR_ACCESS_DENIED;
	if ((flags & REQUIRED_FLAGS) != REQUIRED_FLAGS)
		goto out;
	if (flags & NTLMSSP_NEGOTIATE_KEY_EXCH) {
		if (a.encrypted_session_key.len != 16)
			goto out;
		ntlmssp_rc4_key(base_key, a.encrypted_session_key.data, exported); /* KXKEY = SessionBaseKey */
	} else {
		memcpy(exported, base_key, 16);
	}
	/* The client says whether it sent a MIC in its (signed) AV pairs. */
	found = ntlmssp_av_find(a.nt_response.data + 16 + TEMP_HDR_LEN, a.nt_response.len - 16 - TEMP_HDR_LEN,
				MSV_AV_FLAGS, &av_flags);
	if (found == 1 && av_flags.len == 4 && (get32(av_flags.data) & MSV_AV_FLAG_MIC_PRESENT)) {
		if (!a.has_mic)
			goto out;
		compute_mic(ctx, exported, msg, len, mic);
		if (!memeql_sec(mic, a.mic, 16))
			goto out;
	}
	set_keys(ctx, flags, exported);
	ctx->user = user;
	ctx->domain = domain;
	user = domain = NULL;
	ret = 0;
out:
	memset(base_key, 0, sizeof(base_key));
	memset(exported, 0, sizeof(exported));
	free(user);
	free(domain);
	return ret;
}

#define CLIENT_FLAGS                                                                                          \
	(REQUIRED_FLAGS | NTLMSSP_REQUEST_TARGET | NTLMSSP_NEGOTIATE_SIGN | NTLMSSP_NEGOTIATE_SEAL |          \
	 NTLMSSP_NEGOTIATE_NTLM | NTLMSSP_NEGOTIATE_ALWAYS_SIGN | NTLMSSP_NEGOTIATE_VERSION |                 \
	 NTLMSSP_NEGOTIATE_KEY_EXCH | NTLMSSP_NEGOTIATE_56)

uint32_t ntlmssp_client_negotiate(struct ntlmssp_ctx *ctx, uint8_t **msg, size_t *len)
{
	struct ntlmssp_negotiate neg;

	if (!ctx || !ctx->client || ctx->state != ST_CLIENT_START)
		return ERROR_INVALID_FUNCTION;
	memset(&neg, 0, sizeof(neg));
	neg.flags = CLIENT_FLAGS;
	neg.has_version = true;
	memcpy(neg.version, our_version, VERSION_LEN);
	if (ntlmssp_negotiate_encode(&neg, msg, len) < 0)
		return ERROR_NOT_ENOUGH_MEMORY;
	if (keep_copy(*msg, *len, &ctx->neg_msg, &ctx->neg_len) < 0) {
		free(*msg);
		*msg = NULL;
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	ctx->flags = neg.flags;
	ctx->state = ST_CLIENT_NEGOTIATED;
	return 0;
}

/* The client's AV pairs: the server's, with MsvAvFlags MIC_PRESENT added
 * when a MIC is sent (any MsvAvFlags of the server's is replaced). */
static uint8_t *client_av(const struct ntlmssp_blob *ti, bool mic, size_t *out_len)
{
	uint8_t *buf = malloc(ti->len + 8 + 4), *p = buf;
	size_t pos = 0;
	uint8_t v[4];

	if (!buf)
		return NULL;
	while (pos + 4 <= ti->len) {
		uint16_t id = get16(ti->data + pos);
		size_t l = get16(ti->data + pos + 2);

		if (id == MSV_AV_EOL)
			break;
		if (id != MSV_AV_FLAGS || !mic)
			p = av_put(p, id, ti->data + pos + 4, l);
		pos += 4 + l;
	}
	if (mic) {
		put32(v, MSV_AV_FLAG_MIC_PRESENT);
		p = av_put(p, MSV_AV_FLAGS, v, 4);
	}
	p = av_put(p, MSV_AV_EOL, NULL, 0);
	*out_len = (size_t)(p - buf);
	return buf;
}

uint32_t ntlmssp_client_authenticate(struct ntlmssp_ctx *ctx, const uint8_t *challenge, size_t challenge_len,
				     uint8_t **msg, size_t *len)
{
	struct ntlmssp_challenge chal;
	struct ntlmssp_authenticate a;
	struct ntlmssp_blob ts;
	uint8_t key[16], proof[16], base_key[16], exported[16], enc_key[16], lm[24];
	uint8_t *av = NULL, *temp = NULL, *nt = NULL;
	size_t av_len, temp_len;
	uint64_t timestamp;
	uint32_t flags, ret = ERROR_NOT_ENOUGH_MEMORY;
	int has_ts;

	if (!ctx || !ctx->client || ctx->state != ST_CLIENT_NEGOTIATED)
		return ERROR_INVALID_FUNCTION;
	ctx->state = ST_FAILED;
	if (ntlmssp_challenge_decode(challenge, challenge_len, &chal) < 0 || chal.target_info.len == 0)
		return ERROR_INVALID_DATA;
	flags = chal.flags & ctx->flags;
	if ((flags & REQUIRED_FLAGS) != REQUIRED_FLAGS)
		return ERROR_NOT_SUPPORTED;
	flags |= chal.flags & NTLMSSP_NEGOTIATE_TARGET_INFO;
	if (keep_copy(challenge, challenge_len, &ctx->chal_msg, &ctx->chal_len) < 0)
		return ERROR_NOT_ENOUGH_MEMORY;
	has_ts = ntlmssp_av_find(chal.target_info.data, chal.target_info.len, MSV_AV_TIMESTAMP, &ts);
	if (ctx->timestamp)
		timestamp = ctx->timestamp;
	else if (has_ts == 1 && ts.len == 8)
		timestamp = get64(ts.data);
	else
		timestamp = filetime_now();
	if (!ctx->have_cc)
		random_bytes(ctx->client_challenge, 8);
	if (!ctx->have_sk)
		random_bytes(ctx->session_key, 16);

	av = client_av(&chal.target_info, ctx->mic, &av_len);
	if (!av)
		goto out;
	temp = ntlmssp_ntlmv2_temp(timestamp, ctx->client_challenge, av, av_len, &temp_len);
	if (!temp)
		goto out;
	nt = malloc(16 + temp_len);
	if (!nt)
		goto out;
	ntlmssp_ntowfv2(ctx->nt_hash, ctx->c_user, ctx->c_user_len, ctx->c_domain, ctx->c_domain_len, key);
	ntlmssp_ntproofstr(key, chal.server_challenge, temp, temp_len, proof);
	memcpy(nt, proof, 16);
	memcpy(nt + 16, temp, temp_len);
	ntlmssp_session_base_key(key, proof, base_key);
	/* With a server timestamp the LM response is Z(24) (MS-NLMP 3.1.5.1.2). */
	if (has_ts == 1)
		memset(lm, 0, sizeof(lm));
	else
		ntlmssp_lmv2_response(key, chal.server_challenge, ctx->client_challenge, lm);

	if (flags & NTLMSSP_NEGOTIATE_KEY_EXCH) {
		memcpy(exported, ctx->session_key, 16);
		ntlmssp_rc4_key(base_key, exported, enc_key);
	} else {
		memcpy(exported, base_key, 16);
	}

	memset(&a, 0, sizeof(a));
	a.flags = flags;
	a.lm_response.data = lm;
	a.lm_response.len = sizeof(lm);
	a.nt_response.data = nt;
	a.nt_response.len = 16 + temp_len;
	a.domain.data = ctx->c_domain;
	a.domain.len = ctx->c_domain_len;
	a.user.data = ctx->c_user;
	a.user.len = ctx->c_user_len;
	a.workstation.data = ctx->c_ws;
	a.workstation.len = ctx->c_ws_len;
	if (flags & NTLMSSP_NEGOTIATE_KEY_EXCH) {
		a.encrypted_session_key.data = enc_key;
		a.encrypted_session_key.len = 16;
	}
	a.has_version = (flags & NTLMSSP_NEGOTIATE_VERSION) != 0;
	memcpy(a.version, our_version, VERSION_LEN);
	a.has_mic = ctx->mic;
	if (ntlmssp_authenticate_encode(&a, msg, len) < 0) {
		ret = ERROR_INVALID_PARAMETER; /* a field too long */
		goto out;
	}
	if (ctx->mic)
		compute_mic(ctx, exported, *msg, *len, *msg + NTLMSSP_AUTH_MIC_OFFSET);
	set_keys(ctx, flags, exported);
	ret = 0;
out:
	memset(key, 0, sizeof(key));
	memset(base_key, 0, sizeof(base_key));
	memset(exported, 0, sizeof(exported));
	free(av);
	free(temp);
	free(nt);
	return ret;
}

bool ntlmssp_established(const struct ntlmssp_ctx *ctx)
{
	return ctx && ctx->state == ST_ESTABLISHED;
}

uint32_t ntlmssp_flags(const struct ntlmssp_ctx *ctx)
{
	return ctx ? ctx->flags : 0;
}

const char *ntlmssp_user(const struct ntlmssp_ctx *ctx)
{
	return ntlmssp_established(ctx) ? ctx->user : NULL;
}

const char *ntlmssp_domain(const struct ntlmssp_ctx *ctx)
{
	return ntlmssp_established(ctx) ? ctx->domain : NULL;
}

bool ntlmssp_session_key(const struct ntlmssp_ctx *ctx, uint8_t key[16])
{
	if (!ntlmssp_established(ctx))
		return false;
	memcpy(key, ctx->exported, 16);
	return true;
}

/* ---- signing and sealing (ESS) -------------------------------------------- */

/* HMAC_MD5(SigningKey, SeqNum || Message)[0..7], then RC4 with the handle
 * when keys were exchanged; the signature is Version(1) || Checksum || SeqNum. */
static void make_sig(const struct ntlmssp_ctx *ctx, struct ntlmssp_dir *d, uint32_t seq, const uint8_t *msg,
		     size_t len, uint8_t sig[16])
{
	uint8_t seqb[4], mac[16];

	put32(seqb, seq);
	hmac_md5(d->sign_key, 16, seqb, 4, msg, len, mac);
	put32(sig, 1);
	if (ctx->flags & NTLMSSP_NEGOTIATE_KEY_EXCH)
		arcfour_crypt(&d->rc4, 8, sig + 4, mac);
	else
		memcpy(sig + 4, mac, 8);
	put32(sig + 12, seq);
}

uint32_t ntlmssp_sign(struct ntlmssp_ctx *ctx, const uint8_t *msg, size_t len, uint8_t sig[16])
{
	if (!ntlmssp_established(ctx))
		return ERROR_INVALID_FUNCTION;
	make_sig(ctx, &ctx->send, ctx->send.seq, msg, len, sig);
	ctx->send.seq++;
	return 0;
}

uint32_t ntlmssp_seal(struct ntlmssp_ctx *ctx, uint8_t *data, size_t data_len, const uint8_t *whole,
		      size_t whole_len, uint8_t sig[16])
{
	uint8_t seqb[4], mac[16];

	if (!ntlmssp_established(ctx))
		return ERROR_INVALID_FUNCTION;
	if (!whole) {
		whole = data;
		whole_len = data_len;
	}
	/* The checksum covers the plaintext; the RC4 stream encrypts the
	 * message first and the checksum after it. */
	put32(seqb, ctx->send.seq);
	hmac_md5(ctx->send.sign_key, 16, seqb, 4, whole, whole_len, mac);
	if (data_len)
		arcfour_crypt(&ctx->send.rc4, data_len, data, data);
	put32(sig, 1);
	if (ctx->flags & NTLMSSP_NEGOTIATE_KEY_EXCH)
		arcfour_crypt(&ctx->send.rc4, 8, sig + 4, mac);
	else
		memcpy(sig + 4, mac, 8);
	put32(sig + 12, ctx->send.seq);
	ctx->send.seq++;
	return 0;
}

/* The version and the sequence number are checked before anything changes. */
static bool sig_header_ok(const struct ntlmssp_ctx *ctx, const uint8_t sig[16])
{
	return get32(sig) == 1 && get32(sig + 12) == ctx->recv.seq;
}

uint32_t ntlmssp_verify(struct ntlmssp_ctx *ctx, const uint8_t *msg, size_t len, const uint8_t sig[16])
{
	struct ntlmssp_dir saved;
	uint8_t expect[16];

	if (!ntlmssp_established(ctx))
		return ERROR_INVALID_FUNCTION;
	if (!sig || !sig_header_ok(ctx, sig))
		return ERROR_ACCESS_DENIED;
	saved = ctx->recv;
	make_sig(ctx, &ctx->recv, ctx->recv.seq, msg, len, expect);
	if (!memeql_sec(expect, sig, 16)) {
		ctx->recv = saved;
		return ERROR_ACCESS_DENIED;
	}
	ctx->recv.seq++;
	return 0;
}

uint32_t ntlmssp_unseal(struct ntlmssp_ctx *ctx, uint8_t *data, size_t data_len, const uint8_t *whole,
			size_t whole_len, const uint8_t sig[16])
{
	struct ntlmssp_dir saved;
	uint8_t seqb[4], mac[16], got[8];

	if (!ntlmssp_established(ctx))
		return ERROR_INVALID_FUNCTION;
	if (!sig || !sig_header_ok(ctx, sig))
		return ERROR_ACCESS_DENIED;
	if (!whole) {
		whole = data;
		whole_len = data_len;
	}
	saved = ctx->recv;
	if (data_len)
		arcfour_crypt(&ctx->recv.rc4, data_len, data, data);
	if (ctx->flags & NTLMSSP_NEGOTIATE_KEY_EXCH)
		arcfour_crypt(&ctx->recv.rc4, 8, got, sig + 4);
	else
		memcpy(got, sig + 4, 8);
	put32(seqb, ctx->recv.seq);
	hmac_md5(ctx->recv.sign_key, 16, seqb, 4, whole, whole_len, mac);
	if (!memeql_sec(mac, got, 8)) {
		/* Put the ciphertext back too: the caller sees what it gave. */
		ctx->recv = saved;
		if (data_len) {
			struct arcfour_ctx again = saved.rc4;

			arcfour_crypt(&again, data_len, data, data);
			memset(&again, 0, sizeof(again));
		}
		return ERROR_ACCESS_DENIED;
	}
	ctx->recv.seq++;
	return 0;
}
