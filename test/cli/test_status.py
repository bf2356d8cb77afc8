#!/usr/bin/env python3
"""autoseal status against an independent count made from /proc/PID/smaps.

The grouping rules are re-implemented here from docs/cli.md, not shared with
the C code: an object's image is the PT_LOAD extent read from the mapped
file's program headers (parsed here with struct), the adjacency heuristic
when the file cannot be read.  Scenarios: a program with and without
autoseal, one with a dlopen'ed plugin, one with an anonymous mapping right
after the plugin's image, one with a writable+executable mapping; the ld.so
__stack_prot exemption (default, mode=off, ldso-relro=all).  Also checks
--require-sealed, --strict, the human table and error exit codes."""
import json
import os
import re
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from smaps_oracle import DELETED, read_smaps  # noqa: E402

PAGE = os.sysconf('SC_PAGESIZE')

failures = []


def check(cond, what):
    print(('ok    ' if cond else 'FAIL  ') + what)
    if not cond:
        failures.append(what)


def read_maps(pid):
    """The mappings of /proc/PID/smaps (test/lib/smaps_oracle.py) as dicts."""
    return [dict(start=m.start, end=m.end, perms=m.perms, offset=m.offset,
                 dev=tuple(m.dev.split(':', 1)), inode=m.inode,
                 path=m.path + (DELETED if m.deleted else ''), sealed=m.sealed, obj=None)
            for m in read_smaps(pid)]


def elf_headers(pid, m):
    """PT_LOAD list, PT_GNU_RELRO of the file mapping m maps, or None."""
    for path in (f'/proc/{pid}/map_files/{m["start"]:x}-{m["end"]:x}', m['path']):
        try:
            with open(path, 'rb') as f:
                st = os.fstat(f.fileno())
                if st.st_ino != m['inode']:
                    continue
                head = f.read(64)
                if head[:4] != b'\x7fELF' or head[4] != 2:  # 64-bit only here
                    return None
                phoff, = struct.unpack_from('<Q', head, 32)
                phentsize, phnum = struct.unpack_from('<HH', head, 54)
                f.seek(phoff)
                table = f.read(phentsize * phnum)
        except OSError:
            continue
        loads, relro = [], None
        for k in range(phnum):
            typ, _flags, off, vaddr, _pa, _filesz, memsz, _al = struct.unpack_from('<IIQQQQQQ', table, k * phentsize)
            if typ == 1:
                loads.append((vaddr, off, memsz))
            elif typ == 0x6474e552 and relro is None:
                relro = (vaddr, memsz)
        return (loads, relro) if loads else None
    return None


def down(v):
    return v - v % PAGE


def up(v):
    return down(v + PAGE - 1)


def independent(maps, pid):
    """Objects as lists of (map index, counted start, counted end)."""
    def filebacked(m):
        return m['inode'] != 0 and m['path'] and not m['path'].startswith('[')

    def anon(m):
        return m['inode'] == 0 and m['path'] == ''

    def same(a, b):
        return (a['inode'], a['dev'], a['path']) == (b['inode'], b['dev'], b['path'])

    owner = [None] * len(maps)
    objs, extents, relros = [], [], []
    for i, m in enumerate(maps):
        if not filebacked(m) or owner[i] is not None:
            continue
        k = len(objs)
        members = []
        hdr = elf_headers(pid, m)
        first = min(hdr[0]) if hdr else None
        if hdr and m['offset'] == down(first[1]):
            base = m['start'] - down(first[0])
            lo = base + down(min(v for v, _, _ in hdr[0]))
            hi = base + up(max(v + sz for v, _, sz in hdr[0]))
            for j, x in enumerate(maps):
                if owner[j] is None and x['start'] < hi and x['end'] > lo and (anon(x) or same(x, m)):
                    owner[j] = k
                    members.append((j, max(x['start'], lo), min(x['end'], hi)))
            extents.append((lo, hi))
            relros.append((base + hdr[1][0], base + hdr[1][0] + hdr[1][1]) if hdr[1] else None)
        else:
            # the heuristic: same file, PROT_NONE gaps, one anonymous rw bss tail
            owner[i] = k
            members.append((i, m['start'], m['end']))
            last = i
            for j in range(i + 1, len(maps)):
                x = maps[j]
                if filebacked(x):
                    if not same(x, m):
                        break
                    owner[j] = k
                    members.append((j, x['start'], x['end']))
                    last = j
                    continue
                if not anon(x) or last != j - 1 or maps[last]['end'] != x['start']:
                    break
                nxt = maps[j + 1] if j + 1 < len(maps) else None
                if (x['perms'][:3] == '---' and nxt is not None and filebacked(nxt)
                        and same(nxt, m) and nxt['start'] == x['end']):
                    owner[j] = k
                    members.append((j, x['start'], x['end']))
                    last = j
                    continue
                if x['perms'][:2] == 'rw' and maps[last]['perms'][1] == 'w' and filebacked(maps[last]):
                    owner[j] = k
                    members.append((j, x['start'], x['end']))
                break
            extents.append(None)
            relros.append(None)
        objs.append(members)
    keep = [k for k, o in enumerate(objs) if any(maps[j]['perms'][2] == 'x' for j, _, _ in o)]
    objs = [objs[k] for k in keep]
    extents = [extents[k] for k in keep]
    relros = [relros[k] for k in keep]

    r = dict(image=[0, 0], nonwritable=[0, 0], executable=[0, 0], wx=0, loaded=False,
             paths=[maps[o[0][0]]['path'] for o in objs], nw_unsealed=0, extents=extents,
             relros=relros, objects=objs, obj_image=[])
    for o in objs:
        img = [0, 0]
        for i, s0, e0 in o:
            m = maps[i]
            size = e0 - s0
            img[0] += size
            img[1] += size if m['sealed'] else 0
            if m['perms'][1] != 'w':
                r['nonwritable'][0] += size
                r['nonwritable'][1] += size if m['sealed'] else 0
                r['nw_unsealed'] += 0 if m['sealed'] else 1
            if os.path.basename(m['path']).startswith('libautoseal.so'):
                r['loaded'] = True
        r['image'][0] += img[0]
        r['image'][1] += img[1]
        r['obj_image'].append(img)
    for m in maps:
        if m['perms'][2] == 'x' and m['path'] != '[vsyscall]':
            r['executable'][0] += m['end'] - m['start']
            r['executable'][1] += m['end'] - m['start'] if m['sealed'] else 0
        if m['perms'][1] == 'w' and m['perms'][2] == 'x':
            r['wx'] += 1
    return r


def old_heuristic_image(maps, path):
    """Bytes the adjacency heuristic alone gives the object at path."""
    total, inside, last = 0, False, None
    for i, m in enumerate(maps):
        if m['path'] == path:
            total += m['end'] - m['start']
            inside, last = True, i
        elif inside and m['inode'] == 0 and m['path'] == '' and last == i - 1 \
                and maps[last]['end'] == m['start'] and m['perms'][:2] == 'rw':
            total += m['end'] - m['start']
            inside = False
        else:
            inside = False
    return total
def expected_exempt(pid, ind):
    """Independently: ld.so's unsealed non-writable mappings, when each is
    made of pages inside its rounded RELRO that hold a __stack_prot value."""
    maps = read_maps(pid)
    out = []
    for k, members in enumerate(ind['objects']):
        path = maps[members[0][0]]['path']
        if not re.fullmatch(r'ld-linux.*\.so.*', os.path.basename(path)) or ind['relros'][k] is None:
            continue
        rs, re_ = ind['relros'][k]
        unsealed = [maps[j] for j, _, _ in members if maps[j]['perms'][1] != 'w' and not maps[j]['sealed']]
        ok = True
        with open(f'/proc/{pid}/mem', 'rb') as mem:
            for m in unsealed:
                if m['start'] < down(rs) or m['end'] > down(re_):
                    ok = False
                    continue
                for pg in range(m['start'], m['end'], PAGE):
                    a, b = max(pg, rs), min(pg + PAGE, re_)
                    a = (a + 3) & ~3
                    mem.seek(a)
                    data = mem.read(max(b - a, 0))
                    vals = struct.unpack(f'<{len(data) // 4}I', data[:len(data) // 4 * 4])
                    if not any(v in (0x01000000, 0x01000003) for v in vals):
                        ok = False
        if ok:
            out += [(m['start'], m['end']) for m in unsealed]
    return sorted(out)


TABLE = re.compile(r'^  ([ 0-9.KMB]{9}) ([ 0-9.KMB]{9}) ([ 0-9.KMB]{9}) ([-XWEH]+ *) (\S.*)$')


def check_table(text, p, label):
    """The human table: fixed columns, the object path last and whole."""
    lines = text.splitlines()
    hdr = [i for i, l in enumerate(lines) if l.split() == ['SEALED', 'UNSEALED', 'RO-UNSEAL', 'FLAGS', 'OBJECT']]
    check(len(hdr) == 1, f'{label}: table header present')
    if not hdr:
        return
    col = lines[hdr[0]].index('OBJECT')
    rows = [l for l in lines[hdr[0] + 1:] if TABLE.match(l)]
    paths = [l[col:] for l in rows]
    check(paths == [o['path'] for o in p['objects']],
          f'{label}: one row per object, path starting at column {col}, untruncated')
    check(all(len(TABLE.match(l)[4]) == 5 for l in rows), f'{label}: FLAGS column 5 wide')


def status_json(tool, pid, *extra):
    p = subprocess.run([tool, 'status', '--json', *extra, str(pid)], capture_output=True,
                       text=True, timeout=30)
    return p.returncode, json.loads(p.stdout)


def compare(tool, pid, label):
    # smaps of a waiting process is stable; read before and after to be sure.
    for _ in range(5):
        before = independent(read_maps(pid), pid)
        rc, js = status_json(tool, pid)
        after = independent(read_maps(pid), pid)
        if before == after:
            break
        time.sleep(0.2)
    check(before == after, f'{label}: smaps stable during the check')
    check(rc == 0, f'{label}: status exit 0 (got {rc})')
    p = js['processes'][0]
    check(p['ok'] and p['pid'] == pid, f'{label}: process entry ok')
    for key, mine in (('image', 'image'), ('nonwritable_image', 'nonwritable'),
                      ('executable', 'executable')):
        got = [p[key]['bytes'], p[key]['sealed']]
        check(got == before[mine], f'{label}: {key} bytes/sealed {got} == independent {before[mine]}')
    check(p['wx_mappings'] == before['wx'], f'{label}: wx_mappings {p["wx_mappings"]} == {before["wx"]}')
    check(p['autoseal_loaded'] == before['loaded'],
          f'{label}: autoseal_loaded {p["autoseal_loaded"]} == {before["loaded"]}')
    check(p['nonwritable_unsealed_mappings'] == before['nw_unsealed'],
          f'{label}: nonwritable_unsealed_mappings {p["nonwritable_unsealed_mappings"]} == {before["nw_unsealed"]}')
    check([o['path'] for o in p['objects']] == before['paths'], f'{label}: same objects in same order')
    got = [[o['image']['bytes'], o['image']['sealed']] for o in p['objects']]
    check(got == before['obj_image'], f'{label}: per-object image bytes/sealed match')
    ext = [(int(o['extent']['start'], 16), int(o['extent']['end'], 16)) if o['extent'] else None
           for o in p['objects']]
    check(ext == before['extents'], f'{label}: per-object extents match')
    check(all((o['layout'] == 'elf') == (o['extent'] is not None) for o in p['objects']),
          f'{label}: layout "elf" exactly when an extent is given')
    check(p['heuristic_objects'] == sum(1 for e in before['extents'] if e is None),
          f'{label}: heuristic_objects {p["heuristic_objects"]}')
    return p, before


def start(argv, env=None):
    pr = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True)
    line = pr.stdout.readline()
    if line.split()[:1] != ['ready']:
        pr.kill()
        raise SystemExit(f'{argv}: did not become ready ({line!r})')
    pr.ready = line.split()[1:]
    return pr


def stop(pr):
    pr.stdin.close()
    pr.wait(timeout=10)


def main():
    tool, sleeper, plugin = sys.argv[1:4]
    env = dict(os.environ)
    env.pop('LD_PRELOAD', None)
    env.pop('AUTOSEAL_OPTIONS', None)

    # 1. without autoseal: nothing of the image is sealed
    pr = start([sleeper], env)
    p, ind = compare(tool, pr.pid, 'plain')
    check(not p['autoseal_loaded'] and p['image']['sealed'] == 0, 'plain: nothing sealed, no libautoseal')
    rc, _ = status_json(tool, pr.pid, '--require-sealed')
    check(rc == 1, f'plain: --require-sealed exits 1 (got {rc})')
    stop(pr)

    # 2. with autoseal (ldso-relro=all so that every non-writable page is sealed)
    pr = start([tool, 'run', '-o', 'ldso-relro=all', '--', sleeper], env)
    p, ind = compare(tool, pr.pid, 'autoseal')
    check(p['autoseal_loaded'], 'autoseal: libautoseal reported loaded')
    check(p['nonwritable_image']['percent'] == 100.0, f'autoseal: non-writable image 100% sealed ({p["nonwritable_image"]["percent"]})')
    rc, _ = status_json(tool, pr.pid, '--require-sealed')
    check(rc == 0, f'autoseal: --require-sealed exits 0 (got {rc})')
    check(p['exempt_mappings'] == 0 and all(o['exempt'] == [] for o in p['objects']),
          f'ldso-relro=all: no exemption ({p["exempt_mappings"]})')
    human = subprocess.run([tool, 'status', str(pr.pid)], capture_output=True, text=True).stdout
    check('exempt (ld.so' not in human and ' 0 exempt)' in human,
          'ldso-relro=all: human output shows no exemption')
    stop(pr)

    # 2b. default options: the ld.so __stack_prot page is exempt
    pr = start([tool, 'run', '--', sleeper], env)
    p, ind = compare(tool, pr.pid, 'default')
    ldso_pages = expected_exempt(pr.pid, ind)
    check(len(ldso_pages) >= 1, f'default: independent check finds {len(ldso_pages)} __stack_prot page(s) unsealed')
    got = sorted((int(m['start'], 16), int(m['end'], 16)) for o in p['objects'] for m in o['exempt'])
    check(got == ldso_pages, f'default: exempt mappings {got} == independent {ldso_pages}')
    check(p['exempt_mappings'] == len(ldso_pages) == p['nonwritable_unsealed_mappings'],
          f'default: exempt_mappings {p["exempt_mappings"]} == unsealed non-writable {p["nonwritable_unsealed_mappings"]}')
    check(all(m['reason'] == 'ld.so __stack_prot page, ldso-relro=safe'
              for o in p['objects'] for m in o['exempt']), 'default: exemption reason given')
    rc, _ = status_json(tool, pr.pid, '--require-sealed')
    check(rc == 0, f'default: --require-sealed exits 0 (got {rc})')
    rc, _ = status_json(tool, pr.pid, '--require-sealed', '--strict')
    check(rc == 1, f'default: --require-sealed --strict exits 1 (got {rc})')
    r = subprocess.run([tool, 'status', '--require-sealed', str(pr.pid)], capture_output=True, text=True)
    check(r.returncode == 0 and 'exempt (ld.so __stack_prot page, ldso-relro=safe)' in r.stdout,
          f'default: human output names the exemption (exit {r.returncode})')
    check_table(r.stdout, p, 'default')
    r = subprocess.run([tool, 'status', '--all', '--require-sealed'], capture_output=True, text=True, timeout=60)
    check(str(pr.pid) in r.stdout, '--all lists the default process')
    stop(pr)

    # 2c. mode=off: nothing sealed, no exemption, --require-sealed fails
    off = dict(env, AUTOSEAL_OPTIONS='mode=off')
    pr = start([tool, 'run', '--', sleeper], off)
    p, ind = compare(tool, pr.pid, 'mode=off')
    check(p['autoseal_loaded'] and p['exempt_mappings'] == 0,
          f'mode=off: libautoseal loaded, no exemption ({p["exempt_mappings"]})')
    rc, _ = status_json(tool, pr.pid, '--require-sealed')
    check(rc == 1, f'mode=off: --require-sealed exits 1 (got {rc})')
    stop(pr)

    # 3. a dlopen'ed plugin, with autoseal
    pr = start([tool, 'run', '--', sleeper, '--dlopen', plugin], env)
    p, ind = compare(tool, pr.pid, 'dlopen')
    real = os.path.realpath(plugin)
    check(any(o['path'] == real for o in p['objects']), f'dlopen: plugin {real} listed as an object')
    r = subprocess.run([tool, 'status', str(pr.pid)], capture_output=True, text=True)
    check_table(r.stdout, p, 'dlopen')
    stop(pr)

    # 3b. an anonymous rw mapping right after the plugin's image is not image
    for label, argv in (('adjacent', [sleeper, '--adjacent', '--dlopen', plugin]),
                        ('adjacent+autoseal', [tool, 'run', '--', sleeper, '--adjacent', '--dlopen', plugin])):
        pr = start(argv, env)
        lo, hi = (int(x, 16) for x in pr.ready)
        p, ind = compare(tool, pr.pid, label)
        maps = read_maps(pr.pid)
        check(any(m['inode'] == 0 and m['path'] == '' and m['start'] <= hi and m['end'] >= hi + 2 * PAGE
                  for m in maps), f'{label}: an anonymous mapping covers the 2 pages after the image')
        obj = [o for o in p['objects'] if o['path'] == real]
        check(len(obj) == 1, f'{label}: plugin listed once')
        if obj:
            o = obj[0]
            check(o['layout'] == 'elf' and o['extent'] == {'start': f'0x{lo:x}', 'end': f'0x{hi:x}'},
                  f'{label}: plugin extent {o["extent"]} == dl_iterate_phdr 0x{lo:x}-0x{hi:x}')
            check(o['image']['bytes'] == hi - lo, f'{label}: plugin image {o["image"]["bytes"]} == {hi - lo}')
            old = old_heuristic_image(maps, real)
            check(old >= hi - lo + 2 * PAGE,
                  f'{label}: the adjacency heuristic alone would count {old} (the case is exercised)')
        stop(pr)

    # 4. a writable+executable mapping, with and without autoseal
    for label, argv in (('rwx', [sleeper, '--rwx']),
                        ('rwx+autoseal', [tool, 'run', '--', sleeper, '--rwx'])):
        pr = start(argv, env)
        p, ind = compare(tool, pr.pid, label)
        check(p['wx_mappings'] >= 1 and len(p['wx']) == p['wx_mappings'],
              f'{label}: W+X mapping reported ({p["wx_mappings"]})')
        check(all(w['perms'].startswith('rwx') for w in p['wx']), f'{label}: W+X list holds rwx mappings')
        human = subprocess.run([tool, 'status', str(pr.pid)], capture_output=True, text=True).stdout
        check('writable+executable:' in human, f'{label}: human output lists the W+X mapping')
        stop(pr)

    # 5. --all includes a process of ours, errors and usage
    pr = start([tool, 'run', '--', sleeper], env)
    out = subprocess.run([tool, 'status', '--all', '--json'], capture_output=True, text=True, timeout=60)
    js = json.loads(out.stdout)
    check(out.returncode == 0 and any(x['pid'] == pr.pid and x['autoseal_loaded'] for x in js['processes']),
          '--all --json lists our preloaded process')
    ro = [x['nonwritable_image']['percent'] for x in js['processes']]
    check(ro == sorted(ro), '--all is sorted worst first')
    stop(pr)
    r = subprocess.run([tool, 'status', '4194305'], capture_output=True, text=True)
    check(r.returncode == 2, f'status with an out-of-range PID is a usage error (got {r.returncode})')
    r = subprocess.run([tool, 'status', '4194304'], capture_output=True, text=True)
    check(r.returncode == 1 and 'cannot read' in r.stderr, f'status of a missing process exits 1 (got {r.returncode})')
    r = subprocess.run([tool, 'status'], capture_output=True, text=True)
    check(r.returncode == 2, 'status without PID exits 2')
    r = subprocess.run([tool, 'status', '--bogus', '1'], capture_output=True, text=True)
    check(r.returncode == 2, 'status with an unknown option exits 2')
    r = subprocess.run([tool, 'status', '--strict', '1'], capture_output=True, text=True)
    check(r.returncode == 2, '--strict without --require-sealed exits 2')

    n = len(failures)
    print(f'{n} failed' if n else 'all passed')
    return 1 if n else 0


if __name__ == '__main__':
    sys.exit(main())
