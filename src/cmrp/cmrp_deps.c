/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cmrp_deps.h"

#include <stdlib.h>
#include <string.h>

#include "cmrp/cmrp.h"

bool cmrp_handle_wstr_encode_in(struct ndr_push *p, const struct cmrp_handle_wstr_in *r, unsigned form)
{
	ndr_push_ctx_handle(p, &r->handle);
	ndr_push_ptr(p, r->present);
	if (form == CMRP_WSTR_STRING) {
		if (r->present)
			ndr_push_string(p, r->s, r->units);
		return !p->error;
	}
	if (r->present) {
		ndr_push_u32(p, r->units); /* max count */
		for (uint32_t i = 0; i < r->units; i++)
			ndr_push_u16(p, r->s[i]);
		ndr_push_align(p, 4);
	}
	return ndr_push_u32(p, r->units);
}

bool cmrp_handle_wstr_decode_in(struct ndr_pull *in, struct cmrp_handle_wstr_in *r, unsigned form)
{
	uint32_t ref = 0, max = 0, cch = 0;
	memset(r, 0, sizeof(*r));
	ndr_pull_ctx_handle(in, &r->handle);
	ndr_pull_ptr(in, &ref);
	r->present = ref != 0;
	if (form == CMRP_WSTR_STRING) {
		if (r->present && !in->error) {
			size_t units = 0;
			if (ndr_pull_string(in, &r->s, &units, CMRP_MAX_WSTR_UNITS))
				r->units = (uint32_t)units;
		}
	} else {
		if (r->present && ndr_pull_u32(in, &max)) {
			if (max > CMRP_MAX_WSTR_UNITS)
				in->error = true;
			else if ((r->s = calloc((size_t)max + 1, sizeof(uint16_t))) == NULL)
				in->error = true;
			for (uint32_t i = 0; i < max && !in->error; i++)
				ndr_pull_u16(in, &r->s[i]);
			ndr_pull_align(in, 4);
		}
		ndr_pull_u32(in, &cch);
		if (!in->error && r->present && cch != max)
			in->error = true;
		r->units = cch;
	}
	if (!cmrp_decode_done(in)) {
		cmrp_handle_wstr_in_free(r);
		return false;
	}
	return true;
}

void cmrp_handle_wstr_in_free(struct cmrp_handle_wstr_in *r)
{
	free(r->s);
	r->s = NULL;
	r->units = 0;
}

/* ---- as a codec of the table (cmrp_table.h) ---- */

#include "cmrp/cmrp_table.h"

static bool handle_wstr_enc(struct ndr_push *p, const void *v, unsigned form)
{
	return cmrp_handle_wstr_encode_in(p, v, form);
}
static bool handle_wstr_dec(struct ndr_pull *in, void *v, unsigned form)
{
	return cmrp_handle_wstr_decode_in(in, v, form);
}
static void handle_wstr_free(void *v)
{
	cmrp_handle_wstr_in_free(v);
}

const struct cmrp_codec cmrp_codec_handle_wstr = { "handle_wstr", sizeof(struct cmrp_handle_wstr_in),
						   handle_wstr_enc, handle_wstr_dec, handle_wstr_free };
