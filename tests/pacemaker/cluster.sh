#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# A 3-node corosync + Pacemaker cluster on this one machine, for tests.
#
#   cluster.sh start DIR          create DIR, start the cluster, wait until every node
#                                 is online and a DC is elected; prints the start time
#   cluster.sh stop DIR           kill everything (by PID) and delete the namespaces;
#                                 safe to repeat, safe after a half-done start; a
#                                 start on the same DIR then restarts the cluster
#                                 with the CIB each node had
#   cluster.sh status DIR         crm_mon as node 1 sees it
#   cluster.sh exec DIR N CMD...  run CMD inside node N (its network, mount, UTS
#                                 namespaces: its own /run, /dev/shm, corosync)
#   cluster.sh pid DIR N          the PID whose namespaces are node N's
#   cluster.sh wait DIR N SECONDS wait until N nodes are online (as node 1 sees it)
#   cluster.sh cut DIR N          unplug node N's cable (its veth end on the bridge)
#   cluster.sh heal DIR N         plug it back in
#
# Layout (the recipe in ../shared/pacemaker.md): a bridge namespace
# <tag>-br holding br0 and one veth end per node; node namespaces <tag>-n1..3 with
# eth0 = 10.77.0.N/24 and lo (node names node1..3).  Nothing is added to the host's
# own namespaces.  Each node runs in `unshare -m -u` with private tmpfs on /run and /dev/shm (corosync's and
# libqb's IPC live there) and per-node bind mounts of /var/lib/pacemaker and
# /var/log/pacemaker.  <tag> is random and checked to be unused, so two runs cannot
# collide; DIR holds every PID we start, and stop kills those still inside their node
# namespace (a PID from a long-dead run may belong to someone else by now) and every
# other process there (`ip netns pids`), then deletes the namespaces.
#
# corosync's authkey: DIR/authkey (random, 0400), copied to each node's DIR/nN/authkey
# and named by totem.keyfile (crypto stays off: clusterd alone uses it).
# Test timings, NOT for production: token 1000 ms, dc-deadtime 2 s,
# stonith-enabled=false (no fencing!), no-quorum-policy=stop.
set -u

NODES=${PCMK_TEST_NODES:-3}
CLEANUP_DIR="" # set while a start is half done: die() then tears it down
die() {
	echo "cluster.sh: $*" >&2
	[ -n "$CLEANUP_DIR" ] && cmd_stop "$CLEANUP_DIR"
	exit 1
}

# `ip netns add/del` of other namespaces at the same moment (another test
# run) can make an ip command fail once: try a few times before giving up.
retry() {
	local i
	for i in 1 2 3 4 5; do
		"$@" 2>/dev/null && return 0
		sleep 0.2
	done
	"$@"
}

need_root() { [ "$(id -u)" -eq 0 ] || die "needs root (network and mount namespaces)"; }

tag_of() { cat "$1/tag" 2>/dev/null; }

node_pid() { cat "$1/n$2/init.pid" 2>/dev/null; }

in_node() { # DIR N CMD...
	local dir=$1 n=$2 pid
	shift 2
	pid=$(node_pid "$dir" "$n") || die "node $n of $dir is not running"
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || die "node $n of $dir is not running"
	nsenter -t "$pid" -n -m -u -- "$@"
}

write_corosync_conf() { # FILE NODEDIR N
	local f=$1 nd=$2 n=$3 i
	{
		cat <<EOF
totem {
	version: 2
	cluster_name: pcmktest
	transport: knet
	crypto_cipher: none
	crypto_hash: none
	keyfile: $nd/authkey
	token: 1000
	consensus: 1200
	join: 50
}
quorum {
	provider: corosync_votequorum
}
logging {
	to_logfile: yes
	logfile: $nd/corosync.log
	to_stderr: no
	to_syslog: no
	timestamp: on
}
system {
	state_dir: $nd/corosync-state
}
nodelist {
EOF
		for i in $(seq 1 "$NODES"); do
			printf '\tnode {\n\t\tname: node%d\n\t\tnodeid: %d\n\t\tring0_addr: 10.77.0.%d\n\t}\n' "$i" "$i" "$i"
		done
		echo "}"
	} >"$f"
}

# The CIB each node starts from: the test properties are in place before the
# first election, so even the first DC election uses the short dc-deadtime.
write_cib() { # FILE
	cat >"$1" <<'EOF'
<cib validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
        <nvpair id="cib-bootstrap-options-dc-deadtime" name="dc-deadtime" value="2s"/>
        <nvpair id="cib-bootstrap-options-stonith-enabled" name="stonith-enabled" value="false"/>
        <nvpair id="cib-bootstrap-options-no-quorum-policy" name="no-quorum-policy" value="stop"/>
        <nvpair id="cib-bootstrap-options-cluster-recheck-interval" name="cluster-recheck-interval" value="1min"/>
      </cluster_property_set>
    </crm_config>
    <nodes/>
    <resources/>
    <constraints/>
  </configuration>
  <status/>
</cib>
EOF
}

# What runs as PID "init" of a node: private mounts, corosync, pacemakerd.
write_node_script() { # FILE NODEDIR N
	cat >"$1" <<EOF
#!/bin/bash
set -e
hostname node$3
mount -t tmpfs -o mode=0755 tmpfs /run
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mkdir -p /run/crm /run/resource-agents /run/lock /run/pacemaker
chown hacluster:haclient /run/crm /run/pacemaker
mount --bind $2/lib /var/lib/pacemaker
mount --bind $2/log /var/log/pacemaker
corosync -f -c $2/corosync.conf >$2/corosync.out 2>&1 &
echo \$! >$2/corosync.pid
# pacemakerd refuses to start until corosync answers; give it a moment.
for i in \$(seq 1 100); do
	corosync-cmapctl -g totem.cluster_name >/dev/null 2>&1 && break
	sleep 0.1
done
PCMK_logfile=/var/log/pacemaker/pacemaker.log PCMK_logfacility=none PCMK_debug=no \\
	pacemakerd >$2/pacemakerd.out 2>&1 &
echo \$! >$2/pacemakerd.pid
set +e
wait
EOF
	chmod +x "$1"
}

online_count() { # DIR -> number of online nodes, "dc" appended when a DC is elected
	local xml
	xml=$(in_node "$1" 1 crm_mon -1 --output-as=xml 2>/dev/null) || { echo 0; return; }
	local n
	n=$(grep -c '<node name=.* online="true"' <<<"$xml")
	if grep -q '<current_dc present="true"' <<<"$xml"; then echo "$n dc"; else echo "$n"; fi
}

wait_online() { # DIR COUNT SECONDS
	local dir=$1 want=$2 secs=$3 end=$((SECONDS + $3))
	while [ $SECONDS -lt $end ]; do
		[ "$(online_count "$dir")" = "$want dc" ] && return 0
		sleep 0.5
	done
	echo "cluster.sh: $want nodes not online after ${secs}s:" >&2
	in_node "$dir" 1 crm_mon -1 >&2 2>&1
	return 1
}

cmd_start() {
	local dir=$1 tag i nd ns start
	need_root
	[ -e "$dir/tag" ] && die "$dir already holds a cluster (stop it first)"
	mkdir -p "$dir" || die "cannot create $dir"
	dir=$(cd "$dir" && pwd)
	# A random tag, not the PID: a cluster outlives the start that made
	# it, so a later start could get the same PID.  One nobody uses.
	while :; do
		tag="pcmk$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')"
		ip netns list | grep -q "^$tag-" || break
	done
	echo "$tag" >"$dir/tag"
	CLEANUP_DIR=$dir
	trap 'cmd_stop "$CLEANUP_DIR"' INT TERM
	start=$(date +%s%N)
	retry ip netns add "$tag-br" || die "cannot create namespace $tag-br"
	retry ip -n "$tag-br" link add br0 type bridge || die "cannot create the bridge"
	retry ip -n "$tag-br" link set br0 up
	for i in $(seq 1 "$NODES"); do
		ns="$tag-n$i"
		nd="$dir/n$i"
		mkdir -p "$nd/lib/cib" "$nd/lib/pengine" "$nd/lib/blackbox" "$nd/lib/cores" "$nd/log" "$nd/corosync-state"
		# A restart (stop, then start on the same DIR) keeps each node's CIB.
		[ -f "$nd/lib/cib/cib.xml" ] || write_cib "$nd/lib/cib/cib.xml"
		# corosync's authkey, the same on every node and root's only, as
		# corosync-keygen makes it (clusterd seals secrets in the CIB with a key
		# derived from it; the test totem has no crypto, so corosync ignores it).
		[ -f "$dir/authkey" ] || (umask 077 && head -c 256 /dev/urandom >"$dir/authkey") ||
			die "cannot create the authkey"
		install -m 0400 "$dir/authkey" "$nd/authkey" || die "cannot install node $i's authkey"
		chown -R hacluster:haclient "$nd/lib" "$nd/log"
		chmod 750 "$nd/lib/cib" "$nd/lib/pengine"
		write_corosync_conf "$nd/corosync.conf" "$nd" "$i"
		write_node_script "$nd/node.sh" "$nd" "$i"
		retry ip netns add "$ns" || die "cannot create namespace $ns"
		retry ip -n "$tag-br" link add "p$i" type veth peer name eth0 netns "$ns" || die "cannot create node $i's veth pair"
		retry ip -n "$tag-br" link set "p$i" master br0 up
		retry ip -n "$ns" addr add "10.77.0.$i/24" dev eth0
		retry ip -n "$ns" link set eth0 up
		retry ip -n "$ns" link set lo up
		# setsid: the node outlives this script and owns no terminal.
		setsid ip netns exec "$ns" unshare -m -u --propagation private "$nd/node.sh" \
			>"$nd/node.out" 2>&1 </dev/null &
		echo $! >"$nd/init.pid"
		disown
	done
	# The PIDs above are `ip netns exec`'s, which exec()s into unshare and then
	# the node script: the same process throughout.
	wait_online "$dir" "$NODES" 60 || die "start failed; logs are in $dir/n*/"
	CLEANUP_DIR=""
	trap - INT TERM
	local ms=$((($(date +%s%N) - start) / 1000000))
	printf 'cluster up: %d nodes online in %d.%03d s (%s)\n' "$NODES" $((ms / 1000)) $((ms % 1000)) "$tag"
}

cmd_stop() {
	local dir=$1 tag i ns pid pids round
	tag=$(tag_of "$dir") || return 0
	[ -n "$tag" ] || return 0
	# Everything inside a node namespace: the node init, corosync, the
	# Pacemaker daemons, resource agents, and anything a test started there.
	for round in 1 2 3; do
		pids=""
		for i in $(seq 1 "$NODES"); do
			ns="$tag-n$i"
			for f in "$dir/n$i"/*.pid; do
				[ -f "$f" ] || continue
				pid=$(cat "$f")
				[ "$(ip netns identify "$pid" 2>/dev/null)" = "$ns" ] && pids="$pids $pid"
			done
			ip netns list | grep -qw "^$ns" && pids="$pids $(ip netns pids "$ns" 2>/dev/null)"
		done
		pids=$(for pid in $pids; do kill -0 "$pid" 2>/dev/null && echo "$pid"; done | sort -u)
		[ -z "$pids" ] && break
		# shellcheck disable=SC2086
		kill -9 $pids 2>/dev/null
		sleep 0.3
	done
	for i in $(seq 1 "$NODES"); do
		ip netns del "$tag-n$i" 2>/dev/null
	done
	ip netns del "$tag-br" 2>/dev/null
	rm -f "$dir/tag" "$dir"/n*/*.pid
	return 0
}

cmd_status() {
	in_node "$1" 1 crm_mon -1
}

[ $# -ge 2 ] || die "usage: cluster.sh start|stop|status|exec|pid|wait|cut|heal DIR [N] [...]"
cmd=$1
dir=$2
shift 2
case $cmd in
start) cmd_start "$dir" ;;
stop) cmd_stop "$dir" ;;
status) cmd_status "$dir" ;;
exec)
	[ $# -ge 2 ] || die "usage: cluster.sh exec DIR N CMD..."
	in_node "$dir" "$@"
	;;
pid) node_pid "$dir" "$1" ;;
cut) ip -n "$(tag_of "$dir")-br" link set "p$1" down ;;
heal) ip -n "$(tag_of "$dir")-br" link set "p$1" up ;;
wait) wait_online "$dir" "$1" "$2" ;;
*) die "unknown command $cmd (start, stop, status, exec, pid, wait, cut, heal)" ;;
esac
