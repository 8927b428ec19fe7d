/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The control calls (ClusterControl, ResourceControl, GroupControl, ...): the
 * read-only control codes answered from the object (names, ids, flags, class
 * info, property lists), with the MS-CMRP buffer protocol: when the caller's
 * nOutBufferSize is too small the answer is ERROR_MORE_DATA with lpcbRequired
 * set and nothing returned.
 *
 * The access list and account codes are answered by admin.c.
 *
 * A control code is object (bits 24-31) | global (23) | modify (22) |
 * function (2-21) | access (0-1).  The object byte must be the call's; codes
 * that modify (the modify bit, or write access) need Change on the handle and
 * in the caller's current rights; of them SET_COMMON_PROPERTIES and
 * SET_PRIVATE_PROPERTIES are implemented (and VALIDATE_*_PROPERTIES, which
 * check a list the same way and write nothing).  An input property list is
 * parsed strictly and entirely before anything is written: a malformed list
 * is ERROR_INVALID_DATA, an unknown, read-only or mistyped common property
 * ERROR_INVALID_PARAMETER, and in both cases nothing changes.
 *
 * Property lists (MS-CMRP 2.2.3.10): a DWORD count, then per property a
 * CLUSPROP_SYNTAX_NAME value with its name, the value with its syntax, and an
 * end mark; every value is syntax, length, data padded to 4 bytes.  Private
 * properties are the values of the object's "Parameters" key in the cluster
 * registry (KIND\ID\Parameters, as in a Windows cluster hive); a Description
 * value in the object's key is its Description.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/utf16.h"
#include "ops.h"
#include "policy.h"

/* CLUSTER_CONTROL_OBJECT */
enum {
	OBJ_RESOURCE = 1,
	OBJ_RESTYPE = 2,
	OBJ_GROUP = 3,
	OBJ_NODE = 4,
	OBJ_NETWORK = 5,
	OBJ_NETIF = 6,
	OBJ_CLUSTER = 7,
	OBJ_GROUPSET = 8,
};
#define ANY_OBJECT 0x1feu
#define BIT(o) (1u << (o))

#define CLCTL_MODIFY_MASK 0x00400000u
#define CLCTL_ACCESS_WRITE 0x2u

/* Read-only functions (code & 0x00ffffff) we answer. */
enum {
	CLCTL_GET_CHARACTERISTICS = 0x05,
	CLCTL_GET_FLAGS = 0x09,
	CLCTL_GET_CLASS_INFO = 0x0d,
	CLCTL_GET_NAME = 0x29,
	CLCTL_GET_RESOURCE_TYPE = 0x2d,
	CLCTL_GET_NODE = 0x31,
	CLCTL_GET_NETWORK = 0x35,
	CLCTL_GET_ID = 0x39,
	CLCTL_GET_FQDN = 0x3d,
	CLCTL_CHECK_VOTER_EVICT = 0x45,
	CLCTL_CHECK_VOTER_DOWN = 0x49,
	CLCTL_ENUM_COMMON_PROPERTIES = 0x51,
	CLCTL_GET_RO_COMMON_PROPERTIES = 0x55,
	CLCTL_GET_COMMON_PROPERTIES = 0x59,
	CLCTL_ENUM_PRIVATE_PROPERTIES = 0x79,
	CLCTL_GET_RO_PRIVATE_PROPERTIES = 0x7d,
	CLCTL_GET_PRIVATE_PROPERTIES = 0x81,
	/* Checks of a property list, writing nothing. */
	CLCTL_VALIDATE_COMMON_PROPERTIES = 0x61,
	CLCTL_VALIDATE_PRIVATE_PROPERTIES = 0x89,
	/* Modify functions (with the modify bit). */
	CLCTL_SET_COMMON_PROPERTIES = 0x40005e,
	CLCTL_SET_PRIVATE_PROPERTIES = 0x400086,
};

/* CLUSPROP syntaxes: type << 16 | format. */
#define SYNTAX_ENDMARK 0u
#define SYNTAX_NAME 0x00040003u
#define FORMAT_BINARY 1u
#define FORMAT_DWORD 2u
#define FORMAT_SZ 3u
#define FORMAT_EXPAND_SZ 4u
#define FORMAT_MULTI_SZ 5u
#define FORMAT_ULARGE_INTEGER 6u
#define FORMAT_LONG 7u
#define TYPE_LIST_VALUE 1u
#define SYNTAX_VALUE(f) (0x00010000u | (f))

#define CLUS_FLAG_CORE 1u
#define CLUS_RESCLASS_UNKNOWN 0u
#define CLUS_RESCLASS_STORAGE 1u
#define CLUS_RESCLASS_NETWORK 2u
#define CLUS_RESSUBCLASS_SHARED 0x80000000u
#define GROUP_TYPE_CORE_CLUSTER 1u
#define GROUP_TYPE_UNKNOWN 9999u

/* ---- a growing output buffer ------------------------------------------------ */

struct obuf {
	uint8_t *p;
	size_t len, cap;
	bool error;
};

static void ob_bytes(struct obuf *b, const void *data, size_t n)
{
	if (b->error)
		return;
	if (b->len + n > CMRP_MAX_BUFFER_BYTES) {
		b->error = true;
		return;
	}
	if (b->len + n > b->cap) {
		size_t ncap = b->cap ? b->cap : 256;
		while (ncap < b->len + n)
			ncap *= 2;
		uint8_t *np = realloc(b->p, ncap);
		if (!np) {
			b->error = true;
			return;
		}
		b->p = np;
		b->cap = ncap;
	}
	if (n)
		memcpy(b->p + b->len, data, n);
	b->len += n;
}

static void ob_u32(struct obuf *b, uint32_t v)
{
	uint8_t x[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
	ob_bytes(b, x, 4);
}

static void ob_pad4(struct obuf *b)
{
	static const uint8_t zero[4];
	ob_bytes(b, zero, (4 - b->len % 4) % 4);
}

/* UTF-8 -> UTF-16LE with its NUL; the byte count written, 0 on error. */
static size_t ob_str(struct obuf *b, const char *utf8)
{
	uint16_t *u = utf16_from_utf8_dup(utf8);
	if (!u) {
		b->error = true;
		return 0;
	}
	size_t n = utf16_len(u), start = b->len;
	for (size_t i = 0; i <= n; i++) {
		uint8_t x[2] = { (uint8_t)u[i], (uint8_t)(u[i] >> 8) };
		ob_bytes(b, x, 2);
	}
	free(u);
	return b->len - start;
}

static size_t str_bytes(const char *utf8)
{
	long n = utf8_to_utf16_len(utf8, strlen(utf8));
	return n < 0 ? 0 : ((size_t)n + 1) * 2;
}

/* ---- property lists (or, with names_only, the MULTI_SZ of their names) ----- */

struct props {
	struct obuf *b;
	bool names_only;
	uint32_t count;
};

static void props_begin(struct props *pl, struct obuf *b, bool names_only)
{
	pl->b = b;
	pl->names_only = names_only;
	pl->count = 0;
	if (!names_only)
		ob_u32(b, 0); /* the count, patched at the end */
}

static void props_end(struct props *pl)
{
	if (pl->names_only) {
		static const uint8_t nul[2];
		ob_bytes(pl->b, nul, 2);
	} else if (!pl->b->error) {
		uint32_t c = pl->count;
		uint8_t x[4] = { (uint8_t)c, (uint8_t)(c >> 8), (uint8_t)(c >> 16), (uint8_t)(c >> 24) };
		memcpy(pl->b->p, x, 4);
	}
}

/* Name entry; false when only the name was wanted. */
static bool props_name(struct props *pl, const char *name)
{
	pl->count++;
	if (pl->names_only) {
		ob_str(pl->b, name);
		return false;
	}
	ob_u32(pl->b, SYNTAX_NAME);
	ob_u32(pl->b, (uint32_t)str_bytes(name));
	ob_str(pl->b, name);
	ob_pad4(pl->b);
	return true;
}

static void props_raw(struct props *pl, const char *name, uint32_t format, const void *data, size_t len)
{
	if (!props_name(pl, name))
		return;
	ob_u32(pl->b, SYNTAX_VALUE(format));
	ob_u32(pl->b, (uint32_t)len);
	ob_bytes(pl->b, data, len);
	ob_pad4(pl->b);
	ob_u32(pl->b, SYNTAX_ENDMARK);
}

static void props_dword(struct props *pl, const char *name, uint32_t v)
{
	uint8_t x[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
	props_raw(pl, name, FORMAT_DWORD, x, 4);
}

static void props_sz(struct props *pl, const char *name, const char *value)
{
	if (!props_name(pl, name))
		return;
	ob_u32(pl->b, SYNTAX_VALUE(FORMAT_SZ));
	ob_u32(pl->b, (uint32_t)str_bytes(value));
	ob_str(pl->b, value);
	ob_pad4(pl->b);
	ob_u32(pl->b, SYNTAX_ENDMARK);
}

/* ---- the object a control call is about ------------------------------------ */

struct target {
	unsigned otype;      /* OBJ_* */
	struct be_object o;  /* not for OBJ_CLUSTER */
	unsigned rights;     /* of the handle */
};

static struct backend *BE(struct session *s)
{
	return s->server->be;
}

/* The object's key in the cluster registry ("" for the cluster). */
static void object_key(const struct target *t, char *out, size_t cap)
{
	const char *kind = NULL;
	switch (t->otype) {
	case OBJ_RESOURCE:
		kind = "Resources";
		break;
	case OBJ_RESTYPE:
		snprintf(out, cap, "ResourceTypes\\%s", t->o.name);
		return;
	case OBJ_GROUP:
	case OBJ_GROUPSET:
		kind = "Groups";
		break;
	case OBJ_NODE:
		kind = "Nodes";
		break;
	case OBJ_NETWORK:
		kind = "Networks";
		break;
	case OBJ_NETIF:
		kind = "NetworkInterfaces";
		break;
	default:
		out[0] = 0;
		return;
	}
	snprintf(out, cap, "%s\\%s", kind, t->o.id);
}

static const char *object_name(struct session *s, const struct target *t)
{
	return t->otype == OBJ_CLUSTER ? s->server->id.cluster_name : t->o.name;
}

/* The Description value of the object's key, or "". */
static char *description(struct session *s, const struct target *t)
{
	char key[BE_REG_PATH_MAX];
	struct be_value v = { 0 };
	char *text = NULL;

	object_key(t, key, sizeof(key));
	if (BE(s)->ops->reg_get(BE(s), key, "Description", &v) == BE_OK) {
		if (v.type == BE_VAL_SZ && v.len >= 2 && v.len % 2 == 0) {
			size_t n = v.len / 2;
			uint16_t *u = malloc(n * sizeof(*u));
			if (u) {
				for (size_t i = 0; i < n; i++)
					u[i] = (uint16_t)(v.data[2 * i] | v.data[2 * i + 1] << 8);
				while (n && u[n - 1] == 0)
					n--;
				text = utf16_to_utf8_dup(u, n);
				free(u);
			}
		}
		free(v.data);
	}
	return text ? text : strdup("");
}

static uint32_t resource_class(const char *type)
{
	if (!strcasecmp(type, "Physical Disk") || !strcasecmp(type, "Storage Pool"))
		return CLUS_RESCLASS_STORAGE;
	if (!strcasecmp(type, "IP Address") || !strcasecmp(type, "IPv6 Address") || !strcasecmp(type, "Network Name"))
		return CLUS_RESCLASS_NETWORK;
	return CLUS_RESCLASS_UNKNOWN;
}

/* The backend kind whose failure policies (policy.h) an object has, or 0. */
static enum be_kind policy_kind(const struct target *t)
{
	return t->otype == OBJ_RESOURCE ? BE_RESOURCE : t->otype == OBJ_GROUP ? BE_GROUP : 0;
}

/* Read-write common properties: Name and Description for every object; the
 * failure policies of resources and groups (policy.c). */
static void common_props(struct session *s, const struct target *t, struct props *pl)
{
	props_sz(pl, "Name", object_name(s, t));
	char *d = description(s, t);
	if (!d) {
		pl->b->error = true;
		return;
	}
	props_sz(pl, "Description", d);
	free(d);
	size_t n;
	const struct policy_prop *p = policy_props(policy_kind(t), &n);
	char key[BE_REG_PATH_MAX];
	object_key(t, key, sizeof(key));
	for (size_t i = 0; i < n; i++)
		props_dword(pl, p[i].name, policy_read(BE(s), key, &p[i]));
}

/* Read-only common properties. */
static void ro_common_props(struct session *s, const struct target *t, struct props *pl)
{
	const struct be_object *o = &t->o;
	switch (t->otype) {
	case OBJ_RESOURCE:
		props_sz(pl, "Type", o->type);
		props_dword(pl, "State", ops_state(o));
		props_sz(pl, "OwnerNode", o->owner);
		props_sz(pl, "OwnerGroup", o->parent);
		break;
	case OBJ_GROUP:
		props_dword(pl, "GroupType", o->core ? GROUP_TYPE_CORE_CLUSTER : GROUP_TYPE_UNKNOWN);
		props_dword(pl, "State", ops_state(o));
		props_sz(pl, "OwnerNode", o->owner);
		break;
	case OBJ_NODE:
		props_sz(pl, "NodeName", o->name);
		props_dword(pl, "State", ops_state(o));
		props_dword(pl, "MajorVersion", CLUSTERD_VERSION_MAJOR);
		props_dword(pl, "MinorVersion", CLUSTERD_VERSION_MINOR);
		props_dword(pl, "BuildNumber", CLUSTERD_VERSION_BUILD);
		break;
	case OBJ_NETWORK:
		props_sz(pl, "Address", o->address);
		props_dword(pl, "State", ops_state(o));
		break;
	case OBJ_NETIF:
		props_sz(pl, "Node", o->owner);
		props_sz(pl, "Network", o->parent);
		props_sz(pl, "Address", o->address);
		props_dword(pl, "State", ops_state(o));
		break;
	case OBJ_CLUSTER:
		props_dword(pl, "ClusterFunctionalLevel", CLUSTERD_CLUSTER_LEVEL >> 16);
		break;
	case OBJ_RESTYPE:
		/* What the type is made from (itself for a built-in one), and
		 * what runs a resource of it on this backend (restypes). */
		props_sz(pl, "DllName", o->parent[0] ? o->parent : o->name);
		props_sz(pl, "Implementation", o->type);
		break;
	default: /* group sets: none */
		break;
	}
	(void)s;
}

static int private_value_fn(const struct be_value *v, void *arg)
{
	struct props *pl = arg;
	uint32_t format;
	switch (v->type) {
	case BE_VAL_SZ:
		format = FORMAT_SZ;
		break;
	case BE_VAL_EXPAND_SZ:
		format = FORMAT_EXPAND_SZ;
		break;
	case BE_VAL_DWORD:
		format = v->len == 4 ? FORMAT_DWORD : FORMAT_BINARY;
		break;
	case BE_VAL_MULTI_SZ:
		format = FORMAT_MULTI_SZ;
		break;
	case BE_VAL_QWORD:
		format = v->len == 8 ? FORMAT_ULARGE_INTEGER : FORMAT_BINARY;
		break;
	default:
		format = FORMAT_BINARY;
		break;
	}
	props_raw(pl, v->name, format, v->data, v->len);
	return pl->b->error ? 1 : 0;
}

/* Private properties: the values of KEY\Parameters (none if it is missing). */
static void private_props(struct session *s, const struct target *t, struct props *pl)
{
	char key[BE_REG_PATH_MAX], params[BE_REG_PATH_MAX + 16];
	object_key(t, key, sizeof(key));
	snprintf(params, sizeof(params), "%s%sParameters", key, *key ? "\\" : "");
	if (strlen(params) >= BE_REG_PATH_MAX)
		return;
	BE(s)->ops->reg_list_values(BE(s), params, private_value_fn, pl);
}

/* ---- the control codes ------------------------------------------------------ */

static DWORD fqdn(struct session *s, struct obuf *b)
{
	char host[256] = "", name[IDENTITY_MAX_NAME + 260];
	const char *domain = NULL;
	if (gethostname(host, sizeof(host) - 1) == 0) {
		host[sizeof(host) - 1] = 0;
		domain = strchr(host, '.');
	}
	snprintf(name, sizeof(name), "%s%s", s->server->id.cluster_name, domain && domain[1] ? domain : "");
	ob_str(b, name);
	return ERROR_SUCCESS;
}

/* The answer to a read-only control code, or ERROR_INVALID_FUNCTION. */
static DWORD answer(struct session *s, const struct target *t, uint32_t fn, struct obuf *b)
{
	const unsigned ot = BIT(t->otype);
	const struct be_object *o = &t->o;
	struct props pl;

	switch (fn) {
	case CLCTL_GET_CHARACTERISTICS:
		if (!(ot & (BIT(OBJ_RESOURCE) | BIT(OBJ_RESTYPE) | BIT(OBJ_GROUP) | BIT(OBJ_NODE) | BIT(OBJ_NETWORK) |
			    BIT(OBJ_NETIF))))
			break;
		ob_u32(b, 0); /* CLUS_CHAR_UNKNOWN: nothing special */
		return ERROR_SUCCESS;
	case CLCTL_GET_FLAGS:
		if (!(ot & (BIT(OBJ_RESOURCE) | BIT(OBJ_RESTYPE) | BIT(OBJ_GROUP) | BIT(OBJ_NODE) | BIT(OBJ_NETWORK) |
			    BIT(OBJ_NETIF))))
			break;
		ob_u32(b, (t->otype == OBJ_RESOURCE || t->otype == OBJ_GROUP) && o->core ? CLUS_FLAG_CORE : 0);
		return ERROR_SUCCESS;
	case CLCTL_GET_CLASS_INFO: {
		if (!(ot & (BIT(OBJ_RESOURCE) | BIT(OBJ_RESTYPE))))
			break;
		uint32_t c = resource_class(t->otype == OBJ_RESTYPE ? o->name : o->type);
		ob_u32(b, c);
		ob_u32(b, c == CLUS_RESCLASS_STORAGE ? CLUS_RESSUBCLASS_SHARED : 0);
		return ERROR_SUCCESS;
	}
	case CLCTL_GET_NAME:
		if (t->otype == OBJ_RESTYPE)
			break;
		ob_str(b, object_name(s, t));
		return ERROR_SUCCESS;
	case CLCTL_GET_RESOURCE_TYPE:
		if (t->otype != OBJ_RESOURCE)
			break;
		ob_str(b, o->type);
		return ERROR_SUCCESS;
	case CLCTL_GET_NODE:
		if (!(ot & (BIT(OBJ_RESOURCE) | BIT(OBJ_GROUP) | BIT(OBJ_NETIF))))
			break;
		ob_str(b, o->owner);
		return ERROR_SUCCESS;
	case CLCTL_GET_NETWORK:
		if (t->otype != OBJ_NETIF)
			break;
		ob_str(b, o->parent);
		return ERROR_SUCCESS;
	case CLCTL_GET_ID:
		if (ot & (BIT(OBJ_CLUSTER) | BIT(OBJ_RESTYPE)))
			break;
		ob_str(b, o->id);
		return ERROR_SUCCESS;
	case CLCTL_GET_FQDN:
		if (t->otype != OBJ_CLUSTER)
			break;
		return fqdn(s, b);
	case CLCTL_CHECK_VOTER_EVICT:
	case CLCTL_CHECK_VOTER_DOWN:
		if (!(ot & (BIT(OBJ_CLUSTER) | BIT(OBJ_NODE) | BIT(OBJ_RESOURCE))))
			break;
		/* One voter: losing it loses quorum. */
		ob_u32(b, 0);
		return ERROR_SUCCESS;
	case CLCTL_ENUM_COMMON_PROPERTIES:
	case CLCTL_GET_COMMON_PROPERTIES:
		props_begin(&pl, b, fn == CLCTL_ENUM_COMMON_PROPERTIES);
		common_props(s, t, &pl);
		props_end(&pl);
		return ERROR_SUCCESS;
	case CLCTL_GET_RO_COMMON_PROPERTIES:
		props_begin(&pl, b, false);
		ro_common_props(s, t, &pl);
		props_end(&pl);
		return ERROR_SUCCESS;
	case CLCTL_ENUM_PRIVATE_PROPERTIES:
	case CLCTL_GET_PRIVATE_PROPERTIES:
		props_begin(&pl, b, fn == CLCTL_ENUM_PRIVATE_PROPERTIES);
		private_props(s, t, &pl);
		props_end(&pl);
		return ERROR_SUCCESS;
	case CLCTL_GET_RO_PRIVATE_PROPERTIES:
		props_begin(&pl, b, false);
		props_end(&pl);
		return ERROR_SUCCESS;
	default:
		break;
	}
	return ERROR_INVALID_FUNCTION;
}

/* ---- input property lists (SET_* and VALIDATE_*_PROPERTIES) ----------------- */

struct in_prop {
	char *name; /* UTF-8 */
	uint32_t format;
	uint8_t *data; /* into the input buffer */
	uint32_t len;
};

struct in_list {
	struct in_prop *p;
	uint32_t n;
};

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void in_list_free(struct in_list *l)
{
	for (uint32_t i = 0; i < l->n; i++)
		free(l->p[i].name);
	free(l->p);
	l->p = NULL;
	l->n = 0;
}

/* A UTF-16LE string of len bytes whose last unit is its only NUL, as UTF-8;
 * NULL if it is not one. */
static char *sz_utf8(const uint8_t *d, uint32_t len)
{
	if (len < 2 || len % 2)
		return NULL;
	size_t n = len / 2 - 1;
	if (d[2 * n] || d[2 * n + 1])
		return NULL;
	if (n == 0)
		return strdup("");
	uint16_t *u = malloc(n * sizeof(*u));
	if (!u)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		u[i] = (uint16_t)(d[2 * i] | d[2 * i + 1] << 8);
		if (!u[i]) {
			free(u);
			return NULL;
		}
	}
	char *s = utf16_to_utf8_dup(u, n);
	free(u);
	return s;
}

/* Whether the data of a value of a known format is well formed. */
static bool value_well_formed(uint32_t format, const uint8_t *d, uint32_t len)
{
	switch (format) {
	case FORMAT_DWORD:
	case FORMAT_LONG:
		return len == 4;
	case FORMAT_ULARGE_INTEGER:
		return len == 8;
	case FORMAT_SZ:
	case FORMAT_EXPAND_SZ: {
		char *s = sz_utf8(d, len);
		free(s);
		return s != NULL;
	}
	case FORMAT_MULTI_SZ:
		/* Strings each with its NUL, then an empty one ("" alone may be one NUL). */
		if (len < 2 || len % 2 || d[len - 1] || d[len - 2])
			return false;
		return len == 2 || (!d[len - 3] && !d[len - 4]);
	default: /* binary, or a format judged later */
		return true;
	}
}

/* The structure of a property list: every count and size checked against
 * the bytes present.  ERROR_INVALID_DATA when malformed. */
static DWORD parse_list(const struct cmrp_blob *in, struct in_list *l)
{
	uint8_t *p = in->present ? in->data : NULL;
	size_t len = p ? in->len : 0, off = 4;

	l->p = NULL;
	l->n = 0;
	if (len < 4)
		return ERROR_INVALID_DATA;
	uint32_t count = get32(p);
	/* A property takes at least 24 bytes: the count is never trusted. */
	if (count > (len - 4) / 24)
		return ERROR_INVALID_DATA;
	if (count && !(l->p = calloc(count, sizeof(*l->p))))
		return ERROR_NOT_ENOUGH_MEMORY;
	for (uint32_t i = 0; i < count; i++) {
		struct in_prop *ip = &l->p[i];
		if (len - off < 8 || get32(p + off) != SYNTAX_NAME)
			return ERROR_INVALID_DATA;
		size_t size = get32(p + off + 4), padded = (size + 3) & ~(size_t)3;
		off += 8;
		if (size > len - off || padded > len - off)
			return ERROR_INVALID_DATA;
		ip->name = sz_utf8(p + off, (uint32_t)size);
		if (!ip->name)
			return ERROR_INVALID_DATA;
		l->n = i + 1;
		if (!*ip->name)
			return ERROR_INVALID_DATA;
		off += padded;

		if (len - off < 8)
			return ERROR_INVALID_DATA;
		uint32_t syntax = get32(p + off);
		size = get32(p + off + 4);
		padded = (size + 3) & ~(size_t)3;
		off += 8;
		if ((syntax >> 16) != TYPE_LIST_VALUE || size > len - off || padded > len - off)
			return ERROR_INVALID_DATA;
		ip->format = syntax & 0xffffu;
		ip->data = p + off;
		ip->len = (uint32_t)size;
		if (!value_well_formed(ip->format, ip->data, ip->len))
			return ERROR_INVALID_DATA;
		off += padded;

		if (len - off < 4 || get32(p + off) != SYNTAX_ENDMARK)
			return ERROR_INVALID_DATA;
		off += 4;
	}
	return off == len ? ERROR_SUCCESS : ERROR_INVALID_DATA;
}

DWORD ops_property_list(const struct cmrp_blob *in, ops_property_fn fn, void *arg)
{
	struct in_list l;
	DWORD result = parse_list(in, &l);
	for (uint32_t i = 0; !result && i < l.n; i++)
		result = fn(arg, l.p[i].name, l.p[i].format, l.p[i].data, l.p[i].len);
	in_list_free(&l);
	return result;
}

char *ops_sz_utf8(const uint8_t *data, uint32_t len)
{
	return sz_utf8(data, len);
}

static bool can_rename(const struct target *t)
{
	return t->otype == OBJ_RESOURCE || t->otype == OBJ_GROUP;
}

/* Whether every property of a well-formed list may be set. */
static DWORD check_list(struct session *s, const struct target *t, bool private, const struct in_list *l)
{
	for (uint32_t i = 0; i < l->n; i++) {
		const struct in_prop *ip = &l->p[i];
		if (strlen(ip->name) >= BE_NAME_MAX)
			return ERROR_INVALID_PARAMETER;
		if (private) {
			if (ip->format < FORMAT_BINARY || ip->format > FORMAT_LONG)
				return ERROR_INVALID_PARAMETER;
		} else if (!strcasecmp(ip->name, "Description")) {
			if (ip->format != FORMAT_SZ)
				return ERROR_INVALID_PARAMETER;
		} else if (!strcasecmp(ip->name, "Name")) {
			if (ip->format != FORMAT_SZ || ip->len <= 2)
				return ERROR_INVALID_PARAMETER;
			char *name = sz_utf8(ip->data, ip->len);
			bool same = name && !strcmp(name, object_name(s, t));
			free(name);
			if (!same && !can_rename(t))
				return ERROR_INVALID_PARAMETER;
		} else if (policy_find(policy_kind(t), ip->name)) {
			if ((ip->format != FORMAT_DWORD && ip->format != FORMAT_LONG) || ip->len != 4 ||
			    !policy_valid(policy_find(policy_kind(t), ip->name), get32(ip->data)))
				return ERROR_INVALID_PARAMETER;
		} else {
			/* Unknown, or read-only. */
			return ERROR_INVALID_PARAMETER;
		}
	}
	return ERROR_SUCCESS;
}

static uint32_t reg_type_of(uint32_t format)
{
	switch (format) {
	case FORMAT_SZ:
		return BE_VAL_SZ;
	case FORMAT_EXPAND_SZ:
		return BE_VAL_EXPAND_SZ;
	case FORMAT_DWORD:
	case FORMAT_LONG:
		return BE_VAL_DWORD;
	case FORMAT_MULTI_SZ:
		return BE_VAL_MULTI_SZ;
	case FORMAT_ULARGE_INTEGER:
		return BE_VAL_QWORD;
	default:
		return BE_VAL_BINARY;
	}
}

/* Set value ip (as type) in key, creating the key if needed. */
static DWORD set_value(struct session *s, const char *key, const char *name, uint32_t type, const struct in_prop *ip)
{
	struct be_value v = { .type = type, .data = ip->data, .len = ip->len };
	bool created = false;
	int rc = BE_OK;
	if (*key)
		rc = BE(s)->ops->reg_create_key(BE(s), key, &created);
	snprintf(v.name, sizeof(v.name), "%s", name);
	if (!rc)
		rc = BE(s)->ops->reg_set(BE(s), key, &v);
	return ops_be_error(rc, (enum be_kind)0);
}

/* Write a checked list: a rename first (the one write that may be refused
 * for what the object is), then the values. */
static DWORD write_list(struct session *s, struct target *t, bool private, const struct in_list *l)
{
	char key[BE_REG_PATH_MAX], params[BE_REG_PATH_MAX + 16];
	DWORD result = ERROR_SUCCESS;

	object_key(t, key, sizeof(key));
	if (private) {
		snprintf(params, sizeof(params), "%s%sParameters", key, *key ? "\\" : "");
		if (strlen(params) >= BE_REG_PATH_MAX)
			return ERROR_INVALID_PARAMETER;
		for (uint32_t i = 0; i < l->n && !result; i++)
			result = set_value(s, params, l->p[i].name, reg_type_of(l->p[i].format), &l->p[i]);
		return result;
	}
	for (uint32_t i = 0; i < l->n && !result; i++) {
		const struct in_prop *ip = &l->p[i];
		if (strcasecmp(ip->name, "Name") != 0)
			continue;
		char *name = sz_utf8(ip->data, ip->len);
		if (!name)
			return ERROR_NOT_ENOUGH_MEMORY;
		if (can_rename(t) && strcmp(name, t->o.name) != 0) {
			int rc = BE(s)->ops->rename(BE(s), t->o.kind, t->o.id, name);
			result = rc == BE_INVALID ? ERROR_INVALID_NAME : ops_be_error(rc, t->o.kind);
			if (!result)
				snprintf(t->o.name, sizeof(t->o.name), "%s", name);
		}
		free(name);
	}
	for (uint32_t i = 0; i < l->n && !result; i++)
		if (!strcasecmp(l->p[i].name, "Description"))
			result = set_value(s, key, "Description", BE_VAL_SZ, &l->p[i]);
	for (uint32_t i = 0; i < l->n && !result; i++) {
		const struct policy_prop *p = policy_find(policy_kind(t), l->p[i].name);
		if (p)
			result = set_value(s, key, p->name, BE_VAL_DWORD, &l->p[i]);
	}
	return result;
}

/* SET_* (write) or VALIDATE_* (check only) of common or private properties. */
static DWORD set_properties(struct session *s, struct target *t, bool private, bool write, const struct cmrp_blob *in)
{
	struct in_list l;
	DWORD result = parse_list(in, &l);
	if (!result)
		result = check_list(s, t, private, &l);
	if (!result && write)
		result = write_list(s, t, private, &l);
	in_list_free(&l);
	return result;
}

/* ---- resolving the handles -------------------------------------------------- */

/* The object type of the control codes a call takes (bits 24-31), from the
 * handle type the table gives for its first handle. */
static unsigned control_object(const struct ops_call *c)
{
	switch (ops_in_type(c, 0)) {
	case HANDLE_RESOURCE:
		return OBJ_RESOURCE;
	case HANDLE_GROUP:
		return OBJ_GROUP;
	case HANDLE_NODE:
		return OBJ_NODE;
	case HANDLE_NETWORK:
		return OBJ_NETWORK;
	case HANDLE_NETIF:
		return OBJ_NETIF;
	case HANDLE_GROUPSET:
		return OBJ_GROUPSET;
	default: /* the cluster handle: the cluster, or a resource type by name */
		return c->op->control == CMRP_CONTROL_TYPE || c->op->control == CMRP_CONTROL_TYPE_NODE ? OBJ_RESTYPE
												   : OBJ_CLUSTER;
	}
}

static bool is_msmq(const char *type)
{
	return !strcasecmp(type, "MSMQ") || !strcasecmp(type, "MSMQTriggers");
}

static DWORD resolve(struct session *s, const struct ops_call *c, const struct cmrp_control_in *r, struct target *t)
{
	enum cmrp_control_kind kind = c->op->control;
	uint8_t htype = ops_in_type(c, 0);
	t->otype = control_object(c);
	struct handle_entry *e;
	DWORD result;

	if (htype == HANDLE_CLUSTER) {
		e = session_handle_find(s, &r->handle, HANDLE_CLUSTER);
		result = e ? ERROR_SUCCESS : ERROR_INVALID_HANDLE;
	} else {
		result = ops_object(s, &r->handle, htype, &t->o, &e);
	}
	if (result)
		return result;
	t->rights = e->rights;
	if (kind == CMRP_CONTROL_NODE || kind == CMRP_CONTROL_TYPE_NODE) {
		struct be_object node;
		result = ops_object(s, &r->node, HANDLE_NODE, &node, NULL);
		if (result)
			return result;
	}
	if (t->otype == OBJ_RESTYPE) {
		char *name = ops_utf8(&r->type_name);
		int rc = name ? BE(s)->ops->lookup(BE(s), BE_RESTYPE, name, &t->o) : BE_NOT_FOUND;
		free(name);
		if (rc)
			return ops_be_error(rc, BE_RESTYPE);
		/* Message queuing types are not ours to control.  Other types
		 * that are not available answer (their Implementation says so):
		 * Samba's suite, after Windows, wants that of every type but
		 * these two. */
		if (is_msmq(t->o.name))
			return ERROR_CLUSTER_RESTYPE_NOT_SUPPORTED;
	}
	return ERROR_SUCCESS;
}

static uint32_t op_control(struct session *s, const struct ops_call *c, void *in, void *out)
{
	const struct cmrp_control_in *rp = in;
	struct cmrp_control_out *op = out;
	struct target t = { 0 };
	struct obuf b = { 0 };

	op->out_size = rp->out_size;
	op->result = resolve(s, c, rp, &t);
	if (!op->result && !(ops_caller_rights(s) & ACCESS_READ))
		op->result = ERROR_ACCESS_DENIED;
	if (!op->result && (rp->code == 0 || (rp->code >> 24) != t.otype))
		op->result = ERROR_INVALID_FUNCTION;
	const uint32_t fn = rp->code & 0x00ffffffu;
	if (!op->result && t.otype == OBJ_CLUSTER && ops_admin_owns(rp->code)) {
		/* Access list and accounts (admin.c): its own authorization. */
		uint8_t *data = NULL;
		size_t len = 0;
		op->result = ops_admin_control(s, t.rights, rp->code, &rp->in, &data, &len);
		if (!op->result)
			ob_bytes(&b, data, len);
		free(data);
		if (!op->result && b.error)
			op->result = ERROR_NOT_ENOUGH_MEMORY;
	} else if (!op->result && ((rp->code & CLCTL_MODIFY_MASK) || (rp->code & 3u) == CLCTL_ACCESS_WRITE)) {
		if (!(t.rights & ACCESS_CHANGE) || !(ops_caller_rights(s) & ACCESS_CHANGE))
			op->result = ERROR_ACCESS_DENIED;
		else if (fn == CLCTL_SET_COMMON_PROPERTIES || fn == CLCTL_SET_PRIVATE_PROPERTIES)
			op->result = set_properties(s, &t, fn == CLCTL_SET_PRIVATE_PROPERTIES, true, &rp->in);
		else
			op->result = ERROR_INVALID_FUNCTION;
	} else if (!op->result && (fn == CLCTL_VALIDATE_COMMON_PROPERTIES || fn == CLCTL_VALIDATE_PRIVATE_PROPERTIES)) {
		op->result = set_properties(s, &t, fn == CLCTL_VALIDATE_PRIVATE_PROPERTIES, false, &rp->in);
	} else if (!op->result) {
		op->result = answer(s, &t, fn, &b);
		if (!op->result && b.error)
			op->result = ERROR_NOT_ENOUGH_MEMORY;
	}
	if (!op->result) {
		uint32_t room = rp->out_size > CMRP_MAX_BUFFER_BYTES ? CMRP_MAX_BUFFER_BYTES : rp->out_size;
		op->required = (uint32_t)b.len;
		if (b.len > room) {
			op->result = ERROR_MORE_DATA;
		} else {
			/* the core frees the reply */
			op->data = b.len ? b.p : NULL;
			op->returned = (uint32_t)b.len;
			if (op->data)
				b.p = NULL;
		}
	}
	free(b.p);
	return 0;
}

const struct ops_entry ops_control_calls[] = {
	{ CMRP_RESOURCE_CONTROL, op_control, 0, false },
	{ CMRP_NODE_RESOURCE_CONTROL, op_control, 0, false },
	{ CMRP_RESOURCE_TYPE_CONTROL, op_control, 0, false },
	{ CMRP_NODE_RESOURCE_TYPE_CONTROL, op_control, 0, false },
	{ CMRP_GROUP_CONTROL, op_control, 0, false },
	{ CMRP_NODE_GROUP_CONTROL, op_control, 0, false },
	{ CMRP_NODE_CONTROL, op_control, 0, false },
	{ CMRP_NODE_NODE_CONTROL, op_control, 0, false },
	{ CMRP_NETWORK_CONTROL, op_control, 0, false },
	{ CMRP_NODE_NETWORK_CONTROL, op_control, 0, false },
	{ CMRP_NET_INTERFACE_CONTROL, op_control, 0, false },
	{ CMRP_NODE_NET_INTERFACE_CONTROL, op_control, 0, false },
	{ CMRP_CLUSTER_CONTROL, op_control, 0, false },
	{ CMRP_NODE_CLUSTER_CONTROL, op_control, 0, false },
	{ CMRP_GROUP_SET_CONTROL, op_control, 0, false },
	{ CMRP_NODE_GROUP_SET_CONTROL, op_control, 0, false },
	{ 0, NULL, 0, false },
};
