#!/usr/bin/env bash
# redis-server (127.0.0.1, free port, no persistence, private dir) under
# redis-benchmark (20000 requests per command).  Values written with
# redis-cli must read back, the benchmark must complete every command,
# and the server is checked live from outside afterwards.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
compat_init redis "${1:-}"
need redis-server redis-benchmark redis-cli

port="$(free_port)"
mkdir "$TMP/data"
env LD_PRELOAD="$AS_LIB" AUTOSEAL_OPTIONS="$OPTS" /usr/bin/redis-server --bind 127.0.0.1 --port "$port" \
    --dir "$TMP/data" --save '' --appendonly no --daemonize no --logfile "$TMP/redis.log" \
    --unixsocket '' >"$TMP/redis.out" 2>&1 &
server=$!
CLEANUP_PIDS+=("$server")
wait_port "$port" 20 || fail "redis-server did not start: $(cat "$TMP/redis.out" "$TMP/redis.log" 2>/dev/null)"

cli() { redis-cli -h 127.0.0.1 -p "$port" "$@"; }
[[ "$(cli PING)" == PONG ]] || fail "no PONG"
cli SET compat:key "sealed value" >/dev/null
for _ in $(seq 25); do cli INCR compat:counter >/dev/null; done
cli RPUSH compat:list a b c >/dev/null
redis-benchmark -h 127.0.0.1 -p "$port" -n 20000 -c 20 -q -t set,get,incr,lpush,lpop,mset \
    >"$TMP/bench.out" 2>&1 || fail "redis-benchmark failed: $(tail -3 "$TMP/bench.out")"
tr '\r' '\n' <"$TMP/bench.out" | grep 'requests per second' >"$TMP/bench.sum" || true
cat "$TMP/bench.sum" >&2
[[ "$(wc -l <"$TMP/bench.sum")" -ge 6 ]] || fail "benchmark incomplete: $(tr '\r' '\n' <"$TMP/bench.out" | tail -3)"
[[ "$(cli GET compat:key)" == "sealed value" ]] || fail "GET returned the wrong value"
[[ "$(cli GET compat:counter)" == 25 ]] || fail "INCR counter wrong"
[[ "$(cli LRANGE compat:list 0 -1 | tr '\n' ' ')" == "a b c " ]] || fail "list wrong"
note "redis-benchmark: $(sed 's/: \([0-9.]*\) requests.*/ \1/' "$TMP/bench.sum" | tr '\n' ',') requests/s"
measure_pids server "$server"
cli SHUTDOWN NOSAVE >/dev/null 2>&1 || true
works
pass
