#!/usr/bin/env bash
# curl fetching files from a local python3 http.server (127.0.0.1, free
# port).  Both run under autoseal: curl is stopped at exit_group and
# checked, the server is checked live from outside.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
compat_init curl "${1:-}"
need curl

mkdir "$TMP/www"
head -c 3000000 /dev/urandom >"$TMP/www/blob.bin"
echo "hello from autoseal" >"$TMP/www/index.txt"
port="$(free_port)"
(cd "$TMP/www" && exec env LD_PRELOAD="$AS_LIB" AUTOSEAL_OPTIONS="$OPTS" \
    "$PY" -m http.server --bind 127.0.0.1 "$port" >"$TMP/server.log" 2>&1) &
server=$!
CLEANUP_PIDS+=("$server")
wait_port "$port" 20 || fail "http.server did not start: $(cat "$TMP/server.log")"

run_measured curl1 /dev/null "$TMP/got.txt" "$TMP/err1" 60 /usr/bin/curl -sS --fail "http://127.0.0.1:$port/index.txt"
[[ $RC -eq 0 ]] || fail "curl exited $RC: $(cat "$TMP/err1")"
cmp -s "$TMP/www/index.txt" "$TMP/got.txt" || fail "curl fetched the wrong text"
run_measured curl2 /dev/null "$TMP/out2" "$TMP/err2" 60 /usr/bin/curl -sS --fail -o "$TMP/got.bin" -w '%{http_code} %{size_download}\n' "http://127.0.0.1:$port/blob.bin"
[[ $RC -eq 0 ]] || fail "curl exited $RC: $(cat "$TMP/err2")"
grep -qx '200 3000000' "$TMP/out2" || fail "unexpected status/size: $(cat "$TMP/out2")"
cmp -s "$TMP/www/blob.bin" "$TMP/got.bin" || fail "downloaded file differs"
measure_pids server "$server"
works
pass
