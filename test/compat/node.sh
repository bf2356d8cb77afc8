#!/usr/bin/env bash
# node (V8 with its JIT) running a CPU-heavy script: a prime sieve, a hot
# numeric loop the JIT optimises, JSON and crypto.  Stopped at exit_group
# and checked.  Under profile=strict (wx=deny, execmem=deny) a JIT is
# expected to be refused: the test then accepts only a CLEAN failure (see
# jit_verdict in lib.sh); a hang, a silent death or a wrong result fail.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
compat_init node "${1:-}"
need node

cat >"$TMP/work.js" <<'JS'
const crypto = require('crypto');
function sieve(n) {
  const s = new Uint8Array(n + 1); let c = 0;
  for (let i = 2; i <= n; i++) { if (!s[i]) { c++; for (let j = i * i; j <= n; j += i) s[j] = 1; } }
  return c;
}
function collatzMax(n) {
  let best = 0, arg = 0;
  for (let i = 1; i < n; i++) { let x = i, k = 0; while (x !== 1) { x = (x & 1) ? 3 * x + 1 : x / 2; k++; } if (k > best) { best = k; arg = i; } }
  return [arg, best];
}
const out = { primes: sieve(2000000), collatz: collatzMax(300000) };
const obj = JSON.parse(JSON.stringify({ a: Array.from({ length: 1000 }, (_, i) => i * i) }));
out.squares = obj.a.reduce((x, y) => x + y, 0);
out.sha = crypto.createHash('sha256').update('autoseal compat').digest('hex');
console.log(JSON.stringify(out));
JS
sha="$("$PY" -c 'import hashlib; print(hashlib.sha256(b"autoseal compat").hexdigest())')"
want="{\"primes\":148933,\"collatz\":[230631,442],\"squares\":332833500,\"sha\":\"$sha\"}"

ALLOW_SIGNAL_DEATH=1 run_measured node /dev/null "$TMP/out" "$TMP/err" 120 /usr/bin/node "$TMP/work.js"
jit_verdict node "$TMP/out" "$TMP/err" "$want" '^\{"primes"'
pass
