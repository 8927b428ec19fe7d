/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "access.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"

void principal_describe(const struct principal *p, char *buf, size_t len)
{
	if (p->kind == PRINCIPAL_ANONYMOUS)
		snprintf(buf, len, "anonymous");
	else
		snprintf(buf, len, "uid %u gid %u", (unsigned)p->uid, (unsigned)p->gid);
}

static bool parse_u32(const char *s, uint32_t *v)
{
	char *end;
	errno = 0;
	unsigned long n = strtoul(s, &end, 10);
	if (errno || end == s || *end || n > 0xfffffffful || *s == '-')
		return false;
	*v = (uint32_t)n;
	return true;
}

/* One "PRINCIPAL ACCESS" line; names are resolved now, so a renamed account
 * keeps its rights only until the next reload. */
static int acl_parse_line(char *line, struct acl_entry *e, char *err, size_t errlen)
{
	char *save = NULL;
	char *who = strtok_r(line, " \t", &save);
	char *level = strtok_r(NULL, " \t", &save);
	char *extra = strtok_r(NULL, " \t", &save);

	if (!who || !level || extra) {
		snprintf(err, errlen, "expected \"PRINCIPAL ACCESS\", e.g. \"user:alice read\"");
		return -1;
	}
	if (strcmp(level, "full") == 0)
		e->level = ACL_FULL;
	else if (strcmp(level, "read") == 0)
		e->level = ACL_READ;
	else if (strcmp(level, "deny") == 0)
		e->level = ACL_DENY;
	else {
		snprintf(err, errlen, "unknown access \"%s\" (use full, read or deny)", level);
		return -1;
	}
	if (strcmp(who, "anonymous") == 0) {
		e->subject = ACL_ANONYMOUS;
		e->id = 0;
		return 0;
	}
	char *colon = strchr(who, ':');
	if (!colon || !colon[1]) {
		snprintf(err, errlen, "unknown principal \"%s\" (use user:NAME, uid:N, group:NAME, gid:N or anonymous)", who);
		return -1;
	}
	*colon = 0;
	const char *name = colon + 1;
	if (strcmp(who, "uid") == 0 || strcmp(who, "gid") == 0) {
		e->subject = who[0] == 'u' ? ACL_UID : ACL_GID;
		if (!parse_u32(name, &e->id)) {
			snprintf(err, errlen, "\"%s\" is not a number", name);
			return -1;
		}
		return 0;
	}
	if (strcmp(who, "user") == 0) {
		struct passwd pw, *res = NULL;
		char buf[4096];
		e->subject = ACL_UID;
		if (getpwnam_r(name, &pw, buf, sizeof(buf), &res) != 0 || !res)
			return 1; /* unknown here: skipped with a warning */
		e->id = res->pw_uid;
		return 0;
	}
	if (strcmp(who, "group") == 0) {
		struct group gr, *res = NULL;
		char buf[8192];
		e->subject = ACL_GID;
		if (getgrnam_r(name, &gr, buf, sizeof(buf), &res) != 0 || !res)
			return 1;
		e->id = res->gr_gid;
		return 0;
	}
	snprintf(err, errlen, "unknown principal kind \"%s\" (use user, uid, group, gid or anonymous)", who);
	return -1;
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
		char *hash = strchr(line, '#');
		if (hash)
			*hash = 0;
		char *s = line;
		while (*s == ' ' || *s == '\t' || *s == '\r')
			s++;
		size_t len = strlen(s);
		while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
			s[--len] = 0;
		if (!*s)
			continue;
		struct acl_entry e;
		char msg[256];
		char copy[512];
		snprintf(copy, sizeof(copy), "%s", s);
		int rc = acl_parse_line(s, &e, msg, sizeof(msg));
		if (rc < 0) {
			snprintf(err, errlen, "%zu: %s", lineno, msg);
			acl_free(out);
			return -1;
		}
		if (rc > 0) {
			log_warn("cluster ACL line %zu: \"%s\" names an account this host does not know; ignored", lineno, copy);
			continue;
		}
		struct acl_entry *ne = realloc(out->entries, (out->n + 1) * sizeof(*ne));
		if (!ne) {
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
	free(a->entries);
	a->entries = NULL;
	a->n = 0;
}

static bool acl_matches(const struct acl_entry *e, const struct principal *p)
{
	if (e->subject == ACL_ANONYMOUS)
		return p->kind == PRINCIPAL_ANONYMOUS;
	if (p->kind != PRINCIPAL_LOCAL)
		return false;
	if (e->subject == ACL_UID)
		return p->uid == e->id;
	if (p->gid == e->id)
		return true;
	for (size_t i = 0; i < p->ngroups; i++)
		if (p->groups[i] == e->id)
			return true;
	return false;
}

unsigned acl_rights(const struct acl *a, const struct principal *p)
{
	unsigned rights = 0;

	bool named = false;

	for (size_t i = 0; i < a->n; i++) {
		const struct acl_entry *e = &a->entries[i];
		if (!acl_matches(e, p))
			continue;
		named = true;
		if (e->level == ACL_DENY)
			return 0;
		rights |= e->level == ACL_FULL ? ACCESS_ALL : ACCESS_READ;
	}
	/* --allow-anonymous (tests only): anonymous gets everything unless
	 * the ACL names it. */
	if (a->allow_anonymous && p->kind == PRINCIPAL_ANONYMOUS && !named)
		return ACCESS_ALL;
	return rights;
}

static char *read_small_file(const char *path, struct timespec *mtime, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || st.st_size > 1024 * 1024) {
		snprintf(err, errlen, "%s: not a readable file under 1 MiB", path);
		close(fd);
		return NULL;
	}
	char *text = malloc((size_t)st.st_size + 1);
	ssize_t n = text ? read(fd, text, (size_t)st.st_size) : -1;
	close(fd);
	if (n < 0) {
		snprintf(err, errlen, "cannot read %s", path);
		free(text);
		return NULL;
	}
	text[n] = 0;
	*mtime = st.st_mtim;
	return text;
}

static int acl_write_default(const char *path, const char *admin_group, char *err, size_t errlen)
{
	char text[1024];
	int n = snprintf(text, sizeof(text),
			 "# clusterd cluster access list: one \"PRINCIPAL ACCESS\" entry a line.\n"
			 "# PRINCIPAL: user:NAME uid:N group:NAME gid:N anonymous\n"
			 "# ACCESS: full (read and change), read, deny (wins over any grant)\n"
			 "uid:0 full\n");
	if (geteuid() != 0)
		n += snprintf(text + n, sizeof(text) - (size_t)n, "uid:%u full\n", (unsigned)geteuid());
	if (admin_group && *admin_group) {
		struct group gr, *res = NULL;
		char buf[8192];
		bool known = getgrnam_r(admin_group, &gr, buf, sizeof(buf), &res) == 0 && res;
		/* A group this host does not have yet is written commented out, so
		 * that every start does not warn about it. */
		n += snprintf(text + n, sizeof(text) - (size_t)n, "%sgroup:%s full%s\n", known ? "" : "# ", admin_group,
			      known ? "" : "   (no such group when this file was made)");
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	bool ok = write(fd, text, (size_t)n) == n && fsync(fd) == 0;
	close(fd);
	if (!ok) {
		snprintf(err, errlen, "cannot write %s", path);
		return -1;
	}
	return 0;
}

int acl_file_load(struct acl_file *f, const char *path, const char *admin_group, bool allow_anonymous, char *err,
		  size_t errlen)
{
	char msg[256];
	memset(f, 0, sizeof(*f));
	f->allow_anonymous = allow_anonymous;
	f->path = strdup(path);
	if (!f->path) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (access(path, F_OK) != 0 && acl_write_default(path, admin_group, err, errlen) < 0)
		return -1;
	char *text = read_small_file(path, &f->mtime, err, errlen);
	if (!text)
		return -1;
	int rc = acl_parse(text, &f->acl, msg, sizeof(msg));
	free(text);
	if (rc < 0) {
		snprintf(err, errlen, "%s:%s", path, msg);
		return -1;
	}
	f->acl.allow_anonymous = allow_anonymous;
	return 0;
}

void acl_file_refresh(struct acl_file *f)
{
	struct stat st;
	char err[300], msg[256];
	struct timespec mtime;
	struct acl fresh;

	if (stat(f->path, &st) < 0) {
		return; /* removed: keep what we have rather than lock everyone out */
	}
	if (st.st_mtim.tv_sec == f->mtime.tv_sec && st.st_mtim.tv_nsec == f->mtime.tv_nsec)
		return;
	char *text = read_small_file(f->path, &mtime, err, sizeof(err));
	if (!text) {
		log_error("cluster ACL not reloaded: %s", err);
		return;
	}
	int rc = acl_parse(text, &fresh, msg, sizeof(msg));
	free(text);
	f->mtime = mtime;
	if (rc < 0) {
		log_error("cluster ACL not reloaded, keeping the previous one: %s:%s", f->path, msg);
		return;
	}
	acl_free(&f->acl);
	f->acl = fresh;
	f->acl.allow_anonymous = f->allow_anonymous;
	log_info("cluster ACL reloaded from %s (%zu entries)", f->path, f->acl.n);
}

void acl_file_free(struct acl_file *f)
{
	acl_free(&f->acl);
	free(f->path);
	f->path = NULL;
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
