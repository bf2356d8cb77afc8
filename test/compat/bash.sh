#!/usr/bin/env bash
# bash running a script with pipelines, command substitution, arrays,
# arithmetic and here-documents.  The output must equal the output of the
# same script without autoseal and hold a value computed independently.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
compat_init bash "${1:-}"
need bash sort uniq head awk

cat >"$TMP/work.sh" <<'SCRIPT'
set -euo pipefail
words=()
for i in $(seq 1 3000); do words+=("w$((i * 7919 % 101))"); done
printf '%s\n' "${words[@]}" | sort | uniq -c | sort -k1,1nr -k2 | head -5
sum=0
while read -r n; do sum=$((sum + n)); done < <(seq 1 10000)
echo "sum=$sum"
echo "upper=$(tr a-z A-Z <<<"autoseal pipeline")"
declare -A seen=()
for w in "${words[@]}"; do seen[$w]=1; done
echo "distinct=${#seen[@]}"
awk '{ s += $1 } END { print "awk=" s }' < <(seq 1 100)
SCRIPT

/usr/bin/bash --norc --noprofile "$TMP/work.sh" >"$TMP/want" 2>&1 || fail "reference run failed"
run_measured bash /dev/null "$TMP/got" "$TMP/got.err" 60 /usr/bin/bash --norc --noprofile "$TMP/work.sh"
[[ $RC -eq 0 ]] || fail "bash exited $RC under autoseal: $(head -c 300 "$TMP/got.err")"
cmp -s "$TMP/want" "$TMP/got" || fail "output differs under autoseal"
grep -qx 'sum=50005000' "$TMP/got" || fail "wrong arithmetic result"
grep -qx 'distinct=101' "$TMP/got" || fail "wrong distinct count"
grep -qx 'awk=5050' "$TMP/got" || fail "wrong pipeline result"
works
pass
