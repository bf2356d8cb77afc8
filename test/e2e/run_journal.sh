#!/usr/bin/env bash
# log=journal: journald's native protocol, received here on a socket at
# /run/systemd/journal/socket in a private mount namespace (own /run, /dev).
# The default target (log=auto) is the journal when that socket exists;
# log=journal without it falls back to /dev/log.
set -euo pipefail
lib=$1
testlib=$(cd "$(dirname "${BASH_SOURCE[0]}")/../lib" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
command -v unshare >/dev/null || { echo "FAIL unshare missing"; exit 1; }
# run_in_ns SOCKET OPTIONS: one datagram received on SOCKET from /bin/true
run_in_ns() {
    rm -f "$tmp/msg" "$tmp/msg.ready"
    unshare -m --propagation private bash -c '
        mount -t tmpfs none /run; mount -t tmpfs none /dev
        mkdir -p /run/systemd/journal
        timeout 20 python3 "$5/dgram_listen.py" "$2" "$1/msg" & pid=$!
        for _ in $(seq 200); do [[ -e "$1/msg.ready" ]] && break; sleep 0.05; done
        LD_PRELOAD="$3" AUTOSEAL_OPTIONS="$4" /bin/true 2>"$1/stderr"
        wait $pid' _ "$tmp" "$1" "$lib" "$2" "$testlib"
}
fail() { echo "FAIL $*"; cat "$tmp/msg" 2>/dev/null | tr '\n' '|'; echo; exit 1; }

# default target, a warning: one datagram with the fields
run_in_ns /run/systemd/journal/socket bogus=1
[[ ! -s $tmp/stderr ]] || fail "default: stderr not empty: $(cat "$tmp/stderr")"
for f in '^MESSAGE=prog=true level=warn event=bad-config msg=.*unknown key .bogus.' '^PRIORITY=4$' \
         '^SYSLOG_IDENTIFIER=autoseal$' '^AUTOSEAL_EVENT=bad-config$' '^AUTOSEAL_PROG=true$' \
         '^AUTOSEAL_PROFILE=default$' '^AUTOSEAL_MODE=enforce$'; do
    grep -qa "$f" "$tmp/msg" || fail "default: no field matching $f"
done
[[ $(tail -c1 "$tmp/msg" | od -An -c | tr -d ' ') == '\n' ]] || fail "default: not newline-terminated"
echo "ok journal (default target when the socket exists)"

# explicit log=journal, the summary line
run_in_ns /run/systemd/journal/socket log=journal,profile=strict
for f in '^AUTOSEAL_EVENT=startup$' '^AUTOSEAL_PROFILE=strict$' '^PRIORITY=6$' '^AUTOSEAL_OBJECTS=[0-9]*$'; do
    grep -qa "$f" "$tmp/msg" || fail "log=journal: no field matching $f"
done
[[ $(grep -ac '^AUTOSEAL_PROFILE=' "$tmp/msg") -eq 1 ]] || fail "log=journal: AUTOSEAL_PROFILE repeated"
echo "ok journal (log=journal, startup fields)"

# log=journal without a journal socket: /dev/log gets the line
run_in_ns /dev/log log=journal,bogus=1
grep -qa 'autoseal\[[0-9]*\]: prog=true level=warn event=bad-config' "$tmp/msg" || fail "fallback to /dev/log"
echo "ok journal (falls back to /dev/log)"
echo "PASS journal"
