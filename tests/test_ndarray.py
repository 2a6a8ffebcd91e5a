"""NDArray behaviour, checked against MXNet 1.9.1 where it is subtle."""
import pickle

import numpy as np
import pytest

import mxnet as mx
from mxnet import nd


def test_creation_and_dtype_rules(compare):
    compare('''
OUT['list'] = nd.array([1, 2, 3])
OUT['np64'] = nd.array(np.array([1.5, 2.5]))
OUT['npint'] = nd.array(np.array([1, 2], dtype=np.int64))
OUT['explicit'] = nd.array([1, 2], dtype='int32')
OUT['from_nd'] = nd.array(nd.array([1, 2], dtype='int32'))
OUT['zeros'] = nd.zeros((2, 3))
OUT['ones_i'] = nd.ones((2,), dtype='int64')
OUT['full'] = nd.full((2, 2), 7)
OUT['full_i'] = nd.full((2,), 3.7, dtype='int32')
OUT['empty_shape'] = list(nd.empty((3, 1)).shape)
OUT['arange'] = nd.arange(5)
OUT['arange2'] = nd.arange(1, 4, 0.5)
OUT['arange_rep'] = nd.arange(0, 3, repeat=2)
OUT['arange_int'] = nd.arange(0, 5, 2, dtype='int32')
OUT['linspace'] = nd.linspace(0, 1, 5)
OUT['linspace_ne'] = nd.linspace(0, 1, 4, endpoint=False)
OUT['eye'] = nd.eye(3, 4, 1)
OUT['eye2'] = nd.eye(3, k=-1)
OUT['dtype_str'] = str(nd.array([1]).dtype)
OUT['dtype_i'] = str(nd.array([1], dtype='uint8').dtype)
''')


def test_reshape_codes(compare):
    compare('''
x = nd.arange(24).reshape((2, 3, 4))
for i, s in enumerate([(4, 0, 2), (-1,), (0, -1), (-2,), (2, -2), (-3, 4), (2, -3),
                       (-4, 1, 2, -2), (-4, -1, 2, -2), (0, -4, 1, -1, 4), (6, 1, -1)]):
    OUT['r%d' % i] = x.reshape(s)
OUT['rev'] = x.reshape((-1, 0), reverse=True)
OUT['rev2'] = nd.arange(30).reshape((10, 3)).reshape((-1, 5), reverse=False)
OUT['kw'] = x.reshape(shape=(4, 6))
OUT['varargs'] = x.reshape(6, 4)
y = x.reshape((6, 4)); y[0, 0] = 100
OUT['shares'] = x
''')


def test_reshape_errors():
    x = nd.arange(24).reshape((2, 3, 4))
    for bad in [(5, -1), (7,), (-1, -1), (-4, 5, 5, 0, 0)]:
        with pytest.raises(mx.MXNetError):
            x.reshape(bad)


def test_indexing_get(compare):
    compare('''
x = nd.arange(60).reshape((3, 4, 5))
OUT['i'] = x[1]
OUT['neg'] = x[-1]
OUT['ii'] = x[1, 2]
OUT['iii'] = x[1, 2, 3]
OUT['s'] = x[1:3]
OUT['step'] = x[::2]
OUT['s2'] = x[:, 1:3]
OUT['s3'] = x[:, ::-1]
OUT['ell'] = x[..., 1]
OUT['none'] = x[None, 1]
OUT['none2'] = x[:, None, 2]
OUT['mix'] = x[1, :, 2:4]
OUT['adv_list'] = x[[0, 2]]
OUT['adv_nd'] = x[nd.array([0, 2, 1])]
OUT['adv_2'] = x[nd.array([0, 2]), nd.array([1, 3])]
OUT['adv_np'] = x[np.array([1, 0])]
OUT['adv_slice'] = x[1:, [0, 3]]
v = nd.array([1, 2, 3])
OUT['v1'] = v[1]
OUT['len'] = len(x)
OUT['iter'] = [a.asnumpy().tolist() for a in nd.array([[1, 2], [3, 4]])]
''')


def test_indexing_set(compare):
    compare('''
x = nd.zeros((3, 4))
x[:] = 1
x[1] = 2
x[2, 1:3] = 5
x[:, 0] = nd.array([7, 8, 9])
x[0, 3] = 4
OUT['a'] = x
y = nd.zeros((2, 3))
y[:] = np.arange(6).reshape(2, 3)
OUT['np'] = y
z = nd.zeros((2, 3))
z[:] = nd.array([1, 2, 3])
OUT['bcast'] = z
w = nd.zeros((4, 2))
w[nd.array([0, 2])] = 3
w[[1, 3], 1] = 9
OUT['adv'] = w
u = nd.arange(6).reshape((2, 3))
view = u[1]
view[:] = 42
OUT['view_shares'] = u
c = nd.arange(6).reshape((2, 3))
col = c[:, 1]
col[:] = 42
OUT['col_copies'] = c
s = nd.arange(6).reshape((3, 2))
s[1:3] = 0
OUT['slice_set'] = s
''')


def test_index_errors():
    x = nd.zeros((3, 4))
    with pytest.raises(mx.MXNetError):
        x[3]
    with pytest.raises(IndexError):
        x[0, 9]
    with pytest.raises(mx.MXNetError):
        x[1, 2, 3]
    with pytest.raises(mx.MXNetError):
        x[:] = nd.ones((5,))


def test_arith_matches_reference(compare):
    compare('''
a = nd.array([[1, -2, 3], [4, 5, -6]])
b = nd.array([2, 3, 4])
i = nd.array([[7, -7, 3]], dtype='int32')
j = nd.array([[2, 2, -2]], dtype='int32')
OUT['add'] = a + b
OUT['sub'] = b - a
OUT['mul'] = a * b
OUT['div'] = a / b
OUT['rdiv'] = 1 / b
OUT['rsub'] = 3 - a
OUT['mod'] = a % b
OUT['rmod'] = 7 % b
OUT['pow'] = b ** 2
OUT['rpow'] = 2 ** b
OUT['neg'] = -a
OUT['eq'] = a == 3
OUT['ne'] = a != b
OUT['gt'] = a > b
OUT['le'] = 3 <= a
OUT['idiv'] = i / j
OUT['imod'] = i % j
OUT['iscalar'] = i * 2.7
OUT['iscalar_div'] = i / 2.5
OUT['icmp'] = i > 0.5
OUT['maximum'] = nd.maximum(a, b)
OUT['minimum'] = nd.minimum(a, 0)
OUT['power'] = nd.power(b, b)
OUT['eqf'] = nd.equal(a, b)
OUT['add_s'] = nd.add(1, a)
OUT['sub_s'] = nd.subtract(1, a)
c = nd.array([1, 2, 3])
h = c
c += 1
c *= 2
c -= nd.array([1, 1, 1])
c /= 2
OUT['inplace'] = h
OUT['same_handle'] = h is c
''')


def test_bool_len_repr_and_misc():
    assert not nd.zeros((1,))
    assert nd.array([3])
    with pytest.raises(ValueError):
        bool(nd.array([1, 2]))
    assert repr(nd.array([1, 2], dtype='int32')) == '\n[1 2]\n<NDArray 2 @cpu(0)>'
    assert repr(nd.array([[True]], dtype=np.bool_)) == '\n[[ True]]\n<NDArray 1x1 @cpu(0)>'
    x = nd.array([[1, 2], [3, 4]])
    assert x.shape == (2, 2) and x.size == 4 and x.ndim == 2 and x.dtype == np.float32
    assert x.context == mx.cpu() and x.ctx == mx.cpu() and x.stype == 'default'
    assert x.T.asnumpy().tolist() == [[1, 3], [2, 4]]
    assert nd.array([5]).asscalar() == 5
    with pytest.raises(ValueError):
        x.asscalar()
    assert x.astype('int32').dtype == np.int32
    assert x.astype('float32', copy=False) is x
    y = x.copy()
    y[:] = 0
    assert x.asnumpy().sum() == 10
    z = nd.zeros((2, 2))
    x.copyto(z)
    assert z.asnumpy().tolist() == [[1, 2], [3, 4]]
    assert x.as_in_context(mx.cpu()) is x
    with pytest.raises(mx.MXNetError):
        x.copyto(nd.zeros((3,)))
    a = x.asnumpy()
    a[0, 0] = 99  # asnumpy returns a copy
    assert x.asnumpy()[0, 0] == 1
    p = pickle.loads(pickle.dumps(x))
    assert p.asnumpy().tolist() == x.asnumpy().tolist()
    x.wait_to_read()
    nd.waitall()
    pinned = nd.ones((2,), ctx=mx.cpu_pinned())
    assert pinned.context == mx.cpu_pinned()


def test_dtype_errors():
    with pytest.raises(mx.MXNetError):
        nd.zeros((2,), dtype='float128')
    with pytest.raises(mx.MXNetError):
        nd.array([1, 2], dtype='nonsense')


def test_registry_errors():
    x = nd.ones((2, 3))
    with pytest.raises(mx.MXNetError, match='Cannot find argument'):
        nd.elemwise_add(x, x, bogus=1)
    with pytest.raises(mx.MXNetError, match='elemwise_add'):
        nd.elemwise_add(x, nd.ones((3, 2)))
    with pytest.raises(mx.MXNetError):
        nd._internal._plus_scalar(x, scalar='abc')
    out = nd.zeros((2, 3))
    r = nd.elemwise_add(x, x, out=out)
    assert r is out and out.asnumpy().sum() == 12
    with pytest.raises(mx.MXNetError):
        nd.elemwise_add(x, x, out=nd.zeros((3,)))


def test_histogram_and_rnn_param_concat(compare):
    compare('''
x = nd.array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], dtype='int32')
OUT['h_cnt'], OUT['h_edges'] = nd.histogram(x, bins=7, range=(0, 10))
OUT['hb_cnt'], OUT['hb_edges'] = nd.histogram(nd.array([0.5, 1.5, 1.7]), bins=nd.array([0., 1., 2.]))
a = nd.array(np.arange(6).reshape(2, 3)); b = nd.ones((4,))
OUT['cat'] = nd._internal._rnn_param_concat(a.reshape((-1,)), b, dim=0)
''')
