/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

void session_init(struct session *s, struct server_state *server, const struct principal *who, bool is_lpc)
{
	memset(s, 0, sizeof(*s));
	s->server = server;
	s->who = *who;
	s->is_lpc = is_lpc;
}

void session_free(struct session *s)
{
	for (size_t i = 0; i < s->cap; i++) {
		free(s->slots[i].key);
		if (s->slots[i].port)
			notify_port_free(s, s->slots[i].port);
	}
	free(s->slots);
	s->slots = NULL;
	s->cap = s->count = 0;
}

/* The UUIDs are random, so their first word is already a good hash. */
static size_t slot_of(const struct session *s, const struct rpc_uuid *u)
{
	return (u->time_low ^ ((uint32_t)u->time_mid << 16) ^ u->time_hi) & (s->cap - 1);
}

static void insert_slot(struct session *s, const struct handle_entry *e)
{
	size_t i = slot_of(s, &e->uuid);
	while (!rpc_uuid_is_nil(&s->slots[i].uuid))
		i = (i + 1) & (s->cap - 1);
	s->slots[i] = *e;
}

static bool session_grow(struct session *s)
{
	size_t ncap = s->cap ? s->cap * 2 : 16;
	struct handle_entry *old = s->slots;
	size_t ocap = s->cap;

	s->slots = calloc(ncap, sizeof(*s->slots));
	if (!s->slots) {
		s->slots = old;
		return false;
	}
	s->cap = ncap;
	for (size_t i = 0; i < ocap; i++)
		if (!rpc_uuid_is_nil(&old[i].uuid))
			insert_slot(s, &old[i]);
	free(old);
	return true;
}

static struct handle_entry *find_slot(struct session *s, const struct rpc_uuid *u)
{
	if (!s->cap || rpc_uuid_is_nil(u))
		return NULL;
	size_t i = slot_of(s, u);
	while (!rpc_uuid_is_nil(&s->slots[i].uuid)) {
		if (rpc_uuid_equal(&s->slots[i].uuid, u))
			return &s->slots[i];
		i = (i + 1) & (s->cap - 1);
	}
	return NULL;
}

bool session_handle_new(struct session *s, uint8_t type, uint8_t rights, const char *obj, const char *key,
			struct rpc_ctx_handle *out)
{
	struct handle_entry e = { .type = type, .rights = rights };

	if (s->count >= SESSION_MAX_HANDLES)
		return false;
	if (obj)
		snprintf(e.obj, sizeof(e.obj), "%s", obj);
	/* Keep the table at most half full so probes stay short. */
	if ((s->count + 1) * 2 > s->cap && !session_grow(s))
		return false;
	do {
		uint8_t b[16];
		if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
			return false;
		e.uuid.time_low = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
		e.uuid.time_mid = (uint16_t)(b[4] | b[5] << 8);
		e.uuid.time_hi = (uint16_t)(b[6] | b[7] << 8);
		memcpy(e.uuid.rest, b + 8, 8);
	} while (rpc_uuid_is_nil(&e.uuid) || find_slot(s, &e.uuid));
	if (key && !(e.key = strdup(key)))
		return false;
	insert_slot(s, &e);
	s->count++;
	out->attributes = 0;
	out->uuid = e.uuid;
	return true;
}

struct handle_entry *session_handle_find(struct session *s, const struct rpc_ctx_handle *h, uint8_t type)
{
	if (h->attributes != 0)
		return NULL;
	struct handle_entry *e = find_slot(s, &h->uuid);
	return e && e->type == type ? e : NULL;
}

bool session_handle_close(struct session *s, const struct rpc_ctx_handle *h, uint8_t type)
{
	struct handle_entry *e = session_handle_find(s, h, type);
	if (!e)
		return false;
	/* Backward-shift deletion keeps every probe chain intact without
	 * tombstones. */
	size_t i = (size_t)(e - s->slots);
	free(s->slots[i].key);
	if (s->slots[i].port)
		notify_port_free(s, s->slots[i].port);
	memset(&s->slots[i], 0, sizeof(s->slots[i]));
	size_t j = i;
	for (;;) {
		j = (j + 1) & (s->cap - 1);
		if (rpc_uuid_is_nil(&s->slots[j].uuid))
			break;
		size_t home = slot_of(s, &s->slots[j].uuid);
		/* Move j back into the hole at i if its home is not in (i, j]. */
		bool in_range = i <= j ? (home > i && home <= j) : (home > i || home <= j);
		if (!in_range) {
			s->slots[i] = s->slots[j];
			memset(&s->slots[j], 0, sizeof(s->slots[j]));
			i = j;
		}
	}
	s->count--;
	return true;
}
