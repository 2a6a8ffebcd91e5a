"""Convolution, pooling and spatial operators vs MXNet 1.9.1."""
import numpy as np
import pytest

import mxnet as mx
from mxnet import nd, autograd
from mxnet.test_utils import check_numeric_gradient

CONV_TOL = dict(rtol=1e-4, atol=1e-5)

_GRAD_HELPER = '''
def run(name, f, *arrs):
    arrs = [nd.array(a, dtype=a.dtype) for a in arrs]
    for a in arrs:
        a.attach_grad()
    with autograd.record():
        y = f(*arrs)
    OUT[name] = y
    hg = nd.array(np.random.RandomState(7).uniform(-1, 1, y.shape).astype(np.float32), dtype=y.dtype)
    y.backward(hg)
    for i, a in enumerate(arrs):
        OUT[name + '_g%d' % i] = a.grad
rs = np.random.RandomState(0)
def R(*shape, dtype=np.float32):
    return rs.uniform(-1, 1, shape).astype(dtype)
'''


def test_convolution_forward_backward(compare):
    compare(_GRAD_HELPER + '''
x = R(2, 3, 7, 6); w = R(4, 3, 3, 3); b = R(4)
run('basic', lambda x, w, b: nd.Convolution(x, w, b, kernel=(3, 3), num_filter=4), x, w, b)
run('spd', lambda x, w, b: nd.Convolution(x, w, b, kernel=(3, 3), num_filter=4, stride=(2, 1),
    pad=(1, 2), dilate=(2, 1)), x, w, b)
run('strattr', lambda x, w, b: nd.Convolution(x, w, b, kernel='(3, 3)', num_filter='4',
    stride='[2,2]', no_bias='False', pad='(1,1)'), x, w, b)
run('nobias', lambda x, w: nd.Convolution(x, w, kernel=(3, 3), num_filter=4, no_bias=True), x, w)
xg = R(2, 4, 5, 5); wg = R(6, 2, 3, 3); bg = R(6)
run('group', lambda x, w, b: nd.Convolution(x, w, b, kernel=(3, 3), num_filter=6, num_group=2,
    pad=(1, 1)), xg, wg, bg)
wd = R(4, 1, 3, 3); bd = R(4)
run('depthwise', lambda x, w, b: nd.Convolution(x, w, b, kernel=(3, 3), num_filter=4, num_group=4),
    xg, wd, bd)
x1 = R(2, 3, 9); w1 = R(2, 3, 3); b1 = R(2)
run('c1d', lambda x, w, b: nd.Convolution(x, w, b, kernel=(3,), num_filter=2, stride=2, pad=1,
    dilate=2), x1, w1, b1)
x3 = R(1, 2, 5, 4, 5); w3 = R(3, 2, 2, 3, 2); b3 = R(3)
run('c3d', lambda x, w, b: nd.Convolution(x, w, b, kernel=(2, 3, 2), num_filter=3,
    stride=(2, 1, 2), pad=(1, 0, 1)), x3, w3, b3)
run('ncdhw', lambda x, w, b: nd.Convolution(x, w, b, kernel=(2, 3, 2), num_filter=3,
    layout='NCDHW'), x3, w3, b3)
run('f64', lambda x, w, b: nd.Convolution(x, w, b, kernel=(3, 3), num_filter=4, pad=(1, 1)),
    x.astype(np.float64), w.astype(np.float64), b.astype(np.float64))
run('v1', lambda x, w, b: nd.Convolution_v1(x, w, b, kernel=(3, 3), num_filter=4, pad=(1, 1),
    stride=(2, 2)), x, w, b)
''', **CONV_TOL)


def test_deconvolution_and_seed(compare):
    compare(_GRAD_HELPER + '''
x = R(2, 3, 4, 5); w = R(3, 2, 3, 3); b = R(2)
run('basic', lambda x, w: nd.Deconvolution(x, w, kernel=(3, 3), num_filter=2), x, w)
run('bias', lambda x, w, b: nd.Deconvolution(x, w, b, kernel=(3, 3), num_filter=2, no_bias=False,
    stride=(2, 2), pad=(1, 1), adj=(1, 0)), x, w, b)
run('dil', lambda x, w: nd.Deconvolution(x, w, kernel=(3, 3), num_filter=2, stride=(2, 3),
    dilate=(2, 1), pad=(2, 1)), x, w)
xg = R(1, 4, 3, 3); wg = R(4, 3, 2, 2)
run('group', lambda x, w: nd.Deconvolution(x, w, kernel=(2, 2), num_filter=6, num_group=2,
    stride=(2, 2)), xg, wg)
x1 = R(2, 2, 5); w1 = R(2, 3, 3)
run('d1d', lambda x, w: nd.Deconvolution(x, w, kernel=(3,), num_filter=3, stride=(2,)), x1, w1)
x3 = R(1, 2, 3, 2, 3); w3 = R(2, 2, 2, 3, 2)
run('d3d', lambda x, w: nd.Deconvolution(x, w, kernel=(2, 3, 2), num_filter=2, stride=(2, 1, 2)),
    x3, w3)
# seed snippet (/work/shared/seeds/004): Convolution and Pooling on arange inputs, printed

w = nd.arange(4).reshape((1, 1, 2, 2))
b = nd.array([1])
data = nd.arange(9).reshape((1, 1, 3, 3))
out = nd.Convolution(data, w, b, kernel=w.shape[2:], num_filter=w.shape[1], stride=(2, 2),
                     pad=(1, 1))
OUT['seed_conv'] = out
OUT['seed_conv_str'] = str(out)
data = nd.arange(18).reshape((1, 2, 3, 3))
OUT['seed_max'] = nd.Pooling(data=data, pool_type="max", kernel=(2, 2))
OUT['seed_avg'] = nd.Pooling(data=data, pool_type="avg", kernel=(2, 2))
OUT['seed_max_str'] = str(OUT['seed_max'])
''', **CONV_TOL)


def test_pooling_forward_backward(compare):
    compare(_GRAD_HELPER + '''
x = R(2, 3, 7, 6)
for pt in ['max', 'avg', 'sum']:
    for conv in ['valid', 'full']:
        for k, s, p in [((2, 2), (2, 2), (0, 0)), ((3, 3), (2, 2), (1, 1)), ((3, 2), (3, 3), (1, 1)),
                        ((3, 3), (1, 1), (2, 2)), ((3, 3), (2, 3), (0, 1))]:
            name = '%s_%s_%d%d_%d%d_%d%d' % ((pt, conv) + k + s + p)
            run(name, lambda x: nd.Pooling(x, kernel=k, stride=s, pad=p, pool_type=pt,
                pooling_convention=conv), x)
run('cip_false', lambda x: nd.Pooling(x, kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type='avg',
    count_include_pad=False), x)
run('cip_false_full', lambda x: nd.Pooling(x, kernel=(3, 3), stride=(2, 2), pad=(1, 1),
    pool_type='avg', count_include_pad=False, pooling_convention='full'), x)
run('cip_false_bigpad', lambda x: nd.Pooling(x, kernel=(3, 3), pad=(2, 2), pool_type='avg',
    count_include_pad='False'), x)
xp = R(2, 3, 6, 6) + 1.5
for pv in [1, 2, 3]:
    run('lp%d' % pv, lambda x: nd.Pooling(x, kernel=(2, 3), stride=(2, 1), pool_type='lp',
        p_value=pv), xp)
run('lp2_full', lambda x: nd.Pooling(x, kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type='lp',
    p_value=2, pooling_convention='full'), xp)
OUT['lp3_neg'] = nd.Pooling(nd.array(R(1, 2, 4, 4)), kernel=(2, 2), pool_type='lp', p_value=3)
OUT['lp1_neg'] = nd.Pooling(nd.array(R(1, 2, 4, 4)), kernel=(2, 2), pool_type='lp', p_value=1)
for pt in ['max', 'avg', 'sum']:
    run('global_' + pt, lambda x: nd.Pooling(x, kernel=(2, 2), pool_type=pt, global_pool=True), x)
run('global_nokernel', lambda x: nd.Pooling(x, pool_type='avg', global_pool='True'), x)
run('global_lp', lambda x: nd.Pooling(x, pool_type='lp', p_value=2, global_pool=True), xp)
x1 = R(2, 3, 9)
run('p1d_max', lambda x: nd.Pooling(x, kernel=(3,), stride=(2,), pad=(1,)), x1)
run('p1d_avg', lambda x: nd.Pooling(x, kernel=(3,), stride=(2,), pad=(1,), pool_type='avg',
    pooling_convention='full'), x1)
run('p1d_global', lambda x: nd.Pooling(x, pool_type='max', global_pool=True), x1)
x3 = R(1, 2, 5, 4, 5)
run('p3d_max', lambda x: nd.Pooling(x, kernel=(2, 2, 3), stride=(2, 2, 2), pad=(1, 0, 1)), x3)
run('p3d_avg', lambda x: nd.Pooling(x, kernel=(2, 2, 2), stride=(2, 2, 2), pool_type='avg',
    pooling_convention='full'), x3)
run('p3d_sum', lambda x: nd.Pooling(x, kernel=(2, 2, 2), pool_type='sum'), x3)
xn = R(2, 7, 6, 3)
run('nhwc_max', lambda x: nd.Pooling(x, kernel=(3, 3), stride=(2, 2), pad=(1, 1), layout='NHWC'), xn)
run('nhwc_avg', lambda x: nd.Pooling(x, kernel=(2, 2), pool_type='avg', layout='NHWC'), xn)
run('nwc_max', lambda x: nd.Pooling(x, kernel=(2,), layout='NWC'), x1)
run('f64', lambda x: nd.Pooling(x, kernel=(3, 3), stride=(2, 2), pool_type='avg'),
    x.astype(np.float64))
for pt in ['max', 'avg', 'sum']:
    for conv in ['valid', 'full']:
        run('v1_%s_%s' % (pt, conv), lambda x: nd.Pooling_v1(x, kernel=(3, 3), stride=(3, 2),
            pad=(1, 1), pool_type=pt, pooling_convention=conv), x)
run('v1_global', lambda x: nd.Pooling_v1(x, pool_type='avg', global_pool=True), x)
# ties: Pooling sends the gradient to the first maximum, Pooling_v1 to every tied maximum
xt = np.array([[[[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 0, 0], [3, 3, 0, 0]]]], np.float32)
run('tie_max', lambda x: nd.Pooling(x, kernel=(2, 2), stride=(1, 1)), xt)
run('tie_full', lambda x: nd.Pooling(x, kernel=(2, 2), stride=(2, 2), pad=(1, 1),
    pooling_convention='full'), xt)
run('tie_global', lambda x: nd.Pooling(x, global_pool=True), xt)
run('tie_v1', lambda x: nd.Pooling_v1(x, kernel=(2, 2), stride=(1, 1)), xt)
run('tie_v1_pad', lambda x: nd.Pooling_v1(x, kernel=(2, 2), pad=(1, 1)), -xt - 1)
run('tie_v1_global', lambda x: nd.Pooling_v1(x, global_pool=True), xt)
''', **CONV_TOL)


def test_upsampling_correlation(compare):
    compare(_GRAD_HELPER + '''
x = R(2, 3, 2, 4); y = R(2, 2, 4, 8); z = R(2, 1, 1, 2); v = R(2, 3, 1, 2)
run('nearest', lambda x: nd.UpSampling(x, scale=2, sample_type='nearest'), x)
run('nearest3', lambda x: nd.UpSampling(x, scale=3, sample_type='nearest'), x)
run('nearest_scale1', lambda x: nd.UpSampling(x, scale=1, sample_type='nearest'), x)
run('concat', lambda x, y, z: nd.UpSampling(x, y, z, scale=2, sample_type='nearest', num_args=3),
    x, y, z)
run('sum', lambda x, v: nd.UpSampling(x, v, scale=2, sample_type='nearest',
    multi_input_mode='sum', num_args=2), x, v)
w = R(3, 1, 4, 4)
run('bilinear', lambda x, w: nd.UpSampling(x, w, scale=2, sample_type='bilinear', num_filter=3), x, w)
w4 = R(3, 1, 8, 8)
run('bilinear4', lambda x, w: nd.UpSampling(x, w, scale=4, sample_type='bilinear', num_filter=3),
    x, w4)
a = R(2, 3, 9, 8); b = R(2, 3, 9, 8)
run('corr_def', lambda a, b: nd.Correlation(a, b), a, b)
run('corr', lambda a, b: nd.Correlation(a, b, kernel_size=3, max_displacement=2, stride1=2,
    stride2=1, pad_size=2), a, b)
run('corr_s2', lambda a, b: nd.Correlation(a, b, kernel_size=1, max_displacement=4, stride1=1,
    stride2=2, pad_size=4), a, b)
run('corr_sub', lambda a, b: nd.Correlation(a, b, kernel_size=3, max_displacement=1, pad_size=1,
    is_multiply=False), a, b)
''', **CONV_TOL)


def test_roi_im2col_sampler(compare):
    compare(_GRAD_HELPER + '''
x = R(2, 3, 8, 9)
rois = np.array([[0, 0, 0, 7, 7], [1, 2.4, 1.6, 14.2, 12.], [0, 4, 6, 6, 8], [1, 0, 0, 17, 15],
                 [0, 3, 3, 3, 3], [1, 10, 2, 16, 9]], dtype=np.float32)
run('roi', lambda x: nd.ROIPooling(x, nd.array(rois), pooled_size=(2, 3), spatial_scale=0.5), x)
run('roi1', lambda x: nd.ROIPooling(x, nd.array(rois), pooled_size=(3, 3), spatial_scale=1.0), x)
xi = R(2, 3, 6, 7)
run('im2col', lambda x: nd.im2col(x, kernel=(3, 2), stride=(2, 1), pad=(1, 1), dilate=(1, 2)), xi)
run('im2col_def', lambda x: nd.im2col(x, kernel=(2, 2)), xi)
run('col2im', lambda c: nd.col2im(c, output_size=(6, 7), kernel=(3, 2), stride=(2, 1), pad=(1, 1),
    dilate=(1, 2)), R(2, 18, 21))
x = R(2, 3, 5, 6)
grid = R(2, 2, 4, 7) * 1.3
run('bs', lambda x, g: nd.BilinearSampler(x, g), x, grid)
theta = np.array([[0.9, 0.2, 0.1, -0.1, 1.1, 0.05], [1.2, -0.3, 0.2, 0.1, 0.7, -0.2]], np.float32)
run('gg_affine', lambda t: nd.GridGenerator(t, transform_type='affine', target_shape=(3, 4)), theta)
flow = R(2, 2, 3, 4) * 2
run('gg_warp', lambda f: nd.GridGenerator(f, transform_type='warp'), flow)
run('st', lambda x, t: nd.SpatialTransformer(x, t, target_shape=(4, 3), transform_type='affine',
    sampler_type='bilinear'), x, theta)
run('bs64', lambda x, g: nd.BilinearSampler(x, g), x.astype(np.float64), grid.astype(np.float64))
''', **CONV_TOL)


def test_numeric_gradients():
    rs = np.random.RandomState(1)
    x = rs.uniform(-1, 1, (1, 2, 5, 5))
    w = rs.uniform(-1, 1, (3, 2, 3, 3))
    b = rs.uniform(-1, 1, (3,))
    check_numeric_gradient(lambda x, w, b: nd.Convolution(x, w, b, kernel=(3, 3), num_filter=3,
                                                          stride=(2, 1), pad=(1, 1)), [x, w, b])
    wd = rs.uniform(-1, 1, (2, 3, 2, 2))
    check_numeric_gradient(lambda x, w: nd.Deconvolution(x, w, kernel=(2, 2), num_filter=3,
                                                         stride=(2, 2)), [x, wd])
    xu = rs.permutation(50).reshape(1, 2, 5, 5) / 10.0   # distinct values: stable max
    check_numeric_gradient(lambda x: nd.Pooling(x, kernel=(3, 3), stride=(2, 2), pad=(1, 1)),
                           [xu])
    check_numeric_gradient(lambda x: nd.Pooling(x, kernel=(3, 3), stride=(2, 2), pad=(1, 1),
                                                pool_type='avg', pooling_convention='full',
                                                count_include_pad=False), [x])
    check_numeric_gradient(lambda x: nd.Pooling(x + 2, kernel=(2, 2), pool_type='lp',
                                                p_value=2), [x])
    check_numeric_gradient(lambda x, w: nd.UpSampling(x, w, scale=2, sample_type='bilinear',
                                                      num_filter=2),
                           [x, rs.uniform(-1, 1, (2, 1, 4, 4))])
    check_numeric_gradient(lambda x: nd.im2col(x, kernel=(2, 2), stride=(2, 1), pad=(1, 0)), [x])
    check_numeric_gradient(lambda c: nd.col2im(c, output_size=(5, 5), kernel=(2, 2), pad=(1, 1)),
                           [rs.uniform(-1, 1, (1, 8, 36))])
    theta = np.array([[0.8, 0.1, 0.05, -0.1, 0.7, 0.13]])   # no sample exactly on a pixel
    check_numeric_gradient(lambda x, t: nd.SpatialTransformer(
        x, t, target_shape=(3, 3), transform_type='affine', sampler_type='bilinear'),
        [x, theta], numeric_eps=1e-6, dtype=np.float64)
    check_numeric_gradient(lambda a, b: nd.Correlation(a, b, kernel_size=3, max_displacement=1,
                                                       pad_size=1), [x, x[:, :, ::-1].copy()])
    rois = nd.array([[0, 0, 0, 4, 4], [0, 1, 2, 3, 4]])
    check_numeric_gradient(lambda x: nd.ROIPooling(x, rois, pooled_size=(2, 2),
                                                   spatial_scale=1.0), [xu])


def _t(a):
    return nd.array(a, dtype=a.dtype)


def test_layouts_and_target_shape_locally():
    # MXNet 1.9.1's CPU build cannot compute channels-last Convolution/Deconvolution nor
    # Deconvolution with target_shape (MKLDNN "could not create a descriptor"), so these are
    # checked against the equivalent default-layout / explicit-pad calls.
    rs = np.random.RandomState(3)
    x = rs.uniform(-1, 1, (2, 3, 7, 6)).astype(np.float32)
    w = rs.uniform(-1, 1, (4, 3, 3, 2)).astype(np.float32)
    b = rs.uniform(-1, 1, (4,)).astype(np.float32)
    ref = nd.Convolution(_t(x), _t(w), _t(b), kernel=(3, 2), num_filter=4, stride=(2, 1)).asnumpy()
    got = nd.Convolution(_t(x.transpose(0, 2, 3, 1)), _t(w.transpose(0, 2, 3, 1)), _t(b),
                         kernel=(3, 2), num_filter=4, stride=(2, 1), layout='NHWC').asnumpy()
    np.testing.assert_allclose(got, ref.transpose(0, 2, 3, 1), rtol=1e-5, atol=1e-6)
    x3 = rs.uniform(-1, 1, (1, 2, 4, 5, 4)).astype(np.float32)
    w3 = rs.uniform(-1, 1, (3, 2, 2, 3, 2)).astype(np.float32)
    ref = nd.Convolution(_t(x3), _t(w3), kernel=(2, 3, 2), num_filter=3, no_bias=True).asnumpy()
    got = nd.Convolution(_t(x3.transpose(0, 2, 3, 4, 1)), _t(w3.transpose(0, 2, 3, 4, 1)),
                         kernel=(2, 3, 2), num_filter=3, no_bias=True, layout='NDHWC').asnumpy()
    np.testing.assert_allclose(got, ref.transpose(0, 2, 3, 4, 1), rtol=1e-5, atol=1e-6)
    wd = rs.uniform(-1, 1, (3, 2, 3, 3)).astype(np.float32)
    ref = nd.Deconvolution(_t(x), _t(wd), kernel=(3, 3), num_filter=2, stride=(2, 2)).asnumpy()
    got = nd.Deconvolution(_t(x.transpose(0, 2, 3, 1)), _t(wd.transpose(0, 2, 3, 1)),
                           kernel=(3, 3), num_filter=2, stride=(2, 2), layout='NHWC').asnumpy()
    np.testing.assert_allclose(got, ref.transpose(0, 2, 3, 1), rtol=1e-5, atol=1e-6)
    # target_shape: full size is 2*(7-1)+3 = 15 and 2*(6-1)+3 = 13
    got = nd.Deconvolution(_t(x), _t(wd), kernel=(3, 3), num_filter=2, stride=(2, 2),
                           target_shape=(14, 12), pad=(4, 4)).asnumpy()
    ref = nd.Deconvolution(_t(x), _t(wd), kernel=(3, 3), num_filter=2, stride=(2, 2),
                           pad=(1, 1), adj=(1, 1)).asnumpy()
    assert got.shape == (2, 2, 14, 12)
    np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-6)
    got = nd.Deconvolution(_t(x), _t(wd), kernel=(3, 3), num_filter=2, stride=(2, 2),
                           target_shape=(11, 13)).asnumpy()
    ref = nd.Deconvolution(_t(x), _t(wd), kernel=(3, 3), num_filter=2, stride=(2, 2),
                           pad=(2, 0)).asnumpy()
    np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-6)


def test_output_shapes_and_dtypes():
    x = nd.ones((2, 3, 9, 8))
    assert nd.Convolution(x, nd.ones((4, 3, 3, 3)), nd.ones(4), kernel=(3, 3),
                          num_filter=4).shape == (2, 4, 7, 6)
    assert nd.Deconvolution(x, nd.ones((3, 2, 3, 3)), kernel=(3, 3), num_filter=2,
                            stride=(2, 2), target_shape=(18, 17)).shape == (2, 2, 18, 17)
    y = nd.Pooling(x.astype('float16'), kernel=(2, 2), pool_type='avg')
    assert y.dtype == np.float16 and y.shape == (2, 3, 8, 7)
    assert nd.Pooling(x, kernel=(3, 3), stride=(3, 3), pad=(1, 1),
                      pooling_convention='full').shape == (2, 3, 4, 4)
    # a window wholly inside the padding gives the lowest float for max pooling
    z = nd.Pooling(nd.ones((1, 1, 5, 5)), kernel=(3, 3), stride=(3, 3), pad=(1, 1),
                   pooling_convention='full').asnumpy()
    assert z.shape == (1, 1, 3, 3) and z[0, 0, 2, 2] == np.finfo(np.float32).min
    assert nd.UpSampling(x, scale=2, sample_type='nearest').shape == (2, 3, 18, 16)
    assert nd.GridGenerator(nd.ones((2, 6)), transform_type='affine',
                            target_shape=(3, 4)).shape == (2, 2, 3, 4)
    assert nd.Correlation(x, x, kernel_size=3, max_displacement=2, stride1=2, stride2=1,
                          pad_size=2).shape == (2, 25, 4, 3)


def test_infer_shape_hooks():
    from mxnet._ops import get
    conv = get('Convolution')
    a = conv.parse_attrs({'kernel': (3, 3), 'num_filter': 8, 'num_group': 2})
    assert conv.infer_shape(a, [(2, 4, 9, 9), None, None]) == [(2, 4, 9, 9), (8, 2, 3, 3), (8,)]
    a = conv.parse_attrs({'kernel': (3, 3), 'num_filter': 8, 'layout': 'NHWC', 'no_bias': True})
    assert conv.list_inputs(a) == ['data', 'weight']
    assert conv.infer_shape(a, [(2, 9, 9, 4), None]) == [(2, 9, 9, 4), (8, 3, 3, 4)]
    dec = get('Deconvolution')
    a = dec.parse_attrs({'kernel': (2, 2), 'num_filter': 6, 'num_group': 3})
    assert dec.list_inputs(a) == ['data', 'weight']
    assert dec.infer_shape(a, [(1, 3, 4, 4), None]) == [(1, 3, 4, 4), (3, 2, 2, 2)]
    a = dec.parse_attrs({'kernel': (2, 2), 'num_filter': 6, 'no_bias': 'False'})
    assert dec.infer_shape(a, [(1, 3, 4, 4), None, None])[2] == (6,)
    up = get('UpSampling')
    a = up.parse_attrs({'scale': 2, 'sample_type': 'bilinear', 'num_args': 2})
    assert up.infer_shape(a, [(1, 3, 4, 4), None]) == [(1, 3, 4, 4), (3, 1, 4, 4)]


def test_gluon_style_deferred_conv():
    x = nd.ones((1, 3, 6, 6))
    w = nd.ones((5, 3, 3, 3))
    out = nd.Convolution(data=x, weight=w, kernel=(3, 3), num_filter=5, no_bias=True)
    np.testing.assert_allclose(out.asnumpy(), np.full((1, 5, 4, 4), 27.0))


@pytest.mark.parametrize('call', [
    lambda: nd.Convolution(nd.ones((2, 3, 5, 5)), nd.ones((4, 2, 3, 3)), nd.ones(4),
                           kernel=(3, 3), num_filter=4),                         # weight shape
    lambda: nd.Convolution(nd.ones((2, 3, 5, 5)), nd.ones((4, 3, 3, 3)), nd.ones(3),
                           kernel=(3, 3), num_filter=4),                         # bias shape
    lambda: nd.Convolution(nd.ones((2, 3, 5, 5)), nd.ones((4, 3, 3, 3)), kernel=(3, 3),
                           num_filter=4),                                        # bias missing
    lambda: nd.Convolution(nd.ones((2, 3, 5, 5)), nd.ones((4, 3, 3)), nd.ones(4), kernel=(3,),
                           num_filter=4),                                        # kernel rank
    lambda: nd.Convolution(nd.ones((1, 3, 2, 2)), nd.ones((4, 3, 3, 3)), nd.ones(4),
                           kernel=(3, 3), num_filter=4),                         # kernel > input
    lambda: nd.Convolution(nd.ones((2, 3, 5, 5)), nd.ones((4, 3, 3, 3), dtype='float64'),
                           nd.ones(4), kernel=(3, 3), num_filter=4),             # dtype mix
    lambda: nd.Convolution(nd.ones((2, 3, 5, 5)), nd.ones((4, 3, 3, 3)), nd.ones(4),
                           kernel=(3, 3), num_filter=4, stride=(0, 0)),          # stride 0
    lambda: nd.Convolution(nd.ones((2, 3, 5, 5)), nd.ones((4, 3, 3, 3)), nd.ones(4),
                           kernel=(3, 3), num_filter=4, stride=(2,)),            # stride len
    lambda: nd.Convolution(nd.ones((2, 3, 5, 5)), nd.ones((4, 3, 3, 3)), nd.ones(4),
                           kernel=(3, 3), num_filter=4, layout='NCW'),           # layout rank
    lambda: nd.Convolution(nd.ones((1, 3, 7)), nd.ones((2, 3, 3)), nd.ones(2), kernel=(3,),
                           num_filter=2, layout='NWC'),                          # bad layout
    lambda: nd.Convolution_v1(nd.ones((1, 3, 7)), nd.ones((2, 3, 3)), nd.ones(2), kernel=(3,),
                              num_filter=2),                                     # v1 no 1-D
    lambda: nd.Convolution(nd.ones((1, 1, 3, 3, 3, 3)), nd.ones((1, 1, 1, 1, 1, 1)),
                           kernel=(1, 1, 1, 1), num_filter=1, no_bias=True),     # 4-D
    lambda: nd.Convolution(nd.ones((1, 2, 5, 5), dtype='int32'), nd.ones((1, 2, 3, 3),
                           dtype='int32'), nd.ones(1, dtype='int32'), kernel=(3, 3),
                           num_filter=1),                                        # int data
    lambda: nd.Deconvolution(nd.ones((1, 2, 3, 3)), nd.ones((4, 2, 3, 3)), kernel=(3, 3),
                             num_filter=4),                                      # weight shape
    lambda: nd.Deconvolution(nd.ones((1, 2, 3, 3)), nd.ones((2, 4, 3, 3)), nd.ones(4),
                             kernel=(3, 3), num_filter=4),                       # bias, no_bias
    lambda: nd.Deconvolution(nd.ones((1, 2, 3, 3)), nd.ones((2, 4, 3, 3)), kernel=(3, 3),
                             num_filter=4, stride=(2, 2), target_shape=(9, 9)),  # target big
    lambda: nd.Deconvolution(nd.ones((1, 2, 3, 3)), nd.ones((2, 4, 3, 3)), kernel=(3, 3),
                             num_filter=4, stride=(2, 2), adj=(2, 2)),           # adj >= stride
    lambda: nd.Pooling(nd.ones((1, 1, 5, 5)), kernel=(2, 2), pool_type='lp'),    # no p_value
    lambda: nd.Pooling(nd.ones((1, 1, 5, 5)), kernel=(2, 2), pool_type='lp', p_value=4),
    lambda: nd.Pooling(nd.ones((1, 1, 5, 5)), pool_type='max'),                  # no kernel
    lambda: nd.Pooling(nd.ones((1, 1, 5, 5)), kernel=(7, 7)),                    # kernel > input
    lambda: nd.Pooling(nd.ones((1, 1, 5, 5)), kernel=(2, 2), pad=(2, 2)),        # pad >= kernel
    lambda: nd.Pooling(nd.ones((1, 1, 5, 5)), kernel=(2,)),                      # rank
    lambda: nd.Pooling(nd.ones((1, 1, 5, 5)), kernel=(2, 2), stride=(1,)),       # stride len
    lambda: nd.Pooling(nd.ones((1, 1, 5, 5)), kernel=(2, 2), pool_type='median'),
    lambda: nd.Pooling(nd.ones((1, 1, 5, 5)), kernel=(2, 2), pooling_convention='same'),
    lambda: nd.Pooling(nd.ones((1, 1, 5, 5), dtype='int32'), kernel=(2, 2), pool_type='avg'),
    lambda: nd.Pooling(nd.ones((1, 1, 5, 5), dtype='int32'), kernel=(2, 2)),
    lambda: nd.Pooling_v1(nd.ones((1, 1, 4)), kernel=(2,)),
    lambda: nd.Pooling_v1(nd.ones((1, 1, 4, 4, 4)), kernel=(2, 2, 2)),
    lambda: nd.Convolution_v1(nd.ones((1, 2, 5, 4, 5)), nd.ones((3, 2, 2, 3, 2)), nd.ones(3),
                              kernel=(2, 3, 2), num_filter=3),
    lambda: nd.im2col(nd.ones((2, 3, 8)), kernel=(3,)),
    lambda: nd.UpSampling(nd.ones((1, 2, 2, 4)), nd.ones((1, 2, 1, 1)), scale=2,
                          sample_type='nearest'),                           # uneven scales
    lambda: nd.UpSampling(nd.ones((1, 2, 3)), scale=2, sample_type='nearest'),
    lambda: nd.UpSampling(nd.ones((1, 2, 3, 3), dtype='int32'), scale=2, sample_type='nearest'),
    lambda: nd.UpSampling(nd.ones((1, 2, 2, 2)), scale=2, sample_type='bilinear', num_filter=2),
    lambda: nd.UpSampling(nd.ones((1, 2, 2, 2)), nd.ones((2, 1, 3, 3)), scale=2,
                          sample_type='bilinear', num_filter=2),
    lambda: nd.UpSampling(nd.ones((1, 2, 2, 2)), nd.ones((1, 2, 3, 3)), scale=2,
                          sample_type='nearest', multi_input_mode='sum'),
    lambda: nd.UpSampling(nd.ones((1, 2, 2, 2)), scale=2, sample_type='cubic'),
    lambda: nd.ROIPooling(nd.ones((2, 3, 8, 8)), nd.ones((1, 4)), pooled_size=(2, 2),
                          spatial_scale=0.5),
    lambda: nd.im2col(nd.ones((1, 1, 2, 2)), kernel=(3, 3)),
    lambda: nd.col2im(nd.ones((2, 27, 8)), output_size=(6, 6), kernel=(3, 3), stride=(2, 2),
                      pad=(1, 1)),
    lambda: nd.BilinearSampler(nd.ones((2, 3, 5, 5)), nd.zeros((2, 3, 4, 6))),
    lambda: nd.GridGenerator(nd.ones((2, 6)), transform_type='affine'),
    lambda: nd.GridGenerator(nd.ones((2, 5)), transform_type='affine', target_shape=(2, 2)),
    lambda: nd.SpatialTransformer(nd.ones((2, 3, 5, 5)), nd.ones((2, 5)), target_shape=(3, 3),
                                  transform_type='affine', sampler_type='bilinear'),
    lambda: nd.Correlation(nd.ones((2, 3, 9, 9)), nd.ones((2, 3, 9, 9)), kernel_size=2),
    lambda: nd.Correlation(nd.ones((2, 3, 9, 9)), nd.ones((2, 3, 8, 9))),
])
def test_errors(call):
    with pytest.raises(mx.base.MXNetError):
        call()
