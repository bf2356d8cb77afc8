# Sourced by the fault tests.  The environment comes from CMakeLists.txt:
#   FAULTS_PRELOAD   what LD_PRELOAD needs for libautoseal (ASan runtime first in ASan builds)
#   FAULTS_PREFIX    the part of FAULTS_PRELOAD before libautoseal ("" or "libasan.so:")
#   FAULTS_LIB       libautoseal.so
#   FAULTS_TARGET    faults-target (deterministic output + seal probe)
#   FAULTS_ASAN      1 when libautoseal is an ASan build
#   FAULTS_DOCS      the source tree's docs/ directory
set -euo pipefail
: "${FAULTS_PRELOAD:?}" "${FAULTS_LIB:?}" "${FAULTS_TARGET:?}"
FAULTS_PREFIX=${FAULTS_PREFIX-}
FAULTS_ASAN=${FAULTS_ASAN:-0}
FAULTS_TIMEOUT=${FAULTS_TIMEOUT:-60}
unset LD_PRELOAD AUTOSEAL_OPTIONS AUTOSEAL_CONFIG

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
    echo "FAIL: $*" >&2
    exit 1
}
skip() {
    echo "SKIP: $*" >&2
    exit 77
}
pass() { echo "PASS: $*"; }

show() {
    local f
    for f in "$@"; do
        echo "--- $f" >&2
        head -n 30 "$tmp/$f" | cut -c1-300 >&2 || true
    done
}

# run NAME CMD...: run CMD with a timeout; stdout in $tmp/NAME.out, stderr in
# $tmp/NAME.err, exit status in $tmp/NAME.rc.  A timeout (124) is a hang.
run() {
    local name=$1
    shift
    set +e
    timeout -k 5 "$FAULTS_TIMEOUT" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
    echo $? >"$tmp/$name.rc"
    set -e
    if [[ $(<"$tmp/$name.rc") == 124 ]]; then
        show "$name.err"
        fail "$name: timed out after ${FAULTS_TIMEOUT}s (hang): $*"
    fi
}
rc() { cat "$tmp/$1.rc"; }

# expect_rc NAME CODE
expect_rc() {
    if [[ $(rc "$1") != "$2" ]]; then
        show "$1.out" "$1.err"
        fail "$1: exit status $(rc "$1"), expected $2"
    fi
}

# same_output REF GOT: stdout must be identical (no output lost)
same_output() {
    if ! cmp -s "$tmp/$1.out" "$tmp/$2.out"; then
        diff -u "$tmp/$1.out" "$tmp/$2.out" | head -40 >&2 || true
        fail "$2: stdout differs from $1 ($(wc -c <"$tmp/$1.out") vs $(wc -c <"$tmp/$2.out") bytes)"
    fi
    [[ -s "$tmp/$1.out" ]] || fail "$1: no output at all: nothing compared"
}

# startup_field NAME PROG FIELD: the value of FIELD= in PROG's startup line
startup_field() {
    grep -E "^autoseal\[[0-9]+\]: prog=$2 .*event=startup" "$tmp/$1.err" | head -1 |
        tr ' ' '\n' | sed -n "s/^$3=//p" || true
}

# expect_sealed_startup NAME PROG: PROG logged a startup line that sealed something
expect_sealed_startup() {
    local sealed
    sealed=$(startup_field "$1" "$2" sealed)
    if [[ -z "$sealed" || "$sealed" -lt 1 ]]; then
        show "$1.err"
        fail "$1: no startup line with sealed>=1 for prog=$2"
    fi
}

