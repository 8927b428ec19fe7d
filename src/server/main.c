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
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "clusterd.h"
#include "cmrp/cmrp.h"
#include "backend/launch.h"
#include "loop.h"
#include "privdrop.h"
#include "rpc/auth_gss.h"
#include "rpc/transport.h"
#include "service.h"
#include "store.h"

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
	const char *user;
	bool allow_anonymous;
	bool down_level;
	bool foreground;
	struct loop_limits lim;
	size_t loops;
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
		"                            of --max-connections; from half of it on, a new one\n"
		"                            makes room at random (30%%, rising to 100%% at N)\n"
		"                            by closing the one that has waited longest\n"
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
		"      --loops N             event loops (threads) serving connections; default\n"
		"                            the number of online CPUs, at most 16\n"
		"      --allow-anonymous     FOR TESTS: let TCP callers in below PKT_PRIVACY (even\n"
		"                            unauthenticated: full access unless the ACL names\n"
		"                            \"anonymous\")\n"
		"      --test-down-level     FOR TESTS: behave as a down-level server (no OpenClusterEx)\n"
		"  -U, --user NAME           started as root: the user that serves the network once\n"
		"                            the sockets are open; root keeps root; default\n"
		"                            " PRIVDROP_DEFAULT_USER ", with --backend pacemaker " PRIVDROP_PACEMAKER_USER "\n"
		"                            in group " PRIVDROP_PACEMAKER_GROUP " (root, with a warning, when there is no\n"
		"                            such user or group or it cannot reach the state\n"
		"                            directory); a small helper keeps root to start\n"
		"                            Generic Application commands as their RunAsUser\n"
		"                            (embedded) or to edit corosync.conf and run\n"
		"                            corosync-cfgtool -R and crm_node -R (pacemaker)\n"
		"  -v, --verbose             debug logging\n"
		"  -h, --help                this text\n"
		"  -V, --version             the version\n"
		"\n"
		"Over TCP every call must be authenticated and sealed (PKT_PRIVACY): NTLM with\n"
		"the accounts of DIR/accounts (clusctl account add), or Kerberos with the keys\n"
		"of DIR/krb5.keytab or $KRB5_KTNAME (MSServerClusterMgmtAPI/<host>, host/<host>).\n"
		"\n"
		"SIGHUP re-reads the cluster ACL (DIR/cluster.acl), the NTLM accounts\n"
		"(DIR/accounts) and whether a Kerberos keytab is there; everything else (the\n"
		"options above) takes a restart.  Under systemd (clusterd.service, Type=notify)\n"
		"it reports readiness with sd_notify and logs to the journal with priorities.\n"
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
		log_plain(LOG_LVL_ERROR, "%s wants a number from %zu to %zu, not \"%s\"", opt, min, max, arg);
		return -1;
	}
	*out = (size_t)n;
	return 0;
}

static int parse_options(int argc, char **argv, struct options *o)
{
	enum { OPT_ANON = 256, OPT_DOWNLEVEL, OPT_MAX_UNAUTH, OPT_MAX_PER_PEER, OPT_LOGIN_GRACE, OPT_MAX_LPC,
	       OPT_MAX_REASSEMBLY, OPT_LOOPS };
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
		{ "loops", required_argument, NULL, OPT_LOOPS },
		{ "allow-anonymous", no_argument, NULL, OPT_ANON },
		{ "test-down-level", no_argument, NULL, OPT_DOWNLEVEL },
		{ "user", required_argument, NULL, 'U' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
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
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	o->loops = ncpu < 1 ? 1 : ncpu > 16 ? 16 : (size_t)ncpu;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":fs:l:u:e:g:n:b:c:U:vhV", longopts, NULL)) != -1) {
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
				log_plain(LOG_LVL_ERROR, "at most %d --listen addresses", MAX_LISTEN);
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
				log_plain(LOG_LVL_ERROR, "at most %d --epmapper addresses", MAX_LISTEN);
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
				log_plain(LOG_LVL_ERROR, "--backend wants embedded or pacemaker, not \"%s\"", optarg);
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
		case OPT_LOOPS:
			if (parse_count("--loops", optarg, 1, LOOP_MAX, &o->loops) < 0)
				return 2;
			break;
		case OPT_ANON:
			o->allow_anonymous = true;
			break;
		case OPT_DOWNLEVEL:
			o->down_level = true;
			break;
		case 'U':
			o->user = optarg;
			break;
		case 'v':
			o->log_level = LOG_LVL_DEBUG;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("clusterd %s\n", CLUSAPI_VERSION_STRING);
			exit(0);
		case ':':
			log_plain(LOG_LVL_ERROR, "option %s needs a value (see clusterd --help)", argv[optind - 1]);
			return 2;
		default:
			log_plain(LOG_LVL_ERROR, "unknown option %s (see clusterd --help)", argv[optind - 1]);
			return 2;
		}
	}
	if (!unauth_set)
		o->lim.max_unauth = o->lim.max_conns / 4 ? o->lim.max_conns / 4 : 1;
	/* One address alone never reaches the early drop (half the cap). */
	if (!per_peer_set && o->lim.max_per_peer > o->lim.max_unauth / 8)
		o->lim.max_per_peer = o->lim.max_unauth / 8 ? o->lim.max_unauth / 8 : 1;
	if (o->lim.max_unauth > o->lim.max_conns) {
		log_plain(LOG_LVL_ERROR, "--max-unauthenticated (%zu) cannot exceed --max-connections (%zu)", o->lim.max_unauth,
			  o->lim.max_conns);
		return 2;
	}
	if (optind < argc) {
		log_plain(LOG_LVL_ERROR, "unexpected argument \"%s\" (see clusterd --help)", argv[optind]);
		return 2;
	}
	if (o->listen_none && o->nlisten) {
		log_plain(LOG_LVL_ERROR, "--listen none cannot be combined with listen addresses");
		return 2;
	}
	if (o->nepmapper == 0)
		o->epmapper[o->nepmapper++] = geteuid() == 0 ? "*:135" : "none";
	for (size_t i = 0; i < o->nepmapper; i++) {
		if (strcmp(o->epmapper[i], "none") == 0 && o->nepmapper > 1) {
			log_plain(LOG_LVL_ERROR, "--epmapper none cannot be combined with addresses");
			return 2;
		}
	}
	return 0;
}

static int prepare_state_dir(const char *dir)
{
	char probe[600];
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		log_plain(LOG_LVL_ERROR, "cannot create state directory %s: %s", dir, strerror(errno));
		return -1;
	}
	snprintf(probe, sizeof(probe), "%s/.write-test", dir);
	FILE *f = fopen(probe, "we");
	if (!f) {
		log_plain(LOG_LVL_ERROR, "state directory %s is not writable: %s", dir, strerror(errno));
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
		log_plain(LOG_LVL_ERROR, "\"%s\" is not ADDR:PORT (e.g. 127.0.0.1:4000, [::1]:4000, *:4000)", spec);
		return -1;
	}
	uint16_t *port = ss.ss_family == AF_INET ? &((struct sockaddr_in *)&ss)->sin_port
						  : &((struct sockaddr_in6 *)&ss)->sin6_port;
	if (*port == 0 && shared_port && *shared_port)
		*port = htons(*shared_port);
	int fd = transport_listen_tcp((struct sockaddr *)&ss, len);
	if (fd < 0) {
		log_plain(LOG_LVL_ERROR, "cannot listen on %s: %s%s", spec, strerror(errno),
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

/* The endpoint mapper's entry for one MS-CMRP listener: its own IPv4
 * address, or none (0) for a wildcard, whose towers then name the address
 * each client reached the mapper on.  An IPv6-only listener has no tower
 * (the tower format has no IPv6 floor). */
static void epm_register_listen(struct epm_registry *reg, const char *spec, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	uint32_t ipv4 = 0;

	if (transport_parse_hostport(spec, &ss, &len) < 0)
		return;
	uint16_t own = ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
						     : ((struct sockaddr_in6 *)&ss)->sin6_port);
	if (own)
		port = own; /* else it shares the first listener's */
	if (ss.ss_family == AF_INET) {
		ipv4 = ntohl(((struct sockaddr_in *)&ss)->sin_addr.s_addr);
	} else {
		const struct in6_addr *a = &((struct sockaddr_in6 *)&ss)->sin6_addr;
		if (IN6_IS_ADDR_V4MAPPED(a))
			ipv4 = (uint32_t)a->s6_addr[12] << 24 | (uint32_t)a->s6_addr[13] << 16 |
			       (uint32_t)a->s6_addr[14] << 8 | a->s6_addr[15];
		else if (!IN6_IS_ADDR_UNSPECIFIED(a))
			return;
	}
	for (size_t i = 0; i < reg->n; i++)
		if (reg->entries[i].ipv4 == ipv4 && reg->entries[i].tcp_port == port)
			return; /* the same tower twice */
	/* A wildcard covers every address: it replaces the specific ones. */
	if (ipv4 == 0)
		reg->n = 0;
	else
		for (size_t i = 0; i < reg->n; i++)
			if (reg->entries[i].ipv4 == 0)
				return;
	if (!epm_registry_add(reg, &cmrp_syntax, port, ipv4, "Failover Cluster Management API"))
		log_warn("endpoint mapper: no room for the MS-CMRP listener %s", spec);
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

/* Whether Kerberos is offered: a usable keytab (state dir or $KRB5_KTNAME);
 * what is said about it goes into msg. */
static bool krb5_check(const char *state_dir, char *msg, size_t msglen)
{
	struct rpc_auth_gss_server_config kcfg = { .state_dir = state_dir };
	char kt[600], kerr[600];
	bool on = rpc_auth_krb5_server_check(&kcfg, kerr, sizeof(kerr)) == 0;
	if (on && rpc_auth_krb5_keytab_name(&kcfg, kt, sizeof(kt)) == 0)
		snprintf(msg, msglen, "Kerberos: accepting " RPC_KRB5_SERVICE "/<host> and host/<host> with keys from %s",
			 kt);
	else if (on)
		snprintf(msg, msglen, "Kerberos: accepting " RPC_KRB5_SERVICE "/<host> and host/<host>");
	else
		snprintf(msg, msglen, "Kerberos is off (NTLM only over TCP): %s", kerr);
	return on;
}

struct reload_ctx {
	struct server_state *st;
	const char *state_dir;
};

/* SIGHUP, from the event loop: re-read what can be re-read, say so in one
 * line (a file that cannot be read or parsed keeps its previous contents and
 * is named in a line of its own). */
static void reload(void *arg)
{
	struct reload_ctx *r = arg;
	struct server_state *st = r->st;
	char err[600], kmsg[700], acl_s[700], acc_s[700];

	service_reloading();
	if (acl_file_reload(&st->acl, err, sizeof(err)) == 0) {
		snprintf(acl_s, sizeof(acl_s), "cluster ACL reloaded from %s (%zu entries)",
			 st->acl.be ? "the cluster store" : st->acl.path, st->acl.acl.n);
	} else {
		log_error("SIGHUP: cluster ACL not reloaded, keeping the previous one: %s", err);
		snprintf(acl_s, sizeof(acl_s), "cluster ACL NOT reloaded (see above)");
	}
	if (accounts_reload(&st->accounts, err, sizeof(err)) == 0) {
		snprintf(acc_s, sizeof(acc_s), "NTLM accounts reloaded from %s (%zu accounts)",
			 st->accounts.be ? "the cluster store" : st->accounts.path,
			 st->accounts.n);
	} else {
		log_error("SIGHUP: NTLM accounts not reloaded, keeping the previous ones: %s", err);
		snprintf(acc_s, sizeof(acc_s), "NTLM accounts NOT reloaded (see above)");
	}
	bool krb5 = krb5_check(r->state_dir, kmsg, sizeof(kmsg));
	if (krb5 != st->krb5)
		log_info("%s", kmsg); /* a keytab came or went: say which, and why */
	st->krb5 = krb5;
	log_info("SIGHUP: %s; %s; Kerberos keytab checked: Kerberos %s; kept until a restart: listen addresses, "
		 "endpoint mapper, LPC socket, state directory, backend, node name, admin group, "
		 "connection limit, event loops, log level",
		 acl_s, acc_s, krb5 ? "on" : "off");
	service_ready("serving (reloaded)");
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
	(void)log_to_journal(); /* decided once, before any thread logs */
	signal(SIGPIPE, SIG_IGN);

	/* Thousands of connections need thousands of descriptors. */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}

	/* Least privilege (doc/design.md): started as root, the helper that
	 * keeps root is forked now, before anything is opened; the rest gives
	 * up root once its sockets and files are open. */
	struct privdrop pd;
	char warn[700];
	bool embedded = strcmp(o.backend, "embedded") == 0;
	if ((embedded ? privdrop_plan(&pd, o.user, o.state_dir, warn, sizeof(warn), err, sizeof(err))
		      : privdrop_plan_pacemaker(&pd, o.user, o.state_dir, warn, sizeof(warn), err, sizeof(err))) < 0) {
		log_plain(LOG_LVL_ERROR, "%s", err);
		return 1;
	}
	if (warn[0])
		log_warn("%s", warn);
	if (pd.drop) {
		/* Commands the helper starts are handed to us: we wait for them. */
		if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0 || launch_helper_start() < 0) {
			log_plain(LOG_LVL_ERROR, "cannot start the privileged helper: %s", strerror(errno));
			return 1;
		}
	}

	memset(&st, 0, sizeof(st));
	st.down_level = o.down_level;
	if (prepare_state_dir(o.state_dir) < 0)
		return 1;
	if (identity_load(&st.id, o.state_dir, o.node_name, err, sizeof(err)) < 0) {
		log_plain(LOG_LVL_ERROR, "%s", err);
		return 1;
	}
	if (embedded)
		st.be = backend_embedded_open(o.state_dir, st.id.node_name, st.id.cluster_name, err, sizeof(err));
	else
		st.be = open_pacemaker(&st.id, err, sizeof(err));
	if (!st.be) {
		log_plain(LOG_LVL_ERROR, "%s", err);
		return 1;
	}
	/* Generic Application resources run their commands from now on. */
	if (embedded && backend_embedded_supervise(st.be, true) != BE_OK) {
		log_plain(LOG_LVL_ERROR, "cannot supervise resource processes: %s", strerror(errno));
		st.be->ops->destroy(st.be);
		return 1;
	}
	char acl_path[600];
	snprintf(acl_path, sizeof(acl_path), "%s/cluster.acl", o.state_dir);
	/* A backend that keeps them for the whole cluster has the ACL and the
	 * accounts (this node's old files are adopted once); else, files. */
	bool shared = store_available(st.be);
	if ((shared ? acl_file_load_store(&st.acl, st.be, acl_path, o.admin_group, o.allow_anonymous, err, sizeof(err))
		    : acl_file_load(&st.acl, acl_path, o.admin_group, o.allow_anonymous, err, sizeof(err))) < 0) {
		log_plain(LOG_LVL_ERROR, "%s", err);
		st.be->ops->destroy(st.be);
		return 1;
	}
	if ((shared ? accounts_open_store(&st.accounts, st.be, o.state_dir, err, sizeof(err))
		    : accounts_open(&st.accounts, o.state_dir, err, sizeof(err))) < 0) {
		log_plain(LOG_LVL_ERROR, "%s", err);
		acl_file_free(&st.acl);
		st.be->ops->destroy(st.be);
		return 1;
	}
	/* Kerberos when there is a keytab (state dir or $KRB5_KTNAME). */
	char kmsg[700];
	st.krb5 = krb5_check(o.state_dir, kmsg, sizeof(kmsg));
	log_info("%s", kmsg);
	if (o.allow_anonymous)
		log_warn("--allow-anonymous: TCP callers are let in without PKT_PRIVACY (unauthenticated ones with full access unless the ACL names anonymous); for tests only");
	if (o.down_level)
		log_warn("--test-down-level: OpenClusterEx is refused as by a down-level server; for tests only");

	if (st.be->ops->one_thread && o.loops > 1) {
		log_info("the %s backend is called from one thread: serving with one event loop (not %zu)",
			 st.be->ops->name, o.loops);
		o.loops = 1;
	}
	struct loop *l = loop_new(&st, &o.lim, o.loops);
	if (!l) {
		log_plain(LOG_LVL_ERROR, "cannot create the event loop: %s", strerror(errno));
		accounts_close(&st.accounts);
		acl_file_free(&st.acl);
		st.be->ops->destroy(st.be);
		return 1;
	}
	rc = 1;
	prepare_socket_dir(o.lpc_socket);
	int lpc = transport_listen_unix(o.lpc_socket);
	if (lpc < 0) {
		log_plain(LOG_LVL_ERROR, "cannot listen on LPC socket %s: %s%s", o.lpc_socket, strerror(errno),
			errno == EADDRINUSE ? " (another clusterd is running there)" : "");
		goto out;
	}
	if (loop_add_listener(l, lpc, LISTEN_LPC) < 0) {
		close(lpc);
		goto out;
	}
	log_info("LPC listening on %s", o.lpc_socket);
	/* Its directory is root's: the helper removes it when we end. */
	if (launch_helper_running() && (errno = launch_helper_own_socket(o.lpc_socket)) != 0) {
		log_plain(LOG_LVL_ERROR, "cannot hand the LPC socket to the privileged helper: %s", strerror(errno));
		goto out_unlink;
	}

	uint16_t port = 0;
	if (!o.listen_none) {
		if (o.nlisten == 0)
			o.listen[o.nlisten++] = "*:0";
		for (size_t i = 0; i < o.nlisten; i++)
			if (open_tcp(l, o.listen[i], LISTEN_CMRP_TCP, &port) < 0)
				goto out_unlink;
		for (size_t i = 0; i < o.nlisten; i++)
			epm_register_listen(loop_epm_registry(l), o.listen[i], port);
	}
	uint16_t epm_port = 0;
	for (size_t i = 0; i < o.nepmapper; i++)
		if (strcmp(o.epmapper[i], "none") != 0 && open_tcp(l, o.epmapper[i], LISTEN_EPM, &epm_port) < 0)
			goto out_unlink;

	if (pd.drop) {
		if (privdrop_own_state(&pd, o.state_dir, err, sizeof(err)) < 0 ||
		    privdrop_drop(&pd, err, sizeof(err)) < 0) {
			log_plain(LOG_LVL_ERROR, "%s", err);
			goto out_unlink;
		}
		log_info("serving as user %s (uid %u, gid %u), no new privileges%s; a helper keeps root to %s",
			 pd.user, (unsigned)pd.uid, (unsigned)pd.gid,
			 privdrop_have_seccomp() ? ", seccomp filter" : " (built without seccomp)",
			 embedded ? "start and stop resource commands"
				  : "edit corosync.conf and run corosync-cfgtool -R and crm_node -R for EvictNode");
		/* A keytab outside the state directory must be readable by the
		 * user too: say so now rather than at the first Kerberos bind. */
		bool krb5 = krb5_check(o.state_dir, kmsg, sizeof(kmsg));
		if (st.krb5 && !krb5)
			log_warn("as user %s, %s", pd.user, kmsg);
		st.krb5 = krb5;
	}
	struct reload_ctx rctx = { .st = &st, .state_dir = o.state_dir };
	loop_on_reload(l, reload, &rctx);
	log_info("cluster \"%s\", node \"%s\", state in %s: ready", st.id.cluster_name, st.id.node_name, o.state_dir);
	char status[300];
	snprintf(status, sizeof(status), "serving cluster \"%s\" as node \"%s\" (%s backend)", st.id.cluster_name,
		 st.id.node_name, o.backend);
	service_ready(status);
	rc = loop_run(l) == 0 ? 0 : 1;
	service_stopping();
out_unlink:
	unlink(o.lpc_socket);
out:
	loop_free(l);
	accounts_close(&st.accounts);
	acl_file_free(&st.acl);
	st.be->ops->destroy(st.be);
	launch_helper_stop(); /* after the commands have stopped */
	return rc;
}
