#!/usr/bin/env bash
# Cost of the launcher (`autoseal run` on a static program): exec+exit of a
# /bin/true-sized static program (bench/tiny.c linked -static), the same as
# static-pie (RELRO: the launcher follows its startup to the mprotect of
# RELRO), and a real pure-Go program from Debian (golang-petname), each
# started plainly, through `autoseal run -o mode=off` (the tool's own exec
# and policy lookup, nothing traced) and through `autoseal run` (traced,
# sealed, detached), interleaved in shuffled order by bench/spawnbench.
# Prints median, p10/p90 and the ratios.  A benchmark, not a test: exit 0
# whether the numbers are good or bad, non-zero if it could not measure.
#
#   scripts/bench-launcher.sh [--runs N] [--tool PATH] [--raw FILE]
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$AUTOSEAL_ROOT/bench/common.sh"

runs=300 tool="" raw=""
while (($#)); do
    case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --tool) tool="$2"; shift 2 ;;
    --raw) raw="$2"; shift 2 ;;
    -h | --help) sed -n '2,12p' "$0"; exit 0 ;;
    *) die "unknown argument: $1" ;;
    esac
done
if [[ -z "$tool" ]]; then
    tool="$AUTOSEAL_ROOT/build/bin/autoseal"
    [[ -x "$tool" ]] || build "$AUTOSEAL_ROOT/build" >/dev/null
fi
tool="$(realpath "$tool")"
go=$(command -v golang-petname || true)
[[ -n "$go" ]] || die "golang-petname missing (scripts/packages/static.txt)"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
bench_tools "$tmp"
cc -O2 -static -o "$tmp/tiny-static" "$BENCH_SRC/tiny.c"
cc -O2 -static-pie -fPIE -o "$tmp/tiny-pie" "$BENCH_SRC/tiny.c"
[[ -n "$raw" ]] || raw="$tmp/launcher.raw"

log "launcher: $runs interleaved runs per configuration"
"$tmp/spawnbench" -n "$runs" -w 10 \
    static "$tmp/tiny-static" -- \
    static-off "$tool" run -o mode=off "$tmp/tiny-static" -- \
    static-run "$tool" run "$tmp/tiny-static" -- \
    pie "$tmp/tiny-pie" -- \
    pie-run "$tool" run "$tmp/tiny-pie" -- \
    go "$go" -- \
    go-run "$tool" run "$go" > "$raw"
python3 "$AUTOSEAL_ROOT/bench/stats.py" startup "$raw" static static-run 100 | grep -v '^ratio'
for pair in "static static-off" "static static-run" "static-off static-run" "pie pie-run" "go go-run"; do
    # shellcheck disable=SC2086
    python3 "$AUTOSEAL_ROOT/bench/stats.py" startup "$raw" $pair 100 | grep '^ratio' | sed 's/, target.*//'
done
