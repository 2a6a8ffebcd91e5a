"""mx.test_utils helpers (the public names of MXNet 1.9.1)."""
import os

import numpy as np
import pytest

import mxnet as mx
from mxnet import test_utils as tu
from mxnet.base import MXNetError


def test_names_present():
    names = [l.split()[0].split('.', 2)[2] for l in open('/work/shared/mxnet-1.9.1-api.txt')
             if l.startswith('mxnet.test_utils.')] if os.path.exists(
                 '/work/shared/mxnet-1.9.1-api.txt') else []
    missing = [n for n in names if not hasattr(tu, n)]
    assert not missing, missing
    star = {}
    exec('from mxnet.test_utils import *', star)  # pylint: disable=exec-used
    for n in ('mx', 'np', 'Symbol', 'np_symbol', 'OrderedDict', 'time', 'json', 'assert_almost_equal',
              'check_consistency', 'default_context'):
        assert n in star, n
    for n in ('nd', 'autograd', 'cpu', 'gpu', 'NDArray', 'MXNetError'):   # not MXNet's names
        assert n not in star, n
    assert {'ss', 'requests'} <= set(dir(tu))


def test_tolerances():
    assert tu.default_rtols()[np.dtype(np.float32)] == 1e-4
    assert tu.get_rtol() == 1e-5 and tu.get_atol() == 1e-20
    assert tu.get_tols(np.float16(1), np.zeros(2, np.float32), None, None) == (1e-2, 1e-1)
    assert tu.get_tols(1.0, 2.0, 0.5, None) == (0.5, 1e-20)
    assert tu.get_etol() == 0 and tu.get_etol(0.1) == 0.1
    a = np.zeros(10, np.float32)
    b = a.copy()
    b[0] = 1
    tu.assert_almost_equal_with_err(a, b, etol=0.2)
    with pytest.raises(AssertionError):
        tu.assert_almost_equal_with_err(a, b, etol=0.05)
    with pytest.raises(AssertionError):
        tu.assert_almost_equal_with_err(a, b)
    with pytest.raises(AssertionError):
        tu.checkShapes(a, a[:2])
    assert 'a=0.00000000' in tu.locationError(a, b, (0,), ('a', 'b'))
    tu.compare_ndarray_tuple((mx.nd.ones(2), (mx.nd.zeros(1),)),
                             (mx.nd.ones(2), (mx.nd.zeros(1),)))
    with pytest.raises(AssertionError):
        tu.compare_ndarray_tuple((mx.nd.ones(2),), (mx.nd.zeros(2),))


def test_array_helpers():
    np.random.seed(0)
    assert sorted(tu.random_sample([1, 2, 3, 4], 4)) == [1, 2, 3, 4]
    assert len(tu.random_sample([1, 2, 3], 2)) == 2
    x = np.arange(6.).reshape(2, 3)
    np.testing.assert_array_equal(tu.assign_each(x, lambda v: v * 2), x * 2)
    np.testing.assert_array_equal(tu.assign_each2(x, x, lambda u, v: u + v), x * 2)
    t = tu.create_2d_tensor(3, 4)
    assert t.dtype == np.int64 and t.asnumpy()[:, 0].tolist() == [0, 1, 2] and t.shape == (3, 4)
    assert tu.create_vector(4).asnumpy().tolist() == [0, 1, 2, 3]
    np.testing.assert_array_equal(tu.get_identity_mat(3).asnumpy(), np.eye(3))
    assert tu.get_identity_mat_batch(2).shape == (2, 2, 2)
    xs, ys = tu.rand_coord_2d(0, 5, 10, 20)
    assert 0 <= xs < 5 and 10 <= ys < 20
    d = np.random.rand(2, 3, 4)
    np.testing.assert_allclose(tu.np_reduce(d, (0, 2), True, np.sum), d.sum((0, 2),
                                                                            keepdims=True))
    np.testing.assert_allclose(tu.np_reduce(d, None, False, np.max), d.max())
    np.testing.assert_allclose(tu.collapse_sum_like(d, (1, 3, 1)), d.sum((0, 2), keepdims=True))
    m = tu.new_matrix_with_real_eigvals_2d(4)
    assert np.allclose(np.linalg.eigvals(m).imag, 0)
    q = tu.new_orthonormal_matrix_2d(3)
    np.testing.assert_allclose(q.dot(q.T), np.eye(3), atol=1e-10)
    s = tu.new_sym_matrix_with_real_eigvals_nd((2, 3, 3))
    np.testing.assert_allclose(s, s.transpose(0, 2, 1))
    assert tu.new_matrix_with_real_eigvals_nd((2, 2, 3, 3)).shape == (2, 2, 3, 3)
    assert all(1 <= v <= 10 for v in tu.rand_shape_2d())
    # the sparse generators (tests/test_sparse.py checks them further)
    assert tu.rand_sparse_ndarray((2, 2), 'csr')[0].stype == 'csr'
    assert tu.create_sparse_array((2, 2), 'row_sparse').stype == 'row_sparse'
    assert tu.create_sparse_array_zd((2, 2), 'csr', 0.5).stype == 'csr'
    assert tu.rand_ndarray((2, 2), 'csr').stype == 'csr'


def test_run_helpers(capfd):
    calls = []

    @tu.retry(3)
    def flaky():
        calls.append(1)
        assert len(calls) >= 2
    flaky()
    assert len(calls) == 2

    @tu.retry(2)
    def bad():
        assert False
    with pytest.raises(AssertionError):
        bad()
    tu.setenv('REMX_TU_TEST', '5')
    assert tu.getenv('REMX_TU_TEST') == '5'
    tu.setenv('REMX_TU_TEST', None)
    assert tu.getenv('REMX_TU_TEST') is None
    with tu.discard_stderr():
        os.write(2, b'hidden-text\n')
    os.write(2, b'shown-text\n')
    err = capfd.readouterr().err
    assert 'hidden-text' not in err and 'shown-text' in err
    assert tu.is_op_runnable() and not tu.has_tvm_ops()
    with pytest.raises(MXNetError):
        tu.get_cuda_compute_capability(mx.cpu())
    it = tu.DummyIter(iter([1, 2, 3]))
    assert [next(it) for _ in range(3)] == [1, 1, 1]


def test_generator_checks():
    import scipy.stats as ss
    np.random.seed(1)
    gen = lambda n: mx.nd.random.normal(0, 1, shape=(n,)).asnumpy()
    assert tu.mean_check(gen, 0, 1, nsamples=20000)
    assert tu.var_check(gen, 1, nsamples=20000)
    assert not tu.mean_check(lambda n: np.random.normal(1, 1, n), 0, 1, nsamples=20000)
    buckets, probs = tu.gen_buckets_probs_with_ppf(lambda x: ss.norm.ppf(x, 0, 1), 5)
    assert len(buckets) == 5 and probs == [0.2] * 5 and buckets[0][0] == -np.inf
    p, obs, exp = tu.chi_square_check(gen, buckets, probs, nsamples=20000)
    assert p > 1e-4 and obs.sum() == 20000
    tu.verify_generator(gen, buckets, probs, nsamples=20000, nrepeat=3)
    with pytest.raises(AssertionError):
        tu.verify_generator(lambda n: np.random.normal(2, 1, n), buckets, probs,
                            nsamples=20000, nrepeat=2)
    tu.verify_generator(lambda n: np.random.randint(0, 3, n), [0, 1, 2], [1 / 3.] * 3,
                        nsamples=9000, nrepeat=2)


def test_optimizer_and_gluon_helpers():
    tu.compare_optimizer(mx.optimizer.SGD(learning_rate=0.1, momentum=0.9),
                         mx.optimizer.SGD(learning_rate=0.1, momentum=0.9), (3, 4), np.float32)
    with pytest.raises(AssertionError):
        tu.compare_optimizer(mx.optimizer.SGD(learning_rate=0.1),
                             mx.optimizer.SGD(learning_rate=0.5), (3, 4), np.float32)

    def builder(prefix=None):
        net = mx.gluon.nn.HybridSequential(prefix=prefix)
        with net.name_scope():
            net.add(mx.gluon.nn.Dense(3, in_units=4))
        return net
    x = mx.nd.array(np.random.RandomState(0).rand(2, 4))
    assert tu.check_gluon_hybridize_consistency(builder, [x]) is None
    with pytest.raises(AssertionError):
        tu.check_gluon_hybridize_consistency(builder, [x], numpy_func=lambda a: a[:, :3] * 0)

    class Noisy(mx.gluon.HybridBlock):   # differs between runs: must be caught
        calls = [0]

        def hybrid_forward(self, F, a):
            Noisy.calls[0] += 1
            return a * Noisy.calls[0]
    with pytest.raises(AssertionError):
        tu.check_gluon_hybridize_consistency(lambda prefix: Noisy(prefix=prefix), [x])
    t = tu.check_speed(lambda a: a * 2, location=[np.ones((2, 2))], N=2)
    assert t >= 0


def test_offline_data_helpers(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for f in (tu.get_mnist, tu.get_mnist_ubyte, tu.get_mnist_pkl, tu.get_cifar10):
        with pytest.raises(MXNetError, match='Place the files at'):
            f()
    assert tu.download_model('resnet18_v1') == (None, 0)
    with pytest.raises(MXNetError, match='place the file at'):
        tu.download_model('imagenet1k-resnet-18', dst_dir=str(tmp_path / 'models'))
    with pytest.raises(MXNetError, match='place the file at'):
        tu.download('http://nowhere.invalid/x.bin', dirname=str(tmp_path), retries=1)
    (tmp_path / 'y.bin').write_bytes(b'1')
    assert tu.download('http://nowhere.invalid/y.bin', dirname=str(tmp_path)) == str(
        tmp_path / 'y.bin')
    with pytest.raises(MXNetError):
        tu.get_im2rec_path()


# -- the Symbol checks -----------------------------------------------------------------------
def _dot():
    return mx.sym.dot(mx.sym.Variable('a'), mx.sym.Variable('b'))


def test_assert_almost_equal_message(capsys):
    a = np.zeros((2, 3), np.float32)
    b = a.copy()
    b[1, 2] = 1
    with pytest.raises(AssertionError) as e:
        tu.assert_almost_equal(a, b, names=('A', 'B'))
    msg = str(e.value)
    assert 'exceeds tolerance rtol=1.000000e-04, atol=1.000000e-03 (mismatch 16.666667%)' in msg
    assert 'Location of maximum error: (1, 2), A=0.00000000, B=1.00000000' in msg
    assert 'Maximum errors for vector of size 6' in capsys.readouterr().out
    tu.assert_almost_equal(mx.nd.array(a), a)
    tu.assert_almost_equal(np.array([True]), np.array([True]))
    with pytest.raises(AssertionError):
        tu.assert_almost_equal(np.array([True]), np.array([False]))
    with pytest.raises(AssertionError):
        tu.assert_almost_equal(a, a[:1], use_broadcast=False)
    with pytest.raises(AssertionError):
        tu.assert_allclose(np.ones(2), np.ones(2) + 1e-6)


def test_check_symbolic_forward():
    np.random.seed(0)
    x, y = np.random.rand(2, 3), np.random.rand(3, 4)
    s = _dot()
    outs = tu.check_symbolic_forward(s, [x, y], [x.dot(y)])
    assert isinstance(outs[0], mx.nd.NDArray) and outs[0].dtype == np.float32
    tu.check_symbolic_forward(s, {'b': y, 'a': x}, {s.list_outputs()[0]: x.dot(y)})
    with pytest.raises(AssertionError, match='EXPECTED_%s' % s.list_outputs()[0]):
        tu.check_symbolic_forward(s, [x, y], [x.dot(y) + 0.01])
    with pytest.raises(ValueError, match='Symbol arguments and keys of the given location'):
        tu.check_symbolic_forward(s, {'a': x}, [x])
    # dtype: 'asnumpy' keeps the numpy dtypes, a dtype casts
    ints = tu.check_symbolic_forward(mx.sym.Variable('a') + 1, [np.array([1, 2], np.int32)],
                                     [np.array([2, 3])], dtype='asnumpy')
    assert ints[0].dtype == np.int32
    f64 = tu.check_symbolic_forward(s, [x, y], [x.dot(y)], dtype=np.float64, rtol=1e-12,
                                    atol=1e-12)
    assert f64[0].dtype == np.float64
    # aux states (predict mode: BatchNorm uses the moving statistics)
    bn = mx.sym.BatchNorm(mx.sym.Variable('data'), name='bn', fix_gamma=False, eps=1e-3)
    d = np.random.rand(2, 3, 2, 2)
    mean, var = np.random.rand(3), np.random.rand(3) + 1
    want = (d - mean.reshape(1, 3, 1, 1)) / np.sqrt(var.reshape(1, 3, 1, 1) + 1e-3)
    tu.check_symbolic_forward(bn, [d, np.ones(3), np.zeros(3)], [want],
                              aux_states={'bn_moving_mean': mean, 'bn_moving_var': var})
    with pytest.raises(ValueError, match='aux_states names and given aux_states do not match'):
        tu.check_symbolic_forward(bn, [d, np.ones(3), np.zeros(3)], [want],
                                  aux_states={'bn_moving_mean': mean})
    # a callable (remx extension)
    tu.check_symbolic_forward(lambda u, v: mx.nd.dot(u, v), [x, y], [x.dot(y)])
    with pytest.raises(AssertionError):
        tu.check_symbolic_forward(lambda u, v: mx.nd.dot(u, v), [x, y], [x.dot(y) * 2])


def test_check_symbolic_backward():
    np.random.seed(1)
    x, y = np.random.rand(2, 3), np.random.rand(3, 4)
    og = np.random.rand(2, 4)
    s = _dot()
    ga, gb = og.dot(y.T), x.T.dot(og)
    grads = tu.check_symbolic_backward(s, [x, y], [og], [ga, gb])
    assert sorted(grads) == ['a', 'b']
    tu.check_symbolic_backward(s, [x, y], {s.list_outputs()[0]: og}, {'b': gb})
    with pytest.raises(AssertionError, match='BACKWARD_b'):
        tu.check_symbolic_backward(s, [x, y], [og], [ga, gb * 1.1])
    # 'add' is checked as the change of the (random) buffer, 'null' as an untouched buffer
    tu.check_symbolic_backward(s, [x, y], [og], [ga, gb], grad_req={'a': 'add', 'b': 'null'})
    tu.check_symbolic_backward(s, [x, y], [og], [ga, gb], grad_req=['null', 'add'])
    with pytest.raises(AssertionError):
        tu.check_symbolic_backward(s, [x, y], [og], [ga, np.zeros_like(gb)],
                                   grad_req=['write', 'add'])
    # a loss head needs no out_grads
    sm = mx.sym.SoftmaxOutput(mx.sym.Variable('data'), mx.sym.Variable('label'))
    d, lab = np.random.rand(3, 4), np.array([0, 1, 3])
    p = np.exp(d) / np.exp(d).sum(1, keepdims=True)
    p[np.arange(3), lab] -= 1
    tu.check_symbolic_backward(sm, [d, lab], None, {'data': p})
    with pytest.raises(AssertionError):
        tu.check_symbolic_backward(sm, [d, lab], None, {'data': p + 0.1})


def test_check_numeric_gradient():
    np.random.seed(2)
    x, y = np.random.rand(2, 3), np.random.rand(3, 4)
    s = _dot()
    tu.check_numeric_gradient(s, [x, y])
    tu.check_numeric_gradient(s, {'a': x, 'b': y}, grad_nodes=['a'], dtype=np.float64)
    tu.check_numeric_gradient(s, [x, y], grad_nodes={'a': 'add', 'b': 'null'})
    tu.check_numeric_gradient(mx.sym.sin(mx.sym.Variable('a')), [x], numeric_eps=1e-3,
                              rtol=1e-2, atol=1e-3, use_forward_train=False)
    bn = mx.sym.BatchNorm(mx.sym.Variable('data'), name='bn', fix_gamma=False)
    d = np.random.rand(4, 3, 2, 2)
    tu.check_numeric_gradient(bn, [d, np.ones(3), np.zeros(3)],
                              aux_states=[np.zeros(3), np.ones(3)], numeric_eps=1e-2,
                              rtol=0.16, atol=1e-2)
    # a wrong gradient is caught: BlockGrad passes no gradient, but its output does depend on a
    wrong = mx.sym.BlockGrad(mx.sym.Variable('a')) * mx.sym.Variable('b')
    with pytest.raises(AssertionError, match='NUMERICAL_a'):
        tu.check_numeric_gradient(wrong, [x, x])
    tu.check_numeric_gradient(wrong, [x, x], grad_nodes=['b'])
    with pytest.raises(AssertionError):
        tu.check_numeric_gradient(s, [x, y], dtype=np.float32, numeric_eps=1e-6)
    with pytest.raises(AssertionError):
        tu.check_numeric_gradient(s, [x, y], dtype=np.int32)
    # numeric_grad on an executor: gradient of sum(outputs[0])
    exe = s.bind(mx.cpu(), args={'a': mx.nd.array(x), 'b': mx.nd.array(y)})
    g = tu.numeric_grad(exe, {'a': x.copy(), 'b': y.copy()}, eps=1e-2, dtype=np.float64)
    np.testing.assert_allclose(g['a'], np.ones((2, 4)).dot(y.T), rtol=1e-3)
    np.testing.assert_allclose(g['b'], x.T.dot(np.ones((2, 4))), rtol=1e-3)


def test_check_consistency_and_friends(capsys):
    np.random.seed(3)
    conv = mx.sym.Convolution(num_filter=3, kernel=(3, 3), name='conv')
    ctxs = [{'ctx': mx.cpu(0), 'conv_data': (2, 2, 6, 6), 'type_dict': {'conv_data': t}}
            for t in (np.float32, np.float64)]
    gt = tu.check_consistency(conv, ctxs)
    assert sorted(gt) == ['conv_bias', 'conv_data', 'conv_output', 'conv_weight']
    assert gt['conv_output'].dtype == np.float64      # the most precise executor
    tu.check_consistency(conv, ctxs, grad_req='add', use_uniform=True, scale=0.5)
    tu.check_consistency(conv, ctxs, grad_req='null')
    tu.check_consistency([conv, conv], ctxs, arg_params={'conv_bias': np.ones(3)})
    # a mismatch with the ground truth is raised, or only reported
    with pytest.raises(AssertionError):
        tu.check_consistency(conv, ctxs, ground_truth={
            'conv_output': mx.nd.zeros((2, 3, 4, 4), dtype='float64')})
    with pytest.raises(AssertionError):   # a different graph on the second context
        tu.check_consistency([conv, mx.sym.Convolution(num_filter=3, kernel=(3, 3),
                                                       name='conv') * 2], ctxs)
    tu.check_consistency(conv, ctxs, raise_on_err=False, ground_truth={
        'conv_output': mx.nd.zeros((2, 3, 4, 4), dtype='float64')}, grad_req='null')
    assert 'Predict Err: ctx 0 vs ctx 1 at conv_output' in capsys.readouterr().out
    with pytest.raises(AssertionError):
        tu.check_consistency(conv, ctxs[:1])
    bn = mx.sym.BatchNorm(mx.sym.Variable('data'), name='bn')
    tu.check_consistency(bn, [{'ctx': mx.cpu(0), 'data': (4, 3, 2, 2),
                               'type_dict': {'data': t}} for t in (np.float64, np.float32)])
    s = _dot()
    assert tu.same_symbol_structure(s, mx.sym.dot(mx.sym.Variable('x'), mx.sym.Variable('y')))
    assert not tu.same_symbol_structure(s, mx.sym.Variable('a') + mx.sym.Variable('b'))
    assert tu.check_speed(s, location={'a': np.ones((2, 3)), 'b': np.ones((3, 4))}, N=2) > 0
    assert tu.check_speed(s, a=(2, 3), b=(3, 4), typ='forward', N=2) > 0
    with pytest.raises(ValueError, match='typ can only be'):
        tu.check_speed(s, a=(2, 3), b=(3, 4), typ='backward', N=1)
    out = tu.simple_forward(s, a=np.ones((2, 3)), b=np.ones((3, 4)))
    np.testing.assert_array_equal(out, np.full((2, 4), 3.0))
    two = tu.simple_forward(mx.sym.Group([s, s * 2]), a=np.ones((2, 3)), b=np.ones((3, 4)))
    assert isinstance(two, list) and len(two) == 2
    f = tu._callable_from_symbol(s)
    with mx.autograd.record():
        a = mx.nd.ones((2, 3))
        a.attach_grad()
        r = f(a, mx.nd.ones((3, 4)))[0]
    r.backward()
    np.testing.assert_array_equal(a.grad.asnumpy(), np.full((2, 3), 4.0))
