#!/usr/bin/env bash
# Chromium headless, as the unprivileged user "nobody" (HOME in the test's
# directory) with its own sandbox on (user namespaces): a --screenshot of a
# local page whose JavaScript paints the page green; the PNG must show the
# green (decoded pixel), so JavaScript ran.  Then a long-running headless
# browser (DevTools on 127.0.0.1) is checked live from outside: every
# non-writable byte of every startup object of every Chromium process
# sealed, and in the sandboxed renderers the protected_memory section that
# Chromium makes read-only itself must be read-only.  Chromium re-opens that
# section for writes later, so autoseal must leave it to Chromium: it is not
# sealed (docs/security.md, "Writable data").
# Under strict (no new executable memory) V8 runs with --js-flags=--jitless,
# its interpreter-only mode: the honest configuration for a JIT-less policy.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
compat_init chromium "${1:-}"
need chromium setpriv
exe=/usr/lib/chromium/chromium
[[ -x "$exe" ]] || skip "$exe missing"
id nobody >/dev/null 2>&1 || skip "no user nobody"
[[ "$PROFILE" != off ]] || fail "no off control for this test"

c="$TMP/c"
mkdir -p "$c/home" "$c/ud1" "$c/ud2"
cp "$AS_LIB" "$c/libautoseal.so" # the build tree may not be readable by nobody
AS_LIB="$c/libautoseal.so"
cat >"$c/page.html" <<'HTML'
<html><head><style>body{margin:0;background:#ffffff}</style></head>
<body><script>document.body.style.background = 'rgb(0,200,0)';</script></body></html>
HTML
chown -R nobody:nogroup "$c"
CHOPTS="${OPTS/log=file:$TMP\/autoseal.log/log=file:$c/autoseal.log}"
as_nobody=(setpriv --reuid=nobody --regid=nogroup --clear-groups
    env HOME="$c/home" LD_PRELOAD="$AS_LIB" AUTOSEAL_OPTIONS="$CHOPTS")

# Chromium's sandbox needs unprivileged user namespaces; try first.
# shellcheck disable=SC2054 # the comma belongs to --window-size=W,H
flags=(--headless --disable-gpu --disable-quic --no-first-run --disable-background-networking
    --disable-component-update --disable-sync --window-size=200,100)
if setpriv --reuid=nobody --regid=nogroup --clear-groups unshare --user true 2>"$TMP/userns.err"; then
    sandbox=on
else
    sandbox=off
    flags+=(--no-sandbox)
    note "sandbox off (--no-sandbox): user nobody cannot create a user namespace here: $(head -c 200 "$TMP/userns.err")"
fi
[[ "$PROFILE" == strict ]] && flags+=(--js-flags=--jitless)

# 1. screenshot
rc=0
timeout -k 5 120 "${as_nobody[@]}" chromium "${flags[@]}" --user-data-dir="$c/ud1" \
    --screenshot="$c/shot.png" "file://$c/page.html" >"$TMP/shot.out" 2>&1 || rc=$?
[[ $rc -eq 124 || $rc -eq 137 ]] && fail "chromium --screenshot hung (timeout): $(grep -v -e dbus -e crashpad "$TMP/shot.out" | tail -3)"
[[ $rc -eq 0 ]] || fail "chromium --screenshot failed (status $rc): $(grep -v -e dbus -e crashpad "$TMP/shot.out" | tail -3)"
[[ -s "$c/shot.png" ]] || fail "no screenshot written: $(tail -3 "$TMP/shot.out")"
px="$("$PY" "$COMPAT_SRC/png_pixel.py" "$c/shot.png" 100 50)" || fail "cannot decode the screenshot"
read -r r g b <<<"$px"
[[ $r -le 16 && $g -ge 184 && $g -le 216 && $b -le 16 ]] ||
    fail "the page's JavaScript did not run: pixel (100,50) is $px, want about 0 200 0"
note "screenshot as nobody (sandbox $sandbox): pixel (100,50) = $px, painted by the page's JavaScript"

# 2. a long-running browser, measured live
port="$(free_port)"
"${as_nobody[@]}" chromium "${flags[@]}" --user-data-dir="$c/ud2" --remote-debugging-address=127.0.0.1 \
    --remote-debugging-port="$port" "file://$c/page.html" >"$TMP/live.out" 2>&1 &
browser=$! # setpriv, env and the chromium wrapper script exec: this is the browser
CLEANUP_PIDS+=("$browser")
wait_port "$port" 60 || fail "chromium (DevTools) did not start: $(tail -3 "$TMP/live.out")"
renderers=()
ready=no
for _ in $(seq 150); do # bounded: about 30 s at most
    mapfile -t pids < <(family_of "$browser")
    renderers=()
    for p in "${pids[@]}"; do
        tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q -- '--type=renderer' && renderers+=("$p")
    done
    # the renderer makes protected_memory read-only early: wait for that
    if [[ ${#renderers[@]} -gt 0 ]] &&
        "$PY" "$CHECKER" --pid "${renderers[0]}" --preload "$AS_LIB" --section-readonly protected_memory >/dev/null 2>&1; then
        ready=yes
        break
    fi
    sleep 0.1
done
[[ ${#renderers[@]} -gt 0 ]] || fail "no renderer process appeared"
[[ $ready == yes ]] || note "protected_memory of renderer ${renderers[0]} not read-only after 30 s (checked below)"
if [[ $sandbox == on ]]; then
    [[ "$(readlink "/proc/${renderers[0]}/ns/user")" != "$(readlink "/proc/$browser/ns/user")" ]] ||
        fail "sandbox expected on, but the renderer shares the browser's user namespace"
fi
[[ "$(awk '/^Uid:/ {print $2}' "/proc/$browser/status")" == "$(id -u nobody)" ]] || fail "the browser does not run as nobody"

# shellcheck disable=SC2034 # read by checker_cmd in lib.sh
ALLOW_TIGHTENED=1 MEASURE_ARGS=--ignore-vanished measure_pids browser "${pids[@]}"
# shellcheck disable=SC2034
SECTIONS_READONLY=protected_memory ALLOW_TIGHTENED=1 MEASURE_ARGS=--ignore-vanished \
    measure_pids renderers "${renderers[@]}"
note "${#pids[@]} Chromium processes checked live (${#renderers[@]} renderers, sandbox $sandbox, user nobody); protected_memory read-only in the renderers, left unsealed (Chromium re-opens it)"
works
pass
