#!/usr/bin/env python3
"""autoseal check: verdicts on real system binaries and clear per-file errors
(exit 1, no crash, no hang) on crafted malformed input."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

failures = []
HERE = os.path.dirname(os.path.abspath(__file__))


def check(cond, what):
    print(('ok    ' if cond else 'FAIL  ') + what)
    if not cond:
        failures.append(what)


def run(tool, *args):
    return subprocess.run([tool, 'check', *args], capture_output=True, text=True, timeout=30)


def one(tool, path):
    r = run(tool, '--json', path)
    js = json.loads(r.stdout)
    return r.returncode, js['files'][0]


def main():
    tool = sys.argv[1]
    tmp = tempfile.mkdtemp(prefix='autoseal-check-')
    try:
        # A PIE
        rc, f = one(tool, '/usr/bin/ls')
        check(rc == 0 and f['ok'], f'/usr/bin/ls: analysed, exit 0 (got {rc})')
        check(f['link'] == 'dynamic' and f['pie'] and f['interpreter'].startswith('/lib'),
              '/usr/bin/ls: dynamic PIE with an interpreter')
        check('libc.so.6' in f['needed'], '/usr/bin/ls: DT_NEEDED has libc.so.6')
        check(f['verdict']['protectable'] in ('yes', 'partial'), '/usr/bin/ls: protectable')
        check(f['relro'] in ('partial', 'full') and f['execstack'] is False, '/usr/bin/ls: RELRO, no exec stack')

        # A static binary and a static-pie one, built here
        src = os.path.join(tmp, 's.c')
        with open(src, 'w') as fh:
            fh.write('int main(void){return 0;}\n')
        st = os.path.join(tmp, 'static')
        subprocess.run(['gcc', '-static', '-o', st, src], check=True)
        rc, f = one(tool, st)
        check(rc == 0 and f['link'] == 'static' and f['interpreter'] is None,
              f'static: link=static, no interpreter, exit 0 (got {rc}, {f.get("link")})')
        check(f['verdict']['protectable'] == 'partial' and f['path'] == 'launcher' and
              any('LD_PRELOAD' in x for x in f['verdict']['limits']),
              'static: verdict partial through the launcher, because LD_PRELOAD is ignored')
        spie = os.path.join(tmp, 'static-pie')
        subprocess.run(['gcc', '-static-pie', '-fPIE', '-o', spie, src], check=True)
        rc, f = one(tool, spie)
        check(rc == 0 and f['link'] == 'static-pie' and f['pie'] and f['path'] == 'launcher',
              f'static-pie: detected, launcher path (got {f.get("link")}, {f.get("path")})')

        # busybox-static from Debian, when its package list installed it
        if os.path.exists('/bin/busybox'):
            rc, f = one(tool, '/bin/busybox')
            check(f['link'] in ('static', 'static-pie') and f['path'] == 'launcher',
                  f'/bin/busybox: static, launcher path (got {f.get("link")}, {f.get("path")})')

        # A setuid binary
        suid = '/usr/bin/passwd' if os.path.exists('/usr/bin/passwd') else '/usr/bin/su'
        rc, f = one(tool, suid)
        check(rc == 1 and f['setuid'] and f['verdict']['protectable'] == 'no' and f['path'] == 'none',
              f'{suid}: setuid, verdict no, path none, exit 1 (got {rc})')
        check(any('ld.so.preload' in x for x in f['verdict']['limits']), f'{suid}: says what to do instead')

        # A file-capability binary (copy + setcap)
        cap = os.path.join(tmp, 'captrue')
        shutil.copy('/bin/true', cap)
        r = subprocess.run(['setcap', 'cap_net_bind_service=+ep', cap], capture_output=True)
        if r.returncode == 0:
            rc, f = one(tool, cap)
            check(rc == 1 and f['capabilities'] and f['verdict']['protectable'] == 'no',
                  'file capabilities: detected, verdict no')
        else:
            check(False, f'setcap failed: {r.stderr!r}')

        # A library
        libc = '/lib/x86_64-linux-gnu/libc.so.6'
        rc, f = one(tool, libc)
        check(rc == 0 and f['soname'] == 'libc.so.6' and not f['pie'] and f['type'] == 'shared-object',
              f'libc.so.6: a shared library, not a PIE (pie={f.get("pie")})')
        check(f['verdict']['protectable'] in ('yes', 'partial'), 'libc.so.6: protectable when loaded')

        # The human output has the same verdict
        r = run(tool, '/usr/bin/ls')
        check(r.returncode == 0 and 'verdict' in r.stdout and 'interpreter' in r.stdout, 'human output')

        # Malformed input
        mal = os.path.join(tmp, 'mal')
        names = subprocess.run([sys.executable, os.path.join(HERE, 'make_malformed.py'), mal,
                                '/usr/bin/ls'], check=True, capture_output=True, text=True).stdout.split()
        check(len(names) >= 12, f'{len(names)} malformed files made')
        for n in names:
            p = os.path.join(mal, n)
            r = run(tool, p)
            check(r.returncode == 1 and r.stderr.startswith(f'autoseal: {p}: ') and r.stdout == '',
                  f'malformed {n}: exit 1 with a per-file error ({r.returncode}: {r.stderr.strip()})')
            r = run(tool, '--json', p)
            js = json.loads(r.stdout)
            check(r.returncode == 1 and js['files'][0]['ok'] is False and js['files'][0]['error'],
                  f'malformed {n}: JSON error entry')
        # Not files
        for p, what in ((tmp, 'directory'), ('/dev/null', 'character device'),
                        (os.path.join(tmp, 'missing'), 'missing file')):
            r = run(tool, p)
            check(r.returncode == 1 and f'{p}:' in r.stderr, f'{what}: exit 1 with error ({r.stderr.strip()})')
        fifo = os.path.join(tmp, 'fifo')
        os.mkfifo(fifo)
        r = run(tool, fifo)  # must not block
        check(r.returncode == 1, 'fifo: refused without blocking')
        # Mixed: good + bad files: every file reported, exit 1
        r = run(tool, '--json', '/usr/bin/ls', os.path.join(mal, 'zero-length'), libc)
        js = json.loads(r.stdout)
        check(r.returncode == 1 and [x['ok'] for x in js['files']] == [True, False, True],
              'mixed list: each file reported, exit 1')
        # It never executes: a "binary" that would create a file if run
        trap = os.path.join(tmp, 'trap.sh')
        with open(trap, 'w') as fh:
            fh.write(f'#!/bin/sh\ntouch {tmp}/executed\n')
        os.chmod(trap, 0o755)
        run(tool, trap)
        check(not os.path.exists(os.path.join(tmp, 'executed')), 'check never executes the file')
        # Usage
        r = run(tool)
        check(r.returncode == 2, 'check without FILE exits 2')
        r = run(tool, '--nope', '/bin/true')
        check(r.returncode == 2, 'check with an unknown option exits 2')
    finally:
        shutil.rmtree(tmp)
    n = len(failures)
    print(f'{n} failed' if n else 'all passed')
    return 1 if n else 0


if __name__ == '__main__':
    sys.exit(main())
