"""mx.autograd surface: scopes, grad_req, backward/grad, Function, higher order."""
import numpy as np
import pytest

import mxnet as mx
from mxnet import nd, autograd


def test_scopes_and_flags():
    assert not autograd.is_recording() and not autograd.is_training()
    with autograd.record():
        assert autograd.is_recording() and autograd.is_training()
        with autograd.pause():
            assert not autograd.is_recording() and not autograd.is_training()
        with autograd.predict_mode():
            assert autograd.is_recording() and not autograd.is_training()
    with autograd.record(train_mode=False):
        assert autograd.is_recording() and not autograd.is_training()
    with autograd.train_mode():
        assert autograd.is_training() and not autograd.is_recording()
    prev = autograd.set_recording(True)
    assert prev is False and autograd.is_recording()
    autograd.set_recording(False)
    assert autograd.set_training(True) is False
    autograd.set_training(False)


def test_grad_reqs_and_head_grads():
    x = nd.array([1., 2., 3.])
    x.attach_grad()
    with autograd.record():
        y = x * x
    y.backward(nd.array([1., 10., 100.]))
    np.testing.assert_allclose(x.grad.asnumpy(), [2., 40., 600.])
    x.attach_grad(grad_req='null')
    assert x.grad is None
    a = nd.ones((2,))
    g = nd.zeros((2,))
    autograd.mark_variables([a], [g], grad_reqs='add')
    for _ in range(3):
        with autograd.record():
            z = a * 3
        z.backward()
    assert a.grad is g
    np.testing.assert_allclose(g.asnumpy(), [9., 9.])
    with pytest.raises(mx.MXNetError):
        nd.ones((2,)).attach_grad(grad_req='bogus')


def test_outside_record_is_constant_and_retain_graph():
    x = nd.array([2.])
    x.attach_grad()
    c = x * 3  # not recorded: a constant
    with autograd.record():
        y = c * x
    y.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), [6.])
    with autograd.record():
        y = x * x
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), [4.])
    with autograd.record():
        y = x * x
    y.backward()
    with pytest.raises(mx.MXNetError):
        y.backward()


def test_grad_create_graph_second_order():
    x = nd.array([1., 2.])
    x.attach_grad()
    with autograd.record():
        y = x * x * x
        dy = autograd.grad(y, [x], create_graph=True)[0]
    np.testing.assert_allclose(dy.asnumpy(), [3., 12.])
    np.testing.assert_allclose(x.grad.asnumpy(), [0., 0.])  # grad() leaves x.grad alone
    dy.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), [6., 12.])


def test_grad_multiple_heads_and_variables():
    a = nd.array([1., 2.])
    b = nd.array([3., 4.])
    a.attach_grad()
    b.attach_grad()
    with autograd.record():
        y1 = a * b
        y2 = a + b
    ga, gb = autograd.grad([y1, y2], [a, b])
    np.testing.assert_allclose(ga.asnumpy(), [4., 5.])
    np.testing.assert_allclose(gb.asnumpy(), [2., 3.])
    with autograd.record():
        y = a * 2
    autograd.backward([y], [nd.array([1., 1.])])
    np.testing.assert_allclose(a.grad.asnumpy(), [2., 2.])


def test_function_custom_gradient():
    class Scale(autograd.Function):
        def forward(self, x, y):
            self.save_for_backward(x, y)
            return x * y, x + y

        def backward(self, d1, d2):
            x, y = self.saved_tensors
            return d1 * y * 10 + d2, d1 * x + d2

    x = nd.array([1., 2.])
    y = nd.array([3., 4.])
    x.attach_grad()
    y.attach_grad()
    with autograd.record():
        p, s = Scale()(x, y)
        out = p + s
    out.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), [31., 41.])
    np.testing.assert_allclose(y.grad.asnumpy(), [2., 3.])
    f = Scale()
    f(x, y)
    with pytest.raises(mx.MXNetError):
        f(x, y)


def test_inplace_setitem_on_variable_between_steps():
    w = nd.array([1., 1.])
    w.attach_grad()
    for _ in range(3):
        with autograd.record():
            loss = w * w
        loss.backward()
        w[:] = w - 0.25 * w.grad
    np.testing.assert_allclose(w.asnumpy(), [0.125, 0.125])


def test_backward_through_non_differentiable_op_writes_zeros():
    # MXNet: one_hot/argmax outputs stay in the recorded graph with zero gradient
    x = nd.array([0., 1., 2.])
    x.attach_grad()
    x.grad[:] = 7
    with autograd.record():
        y = nd.one_hot(x, 3)
    y.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), [0., 0., 0.])
    with autograd.record():
        y = x * 2 + nd.argmax(x.reshape((1, 3)), axis=1)
    y.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), [2., 2., 2.])


def test_backward_frees_history_of_every_array_in_the_graph():
    # MXNet clears the whole graph a backward went through: an array computed in it (not only
    # the head) is a constant when a later recording uses it. Values from MXNet 1.9.1.
    w = nd.array([1., 2.])
    w.attach_grad()
    with autograd.record():
        h = w * 2
        loss = (h * 3).sum()
    loss.backward()
    with autograd.record():
        loss = (h * w).sum()
    loss.backward()
    np.testing.assert_array_equal(w.grad.asnumpy(), [2., 4.])   # h constant: not 4w
    with autograd.record():      # no backward in between: still one graph
        h = w * 2
    with autograd.record():
        loss = (h * w).sum()
    loss.backward()
    np.testing.assert_array_equal(w.grad.asnumpy(), [4., 8.])
    with autograd.record():      # a backward through a detached copy leaves `a` alone
        a = w * 2
        b = (a.detach() * w).sum()
    b.backward()
    with autograd.record():
        c = (a * 1).sum()
    c.backward()
    np.testing.assert_array_equal(w.grad.asnumpy(), [2., 2.])
    x = nd.array([[1., 2., 3., 4.]])
    x.attach_grad()
    with autograd.record():      # the sibling output of a node the backward went through
        p, q = nd.split(x * 1, num_outputs=2, axis=1)
        lp = (p * p).sum()
    lp.backward()
    with autograd.record():
        lq = (q * x[:, 2:]).sum()
    lq.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), [[0., 0., 3., 4.]])
    with autograd.record():      # retain_graph keeps the history
        h = w * w
        loss = h.sum()
    loss.backward(retain_graph=True)
    with autograd.record():
        loss = (h * 1).sum()
    loss.backward()
    np.testing.assert_array_equal(w.grad.asnumpy(), [2., 4.])


@pytest.mark.parametrize('cell', ['lstm', 'rnn'])
def test_rnn_loop_with_discarded_detach_trains(cell):
    # 1.x tutorials call `s.detach()` on the states between batches and discard the result;
    # MXNet trains this exactly like detaching the states for real.
    from mxnet import gluon

    def train(discard):
        mx.random.seed(7)
        np.random.seed(7)
        layer = gluon.rnn.LSTM(6, input_size=3) if cell == 'lstm' else \
            gluon.rnn.RNN(6, input_size=3)
        dense = gluon.nn.Dense(1, flatten=False, in_units=6)
        layer.initialize(mx.init.Xavier())
        dense.initialize(mx.init.Xavier())
        params = layer.collect_params()
        params.update(dense.collect_params())
        trainer = gluon.Trainer(params, 'sgd', {'learning_rate': 0.1})
        hidden = layer.begin_state(batch_size=2)
        rs = np.random.RandomState(0)
        losses = []
        for _ in range(4):
            x = nd.array(rs.rand(5, 2, 3))
            y = nd.array(rs.rand(5, 2, 1))
            if discard:
                for s in hidden:
                    s.detach()
            else:
                hidden = [s.detach() for s in hidden]
            with autograd.record():
                out, hidden = layer(x, hidden)
                loss = gluon.loss.L2Loss()(dense(out), y)
            loss.backward()
            trainer.step(2)
            losses.append(loss.mean().asscalar())
        return losses, [p.data().asnumpy() for p in params.values()]

    got_losses, got = train(True)
    want_losses, want = train(False)
    np.testing.assert_allclose(got_losses, want_losses, rtol=1e-6)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6)


def test_fresh_grad_flag_defaults_false_and_tracks_backward():
    x = nd.ones((2, 2))
    y = nd.ones((2, 2))
    assert x._fresh_grad is False
    autograd.mark_variables([x, y], [nd.zeros((2, 2)), nd.zeros((2, 2))])
    assert not x._fresh_grad and not y._fresh_grad
    with autograd.record():
        z = (x + 2).detach() + y
    z.backward()
    assert y._fresh_grad and not x._fresh_grad
    y._fresh_grad = False
    assert y._fresh_grad is False


def test_backward_twice_without_retain_graph_fails():
    x = nd.ones((2, 2))
    dx = nd.zeros((2, 2))
    autograd.mark_variables([x], [dx], grad_reqs='add')
    with autograd.record():
        y = x + 1          # torch saves nothing here, MXNet still clears the graph
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_array_equal(dx.asnumpy(), np.full((2, 2), 2.0))
    with pytest.raises(mx.MXNetError, match='not in a computational graph'):
        y.backward()
    y += 1                 # no longer in a graph: may be written while recording
    with autograd.record():
        y[:] = 0


def test_star_import_gives_ndarray_like_mxnet():
    env = {}
    exec('from mxnet.autograd import *', env)
    assert env['NDArray'] is mx.nd.NDArray and 'record' in env and 'array' in env


def test_relu_gradient_keeps_nan():
    x = nd.array([np.nan, -1, 0, 2])
    x.attach_grad()
    with autograd.record():
        y = nd.relu(x)
    y.backward()
    np.testing.assert_array_equal(y.asnumpy(), [np.nan, 0, 0, 2])
    np.testing.assert_array_equal(x.grad.asnumpy(), [np.nan, 0, 0, 1])


def test_integer_variables_get_integer_gradients(compare):
    # MXNet differentiates integer arrays (gradients in their dtype); remx carries them in
    # torch's graph through float64 proxies
    compare('''
a = nd.arange(0, 10, dtype='int32')
a.attach_grad()
with autograd.record():
    b = (a * 3)[::2]
b.backward()
OUT['slice_mul'] = a.grad.copy()
with autograd.record():
    b = nd.topk(a, k=3, ret_typ='value')
b.backward(nd.array([1, 2, 3], dtype='int32'))
OUT['topk'] = a.grad.copy()
with autograd.record():
    b = (a.astype('float32') * 1.5).sum()
b.backward()
OUT['astype'] = a.grad.copy()
with autograd.record():
    b = a.reshape((2, 5))[1] + a[:5] - nd.ones((5,), dtype='int32')
b.backward()
OUT['reshape'] = a.grad.copy()
with autograd.record():
    b = nd.sum(a * a)
b.backward()
OUT['square'] = a.grad.copy()
x = nd.array([[1, 2], [3, 4]], dtype='int64')
x.attach_grad()
with autograd.record():
    y = x[[0, 1], [1, 0]] * 5
y.backward()
OUT['advanced'] = x.grad
a[:] = 2                    # values written after attach_grad are what the gradient sees
with autograd.record():
    b = a * a
b.backward()
OUT['after_write'] = a.grad
g = nd.zeros((10,), dtype='int32')  # grad_req='add' accumulates in the integer buffer
autograd.mark_variables([a], [g], grad_reqs='add')
for _ in range(3):
    with autograd.record():
        b = nd.contrib.boolean_mask(a, a > 1).sum()
    b.backward()
OUT['add'] = g
''')
    a = nd.arange(0, 4, dtype='int32')
    a.attach_grad()
    with autograd.record():
        b = a * 2
    g, = autograd.grad(b, [a])
    assert g.dtype == np.int32 and (g.asnumpy() == 2).all()
    with pytest.raises(mx.MXNetError, match='Inplace operations'):
        with autograd.record():
            c = nd.zeros((4,), dtype='int32')
            c[1:3] = a[1:3]


def test_contrib_autograd_legacy_api():
    from mxnet.contrib import autograd as cag
    x = nd.array([1.0, 2.0, 3.0])
    assert not autograd.is_recording()
    with cag.train_section():
        assert autograd.is_recording() and autograd.is_training()
        with cag.test_section():
            assert not autograd.is_recording() and not autograd.is_training()
    assert not autograd.is_recording() and not autograd.is_training()
    grads, loss = cag.grad_and_loss(lambda a, b: a * b, argnum=[0])(x, nd.ones((3,)) * 4)
    np.testing.assert_array_equal(grads[0].asnumpy(), [4, 4, 4])
    np.testing.assert_array_equal(loss.asnumpy(), [4, 8, 12])
    dx = nd.zeros((3,))
    cag.mark_variables([x], [dx], grad_reqs='add')
    with cag.train_section():
        y = x * x
    cag.backward([y], [nd.ones((3,))], retain_graph=True)
    cag.compute_gradient([y])
    np.testing.assert_array_equal(dx.asnumpy(), [4, 8, 12])
    with pytest.raises(AssertionError):
        cag.backward(y)


def test_attach_grad_storage_types():
    # the gradient's storage type is the array's unless attach_grad(stype=...) says otherwise
    for array_stype in ('default', 'csr', 'row_sparse'):
        for grad_stype in (None, 'default', 'csr', 'row_sparse'):
            x = nd.zeros((2, 3), stype=array_stype)
            x.attach_grad(stype=grad_stype)
            assert x.grad.stype == (grad_stype or array_stype)
            assert x.detach().stype == array_stype
    w = nd.ones((3, 2))
    w.attach_grad(stype='row_sparse')
    lhs = nd.array([[1, 0, 2], [0, 0, 3]])
    with autograd.record():
        y = nd.dot(lhs, w)
    y.backward()
    assert w.grad.stype == 'row_sparse'
    np.testing.assert_array_equal(w.grad.asnumpy(), lhs.asnumpy().T @ np.ones((2, 2)))
    with pytest.raises(mx.MXNetError):
        nd.ones((2,)).attach_grad(stype='foo')
