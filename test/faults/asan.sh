#!/usr/bin/env bash
# asan.sh: an ASan-instrumented program under autoseal (LD_PRELOAD lists
# the ASan runtime first): same output, sealed, and ASan still catches a
# heap overflow.
. "$(dirname "$0")/common.sh"
: "${FAULTS_ASAN_PROG:?}" "${FAULTS_LIBASAN:?}"
[[ -f $FAULTS_LIBASAN ]] || fail "no ASan runtime at $FAULTS_LIBASAN"
export ASAN_OPTIONS=detect_leaks=0
preload="$FAULTS_LIBASAN:$FAULTS_LIB"

run ref "$FAULTS_ASAN_PROG"
expect_rc ref 0
run got env LD_PRELOAD="$preload" AUTOSEAL_OPTIONS=log=stderr "$FAULTS_ASAN_PROG"
expect_rc got 0
same_output ref got
expect_sealed_startup got faults-asan
run bug env LD_PRELOAD="$preload" AUTOSEAL_OPTIONS=log=stderr "$FAULTS_ASAN_PROG" overflow
[[ $(rc bug) != 0 ]] || fail "ASan did not stop the overflow under autoseal"
grep -q 'heap-buffer-overflow' "$tmp/bug.err" || { show bug.err; fail "no ASan report under autoseal"; }
pass "ASan program: output unchanged, sealed=$(startup_field got faults-asan sealed), overflow still caught"
