#!/usr/bin/env python3
"""Run the MXNet 1.9.1 unit tests that remx passes (a ratchet for CI).

usage: python ci/upstream.py [LIST] [--python PY] [--timeout S]

LIST (default ci/upstream_pass.txt) holds test ids, ``test_file::test_name``, one a line. Each
file is run through ``../shared/mxnet-tests/run --must`` with ``-k`` selecting only the listed
tests (tests that do not pass yet are not run, which keeps CI short); every listed test must
pass. Prints the suite's per-file lines and exits non-zero when a listed test did not pass.
"""
import argparse
import collections
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SUITE = os.path.join(os.path.dirname(ROOT), 'shared', 'mxnet-tests', 'run')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('list', nargs='?', default=os.path.join(HERE, 'upstream_pass.txt'))
    ap.add_argument('--python', default=os.path.join(ROOT, '.venv', 'bin', 'python'))
    ap.add_argument('--timeout', type=int, default=300)
    a = ap.parse_args()
    if not os.path.exists(SUITE):
        print('upstream: %s not found (MXNet 1.9.1\'s tests live in ../shared beside the '
              'clone)' % SUITE, file=sys.stderr)
        return 2
    by_file = collections.OrderedDict()
    for line in open(a.list):
        t = line.strip()
        if t and not t.startswith('#'):
            f, name = t.split('::', 1)
            by_file.setdefault(f, []).append(name)
    failed = []
    total = 0
    start = time.time()
    for f, names in by_file.items():
        with tempfile.NamedTemporaryFile('w', suffix='.txt', delete=False) as must:
            must.write(''.join('%s::%s\n' % (f, n) for n in names))
        t0 = time.time()
        p = subprocess.run([sys.executable, SUITE, '--python', a.python, '--timeout',
                            str(a.timeout), '--must', must.name, '-k', ' or '.join(sorted({n.split('::')[-1] for n in names})), f],
                           cwd=ROOT, capture_output=True, text=True)
        os.unlink(must.name)
        lines = p.stdout.splitlines()
        for ln in lines:
            if ln.startswith('must pass, did not:'):
                failed.append(ln.split(':', 1)[1].strip())
        head = [ln for ln in lines if ln.startswith(f + ':')]
        print('%s (%d listed, %.0f s)' % (head[0] if head else f + ': ?', len(names),
                                         time.time() - t0), flush=True)
        if p.returncode and not any(ln.startswith('must pass') for ln in lines):
            print(p.stdout[-2000:], p.stderr[-2000:], file=sys.stderr)
            failed.append('%s (the suite exited %d)' % (f, p.returncode))
        total += len(names)
    for t in failed:
        print('must pass, did not: %s' % t)
    print('upstream: %d listed MXNet 1.9.1 tests, %d did not pass, %.0f s'
          % (total, len(failed), time.time() - start))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
