/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The table of live handles.  A handle given to the caller is a token (slot and
 * generation), never a raw pointer, so a closed, stale or made-up handle is
 * recognised and refused with ERROR_INVALID_HANDLE instead of being
 * dereferenced.  Lookups take a reference, so a handle closed by one thread
 * while another uses it is freed only when the last user is done.
 *
 * This table is the library's one piece of process-wide state besides the
 * thread-local last error; it is what makes a stale handle defined behaviour.
 */
#ifndef CLIENT_REGISTRY_H
#define CLIENT_REGISTRY_H

#include <stdint.h>

typedef void (*registry_destroy_fn)(void *obj);

/* Register obj (one reference held by the table); 0 when out of memory. */
uintptr_t registry_add(void *obj, uint32_t kind, registry_destroy_fn destroy);
/* The object behind a token of that kind, with a reference; NULL if invalid. */
void *registry_get(uintptr_t token, uint32_t kind);
/* Drop a reference taken by registry_get/registry_take with this token; the
 * object is destroyed with the last one. */
void registry_put(uintptr_t token);
/* Invalidate the token and hand over the table's reference (NULL if invalid). */
void *registry_take(uintptr_t token, uint32_t kind);

#endif
