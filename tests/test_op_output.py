"""Loss/output operators (output.py) and sequence operators (sequence.py) vs MXNet 1.9.1."""
import numpy as np
import pytest

import mxnet as mx
from mxnet import nd, autograd
from mxnet.test_utils import check_numeric_gradient

# helper defined inside every snippet: forward output and gradients of every input
_RUN = '''
def run(op, arrays, hg=None, label_grad=True, **kw):
    xs = [nd.array(a) for a in arrays]
    for i, x in enumerate(xs):
        if i == 0 or label_grad:
            x.attach_grad()
    with autograd.record():
        y = getattr(nd, op)(*xs, **kw)
    if hg is None:
        y.backward()
    else:
        y.backward(nd.array(hg))
    res = [y] + [x.grad for i, x in enumerate(xs) if i == 0 or label_grad]
    return res

def put(key, res):
    for i, r in enumerate(res):
        OUT['%s_%d' % (key, i)] = r
'''


def test_softmax_output(compare):
    compare(_RUN + '''
rs = np.random.RandomState(0)
x = rs.randn(3, 4).astype(np.float32)
l = np.array([1, 0, 3], np.float32)
put('plain', run('SoftmaxOutput', [x, l]))
put('headgrad_ignored', run('SoftmaxOutput', [x, l], hg=rs.rand(3, 4) * 3))
put('out_grad', run('SoftmaxOutput', [x, l], hg=rs.rand(3, 4) * 3, out_grad=True))
put('batch', run('SoftmaxOutput', [x, l], normalization='batch', grad_scale=2.5))
lig = np.array([1, -1, 3], np.float32)
put('valid_ign', run('SoftmaxOutput', [x, lig], normalization='valid', use_ignore=True))
put('valid_noign', run('SoftmaxOutput', [x, lig], normalization='valid'))
put('ign_str', run('SoftmaxOutput', [x, np.array([1, -1.5, 3], np.float32)],
                   use_ignore='True', ignore_label='-1'))
put('ign0', run('SoftmaxOutput', [x, l], use_ignore=1, ignore_label=0))
put('smooth', run('SoftmaxOutput', [x, l], smooth_alpha=0.1))
put('oob', run('SoftmaxOutput', [x, np.array([1.7, 5, -2], np.float32)], smooth_alpha=0.2))
p = rs.rand(3, 4).astype(np.float32)
put('prob', run('SoftmaxOutput', [x, p], grad_scale=2., normalization='batch', use_ignore=True))
x3 = rs.randn(2, 3, 4).astype(np.float32)
put('flat3', run('SoftmaxOutput', [x3, np.array([[1, 2, 0], [3, 1, 1]], np.float32)]))
put('flat3b', run('SoftmaxOutput', [x3, np.array([[1, 2, 0], [3, 1, 1]], np.float32)],
                  normalization='batch'))
put('pres', run('SoftmaxOutput', [x3, np.array([[0, -1, 2], [3, 3, 1]], np.float32)],
                preserve_shape=True, normalization='valid'))
put('presb', run('SoftmaxOutput', [x3, np.array([[0, 1, 2], [3, 3, 1]], np.float32)],
                 preserve_shape='1', normalization='batch'))
x4 = rs.randn(2, 3, 2, 2).astype(np.float32)
for i, ls in enumerate([(2, 4), (2, 2, 2), (2, 1, 2, 2)]):
    lab = rs.randint(0, 3, ls).astype(np.float32)
    put('multi%d' % i, run('SoftmaxOutput', [x4, lab], multi_output=True))
lab = rs.randint(-1, 3, (2, 2, 2)).astype(np.float32)
put('multib', run('SoftmaxOutput', [x4, lab], multi_output=True, normalization='batch'))
put('multiv', run('SoftmaxOutput', [x4, lab], multi_output=True, normalization='valid',
                  use_ignore=True))
put('multivn', run('SoftmaxOutput', [x4, lab], multi_output=True, normalization='valid'))
put('multis', run('SoftmaxOutput', [x4, lab], multi_output=True, smooth_alpha=0.3,
                  grad_scale=2, out_grad=True))
put('multip', run('SoftmaxOutput', [x4, rs.rand(2, 3, 2, 2)], multi_output=True,
                  normalization='batch', grad_scale=2.))
put('one_d', run('SoftmaxOutput', [np.array([1., 2, 3]), np.array([1., 2, 3])]))
put('alias', run('Softmax', [x, l], grad_scale=3))
OUT['f64'] = nd.SoftmaxOutput(nd.array(x, dtype='float64'), nd.array(l, dtype='float64'))
OUT['f16'] = str(nd.SoftmaxOutput(nd.array(x, dtype='float16'), nd.array(l, dtype='float16')).dtype)
''', rtol=1e-4, atol=1e-5)


def test_regression_svm_makeloss(compare):
    compare(_RUN + '''
rs = np.random.RandomState(1)
x = rs.randn(3, 4).astype(np.float32)
lab = rs.randn(3, 4).astype(np.float32)
hg = rs.rand(3, 4) * 3
for op in ['LinearRegressionOutput', 'LogisticRegressionOutput', 'MAERegressionOutput']:
    put(op, run(op, [x, lab], hg=hg, grad_scale=2))
    put(op + '_col', run(op, [x[:, :1], lab[:, 0]]))
    put(op + '_1d', run(op, [x[:, 0], lab[:, 0]], grad_scale='0.5'))
    put(op + '_3d', run(op, [rs.randn(2, 3, 4), rs.randn(2, 3, 4)]))
    put(op + '_l3', run(op, [x, lab.reshape(3, 4, 1)]))
    OUT[op + '_f64'] = getattr(nd, op)(nd.array(x, dtype='float64'),
                                       nd.array(lab, dtype='float64'))
OUT['sparse_alias'] = nd.sparse.LinearRegressionOutput(nd.array(x), nd.array(lab))
l1 = np.array([1, 0, 3], np.float32)
put('svm', run('SVMOutput', [x, l1], hg=hg))
put('svm_lin', run('SVMOutput', [x, l1], use_linear=True))
put('svm_mc', run('SVMOutput', [x, l1], margin=2, regularization_coefficient='3'))
put('svm_lin_mc', run('SVMOutput', [x * 3, l1], margin=2, regularization_coefficient=3,
                      use_linear='true'))
put('svm_oob', run('SVMOutput', [x, np.array([1, 5, -1], np.float32)]))
put('svm_3d', run('SVMOutput', [rs.randn(2, 3, 4), np.array([[1, 0, 2], [0, 0, 1]])]))
put('ml', run('MakeLoss', [x], hg=hg))
put('ml_batch', run('MakeLoss', [x], hg=hg, grad_scale=2, normalization='batch'))
put('ml_valid', run('MakeLoss', [x], normalization='valid'))
put('ml_thr', run('MakeLoss', [x], normalization='valid', valid_thresh=0.5))
put('ml_thr_eq', run('MakeLoss', [np.array([[0., 1, 2], [0.5, 0.5, 3]])],
                     normalization='valid', valid_thresh='0.5'))
put('ml_thr_hi', run('MakeLoss', [x], normalization='valid', valid_thresh=50))
put('ml_3d', run('MakeLoss', [rs.randn(2, 3, 4)], normalization='batch'))
put('ml_1d', run('MakeLoss', [x[0]], normalization='batch'))
put('make_loss', run('make_loss', [x], hg=hg))
put('bg', run('BlockGrad', [x], hg=hg))
put('sg', run('stop_gradient', [x], hg=hg))
OUT['bg_int'] = nd.BlockGrad(nd.array([1, 2], dtype='int32'))
OUT['mk_int'] = nd.make_loss(nd.array([1, 2], dtype='int32'))
xx = nd.array([0., 1, 2, 3]); xx.attach_grad()
with autograd.record():
    y = nd.MakeLoss(xx * 2, grad_scale=3) + 0
y.backward()
OUT['ml_chain'] = xx.grad.copy()
with autograd.record():
    y = nd.make_loss(xx * 2)
y.backward(nd.array([5, 5, 5, 5]))
OUT['mkl_chain'] = xx.grad.copy()
with autograd.record():
    y = nd.BlockGrad(xx * 2) + xx
y.backward()
OUT['bg_chain'] = xx.grad.copy()
''', rtol=1e-4, atol=1e-5)


def test_smooth_l1_softmax_ce(compare):
    compare(_RUN + '''
rs = np.random.RandomState(2)
x = rs.randn(3, 4).astype(np.float32) * 2
hg = rs.rand(3, 4)
put('sl1', run('smooth_l1', [x], hg=hg))
put('sl1_s', run('smooth_l1', [x], hg=hg, scalar=0.7))
put('sl1_pos', run('smooth_l1', [x], hg=hg, scalar='2'))
put('sl1_edge', run('smooth_l1', [np.array([-1., -0.5, 0, 0.5, 1, 1 / 0.49, -1 / 0.49])],
                    scalar=0.7))
OUT['sl1_int'] = nd.smooth_l1(nd.array([1, 2, 3, 4], dtype='int32'), scalar=2)
OUT['sl1_f16'] = nd.smooth_l1(nd.array([1, 2, 3, 4], dtype='float16'), 2)
OUT['sl1_f64'] = nd.smooth_l1(nd.array(x, dtype='float64'), scalar=0.3)
OUT['sl1_isint'] = nd.smooth_l1(nd.array([1, 2]), scalar=1, is_int=False)
l = np.array([1, 0, 3], np.float32)
put('sce', run('softmax_cross_entropy', [x, l], label_grad=False))
put('sce_hg', run('softmax_cross_entropy', [x, l], hg=[3.], label_grad=False))
put('sce_frac', run('softmax_cross_entropy', [x, np.array([1.7, 0, 2.2], np.float32)],
                    label_grad=False))
OUT['sce_under'] = nd.softmax_cross_entropy(nd.array([[0., 200.], [1, 2]]), nd.array([0, 1]))
OUT['sce_f64'] = nd.softmax_cross_entropy(nd.array(x, dtype='float64'),
                                          nd.array(l, dtype='float64'))
''', rtol=1e-4, atol=1e-5)


def test_ctc_loss(compare):
    compare(_RUN + '''
rs = np.random.RandomState(0)
x = rs.randn(5, 3, 4).astype(np.float32)
l = np.array([[1, 2, 0], [3, 0, 0], [1, 1, 2]], np.float32)
hg = np.array([1., 2., 3.])
put('first', run('CTCLoss', [x, l], label_grad=False))
put('first_hg', run('CTCLoss', [x, l], hg=hg, label_grad=False))
put('last', run('CTCLoss', [x, np.array([[0, 1, -1], [2, -1, -1], [0, 0, 1]])],
                blank_label='last', label_grad=False))
put('last0', run('CTCLoss', [x, np.array([[0, 1, 0], [2, 0, 0], [0, 0, 1]])],
                 blank_label='last', label_grad=False))
put('zero_mid', run('CTCLoss', [x, np.array([[1, 0, 2], [3, 0, 0], [1, 1, 2]])],
                    label_grad=False))
put('empty', run('CTCLoss', [x, np.array([[0, 0, 0], [1, 0, 0], [0, 0, 0]])],
                 label_grad=False))
put('lens', run('CTCLoss', [x, l, [5, 3, 4], [2, 1, 2]], use_data_lengths=True,
                use_label_lengths=True, label_grad=False))
put('dl', run('CTCLoss', [x, l, [5, 3, 4]], use_data_lengths='True', label_grad=False))
put('dl0', run('CTCLoss', [x, l, [5, 3, 0]], use_data_lengths=True, label_grad=False))
put('alias', run('ctc_loss', [x, l], hg=hg, label_grad=False))
OUT['ll_only'] = nd.CTCLoss(nd.array(x), nd.array([[1, 2, 3], [3, 1, 1], [1, 1, 2]]),
                            label_lengths=nd.array([2, 1, 2]), use_label_lengths=True)
OUT['ll_pos'] = nd.CTCLoss(nd.array(x), nd.array([[1, 2, 3], [3, 1, 1], [1, 1, 2]]),
                           None, nd.array([1, 1, 1]), use_label_lengths=True)
OUT['contrib'] = nd.contrib.CTCLoss(nd.array(x), nd.array(l))
OUT['contrib2'] = nd.contrib.ctc_loss(nd.array(x), nd.array(l), blank_label='first')
OUT['c3'] = nd.CTCLoss(nd.array(x[:, :, :3]), nd.array([[1, 2, 2]] * 3))
OUT['int_label'] = nd.CTCLoss(nd.array(x), nd.array(l, dtype='int32'))
''', rtol=1e-4, atol=1e-5)


def test_sequence_ops(compare):
    compare(_RUN + '''
rs = np.random.RandomState(3)
x = rs.randn(4, 3, 2).astype(np.float32)
sl = np.array([1, 3, 2], np.float32)
hg = rs.rand(4, 3, 2)
put('mask_id', run('SequenceMask', [x], hg=hg))
put('mask', run('SequenceMask', [x, sl], hg=hg, use_sequence_length=True))
put('mask_v', run('SequenceMask', [x, np.array([-1, 1.5, 2.7], np.float32)],
                  use_sequence_length='True', value='-1e9'))
put('mask_ax1', run('SequenceMask', [x.transpose(1, 0, 2), sl], hg=hg.transpose(1, 0, 2),
                    use_sequence_length=True, axis=1, value=2.5))
put('mask_2d', run('SequenceMask', [x[:, :, 0], sl], use_sequence_length=True, value=-1))
put('mask_4d', run('SequenceMask', [rs.randn(3, 2, 2, 2), np.array([1, 5])],
                   use_sequence_length=True, value=9))
OUT['mask_int'] = nd.SequenceMask(nd.array(x * 3, dtype='int32'), nd.array(sl),
                                  use_sequence_length=True, value=2.7)
OUT['mask_slint'] = nd.SequenceMask(nd.array(x), nd.array(sl, dtype='int32'),
                                    use_sequence_length=True)
OUT['mask_f64'] = nd.SequenceMask(nd.array(x, dtype='float64'), nd.array(sl, dtype='float64'),
                                  use_sequence_length=True)
# MXNet 1.9.1 crashes in the backward of SequenceLast without sequence_length
OUT['last_id'] = nd.SequenceLast(nd.array(x))
put('last', run('SequenceLast', [x, sl], hg=hg[0], use_sequence_length=True))
put('last_ax1', run('SequenceLast', [x.transpose(1, 0, 2), sl], hg=hg[0],
                    use_sequence_length=True, axis=1))
OUT['last_ax1_id'] = nd.SequenceLast(nd.array(x.transpose(1, 0, 2)), axis='1')
put('last_2d', run('SequenceLast', [x[:, :, 0], np.array([4, 2.7, 1.2])],
                   use_sequence_length=True))
put('rev_id', run('SequenceReverse', [x], hg=hg))
put('rev', run('SequenceReverse', [x, sl], hg=hg, use_sequence_length=True))
put('rev_2d', run('SequenceReverse', [x[:, :, 0], np.array([0, 1, 4])],
                  use_sequence_length=True))
put('rev_frac', run('SequenceReverse', [x, np.array([1.7, 2.2, 3])], use_sequence_length=True))
OUT['rev_int'] = nd.SequenceReverse(nd.array(x * 3, dtype='int32'), nd.array(sl),
                                    use_sequence_length=True)
OUT['mask_pos'] = nd.SequenceMask(nd.array(x), nd.array(sl), True, 1.0, 0)
OUT['last_pos'] = nd.SequenceLast(nd.array(x.transpose(1, 0, 2)), nd.array(sl), True, 1)
''', rtol=1e-5, atol=1e-6)


def test_kl_sparse_reg(reference):
    # MXNet's nd front end cannot pass the aux state, so the reference runs the executor
    ref = reference('''
rs = np.random.RandomState(0)
x = rs.rand(3, 4).astype(np.float32)
s = mx.sym.IdentityAttachKLSparseReg(mx.sym.var('d'), name='kl')
ex = s.simple_bind(mx.cpu(), d=(3, 4))
ex.arg_dict['d'][:] = x
ex.aux_dict['kl_moving_avg'][:] = 0.5
ex.forward(is_train=True)
OUT['y'] = ex.outputs[0].copy()
OUT['avg_fwd'] = ex.aux_dict['kl_moving_avg'].copy()
ex.backward(nd.ones((3, 4)) * 2)
mx.nd.waitall()  # the aux update is not tracked as a dependency of later reads
OUT['g'] = ex.grad_dict['d'].copy()
OUT['avg'] = ex.aux_dict['kl_moving_avg'].copy()
s = mx.sym.IdentityAttachKLSparseReg(mx.sym.var('d'), name='kl', sparseness_target=0.2,
                                     penalty=0.01, momentum=0.5)
ex = s.simple_bind(mx.cpu(), d=(3, 4))
ex.arg_dict['d'][:] = x
ex.aux_dict['kl_moving_avg'][:] = 0.3
ex.forward(is_train=True)
ex.backward(nd.ones((3, 4)))
mx.nd.waitall()
OUT['g2'] = ex.grad_dict['d'].copy()
OUT['avg2'] = ex.aux_dict['kl_moving_avg'].copy()
OUT['x'] = x
''')
    x = nd.array(ref['x'])
    avg = nd.full((4,), 0.5)
    x.attach_grad()
    with autograd.record():
        y = nd.IdentityAttachKLSparseReg(x, moving_avg=avg)
    np.testing.assert_allclose(y.asnumpy(), ref['y'])
    np.testing.assert_allclose(avg.asnumpy(), ref['avg_fwd'])
    y.backward(nd.ones((3, 4)) * 2)
    np.testing.assert_allclose(x.grad.asnumpy(), ref['g'], rtol=1e-5)
    np.testing.assert_allclose(avg.asnumpy(), ref['avg'], rtol=1e-6)
    avg = nd.full((4,), 0.3)
    with autograd.record():
        y = nd.IdentityAttachKLSparseReg(x, avg, sparseness_target='0.2', penalty=0.01,
                                         momentum=0.5)
    y.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), ref['g2'], rtol=1e-5)
    np.testing.assert_allclose(avg.asnumpy(), ref['avg2'], rtol=1e-6)
    # predict mode: identity, no update
    y = nd.IdentityAttachKLSparseReg(x, avg)
    np.testing.assert_allclose(avg.asnumpy(), ref['avg2'], rtol=1e-6)
    op = mx._ops.get('IdentityAttachKLSparseReg')
    assert op.infer_shape(op.parse_attrs({}), [(3, 4), None]) == [(3, 4), (4,)]
    with pytest.raises(mx.base.MXNetError):
        nd.IdentityAttachKLSparseReg(x, nd.ones((3,)))


# ---------------------------------------------------------------------------------------------
# local checks: finite differences, shape hooks, errors
def test_numeric_gradients():
    rs = np.random.RandomState(5)
    x = rs.randn(3, 4) * 2
    check_numeric_gradient(lambda d: nd.smooth_l1(d, scalar=0.8), [x], dtype=np.float64)
    lab = np.array([1, 0, 3.])
    check_numeric_gradient(lambda d, l: nd.softmax_cross_entropy(d, l), [x, lab],
                           grad_nodes=[0], dtype=np.float64)
    data = rs.randn(6, 2, 4)
    check_numeric_gradient(
        lambda d, l: nd.CTCLoss(d, l, blank_label='last'),
        [data, np.array([[0, 1, -1], [2, 2, 1.]])], grad_nodes=[0], dtype=np.float64)
    check_numeric_gradient(
        lambda d, l, dl: nd.CTCLoss(d, l, dl, use_data_lengths=True),
        [data, np.array([[1, 2, 0], [3, 0, 0.]]), np.array([6, 4.])], grad_nodes=[0],
        dtype=np.float64)
    seq = rs.randn(4, 3, 2)
    sl = np.array([1, 3, 2.])
    for op, kw in [('SequenceMask', {'value': 1.5}), ('SequenceLast', {}),
                   ('SequenceReverse', {})]:
        check_numeric_gradient(
            lambda d, s, op=op, kw=kw: getattr(nd, op)(d, s, use_sequence_length=True, **kw),
            [seq, sl], grad_nodes=[0], dtype=np.float64)
        check_numeric_gradient(lambda d, op=op: getattr(nd, op)(d), [seq], dtype=np.float64)


def _num_grad(f, x, eps=1e-6):
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[i] += eps
        xm[i] -= eps
        g[i] = (f(xp) - f(xm)) / (2 * eps)
    return g


def _grad(op, x, label, **kw):
    d = nd.array(x, dtype='float64')
    d.attach_grad()
    with autograd.record():
        y = getattr(nd, op)(d, nd.array(label, dtype='float64'), **kw)
    y.backward()
    return d.grad.asnumpy()


def test_loss_gradients_match_implied_loss():
    """The output layers' gradients are the derivatives of the losses they stand for."""
    rs = np.random.RandomState(6)
    x = rs.randn(3, 4)
    lab = rs.randn(3, 4)
    m = 4

    def sq(v):
        return 0.5 * ((v - lab) ** 2).sum() / m
    np.testing.assert_allclose(_grad('LinearRegressionOutput', x, lab), _num_grad(sq, x),
                               rtol=1e-5, atol=1e-8)

    def mae(v):
        return np.abs(v - lab).sum() / m
    np.testing.assert_allclose(_grad('MAERegressionOutput', x, lab), _num_grad(mae, x),
                               rtol=1e-5, atol=1e-8)
    p = rs.rand(3, 4)

    def logistic(v):
        s = 1 / (1 + np.exp(-v))
        return -(p * np.log(s) + (1 - p) * np.log(1 - s)).sum() / m
    np.testing.assert_allclose(_grad('LogisticRegressionOutput', x, p), _num_grad(logistic, x),
                               rtol=1e-5, atol=1e-8)
    cls = np.array([1, 0, 3])

    def ce(v):
        e = np.exp(v - v.max(1, keepdims=True))
        sm = e / e.sum(1, keepdims=True)
        return -np.log(sm[np.arange(3), cls]).sum()
    np.testing.assert_allclose(_grad('SoftmaxOutput', x, cls), _num_grad(ce, x),
                               rtol=1e-5, atol=1e-8)

    def svm(v):
        onehot = np.eye(4)[cls].astype(bool)
        loss = np.where(onehot, np.maximum(0, 1 - v) ** 2, np.maximum(0, 1 + v) ** 2)
        return loss.sum()
    np.testing.assert_allclose(_grad('SVMOutput', x, cls), _num_grad(svm, x),
                               rtol=1e-5, atol=1e-6)


def test_shape_hooks_and_inputs():
    get = mx._ops.get
    so = get('SoftmaxOutput')
    assert so.infer_shape(so.parse_attrs({}), [(5, 4), None]) == [(5, 4), (5,)]
    assert so.infer_shape(so.parse_attrs({'multi_output': 'True'}),
                          [(5, 4, 3, 2), None]) == [(5, 4, 3, 2), (5, 6)]
    lro = get('LinearRegressionOutput')
    assert lro.infer_shape(lro.parse_attrs({}), [(5, 1), None])[1] == (5,)
    assert tuple(lro.infer_shape(lro.parse_attrs({}), [(5, 2), None])[1]) == (5, 2)
    svm = get('SVMOutput')
    assert tuple(svm.infer_shape(svm.parse_attrs({}), [(5, 3), None])[1]) == (5,)
    ctc = get('CTCLoss')
    a = ctc.parse_attrs({'use_label_lengths': True})
    assert ctc.list_inputs(a) == ['data', 'label', 'label_lengths']
    assert ctc.list_outputs(a) == ['output0']
    assert ctc.infer_shape(a, [(7, 2, 5), (2, 3), None]) == [(7, 2, 5), (2, 3), (2,)]
    assert get('make_loss').list_outputs(None) == ['loss']
    sm = get('SequenceMask')
    a = sm.parse_attrs({'use_sequence_length': True, 'axis': 1})
    assert sm.list_inputs(a) == ['data', 'sequence_length']
    assert sm.infer_shape(a, [(2, 3, 4), None]) == [(2, 3, 4), (2,)]
    assert sm.list_inputs(sm.parse_attrs({})) == ['data']
    for nm in ('Softmax', 'ctc_loss', '_contrib_CTCLoss', '_contrib_ctc_loss', 'stop_gradient',
               '_sparse_make_loss', '_sparse_stop_gradient', '_sparse_MAERegressionOutput'):
        assert get(nm) is not None
    assert get('make_loss') is not get('MakeLoss')


def test_meta_shapes():
    import torch
    for name, shapes, kw, out in [
            ('SoftmaxOutput', [(3, 4), (3,)], {}, (3, 4)),
            ('SequenceMask', [(4, 3, 2), (3,)], {'use_sequence_length': True}, (4, 3, 2)),
            ('SequenceLast', [(4, 3, 2), (3,)], {'use_sequence_length': True}, (3, 2)),
            ('SequenceReverse', [(4, 3, 2), (3,)], {'use_sequence_length': True}, (4, 3, 2)),
            ('CTCLoss', [(5, 3, 4), (3, 2)], {}, (3,)),
            ('softmax_cross_entropy', [(3, 4), (3,)], {}, (1,))]:
        op = mx._ops.get(name)
        ts = [torch.empty(s, device='meta') for s in shapes]
        assert tuple(op.compute(op.parse_attrs(kw), ts).shape) == out, name


def test_label_grad_is_zero():
    x = nd.array(np.random.RandomState(0).randn(3, 4))
    lab = nd.array([1, 2, 3])
    lab.attach_grad()
    x.attach_grad()
    with autograd.record():
        y = nd.SoftmaxOutput(x, lab)
    y.backward()
    assert (lab.grad.asnumpy() == 0).all()


def _raises(f):
    with pytest.raises(mx.base.MXNetError):
        f()


def test_errors():
    x = nd.array(np.random.RandomState(0).randn(3, 4))
    lab = nd.array([1, 0, 3])
    _raises(lambda: nd.SoftmaxOutput(x, nd.array([1, 0])))
    _raises(lambda: nd.SoftmaxOutput(x, nd.array([[1, 0, 3]])))
    _raises(lambda: nd.SoftmaxOutput(x, nd.array([1, 0, 3], dtype='int32')))
    _raises(lambda: nd.SoftmaxOutput(nd.array([[1, 2]], dtype='int32'),
                                     nd.array([1], dtype='int32')))
    _raises(lambda: nd.SoftmaxOutput(x, lab, normalization='foo'))
    _raises(lambda: nd.SoftmaxOutput(nd.ones((2, 3, 4)), nd.ones((8,)), multi_output=True))
    _raises(lambda: nd.SoftmaxOutput(nd.array([1., 2]), nd.array([1.])))
    for op in ('LinearRegressionOutput', 'LogisticRegressionOutput', 'MAERegressionOutput'):
        _raises(lambda op=op: getattr(nd, op)(x, nd.ones((3,))))
        _raises(lambda op=op: getattr(nd, op)(x, nd.ones((12,))))
        _raises(lambda op=op: getattr(nd, op)(x, nd.ones((3, 4), dtype='int32')))
        _raises(lambda op=op: getattr(nd, op)(nd.ones((2,), dtype='int32'),
                                              nd.ones((2,), dtype='int32')))
    _raises(lambda: nd.SVMOutput(x, nd.ones((3, 1))))
    _raises(lambda: nd.SVMOutput(x, nd.array([1, 0, 3], dtype='int32')))
    _raises(lambda: nd.SVMOutput(nd.array([1., 2]), nd.array([1.])))
    _raises(lambda: nd.MakeLoss(nd.array([1, 2], dtype='int32')))
    _raises(lambda: nd.MakeLoss(x, normalization='all'))
    _raises(lambda: nd.softmax_cross_entropy(nd.ones((2, 3, 4)), nd.ones((2,))))
    _raises(lambda: nd.softmax_cross_entropy(x, nd.ones((3, 1))))
    _raises(lambda: nd.softmax_cross_entropy(x, nd.ones((2,))))
    _raises(lambda: nd.softmax_cross_entropy(x, nd.array([1, 0, 3], dtype='int32')))
    d = nd.array(np.random.RandomState(1).randn(5, 3, 4))
    lc = nd.array([[1, 2, 0], [3, 0, 0], [1, 1, 2]])
    _raises(lambda: nd.CTCLoss(d[0], lc))
    _raises(lambda: nd.CTCLoss(d, nd.array([1, 2, 3])))
    _raises(lambda: nd.CTCLoss(d, nd.ones((2, 3))))
    _raises(lambda: nd.CTCLoss(d, nd.ones((3, 6))))
    _raises(lambda: nd.CTCLoss(d, lc, use_data_lengths=True))
    _raises(lambda: nd.CTCLoss(d, lc, nd.array([5, 3, 4])))
    _raises(lambda: nd.CTCLoss(d, lc, nd.array([5, 3]), use_data_lengths=True))
    _raises(lambda: nd.CTCLoss(d, lc, nd.array([6, 3, 4]), use_data_lengths=True))
    _raises(lambda: nd.CTCLoss(d, lc, label_lengths=nd.array([1, 4, 1]),
                               use_label_lengths=True))
    _raises(lambda: nd.CTCLoss(d, lc, label_lengths=nd.array([1, -1, 1]),
                               use_label_lengths=True))
    _raises(lambda: nd.CTCLoss(d, nd.array([[1, 5, 0], [1, 0, 0], [1, 0, 0]])))
    _raises(lambda: nd.CTCLoss(d, lc, blank_label='middle'))
    s = nd.ones((4, 3, 2))
    sl = nd.array([1, 2, 3])
    for op in ('SequenceMask', 'SequenceLast', 'SequenceReverse'):
        _raises(lambda op=op: getattr(nd, op)(s, sl))
        _raises(lambda op=op: getattr(nd, op)(s, use_sequence_length=True))
        _raises(lambda op=op: getattr(nd, op)(s, nd.array([1, 2]), use_sequence_length=True))
        _raises(lambda op=op: getattr(nd, op)(nd.ones((4,)), nd.array([1.]),
                                              use_sequence_length=True))
        _raises(lambda op=op: getattr(nd, op)(s, sl, use_sequence_length=True, axis=2))
    _raises(lambda: nd.SequenceReverse(s, sl, use_sequence_length=True, axis=1))
    _raises(lambda: nd.SequenceMask(s, sl, use_sequence_length=True, axis=-1))
