#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Writes across a network partition (run by `run.sh partition`, which starts
# the 3-node cluster and a clusterd per node).  Each round:
#   - a group with an ocf:pacemaker:Dummy resource is online on some node O;
#   - two writers create groups as fast as clusctl answers, one through O's
#     clusterd (the side that will be cut off), one through another node M's;
#     each records every answer: acknowledged (exit 0), refused with
#     ERROR_CLUSTER_NO_QUORUM, or unknown (any other failure: the call may or
#     may not have happened);
#   - O's cable is pulled (cluster.sh cut) for CUT_S seconds, then plugged back
#     (heal) and the three nodes are waited for;
#   - then, through M and through O: every acknowledged group is there, no
#     refused one is; the cut-off side refused what it was asked once it knew
#     it had lost quorum, and the majority side went on acknowledging;
#   - O's clusterd, once back, saw the cluster's CIB synced to it (until then
#     it refuses writes: its CIB is about to be replaced);
#   - a notification port on O (clusctl --json watch) saw the quorum lost and
#     regained: CLUSTER_CHANGE_QUORUM_STATE and CLUSTER_CHANGE_CLUSTER_STATE,
#     twice each at least.
# PARTITIONS rounds (default 2).  Prints the counts; every wait is bounded.
# Env: PCMK_DIR, CLUSTER_SH, CLUSCTL.
set -u
dir=$PCMK_DIR
rounds=${PARTITIONS:-2}
CUT_S=${CUT_S:-8}
WAIT_S=60
failures=0
work=$dir/partition
mkdir -p "$work"

ctl() { # N ARGS...: clusctl through node N's clusterd
	local n=$1
	shift
	CLUSAPI_LPC_SOCKET=$dir/cd$n/lpc "$CLUSCTL" "$@"
}

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

# Where crm_mon (run inside node N) says RSC is started; empty when it is not.
rsc_where() { # N RSC
	"$CLUSTER_SH" exec "$dir" "$1" crm_mon -1 --output-as=xml 2>/dev/null |
		grep -A1 "<resource id=\"$2\" " |
		awk '/<resource / { ok = /role="Started"/ && /active="true"/; next }
		     ok && /<node name="/ { sub(/.*<node name="/, ""); sub(/".*/, ""); print; exit }'
}

# A writer: creates groups PREFIX-1, PREFIX-2, ... through node N until STOP
# exists, one line per call in LOG: "NAME ack|refused|unknown MONOTONIC_S".
writer() { # N PREFIX LOG STOP
	local n=$1 prefix=$2 log=$3 stop=$4 i=0 out verdict
	while [ ! -e "$stop" ]; do
		i=$((i + 1))
		if out=$(ctl "$n" group create "$prefix-$i" 2>&1); then
			verdict=ack
		elif grep -q 'NO_QUORUM\|5925' <<<"$out"; then
			verdict=refused
		else
			verdict=unknown
		fi
		echo "$prefix-$i $verdict $(cut -d' ' -f1 /proc/uptime) ${out//$'\n'/ }" >>"$log"
		sleep 0.05
	done
}

# The group names node N lists (one a line, sorted); fails when it cannot.
listed() { # N
	ctl "$1" --json group list | grep -o '"name":"[^"]*"' | sed 's/"name":"//; s/"$//' | sort
}

total_ack=0 total_refused=0 total_unknown=0 total_checked=0
for round in $(seq 1 "$rounds"); do
	g=pt-owner-$round
	if ! ctl 1 group create "$g" >/dev/null || ! ctl 1 resource create "$g-r" --group "$g" --type ocf:pacemaker:Dummy >/dev/null ||
		! ctl 1 group online "$g" >/dev/null; then
		fail "round $round: cannot create and online group $g"
		break
	fi
	owner=""
	end=$((SECONDS + WAIT_S))
	while [ -z "$owner" ] && [ $SECONDS -lt $end ]; do
		owner=$(rsc_where 1 "$g-r")
		[ -n "$owner" ] || sleep 0.3
	done
	[ -n "$owner" ] || { fail "round $round: $g-r never started"; break; }
	o=${owner#node}
	m=1
	[ "$o" = 1 ] && m=2
	stop=$work/stop-$round
	log_o=$work/round$round-cut.log log_m=$work/round$round-majority.log
	writer "$o" "pt$round-cut" "$log_o" "$stop" 9>&- &
	wo=$!
	writer "$m" "pt$round-maj" "$log_m" "$stop" 9>&- &
	wm=$!
	log_w=$work/round$round-watch.log
	ctl "$o" --json watch 600 >"$log_w" 2>&1 9>&- &
	ww=$!
	sleep 2
	t_cut=$(cut -d' ' -f1 /proc/uptime)
	"$CLUSTER_SH" cut "$dir" "$o" || fail "round $round: cut node $o"
	sleep "$CUT_S"
	t_heal=$(cut -d' ' -f1 /proc/uptime)
	"$CLUSTER_SH" heal "$dir" "$o" || fail "round $round: heal node $o"
	"$CLUSTER_SH" wait "$dir" 3 "$WAIT_S" >/dev/null || fail "round $round: the 3 nodes did not come back within ${WAIT_S}s"
	# Both sides write a little longer once whole again, then stop.
	sleep 2
	touch "$stop"
	wait "$wo" "$wm"
	kill "$ww" 2>/dev/null
	wait "$ww" 2>/dev/null

	# The cut-off node's notification port: quorum lost, then regained.
	for ev in "quorum state" "cluster state"; do
		seen=$(grep -c "\"event\":\"$ev\"" "$log_w")
		[ "$seen" -ge 2 ] || fail "round $round: node $o's notification port saw $seen \"$ev\" events (lost and regained: 2 at least); see $log_w"
		echo "round $round: node $o's notification port saw $seen \"$ev\" events"
	done

	# The cut-off side: once quorum was lost (allow the token and consensus
	# timeouts, 3 s) and until the heal, nothing acknowledged.
	late_ack=$(awk -v a="$t_cut" -v b="$t_heal" '$2 == "ack" && $3 > a + 3 && $3 < b' "$log_o" | wc -l)
	[ "$late_ack" -eq 0 ] || fail "round $round: node $o acknowledged $late_ack writes while cut off: $(awk -v a="$t_cut" -v b="$t_heal" '$2 == "ack" && $3 > a + 3 && $3 < b {print $1}' "$log_o" | head -3 | tr '\n' ' ')"
	# Back in the majority, the cut-off node refused writes until the
	# cluster's CIB was synced to it (a write its own CIB took in before that
	# was lost with the replacement), and it learned of the sync from the CIB,
	# not from the 10 s fallback.
	synced=$(grep -c "rejoined: the cluster's CIB was synced" "$dir/cd$o/clusterd.log")
	[ "$synced" -ge "$round" ] || fail "round $round: node $o's clusterd did not see the cluster's CIB synced to it after the heal ($synced times in $round rounds; see $dir/cd$o/clusterd.log)"
	cut_refused=$(awk -v a="$t_cut" -v b="$t_heal" '$2 == "refused" && $3 > a && $3 < b' "$log_o" | wc -l)
	[ "$cut_refused" -gt 0 ] || fail "round $round: node $o refused nothing while cut off"
	# The majority went on.
	maj_ack=$(awk -v a="$t_cut" -v b="$t_heal" '$2 == "ack" && $3 > a + 3 && $3 < b' "$log_m" | wc -l)
	[ "$maj_ack" -gt 0 ] || fail "round $round: node $m acknowledged nothing during the partition"

	# Every acknowledged write is there, no refused one, through both sides.
	for n in "$m" "$o"; do
		have=$work/round$round-listed-$n
		ok=0
		end=$((SECONDS + WAIT_S))
		while [ $SECONDS -lt $end ]; do
			listed "$n" >"$have" 2>"$have.err" && { ok=1; break; }
			sleep 0.5
		done
		[ "$ok" = 1 ] || { fail "round $round: node $n cannot list the groups: $(cat "$have.err")"; continue; }
		lost=$(cat "$log_o" "$log_m" | awk '$2 == "ack" {print $1}' | sort | comm -23 - "$have")
		[ -z "$lost" ] || fail "round $round: acknowledged but missing through node $n: $(tr "\n" " " <<<"$lost" | head -c 300)"
		ghosts=$(cat "$log_o" "$log_m" | awk '$2 == "refused" {print $1}' | sort | comm -12 - "$have")
		[ -z "$ghosts" ] || fail "round $round: refused but present through node $n: $(tr "\n" " " <<<"$ghosts" | head -c 300)"
	done
	a=$(cat "$log_o" "$log_m" | awk '$2 == "ack"' | wc -l)
	r=$(cat "$log_o" "$log_m" | awk '$2 == "refused"' | wc -l)
	u=$(cat "$log_o" "$log_m" | awk '$2 == "unknown"' | wc -l)
	echo "round $round: node $o cut off ${CUT_S}s: $a acknowledged (majority $maj_ack during the cut), $r refused (cut-off side $cut_refused), $u unknown"
	total_ack=$((total_ack + a))
	total_refused=$((total_refused + r))
	total_unknown=$((total_unknown + u))
	total_checked=$((total_checked + a + r))
	[ "$failures" -eq 0 ] || break
done
echo "partitions: $rounds rounds, $total_checked answers checked ($total_ack acknowledged, $total_refused refused), $total_unknown unknown outcomes; $failures failures"
[ "$failures" -eq 0 ]
