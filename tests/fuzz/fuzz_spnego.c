/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz the SPNEGO token decoder (src/rpc/spnego.c), the part of SPNEGO that
 * reads what an unauthenticated client sends.  A token that decodes is
 * encoded again from its fields and must decode to the same fields; every
 * result must point inside the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rpc/spnego.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void inside(const struct spnego_blob *b, const uint8_t *data, size_t size)
{
	if (b->data && (b->data < data || b->len > size || b->data + b->len > data + size))
		abort();
}

static void same(const struct spnego_blob *a, const struct spnego_blob *b)
{
	if (!a->data != !b->data || a->len != b->len || (a->len && memcmp(a->data, b->data, a->len) != 0))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spnego_token t, u;
	uint8_t *out = NULL;
	size_t out_len = 0;
	int rc;

	if (spnego_decode(data, size, &t) < 0)
		return 0;
	inside(&t.mech_list, data, size);
	inside(&t.mech_token, data, size);
	inside(&t.response_token, data, size);
	inside(&t.supported_mech, data, size);
	inside(&t.mic, data, size);
	for (size_t i = 0; i < t.n_mechs; i++)
		inside(&t.mechs[i], data, size);

	if (t.kind == SPNEGO_INIT)
		rc = spnego_encode_init(t.mechs, t.n_mechs, &t.mech_token, &t.mic, &out, &out_len);
	else
		rc = spnego_encode_resp(t.neg_state, &t.supported_mech, &t.response_token, &t.mic, &out, &out_len);
	if (rc < 0)
		return 0; /* grew past the cap (a long-form length re-encoded) */
	if (spnego_decode(out, out_len, &u) < 0 || u.kind != t.kind || u.n_mechs != t.n_mechs ||
	    u.neg_state != t.neg_state)
		abort();
	for (size_t i = 0; i < t.n_mechs; i++)
		same(&t.mechs[i], &u.mechs[i]);
	same(&t.mech_token, &u.mech_token);
	same(&t.response_token, &u.response_token);
	same(&t.supported_mech, &u.supported_mech);
	same(&t.mic, &u.mic);
	free(out);
	return 0;
}
