/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The cluster registry as it maps onto the CIB today: the root's values,
 * the object lists, and each group's and resource's Parameters and
 * Description; every other key and value is stored in the CIB by state.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <glib.h>
#include <libxml/tree.h>

#include <crm/cib.h>
#include <crm/common/xml.h>
#include <crm/msg_xml.h>

#include "backend/backend.h"
#include "base/log.h"
#include "pcmk.h"

/* ---- the registry: only what maps onto the CIB ---------------------------------
 *
 *   ""                          ClusterName (REG_SZ, corosync's cluster_name) and
 *                               ClusterInstanceID (a UUID derived from it), read-only
 *   Resources\ID\Parameters     the primitive's instance attributes (REG_SZ;
 *                               a REG_DWORD is written as its decimal text)
 *   Groups\ID\Parameters        the group's meta attributes, the same way
 *   Resources\ID, Groups\ID     Description: the element's description
 *
 * Every other key, and the values of the first four kinds of keys beyond
 * those, is stored in the CIB by state.c (Pacemaker has no free-form
 * registry of its own): any type, replicated with the CIB, within a size
 * budget (PCMK_REG_BUDGET). */

enum reg_where { REG_NONE, REG_ROOT, REG_KIND, REG_OBJECT, REG_PARAMS };

struct reg_key {
	enum reg_where where;
	struct pobj *obj;
	enum be_kind kind;
};

static const struct {
	const char *key;
	enum be_kind kind;
} reg_kinds[] = { { "Nodes", BE_NODE }, { "Groups", BE_GROUP }, { "Resources", BE_RESOURCE } };

static struct reg_key reg_parse(struct pcmk *p, const char *key)
{
	struct reg_key k = { REG_NONE, NULL, 0 };
	char buf[BE_REG_PATH_MAX];
	if (!key || strlen(key) >= sizeof(buf))
		return k;
	if (!*key) {
		k.where = REG_ROOT;
		return k;
	}
	snprintf(buf, sizeof(buf), "%s", key);
	char *id = strchr(buf, '\\'), *rest = NULL;
	if (id) {
		*id++ = 0;
		rest = strchr(id, '\\');
		if (rest)
			*rest++ = 0;
	}
	for (size_t i = 0; i < sizeof(reg_kinds) / sizeof(reg_kinds[0]); i++) {
		if (strcasecmp(buf, reg_kinds[i].key) != 0)
			continue;
		k.kind = reg_kinds[i].kind;
		if (!id) {
			k.where = REG_KIND;
			return k;
		}
		k.obj = view_by_id(&p->view, k.kind, id);
		if (!k.obj)
			return k;
		if (!rest)
			k.where = REG_OBJECT;
		else if (strcasecmp(rest, "Parameters") == 0 && k.kind != BE_NODE)
			k.where = REG_PARAMS;
	}
	return k;
}

static const char *params_set(const struct reg_key *k)
{
	return k->kind == BE_RESOURCE ? XML_TAG_ATTR_SETS : XML_TAG_META_SETS;
}

/* UTF-8 (ASCII-safe) text -> REG_SZ (UTF-16LE with its NUL), malloc'd. */
static uint8_t *sz_from_text(const char *text, size_t *len)
{
	size_t n = strlen(text);
	uint8_t *d = malloc(2 * n + 2);
	if (!d)
		return NULL;
	size_t j = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)text[i];
		d[j++] = c < 0x80 ? c : '?';
		d[j++] = 0;
	}
	d[j++] = 0;
	d[j++] = 0;
	*len = j;
	return d;
}

/* A REG_SZ or REG_DWORD value as the text Pacemaker stores; NULL otherwise. */
static char *text_from_value(const struct be_value *v)
{
	char *t = NULL;
	if (v->type == BE_VAL_DWORD && v->len == 4) {
		uint32_t x = (uint32_t)v->data[0] | (uint32_t)v->data[1] << 8 | (uint32_t)v->data[2] << 16 |
			     (uint32_t)v->data[3] << 24;
		if (asprintf(&t, "%u", x) < 0)
			return NULL;
		return t;
	}
	if ((v->type != BE_VAL_SZ && v->type != BE_VAL_EXPAND_SZ) || v->len % 2)
		return NULL;
	t = malloc(v->len / 2 + 1);
	if (!t)
		return NULL;
	size_t j = 0;
	for (size_t i = 0; i + 1 < v->len; i += 2) {
		uint16_t c = (uint16_t)(v->data[i] | v->data[i + 1] << 8);
		if (c == 0)
			break;
		t[j++] = c < 0x80 ? (char)c : '?';
	}
	t[j] = 0;
	return t;
}

static bool mapped(const struct reg_key *k)
{
	return k->where != REG_NONE;
}

/* Does the key exist, mapped onto objects or stored? */
static bool key_there(struct pcmk *p, const char *key, struct reg_key *k)
{
	*k = reg_parse(p, key);
	return mapped(k) || sreg_exists(p, key);
}

int pm_reg_key_exists(struct backend *b, const char *key)
{
	struct pcmk *p = P(b);
	if (!reg_path_ok(key))
		return BE_INVALID;
	int rc = ready(p);
	if (rc)
		return rc;
	struct reg_key k;
	return key_there(p, key, &k) ? BE_OK : BE_NOT_FOUND;
}

int pm_reg_create_key(struct backend *b, const char *key, bool *created)
{
	struct pcmk *p = P(b);
	if (created)
		*created = false;
	if (!reg_path_ok(key) || !*key)
		return BE_INVALID;
	int rc = ready_write(p);
	if (rc)
		return rc;
	struct reg_key k;
	if (key_there(p, key, &k))
		return BE_OK;
	/* The key and its missing ancestors, in one CIB change. */
	char buf[BE_REG_PATH_MAX];
	char *paths[BE_REG_DEPTH_MAX + 1];
	size_t n = 0;
	snprintf(buf, sizeof(buf), "%s", key);
	for (char *c = buf;; c++) {
		if (*c != '\\' && *c)
			continue;
		char save = *c;
		*c = 0;
		if (!key_there(p, buf, &k) && n < BE_REG_DEPTH_MAX + 1)
			paths[n++] = strdup(buf);
		*c = save;
		if (!save)
			break;
	}
	rc = BE_OK;
	for (size_t i = 0; i < n; i++)
		if (!paths[i])
			rc = BE_NO_MEMORY;
	if (!rc)
		rc = sreg_create(p, (const char *const *)paths, n);
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	if (!rc && created)
		*created = true;
	return rc;
}

static int count_name(const char *name, void *arg)
{
	(void)name;
	(*(size_t *)arg)++;
	return 0;
}

int pm_reg_delete_key(struct backend *b, const char *key)
{
	struct pcmk *p = P(b);
	if (!reg_path_ok(key) || !*key)
		return BE_INVALID;
	int rc = ready_write(p);
	if (rc)
		return rc;
	if (mapped(&(struct reg_key){ reg_parse(p, key).where }))
		return BE_UNSUPPORTED; /* Pacemaker's objects go through their own calls */
	if (!sreg_exists(p, key))
		return BE_NOT_FOUND;
	size_t subkeys = 0;
	sreg_children(p, key, count_name, &subkeys);
	if (subkeys)
		return BE_NOT_EMPTY;
	return sreg_remove(p, key);
}

/* Stored subkeys not already listed as mapped ones. */
struct stored_children {
	struct pcmk *p;
	const char *key;
	be_name_fn fn;
	void *arg;
};

static int stored_child(const char *name, void *arg)
{
	struct stored_children *sc = arg;
	char path[BE_REG_PATH_MAX];
	snprintf(path, sizeof(path), "%s%s%s", sc->key, *sc->key ? "\\" : "", name);
	if (mapped(&(struct reg_key){ reg_parse(sc->p, path).where }))
		return 0;
	return sc->fn(name, sc->arg);
}

int pm_reg_list_keys(struct backend *b, const char *key, be_name_fn fn, void *arg)
{
	struct pcmk *p = P(b);
	if (!reg_path_ok(key))
		return BE_INVALID;
	int rc = ready(p);
	if (rc)
		return rc;
	struct reg_key k;
	if (!key_there(p, key, &k))
		return BE_NOT_FOUND;
	int stop = 0;
	switch (k.where) {
	case REG_ROOT:
		for (size_t i = 0; i < sizeof(reg_kinds) / sizeof(reg_kinds[0]) && !stop; i++)
			stop = fn(reg_kinds[i].key, arg);
		break;
	case REG_KIND: {
		size_t n = 0;
		char(*ids)[BE_ID_MAX] = malloc((p->view.n + 1) * sizeof(*ids));
		if (!ids)
			return BE_NO_MEMORY;
		for (size_t i = 0; i < p->view.n; i++)
			if (p->view.v[i].o.kind == k.kind)
				snprintf(ids[n++], BE_ID_MAX, "%s", p->view.v[i].o.id);
		for (size_t i = 0; i < n && !stop; i++)
			stop = fn(ids[i], arg);
		free(ids);
		break;
	}
	case REG_OBJECT:
		stop = k.kind == BE_NODE ? BE_OK : fn("Parameters", arg);
		break;
	default:
		break;
	}
	if (stop)
		return stop;
	struct stored_children sc = { p, key, fn, arg };
	return sreg_children(p, key, stored_child, &sc);
}

struct nv {
	char name[BE_NAME_MAX];
	char *value;
};

/* The values of a key, as (name, text) pairs; the caller frees. */
static int reg_values(struct pcmk *p, const struct reg_key *k, struct nv **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	size_t cap = 0;
	xmlNode *el = k->obj ? find_id(p->view.cib, k->obj->cib_id) : NULL;
	if (k->where == REG_ROOT) {
		char instance[BE_ID_MAX];
		derive_id(instance, 0, p->cs.cluster_name);
		*out = calloc(2, sizeof(**out));
		if (!*out)
			return BE_NO_MEMORY;
		snprintf((*out)[0].name, BE_NAME_MAX, "ClusterName");
		(*out)[0].value = strdup(p->cs.cluster_name);
		snprintf((*out)[1].name, BE_NAME_MAX, "ClusterInstanceID");
		(*out)[1].value = strdup(instance);
		*n = 2;
		return BE_OK;
	}
	if (k->where == REG_OBJECT && el && crm_element_value(el, XML_ATTR_DESC)) {
		*out = calloc(1, sizeof(**out));
		if (!*out)
			return BE_NO_MEMORY;
		snprintf((*out)[0].name, BE_NAME_MAX, "Description");
		(*out)[0].value = strdup(crm_element_value(el, XML_ATTR_DESC));
		*n = 1;
		return BE_OK;
	}
	if (k->where != REG_PARAMS || !el)
		return BE_OK;
	xmlNode *set = child_named(el, params_set(k));
	for (xmlNode *c = set ? set->children : NULL; c; c = c->next) {
		const char *name = crm_element_value(c, XML_NVPAIR_ATTR_NAME);
		if (!xml_is(c, XML_CIB_TAG_NVPAIR) || !name)
			continue;
		/* Our own bookkeeping is not a property. */
		if (!strcmp(name, NAME_META) || !strcmp(name, XML_RSC_ATTR_TARGET_ROLE))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			struct nv *g = realloc(*out, cap * sizeof(*g));
			if (!g)
				return BE_NO_MEMORY;
			*out = g;
		}
		snprintf((*out)[*n].name, BE_NAME_MAX, "%s", name);
		(*out)[*n].value = strdup(crm_element_value(c, XML_NVPAIR_ATTR_VALUE) ?: "");
		(*n)++;
	}
	return BE_OK;
}

static void nv_free(struct nv *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].value);
	free(v);
}

/* The mapped values of a read-only kind: ClusterName, ClusterInstanceID,
 * Description are not stored by state.c. */
static bool mapped_value(const struct reg_key *k, const char *name)
{
	if (k->where == REG_ROOT)
		return !strcasecmp(name, "ClusterName") || !strcasecmp(name, "ClusterInstanceID");
	return k->where == REG_OBJECT && k->kind != BE_NODE && !strcasecmp(name, "Description");
}

int pm_reg_list_values(struct backend *b, const char *key, be_value_fn fn, void *arg)
{
	struct pcmk *p = P(b);
	if (!reg_path_ok(key))
		return BE_INVALID;
	int rc = ready(p);
	if (rc)
		return rc;
	struct reg_key k;
	if (!key_there(p, key, &k))
		return BE_NOT_FOUND;
	struct nv *vals = NULL;
	size_t n = 0;
	if (mapped(&k))
		rc = reg_values(p, &k, &vals, &n);
	for (size_t i = 0; i < n && !rc; i++) {
		struct be_value v = { .type = BE_VAL_SZ };
		snprintf(v.name, sizeof(v.name), "%s", vals[i].name);
		v.data = sz_from_text(vals[i].value ? vals[i].value : "", &v.len);
		if (!v.data) {
			rc = BE_NO_MEMORY;
			break;
		}
		rc = fn(&v, arg);
		free(v.data);
	}
	nv_free(vals, n);
	if (rc || k.where == REG_PARAMS)
		return rc;
	struct be_value *sv;
	if (sreg_values(p, key, &sv, &n) != BE_OK)
		return BE_OK; /* mapped, nothing stored */
	for (size_t i = 0; i < n && !rc; i++)
		rc = fn(&sv[i], arg);
	sreg_values_free(sv, n);
	return rc;
}

int pm_reg_get(struct backend *b, const char *key, const char *name, struct be_value *out)
{
	struct pcmk *p = P(b);
	if (!reg_path_ok(key))
		return BE_INVALID;
	int rc = ready(p);
	if (rc)
		return rc;
	struct reg_key k;
	if (!key_there(p, key, &k))
		return BE_INVALID; /* as the embedded backend: a missing key */
	/* A failure policy (failpolicy.c): what Pacemaker will do, as a DWORD. */
	uint32_t policy;
	if (k.where == REG_OBJECT && failpolicy_get(p, k.obj, name, &policy) == BE_OK) {
		memset(out, 0, sizeof(*out));
		snprintf(out->name, sizeof(out->name), "%s", name);
		out->type = BE_VAL_DWORD;
		out->len = 4;
		out->data = malloc(4);
		if (!out->data)
			return BE_NO_MEMORY;
		for (int i = 0; i < 4; i++)
			out->data[i] = (uint8_t)(policy >> (8 * i));
		return BE_OK;
	}
	struct nv *vals = NULL;
	size_t n = 0;
	int found = BE_NOT_FOUND;
	if (mapped(&k))
		rc = reg_values(p, &k, &vals, &n);
	for (size_t i = 0; i < n && !rc && found == BE_NOT_FOUND; i++) {
		if (strcasecmp(vals[i].name, name) != 0)
			continue;
		memset(out, 0, sizeof(*out));
		snprintf(out->name, sizeof(out->name), "%s", vals[i].name);
		out->type = BE_VAL_SZ;
		out->data = sz_from_text(vals[i].value ? vals[i].value : "", &out->len);
		found = out->data ? BE_OK : BE_NO_MEMORY;
	}
	nv_free(vals, n);
	if (rc || found != BE_NOT_FOUND || k.where == REG_PARAMS)
		return rc ? rc : found;
	struct be_value *sv;
	if (sreg_values(p, key, &sv, &n) != BE_OK)
		return BE_NOT_FOUND;
	for (size_t i = 0; i < n && found == BE_NOT_FOUND; i++) {
		if (strcasecmp(sv[i].name, name) != 0)
			continue;
		*out = sv[i];
		sv[i].data = NULL; /* handed over */
		found = BE_OK;
	}
	sreg_values_free(sv, n);
	return found;
}

/* The stored values of key with value set (replaced) or name deleted. */
static int stored_edit(struct pcmk *p, const char *key, const struct be_value *value, const char *delete_name)
{
	struct be_value *sv = NULL;
	size_t n = 0;
	int rc = sreg_values(p, key, &sv, &n);
	if (rc == BE_NOT_FOUND)
		rc = BE_OK; /* a mapped key with nothing stored yet */
	if (rc)
		return rc;
	const char *name = value ? value->name : delete_name;
	size_t at = n;
	for (size_t i = 0; i < n && at == n; i++)
		if (strcasecmp(sv[i].name, name) == 0)
			at = i;
	if (!value) {
		if (at == n) {
			sreg_values_free(sv, n);
			return BE_NOT_FOUND;
		}
		free(sv[at].data);
		memmove(&sv[at], &sv[at + 1], (n - at - 1) * sizeof(*sv));
		n--;
		rc = sreg_write(p, key, sv, n);
		sreg_values_free(sv, n);
		return rc;
	}
	struct be_value *g = realloc(sv, (n + 1) * sizeof(*g));
	if (!g) {
		sreg_values_free(sv, n);
		return BE_NO_MEMORY;
	}
	sv = g;
	if (at == n) {
		memset(&sv[n], 0, sizeof(sv[n]));
		n++;
	} else {
		free(sv[at].data);
	}
	/* A shallow copy: value's data is not ours to free. */
	sv[at] = *value;
	rc = sreg_write(p, key, sv, n);
	sv[at].data = NULL;
	sreg_values_free(sv, n);
	return rc;
}

/* A failure policy (a common property) that Pacemaker cannot carry out:
 * failpolicy.c maps the others.  Refused rather than stored in the cluster
 * registry, so that what reads back is what Pacemaker will do. */
static bool unmapped_policy(enum be_kind kind, const char *name)
{
	static const char *const resource[] = { "RestartAction", "RestartThreshold", "RestartPeriod", "RestartDelay",
						"PendingTimeout", "LooksAlivePollInterval", "IsAlivePollInterval" };
	static const char *const group[] = { "FailoverThreshold", "FailoverPeriod", "AutoFailbackType",
					     "FailbackWindowStart", "FailbackWindowEnd" };
	const char *const *names = kind == BE_RESOURCE ? resource : kind == BE_GROUP ? group : NULL;
	size_t n = kind == BE_RESOURCE ? sizeof(resource) / sizeof(resource[0])
		   : kind == BE_GROUP  ? sizeof(group) / sizeof(group[0])
				       : 0;
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(names[i], name) == 0)
			return !failpolicy_known(kind, name);
	return false;
}

int pm_reg_set(struct backend *b, const char *key, const struct be_value *value)
{
	struct pcmk *p = P(b);
	if (!reg_path_ok(key) || strlen(value->name) >= BE_NAME_MAX || value->len > BE_REG_VALUE_MAX)
		return BE_INVALID;
	int rc = ready_write(p);
	if (rc)
		return rc;
	struct reg_key k;
	if (!key_there(p, key, &k))
		return BE_INVALID;
	if (k.where == REG_OBJECT && failpolicy_known(k.kind, value->name)) {
		if (value->type != BE_VAL_DWORD || value->len != 4)
			return BE_INVALID;
		uint32_t v = (uint32_t)value->data[0] | (uint32_t)value->data[1] << 8 | (uint32_t)value->data[2] << 16 |
			     (uint32_t)value->data[3] << 24;
		return failpolicy_set(p, k.obj, value->name, v);
	}
	if (k.where == REG_OBJECT && unmapped_policy(k.kind, value->name))
		return BE_UNSUPPORTED;
	bool desc = k.where == REG_OBJECT && k.kind != BE_NODE && strcasecmp(value->name, "Description") == 0;
	if (k.where != REG_PARAMS && !desc) {
		if (mapped_value(&k, value->name))
			return BE_UNSUPPORTED; /* read-only, from corosync */
		return stored_edit(p, key, value, NULL);
	}
	if (!strcmp(value->name, NAME_META) || !strcmp(value->name, XML_RSC_ATTR_TARGET_ROLE) || !id_ok(value->name))
		return BE_UNSUPPORTED; /* ours, or not a name Pacemaker takes */
	char *text = text_from_value(value);
	if (!text)
		return BE_UNSUPPORTED; /* binary, multi-string, qword: no text form */
	xmlNode *cur = find_id(p->view.cib, k.obj->cib_id);
	if (!cur) {
		free(text);
		return BE_NOT_FOUND;
	}
	xmlNode *f = frag_of(NULL, cur);
	if (desc)
		crm_xml_add(f, XML_ATTR_DESC, text);
	else
		frag_nvpair(f, cur, params_set(&k), value->name, text);
	free(text);
	return after_write(p, cib_modify(p, XML_CIB_TAG_RESOURCES, f, 0));
}

int pm_reg_delete_value(struct backend *b, const char *key, const char *name)
{
	struct pcmk *p = P(b);
	if (!reg_path_ok(key))
		return BE_INVALID;
	int rc = ready_write(p);
	if (rc)
		return rc;
	struct reg_key k;
	if (!key_there(p, key, &k))
		return BE_INVALID;
	if (k.where != REG_PARAMS) {
		if (mapped_value(&k, name))
			return BE_UNSUPPORTED;
		return stored_edit(p, key, NULL, name);
	}
	if (!strcmp(name, NAME_META) || !strcmp(name, XML_RSC_ATTR_TARGET_ROLE))
		return BE_UNSUPPORTED;
	xmlNode *cur = find_id(p->view.cib, k.obj->cib_id);
	xmlNode *nv = cur ? find_nvpair(cur, params_set(&k), name) : NULL;
	if (!nv)
		return BE_NOT_FOUND;
	char id[BE_NAME_MAX];
	snprintf(id, sizeof(id), "%s", crm_element_value(nv, XML_ATTR_ID) ?: "");
	return after_write(p, cib_remove_id(p, XML_CIB_TAG_RESOURCES, XML_CIB_TAG_NVPAIR, id));
}
