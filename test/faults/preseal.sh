#!/usr/bin/env bash
# preseal.sh: a program that sealed some of its own memory before
# libautoseal's constructor (.preinit_array and a DT_NEEDED library's
# constructor) runs unchanged under autoseal, fully sealed, no failures.
. "$(dirname "$0")/common.sh"
: "${FAULTS_PRESEAL:?}"

run ref "$FAULTS_PRESEAL" unsealed
[[ $(rc ref) != 77 ]] || skip "mseal(2) not available"
expect_rc ref 0
run got env LD_PRELOAD="$FAULTS_PRELOAD" AUTOSEAL_OPTIONS=log=stderr,loglevel=debug "$FAULTS_PRESEAL" sealed
expect_rc got 0
same_output ref got
expect_sealed_startup got faults-preseal
objects=$(startup_field got faults-preseal objects)
sealed=$(startup_field got faults-preseal sealed)
partial=$(startup_field got faults-preseal partial)
if [[ $partial != 0 || $sealed != "$objects" ]] || grep -q 'event=seal-failed' "$tmp/got.err"; then
    show got.err
    fail "pre-sealed memory made autoseal fail: objects=$objects sealed=$sealed partial=$partial"
fi
pass "pre-sealed pages: output unchanged, all $objects objects sealed"
