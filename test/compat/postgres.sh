#!/usr/bin/env bash
# PostgreSQL 15: initdb and the server run under autoseal as the
# unprivileged user "postgres" (the server refuses root), with a private
# data directory, socket directory and a free port on 127.0.0.1.  pgbench
# initialises scale 1 and runs TPC-B-like transactions for 5 s; the
# server's postmaster and all its children are checked live from outside
# while pgbench runs, and the bank invariant (sum of balances = sum of
# history deltas) must hold afterwards.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
compat_init postgres "${1:-}"
bindir="$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin 2>/dev/null | sort -V | tail -1)"
[[ -n "$bindir" && -x "$bindir/postgres" ]] || skip "postgresql server not installed"
need pgbench psql setpriv
id postgres >/dev/null 2>&1 || skip "no postgres user"

pgdir="$TMP/pg"
mkdir -p "$pgdir/data" "$pgdir/sock"
# the build tree may not be readable by "postgres" (a checkout under
# /root): preload a copy kept in the test's own directory
cp "$AS_LIB" "$pgdir/libautoseal.so"
AS_LIB="$pgdir/libautoseal.so"
chown -R postgres:postgres "$pgdir"
chmod 0700 "$pgdir/data"
PGOPTS="${OPTS/log=file:$TMP\/autoseal.log/log=file:$pgdir/autoseal.log}"
as_pg() {
    setpriv --reuid=postgres --regid=postgres --init-groups \
        env LD_PRELOAD="$AS_LIB" AUTOSEAL_OPTIONS="$PGOPTS" "$@"
}
port="$(free_port)"

as_pg "$bindir/initdb" -D "$pgdir/data" -U postgres --auth=trust -N -E UTF8 --locale=C \
    >"$TMP/initdb.log" 2>&1 || fail "initdb failed under autoseal: $(tail -5 "$TMP/initdb.log")"
setpriv --reuid=postgres --regid=postgres --init-groups \
    env LD_PRELOAD="$AS_LIB" AUTOSEAL_OPTIONS="$PGOPTS" "$bindir/postgres" -D "$pgdir/data" -p "$port" -k "$pgdir/sock" -c listen_addresses=127.0.0.1 \
    -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=32MB \
    >"$TMP/postgres.log" 2>&1 &
postmaster=$! # setpriv and env exec, so this is the postmaster itself
CLEANUP_PIDS+=("$postmaster")
# shellcheck disable=SC2317 # called from the exit trap
stop_pg() { kill -INT "$postmaster" 2>/dev/null || true; } # fast shutdown
COMPAT_CLEANUP_HOOK=stop_pg
wait_port "$port" 60 || fail "postgres did not start: $(tail -5 "$TMP/postgres.log")"
master="$(head -1 "$pgdir/data/postmaster.pid")"
[[ "$master" == "$postmaster" ]] || fail "postmaster.pid says $master, started $postmaster"

export PGHOST=127.0.0.1 PGPORT="$port" PGUSER=postgres PGDATABASE=postgres
pgbench -i -s 1 -q >"$TMP/init.log" 2>&1 || fail "pgbench -i failed: $(tail -3 "$TMP/init.log")"
pgbench -T 5 -c 4 -j 2 -n >"$TMP/bench.log" 2>&1 &
bench=$!
# measure once pgbench's 4 clients are connected (each has its backend)
deadline=$((SECONDS + 30)) clients=0
while :; do
    clients=$(psql -XAtq -c "select count(*) from pg_stat_activity where application_name = 'pgbench'" 2>/dev/null) || clients=0
    [[ ${clients:-0} -ge 4 ]] && break
    kill -0 "$bench" 2>/dev/null || fail "pgbench ended before its 4 clients were seen: $(tail -5 "$TMP/bench.log")"
    ((SECONDS < deadline)) || fail "pgbench's 4 clients not connected after 30 s (saw ${clients:-0})"
    sleep 0.1
done
mapfile -t pids < <(family_of "$master")
[[ ${#pids[@]} -ge 5 ]] || fail "expected the postmaster, its helpers and backends; found ${#pids[@]} processes"
MEASURE_ARGS=--ignore-vanished measure_pids server "${pids[@]}"
wait "$bench" || fail "pgbench failed: $(tail -5 "$TMP/bench.log")"
cat "$TMP/bench.log" >&2
grep -q 'number of failed transactions: 0 ' "$TMP/bench.log" || fail "failed transactions"
tx="$(awk -F': ' '/number of transactions actually processed/ {print $2}' "$TMP/bench.log")"
[[ "${tx:-0}" -gt 50 ]] || fail "too few transactions ($tx)"
inv="$(psql -XAtq -c "select (select sum(abalance) from pgbench_accounts) = (select sum(delta) from pgbench_history) and (select sum(bbalance) from pgbench_branches) = (select sum(delta) from pgbench_history) and (select count(*) from pgbench_accounts) = 100000")"
[[ "$inv" == t ]] || fail "pgbench invariant broken (got '$inv')"
note "pgbench: $tx transactions in 5 s; ${#pids[@]} server processes found during the run, each checked unless it exited first"
works
pass
