#!/usr/bin/env bash
# aarch64: cross-build the library, the CLI and the unit tests with Debian's
# gcc-aarch64-linux-gnu and run the unit tests under qemu-user, all inside a
# Debian 12 chroot (the host gets no foreign architecture); then, under
# qemu-user with the arm64 library preloaded:
#  - dlopen lookup semantics through the aarch64 dl* trampolines: the
#    caller's RUNPATH/$ORIGIN, RTLD_NEXT of another preloaded library,
#    dlmopen namespaces, fork (test/e2e/dl in its "lookup" mode: under
#    qemu-user mseal is ENOSYS and /proc/self/smaps is the emulator's);
#  - graceful degradation where mseal answers ENOSYS: a preloaded program
#    runs normally and autoseal logs event=unavailable.
# (unit_dlnest, among the unit tests, checks the trampolines' nesting
# judgment against arm64 glibc's real dlopen.)
#
#   scripts/cross-aarch64.sh [WORK_DIR]      (default: build-cross)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$AUTOSEAL_ROOT"
[[ $(id -u) -eq 0 ]] || die "cross-aarch64.sh needs root (chroot)"

work=${1:-$AUTOSEAL_ROOT/build-cross}
root=$work/root
cache=${AUTOSEAL_ROOT_CACHE:-/var/cache/autoseal-test}
arm_pkgs="libc6-dev:arm64 libelf-dev:arm64 check:arm64 libsubunit-dev:arm64 python3 g++-aarch64-linux-gnu"
tarball=$cache/cross-arm64-$(printf '%s' "$arm_pkgs" | sha256sum | cut -c1-12).tar

inroot() {
    unshare --mount --propagation private -- \
        sh -c 'mount -t proc proc "$0/proc" && exec chroot "$0" "$@"' "$root" "$@"
}

mkdir -p "$work" "$cache"
exec 8>"$tarball.lock"
flock 8
if [[ -s $tarball ]]; then
    rm -rf "$root"; mkdir -p "$root"; tar -C "$root" -xf "$tarball"
else
    ./scripts/debian-root.sh cross "$root" gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user \
        cmake make pkg-config
    log "arm64 libraries in the chroot ($arm_pkgs)"
    inroot sh -c "dpkg --add-architecture arm64 && apt-get -o DPkg::Lock::Timeout=900 update -qq &&
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -qq \
        --no-install-recommends $arm_pkgs >/dev/null && apt-get clean"
    tar -C "$root" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
fi
flock -u 8

rm -rf "$root/src"; mkdir -p "$root/src"
git ls-files -co --exclude-standard -z | tar --null -T - -cf - | tar -xf - -C "$root/src"
failed=()
log "cross configure (aarch64, -Werror)"
inroot sh -c 'cmake -S /src -B /src/build-arm64 -DAUTOSEAL_WERROR=ON \
        -DCMAKE_TOOLCHAIN_FILE=/src/cmake/toolchain-aarch64-linux-gnu.cmake >/src/cmake.log 2>&1' ||
    { cat "$root/src/cmake.log"; die "cross configure failed"; }
unit_targets=$(inroot sh -c 'cd /src/build-arm64 && ctest -N -V -L "^unit\$"' |
               sed -n 's|.*Test command: .*/\(test_[a-z_]*\)"*$|\1|p' | sort -u | paste -sd' ')
[[ -n $unit_targets ]] || die "no unit tests found in the cross build"
# xbuild NAME TARGET...: build, show the first errors on failure
xbuild() {
    local name=$1; shift
    log "cross build: $name"
    if inroot cmake --build /src/build-arm64 -j2 --target "$@" >"$work/$name.log" 2>&1; then
        return 0
    fi
    grep -E 'error|warning' "$work/$name.log" | head -n 20 >&2
    failed+=("build-$name")
    return 1
}
xbuild cli-api-core autoseal_cli autoseal_api autoseal_api_static autoseal_core
if xbuild unit-tests $unit_targets test_dlnest; then
    log "unit tests under qemu-aarch64"
    inroot ctest --test-dir /src/build-arm64 --output-on-failure -L '^unit$' --timeout 300 ||
        failed+=("unit-tests-under-qemu")
fi
lib_ok=false
if xbuild library autoseal; then
    file_arch=$(od -An -tx2 -j18 -N2 "$root/src/build-arm64/lib/libautoseal.so" | tr -d ' ')
    [[ $file_arch == 00b7 ]] || die "libautoseal.so is not an aarch64 ELF file (e_machine $file_arch)"
    lib_ok=true
fi
if ! $lib_ok; then
    log "aarch64 FAILED: ${failed[*]} (the ENOSYS check needs the library)"
    exit 1
fi
lib=/src/build-arm64/lib/libautoseal.so
exports=$(inroot aarch64-linux-gnu-nm -D --defined-only "$lib" | awk '{print $3}' | sort | paste -sd' ')
for f in dlopen dlmopen dlsym dlclose mmap mprotect; do
    grep -qw "$f" <<<"$exports" || die "the arm64 library does not export $f (exports: $exports)"
done
if xbuild e2e-dl e2e_dl; then
    log "dlopen lookup semantics through the aarch64 trampolines (qemu-user)"
    dl=/src/build-arm64/test/e2e/dl
    nexter=$dl/libe2e_nexter.so
    for part in all runpath dlmopen fork; do
        args=(lookup); [[ $part == all ]] || args+=("$part")
        if out=$(inroot env -u LD_PRELOAD qemu-aarch64 -E LD_PRELOAD="$lib:$nexter" \
                     -E AUTOSEAL_OPTIONS=log=none "$dl/e2e_dl" "${args[@]}" 2>&1) &&
           grep -q '^PASS' <<<"$out" && ! grep -q '^FAIL' <<<"$out"; then
            grep '^PASS' <<<"$out" | sed 's/^/    /'
        else
            echo "$out" | tail -n 20 >&2
            failed+=("e2e-dl-$part")
        fi
    done
fi
log "graceful degradation: mseal is ENOSYS under qemu-user"
cat >"$root/src/build-arm64/hello.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
int main(void)
{
    void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED || mprotect(p, 4096, PROT_READ) != 0) { perror("mmap/mprotect"); return 1; }
    void *q = malloc(1 << 20);
    free(q);
    puts("hello from arm64");
    return 0;
}
C
inroot aarch64-linux-gnu-gcc -O2 -o /src/build-arm64/hello /src/build-arm64/hello.c
out=$(inroot env -u LD_PRELOAD qemu-aarch64 -E LD_PRELOAD=/src/build-arm64/lib/libautoseal.so \
          -E AUTOSEAL_OPTIONS=log=stderr,loglevel=info /src/build-arm64/hello 2>&1) ||
    die "arm64 program with the library preloaded failed: $out"
echo "$out"
grep -qx 'hello from arm64' <<<"$out" || die "the program did not run normally"
grep -q 'event=unavailable' <<<"$out" || die "no event=unavailable line: autoseal did not report ENOSYS"
grep -q 'event=startup' <<<"$out" || die "no startup line: the library did not initialise"
out=$(inroot env -u LD_PRELOAD qemu-aarch64 /src/build-arm64/bin/autoseal probe --json || true)
python3 -c 'import json,sys; j=json.loads(sys.argv[1]); s=j["mseal"]["status"]; print("arm64 autoseal probe: mseal", s); sys.exit(s != "enosys")' "$out" ||
    die "arm64 probe under qemu-user does not report mseal ENOSYS: $out"
if ((${#failed[@]})); then
    log "aarch64 FAILED: ${failed[*]}"
    exit 1
fi
log "aarch64: cross build, unit tests under qemu-user and the ENOSYS path OK"
