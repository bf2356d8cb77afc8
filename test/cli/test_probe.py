#!/usr/bin/env python3
"""autoseal probe against independent probes made here with ctypes."""
import ctypes
import json
import mmap
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from smaps_oracle import read_smaps  # noqa: E402

failures = []


def check(cond, what):
    print(('ok    ' if cond else 'FAIL  ') + what)
    if not cond:
        failures.append(what)


def main():
    tool = sys.argv[1]
    r = subprocess.run([tool, 'probe', '--json'], capture_output=True, text=True, timeout=60)
    js = json.loads(r.stdout)
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    libc.prctl.restype = ctypes.c_int

    # mseal on a fresh private mapping of our own
    m = mmap.mmap(-1, mmap.PAGESIZE, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    addr = ctypes.addressof(ctypes.c_char.from_buffer(m))
    rc = libc.syscall(ctypes.c_long(462), ctypes.c_void_p(addr), ctypes.c_size_t(mmap.PAGESIZE),
                      ctypes.c_ulong(0))
    err = ctypes.get_errno()
    mine = 'available' if rc == 0 else {38: 'enosys', 1: 'eperm'}.get(err, 'error')
    check(js['mseal']['status'] == mine, f'mseal: tool says {js["mseal"]["status"]}, we found {mine}')

    # [vdso] sealed?
    vdso = next((m.sealed for m in read_smaps('self') if m.path == '[vdso]'), None)
    check(js['system_mappings_sealed'] == vdso,
          f'system mappings: tool says {js["system_mappings_sealed"]}, [vdso] here says {vdso}')

    # PR_GET_MDWE
    v = libc.prctl(66, 0, 0, 0, 0)
    check(js['mdwe']['supported'] == (v >= 0), f'PR_GET_MDWE supported: {js["mdwe"]["supported"]} vs {v >= 0}')

    # library loads (in the build tree it must)
    check(js['library']['loads'] is True and 'event=startup' in js['library']['startup_line'],
          f'library loads: {js["library"]}')
    expected = 0 if mine == 'available' and js['library']['loads'] else 1
    check(r.returncode == expected, f'exit status {r.returncode} == {expected}')

    h = subprocess.run([tool, 'probe'], capture_output=True, text=True, timeout=60)
    check(h.returncode == r.returncode and 'mseal:' in h.stdout and 'library loads:' in h.stdout,
          'human output')
    u = subprocess.run([tool, 'probe', 'extra'], capture_output=True, text=True)
    check(u.returncode == 2, 'probe with an argument exits 2')
    n = len(failures)
    print(f'{n} failed' if n else 'all passed')
    return 1 if n else 0


if __name__ == '__main__':
    sys.exit(main())
