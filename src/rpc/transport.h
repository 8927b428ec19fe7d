/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Stream transports for DCE/RPC: TCP (IPv4, IPv6) and Unix sockets. */
#ifndef RPC_TRANSPORT_H
#define RPC_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

/* Parse "ADDR:PORT" with ADDR an IPv4 literal, "[IPv6]" or "*" (any, dual
 * stack).  -1 if malformed. */
int transport_parse_hostport(const char *s, struct sockaddr_storage *ss, socklen_t *len);
/* A non-blocking listening socket; -1 with errno set. */
int transport_listen_tcp(const struct sockaddr *sa, socklen_t len);
/* Listen on a Unix socket path (mode 0666: the ACL decides who may do what).
 * A stale socket nobody listens on is replaced; a live one is EADDRINUSE. */
int transport_listen_unix(const char *path);
/* The local port of a TCP socket. */
uint16_t transport_local_port(int fd);
/* Caller identity on a Unix socket (from the kernel).  ngroups in/out. */
int transport_peer_creds(int fd, uid_t *uid, gid_t *gid, gid_t *groups, size_t *ngroups);
/* "127.0.0.1:1234" / "[::1]:1234" for logs. */
void transport_format_addr(const struct sockaddr *sa, char *buf, size_t len);

#endif
