#!/usr/bin/env python3
"""autoseal status against an independent count made from /proc/PID/smaps.

The grouping rules are re-implemented here from docs/cli.md, not shared with
the C code.  Scenarios: a program with and without autoseal, one with a
dlopen'ed plugin, one with a writable+executable mapping.  Also checks
--require-sealed and error exit codes."""
import json
import os
import re
import subprocess
import sys
import time

HDR = re.compile(r'^([0-9a-f]+)-([0-9a-f]+) (\S{4}) ([0-9a-f]+) ([0-9a-f]+):([0-9a-f]+) (\d+)\s*(.*)$')
failures = []


def check(cond, what):
    print(('ok    ' if cond else 'FAIL  ') + what)
    if not cond:
        failures.append(what)


def read_maps(pid):
    maps = []
    with open(f'/proc/{pid}/smaps') as f:
        for line in f:
            line = line.rstrip('\n')
            m = HDR.match(line)
            if m:
                maps.append(dict(start=int(m[1], 16), end=int(m[2], 16), perms=m[3],
                                 dev=(m[5], m[6]), inode=int(m[7]), path=m[8],
                                 sealed=False, obj=None))
            elif line.startswith('VmFlags:'):
                maps[-1]['sealed'] = 'sl' in line[len('VmFlags:'):].split()
    return maps


def independent(maps):
    def filebacked(m):
        return m['inode'] != 0 and m['path'] and not m['path'].startswith('[')

    def anon(m):
        return m['inode'] == 0 and m['path'] == ''

    def same(a, b):
        return (a['inode'], a['dev'], a['path']) == (b['inode'], b['dev'], b['path'])

    objs = []  # list of lists of map indexes
    cur = None
    last = None
    for i, m in enumerate(maps):
        if filebacked(m):
            if cur is not None and same(maps[objs[cur][0]], m):
                objs[cur].append(i)
            else:
                objs.append([i])
                cur = len(objs) - 1
            last = i
            continue
        if cur is not None and anon(m) and last == i - 1 and maps[last]['end'] == m['start']:
            nxt = maps[i + 1] if i + 1 < len(maps) else None
            if (m['perms'][:3] == '---' and nxt is not None and filebacked(nxt)
                    and same(nxt, maps[objs[cur][0]]) and nxt['start'] == m['end']):
                objs[cur].append(i)
                last = i
                continue
            if m['perms'][:2] == 'rw' and maps[last]['perms'][1] == 'w' and filebacked(maps[last]):
                objs[cur].append(i)
                cur = None
                continue
        cur = None
    objs = [o for o in objs if any(maps[i]['perms'][2] == 'x' for i in o)]

    def size(m):
        return m['end'] - m['start']

    r = dict(image=[0, 0], nonwritable=[0, 0], executable=[0, 0], wx=0, loaded=False,
             paths=[maps[o[0]]['path'] for o in objs], nw_unsealed=0)
    for o in objs:
        for i in o:
            m = maps[i]
            r['image'][0] += size(m)
            r['image'][1] += size(m) if m['sealed'] else 0
            if m['perms'][1] != 'w':
                r['nonwritable'][0] += size(m)
                r['nonwritable'][1] += size(m) if m['sealed'] else 0
                r['nw_unsealed'] += 0 if m['sealed'] else 1
            if os.path.basename(m['path']).startswith('libautoseal.so'):
                r['loaded'] = True
    for m in maps:
        if m['perms'][2] == 'x' and m['path'] != '[vsyscall]':
            r['executable'][0] += size(m)
            r['executable'][1] += size(m) if m['sealed'] else 0
        if m['perms'][1] == 'w' and m['perms'][2] == 'x':
            r['wx'] += 1
    return r


def status_json(tool, pid, *extra):
    p = subprocess.run([tool, 'status', '--json', *extra, str(pid)], capture_output=True,
                       text=True, timeout=30)
    return p.returncode, json.loads(p.stdout)


def compare(tool, pid, label):
    # smaps of a waiting process is stable; read before and after to be sure.
    for _ in range(5):
        before = independent(read_maps(pid))
        rc, js = status_json(tool, pid)
        after = independent(read_maps(pid))
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
    return p, before


def start(argv, env=None):
    pr = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True)
    line = pr.stdout.readline()
    if line.strip() != 'ready':
        pr.kill()
        raise SystemExit(f'{argv}: did not become ready ({line!r})')
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
    stop(pr)

    # 3. a dlopen'ed plugin, with autoseal
    pr = start([tool, 'run', '--', sleeper, '--dlopen', plugin], env)
    p, ind = compare(tool, pr.pid, 'dlopen')
    real = os.path.realpath(plugin)
    check(any(o['path'] == real for o in p['objects']), f'dlopen: plugin {real} listed as an object')
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

    n = len(failures)
    print(f'{n} failed' if n else 'all passed')
    return 1 if n else 0


if __name__ == '__main__':
    sys.exit(main())
