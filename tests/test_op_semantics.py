"""MXNet 1.9.1 behaviours of existing operators that MXNet's own test_operator.py relies on,
against the reference: potrf/potri lower=False, InstanceNorm with one spatial element,
Correlation's |a - b| subgradient at ties, CTCLoss ignoring (NaN) steps past data_lengths,
Pooling's 'same' convention and over-long pad, norm's out_dtype with MXNET_SAFE_ACCUMULATION,
LayerNorm's float64 accumulation there, slice_axis on an unknown (0) axis in shape inference,
PReLU / SoftmaxOutput input shapes that only fill-in shape hooks accept, the positional
parameter order of the optimizer updates, executor monitor
names with monitor_all, and executor backward without forward / with an unread head gradient.
"""
import os
import textwrap

import numpy as np
import pytest

import mxnet as mx
from mxnet import nd, autograd

_ERR = '''
def err(f):
    try:
        r = f()
        for t in (r if isinstance(r, (list, tuple)) else [r]):
            t.asnumpy()
    except mx.base.MXNetError:
        return 'MXNetError'
    except Exception as e:
        return 'other:' + type(e).__name__
    return 'no error'
'''

_CODE = '''
rs = np.random.RandomState(0)
a = nd.array([[4, 2, 1], [2, 3, 0.5], [1, 0.5, 6]]); a.attach_grad()
head = nd.array(np.arange(9).reshape(3, 3) / 9.)
for lw in [True, False]:
    with autograd.record():
        l = nd.linalg.potrf(a, lower=lw)
    l.backward(head)
    OUT['potrf%s' % lw] = l; OUT['potrf_grad%s' % lw] = a.grad.copy()
    b = l.copy(); b.attach_grad()
    with autograd.record():
        o = nd.linalg.potri(b, lower=lw)
    o.backward(head)
    OUT['potri%s' % lw] = o; OUT['potri_grad%s' % lw] = b.grad
# InstanceNorm with a single spatial element normalizes to beta
x = nd.array([[[1.5]], [[2.0]]]); g = nd.array([1.5]); be = nd.array([0.3])
for t in (x, g, be):
    t.attach_grad()
with autograd.record():
    y = nd.InstanceNorm(x, g, be)
y.backward(nd.array([[[0.7]], [[0.2]]]))
OUT['in1'] = y; OUT['in1_gx'] = x.grad; OUT['in1_gg'] = g.grad; OUT['in1_gb'] = be.grad
# Correlation: integer-valued inputs tie often
c1 = nd.array(rs.randint(0, 3, (2, 3, 6, 6)).astype('float32'))
c2 = nd.array(rs.randint(0, 3, (2, 3, 6, 6)).astype('float32'))
c1.attach_grad(); c2.attach_grad()
for mult in [False, True]:
    with autograd.record():
        o = nd.Correlation(c1, c2, kernel_size=3, max_displacement=2, pad_size=2,
                           is_multiply=mult)
    o.backward(nd.array(rs.rand(*o.shape)))
    OUT['corr%s' % mult] = o; OUT['corr_g1%s' % mult] = c1.grad.copy()
    OUT['corr_g2%s' % mult] = c2.grad.copy()
# CTCLoss: NaN activations past an example's length are never read
d = np.log(rs.rand(7, 2, 6).astype('float32') + 0.1); d[5:] = np.nan
data = nd.array(d); data.attach_grad()
with autograd.record():
    l = nd.CTCLoss(data, nd.array([[1, 2, 3, 0], [2, 4, 0, 0]]), nd.array([5, 5]),
                   use_data_lengths=True)
l.backward()
OUT['ctc'] = l; OUT['ctc_grad'] = data.grad
# Pooling: 'same' (1-D) and a pad longer than the kernel
# (slices of a length-10 array: MXNet's oneDNN path fails on some fresh odd-length arrays)
p10 = nd.array(np.arange(1, 11).reshape(1, 1, 10)[:, :, ::-1].copy())
p = p10[:, :, :9]
for k, s, n in [(2, 2, 10), (2, 2, 9), (3, 2, 9), (3, 2, 8), (4, 3, 9), (1, 2, 9)]:
    OUT['same_max%d%d%d' % (k, s, n)] = nd.Pooling(p10[:, :, :n], kernel=k, stride=s,
                                                   pad=(0, 0, 0), pool_type='max',
                                                   pooling_convention='same')
OUT['same_avg'] = nd.Pooling(nd.array(np.arange(10.).reshape(1, 1, 10)), kernel=2, stride=2,
                             pad=(0, 0, 0), pool_type='avg', pooling_convention='same')
OUT['same_pad'] = err(lambda: nd.Pooling(p, kernel=2, stride=2, pad=(1, 1, 1),
                                         pool_type='max', pooling_convention='same'))
OUT['same_shortpad'] = err(lambda: nd.Pooling(p, kernel=2, stride=2, pad=(0,),
                                              pool_type='max', pooling_convention='same'))
OUT['long_pad'] = nd.Pooling(nd.array(rs.rand(1, 1, 10, 10)), kernel=(2, 2), stride=(2, 2),
                             pad=(1, 1, 1), pool_type='max')
# shape inference: PReLU's gamma may have the data's shape, SoftmaxOutput's label too
xs = mx.sym.Variable('x')
pr = mx.sym.LeakyReLU(xs, mx.sym.Variable('gamma'), act_type='prelu')
OUT['prelu_shapes'] = str(pr.infer_shape(x=(3, 4), gamma=(3, 4)))
so = mx.sym.SoftmaxOutput(xs, mx.sym.Variable('label'))
OUT['so_shapes'] = str(so.infer_shape(x=(3, 4), label=(3, 4)))
sa = mx.sym.slice_axis(mx.sym.var('data', shape=(10, 0)), axis=1, begin=0, end=5)
OUT['slice_axis_partial'] = str(sa.infer_shape_partial())
# executor: backward without a forward; an argmax head gradient of any shape
e = mx.sym.repeat(xs, repeats=2, axis=0).bind(mx.cpu(), args=[nd.ones((2, 3))],
                                             args_grad=[nd.zeros((2, 3))])
e.backward(nd.array(np.arange(12).reshape(4, 3)))
OUT['bwd_no_fwd'] = e.grad_arrays[0]
am = mx.sym.argmax(xs, axis=1, keepdims=True)
e = am.bind(mx.cpu(), args=[nd.ones((3, 4))], args_grad=[nd.ones((3, 4))])
e.forward(is_train=True)
e.backward(nd.ones((3, 4)))
OUT['argmax_grad'] = e.grad_arrays[0]
# optimizer updates take their parameters positionally in MXNet's order
w = nd.array([1., 2., 3.]); gr = nd.array([0.5, -1., 2.])
OUT['sgd_pos'] = nd.sgd_update(w, gr, 0.1, 0.01, 2.0, 1.0)
OUT['rmsprop_pos'] = nd.rmsprop_update(w, gr, nd.ones(3), 0.1, 0.9, 1e-8, 0.0, 2.0, 0.5, 1.5)
OUT['signum_pos'] = nd.signum_update(w, gr, nd.zeros(3), 0.1, 0.9, 0.0, 2.0, -1.0, 0.1)
# monitor_all names (MXNet's test turns its oneDNN subgraph fusion off the same way)
import os
os.environ['MXNET_SUBGRAPH_BACKEND'] = 'NONE'
seen = []
cv = mx.sym.Convolution(mx.sym.Variable('data'), kernel=(2, 2), num_filter=1, name='conv')
ex = cv.simple_bind(mx.cpu(), data=(1, 3, 4, 4), grad_req='null')
ex.set_monitor_callback(lambda n, arr: seen.append(mx.base.py_str(n)), monitor_all=True)
ex.forward()
act = mx.sym.Activation(mx.sym.Variable('data'), act_type='relu', name='act')
ex = act.simple_bind(mx.cpu(), data=(2, 3), grad_req='null')
ex.set_monitor_callback(lambda n, arr: seen.append(mx.base.py_str(n)), monitor_all=True)
ex.forward()
OUT['monitor_names'] = ','.join(seen)
'''

_SAFE_ACC = '''
rs = np.random.RandomState(1)
x = nd.array(rs.rand(2, 3) - 0.5, dtype='float16')
for od in ['float32', 'float64']:
    for ax in [None, 1]:
        for o in [1, 2]:
            OUT['norm%s%s%s' % (od, ax, o)] = nd.norm(x, out_dtype=od, axis=ax, ord=o)
x = nd.array(rs.rand(2, 3) - 0.5); x.attach_grad()
with autograd.record():
    y = nd.norm(x, out_dtype='float64', axis=1)
y.backward()
OUT['norm_grad'] = x.grad; OUT['norm_f64'] = y
OUT['norm_int'] = nd.norm(x * 10, out_dtype='int32', axis=1)
d = nd.array(rs.randn(256, 8) * 3 + 1); g = nd.array(rs.rand(256)); b = nd.array(rs.rand(256))
for t in (d, g, b):
    t.attach_grad()
with autograd.record():
    y = nd.LayerNorm(d, g, b, axis=0)
y.backward(nd.array(rs.randn(256, 8)))
OUT['ln'] = y; OUT['ln_gd'] = d.grad; OUT['ln_gg'] = g.grad; OUT['ln_gb'] = b.grad
'''


def test_operator_semantics_vs_mxnet(compare):
    compare(_ERR + _CODE, rtol=1e-5, atol=1e-5)


def test_safe_accumulation_vs_mxnet(compare, monkeypatch):
    monkeypatch.setenv('MXNET_SAFE_ACCUMULATION', '1')   # read by both processes
    compare(_SAFE_ACC, rtol=1e-5, atol=1e-5)


def test_norm_out_dtype_needs_safe_accumulation(monkeypatch):
    monkeypatch.setenv('MXNET_SAFE_ACCUMULATION', '0')
    x = nd.array([[1., 2.], [3., 4.]], dtype='float16')
    with pytest.raises(mx.base.MXNetError):
        nd.norm(x, out_dtype='float32')
    # shape inference does not depend on dtypes: a float16 graph with out_dtype='float16' binds
    s = mx.sym.norm(mx.sym.Variable('data'), out_dtype='float16', axis=1, keepdims=True)
    e = s.bind(mx.cpu(), {'data': x})
    assert e.forward()[0].dtype == np.float16


def test_layer_norm_gamma_gradient_accumulates_exactly():
    # MXNet's reductions are compensated sums: a gamma gradient summed over 8192 rows in plain
    # float32 is off by ~1e-4, enough for MXNet's own test to fail
    rs = np.random.RandomState(3)
    x = rs.randn(8192, 16).astype('float32')
    dy = rs.randn(8192, 16).astype('float32')
    for ax in (-1, 0):
        c = x.shape[ax]
        d, g, b = nd.array(x), nd.array(rs.rand(c)), nd.array(rs.rand(c))
        g.attach_grad(); b.attach_grad()
        with autograd.record():
            y = nd.LayerNorm(d, g, b, axis=ax, eps=1e-3)
        y.backward(nd.array(dy))
        x64 = x.astype(np.float64)
        xhat = (x64 - x64.mean(ax, keepdims=True)) / np.sqrt(x64.var(ax, keepdims=True) + 1e-3)
        red = 0 if ax == -1 else 1
        np.testing.assert_allclose(g.grad.asnumpy(), (dy * xhat).sum(red), rtol=1e-6, atol=2e-5)
        np.testing.assert_allclose(b.grad.asnumpy(), dy.astype(np.float64).sum(red), rtol=1e-6,
                                   atol=2e-5)


def test_monitor_callback_array_passes_as_mxnet_handle():
    # MXNet's monitor callbacks get an NDArrayHandle and wrap it themselves
    import ctypes
    from mxnet.base import NDArrayHandle
    seen = {}

    def cb(name, arr):
        a = mx.nd.NDArray(ctypes.cast(arr, NDArrayHandle), writable=False)
        seen[mx.base.py_str(name)] = float(mx.nd.min(a).asscalar())
        assert arr.shape == a.shape      # and it is an NDArray as it is
    s = mx.sym.Convolution(mx.sym.Variable('data'), kernel=(1, 1), num_filter=1, name='conv')
    ex = s.simple_bind(mx.cpu(), data=(1, 2, 3, 3), grad_req='null')
    ex.arg_dict['data'][:] = 2
    ex.set_monitor_callback(cb, monitor_all=True)
    ex.forward()
    assert seen['data'] == 2.0 and 'conv_output' in seen
