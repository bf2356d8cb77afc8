#!/usr/bin/env bash
# Debian's /usr/bin/python3 running a selection of CPython's own
# regression tests (package libpython3.11-testsuite) that exercise ctypes,
# mmap, threading and ssl, in one process stopped at exit_group and
# checked; then a sqlite3-module workload (Debian ships no test_sqlite3).
# test_ssl's classes that mostly wait on 1 s server-thread timeouts are
# left out to keep the run short (see docs/compatibility.md).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
compat_init python3 "${1:-}"
[[ -d /usr/lib/python3.11/test/libregrtest && -f /usr/lib/python3.11/test/test_ssl.py ]] ||
    skip "CPython test suite missing (libpython3.11-testsuite)"

cd "$TMP"
export HOME="$TMP" PYTHONDONTWRITEBYTECODE=1
run_measured regrtest /dev/null "$TMP/test.out" "$TMP/test.err" 400 "$PY" -m test \
    test_ctypes test_mmap test_threading test_ssl \
    -i ThreadedTests -i TestPostHandshakeAuth -i TestSSLDebug -i TestPreHandshakeClose
tail -n 15 "$TMP/test.out" >&2
[[ $RC -eq 0 ]] || fail "regression tests failed under autoseal (exit $RC): $(grep -E 'failed|FAIL' "$TMP/test.out" | head -5 | tr '\n' ' ')"
grep -q '^All 4 tests OK' "$TMP/test.out" || fail "regrtest did not report 'All 4 tests OK'"

cat >"$TMP/sql.py" <<'PY'
import sqlite3, hashlib
db = sqlite3.connect("t.db")
db.execute("create table t(id integer primary key, v text)")
db.executemany("insert into t(v) values (?)", ((hashlib.sha256(str(i).encode()).hexdigest(),) for i in range(20000)))
db.commit()
print(db.execute("select count(*), sum(id) from t").fetchone())
print(db.execute("select v from t where id = 12345").fetchone()[0])
print(db.execute("pragma integrity_check").fetchone()[0])
PY
run_measured sqlite /dev/null "$TMP/sql.out" "$TMP/sql.err" 60 "$PY" "$TMP/sql.py"
[[ $RC -eq 0 ]] || fail "sqlite3 workload exited $RC: $(tail -3 "$TMP/sql.err")"
want="$(printf '(20000, 200010000)\n%s\nok\n' "$(printf 12344 | sha256sum | cut -d' ' -f1)")"
[[ "$(cat "$TMP/sql.out")" == "$want" ]] || fail "sqlite3 workload gave wrong results: $(cat "$TMP/sql.out")"
works
pass
