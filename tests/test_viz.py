"""mx.viz (print_summary, plot_network) against MXNet 1.9.1."""
import sys

import pytest

import mxnet as mx
import mxnet.visualization as viz

# Shared by both runs: networks, a recorder around graphviz.Digraph (so the exact node()/edge()
# calls are compared, independently of the graphviz version) and stdout capture.
_PRELUDE = r'''
import io, contextlib, warnings, json
import graphviz
import mxnet.visualization as viz

CALLS = []

class _Rec(graphviz.Digraph):
    def node(self, *a, **k):
        CALLS.append(['node', list(a), sorted(k.items())])
        return super().node(*a, **k)

    def edge(self, *a, **k):
        CALLS.append(['edge', list(a), sorted(k.items())])
        return super().edge(*a, **k)

graphviz.Digraph = _Rec

def summary(*a, **k):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        viz.print_summary(*a, **k)
    return buf.getvalue()

def plot(*a, **k):
    del CALLS[:]
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter('always')
        dot = viz.plot_network(*a, **k)
    lines = [l.strip() for l in dot.source.split('\n') if l.strip()]
    return {'calls': list(CALLS), 'source': lines, 'name': dot.name, 'format': dot.format,
            'warnings': [str(x.message) for x in w if issubclass(x.category, RuntimeWarning)]}

def err(f, *a, **k):
    try:
        f(*a, **k)
    except Exception as e:
        return [type(e).__name__, str(e).split('\n')[0]]
    return None

def mlp():
    data = mx.sym.var('data')
    net = mx.sym.FullyConnected(data, num_hidden=128, name='fc1')
    net = mx.sym.Activation(net, act_type='relu', name='relu1')
    net = mx.sym.FullyConnected(net, num_hidden=64, name='fc2', no_bias=True)
    net = mx.sym.LeakyReLU(net, act_type='elu', name='elu')
    net = mx.sym.FullyConnected(net, num_hidden=10, name='fc3')
    return mx.sym.SoftmaxOutput(net, name='softmax')

def convnet():
    data = mx.sym.var('data')
    net = mx.sym.Convolution(data, kernel=(3, 3), num_filter=8, pad=(1, 1), name='conv1')
    net = mx.sym.BatchNorm(net, name='bn1')
    net = mx.sym.Activation(net, act_type='relu', name='relu1')
    net = mx.sym.Pooling(net, kernel=(2, 2), stride=(2, 2), pool_type='max', name='pool1')
    net = mx.sym.Convolution(net, kernel=(3, 3), stride=(2, 2), num_filter=16, num_group=2,
                             no_bias=True, name='conv2')
    net = mx.sym.LeakyReLU(net, name='lrelu')
    net = mx.sym.Pooling(net, global_pool=True, pool_type='avg', name='gpool')
    net = mx.sym.Flatten(net, name='flat')
    net = mx.sym.Dropout(net, p=0.5, name='drop')
    net = mx.sym.FullyConnected(net, num_hidden=10, name='fc')
    return mx.sym.softmax(net, name='prob')

def multi():
    a = mx.sym.var('a')
    b = mx.sym.var('b')
    tok = mx.sym.var('tok')
    emb = mx.sym.Embedding(tok, input_dim=50, output_dim=6, name='emb')
    emb = mx.sym.Reshape(emb, shape=(0, -1), name='embflat')
    fa = mx.sym.FullyConnected(a, num_hidden=6, name='fa')
    cat = mx.sym.Concat(fa, b, emb, dim=1, name='cat')
    parts = mx.sym.SliceChannel(cat, num_outputs=2, name='split')
    s = parts[0] + parts[1]
    return mx.sym.FullyConnected(s * 2, num_hidden=3, name='out')

SHAPES = {'data': (2, 3, 16, 16)}
MSHAPES = {'a': (4, 5), 'b': (4, 6), 'tok': (4, 3)}
'''


def _run_checks():
    return _PRELUDE + r'''
OUT['mlp'] = summary(mlp(), shape={'data': (5, 20)})
OUT['mlp_noshape'] = summary(mlp())
OUT['mlp_abs'] = summary(mlp(), shape={'data': (5, 20)}, line_length=80, positions=[30, 50, 60, 80])
OUT['mlp_narrow'] = summary(mlp(), shape={'data': (5, 20)}, line_length=40)
OUT['conv'] = summary(convnet(), shape=SHAPES)
OUT['conv_noshape'] = summary(convnet())
OUT['multi'] = summary(multi(), shape=MSHAPES)
OUT['multi_noshape'] = summary(multi())
OUT['p_mlp'] = plot(mlp())
OUT['p_mlp_shape'] = plot(mlp(), title='net', save_format='png', shape={'data': (5, 20)},
                          dtype={'data': np.float32})
OUT['p_mlp_weights'] = plot(mlp(), hide_weights=False,
                            node_attrs={'shape': 'oval', 'fixedsize': 'false', 'color': 'red'})
OUT['p_conv'] = plot(convnet(), shape=SHAPES)
OUT['p_conv_w'] = plot(convnet(), shape=SHAPES, hide_weights=False)
OUT['p_multi'] = plot(multi(), shape=MSHAPES, dtype={'a': 'float32', 'b': 'float32',
                                                       'tok': 'float32'})
x1 = mx.sym.var('x')
x2 = mx.sym.var('x')
OUT['p_dup'] = plot(mx.sym.relu(x1 + x2, name='r'))
OUT['e_sum_type'] = err(viz.print_summary, 'net')
OUT['e_plot_type'] = err(viz.plot_network, 3)
OUT['e_sum_missing'] = err(summary, multi(), shape={'a': (4, 5)})
OUT['e_plot_missing'] = err(plot, multi(), shape={'a': (4, 5)})
'''


def test_summary_and_plot(compare):
    compare(_run_checks())


_RESNET = _PRELUDE + r"""
net = mx.gluon.model_zoo.vision.resnet18_v1()
net.initialize()
sym = FROM_NET
OUT['summary'] = summary(sym, shape={'data': (1, 3, 32, 32)})
OUT['summary_noshape'] = summary(sym)
OUT['plot'] = plot(sym, shape={'data': (1, 3, 32, 32)})
OUT['plot_w'] = plot(sym, dtype={'data': 'float32'}, hide_weights=False)
"""


@pytest.fixture(scope='module')
def resnet_ref():
    from tests.conftest import run_reference
    code = _RESNET.replace('FROM_NET', "net(mx.sym.var('data'))") + "OUT['json'] = sym.tojson()\n"
    return run_reference(code)


def _check_resnet(ref, ours):
    import json
    for k in ('summary', 'summary_noshape', 'plot', 'plot_w'):
        assert json.loads(json.dumps(ours[k])) == ref[k], k
    assert 'resnetv10_stage4_conv1_fwd(Convolution)' in ours['summary']


def test_model_zoo_resnet_from_json(resnet_ref):
    """The symbol MXNet traced from model_zoo's resnet18_v1, loaded from its JSON."""
    from tests.conftest import run_local
    ours = run_local(_RESNET.replace('FROM_NET', 'mx.sym.load_json(%r)' % resnet_ref['json']))
    _check_resnet(resnet_ref, ours)


def test_model_zoo_resnet_traced(resnet_ref):
    """The same network traced by remx (net(mx.sym.var('data')))."""
    from tests.conftest import run_local
    ours = run_local(_RESNET.replace('FROM_NET', "net(mx.sym.var('data'))"))
    _check_resnet(resnet_ref, ours)


def test_import_error(monkeypatch):
    monkeypatch.setitem(sys.modules, 'graphviz', None)
    with pytest.raises(ImportError, match='Draw network requires graphviz library'):
        viz.plot_network(mx.sym.var('x'))


def test_public_names():
    import inspect
    assert str(inspect.signature(viz.print_summary)) == \
        '(symbol, shape=None, line_length=120, positions=[0.44, 0.64, 0.74, 1.0])'
    assert str(inspect.signature(viz.plot_network)) == \
        "(symbol, title='plot', save_format='pdf', shape=None, dtype=None, node_attrs={}, " \
        "hide_weights=True)"
