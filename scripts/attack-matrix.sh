#!/usr/bin/env bash
# Run the attack test (test/attack/primitives.c) under mode=off and the
# default, strict and jit profiles and write the MEASURED results as the
# attack matrix of docs/security.md (between its "attack-matrix" markers).
#   scripts/attack-matrix.sh [BUILD_DIR]      (default: build; built first)
# A cell is what happened (ok = the attack worked, EPERM/EACCES = refused,
# memory intact, fault = the write faulted), not what the test expected; a
# cell that differs from the test's expectation is marked "(!)" and the
# script exits non-zero.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
cd "$AUTOSEAL_ROOT"
dir="${1:-$AUTOSEAL_ROOT/build}"
build "$dir" >/dev/null
bin="$dir/bin/attack-primitives"
lib="$dir/lib/libautoseal.so"
[[ -x $bin && -f $lib ]] || die "no $bin or $lib"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$bin" --list > "$tmp/list"
rc=0
for col in off default strict jit; do
    opts="profile=$col,log=none"; [[ $col == off ]] && opts="mode=off,log=none"
    LD_PRELOAD="$lib" AUTOSEAL_OPTIONS="$opts" timeout 300 "$bin" "$col" > "$tmp/$col" || rc=1
done
python3 - "$tmp" docs/security.md <<'PY'
import re, sys
tmp, doc = sys.argv[1], sys.argv[2]
rows = [l.rstrip("\n").split("\t") for l in open(f"{tmp}/list")]
cols = ["off", "default", "strict", "jit"]
got = {c: {} for c in cols}
for c in cols:
    for l in open(f"{tmp}/{c}"):
        m = re.match(r"(PASS|FAIL) (\S+)\s+expected (\S+)\s+got (\S+)", l)
        if not m:
            continue
        verdict, name, _, res = m.groups()
        err, _, effect = res.partition("/")
        cell = "fault" if (err == "ok" and effect == "fault") else err
        if cell == "ok" and c != "off":
            cell = "**ok**"
        got[c][name] = cell + (" (!)" if verdict == "FAIL" else "")
out = ["| primitive | mode=off | default | strict | jit | who refuses |",
       "| --- | --- | --- | --- | --- | --- |"]
for name, what, who in rows:
    cells = [got[c].get(name, "missing (!)") for c in cols]
    out.append(f"| {what} | " + " | ".join(cells) + f" | {who} |")
text = open(doc).read()
b, e = "<!-- attack-matrix begin: scripts/attack-matrix.sh -->", "<!-- attack-matrix end -->"
if b not in text or e not in text:
    sys.exit(f"{doc}: attack-matrix markers missing")
pre, rest = text.split(b, 1)
_, post = rest.split(e, 1)
open(doc, "w").write(pre + b + "\n" + "\n".join(out) + "\n" + e + post)
print(f"wrote {len(rows)} rows to {doc}")
PY
exit "$rc"
