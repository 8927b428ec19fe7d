#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The Debian packages, end to end, on this machine: install the build
# dependencies named in debian/control, build the four binary packages with
# dpkg-buildpackage, run lintian on them (any error fails), install them, start
# clusterd as its systemd unit would, and run `clusctl cluster` over the
# default LPC socket, as root and as a non-root member of the clusadm group.
#
# Meant for a fresh Debian 12 root, as root, from the project's checkout:
#   scripts/fresh-check.sh scripts/deb-check.sh   (a stage of scripts/test.sh)
# It installs packages and writes to /usr, /var/lib/clusterd and /run/clusterd,
# so do not run it on a machine you care about.
#
# No systemd runs in such a root: the unit's ExecStart line is read from the
# installed unit file and run as its User= (root when there is none), after
# creating what StateDirectory=/RuntimeDirectory= would and what the installed
# tmpfiles.d entry asks for. The unit's sandboxing (ProtectSystem=...) is not
# applied. clusterd runs in a network namespace of its own, so that its
# endpoint mapper on port 135 never meets another program's on this host.
#
# The build happens in a copy of the tree ($DEB_CHECK_DIR, default a new
# directory under /tmp), so the checkout stays clean; the logs and packages
# stay there and are named on failure.
set -euo pipefail
[ "$(id -u)" -eq 0 ] || { echo "deb-check: needs root (it installs packages)" >&2; exit 2; }
[ -f debian/control ] || { echo "deb-check: run from the project's root (no debian/control here)" >&2; exit 2; }

work=${DEB_CHECK_DIR:-$(mktemp -d /tmp/deb-check.XXXXXX)}
mkdir -p "$work"
indent() { while IFS= read -r l; do printf "  %s\n" "$l"; done <<<"$1"; }
step() { printf '\n=== deb-check: %s (%ds)\n' "$*" "$SECONDS"; }
fail() { echo "deb-check: FAIL: $*" >&2; echo "deb-check: logs and packages in $work" >&2; exit 1; }
daemon_pid=""
stop_daemon() {
	[ -n "$daemon_pid" ] || return 0
	kill "$daemon_pid" 2>/dev/null || true
	wait "$daemon_pid" 2>/dev/null || true
	daemon_pid=""
}
trap stop_daemon EXIT

export DEBIAN_FRONTEND=noninteractive
step "installing the build dependencies of debian/control"
apt-get update -q >"$work/apt-update.log" 2>&1 || { cat "$work/apt-update.log"; fail "apt-get update"; }
# dpkg-dev and lintian are the tools; `apt-get build-dep ./` reads Build-Depends
# from this directory's debian/control (and adds build-essential). iproute2:
# `ip link` for clusterd's network namespace below.
apt-get install -y -q --no-install-recommends dpkg-dev lintian iproute2 >"$work/apt-tools.log" 2>&1 ||
	{ tail -20 "$work/apt-tools.log"; fail "installing dpkg-dev, lintian, iproute2 (log: $work/apt-tools.log)"; }
apt-get build-dep -y -q --no-install-recommends ./ >"$work/apt-build-dep.log" 2>&1 ||
	{ tail -20 "$work/apt-build-dep.log"; fail "apt-get build-dep ./ (log: $work/apt-build-dep.log)"; }

step "dpkg-buildpackage -us -uc -b"
# A copy of the tree (tracked and untracked files, not the ignored build
# directories): dpkg-buildpackage writes its products to the parent directory.
rm -rf "$work/src"
mkdir -p "$work/src"
if git rev-parse --git-dir >/dev/null 2>&1; then
	git ls-files -z -co --exclude-standard | tar -cf - --null -T - | tar -xf - -C "$work/src"
else
	cp -a . "$work/src"
fi
(cd "$work/src" && DEB_BUILD_OPTIONS="parallel=$(nproc)" dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1 ||
	{ tail -40 "$work/build.log"; fail "dpkg-buildpackage (log: $work/build.log)"; }
grep -E '^(Ok|Fail|Skipped):' "$work/build.log" | sed 's/^/  unit tests during the build: /' || true
changes=$(ls "$work"/libclusapi_*.changes)

step "lintian $(basename "$changes")"
# --fail-on error: errors fail the check; warnings, info and pedantic tags
# are printed for the record.
lintian --fail-on error --display-info --pedantic "$changes" >"$work/lintian.log" 2>&1 && lintian_rc=0 || lintian_rc=$?
grep -E '^[EWIP]: ' "$work/lintian.log" | sed 's/^/  /' || true
errors=$(grep -c '^E: ' "$work/lintian.log" || true)
warnings=$(grep -c '^W: ' "$work/lintian.log" || true)
echo "  lintian: $errors errors, $warnings warnings (exit status $lintian_rc)"
if [ "$lintian_rc" -ne 0 ] || [ "$errors" -ne 0 ]; then
	fail "lintian (log: $work/lintian.log)"
fi

step "apt-get install the four packages"
debs=()
for p in libclusapi0 libclusapi-dev clusterd clusctl; do
	f=$(ls "$work/${p}_"*.deb 2>/dev/null) || fail "no ${p}_*.deb was built"
	debs+=("$f")
done
apt-get install -y -q --no-install-recommends "${debs[@]}" >"$work/apt-install.log" 2>&1 ||
	{ tail -30 "$work/apt-install.log"; fail "apt-get install of the packages (log: $work/apt-install.log)"; }
getent group clusadm >/dev/null || fail "the clusadm group does not exist after installing clusterd"
echo "  group: $(getent group clusadm)"
getent passwd clusterd >/dev/null || fail "the clusterd user does not exist after installing clusterd"
echo "  user: $(getent passwd clusterd)"

step "what the packages contain"
for f in "${debs[@]}"; do
	pkg=$(dpkg-deb -f "$f" Package)
	echo "  $pkg ($(dpkg-deb -f "$f" Section), $(du -k "$f" | cut -f1) kB): Depends: $(dpkg-deb -f "$f" Depends)"
	# Files (directories are noise); symbolic links counted per directory
	# (the man3 links are dozens), with their targets when there are few.
	dpkg -c "$f" | awk '
		{ $1 = $2 = $3 = $4 = $5 = ""; sub(/^ +/, "") }
		/\/$/ { next }
		/ -> / { d = $1; sub(/[^\/]*$/, "", d); n[d]++; l[d] = l[d] "    " $0 "\n"; next }
		{ print "    " $0 }
		END { for (d in n) if (n[d] <= 3) printf "%s", l[d]; else print "    " d ": " n[d] " symbolic links" }'
done

step "starting clusterd as clusterd.service would"
unit=""
for d in /usr/lib/systemd/system /lib/systemd/system; do
	[ -f "$d/clusterd.service" ] && { unit=$d/clusterd.service; break; }
done
[ -n "$unit" ] || fail "no clusterd.service installed"
# Enabled as Debian does (dh_installsystemd's postinst: deb-systemd-helper).
[ -e /etc/systemd/system/multi-user.target.wants/clusterd.service ] &&
	echo "  enabled: /etc/systemd/system/multi-user.target.wants/clusterd.service" ||
	echo "  note: clusterd.service is not linked in multi-user.target.wants"
# The value of KEY= in the unit's [Service] section (the last one, as systemd
# takes it; an empty assignment resets).
unit_value() {
	awk -v key="$1" '
		/^\[/ { service = ($0 == "[Service]") }
		service && index($0, key "=") == 1 { v = substr($0, length(key) + 2) }
		END { print v }' "$unit"
}
exec_start=$(unit_value ExecStart)
user=$(unit_value User)
group=$(unit_value Group)
[ -n "$exec_start" ] || fail "$unit has no ExecStart="
# Strip systemd's prefixes (-, @, +, !, :) from the command.
exec_start=$(sed -E 's/^[-@+!:]+//' <<<"$exec_start")
case $exec_start in *%*) fail "ExecStart uses systemd specifiers this check cannot expand: $exec_start" ;; esac
user=${user:-root}
group=${group:-$(id -gn "$user")}
echo "  unit: $unit"
echo "  ExecStart=$exec_start"
echo "  User=$user Group=$group"
# What systemd creates before ExecStart: StateDirectory= under /var/lib and
# RuntimeDirectory= under /run, owned by User=/Group=, with their modes.
for kind in State Runtime; do
	base=/var/lib
	[ $kind = Runtime ] && base=/run
	mode=$(unit_value ${kind}DirectoryMode)
	for d in $(unit_value ${kind}Directory); do
		install -d -m "${mode:-0755}" -o "$user" -g "$group" "$base/$d"
		echo "  ${kind}Directory: $(stat -c '%A %U:%G %n' "$base/$d")"
	done
done
# And the tmpfiles.d entry (the package's postinst ran it already when
# systemd-tmpfiles was there; this is what boot does).
for f in /usr/lib/tmpfiles.d/clusterd.conf /etc/tmpfiles.d/clusterd.conf; do
	if [ -f "$f" ]; then
		systemd-tmpfiles --create "$f" || fail "systemd-tmpfiles --create $f"
		echo "  tmpfiles: $f applied"
	fi
done
# Environment= and EnvironmentFile= (a leading - means optional), then the
# command itself, as the unit's user, in a network namespace of its own.
env_args=()
while IFS= read -r line; do
	[ -n "$line" ] && eval "env_args+=($line)"
done < <(awk '/^\[/ { s = ($0 == "[Service]") } s && /^Environment=/ { print substr($0, 13) }' "$unit")
while IFS= read -r f; do
	optional=""
	case $f in -*) optional=1; f=${f#-} ;; esac
	if [ -r "$f" ]; then
		while IFS= read -r line; do
			case $line in ''|'#'*|';'*) continue ;; esac
			env_args+=("$line")
		done <"$f"
	elif [ -z "$optional" ]; then
		fail "EnvironmentFile $f of the unit is missing"
	fi
done < <(awk '/^\[/ { s = ($0 == "[Service]") } s && /^EnvironmentFile=/ { print substr($0, 17) }' "$unit")
log=$work/clusterd.log
as_user=()
[ "$user" != root ] && as_user=(setpriv --reuid="$user" --regid="$group" --init-groups)
# shellcheck disable=SC2016 # expanded by the inner shell
unshare --net -- env "${env_args[@]}" bash -c '
	ip link set lo up
	exec "$@" /bin/sh -c "exec $0"' "$exec_start" "${as_user[@]}" >"$log" 2>&1 &
daemon_pid=$!
ready=""
for _ in $(seq 1 100); do
	kill -0 "$daemon_pid" 2>/dev/null || { cat "$log"; fail "clusterd exited (log: $log)"; }
	if [ -S /run/clusterd/lpc.sock ] && clusctl cluster >/dev/null 2>&1; then
		ready=1
		break
	fi
	sleep 0.1
done
[ -n "$ready" ] || { cat "$log"; fail "clusterd not ready on /run/clusterd/lpc.sock within 10 s (log: $log)"; }
sed 's/^/  | /' "$log"
# Started as root, it serves as the user clusterd (its helper stays root).
served_uid=$(awk '$1 == "Uid:" { print $2 }' "/proc/$daemon_pid/status")
[ "$served_uid" = "$(id -u clusterd)" ] || fail "clusterd serves as uid $served_uid, not as the user clusterd (log: $log)"
echo "  clusterd (pid $daemon_pid) serves as uid $served_uid (clusterd)"
name=$(sed -nE 's/.*cluster "([^"]+)".*ready.*/\1/p' "$log" | tail -1)
[ -n "$name" ] || fail "clusterd's log does not name its cluster (log: $log)"

step "clusctl cluster (root, over /run/clusterd/lpc.sock)"
out=$(clusctl cluster 2>&1) || { echo "$out"; fail "clusctl cluster as root"; }
indent "$out"
grep -q "^Cluster: *$name\$" <<<"$out" || fail "clusctl cluster does not print the cluster name \"$name\""
grep -q '^Via: *LPC' <<<"$out" || fail "clusctl cluster did not go over LPC"

step "clusctl cluster as a non-root member of clusadm"
id debcheck >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin debcheck
usermod -a -G clusadm debcheck
out=$(setpriv --reuid=debcheck --regid=debcheck --init-groups clusctl cluster 2>&1) ||
	{ echo "$out"; fail "clusctl cluster as debcheck (member of clusadm)"; }
indent "$out"
grep -q "^Cluster: *$name\$" <<<"$out" || fail "clusctl cluster as debcheck does not print \"$name\""
grep -q '^Access: *full' <<<"$out" || fail "a member of clusadm did not get full access"

stop_daemon
step "PASS: packages built, lintian without errors ($warnings warnings), installed, clusterd started from its unit, clusctl answered"
