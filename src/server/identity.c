/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "identity.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"

bool identity_name_valid(const char *name)
{
	size_t n = strlen(name);
	bool all_digits = true;

	if (n == 0 || n > IDENTITY_MAX_NAME || name[0] == '-' || name[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (!isalnum(c) && c != '-')
			return false;
		if (!isdigit(c))
			all_digits = false;
	}
	return !all_digits;
}

static void short_hostname(char *buf, size_t len)
{
	char host[256] = "localhost";
	gethostname(host, sizeof(host) - 1);
	host[sizeof(host) - 1] = 0;
	char *dot = strchr(host, '.');
	if (dot)
		*dot = 0;
	snprintf(buf, len, "%s", host);
}

static int write_durably(const char *dir, const char *file, const char *text)
{
	char path[600], tmp[610];
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	size_t n = strlen(text);
	bool ok = write(fd, text, n) == (ssize_t)n && fsync(fd) == 0;
	close(fd);
	if (!ok || rename(tmp, path) < 0) {
		unlink(tmp);
		return -1;
	}
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
}

int identity_load(struct identity *id, const char *state_dir, const char *node_name, char *err, size_t errlen)
{
	char path[600];
	memset(id, 0, sizeof(id[0]));
	if (strlen(state_dir) >= sizeof(id->state_dir)) {
		snprintf(err, errlen, "state directory path is too long");
		return -1;
	}
	snprintf(id->state_dir, sizeof(id->state_dir), "%s", state_dir);
	if (node_name) {
		if (!identity_name_valid(node_name)) {
			snprintf(err, errlen, "node name \"%s\" is not valid (letters, digits and '-', at most 63)", node_name);
			return -1;
		}
		snprintf(id->node_name, sizeof(id->node_name), "%s", node_name);
	} else {
		short_hostname(id->node_name, sizeof(id->node_name));
	}

	snprintf(path, sizeof(path), "%s/cluster-name", state_dir);
	FILE *f = fopen(path, "re");
	if (f) {
		char line[128] = "";
		if (!fgets(line, sizeof(line), f))
			line[0] = 0;
		fclose(f);
		line[strcspn(line, "\r\n")] = 0;
		if (!identity_name_valid(line)) {
			snprintf(err, errlen, "%s: \"%s\" is not a valid cluster name", path, line);
			return -1;
		}
		snprintf(id->cluster_name, sizeof(id->cluster_name), "%s", line);
		return 0;
	}
	if (errno != ENOENT) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	char name[IDENTITY_MAX_NAME + 1];
	snprintf(name, sizeof(name), "%.*s-cluster", IDENTITY_MAX_NAME - 8, id->node_name);
	if (!identity_name_valid(name))
		snprintf(name, sizeof(name), "linux-cluster");
	DWORD rc = identity_set_cluster_name(id, name);
	if (rc) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	log_info("new cluster \"%s\" created in %s", id->cluster_name, state_dir);
	return 0;
}

DWORD identity_set_cluster_name(struct identity *id, const char *name)
{
	char text[IDENTITY_MAX_NAME + 2];
	if (!identity_name_valid(name))
		return ERROR_INVALID_NAME;
	if (id->name_fixed)
		return ERROR_NOT_SUPPORTED;
	snprintf(text, sizeof(text), "%s\n", name);
	if (write_durably(id->state_dir, "cluster-name", text) < 0)
		return ERROR_INTERNAL_ERROR;
	snprintf(id->cluster_name, sizeof(id->cluster_name), "%s", name);
	return ERROR_SUCCESS;
}
