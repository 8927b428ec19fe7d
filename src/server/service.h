/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* clusterd under systemd (clusterd.service, Type=notify): the state changes
 * told to the service manager with sd_notify(3).  Without $NOTIFY_SOCKET (a
 * clusterd started by hand) or without libsystemd at build time, nothing. */
#ifndef SERVER_SERVICE_H
#define SERVER_SERVICE_H

/* Serving now (READY=1), with a STATUS= line. */
void service_ready(const char *status);
/* Re-reading its files (RELOADING=1); service_ready() when done. */
void service_reloading(void);
/* A clean stop has begun (STOPPING=1). */
void service_stopping(void);

#endif
