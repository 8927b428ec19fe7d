#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A stand-in for clusterd that runs the real one (REAL_CLUSTERD) as
# clusterd.service would: with exactly the capability bounding set of the
# unit (UNIT) and no new privileges.  tests/pacemaker/run.sh finds its
# daemons with pgrep -f "^$CLUSTERD --backend ...", so the real clusterd is
# started under this script's own name (exec -a).
set -eu
: "${REAL_CLUSTERD:?}" "${UNIT:?}"
if [ -z "${CLUSTERD_CAPPED:-}" ]; then
	caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$UNIT")
	[ -n "$caps" ] || { echo "capped-clusterd: no CapabilityBoundingSet= in $UNIT" >&2; exit 1; }
	bset=-all
	for c in $caps; do
		c=${c#CAP_}
		bset="$bset,+${c,,}"
	done
	CLUSTERD_CAPPED=1 exec setpriv --inh-caps=-all --bounding-set="$bset" --no-new-privs "$0" "$@"
fi
unset CLUSTERD_CAPPED
exec -a "$0" "$REAL_CLUSTERD" "$@"
