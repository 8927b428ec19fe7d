/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The policy model: which resource depends on which.  Today only a group's
 * chain; issue 11's constraints (order + colocation for dependencies,
 * location for possible and preferred owners) and failure policies (meta
 * attributes) belong here.
 */
#include <string.h>

#include "backend/backend.h"
#include "base/log.h"
#include "pcmk.h"

/* A Pacemaker group is a chain: each member starts after, and runs with, the
 * one before it.  That is what a clusapi dependency means, so a member
 * depends on its predecessor (dependencies) and its successor depends on it
 * (dependents).  Constraints outside groups are not mapped (yet). */
int chain_neighbour(struct backend *b, const char *resource_id, bool next, be_object_fn fn, void *arg)
{
	struct pcmk *p = P(b);
	int rc = ready(p);
	if (rc)
		return rc;
	struct pobj *r = view_by_id(&p->view, BE_RESOURCE, resource_id);
	if (!r)
		return BE_NOT_FOUND;
	if (!r->o.parent[0])
		return BE_OK;
	/* Members appear in the view in group order. */
	struct pobj *prev = NULL, *found = NULL;
	for (size_t i = 0; i < p->view.n && !found; i++) {
		struct pobj *o = &p->view.v[i];
		if (o->o.kind != BE_RESOURCE || strcmp(o->o.parent, r->o.parent) != 0)
			continue;
		if (next && prev == r)
			found = o;
		else if (!next && o == r)
			found = prev ? prev : r;
		prev = o;
	}
	if (!found || found == r)
		return BE_OK;
	struct be_object copy = found->o; /* fn may call back in */
	return fn(&copy, arg);
}

int count_fn(const struct be_object *o, void *arg)
{
	(void)o;
	(*(int *)arg)++;
	return 0;
}

int pm_dependencies(struct backend *b, const char *resource_id, be_object_fn fn, void *arg)
{
	return chain_neighbour(b, resource_id, false, fn, arg);
}

int pm_dependents(struct backend *b, const char *resource_id, be_object_fn fn, void *arg)
{
	return chain_neighbour(b, resource_id, true, fn, arg);
}
