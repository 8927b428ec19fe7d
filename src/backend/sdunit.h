/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * systemd units through systemd's D-Bus API (sd-bus), for the Generic
 * Service resource type of the embedded backend (issue 11).
 *
 * Two halves.  Starting and stopping a unit (sdunit_job) needs the right to
 * manage units, which an unprivileged clusterd does not have on the system
 * bus: clusterd asks for it through the privileged helper (launch_unit in
 * launch.h), whose request names the unit only (sdunit_name_ok).  Watching a
 * unit (its ActiveState and pending job) needs no privilege: clusterd keeps
 * its own connection to the system bus for that (struct sdunit_bus).
 *
 * Built without libsystemd, every call fails with ENOTSUP.
 */
#ifndef CLUSAPI_BACKEND_SDUNIT_H
#define CLUSAPI_BACKEND_SDUNIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SDUNIT_NAME_MAX 256 /* a unit name, NUL included (systemd: 255 characters) */

/* Whether this machine runs systemd (sd_booted(): /run/systemd/system). */
bool sdunit_booted(void);

/* Whether name is a service unit name this code will hand to systemd:
 * 1..255 characters of [A-Za-z0-9:_.@\-] ending in ".service", with
 * something before the suffix and no leading '-' or '.'. */
bool sdunit_name_ok(const char *name);

/* Start (StartUnit(name, "replace")) or stop (StopUnit) a unit, on a
 * connection of its own to the system bus.  Returns once systemd has queued
 * the job.  0 or an errno value (ENOENT: no such unit; EACCES: not allowed;
 * ENOTSUP: no sd-bus in this build). */
int sdunit_job(const char *name, bool start);

struct sdunit_bus;

/* A connection to the system bus that watches units: subscribed to
 * systemd's signals, PropertiesChanged of any unit noted.  0 or an errno
 * value. */
int sdunit_bus_open(struct sdunit_bus **out);
void sdunit_bus_close(struct sdunit_bus *b);
/* Its descriptor, to poll for input. */
int sdunit_bus_fd(const struct sdunit_bus *b);
/* Read what has arrived: 1 when some unit's properties changed since the
 * last call (then look at the units of interest with sdunit_state), 0 when
 * not, or a negative errno value when the connection is gone (close it). */
int sdunit_bus_process(struct sdunit_bus *b);

/* A unit's ActiveState ("active", "failed", ...) and the id of its pending
 * job (0: none).  0 or an errno value. */
int sdunit_state(struct sdunit_bus *b, const char *name, char *active, size_t cap, uint32_t *job);

/* Wait, at most timeout_ms, for the unit to have no pending job and be
 * active (up) or inactive/failed (!up).  0; ETIMEDOUT; EIO when it settled in
 * the other state (its ActiveState in settled); or another errno value. */
int sdunit_wait(struct sdunit_bus *b, const char *name, bool up, uint32_t timeout_ms, char *settled, size_t cap);

#endif
