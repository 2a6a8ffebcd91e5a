"""Core NN operators (mxnet/operator/nn.py) against MXNet 1.9.1: FullyConnected, Activation,
LeakyReLU, softmax / log_softmax / softmin, SoftmaxActivation, Dropout, Embedding."""
import textwrap

import numpy as np
import pytest
import torch

import mxnet as mx
from mxnet import nd, autograd
from mxnet._ops import registry
from mxnet.test_utils import check_numeric_gradient

# Each reference run starts a fresh MXNet process (~2-3 s), so the snippets below are run in
# three batches (grouped by tolerance); _section keeps each snippet's OUT keys apart.

# error helper used inside compare snippets: both sides must raise MXNetError
_ERR = '''
def err(f):
    try:
        r = f()
        for t in (r if isinstance(r, (list, tuple)) else [r]):
            t.asnumpy()   # MXNet reports some errors only when the result is read
    except mx.base.MXNetError:
        return 'MXNetError'
    except Exception as e:
        return 'other:' + type(e).__name__
    return 'no error'
'''


# -------------------------------------------------------------------------------------------
# FullyConnected
_FULLY_CONNECTED = '''
rs = np.random.RandomState(0)
x = nd.array(rs.randn(2, 3, 4))
w = nd.array(rs.randn(5, 12)); b = nd.array(rs.randn(5))
w4 = nd.array(rs.randn(5, 4))
OUT['flat'] = nd.FullyConnected(x, w, b, num_hidden=5)
OUT['flat_pos'] = nd.FullyConnected(x, w, b, 5)
OUT['noflat'] = nd.FullyConnected(x, w4, b, num_hidden=5, flatten=False)
OUT['nobias'] = nd.FullyConnected(x, w, num_hidden=5, no_bias=True)
OUT['strs'] = nd.FullyConnected(data=x, weight=w4, num_hidden='5', no_bias='True',
                                flatten='False')
OUT['one_d'] = nd.FullyConnected(nd.array([1., 2, 3]), nd.array(rs.randn(5, 1)), b,
                                 num_hidden=5)
OUT['one_d_nf'] = nd.FullyConnected(nd.array([1., 2, 3]), nd.array(rs.randn(5, 3)), b,
                                    num_hidden=5, flatten=False)
x64 = x.astype('float64')
OUT['f64'] = nd.FullyConnected(x64, w.astype('float64'), b.astype('float64'), num_hidden=5)
# gradients
for name, kw, ww in (('g_flat', dict(), w), ('g_noflat', dict(flatten=False), w4)):
    xx = x.copy(); wc = ww.copy(); bb = b.copy()
    for t in (xx, wc, bb):
        t.attach_grad()
    with autograd.record():
        y = nd.FullyConnected(xx, wc, bb, num_hidden=5, **kw)
    y.backward(nd.array(rs.randn(*y.shape)))
    OUT[name + '_x'] = xx.grad; OUT[name + '_w'] = wc.grad; OUT[name + '_b'] = bb.grad
# errors
OUT['e_badw'] = err(lambda: nd.FullyConnected(x, nd.ones((5, 11)), b, num_hidden=5))
OUT['e_badnh'] = err(lambda: nd.FullyConnected(x, w, b, num_hidden=4))
OUT['e_badb'] = err(lambda: nd.FullyConnected(x, w, nd.ones((4,)), num_hidden=5))
# (a (num_hidden, 1) bias: MXNet's oneDNN kernel rejects it, its native kernel accepts it)
OUT['e_w3d'] = err(lambda: nd.FullyConnected(x, nd.ones((5, 12, 1)), b, num_hidden=5))
OUT['e_extra_bias'] = err(lambda: nd.FullyConnected(x, w, b, num_hidden=5, no_bias=True))
OUT['e_missing_bias'] = err(lambda: nd.FullyConnected(x, w, num_hidden=5))
OUT['e_mixed'] = err(lambda: nd.FullyConnected(x64, w, b, num_hidden=5))
OUT['e_int'] = err(lambda: nd.FullyConnected(x.astype('int32'), w.astype('int32'),
                                             b.astype('int32'), num_hidden=5))
OUT['e_nh0'] = err(lambda: nd.FullyConnected(x, w, b, num_hidden=0))
OUT['e_no_nh'] = err(lambda: nd.FullyConnected(x, w, b))
'''


def test_fully_connected_numeric_gradient():
    rs = np.random.RandomState(1)
    check_numeric_gradient(lambda x, w, b: nd.FullyConnected(x, w, b, num_hidden=3),
                           [rs.randn(2, 2, 2), rs.randn(3, 4), rs.randn(3)], dtype=np.float64)
    check_numeric_gradient(lambda x, w: nd.FullyConnected(x, w, num_hidden=3, no_bias=True,
                                                          flatten=False),
                           [rs.randn(2, 2, 4), rs.randn(3, 4)], dtype=np.float64)


def test_fully_connected_hooks():
    op = registry.get('FullyConnected')
    a = op.parse_attrs({'num_hidden': 7})
    assert op.list_inputs(a) == ['data', 'weight', 'bias']
    assert op.infer_shape(a, [(2, 3, 4), None, None]) == [(2, 3, 4), (7, 12), (7,)]
    a = op.parse_attrs({'num_hidden': '7', 'no_bias': 'True', 'flatten': 'False'})
    assert op.list_inputs(a) == ['data', 'weight']
    assert op.infer_shape(a, [(2, 3, 4), None]) == [(2, 3, 4), (7, 4)]
    assert registry.get('_sparse_FullyConnected') is op
    assert mx.nd.FullyConnected.opdef is op
    # meta-device shape inference
    y = op.fn(a, torch.empty((2, 3, 4), device='meta'), torch.empty((7, 4), device='meta'))
    assert y.shape == (2, 3, 7) and y.device.type == 'meta'
    # out= keeps the handle
    o = nd.zeros((2, 7))
    r = nd.FullyConnected(nd.ones((2, 3)), nd.ones((7, 3)), num_hidden=7, no_bias=True, out=o)
    assert r is o and o.asnumpy().sum() == 2 * 7 * 3


# -------------------------------------------------------------------------------------------
# Activation
_ACTIVATION = '''
rs = np.random.RandomState(0)
v = np.concatenate([[-30., -3., -1., 0., 1., 3., 30.], rs.randn(9) * 2])
for act in ('relu', 'sigmoid', 'tanh', 'softrelu', 'softsign'):
    for dt in ('float32', 'float64'):
        x = nd.array(v, dtype=dt); x.attach_grad()
        with autograd.record():
            y = nd.Activation(x, act_type=act)
        y.backward(nd.array(np.linspace(-1, 2, v.size), dtype=dt))
        OUT[act + dt] = y; OUT['g_' + act + dt] = x.grad
    OUT[act + '16'] = nd.Activation(nd.array(v[1:6], dtype='float16'), act)
OUT['e_mish'] = err(lambda: nd.Activation(nd.ones(3), act_type='mish'))
OUT['e_gelu'] = err(lambda: nd.Activation(nd.ones(3), act_type='gelu'))
OUT['e_none'] = err(lambda: nd.Activation(nd.ones(3)))
OUT['e_int'] = err(lambda: nd.Activation(nd.ones(3, dtype='int32'), act_type='relu'))
'''


def test_activation_numeric_gradient():
    rs = np.random.RandomState(2)
    x = rs.randn(3, 4) + 0.05
    for act in ('relu', 'sigmoid', 'tanh', 'softrelu', 'softsign'):
        check_numeric_gradient(lambda d, act=act: nd.Activation(d, act_type=act), [x],
                               dtype=np.float64)


# -------------------------------------------------------------------------------------------
# LeakyReLU
_LEAKY_RELU = '''
rs = np.random.RandomState(0)
v = np.concatenate([[-3., -1., -0.5, 0., 0.5, 1., 3.], rs.randn(9)])
for act, kw in (('leaky', {}), ('leaky', {'slope': 0.1}), ('elu', {}), ('elu', {'slope': 0.7}),
                ('selu', {}), ('gelu', {})):
    for dt in ('float32', 'float64'):
        x = nd.array(v, dtype=dt); x.attach_grad()
        with autograd.record():
            y = nd.LeakyReLU(x, act_type=act, **kw)
        y.backward(nd.array(np.linspace(-1, 2, v.size), dtype=dt))
        key = act + str(kw.get('slope', '')) + dt
        OUT[key] = y; OUT['g_' + key] = x.grad
OUT['default'] = nd.LeakyReLU(nd.array(v))
OUT['strs'] = nd.LeakyReLU(nd.array(v), act_type='elu', slope='0.3')
OUT['f16gelu'] = nd.LeakyReLU(nd.array(v[:6], dtype='float16'), act_type='gelu')
# rrelu in predict mode: two outputs, slope (lower+upper)/2 (MXNet leaves the mask
# uninitialised in predict mode, so only its shape is compared; remx returns zeros)
r = nd.LeakyReLU(nd.array(v), act_type='rrelu')
OUT['rrelu_n'] = len(r); OUT['rrelu'] = r[0]; OUT['rrelu_mask_shape'] = list(r[1].shape)
r = nd.LeakyReLU(nd.array(v), act_type='rrelu', lower_bound=0.2, upper_bound='0.6')
OUT['rrelu_b'] = r[0]
# prelu
x = nd.array(rs.randn(2, 3, 4))
for name, g in (('c', rs.rand(3)), ('one', rs.rand(1)), ('nc', rs.rand(2, 3)),
                ('batch', rs.rand(2)), ('n1', rs.rand(2, 1))):
    xx = x.copy(); gg = nd.array(g); xx.attach_grad(); gg.attach_grad()
    with autograd.record():
        y = nd.LeakyReLU(xx, gg, act_type='prelu')
    y.backward(nd.array(rs.randn(2, 3, 4)))
    OUT['prelu_' + name] = y; OUT['gx_prelu_' + name] = xx.grad
    OUT['gg_prelu_' + name] = gg.grad
OUT['prelu_1d'] = nd.LeakyReLU(nd.array(v[:5]), nd.array(rs.rand(5)), act_type='prelu')
OUT['prelu_1d_1'] = nd.LeakyReLU(nd.array(v[:5]), nd.array([0.3]), act_type='prelu')
OUT['prelu_2d'] = nd.LeakyReLU(nd.array(rs.randn(2, 3)), gamma=nd.array([[0.1], [0.2]]),
                               act_type='prelu')
OUT['prelu_f64'] = nd.LeakyReLU(x.astype('float64'), nd.array([.1, .2, .3], dtype='float64'),
                                act_type='prelu')
OUT['e_gamma4'] = err(lambda: nd.LeakyReLU(x, nd.ones((4,)), act_type='prelu'))
OUT['e_gamma_full'] = err(lambda: nd.LeakyReLU(x, nd.ones((2, 3, 4)), act_type='prelu'))
OUT['e_nogamma'] = err(lambda: nd.LeakyReLU(x, act_type='prelu'))
OUT['e_gamma_leaky'] = err(lambda: nd.LeakyReLU(x, nd.ones((3,)), act_type='leaky'))
OUT['e_gamma_dtype'] = err(lambda: nd.LeakyReLU(x, nd.ones((3,), dtype='float64'),
                                                act_type='prelu'))
OUT['e_act'] = err(lambda: nd.LeakyReLU(x, act_type='relu'))
OUT['e_int'] = err(lambda: nd.LeakyReLU(nd.ones((3,), dtype='int32')))
'''


def test_leaky_relu_numeric_gradient():
    rs = np.random.RandomState(3)
    x = rs.randn(2, 3, 4)
    x[np.abs(x) < 0.05] = 0.3
    for act in ('leaky', 'elu', 'gelu'):
        check_numeric_gradient(lambda d, act=act: nd.LeakyReLU(d, act_type=act, slope=0.2), [x],
                               dtype=np.float64)
    # MXNet's selu gradient is exact only for x >= 0 (see nn._SELU)
    check_numeric_gradient(lambda d: nd.LeakyReLU(d, act_type='selu'), [np.abs(x)],
                           dtype=np.float64)
    for g in (rs.rand(3), rs.rand(1), rs.rand(2, 3)):
        check_numeric_gradient(lambda d, gm: nd.LeakyReLU(d, gm, act_type='prelu'), [x, g],
                               dtype=np.float64)


def test_rrelu_training():
    mx.random.seed(0)
    x = nd.array(-np.ones((200, 50)))
    x.attach_grad()
    with autograd.record():
        y, mask = nd.LeakyReLU(x, act_type='rrelu', lower_bound=0.1, upper_bound=0.5)
    m = mask.asnumpy()
    assert m.min() >= 0.1 and m.max() <= 0.5 and m.std() > 0.05
    assert abs(m.mean() - 0.3) < 0.01
    np.testing.assert_allclose(y.asnumpy(), -m, rtol=1e-6)
    y.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), m, rtol=1e-6)
    # positive inputs pass through with gradient 1
    x = nd.array(np.linspace(0.1, 2, 10))
    x.attach_grad()
    with autograd.record():
        y, mask = nd.LeakyReLU(x, act_type='rrelu')
    y.backward()
    np.testing.assert_allclose(y.asnumpy(), x.asnumpy())
    np.testing.assert_allclose(x.grad.asnumpy(), np.ones(10))
    # predict mode: fixed slope, zero mask
    y, mask = nd.LeakyReLU(nd.array([-1., 2.]), act_type='rrelu')
    np.testing.assert_allclose(y.asnumpy(), [-(0.125 + 0.334) / 2, 2], rtol=1e-6)
    assert (mask.asnumpy() == 0).all()


def test_leaky_relu_hooks():
    op = registry.get('LeakyReLU')
    a = op.parse_attrs({'act_type': 'prelu'})
    assert op.list_inputs(a) == ['data', 'gamma']
    assert op.infer_shape(a, [(2, 5, 4), None]) == [(2, 5, 4), (5,)]
    assert op.list_outputs(a) == ['output']
    b = op.parse_attrs({'act_type': 'rrelu'})
    assert op.list_inputs(b) == ['data']
    assert op.list_outputs(b) == ['output', 'mask'] and op.n_out(b) == 2
    assert op.n_out(op.parse_attrs({})) == 1
    y = op.fn(a, torch.empty((2, 5, 4), device='meta'), torch.empty((5,), device='meta'))
    assert y.shape == (2, 5, 4)


# -------------------------------------------------------------------------------------------
# softmax family
_SOFTMAX = '''
rs = np.random.RandomState(0)
xv = rs.randn(2, 3, 4) * 2
x = nd.array(xv)
hg = nd.array(rs.randn(2, 3, 4))
for fn in ('softmax', 'log_softmax', 'softmin'):
    f = getattr(nd, fn)
    for kw in ({}, {'axis': 0}, {'axis': 1, 'temperature': 2.5}, {'axis': -2},
               {'dtype': 'float64'}, {'temperature': 0.5, 'dtype': 'float16'}):
        key = fn + '_' + '_'.join('%s%s' % kv for kv in sorted(kw.items()))
        xx = x.copy(); xx.attach_grad()
        with autograd.record():
            y = f(xx, **kw)
        y.backward(hg.astype(y.dtype))
        OUT[key] = y
        if kw.get('dtype') != 'float16':   # MXNet's float16 backward is less precise
            OUT['g_' + key] = xx.grad
    OUT[fn + '_f64'] = f(x.astype('float64'), axis=1)
    OUT[fn + '_strs'] = f(x, axis='1', temperature='2', dtype='float64')
    OUT['e_axis_' + fn] = err(lambda: f(x, axis=3))
    OUT['e_axisneg_' + fn] = err(lambda: f(x, axis=-4))
    OUT['e_int_' + fn] = err(lambda: f(x.astype('int32')))
    OUT['e_dtype_' + fn] = err(lambda: f(x, dtype='int32'))
OUT['sm_pos'] = nd.softmax(x, None, 1)
OUT['sm_big'] = nd.softmax(nd.array([1000., 0, -1000]))
OUT['lsm_big'] = nd.log_softmax(nd.array([1000., 0, -1000]))
# length masking
L = nd.array([[1, 2, 0], [4, 3, 1]], dtype='int32')
xx = x.copy(); xx.attach_grad()
with autograd.record():
    y = nd.softmax(xx, L, use_length=True)
y.backward(hg)
OUT['len'] = y; OUT['g_len'] = xx.grad
OUT['len_axis1'] = nd.softmax(x, nd.array([[1, 2, 0, 3], [3, 2, 1, 0]], dtype='int64'),
                              axis=1, use_length=True)
OUT['len_temp'] = nd.softmax(nd.array([[1., 2, 3], [4, 5, 6]]), nd.array([2, 3], dtype='int32'),
                             use_length='True', temperature=2, dtype='float64')
OUT['len_1d'] = nd.softmax(nd.array([1., 2, 3]), nd.array([2], dtype='int32'), use_length=True)
OUT['e_len_float'] = err(lambda: nd.softmax(x, L.astype('float32'), use_length=True))
OUT['e_len_shape'] = err(lambda: nd.softmax(x, nd.array([1, 2], dtype='int32'),
                                            use_length=True))
OUT['e_len_missing'] = err(lambda: nd.softmax(x, use_length=True))
OUT['e_len_unused'] = err(lambda: nd.softmax(x, L))
OUT['e_lsm_len'] = err(lambda: nd.log_softmax(x, use_length=True))
OUT['e_smin_len'] = err(lambda: nd.softmin(x, use_length=True))
'''


_SOFTMAX_FLOAT16_INPUT = '''
rs = np.random.RandomState(0)
x = nd.array(rs.randn(2, 3, 4) * 2)
for fn in ('softmax', 'log_softmax', 'softmin'):
    OUT[fn] = getattr(nd, fn)(x.astype('float16'), dtype='float32')
    OUT[fn + '16'] = getattr(nd, fn)(x.astype('float16'), axis=1)
'''


def test_softmax_numeric_gradient():
    rs = np.random.RandomState(4)
    x = rs.randn(2, 3, 4)
    check_numeric_gradient(lambda d: nd.softmax(d, axis=1, temperature=2.0), [x],
                           dtype=np.float64)
    check_numeric_gradient(lambda d: nd.log_softmax(d), [x], dtype=np.float64)
    check_numeric_gradient(lambda d: nd.softmin(d, axis=0, temperature=0.5), [x],
                           dtype=np.float64)
    L = np.array([[1, 2, 0], [4, 3, 1]], dtype=np.int32)
    check_numeric_gradient(lambda d, ln: nd.softmax(d, ln, use_length=True), [x, L],
                           grad_nodes=[0], dtype=np.float64)
    check_numeric_gradient(lambda d: nd.SoftmaxActivation(d, mode='channel'), [x],
                           dtype=np.float32, numeric_eps=1e-3, rtol=2e-2)


def test_softmax_length_edge_cases():
    x = nd.array(np.arange(8.).reshape(2, 4))
    x.attach_grad()
    with autograd.record():
        y = nd.softmax(x, nd.array([0, 9], dtype='int32'), use_length=True)
    y.backward(nd.ones((2, 4)))
    out = y.asnumpy()
    assert (out[0] == 0).all()                       # empty slice -> zeros, not NaN
    e = np.exp(np.arange(4.) - 3)
    np.testing.assert_allclose(out[1], e / e.sum(), rtol=1e-6)   # length > n -> whole row
    assert np.isfinite(x.grad.asnumpy()).all()
    op = registry.get('softmax')
    a = op.parse_attrs({'use_length': True, 'axis': 1})
    assert op.list_inputs(a) == ['data', 'length']
    assert op.list_inputs(op.parse_attrs({})) == ['data']
    assert op.infer_shape(a, [(2, 3, 4), None]) == [(2, 3, 4), (2, 4)]


_SOFTMAX_ACTIVATION = '''
rs = np.random.RandomState(0)
x = nd.array(rs.randn(2, 3, 4))
hg = nd.array(rs.randn(2, 3, 4))
for mode in ('instance', 'channel'):
    xx = x.copy(); xx.attach_grad()
    with autograd.record():
        y = nd.SoftmaxActivation(xx, mode=mode)
    y.backward(hg)
    OUT[mode] = y; OUT['g_' + mode] = xx.grad
# MXNet's instance-mode gradient on >2 axes sums over axis 1 (not the true derivative)
x2 = nd.array(rs.randn(3, 5)); x2.attach_grad()
with autograd.record():
    y = nd.SoftmaxActivation(x2)
y.backward(nd.array(rs.randn(3, 5)))
OUT['g_inst2d'] = x2.grad
OUT['chan4d'] = nd.SoftmaxActivation(nd.array(rs.randn(2, 3, 2, 2)), mode='channel')
OUT['inst1d'] = nd.SoftmaxActivation(nd.array([1., 2., 3.]))
OUT['inst2d'] = nd.SoftmaxActivation(nd.array(rs.randn(3, 5)))
# plain float32 softmax paths, at tight tolerance
x3 = nd.array(rs.randn(3, 7) * 3)
OUT['sm'] = nd.softmax(x3)
OUT['lsm'] = nd.log_softmax(x3, axis=0)
OUT['smin'] = nd.softmin(x3, temperature=0.7)
OUT['e_chan2d'] = err(lambda: nd.SoftmaxActivation(nd.ones((2, 3)), mode='channel'))
OUT['e_f64'] = err(lambda: nd.SoftmaxActivation(x.astype('float64')))
OUT['e_mode'] = err(lambda: nd.SoftmaxActivation(x, mode='batch'))
'''


# -------------------------------------------------------------------------------------------
# Dropout
_DROPOUT = '''
rs = np.random.RandomState(0)
x = nd.array(rs.randn(4, 5))
OUT['pred'] = nd.Dropout(x)
OUT['pred_p'] = nd.Dropout(x, 0.3)
xx = x.copy(); xx.attach_grad()
with autograd.record(train_mode=False):
    y = nd.Dropout(xx, p=0.5)
y.backward(x * 2)
OUT['pred_rec'] = y; OUT['g_pred_rec'] = xx.grad
with autograd.train_mode():
    OUT['train_p0'] = nd.Dropout(x, p=0)
    OUT['train_p1_nan'] = int(np.isnan(nd.Dropout(x, p=1).asnumpy()).all())
OUT['always_p0'] = nd.Dropout(x.astype('float64'), p='0', mode='always', axes='()',
                              cudnn_off='True')
OUT['e_p'] = err(lambda: nd.Dropout(x, p=1.5))
OUT['e_pneg'] = err(lambda: nd.Dropout(x, p=-0.1))
OUT['e_mode'] = err(lambda: nd.Dropout(x, mode='sometimes'))
OUT['e_axes'] = err(lambda: nd.Dropout(x, axes=(2,), mode='always'))
OUT['e_axes_neg'] = err(lambda: nd.Dropout(x, axes=(-1,), mode='always'))
OUT['e_int'] = err(lambda: nd.Dropout(nd.ones((3,), dtype='int32'), mode='always'))
'''


def test_dropout_statistics_and_gradient():
    mx.random.seed(42)
    x = nd.ones((200, 300))
    # predict mode: identity, a new array
    y = nd.Dropout(x, p=0.5)
    assert (y.asnumpy() == 1).all()
    y[:] = 5
    assert (x.asnumpy() == 1).all()
    for p in (0.1, 0.5, 0.8):
        with autograd.train_mode():
            y = nd.Dropout(x, p=p).asnumpy()
        assert abs((y == 0).mean() - p) < 0.01, p
        np.testing.assert_allclose(np.unique(y), [0, 1 / (1 - p)], rtol=1e-6)
        assert abs(y.mean() - 1) < 0.03
    y = nd.Dropout(x, p=0.3, mode='always').asnumpy()     # active outside training too
    assert abs((y == 0).mean() - 0.3) < 0.01
    for dt in ('float16', 'float64'):
        y = nd.Dropout(nd.ones((1000,), dtype=dt), mode='always')
        assert y.dtype == np.dtype(dt) and abs((y.asnumpy() == 0).mean() - 0.5) < 0.06
    # gradient uses the same mask and scale
    xr = nd.array(np.random.RandomState(0).rand(50, 40) + 0.5)
    xr.attach_grad()
    with autograd.record():
        y = nd.Dropout(xr, p=0.4)
    y.backward(nd.ones((50, 40)) * 3)
    yv, gv = y.asnumpy(), xr.grad.asnumpy()
    kept = yv != 0
    assert 0.5 < kept.mean() < 0.7
    np.testing.assert_allclose(gv[kept], 3 / 0.6, rtol=1e-5)
    assert (gv[~kept] == 0).all()
    np.testing.assert_allclose(yv[kept], xr.asnumpy()[kept] / 0.6, rtol=1e-5)


def test_dropout_axes():
    mx.random.seed(7)
    x = nd.array(np.random.RandomState(1).rand(6, 50, 8) + 1)
    x.attach_grad()
    with autograd.record():
        y = nd.Dropout(x, p=0.5, axes=(1,))
    y.backward(nd.ones(x.shape))
    m = (y.asnumpy() != 0)
    # one mask value along axis 1
    assert (m == m[:, :1, :]).all()
    assert 0.2 < m[:, 0, :].mean() < 0.8
    np.testing.assert_allclose(x.grad.asnumpy(), m * 2.0, rtol=1e-6)
    with autograd.train_mode():
        y = nd.Dropout(nd.ones((30, 4, 5)), p=0.5, axes='(1, 2)').asnumpy()
    assert (y == y[:, :1, :1]).all()
    assert set(np.unique(y)) <= {0.0, 2.0} and 0 < (y == 0).mean() < 1
    with autograd.train_mode():
        y = nd.Dropout(nd.ones((4, 5)), p=0.5, axes=(0, 1)).asnumpy()
    assert len(np.unique(y)) == 1


# -------------------------------------------------------------------------------------------
# Embedding
_EMBEDDING = '''
rs = np.random.RandomState(0)
w = nd.array(rs.randn(5, 3))
OUT['basic'] = nd.Embedding(nd.array([[0, 1], [4, 2]]), w, input_dim=5, output_dim=3)
OUT['clip'] = nd.Embedding(nd.array([-1, 5, 9, 1.7, 2.5, -0.5, 3.9999, -1.5]), w, 5, 3)
OUT['int32'] = nd.Embedding(nd.array([0, 4], dtype='int32'), w, input_dim=5, output_dim=3)
OUT['int64'] = nd.Embedding(nd.array([0, 400], dtype='int64'), w, input_dim=5, output_dim=3)
OUT['uint8'] = nd.Embedding(nd.array([3, 4], dtype='uint8'), w, input_dim=5, output_dim=3)
OUT['f64data'] = nd.Embedding(nd.array([3, 1], dtype='float64'), w, input_dim=5, output_dim=3)
OUT['w64'] = nd.Embedding(nd.array([3, 1]), w.astype('float64'), input_dim=5, output_dim=3)
OUT['w16'] = nd.Embedding(nd.array([3, 1]), w.astype('float16'), input_dim=5, output_dim=3,
                          dtype='float64')
OUT['wint'] = nd.Embedding(nd.array([3, 1]), nd.array(np.arange(15).reshape(5, 3),
                           dtype='int32'), input_dim=5, output_dim=3)
OUT['strs'] = nd.Embedding(nd.array([2]), w, input_dim='5', output_dim='3', dtype='float32',
                           sparse_grad='False')
ww = w.copy(); ww.attach_grad()
d = nd.array([[0, 1, 1], [4, 1, -3], [7, 2, 0]])
with autograd.record():
    y = nd.Embedding(d, ww, input_dim=5, output_dim=3)
y.backward(nd.array(rs.randn(3, 3, 3)))
OUT['g'] = ww.grad
OUT['e_badw'] = err(lambda: nd.Embedding(nd.array([0]), w, input_dim=6, output_dim=3))
OUT['e_badw2'] = err(lambda: nd.Embedding(nd.array([0]), w, input_dim=5, output_dim=2))
OUT['e_w1d'] = err(lambda: nd.Embedding(nd.array([0]), nd.ones((15,)), input_dim=5,
                                        output_dim=3))
OUT['e_noparam'] = err(lambda: nd.Embedding(nd.array([0]), w))
OUT['e_dim0'] = err(lambda: nd.Embedding(nd.array([0]), w, input_dim=0, output_dim=3))
'''


def test_embedding_numeric_gradient_and_hooks():
    rs = np.random.RandomState(6)
    idx = np.array([[0, 2, 2], [3, 0, 2]], dtype=np.float64)
    check_numeric_gradient(lambda d, w: nd.Embedding(d, w, input_dim=4, output_dim=5),
                           [idx, rs.randn(4, 5)], grad_nodes=[1], dtype=np.float64)
    op = registry.get('Embedding')
    a = op.parse_attrs({'input_dim': 10, 'output_dim': '4'})
    assert op.infer_shape(a, [(2, 3), None]) == [(2, 3), (10, 4)]
    assert op.list_inputs(a) == ['data', 'weight']
    y = op.fn(a, torch.empty((2, 3), device='meta'), torch.empty((10, 4), device='meta'))
    assert y.shape == (2, 3, 4)
    assert registry.get('_sparse_Embedding') is op
    # the numpy-extension names (_npx_*) are not legacy mx.nd names
    for alias in ('_npx_embedding', '_npx_dropout', '_npx_softmax'):
        with pytest.raises(mx.base.MXNetError):
            registry.get(alias)


def test_errors_are_mxnet_errors():
    x = nd.ones((2, 3))
    cases = [
        lambda: nd.FullyConnected(x, nd.ones((4, 2)), nd.ones(4), num_hidden=4),
        lambda: nd.FullyConnected(x, nd.ones((4, 3)), num_hidden=4),
        lambda: nd.Activation(x, act_type='bogus'),
        lambda: nd.LeakyReLU(x, nd.ones((5,)), act_type='prelu'),
        lambda: nd.softmax(x, axis=2),
        lambda: nd.SoftmaxActivation(x, mode='channel'),
        lambda: nd.Dropout(x, p=2),
        lambda: nd.Embedding(nd.array([0]), x, input_dim=3, output_dim=2),
    ]
    for c in cases:
        with pytest.raises(mx.base.MXNetError):
            c()
    with pytest.raises(mx.base.MXNetError, match='FullyConnected'):
        nd.FullyConnected(x, nd.ones((4, 2)), nd.ones(4), num_hidden=4)


# -------------------------------------------------------------------------------------------
# the reference comparisons, batched
def _section(prefix, code):
    body = textwrap.indent(textwrap.dedent(code), '    ')
    return ('def _run_%s():\n    OUT = {}\n%s\n    return OUT\n'
            'for _k, _v in _run_%s().items():\n    OUT[%r + _k] = _v\n'
            % (prefix, body, prefix, prefix + ':'))


def test_dense_embedding_dropout_vs_mxnet(compare):
    compare(_ERR + _section('fc', _FULLY_CONNECTED) + _section('emb', _EMBEDDING)
            + _section('drop', _DROPOUT), rtol=1e-5, atol=1e-5)


def test_activations_vs_mxnet(compare):
    compare(_ERR + _section('act', _ACTIVATION) + _section('leaky', _LEAKY_RELU)
            + _section('sact', _SOFTMAX_ACTIVATION), rtol=1e-5, atol=1e-6)


def test_softmax_family_vs_mxnet(compare):
    # float16 results (dtype='float16', float16 input: MXNet computes those in float16 even
    # with dtype='float32', remx in float32) need the loose tolerance
    compare(_ERR + _section('sm', _SOFTMAX) + _section('sm16', _SOFTMAX_FLOAT16_INPUT),
            rtol=5e-3, atol=2e-3)
