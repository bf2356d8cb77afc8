#!/usr/bin/env bash
# preinit.sh: the program calls mmap before any constructor runs (from
# .preinit_array, as ASan's runtime does); libautoseal's interposer then
# initialises its policy early.  AUTOSEAL_OPTIONS must still be honoured
# (profile=strict: W+X refused, startup line says profile=strict), or
# autoseal must say it could not read it.
. "$(dirname "$0")/common.sh"
: "${FAULTS_PREINIT:?}"

run ref "$FAULTS_PREINIT"
expect_rc ref 0
grep -q 'rwx mmap: allowed' "$tmp/ref.out" || { show ref.out; fail "W+X refused without autoseal"; }
run got env LD_PRELOAD="$FAULTS_PRELOAD" AUTOSEAL_OPTIONS=profile=strict,log=stderr "$FAULTS_PREINIT"
expect_rc got 0
if ! grep -q 'rwx mmap: refused' "$tmp/got.out" ||
    [[ $(startup_field got faults-preinit profile) != strict ]]; then
    show got.out got.err
    fail "AUTOSEAL_OPTIONS=profile=strict ignored when the first interposed call comes from .preinit_array"
fi
pass "policy from AUTOSEAL_OPTIONS applies although mmap ran before libc's constructors"
