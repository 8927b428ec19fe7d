/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The cluster registry calls (opnums 28-40): key handles, values, and the
 * key's security descriptor.
 *
 * A key handle carries the full backend path of its key ("" is the root) and
 * the rights it was opened with: samDesired asking only to read gives a
 * read-only handle, anything that writes needs the caller's Change right, and
 * MAXIMUM_ALLOWED gives what the caller's ACL allows.  Calls that change the
 * registry need Change both on the handle and in the caller's current ACL
 * rights.  Subkey names are joined to the handle's path with '\\' and the
 * backend validates the result (depth, empty components, length).
 */
#include <stdlib.h>
#include <string.h>

#include "base/utf16.h"
#include "ops.h"

#define REG_CREATED_NEW_KEY 1u
#define REG_OPENED_EXISTING_KEY 2u
#define REG_OPTION_VOLATILE 1u

/* samDesired bits that only read: KEY_QUERY_VALUE, KEY_ENUMERATE_SUB_KEYS,
 * KEY_NOTIFY, KEY_WOW64_64KEY/32KEY, READ_CONTROL, SYNCHRONIZE,
 * MAXIMUM_ALLOWED, GENERIC_READ, GENERIC_EXECUTE (KEY_EXECUTE is KEY_READ).
 * Every other bit is taken as a wish to write. */
#define KEY_READ_ONLY_BITS (0x1u | 0x8u | 0x10u | 0x100u | 0x200u | 0x20000u | 0x100000u | 0x02000000u | \
			    0x80000000u | 0x20000000u)

/* SECURITY_INFORMATION bits. */
#define SECINFO_OWNER 0x1u
#define SECINFO_GROUP 0x2u
#define SECINFO_DACL 0x4u

static struct backend *BE(struct session *s)
{
	return s->server->be;
}

static DWORD reg_error(int status)
{
	return ops_be_error(status, (enum be_kind)0);
}

/* Rights for a new key handle, from samDesired and the caller's ACL. */
static DWORD key_grant(struct session *s, uint32_t sam, unsigned *rights)
{
	unsigned allowed = ops_caller_rights(s) & ACCESS_ALL;
	bool write = (sam & ~KEY_READ_ONLY_BITS) != 0;

	*rights = 0;
	if (!(allowed & ACCESS_READ))
		return ERROR_ACCESS_DENIED;
	if (write && !(allowed & ACCESS_CHANGE))
		return ERROR_ACCESS_DENIED;
	if (sam & MAXIMUM_ALLOWED)
		*rights = allowed;
	else
		*rights = write ? ACCESS_ALL : ACCESS_READ;
	return ERROR_SUCCESS;
}

static bool can_read(struct session *s)
{
	return (ops_caller_rights(s) & ACCESS_READ) != 0;
}

static bool can_change(struct session *s, const struct handle_entry *e)
{
	return (e->rights & ACCESS_CHANGE) && (ops_caller_rights(s) & ACCESS_CHANGE);
}

/* The key handle, and whether the caller may use it as asked. */
static DWORD key_entry(struct session *s, const struct rpc_ctx_handle *h, bool change, struct handle_entry **out)
{
	struct handle_entry *e = session_handle_find(s, h, HANDLE_KEY);
	*out = e;
	if (!e || !e->key)
		return ERROR_INVALID_HANDLE;
	if (change ? !can_change(s, e) : !can_read(s))
		return ERROR_ACCESS_DENIED;
	return ERROR_SUCCESS;
}

/* base + '\\' + sub (sub may be empty when allow_empty); malloc'd. */
static DWORD join_path(const char *base, const struct cmrp_string *sub, bool allow_empty, char **out)
{
	*out = NULL;
	char *name = sub->s ? ops_utf8(sub) : strdup("");
	if (!name)
		return sub->s ? ERROR_INVALID_PARAMETER : ERROR_NOT_ENOUGH_MEMORY;
	if (!*name && !allow_empty) {
		free(name);
		return ERROR_INVALID_PARAMETER;
	}
	size_t bl = strlen(base), nl = strlen(name);
	if (bl + nl + 2 > BE_REG_PATH_MAX) {
		free(name);
		return ERROR_INVALID_PARAMETER;
	}
	char *p = malloc(bl + nl + 2);
	if (!p) {
		free(name);
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	if (!*name)
		memcpy(p, base, bl + 1);
	else if (!*base)
		memcpy(p, name, nl + 1);
	else {
		memcpy(p, base, bl);
		p[bl] = '\\';
		memcpy(p + bl + 1, name, nl + 1);
	}
	free(name);
	*out = p;
	return ERROR_SUCCESS;
}

/* A value name from the wire (UTF-8, < BE_NAME_MAX bytes); malloc'd. */
static DWORD value_name(const struct cmrp_string *s, char **out)
{
	*out = s->s ? ops_utf8(s) : strdup("");
	if (!*out)
		return s->s ? ERROR_INVALID_PARAMETER : ERROR_NOT_ENOUGH_MEMORY;
	if (strlen(*out) >= BE_NAME_MAX) {
		free(*out);
		*out = NULL;
		return ERROR_INVALID_PARAMETER;
	}
	return ERROR_SUCCESS;
}

/* A key that went away under an open handle. */
static DWORD missing_key(struct session *s, const char *key, int status)
{
	if (status == BE_INVALID && BE(s)->ops->reg_key_exists(BE(s), key) == BE_NOT_FOUND)
		return ERROR_FILE_NOT_FOUND;
	return reg_error(status);
}

/* ---- 28 GetRootKey, 30 OpenKey, 29 CreateKey ------------------------------ */

/* A failed open answers a zeroed handle. */
static void reply_open(struct cmrp_open_object_out *o)
{
	if (o->status) {
		memset(&o->handle, 0, sizeof(o->handle));
		o->disposition = 0;
	}
}

static uint32_t op_get_root_key(struct session *s, const struct ops_call *c, void *in, void *out)
{
	struct cmrp_open_object_out *o = out;
	unsigned rights;

	(void)c;
	o->status = key_grant(s, ((const struct cmrp_u32_in *)in)->v, &rights);
	if (!o->status && !session_handle_new(s, HANDLE_KEY, (uint8_t)rights, NULL, "", &o->handle))
		o->status = ERROR_NOT_ENOUGH_MEMORY;
	reply_open(o);
	return 0;
}

static uint32_t op_open_key(struct session *s, const struct ops_call *c, void *in, void *out)
{
	const struct cmrp_handle_name_in *r = in;
	struct cmrp_open_object_out *o = out;
	struct handle_entry *e;
	unsigned rights;
	char *path = NULL;

	(void)c;
	o->status = key_entry(s, &r->handle, false, &e);
	if (!o->status)
		o->status = join_path(e->key, &r->name, true, &path);
	if (!o->status)
		o->status = key_grant(s, r->v[0], &rights);
	if (!o->status)
		o->status = reg_error(BE(s)->ops->reg_key_exists(BE(s), path));
	if (!o->status && !session_handle_new(s, HANDLE_KEY, (uint8_t)rights, NULL, path, &o->handle))
		o->status = ERROR_NOT_ENOUGH_MEMORY;
	free(path);
	reply_open(o);
	return 0;
}

static uint32_t op_create_key(struct session *s, const struct ops_call *c, void *in, void *out)
{
	const struct cmrp_create_key_in *r = in;
	struct cmrp_open_object_out *op = out;
	struct handle_entry *e;
	unsigned rights;
	char *path = NULL;
	bool created = false;

	(void)c;
	op->status = key_entry(s, &r->key, true, &e);
	if (!op->status && (r->options & ~REG_OPTION_VOLATILE))
		op->status = ERROR_INVALID_PARAMETER;
	if (!op->status)
		op->status = join_path(e->key, &r->subkey, true, &path);
	if (!op->status)
		op->status = key_grant(s, r->sam_desired, &rights);
	/* The handle's own key must still be there: creating below it would
	 * bring a deleted key back. */
	if (!op->status)
		op->status = reg_error(BE(s)->ops->reg_key_exists(BE(s), e->key));
	if (!op->status) {
		int rc = BE(s)->ops->reg_create_key(BE(s), path, &created);
		op->status = rc == BE_INVALID || rc == BE_NOT_FOUND ? missing_key(s, e->key, rc) : reg_error(rc);
	}
	if (!op->status) {
		op->disposition = created ? REG_CREATED_NEW_KEY : REG_OPENED_EXISTING_KEY;
		if (!session_handle_new(s, HANDLE_KEY, (uint8_t)rights, NULL, path, &op->handle))
			op->status = ERROR_NOT_ENOUGH_MEMORY;
	}
	free(path);
	reply_open(op);
	return 0;
}

/* ---- 31 EnumKey ----------------------------------------------------------- */

struct nth_key {
	uint32_t want, at;
	char *name;
};

static int nth_key_fn(const char *name, void *arg)
{
	struct nth_key *k = arg;
	if (k->at++ != k->want)
		return 0;
	k->name = strdup(name);
	return k->name ? 1 : BE_NO_MEMORY;
}

static uint32_t op_enum_key(struct session *s, const struct ops_call *c, void *in, void *out)
{
	const struct cmrp_handle_u32s_in *r = in;
	struct cmrp_enum_key_out *op = out;
	struct handle_entry *e;

	(void)c;
	op->result = key_entry(s, &r->handle, false, &e);
	if (!op->result) {
		struct nth_key k = { .want = r->v[0] };
		int rc = BE(s)->ops->reg_list_keys(BE(s), e->key, nth_key_fn, &k);
		if (rc == 1 && k.name)
			op->result = ops_string(&op->name, k.name) ? ERROR_SUCCESS : ERROR_NOT_ENOUGH_MEMORY;
		else if (rc == BE_OK)
			op->result = ERROR_NO_MORE_ITEMS;
		else
			op->result = reg_error(rc);
		free(k.name);
	}
	if (op->result)
		cmrp_string_free(&op->name);
	return 0;
}

/* ---- 32 SetValue, 33 DeleteValue, 35 DeleteKey ----------------------------- */

static uint32_t op_set_value(struct session *s, const struct ops_call *c, void *in, void *out)
{
	const struct cmrp_set_value_in *r = in;
	struct handle_entry *e;
	char *name = NULL;

	(void)c;
	uint32_t result = key_entry(s, &r->key, true, &e);
	if (!result)
		result = value_name(&r->name, &name);
	if (!result && r->len > BE_REG_VALUE_MAX)
		result = ERROR_INVALID_PARAMETER;
	if (!result) {
		struct be_value v = { .type = r->type, .data = r->data, .len = r->len };
		memcpy(v.name, name, strlen(name) + 1);
		int rc = BE(s)->ops->reg_set(BE(s), e->key, &v);
		result = rc == BE_INVALID ? missing_key(s, e->key, rc) : reg_error(rc);
	}
	free(name);
	((struct cmrp_status_result_out *)out)->result = result;
	return 0;
}

static uint32_t op_delete_value(struct session *s, const struct ops_call *c, void *in, void *out)
{
	const struct cmrp_handle_name_in *r = in;
	struct handle_entry *e;
	char *name = NULL;

	(void)c;
	uint32_t result = key_entry(s, &r->handle, true, &e);
	if (!result)
		result = value_name(&r->name, &name);
	if (!result)
		result = reg_error(BE(s)->ops->reg_delete_value(BE(s), e->key, name));
	free(name);
	((struct cmrp_status_result_out *)out)->result = result;
	return 0;
}

static uint32_t op_delete_key(struct session *s, const struct ops_call *c, void *in, void *out)
{
	const struct cmrp_handle_name_in *r = in;
	struct handle_entry *e;
	char *path = NULL;

	(void)c;
	uint32_t result = key_entry(s, &r->handle, true, &e);
	if (!result)
		result = join_path(e->key, &r->name, false, &path);
	if (!result) {
		int rc = BE(s)->ops->reg_delete_key(BE(s), path);
		/* MS-CMRP 3.1.4.2.36: a key with subkeys is ERROR_ACCESS_DENIED. */
		result = rc == BE_NOT_EMPTY ? ERROR_ACCESS_DENIED : reg_error(rc);
	}
	free(path);
	((struct cmrp_status_result_out *)out)->result = result;
	return 0;
}

/* ---- 34 QueryValue, 36 EnumValue ------------------------------------------- */

static uint32_t cap_buffer(uint32_t len)
{
	return len > CMRP_MAX_BUFFER_BYTES ? CMRP_MAX_BUFFER_BYTES : len;
}

static uint32_t op_query_value(struct session *s, const struct ops_call *c, void *in, void *out)
{
	const struct cmrp_handle_name_in *r = in;
	struct cmrp_query_value_out *op = out;
	struct handle_entry *e;
	uint32_t cb = r->v[0];
	char *name = NULL;

	(void)c;
	/* The reply's lpData array is cbData bytes long, whatever the result. */
	op->len = cap_buffer(cb);
	op->data = op->len ? calloc(1, op->len) : NULL;
	if (op->len && !op->data)
		op->len = 0, op->result = ERROR_NOT_ENOUGH_MEMORY;
	if (!op->result)
		op->result = key_entry(s, &r->handle, false, &e);
	if (!op->result)
		op->result = value_name(&r->name, &name);
	if (!op->result) {
		struct be_value v = { 0 };
		int rc = BE(s)->ops->reg_get(BE(s), e->key, name, &v);
		if (rc == BE_OK) {
			op->type = v.type;
			op->required = v.len > UINT32_MAX ? UINT32_MAX : (uint32_t)v.len;
			if (v.len > op->len)
				op->result = ERROR_MORE_DATA;
			else if (v.len)
				memcpy(op->data, v.data, v.len);
			free(v.data);
		} else {
			op->result = rc == BE_INVALID ? missing_key(s, e->key, rc) : reg_error(rc);
		}
	}
	free(name);
	return 0;
}

struct nth_value {
	uint32_t want, at;
	struct be_value v; /* data copied */
	bool found;
};

static int nth_value_fn(const struct be_value *v, void *arg)
{
	struct nth_value *k = arg;
	if (k->at++ != k->want)
		return 0;
	k->v = *v;
	k->v.data = malloc(v->len ? v->len : 1);
	if (!k->v.data)
		return BE_NO_MEMORY;
	if (v->len)
		memcpy(k->v.data, v->data, v->len);
	k->found = true;
	return 1;
}

static uint32_t op_enum_value(struct session *s, const struct ops_call *c, void *in, void *out)
{
	const struct cmrp_handle_u32s_in *r = in;
	struct cmrp_enum_value_out *op = out;
	struct handle_entry *e;
	const uint32_t *v = r->v;

	(void)c;
	uint32_t cb = cap_buffer(v[1]);
	op->result = key_entry(s, &r->handle, false, &e);
	if (!op->result) {
		struct nth_value k = { .want = v[0] };
		int rc = BE(s)->ops->reg_list_values(BE(s), e->key, nth_value_fn, &k);
		if (rc == 1 && k.found) {
			op->type = k.v.type;
			op->total_size = k.v.len > UINT32_MAX ? UINT32_MAX : (uint32_t)k.v.len;
			if (!ops_string(&op->name, k.v.name)) {
				op->result = ERROR_NOT_ENOUGH_MEMORY;
			} else if (k.v.len > cb) {
				/* lpcbData may not grow past the client's buffer. */
				op->result = ERROR_MORE_DATA;
			} else {
				op->len = (uint32_t)k.v.len;
				op->data = k.v.data;
				k.v.data = NULL;
			}
		} else if (rc == BE_OK) {
			op->result = ERROR_NO_MORE_ITEMS;
		} else {
			op->result = reg_error(rc);
		}
		free(k.v.data);
	}
	if (op->result && op->result != ERROR_MORE_DATA)
		cmrp_string_free(&op->name);
	if (op->result) {
		free(op->data);
		op->data = NULL;
		op->len = 0;
	}
	return 0;
}

/* ---- 40 GetKeySecurity, and the descriptor --------------------------------- */

static size_t put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	return 2;
}

static size_t put_le32(uint8_t *p, uint32_t v)
{
	put_le16(p, (uint16_t)v);
	put_le16(p + 2, (uint16_t)(v >> 16));
	return 4;
}

/* S-1-5-32-544 (BUILTIN\Administrators): 16 bytes. */
static size_t put_admins_sid(uint8_t *p)
{
	static const uint8_t authority[6] = { 0, 0, 0, 0, 0, 5 };
	p[0] = 1; /* revision */
	p[1] = 2; /* sub-authorities */
	memcpy(p + 2, authority, 6);
	put_le32(p + 8, 32);
	put_le32(p + 12, 544);
	return 16;
}

#define SD_MAX 84u

/* A self-relative security descriptor with the parts secinfo asks for: owner
 * and group BUILTIN\Administrators, a DACL granting it KEY_ALL_ACCESS. */
static size_t build_sd(uint32_t secinfo, uint8_t sd[SD_MAX])
{
	const uint16_t SE_DACL_PRESENT = 0x0004, SE_SELF_RELATIVE = 0x8000;
	size_t off = 20;
	uint32_t owner = 0, group = 0, dacl = 0;

	memset(sd, 0, SD_MAX);
	if (secinfo & SECINFO_OWNER) {
		owner = (uint32_t)off;
		off += put_admins_sid(sd + off);
	}
	if (secinfo & SECINFO_GROUP) {
		group = (uint32_t)off;
		off += put_admins_sid(sd + off);
	}
	if (secinfo & SECINFO_DACL) {
		dacl = (uint32_t)off;
		uint8_t *acl = sd + off;
		acl[0] = 2; /* ACL_REVISION */
		put_le16(acl + 2, 8 + 24);
		put_le16(acl + 4, 1);
		uint8_t *ace = acl + 8;
		ace[0] = 0; /* ACCESS_ALLOWED_ACE_TYPE */
		ace[1] = 0x2; /* CONTAINER_INHERIT_ACE */
		put_le16(ace + 2, 24);
		put_le32(ace + 4, 0xF003Fu); /* KEY_ALL_ACCESS */
		put_admins_sid(ace + 8);
		off += 32;
	}
	sd[0] = 1; /* revision */
	put_le16(sd + 2, (uint16_t)(SE_SELF_RELATIVE | (dacl ? SE_DACL_PRESENT : 0)));
	put_le32(sd + 4, owner);
	put_le32(sd + 8, group);
	put_le32(sd + 12, 0); /* no SACL */
	put_le32(sd + 16, dacl);
	return off;
}

static uint32_t op_get_key_security(struct session *s, const struct ops_call *c, void *in, void *out)
{
	const struct cmrp_key_security_in *r = in;
	const struct cmrp_security_descriptor *sdp = &r->sd;
	struct cmrp_key_security_out *o = out;
	struct cmrp_security_descriptor *replyp = &o->sd;
	struct handle_entry *e;
	uint32_t secinfo = r->secinfo, result;
	uint8_t buf[SD_MAX];

	(void)c;
	result = key_entry(s, &r->key, false, &e);
	if (!result)
		result = reg_error(BE(s)->ops->reg_key_exists(BE(s), e->key));
	/* On failure send the caller's descriptor shape back, empty. */
	replyp->present = sdp->present;
	replyp->cb_in = sdp->cb_in;
	if (!result) {
		size_t n = build_sd(secinfo, buf);
		replyp->present = true;
		if (sdp->cb_in < n) {
			/* cbIn is the size needed; the client retries with it. */
			result = ERROR_INSUFFICIENT_BUFFER;
			replyp->cb_in = (uint32_t)n;
		} else {
			/* the core frees the reply */
			replyp->data = malloc(n);
			if (!replyp->data)
				result = ERROR_NOT_ENOUGH_MEMORY;
			else {
				memcpy(replyp->data, buf, n);
				replyp->cb_out = (uint32_t)n;
			}
		}
	}
	o->result = result;
	return 0;
}

/* ---- 39 SetKeySecurity --------------------------------------------------------
 * Who may read or change the cluster registry is the cluster's access list
 * (clusctl access), not a descriptor per key: every key reports the one of
 * build_sd().  Setting exactly that (the parts secinfo names, byte for byte)
 * succeeds and changes nothing; any other descriptor is ERROR_NOT_SUPPORTED,
 * a descriptor that is not a self-relative one ERROR_INVALID_PARAMETER. */
static uint32_t op_set_key_security(struct session *s, const struct ops_call *c, void *in, void *out)
{
	const struct cmrp_key_security_in *r = in;
	const uint32_t known = SECINFO_OWNER | SECINFO_GROUP | SECINFO_DACL;
	struct handle_entry *e;
	uint8_t want[SD_MAX];

	(void)c;
	uint32_t result = key_entry(s, &r->key, true, &e);
	if (!result)
		result = reg_error(BE(s)->ops->reg_key_exists(BE(s), e->key));
	if (!result) {
		const struct cmrp_security_descriptor *sd = &r->sd;
		if (!sd->present || sd->cb_out < 20 || !sd->data || sd->data[0] != 1 ||
		    !(sd->data[3] & 0x80) /* SE_SELF_RELATIVE */)
			result = ERROR_INVALID_PARAMETER;
		else if (!r->secinfo || (r->secinfo & ~known))
			result = ERROR_NOT_SUPPORTED; /* SACL, labels...: not kept */
		else {
			size_t n = build_sd(r->secinfo, want);
			if (n != sd->cb_out || memcmp(want, sd->data, n) != 0)
				result = ERROR_NOT_SUPPORTED;
		}
	}
	((struct cmrp_status_result_out *)out)->result = result;
	return 0;
}

/* ---- 38 QueryInfoKey -------------------------------------------------------- */

struct key_info {
	uint32_t count, max_name;
	uint32_t max_data;
};

static uint32_t units_of(const char *utf8)
{
	long n = utf8_to_utf16_len(utf8, strlen(utf8));
	return n < 0 ? 0 : (uint32_t)n;
}

static int info_key_fn(const char *name, void *arg)
{
	struct key_info *k = arg;
	uint32_t n = units_of(name);
	k->count++;
	if (n > k->max_name)
		k->max_name = n;
	return 0;
}

static int info_value_fn(const struct be_value *v, void *arg)
{
	struct key_info *k = arg;
	uint32_t n = units_of(v->name);
	k->count++;
	if (n > k->max_name)
		k->max_name = n;
	if (v->len > k->max_data)
		k->max_data = v->len > UINT32_MAX ? UINT32_MAX : (uint32_t)v->len;
	return 0;
}

static uint32_t op_query_info_key(struct session *s, const struct ops_call *c, void *in, void *out)
{
	struct cmrp_query_info_key_out *op = out;
	struct handle_entry *e;
	uint8_t sd[SD_MAX];

	(void)c;
	op->result = key_entry(s, &((const struct cmrp_handle_in *)in)->handle, false, &e);
	if (!op->result) {
		struct key_info keys = { 0 }, values = { 0 };
		op->result = reg_error(BE(s)->ops->reg_list_keys(BE(s), e->key, info_key_fn, &keys));
		if (!op->result)
			op->result = reg_error(BE(s)->ops->reg_list_values(BE(s), e->key, info_value_fn, &values));
		if (!op->result) {
			op->subkeys = keys.count;
			op->max_subkey_len = keys.max_name;
			op->values = values.count;
			op->max_value_name_len = values.max_name;
			op->max_value_len = values.max_data;
			op->security_descriptor = (uint32_t)build_sd(SECINFO_OWNER | SECINFO_GROUP | SECINFO_DACL, sd);
		}
	}
	return 0;
}

/* CloseKey is objects.c's close_handle. */
const struct ops_entry ops_registry_calls[] = {
	{ CMRP_GET_ROOT_KEY, op_get_root_key, 0, false },
	{ CMRP_CREATE_KEY, op_create_key, 0, false },
	{ CMRP_OPEN_KEY, op_open_key, 0, false },
	{ CMRP_ENUM_KEY, op_enum_key, 0, false },
	{ CMRP_SET_VALUE, op_set_value, 0, false },
	{ CMRP_DELETE_VALUE, op_delete_value, 0, false },
	{ CMRP_QUERY_VALUE, op_query_value, 0, false },
	{ CMRP_DELETE_KEY, op_delete_key, 0, false },
	{ CMRP_ENUM_VALUE, op_enum_value, 0, false },
	{ CMRP_QUERY_INFO_KEY, op_query_info_key, 0, false },
	{ CMRP_SET_KEY_SECURITY, op_set_key_security, 0, false },
	{ CMRP_GET_KEY_SECURITY, op_get_key_security, 0, false },
	{ 0, NULL, 0, false },
};
