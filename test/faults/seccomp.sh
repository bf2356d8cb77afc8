#!/usr/bin/env bash
# seccomp.sh ENOSYS|EPERM|KILL: mseal refused (or fatal) by a seccomp filter.
#   ENOSYS, EPERM: the program runs exactly as without autoseal (same output,
#   exit 0), nothing is sealed, and autoseal says so in one event=unavailable
#   line naming the reason.
#   KILL: the program dies with SIGSYS at autoseal's first mseal call, as
#   docs/security.md documents; without autoseal the same filter is harmless.
. "$(dirname "$0")/common.sh"
action=$1
: "${FAULTS_SECCOMP:?}" "${FAULTS_DOCS:?}"
T=$FAULTS_TARGET

run ref "$T" -n 3000 -e unsealed
expect_rc ref 0

case $action in
ENOSYS | EPERM)
    run got "$FAULTS_SECCOMP" "$action" -- env LD_PRELOAD="$FAULTS_PRELOAD" \
        AUTOSEAL_OPTIONS=log=stderr "$T" -n 3000 -e unsealed
    expect_rc got 0
    same_output ref got
    n=$(grep -c "prog=faults-target .*event=unavailable reason=$action " "$tmp/got.err" || true)
    if [[ $n != 1 ]]; then
        show got.err
        fail "expected exactly one event=unavailable reason=$action line, got $n"
    fi
    grep "event=unavailable" "$tmp/got.err" | grep -q 'msg="' ||
        fail "the event=unavailable line has no human-readable msg"
    [[ $(startup_field got faults-target bytes) == 0 ]] ||
        { show got.err; fail "startup line must report bytes=0"; }
    pass "mseal -> $action: program unchanged, one event=unavailable line"
    ;;
KILL)
    run ctl "$FAULTS_SECCOMP" KILL -- "$T" -n 3000 -e unsealed
    expect_rc ctl 0
    same_output ref ctl
    run got "$FAULTS_SECCOMP" KILL -- env LD_PRELOAD="$FAULTS_PRELOAD" \
        AUTOSEAL_OPTIONS=log=stderr "$T" -n 3000
    # timeout(1) reports a child killed by signal N as 128+N; SIGSYS is 31
    sigsys=$((128 + $(kill -l SYS)))
    expect_rc got "$sigsys"
    [[ ! -s "$tmp/got.out" ]] || fail "the program ran (output seen) although mseal is fatal"
    grep -q 'SECCOMP_RET_KILL' "$FAULTS_DOCS/security.md" && grep -q 'SIGSYS' "$FAULTS_DOCS/security.md" ||
        fail "docs/security.md must document that a killing filter ends the program with SIGSYS"
    pass "mseal -> SECCOMP_RET_KILL_PROCESS: the program dies with SIGSYS (documented)"
    ;;
*)
    fail "usage: seccomp.sh ENOSYS|EPERM|KILL"
    ;;
esac
