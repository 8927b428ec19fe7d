#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# clusctl watch: changes made by another client are printed as they happen,
# one line each, or one JSON object a line with --json.
. "$(dirname "$0")/../interop/lib.sh"
: "${CLUSCTL:?CLUSCTL must name the clusctl binary}"

start_daemon --listen none --epmapper none
export CLUSAPI_LPC_SOCKET=$TMP/lpc.sock

# usage
out=$("$CLUSCTL" watch soon 2>&1); rc=$?
[ $rc -eq 2 ] && echo "$out" | grep -q "wants a number of seconds" || fail "watch soon: $rc $out"
out=$("$CLUSCTL" watch 1 2 2>&1); rc=$?
[ $rc -eq 2 ] || fail "watch 1 2: $rc $out"
echo "ok: watch usage errors"

# nothing happens: it ends after the time given, exit 0, nothing but the banner
start=$(date +%s%N)
out=$("$CLUSCTL" watch 0.5 2>&1) || fail "watch 0.5 exited $?: $out"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$ms" -ge 450 ] && [ "$ms" -lt 3000 ] || fail "watch 0.5 took $ms ms"
[ "$(echo "$out" | wc -l)" -eq 1 ] || fail "watch 0.5 printed more than its banner: $out"
echo "ok: watch 0.5 ends after $ms ms"

# text: a group created, renamed, deleted by another client
"$CLUSCTL" watch 4 > "$TMP/watch.txt" 2>&1 &
w=$!
sleep 0.5
"$CLUSCTL" group create "Watched One" > /dev/null || fail "group create"
"$CLUSCTL" group rename "Watched One" "Watched Two" > /dev/null || fail "group rename"
"$CLUSCTL" group delete "Watched Two" > /dev/null || fail "group delete"
wait $w || fail "watch exited $?: $(cat "$TMP/watch.txt")"
grep -q "group added  *Watched One" "$TMP/watch.txt" || fail "no 'group added': $(cat "$TMP/watch.txt")"
grep -q "group property  *Watched Two" "$TMP/watch.txt" || fail "no 'group property': $(cat "$TMP/watch.txt")"
grep -q "group deleted  *Watched Two" "$TMP/watch.txt" || fail "no 'group deleted': $(cat "$TMP/watch.txt")"
echo "ok: watch prints added, renamed and deleted"

# JSON: one object a line, in order
"$CLUSCTL" --json watch 4 > "$TMP/watch.json" 2>"$TMP/watch.err" &
w=$!
sleep 0.5
"$CLUSCTL" group create "Json One" > /dev/null || fail "group create"
out=$("$CLUSCTL" group online "Json One" 2>&1) || fail "group online: $out"
out=$("$CLUSCTL" group offline "Json One" 2>&1) || fail "group offline: $out"
"$CLUSCTL" group delete "Json One" > /dev/null || fail "group delete"
wait $w || fail "watch --json exited $?: $(cat "$TMP/watch.err")"
python3 - "$TMP/watch.json" <<'PY' || fail "watch --json output: $(cat "$TMP/watch.json")"
import json, sys
lines = open(sys.argv[1]).read().splitlines()
events = [json.loads(l) for l in lines]  # every line one object
mine = [(e["event"], e["name"]) for e in events if e["name"] == "Json One"]
assert mine[0] == ("group added", "Json One"), mine
assert mine[-1] == ("group deleted", "Json One"), mine
assert ("group state", "Json One") in mine, mine
for e in events:
    assert set(e) >= {"time", "event", "filter", "name"}, e
    assert e["time"].endswith("Z"), e
PY
echo "ok: watch --json gives one object a line"
