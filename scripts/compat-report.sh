#!/usr/bin/env bash
# Run the compatibility suite (CTest label "compat") and regenerate
# docs/compatibility.md from its results.
#   scripts/compat-report.sh [BUILD_DIR]      (default: build)
# Installs the packages in scripts/packages/{core,compat}.txt when missing
# (needs root then), builds, runs the tests (-j2) and writes the page even
# when some tests fail; exits non-zero when any compat test failed.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
cd "$AUTOSEAL_ROOT"
dir="${1:-$AUTOSEAL_ROOT/build}"

install_deps core compat
log "build"
build "$dir" >/dev/null
results="$dir/test/compat/results"
rm -rf "$results"
log "running the compat tests"
rc=0
ctest --test-dir "$dir" -L compat -j 2 --output-on-failure >"$dir/compat-ctest.log" 2>&1 || rc=$?
tail -n 5 "$dir/compat-ctest.log" >&2
/usr/bin/python3 test/compat/report.py "$results" "$dir/compat-ctest.log" docs/compatibility.md
log "wrote docs/compatibility.md"
exit "$rc"
