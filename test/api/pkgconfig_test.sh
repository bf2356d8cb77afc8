#!/usr/bin/env bash
# Install the build into a scratch prefix, then build the example the way an
# outside project would: with `pkg-config --cflags --libs autoseal` against
# the shared library, and against the static archive.  Run both, check
# their section layout with readelf, and check the shared one's DT_NEEDED.
#
# usage: pkgconfig_test.sh BUILD_DIR SOURCE_DIR PAGESIZE
set -euo pipefail
build=$1 src=$2 ps=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
pc=$(find "$tmp/prefix" -name autoseal.pc -path '*/pkgconfig/*' | head -n1)
[[ -n "$pc" ]] || { echo "FAIL: autoseal.pc not installed"; exit 1; }
export PKG_CONFIG_PATH=$(dirname "$pc")
pcflags=(--define-variable=prefix="$tmp/prefix")
[[ -f "$tmp/prefix/include/autoseal.h" ]] || { echo "FAIL: header not installed"; exit 1; }

cflags=$(pkg-config "${pcflags[@]}" --cflags autoseal)
libs=$(pkg-config "${pcflags[@]}" --libs autoseal)
libdir=$(pkg-config "${pcflags[@]}" --variable=libdir autoseal)
ldscript=$(pkg-config "${pcflags[@]}" --variable=ldscript autoseal)
echo "cflags: $cflags"
echo "libs:   $libs"
[[ -f "$ldscript" ]] || { echo "FAIL: linker script $ldscript not installed"; exit 1; }
[[ -L "$libdir/libautoseal-api.so" && -e "$libdir/libautoseal-api.so.0" ]] ||
    { echo "FAIL: library symlinks missing in $libdir"; exit 1; }

# The library exports the API and nothing else (no preload code).
extra=$(nm -D --defined-only "$libdir/libautoseal-api.so.0" | awk '{print $3}' |
        grep -v -E '^(autoseal_[a-z_]+@@AUTOSEAL_API_1|AUTOSEAL_API_1)$' || true)
[[ -z "$extra" ]] || { echo "FAIL: unexpected exports: $extra"; exit 1; }
readelf -dW "$libdir/libautoseal-api.so.0" | grep -q 'SONAME.*\[libautoseal-api\.so\.0\]' ||
    { echo "FAIL: SONAME"; exit 1; }

# Shared library.  -z relro so the layout check can compare with RELRO.
cc -O2 -Wl,-z,relro,-z,now $cflags -o "$tmp/seal_config" "$src/examples/seal_config.c" $libs
readelf -dW "$tmp/seal_config" | grep -q 'NEEDED.*\[libautoseal-api\.so\.0\]' ||
    { echo "FAIL: not linked against libautoseal-api.so.0"; exit 1; }
LD_LIBRARY_PATH=$libdir "$tmp/seal_config" --strict
python3 "$src/test/api/check_layout.py" "$ps" "$tmp/seal_config"

# Static archive, with the same linker script.
if [[ -f "$libdir/libautoseal-api.a" ]]; then
    cc -O2 -Wl,-z,relro,-z,now $cflags -o "$tmp/seal_config_static" \
        "$src/examples/seal_config.c" "$libdir/libautoseal-api.a" -Wl,-T,"$ldscript"
    if readelf -dW "$tmp/seal_config_static" | grep -q 'libautoseal-api'; then
        echo "FAIL: static build still needs the shared library"; exit 1
    fi
    "$tmp/seal_config_static" --strict
    python3 "$src/test/api/check_layout.py" "$ps" "$tmp/seal_config_static"
else
    echo "FAIL: static archive not installed"; exit 1
fi
echo "pkg-config build OK"
