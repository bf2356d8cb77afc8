#!/usr/bin/env bash
# Set up, build and run every test.  Idempotent; safe on a fresh Debian 12.
#
#   1. the whole ctest suite (unit, e2e, jit, cli, api, compat, attack,
#      faults, bench --quick; not package) on a -Werror build in build/
#   2. clang-tidy and cppcheck on src/
#   3. unit, e2e, attack and faults again on an ASan+UBSan build (build-san/)
#   4. gcc and clang, Debug/Release/RelWithDebInfo with -Werror
#      (build-matrix/), unit and e2e on the clang Release build
#   5. aarch64: cross build with -Werror, unit tests and the dl* trampolines'
#      lookup semantics under qemu-user, in a Debian 12 chroot
#      (scripts/cross-aarch64.sh)
#   6. the Debian packages (ctest label package: dpkg-buildpackage, lintian,
#      install, enable and disable in a Debian 12 chroot)
# Every stage runs; the script fails if any stage failed.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$AUTOSEAL_ROOT"

install_deps $(cd scripts/packages && ls *.txt | sed 's/\.txt$//') || die "package installation failed"

failed=()
stage() { # name command...
    local name=$1; shift
    log "stage: $name"
    if "$@"; then log "stage $name: ok"; else log "stage $name: FAILED"; failed+=("$name"); fi
}

stage build build "$AUTOSEAL_ROOT/build"
stage tests ctest --test-dir build --output-on-failure -j 2 --timeout 900 -LE '^package$'
stage static-analysis ./scripts/static-analysis.sh build
stage sanitizers ./scripts/sanitize.sh
stage build-matrix ./scripts/build-matrix.sh
stage cross-aarch64 ./scripts/cross-aarch64.sh
stage package ctest --test-dir build --output-on-failure --timeout 1800 -L '^package$'

if ((${#failed[@]})); then
    log "FAILED stages: ${failed[*]}"
    exit 1
fi
log "all stages passed"
