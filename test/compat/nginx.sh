#!/usr/bin/env bash
# nginx (master + 2 workers, private prefix/config on 127.0.0.1 and a free
# port) serving static files under wrk load (3 s).  The files fetched must
# be byte-identical, wrk must see no errors, and the master and every worker
# are checked live from outside.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
compat_init nginx "${1:-}"
need /usr/sbin/nginx wrk curl

port="$(free_port)"
mkdir -p "$TMP/www" "$TMP/logs" "$TMP/tmp"
head -c 200000 /dev/urandom >"$TMP/www/blob.bin"
echo "nginx under autoseal" >"$TMP/www/index.html"
chmod -R a+rX "$TMP/www"
cat >"$TMP/nginx.conf" <<CONF
daemon off;
master_process on;
worker_processes 2;
pid $TMP/nginx.pid;
error_log $TMP/logs/error.log warn;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path $TMP/tmp/body;
    proxy_temp_path $TMP/tmp/proxy;
    fastcgi_temp_path $TMP/tmp/fastcgi;
    uwsgi_temp_path $TMP/tmp/uwsgi;
    scgi_temp_path $TMP/tmp/scgi;
    server {
        listen 127.0.0.1:$port;
        root $TMP/www;
    }
}
CONF
env LD_PRELOAD="$AS_LIB" AUTOSEAL_OPTIONS="$OPTS" /usr/sbin/nginx -p "$TMP" -c "$TMP/nginx.conf" \
    -e "$TMP/logs/error.log" >"$TMP/nginx.out" 2>&1 &
master=$!
CLEANUP_PIDS+=("$master")
wait_port "$port" 20 || fail "nginx did not start: $(cat "$TMP/nginx.out" "$TMP/logs/error.log" 2>/dev/null)"

curl -sS --fail -o "$TMP/got.bin" "http://127.0.0.1:$port/blob.bin" || fail "GET blob.bin failed"
cmp -s "$TMP/www/blob.bin" "$TMP/got.bin" || fail "nginx served a different file"
[[ "$(curl -sS --fail "http://127.0.0.1:$port/")" == "nginx under autoseal" ]] || fail "wrong index page"
wrk -t2 -c16 -d3s "http://127.0.0.1:$port/index.html" >"$TMP/wrk.out" 2>&1 || fail "wrk failed: $(cat "$TMP/wrk.out")"
cat "$TMP/wrk.out" >&2
grep -q 'Non-2xx\|Socket errors' "$TMP/wrk.out" && fail "errors under load: $(grep 'Non-2xx\|Socket errors' "$TMP/wrk.out")"
reqs="$(awk '/requests in/ {print $1}' "$TMP/wrk.out")"
[[ "${reqs:-0}" -gt 100 ]] || fail "too few requests served under load ($reqs)"
note "wrk: $reqs requests in 3 s, no errors"

mapfile -t pids < <(family_of "$master")
[[ ${#pids[@]} -eq 3 ]] || fail "expected a master and 2 workers, found ${#pids[@]} processes"
measure_pids server "${pids[@]}"
kill -QUIT "$master"
works
pass
