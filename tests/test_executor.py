"""Symbol.bind / simple_bind and the Executor vs MXNet 1.9.1."""
import numpy as np
import pytest

import mxnet as mx
import mxnet.symbol as S
from mxnet.base import MXNetError

MAIN = '''
import mxnet.symbol as S
rs = np.random.RandomState(0)
# the seed example
a = S.Variable('A'); b = S.Variable('B')
c = (a + b) / 10 + 1
A = nd.array([1., 2.]); B = nd.array([3., 5.])
gA = nd.zeros(2); gB = nd.zeros(2)
e = c.bind(mx.cpu(), args={'A': A, 'B': B}, args_grad={'A': gA, 'B': gB})
o = e.forward(is_train=True)
OUT['seed_out'] = o[0]
OUT['seed_same_out'] = o is e.outputs
OUT['seed_same_arg'] = e.arg_dict['A'] is A and e.grad_arrays[1] is gB
e.backward([nd.ones(2) * 2])
OUT['seed_gA'] = gA; OUT['seed_gB'] = e.grad_dict['B']
OUT['seed_outdict'] = sorted(e.output_dict)
# kwargs in forward, list args, grad_req add / null
e2 = c.bind(mx.cpu(), [nd.array([1., 2.]), nd.array([3., 4.])],
            args_grad=[nd.ones(2), nd.ones(2)], grad_req=['add', 'null'])
for i in range(2):
    e2.forward(is_train=True, A=np.array([5., 6.]))
    e2.backward(nd.array([1., 3.]))
OUT['add_out'] = e2.outputs[0]; OUT['add_gA'] = e2.grad_arrays[0]; OUT['null_gB'] = e2.grad_arrays[1]
e3 = c.bind(mx.cpu(), {'A': A, 'B': B}, args_grad={'A': nd.zeros(2)})
e3.forward(is_train=True); e3.backward(nd.ones(2))
OUT['partial_grads'] = [g is None for g in e3.grad_arrays]
OUT['partial_gA'] = e3.grad_arrays[0]
OUT['nograd'] = c.bind(mx.cpu(), {'A': A, 'B': B}).grad_arrays is None

# MLP on SoftmaxOutput through simple_bind
data = S.Variable('data')
fc1 = S.FullyConnected(data, num_hidden=8, name='fc1')
act = S.Activation(fc1, act_type='relu', name='relu1')
fc2 = S.FullyConnected(act, num_hidden=3, name='fc2')
mlp = S.SoftmaxOutput(fc2, name='softmax')
ex = mlp.simple_bind(mx.cpu(), data=(6, 5))
OUT['mlp_args'] = sorted(ex.arg_dict); OUT['mlp_grad_shapes'] = [list(g.shape) for g in ex.grad_arrays]
OUT['mlp_zero'] = ex.arg_dict['fc1_weight']
for k in sorted(ex.arg_dict):
    if k != 'softmax_label':
        ex.arg_dict[k][:] = rs.randn(*ex.arg_dict[k].shape).astype('float32')
ex.arg_dict['softmax_label'][:] = nd.array([0, 1, 2, 1, 0, 2])
for step in range(3):
    ex.forward(is_train=True)
    ex.backward()
    for k, w in ex.arg_dict.items():
        if k not in ('data', 'softmax_label'):
            w[:] = w - 0.1 * ex.grad_dict[k]
OUT['mlp_out'] = ex.outputs[0]
for k, g in ex.grad_dict.items():
    OUT['mlp_g_' + k] = g
OUT['mlp_pred'] = ex.forward(is_train=False, data=nd.ones((6, 5)))[0]
# simple_bind grad_req as dict and 'null'; type_dict
exn = mlp.simple_bind(mx.cpu(), grad_req='null', data=(2, 5))
OUT['null_grads'] = exn.grad_arrays
exd = mlp.simple_bind(mx.cpu(), grad_req={'fc1_weight': 'write'}, data=(2, 5))
OUT['dict_grads'] = [g is None for g in exd.grad_arrays]
ext = mlp.simple_bind(mx.cpu(), type_dict={'data': 'float64'}, data=(2, 5))
OUT['f64'] = [str(a.dtype) for a in ext.arg_arrays] + [str(ext.outputs[0].dtype)]

# copy_params_from
params = {k: nd.array(rs.randn(*v.shape)) for k, v in ex.arg_dict.items()
          if k not in ('data', 'softmax_label')}
exc = mlp.simple_bind(mx.cpu(), data=(3, 5), grad_req='null')
exc.copy_params_from(params)
OUT['copied'] = exc.arg_dict['fc2_weight']
OUT['copied_out'] = exc.forward(data=nd.array(rs.randn(3, 5)))[0].copy()
try:
    exc.copy_params_from({'nope': nd.ones(1)})
except ValueError as err:
    OUT['extra_err'] = 'ValueError'
exc.copy_params_from({'nope': nd.ones(1)}, allow_extra_params=True)

# reshape
exr = exc.reshape(data=(2, 5), softmax_label=(2,))
OUT['reshape_partial'] = [list(x.shape) for x in exc.reshape(partial_shaping=True, data=(1, 5)).arg_arrays]
OUT['reshape_shapes'] = [list(x.shape) for x in exr.arg_arrays]
OUT['reshape_shared'] = exr.arg_dict['fc1_weight'] is exc.arg_dict['fc1_weight']
OUT['reshape_out'] = exr.forward(data=nd.array(rs.randn(2, 5)))[0]
for kw in ({'data': (8, 5), 'softmax_label': (8,)}, {'data': (1, 5)}):
    try:
        exc.reshape(**kw)
        OUT['reshape_err_%s' % list(kw)[0]] = 'ok'
    except mx.base.MXNetError:
        OUT['reshape_err_%s' % list(kw)[0]] = 'MXNetError'
exu = exc.reshape(allow_up_sizing=True, data=(8, 5), softmax_label=(8,))
OUT['upsized'] = exu.forward(data=nd.ones((8, 5)))[0]

# BatchNorm: moving statistics after a training forward + backward
x = S.Variable('x')
conv = S.Convolution(x, kernel=(3, 3), num_filter=4, pad=(1, 1), name='conv')
bn = S.BatchNorm(conv, fix_gamma=False, momentum=0.8, name='bn')
out = S.mean(S.Activation(bn, act_type='tanh'))
def kind(f):
    try:
        f()
        return 'ok'
    except mx.base.MXNetError:
        return 'MXNetError'
eb = out.simple_bind(mx.cpu(), x=(2, 3, 5, 5))
OUT['bn_aux'] = sorted(eb.aux_dict)
for k in sorted(eb.arg_dict):
    eb.arg_dict[k][:] = rs.randn(*eb.arg_dict[k].shape).astype('float32')
eb.aux_dict['bn_moving_var'][:] = 1
eb.forward(is_train=True)
OUT['bn_mean_fwd_only'] = eb.aux_dict['bn_moving_mean'].copy()
eb.backward(nd.array([2.0]))
OUT['bn_nohead'] = kind(eb.backward)
OUT['bn_out'] = eb.outputs[0]
OUT['bn_mm'] = eb.aux_dict['bn_moving_mean']; OUT['bn_mv'] = eb.aux_dict['bn_moving_var']
for k, g in eb.grad_dict.items():
    OUT['bn_g_' + k] = g
OUT['bn_pred'] = eb.forward(is_train=False)[0]
'''


def test_executor_vs_mxnet(compare):
    compare(MAIN, rtol=1e-4, atol=1e-5)


ERRORS = '''
import mxnet.symbol as S
a = S.Variable('A'); b = S.Variable('B')
c = (a + b) / 10 + 1
def kind(f):
    try:
        f()
        return 'ok'
    except mx.base.MXNetError:
        return 'MXNetError'
    except Exception as e:
        return type(e).__name__
A = nd.ones(2)
OUT['missing'] = kind(lambda: c.bind(mx.cpu(), {'A': A}))
OUT['list_len'] = kind(lambda: c.bind(mx.cpu(), [A]))
OUT['bad_type'] = kind(lambda: c.bind(mx.cpu(), {'A': A, 'B': [1, 2]}))
OUT['bad_ctx'] = kind(lambda: c.bind('cpu', {'A': A, 'B': A}))
OUT['shape'] = kind(lambda: c.bind(mx.cpu(), {'A': A, 'B': nd.ones(3)}))
OUT['grad_len'] = kind(lambda: c.bind(mx.cpu(), {'A': A, 'B': A}, args_grad=[nd.ones(2)]))
OUT['req'] = kind(lambda: c.bind(mx.cpu(), {'A': A, 'B': A}, grad_req='foo'))
OUT['sb_noshape'] = kind(lambda: c.simple_bind(mx.cpu()))
OUT['sb_shape'] = kind(lambda: c.simple_bind(mx.cpu(), A=(2, 3), B=(2, 4)))
OUT['sb_req'] = kind(lambda: c.simple_bind(mx.cpu(), grad_req='foo', A=(2, 3)))
e = c.bind(mx.cpu(), {'A': A, 'B': A})
OUT['fwd_shape'] = kind(lambda: e.forward(A=nd.ones(3)))
OUT['fwd_name'] = kind(lambda: e.forward(C=nd.ones(2)))
OUT['fwd_type'] = kind(lambda: e.forward(A=[1, 2]))
OUT['bwd_type'] = kind(lambda: e.backward([1]))
OUT['bwd_nograd'] = kind(lambda: e.backward())
'''


def test_executor_errors_vs_mxnet(compare):
    compare(ERRORS)


def _mlp():
    data = S.Variable('data')
    fc = S.FullyConnected(data, num_hidden=4, name='fc')
    return S.SoftmaxOutput(fc, name='sm')


def test_monitor_callback_and_debug_str():
    ex = _mlp().simple_bind(mx.cpu(), data=(2, 3))
    seen = []
    ex.set_monitor_callback(lambda name, arr: seen.append((name, arr.shape)))
    ex.forward()
    assert seen == [('fc_output', (2, 4)), ('sm_output', (2, 4))]
    seen.clear()
    ex.set_monitor_callback(lambda name, arr: seen.append(name), monitor_all=True)
    ex.forward(is_train=True)
    ex.backward()
    assert seen == ['fc_data', 'fc_weight', 'fc_bias', 'fc_output', 'sm_data', 'sm_label',
                    'sm_output']
    assert 'Op:FullyConnected, Name=fc' in ex.debug_str()


def test_arrays_persist_and_training_loop():
    rs = np.random.RandomState(1)
    X = rs.randn(60, 3).astype('float32')
    y = (X[:, 0] > 0).astype('float32')
    ex = _mlp().simple_bind(mx.cpu(), data=(20, 3))
    w = ex.arg_dict['fc_weight']
    w[:] = rs.randn(4, 3) * 0.1
    for _ in range(30):
        for i in range(0, 60, 20):
            ex.arg_dict['data'][:] = X[i:i + 20]
            ex.arg_dict['sm_label'][:] = y[i:i + 20]
            ex.forward(is_train=True)
            ex.backward()
            for k in ('fc_weight', 'fc_bias'):
                ex.arg_dict[k][:] -= 0.5 * ex.grad_dict[k]
    assert ex.arg_dict['fc_weight'] is w
    pred = ex.forward(data=mx.nd.array(X[:20]))[0].asnumpy().argmax(1)
    assert (pred == y[:20]).mean() > 0.9


def test_backward_before_forward_and_after_predict_forward_and_stype():
    ex = _mlp().simple_bind(mx.cpu(), data=(2, 3))
    with pytest.raises(MXNetError):
        ex.backward()  # no forward yet
    ex.arg_dict['data'][:] = 1
    ex.arg_dict['fc_weight'][:] = 0.1
    ex.forward(is_train=False)  # MXNet allows backward after a predict-mode forward
    ex.backward()
    assert any(float(g.abs().sum().asscalar()) > 0 for g in ex.grad_arrays if g is not None)
    with pytest.raises(MXNetError):
        _mlp().simple_bind(mx.cpu(), stype_dict={'data': 'csr'}, data=(2, 3))
