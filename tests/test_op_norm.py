"""Normalization operators vs MXNet 1.9.1: BatchNorm (+_v1), LayerNorm, InstanceNorm, GroupNorm,
L2Normalization, LRN. Forward values, dtypes, attribute strings, gradients in train and
predict mode, BatchNorm's moving statistics, finite differences, errors, shape hooks."""
import numpy as np
import pytest
import torch

import mxnet as mx
from mxnet import nd, autograd
from mxnet.base import MXNetError
from mxnet._ops import get as get_op
from mxnet.test_utils import check_numeric_gradient


BN_FORWARD = '''
rs = np.random.RandomState(0)
X = rs.randn(4, 3, 2, 2).astype(np.float32) * 2 + 1
G = np.array([2., 3., 4.], np.float32); B = np.array([.5, .1, -1], np.float32)
MM = np.array([.1, .2, .3], np.float32); MV = np.array([1.5, 2., 3.], np.float32)
def args(dt='float32', pdt=None, x=X):
    pdt = pdt or dt
    return [nd.array(x, dtype=dt), nd.array(G, dtype=pdt), nd.array(B, dtype=pdt),
            nd.array(MM, dtype=pdt), nd.array(MV, dtype=pdt)]
# predict mode, fix_gamma default (gamma is overwritten with ones)
a = args(); OUT['pred_fix'] = nd.BatchNorm(*a); OUT['pred_fix_gamma_after'] = a[1]
a = args(); OUT['pred'] = nd.BatchNorm(*a, fix_gamma=False); OUT['pred_gamma_after'] = a[1]
a = args(); o = nd.BatchNorm(*a, fix_gamma=False, output_mean_var=True)
OUT['pred_omv0'], OUT['pred_omv1'], OUT['pred_omv2'] = o
OUT['pred_mm_after'] = a[3]; OUT['pred_mv_after'] = a[4]
# training mode (no record): batch statistics, moving stats untouched
with autograd.train_mode():
    a = args(); o = nd.BatchNorm(*a, fix_gamma=False, output_mean_var=True)
    OUT['train_omv0'], OUT['train_omv1'], OUT['train_omv2'] = o
    OUT['train_mm_after'] = a[3]; OUT['train_mv_after'] = a[4]
    a = args(); OUT['train_ugs'] = nd.BatchNorm(*a, fix_gamma=False, use_global_stats=True)
    a = args(); OUT['train_fix'] = nd.BatchNorm(*a)
    a = args(); OUT['train_eps'] = nd.BatchNorm(*a, eps=0.5, fix_gamma=False)
    # string attribute forms
    a = args(); o = nd.BatchNorm(*a, eps='1e-2', momentum='0.5', fix_gamma='False',
                                 use_global_stats='0', output_mean_var='True', axis='1',
                                 cudnn_off='False', min_calib_range='None')
    OUT['train_str0'], OUT['train_str1'], OUT['train_str2'] = o
    # other axes and ranks
    x2 = np.ascontiguousarray(X.transpose(0, 2, 3, 1))
    a = args(x=x2); OUT['train_axis-1'] = nd.BatchNorm(*a, axis=-1, fix_gamma=False)
    x3 = np.ascontiguousarray(X.transpose(0, 2, 1, 3))
    a = args(x=x3); OUT['train_axis2'] = nd.BatchNorm(*a, axis=2, fix_gamma=False)
    a = args(x=X[:, :, 0, 0]); OUT['train_2d'] = nd.BatchNorm(*a, fix_gamma=False)
    a = args(x=X.reshape(2, 3, 2, 2, 2)); OUT['train_5d'] = nd.BatchNorm(*a, fix_gamma=False)
    a = args(x=X[:1, :, :1, :1]); OUT['train_single'] = nd.BatchNorm(*a, fix_gamma=False)
    a = args(x=X[0, :, 0, 0]); o = nd.BatchNorm(*a, axis=0, fix_gamma=False, output_mean_var=True)
    OUT['train_1d0'], OUT['train_1d1'], OUT['train_1d2'] = o
    # dtypes: float64 all the way; float16 data with float32 parameters
    a = args('float64'); o = nd.BatchNorm(*a, fix_gamma=False, output_mean_var=True)
    OUT['f64_0'], OUT['f64_1'], OUT['f64_2'] = o
a = args('float64'); OUT['pred_f64'] = nd.BatchNorm(*a, fix_gamma=False)
# positional parameters after the five inputs: eps, momentum, fix_gamma
a = args(); OUT['positional'] = nd.BatchNorm(*a, 0.25, 0.9, False)
'''


BN_GRAD = '''
rs = np.random.RandomState(1)
X = rs.randn(4, 3, 2, 2).astype(np.float32) * 2 + 1
DY = rs.randn(4, 3, 2, 2).astype(np.float32)
G = np.array([2., 3., 4.], np.float32); B = np.array([.5, .1, -1], np.float32)
MM = np.array([.1, .2, .3], np.float32); MV = np.array([1.5, 2., 3.], np.float32)
def grads(tag, train, x=X, dy=DY, dt='float32', **kw):
    xs, g, b = nd.array(x, dtype=dt), nd.array(G, dtype=dt), nd.array(B, dtype=dt)
    mm, mv = nd.array(MM, dtype=dt), nd.array(MV, dtype=dt)
    for t in (xs, g, b):
        t.attach_grad()
    with autograd.record(train_mode=train):
        y = nd.BatchNorm(xs, g, b, mm, mv, **kw)
    OUT[tag + '_mm_fwd'] = mm.copy(); OUT[tag + '_mv_fwd'] = mv.copy()
    y.backward(nd.array(dy, dtype=dt))
    OUT[tag + '_y'] = y; OUT[tag + '_dx'] = xs.grad; OUT[tag + '_dg'] = g.grad
    OUT[tag + '_db'] = b.grad; OUT[tag + '_mm'] = mm; OUT[tag + '_mv'] = mv
    OUT[tag + '_g'] = g
for train in (True, False):
    for fix in (True, False):
        for ugs in (True, False):
            grads('t%d_f%d_u%d' % (train, fix, ugs), train, fix_gamma=fix, use_global_stats=ugs)
grads('axis-1', True, x=np.ascontiguousarray(X.transpose(0, 2, 3, 1)),
      dy=np.ascontiguousarray(DY.transpose(0, 2, 3, 1)), axis=-1, fix_gamma=False, momentum=0.7)
grads('1d', True, x=X[0, :, 0, 0], dy=DY[0, :, 0, 0], axis=0, fix_gamma=False)
grads('2d_axis0', True, x=X[0, :, :, 0], dy=DY[0, :, :, 0], axis=0, fix_gamma=False)
grads('2d_axis0_pred', False, x=X[0, :, :, 0], dy=DY[0, :, :, 0], axis=0, fix_gamma=False)
grads('f64', True, dt='float64', fix_gamma=False)
grads('f64_pred', False, dt='float64', fix_gamma=False)
# moving statistics across several training steps (updated once per backward)
xs = nd.array(X); g = nd.array(G); b = nd.array(B); mm = nd.array(MM); mv = nd.array(MV)
g.attach_grad(); b.attach_grad(); xs.attach_grad()
for step in range(3):
    xs[:] = nd.array(X * (step + 1) + step)
    with autograd.record():
        y = nd.BatchNorm(xs, g, b, mm, mv, fix_gamma=False, momentum=0.8)
    y.backward()
    OUT['steps_mm%d' % step] = mm.copy(); OUT['steps_mv%d' % step] = mv.copy()
# recorded forward without backward leaves them alone; so does predict-mode record + backward
with autograd.record():
    y = nd.BatchNorm(xs, g, b, mm, mv, fix_gamma=False)
OUT['nobwd_mm'] = mm.copy()
with autograd.record(train_mode=False):
    y = nd.BatchNorm(xs, g, b, mm, mv, fix_gamma=False)
y.backward()
OUT['predbwd_mm'] = mm.copy(); OUT['predbwd_mv'] = mv.copy()
# mean / inverse-std outputs carry no gradient
xs = nd.array(X); xs.attach_grad(); g = nd.array(G); b = nd.array(B)
with autograd.record():
    o, m, s = nd.BatchNorm(xs, g, b, nd.array(MM), nd.array(MV), fix_gamma=False,
                           output_mean_var=True)
    z = o * 2 + m.reshape((1, 3, 1, 1)) + s.reshape((1, 3, 1, 1))
z.backward()
OUT['omv_dx'] = xs.grad
'''


def test_batchnorm_forward_gradients_and_moving_stats(compare):
    compare(BN_FORWARD + BN_GRAD, rtol=1e-4, atol=1e-5)


OTHERS = '''
rs = np.random.RandomState(2)
X = rs.randn(2, 4, 3, 5).astype(np.float32)
DY = rs.randn(2, 4, 3, 5).astype(np.float32)
def run(tag, fn, inputs, dtype='float32', head=None):
    arrs = [nd.array(i, dtype=dtype) for i in inputs]
    for a in arrs:
        a.attach_grad()
    with autograd.record():
        out = fn(*arrs)
    outs = out if isinstance(out, list) else [out]
    if head is None:
        head = DY.ravel()[:outs[0].size].reshape(outs[0].shape)
    outs[0].backward(nd.array(head, dtype=dtype))
    for i, o in enumerate(outs):
        OUT['%s_out%d' % (tag, i)] = o
    for i, a in enumerate(arrs):
        OUT['%s_grad%d' % (tag, i)] = a.grad
g5, b5 = rs.rand(5).astype(np.float32) + .5, rs.randn(5).astype(np.float32)
g4, b4 = rs.rand(4).astype(np.float32) + .5, rs.randn(4).astype(np.float32)
g2, b2 = rs.rand(2).astype(np.float32) + .5, rs.randn(2).astype(np.float32)
# LayerNorm
run('ln', lambda x, g, b: nd.LayerNorm(x, g, b), [X, g5, b5])
run('ln_omv', lambda x, g, b: nd.LayerNorm(x, g, b, output_mean_var=True), [X, g5, b5])
run('ln_ax1', lambda x, g, b: nd.LayerNorm(x, g, b, axis=1, eps=1e-3, output_mean_var='1'),
    [X, g4, b4])
run('ln_ax-3', lambda x, g, b: nd.LayerNorm(x, g, b, axis='-3', eps='0.01'), [X, g4, b4])
run('ln_f64', lambda x, g, b: nd.LayerNorm(x, g, b, output_mean_var=True), [X, g5, b5], 'float64')
# InstanceNorm
run('in', lambda x, g, b: nd.InstanceNorm(x, g, b), [X, g4, b4])
run('in3d', lambda x, g, b: nd.InstanceNorm(x, g, b, eps='0.1'), [X[:, :, 0], g4, b4])
OUT['in_doc'] = nd.InstanceNorm(nd.array([[[1.1, 2.2]], [[3.3, 4.4]]]), nd.array([1.5]),
                                nd.array([0.5]))
# GroupNorm (gamma / beta per group)
run('gn', lambda x, g, b: nd.GroupNorm(x, g, b, num_groups=2, output_mean_var=True), [X, g2, b2])
run('gn1', lambda x, g, b: nd.GroupNorm(x, g, b), [X, g5[:1], b5[:1]])
run('gn4', lambda x, g, b: nd.GroupNorm(x, g, b, num_groups='4', eps='1e-3'),
    [X[:, :, :, 0], g4, b4])
run('gn_f64', lambda x, g, b: nd.GroupNorm(x, g, b, num_groups=2), [X, g2, b2], 'float64')
# L2Normalization
for mode in ('instance', 'channel', 'spatial'):
    run('l2_' + mode, lambda x: nd.L2Normalization(x, mode=mode), [X])
    run('l2_3d_' + mode, lambda x: nd.L2Normalization(x, mode=mode, eps=0.5), [X[:, :, 0]])
run('l2_default', lambda x: nd.L2Normalization(x), [X])
run('l2_1d', lambda x: nd.L2Normalization(x), [X[0, 0, 0]])
run('l2_2d', lambda x: nd.L2Normalization(x, eps='1e-3'), [X[0, 0]])
run('l2_f64', lambda x: nd.L2Normalization(x, mode='channel'), [X], 'float64')
OUT['l2_doc'] = nd.L2Normalization(nd.array([[[1, 2], [3, 4]], [[2, 2], [5, 6]]]), mode='spatial')
# LRN
XL = rs.randn(2, 7, 3, 2).astype(np.float32)
for ns in (1, 2, 3, 4, 5, 8):
    run('lrn%d' % ns, lambda x: nd.LRN(x, nsize=ns, alpha=0.1, beta=0.6, knorm=1.5), [XL],
        head=rs.randn(*XL.shape))
run('lrn_default', lambda x: nd.LRN(x, nsize=3), [XL * 10], head=rs.randn(*XL.shape))
run('lrn_str', lambda x: nd.LRN(x, nsize='5', alpha='0.01', beta='0.9', knorm='1'), [XL],
    head=rs.randn(*XL.shape))
OUT['lrn0'] = nd.LRN(nd.array(XL), nsize=0)
'''


def test_other_norms(compare):
    compare(OTHERS, rtol=1e-4, atol=1e-5)


F16 = '''
rs = np.random.RandomState(0)
X = rs.randn(4, 3, 2, 2).astype(np.float32) * 2 + 1
P = [nd.array(v) for v in ([2., 3., 4.], [.5, .1, -1], [.1, .2, .3], [1.5, 2., 3.])]
x16 = nd.array(X, dtype='float16')
with autograd.train_mode():
    o = nd.BatchNorm(x16, *P, fix_gamma=False, output_mean_var=True)
OUT['bn_train0'], OUT['bn_train1'], OUT['bn_train2'] = o
OUT['bn_pred'] = nd.BatchNorm(x16, *P, fix_gamma=False)
x16.attach_grad()
with autograd.record():
    y = nd.BatchNorm(x16, *P, fix_gamma=False)
y.backward()
OUT['bn_dx'] = x16.grad; OUT['bn_mm'] = P[2]
g16, b16 = nd.array([1., 2., 3.], dtype='float16'), nd.array([0., 1., -1.], dtype='float16')
o = nd.LayerNorm(nd.array(X[:, :, 0], dtype='float16'), g16[:2], b16[:2], output_mean_var=True)
OUT['ln0'], OUT['ln1'], OUT['ln2'] = o
OUT['gn'] = nd.GroupNorm(x16, g16, b16, num_groups=3)
OUT['l2'] = nd.L2Normalization(x16, mode='channel')
'''


def test_float16(compare):
    # MXNet's float16 kernels round intermediate results differently: a few ulp apart
    compare(F16, rtol=5e-3, atol=5e-3)


def test_batchnorm_v1():
    # MXNet 1.9.1's nd.BatchNorm_v1 cannot be called (it asks for 5 inputs but only lets 3 be
    # passed); these values were taken from its Symbol executor (simple_bind) in MXNet 1.9.1.
    rs = np.random.RandomState(0)
    xn = rs.randn(4, 3, 2, 2).astype('float32') * 2 + 1
    dy = rs.randn(4, 3, 2, 2).astype('float32')
    res = {}
    for fg in (True, False):
        for tr in (True, False):
            x, g, b = nd.array(xn), nd.array([2, 3, 4]), nd.array([.5, .1, -1])
            mm, mv = nd.array([.1, .2, .3]), nd.array([1.5, 2, 3])
            for t in (x, g, b):
                t.attach_grad()
            with autograd.record(train_mode=tr):
                o = nd.BatchNorm_v1(x, g, b, mm, mv, fix_gamma=fg, output_mean_var=True)
            assert np.allclose(mm.asnumpy(), [.1, .2, .3])
            o[0].backward(nd.array(dy))
            res[fg, tr] = (o, x.grad.asnumpy(), g.grad.asnumpy(), b.grad.asnumpy(),
                           mm.asnumpy(), mv.asnumpy(), g.asnumpy())
    close = lambda a, b: np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)  # noqa: E731
    o, dx, dg, db, mm, mv, g = res[True, True]
    close(o[0].asnumpy()[0, :, 0, 0], [1.7084508, 1.4895886, -0.83542097])
    close(o[1].asnumpy(), [2.1826367, 1.4685109, 0.4556775])
    close(o[2].asnumpy(), [3.766048, 5.5251265, 4.2139096])           # the variance itself
    close(mm, [0.30826372, 0.32685113, 0.31556776])
    close(mv, [1.7266048, 2.3525128, 3.1213908])
    close(g, [1, 1, 1])
    close(dx[0, :, 0, 0], [-0.96787935, -0.14950004, 0.01935768])
    close(dg, [0, 0, 0])
    close(db, [-1.9015422, -3.585126, 0.28759527])
    o, dx, dg, db, mm, mv, g = res[True, False]
    close(o[0].asnumpy()[0, :, 0, 0], [4.1143274, 3.30601, -0.7150892])
    close(o[2].asnumpy(), [1.5, 2, 3])
    close(mm, [.1, .2, .3])
    close(dx[0, :, 0, 0], [-1.6901875e+00, -1.0043010e-03, 2.0704277e-02])
    o, dx, dg, db, mm, mv, g = res[False, False]
    close(o[0].asnumpy()[0, :, 0, 0], [7.7286553, 9.71803, 0.13964343])
    close(dx[0, :, 0, 0], [-3.3803749e+00, -3.0130297e-03, 8.2817107e-02])
    close(dg, [4.8113546, -1.9768338, 1.0398133])
    o, dx, dg, db, mm, mv, g = res[False, True]
    close(o[0].asnumpy()[0, :, 0, 0], [2.9169016, 4.2687654, -0.34168386])
    close(dx[0, :, 0, 0], [-1.9357587, -0.44850025, 0.07743073])
    close(dg, [5.077503, 0.7450346, 0.8555853])


def test_numeric_gradients():
    rs = np.random.RandomState(3)
    x = rs.randn(3, 2, 2, 2)
    g, b = rs.rand(2) + 0.5, rs.randn(2)
    mm, mv = rs.randn(2) * 0.1, rs.rand(2) + 1

    def bn(**kw):
        return lambda *a: nd.BatchNorm(*a, fix_gamma=False, **kw)
    kw = dict(grad_nodes=[0, 1, 2], dtype=np.float64, atol=1e-4, rtol=1e-3)
    check_numeric_gradient(bn(), [x, g, b, mm, mv], use_forward_train=True, **kw)
    check_numeric_gradient(bn(axis=-1), [x, g, b, mm, mv], use_forward_train=True, **kw)
    # predict mode: only use_global_stats gives the mathematical data gradient (see module doc)
    check_numeric_gradient(bn(use_global_stats=True), [x, g, b, mm, mv],
                           use_forward_train=True, **kw)
    check_numeric_gradient(bn(), [x, g, b, mm, mv], use_forward_train=False,
                           grad_nodes=[1, 2], dtype=np.float64, atol=1e-4, rtol=1e-3)
    kw = dict(dtype=np.float64, atol=1e-4, rtol=1e-3)
    g3, b3 = rs.rand(2) + 0.5, rs.randn(2)
    check_numeric_gradient(lambda *a: nd.LayerNorm(*a), [x, g3, b3], **kw)
    check_numeric_gradient(lambda *a: nd.LayerNorm(*a, axis=1), [x, g3, b3], **kw)
    check_numeric_gradient(lambda *a: nd.GroupNorm(*a, num_groups=2), [x, g3, b3], **kw)
    check_numeric_gradient(lambda *a: nd.L2Normalization(*a, mode='channel'), [x], **kw)
    check_numeric_gradient(lambda *a: nd.L2Normalization(*a, mode='spatial'), [x], **kw)
    check_numeric_gradient(lambda *a: nd.L2Normalization(*a), [x], **kw)
    # InstanceNorm and LRN compute in float32 only
    kw = dict(atol=2e-2, rtol=5e-2, numeric_eps=1e-2)
    check_numeric_gradient(lambda *a: nd.InstanceNorm(*a), [x.astype('f'), g3, b3], **kw)
    check_numeric_gradient(lambda *a: nd.LRN(*a, nsize=3, alpha=0.5), [x.astype('f')], **kw)
    check_numeric_gradient(lambda *a: nd.LRN(*a, nsize=4, alpha=0.5), [x.astype('f')], **kw)


def test_moving_stats_once_per_backward_and_not_in_predict():
    x = nd.array(np.arange(24, dtype='f').reshape(4, 3, 2))
    g, b, mm, mv = nd.ones(3), nd.zeros(3), nd.zeros(3), nd.ones(3)
    x.attach_grad()
    with autograd.record():
        y = nd.BatchNorm(x, g, b, mm, mv, momentum=0.5)
    assert np.all(mm.asnumpy() == 0)          # MXNet updates in the backward pass
    y.backward(retain_graph=True)
    m1 = mm.asnumpy().copy()
    mean = np.arange(24, dtype='f').reshape(4, 3, 2).mean((0, 2))
    np.testing.assert_allclose(m1, 0.5 * mean, rtol=1e-6)
    var = np.arange(24, dtype='f').reshape(4, 3, 2).var((0, 2))
    np.testing.assert_allclose(mv.asnumpy(), 0.5 + 0.5 * var, rtol=1e-6)
    # gradient only w.r.t. gamma: the update still happens
    x2 = nd.array(np.ones((2, 3)))
    g2 = nd.ones(3)
    g2.attach_grad()
    mm2 = nd.zeros(3)
    with autograd.record():
        y = nd.BatchNorm(x2, g2, nd.zeros(3), mm2, nd.ones(3), fix_gamma=False)
    y.backward()
    np.testing.assert_allclose(mm2.asnumpy(), [0.1] * 3, rtol=1e-6)
    # predict mode never updates; inputs without grad under train_mode don't either
    with autograd.train_mode():
        nd.BatchNorm(x, g, b, mm, mv)
    with autograd.predict_mode():
        nd.BatchNorm(x, g, b, mm, mv)
    np.testing.assert_array_equal(mm.asnumpy(), m1)


def test_infer_shape_hooks():
    bn = get_op('BatchNorm')
    a = bn.parse_attrs({})
    assert bn.infer_shape(a, [(2, 5, 3), None, None, None, None]) == [(2, 5, 3)] + [(5,)] * 4
    a = bn.parse_attrs({'axis': '-1'})
    assert bn.infer_shape(a, [(2, 5, 3), None, (3,), None, None]) == [(2, 5, 3)] + [(3,)] * 4
    assert bn.aux == ('moving_mean', 'moving_var')
    assert bn.list_outputs(bn.parse_attrs({'output_mean_var': True})) == ['output', 'mean', 'var']
    v1 = get_op('BatchNorm_v1')
    assert v1.infer_shape(v1.parse_attrs({}), [(2, 4), None, None, None, None])[1:] == [(4,)] * 4
    ln = get_op('LayerNorm')
    assert ln.infer_shape(ln.parse_attrs({}), [(2, 5, 3), None, None]) == [(2, 5, 3), (3,), (3,)]
    assert ln.infer_shape(ln.parse_attrs({'axis': 1}), [(2, 5, 3), None, None])[1] == (5,)
    assert ln.list_outputs(ln.parse_attrs({'output_mean_var': True})) == ['output', 'mean', 'std']
    inn = get_op('InstanceNorm')
    assert inn.infer_shape(inn.parse_attrs({}), [(2, 5, 3), None, None])[1:] == [(5,), (5,)]
    gn = get_op('GroupNorm')
    assert gn.infer_shape(gn.parse_attrs({'num_groups': 4}), [(2, 8, 3), None, None])[1:] == \
        [(4,), (4,)]
    # forwards run on meta tensors (shape inference for the Symbol layer)
    m = lambda *s: torch.empty(s, device='meta')  # noqa: E731
    with autograd.train_mode():
        out = bn.compute(bn.parse_attrs({'output_mean_var': True}),
                         [m(2, 5, 3), m(5), m(5), m(5), m(5)])
    assert [tuple(o.shape) for o in out] == [(2, 5, 3), (5,), (5,)]
    assert tuple(ln.compute(ln.parse_attrs({}), [m(2, 5, 3), m(3), m(3)]).shape) == (2, 5, 3)
    assert tuple(gn.compute(gn.parse_attrs({'num_groups': 2}), [m(2, 4, 3), m(2), m(2)]).shape) \
        == (2, 4, 3)
    assert tuple(get_op('LRN').compute(get_op('LRN').parse_attrs({'nsize': 3}),
                                       [m(2, 4, 3, 3)]).shape) == (2, 4, 3, 3)


def test_gluon_deferred_and_running_stats():
    # (in_channels given: remx's gluon _fill_shapes currently forwards name='fwd' into the
    # op's attributes, which BatchNorm rejects; LayerNorm below goes through deferred init)
    net = mx.gluon.nn.BatchNorm(in_channels=3)
    net.initialize()
    x = nd.array(np.random.RandomState(0).randn(4, 3, 2))
    x.attach_grad()
    with autograd.record():
        y = net(x)
    assert net.gamma.shape == (3,) and net.running_mean.shape == (3,)
    y.backward()
    np.testing.assert_allclose(net.running_mean.data().asnumpy(),
                               0.1 * x.asnumpy().mean((0, 2)), rtol=1e-5)
    ln = mx.gluon.nn.LayerNorm()
    ln.initialize()
    assert ln(nd.ones((2, 7))).shape == (2, 7) and ln.gamma.shape == (7,)


def test_doc_and_signature():
    import inspect
    params = list(inspect.signature(nd.BatchNorm).parameters)
    assert params[:9] == ['data', 'gamma', 'beta', 'moving_mean', 'moving_var', 'eps',
                          'momentum', 'fix_gamma', 'use_global_stats']
    assert 'fix_gamma : boolean, optional, default=True' in nd.BatchNorm.__doc__
    assert list(inspect.signature(nd.LRN).parameters)[:5] == ['data', 'alpha', 'beta', 'knorm',
                                                               'nsize']
    assert list(inspect.signature(nd.GroupNorm).parameters)[3:6] == ['num_groups', 'eps',
                                                                      'output_mean_var']


@pytest.mark.parametrize('call', [
    lambda: nd.BatchNorm(nd.ones((2, 3, 4)), nd.ones(3), nd.ones(3), nd.ones(3)),
    lambda: nd.BatchNorm(nd.ones((2, 3, 4)), nd.ones(4), nd.ones(3), nd.ones(3), nd.ones(3)),
    lambda: nd.BatchNorm(nd.ones((2, 3, 4)), nd.ones(3), nd.ones(3), nd.ones(2), nd.ones(3)),
    lambda: nd.BatchNorm(nd.ones((3,)), nd.ones(3), nd.ones(3), nd.ones(3), nd.ones(3)),
    lambda: nd.BatchNorm(nd.ones((2, 4, 3)), *[nd.ones(3)] * 4, axis=3),
    lambda: nd.BatchNorm(nd.ones((2, 4, 3)), *[nd.ones(3)] * 4, axis=-4),
    lambda: nd.BatchNorm(nd.ones((2, 3), dtype='float64'), *[nd.ones(3)] * 4),
    lambda: nd.BatchNorm(nd.ones((2, 3), dtype='float16'), *[nd.ones(3, dtype='float16')] * 4),
    lambda: nd.BatchNorm(nd.ones((2, 3), dtype='int32'), *[nd.ones(3)] * 4),
    lambda: nd.BatchNorm(nd.ones((2, 3)), *[nd.ones(3)] * 4, fix_gamma='maybe'),
    lambda: nd.BatchNorm(nd.ones((2, 3)), *[nd.ones(3)] * 4, foo=1),
    lambda: nd.LayerNorm(nd.ones((2, 4)), nd.ones(3), nd.ones(3)),
    lambda: nd.LayerNorm(nd.ones((2, 3)), nd.ones(3), nd.ones(3), axis=2),
    lambda: nd.LayerNorm(nd.ones((2, 3), dtype='float64'), nd.ones(3), nd.ones(3)),
    lambda: nd.InstanceNorm(nd.ones((2, 4)), nd.ones(4), nd.ones(4)),
    lambda: nd.InstanceNorm(nd.ones((2, 4, 2)), nd.ones(3), nd.ones(3)),
    lambda: nd.InstanceNorm(nd.ones((2, 3, 2), dtype='float64'), nd.ones(3, dtype='float64'),
                            nd.ones(3, dtype='float64')),
    lambda: nd.GroupNorm(nd.ones((2, 4, 2)), nd.ones(3), nd.ones(3), num_groups=3),
    lambda: nd.GroupNorm(nd.ones((2, 4, 2)), nd.ones(4), nd.ones(4), num_groups=2),
    lambda: nd.GroupNorm(nd.ones((2, 4)), nd.ones(2), nd.ones(2), num_groups=2),
    lambda: nd.GroupNorm(nd.ones((2, 4, 2)), nd.ones(1), nd.ones(1), num_groups=0),
    lambda: nd.L2Normalization(nd.ones((3, 4)), mode='channel'),
    lambda: nd.L2Normalization(nd.ones((3, 4)), mode='spatial'),
    lambda: nd.L2Normalization(nd.ones((3, 4)), mode='foo'),
    lambda: nd.L2Normalization(nd.ones((3, 4), dtype='int32')),
    lambda: nd.LRN(nd.ones((1, 3, 2, 2))),
    lambda: nd.LRN(nd.ones((1, 3, 2)), nsize=3),
    lambda: nd.LRN(nd.ones((1, 3, 2, 2), dtype='float64'), nsize=3),
])
def test_errors(call):
    with pytest.raises(MXNetError):
        call()


def test_error_leaves_state_alone():
    g, mm = nd.array([2., 3, 4]), nd.zeros(3)
    with pytest.raises(MXNetError, match='BatchNorm'):
        nd.BatchNorm(nd.ones((2, 3)), g, nd.ones(3), mm, nd.ones(2))
    assert g.asnumpy().tolist() == [2, 3, 4]
