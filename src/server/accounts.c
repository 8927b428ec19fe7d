/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "accounts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend/backend.h"
#include "base/log.h"
#include "base/utf16.h"
#include "durable.h"
#include "store.h"

#define ACCOUNTS_FILE_MAX (4u * 1024u * 1024u)
#define ACCOUNTS_HEADER                                                                                    \
	"# clusterd NTLM accounts: \"NAME NTHASH\" a line (the NT hash in hex, never a password).\n"     \
	"# Managed with \"clusctl account add|remove|list\"; keep this file mode 0600.\n"

/* Characters no name may hold: controls (C0, DEL, C1), Unicode spaces and
 * invisible separators, and the ones that mean something to NTLM, Kerberos
 * or our files (':' '\\' '@' '#'). */
static bool forbidden_unit(uint16_t u)
{
	return u <= 0x20 || (u >= 0x7f && u <= 0xa0) || u == ':' || u == '\\' || u == '@' || u == '#' ||
	       u == 0x1680 || (u >= 0x2000 && u <= 0x200f) || (u >= 0x2028 && u <= 0x202f) || u == 0x205f ||
	       u == 0x3000 || u == 0xfeff;
}

bool accounts_name_valid(const char *name)
{
	if (!name || !*name || strlen(name) >= ACCOUNT_NAME_BYTES)
		return false;
	uint16_t *u = utf16_from_utf8_dup(name); /* NULL if not UTF-8 */
	if (!u)
		return false;
	size_t chars = 0;
	bool ok = true;
	for (size_t i = 0; u[i] && ok; i++) {
		ok = !forbidden_unit(u[i]);
		if (u[i] < 0xdc00 || u[i] > 0xdfff) /* a low surrogate ends a character already counted */
			chars++;
	}
	free(u);
	return ok && chars >= 1 && chars <= ACCOUNT_NAME_MAX_CHARS;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static struct account *find(struct account *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}

/* Parse the file's text into a fresh array.  -1 with "LINE: message". */
static int parse(const char *text, struct account **out, size_t *nout, char *err, size_t errlen)
{
	struct account *v = NULL;
	size_t n = 0, lineno = 0;
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char line[ACCOUNT_NAME_BYTES + 64];
		lineno++;
		if (len >= sizeof(line)) {
			snprintf(err, errlen, "%zu: line too long", lineno);
			goto fail;
		}
		memcpy(line, p, len);
		line[len] = 0;
		p = nl ? nl + 1 : p + len;
		while (len && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
			line[--len] = 0;
		char *s = line;
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#')
			continue;
		char *sp = strpbrk(s, " \t");
		if (!sp) {
			snprintf(err, errlen, "%zu: expected \"NAME NTHASH\"", lineno);
			goto fail;
		}
		*sp++ = 0;
		while (*sp == ' ' || *sp == '\t')
			sp++;
		if (!accounts_name_valid(s)) {
			snprintf(err, errlen, "%zu: \"%.64s\" is not a valid account name", lineno, s);
			goto fail;
		}
		struct account acc;
		memset(&acc, 0, sizeof(acc));
		memcpy(acc.name, s, strlen(s) + 1); /* valid: shorter than acc.name */
		if (strlen(sp) != 32) {
			snprintf(err, errlen, "%zu: the NT hash of \"%.64s\" is not 32 hex digits", lineno, s);
			goto fail;
		}
		for (int i = 0; i < 16; i++) {
			int hi = hexval(sp[2 * i]), lo = hexval(sp[2 * i + 1]);
			if (hi < 0 || lo < 0) {
				snprintf(err, errlen, "%zu: the NT hash of \"%.64s\" is not 32 hex digits", lineno, s);
				goto fail;
			}
			acc.nt_hash[i] = (uint8_t)(hi << 4 | lo);
		}
		if (find(v, n, acc.name)) {
			snprintf(err, errlen, "%zu: account \"%.64s\" appears twice", lineno, acc.name);
			goto fail;
		}
		struct account *nv = realloc(v, (n + 1) * sizeof(*nv));
		if (!nv) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
		v = nv;
		v[n++] = acc;
	}
	*out = v;
	*nout = n;
	return 0;
fail:
	if (v)
		explicit_bzero(v, n * sizeof(*v));
	free(v);
	return -1;
}

static void free_list(struct account *v, size_t n)
{
	if (v)
		explicit_bzero(v, n * sizeof(*v));
	free(v);
}

/* The hash is a password equivalent: nobody but us may read the file. */
static int check_mode(const char *path, const struct stat *st, char *err, size_t errlen)
{
	if ((st->st_mode & 077) == 0)
		return 0;
	if (chmod(path, 0600) < 0) {
		snprintf(err, errlen, "%s is readable by others (mode %04o) and cannot be made 0600: %s", path,
			 (unsigned)(st->st_mode & 07777), strerror(errno));
		return -1;
	}
	log_warn("%s was mode %04o (readable by others); made it 0600 -- change the passwords of its accounts if "
		 "others could have read it",
		 path, (unsigned)(st->st_mode & 07777));
	return 0;
}

static void wipe_free(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

/* With the cluster store: parse text (taken; NULL: no accounts yet) and make
 * it the loaded copy. */
static int load_text(struct accounts *a, char *text, char *err, size_t errlen)
{
	char msg[300];
	struct account *v = NULL;
	size_t n = 0;
	if (text && parse(text, &v, &n, msg, sizeof(msg)) < 0) {
		snprintf(err, errlen, "the cluster-wide accounts:%s", msg);
		wipe_free(text);
		return -1;
	}
	free_list(a->v, a->n);
	a->v = v;
	a->n = n;
	wipe_free(a->text);
	a->text = text;
	return 0;
}

static int store_get(struct accounts *a, char **text, char *err, size_t errlen)
{
	int rc = a->be->ops->state_get(a->be, "accounts", text);
	if (rc != BE_OK) {
		snprintf(err, errlen, "cannot read the cluster-wide accounts: %s", be_status_name(rc));
		return -1;
	}
	return 0;
}

/* Read and parse the file; on success the loaded copy is replaced. */
static int load(struct accounts *a, char *err, size_t errlen)
{
	if (a->be) {
		char *text;
		return store_get(a, &text, err, errlen) < 0 ? -1 : load_text(a, text, err, errlen);
	}
	struct stat st;
	char msg[300];
	char *text = durable_read(a->path, ACCOUNTS_FILE_MAX, &st, err, errlen);
	if (!text)
		return -1;
	if (check_mode(a->path, &st, err, errlen) < 0) {
		explicit_bzero(text, strlen(text));
		free(text);
		return -1;
	}
	struct account *v;
	size_t n;
	int rc = parse(text, &v, &n, msg, sizeof(msg));
	explicit_bzero(text, strlen(text));
	free(text);
	if (rc < 0) {
		snprintf(err, errlen, "%s:%s", a->path, msg);
		return -1;
	}
	free_list(a->v, a->n);
	a->v = v;
	a->n = n;
	a->mtime = st.st_mtim;
	a->ino = st.st_ino;
	a->size = st.st_size;
	return 0;
}

int accounts_open(struct accounts *a, const char *state_dir, char *err, size_t errlen)
{
	char path[4096];
	memset(a, 0, sizeof(*a));
	snprintf(path, sizeof(path), "%s/accounts", state_dir);
	a->path = strdup(path);
	if (!a->path) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (access(path, F_OK) != 0 && errno == ENOENT &&
	    durable_replace(path, ACCOUNTS_HEADER, strlen(ACCOUNTS_HEADER), 0600, err, errlen) < 0) {
		accounts_close(a);
		return -1;
	}
	if (load(a, err, errlen) < 0) {
		accounts_close(a);
		return -1;
	}
	return 0;
}

int accounts_open_store(struct accounts *a, struct backend *be, const char *state_dir, char *err, size_t errlen)
{
	char path[4096], *text;
	memset(a, 0, sizeof(*a));
	snprintf(path, sizeof(path), "%s/accounts", state_dir);
	a->be = be;
	a->path = strdup(path);
	if (!a->path) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* Without them (no authkey to unseal them, say) clusterd still serves
	 * everyone else: logged, and read again on every refresh. */
	if (store_adopt(be, "accounts", true, path, NULL, &text, err, errlen) < 0) {
		log_error("NTLM accounts unavailable on this node for now (NTLM logons fail): %s", err);
		return 0;
	}
	if (load_text(a, text, err, errlen) < 0) {
		accounts_close(a);
		return -1;
	}
	return 0;
}

void accounts_close(struct accounts *a)
{
	wipe_free(a->text);
	a->text = NULL;
	free_list(a->v, a->n);
	a->v = NULL;
	a->n = 0;
	free(a->path);
	a->path = NULL;
}

void accounts_refresh(struct accounts *a)
{
	struct stat st;
	char err[400];
	if (a->be) {
		char *text = NULL;
		if (store_get(a, &text, err, sizeof(err)) < 0 || !text || (a->text && strcmp(text, a->text) == 0)) {
			wipe_free(text); /* unreadable now, or the same: keep what we have */
			return;
		}
		if (load_text(a, text, err, sizeof(err)) < 0)
			log_error("accounts not reloaded, keeping the previous ones: %s", err);
		else
			log_info("accounts reloaded from the cluster store (%zu accounts)", a->n);
		return;
	}
	if (!a->path || stat(a->path, &st) < 0)
		return; /* removed: keep what we have */
	if (st.st_mtim.tv_sec == a->mtime.tv_sec && st.st_mtim.tv_nsec == a->mtime.tv_nsec && st.st_ino == a->ino &&
	    st.st_size == a->size && (st.st_mode & 077) == 0)
		return;
	if (load(a, err, sizeof(err)) < 0)
		log_error("accounts not reloaded, keeping the previous ones: %s", err);
	else
		log_info("accounts reloaded from %s (%zu accounts)", a->path, a->n);
}

int accounts_reload(struct accounts *a, char *err, size_t errlen)
{
	if (!a->path) {
		snprintf(err, errlen, "no accounts file");
		return -1;
	}
	return load(a, err, errlen);
}

/* Write v[0..n) as the file, and make it the loaded copy. */
static DWORD store(struct accounts *a, struct account *v, size_t n)
{
	size_t cap = sizeof(ACCOUNTS_HEADER) + n * (ACCOUNT_NAME_BYTES + 40);
	char *text = malloc(cap), err[400];
	if (!text)
		return ERROR_NOT_ENOUGH_MEMORY;
	size_t len = (size_t)snprintf(text, cap, "%s", ACCOUNTS_HEADER);
	for (size_t i = 0; i < n; i++) {
		len += (size_t)snprintf(text + len, cap - len, "%s ", v[i].name);
		for (int j = 0; j < 16; j++)
			len += (size_t)snprintf(text + len, cap - len, "%02x", v[i].nt_hash[j]);
		len += (size_t)snprintf(text + len, cap - len, "\n");
	}
	if (a->be) {
		int st = a->be->ops->state_put(a->be, "accounts", text, true);
		if (st != BE_OK) {
			log_error("accounts not changed: the cluster store says: %s", be_status_name(st));
			wipe_free(text);
			return ERROR_INTERNAL_ERROR;
		}
		wipe_free(text);
		/* The cluster's accounts now: this change, and any other node's. */
		char *now = NULL;
		if (store_get(a, &now, err, sizeof(err)) < 0 || load_text(a, now, err, sizeof(err)) < 0) {
			log_warn("accounts changed, but not read back: %s", err);
			wipe_free(a->text);
			a->text = NULL; /* commit() installs the list, the next refresh reads the cluster's */
		}
		return ERROR_SUCCESS;
	}
	int rc = durable_replace(a->path, text, len, 0600, err, sizeof(err));
	explicit_bzero(text, cap);
	free(text);
	if (rc < 0) {
		log_error("%s", err);
		return ERROR_INTERNAL_ERROR;
	}
	struct stat st;
	if (stat(a->path, &st) == 0) {
		a->mtime = st.st_mtim;
		a->ino = st.st_ino;
		a->size = st.st_size;
	}
	return ERROR_SUCCESS;
}

/* Store the new list durably and make it the loaded one; on failure the
 * new list is dropped and nothing changes. */
static DWORD commit(struct accounts *a, struct account *v, size_t n)
{
	DWORD rc = store(a, v, n);
	if (rc || (a->be && a->text)) {
		/* Failed; or the cluster store's accounts, read back, are loaded. */
		free_list(v, n);
		return rc;
	}
	free_list(a->v, a->n);
	a->v = v;
	a->n = n;
	return ERROR_SUCCESS;
}

DWORD accounts_set(struct accounts *a, const char *name, const uint8_t nt_hash[16])
{
	if (!accounts_name_valid(name))
		return ERROR_INVALID_PARAMETER;
	accounts_refresh(a);
	struct account *v = malloc((a->n + 1) * sizeof(*v));
	if (!v)
		return ERROR_NOT_ENOUGH_MEMORY;
	if (a->n)
		memcpy(v, a->v, a->n * sizeof(*v));
	size_t n = a->n;
	struct account *e = find(v, n, name);
	if (!e) {
		e = &v[n++];
		memset(e, 0, sizeof(*e));
		memcpy(e->name, name, strlen(name) + 1); /* valid: shorter than e->name */
	}
	memcpy(e->nt_hash, nt_hash, 16);
	return commit(a, v, n);
}

DWORD accounts_remove(struct accounts *a, const char *name)
{
	if (!accounts_name_valid(name))
		return ERROR_INVALID_PARAMETER;
	accounts_refresh(a);
	struct account *e = find(a->v, a->n, name);
	if (!e)
		return ERROR_NO_SUCH_USER;
	size_t idx = (size_t)(e - a->v), n = a->n - 1;
	struct account *v = malloc((n ? n : 1) * sizeof(*v));
	if (!v)
		return ERROR_NOT_ENOUGH_MEMORY;
	memcpy(v, a->v, idx * sizeof(*v));
	memcpy(v + idx, a->v + idx + 1, (n - idx) * sizeof(*v));
	return commit(a, v, n);
}

const struct account *accounts_find(struct accounts *a, const char *name)
{
	accounts_refresh(a);
	return name ? find(a->v, a->n, name) : NULL;
}

uint32_t accounts_ntlm_lookup(void *arg, const char *user, const char *domain, uint8_t nt_hash[16])
{
	struct accounts *a = arg;
	(void)domain;
	if (!a || !user || !accounts_name_valid(user))
		return ERROR_NO_SUCH_USER;
	const struct account *e = accounts_find(a, user);
	if (!e)
		return ERROR_NO_SUCH_USER;
	memcpy(nt_hash, e->nt_hash, 16);
	return 0;
}
