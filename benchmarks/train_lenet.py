"""The main job's speed: examples/train.py (LeNet on scikit-learn's digits, Gluon, Adam) under
remx and MXNet 1.9.1, imperative and hybridized, next to the same loop in plain PyTorch.

    python benchmarks/train_lenet.py [--ref .refmx/bin/python] [--repeats 3]

Each configuration runs in a fresh process (so first-call costs count, as a user sees them)
``--repeats`` times; the table prints the median training throughput in samples/s, measured
as examples/train.py measures it: 8 epochs, each with a pass of evaluation over the training
and test sets, and the final test accuracy. The MXNet column shows 'n/a' when the reference
venv is absent (see ../shared/reference.md).
"""
import argparse
import os
import re
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRAIN = os.path.join(ROOT, 'examples', 'train.py')
_LINE = re.compile(r'final test accuracy ([0-9.]+) .* ([0-9.]+) samples/s')

_TORCH = r'''
import sys, time
import numpy as np
import torch
from torch import nn
sys.path.insert(0, %r)
from train import load_digits
torch.manual_seed(42)
(xtr, ytr), (xte, yte) = load_digits(42)
xtr, ytr, xte, yte = map(torch.from_numpy, (xtr, ytr, xte, yte))
ytr, yte = ytr.long(), yte.long()
net = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2),
                    nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2),
                    nn.Flatten(), nn.Linear(128, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
                    nn.Linear(84, 10))
opt = torch.optim.Adam(net.parameters(), lr=0.002)
lossf = nn.CrossEntropyLoss()
def accuracy(x, y, bs):
    with torch.no_grad():
        return sum(int((net(x[i:i + bs]).argmax(1) == y[i:i + bs]).sum())
                   for i in range(0, len(x), bs)) / len(x)
start = time.time()
for epoch in range(8):
    perm = torch.randperm(len(xtr))
    for i in range(0, len(xtr), 64):
        idx = perm[i:i + 64]
        loss = lossf(net(xtr[idx]), ytr[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
    accuracy(xtr, ytr, 64), accuracy(xte, yte, 256)
el = time.time() - start
print('final test accuracy %%.4f (8 epochs, %%.1fs, %%.0f samples/s)'
      %% (accuracy(xte, yte, 256), el, 8 * len(xtr) / el))
'''


def _run(cmd, cwd):
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd)
    m = _LINE.search(p.stdout)
    if p.returncode != 0 or not m:
        raise RuntimeError('%s failed:\n%s' % (' '.join(cmd), p.stderr[-2000:]))
    return float(m.group(1)), float(m.group(2))


def _median(cmd, n, cwd):
    runs = [_run(cmd, cwd) for _ in range(n)]
    return runs[0][0], statistics.median(r[1] for r in runs)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--ref', default=os.path.join(ROOT, '.refmx', 'bin', 'python'))
    ap.add_argument('--repeats', type=int, default=3)
    args = ap.parse_args()
    scratch = os.path.join(ROOT, 'benchmarks')  # MXNet must not import the local package:
    refcwd = os.path.dirname(ROOT)               # run it from outside the repo
    rows = []
    for mode, flags in [('imperative', []), ('hybridized', ['--hybridize'])]:
        acc, ours = _median([sys.executable, TRAIN] + flags, args.repeats, scratch)
        if os.path.exists(args.ref):
            racc, ref = _median([args.ref, TRAIN] + flags, args.repeats, refcwd)
            ref_s = '%.0f (acc %.4f)' % (ref, racc)
            ratio = '%.2fx' % (ours / ref)
        else:
            ref_s = ratio = 'n/a'
        rows.append((mode, '%.0f (acc %.4f)' % (ours, acc), ref_s, ratio))
    tacc, tsp = _median([sys.executable, '-c', _TORCH % os.path.join(ROOT, 'examples')],
                        args.repeats, scratch)
    print('%-14s | %-24s | %-24s | %s' % ('LeNet, digits', 'remx samples/s',
                                            'MXNet 1.9.1 samples/s', 'remx/MXNet'))
    print('-' * 81)
    for mode, a, b, r in rows:
        print('%-14s | %-24s | %-24s | %s' % (mode, a, b, r))
    print('%-14s | %.0f (acc %.4f)' % ('plain PyTorch', tsp, tacc))


if __name__ == '__main__':
    main()
