#!/usr/bin/env bash
# Make (or reuse) a Debian 12 root directory for tests that need a whole
# system: chroot package tests, a systemd container.  Never touches the
# host's own /etc.
#
#   scripts/debian-root.sh NAME DEST [PACKAGE...]
#
# The first call for a NAME and package list runs debootstrap (minbase,
# bookworm, the machine's own apt source) and caches the result as a tar
# file in $AUTOSEAL_ROOT_CACHE (default /var/cache/autoseal-test); later
# calls unpack the cache into DEST (a fresh copy every time, so tests never
# see each other's changes).  Concurrent callers wait for each other.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[[ $# -ge 2 ]] || die "usage: debian-root.sh NAME DEST [PACKAGE...]"
name=$1 dest=$2
shift 2
pkgs=$(printf '%s\n' "$@" | sort -u | paste -sd, -)
[[ $(id -u) -eq 0 ]] || die "debian-root.sh needs root (debootstrap, chroot)"
command -v debootstrap >/dev/null || {
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=900 update -qq
    apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends debootstrap >/dev/null
}

cache=${AUTOSEAL_ROOT_CACHE:-/var/cache/autoseal-test}
mkdir -p "$cache"
key=$(printf '%s|%s' "$name" "$pkgs" | sha256sum | cut -c1-16)
tarball="$cache/$name-$key.tar"

# The archive the host itself uses (deb822 or one-line sources).
mirror=$(grep -hoE 'https?://[^ ]*debian/?$|https?://[^ ]*/debian( |$)' \
             /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null |
         awk '{print $1}' | grep -v security | head -n1 || true) # missing files: grep exits 2
mirror=${mirror:-http://deb.debian.org/debian}

exec 9>"$tarball.lock"
flock 9
if [[ ! -s $tarball ]]; then
    work=$(mktemp -d "$cache/build.XXXXXX")
    trap 'rm -rf "$work"' EXIT
    log "debootstrap $name (bookworm from $mirror${pkgs:+, with $pkgs}): a few minutes, once"
    debootstrap --variant=minbase ${pkgs:+--include="$pkgs"} bookworm "$work/root" "$mirror" \
        >"$work/debootstrap.log" 2>&1 || { tail -n 30 "$work/debootstrap.log" >&2; die "debootstrap failed"; }
    rm -rf "$work/root/var/cache/apt/archives/"*.deb
    tar -C "$work/root" -cf "$tarball.tmp" .
    mv "$tarball.tmp" "$tarball"
fi
flock -u 9

rm -rf "$dest"
mkdir -p "$dest"
tar -C "$dest" -xf "$tarball"
log "Debian 12 root ready in $dest"
