/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cmrp_networks.h"

#include <stdlib.h>
#include <string.h>

static const uint16_t empty_string[1] = { 0 };

static bool push_string(struct ndr_push *p, const struct cmrp_string *s)
{
	return ndr_push_string(p, s->s ? s->s : empty_string, s->s ? s->units : 0);
}

static bool pull_string(struct ndr_pull *in, struct cmrp_string *s)
{
	memset(s, 0, sizeof(*s));
	return !in->error && ndr_pull_string(in, &s->s, &s->units, CMRP_MAX_NAME_UNITS);
}

bool cmrp_two_names_encode_in(struct ndr_push *p, const struct cmrp_two_names_in *r)
{
	push_string(p, &r->a);
	return push_string(p, &r->b);
}

bool cmrp_two_names_decode_in(struct ndr_pull *in, struct cmrp_two_names_in *r)
{
	memset(r, 0, sizeof(*r));
	pull_string(in, &r->a);
	pull_string(in, &r->b);
	if (!cmrp_decode_done(in)) {
		cmrp_two_names_in_free(r);
		return false;
	}
	return true;
}

void cmrp_two_names_in_free(struct cmrp_two_names_in *r)
{
	cmrp_string_free(&r->a);
	cmrp_string_free(&r->b);
}

bool cmrp_name_list_encode_in(struct ndr_push *p, const struct cmrp_name_list_in *r)
{
	if (r->count > CMRP_MAX_NETWORK_LIST) {
		p->error = true;
		return false;
	}
	ndr_push_u32(p, r->count);
	ndr_push_u32(p, r->count); /* the array's max count */
	for (uint32_t i = 0; i < r->count; i++)
		ndr_push_ptr(p, r->names[i].s != NULL);
	for (uint32_t i = 0; i < r->count; i++)
		if (r->names[i].s)
			push_string(p, &r->names[i]);
	return !p->error;
}

bool cmrp_name_list_decode_in(struct ndr_pull *in, struct cmrp_name_list_in *r)
{
	uint32_t max = 0;
	memset(r, 0, sizeof(*r));
	ndr_pull_u32(in, &r->count);
	ndr_pull_u32(in, &max);
	if (!in->error && (r->count > CMRP_MAX_NETWORK_LIST || max != r->count))
		in->error = true;
	/* Every referent takes 4 bytes: the count is checked before anything
	 * is allocated for it. */
	if (!in->error && r->count && (size_t)r->count * 4 > in->len - in->off)
		in->error = true;
	if (!in->error && r->count && !(r->names = calloc(r->count, sizeof(*r->names))))
		in->error = true;
	uint32_t *refs = !in->error && r->count ? calloc(r->count, sizeof(*refs)) : NULL;
	if (r->count && !refs)
		in->error = true;
	for (uint32_t i = 0; i < r->count && !in->error; i++)
		ndr_pull_ptr(in, &refs[i]);
	for (uint32_t i = 0; i < r->count && !in->error; i++)
		if (refs[i])
			pull_string(in, &r->names[i]);
	free(refs);
	if (!cmrp_decode_done(in)) {
		cmrp_name_list_in_free(r);
		return false;
	}
	return true;
}

void cmrp_name_list_in_free(struct cmrp_name_list_in *r)
{
	for (uint32_t i = 0; r->names && i < r->count; i++)
		cmrp_string_free(&r->names[i]);
	free(r->names);
	r->names = NULL;
	r->count = 0;
}

/* ---- as codecs of the table (cmrp_table.h) ---- */

#include "cmrp/cmrp_table.h"

static bool two_names_enc(struct ndr_push *p, const void *v, unsigned arg)
{
	(void)arg;
	return cmrp_two_names_encode_in(p, v);
}
static bool two_names_dec(struct ndr_pull *in, void *v, unsigned arg)
{
	(void)arg;
	return cmrp_two_names_decode_in(in, v);
}
static void two_names_free(void *v)
{
	cmrp_two_names_in_free(v);
}

static bool name_list_enc(struct ndr_push *p, const void *v, unsigned arg)
{
	(void)arg;
	return cmrp_name_list_encode_in(p, v);
}
static bool name_list_dec(struct ndr_pull *in, void *v, unsigned arg)
{
	(void)arg;
	return cmrp_name_list_decode_in(in, v);
}
static void name_list_free(void *v)
{
	cmrp_name_list_in_free(v);
}

const struct cmrp_codec cmrp_codec_two_names = { "two_names", sizeof(struct cmrp_two_names_in), two_names_enc,
						 two_names_dec, two_names_free };
const struct cmrp_codec cmrp_codec_name_list = { "name_list", sizeof(struct cmrp_name_list_in), name_list_enc,
						 name_list_dec, name_list_free };
