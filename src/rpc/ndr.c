/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "ndr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Default hard cap on anything we marshal: far above any MS-CMRP reply. */
#define NDR_PUSH_DEFAULT_MAX (64u * 1024u * 1024u)

void ndr_pull_init(struct ndr_pull *ndr, const uint8_t *data, size_t len, bool big_endian)
{
	ndr->data = data;
	ndr->len = len;
	ndr->off = 0;
	ndr->big_endian = big_endian;
	ndr->error = false;
}

size_t ndr_pull_remaining(const struct ndr_pull *ndr)
{
	return ndr->len - ndr->off;
}

static bool ndr_pull_need(struct ndr_pull *ndr, size_t n)
{
	if (ndr->error || n > ndr->len - ndr->off) {
		ndr->error = true;
		return false;
	}
	return true;
}

bool ndr_pull_align(struct ndr_pull *ndr, size_t n)
{
	size_t pad = (n - (ndr->off & (n - 1))) & (n - 1);
	if (!ndr_pull_need(ndr, pad))
		return false;
	ndr->off += pad;
	return true;
}

bool ndr_pull_bytes(struct ndr_pull *ndr, void *out, size_t n)
{
	if (!ndr_pull_need(ndr, n))
		return false;
	memcpy(out, ndr->data + ndr->off, n);
	ndr->off += n;
	return true;
}

bool ndr_pull_u8(struct ndr_pull *ndr, uint8_t *v)
{
	return ndr_pull_bytes(ndr, v, 1);
}

static uint64_t ndr_pull_uint(struct ndr_pull *ndr, size_t n)
{
	const uint8_t *p = ndr->data + ndr->off;
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		size_t idx = ndr->big_endian ? i : n - 1 - i;
		v = (v << 8) | p[idx];
	}
	ndr->off += n;
	return v;
}

bool ndr_pull_u16(struct ndr_pull *ndr, uint16_t *v)
{
	if (!ndr_pull_align(ndr, 2) || !ndr_pull_need(ndr, 2))
		return false;
	*v = (uint16_t)ndr_pull_uint(ndr, 2);
	return true;
}

bool ndr_pull_u32(struct ndr_pull *ndr, uint32_t *v)
{
	if (!ndr_pull_align(ndr, 4) || !ndr_pull_need(ndr, 4))
		return false;
	*v = (uint32_t)ndr_pull_uint(ndr, 4);
	return true;
}

bool ndr_pull_u64(struct ndr_pull *ndr, uint64_t *v)
{
	if (!ndr_pull_align(ndr, 8) || !ndr_pull_need(ndr, 8))
		return false;
	*v = ndr_pull_uint(ndr, 8);
	return true;
}

bool ndr_pull_uuid(struct ndr_pull *ndr, struct rpc_uuid *u)
{
	/* A UUID is a structure of 4-byte alignment. */
	if (!ndr_pull_u32(ndr, &u->time_low) || !ndr_pull_u16(ndr, &u->time_mid) ||
	    !ndr_pull_u16(ndr, &u->time_hi))
		return false;
	return ndr_pull_bytes(ndr, u->rest, sizeof(u->rest));
}

bool ndr_pull_ctx_handle(struct ndr_pull *ndr, struct rpc_ctx_handle *h)
{
	return ndr_pull_u32(ndr, &h->attributes) && ndr_pull_uuid(ndr, &h->uuid);
}

bool ndr_pull_ptr(struct ndr_pull *ndr, uint32_t *referent)
{
	return ndr_pull_u32(ndr, referent);
}

bool ndr_pull_string(struct ndr_pull *ndr, uint16_t **out, size_t *units, size_t max_units)
{
	uint32_t max_count, offset, actual;

	*out = NULL;
	*units = 0;
	if (!ndr_pull_u32(ndr, &max_count) || !ndr_pull_u32(ndr, &offset) || !ndr_pull_u32(ndr, &actual))
		return false;
	if (max_units > NDR_MAX_STRING_UNITS)
		max_units = NDR_MAX_STRING_UNITS;
	/* Every count is checked against the cap and against the bytes present
	 * before anything is allocated. */
	if (offset != 0 || actual == 0 || actual > max_count || actual > max_units ||
	    (size_t)actual * 2 > ndr_pull_remaining(ndr)) {
		ndr->error = true;
		return false;
	}
	uint16_t *s = malloc((size_t)actual * sizeof(uint16_t));
	if (!s) {
		ndr->error = true;
		return false;
	}
	for (uint32_t i = 0; i < actual; i++)
		s[i] = (uint16_t)ndr_pull_uint(ndr, 2);
	if (s[actual - 1] != 0) {
		free(s);
		ndr->error = true;
		return false;
	}
	/* An embedded NUL would make the string mean two things: refuse it. */
	for (uint32_t i = 0; i + 1 < actual; i++) {
		if (s[i] == 0) {
			free(s);
			ndr->error = true;
			return false;
		}
	}
	*out = s;
	*units = actual - 1;
	return true;
}

void ndr_push_init(struct ndr_push *ndr)
{
	memset(ndr, 0, sizeof(*ndr));
	ndr->next_referent = 0x00020000;
}

void ndr_push_free(struct ndr_push *ndr)
{
	free(ndr->data);
	ndr_push_init(ndr);
}

uint8_t *ndr_push_steal(struct ndr_push *ndr, size_t *len)
{
	uint8_t *p = ndr->data;
	*len = ndr->len;
	ndr_push_init(ndr);
	return p;
}

static bool ndr_push_grow(struct ndr_push *ndr, size_t n)
{
	size_t max = ndr->max ? ndr->max : NDR_PUSH_DEFAULT_MAX;
	if (ndr->error)
		return false;
	if (n > max - ndr->len) {
		ndr->error = true;
		return false;
	}
	if (ndr->len + n <= ndr->cap)
		return true;
	size_t cap = ndr->cap ? ndr->cap : 256;
	while (cap < ndr->len + n)
		cap *= 2;
	uint8_t *p = realloc(ndr->data, cap);
	if (!p) {
		ndr->error = true;
		return false;
	}
	ndr->data = p;
	ndr->cap = cap;
	return true;
}

bool ndr_push_bytes(struct ndr_push *ndr, const void *p, size_t n)
{
	if (!ndr_push_grow(ndr, n))
		return false;
	if (n)
		memcpy(ndr->data + ndr->len, p, n);
	ndr->len += n;
	return true;
}

bool ndr_push_zeros(struct ndr_push *ndr, size_t n)
{
	if (!ndr_push_grow(ndr, n))
		return false;
	if (n) /* an empty push has no buffer yet */
		memset(ndr->data + ndr->len, 0, n);
	ndr->len += n;
	return true;
}

bool ndr_push_align(struct ndr_push *ndr, size_t n)
{
	return ndr_push_zeros(ndr, (n - (ndr->len & (n - 1))) & (n - 1));
}

static bool ndr_push_uint(struct ndr_push *ndr, uint64_t v, size_t n)
{
	uint8_t b[8];
	if (!ndr_push_align(ndr, n))
		return false;
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	return ndr_push_bytes(ndr, b, n);
}

bool ndr_push_u8(struct ndr_push *ndr, uint8_t v)
{
	return ndr_push_bytes(ndr, &v, 1);
}

bool ndr_push_u16(struct ndr_push *ndr, uint16_t v)
{
	return ndr_push_uint(ndr, v, 2);
}

bool ndr_push_u32(struct ndr_push *ndr, uint32_t v)
{
	return ndr_push_uint(ndr, v, 4);
}

bool ndr_push_u64(struct ndr_push *ndr, uint64_t v)
{
	return ndr_push_uint(ndr, v, 8);
}

bool ndr_push_uuid(struct ndr_push *ndr, const struct rpc_uuid *u)
{
	return ndr_push_u32(ndr, u->time_low) && ndr_push_u16(ndr, u->time_mid) &&
	       ndr_push_u16(ndr, u->time_hi) && ndr_push_bytes(ndr, u->rest, sizeof(u->rest));
}

bool ndr_push_ctx_handle(struct ndr_push *ndr, const struct rpc_ctx_handle *h)
{
	return ndr_push_u32(ndr, h->attributes) && ndr_push_uuid(ndr, &h->uuid);
}

bool ndr_push_ptr(struct ndr_push *ndr, bool present)
{
	if (!present)
		return ndr_push_u32(ndr, 0);
	uint32_t ref = ndr->next_referent;
	ndr->next_referent += 4;
	return ndr_push_u32(ndr, ref);
}

bool ndr_push_string(struct ndr_push *ndr, const uint16_t *s, size_t units)
{
	if (units >= NDR_MAX_STRING_UNITS) {
		ndr->error = true;
		return false;
	}
	uint32_t n = (uint32_t)units + 1;
	if (!ndr_push_u32(ndr, n) || !ndr_push_u32(ndr, 0) || !ndr_push_u32(ndr, n))
		return false;
	for (size_t i = 0; i < units; i++)
		if (!ndr_push_uint(ndr, s[i], 2))
			return false;
	return ndr_push_uint(ndr, 0, 2);
}

void ndr_push_u16_at(struct ndr_push *ndr, size_t off, uint16_t v)
{
	if (off + 2 <= ndr->len) {
		ndr->data[off] = (uint8_t)v;
		ndr->data[off + 1] = (uint8_t)(v >> 8);
	}
}

void ndr_push_u32_at(struct ndr_push *ndr, size_t off, uint32_t v)
{
	if (off + 4 <= ndr->len)
		for (int i = 0; i < 4; i++)
			ndr->data[off + (size_t)i] = (uint8_t)(v >> (8 * i));
}

bool rpc_uuid_equal(const struct rpc_uuid *a, const struct rpc_uuid *b)
{
	return a->time_low == b->time_low && a->time_mid == b->time_mid && a->time_hi == b->time_hi &&
	       memcmp(a->rest, b->rest, sizeof(a->rest)) == 0;
}

bool rpc_uuid_is_nil(const struct rpc_uuid *u)
{
	static const struct rpc_uuid nil;
	return rpc_uuid_equal(u, &nil);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool rpc_uuid_parse(const char *s, struct rpc_uuid *u)
{
	uint8_t b[16];
	size_t bi = 0;

	if (strlen(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-')
		return false;
	for (size_t i = 0; i < 36;) {
		if (s[i] == '-') {
			i++;
			continue;
		}
		int hi = hexval(s[i]), lo = hexval(s[i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		b[bi++] = (uint8_t)(hi << 4 | lo);
		i += 2;
	}
	u->time_low = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	u->time_mid = (uint16_t)(b[4] << 8 | b[5]);
	u->time_hi = (uint16_t)(b[6] << 8 | b[7]);
	memcpy(u->rest, b + 8, 8);
	return true;
}

void rpc_uuid_format(const struct rpc_uuid *u, char *buf)
{
	snprintf(buf, 37, "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x", u->time_low, u->time_mid,
		 u->time_hi, u->rest[0], u->rest[1], u->rest[2], u->rest[3], u->rest[4], u->rest[5], u->rest[6],
		 u->rest[7]);
}
