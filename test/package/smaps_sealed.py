#!/usr/bin/env python3
"""From outside: is process PID running with the library LIB, and are the
non-writable image mappings of the given objects sealed (VmFlags sl)?

usage: smaps_sealed.py PID LIB OBJECT_SUBSTRING...
Prints one line per object; exit 0 only if LIB is mapped and every named
object has at least one non-writable file mapping and all of them are sealed."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from smaps_oracle import read_smaps  # noqa: E402

pid, lib, objs = sys.argv[1], sys.argv[2], sys.argv[3:]
maps = read_smaps(pid)
ok = any(m.path == lib for m in maps)
print(('ok    ' if ok else 'FAIL  ') + f'{lib} mapped in {pid}')
for o in objs:
    ro = [m for m in maps if o in m.path and 'w' not in m.perms]
    sealed = [m for m in ro if m.sealed]
    good = bool(ro) and len(sealed) == len(ro)
    ok = ok and good
    print(('ok    ' if good else 'FAIL  ') + f'{o}: {len(sealed)}/{len(ro)} non-writable mappings sealed')
sys.exit(0 if ok else 1)
