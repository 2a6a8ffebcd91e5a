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
