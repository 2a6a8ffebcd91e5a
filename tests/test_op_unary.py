"""Unary / miscellaneous element-wise operators vs MXNet 1.9.1."""
import numpy as np
import pytest

import mxnet as mx
from mxnet import nd, autograd

MATH = ("abs sign round rint ceil floor trunc fix square sqrt rsqrt cbrt rcbrt exp log log10 log2 "
        "log1p expm1 reciprocal sin cos tan arcsin arccos arctan sinh cosh tanh arcsinh arccosh "
        "arctanh degrees radians gamma gammaln erf erfinv sigmoid softsign relu logical_not "
        "negative identity hard_sigmoid").split()


def test_forward_float_dtypes(compare):
    code = '''
ops = %r
x0 = [-2.5, -1.5, -0.5, -0.4, 0.0, 0.3, 0.5, 0.9, 1.5, 2.5, 3.7]
for dt in ['float16', 'float32', 'float64']:
    x = nd.array(x0, dtype=dt)
    for o in ops:
        OUT[o + '_' + dt] = getattr(nd, o)(x)
    OUT['deg_' + dt] = nd.degrees(nd.array([0.1, -0.3, 1e10], dtype=dt))
    OUT['rad_' + dt] = nd.radians(nd.array([0.1, -0.3, 1e10], dtype=dt))
OUT['gamma_big'] = nd.gamma(nd.array([5.5, 10.0, 20.5, -1.5, -2.5, -3.0]))
OUT['gammaln_neg'] = nd.sparse.gammaln(nd.array([-0.5, -1.5, 30.0]))
OUT['sparse_abs'] = nd.sparse.abs(nd.array([-1.0, 2.0]))
OUT['copy'] = nd._internal._copy(nd.array([[1.0, 2.0]]))
OUT['hs'] = nd.hard_sigmoid(nd.array(x0), alpha='0.3', beta='0.1')
OUT['hs2'] = nd.hard_sigmoid(nd.array(x0), 0.25, 0.25)
OUT['fluent'] = nd.array(x0).exp() + nd.array(x0).rint()
OUT['shape'] = nd.sqrt(nd.ones((2, 3, 4)))
''' % (MATH,)
    compare(code, rtol=2e-3, atol=1e-5)


def test_forward_float32_tight(compare):
    code = '''
ops = %r
x = nd.array(np.random.RandomState(0).uniform(-0.95, 0.95, (3, 5)))
xp = nd.array(np.random.RandomState(1).uniform(0.1, 6, (3, 5)))
for o in ops:
    OUT[o] = getattr(nd, o)(x)
    OUT[o + '_pos'] = getattr(nd, o)(xp)
''' % (MATH,)
    compare(code, rtol=1e-5, atol=1e-6)


def test_integer_inputs(compare):
    ops = [o for o in MATH if o != 'hard_sigmoid']
    code = '''
ops = %r
for dt, vals in [('int32', [-3, -1, 0, 1, 2, 5, 46341]), ('int64', [-3, -1, 0, 1, 2, 5, 1000]),
                 ('int8', [-3, -1, 0, 1, 2, 5, 127]), ('uint8', [0, 1, 2, 3, 4, 200, 255])]:
    x = nd.array(vals, dtype=dt)
    for o in ops:
        OUT[o + '_' + dt] = getattr(nd, o)(x)
big = nd.array([2**53 + 1, -(2**53 + 1), 2**40 + 1], dtype='int64')
for o in ['round', 'abs', 'ceil', 'negative', 'relu', 'identity', 'sign', 'sqrt', 'square']:
    OUT[o + '_big'] = getattr(nd, o)(big)
''' % (ops,)
    compare(code, rtol=0, atol=0)


def test_special_values(compare):
    compare('''
x = nd.array([-0.0, 0.0, np.nan, np.inf, -np.inf, 1.0, -1.0])
for o in ['sign', 'relu', 'abs', 'logical_not', 'round', 'rint', 'fix', 'exp', 'sigmoid',
          'sqrt', 'erfinv', 'gammaln', 'gamma']:
    OUT[o] = getattr(nd, o)(x)
''')


def test_gradients(compare):
    code = '''
ops = %r
x0 = [-2., -1., -0.5, 0., 0.5, 1., 2., 3.]
for o in ops:
    x = nd.array(x0)
    x.attach_grad()
    with autograd.record():
        y = getattr(nd, o)(x)
    y.backward()
    OUT['g_' + o] = x.grad
for lo, hi in [(-1, 1), (0, 0.5), (1, 0)]:
    x = nd.array(x0)
    x.attach_grad()
    with autograd.record():
        y = nd.clip(x, lo, hi)
    y.backward()
    OUT['clip_%%s_%%s' %% (lo, hi)] = x.grad
    OUT['clipf_%%s_%%s' %% (lo, hi)] = y
x = nd.array(x0)
x.attach_grad()
with autograd.record():
    y = nd.hard_sigmoid(x, alpha=0.5, beta=0.5)
y.backward()
OUT['hs'] = x.grad
x = nd.array(x0)
x.attach_grad()
with autograd.record():
    y = nd.Cast(x, dtype='float16')
y.backward()
OUT['cast'] = x.grad
x = nd.array(x0)
x.attach_grad()
with autograd.record():
    y = nd.amp_cast(x, dtype='float16')
y.backward(out_grad=nd.ones((8,), dtype='float16') * 3)
OUT['ampcast'] = x.grad
for o, v in [('erfinv', [0., 1., -1., 0.999, 0.5]), ('gammaln', [0.5, 1., 2., 0., -0.5, -1.]),
             ('gamma', [0.5, 1., 2., 0., -0.5, -1.]), ('cbrt', [0., 8., -8.]),
             ('rcbrt', [0., 8., -8.]), ('sqrt', [0., 1., 4.]), ('rsqrt', [0., 1., 4.])]:
    x = nd.array(v)
    x.attach_grad()
    with autograd.record():
        y = getattr(nd, o)(x)
    y.backward()
    OUT['s_' + o] = x.grad
x = nd.array([1., 2.], dtype='float16')
x.attach_grad()
with autograd.record():
    y = nd.exp(x)
y.backward()
OUT['f16'] = x.grad
''' % (MATH,)
    compare(code, rtol=1e-5, atol=1e-6)


def test_numeric_gradient():
    from mxnet.test_utils import check_numeric_gradient
    rs = np.random.RandomState(0)
    pos = rs.uniform(0.5, 2.0, (3, 4))
    small = rs.uniform(-0.8, 0.8, (3, 4))
    for op, x in [(nd.cbrt, pos), (nd.rcbrt, pos), (nd.gamma, pos), (nd.gammaln, pos),
                  (nd.erfinv, small), (nd.softsign, small), (nd.rsqrt, pos),
                  (nd.arccosh, pos + 1), (nd.arctanh, small)]:
        check_numeric_gradient(lambda a, op=op: op(a), [x], rtol=1e-2, atol=1e-3)
    check_numeric_gradient(lambda a: nd.hard_sigmoid(a, alpha=0.3, beta=0.4), [small * 2],
                           rtol=1e-2, atol=1e-3)
    check_numeric_gradient(lambda a: nd.clip(a, -0.5, 0.5), [small], rtol=1e-2, atol=1e-3)


def test_casts_and_amp(compare):
    compare('''
v = nd.array([1.7, -1.7, 2.5, 0.5, -0.5, 300.2, 0.0])
for dt in ['int32', 'int8', 'uint8', 'int64', 'float16', 'float64', 'bool', 'float32']:
    OUT['cast_' + dt] = nd.Cast(v, dtype=dt)
OUT['cast_nan'] = nd.cast(nd.array([np.nan, np.inf, -3.9]), dtype='int32')
OUT['cast_np'] = nd.cast(v, np.float16)
OUT['cast_pos'] = nd.cast(v, 'float64')
OUT['cast_i2f'] = nd.Cast(nd.array([3, -4], dtype='int8'), dtype='float32')
OUT['cast_i2u'] = nd.Cast(nd.array([3, -4], dtype='int32'), dtype='uint8')
for dt in ['int32', 'int8', 'uint8']:
    OUT['amp_' + dt] = nd.amp_cast(v, dtype=dt)
OUT['amp_int'] = nd.amp_cast(nd.array([1, 2], dtype='int32'), dtype='float16')
a16 = nd.array([1, 2], dtype='float16'); a32 = nd.array([1, 2, 3])
a64 = nd.array([1], dtype='float64'); ai = nd.array([1], dtype='int32')
for i, (args, kw) in enumerate([((a16, a32), dict(num_outputs=2)),
                                 ((a16, a32), dict(num_outputs=2, cast_narrow=True)),
                                 ((a16, a64), dict(num_outputs='2')),
                                 ((a16, ai), dict(num_outputs=2)),
                                 ((a32, ai), dict(num_outputs=2, cast_narrow='True'))]):
    r = nd.amp_multicast(*args, **kw)
    for j, y in enumerate(r):
        OUT['mc%d_%d' % (i, j)] = '%s %s' % (np.dtype(y.dtype).name, y.shape)
OUT['mc_single_type'] = type(nd.amp_multicast(a16, num_outputs=1)).__name__
''')


def test_clip_and_misc(compare):
    compare('''
x = nd.array([-3.0, -0.5, 0.0, 0.5, 1.0, np.nan, 7.0])
OUT['c1'] = nd.clip(x, -1, 1)
OUT['c2'] = nd.clip(x, a_min='0.25', a_max='0.75')
OUT['c3'] = nd.clip(x, 2, 1)
OUT['c4'] = nd.clip(nd.array([-3, 0, 5, 7], dtype='int32'), 0.5, 5.7)
OUT['c5'] = nd.clip(nd.array([3, 0, 5, 7], dtype='uint8'), -1.5, 5.7)
OUT['c6'] = nd.clip(nd.array([1, 2], dtype='float16'), 0.5, 1.5)
OUT['c7'] = nd.clip(nd.array([0.1, 0.2], dtype='float64'), 0.1, 0.15)
OUT['c8'] = nd.sparse.clip(x, -1, 1)
z = nd.array([1., 2.]); y = nd.array([1., np.inf])
OUT['af1'] = nd.all_finite(z)
OUT['af2'] = nd.all_finite(y)
OUT['af3'] = nd.all_finite(nd.array([np.nan], dtype='float16'))
OUT['maf1'] = nd.multi_all_finite(z, y, num_arrays=2)
OUT['maf2'] = nd.multi_all_finite(z, z, num_arrays='2')
OUT['maf3'] = nd.multi_all_finite(z)
OUT['mss'] = nd.multi_sum_sq(z, nd.array([[1., 2], [3, 4]]), num_arrays=2)
OUT['mss16'] = nd.multi_sum_sq(nd.array([0.1] * 1000, dtype='float16'),
                               nd.array([1e-4] * 100, dtype='float16'),
                               nd.array([300., 300.], dtype='float16'), num_arrays=3)
OUT['mss64'] = nd.multi_sum_sq(nd.array([1.5, 2.0], dtype='float64'), num_arrays=1)
lrs = nd.array([0.1, 0.2, 0.3, 0.4]); wss = nd.array([4., 0., 9., 1.])
gss = nd.array([1., 4., 0., 0.]); wds = nd.array([0.01, 0.02, 0.0, 0.1])
OUT['lars1'] = nd.multi_lars(lrs, wss, gss, wds, eta=0.5, eps=1e-3)
OUT['lars2'] = nd.multi_lars(lrs, wss, gss, wds, eta='0.5', eps='1e-3', rescale_grad=2)
a = nd.array([1., 2]); c = nd.array([[3, 4]], dtype='float16')
r = nd.reset_arrays(a, c, num_arrays=2)
OUT['reset_ret'] = repr(r)
OUT['reset_a'] = a
OUT['reset_c'] = c
o = nd.zeros((2,), dtype='int32')
nd._internal._copyto(nd.array([1.7, 2]), out=o)
OUT['copyto_i'] = o
o = nd.zeros((2,), dtype='float64')
nd._internal._copyto(nd.array([1.7, 2]), out=o)
OUT['copyto_d'] = o
OUT['iwalr'] = nd._internal._identity_with_attr_like_rhs(nd.array([1., 2]), nd.array([5., 6]))
''')


def test_errors():
    f = nd.array([1.0, 2.0])
    i = nd.array([1, 2], dtype='int32')
    b = nd.array([0, 1], dtype='bool')
    bad = [
        lambda: nd.abs(b), lambda: nd.relu(b), lambda: nd.exp(b), lambda: nd.round(b),
        lambda: nd.hard_sigmoid(i),
        lambda: nd.Cast(f), lambda: nd.Cast(f, dtype='foo'), lambda: nd.amp_cast(f, dtype='bool'),
        lambda: nd.clip(f, a_min=1), lambda: nd.clip(f, 'x', 1),
        lambda: nd.amp_multicast(f, f, num_outputs=3), lambda: nd.amp_multicast(f, f),
        lambda: nd.all_finite(i),
        lambda: nd.multi_all_finite(f, f), lambda: nd.multi_all_finite(f, f, num_arrays=3),
        lambda: nd.multi_sum_sq(f, f), lambda: nd.multi_sum_sq(i, num_arrays=1),
        lambda: nd.multi_sum_sq(f, f.astype('float16'), num_arrays=2),
        lambda: nd.multi_lars(f, f, f, nd.array([1.]), eta=0.5, eps=1),
        lambda: nd.multi_lars(f, f, f, f, eta=0.5),
        lambda: nd.multi_lars(f.astype('float64'), f, f, f, eta=0.5, eps=1),
        lambda: nd.reset_arrays(f, f), lambda: nd.reset_arrays(f, f, num_arrays=1),
        lambda: nd.reset_arrays(i, num_arrays=1),
        lambda: nd._internal._identity_with_attr_like_rhs(f, nd.ones((1, 3))),
        lambda: nd._internal._identity_with_attr_like_rhs(f, i),
        lambda: nd._internal._identity_with_attr_like_rhs(f),
    ]
    # MXNet keeps unknown keywords of operators without a parameter struct as attributes
    assert nd.exp(f, foo=1).shape == (2,)
    for k, fn in enumerate(bad):
        with pytest.raises(mx.base.MXNetError):
            fn()
    # errors leave inputs untouched
    x = nd.array([1.0, 2.0])
    with pytest.raises(mx.base.MXNetError):
        nd.reset_arrays(x, i, num_arrays=2)
    assert x.asnumpy().tolist() == [1.0, 2.0]


def test_names_and_docs():
    for name in MATH + ['Cast', 'cast', 'amp_cast', 'amp_multicast', 'clip', 'all_finite',
                        'multi_all_finite', 'multi_sum_sq', 'multi_lars', 'reset_arrays']:
        from mxnet._ops import get
        assert 'Example' in get(name).doc, name
    for name in ['_copy', '_copyto', '_identity_with_attr_like_rhs']:
        assert hasattr(nd._internal, name), name
    assert nd.identity.opdef is nd._internal._copy.opdef
    assert nd.sparse.exp.opdef is nd.exp.opdef and nd.sparse.clip.opdef is nd.clip.opdef
    assert nd.cast.opdef is nd.Cast.opdef
    import inspect
    assert list(inspect.signature(nd.hard_sigmoid).parameters)[:3] == ['data', 'alpha', 'beta']
    assert list(inspect.signature(nd.clip).parameters)[:3] == ['data', 'a_min', 'a_max']
    assert nd.hard_sigmoid(nd.array([1.0]), 0.3, 0.1).asnumpy()[0] == pytest.approx(0.4)


def test_meta_device():
    import torch
    from mxnet._ops import get
    t = torch.empty((2, 3), device='meta')
    for name in MATH + ['clip', 'Cast', 'amp_cast', 'all_finite']:
        op = get(name)
        kw = {'clip': dict(a_min=0, a_max=1), 'Cast': dict(dtype='float16'),
              'amp_cast': dict(dtype='float16')}.get(name, {})
        out = op.fn(op.parse_attrs(kw), t)
        assert out.device.type == 'meta', name


def test_cast_storage_and_unregistered_custom():
    x = mx.nd.array([[0., 1.], [2., 0.]])
    y = mx.nd.cast_storage(x, stype='default')
    assert y.stype == 'default'
    np.testing.assert_array_equal(y.asnumpy(), x.asnumpy())
    for st in ('csr', 'row_sparse'):   # sparse storage (mx.nd.sparse) round-trips
        z = mx.nd.cast_storage(x, stype=st)
        assert z.stype == st
        np.testing.assert_array_equal(z.asnumpy(), x.asnumpy())
    with pytest.raises(mx.base.MXNetError, match='no custom operator registered'):
        mx.nd.Custom(x, op_type='whatever')   # custom ops: tests/test_custom_op.py
    assert mx.nd._GRAD_REQ_MAP == {'null': 0, 'write': 1, 'add': 3}
