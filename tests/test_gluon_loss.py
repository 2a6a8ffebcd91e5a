"""gluon.loss against MXNet 1.9.1: every loss class on fixed inputs with weight, sample_weight
and batch_axis; outputs and the gradients with respect to the predictions; reprs; errors."""
import numpy as np
import pytest

import mxnet as mx
from mxnet import nd

LOSS_CODE = r'''
from mxnet.gluon import loss as gloss
rng = np.random.RandomState(7)
def A(*s, lo=None):
    return nd.array(rng.randn(*s).astype(np.float32))
pred = A(4, 5); label = A(4, 5); sw = nd.array(rng.rand(4, 1).astype(np.float32))
logits = A(4, 6); cls = nd.array(rng.randint(0, 6, size=(4,)).astype(np.float32))
prob_lbl = nd.softmax(A(4, 6))
bin_lbl = nd.array(rng.randint(0, 2, size=(4, 5)).astype(np.float32))
sgn_lbl = bin_lbl * 2 - 1
probs = nd.sigmoid(A(4, 5))
pos_w = nd.array(rng.rand(5).astype(np.float32) * 3)
cases = [
  ('l2', gloss.L2Loss(), [pred, label]),
  ('l2_w', gloss.L2Loss(weight=2.5), [pred, label, sw]),
  ('l2_b1', gloss.L2Loss(batch_axis=1), [pred, label]),
  ('l1', gloss.L1Loss(), [pred, label]),
  ('l1_w', gloss.L1Loss(weight=0.3), [pred, label, sw]),
  ('bce', gloss.SigmoidBinaryCrossEntropyLoss(), [pred, bin_lbl]),
  ('bce_sw', gloss.SigmoidBCELoss(weight=1.5), [pred, bin_lbl, sw]),
  ('bce_pos', gloss.SigmoidBCELoss(), [pred, bin_lbl, None, pos_w]),
  ('bce_sig', gloss.SigmoidBCELoss(from_sigmoid=True), [probs, bin_lbl]),
  ('bce_sig_pos', gloss.SigmoidBCELoss(from_sigmoid=True), [probs, bin_lbl, sw, pos_w]),
  ('sce', gloss.SoftmaxCrossEntropyLoss(), [logits, cls]),
  ('sce_sw', gloss.SoftmaxCELoss(weight=0.7), [logits, cls, sw]),
  ('sce_dense', gloss.SoftmaxCELoss(sparse_label=False), [logits, prob_lbl]),
  ('sce_logits', gloss.SoftmaxCELoss(from_logits=True), [nd.log_softmax(logits), cls]),
  ('sce_axis', gloss.SoftmaxCELoss(axis=1, batch_axis=0), [A(3, 4, 2), nd.array([[0, 3], [1, 1], [2, 0]])]),
  ('sce_axis0', gloss.SoftmaxCELoss(axis=0, batch_axis=1, sparse_label=False), [A(4, 3), nd.softmax(A(4, 3), axis=0)]),
  ('kl', gloss.KLDivLoss(), [nd.log_softmax(logits), prob_lbl]),
  ('kl_nl', gloss.KLDivLoss(from_logits=False, weight=2.0), [logits, prob_lbl, sw]),
  ('kl_axis', gloss.KLDivLoss(from_logits=False, axis=0), [logits, nd.softmax(A(4, 6), axis=0)]),
  ('huber', gloss.HuberLoss(), [pred, label]),
  ('huber_rho', gloss.HuberLoss(rho=0.5, weight=3.0), [pred, label, sw]),
  ('hinge', gloss.HingeLoss(), [pred, sgn_lbl]),
  ('hinge_m', gloss.HingeLoss(margin=2, weight=0.5), [pred, sgn_lbl, sw]),
  ('sqhinge', gloss.SquaredHingeLoss(), [pred, sgn_lbl]),
  ('sqhinge_m', gloss.SquaredHingeLoss(margin=0.5), [pred, sgn_lbl, sw]),
  ('logistic', gloss.LogisticLoss(), [pred, sgn_lbl]),
  ('logistic_bin', gloss.LogisticLoss(label_format='binary', weight=2.0), [pred, bin_lbl, sw]),
  ('triplet', gloss.TripletLoss(), [pred, label, A(4, 5)]),
  ('triplet_m', gloss.TripletLoss(margin=3, weight=0.5), [pred, label, A(4, 5)]),
  ('poisson', gloss.PoissonNLLLoss(), [pred * 0.3, nd.abs(label) * 3]),
  ('poisson_nl', gloss.PoissonNLLLoss(from_logits=False, weight=2.0), [probs * 4, nd.round(nd.abs(label) * 3), sw]),
  ('cosine', gloss.CosineEmbeddingLoss(), [pred, label, nd.array([1, -1, 1, -1])]),
  ('cosine_m', gloss.CosineEmbeddingLoss(margin=0.2, weight=2.0), [pred, label, nd.array([-1, -1, 1, -1]), sw]),
  ('l2_3d', gloss.L2Loss(), [A(2, 3, 4), A(2, 12)]),
  ('l1_b1', gloss.L1Loss(batch_axis=1), [A(3, 4, 2), A(3, 4, 2), nd.array(rng.rand(1, 4, 1))]),
]
for key, L, args in cases:
    x = args[0].copy(); x.attach_grad()
    with autograd.record():
        out = L(x, *args[1:])
    out.backward()
    OUT[key] = out
    OUT[key + '_grad'] = x.grad
    OUT[key + '_repr'] = repr(L)
# CTC: pred (N, T, C) / (T, N, C), padded labels (-1 / blank removed), lengths
T, N, C = 6, 3, 5
ctc_pred = A(N, T, C)
ctc_lbl = nd.array([[1, 2, 2, -1], [3, 0, -1, -1], [1, 1, 3, 0]])
for key, L, args in [
    ('ctc', gloss.CTCLoss(), [ctc_pred, ctc_lbl]),
    ('ctc_tnc', gloss.CTCLoss(layout='TNC', label_layout='TN', weight=2.0), [ctc_pred.transpose((1, 0, 2)), ctc_lbl.T]),
    ('ctc_len', gloss.CTCLoss(), [ctc_pred, ctc_lbl, nd.array([6, 4, 5]), nd.array([3, 2, 3])]),
    ('ctc_sw', gloss.CTCLoss(), [ctc_pred, ctc_lbl, None, None, nd.array([0.5, 1.0, 2.0])]),
]:
    x = args[0].copy(); x.attach_grad()
    with autograd.record():
        out = L(x, *args[1:])
    out.backward()
    OUT[key] = out
    OUT[key + '_grad'] = x.grad
    OUT[key + '_repr'] = repr(L)
# compute_full uses an in-place op, which MXNet 1.9.1 refuses inside autograd.record()
OUT['poisson_full'] = gloss.PoissonNLLLoss(compute_full=True)(pred * 0.3, nd.round(nd.abs(label) * 3) + 0.5)
OUT['poisson_full_w'] = gloss.PoissonNLLLoss(compute_full=True, from_logits=False)(probs, nd.abs(label) * 3, sw)
# hybridized forward gives the same
L = gloss.SoftmaxCELoss(); L.hybridize()
OUT['sce_hyb'] = L(logits, cls)
L = gloss.L2Loss(); L.hybridize()
OUT['l2_hyb'] = L(pred, label, sw)
errs = {}
for n, f in [('logistic_fmt', lambda: gloss.LogisticLoss(label_format='other')),
             ('ctc_layout', lambda: gloss.CTCLoss(layout='NCT')),
             ('ctc_llayout', lambda: gloss.CTCLoss(label_layout='XY')),
             ('l2_shape', lambda: gloss.L2Loss()(nd.ones((2, 3)), nd.ones((2, 4))).asnumpy())]:
    try:
        f(); errs[n] = 'ok'
    except Exception as e:
        errs[n] = 'err'
OUT['errs'] = errs
'''


SDML_CODE = r'''
from mxnet.gluon import loss as gloss
rng = np.random.RandomState(7)
pred = nd.array(rng.randn(4, 5).astype(np.float32))
label = nd.array(rng.randn(4, 5).astype(np.float32))
for key, L, args in [('sdml', gloss.SDMLLoss(), [pred, label]),
                     ('sdml_s', gloss.SDMLLoss(smoothing_parameter=0.1), [pred, pred + 0.1 * label])]:
    x = args[0].copy(); x.attach_grad()
    with autograd.record():
        out = L(x, *args[1:])
    out.backward()
    OUT[key] = out
    OUT[key + '_grad'] = x.grad
    OUT[key + '_repr'] = repr(L)
'''


def test_losses_match_reference(compare):
    compare(LOSS_CODE, rtol=1e-5, atol=1e-6)


def test_sdml_matches_reference(compare):
    # pairwise squared distances cancel in float32: gradients agree to ~1e-5 absolute
    compare(SDML_CODE, rtol=1e-5, atol=5e-5)


def test_bad_inputs():
    from mxnet.gluon import loss as gloss
    with pytest.raises(ValueError):    # MXNet's NDArray.reshape refuses a smaller target
        gloss.L2Loss()(nd.ones((2, 3)), nd.ones((2, 4)))
    with pytest.raises(mx.MXNetError):
        gloss.L2Loss()(nd.ones((2, 3)), nd.ones((2, 2)))
    with pytest.raises(mx.MXNetError):
        gloss.LogisticLoss(label_format='other')
    with pytest.raises(mx.MXNetError):
        gloss.CTCLoss(layout='CNT')
    with pytest.raises(mx.MXNetError):
        gloss.SDMLLoss()(nd.ones((2, 3)), nd.ones((3, 3)))


def test_symbolic_loss_with_sample_weight_through_module():
    """A Gluon loss on Symbols with a sample-weight label, trained by Module from an NDArrayIter
    whose label arrays are longer than the data (MXNet counts examples by the data and slices
    the labels)."""
    it = mx.io.NDArrayIter(nd.ones((4, 3)), {'label': nd.arange(8), 'w': nd.arange(8) * 2},
                           batch_size=2)
    got = [[l.asnumpy().tolist() for l in b.label] for b in it]
    assert got == [[[0, 1], [0, 2]], [[2, 3], [4, 6]]]
    data = mx.sym.var('data')
    out = mx.sym.FullyConnected(data, num_hidden=3, name='fc')
    loss = mx.gluon.loss.SoftmaxCrossEntropyLoss()(out, mx.sym.var('label'), mx.sym.var('w'))
    mod = mx.mod.Module(mx.sym.make_loss(loss), data_names=('data',), label_names=('label', 'w'))
    x = nd.array(np.random.RandomState(0).uniform(-1, 1, (4, 3)))
    it = mx.io.NDArrayIter(x, {'label': nd.array([0, 1, 2, 0, 1, 2, 0, 1]),
                               'w': nd.array([1, 1, 1, 1, 0, 0, 0, 0])}, batch_size=4)
    mod.fit(it, num_epoch=1, optimizer='sgd', optimizer_params={'learning_rate': 0.1},
            eval_metric=mx.metric.Loss())
    it.reset()
    assert np.isfinite(mod.score(it, mx.metric.Loss())[0][1])


def test_cosine_embedding_loss_formula():
    rs = np.random.RandomState(3)
    a, b = nd.array(rs.randn(3, 2)), nd.array(rs.randn(3, 2))
    label = nd.array([1, -1, 1])
    loss = mx.gluon.loss.CosineEmbeddingLoss()(a, b, label)
    cos = nd.sum(a * b, axis=1, keepdims=True) / (
        nd.sqrt(nd.sum(a ** 2, axis=1, keepdims=True)) * nd.sqrt(nd.sum(b ** 2, axis=1,
                                                                        keepdims=True)))
    # an operator without parameters ignores unknown keywords (axis=1 here), as in MXNet
    want = nd.where(label == 1, 1 - cos, nd.broadcast_maximum(nd.array([0]), cos, axis=1))
    np.testing.assert_allclose(loss.asnumpy().ravel(), want.asnumpy().ravel(), rtol=1e-5,
                               atol=1e-6)
