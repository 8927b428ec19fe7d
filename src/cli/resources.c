/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * clusctl resource list [--group GROUP] | show NAME | types |
 * create NAME --group GROUP --type TYPE | delete NAME | online NAME |
 * offline NAME | fail NAME | rename NAME NEWNAME
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

struct resource {
	char *name, *id, *type, *owner, *group;
	int state;
};

static void resource_free(struct resource *r)
{
	free(r->name);
	free(r->id);
	free(r->type);
	free(r->owner);
	free(r->group);
	memset(r, 0, sizeof(*r));
}

/* A string a control returns (name, id, type). */
static char *control_string(HRESOURCE h, DWORD code, DWORD *err)
{
	DWORD size = 512, got = 0;
	for (int tries = 0; tries < 4; tries++) {
		BYTE *buf = calloc(1, size + sizeof(WCHAR));
		if (!buf) {
			*err = ERROR_NOT_ENOUGH_MEMORY;
			return NULL;
		}
		*err = ClusterResourceControl(h, NULL, code, NULL, 0, buf, size, &got);
		if (*err == ERROR_MORE_DATA && got > size) {
			free(buf);
			size = got;
			continue;
		}
		char *s = NULL;
		if (!*err) {
			/* Copied out, so that the UTF-16 is aligned and ends in a NUL. */
			WCHAR *w = calloc(got / sizeof(WCHAR) + 1, sizeof(WCHAR));
			if (w) {
				memcpy(w, buf, got / sizeof(WCHAR) * sizeof(WCHAR));
				s = ClusapiWideToUtf8(w);
				if (!s)
					*err = GetLastError();
				free(w);
			} else {
				*err = ERROR_NOT_ENOUGH_MEMORY;
			}
		}
		free(buf);
		return s;
	}
	return NULL;
}

/* State, owner node and group, growing both buffers as needed. */
static DWORD resource_state(HRESOURCE h, struct resource *r)
{
	DWORD size = 256;
	for (int tries = 0; tries < 4; tries++) {
		LPWSTR node = malloc(size * sizeof(WCHAR)), group = malloc(size * sizeof(WCHAR));
		DWORD cn = size, cg = size, err = ERROR_SUCCESS;
		if (!node || !group)
			err = ERROR_NOT_ENOUGH_MEMORY;
		else {
			r->state = GetClusterResourceState(h, node, &cn, group, &cg);
			if (r->state == ClusterResourceStateUnknown)
				err = GetLastError();
		}
		if (err == ERROR_MORE_DATA && (cn >= size || cg >= size)) {
			size = (cn > cg ? cn : cg) + 1;
			free(node);
			free(group);
			continue;
		}
		if (!err) {
			r->owner = ClusapiWideToUtf8(node);
			r->group = ClusapiWideToUtf8(group);
			if (!r->owner || !r->group)
				err = ERROR_NOT_ENOUGH_MEMORY;
		}
		free(node);
		free(group);
		return err;
	}
	return ERROR_MORE_DATA;
}

/* Everything a list row needs; name is what the caller used to open it. */
static DWORD resource_describe(HRESOURCE h, const char *name, struct resource *r)
{
	DWORD err = resource_state(h, r);
	if (!err)
		r->type = control_string(h, CLUSCTL_RESOURCE_GET_RESOURCE_TYPE, &err);
	if (!err) {
		DWORD ignored;
		r->name = control_string(h, CLUSCTL_RESOURCE_GET_NAME, &ignored);
		r->id = control_string(h, CLUSCTL_RESOURCE_GET_ID, &ignored);
		if (!r->name)
			r->name = strdup(name);
	}
	return err;
}

static void resource_json(const struct resource *r, bool *first)
{
	json_str(first, "name", r->name);
	json_str(first, "id", r->id);
	json_str(first, "state", resource_state_word(r->state));
	json_int(first, "state_code", r->state);
	json_str(first, "owner_node", r->owner);
	json_str(first, "group", r->group);
	json_str(first, "type", r->type);
}

static int resource_list(const struct cli *cli, HCLUSTER hc, const char *group)
{
	struct strlist names = { 0 };
	DWORD err;
	if (group) {
		LPWSTR w = cli_wide(group, "group name");
		if (!w)
			return EXIT_USAGE;
		HGROUP hg = OpenClusterGroup(hc, w);
		free(w);
		if (!hg) {
			failf(GetLastError(), "cannot open group \"%s\"", group);
			return EXIT_FAILED;
		}
		err = enum_group(hg, CLUSTER_GROUP_ENUM_CONTAINS, &names);
		CloseClusterGroup(hg);
	} else {
		err = enum_cluster(hc, CLUSTER_ENUM_RESOURCE, &names, NULL);
	}
	if (err) {
		fail("cannot list the resources", err);
		strlist_free(&names);
		return EXIT_FAILED;
	}
	static const char *const headers[] = { "NAME", "GROUP", "OWNER NODE", "TYPE", "STATE" };
	struct listing l;
	listing_begin(&l, cli->json, 5, headers);
	for (size_t i = 0; i < names.n; i++) {
		LPWSTR w = ClusapiUtf8ToWide(names.v[i]);
		HRESOURCE h = w ? OpenClusterResource(hc, w) : NULL;
		free(w);
		if (!h)
			continue; /* gone since the enumeration */
		struct resource r = { 0 };
		err = resource_describe(h, names.v[i], &r);
		CloseClusterResource(h);
		if (!err && cli->json) {
			bool first = true;
			listing_object(&l);
			resource_json(&r, &first);
			listing_object_end(&l);
		} else if (!err) {
			const char *row[] = { r.name, r.group, r.owner, r.type, resource_state_word(r.state) };
			listing_row(&l, row);
		}
		resource_free(&r);
	}
	listing_end(&l);
	strlist_free(&names);
	return 0;
}

static int resource_types(const struct cli *cli, HCLUSTER hc)
{
	struct strlist names = { 0 };
	DWORD err = enum_cluster(hc, CLUSTER_ENUM_RESTYPE, &names, NULL);
	if (err) {
		fail("cannot list the resource types", err);
		strlist_free(&names);
		return EXIT_FAILED;
	}
	static const char *const headers[] = { "TYPE" };
	struct listing l;
	listing_begin(&l, cli->json, 1, headers);
	for (size_t i = 0; i < names.n; i++) {
		if (cli->json) {
			bool first = true;
			listing_object(&l);
			json_str(&first, "name", names.v[i]);
			listing_object_end(&l);
		} else {
			const char *row[] = { names.v[i] };
			listing_row(&l, row);
		}
	}
	listing_end(&l);
	strlist_free(&names);
	return 0;
}

/* What depends on the resource: what the server lists for
 * CLUSTER_RESOURCE_ENUM_PROVIDES, and (as not every server lists that) every
 * resource whose CLUSTER_RESOURCE_ENUM_DEPENDS names it. */
static DWORD resource_dependents(HCLUSTER hc, HRESOURCE h, const char *name, struct strlist *out)
{
	struct strlist all = { 0 };
	DWORD err = enum_resource(h, CLUSTER_RESOURCE_ENUM_PROVIDES, out);
	if (!err)
		err = enum_cluster(hc, CLUSTER_ENUM_RESOURCE, &all, NULL);
	for (size_t i = 0; !err && i < all.n; i++) {
		bool listed = false;
		for (size_t j = 0; j < out->n && !listed; j++)
			listed = strcasecmp(out->v[j], all.v[i]) == 0;
		if (listed)
			continue;
		LPWSTR w = ClusapiUtf8ToWide(all.v[i]);
		HRESOURCE other = w ? OpenClusterResource(hc, w) : NULL;
		free(w);
		if (!other)
			continue; /* gone since the enumeration */
		struct strlist deps = { 0 };
		if (enum_resource(other, CLUSTER_RESOURCE_ENUM_DEPENDS, &deps) == ERROR_SUCCESS)
			for (size_t j = 0; j < deps.n; j++)
				if (strcasecmp(deps.v[j], name) == 0) {
					if (!strlist_add(out, all.v[i]))
						err = ERROR_NOT_ENOUGH_MEMORY;
					break;
				}
		strlist_free(&deps);
		CloseClusterResource(other);
	}
	strlist_free(&all);
	return err;
}

/* GetClusterResourceNetworkName through the (buffer, count) getter. */
static DWORD netname_get(void *ctx, LPWSTR buf, LPDWORD cch)
{
	return GetClusterResourceNetworkName(ctx, buf, cch) ? ERROR_SUCCESS : GetLastError();
}

static int resource_show(const struct cli *cli, HCLUSTER hc, const char *name)
{
	HRESOURCE h = cli_open_resource(hc, name);
	if (!h)
		return EXIT_FAILED;
	int rc = EXIT_FAILED;
	struct resource r = { 0 };
	struct strlist depends = { 0 }, provides = { 0 }, owners = { 0 };
	DWORD err = resource_describe(h, name, &r), nerr;
	if (!err)
		err = enum_resource(h, CLUSTER_RESOURCE_ENUM_DEPENDS, &depends);
	if (!err)
		err = resource_dependents(hc, h, r.name, &provides);
	if (!err)
		err = enum_resource(h, CLUSTER_RESOURCE_ENUM_NODES, &owners);
	char *netname = err ? NULL : get_string(netname_get, h, &nerr);
	if (err) {
		failf(err, "cannot read resource \"%s\"", name);
	} else if (cli->json) {
		bool first = true;
		printf("{");
		resource_json(&r, &first);
		json_list(&first, "depends_on", &depends);
		json_list(&first, "dependents", &provides);
		json_list(&first, "possible_owners", &owners);
		json_str(&first, "network_name", netname);
		printf("}\n");
		rc = 0;
	} else {
		kv("Name", "%s", r.name);
		kv("Id", "%s", r.id ? r.id : "-");
		kv("State", "%s (%d)", resource_state_word(r.state), r.state);
		kv("Owner node", "%s", *r.owner ? r.owner : "-");
		kv("Group", "%s", *r.group ? r.group : "-");
		kv("Type", "%s", *r.type ? r.type : "-");
		kv("Depends on", "%s", strlist_join(&depends));
		kv("Dependents", "%s", strlist_join(&provides));
		kv("Possible owners", "%s", strlist_join(&owners));
		kv("Network name", "%s", netname && *netname ? netname : "-");
		rc = 0;
	}
	free(netname);
	resource_free(&r);
	strlist_free(&depends);
	strlist_free(&provides);
	strlist_free(&owners);
	CloseClusterResource(h);
	return rc;
}

static int resource_create(HCLUSTER hc, const struct args *a)
{
	const char *name = a->pos[0];
	LPWSTR wname = cli_wide(name, "resource name"), wtype = wname ? cli_wide(a->type, "resource type") : NULL;
	LPWSTR wgroup = wtype ? cli_wide(a->group, "group name") : NULL;
	if (!wgroup) {
		free(wname);
		free(wtype);
		return EXIT_USAGE;
	}
	int rc = EXIT_FAILED;
	HGROUP hg = OpenClusterGroup(hc, wgroup);
	if (!hg) {
		failf(GetLastError(), "cannot open group \"%s\"", a->group);
	} else {
		HRESOURCE h = CreateClusterResource(hg, wname, wtype, CLUSTER_RESOURCE_DEFAULT_MONITOR);
		if (!h) {
			failf(GetLastError(), "cannot create resource \"%s\" of type \"%s\" in group \"%s\"", name,
			      a->type, a->group);
		} else {
			struct resource r = { 0 };
			resource_state(h, &r);
			printf("resource %s: created in group %s (%s, %s)\n", name, a->group, a->type,
			       resource_state_word(r.state));
			resource_free(&r);
			CloseClusterResource(h);
			rc = 0;
		}
		CloseClusterGroup(hg);
	}
	free(wname);
	free(wtype);
	free(wgroup);
	return rc;
}

static int settle_state(void *ctx)
{
	return GetClusterResourceState(ctx, NULL, NULL, NULL, NULL);
}

static bool settle_pending(int state)
{
	return state >= ClusterResourcePending && state <= ClusterResourceOfflinePending;
}

static int resource_change(HCLUSTER hc, const struct args *a)
{
	const char *verb = a->verb, *name = a->pos[0];
	bool rename = strcmp(verb, "rename") == 0, del = strcmp(verb, "delete") == 0;
	LPWSTR newname = NULL;
	if (rename && !(newname = cli_wide(a->pos[1], "new name")))
		return EXIT_USAGE;
	HRESOURCE h = cli_open_resource(hc, name);
	if (!h) {
		free(newname);
		return EXIT_FAILED;
	}
	DWORD err;
	if (del)
		err = DeleteClusterResource(h);
	else if (strcmp(verb, "online") == 0)
		err = OnlineClusterResource(h);
	else if (strcmp(verb, "offline") == 0)
		err = OfflineClusterResource(h);
	else if (strcmp(verb, "fail") == 0)
		err = FailClusterResource(h);
	else
		err = SetClusterResourceName(h, newname);
	if (err == ERROR_IO_PENDING) {
		wait_settled(settle_state, settle_pending, h);
		err = ERROR_SUCCESS;
	}
	int rc = 0;
	if (err) {
		if (rename)
			failf(err, "cannot rename resource \"%s\" to \"%s\"", name, a->pos[1]);
		else
			failf(err, "cannot %s resource \"%s\"", verb_phrase(verb), name);
		rc = EXIT_FAILED;
	} else if (del) {
		printf("resource %s: deleted\n", name);
	} else if (rename) {
		printf("resource %s: renamed to %s\n", name, a->pos[1]);
	} else {
		int state = GetClusterResourceState(h, NULL, NULL, NULL, NULL);
		const char *word = strcmp(verb, "fail") == 0 ? "failed" : verb;
		printf("resource %s: %s\n", name,
		       state == ClusterResourceStateUnknown ? word : resource_state_word(state));
	}
	free(newname);
	CloseClusterResource(h);
	return rc;
}

int cmd_resource(const struct cli *cli, const struct args *a)
{
	HCLUSTER hc = cli_open_cluster(cli);
	if (!hc)
		return EXIT_FAILED;
	int rc;
	if (strcmp(a->verb, "list") == 0)
		rc = resource_list(cli, hc, a->group);
	else if (strcmp(a->verb, "show") == 0)
		rc = resource_show(cli, hc, a->pos[0]);
	else if (strcmp(a->verb, "types") == 0)
		rc = resource_types(cli, hc);
	else if (strcmp(a->verb, "create") == 0)
		rc = resource_create(hc, a);
	else
		rc = resource_change(hc, a);
	return cli_close_cluster(hc, rc);
}
