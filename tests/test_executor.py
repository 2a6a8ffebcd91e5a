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
    # MXNet 1.9.1: a variable input is shown under its own name, then as NODE_INPUT
    assert seen[:11] == ['data', 'fc_data', 'fc_weight', 'fc_weight', 'fc_bias', 'fc_bias',
                         'fc_output', 'sm_data', 'sm_label', 'sm_label', 'sm_output']
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
    ex.backward()  # no forward yet: MXNet back-propagates from its (zero) buffers
    assert float(ex.grad_dict['fc_bias'].abs().sum().asscalar()) > 0
    ex.arg_dict['data'][:] = 1
    ex.arg_dict['fc_weight'][:] = 0.1
    ex.forward(is_train=False)  # MXNet allows backward after a predict-mode forward
    ex.backward()
    assert any(float(g.abs().sum().asscalar()) > 0 for g in ex.grad_arrays if g is not None)
    with pytest.raises(MXNetError):
        _mlp().simple_bind(mx.cpu(), stype_dict={'data': 'csr'}, data=(2, 3))


def test_reshape_shares_outputs_and_group2ctx():
    x = S.Variable('x')
    y = S.FullyConnected(x, num_hidden=4)
    exe = y.simple_bind(mx.cpu(), x=(5, 4), grad_req='null')
    exe.arg_arrays[0][:] = 1
    exe.arg_arrays[1][:] = 1
    exe.arg_arrays[2][:] = 0
    small = exe.reshape(x=(3, 4))
    small.forward()
    assert (exe.outputs[0].asnumpy()[:3] == 4).all()     # one memory, as in MXNet
    assert (exe.outputs[0].asnumpy()[3:] == 0).all()
    with mx.AttrScope(ctx_group='a'):
        d = S.Variable('data')
        h = S.FullyConnected(d, num_hidden=3, name='fc1')
    with mx.AttrScope(ctx_group='b'):
        out = S.SoftmaxOutput(S.BatchNorm(h, name='bn'), name='sm')
    g2c = {'a': mx.cpu(1), 'b': mx.cpu(2)}
    e = out.simple_bind(mx.cpu(0), group2ctx=g2c, data=(2, 5))
    got = {n: a.context for n, a in e.arg_dict.items()}
    assert got == {'data': mx.cpu(1), 'fc1_weight': mx.cpu(1), 'fc1_bias': mx.cpu(1),
                   'bn_gamma': mx.cpu(2), 'bn_beta': mx.cpu(2), 'sm_label': mx.cpu(2)}
    assert [a.context for a in e.aux_arrays] == [mx.cpu(2)] * 2
    assert [g.context for g in e.grad_arrays] == list(got.values())
    e.forward(is_train=True)
    e.backward()
    assert e.outputs[0].context == mx.cpu(2)
    assert e.outputs[0].shape == (2, 3)


def test_integer_inputs_with_gradients():
    a = S.Variable('a')
    e = (a * 2).bind(mx.cpu(), args={'a': mx.nd.array([1, 2], dtype='int32')},
                     args_grad={'a': mx.nd.ones(2, dtype='int32')})
    assert e.forward(is_train=True)[0].asnumpy().tolist() == [2, 4]
    e.backward([mx.nd.ones(2, dtype='int32')])   # torch has no integer gradients: zeros


def test_non_differentiable_ops_and_memory_plan():
    x, idx = S.Variable('x'), S.Variable('idx')
    y = S.batch_take(x, idx)
    kw = dict(x=(10, 10), idx=(10,), type_dict={'x': np.float32, 'idx': np.int32})
    e = S.stop_gradient(y).simple_bind(mx.cpu(), **kw)    # nothing flows through batch_take
    e.forward()
    e.backward()
    with pytest.raises(RuntimeError, match='batch_take is non-differentiable'):
        y.simple_bind(mx.cpu(), **kw)
    y.simple_bind(mx.cpu(), grad_req='null', **kw)
    with pytest.raises(MXNetError, match='non-differentiable'):
        y.bind(mx.cpu(), args={'x': mx.nd.zeros((10, 10)), 'idx': mx.nd.zeros(10, dtype='int32')},
               args_grad={'x': mx.nd.zeros((10, 10))})
    import re
    data = S.Variable('data')
    for _ in range(10):
        data = data * data

    def mb(sym, **kw):
        exe = sym.simple_bind(mx.cpu(), data=(10, 3, 256, 256), **kw)
        return int(re.search(r'Total (\d+) MB allocated', exe.debug_str()).group(1))
    # MXNet 1.9.1's numbers: forward outputs kept for backward plus two gradient buffers;
    # without backward two buffers in turn
    assert mb(data) == 90
    assert mb(data, grad_req='null') == 15
    assert mb(S.stop_gradient(data)) == 15


def test_optimized_symbol_cse(monkeypatch):
    a, b = S.Variable('a'), S.Variable('b')

    def saved(sym, **shapes):
        monkeypatch.setenv('MXNET_ELIMINATE_COMMON_EXPR', '0')
        orig = sym.simple_bind(mx.cpu(), **shapes)
        monkeypatch.setenv('MXNET_ELIMINATE_COMMON_EXPR', '1')
        cse = sym.simple_bind(mx.cpu(), **shapes)
        monkeypatch.delenv('MXNET_ELIMINATE_COMMON_EXPR')
        return len(orig.get_optimized_symbol().get_internals()) - \
            len(cse.get_optimized_symbol().get_internals())
    assert saved((a + 1) + (a + 2), a=(2, 2)) == 0
    assert saved((a + b) + (a + b), a=(2, 2), b=(2, 2)) == 1
    d = a + 1
    assert saved(S.Group([a * d, a * d]), a=(2, 2)) == 0       # a _copy isolates the outputs
    assert saved(S.Group([a * d + b, a * d + b]), a=(2, 2), b=(2, 2)) == 1
    assert saved(S.Dropout(a) + S.Dropout(a), a=(2, 2)) == 0
    g = S.Group([a * d, a * d]).simple_bind(mx.cpu(), a=(2, 2)).get_optimized_symbol()
    assert g.list_outputs()[1].endswith('_copy_output')
