/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libclusapi: the cluster access list and clusterd's NTLM accounts, through
 * cluster control codes (ApiClusterControl) on the cluster handle's
 * connection.  Passwords never leave the process: only their NT hash is sent.
 */
#include <stdlib.h>
#include <string.h>

#include "base/utf16.h"
#include "base/werror.h"
#include "cmrp/cmrp.h"
#include "cmrp/cmrp_objects.h"
#include "registry.h"
#include "rpc/ntlmssp.h"
#include "session.h"

#define PASSWORD_MAX_UNITS 256

/*
 * One ClusterControl call.  On ERROR_SUCCESS *out (malloc'd, may be NULL) and
 * *out_len hold the answer; on ERROR_MORE_DATA *required says how much room
 * the answer needs.
 */
static DWORD cluster_control(HCLUSTER h, uint32_t code, const void *in, uint32_t in_len, uint32_t room,
			     uint8_t **out, uint32_t *out_len, uint32_t *required)
{
	*out = NULL;
	*out_len = 0;
	*required = 0;
	struct cluster_session *s = registry_get((uintptr_t)h, KIND_CLUSTER);
	if (!s)
		return ERROR_INVALID_HANDLE;
	pthread_mutex_lock(&s->lock);
	struct cmrp_control_in r = {
		.handle = s->handle,
		.code = code,
		.in = { .present = in != NULL, .data = (uint8_t *)in, .len = in_len },
		.out_size = room,
	};
	struct cmrp_control_out o;
	DWORD err = session_op(s, CMRP_CLUSTER_CONTROL, &r, &o);
	pthread_mutex_unlock(&s->lock);
	registry_put((uintptr_t)h);
	if (!err)
		err = o.result ? o.result : o.rpc_status;
	if (!err && o.returned > room)
		err = RPC_X_BAD_STUB_DATA;
	if (!err && o.returned) {
		*out = malloc(o.returned);
		if (!*out)
			err = ERROR_NOT_ENOUGH_MEMORY;
		else
			memcpy(*out, o.data, o.returned);
		*out_len = o.returned;
	}
	if (err == ERROR_MORE_DATA)
		*required = o.required;
	cmrp_control_out_free(&o);
	return err;
}

/* A control whose answer may be large: asked again with the room it needs. */
static DWORD cluster_control_read(HCLUSTER h, uint32_t code, uint8_t **out, uint32_t *out_len)
{
	uint32_t room = 4096, required;
	for (int tries = 0; tries < 4; tries++) {
		DWORD err = cluster_control(h, code, NULL, 0, room, out, out_len, &required);
		if (err != ERROR_MORE_DATA)
			return err;
		if (required <= room || required > CMRP_MAX_BUFFER_BYTES)
			return RPC_X_BAD_STUB_DATA;
		room = required;
	}
	return ERROR_MORE_DATA; /* it keeps growing: let the caller try again */
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Units of a NUL-terminated UTF-16 string, at most max (more: max + 1). */
static size_t wlen(LPCWSTR s, size_t max)
{
	size_t n = 0;
	while (n <= max && s[n])
		n++;
	return n;
}

/* Append a UTF-16 string with its NUL as little-endian bytes. */
static uint8_t *put_wstr(uint8_t *p, LPCWSTR s, size_t units)
{
	for (size_t i = 0; i <= units; i++) {
		WCHAR c = i < units ? s[i] : 0;
		*p++ = (uint8_t)c;
		*p++ = (uint8_t)(c >> 8);
	}
	return p;
}

/* ---- the access list ------------------------------------------------------------- */

/* A property: its name entry, value of syntax (LIST_VALUE << 16 | format), end mark. */
static uint8_t *put_prop(uint8_t *p, const char *name, uint32_t format, const uint8_t *value, size_t len)
{
	size_t n = strlen(name);
	put32(p, 0x00040003u); /* CLUSPROP_SYNTAX_NAME */
	put32(p + 4, (uint32_t)((n + 1) * 2));
	p += 8;
	for (size_t i = 0; i <= n; i++) {
		*p++ = (uint8_t)name[i];
		*p++ = 0;
	}
	for (size_t pad = (4 - (n + 1) * 2 % 4) % 4; pad; pad--)
		*p++ = 0;
	put32(p, 0x00010000u | format);
	put32(p + 4, (uint32_t)len);
	p += 8;
	memcpy(p, value, len);
	p += len;
	for (; len % 4; len++)
		*p++ = 0;
	put32(p, 0); /* CLUSPROP_SYNTAX_ENDMARK */
	return p + 4;
}

CLUSAPI_API DWORD ClusterSetAccountAccess(HCLUSTER hCluster, LPCWSTR szAccountSID, DWORD dwAccess,
					  DWORD dwControlType)
{
	if (!szAccountSID)
		return ERROR_INVALID_PARAMETER;
	size_t units = wlen(szAccountSID, CMRP_MAX_NAME_UNITS);
	if (units == 0 || units > CMRP_MAX_NAME_UNITS)
		return ERROR_INVALID_PARAMETER;
	/* count, three properties (name entries padded, values padded, end marks) */
	size_t cap = 4 + 3 * (8 + 40 + 8 + 4) + (units + 1) * 2 + 4 + 8;
	uint8_t *buf = calloc(1, cap), mask[4], type[4];
	if (!buf)
		return ERROR_NOT_ENOUGH_MEMORY;
	put32(buf, 3);
	uint8_t *p = buf + 4;
	/* the SID value: a UTF-16LE string, built in place */
	uint8_t *sid = malloc((units + 1) * 2);
	if (!sid) {
		free(buf);
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	put_wstr(sid, szAccountSID, units);
	p = put_prop(p, "AccountSID", 3 /* SZ */, sid, (units + 1) * 2);
	free(sid);
	put32(mask, dwAccess);
	p = put_prop(p, "AccountAccessMask", 2 /* DWORD */, mask, 4);
	put32(type, dwControlType);
	p = put_prop(p, "AccountAccessType", 2, type, 4);
	uint8_t *out;
	uint32_t out_len, required;
	DWORD err = cluster_control(hCluster, CLUSCTL_CLUSTER_SET_ACCOUNT_ACCESS, buf, (uint32_t)(p - buf), 0, &out,
				    &out_len, &required);
	free(out);
	free(buf);
	return err;
}

CLUSAPI_API DWORD ClusapiGetClusterAccess(HCLUSTER hCluster, LPVOID lpBuffer, LPDWORD lpcbBuffer, LPDWORD lpdwCount)
{
	if (!lpcbBuffer || (!lpBuffer && *lpcbBuffer))
		return ERROR_INVALID_PARAMETER;
	uint8_t *data;
	uint32_t len;
	DWORD err = cluster_control_read(hCluster, CLUSCTL_CLUSTER_CLUSAPI_GET_ACCESS, &data, &len);
	if (err)
		return err;
	/* Check the whole answer, and size what the caller gets, before copying. */
	err = RPC_X_BAD_STUB_DATA;
	if (len < 4)
		goto out;
	uint32_t count = get32(data);
	if (count > (len - 4) / 16)
		goto out;
	size_t need = (size_t)count * sizeof(CLUSAPI_ACCESS_ENTRY), off = 4;
	for (uint32_t i = 0; i < count; i++) {
		if (len - off < 12)
			goto out;
		uint32_t cb = get32(data + off + 8);
		off += 12;
		if (cb < 2 || cb % 2 || cb > len - off || data[off + cb - 1] || data[off + cb - 2])
			goto out;
		for (uint32_t j = 0; j + 2 < cb; j += 2)
			if (!data[off + j] && !data[off + j + 1])
				goto out;
		need += cb;
		off += cb;
		off += (4 - off % 4) % 4;
		if (off > len)
			goto out;
	}
	if (off != len)
		goto out;
	if (lpdwCount)
		*lpdwCount = count;
	if (need && (!lpBuffer || *lpcbBuffer < need)) {
		*lpcbBuffer = (DWORD)need;
		err = ERROR_MORE_DATA;
		goto out;
	}
	CLUSAPI_ACCESS_ENTRY *entries = lpBuffer;
	WCHAR *strings = (WCHAR *)(entries + count);
	off = 4;
	for (uint32_t i = 0; i < count; i++) {
		uint32_t cb = get32(data + off + 8);
		entries[i].dwAccess = get32(data + off);
		entries[i].dwControlType = get32(data + off + 4);
		entries[i].lpszPrincipal = strings;
		off += 12;
		for (uint32_t j = 0; j < cb / 2; j++)
			*strings++ = (WCHAR)(data[off + 2 * j] | data[off + 2 * j + 1] << 8);
		off += cb;
		off += (4 - off % 4) % 4;
	}
	*lpcbBuffer = (DWORD)need;
	err = ERROR_SUCCESS;
out:
	free(data);
	return err;
}

/* ---- accounts ---------------------------------------------------------------------- */

CLUSAPI_API DWORD ClusapiAddAccount(HCLUSTER hCluster, LPCWSTR lpszName, LPCWSTR lpszPassword)
{
	if (!lpszName || !lpszPassword)
		return ERROR_INVALID_PARAMETER;
	size_t units = wlen(lpszName, CMRP_MAX_NAME_UNITS), punits = wlen(lpszPassword, PASSWORD_MAX_UNITS);
	if (units == 0 || units > CMRP_MAX_NAME_UNITS || punits == 0 || punits > PASSWORD_MAX_UNITS)
		return ERROR_INVALID_PARAMETER;
	char *password = utf16_to_utf8_dup(lpszPassword, punits);
	if (!password)
		return ERROR_INVALID_DATA;
	size_t len = 16 + (units + 1) * 2;
	uint8_t *buf = malloc(len);
	if (!buf || ntlmssp_ntowfv1(password, buf) != 0) {
		explicit_bzero(password, strlen(password));
		free(password);
		free(buf);
		return buf ? ERROR_INVALID_DATA : ERROR_NOT_ENOUGH_MEMORY;
	}
	explicit_bzero(password, strlen(password));
	free(password);
	put_wstr(buf + 16, lpszName, units);
	uint8_t *out;
	uint32_t out_len, required;
	DWORD err = cluster_control(hCluster, CLUSCTL_CLUSTER_CLUSAPI_ADD_ACCOUNT, buf, (uint32_t)len, 0, &out,
				    &out_len, &required);
	explicit_bzero(buf, 16);
	free(buf);
	free(out);
	return err;
}

CLUSAPI_API DWORD ClusapiRemoveAccount(HCLUSTER hCluster, LPCWSTR lpszName)
{
	if (!lpszName)
		return ERROR_INVALID_PARAMETER;
	size_t units = wlen(lpszName, CMRP_MAX_NAME_UNITS);
	if (units == 0 || units > CMRP_MAX_NAME_UNITS)
		return ERROR_INVALID_PARAMETER;
	uint8_t *buf = malloc((units + 1) * 2);
	if (!buf)
		return ERROR_NOT_ENOUGH_MEMORY;
	put_wstr(buf, lpszName, units);
	uint8_t *out;
	uint32_t out_len, required;
	DWORD err = cluster_control(hCluster, CLUSCTL_CLUSTER_CLUSAPI_REMOVE_ACCOUNT, buf, (uint32_t)((units + 1) * 2),
				    0, &out, &out_len, &required);
	free(buf);
	free(out);
	return err;
}

CLUSAPI_API DWORD ClusapiEnumAccounts(HCLUSTER hCluster, LPWSTR lpszNames, LPDWORD lpcchNames)
{
	if (!lpcchNames || (!lpszNames && *lpcchNames))
		return ERROR_INVALID_PARAMETER;
	uint8_t *data;
	uint32_t len;
	DWORD err = cluster_control_read(hCluster, CLUSCTL_CLUSTER_CLUSAPI_ENUM_ACCOUNTS, &data, &len);
	if (err)
		return err;
	/* A list of strings ending with an empty one, and nothing after it. */
	err = RPC_X_BAD_STUB_DATA;
	if (len < 2 || len % 2 || data[len - 1] || data[len - 2])
		goto out;
	size_t units = len / 2;
	for (size_t i = 0; i + 1 < units; i++)
		if (!data[2 * i] && !data[2 * i + 1] && (i == 0 || (!data[2 * i - 2] && !data[2 * i - 1])))
			goto out; /* an empty string before the end */
	if (!lpszNames || *lpcchNames < units) {
		*lpcchNames = (DWORD)units;
		err = ERROR_MORE_DATA;
		goto out;
	}
	for (size_t i = 0; i < units; i++)
		lpszNames[i] = (WCHAR)(data[2 * i] | data[2 * i + 1] << 8);
	*lpcchNames = (DWORD)units;
	err = ERROR_SUCCESS;
out:
	free(data);
	return err;
}
