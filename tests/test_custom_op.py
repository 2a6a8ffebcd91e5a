"""Custom operators (mx.operator.CustomOp / CustomOpProp / register, mxnet/_ops/custom.py):
imperative with autograd, in Symbols and executors, JSON, hybridized blocks, Module, errors,
and the legacy NumpyOp / NDArrayOp."""
import json

import numpy as np
import pytest

import mxnet as mx
from mxnet import autograd, gluon, nd
from mxnet.base import MXNetError


class _Sqr(mx.operator.CustomOp):
    def forward(self, is_train, req, in_data, out_data, aux):
        aux[0][:] = aux[0] + 1
        self.assign(out_data[0], req[0], in_data[0] * in_data[0])

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        self.assign(in_grad[0], req[0], 2 * in_data[0] * out_grad[0])


@mx.operator.register('test_sqr')
class _SqrProp(mx.operator.CustomOpProp):
    def __init__(self):
        super().__init__(need_top_grad=True)

    def list_auxiliary_states(self):
        return ['count']

    def infer_shape(self, in_shape):
        return in_shape, [in_shape[0]], [in_shape[0]]

    def create_operator(self, ctx, shapes, dtypes):
        return _Sqr()


class _Scale(mx.operator.CustomOp):
    def __init__(self, factor):
        super().__init__()
        self.factor = factor

    def forward(self, is_train, req, in_data, out_data, aux):
        self.assign(out_data[0], req[0], in_data[0] * self.factor + in_data[1])
        self.assign(out_data[1], req[1], in_data[0] * 0 + (1 if is_train else 0))

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        self.assign(in_grad[0], req[0], out_grad[0] * self.factor)
        self.assign(in_grad[1], req[1], out_grad[0])


@mx.operator.register('test_scale')
class _ScaleProp(mx.operator.CustomOpProp):
    def __init__(self, factor='1'):
        super().__init__()
        self.factor = float(factor)   # keyword arguments arrive as strings, as in MXNet

    def list_arguments(self):
        return ['lhs', 'rhs']

    def list_outputs(self):
        return ['out', 'train_flag']

    def create_operator(self, ctx, shapes, dtypes):
        return _Scale(self.factor)


class _Softmax(mx.operator.CustomOp):
    # MXNet's classic custom softmax loss: backward ignores the top gradient
    def forward(self, is_train, req, in_data, out_data, aux):
        x = in_data[0].asnumpy()
        y = np.exp(x - x.max(axis=1, keepdims=True))
        self.assign(out_data[0], req[0], mx.nd.array(y / y.sum(axis=1, keepdims=True)))

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        label = in_data[1].asnumpy().ravel().astype(int)
        y = out_data[0].asnumpy()
        y[np.arange(label.shape[0]), label] -= 1.0
        self.assign(in_grad[0], req[0], mx.nd.array(y))


@mx.operator.register('test_softmax')
class _SoftmaxProp(mx.operator.CustomOpProp):
    def __init__(self):
        super().__init__(need_top_grad=False)

    def list_arguments(self):
        return ['data', 'label']

    def infer_shape(self, in_shape):
        return [in_shape[0], (in_shape[0][0],)], [in_shape[0]], []

    def create_operator(self, ctx, shapes, dtypes):
        return _Softmax()


def test_imperative_forward_backward_and_aux():
    x = nd.array([[1, -2], [3, 0.5]])
    count = nd.zeros((2, 2))
    x.attach_grad()
    with autograd.record():
        y = nd.Custom(x, count, op_type='test_sqr')
    y.backward(nd.ones_like(y) * 3)
    np.testing.assert_allclose(y.asnumpy(), x.asnumpy() ** 2)
    np.testing.assert_allclose(x.grad.asnumpy(), 6 * x.asnumpy())
    assert (count.asnumpy() == 1).all()     # forward updated the auxiliary state in place
    z = nd.Custom(data=x, count=count, op_type='test_sqr')  # inputs by name, not recorded
    np.testing.assert_allclose(z.asnumpy(), x.asnumpy() ** 2)
    assert (count.asnumpy() == 2).all()


def test_parameters_as_strings_two_outputs_and_train_mode():
    a, b = nd.array([1., 2.]), nd.array([10., 20.])
    a.attach_grad()
    b.attach_grad()
    with autograd.record():
        out, flag = nd.Custom(a, b, factor=3, op_type='test_scale')
        (out * 2).backward()
    np.testing.assert_allclose(out.asnumpy(), [13, 26])
    np.testing.assert_allclose(flag.asnumpy(), [1, 1])
    np.testing.assert_allclose(a.grad.asnumpy(), [6, 6])
    np.testing.assert_allclose(b.grad.asnumpy(), [2, 2])
    _, flag = nd.Custom(a, b, factor=3, op_type='test_scale')
    np.testing.assert_allclose(flag.asnumpy(), [0, 0])


def test_symbol_executor_and_json():
    data = mx.sym.Variable('data')
    sym = mx.sym.Custom(data=data, name='sq', op_type='test_sqr')
    assert sym.list_arguments() == ['data']
    assert sym.list_auxiliary_states() == ['sq_count']
    assert sym.list_outputs() == ['sq_output']
    arg, out, aux = sym.infer_shape(data=(2, 3))
    assert arg == [(2, 3)] and out == [(2, 3)] and aux == [(2, 3)]
    node = [n for n in json.loads(sym.tojson())['nodes'] if n['op'] == 'Custom'][0]
    assert node['attrs'] == {'op_type': 'test_sqr'}
    sym2 = mx.sym.load_json(sym.tojson())
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    exe = sym2.simple_bind(mx.cpu(), data=(2, 3))
    exe.arg_dict['data'][:] = x
    exe.forward(is_train=True)
    exe.backward(nd.ones((2, 3)))
    np.testing.assert_allclose(exe.outputs[0].asnumpy(), x ** 2)
    np.testing.assert_allclose(exe.grad_dict['data'].asnumpy(), 2 * x)
    from mxnet.test_utils import check_numeric_gradient
    check_numeric_gradient(sym, [x], [np.zeros((2, 3))])


def test_hybridized_block():
    class Net(gluon.HybridBlock):
        def hybrid_forward(self, F, x, y):
            return F.Custom(x, y, factor=2, op_type='test_scale')[0]
    net = Net()
    net.hybridize()
    x, y = nd.array([1., 2.]), nd.array([3., 4.])
    x.attach_grad()
    with autograd.record():
        out = net(x, y)
    out.backward()
    np.testing.assert_allclose(out.asnumpy(), [5, 8])
    np.testing.assert_allclose(x.grad.asnumpy(), [2, 2])


def test_loss_without_top_grad_in_module():
    # MXNet's custom-softmax example: a Module trains through a need_top_grad=False op
    rng = np.random.RandomState(0)
    X = rng.randn(64, 4).astype(np.float32)
    Y = (X[:, 0] > 0).astype(np.float32)
    data = mx.sym.Variable('data')
    fc = mx.sym.FullyConnected(data, num_hidden=2, name='fc')
    net = mx.sym.Custom(fc, mx.sym.Variable('softmax_label'), op_type='test_softmax',
                        name='softmax')
    it = mx.io.NDArrayIter(X, Y, batch_size=16)
    mod = mx.mod.Module(net, context=mx.cpu())
    mod.fit(it, num_epoch=10, optimizer_params={'learning_rate': 0.5},
            initializer=mx.init.Xavier())
    acc = mod.score(it, 'acc')[0][1]
    assert acc > 0.9


def test_no_inputs():
    class Ones(mx.operator.CustomOp):
        def forward(self, is_train, req, in_data, out_data, aux):
            self.assign(out_data[0], req[0], nd.ones(out_data[0].shape))

    @mx.operator.register('test_ones')
    class OnesProp(mx.operator.CustomOpProp):
        def __init__(self, rows, cols):
            super().__init__()
            self.shape = (int(rows), int(cols))

        def list_arguments(self):
            return []

        def infer_shape(self, in_shape):
            return [], [self.shape], []

        def infer_type(self, in_type):
            return [], [np.float32], []

        def create_operator(self, ctx, shapes, dtypes):
            return Ones()
    x = nd.Custom(rows=2, cols=3, op_type='test_ones')
    assert x.shape == (2, 3) and (x.asnumpy() == 1).all()


def test_errors():
    x = nd.ones((2,))
    with pytest.raises(MXNetError, match='no custom operator registered'):
        nd.Custom(x, op_type='test_never_registered')
    with pytest.raises(MXNetError, match='op_type'):
        nd.Custom(x)

    class Bad(mx.operator.CustomOp):
        def forward(self, is_train, req, in_data, out_data, aux):
            raise ValueError('bad forward here')

    @mx.operator.register('test_bad')
    class BadProp(mx.operator.CustomOpProp):
        def create_operator(self, ctx, shapes, dtypes):
            return Bad()
    with pytest.raises(MXNetError, match='bad forward here'):
        nd.Custom(x, op_type='test_bad').asnumpy()
    with pytest.raises(MXNetError, match='CustomOpProp'):
        mx.operator.register('test_not_a_prop')(object)
    with pytest.raises(MXNetError, match='not an input'):
        nd.Custom(x, other=x, op_type='test_bad')
    with pytest.raises(MXNetError, match='takes 1 inputs'):
        nd.Custom(x, x, op_type='test_bad')


def test_legacy_numpy_and_ndarray_ops():
    class Twice(mx.operator.NumpyOp):
        def forward(self, in_data, out_data):
            out_data[0][:] = in_data[0] * 2

        def backward(self, out_grad, in_data, out_data, in_grad):
            in_grad[0][:] = out_grad[0] * 2

    class Plus1(mx.operator.NDArrayOp):
        def forward(self, in_data, out_data):
            out_data[0][:] = in_data[0] + 1

        def backward(self, out_grad, in_data, out_data, in_grad):
            in_grad[0][:] = out_grad[0]
    with pytest.warns(UserWarning, match='deprecated'):
        twice, plus1 = Twice(), Plus1()
    s = plus1.get_symbol(twice.get_symbol(mx.sym.Variable('x')))
    x = nd.array([1., 2., 3.])
    dx = nd.zeros((3,))
    exe = s.bind(mx.cpu(), args=[x], args_grad={'x': dx})
    exe.forward(is_train=True)
    exe.backward(nd.ones((3,)))
    np.testing.assert_allclose(exe.outputs[0].asnumpy(), [3, 5, 7])
    np.testing.assert_allclose(dx.asnumpy(), [2, 2, 2])


def test_operator_module_surface():
    import mxnet.operator as op
    ns = {}
    exec('from mxnet.operator import *', ns)
    assert {'CustomOp', 'CustomOpProp', 'register', 'get_operator_arguments'} <= set(ns)
    assert 'random' not in ns
    assert 'Custom' in op.get_all_registered_operators()
    assert op.get_operator_arguments('Custom').names[:2] == ['data', 'op_type']
