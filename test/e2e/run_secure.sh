#!/usr/bin/env bash
# Privileged programs (AT_SECURE: setuid here) ignore AUTOSEAL_OPTIONS and
# AUTOSEAL_CONFIG: only the system configuration counts.  The same program
# without the setuid bit obeys them (the control).
set -euo pipefail
prog=$1 lib=$2
[[ $(id -u) -eq 0 ]] || { echo "SKIP: needs root to make a setuid copy"; exit 77; }
command -v setpriv >/dev/null || { echo "FAIL: setpriv missing (util-linux)"; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
cp "$prog" "$tmp/prog"; cp "$lib" "$tmp/libautoseal.so"
chmod 755 "$tmp/prog" "$tmp/libautoseal.so"
printf 'mode = off\n' > "$tmp/off.conf"; chmod 644 "$tmp/off.conf"
asnobody() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }

# control: not privileged, the environment is obeyed
out=$(asnobody env AUTOSEAL_OPTIONS=mode=off "$tmp/prog" "$tmp/libautoseal.so")
[[ $out == "unsealed at_secure=0" ]] || { echo "FAIL control options: $out"; exit 1; }
out=$(asnobody env AUTOSEAL_CONFIG="$tmp/off.conf" "$tmp/prog" "$tmp/libautoseal.so")
[[ $out == "unsealed at_secure=0" ]] || { echo "FAIL control config: $out"; exit 1; }

# setuid root, run by nobody: AT_SECURE, the environment is ignored
chown root:root "$tmp/prog"; chmod 4755 "$tmp/prog"
out=$(asnobody env AUTOSEAL_OPTIONS=mode=off "$tmp/prog" "$tmp/libautoseal.so")
[[ $out == "sealed at_secure=1" ]] || { echo "FAIL setuid ignores AUTOSEAL_OPTIONS: $out"; exit 1; }
out=$(asnobody env AUTOSEAL_CONFIG="$tmp/off.conf" "$tmp/prog" "$tmp/libautoseal.so")
[[ $out == "sealed at_secure=1" ]] || { echo "FAIL setuid ignores AUTOSEAL_CONFIG: $out"; exit 1; }

# ... and does not leave them for its children (which are not AT_SECURE)
out=$(asnobody env AUTOSEAL_OPTIONS=mode=off AUTOSEAL_CONFIG="$tmp/off.conf" "$tmp/prog" "$tmp/libautoseal.so" env)
[[ $out == "sealed at_secure=1 options=gone config=gone" ]] ||
    { echo "FAIL setuid keeps AUTOSEAL_* for its children: $out"; exit 1; }

# exclude= and the main program: matched by its real path, never by the
# caller's argv[0], and never at all for a set-id program.  The system
# configuration is replaced inside a private mount namespace only.
if command -v unshare >/dev/null && unshare -m true 2>/dev/null; then
    mkdir -p "$tmp/etc" "$tmp/legacy"
    cp -a /etc/ld.so.cache "$tmp/etc/" 2>/dev/null || true
    cp "$tmp/prog" "$tmp/legacy/app"; chown root:root "$tmp/legacy/app"; chmod 755 "$tmp/legacy/app"
    printf 'exclude = %s/legacy/*\n' "$tmp" > "$tmp/etc/autoseal.conf"
    chmod 644 "$tmp/etc/autoseal.conf"
    inns() { unshare -m --propagation private sh -c 'mount --bind "$1/etc" /etc && shift && exec "$@"' sh "$tmp" "$@"; }
    # control: a plain program whose real path matches is excluded
    out=$(inns setpriv --reuid=65534 --regid=65534 --clear-groups -- "$tmp/legacy/app" "$tmp/libautoseal.so")
    [[ $out == "unsealed at_secure=0" ]] || { echo "FAIL control: excluded by real path: $out"; exit 1; }
    # argv[0] chosen by the caller does not exclude anything
    out=$(inns setpriv --reuid=65534 --regid=65534 --clear-groups -- \
        bash -c 'exec -a "$1" "$2" "$3"' sh "$tmp/legacy/app" "$tmp/prog" "$tmp/libautoseal.so")
    [[ $out == "sealed at_secure=1" ]] || { echo "FAIL argv[0] matching exclude= unsealed a setuid program: $out"; exit 1; }
    # a set-id program is never excluded, even at a matching real path
    chmod 4755 "$tmp/legacy/app"
    out=$(inns setpriv --reuid=65534 --regid=65534 --clear-groups -- "$tmp/legacy/app" "$tmp/libautoseal.so")
    [[ $out == "sealed at_secure=1" ]] || { echo "FAIL setuid program excluded by name: $out"; exit 1; }
else
    echo "FAIL: unshare -m unavailable (util-linux, root): the exclude= checks cannot run"; exit 1
fi
echo "PASS secure"
