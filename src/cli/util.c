/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * clusctl's helpers: error lines, strings through the Windows (buffer, count)
 * convention, enumerations, state words, JSON and aligned tables.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

void fail(const char *what, DWORD err)
{
	const char *name = ClusapiErrorName(err);
	fprintf(stderr, "clusctl: %s: %s (error %u%s%s)\n", what, ClusapiErrorMessage(err), (unsigned)err,
		name ? " " : "", name ? name : "");
}

void failf(DWORD err, const char *fmt, ...)
{
	char what[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	fail(what, err);
}

LPWSTR cli_wide(const char *utf8, const char *what)
{
	LPWSTR w = ClusapiUtf8ToWide(utf8);
	if (!w) {
		if (GetLastError() == ERROR_INVALID_DATA)
			fprintf(stderr, "clusctl: the %s is not valid UTF-8\n", what);
		else
			fail("out of memory", GetLastError());
	}
	return w;
}

int cli_read_line(FILE *f, char *buf, size_t cap)
{
	if (!fgets(buf, (int)cap, f))
		return -1;
	size_t n = strlen(buf);
	if (n && buf[n - 1] == '\n')
		buf[--n] = 0;
	else if (n == cap - 1 && !feof(f))
		return -1; /* longer than the buffer */
	if (n && buf[n - 1] == '\r')
		buf[--n] = 0;
	return 0;
}

int cli_read_secret(const char *prompt, char *buf, size_t cap)
{
	struct termios old, quiet;
	fputs(prompt, stderr);
	fflush(stderr);
	bool restore = tcgetattr(STDIN_FILENO, &old) == 0;
	if (restore) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ECHONL;
		tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
	}
	int rc = cli_read_line(stdin, buf, cap);
	if (restore)
		tcsetattr(STDIN_FILENO, TCSANOW, &old);
	return rc;
}

/* "cannot open the cluster (local, PATH)" or "cannot open the cluster "HOST""
 * (with the endpoint mapper's port when it is not the default): what was
 * tried, as the library says it tries it.  When nothing answered on the local
 * socket, say plainly that clusterd may not be running. */
static void fail_open(const struct cli *cli, DWORD err)
{
	const char *name = ClusapiErrorName(err);
	char what[1024];

	if (cli->cluster) {
		DWORD port = ClusapiGetEndpointMapperPort();
		if (port != CLUSAPI_DEFAULT_EPMAPPER_PORT)
			snprintf(what, sizeof(what), "cannot open the cluster \"%s\" (endpoint mapper port %u)",
				 cli->cluster, (unsigned)port);
		else
			snprintf(what, sizeof(what), "cannot open the cluster \"%s\"", cli->cluster);
		fail(what, err);
		return;
	}
	const char *path = ClusapiGetLocalSocketPath();
	snprintf(what, sizeof(what), "cannot open the cluster (local, %s)", path);
	if (err != RPC_S_SERVER_UNAVAILABLE) {
		fail(what, err);
		return;
	}
	struct stat st;
	const char *reason = "nothing answers on that socket: is clusterd running?";
	if (stat(path, &st) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			reason = "no such socket: is clusterd running?";
		else if (errno == EACCES)
			reason = "permission denied on the socket's directory";
	} else if (!S_ISSOCK(st.st_mode)) {
		reason = "that is not a socket: check CLUSAPI_LPC_SOCKET";
	} else if (access(path, W_OK) < 0 && errno == EACCES) {
		reason = "permission denied on the socket";
	}
	fprintf(stderr, "clusctl: %s: %s (error %u%s%s)\n", what, reason, (unsigned)err, name ? " " : "",
		name ? name : "");
}

HCLUSTER cli_open_cluster_granted(const struct cli *cli, DWORD *granted)
{
	LPWSTR wname = NULL, wuser = NULL, wpw = NULL;
	HCLUSTER h = NULL;

	if (cli->user && !cli->cluster) {
		fprintf(stderr, "clusctl: --user needs --cluster: the local cluster knows who you are\n");
		return NULL;
	}
	if (cli->cluster) {
		wname = ClusapiUtf8ToWide(cli->cluster);
		if (!wname) {
			fprintf(stderr, "clusctl: the cluster name is not valid UTF-8\n");
			return NULL;
		}
	}
	if (cli->user) {
		char prompt[300], pw[CLI_PASSWORD_MAX + 2];
		snprintf(prompt, sizeof(prompt), "Password for %s: ", cli->user);
		int rc = isatty(STDIN_FILENO) ? cli_read_secret(prompt, pw, sizeof(pw)) : cli_read_line(stdin, pw, sizeof(pw));
		if (rc < 0) {
			fprintf(stderr, "clusctl: no password read for %s\n", cli->user);
			goto out;
		}
		wuser = ClusapiUtf8ToWide(cli->user);
		wpw = ClusapiUtf8ToWide(pw);
		explicit_bzero(pw, sizeof(pw));
		if (!wuser || !wpw) {
			fprintf(stderr, "clusctl: the user name or password is not valid UTF-8\n");
			goto out;
		}
		h = ClusapiOpenClusterWithCredentials(wname, wuser, wpw, cli->access, granted);
	} else {
		h = OpenClusterEx(wname, cli->access, granted);
	}
	if (!h)
		fail_open(cli, GetLastError());
out:
	free(wname);
	free(wuser);
	if (wpw) {
		size_t n = 0;
		while (wpw[n])
			n++;
		explicit_bzero(wpw, n * sizeof(WCHAR));
		free(wpw);
	}
	return h;
}

HCLUSTER cli_open_cluster(const struct cli *cli)
{
	return cli_open_cluster_granted(cli, NULL);
}

int cli_close_cluster(HCLUSTER h, int rc)
{
	if (!CloseCluster(h) && rc == 0) {
		fail("closing the cluster handle failed", GetLastError());
		return EXIT_FAILED;
	}
	return rc;
}

const char *verb_phrase(const char *verb)
{
	if (strcmp(verb, "online") == 0)
		return "bring online";
	if (strcmp(verb, "offline") == 0)
		return "take offline";
	return verb;
}

/* ---- strings ---------------------------------------------------------------- */

char *get_string(string_getter fn, void *ctx, DWORD *err)
{
	DWORD size = 256;
	for (int tries = 0; tries < 4; tries++) {
		LPWSTR buf = malloc(size * sizeof(WCHAR));
		if (!buf) {
			*err = ERROR_NOT_ENOUGH_MEMORY;
			return NULL;
		}
		DWORD cch = size;
		*err = fn(ctx, buf, &cch);
		if (*err == ERROR_MORE_DATA && cch >= size) {
			free(buf);
			size = cch + 1;
			continue;
		}
		char *s = *err ? NULL : ClusapiWideToUtf8(buf);
		if (!*err && !s)
			*err = GetLastError();
		free(buf);
		return s;
	}
	return NULL;
}

bool strlist_add(struct strlist *l, const char *s)
{
	char **nv = realloc(l->v, (l->n + 1) * sizeof(*nv));
	if (!nv)
		return false;
	l->v = nv;
	if (!(l->v[l->n] = strdup(s)))
		return false;
	l->n++;
	return true;
}

void strlist_free(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

const char *strlist_join(const struct strlist *l)
{
	static char *buf;
	size_t len = 2;
	for (size_t i = 0; i < l->n; i++)
		len += strlen(l->v[i]) + 2;
	char *nb = realloc(buf, len);
	if (!nb)
		return "...";
	buf = nb;
	strcpy(buf, l->n ? "" : "-");
	for (size_t i = 0; i < l->n; i++) {
		if (i)
			strcat(buf, ", ");
		strcat(buf, l->v[i]);
	}
	return buf;
}

/* ---- enumerations --------------------------------------------------------- */

/* One getter for the four (handle, index, type, buffer, count) calls. */
struct enum_ctx {
	DWORD (*fn)(void *h, DWORD index, LPDWORD type, LPWSTR buf, LPDWORD cch);
	void *h;
	DWORD index;
};

static DWORD enum_get(void *ctx, LPWSTR buf, LPDWORD cch)
{
	struct enum_ctx *c = ctx;
	DWORD type;
	return c->fn(c->h, c->index, &type, buf, cch);
}

static DWORD enum_all(struct enum_ctx *c, struct strlist *names)
{
	for (c->index = 0;; c->index++) {
		DWORD err;
		char *s = get_string(enum_get, c, &err);
		if (err == ERROR_NO_MORE_ITEMS)
			return ERROR_SUCCESS;
		if (err)
			return err;
		bool ok = strlist_add(names, s);
		free(s);
		if (!ok)
			return ERROR_NOT_ENOUGH_MEMORY;
	}
}

static DWORD node_enum_fn(void *h, DWORD i, LPDWORD t, LPWSTR b, LPDWORD c)
{
	return ClusterNodeEnum(h, i, t, b, c);
}
static DWORD group_enum_fn(void *h, DWORD i, LPDWORD t, LPWSTR b, LPDWORD c)
{
	return ClusterGroupEnum(h, i, t, b, c);
}
static DWORD resource_enum_fn(void *h, DWORD i, LPDWORD t, LPWSTR b, LPDWORD c)
{
	return ClusterResourceEnum(h, i, t, b, c);
}

DWORD enum_node(HNODE h, DWORD type, struct strlist *names)
{
	HNODEENUM e = ClusterNodeOpenEnum(h, type);
	if (!e)
		return GetLastError();
	struct enum_ctx c = { node_enum_fn, e, 0 };
	DWORD err = enum_all(&c, names);
	ClusterNodeCloseEnum(e);
	return err;
}

DWORD enum_group(HGROUP h, DWORD type, struct strlist *names)
{
	HGROUPENUM e = ClusterGroupOpenEnum(h, type);
	if (!e)
		return GetLastError();
	struct enum_ctx c = { group_enum_fn, e, 0 };
	DWORD err = enum_all(&c, names);
	ClusterGroupCloseEnum(e);
	return err;
}

DWORD enum_resource(HRESOURCE h, DWORD type, struct strlist *names)
{
	HRESENUM e = ClusterResourceOpenEnum(h, type);
	if (!e)
		return GetLastError();
	struct enum_ctx c = { resource_enum_fn, e, 0 };
	DWORD err = enum_all(&c, names);
	ClusterResourceCloseEnum(e);
	return err;
}

/* The Ex enumeration: names and ids side by side. */
DWORD enum_cluster(HCLUSTER h, DWORD type, struct strlist *names, struct strlist *ids)
{
	HCLUSENUMEX e = ClusterOpenEnumEx(h, type, NULL);
	if (!e)
		return GetLastError();
	DWORD size = 1024, err = ERROR_SUCCESS;
	PCLUSTER_ENUM_ITEM item = malloc(size);
	if (!item)
		err = ERROR_NOT_ENOUGH_MEMORY;
	for (DWORD i = 0; !err; i++) {
		DWORD cb = size;
		err = ClusterEnumEx(e, i, item, &cb);
		if (err == ERROR_MORE_DATA && cb > size) {
			PCLUSTER_ENUM_ITEM bigger = realloc(item, cb);
			if (!bigger) {
				err = ERROR_NOT_ENOUGH_MEMORY;
				break;
			}
			item = bigger;
			size = cb;
			i--;
			err = ERROR_SUCCESS;
			continue;
		}
		if (err == ERROR_NO_MORE_ITEMS) {
			err = ERROR_SUCCESS;
			break;
		}
		if (err)
			break;
		char *name = ClusapiWideToUtf8(item->lpszName);
		char *id = ClusapiWideToUtf8(item->lpszId ? item->lpszId : u"");
		if (!name || !id || !strlist_add(names, name) || (ids && !strlist_add(ids, id)))
			err = ERROR_NOT_ENOUGH_MEMORY;
		free(name);
		free(id);
	}
	free(item);
	ClusterCloseEnumEx(e);
	return err;
}

void lookup_name_id(HCLUSTER h, DWORD type, const char *name, char **canonical, char **id)
{
	struct strlist names = { 0 }, ids = { 0 };
	*canonical = *id = NULL;
	if (enum_cluster(h, type, &names, &ids) == ERROR_SUCCESS) {
		for (size_t i = 0; i < names.n; i++) {
			if (strcasecmp(names.v[i], name) == 0) {
				*canonical = strdup(names.v[i]);
				*id = strdup(ids.v[i]);
				break;
			}
		}
	}
	strlist_free(&names);
	strlist_free(&ids);
}

/* ---- state words ---------------------------------------------------------------- */

const char *node_state_word(int state)
{
	switch (state) {
	case ClusterNodeUp: return "up";
	case ClusterNodeDown: return "down";
	case ClusterNodePaused: return "paused";
	case ClusterNodeJoining: return "joining";
	default: return "unknown";
	}
}

const char *group_state_word(int state)
{
	switch (state) {
	case ClusterGroupOnline: return "online";
	case ClusterGroupOffline: return "offline";
	case ClusterGroupFailed: return "failed";
	case ClusterGroupPartialOnline: return "partial online";
	case ClusterGroupPending: return "pending";
	default: return "unknown";
	}
}

const char *resource_state_word(int state)
{
	switch (state) {
	case ClusterResourceInherited: return "inherited";
	case ClusterResourceInitializing: return "initializing";
	case ClusterResourceOnline: return "online";
	case ClusterResourceOffline: return "offline";
	case ClusterResourceFailed: return "failed";
	case ClusterResourcePending: return "pending";
	case ClusterResourceOnlinePending: return "online pending";
	case ClusterResourceOfflinePending: return "offline pending";
	default: return "unknown";
	}
}

const char *network_state_word(int state)
{
	switch (state) {
	case ClusterNetworkUnavailable: return "unavailable";
	case ClusterNetworkDown: return "down";
	case ClusterNetworkPartitioned: return "partitioned";
	case ClusterNetworkUp: return "up";
	default: return "unknown";
	}
}

const char *netinterface_state_word(int state)
{
	switch (state) {
	case ClusterNetInterfaceUnavailable: return "unavailable";
	case ClusterNetInterfaceFailed: return "failed";
	case ClusterNetInterfaceUnreachable: return "unreachable";
	case ClusterNetInterfaceUp: return "up";
	default: return "unknown";
	}
}

/* ---- JSON ------------------------------------------------------------------------ */

void json_string(const char *s)
{
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

static void json_key(bool *first, const char *key)
{
	printf("%s\"%s\":", *first ? "" : ",", key);
	*first = false;
}

void json_str(bool *first, const char *key, const char *val)
{
	json_key(first, key);
	if (val)
		json_string(val);
	else
		fputs("null", stdout);
}

void json_int(bool *first, const char *key, long val)
{
	json_key(first, key);
	printf("%ld", val);
}

void json_list(bool *first, const char *key, const struct strlist *l)
{
	json_key(first, key);
	putchar('[');
	for (size_t i = 0; i < l->n; i++) {
		if (i)
			putchar(',');
		json_string(l->v[i]);
	}
	putchar(']');
}

/* ---- tables and key: value blocks ----------------------------------------------- */

/* Columns on a terminal: UTF-8 characters, not bytes. */
static size_t width(const char *s)
{
	size_t w = 0;
	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

void table_init(struct table *t, size_t ncols, const char *const *headers)
{
	t->ncols = ncols;
	t->nrows = 0;
	t->cells = NULL;
	table_row(t, headers);
}

bool table_row(struct table *t, const char *const *cells)
{
	char **nc = realloc(t->cells, (t->nrows + 1) * t->ncols * sizeof(*nc));
	if (!nc)
		return false;
	t->cells = nc;
	for (size_t c = 0; c < t->ncols; c++)
		nc[t->nrows * t->ncols + c] = strdup(cells[c] && *cells[c] ? cells[c] : "-");
	t->nrows++;
	return true;
}

void table_print(struct table *t)
{
	size_t w[16] = { 0 };
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols && c < 16; c++) {
			const char *s = t->cells[r * t->ncols + c];
			if (s && width(s) > w[c])
				w[c] = width(s);
		}
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			const char *s = t->cells[r * t->ncols + c];
			s = s ? s : "?";
			if (c + 1 == t->ncols)
				printf("%s\n", s);
			else
				printf("%s%*s", s, (int)(w[c < 16 ? c : 15] - width(s) + 2), "");
		}
	}
}

void table_free(struct table *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
	t->nrows = 0;
}

void listing_begin(struct listing *l, bool json, size_t ncols, const char *const *headers)
{
	l->json = json;
	l->shown = 0;
	table_init(&l->t, ncols, headers);
	if (json)
		printf("[");
}

void listing_row(struct listing *l, const char *const *cells)
{
	table_row(&l->t, cells);
	l->shown++;
}

void listing_object(struct listing *l)
{
	printf("%s\n  {", l->shown ? "," : "");
}

void listing_object_end(struct listing *l)
{
	printf("}");
	l->shown++;
}

void listing_end(struct listing *l)
{
	if (l->json)
		printf("%s]\n", l->shown ? "\n" : "");
	else
		table_print(&l->t);
	table_free(&l->t);
}

void kv(const char *key, const char *fmt, ...)
{
	va_list ap;
	printf("%s:%*s", key, (int)(16 - strlen(key)), "");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

int wait_settled(int (*state)(void *ctx), bool (*is_pending)(int state), void *ctx)
{
	int s = state(ctx);
	for (int i = 0; i < 600 && is_pending(s); i++) {
		nanosleep(&(struct timespec){ .tv_nsec = 100 * 1000 * 1000 }, NULL);
		s = state(ctx);
	}
	return s;
}

/* ---- opening objects by name -------------------------------------------------- */

HNODE cli_open_node(HCLUSTER hc, const char *name)
{
	LPWSTR w = cli_wide(name, "node name");
	if (!w)
		return NULL;
	HNODE h = OpenClusterNode(hc, w);
	if (!h)
		failf(GetLastError(), "cannot open node \"%s\"", name);
	free(w);
	return h;
}

HGROUP cli_open_group(HCLUSTER hc, const char *name)
{
	LPWSTR w = cli_wide(name, "group name");
	if (!w)
		return NULL;
	HGROUP h = OpenClusterGroup(hc, w);
	if (!h)
		failf(GetLastError(), "cannot open group \"%s\"", name);
	free(w);
	return h;
}

HRESOURCE cli_open_resource(HCLUSTER hc, const char *name)
{
	LPWSTR w = cli_wide(name, "resource name");
	if (!w)
		return NULL;
	HRESOURCE h = OpenClusterResource(hc, w);
	if (!h)
		failf(GetLastError(), "cannot open resource \"%s\"", name);
	free(w);
	return h;
}
