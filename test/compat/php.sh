#!/usr/bin/env bash
# PHP 8.2 CLI with opcache and its tracing JIT (opcache.enable_cli=1,
# opcache.jit=tracing, opcache.jit_buffer_size=16M) running a script with
# hot loops.  Default profile: the JIT must work (correct output, JIT on).
# Strict: the JIT must be REFUSED, and the refusal must be clean: never a
# wrong result, never JIT code running from memory strict did not refuse.
# (opcache loads with RTLD_DEEPBIND, so its mprotect reaches libc directly:
# only the kernel's W^X, execmem=kernel / PR_SET_MDWE, can refuse it.)
# PHP 8.2 ignores a failed mprotect of its JIT buffer ("mprotect() failed
# [13]") and then dies with SIGSEGV running the non-executable code: that is
# accepted as a clean refusal (a diagnostic, no wrong output), as for node
# and java.  Then the configuration that works under strict is checked:
# opcache on, JIT off (opcache.jit=off), measured at exit.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
compat_init php "${1:-}"
need php
php -m >"$TMP/modules" 2>/dev/null || true
grep -qx 'Zend OPcache' "$TMP/modules" || skip "php-opcache not installed"

cat >"$TMP/t.php" <<'PHP'
<?php
function fib($n) { return $n < 2 ? $n : fib($n - 1) + fib($n - 2); }
$s = 0;
for ($i = 0; $i < 300000; $i++) { $s = ($s + $i * 7) % 1000003; }
$h = '';
for ($i = 0; $i < 2000; $i++) { $h = md5($h . $i); }
$st = function_exists('opcache_get_status') ? opcache_get_status(false) : false;
echo "result fib=", fib(22), " sum=", $s, " md5=", $h, "\n";
echo "opcache=", ($st && $st['opcache_enabled']) ? "on" : "off",
     " jit=", ($st && !empty($st['jit']['on'])) ? "on" : "off", "\n";
PHP
want_result="$(php -n "$TMP/t.php" | grep '^result ')" # no autoseal, no opcache
[[ "$want_result" == "result fib=17711 "* ]] || fail "reference run without autoseal failed: $want_result"
JIT=(-d opcache.enable_cli=1 -d opcache.jit=tracing -d opcache.jit_buffer_size=16M)

ALLOW_SIGNAL_DEATH=1 run_measured jit /dev/null "$TMP/jit.out" "$TMP/jit.err" 60 php "${JIT[@]}" "$TMP/t.php"
cat "$TMP/jit.out" "$TMP/jit.err" >&2
got="$(grep '^result ' "$TMP/jit.out" || true)"
[[ -z "$got" || "$got" == "$want_result" ]] || fail "wrong result with the JIT: $got (want $want_result)"
if [[ "$PROFILE" == default ]]; then
    [[ $RC -eq 0 && -n "$got" ]] || fail "php with its JIT failed under profile=default (status $RC): $(head -c 300 "$TMP/jit.err")"
    grep -qx 'opcache=on jit=on' "$TMP/jit.out" || fail "the JIT was not on under profile=default: $(cat "$TMP/jit.out")"
    note "opcache tracing JIT on, correct output"
    works
    pass
fi

# strict: JIT memory must have been refused
if [[ $RC -eq 0 ]] && grep -qx 'opcache=on jit=on' "$TMP/jit.out" && ! grep -q 'mprotect() failed' "$TMP/jit.err"; then
    fail "strict: opcache's JIT buffer was made executable, nothing refused it (RTLD_DEEPBIND reaches libc's mprotect directly; needs execmem=kernel, PR_SET_MDWE)"
fi
refused=""
grep -q 'mprotect() failed \[13\]' "$TMP/jit.err" && refused="PHP reports 'mprotect() failed [13] Permission denied' (EACCES)"
grep -Eq 'level=(warn|error) .*call=(mmap|mprotect|pkey_mprotect).*(deny|refus)' "$TMP"/autoseal*.log 2>/dev/null &&
    refused="${refused:+$refused; }autoseal logged the refusal"
[[ -n "$refused" ]] || fail "strict: JIT not running but no refusal is visible anywhere (status $RC): $(diagnostic "$TMP/jit.err")"
if [[ $RC -eq 0 ]]; then
    [[ "$got" == "$want_result" ]] || fail "strict: exit 0 without the result"
    note "JIT refused under strict, script correct without it: $refused"
else
    msg="$(diagnostic "$TMP/jit.err")"
    [[ -n "$msg" ]] || fail "strict: died silently (status $RC)"
    note "JIT refused under strict: $refused; PHP 8.2 ignores the failed mprotect and ends with status $RC (clean: diagnostic, no wrong result)"
fi

# the honest configuration under strict: opcache without its JIT
run_measured nojit /dev/null "$TMP/nojit.out" "$TMP/nojit.err" 60 php -d opcache.enable_cli=1 \
    -d opcache.jit=off "$TMP/t.php"
[[ $RC -eq 0 ]] || fail "strict, opcache.jit=off: status $RC: $(diagnostic "$TMP/nojit.err")"
[[ "$(grep '^result ' "$TMP/nojit.out")" == "$want_result" ]] || fail "strict, opcache.jit=off: wrong output: $(cat "$TMP/nojit.out")"
grep -qx 'opcache=on jit=off' "$TMP/nojit.out" || fail "strict, opcache.jit=off: opcache not on: $(cat "$TMP/nojit.out")"
note "opcache on with opcache.jit=off: correct output"
works
pass
