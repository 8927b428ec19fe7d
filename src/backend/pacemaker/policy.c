/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The policy model: which resource depends on which, and which nodes may or
 * should own what (issue 11, parts 1 and 2).  Failure policies (meta
 * attributes) belong here too.
 *
 * Dependencies: a group's chain (below), plus explicit ones, each an order
 * and a colocation constraint named as `pcs constraint` names them:
 *   order-PROVIDER-DEPENDENT-mandatory        first=PROVIDER then=DEPENDENT kind=Mandatory
 *   colocation-DEPENDENT-PROVIDER-INFINITY    rsc=DEPENDENT with-rsc=PROVIDER score=INFINITY
 * Any rsc_order between two primitives (whoever wrote it) reads as "then
 * depends on first".
 * Possible owners of a resource: every node but those it is banned from,
 *   location-RSC-NODE--INFINITY               rsc=RSC node=NODE score=-INFINITY
 * (any -INFINITY location of the resource on a node counts).
 * Preferred owners of a group, in order: location constraints with scores
 * 100 * (n - i), highest first,
 *   location-GROUP-NODE-SCORE                 rsc=GROUP node=NODE score=SCORE
 * (the group's positive, finite node locations other than cli-prefer-*).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <crm/crm.h>
#include <crm/msg_xml.h>

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

/* ---- explicit dependencies ---------------------------------------------------- */

static xmlNode *constraints(struct pcmk *p)
{
	return p->view.cib ? pcmk_find_cib_element(p->view.cib, XML_CIB_TAG_CONSTRAINTS) : NULL;
}

static struct pobj *by_cib_id(struct pcmk *p, enum be_kind kind, const char *cib_id)
{
	for (size_t i = 0; cib_id && i < p->view.n; i++)
		if (p->view.v[i].o.kind == kind && strcmp(p->view.v[i].cib_id, cib_id) == 0)
			return &p->view.v[i];
	return NULL;
}

/* The chain neighbour of r in the view (no refresh): its predecessor (next
 * false) or successor. */
static struct pobj *chain_of(struct pcmk *p, const struct pobj *r, bool next)
{
	if (!r->o.parent[0])
		return NULL;
	struct pobj *prev = NULL;
	for (size_t i = 0; i < p->view.n; i++) {
		struct pobj *o = &p->view.v[i];
		if (o->o.kind != BE_RESOURCE || strcmp(o->o.parent, r->o.parent) != 0)
			continue;
		if (next && prev && strcmp(prev->cib_id, r->cib_id) == 0)
			return o;
		if (!next && strcmp(o->cib_id, r->cib_id) == 0)
			return prev;
		prev = o;
	}
	return NULL;
}

/* r's direct providers (up false) or dependents (up true), chain first,
 * without duplicates, copied into out (at most cap). */
size_t policy_links(struct pcmk *p, const struct pobj *r, bool up, struct pobj *out, size_t cap)
{
	size_t n = 0;
	struct pobj *c = chain_of(p, r, up);
	if (c && n < cap)
		out[n++] = *c;
	xmlNode *cons = constraints(p);
	for (xmlNode *x = cons ? cons->children : NULL; x; x = x->next) {
		if (!xml_is(x, XML_CONS_TAG_RSC_ORDER))
			continue;
		const char *first = crm_element_value(x, "first"), *then = crm_element_value(x, "then");
		if (!first || !then || strcmp(up ? first : then, r->cib_id) != 0)
			continue;
		struct pobj *o = by_cib_id(p, BE_RESOURCE, up ? then : first);
		bool dup = false;
		for (size_t i = 0; o && i < n; i++)
			dup = dup || strcmp(out[i].cib_id, o->cib_id) == 0;
		if (o && !dup && n < cap)
			out[n++] = *o;
	}
	return n;
}

#define LINKS_MAX 256

static int links_visit(struct backend *b, const char *resource_id, bool up, be_object_fn fn, void *arg)
{
	struct pcmk *p = P(b);
	int rc = ready(p);
	if (rc)
		return rc;
	struct pobj *r = view_by_id(&p->view, BE_RESOURCE, resource_id);
	if (!r)
		return BE_NOT_FOUND;
	struct pobj *l = calloc(LINKS_MAX, sizeof(*l));
	if (!l)
		return BE_NO_MEMORY;
	size_t n = policy_links(p, r, up, l, LINKS_MAX);
	for (size_t i = 0; i < n && !rc; i++)
		rc = fn(&l[i].o, arg); /* copies: fn may call back in */
	free(l);
	return rc;
}

int pm_dependencies(struct backend *b, const char *resource_id, be_object_fn fn, void *arg)
{
	return links_visit(b, resource_id, false, fn, arg);
}

int pm_dependents(struct backend *b, const char *resource_id, be_object_fn fn, void *arg)
{
	return links_visit(b, resource_id, true, fn, arg);
}

/* The transitive providers (up false) or dependents (up true) of r, nearest
 * last: the order to set their roles in (providers before r, dependents
 * before r).  At most cap. */
size_t policy_closure(struct pcmk *p, const struct pobj *r, bool up, struct pobj *out, size_t cap)
{
	size_t n = 0, done = 0;
	struct pobj *l = calloc(LINKS_MAX, sizeof(*l));
	if (!l)
		return 0;
	/* breadth first from r */
	size_t k = policy_links(p, r, up, l, LINKS_MAX);
	for (size_t i = 0; i < k && n < cap; i++)
		out[n++] = l[i];
	while (done < n) {
		struct pobj cur = out[done++];
		k = policy_links(p, &cur, up, l, LINKS_MAX);
		for (size_t i = 0; i < k && n < cap; i++) {
			bool seen = strcmp(l[i].cib_id, r->cib_id) == 0;
			for (size_t j = 0; j < n && !seen; j++)
				seen = strcmp(out[j].cib_id, l[i].cib_id) == 0;
			if (!seen)
				out[n++] = l[i];
		}
	}
	free(l);
	/* farthest first */
	for (size_t i = 0; i < n / 2; i++) {
		struct pobj t = out[i];
		out[i] = out[n - 1 - i];
		out[n - 1 - i] = t;
	}
	return n;
}

static xmlNode *find_order(struct pcmk *p, const char *first, const char *then)
{
	xmlNode *cons = constraints(p);
	for (xmlNode *x = cons ? cons->children : NULL; x; x = x->next) {
		if (!xml_is(x, XML_CONS_TAG_RSC_ORDER))
			continue;
		const char *f = crm_element_value(x, "first"), *t = crm_element_value(x, "then");
		if (f && t && strcmp(f, first) == 0 && strcmp(t, then) == 0)
			return x;
	}
	return NULL;
}

static xmlNode *find_colocation(struct pcmk *p, const char *rsc, const char *with)
{
	xmlNode *cons = constraints(p);
	for (xmlNode *x = cons ? cons->children : NULL; x; x = x->next) {
		if (!xml_is(x, XML_CONS_TAG_RSC_DEPEND))
			continue;
		const char *a = crm_element_value(x, "rsc"), *b = crm_element_value(x, "with-rsc");
		if (a && b && strcmp(a, rsc) == 0 && strcmp(b, with) == 0)
			return x;
	}
	return NULL;
}

static int create_constraint(struct pcmk *p, xmlNode *x)
{
	int rc = p->cib->cmds->create(p->cib, XML_CIB_TAG_CONSTRAINTS, x, cib_sync_call);
	if (rc != pcmk_ok)
		log_warn("pacemaker: cannot create constraint %s: %s", crm_element_value(x, XML_ATTR_ID),
			 pcmk_strerror(rc));
	free_xml(x);
	return cib_written(p, rc);
}

int pm_depend(struct backend *b, const char *resource_id, const char *provider_id, bool add)
{
	struct pcmk *p = P(b);
	int rc = ready_write(p);
	if (rc)
		return rc;
	struct pobj *rp = view_by_id(&p->view, BE_RESOURCE, resource_id);
	struct pobj *pp = view_by_id(&p->view, BE_RESOURCE, provider_id);
	if (!rp || !pp)
		return BE_NOT_FOUND;
	struct pobj r = *rp, prov = *pp;
	xmlNode *order = find_order(p, prov.cib_id, r.cib_id);
	xmlNode *coloc = find_colocation(p, r.cib_id, prov.cib_id);
	char id[2 * BE_NAME_MAX + 32];
	if (add) {
		if (order)
			return BE_EXISTS;
		snprintf(id, sizeof(id), "order-%s-%s-mandatory", prov.cib_id, r.cib_id);
		xmlNode *x = create_xml_node(NULL, XML_CONS_TAG_RSC_ORDER);
		crm_xml_add(x, XML_ATTR_ID, id);
		crm_xml_add(x, "first", prov.cib_id);
		crm_xml_add(x, "then", r.cib_id);
		crm_xml_add(x, "kind", "Mandatory");
		rc = create_constraint(p, x);
		if (!rc && !coloc) {
			snprintf(id, sizeof(id), "colocation-%s-%s-INFINITY", r.cib_id, prov.cib_id);
			x = create_xml_node(NULL, XML_CONS_TAG_RSC_DEPEND);
			crm_xml_add(x, XML_ATTR_ID, id);
			crm_xml_add(x, "rsc", r.cib_id);
			crm_xml_add(x, "with-rsc", prov.cib_id);
			crm_xml_add(x, XML_RULE_ATTR_SCORE, CRM_INFINITY_S);
			rc = create_constraint(p, x);
			if (rc) {
				snprintf(id, sizeof(id), "order-%s-%s-mandatory", prov.cib_id, r.cib_id);
				cib_remove_id(p, XML_CIB_TAG_CONSTRAINTS, XML_CONS_TAG_RSC_ORDER, id);
			}
		}
		return after_write(p, rc);
	}
	if (!order) {
		struct pobj *c = chain_of(p, &r, false);
		return c && strcmp(c->cib_id, prov.cib_id) == 0 ? BE_UNSUPPORTED : BE_NOT_FOUND;
	}
	char oid[BE_NAME_MAX * 2 + 32], cid[BE_NAME_MAX * 2 + 32];
	snprintf(oid, sizeof(oid), "%s", crm_element_value(order, XML_ATTR_ID) ?: "");
	snprintf(cid, sizeof(cid), "%s", coloc ? crm_element_value(coloc, XML_ATTR_ID) ?: "" : "");
	rc = cib_remove_id(p, XML_CIB_TAG_CONSTRAINTS, XML_CONS_TAG_RSC_ORDER, oid);
	if (!rc && cid[0])
		rc = cib_remove_id(p, XML_CIB_TAG_CONSTRAINTS, XML_CONS_TAG_RSC_DEPEND, cid);
	return after_write(p, rc);
}

/* Every constraint that names a resource (before it goes). */
int policy_forget(struct pcmk *p, const char *cib_id)
{
	char ids[64][BE_NAME_MAX * 2 + 32];
	const char *tags[64];
	size_t n = 0;
	xmlNode *cons = constraints(p);
	for (xmlNode *x = cons ? cons->children : NULL; x && n < 64; x = x->next) {
		const char *id = crm_element_value(x, XML_ATTR_ID);
		if (!id || x->type != XML_ELEMENT_NODE)
			continue;
		const char *attrs[] = { "first", "then", "rsc", "with-rsc" };
		bool names = false;
		for (size_t i = 0; i < 4 && !names; i++) {
			const char *v = crm_element_value(x, attrs[i]);
			names = v && strcmp(v, cib_id) == 0;
		}
		if (!names)
			continue;
		snprintf(ids[n], sizeof(ids[n]), "%s", id);
		tags[n++] = (const char *)x->name;
	}
	int rc = BE_OK;
	for (size_t i = 0; i < n && !rc; i++)
		rc = cib_remove_id(p, XML_CIB_TAG_CONSTRAINTS, tags[i], ids[i]);
	return rc;
}

/* ---- owners ---------------------------------------------------------------------- */

static bool is_minus_infinity(const char *score)
{
	return score && (strcmp(score, "-INFINITY") == 0 || strcmp(score, "-infinity") == 0);
}

/* A finite positive score, else 0. */
static long positive_score(const char *score)
{
	if (!score || !*score)
		return 0;
	char *end;
	long v = strtol(score, &end, 10);
	return *end || v <= 0 ? 0 : v;
}

struct pref {
	char node[BE_NAME_MAX];
	long score;
	char id[BE_NAME_MAX * 2 + 32];
};

/* The group's preferred-owner locations, highest score first. */
static size_t group_prefs(struct pcmk *p, const char *cib_id, struct pref *out, size_t cap)
{
	size_t n = 0;
	xmlNode *cons = constraints(p);
	for (xmlNode *x = cons ? cons->children : NULL; x && n < cap; x = x->next) {
		if (!xml_is(x, XML_CONS_TAG_RSC_LOCATION))
			continue;
		const char *id = crm_element_value(x, XML_ATTR_ID), *rsc = crm_element_value(x, "rsc");
		const char *node = crm_element_value(x, XML_CIB_TAG_NODE);
		long score = positive_score(crm_element_value(x, XML_RULE_ATTR_SCORE));
		if (!id || !rsc || !node || strcmp(rsc, cib_id) != 0 || score <= 0 || strncmp(id, "cli-", 4) == 0)
			continue;
		snprintf(out[n].node, sizeof(out[n].node), "%s", node);
		snprintf(out[n].id, sizeof(out[n].id), "%s", id);
		out[n++].score = score;
	}
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && out[j].score > out[j - 1].score; j--) {
			struct pref t = out[j];
			out[j] = out[j - 1];
			out[j - 1] = t;
		}
	return n;
}

/* The -INFINITY location of rsc on node, or NULL. */
static xmlNode *find_ban(struct pcmk *p, const char *rsc_id, const char *node)
{
	xmlNode *cons = constraints(p);
	for (xmlNode *x = cons ? cons->children : NULL; x; x = x->next) {
		if (!xml_is(x, XML_CONS_TAG_RSC_LOCATION))
			continue;
		const char *rsc = crm_element_value(x, "rsc"), *n = crm_element_value(x, XML_CIB_TAG_NODE);
		if (rsc && n && strcmp(rsc, rsc_id) == 0 && strcasecmp(n, node) == 0 &&
		    is_minus_infinity(crm_element_value(x, XML_RULE_ATTR_SCORE)))
			return x;
	}
	return NULL;
}

#define PREFS_MAX 64

int pm_owners(struct backend *b, enum be_kind kind, const char *id, be_object_fn fn, void *arg)
{
	struct pcmk *p = P(b);
	int rc = ready(p);
	if (rc)
		return rc;
	if (kind != BE_RESOURCE && kind != BE_GROUP)
		return BE_INVALID;
	struct pobj *o = view_by_id(&p->view, kind, id);
	if (!o)
		return BE_NOT_FOUND;
	char cib_id[BE_NAME_MAX];
	snprintf(cib_id, sizeof(cib_id), "%s", o->cib_id);
	struct be_object *list = calloc(PREFS_MAX, sizeof(*list));
	if (!list)
		return BE_NO_MEMORY;
	size_t n = 0;
	if (kind == BE_RESOURCE) {
		for (size_t i = 0; i < p->view.n && n < PREFS_MAX; i++)
			if (p->view.v[i].o.kind == BE_NODE && !find_ban(p, cib_id, p->view.v[i].o.name))
				list[n++] = p->view.v[i].o;
	} else {
		struct pref *prefs = calloc(PREFS_MAX, sizeof(*prefs));
		size_t k = prefs ? group_prefs(p, cib_id, prefs, PREFS_MAX) : 0;
		for (size_t i = 0; i < k; i++) {
			struct pobj *node = view_by_name(&p->view, BE_NODE, prefs[i].node);
			if (node)
				list[n++] = node->o;
		}
		free(prefs);
	}
	for (size_t i = 0; i < n && !rc; i++)
		rc = fn(&list[i], arg);
	free(list);
	return rc;
}

static bool named(const char *const *nodes, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(nodes[i], name) == 0)
			return true;
	return false;
}

int pm_set_owners(struct backend *b, enum be_kind kind, const char *id, const char *const *nodes, size_t n)
{
	struct pcmk *p = P(b);
	int rc = ready_write(p);
	if (rc)
		return rc;
	if (kind != BE_RESOURCE && kind != BE_GROUP)
		return BE_INVALID;
	struct pobj *o = view_by_id(&p->view, kind, id);
	if (!o)
		return BE_NOT_FOUND;
	char cib_id[BE_NAME_MAX], cid[BE_NAME_MAX * 2 + 48];
	snprintf(cib_id, sizeof(cib_id), "%s", o->cib_id);
	if (kind == BE_RESOURCE) {
		/* Ban what is not named, lift the bans of what is. */
		char names[PREFS_MAX][BE_NAME_MAX];
		size_t k = 0;
		for (size_t i = 0; i < p->view.n && k < PREFS_MAX; i++)
			if (p->view.v[i].o.kind == BE_NODE)
				snprintf(names[k++], BE_NAME_MAX, "%s", p->view.v[i].o.name);
		for (size_t i = 0; i < k && !rc; i++) {
			xmlNode *ban = find_ban(p, cib_id, names[i]);
			if (named(nodes, n, names[i]) && ban) {
				snprintf(cid, sizeof(cid), "%s", crm_element_value(ban, XML_ATTR_ID) ?: "");
				rc = cib_remove_id(p, XML_CIB_TAG_CONSTRAINTS, XML_CONS_TAG_RSC_LOCATION, cid);
			} else if (!named(nodes, n, names[i]) && !ban) {
				snprintf(cid, sizeof(cid), "location-%s-%s--INFINITY", cib_id, names[i]);
				xmlNode *x = create_xml_node(NULL, XML_CONS_TAG_RSC_LOCATION);
				crm_xml_add(x, XML_ATTR_ID, cid);
				crm_xml_add(x, "rsc", cib_id);
				crm_xml_add(x, XML_CIB_TAG_NODE, names[i]);
				crm_xml_add(x, XML_RULE_ATTR_SCORE, "-INFINITY");
				rc = create_constraint(p, x);
			}
		}
		return after_write(p, rc);
	}
	/* A group: the old preferences go, the new ones come, 100 apart. */
	struct pref *prefs = calloc(PREFS_MAX, sizeof(*prefs));
	if (!prefs)
		return BE_NO_MEMORY;
	size_t k = group_prefs(p, cib_id, prefs, PREFS_MAX);
	for (size_t i = 0; i < k && !rc; i++)
		rc = cib_remove_id(p, XML_CIB_TAG_CONSTRAINTS, XML_CONS_TAG_RSC_LOCATION, prefs[i].id);
	free(prefs);
	for (size_t i = 0; i < n && !rc; i++) {
		long score = 100L * (long)(n - i);
		snprintf(cid, sizeof(cid), "location-%s-%s-%ld", cib_id, nodes[i], score);
		char sc[24];
		snprintf(sc, sizeof(sc), "%ld", score);
		xmlNode *x = create_xml_node(NULL, XML_CONS_TAG_RSC_LOCATION);
		crm_xml_add(x, XML_ATTR_ID, cid);
		crm_xml_add(x, "rsc", cib_id);
		crm_xml_add(x, XML_CIB_TAG_NODE, nodes[i]);
		crm_xml_add(x, XML_RULE_ATTR_SCORE, sc);
		rc = create_constraint(p, x);
	}
	return after_write(p, rc);
}

