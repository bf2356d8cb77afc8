#!/usr/bin/env bash
# maxmap.sh: vm.max_map_count nearly exhausted (the sysctl is read, never
# changed), then dlopen under autoseal.  For each number of mappings left,
# the outcome (dlopen works or fails cleanly) must be what it is without
# autoseal: no crash, no hang.  Where the dlopen'ed library is not sealed
# although autoseal seals dlopen'ed libraries when mappings are plenty,
# autoseal must have said why (a level=warn line).
. "$(dirname "$0")/common.sh"
: "${FAULTS_MAXMAP:?}" "${FAULTS_DL_LIB:?}"
[[ $FAULTS_ASAN == 1 ]] &&
    skip "ASan build: the ASan allocator itself dies when no mappings are left"

run plenty env LD_PRELOAD="$FAULTS_PRELOAD" AUTOSEAL_OPTIONS=log=stderr "$FAULTS_MAXMAP" 1000 "$FAULTS_DL_LIB"
expect_rc plenty 0
grep -q 'dlopen: ok' "$tmp/plenty.out" || { show plenty.out plenty.err; fail "dlopen fails even with 1000 mappings left"; }
dl_sealing=no
grep -q 'dl-sealed=yes' "$tmp/plenty.err" && dl_sealing=yes
echo "autoseal seals dlopen'ed libraries (1000 mappings left): $dl_sealing"

ok=0
for left in 3 4 5 8; do
    run "ref$left" "$FAULTS_MAXMAP" "$left" "$FAULTS_DL_LIB"
    expect_rc "ref$left" 0
    run "got$left" env LD_PRELOAD="$FAULTS_PRELOAD" AUTOSEAL_OPTIONS=log=stderr "$FAULTS_MAXMAP" "$left" "$FAULTS_DL_LIB"
    expect_rc "got$left" 0
    same_output "ref$left" "got$left"
    outcome=$(tail -1 "$tmp/got$left.out")
    sealed=$(sed -n 's/^dl-sealed=//p' "$tmp/got$left.err")
    echo "left=$left: $outcome dl-sealed=${sealed:--}"
    if [[ $outcome == "dlopen: ok"* ]]; then
        ok=$((ok + 1))
        if [[ $dl_sealing == yes && $sealed != yes ]] && ! grep -q 'level=warn' "$tmp/got$left.err"; then
            show "got$left.err"
            fail "left=$left: the library was not sealed and autoseal did not say why"
        fi
    fi
done
[[ $ok -ge 1 ]] || fail "dlopen never worked: the test proves nothing"
pass "max_map_count nearly exhausted: dlopen outcome unchanged by autoseal ($ok of 4 worked)"
