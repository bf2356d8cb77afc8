#!/usr/bin/env python3
"""Independent check from outside a process: every non-writable mapping of
every ELF object in /proc/PID/smaps must be sealed (VmFlags token "sl").

usage: outside_check.py PID [--expect sealed|unsealed] [--allow-ldso-page N]

An ELF object is a file-backed mapping whose file starts with \\x7fELF; its
image spans from its first to its last mapping; anonymous and PROT_NONE
mappings inside that span belong to it (gaps, bss)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from smaps_oracle import elf_span, read_smaps  # noqa: E402


def main():
    pid = sys.argv[1]
    expect = "sealed"
    allow_ldso = 1
    args = sys.argv[2:]
    while args:
        a = args.pop(0)
        if a == "--expect":
            expect = args.pop(0)
        elif a == "--allow-ldso-page":
            allow_ldso = int(args.pop(0))
    maps = read_smaps(pid)
    # image span of each ELF object: load base (its lowest mapping) plus the
    # extent of its PT_LOAD segments read from the file itself
    spans = {}
    for m in maps:
        p = m.path
        if p.startswith("/") and p not in spans:
            span = elf_span(p)
            if span is not None:
                base = m.start - span[0]
                spans[p] = (m.start, base + span[1])
    bad = []
    sealed_bytes = ro_bytes = 0
    ldso_open = 0
    for m in maps:
        owner = None
        for p, (lo, hi) in spans.items():
            if lo <= m.start and m.end <= hi:
                owner = p
        size = m.end - m.start
        if owner is None:
            if m.sealed and not m.path.startswith("[v"):
                bad.append(f"non-image mapping sealed: {m}")
            continue
        if "w" in m.perms:
            continue
        ro_bytes += size
        if m.sealed:
            sealed_bytes += size
        if expect == "sealed" and not m.sealed:
            if "ld-linux" in owner and size == 4096 and ldso_open < allow_ldso:
                ldso_open += 1
                continue
            bad.append(f"unsealed: {m.start:x}-{m.end:x} {m.perms} {owner}")
        if expect == "unsealed" and m.sealed:
            bad.append(f"sealed: {m.start:x}-{m.end:x} {m.perms} {owner}")
    print(f"objects={len(spans)} nonwritable_bytes={ro_bytes} sealed_bytes={sealed_bytes}")
    for b in bad:
        print("FAIL", b)
    if len(spans) < 3:
        print("FAIL too few ELF objects found")
        return 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
