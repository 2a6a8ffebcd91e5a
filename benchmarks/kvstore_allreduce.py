"""All-reduce throughput between 2 local processes: remx's ``dist_sync`` store (pushpull)
beside plain ``torch.distributed.all_reduce`` in the same run, and MXNet 1.9.1's
``dist_sync`` (ps-lite: a scheduler, one server, 2 workers) when its venv is present.

    .venv/bin/python benchmarks/kvstore_allreduce.py [--sizes 1,4,16,64] [--repeat 5]
        [--refmx .refmx/bin/python]

Sizes are in millions of float32 values; MB/s counts the bytes of one worker's array per
operation (size * 4 / seconds), the best of ``--repeat`` runs after one warm-up.
"""
import argparse
import json
import os
import socket
import subprocess
import sys
import time

HERE = os.path.abspath(__file__)
ROOT = os.path.dirname(os.path.dirname(HERE))


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _best(fn, repeat):
    fn()                                     # warm-up (allocations, connections)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def _best_pair(f, g, repeat):
    f()
    g()
    tf, tg = [], []
    for _ in range(repeat):
        for fn, ts in ((f, tf), (g, tg)):
            t0 = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - t0)
    return min(tf), min(tg)


def remx_worker(sizes, repeat):
    import torch
    import torch.distributed as dist
    import mxnet as mx
    kv = mx.kv.create('dist_sync')
    res = {}
    for i, m in enumerate(sizes):
        n = int(m * 1024 * 1024)
        val = mx.nd.ones((n,))
        out = mx.nd.zeros((n,))
        kv.init(i, val)
        t = torch.ones(n)
        # interleaved, so that both see the same load on the machine
        t_kv, t_pt = _best_pair(lambda: (kv.pushpull(i, val, out=out), kv._barrier()),
                                lambda: (dist.all_reduce(t), dist.barrier()), repeat)
        assert float(out[0].asscalar()) == kv.num_workers
        res[m] = (n * 4 / t_kv / 1e6, n * 4 / t_pt / 1e6)
        del val, out, t
        kv._store.pop(i)
    if kv.rank == 0:
        print('RESULT ' + json.dumps(res), flush=True)


def mxnet_worker(sizes, repeat):
    import mxnet as mx
    kv = mx.kv.create('dist_sync')
    res = {}
    for i, m in enumerate(sizes):
        n = int(m * 1024 * 1024)
        val = mx.nd.ones((n,))
        out = mx.nd.zeros((n,))
        kv.init(i, val)

        def op():
            kv.pushpull(i, val, out=out)
            out.wait_to_read()
            kv._barrier()
        res[m] = n * 4 / _best(op, repeat) / 1e6
    if kv.rank == 0:
        print('RESULT ' + json.dumps(res), flush=True)


def _result(text):
    for line in text.splitlines():
        if 'RESULT ' in line:
            return json.loads(line.split('RESULT ', 1)[1])
    return None


def run_remx(sizes, repeat, timeout):
    cmd = [sys.executable, '-m', 'mxnet.tools.launch', '-n', '2', '--port', str(_free_port()),
           sys.executable, HERE, '--role', 'remx', '--sizes', ','.join(map(str, sizes)),
           '--repeat', str(repeat)]
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                       env=dict(os.environ, MXNET_KVSTORE_TIMEOUT='600'))
    res = _result(p.stdout)
    if res is None:
        raise SystemExit('remx run failed:\n' + p.stdout + p.stderr)
    return res


def run_mxnet(python, sizes, repeat, timeout):
    """MXNet 1.9.1 on ps-lite, or (None, why)."""
    if not python or not os.path.exists(python):
        return None, 'n/a (no MXNet 1.9.1 venv)'
    env = dict(os.environ, DMLC_NUM_WORKER='2', DMLC_NUM_SERVER='1',
               DMLC_PS_ROOT_URI='127.0.0.1', DMLC_PS_ROOT_PORT=str(_free_port()))
    env.pop('PYTHONPATH', None)
    procs = []
    try:
        for role in ('scheduler', 'server'):
            procs.append(subprocess.Popen([python, '-c', 'import mxnet'], cwd='/tmp',
                                          env=dict(env, DMLC_ROLE=role),
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        workers = [subprocess.Popen([python, HERE, '--role', 'mxnet', '--sizes',
                                     ','.join(map(str, sizes)), '--repeat', str(repeat)],
                                    cwd='/tmp', env=dict(env, DMLC_ROLE='worker'),
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                   for _ in range(2)]
        procs += workers
        res = None
        for w in workers:
            out, err = w.communicate(timeout=timeout)
            res = res or _result(out)
        if res is None:
            return None, 'n/a (MXNet run failed: %s)' % err.strip().splitlines()[-1:]
        return res, None
    except subprocess.TimeoutExpired:
        return None, 'n/a (MXNet run timed out)'
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
            p.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--sizes', default='1,4,16,64', help='millions of floats, comma separated')
    ap.add_argument('--repeat', type=int, default=8)
    ap.add_argument('--refmx', default=os.path.join(ROOT, '.refmx', 'bin', 'python'))
    ap.add_argument('--timeout', type=float, default=900)
    ap.add_argument('--role', default=None, help=argparse.SUPPRESS)
    a = ap.parse_args()
    sizes = [int(s) if float(s).is_integer() else float(s) for s in a.sizes.split(',')]
    if a.role == 'remx':
        return remx_worker(sizes, a.repeat)
    if a.role == 'mxnet':
        return mxnet_worker(sizes, a.repeat)
    remx = run_remx(sizes, a.repeat, a.timeout)
    ref, why = run_mxnet(a.refmx, sizes, a.repeat, a.timeout)
    print('all-reduce of float32 arrays between 2 local processes (MB/s, best of %d; remx and torch interleaved in one run)'
          % a.repeat)
    head = ('floats', 'remx dist_sync', 'torch.distributed', 'remx overhead', 'MXNet 1.9.1')
    print('| %s |' % ' | '.join(head))
    print('|' + '|'.join('---' for _ in head) + '|')
    for m in sizes:
        kv_mbs, pt_mbs = remx[str(m)]
        over = (pt_mbs / kv_mbs - 1) * 100
        mx_col = '%.0f' % ref[str(m)] if ref else why
        print('| %sM | %.0f | %.0f | %+.1f%% | %s |' % (m, kv_mbs, pt_mbs, over, mx_col))


if __name__ == '__main__':
    main()
