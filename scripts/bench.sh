#!/usr/bin/env bash
# Measure what autoseal costs and write docs/benchmarks.md with its plots.
#
#   scripts/bench.sh [--quick] [--out DIR] [--lib PATH] [--keep DIR]
#
#   full mode (default): startup of a /bin/true-sized program; startup with
#     1, 10, 100 and 500 libraries under no preload / empty preload /
#     autoseal default / autoseal strict (200 interleaved runs); runtime cost
#     of mmap, mprotect, dlopen; nginx (wrk), redis (redis-benchmark) and
#     postgresql (pgbench) baseline against autoseal strict; mappings of the
#     servers.  About 15-20 minutes.  Writes docs/ unless --out is given.
#   --quick: 1, 10, 100 libraries, 30 runs, a short runtime benchmark and
#     redis only; under two minutes.  Needs --out (it must not rewrite the
#     committed docs by accident).
#   --lib PATH: the libautoseal.so to measure (default build/lib/, built if
#     missing).  --keep DIR: keep the raw results in DIR.  --services "LIST":
#     the services to run (nginx redis postgresql; default per mode).
#   --report RESDIR: measure nothing; write the report and plots from raw
#     results kept earlier with --keep.
#
# Every comparison is interleaved: each iteration runs every configuration
# once, in shuffled or alternating order.  The script fails (non-zero) when
# a measurement could not be made or produced no number; it never fails
# because a target was missed (the report says so plainly).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$AUTOSEAL_ROOT/bench/common.sh"

mode=full out="" lib="" keep="" only_services="" report_from=""
while (($#)); do
    case "$1" in
    --quick) mode=quick; shift ;;
    --out) out="$2"; shift 2 ;;
    --lib) lib="$2"; shift 2 ;;
    --keep) keep="$2"; shift 2 ;;
    --services) only_services="$2"; shift 2 ;;
    --report) report_from="$(realpath "$2")"; shift 2 ;;
    -h | --help) sed -n '2,26p' "$0"; exit 0 ;;
    *) die "unknown argument: $1" ;;
    esac
done
if [[ -z "$out" ]]; then
    [[ $mode == full ]] || die "--quick needs --out DIR"
    out="$AUTOSEAL_ROOT/docs"
fi
mkdir -p "$out/img"
out="$(realpath "$out")"

# report RESDIR: benchmarks.md and the plots from raw results
report() {
    local res="$1" required="startup,scaling,counts,scaling_us,runtime,services,memory"
    python3 "$AUTOSEAL_ROOT/bench/stats.py" report "$res" "$out" "$required"
    gnuplot -e "dat='$out/img/startup.dat'; out='$out/img/startup.png'" "$AUTOSEAL_ROOT/bench/startup.gp"
    gnuplot -e "dat='$out/img/runtime.dat'; out='$out/img/runtime.png'" "$AUTOSEAL_ROOT/bench/runtime.gp"
    for f in startup runtime; do
        [[ -s "$out/img/$f.png" ]] || die "no plot $out/img/$f.png"
        mv "$out/img/$f.dat" "$res/"
    done
}
if [[ -n "$report_from" ]]; then
    command -v gnuplot >/dev/null || die "gnuplot is missing"
    report "$report_from"
    exit 0
fi

if [[ $mode == full ]]; then
    sizes=(1 10 100 500) startup_runs=300 scaling_runs=300 us_runs=50
    rt_batches=36 rt_scale=1
    services=(nginx redis postgresql) rounds=5
    wrk_secs=8 redis_n=150000 pg_secs=8
else
    sizes=(1 10 100) startup_runs=30 scaling_runs=30 us_runs=10
    rt_batches=6 rt_scale=0.3
    services=(redis) rounds=2
    wrk_secs=2 redis_n=20000 pg_secs=2
fi

if [[ -n "$only_services" ]]; then
    read -r -a services <<<"$only_services"
fi

need() { command -v "$1" >/dev/null || die "$1 is missing (scripts/packages/bench.txt; full mode also bench/packages-full.txt)"; }
if [[ $mode == full && $(id -u) -eq 0 ]]; then
    # the services of full mode are not needed by CI: installed here only
    missing=()
    while read -r p; do
        [[ -z "$p" || "$p" == \#* ]] && continue
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done < "$AUTOSEAL_ROOT/bench/packages-full.txt"
    if ((${#missing[@]})); then
        log "installing: ${missing[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
fi
for c in cc python3 strace gnuplot; do need "$c"; done

if [[ -z "$lib" ]]; then
    lib="$AUTOSEAL_ROOT/build/lib/libautoseal.so"
    [[ -f "$lib" ]] || build "$AUTOSEAL_ROOT/build" >/dev/null
fi
[[ -f "$lib" ]] || die "no library at $lib"
lib="$(realpath "$lib")"

work="$(mktemp -d /tmp/autoseal-bench.XXXXXX)"
chmod 755 "$work"
declare -a server_pids=()
cleanup() {
    local p
    for p in "${server_pids[@]}"; do
        kill "$p" 2>/dev/null || true
    done
    if [[ -f "$work/pg/data/postmaster.pid" ]]; then
        runuser -u postgres -- "$PGBIN/pg_ctl" -D "$work/pg/data" -m immediate stop >/dev/null 2>&1 || true
    fi
    for p in "${server_pids[@]}"; do
        wait "$p" 2>/dev/null || true
    done
    if [[ -n "$keep" && -d "$work/res" ]]; then
        mkdir -p "$keep" && cp -r "$work/res/." "$keep/"
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

tools="$work/tools" libs="$work/libs" res="$work/res"
mkdir -p "$res"
bench_tools "$tools"
T0=$SECONDS

meta() { printf '%s\t%s\n' "$1" "$2" >> "$res/meta.tsv"; }
printf 'key\tvalue\n' > "$res/meta.tsv"
meta mode "$mode"
meta version "$(git -C "$AUTOSEAL_ROOT" describe --always --dirty 2>/dev/null || echo unknown)"
meta startup_runs "$startup_runs"
meta scaling_runs "$scaling_runs"
meta load_start "$(cut -d' ' -f1-3 /proc/loadavg)"
meta date "$(date -u '+%Y-%m-%d %H:%M UTC')"

# ------------------------------------------------------------ 1. startup
log "1/5 startup of a /bin/true-sized program ($startup_runs runs)"
"$AUTOSEAL_ROOT/scripts/bench-startup.sh" --runs "$startup_runs" --lib "$lib" \
    --tools "$tools" --raw "$res/startup.raw" > "$res/startup.txt" 2>/dev/null

# ------------------------------------------------------------ 2. scaling
log "2/5 startup against the number of libraries (${sizes[*]}; $scaling_runs runs)"
bench_libs "$libs" "${sizes[-1]}"
cfgs=()
for n in "${sizes[@]}"; do
    bench_prog "$libs" "$n"
    p="$libs/prog_$n"
    cfgs+=(none@$n "$p" --
           empty@$n LD_PRELOAD="$tools/libempty.so" "$p" --
           default@$n LD_PRELOAD="$lib" "$p" --
           strict@$n LD_PRELOAD="$lib" AUTOSEAL_OPTIONS=profile=strict "$p" --)
done
unset 'cfgs[-1]'
"$tools/spawnbench" -n "$scaling_runs" -w 3 "${cfgs[@]}" > "$res/scaling.raw"

# mseal calls and /proc opens, counted from outside with strace.  strace 6.1
# knows no "mseal" and rejects 462 in -e trace=, so trace everything and
# count syscall 462 as it prints it (syscall_0x1ce), or as mseal if a newer
# strace knows the name.
printf 'profile\tn\tobjects\tlib_calls\tstrace_mseal\tproc_opens\tlib_calls_ldso_all\n' > "$res/scaling_counts.tsv"
for n in "${sizes[@]}"; do
    for prof in default strict; do
        p="$libs/prog_$n"
        opts="profile=$prof"
        summary="$(env LD_PRELOAD="$lib" AUTOSEAL_OPTIONS="$opts,log=stderr" "$p" 2>&1 >/dev/null |
            grep 'event=startup' | tail -n1)"
        objects="$(sed -n 's/.* objects=\([0-9]*\).*/\1/p' <<<"$summary")"
        calls="$(sed -n 's/.* calls=\([0-9]*\).*/\1/p' <<<"$summary")"
        [[ -n "$objects" && -n "$calls" ]] || die "no summary line from autoseal for prog_$n ($prof): $summary"
        if [[ $prof == default ]]; then envopt=(); else envopt=(-E AUTOSEAL_OPTIONS="$opts"); fi
        strace -f -qq -o "$work/trace" -E LD_PRELOAD="$lib" "${envopt[@]}" "$p"
        sc="$(grep -c -E '(syscall_0x1ce|mseal)\(' "$work/trace" || true)"
        po="$(grep -E '(open|openat|openat2)\(' "$work/trace" | grep -c '"/proc' || true)"
        # the same with ld.so's RELRO sealed whole (ldso-relro=all): tells
        # whether an extra call comes from the range ldso-relro=safe leaves out
        all="$(env LD_PRELOAD="$lib" AUTOSEAL_OPTIONS="$opts,ldso-relro=all,log=stderr" "$p" 2>&1 >/dev/null |
            grep 'event=startup' | tail -n1 | sed -n 's/.* calls=\([0-9]*\).*/\1/p')"
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$prof" "$n" "$objects" "$calls" "$sc" "$po" "${all:-nan}" >> "$res/scaling_counts.tsv"
    done
done

# The library's own timer around its sealing walk (us= in its summary line):
# much less noisy than the end-to-end difference, and what the linear fit is
# made on.
printf 'profile\tn\trun\tobjects\tus\n' > "$res/scaling_us.tsv"
for ((k = 0; k < us_runs; k++)); do
    for n in "${sizes[@]}"; do
        for prof in default strict; do
            line="$(env LD_PRELOAD="$lib" AUTOSEAL_OPTIONS="profile=$prof,log=stderr" "$libs/prog_$n" 2>&1 >/dev/null |
                grep 'event=startup' | tail -n1)"
            o="$(sed -n 's/.* objects=\([0-9]*\).*/\1/p' <<<"$line")"
            u="$(sed -n 's/.* us=\([0-9]*\).*/\1/p' <<<"$line")"
            [[ -n "$o" && -n "$u" ]] || die "no us= in the summary line of prog_$n: $line"
            printf '%s\t%s\t%s\t%s\t%s\n' "$prof" "$n" "$k" "$o" "$u" >> "$res/scaling_us.tsv"
        done
    done
done

# ------------------------------------------------------------ 3. runtime
log "3/5 runtime: mmap, mprotect, dlopen ($rt_batches batches)"
printf 'batch\tconfig\top\tvalue\n' > "$res/runtime.tsv"
for ((b = 0; b < rt_batches; b++)); do
    case $((b % 3)) in
    0) order=(baseline autoseal ropage) ;;
    1) order=(autoseal ropage baseline) ;;
    *) order=(ropage baseline autoseal) ;;
    esac
    for c in "${order[@]}"; do
        case "$c" in
        autoseal) pre=(env -u AUTOSEAL_OPTIONS LD_PRELOAD="$lib") ;;
        ropage) pre=(env -u AUTOSEAL_OPTIONS LD_PRELOAD="$tools/libropage.so") ;;
        # the baseline is the empty preload, not no preload: without any
        # preloaded library a fresh page merges with a neighbouring mapping
        *) pre=(env -u AUTOSEAL_OPTIONS LD_PRELOAD="$tools/libempty.so") ;;
        esac
        "${pre[@]}" "$tools/runtimebench" -s "$rt_scale" "$tools/libplugin.so" > "$work/rt.out"
        while IFS=$'\t' read -r op v; do
            printf '%s\t%s\t%s\t%s\n' "$b" "$c" "$op" "$v" >> "$res/runtime.tsv"
        done < "$work/rt.out"
    done
done

# the mseal calls autoseal makes for the plugin's first dlopen (its own line)
pc="$(env LD_PRELOAD="$lib" AUTOSEAL_OPTIONS=log=stderr,loglevel=info "$tools/runtimebench" -s 0.01 "$tools/libplugin.so" 2>&1 >/dev/null |
    sed -n 's/.*event=dlopen-sealed .* calls=\([0-9]*\).*/\1/p' | head -n1)"
[[ -n "$pc" ]] || die "no dlopen-sealed line for the plugin"
meta plugin_seal_calls "$pc"

# ------------------------------------------------------------ 4+5. services
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_port() { # wait_port PORT PID
    local i
    for ((i = 0; i < 100; i++)); do
        if python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2)' "$1" 2>/dev/null; then
            return 0
        fi
        kill -0 "$2" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}
# record_maps PROCESS CONFIG PID LOGFILE
record_maps() {
    local maps own objects
    maps="$(wc -l < "/proc/$3/maps")"
    own="$(grep -c 'libautoseal\.so' "/proc/$3/maps" || true)"
    objects="$({ grep -h 'event=startup' "$4" 2>/dev/null || true; } | head -n1 | sed -n 's/.* objects=\([0-9]*\).*/\1/p')"
    printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$maps" "$own" "${objects:-0}" >> "$res/memory.tsv"
}
# env_for CONFIG -> array "srvenv": the environment a server starts with
env_for() {
    if [[ $1 == autoseal ]]; then
        srvenv=(env LD_PRELOAD="$lib" AUTOSEAL_OPTIONS=profile=strict,log=stderr)
    else
        srvenv=(env -u LD_PRELOAD -u AUTOSEAL_OPTIONS)
    fi
}
stop_pid() {
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
    server_pids=()
}

run_nginx() { # run_nginx CONFIG ROUND
    local d="$work/nginx" port pid
    rm -rf "$d"; mkdir -p "$d/www" "$d/logs"
    port="$(free_port)"
    head -c 4096 /dev/zero | tr '\0' 'a' > "$d/www/index.html"
    cat > "$d/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes 1;
user root;
pid $d/nginx.pid;
error_log $d/logs/error.log;
events { worker_connections 256; }
http {
    access_log off;
    server {
        listen 127.0.0.1:$port;
        location / { root $d/www; }
    }
}
EOF
    env_for "$1"
    "${srvenv[@]}" nginx -p "$d" -c "$d/nginx.conf" -e "$d/logs/error.log" 2> "$d/stderr" &
    pid=$!; server_pids=("$pid")
    wait_port "$port" "$pid" || { cat "$d/stderr" "$d/logs/error.log" >&2; die "nginx did not start ($1)"; }
    timeout 120 wrk -t1 -c8 -d"${wrk_secs}s" --latency "http://127.0.0.1:$port/index.html" > "$d/wrk.out"
    python3 - "$d/wrk.out" "$2" "$1" >> "$res/services.tsv" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
rps = float(re.search(r"Requests/sec:\s*([0-9.]+)", t).group(1))
m = re.search(r"^\s*99%\s+([0-9.]+)(us|ms|s)\s*$", t, re.M)
p99 = float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
print("nginx\t%s\t%s\t%.1f\t%.3f" % (sys.argv[2], sys.argv[3], rps, p99))
PY
    if [[ $2 == 0 ]]; then
        record_maps nginx-master "$1" "$pid" "$d/stderr"
        local w
        w="$(pgrep -P "$pid" | head -n1)"
        [[ -n "$w" ]] && record_maps nginx-worker "$1" "$w" "$d/stderr"
    fi
    stop_pid "$pid"
}

run_redis() { # run_redis CONFIG ROUND
    local d="$work/redis" port pid
    rm -rf "$d"; mkdir -p "$d"
    port="$(free_port)"
    env_for "$1"
    "${srvenv[@]}" redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
        --daemonize no --dir "$d" --logfile "$d/redis.log" 2> "$d/stderr" &
    pid=$!; server_pids=("$pid")
    wait_port "$port" "$pid" || { cat "$d/stderr" >&2; die "redis did not start ($1)"; }
    timeout 300 redis-benchmark -h 127.0.0.1 -p "$port" -c 8 -n "$redis_n" -t set,get --csv > "$d/rb.out" 2>/dev/null
    python3 - "$d/rb.out" "$2" "$1" >> "$res/services.tsv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
for r in rows:
    print("redis-%s\t%s\t%s\t%s\t%s" % (r["test"].lower(), sys.argv[2], sys.argv[3], r["rps"], r["p99_latency_ms"]))
if not rows:
    sys.exit("no redis-benchmark output")
PY
    [[ $2 == 0 ]] && record_maps redis-server "$1" "$pid" "$d/stderr"
    stop_pid "$pid"
}

PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)"
run_postgresql() { # run_postgresql CONFIG ROUND
    local d="$work/pg" port pid
    port="$(free_port)"
    if [[ ! -d "$d/data" ]]; then
        mkdir -p "$d/sock"
        chown -R postgres: "$d"
        runuser -u postgres -- "$PGBIN/initdb" -D "$d/data" -A trust >/dev/null
        printf "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '%s'\n" \
            "$d/sock" >> "$d/data/postgresql.conf"
    fi
    env_for "$1"
    rm -f "$d/pg.log"
    runuser -u postgres -- "${srvenv[@]}" "$PGBIN/pg_ctl" -D "$d/data" -o "-p $port" \
        -l "$d/pg.log" -w -t 60 start >/dev/null 2>"$d/pg_ctl.err" ||
        { cat "$d/pg_ctl.err" "$d/pg.log" >&2; die "postgres did not start ($1)"; }
    pid="$(head -n1 "$d/data/postmaster.pid")"
    if [[ ! -f "$d/initialised" ]]; then
        timeout 300 runuser -u postgres -- "$PGBIN/pgbench" -h "$d/sock" -p "$port" -i -s 2 -q postgres >/dev/null 2>&1
        touch "$d/initialised"
    fi
    rm -f "$d"/pglog*
    (cd "$d" && timeout 120 runuser -u postgres -- "$PGBIN/pgbench" -h "$d/sock" -p "$port" -S -c 4 -j 2 \
        -T "$pg_secs" -l --log-prefix="$d/pglog" postgres > "$d/pgbench.out" 2>/dev/null)
    python3 - "$d" "$2" "$1" >> "$res/services.tsv" <<'PY'
import glob, re, sys
d = sys.argv[1]
t = open(d + "/pgbench.out").read()
tps = float(re.search(r"tps = ([0-9.]+)", t).group(1))
lat = []
for fn in glob.glob(d + "/pglog*"):
    for line in open(fn):
        f = line.split()
        if len(f) >= 3:
            lat.append(int(f[2]))
lat.sort()
if not lat:
    sys.exit("no pgbench latencies")
p99 = lat[min(len(lat) - 1, int(0.99 * len(lat)))] / 1000.0
print("postgresql\t%s\t%s\t%.1f\t%.3f" % (sys.argv[2], sys.argv[3], tps, p99))
PY
    [[ $2 == 0 ]] && record_maps postgres-postmaster "$1" "$pid" "$d/pg.log"
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$d/data" -m fast -w stop >/dev/null
}

log "4/5 services: ${services[*]} ($rounds rounds each, baseline and autoseal strict alternating)"
printf 'service\tround\tconfig\tthroughput\tp99_ms\n' > "$res/services.tsv"
printf 'process\tconfig\tmaps\town_maps\tobjects\n' > "$res/memory.tsv"
for s in "${services[@]}"; do
    case "$s" in
    nginx) need nginx; need wrk ;;
    redis) need redis-server; need redis-benchmark ;;
    postgresql) [[ -x "$PGBIN/pgbench" ]] || die "postgresql is missing"; need runuser ;;
    esac
done
meta services "${services[*]}"
meta rounds "$rounds"
meta wrk_secs "$wrk_secs"
meta redis_n "$redis_n"
meta pg_secs "$pg_secs"
for ((r = 0; r < rounds; r++)); do
    if ((r % 2)); then order=(autoseal baseline); else order=(baseline autoseal); fi
    for s in "${services[@]}"; do
        for c in "${order[@]}"; do
            "run_$s" "$c" "$r"
        done
    done
done

# ------------------------------------------------------------ report
meta load_end "$(cut -d' ' -f1-3 /proc/loadavg)"
log "5/5 report and plots into $out"
report "$res"
log "done in $((SECONDS - T0)) s: $out/benchmarks.md"
