#!/usr/bin/env bash
# Control: proves the checker can fail, on a live process measured from
# outside (the other tests' second path).
#  - python3 under mode=off: the default-profile expectation must FAIL and
#    "nothing sealed" (libautoseal.so's own frozen page aside) must hold;
#  - python3 under profile=default: "nothing sealed" must FAIL and the
#    default-profile expectation must hold.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
compat_init control off

start_sleeper() { # start_sleeper OPTIONS: a python3 that loads ctypes and waits
    env LD_PRELOAD="$AS_LIB" AUTOSEAL_OPTIONS="$1" "$PY" -c \
        'import ctypes, sys, time; print("ready", flush=True); time.sleep(60)' >"$TMP/ready" &
    CLEANUP_PIDS+=($!)
    SLEEPER=$!
    for _ in $(seq 100); do
        grep -q ready "$TMP/ready" 2>/dev/null && return 0
        sleep 0.1
    done
    fail "python3 did not start"
}

chk() { "$PY" "$CHECKER" --pid "$SLEEPER" "--cross-check=${AS_CLI:-}" "$@" >"$TMP/chk.out" 2>&1; }

start_sleeper "mode=off,log=file:$TMP/autoseal.log"
rc=0; chk --expect 'startup_ro>=100' --allow-ldso-relro-pages 1 || rc=$?
cat "$TMP/chk.out" >&2
[[ $rc -eq 1 ]] || fail "mode=off: the default-profile expectation did not fail (rc $rc)"
rc=0; chk --expect 'process<=0' --json "$TMP/check.off.json" || rc=$?
[[ $rc -eq 0 ]] || fail "mode=off: something is sealed (rc $rc): $(cat "$TMP/chk.out")"
CHECKS+=("$TMP/check.off.json")
kill "$SLEEPER"; wait "$SLEEPER" 2>/dev/null || true

start_sleeper "profile=default,log=file:$TMP/autoseal.log"
rc=0; chk --expect 'process<=0' || rc=$?
[[ $rc -eq 1 ]] || fail "profile=default: 'nothing sealed' did not fail (rc $rc)"
rc=0; chk --expect 'startup_ro>=100' --allow-ldso-relro-pages 1 || rc=$?
cat "$TMP/chk.out" >&2
[[ $rc -eq 0 ]] || fail "profile=default: the default-profile expectation failed (rc $rc)"
# without the ld.so allowance the same check must see the one RELRO page
rc=0; chk --expect 'startup_ro>=100' || rc=$?
[[ $rc -eq 1 ]] && note "default profile: $(grep -o "is [0-9.]*%" "$TMP/chk.out" | head -1 | cut -c4-) of the startup non-writable image sealed without the ld.so RELRO allowance (ldso-relro=safe)"
works
pass
