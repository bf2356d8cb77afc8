"""The tests' one independent reader of /proc/PID/smaps and ELF program headers.

Nothing here uses autoseal's own code or report: a seal is the VmFlags token
"sl" the kernel prints, an object's extent comes from the program headers
of the file itself.  Used by test/e2e/outside_check.py, test/compat/
smaps_check.py, test/systemd/inspect.py, test/package/smaps_sealed.py and
test/static/test_static.py; each keeps its own assertions.

    import os, sys
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
    import smaps_oracle
"""
import re
import struct

PT_LOAD, PT_INTERP, PT_GNU_RELRO = 1, 3, 0x6474E552
PF_W = 2

# start-end perms offset dev inode [path]
HEADER = re.compile(r"^([0-9a-f]+)-([0-9a-f]+)\s+(\S{4})\s+([0-9a-f]+)\s+(\S+)\s+(\d+)\s*(.*)$")
DELETED = " (deleted)"


class Mapping:
    __slots__ = ("start", "end", "perms", "offset", "dev", "inode", "path", "deleted", "flags")

    def __init__(self, start, end, perms, offset, dev, inode, path):
        self.start, self.end, self.perms = start, end, perms
        self.offset, self.dev, self.inode = offset, dev, inode
        self.deleted = path.endswith(DELETED)
        self.path = path[: -len(DELETED)] if self.deleted else path
        self.flags = set()

    @property
    def size(self):
        return self.end - self.start

    @property
    def sealed(self):
        return "sl" in self.flags

    @property
    def writable(self):
        return self.perms[1] == "w"

    @property
    def file_backed(self):
        return self.inode != 0 and self.path.startswith("/")

    def __repr__(self):
        return f"{self.start:x}-{self.end:x} {self.perms} {self.path}{' sl' if self.sealed else ''}"


def parse_smaps(text):
    """[Mapping] of an smaps text; VmFlags tokenised ("sl" a whole flag)."""
    maps = []
    for line in text.splitlines():
        m = HEADER.match(line)
        if m:
            maps.append(Mapping(int(m.group(1), 16), int(m.group(2), 16), m.group(3),
                                int(m.group(4), 16), m.group(5), int(m.group(6)),
                                m.group(7).strip()))
        elif line.startswith("VmFlags:") and maps:
            maps[-1].flags = set(line.split(":", 1)[1].split())
    return maps


def read_smaps(pid):
    """[Mapping] of /proc/PID/smaps (OSError when the process is gone)."""
    with open(f"/proc/{pid}/smaps", encoding="utf-8", errors="replace") as f:
        return parse_smaps(f.read())


class ElfInfo:
    __slots__ = ("loads", "relro", "interp", "wsegs")

    def __init__(self):
        self.loads = []      # (p_offset, p_vaddr, p_memsz) of each PT_LOAD
        self.wsegs = []      # (p_vaddr, p_memsz) of each writable PT_LOAD
        self.relro = None    # (p_vaddr, p_memsz) of PT_GNU_RELRO
        self.interp = None   # PT_INTERP string

    def span(self, page=4096):
        """(lowest PT_LOAD page, end of the highest PT_LOAD rounded up), or None."""
        loads = [(v, v + m) for _o, v, m in self.loads if m]
        if not loads:
            return None
        lo, hi = min(a for a, _ in loads), max(b for _, b in loads)
        return lo & ~(page - 1), (hi + page - 1) & ~(page - 1)


def read_elf(paths):
    """Program headers of the first readable path (one path or a list).
    None when it is not an ELF object (or none can be read); an ElfInfo with
    no segments for an ELF file that is not 64-bit little-endian."""
    if isinstance(paths, str):
        paths = [paths]
    for src in paths:
        try:
            with open(src, "rb") as f:
                eh = f.read(64)
                if len(eh) < 64 or eh[:4] != b"\x7fELF":
                    return None
                info = ElfInfo()
                if eh[4] != 2 or eh[5] != 1:  # ELFCLASS64, little endian only
                    return info
                phoff, = struct.unpack_from("<Q", eh, 32)
                phentsize, phnum = struct.unpack_from("<HH", eh, 54)
                f.seek(phoff)
                ph = f.read(phentsize * phnum)
                for i in range(phnum):
                    p_type, fl, p_offset, p_vaddr, _pa, p_filesz, p_memsz, _al = \
                        struct.unpack_from("<IIQQQQQQ", ph, i * phentsize)
                    if p_type == PT_LOAD:
                        info.loads.append((p_offset, p_vaddr, p_memsz))
                        if fl & PF_W:
                            info.wsegs.append((p_vaddr, p_memsz))
                    elif p_type == PT_GNU_RELRO:
                        info.relro = (p_vaddr, p_memsz)
                    elif p_type == PT_INTERP:
                        f.seek(p_offset)
                        info.interp = f.read(p_filesz).rstrip(b"\0").decode(errors="replace")
            return info
        except (OSError, struct.error):
            continue
    return None


def elf_span(path, page=4096):
    """(lowest vaddr page, end of highest PT_LOAD) of an ELF file, or None."""
    info = read_elf(path)
    return info.span(page) if info is not None else None
