"""mx.model: checkpoints both ways with MXNet 1.9.1, and FeedForward (fit / predict / score /
save / load / create) step for step against the reference."""
import numpy as np
import pytest

import mxnet as mx

_NET = '''
import logging
data = mx.sym.Variable("data")
label = mx.sym.Variable("softmax_label")
l1 = mx.sym.FullyConnected(data=data, num_hidden=16, name="layer1")
a1 = mx.sym.Activation(data=l1, act_type="relu", name="act1")
l2 = mx.sym.FullyConnected(data=a1, num_hidden=4, name="layer2")
net = mx.sym.SoftmaxOutput(data=l2, label=label)
rs = np.random.RandomState(0)
X = rs.randn(50, 6).astype('float32')
Y = (X[:, 0] > 0).astype('float32') + 2 * (X[:, 1] > 0)
shapes = dict(layer1_weight=(16, 6), layer1_bias=(16,), layer2_weight=(4, 16), layer2_bias=(4,))
init = {k: mx.nd.array(rs.randn(*s) * 0.3) for k, s in shapes.items()}
class _H(logging.Handler):
    def __init__(self):
        super().__init__(); self.lines = []
    def emit(self, r):
        m = r.getMessage()
        if 'Time cost' not in m:
            self.lines.append(m)
log = logging.getLogger('ffw'); log.setLevel(logging.INFO); h = _H(); log.addHandler(h)
log.propagate = False
'''


def test_feedforward_fit_predict_score(compare):
    compare(_NET + '''
np.random.seed(7)  # numpy-array input: FeedForward shuffles with numpy's global RNG
model = mx.model.FeedForward(net, num_epoch=3, learning_rate=0.5, momentum=0.9,
                             numpy_batch_size=16, arg_params=init)
model.fit(X=X, y=Y, eval_data=(X[:20], Y[:20]), eval_metric='acc', logger=log,
          batch_end_callback=lambda p: OUT.setdefault('nb', []).append(p.nbatch))
for k in sorted(model.arg_params):
    OUT['w_' + k] = model.arg_params[k]
OUT['pred'] = model.predict(X[:37])
OUT['score'] = model.score(mx.io.NDArrayIter(X, Y, 10), eval_metric='acc')
p, d, l = model.predict(mx.io.NDArrayIter(X[:13], Y[:13], 5), return_data=True)
OUT['pred_rd'] = p; OUT['d_rd'] = d; OUT['l_rd'] = l
OUT['pred_nb'] = model.predict(mx.io.NDArrayIter(X, Y, 8), num_batch=2)
OUT['log'] = h.lines
# epoch_size and an Optimizer object; a DataIter as X
it = mx.io.NDArrayIter(X, Y, 10)
m2 = mx.model.FeedForward(net, num_epoch=2, epoch_size=3, arg_params=init,
                          optimizer=mx.optimizer.SGD(learning_rate=0.1, rescale_grad=0.1))
h.lines = []
m2.fit(it, logger=log)
OUT['log2'] = h.lines
OUT['w2'] = m2.arg_params['layer2_weight']
''', rtol=1e-4, atol=1e-5)


def test_checkpoints_both_ways(reference, tmp_path):
    d = str(tmp_path)
    ref = reference(_NET + '''
model = mx.model.FeedForward(net, num_epoch=1, learning_rate=0.1, numpy_batch_size=10,
                             arg_params=init)
np.random.seed(1)
model.fit(X=X, y=Y, logger=log)
model.save(%r + '/ref', 4)
OUT['pred'] = model.predict(X)
m = mx.model.FeedForward.load(%r + '/ours', 2)
OUT['pred_ours'] = m.predict(X)
s, a, x = mx.model.load_checkpoint(%r + '/ours', 2)
OUT['args'] = sorted(a); OUT['aux'] = sorted(x); OUT['sym'] = s.tojson()
''' % (d, d, d)) if _write_ours(d) else None
    m = mx.model.FeedForward.load(d + '/ref', 4)
    X = np.random.RandomState(0).randn(50, 6).astype('float32')
    np.testing.assert_allclose(m.predict(X), ref['pred'], rtol=1e-5, atol=1e-6)
    ours = mx.model.FeedForward.load(d + '/ours', 2)
    np.testing.assert_allclose(ours.predict(X), ref['pred_ours'], rtol=1e-5, atol=1e-6)
    s, a, x = mx.model.load_checkpoint(d + '/ours', 2)
    assert ref['args'] == sorted(a) and ref['aux'] == sorted(x) == ['bn_moving_mean',
                                                                   'bn_moving_var']
    assert mx.sym.load_json(ref['sym']).list_arguments() == s.list_arguments()


def _write_ours(d):
    """A checkpoint written by remx: the _NET with a BatchNorm (aux states) in front."""
    rs = np.random.RandomState(5)
    data = mx.sym.Variable('data')
    bn = mx.sym.BatchNorm(data, name='bn')
    l1 = mx.sym.FullyConnected(data=bn, num_hidden=16, name='layer1')
    a1 = mx.sym.Activation(data=l1, act_type='relu', name='act1')
    l2 = mx.sym.FullyConnected(data=a1, num_hidden=4, name='layer2')
    net = mx.sym.SoftmaxOutput(data=l2, label=mx.sym.Variable('softmax_label'))
    arg_shapes, _, aux_shapes = net.infer_shape(data=(5, 6))
    args = {n: mx.nd.array(rs.randn(*s)) for n, s in zip(net.list_arguments(), arg_shapes)
            if n not in ('data', 'softmax_label')}
    aux = {n: mx.nd.array(rs.rand(*s) + 0.5) for n, s in zip(net.list_auxiliary_states(),
                                                             aux_shapes)}
    mx.model.save_checkpoint(d + '/ours', 2, net, args, aux)
    return True


def test_seed_feedforward_example():
    """The seed's FeedForward example as written, on scikit-learn's digits instead of skdata."""
    import logging
    from sklearn.datasets import load_digits
    digits = load_digits()
    Xall = (digits.data / 16.0).astype('float32')
    yall = digits.target.astype('float32')
    trIdx, teIdx = np.arange(0, 1400), np.arange(1400, len(yall))
    logging.basicConfig(level=logging.INFO)
    logger = logging.getLogger(__name__)
    data = mx.sym.Variable("data")
    label = mx.sym.Variable("softmax_label")
    l1 = mx.sym.FullyConnected(data=data, num_hidden=128, name="layer1")
    a1 = mx.sym.Activation(data=l1, act_type="relu", name="act1")
    l2 = mx.sym.FullyConnected(data=a1, num_hidden=10, name="layer2")
    cost_classification = mx.sym.SoftmaxOutput(data=l2, label=label)
    mx.random.seed(0)
    np.random.seed(0)
    with pytest.warns(DeprecationWarning):
        model = mx.model.FeedForward(symbol=cost_classification, num_epoch=20, ctx=mx.cpu(),
                                     learning_rate=0.1, momentum=0.9)
    model.fit(X=Xall[trIdx], y=yall[trIdx], eval_data=(Xall[teIdx], yall[teIdx]),
              eval_metric="acc", logger=logger)
    acc = model.score(mx.io.NDArrayIter(Xall[teIdx], yall[teIdx], 100))
    assert acc > 0.9, acc


def test_feedforward_errors():
    net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=2),
                               name='softmax')
    m = mx.model.FeedForward(net, num_epoch=1)
    with pytest.raises(ValueError):
        m.fit(np.zeros((4, 3)))  # labels missing
    with pytest.raises(ValueError):
        m.fit(np.zeros((4, 3)), np.zeros(5))
    with pytest.raises(TypeError):
        m.fit([1, 2, 3], np.zeros(3))
    dup = mx.sym.FullyConnected(mx.sym.var('data'), weight=mx.sym.var('w'), num_hidden=2,
                                no_bias=True) + \
        mx.sym.FullyConnected(mx.sym.var('data'), weight=mx.sym.var('w'), num_hidden=2,
                              no_bias=True)
    assert dup.list_arguments() == ['data', 'w', 'data', 'w']  # two nodes of each name
    with pytest.raises(ValueError, match='Find duplicated argument name "data"'):
        mx.model.FeedForward(dup)
    with pytest.raises(mx.base.MXNetError):
        mx.model.load_checkpoint('/nonexistent/prefix', 1)
