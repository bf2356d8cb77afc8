#!/usr/bin/env bash
# Build everything with AddressSanitizer and UndefinedBehaviorSanitizer in
# build-san/ and run the unit, e2e, attack and faults tests under it.
#
#   scripts/sanitize.sh [BUILD_DIR]     (default: build-san)
#
# The preload library itself gets UBSan only (ASan's runtime would call its
# interposers before its shadow memory exists: CMakeLists.txt); its pure
# parts, the tool and the test programs get both.  Tests that preload
# libautoseal.so into an ASan-built program list the ASan runtime first in
# LD_PRELOAD (test/CMakeLists.txt: AUTOSEAL_TEST_PRELOAD).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$AUTOSEAL_ROOT"

bdir=${1:-$AUTOSEAL_ROOT/build-san}
log "sanitizer build in $bdir (ASan + UBSan)"
build "$bdir" -DAUTOSEAL_ASAN=ON -DAUTOSEAL_UBSAN=ON
# halt_on_error: any report fails the test; leaks of the (uninstrumented)
# programs under test are not libautoseal's, LSan also needs ptrace.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:halt_on_error=1:detect_leaks=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
log "tests under sanitizers"
ctest --test-dir "$bdir" --output-on-failure -j 2 --timeout 600 -L '^(unit|e2e|attack|faults)$'
