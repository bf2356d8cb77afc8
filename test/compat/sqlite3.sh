#!/usr/bin/env bash
# sqlite3 CLI: a database file with a table, an index, 20000 rows from a
# recursive CTE, a transaction, aggregates and an integrity check.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
compat_init sqlite3 "${1:-}"
need sqlite3

cat >"$TMP/work.sql" <<'SQL'
CREATE TABLE t(id INTEGER PRIMARY KEY, k INTEGER, v TEXT);
BEGIN;
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000)
INSERT INTO t(id, k, v) SELECT x, x % 7, printf('row-%05d', x) FROM c;
COMMIT;
CREATE INDEX t_k ON t(k);
SELECT 'count', count(*) FROM t;
SELECT 'sum', sum(id) FROM t;
SELECT 'k3', count(*) FROM t WHERE k = 3;
SELECT 'last', v FROM t ORDER BY id DESC LIMIT 1;
UPDATE t SET v = upper(v) WHERE k = 0;
SELECT 'upper', count(*) FROM t WHERE v LIKE 'ROW-%' AND v GLOB 'ROW-*';
PRAGMA integrity_check;
SQL

run_measured sqlite3 "$TMP/work.sql" "$TMP/got" "$TMP/got.err" 60 /usr/bin/sqlite3 -batch -separator = "$TMP/db.sqlite"
[[ $RC -eq 0 ]] || fail "sqlite3 exited $RC under autoseal: $(head -c 300 "$TMP/got.err")"
cat >"$TMP/want" <<'OUT'
count=20000
sum=200010000
k3=2857
last=row-20000
upper=2857
ok
OUT
diff "$TMP/want" "$TMP/got" >&2 || fail "wrong query results under autoseal"
# the file must be a valid database for an independent reader too
"$PY" -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); assert c.execute("select count(*) from t").fetchone()[0]==20000' "$TMP/db.sqlite" ||
    fail "database written under autoseal is not readable by Python's sqlite3"
works
pass
