#!/usr/bin/env python3
"""From outside: is process PID running with the library LIB, and are the
non-writable image mappings of the given objects sealed (VmFlags sl)?

usage: smaps_sealed.py PID LIB OBJECT_SUBSTRING...
Prints one line per object; exit 0 only if LIB is mapped and every named
object has at least one non-writable file mapping and all of them are sealed."""
import sys

pid, lib, objs = sys.argv[1], sys.argv[2], sys.argv[3:]
maps = []
cur = None
with open(f'/proc/{pid}/smaps') as f:
    for line in f:
        first = line.split(' ', 1)[0]
        if '-' in first and not line.startswith('VmFlags'):
            parts = line.split()
            cur = {'perms': parts[1], 'path': parts[5] if len(parts) > 5 else '', 'sl': False}
            maps.append(cur)
        elif line.startswith('VmFlags:') and cur is not None:
            cur['sl'] = 'sl' in line.split()[1:]
ok = any(m['path'] == lib for m in maps)
print(('ok    ' if ok else 'FAIL  ') + f'{lib} mapped in {pid}')
for o in objs:
    ro = [m for m in maps if o in m['path'] and 'w' not in m['perms']]
    sealed = [m for m in ro if m['sl']]
    good = bool(ro) and len(sealed) == len(ro)
    ok = ok and good
    print(('ok    ' if good else 'FAIL  ') + f'{o}: {len(sealed)}/{len(ro)} non-writable mappings sealed')
sys.exit(0 if ok else 1)
