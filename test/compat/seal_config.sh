#!/usr/bin/env bash
# The C API's example program (examples/seal_config.c, build/bin/seal_config):
# its AUTOSEAL_RO_AFTER_INIT configuration is locked with autoseal_lock()
# and its key table frozen with autoseal_protect().  Under profile=strict
# (data=seal: seal on tighten) the lock must succeed, and at the program's
# exit the autoseal_ro_after_init section must be read-only and sealed
# (smaps, from outside), next to every startup object's non-writable bytes.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
compat_init seal_config "${1:-}"
[[ -n "${AS_EXAMPLE:-}" && -x "${AS_EXAMPLE:-}" ]] || skip "the example program is not built (AS_EXAMPLE)"
[[ "$PROFILE" != off ]] || fail "no off control for this test (the API seals by itself)"

# shellcheck disable=SC2034 # read by checker_cmd in lib.sh
SECTIONS_SEALED=autoseal_ro_after_init
run_measured run /dev/null "$TMP/out" "$TMP/err" 60 "$AS_EXAMPLE" --strict
cat "$TMP/out" >&2
[[ $RC -eq 0 ]] || fail "exit $RC under profile=$PROFILE: $(cat "$TMP/err")"
grep -qx 'config: read-only and sealed' "$TMP/out" || fail "autoseal_lock() did not lock: $(cat "$TMP/out")"
grep -qx 'status: sealed' "$TMP/out" || fail "not sealed: $(cat "$TMP/out")"
note "autoseal_lock() returned 0; the autoseal_ro_after_init section was read-only and sealed at exit (smaps)"
works
pass
