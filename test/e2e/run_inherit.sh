#!/usr/bin/env bash
# inherit=no: children start without autoseal; inherit=yes (default): with.
set -euo pipefail
lib=$1
# the host program is env(1); its child is cat, which prints what it got
probe() { env "$@" /usr/bin/env /bin/cat /proc/self/environ | tr '\0' '\n' | grep -E "^(LD_PRELOAD|AUTOSEAL_OPTIONS)=" || true; }
with=$(probe LD_PRELOAD="$lib" AUTOSEAL_OPTIONS=log=none)
without=$(probe LD_PRELOAD="$lib" AUTOSEAL_OPTIONS=log=none,inherit=no)
echo "inherit=yes: $with"; echo "inherit=no: $without"
grep -q "LD_PRELOAD=.*libautoseal.so" <<<"$with"
grep -q "AUTOSEAL_OPTIONS=" <<<"$with"
if grep -q "libautoseal" <<<"$without" || grep -q AUTOSEAL_OPTIONS <<<"$without"; then
    echo "FAIL: autoseal still in the child's environment"; exit 1
fi
# other preloaded libraries stay
other=$(probe LD_PRELOAD="$lib:/lib/x86_64-linux-gnu/libm.so.6" AUTOSEAL_OPTIONS=inherit=no,log=none)
grep -qx "LD_PRELOAD=.*/lib/x86_64-linux-gnu/libm.so.6" <<<"$other" && ! grep -q libautoseal <<<"$other" || { echo "FAIL: other entries lost: $other"; exit 1; }
echo "PASS inherit"
