"""The execution engine (mxnet/engine.py): dependency order, concurrency, errors at the wait."""
import os
import subprocess
import sys
import threading

import numpy as np
import pytest

import mxnet as mx
from mxnet import engine
from mxnet.base import MXNetError

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def threaded(monkeypatch):
    """The pooled threaded engine with two workers, every op pushed to them."""
    monkeypatch.setenv('MXNET_CPU_WORKER_NTHREADS', '2')
    monkeypatch.setenv('REMX_ENGINE_INLINE_SIZE', '1')
    prev = engine.set_engine('ThreadedEngine')
    yield engine
    mx.nd.waitall()
    monkeypatch.undo()        # the environment as it was, then the engine it selects
    engine.set_engine(prev)


@pytest.fixture
def default_threaded():
    """MXNet's default engine (these tests check its semantics, and CI also runs this file
    under MXNET_ENGINE_TYPE=NaiveEngine)."""
    prev = engine.set_engine('ThreadedEnginePerDevice')
    yield engine
    mx.nd.waitall()
    engine.set_engine(prev)


def _barrier_fn(barrier, log, tag):
    def fn():
        barrier.wait(timeout=20)   # passes only if the other op is running at the same time
        log.append(tag)
    return fn


def test_independent_ops_run_concurrently(threaded):
    barrier = threading.Barrier(2)
    log = []
    a, b = engine.Var(), engine.Var()
    engine.push(_barrier_fn(barrier, log, 'a'), writes=[a])
    engine.push(_barrier_fn(barrier, log, 'b'), writes=[b])
    engine.wait_all()
    assert sorted(log) == ['a', 'b']


def test_reads_of_one_array_run_concurrently(threaded):
    barrier = threading.Barrier(2)
    log = []
    v = engine.Var()
    engine.push(_barrier_fn(barrier, log, 'r1'), reads=[v])
    engine.push(_barrier_fn(barrier, log, 'r2'), reads=[v])
    engine.wait_all()
    assert sorted(log) == ['r1', 'r2']


def test_writes_wait_for_reads_and_writes(threaded):
    log = []
    v = engine.Var()
    gate = threading.Event()

    def slow_write():
        gate.wait(20)
        log.append('w1')
    engine.push(slow_write, writes=[v])
    engine.push(lambda: log.append('r1'), reads=[v])
    engine.push(lambda: log.append('r2'), reads=[v])
    engine.push(lambda: log.append('w2'), writes=[v])
    engine.push(lambda: log.append('r3'), reads=[v])
    assert log == []          # everything waits for the first write
    gate.set()
    engine.wait_all()
    assert log[0] == 'w1' and sorted(log[1:3]) == ['r1', 'r2'] and log[3:] == ['w2', 'r3']


@pytest.mark.timeout(60)
def test_worker_waiting_for_an_op_queued_behind_it(monkeypatch):
    """A worker's op waiting for an op queued on the same single worker runs it itself."""
    monkeypatch.setenv('MXNET_CPU_WORKER_NTHREADS', '1')
    prev = engine.set_engine('ThreadedEnginePerDevice')
    try:
        box, log, gate = {}, [], threading.Event()

        def first():
            gate.wait(20)
            engine._wait_op(box['second'])
            log.append('first')
        engine.push(first, writes=[engine.Var()])
        box['second'] = engine.push(lambda: log.append('second'), writes=[engine.Var()])
        gate.set()
        engine.wait_all()
        assert log == ['second', 'first']
    finally:
        monkeypatch.undo()
        engine.set_engine(prev)


def test_error_in_pushed_fn_raised_at_wait_once(threaded):
    v = engine.Var()

    def bad():
        raise MXNetError('boom')
    engine.push(bad, writes=[v])
    with pytest.raises(MXNetError, match='boom'):
        engine.wait_var(v)
    engine.wait_var(v)        # raised once only
    engine.wait_all()         # and not again at waitall


def test_arrays_pending_then_program_order_results(threaded):
    a = mx.nd.ones((300, 300))
    b = mx.nd.ones((300, 300))
    gate = threading.Event()
    engine.push(lambda: gate.wait(20), writes=[engine.var_of(a)])   # holds every reader of a
    c = (a + b) / 10.
    d = b + 1
    assert type(c).__name__ == '_Pending'      # returned at once
    assert c.shape == (300, 300) and c.dtype == np.float32 and c.size == 90000   # no wait
    assert type(c).__name__ == '_Pending'
    gate.set()
    a += 1                    # must not change c, computed from the old a
    e = mx.nd.dot(c, d)
    np.testing.assert_allclose(c.asnumpy(), np.full((300, 300), 0.2), rtol=1e-6)
    np.testing.assert_allclose(d.asnumpy(), np.full((300, 300), 2.0))
    np.testing.assert_allclose(e.asnumpy(), np.full((300, 300), 0.2 * 2 * 300), rtol=1e-5)
    np.testing.assert_allclose(a.asnumpy(), np.full((300, 300), 2.0))
    assert type(c) is mx.nd.NDArray and c.shape == (300, 300)


def test_custom_ops_on_independent_arrays_overlap(threaded):
    barrier = threading.Barrier(2)

    class Meet(mx.operator.CustomOp):
        def forward(self, is_train, req, in_data, out_data, aux):
            barrier.wait(timeout=20)  # both custom ops are inside forward at once
            self.assign(out_data[0], req[0], in_data[0] * 2)

        def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
            self.assign(in_grad[0], req[0], out_grad[0] * 2)

    @mx.operator.register('engine_test_meet')
    class MeetProp(mx.operator.CustomOpProp):
        def list_arguments(self):
            return ['data']

        def list_outputs(self):
            return ['output']

        def infer_shape(self, in_shape):
            return in_shape, [in_shape[0]], []

        def create_operator(self, ctx, shapes, dtypes):
            return Meet()

    x = mx.nd.ones((4,))
    y = mx.nd.ones((4,)) * 3
    p = mx.nd.Custom(x, op_type='engine_test_meet')
    q = mx.nd.Custom(y, op_type='engine_test_meet')
    np.testing.assert_allclose(p.asnumpy(), [2] * 4)
    np.testing.assert_allclose(q.asnumpy(), [6] * 4)


def test_kernel_error_surfaces_at_wait_and_spreads(default_threaded):
    a = mx.nd.random.normal(0, -1, (2, 2))     # returns at once
    b = mx.nd.dot(a, a)                        # computed from a failed array: carries it
    with pytest.raises(MXNetError, match='_random_normal'):
        b.wait_to_read()
    a.asnumpy()                                # raised once, for every array it reached
    mx.nd.waitall()
    assert (mx.nd.ones((2,)) + 1).asnumpy().tolist() == [2, 2]   # the engine works on


def test_waitall_raises_pending_failure_once(default_threaded):
    x, y = mx.nd.random.normal(0, -1, (2, 2)).copyto(mx.cpu())
    with pytest.raises(MXNetError):
        mx.nd.waitall()
    mx.nd.waitall()
    y.asnumpy()


def test_take_raise_out_of_range_at_wait(default_threaded):
    out = mx.nd.take(mx.nd.ones((3,)), mx.nd.array([5]), mode='raise')
    assert out.shape == (1,)
    with pytest.raises(MXNetError, match='out of'):
        out.asnumpy()


def test_async_kernel_error_on_worker(threaded):
    data = mx.nd.ones((64, 64))
    out = mx.nd.take(data, mx.nd.array([70]), mode='raise')
    with pytest.raises(MXNetError, match='out of'):
        out.wait_to_read()
    assert (data.sum()).asscalar() == 64 * 64


def test_executor_forward_error_at_wait(default_threaded):
    x = mx.sym.Variable('x')
    out = mx.sym.dot(x, mx.sym.random.normal(0, -1, (2, 2)))
    ex = out.bind(mx.cpu(), {'x': mx.nd.ones((2, 2))}, args_grad={'x': mx.nd.zeros((2, 2))})
    outs = ex.forward(is_train=True)
    ex.backward(mx.nd.ones((2, 2)))
    with pytest.raises(MXNetError):
        ex.grad_arrays[0].asnumpy()
    outs[0].asnumpy()


def test_write_into_failed_array_keeps_failure(default_threaded):
    a = mx.nd.random.normal(0, -1, (2,))
    c = mx.nd.zeros((2,))
    c[:] = a
    with pytest.raises(MXNetError):
        c.asnumpy()


def test_profile_hook_sees_worker_ops(threaded):
    seen = []
    engine.set_profile_hook(lambda cat, name, t0, t1: seen.append((cat, name, t1 >= t0)))
    try:
        a = mx.nd.ones((8, 8))
        b = mx.nd.sqrt(a) + 1
        b.wait_to_read()
    finally:
        engine.set_profile_hook(None)
    names = [n for _, n, _ in seen]
    assert 'sqrt' in names and '_plus_scalar' in names
    assert all(ok and cat == 'operator' for cat, _, ok in seen)


def _run(code, **env):
    e = dict(os.environ, PYTHONPATH=ROOT, **env)
    return subprocess.run([sys.executable, '-c', code], env=e, capture_output=True, text=True,
                          timeout=120)


def test_naive_engine_raises_at_call():
    p = _run("import mxnet as mx\n"
             "from mxnet import engine\n"
             "assert engine.engine_type() == 'NaiveEngine'\n"
             "b = mx.nd.ones((600, 600))\n"
             "assert type(b + 1) is mx.nd.NDArray\n"
             "try:\n"
             "    mx.nd.random.normal(0, -1, (2, 2))\n"
             "except mx.base.MXNetError:\n"
             "    print('raised at call')\n", MXNET_ENGINE_TYPE='NaiveEngine')
    assert p.returncode == 0, p.stderr
    assert 'raised at call' in p.stdout


def test_unknown_engine_type_is_an_error():
    p = _run('import mxnet', MXNET_ENGINE_TYPE='FancyEngine')
    assert p.returncode != 0 and 'FancyEngine' in p.stderr


def test_profile_hook_sees_executor_and_cachedop_nodes():
    seen = []
    x = mx.sym.Variable('x')
    y = mx.sym.sqrt(x) + 1
    ex = y.bind(mx.cpu(), {'x': mx.nd.ones((2, 2))})
    net = mx.gluon.nn.Dense(3, in_units=2)
    net.initialize()
    net.hybridize()
    net(mx.nd.ones((1, 2)))
    engine.set_profile_hook(lambda cat, name, t0, t1: seen.append(name))
    try:
        out = ex.forward()[0]
        h = net(mx.nd.ones((1, 2)))
    finally:
        engine.set_profile_hook(None)
    assert 'sqrt' in seen and '_plus_scalar' in seen and 'FullyConnected' in seen
    np.testing.assert_allclose(out.asnumpy(), np.full((2, 2), 2.0))
    np.testing.assert_allclose(h.asnumpy(), net(mx.nd.ones((1, 2))).asnumpy(), rtol=1e-6)


def test_pushed_op_runs_in_the_callers_train_mode(threaded):
    x = mx.nd.ones((50, 50))
    with mx.autograd.train_mode():      # not recording: Dropout goes to a worker
        y = mx.nd.Dropout(x, p=0.5)
    vals = set(np.unique(y.asnumpy()).tolist())
    assert vals == {0.0, 2.0}
    z = mx.nd.Dropout(x, p=0.5)         # predict mode: the identity
    assert (z.asnumpy() == 1).all()
