#!/usr/bin/env bash
# MariaDB server: mariadb-install-db and mariadbd run under autoseal with a
# private data directory, a socket in it and a free port on 127.0.0.1; the
# server drops to the "mysql" user itself (--user=mysql).  SQL through the
# client must give the right answers.  mariadbd hardens itself: it makes
# its ro_after_init section read-only after startup (and writable again at
# shutdown); that section must be read-only in the running server, checked
# from outside, and every non-writable startup byte sealed.  At the end the
# server must shut down cleanly (MariaDB writes to ro_after_init then: a
# seal there would crash it, docs/security.md).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
compat_init mariadb "${1:-}"
need /usr/sbin/mariadbd mariadb-install-db mariadb mariadb-admin
id mysql >/dev/null 2>&1 || skip "no mysql user"
readelf -SW /usr/sbin/mariadbd >"$TMP/sections" 2>&1 || true
grep -q ' ro_after_init ' "$TMP/sections" || skip "this mariadbd has no ro_after_init section"

d="$TMP/my"
mkdir -p "$d/data"
cp "$AS_LIB" "$d/libautoseal.so" # the build tree may not be readable by mysql
AS_LIB="$d/libautoseal.so"
chown -R mysql:mysql "$d"
MYOPTS="${OPTS/log=file:$TMP\/autoseal.log/log=file:$d/autoseal.log}"
port="$(free_port)"

timeout 120 env LD_PRELOAD="$AS_LIB" AUTOSEAL_OPTIONS="$MYOPTS" mariadb-install-db --no-defaults \
    --datadir="$d/data" --user=mysql --auth-root-authentication-method=normal --skip-test-db \
    >"$TMP/install.log" 2>&1 || fail "mariadb-install-db failed under autoseal: $(grep -m3 -e ERROR -e signal "$TMP/install.log")"

env LD_PRELOAD="$AS_LIB" AUTOSEAL_OPTIONS="$MYOPTS" /usr/sbin/mariadbd --no-defaults --user=mysql \
    --datadir="$d/data" --socket="$d/sock" --port="$port" --bind-address=127.0.0.1 \
    --pid-file="$d/mariadbd.pid" --log-error="$d/error.log" --skip-name-resolve \
    --innodb-buffer-pool-size=32M >"$TMP/mariadbd.out" 2>&1 &
server=$!
CLEANUP_PIDS+=("$server")
wait_port "$port" 60 || fail "mariadbd did not start: $(tail -5 "$d/error.log" 2>/dev/null)"
[[ "$(cat "$d/mariadbd.pid")" == "$server" ]] || fail "pid file says $(cat "$d/mariadbd.pid"), started $server"

uid="$(awk '/^Uid:/ {print $2}' "/proc/$server/status")"
[[ "$uid" == "$(id -u mysql)" ]] || fail "mariadbd runs as uid $uid, not as mysql"

sql() { timeout 30 mariadb --no-defaults -h 127.0.0.1 -P "$port" -u root -N -B -e "$1"; }
sql "create database t; use t; create table n (i int primary key, s varchar(20)) engine=innodb;
     insert into n select seq, concat('row', seq) from seq_1_to_5000;" ||
    fail "create/insert failed: $(tail -3 "$d/error.log")"
got="$(sql "select count(*), sum(i), max(s) from t.n where i % 7 = 0")"
[[ "$got" == $'714\t1786785\trow994' ]] || fail "wrong query result: '$got'"
got="$(sql "update t.n set s = 'x' where i <= 100; select count(*) from t.n where s = 'x'")"
[[ "$got" == 100 ]] || fail "wrong update result: '$got'"

# shellcheck disable=SC2034 # read by checker_cmd in lib.sh
SECTIONS_READONLY=ro_after_init
measure_pids server "$server"
sealed="$("$PY" -c 'import json,sys; r=json.load(open(sys.argv[1]))["reports"][0]; print(r["sections"]["ro_after_init"]["sealed"])' "$TMP/check.server.json")"
note "ro_after_init read-only in the running server (sealed: $sealed); 5000 rows inserted and queried over 127.0.0.1"
if [[ "$PROFILE" == default ]]; then
    # the checker must be able to tell: the section is not sealed here
    rc=0
    "$PY" "$CHECKER" --pid "$server" --section-sealed ro_after_init >"$TMP/neg.out" 2>&1 || rc=$?
    [[ $rc -eq 1 ]] || fail "the checker did not fail on an unsealed ro_after_init (rc $rc): $(cat "$TMP/neg.out")"
fi

timeout 60 mariadb-admin --no-defaults -h 127.0.0.1 -P "$port" -u root shutdown ||
    fail "mariadb-admin shutdown failed"
rc=0
wait "$server" || rc=$?
[[ $rc -eq 0 ]] || fail "mariadbd exited with status $rc at shutdown: $(tail -5 "$d/error.log")"
grep -q 'Shutdown complete' "$d/error.log" || fail "no clean shutdown: $(tail -5 "$d/error.log")"
works
pass
