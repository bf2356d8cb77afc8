#!/usr/bin/env bash
# threads.sh PROFILE: 200 threads started from another preloaded library's
# constructor map, protect and unmap memory while libautoseal initialises.
# Both constructor orders are run: libfaults-hammer.so listed before
# libautoseal (its constructor runs after autoseal's: the threads hammer the
# fresh interposers) and after it (its constructor runs first: the threads
# run during autoseal's constructor).  No crash, no deadlock, every result
# correct, the program sealed.
. "$(dirname "$0")/common.sh"
profile=$1
: "${FAULTS_HAMMER_LIB:?}" "${FAULTS_HAMMER_MAIN:?}"
opts="profile=$profile,log=stderr"
[[ $FAULTS_ASAN == 1 ]] &&
    skip "ASan build: the ASan runtime aborts when threads started from an earlier constructor exit (CHECK tsd_key_inited, without autoseal too)"

run before env LD_PRELOAD="${FAULTS_PREFIX}$FAULTS_HAMMER_LIB:$FAULTS_LIB" AUTOSEAL_OPTIONS="$opts" \
    "$FAULTS_HAMMER_MAIN" sealed
expect_rc before 0
expect_sealed_startup before faults-hammer-main

run after env LD_PRELOAD="${FAULTS_PREFIX}$FAULTS_LIB:$FAULTS_HAMMER_LIB" AUTOSEAL_OPTIONS="$opts" \
    "$FAULTS_HAMMER_MAIN" sealed
expect_rc after 0
expect_sealed_startup after faults-hammer-main

run ref env LD_PRELOAD="${FAULTS_PREFIX}$FAULTS_HAMMER_LIB" "$FAULTS_HAMMER_MAIN" unsealed
expect_rc ref 0
same_output ref before
same_output ref after
pass "200 threads x 40 rounds, profile=$profile, both constructor orders: $(cat "$tmp/after.out")"
