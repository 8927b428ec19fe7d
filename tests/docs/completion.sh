#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The bash completion of clusctl (completion/clusctl) against a real clusterd:
# commands, subcommands, options, and object names asked of the cluster
# (names with spaces quoted), with --cluster and --user honoured, and nothing
# at all when the cluster cannot be reached.  Run twice: with bash-completion
# loaded (its _init_completion) and without it.
# Needs CLUSTERD, CLUSCTL and COMPLETION (the file) in the environment.
set -u
: "${CLUSCTL:?CLUSCTL must name the clusctl binary}"
: "${COMPLETION:?COMPLETION must name completion/clusctl}"
. "$(dirname "$0")/../interop/lib.sh"

start_daemon --listen 127.0.0.1:0 --epmapper 127.0.0.1:0 --allow-anonymous
# The completion runs "clusctl" from the PATH, as a user's shell would.
mkdir -p "$TMP/bin"
ln -s "$CLUSCTL" "$TMP/bin/clusctl"
export PATH="$TMP/bin:$PATH"
"$CLUSCTL" group create "web apps" >/dev/null || fail "cannot create the group \"web apps\""
"$CLUSCTL" resource create "web server" --group "web apps" --type "Generic Service" >/dev/null ||
	fail "cannot create the resource \"web server\""
NODE=$("$CLUSCTL" --json node list | sed -n 's/^ *{"name":"\([^"]*\)".*/\1/p' | head -1)
[ -n "$NODE" ] || fail "no node name from clusctl --json node list"

FAILED=0
# complete WORD... : the command line is the words, the last one being
# completed (may be empty); sets COMPREPLY.
complete_words() {
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE="${COMP_WORDS[*]}"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	# As in an interactive shell (bash-completion is not written for set -u).
	set +u
	_clusctl clusctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}" 2>"$TMP/completion.err"
	set -u
	if [ -s "$TMP/completion.err" ]; then
		echo "FAIL: completing [$*] printed on stderr:" >&2
		cat "$TMP/completion.err" >&2
		FAILED=1
	fi
}

# expect WORDS... :: EXPECTED...: COMPREPLY is exactly EXPECTED, in order.
expect() {
	local -a words=() want=()
	while [ "$1" != "::" ]; do
		words+=("$1")
		shift
	done
	shift
	want=("$@")
	complete_words "${words[@]}"
	local got want_s
	got=$(printf '[%s]' "${COMPREPLY[@]}")
	want_s=$(printf '[%s]' "${want[@]}")
	[ ${#want[@]} -eq 0 ] && want_s=
	[ ${#COMPREPLY[@]} -eq 0 ] && got=
	if [ "$got" != "$want_s" ]; then
		echo "FAIL ($MODE): completing [${words[*]}]: got $got, want $want_s" >&2
		FAILED=1
	fi
}

run_checks() {
	expect clusctl '' :: cluster node group resource network netinterface access account watch
	expect clusctl gr :: group
	expect clusctl group '' :: list show create delete online offline move rename owners get set
	expect clusctl resource '' :: list show types type create delete online offline fail rename depend undepend owners get set
	expect clusctl resource set 'Cluster\ Name' Restart :: RestartAction RestartThreshold RestartPeriod RestartDelay
	expect clusctl group set 'Cluster\ Group' AutoF :: AutoFailbackType
	expect clusctl group get Clu :: 'Cluster\ Group'
	expect clusctl resource type '' :: list show
	expect clusctl resource type show 'Generic\ Se' :: 'Generic\ Service'
	expect clusctl resource type list '' ::
	expect clusctl access '' :: show grant block remove
	expect clusctl --json node '' :: list show pause resume evict

	# Names from the cluster: spaces escaped, or left alone inside a quote.
	expect clusctl group show '' :: 'Cluster\ Group' 'web\ apps'
	expect clusctl group show Clu :: 'Cluster\ Group'
	expect clusctl group online '"Clu' :: 'Cluster Group'
	expect clusctl group show 'web\ a' :: 'web\ apps'
	expect clusctl resource show '' :: 'Cluster\ IP\ Address' 'Cluster\ Name' 'Network\ Name' 'web\ server'
	expect clusctl resource offline 'Cluster\ N' :: 'Cluster\ Name'
	expect clusctl resource list --group '' :: 'Cluster\ Group' 'web\ apps'
	expect clusctl node show '' :: "$NODE"
	expect clusctl group move '"web apps"' '' :: "$NODE"
	# dependencies and owners (issue 11)
	expect clusctl resource depend 'web\ server' 'Cluster\ N' :: 'Cluster\ Name'
	expect clusctl resource owners 'web\ server' '' :: add remove
	expect clusctl resource owners 'web\ server' remove '' :: "$NODE"
	expect clusctl group owners 'web\ a' :: 'web\ apps'
	expect clusctl group owners '"web apps"' '' :: set
	expect clusctl group owners '"web apps"' set '' :: "$NODE"
	expect clusctl group owners '"web apps"' set "$NODE" '' :: "$NODE"

	# --type: the types "clusctl resource types" lists.
	local -a types=()
	local t
	while IFS= read -r t; do
		[ "$t" = TYPE ] || types+=("$(printf '%q' "$t")")
	done < <("$CLUSCTL" resource types)
	[ ${#types[@]} -ge 3 ] || fail "clusctl resource types listed ${#types[@]} types"
	expect clusctl resource create x --group apps --type '' :: "${types[@]}"
	expect clusctl resource create x --type 'Generic\ Se' :: 'Generic\ Service'

	# Options: global ones, and those of the command.
	expect clusctl --ac :: --access
	expect clusctl --access '' :: read full max
	expect clusctl resource list -- :: --cluster --user --access --json --help --version --group
	expect clusctl access grant alice -- :: --cluster --user --access --json --help --version --full --read
	expect clusctl access grant alice --read -- :: --cluster --user --access --json --help --version

	# The cluster named with --cluster is the one asked: over TCP it answers,
	# and with no local socket nothing comes without --cluster.
	CLUSAPI_LPC_SOCKET="$TMP/no-such.sock" expect clusctl node show '' ::
	CLUSAPI_LPC_SOCKET="$TMP/no-such.sock" expect clusctl --cluster 127.0.0.1 node show '' :: "$NODE"
	# --user is passed on: with no password to give, nothing (and no prompt).
	CLUSAPI_LPC_SOCKET="$TMP/no-such.sock" expect clusctl --cluster 127.0.0.1 --user bob node show '' ::
	# A cluster that cannot be reached: nothing, quietly.
	CLUSAPI_EPMAPPER_PORT=1 expect clusctl --cluster 127.0.0.1 node show '' ::
}

MODE="without bash-completion"
# shellcheck source=/dev/null
. "$COMPLETION"
run_checks

BC=/usr/share/bash-completion/bash_completion
if [ -r "$BC" ]; then
	MODE="with bash-completion"
	# shellcheck source=/dev/null
	. "$BC"
	# shellcheck source=/dev/null
	. "$COMPLETION"
	declare -F _init_completion >/dev/null || fail "$BC did not define _init_completion"
	run_checks
else
	echo "note: $BC is not there (package bash-completion): checked without it only"
fi

[ "$FAILED" = 0 ] || fail "completion checks failed (above)"
echo "clusctl completion: all checks passed ($MODE)"
