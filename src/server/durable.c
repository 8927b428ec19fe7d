/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "durable.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int sync_dir_of(const char *path)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = 0;
	else
		*slash = 0;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

int durable_replace(const char *path, const char *data, size_t len, mode_t mode, char *err, size_t errlen)
{
	char tmp[4096];
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	/* A temporary file left by a crash is ours to replace. */
	unlink(tmp);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode & 0777);
	if (fd < 0) {
		snprintf(err, errlen, "cannot create %s: %s", tmp, strerror(errno));
		return -1;
	}
	/* The umask may have taken bits away; never added any. */
	bool ok = fchmod(fd, mode & 0777) == 0;
	for (size_t off = 0; ok && off < len;) {
		ssize_t n = write(fd, data + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			ok = false;
		else
			off += (size_t)n;
	}
	ok = ok && fsync(fd) == 0;
	int saved = errno;
	if (close(fd) < 0)
		ok = false;
	if (!ok || rename(tmp, path) < 0) {
		if (ok)
			saved = errno;
		unlink(tmp);
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(saved));
		return -1;
	}
	if (sync_dir_of(path) < 0) {
		/* The new contents are in place; only their durability is in doubt. */
		snprintf(err, errlen, "cannot sync the directory of %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

void file_version_of(const struct stat *st, struct file_version *v)
{
	v->mtime = st->st_mtim;
	v->ino = st->st_ino;
	v->size = st->st_size;
}

int file_version_same(const struct file_version *a, const struct file_version *b)
{
	return a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec && a->ino == b->ino &&
	       a->size == b->size;
}

char *durable_read(const char *path, size_t max, struct stat *st, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode) || (size_t)st->st_size > max) {
		snprintf(err, errlen, "%s: not a regular file of at most %zu bytes", path, max);
		close(fd);
		return NULL;
	}
	size_t size = (size_t)st->st_size, got = 0;
	char *text = malloc(size + 1);
	while (text && got < size) {
		ssize_t n = read(fd, text + got, size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (!text || got != size) {
		snprintf(err, errlen, "cannot read %s", path);
		free(text);
		return NULL;
	}
	text[size] = 0;
	if (memchr(text, 0, size)) {
		snprintf(err, errlen, "%s: contains a NUL byte", path);
		free(text);
		return NULL;
	}
	return text;
}
