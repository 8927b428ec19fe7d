/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Linked into clusterd only (never into libclusapi): libsystemd's sd_notify. */
#include "service.h"

#include <stdio.h>
#include <string.h>

#include "base/log.h"

#ifdef CLUSTERD_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>

static void notify(const char *what)
{
	int rc = sd_notify(0, what);
	int first = (int)strcspn(what, "\n"); /* one log line: the first field */
	if (rc < 0)
		log_warn("sd_notify(%.*s) failed: %s", first, what, strerror(-rc));
	else if (rc > 0)
		log_debug("told the service manager %.*s", first, what);
}
#else
static void notify(const char *what)
{
	(void)what;
}
#endif

void service_ready(const char *status)
{
	char msg[400];
	snprintf(msg, sizeof(msg), "READY=1\nSTATUS=%s", status);
	notify(msg);
}

void service_reloading(void)
{
	notify("RELOADING=1\nSTATUS=reloading the ACL and the accounts");
}

void service_stopping(void)
{
	notify("STOPPING=1\nSTATUS=stopping");
}
