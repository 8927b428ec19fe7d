/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * clusctl resource get NAME | resource set NAME PROPERTY VALUE, and the same
 * for groups (issue 11, part 3): the common properties of a resource or a
 * group (its failure policy among them: RestartThreshold, RestartDelay...,
 * AutoFailbackType...) read with GET_COMMON_PROPERTIES and one written with
 * SET_COMMON_PROPERTIES (a number is a DWORD; Name and Description are text).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

#define SYNTAX_ENDMARK 0u
#define SYNTAX_NAME 0x00040003u
#define SYNTAX_DWORD 0x00010002u
#define SYNTAX_SZ 0x00010003u

typedef DWORD (*control_fn)(void *h, HNODE node, DWORD code, LPVOID in, DWORD cin, LPVOID out, DWORD cout,
			    LPDWORD ret);

static DWORD res_control(void *h, HNODE node, DWORD code, LPVOID in, DWORD cin, LPVOID out, DWORD cout, LPDWORD ret)
{
	return ClusterResourceControl(h, node, code, in, cin, out, cout, ret);
}

static DWORD grp_control(void *h, HNODE node, DWORD code, LPVOID in, DWORD cin, LPVOID out, DWORD cout, LPDWORD ret)
{
	return ClusterGroupControl(h, node, code, in, cin, out, cout, ret);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static char *wide_text(const uint8_t *d, uint32_t len)
{
	size_t n = len / 2;
	WCHAR *w = calloc(n + 1, sizeof(WCHAR));
	if (!w)
		return NULL;
	for (size_t i = 0; i < n; i++)
		w[i] = (WCHAR)(d[2 * i] | d[2 * i + 1] << 8);
	char *u = ClusapiWideToUtf8(w);
	free(w);
	return u;
}

/* The list's properties: names, and values as text (DWORDs in decimal). */
static DWORD parse(const uint8_t *buf, DWORD len, struct strlist *names, struct strlist *values, struct strlist *dwords)
{
	if (len < 4)
		return ERROR_INVALID_DATA;
	uint32_t count = get32(buf);
	size_t off = 4;
	for (uint32_t i = 0; i < count; i++) {
		if (off + 8 > len || get32(buf + off) != SYNTAX_NAME)
			return ERROR_INVALID_DATA;
		uint32_t n = get32(buf + off + 4);
		if (off + 8 + n > len)
			return ERROR_INVALID_DATA;
		char *name = wide_text(buf + off + 8, n);
		off += 8 + ((n + 3) & ~(size_t)3);
		char *value = NULL;
		bool dword = false;
		while (off + 4 <= len && get32(buf + off) != SYNTAX_ENDMARK) {
			if (off + 8 > len)
				break;
			uint32_t syn = get32(buf + off), vlen = get32(buf + off + 4);
			if (off + 8 + vlen > len)
				break;
			if (!value && syn == SYNTAX_DWORD && vlen == 4) {
				char num[16];
				snprintf(num, sizeof(num), "%u", get32(buf + off + 8));
				value = strdup(num);
				dword = true;
			} else if (!value && syn == SYNTAX_SZ) {
				value = wide_text(buf + off + 8, vlen);
			}
			off += 8 + ((vlen + 3) & ~(size_t)3);
		}
		off += 4;
		bool ok = name && value && strlist_add(names, name) && strlist_add(values, value) &&
			  strlist_add(dwords, dword ? "1" : "");
		free(name);
		free(value);
		if (!ok)
			return ERROR_NOT_ENOUGH_MEMORY;
	}
	return ERROR_SUCCESS;
}

static int show(const struct cli *cli, control_fn fn, void *h, DWORD code, const char *what)
{
	uint8_t small[4096], *buf = small;
	DWORD ret = 0, err = fn(h, NULL, code, NULL, 0, buf, sizeof(small), &ret);
	if (err == ERROR_MORE_DATA) {
		buf = malloc(ret);
		err = buf ? fn(h, NULL, code, NULL, 0, buf, ret, &ret) : ERROR_NOT_ENOUGH_MEMORY;
	}
	struct strlist names = { 0 }, values = { 0 }, dwords = { 0 };
	if (!err)
		err = parse(buf, ret, &names, &values, &dwords);
	if (buf != small)
		free(buf);
	int rc = 0;
	if (err) {
		failf(err, "cannot read the properties of %s", what);
		rc = EXIT_FAILED;
	} else if (cli->json) {
		bool first = true;
		printf("{");
		for (size_t i = 0; i < names.n; i++) {
			if (*dwords.v[i])
				json_int(&first, names.v[i], strtol(values.v[i], NULL, 10));
			else
				json_str(&first, names.v[i], values.v[i]);
		}
		printf("}\n");
	} else {
		int width = 0;
		for (size_t i = 0; i < names.n; i++)
			if ((int)strlen(names.v[i]) > width)
				width = (int)strlen(names.v[i]);
		for (size_t i = 0; i < names.n; i++)
			printf("%s:%*s %s\n", names.v[i], width - (int)strlen(names.v[i]), "", values.v[i]);
	}
	strlist_free(&names);
	strlist_free(&values);
	strlist_free(&dwords);
	return rc;
}

static size_t wcslen_cli(const WCHAR *w)
{
	size_t n = 0;
	while (w[n])
		n++;
	return n;
}

static size_t put32(uint8_t *p, size_t off, uint32_t v)
{
	p[off] = (uint8_t)v;
	p[off + 1] = (uint8_t)(v >> 8);
	p[off + 2] = (uint8_t)(v >> 16);
	p[off + 3] = (uint8_t)(v >> 24);
	return off + 4;
}

static size_t put_wide(uint8_t *p, size_t off, const WCHAR *w)
{
	size_t n = 0;
	while (w[n])
		n++;
	size_t bytes = (n + 1) * 2, padded = (bytes + 3) & ~(size_t)3;
	off = put32(p, off, (uint32_t)bytes);
	memset(p + off, 0, padded);
	for (size_t i = 0; i < n; i++) {
		p[off + 2 * i] = (uint8_t)w[i];
		p[off + 2 * i + 1] = (uint8_t)(w[i] >> 8);
	}
	return off + padded;
}

static int set(control_fn fn, void *h, DWORD code, const char *what, const char *prop, const char *value)
{
	LPWSTR wname = cli_wide(prop, "property name");
	if (!wname)
		return EXIT_USAGE;
	/* A number is a DWORD (the policies); Name and Description are text. */
	bool text = !strcasecmp(prop, "Name") || !strcasecmp(prop, "Description");
	char *end = NULL;
	errno = 0;
	unsigned long long v = text ? 0 : strtoull(value, &end, 0);
	if (!text && (!*value || *end || errno || v > 0xFFFFFFFFull)) {
		fprintf(stderr, "clusctl: %s wants a number from 0 to 4294967295, not \"%s\"\n", prop, value);
		free(wname);
		return EXIT_USAGE;
	}
	LPWSTR wval = text ? cli_wide(value, "property value") : NULL;
	if (text && !wval) {
		free(wname);
		return EXIT_USAGE;
	}
	size_t cap = 64 + 4 * (wcslen_cli(wname) + (wval ? wcslen_cli(wval) : 0));
	uint8_t *buf = calloc(1, cap);
	if (!buf) {
		free(wname);
		free(wval);
		fail("out of memory", ERROR_NOT_ENOUGH_MEMORY);
		return EXIT_FAILED;
	}
	size_t off = put32(buf, 0, 1);
	off = put32(buf, off, SYNTAX_NAME);
	off = put_wide(buf, off, wname);
	if (text) {
		off = put32(buf, off, SYNTAX_SZ);
		off = put_wide(buf, off, wval);
	} else {
		off = put32(buf, off, SYNTAX_DWORD);
		off = put32(buf, off, 4);
		off = put32(buf, off, (uint32_t)v);
	}
	off = put32(buf, off, SYNTAX_ENDMARK);
	DWORD ret = 0, err = fn(h, NULL, code, buf, (DWORD)off, NULL, 0, &ret);
	free(buf);
	free(wname);
	free(wval);
	if (err) {
		failf(err, "cannot set %s of %s", prop, what);
		return EXIT_FAILED;
	}
	printf("%s: %s = %s\n", what, prop, value);
	return 0;
}

int cmd_properties(const struct cli *cli, const struct args *a)
{
	bool group = strcmp(a->noun, "group") == 0, get = strcmp(a->verb, "get") == 0;
	HCLUSTER hc = cli_open_cluster(cli);
	if (!hc)
		return EXIT_FAILED;
	LPWSTR w = cli_wide(a->pos[0], group ? "group name" : "resource name");
	if (!w)
		return cli_close_cluster(hc, EXIT_USAGE);
	void *h = group ? (void *)OpenClusterGroup(hc, w) : (void *)OpenClusterResource(hc, w);
	free(w);
	char what[300];
	snprintf(what, sizeof(what), "%s \"%s\"", group ? "group" : "resource", a->pos[0]);
	if (!h) {
		failf(GetLastError(), "cannot open %s", what);
		return cli_close_cluster(hc, EXIT_FAILED);
	}
	control_fn fn = group ? grp_control : res_control;
	int rc;
	if (get)
		rc = show(cli, fn, h, group ? CLUSCTL_GROUP_GET_COMMON_PROPERTIES : CLUSCTL_RESOURCE_GET_COMMON_PROPERTIES,
			  what);
	else
		rc = set(fn, h, group ? CLUSCTL_GROUP_SET_COMMON_PROPERTIES : CLUSCTL_RESOURCE_SET_COMMON_PROPERTIES, what,
			 a->pos[1], a->pos[2]);
	if (group)
		CloseClusterGroup(h);
	else
		CloseClusterResource(h);
	return cli_close_cluster(hc, rc);
}
