#!/usr/bin/env bash
# openssl: a self-signed certificate made in the test (openssl req), a TLS
# server (openssl s_server -www on 127.0.0.1, checked live) and a client
# (openssl s_client verifying the certificate, stopped at exit_group and
# checked), plus openssl dgst against Python's hashlib.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
compat_init openssl "${1:-}"
need openssl

run_measured req /dev/null "$TMP/req.out" "$TMP/req.err" 60 /usr/bin/openssl req -x509 -newkey rsa:2048 \
    -nodes -keyout "$TMP/key.pem" -out "$TMP/cert.pem" -days 1 -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost,IP:127.0.0.1
[[ $RC -eq 0 ]] || fail "openssl req exited $RC: $(cat "$TMP/req.err")"
openssl x509 -in "$TMP/cert.pem" -noout -subject | grep -q 'CN *= *localhost' || fail "bad certificate"

head -c 1000000 /dev/urandom >"$TMP/data"
run_measured dgst /dev/null "$TMP/dgst.out" "$TMP/dgst.err" 60 /usr/bin/openssl dgst -sha256 -r "$TMP/data"
want="$("$PY" -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest())' "$TMP/data")"
[[ $RC -eq 0 && "$(cut -d' ' -f1 "$TMP/dgst.out")" == "$want" ]] || fail "openssl dgst differs from hashlib"

port="$(free_port)"
env LD_PRELOAD="$AS_LIB" AUTOSEAL_OPTIONS="$OPTS" /usr/bin/openssl s_server -accept "127.0.0.1:$port" \
    -cert "$TMP/cert.pem" -key "$TMP/key.pem" -www </dev/null >"$TMP/server.log" 2>&1 &
server=$!
CLEANUP_PIDS+=("$server")
wait_port "$port" 20 || fail "s_server did not start: $(cat "$TMP/server.log")"

printf 'GET / HTTP/1.0\r\n\r\n' >"$TMP/request"
run_measured client "$TMP/request" "$TMP/client.out" "$TMP/client.err" 60 /usr/bin/openssl s_client \
    -connect "127.0.0.1:$port" -servername localhost -CAfile "$TMP/cert.pem" -verify_return_error -ign_eof
[[ $RC -eq 0 ]] || fail "s_client exited $RC: $(head -c 400 "$TMP/client.err")"
grep -q 'Verify return code: 0 (ok)' "$TMP/client.out" || fail "certificate not verified"
grep -q '^HTTP/1.0 200 ok' "$TMP/client.out" || fail "no HTTP answer over TLS"
grep -q 'Ciphers supported in s_server binary' "$TMP/client.out" || fail "s_server page incomplete"
measure_pids server "$server"
works
pass
