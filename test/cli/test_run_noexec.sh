#!/usr/bin/env bash
# autoseal run warns when its library sits on a noexec mount (a tmpfs
# mounted noexec here).  Exit 77 (SKIP) when no such mount can be made.
# Usage: test_run_noexec.sh AUTOSEAL LIBAUTOSEAL
set -u
tool=$1 lib=$2
. "$(dirname "${BASH_SOURCE[0]}")/../lib/check.sh"
tmp=$(mktemp -d /tmp/autoseal-noexec.XXXXXX)
mounted=
cleanup() { [[ -n $mounted ]] && umount "$tmp/lib"; rm -rf "$tmp"; }
trap cleanup EXIT
mkdir -p "$tmp/bin" "$tmp/lib"
if ! mount -t tmpfs -o noexec,size=8m autoseal-noexec "$tmp/lib" 2>"$tmp/err"; then
    echo "SKIP: cannot mount a noexec tmpfs: $(cat "$tmp/err")"
    exit 77
fi
mounted=1
# Same layout as the build tree: bin/autoseal finds ../lib/libautoseal.so
cp "$tool" "$tmp/bin/autoseal"
cp "$lib" "$tmp/lib/libautoseal.so"
unset LD_PRELOAD AUTOSEAL_OPTIONS
"$tmp/bin/autoseal" run -o log=stderr -o loglevel=info -- /bin/true 2>"$tmp/out"; rc=$?
if [[ $rc -eq 0 ]]; then ok "the command still runs"; else bad "command failed ($rc)"; fi
if grep -q "autoseal: warning: $tmp/lib/libautoseal.so is on a noexec mount" "$tmp/out"; then
    ok "warns about the noexec mount"
else
    bad "no noexec warning: $(cat "$tmp/out")"
fi
# And the warning is right: the library really did not load.
if grep -q 'event=startup' "$tmp/out"; then
    bad "the library loaded from a noexec mount?"
else
    ok "the library did not load (no startup line)"
fi
finish
