/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz_client: libclusapi's client side fed a server's bytes.  The library is
 * driven through its public API (OpenClusterEx, enumerations, states,
 * controls, the registry, ...), and every connection it opens gets the fuzz
 * input as what the server says.
 *
 * How: this program defines connect() (and recv(), for recording), which the
 * library's calls resolve to.  Each connect() swaps the library's socket for
 * one end of a socketpair whose other end already holds the next server
 * stream of the input, then end-of-file.  The library's requests go into the
 * other end, unread.  Call ids are predictable (the client numbers them from
 * 1), so a captured stream replays.
 *
 * Input:
 *   byte 0   the script: which API calls run (see run_script; modulo N_SCRIPTS)
 *   byte 1   bit 0: over TCP as the NTLM account fuzz/secret
 *                   (ClusapiOpenClusterWithCredentials "127.0.0.1": the first
 *                   stream is the endpoint mapper's, the second the cluster's,
 *                   NTLMSSP at PKT_PRIVACY); clear: the local cluster (LPC)
 *            bit 1: open for GENERIC_READ instead of GENERIC_ALL
 *            bit 2 (without bit 0): over TCP without credentials
 *                   (OpenClusterEx "127.0.0.1": a plain bind, and the open
 *                   batched with the node list and the node's name)
 *   then, per connection in the order the library connects:
 *            a 16-bit little-endian length and that many bytes (cut at the
 *            end of the input); connections past the last stream get
 *            end-of-file at once (a reconnect finds nobody).
 *
 * Recording seeds from a live clusterd (tests/fuzz/make-corpus.sh does it):
 *   FUZZ_CLIENT_LIVE=LPC_SOCKET FUZZ_CLIENT_RECORD=FILE FUZZ_CLIENT_SCRIPT=S,F
 *   fuzz_client
 * runs script S with flags F against the real server (connect() goes through;
 * over TCP, 127.0.0.1 and $CLUSAPI_EPMAPPER_PORT), writes what the server sent
 * as an input of the format above to FILE, and exits.  FUZZ_CLIENT_DEBUG=1
 * prints how many bytes the client sent on each connection of a replay (a
 * seed that replays to its end sends as much as the recorded session did).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "clusapi.h"

#define MAX_CONNS 16

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---- the server side ------------------------------------------------------ */

static struct {
	const uint8_t *data; /* what is left of the input */
	size_t len;
	int peers[MAX_CONNS]; /* our ends, closed after the script */
	size_t n_peers;
	/* recording */
	const char *live;  /* the real LPC socket */
	int rec_fd[MAX_CONNS];
	uint8_t *rec[MAX_CONNS];
	size_t rec_len[MAX_CONNS];
	size_t n_rec;
} srv;

static int real_connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	return (int)syscall(SYS_connect, fd, sa, len);
}

/* The next stream of the input: 16-bit length, bytes. */
static void next_stream(const uint8_t **p, size_t *n)
{
	*p = NULL;
	*n = 0;
	if (srv.len < 2) {
		srv.len = 0;
		return;
	}
	size_t want = (size_t)srv.data[0] | (size_t)srv.data[1] << 8;
	srv.data += 2;
	srv.len -= 2;
	*n = want < srv.len ? want : srv.len;
	*p = srv.data;
	srv.data += *n;
	srv.len -= *n;
}

int connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	if (srv.live) {
		if (srv.n_rec >= MAX_CONNS) {
			errno = ECONNREFUSED;
			return -1;
		}
		srv.rec_fd[srv.n_rec++] = fd;
		if (sa->sa_family == AF_UNIX) {
			struct sockaddr_un sun = { .sun_family = AF_UNIX };
			snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", srv.live);
			return real_connect(fd, (struct sockaddr *)&sun, sizeof(sun));
		}
		return real_connect(fd, sa, len);
	}
	int sv[2];
	if (srv.n_peers >= MAX_CONNS || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		errno = ECONNREFUSED;
		return -1;
	}
	const uint8_t *p;
	size_t n;
	next_stream(&p, &n);
	/* A stream is at most 64 KiB: it fits the socket buffer. */
	int big = 1 << 20;
	setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	while (n) {
		ssize_t w = write(sv[1], p, n);
		if (w <= 0)
			break;
		p += w;
		n -= (size_t)w;
	}
	shutdown(sv[1], SHUT_WR);
	srv.peers[srv.n_peers++] = sv[1];
	if (dup3(sv[0], fd, O_CLOEXEC) < 0) {
		close(sv[0]);
		errno = ECONNREFUSED;
		return -1;
	}
	close(sv[0]);
	return 0;
}

/* Recording: what the server sends on each connection. */
ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	ssize_t r = (ssize_t)syscall(SYS_recvfrom, fd, buf, len, flags, NULL, NULL);
	if (!srv.live || r <= 0)
		return r;
	for (size_t i = srv.n_rec; i-- > 0;) {
		if (srv.rec_fd[i] != fd)
			continue;
		uint8_t *q = realloc(srv.rec[i], srv.rec_len[i] + (size_t)r);
		if (!q)
			abort();
		memcpy(q + srv.rec_len[i], buf, (size_t)r);
		srv.rec[i] = q;
		srv.rec_len[i] += (size_t)r;
		break;
	}
	return r;
}

/* ---- the client side ------------------------------------------------------- */

#define N_SCRIPTS 12

static void enum_all(HCLUSENUM e)
{
	WCHAR name[8];
	WCHAR big[300];
	DWORD type, cch;
	ClusterGetEnumCount(e);
	for (DWORD i = 0; i < 64; i++) {
		cch = 8; /* small: ERROR_MORE_DATA paths */
		DWORD r = ClusterEnum(e, i, &type, name, &cch);
		if (r == ERROR_MORE_DATA) {
			cch = 300;
			r = ClusterEnum(e, i, &type, big, &cch);
		}
		if (r && r != ERROR_MORE_DATA)
			break;
	}
	ClusterCloseEnum(e);
}

static void run_script(unsigned script, HCLUSTER h)
{
	WCHAR buf[260], buf2[260];
	DWORD cch, cch2, type, cb;
	uint8_t out[512];

	switch (script) {
	case 0: /* the open alone, then what it learnt */
		cch = 260;
		ClusapiGetConnectedNodeName(h, buf, &cch);
		ClusapiGetGrantedAccess(h);
		break;
	case 1: {
		CLUSTERVERSIONINFO vi = { .dwVersionInfoSize = sizeof(vi) };
		cch = 4;
		GetClusterInformation(h, buf, &cch, &vi);
		cch = 260;
		GetClusterInformation(h, buf, &cch, &vi);
		GetClusterInformation(h, NULL, &cch, NULL);
		break;
	}
	case 2: {
		HCLUSENUM e = ClusterOpenEnum(h, CLUSTER_ENUM_ALL);
		if (e)
			enum_all(e);
		break;
	}
	case 3: {
		HCLUSENUMEX e = ClusterOpenEnumEx(h, CLUSTER_ENUM_NODE | CLUSTER_ENUM_GROUP | CLUSTER_ENUM_RESOURCE, NULL);
		if (!e)
			break;
		ClusterGetEnumCountEx(e);
		for (DWORD i = 0; i < 32; i++) {
			union {
				CLUSTER_ENUM_ITEM item;
				uint8_t room[600];
			} u;
			cb = i % 2 ? sizeof(CLUSTER_ENUM_ITEM) : sizeof(u);
			DWORD r = ClusterEnumEx(e, i, &u.item, &cb);
			if (r && r != ERROR_MORE_DATA)
				break;
		}
		ClusterCloseEnumEx(e);
		break;
	}
	case 4: {
		DWORD granted = 0;
		HNODE n = OpenClusterNodeEx(h, u"vm", GENERIC_READ, &granted);
		if (!n)
			break;
		GetClusterNodeState(n);
		HNODEENUM e = ClusterNodeOpenEnum(n, CLUSTER_NODE_ENUM_NETINTERFACES | CLUSTER_NODE_ENUM_GROUPS);
		if (e) {
			ClusterNodeGetEnumCount(e);
			for (DWORD i = 0; i < 16; i++) {
				cch = 260;
				if (ClusterNodeEnum(e, i, &type, buf, &cch))
					break;
			}
			ClusterNodeCloseEnum(e);
		}
		PauseClusterNode(n);
		ResumeClusterNode(n);
		EvictClusterNode(n);
		CloseClusterNode(n);
		break;
	}
	case 5: {
		DWORD granted = 0;
		HGROUP g = OpenClusterGroupEx(h, u"web", GENERIC_ALL, &granted);
		if (!g)
			break;
		cch = 3;
		GetClusterGroupState(g, buf, &cch);
		cch = 260;
		GetClusterGroupState(g, buf, &cch);
		HGROUPENUM e = ClusterGroupOpenEnum(g, CLUSTER_GROUP_ENUM_CONTAINS | CLUSTER_GROUP_ENUM_NODES);
		if (e) {
			ClusterGroupGetEnumCount(e);
			for (DWORD i = 0; i < 16; i++) {
				cch = 260;
				if (ClusterGroupEnum(e, i, &type, buf, &cch))
					break;
			}
			ClusterGroupCloseEnum(e);
		}
		OnlineClusterGroup(g, NULL);
		OfflineClusterGroup(g);
		HNODE n = OpenClusterNode(h, u"vm");
		if (n) {
			MoveClusterGroup(g, n);
			CloseClusterNode(n);
		}
		CloseClusterGroup(g);
		break;
	}
	case 6: {
		DWORD granted = 0;
		HRESOURCE r = OpenClusterResourceEx(h, u"ip", GENERIC_ALL, &granted);
		if (!r)
			break;
		cch = 260;
		cch2 = 2;
		GetClusterResourceState(r, buf, &cch, buf2, &cch2);
		HRESENUM e = ClusterResourceOpenEnum(r, CLUSTER_RESOURCE_ENUM_DEPENDS | CLUSTER_RESOURCE_ENUM_NODES);
		if (e) {
			ClusterResourceGetEnumCount(e);
			for (DWORD i = 0; i < 16; i++) {
				cch = 260;
				if (ClusterResourceEnum(e, i, &type, buf, &cch))
					break;
			}
			ClusterResourceCloseEnum(e);
		}
		cch = 260;
		GetClusterResourceNetworkName(r, buf, &cch);
		OfflineClusterResource(r);
		CloseClusterResource(r);
		break;
	}
	case 7: { /* controls: property lists and the rest */
		HRESOURCE r = OpenClusterResource(h, u"ip");
		if (!r)
			break;
		static const DWORD codes[] = {
			CLUSCTL_RESOURCE_GET_COMMON_PROPERTIES, CLUSCTL_RESOURCE_GET_PRIVATE_PROPERTIES,
			CLUSCTL_RESOURCE_GET_RO_COMMON_PROPERTIES, CLUSCTL_RESOURCE_GET_NAME,
			CLUSCTL_RESOURCE_GET_RESOURCE_TYPE, CLUSCTL_RESOURCE_GET_ID,
			CLUSCTL_RESOURCE_GET_CHARACTERISTICS, CLUSCTL_RESOURCE_GET_CLASS_INFO,
		};
		for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
			cb = 0;
			ClusterResourceControl(r, NULL, codes[i], NULL, 0, out, i % 2 ? 8 : sizeof(out), &cb);
		}
		CloseClusterResource(r);
		break;
	}
	case 8: { /* the registry */
		HKEY root = GetClusterKey(h, KEY_READ);
		if (!root)
			break;
		HKEY k = NULL;
		for (DWORD i = 0; i < 8; i++) {
			cch = i % 2 ? 3 : 260;
			if (ClusterRegEnumKey(root, i, buf, &cch, NULL) && i > 1)
				break;
		}
		if (ClusterRegOpenKey(root, u"Groups", KEY_READ, &k) == 0) {
			cb = 4;
			ClusterRegQueryValue(k, u"Name", &type, out, &cb);
			cb = sizeof(out);
			ClusterRegQueryValue(k, u"Name", &type, out, &cb);
			cb = 0;
			ClusterRegQueryValue(k, u"Name", &type, NULL, &cb);
			ClusterRegCloseKey(k);
		}
		cb = sizeof(out);
		ClusterRegQueryValue(root, u"ClusterName", &type, out, &cb);
		ClusterRegSetValue(root, u"FuzzValue", REG_BINARY, out, 16);
		ClusterRegCloseKey(root);
		break;
	}
	case 9: {
		DWORD granted = 0;
		HNETWORK n = OpenClusterNetworkEx(h, u"Cluster Network 1", GENERIC_READ, &granted);
		if (n) {
			GetClusterNetworkState(n);
			CloseClusterNetwork(n);
		}
		HNETINTERFACE i = OpenClusterNetInterfaceEx(h, u"vm - Ethernet", GENERIC_READ, &granted);
		if (i) {
			GetClusterNetInterfaceState(i);
			CloseClusterNetInterface(i);
		}
		break;
	}
	case 10: { /* the access list and the accounts */
		union {
			CLUSAPI_ACCESS_ENTRY e;
			uint8_t room[1024];
		} u;
		DWORD count = 0;
		cb = 8;
		ClusapiGetClusterAccess(h, &u, &cb, &count);
		cb = sizeof(u);
		ClusapiGetClusterAccess(h, &u, &cb, &count);
		cch = 4;
		ClusapiEnumAccounts(h, buf, &cch);
		cch = 260;
		ClusapiEnumAccounts(h, buf, &cch);
		ClusapiAddAccount(h, u"fuzz2", u"pw");
		ClusapiRemoveAccount(h, u"fuzz2");
		break;
	}
	default: { /* writes */
		SetClusterName(h, u"fuzzed");
		HGROUP g = CreateClusterGroup(h, u"g2");
		if (g) {
			HRESOURCE r = CreateClusterResource(g, u"r2", u"Generic Application", 0);
			if (r) {
				SetClusterResourceName(r, u"r3");
				OnlineClusterResource(r);
				FailClusterResource(r);
				DeleteClusterResource(r);
				CloseClusterResource(r);
			}
			SetClusterGroupName(g, u"g3");
			MoveClusterGroup(g, NULL);
			DeleteClusterGroup(g);
			CloseClusterGroup(g);
		}
		ClusterSetAccountAccess(h, u"user:nobody", CLUSAPI_READ_ACCESS, CLUSTER_SET_ACCESS_TYPE_ALLOWED);
		break;
	}
	}
}

static void run(unsigned script, unsigned flags)
{
	DWORD access = flags & 2 ? GENERIC_READ : GENERIC_ALL;
	HCLUSTER h;
	if (flags & 1)
		h = ClusapiOpenClusterWithCredentials(u"127.0.0.1", u"fuzz", u"secret", access, NULL);
	else if (flags & 4)
		h = OpenClusterEx(u"127.0.0.1", access, NULL); /* no credentials: a plain bind */
	else
		h = OpenClusterEx(NULL, access, NULL);
	if (h) {
		run_script(script % N_SCRIPTS, h);
		CloseCluster(h);
	}
}

static void record(const char *live, const char *file, const char *what)
{
	unsigned script = 0, flags = 0;
	if (sscanf(what, "%u,%u", &script, &flags) != 2) {
		fprintf(stderr, "FUZZ_CLIENT_SCRIPT: want SCRIPT,FLAGS\n");
		exit(2);
	}
	srv.live = live;
	run(script, flags);
	FILE *f = fopen(file, "wb");
	if (!f) {
		perror(file);
		exit(2);
	}
	fputc((int)script, f);
	fputc((int)flags, f);
	for (size_t i = 0; i < srv.n_rec; i++) {
		size_t n = srv.rec_len[i] > 0xffff ? 0xffff : srv.rec_len[i];
		fputc((int)(n & 0xff), f);
		fputc((int)(n >> 8), f);
		if (n)
			fwrite(srv.rec[i], 1, n, f);
		free(srv.rec[i]);
	}
	if (fclose(f) != 0) {
		perror(file);
		exit(2);
	}
	exit(0);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *live = getenv("FUZZ_CLIENT_LIVE");
	if (live && *live)
		record(live, getenv("FUZZ_CLIENT_RECORD") ? getenv("FUZZ_CLIENT_RECORD") : "/dev/null",
		       getenv("FUZZ_CLIENT_SCRIPT") ? getenv("FUZZ_CLIENT_SCRIPT") : "0,0");
	/* Safety net only: every stream ends with end-of-file, so no call
	 * waits; a request that filled the unread socket would. */
	setenv("CLUSAPI_CALL_TIMEOUT_MS", "2000", 1);
	/* No credentials file, no Kerberos tickets from the environment. */
	unsetenv("CLUSAPI_CREDENTIALS");
	setenv("KRB5CCNAME", "FILE:/nonexistent/clusapi-fuzz-ccache", 1);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	srv.data = data + 2;
	srv.len = size - 2;
	srv.n_peers = 0;
	run(data[0], data[1]);
	for (size_t i = 0; i < srv.n_peers; i++) {
		if (getenv("FUZZ_CLIENT_DEBUG")) {
			int n = 0;
			ioctl(srv.peers[i], FIONREAD, &n);
			fprintf(stderr, "connection %zu: the client sent %d bytes\n", i, n);
		}
		close(srv.peers[i]);
	}
	srv.n_peers = 0;
	return 0;
}
