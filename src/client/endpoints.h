/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Inside libclusapi: what the endpoint mappers said, per address.  An entry
 * holds the MS-CMRP port that the endpoint mapper at (address, mapper port)
 * gave, for ENDPOINTS_LIFETIME_S seconds ($CLUSAPI_ENDPOINT_CACHE_SECONDS:
 * 0 turns the cache off), and whether the server behind it is clusterd
 * (learnt from its GetClusterVersion2 vendor), which lets an open send its
 * bind and its first calls in one round trip.  Whoever fails to connect to,
 * bind to or open on a remembered port drops its entry and asks the mapper
 * again.  Process-wide, behind a mutex.
 */
#ifndef CLIENT_ENDPOINTS_H
#define CLIENT_ENDPOINTS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#define ENDPOINTS_LIFETIME_S 60
#define ENDPOINTS_MAX 32

/* The remembered port (and whether clusterd serves it): false when none. */
bool endpoints_get(const struct sockaddr *sa, uint16_t mapper_port, uint16_t *port, bool *clusterd);
/* Remember (or refresh) an answer of the mapper. */
void endpoints_put(const struct sockaddr *sa, uint16_t mapper_port, uint16_t port);
/* The server on the remembered port is clusterd. */
void endpoints_mark_clusterd(const struct sockaddr *sa, uint16_t mapper_port, uint16_t port);
/* Forget the address's entry. */
void endpoints_drop(const struct sockaddr *sa, uint16_t mapper_port);

#endif
