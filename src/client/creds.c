/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "creds.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/werror.h"
#include "rpc/auth_gss.h"

/* The credentials file: "key = value" lines (user, password, domain);
 * '#' starts a comment line. */
#define CREDS_FILE_MAX 4096

static void wipe_free(char *s)
{
	if (!s)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

void creds_free(struct clusapi_creds *c)
{
	free(c->user);
	free(c->domain);
	wipe_free(c->password);
	memset(c, 0, sizeof(*c));
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = 0;
	return s;
}

/* "DOMAIN\user" splits; a bare name has no domain. */
static DWORD split_user(struct clusapi_creds *c, const char *who)
{
	const char *bs = strchr(who, '\\');
	if (bs) {
		c->domain = strndup(who, (size_t)(bs - who));
		c->user = strdup(bs + 1);
	} else {
		c->user = strdup(who);
	}
	if (!c->user || (bs && !c->domain))
		return ERROR_NOT_ENOUGH_MEMORY;
	return *c->user ? ERROR_SUCCESS : ERROR_INVALID_PARAMETER;
}

static DWORD parse_file(struct clusapi_creds *c, char *text)
{
	char *save = NULL;
	DWORD err = ERROR_SUCCESS;

	for (char *line = strtok_r(text, "\n", &save); line && !err; line = strtok_r(NULL, "\n", &save)) {
		char *s = trim(line);
		if (!*s || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (!eq)
			return ERROR_INVALID_DATA;
		*eq = 0;
		char *key = trim(s), *value = trim(eq + 1);
		if (strcmp(key, "user") == 0 && !c->user)
			err = split_user(c, value);
		else if (strcmp(key, "password") == 0 && !c->password)
			err = (c->password = strdup(value)) ? ERROR_SUCCESS : ERROR_NOT_ENOUGH_MEMORY;
		else if (strcmp(key, "domain") == 0 && !c->domain)
			err = (c->domain = strdup(value)) ? ERROR_SUCCESS : ERROR_NOT_ENOUGH_MEMORY;
		else
			return ERROR_INVALID_DATA; /* unknown or repeated key */
	}
	if (!err && (!c->user || !c->password))
		err = ERROR_INVALID_DATA;
	return err;
}

DWORD creds_copy(struct clusapi_creds *dst, const struct clusapi_creds *src)
{
	memset(dst, 0, sizeof(*dst));
	if ((src->user && !(dst->user = strdup(src->user))) || (src->domain && !(dst->domain = strdup(src->domain))) ||
	    (src->password && !(dst->password = strdup(src->password)))) {
		creds_free(dst);
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	dst->explicit_only = src->explicit_only;
	return ERROR_SUCCESS;
}

DWORD creds_default(struct clusapi_creds *c)
{
	const char *path = getenv("CLUSAPI_CREDENTIALS");
	char buf[CREDS_FILE_MAX + 1];
	struct stat st;
	DWORD err;

	memset(c, 0, sizeof(*c));
	if (!path || !*path)
		return ERROR_SUCCESS;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? ERROR_FILE_NOT_FOUND : ERROR_ACCESS_DENIED;
	/* A password others can read is no secret: refuse, as ssh does. */
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (st.st_mode & 077) || st.st_uid != geteuid()) {
		close(fd);
		return ERROR_ACCESS_DENIED;
	}
	ssize_t n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0 || n > CREDS_FILE_MAX)
		return ERROR_INVALID_DATA;
	buf[n] = 0;
	err = parse_file(c, buf);
	explicit_bzero(buf, sizeof(buf));
	if (err)
		creds_free(c);
	return err;
}

DWORD creds_explicit(struct clusapi_creds *c, LPCWSTR user, LPCWSTR password)
{
	memset(c, 0, sizeof(*c));
	if (!user || !password)
		return ERROR_INVALID_PARAMETER;
	char *u = ClusapiWideToUtf8(user);
	if (!u)
		return GetLastError();
	DWORD err = split_user(c, u);
	free(u);
	if (!err && !(c->password = ClusapiWideToUtf8(password)))
		err = GetLastError();
	c->explicit_only = true;
	if (err)
		creds_free(c);
	return err;
}

bool creds_auth(const struct clusapi_creds *c, const char *host, struct rpc_auth *out, DWORD *err)
{
	struct rpc_auth_client_creds rc = {
		.user = c->user,
		.domain = c->domain,
		.password = c->password,
	};

	*err = ERROR_SUCCESS;
	if (c->explicit_only) {
		*err = rpc_auth_ntlmssp_client(&rc, out);
		return true;
	}
	if (!c->user && !rpc_auth_krb5_client_has_creds())
		return false;
	*err = rpc_auth_spnego_client(host, c->user ? &rc : NULL, out);
	return true;
}
