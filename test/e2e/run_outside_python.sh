#!/usr/bin/env bash
# The "done when" check of the core issue: python3 sleeping under autoseal,
# every non-writable mapping of every ELF object sealed, seen from outside.
set -euo pipefail
lib=$1 checker=$2
py=/usr/bin/python3
[[ -x $py ]] || { echo "FAIL: $py missing"; exit 1; }
run() { # expect options...
    local expect=$1; shift
    env "$@" "$py" -c 'import sys, time; print("ready", flush=True); time.sleep(120)' >"$tmp/out" 2>"$tmp/err" &
    local pid=$!
    for _ in $(seq 600); do grep -q ready "$tmp/out" 2>/dev/null && break; sleep 0.1; done
    grep -q ready "$tmp/out" || { echo "FAIL: python did not start within 60 s"; cat "$tmp/err"; kill $pid; exit 1; }
    local rc=0
    python3 "$checker" "$pid" --expect "$expect" || rc=$?
    kill $pid; wait $pid 2>/dev/null || true
    return $rc
}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
run sealed LD_PRELOAD="$lib"
run unsealed LD_PRELOAD=
run unsealed LD_PRELOAD="$lib" AUTOSEAL_OPTIONS=mode=off
echo "PASS outside python"
