#!/usr/bin/env bash
# Startup cost of autoseal for a /bin/true-sized program: exec+exit of
# bench/tiny.c, interleaved in shuffled order by bench/spawnbench, under
#   none         no preload
#   empty        an empty preloaded library (what LD_PRELOAD itself costs)
#   sealfloor    bench/sealfloor.c: exactly autoseal's mseal calls, nothing else
#   shapefloor   bench/shapefloor.c: autoseal's exports and section sizes, empty constructor
#   off          libautoseal.so, AUTOSEAL_OPTIONS=mode=off
#   default      libautoseal.so (default profile)
#   config       default, with a configuration file (a global and one program section)
#   syslog       default, log=syslog,loglevel=warn (nothing to log; log= alone means loglevel=info)
#   journal      default, log=journal configured (nothing to log)
#   env-ns       default by LD_PRELOAD, in a mount namespace with an overlay /etc
#   file-ns      default by /etc/ld.so.preload, in a mount namespace whose overlay
#                /etc has that file (the host's /etc is never touched)
# then page faults (bench/faults.c, ru_minflt) and system calls (strace) per
# exec for each.  Prints medians, p10/p90 and the ratios.  A benchmark, not a
# test: exit 0 whether or not a target is met, non-zero if it could not measure.
#
#   scripts/bench-startup.sh [--runs N] [--lib PATH] [--raw FILE] [--tools DIR]
#   (--raw FILE also writes FILE.faults and FILE.syscalls)
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
    -h | --help) sed -n '2,21p' "$0"; exit 0 ;;
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
chmod 755 "$tmp"
nspids=()
cleanup() {
    local p
    for p in "${nspids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT
[[ -n "$tools" ]] || tools="$tmp/tools"
bench_tools "$tools"
bench_floors "$tools" "$lib"
[[ -n "$raw" ]] || raw="$tmp/startup.raw"
t="$tools/tiny"

# a configuration file with a global and one program section (not this one)
printf '[global]\nmode = enforce\n\n[/usr/sbin/autoseal-bench-none]\nprofile = strict\n' > "$tmp/autoseal.conf"
chmod 644 "$tmp/autoseal.conf"

# two mount namespaces with the same overlay over /etc; only B's has an
# ld.so.preload naming the library.  /etc itself is never changed.
ns_start() { # ns_start DIR [PRELOAD-LINE] -> pid in nspid
    mkdir -p "$1/u" "$1/w"
    [[ -z "${2:-}" ]] || printf '%s\n' "$2" > "$1/u/ld.so.preload"
    unshare -m --propagation private sh -c \
        "mount -t overlay overlay -o lowerdir=/etc,upperdir=$1/u,workdir=$1/w /etc && touch $1/ready && exec sleep 100000" &
    nspid=$!
    nspids+=("$nspid")
    local i
    for ((i = 0; i < 100; i++)); do
        [[ -f "$1/ready" ]] && return 0
        kill -0 "$nspid" 2>/dev/null || break
        sleep 0.05
    done
    return 1
}
ns=1
if ! command -v unshare >/dev/null || [[ $(id -u) -ne 0 ]]; then
    ns=0
    log "not root or no unshare: no /etc/ld.so.preload rows"
else
    if ns_start "$tmp/nsa" && nsa=$nspid && ns_start "$tmp/nsb" "$lib" && nsb=$nspid &&
        nsenter -t "$nsb" -m test -f /etc/ld.so.preload; then
        [[ ! -e /etc/ld.so.preload ]] || log "note: this host has an /etc/ld.so.preload: every row includes it"
    else
        ns=0
        log "cannot mount an overlay over /etc in a mount namespace: no /etc/ld.so.preload rows"
    fi
fi

cfgs=(none "$t" --
      empty LD_PRELOAD="$tools/libempty.so" "$t" --
      sealfloor LD_PRELOAD="$tools/libsealfloor.so" "$t" --
      shapefloor LD_PRELOAD="$tools/libshapefloor.so" "$t" --
      off LD_PRELOAD="$lib" AUTOSEAL_OPTIONS=mode=off "$t" --
      default LD_PRELOAD="$lib" "$t" --
      config LD_PRELOAD="$lib" AUTOSEAL_CONFIG="$tmp/autoseal.conf" "$t" --
      syslog LD_PRELOAD="$lib" AUTOSEAL_OPTIONS=log=syslog,loglevel=warn "$t" --
      journal LD_PRELOAD="$lib" AUTOSEAL_OPTIONS=log=journal,loglevel=warn "$t")
nscfgs=()
if ((ns)); then
    nscfgs=(-- env-ns SPAWNBENCH_NS=/proc/$nsa/ns/mnt LD_PRELOAD="$lib" "$t"
            -- file-ns SPAWNBENCH_NS=/proc/$nsb/ns/mnt "$t")
fi

log "startup: $runs interleaved runs per configuration ($(cut -d' ' -f1-3 /proc/loadavg))"
"$tools/spawnbench" -n "$runs" -w 10 "${cfgs[@]}" "${nscfgs[@]}" > "$raw"

# page faults per exec: the same configurations, interleaved (fork+exec;
# the namespace rows counted inside their namespace)
"$tools/faults" -n 50 "${cfgs[@]}" > "$raw.faults"
if ((ns)); then
    nsenter -t "$nsa" -m "$tools/faults" -n 50 env-ns LD_PRELOAD="$lib" "$t" >> "$raw.faults"
    nsenter -t "$nsb" -m "$tools/faults" -n 50 file-ns "$t" >> "$raw.faults"
fi

# system calls per exec (strace, the traced program only)
: > "$raw.syscalls"
trace() { # trace NAME [nsenter...] -- ENV... 
    local name="$1"; shift
    local pre=()
    while [[ $1 != -- ]]; do pre+=("$1"); shift; done
    shift
    local e=()
    while [[ $1 == *=* ]]; do e+=(-E "$1"); shift; done
    "${pre[@]}" strace -qq -o "$tmp/trace" "${e[@]}" "$@"
    printf '%s\t%s\t%s\n' "$name" "$(grep -vc '^execve\|^+++\|^---' "$tmp/trace")" \
        "$(grep -cE '(syscall_0x1ce|mseal)\(' "$tmp/trace" || true)" >> "$raw.syscalls"
}
if command -v strace >/dev/null; then
    trace none -- "$t"
    trace empty -- LD_PRELOAD="$tools/libempty.so" "$t"
    trace sealfloor -- LD_PRELOAD="$tools/libsealfloor.so" "$t"
    trace shapefloor -- LD_PRELOAD="$tools/libshapefloor.so" "$t"
    trace off -- LD_PRELOAD="$lib" AUTOSEAL_OPTIONS=mode=off "$t"
    trace default -- LD_PRELOAD="$lib" "$t"
    trace config -- LD_PRELOAD="$lib" AUTOSEAL_CONFIG="$tmp/autoseal.conf" "$t"
    trace syslog -- LD_PRELOAD="$lib" AUTOSEAL_OPTIONS=log=syslog,loglevel=warn "$t"
    trace journal -- LD_PRELOAD="$lib" AUTOSEAL_OPTIONS=log=journal,loglevel=warn "$t"
    if ((ns)); then
        trace env-ns nsenter -t "$nsa" -m -- LD_PRELOAD="$lib" "$t"
        trace file-ns nsenter -t "$nsb" -m -- "$t"
    fi
fi
python3 "$AUTOSEAL_ROOT/bench/stats.py" startup "$raw" empty default 1.04
