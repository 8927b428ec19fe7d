/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "endpoints.h"

#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct endpoint {
	uint8_t family; /* 0: free */
	uint8_t addr[16];
	uint16_t mapper_port;
	uint16_t port;
	bool clusterd;
	long expires; /* CLOCK_MONOTONIC seconds */
};

static pthread_mutex_t endpoints_lock = PTHREAD_MUTEX_INITIALIZER;
static struct endpoint endpoints[ENDPOINTS_MAX];

static long lifetime(void)
{
	const char *env = getenv("CLUSAPI_ENDPOINT_CACHE_SECONDS");
	if (env && *env) {
		char *end;
		errno = 0;
		long v = strtol(env, &end, 10);
		if (!*end && !errno && v >= 0 && v <= 24 * 3600)
			return v;
	}
	return ENDPOINTS_LIFETIME_S;
}

static long now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* The address as a key; false for a family we do not keep. */
static bool key_of(const struct sockaddr *sa, uint8_t *family, uint8_t addr[16])
{
	memset(addr, 0, 16);
	if (sa->sa_family == AF_INET) {
		memcpy(addr, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	} else if (sa->sa_family == AF_INET6) {
		memcpy(addr, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
	} else {
		return false;
	}
	*family = (uint8_t)sa->sa_family;
	return true;
}

/* The entry for the key (live or not), under the lock; NULL if none. */
static struct endpoint *find(uint8_t family, const uint8_t addr[16], uint16_t mapper_port)
{
	for (size_t i = 0; i < ENDPOINTS_MAX; i++) {
		struct endpoint *e = &endpoints[i];
		if (e->family == family && e->mapper_port == mapper_port && memcmp(e->addr, addr, 16) == 0)
			return e;
	}
	return NULL;
}

bool endpoints_get(const struct sockaddr *sa, uint16_t mapper_port, uint16_t *port, bool *clusterd)
{
	uint8_t family, addr[16];
	bool found = false;

	if (lifetime() == 0 || !key_of(sa, &family, addr))
		return false;
	pthread_mutex_lock(&endpoints_lock);
	struct endpoint *e = find(family, addr, mapper_port);
	if (e && e->expires > now_s()) {
		*port = e->port;
		*clusterd = e->clusterd;
		found = true;
	} else if (e) {
		e->family = 0; /* expired */
	}
	pthread_mutex_unlock(&endpoints_lock);
	return found;
}

void endpoints_put(const struct sockaddr *sa, uint16_t mapper_port, uint16_t port)
{
	uint8_t family, addr[16];
	long life = lifetime();

	if (life == 0 || !key_of(sa, &family, addr))
		return;
	pthread_mutex_lock(&endpoints_lock);
	long now = now_s();
	struct endpoint *e = find(family, addr, mapper_port);
	if (!e) {
		/* A free or expired slot, else the one that expires first. */
		e = &endpoints[0];
		for (size_t i = 0; i < ENDPOINTS_MAX; i++) {
			if (!endpoints[i].family || endpoints[i].expires <= now) {
				e = &endpoints[i];
				break;
			}
			if (endpoints[i].expires < e->expires)
				e = &endpoints[i];
		}
		e->clusterd = false;
	} else if (e->port != port) {
		e->clusterd = false;
	}
	e->family = family;
	memcpy(e->addr, addr, 16);
	e->mapper_port = mapper_port;
	e->port = port;
	e->expires = now + life;
	pthread_mutex_unlock(&endpoints_lock);
}

void endpoints_mark_clusterd(const struct sockaddr *sa, uint16_t mapper_port, uint16_t port)
{
	uint8_t family, addr[16];

	if (!key_of(sa, &family, addr))
		return;
	pthread_mutex_lock(&endpoints_lock);
	struct endpoint *e = find(family, addr, mapper_port);
	if (e && e->port == port)
		e->clusterd = true;
	pthread_mutex_unlock(&endpoints_lock);
}

void endpoints_drop(const struct sockaddr *sa, uint16_t mapper_port)
{
	uint8_t family, addr[16];

	if (!key_of(sa, &family, addr))
		return;
	pthread_mutex_lock(&endpoints_lock);
	struct endpoint *e = find(family, addr, mapper_port);
	if (e)
		e->family = 0;
	pthread_mutex_unlock(&endpoints_lock);
}
