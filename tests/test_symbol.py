"""mx.sym: graph construction, naming, attributes, inference, JSON and eval vs MXNet 1.9.1."""
import json
import os

import numpy as np
import pytest

import mxnet as mx
import mxnet.symbol as S
from mxnet.base import MXNetError

GRAPHS = '''
import json, warnings
import mxnet.symbol as S
def J(s):
    return json.loads(s.tojson())
a = S.Variable('A'); b = S.Variable('B')
seed = (a + b) / 10 + 1
OUT['seed_args'] = seed.list_arguments(); OUT['seed_outs'] = seed.list_outputs()
OUT['seed_json'] = J(seed)

data = S.Variable('data')
fc1 = S.FullyConnected(data=data, num_hidden=10, name='fc1')
act = S.Activation(fc1, act_type='relu')
fc2 = S.FullyConnected(act, num_hidden=3, name='fc2')
mlp = S.SoftmaxOutput(fc2, name='softmax')
OUT['mlp_args'] = mlp.list_arguments(); OUT['mlp_outs'] = mlp.list_outputs()
OUT['mlp_internals'] = mlp.get_internals().list_outputs()
OUT['mlp_shape'] = [list(map(list, x)) for x in mlp.infer_shape(data=(5, 4))]
OUT['mlp_type'] = [[t.__name__ for t in x] for x in mlp.infer_type(data='float16')]
OUT['mlp_json'] = J(mlp)
OUT['mlp_attr'] = mlp.attr_dict()
OUT['mlp_repr'] = [repr(mlp), repr(mlp.get_internals()), repr(S.Group([fc1, fc2]))]
OUT['mlp_debug'] = mlp.debug_str()
OUT['mlp_children'] = mlp.get_children().list_outputs()
OUT['mlp_named'] = repr(mlp.get_internals()['fc1_output'])

x = S.var('x', shape=(2, 3, 8, 8))
c1 = S.Convolution(x, kernel=(3, 3), num_filter=4, pad=(1, 1), name='conv1')
bn = S.BatchNorm(c1, fix_gamma=False, name='bn1')
r = S.Activation(bn, act_type='relu')
p = S.Pooling(r, kernel=(2, 2), stride=(2, 2), pool_type='max')
pa = S.Pooling(r, kernel=(2, 2), stride=(2, 2), pool_type='avg')
cat = S.Concat(p, pa, dim=1)
sl = S.SliceChannel(cat, num_outputs=2, axis=1)
f = S.Flatten(sl[0] + sl[1])
d = S.Dropout(f, p=0.5)
out = S.FullyConnected(d, num_hidden=5, no_bias=True, name='out')
net = S.Group([out, S.BatchNorm(S.var('y'))])
OUT['cnn_args'] = net.list_arguments(); OUT['cnn_aux'] = net.list_auxiliary_states()
OUT['cnn_inputs'] = net.list_inputs(); OUT['cnn_outs'] = net.list_outputs()
OUT['cnn_shape'] = [list(map(list, t)) for t in net.infer_shape(y=(4, 6))]
OUT['cnn_shape_p'] = [list(map(list, t)) for t in net.infer_shape_partial()]
OUT['cnn_json'] = J(net)
OUT['cnn_internals'] = net.get_internals().list_outputs()
OUT['cnn_attr'] = net.attr_dict()
OUT['sl_outs'] = sl.list_outputs(); OUT['sl_len'] = len(sl)
OUT['sl_iter'] = [repr(s) for s in sl]

with warnings.catch_warnings():
    warnings.simplefilter('ignore')
    fc = S.FullyConnected(S.var('x'), num_hidden=3, name='fc')
    OUT['fc_none'] = repr(fc.infer_shape())
    OUT['fc_w'] = repr(fc.infer_shape(fc_weight=(3, 4)))
    OUT['fc_part'] = repr(fc.infer_shape_partial(x=(0, 4)))
    OUT['fc_type_none'] = repr(fc.infer_type())
'''


def test_graphs_match_reference(compare):
    compare(GRAPHS)


ARITH = '''
import json
import mxnet.symbol as S
x = S.var('x'); y = S.var('y')
syms = [-x, 2 - x, 2 / x, x ** 2, 2 ** x, x == 1, x != 1, x > 1, x >= 1, x < y, x <= y,
        abs(x), x % 2, 3 % x, x - y, x * y, x / y, x % y, x ** y, x * 3, 3 * x, x + 2, 2 + x,
        x - 1, x / 2, x == y, x > y]
OUT['names'] = [s.list_outputs() for s in syms]
OUT['ops'] = [json.loads(s.tojson())['nodes'][-1]['op'] for s in syms]
OUT['attrs'] = [json.loads(s.tojson())['nodes'][-1].get('attrs') for s in syms]
g = S.Group(syms)
xv = mx.nd.array(np.arange(1, 7).reshape(2, 3).astype('float32'))
yv = mx.nd.array(np.arange(6, 0, -1).reshape(2, 3).astype('float32'))
for i, o in enumerate(g.eval(x=xv, y=yv)):
    OUT['eval%d' % i] = o
with mx.name.Prefix('net_'):
    z = S.FullyConnected(x, num_hidden=2)
    w = S.var('w')
OUT['prefix'] = z.list_arguments() + [w.name]
from mxnet.attribute import AttrScope
with AttrScope(ctx_group='g1', __foo__='bar'):
    y2 = S.FullyConnected(x, num_hidden=2, name='fca')
    v = S.var('v')
OUT['scope_json'] = json.loads(y2.tojson())
OUT['scope_attr'] = [y2.attr_dict(), v.list_attr(), y2.attr('ctx_group'), y2.attr('__foo__'),
                     y2.attr('num_hidden'), x.attr('nope')]
data = S.Variable('data', shape=(2, 3), dtype='float16', lr_mult=2, wd_mult=0.5,
                  init=mx.init.Xavier(), stype='default', attr={'foo': 'bar'}, __extra__=3)
OUT['var_json'] = json.loads(data.tojson())
OUT['var_attr'] = data.attr_dict()
OUT['var_shape'] = repr(data.infer_shape()); OUT['var_type'] = repr(data.infer_type())
bn = S.BatchNorm(x, fix_gamma=False, name='bn')
OUT['bn_json'] = json.loads(bn.tojson())
net = S.FullyConnected(S.var('a'), num_hidden=3, name='f')
d2 = S.var('d2')
c = net(a=d2 * 2, name='comp')
OUT['compose'] = [c.list_arguments(), c.list_outputs(), net.list_arguments(),
                  net(a=S.var('q'), f_weight=S.var('w')).list_arguments()]
OUT['compose_json'] = json.loads(c.tojson())
atomic = S.FullyConnected(num_hidden=3, name='at')
OUT['auto_data'] = atomic.list_arguments()
cr = S.Group([S.zeros((2, 3)), S.ones((2,), dtype='int32'), S.full((2, 2), 7),
              S.arange(0, 5), S.random.uniform(shape=(2,)), S.random.normal(x, x),
              S.zeros_like(x), S.linalg.gemm2(x, y), S.contrib.ctc_loss(x, y),
              S.concat(x, y, x)])
OUT['creation_outs'] = cr.list_outputs()
OUT['creation_json'] = json.loads(cr.tojson())
OUT['cre_eval'] = S.Group([S.zeros((2, 3)), S.full((2, 2), 7), S.arange(0, 5)]).eval()
OUT['cre_shape'] = repr(S.Group([S.zeros((2, 3)), S.full((2, 2), 7), S.arange(0, 5)])
                        .infer_shape())
misc = S.Group([S.split_v2(x, 3), x.split_v2((1, 2), axis=1), S.histogram(x, 5, range=(0, 1)),
                 S.random.randn(2, 3), S.Cast(x, dtype=np.float16),
                 S.Convolution(x, kernel=[3, 3], num_filter=2, name='cv'), S.Reshape(x, (2, 3))])
OUT['misc_outs'] = misc.list_outputs()
OUT['misc_json'] = json.loads(misc.tojson())
with AttrScope(ctx_group='a'):
    bd = S.BatchNorm(S.var('y'), name='bnd', fix_gamma=False)
gd = S.Group([bd, S.SliceChannel(S.var('z'), num_outputs=2)[1] * 2])
OUT['debug_aux'] = gd.debug_str()
OUT['group_attr'] = [gd.list_attr(), S.Group([x, bd]).list_attr(), gd.attr('ctx_group')]
OUT['fluent'] = [x.reshape((-1,)).list_outputs(), x.sum(axis=1).list_outputs(),
                 x.astype('float16').list_outputs(), x.exp().list_outputs()]
'''


def test_arith_naming_attrs(compare):
    compare(ARITH)


EVAL = '''
import mxnet.symbol as S
rs = np.random.RandomState(0)
x = S.var('x')
c1 = S.Convolution(x, kernel=(3, 3), num_filter=4, pad=(1, 1), name='conv1')
bn = S.LayerNorm(c1, axis=1, name='ln1')
r = S.Activation(bn, act_type='relu')
p = S.Pooling(r, kernel=(2, 2), stride=(2, 2), pool_type='max')
pa = S.Pooling(r, kernel=(2, 2), stride=(2, 2), pool_type='avg')
cat = S.Concat(p, pa, dim=1)
sl = S.SliceChannel(cat, num_outputs=2, axis=1)
f = S.Flatten(sl[0] * sl[1])
out = S.FullyConnected(f, num_hidden=5, name='out')
sm = S.softmax(out)
g = S.Group([sm, out, sl[1]])
shapes = dict(zip(g.list_arguments(), g.infer_shape(x=(2, 3, 8, 8))[0]))
shapes.update(zip(g.list_auxiliary_states(), g.infer_shape(x=(2, 3, 8, 8))[2]))
args = {k: mx.nd.array(rs.uniform(0.5, 1.5, size=s).astype('float32'))
        for k, s in sorted(shapes.items())}
for i, o in enumerate(g.eval(**args)):
    OUT['o%d' % i] = o
OUT['x_eval'] = x.eval(x=args['x'])[0]
'''


def test_eval_matches(compare):
    compare(EVAL, rtol=1e-4, atol=1e-5)


ERRORS = '''
import mxnet.symbol as S
x = S.var('x'); y = S.var('y')
def err(f):
    try:
        f()
    except Exception as e:
        return 'MXNetError' if isinstance(e, mx.base.MXNetError) else type(e).__name__
    return 'no error'
fc = S.FullyConnected(x, num_hidden=3, name='fc')
OUT['e_incompat'] = err(lambda: (x + y).infer_shape(x=(2, 3), y=(3, 3)))
OUT['e_fc'] = err(lambda: fc.infer_shape(x=(2, 3), fc_weight=(3, 5)))
OUT['e_both'] = err(lambda: fc.infer_shape((2, 4), x=(2, 4)))
OUT['e_badname'] = err(lambda: fc.infer_shape(nope=(2, 4)))
OUT['e_eval_missing'] = err(lambda: fc.eval(x=mx.nd.ones((2, 4))))
OUT['e_eval_aux'] = err(lambda: S.BatchNorm(x).eval(x=mx.nd.ones((2, 3))))
OUT['e_getitem'] = err(lambda: fc['nope'])
OUT['e_param'] = err(lambda: S.FullyConnected(x, num_hidden=3, foo=2))
OUT['e_req'] = err(lambda: S.FullyConnected(x))
OUT['e_varkw'] = err(lambda: S.Variable('v', foo=2))
OUT['e_varname'] = err(lambda: S.Variable(3))
OUT['e_add'] = err(lambda: x + 'a')
OUT['e_pos'] = err(lambda: (x + 1)(S.var('q')))
OUT['e_load'] = err(lambda: S.load_json('{"nodes": 3}'))
OUT['e_group_attr'] = err(lambda: S.Group([x, y])._set_attr(foo='1'))
OUT['e_compose_kw'] = err(lambda: S.FullyConnected(x, num_hidden=2)(nope=y))
OUT['e_type'] = err(lambda: fc.infer_type(x='float16', fc_weight='float32'))
'''


def test_errors(compare, capsys):
    compare(ERRORS)


def test_error_messages(capsys):
    x, y = S.var('x'), S.var('y')
    with pytest.raises(MXNetError, match=r'Incompatible attr in node _plus\d+ at 1-th input: '
                                         r'expected \[2,3\], got \[3,3\]'):
        (x + y).infer_shape(x=(2, 3), y=(3, 3))
    fc = S.FullyConnected(x, num_hidden=3, name='fc')
    with pytest.raises(MXNetError, match=r'Error in operator fc: Shape inconsistent, Provided = '
                                         r'\[3,5\], inferred shape=\(3,3\)'):
        fc.infer_shape(x=(2, 3), fc_weight=(3, 5))
    assert 'infer_shape error. Arguments:' in capsys.readouterr().out
    with pytest.warns(UserWarning, match='Cannot decide shape'):
        assert fc.infer_shape(fc_weight=(3, 4)) == (None, None, None)
    with pytest.raises(ValueError, match='missing'):
        fc.bind(mx.cpu(), {})


def test_json_roundtrip_and_files(tmp_path):
    x = S.var('x', shape=(2, 3, 8, 8), lr_mult=0.5)
    c = S.Convolution(x, kernel=(3, 3), num_filter=4, name='c')
    b = S.BatchNorm(c, name='bn')
    net = S.Group([S.FullyConnected(S.Flatten(b), num_hidden=2, name='fc'), c * 2])
    fn = str(tmp_path / 'net-symbol.json')
    net.save(fn)
    back = S.load(fn)
    assert back.tojson() == net.tojson()
    assert back.list_auxiliary_states() == ['bn_moving_mean', 'bn_moving_var']
    assert back.infer_shape()[1] == net.infer_shape()[1]
    assert S.load_json(net.tojson()).attr_dict() == net.attr_dict()
    import copy
    import pickle
    assert copy.deepcopy(net).tojson() == net.tojson()
    assert copy.copy(net).tojson() == net.tojson()
    assert pickle.loads(pickle.dumps(net)).tojson() == net.tojson()
    for bad in ['', 'not json', '{"nodes": [], "heads": [[3, 0, 0]]}',
                '{"nodes": [{"op": "nope_op", "name": "a", "inputs": []}], "heads": [[0,0,0]]}',
                '{"nodes": [{"op": "null", "name": "a", "inputs": [[5, 0]]}], "heads": []}']:
        with pytest.raises(MXNetError):
            S.load_json(bad)
    with pytest.raises(MXNetError):
        S.load(str(tmp_path / 'missing.json'))


OLD_JSON = '''{
  "nodes": [
    {"op": "null", "param": {}, "name": "data", "inputs": [], "backward_source_id": -1,
     "attr": {"ctx_group": "stage1"}},
    {"op": "null", "param": {}, "name": "fc1_weight", "inputs": [], "backward_source_id": -1},
    {"op": "null", "param": {}, "name": "fc1_bias", "inputs": [], "backward_source_id": -1},
    {"op": "FullyConnected", "param": {"no_bias": "False", "num_hidden": "4"}, "name": "fc1",
     "inputs": [[0, 0], [1, 0], [2, 0]], "backward_source_id": -1},
    {"op": "Activation", "param": {"act_type": "tanh"}, "name": "act1", "inputs": [[3, 0]],
     "backward_source_id": -1},
    {"op": "null", "param": {}, "name": "bn_gamma", "inputs": [], "backward_source_id": -1},
    {"op": "null", "param": {}, "name": "bn_beta", "inputs": [], "backward_source_id": -1},
    {"op": "null", "param": {}, "name": "bn_moving_mean", "inputs": [], "backward_source_id": -1},
    {"op": "null", "param": {}, "name": "bn_moving_var", "inputs": [], "backward_source_id": -1},
    {"op": "BatchNorm", "param": {"eps": "0.001", "fix_gamma": "True", "momentum": "0.9",
     "use_global_stats": "False"}, "name": "bn", "inputs": [[4, 0], [5, 0], [6, 0], [7, 0],
     [8, 0]], "backward_source_id": -1}
  ],
  "arg_nodes": [0, 1, 2, 5, 6, 7, 8],
  "heads": [[9, 0]]
}'''


def test_old_json(reference, tmp_path):
    s = S.load_json(OLD_JSON)
    assert s.list_arguments() == ['data', 'fc1_weight', 'fc1_bias', 'bn_gamma', 'bn_beta']
    assert s.list_auxiliary_states() == ['bn_moving_mean', 'bn_moving_var']
    assert s.attr_dict()['data'] == {'__ctx_group__': 'stage1', 'ctx_group': 'stage1'}
    rs = np.random.RandomState(3)
    shapes = dict(zip(s.list_inputs(), s.infer_shape(data=(2, 5))[0] +
                      s.infer_shape(data=(2, 5))[2]))
    vals = {k: rs.uniform(0.5, 1.5, size=v).astype('float32') for k, v in shapes.items()}
    ours = s._run(s._order(), {k: mx.nd.array(v) for k, v in vals.items()})[0].asnumpy()
    np.savez(str(tmp_path / 'vals.npz'), **vals)
    ref = reference('''
import mxnet.symbol as S
s = S.load_json(%r)
vals = dict(np.load(%r))
OUT['args'] = s.list_arguments(); OUT['aux'] = s.list_auxiliary_states()
OUT['json'] = json.loads(s.tojson())
ex = s.bind(mx.cpu(), {k: mx.nd.array(vals[k]) for k in s.list_arguments()},
            aux_states={k: mx.nd.array(vals[k]) for k in s.list_auxiliary_states()})
OUT['o'] = ex.forward()[0]
''' % (OLD_JSON, str(tmp_path / 'vals.npz')))
    assert ref['args'] == s.list_arguments()
    assert ref['aux'] == s.list_auxiliary_states()
    for rn, on in zip(ref['json']['nodes'], json.loads(s.tojson())['nodes']):
        assert rn == on
    assert ref['json'] == json.loads(s.tojson())
    np.testing.assert_allclose(ours, ref['o'], rtol=1e-5, atol=1e-6)


def test_reference_json_loads_here(reference):
    ref = reference('''
import mxnet.symbol as S
x = S.var('data')
c = S.Convolution(x, kernel=(3, 3), num_filter=8, name='conv0')
b = S.BatchNorm(c, name='bn0')
a = S.LeakyReLU(b, act_type='leaky', slope=0.1)
p = S.Pooling(a, global_pool=True, kernel=(1, 1), pool_type='avg')
o = S.SoftmaxOutput(S.FullyConnected(S.Flatten(p), num_hidden=10, name='fc'), name='sm')
OUT['json'] = o.tojson()
OUT['shape'] = repr(o.infer_shape(data=(1, 3, 16, 16)))
OUT['internals'] = o.get_internals().list_outputs()
''')
    s = S.load_json(ref['json'])
    assert json.loads(s.tojson()) == json.loads(ref['json'])
    assert repr(s.infer_shape(data=(1, 3, 16, 16))) == ref['shape']
    assert s.get_internals().list_outputs() == ref['internals']


def test_namespaces_and_misc():
    assert callable(S.FullyConnected) and callable(S.op.FullyConnected)
    assert callable(S._internal._plus_scalar) and callable(S.linalg.gemm2)
    assert callable(S.random.uniform) and callable(S.contrib.ctc_loss)
    import inspect
    sig = inspect.signature(S.FullyConnected)
    assert list(sig.parameters)[:4] == ['data', 'weight', 'bias', 'num_hidden']
    x = S.var('x')
    assert x.get_children() is None
    assert x.name == 'x' and S.Group([x, x]).name is None
    s = S.pow(x, 2)
    assert s.list_outputs()[0].startswith('_powerscalar')
    assert S.maximum(2, 3) == 3
    with pytest.raises(ValueError):
        x._set_attr(foo=3)
    x2 = S.var('x2')
    x2._set_attr(lr_mult='0.1')
    assert x2.attr('lr_mult') == '0.1' and x2.list_attr()['__lr_mult__'] == '0.1'
    # the symbol API does not touch autograd or NDArray state
    assert S.Group([S.zeros((2, 2))]).eval(ctx=mx.cpu())[0].shape == (2, 2)
    if os.environ.get('REMX_SYMBOL_VERBOSE'):
        print(S.FullyConnected.__doc__)

TYPES = '''
import mxnet.symbol as S
x = S.var('x'); i = S.var('i')
cases = {
 'emb': (S.Embedding(i, input_dim=10, output_dim=4, name='e'), dict(i=(2, 3)), dict(i='int32')),
 'emb16': (S.Embedding(i, input_dim=10, output_dim=4, dtype='float16', name='e'), dict(i=(2, 3)),
           dict(i='int32')),
 'onehot': (S.one_hot(i, depth=5), dict(i=(3,)), dict(i='int32')),
 'argmax': (S.argmax(x, axis=1), dict(x=(2, 3)), dict(x='float16')),
 'cast': (S.Cast(x, dtype='int32'), dict(x=(2, 3)), dict(x='float32')),
 'shape': (S.shape_array(x), dict(x=(2, 3)), dict(x='float32')),
 'take': (S.take(x, i), dict(x=(4, 3), i=(2,)), dict(x='float32', i='int32')),
 'fc64': (S.FullyConnected(x, num_hidden=3, name='f'), dict(x=(2, 5)), dict(x='float64')),
 'conv': (S.Convolution(x, kernel=(3, 3), num_filter=2, stride=(2, 2), name='c'),
          dict(x=(1, 3, 9, 9)), dict(x='float32')),
 'deconv': (S.Deconvolution(x, kernel=(2, 2), num_filter=2, stride=(2, 2), name='d'),
            dict(x=(1, 3, 4, 4)), dict(x='float32')),
 'rnn': (S.RNN(x, state_size=4, num_layers=1, mode='lstm', name='r'), dict(x=(5, 2, 3)),
         dict(x='float32')),
 'bn16': (S.BatchNorm(x, name='b'), dict(x=(2, 3, 4)), dict(x='float16')),
 'ln': (S.LayerNorm(x, name='l'), dict(x=(2, 3, 4)), dict(x='float32')),
 'prelu': (S.LeakyReLU(x, act_type='prelu', name='p'), dict(x=(2, 3, 4)), dict(x='float32')),
 'reshape': (S.Reshape(x, shape=(0, -1)), dict(x=(2, 3, 4)), dict(x='float32')),
 'bcast': (S.broadcast_add(x, i), dict(x=(2, 1), i=(1, 3)), dict(x='float32', i='float32')),
 'topk': (S.topk(x, k=2, ret_typ='both'), dict(x=(2, 5)), dict(x='float32')),
 'so': (S.SoftmaxOutput(x, name='so'), dict(x=(4, 5)), dict(x='float64')),
 'dot': (S.dot(x, i), dict(x=(2, 3), i=(3, 4)), dict(x='float32', i='float32')),
 'emb_part': (S.Embedding(i, input_dim=10, output_dim=4, name='e'), dict(i=(0, 3)), None),
}
for k, (s, sh, ty) in cases.items():
    if ty is None:
        OUT[k + '_s'] = repr(s.infer_shape_partial(**sh))
        continue
    OUT[k + '_s'] = repr(s.infer_shape(**sh))
    OUT[k + '_t'] = [[c.__name__ for c in l] for l in s.infer_type(**ty)]
'''


def test_shape_type_cases(compare):
    compare(TYPES)


_SKIP_SWEEP = ('Pooling', 'Pooling_v1', 'fill_element_0index', 'multi_all_finite')


def test_every_op_default_construction(compare):
    from mxnet._ops.registry import all_ops
    names = sorted(k for k in all_ops() if not k.startswith('_') and
                   not k.startswith(('random_', 'preloaded_')) and k not in _SKIP_SWEEP)
    compare('''
import json
import mxnet.symbol as S
for nm in %r:
    try:
        s = getattr(S, nm)(name='t')
        j = json.loads(s.tojson())
        OUT[nm] = [s.list_arguments(), s.list_outputs(), s.list_auxiliary_states(),
                   j['node_row_ptr'], [n.get('attrs') for n in j['nodes']]]
    except Exception as e:
        OUT[nm] = 'error'
''' % (names,))


def test_gluon_traced_graphs(reference):
    """Gluon HybridBlocks called on a Symbol give MXNet's JSON; a model-zoo ResNet written by
    MXNet 1.9.1 loads, re-serializes identically and infers the same shapes."""
    code = '''
import json, warnings
warnings.filterwarnings('ignore')
import mxnet.symbol as S
from mxnet.gluon import nn
net = nn.HybridSequential(prefix='net_')
with net.name_scope():
    net.add(nn.Conv2D(4, 3, padding=1), nn.BatchNorm(), nn.Activation('relu'), nn.MaxPool2D(),
            nn.Flatten(), nn.Dense(10, activation='relu'), nn.Dropout(0.5), nn.Dense(3))
net.initialize()
s = net(S.var('data'))
OUT['json'] = json.loads(s.tojson())
OUT['shape'] = repr(s.infer_shape(data=(2, 3, 8, 8)))
OUT['aux'] = s.list_auxiliary_states()
'''
    ref = reference(code + '''
from mxnet.gluon.model_zoo import vision
r = vision.resnet18_v1(classes=7)
r.initialize()
rs = r(S.var('data'))
OUT['resnet'] = rs.tojson()
OUT['resnet_shape'] = repr(rs.infer_shape(data=(1, 3, 32, 32)))
OUT['resnet_type'] = repr(rs.infer_type(data='float32'))
''')
    from conftest import run_local
    ours = run_local(code)
    assert ours['json'] == ref['json']
    assert ours['shape'] == ref['shape'] and ours['aux'] == ref['aux']
    r = S.load_json(ref['resnet'])
    assert json.loads(r.tojson()) == json.loads(ref['resnet'])
    assert repr(r.infer_shape(data=(1, 3, 32, 32))) == ref['resnet_shape']
    assert repr(r.infer_type(data='float32')) == ref['resnet_type']


def test_symbol_structure_and_inference_details():
    from mxnet.base import NotImplementedForSymbol
    x = S.Variable('x')
    with pytest.raises(NotImplementedForSymbol):
        bool(x)
    sliced = S.SliceChannel(S.Variable('data'), num_outputs=3, name='slice')
    assert sliced.get_children().list_outputs() == ['data']
    # a cast's output dtype is known without its input's
    mlp = S.SoftmaxOutput(S.FullyConnected(S.Cast(S.Variable('data'), dtype='float32'),
                                           num_hidden=4, name='fc'), name='sm')
    arg, out, aux = mlp.infer_type_partial()
    assert arg == [None, np.float32, np.float32, np.float32] and out == [np.float32]
    # shapes flow back through casts
    conv = S.Convolution(S.cast(S.Variable('data', shape=(1, 0, 0, 0)), dtype='float16'),
                         S.cast(S.Variable('weight'), dtype='float16'), pad=(3, 3),
                         num_filter=64, stride=(2, 2), no_bias=True, kernel=(7, 7))
    assert conv.infer_shape_partial()[0][1] == (64, 0, 7, 7)
    # a node whose output shape a consumer assumed still checks its own inputs
    v = S.Variable('V')
    with pytest.raises(MXNetError, match='Incompatible attr'):
        (S.transpose(v) + (S.Variable('x') + v)).infer_shape(x=(2, 3))
    # shapes need no dtypes: integer-index ops infer with unknown index dtypes
    assert S.batch_take(x, S.Variable('i')).infer_shape(x=(3, 4), i=(3,))[1] == [(3,)]


def test_atomic_symbol_and_np_shape_json():
    import json
    data = S.Variable('data')
    fc = S.FullyConnected(data, num_hidden=3, name='fc')
    atom = fc._gen_atomic_symbol()
    assert atom.list_arguments() == [] and atom.list_outputs() == ['output']
    assert atom.attr_dict() == {'': {'num_hidden': '3'}}
    z = atom(data=S.Variable('q'), name='z')
    assert z.list_arguments() == ['q', 'z_weight', 'z_bias'] and z.list_outputs() == ['z_output']
    rnn = S.RNN(data, S.Variable('p'), S.Variable('h0'), S.Variable('h1'), state_size=4,
                num_layers=1, state_outputs=True, mode='lstm')
    assert rnn._gen_atomic_symbol().list_outputs() == ['output', 'state_output',
                                                       'statecell_output']
    with mx.util.np_shape(True):
        assert json.loads(fc.tojson())['attrs']['is_np_shape'] == ['int', 1]
    assert 'is_np_shape' not in json.loads(fc.tojson())['attrs']
