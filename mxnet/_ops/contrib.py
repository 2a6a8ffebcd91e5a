"""Contrib operators (``_contrib_X``, reached as ``mx.nd.contrib.X`` / ``mx.sym.contrib.X``):
quadratic, allclose, div_sqrt_dim, arange_like, index_array, index_copy, boolean_mask,
AdaptiveAvgPooling2D, BilinearResize2D, the interleaved multi-head attention matmuls,
quantize / dequantize.

MXNet conventions kept here: index inputs never receive a gradient; results are new arrays;
bad input raises :class:`OpError`.
"""
import math

import torch
import torch.nn.functional as F

from .registry import register, Param, OpError, dtype_name
from .params import Float, Bool, Int, OptInt, OptFloat, Shape, Axis, Str

__all__ = []


def _err(op, msg):
    return OpError('Error in operator %s: %s' % (op, msg))


def _float_like(t):
    return t.dtype if t.is_floating_point() else torch.float32


# ---------------------------------------------------------------------------------------------
# element-wise helpers
@register('_contrib_quadratic', a=Param(Float, 0.0, 'Coefficient of the quadratic term in the '
                                                    'quadratic function.'),
          b=Param(Float, 0.0, 'Coefficient of the linear term in the quadratic function.'),
          c=Param(Float, 0.0, 'Constant term in the quadratic function.'))
def quadratic(a, data):
    """This operators implements the quadratic function ``f(x) = a * x^2 + b * x + c``
    element-wise; integer inputs compute in floating point and truncate the result."""
    if data.is_floating_point():
        return (data * data) * a.a + data * a.b + a.c
    x = data.double()
    return (x * x * a.a + x * a.b + a.c).to(data.dtype)


@register('_contrib_allclose', inputs=('a', 'b'),
          rtol=Param(Float, 9.99999975e-06, 'Relative tolerance.'),
          atol=Param(Float, 9.99999994e-09, 'Absolute tolerance.'),
          equal_nan=Param(Bool, True, 'Whether to compare NaN as equal. If True, NaN in a will '
                                      'be considered equal to NaN in b in the output array.'),
          differentiable=False)
def allclose(p, a, b):
    """1 (uint8, shape ``()``) when every ``|a - b| <= atol + rtol * |b|``, else 0."""
    if a.shape != b.shape:
        try:
            torch.broadcast_shapes(a.shape, b.shape)
        except RuntimeError:
            raise _err('_contrib_allclose', 'shapes %s and %s differ'
                       % (list(a.shape), list(b.shape))) from None
    close = torch.isclose(a, b, rtol=p.rtol, atol=p.atol, equal_nan=p.equal_nan)
    return close.all().to(torch.uint8)


@register('_contrib_div_sqrt_dim')
def div_sqrt_dim(a, data):
    """Rescale the input by the square root of the channel dimension:
    ``out = data / sqrt(data.shape[-1])``."""
    return data / math.sqrt(data.shape[-1])


# ---------------------------------------------------------------------------------------------
# index helpers
@register('_contrib_arange_like', start=Param(Float, 0.0, 'Start of interval.'),
          step=Param(Float, 1.0, 'Spacing between values.'),
          repeat=Param(Int, 1, 'The repeating time of all elements.'),
          ctx=Param(Str, '', 'Context of output, in format [cpu|gpu|cpu_pinned](n).'),
          axis=Param(OptInt, None, 'Arange elements according to the size of a certain axis '
                                   'of input array. The negative numbers are interpreted '
                                   'counting from the backward. If not provided, will arange '
                                   'elements according to the input shape.'),
          differentiable=False)
def arange_like(a, data):
    """Evenly spaced values ``start + (i // repeat) * step``, with the shape of ``data``
    (or, with ``axis``, one value per position along that axis) and its dtype."""
    if a.axis is None:
        shape = tuple(data.shape)
    else:
        ax = a.axis + data.dim() if a.axis < 0 else a.axis
        if not 0 <= ax < data.dim():
            raise _err('_contrib_arange_like', 'axis %d out of range for %d-d input'
                       % (a.axis, data.dim()))
        shape = (data.shape[ax],)
    n = math.prod(shape)
    i = torch.arange(n, dtype=torch.float64, device=data.device)
    if a.repeat != 1:
        i = torch.div(i, a.repeat, rounding_mode='floor')
    return (i * a.step + a.start).to(data.dtype).reshape(shape)


@register('_contrib_index_array',
          axes=Param(Axis, None, 'The axes to include in the index array. Supports negative '
                                 'values.'),
          differentiable=False)
def index_array(a, data):
    """For every element of ``data`` its index: shape ``data.shape + (k,)`` (int64) with
    ``k = ndim`` or ``len(axes)``; ``out[i0, i1, ..., :] = (i_axes...)``."""
    nd_ = data.dim()
    axes = range(nd_) if a.axes is None else (
        (a.axes,) if isinstance(a.axes, int) else a.axes)
    sel = []
    for ax in axes:
        x = ax + nd_ if ax < 0 else ax
        if not 0 <= x < nd_:
            raise _err('_contrib_index_array', 'axis %d out of range for %d-d input' % (ax, nd_))
        sel.append(x)
    shape = tuple(data.shape)
    cols = []
    for x in sel:
        view = [1] * nd_
        view[x] = shape[x]
        cols.append(torch.arange(shape[x], dtype=torch.int64, device=data.device)
                    .reshape(view).expand(shape))
    if not cols:
        return torch.zeros(shape + (0,), dtype=torch.int64, device=data.device)
    return torch.stack(cols, dim=-1)


@register('_contrib_index_copy', inputs=('old_tensor', 'index_vector', 'new_tensor'))
def index_copy(a, old, index, new):
    """Copies the rows of ``new_tensor`` into ``old_tensor`` at the rows ``index_vector``
    (a 1-D index array); returns the result (the inputs are not changed). Gradients: the
    copied-over rows of ``old_tensor`` get 0, ``new_tensor`` gets the gradient of its rows."""
    if index.dim() != 1:
        raise _err('_contrib_index_copy', 'index_vector must be 1-D, got shape %s'
                   % list(index.shape))
    if new.dim() != old.dim() or new.shape[0] != index.shape[0] or \
            tuple(new.shape[1:]) != tuple(old.shape[1:]):
        raise _err('_contrib_index_copy', 'new_tensor shape %s does not fit old_tensor %s with '
                   '%d indices' % (list(new.shape), list(old.shape), index.shape[0]))
    idx = index.long().detach()
    if idx.numel() and (int(idx.min()) < 0 or int(idx.max()) >= old.shape[0]):
        raise _err('_contrib_index_copy', 'index out of range [0, %d)' % old.shape[0])
    return old.index_copy(0, idx, new)


@register('_contrib_boolean_mask', inputs=('data', 'index'),
          axis=Param(Int, 0, 'An integer that represents the axis in NDArray to mask from.'))
def boolean_mask(a, data, index):
    """The slices of ``data`` along axis 0 where ``index`` (1-D, length ``data.shape[0]``) is
    non-zero. The output's first dimension depends on the values; the gradient scatters back
    (0 for dropped rows)."""
    if a.axis != 0:
        raise _err('_contrib_boolean_mask', 'Check failed: axis == 0 (%d vs. 0) : Not '
                   'supported yet' % a.axis)
    if index.dim() != 1 or index.shape[0] != data.shape[0]:
        raise _err('_contrib_boolean_mask', 'index shape %s does not match data shape %s on '
                   'axis 0' % (list(index.shape), list(data.shape)))
    rows = torch.nonzero(index.detach() != 0).reshape(-1)
    return data.index_select(0, rows)


# ---------------------------------------------------------------------------------------------
# resizing
def _aap_size(a):
    s = a.output_size
    if len(s) == 0:
        return 1, 1
    if len(s) == 1:
        return s[0], s[0]
    if len(s) == 2:
        return s[0], s[1]
    raise _err('_contrib_AdaptiveAvgPooling2D', 'output_size must have 1 or 2 values, got %s'
               % (s,))


@register('_contrib_AdaptiveAvgPooling2D',
          output_size=Param(Shape, (), 'int (output size) or a tuple of int for output '
                                       '(height, width).'))
def adaptive_avg_pooling2d(a, data):
    """Applies a 2D adaptive average pooling over a 4D input of shape (N, C, H, W): output bin
    ``(i, j)`` averages rows ``floor(i*H/oh) .. ceil((i+1)*H/oh)`` and likewise the columns."""
    if data.dim() != 4:
        raise _err('_contrib_AdaptiveAvgPooling2D', 'expects a 4-D input (N, C, H, W), got %s'
                   % list(data.shape))
    oh, ow = _aap_size(a)
    return F.adaptive_avg_pool2d(data, (oh, ow))


_RESIZE_MODES = ('size', 'odd_scale', 'like', 'to_even_down', 'to_even_up', 'to_odd_down',
                 'to_odd_up')


def _resize_inputs(a):
    return ('data', 'like') if a.mode == 'like' else ('data',)


def _resize_size(a, h, w, like):
    m = a.mode
    if m == 'size':
        oh = int(a.scale_height * h) if a.scale_height is not None else a.height
        ow = int(a.scale_width * w) if a.scale_width is not None else a.width
        return oh, ow
    if m == 'odd_scale':
        if a.scale_height is None or a.scale_width is None:
            raise _err('_contrib_BilinearResize2D', "mode 'odd_scale' needs scale_height and "
                                                     'scale_width')

        def odd(n, s):
            return int(n * s) if n % 2 == 0 else int((n - 1) * s) + 1
        return odd(h, a.scale_height), odd(w, a.scale_width)
    if m == 'like':
        if like is None or like.dim() < 2:
            raise _err('_contrib_BilinearResize2D', "mode 'like' needs the 'like' input")
        return like.shape[-2], like.shape[-1]
    even = m.startswith('to_even')
    up = m.endswith('_up')

    def fix(n):
        if (n % 2 == 0) == even:
            return n
        return n + 1 if up else n - 1
    return fix(h), fix(w)


@register('_contrib_BilinearResize2D', inputs=('data', 'like'), inputs_fn=_resize_inputs,
          height=Param(Int, 1, 'output height (required, but ignored if scale_height is '
                                'defined or mode is not "size")'),
          width=Param(Int, 1, 'output width (required, but ignored if scale_width is defined or '
                               'mode is not "size")'),
          scale_height=Param(OptFloat, None, 'sampling scale of the height (optional, used in '
                                             'modes "scale" and "odd_scale")'),
          scale_width=Param(OptFloat, None, 'sampling scale of the width (optional, used in '
                                            'modes "scale" and "odd_scale")'),
          mode=Param(Str, 'size', 'resizing mode.', choices=_RESIZE_MODES),
          align_corners=Param(Bool, True, 'With align_corners = True, the interpolating doesn\'t'
                                          ' proportionally align the output and input pixels, '
                                          'and thus the output values can depend on the input '
                                          'size.'))
def bilinear_resize2d(a, data, like=None):
    """Perform 2D resizing (upsampling or downsampling) of 4D input (N, C, H, W) using bilinear
    interpolation. The output size comes from ``height``/``width``, the scales, or ``mode``
    (``like``: the size of the second input, which gets a zero gradient)."""
    if data.dim() != 4:
        raise _err('_contrib_BilinearResize2D', 'expects a 4-D input (N, C, H, W), got %s'
                   % list(data.shape))
    h, w = data.shape[2], data.shape[3]
    oh, ow = _resize_size(a, h, w, like)
    if oh <= 0 or ow <= 0:
        raise _err('_contrib_BilinearResize2D', 'output size (%d, %d) must be positive'
                   % (oh, ow))
    if (oh, ow) == (h, w):
        out = data.clone()
    else:
        x = data if data.is_floating_point() else data.float()
        out = F.interpolate(x, size=(oh, ow), mode='bilinear', align_corners=a.align_corners)
        if out.dtype != data.dtype:
            out = out.to(data.dtype)
    if like is not None and like.requires_grad:
        out = out + (like.sum() * 0).to(out.dtype)    # the 'like' input gets a zero gradient
    return out


# ---------------------------------------------------------------------------------------------
# interleaved multi-head attention (transformer.cc)
def _heads(op, t, heads, k):
    if t.dim() != 3:
        raise _err(op, 'expects a 3-D input (seq_length, batch_size, features), got %s'
                   % list(t.shape))
    if heads <= 0 or t.shape[2] % (heads * k):
        raise _err(op, 'the last dimension %d must be a multiple of heads * %d = %d'
                   % (t.shape[2], k, heads * k))
    s, b, _ = t.shape
    # (seq, batch, heads, k, head_dim)
    return t.reshape(s, b, heads, k, -1)


def _to_bh(p):
    """(seq, batch, heads, dim) -> (batch * heads, seq, dim)."""
    s, b, h, d = p.shape
    return p.permute(1, 2, 0, 3).reshape(b * h, s, d)


def _from_bh(o, heads):
    """(batch * heads, seq, dim) -> (seq, batch, heads * dim)."""
    bh, s, d = o.shape
    return o.reshape(bh // heads, heads, s, d).permute(2, 0, 1, 3).reshape(s, bh // heads,
                                                                            heads * d)


_HEADS = Param(Int, doc='Set number of heads')


@register('_contrib_interleaved_matmul_selfatt_qk', inputs=('queries_keys_values',),
          heads=_HEADS)
def interleaved_matmul_selfatt_qk(a, qkv):
    """Self-attention scores from interleaved projections ``(seq, batch, heads * 3 * dim)``:
    ``batch_dot(q / sqrt(dim), k, transpose_b=True)``, shape ``(batch * heads, seq, seq)``."""
    t = _heads('_contrib_interleaved_matmul_selfatt_qk', qkv, a.heads, 3)
    q = _to_bh(t[:, :, :, 0, :])
    k = _to_bh(t[:, :, :, 1, :])
    q = q / math.sqrt(q.shape[-1])
    return torch.bmm(q, k.transpose(1, 2))


@register('_contrib_interleaved_matmul_selfatt_valatt',
          inputs=('queries_keys_values', 'attention'), heads=_HEADS)
def interleaved_matmul_selfatt_valatt(a, qkv, att):
    """Self-attention output ``batch_dot(attention, v)`` from interleaved projections, as
    ``(seq, batch, heads * dim)``."""
    t = _heads('_contrib_interleaved_matmul_selfatt_valatt', qkv, a.heads, 3)
    v = _to_bh(t[:, :, :, 2, :])
    return _from_bh(torch.bmm(att, v), a.heads)


@register('_contrib_interleaved_matmul_encdec_qk', inputs=('queries', 'keys_values'),
          heads=_HEADS)
def interleaved_matmul_encdec_qk(a, queries, kv):
    """Encoder-decoder attention scores: queries ``(qseq, batch, heads * dim)``, interleaved
    keys/values ``(kseq, batch, heads * 2 * dim)``; ``(batch * heads, qseq, kseq)``."""
    op = '_contrib_interleaved_matmul_encdec_qk'
    qt = _heads(op, queries, a.heads, 1)
    t = _heads(op, kv, a.heads, 2)
    q = _to_bh(qt[:, :, :, 0, :])
    k = _to_bh(t[:, :, :, 0, :])
    q = q / math.sqrt(q.shape[-1])
    return torch.bmm(q, k.transpose(1, 2))


@register('_contrib_interleaved_matmul_encdec_valatt', inputs=('keys_values', 'attention'),
          heads=_HEADS)
def interleaved_matmul_encdec_valatt(a, kv, att):
    """Encoder-decoder attention output ``batch_dot(attention, v)`` as
    ``(qseq, batch, heads * dim)``."""
    t = _heads('_contrib_interleaved_matmul_encdec_valatt', kv, a.heads, 2)
    v = _to_bh(t[:, :, :, 1, :])
    return _from_bh(torch.bmm(att, v), a.heads)


# ---------------------------------------------------------------------------------------------
# quantization (MXNet's CPU build quantizes through oneDNN; these are its formulas)
_QRANGE = {'int8': (127.0, 127.5), 'uint8': (255.0, 255.5)}


@register('_contrib_quantize', inputs=('data', 'min_range', 'max_range'), num_outputs=3,
          output_names=('output', 'min_output', 'max_output'),
          out_type=Param(Str, 'uint8', 'Output data type.', choices=('int8', 'uint8')),
          differentiable=False)
def quantize(a, data, min_range, max_range):
    """Quantize a float32 input to int8 / uint8 with the range ``[min_range, max_range]``
    (one-element arrays): ``q = round(x * qmax / r)`` clipped, with
    ``r = max(|min_range|, |max_range|)`` and ``qmax`` 127 (int8) or 255 (uint8). Returns
    ``(q, min_output, max_output)``: ``(-r, r)`` for int8, the input range for uint8."""
    lo = min_range.reshape(-1)[:1].float()
    hi = max_range.reshape(-1)[:1].float()
    r = torch.maximum(lo.abs(), hi.abs())
    qmax = _QRANGE[a.out_type][0]
    scaled = data.float() * (qmax / r)
    if a.out_type == 'int8':
        q = torch.round(scaled).clamp_(-127, 127).to(torch.int8)
        return q, -r, r.clone()
    q = torch.round(scaled).clamp_(0, 255).to(torch.uint8)
    return q, lo.clone(), hi.clone()


@register('_contrib_dequantize', inputs=('data', 'min_range', 'max_range'),
          out_type=Param(Str, 'float32', 'Output data type.', choices=('float32',)),
          differentiable=False)
def dequantize(a, data, min_range, max_range):
    """Dequantize int8 / uint8 data back to float32 with the range ``[min_range, max_range]``:
    ``x = q * max(|min_range|, |max_range|) / 127.5`` (int8) or ``/ 255.5`` (uint8)."""
    if data.dtype == torch.int8:
        qr = _QRANGE['int8'][1]
    elif data.dtype == torch.uint8:
        qr = _QRANGE['uint8'][1]
    elif data.dtype == torch.int32:
        qr = 2147483647.0
    else:
        raise _err('_contrib_dequantize', 'data must be int8, uint8 or int32, got %s'
                   % dtype_name(data.dtype))
    r = torch.maximum(min_range.reshape(-1)[:1].float().abs(),
                      max_range.reshape(-1)[:1].float().abs())
    return data.float() * (r / qr)
