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

#include "cli.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: clusctl [OPTIONS] COMMAND [ARGUMENTS] [OPTIONS]\n"
		"Manage a failover cluster served by clusterd (or any MS-CMRP server).\n"
		"\n"
		"Commands:\n"
		"  cluster                       the cluster: name, node, version, granted access\n"
		"  watch [SECONDS]               print the cluster's changes as they happen (for\n"
		"                                SECONDS, else until interrupted); --json: one\n"
		"                                object a line\n"
		"\n"
		"  node list                     the nodes and their states\n"
		"  node show NAME                one node: state, the groups it owns, its interfaces\n"
		"  node pause NAME               stop the node from taking groups\n"
		"  node resume NAME              let a paused node take groups again\n"
		"  node evict NAME               remove a node that is down from the cluster\n"
		"\n"
		"  group list                    the groups, their owner nodes and states\n"
		"  group show NAME               one group: state, owner, resources, preferred nodes\n"
		"  group create NAME             a new, empty, offline group\n"
		"  group delete NAME             delete an empty group\n"
		"  group online NAME             bring the group and its resources online\n"
		"  group offline NAME            take the group and its resources offline\n"
		"  group move NAME [NODE]        move the group to NODE (default: the best other node)\n"
		"  group rename NAME NEWNAME     rename the group\n"
		"  group get NAME                its common properties, failover policy included\n"
		"  group set NAME PROPERTY VALUE set one (FailoverThreshold, AutoFailbackType...)\n"
		"\n"
		"  resource list [--group GROUP] the resources (only GROUP's with --group)\n"
		"  resource show NAME            one resource: state, owner, group, type,\n"
		"                                dependencies, possible owners, network name\n"
		"  resource types                the resource types resources can be created with\n"
		"  resource type list            the types, whether each is available here, what runs it\n"
		"  resource type show NAME       one type: what runs it, its nodes and resources\n"
		"  resource create NAME --group GROUP --type TYPE\n"
		"                                a new, offline resource of TYPE in GROUP\n"
		"  resource delete NAME          delete an offline resource nothing depends on\n"
		"  resource online NAME          bring the resource online\n"
		"  resource offline NAME         take the resource offline\n"
		"  resource fail NAME            mark the resource failed (to test failover)\n"
		"  resource rename NAME NEWNAME  rename the resource\n"
		"  resource depend NAME PROVIDER NAME depends on PROVIDER (same group): PROVIDER\n"
		"                                comes online first and goes offline last\n"
		"  resource undepend NAME PROVIDER\n"
		"                                remove that dependency\n"
		"  resource owners NAME [add|remove NODE]\n"
		"                                the nodes the resource may run on (its possible\n"
		"                                owners), or add / remove one\n"
		"  group owners NAME [set [NODE...]]\n"
		"                                the group's preferred owners, most preferred\n"
		"                                first, or set them (none: no preference)\n"
		"  resource get NAME             its common properties, restart policy included\n"
		"  resource set NAME PROPERTY VALUE\n"
		"                                set one (RestartThreshold, RestartDelay...)\n"
		"\n"
		"  network list                  the cluster networks and their states\n"
		"  network show NAME             one network\n"
		"  network rename NAME NEWNAME   rename the network (not on a Pacemaker cluster)\n"
		"  netinterface list             the network interfaces, their nodes and states\n"
		"  netinterface show NAME        one network interface\n"
		"\n"
		"  access show                   the cluster access list: who may read or change\n"
		"  access grant NAME --full|--read\n"
		"                                give NAME full (read and change) or read access\n"
		"  access block NAME             deny NAME any access (wins over every grant)\n"
		"  access remove NAME            take NAME's entries out of the access list\n"
		"                                NAME: user:NAME (or a bare NAME), group:NAME,\n"
		"                                uid:N, gid:N, ntlm:NAME, kerberos:USER@REALM\n"
		"                                (or a bare USER@REALM), anonymous\n"
		"  account list                  clusterd's NTLM accounts (root, locally)\n"
		"  account add NAME              add an NTLM account or set its password: read\n"
		"                                from standard input (asked twice without echo\n"
		"                                on a terminal, else one line)\n"
		"  account remove NAME           remove an NTLM account\n"
		"\n"
		"  A noun alone lists (\"clusctl group\" is \"clusctl group list\", \"clusctl access\"\n"
		"  is \"clusctl access show\").  Names with spaces need quotes; a name that\n"
		"  starts with '-' goes after \"--\".\n"
		"\n"
		"Options (before or after the command words):\n"
		"  -c, --cluster NAME  the cluster or node to manage: host name, FQDN, IPv4 or\n"
		"                      IPv6 address (TCP through the endpoint mapper); without\n"
		"                      it, the local cluster over LPC ($CLUSAPI_LPC_SOCKET or\n"
		"                      " CLUSAPI_DEFAULT_LPC_SOCKET ")\n"
		"  -u, --user NAME     over TCP, log on as the NTLM account NAME (\"DOMAIN\\NAME\"\n"
		"                      works too); the password is asked without echo, or read\n"
		"                      from standard input when that is not a terminal\n"
		"  -a, --access LEVEL  what to ask for: read, full or max (default max: the most\n"
		"                      the cluster ACL gives you)\n"
		"  -j, --json          machine-readable output: list gives an array of objects,\n"
		"                      show one object (name, id, state as a word, state_code as\n"
		"                      the number, and owner_node, group, type, node where they\n"
		"                      apply)\n"
		"  -g, --group GROUP   the group (resource list, resource create)\n"
		"  -t, --type TYPE     the resource type (resource create)\n"
		"      --full, --read  the access to grant (access grant)\n"
		"  -h, --help          this text\n"
		"  -V, --version       the version\n"
		"\n"
		"Output: tables with a header line for list, \"Key: value\" lines for show, one\n"
		"line saying what happened for a change (\"group apps: online\").  Errors go to\n"
		"standard error as \"clusctl: WHAT FAILED: REASON (error N NAME)\".\n"
		"\n"
		"Authentication: over LPC the kernel says who you are.  Over TCP every call is\n"
		"authenticated and encrypted (PKT_PRIVACY), through SPNEGO:\n"
		"  Kerberos  used automatically when you have tickets (kinit: the default\n"
		"            ticket cache or $KRB5CCNAME) and give no --user; the service is\n"
		"            MSServerClusterMgmtAPI/NAME (or host/NAME) for --cluster NAME\n"
		"  NTLM      with --user ACCOUNT, or the CLUSAPI_CREDENTIALS file: an account\n"
		"            of clusterd's (clusctl account add)\n"
		"\n"
		"Environment: CLUSAPI_LPC_SOCKET (local socket), CLUSAPI_EPMAPPER_PORT (endpoint\n"
		"mapper port, default 135), CLUSAPI_CREDENTIALS (a file with \"user = NAME\" and\n"
		"\"password = PW\" lines, mode 0600: the NTLM logon over TCP without --user),\n"
		"KRB5CCNAME (the Kerberos ticket cache).\n"
		"Exit status: 0 success, 1 the cluster refused or could not be reached, 2 usage.\n"
		"The manual, with examples: man clusctl (man -l man/man8/clusctl.8 in the tree).\n");
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
	int rc = EXIT_FAILED;

	HCLUSTER h = cli_open_cluster_granted(cli, &granted);
	if (!h)
		return EXIT_FAILED;
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

/* ---- the command line ------------------------------------------------------------ */

#define OPT_GROUP 1u
#define OPT_TYPE 2u
#define OPT_NEEDED 4u /* the options are required */
#define OPT_LEVEL 8u  /* --full or --read, required */
/* Long-only options (no short letter). */
#define LONG_FULL 0x101
#define LONG_READ 0x102

struct command {
	const char *noun, *verb;
	int min, max;    /* operands */
	unsigned opts;   /* OPT_* it takes */
	const char *synopsis;
	int (*run)(const struct cli *cli, const struct args *a);
};

static int run_cluster(const struct cli *cli, const struct args *a)
{
	(void)a;
	return cmd_cluster(cli);
}

static const struct command commands[] = {
	{ "cluster", NULL, 0, 0, 0, "cluster", run_cluster },
	{ "node", "list", 0, 0, 0, "node list", cmd_node },
	{ "node", "show", 1, 1, 0, "node show NAME", cmd_node },
	{ "node", "pause", 1, 1, 0, "node pause NAME", cmd_node },
	{ "node", "resume", 1, 1, 0, "node resume NAME", cmd_node },
	{ "node", "evict", 1, 1, 0, "node evict NAME", cmd_node },
	{ "group", "list", 0, 0, 0, "group list", cmd_group },
	{ "group", "show", 1, 1, 0, "group show NAME", cmd_group },
	{ "group", "create", 1, 1, 0, "group create NAME", cmd_group },
	{ "group", "delete", 1, 1, 0, "group delete NAME", cmd_group },
	{ "group", "online", 1, 1, 0, "group online NAME", cmd_group },
	{ "group", "offline", 1, 1, 0, "group offline NAME", cmd_group },
	{ "group", "move", 1, 2, 0, "group move NAME [NODE]", cmd_group },
	{ "group", "rename", 2, 2, 0, "group rename NAME NEWNAME", cmd_group },
	{ "group", "get", 1, 1, 0, "group get NAME", cmd_properties },
	{ "group", "set", 3, 3, 0, "group set NAME PROPERTY VALUE", cmd_properties },
	{ "resource", "list", 0, 0, OPT_GROUP, "resource list [--group GROUP]", cmd_resource },
	{ "resource", "show", 1, 1, 0, "resource show NAME", cmd_resource },
	{ "resource", "types", 0, 0, 0, "resource types", cmd_resource },
	{ "resource", "type", 0, 2, 0, "resource type list|show NAME", cmd_resource_type },
	{ "resource", "create", 1, 1, OPT_GROUP | OPT_TYPE | OPT_NEEDED, "resource create NAME --group GROUP --type TYPE",
	  cmd_resource },
	{ "resource", "delete", 1, 1, 0, "resource delete NAME", cmd_resource },
	{ "resource", "online", 1, 1, 0, "resource online NAME", cmd_resource },
	{ "resource", "offline", 1, 1, 0, "resource offline NAME", cmd_resource },
	{ "resource", "fail", 1, 1, 0, "resource fail NAME", cmd_resource },
	{ "resource", "rename", 2, 2, 0, "resource rename NAME NEWNAME", cmd_resource },
	/* issue 11: dependencies and owners (deps.c) */
	{ "resource", "depend", 2, 2, 0, "resource depend NAME PROVIDER", cmd_deps },
	{ "resource", "undepend", 2, 2, 0, "resource undepend NAME PROVIDER", cmd_deps },
	{ "resource", "owners", 1, 3, 0, "resource owners NAME [add|remove NODE]", cmd_deps },
	{ "group", "owners", 1, 18, 0, "group owners NAME [set [NODE...]]", cmd_deps },
	{ "resource", "get", 1, 1, 0, "resource get NAME", cmd_properties },
	{ "resource", "set", 3, 3, 0, "resource set NAME PROPERTY VALUE", cmd_properties },
	{ "network", "list", 0, 0, 0, "network list", cmd_network },
	{ "network", "show", 1, 1, 0, "network show NAME", cmd_network },
	{ "network", "rename", 2, 2, 0, "network rename NAME NEWNAME", cmd_network }, /* issue 13 */
	{ "netinterface", "list", 0, 0, 0, "netinterface list", cmd_netinterface },
	{ "netinterface", "show", 1, 1, 0, "netinterface show NAME", cmd_netinterface },
	{ "access", "show", 0, 0, 0, "access show", cmd_access },
	{ "access", "grant", 1, 1, OPT_LEVEL, "access grant NAME --full|--read", cmd_access },
	{ "access", "block", 1, 1, 0, "access block NAME", cmd_access },
	{ "access", "remove", 1, 1, 0, "access remove NAME", cmd_access },
	{ "account", "list", 0, 0, 0, "account list", cmd_account },
	{ "account", "add", 1, 1, 0, "account add NAME", cmd_account },
	{ "account", "remove", 1, 1, 0, "account remove NAME", cmd_account },
	{ "watch", NULL, 0, 1, 0, "watch [SECONDS]", cmd_watch },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static int usage_error(const char *fmt, const char *a, const char *b, const struct command *c)
{
	fprintf(stderr, "clusctl: ");
	fprintf(stderr, fmt, a, b);
	if (c)
		fprintf(stderr, "; usage: clusctl [OPTIONS] %s\n", c->synopsis);
	else
		fprintf(stderr, "; see clusctl --help\n");
	return EXIT_USAGE;
}

/* The options every command takes; -1 if opt is not one of them, else 0 or
 * an exit status. */
static int global_option(struct cli *cli, int opt, const char *value, bool *done)
{
	switch (opt) {
	case 'c':
		cli->cluster = value;
		return 0;
	case 'a':
		if (strcmp(value, "read") == 0)
			cli->access = GENERIC_READ;
		else if (strcmp(value, "full") == 0)
			cli->access = GENERIC_ALL;
		else if (strcmp(value, "max") == 0)
			cli->access = MAXIMUM_ALLOWED;
		else {
			fprintf(stderr, "clusctl: --access wants read, full or max, not \"%s\"\n", value);
			return EXIT_USAGE;
		}
		return 0;
	case 'j':
		cli->json = true;
		return 0;
	case 'u':
		cli->user = value;
		return 0;
	case 'h':
		usage(stdout);
		*done = true;
		return 0;
	case 'V':
		printf("clusctl %s\n", CLUSAPI_VERSION_STRING);
		*done = true;
		return 0;
	default:
		return -1;
	}
}

static const struct option longopts[] = {
	{ "cluster", required_argument, NULL, 'c' },
	{ "access", required_argument, NULL, 'a' },
	{ "json", no_argument, NULL, 'j' },
	{ "user", required_argument, NULL, 'u' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "group", required_argument, NULL, 'g' },
	{ "type", required_argument, NULL, 't' },
	{ "full", no_argument, NULL, LONG_FULL },
	{ "read", no_argument, NULL, LONG_READ },
	{ NULL, 0, NULL, 0 },
};

/* One option (anywhere among the words: before, between or after the
 * command words): its letter, or 0 if unknown; *value
 * is its value (from "--opt=value" or the next word, *i moves past it) and
 * NULL when a value is missing. */
static int word_option(int argc, char **argv, int *i, const char **value, bool *missing)
{
	const char *w = argv[*i], *eq = NULL;
	int letter = 0, has_arg = 0;
	*value = NULL;
	*missing = false;
	if (w[1] == '-') {
		eq = strchr(w, '=');
		size_t len = eq ? (size_t)(eq - w - 2) : strlen(w + 2);
		for (const struct option *o = longopts; o->name; o++)
			if (strlen(o->name) == len && strncmp(o->name, w + 2, len) == 0) {
				letter = o->val;
				has_arg = o->has_arg;
			}
	} else {
		for (const struct option *o = longopts; o->name; o++)
			if (o->val == w[1]) {
				letter = o->val;
				has_arg = o->has_arg;
			}
		/* "-cNAME" as well as "-c NAME". */
		if (w[2] != '\0' && !has_arg)
			letter = 0;
	}
	if (!letter || (!has_arg && eq))
		return 0;
	if (has_arg) {
		if (eq)
			*value = eq + 1;
		else if (w[1] != '-' && w[2] != '\0')
			*value = w + 2;
		else if (*i + 1 < argc)
			*value = argv[++*i];
		else
			*missing = true;
	}
	return letter;
}

int main(int argc, char **argv)
{
	struct cli cli = { .access = MAXIMUM_ALLOWED };
	struct args a = { 0 };
	const char *words[8];
	int nwords = 0;
	bool done = false, group_given = false, type_given = false;

	/* Options and command words, in any order; "--" ends the options. */
	bool operands_only = false;
	for (int i = 1; i < argc; i++) {
		const char *w = argv[i];
		if (!operands_only && strcmp(w, "--") == 0) {
			operands_only = true;
			continue;
		}
		if (!operands_only && w[0] == '-' && w[1] != '\0') {
			const char *value;
			bool missing;
			int letter = word_option(argc, argv, &i, &value, &missing);
			if (!letter) {
				fprintf(stderr, "clusctl: unknown option %s (see clusctl --help)\n", w);
				return EXIT_USAGE;
			}
			if (missing) {
				fprintf(stderr, "clusctl: option %s needs a value (see clusctl --help)\n", w);
				return EXIT_USAGE;
			}
			if (letter == LONG_FULL || letter == LONG_READ) {
				int level = letter == LONG_FULL ? 'F' : 'R';
				if (a.level && a.level != level) {
					fprintf(stderr, "clusctl: --full and --read exclude each other (see clusctl --help)\n");
					return EXIT_USAGE;
				}
				a.level = level;
			} else if (letter == 'g') {
				a.group = value;
				group_given = true;
			} else if (letter == 't') {
				a.type = value;
				type_given = true;
			} else {
				int rc = global_option(&cli, letter, value, &done);
				if (rc)
					return EXIT_USAGE;
				if (done)
					return 0;
			}
			continue;
		}
		if (nwords == (int)(sizeof(words) / sizeof(words[0]))) {
			fprintf(stderr, "clusctl: too many arguments (see clusctl --help)\n");
			return EXIT_USAGE;
		}
		words[nwords++] = w;
	}
	if (nwords == 0) {
		fprintf(stderr, "clusctl: no command given; try \"clusctl cluster\" or clusctl --help\n");
		return EXIT_USAGE;
	}

	/* Which command. */
	a.noun = words[0];
	const struct command *c = NULL;
	bool noun_known = false;
	for (size_t i = 0; i < NCOMMANDS; i++)
		noun_known |= strcmp(commands[i].noun, a.noun) == 0;
	if (!noun_known)
		return usage_error("unknown command \"%s\"%s", a.noun, "", NULL);
	int first_operand = 1;
	for (size_t i = 0; i < NCOMMANDS && !c; i++)
		if (!commands[i].verb && strcmp(commands[i].noun, a.noun) == 0)
			c = &commands[i]; /* a command of one word */
	if (!c) {
		/* A noun alone lists. */
		a.verb = nwords > 1 ? words[1] : strcmp(a.noun, "access") == 0 ? "show" : "list";
		first_operand = 2;
		for (size_t i = 0; i < NCOMMANDS && !c; i++)
			if (strcmp(commands[i].noun, a.noun) == 0 && strcmp(commands[i].verb, a.verb) == 0)
				c = &commands[i];
		if (!c) {
			char verbs[256] = "";
			for (size_t i = 0; i < NCOMMANDS; i++)
				if (strcmp(commands[i].noun, a.noun) == 0) {
					strcat(verbs, *verbs ? ", " : "");
					strcat(verbs, commands[i].verb);
				}
			fprintf(stderr, "clusctl: unknown %s command \"%s\"; use one of: %s (see clusctl --help)\n", a.noun,
				a.verb, verbs);
			return EXIT_USAGE;
		}
	}
	char full[64];
	snprintf(full, sizeof(full), "%s%s%s", c->noun, c->verb ? " " : "", c->verb ? c->verb : "");

	/* Its operands and options. */
	for (int i = first_operand; i < nwords; i++) {
		if (a.npos == c->max) {
			/* The message clusctl has always given for "cluster". */
			if (c->max == 0 && !c->verb)
				fprintf(stderr, "clusctl: unexpected argument \"%s\" after %s\n", words[i], full);
			else
				usage_error("unexpected argument \"%s\" after %s", words[i], full, c);
			return EXIT_USAGE;
		}
		a.pos[a.npos++] = words[i];
	}
	if (a.npos < c->min) {
		const char *need = c->synopsis + strlen(full) + 1;
		return usage_error("%s needs %s", full, need, c);
	}
	if (group_given && !(c->opts & OPT_GROUP))
		return usage_error("--group does not apply to %s%s", full, "", c);
	if (type_given && !(c->opts & OPT_TYPE))
		return usage_error("--type does not apply to %s%s", full, "", c);
	if ((c->opts & OPT_NEEDED) && (!a.group || !a.type || !*a.group || !*a.type))
		return usage_error("%s needs %s", full, "--group GROUP and --type TYPE", c);
	if (a.level && !(c->opts & OPT_LEVEL))
		return usage_error("%s does not apply to %s", a.level == 'F' ? "--full" : "--read", full, c);
	if ((c->opts & OPT_LEVEL) && !a.level)
		return usage_error("%s needs %s", full, "--full or --read", c);
	if (a.group && !*a.group)
		return usage_error("--group needs a group name%s%s", "", "", c);
	return c->run(&cli, &a);
}
