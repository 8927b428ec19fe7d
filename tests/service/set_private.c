/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * set_private RESOURCE NAME=VALUE...: sets string private properties of a
 * resource of the local cluster (LPC, $CLUSAPI_LPC_SOCKET) with
 * CLUSCTL_RESOURCE_SET_PRIVATE_PROPERTIES, as a Generic Application's
 * CommandLine and RunAsUser are set (clusctl has no command for it).
 * Exit 0, or 1 with the reason on stderr.
 */
#include <clusapi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SET_PRIVATE_PROPERTIES 0x01400086u

static uint8_t buf[65536];
static size_t n = 4;

static void put32(uint32_t v)
{
	memcpy(buf + n, &v, 4); /* little-endian hosts only, like the tests */
	n += 4;
}

/* A UTF-16LE string with its NUL, its length first, padded to 4. */
static void put_str(const char *s)
{
	size_t len = 2 * (strlen(s) + 1);
	put32((uint32_t)len);
	for (size_t i = 0; i <= strlen(s); i++) {
		buf[n++] = (uint8_t)s[i];
		buf[n++] = 0;
	}
	while (n % 4)
		buf[n++] = 0;
}

static void to_w(WCHAR *w, const char *s)
{
	size_t i = 0;
	for (; s[i]; i++)
		w[i] = (WCHAR)(unsigned char)s[i];
	w[i] = 0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: set_private RESOURCE NAME=VALUE...\n");
		return 1;
	}
	uint32_t count = 0;
	for (int i = 2; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		if (!eq || strlen(argv[i]) > 8000) {
			fprintf(stderr, "set_private: %s is not NAME=VALUE\n", argv[i]);
			return 1;
		}
		*eq = 0;
		put32(0x00040003u); /* CLUSPROP_SYNTAX_NAME */
		put_str(argv[i]);
		put32(0x00010003u); /* CLUSPROP_SYNTAX_LIST_VALUE_SZ */
		put_str(eq + 1);
		put32(0); /* CLUSPROP_SYNTAX_ENDMARK */
		count++;
	}
	memcpy(buf, &count, 4);
	HCLUSTER h = OpenCluster(NULL);
	if (!h) {
		fprintf(stderr, "set_private: OpenCluster: error %u\n", (unsigned)GetLastError());
		return 1;
	}
	static WCHAR name[1024];
	to_w(name, argv[1]);
	HRESOURCE r = OpenClusterResource(h, name);
	if (!r) {
		fprintf(stderr, "set_private: OpenClusterResource %s: error %u\n", argv[1], (unsigned)GetLastError());
		return 1;
	}
	DWORD ret = 0;
	DWORD rc = ClusterResourceControl(r, NULL, SET_PRIVATE_PROPERTIES, buf, (DWORD)n, NULL, 0, &ret);
	CloseClusterResource(r);
	CloseCluster(h);
	if (rc != 0) {
		fprintf(stderr, "set_private: SET_PRIVATE_PROPERTIES on %s: error %u\n", argv[1], (unsigned)rc);
		return 1;
	}
	return 0;
}
