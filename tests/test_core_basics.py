import numpy as np
import pytest

import mxnet as mx
from mxnet import nd, autograd


def test_version_and_context():
    assert mx.__version__ == '1.9.1'
    assert mx.cpu() == mx.cpu(0)
    assert mx.cpu() != mx.gpu(0)
    assert str(mx.gpu(1)) == 'gpu(1)'
    assert mx.current_context() == mx.cpu()
    with mx.Context('cpu', 1):
        assert mx.current_context() == mx.cpu(1)
    assert mx.current_context() == mx.cpu()
    assert isinstance(mx.context.num_gpus(), int)


def test_gpu_missing_raises():
    if mx.context.num_gpus() > 0:
        pytest.skip('machine has a GPU')
    with pytest.raises(mx.MXNetError):
        nd.zeros((2,), ctx=mx.gpu(0))


def test_repr_exact():
    x = nd.array([[1, 2], [3, 4]])
    assert repr(x) == '\n[[1. 2.]\n [3. 4.]]\n<NDArray 2x2 @cpu(0)>'


def test_fast_arith_scalars_and_dtypes():
    a = nd.array([1, 2], dtype='int32')
    assert (a + 1.5).asnumpy().tolist() == [2, 3]
    assert (a * 1.5).asnumpy().tolist() == [1, 2]
    assert (nd.array([-3, 3], dtype='int32') / 2).asnumpy().tolist() == [-1, 1]
    assert (nd.array([-3., 3.]) % 2).asnumpy().tolist() == [1., 1.]
    assert (a > 1).dtype == np.int32
    with pytest.raises(mx.MXNetError):
        nd.array([1, 2]) + nd.array([1, 2, 3])
    with pytest.raises(mx.MXNetError):
        nd.array([1, 2]) + a
    assert (1 - nd.array([1., 2.])).asnumpy().tolist() == [0., -1.]
    assert (2 / nd.array([1., 4.])).asnumpy().tolist() == [2., 0.5]


def test_autograd_write_add():
    x = nd.ones((2,))
    x.attach_grad()
    with autograd.record():
        z = nd.elemwise_add(x * x * 3, x)
    z.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), [7, 7])
    g = x.grad
    with autograd.record():
        z = x * x
    z.backward()
    assert x.grad is g
    np.testing.assert_allclose(g.asnumpy(), [2, 2])
    x.attach_grad('add')
    for _ in range(2):
        with autograd.record():
            z = x * x
        z.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), [4, 4])
    x[:] = 3  # in-place write on a variable outside recording
    assert x.asnumpy().tolist() == [3, 3]


def test_backward_outside_record_raises():
    x = nd.ones((2,))
    x.attach_grad()
    y = x * 2
    with pytest.raises(mx.MXNetError):
        y.backward()
