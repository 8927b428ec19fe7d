/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * clusctl: the command-line tool, in the spirit of cluster.exe and
 * Get-Cluster.  It uses libclusapi exactly as any program would.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clusapi.h"

#define EXIT_FAILED 1
#define EXIT_USAGE 2

struct cli {
	const char *cluster; /* NULL: local over LPC */
	bool json;
	DWORD access;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: clusctl [OPTIONS] COMMAND\n"
		"Manage a failover cluster served by clusterd (or any MS-CMRP server).\n"
		"\n"
		"Commands:\n"
		"  cluster             show the cluster: name, node, version, granted access\n"
		"\n"
		"Options:\n"
		"  -c, --cluster NAME  the cluster or node to manage: host name, FQDN, IPv4 or\n"
		"                      IPv6 address (TCP through the endpoint mapper); without\n"
		"                      it, the local cluster over LPC ($CLUSAPI_LPC_SOCKET or\n"
		"                      " CLUSAPI_DEFAULT_LPC_SOCKET ")\n"
		"  -a, --access LEVEL  what to ask for: read, full or max (default max: the most\n"
		"                      the cluster ACL gives you)\n"
		"  -j, --json          machine-readable output\n"
		"  -h, --help          this text\n"
		"  -V, --version       the version\n"
		"\n"
		"Environment: CLUSAPI_LPC_SOCKET (local socket), CLUSAPI_EPMAPPER_PORT (endpoint\n"
		"mapper port, default 135).\n"
		"Exit status: 0 success, 1 the cluster refused or could not be reached, 2 usage.\n");
}

static void fail(const char *what, DWORD err)
{
	const char *name = ClusapiErrorName(err);
	fprintf(stderr, "clusctl: %s: %s (error %u%s%s)\n", what, ClusapiErrorMessage(err), (unsigned)err,
		name ? " " : "", name ? name : "");
}

/* JSON string with the escapes RFC 8259 requires. */
static void json_string(const char *s)
{
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

static const char *access_word(DWORD granted)
{
	return granted == GENERIC_ALL ? "full" : granted == GENERIC_READ ? "read" : "none";
}

/* Fetch a string through a Windows-style (buffer, count) function. */
static char *fetch_name(HCLUSTER h, DWORD (*fn)(HCLUSTER, LPWSTR, LPDWORD, void *), void *arg, DWORD *err)
{
	WCHAR buf[256];
	DWORD cch = sizeof(buf) / sizeof(buf[0]);
	*err = fn(h, buf, &cch, arg);
	if (*err)
		return NULL;
	char *s = ClusapiWideToUtf8(buf);
	if (!s)
		*err = GetLastError();
	return s;
}

static DWORD info_name(HCLUSTER h, LPWSTR buf, LPDWORD cch, void *arg)
{
	return GetClusterInformation(h, buf, cch, arg);
}

static DWORD node_name(HCLUSTER h, LPWSTR buf, LPDWORD cch, void *arg)
{
	(void)arg;
	return ClusapiGetConnectedNodeName(h, buf, cch);
}

static int cmd_cluster(const struct cli *cli)
{
	DWORD granted = 0, err;
	LPWSTR wname = NULL;
	int rc = EXIT_FAILED;

	if (cli->cluster) {
		wname = ClusapiUtf8ToWide(cli->cluster);
		if (!wname) {
			fprintf(stderr, "clusctl: the cluster name is not valid UTF-8\n");
			return EXIT_USAGE;
		}
	}
	HCLUSTER h = OpenClusterEx(wname, cli->access, &granted);
	free(wname);
	if (!h) {
		char what[300];
		snprintf(what, sizeof(what), "cannot open the cluster %s%s%s", cli->cluster ? "\"" : "",
			 cli->cluster ? cli->cluster : "(local)", cli->cluster ? "\"" : "");
		fail(what, GetLastError());
		return EXIT_FAILED;
	}
	CLUSTERVERSIONINFO vi = { .dwVersionInfoSize = sizeof(vi) };
	char *name = fetch_name(h, info_name, &vi, &err);
	char *node = name ? fetch_name(h, node_name, NULL, &err) : NULL;
	char *vendor = node ? ClusapiWideToUtf8(vi.szVendorId) : NULL;
	char *csd = node ? ClusapiWideToUtf8(vi.szCSDVersion) : NULL;
	if (!name || !node) {
		fail("cannot read the cluster information", err);
	} else if (cli->json) {
		printf("{\"cluster\":");
		json_string(name);
		printf(",\"node\":");
		json_string(node);
		printf(",\"nodes\":[");
		json_string(node);
		printf("],\"version\":{\"major\":%u,\"minor\":%u,\"build\":%u,\"vendor\":", vi.MajorVersion,
		       vi.MinorVersion, vi.BuildNumber);
		json_string(vendor ? vendor : "");
		printf(",\"csd\":");
		json_string(csd ? csd : "");
		printf(",\"highest\":%u,\"lowest\":%u},\"access\":\"%s\",\"granted\":%u}\n",
		       (unsigned)vi.dwClusterHighestVersion, (unsigned)vi.dwClusterLowestVersion, access_word(granted),
		       (unsigned)granted);
		rc = 0;
	} else {
		printf("Cluster:  %s\n", name);
		printf("Node:     %s (serving this connection)\n", node);
		printf("Nodes:    %s\n", node);
		printf("Version:  %u.%u build %u (%s, %s)\n", vi.MajorVersion, vi.MinorVersion, vi.BuildNumber,
		       vendor ? vendor : "", csd ? csd : "");
		printf("Access:   %s (0x%08x)\n", access_word(granted), (unsigned)granted);
		printf("Via:      %s\n", cli->cluster ? "RPC over TCP (endpoint mapper)" : "LPC (local socket)");
		rc = 0;
	}
	free(name);
	free(node);
	free(vendor);
	free(csd);
	if (!CloseCluster(h) && rc == 0) {
		fail("closing the cluster handle failed", GetLastError());
		rc = EXIT_FAILED;
	}
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "cluster", required_argument, NULL, 'c' },
		{ "access", required_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli cli = { .access = MAXIMUM_ALLOWED };
	int ch;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:c:a:jhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			cli.cluster = optarg;
			break;
		case 'a':
			if (strcmp(optarg, "read") == 0)
				cli.access = GENERIC_READ;
			else if (strcmp(optarg, "full") == 0)
				cli.access = GENERIC_ALL;
			else if (strcmp(optarg, "max") == 0)
				cli.access = MAXIMUM_ALLOWED;
			else {
				fprintf(stderr, "clusctl: --access wants read, full or max, not \"%s\"\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'j':
			cli.json = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("clusctl %s\n", CLUSAPI_VERSION_STRING);
			return 0;
		case ':':
			fprintf(stderr, "clusctl: option %s needs a value (see clusctl --help)\n", argv[optind - 1]);
			return EXIT_USAGE;
		default:
			fprintf(stderr, "clusctl: unknown option %s (see clusctl --help)\n", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "clusctl: no command given; try \"clusctl cluster\" or clusctl --help\n");
		return EXIT_USAGE;
	}
	const char *cmd = argv[optind++];
	if (optind < argc) {
		fprintf(stderr, "clusctl: unexpected argument \"%s\" after %s\n", argv[optind], cmd);
		return EXIT_USAGE;
	}
	if (strcmp(cmd, "cluster") == 0)
		return cmd_cluster(&cli);
	fprintf(stderr, "clusctl: unknown command \"%s\"; see clusctl --help\n", cmd);
	return EXIT_USAGE;
}
