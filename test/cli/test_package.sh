#!/usr/bin/env bash
# Build the Debian package (cpack -G DEB, prefix /usr), unpack it into a
# temporary root with dpkg -x (nothing installed system-wide, /etc/ld.so.preload
# untouched) and run the unpacked tool on real programs.
# Usage: test_package.sh SLEEPER
set -u
sleeper=$1
src=$(cd "$(dirname "$0")/../.." && pwd)
fails=0
ok() { echo "ok    $*"; }
bad() { echo "FAIL  $*"; fails=$((fails + 1)); }
expect() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
for t in cpack dpkg-deb dpkg-shlibdeps; do
    command -v $t >/dev/null || { echo "FAIL: $t missing (see scripts/packages/cli.txt)"; exit 1; }
done
tmp=$(mktemp -d /tmp/autoseal-pkg.XXXXXX)
pid=
cleanup() { [[ -n $pid ]] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
preload_before=$(cat /etc/ld.so.preload 2>/dev/null || true)

# A package build of its own, configured like a distribution would.
cmake -S "$src" -B "$tmp/build" -DCMAKE_INSTALL_PREFIX=/usr -DBUILD_TESTING=OFF \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$tmp/cmake.log" 2>&1 || { cat "$tmp/cmake.log"; exit 1; }
cmake --build "$tmp/build" -j2 >"$tmp/build.log" 2>&1 || { tail -30 "$tmp/build.log"; exit 1; }
(cd "$tmp/build" && cpack -G DEB) >"$tmp/cpack.log" 2>&1 || { cat "$tmp/cpack.log"; exit 1; }
deb=$(find "$tmp/build/packages" -name "autoseal_*.deb" 2>/dev/null | head -1)
expect "cpack -G DEB made a package ($deb)" test -f "$deb"
dpkg-deb -c "$deb" >"$tmp/contents"
libdir=$(grep -o '\./usr/lib/[^ ]*/autoseal/libautoseal.so$' "$tmp/contents" | sed 's/^\.//')
expect "package holds the library in a private directory ($libdir)" test -n "$libdir"
expect "package holds the tool" grep -q '\./usr/bin/autoseal$' "$tmp/contents"
expect "package holds the man page" grep -q '\./usr/share/man/man1/autoseal.1' "$tmp/contents"
if [[ -f $src/docs/autoseal.conf.example ]]; then
    expect "package holds the example config" grep -q 'autoseal.conf.example' "$tmp/contents"
fi
expect "package depends on libelf1" test -n "$(dpkg-deb -f "$deb" Depends | grep libelf1)"
expect "package installs nothing into /etc/ld.so.preload" test -z "$(grep 'ld.so.preload' "$tmp/contents")"

root=$tmp/root
dpkg -x "$deb" "$root"
tool=$root/usr/bin/autoseal
expect "unpacked tool runs" "$tool" --version
# The compiled-in library path is the one the package installs.
expect "tool's compiled-in library path is $libdir" grep -qa "$libdir" "$tool"
"$tool" probe --json >"$tmp/probe.json"
found=$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(j["library"]["found_by"], j["library"]["path"], j["library"]["loads"])' "$tmp/probe.json")
expect "unpacked tool uses its own library ($found)" test "$found" = "relocated $root$libdir True"

unset LD_PRELOAD AUTOSEAL_OPTIONS
out=$("$tool" run -o log=stderr -o loglevel=info -- /bin/true 2>&1); rc=$?
expect "autoseal run -- /bin/true: exit 0 and startup line ($out)" test $rc -eq 0 -a -n "$(grep 'event=startup' <<<"$out")"

# status of a sleeping process started by the unpacked tool
coproc SLP { exec "$tool" run -o ldso-relro=all -- "$sleeper"; }
pid=$SLP_PID
read -r line <&"${SLP[0]}"
expect "sleeper ready ($line)" test "$line" = ready
"$tool" status --json --require-sealed "$pid" >"$tmp/status.json"; rc=$?
res=$(python3 -c 'import json,sys; p=json.load(open(sys.argv[1]))["processes"][0]; print(p["autoseal_loaded"], p["nonwritable_image"]["percent"], [o["path"] for o in p["objects"] if "libautoseal" in o["path"]])' "$tmp/status.json")
expect "status of the sleeping process: loaded, 100% non-writable sealed, rc 0 ($res, rc $rc)" \
    test "$res" = "True 100.0 ['$root$libdir']" -a $rc -eq 0
eval "exec ${SLP[1]}>&-"
wait "$pid" 2>/dev/null
pid=
expect "/etc/ld.so.preload unchanged" test "$(cat /etc/ld.so.preload 2>/dev/null || true)" = "$preload_before"
echo "$fails failed"
test $fails -eq 0
