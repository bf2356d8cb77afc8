#!/usr/bin/env bash
# Install the build into a staging prefix that is NOT the configured one
# (cmake --install --prefix), then build the example the way an outside
# project would:
#   1. with `pkg-config --cflags --libs autoseal` only (no --define-variable:
#      the .pc file must find its own prefix), against the shared library
#      and against the static archive;
#   2. with find_package(autoseal) and the imported targets autoseal::api
#      and autoseal::api_static; a request for version 1.0 must fail.
# Every program must come from the staging prefix (header and library
# checked), run, and pass the section layout check.
#
# usage: pkgconfig_test.sh BUILD_DIR SOURCE_DIR PAGESIZE
set -euo pipefail
build=$1 src=$2 ps=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

prefix=$tmp/stage
cmake --install "$build" --prefix "$prefix" >/dev/null
# nothing of the build's own prefix may be needed: move the tree once more
mv "$prefix" "$tmp/moved"
prefix=$tmp/moved
pc=$(find "$prefix" -name autoseal.pc -path '*/pkgconfig/*' | head -n1)
[[ -n "$pc" ]] || fail "autoseal.pc not installed"
[[ -f "$prefix/include/autoseal.h" ]] || fail "header not installed"
export PKG_CONFIG_PATH=$(dirname "$pc")
export PKG_CONFIG_LIBDIR=$PKG_CONFIG_PATH   # no system .pc files

inside() { # PATH: resolved path is under the staging prefix
    local r
    r=$(realpath -m "$1")
    [[ $r == "$prefix"/* ]]
}
cflags=$(pkg-config --cflags autoseal)
libs=$(pkg-config --libs autoseal)
libdir=$(pkg-config --variable=libdir autoseal)
includedir=$(pkg-config --variable=includedir autoseal)
ldscript=$(pkg-config --variable=ldscript autoseal)
echo "cflags: $cflags"
echo "libs:   $libs"
for v in libdir includedir ldscript; do
    inside "${!v}" || fail "pkg-config $v=${!v} is not in the staging prefix $prefix"
done
[[ -f "$ldscript" ]] || fail "linker script $ldscript not installed"
[[ -L "$libdir/libautoseal-api.so" && -e "$libdir/libautoseal-api.so.0" ]] ||
    fail "library symlinks missing in $libdir"

# The library exports the API and nothing else (no preload code).
extra=$(nm -D --defined-only "$libdir/libautoseal-api.so.0" | awk '{print $3}' |
        grep -v -E '^(autoseal_[a-z_]+@@AUTOSEAL_API_1|AUTOSEAL_API_1)$' || true)
[[ -z "$extra" ]] || fail "unexpected exports: $extra"
readelf -dW "$libdir/libautoseal-api.so.0" | grep -q 'SONAME.*\[libautoseal-api\.so\.0\]' ||
    fail "SONAME"

# header_from DEPFILE: the autoseal.h the compiler used came from the prefix
header_from() {
    local h
    h=$(tr ' \\' '\n\n' <"$1" | grep '/autoseal\.h$' | head -n1)
    inside "$h" || fail "compiled against $h, not the staged header"
}
needs_api() { # BINARY: DT_NEEDED libautoseal-api.so.0, resolved inside the prefix
    readelf -dW "$1" | grep -q 'NEEDED.*\[libautoseal-api\.so\.0\]' ||
        fail "$1 not linked against libautoseal-api.so.0"
    local so
    so=$(LD_LIBRARY_PATH=${2:-} ldd "$1" | awk '/libautoseal-api/ {print $3}')
    inside "$so" || fail "$1 loads libautoseal-api from '$so'"
}

echo "== pkg-config, shared"
cc -O2 -Wl,-z,relro,-z,now $cflags -MD -MF "$tmp/pc.d" -o "$tmp/seal_config" \
    "$src/examples/seal_config.c" $libs
header_from "$tmp/pc.d"
needs_api "$tmp/seal_config" "$libdir"
LD_LIBRARY_PATH=$libdir "$tmp/seal_config" --strict
python3 "$src/test/api/check_layout.py" "$ps" "$tmp/seal_config"

echo "== pkg-config, static"
[[ -f "$libdir/libautoseal-api.a" ]] || fail "static archive not installed"
cc -O2 -Wl,-z,relro,-z,now $(pkg-config --cflags --static autoseal) -o "$tmp/seal_config_static" \
    "$src/examples/seal_config.c" "$libdir/libautoseal-api.a" -Wl,-T,"$ldscript"
if readelf -dW "$tmp/seal_config_static" | grep -q 'libautoseal-api'; then
    fail "static build still needs the shared library"
fi
"$tmp/seal_config_static" --strict
python3 "$src/test/api/check_layout.py" "$ps" "$tmp/seal_config_static"

echo "== find_package"
mkdir -p "$tmp/consumer"
cat >"$tmp/consumer/CMakeLists.txt" <<CM
cmake_minimum_required(VERSION 3.25)
project(consumer C)
find_package(autoseal \${WANT} REQUIRED CONFIG)
message(STATUS "autoseal_DIR=\${autoseal_DIR} autoseal_VERSION=\${autoseal_VERSION}")
add_executable(seal_config "$src/examples/seal_config.c")
target_link_libraries(seal_config PRIVATE autoseal::api)
add_executable(seal_config_static "$src/examples/seal_config.c")
target_link_libraries(seal_config_static PRIVATE autoseal::api_static)
target_link_options(seal_config PRIVATE -Wl,-z,relro,-z,now)
target_link_options(seal_config_static PRIVATE -Wl,-z,relro,-z,now)
CM
cmake -S "$tmp/consumer" -B "$tmp/consumer/build" -DWANT=0.1 -DCMAKE_PREFIX_PATH="$prefix" \
      -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF \
      >"$tmp/consumer.log" 2>&1 || { cat "$tmp/consumer.log"; fail "find_package(autoseal 0.1)"; }
dir=$(sed -n 's/.*autoseal_DIR=\([^ ]*\) .*/\1/p' "$tmp/consumer.log")
inside "$dir" || fail "find_package found autoseal in '$dir', not in the staging prefix"
cmake --build "$tmp/consumer/build" -- VERBOSE=1 >"$tmp/consumer-build.log" 2>&1 ||
    { cat "$tmp/consumer-build.log"; fail "consumer build"; }
grep -q -- "-Wl,-T,$prefix/.*autoseal-api.ld" "$tmp/consumer-build.log" ||
    fail "autoseal::api did not bring the staged layout script"
header_from "$(find "$tmp/consumer/build" -name 'seal_config.c.o.d' -path '*seal_config.dir*' | head -n1)"
needs_api "$tmp/consumer/build/seal_config"   # build RPATH of the imported target
"$tmp/consumer/build/seal_config" --strict
python3 "$src/test/api/check_layout.py" "$ps" "$tmp/consumer/build/seal_config"
readelf -dW "$tmp/consumer/build/seal_config_static" | grep -q 'libautoseal-api' &&
    fail "autoseal::api_static still needs the shared library"
"$tmp/consumer/build/seal_config_static" --strict
python3 "$src/test/api/check_layout.py" "$ps" "$tmp/consumer/build/seal_config_static"

# The version file: an incompatible request must fail.
if cmake -S "$tmp/consumer" -B "$tmp/consumer/build1" -DWANT=1.0 -DCMAKE_PREFIX_PATH="$prefix" \
        >"$tmp/consumer1.log" 2>&1; then
    fail "find_package(autoseal 1.0) accepted version 0.x"
fi
grep -q 'compatible with requested version "1.0"' "$tmp/consumer1.log" ||
    { cat "$tmp/consumer1.log"; fail "find_package(autoseal 1.0) failed for another reason"; }

# The staged tool reads the system configuration from /etc, not the prefix.
if [[ -x $prefix/bin/autoseal ]]; then
    conf=$({ "$prefix/bin/autoseal" probe --json || true; } | python3 -c 'import json,sys; print(json.load(sys.stdin)["config"]["path"])')
    [[ $conf == "${AUTOSEAL_EXPECT_SYSCONFDIR:-/etc}/autoseal.conf" ]] ||
        fail "installed library reads '$conf'"
    echo "installed library reads $conf"
fi
echo "pkg-config and find_package builds OK"
