/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "access.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "accounts.h"
#include "backend/backend.h"
#include "base/log.h"
#include "base/utf16.h"
#include "durable.h"
#include "store.h"

/* No ACL file of ours is larger. */
#define ACL_FILE_MAX (1024u * 1024u)

void principal_describe(const struct principal *p, char *buf, size_t len)
{
	switch (p->kind) {
	case PRINCIPAL_ANONYMOUS:
		snprintf(buf, len, "anonymous");
		break;
	case PRINCIPAL_NTLM:
		snprintf(buf, len, "ntlm %s", p->name);
		break;
	case PRINCIPAL_KERBEROS:
		snprintf(buf, len, "kerberos %s%s%s", p->name, p->local_name[0] ? " as " : "", p->local_name);
		break;
	default:
		snprintf(buf, len, "uid %u gid %u", (unsigned)p->uid, (unsigned)p->gid);
		break;
	}
}

static bool parse_u32(const char *s, uint32_t *v)
{
	char *end;
	errno = 0;
	unsigned long n = strtoul(s, &end, 10);
	if (errno || end == s || *end || n > 0xfffffffful || *s == '-' || *s == '+' || *s == ' ')
		return false;
	*v = (uint32_t)n;
	return true;
}

/* A Kerberos principal: "primary[/instance]@REALM", printable, no spaces. */
static bool kerberos_name_valid(const char *name)
{
	size_t len = strlen(name);
	const char *at = strrchr(name, '@');
	if (len < 3 || len > 255 || !at || at == name || !at[1] || utf8_to_utf16_len(name, len) < 0)
		return false;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p <= ' ' || *p == 0x7f || *p == '#')
			return false;
	return true;
}

static int set_name(struct acl_entry *e, const char *name, char *err, size_t errlen)
{
	e->name = strdup(name);
	if (!e->name) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

const char *acl_level_word(enum acl_level level)
{
	return level == ACL_FULL ? "full" : level == ACL_READ ? "read" : "deny";
}

void acl_entry_clear(struct acl_entry *e)
{
	free(e->name);
	e->name = NULL;
}

int acl_principal_parse(const char *text, bool bare_ok, struct acl_entry *e, char *err, size_t errlen)
{
	char kind[16];
	const char *name;
	const char *colon = strchr(text, ':');

	memset(e, 0, sizeof(*e));
	if (strcmp(text, "anonymous") == 0) {
		e->subject = ACL_ANONYMOUS;
		return 0;
	}
	if (!colon && bare_ok) {
		snprintf(kind, sizeof(kind), "%s", strchr(text, '@') ? "kerberos" : "user");
		name = text;
	} else if (!colon || (size_t)(colon - text) >= sizeof(kind) || !colon[1]) {
		snprintf(err, errlen,
			 "unknown principal \"%.64s\" (use user:NAME, uid:N, group:NAME, gid:N, ntlm:NAME, "
			 "kerberos:USER@REALM or anonymous)",
			 text);
		return -1;
	} else {
		memcpy(kind, text, (size_t)(colon - text));
		kind[colon - text] = 0;
		name = colon + 1;
	}
	if (strcmp(kind, "uid") == 0 || strcmp(kind, "gid") == 0) {
		e->subject = kind[0] == 'u' ? ACL_UID : ACL_GID;
		if (!parse_u32(name, &e->id)) {
			snprintf(err, errlen, "\"%.64s\" is not a number", name);
			return -1;
		}
		return 0;
	}
	if (strcmp(kind, "kerberos") == 0) {
		e->subject = ACL_KERBEROS;
		if (!kerberos_name_valid(name)) {
			snprintf(err, errlen, "\"%.64s\" is not a Kerberos principal (USER@REALM)", name);
			return -1;
		}
		return set_name(e, name, err, errlen);
	}
	if (strcmp(kind, "user") == 0)
		e->subject = ACL_USER;
	else if (strcmp(kind, "group") == 0)
		e->subject = ACL_GROUP;
	else if (strcmp(kind, "ntlm") == 0)
		e->subject = ACL_NTLM;
	else {
		snprintf(err, errlen,
			 "unknown principal kind \"%s\" (use user, uid, group, gid, ntlm, kerberos or anonymous)", kind);
		return -1;
	}
	if (!accounts_name_valid(name)) {
		snprintf(err, errlen,
			 "\"%.64s\" is not a valid name (1 to 64 characters, no spaces, control characters, ':', "
			 "'\\', '@' or '#')",
			 name);
		return -1;
	}
	if (set_name(e, name, err, errlen) < 0)
		return -1;
	/* Resolved now: a renamed account keeps its rights until the next reload. */
	if (e->subject == ACL_USER) {
		struct passwd pw, *res = NULL;
		char buf[4096];
		if (getpwnam_r(name, &pw, buf, sizeof(buf), &res) == 0 && res) {
			e->resolved = true;
			e->id = res->pw_uid;
		}
	} else if (e->subject == ACL_GROUP) {
		struct group gr, *res = NULL;
		char buf[16384];
		if (getgrnam_r(name, &gr, buf, sizeof(buf), &res) == 0 && res) {
			e->resolved = true;
			e->id = res->gr_gid;
		}
	}
	return 0;
}

void acl_principal_format(const struct acl_entry *e, char *buf, size_t len)
{
	switch (e->subject) {
	case ACL_UID:
		snprintf(buf, len, "uid:%u", (unsigned)e->id);
		break;
	case ACL_GID:
		snprintf(buf, len, "gid:%u", (unsigned)e->id);
		break;
	case ACL_ANONYMOUS:
		snprintf(buf, len, "anonymous");
		break;
	case ACL_USER:
		snprintf(buf, len, "user:%s", e->name);
		break;
	case ACL_GROUP:
		snprintf(buf, len, "group:%s", e->name);
		break;
	case ACL_NTLM:
		snprintf(buf, len, "ntlm:%s", e->name);
		break;
	case ACL_KERBEROS:
		snprintf(buf, len, "kerberos:%s", e->name);
		break;
	}
}

bool acl_principal_same(const struct acl_entry *a, const struct acl_entry *b)
{
	if (a->subject != b->subject)
		return false;
	switch (a->subject) {
	case ACL_UID:
	case ACL_GID:
		return a->id == b->id;
	case ACL_ANONYMOUS:
		return true;
	case ACL_NTLM:
		return strcasecmp(a->name, b->name) == 0;
	default:
		return strcmp(a->name, b->name) == 0;
	}
}

/* One "PRINCIPAL ACCESS" line. */
static int acl_parse_line(char *line, struct acl_entry *e, char *err, size_t errlen)
{
	char *save = NULL;
	char *who = strtok_r(line, " \t", &save);
	char *level = strtok_r(NULL, " \t", &save);
	char *extra = strtok_r(NULL, " \t", &save);
	enum acl_level lv;

	if (!who || !level || extra) {
		snprintf(err, errlen, "expected \"PRINCIPAL ACCESS\", e.g. \"user:alice read\"");
		return -1;
	}
	if (strcmp(level, "full") == 0)
		lv = ACL_FULL;
	else if (strcmp(level, "read") == 0)
		lv = ACL_READ;
	else if (strcmp(level, "deny") == 0)
		lv = ACL_DENY;
	else {
		snprintf(err, errlen, "unknown access \"%.32s\" (use full, read or deny)", level);
		return -1;
	}
	if (acl_principal_parse(who, false, e, err, errlen) < 0)
		return -1;
	e->level = lv;
	return 0;
}

/* Strip a comment and surrounding blanks in place; the text that remains. */
static char *acl_line_content(char *line)
{
	char *hash = strchr(line, '#');
	if (hash)
		*hash = 0;
	char *s = line;
	while (*s == ' ' || *s == '\t' || *s == '\r')
		s++;
	size_t len = strlen(s);
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
		s[--len] = 0;
	return s;
}

int acl_parse(const char *text, struct acl *out, char *err, size_t errlen)
{
	size_t lineno = 0;
	const char *p = text;

	memset(out, 0, sizeof(*out));
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char line[512];
		lineno++;
		if (n >= sizeof(line)) {
			snprintf(err, errlen, "%zu: line too long", lineno);
			acl_free(out);
			return -1;
		}
		memcpy(line, p, n);
		line[n] = 0;
		p = nl ? nl + 1 : p + n;
		char *s = acl_line_content(line);
		if (!*s)
			continue;
		struct acl_entry e;
		char msg[256];
		if (acl_parse_line(s, &e, msg, sizeof(msg)) < 0) {
			snprintf(err, errlen, "%zu: %s", lineno, msg);
			acl_free(out);
			return -1;
		}
		struct acl_entry *ne = realloc(out->entries, (out->n + 1) * sizeof(*ne));
		if (!ne) {
			acl_entry_clear(&e);
			snprintf(err, errlen, "out of memory");
			acl_free(out);
			return -1;
		}
		out->entries = ne;
		out->entries[out->n++] = e;
	}
	return 0;
}

void acl_free(struct acl *a)
{
	for (size_t i = 0; i < a->n; i++)
		acl_entry_clear(&a->entries[i]);
	free(a->entries);
	a->entries = NULL;
	a->n = 0;
}

/* The Unix groups of a remote caller's local user, looked up once per check. */
struct remote_groups {
	bool looked_up;
	size_t n;
	gid_t *v;
};

static void remote_groups_load(struct remote_groups *rg, const struct principal *p)
{
	char name[256];
	struct passwd pw, *res = NULL;
	char buf[4096];

	rg->looked_up = true;
	snprintf(name, sizeof(name), "%s", p->kind == PRINCIPAL_NTLM ? p->name : p->local_name);
	if (!name[0])
		return;
	if ((getpwnam_r(name, &pw, buf, sizeof(buf), &res) != 0 || !res) && p->kind == PRINCIPAL_NTLM) {
		/* Windows account names ignore case; Unix user names are mostly lower case. */
		for (char *c = name; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
		if (getpwnam_r(name, &pw, buf, sizeof(buf), &res) != 0)
			res = NULL;
	}
	if (!res)
		return;
	int count = 64;
	for (int tries = 0; tries < 4; tries++) {
		gid_t *v = malloc((size_t)count * sizeof(*v));
		if (!v)
			return;
		int want = count;
		if (getgrouplist(name, res->pw_gid, v, &want) >= 0) {
			rg->v = v;
			rg->n = (size_t)want;
			return;
		}
		free(v);
		if (want <= count || want > 65536)
			return;
		count = want;
	}
}

static bool in_groups(const struct principal *p, struct remote_groups *rg, uint32_t gid)
{
	if (p->kind == PRINCIPAL_LOCAL) {
		if (p->gid == gid)
			return true;
		for (size_t i = 0; i < p->ngroups && i < PRINCIPAL_MAX_GROUPS; i++)
			if (p->groups[i] == gid)
				return true;
		return false;
	}
	if (p->kind != PRINCIPAL_NTLM && p->kind != PRINCIPAL_KERBEROS)
		return false;
	if (!rg->looked_up)
		remote_groups_load(rg, p);
	for (size_t i = 0; i < rg->n; i++)
		if (rg->v[i] == gid)
			return true;
	return false;
}

static bool acl_matches(const struct acl_entry *e, const struct principal *p, struct remote_groups *rg)
{
	switch (e->subject) {
	case ACL_ANONYMOUS:
		return p->kind == PRINCIPAL_ANONYMOUS;
	case ACL_UID:
		return p->kind == PRINCIPAL_LOCAL && p->uid == e->id;
	case ACL_GID:
		return in_groups(p, rg, e->id);
	case ACL_GROUP:
		return e->resolved && in_groups(p, rg, e->id);
	case ACL_USER:
		if (p->kind == PRINCIPAL_LOCAL)
			return e->resolved && p->uid == e->id;
		if (p->kind == PRINCIPAL_NTLM)
			return strcasecmp(p->name, e->name) == 0;
		if (p->kind == PRINCIPAL_KERBEROS)
			return p->local_name[0] && strcmp(p->local_name, e->name) == 0;
		return false;
	case ACL_NTLM:
		return p->kind == PRINCIPAL_NTLM && strcasecmp(p->name, e->name) == 0;
	case ACL_KERBEROS:
		return p->kind == PRINCIPAL_KERBEROS && strcmp(p->name, e->name) == 0;
	}
	return false;
}

unsigned acl_rights(const struct acl *a, const struct principal *p)
{
	unsigned rights = 0;
	struct remote_groups rg = { 0 };
	bool named = false;

	/* A remote caller without a name is nobody. */
	if ((p->kind == PRINCIPAL_NTLM || p->kind == PRINCIPAL_KERBEROS) && !p->name[0])
		return 0;
	for (size_t i = 0; i < a->n; i++) {
		const struct acl_entry *e = &a->entries[i];
		if (!acl_matches(e, p, &rg))
			continue;
		named = true;
		if (e->level == ACL_DENY) {
			rights = 0;
			break;
		}
		rights |= e->level == ACL_FULL ? ACCESS_ALL : ACCESS_READ;
	}
	free(rg.v);
	/* --allow-anonymous (tests only): anonymous gets everything unless
	 * the ACL names it. */
	if (a->allow_anonymous && p->kind == PRINCIPAL_ANONYMOUS && !named)
		return ACCESS_ALL;
	return rights;
}

/* The text of a new ACL: root, this daemon's user and admin_group. */
static void acl_default_text(char *text, size_t cap, const char *admin_group)
{
	int n = snprintf(text, cap,
			 "# clusterd cluster access list: one \"PRINCIPAL ACCESS\" entry a line.\n"
			 "# PRINCIPAL: user:NAME uid:N group:NAME gid:N ntlm:NAME kerberos:USER@REALM anonymous\n"
			 "# ACCESS: full (read and change), read, deny (wins over any grant)\n"
			 "# Change it with \"clusctl access grant|block|remove\" (or edit it: it is re-read).\n"
			 "uid:0 full\n");
	if (geteuid() != 0)
		n += snprintf(text + n, cap - (size_t)n, "uid:%u full\n", (unsigned)geteuid());
	if (admin_group && *admin_group) {
		struct group gr, *res = NULL;
		char buf[8192];
		bool known = getgrnam_r(admin_group, &gr, buf, sizeof(buf), &res) == 0 && res;
		/* A group this host does not have yet is written commented out, so
		 * that nobody who creates it later gets full access by surprise. */
		n += snprintf(text + n, cap - (size_t)n, "%sgroup:%s full%s\n", known ? "" : "# ", admin_group,
			      known ? "" : "   (no such group when this file was made)");
	}
}

static int acl_write_default(const char *path, const char *admin_group, char *err, size_t errlen)
{
	char text[1400];
	acl_default_text(text, sizeof(text), admin_group);
	return durable_replace(path, text, strlen(text), 0600, err, errlen);
}

static void acl_file_note_version(struct acl_file *f, const struct stat *st)
{
	f->mtime = st->st_mtim;
	f->ino = st->st_ino;
	f->size = st->st_size;
}

int acl_file_load(struct acl_file *f, const char *path, const char *admin_group, bool allow_anonymous, char *err,
		  size_t errlen)
{
	char msg[300];
	struct stat st;
	memset(f, 0, sizeof(*f));
	f->allow_anonymous = allow_anonymous;
	f->path = strdup(path);
	if (!f->path) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (access(path, F_OK) != 0 && acl_write_default(path, admin_group, err, errlen) < 0)
		return -1;
	char *text = durable_read(path, ACL_FILE_MAX, &st, err, errlen);
	if (!text)
		return -1;
	int rc = acl_parse(text, &f->acl, msg, sizeof(msg));
	free(text);
	if (rc < 0) {
		snprintf(err, errlen, "%s:%s", path, msg);
		return -1;
	}
	acl_file_note_version(f, &st);
	f->acl.allow_anonymous = allow_anonymous;
	return 0;
}

int acl_file_load_store(struct acl_file *f, struct backend *be, const char *path, const char *admin_group,
			bool allow_anonymous, char *err, size_t errlen)
{
	char msg[300], dflt[1400];
	memset(f, 0, sizeof(*f));
	f->allow_anonymous = allow_anonymous;
	f->be = be;
	f->path = strdup(path);
	if (!f->path) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	acl_default_text(dflt, sizeof(dflt), admin_group);
	if (store_adopt(be, "acl", false, path, dflt, &f->text, err, errlen) < 0)
		return -1;
	if (acl_parse(f->text, &f->acl, msg, sizeof(msg)) < 0) {
		snprintf(err, errlen, "the cluster-wide ACL:%s", msg);
		return -1;
	}
	f->acl.allow_anonymous = allow_anonymous;
	return 0;
}

/* With the cluster store: its text now (malloc'd), or NULL with err. */
static char *acl_store_text(struct acl_file *f, char *err, size_t errlen)
{
	char *text = NULL;
	int rc = f->be->ops->state_get(f->be, "acl", &text);
	if (rc != BE_OK || !text) {
		snprintf(err, errlen, "cannot read the cluster-wide ACL: %s", rc ? be_status_name(rc) : "none stored");
		free(text);
		return NULL;
	}
	return text;
}

/* With the cluster store: make text (taken) the ACL in force. */
static int acl_store_take(struct acl_file *f, char *text, char *err, size_t errlen)
{
	char msg[300];
	struct acl fresh;
	if (acl_parse(text, &fresh, msg, sizeof(msg)) < 0) {
		snprintf(err, errlen, "the cluster-wide ACL:%s", msg);
		free(text);
		return -1;
	}
	acl_free(&f->acl);
	f->acl = fresh;
	f->acl.allow_anonymous = f->allow_anonymous;
	free(f->text);
	f->text = text;
	return 0;
}

int acl_file_reload(struct acl_file *f, char *err, size_t errlen)
{
	if (f->be) {
		char *text = acl_store_text(f, err, errlen);
		return text ? acl_store_take(f, text, err, errlen) : -1;
	}
	struct stat st;
	char msg[300];
	struct acl fresh;

	char *text = durable_read(f->path, ACL_FILE_MAX, &st, err, errlen);
	if (!text)
		return -1;
	int rc = acl_parse(text, &fresh, msg, sizeof(msg));
	free(text);
	acl_file_note_version(f, &st);
	if (rc < 0) {
		snprintf(err, errlen, "%s:%s", f->path, msg);
		return -1;
	}
	acl_free(&f->acl);
	f->acl = fresh;
	f->acl.allow_anonymous = f->allow_anonymous;
	return 0;
}

void acl_file_refresh(struct acl_file *f)
{
	struct stat st;
	char err[400];

	if (f->be) {
		char *text = acl_store_text(f, err, sizeof(err));
		if (!text || (f->text && strcmp(text, f->text) == 0)) {
			free(text); /* unreadable now: keep what we have */
			return;
		}
		if (acl_store_take(f, text, err, sizeof(err)) < 0)
			log_error("cluster ACL not reloaded, keeping the previous one: %s", err);
		else
			log_info("cluster ACL reloaded from the cluster store (%zu entries)", f->acl.n);
		return;
	}
	if (stat(f->path, &st) < 0) {
		return; /* removed: keep what we have rather than lock everyone out */
	}
	if (st.st_mtim.tv_sec == f->mtime.tv_sec && st.st_mtim.tv_nsec == f->mtime.tv_nsec && st.st_ino == f->ino &&
	    st.st_size == f->size)
		return;
	if (acl_file_reload(f, err, sizeof(err)) < 0) {
		log_error("cluster ACL not reloaded, keeping the previous one: %s", err);
		return;
	}
	log_info("cluster ACL reloaded from %s (%zu entries)", f->path, f->acl.n);
}

void acl_file_free(struct acl_file *f)
{
	acl_free(&f->acl);
	free(f->text);
	f->text = NULL;
	free(f->path);
	f->path = NULL;
}

/* Append n bytes to a growing string; false when out of memory. */
static bool text_add(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		size_t ncap = *cap ? *cap * 2 : 1024;
		while (ncap < *len + n + 1)
			ncap *= 2;
		char *nb = realloc(*buf, ncap);
		if (!nb)
			return false;
		*buf = nb;
		*cap = ncap;
	}
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = 0;
	return true;
}

/*
 * Rewrite the file without the lines of principal `who`, plus `add` (a full
 * line, or NULL); *removed counts the lines dropped.  The result must parse,
 * and becomes the ACL in effect.
 */
static DWORD acl_file_edit(struct acl_file *f, const struct acl_entry *who, const char *add, size_t *removed)
{
	char err[300], msg[300];
	struct stat st;
	struct acl fresh, current;
	char *out = NULL;
	size_t len = 0, cap = 0;
	DWORD result = ERROR_INTERNAL_ERROR;

	*removed = 0;
	memset(&st, 0, sizeof(st));
	st.st_mode = 0600;
	char *text = f->be ? acl_store_text(f, err, sizeof(err)) : durable_read(f->path, ACL_FILE_MAX, &st, err, sizeof(err));
	if (!text) {
		log_error("cluster ACL not changed: %s", err);
		return ERROR_INTERNAL_ERROR;
	}
	/* A file broken by hand is not edited further: it would lose lines. */
	if (acl_parse(text, &current, msg, sizeof(msg)) < 0) {
		log_error("cluster ACL not changed: fix %s:%s first", f->path, msg);
		free(text);
		return ERROR_INTERNAL_ERROR;
	}
	acl_free(&current);
	if (!text_add(&out, &len, &cap, "", 0))
		goto done;
	for (char *p = text; *p;) {
		char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) + 1 : strlen(p);
		char line[512];
		bool drop = false;
		if (n < sizeof(line)) {
			memcpy(line, p, n);
			line[n] = 0;
			char *s = acl_line_content(line);
			char *sp = strpbrk(s, " \t");
			if (*s && sp) {
				struct acl_entry e;
				*sp = 0;
				if (acl_principal_parse(s, false, &e, msg, sizeof(msg)) == 0) {
					drop = acl_principal_same(&e, who);
					acl_entry_clear(&e);
				}
			}
		}
		if (drop)
			(*removed)++;
		else if (!text_add(&out, &len, &cap, p, n))
			goto done;
		p += n;
	}
	if (add) {
		if (len && out[len - 1] != '\n' && !text_add(&out, &len, &cap, "\n", 1))
			goto done;
		if (!text_add(&out, &len, &cap, add, strlen(add)))
			goto done;
	}
	if (!add && *removed == 0) {
		result = ERROR_NOT_FOUND;
		goto done;
	}
	if (acl_parse(out, &fresh, msg, sizeof(msg)) < 0) {
		log_error("cluster ACL not changed: the edit would not parse: %s", msg);
		goto done;
	}
	if (f->be) {
		int rc = f->be->ops->state_put(f->be, "acl", out, false);
		if (rc != BE_OK) {
			log_error("cluster ACL not changed: the cluster store says: %s", be_status_name(rc));
			acl_free(&fresh);
			goto done;
		}
		/* The cluster's ACL now: this change, and any other node's. */
		char *now = acl_store_text(f, err, sizeof(err));
		if (now && acl_store_take(f, now, err, sizeof(err)) == 0) {
			acl_free(&fresh);
			result = ERROR_SUCCESS;
			goto done;
		}
		free(f->text);
		f->text = NULL; /* the next refresh reads it */
	} else if (durable_replace(f->path, out, len, st.st_mode & 0777, err, sizeof(err)) < 0) {
		log_error("cluster ACL not changed: %s", err);
		acl_free(&fresh);
		goto done;
	} else if (stat(f->path, &st) == 0) {
		acl_file_note_version(f, &st);
	}
	acl_free(&f->acl);
	f->acl = fresh;
	f->acl.allow_anonymous = f->allow_anonymous;
	result = ERROR_SUCCESS;
done:
	free(text);
	free(out);
	return result;
}

DWORD acl_file_set(struct acl_file *f, const char *principal, enum acl_level level)
{
	struct acl_entry e;
	char msg[300], canon[ACL_PRINCIPAL_MAX], line[ACL_PRINCIPAL_MAX + 16];
	size_t removed;

	if (!principal || acl_principal_parse(principal, false, &e, msg, sizeof(msg)) < 0)
		return ERROR_INVALID_PARAMETER;
	acl_principal_format(&e, canon, sizeof(canon));
	snprintf(line, sizeof(line), "%s %s\n", canon, acl_level_word(level));
	DWORD rc = acl_file_edit(f, &e, line, &removed);
	acl_entry_clear(&e);
	return rc;
}

DWORD acl_file_remove(struct acl_file *f, const char *principal)
{
	struct acl_entry e;
	char msg[300], canon[ACL_PRINCIPAL_MAX];
	size_t removed;

	if (!principal || acl_principal_parse(principal, false, &e, msg, sizeof(msg)) < 0)
		return ERROR_INVALID_PARAMETER;
	acl_principal_format(&e, canon, sizeof(canon));
	DWORD rc = acl_file_edit(f, &e, NULL, &removed);
	acl_entry_clear(&e);
	return rc;
}

DWORD access_grant(uint32_t desired, unsigned allowed, unsigned *granted_rights, uint32_t *granted_mask)
{
	const uint32_t known = GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL | MAXIMUM_ALLOWED |
			       CLUSAPI_READ_ACCESS | CLUSAPI_CHANGE_ACCESS;
	unsigned want = 0;

	*granted_rights = 0;
	*granted_mask = 0;
	if (desired == 0 || (desired & ~known))
		return ERROR_INVALID_PARAMETER;
	if (desired & (GENERIC_READ | CLUSAPI_READ_ACCESS))
		want |= ACCESS_READ;
	if (desired & (GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL))
		want |= ACCESS_ALL;
	if (desired & CLUSAPI_CHANGE_ACCESS) {
		if (!(want & ACCESS_READ))
			return ERROR_INVALID_PARAMETER;
		want |= ACCESS_CHANGE;
	}
	if ((want & allowed) != want)
		return ERROR_ACCESS_DENIED;
	unsigned rights = (desired & MAXIMUM_ALLOWED) ? allowed : want;
	if (!(rights & ACCESS_READ))
		return ERROR_ACCESS_DENIED;
	*granted_rights = rights;
	*granted_mask = (rights & ACCESS_CHANGE) ? GENERIC_ALL : GENERIC_READ;
	return ERROR_SUCCESS;
}
