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
echo "PASS secure"
