"""Shape-manipulation operators: Reshape, Flatten, transpose, expand_dims, squeeze, Concat,
stack, SliceChannel/_split_v2, tile, repeat, Pad, flip, broadcast_to/_like/_axis,
depth_to_space, space_to_depth, shape_array, size_array, diag, Crop, reshape_like.

MXNet semantics: every one of these operators returns a new array (MXNet's imperative ops
never alias their input; only ``NDArray.reshape`` and basic slicing share memory), so results
that torch would give as views are copied once. Axes are range-checked the way MXNet checks them
(some ops accept negative axes, some do not) and bad input raises :class:`OpError`.
"""
import numpy as np
import torch
import torch.nn.functional as F

from .registry import register, Param, OpError, dtype_name
from .params import Shape, Bool, Int, OptInt, Axis, Float, REQUIRED
from ..base import MXNetError

__all__ = []

_CONTIG = torch.contiguous_format


def _copy(t):
    """A fresh copy of t (t may be a view of an op input). Views made by reshape, narrow,
    expand or diagonal come out contiguous with torch's default preserve_format."""
    return t.clone()


def _copy_c(t):
    """A fresh contiguous copy of a permuted view (preserve_format would keep its strides)."""
    return t.clone(memory_format=_CONTIG)


def _shp(t):
    return tuple(t.shape)


def _err(op, msg):
    return OpError('Error in operator %s: %s' % (op, msg))


def _axis(op, name, ax, ndim, allow_neg=True, extra=0):
    """Normalise one axis against ndim (+extra slots, e.g. stack/expand_dims)."""
    n = ndim + extra
    if ax < 0:
        if not allow_neg:
            raise _err(op, '%s=%d must be in range [0, %d) (negative axes are not supported '
                           'by this operator)' % (name, ax, n))
        ax += n
        if ax < 0:
            raise _err(op, '%s=%d is out of bounds for an array with %d dimensions'
                       % (name, ax - n, ndim))
    elif ax >= n:
        raise _err(op, '%s=%d is out of bounds for an array with %d dimensions'
                   % (name, ax, ndim))
    return ax


def _shape_cache():
    return {}


def _cached(cache, key, fn):
    r = cache.get(key)
    if r is None:
        r = fn()
        if len(cache) > 4096:
            cache.clear()
        cache[key] = r
    return r


# ---------------------------------------------------------------------------------------------
# Reshape family

# MXNet's reshape codes, shared with NDArray.reshape (mxnet/ndarray/_handle.py imports them)
def infer_reshape(src, target, reverse=False, exact=True):
    """Resolve MXNet reshape codes against src shape -> concrete tuple (raises MXNetError).

    With ``exact=False`` (NDArray.reshape) the result may differ in size from ``src``: a -1 is
    inferred by floor division and the caller checks the size, as MXNet's C reshape does."""
    if reverse:
        res = infer_reshape(tuple(reversed(src)), _reverse_codes(target), False, exact)
        return tuple(reversed(res))
    out = []
    i = 0  # index into src
    j = 0
    infer_at = -1
    n = len(target)
    while j < n:
        c = target[j]
        if c == 0:
            if i >= len(src):
                raise MXNetError('reshape: code 0 at position %d has no source dimension '
                                 '(source shape %s, target %s)' % (j, src, target))
            out.append(src[i])
            i += 1
        elif c == -1:
            if infer_at >= 0:
                raise MXNetError('reshape: one and only one dim can be inferred (target %s)'
                                 % (target,))
            infer_at = len(out)
            out.append(-1)
            i += 1
        elif c == -2:
            out.extend(src[i:])
            i = len(src)
        elif c == -3:
            if i + 1 >= len(src):
                raise MXNetError('reshape: -3 needs two source dims (source %s, target %s)'
                                 % (src, target))
            out.append(src[i] * src[i + 1])
            i += 2
        elif c == -4:
            if j + 2 >= n or i >= len(src):
                raise MXNetError('reshape: -4 needs two following dims (target %s)' % (target,))
            d0, d1 = target[j + 1], target[j + 2]
            s = src[i]
            if d0 == -1 and d1 == -1:
                raise MXNetError('reshape: -4 split dims cannot both be -1')
            if d0 == -1:
                d0 = s // d1 if d1 else 0
            if d1 == -1:
                d1 = s // d0 if d0 else 0
            if d0 * d1 != s:
                raise MXNetError('reshape: -4 split %d into %d x %d does not match (source %s, '
                                 'target %s)' % (s, d0, d1, src, target))
            out.extend([d0, d1])
            i += 1
            j += 2
        elif c > 0:
            out.append(c)
            i += 1
        else:
            raise MXNetError('reshape: invalid shape code %d in %s' % (c, target))
        j += 1
    total = 1
    for d in src:
        total *= d
    if infer_at >= 0:
        known = 1
        for k, d in enumerate(out):
            if k != infer_at:
                known *= d
        if known == 0 or (exact and total % known):
            raise MXNetError('Cannot reshape array of shape %s into shape %s'
                             % (src, tuple(target)))
        out[infer_at] = total // known
    if not exact:
        return tuple(out)
    size = 1
    for d in out:
        size *= d
    if size != total:
        raise MXNetError('Cannot reshape array of shape %s into shape %s (target size %d != '
                         'source size %d)' % (src, tuple(target), size, total))
    return tuple(out)


def _reverse_codes(target):
    # MXNet reverses the codes literally: with reverse=True a -4 follows its two split dims,
    # (16, 4, -4) splits into (16, 4)
    return tuple(reversed(tuple(target)))


def _legacy_target_shape(src, target, keep_highest):
    out = list(target)
    start = 1 if keep_highest else 0
    if keep_highest:
        out[0] = src[0]
    zeros = [i for i in range(start, len(out)) if out[i] == 0]
    if any(d < 0 for d in out):
        raise ValueError('target_shape %s must not contain negative values' % (tuple(target),))
    total = 1
    for d in src:
        total *= d
    if len(zeros) == 1:
        known = 1
        for i, d in enumerate(out):
            if i != zeros[0]:
                known *= d
        if known == 0 or total % known:
            raise ValueError('cannot infer the 0 dimension of target_shape %s from source '
                             'shape %s' % (tuple(target), src))
        out[zeros[0]] = total // known
    return tuple(out)


_RESHAPE_CACHE = {}


def _reshape_shape(a, src):
    key = (a, src)
    r = _RESHAPE_CACHE.get(key)
    if r is not None:
        return r
    try:
        if a.shape:
            new = tuple(infer_reshape(src, a.shape, a.reverse))
        elif a.target_shape:
            new = _legacy_target_shape(src, a.target_shape, a.keep_highest)
        else:
            raise ValueError('target shape must be given (shape is empty)')
    except (MXNetError, ValueError) as e:
        raise _err('Reshape', '%s (input shape %s, shape=%s, reverse=%s)'
                   % (str(e).split('\n')[0], src, a.shape or a.target_shape, a.reverse)) from None
    size = 1
    for d in new:
        size *= d
    total = 1
    for d in src:
        total *= d
    if size != total or any(d < 0 for d in new):
        raise _err('Reshape', 'Target shape size is different to source. Target: %s, Source: %s'
                   % (new, src))
    if len(_RESHAPE_CACHE) > 4096:
        _RESHAPE_CACHE.clear()
    _RESHAPE_CACHE[key] = new
    return new


def _known(shape):
    return shape is not None and all(d > 0 for d in shape)


def _reshape_back(attrs, data, out):
    """Reshape's data shape from a known output (shape_from_output): one unknown data dim
    follows from the sizes (MXNet's ReshapeShape does the same)."""
    if data is None or not _known(out) or list(data).count(0) != 1:
        return None
    known = int(np.prod([d for d in data if d > 0], dtype=np.int64))
    total = int(np.prod(out, dtype=np.int64))
    if known <= 0 or total % known:
        return None
    return tuple(total // known if d == 0 else d for d in data)


@register('Reshape', aliases=('reshape',), shape_from_output=_reshape_back, in_place=True,
          monitor_indexed_inputs=True, monitor_indexed_outputs=True,
          shape=Param(Shape, (), 'The target shape'),
          reverse=Param(Bool, False, 'If true then the special values are inferred from right '
                        'to left'),
          target_shape=Param(Shape, (), '(Deprecated! Use ``shape`` instead.) Target new '
                             'shape. One and only one dim can be 0, in which case it will be '
                             'inferred from the rest of dims'),
          keep_highest=Param(Bool, False, '(Deprecated! Use ``shape`` instead.) Whether keep '
                             'the highest dim unchanged. If set to true, then the first dim in '
                             'target_shape is ignored, and always fixed as input'))
def Reshape(a, data):
    """Reshapes the input array to a new shape with the same number of elements.

    Besides positive sizes, ``shape`` understands these codes:

    - ``0``: copy this dimension from the input (``(2,3,4)``, ``(4,0,2)`` -> ``(4,3,2)``)
    - ``-1``: infer this dimension from the remaining size (at most one)
    - ``-2``: copy all remaining input dimensions (``(2,3,4)``, ``(-2,)`` -> ``(2,3,4)``)
    - ``-3``: merge two consecutive input dimensions (``(2,3,4)``, ``(-3,4)`` -> ``(6,4)``)
    - ``-4``: split one input dimension into the two that follow
      (``(2,3,4)``, ``(-4,1,2,-2)`` -> ``(1,2,3,4)``; one of the two may be -1)

    With ``reverse=True`` the codes are matched from the right:
    ``(10,5,4)``, ``(-1,0)`` gives ``(40,5)``, but with reverse ``(50,4)``.

    Example::

      x = arange(24).reshape((2,3,4))
      Reshape(x, shape=(0,-1)).shape = (2,12)
    """
    new = _reshape_shape(a, _shp(data))
    return _copy(data.reshape(new))


@register('Flatten', aliases=('flatten',), in_place=True, monitor_indexed_inputs=True,
          monitor_indexed_outputs=True)
def Flatten(a, data):
    """Flattens the input array into a 2-D array, keeping the first dimension.

    An input of shape ``(d1, d2, ..., dk)`` becomes ``(d1, d2*...*dk)``; a 1-D input of
    shape ``(n,)`` becomes ``(n, 1)``.

    Example::

      x = ones((2, 3, 4))
      flatten(x).shape = (2, 12)
    """
    if data.dim() == 0:
        return _copy(data.reshape(1, 1))
    return _copy(data.reshape(data.shape[0], -1))


def _slice_range(op, nb, vb, ve, ndim):
    b = 0 if vb is None else vb
    e = ndim if ve is None else ve
    if b < 0:
        b += ndim
    if e < 0:
        e += ndim
    if b < 0:
        raise _err(op, 'Invalid begin for %s_begin=%s' % (nb, vb))
    if e > ndim:
        raise _err(op, 'Invalid end for %s_end=%s as dimension number is %d' % (nb, ve, ndim))
    if not b < e:
        raise _err(op, 'Invalid begin, end, get %s_begin=%s, %s_end=%s' % (nb, vb, nb, ve))
    return b, e


@register('reshape_like', inputs=('lhs', 'rhs'), in_place=True, monitor_indexed_outputs=True,
          lhs_begin=Param(OptInt, None, 'Defaults to 0. The beginning index along which the '
                          'lhs dimensions are to be reshaped. Supports negative indices.'),
          lhs_end=Param(OptInt, None, 'Defaults to None. The ending index along which the lhs '
                        'dimensions are to be used for reshaping. Supports negative indices.'),
          rhs_begin=Param(OptInt, None, 'Defaults to 0. The beginning index along which the '
                          'rhs dimensions are to be used for reshaping. Supports negative '
                          'indices.'),
          rhs_end=Param(OptInt, None, 'Defaults to None. The ending index along which the rhs '
                        'dimensions are to be used for reshaping. Supports negative indices.'))
def reshape_like(a, lhs, rhs):
    """Reshapes ``lhs`` (all or a slice of its dimensions) to the shape of ``rhs``
    (all or a slice of its dimensions). Only the shape of ``rhs`` is used.

    ``lhs[lhs_begin:lhs_end]`` dimensions are replaced by ``rhs[rhs_begin:rhs_end]``
    dimensions; negative indices count from the end and ``None`` means the end.

    Example::

      lhs shape (30, 7), rhs shape (15, 2, 4), lhs_begin=0, lhs_end=1, rhs_begin=0,
      rhs_end=2  ->  output shape (15, 2, 7)
    """
    ls, rs = _shp(lhs), _shp(rhs)
    if a.lhs_begin is None and a.lhs_end is None and a.rhs_begin is None and a.rhs_end is None:
        new = rs
    else:
        lb, le = _slice_range('reshape_like', 'lhs', a.lhs_begin, a.lhs_end, len(ls))
        rb, re_ = _slice_range('reshape_like', 'rhs', a.rhs_begin, a.rhs_end, len(rs))
        new = ls[:lb] + rs[rb:re_] + ls[le:]
    size = 1
    for d in new:
        size *= d
    if size != lhs.numel():
        raise _err('reshape_like', 'Cannot reshape lhs with shape %s to new shape %s because '
                   'they have different size.' % (ls, new))
    return _copy(lhs.reshape(new))


# ---------------------------------------------------------------------------------------------
# axes permutations

_TRANSPOSE_CACHE = {}


def _transpose_perm(axes, ndim):
    if not axes:
        return tuple(range(ndim - 1, -1, -1))
    if len(axes) != ndim:
        raise _err('transpose', 'axes %s must have one entry per input dimension (input has %d '
                                'dimensions)' % (axes, ndim))
    if sorted(axes) != list(range(ndim)):
        raise _err('transpose', 'axes %s must be a permutation of 0..%d (negative axes are not '
                                'supported)' % (axes, ndim - 1))
    return tuple(axes)


def _transpose_back(attrs, data, out):
    """transpose's data shape from a known output (shape_from_output)."""
    if not _known(out):
        return None
    axes = tuple(attrs.axes) or tuple(range(len(out) - 1, -1, -1))
    if len(axes) != len(out):
        return None
    res = [0] * len(out)
    for i, ax in enumerate(axes):
        res[ax] = out[i]
    return tuple(res)


@register('transpose', shape_from_output=_transpose_back, monitor_indexed_inputs=True,
          monitor_indexed_outputs=True,
          axes=Param(Shape, (), 'Target axis order. By default the axes will be inverted.'))
def transpose(a, data):
    """Permutes the dimensions of an array.

    ``axes`` gives the new order of the input's axes (by default they are reversed).

    Example::

      x = ones((2, 3, 4))
      transpose(x).shape = (4, 3, 2)
      transpose(x, axes=(1, 0, 2)).shape = (3, 2, 4)
    """
    key = (a.axes, data.dim())
    perm = _TRANSPOSE_CACHE.get(key)
    if perm is None:
        perm = _transpose_perm(a.axes, data.dim())
        _TRANSPOSE_CACHE[key] = perm
    return _copy_c(data.permute(perm))


@register('SwapAxis', aliases=('swapaxes',),
          dim1=Param(Int, 0, 'the first axis to be swapped.'),
          dim2=Param(Int, 0, 'the second axis to be swapped.'))
def SwapAxis(a, data):
    """Interchanges two axes of an array.

    Example::

      x = [[1, 2, 3]]
      swapaxes(x, 0, 1) = [[1], [2], [3]]
    """
    n = data.dim()
    d1 = _axis('SwapAxis', 'dim1', a.dim1, n)
    d2 = _axis('SwapAxis', 'dim2', a.dim2, n)
    return _copy_c(data.transpose(d1, d2))


@register('expand_dims', axis=Param(Int, REQUIRED, 'Position where new axis is to be inserted. '
                                    'Suppose that the input `NDArray`\'s dimension is `ndim`, '
                                    'the range of the inserted axis is `[-ndim, ndim]`'),
          in_place=True, monitor_indexed_inputs=True, monitor_indexed_outputs=True)
def expand_dims(a, data):
    """Inserts a new axis of size 1 at position ``axis``.

    Example::

      x = ones((2, 3))
      expand_dims(x, axis=1).shape = (2, 1, 3)
      expand_dims(x, axis=-1).shape = (2, 3, 1)
    """
    n = data.dim()
    ax = a.axis
    if not -n - 1 <= ax <= n:
        raise _err('expand_dims', 'axis must be in the range [%d, %d] (%d provided)'
                   % (-n - 1, n, ax))
    if ax < 0:
        ax += n + 1
    return _copy(data.unsqueeze(ax))


@register('squeeze', axis=Param(Axis, None, 'Selects a subset of the single-dimensional '
                                'entries in the shape. If an axis is selected with shape entry '
                                'greater than one, an error is raised.'),
          in_place=True, monitor_indexed_outputs=True)
def squeeze(a, data):
    """Removes single-dimensional axes (all of them, or those listed in ``axis``).

    When every axis would be removed the result has shape ``(1,)``.

    Example::

      x = ones((1, 3, 1, 2))
      squeeze(x).shape = (3, 2)
      squeeze(x, axis=2).shape = (1, 3, 2)
    """
    shp = _shp(data)
    n = len(shp)
    ax = a.axis
    if ax is None:
        new = tuple(d for d in shp if d != 1)
    else:
        if isinstance(ax, int):
            ax = (ax,)
        drop = set()
        for x in ax:
            if not -n <= x < n:
                raise _err('squeeze', 'axis %d is out of bounds for array of dimension %d'
                           % (x, n))
            x = x + n if x < 0 else x
            if x in drop:
                raise _err('squeeze', 'duplicate value in axis %s' % (a.axis,))
            if shp[x] != 1:
                raise _err('squeeze', 'cannot select an axis to squeeze out which has size=%d '
                                      'not equal to one (input shape %s, axis %s)'
                           % (shp[x], shp, a.axis))
            drop.add(x)
        new = tuple(d for i, d in enumerate(shp) if i not in drop)
    if not new:
        new = (1,)
    return _copy(data.reshape(new))


# ---------------------------------------------------------------------------------------------
# joining and splitting

def _same_dtypes(op, tensors):
    dt = tensors[0].dtype
    for i, t in enumerate(tensors):
        if t.dtype != dt:
            raise _err(op, 'Non-uniform data type, expected %s, got %s for input %d'
                       % (dtype_name(dt), dtype_name(t.dtype), i))


@register('Concat', aliases=('concat',), variadic='num_args',
          num_args=Param(Int, REQUIRED, 'Number of inputs to be concated.'),
          dim=Param(Int, 1, 'the dimension to be concated.'))
def Concat(a, *data):
    """Joins input arrays along an existing axis ``dim``.

    All inputs must have the same shape except along ``dim``, and the same dtype.

    Example::

      x = [[1, 1], [2, 2]]; y = [[3, 3]]
      concat(x, y, dim=0) = [[1, 1], [2, 2], [3, 3]]
    """
    if a.num_args < 1 or not data:
        raise _err('Concat', 'value %d for Parameter num_args should be greater equal to 1'
                   % a.num_args)
    if len(data) != a.num_args:
        raise _err('Concat', 'Operator Concat expects %d inputs, but got %d instead.'
                   % (a.num_args, len(data)))
    _same_dtypes('Concat', data)
    s0 = _shp(data[0])
    n = len(s0)
    if not -n <= a.dim < n:
        raise _err('Concat', 'axis %d exceeds the input dimension of %d' % (a.dim, n))
    d = a.dim + n if a.dim < 0 else a.dim
    for t in data[1:]:
        s = _shp(t)
        if len(s) != n or s[:d] != s0[:d] or s[d + 1:] != s0[d + 1:]:
            raise _err('Concat', 'Incompatible input shape: all inputs must match except on '
                                 'dim %d, got %s' % (d, [_shp(x) for x in data]))
    return torch.cat(data, d)


@register('_rnn_param_concat', variadic='num_args',
          num_args=Param(Int, REQUIRED, 'Number of inputs to be concated.'),
          dim=Param(Int, 1, 'the dimension to be concated.'))
def _rnn_param_concat(a, *data):
    """Concat for the flattened parameters of a fused RNN (what Gluon's rnn layers call to build
    the RNN op's packed parameter vector); the same computation as ``Concat``."""
    return Concat.opdef.fn(a, *data)


@register('stack', variadic='num_args', monitor_indexed_outputs=True,
          num_args=Param(Int, REQUIRED, 'Number of inputs to be stacked.'),
          axis=Param(Int, 0, 'The axis in the result array along which the input arrays are '
                             'stacked.'))
def stack(a, *data):
    """Joins arrays of the same shape along a new axis.

    Example::

      x = [1, 2]; y = [3, 4]
      stack(x, y) = [[1, 2], [3, 4]]
      stack(x, y, axis=1) = [[1, 3], [2, 4]]
    """
    if a.num_args < 1 or not data:
        raise _err('stack', 'value %d for Parameter num_args should be greater equal to 1'
                   % a.num_args)
    if len(data) != a.num_args:
        raise _err('stack', 'Operator stack expects %d inputs, but got %d instead.'
                   % (a.num_args, len(data)))
    _same_dtypes('stack', data)
    s0 = _shp(data[0])
    for t in data[1:]:
        if _shp(t) != s0:
            raise _err('stack', 'all inputs must have the same shape, got %s'
                       % [_shp(x) for x in data])
    ax = _axis('stack', 'axis', a.axis, len(s0), extra=1)
    return torch.stack(data, ax)


def _split_parts(op, data, ax, bounds, squeeze_axis):
    if len(bounds) == 1:
        p = data.squeeze(ax) if squeeze_axis else data
        return _copy(p)
    parts = torch.split(data, [e - b for b, e in bounds], ax)
    if squeeze_axis:
        return tuple(_copy(p.squeeze(ax)) for p in parts)
    return tuple(_copy(p) for p in parts)


@register('SliceChannel', aliases=('split',), backward_named_by_input=True,
          num_outputs=Param(Int, REQUIRED, 'Number of splits. Note that this should evenly '
                            'divide the length of the `axis`.'),
          axis=Param(Int, 1, 'Axis along which to split.'),
          squeeze_axis=Param(Bool, False, 'If true, Removes the axis with length 1 from the '
                             'shapes of the output arrays. Also `squeeze_axis` can be set to '
                             '``true`` only if ``input.shape[axis] == num_outputs``.'))
def SliceChannel(a, data):
    """Splits an array along ``axis`` into ``num_outputs`` equal parts.

    With ``squeeze_axis=True`` (allowed only when ``shape[axis] == num_outputs``) the split
    axis is removed from the outputs. One output is returned as an array, several as a list.

    Example::

      x = ones((2, 6))
      [y.shape for y in split(x, num_outputs=3, axis=1)] = [(2, 2), (2, 2), (2, 2)]
    """
    n = a.num_outputs
    shp = _shp(data)
    if n < 1:
        raise _err('SliceChannel', 'value %d for Parameter num_outputs should be greater equal '
                                   'to 1' % n)
    ax = _axis('SliceChannel', 'axis', a.axis, len(shp))
    size = shp[ax]
    if size % n:
        raise _err('SliceChannel', 'You are trying to split the %d-th axis of input tensor with '
                                   'shape %s into num_outputs=%d evenly sized chunks, but this '
                                   'is not possible because %d does not evenly divide %d'
                   % (ax, shp, n, n, size))
    if a.squeeze_axis and size != n:
        raise _err('SliceChannel', 'If squeeze axis is True, the size of the sliced axis must be '
                                   'the same as num_outputs. Input shape=%s, axis=%d, '
                                   'num_outputs=%d.' % (shp, ax, n))
    step = size // n
    return _split_parts('SliceChannel', data, ax,
                        [(i * step, (i + 1) * step) for i in range(n)], a.squeeze_axis)


def _split_v2_n(a):
    return a.sections if a.sections > 0 else len(a.indices)


@register('_split_v2', num_outputs=_split_v2_n, monitor_indexed_outputs=True,
          indices=Param(Shape, REQUIRED, 'Indices of splits. The elements should denote the '
                        'boundaries of at which split is performed along the `axis`.'),
          axis=Param(Int, 1, 'Axis along which to split.'),
          squeeze_axis=Param(Bool, False, 'If true, Removes the axis with length 1 from the '
                             'shapes of the output arrays.'),
          sections=Param(Int, 0, 'Number of sections if equally splitted. Default to 0 which '
                         'means split by indices.'))
def _split_v2(a, data):
    """Splits an array along ``axis`` at the given boundaries (or into ``sections`` parts).

    With ``sections=0``, ``indices`` are the start offsets of the outputs (the first must be
    0): output i is ``data[indices[i]:indices[i+1]]`` along ``axis``, the last one running to
    the end. With ``sections=N > 0`` the axis is divided into N parts as
    ``numpy.array_split`` does (the first ``size % N`` parts one longer) and ``indices`` is
    ignored. ``mx.nd.split_v2`` is the user-facing wrapper.

    Example::

      x = ones((2, 5))
      [y.shape for y in _split_v2(x, indices=(0, 2), axis=1)] = [(2, 2), (2, 3)]
    """
    shp = _shp(data)
    ax = _axis('_split_v2', 'axis', a.axis, len(shp))
    size = shp[ax]
    if a.sections > 0:
        n = a.sections
        q, r = divmod(size, n)
        bounds = []
        b = 0
        for i in range(n):
            e = b + q + (1 if i < r else 0)
            bounds.append((b, e))
            b = e
    else:
        idx = a.indices
        if not idx:
            raise _err('_split_v2', 'indices must not be empty when sections=0 (input shape %s)'
                       % (shp,))
        bounds = []
        for i, b in enumerate(idx):
            e = idx[i + 1] if i + 1 < len(idx) else size
            if b < 0 or b > e:
                raise _err('_split_v2', 'start %d is not less than end %d for subarray %d '
                                        '(indices %s)' % (b, e, i, idx))
            if e > size:
                raise _err('_split_v2', 'end %d is no less than the size of the axis %d'
                           % (e, size))
            bounds.append((b, e))
        if idx[0] != 0:
            raise _err('_split_v2', 'Shape inconsistent: the first index must be 0, got indices '
                                    '%s for input shape %s' % (idx, shp))
    if a.squeeze_axis:
        for b, e in bounds:
            if e - b != 1:
                raise _err('_split_v2', 'squeeze_axis=True expected axis size of 1 but got %d '
                                        '(input shape %s, axis %d)' % (e - b, shp, ax))
    return _split_parts('_split_v2', data, ax, bounds, a.squeeze_axis)


# ---------------------------------------------------------------------------------------------
# repetition, padding, flipping

@register('tile', reps=Param(Shape, REQUIRED, 'The number of times for repeating the tensor a. '
                             'Each dim size of reps must be a positive integer. If reps has '
                             'length d, the result will have dimension of max(d, a.ndim); If '
                             'a.ndim < d, a is promoted to be d-dimensional by prepending new '
                             'axes. If a.ndim > d, reps is promoted to a.ndim by pre-pending '
                             '1\'s to it.'),
          monitor_indexed_outputs=True)
def tile(a, data):
    """Repeats the whole array ``reps`` times along each axis (as ``numpy.tile``).

    Example::

      x = [[1, 2], [3, 4]]
      tile(x, reps=(2, 1)) = [[1, 2], [3, 4], [1, 2], [3, 4]]
      tile(x, reps=(2,)) = [[1, 2, 1, 2], [3, 4, 3, 4]]
    """
    reps = a.reps
    if not reps:
        return _copy(data)
    for r in reps:
        if r < 1:
            raise _err('tile', 'each entry of reps must be a positive integer, got reps=%s'
                       % (reps,))
    return torch.tile(data, reps)


@register('repeat', repeats=Param(Int, REQUIRED, 'The number of repetitions for each element.'),
          axis=Param(OptInt, None, 'The axis along which to repeat values. The negative numbers '
                     'are interpreted counting from the backward. By default, use the flattened '
                     'input array, and return a flat output array.'),
          monitor_indexed_outputs=True)
def repeat(a, data):
    """Repeats each element ``repeats`` times along ``axis`` (the flattened array if None).

    Example::

      x = [[1, 2], [3, 4]]
      repeat(x, repeats=2) = [1, 1, 2, 2, 3, 3, 4, 4]
      repeat(x, repeats=2, axis=1) = [[1, 1, 2, 2], [3, 3, 4, 4]]
    """
    r = a.repeats
    if r < 0:
        raise _err('repeat', 'repeats cannot be a negative number (%d)' % r)
    if a.axis is None:
        if r == 0:
            return data.reshape(-1)[:0].clone()
        return torch.repeat_interleave(data.reshape(-1), r)
    n = data.dim()
    if not -n <= a.axis < n:
        raise _err('repeat', 'axis = %d out of bounds for input shape %s' % (a.axis, _shp(data)))
    if r == 0:
        # MXNet 1.9.1 returns shape (0,) whenever repeats is 0
        return data.reshape(-1)[:0].clone()
    return torch.repeat_interleave(data, r, a.axis % n)


_PAD_MODES = {'constant': 'constant', 'edge': 'replicate', 'reflect': 'reflect'}


@register('Pad', aliases=('pad',),
          mode=Param(str, REQUIRED, 'Padding type to use. "constant" pads with '
                     '`constant_value` "edge" pads using the edge values of the input array '
                     '"reflect" pads by reflecting values with respect to the edges.',
                     choices=('constant', 'edge', 'reflect')),
          pad_width=Param(Shape, REQUIRED, 'Widths of the padding regions applied to the edges '
                          'of each axis. It is a tuple of integer padding widths for each axis '
                          'of the format ``(before_1, after_1, ... , before_N, after_N)``. It '
                          'should be of length ``2*N`` where ``N`` is the number of dimensions '
                          'of the array. This is equivalent to pad_width in numpy.pad, but '
                          'flattened.'),
          constant_value=Param(Float, 0.0, 'The value used for padding when `mode` is '
                               '"constant".'))
def Pad(a, data):
    """Pads a 4-D or 5-D floating-point array along its spatial axes.

    ``pad_width`` has two entries (before, after) per axis; those of the first two axes
    (batch and channel) must be zero. Modes: ``constant`` (fill with ``constant_value``),
    ``edge`` (repeat the edge values) and ``reflect`` (mirror without repeating the edge;
    each width must be smaller than the axis length).

    Example::

      x = ones((1, 1, 2, 2))
      pad(x, mode='constant', pad_width=(0,0,0,0,1,1,1,1)).shape = (1, 1, 4, 4)
    """
    n = data.dim()
    pw = a.pad_width
    if n not in (4, 5):
        raise _err('Pad', 'Current implementation only supports 4-D or 5-D input (got shape %s)'
                   % (_shp(data),))
    if len(pw) != 2 * n:
        raise _err('Pad', 'Input shape vs padding spec mismatch: pad_width %s needs %d entries '
                          'for input shape %s' % (pw, 2 * n, _shp(data)))
    if any(pw[:4]):
        raise _err('Pad', 'Current implementation expects padding on the first two axes to be '
                          'zero (pad_width %s)' % (pw,))
    if not data.is_floating_point():
        raise _err('Pad', 'This operation only support floating point types, not %s'
                   % dtype_name(data.dtype))
    pads = []
    for i in range(n - 1, 1, -1):
        pads.append(pw[2 * i])
        pads.append(pw[2 * i + 1])
    mode = _PAD_MODES[a.mode]
    if mode == 'constant':
        return F.pad(data, pads, mode='constant', value=a.constant_value)
    shp = _shp(data)
    for i in range(2, n):
        b, e = pw[2 * i], pw[2 * i + 1]
        if b < 0 or e < 0:
            raise _err('Pad', 'negative padding is only supported in constant mode '
                              '(pad_width %s)' % (pw,))
        if mode == 'reflect' and (b >= shp[i] or e >= shp[i]):
            raise _err('Pad', 'Current implementation of reflection padding only supports '
                              'padding sizes smaller than the input size (pad_width %s, input '
                              'shape %s)' % (pw, shp))
    return F.pad(data, pads, mode=mode)


@register('flip', aliases=('reverse',), monitor_indexed_outputs=True,
          axis=Param(Shape, REQUIRED, 'The axis which to reverse elements.'))
def flip(a, data):
    """Reverses the order of elements along the given axes (negative axes not allowed).

    Example::

      x = [[0, 1, 2], [3, 4, 5]]
      flip(x, axis=0) = [[3, 4, 5], [0, 1, 2]]
      flip(x, axis=1) = [[2, 1, 0], [5, 4, 3]]
    """
    n = data.dim()
    dims = []
    for ax in a.axis:
        if ax < 0 or ax >= n:
            raise _err('flip', 'axis %d must be in range [0, %d) (input shape %s)'
                       % (ax, n, _shp(data)))
        # MXNet reverses once per listed axis: listing an axis twice undoes it
        if ax in dims:
            dims.remove(ax)
        else:
            dims.append(ax)
    if not dims:
        return _copy(data)
    return torch.flip(data, dims)


# ---------------------------------------------------------------------------------------------
# broadcasting

@register('broadcast_to', shape=Param(Shape, (), 'The shape of the desired array. We can set '
                                      'the dim to zero if it\'s same as the original. E.g `A = '
                                      'broadcast_to(B, shape=(10, 0, 0))` has the same meaning '
                                      'as `A = broadcast_axis(B, axis=0, size=10)`.'),
          monitor_indexed_inputs=True, monitor_indexed_outputs=True)
def broadcast_to(a, data):
    """Broadcasts the input to ``shape``; axes of size 1 are repeated and a 0 in ``shape``
    keeps the input's size. ``shape`` must have as many entries as the input has axes.

    Example::

      x = [[1, 2, 3]]
      broadcast_to(x, shape=(2, 0)) = [[1, 2, 3], [1, 2, 3]]
    """
    src = _shp(data)
    tgt = a.shape
    if len(src) != len(tgt):
        raise _err('broadcast_to', 'Operand of shape %s cannot be broadcasted to %s'
                   % (src, tgt))
    out = []
    for s, t in zip(src, tgt):
        if t == 0:
            t = s
        elif t < 0 or (s != t and s != 1):
            raise _err('broadcast_to', 'Array cannot be broadcasted from %s to %s' % (src, tgt))
        out.append(t)
    return _copy(data.expand(out))


def _as_axes(v):
    return (v,) if isinstance(v, int) else v


@register('broadcast_like', inputs=('lhs', 'rhs'), monitor_indexed_outputs=True,
          lhs_axes=Param(Axis, None, 'Axes to perform broadcast on in the first input array'),
          rhs_axes=Param(Axis, None, 'Axes to copy from the second input array'))
def broadcast_like(a, lhs, rhs):
    """Broadcasts ``lhs`` to the shape of ``rhs`` (only the shape of ``rhs`` is used).

    Without axes both inputs must have the same number of dimensions. With ``lhs_axes`` and
    ``rhs_axes``, each listed ``lhs`` axis (of size 1) takes the size of the matching ``rhs``
    axis.

    Example::

      x = [[1, 2, 3]]; y = ones((2, 3))
      broadcast_like(x, y) = [[1, 2, 3], [1, 2, 3]]
      broadcast_like(ones((1, 3)), ones((5, 2)), lhs_axes=(0,), rhs_axes=(1,)).shape = (2, 3)
    """
    ls, rs = _shp(lhs), _shp(rhs)
    if a.lhs_axes is None or a.rhs_axes is None:
        if len(ls) != len(rs):
            raise _err('broadcast_like', 'Operand of shape %s cannot be broadcasted to %s'
                       % (ls, rs))
        for s, t in zip(ls, rs):
            if s != t and s != 1:
                raise _err('broadcast_like', 'Operand of shape %s cannot be broadcasted to %s'
                           % (ls, rs))
        return _copy(lhs.expand(rs))
    la, ra = _as_axes(a.lhs_axes), _as_axes(a.rhs_axes)
    if not la:
        raise _err('broadcast_like', 'Empty axes tuple is not allowed')
    if len(la) != len(ra):
        raise _err('broadcast_like', 'Input_axis and other_axis size does not match (%s vs %s)'
                   % (la, ra))
    out = list(ls)
    for f, t in zip(la, ra):
        f0, t0 = f, t
        if f < 0:
            f += len(ls)
        if t < 0:
            t += len(rs)
        if not 0 <= f < len(ls):
            raise _err('broadcast_like', 'Invalid dimension specified in lhs_axes: %d' % f0)
        if not 0 <= t < len(rs):
            raise _err('broadcast_like', 'Invalid dimension specified in rhs_axes: %d' % t0)
        if ls[f] != 1:
            raise _err('broadcast_like', 'Input axis %d of lhs shape %s has size %d and cannot '
                                         'be broadcasted to %d' % (f, ls, ls[f], rs[t]))
        out[f] = rs[t]
    return _copy(lhs.expand(out))


@register('broadcast_axis', aliases=('broadcast_axes',), monitor_indexed_inputs=True,
          monitor_indexed_outputs=True,
          axis=Param(Shape, (), 'The axes to perform the broadcasting.'),
          size=Param(Shape, (), 'Target sizes of the broadcasting axes.'))
def broadcast_axis(a, data):
    """Broadcasts the input along the given axes (each of size 1) to the given sizes.

    Example::

      x = ones((1, 2, 1))
      broadcast_axis(x, axis=(0, 2), size=(3, 4)).shape = (3, 2, 4)
    """
    shp = _shp(data)
    n = len(shp)
    if len(a.axis) != len(a.size):
        raise _err('broadcast_axis', 'axis %s and size %s must have the same length'
                   % (a.axis, a.size))
    out = list(shp)
    for ax, sz in zip(a.axis, a.size):
        if not 0 <= ax < n:
            raise _err('broadcast_axis', 'axis %d must be in range [0, %d)' % (ax, n))
        if out[ax] != 1:
            raise _err('broadcast_axis', 'Broadcasting axis must have size 1, axis %d has size '
                                         '%d (input shape %s)' % (ax, out[ax], shp))
        if sz < 0:
            raise _err('broadcast_axis', 'size must be non-negative, got %s' % (a.size,))
        out[ax] = sz
    return _copy(data.expand(out))


# ---------------------------------------------------------------------------------------------
# depth <-> space

def _check_block(op, data, b):
    if data.dim() != 4:
        raise _err(op, 'requires exactly 4D tensor, got shape %s' % (_shp(data),))
    if b < 1:
        raise _err(op, 'block_size must be a positive integer value, got %d' % b)
    for i, nm in ((1, 'Depth'), (2, 'Height'), (3, 'Width')):
        if data.shape[i] == 0:
            raise _err(op, '%s dimension:%d cannot be 0' % (nm, i))


@register('depth_to_space', block_size=Param(Int, REQUIRED, 'Blocks of [block_size. '
                                             'block_size] are moved'))
def depth_to_space(a, data):
    """Rearranges depth (channel) data into spatial blocks; the inverse of space_to_depth.

    Input ``(N, C, H, W)`` becomes ``(N, C / b^2, H * b, W * b)`` with ``b = block_size``;
    channel ``(i * b + j) * C/b^2 + c`` goes to position ``(h * b + i, w * b + j)`` of output
    channel ``c``.

    Example::

      x = arange(8).reshape((1, 4, 1, 2))
      depth_to_space(x, 2).shape = (1, 1, 2, 4)
    """
    b = a.block_size
    _check_block('depth_to_space', data, b)
    n, c, h, w = data.shape
    if c % (b * b):
        raise _err('depth_to_space', 'Dimension 1 (depth dimension) %d should be a multiple of '
                                     'block^2 = %d' % (c, b * b))
    c2 = c // (b * b)
    t = data.reshape(n, b, b, c2, h, w).permute(0, 3, 4, 1, 5, 2)
    return t.reshape(n, c2, h * b, w * b)


@register('space_to_depth', block_size=Param(Int, REQUIRED, 'Blocks of [block_size. '
                                             'block_size] are moved'))
def space_to_depth(a, data):
    """Rearranges spatial blocks into depth (channel) data; the inverse of depth_to_space.

    Input ``(N, C, H, W)`` becomes ``(N, C * b^2, H / b, W / b)`` with ``b = block_size``.

    Example::

      x = arange(8).reshape((1, 1, 2, 4))
      space_to_depth(x, 2).shape = (1, 4, 1, 2)
    """
    b = a.block_size
    _check_block('space_to_depth', data, b)
    n, c, h, w = data.shape
    if h % b or w % b:
        raise _err('space_to_depth', 'spatial dimensions %s should be multiples of block %d'
                   % ((h, w), b))
    t = data.reshape(n, c, h // b, b, w // b, b).permute(0, 3, 5, 1, 2, 4)
    return t.reshape(n, c * b * b, h // b, w // b)


# ---------------------------------------------------------------------------------------------
# shape / size queries

@register('shape_array', differentiable=False, output_dtype='int64',
          monitor_indexed_inputs=True, monitor_indexed_outputs=True)
def shape_array(a, data):
    """Returns a 1-D int64 array holding the shape of ``data``.

    Example::

      shape_array(ones((2, 4))) = [2, 4]
    """
    return torch.tensor(data.shape, dtype=torch.int64, device=data.device)


@register('size_array', differentiable=False, output_dtype='int64',
          monitor_indexed_inputs=True, monitor_indexed_outputs=True)
def size_array(a, data):
    """Returns a 1-D int64 array of one element holding the size of ``data``.

    Example::

      size_array(ones((2, 4))) = [8]
    """
    return torch.tensor([data.numel()], dtype=torch.int64, device=data.device)


# ---------------------------------------------------------------------------------------------
# diag and Crop

@register('diag', k=Param(Int, 0, 'Diagonal in question. The default is 0. Use k>0 for '
                          'diagonals above the main diagonal, and k<0 for diagonals below the '
                          'main diagonal. If input has shape (S0 S1) k must be between -S0 and '
                          'S1'),
          axis1=Param(Int, 0, 'The first axis of the sub-arrays of interest. Ignored when the '
                      'input is a 1-D array.'),
          axis2=Param(Int, 1, 'The second axis of the sub-arrays of interest. Ignored when the '
                      'input is a 1-D array.'),
          monitor_indexed_outputs=True)
def diag(a, data):
    """Extracts a diagonal or constructs a diagonal array.

    A 1-D input of length n gives an ``(n+|k|, n+|k|)`` array with the input on diagonal k.
    An N-D input (N >= 2) gives its k-th diagonal over ``axis1`` and ``axis2``; those axes
    are removed and the diagonal becomes the last axis (as ``numpy.diagonal``).

    Example::

      diag([1, 2]) = [[1, 0], [0, 2]]
      diag([[1, 2], [3, 4]]) = [1, 4]
      diag([[1, 2], [3, 4]], k=1) = [2]
    """
    n = data.dim()
    k = a.k
    if n == 1:
        return torch.diag(data, k)
    if n == 0:
        raise _err('diag', 'input must have at least one dimension')
    x1 = a.axis1 + n if a.axis1 < 0 else a.axis1
    x2 = a.axis2 + n if a.axis2 < 0 else a.axis2
    for ax, x in ((a.axis1, x1), (a.axis2, x2)):
        if not 0 <= x < n:
            raise _err('diag', 'axis %d exceeds the input dimension of %d' % (ax, n))
    if x1 == x2:
        raise _err('diag', 'axis1 and axis2 cannot refer to the same axis %d' % x1)
    shp = _shp(data)
    if k > shp[x2] or k < -shp[x1]:
        raise _err('diag', 'Diagonal does not exist: k=%d for axes (%d, %d) of shape %s'
                   % (k, x1, x2, shp))
    return _copy_c(torch.diagonal(data, k, x1, x2))


@register('Crop', variadic='num_args',
          num_args=Param(Int, REQUIRED, 'Number of inputs for crop, if equals one, then we will '
                         'use the h_w for crop height and width, else if equals two, then we '
                         'will use the height and width of the second input symbol, we name '
                         'crop_like here'),
          offset=Param(Shape, (0, 0), 'crop offset coordinate: (y, x)'),
          h_w=Param(Shape, (0, 0), 'crop height and width: (h, w)'),
          center_crop=Param(Bool, False, 'If set to true, then it will use be the center_crop,'
                            'or it will crop using the shape of crop_like'))
def Crop(a, *data):
    """Crops the spatial axes (2 and 3) of a 4-D float32 array (deprecated: use ``slice``).

    The output height and width are ``h_w`` with one input, or those of the second input
    (``crop_like``, whose values are not used) with two. The window starts at ``offset``
    ``(y, x)``, or is centered when ``center_crop`` is true.

    Example::

      x = ones((1, 1, 5, 6))
      Crop(x, h_w=(2, 3), offset=(1, 2)).shape = (1, 1, 2, 3)
    """
    if a.num_args not in (1, 2) or len(data) != a.num_args:
        raise _err('Crop', 'takes one or two inputs (num_args=%d, %d given)'
                   % (a.num_args, len(data)))
    x = data[0]
    for i, t in enumerate(data):
        if t.dtype != torch.float32:
            raise _err('Crop', 'Unsupported data type %s for input %d (only float32)'
                       % (dtype_name(t.dtype), i))
    if x.dim() != 4:
        raise _err('Crop', 'Input data should be 4D in batch-num_filter-y-x, got shape %s'
                   % (_shp(x),))
    H, W = x.shape[2], x.shape[3]
    if len(data) == 2:
        like = data[1]
        if like.dim() < 4:
            raise _err('Crop', 'crop_like input must be 4D, got shape %s' % (_shp(like),))
        h, w = like.shape[2], like.shape[3]
    else:
        if len(a.h_w) != 2:
            raise _err('Crop', 'h_w must have two entries, got %s' % (a.h_w,))
        h, w = a.h_w
        if h < 1:
            raise _err('Crop', 'the crop height(h_w[0]) should be larger than 1')
        if w < 1:
            raise _err('Crop', 'the crop width(h_w[1]) should be larger than 1')
    if h > H:
        raise _err('Crop', 'the crop height %d should be less than the input data\'s height %d'
                   % (h, H))
    if w > W:
        raise _err('Crop', 'the crop width %d should be less than the input data\'s width %d'
                   % (w, W))
    if a.center_crop:
        oy, ox = (H - h) // 2, (W - w) // 2
    else:
        if len(a.offset) != 2:
            raise _err('Crop', 'offset must have two entries, got %s' % (a.offset,))
        oy, ox = a.offset
        if oy < 0 or oy > H - h:
            raise _err('Crop', 'offset[0]=%d should be less than the residual space of height '
                               '%d' % (oy, H - h))
        if ox < 0 or ox > W - w:
            raise _err('Crop', 'offset[1]=%d should be less than the residual space of width '
                               '%d' % (ox, W - w))
    return _copy(x[:, :, oy:oy + h, ox:ox + w])
