#!/usr/bin/env bash
# seccomp.sh ENOSYS|EPERM|KILL|TRAP: mseal refused (or fatal) by a seccomp filter.
#   ENOSYS, EPERM: the program runs exactly as without autoseal (same output,
#   exit 0), nothing is sealed, and autoseal says so in one event=unavailable
#   line naming the reason.
#   KILL: the same - autoseal tries mseal in a short-lived child first, which
#   dies instead of the program; one event=unavailable reason=seccomp-kill
#   line says so.
. "$(dirname "$0")/common.sh"
action=$1
: "${FAULTS_SECCOMP:?}" "${FAULTS_DOCS:?}"
T=$FAULTS_TARGET

run ref "$T" -n 3000 -e unsealed
expect_rc ref 0

case $action in
ENOSYS | EPERM) reason=$action msg='msg="' ;;
KILL | TRAP) reason=seccomp-kill msg='msg="a seccomp filter kills' ;;
*) fail "usage: seccomp.sh ENOSYS|EPERM|KILL|TRAP" ;;
esac

# control: the same filter without autoseal is harmless to the program
run ctl "$FAULTS_SECCOMP" "$action" -- "$T" -n 3000 -e unsealed
expect_rc ctl 0
same_output ref ctl

run got "$FAULTS_SECCOMP" "$action" -- env LD_PRELOAD="$FAULTS_PRELOAD" \
    AUTOSEAL_OPTIONS=log=stderr "$T" -n 3000 -e unsealed
expect_rc got 0
same_output ref got
n=$(grep -c "prog=faults-target .*event=unavailable reason=$reason " "$tmp/got.err" || true)
if [[ $n != 1 ]]; then
    show got.err
    fail "expected exactly one event=unavailable reason=$reason line, got $n"
fi
grep "event=unavailable" "$tmp/got.err" | grep -q "$msg" ||
    { show got.err; fail "the event=unavailable line does not say why ($msg...)"; }
[[ $(startup_field got faults-target bytes) == 0 ]] ||
    { show got.err; fail "startup line must report bytes=0"; }
pass "mseal -> $action: the program runs unchanged, unsealed, one event=unavailable reason=$reason line"
