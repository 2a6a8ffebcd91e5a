"""The seed documents' examples (../shared/seeds/), run as written, against MXNet 1.9.1.

Each snippet is the tutorial's code verbatim except where the tutorial says `mx.gpu(0)` or draws
random numbers: random inputs are replaced by fixed arrays so both implementations see the same
data. The printed reprs are compared too, since tutorials show them.
"""
import numpy as np

# seed 001: autograd.Function sigmoid, autograd.grad with create_graph
FUNCTION_SIGMOID = '''
class sigmoid(mx.autograd.Function):
    def forward(self, x):
        y = 1 / (1 + mx.nd.exp(-x))
        self.save_for_backward(y)
        return y

    def backward(self, dy):
        y, = self.saved_tensors
        return dy * y * (1-y)

func = sigmoid()
x = mx.nd.array(np.linspace(0.05, 0.95, 10))
x.attach_grad()
with mx.autograd.record():
    m = func(x)
    m.backward()
dx_grad = x.grad.asnumpy()
OUT['dx_grad'] = dx_grad
OUT['m'] = m

x = mx.nd.ones((2,))
x.attach_grad()
with mx.autograd.record():
    z = mx.nd.elemwise_add(mx.nd.exp(x), x)
dx_grad = mx.autograd.grad(z, [x], create_graph=True)
OUT['dz'] = dx_grad[0]
OUT['dz_repr'] = repr(dx_grad)
'''

# seed 004: autograd on dot, Convolution, Pooling, hand-written batch_norm / dropout / sgd
SEED_004 = '''
from mxnet import ndarray as nd
x = nd.arange(4).reshape((4, 1))
x.attach_grad()
with autograd.record():
    y = 2 * nd.dot(x.T, x)
y.backward()
OUT['x_grad'] = x.grad
OUT['x_grad_str'] = str(x.grad)

w = nd.arange(4).reshape((1,1,2,2))
b = nd.array([1])
data = nd.arange(9).reshape((1,1,3,3))
out = nd.Convolution(data, w, b, kernel=w.shape[2:], num_filter=w.shape[1], stride=(2,2), pad=(1,1))
OUT['conv'] = out
OUT['conv_repr'] = repr(out)

data = nd.arange(18).reshape((1,2,3,3))
max_pool = nd.Pooling(data=data, pool_type="max", kernel=(2,2))
avg_pool = nd.Pooling(data=data, pool_type="avg", kernel=(2,2))
OUT['max_pool'] = max_pool
OUT['avg_pool'] = avg_pool
OUT['pool_repr'] = repr(avg_pool)

def relu(X):
    return nd.maximum(X, 0)
OUT['relu'] = relu(nd.array([[-1, 2], [3, -4]]))
OUT['flatten'] = nd.flatten(nd.arange(24).reshape((2, 3, 4)))

def batch_norm(X, gamma, beta, is_training, moving_mean, moving_variance, eps = 1e-5, moving_momentum = 0.9):
    assert len(X.shape) in (2, 4)
    if len(X.shape) == 2:
        mean = X.mean(axis=0)
        variance = ((X - mean)**2).mean(axis=0)
    else:
        mean = X.mean(axis=(0,2,3), keepdims=True)
        variance = ((X - mean)**2).mean(axis=(0,2,3), keepdims=True)
        moving_mean = moving_mean.reshape(mean.shape)
        moving_variance = moving_variance.reshape(mean.shape)
    if is_training:
        X_hat = (X - mean) / nd.sqrt(variance + eps)
        moving_mean[:] = moving_momentum * moving_mean + (1.0 - moving_momentum) * mean
        moving_variance[:] = moving_momentum * moving_variance + (1.0 - moving_momentum) * variance
    else:
        X_hat = (X - moving_mean) / nd.sqrt(moving_variance + eps)
    return gamma.reshape(mean.shape) * X_hat + beta.reshape(mean.shape)

X = nd.array(np.arange(2 * 3 * 2 * 2).reshape(2, 3, 2, 2) % 7)
gamma, beta = nd.array([1., 2., 3.]), nd.array([0., 1., -1.])
mm, mv = nd.zeros((3,)), nd.ones((3,))
OUT['bn_train'] = batch_norm(X, gamma, beta, True, mm, mv)
OUT['bn_mm'] = mm
OUT['bn_test'] = batch_norm(X, gamma, beta, False, mm, mv)
# the same through the BatchNorm operator
mm2, mv2 = nd.zeros((3,)), nd.ones((3,))
with autograd.record():
    OUT['bn_op_train'] = nd.BatchNorm(X, gamma, beta, mm2, mv2, fix_gamma=False, momentum=0.9)
OUT['bn_op_mm'] = mm2
OUT['bn_op_mv'] = mv2
OUT['bn_op_test'] = nd.BatchNorm(X, gamma, beta, mm2, mv2, fix_gamma=False)

def dropout(X, drop_probability):
    keep_probability = 1 - drop_probability
    assert 0 <= keep_probability <= 1
    if keep_probability == 0:
        return X.zeros_like()
    mask = nd.random.uniform(0, 1.0, X.shape, ctx=X.context) < keep_probability
    scale = 1 / keep_probability
    return mask * X * scale
OUT['dropout_all'] = dropout(nd.ones((2, 3)), 1.0)
OUT['dropout_none'] = dropout(nd.ones((2, 3)), 0.0)

def sgd(params, lr, batch_size):
    for param in params:
        param[:] = param - lr * param.grad / batch_size
w = nd.array([[1.], [2.]])
b = nd.zeros(shape=(1,))
params = [w, b]
for param in params:
    param.attach_grad()
def net(X, w, b):
    return nd.dot(X, w) + b
Xb = nd.array([[1., 2.], [3., 4.], [5., 6.]])
yb = nd.array([1., 2., 3.])
with autograd.record():
    l = (net(Xb, w, b) - yb.reshape((3, 1))) ** 2 / 2
l.backward()
sgd(params, 0.03, 3)
OUT['sgd_w'] = w
OUT['sgd_b'] = b
'''


def test_function_and_higher_order_grad(compare):
    ref = compare(FUNCTION_SIGMOID)
    assert abs(float(ref['dz'][0]) - 3.7182817) < 1e-6


def test_seed_004_ndarray_examples(compare):
    compare(SEED_004, rtol=1e-5, atol=1e-5)


def test_seed_save_load(tmp_path):
    from mxnet import nd
    f = str(tmp_path / 'arrs')
    arr1, arr2 = nd.arange(6).reshape((2, 3)), nd.ones((4,), dtype='int32')
    nd.save(f, [arr1, arr2])
    a, b = nd.load(f)
    np.testing.assert_array_equal(a.asnumpy(), arr1.asnumpy())
    assert b.dtype == np.int32 and b.shape == (4,)


# seeds 000/002: the two-layer HybridSequential regression; same initial weights -> same grads
GLUON_TWO_LAYER = '''
from mxnet import autograd
import mxnet as mx
from mxnet.gluon.nn import HybridSequential, Dense
from mxnet.gluon.loss import L2Loss
N_net = HybridSequential()
N_net.add(Dense(units=3))
N_net.add(Dense(units=1))
N_net.initialize()
loss_function = L2Loss()
x = mx.nd.array([[0.5, 0.9]])
y = mx.nd.array([[1.5]])
rng = np.random.RandomState(3)
with autograd.record():
    N_net(x)  # first call completes deferred initialization
for name, p in sorted(N_net.collect_params().items()):
    p.set_data(mx.nd.array(rng.uniform(-0.5, 0.5, p.shape)))
with autograd.record():
    y_hat = N_net(x)
    loss = loss_function(y_hat, y)
loss.backward()
OUT['grad0'] = N_net[0].weight.grad()
OUT['grad1'] = N_net[1].weight.grad()
OUT['bias_grad0'] = N_net[0].bias.grad()
OUT['loss'] = loss
OUT['names'] = sorted(N_net.collect_params().keys())
'''


def test_gluon_two_layer_regression_grads(compare):
    compare(GLUON_TWO_LAYER, rtol=1e-6, atol=1e-6)


# seed 003: the symbolic API, an executor bound by hand, and an MLP trained through it
SEED_003_EXECUTOR = '''
a = mx.sym.Variable("A")
b = mx.sym.Variable("B")
c = (a + b) / 10
d = c + 1
OUT['args'] = d.list_arguments()
OUT['outs'] = d.list_outputs()
OUT['shapes'] = [list(map(list, s)) for s in d.infer_shape(A=(10,), B=(10,))]
input_arguments = {'A': mx.nd.ones((10, ), ctx=mx.cpu()), 'B': mx.nd.ones((10, ), ctx=mx.cpu())}
grad_arguments = {'A': mx.nd.ones((10, ), ctx=mx.cpu()), 'B': mx.nd.ones((10, ), ctx=mx.cpu())}
executor = d.bind(ctx=mx.cpu(), args=input_arguments, args_grad=grad_arguments, grad_req='write')
executor.arg_dict['A'][:] = np.arange(10) / 10.
executor.arg_dict['B'][:] = np.arange(10) / 5.
executor.forward()
OUT['out'] = executor.outputs[0]
executor.backward([mx.nd.ones((10,), ctx=mx.cpu())])
OUT['gA'], OUT['gB'] = executor.grad_arrays

rng = np.random.RandomState(0)
X = rng.rand(64, 20).astype(np.float32)
Y = (X[:, :10].sum(1) > X[:, 10:].sum(1)).astype(np.float32)
data = mx.sym.Variable("data")
label = mx.sym.Variable("softmax_label")
w1 = mx.sym.Variable("weight1")
b1 = mx.sym.Variable("bias1")
l1 = mx.sym.FullyConnected(data=data, num_hidden=16, name="layer1", weight=w1, bias=b1)
a1 = mx.sym.Activation(data=l1, act_type="relu", name="act1")
l2 = mx.sym.FullyConnected(data=a1, num_hidden=2, name="layer2")
cost_classification = mx.sym.SoftmaxOutput(data=l2, label=label)
batch_size = 16
executor = cost_classification.simple_bind(ctx=mx.cpu(), grad_req='write', data=(batch_size, 20),
                                           softmax_label=(batch_size,))
executor_test = cost_classification.bind(ctx=mx.cpu(), grad_req='null', args=executor.arg_arrays)
for r in executor.arg_arrays:
    r[:] = rng.randn(*r.shape) * 0.1
for epoch in range(5):
    for x in range(0, 64, batch_size):
        executor.arg_dict['data'][:] = X[x:x + batch_size]
        executor.arg_dict['softmax_label'][:] = Y[x:x + batch_size]
        executor.forward(is_train=True)
        executor.backward()
        for pname, W, G in zip(cost_classification.list_arguments(), executor.arg_arrays,
                               executor.grad_arrays):
            if pname in ['data', 'softmax_label']:
                continue
            W[:] = W - G * .05
OUT['arg_names'] = cost_classification.list_arguments()
for pname, W in zip(cost_classification.list_arguments(), executor.arg_arrays):
    if pname not in ['data', 'softmax_label']:
        OUT['w_' + pname] = W
executor_test.arg_dict['data'][:] = X[:16]
executor_test.forward()
OUT['pred'] = executor_test.outputs[0]
'''


def test_seed_003_symbol_and_executor(compare):
    compare(SEED_003_EXECUTOR, rtol=1e-4, atol=1e-5)
