# shellcheck shell=bash
# Shared helpers for the compatibility tests (sourced, not run).
#
# A test script is called as   SCRIPT PROFILE   (default, strict or off)
# with these variables from CTest (test/compat/CMakeLists.txt):
#   AS_LIB          build/lib/libautoseal.so
#   AS_CLI          build/bin/autoseal (may not exist yet: cross-check skipped)
#   COMPAT_RESULTS  directory for the per-test result files (JSON)
# Every program runs unmodified with LD_PRELOAD=$AS_LIB and
# AUTOSEAL_OPTIONS=profile=PROFILE,log=file:... ; PROFILE=off means
# mode=off (the control: nothing may be sealed).
#
# Exit status: 0 pass, 1 fail, 77 skip (a prerequisite is missing).

set -euo pipefail

COMPAT_SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CHECKER="$COMPAT_SRC/smaps_check.py"
PY=/usr/bin/python3 # Debian's python, never a pyenv one on PATH

COMPAT_NAME=""
PROFILE=""
TMP=""
OPTS=""
NOTES=()
CHECKS=()
WORKS=""
declare -a CLEANUP_PIDS=()

log() { printf '[%s] %s\n' "$COMPAT_NAME" "$*" >&2; }
note() {
    NOTES+=("$*")
    log "note: $*"
}

skip() {
    log "SKIP: $*"
    WORKS=skip
    NOTES+=("skipped: $*")
    write_result
    exit 77
}

# fail MSG: the program did not work (wrong result, crash, hang).
fail() {
    log "FAIL: $*"
    WORKS=no
    NOTES+=("$*")
    write_result
    exit 1
}

# seal_fail MSG: the program worked but the seal expectation did not hold.
seal_fail() {
    log "FAIL (seals): $*"
    NOTES+=("$*")
    write_result
    exit 1
}

compat_cleanup() {
    local p
    if [[ -n "${COMPAT_CLEANUP_HOOK:-}" ]]; then
        "$COMPAT_CLEANUP_HOOK" || true
    fi
    for p in "${CLEANUP_PIDS[@]}"; do
        kill "$p" 2>/dev/null || true
    done
    for p in "${CLEANUP_PIDS[@]}"; do
        for _ in $(seq 50); do
            kill -0 "$p" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$p" 2>/dev/null || true
    done
    if [[ -n "$TMP" && -d "$TMP" && -z "${COMPAT_KEEP:-}" ]]; then
        rm -rf "$TMP"
    fi
}

# compat_init NAME PROFILE
compat_init() {
    COMPAT_NAME="$1.${2:-}"
    PROFILE="${2:-}"
    case "$PROFILE" in
    default | strict) ;;
    off) ;;
    *)
        echo "usage: $0 default|strict|off" >&2
        exit 2
        ;;
    esac
    [[ -n "${AS_LIB:-}" && -f "$AS_LIB" ]] || {
        echo "AS_LIB (libautoseal.so) not set or missing" >&2
        exit 1
    }
    COMPAT_RESULTS="${COMPAT_RESULTS:-}"
    TMP="$(mktemp -d "/tmp/autoseal-compat.$1.$PROFILE.XXXXXX")"
    chmod 0755 "$TMP"
    trap compat_cleanup EXIT
    if [[ "$PROFILE" == off ]]; then
        OPTS="mode=off,log=file:$TMP/autoseal.log"
    else
        OPTS="profile=$PROFILE,log=file:$TMP/autoseal.log"
    fi
    [[ -x "$PY" ]] || skip "$PY missing"
    command -v gdb >/dev/null || skip "gdb missing (package list compat.txt)"
}

# need CMD...: skip (77) when a program is not installed.
need() {
    local c
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || [[ -x "$c" ]] || skip "$c not installed (scripts/packages/compat.txt)"
    done
}

# The checker's expectations for the profile under test:
#  default  every non-writable byte of every object loaded at startup is
#           sealed, except at most one page of ld.so's RELRO (the page with
#           __stack_prot that ldso-relro=safe leaves open on purpose);
#  strict   every non-writable byte of every object loaded at startup is
#           sealed, ld.so's whole RELRO included (ldso-relro=all); writable
#           .data/.bss are never sealed at startup (data=seal seals only
#           what the program itself makes read-only: docs/security.md);
#  off      not one byte of the process is sealed (the control),
#           libautoseal.so included.
expect_args() {
    case "$PROFILE" in
    default) echo --expect 'startup_ro>=100' --allow-ldso-relro-pages 1 ;;
    strict) echo --expect 'startup_ro>=100' ;;
    off) echo --expect 'process<=0' ;;
    esac
}

checker_cmd() { # checker_cmd JSONFILE: the checker command line as words
    # shellcheck disable=SC2046
    local sec
    # SECTIONS_SEALED: sections of the main executable that must end up
    # read-only and sealed (a program's own ro-after-init data)
    echo "$PY" "$CHECKER" $(expect_args) --json "$1" "--cross-check=${AS_CLI:-}" --preload "$AS_LIB" \
        $(for sec in ${SECTIONS_SEALED:-}; do echo --section-sealed "$sec"; done) \
        $(for sec in ${SECTIONS_READONLY:-}; do echo --section-readonly "$sec"; done) \
        ${ALLOW_TIGHTENED:+--allow-tightened-data}
}

# as_env: the environment a program runs under (for `env`).
as_env() { echo "LD_PRELOAD=$AS_LIB" "AUTOSEAL_OPTIONS=$OPTS"; }

# run_as CMD...: run a command under autoseal (correctness only).
run_as() { env LD_PRELOAD="$AS_LIB" AUTOSEAL_OPTIONS="$OPTS" "$@"; }

# run_measured TAG IN OUT ERR TIMEOUT CMD...
# Runs CMD under autoseal (stdin IN, stdout OUT, stderr ERR), stops it at
# its exit_group(2) with gdb, checks its seals from outside with the
# checker, then lets it exit.  Sets RC to the program's exit status
# (128+N for a signal).  A seal expectation that fails ends the test.
run_measured() {
    local tag="$1" in="$2" out="$3" err="$4" tmo="$5"
    shift 5
    local json="$TMP/check.$tag.json" res="$TMP/gdb.$tag.json"
    local -a chk
    read -r -a chk <<<"$(checker_cmd "$json")"
    rm -f "$res"
    local rc=0
    COMPAT_CHECK="$("$PY" -c 'import json,sys; print(json.dumps(sys.argv[1:]))' "${chk[@]}")" \
        COMPAT_RESULT="$res" COMPAT_IN="$in" COMPAT_OUT="$out" COMPAT_ERR="$err" \
        COMPAT_PRELOAD="$AS_LIB" COMPAT_OPTS="$OPTS" SHELL=/bin/sh \
        timeout -k 5 "$tmo" gdb -nx -batch -x "$COMPAT_SRC/stop_at_exit.py" --args \
        /bin/sh "$COMPAT_SRC/launch.sh" "$@" >"$TMP/gdb.$tag.log" 2>&1 || rc=$?
    cat "$TMP/gdb.$tag.log" >&2
    if [[ $rc -eq 124 || $rc -eq 137 ]]; then
        fail "$tag: timed out after ${tmo}s: $*"
    fi
    [[ -s "$res" ]] || fail "$tag: gdb runner produced no result (rc $rc)"
    local stopped check_rc code sig
    read -r stopped check_rc code sig < <("$PY" -c '
import json,signal,sys
r=json.load(open(sys.argv[1]))
s=r["exit_signal"]
if isinstance(s,str):
    s=signal.Signals[s].value if s in signal.Signals.__members__ else 99
print(r["stopped"], r["check_rc"], r["exit_code"], s)' "$res")
    if [[ "$sig" != None ]]; then
        RC=$((128 + sig))
    elif [[ "$code" != None ]]; then
        RC=$code
    else
        RC=255
    fi
    if [[ "$stopped" != True ]]; then
        # died by a signal before exit_group: nothing to measure
        [[ -n "${ALLOW_SIGNAL_DEATH:-}" ]] && return 0
        fail "$tag: program ended before exit_group (signal $sig): $*"
    fi
    CHECKS+=("$json")
    case "$check_rc" in
    0) ;;
    1) seal_fail "$tag: seal expectation failed for: $*" ;;
    *) fail "$tag: checker error ($check_rc)" ;;
    esac
    return 0
}

# jit_verdict TAG OUT ERR WANT RESULT_RE: the verdict for a JIT runtime run
# by run_measured with ALLOW_SIGNAL_DEATH=1.  Correct output and exit 0:
# works.  Under profile=strict a refusal is accepted when it is CLEAN: a
# non-zero exit or a signal death, with a diagnostic on stderr or stdout
# (HotSpot prints "Error occurred during initialization of VM" on stdout),
# and no wrong result (a line matching RESULT_RE that is not WANT); a hang
# already failed in run_measured.  The verdict is then "fails-cleanly".
diagnostic() { # diagnostic FILE: its first meaningful lines, on one line
    grep -v -e '^autoseal\[' -e '^[#[:space:]]*$' "$1" 2>/dev/null | head -3 | tr '\n' ' ' |
        sed 's/^# *//; s/  */ /g' | head -c 200 || true
}
jit_verdict() {
    local tag="$1" out="$2" err="$3" want="$4" result_re="$5"
    if [[ $RC -eq 0 ]]; then
        [[ "$(cat "$out")" == "$want" ]] || fail "$tag: wrong output: $(head -c 300 "$out")"
        [[ ${#CHECKS[@]} -gt 0 ]] || fail "$tag: exited 0 but was not measured"
        [[ "$PROFILE" == strict ]] &&
            note "ran correctly under strict: its JIT memory was not refused by this build"
        works
        return 0
    fi
    local msg
    msg="$(diagnostic "$err")"
    [[ -n "$msg" ]] || msg="$(diagnostic "$out")"
    if [[ "$PROFILE" != strict ]]; then
        fail "$tag: exit $RC under profile=$PROFILE: $msg"
    fi
    [[ -n "$msg" ]] || fail "$tag: died silently under strict (status $RC): not a clean failure"
    if grep -E "$result_re" "$out" 2>/dev/null | grep -qvxF -- "$want"; then
        fail "$tag: printed a wrong result before failing: $(grep -E "$result_re" "$out" | head -c 200)"
    fi
    WORKS=fails-cleanly
    note "refused under strict as expected for a JIT: status $RC, message: $msg"
}

# measure_pids TAG PID...: check running processes from outside.
# MEASURE_ARGS: extra checker arguments (e.g. --ignore-vanished).
measure_pids() {
    local tag="$1"
    shift
    local json="$TMP/check.$tag.json" a=() p rc=0
    read -r -a a <<<"${MEASURE_ARGS:-}"
    for p in "$@"; do a+=(--pid "$p"); done
    local -a chk
    read -r -a chk <<<"$(checker_cmd "$json")"
    "${chk[@]}" "${a[@]}" >&2 || rc=$?
    CHECKS+=("$json")
    case "$rc" in
    0) ;;
    1) seal_fail "$tag: seal expectation failed for pids $*" ;;
    *) fail "$tag: checker error ($rc)" ;;
    esac
}

# children_of PID: the pids of PID and its descendants
family_of() {
    local p="$1" c
    echo "$p"
    # shellcheck disable=SC2013 # the file holds space-separated pids
    for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do
        family_of "$c"
    done
}

free_port() {
    "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_port PORT SECONDS: wait until something listens on 127.0.0.1:PORT
wait_port() {
    local port="$1" n=$(($2 * 10))
    for _ in $(seq "$n"); do
        if "$PY" -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),0.5).close()' "$port" 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    return 1
}

# autoseal_log_summary: warnings the library logged (for the notes)
autoseal_warnings() {
    find "$TMP" -name 'autoseal*.log' -exec grep -h -v 'level=info' {} + 2>/dev/null | head -5 || true
}

# works: the program did its job correctly
works() { WORKS=yes; }

write_result() {
    [[ -n "$COMPAT_RESULTS" ]] || return 0
    mkdir -p "$COMPAT_RESULTS"
    local w
    w="$(autoseal_warnings)"
    [[ -n "$w" ]] && NOTES+=("autoseal logged: $w")
    "$PY" "$COMPAT_SRC/compat_result.py" --out "$COMPAT_RESULTS/$COMPAT_NAME.json" \
        --name "$COMPAT_NAME" --profile "$PROFILE" --works "${WORKS:-no}" \
        --notes "$(printf '%s\n' "${NOTES[@]+"${NOTES[@]}"}")" \
        "${CHECKS[@]+"${CHECKS[@]}"}" || true
}

# pass: every check held
pass() {
    [[ "$WORKS" == yes || "$WORKS" == fails-cleanly ]] || fail "internal: pass without a verdict"
    # a clean refusal ends the process before anything can be measured
    [[ ${#CHECKS[@]} -gt 0 || "$WORKS" == fails-cleanly ]] || fail "internal: no seal measurement was made"
    write_result
    log "PASS"
    exit 0
}
