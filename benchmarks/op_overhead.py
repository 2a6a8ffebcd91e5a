"""Per-operator overhead on tiny arrays: remx vs MXNet 1.9.1 vs plain PyTorch, in one run.

    python benchmarks/op_overhead.py [--ref .refmx/bin/python] [--n 20000]

Each case runs N times after a warm-up; the table prints microseconds per call (median of 5
repeats). The MXNet column is measured by running this same file under the reference
interpreter (see ../shared/reference.md); it shows 'n/a' when that venv is absent.
"""
import argparse
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _cases_mx(mx):
    nd = mx.nd
    a = nd.ones((2, 3))
    b = nd.ones((2, 3))
    x = nd.ones((4, 8))
    w = nd.ones((16, 8))
    bias = nd.zeros((16,))
    v = nd.ones((2, 3))
    v.attach_grad()

    def rec_step():
        with mx.autograd.record():
            y = v * v + v
        y.backward()
    return {
        'a + b': lambda: a + b,
        'a * 2.0': lambda: a * 2.0,
        'nd.relu(a)': lambda: nd.relu(a),
        'a.sum()': lambda: a.sum(),
        'nd.FullyConnected': lambda: nd.FullyConnected(x, w, bias, num_hidden=16),
        'a[1]': lambda: a[1],
        'record+backward': rec_step,
    }


def _cases_torch(torch):
    a = torch.ones((2, 3))
    b = torch.ones((2, 3))
    x = torch.ones((4, 8))
    w = torch.ones((16, 8))
    bias = torch.zeros((16,))
    v = torch.ones((2, 3), requires_grad=True)
    F = torch.nn.functional

    def rec_step():
        y = v * v + v
        y.backward(torch.ones_like(y))
    return {
        'a + b': lambda: a + b,
        'a * 2.0': lambda: a * 2.0,
        'nd.relu(a)': lambda: torch.relu(a),
        'a.sum()': lambda: a.sum(),
        'nd.FullyConnected': lambda: F.linear(x, w, bias),
        'a[1]': lambda: a[1],
        'record+backward': rec_step,
    }


def measure(cases, n):
    res = {}
    for name, fn in cases.items():
        for _ in range(min(n, 1000)):
            fn()
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            for _ in range(n):
                fn()
            times.append((time.perf_counter() - t0) / n * 1e6)
        times.sort()
        res[name] = times[2]
    return res


def child(kind, n):
    if kind == 'torch':
        import torch
        torch.set_num_threads(1)
        out = measure(_cases_torch(torch), n)
    else:
        import warnings
        warnings.filterwarnings('ignore')
        if kind == 'remx':
            sys.path.insert(0, ROOT)
        else:  # the reference must not see this repo's mxnet package
            sys.path = [p for p in sys.path if os.path.abspath(p or '.') != ROOT]
        import mxnet as mx
        if kind == 'remx':
            import torch
            torch.set_num_threads(1)
        out = measure(_cases_mx(mx), n)
        mx.nd.waitall()
    print(json.dumps(out))


def run(python, kind, n):
    p = subprocess.run([python, os.path.abspath(__file__), '--child', kind, '--n', str(n)],
                       capture_output=True, text=True, cwd='/', env=dict(
                           os.environ, OMP_NUM_THREADS='1', MXNET_ENGINE_TYPE='ThreadedEnginePerDevice'))
    if p.returncode != 0:
        sys.stderr.write(p.stderr[-2000:])
        return None
    return json.loads(p.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--ref', default=os.path.join(ROOT, '.refmx', 'bin', 'python'))
    ap.add_argument('--n', type=int, default=20000)
    ap.add_argument('--child')
    args = ap.parse_args()
    if args.child:
        child(args.child, args.n)
        return
    remx = run(sys.executable, 'remx', args.n)
    ref = run(args.ref, 'mxnet', args.n) if os.path.exists(args.ref) else None
    tor = run(sys.executable, 'torch', args.n)
    print('%-20s %12s %14s %12s %10s' % ('us per call', 'remx', 'MXNet 1.9.1', 'PyTorch',
                                         'MXNet/remx'))
    for name in remx:
        r = remx[name]
        m = ref.get(name) if ref else None
        t = tor.get(name)
        print('%-20s %12.2f %14s %12.2f %10s' % (name, r, '%.2f' % m if m else 'n/a', t,
                                                  '%.1fx' % (m / r) if m else 'n/a'))


if __name__ == '__main__':
    main()
