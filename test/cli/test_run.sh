#!/usr/bin/env bash
# autoseal run: preloading, environment merging, exit status, warnings for
# programs LD_PRELOAD cannot reach (static, setuid, file capabilities).
# Usage: test_run.sh AUTOSEAL LIBAUTOSEAL VERSION
set -u
tool=$1 lib=$2 version=$3
. "$(dirname "${BASH_SOURCE[0]}")/../lib/check.sh"
tmp=$(mktemp -d /tmp/autoseal-run.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
unset LD_PRELOAD AUTOSEAL_OPTIONS

# Library is preloaded and finds its startup line.
out=$("$tool" run -o log=stderr -o loglevel=info -- /bin/true 2>&1)
expect "run preloads the library (startup line: ${out:0:80})" grep -q 'event=startup' <<<"$out"

# LD_PRELOAD is appended to, not replaced; AUTOSEAL_OPTIONS merged in order.
libm=$(gcc -print-file-name=libm.so.6)
[[ -e $libm ]] || libm=/lib/x86_64-linux-gnu/libm.so.6
out=$(LD_PRELOAD=$libm AUTOSEAL_OPTIONS=log=none "$tool" run --profile strict -o mode=audit -- \
      sh -c 'printf "%s|%s" "$LD_PRELOAD" "$AUTOSEAL_OPTIONS"')
expect "existing LD_PRELOAD stays first ($out)" test "${out%%|*}" = "$libm:$lib"
expect "AUTOSEAL_OPTIONS merged after the existing value (${out#*|})" \
    test "${out#*|}" = "log=none,profile=strict,mode=audit"
out=$(LD_PRELOAD=$lib "$tool" run -- sh -c 'printf "%s" "$LD_PRELOAD"')
expect "library not added twice ($out)" test "$out" = "$lib"

# Exit status is the command's; exec failures 126/127; usage errors 2.
"$tool" run -- sh -c 'exit 7'; rc=$?
expect "exit status of the command (7, got $rc)" test $rc -eq 7
"$tool" run -- /nonexistent/cmd 2>/dev/null; rc=$?
expect "missing command: 127 (got $rc)" test $rc -eq 127
"$tool" run -- /etc/passwd 2>/dev/null; rc=$?
expect "non-executable command: 126 (got $rc)" test $rc -eq 126
for args in "-o nokey=1 -- /bin/true" "-o mode=bogus -- /bin/true" "-o noequals -- /bin/true" \
            "--profile nope -- /bin/true" "--bogus -- /bin/true" "" "-o"; do
    # shellcheck disable=SC2086
    "$tool" run $args >/dev/null 2>"$tmp/err"; rc=$?
    expect "usage error for 'run $args' exits 2 (got $rc: $(head -n1 "$tmp/err"))" test $rc -eq 2
done
"$tool" run --profile strict -o mode=audit -- /bin/true; rc=$?
expect "valid settings accepted (got $rc)" test $rc -eq 0

# Static programs go through the launcher (tests in test/static): no
# LD_PRELOAD warning, their own exit status.
printf 'int main(void){return 5;}\n' >"$tmp/s.c"
gcc -static -o "$tmp/static" "$tmp/s.c" || bad "gcc -static failed"
"$tool" run -- "$tmp/static" 2>"$tmp/err"; rc=$?
expect "static: runs, status is its own (5, got $rc)" test $rc -eq 5
expect "static: no LD_PRELOAD warning ($(head -c 120 "$tmp/err"))" test ! -s "$tmp/err"
gcc -static-pie -fPIE -o "$tmp/spie" "$tmp/s.c" || bad "gcc -static-pie failed"
"$tool" run -- "$tmp/spie" 2>"$tmp/err"; rc=$?
expect "static-pie: runs, status 5 (got $rc), silent" test $rc -eq 5 -a ! -s "$tmp/err"
# A script whose interpreter is static: the interpreter is what counts.
printf '#!%s\n' "$tmp/static" >"$tmp/script"; chmod +x "$tmp/script"
"$tool" run -- "$tmp/script" 2>"$tmp/err"; rc=$?
expect "script with a static interpreter: runs it (5, got $rc)" test $rc -eq 5

# Warnings: setuid copy (this proves the warning; the kernel's secure mode is
# what actually drops LD_PRELOAD).
cp /bin/true "$tmp/suid" && chmod u+s "$tmp/suid"
"$tool" run -- "$tmp/suid" 2>"$tmp/err"; rc=$?
expect "setuid: runs (got $rc)" test $rc -eq 0
expect "setuid: warns and points to ld.so.preload" grep -q 'setuid.*ld.so.preload' "$tmp/err"
cp /bin/true "$tmp/sgid" && chmod g+s,g+x "$tmp/sgid"
"$tool" run -- "$tmp/sgid" 2>"$tmp/err"
expect "setgid: warns" grep -q 'setgid' "$tmp/err"
cp /bin/true "$tmp/cap"
if setcap cap_net_bind_service=+ep "$tmp/cap" 2>"$tmp/err"; then
    "$tool" run -- "$tmp/cap" 2>"$tmp/err"
    expect "file capabilities: warns" grep -q 'file-capability' "$tmp/err"
else
    bad "setcap failed: $(cat "$tmp/err")"
fi
# No warning for an ordinary dynamic program.
"$tool" run -- /bin/true 2>"$tmp/err"
expect "no warning for /bin/true" test ! -s "$tmp/err"

# --help and --version
for c in run status check systemd probe; do
    "$tool" "$c" --help >"$tmp/out"; rc=$?
    expect "$c --help exits 0 and prints usage" test $rc -eq 0 -a -n "$(grep "Usage: autoseal $c" "$tmp/out")"
done
"$tool" --help | grep -q '^Usage: autoseal COMMAND'
expect "--help" test $? -eq 0
v=$("$tool" --version)
expect "--version prints $version ($v)" test "$v" = "autoseal $version"
"$tool" frobnicate 2>/dev/null; rc=$?
expect "unknown command exits 2 (got $rc)" test $rc -eq 2
"$tool" 2>/dev/null; rc=$?
expect "no command exits 2 (got $rc)" test $rc -eq 2

finish
