"""Shape-manipulation operators vs MXNet 1.9.1 (mxnet/operator/shape.py)."""
import numpy as np
import pytest

import mxnet as mx
from mxnet import nd, autograd
from mxnet.test_utils import check_numeric_gradient


RESHAPE = '''
x = nd.array(np.arange(24).reshape((2, 3, 4)))
shapes = [(0, -1), (-1, -2), (-3, -2), (-4, 2, -1, -2), (2, -4, -1, 3, -2), (-1,), (0, 0, -1),
          (4, 0, -1), (6, -1, 0), (-2,), (-2, -2), (-1, -3), (-4, 1, 2, -2), (0, -4, 1, 3, 0),
          (0, -4, -1, 1, 0), (2, 0, 2, 2), (4, 6)]
for i, s in enumerate(shapes):
    OUT['r%d' % i] = nd.Reshape(x, shape=s)
for i, s in enumerate([(0, -1), (-1,), (0, 0, -1), (4, 0, -1), (6, -1, 0), (-2,), (-1, -3)]):
    OUT['rev%d' % i] = nd.Reshape(x, shape=s, reverse=True)
z = nd.array(np.arange(200).reshape((10, 5, 4)))
OUT['rev_a'] = nd.Reshape(z, shape=(-1, 0), reverse=True)
OUT['rev_b'] = nd.Reshape(z, shape=(-1, 0))
# with reverse=True the codes are reversed literally: a -4 follows its two split dims
OUT['rev_m4'] = nd.Reshape(z, shape=(0, 0, 2, 2, -4), reverse=True)
OUT['str1'] = nd.Reshape(x, shape='(4, -1)')
OUT['str2'] = nd.Reshape(x, shape='[4,-1]', reverse='True')
OUT['alias'] = nd.reshape(x, (4, -1))
OUT['int'] = nd.Reshape(nd.array(np.arange(6), dtype='int32'), shape=(2, 3))
OUT['f16'] = nd.reshape(nd.array(np.arange(6), dtype='float16'), shape=(3, 2))
OUT['ts1'] = nd.Reshape(x, target_shape=(0, 4))
OUT['ts2'] = nd.Reshape(x, target_shape=(3, 0))
OUT['ts3'] = nd.Reshape(x, target_shape=(5, 3, 4), keep_highest=True)
OUT['ts4'] = nd.Reshape(x, target_shape=(5, 0), keep_highest=True)
OUT['ts5'] = nd.Reshape(x, target_shape='(24,)')
OUT['ts6'] = nd.Reshape(x, shape=(4, 6), target_shape=(24,))
OUT['ts7'] = nd.Reshape(x, target_shape=(0,))
OUT['ts8'] = nd.Reshape(x, target_shape=(5, 0, 2), keep_highest=True)
OUT['rl0'] = nd.reshape_like(nd.array(np.arange(6)), nd.zeros((3, 2)))
OUT['rl1'] = nd.reshape_like(nd.array(np.arange(210).reshape((30, 7))), nd.zeros((15, 2, 4)),
                             lhs_begin=0, lhs_end=1, rhs_begin=0, rhs_end=2)
OUT['rl2'] = nd.reshape_like(nd.array(np.arange(15).reshape((3, 5))), nd.zeros((1, 15, 4)),
                             lhs_begin=0, lhs_end=2, rhs_begin=1, rhs_end=2)
OUT['rl3'] = nd.reshape_like(nd.array(np.arange(360).reshape((30, 12))), nd.zeros((4, 2, 2, 3)),
                             lhs_begin=-1, lhs_end=None, rhs_begin=1, rhs_end=None)
OUT['rl4'] = nd.reshape_like(nd.array(np.arange(6)), nd.zeros((3, 2), dtype='int32'))
OUT['rl5'] = nd.reshape_like(nd.array(np.arange(6).reshape((2, 3))), nd.zeros((6, 1)),
                             lhs_begin=0, lhs_end=2, rhs_end=-1)
OUT['rl6'] = nd.reshape_like(nd.array(np.arange(6).reshape((2, 3))), nd.zeros((6, 1)),
                             lhs_begin='0', lhs_end='None')
OUT['fl0'] = nd.Flatten(nd.array(np.arange(24).reshape((2, 3, 2, 2))))
OUT['fl1'] = nd.flatten(nd.array(np.arange(3)))
OUT['fl2'] = nd.flatten(nd.array(np.arange(4).reshape((2, 2)), dtype='int32'))
OUT['fl3'] = x.flatten()
'''

AXES = '''
x = nd.array(np.arange(24).reshape((2, 3, 4)))
OUT['t0'] = nd.transpose(x)
OUT['t1'] = nd.transpose(x, axes=(1, 0, 2))
OUT['t2'] = nd.transpose(x, axes='(2, 0, 1)')
OUT['t3'] = nd.transpose(x, (1, 0, 2))
OUT['t4'] = nd.transpose(nd.array(np.arange(3)))
OUT['t5'] = nd.transpose(x, axes=())
OUT['t6'] = x.transpose(axes=(0, 2, 1))
OUT['t7'] = nd.transpose(nd.array(np.arange(6).reshape((2, 3)), dtype='int64'))
OUT['s0'] = nd.SwapAxis(x)
OUT['s1'] = nd.swapaxes(x, 0, 2)
OUT['s2'] = nd.swapaxes(x, dim1=-1, dim2=0)
OUT['s3'] = nd.swapaxes(x, dim1='1', dim2='2')
OUT['s4'] = x.swapaxes(1, 2)
OUT['e0'] = nd.expand_dims(x, 3)
OUT['e1'] = nd.expand_dims(x, -1)
OUT['e2'] = nd.expand_dims(x, -4)
OUT['e3'] = nd.expand_dims(x, axis='1')
OUT['e4'] = x.expand_dims(0)
z = nd.zeros((1, 3, 1, 2)) + nd.array(np.arange(6).reshape((1, 3, 1, 2)))
OUT['q0'] = nd.squeeze(z)
OUT['q1'] = nd.squeeze(z, axis=0)
OUT['q2'] = nd.squeeze(z, axis=(0, 2))
OUT['q3'] = nd.squeeze(z, axis=-2)
OUT['q4'] = nd.squeeze(nd.ones((1, 1)))
OUT['q5'] = nd.squeeze(nd.ones((1,)))
OUT['q6'] = nd.squeeze(z, axis='(0, 2)')
OUT['q7'] = nd.squeeze(z, axis=())
OUT['q8'] = nd.squeeze(nd.ones((1, 1)), axis=(0, 1))
OUT['q9'] = nd.squeeze(z, axis='None')
OUT['q10'] = nd.squeeze(nd.ones((1, 2, 1)), axis=[0, 2])
OUT['q11'] = z.squeeze(axis=2)
'''

JOIN_SPLIT = '''
a = nd.array(np.arange(6).reshape((2, 3)))
b = nd.array(np.arange(4).reshape((2, 2)))
x = nd.array(np.arange(24).reshape((2, 3, 4)))
OUT['c0'] = nd.Concat(a, b)
OUT['c1'] = nd.concat(a, b, dim=1)
OUT['c2'] = nd.concat(a, a, dim=0)
OUT['c3'] = nd.concat(a, a * 2, dim=-1)
OUT['c4'] = nd.concat(a)
OUT['c5'] = nd.concat(a, a, num_args=2, dim=0)
OUT['c6'] = nd.concat(*[a, a, a], dim='0')
OUT['c7'] = nd.concat(a.astype('int32'), a.astype('int32'), dim=0)
OUT['k0'] = nd.stack(a, a * 2)
OUT['k1'] = nd.stack(a, a * 2, axis=2)
OUT['k2'] = nd.stack(a, a * 2, axis=-1)
OUT['k3'] = nd.stack(a, a * 2, axis=-3)
OUT['k4'] = nd.stack(a)
OUT['k5'] = nd.stack(a, a * 2, num_args=2, axis=1)
for i, r in enumerate(nd.split(x, 3)):
    OUT['p0_%d' % i] = r
for i, r in enumerate(nd.split(x, 2, axis=0, squeeze_axis=True)):
    OUT['p1_%d' % i] = r
OUT['p_one'] = nd.split(x, 1)
for i, r in enumerate(nd.SliceChannel(x, num_outputs=4, axis=-1)):
    OUT['p3_%d' % i] = r
for i, r in enumerate(nd.split(x, num_outputs=3, axis=1, squeeze_axis='1')):
    OUT['p4_%d' % i] = r
for i, r in enumerate(x.split(num_outputs=2, axis=2)):
    OUT['p5_%d' % i] = r
sv = nd._internal._split_v2
cases = [dict(indices=(0, 1), axis=1), dict(indices=(0, 2), axis=2), dict(indices=(), sections=3, axis=1),
         dict(indices=(0, 1, 2), axis=1, squeeze_axis=True), dict(indices=(0, 2), axis=-1),
         dict(indices=(0, 2, 2), axis=2), dict(indices=(0, 4), axis=2), dict(indices=(0, 2)),
         dict(indices=(0, 1), axis=0, squeeze_axis=True), dict(indices=(0, 1), sections=2, axis=0),
         dict(indices=(), sections=3, axis=2), dict(indices=(), sections=4, axis=2, squeeze_axis=True),
         dict(indices='(0, 1)', axis='-3')]
for i, kw in enumerate(cases):
    res = sv(x, **kw)
    for j, r in enumerate(res if isinstance(res, list) else [res]):
        OUT['v%d_%d' % (i, j)] = r
res = sv(x, (0, 1), 2)
OUT['vpos0'] = res[0]
OUT['vpos1'] = res[1]
OUT['vone'] = sv(x, indices=(0,), axis=1)
'''

REPEAT_PAD_FLIP = '''
a = nd.array(np.arange(6).reshape((2, 3)))
x = nd.array(np.arange(24).reshape((2, 3, 4)))
OUT['t0'] = nd.tile(a, reps=(2,))
OUT['t1'] = nd.tile(a, reps=(2, 1, 2))
OUT['t2'] = nd.tile(a, (2, 2))
OUT['t3'] = nd.tile(a, reps=())
OUT['t4'] = nd.tile(a, reps='(1, 2)')
OUT['t5'] = nd.tile(a, reps=3)
OUT['t6'] = a.tile(reps=(2, 1))
OUT['r0'] = nd.repeat(a, 2)
OUT['r1'] = nd.repeat(a, repeats=2, axis=1)
OUT['r2'] = nd.repeat(a, repeats=2, axis=-2)
OUT['r3'] = nd.repeat(a, repeats=0, axis=1)
OUT['r4'] = nd.repeat(a, repeats=2, axis='None')
OUT['r5'] = nd.repeat(a, repeats=0)
OUT['r6'] = a.repeat(repeats=3, axis=0)
OUT['f0'] = nd.flip(x, axis=0)
OUT['f1'] = nd.flip(x, axis=(0, 2))
OUT['f2'] = nd.reverse(x, axis=1)
OUT['f3'] = nd.flip(x, axis=(0, 0))
OUT['f4'] = nd.flip(x, axis=())
OUT['f5'] = nd.flip(x, axis=(0, 1, 2, 0))
OUT['f6'] = nd.flip(x, axis='(1, 2)')
OUT['f7'] = x.flip(axis=2)
rs = np.random.RandomState(0)
x4 = nd.array(rs.randn(2, 2, 3, 3))
x5 = nd.array(rs.randn(2, 1, 3, 4, 5))
OUT['p0'] = nd.Pad(x4, mode='constant', pad_width=(0, 0, 0, 0, 1, 1, 1, 1), constant_value=5)
OUT['p1'] = nd.pad(x4, mode='edge', pad_width=(0, 0, 0, 0, 1, 2, 2, 1))
OUT['p2'] = nd.pad(x4, mode='reflect', pad_width=(0, 0, 0, 0, 2, 2, 1, 1))
OUT['p3'] = nd.pad(x5, mode='constant', pad_width=(0, 0, 0, 0, 1, 1, 1, 1, 1, 1), constant_value=-1)
OUT['p4'] = nd.pad(x5, mode='edge', pad_width=(0, 0, 0, 0, 1, 0, 0, 1, 2, 1))
OUT['p5'] = nd.pad(x5, mode='reflect', pad_width=(0, 0, 0, 0, 2, 2, 3, 3, 4, 4))
OUT['p6'] = nd.pad(x4, mode='constant', pad_width='(0, 0, 0, 0, 1, 1, 1, 1)', constant_value='2.5')
OUT['p7'] = nd.pad(x4, 'constant', (0, 0, 0, 0, 1, 1, 1, 1), 3)
OUT['p8'] = nd.pad(x4, mode='constant', pad_width=(0, 0, 0, 0, -1, 1, 1, 1))
OUT['p9'] = nd.pad(x4.astype('float64'), mode='edge', pad_width=(0, 0, 0, 0, 1, 1, 1, 1))
OUT['p10'] = nd.pad(x4.astype('float16'), mode='reflect', pad_width=(0, 0, 0, 0, 1, 1, 1, 1))
OUT['p11'] = x4.pad(mode='constant', pad_width=(0, 0, 0, 0, 0, 1, 2, 0))
'''

BROADCAST_MISC = '''
r = nd.array(np.arange(3).reshape((1, 3)))
c = nd.array(np.arange(3).reshape((1, 3, 1)))
o = nd.ones((2, 3, 4))
OUT['b0'] = nd.broadcast_to(r, shape=(2, 3))
OUT['b1'] = nd.broadcast_to(r, shape=(2, 0))
OUT['b2'] = nd.broadcast_to(r, shape='(4, 0)')
OUT['b3'] = nd.broadcast_to(r, shape=(0, 3))
OUT['b4'] = r.broadcast_to((2, 3))
OUT['b5'] = nd.broadcast_to(r.astype('int32'), shape=(3, 3))
OUT['l0'] = nd.broadcast_like(c, o)
OUT['l1'] = nd.broadcast_like(c, o, lhs_axes=(0,), rhs_axes=(0,))
OUT['l2'] = nd.broadcast_like(c, o, lhs_axes=(0, 2), rhs_axes=(2, 0))
OUT['l3'] = nd.broadcast_like(c, o, lhs_axes=(-1,), rhs_axes=(-1,))
OUT['l4'] = nd.broadcast_like(c, o, lhs_axes=(0,))
OUT['l5'] = nd.broadcast_like(c, nd.ones((5, 2)), lhs_axes=(0,), rhs_axes=(1,))
OUT['l6'] = nd.broadcast_like(c, o.astype('int32'))
OUT['l7'] = c.broadcast_like(o)
OUT['l8'] = nd.broadcast_like(c, o, lhs_axes=(0, 0), rhs_axes=(0, 2))
OUT['l9'] = nd.broadcast_like(c, o, lhs_axes='(0, 2)', rhs_axes='(1, 2)')
OUT['a0'] = nd.broadcast_axis(c, axis=0, size=2)
OUT['a1'] = nd.broadcast_axes(c, axis=(0, 2), size=(2, 4))
OUT['a2'] = nd.broadcast_axis(c)
OUT['a3'] = nd.broadcast_axis(c, axis='(0,)', size='2')
OUT['a4'] = c.broadcast_axes(axis=2, size=3)
d = nd.array(np.arange(2 * 8 * 2 * 3).reshape((2, 8, 2, 3)))
OUT['d0'] = nd.depth_to_space(d, 2)
OUT['d1'] = nd.depth_to_space(d, 1)
OUT['d2'] = nd.space_to_depth(nd.array(np.arange(96).reshape((2, 2, 4, 6))), 2)
OUT['d3'] = nd.space_to_depth(nd.array(np.arange(96).reshape((2, 2, 4, 6))), block_size='2')
OUT['d4'] = nd.depth_to_space(nd.array(np.arange(8).reshape((1, 4, 1, 2)), dtype='int32'), 2)
OUT['d5'] = d.depth_to_space(2).space_to_depth(2)
OUT['sa0'] = nd.shape_array(d)
OUT['sa1'] = nd.shape_array(nd.array(np.arange(3), dtype='int32'))
OUT['sz0'] = nd.size_array(d)
OUT['sz1'] = nd.size_array(nd.ones((2, 3), dtype='float16'))
OUT['sa2'] = d.shape_array()
OUT['sz2'] = d.size_array()
v = nd.array(np.arange(3))
m = nd.array(np.arange(12).reshape((3, 4)))
t = nd.array(np.arange(24).reshape((2, 3, 4)))
OUT['g0'] = nd.diag(v)
OUT['g1'] = nd.diag(v, k=1)
OUT['g2'] = nd.diag(v, k=-2)
OUT['g3'] = nd.diag(m)
OUT['g4'] = nd.diag(m, k=2)
OUT['g5'] = nd.diag(m, k=-1)
OUT['g6'] = nd.diag(t)
OUT['g7'] = nd.diag(t, k=1, axis1=1, axis2=2)
OUT['g8'] = nd.diag(t, axis1=-1, axis2=0)
OUT['g9'] = nd.diag(t, axis1=2, axis2=0, k=-1)
OUT['g10'] = nd.diag(m, k=4)
OUT['g11'] = nd.diag(m, k=-3)
OUT['g12'] = nd.diag(t, k=-2, axis1=1, axis2=2)
OUT['g13'] = nd.diag(m, axis1=1, axis2=0, k=1)
OUT['g14'] = nd.diag(nd.array([5]))
OUT['g15'] = nd.diag(nd.array(np.arange(3), dtype='int32'), 1)
OUT['g16'] = nd.diag(v, k=5)
OUT['g17'] = m.diag(k='1')
x = nd.array(np.arange(2 * 2 * 5 * 6).reshape((2, 2, 5, 6)))
like = nd.zeros((1, 1, 3, 4))
OUT['c0'] = nd.Crop(x, h_w=(2, 3))
OUT['c1'] = nd.Crop(x, h_w=(2, 3), offset=(1, 2))
OUT['c2'] = nd.Crop(x, h_w=(2, 3), center_crop=True)
OUT['c3'] = nd.Crop(x, like)
OUT['c4'] = nd.Crop(x, like, center_crop=True)
OUT['c5'] = nd.Crop(x, like, offset=(2, 1))
OUT['c6'] = nd.Crop(x, num_args=1, h_w=(2, 3))
OUT['c7'] = nd.Crop(x, h_w=(3, 3), center_crop=True)
OUT['c8'] = nd.Crop(x, h_w=(4, 5), center_crop=True)
OUT['c9'] = nd.Crop(x, h_w=(2, 3), offset=(1, 2), center_crop=True)
OUT['c10'] = nd.Crop(x, like, h_w=(1, 1))
OUT['c11'] = nd.Crop(x, h_w='(2, 3)', offset='(1,1)', center_crop='True')
OUT['c12'] = nd.Crop(x, h_w=(5, 6))
'''

# MXNet's imperative ops never alias their input (only NDArray.reshape and x[i] do)
COPIES = '''
def after_write(f):
    a = nd.array(np.arange(6).reshape((2, 3)))
    y = f(a)
    a[:] = 0
    return y[0] if isinstance(y, list) else y
cases = {
    'flatten': nd.flatten, 'Reshape': lambda a: nd.Reshape(a, shape=(3, 2)),
    'reshape_method': lambda a: a.reshape((3, 2)), 'expand': lambda a: nd.expand_dims(a, 0),
    'transpose': nd.transpose, 'squeeze': nd.squeeze, 'bto': lambda a: nd.broadcast_to(a, (2, 3)),
    'blike': lambda a: nd.broadcast_like(a, a), 'baxis': lambda a: nd.broadcast_axis(a),
    'reshape_like': lambda a: nd.reshape_like(a, nd.zeros((3, 2))),
    'split1': lambda a: nd.split(a, 1, axis=0), 'split2': lambda a: nd.split(a, 2, axis=0),
    'split_v2': lambda a: nd._internal._split_v2(a, indices=(0, 1), axis=0),
    'swap': lambda a: nd.swapaxes(a, 0, 0), 'tile': lambda a: nd.tile(a, reps=()),
    'flip': lambda a: nd.flip(a, axis=()), 'concat': lambda a: nd.concat(a),
    'diag': lambda a: nd.diag(a), 'transpose_id': lambda a: nd.transpose(a, axes=(0, 1)),
    'crop': lambda a: nd.Crop(a.reshape((1, 1, 2, 3)), h_w=(2, 3)),
    'stack': lambda a: nd.stack(a),
}
for k, f in cases.items():
    OUT[k] = after_write(f)
'''


# snippets are merged in pairs: each reference run starts a fresh MXNet process
def test_reshape_and_axes_forward(compare):
    compare(RESHAPE + AXES)


def test_join_split_repeat_pad_flip_forward(compare):
    compare(JOIN_SPLIT + REPEAT_PAD_FLIP)


def test_broadcast_misc_forward_and_copies(compare):
    compare(BROADCAST_MISC + COPIES)


def test_gradients_vs_mxnet(compare):
    compare('''
rs = np.random.RandomState(0)
def grad(f, *shapes):
    xs = [nd.array(rs.randn(*s)) for s in shapes]
    for x in xs:
        x.attach_grad()
    with autograd.record():
        y = f(*xs)
        ys = y if isinstance(y, list) else [y]
        heads = [nd.array(rs.randn(*t.shape)) for t in ys]
        loss = sum(((t * h).sum() for t, h in zip(ys, heads)), nd.zeros((1,)))
    loss.backward()
    return [x.grad for x in xs]
cases = {
    'reshape': (lambda x: nd.Reshape(x, shape=(-1, 0), reverse=True), [(2, 3, 4)]),
    'reshape_like': (lambda x, y: nd.reshape_like(x, y), [(6,), (2, 3)]),
    'flatten': (nd.flatten, [(2, 3, 2)]),
    'transpose': (lambda x: nd.transpose(x, axes=(2, 0, 1)), [(2, 3, 4)]),
    'swap': (lambda x: nd.swapaxes(x, 0, 2), [(2, 3, 4)]),
    'expand': (lambda x: nd.expand_dims(x, 1), [(2, 3)]),
    'squeeze': (lambda x: nd.squeeze(x, axis=0), [(1, 3)]),
    'concat': (lambda x, y: nd.concat(x, y, dim=0), [(2, 3), (4, 3)]),
    'stack': (lambda x, y: nd.stack(x, y, axis=1), [(2, 3), (2, 3)]),
    'split': (lambda x: nd.split(x, 3, axis=1, squeeze_axis=True), [(2, 3, 2)]),
    'split_v2': (lambda x: nd._internal._split_v2(x, indices=(0, 1), axis=1), [(2, 4)]),
    'tile': (lambda x: nd.tile(x, reps=(2, 1, 3)), [(2, 3)]),
    'repeat': (lambda x: nd.repeat(x, repeats=3, axis=1), [(2, 3)]),
    'repeat_flat': (lambda x: nd.repeat(x, repeats=2), [(2, 3)]),
    'pad_c': (lambda x: nd.pad(x, mode='constant', pad_width=(0, 0, 0, 0, 1, 2, 2, 1)), [(1, 2, 3, 3)]),
    'pad_e': (lambda x: nd.pad(x, mode='edge', pad_width=(0, 0, 0, 0, 1, 2, 2, 1)), [(1, 2, 3, 3)]),
    'pad_r': (lambda x: nd.pad(x, mode='reflect', pad_width=(0, 0, 0, 0, 2, 1, 1, 2)), [(1, 2, 3, 4)]),
    'pad_r5': (lambda x: nd.pad(x, mode='reflect', pad_width=(0, 0, 0, 0, 1, 1, 1, 1, 1, 1)), [(1, 1, 3, 3, 3)]),
    'pad_e5': (lambda x: nd.pad(x, mode='edge', pad_width=(0, 0, 0, 0, 1, 1, 1, 2, 2, 1)), [(1, 1, 2, 3, 3)]),
    'flip': (lambda x: nd.flip(x, axis=(0, 1, 0)), [(2, 3)]),
    'bto': (lambda x: nd.broadcast_to(x, shape=(3, 0, 4)), [(1, 2, 1)]),
    'blike': (lambda x, y: nd.broadcast_like(x, y, lhs_axes=(0,), rhs_axes=(1,)), [(1, 2), (2, 3)]),
    'baxis': (lambda x: nd.broadcast_axis(x, axis=(0, 2), size=(3, 2)), [(1, 2, 1)]),
    'd2s': (lambda x: nd.depth_to_space(x, 2), [(1, 8, 2, 3)]),
    's2d': (lambda x: nd.space_to_depth(x, 2), [(1, 2, 4, 2)]),
    'diag1': (lambda x: nd.diag(x, k=-1), [(3,)]),
    'diag2': (lambda x: nd.diag(x, k=1), [(3, 4)]),
    'diag3': (lambda x: nd.diag(x, axis1=2, axis2=0), [(3, 2, 4)]),
    'crop': (lambda x: nd.Crop(x, h_w=(2, 3), offset=(1, 1)), [(1, 2, 4, 5)]),
    'crop_like': (lambda x, y: nd.Crop(x, y, center_crop=True), [(1, 2, 4, 5), (1, 1, 2, 2)]),
}
for k, (f, shapes) in cases.items():
    for i, g in enumerate(grad(f, *shapes)):
        OUT['%s_%d' % (k, i)] = g
''', rtol=1e-5, atol=1e-5)


def test_numeric_gradients():
    rs = np.random.RandomState(1)
    check_numeric_gradient(lambda x: nd.Reshape(x, shape=(-4, 2, -1, 0)) * 1.5,
                           [rs.randn(4, 3)])
    check_numeric_gradient(lambda x: nd.transpose(x, axes=(1, 2, 0)), [rs.randn(2, 3, 2)])
    check_numeric_gradient(lambda x, y: nd.concat(x, y, dim=1), [rs.randn(2, 2), rs.randn(2, 3)])
    check_numeric_gradient(lambda x, y: nd.stack(x, y, axis=-1), [rs.randn(2, 2), rs.randn(2, 2)])
    check_numeric_gradient(lambda x: nd.split(x, 2, axis=0), [rs.randn(4, 2)])
    check_numeric_gradient(lambda x: nd._internal._split_v2(x, indices=(0, 1), axis=1),
                           [rs.randn(2, 3)])
    check_numeric_gradient(lambda x: nd.tile(x, reps=(2, 2)), [rs.randn(2, 3)])
    check_numeric_gradient(lambda x: nd.repeat(x, repeats=2, axis=0), [rs.randn(2, 3)])
    for mode in ('constant', 'edge', 'reflect'):
        check_numeric_gradient(lambda x: nd.pad(x, mode=mode, pad_width=(0, 0, 0, 0, 1, 2, 2, 1)),
                               [rs.randn(1, 1, 3, 3)])
    check_numeric_gradient(lambda x: nd.flip(x, axis=(0, 1)), [rs.randn(2, 3)])
    check_numeric_gradient(lambda x: nd.broadcast_to(x, shape=(3, 2)), [rs.randn(1, 2)])
    check_numeric_gradient(lambda x: nd.broadcast_axis(x, axis=1, size=3), [rs.randn(2, 1)])
    check_numeric_gradient(lambda x: nd.depth_to_space(x, 2), [rs.randn(1, 4, 2, 2)])
    check_numeric_gradient(lambda x: nd.space_to_depth(x, 2), [rs.randn(1, 1, 4, 2)])
    check_numeric_gradient(lambda x: nd.diag(x, k=1), [rs.randn(3, 3)])
    check_numeric_gradient(lambda x: nd.diag(x), [rs.randn(3)])
    check_numeric_gradient(lambda x: nd.Crop(x, h_w=(2, 2), center_crop=True),
                           [rs.randn(1, 1, 4, 4)])


def test_reshape_codes_local():
    x = nd.zeros((2, 3, 4))
    for shape, want in [((0, -1), (2, 12)), ((-3, -2), (6, 4)), ((-4, 1, 2, -2), (1, 2, 3, 4)),
                        ((2, -4, -1, 3, -2), (2, 1, 3, 4)), ((-1, -3), (2, 12))]:
        assert nd.reshape(x, shape=shape).shape == want
    assert nd.Reshape(nd.zeros((10, 5, 4)), shape=(-1, 0), reverse=True).shape == (50, 4)
    assert nd.split(x, 1).shape == (2, 3, 4)   # one output: an array, not a list
    assert isinstance(nd.split(x, 3), list)
    assert nd.shape_array(x).dtype == np.int64 and nd.size_array(x).dtype == np.int64


def test_split_v2_wrapper():
    split_v2 = nd.split_v2
    x = nd.array(np.arange(24).reshape((2, 3, 4)))
    parts = split_v2(x, (1, 3), axis=2)
    assert [p.shape for p in parts] == [(2, 3, 1), (2, 3, 2), (2, 3, 1)]
    np.testing.assert_array_equal(parts[1].asnumpy(), x.asnumpy()[:, :, 1:3])
    assert [p.shape for p in split_v2(x, 2, axis=0, squeeze_axis=True)] == [(3, 4), (3, 4)]
    with pytest.raises(ValueError):
        split_v2(x, 5, axis=2)
    with pytest.raises(ValueError):
        split_v2(x, [1, 2], axis=2)


BAD = [
    lambda x: nd.Reshape(x, shape=(5, 5)),
    lambda x: nd.Reshape(x, shape=(5, -1)),
    lambda x: nd.Reshape(x, shape=(-1, -1)),
    lambda x: nd.Reshape(x, shape=(-3,)),
    lambda x: nd.Reshape(x, shape=(-4, 2, 3, -2)),
    lambda x: nd.Reshape(x, shape=(-4, -1, -1, -2)),
    lambda x: nd.Reshape(x, shape=(-5,)),
    lambda x: nd.Reshape(x),
    lambda x: nd.Reshape(x, target_shape=(-1, 4)),
    lambda x: nd.Reshape(x, shape='(a, b)'),
    lambda x: nd.Reshape(x, shape=(4, 6), bogus=1),
    lambda x: nd.reshape_like(x, nd.zeros((4, 2))),
    lambda x: nd.reshape_like(x, nd.zeros((3, 8)), lhs_begin=1, lhs_end=1),
    lambda x: nd.reshape_like(x, nd.zeros((3, 8)), lhs_end=4),
    lambda x: nd.reshape_like(x, nd.zeros((3, 8)), rhs_begin=-3),
    lambda x: nd.transpose(x, axes=(-1, 0, 1)),
    lambda x: nd.transpose(x, axes=(0, 1)),
    lambda x: nd.transpose(x, axes=(0, 0, 1)),
    lambda x: nd.transpose(x, axes=(0, 1, 3)),
    lambda x: nd.swapaxes(x, 3, 0),
    lambda x: nd.swapaxes(x, -4, 0),
    lambda x: nd.expand_dims(x, 4),
    lambda x: nd.expand_dims(x, -5),
    lambda x: nd.expand_dims(x),
    lambda x: nd.squeeze(x, axis=1),
    lambda x: nd.squeeze(nd.zeros((1, 3, 1)), axis=3),
    lambda x: nd.squeeze(nd.zeros((1, 3, 1)), axis=(0, 0)),
    lambda x: nd.squeeze(nd.zeros((1, 3, 1)), axis=(0, -3)),
    lambda x: nd.concat(x, nd.zeros((2, 2, 4)), dim=0),
    lambda x: nd.concat(x, x.astype('int32'), dim=0),
    lambda x: nd.concat(x, x, dim=3),
    lambda x: nd.concat(x, x, dim=-4),
    lambda x: nd.concat(x, x, num_args=3),
    lambda x: nd.concat(x, nd.zeros((2, 3)), dim=0),
    lambda x: nd.concat(),
    lambda x: nd.stack(x, nd.zeros((2, 4, 3))),
    lambda x: nd.stack(x, nd.zeros((2, 3))),
    lambda x: nd.stack(x, x.astype('int32')),
    lambda x: nd.stack(x, x, axis=4),
    lambda x: nd.stack(x, x, axis=-5),
    lambda x: nd.split(x, num_outputs=2, axis=1),
    lambda x: nd.split(x, num_outputs=2, axis=2, squeeze_axis=True),
    lambda x: nd.split(x, num_outputs=2, axis=3),
    lambda x: nd.split(x, num_outputs=1, axis=0, squeeze_axis=True),
    lambda x: nd.split(x, num_outputs=0, axis=0),
    lambda x: nd.split(x, axis=0),
    lambda x: nd._internal._split_v2(x, indices=(0, 5), axis=1),
    lambda x: nd._internal._split_v2(x, indices=(0, 2, 1), axis=1),
    lambda x: nd._internal._split_v2(x, indices=(1, 2), axis=1),
    lambda x: nd._internal._split_v2(x, indices=(0, 2), axis=1, squeeze_axis=True),
    lambda x: nd._internal._split_v2(x, indices=(0, -1), axis=2),
    lambda x: nd._internal._split_v2(x, indices=(), axis=2),
    lambda x: nd._internal._split_v2(x, sections=2, axis=1),
    lambda x: nd._internal._split_v2(x, indices=(0, 1), axis=3),
    lambda x: nd.tile(x, reps=(0, 2)),
    lambda x: nd.tile(x, reps=(-1, 2)),
    lambda x: nd.repeat(x, repeats=-1, axis=1),
    lambda x: nd.repeat(x, repeats=2, axis=3),
    lambda x: nd.repeat(x, repeats=2, axis=-4),
    lambda x: nd.pad(nd.zeros((1, 1, 3, 3)), mode='constant', pad_width=(1, 0, 0, 0, 1, 1, 1, 1)),
    lambda x: nd.pad(nd.zeros((3, 3)), mode='constant', pad_width=(1, 1, 1, 1)),
    lambda x: nd.pad(nd.zeros((1, 1, 3, 3)), mode='reflect', pad_width=(0, 0, 0, 0, 3, 3, 1, 1)),
    lambda x: nd.pad(nd.zeros((1, 1, 3, 3)), mode='constant', pad_width=(0, 0, 0, 0, 1, 1)),
    lambda x: nd.pad(nd.zeros((1, 1, 3, 3)), mode='wrap', pad_width=(0, 0, 0, 0, 1, 1, 1, 1)),
    lambda x: nd.pad(nd.zeros((1, 1, 3, 3), dtype='int32'), mode='constant',
                     pad_width=(0, 0, 0, 0, 1, 1, 1, 1)),
    lambda x: nd.pad(nd.zeros((1, 1, 3, 3)), pad_width=(0, 0, 0, 0, 1, 1, 1, 1)),
    lambda x: nd.flip(x, axis=-1),
    lambda x: nd.flip(x, axis=3),
    lambda x: nd.flip(x),
    lambda x: nd.broadcast_to(nd.zeros((1, 3)), shape=(2, 2, 3)),
    lambda x: nd.broadcast_to(nd.zeros((1, 3)), shape=(2, 4)),
    lambda x: nd.broadcast_to(nd.zeros((1, 3)), shape=(-1, 3)),
    lambda x: nd.broadcast_to(nd.zeros((1, 3)), shape=()),
    lambda x: nd.broadcast_like(nd.zeros((1, 3)), x),
    lambda x: nd.broadcast_like(nd.zeros((1, 3, 1)), x, lhs_axes=(1,), rhs_axes=(1,)),
    lambda x: nd.broadcast_like(nd.zeros((1, 3, 1)), x, lhs_axes=(), rhs_axes=()),
    lambda x: nd.broadcast_like(nd.zeros((1, 3, 1)), x, lhs_axes=(0,), rhs_axes=(5,)),
    lambda x: nd.broadcast_like(nd.zeros((1, 3, 1)), x, lhs_axes=(0,), rhs_axes=(0, 1)),
    lambda x: nd.broadcast_like(nd.zeros((1, 3, 1)), x, lhs_axes=(-4,), rhs_axes=(0,)),
    lambda x: nd.broadcast_like(nd.zeros((3, 3, 1)), x),
    lambda x: nd.broadcast_axis(nd.zeros((1, 3, 1)), axis=-1, size=2),
    lambda x: nd.broadcast_axis(nd.zeros((1, 3, 1)), axis=1, size=3),
    lambda x: nd.broadcast_axis(nd.zeros((1, 3, 1)), axis=(0, 2), size=(2,)),
    lambda x: nd.broadcast_axis(nd.zeros((1, 3, 1)), axis=3, size=2),
    lambda x: nd.broadcast_axis(nd.zeros((1, 3, 1)), axis=(0, 0), size=(2, 3)),
    lambda x: nd.depth_to_space(nd.zeros((2, 8, 2, 3)), 3),
    lambda x: nd.depth_to_space(nd.zeros((2, 8, 2, 3)), 0),
    lambda x: nd.depth_to_space(nd.zeros((2, 4)), 2),
    lambda x: nd.space_to_depth(nd.zeros((2, 8, 2, 3)), 2),
    lambda x: nd.space_to_depth(nd.zeros((2, 8, 2, 2, 2)), 2),
    lambda x: nd.diag(nd.zeros((3, 4)), k=5),
    lambda x: nd.diag(nd.zeros((3, 4)), k=-4),
    lambda x: nd.diag(nd.zeros((1, 4)), k=-3),
    lambda x: nd.diag(x, k=4),
    lambda x: nd.diag(x, k=-3),
    lambda x: nd.diag(x, axis1=1, axis2=1),
    lambda x: nd.diag(x, axis1=3, axis2=1),
    lambda x: nd.Crop(nd.zeros((1, 1, 5, 6)), h_w=(6, 3)),
    lambda x: nd.Crop(nd.zeros((1, 1, 5, 6)), h_w=(2, 7)),
    lambda x: nd.Crop(nd.zeros((1, 1, 5, 6)), h_w=(2, 3), offset=(4, 0)),
    lambda x: nd.Crop(nd.zeros((1, 1, 5, 6)), h_w=(2, 3), offset=(0, 4)),
    lambda x: nd.Crop(nd.zeros((1, 1, 5, 6))),
    lambda x: nd.Crop(nd.zeros((1, 1, 5, 6)), h_w=(0, 3)),
    lambda x: nd.Crop(nd.zeros((2, 3)), h_w=(1, 1)),
    lambda x: nd.Crop(nd.zeros((1, 1, 5, 6), dtype='float64'), h_w=(2, 2)),
    lambda x: nd.Crop(nd.zeros((1, 1, 5, 6)), nd.zeros((1, 1, 3, 3), dtype='int32')),
    lambda x: nd.Crop(nd.zeros((1, 1, 5, 6)), nd.zeros((3, 3))),
    lambda x: nd.Crop(nd.zeros((1, 1, 5, 6)), nd.zeros((1, 1, 3, 3)), nd.zeros((1, 1, 3, 3))),
    lambda x: nd.Crop(nd.zeros((1, 1, 5, 6)), nd.zeros((1, 1, 3, 7))),
]


@pytest.mark.parametrize('i', range(len(BAD)))
def test_errors(i):
    x = nd.zeros((2, 3, 4))
    x0 = x.asnumpy().copy()
    with pytest.raises(mx.base.MXNetError):
        BAD[i](x)
    np.testing.assert_array_equal(x.asnumpy(), x0)


def test_bad_input_errors_name_operator():
    x = nd.zeros((2, 3, 4))
    with pytest.raises(mx.base.MXNetError, match='transpose'):
        nd.transpose(x, axes=(0, 0, 1))
    with pytest.raises(mx.base.MXNetError, match='Reshape'):
        nd.reshape(x, shape=(5, 5))
    with pytest.raises(mx.base.MXNetError, match='Concat'):
        nd.concat(x, nd.zeros((2, 2, 4)), dim=0)
    with pytest.raises(mx.base.MXNetError, match='Pad'):
        nd.pad(nd.zeros((3, 3)), mode='constant', pad_width=(1, 1, 1, 1))


def test_out_and_meta():
    import torch
    from mxnet._ops import get
    x = nd.array(np.arange(6).reshape((2, 3)))
    out = nd.zeros((3, 2))
    r = nd.transpose(x, out=out)
    assert r is out
    np.testing.assert_array_equal(out.asnumpy(), np.arange(6).reshape((2, 3)).T)
    # forwards run on meta tensors (shape inference for the Symbol layer)
    m = torch.empty((2, 8, 2, 3), device='meta')
    cases = [('Reshape', dict(shape=(0, -1)), (2, 48)), ('transpose', {}, (3, 2, 8, 2)),
             ('depth_to_space', dict(block_size=2), (2, 2, 4, 6)),
             ('tile', dict(reps=(2,)), (2, 8, 2, 6)), ('repeat', dict(repeats=2, axis=1), (2, 16, 2, 3)),
             ('flip', dict(axis=(1,)), (2, 8, 2, 3)), ('diag', dict(k=1), (2, 3, 2)),
             ('Pad', dict(mode='reflect', pad_width=(0, 0, 0, 0, 1, 1, 1, 1)), (2, 8, 4, 5)),
             ('shape_array', {}, (4,)), ('broadcast_axis', {}, (2, 8, 2, 3))]
    for name, kw, want in cases:
        op = get(name)
        res = op.compute(op.parse_attrs(kw), [m])
        assert tuple(res.shape) == want, (name, res.shape)
    op = get('SliceChannel')
    res = op.compute(op.parse_attrs(dict(num_outputs=2, axis=1)), [m])
    assert [tuple(r.shape) for r in res] == [(2, 4, 2, 3)] * 2
