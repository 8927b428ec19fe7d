/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "registry.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

struct slot {
	void *obj;
	uint32_t gen;
	uint32_t kind;
	uint32_t refs;
	bool live; /* the token is valid */
	registry_destroy_fn destroy;
	uint32_t next_free;
};

#define SLOT_BITS 24
#define SLOT_MAX ((1u << SLOT_BITS) - 1)
#define NO_SLOT 0xffffffffu

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct slot *slots;
static uint32_t nslots;
static uint32_t free_head = NO_SLOT;

static uintptr_t token_of(uint32_t idx, uint32_t gen)
{
	/* Slot + 1 so that no token is 0 (NULL). */
	return (uintptr_t)(((uint64_t)gen << SLOT_BITS) | (idx + 1));
}

static struct slot *slot_of(uintptr_t token, uint32_t kind)
{
	uint64_t t = token;
	uint32_t idx = (uint32_t)(t & SLOT_MAX);
	if (idx == 0 || idx > nslots)
		return NULL;
	struct slot *s = &slots[idx - 1];
	if (!s->live || s->kind != kind || (uint32_t)(t >> SLOT_BITS) != s->gen)
		return NULL;
	return s;
}

uintptr_t registry_add(void *obj, uint32_t kind, registry_destroy_fn destroy)
{
	uintptr_t token = 0;
	pthread_mutex_lock(&registry_lock);
	uint32_t idx = free_head;
	if (idx == NO_SLOT) {
		if (nslots == SLOT_MAX)
			goto out;
		uint32_t ncap = nslots ? nslots * 2 : 64;
		if (ncap > SLOT_MAX)
			ncap = SLOT_MAX;
		struct slot *ns = realloc(slots, ncap * sizeof(*ns));
		if (!ns)
			goto out;
		slots = ns;
		for (uint32_t i = nslots; i < ncap; i++) {
			slots[i] = (struct slot){ .gen = 1, .next_free = i + 1 < ncap ? i + 1 : NO_SLOT };
		}
		free_head = nslots;
		nslots = ncap;
		idx = free_head;
	}
	struct slot *s = &slots[idx];
	free_head = s->next_free;
	s->obj = obj;
	s->kind = kind;
	s->refs = 1;
	s->live = true;
	s->destroy = destroy;
	token = token_of(idx, s->gen);
out:
	pthread_mutex_unlock(&registry_lock);
	return token;
}

void *registry_get(uintptr_t token, uint32_t kind)
{
	void *obj = NULL;
	pthread_mutex_lock(&registry_lock);
	struct slot *s = slot_of(token, kind);
	if (s) {
		s->refs++;
		obj = s->obj;
	}
	pthread_mutex_unlock(&registry_lock);
	return obj;
}

void *registry_take(uintptr_t token, uint32_t kind)
{
	void *obj = NULL;
	pthread_mutex_lock(&registry_lock);
	struct slot *s = slot_of(token, kind);
	if (s) {
		s->live = false; /* the table's reference now belongs to the caller */
		obj = s->obj;
	}
	pthread_mutex_unlock(&registry_lock);
	return obj;
}

void registry_put(uintptr_t token)
{
	registry_destroy_fn destroy = NULL;
	void *obj = NULL;
	uint32_t idx = (uint32_t)((uint64_t)token & SLOT_MAX) - 1;

	pthread_mutex_lock(&registry_lock);
	/* The caller holds a reference taken through this token, so the slot
	 * cannot have been reused: no generation check is needed here. */
	struct slot *s = &slots[idx];
	if (--s->refs == 0) {
		destroy = s->destroy;
		obj = s->obj;
		s->obj = NULL;
		s->live = false;
		s->gen = s->gen == 0xffffffffu ? 1 : s->gen + 1;
		s->next_free = free_head;
		free_head = idx;
	}
	pthread_mutex_unlock(&registry_lock);
	if (destroy)
		destroy(obj);
}
