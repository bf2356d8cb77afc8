#!/usr/bin/env bash
# Host-safety checks that need a shell: what autoseal logs, and the
# environment it is started in.  Environment (from CMakeLists.txt):
#   HOST_LIB HOST_PREFIX HOST_CHECK HOST_PLUGIN HOST_SECCOMP
set -uo pipefail
: "${HOST_LIB:?}" "${HOST_CHECK:?}" "${HOST_PLUGIN:?}" "${HOST_SECCOMP:?}"
HOST_PREFIX=${HOST_PREFIX-}
unset LD_PRELOAD AUTOSEAL_OPTIONS AUTOSEAL_CONFIG
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/../lib/check.sh"
show() { sed 's/^/    /' "$1" | head -n 20 >&2; }
T() { timeout 60 "$@"; }

# 1. a filter installed after startup that kills on mseal: alive, one line
T env LD_PRELOAD="$HOST_PREFIX$HOST_LIB" AUTOSEAL_OPTIONS=log=stderr \
    "$HOST_CHECK" late-seccomp "$HOST_PLUGIN" >"$tmp/late.out" 2>"$tmp/late.err"
rc=$?
n=$(grep -c 'event=unavailable reason=seccomp-after-start' "$tmp/late.err")
if [[ $rc == 0 && $n == 1 ]]; then
    ok "filter installed after startup: program alive, one event=unavailable line"
else
    bad "late filter: rc=$rc, $n seccomp-after-start lines (want 0 and 1)"; show "$tmp/late.err"
fi

# 2. ENOSYS from a seccomp filter on a kernel that has mseal: the message
#    names the filter, not an old kernel
T "$HOST_SECCOMP" ENOSYS -- env LD_PRELOAD="$HOST_PREFIX$HOST_LIB" AUTOSEAL_OPTIONS=log=stderr \
    /bin/true 2>"$tmp/enosys.err"
line=$(grep 'event=unavailable' "$tmp/enosys.err")
kernel_has=$(uname -r | awk -F. '{print ($1 > 6 || ($1 == 6 && $2 >= 10))}')
if [[ $kernel_has == 1 ]]; then
    if [[ $line == *"seccomp filter"* && $line == *"$(uname -r)"* && $line != *"before 6.10"* ]]; then
        ok "ENOSYS under a filter is blamed on the filter, with the kernel release"
    else
        bad "ENOSYS diagnosis: $line"
    fi
fi

# 3. two copies of libautoseal (ld.so.preload + a service's LD_PRELOAD):
#    exactly one acts, with the requested policy
mkdir -p "$tmp/copy"
cp "$HOST_LIB" "$tmp/copy/libautoseal.so"
for order in "$tmp/copy/libautoseal.so:$HOST_LIB" "$HOST_LIB:$tmp/copy/libautoseal.so"; do
    T env LD_PRELOAD="$HOST_PREFIX$order" AUTOSEAL_OPTIONS=profile=strict,log=stderr,loglevel=info \
        "$HOST_CHECK" execmem >"$tmp/two.out" 2>"$tmp/two.err"
    rc=$?
    dormant=$(grep -c 'mode=dormant' "$tmp/two.err")
    acting=$(grep -c 'event=startup mode=enforce profile=strict' "$tmp/two.err")
    if [[ $rc == 0 && $dormant == 1 && $acting == 1 ]]; then
        ok "two copies ($order): strict applies, one copy dormant"
    else
        bad "two copies ($order): rc=$rc dormant=$dormant acting=$acting"; show "$tmp/two.err"
    fi
done

# 4. configuration errors other than "missing" are logged, not silent
ln -s loop "$tmp/loop"
T env LD_PRELOAD="$HOST_PREFIX$HOST_LIB" AUTOSEAL_CONFIG="$tmp/loop" AUTOSEAL_OPTIONS=log=stderr \
    /bin/true 2>"$tmp/loop.err"
if grep -q 'event=bad-config.*ELOOP' "$tmp/loop.err"; then
    ok "a configuration symlink loop is logged"
else
    bad "symlink loop not logged"; show "$tmp/loop.err"
fi
if command -v setpriv >/dev/null && id nobody >/dev/null 2>&1; then
    mkdir -m 0700 "$tmp/private"
    echo "profile = strict" >"$tmp/private/autoseal.conf"
    chmod o+x "$tmp"
    T setpriv --reuid=nobody --regid=nogroup --clear-groups \
        env LD_PRELOAD="$HOST_PREFIX$HOST_LIB" AUTOSEAL_CONFIG="$tmp/private/autoseal.conf" \
        AUTOSEAL_OPTIONS=log=stderr /bin/true 2>"$tmp/acces.err"
    if grep -q 'event=bad-config.*EACCES' "$tmp/acces.err"; then
        ok "a configuration in a directory the program may not search is logged"
    else
        bad "EACCES on the configuration not logged"; show "$tmp/acces.err"
    fi
fi

# 5. mode=audit logs what enforce would seal for objects loaded later too
T env LD_PRELOAD="$HOST_PREFIX$HOST_LIB" AUTOSEAL_OPTIONS=mode=audit,log=stderr \
    "$HOST_CHECK" audit-dlopen "$HOST_PLUGIN" >"$tmp/audit.out" 2>"$tmp/audit.err"
rc=$?
n=$(grep -c "event=audit would=seal object=$HOST_PLUGIN" "$tmp/audit.err")
if [[ $rc == 0 && $n == 1 ]]; then
    ok "audit: a plugin loaded later is logged once and not sealed"
else
    bad "audit dlopen: rc=$rc, $n would=seal lines for the plugin"; show "$tmp/audit.err"
fi

finish
