#!/usr/bin/env bash
# The Debian packages, the way a distribution builds and a user installs them:
#   1. dpkg-buildpackage -us -uc -b in a clean copy of the source tree
#   2. contents of autoseal, libautoseal-api0, libautoseal-dev
#   3. lintian: no error and no warning (explained ones are overridden in debian/)
#   4. hardening-check on the installed executables and libraries
#   5. a Debian 12 chroot (scripts/debian-root.sh): dpkg -i, the installed tool
#      runs a real program, whose seals are checked from outside in smaps
#   6. the installed autoseal.pc, used from outside the chroot (relocatable)
# Everything happens in a temporary directory and a private mount namespace;
# the host's /etc is never touched (its /etc/ld.so.preload is compared).
# usage: test_debian.sh SOURCE_DIR
set -u
src=$(cd "$1" && pwd)
fails=0
ok() { echo "ok    $*"; }
bad() { echo "FAIL  $*"; fails=$((fails + 1)); }
expect() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
die() { echo "FAIL  $*"; echo "$((fails + 1)) failed"; exit 1; }
[[ $(id -u) -eq 0 ]] || die "needs root (chroot, dpkg -i into the chroot)"
for t in dpkg-buildpackage dh lintian hardening-check fakeroot unshare chroot python3; do
    command -v $t >/dev/null || die "$t missing (scripts/packages/package.txt)"
done
tmp=$(mktemp -d /tmp/autoseal-deb.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"; }
trap cleanup EXIT
host_preload=$(cat /etc/ld.so.preload 2>/dev/null; echo "rc=$?")
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
pkglib=/usr/lib/$multiarch/autoseal/libautoseal.so

# 1. build from a clean tree: only the files git knows (no build directories)
mkdir -p "$tmp/src"
if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
    (cd "$src" && git ls-files -co --exclude-standard -z | tar --null -T - -cf -) | tar -xf - -C "$tmp/src"
else
    tar -C "$src" --exclude='./build*' -cf - . | tar -xf - -C "$tmp/src"
fi
(cd "$tmp/src" && dpkg-buildpackage -us -uc -b -j2) >"$tmp/build.log" 2>&1 ||
    { tail -n 40 "$tmp/build.log"; die "dpkg-buildpackage -us -uc -b failed"; }
ok "dpkg-buildpackage -us -uc -b"
deb() { ls "$tmp"/"$1"_*.deb 2>/dev/null | head -n1; }
tool_deb=$(deb autoseal) api_deb=$(deb libautoseal-api0) dev_deb=$(deb libautoseal-dev)
for d in tool_deb api_deb dev_deb; do
    [[ -f ${!d} ]] || die "package missing ($d)"
done

# 2. contents
has() { dpkg-deb -c "$1" | awk '{print $6}' | grep -qx "./${2#/}"; }
expect "autoseal: the tool" has "$tool_deb" /usr/bin/autoseal
expect "autoseal: the preload library in its private directory" has "$tool_deb" "$pkglib"
expect "autoseal: autoseal(1)" has "$tool_deb" /usr/share/man/man1/autoseal.1.gz
expect "autoseal: autoseal.conf(5)" has "$tool_deb" /usr/share/man/man5/autoseal.conf.5.gz
expect "autoseal: the example configuration" has "$tool_deb" /usr/share/doc/autoseal/autoseal.conf.example
expect "autoseal: copyright" has "$tool_deb" /usr/share/doc/autoseal/copyright
expect "libautoseal-api0: the shared library" has "$api_deb" "/usr/lib/$multiarch/libautoseal-api.so.0"
for f in /usr/include/autoseal.h "/usr/lib/$multiarch/libautoseal-api.so" "/usr/lib/$multiarch/libautoseal-api.a" \
         "/usr/lib/$multiarch/pkgconfig/autoseal.pc" "/usr/lib/$multiarch/autoseal/autoseal-api.ld" \
         "/usr/lib/$multiarch/cmake/autoseal/autoseal-config.cmake" \
         "/usr/lib/$multiarch/cmake/autoseal/autoseal-config-version.cmake"; do
    expect "libautoseal-dev: $f" has "$dev_deb" "$f"
done
expect "autoseal depends on libelf1" grep -q libelf1 <<<"$(dpkg-deb -f "$tool_deb" Depends)"
expect "libautoseal-dev depends on the exact libautoseal-api0" \
    grep -q "libautoseal-api0 (= " <<<"$(dpkg-deb -f "$dev_deb" Depends)"
expect "libautoseal-api0 has shlibs and symbols" \
    test -n "$(dpkg-deb -I "$api_deb" shlibs)" -a -n "$(dpkg-deb -I "$api_deb" symbols)"
expect "libautoseal-api0 activates the ldconfig trigger" grep -q ldconfig <<<"$(dpkg-deb -I "$api_deb" triggers)"
expect "no package ships /etc/ld.so.preload" \
    test -z "$(for d in "$tool_deb" "$api_deb" "$dev_deb"; do dpkg-deb -c "$d"; done | grep ld.so.preload)"

# 3. lintian
lintian --fail-on error,warning --display-info "$tmp"/*.changes >"$tmp/lintian.log" 2>&1
rc=$?
grep -E '^[EW]:' "$tmp/lintian.log"
expect "lintian: no errors, no warnings (rc $rc)" test $rc -eq 0

# 4. hardening (CET: Debian 12's start files carry no CET note, see docs/development.md)
mkdir -p "$tmp/x"
for d in "$tool_deb" "$api_deb"; do dpkg-deb -x "$d" "$tmp/x"; done
for f in /usr/bin/autoseal "$pkglib" "/usr/lib/$multiarch/libautoseal-api.so.0"; do
    out=$(hardening-check --nocfprotection "$tmp/x$f" 2>&1)
    expect "hardening-check $f" test $? -eq 0 || echo "$out"
done

# 5. install into a Debian 12 chroot and run a real program there
root=$tmp/root
"$src/scripts/debian-root.sh" pkgtest "$root" libelf1 >"$tmp/root.log" 2>&1 ||
    { cat "$tmp/root.log"; die "debian-root.sh failed"; }
# inroot CMD...: CMD inside the chroot, with its own /proc, in a private mount namespace
inroot() {
    unshare --mount --propagation private -- \
        sh -c 'mount -t proc proc "$0/proc" && exec chroot "$0" "$@"' "$root" "$@"
}
mkdir -p "$root/tmp/debs"
cp "$tool_deb" "$api_deb" "$dev_deb" "$root/tmp/debs/"
inroot sh -c 'dpkg -i /tmp/debs/*.deb' >"$tmp/dpkg.log" 2>&1
expect "dpkg -i of the three packages in the chroot" test $? -eq 0 || cat "$tmp/dpkg.log"
expect "dpkg says all three are installed" \
    test "$(inroot dpkg-query -W -f='${Status}\n' autoseal libautoseal-api0 libautoseal-dev | grep -c 'install ok installed')" = 3
expect "installed tool runs" inroot autoseal --version
out=$(inroot autoseal probe --json)
found=$(python3 -c 'import json,sys; j=json.loads(sys.argv[1]); print(j["library"]["path"], j["library"]["found_by"], j["library"]["loads"], j["config"]["path"], j["config"]["from"])' "$out")
expect "probe in the chroot: installed library loads, reads /etc/autoseal.conf ($found)" \
    test "$found" = "$pkglib installed True /etc/autoseal.conf library"

out=$(inroot autoseal run -o log=stderr -o loglevel=info -- /bin/true 2>&1); rc=$?
expect "autoseal run -- /bin/true: exit 0, startup line ($out)" test $rc -eq 0 -a -n "$(grep 'event=startup' <<<"$out")"

# a sleeping program started by the installed tool, checked from outside
# (ldso-relro=all: also the one ld.so page the default profile leaves)
pid=$(inroot sh -c 'autoseal run -o ldso-relro=all -- sleep 300 </dev/null >/dev/null 2>/tmp/sleep.err & echo $!')
pids+=("$pid")
for _ in $(seq 300); do
    grep -q "$root$pkglib" "/proc/$pid/maps" 2>/dev/null && [[ $(readlink "/proc/$pid/exe") == "$root/usr/bin/sleep" ]] && break
    sleep 0.1
done
expect "sleep in the chroot runs with the installed library" \
    python3 "$src/test/package/smaps_sealed.py" "$pid" "$root$pkglib" "$root/usr/bin/sleep" "/libc.so.6" "/ld-linux-x86-64.so.2"
expect "the installed tool's status agrees (--require-sealed)" inroot autoseal status --require-sealed "$pid"
expect "nothing on the program's stderr" test ! -s "$root/tmp/sleep.err"
kill "$pid" 2>/dev/null

# 6. the installed autoseal.pc is relocatable: use it from outside the chroot
export PKG_CONFIG_LIBDIR=$root/usr/lib/$multiarch/pkgconfig PKG_CONFIG_PATH=
inc=$(pkg-config --variable=includedir autoseal)
expect "autoseal.pc resolves into the chroot ($inc)" test "$(realpath -m "$inc")" = "$root/usr/include"
if cc -O2 $(pkg-config --cflags autoseal) -o "$tmp/seal_config" "$src/examples/seal_config.c" \
      $(pkg-config --libs autoseal) 2>"$tmp/cc.log"; then
    expect "example built against the packaged files runs" \
        env LD_LIBRARY_PATH="$root/usr/lib/$multiarch" "$tmp/seal_config" --strict
else
    cat "$tmp/cc.log"; bad "example builds with the packaged autoseal.pc"
fi

expect "host /etc/ld.so.preload untouched" test "$(cat /etc/ld.so.preload 2>/dev/null; echo "rc=$?")" = "$host_preload"
echo "$fails failed"
test $fails -eq 0
