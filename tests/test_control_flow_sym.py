"""mx.sym.contrib.foreach / while_loop / cond (symbolic control flow: _foreach, _while_loop,
_cond nodes holding subgraphs), against MXNet 1.9.1."""
import json

import pytest

import mxnet as mx

CODE = '''
S = mx.sym
C = mx.sym.contrib
def node(sym, op):
    return [n for n in json.loads(sym.tojson())['nodes'] if n['op'] == op][0]
x = nd.array(np.arange(12).reshape(4, 3) / 10.)
s0 = nd.array([0.5, -1.0, 2.0])
w = nd.array([1.5, 0.5, -0.5])

# foreach with a free variable (cut from the main graph), gradients through the executor
data, st, fr = S.var('data'), S.var('state'), S.var('fr')
outs, states = C.foreach(lambda d, s: (d * s[0] + fr, [s[0] * 2 + d * fr]), data, [st])
g = S.Group([outs * 2] + states)
OUT['fe_args'] = g.list_arguments()
OUT['fe_outputs'] = g.list_outputs()
OUT['fe_json_attrs'] = node(g, '_foreach')['attrs']
OUT['fe_sub_names'] = [n['name'] for n in node(g, '_foreach')['subgraphs'][0]['nodes']]
a, o, _ = g.infer_shape(data=(4, 3), state=(3,), fr=(3,))
OUT['fe_shapes'] = [list(s) for s in a + o]
g2 = S.load_json(g.tojson())
OUT['fe_roundtrip'] = g2.tojson() == g.tojson()
grads = {k: nd.zeros(v.shape) for k, v in [('data', x), ('state', s0), ('fr', w)]}
e = g2.bind(mx.cpu(), {'data': x, 'state': s0, 'fr': w}, args_grad=grads)
e.forward(is_train=True)
OUT['fe_out0'], OUT['fe_out1'] = e.outputs[0], e.outputs[1]
e.backward([nd.ones((4, 3)), nd.ones((3,))])
OUT['fe_gdata'], OUT['fe_gstate'], OUT['fe_gfr'] = grads['data'], grads['state'], grads['fr']

# while_loop: padded step outputs, final loop variables, gradients
i, acc = S.var('i'), S.var('acc')
outs, (fi, facc) = C.while_loop(lambda i, acc: i < 3,
                                lambda i, acc: ([acc * fr], (i + 1, acc * 2 + fr)),
                                (i, acc), max_iterations=5)
g = S.Group(outs + [fi, facc])
OUT['wl_outputs'] = g.list_outputs()
OUT['wl_attrs'] = node(g, '_while_loop')['attrs']
grads = {'i': nd.zeros((1,)), 'acc': nd.zeros((3,)), 'fr': nd.zeros((3,))}
e = S.load_json(g.tojson()).bind(mx.cpu(), {'i': nd.array([0.]), 'acc': s0, 'fr': w},
                                 args_grad=grads)
e.forward(is_train=True)
OUT['wl_steps'] = e.outputs[0][:3]
OUT['wl_i'], OUT['wl_acc'] = e.outputs[1], e.outputs[2]
e.backward([nd.ones((5, 3)), nd.ones((1,)), nd.ones((3,))])
OUT['wl_gacc'], OUT['wl_gfr'] = grads['acc'], grads['fr']

# cond on a computed predicate, both branches
a_, b_ = S.var('a'), S.var('b')
out = C.cond((a_ * b_).sum() < 5, lambda: (a_ + 5) * (b_ + 5), lambda: (a_ - 5) * (b_ - 5))
OUT['cd_args'] = out.list_arguments()
OUT['cd_attrs'] = node(out, '_cond')['attrs']
for tag, av in (('small', nd.array([1., 2.])), ('big', nd.array([3., 4.]))):
    ga, gb = nd.zeros((2,)), nd.zeros((2,))
    e = out.bind(mx.cpu(), {'a': av, 'b': nd.array([1., 1.5])}, args_grad={'a': ga, 'b': gb})
    e.forward(is_train=True)
    e.backward([nd.ones((2,))])
    OUT['cd_' + tag], OUT['cd_ga_' + tag] = e.outputs[0], ga

# a hybridized block calling F.contrib.foreach, gradients under autograd
class Net(mx.gluon.HybridBlock):
    def hybrid_forward(self, F, data, state):
        out, st = F.contrib.foreach(lambda d, s: (d * s[0], [s[0] + d]), data, [state])
        return F.broadcast_add(out, st[0].sum())
for hyb in (False, True):
    net = Net()
    if hyb:
        net.hybridize()
    xx, ss = x.copy(), s0.copy()
    xx.attach_grad()
    with autograd.record():
        y = net(xx, ss)
    y.backward()
    OUT['hy_y%d' % hyb], OUT['hy_g%d' % hyb] = y, xx.grad
'''


def test_symbolic_control_flow_matches_mxnet(compare):
    compare('import json\n' + CODE, rtol=1e-5, atol=1e-5)


def test_subgraph_names_and_errors():
    data = mx.sym.var('data')
    with pytest.raises(AssertionError):
        # the states must be used in the body
        mx.sym.contrib.foreach(lambda d, s: (d, [d * 2]), data, [mx.sym.var('s')])
    with pytest.raises(ValueError):
        mx.sym.contrib.while_loop(lambda v: v < 1, lambda v: ([], [v]), [data])
    out, _ = mx.sym.contrib.foreach(lambda d, s: (d + s[0], [s[0]]), data, [mx.sym.var('s')])
    sub = json.loads(out.tojson())['nodes'][-1]['subgraphs'][0]['nodes']
    assert all(n['attrs']['__subgraph_name__'].startswith('foreach') for n in sub)


def test_unbound_node_raises():
    x = mx.nd.ones((2,))
    with pytest.raises(mx.base.MXNetError):
        mx.nd._internal._foreach(x, x, num_outputs=1, num_args=3)
