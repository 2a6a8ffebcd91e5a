"""Reductions, arg-reductions, sorting, cumsum, moments, histogram, khatri_rao vs MXNet 1.9.1."""
import numpy as np
import pytest

import mxnet as mx
from mxnet import nd, autograd
from mxnet.test_utils import check_numeric_gradient


def test_reductions_forward(compare):
    compare('''
    rs = np.random.RandomState(0)
    x = nd.array(rs.randint(-4, 5, size=(2, 3, 4)).astype('float32'))
    xi = nd.array(rs.randint(-4, 5, size=(2, 3, 4)), dtype='int32')
    for op in ['sum', 'mean', 'prod', 'max', 'min', 'nansum', 'nanprod']:
        f = getattr(nd, op)
        OUT[op + '_all'] = f(x)
        OUT[op + '_a1'] = f(x, axis=1)
        OUT[op + '_aneg'] = f(x, axis=-1, keepdims=True)
        OUT[op + '_tup'] = f(x, axis=(0, 2))
        OUT[op + '_tupr'] = f(x, axis=(2, 0))
        OUT[op + '_keep'] = f(x, keepdims=True)
        OUT[op + '_excl'] = f(x, axis=1, exclude=True)
        OUT[op + '_excl2'] = f(x, axis=(0, -1), exclude=True, keepdims=True)
        OUT[op + '_exclall'] = f(x, axis=(0, 1, 2), exclude=True)
        OUT[op + '_empty'] = f(x, axis=())
        OUT[op + '_str'] = f(x, axis='(0, 2)', keepdims='True', exclude='False')
        OUT[op + '_str1'] = f(x, axis='1')
        OUT[op + '_int'] = f(xi, axis=1)
        OUT[op + '_intall'] = f(xi)
        OUT[op + '_f64'] = f(x.astype('float64'), axis=2)
        OUT[op + '_pos'] = f(x, 0)
    OUT['sum_axis'] = nd.sum_axis(x, axis=1)
    OUT['max_axis'] = nd.max_axis(x, axis=(0, 1))
    OUT['min_axis'] = nd.min_axis(x, axis=2, keepdims=True)
    OUT['fl_sum'] = x.sum(axis=1)
    OUT['fl_max'] = x.max()
    OUT['fl_mean'] = x.mean(axis=2)
    OUT['sum_u8'] = nd.sum(nd.array([200, 144], dtype='uint8'))
    OUT['mean_i8'] = nd.mean(nd.array([100, 100, 100], dtype='int8'))
    OUT['mean_neg'] = nd.mean(nd.array([-1, -2, -3, -4], dtype='int8'))
    OUT['mean_u8'] = nd.mean(nd.array([1, 2, 3, 4], dtype='uint8'))
    OUT['prod_i8'] = nd.prod(nd.array([100, 100, 100], dtype='int8'))
    OUT['sum_f16'] = nd.sum(x.astype('float16'), axis=1)
    n = nd.array([[1, np.nan, 3], [np.nan, np.nan, 2], [0, 4, 5]])
    OUT['nansum_nan'] = nd.nansum(n, axis=1)
    OUT['nanprod_nan'] = nd.nanprod(n, axis=0)
    OUT['nansum_nanall'] = nd.nansum(n)
    OUT['max_nan'] = nd.max(n, axis=1)
    OUT['min_nan'] = nd.min(n, axis=0)
    ''')


def test_reduction_grads(compare):
    compare('''
    rs = np.random.RandomState(1)
    xs = {
        'ties': nd.array([[1, 5, 5], [3, 3, 3.], [-1, 2, -1]]),
        'zeros': nd.array([[0, 2, 3], [0, 0, 2.], [1, 2, 4]]),
        'nans': nd.array([[np.nan, 2, 3], [0, 1, 2.], [4, np.nan, 1]]),
    }
    hg = nd.array(rs.uniform(-1, 1, size=(3,)).astype('float32'))
    for name, x0 in xs.items():
        for op in ['sum', 'mean', 'prod', 'max', 'min', 'nansum', 'nanprod']:
            for kw, key in [({'axis': 1}, 'a1'), ({}, 'all'), ({'axis': 0, 'keepdims': True}, 'k0'),
                            ({'axis': 0, 'exclude': True}, 'ex')]:
                x = x0.copy()
                x.attach_grad()
                with autograd.record():
                    y = getattr(nd, op)(x, **kw)
                y.backward(nd.ones(y.shape) if y.size != 3 else hg.reshape(y.shape))
                OUT['%s_%s_%s' % (op, name, key)] = x.grad
    x = nd.array(rs.uniform(-1, 1, size=(2, 3, 4)).astype('float32'))
    x.attach_grad()
    with autograd.record():
        y = nd.max(x, axis=(0, 2)) * nd.array([1, 2, 3])
    y.backward()
    OUT['max_3d'] = x.grad
    ''')


def test_norm(compare):
    compare('''
    rs = np.random.RandomState(2)
    x = nd.array(rs.uniform(-2, 2, size=(2, 3, 4)).astype('float32'))
    xi = nd.array([[1, 5, -5], [3, 2, 4]], dtype='int32')
    OUT['n'] = nd.norm(x)
    OUT['n1'] = nd.norm(x, ord=1)
    OUT['n_a1'] = nd.norm(x, axis=1)
    OUT['n_a02'] = nd.norm(x, axis=(0, 2), keepdims=True)
    OUT['n_all3'] = nd.norm(x, axis=(0, 1, 2))
    OUT['n1_neg'] = nd.norm(x, ord=1, axis=-1)
    OUT['n_keep'] = nd.norm(x, keepdims=True)
    OUT['n_str'] = nd.norm(x, ord='1', axis='(1,)', keepdims='1')
    OUT['n_od'] = nd.norm(x, out_dtype='float32')
    OUT['n_f64'] = nd.norm(x.astype('float64'), axis=2)
    OUT['n_int'] = nd.norm(xi)
    OUT['n_int_ax'] = nd.norm(xi, axis=1)
    OUT['n_int1'] = nd.norm(xi, ord=1, axis=0)
    OUT['n_fluent'] = x.norm(axis=2)
    OUT['n_pos'] = nd.norm(x, 1, 2)
    for o in (1, 2):
        for kw, key in [({}, 'all'), ({'axis': 1}, 'a1'),
                        ({'axis': (0, 2), 'keepdims': True}, 'k')]:
            z = x.copy()
            z.attach_grad()
            with autograd.record():
                y = nd.norm(z, ord=o, **kw)
            y.backward(nd.array(rs.uniform(size=y.shape).astype('float32')))
            OUT['g%d_%s' % (o, key)] = z.grad
    z = nd.array([[0, 0, 0.], [3, 4, 0]])
    z.attach_grad()
    with autograd.record():
        y = nd.norm(z, axis=1)
    y.backward()
    OUT['g_zero'] = z.grad
    z = nd.array([[0, -1, 2.]])
    z.attach_grad()
    with autograd.record():
        y = nd.norm(z, ord=1)
    y.backward()
    OUT['g1_zero'] = z.grad
    ''', atol=1e-5)


def test_arg_sort_topk(compare):
    compare('''
    x = nd.array([[1, 5, 5, 0], [3, 2, 3, 3], [-1, 7, 2, 7]])
    x3 = nd.array(np.random.RandomState(3).permutation(24).reshape(2, 3, 4).astype('float32'))
    xi = x.astype('int32')
    for op in ['argmax', 'argmin']:
        f = getattr(nd, op)
        OUT[op] = f(x)
        OUT[op + '_a0'] = f(x, axis=0)
        OUT[op + '_a1k'] = f(x, axis=1, keepdims=True)
        OUT[op + '_neg'] = f(x3, axis=-2)
        OUT[op + '_nonek'] = f(x3, keepdims=True)
        OUT[op + '_int'] = f(xi, axis=1)
        OUT[op + '_f64'] = f(x.astype('float64'), axis=0)
        OUT[op + '_str'] = f(x3, axis='2', keepdims='False')
        OUT[op + '_nan'] = f(nd.array([[1, np.nan, 0]]), axis=1)
    OUT['amc'] = nd.argmax_channel(x)
    OUT['amc3'] = nd.argmax_channel(x3)
    OUT['fl_argmax'] = x.argmax(axis=1)
    for asc in (True, False):
        s = 'a' if asc else 'd'
        OUT['argsort_' + s] = nd.argsort(x, is_ascend=asc)
        OUT['argsort0_' + s] = nd.argsort(x3, axis=0, is_ascend=asc)
        OUT['argsortN_' + s] = nd.argsort(x, axis=None, is_ascend=asc)
        OUT['sort_' + s] = nd.sort(x, is_ascend=asc)
        OUT['sort1_' + s] = nd.sort(x3, axis=1, is_ascend=asc)
        OUT['sortN_' + s] = nd.sort(x, axis=None, is_ascend=asc)
        OUT['sorti_' + s] = nd.sort(xi, axis=0, is_ascend=asc)
    OUT['argsort_i32'] = nd.argsort(x, dtype='int32')
    OUT['argsort_u8'] = nd.argsort(x, axis=0, dtype='uint8')
    OUT['argsort_int'] = nd.argsort(xi, axis=-2)
    OUT['argsort_str'] = nd.argsort(x, axis='0', is_ascend='False', dtype='int64')
    OUT['fl_sort'] = x.sort(axis=0)
    OUT['fl_argsort'] = x.argsort()
    OUT['tk'] = nd.topk(x)
    OUT['tk_v2'] = nd.topk(x, k=2, ret_typ='value')
    OUT['tk_i3'] = nd.topk(x, k=3, ret_typ='indices', dtype='int32')
    OUT['tk_m2'] = nd.topk(x, k=2, ret_typ='mask')
    OUT['tk_mi'] = nd.topk(xi, k=2, ret_typ='mask')
    OUT['tk_m_u8'] = nd.topk(x, k=1, ret_typ='mask', dtype='uint8')
    b = nd.topk(x, k=2, ret_typ='both')
    OUT['tk_b0'] = b[0]
    OUT['tk_b1'] = b[1]
    b = nd.topk(x3, axis=1, k=2, ret_typ='both', is_ascend=True, dtype='int64')
    OUT['tk_b0a'] = b[0]
    OUT['tk_b1a'] = b[1]
    OUT['tk_none'] = nd.topk(x, axis=None, k=3)
    OUT['tk_nonev'] = nd.topk(x, axis=None, k=3, ret_typ='value')
    OUT['tk_nonem'] = nd.topk(x, axis=None, k=3, ret_typ='mask')
    OUT['tk_k0'] = nd.topk(x, k=0)
    OUT['tk_kneg'] = nd.topk(x, k=-1, ret_typ='value')
    OUT['tk_asc'] = nd.topk(x, k=2, is_ascend=True)
    OUT['tk_a0'] = nd.topk(x3, axis=0, k=1, ret_typ='value')
    OUT['tk_int'] = nd.topk(xi, k=2, ret_typ='value')
    OUT['tk_f16'] = nd.topk(x, k=1, dtype='float16')
    OUT['tk_str'] = nd.topk(x, axis='0', k='2', ret_typ='value', is_ascend='1')
    OUT['fl_topk'] = x.topk(k=2)
    hg = nd.array(np.arange(12).reshape(3, 4).astype('float32'))
    hg2 = nd.array([[1, 2], [3, 4], [5, 6.]])
    for key, f in [('sort', lambda z: nd.sort(z, axis=1)),
                   ('sortd', lambda z: nd.sort(z, axis=0, is_ascend=False)),
                   ('sortN', lambda z: nd.sort(z, axis=None).reshape((3, 4))),
                   ('tkv', lambda z: nd.topk(z, k=2, ret_typ='value') * hg2),
                   ('tkb', lambda z: nd.topk(z, k=2, ret_typ='both')[0] * hg2),
                   ('tkN', lambda z: nd.topk(z, k=3, axis=None, ret_typ='value') * hg2[0, 1:]),
                   ('tkm', lambda z: nd.topk(z, k=2, ret_typ='mask') * z)]:
        z = x.copy()
        z.attach_grad()
        with autograd.record():
            y = f(z)
        y.backward(hg if y.shape == (3, 4) else nd.ones(y.shape))
        OUT['g_' + key] = z.grad
    ''')


def test_cumsum_moments_histogram_khatri_rao(compare):
    compare('''
    rs = np.random.RandomState(4)
    x = nd.array(rs.randint(-3, 4, size=(2, 3, 4)).astype('float32'))
    xi = x.astype('int32')
    OUT['cs'] = nd.cumsum(x)
    OUT['cs0'] = nd.cumsum(x, axis=0)
    OUT['csi'] = nd.cumsum(xi, axis=1)
    OUT['csdt'] = nd.cumsum(xi, axis=2, dtype='float32')
    OUT['csdt2'] = nd.cumsum(x, dtype='int32')
    OUT['cs_i8'] = nd.cumsum(nd.array([100, 100, 100], dtype='int8'))
    OUT['cs_str'] = nd.cumsum(x, axis='1', dtype='float64')
    OUT['cs_pos'] = nd.cumsum(x, 1)
    OUT['cs_a'] = nd.cumsum(a=x, axis=2)
    m = nd.moments(x, axes=1)
    OUT['m1_mean'], OUT['m1_var'] = m[0], m[1]
    m = nd.moments(x, axes=(0, 2), keepdims=True)
    OUT['m02_mean'], OUT['m02_var'] = m[0], m[1]
    m = nd.moments(x, axes=(0, 1, 2))
    OUT['mall_mean'], OUT['mall_var'] = m[0], m[1]
    m = nd.moments(x, axes='(-1,)', keepdims='False')
    OUT['mneg_mean'], OUT['mneg_var'] = m[0], m[1]
    m = nd.moments(xi, axes=(1,))
    OUT['mi_mean'], OUT['mi_var'] = m[0], m[1]
    hg = nd.array(rs.uniform(size=(2, 3, 4)).astype('float32'))
    z = x.copy()
    z.attach_grad()
    with autograd.record():
        y = nd.cumsum(z, axis=1)
    y.backward(hg)
    OUT['g_cs'] = z.grad
    z = x.copy()
    z.attach_grad()
    with autograd.record():
        y = nd.cumsum(z)
    y.backward(hg.reshape((-1,)))
    OUT['g_csN'] = z.grad
    z = x.copy()
    z.attach_grad()
    with autograd.record():
        mm, vv = nd.moments(z, axes=(1,))
        y = mm * nd.array([[1, 2, 3, 4], [5, 6, 7, 8]]) + vv * 3
    y.backward()
    OUT['g_mom'] = z.grad
    H = nd._internal._histogram  # what nd.histogram calls in MXNet
    d = nd.array([0.5, 1, 1.5, 2, 2.5, 3, 9, -1, 5, 4, 0])
    c, e = H(d, bin_cnt=4, range=(0, 4))
    OUT['h1c'], OUT['h1e'] = c, e
    c, e = H(d, nd.array([0, 1, 2, 5]))
    OUT['h2c'], OUT['h2e'] = c, e
    c, e = H(nd.array(np.arange(11), dtype='int32'), bin_cnt=7, range=(0, 10))
    OUT['h3c'], OUT['h3e'] = c, e
    c, e = H(nd.array(np.arange(11), dtype='int32'), bin_cnt=3, range=(0.5, 9.5))
    OUT['h4c'], OUT['h4e'] = c, e
    c, e = H(d.astype('float64'), bin_cnt=3, range=(2, 2))
    OUT['h5c'], OUT['h5e'] = c, e
    c, e = H(nd.array(np.linspace(0, 1, 101)), bin_cnt=10, range=(0, 1))
    OUT['h6c'], OUT['h6e'] = c, e
    c, e = nd._internal._histogram(d, bin_cnt=2, range='(0, 4)')
    OUT['h7c'], OUT['h7e'] = c, e
    c, e = nd._internal._histogram(nd.array([[1, 2], [3, 4.]]), nd.array([1, 2.5, 4]))
    OUT['h8c'], OUT['h8e'] = c, e
    A = nd.array([[1, -1], [2, -3]])
    B = nd.array([[1, 4], [2, 5], [3, 6]])
    C = nd.array([[0.5, 2]])
    OUT['kr2'] = nd.khatri_rao(A, B)
    OUT['kr1'] = nd.khatri_rao(A)
    OUT['kr3'] = nd.khatri_rao(A, C, B)
    OUT['kr64'] = nd.khatri_rao(A.astype('float64'), B.astype('float64'))
    ''')


def test_reduce_errors():
    x = nd.ones((2, 3))
    bad = [
        lambda: nd.sum(x, axis=2),
        lambda: nd.sum(x, axis=-3),
        lambda: nd.sum(x, axis=(0, 0)),
        lambda: nd.max(x, axis=(0, -2)),
        lambda: nd.mean(x, axis=(0, 1, -1), exclude=True),
        lambda: nd.sum(x, foo=1),
        lambda: nd.sum(x, axis='(a,)'),
        lambda: nd.sum(x, keepdims='maybe'),
        lambda: nd.norm(x, ord=3),
        lambda: nd.norm(x, out_dtype='float64'),
        lambda: nd.norm(x, out_dtype='uint8'),
        lambda: nd.norm(x, axis=2),
        lambda: nd.argmax(x, axis=2),
        lambda: nd.argmin(x, axis=-3),
        lambda: nd.argmax_channel(nd.ones((3,))),
        lambda: nd.argsort(x, axis=2),
        lambda: nd.argsort(x, dtype='int8'),
        lambda: nd.sort(x, axis=-3),
        lambda: nd.topk(x, k=4),
        lambda: nd.topk(x, ret_typ='values'),
        lambda: nd.topk(x, axis=5),
        lambda: nd.cumsum(x, axis=2),
        lambda: nd.moments(x),
        lambda: nd.moments(x, axes=()),
        lambda: nd.moments(x, axes=(2,)),
        lambda: nd._internal._histogram(x, bin_cnt=2, range=(4, 0)),
        lambda: nd._internal._histogram(x, bin_cnt=2),
        lambda: nd._internal._histogram(x),
        lambda: nd._internal._histogram(x, nd.array([0, 1], dtype='float64')),
        lambda: nd.khatri_rao(x, nd.ones((2, 4))),
        lambda: nd.khatri_rao(nd.ones((3,)), nd.ones((3,))),
        lambda: nd.khatri_rao(x, x.astype('float64')),
        lambda: nd.khatri_rao(x.astype('int32')),
    ]
    for i, f in enumerate(bad):
        with pytest.raises(mx.base.MXNetError):
            f()
            pytest.fail('case %d did not raise' % i)
    # khatri_rao has no gradient in MXNet 1.9.1: backward raises
    a = nd.ones((2, 2))
    a.attach_grad()
    with autograd.record():
        y = nd.khatri_rao(a, a)
    with pytest.raises(mx.base.MXNetError):
        y.backward()


def test_reduce_shapes_dtypes_local():
    x = nd.ones((2, 3, 4))
    assert nd.sum(x).shape == (1,)
    assert nd.sum(x, keepdims=True).shape == (1, 1, 1)
    assert nd.max(x, axis=(0, 2), keepdims=True).shape == (1, 3, 1)
    assert nd.mean(x, axis=1, exclude=True).shape == (3,)
    assert nd.argmax(x, axis=1).dtype == np.float32
    assert nd.argmax(x.astype('int64'), axis=1).dtype == np.int64
    assert nd.argsort(x).dtype == np.float32
    assert nd.topk(x, ret_typ='both', k=2)[1].dtype == np.float32
    assert len(nd.topk(x, ret_typ='both')) == 2
    assert nd.cumsum(nd.array([1, 0], dtype='bool')).dtype == np.int64
    # MXNet 1.9.1's legacy cumsum crashes on negative axes; remx accepts them as numpy does
    v = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    np.testing.assert_allclose(nd.cumsum(nd.array(v), axis=-1).asnumpy(), np.cumsum(v, -1))
    assert nd._internal._histogram(x, bin_cnt=3, range=(0, 2))[0].dtype == np.int64
    out = nd.zeros((3,))
    r = nd.sum(x, axis=(0, 2), out=out)
    assert r is out and out.asnumpy().tolist() == [8.0, 8.0, 8.0]
    # outputs never alias the input
    y = nd.sum(x, axis=(0, 1, 2), exclude=True)
    y[:] = 5
    assert x.asnumpy().max() == 1
    # meta-device forwards (shape inference for the Symbol layer)
    import torch
    from mxnet._ops import get
    m = torch.empty((2, 3, 4), device='meta')
    for name, kw, shape in [('sum', {'axis': 1}, (2, 4)), ('max', {'axis': (0, 2)}, (3,)),
                            ('prod', {}, (1,)), ('norm', {'axis': 2}, (2, 3)),
                            ('argmax', {'axis': 0}, (3, 4)), ('sort', {}, (2, 3, 4)),
                            ('topk', {'k': 2, 'ret_typ': 'value'}, (2, 3, 2)),
                            ('cumsum', {'axis': 1}, (2, 3, 4))]:
        op = get(name)
        assert tuple(op.compute(op.parse_attrs(kw), [m]).shape) == shape, name
    op = get('moments')
    r = op.compute(op.parse_attrs({'axes': (1,)}), [m])
    assert tuple(r[0].shape) == (2, 4) and tuple(r[1].shape) == (2, 4)


def test_reduce_numeric_gradients():
    rs = np.random.RandomState(5)
    x = rs.uniform(0.5, 2, size=(2, 3, 4)).astype(np.float64)
    cases = [
        lambda z: nd.sum(z, axis=(0, 2)),
        lambda z: nd.mean(z, axis=1, keepdims=True),
        lambda z: nd.prod(z, axis=2),
        lambda z: nd.max(z, axis=1),
        lambda z: nd.min(z, axis=(0, 1), exclude=True),
        lambda z: nd.nansum(z, axis=0),
        lambda z: nd.nanprod(z),
        lambda z: nd.norm(z, axis=2),
        lambda z: nd.norm(z, ord=1, axis=(0, 1)),
        lambda z: nd.sort(z, axis=1, is_ascend=False),
        lambda z: nd.topk(z, k=2, ret_typ='value'),
        lambda z: nd.cumsum(z, axis=2),
        lambda z: nd.moments(z, axes=(0, 2)),
    ]
    for f in cases:
        check_numeric_gradient(f, [x], dtype=np.float64, rtol=1e-4, atol=1e-6)
