/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Talking to the CIB: small XML helpers, object ids and CIB ids, Pacemaker's
 * return codes, the command connection, and the modify / remove steps every
 * writer (write.c, registry.c, and what comes: state.c, policy.c) builds on.
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

/* ---- small helpers ------------------------------------------------------------ */

bool xml_is(const xmlNode *n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

xmlNode *child_named(xmlNode *parent, const char *name)
{
	for (xmlNode *c = parent ? parent->children : NULL; c; c = c->next)
		if (xml_is(c, name))
			return c;
	return NULL;
}

/* The element with this id anywhere under root (ids are unique in a CIB). */
xmlNode *find_id(xmlNode *root, const char *id)
{
	for (xmlNode *c = root ? root->children : NULL; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		const char *cid = crm_element_value(c, XML_ATTR_ID);
		if (cid && strcmp(cid, id) == 0)
			return c;
		xmlNode *found = find_id(c, id);
		if (found)
			return found;
	}
	return NULL;
}

/* The nvpair NAME of the first SET (meta_attributes, instance_attributes) of el. */
xmlNode *find_nvpair(xmlNode *el, const char *set, const char *name)
{
	xmlNode *s = child_named(el, set);
	for (xmlNode *c = s ? s->children : NULL; c; c = c->next)
		if (xml_is(c, XML_CIB_TAG_NVPAIR) && strcmp(crm_element_value(c, XML_NVPAIR_ATTR_NAME) ?: "", name) == 0)
			return c;
	return NULL;
}

const char *nv_value(xmlNode *el, const char *set, const char *name)
{
	return crm_element_value(find_nvpair(el, set, name), XML_NVPAIR_ATTR_VALUE);
}

/* A stable UUID from (kind, CIB id): FNV-1a twice, with the version nibble of
 * a name-based UUID (8: "custom") and the RFC 4122 variant. */
void derive_id(char *out, enum be_kind kind, const char *cib_id)
{
	uint64_t h[2] = { 0xcbf29ce484222325ull, 0x84222325cbf29ce4ull };
	for (int k = 0; k < 2; k++) {
		h[k] ^= (uint64_t)kind + 1;
		h[k] *= 0x100000001b3ull;
		for (const unsigned char *s = (const unsigned char *)cib_id; *s; s++) {
			h[k] ^= *s;
			h[k] *= k ? 0x100000001b3ull : 0x100000001b3ull ^ 0x5bd1e995ull;
		}
	}
	for (int k = 0; k < 2; k++) { /* splitmix64's finalizer: every bit counts */
		h[k] ^= h[k] >> 30;
		h[k] *= 0xbf58476d1ce4e5b9ull;
		h[k] ^= h[k] >> 27;
		h[k] *= 0x94d049bb133111ebull;
		h[k] ^= h[k] >> 31;
	}
	uint8_t b[16];
	for (int i = 0; i < 8; i++) {
		b[i] = (uint8_t)(h[0] >> (8 * i));
		b[8 + i] = (uint8_t)(h[1] >> (8 * i));
	}
	b[6] = (uint8_t)((b[6] & 0x0f) | 0x80);
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
	snprintf(out, BE_ID_MAX, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
		 b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

bool name_ok(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	if (n == 0 || n >= BE_NAME_MAX - 32)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == '\\')
			return false;
	return true;
}

/* Is this text usable as a CIB id as it is? */
bool id_ok(const char *s)
{
	if (!(*s == '_' || (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')))
		return false;
	for (; *s; s++)
		if (!(*s == '_' || *s == '-' || *s == '.' || (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

/* A new CIB id for name: the name itself when it is a valid and free id,
 * else the name with its other characters made '_', made unique. */
void new_cib_id(xmlNode *cib, const char *name, char *out, size_t cap)
{
	char base[BE_NAME_MAX];
	size_t j = 0;
	if (!((*name >= 'A' && *name <= 'Z') || (*name >= 'a' && *name <= 'z') || *name == '_'))
		base[j++] = '_';
	for (const char *s = name; *s && j + 1 < sizeof(base) - 16; s++) {
		char c = *s;
		bool ok = c == '_' || c == '-' || c == '.' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			  (c >= '0' && c <= '9');
		base[j++] = ok ? c : '_';
	}
	base[j] = 0;
	snprintf(out, cap, "%s", base);
	for (int i = 2; find_id(cib, out) && i < 1000; i++)
		snprintf(out, cap, "%s-%d", base, i);
}

/* Pacemaker's legacy return codes (negative errno or pcmk_err_*) -> BE_*. */
int be_from_pcmk(int rc)
{
	if (rc == pcmk_ok)
		return BE_OK;
	if (rc == -ENXIO)
		return BE_NOT_FOUND;
	if (rc == -EEXIST || rc == -ENOTUNIQ)
		return BE_EXISTS;
	if (rc == -pcmk_err_schema_validation || rc == -EINVAL)
		return BE_INVALID;
	if (rc == -ENOMEM)
		return BE_NO_MEMORY;
	if (rc == -EACCES || rc == -EPERM)
		return BE_UNSUPPORTED;
	return BE_IO;
}

/* How long a write waits for the watch thread to settle quorum (it answers
 * within microseconds unless it is busy reading a CIB diff). */
#define SETTLE_MS 2000

int cib_written(struct pcmk *p, int rc)
{
	int st = be_from_pcmk(rc);
	if (st == BE_OK && !corosync_quorum_settle(p->quorum, SETTLE_MS)) {
		log_warn("pacemaker: a CIB write was carried out in a partition without quorum: "
			 "answered as maybe done (it is lost if the majority's CIB wins when the partition heals)");
		return BE_UNCONFIRMED;
	}
	if (st == BE_OK && corosync_rejoining(p->quorum)) {
		log_warn("pacemaker: a CIB write was carried out while this node rejoins the cluster: answered as "
			 "maybe done (it is lost if the cluster's CIB replaces this node's)");
		return BE_UNCONFIRMED;
	}
	return st;
}

int cib_connect(struct pcmk *p)
{
	int fd = -1;
	p->cib->cmds->signoff(p->cib);
	/* signon_raw: no main-loop source, so the watch thread's glib loop
	 * never touches this connection. */
	return p->cib->cmds->signon_raw(p->cib, "clusterd", cib_command, &fd);
}

/* Add to frag (a copy-shaped element: same tag and id as cur) an nvpair
 * NAME=VALUE in SET, reusing the ids cur already has for them, so that the
 * CIB modify updates in place instead of adding a second nvpair. */
void frag_nvpair(xmlNode *frag, xmlNode *cur, const char *set, const char *name, const char *value)
{
	const char *el_id = crm_element_value(frag, XML_ATTR_ID);
	xmlNode *cur_set = child_named(cur, set);
	xmlNode *cur_nv = find_nvpair(cur, set, name);
	char set_id[BE_NAME_MAX + 32], nv_id[2 * BE_NAME_MAX];
	snprintf(set_id, sizeof(set_id), "%s", crm_element_value(cur_set, XML_ATTR_ID) ?: "");
	if (!set_id[0])
		snprintf(set_id, sizeof(set_id), "%s-%s", el_id, set);
	xmlNode *s = child_named(frag, set);
	if (!s) {
		s = create_xml_node(frag, set);
		crm_xml_add(s, XML_ATTR_ID, set_id);
	}
	snprintf(nv_id, sizeof(nv_id), "%s", crm_element_value(cur_nv, XML_ATTR_ID) ?: "");
	if (!nv_id[0])
		snprintf(nv_id, sizeof(nv_id), "%s-%s", set_id, name);
	xmlNode *nv = create_xml_node(s, XML_CIB_TAG_NVPAIR);
	crm_xml_add(nv, XML_ATTR_ID, nv_id);
	crm_xml_add(nv, XML_NVPAIR_ATTR_NAME, name);
	crm_xml_add(nv, XML_NVPAIR_ATTR_VALUE, value);
}

xmlNode *frag_of(xmlNode *parent, xmlNode *cur)
{
	xmlNode *f = create_xml_node(parent, (const char *)cur->name);
	crm_xml_add(f, XML_ATTR_ID, crm_element_value(cur, XML_ATTR_ID));
	return f;
}

int cib_modify(struct pcmk *p, const char *section, xmlNode *frag, int extra)
{
	int rc = p->cib->cmds->modify(p->cib, section, frag, cib_sync_call | extra);
	if (rc != pcmk_ok)
		log_warn("pacemaker: CIB modify of %s failed: %s", section, pcmk_strerror(rc));
	free_xml(frag);
	return cib_written(p, rc);
}

/* Remove an element by id from a section (its children go with it). */
int cib_remove_id(struct pcmk *p, const char *section, const char *tag, const char *id)
{
	xmlNode *x = create_xml_node(NULL, tag);
	crm_xml_add(x, XML_ATTR_ID, id);
	int rc = p->cib->cmds->remove(p->cib, section, x, cib_sync_call);
	free_xml(x);
	return cib_written(p, rc);
}
