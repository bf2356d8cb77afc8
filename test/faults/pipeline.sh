#!/usr/bin/env bash
# pipeline.sh: a 10-stage shell pipeline with every stage preloaded, and an
# exec chain (bash -> env -> bash -> env -> faults-target), compared with
# the same work without autoseal.  Every process must start sealed.
. "$(dirname "$0")/common.sh"
T=$FAULTS_TARGET

pipeline='seq 1 30000 | cat | sort -rn | head -n 25000 | tail -n 20000 |
          sed s/1/one/ | grep -v 7 | tr a-z A-Z | sort | sha256sum'
run ref bash -c "$pipeline"
expect_rc ref 0
run got env LD_PRELOAD="$FAULTS_PRELOAD" AUTOSEAL_OPTIONS=log=stderr bash -c "$pipeline"
expect_rc got 0
same_output ref got
for p in bash seq cat sort head tail sed grep tr sha256sum; do
    expect_sealed_startup got "$p"
done
n=$(grep -c 'event=startup' "$tmp/got.err" || true)
# bash, 10 stages (bash may run the last stage itself or fork a subshell)
[[ $n -ge 11 ]] || { show got.err; fail "pipeline: $n startup lines, expected at least 11"; }

# shellcheck disable=SC2016
chain='exec env bash -c '"'"'exec env "$1" -n 500 -e "$2"'"'"' x "$0" "$1"'
run chainref bash -c "$chain" "$T" unsealed
expect_rc chainref 0
run chain env LD_PRELOAD="$FAULTS_PRELOAD" AUTOSEAL_OPTIONS=log=stderr bash -c "$chain" "$T" sealed
expect_rc chain 0
same_output chainref chain
n=$(grep -c 'event=startup' "$tmp/chain.err" || true)
[[ $n == 5 ]] || { show chain.err; fail "exec chain: $n startup lines, expected 5"; }
expect_sealed_startup chain faults-target
pass "10-stage pipeline ($(grep -c 'event=startup' "$tmp/got.err") processes) and 5-step exec chain: same output, all sealed"
