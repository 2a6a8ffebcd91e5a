"""mx.monitor.Monitor against MXNet 1.9.1 on bound executors.

MXNet's inference binds fuse FullyConnected+relu etc. into MKLDNN subgraphs whose names show up in
the monitor; the snippets turn that off (MXNET_SUBGRAPH_BACKEND=NONE) so names are the graph's.
Statistics are compared as numbers (float32 norms differ in the last digit between kernels).
"""
import pytest

import mxnet as mx
import mxnet.monitor
from mxnet import nd

_PRELUDE = r'''
import os
os.environ['MXNET_SUBGRAPH_BACKEND'] = 'NONE'
import logging
import mxnet.monitor

def net_a(bn=False):
    x = mx.sym.var('x')
    w = mx.sym.var('w1')
    b = mx.sym.var('b1')
    net = mx.sym.FullyConnected(data=x, weight=w, bias=b, num_hidden=4, name='fc1')
    if bn:
        net = mx.sym.BatchNorm(net, fix_gamma=False, name='bn1')
    net = mx.sym.Activation(net, act_type='tanh', name='act1')
    parts = mx.sym.SliceChannel(net, num_outputs=2, name='sl')
    net = parts[0] * 2 + parts[1]
    return mx.sym.SoftmaxOutput(net, mx.sym.var('y'), name='softmax')

def bind(sym, grads=False, seed=0):
    rs = np.random.RandomState(seed)
    shapes = {'x': (3, 5), 'y': (3,)}
    arg_s, _, aux_s = sym.infer_shape(**shapes)
    args = {n: nd.array(rs.uniform(-1, 1, s)) for n, s in zip(sym.list_arguments(), arg_s)}
    args['y'] = nd.array([0, 1, 1])
    aux = {n: nd.array(rs.uniform(0.5, 1, s)) for n, s in zip(sym.list_auxiliary_states(), aux_s)}
    g = {k: nd.zeros_like(v) for k, v in args.items()} if grads else None
    return sym.bind(mx.cpu(), args=args, args_grad=g, aux_states=aux)

def run(mon, exes, steps, train=False, backward=False):
    names, vals = [], []
    for exe in exes:
        mon.install(exe)
    for i in range(steps):
        mon.tic()
        for exe in exes:
            exe.forward(is_train=train)
            if backward:
                exe.backward()
        for n, k, s in mon.toc():
            names.append([n, k])
            vals.extend(float(t) for t in s.replace('[', ' ').replace(']', ' ').split())
    return names, np.array(vals, dtype=np.float64)
'''


def _record(key, expr):
    return "OUT['n_%s'], OUT['v_%s'] = %s\n" % (key, key, expr)


def test_monitor_matches_mxnet(compare):
    code = _PRELUDE
    code += _record('default', "run(mx.monitor.Monitor(1), [bind(net_a())], 3)")
    code += _record('train', "run(mx.monitor.Monitor(1), [bind(net_a())], 2, train=True)")
    code += _record('sort', "run(mx.monitor.Monitor(1, sort=True), [bind(net_a())], 1)")
    code += _record('pattern', "run(mx.monitor.Monitor(1, pattern='.*output|w.*', sort=True), "
                               "[bind(net_a())], 2)")
    code += _record('interval', "run(mx.monitor.Monitor(2), [bind(net_a())], 5)")
    code += _record('interval3', "run(mx.monitor.Monitor(3, pattern='fc1.*'), [bind(net_a())], 7)")
    code += _record('stat', "run(mx.monitor.Monitor(1, stat_func=lambda x: [x.mean(), x.max(), "
                            "x.reshape(-1)[:2].copy()], pattern='.*_output.*'), [bind(net_a())], 1)")
    code += _record('two', "run(mx.monitor.Monitor(1, pattern='sl.*|x'), "
                           "[bind(net_a()), bind(net_a(), seed=1)], 2)")
    # monitor_all: operator inputs appear as <node>_<input name>; the pattern leaves out the
    # entries remx does not produce yet (variables by their own names, 'inputN' names)
    code += _record('all', "run(mx.monitor.Monitor(1, monitor_all=True, "
                           "pattern='fc1_.*|sl_.*|softmax_.*|_plus.*'), [bind(net_a())], 2)")
    code += r'''
# toc_print: the logged lines (a statistic with exact values)
class _H(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []
    def emit(self, rec):
        self.lines.append(rec.getMessage())
h = _H()
root = logging.getLogger()
root.addHandler(h)
old = root.level
root.setLevel(logging.INFO)
mon = mx.monitor.Monitor(1, stat_func=lambda x: nd.array([x.size]), pattern='.*output|x|w1')
exe = bind(net_a())
mon.install(exe)
for i in range(2):
    mon.tic()
    exe.forward()
    mon.toc_print()
root.removeHandler(h)
root.setLevel(old)
OUT['log'] = h.lines
# not activated: toc returns []
mon = mx.monitor.Monitor(2)
mon.install(bind(net_a()))
OUT['inactive'] = [mon.toc(), (mon.tic(), mon.toc())[1] != [], (mon.tic(), mon.toc())[1]]
OUT['attrs'] = [mon.step, mon.interval, mon.sort, mon.monitor_all, mon.activated]
# a stat_func that returns something other than NDArrays
mon = mx.monitor.Monitor(1, stat_func=lambda x: 1.0)
mon.install(bind(net_a()))
mon.tic()
mon.exes[0].forward()
try:
    mon.toc()
    OUT['bad_stat'] = None
except Exception as e:
    OUT['bad_stat'] = type(e).__name__
'''
    compare(code, rtol=1e-5, atol=1e-6)


def test_default_stat_and_signature():
    import inspect
    assert str(inspect.signature(mx.monitor.Monitor)) == \
        "(interval, stat_func=None, pattern='.*', sort=False, monitor_all=False)"
    mon = mx.monitor.Monitor(1)
    x = nd.array([[3., 4.], [0., 0.]])
    s = mon.stat_func(x)
    assert s.shape == (1,)
    assert abs(s.asscalar() - 2.5) < 1e-6
    # the callback ignores arrays while not activated and names that do not match
    mon = mx.monitor.Monitor(1, pattern='a.*')
    mon.stat_helper('abc', x)
    assert mon.queue == []
    mon.activated = True
    mon.stat_helper(b'abc', x)
    mon.stat_helper('xbc', x)
    assert [k for _, k, _ in mon.queue] == ['abc']


# -- gaps in the executor's monitor callback (see the report / mxnet/executor.py) -------------
_GAP = 'executor monitor callback does not yet show these entries as MXNet does'


@pytest.mark.xfail(strict=True, reason=_GAP + ': hidden outputs (BatchNorm mean/var)')
def test_monitor_hidden_outputs(compare):
    compare(_PRELUDE + _record('bn', "run(mx.monitor.Monitor(1), [bind(net_a(bn=True))], 1)"))


@pytest.mark.xfail(strict=True, reason=_GAP + ': monitor_all variables and inputN names')
def test_monitor_all_full(compare):
    compare(_PRELUDE + _record('all', "run(mx.monitor.Monitor(1, monitor_all=True), "
                                      "[bind(net_a())], 1)"))


def test_monitor_backward(compare):
    compare(_PRELUDE + _record('bw', "run(mx.monitor.Monitor(1), [bind(net_a(), grads=True)], "
                                     "1, train=True, backward=True)"))
