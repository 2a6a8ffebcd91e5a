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
    skip = {'Features', 'Symbol', 'np_symbol', 'use_np'}  # need mx.runtime / mx.sym / mx.np
    missing = [n for n in names if n not in skip and not hasattr(tu, n)]
    assert not missing, missing


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
    for f in (lambda: tu.rand_sparse_ndarray((2, 2), 'csr'),
              lambda: tu.create_sparse_array((2, 2), 'row_sparse'),
              lambda: tu.create_sparse_array_zd((2, 2), 'csr', 0.5),
              lambda: tu.rand_ndarray((2, 2), 'csr')):
        with pytest.raises(MXNetError, match='sparse'):
            f()


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

    def builder():
        net = mx.gluon.nn.HybridSequential()
        net.add(mx.gluon.nn.Dense(3, in_units=4))
        return net
    x = mx.nd.array(np.random.RandomState(0).rand(2, 4))
    out = tu.check_gluon_hybridize_consistency(builder, [x])
    assert out[0].shape == (2, 3)
    t = tu.check_speed(lambda a: a * 2, location=[np.ones((2, 2))], N=2)
    assert t >= 0
    with pytest.raises(MXNetError, match='Symbol'):
        tu.check_consistency(None, [])
    with pytest.raises(MXNetError, match='Symbol'):
        tu.same_symbol_structure(None, None)


def test_offline_data_helpers(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for f in (tu.get_mnist, tu.get_mnist_ubyte, tu.get_mnist_pkl, tu.get_cifar10):
        with pytest.raises(MXNetError, match='Place the files at'):
            f()
    with pytest.raises(MXNetError):
        tu.download_model('resnet18_v1')
    with pytest.raises(MXNetError, match='place the file at'):
        tu.download('http://nowhere.invalid/x.bin', dirname=str(tmp_path), retries=1)
    (tmp_path / 'y.bin').write_bytes(b'1')
    assert tu.download('http://nowhere.invalid/y.bin', dirname=str(tmp_path)) == str(
        tmp_path / 'y.bin')
    with pytest.raises(MXNetError):
        tu.get_im2rec_path()
