/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* SPNEGO token codec (spnego.h): DER, definite minimal lengths, low tags. */
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "spnego.h"

const uint8_t spnego_oid_krb5[9] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02 };
const uint8_t spnego_oid_ms_krb5[9] = { 0x2a, 0x86, 0x48, 0x82, 0xf7, 0x12, 0x01, 0x02, 0x02 };
const uint8_t spnego_oid_ntlm[10] = { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a };
static const uint8_t oid_spnego[6] = { 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02 };

#define TAG_BIT_STRING 0x03
#define TAG_OCTET_STRING 0x04
#define TAG_OID 0x06
#define TAG_ENUMERATED 0x0a
#define TAG_SEQUENCE 0x30
#define TAG_APPLICATION_0 0x60
#define TAG_CTX(n) (0xa0 | (n))

bool spnego_oid_is(const struct spnego_blob *oid, const uint8_t *want, size_t want_len)
{
	return oid->data && oid->len == want_len && memcmp(oid->data, want, want_len) == 0;
}

/* ---- decoding ------------------------------------------------------------- */

struct cursor {
	const uint8_t *p;
	size_t len;
};

static int peek_tag(const struct cursor *c)
{
	return c->len ? c->p[0] : -1;
}

/* One element with tag `tag`: its contents in *content, the whole element
 * in *whole (may be NULL); the cursor moves past it. */
static int get(struct cursor *c, uint8_t tag, struct cursor *content, struct spnego_blob *whole)
{
	size_t hdr, len;

	if (c->len < 2 || c->p[0] != tag)
		return -1;
	if (c->p[1] < 0x80) {
		hdr = 2;
		len = c->p[1];
	} else {
		size_t n = c->p[1] & 0x7f;
		/* 1..3 length bytes, no leading zero, and only when needed */
		if (n == 0 || n > 3 || c->len < 2 + n || c->p[2] == 0)
			return -1;
		len = 0;
		for (size_t i = 0; i < n; i++)
			len = len << 8 | c->p[2 + i];
		if (len < 0x80)
			return -1;
		hdr = 2 + n;
	}
	if (len > c->len - hdr)
		return -1;
	content->p = c->p + hdr;
	content->len = len;
	if (whole) {
		whole->data = c->p;
		whole->len = hdr + len;
	}
	c->p += hdr + len;
	c->len -= hdr + len;
	return 0;
}

static int get_oid(struct cursor *c, struct spnego_blob *oid)
{
	struct cursor v;

	/* non-empty, and the last sub-identifier ends */
	if (get(c, TAG_OID, &v, NULL) < 0 || v.len == 0 || (v.p[v.len - 1] & 0x80))
		return -1;
	oid->data = v.p;
	oid->len = v.len;
	return 0;
}

/* [n] EXPLICIT inner: the wrapper must hold exactly one element. */
static int get_explicit(struct cursor *c, uint8_t n, struct cursor *inner)
{
	return get(c, TAG_CTX(n), inner, NULL);
}

static int get_octets(struct cursor *c, uint8_t n, struct spnego_blob *out)
{
	struct cursor w, v;

	if (get_explicit(c, n, &w) < 0 || get(&w, TAG_OCTET_STRING, &v, NULL) < 0 || w.len != 0)
		return -1;
	out->data = v.p ? v.p : (const uint8_t *)"";
	out->len = v.len;
	return 0;
}

static int decode_mech_list(struct cursor *w, struct spnego_token *t)
{
	struct cursor list;

	if (get(w, TAG_SEQUENCE, &list, &t->mech_list) < 0 || w->len != 0)
		return -1;
	while (list.len) {
		if (t->n_mechs == SPNEGO_MAX_MECHS || get_oid(&list, &t->mechs[t->n_mechs]) < 0)
			return -1;
		t->n_mechs++;
	}
	return t->n_mechs ? 0 : -1;
}

static int decode_init(struct cursor *c, struct spnego_token *t)
{
	struct cursor seq, w, v;

	if (get(c, TAG_SEQUENCE, &seq, NULL) < 0 || c->len != 0)
		return -1;
	t->kind = SPNEGO_INIT;
	if (get_explicit(&seq, 0, &w) < 0 || decode_mech_list(&w, t) < 0)
		return -1;
	if (peek_tag(&seq) == TAG_CTX(1)) { /* reqFlags: a BIT STRING we ignore */
		if (get_explicit(&seq, 1, &w) < 0 || get(&w, TAG_BIT_STRING, &v, NULL) < 0 || v.len == 0 || w.len != 0)
			return -1;
	}
	if (peek_tag(&seq) == TAG_CTX(2) && get_octets(&seq, 2, &t->mech_token) < 0)
		return -1;
	if (peek_tag(&seq) == TAG_CTX(3)) {
		/* [3] is the mechListMIC of RFC 4178, or the negHints (a
		 * SEQUENCE) of MS-SPNG's NegTokenInit2, whose MIC is [4] */
		if (seq.len >= 3 && seq.p[1] < 0x80 && seq.p[2] == TAG_SEQUENCE) {
			if (get_explicit(&seq, 3, &w) < 0 || get(&w, TAG_SEQUENCE, &v, NULL) < 0 || w.len != 0)
				return -1;
			if (peek_tag(&seq) == TAG_CTX(4) && get_octets(&seq, 4, &t->mic) < 0)
				return -1;
		} else if (get_octets(&seq, 3, &t->mic) < 0) {
			return -1;
		}
	}
	return seq.len == 0 ? 0 : -1;
}

static int decode_resp(struct cursor *c, struct spnego_token *t)
{
	struct cursor seq, w, v;

	if (get(c, TAG_SEQUENCE, &seq, NULL) < 0 || c->len != 0)
		return -1;
	t->kind = SPNEGO_RESP;
	if (peek_tag(&seq) == TAG_CTX(0)) {
		if (get_explicit(&seq, 0, &w) < 0 || get(&w, TAG_ENUMERATED, &v, NULL) < 0 || w.len != 0 || v.len != 1 ||
		    v.p[0] > SPNEGO_REQUEST_MIC)
			return -1;
		t->neg_state = v.p[0];
	}
	if (peek_tag(&seq) == TAG_CTX(1)) {
		if (get_explicit(&seq, 1, &w) < 0 || get_oid(&w, &t->supported_mech) < 0 || w.len != 0)
			return -1;
	}
	if (peek_tag(&seq) == TAG_CTX(2) && get_octets(&seq, 2, &t->response_token) < 0)
		return -1;
	if (peek_tag(&seq) == TAG_CTX(3) && get_octets(&seq, 3, &t->mic) < 0)
		return -1;
	return seq.len == 0 ? 0 : -1;
}

int spnego_decode(const uint8_t *msg, size_t len, struct spnego_token *out)
{
	struct cursor c = { msg, len }, inner, v;

	memset(out, 0, sizeof(*out));
	out->neg_state = SPNEGO_ABSENT;
	if (!msg || len == 0 || len > RPC_AUTH_MAX_TOKEN)
		return -1;
	if (peek_tag(&c) == TAG_APPLICATION_0) {
		if (get(&c, TAG_APPLICATION_0, &inner, NULL) < 0 || c.len != 0)
			return -1;
		if (get(&inner, TAG_OID, &v, NULL) < 0 || v.len != sizeof(oid_spnego) ||
		    memcmp(v.p, oid_spnego, sizeof(oid_spnego)) != 0)
			return -1;
		if (get_explicit(&inner, 0, &v) < 0 || inner.len != 0)
			return -1;
		return decode_init(&v, out);
	}
	if (get_explicit(&c, 1, &inner) < 0 || c.len != 0)
		return -1;
	return decode_resp(&inner, out);
}

/* ---- encoding ----------------------------------------------------------------- */

struct dbuf {
	uint8_t *p;
	size_t len;
	bool fail;
};

static void put(struct dbuf *b, const void *d, size_t n)
{
	if (b->fail || n == 0)
		return;
	if (b->len + n > RPC_AUTH_MAX_TOKEN) {
		b->fail = true;
		return;
	}
	uint8_t *np = realloc(b->p, b->len + n);
	if (!np) {
		b->fail = true;
		return;
	}
	memcpy(np + b->len, d, n);
	b->p = np;
	b->len += n;
}

static size_t len_bytes(size_t len, uint8_t out[4])
{
	if (len < 0x80) {
		out[0] = (uint8_t)len;
		return 1;
	}
	if (len < 0x100) {
		out[0] = 0x81;
		out[1] = (uint8_t)len;
		return 2;
	}
	if (len < 0x10000) {
		out[0] = 0x82;
		out[1] = (uint8_t)(len >> 8);
		out[2] = (uint8_t)len;
		return 3;
	}
	out[0] = 0x83;
	out[1] = (uint8_t)(len >> 16);
	out[2] = (uint8_t)(len >> 8);
	out[3] = (uint8_t)len;
	return 4;
}

/* One element: tag, length, contents. */
static void put_tlv(struct dbuf *b, uint8_t tag, const void *d, size_t n)
{
	uint8_t hdr[5];
	size_t h = 1 + len_bytes(n, hdr + 1);

	hdr[0] = tag;
	put(b, hdr, h);
	put(b, d, n);
}

/* Wrap what *inner holds in tag, appended to *b; inner is freed. */
static void wrap(struct dbuf *b, uint8_t tag, struct dbuf *inner)
{
	if (inner->fail)
		b->fail = true;
	else
		put_tlv(b, tag, inner->p, inner->len);
	free(inner->p);
	*inner = (struct dbuf){ 0 };
}

static void put_explicit_octets(struct dbuf *b, uint8_t n, const struct spnego_blob *v)
{
	struct dbuf in = { 0 };

	if (!v || !v->data)
		return;
	put_tlv(&in, TAG_OCTET_STRING, v->data, v->len);
	wrap(b, TAG_CTX(n), &in);
}

static int finish(struct dbuf *b, uint8_t **out, size_t *out_len)
{
	if (b->fail || !b->p) {
		free(b->p);
		*out = NULL;
		*out_len = 0;
		return -1;
	}
	*out = b->p;
	*out_len = b->len;
	return 0;
}

static void put_mech_list(struct dbuf *b, const struct spnego_blob *mechs, size_t n_mechs)
{
	struct dbuf list = { 0 };

	for (size_t i = 0; i < n_mechs; i++)
		put_tlv(&list, TAG_OID, mechs[i].data, mechs[i].len);
	if (n_mechs == 0)
		list.fail = true;
	wrap(b, TAG_SEQUENCE, &list);
}

int spnego_encode_mech_list(const struct spnego_blob *mechs, size_t n_mechs, uint8_t **out, size_t *out_len)
{
	struct dbuf b = { 0 };

	put_mech_list(&b, mechs, n_mechs);
	return finish(&b, out, out_len);
}

int spnego_encode_init(const struct spnego_blob *mechs, size_t n_mechs, const struct spnego_blob *mech_token,
		       const struct spnego_blob *mic, uint8_t **out, size_t *out_len)
{
	struct dbuf b = { 0 }, seq = { 0 }, field = { 0 }, init = { 0 };

	put_mech_list(&field, mechs, n_mechs);
	wrap(&seq, TAG_CTX(0), &field);
	put_explicit_octets(&seq, 2, mech_token);
	put_explicit_octets(&seq, 3, mic);
	wrap(&init, TAG_SEQUENCE, &seq);
	put_tlv(&field, TAG_OID, oid_spnego, sizeof(oid_spnego));
	wrap(&field, TAG_CTX(0), &init);
	wrap(&b, TAG_APPLICATION_0, &field);
	return finish(&b, out, out_len);
}

int spnego_encode_resp(int neg_state, const struct spnego_blob *supported_mech,
		       const struct spnego_blob *response_token, const struct spnego_blob *mic, uint8_t **out,
		       size_t *out_len)
{
	struct dbuf b = { 0 }, seq = { 0 }, field = { 0 };

	if (neg_state != SPNEGO_ABSENT) {
		uint8_t v = (uint8_t)neg_state;
		put_tlv(&field, TAG_ENUMERATED, &v, 1);
		wrap(&seq, TAG_CTX(0), &field);
	}
	if (supported_mech && supported_mech->data) {
		put_tlv(&field, TAG_OID, supported_mech->data, supported_mech->len);
		wrap(&seq, TAG_CTX(1), &field);
	}
	put_explicit_octets(&seq, 2, response_token);
	put_explicit_octets(&seq, 3, mic);
	wrap(&field, TAG_SEQUENCE, &seq);
	wrap(&b, TAG_CTX(1), &field);
	return finish(&b, out, out_len);
}
