/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Helpers shared by the provider tests that run against the KDC of kdc.sh:
 * drive the legs of a client and a server context in one process, and build
 * PDU-shaped buffers (header, stub + pad, sec_trailer) to protect. */
#ifndef TESTS_KRB5_COMMON_H
#define TESTS_KRB5_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rpc/auth.h"

/* The client's first leg, then tokens back and forth until both are done
 * (as the engines do: bind, bind_ack, then alter_context or auth3).  0, or
 * the first error; *legs counts the tokens that crossed. */
static inline uint32_t run_legs(struct rpc_auth *c, struct rpc_auth *s, int *legs)
{
	uint8_t *tok = NULL, *tok2 = NULL;
	size_t len = 0, len2 = 0;
	uint32_t crc, src;
	int n = 0;

	crc = c->ops->step(c->st, NULL, 0, &tok, &len);
	for (;;) {
		if (crc != 0 && crc != RPC_AUTH_CONTINUE) {
			free(tok);
			return crc;
		}
		if (crc == 0 && !tok)
			break;
		n++;
		src = s->ops->step(s->st, tok, len, &tok2, &len2);
		free(tok);
		tok = NULL;
		if (src != 0 && src != RPC_AUTH_CONTINUE) {
			free(tok2);
			return src;
		}
		if (crc == 0) {
			/* auth3: nothing goes back */
			free(tok2);
			if (src != 0)
				return RPC_AUTH_CONTINUE;
			break;
		}
		if (!tok2 && src == 0) {
			/* server done with nothing to say, client still waiting */
			return RPC_AUTH_CONTINUE;
		}
		n++;
		crc = c->ops->step(c->st, tok2, len2, &tok, &len);
		free(tok2);
		tok2 = NULL;
		if (src == 0 && crc == 0 && !tok)
			break;
	}
	if (legs)
		*legs = n;
	return 0;
}

#define HDR_LEN 24
#define TRAILER_LEN 8

struct test_pdu {
	uint8_t buf[4096];
	size_t pdu_len, data_off, data_len;
	uint8_t plain[4096]; /* a copy before protection */
	uint8_t sig[1024];
	size_t sig_len;
};

/* A request-shaped PDU with a stub of stub_len bytes (a readable text, so a
 * sealed one can be told from it), padded to 16. */
static inline void make_pdu(struct test_pdu *p, size_t stub_len, uint8_t auth_type, uint8_t level, uint32_t call_id)
{
	static const char text[] = "vm-cluster-name ";
	size_t pad = (16 - stub_len % 16) % 16;

	memset(p, 0, sizeof(*p));
	p->buf[0] = 5;
	p->buf[2] = 0; /* request */
	p->buf[3] = 3;
	p->buf[4] = 0x10;
	p->buf[12] = (uint8_t)call_id;
	p->buf[16] = (uint8_t)stub_len;
	p->buf[22] = 117;
	p->data_off = HDR_LEN;
	p->data_len = stub_len + pad;
	for (size_t i = 0; i < stub_len; i++)
		p->buf[HDR_LEN + i] = (uint8_t)text[i % (sizeof(text) - 1)];
	uint8_t *t = p->buf + HDR_LEN + p->data_len;
	t[0] = auth_type;
	t[1] = level;
	t[2] = (uint8_t)pad;
	t[4] = 1; /* auth_context_id */
	p->pdu_len = HDR_LEN + p->data_len + TRAILER_LEN;
	memcpy(p->plain, p->buf, p->pdu_len);
}

static inline bool contains(const uint8_t *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(hay + i, needle, k) == 0)
			return true;
	return false;
}

#endif
