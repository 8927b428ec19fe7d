/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz what clusterd's privileged helper reads from the unprivileged side
 * (src/backend/launch.c): the fixed-size request, checked by
 * launch_req_check, and the helper's bookkeeping of what it started
 * (launch_handle in dry-run mode: nothing is started or signalled).
 *
 * The input is a list of records, each [kind: 1 byte][length: 2 bytes,
 * big-endian][bytes], all handled by one helper table in order:
 *   kind bit 0 clear: the bytes are the message as received, any length;
 *   kind bit 0 set: the bytes fill a request field by field (magic, op, pid,
 *     sig: 4 bytes each, native order; then a byte n and n bytes copied into
 *     user, NULs and overflow included; the rest into cmd), so that a
 *     well-formed 8,244-byte request is reachable from a short input;
 *   kind bit 1: a descriptor comes with it (a memfd: a regular file open for
 *     writing; bit 2 as well: read-only instead).
 * Checked: the answer carries the magic; an accepted request checks the same
 * again; the table never holds more than LAUNCH_MAX_STARTED nor a pid <= 1;
 * a SIGNAL is never accepted for a pid the table does not hold; a
 * UNIT_START or UNIT_STOP is accepted only for a service unit name
 * (sdunit_name_ok), never with a descriptor, and leaves the table alone; a
 * Pacemaker request (issue 15 part 6: a node out of corosync.conf,
 * corosync-cfgtool -R, crm_node -R) is accepted only with a valid node name
 * where it takes one and nothing else set, is refused with a descriptor, and
 * leaves the table as it was.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backend/launch.h"
#include "backend/sdunit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct launch_req req;

static size_t fill(const uint8_t *p, size_t n)
{
	memset(&req, 0, sizeof(req));
	uint32_t v[4] = { 0 };
	size_t k = n < sizeof(v) ? n : sizeof(v);
	memcpy(v, p, k);
	req.magic = v[0];
	req.op = v[1];
	req.pid = (int32_t)v[2];
	req.sig = (int32_t)v[3];
	p += k;
	n -= k;
	if (n) {
		size_t u = *p++;
		n--;
		if (u > n)
			u = n;
		memcpy(req.user, p, u < sizeof(req.user) ? u : sizeof(req.user));
		p += u;
		n -= u;
		memcpy(req.cmd, p, n < sizeof(req.cmd) ? n : sizeof(req.cmd));
	}
	return sizeof(req);
}

static bool holds(const struct launch_table *t, int32_t pid)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->pid[i] == pid)
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct launch_table t;
	t.n = 0;
	while (size >= 3) {
		uint8_t kind = data[0];
		size_t len = (size_t)data[1] << 8 | data[2];
		data += 3;
		size -= 3;
		if (len > size)
			len = size;
		const void *msg = data;
		size_t mlen = len;
		if (kind & 1) {
			mlen = fill(data, len);
			msg = &req;
		}
		data += len;
		size -= len;

		int fd = -1;
		if (kind & 2) {
			fd = memfd_create("fuzz-log", MFD_CLOEXEC);
			if (fd < 0)
				abort();
			if (kind & 4) {
				char path[64];
				snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
				int ro = open(path, O_RDONLY | O_CLOEXEC);
				close(fd);
				fd = ro; /* -1 if /proc is not there: then no descriptor */
			}
		}
		struct launch_req checked;
		int check = launch_req_check(msg, mlen, &checked);
		bool was_held = check == 0 && checked.op == LAUNCH_SIGNAL && holds(&t, checked.pid);
		bool had_fd = fd >= 0;
		size_t n_before = t.n;
		struct launch_rep rep;
		launch_handle(&t, msg, mlen, fd, &rep, true);
		if (rep.magic != LAUNCH_MAGIC || (check != 0 && rep.err != check))
			abort();
		if (check == 0) {
			struct launch_req again;
			if (launch_req_check(&checked, sizeof(checked), &again) != 0 ||
			    memcmp(&again, &checked, sizeof(again)) != 0)
				abort();
			if (checked.op == LAUNCH_SIGNAL && rep.err == 0 && !was_held)
				abort();
			if (checked.op == LAUNCH_START && rep.err == 0 && (rep.pid <= 1 || !holds(&t, rep.pid)))
				abort();
			if (checked.op == LAUNCH_UNIT_START || checked.op == LAUNCH_UNIT_STOP) {
				if (!sdunit_name_ok(checked.cmd) || checked.pid || checked.sig || checked.user[0])
					abort();
				if ((rep.err == 0) == had_fd || t.n != n_before)
					abort();
			}
			if (checked.op >= LAUNCH_COROSYNC_REMOVE_NODE) {
				if (checked.op > LAUNCH_CRM_NODE_REMOVE || checked.user[0] || checked.sig ||
				    checked.pid < 0 || (checked.op != LAUNCH_COROSYNC_REMOVE_NODE && checked.pid))
					abort();
				if (checked.op == LAUNCH_COROSYNC_RELOAD ? checked.cmd[0] != 0
									: !launch_node_name_ok(checked.cmd))
					abort();
				if (rep.err != (had_fd ? EBADF : 0) || t.n != n_before)
					abort();
			}
		}
		if (t.n > LAUNCH_MAX_STARTED)
			abort();
		for (size_t i = 0; i < t.n; i++)
			if (t.pid[i] <= 1)
				abort();
	}
	return 0;
}
