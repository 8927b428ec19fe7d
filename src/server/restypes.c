/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Resource types made and removed by clients (MS-CMRP ApiCreateResourceType,
 * ApiDeleteResourceType).  A Linux cluster has no resource DLLs: the "DLL
 * name" of a new type names the type it is made from (a built-in Windows
 * type such as "Generic Application", or a native one such as
 * "ocf:heartbeat:anything" on Pacemaker), whose implementation it shares.
 * Both calls need full access (MS-CMRP 3.1.4.2.27/28).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops.h"

static struct backend *BE(struct session *s)
{
	return s->server->be;
}

static void reply_status(void *out, uint32_t result)
{
	((struct cmrp_status_result_out *)out)->result = result;
}

static int set_dword(struct session *s, const char *key, const char *name, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
	struct be_value val = { .type = BE_VAL_DWORD, .data = b, .len = 4 };
	snprintf(val.name, sizeof(val.name), "%s", name);
	return BE(s)->ops->reg_set(BE(s), key, &val);
}

static int set_sz(struct session *s, const char *key, const char *name, const char *text)
{
	struct cmrp_string w = { 0 };
	if (!ops_string(&w, text))
		return BE_NO_MEMORY;
	struct be_value val = { .type = BE_VAL_SZ, .data = (uint8_t *)w.s, .len = (w.units + 1) * 2 };
	snprintf(val.name, sizeof(val.name), "%s", name);
	int rc = BE(s)->ops->reg_set(BE(s), key, &val);
	cmrp_string_free(&w);
	return rc;
}

static uint32_t create_restype(struct session *s, const struct ops_call *c, void *in, void *out)
{
	const struct cmrp_create_restype_in *r = in;
	char *name = ops_utf8(&r->name), *display = ops_utf8(&r->display), *dll = ops_utf8(&r->dll);
	struct be_object t;
	uint32_t result = ERROR_SUCCESS;

	(void)c;
	if ((ops_caller_rights(s) & ACCESS_ALL) != ACCESS_ALL)
		result = ERROR_ACCESS_DENIED;
	else if (!name || !name[0] || !dll || !dll[0])
		result = ERROR_INVALID_PARAMETER;
	else {
		/* The type it is made from must exist and be available here;
		 * then a backend that keeps no types says BE_UNSUPPORTED. */
		struct be_object base;
		int rc = BE(s)->ops->lookup(BE(s), BE_RESTYPE, dll, &base);
		if (rc)
			result = ops_be_error(rc, BE_RESTYPE);
		else if (base.state == BE_STATE_DOWN)
			result = ERROR_CLUSTER_RESTYPE_NOT_SUPPORTED;
		else {
			rc = BE(s)->ops->create(BE(s), BE_RESTYPE, name, NULL, base.name, &t);
			result = rc == BE_INVALID ? ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND : ops_be_error(rc, BE_RESTYPE);
		}
	}
	if (!result) {
		/* As Windows keeps them: ResourceTypes\NAME.  A backend without
		 * a free-form registry (Pacemaker) keeps what its type holds. */
		char key[BE_REG_PATH_MAX];
		snprintf(key, sizeof(key), "ResourceTypes\\%s", t.name);
		int rc = BE(s)->ops->reg_key_exists(BE(s), key); /* Pacemaker: no type keys */
		if (!rc)
			rc = set_sz(s, key, "Name", display && display[0] ? display : name);
		if (!rc)
			rc = set_sz(s, key, "DllName", dll);
		if (!rc)
			rc = set_dword(s, key, "LooksAlivePollInterval", r->looks_alive);
		if (!rc)
			rc = set_dword(s, key, "IsAlivePollInterval", r->is_alive);
		if (rc && rc != BE_UNSUPPORTED && rc != BE_NOT_FOUND)
			result = ops_be_error(rc, BE_RESTYPE);
	}
	free(name);
	free(display);
	free(dll);
	reply_status(out, result);
	return 0;
}

static uint32_t delete_restype(struct session *s, const struct ops_call *c, void *in, void *out)
{
	const struct cmrp_name_in *r = in;
	char *name = ops_utf8(&r->name);
	struct be_object t;
	uint32_t result;

	(void)c;
	if ((ops_caller_rights(s) & ACCESS_ALL) != ACCESS_ALL)
		result = ERROR_ACCESS_DENIED;
	else if (!name)
		result = ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND;
	else
		result = ops_be_error(BE(s)->ops->lookup(BE(s), BE_RESTYPE, name, &t), BE_RESTYPE);
	if (!result) {
		int rc = BE(s)->ops->remove(BE(s), BE_RESTYPE, t.id);
		/* The built-in types and the installed agents stay. */
		result = rc == BE_BUSY || rc == BE_UNSUPPORTED ? ERROR_NOT_SUPPORTED
			 : rc == BE_NOT_EMPTY			 ? ERROR_DIR_NOT_EMPTY
								 : ops_be_error(rc, BE_RESTYPE);
	}
	free(name);
	reply_status(out, result);
	return 0;
}

const struct ops_entry ops_restype_calls[] = {
	{ CMRP_CREATE_RESOURCE_TYPE, create_restype, 0, false },
	{ CMRP_DELETE_RESOURCE_TYPE, delete_restype, 0, false },
	{ 0, NULL, 0, false },
};
