#!/usr/bin/env bash
# autoseal enable/disable --system against a scratch root (--root DIR): the
# refusals leave the file untouched, disable removes exactly the entry.
# (The whole enable path, with programs run through the file, is in the
# Debian 12 chroot of test/package/test_debian.sh.)
# usage: test_enable.sh TOOL LIBRARY
set -u
tool=$1 lib=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/../lib/check.sh"
# Safety net: as root, the tool runs where the host's /etc is read-only, so
# a bug that ignored --root could not change the real /etc/ld.so.preload.
if [[ $(id -u) -eq 0 ]] && command -v unshare >/dev/null; then
    realtool=$tool
    tool=$tmp/tool
    printf '#!/bin/sh\nexec unshare --mount --propagation private sh -c '"'"'mount --bind /etc /etc && mount -o remount,bind,ro /etc && exec "$0" "$@"'"'"' "%s" "$@"\n' "$realtool" >"$tool"
    chmod +x "$tool"
fi
root=$tmp/root
entry=/usr/lib/autoseal-test/libautoseal.so
mkdir -p "$root/etc" "$root/usr/lib/autoseal-test"
cp "$lib" "$root$entry"
chmod 0644 "$root$entry"
preload=$root/etc/ld.so.preload

"$tool" enable --root "$root" --library "$entry" >/dev/null 2>&1
expect "enable without --system: usage error (2)" test $? -eq 2
"$tool" enable --system --root "$root" --library relative.so >/dev/null 2>&1
expect "a relative entry: usage error (2)" test $? -eq 2
"$tool" enable --system --root "$tmp/missing" >/dev/null 2>&1
expect "a missing --root: usage error (2)" test $? -eq 2

# a bad system configuration: nothing is enabled (the file untouched)
printf 'profile = stict\n' >"$root/etc/autoseal.conf"
chmod 0644 "$root/etc/autoseal.conf"
printf '/usr/lib/other.so' >"$preload"
cp "$preload" "$tmp/orig"
out=$("$tool" enable --system --root "$root" --library "$entry" 2>&1); rc=$?
expect "enable refused while the configuration is bad: exit 1" test $rc -eq 1
expect "... the problem is named with its line" grep -q "autoseal.conf:1: bad value 'stict'" <<<"$out"
expect "... file untouched, no backup" cmp -s "$preload" "$tmp/orig"
rm -f "$root/etc/autoseal.conf" "$preload.autoseal-bak"

# the scratch root has no /bin/true: the library cannot be shown to load
printf '/usr/lib/other.so' >"$preload"
cp "$preload" "$tmp/orig"
out=$("$tool" enable --system --root "$root" --library "$entry" 2>&1); rc=$?
expect "enable refused when the library is not shown to load: exit 1 ($out)" test $rc -eq 1
expect "... file untouched" cmp -s "$preload" "$tmp/orig"
expect "... no backup written" test ! -e "$preload.autoseal-bak"
chmod 0666 "$root$entry"
out=$("$tool" enable --system --root "$root" --library "$entry" 2>&1); rc=$?
expect "enable refused for a library others can write: exit 1 ($out)" \
    test $rc -eq 1 -a -n "$(grep -e 'writable by group or others' -e 'not owned by root' <<<"$out")"
chmod 0644 "$root$entry"
ln -s ld.so.preload "$root/etc/link"
mv "$preload" "$root/etc/real"; ln -s real "$preload"
out=$("$tool" enable --system --root "$root" --library "$entry" 2>&1); rc=$?
expect "a symbolic link is refused, not replaced: exit 1 ($out)" test $rc -eq 1 -a -L "$preload"
rm "$preload" "$root/etc/link"; mv "$root/etc/real" "$preload"

# disable: hand-written entries, the rest kept byte for byte
printf '# site\n/usr/lib/a.so %s:/usr/lib/b.so\n%s\n/usr/lib/c.so' "$entry" "$entry" >"$preload"
out=$("$tool" disable --system --root "$root" --library "$entry" 2>&1); rc=$?
expect "disable: exit 0 ($out)" test $rc -eq 0
expect "disable: exactly the entries gone" \
    test "$(cat "$preload")" = "$(printf '# site\n/usr/lib/a.so :/usr/lib/b.so\n/usr/lib/c.so')"
expect "disable: backup holds the file before" grep -q "^$entry\$" "$preload.autoseal-bak"
cp "$preload" "$tmp/after"
out=$("$tool" disable --system --root "$root" --library "$entry" 2>&1); rc=$?
expect "disable again: exit 0, nothing changed ($out)" test $rc -eq 0 -a "$(cmp -s "$preload" "$tmp/after"; echo $?)" = 0
finish
