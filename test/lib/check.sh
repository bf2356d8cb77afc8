# shellcheck shell=bash
# The one set of shell test helpers (sourced, never run):
#   . "$(dirname "${BASH_SOURCE[0]}")/../lib/check.sh"
# ok WHAT / bad WHAT print one result line; bad counts a failure.
# expect WHAT COMMAND...: ok if COMMAND succeeds, else bad.
# finish: print the count and return non-zero if anything failed (end the
# script with it, so that the exit status is the verdict).
fails=0
ok() { echo "ok    $*"; }
bad() { echo "FAIL  $*"; fails=$((fails + 1)); }
expect() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
finish() { echo "$fails failed"; [[ $fails -eq 0 ]]; }
