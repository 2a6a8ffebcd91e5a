"""Convolution, pooling and spatial operators.

Convolution / Deconvolution / Pooling (and their legacy ``_v1`` variants), UpSampling,
ROIPooling, im2col / col2im, BilinearSampler, GridGenerator, SpatialTransformer, Correlation.

Per-attrs settings (normalised stride/pad/dilate tuples, torch functions, layout flags) are
computed once and cached by the frozen attrs, so each call does only shape checks and one torch
call. MXNet specifics kept here:

* Pooling output sizes: ``valid`` -> ``1 + (x + 2p - k) // s``; ``full`` ->
  ``1 + ceil((x + 2p - k) / s)`` *without* torch's rule that the last window must start inside
  the input, so a window may lie wholly in the padding: max pooling gives the dtype's lowest
  value there and avg/sum give 0 (as MXNet does).
* ``lp`` pooling is ``(sum x**p) ** (1/p)`` with no absolute value (p in 1, 2, 3).
* Pooling_v1 pads with zeros even for max pooling and always divides avg by the kernel size.
* Deconvolution with ``target_shape`` ignores ``pad``/``adj`` and derives them.
"""
import math

import torch
import torch.nn.functional as F

from .registry import register, Param, OpError, dtype_name
from .params import Int, Float, Bool, Str, Shape, OptInt, OptBool, OptStr

__all__ = []

_CONV_FN = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
_DECONV_FN = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}
_CL_LAYOUTS = ('NWC', 'NHWC', 'NDHWC')
_LAYOUT_NDIM = {'NCW': 1, 'NWC': 1, 'NCHW': 2, 'NHWC': 2, 'NCDHW': 3, 'NDHWC': 3}



def _shp(t):
    return '(' + ','.join(str(d) for d in t.shape) + ')'


def _tuple(name, opname, val, n, default, minimum=1):
    """Normalise stride/dilate/pad: () -> default per dim; length must match the kernel."""
    if len(val) == 0:
        return (default,) * n
    if len(val) != n:
        raise OpError('Error in operator %s: %s=%s must have the same length as kernel (%d)'
                      % (opname, name, val, n))
    for v in val:
        if v < minimum:
            raise OpError('Error in operator %s: incorrect %s %s (every entry must be >= %d)'
                          % (opname, name, val, minimum))
    return tuple(val)


def _check_dtype(opname, data, other, argname):
    if other is not None and other.dtype != data.dtype:
        raise OpError("Error in operator %s: This layer requires uniform type. Expected '%s' "
                      "v.s. given '%s' at '%s'" % (opname, dtype_name(data), dtype_name(other), argname))


def _int_safe(fn, data, *rest):
    """torch's CPU conv kernels lack integer types: compute in float64 and cast back."""
    if data.is_floating_point():
        return fn(data, *rest)
    dt = data.dtype
    rest = tuple(r.double() if isinstance(r, torch.Tensor) else r for r in rest)
    return torch.round(fn(data.double(), *rest)).to(dt)


def _need_float(opname, data):
    if not data.is_floating_point():
        raise OpError('Error in operator %s: only floating point data is supported, got %s'
                      % (opname, dtype_name(data)))


# ------------------------------------------------------------------------------------------
# Convolution
class _ConvCfg:
    __slots__ = ('n', 'kernel', 'stride', 'dilate', 'pad', 'groups', 'nf', 'cl', 'fn', 'no_bias',
                 'dk')


_CONV_CACHE = {}


def _conv_cfg(attrs, opname, deconv=False):
    cfg = _CONV_CACHE.get((opname, attrs))
    if cfg is not None:
        return cfg
    kernel = attrs.kernel
    n = len(kernel)
    if n == 0 or n > 3:
        raise OpError('Error in operator %s: %dD convolution not supported (kernel=%s)'
                      % (opname, n, kernel))
    if opname == 'Convolution_v1' and n != 2:
        raise OpError('Error in operator Convolution_v1: only 2D convolution is supported '
                      '(kernel=%s; volume convolution is not implemented)' % (kernel,))
    for k in kernel:
        if k < 1:
            raise OpError('Error in operator %s: incorrect kernel size %s' % (opname, kernel))
    cfg = _ConvCfg()
    cfg.n = n
    cfg.kernel = tuple(kernel)
    cfg.stride = _tuple('stride', opname, attrs.stride, n, 1)
    cfg.dilate = _tuple('dilate', opname, attrs.dilate, n, 1)
    cfg.pad = _tuple('pad', opname, attrs.pad, n, 0, 0)
    cfg.groups = attrs.num_group
    cfg.nf = attrs.num_filter
    if cfg.groups < 1:
        raise OpError('Error in operator %s: num_group must be positive' % opname)
    if cfg.nf < 1:
        raise OpError('Error in operator %s: num_filter must be positive' % opname)
    if cfg.nf % cfg.groups:
        raise OpError('Error in operator %s: num_filter=%d is not divisible by num_group=%d'
                      % (opname, cfg.nf, cfg.groups))
    layout = attrs.layout
    if layout is not None and _LAYOUT_NDIM[layout] != n:
        raise OpError('Error in operator %s: layout %s does not fit a %dD kernel %s'
                      % (opname, layout, n, kernel))
    cfg.cl = layout in _CL_LAYOUTS
    cfg.fn = (_DECONV_FN if deconv else _CONV_FN)[n]
    cfg.no_bias = attrs.no_bias
    cfg.dk = tuple(d * (k - 1) + 1 for d, k in zip(cfg.dilate, cfg.kernel))
    if len(_CONV_CACHE) > 1024:
        _CONV_CACHE.clear()
    _CONV_CACHE[(opname, attrs)] = cfg
    return cfg


def _conv_infer(opname):
    def infer(attrs, in_shapes):
        cfg = _conv_cfg(attrs, opname)
        shapes = list(in_shapes)
        d = shapes[0]
        if d is not None and len(d) == cfg.n + 2:
            c = d[-1] if cfg.cl else d[1]
            cg = c // cfg.groups
            if shapes[1] is None:
                shapes[1] = ((cfg.nf,) + cfg.kernel + (cg,) if cfg.cl
                             else (cfg.nf, cg) + cfg.kernel)
        if len(shapes) > 2 and shapes[2] is None:
            shapes[2] = (cfg.nf,)
        return shapes
    return infer


def _bias_inputs(attrs):
    return ('data', 'weight') if attrs.no_bias else ('data', 'weight', 'bias')


def _conv_forward(opname, attrs, data, weight, bias):
    cfg = _CONV_CACHE.get((opname, attrs)) or _conv_cfg(attrs, opname)
    if (bias is None) is not cfg.no_bias or data.dim() != cfg.n + 2 \
            or weight.dtype is not data.dtype or not data.is_floating_point() \
            or (bias is not None and bias.dtype is not data.dtype):
        _conv_input_error(opname, cfg, data, weight, bias)
    if cfg.cl:
        data = data.movedim(-1, 1)
        weight = weight.movedim(-1, 1)
    c = data.shape[1]
    g = cfg.groups
    if c % g or weight.shape != (cfg.nf, c // g) + cfg.kernel \
            or (bias is not None and bias.shape != (cfg.nf,)):
        _conv_shape_error(opname, cfg, data, weight, bias)
    try:
        out = cfg.fn(data, weight, bias, cfg.stride, cfg.pad, cfg.dilate, g)
    except RuntimeError:
        _conv_size_error(opname, cfg, data)
        raise
    if cfg.cl:
        out = out.movedim(1, -1)
    return out


def _conv_input_error(opname, cfg, data, weight, bias):
    if bias is not None and cfg.no_bias:
        raise OpError('Error in operator %s: expects 2 inputs because no_bias=True, but got 3'
                      % opname)
    if bias is None and not cfg.no_bias:
        raise OpError('Error in operator %s: expects 3 inputs (data, weight, bias), but got 2 '
                      'instead (pass no_bias=True to omit the bias)' % opname)
    if data.dim() != cfg.n + 2:
        raise OpError('Error in operator %s: input data should be %dD for a %dD kernel %s, '
                      'got shape %s' % (opname, cfg.n + 2, cfg.n, cfg.kernel, _shp(data)))
    _check_dtype(opname, data, weight, 'weight')
    _check_dtype(opname, data, bias, 'bias')
    _need_float(opname, data)


def _conv_shape_error(opname, cfg, data, weight, bias):
    """data/weight are in channels-first order here."""
    c = data.shape[1]
    g = cfg.groups
    if c % g:
        raise OpError('Error in operator %s: input channels %d not divisible by num_group=%d'
                      % (opname, c, g))
    wshape = (cfg.nf, c // g) + cfg.kernel
    if tuple(weight.shape) != wshape:
        want = (cfg.nf,) + cfg.kernel + (c // g,) if cfg.cl else wshape
        given = weight.movedim(1, -1).shape if cfg.cl else weight.shape
        raise OpError('Error in operator %s: Shape inconsistent, Provided = %s, inferred shape=%s'
                      ' for weight (data shape %s)'
                      % (opname, list(given), want,
                         _shp(data.movedim(1, -1) if cfg.cl else data)))
    raise OpError('Error in operator %s: Shape inconsistent, Provided = %s, inferred shape=%s'
                  ' for bias' % (opname, list(bias.shape), (cfg.nf,)))


def _conv_size_error(opname, cfg, data):
    sp = data.shape[2:]
    for i in range(cfg.n):
        if cfg.dk[i] > sp[i] + 2 * cfg.pad[i]:
            raise OpError('Error in operator %s: kernel size exceed input: dilated kernel %s vs '
                          'padded input %s (data shape %s, pad %s)'
                          % (opname, cfg.dk, tuple(s + 2 * p for s, p in zip(sp, cfg.pad)),
                             _shp(data), cfg.pad)) from None


_CONV_PARAMS = dict(
    kernel=Param(Shape, doc='Convolution kernel size: (w,), (h, w) or (d, h, w)'),
    stride=Param(Shape, (), doc='Convolution stride. Defaults to 1 for each dimension.'),
    dilate=Param(Shape, (), doc='Convolution dilate. Defaults to 1 for each dimension.'),
    pad=Param(Shape, (), doc='Zero pad for convolution. Defaults to no padding.'),
    num_filter=Param(Int, doc='Convolution filter(channel) number'),
    num_group=Param(Int, 1, doc='Number of group partitions.'),
    workspace=Param(Int, 1024, doc='Maximum temporary workspace allowed (MB). Ignored.'),
    no_bias=Param(Bool, False, doc='Whether to disable bias parameter.'),
    cudnn_tune=Param(OptStr, None, doc='Whether to pick convolution algo by running '
                     'performance test. Ignored.',
                     choices=(None, 'fastest', 'limited_workspace', 'off')),
    cudnn_off=Param(Bool, False, doc='Turn off cudnn for this layer. Ignored.'),
)


@register('Convolution', inputs=('data', 'weight', 'bias'), infer_shape=_conv_infer('Convolution'),
          inputs_fn=_bias_inputs, batch_from_output=1, **_CONV_PARAMS,
          layout=Param(OptStr, None, doc="Set layout for input, output and weight. Empty for "
                       "default layout: NCW for 1d, NCHW for 2d and NCDHW for 3d. NHWC and NDHWC "
                       "are also supported.",
                       choices=(None, 'NCDHW', 'NCHW', 'NCW', 'NDHWC', 'NHWC')))
def convolution(attrs, data, weight, bias=None):
    """Compute *N*-D convolution on *(N+2)*-D input.

    For 2-D convolution with the default layout NCHW:

    - data: (batch_size, channel, height, width)
    - weight: (num_filter, channel / num_group, kernel[0], kernel[1])
    - bias: (num_filter,)  (absent when ``no_bias=True``)
    - out: (batch_size, num_filter, out_height, out_width)

    with ``out_height = floor((height + 2*pad[0] - dilate[0]*(kernel[0]-1) - 1) / stride[0]) + 1``
    and likewise for the width. 1-D (NCW) and 3-D (NCDHW) work the same way; channels-last
    layouts (NHWC, NDHWC) put the channel axis last in data, output and weight.

    ``num_group`` splits the input channels and the filters into that many groups that are
    convolved independently (depthwise convolution when it equals the channel count).

    Example::

      x = nd.ones((1, 1, 3, 3)); w = nd.ones((1, 1, 2, 2))
      nd.Convolution(x, w, kernel=(2, 2), num_filter=1, no_bias=True)
      # [[[[4. 4.] [4. 4.]]]]
    """
    return _conv_forward('Convolution', attrs, data, weight, bias)


@register('Convolution_v1', inputs=('data', 'weight', 'bias'),
          infer_shape=_conv_infer('Convolution_v1'), inputs_fn=_bias_inputs, **_CONV_PARAMS,
          layout=Param(OptStr, None, doc='Set layout for input, output and weight.',
                       choices=(None, 'NCDHW', 'NCHW', 'NDHWC', 'NHWC')))
def convolution_v1(attrs, data, weight, bias=None):
    """Legacy (version 1) convolution; same computation as ``Convolution``, for 2-D kernels
    only (MXNet 1.9.1 implements neither 1-D nor volume convolution here).

    data (batch, channel, height, width) with weight (num_filter, channel/num_group, kh, kw)
    gives (batch, num_filter, out_height, out_width).
    """
    return _conv_forward('Convolution_v1', attrs, data, weight, bias)


# ------------------------------------------------------------------------------------------
# Deconvolution
_DECONV_CACHE = {}


def _deconv_pads(attrs, cfg, sp):
    """(pad, adj) for these input spatial sizes; target_shape overrides pad/adj."""
    key = (attrs, tuple(sp))
    hit = _DECONV_CACHE.get(key)
    if hit is not None:
        return hit
    n = cfg.n
    adj = _tuple('adj', 'Deconvolution', attrs.adj, n, 0, 0)
    ts = attrs.target_shape
    pad = list(cfg.pad)
    adj = list(adj)
    if len(ts) and any(ts):
        if len(ts) != n:
            raise OpError('Error in operator Deconvolution: target_shape=%s must have the same '
                          'length as kernel (%d)' % (ts, n))
        for i in range(n):
            if ts[i] == 0:
                continue
            full = cfg.stride[i] * (sp[i] - 1) + cfg.dk[i]
            tot = full - ts[i]
            if tot < 0:
                raise OpError('Error in operator Deconvolution: too big target shape %s for '
                              'input spatial shape %s (largest possible %d)'
                              % (ts, tuple(sp), full))
            adj[i] = tot % 2
            pad[i] = (tot + 1) // 2
    for i in range(n):
        if adj[i] >= cfg.stride[i]:
            raise OpError('Error in operator Deconvolution: adj(%d)=%d must be smaller than '
                          'stride[%d]=%d' % (i, adj[i], i, cfg.stride[i]))
    out_sp = tuple(cfg.stride[i] * (sp[i] - 1) + cfg.dk[i] - 2 * pad[i] + adj[i]
                   for i in range(n))
    if any(o < 1 for o in out_sp):
        raise OpError('Error in operator Deconvolution: output spatial shape %s is not positive '
                      '(input %s, kernel %s, stride %s, pad %s)'
                      % (out_sp, tuple(sp), cfg.kernel, cfg.stride, tuple(pad)))
    res = (tuple(pad), tuple(adj))
    if len(_DECONV_CACHE) > 1024:
        _DECONV_CACHE.clear()
    _DECONV_CACHE[key] = res
    return res


def _deconv_infer(attrs, in_shapes):
    cfg = _conv_cfg(attrs, 'Deconvolution', True)
    shapes = list(in_shapes)
    d = shapes[0]
    if d is not None and len(d) == cfg.n + 2 and shapes[1] is None:
        c = d[-1] if cfg.cl else d[1]
        fg = cfg.nf // cfg.groups
        shapes[1] = (c,) + cfg.kernel + (fg,) if cfg.cl else (c, fg) + cfg.kernel
    if len(shapes) > 2 and shapes[2] is None:
        shapes[2] = (cfg.nf,)
    return shapes


@register('Deconvolution', inputs=('data', 'weight', 'bias'), infer_shape=_deconv_infer,
          inputs_fn=_bias_inputs,
          kernel=Param(Shape, doc='Deconvolution kernel size: (w,), (h, w) or (d, h, w).'),
          stride=Param(Shape, (), doc='The stride used for the corresponding convolution.'),
          dilate=Param(Shape, (), doc='Dilation factor for each dimension of the input.'),
          pad=Param(Shape, (), doc='The amount of implicit zero padding removed from each side '
                    'of the output (ignored when target_shape is set).'),
          adj=Param(Shape, (), doc='Extra size added to one side of the output (must be '
                    'smaller than stride; ignored when target_shape is set).'),
          target_shape=Param(Shape, (), doc='Shape of the output; pad and adj are derived '
                             'from it when given.'),
          num_filter=Param(Int, doc='Number of output filters (channels).'),
          num_group=Param(Int, 1, doc='Number of groups partition.'),
          workspace=Param(Int, 512, doc='Maximum temporary workspace allowed (MB). Ignored.'),
          no_bias=Param(Bool, True, doc='Whether to disable bias parameter.'),
          cudnn_tune=Param(OptStr, None, doc='Ignored.',
                           choices=(None, 'fastest', 'limited_workspace', 'off')),
          cudnn_off=Param(Bool, False, doc='Ignored.'),
          layout=Param(OptStr, None, doc='Set layout for input, output and weight. Empty for '
                       'default layout, NCW for 1d, NCHW for 2d and NCDHW for 3d.',
                       choices=(None, 'NCDHW', 'NCHW', 'NCW', 'NDHWC', 'NHWC')))
def deconvolution(attrs, data, weight, bias=None):
    """Computes 1-D, 2-D or 3-D transposed convolution (the gradient of Convolution with
    respect to its input), also called deconvolution.

    For 2-D (NCHW):

    - data: (batch_size, channel, height, width)
    - weight: (channel, num_filter / num_group, kernel[0], kernel[1])
    - bias: (num_filter,)  only when ``no_bias=False`` (the default is no bias)
    - out: (batch_size, num_filter, out_height, out_width) with
      ``out_height = stride[0]*(height-1) + dilate[0]*(kernel[0]-1) + 1 - 2*pad[0] + adj[0]``

    When ``target_shape`` is given, the output has exactly that spatial shape and pad/adj are
    computed from it (``pad``/``adj`` arguments are then ignored).

    Example::

      x = nd.ones((1, 1, 2, 2)); w = nd.ones((1, 1, 2, 2))
      nd.Deconvolution(x, w, kernel=(2, 2), num_filter=1)   # shape (1, 1, 3, 3)
    """
    cfg = _conv_cfg(attrs, 'Deconvolution', True)
    n = cfg.n
    if bias is not None and cfg.no_bias:
        raise OpError('Error in operator Deconvolution: expects 2 inputs because no_bias=True '
                      '(the default), but got 3')
    if bias is None and not cfg.no_bias:
        raise OpError('Error in operator Deconvolution: expects 3 inputs (no_bias=False), but '
                      'got 2')
    if data.dim() != n + 2:
        raise OpError('Error in operator Deconvolution: input data should be %dD for a %dD '
                      'kernel %s, got shape %s' % (n + 2, n, cfg.kernel, _shp(data)))
    _check_dtype('Deconvolution', data, weight, 'weight')
    _check_dtype('Deconvolution', data, bias, 'bias')
    _need_float('Deconvolution', data)
    if cfg.cl:
        data = data.movedim(-1, 1)
        weight = weight.movedim(-1, 1)
    c = data.shape[1]
    g = cfg.groups
    if c % g:
        raise OpError('Error in operator Deconvolution: input channels %d not divisible by '
                      'num_group=%d' % (c, g))
    wshape = (c, cfg.nf // g) + cfg.kernel
    if tuple(weight.shape) != wshape:
        want = (c,) + cfg.kernel + (cfg.nf // g,) if cfg.cl else wshape
        raise OpError('Error in operator Deconvolution: Shape inconsistent, Provided = %s, '
                      'inferred shape=%s for weight (data shape %s)'
                      % (list(weight.movedim(1, -1).shape if cfg.cl else weight.shape), want,
                         _shp(data)))
    if bias is not None and tuple(bias.shape) != (cfg.nf,):
        raise OpError('Error in operator Deconvolution: Shape inconsistent, Provided = %s, '
                      'inferred shape=%s for bias' % (list(bias.shape), (cfg.nf,)))
    pad, adj = _deconv_pads(attrs, cfg, data.shape[2:])
    out = cfg.fn(data, weight, bias, cfg.stride, pad, adj, g, cfg.dilate)
    if cfg.cl:
        out = out.movedim(1, -1)
    return out


# ------------------------------------------------------------------------------------------
# Pooling
_MAXPOOL = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
_AVGPOOL = {2: F.avg_pool2d, 3: F.avg_pool3d}


class _PoolCfg:
    __slots__ = ('n', 'kernel', 'stride', 'pad', 'type', 'p', 'cip', 'cl', 'glob', 'full',
                 'same', 'v1', 'fast')


_POOL_CACHE = {}


def _pool_cfg(attrs, opname):
    cfg = _POOL_CACHE.get((opname, attrs))
    if cfg is not None:
        return cfg
    v1 = opname == 'Pooling_v1'
    cfg = _PoolCfg()
    cfg.v1 = v1
    cfg.glob = attrs.global_pool
    cfg.type = attrs.pool_type
    kernel = attrs.kernel
    n = len(kernel)
    cfg.n = n
    cfg.kernel = tuple(kernel)
    cfg.cl = (not v1) and attrs.layout in _CL_LAYOUTS
    cfg.full = attrs.pooling_convention == 'full'
    cfg.same = attrs.pooling_convention == 'same'
    cfg.p = None if v1 else attrs.p_value
    cip = None if v1 else attrs.count_include_pad
    cfg.cip = True if cip is None else cip
    if cfg.type == 'lp':
        if cfg.p is None:
            raise OpError('Error in operator Pooling: pool_type=lp requires p_value')
        if cfg.p not in (1, 2, 3):
            raise OpError('Error in operator Pooling: p value of %d is not supported yet '
                          '(supported: 1, 2, 3)' % cfg.p)
    if not cfg.glob:
        if n == 0:
            raise OpError('Error in operator %s: kernel is required unless global_pool=True '
                          '(0D pooling not supported)' % opname)
        if n > 3 or (v1 and n != 2):
            raise OpError('Error in operator %s: %dD pooling not supported' % (opname, n))
        for k in kernel:
            if k < 1:
                raise OpError('Error in operator %s: incorrect kernel %s' % (opname, kernel))
        cfg.stride = _tuple('stride', opname, attrs.stride, n, 1)
        # MXNet reads the first n entries of a longer pad (pad=(0, 0, 0) for a 1-D kernel)
        pad = tuple(attrs.pad)
        if cfg.same:
            # 'same' (1-D only) reads pad[0..2] and needs them all 0
            if len(pad) < 3:
                raise OpError('Error in operator Pooling: Check failed: i >= 0 && i < ndim(): '
                              'index = %d must be in range [0, %d) (pad=%s)'
                              % (len(pad), len(pad), pad))
            if any(pad[:3]):
                raise OpError('Error in operator Pooling: Same pooling convention disables the '
                              'use of pad parameter (pad=%s)' % (pad,))
            if n != 1:
                raise OpError("Error in operator Pooling: Currently 'same' supports Max "
                              "Pooling 1-D only (kernel=%s)" % (kernel,))
        cfg.pad = _tuple('pad', opname, pad[:n] if len(pad) > n else pad, n, 0, 0)
        for k, p in zip(kernel, cfg.pad):
            if p >= k:
                raise OpError('Error in operator %s: pad %s must be smaller than kernel %s'
                              % (opname, cfg.pad, kernel))
    cfg.fast = None
    if not (v1 or cfg.glob or cfg.cl or cfg.full or cfg.same) and all(2 * p <= k for p, k in
                                                          zip(cfg.pad, kernel)):
        # 'valid' windows never lie wholly in the padding: one torch call, no per-shape plan
        k, s, p = cfg.kernel, cfg.stride, cfg.pad
        if cfg.type == 'max':
            cfg.fast = lambda x, f=_MAXPOOL[n]: f(x, k, s, p, 1, False)
        elif cfg.type == 'avg':
            cip = cfg.cip
            cfg.fast = lambda x: _avg_pool(x, k, s, p, False, cip, n)
        elif cfg.type == 'sum':
            cfg.fast = lambda x: _sum_pool(x, k, s, p, False, n)
    layout = None if v1 else attrs.layout
    if layout is not None and not cfg.glob and _LAYOUT_NDIM[layout] != n:
        raise OpError('Error in operator %s: layout %s does not fit a %dD kernel %s'
                      % (opname, layout, n, kernel))
    if len(_POOL_CACHE) > 1024:
        _POOL_CACHE.clear()
    _POOL_CACHE[(opname, attrs)] = cfg
    return cfg


def _lowest(dtype):
    if dtype.is_floating_point:
        return torch.finfo(dtype).min
    return torch.iinfo(dtype).min


_PLAN_CACHE = {}


def _pool_plan(cfg, sp):
    """Per (cfg, spatial shape): ('native', ceil_mode) or ('manual', right pads, divisor dims)."""
    key = (cfg, sp)
    hit = _PLAN_CACHE.get(key)
    if hit is not None:
        return hit
    n = cfg.n
    k, s, p = cfg.kernel, cfg.stride, cfg.pad
    outs = []
    for i in range(n):
        if k[i] > sp[i] + 2 * p[i]:
            raise OpError('Error in operator Pooling: kernel size (%d) exceeds input (%d padded '
                          'to %d)' % (k[i], sp[i], sp[i] + 2 * p[i]))
        span = sp[i] + 2 * p[i] - k[i]
        if cfg.full:
            outs.append(1 + -(-span // s[i]))
        else:
            outs.append(1 + span // s[i])
    native = not cfg.v1 and all(2 * p[i] <= k[i] for i in range(n))
    if native and cfg.full:
        for i in range(n):
            if (outs[i] - 1) * s[i] >= sp[i] + p[i]:
                native = False
    if native:
        plan = ('native', cfg.full, None, None)
    else:
        lefts, rights, divs = [], [], []
        for i in range(n):
            left = p[i]
            right = (outs[i] - 1) * s[i] + k[i] - sp[i] - left
            lefts.append(left)
            rights.append(right)
            d = []
            for o in range(outs[i]):
                st = o * s[i] - p[i]
                en = min(st + k[i], sp[i] + p[i])
                if cfg.v1:
                    size = k[i]
                elif cfg.cip:
                    size = en - st
                else:
                    size = min(en, sp[i]) - max(st, 0)
                d.append(float(max(size, 1)))
            divs.append(d)
        pads = []
        for i in reversed(range(n)):
            pads += [lefts[i], rights[i]]
        plan = ('manual', tuple(pads), tuple(tuple(d) for d in divs), None)
    if len(_PLAN_CACHE) > 4096:
        _PLAN_CACHE.clear()
    _PLAN_CACHE[key] = plan
    return plan


class _V1MaxPool(torch.autograd.Function):
    """2-D max pooling (no padding: the caller pads with zeros) whose gradient goes in full to
    every element equal to its window's maximum, as Pooling_v1 does (torch picks one)."""

    @staticmethod
    def forward(ctx, x, kernel, stride):
        out = F.max_pool2d(x, kernel, stride)
        ctx.save_for_backward(x, out)
        ctx.kernel, ctx.stride = kernel, stride
        return out

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        k, s = ctx.kernel, ctx.stride
        nb, c = x.shape[:2]
        nl = out.shape[2] * out.shape[3]
        cols = F.unfold(x, k, 1, 0, s).view(nb, c, -1, nl)
        hit = cols == out.reshape(nb, c, 1, nl)
        gc = hit.to(g.dtype) * g.reshape(nb, c, 1, nl)
        return F.fold(gc.view(nb, -1, nl), tuple(x.shape[2:]), k, 1, 0, s), None, None


def _sum_pool(x, kernel, stride, pad, ceil_mode, n):
    if n == 1:
        return F.avg_pool2d(x.unsqueeze(-2), (1,) + kernel, (1,) + stride, (0,) + pad,
                            ceil_mode, True, 1).squeeze(-2)
    return _AVGPOOL[n](x, kernel, stride, pad, ceil_mode, True, 1)


def _avg_pool(x, kernel, stride, pad, ceil_mode, cip, n):
    if n == 1:
        return F.avg_pool1d(x, kernel, stride, pad, ceil_mode, cip)
    return _AVGPOOL[n](x, kernel, stride, pad, ceil_mode, cip)


def _lp_finish(y, p):
    if p == 1:
        return y
    if p == 2:
        return torch.sqrt(y)
    return torch.sign(y) * torch.abs(y).pow(1.0 / 3)


def _lp_input(x, p):
    if p == 1:
        return x
    if p == 2:
        return x * x
    return x * x * x


def _same_pool(cfg, data):
    """MXNet's 1-D 'same' convention: ceil(width / stride) windows starting at i * stride;
    the last ones run past the end (max ignores the missing cells, avg averages the cells
    present)."""
    (k,), (st,) = cfg.kernel, cfg.stride
    w = data.shape[-1]
    out = -(-w // st)
    extra = max((out - 1) * st + k - w, 0)
    if cfg.type == 'max':
        x = F.pad(data, (0, extra), value=_lowest(data.dtype))
        return _MAXPOOL[1](x, (k,), (st,), (0,), 1, False)
    x = _lp_input(data, cfg.p) if cfg.type == 'lp' else data
    res = _sum_pool(F.pad(x, (0, extra)), (k,), (st,), (0,), False, 1)
    if cfg.type == 'avg':
        starts = torch.arange(out, device=data.device) * st
        cnt = (torch.clamp(w - starts, max=k)).to(res.dtype)
        res = res / cnt
    elif cfg.type == 'lp':
        res = _lp_finish(res, cfg.p)
    return res


def _pool_forward(opname, attrs, data):
    cfg = _POOL_CACHE.get((opname, attrs)) or _pool_cfg(attrs, opname)
    fast = cfg.fast
    if fast is not None and data.dim() == cfg.n + 2 and data.is_floating_point():
        try:
            return fast(data)
        except RuntimeError:
            pass     # fall through to the checked path for a proper message
    if cfg.cl:
        data = data.movedim(-1, 1)
    nd_ = data.dim()
    ptype = cfg.type
    if not data.is_floating_point():
        raise OpError('Error in operator %s: pooling only supports floating point types, '
                      'not %s' % (opname, dtype_name(data)))
    if cfg.glob:
        if cfg.v1 and nd_ != 4:
            raise OpError('Error in operator Pooling_v1: only 2D (4-D input) pooling is '
                          'supported, got %s' % _shp(data))
        if nd_ < 3 or nd_ > 5:
            raise OpError('Error in operator %s: global pooling needs 3-D to 5-D input, got %s'
                          % (opname, _shp(data)))
        dims = tuple(range(2, nd_))
        if ptype == 'max':
            # window = whole map; torch's max pooling routes the gradient to the first maximum
            # as MXNet does (amax would split it among ties); Pooling_v1 gives every tie all of it
            sp = tuple(data.shape[2:])
            if cfg.v1:
                out = _V1MaxPool.apply(data, sp, sp)
            else:
                out = _MAXPOOL[nd_ - 2](data, sp, sp)
        elif ptype == 'avg':
            out = data.mean(dim=dims, keepdim=True)
        elif ptype == 'sum':
            out = data.sum(dim=dims, keepdim=True)
        else:
            out = _lp_finish(_lp_input(data, cfg.p).sum(dim=dims, keepdim=True), cfg.p)
        return out.movedim(1, -1) if cfg.cl else out
    n = cfg.n
    if nd_ != n + 2:
        raise OpError('Error in operator %s: input data should be %dD for a %dD kernel %s, '
                      'got shape %s' % (opname, n + 2, n, cfg.kernel, _shp(data)))
    if cfg.same:
        return _same_pool(cfg, data)
    plan = _pool_plan(cfg, tuple(data.shape[2:]))
    if plan[0] == 'native':
        ceil_mode = plan[1]
        k, s, p = cfg.kernel, cfg.stride, cfg.pad
        if ptype == 'max':
            out = _MAXPOOL[n](data, k, s, p, 1, ceil_mode)
        elif ptype == 'avg':
            out = _avg_pool(data, k, s, p, ceil_mode, cfg.cip, n)
        elif ptype == 'sum':
            out = _sum_pool(data, k, s, p, ceil_mode, n)
        else:
            out = _lp_finish(_sum_pool(_lp_input(data, cfg.p), k, s, p, ceil_mode, n), cfg.p)
    else:
        pads, divs = plan[1], plan[2]
        k, s = cfg.kernel, cfg.stride
        zero = (0,) * n
        if ptype == 'max':
            if cfg.v1:
                out = _V1MaxPool.apply(F.pad(data, pads), k, s)
            else:
                x = F.pad(data, pads, value=_lowest(data.dtype))
                out = _MAXPOOL[n](x, k, s, zero, 1, False)
        else:
            x = _lp_input(data, cfg.p) if ptype == 'lp' else data
            out = _sum_pool(F.pad(x, pads), k, s, zero, False, n)
            if ptype == 'avg':
                div = None
                for i, d in enumerate(divs):
                    shape = [1] * (n + 2)
                    shape[2 + i] = len(d)
                    t = torch.tensor(d, dtype=out.dtype, device=out.device).reshape(shape)
                    div = t if div is None else div * t
                out = out / div
            elif ptype == 'lp':
                out = _lp_finish(out, cfg.p)
    return out.movedim(1, -1) if cfg.cl else out


def _pooling_total_outputs(attrs):
    # MXNet's oneDNN build gives max pooling a hidden workspace output
    return 2 if attrs.pool_type == 'max' else 1


@register('Pooling', total_outputs=_pooling_total_outputs,
          kernel=Param(Shape, (), doc='Pooling kernel size: (y, x) or (d, y, x)'),
          pool_type=Param(Str, 'max', doc='Pooling type to be applied.',
                          choices=('avg', 'lp', 'max', 'sum')),
          global_pool=Param(Bool, False, doc='Ignore kernel size, do global pooling based on '
                            'current input feature map.'),
          cudnn_off=Param(Bool, False, doc='Turn off cudnn pooling. Ignored.'),
          pooling_convention=Param(Str, 'valid', doc='Pooling convention to be applied.',
                                   choices=('full', 'same', 'valid')),
          stride=Param(Shape, (), doc='Stride for pooling: (y, x) or (d, y, x). Defaults to 1 '
                       'for each dimension.'),
          pad=Param(Shape, (), doc='Pad for pooling: (y, x) or (d, y, x). Defaults to no '
                    'padding.'),
          p_value=Param(OptInt, None, doc='Value of p for Lp pooling, can be 1 or 2 (3 also '
                        'works), required for Lp Pooling.'),
          count_include_pad=Param(OptBool, None, doc='Only used for AvgPool: whether padded '
                                  'values count in the divisor (default True).'),
          layout=Param(OptStr, None, doc='Set layout for input and output. Empty for default '
                       'layout: NCW for 1d, NCHW for 2d and NCDHW for 3d.',
                       choices=(None, 'NCDHW', 'NCHW', 'NCW', 'NDHWC', 'NHWC', 'NWC')))
def pooling(attrs, data):
    """Performs pooling on the input.

    Works on 1-D (NCW), 2-D (NCHW) and 3-D (NCDHW) data, or their channels-last layouts.
    For 2-D, data (batch_size, channel, height, width) gives
    (batch_size, channel, out_height, out_width) where, per spatial dimension,

    - ``pooling_convention='valid'`` (default): ``out = floor((x + 2*pad - kernel) / stride) + 1``
    - ``pooling_convention='full'``: ``out = ceil((x + 2*pad - kernel) / stride) + 1``; windows
      lying entirely in the padding give the lowest value (max) or 0 (avg, sum).
    - ``pooling_convention='same'`` is accepted by the parser but, as in MXNet 1.9.1, rejected
      for every input.

    ``pool_type``: 'max', 'avg' (``count_include_pad`` chooses whether padding counts in the
    divisor), 'sum', or 'lp' (``(sum x**p_value) ** (1/p_value)``, p_value 1, 2 or 3).
    ``global_pool=True`` pools over all spatial positions and ignores kernel/stride/pad.

    Example::

      x = nd.arange(16).reshape((1, 1, 4, 4))
      nd.Pooling(x, kernel=(2, 2), stride=(2, 2), pool_type='max')
      # [[[[ 5.  7.] [13. 15.]]]]
    """
    return _pool_forward('Pooling', attrs, data)


@register('Pooling_v1',
          kernel=Param(Shape, (), doc='pooling kernel size: (y, x) or (d, y, x)'),
          pool_type=Param(Str, 'max', doc='Pooling type to be applied.',
                          choices=('avg', 'max', 'sum')),
          global_pool=Param(Bool, False, doc='Ignore kernel size, do global pooling.'),
          pooling_convention=Param(Str, 'valid', doc='Pooling convention to be applied.',
                                   choices=('full', 'valid')),
          stride=Param(Shape, (), doc='stride: for pooling (y, x) or (d, y, x)'),
          pad=Param(Shape, (), doc='pad for pooling: (y, x) or (d, y, x)'))
def pooling_v1(attrs, data):
    """Legacy (version 1) pooling for 2-D (NCHW) data (3-D kernels are not implemented).

    Output sizes follow the ``valid``/``full`` conventions of ``Pooling``. Unlike ``Pooling``,
    padding is filled with zeros for every pool type (so max pooling over a padded border
    sees 0) and avg pooling always divides by the full kernel size.
    """
    return _pool_forward('Pooling_v1', attrs, data)


# ------------------------------------------------------------------------------------------
# UpSampling
def _up_infer(attrs, in_shapes):
    shapes = list(in_shapes)
    if attrs.sample_type == 'bilinear' and len(shapes) == 2 and shapes[0] is not None \
            and shapes[1] is None:
        s = attrs.scale
        k = 2 * s - s % 2
        shapes[1] = (shapes[0][1], 1, k, k)
    return shapes


def _nearest(x, s):
    if s == 1:
        return x
    n, c, h, w = x.shape
    return x[:, :, :, None, :, None].expand(n, c, h, s, w, s).reshape(n, c, h * s, w * s)


def _up_inputs(attrs):
    # MXNet names them data/weight for bilinear (creating `<name>_weight` in symbols) and
    # arg0..argN-1 for nearest
    if attrs.sample_type == 'bilinear':
        return ('data', 'weight')
    return tuple('arg%d' % i for i in range(attrs.num_args))


@register('UpSampling', inputs=(), variadic='num_args', infer_shape=_up_infer,
          inputs_fn=_up_inputs,
          scale=Param(Int, doc='Up sampling scale'),
          num_filter=Param(Int, 0, doc='Input filter. Only used by bilinear sample_type. Since '
                           'bilinear upsampling uses deconvolution, num_filters is set to the '
                           'number of channels.'),
          sample_type=Param(Str, doc='upsampling method', choices=('bilinear', 'nearest')),
          multi_input_mode=Param(Str, 'concat', doc='How to handle multiple input: concatenate '
                                 'the upsampled images along the channel dimension, or sum them '
                                 '(nearest only).', choices=('concat', 'sum')),
          num_args=Param(Int, 1, doc='Number of inputs to be upsampled. For nearest neighbor '
                         'upsampling, this can be 1-N; the size of output will be '
                         '(scale*h_0,scale*w_0) and all other inputs will be upsampled to the '
                         'same size. For bilinear upsampling this must be 2; 1 input and 1 '
                         'weight.'),
          workspace=Param(Int, 512, doc='Tmp workspace for deconvolution (MB). Ignored.'))
def upsampling(attrs, *data):
    """Upsamples the given 4-D (NCHW) input data by an integer ``scale``.

    - ``sample_type='nearest'``: each input is repeated along height and width so that every
      input reaches (scale*h_0, scale*w_0), the first input's size times scale (every other
      input's size must divide it). Several inputs are concatenated along the channel axis
      (``multi_input_mode='concat'``) or added (``'sum'``).
    - ``sample_type='bilinear'``: takes the data and a weight of shape
      (channel, 1, 2*scale - scale%2, 2*scale - scale%2) and applies a depthwise Deconvolution
      with stride ``scale`` and pad ``ceil((scale-1)/2)``; output (N, C, scale*h, scale*w).

    Example::

      x = nd.array([[[[1, 2], [3, 4]]]])
      nd.UpSampling(x, scale=2, sample_type='nearest')
      # [[[[1. 1. 2. 2.] [1. 1. 2. 2.] [3. 3. 4. 4.] [3. 3. 4. 4.]]]]
    """
    s = attrs.scale
    if s < 1:
        raise OpError('Error in operator UpSampling: scale must be positive, got %d' % s)
    if not data:
        raise OpError('Error in operator UpSampling: needs at least one input')
    for x in data:
        if x.dim() != 4:
            raise OpError('Error in operator UpSampling: Input data should be 4D in (batch, '
                          'channel, y, x), got shape %s' % _shp(x))
    x0 = data[0]
    _need_float('UpSampling', x0)
    if attrs.sample_type == 'bilinear':
        if len(data) != 2:
            raise OpError('Error in operator UpSampling: bilinear upsampling expects 2 inputs '
                          '(data, weight), but got %d' % len(data))
        w = data[1]
        _check_dtype('UpSampling', x0, w, 'weight')
        c = x0.shape[1]
        k = 2 * s - s % 2
        if tuple(w.shape) != (c, 1, k, k):
            raise OpError('Error in operator UpSampling: Shape inconsistent, Provided = %s, '
                          'inferred shape=%s for weight (data shape %s)'
                          % (list(w.shape), (c, 1, k, k), _shp(x0)))
        p = -(-(s - 1) // 2)
        return F.conv_transpose2d(x0, w, None, s, p, 0, c)
    n, _, h, wd = x0.shape
    oh, ow = h * s, wd * s
    outs = []
    for x in data:
        if x.dtype != x0.dtype:
            _check_dtype('UpSampling', x0, x, 'data')
        if x.shape[0] != n:
            raise OpError('Error in operator UpSampling: batch sizes differ: %s vs %s'
                          % (_shp(x0), _shp(x)))
        ih, iw = x.shape[2], x.shape[3]
        if oh % ih or ow % iw or oh // ih != ow // iw:
            raise OpError('Error in operator UpSampling: input of shape %s does not divide the '
                          'output size (%d, %d)' % (_shp(x), oh, ow))
        outs.append(_nearest(x, oh // ih))
    if len(outs) == 1:
        return outs[0]
    if attrs.multi_input_mode == 'sum':
        out = outs[0]
        for o in outs[1:]:
            if o.shape[1] != out.shape[1]:
                raise OpError('Error in operator UpSampling: sum mode needs equal channel counts,'
                              ' got %d and %d' % (out.shape[1], o.shape[1]))
            out = out + o
        return out
    return torch.cat(outs, 1)


# ------------------------------------------------------------------------------------------
# ROIPooling
def _cround(v):
    return math.floor(v + 0.5) if v >= 0 else -math.floor(-v + 0.5)


@register('ROIPooling', inputs=('data', 'rois'),
          pooled_size=Param(Shape, doc='ROI pooling output shape (h,w)'),
          spatial_scale=Param(Float, doc='Ratio of input feature map height (or w) to raw image '
                              'height (or w). Equals the reciprocal of total stride in '
                              'convolutional layers'))
def roi_pooling(attrs, data, rois):
    """Max-pools each region of interest of the feature map to a fixed ``pooled_size``.

    - data: (batch, channel, height, width)
    - rois: (num_rois, 5), rows ``[batch_index, x1, y1, x2, y2]`` in image coordinates; they
      are scaled by ``spatial_scale`` and rounded to feature-map cells.
    - out: (num_rois, channel, pooled_size[0], pooled_size[1])

    Each region is split into a grid of roughly equal bins and each bin takes the maximum of
    its cells; a bin that falls outside the feature map gives 0. The gradient flows to the
    arg-max cell of every bin; rois get no gradient.
    """
    ps = attrs.pooled_size
    if len(ps) != 2 or ps[0] < 1 or ps[1] < 1:
        raise OpError('Error in operator ROIPooling: pooled_size must be (h, w) with positive '
                      'entries, got %s' % (ps,))
    if data.dim() != 4:
        raise OpError('Error in operator ROIPooling: data should be 4D (batch, channel, height, '
                      'width), got %s' % _shp(data))
    if rois.dim() != 2 or rois.shape[1] != 5:
        raise OpError('Error in operator ROIPooling: rois should be 2D (num_rois, 5), got %s'
                      % _shp(rois))
    _check_dtype('ROIPooling', data, rois, 'rois')
    ph, pw = ps
    nb, c, h, w = data.shape
    r = rois.shape[0]
    if data.device.type == 'meta':
        return data.new_empty((r, c, ph, pw))
    if r == 0:
        return data.new_zeros((0, c, ph, pw))
    scale = attrs.spatial_scale
    low = _lowest(data.dtype)
    outs = []
    for b, x1, y1, x2, y2 in rois.detach().double().cpu().tolist():
        b = int(b)
        if b < 0 or b >= nb:
            raise OpError('Error in operator ROIPooling: roi batch index %d out of range for '
                          'batch size %d' % (b, nb))
        sw, sh = _cround(x1 * scale), _cround(y1 * scale)
        ew, eh = _cround(x2 * scale), _cround(y2 * scale)
        rh, rw = max(eh - sh + 1, 1), max(ew - sw + 1, 1)
        crop = data[b:b + 1, :, max(sh, 0):min(sh + rh, h), max(sw, 0):min(sw + rw, w)]
        padt, padl = max(-sh, 0), max(-sw, 0)
        padb = rh - padt - crop.shape[2]
        padr = rw - padl - crop.shape[3]
        if padt or padl or padb or padr:
            if crop.shape[2] <= 0 or crop.shape[3] <= 0:
                outs.append(data.new_zeros((1, c, ph, pw)))
                continue
            crop = F.pad(crop, (padl, padr, padt, padb), value=low)
        o = F.adaptive_max_pool2d(crop, (ph, pw))
        if padt or padl or padb or padr:
            o = torch.where(o == low, torch.zeros((), dtype=o.dtype, device=o.device), o)
        outs.append(o)
    return torch.cat(outs, 0)


# ------------------------------------------------------------------------------------------
# im2col / col2im
def _im2col_cfg(attrs, opname):
    k = tuple(attrs.kernel)
    if len(k) != 2 or any(v < 1 for v in k):
        raise OpError('Error in operator %s: only 2-D kernels (h, w) are supported, got %s'
                      % (opname, k))
    return (k, _tuple('stride', opname, attrs.stride, 2, 1),
            _tuple('dilate', opname, attrs.dilate, 2, 1),
            _tuple('pad', opname, attrs.pad, 2, 0, 0))


def _out_sizes(opname, sp, k, s, d, p):
    outs = []
    for i in range(len(k)):
        dk = d[i] * (k[i] - 1) + 1
        if dk > sp[i] + 2 * p[i]:
            raise OpError('Error in operator %s: kernel size exceed input (dilated kernel %d, '
                          'padded input %d)' % (opname, dk, sp[i] + 2 * p[i]))
        outs.append((sp[i] + 2 * p[i] - dk) // s[i] + 1)
    return outs


@register('im2col',
          kernel=Param(Shape, doc='Sliding kernel size: (h, w).'),
          stride=Param(Shape, (), doc='The stride between adjacent sliding blocks in spatial '
                       'dimension. Defaults to 1 for each dimension.'),
          dilate=Param(Shape, (), doc='The spacing between adjacent kernel points. Defaults to '
                       '1 for each dimension.'),
          pad=Param(Shape, (), doc='The zero-value padding size on both sides of spatial '
                    'dimension. Defaults to no padding.'))
def im2col(attrs, data):
    """Extracts sliding local blocks from a batched 4-D input array (image to columns).

    data (N, C, H, W) gives (N, C * kernel[0] * kernel[1], L), where L is the number of block
    positions (out_h * out_w, the convolution output size for these kernel/stride/dilate/pad).
    Row ``c * kh * kw + i * kw + j`` holds channel ``c`` at kernel offset ``(i, j)``.

    Example::

      x = nd.arange(16).reshape((1, 1, 4, 4))
      nd.im2col(x, kernel=(2, 2), stride=(2, 2)).shape   # (1, 4, 4)
    """
    k, s, d, p = _im2col_cfg(attrs, 'im2col')
    if data.dim() != 4:
        raise OpError('Error in operator im2col: data should be 4D (N, C, H, W) for kernel %s, '
                      'got %s' % (k, _shp(data)))
    _out_sizes('im2col', data.shape[2:], k, s, d, p)
    return _int_safe(F.unfold, data, k, d, p, s)


@register('col2im',
          output_size=Param(Shape, doc='The spatial dimension of image array: (h, w).'),
          kernel=Param(Shape, doc='Sliding kernel size: (h, w).'),
          stride=Param(Shape, (), doc='The stride between adjacent sliding blocks in spatial '
                       'dimension. Defaults to 1 for each dimension.'),
          dilate=Param(Shape, (), doc='The spacing between adjacent kernel points. Defaults to '
                       '1 for each dimension.'),
          pad=Param(Shape, (), doc='The zero-value padding size on both sides of spatial '
                    'dimension. Defaults to no padding.'))
def col2im(attrs, data):
    """Combines an array of sliding local blocks into a large image array (the adjoint of
    im2col: values of overlapping blocks are summed).

    data (N, C * kernel[0] * kernel[1], L) gives (N, C, *output_size); L must equal the
    number of block positions for ``output_size`` and the kernel/stride/dilate/pad.

    Example::

      cols = nd.ones((1, 4, 9))
      nd.col2im(cols, output_size=(4, 4), kernel=(2, 2))   # shape (1, 1, 4, 4)
    """
    k, s, d, p = _im2col_cfg(attrs, 'col2im')
    osz = tuple(attrs.output_size)
    if len(osz) != 2:
        raise OpError('Error in operator col2im: output_size %s must have the same length as '
                      'kernel %s' % (osz, k))
    if data.dim() != 3:
        raise OpError('Error in operator col2im: data should be 3D (N, C*prod(kernel), L), got '
                      '%s' % _shp(data))
    kk = k[0] * k[1]
    outs = _out_sizes('col2im', osz, k, s, d, p)
    nl = outs[0] * outs[1]
    if data.shape[1] % kk or data.shape[2] != nl:
        raise OpError('Error in operator col2im: data shape %s does not fit kernel %s and '
                      'output_size %s (expected (N, C*%d, %d))' % (_shp(data), k, osz, kk, nl))
    return _int_safe(F.fold, data, osz, k, d, p, s)


# ------------------------------------------------------------------------------------------
# BilinearSampler / GridGenerator / SpatialTransformer
def _sample(opname, data, grid):
    if data.dim() != 4 or grid.dim() != 4 or grid.shape[1] != 2 or grid.shape[0] != data.shape[0]:
        raise OpError('Error in operator %s: data should be (N, C, H, W) and grid (N, 2, H_out, '
                      'W_out), got %s and %s' % (opname, _shp(data), _shp(grid)))
    _check_dtype(opname, data, grid, 'grid')
    return F.grid_sample(data, grid.permute(0, 2, 3, 1), mode='bilinear', padding_mode='zeros',
                         align_corners=True)


@register('BilinearSampler', inputs=('data', 'grid'), total_outputs=2,
          cudnn_off=Param(OptBool, None, doc='whether to turn cudnn off. Ignored.'))
def bilinear_sampler(attrs, data, grid):
    """Applies bilinear sampling to the input feature map at the grid's positions.

    - data: (batch, channel, height, width)
    - grid: (batch, 2, out_height, out_width); ``grid[:, 0]`` is x and ``grid[:, 1]`` is y,
      both normalised to [-1, 1] (-1 is the first pixel's centre, 1 the last's).
    - out: (batch, channel, out_height, out_width)

    Positions outside the image read zeros. Usually fed by ``GridGenerator``.
    """
    return _sample('BilinearSampler', data, grid)


def _base_grid(h, w, dtype, device):
    ys = torch.linspace(-1, 1, h, dtype=dtype, device=device) if h > 1 else \
        torch.full((1,), -1.0, dtype=dtype, device=device)
    xs = torch.linspace(-1, 1, w, dtype=dtype, device=device) if w > 1 else \
        torch.full((1,), -1.0, dtype=dtype, device=device)
    gy, gx = torch.meshgrid(ys, xs, indexing='ij')
    return torch.stack([gx.reshape(-1), gy.reshape(-1), torch.ones_like(gx).reshape(-1)], 0)


def _affine_grid(opname, theta, ts):
    if len(ts) != 2 or ts[0] < 1 or ts[1] < 1:
        raise OpError('Error in operator %s: target_shape must be (h, w) with positive entries '
                      'for affine transformation, got %s' % (opname, ts))
    nb = theta.shape[0]
    if theta.numel() != nb * 6:
        raise OpError('Error in operator %s: the affine parameters must be (batch, 6), got %s'
                      % (opname, _shp(theta)))
    h, w = ts
    base = _base_grid(h, w, theta.dtype, theta.device)           # (3, h*w)
    out = torch.matmul(theta.reshape(nb, 2, 3), base)             # (nb, 2, h*w)
    return out.reshape(nb, 2, h, w)


@register('GridGenerator',
          transform_type=Param(Str, doc='The type of transformation. For `affine`, input data '
                               'should be an affine matrix of size (batch, 6). For `warp`, input '
                               'data should be an optical flow of size (batch, 2, h, w).',
                               choices=('affine', 'warp')),
          target_shape=Param(Shape, (0, 0), doc='Specifies the output shape (H, W). This is '
                             'required if transformation type is `affine`. If transformation '
                             'type is `warp`, this parameter is ignored.'))
def grid_generator(attrs, data):
    """Generates a sampling grid for ``BilinearSampler``.

    - ``affine``: data (batch, 6) holds 2x3 matrices applied to the normalised target
      coordinates (x, y, 1), x and y in [-1, 1]; out (batch, 2, H, W) for
      ``target_shape=(H, W)``.
    - ``warp``: data (batch, 2, H, W) is an optical flow in pixels; out is the normalised
      position ``(x + flow_x) / ((W-1)/2) - 1`` (likewise y), shape (batch, 2, H, W).
    """
    if not data.is_floating_point():
        raise OpError('Error in operator GridGenerator: data must be floating point, got %s'
                      % dtype_name(data))
    if attrs.transform_type == 'affine':
        if data.dim() != 2 or data.shape[1] != 6:
            raise OpError('Error in operator GridGenerator: affine data should be (batch, 6), '
                          'got %s' % _shp(data))
        return _affine_grid('GridGenerator', data, attrs.target_shape)
    if data.dim() != 4 or data.shape[1] != 2:
        raise OpError('Error in operator GridGenerator: warp data should be (batch, 2, h, w), '
                      'got %s' % _shp(data))
    h, w = data.shape[2], data.shape[3]
    xs = torch.arange(w, dtype=data.dtype, device=data.device)
    ys = torch.arange(h, dtype=data.dtype, device=data.device)
    sx = (w - 1) / 2.0
    sy = (h - 1) / 2.0
    gx = (data[:, 0] + xs) / sx - 1
    gy = (data[:, 1] + ys[:, None]) / sy - 1
    return torch.stack([gx, gy], 1)


@register('SpatialTransformer', inputs=('data', 'loc'), total_outputs=3,
          target_shape=Param(Shape, (0, 0), doc='output shape(h, w) of spatial transformer: '
                             '(y, x)'),
          transform_type=Param(Str, doc='transformation type', choices=('affine',)),
          sampler_type=Param(Str, doc='sampling type', choices=('bilinear',)),
          cudnn_off=Param(OptBool, None, doc='whether to turn cudnn off. Ignored.'))
def spatial_transformer(attrs, data, loc):
    """Applies a spatial transformer: an affine sampling grid made from ``loc`` (batch, 6)
    for ``target_shape=(H, W)``, then bilinear sampling of ``data`` (batch, C, h, w) at it,
    giving (batch, C, H, W). Equivalent to ``GridGenerator`` (affine) + ``BilinearSampler``.
    """
    if data.dim() != 4:
        raise OpError('Error in operator SpatialTransformer: data should be 4D, got %s'
                      % _shp(data))
    if loc.shape[0] != data.shape[0] or loc.numel() != data.shape[0] * 6:
        raise OpError('Error in operator SpatialTransformer: loc should be (batch, 6), got %s '
                      'for data %s' % (_shp(loc), _shp(data)))
    _check_dtype('SpatialTransformer', data, loc, 'loc')
    grid = _affine_grid('SpatialTransformer', loc, attrs.target_shape)
    return _sample('SpatialTransformer', data, grid)


# ------------------------------------------------------------------------------------------
# Correlation
@register('Correlation', inputs=('data1', 'data2'), total_outputs=3,
          kernel_size=Param(Int, 1, doc='kernel size for Correlation must be an odd number'),
          max_displacement=Param(Int, 1, doc='Max displacement of Correlation'),
          stride1=Param(Int, 1, doc='stride1 quantize data1 globally'),
          stride2=Param(Int, 1, doc='stride2 quantize data2 within the neighborhood centered '
                        'around data1'),
          pad_size=Param(Int, 0, doc='pad for Correlation'),
          is_multiply=Param(Bool, True, doc='operation type is either multiplication or '
                            'subduction'))
def correlation(attrs, data1, data2):
    """Compares patches of two feature maps (FlowNet's correlation layer).

    For each location of ``data1`` (taken every ``stride1`` cells) and each displacement
    ``(dy, dx)`` in ``[-max_displacement, max_displacement]`` (step ``stride2``), sums over a
    ``kernel_size`` x ``kernel_size`` patch and all channels the products
    ``data1 * data2_shifted`` (``is_multiply=True``) or absolute differences, divided by
    ``kernel_size**2 * channels``. Both inputs are zero-padded by ``pad_size`` first.

    - data1, data2: (batch, channel, height, width)
    - out: (batch, (2*(max_displacement//stride2)+1)**2, out_h, out_w) with
      ``out_h = ceil((height + 2*pad_size - 2*border) / stride1)``,
      ``border = max_displacement + kernel_size//2``.
    """
    k = attrs.kernel_size
    md = attrs.max_displacement
    s1, s2 = attrs.stride1, attrs.stride2
    ps = attrs.pad_size
    if data1.dim() != 4 or tuple(data1.shape) != tuple(data2.shape):
        raise OpError('Error in operator Correlation: data1 and data2 must be 4D with the same '
                      'shape, got %s and %s' % (_shp(data1), _shp(data2)))
    _check_dtype('Correlation', data1, data2, 'data2')
    if k % 2 == 0:
        raise OpError('Error in operator Correlation: kernel_size must be odd, got %d' % k)
    if s1 < 1 or s2 < 1:
        raise OpError('Error in operator Correlation: stride1 and stride2 must be positive')
    nb, c, h, w = data1.shape
    kr = k // 2
    border = md + kr
    ph, pw = h + 2 * ps, w + 2 * ps
    oh = -(-(ph - 2 * border) // s1)
    ow = -(-(pw - 2 * border) // s1)
    if oh < 1 or ow < 1:
        raise OpError('Error in operator Correlation: output size (%d, %d) is not positive for '
                      'input %s (pad_size %d, max_displacement %d, kernel_size %d)'
                      % (oh, ow, _shp(data1), ps, md, k))
    gr = md // s2
    x1 = F.pad(data1, (ps, ps, ps, ps))
    x2 = F.pad(data2, (ps, ps, ps, ps))
    # centres of data1 patches in padded coords: border + i*s1
    hs = slice(border - kr, border - kr + (oh - 1) * s1 + k)
    ws = slice(border - kr, border - kr + (ow - 1) * s1 + k)
    a = x1[:, :, hs, ws]
    norm = float(k * k * c)
    outs = []
    for dy in range(-gr, gr + 1):
        for dx in range(-gr, gr + 1):
            oy, ox = dy * s2, dx * s2
            b = x2[:, :, hs.start + oy:hs.stop + oy, ws.start + ox:ws.stop + ox]
            # |a - b| with MXNet's subgradient: +1 for data1 where a >= b (ties included)
            prod = (a * b) if attrs.is_multiply else torch.where(a >= b, a - b, b - a)
            m = prod.sum(1, keepdim=True)
            if k > 1 or s1 > 1:
                m = F.avg_pool2d(m, k, s1, 0, False, True, 1)
            outs.append(m)
    return torch.cat(outs, 1) / norm
