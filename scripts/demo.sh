#!/usr/bin/env bash
# Set up, build, run a real program under autoseal and show what got sealed.
# Idempotent; safe on a fresh Debian 12.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$AUTOSEAL_ROOT"

install_deps core cli
log "build"
build "$AUTOSEAL_ROOT/build" >/dev/null

lib="$AUTOSEAL_ROOT/build/lib/libautoseal.so"
tool="$AUTOSEAL_ROOT/build/bin/autoseal"
py=/usr/bin/python3

log "running $py under autoseal (AUTOSEAL_OPTIONS=log=stderr prints autoseal's own summary)"
out=$(mktemp); trap 'rm -f "$out"; [[ -n ${pid:-} ]] && kill "$pid" 2>/dev/null || true' EXIT
LD_PRELOAD="$lib" AUTOSEAL_OPTIONS=log=stderr "$py" -c '
import ctypes, json, sqlite3, time
print("python is up: extension modules loaded with dlopen", flush=True)
time.sleep(20)' >"$out" &
pid=$!
for _ in $(seq 100); do grep -q "python is up" "$out" 2>/dev/null && break; sleep 0.1; done
sleep 0.5

echo
log "what the kernel reports for process $pid (from /proc/$pid/smaps, not from autoseal):"
if [[ -x $tool ]]; then
    "$tool" status "$pid"
else
    awk '/^[0-9a-f]+-[0-9a-f]+ /{range=$1; perms=$2; path=$6}
         /^VmFlags/{s="unsealed"; for(i=2;i<=NF;i++) if($i=="sl") s="SEALED";
                    if (path ~ /^\//) printf "%-8s %-6s %s %s\n", s, perms, range, path}' "/proc/$pid/smaps"
fi

echo
log "trying to make python's own code writable from inside (what an exploit would do):"
LD_PRELOAD="$lib" AUTOSEAL_OPTIONS=log=none "$py" -c '
import ctypes, ctypes.util
libc = ctypes.CDLL(None, use_errno=True)
with open("/proc/self/maps") as f:
    for line in f:
        parts = line.split()
        if "r-xp" == parts[1] and parts[-1].endswith("python3.11"):
            start = int(parts[0].split("-")[0], 16)
            break
r = libc.mprotect(ctypes.c_void_p(start), 4096, 7)
print("mprotect(text, RWX) ->", r, "errno", ctypes.get_errno(), "(1 = EPERM: refused by the seal)")'
