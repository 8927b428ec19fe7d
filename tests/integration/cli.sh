#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# clusterd and clusctl as their users meet them: exit codes and messages.
. "$(dirname "$0")/../interop/lib.sh"
own_netns # binds port 135 (the endpoint mapper)
: "${CLUSCTL:?CLUSCTL must name the clusctl binary}"

expect() { # expect CODE PATTERN -- command...
	local code=$1 pattern=$2
	shift 3
	local out rc
	out=$("$@" 2>&1)
	rc=$?
	[ "$rc" -eq "$code" ] || fail "'$*' exited $rc, expected $code: $out"
	echo "$out" | grep -q -- "$pattern" || fail "'$*' did not say '$pattern': $out"
	echo "ok: $* -> $code"
}

# clusterd usage errors
expect 2 "unknown option --bogus" -- "$CLUSTERD" --bogus
expect 2 "needs a value" -- "$CLUSTERD" --state-dir
expect 2 "unexpected argument" -- "$CLUSTERD" extra
expect 2 "max-connections" -- "$CLUSTERD" --max-connections zero
expect 2 "wants embedded or pacemaker" -- "$CLUSTERD" --backend bogus
expect 0 "Usage: clusterd" -- "$CLUSTERD" --help
expect 0 "clusterd 0" -- "$CLUSTERD" --version
# clusterd start-up errors
expect 1 "is not ADDR:PORT" -- "$CLUSTERD" -f -s "$TMP/s1" -u "$TMP/s1.sock" -l nonsense -e none
expect 1 "is not ADDR:PORT" -- "$CLUSTERD" -f -s "$TMP/s1" -u "$TMP/s1.sock" -l 127.0.0.1:99999 -e none
expect 1 "not writable\|cannot create state directory" -- "$CLUSTERD" -f -s /proc/clusterd-state -u "$TMP/s2.sock" -e none
if [ "$(id -u)" -eq 0 ]; then
	expect 1 "not writable" -- "$CLUSTERD" -f -s /proc -u "$TMP/s2.sock" -e none
fi

start_daemon --listen 127.0.0.1:0 --epmapper 127.0.0.1:0
expect 1 "another program holds that port" -- "$CLUSTERD" -f -s "$TMP/s3" -u "$TMP/s3.sock" -l "127.0.0.1:$TCP_PORT" -e none
expect 1 "another clusterd is running there" -- "$CLUSTERD" -f -s "$TMP/s4" -u "$TMP/lpc.sock" -l none -e none

# clusctl
expect 2 "no command given" -- "$CLUSCTL"
expect 2 "unknown command" -- "$CLUSCTL" frobnicate
expect 2 "wants read, full or max" -- "$CLUSCTL" --access sometimes cluster
expect 2 "unknown option" -- "$CLUSCTL" --bogus cluster
expect 0 "Usage: clusctl" -- "$CLUSCTL" --help
name=$(cat "$TMP/state/cluster-name")
expect 0 "Cluster:  $name" -- "$CLUSCTL" cluster
expect 0 "Access:   full" -- "$CLUSCTL" cluster
expect 0 "Access:   read" -- "$CLUSCTL" --access read cluster
json=$("$CLUSCTL" --json cluster) || fail "clusctl --json"
echo "$json" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["cluster"] == sys.argv[1], d
assert d["access"] == "full" and d["granted"] == 0x10000000, d
assert d["nodes"] == [d["node"]] and d["node"], d
assert d["version"]["major"] == 10 and "clusterd" in d["version"]["vendor"], d
' "$name" || fail "clusctl --json output: $json"
echo "ok: clusctl --json cluster is valid JSON with the right fields"
# remote callers without authentication are refused (no --allow-anonymous)
expect 1 "ERROR_ACCESS_DENIED" -- "$CLUSCTL" --cluster 127.0.0.1 cluster
expect 1 "RPC_S_SERVER_UNAVAILABLE" -- "$CLUSCTL" --cluster no-such-host.invalid cluster
stop_daemon || fail "clusterd did not stop cleanly"
[ ! -e "$TMP/lpc.sock" ] || fail "clusterd left its LPC socket behind"
# A failed open names what it tried: the socket, or the host (and the endpoint
# mapper's port when it is not 135), and says plainly when clusterd is not there.
expect 1 "RPC_S_SERVER_UNAVAILABLE" -- "$CLUSCTL" cluster
expect 1 "^clusctl: cannot open the cluster (local, $TMP/lpc.sock): no such socket: is clusterd running? (error 1722 RPC_S_SERVER_UNAVAILABLE)$" -- "$CLUSCTL" cluster
expect 1 "(local, $TMP/missing/lpc.sock): no such socket: is clusterd running?" -- \
	env CLUSAPI_LPC_SOCKET="$TMP/missing/lpc.sock" "$CLUSCTL" node list
: > "$TMP/not-a-socket"
expect 1 "(local, $TMP/not-a-socket): that is not a socket" -- env CLUSAPI_LPC_SOCKET="$TMP/not-a-socket" "$CLUSCTL" cluster
python3 -c 'import socket, sys; s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$TMP/stale.sock" ||
	fail "cannot make a socket nobody listens on"
expect 1 "(local, $TMP/stale.sock): nothing answers on that socket: is clusterd running?" -- \
	env CLUSAPI_LPC_SOCKET="$TMP/stale.sock" "$CLUSCTL" cluster
if [ ! -e /run/clusterd/lpc.sock ]; then # empty: the built-in path (no clusterd of the machine's there)
	expect 1 "(local, /run/clusterd/lpc.sock): no such socket" -- env CLUSAPI_LPC_SOCKET= "$CLUSCTL" cluster
fi
# nothing listens on the endpoint mapper's port any more
expect 1 "^clusctl: cannot open the cluster \"127.0.0.1\" (endpoint mapper port $EPM_PORT): .*(error 1722 RPC_S_SERVER_UNAVAILABLE)$" -- \
	"$CLUSCTL" --cluster 127.0.0.1 cluster
expect 1 "^clusctl: cannot open the cluster \"no-such-host.invalid\": .*(error 1722 RPC_S_SERVER_UNAVAILABLE)$" -- \
	env -u CLUSAPI_EPMAPPER_PORT "$CLUSCTL" --cluster no-such-host.invalid cluster

# ---- clusctl's object commands, on a cluster whose node is "node1" ----------
rm -rf "$TMP/state"
start_daemon --node-name node1

# says LINE -- command...: exit 0, exactly LINE on stdout, nothing on stderr
says() {
	local line=$1
	shift 2
	local out rc
	out=$("$@" 2>"$TMP/err")
	rc=$?
	[ "$rc" -eq 0 ] || fail "'$*' exited $rc: $out $(cat "$TMP/err")"
	[ "$out" = "$line" ] || fail "'$*' said '$out', expected '$line'"
	[ ! -s "$TMP/err" ] || fail "'$*' wrote to stderr: $(cat "$TMP/err")"
	echo "ok: $* -> $line"
}
# fails NAME -- command...: exit 1, nothing on stdout, one line
# "clusctl: WHAT: SENTENCE (error N NAME)" on stderr
fails() {
	local name=$1
	shift 2
	local out rc
	out=$("$@" 2>"$TMP/err")
	rc=$?
	[ "$rc" -eq 1 ] || fail "'$*' exited $rc, expected 1: $out $(cat "$TMP/err")"
	[ -z "$out" ] || fail "'$*' wrote to stdout: $out"
	[ "$(wc -l < "$TMP/err")" -eq 1 ] || fail "'$*' wrote more than one line: $(cat "$TMP/err")"
	grep -Eq "^clusctl: [^:]+: .+ \(error [0-9]+ $name\)\$" "$TMP/err" ||
		fail "'$*' did not fail with $name: $(cat "$TMP/err")"
	echo "ok: $* -> $name"
}
# json CHECK -- command...: exit 0, stdout is JSON (d in CHECK, Python)
json() {
	local check=$1
	shift 2
	local out
	out=$("$@") || fail "'$*' failed: $out"
	python3 -c 'import json, sys; d = json.load(sys.stdin); exec(sys.argv[1])' "$check" <<< "$out" ||
		fail "'$*': JSON check failed: $check
$out"
	echo "ok: $* -> JSON: $check"
}
# table LINE -- command...: exit 0, a header line, columns aligned, and LINE
# (an extended regexp) matching a row
table() {
	local row=$1
	shift 2
	local out
	out=$("$@") || fail "'$*' failed: $out"
	python3 -c '
import re, sys
lines = sys.stdin.read().rstrip("\n").split("\n")
header = lines[0]
assert header == header.upper() and header.startswith("NAME") or header == "TYPE", header
starts = [m.start() for m in re.finditer(r"(?:^|(?<=  ))\S", header)]
for l in lines[1:]:
    for s in starts[1:]:
        assert len(l) > s and l[s - 1] == " " and l[s] != " ", "not aligned: %r under %r" % (l, header)
' <<< "$out" || fail "'$*': not an aligned table:
$out"
	grep -Eq -- "$row" <<< "$out" || fail "'$*' has no row '$row':
$out"
	echo "ok: $* -> row '$row'"
}

# the seeded objects
table '^node1 +[0-9a-f-]+ +up$' -- "$CLUSCTL" node list
json 'assert len(d) == 1 and d[0]["name"] == "node1" and d[0]["state"] == "up" and d[0]["state_code"] == 0 and d[0]["id"], d' -- "$CLUSCTL" --json node list
expect 0 "State: *up (0)" -- "$CLUSCTL" node show node1
expect 0 "Groups: *Cluster Group" -- "$CLUSCTL" node show node1
expect 0 "Net interfaces: *node1 - Ethernet" -- "$CLUSCTL" node show node1
json 'assert d["name"] == "node1" and d["state"] == "up" and d["groups"] == ["Cluster Group"] and d["netinterfaces"] == ["node1 - Ethernet"], d' -- "$CLUSCTL" node show NODE1 --json
table '^Cluster Group +node1 +online$' -- "$CLUSCTL" group list
table '^Cluster Group +node1 +online$' -- "$CLUSCTL" group
json 'assert d == [dict(d[0], name="Cluster Group", state="online", state_code=0, owner_node="node1")], d' -- "$CLUSCTL" group list --json
expect 0 "Resources: *Cluster IP Address, Cluster Name, Network Name" -- "$CLUSCTL" group show "Cluster Group"
expect 0 "Name: *Cluster Group" -- "$CLUSCTL" group show "cluster group"
json 'assert d["name"] == "Cluster Group" and d["owner_node"] == "node1" and d["resources"] == ["Cluster IP Address", "Cluster Name", "Network Name"] and d["preferred_nodes"] == [], d' -- "$CLUSCTL" -j group show "Cluster Group"
table '^Cluster IP Address +Cluster Group +node1 +IP Address +online$' -- "$CLUSCTL" resource list
table '^Network Name +Cluster Group +node1 +Network Name +online$' -- "$CLUSCTL" resource list --group "Cluster Group"
json '
types = {r["name"]: r["type"] for r in d}
assert types == {"Cluster IP Address": "IP Address", "Cluster Name": "Network Name", "Network Name": "Network Name"}, d
assert all(r["group"] == "Cluster Group" and r["owner_node"] == "node1" and r["state"] == "online" and r["state_code"] == 2 and r["id"] for r in d), d
' -- "$CLUSCTL" --json resource list
json 'assert len(d) == 3, d' -- "$CLUSCTL" resource list --group="Cluster Group" --json
expect 0 "Depends on: *Cluster IP Address" -- "$CLUSCTL" resource show "Cluster Name"
expect 0 "Type: *Network Name" -- "$CLUSCTL" resource show "Cluster Name"
json 'assert d["depends_on"] == [] and sorted(d["dependents"]) == ["Cluster Name", "Network Name"] and d["type"] == "IP Address" and d["possible_owners"] == ["node1"] and d["network_name"], d' -- "$CLUSCTL" resource show "Cluster IP Address" --json
table '^Generic Service$' -- "$CLUSCTL" resource types
json 'assert {"name": "Generic Service"} in d, d' -- "$CLUSCTL" resource types --json
# resource type list / show (restypes): available or not, what runs it, nodes, resources
table '^Generic Application +yes +a supervised process' -- "$CLUSCTL" resource type list
table '^MSMQ +no +not available$' -- "$CLUSCTL" resource type list
json '
t = {r["name"]: r for r in d}
assert t["IP Address"]["available"] == "yes" and t["IP Address"]["made_from"] == "IP Address", d
assert t["Distributed Transaction Coordinator"]["available"] == "no", d
assert t["Distributed Transaction Coordinator"]["implementation"] == "not available", d
' -- "$CLUSCTL" --json resource type list
expect 0 "Resources: *Cluster Name, Network Name" -- "$CLUSCTL" resource type show "network name"
json 'assert d["name"] == "IP Address" and d["nodes"] == ["node1"] and d["resources"] == ["Cluster IP Address"] and d["available"] == "yes", d' -- "$CLUSCTL" --json resource type show "IP Address"
json 'assert d["name"] == "MSMQ" and d["nodes"] == [] and d["available"] == "no", d' -- "$CLUSCTL" --json resource type show MSMQ
expect 1 "ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND" -- "$CLUSCTL" resource type show "No Such Type"
expect 2 "resource type show NAME" -- "$CLUSCTL" resource type show
expect 2 "resource type show NAME" -- "$CLUSCTL" resource type frob
# resource / group get and set: the failure policies (Windows' defaults, a value kept, refusals)
expect 0 "^RestartThreshold: *1$" -- "$CLUSCTL" resource get "Cluster Name"
expect 0 "resource \"Cluster Name\": RestartDelay = 250" -- "$CLUSCTL" resource set "Cluster Name" RestartDelay 250
json 'assert d["RestartDelay"] == 250 and d["RestartThreshold"] == 1 and d["RestartPeriod"] == 900000 and d["Name"] == "Cluster Name", d' -- "$CLUSCTL" --json resource get "Cluster Name"
expect 1 "ERROR_INVALID_PARAMETER" -- "$CLUSCTL" resource set "Cluster Name" RestartAction 3
expect 1 "ERROR_INVALID_PARAMETER" -- "$CLUSCTL" resource set "Cluster Name" NoSuchProperty 3
expect 2 "wants a number" -- "$CLUSCTL" resource set "Cluster Name" RestartDelay soon
expect 0 "AutoFailbackType = 1" -- "$CLUSCTL" group set "Cluster Group" AutoFailbackType 1
json 'assert d["AutoFailbackType"] == 1 and d["FailoverPeriod"] == 6 and d["FailbackWindowStart"] == 4294967295, d' -- "$CLUSCTL" --json group get "Cluster Group"
expect 1 "ERROR_INVALID_PARAMETER" -- "$CLUSCTL" group set "Cluster Group" FailbackWindowEnd 24
expect 0 "AutoFailbackType = 0" -- "$CLUSCTL" group set "Cluster Group" AutoFailbackType 0
expect 1 "ERROR_GROUP_NOT_FOUND" -- "$CLUSCTL" group get "No Such Group"
table '^Cluster Network 1 +[0-9a-f-]+ +up$' -- "$CLUSCTL" network list
json 'assert [(n["name"], n["state"], n["state_code"]) for n in d] == [("Cluster Network 1", "up", 3)], d' -- "$CLUSCTL" network list --json
expect 0 "State: *up (3)" -- "$CLUSCTL" network show "Cluster Network 1"
json 'assert d["name"] == "Cluster Network 1" and d["state"] == "up" and d["id"], d' -- "$CLUSCTL" network show "Cluster Network 1" --json
says "network Cluster Network 1: renamed to Heartbeat" -- "$CLUSCTL" network rename "Cluster Network 1" Heartbeat
fails ERROR_CLUSTER_NETWORK_NOT_FOUND -- "$CLUSCTL" network show "Cluster Network 1"
expect 0 "State: *up (3)" -- "$CLUSCTL" network show Heartbeat
fails ERROR_CLUSTER_NETWORK_NOT_FOUND -- "$CLUSCTL" network rename nope nope2
expect 2 "network rename needs NAME NEWNAME" -- "$CLUSCTL" network rename Heartbeat
says "network Heartbeat: renamed to Cluster Network 1" -- "$CLUSCTL" network rename Heartbeat "Cluster Network 1"
table '^node1 - Ethernet +node1 +up$' -- "$CLUSCTL" netinterface list
json 'assert [(n["name"], n["node"], n["state"]) for n in d] == [("node1 - Ethernet", "node1", "up")], d' -- "$CLUSCTL" --json netinterface list
expect 0 "Node: *node1" -- "$CLUSCTL" netinterface show "node1 - Ethernet"
json 'assert d["name"] == "node1 - Ethernet" and d["node"] == "node1" and d["state_code"] == 3, d' -- "$CLUSCTL" netinterface show "node1 - Ethernet" --json

# a group and its resources, from creation to deletion
says "group apps: created (offline)" -- "$CLUSCTL" group create apps
fails ERROR_OBJECT_ALREADY_EXISTS -- "$CLUSCTL" group create apps
json 'assert [(g["state"], g["state_code"], g["owner_node"]) for g in d if g["name"] == "apps"] == [("offline", 1, "node1")], d' -- "$CLUSCTL" group list --json
says "resource web: created in group apps (Generic Service, offline)" -- "$CLUSCTL" resource create web --group apps --type "Generic Service"
says "resource db: created in group apps (Generic Service, offline)" -- "$CLUSCTL" resource create db -g apps -t "Generic Service"
fails ERROR_OBJECT_ALREADY_EXISTS -- "$CLUSCTL" resource create web --group apps --type "Generic Service"
fails ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND -- "$CLUSCTL" resource create web3 --group apps --type "No Such Type"
fails ERROR_GROUP_NOT_FOUND -- "$CLUSCTL" resource create web3 --group nope --type "Generic Service"
# dependencies and owners (issue 11)
says "resource web: depends on db" -- "$CLUSCTL" resource depend web db
fails ERROR_DEPENDENCY_ALREADY_EXISTS -- "$CLUSCTL" resource depend web db
fails ERROR_CIRCULAR_DEPENDENCY -- "$CLUSCTL" resource depend db web
json 'assert d["depends_on"] == ["db"] and d["dependents"] == [], d' -- "$CLUSCTL" resource show web --json
json 'assert d == {"name": "web", "depends_on": [], "dependents": []}, d' -- "$CLUSCTL" --json resource undepend web db
fails ERROR_DEPENDENCY_NOT_FOUND -- "$CLUSCTL" resource undepend web db
json 'assert d == {"name": "db", "depends_on": ["web"], "dependents": []}, d' -- "$CLUSCTL" --json resource depend db web
says "resource db: no longer depends on web" -- "$CLUSCTL" resource undepend db web
json 'assert d == {"name": "web", "possible_owners": ["node1"]}, d' -- "$CLUSCTL" --json resource owners web
expect 0 '^node1$' -- "$CLUSCTL" resource owners web
fails ERROR_OBJECT_ALREADY_EXISTS -- "$CLUSCTL" resource owners web add node1
says "resource web: removed possible owner node1" -- "$CLUSCTL" resource owners web remove node1
fails ERROR_CLUSTER_NODE_NOT_FOUND -- "$CLUSCTL" resource owners web remove node1
fails ERROR_HOST_NODE_NOT_RESOURCE_OWNER -- "$CLUSCTL" group move apps node1
json 'assert d == {"name": "web", "possible_owners": ["node1"]}, d' -- "$CLUSCTL" --json resource owners web add node1
expect 2 "usage: clusctl resource owners NAME \[add|remove NODE\]" -- "$CLUSCTL" resource owners web frob node1
json 'assert d == {"name": "apps", "preferred_owners": []}, d' -- "$CLUSCTL" --json group owners apps
says "group apps: preferred owners node1" -- "$CLUSCTL" group owners apps set node1
json 'assert d == {"name": "apps", "preferred_owners": ["node1"]}, d' -- "$CLUSCTL" group owners apps --json
fails ERROR_CLUSTER_NODE_NOT_FOUND -- "$CLUSCTL" group owners apps set nosuchnode
says "group apps: preferred owners -" -- "$CLUSCTL" group owners apps set
expect 2 "usage: clusctl group owners NAME \[set \[NODE...\]\]" -- "$CLUSCTL" group owners apps frob
json 'assert [(r["name"], r["group"], r["type"], r["state"]) for r in d] == [("web", "apps", "Generic Service", "offline"), ("db", "apps", "Generic Service", "offline")], d' -- "$CLUSCTL" resource list --group apps --json
table '^web +apps +node1 +Generic Service +offline$' -- "$CLUSCTL" resource list
says "group apps: online" -- "$CLUSCTL" group online apps
json 'assert d["state"] == "online" and d["state_code"] == 0 and d["resources"] == ["web", "db"], d' -- "$CLUSCTL" group show apps --json
json 'assert d["state"] == "online" and d["state_code"] == 2 and d["group"] == "apps", d' -- "$CLUSCTL" resource show web --json
says "group apps: offline" -- "$CLUSCTL" group offline apps
json 'assert all(r["state"] == "offline" and r["state_code"] == 3 for r in d), d' -- "$CLUSCTL" resource list --group apps --json
says "resource web: online" -- "$CLUSCTL" resource online web
table '^apps +node1 +partial online$' -- "$CLUSCTL" group list
json 'assert [g["state_code"] for g in d if g["name"] == "apps"] == [3], d' -- "$CLUSCTL" group list --json
says "resource web: failed" -- "$CLUSCTL" resource fail web
json 'assert d["state"] == "failed" and d["state_code"] == 4, d' -- "$CLUSCTL" resource show web --json
says "resource web: offline" -- "$CLUSCTL" resource offline web
says "resource web: renamed to web1" -- "$CLUSCTL" resource rename web web1
fails ERROR_RESOURCE_NOT_FOUND -- "$CLUSCTL" resource show web
expect 0 "Name: *web1" -- "$CLUSCTL" resource show web1
says "group apps: renamed to apps2" -- "$CLUSCTL" group rename apps apps2
fails ERROR_GROUP_NOT_FOUND -- "$CLUSCTL" group show apps
json 'assert d["group"] == "apps2", d' -- "$CLUSCTL" resource show web1 --json
says "group apps2: moved to node1 (offline)" -- "$CLUSCTL" group move apps2 node1
says "group apps2: moved to node1 (offline)" -- "$CLUSCTL" group move apps2
fails ERROR_CLUSTER_NODE_NOT_FOUND -- "$CLUSCTL" group move apps2 nosuchnode
fails ERROR_DIR_NOT_EMPTY -- "$CLUSCTL" group delete apps2
says "resource web1: online" -- "$CLUSCTL" resource online web1
fails ERROR_INVALID_STATE -- "$CLUSCTL" resource delete web1
says "resource web1: offline" -- "$CLUSCTL" resource offline web1
says "resource web1: deleted" -- "$CLUSCTL" resource delete web1
says "resource db: deleted" -- "$CLUSCTL" resource delete db
fails ERROR_RESOURCE_NOT_FOUND -- "$CLUSCTL" resource show web1
json 'assert d == [], d' -- "$CLUSCTL" resource list --group apps2 --json
says "group apps2: deleted" -- "$CLUSCTL" group delete apps2
fails ERROR_GROUP_NOT_FOUND -- "$CLUSCTL" group delete apps2
json 'assert [g["name"] for g in d] == ["Cluster Group"], d' -- "$CLUSCTL" group list --json
json 'assert len(d) == 3, d' -- "$CLUSCTL" resource list --json

# pause and resume
fails ERROR_CLUSTER_NODE_NOT_PAUSED -- "$CLUSCTL" node resume node1
expect 1 "(error 5058 ERROR_CLUSTER_NODE_NOT_PAUSED)" -- "$CLUSCTL" node resume node1
says "node node1: paused" -- "$CLUSCTL" node pause node1
fails ERROR_CLUSTER_NODE_PAUSED -- "$CLUSCTL" node pause node1
expect 0 "State: *paused (2)" -- "$CLUSCTL" node show node1
json 'assert d[0]["state"] == "paused" and d[0]["state_code"] == 2, d' -- "$CLUSCTL" node list --json
says "node node1: up" -- "$CLUSCTL" node resume node1
fails ERROR_CLUSTER_NODE_NOT_FOUND -- "$CLUSCTL" node pause nosuchnode

# unknown names
fails ERROR_CLUSTER_NODE_NOT_FOUND -- "$CLUSCTL" node show nope
fails ERROR_CLUSTER_NODE_NOT_FOUND -- "$CLUSCTL" node resume nope
for verb in show delete online offline; do
	fails ERROR_GROUP_NOT_FOUND -- "$CLUSCTL" group $verb nope
done
fails ERROR_GROUP_NOT_FOUND -- "$CLUSCTL" group move nope node1
fails ERROR_GROUP_NOT_FOUND -- "$CLUSCTL" group rename nope nope2
fails ERROR_GROUP_NOT_FOUND -- "$CLUSCTL" resource list --group nope
for verb in show delete online offline fail; do
	fails ERROR_RESOURCE_NOT_FOUND -- "$CLUSCTL" resource $verb nope
done
fails ERROR_RESOURCE_NOT_FOUND -- "$CLUSCTL" resource rename nope nope2
fails ERROR_CLUSTER_NETWORK_NOT_FOUND -- "$CLUSCTL" network show nope
fails ERROR_CLUSTER_NETINTERFACE_NOT_FOUND -- "$CLUSCTL" netinterface show nope
fails ERROR_GROUP_NOT_FOUND -- "$CLUSCTL" group show -- -dash
# a read-only handle reads but does not change
table '^Cluster Group ' -- "$CLUSCTL" --access read group list
fails ERROR_ACCESS_DENIED -- "$CLUSCTL" --access read group create ro
fails ERROR_ACCESS_DENIED -- "$CLUSCTL" group offline "Cluster Group" --access read

# usage errors
expect 2 "unknown group command \"frob\"; use one of: list, show" -- "$CLUSCTL" group frob
expect 2 "group show needs NAME" -- "$CLUSCTL" group show
expect 2 "unexpected argument \"b\" after group show" -- "$CLUSCTL" group show a b
expect 2 "group rename needs NAME NEWNAME" -- "$CLUSCTL" group rename a
expect 2 "unexpected argument \"x\" after node list" -- "$CLUSCTL" node list x
expect 2 "resource create needs --group GROUP and --type TYPE" -- "$CLUSCTL" resource create x
expect 2 "resource create needs --group GROUP and --type TYPE" -- "$CLUSCTL" resource create x --group apps
expect 2 "group list" -- "$CLUSCTL" group list --group apps
expect 2 "--type does not apply to resource list" -- "$CLUSCTL" resource list --type x
expect 2 "option --group needs a value" -- "$CLUSCTL" resource list --group
expect 2 "unknown option --bogus" -- "$CLUSCTL" node show --bogus node1
expect 2 "unknown network command" -- "$CLUSCTL" network frob
expect 2 "netinterface show needs NAME" -- "$CLUSCTL" netinterface show
expect 2 "unexpected argument \"extra\" after cluster" -- "$CLUSCTL" cluster extra
expect 2 "unknown command \"groups\"" -- "$CLUSCTL" groups
for usage in "node pause NAME" "group move NAME \[NODE\]" "resource create NAME --group GROUP --type TYPE" \
	"resource list \[--group GROUP\]" "netinterface show NAME"; do
	expect 0 "$usage" -- "$CLUSCTL" --help
done
json 'assert d["node"] == "node1", d' -- "$CLUSCTL" cluster --json
stop_daemon || fail "clusterd did not stop cleanly"
echo "cli: all checks passed"
