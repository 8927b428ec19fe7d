/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The table of opnums (src/cmrp/cmrp_table.c): every entry is whole and
 * consistent with itself, its handle slots lie inside its typed structs and
 * name the handles the codec really puts on the wire, the kinds are what the
 * reconnect logic relies on, and every entry's codecs round-trip.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cmrp/cmrp_table.h"

static void test_entries_whole(void **state)
{
	(void)state;
	unsigned n = 0;
	for (unsigned opnum = 0; opnum < CMRP_OPNUM_COUNT; opnum++) {
		const struct cmrp_op *op = cmrp_op((uint16_t)opnum);
		if (!op)
			continue;
		n++;
		assert_non_null(op->in);
		assert_non_null(op->out);
		assert_true(op->in->size <= sizeof(union cmrp_any_in));
		assert_true(op->out->size <= sizeof(union cmrp_any_out));
		for (unsigned i = 0; i < CMRP_MAX_IN_HANDLES; i++) {
			if (op->in_handles[i].type)
				assert_true(op->in_handles[i].offset + sizeof(struct rpc_ctx_handle) <= op->in->size);
		}
		if (op->out_handle.type)
			assert_true(op->out_handle.offset + sizeof(struct rpc_ctx_handle) <= op->out->size);
		if (op->kind == CMRP_CALL_CLOSE) {
			assert_int_equal(op->out_handle.type, op->in_handles[0].type);
			assert_ptr_equal(op->out, &cmrp_codec_close);
		}
		if (op->kind == CMRP_CALL_CONTROL)
			assert_ptr_equal(op->in, &cmrp_codec_control_in);
	}
	/* the calls clusterd answers today (107, 8 of issue 11's dependencies
	 * and owners, its 2 resource type calls, and issue 13's
	 * AddNotifyNetwork/NetInterface, their ReAdds, SetKeySecurity, 4
	 * network calls and AddNotifyKey) */
	assert_int_equal(n, 127);
	assert_null(cmrp_op(CMRP_OPNUM_COUNT));
	assert_null(cmrp_op(0xffff));
	assert_string_equal(cmrp_op(CMRP_OPEN_CLUSTER_EX)->name, "ApiOpenClusterEx");
}

/* A distinct handle per slot, encoded, must be found at the slot's offset
 * after decoding: the table's positions are where the codec puts handles. */
static void test_slots_round_trip(void **state)
{
	(void)state;
	for (unsigned opnum = 0; opnum < CMRP_OPNUM_COUNT; opnum++) {
		const struct cmrp_op *op = cmrp_op((uint16_t)opnum);
		union cmrp_any_in a, b;
		struct ndr_push p;
		struct ndr_pull in;
		if (!op)
			continue;
		memset(&a, 0, sizeof(a));
		for (unsigned i = 0; i < CMRP_MAX_IN_HANDLES; i++) {
			if (!op->in_handles[i].type)
				continue;
			struct rpc_ctx_handle *h = cmrp_slot_handle(&a, &op->in_handles[i]);
			memset(h, 0x11 * (i + 1), sizeof(*h));
			h->attributes = 0;
		}
		static const uint16_t empty[1] = { 0 };
		if (op->in == &cmrp_codec_name || op->in == &cmrp_codec_name_u32)
			a.name.name = (struct cmrp_string){ (uint16_t *)empty, 0 };
		if (op->in == &cmrp_codec_handle_name)
			a.handle_name.name = (struct cmrp_string){ (uint16_t *)empty, 0 };
		if (op->in == &cmrp_codec_create_resource) {
			a.create_resource.name = (struct cmrp_string){ (uint16_t *)empty, 0 };
			a.create_resource.type = (struct cmrp_string){ (uint16_t *)empty, 0 };
		}
		if (op->in == &cmrp_codec_create_key)
			a.create_key.subkey = (struct cmrp_string){ (uint16_t *)empty, 0 };
		if (op->in == &cmrp_codec_set_value)
			a.set_value.name = (struct cmrp_string){ (uint16_t *)empty, 0 };
		if (op->in == &cmrp_codec_control_in)
			a.control.type_name = (struct cmrp_string){ (uint16_t *)empty, 0 };
		if (op->in == &cmrp_codec_set_password_in)
			a.set_password.password = (struct cmrp_string){ (uint16_t *)empty, 0 };
		ndr_push_init(&p);
		assert_true(op->in->encode(&p, &a, op->in_arg));
		ndr_pull_init(&in, p.data, p.len, false);
		assert_true(op->in->decode(&in, &b, op->in_arg));
		for (unsigned i = 0; i < CMRP_MAX_IN_HANDLES; i++) {
			if (!op->in_handles[i].type)
				continue;
			assert_memory_equal(cmrp_slot_handle(&a, &op->in_handles[i]),
					    cmrp_slot_handle(&b, &op->in_handles[i]), sizeof(struct rpc_ctx_handle));
		}
		if (op->in->free)
			op->in->free(&b);
		ndr_push_free(&p);
	}
}

static void test_kinds(void **state)
{
	(void)state;
	struct cmrp_control_in c = { .code = 0x01000001 }; /* read access */
	const struct cmrp_op *ctl = cmrp_op(CMRP_RESOURCE_CONTROL);
	assert_int_equal(cmrp_op_kind(ctl, &c), CMRP_CALL_READ);
	c.code = 0x01400006; /* modify bit */
	assert_int_equal(cmrp_op_kind(ctl, &c), CMRP_CALL_WRITE);
	c.code = 0x01000002; /* write access */
	assert_int_equal(cmrp_op_kind(ctl, &c), CMRP_CALL_WRITE);
	assert_int_equal(cmrp_op_kind(cmrp_op(CMRP_CLOSE_GROUP), NULL), CMRP_CALL_CLOSE);
	assert_int_equal(cmrp_op_kind(cmrp_op(CMRP_GET_NODE_STATE), NULL), CMRP_CALL_READ);
	assert_int_equal(cmrp_op_kind(cmrp_op(CMRP_ONLINE_GROUP), NULL), CMRP_CALL_WRITE);
	assert_int_equal(cmrp_op_kind(NULL, NULL), CMRP_CALL_WRITE);
	/* MoveGroupToNode: the group, then the node */
	const struct cmrp_op *mv = cmrp_op(CMRP_MOVE_GROUP_TO_NODE);
	assert_int_equal(mv->in_handles[0].type, CMRP_HANDLE_GROUP);
	assert_int_equal(mv->in_handles[1].type, CMRP_HANDLE_NODE);
	assert_int_equal(cmrp_op(CMRP_OPEN_KEY)->out_handle.type, CMRP_HANDLE_KEY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entries_whole),
		cmocka_unit_test(test_slots_round_trip),
		cmocka_unit_test(test_kinds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
