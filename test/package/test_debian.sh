#!/usr/bin/env bash
# The Debian packages, the way a distribution builds and a user installs them:
#   1. apt-get build-dep ./ and dpkg-buildpackage -us -uc -b in a clean copy
#      of the source tree, on a fresh Debian 12 root with build-essential only
#   2. contents of autoseal, libautoseal-api0, libautoseal-dev
#   3. lintian: no error and no warning (explained ones are overridden in debian/)
#   4. hardening-check on the installed executables and libraries
#   5. a Debian 12 chroot (scripts/debian-root.sh): dpkg -i, the installed tool
#      runs a real program, whose seals are checked from outside in smaps
#   6. the installed autoseal.pc, used from outside the chroot (relocatable)
#   7. autoseal enable/disable --system in the chroot next to an unrelated
#      entry, --root from outside, dpkg -r and --purge while enabled:
#      /etc/ld.so.preload byte for byte as before, no ld.so complaint ever
# Everything happens in a temporary directory and a private mount namespace;
# the host's /etc is never touched (its /etc/ld.so.preload is compared).
# usage: test_debian.sh SOURCE_DIR
set -u
src=$(cd "$1" && pwd)
. "$(dirname "${BASH_SOURCE[0]}")/../lib/check.sh"
die() { echo "FAIL  $*"; echo "$((fails + 1)) failed"; exit 1; }
[[ $(id -u) -eq 0 ]] || die "needs root (chroot, dpkg -i into the chroot)"
for t in lintian hardening-check unshare chroot python3 cc pkg-config; do
    command -v $t >/dev/null || die "$t missing (scripts/packages/package.txt)"
done
tmp=$(mktemp -d /tmp/autoseal-deb.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"; }
trap cleanup EXIT
host_preload=$(cat /etc/ld.so.preload 2>/dev/null; echo "rc=$?")
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
pkglib=/usr/lib/$multiarch/autoseal/libautoseal.so

# inchroot DIR CMD...: CMD inside DIR, with its own /proc, in a private mount namespace
inchroot() {
    local dir=$1; shift
    unshare --mount --propagation private -- \
        sh -c 'mount -t proc proc "$0/proc" && exec chroot "$0" "$@"' "$dir" "$@"
}

# 1. build from a clean tree (only the files git knows) on a fresh Debian 12
#    with nothing but build-essential: apt-get build-dep proves Build-Depends
broot=$tmp/buildroot
"$src/scripts/debian-root.sh" builder "$broot" build-essential >"$tmp/broot.log" 2>&1 ||
    { cat "$tmp/broot.log"; die "debian-root.sh builder failed"; }
mkdir -p "$broot/build/autoseal"
if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
    (cd "$src" && git ls-files -co --exclude-standard -z | tar --null -T - -cf -) | tar -xf - -C "$broot/build/autoseal"
else
    tar -C "$src" --exclude='./build*' -cf - . | tar -xf - -C "$broot/build/autoseal"
fi
inchroot "$broot" sh -c 'export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=900 update -qq &&
    apt-get -o DPkg::Lock::Timeout=900 build-dep -y -qq --no-install-recommends /build/autoseal/' \
    >"$tmp/builddep.log" 2>&1 || { tail -n 30 "$tmp/builddep.log"; die "apt-get build-dep ./ failed"; }
ok "apt-get build-dep ./ on a fresh Debian 12 (build-essential only)"
inchroot "$broot" sh -c 'cd /build/autoseal && dpkg-buildpackage -us -uc -b -j2' >"$tmp/build.log" 2>&1 ||
    { tail -n 40 "$tmp/build.log"; die "dpkg-buildpackage -us -uc -b failed"; }
ok "dpkg-buildpackage -us -uc -b"
cp "$broot"/build/*.deb "$broot"/build/*.changes "$broot"/build/*.buildinfo "$tmp/"
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
inroot() { inchroot "$root" "$@"; }
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

# 7. enable / disable --system in the chroot, with an unrelated entry already there
cat >"$tmp/unrelated.c" <<'C'
int unrelated_preload_marker(void) { return 42; }
C
mkdir -p "$root/usr/local/lib"
cc -shared -fPIC -o "$root/usr/local/lib/unrelated.so" "$tmp/unrelated.c"
printf '# site preloads\n/usr/local/lib/unrelated.so' >"$root/etc/ld.so.preload" # no final newline
cp "$root/etc/ld.so.preload" "$tmp/preload.orig"
preload=$root/etc/ld.so.preload
same_as_orig() { cmp -s "$preload" "$tmp/preload.orig"; }
count_entry() { tr ' \t:' '\n\n\n' <"$preload" | grep -cx "$pkglib"; }
# run CMD in the chroot without LD_PRELOAD; its stderr must stay empty
quiet_in_root() {
    local err
    err=$(inroot env -u LD_PRELOAD "$@" 2>&1 >/dev/null)
    [[ -z $err ]] || { echo "stderr of $*: $err"; return 1; }
}
# start_sleeper: a sleep started in the chroot without LD_PRELOAD; prints its pid
start_sleeper() {
    local p
    p=$(inroot sh -c 'env -u LD_PRELOAD sleep 300 </dev/null >/dev/null 2>/tmp/sleep.err & echo $!')
    pids+=("$p")
    for _ in $(seq 300); do
        [[ $(readlink "/proc/$p/exe") == "$root/usr/bin/sleep" ]] && grep -q unrelated.so "/proc/$p/maps" 2>/dev/null && break
        sleep 0.1
    done
    echo "$p"
}

out=$(inroot autoseal enable --system 2>&1); rc=$?
expect "enable --system: exit 0 ($out)" test $rc -eq 0
expect "enable: one entry for the library" test "$(count_entry)" = 1
expect "enable: the unrelated entry and comment kept byte for byte" \
    cmp -s -n "$(stat -c %s "$tmp/preload.orig")" "$preload" "$tmp/preload.orig"
expect "enable: backup is the file before" cmp -s "$root/etc/ld.so.preload.autoseal-bak" "$tmp/preload.orig"
cp "$preload" "$tmp/preload.enabled"
out=$(inroot autoseal enable --system 2>&1); rc=$?
expect "enable again: exit 0, file unchanged ($out)" test $rc -eq 0 -a "$(cmp -s "$preload" "$tmp/preload.enabled"; echo $?)" = 0
expect "programs run without a word from ld.so: true" quiet_in_root /bin/true
expect "programs run without a word from ld.so: ls" quiet_in_root ls /usr/bin
expect "programs run without a word from ld.so: dpkg -l" quiet_in_root dpkg -l autoseal
pid=$(start_sleeper)
expect "a program started without LD_PRELOAD is sealed through /etc/ld.so.preload (smaps)" \
    python3 "$src/test/package/smaps_sealed.py" "$pid" "$root$pkglib" "$root/usr/bin/sleep" "/libc.so.6"
expect "... and still loads the unrelated entry" grep -q "$root/usr/local/lib/unrelated.so" "/proc/$pid/maps"
kill "$pid" 2>/dev/null

# refused: a file that is not a library; a library others can write
echo "not a library" >"$root/usr/local/lib/notelf.so"
install -m 0666 "$root$pkglib" "$root/usr/local/lib/writable.so"
out=$(inroot autoseal disable --system 2>&1)
cp "$preload" "$tmp/preload.before-bad"
for bad in /usr/local/lib/notelf.so /usr/local/lib/writable.so; do
    out=$(inroot autoseal enable --system --library "$bad" 2>&1); rc=$?
    expect "enable --library $bad refused: exit 1, file unchanged ($out)" \
        test $rc -eq 1 -a "$(cmp -s "$preload" "$tmp/preload.before-bad"; echo $?)" = 0
done

out=$(inroot autoseal disable --system 2>&1); rc=$?
expect "disable --system when not enabled: exit 0 ($out)" test $rc -eq 0
expect "disable: /etc/ld.so.preload exactly as before" same_as_orig
pid=$(start_sleeper)
expect "after disable a new program has no autoseal" test -z "$(grep libautoseal "/proc/$pid/maps")"
kill "$pid" 2>/dev/null

# --root from outside (the chroot's own tool run on the host)
out=$("$root/usr/bin/autoseal" enable --system --root "$root" 2>&1); rc=$?
expect "enable --system --root DIR from outside: exit 0 ($out)" test $rc -eq 0 -a "$(count_entry)" = 1
expect "programs in the root run quietly" quiet_in_root /bin/true

# removal while enabled: prerm takes the entry out before the library goes
out=$(inroot dpkg -r autoseal 2>&1); rc=$?
expect "dpkg -r autoseal while enabled: exit 0" test $rc -eq 0
echo "$out" | sed 's/^/    dpkg: /'
expect "no ld.so complaint during the removal" test -z "$(grep -E 'ERROR: ld.so|cannot be preloaded' <<<"$out")"
expect "dpkg -r: library gone" test ! -e "$root$pkglib"
expect "dpkg -r: /etc/ld.so.preload exactly as before" same_as_orig
expect "after removal programs run quietly" quiet_in_root /bin/true
out=$(inroot dpkg --purge autoseal 2>&1); rc=$?
expect "dpkg --purge: exit 0, backup gone" test $rc -eq 0 -a ! -e "$root/etc/ld.so.preload.autoseal-bak"
expect "dpkg --purge: /etc/ld.so.preload exactly as before" same_as_orig

# no file before: enable creates it, purge leaves no file behind
rm -f "$preload"
inroot sh -c 'dpkg -i /tmp/debs/autoseal_*.deb' >"$tmp/dpkg2.log" 2>&1 || { cat "$tmp/dpkg2.log"; bad "dpkg -i again"; }
out=$(inroot autoseal enable --system 2>&1); rc=$?
expect "enable without a file: exit 0, file holds the entry only ($out)" \
    test $rc -eq 0 -a "$(cat "$preload")" = "$pkglib"
expect "... programs run quietly" quiet_in_root /bin/true
out=$(inroot dpkg --purge autoseal 2>&1); rc=$?
expect "dpkg --purge while enabled: exit 0, no ld.so complaint" test $rc -eq 0 -a -z "$(grep -E 'ERROR: ld.so|cannot be preloaded' <<<"$out")"
expect "dpkg --purge: no /etc/ld.so.preload (there was none)" test ! -e "$preload"
expect "after purge programs run quietly" quiet_in_root /bin/true

expect "host /etc/ld.so.preload untouched" test "$(cat /etc/ld.so.preload 2>/dev/null; echo "rc=$?")" = "$host_preload"
finish
