/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * clusctl resource type list | show NAME (issue 11, part 4): the resource
 * types, whether each is available here and what runs it (the read-only
 * common properties Implementation and DllName, ClusterResourceTypeControl),
 * and for one type the nodes that can run it and its resources
 * (ClusterResourceTypeOpenEnum).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define SYNTAX_ENDMARK 0u
#define SYNTAX_NAME 0x00040003u
#define SYNTAX_SZ 0x00010003u

struct restype {
	char *name;
	char *implementation; /* NULL: not available (a control refused) */
	char *made_from;
	bool available;
};

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A UTF-16LE string value of len bytes as UTF-8, or NULL. */
static char *sz_value(const uint8_t *d, uint32_t len)
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

/* The string property NAME of a property list, or NULL. */
static char *prop_sz(const uint8_t *buf, DWORD len, const char *name)
{
	if (len < 4)
		return NULL;
	uint32_t count = get32(buf);
	size_t off = 4;
	char *cur = NULL, *found = NULL;
	for (uint32_t i = 0; off + 8 <= len && !found;) {
		uint32_t syntax = get32(buf + off), n = get32(buf + off + 4);
		size_t padded = ((size_t)n + 3) & ~(size_t)3;
		if (syntax == SYNTAX_ENDMARK) {
			off += 4;
			free(cur);
			cur = NULL;
			if (++i == count)
				break;
			continue;
		}
		if (off + 8 + padded > len)
			break;
		const uint8_t *d = buf + off + 8;
		if (syntax == SYNTAX_NAME) {
			free(cur);
			cur = sz_value(d, n);
		} else if (syntax == SYNTAX_SZ && cur && strcmp(cur, name) == 0) {
			found = sz_value(d, n);
		}
		off += 8 + padded;
	}
	free(cur);
	return found;
}

static void restype_free(struct restype *t)
{
	free(t->name);
	free(t->implementation);
	free(t->made_from);
}

/* What a type is here; ERROR_CLUSTER_RESTYPE_NOT_SUPPORTED from the control
 * is an answer (not available), other errors are errors. */
static DWORD restype_describe(HCLUSTER hc, const char *name, struct restype *t)
{
	memset(t, 0, sizeof(*t));
	t->name = strdup(name);
	LPWSTR w = ClusapiUtf8ToWide(name);
	if (!t->name || !w) {
		free(w);
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	uint8_t small[1024], *buf = small;
	DWORD cb = sizeof(small), ret = 0;
	DWORD err = ClusterResourceTypeControl(hc, w, NULL, CLUSCTL_RESOURCE_TYPE_GET_RO_COMMON_PROPERTIES, NULL, 0, buf,
					       cb, &ret);
	if (err == ERROR_MORE_DATA) {
		cb = ret;
		buf = malloc(cb);
		err = buf ? ClusterResourceTypeControl(hc, w, NULL, CLUSCTL_RESOURCE_TYPE_GET_RO_COMMON_PROPERTIES, NULL,
						       0, buf, cb, &ret)
			  : ERROR_NOT_ENOUGH_MEMORY;
	}
	free(w);
	if (err == ERROR_CLUSTER_RESTYPE_NOT_SUPPORTED) {
		t->available = false;
		t->implementation = strdup("not available");
		err = t->implementation ? ERROR_SUCCESS : ERROR_NOT_ENOUGH_MEMORY;
	} else if (!err) {
		t->implementation = prop_sz(buf, ret, "Implementation");
		t->made_from = prop_sz(buf, ret, "DllName");
		t->available = !t->implementation || strncmp(t->implementation, "not available", 13) != 0;
	}
	if (buf != small)
		free(buf);
	return err;
}

static void restype_json(const struct restype *t, bool *first)
{
	json_str(first, "name", t->name);
	json_str(first, "available", t->available ? "yes" : "no");
	json_str(first, "implementation", t->implementation);
	json_str(first, "made_from", t->made_from);
}

static int type_list(const struct cli *cli, HCLUSTER hc)
{
	struct strlist names = { 0 };
	DWORD err = enum_cluster(hc, CLUSTER_ENUM_RESTYPE, &names, NULL);
	if (err) {
		fail("cannot list the resource types", err);
		strlist_free(&names);
		return EXIT_FAILED;
	}
	static const char *const headers[] = { "NAME", "AVAILABLE", "IMPLEMENTATION" };
	struct listing l;
	listing_begin(&l, cli->json, 3, headers);
	int rc = 0;
	for (size_t i = 0; i < names.n; i++) {
		struct restype t;
		err = restype_describe(hc, names.v[i], &t);
		if (err) {
			failf(err, "cannot read resource type \"%s\"", names.v[i]);
			rc = EXIT_FAILED;
		} else if (cli->json) {
			bool first = true;
			listing_object(&l);
			restype_json(&t, &first);
			listing_object_end(&l);
		} else {
			const char *row[] = { t.name, t.available ? "yes" : "no",
					      t.implementation ? t.implementation : "-" };
			listing_row(&l, row);
		}
		restype_free(&t);
	}
	listing_end(&l);
	strlist_free(&names);
	return rc;
}

/* The entries of one kind of a type's enumeration. */
static DWORD type_enum(HCLUSTER hc, const char *name, DWORD kind, struct strlist *out)
{
	LPWSTR w = ClusapiUtf8ToWide(name);
	if (!w)
		return ERROR_NOT_ENOUGH_MEMORY;
	HRESTYPEENUM e = ClusterResourceTypeOpenEnum(hc, w, kind);
	free(w);
	if (!e)
		return GetLastError();
	DWORD err = ERROR_SUCCESS;
	for (DWORD i = 0; !err; i++) {
		WCHAR buf[512];
		DWORD cch = 512, type = 0;
		err = ClusterResourceTypeEnum(e, i, &type, buf, &cch);
		if (err == ERROR_NO_MORE_ITEMS) {
			err = ERROR_SUCCESS;
			break;
		}
		if (!err) {
			char *u = ClusapiWideToUtf8(buf);
			if (!u || !strlist_add(out, u))
				err = ERROR_NOT_ENOUGH_MEMORY;
			free(u);
		}
	}
	ClusterResourceTypeCloseEnum(e);
	return err;
}

static int type_show(const struct cli *cli, HCLUSTER hc, const char *name)
{
	char *canonical = NULL, *id = NULL;
	lookup_name_id(hc, CLUSTER_ENUM_RESTYPE, name, &canonical, &id);
	free(id);
	if (!canonical) {
		failf(ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND, "cannot read resource type \"%s\"", name);
		return EXIT_FAILED;
	}
	struct restype t;
	struct strlist nodes = { 0 }, resources = { 0 };
	DWORD err = restype_describe(hc, canonical, &t);
	if (!err)
		err = type_enum(hc, canonical, CLUSTER_RESOURCE_TYPE_ENUM_NODES, &nodes);
	if (!err)
		err = type_enum(hc, canonical, CLUSTER_RESOURCE_TYPE_ENUM_RESOURCES, &resources);
	int rc = 0;
	if (err) {
		failf(err, "cannot read resource type \"%s\"", name);
		rc = EXIT_FAILED;
	} else if (cli->json) {
		bool first = true;
		printf("{");
		restype_json(&t, &first);
		json_list(&first, "nodes", &nodes);
		json_list(&first, "resources", &resources);
		printf("}\n");
	} else {
		kv("Name", "%s", t.name);
		kv("Available", "%s", t.available ? "yes" : "no");
		kv("Implementation", "%s", t.implementation ? t.implementation : "-");
		kv("Made from", "%s", t.made_from ? t.made_from : "-");
		kv("Nodes", "%s", strlist_join(&nodes));
		kv("Resources", "%s", strlist_join(&resources));
	}
	restype_free(&t);
	strlist_free(&nodes);
	strlist_free(&resources);
	free(canonical);
	return rc;
}

int cmd_resource_type(const struct cli *cli, const struct args *a)
{
	const char *what = a->npos ? a->pos[0] : "list";
	bool list = strcmp(what, "list") == 0, show = strcmp(what, "show") == 0;
	if ((!list && !show) || (list && a->npos > 1) || (show && a->npos != 2)) {
		fprintf(stderr, "clusctl: usage: clusctl [OPTIONS] resource type list | resource type show NAME\n");
		return EXIT_USAGE;
	}
	HCLUSTER hc = cli_open_cluster(cli);
	if (!hc)
		return EXIT_FAILED;
	int rc = list ? type_list(cli, hc) : type_show(cli, hc, a->pos[1]);
	return cli_close_cluster(hc, rc);
}
