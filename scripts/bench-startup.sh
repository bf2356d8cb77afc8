#!/usr/bin/env bash
# Startup cost of autoseal for a /bin/true-sized program: exec+exit of
# bench/tiny.c under no preload, an EMPTY preloaded library (the floor: what
# LD_PRELOAD itself costs), libautoseal.so with mode=off (loading it, sealing
# nothing) and libautoseal.so (default profile), interleaved
# in shuffled order by bench/spawnbench.  Prints median, p10/p90 and the
# ratio autoseal / empty preload against the target 1.05.  A benchmark, not a
# test: exit status 0 whether or not the target is met, non-zero if it
# could not measure.
#
#   scripts/bench-startup.sh [--runs N] [--lib PATH] [--raw FILE] [--tools DIR]
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$AUTOSEAL_ROOT/bench/common.sh"

runs=200 lib="" raw="" tools=""
while (($#)); do
    case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --lib) lib="$2"; shift 2 ;;
    --raw) raw="$2"; shift 2 ;;
    --tools) tools="$2"; shift 2 ;;
    -h | --help) sed -n '2,10p' "$0"; exit 0 ;;
    *) die "unknown argument: $1" ;;
    esac
done

if [[ -z "$lib" ]]; then
    lib="$AUTOSEAL_ROOT/build/lib/libautoseal.so"
    [[ -f "$lib" ]] || build "$AUTOSEAL_ROOT/build" >/dev/null
fi
[[ -f "$lib" ]] || die "no library at $lib"
lib="$(realpath "$lib")"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
[[ -n "$tools" ]] || tools="$tmp/tools"
bench_tools "$tools"
[[ -n "$raw" ]] || raw="$tmp/startup.raw"

log "startup: $runs interleaved runs per configuration"
"$tools/spawnbench" -n "$runs" -w 10 \
    none "$tools/tiny" -- \
    empty LD_PRELOAD="$tools/libempty.so" "$tools/tiny" -- \
    off LD_PRELOAD="$lib" AUTOSEAL_OPTIONS=mode=off "$tools/tiny" -- \
    default LD_PRELOAD="$lib" "$tools/tiny" > "$raw"
python3 "$AUTOSEAL_ROOT/bench/stats.py" startup "$raw" empty default 1.05
