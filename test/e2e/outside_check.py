#!/usr/bin/env python3
"""Independent check from outside a process: every non-writable mapping of
every ELF object in /proc/PID/smaps must be sealed (VmFlags token "sl").

usage: outside_check.py PID [--expect sealed|unsealed] [--allow-ldso-page N]

An ELF object is a file-backed mapping whose file starts with \\x7fELF; its
image spans from its first to its last mapping; anonymous and PROT_NONE
mappings inside that span belong to it (gaps, bss)."""
import sys


def read_smaps(pid):
    maps = []
    with open(f"/proc/{pid}/smaps") as f:
        cur = None
        for line in f:
            parts = line.split()
            if parts and "-" in parts[0] and len(parts) >= 5 and ":" not in parts[0]:
                s, e = (int(x, 16) for x in parts[0].split("-"))
                cur = {"start": s, "end": e, "perms": parts[1],
                       "path": parts[5] if len(parts) > 5 else "", "sealed": False}
                maps.append(cur)
            elif line.startswith("VmFlags:") and cur is not None:
                cur["sealed"] = "sl" in line.split()[1:]
    return maps


def elf_span(path):
    """(lowest vaddr page, end of highest PT_LOAD) of an ELF file, or None."""
    import struct
    try:
        with open(path, "rb") as f:
            hdr = f.read(64)
            if hdr[:4] != b"\x7fELF" or hdr[4] != 2:
                return None
            phoff, = struct.unpack_from("<Q", hdr, 0x20)
            phentsize, phnum = struct.unpack_from("<HH", hdr, 0x36)
            f.seek(phoff)
            ph = f.read(phentsize * phnum)
    except (OSError, struct.error):
        return None
    lo, hi = None, None
    for i in range(phnum):
        p_type, _flags, _off, vaddr, _pa, _fsz, memsz = struct.unpack_from("<IIQQQQQ", ph, i * phentsize)
        if p_type == 1 and memsz:
            lo = vaddr if lo is None else min(lo, vaddr)
            hi = vaddr + memsz if hi is None else max(hi, vaddr + memsz)
    if lo is None:
        return None
    return lo & ~0xfff, (hi + 0xfff) & ~0xfff


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
        p = m["path"]
        if p.startswith("/") and p not in spans:
            span = elf_span(p)
            if span is not None:
                base = m["start"] - span[0]
                spans[p] = (m["start"], base + span[1])
    bad = []
    sealed_bytes = ro_bytes = 0
    ldso_open = 0
    for m in maps:
        owner = None
        for p, (lo, hi) in spans.items():
            if lo <= m["start"] and m["end"] <= hi:
                owner = p
        size = m["end"] - m["start"]
        if owner is None:
            if m["sealed"] and not m["path"].startswith("[v"):
                bad.append(f"non-image mapping sealed: {m}")
            continue
        if "w" in m["perms"]:
            continue
        ro_bytes += size
        if m["sealed"]:
            sealed_bytes += size
        if expect == "sealed" and not m["sealed"]:
            if "ld-linux" in owner and size == 4096 and ldso_open < allow_ldso:
                ldso_open += 1
                continue
            bad.append(f"unsealed: {m['start']:x}-{m['end']:x} {m['perms']} {owner}")
        if expect == "unsealed" and m["sealed"]:
            bad.append(f"sealed: {m['start']:x}-{m['end']:x} {m['perms']} {owner}")
    print(f"objects={len(spans)} nonwritable_bytes={ro_bytes} sealed_bytes={sealed_bytes}")
    for b in bad:
        print("FAIL", b)
    if len(spans) < 3:
        print("FAIL too few ELF objects found")
        return 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
