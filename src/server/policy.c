/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "policy.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NONE 0xFFFFFFFFu

/* Windows' defaults (Failover Clustering's resource and group common
 * properties); times in milliseconds except FailoverPeriod (hours). */
static const struct policy_prop resource_props[] = {
	{ "RestartAction", BE_RESOURCE, 2, 0, 2, false }, /* 0 no restart, 1 restart, 2 restart + failover */
	{ "RestartThreshold", BE_RESOURCE, 1, 0, NONE, false },
	{ "RestartPeriod", BE_RESOURCE, 900000, 0, NONE, false },
	{ "RestartDelay", BE_RESOURCE, 500, 0, NONE, false },
	{ "PendingTimeout", BE_RESOURCE, 180000, 0, NONE, false },
	{ "LooksAlivePollInterval", BE_RESOURCE, 5000, 0, NONE, false },
	{ "IsAlivePollInterval", BE_RESOURCE, 60000, 0, NONE, false },
};
static const struct policy_prop group_props[] = {
	{ "FailoverThreshold", BE_GROUP, NONE, 0, NONE, false },
	{ "FailoverPeriod", BE_GROUP, 6, 1, 1193, false },
	{ "AutoFailbackType", BE_GROUP, 0, 0, 1, false }, /* 0 prevent, 1 allow */
	{ "FailbackWindowStart", BE_GROUP, NONE, 0, 23, true },
	{ "FailbackWindowEnd", BE_GROUP, NONE, 0, 23, true },
};

const struct policy_prop *policy_props(enum be_kind kind, size_t *n)
{
	if (kind == BE_RESOURCE) {
		*n = sizeof(resource_props) / sizeof(resource_props[0]);
		return resource_props;
	}
	if (kind == BE_GROUP) {
		*n = sizeof(group_props) / sizeof(group_props[0]);
		return group_props;
	}
	*n = 0;
	return NULL;
}

const struct policy_prop *policy_find(enum be_kind kind, const char *name)
{
	size_t n;
	const struct policy_prop *p = policy_props(kind, &n);
	for (size_t i = 0; i < n; i++)
		if (!strcasecmp(p[i].name, name))
			return &p[i];
	return NULL;
}

bool policy_valid(const struct policy_prop *p, uint32_t v)
{
	return (v >= p->min && v <= p->max) || (p->none_ok && v == NONE);
}

uint32_t policy_read(struct backend *be, const char *key, const struct policy_prop *p)
{
	struct be_value v = { 0 };
	uint32_t out = p->def;
	if (be->ops->reg_get(be, key, p->name, &v) != BE_OK)
		return out;
	if (v.type == BE_VAL_DWORD && v.len == 4) {
		out = (uint32_t)v.data[0] | (uint32_t)v.data[1] << 8 | (uint32_t)v.data[2] << 16 |
		      (uint32_t)v.data[3] << 24;
	} else if (v.type == BE_VAL_SZ && v.len >= 2) {
		/* Decimal text (UTF-16LE), as CIB attributes come back. */
		char text[24];
		size_t n = 0;
		for (size_t i = 0; i + 1 < v.len && n + 1 < sizeof(text) && v.data[i]; i += 2)
			text[n++] = (char)v.data[i];
		text[n] = 0;
		char *end;
		unsigned long long x = strtoull(text, &end, 10);
		if (n && !*end && x <= NONE)
			out = (uint32_t)x;
	}
	free(v.data);
	return out;
}
