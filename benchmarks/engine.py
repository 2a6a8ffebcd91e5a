"""The execution engine: NaiveEngine vs the threaded engines, on the cases MXNet's docs name
(independent branches of large ops, Python work overlapping computation) and on training.

    python benchmarks/engine.py [--repeats 3] [--no-train]

Every configuration runs in a fresh process with ``MXNET_ENGINE_TYPE`` set (and, for the
threaded rows, ``MXNET_CPU_WORKER_NTHREADS=2``); the tables print medians. The branch case
cases run twice: with one intra-op thread per op (``torch.set_num_threads(1)``; MXNet gives
each engine worker its share of the cores, so a worker's op leaves the other cores to the other
branch and to Python) and with torch's default thread count (every op already uses all cores,
so on a small machine there is little left to overlap). Training is examples/train.py (LeNet
on the digits) and a Gluon MLP on random data, imperative and hybridized, in samples/s.
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

_CASES = r'''
import sys, time
sys.path.insert(0, %(root)r)
import numpy as np
import torch
import mxnet as mx
case = %(case)r
if %(one_thread)r:
    torch.set_num_threads(1)
nd = mx.nd

def branches():
    # two independent chains of large ops: C and D may run at the same time
    a = nd.ones((1024, 1024))
    b = nd.ones((1024, 1024)) * 0.5
    for _ in range(4):
        c = nd.dot(a, a)
        d = nd.dot(b, b)
        c = nd.dot(c, a)
        d = nd.dot(d, b)
    nd.waitall()

def python_overlap():
    # a large op, then Python-side work that does not need its result, then the wait
    a = nd.ones((1024, 1024))
    rng = np.random.default_rng(0)
    s = 0.0
    for _ in range(4):
        c = nd.dot(a, a)
        xs = sorted(rng.random(40000).tolist())   # the program's own work
        s += sum(xs[::7])
        c.wait_to_read()
    return s

def mlp(hybridize):
    from mxnet import gluon, autograd
    net = gluon.nn.HybridSequential()
    net.add(gluon.nn.Dense(1024, activation='relu'), gluon.nn.Dense(1024, activation='relu'),
            gluon.nn.Dense(10))
    net.initialize(mx.init.Xavier())
    if hybridize:
        net.hybridize()
    trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.01})
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    rng = np.random.default_rng(0)
    x = nd.array(rng.random((256, 512)))
    y = nd.array(rng.integers(0, 10, 256))

    def step():
        for _ in range(10):
            with autograd.record():
                loss = loss_fn(net(x), y)
            loss.backward()
            trainer.step(256)
        loss.asnumpy()
    return step

if case.startswith('mlp'):
    fn = mlp(case == 'mlp_hybridized')
else:
    fn = branches if case == 'branches' else python_overlap
fn()
times = []
for _ in range(5):
    t0 = time.perf_counter()
    fn()
    times.append(time.perf_counter() - t0)
times.sort()
print('TIME %%.6f' %% times[2])
'''


def _run_case(case, engine, one_thread):
    env = dict(os.environ, MXNET_ENGINE_TYPE=engine, MXNET_CPU_WORKER_NTHREADS='2')
    code = _CASES % {'root': ROOT, 'case': case, 'one_thread': one_thread}
    p = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, env=env)
    m = re.search(r'TIME ([0-9.]+)', p.stdout)
    if not m:
        raise SystemExit('%s under %s failed:\n%s' % (case, engine, p.stderr[-2000:]))
    return float(m.group(1)) * 1e3


def _run_train(engine, hybridize):
    env = dict(os.environ, MXNET_ENGINE_TYPE=engine)
    cmd = [sys.executable, TRAIN] + (['--hybridize'] if hybridize else [])
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    m = _LINE.search(p.stdout)
    if not m:
        raise SystemExit('train.py under %s failed:\n%s' % (engine, p.stderr[-2000:]))
    return float(m.group(2)), float(m.group(1))


def _pair(run, repeats):
    """Medians of run('NaiveEngine') and run('ThreadedEnginePerDevice'), alternating which goes
    first (a 2-core machine drifts between runs)."""
    n, t = [], []
    for i in range(repeats):
        if i % 2:
            t.append(run('ThreadedEnginePerDevice'))
            n.append(run('NaiveEngine'))
        else:
            n.append(run('NaiveEngine'))
            t.append(run('ThreadedEnginePerDevice'))
    return statistics.median(n), statistics.median(t)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--repeats', type=int, default=3)
    ap.add_argument('--no-train', action='store_true')
    args = ap.parse_args()
    print('ms per run (median)              torch threads  NaiveEngine  ThreadedEnginePerDevice'
          '  speedup')
    for case, label in [('branches', 'two independent branches'),
                        ('python_overlap', 'Python work beside a large op')]:
        for one, threads in [(True, 'one per op'), (False, 'default')]:
            naive, thr = _pair(lambda e: _run_case(case, e, one), args.repeats)
            print('%-32s %13s %12.1f %24.1f %8.2fx' % (label, threads, naive, thr, naive / thr))
    if args.no_train:
        return
    print()
    print('LeNet training, samples/s          NaiveEngine  ThreadedEnginePerDevice  ratio')
    for mode, hyb in [('imperative', False), ('hybridized', True)]:
        n, t = _pair(lambda e: _run_train(e, hyb)[0], args.repeats)
        print('%-32s %12.0f %24.0f %8.2fx' % (mode, n, t, t / n))
    print('MLP 512-1024-1024-10, samples/s')
    for mode in ('imperative', 'hybridized'):
        case = 'mlp_' + mode
        n, t = _pair(lambda e: _run_case(case, e, False), args.repeats)
        print('%-32s %12.0f %24.0f %8.2fx' % (mode, 2560 / n * 1e3, 2560 / t * 1e3, n / t))


if __name__ == '__main__':
    main()
