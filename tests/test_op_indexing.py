"""Indexing and selection operators vs MXNet 1.9.1: slice/crop, slice_axis, slice_like, take,
batch_take, pick/choose_element_0index, fill_element_0index, one_hot, gather_nd, scatter_nd,
_scatter_set_nd, where, (_)ravel_multi_index, (_)unravel_index, _slice_assign(_scalar)."""
import numpy as np
import pytest

import mxnet as mx
from mxnet import nd, autograd
from mxnet.test_utils import check_numeric_gradient

MXNetError = mx.base.MXNetError


# ---------------------------------------------------------------------------------------------
# forward values vs the reference (a few large snippets: each costs one MXNet process)
# ---------------------------------------------------------------------------------------------
SLICE_CODE = '''
x = nd.array(np.arange(24).reshape(2, 3, 4))
xi = nd.array(np.arange(24).reshape(2, 3, 4), dtype='int32')
v = nd.array(np.arange(5))
OUT['s1'] = nd.slice(x, begin=(0, 1), end=(2, 3))
OUT['s2'] = nd.slice(x, begin=(None,), end=(None,), step=(-1,))
OUT['s3'] = nd.slice(x, begin=(1, None, -1), end=(None, None, 0), step=(-1, -1, -2))
OUT['s4'] = nd.slice(x, begin='(1,)', end='(None,)')
OUT['s5'] = nd.slice(x, begin=(5,), end=(6,))
OUT['s6'] = nd.slice(x, begin=(1,), end=(0,))
OUT['s7'] = nd.slice(x, begin=(-1,), end=(-3,), step=(-1,))
OUT['s8'] = nd.slice(x, begin=(-5,), end=(10,))
OUT['s9'] = nd.slice(x, begin=(None, 2), end=(None, -10), step=(None, -1))
OUT['s10'] = nd.slice(x, begin=(), end=())
OUT['s11'] = nd.slice(x, (0,), (1,))
OUT['s12'] = nd.crop(x, (0, 1), (1, 3), (1, 2))
OUT['s13'] = nd.slice(xi, begin=(0, 1), end=(2, 3))
OUT['s14'] = x.slice((0,), (1,))
OUT['s15'] = nd.slice(x, begin=[0], end=[2], step=[None])
OUT['s16'] = nd.slice(v, begin=(7,), end=(None,), step=(-1,))
OUT['s17'] = nd.slice(v, begin=(-7,), end=(None,), step=(-1,))
OUT['s18'] = nd.slice(v, begin=(1,), end=(None,), step=(3,))
OUT['s19'] = nd.slice(v, begin=(None,), end=(-9,), step=(-2,))
OUT['s20'] = nd.slice(x, begin='(None, 1, None)', end='(None, None, None)', step='(1, -1, 3)')
OUT['s21'] = nd.slice(x, begin=(0, 2), end=(2, 1))
OUT['s22'] = nd.slice(nd.array(np.arange(6), dtype='float64'), begin=(4,), end=(0,), step=(-2,))
OUT['a1'] = nd.slice_axis(x, axis=1, begin=1, end=None)
OUT['a2'] = nd.slice_axis(x, axis=-1, begin=-3, end=-1)
OUT['a3'] = nd.slice_axis(x, 1, 0, 2)
OUT['a4'] = nd.slice_axis(x, axis='1', begin='1', end='None')
OUT['a5'] = nd.slice_axis(xi, axis=2, begin=0, end=4)
OUT['a6'] = x.slice_axis(axis=0, begin=1, end=2)
OUT['l1'] = nd.slice_like(x, nd.array(np.zeros((1, 2, 3))))
OUT['l2'] = nd.slice_like(x, nd.array(np.zeros((1, 2, 3))), axes=(0, 2))
OUT['l3'] = nd.slice_like(x, nd.array(np.zeros((1, 2, 3))), axes=(-1,))
OUT['l4'] = nd.slice_like(x, nd.array(np.zeros((1, 2, 3)), dtype='int32'))
OUT['l5'] = nd.slice_like(x, nd.array(np.zeros((1, 2, 3))), axes='(0, 2)')
OUT['l6'] = nd.slice_like(xi, nd.array(np.zeros((1, 2))), axes=(0, 1))
OUT['l7'] = nd.slice_like(x, nd.array(np.zeros((1, 2, 3))), axes=(0, 0))
OUT['l8'] = x.slice_like(nd.array(np.zeros((2, 2, 2))), axes=())
I = nd._internal
OUT['sa1'] = I._slice_assign(x, nd.array(np.zeros((2, 2, 4))), begin=(0, 1), end=(2, 3))
OUT['sa2'] = I._slice_assign(x, nd.array(-np.arange(6).reshape(1, 3, 2)), begin=(None, None, 0),
                             end=(1, None, None), step=(None, None, 2))
OUT['sa3'] = I._slice_assign(x, nd.array(-np.arange(8).reshape(2, 2, 2)),
                             begin=(None, 2, 3), end=(None, 0, 0), step=(None, -1, -2))
OUT['sa4'] = I._crop_assign(xi, nd.array(np.zeros((1, 3, 4)), dtype='int32'), (1,), (2,))
OUT['sa_x_unchanged'] = x
OUT['ss1'] = I._slice_assign_scalar(x, 7, begin=(0, 1), end=(2, 3))
OUT['ss2'] = I._slice_assign_scalar(xi, scalar=7.5, begin=(0, 1), end=(2, 3))
OUT['ss3'] = I._slice_assign_scalar(x, begin=(0, 1), end=(2, 3))
OUT['ss4'] = I._crop_assign_scalar(x, 3, (1,), (2,))
OUT['ss5'] = I._slice_assign_scalar(x, '-2.5', (None, None, -1), (None, None, None),
                                    (None, None, -3))
OUT['ss6'] = I._slice_assign_scalar(x, 3, (5,), (6,))
o = nd.array(np.ones((2, 3, 4)))
r = I._slice_assign_scalar(o, 0, begin=(0, 1), end=(2, 3), out=o)
OUT['ss_out'] = o
OUT['ss_out_same'] = r is o
'''


def test_slice_family_forward(compare):
    compare(SLICE_CODE)


TAKE_CODE = '''
x = nd.array(np.arange(12).reshape(3, 4))
xi = nd.array(np.arange(12).reshape(3, 4), dtype='int32')
x3 = nd.array(np.arange(24).reshape(2, 3, 4))
i = nd.array([[0, 2], [-1, 5]])
OUT['t1'] = nd.take(x, i)
OUT['t2'] = nd.take(x, i, axis=1)
OUT['t3'] = nd.take(x, i, axis=-1, mode='wrap')
OUT['t4'] = nd.take(x, nd.array([0, 1.7, -0.5, 2.5]))
OUT['t5'] = nd.take(x, nd.array([0, 1.7, -0.5, 2.5]), mode='wrap')
OUT['t6'] = nd.take(x, nd.array([0, 1, 2], dtype='int32'))
OUT['t7'] = nd.take(x, nd.array([2, 1, 2], dtype='int64'))
OUT['t8'] = nd.take(x, nd.array([0, 1, 2], dtype='uint8'))
OUT['t9'] = nd.take(xi, nd.array([0, 1, 2]))
OUT['t10'] = nd.take(x, nd.array([1]), axis='1', mode='wrap')
OUT['t11'] = nd.take(x, nd.array([-5.5, -1.2, 7.9, 9.1]), axis=1, mode='wrap')
OUT['t12'] = nd.take(x, nd.array([0.5, 1.5, 2.5, 3]), axis=1, mode='raise')
OUT['t13'] = nd.take(nd.array([1, 2, 3]), nd.array([[1]]))
OUT['t14'] = nd.take(x, nd.array([1], dtype='float16'))
OUT['t15'] = nd.take(nd.array([1, 2, 3], dtype='float64'), nd.array([1], dtype='float64'))
OUT['t16'] = nd.take(x3, nd.array([[1, 0]]), axis=1)
OUT['t17'] = nd.take(x3, nd.array([[1, 0, 3]]), axis=2, mode='clip')
OUT['t18'] = x3.take(nd.array([1, 0]), axis=0)
OUT['t19'] = nd.take(nd.array([1, 0, 1], dtype='uint8'), nd.array([1]))
OUT['t20'] = nd.take(x, nd.array([1]), 1, 'clip')
OUT['p1'] = nd.pick(x, nd.array([0, 1, 3]))
OUT['p2'] = nd.pick(x, nd.array([0, 1, 3]), keepdims=True)
OUT['p3'] = nd.pick(x, nd.array([0, 2, 1, 0]), axis=0)
OUT['p4'] = nd.pick(x, nd.array([0, 2, 1, 0]), 0)
OUT['p5'] = nd.pick(x, nd.array([-1, 5, 1.7]), mode='clip')
OUT['p6'] = nd.pick(x, nd.array([-1, 5, -5.5]), mode='wrap')
OUT['p7'] = nd.pick(x, nd.array([[0], [1], [3]]))
OUT['p8'] = nd.pick(x, nd.array([[0], [1], [3]]), keepdims=True)
OUT['p9'] = nd.pick(x, nd.array([0, 1, 3]), axis='1', keepdims='True', mode='wrap')
OUT['p10'] = nd.pick(x, nd.array([0, 1, 3], dtype='int32'))
OUT['p11'] = nd.pick(xi, nd.array([0, 1, 3], dtype='int64'))
OUT['p12'] = nd.pick(x3, nd.array([[0, 1, 2], [2, 1, 0]]), axis=2)
OUT['p13'] = nd.pick(x3, nd.array([[0, 1, 2, 0], [2, 1, 0, 0]]), axis=1)
OUT['p14'] = nd.pick(x3, nd.array([[0, 1, 2, 0], [2, 1, 0, 0]]), axis=-2, keepdims=True)
OUT['p15'] = nd.pick(nd.array([1, 2, 3]), nd.array([1]), axis=0)
OUT['p16'] = nd.pick(nd.array([1, 2, 3]), nd.array([5]), axis=0, keepdims=True)
OUT['p17'] = nd.pick(x3, nd.array(np.zeros((2, 3, 1))), axis=2)
OUT['p18'] = x.pick(nd.array([3, 2, 1]), axis=1)
OUT['c1'] = nd.choose_element_0index(x, nd.array([0, 1, 3]))
OUT['c2'] = nd.choose_element_0index(x, nd.array([0, 1, 3, 2]), axis=0, keepdims=True)
OUT['bt1'] = nd.batch_take(x, nd.array([0, 1, 3], dtype='int32'))
OUT['bt2'] = nd.batch_take(x, nd.array([0, -1, 5], dtype='int32'))
OUT['bt3'] = nd.batch_take(x, nd.array([[0, 1, 3]], dtype='int32'))
OUT['bt4'] = nd.batch_take(xi, nd.array([[0], [1], [3]], dtype='int32'))
OUT['f1'] = nd.fill_element_0index(x, nd.array([10, 20, 30]), nd.array([0, 1, 3]))
OUT['f2'] = nd.fill_element_0index(x, nd.array([10, 20, 30]), nd.array([0, -1, 5]))
OUT['f3'] = nd.fill_element_0index(x, nd.array([10, 20, 30]), nd.array([0, 1.7, 3]))
'''


def test_take_pick_forward(compare):
    compare(TAKE_CODE)


ND_CODE = '''
x = nd.array(np.arange(12).reshape(3, 4))
xi = nd.array(np.arange(12).reshape(3, 4), dtype='int32')
x3 = nd.array(np.arange(24).reshape(2, 3, 4))
I = nd._internal
OUT['g1'] = nd.gather_nd(x, nd.array([[0, 2], [1, 3]]))
OUT['g2'] = nd.gather_nd(x, nd.array([[0, 2]]))
OUT['g3'] = nd.gather_nd(x3, nd.array([[1, 0], [2, 1]]))
OUT['g4'] = nd.gather_nd(x, nd.array([[-1, -2], [-1, -4]]))
OUT['g5'] = nd.gather_nd(x, nd.array([[1.7, 0.2], [2.9, 3]]))
OUT['g6'] = nd.gather_nd(x, nd.array([[1, 2]], dtype='int32'))
OUT['g7'] = nd.gather_nd(x, nd.array([[[0, 1], [1, 1]], [[2, 2], [0, 3]]]))
OUT['g8'] = nd.gather_nd(xi, nd.array([[1, 2]], dtype='int64'))
OUT['g9'] = nd.gather_nd(x, nd.array([[1, 2]], dtype='uint8'))
OUT['g10'] = nd.gather_nd(nd.array([1, 2, 3]), nd.array([[-0.5, -1.5, -3]]))
OUT['g11'] = nd.gather_nd(x3, nd.array([[1, 0], [2, 1], [3, 0]]))
OUT['sc1'] = nd.scatter_nd(nd.array([2, 3, 0]), nd.array([[1, 1, 0], [0, 1, 0]]), shape=(2, 2))
OUT['sc2'] = nd.scatter_nd(nd.array([2, 3, 0]), nd.array([[1, 1, 0], [0, 1, 0]]), shape='(2,2)')
OUT['sc3'] = nd.scatter_nd(nd.array([[1, 2, 3, 4], [5, 6, 7, 8]]), nd.array([[1, 0]]), shape=(3, 4))
OUT['sc4'] = nd.scatter_nd(nd.array([1, 2, 3]), nd.array([[1, 1, 1]]), shape=(3,))
OUT['sc5'] = nd.scatter_nd(nd.array([1, 2, 3]), nd.array([[1, 1, 5]]), shape=(3,))
OUT['sc6'] = nd.scatter_nd(nd.array([1, 2, 3]), nd.array([[1.7, 1, 0.5]]), shape=(3,))
OUT['sc7'] = nd.scatter_nd(nd.array([1, 2, 3], dtype='int32'), nd.array([[1, 0, 2]], dtype='int32'),
                           shape=(4,))
OUT['sc8'] = nd.scatter_nd(nd.array([1]), nd.array([[0], [3]]), shape=(2, 2))
OUT['sc9'] = nd.scatter_nd(nd.array([1]), nd.array([[1], [-1]]), shape=(2, 2))
OUT['sc10'] = nd.scatter_nd(nd.array([1, 2]), nd.array([[2, 0], [0, 1]]), shape=(2, 2))
OUT['sc11'] = nd.scatter_nd(nd.array([1, 2]), nd.array([[-0.5, 1]]), shape=(2,))
OUT['sc12'] = nd.scatter_nd(nd.array(np.arange(12).reshape(2, 3, 2)),
                            nd.array([[0, 3], [1, 0]]), shape=(4, 2, 3, 2))
o = nd.array(np.ones((2, 2)))
r = I._scatter_set_nd(o, nd.array([2, 3, 0]), nd.array([[1, 1, 0], [0, 1, 0]]), shape=(2, 2), out=o)
OUT['ssn1'] = o
OUT['ssn1_same'] = r is o
o2 = nd.array(np.ones((3, 2)), dtype='int32')
I._scatter_set_nd(lhs=o2, rhs=nd.array([[5, 6]], dtype='int32'), indices=nd.array([[2]]),
                  shape='(3, 2)', out=o2)
OUT['ssn2'] = o2
OUT['oh1'] = nd.one_hot(nd.array([1, 0, 2, 0]), 3)
OUT['oh2'] = nd.one_hot(nd.array([1, 0, 2, 0]), 3, on_value=8, off_value=1, dtype='int32')
OUT['oh3'] = nd.one_hot(nd.array([[1, -1], [3, 2.7]]), 3)
OUT['oh4'] = nd.one_hot(nd.array([1, 2], dtype='int32'), depth='3', on_value='2.5',
                        off_value='-1', dtype='float64')
OUT['oh5'] = nd.one_hot(nd.array([1, 2]), 3, dtype='uint8', on_value=-1)
OUT['oh6'] = nd.one_hot(nd.array([1, 2]), 3, dtype='float16')
OUT['oh7'] = nd.one_hot(nd.array([1, 2]), 0)
OUT['oh8'] = nd.one_hot(nd.array([1, 2]), 3, dtype='int64', on_value=3.7, off_value=-2.9)
OUT['oh9'] = nd.one_hot(nd.array([1, 2]), 3, dtype='int8', on_value=200)
OUT['oh10'] = nd.one_hot(nd.array([-0.5, -1.5, 2.9, 3]), 3)
OUT['oh11'] = nd.array([0, 2]).one_hot(4)
c = nd.array([[0, 1, 0, 2], [1, 0, 0, -1], [0.5, 0, 0, np.nan]])
OUT['w1'] = nd.where(c, x, -x)
OUT['w2'] = nd.where(nd.array([0, 1, 0]), x, -x)
OUT['w3'] = nd.where(nd.array([0, 1, 0], dtype='int32'), x, -x)
OUT['w4'] = nd.where(nd.array([0, 1, 0]), xi, xi * 2)
OUT['w5'] = nd.where(nd.array([1, 0]), nd.array([1, 2]), nd.array([3, 4]))
OUT['w6'] = nd.where(nd.array([0, 1, 0]), nd.array(np.arange(24).reshape(3, 2, 4)),
                     nd.array(np.zeros((3, 2, 4))))
OUT['w7'] = nd.where(condition=nd.array([1, 0], dtype='int32'), x=nd.array([1, 2], dtype='int64'),
                     y=nd.array([3, 4], dtype='int64'))
OUT['r1'] = nd.ravel_multi_index(nd.array([[3, 6, 6], [4, 5, 1]]), shape=(7, 6))
OUT['r2'] = nd.ravel_multi_index(nd.array([[3, 6, 6], [4, 5, 1]], dtype='int32'), shape=(7, 6))
OUT['r3'] = nd.ravel_multi_index(nd.array([[3, 6, 6], [4, 5, 1]]), shape=(2, 2))
OUT['r4'] = nd.ravel_multi_index(nd.array([[3, -1], [4, -5]]), shape=(7, 6))
OUT['r5'] = nd.ravel_multi_index(nd.array([[3.7, 6.2, 6], [4.9, 5, 1]]), shape=(7, 6))
OUT['r6'] = I._ravel_multi_index(nd.array([[3, 6, 6], [4, 5, 1], [0, 1, 2]], dtype='float64'),
                                 shape='(7, 6, 3)')
OUT['r7'] = nd.ravel_multi_index(nd.array([[4000], [4001]]), shape=(5000, 5000))
OUT['u1'] = nd.unravel_index(nd.array([22, 41, 37]), shape=(7, 6))
OUT['u2'] = nd.unravel_index(nd.array([22, 41, 37], dtype='int32'), shape=(7, 6))
OUT['u3'] = nd.unravel_index(nd.array([22, 41, 37, 50, -1]), shape=(7, 6))
OUT['u4'] = nd.unravel_index(nd.array([22.7, 41.2]), shape=(7, 6))
OUT['u5'] = I._unravel_index(nd.array([22]), shape='(7, 6)')
OUT['u6'] = nd.unravel_index(nd.array([22, 41, 37], dtype='uint8'), shape=(7, 3, 2))
OUT['u7'] = nd.unravel_index(nd.array([22, 41, 37], dtype='float64'), shape=(7, 6))
'''


def test_nd_onehot_where_ravel_forward(compare):
    compare(ND_CODE)


# ---------------------------------------------------------------------------------------------
# gradients vs the reference
# ---------------------------------------------------------------------------------------------
GRAD_CODE = '''
def run(key, f, *arrs):
    arrs = [nd.array(a) if not isinstance(a, nd.NDArray) else a for a in arrs]
    for a in arrs:
        a.attach_grad()
    with autograd.record():
        y = f(*arrs)
    y.backward(nd.array(np.arange(1, y.size + 1).reshape(y.shape)))
    OUT[key] = y
    for j, a in enumerate(arrs):
        OUT['%s_g%d' % (key, j)] = a.grad

rs = np.random.RandomState(0)
x = rs.randn(3, 4).astype('float32')
x3 = rs.randn(2, 3, 4).astype('float32')
run('take', lambda a, i: nd.take(a, i), x, np.array([[0, 2], [0, -1]], 'float32'))
run('take_wrap', lambda a, i: nd.take(a, i, axis=1, mode='wrap'), x,
    np.array([[0, 5], [0, -1]], 'float32'))
run('take3', lambda a: nd.take(a, nd.array([[2, 2], [0, 3]]), axis=2), x3)
run('take_int', lambda a: nd.take(a, nd.array([0, 0, 1], dtype='int32')), x)
run('pick', lambda a, i: nd.pick(a, i), x, np.array([0, 1, 3], 'float32'))
run('pick0', lambda a, i: nd.pick(a, i, axis=0, mode='wrap', keepdims=True), x,
    np.array([0, 4, -1, 7], 'float32'))
run('pick3', lambda a: nd.pick(a, nd.array([[0, 1, 1, 0], [2, 2, 2, 2]]), axis=1), x3)
run('gather', lambda a, i: nd.gather_nd(a, i), x, np.array([[0, 0, 2], [1, 1, 3]], 'float32'))
run('gather3', lambda a: nd.gather_nd(a, nd.array([[1, 1, 0], [0, 0, 2]])), x3)
run('scatter', lambda a, i: nd.scatter_nd(a, i, shape=(3, 4)), np.array([1, 2, 3], 'float32'),
    np.array([[0, 0, 2], [1, 1, 3]], 'float32'))
run('scatter2', lambda a: nd.scatter_nd(a, nd.array([[2, 0]]), shape=(3, 4)), x[:2])
run('where', lambda c, a, b: nd.where(c, a, b), np.array([0, 1, 0], 'float32'), x, -x)
run('where2', lambda c, a, b: nd.where(c, a, b), (x > 0).astype('float32'), x, x * 2)
run('slice', lambda a: nd.slice(a, (None, 3), (None, 0), (-1, -2)), x)
run('slice3', lambda a: nd.slice(a, (1, None, 1), (None, None, 3)), x3)
run('slice_axis', lambda a: nd.slice_axis(a, 1, 1, 3), x)
run('slice_like', lambda a, b: nd.slice_like(a, b), x, np.ones((2, 2), 'float32'))
run('slice_like2', lambda a, b: nd.slice_like(a, b, axes=(1,)), x3, np.ones((2, 2), 'float32'))
'''


def test_gradients_vs_reference(compare):
    compare(GRAD_CODE, rtol=1e-5, atol=1e-5)


def test_numeric_gradients():
    rs = np.random.RandomState(0)
    x = rs.randn(3, 4).astype('float32')
    x3 = rs.randn(2, 3, 4).astype('float32')
    idx = nd.array([[0, 2, 2], [-1, 5, 1]])
    check_numeric_gradient(lambda a: nd.take(a, idx, axis=1, mode='wrap'), [x])
    check_numeric_gradient(lambda a: nd.take(a, idx), [x])
    check_numeric_gradient(lambda a: nd.pick(a, nd.array([[0, 1, 1, 0], [2, 2, 2, 2]]),
                                             axis=1), [x3])
    check_numeric_gradient(lambda a: nd.gather_nd(a, nd.array([[1, 1, 0], [0, 0, -1]])), [x3])
    check_numeric_gradient(lambda a: nd.scatter_nd(a, nd.array([[2, 0]]), shape=(3, 4)),
                           [x[:2]])
    check_numeric_gradient(lambda a: nd.batch_take(a, nd.array([1, 1, 3], dtype='int32')), [x])
    check_numeric_gradient(lambda a, b: nd.where(nd.array([1, 0, 1]), a, b), [x, x * 2])
    check_numeric_gradient(lambda a: nd.slice(a, (1, None, 3), (None, None, 0), (1, -1, -2)),
                           [x3])
    check_numeric_gradient(lambda a: nd.slice_axis(a, -1, 1, None), [x3])
    check_numeric_gradient(lambda a: nd.slice_like(a, nd.array(np.zeros((1, 2, 3)))), [x3])
    check_numeric_gradient(lambda a, b: nd._internal._slice_assign(a, b, (0, 1), (2, 3)),
                           [x, x[:2, :2]])
    check_numeric_gradient(lambda a, b: nd.fill_element_0index(a, b, nd.array([0, 5, 2])),
                           [x, x[:, 0]])


def test_gradient_accumulates_repeated_indices():
    x = nd.array(np.arange(6).reshape(2, 3))
    x.attach_grad()
    for f, want in [
            (lambda: nd.take(x, nd.array([1, 1, 1, 0])), [[1, 1, 1], [3, 3, 3]]),
            (lambda: nd.pick(x, nd.array([2, 2]), axis=1), [[0, 0, 1], [0, 0, 1]]),
            (lambda: nd.gather_nd(x, nd.array([[1, 1, 1], [0, 0, 2]])), [[0, 0, 0], [2, 0, 1]]),
            (lambda: nd.batch_take(x, nd.array([0, 0], dtype='int32')), [[1, 0, 0], [1, 0, 0]])]:
        with autograd.record():
            y = f()
        y.backward()
        np.testing.assert_allclose(x.grad.asnumpy(), np.array(want, 'float32'))


def test_index_input_gets_zero_gradient():
    x = nd.array(np.arange(6).reshape(2, 3))
    i = nd.array([1, 0])
    x.attach_grad()
    i.attach_grad()
    with autograd.record():
        y = nd.take(x, i) * 2 + nd.pick(x, i, axis=1).reshape((2, 1))
    y.backward()
    np.testing.assert_allclose(i.grad.asnumpy(), np.zeros(2, 'float32'))
    assert x.grad.asnumpy().sum() > 0


def test_slice_assign_returns_new_array():
    x = nd.array(np.arange(12).reshape(3, 4))
    y = nd._internal._slice_assign(x, nd.array(np.zeros((2, 2))), (0, 1), (2, 3))
    assert y is not x
    np.testing.assert_allclose(x.asnumpy(), np.arange(12).reshape(3, 4))
    # op outputs never alias their input
    s = nd.slice(x, (0,), (1,))
    s[:] = -1
    t = nd.slice_axis(x, axis=0, begin=0, end=1)
    t[:] = -1
    np.testing.assert_allclose(x.asnumpy(), np.arange(12).reshape(3, 4))


def test_dtypes_and_shapes():
    x = nd.array(np.arange(12).reshape(3, 4), dtype='float16')
    assert nd.take(x, nd.array([0, 1], dtype='int32')).dtype == np.float16
    assert nd.pick(x, nd.array([0, 1, 2])).shape == (3,)
    assert nd.gather_nd(x, nd.array([[0], [1]])).shape == (1,)
    assert nd.one_hot(nd.array([[1, 2]]), 5).shape == (1, 2, 5)
    assert nd.one_hot(nd.array([1]), 2, dtype='int64').dtype == np.int64
    assert nd.unravel_index(nd.array([5], dtype='int64'), shape=(2, 3)).dtype == np.int64
    assert nd.slice(x, (None,), (None,), (-1,)).dtype == np.float16


# ---------------------------------------------------------------------------------------------
# errors
# ---------------------------------------------------------------------------------------------
def _x():
    return nd.array(np.arange(24).reshape(2, 3, 4))


BAD = [
    lambda: nd.slice(_x(), begin=(0, 0, 0, 0), end=(1, 1, 1, 1)),
    lambda: nd.slice(_x(), begin=(0,), end=(1, 1)),
    lambda: nd.slice(_x(), begin=(0,), end=(1,), step=(0,)),
    lambda: nd.slice(_x(), begin=(0,), end=(2,), step=(1, 1)),
    lambda: nd.slice(_x(), end=(2,)),
    lambda: nd.slice(_x(), begin='(a,)', end=(2,)),
    lambda: nd.slice_axis(_x(), axis=3, begin=0, end=1),
    lambda: nd.slice_axis(_x(), axis=-4, begin=0, end=1),
    lambda: nd.slice_axis(_x(), axis=1, begin=2, end=1),
    lambda: nd.slice_axis(_x(), axis=1, begin=0, end=10),
    lambda: nd.slice_axis(_x(), axis=1, begin=-10, end=2),
    lambda: nd.slice_axis(_x(), axis=1, begin=1, end=1),
    lambda: nd.slice_axis(_x(), axis=1, begin=3, end=None),
    lambda: nd.slice_axis(_x(), axis=1, begin=0),
    lambda: nd.slice_like(_x(), nd.array(np.zeros((1, 2)))),
    lambda: nd.slice_like(_x(), nd.array(np.zeros((3, 2, 3)))),
    lambda: nd.slice_like(_x(), nd.array(np.zeros((1, 2))), axes=(2,)),
    lambda: nd.slice_like(_x(), nd.array(np.zeros((1, 2))), axes=(-1,)),
    lambda: nd.slice_like(_x(), nd.array(np.zeros((1, 2, 3))), axes=(5,)),
    lambda: nd._internal._slice_assign(_x(), nd.array(np.zeros((2, 3))), (0, 1), (2, 3)),
    lambda: nd._internal._slice_assign(_x(), nd.array(np.zeros((2, 2, 4)), dtype='int32'),
                                       (0, 1), (2, 3)),
    lambda: nd._internal._slice_assign_scalar(_x(), 3, (1,), (2,), (0,)),
    lambda: nd.take(_x(), nd.array([1]), axis=3),
    lambda: nd.take(_x(), nd.array([1]), axis=-4),
    lambda: nd.take(_x(), nd.array([1]), axis=None),
    lambda: nd.take(_x(), nd.array([1]), mode='foo'),
    # take's index check is in its kernel: raised at the wait, as in MXNet
    lambda: nd.take(_x(), nd.array([3.5]), axis=1, mode='raise').asnumpy(),
    lambda: nd.take(_x(), nd.array([-1]), mode='raise').asnumpy(),
    lambda: nd.batch_take(_x()[0], nd.array([0, 1, 3])),
    lambda: nd.batch_take(_x()[0], nd.array([0, 1], dtype='int32')),
    lambda: nd.batch_take(nd.array([1, 2, 3]), nd.array([0], dtype='int32')),
    lambda: nd.pick(_x(), nd.array(np.zeros((2, 3))), axis=1),
    lambda: nd.pick(_x(), nd.array(np.zeros((2, 4, 1))), axis=1),
    lambda: nd.pick(_x(), nd.array(np.zeros((2, 3))), axis=3),
    lambda: nd.pick(_x(), nd.array(np.zeros((2, 3))), axis=None),
    lambda: nd.pick(_x(), nd.array(np.zeros((2, 3))), mode='raise'),
    lambda: nd.one_hot(nd.array([1, 2]), -1),
    lambda: nd.one_hot(nd.array([1, 2]), 3, dtype='bool'),
    lambda: nd.one_hot(nd.array([1, 2])),
    lambda: nd.gather_nd(_x(), nd.array([1, 2])),
    lambda: nd.gather_nd(_x()[0], nd.array(np.zeros((3, 2)))),
    lambda: nd.gather_nd(_x()[0], nd.array([[5, 1], [1, 1]])),
    lambda: nd.gather_nd(_x()[0], nd.array([[1, 1], [1, 4]])),
    lambda: nd.gather_nd(_x()[0], nd.array([[-4]])),
    lambda: nd.scatter_nd(nd.array([1, 2, 3]), nd.array([1, 0, 2]), shape=(4,)),
    lambda: nd.scatter_nd(nd.array([1, 2, 3]), nd.array([[1, 0, 2]]), shape=(4, 2)),
    lambda: nd.scatter_nd(nd.array([1, 2, 3]), nd.array(np.zeros((3, 3))), shape=(4, 2)),
    lambda: nd.scatter_nd(nd.array([1, 2, 3]), nd.array([[1, 0, 2]])),
    lambda: nd._internal._scatter_set_nd(nd.array(np.ones((2, 2))), nd.array([2, 3]),
                                         nd.array([[1, 1], [0, 1]]), shape=(3, 2)),
    lambda: nd._internal._scatter_set_nd(nd.array(np.ones((2, 2)), dtype='int32'),
                                         nd.array([2, 3]), nd.array([[1, 1], [0, 1]]),
                                         shape=(2, 2)),
    lambda: nd.where(nd.array([0, 1]), _x()[0], _x()[0]),
    lambda: nd.where(nd.array([[0, 1, 0]]), _x()[0], _x()[0]),
    lambda: nd.where(nd.array([0, 1, 0]), _x()[0], nd.array(np.zeros((3, 4)), dtype='int32')),
    lambda: nd.where(nd.array([0, 1, 0]), _x()[0], _x()[0][0:2]),
    lambda: nd.ravel_multi_index(nd.array([[3, 6, 6], [4, 5, 1]])),
    lambda: nd.ravel_multi_index(nd.array([[3, 6, 6], [4, 5, 1]]), shape=(7, 6, 2)),
    lambda: nd.ravel_multi_index(nd.array([3, 6, 6]), shape=(7,)),
    lambda: nd.unravel_index(nd.array([22, 41, 37])),
    lambda: nd.fill_element_0index(_x()[0], nd.array([10, 20]), nd.array([0, 1, 3])),
    lambda: nd.fill_element_0index(_x(), nd.array([10, 20]), nd.array([0, 1])),
    lambda: nd.fill_element_0index(_x()[0], nd.array([1, 2, 3], dtype='int32'),
                                   nd.array([0, 1, 3])),
]


@pytest.mark.parametrize('i', range(len(BAD)))
def test_bad_input_raises(i):
    with pytest.raises(MXNetError):
        BAD[i]()


def test_error_messages_name_the_operator():
    with pytest.raises(MXNetError, match='slice_axis'):
        nd.slice_axis(_x(), axis=1, begin=0, end=10)
    with pytest.raises(MXNetError, match=r'step\[0\] cannot be 0'):
        nd.slice(_x(), begin=(0,), end=(1,), step=(0,))
    with pytest.raises(IndexError, match='index 5 is out of bounds for axis 0 with size 3'):
        nd.gather_nd(_x()[0], nd.array([[5, 1], [1, 1]]))
    with pytest.raises(MXNetError, match='take operator contains indices out of bound'):
        nd.take(_x(), nd.array([3.5]), axis=1, mode='raise').wait_to_read()
    with pytest.raises(MXNetError, match="one of"):
        nd.take(_x(), nd.array([1]), mode='foo')


def test_errors_leave_out_unchanged():
    o = nd.array(np.ones((2, 2)))
    with pytest.raises(MXNetError):
        nd._internal._scatter_set_nd(o, nd.array([2, 3]), nd.array([[1, 9], [0, 1], [1, 1]]),
                                     shape=(2, 2), out=o)
    np.testing.assert_allclose(o.asnumpy(), np.ones((2, 2)))


def test_meta_shape_inference():
    import torch
    from mxnet._ops import get
    m = lambda *s, dt=torch.float32: torch.empty(s, device='meta', dtype=dt)  # noqa: E731
    cases = [
        ('slice', dict(begin=(None, 1), end=(None, None), step=(-1, 2)), [m(2, 5)], (2, 2)),
        ('slice_axis', dict(axis=1, begin=0, end=2), [m(2, 5)], (2, 2)),
        ('slice_like', {}, [m(4, 5), m(2, 3)], (2, 3)),
        ('take', dict(axis=1), [m(2, 5), m(3, 4)], (2, 3, 4)),
        ('take', dict(mode='raise'), [m(2, 5), m(3)], (3, 5)),
        ('pick', dict(axis=0, keepdims=True), [m(2, 5), m(5)], (1, 5)),
        ('one_hot', dict(depth=4), [m(2, 3)], (2, 3, 4)),
        ('gather_nd', {}, [m(2, 5, 3), m(2, 7)], (7, 3)),
        ('scatter_nd', dict(shape=(4, 5, 3)), [m(7, 3), m(2, 7)], (4, 5, 3)),
        ('where', {}, [m(2), m(2, 5), m(2, 5)], (2, 5)),
        ('_ravel_multi_index', dict(shape=(3, 4)), [m(2, 6)], (6,)),
        ('_unravel_index', dict(shape=(3, 4)), [m(6)], (2, 6)),
        ('_slice_assign', dict(begin=(0,), end=(1,)), [m(2, 5), m(1, 5)], (2, 5)),
    ]
    for name, kw, ins, want in cases:
        op = get(name)
        out = op.compute(op.parse_attrs(kw), ins)
        assert out.device.type == 'meta' and tuple(out.shape) == want, (name, out.shape)


def test_aliases_and_namespaces():
    assert nd.crop.opdef is nd.slice.opdef
    assert nd.choose_element_0index.opdef is nd.pick.opdef
    assert nd.ravel_multi_index.opdef is nd._internal._ravel_multi_index.opdef
    assert nd.unravel_index.opdef is nd._internal._unravel_index.opdef
    assert nd._internal._crop_assign.opdef is nd._internal._slice_assign.opdef
    assert nd._internal._crop_assign_scalar.opdef is nd._internal._slice_assign_scalar.opdef
    import inspect
    assert list(inspect.signature(nd.take).parameters)[:4] == ['a', 'indices', 'axis', 'mode']
    assert list(inspect.signature(nd.pick).parameters)[:5] == ['data', 'index', 'axis',
                                                               'keepdims', 'mode']
    assert list(inspect.signature(nd.one_hot).parameters)[:5] == ['indices', 'depth',
                                                                  'on_value', 'off_value',
                                                                  'dtype']
    assert list(inspect.signature(nd._internal._slice_assign_scalar).parameters)[:5] == [
        'data', 'scalar', 'begin', 'end', 'step']
