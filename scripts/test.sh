#!/usr/bin/env bash
# Set up, build and run every test.  Idempotent; safe on a fresh Debian 12.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$AUTOSEAL_ROOT"

install_deps $(cd scripts/packages && ls *.txt | sed 's/\.txt$//')

log "build (warnings are errors)"
build "$AUTOSEAL_ROOT/build"
log "tests"
ctest --test-dir build --output-on-failure -j 2 --timeout 600
