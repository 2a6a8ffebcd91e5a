"""Distinct CPU contexts: cpu(1) != cpu(0), propagated as MXNet 1.9.1 does, and multi-context
Gluon training on CPU (differential against MXNet 1.9.1)."""
import numpy as np
import pytest

import mxnet as mx
from mxnet import nd, gluon
from mxnet.base import MXNetError


PROPAGATION = '''
c1 = mx.cpu(1); c0 = mx.cpu(0)
a = nd.ones((2, 3), ctx=c1); b = nd.ones((2, 3))
def s(x):
    return str(x.context)
OUT['add'] = [s(a + b), s(b + a), s(a * 2), s(2 * a), s(-a), s(a - b), s(b / a), s(a ** 2)]
OUT['cmp'] = [s(a > b), s(b == a), s(nd.maximum(a, b)), s(nd.maximum(b, a))]
OUT['bc'] = [s(nd.broadcast_add(b, a)), s(nd.dot(b, a.T)), s(nd.dot(a, b.T))]
OUT['creation'] = [s(nd.zeros(2, ctx=c1)), s(nd.array([1, 2], ctx=c1)), s(nd.arange(3, ctx=c1)),
                   s(nd.full(2, 3, ctx=c1)), s(nd.empty(2, ctx=c1)), s(nd.eye(2, ctx=c1)),
                   s(nd.linspace(0, 1, 3, ctx=c1)), s(nd.ones(2, ctx='cpu(1)' and c1))]
OUT['rand'] = [s(nd.random.uniform(shape=2, ctx=c1)), s(nd.random.normal(shape=(2,), ctx=c1)),
               s(nd.random.randint(0, 3, shape=2, ctx=c1)), s(nd.random.uniform(a, a + 1))]
OUT['copy'] = [s(a.copy()), s(a.copyto(c0)), s(b.copyto(c1)), s(a.as_in_context(c0)),
               s(b.as_in_context(c1)), a.as_in_context(c1) is a, s(nd.array(a)),
               s(nd.array(a, ctx=c0))]
OUT['like'] = [s(nd.zeros_like(a)), s(nd.ones_like(a)), s(a.zeros_like()), s(a.ones_like())]
OUT['idx'] = [s(a[0]), s(a[1:]), s(a[:, 1]), s(a[[0, 1]]), s(a.reshape(3, 2)), s(a.T),
              s(a.astype('int32')), s(a.detach())]
OUT['fluent'] = [s(a.sum()), s(a.exp()), s(a.flatten()), s(a.norm()), s(nd.sort(a)),
                 s(nd.topk(a)), s(nd.mean(a))]
OUT['multi'] = [s(nd.concat(b, a, dim=0)), s(nd.concat(a, b, dim=0)), s(nd.stack(b, a)),
                s(nd.add_n(a, b)), s(nd.where(b, a, b))] + [s(p) for p in nd.split(a, 3, axis=1)]
x = a.copy(); x += b; y = a.copy(); y[:] = b
o = nd.zeros((2, 3)); nd.elemwise_add(a, a, out=o)
OUT['inplace'] = [s(x), s(y), s(o)]
v = a.copy(); v.attach_grad()
with autograd.record():
    z = (v * v).sum()
z.backward()
with autograd.record():
    z2 = (v * v).sum()
g = autograd.grad(z2, [v])
OUT['grad'] = [s(v.grad), s(z), s(g[0])]
OUT['grad_val'] = v.grad
OUT['repr'] = repr(a)
p = nd.ones((2, 3), ctx=mx.cpu_pinned(1))
q = p.copy(); q += 1
OUT['pinned'] = [s(p), s(p + 1), s(p.copy()), s(p[0]), s(p[0:1]), s(p.reshape(3, 2)),
                 s(nd.zeros_like(p)), s(p.astype('int32')), s(p.T), s(p.sum()), s(q)]
with mx.cpu(2):
    OUT['with'] = [s(nd.ones(2)), s(nd.array([1])), s(nd.random.uniform(shape=2)),
                   s(nd.zeros((1,)) + a[0:1])]
OUT['eq'] = [c1 == mx.cpu(1), c1 != c0, hash(c1) == hash(mx.cpu(1)), c1 == mx.cpu_pinned(1),
             str(mx.cpu_pinned(1))]
OUT['val'] = a + b
import pickle
OUT['pickle'] = s(pickle.loads(pickle.dumps(a)))
nd.save('ctx_test.nd', [a, b, p])
OUT['saved'] = np.frombuffer(open('ctx_test.nd', 'rb').read(), dtype=np.uint8).astype(np.int64)
OUT['loaded'] = [s(t) for t in nd.load('ctx_test.nd')]
'''


def test_context_propagation(compare, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    compare(PROPAGATION)


TRAIN = '''
from mxnet import gluon
ctxs = [mx.cpu(0), mx.cpu(1)]
rs = np.random.RandomState(0)
net = gluon.nn.Dense(3, in_units=4)
net.initialize(ctx=ctxs)
net.weight.set_data(nd.array(rs.randn(3, 4)))
net.bias.set_data(nd.array(rs.randn(3)))
OUT['list_ctx'] = str(net.weight.list_ctx())
OUT['data_ctx'] = [str(d.context) for d in net.weight.list_data()]
OUT['grad_ctx'] = [str(net.weight.grad(c).context) for c in ctxs]
OUT['keys'] = list(net.collect_params().keys())
tr = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.1, 'momentum': 0.9})
X = rs.randn(8, 4).astype('f'); Y = rs.randn(8, 3).astype('f')
loss = gluon.loss.L2Loss()
for step in range(3):
    xs = gluon.utils.split_and_load(nd.array(X), ctxs)
    ys = gluon.utils.split_and_load(Y, ctxs)
    OUT['split_ctx%d' % step] = [str(x.context) for x in xs + ys]
    with autograd.record():
        ls = [loss(net(x), y) for x, y in zip(xs, ys)]
    for l in ls:
        l.backward()
    OUT['grad1_%d' % step] = net.weight.grad(mx.cpu(1))
    tr.step(8)
    for i, c in enumerate(ctxs):
        OUT['w%d_%d' % (step, i)] = net.weight.data(c)
        OUT['b%d_%d' % (step, i)] = net.bias.data(c)
for what in ('data', 'grad'):
    try:
        getattr(net.weight, what)(mx.cpu(2))
        OUT['err_' + what] = 'no error'
    except RuntimeError as e:
        OUT['err_' + what] = str(e)
# no kvstore: replicas updated one by one
net2 = gluon.nn.Dense(2, in_units=3)
net2.initialize(ctx=ctxs)
net2.weight.set_data(nd.array(rs.randn(2, 3))); net2.bias.set_data(nd.zeros(2))
tr2 = gluon.Trainer(net2.collect_params(), 'adam', {'learning_rate': 0.01}, kvstore=None)
X2 = nd.array(rs.randn(4, 3))
for step in range(2):
    with autograd.record():
        ls = [net2(x).sum() for x in gluon.utils.split_and_load(X2, ctxs)]
    autograd.backward(ls)
    tr2.step(4)
OUT['w2_0'] = net2.weight.data(mx.cpu(0)); OUT['w2_1'] = net2.weight.data(mx.cpu(1))
net.collect_params().reset_ctx(mx.cpu(1))
OUT['reset'] = [str(net.weight.list_ctx()), str(net.weight.data().context),
                str(net.weight.grad().context)]
OUT['reset_val'] = net.weight.data()
'''


def test_multi_context_training(compare):
    compare(TRAIN, rtol=1e-5, atol=1e-6)


def test_local_errors_and_identity():
    a = nd.ones(2, ctx=mx.cpu(1))
    assert a.context == mx.cpu(1) and a.context != mx.cpu(0)
    assert (a + 1).context is a.context
    p = gluon.Parameter('w', shape=(2,))
    p.initialize(ctx=[mx.cpu(0), mx.cpu(1)])
    assert p.data(mx.cpu(1)).context == mx.cpu(1)
    assert p.data(mx.cpu(0)) is not p.data(mx.cpu(1))
    with pytest.raises(MXNetError, match='was not initialized on context cpu\\(2\\)'):
        p.data(mx.cpu(2))
    with pytest.raises(MXNetError, match='was not initialized on context cpu\\(2\\)'):
        p.grad(mx.cpu(2))
    # writing into a cpu(1) replica leaves cpu(0) untouched
    p.data(mx.cpu(1))[:] = 5
    assert p.data(mx.cpu(0)).asnumpy().tolist() != [5, 5]
    parts = gluon.utils.split_and_load(np.arange(4), [mx.cpu(0), mx.cpu(1)])
    assert [x.context for x in parts] == [mx.cpu(0), mx.cpu(1)]
    assert parts[1].asnumpy().tolist() == [2, 3]
