# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared by the shell tests: start and stop a real clusterd in a temporary
# directory.  Needs CLUSTERD (the daemon) in the environment.
set -u

: "${CLUSTERD:?CLUSTERD must name the clusterd binary}"
TMP=$(mktemp -d /tmp/clusapi-shtest-XXXXXX)
chmod 755 "$TMP"
DAEMON_PID=
cleanup() {
	[ -n "$DAEMON_PID" ] && kill "$DAEMON_PID" 2>/dev/null && wait "$DAEMON_PID" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

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
