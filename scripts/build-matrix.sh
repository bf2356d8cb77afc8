#!/usr/bin/env bash
# Build every ordinary configuration with warnings as errors: gcc and
# clang-14, each Debug, Release and RelWithDebInfo (build-matrix/CC-TYPE,
# tests included), then run the unit and e2e tests on one clang build.
#
#   scripts/build-matrix.sh [TEST_BUILD]     (default: clang-Release)
#
# Fails if any configuration does not build or the tests fail; every
# configuration is tried even after a failure.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$AUTOSEAL_ROOT"

test_build=${1:-clang-Release}
mkdir -p build-matrix
declare -A cc=([gcc]=gcc [clang]=clang-14)
declare -A cxx=([gcc]=g++ [clang]=clang++-14)
failed=()
for c in gcc clang; do
    command -v "${cc[$c]}" >/dev/null || { log "${cc[$c]} missing"; failed+=("$c"); continue; }
    for t in Debug Release RelWithDebInfo; do
        dir=build-matrix/$c-$t
        log "build-matrix: $c $t ($dir)"
        if cmake -S . -B "$dir" -DAUTOSEAL_WERROR=ON -DCMAKE_BUILD_TYPE=$t \
                 -DCMAKE_C_COMPILER="${cc[$c]}" -DCMAKE_CXX_COMPILER="${cxx[$c]}" >"$dir.log" 2>&1 &&
           cmake --build "$dir" -j 2 >>"$dir.log" 2>&1; then
            # Clean means no warning at all.
            other=$(grep -E 'warning:' "$dir.log" | sort -u)
            grep -E 'warning:' "$dir.log" | sort -u >&2 || true
            [[ -z $other ]] || failed+=("$c-$t(warnings)")
        else
            grep -E 'error|warning:' "$dir.log" | head -n 40 >&2
            failed+=("$c-$t")
        fi
    done
done
if [[ ! " ${failed[*]} " =~ " $test_build " ]]; then
    log "build-matrix: unit and e2e tests on $test_build"
    ctest --test-dir "build-matrix/$test_build" --output-on-failure -j 2 --timeout 600 \
          -L '^(unit|e2e)$' || failed+=("tests-$test_build")
fi
if ((${#failed[@]})); then
    log "build-matrix FAILED: ${failed[*]}"
    exit 1
fi
log "build-matrix: all six configurations build with -Werror"
