/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * clusterd: the cluster service.  Parses its command line, prepares the state
 * directory, the cluster identity and ACL, opens its sockets (LPC, MS-CMRP over
 * TCP, the endpoint mapper) and runs the event loop.
 */
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "clusterd.h"
#include "cmrp/cmrp.h"
#include "loop.h"
#include "rpc/auth_gss.h"
#include "rpc/transport.h"

#define DEFAULT_STATE_DIR "/var/lib/clusterd"
#define DEFAULT_ADMIN_GROUP "clusadm"
#define MAX_LISTEN 8

struct options {
	const char *state_dir;
	const char *lpc_socket;
	const char *listen[MAX_LISTEN];
	size_t nlisten;
	bool listen_none;
	const char *epmapper[MAX_LISTEN];
	size_t nepmapper;
	const char *admin_group;
	const char *node_name;
	const char *backend;
	bool allow_anonymous;
	bool down_level;
	bool foreground;
	struct loop_limits lim;
	enum log_level log_level;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: clusterd [OPTION]...\n"
		"The cluster service: serves the Failover Cluster management protocol (MS-CMRP)\n"
		"locally over LPC (a Unix socket) and remotely over TCP.\n"
		"\n"
		"  -f, --foreground          stay in the foreground, log to stderr (the only mode)\n"
		"  -s, --state-dir DIR       cluster state (name, ACL, NTLM accounts); default " DEFAULT_STATE_DIR "\n"
		"  -l, --listen ADDR:PORT    MS-CMRP over TCP; repeatable; IPv6 as [::1]:PORT, \"*:PORT\"\n"
		"                            for every address; PORT 0 picks one (shared by all\n"
		"                            listeners); \"none\" for LPC only; default *:0\n"
		"  -u, --lpc-socket PATH     local socket; default " CLUSAPI_DEFAULT_LPC_SOCKET "\n"
		"  -e, --epmapper ADDR:PORT|none\n"
		"                            endpoint mapper; repeatable like --listen; default\n"
		"                            *:135 as root, none otherwise\n"
		"  -g, --admin-group NAME    group given full access in a new ACL; default " DEFAULT_ADMIN_GROUP "\n"
		"  -n, --node-name NAME      this node's name; default the short host name\n"
		"  -b, --backend NAME        where the cluster lives: embedded (one node, the\n"
		"                            default) or pacemaker (the corosync + Pacemaker\n"
		"                            cluster this node is in; names come from corosync)\n"
		"  -c, --max-connections N   TCP connections at once; default 16384\n"
		"      --max-unauthenticated N\n"
		"                            TCP connections not yet logged in; default a quarter\n"
		"                            of --max-connections; from half of it on, new ones\n"
		"                            are dropped at random (30%%, rising to 100%% at N)\n"
		"      --max-per-peer N      TCP connections not yet logged in from one address;\n"
		"                            default 32, or an eighth of --max-unauthenticated\n"
		"                            when that is less\n"
		"      --login-grace SECONDS time to bind and log in over TCP (the endpoint mapper:\n"
		"                            to finish), then the connection is closed; 0 for no\n"
		"                            limit; default 10\n"
		"      --max-lpc-connections N\n"
		"                            LPC connections at once, counted apart from TCP;\n"
		"                            default 1024\n"
		"      --max-reassembly-bytes N\n"
		"                            bytes of fragmented requests held at once, all\n"
		"                            connections together (one request: at most 4 MiB);\n"
		"                            default 67108864 (64 MiB)\n"
		"      --allow-anonymous     FOR TESTS: let TCP callers in below PKT_PRIVACY (even\n"
		"                            unauthenticated: full access unless the ACL names\n"
		"                            \"anonymous\")\n"
		"      --test-down-level     FOR TESTS: behave as a down-level server (no OpenClusterEx)\n"
		"  -v, --verbose             debug logging\n"
		"  -h, --help                this text\n"
		"      --version             the version\n"
		"\n"
		"Over TCP every call must be authenticated and sealed (PKT_PRIVACY): NTLM with\n"
		"the accounts of DIR/accounts (clusctl account add), or Kerberos with the keys\n"
		"of DIR/krb5.keytab or $KRB5_KTNAME (MSServerClusterMgmtAPI/<host>, host/<host>).\n"
		"\n"
		"Exit status: 0 after a clean stop (SIGTERM, SIGINT), 1 on a start-up error, 2 on\n"
		"a usage error.\n");
}

static int parse_count(const char *opt, const char *arg, size_t min, size_t max, size_t *out)
{
	char *end;
	errno = 0;
	unsigned long long n = strtoull(arg, &end, 10);
	if (!*arg || *end || errno || arg[0] == '-' || n < min || n > max) {
		fprintf(stderr, "clusterd: %s wants a number from %zu to %zu, not \"%s\"\n", opt, min, max, arg);
		return -1;
	}
	*out = (size_t)n;
	return 0;
}

static int parse_options(int argc, char **argv, struct options *o)
{
	enum { OPT_ANON = 256, OPT_DOWNLEVEL, OPT_VERSION, OPT_MAX_UNAUTH, OPT_MAX_PER_PEER, OPT_LOGIN_GRACE, OPT_MAX_LPC,
	       OPT_MAX_REASSEMBLY };
	static const struct option longopts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "listen", required_argument, NULL, 'l' },
		{ "lpc-socket", required_argument, NULL, 'u' },
		{ "epmapper", required_argument, NULL, 'e' },
		{ "admin-group", required_argument, NULL, 'g' },
		{ "node-name", required_argument, NULL, 'n' },
		{ "backend", required_argument, NULL, 'b' },
		{ "max-connections", required_argument, NULL, 'c' },
		{ "max-unauthenticated", required_argument, NULL, OPT_MAX_UNAUTH },
		{ "max-per-peer", required_argument, NULL, OPT_MAX_PER_PEER },
		{ "login-grace", required_argument, NULL, OPT_LOGIN_GRACE },
		{ "max-lpc-connections", required_argument, NULL, OPT_MAX_LPC },
		{ "max-reassembly-bytes", required_argument, NULL, OPT_MAX_REASSEMBLY },
		{ "allow-anonymous", no_argument, NULL, OPT_ANON },
		{ "test-down-level", no_argument, NULL, OPT_DOWNLEVEL },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	int ch;
	bool unauth_set = false, per_peer_set = false;

	memset(o, 0, sizeof(*o));
	o->state_dir = DEFAULT_STATE_DIR;
	o->lpc_socket = CLUSAPI_DEFAULT_LPC_SOCKET;
	o->admin_group = DEFAULT_ADMIN_GROUP;
	o->lim.max_conns = 16384;
	o->lim.max_per_peer = 32;
	o->lim.login_grace_s = 10;
	o->lim.max_lpc = 1024;
	o->lim.max_reassembly = 64u * 1024u * 1024u;
	o->log_level = LOG_LVL_INFO;
	o->backend = "embedded";
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":fs:l:u:e:g:n:b:c:vh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			o->foreground = true;
			break;
		case 's':
			o->state_dir = optarg;
			break;
		case 'l':
			if (strcmp(optarg, "none") == 0) {
				o->listen_none = true;
			} else if (o->nlisten == MAX_LISTEN) {
				fprintf(stderr, "clusterd: at most %d --listen addresses\n", MAX_LISTEN);
				return 2;
			} else {
				o->listen[o->nlisten++] = optarg;
			}
			break;
		case 'u':
			o->lpc_socket = optarg;
			break;
		case 'e':
			if (o->nepmapper == MAX_LISTEN) {
				fprintf(stderr, "clusterd: at most %d --epmapper addresses\n", MAX_LISTEN);
				return 2;
			}
			o->epmapper[o->nepmapper++] = optarg;
			break;
		case 'g':
			o->admin_group = optarg;
			break;
		case 'n':
			o->node_name = optarg;
			break;
		case 'b':
			if (strcmp(optarg, "embedded") != 0 && strcmp(optarg, "pacemaker") != 0) {
				fprintf(stderr, "clusterd: --backend wants embedded or pacemaker, not \"%s\"\n", optarg);
				return 2;
			}
			o->backend = optarg;
			break;
		case 'c':
			if (parse_count("--max-connections", optarg, 1, 1000000, &o->lim.max_conns) < 0)
				return 2;
			break;
		case OPT_MAX_UNAUTH:
			if (parse_count("--max-unauthenticated", optarg, 1, 1000000, &o->lim.max_unauth) < 0)
				return 2;
			unauth_set = true;
			break;
		case OPT_MAX_PER_PEER:
			if (parse_count("--max-per-peer", optarg, 1, 1000000, &o->lim.max_per_peer) < 0)
				return 2;
			per_peer_set = true;
			break;
		case OPT_LOGIN_GRACE: {
			size_t n;
			if (parse_count("--login-grace", optarg, 0, 86400, &n) < 0)
				return 2;
			o->lim.login_grace_s = (unsigned)n;
			break;
		}
		case OPT_MAX_LPC:
			if (parse_count("--max-lpc-connections", optarg, 1, 1000000, &o->lim.max_lpc) < 0)
				return 2;
			break;
		case OPT_MAX_REASSEMBLY:
			if (parse_count("--max-reassembly-bytes", optarg, 65536, (size_t)1 << 40, &o->lim.max_reassembly) < 0)
				return 2;
			break;
		case OPT_ANON:
			o->allow_anonymous = true;
			break;
		case OPT_DOWNLEVEL:
			o->down_level = true;
			break;
		case 'v':
			o->log_level = LOG_LVL_DEBUG;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case OPT_VERSION:
			printf("clusterd %s\n", CLUSAPI_VERSION_STRING);
			exit(0);
		case ':':
			fprintf(stderr, "clusterd: option %s needs a value (see clusterd --help)\n", argv[optind - 1]);
			return 2;
		default:
			fprintf(stderr, "clusterd: unknown option %s (see clusterd --help)\n", argv[optind - 1]);
			return 2;
		}
	}
	if (!unauth_set)
		o->lim.max_unauth = o->lim.max_conns / 4 ? o->lim.max_conns / 4 : 1;
	/* One address alone never reaches the early drop (half the cap). */
	if (!per_peer_set && o->lim.max_per_peer > o->lim.max_unauth / 8)
		o->lim.max_per_peer = o->lim.max_unauth / 8 ? o->lim.max_unauth / 8 : 1;
	if (o->lim.max_unauth > o->lim.max_conns) {
		fprintf(stderr, "clusterd: --max-unauthenticated (%zu) cannot exceed --max-connections (%zu)\n",
			o->lim.max_unauth, o->lim.max_conns);
		return 2;
	}
	if (optind < argc) {
		fprintf(stderr, "clusterd: unexpected argument \"%s\" (see clusterd --help)\n", argv[optind]);
		return 2;
	}
	if (o->listen_none && o->nlisten) {
		fprintf(stderr, "clusterd: --listen none cannot be combined with listen addresses\n");
		return 2;
	}
	if (o->nepmapper == 0)
		o->epmapper[o->nepmapper++] = geteuid() == 0 ? "*:135" : "none";
	for (size_t i = 0; i < o->nepmapper; i++) {
		if (strcmp(o->epmapper[i], "none") == 0 && o->nepmapper > 1) {
			fprintf(stderr, "clusterd: --epmapper none cannot be combined with addresses\n");
			return 2;
		}
	}
	return 0;
}

static int prepare_state_dir(const char *dir)
{
	char probe[600];
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		fprintf(stderr, "clusterd: cannot create state directory %s: %s\n", dir, strerror(errno));
		return -1;
	}
	snprintf(probe, sizeof(probe), "%s/.write-test", dir);
	FILE *f = fopen(probe, "we");
	if (!f) {
		fprintf(stderr, "clusterd: state directory %s is not writable: %s\n", dir, strerror(errno));
		return -1;
	}
	fclose(f);
	unlink(probe);
	return 0;
}

/* Create the parent directory of the LPC socket when it does not exist. */
static void prepare_socket_dir(const char *path)
{
	char dir[512];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = 0;
		mkdir(dir, 0755);
	}
}

static int open_tcp(struct loop *l, const char *spec, enum listener_kind kind, uint16_t *shared_port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char where[80];

	if (transport_parse_hostport(spec, &ss, &len) < 0) {
		fprintf(stderr, "clusterd: \"%s\" is not ADDR:PORT (e.g. 127.0.0.1:4000, [::1]:4000, *:4000)\n", spec);
		return -1;
	}
	uint16_t *port = ss.ss_family == AF_INET ? &((struct sockaddr_in *)&ss)->sin_port
						  : &((struct sockaddr_in6 *)&ss)->sin6_port;
	if (*port == 0 && shared_port && *shared_port)
		*port = htons(*shared_port);
	int fd = transport_listen_tcp((struct sockaddr *)&ss, len);
	if (fd < 0) {
		fprintf(stderr, "clusterd: cannot listen on %s: %s%s\n", spec, strerror(errno),
			errno == EADDRINUSE ? " (another program holds that port)"
			: errno == EACCES ? " (ports below 1024 need root)" : "");
		return -1;
	}
	if (shared_port && !*shared_port)
		*shared_port = transport_local_port(fd);
	if (loop_add_listener(l, fd, kind) < 0) {
		close(fd);
		return -1;
	}
	transport_format_addr((struct sockaddr *)&ss, where, sizeof(where));
	log_info("%s listening on %s (port %u)", kind == LISTEN_EPM ? "endpoint mapper" : "MS-CMRP", spec,
		 transport_local_port(fd));
	return 0;
}

/* The Pacemaker backend, when clusterd was built with it: the cluster's and
 * this node's names are corosync's, not the state directory's. */
static struct backend *open_pacemaker(struct identity *id, char *err, size_t errlen)
{
#ifdef CLUSTERD_HAVE_PACEMAKER
	/* corosync.conf's cluster_name, the same on every node: renaming
	 * the cluster is an edit there, not a call here. */
	id->name_fixed = true;
	return backend_pacemaker_open(id->cluster_name, sizeof(id->cluster_name), id->node_name, sizeof(id->node_name),
				      err, errlen);
#else
	(void)id;
	snprintf(err, errlen, "this clusterd was built without the Pacemaker backend (reconfigure with "
		 "-Dpacemaker=enabled after installing pacemaker-dev, libcmap-dev and libquorum-dev)");
	return NULL;
#endif
}

int main(int argc, char **argv)
{
	struct options o;
	struct server_state st;
	char err[512];
	int rc = parse_options(argc, argv, &o);
	if (rc)
		return rc;
	log_set_level(o.log_level);
	signal(SIGPIPE, SIG_IGN);

	/* Thousands of connections need thousands of descriptors. */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}

	memset(&st, 0, sizeof(st));
	st.down_level = o.down_level;
	if (prepare_state_dir(o.state_dir) < 0)
		return 1;
	if (identity_load(&st.id, o.state_dir, o.node_name, err, sizeof(err)) < 0) {
		fprintf(stderr, "clusterd: %s\n", err);
		return 1;
	}
	bool embedded = strcmp(o.backend, "embedded") == 0;
	if (embedded)
		st.be = backend_embedded_open(o.state_dir, st.id.node_name, st.id.cluster_name, err, sizeof(err));
	else
		st.be = open_pacemaker(&st.id, err, sizeof(err));
	if (!st.be) {
		fprintf(stderr, "clusterd: %s\n", err);
		return 1;
	}
	/* Generic Application resources run their commands from now on. */
	if (embedded && backend_embedded_supervise(st.be, true) != BE_OK) {
		fprintf(stderr, "clusterd: cannot supervise resource processes: %s\n", strerror(errno));
		st.be->ops->destroy(st.be);
		return 1;
	}
	char acl_path[600];
	snprintf(acl_path, sizeof(acl_path), "%s/cluster.acl", o.state_dir);
	if (acl_file_load(&st.acl, acl_path, o.admin_group, o.allow_anonymous, err, sizeof(err)) < 0) {
		fprintf(stderr, "clusterd: %s\n", err);
		st.be->ops->destroy(st.be);
		return 1;
	}
	if (accounts_open(&st.accounts, o.state_dir, err, sizeof(err)) < 0) {
		fprintf(stderr, "clusterd: %s\n", err);
		acl_file_free(&st.acl);
		st.be->ops->destroy(st.be);
		return 1;
	}
	/* Kerberos when there is a keytab (state dir or $KRB5_KTNAME). */
	struct rpc_auth_gss_server_config kcfg = { .state_dir = o.state_dir };
	char kt[600], kerr[600];
	st.krb5 = rpc_auth_krb5_server_check(&kcfg, kerr, sizeof(kerr)) == 0;
	if (st.krb5 && rpc_auth_krb5_keytab_name(&kcfg, kt, sizeof(kt)) == 0)
		log_info("Kerberos: accepting " RPC_KRB5_SERVICE "/<host> and host/<host> with keys from %s", kt);
	else if (!st.krb5)
		log_info("Kerberos is off (NTLM only over TCP): %s", kerr);
	if (o.allow_anonymous)
		log_warn("--allow-anonymous: TCP callers are let in without PKT_PRIVACY (unauthenticated ones with full access unless the ACL names anonymous); for tests only");
	if (o.down_level)
		log_warn("--test-down-level: OpenClusterEx is refused as by a down-level server; for tests only");

	struct loop *l = loop_new(&st, &o.lim);
	if (!l) {
		fprintf(stderr, "clusterd: cannot create the event loop: %s\n", strerror(errno));
		accounts_close(&st.accounts);
		acl_file_free(&st.acl);
		st.be->ops->destroy(st.be);
		return 1;
	}
	rc = 1;
	prepare_socket_dir(o.lpc_socket);
	int lpc = transport_listen_unix(o.lpc_socket);
	if (lpc < 0) {
		fprintf(stderr, "clusterd: cannot listen on LPC socket %s: %s%s\n", o.lpc_socket, strerror(errno),
			errno == EADDRINUSE ? " (another clusterd is running there)" : "");
		goto out;
	}
	if (loop_add_listener(l, lpc, LISTEN_LPC) < 0) {
		close(lpc);
		goto out;
	}
	log_info("LPC listening on %s", o.lpc_socket);

	uint16_t port = 0;
	if (!o.listen_none) {
		if (o.nlisten == 0)
			o.listen[o.nlisten++] = "*:0";
		for (size_t i = 0; i < o.nlisten; i++)
			if (open_tcp(l, o.listen[i], LISTEN_CMRP_TCP, &port) < 0)
				goto out_unlink;
		struct epm_registry *reg = loop_epm_registry(l);
		reg->entries[0].iface = cmrp_syntax;
		reg->entries[0].tcp_port = port;
		snprintf(reg->entries[0].annotation, sizeof(reg->entries[0].annotation), "Failover Cluster Management API");
		reg->n = 1;
	}
	uint16_t epm_port = 0;
	for (size_t i = 0; i < o.nepmapper; i++)
		if (strcmp(o.epmapper[i], "none") != 0 && open_tcp(l, o.epmapper[i], LISTEN_EPM, &epm_port) < 0)
			goto out_unlink;

	log_info("cluster \"%s\", node \"%s\", state in %s: ready", st.id.cluster_name, st.id.node_name, o.state_dir);
	rc = loop_run(l) == 0 ? 0 : 1;
out_unlink:
	unlink(o.lpc_socket);
out:
	loop_free(l);
	accounts_close(&st.accounts);
	acl_file_free(&st.acl);
	st.be->ops->destroy(st.be);
	return rc;
}
