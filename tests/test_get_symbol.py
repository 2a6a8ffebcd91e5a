"""autograd.get_symbol: the recorded history as a Symbol (differential against MXNet 1.9.1)."""
import json

import numpy as np
import pytest

from mxnet import nd, autograd
from mxnet.base import MXNetError


@pytest.fixture(autouse=True)
def _fresh_names():
    # varN / node_N count from 0 in a fresh process, as in the reference run
    autograd._reset_names()
    yield


GRAPHS = '''
import json
if hasattr(autograd, '_reset_names'):
    autograd._reset_names()
rs = np.random.RandomState(0)
a = nd.array(rs.randn(2, 2)); b = nd.array(rs.randn(2, 2))
a.attach_grad(); b.attach_grad()
bias = nd.array(rs.randn(2))
with autograd.record():
    c = a + b
    d = c * 2
    e = nd.relu(d) - a
    f = nd.FullyConnected(e, b, bias, num_hidden=2)
    g = nd.sum(f, axis=1)
    h = 1 - g
    s = nd.split(a, 2, axis=1)
    k = s[1] * s[0]
    m = a[0]
    n = a[:, 1:2]
    o = -a
    q = a ** 2
    r = a.T
    t = a.reshape((4,))
    u = nd.dot(a, b) / 3
    w = (2 / (a + 3)) % 2 + (a > 0) + (a == b) + (4 - a) + (a / b)
    v = a[1:2] * bias
    y = nd.concat(a, b, dim=0) + 0.5
    z = a.copy() + nd.exp(a).astype('float32')
    i = a.copy()
    try:
        i += b
        OUT['inplace_err'] = 'no error'
    except mx.base.MXNetError as ex:
        OUT['inplace_err'] = 'Assigning to NDArrays that are already in a computational' in str(ex)
    x2 = nd.ones((2, 2)) * 3
graphs = dict(c=c, d=d, e=e, f=f, h=h, k=k, m=m, n=n, o=o, q=q, r=r, t=t, u=u, w=w, v=v, y=y,
              z=z)
for name, x in sorted(graphs.items()):
    sym = autograd.get_symbol(x)
    OUT['json_' + name] = json.loads(sym.tojson())
    OUT['args_' + name] = sym.list_arguments()
    OUT['outs_' + name] = sym.list_outputs()
    OUT['name_' + name] = sym.name
    vals = {'var0': a, 'var1': b}
    shapes = {k: vals[k].shape for k in sym.list_arguments() if k in vals}
    extra = [k for k in sym.list_arguments() if k not in vals]
    for k in extra:
        vals[k] = bias
        shapes[k] = bias.shape
    OUT['shape_' + name] = [list(map(list, l)) for l in sym.infer_shape(**shapes)]
    if name == 'z':
        continue   # MXNet cannot infer _copyto's dtype symbolically (remx can)
    try:
        OUT['eval_' + name] = sym.eval(ctx=mx.cpu(),
                                       **{k: vals[k] for k in sym.list_arguments()})[0]
    except mx.base.MXNetError as ex:
        OUT['eval_' + name] = 'error'
    OUT['val_' + name] = x
for name, x in [('plain', nd.ones(2)), ('x2', x2)]:
    try:
        autograd.get_symbol(x)
        OUT['err_' + name] = 'no error'
    except mx.base.MXNetError as ex:
        OUT['err_' + name] = 'not part of a computation graph' in str(ex)
sym = autograd.get_symbol(f)
exe = sym.bind(mx.cpu(), {'var0': a, 'var1': b, 'null2': bias})
OUT['bind'] = exe.forward()[0]
'''


def test_get_symbol_graphs(compare):
    compare(GRAPHS)


def test_get_symbol_local():
    x = nd.array([1., 2.])
    x.attach_grad()
    with pytest.raises(MXNetError, match='not part of a computation graph'):
        autograd.get_symbol(nd.ones(2))
    with autograd.record():
        y = nd.sigmoid(x * x + 1)
    s = autograd.get_symbol(y)
    assert s.list_arguments() == ['var0']
    assert [n['op'] for n in json.loads(s.tojson())['nodes']] == \
        ['null', 'broadcast_mul', '_plus_scalar', 'sigmoid']
    np.testing.assert_allclose(s.eval(var0=x)[0].asnumpy(), y.asnumpy(), rtol=1e-6)
    # nothing is recorded outside record()
    z = x * 2
    assert getattr(z, '_node', None) is None
    with pytest.raises(MXNetError):
        autograd.get_symbol(z)
    with pytest.raises(MXNetError):
        autograd.get_symbol(np.ones(2))
