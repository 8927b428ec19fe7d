#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The service files: clusterd.service passes systemd-analyze verify, and what
# `meson install` puts into a DESTDIR (the unit, the tmpfiles.d and sysusers.d
# entries) lands where systemd looks and, applied to a scratch root, makes the
# clusadm group and the directories with their modes.
# Env (from meson): UNIT_UNINSTALLED, BUILD_ROOT, MESON, UNITDIR, TMPFILESDIR,
# SYSUSERSDIR, SBINDIR.
set -u
: "${UNIT_UNINSTALLED:?}" "${BUILD_ROOT:?}" "${MESON:?}" "${UNITDIR:?}" "${TMPFILESDIR:?}" "${SYSUSERSDIR:?}" "${SBINDIR:?}"
TMP=$(mktemp -d /tmp/clusapi-service-XXXXXX)
KEEP=
cleanup() { [ -n "$KEEP" ] || rm -rf "$TMP"; }
trap cleanup EXIT
fail() {
	echo "FAIL: $*" >&2
	echo "  (files kept in $TMP)" >&2
	KEEP=1
	exit 1
}
skip() {
	echo "SKIP: $*"
	exit 77
}
for t in systemd-analyze systemd-tmpfiles systemd-sysusers; do
	command -v "$t" >/dev/null || skip "$t is not installed (Debian package systemd)"
done

# 1. systemd-analyze verify on the unit naming this build's clusterd.  It
# works without systemd as PID 1; warnings (an unknown key, a bad value) do
# not change its exit code, so any output fails too.  --man=no: the man pages
# are not installed here.
mkdir -p "$TMP/unit"
cp "$UNIT_UNINSTALLED" "$TMP/unit/clusterd.service"
out=$(systemd-analyze verify --man=no "$TMP/unit/clusterd.service" 2>&1)
rc=$?
[ "$rc" -eq 0 ] && [ -z "$out" ] || fail "systemd-analyze verify clusterd.service (exit $rc): $out"
echo "ok: systemd-analyze verify clusterd.service: no complaint"
# ... and it does complain about a broken copy (the check can fail).
sed 's/^ProtectSystem=strict/ProtectSystem=stricter/' "$TMP/unit/clusterd.service" > "$TMP/unit/broken.service"
out=$(systemd-analyze verify --man=no "$TMP/unit/broken.service" 2>&1)
echo "$out" | grep -q "ProtectSystem\|protect system" || fail "systemd-analyze verify did not notice a bad value: $out"
echo "ok: systemd-analyze verify notices a bad value"
grep -q '^Type=notify$' "$TMP/unit/clusterd.service" || fail "the unit is not Type=notify"

# 2. meson install into a DESTDIR.
D="$TMP/destdir"
out=$("$MESON" install -C "$BUILD_ROOT" --no-rebuild --destdir "$D" 2>&1) || fail "meson install --destdir $D: $out"
for f in "$UNITDIR/clusterd.service" "$TMPFILESDIR/clusterd.conf" "$SYSUSERSDIR/clusterd.conf" "$SBINDIR/clusterd"; do
	[ -f "$D$f" ] || fail "meson install did not install $f (in $D): $(cd "$D" && find . -type f | sort)"
	echo "ok: installed $f"
done
# The installed unit is the verified one, with the installed clusterd.
exec_start=$(sed -n 's/^ExecStart=//p' "$D$UNITDIR/clusterd.service")
[ "$exec_start" = "$SBINDIR/clusterd --foreground \$CLUSTERD_OPTS" ] ||
	fail "installed unit: ExecStart=$exec_start, expected $SBINDIR/clusterd --foreground \$CLUSTERD_OPTS"
diff <(grep -v '^ExecStart=' "$D$UNITDIR/clusterd.service") <(grep -v '^ExecStart=' "$TMP/unit/clusterd.service") ||
	fail "the installed unit differs from the verified one beyond ExecStart"
echo "ok: installed unit runs $SBINDIR/clusterd"

# 3. sysusers.d: the clusadm group, applied to a scratch root.
R="$TMP/root"
mkdir -p "$R/etc"
mkdir -p "$R$(dirname "$SYSUSERSDIR")" "$R$(dirname "$TMPFILESDIR")"
cp -r "$D$SYSUSERSDIR" "$R$SYSUSERSDIR"
cp -r "$D$TMPFILESDIR" "$R$TMPFILESDIR"
out=$(systemd-sysusers --root "$R" clusterd.conf 2>&1) || fail "systemd-sysusers --root $R clusterd.conf: $out"
line=$(grep '^clusadm:' "$R/etc/group") || fail "no clusadm group in $R/etc/group: $(cat "$R/etc/group" 2>&1); sysusers said: $out"
gid=$(echo "$line" | cut -d: -f3)
[ "$gid" -gt 0 ] && [ "$gid" -lt 1000 ] || fail "clusadm got gid $gid, not a system gid: $line"
echo "ok: systemd-sysusers made the system group $line"
# ... and the system user clusterd gives up root to (clusterd --user).
uline=$(grep '^clusterd:' "$R/etc/passwd") || fail "no clusterd user in $R/etc/passwd: $(cat "$R/etc/passwd" 2>&1); sysusers said: $out"
IFS=: read -r _ _ uid _ _ home shell <<< "$uline"
[ "$uid" -gt 0 ] && [ "$uid" -lt 1000 ] || fail "clusterd got uid $uid, not a system uid: $uline"
[ "$home" = /var/lib/clusterd ] && [ "$shell" = /usr/sbin/nologin ] || fail "clusterd user: home $home shell $shell: $uline"
echo "ok: systemd-sysusers made the system user $uline"

# 4. tmpfiles.d: the directories and their modes, in the scratch root.
out=$(systemd-tmpfiles --root "$R" --create clusterd.conf 2>&1) || fail "systemd-tmpfiles --root $R --create clusterd.conf: $out"
for want in "/run/clusterd 755 root" "/var/lib/clusterd 700 root"; do
	set -- $want
	got=$(stat -c '%a %U' "$R$1" 2>&1) || fail "systemd-tmpfiles did not make $1: $got"
	[ "$got" = "$2 $3" ] || fail "$1 is '$got', expected '$2 $3'"
	echo "ok: systemd-tmpfiles made $1 mode $2 owner $3"
done
# The unit asks systemd for the same directories with the same modes.
grep -q '^StateDirectory=clusterd$' "$TMP/unit/clusterd.service" &&
	grep -q '^StateDirectoryMode=0700$' "$TMP/unit/clusterd.service" &&
	grep -q '^RuntimeDirectory=clusterd$' "$TMP/unit/clusterd.service" &&
	grep -q '^RuntimeDirectoryMode=0755$' "$TMP/unit/clusterd.service" ||
	fail "the unit's StateDirectory/RuntimeDirectory (and modes) do not match the tmpfiles entry"
echo "ok: the unit's StateDirectory= and RuntimeDirectory= match"
echo "PASS"
