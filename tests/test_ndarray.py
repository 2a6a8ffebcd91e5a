"""NDArray behaviour, checked against MXNet 1.9.1 where it is subtle."""
import pickle

import numpy as np
import pytest

import mxnet as mx
from mxnet import autograd, nd


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
    # MXNet's C reshape refuses codes it cannot resolve and targets larger than the source
    # (MXNetError); a smaller target (a -1 inferred by floor division too) passes the C call
    # and NDArray.reshape then raises ValueError
    x = nd.arange(24).reshape((2, 3, 4))
    for bad in [(-1, -1), (-4, 5, 5, 0, 0), (5, 5), (2, 3, -4, 2, 3)]:
        with pytest.raises(mx.MXNetError):
            x.reshape(bad)
    for bad in [(5, -1), (7,), (2, 3)]:
        with pytest.raises(ValueError, match='Cannot reshape array of size 24'):
            x.reshape(bad)
    with pytest.raises(mx.MXNetError):  # the Reshape operator checks the size exactly
        nd.reshape(x, shape=(7,))


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
z = nd.array([1, 0, 2])
OUT['and_s'] = nd.logical_and(z, 1)
OUT['or_s'] = nd.logical_or(0, z)
OUT['xor_s'] = nd.logical_xor(z, 1)
OUT['and_0'] = nd.logical_and(z, 0)
OUT['xor_nd'] = nd.logical_xor(z, nd.array([1, 1, 0]))
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
        nd.sum(x, bogus=1)
    # as in MXNet, an operator without a parameter struct ignores unknown keywords
    assert nd.elemwise_add(x, x, bogus=1).shape == (2, 3)
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


def test_zero_d_arrays_from_numpy_and_scalars(compare):
    # a 0-d source stays 0-d (np.ascontiguousarray would have made it (1,))
    compare('''
a = nd.array(np.ones([]))
OUT['shape'] = list(a.shape)
OUT['val'] = a
OUT['scalar_shape'] = list(nd.array(5.0).shape)
OUT['np_scalar_shape'] = list(nd.array(np.float32(2.5)).shape)
OUT['asscalar'] = float(a.asscalar())
OUT['zero_size'] = list(nd.array(np.ones((2, 0))).shape)
''')


def test_basic_indexing_views_follow_contiguity():
    # MXNet returns a view exactly when the key selects one contiguous block of memory
    x_np = np.arange(4 * 5 * 6).reshape((4, 5, 6))
    keys = [(slice(None), 1), (1, slice(2, 4)), (slice(1, 3),), (1, 2), (slice(None), slice(1, 3)),
            (slice(None, None, 2),), (0, slice(None, None, -1)), (slice(2, 3), slice(None, None, 2)),
            (Ellipsis, 3), (1, Ellipsis), (None, 2), (3, slice(0, 1), slice(5, 6)),
            (slice(None, None, -1), slice(1, 2), 0)]
    for key in keys:
        full = mx.nd.NDArray._basic_indexing_slice_is_contiguous
        x = nd.array(x_np)
        y = x[key]
        expect = x_np[key] if np.ndim(x_np[key]) else x_np[key].reshape(1)
        np.testing.assert_array_equal(y.asnumpy(), expect)
        view = np.shares_memory(x_np, x_np[key]) and x_np[key].flags.c_contiguous
        y[:] = -1
        written = (x.asnumpy()[key] == -1).all()
        assert written == view, key
    is_contig = mx.nd.NDArray._basic_indexing_slice_is_contiguous
    shape = (6, 7, 8)
    for slc in [(slice(None), slice(None), slice(None)), (slice(2), slice(None), slice(None)),
                (slice(1, 2), slice(3, 5), slice(None)), (slice(None), slice(3, 5), slice(None)),
                (slice(None), slice(None), slice(None, None, 2)), (slice(0, 1), slice(0, 1),
                                                                   slice(None, None, -1)),
                (slice(3, None, -2), slice(0, 1), slice(0, 1)), (slice(None, None, 20),) * 3]:
        want = np.arange(6 * 7 * 8).reshape(shape)[slc].flags.contiguous
        assert is_contig(slc, shape) == want, slc


def test_inplace_flatten_expand_dims_squeeze_are_views():
    x = nd.arange(6).reshape((2, 1, 3))
    for y in (x.flatten(inplace=True), x.expand_dims(axis=-1, inplace=True),
              x.squeeze(axis=1, inplace=True), x.squeeze(inplace=True)):
        y[:] = y + 1
    np.testing.assert_array_equal(x.asnumpy().ravel(), np.arange(6) + 4)
    assert x.flatten(inplace=True).shape == (2, 3)
    assert x.expand_dims(axis=1, inplace=True).shape == (2, 1, 1, 3)
    assert x.squeeze(inplace=True).shape == (2, 3)
    assert nd.ones((1, 1)).squeeze(inplace=True).shape == (1,)
    c = x.flatten()
    c[:] = 0
    assert x.asnumpy().min() > 0  # not inplace: a copy
    with pytest.raises(AssertionError):
        x.squeeze(axis=0, inplace=True)
    with pytest.raises(AssertionError):
        x.expand_dims(axis=5, inplace=True)


def test_moveaxis_checks_axes(compare):
    compare('''
x = nd.arange(24).reshape((2, 3, 4))
OUT['a'] = nd.moveaxis(x, 0, -1)
OUT['b'] = nd.moveaxis(x, [0, 2], [2, 0])
OUT['c'] = nd.moveaxis(x, range(3), range(3))
errs = []
for s, d in [(3, 0), (-4, 0), (0, 5), ([0, 0], [0, 1]), ([0, 1], [1, 1]), (0, [0, 1]),
             ([0, 1], [0])]:
    try:
        nd.moveaxis(x, s, d)
        errs.append('ok')
    except ValueError:
        errs.append('ValueError')
OUT['errs'] = errs
''')


def test_creation_out_fills_the_given_array(compare):
    compare('''
o = nd.zeros((2, 2))
r = nd.ones((2, 2), out=o)
OUT['same'] = r is o
OUT['ones'] = o.copy()
nd.zeros((2, 2), out=o)
OUT['zeros'] = o.copy()
oi = nd.zeros((2, 2), dtype='int32')
nd.full((2, 2), 2.5, out=oi)
OUT['full_int'] = oi
try:
    nd.ones((2, 3), out=o)
    OUT['mismatch'] = 'ok'
except mx.MXNetError:
    OUT['mismatch'] = 'error'
''')


def test_from_numpy_shares_memory_and_locks_numpy():
    a = np.array([[1, 2], [3, 4], [5, 6]], dtype='float32')
    m = nd.from_numpy(a)
    assert not a.flags.writeable
    with pytest.raises(ValueError):
        a[0, 0] = 7
    m[2, 1] = 100
    assert a[2, 1] == 100  # one memory
    with pytest.raises(ValueError):
        nd.from_numpy(np.ones((3, 2)).T)
    b = np.arange(4, dtype=np.int64)
    c = nd.from_numpy(b, zero_copy=False)
    assert c.dtype == np.int64 and b.flags.writeable
    c[0] = 9
    assert b[0] == 0
    assert nd.from_numpy(np.array(3.0)).shape == ()


def test_contrib_isinf_isfinite_isnan(compare):
    compare('''
x = nd.array([np.inf, -np.inf, np.nan, 1.0, 0.0])
i = nd.array([1, 2], dtype='int32')
OUT['inf'] = nd.contrib.isinf(x)
OUT['fin'] = nd.contrib.isfinite(x)
OUT['nan'] = nd.contrib.isnan(x)
OUT['h'] = nd.contrib.isinf(nd.array([np.inf, 1], dtype='float16'))
OUT['iinf'] = nd.contrib.isinf(i)
OUT['ifin'] = nd.contrib.isfinite(i)
OUT['ieq'] = i == np.inf
OUT['ine'] = i != -np.inf
OUT['iadd'] = i + 2.7
''')


def test_setitem_negative_steps_and_advanced_keys(compare):
    compare('''
def fresh():
    return nd.array(np.arange(2 * 4 * 5).reshape((2, 4, 5)), dtype='int32')
for n, (key, val) in enumerate([
        ((slice(None, None, -1), 1), np.arange(10).reshape(2, 5)),
        ((slice(None), slice(3, 0, -2)), 7),
        ((0, slice(None, None, -1), slice(1, 4)), np.arange(3)),
        ((1, [0, 2], slice(None, None, -1)), np.arange(10).reshape(2, 5)),
        (([1, 0], slice(None), (2, 3)), 5),
        ((0, [1, 3]), nd.array(np.ones((2, 5)) * 1.7)),
        ((slice(None, None, -1), 2, slice(1, 5)), np.arange(8).reshape(1, 1, 2, 4))]):
    x = fresh()
    x[key] = val
    OUT['set%d' % n] = x
    OUT['get%d' % n] = fresh()[key]
''')


def test_setitem_whole_array_keys_with_integer_axes(compare):
    # a key selecting the whole array (integers on axes of size 1 too) copies the value,
    # fitted to what the key selects, over the array
    compare('''
dst = nd.zeros((1, 3, 1))
dst[0, :3, 0] = [1, 2, 3]
OUT['list'] = dst.copy()
dst[0, :, 0] = nd.array([4, 5, 6])
OUT['nd'] = dst.copy()
dst[None] = 7
OUT['none'] = dst.copy()
dst[:, :, :] = np.arange(3).reshape((1, 1, 3, 1))
OUT['extra_axes'] = dst
''')


def test_setitem_while_recording_follows_mxnet():
    y = nd.ones((5,))
    y.attach_grad()
    for key in [slice(1, 3), 1, [0, 2], (slice(None, None, 2),)]:
        x = nd.zeros((4, 5))
        with pytest.raises(mx.MXNetError, match='Inplace operations'):
            with autograd.record():
                x[key] = y[:x[key].shape[-1]]
    x = nd.zeros((5,))
    with pytest.raises(mx.MXNetError, match='Inplace operations'):
        with autograd.record():
            x += y
    with autograd.record():
        z = y * 2
        with pytest.raises(mx.MXNetError, match='already in a computational graph'):
            z[1] = 3
        with pytest.raises(mx.MXNetError, match='already in a computational graph'):
            z += 1
        x = nd.zeros((5,))
        x[:] = y * 3   # a whole-array copy joins the graph
        with pytest.raises(mx.MXNetError, match='already in a computational graph'):
            x[1:2] = 4.0
    with autograd.record():
        x = nd.zeros((5,))
        x[:] = y * 3
    x.backward()
    np.testing.assert_array_equal(y.grad.asnumpy(), np.full(5, 3.0))
    x = nd.zeros((2, 5))
    with autograd.record():
        x[0] = 1.0  # a constant value: nothing is recorded, nothing refused
    assert x.asnumpy()[0].sum() == 5


def test_dlpack_through_the_c_api_functions():
    import ctypes
    from mxnet.base import _LIB, NDArrayHandle, check_call, c_str
    x = nd.arange(6).reshape((2, 3))
    cap = nd.to_dlpack_for_read(x)
    ptr = ctypes.c_void_p(ctypes.pythonapi.PyCapsule_GetPointer(ctypes.py_object(cap),
                                                                c_str('dltensor')))
    handle = NDArrayHandle()
    check_call(_LIB.MXNDArrayFromDLPack(ptr, ctypes.byref(handle)))
    ctypes.pythonapi.PyCapsule_SetName(ctypes.py_object(cap), c_str('used_dltensor'))
    ctypes.pythonapi.PyCapsule_SetDestructor(ctypes.py_object(cap), None)
    y = nd.NDArray(handle=handle)
    np.testing.assert_array_equal(y.asnumpy(), x.asnumpy())
    y[0, 0] = 42  # shares x's memory
    assert x.asnumpy()[0, 0] == 42
    with pytest.raises(mx.MXNetError):
        nd.NDArray(handle=handle)  # a handle is taken once
    out = ctypes.c_void_p()
    check_call(_LIB.MXNDArrayToDLPack(x.handle, ctypes.byref(out)))
    h2 = NDArrayHandle()
    check_call(_LIB.MXNDArrayFromDLPackEx(out, False, ctypes.byref(h2)))
    assert nd.NDArray(handle=h2).asnumpy()[0, 0] == 42
    with pytest.raises(mx.MXNetError):
        _LIB.MXImperativeInvokeEx()
