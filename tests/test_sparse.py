"""Sparse NDArrays (mx.nd.sparse): creation, conversion, storage-type rules, sparse kernels,
storage fallback, save/load. Expected values and storage types were printed by MXNet 1.9.1
(the reference venv) for the same inputs."""
import pickle

import numpy as np
import pytest

import mxnet as mx
from mxnet import nd
from mxnet.base import MXNetError
from mxnet.ndarray.sparse import CSRNDArray, RowSparseNDArray

D = [[0, 1.5, 0], [2, 0, -3], [0, 0, 4]]


def _arrays():
    d = nd.array(D)
    return d, d.tostype('csr'), d.tostype('row_sparse')


def test_components_and_repr():
    d, a, r = _arrays()
    assert isinstance(a, CSRNDArray) and isinstance(r, RowSparseNDArray)
    assert isinstance(a, nd.NDArray) and a.stype == 'csr' and r.stype == 'row_sparse'
    assert a.data.asnumpy().tolist() == [1.5, 2, -3, 4]
    assert a.indices.asnumpy().tolist() == [1, 0, 2, 2]
    assert a.indptr.asnumpy().tolist() == [0, 1, 3, 4]
    assert a.indices.dtype == np.int64 and a.indptr.dtype == np.int64
    assert r.indices.asnumpy().tolist() == [0, 1, 2] and r._num_aux == 1 and a._num_aux == 2
    assert repr(a) == '\n<CSRNDArray 3x3 @cpu(0)>'
    assert repr(r.copyto(mx.cpu(1))) == '\n<RowSparseNDArray 3x3 @cpu(1)>'
    np.testing.assert_array_equal(a.asnumpy(), D)
    np.testing.assert_array_equal(a.asscipy().toarray(), D)
    # .data is a copy, as in MXNet
    v = a.data
    v[:] = 7
    np.testing.assert_array_equal(a.asnumpy(), D)
    assert a[1].shape == (1, 3) and isinstance(a[1], CSRNDArray)
    np.testing.assert_array_equal(a[1:3].asnumpy(), np.array(D)[1:3])
    np.testing.assert_array_equal(a[-1].asnumpy(), np.array(D)[-1:])
    with pytest.raises(Exception):
        r.reshape((9,))


def test_creation():
    a = nd.sparse.csr_matrix(([1, 2, 3], [0, 2, 1], [0, 2, 2, 3]), shape=(3, 4))
    np.testing.assert_array_equal(a.asnumpy(), [[1, 0, 2, 0], [0, 0, 0, 0], [0, 3, 0, 0]])
    z = nd.sparse.csr_matrix((2, 3), dtype='int32', ctx=mx.cpu(1))
    assert z.dtype == np.int32 and z.context == mx.cpu(1)
    assert z.indptr.asnumpy().tolist() == [0, 0, 0]
    r = nd.sparse.row_sparse_array(([[1., 2]], [2]))      # shape inferred
    assert r.shape == (3, 2)
    with pytest.raises(ValueError):
        nd.sparse.row_sparse_array(((1, 2), (3, 4)), shape=(5, 2))
    assert nd.zeros((2, 3), stype='row_sparse').data.shape == (0, 3)
    assert nd.empty((2, 3), stype='csr').stype == 'csr'
    with pytest.raises(ValueError):
        nd.sparse.zeros('bad', (2, 2))
    import scipy.sparse as spsp
    sp = spsp.csr_matrix((np.array([1., 2, 3]), np.array([2, 0, 0]), np.array([0, 3, 3])),
                         shape=(2, 3))   # duplicates, unsorted: made canonical
    c = nd.array(sp)
    assert isinstance(c, CSRNDArray) and c.dtype == np.float64
    assert c.indices.asnumpy().tolist() == [0, 2] and c.data.asnumpy().tolist() == [5, 1]
    assert isinstance(nd.array(c), CSRNDArray)
    with pytest.raises(ValueError):
        nd.array([1, 2, 3]).tostype('csr')
    with pytest.raises(ValueError):
        c.tostype('row_sparse')


def test_check_format():
    bad = nd.sparse.csr_matrix(([7, 8, 9], [2, 1, 1], [0, 2, 2, 3]), shape=(3, 4))
    with pytest.raises(MXNetError):
        bad.check_format()
    with pytest.raises(MXNetError):
        nd.sparse.row_sparse_array(([[1, 2], [3, 4]], [1, 0]), shape=(3, 2)).check_format()
    nd.sparse.zeros('csr', (2, 2)).check_format()


def test_storage_types_follow_mxnet():
    d, a, r = _arrays()
    st = lambda *xs: [x.stype for x in xs]  # noqa: E731
    assert st(a * 2, a + 0, a + 1, 2 * a, a / 2, -a, 1 - a, a - 0) == \
        ['csr', 'csr', 'default', 'csr', 'csr', 'csr', 'default', 'csr']
    assert st(a > 0, a < 0, a == 1, a != 0, a >= 1, a ** 2, 0 == a) == \
        ['csr', 'csr', 'csr', 'csr', 'csr', 'default', 'default']
    assert st(a + a, a * a, a - a, a / a, r + r, r * r, r * d, d * r, a + d) == \
        ['csr', 'csr', 'csr', 'default', 'row_sparse', 'row_sparse', 'row_sparse', 'default',
         'default']
    assert st(nd.sqrt(a), nd.exp(a), nd.square(r), nd.sigmoid(r), nd.zeros_like(a),
              nd.ones_like(a), nd.clip(r, -1, 1), a.T, nd.sum(a), a.astype('int32')) == \
        ['csr', 'default', 'row_sparse', 'default', 'csr', 'default', 'row_sparse',
         'default', 'default', 'csr']
    assert st(nd.elemwise_mul(a, d), nd.elemwise_add(a, d), nd.elemwise_add(a, r),
              nd.add_n(r, r, d), nd.add_n(a, a), nd.where(a, a, a)) == \
        ['csr', 'default', 'default', 'default', 'default', 'default']


def test_sparse_kernels_against_reference():
    d, a, r = _arrays()
    w = nd.array([[1, 2], [3, 4], [5, 6]])
    assert nd.dot(a, w).stype == 'default'
    assert nd.dot(a, w).asnumpy().tolist() == [[4.5, 6.0], [-13.0, -14.0], [20.0, 24.0]]
    t = nd.dot(a, w, transpose_a=True)
    assert t.stype == 'row_sparse' and t.indices.asnumpy().tolist() == [0, 1, 2]
    assert t.data.asnumpy().tolist() == [[6.0, 8.0], [1.5, 3.0], [11.0, 12.0]]
    o = nd.dot(nd.array([[1, 2, 3.]]), a)
    assert o.stype == 'csr' and o.data.asnumpy().tolist() == [4.0, 1.5, 6.0]
    assert nd.dot(a, w, forward_stype='csr').stype == 'csr'
    s = nd._internal._square_sum(r, axis=1, keepdims=True)
    assert s.stype == 'row_sparse' and s.data.asnumpy().tolist() == [[2.25], [13.0], [16.0]]
    assert nd._internal._square_sum(r, axis=0).asnumpy().tolist() == [4.0, 2.25, 25.0]
    x = nd.sparse.retain(r, nd.array([0, 2]))
    assert x.indices.asnumpy().tolist() == [0, 2]
    assert x.data.asnumpy().tolist() == [[0.0, 1.5, 0.0], [0.0, 0.0, 4.0]]
    y = r + nd.sparse.row_sparse_array(([[1., 1, 1]], [0]), shape=(3, 3))
    assert y.data.asnumpy().tolist() == [[1.0, 2.5, 1.0], [2.0, 0.0, -3.0], [0.0, 0.0, 4.0]]
    assert nd.sparse.add_n(r, r).stype == 'row_sparse'
    b = nd.broadcast_mul(a, nd.array([[1.], [2], [3]]))
    assert b.stype == 'csr' and b.data.asnumpy().tolist() == [1.5, 4.0, -6.0, 12.0]
    c = nd.slice(a, begin=(1, 1), end=(3, 3))
    assert c.stype == 'csr' and c.indptr.asnumpy().tolist() == [0, 1, 2]
    assert c.indices.asnumpy().tolist() == [1, 1] and c.data.asnumpy().tolist() == [-3.0, 4.0]
    assert nd.contrib.getnnz(a, axis=1).asnumpy().tolist() == [1, 2, 1]
    assert nd.concat(a, a, dim=0).indptr.asnumpy().tolist() == [0, 1, 3, 4, 5, 7, 8]
    assert nd.sparse.retain(r, nd.array([1])).data.asnumpy().tolist() == [[2, 0, -3]]


def test_fallback_and_out():
    d, a, r = _arrays()
    f = nd.broadcast_add(a, r)           # any op: dense computation, dense result
    assert f.stype == 'default'
    np.testing.assert_array_equal(f.asnumpy(), 2 * np.array(D))
    out = nd.zeros((3, 3), stype='csr')
    nd.broadcast_add(d, d, out=out)      # dense result into a csr out: stays csr
    assert out.stype == 'csr' and out.indptr.asnumpy().tolist() == [0, 1, 3, 4]
    rs = nd.zeros((4, 4), stype='row_sparse')
    nd.random.uniform(shape=(4, 4), out=rs)
    assert rs.stype == 'row_sparse' and rs.indices.shape == (4,)
    x = r.copy()
    x += r
    assert x.stype == 'row_sparse'
    np.testing.assert_array_equal(x.asnumpy(), 2 * np.array(D))
    x[:] = 1
    np.testing.assert_array_equal(x.asnumpy(), np.ones((3, 3)))
    dn = nd.zeros((3, 3))
    a.copyto(dn)
    np.testing.assert_array_equal(dn.asnumpy(), D)
    with pytest.raises(TypeError):
        a.copyto(nd.zeros((3, 3), stype='row_sparse'))


# nd.save([d.tostype('csr'), d.tostype('row_sparse'), sparse.zeros('csr', (2, 3)),
#          sparse.zeros('row_sparse', (2, 3), dtype='int32'),
#          nd.zeros((2, 3, 2)).tostype('row_sparse')]) for d = [[0, 1.5, 0], [2, 0, -3]],
# written by MXNet 1.9.1
_REF_FILE = (
    '120100000000000000000000000000000500000000000000c9fa93f90200000001000000000000000000000002'
    '000000020000000000000003000000000000000100000000000000000000000600000001000000030000000000'
    '0000060000000100000003000000000000000000c03f00000040000040c0000000000000000001000000000000'
    '000300000000000000010000000000000000000000000000000200000000000000c9fa93f90100000002000000'
    '020000000000000003000000000000000200000002000000000000000300000000000000010000000000000000'
    '00000006000000010000000200000000000000000000000000c03f000000000000004000000000000040c00000'
    '0000000000000100000000000000c9fa93f9020000000100000000000000000000000200000002000000000000'
    '000300000000000000010000000000000000000000060000000100000003000000000000000600000001000000'
    '0000000000000000000000000000000000000000000000000000000000000000c9fa93f9010000000200000000'
    '000000000000000300000000000000020000000200000000000000030000000000000001000000000000000400'
    '000006000000010000000000000000000000c9fa93f90100000003000000000000000000000003000000000000'
    '000200000000000000030000000200000000000000030000000000000002000000000000000100000000000000'
    '00000000060000000100000000000000000000000000000000000000')


def test_save_load_byte_compatible(tmp_path):
    d = nd.array([[0, 1.5, 0], [2, 0, -3]])
    arrs = [d.tostype('csr'), d.tostype('row_sparse'), nd.sparse.zeros('csr', (2, 3)),
            nd.sparse.zeros('row_sparse', (2, 3), dtype='int32'),
            nd.zeros((2, 3, 2)).tostype('row_sparse')]
    f = str(tmp_path / 'sp.bin')
    nd.save(f, arrs)
    assert open(f, 'rb').read().hex() == _REF_FILE
    loaded = nd.load_frombuffer(bytes.fromhex(_REF_FILE))
    assert [type(x) for x in loaded] == [CSRNDArray, RowSparseNDArray, CSRNDArray,
                                        RowSparseNDArray, RowSparseNDArray]
    for x, y in zip(arrs, loaded):
        assert x.dtype == y.dtype and x.shape == y.shape
        np.testing.assert_array_equal(x.asnumpy(), y.asnumpy())
    with pytest.raises(MXNetError):
        nd.load_frombuffer(bytes.fromhex(_REF_FILE)[:-9])
    b = pickle.loads(pickle.dumps(arrs[0]))
    assert isinstance(b, CSRNDArray)
    np.testing.assert_array_equal(b.asnumpy(), arrs[0].asnumpy())


def test_test_utils_generators():
    from mxnet import test_utils as tu
    a, (v, idx) = tu.rand_sparse_ndarray((6, 4), 'row_sparse', density=1)
    assert a.stype == 'row_sparse' and list(idx) == list(range(6))
    c = tu.create_sparse_array_zd((5, 5), 'row_sparse', 0.5, rsp_indices=[3, 1])
    assert c.indices.asnumpy().tolist() == [1, 3]
    p, _ = tu.rand_sparse_ndarray((4, 64), 'csr', density=30 / 256., distribution='powerlaw')
    assert (p.indptr.asnumpy()[1:] - p.indptr.asnumpy()[:-1]).tolist() == [2, 4, 8, 16]
    assert tu.rand_ndarray((3, 3), 'csr', density=0).indices.shape == (0,)


def test_autograd_with_sparse_gradient():
    w = nd.ones((3, 2))
    w.attach_grad(stype='row_sparse')
    lhs = nd.array([[1, 0, 2], [0, 0, 3]])
    with mx.autograd.record():
        y = nd.dot(lhs, w)
    y.backward()
    assert w.grad.stype == 'row_sparse'
    np.testing.assert_array_equal(w.grad.asnumpy(), lhs.asnumpy().T @ np.ones((2, 2)))


def test_lazy_optimizer_updates():
    # MXNet 1.9.1: a row_sparse gradient updates only its rows (lazy_update), weight and states
    g = nd.sparse.row_sparse_array(([[1., 1]], [1]), shape=(3, 2))
    w = nd.array([[1., 2], [3, 4], [5, 6]])
    nd.sgd_update(w, g, lr=0.1, wd=0.1, out=w)
    np.testing.assert_allclose(w.asnumpy(), [[1, 2], [2.87, 3.86], [5, 6]], rtol=1e-6)
    w = nd.array([[1., 2], [3, 4], [5, 6]])
    nd.sgd_update(w, g, lr=0.1, wd=0.1, lazy_update=False, out=w)
    np.testing.assert_allclose(w.asnumpy(), [[0.99, 1.98], [2.87, 3.86], [4.95, 5.94]],
                               rtol=1e-6)
    w, m, v = nd.array([[1., 2], [3, 4], [5, 6]]), nd.zeros((3, 2)), nd.zeros((3, 2))
    nd.adam_update(w, g, m, v, lr=0.1, wd=0.1, out=w)
    np.testing.assert_allclose(w.asnumpy(), [[1, 2], [2.68377018, 3.68377018], [5, 6]],
                               rtol=1e-5)
    np.testing.assert_allclose(m.asnumpy(), [[0, 0], [0.13, 0.14], [0, 0]], rtol=1e-5)
    np.testing.assert_allclose(v.asnumpy(), [[0, 0], [0.00168998, 0.00195997], [0, 0]],
                               rtol=1e-4)
    # a row_sparse weight with a dense momentum: the standard (every row) update
    wr, mom = nd.array([[1., 2], [3, 4], [5, 6]]).tostype('row_sparse'), nd.zeros((3, 2))
    nd.sgd_mom_update(wr, g, mom, lr=0.1, momentum=0.9, wd=0.1, out=wr)
    assert wr.stype == 'row_sparse'
    np.testing.assert_allclose(wr.asnumpy(), [[0.99, 1.98], [2.87, 3.86], [4.95, 5.94]],
                               rtol=1e-6)
