# SPDX-License-Identifier: LGPL-2.1-or-later
# Sourced by the pacemaker test scripts: tear the cluster in DIR down when the
# script ends, however it ends.  The EXIT trap covers a normal end and
# SIGTERM/SIGINT; a guardian in a session of its own covers SIGKILL (meson kills
# a test's process group 0.5 s after SIGTERM, before a trap could finish).  The
# guardian blocks reading a FIFO whose only writer is this script's fd 9: when
# the script dies the FIFO reads EOF and the guardian runs `cluster.sh stop` (and
# removes DIR unless KEEP_LOGS is set or cleanup_cluster kept it).
# No polling.  Everything this script starts that may outlive it (the nodes,
# the clusterds) must be started with 9>&- so as not to hold the FIFO open.
#   guard_cluster CLUSTER_SH DIR
guard_cluster() {
	local cluster_sh=$1 dir=$2
	mkfifo "$dir/.alive" || return 1
	setsid bash -c 'read -r _ <"$2/.alive"; "$1" stop "$2"; [ -n "$3" ] || [ -e "$2/.keep" ] || rm -rf "$2"' \
		guard "$cluster_sh" "$dir" "${KEEP_LOGS:-}" \
		</dev/null >/dev/null 2>&1 &
	disown
	exec 9>"$dir/.alive"
}

# The EXIT trap's work: stop the cluster, and keep DIR when the test failed
# (RC not 0) or KEEP_LOGS is set, saying where the logs are (and telling the
# guardian, which would otherwise remove DIR when this script is gone).
#   cleanup_cluster CLUSTER_SH DIR RC
cleanup_cluster() {
	local cluster_sh=$1 dir=$2 rc=$3
	if [ "$rc" -ne 0 ] || [ -n "${KEEP_LOGS:-}" ]; then
		touch "$dir/.keep"
		"$cluster_sh" stop "$dir" 9>&-
		echo "logs kept in $dir (n*/: each node's corosync and Pacemaker logs; cd*/clusterd.log)"
	else
		"$cluster_sh" stop "$dir" 9>&-
		rm -rf "$dir"
	fi
}
