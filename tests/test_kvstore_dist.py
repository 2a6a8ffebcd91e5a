"""Multi-process KVStore tests: 2-4 local processes started through
``python -m mxnet.tools.launch`` on loopback, every job bounded by a timeout."""
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PY = sys.executable

WORKER = textwrap.dedent(r'''
import os, sys, time
import numpy as np
import mxnet as mx
from mxnet import nd, autograd, gluon
from mxnet.base import MXNetError

modes = sys.argv[1]
out_dir = sys.argv[2]


def expect_error(fn, *words):
    try:
        fn()
    except MXNetError as e:
        for w in words:
            assert w in str(e), (w, str(e))
        return
    raise AssertionError('no MXNetError')


def data(n_batches, batch, seed=0):
    rs = np.random.RandomState(seed)
    xs = rs.randn(n_batches, batch, 5).astype('float32')
    ys = rs.randn(n_batches, batch, 3).astype('float32')
    return xs, ys


def mlp():
    net = gluon.nn.Sequential()
    net.add(gluon.nn.Dense(8, activation='tanh', in_units=5), gluon.nn.Dense(3, in_units=8))
    return net


def train_gluon(kvstore, xs, ys, total_batch, rank, nw):
    mx.random.seed(42)
    net = mlp()
    net.initialize(mx.init.Xavier())
    trainer = gluon.Trainer(net.collect_params(), 'sgd',
                            {'learning_rate': 0.1, 'momentum': 0.9}, kvstore=kvstore)
    loss = gluon.loss.L2Loss()
    for x, y in zip(xs, ys):
        per = x.shape[0] // nw
        x, y = nd.array(x[rank * per:(rank + 1) * per]), nd.array(y[rank * per:(rank + 1) * per])
        with autograd.record():
            l = loss(net(x), y)
        l.backward()
        trainer.step(total_batch)
    return [v.data().asnumpy() for v in net.collect_params().values()], trainer


def module_fit(kvstore, xs, ys, rank, nw):
    per = xs.shape[1] // nw
    x = xs[:, rank * per:(rank + 1) * per].reshape(-1, 5)
    y = ys[:, rank * per:(rank + 1) * per].reshape(-1, 3)
    it = mx.io.NDArrayIter(x, y, batch_size=per, label_name='lin_reg_label')
    data_ = mx.sym.Variable('data')
    h = mx.sym.FullyConnected(data_, num_hidden=8, name='fc1')
    h = mx.sym.Activation(h, act_type='tanh')
    o = mx.sym.FullyConnected(h, num_hidden=3, name='fc2')
    net = mx.sym.LinearRegressionOutput(o, mx.sym.Variable('lin_reg_label'), name='lin_reg')
    mod = mx.mod.Module(net, label_names=['lin_reg_label'])
    mx.random.seed(3)
    mod.fit(it, num_epoch=2, kvstore=kvstore, optimizer='sgd',
            optimizer_params={'learning_rate': 0.05, 'momentum': 0.9},
            initializer=mx.init.Xavier())
    arg, _ = mod.get_params()
    return {k: v.asnumpy() for k, v in arg.items()}


for mode in modes.split('+'):
    if mode == 'basic':
        kv = mx.kv.create(sys.argv[3])
        nw = int(os.environ['DMLC_NUM_WORKER'])
        r = kv.rank
        assert kv.num_workers == nw and r == int(os.environ['DMLC_WORKER_ID']), (kv.rank, nw)
        assert kv.type == sys.argv[3]
        kv.init(3, nd.ones((2, 3)) * (r + 1))                 # rank 0's value wins
        o = nd.zeros((2, 3))
        kv.pull(3, out=o)
        assert (o.asnumpy() == 1).all(), o
        kv.push(3, [nd.ones((2, 3)) * (r + 1), nd.ones((2, 3))])  # devices summed, then workers
        kv.pull(3, out=o)
        want = sum(k + 2 for k in range(nw))
        assert (o.asnumpy() == want).all(), (o, want)
        kv.init([4, 5], [nd.zeros(4), nd.zeros(4)])
        a, b = nd.ones(4) * r, nd.ones(4)
        kv.pushpull([4, 5], [a, b])
        assert (a.asnumpy() == sum(range(nw))).all() and (b.asnumpy() == nw).all()
        # row_sparse: the union of the rows each worker pushes, summed
        kv.init(7, nd.zeros((6, 2)).tostype('row_sparse'))
        g = nd.sparse.row_sparse_array((np.ones((1, 2), 'float32') * (r + 1), [r]), shape=(6, 2))
        kv.push(7, g)
        rs = nd.sparse.zeros('row_sparse', (6, 2))
        kv.row_sparse_pull(7, out=rs, row_ids=nd.array(list(range(6))))
        dense = rs.asnumpy()
        for k in range(nw):
            assert (dense[k] == k + 1).all(), dense
        # optimizer on the store: each worker applies the update to the summed gradient
        kv.init(9, nd.ones(3))
        kv.set_optimizer(mx.optimizer.SGD(learning_rate=0.5))
        kv.push(9, nd.ones(3) * (r + 1))
        w = nd.zeros(3)
        kv.pull(9, out=w)
        assert np.allclose(w.asnumpy(), 1 - 0.5 * sum(k + 1 for k in range(nw))), w
        kv.save_optimizer_states(os.path.join(out_dir, 'st%d' % r))
        kv.load_optimizer_states(os.path.join(out_dir, 'st%d' % r))
        # errors name the key
        expect_error(lambda: kv.push(11, nd.ones(3)), '11')
        expect_error(lambda: kv.push(9, nd.ones(4)), '9', 'shape')
        kv._barrier()
        kv.barrier()
        print('BASIC OK rank', r, flush=True)

    elif mode == 'compression':
        kv = mx.kv.create('dist_sync')
        kv.set_gradient_compression({'type': '2bit', 'threshold': 0.5})
        kv.init('w', nd.zeros(4))
        o = nd.zeros(4)
        kv.push('w', nd.array([0.3, 0.6, -0.7, 0.1]))
        kv.pull('w', out=o)
        assert np.allclose(o.asnumpy(), [0, 0.5 * kv.num_workers, -0.5 * kv.num_workers, 0]), o
        kv.push('w', nd.array([0.3, 0.0, 0.0, 0.0]))          # the residual 0.3 + 0.3 crosses
        kv.pull('w', out=o)
        assert np.allclose(o.asnumpy(), [0.5 * kv.num_workers, 0, 0, 0]), o
        print('COMPRESSION OK', flush=True)

    elif mode == 'trainer':
        kv = mx.kv.create('dist_sync')
        nw, r = kv.num_workers, kv.rank
        xs, ys = data(6, 8)
        got, trainer = train_gluon(kv, xs, ys, 8, r, nw)
        assert trainer._update_on_kvstore and trainer._distributed
        if r == 0:
            ref, _ = train_gluon(None, xs, ys, 8, 0, 1)
            assert len(got) == len(ref) == 4
            for g, w in zip(got, ref):
                np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)
            print('TRAINER MATCH', flush=True)
        np.save(os.path.join(out_dir, 'w%d.npy' % r), np.concatenate([g.ravel() for g in got]))
        kv.barrier()
        mine = np.load(os.path.join(out_dir, 'w%d.npy' % r))
        for k in range(nw):                                   # every replica holds the same weights
            np.testing.assert_array_equal(np.load(os.path.join(out_dir, 'w%d.npy' % k)), mine)
        print('REPLICAS EQUAL', flush=True)

    elif mode == 'trainer_local_update':
        kv = mx.kv.create('dist_sync')
        nw, r = kv.num_workers, kv.rank
        xs, ys = data(4, 12)
        mx.random.seed(42)
        net = mlp()
        net.initialize(mx.init.Xavier())
        trainer = gluon.Trainer(net.collect_params(), 'adam', {'learning_rate': 0.01},
                                kvstore=kv, update_on_kvstore=False)
        for x, y in zip(xs, ys):
            per = x.shape[0] // nw
            x, y = nd.array(x[r * per:(r + 1) * per]), nd.array(y[r * per:(r + 1) * per])
            with autograd.record():
                l = gluon.loss.L2Loss()(net(x), y)
            l.backward()
            trainer.allreduce_grads()
            trainer.update(12)
        got = [v.data().asnumpy() for v in net.collect_params().values()]
        if r == 0:
            mx.random.seed(42)
            net2 = mlp()
            net2.initialize(mx.init.Xavier())
            t2 = gluon.Trainer(net2.collect_params(), 'adam', {'learning_rate': 0.01}, kvstore=None)
            for x, y in zip(xs, ys):
                with autograd.record():
                    l = gluon.loss.L2Loss()(net2(nd.array(x)), nd.array(y))
                l.backward()
                t2.step(12)
            for g, v in zip(got, net2.collect_params().values()):
                np.testing.assert_allclose(g, v.data().asnumpy(), rtol=1e-5, atol=1e-6)
            print('ALLREDUCE MATCH', flush=True)

    elif mode == 'module':
        kv = mx.kv.create('dist_sync')
        xs, ys = data(5, 8, seed=1)
        got = module_fit(kv, xs, ys, kv.rank, kv.num_workers)
        if kv.rank == 0:
            ref = module_fit('local', xs, ys, 0, 1)
            for k in ref:
                np.testing.assert_allclose(got[k], ref[k], rtol=1e-5, atol=1e-6)
            print('MODULE MATCH', flush=True)

    elif mode == 'async':
        kv = mx.kv.create('dist_async')
        assert kv.type == 'dist_async' and kv.num_workers == 2
        rs = np.random.RandomState(kv.rank)
        true_w = np.array([[1.0, -2.0, 0.5]], 'float32')
        net = gluon.nn.Dense(1, in_units=3, use_bias=False)
        net.initialize(mx.init.Zero())
        trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.1}, kvstore=kv)
        for step in range(60):
            x = rs.randn(16, 3).astype('float32')
            y = x.dot(true_w.T)
            with autograd.record():
                l = gluon.loss.L2Loss()(net(nd.array(x)), nd.array(y))
            l.backward()
            trainer.step(16)
        kv.barrier()
        o = nd.zeros((1, 3))
        kv.pull(0, out=o)
        err = float(np.abs(o.asnumpy() - true_w).max())
        assert err < 0.05, (o, err)
        print('ASYNC CONVERGED', err, flush=True)

    elif mode == 'die':
        kv = mx.kv.create('dist_sync')
        kv.init(0, nd.ones(100))
        if kv.rank == 1:
            os.kill(os.getpid(), getattr(__import__('signal'), sys.argv[3]))
            time.sleep(100)                                   # SIGSTOP: hangs without answering
        o = nd.zeros(100)
        t0 = time.time()
        try:
            for _ in range(1000):
                kv.pushpull(0, nd.ones(100), out=o)
                time.sleep(0.01)
        except MXNetError as e:
            print('WORKER ERROR after %.1fs: %s' % (time.time() - t0, e), flush=True)
            sys.exit(3)
        sys.exit(0)
''')


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _run(argv, timeout, env=None):
    """Run argv in its own process group; on timeout stop it (SIGTERM, then SIGKILL)."""
    full = dict(os.environ, PYTHONUNBUFFERED='1', OMP_NUM_THREADS='1')
    full.update(env or {})
    p = subprocess.Popen(argv, cwd=ROOT, env=full, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, start_new_session=True, text=True)
    try:
        out, _ = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGTERM)
        try:
            out, _ = p.communicate(timeout=8)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            out, _ = p.communicate()
        pytest.fail('job did not end within %ss:\n%s' % (timeout, out))
    return p.returncode, out


@pytest.fixture
def worker(tmp_path):
    path = tmp_path / 'worker.py'
    path.write_text(WORKER)
    return str(path), str(tmp_path)


def _launch(worker, n, mode, *extra, servers=0, timeout=45, env=None):
    script, out_dir = worker
    argv = [PY, '-m', 'mxnet.tools.launch', '-n', str(n), '--port', str(_free_port())]
    if servers:
        argv += ['-s', str(servers)]
    return _run(argv + [PY, script, mode, out_dir] + list(extra), timeout,
                dict({'MXNET_KVSTORE_TIMEOUT': '20'}, **(env or {})))


def test_dist_sync_two_workers(worker):
    """rank/num_workers, init/push/pull/pushpull/row_sparse/optimizer/errors, 2-bit
    compression, Gluon Trainer and Module.fit matching single-process training."""
    rc, out = _launch(worker, 2, 'basic+compression+trainer+module', 'dist_sync', timeout=60)
    assert rc == 0, out
    for r in range(2):
        assert '[worker %d] BASIC OK rank %d' % (r, r) in out, out
    assert out.count('COMPRESSION OK') == 2, out
    assert '[worker 0] TRAINER MATCH' in out, out
    assert out.count('REPLICAS EQUAL') == 2, out
    assert '[worker 0] MODULE MATCH' in out, out


def test_dist_device_sync_three_workers(worker):
    """3 workers: the store API, and Trainer.allreduce_grads + update (Adam on every worker)
    matching single-process training."""
    rc, out = _launch(worker, 3, 'basic+trainer_local_update', 'dist_device_sync',
                      timeout=60)
    assert rc == 0, out
    for r in range(3):
        assert '[worker %d] BASIC OK rank %d' % (r, r) in out, out
    assert '[worker 0] ALLREDUCE MATCH' in out, out


def test_dist_async_converges(worker):
    rc, out = _launch(worker, 2, 'async', servers=1)
    assert rc == 0 and out.count('ASYNC CONVERGED') == 2, out


@pytest.mark.parametrize('sig,bound', [('SIGKILL', 15), ('SIGSTOP', 15)])
def test_dead_worker_fails_others_within_timeout(worker, sig, bound):
    # started without the launcher, so that the survivor's own error is seen
    script, out_dir = worker
    port = str(_free_port())
    procs = []
    t0 = time.time()
    try:
        for r in range(2):
            env = dict(os.environ, DMLC_ROLE='worker', DMLC_NUM_WORKER='2', DMLC_NUM_SERVER='0',
                       DMLC_PS_ROOT_URI='127.0.0.1', DMLC_PS_ROOT_PORT=port,
                       DMLC_WORKER_ID=str(r), MXNET_KVSTORE_TIMEOUT='3', OMP_NUM_THREADS='1')
            procs.append(subprocess.Popen([PY, script, 'die', out_dir, sig], cwd=ROOT, env=env,
                                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                          text=True, start_new_session=True))
        out, _ = procs[0].communicate(timeout=bound + 15)
        elapsed = time.time() - t0
    finally:
        for p in procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
    assert procs[0].returncode == 3, out
    assert 'WORKER ERROR' in out and 'MXNET_KVSTORE_TIMEOUT' in out and 'key 0' in out, out
    assert elapsed < bound, (elapsed, out)


def test_launcher_stops_job_on_failure():
    code = ('import os, sys, time\n'
            'r = int(os.environ["DMLC_WORKER_ID"])\n'
            'print("hello from", r, os.environ["DMLC_NUM_WORKER"], os.environ["RANK"],'
            ' os.environ["DMLC_ROLE"], flush=True)\n'
            'time.sleep(0.5)\n'
            'sys.exit(7) if r == 1 else time.sleep(60)\n')
    t0 = time.time()
    rc, out = _run([PY, '-m', 'mxnet.tools.launch', '-n', '3', PY, '-c', code], 30)
    assert rc == 7, out
    assert time.time() - t0 < 20
    for r in range(3):
        assert '[worker %d] hello from %d 3 %d worker' % (r, r, r) in out, out
    rc, out = _run([PY, '-m', 'mxnet.tools.launch', '-n', '2', PY, '-c', 'print("ok")'], 30)
    assert rc == 0 and out.count('] ok') == 2, out


def test_launcher_ssh_command_lines(tmp_path):
    fake = tmp_path / 'bin'
    fake.mkdir()
    log = tmp_path / 'ssh.log'
    (fake / 'ssh').write_text('#!/bin/sh\necho "$@" >> %s\nfor last; do :; done\n'
                              'exec sh -c "$last"\n' % log)
    (fake / 'ssh').chmod(0o755)
    hosts = tmp_path / 'hosts'
    hosts.write_text('# two machines\nnode-a\nnode-b:2222\n')
    rc, out = _run([PY, '-m', 'mxnet.tools.launch', '-n', '2', '--launcher', 'ssh', '-H',
                    str(hosts), '--sync-dst-dir', str(tmp_path), PY, '-c',
                    'import os; print(os.environ["DMLC_ROLE"], os.environ["DMLC_WORKER_ID"],'
                    ' os.environ["DMLC_PS_ROOT_URI"], os.getcwd())'], 30,
                   {'PATH': '%s:%s' % (fake, os.environ['PATH'])})
    assert rc == 0, out
    lines = log.read_text().splitlines()
    assert len(lines) == 2
    a = next(ln for ln in lines if 'DMLC_WORKER_ID=0' in ln)
    b = next(ln for ln in lines if 'DMLC_WORKER_ID=1' in ln)
    assert 'node-a' in a.split() and '-p 2222' in b and 'node-b' in b.split()
    assert 'StrictHostKeyChecking=no' in a and 'export DMLC_ROLE=worker;' in a
    assert 'export DMLC_PS_ROOT_URI=node-a;' in b and 'cd %s;' % tmp_path in b
    assert '[worker 0] worker 0 node-a %s' % tmp_path in out, out
    assert '[worker 1] worker 1 node-a %s' % tmp_path in out, out


def test_single_process_dist_and_missing_packages():
    code = ('import mxnet as mx\n'
            'kv = mx.kv.create("dist_sync")\n'
            'assert kv.rank == 0 and kv.num_workers == 1 and kv.type == "dist_sync"\n'
            'kv.init(0, mx.nd.ones(2)); kv.push(0, [mx.nd.ones(2)] * 2)\n'
            'o = mx.nd.zeros(2); kv.pull(0, out=o); assert (o.asnumpy() == 2).all()\n'
            'for name in ("horovod", "byteps"):\n'
            '    try:\n'
            '        mx.kv.create(name)\n'
            '    except mx.base.MXNetError as e:\n'
            '        assert "not installed" in str(e)\n'
            '    else:\n'
            '        raise AssertionError(name)\n'
            'try:\n'
            '    mx.kv.create("dist_async")\n'
            'except mx.base.MXNetError as e:\n'
            '    assert "server" in str(e)\n'
            'print("SINGLE OK")\n')
    env = {k: '' for k in ('DMLC_ROLE', 'RANK', 'WORLD_SIZE')}
    rc, out = _run([PY, '-c', code], 30, env)
    assert rc == 0 and 'SINGLE OK' in out, out
