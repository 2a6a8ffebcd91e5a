"""Contrib operators (mxnet/operator/contrib.py, detection.py) and the operator module's
introspection against MXNet 1.9.1: quadratic, allclose, div_sqrt_dim, arange_like, index_array,
index_copy, boolean_mask, AdaptiveAvgPooling2D, BilinearResize2D, interleaved attention
matmuls, quantize / dequantize, SyncBatchNorm, ROIAlign, RROIAlign, PSROIPooling,
DeformableConvolution, Proposal / MultiProposal."""
import textwrap

import numpy as np
import pytest

import mxnet as mx
from mxnet import nd, autograd

_ERR = '''
def err(f):
    try:
        r = f()
        for t in (r if isinstance(r, (list, tuple)) else [r]):
            t.asnumpy()
    except mx.base.MXNetError:
        return 'MXNetError'
    except Exception as e:
        return 'other:' + type(e).__name__
    return 'no error'
'''


def _section(prefix, code):
    body = textwrap.indent(textwrap.dedent(code), '    ')
    return ('def _run_%s():\n    OUT = {}\n%s\n    return OUT\n'
            'for _k, _v in _run_%s().items():\n    OUT[%r + _k] = _v\n'
            % (prefix, body, prefix, prefix + ':'))


_ELEMENTWISE = '''
x = nd.array(np.arange(24).reshape(2, 3, 4) / 7.0 - 1)
OUT['quad'] = nd.contrib.quadratic(x, a=1.5, b=-2, c=0.5)
OUT['quad_def'] = nd.contrib.quadratic(x)
xi = nd.array(np.arange(6).reshape(2, 3), dtype='int32')
OUT['quad_int'] = nd.contrib.quadratic(xi, a=1.5, b=2, c=0.5)
OUT['ac1'] = nd.contrib.allclose(x, x + 1e-7)
OUT['ac_loose'] = nd.contrib.allclose(x, x + 1e-7, atol=1e-6)
n = nd.array([np.nan, 1])
OUT['acnan'] = nd.contrib.allclose(n, n)
OUT['acnan2'] = nd.contrib.allclose(n, n, equal_nan=False)
OUT['dsd'] = nd.contrib.div_sqrt_dim(x)
g = x.copy(); g.attach_grad()
with autograd.record():
    y = nd.contrib.quadratic(g, a=2, b=3, c=1) + nd.contrib.div_sqrt_dim(g)
y.backward()
OUT['quad_grad'] = g.grad
'''

_INDEX = '''
x = nd.array(np.arange(24).reshape(2, 3, 4) / 7.0 - 1)
xi = nd.array(np.arange(6).reshape(2, 3), dtype='int32')
OUT['ia'] = nd.contrib.index_array(x)
OUT['ia_ax'] = nd.contrib.index_array(x, axes=(2, 0))
OUT['ia_neg'] = nd.contrib.index_array(x, axes=(-1,))
old = nd.zeros((5, 3)); new = nd.array([[1, 2, 3], [4, 5, 6]])
OUT['ic'] = nd.contrib.index_copy(old, nd.array([4, 1], dtype='int64'), new)
OUT['ic_f'] = nd.contrib.index_copy(old, nd.array([4, 1]), new)
old.attach_grad(); new.attach_grad()
with autograd.record():
    y = nd.contrib.index_copy(old, nd.array([4, 1]), new)
y.backward(nd.array(np.arange(15).reshape(5, 3)))
OUT['ic_gold'] = old.grad; OUT['ic_gnew'] = new.grad
OUT['bm'] = nd.contrib.boolean_mask(x, nd.array([0, 1]))
d = nd.array(np.arange(12).reshape(4, 3)); d.attach_grad()
with autograd.record():
    y = nd.contrib.boolean_mask(d, nd.array([1, 0, 1, 1]))
y.backward(nd.array(np.arange(9).reshape(3, 3)))
OUT['bm_grad'] = d.grad
OUT['bm_axis1'] = err(lambda: nd.contrib.boolean_mask(x, nd.array([1, 0, 1]), axis=1))
OUT['bm_len'] = err(lambda: nd.contrib.boolean_mask(x, nd.array([1, 0, 1])))
OUT['al'] = nd.contrib.arange_like(x)
OUT['al_ax'] = nd.contrib.arange_like(x, start=2, step=0.5, axis=-1)
OUT['al_rep'] = nd.contrib.arange_like(x, repeat=2, axis=1)
OUT['al_int'] = nd.contrib.arange_like(xi)
'''

_RESIZE = '''
rs = np.random.RandomState(0)
x1 = nd.array(rs.rand(2, 2, 7, 9))
OUT['aap'] = nd.contrib.AdaptiveAvgPooling2D(x1, output_size=(3, 4))
OUT['aap1'] = nd.contrib.AdaptiveAvgPooling2D(x1, output_size=2)
OUT['aap0'] = nd.contrib.AdaptiveAvgPooling2D(x1)
for m in ['size', 'odd_scale', 'to_even_down', 'to_even_up', 'to_odd_down', 'to_odd_up']:
    for ac in [True, False]:
        OUT['br_%s_%s' % (m, ac)] = nd.contrib.BilinearResize2D(
            x1, height=5, width=13, scale_height=1.7 if m == 'odd_scale' else None,
            scale_width=0.6 if m == 'odd_scale' else None, mode=m, align_corners=ac)
OUT['br_scale'] = nd.contrib.BilinearResize2D(x1, scale_height=2.0, scale_width=0.5)
OUT['br_like'] = nd.contrib.BilinearResize2D(x1, nd.zeros((1, 1, 3, 20)), mode='like')
OUT['br_def'] = nd.contrib.BilinearResize2D(x1)
g = x1.copy(); g.attach_grad()
for ac in [True, False]:
    with autograd.record():
        y = nd.contrib.BilinearResize2D(g, height=5, width=13, align_corners=ac)
    y.backward(nd.array(rs.rand(*y.shape)))
    OUT['br_grad_%s' % ac] = g.grad.copy()
with autograd.record():
    y = nd.contrib.AdaptiveAvgPooling2D(g, output_size=(3, 4))
y.backward(nd.array(rs.rand(*y.shape)))
OUT['aap_grad'] = g.grad
'''

_ATTENTION = '''
rs = np.random.RandomState(0)
qkv = nd.array(rs.randn(5, 2, 2 * 3 * 4)); att = nd.array(rs.randn(4, 5, 5))
q = nd.array(rs.randn(3, 2, 2 * 4)); kv = nd.array(rs.randn(5, 2, 2 * 2 * 4))
att2 = nd.array(rs.randn(4, 3, 5))
for t in (qkv, att, q, kv, att2):
    t.attach_grad()
with autograd.record():
    o1 = nd.contrib.interleaved_matmul_selfatt_qk(qkv, heads=2)
    o2 = nd.contrib.interleaved_matmul_selfatt_valatt(qkv, att, heads=2)
    o3 = nd.contrib.interleaved_matmul_encdec_qk(q, kv, heads=2)
    o4 = nd.contrib.interleaved_matmul_encdec_valatt(kv, att2, heads=2)
    s = (o1 * o1).sum() + (o2 * 1.5).sum() + (o3 * o3).sum() + o4.sum()
s.backward()
OUT.update(o1=o1, o2=o2, o3=o3, o4=o4, g_qkv=qkv.grad, g_att=att.grad, g_q=q.grad,
           g_kv=kv.grad, g_att2=att2.grad)
a = nd.array([[0.1392, -0.5928], [0.6027, 1.3579]])
for ot in ['int8', 'uint8']:
    qa, mn, mx_ = nd.contrib.quantize(a, nd.array([-0.3]), nd.array([1.0]), out_type=ot)
    OUT['q_' + ot] = qa; OUT['qmin_' + ot] = mn; OUT['qmax_' + ot] = mx_
    OUT['dq_' + ot] = nd.contrib.dequantize(qa, mn, mx_)
OUT['q_def'] = nd.contrib.quantize(a, nd.array([-0.3]), nd.array([1.0]))[0]
x = nd.array(rs.rand(4, 3, 5)); gm = nd.ones(3); bt = nd.zeros(3)
mm = nd.zeros(3); mv = nd.ones(3)
OUT['sbn_pred'] = nd.contrib.SyncBatchNorm(x, gm, bt, mm, mv, key='k')
x.attach_grad()
with autograd.record():
    o = nd.contrib.SyncBatchNorm(x, gm, bt, mm, mv, key='k', output_mean_var=True)
o[0].backward(nd.array(rs.rand(4, 3, 5)))
OUT['sbn_out'] = o[0]; OUT['sbn_mean'] = o[1]; OUT['sbn_var'] = o[2]; OUT['sbn_grad'] = x.grad
OUT['sbn_mm'] = mm; OUT['sbn_mv'] = mv
'''

_ROI = '''
rs = np.random.RandomState(0)
N, C, H, W = 3, 12, 16, 16
data = nd.array(rs.rand(N, C, H, W)); data.attach_grad()
R = 7
cxy = rs.uniform(-20, 240, (R, 2)); wh = rs.uniform(0, 224, (R, 2))
rois = nd.array(np.concatenate([rs.randint(0, N, (R, 1)), cxy - wh / 2, cxy + wh / 2], 1))
rois.attach_grad()
for sr in [-1, 2]:
    for psn in [False, True]:
        for al in [False, True]:
            with autograd.record():
                o = nd.contrib.ROIAlign(data, rois, pooled_size=(2, 3), spatial_scale=16 / 224.,
                                        sample_ratio=sr, position_sensitive=psn, aligned=al)
            o.backward(nd.array(rs.rand(*o.shape)))
            k = '%s_%s_%s' % (sr, psn, al)
            OUT['ra_' + k] = o; OUT['ra_grad_' + k] = data.grad.copy()
OUT['ra_rois_grad'] = rois.grad
theta = rs.uniform(0, 180, (R, 1))
rrois = nd.array(np.concatenate([rs.randint(0, N, (R, 1)), cxy, wh, theta], 1))
for sr in [-1, 2]:
    OUT['rr_%d' % sr] = nd.contrib.RROIAlign(data, rrois, pooled_size=(3, 4),
                                             spatial_scale=16 / 224., sampling_ratio=sr)
d2 = nd.array(rs.rand(2, 2 * 3 * 3, 14, 14)); d2.attach_grad()
prois = nd.array([[0, 10, 22, 161, 173], [1, 20, 15, 154, 160], [0, -5, 3, 300, 10.5]])
with autograd.record():
    o = nd.contrib.PSROIPooling(d2, prois, spatial_scale=0.0625, output_dim=2, pooled_size=3)
o.backward(nd.array(rs.rand(*o.shape)))
OUT['ps'] = o; OUT['ps_grad'] = d2.grad
d3 = nd.array(rs.rand(1, 2 * 2 * 2, 14, 14))
OUT['ps_group'] = nd.contrib.PSROIPooling(d3, prois[0:1], spatial_scale=0.0625, output_dim=2,
                                          pooled_size=4, group_size=2)
'''

_DEFORM = '''
rs = np.random.RandomState(0)
for dg, dil, st in [(1, 1, 1), (2, 2, 1), (1, 1, 2)]:
    x = nd.array(rs.rand(2, 4, 6, 5)); x.attach_grad()
    oh = (6 + 2 * dil - (dil * 2 + 1)) // st + 1; ow = (5 + 2 * dil - (dil * 2 + 1)) // st + 1
    off = nd.array(rs.rand(2, dg * 18, oh, ow) * 3 - 1.5); off.attach_grad()
    wt = nd.array(rs.randn(6, 2, 3, 3)); wt.attach_grad()
    b = nd.array(rs.randn(6)); b.attach_grad()
    with autograd.record():
        o = nd.contrib.DeformableConvolution(x, off, wt, b, kernel=(3, 3), pad=(dil, dil),
                                             dilate=(dil, dil), stride=(st, st), num_filter=6,
                                             num_group=2, num_deformable_group=dg)
    o.backward(nd.array(rs.rand(*o.shape)))
    k = '%d%d%d' % (dg, dil, st)
    OUT['dc' + k] = o; OUT['dc_gx' + k] = x.grad; OUT['dc_go' + k] = off.grad
    OUT['dc_gw' + k] = wt.grad; OUT['dc_gb' + k] = b.grad
# sampling at the border: MXNet's CPU kernel samples only inside [0, H) x [0, W)
x = nd.array(np.arange(1, 26).reshape(1, 1, 5, 5))
for dy in [-1.2, -0.5, -0.01, 0.3, 3.5, 4.4, 5.0]:
    off = nd.zeros((1, 2, 5, 5)); off[0, 0] = dy
    OUT['dc_border%g' % dy] = nd.contrib.DeformableConvolution(
        x, off, nd.ones((1, 1, 1, 1)), kernel=(1, 1), num_filter=1, no_bias=True)
cls = nd.array(rs.rand(2, 18, 10, 12)); bb = nd.array(rs.rand(2, 36, 10, 12) * 0.4 - 0.2)
ii = nd.array([[150, 180, 0.8], [120, 100, 1.0]])
kw = dict(feature_stride=16, scales=(8, 16, 32), ratios=(0.5, 1, 2), rpn_pre_nms_top_n=300,
          rpn_post_nms_top_n=60, threshold=0.7, rpn_min_size=16, output_score=True)
for iou in [False, True]:
    r, s = nd.contrib.MultiProposal(cls, bb, ii, iou_loss=iou, **kw)
    OUT['mp_%s' % iou] = r; OUT['mp_score_%s' % iou] = s
    r, s = nd.contrib.Proposal(cls[0:1], bb[0:1], ii[0:1], iou_loss=iou, **kw)
    OUT['p_%s' % iou] = r; OUT['p_score_%s' % iou] = s
OUT['p_noscore'] = nd.contrib.Proposal(cls[0:1], bb[0:1], ii[0:1], scales=(8, 16, 32),
                                       rpn_post_nms_top_n=20)
'''

_MISC = '''
a = nd.array([5, -5, 7, 0, -7], dtype='int32'); b = nd.array([0, 3, -3, 0, 3], dtype='int32')
OUT['mod_int'] = a % b
OUT['bmod_int'] = nd.broadcast_mod(a, b)
OUT['mod_int0'] = a % 0
OUT['rmod_int'] = 3 % a
af, bf = a.astype('float32'), b.astype('float32')
OUT['mod_f'] = af % bf
OUT['mod_f0'] = nd._internal._mod_scalar(af, scalar=0)
OUT['rmod_f'] = nd._internal._rmod_scalar(af, scalar=3)
OUT['emod'] = nd._internal._mod(af, bf)
x = nd.array([1, 2, 3, 4]); x.attach_grad()
with autograd.record():
    y = (nd._internal._maximum_scalar(x, scalar=2) + nd._internal._minimum_scalar(x, scalar=3)
         + nd._internal._hypot_scalar(x, scalar=3))
y.backward()
OUT['maxmin_scalar'] = y; OUT['maxmin_scalar_grad'] = x.grad
OUT['hypot_alias'] = nd._internal._Hypot(x, x)
OUT['arange_i'] = nd.arange(1.3, 10.6, 1.3, dtype='int32')
OUT['arange_neg'] = nd.arange(-1.5, 5, 1.5, dtype='int32')
OUT['arange_u8'] = nd.arange(-100, 100, 1, dtype='uint8')
OUT['arange_rep'] = nd.arange(1.3, 10.6, 1.3, repeat=2, dtype='uint8')
OUT['arange_f'] = nd.arange(0.5, 4.2, 0.7)
OUT['arange_op'] = nd._internal._arange(start=1.3, stop=10.6, step=1.3, dtype='int32')
OUT['zeros_empty'] = err(lambda: nd.zeros((2, 0)))
OUT['ones_scalar'] = err(lambda: nd.ones(()))
OUT['d2s_zero'] = err(lambda: nd.depth_to_space(nd.array(np.zeros((1, 16, 0, 5))), 4))
OUT['s2d_zero'] = err(lambda: nd.space_to_depth(nd.array(np.zeros((2, 0, 4, 4))), 2))
'''


def test_contrib_elementwise_index_vs_mxnet(compare):
    compare(_ERR + _section('ew', _ELEMENTWISE) + _section('ix', _INDEX) + _section('misc', _MISC),
            rtol=1e-5, atol=1e-6)


def test_contrib_resize_attention_quantize_vs_mxnet(compare):
    compare(_ERR + _section('rs', _RESIZE) + _section('att', _ATTENTION), rtol=1e-4, atol=1e-5)


def test_detection_ops_vs_mxnet(compare):
    compare(_ERR + _section('roi', _ROI) + _section('def', _DEFORM), rtol=1e-4, atol=1e-4)


def test_zero_size_shapes_under_np_shape():
    with mx.np_shape():
        assert nd.ones(()).shape == ()
        assert nd.zeros((0, 3)).shape == (0, 3)
    with pytest.raises(mx.base.MXNetError):
        nd.zeros((0, 3))


def test_operator_module_introspection():
    import mxnet.operator as op
    ns = {}
    exec('from mxnet.operator import *', ns)
    # a star import gives MXNet's names, never the family modules ('random' would shadow
    # Python's module in the importer)
    assert 'random' not in ns and 'ctypes' in ns and 'get_operator_arguments' in ns
    args = op.get_operator_arguments('Activation')
    assert isinstance(args, op.OperatorArguments)
    assert args.names == ['data', 'act_type'] and args.narg == 2
    assert args.types == ['NDArray-or-Symbol',
                          "{'relu', 'sigmoid', 'softrelu', 'softsign', 'tanh'}, required"]
    ops = op.get_all_registered_operators()
    assert isinstance(ops, list) and 'Activation' in ops and '_contrib_ROIAlign' in ops
    assert op.get_operator_arguments('add_n').names[0] == 'data'
