/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Failure policies as common properties (issue 11, part 3): per resource
 * RestartAction, RestartThreshold, RestartPeriod, RestartDelay,
 * PendingTimeout, LooksAlivePollInterval, IsAlivePollInterval; per group
 * FailoverThreshold, FailoverPeriod, AutoFailbackType, FailbackWindowStart,
 * FailbackWindowEnd.  Read and written through the common property controls
 * (control.c); kept as DWORD values of the object's key in the cluster
 * registry ("Resources\ID" RestartThreshold...), as Windows keeps them, which
 * the embedded backend's supervisor reads; a value that is not set reads as
 * Windows' default.
 */
#ifndef SERVER_POLICY_H
#define SERVER_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend/backend.h"

struct policy_prop {
	const char *name;
	enum be_kind kind; /* BE_RESOURCE or BE_GROUP */
	uint32_t def, min, max;
	bool none_ok; /* 0xFFFFFFFF ("not set") is allowed besides min..max */
};

/* The properties of a kind (n: how many; NULL when it has none). */
const struct policy_prop *policy_props(enum be_kind kind, size_t *n);
const struct policy_prop *policy_find(enum be_kind kind, const char *name);
bool policy_valid(const struct policy_prop *p, uint32_t v);
/* The value now: the registry's (a DWORD, or decimal text as the Pacemaker
 * backend gives), else the default. */
uint32_t policy_read(struct backend *be, const char *key, const struct policy_prop *p);

#endif
