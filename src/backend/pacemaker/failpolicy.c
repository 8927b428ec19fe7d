/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Failure policies on Pacemaker (issue 11, part 3): the clusapi common
 * properties that have a Pacemaker meaning, read as what Pacemaker will do
 * (the element's meta attribute, else rsc_defaults, else Pacemaker's
 * default) and written as meta attributes crm_resource and pcs users know:
 *
 *   RestartThreshold (resource)    migration-threshold - 1: Pacemaker restarts
 *                                  a resource in place until it has failed
 *                                  migration-threshold times on a node, then
 *                                  moves it; INFINITY (the default) reads as
 *                                  0xFFFFFFFF
 *   RestartPeriod (resource)       failure-timeout (ms; 0: failures never
 *                                  expire, Pacemaker's default)
 *   IsAlivePollInterval (resource) the interval of its monitor operation (ms)
 *   AutoFailbackType (group)       resource-stickiness: 0 (prevent failback)
 *                                  is INFINITY, 1 (allow) is 0; read: any
 *                                  positive stickiness prevents
 *
 * The other policy properties have no Pacemaker counterpart: not found here
 * (the server then gives Windows' default), and setting them BE_UNSUPPORTED.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <crm/crm.h>
#include <crm/common/util.h>
#include <crm/common/xml.h>
#include <crm/msg_xml.h>

#include "pcmk.h"

#define ALL_ONES 0xFFFFFFFFu
#define PCMK_INFINITY 1000000

static bool is(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}

bool failpolicy_known(enum be_kind kind, const char *name)
{
	if (kind == BE_RESOURCE)
		return is(name, "RestartThreshold") || is(name, "RestartPeriod") || is(name, "IsAlivePollInterval");
	if (kind == BE_GROUP)
		return is(name, "AutoFailbackType");
	return false;
}

/* A meta attribute of el, else of rsc_defaults, else NULL. */
static const char *meta_or_default(struct pcmk *p, xmlNode *el, const char *name)
{
	const char *v = nv_value(el, XML_TAG_META_SETS, name);
	if (v)
		return v;
	xmlNode *defaults = pcmk_find_cib_element(p->view.cib, XML_CIB_TAG_RSCCONFIG);
	return defaults ? nv_value(defaults, XML_TAG_META_SETS, name) : NULL;
}

static xmlNode *monitor_op(xmlNode *el)
{
	xmlNode *ops = child_named(el, "operations");
	for (xmlNode *op = ops ? ops->children : NULL; op; op = op->next)
		if (xml_is(op, "op") && is(crm_element_value(op, "name") ?: "", "monitor"))
			return op;
	return NULL;
}

int failpolicy_get(struct pcmk *p, struct pobj *obj, const char *name, uint32_t *out)
{
	if (!failpolicy_known(obj->o.kind, name))
		return BE_NOT_FOUND;
	xmlNode *el = find_id(p->view.cib, obj->cib_id);
	if (!el)
		return BE_NOT_FOUND;
	if (is(name, "RestartThreshold")) {
		const char *v = meta_or_default(p, el, "migration-threshold");
		int score = v ? char2score(v) : PCMK_INFINITY;
		*out = score >= PCMK_INFINITY || score <= 0 ? ALL_ONES : (uint32_t)score - 1;
	} else if (is(name, "RestartPeriod")) {
		const char *v = meta_or_default(p, el, "failure-timeout");
		*out = v ? crm_parse_interval_spec(v) : 0;
	} else if (is(name, "IsAlivePollInterval")) {
		xmlNode *op = monitor_op(el);
		const char *v = op ? crm_element_value(op, "interval") : NULL;
		*out = v ? crm_parse_interval_spec(v) : 0;
	} else { /* AutoFailbackType */
		const char *v = meta_or_default(p, el, "resource-stickiness");
		*out = v && char2score(v) > 0 ? 0 : 1;
	}
	return BE_OK;
}

int failpolicy_set(struct pcmk *p, struct pobj *obj, const char *name, uint32_t v)
{
	if (!failpolicy_known(obj->o.kind, name))
		return BE_UNSUPPORTED;
	xmlNode *cur = find_id(p->view.cib, obj->cib_id);
	if (!cur)
		return BE_NOT_FOUND;
	char text[32];
	xmlNode *f = frag_of(NULL, cur);
	if (is(name, "RestartThreshold")) {
		if (v == ALL_ONES || v >= PCMK_INFINITY - 1)
			snprintf(text, sizeof(text), "INFINITY");
		else
			snprintf(text, sizeof(text), "%u", v + 1);
		frag_nvpair(f, cur, XML_TAG_META_SETS, "migration-threshold", text);
	} else if (is(name, "RestartPeriod")) {
		if (v % 1000 == 0)
			snprintf(text, sizeof(text), "%us", v / 1000);
		else
			snprintf(text, sizeof(text), "%ums", v);
		frag_nvpair(f, cur, XML_TAG_META_SETS, "failure-timeout", text);
	} else if (is(name, "IsAlivePollInterval")) {
		xmlNode *op = monitor_op(cur);
		if (!op || !v) {
			free_xml(f);
			return op ? BE_INVALID : BE_UNSUPPORTED;
		}
		snprintf(text, sizeof(text), "%ums", v);
		xmlNode *ops = create_xml_node(f, "operations");
		xmlNode *nop = create_xml_node(ops, "op");
		crm_xml_add(nop, XML_ATTR_ID, crm_element_value(op, XML_ATTR_ID));
		crm_xml_add(nop, "name", "monitor");
		crm_xml_add(nop, "interval", text);
	} else { /* AutoFailbackType: 0 prevent (stay), 1 allow (no stickiness) */
		frag_nvpair(f, cur, XML_TAG_META_SETS, "resource-stickiness", v ? "0" : "INFINITY");
	}
	return after_write(p, cib_modify(p, XML_CIB_TAG_RESOURCES, f, 0));
}
