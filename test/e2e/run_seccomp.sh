#!/usr/bin/env bash
# mseal refused by a seccomp filter (ENOSYS or EPERM): the program must run
# exactly as without autoseal, nothing sealed, and autoseal must say so once.
set -euo pipefail
action=$1 seccomp_run=$2 prog=$3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# reference: no autoseal, no filter
LD_PRELOAD= "$prog" features >"$tmp/ref.out" 2>"$tmp/ref.err"

AUTOSEAL_OPTIONS=log=stderr "$seccomp_run" "$action" -- "$prog" features >"$tmp/out" 2>"$tmp/err"
diff -u "$tmp/ref.out" "$tmp/out"
grep -c 'prog=e2e_check .*event=unavailable' "$tmp/err" | grep -qx 1 || { echo "expected one event=unavailable line"; cat "$tmp/err"; exit 1; }
grep -q "reason=$action" "$tmp/err" || { echo "reason=$action missing"; cat "$tmp/err"; exit 1; }
grep -q 'prog=e2e_check .*event=startup .* bytes=0 ' "$tmp/err" || { echo "summary must report 0 bytes"; cat "$tmp/err"; exit 1; }
# nothing sealed, seen from inside with smaps and probes
AUTOSEAL_OPTIONS=log=none "$seccomp_run" "$action" -- "$prog" seals unsealed
echo "PASS seccomp $action"
