#!/usr/bin/env bash
# Log targets: stderr, file:PATH (appends), none, syslog (a datagram to
# /dev/log, received here in a private mount namespace with its own /dev).
set -euo pipefail
lib=$1
testlib=$(cd "$(dirname "${BASH_SOURCE[0]}")/../lib" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
sumline='event=startup mode=enforce'

out=$(LD_PRELOAD="$lib" AUTOSEAL_OPTIONS=log=stderr /bin/true 2>&1)
grep -q "autoseal\[[0-9]*\]: prog=true level=info $sumline" <<<"$out" || { echo "FAIL stderr: $out"; exit 1; }
echo "ok stderr"

out=$(LD_PRELOAD="$lib" AUTOSEAL_OPTIONS=log=file:$tmp/a.log /bin/true 2>&1)
LD_PRELOAD="$lib" AUTOSEAL_OPTIONS=log=file:$tmp/a.log /bin/true
[[ -z $out ]] || { echo "FAIL file: output on stderr: $out"; exit 1; }
[[ $(grep -c "$sumline" "$tmp/a.log") -eq 2 ]] || { echo "FAIL file: expected 2 appended lines"; cat "$tmp/a.log"; exit 1; }
[[ $(stat -c %a "$tmp/a.log") == 600 ]] || { echo "FAIL file mode $(stat -c %a "$tmp/a.log")"; exit 1; }
echo "ok file (appends, mode 600)"

# a planted symbolic link (to a root-only file) is never followed: the
# line goes to stderr after one line saying why
echo secret > "$tmp/target"; chmod 600 "$tmp/target"; ln -s "$tmp/target" "$tmp/link.log"
out=$(LD_PRELOAD="$lib" AUTOSEAL_OPTIONS=log=file:$tmp/link.log /bin/true 2>&1)
[[ $(cat "$tmp/target") == secret ]] || { echo "FAIL symlink followed: $(cat "$tmp/target")"; exit 1; }
grep -q "^autoseal\[[0-9]*\]: level=error event=log-file-failed path=$tmp/link.log error=40 " <<<"$out" \
    || { echo "FAIL symlink: no log-file-failed line: $out"; exit 1; }
grep -q "prog=true level=info $sumline" <<<"$out" || { echo "FAIL symlink: line lost: $out"; exit 1; }
mkfifo "$tmp/fifo.log"
out=$(timeout 20 env LD_PRELOAD="$lib" AUTOSEAL_OPTIONS=log=file:$tmp/fifo.log /bin/true 2>&1) \
    || { echo "FAIL fifo: $? $out"; exit 1; }
grep -q "event=log-file-failed" <<<"$out" || { echo "FAIL fifo: $out"; exit 1; }
echo "ok file: symbolic link not followed, FIFO not opened, fallback to stderr said"

# argv[0] cannot forge fields or lines
forged=$'x level=error event=forged "q"\nautoseal[1]: prog=y'
LD_PRELOAD= bash -c 'export LD_PRELOAD=$2 AUTOSEAL_OPTIONS=log=file:$3; exec -a "$1" /bin/true' \
    _ "$forged" "$lib" "$tmp/b.log"
[[ $(wc -l < "$tmp/b.log") -eq 1 ]] || { echo "FAIL forged: lines:"; cat "$tmp/b.log"; exit 1; }
grep -qF 'prog="x level=error event=forged \"q\"\nautoseal[1]: prog=y" level=info event=startup' "$tmp/b.log" \
    || { echo "FAIL forged: not escaped:"; cat "$tmp/b.log"; exit 1; }
echo "ok argv[0] quoted and escaped"

out=$(LD_PRELOAD="$lib" AUTOSEAL_OPTIONS=log=none,bogus=1 /bin/true 2>&1)
[[ -z $out ]] || { echo "FAIL none: $out"; exit 1; }
echo "ok none"

# default target without a journal socket is syslog, warnings only: a bad option is reported there,
# nothing on stderr
if ! command -v unshare >/dev/null; then echo "FAIL unshare missing"; exit 1; fi
unshare -m --propagation private bash -c '
    mount -t tmpfs none /dev
    mount -t tmpfs none /run  # no journal socket: the default is syslog
    python3 "$3/dgram_listen.py" /dev/log "$1/syslog.msg" & pid=$!
    for _ in $(seq 100); do [[ -e "$1/syslog.msg.ready" ]] && break; sleep 0.05; done
    LD_PRELOAD="$2" AUTOSEAL_OPTIONS=bogus=1 /bin/true 2>"$1/stderr"
    wait $pid' _ "$tmp" "$lib" "$testlib"
[[ ! -s $tmp/stderr ]] || { echo "FAIL syslog: stderr not empty"; cat "$tmp/stderr"; exit 1; }
grep -q '^<12>autoseal\[[0-9]*\]: prog=true level=warn event=bad-config .*unknown key .bogus.' "$tmp/syslog.msg" \
    || { echo "FAIL syslog message: $(cat "$tmp/syslog.msg" 2>/dev/null)"; exit 1; }
echo "ok syslog (default target, warnings)"
echo "PASS log"
