/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Small state files written so that a crash or power cut leaves either the old
 * or the new contents, never a mix: a temporary file next to the target,
 * written and fsync'd, renamed over the target, and the directory fsync'd.
 */
#ifndef SERVER_DURABLE_H
#define SERVER_DURABLE_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

/* Replace path with data (created with mode, whatever the umask).  0, or -1
 * with a sentence in err and the target untouched. */
int durable_replace(const char *path, const char *data, size_t len, mode_t mode, char *err, size_t errlen);

/* What identifies one version of a file: a rename gives a new inode even when
 * the clock has not moved. */
struct file_version {
	struct timespec mtime;
	ino_t ino;
	off_t size;
};
void file_version_of(const struct stat *st, struct file_version *v);
int file_version_same(const struct file_version *a, const struct file_version *b);

/* Read a regular file of at most max bytes, NUL-terminated (malloc'd); the
 * stat of what was read in *st.  NULL with a sentence in err. */
char *durable_read(const char *path, size_t max, struct stat *st, char *err, size_t errlen);

#endif
