# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared by the shell tests: start and stop a real clusterd in a temporary
# directory.  Needs CLUSTERD (the daemon) in the environment.
set -u

: "${CLUSTERD:?CLUSTERD must name the clusterd binary}"
TMP=$(mktemp -d /tmp/clusapi-shtest-XXXXXX)
chmod 755 "$TMP"
DAEMON_PID=
cleanup() {
	local rc=$?
	[ -n "$DAEMON_PID" ] && kill "$DAEMON_PID" 2>/dev/null && wait "$DAEMON_PID" 2>/dev/null
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
		echo "kept for the failure: $TMP (clusterd.log, state/)" >&2
	else
		rm -rf "$TMP"
	fi
}
trap cleanup EXIT

# own_netns: run this test script again, from its start, in a network
# namespace of its own where only lo is up, so that the fixed ports it binds
# (the endpoint mapper's 135) are free whatever else runs on the machine, and
# nothing it listens on is reachable from outside.  Root only (the callers
# skip their port-135 parts otherwise); call it before anything else.
own_netns() {
	[ -n "${CLUSAPI_TEST_IN_NETNS:-}" ] && return 0
	[ "$(id -u)" -eq 0 ] || return 0
	command -v unshare > /dev/null && command -v ip > /dev/null ||
		fail "unshare (util-linux) and ip (iproute2) are needed for a network namespace of the test's own"
	rm -rf "$TMP"
	trap - EXIT
	exec unshare --net -- env CLUSAPI_TEST_IN_NETNS=1 bash -c \
		'ip link set lo up || { echo "FAIL: cannot bring lo up in the test'"'"'s network namespace" >&2; exit 1; }
		exec bash "$0" "$@"' "$0" "$@"
}

fail() {
	echo "FAIL: $*" >&2
	[ -f "$TMP/clusterd.log" ] && sed 's/^/  clusterd: /' "$TMP/clusterd.log" >&2
	exit 1
}

# start_daemon [clusterd options...]: sets TCP_PORT (and EPM_PORT if any)
start_daemon() {
	: > "$TMP/clusterd.log"
	"$CLUSTERD" --foreground --state-dir "$TMP/state" --lpc-socket "$TMP/lpc.sock" "$@" \
		> "$TMP/clusterd.log" 2>&1 &
	DAEMON_PID=$!
	for _ in $(seq 1 500); do
		grep -q ': ready' "$TMP/clusterd.log" && break
		kill -0 "$DAEMON_PID" 2>/dev/null || fail "clusterd exited at start"
		sleep 0.01
	done
	grep -q ': ready' "$TMP/clusterd.log" || fail "clusterd did not get ready"
	TCP_PORT=$(sed -n 's/.*MS-CMRP listening.*(port \([0-9]*\)).*/\1/p' "$TMP/clusterd.log" | head -1)
	EPM_PORT=$(sed -n 's/.*endpoint mapper listening.*(port \([0-9]*\)).*/\1/p' "$TMP/clusterd.log" | head -1)
	export CLUSAPI_LPC_SOCKET="$TMP/lpc.sock"
	[ -n "$EPM_PORT" ] && export CLUSAPI_EPMAPPER_PORT="$EPM_PORT"
	return 0
}

stop_daemon() {
	kill "$DAEMON_PID" && wait "$DAEMON_PID"
	local rc=$?
	DAEMON_PID=
	return $rc
}

# Meson's code for a skipped test.
skip() {
	echo "SKIP: $*"
	exit 77
}
