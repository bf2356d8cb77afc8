#!/usr/bin/env bash
# autoseal config check: every problem of a configuration file reported
# with FILE:LINE by the library's own parser, non-zero exit on any problem,
# --env for AUTOSEAL_OPTIONS/AUTOSEAL_CONFIG, and `autoseal systemd`
# refusing to write a drop-in while the system file is bad.
# Usage: test_config_check.sh AUTOSEAL LIBAUTOSEAL SYSCONF_PATH
set -u
tool=$1 lib=$2 sysconf=$3
. "$(dirname "${BASH_SOURCE[0]}")/../lib/check.sh"
tmp=$(mktemp -d /tmp/autoseal-config-check.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
chmod 0755 "$tmp"

run() { # run ARGS...: rc, stdout in $tmp/out, stderr in $tmp/err
    rc=0
    timeout 30 "$tool" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
}

# 1. A valid file: exit 0, "ok", and the policy it gives a program.
cat >"$tmp/good.conf" <<'CONF'
# comment
profile = strict
[/usr/sbin/nginx]
mode = audit
CONF
chmod 0644 "$tmp/good.conf"
run config check --program /usr/sbin/nginx "$tmp/good.conf"
expect "good file: exit 0 (got $rc)" test "$rc" -eq 0
expect "good file: says ok" grep -qx "$tmp/good.conf: ok (1 section match /usr/sbin/nginx)" "$tmp/out"
expect "good file: policy shows the section and the profile" \
    grep -q "^policy for /usr/sbin/nginx: mode=audit,profile=strict,.*wx=deny" "$tmp/out"
expect "good file: nothing on stderr" test ! -s "$tmp/err"

# 2. A typo in a value, an unknown key, a bad value in a program section and
#    a bad section header: each reported with its line, exit 1.
cat >"$tmp/bad.conf" <<'CONF'
profile = stict
mode = enforce
foo = bar
[/usr/bin/x]
data = sael
[notapath]
log = stderr
CONF
chmod 0644 "$tmp/bad.conf"
run config check "$tmp/bad.conf"
expect "bad file: exit 1 (got $rc)" test "$rc" -eq 1
expect "bad file: profile=stict at line 1" grep -qx "$tmp/bad.conf:1: bad value 'stict' for key 'profile' (expected default|strict|jit)" "$tmp/err"
expect "bad file: unknown key at line 3" grep -qx "$tmp/bad.conf:3: unknown key 'foo'" "$tmp/err"
expect "bad file: bad value in a program section at line 5" grep -q "^$tmp/bad.conf:5: bad value 'sael' for key 'data'" "$tmp/err"
expect "bad file: bad section name at line 6" grep -q "^$tmp/bad.conf:6: section name must be" "$tmp/err"
expect "bad file: exactly 4 problem lines" test "$(grep -c "^$tmp/bad.conf:[0-9]*: " "$tmp/err")" -eq 4
expect "bad file: says what the library does with it" grep -q "4 problems: libautoseal ignores this file" "$tmp/err"
expect "bad file: nothing claims ok" test ! -s "$tmp/out"

# 3. The same parser as the library: the library, started with this file,
#    logs the same FILE:LINE problems (event=bad-config) and falls back.
env LD_PRELOAD="$lib" AUTOSEAL_CONFIG="$tmp/bad.conf" AUTOSEAL_OPTIONS=log=stderr /bin/true 2>"$tmp/liberr"
sed -n 's/.*event=bad-config msg="\(.*\)"$/\1/p' "$tmp/liberr" | grep "^$tmp/bad.conf:" | sort >"$tmp/libmsgs"
grep "^$tmp/bad.conf:[0-9]*: " "$tmp/err" | sort >"$tmp/climsgs"
expect "library and checker report the same problems" cmp -s "$tmp/libmsgs" "$tmp/climsgs"
[[ -s "$tmp/libmsgs" ]] || bad "the library logged no bad-config line: $(cat "$tmp/liberr")"

# 4. Missing, a directory, a FIFO: problems; usage errors: exit 2.
run config check "$tmp/missing.conf"
expect "missing file: exit 1 (got $rc)" test "$rc" -eq 1
expect "missing file: says so" grep -qx "$tmp/missing.conf: no such file" "$tmp/err"
run config check "$tmp"
expect "directory: exit 1 (got $rc)" test "$rc" -eq 1
mkfifo "$tmp/fifo"
run config check "$tmp/fifo"
expect "FIFO: exit 1, no hang (got $rc)" test "$rc" -eq 1
expect "FIFO: says so" grep -q "is a FIFO" "$tmp/err"
run config check a b
expect "two files: usage error (got $rc)" test "$rc" -eq 2
run config check --bogus
expect "unknown option: usage error (got $rc)" test "$rc" -eq 2
run config frobnicate
expect "unknown subcommand: usage error (got $rc)" test "$rc" -eq 2

# 5. --env: AUTOSEAL_OPTIONS, and the AUTOSEAL_CONFIG file.
rc=0; AUTOSEAL_OPTIONS='profile=stict,log=stderr,zz=1' "$tool" config check --env >"$tmp/out" 2>"$tmp/err" || rc=$?
expect "--env bad options: exit 1 (got $rc)" test "$rc" -eq 1
expect "--env: the typo" grep -qx "AUTOSEAL_OPTIONS: bad value 'stict' for key 'profile' (expected default|strict|jit)" "$tmp/err"
expect "--env: the unknown key" grep -qx "AUTOSEAL_OPTIONS: unknown key 'zz'" "$tmp/err"
rc=0; AUTOSEAL_OPTIONS='profile=strict,log=stderr' "$tool" config check --env --program /bin/true >"$tmp/out" 2>"$tmp/err" || rc=$?
expect "--env good options: exit 0 (got $rc)" test "$rc" -eq 0
expect "--env good options: ok" grep -qx "AUTOSEAL_OPTIONS: ok" "$tmp/out"
rc=0; AUTOSEAL_CONFIG="$tmp/bad.conf" "$tool" config check --env >"$tmp/out" 2>"$tmp/err" || rc=$?
expect "--env: checks the AUTOSEAL_CONFIG file (rc $rc)" test "$rc" -eq 1
expect "--env: its problems with lines" grep -q "^$tmp/bad.conf:1: " "$tmp/err"

# 6. The system file under --root: ownership and mode as the library demands,
#    and `autoseal systemd` refuses to enable anything while it is bad.
root=$tmp/root
mkdir -p "$root$(dirname "$sysconf")" "$root/lib/systemd/system"
printf '[Unit]\nDescription=x\n[Service]\nExecStart=/bin/true\n' >"$root/lib/systemd/system/svc.service"
run config check --root "$root"
expect "--root, no system file: fine (got $rc)" test "$rc" -eq 0
cp "$tmp/good.conf" "$root$sysconf"
chmod 0664 "$root$sysconf"
run config check --root "$root"
expect "--root, group-writable system file: exit 1 (got $rc)" test "$rc" -eq 1
expect "--root: says why" grep -q "writable by group or others" "$tmp/err"
chmod 0644 "$root$sysconf"
run config check --root "$root"
expect "--root, good system file: exit 0 (got $rc)" test "$rc" -eq 0
cp "$tmp/bad.conf" "$root$sysconf"
run systemd --root "$root" svc
expect "systemd with a bad system file: exit 1 (got $rc)" test "$rc" -eq 1
expect "systemd: no drop-in written" test ! -e "$root/etc/systemd/system/svc.service.d/autoseal.conf"
expect "systemd: the problems are shown" grep -q "^$root$sysconf:1: bad value 'stict'" "$tmp/err"
cp "$tmp/good.conf" "$root$sysconf"
run systemd --root "$root" svc
expect "systemd with a good system file: drop-in written (rc $rc)" test "$rc" -eq 0 -a -f "$root/etc/systemd/system/svc.service.d/autoseal.conf"

finish
