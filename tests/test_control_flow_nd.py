"""mx.nd.contrib.foreach / while_loop / cond (imperative control flow), against MXNet 1.9.1."""
import numpy as np
import pytest

import mxnet as mx

CODE = '''
from mxnet.ndarray import contrib as C
x = nd.array(np.arange(12).reshape(4, 3))
y = nd.array(np.arange(8).reshape(4, 2))

def body(d, s):
    return d * 2 + s[0], [s[0] + d.sum()]
outs, states = C.foreach(body, x, [nd.zeros((1,))])
OUT['fe_out'], OUT['fe_state'] = outs, states[0]

def body2(ds, s):
    a, b = ds
    return [a + 1, [b * s]], s + 1
outs, s = C.foreach(body2, [x, y], nd.ones((1,)))
OUT['fe2_a'], OUT['fe2_b'], OUT['fe2_s'] = outs[0], outs[1][0], s

w = nd.array([0.5, -1.0, 2.0])
w.attach_grad()
with autograd.record():
    outs, s = C.foreach(lambda d, s: (d * w, s + (d * w).sum()), x, nd.zeros((1,)))
    loss = outs.sum() + s.sum()
loss.backward()
OUT['fe_grad'] = w.grad

def cnd(i, acc):
    return i < 5
def step(i, acc):
    return [acc * 2, i], (i + 1, acc + i)
outs, (i, acc) = C.while_loop(cnd, step, (nd.array([0.]), nd.array([1.])), max_iterations=8)
OUT['wl_0'] = outs[0][:5]
OUT['wl_1'] = outs[1][:5]
OUT['wl_shape'] = np.array(outs[0].shape)
OUT['wl_i'], OUT['wl_acc'] = i, acc
outs, v = C.while_loop(lambda v: v < 100, lambda v: (v, v * 3), nd.array([2.]),
                       max_iterations=3)
OUT['wl_cap'], OUT['wl_cap_v'] = outs, v

OUT['cond_t'] = C.cond(nd.array([1]), lambda: x * 2, lambda: x - 1)
OUT['cond_f'] = C.cond(nd.array([0]), lambda: x * 2, lambda: x - 1)
OUT['cond_py'] = C.cond(x.sum() > 100, lambda: y + 1, lambda: y - 1)
'''


def test_control_flow_matches_mxnet(compare):
    compare(CODE)


def test_while_loop_errors():
    from mxnet.ndarray import contrib as C
    with pytest.raises(ValueError, match='max_iterations'):
        C.while_loop(lambda v: v < 3, lambda v: (v, v + 1), mx.nd.zeros((1,)))
    with pytest.raises(ValueError, match='consistent'):
        C.while_loop(lambda a, b: a < 3, lambda a, b: ([], [a + 1]),
                     [mx.nd.zeros((1,)), mx.nd.zeros((1,))], max_iterations=4)
    with pytest.raises(ValueError, match='inconsistent'):
        C.while_loop(lambda v: v < 3, lambda v: (mx.nd.zeros((int(v.asscalar()) + 1,)), v + 1),
                     mx.nd.zeros((1,)), max_iterations=4)
    with pytest.raises(AssertionError):
        C.foreach(lambda d, s: (d, s), [1, 2], mx.nd.zeros((1,)))


def test_names_in_contrib():
    for n in ('foreach', 'while_loop', 'cond'):
        assert n in mx.nd.contrib.__all__ and callable(getattr(mx.nd.contrib, n))
    np.testing.assert_allclose(mx.nd.contrib.cond(1, lambda: mx.nd.ones((1,)),
                                                  lambda: mx.nd.zeros((1,))).asnumpy(), [1])
