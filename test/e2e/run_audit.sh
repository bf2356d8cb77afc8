#!/usr/bin/env bash
# mode=audit under the strict profile: nothing refused (the program sees
# "allow" outcomes) but every would-be refusal is logged, with its reason.
set -euo pipefail
prog=$1
err=$(mktemp); trap 'rm -f "$err"' EXIT
AUTOSEAL_OPTIONS=profile=strict,mode=audit,log=stderr "$prog" allow 2>"$err"
for call in mmap mprotect pkey_mprotect shmat; do
    grep -q "event=audit call=$call would=" "$err" || { echo "no audit line for $call"; cat "$err"; exit 1; }
done
grep -q 'reason=wx' "$err" && grep -q 'reason=execmem' "$err" || { echo "reasons missing"; cat "$err"; exit 1; }
grep -q "object=.*e2e_runtime" "$err" || { echo "caller object missing"; exit 1; }
grep -q "event=audit would=seal object=" "$err" || { echo "startup audit lines missing"; exit 1; }
n=$(grep -c "event=audit call=" "$err")
(( n <= 21 )) || { echo "audit lines not rate-limited: $n"; exit 1; }
echo "PASS audit ($n lines)"
