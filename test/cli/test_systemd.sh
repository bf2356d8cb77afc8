#!/usr/bin/env bash
# autoseal systemd: drop-ins for units read from files (PID 1 need not be
# systemd), conflict warnings, and `systemd-analyze verify` of the result.
# Usage: test_systemd.sh AUTOSEAL LIBAUTOSEAL FIXTURES_DIR
set -u
tool=$1 lib=$2 fix=$3
. "$(dirname "${BASH_SOURCE[0]}")/../lib/check.sh"
command -v systemd-analyze >/dev/null || { echo "FAIL: systemd-analyze missing"; exit 1; }
tmp=$(mktemp -d /tmp/autoseal-systemd.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
units=$tmp/units
mkdir -p "$units"
libm=/lib/x86_64-linux-gnu/libm.so.6
libdir=$(dirname "$lib")
sed -e "s|@LIBM@|$libm|" -e "s|@NOEXEC@|$libdir|" "$fix/conflicts.service" >"$units/conflicts.service"
cp "$fix/plain.service" "$units/plain.service"
sed -e "s|@LIBDIR@|$libdir|" "$fix/jit.service" >"$units/jit.service"

verify() { # verify UNIT: exit 0 and no diagnostics about our drop-in
    SYSTEMD_UNIT_PATH="$units:" systemd-analyze verify "$units/$1" >"$tmp/verify" 2>&1
    local rc=$?
    if [[ $rc -eq 0 ]] && ! grep -q 'autoseal.conf' "$tmp/verify"; then
        return 0
    fi
    echo "      systemd-analyze verify rc=$rc: $(cat "$tmp/verify")"
    return 1
}

# 1. Unit with LD_PRELOAD and conflicts, found by name in --dir.
"$tool" systemd --dir "$units" --profile strict conflicts >"$tmp/out" 2>"$tmp/err"; rc=$?
expect "conflicts: written (rc $rc)" test $rc -eq 0 -a -f "$units/conflicts.service.d/autoseal.conf"
conf=$units/conflicts.service.d/autoseal.conf
expect "conflicts: keeps the unit's LD_PRELOAD first" \
    grep -qx "Environment=\"LD_PRELOAD=$libm $lib\"" "$conf"
expect "conflicts: AUTOSEAL_OPTIONS for the profile" grep -qx 'Environment="AUTOSEAL_OPTIONS=profile=strict"' "$conf"
expect "conflicts: [Service] section" grep -qx '\[Service\]' "$conf"
expect "conflicts: warns about the SystemCallFilter allow-list" grep -q 'SystemCallFilter= is an allow-list without mseal' "$tmp/err"
expect "conflicts: warns about NoExecPaths covering the library" grep -q "NoExecPaths= covers $lib" "$tmp/err"
expect "conflicts: no JIT warning for sleep" test -z "$(grep MemoryDenyWriteExecute "$tmp/err")"
expect "conflicts: systemd-analyze verify passes" verify conflicts.service
# the remedies in the drop-in are the ones that work with this machine's
# libseccomp (asked directly here, not through autoseal)
parsable=$(python3 -c 'import ctypes; l = ctypes.CDLL("libseccomp.so.2"); print(1 if l.seccomp_syscall_resolve_name(b"mseal") >= 0 else 0)')
if [[ $parsable == 1 ]]; then
    expect "conflicts: drop-in allows mseal (libseccomp knows it)" grep -qx 'SystemCallFilter=mseal' "$conf"
else
    expect "conflicts: drop-in has SystemCallErrorNumber=EPERM (libseccomp cannot name mseal)" \
        grep -qx 'SystemCallErrorNumber=EPERM' "$conf"
    expect "conflicts: no SystemCallFilter=mseal that systemd would ignore" test -z "$(grep -x 'SystemCallFilter=mseal' "$conf")"
fi
expect "conflicts: drop-in re-allows the library's directory" grep -qx "ExecPaths=$libdir" "$conf"
expect "conflicts: verdict named: not-loaded today" grep -q "conflicts.service: not-loaded" "$tmp/err"

# The verify step really reads the drop-in: a broken copy must be reported.
cp "$conf" "$tmp/good.conf"
printf 'Environment="LD_PRELOAD=unterminated\nNotAKey=1\n' >>"$conf"
if SYSTEMD_UNIT_PATH="$units:" systemd-analyze verify "$units/conflicts.service" 2>&1 | grep -q 'autoseal.conf'; then
    ok "negative control: verify reports a broken drop-in"
else
    bad "negative control: verify did not read the drop-in"
fi
cp "$tmp/good.conf" "$conf"

# 2. --print of a plain unit given by path: no LD_PRELOAD before, no warnings.
"$tool" systemd --print "$units/plain.service" >"$tmp/out" 2>"$tmp/err"; rc=$?
expect "plain: printed (rc $rc)" test $rc -eq 0
expect "plain: LD_PRELOAD is the library alone" grep -qx "Environment=\"LD_PRELOAD=$lib\"" "$tmp/out"
expect "plain: default profile" grep -qx 'Environment="AUTOSEAL_OPTIONS=profile=default"' "$tmp/out"
expect "plain: no conflict warning" test -z "$(grep warning "$tmp/err")"
expect "plain: --print wrote nothing" test ! -e "$units/plain.service.d"
mkdir -p "$units/plain.service.d" && cp "$tmp/out" "$units/plain.service.d/autoseal.conf"
expect "plain: systemd-analyze verify passes" verify plain.service

# 3. JIT with MemoryDenyWriteExecute, deny-list with mseal, ExecPaths exception.
"$tool" systemd --dir "$units" --profile jit -o mode=audit jit.service >"$tmp/out" 2>"$tmp/err"; rc=$?
expect "jit: written (rc $rc)" test $rc -eq 0
expect "jit: warns about MemoryDenyWriteExecute with a JIT" grep -q 'MemoryDenyWriteExecute=yes together with a JIT' "$tmp/err"
expect "jit: warns about a deny-list with mseal" grep -q 'SystemCallFilter= denies mseal' "$tmp/err"
expect "jit: ExecPaths exception respected (no NoExecPaths warning)" test -z "$(grep NoExecPaths "$tmp/err")"
expect "jit: options merged" grep -qx 'Environment="AUTOSEAL_OPTIONS=profile=jit,mode=audit"' "$units/jit.service.d/autoseal.conf"

# 4. --root layout: ROOT/etc/systemd/system
root=$tmp/root
mkdir -p "$root/lib/systemd/system"
cp "$fix/plain.service" "$root/lib/systemd/system/rooted.service"
"$tool" systemd --root "$root" rooted >/dev/null 2>&1; rc=$?
expect "--root: drop-in under ROOT/etc/systemd/system (rc $rc)" test -f "$root/etc/systemd/system/rooted.service.d/autoseal.conf"

# 5. Errors
"$tool" systemd --dir "$units" missing.service >/dev/null 2>&1; rc=$?
expect "missing unit: exit 1 (got $rc)" test $rc -eq 1
"$tool" systemd --dir "$units" --profile nope plain >/dev/null 2>&1; rc=$?
expect "bad profile: exit 2 (got $rc)" test $rc -eq 2
"$tool" systemd >/dev/null 2>&1; rc=$?
expect "no unit: exit 2 (got $rc)" test $rc -eq 2
"$tool" systemd --root "$root" --dir "$units" plain >/dev/null 2>&1; rc=$?
expect "--root with --dir: exit 2 (got $rc)" test $rc -eq 2
"$tool" systemd --json plain >/dev/null 2>&1; rc=$?
expect "--json without --audit: exit 2 (got $rc)" test $rc -eq 2
"$tool" systemd --audit plain >/dev/null 2>&1; rc=$?
expect "--audit with a UNIT: exit 2 (got $rc)" test $rc -eq 2
if [[ ! -d /run/systemd/system ]]; then
    "$tool" systemd --audit >/dev/null 2>"$tmp/err"; rc=$?
    expect "--audit without a running systemd: exit 1 with a message (got $rc)" \
        bash -c "test $rc -eq 1 && grep -q 'needs a running systemd' '$tmp/err'"
fi

finish
