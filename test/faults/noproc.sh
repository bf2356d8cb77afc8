#!/usr/bin/env bash
# noproc.sh: a program under autoseal in a mount namespace without /proc
# must run unchanged and be sealed (autoseal does not need /proc).
. "$(dirname "$0")/common.sh"
T=$FAULTS_TARGET
[[ $FAULTS_ASAN == 1 ]] && skip "ASan build: the ASan runtime itself needs /proc/self/maps"
command -v unshare >/dev/null || fail "unshare missing (util-linux)"
unshare -m --propagation private true 2>/dev/null ||
    skip "cannot create a mount namespace here (needs CAP_SYS_ADMIN)"

run ref "$T" -n 3000 -e unsealed
expect_rc ref 0

# shellcheck disable=SC2016
inner='
    n=0
    while [ -e /proc/self ] && [ $n -lt 10 ]; do umount -l /proc || exit 90; n=$((n+1)); done
    [ -e /proc/self ] && { echo "/proc is still mounted" >&2; exit 91; }
    exec env LD_PRELOAD="$1" AUTOSEAL_OPTIONS=log=stderr "$2" -n 3000 -e sealed'
run got unshare -m --propagation private sh -c "$inner" sh "$FAULTS_PRELOAD" "$T"
[[ $(rc got) != 90 ]] || skip "cannot unmount /proc in the namespace"
expect_rc got 0
same_output ref got
expect_sealed_startup got faults-target
if grep -q 'event=unavailable' "$tmp/got.err"; then
    show got.err
    fail "autoseal reported unavailable without /proc"
fi
pass "no /proc: output unchanged, sealed (probe), startup line sealed=$(startup_field got faults-target sealed)"
