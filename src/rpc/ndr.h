/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * NDR 2.0 marshalling (C706 chapter 14), the subset MS-CMRP and the endpoint
 * mapper use.  Pull never reads past its buffer and never allocates more than
 * the bytes actually present justify; every failure is sticky (ndr->error), so
 * a decoder can pull a whole structure and check once at the end.
 *
 * Alignment is relative to the start of the buffer, which must be the start of
 * the stub (that is where NDR alignment is anchored).
 */
#ifndef RPC_NDR_H
#define RPC_NDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rpc_uuid {
	uint32_t time_low;
	uint16_t time_mid;
	uint16_t time_hi;
	uint8_t rest[8];
};

/* A context handle: 4-byte attributes + a UUID; all zero means NULL. */
struct rpc_ctx_handle {
	uint32_t attributes;
	struct rpc_uuid uuid;
};

struct ndr_pull {
	const uint8_t *data;
	size_t len;
	size_t off;
	bool big_endian;
	bool error;
};

struct ndr_push {
	uint8_t *data;
	size_t len;
	size_t cap;
	uint32_t next_referent;
	bool error; /* out of memory or over the cap */
	size_t max; /* hard cap on the buffer size, 0 = default cap */
};

/* Hard cap on one NDR string, in UTF-16 units (NUL included). */
#define NDR_MAX_STRING_UNITS 32768u

void ndr_pull_init(struct ndr_pull *ndr, const uint8_t *data, size_t len, bool big_endian);
bool ndr_pull_align(struct ndr_pull *ndr, size_t n);
bool ndr_pull_u8(struct ndr_pull *ndr, uint8_t *v);
bool ndr_pull_u16(struct ndr_pull *ndr, uint16_t *v);
bool ndr_pull_u32(struct ndr_pull *ndr, uint32_t *v);
bool ndr_pull_u64(struct ndr_pull *ndr, uint64_t *v);
bool ndr_pull_bytes(struct ndr_pull *ndr, void *out, size_t n);
bool ndr_pull_uuid(struct ndr_pull *ndr, struct rpc_uuid *u);
bool ndr_pull_ctx_handle(struct ndr_pull *ndr, struct rpc_ctx_handle *h);
/* A unique/full pointer's referent id (0 = NULL). */
bool ndr_pull_ptr(struct ndr_pull *ndr, uint32_t *referent);
/* A [string] conformant varying UTF-16 string; *out is malloc'd (NUL included),
 * *units excludes the NUL.  Refuses offset != 0, actual > max, a missing NUL and
 * anything longer than max_units. */
bool ndr_pull_string(struct ndr_pull *ndr, uint16_t **out, size_t *units, size_t max_units);
size_t ndr_pull_remaining(const struct ndr_pull *ndr);

void ndr_push_init(struct ndr_push *ndr);
void ndr_push_free(struct ndr_push *ndr);
/* Hand the buffer to the caller (who frees it); the push is reset. */
uint8_t *ndr_push_steal(struct ndr_push *ndr, size_t *len);
bool ndr_push_align(struct ndr_push *ndr, size_t n);
bool ndr_push_u8(struct ndr_push *ndr, uint8_t v);
bool ndr_push_u16(struct ndr_push *ndr, uint16_t v);
bool ndr_push_u32(struct ndr_push *ndr, uint32_t v);
bool ndr_push_u64(struct ndr_push *ndr, uint64_t v);
bool ndr_push_bytes(struct ndr_push *ndr, const void *p, size_t n);
bool ndr_push_zeros(struct ndr_push *ndr, size_t n);
bool ndr_push_uuid(struct ndr_push *ndr, const struct rpc_uuid *u);
bool ndr_push_ctx_handle(struct ndr_push *ndr, const struct rpc_ctx_handle *h);
/* A unique pointer: a fresh referent id if present, 0 if NULL. */
bool ndr_push_ptr(struct ndr_push *ndr, bool present);
/* A [string] UTF-16 string of `units` code units (no NUL in s needed). */
bool ndr_push_string(struct ndr_push *ndr, const uint16_t *s, size_t units);
/* Overwrite a little-endian u16/u32 at an offset already written. */
void ndr_push_u16_at(struct ndr_push *ndr, size_t off, uint16_t v);
void ndr_push_u32_at(struct ndr_push *ndr, size_t off, uint32_t v);

/* UUID helpers. */
bool rpc_uuid_equal(const struct rpc_uuid *a, const struct rpc_uuid *b);
bool rpc_uuid_is_nil(const struct rpc_uuid *u);
/* Parse "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"; false if malformed. */
bool rpc_uuid_parse(const char *s, struct rpc_uuid *u);
/* Format into buf (at least 37 bytes). */
void rpc_uuid_format(const struct rpc_uuid *u, char *buf);

#endif
