#!/usr/bin/env bash
# valgrind.sh: programs run under valgrind with libautoseal preloaded.
# valgrind 3.19 does not know syscall 462: it answers ENOSYS ("unhandled
# syscall"), so autoseal must report event=unavailable and the program
# must run unchanged.  A valgrind that knows mseal must let autoseal seal.
. "$(dirname "$0")/common.sh"
[[ $FAULTS_ASAN == 1 ]] && skip "ASan build: ASan code cannot run under valgrind"
command -v valgrind >/dev/null || fail "valgrind missing (scripts/packages/attack.txt)"
export FAULTS_TIMEOUT=120

mkdir -p "$tmp/dir"
for f in alpha beta gamma delta; do echo "$f" >"$tmp/dir/$f"; done
touch -d @1000000000 "$tmp/dir"/*
for prog in ls faults-target; do
    if [[ $prog == ls ]]; then cmd=(/bin/ls -l --time-style=+%s "$tmp/dir"); else cmd=("$FAULTS_TARGET" -n 200); fi
    run "ref-$prog" "${cmd[@]}"
    expect_rc "ref-$prog" 0
    run "vg-$prog" env LD_PRELOAD="$FAULTS_PRELOAD" AUTOSEAL_OPTIONS=log=stderr \
        valgrind --error-exitcode=99 --log-file="$tmp/vg-$prog.log" "${cmd[@]}"
    expect_rc "vg-$prog" 0
    same_output "ref-$prog" "vg-$prog"
    p=${prog}
    if grep -q 'unhandled amd64-linux syscall: 462' "$tmp/vg-$prog.log"; then
        grep -q "prog=$p .*event=unavailable reason=ENOSYS" "$tmp/vg-$prog.err" ||
            { show "vg-$prog.err"; fail "$prog: valgrind refused mseal but autoseal did not say so"; }
        echo "$prog: valgrind does not know mseal (syscall 462): autoseal reported event=unavailable reason=ENOSYS"
    else
        expect_sealed_startup "vg-$prog" "$p"
        echo "$prog: valgrind passed mseal through: sealed=$(startup_field "vg-$prog" "$p" sealed)"
    fi
    grep -q 'ERROR SUMMARY: 0 errors' "$tmp/vg-$prog.log" ||
        { cat "$tmp/vg-$prog.log" >&2; fail "$prog: valgrind found errors"; }
done
pass "valgrind: programs unchanged, autoseal's answer reported"
