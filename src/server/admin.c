/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Administration through cluster control codes: the cluster access list
 * (MS-CMRP's CLUSCTL_CLUSTER_SET_ACCOUNT_ACCESS, and our GET_ACCESS) and the
 * NTLM accounts (ours, in the user range; see clusapi.h for the wire formats).
 *
 * Who may: changing the ACL needs a full-access handle and full access now;
 * reading it needs read (op_control checked it).  Accounts hold password
 * equivalents, so only root over LPC may touch them -- not a remote caller,
 * whatever the ACL says.  Every input is checked whole before anything
 * changes: the lengths are the bytes received, never a count from the wire.
 */
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/utf16.h"
#include "ops.h"

bool ops_admin_owns(uint32_t code)
{
	switch (code) {
	case CLUSCTL_CLUSTER_SET_ACCOUNT_ACCESS:
	case CLUSCTL_CLUSTER_CLUSAPI_GET_ACCESS:
	case CLUSCTL_CLUSTER_CLUSAPI_ENUM_ACCOUNTS:
	case CLUSCTL_CLUSTER_CLUSAPI_ADD_ACCOUNT:
	case CLUSCTL_CLUSTER_CLUSAPI_REMOVE_ACCOUNT:
		return true;
	default:
		return false;
	}
}

/* ---- output ------------------------------------------------------------------- */

struct out {
	uint8_t *p;
	size_t len, cap;
	bool error;
};

static void out_bytes(struct out *o, const void *data, size_t n)
{
	if (o->error)
		return;
	if (o->len + n > CMRP_MAX_BUFFER_BYTES) {
		o->error = true;
		return;
	}
	if (o->len + n > o->cap) {
		size_t ncap = o->cap ? o->cap * 2 : 256;
		while (ncap < o->len + n)
			ncap *= 2;
		uint8_t *np = realloc(o->p, ncap);
		if (!np) {
			o->error = true;
			return;
		}
		o->p = np;
		o->cap = ncap;
	}
	memcpy(o->p + o->len, data, n);
	o->len += n;
}

static void out_u32(struct out *o, uint32_t v)
{
	uint8_t x[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
	out_bytes(o, x, 4);
}

/* A UTF-16LE string with its NUL, preceded by its byte size when sized. */
static void out_str(struct out *o, const char *utf8, bool sized)
{
	uint16_t *u = utf16_from_utf8_dup(utf8);
	if (!u) {
		o->error = true;
		return;
	}
	size_t n = utf16_len(u) + 1;
	if (sized)
		out_u32(o, (uint32_t)(n * 2));
	for (size_t i = 0; i < n; i++) {
		uint8_t x[2] = { (uint8_t)u[i], (uint8_t)(u[i] >> 8) };
		out_bytes(o, x, 2);
	}
	free(u);
}

static DWORD out_done(struct out *o, uint8_t **data, size_t *len)
{
	if (o->error) {
		free(o->p);
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	*data = o->p;
	*len = o->len;
	return ERROR_SUCCESS;
}

/* ---- the access list ------------------------------------------------------------ */

static DWORD get_access(struct session *s, uint8_t **data, size_t *len)
{
	struct acl_file *f = &s->server->acl;
	struct out o = { 0 };
	static const uint8_t zero[4];

	acl_file_refresh(f);
	out_u32(&o, (uint32_t)f->acl.n);
	for (size_t i = 0; i < f->acl.n; i++) {
		const struct acl_entry *e = &f->acl.entries[i];
		char principal[ACL_PRINCIPAL_MAX];
		acl_principal_format(e, principal, sizeof(principal));
		out_u32(&o, e->level == ACL_FULL ? CLUSAPI_ALL_ACCESS : e->level == ACL_READ ? CLUSAPI_READ_ACCESS
											 : CLUSAPI_NO_ACCESS);
		out_u32(&o, e->level == ACL_DENY ? CLUSTER_SET_ACCESS_TYPE_DENIED : CLUSTER_SET_ACCESS_TYPE_ALLOWED);
		out_str(&o, principal, true);
		out_bytes(&o, zero, (4 - o.len % 4) % 4);
	}
	return out_done(&o, data, len);
}

/* The three properties of CLUSCTL_CLUSTER_SET_ACCOUNT_ACCESS, each once. */
struct set_access {
	char *sid;
	uint32_t mask, type;
	unsigned seen; /* bits: 1 sid, 2 mask, 4 type */
};

static DWORD set_access_prop(void *arg, const char *name, uint32_t format, const uint8_t *data, uint32_t len)
{
	struct set_access *sa = arg;
	enum { FORMAT_DWORD = 2, FORMAT_SZ = 3 };
	unsigned bit;
	if (!strcmp(name, "AccountSID"))
		bit = 1;
	else if (!strcmp(name, "AccountAccessMask"))
		bit = 2;
	else if (!strcmp(name, "AccountAccessType"))
		bit = 4;
	else
		return ERROR_INVALID_PARAMETER;
	if (sa->seen & bit)
		return ERROR_INVALID_PARAMETER;
	sa->seen |= bit;
	if (bit == 1) {
		if (format != FORMAT_SZ)
			return ERROR_INVALID_PARAMETER;
		sa->sid = ops_sz_utf8(data, len);
		return sa->sid ? ERROR_SUCCESS : ERROR_INVALID_DATA;
	}
	if (format != FORMAT_DWORD || len != 4)
		return ERROR_INVALID_PARAMETER;
	uint32_t v = (uint32_t)data[0] | (uint32_t)data[1] << 8 | (uint32_t)data[2] << 16 | (uint32_t)data[3] << 24;
	if (bit == 2)
		sa->mask = v;
	else
		sa->type = v;
	return ERROR_SUCCESS;
}

/* The ACL level that an (access mask, control type) pair asks for. */
static DWORD level_of(uint32_t mask, uint32_t type, enum acl_level *level)
{
	if (mask != CLUSAPI_READ_ACCESS && mask != CLUSAPI_CHANGE_ACCESS && mask != CLUSAPI_ALL_ACCESS &&
	    mask != CLUSAPI_NO_ACCESS)
		return ERROR_INVALID_PARAMETER;
	if (type == CLUSTER_SET_ACCESS_TYPE_DENIED || mask == CLUSAPI_NO_ACCESS)
		*level = ACL_DENY;
	else if (mask == CLUSAPI_READ_ACCESS)
		*level = ACL_READ;
	else
		*level = ACL_FULL; /* change implies read: the ACL has no change-only level */
	return ERROR_SUCCESS;
}

static DWORD set_access(struct session *s, unsigned handle_rights, const struct cmrp_blob *in)
{
	struct set_access sa = { 0 };
	struct acl_entry e;
	char err[300], canon[ACL_PRINCIPAL_MAX];
	enum acl_level level = ACL_DENY;

	if ((handle_rights & ACCESS_ALL) != ACCESS_ALL || (ops_caller_rights(s) & ACCESS_ALL) != ACCESS_ALL)
		return ERROR_ACCESS_DENIED;
	DWORD result = ops_property_list(in, set_access_prop, &sa);
	if (!result && sa.seen != 7)
		result = ERROR_INVALID_PARAMETER;
	if (!result && sa.type > CLUSTER_DELETE_ACCESS_CONTROL_ENTRY)
		result = ERROR_INVALID_PARAMETER;
	if (!result && sa.type != CLUSTER_DELETE_ACCESS_CONTROL_ENTRY)
		result = level_of(sa.mask, sa.type, &level);
	/* We have no SIDs: say so rather than store one as a user name. */
	if (!result && (!strncmp(sa.sid, "S-1-", 4) || !strncmp(sa.sid, "s-1-", 4)))
		result = ERROR_NONE_MAPPED;
	if (!result && acl_principal_parse(sa.sid, true, &e, err, sizeof(err)) < 0)
		result = ERROR_INVALID_PARAMETER;
	if (!result) {
		acl_principal_format(&e, canon, sizeof(canon));
		acl_entry_clear(&e);
		if (sa.type == CLUSTER_DELETE_ACCESS_CONTROL_ENTRY)
			result = acl_file_remove(&s->server->acl, canon);
		else
			result = acl_file_set(&s->server->acl, canon, level);
		char who[300];
		principal_describe(&s->who, who, sizeof(who));
		if (!result)
			log_info("access list changed by %s: %s %s", who, canon,
				 sa.type == CLUSTER_DELETE_ACCESS_CONTROL_ENTRY ? "removed" : acl_level_word(level));
	}
	free(sa.sid);
	return result;
}

/* ---- accounts --------------------------------------------------------------------- */

static bool is_local_root(const struct session *s)
{
	return s->is_lpc && s->who.kind == PRINCIPAL_LOCAL && s->who.uid == 0;
}

/* A name buffer: exactly one NUL-terminated UTF-16LE string, a valid name. */
static DWORD name_of(const uint8_t *data, uint32_t len, char **name)
{
	*name = len ? ops_sz_utf8(data, len) : NULL;
	if (!*name)
		return ERROR_INVALID_DATA;
	if (!accounts_name_valid(*name)) {
		free(*name);
		*name = NULL;
		return ERROR_INVALID_PARAMETER;
	}
	return ERROR_SUCCESS;
}

static DWORD enum_accounts(struct session *s, uint8_t **data, size_t *len)
{
	struct accounts *a = &s->server->accounts;
	struct out o = { 0 };
	static const uint8_t nul[2];

	accounts_refresh(a);
	for (size_t i = 0; i < a->n; i++)
		out_str(&o, a->v[i].name, false);
	out_bytes(&o, nul, 2);
	return out_done(&o, data, len);
}

static DWORD add_account(struct session *s, const struct cmrp_blob *in)
{
	char *name;
	if (!in->present || in->len < 16 + 4)
		return ERROR_INVALID_DATA;
	DWORD result = name_of(in->data + 16, in->len - 16, &name);
	if (result)
		return result;
	result = accounts_set(&s->server->accounts, name, in->data);
	if (!result)
		log_info("NTLM account \"%s\" set by root", name);
	free(name);
	return result;
}

static DWORD remove_account(struct session *s, const struct cmrp_blob *in)
{
	char *name;
	if (!in->present)
		return ERROR_INVALID_DATA;
	DWORD result = name_of(in->data, in->len, &name);
	if (result)
		return result;
	result = accounts_remove(&s->server->accounts, name);
	if (!result)
		log_info("NTLM account \"%s\" removed by root", name);
	free(name);
	return result;
}

DWORD ops_admin_control(struct session *s, unsigned handle_rights, uint32_t code, const struct cmrp_blob *in,
			uint8_t **out, size_t *out_len)
{
	*out = NULL;
	*out_len = 0;
	/* The read codes take no input. */
	if ((code == CLUSCTL_CLUSTER_CLUSAPI_GET_ACCESS || code == CLUSCTL_CLUSTER_CLUSAPI_ENUM_ACCOUNTS) && in->present &&
	    in->len)
		return ERROR_INVALID_DATA;
	switch (code) {
	case CLUSCTL_CLUSTER_SET_ACCOUNT_ACCESS:
		return set_access(s, handle_rights, in);
	case CLUSCTL_CLUSTER_CLUSAPI_GET_ACCESS:
		return get_access(s, out, out_len);
	default:
		break;
	}
	if (!is_local_root(s))
		return ERROR_ACCESS_DENIED;
	switch (code) {
	case CLUSCTL_CLUSTER_CLUSAPI_ENUM_ACCOUNTS:
		return enum_accounts(s, out, out_len);
	case CLUSCTL_CLUSTER_CLUSAPI_ADD_ACCOUNT:
		return add_account(s, in);
	case CLUSCTL_CLUSTER_CLUSAPI_REMOVE_ACCOUNT:
		return remove_account(s, in);
	default:
		return ERROR_INVALID_FUNCTION;
	}
}
