"""Indexing and selection operators: slice (crop), slice_axis, slice_like, take, batch_take,
pick (choose_element_0index), one_hot, gather_nd, scatter_nd, _scatter_set_nd, where,
_ravel_multi_index / _unravel_index, _slice_assign / _slice_assign_scalar (_crop_assign*),
fill_element_0index.

MXNet conventions kept here:

* index arrays may have any numeric dtype (float32 is the usual one); indices are converted to
  int64 internally, fractional values truncate toward zero (gather_nd first adds the axis size
  to negative values, then truncates);
* index inputs never receive a gradient; the data gradient of take/pick/gather_nd/batch_take
  scatter-adds the output gradient (repeated indices accumulate), which is what torch's own
  backward of index_select/gather/advanced indexing does;
* every op returns a new array (slices are copies, not views), as MXNet's operators do.
"""
import math

import numpy as np
import torch

from .registry import register, Param, OpError, KernelError, dtype_name
from .params import Int, Float, Bool, Str, Shape, OptShape, OptInt, Dtype
from ..base import torch_dtype

__all__ = []


class _IndexOpError(OpError, IndexError):
    """Out-of-bounds index (MXNet raises IndexError for these; it is also an MXNetError)."""


_CONSTS = {}


def _const(key, make):
    """Small helper tensors (sizes, strides, aranges) cached per shape/dtype/device."""
    t = _CONSTS.get(key)
    if t is None:
        if len(_CONSTS) > 1024:
            _CONSTS.clear()
        t = _CONSTS[key] = make()
    return t


def _err(op, msg):
    return OpError('Error in operator %s: %s' % (op, msg))


def _shp(s):
    return '[' + ','.join(str(int(d)) for d in s) + ']'



def _long(t):
    """Index tensor -> int64 (floats truncate toward zero)."""
    return t if t.dtype == torch.int64 else t.long()


def _is_meta(t):
    return t.device.type == 'meta'


def _fmt_num(v):
    v = float(v)
    if v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return '%g' % v


def _norm_axis(op, axis, ndim):
    if not -ndim <= axis < ndim:
        raise _err(op, 'axis %d is out of range for an input with %d dimension(s)' % (axis, ndim))
    return axis + ndim if axis < 0 else axis


# ----------------------------------------------------------------------------------------------
# slice / crop and the slice-assign family
# ----------------------------------------------------------------------------------------------
_PLAN_CACHE = {}


def _slice_plan(op, begin, end, step, shape):
    """(torch index tuple, axes to flip, output shape) for MXNet's slice parameters."""
    key = (begin, end, step, shape)
    plan = _PLAN_CACHE.get(key)
    if plan is not None:
        return plan
    if begin is None or end is None:
        raise _err(op, 'begin and end are required')
    nb = len(begin)
    if nb != len(end):
        raise _err(op, 'begin and end must have the same length, got begin=%s, end=%s'
                   % (begin, end))
    if step and len(step) != nb:
        raise _err(op, 'step and begin must have the same length, got step=%s, begin=%s'
                   % (step, begin))
    if nb > len(shape):
        raise _err(op, 'Slicing axis exceeds data dimensions: begin=%s has %d entries but the '
                   'input has shape %s' % (begin, nb, _shp(shape)))
    index = []
    flips = []
    oshape = list(shape)
    for ax in range(nb):
        s = step[ax] if step else None
        if s is None:
            s = 1
        if s == 0:
            raise _err(op, 'slice op step[%d] cannot be 0' % ax)
        start, stop, st = slice(begin[ax], end[ax], s).indices(shape[ax])
        n = len(range(start, stop, st))
        oshape[ax] = n
        if st > 0 or n == 0:
            index.append(slice(start, stop, st) if n else slice(0, 0))
        else:
            last = start + (n - 1) * st
            index.append(slice(last, start + 1, -st))
            flips.append(ax)
    plan = (tuple(index), tuple(flips), tuple(oshape))
    if len(_PLAN_CACHE) > 4096:
        _PLAN_CACHE.clear()
    _PLAN_CACHE[key] = plan
    return plan


_SLICE_PARAMS = dict(
    begin=Param(OptShape, doc='starting indices for the slice operation, supports negative '
                              'indices.'),
    end=Param(OptShape, doc='ending indices for the slice operation, supports negative '
                            'indices.'),
    step=Param(OptShape, (), 'step for the slice operation, supports negative values.'))


@register('slice', aliases=('crop',), monitor_indexed_inputs=True, monitor_indexed_outputs=True,
          **_SLICE_PARAMS)
def slice_(a, data):
    """Slices a region of the array, like Python's ``data[b0:e0:s0, b1:e1:s1, ...]``.

    ``begin``, ``end`` and ``step`` are tuples with one entry per leading axis (fewer entries
    than ``data.ndim`` leave the remaining axes whole); an entry may be None (the default for
    that axis). Negative indices count from the end, a negative step walks backwards, and
    out-of-range values are clipped as in Python. The result is a copy.

    Example::

      x = [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]
      slice(x, begin=(0, 1), end=(2, 4)) = [[2, 3, 4], [6, 7, 8]]
      slice(x, begin=(None, 0), end=(None, 3), step=(-1, 2)) = [[9, 11], [5, 7], [1, 3]]
    """
    index, flips, _ = _slice_plan('slice', a.begin, a.end, a.step, tuple(data.shape))
    if data.requires_grad and torch.is_grad_enabled():
        return _SliceCopy.apply(data, index, flips)
    r = data[index]
    if flips:
        return r.flip(flips)
    return r.clone()


class _SliceCopy(torch.autograd.Function):
    """slice's copy with a one-step gradient: torch's per-axis slicing would allocate and
    fill a full-size zero gradient for every sliced axis (minutes on large arrays)."""

    @staticmethod
    def forward(ctx, data, index, flips):
        ctx.index, ctx.flips, ctx.shape = index, flips, data.shape
        r = data[index]
        return r.flip(flips) if flips else r.clone()

    @staticmethod
    def backward(ctx, g):
        out = g.new_zeros(ctx.shape)
        out[ctx.index] = g.flip(ctx.flips) if ctx.flips else g
        return out, None, None


@register('_slice_assign', inputs=('lhs', 'rhs'), aliases=('_crop_assign',), **_SLICE_PARAMS)
def _slice_assign(a, lhs, rhs):
    """Returns a copy of ``lhs`` whose region ``lhs[begin:end:step]`` is replaced by ``rhs``.

    ``rhs`` must have exactly the shape of that region and the dtype of ``lhs``. ``lhs`` itself
    is not modified unless it is also passed as ``out``.
    """
    index, flips, oshape = _slice_plan('_slice_assign', a.begin, a.end, a.step,
                                       tuple(lhs.shape))
    if tuple(rhs.shape) != oshape:
        raise _err('_slice_assign', 'Shape inconsistent, Provided = %s, inferred shape=%s'
                   % (_shp(rhs.shape), _shp(oshape)))
    if rhs.dtype != lhs.dtype:
        raise _err('_slice_assign', 'Incompatible attr at 1-th input: expected %s, got %s'
                   % (dtype_name(lhs), dtype_name(rhs)))
    out = lhs.clone()
    out[index] = rhs.flip(flips) if flips else rhs
    return out


@register('_slice_assign_scalar', aliases=('_crop_assign_scalar',),
          scalar=Param(Float, 0.0, 'The scalar value for assignment.'), **_SLICE_PARAMS)
def _slice_assign_scalar(a, data):
    """Returns a copy of ``data`` whose region ``data[begin:end:step]`` is set to ``scalar``.

    The scalar is cast to the array's dtype (truncated for integer arrays).
    """
    index, _, _ = _slice_plan('_slice_assign_scalar', a.begin, a.end, a.step,
                              tuple(data.shape))
    v = a.scalar
    if not data.is_floating_point():
        v = bool(v) if data.dtype == torch.bool else int(v)
    out = data.clone()
    out[index] = v
    return out


@register('slice_axis', axis=Param(Int, doc='Axis along which to be sliced, supports negative '
                                             'indexes.'),
          begin=Param(Int, doc='The beginning index along the axis to be sliced,  supports '
                               'negative indexes.'),
          end=Param(OptInt, doc='The ending index along the axis to be sliced,  supports '
                                'negative indexes.'),
          monitor_indexed_inputs=True, monitor_indexed_outputs=True)
def slice_axis(a, data):
    """Slices along one axis: ``data[..., begin:end, ...]`` on axis ``axis``.

    Negative ``axis``, ``begin`` and ``end`` count from the end; ``end=None`` means the axis
    size. Unlike ``slice``, out-of-range values are errors and the slice may not be empty.

    Example::

      x = [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]
      slice_axis(x, axis=1, begin=-3, end=-1) = [[2, 3], [6, 7], [10, 11]]
    """
    ndim = data.dim()
    axis = a.axis
    ax = axis + ndim if axis < 0 else axis
    if not 0 <= ax < ndim:
        raise _err('slice_axis', 'Transformed axis must be smaller than the source ndim and '
                   'larger than zero! Received axis=%d, src_ndim=%d, transformed axis=%d'
                   % (axis, ndim, ax))
    size = data.shape[ax]
    if size == 0:
        # MXNet's shape function: an unknown (0) axis stays unknown (partial shape inference)
        return data.clone()
    b = a.begin
    e = size if a.end is None else a.end
    if b < 0:
        b += size
    if e < 0:
        e += size
    if b < 0:
        raise _err('slice_axis', 'Invalid begin for begin=%d' % a.begin)
    if e > size:
        raise _err('slice_axis', 'Invalid end for end=%d as axis_size is %d' % (a.end, size))
    if not b < e:
        raise _err('slice_axis', 'Invalid begin, end, get begin=%d, end=%s (axis size %d)'
                   % (a.begin, a.end, size))
    return data.narrow(ax, b, e - b).clone()


@register('slice_like', inputs=('data', 'shape_like'), monitor_indexed_outputs=True,
          axes=Param(Shape, (), 'List of axes on which input data will be sliced according to '
                                'the corresponding size of the second input. By default will '
                                'slice on all axes. Negative axes are supported.'))
def slice_like(a, data, shape_like):
    """Slices ``data`` to the shape of ``shape_like`` (from the start of each axis).

    With ``axes`` empty every axis is sliced and both inputs must have the same number of
    dimensions; otherwise only the listed axes are (negative axes count from the end of
    ``data``'s dimensions). Only the shape of ``shape_like`` is used.

    Example::

      x = [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]
      y = zeros((2, 3))
      slice_like(x, y) = [[1, 2, 3], [5, 6, 7]]
      slice_like(x, y, axes=(1,)) = [[1, 2, 3], [5, 6, 7], [9, 10, 11]]
    """
    ishape = data.shape
    fshape = shape_like.shape
    ndim = len(ishape)
    index = [slice(None)] * ndim
    if not a.axes:
        if ndim != len(fshape):
            raise _err('slice_like', 'By default slice_axis performs slice on all axes, but '
                       'ndim mismatch for inputs: %d vs. %d' % (ndim, len(fshape)))
        axes = range(ndim)
    else:
        axes = []
        for ax in a.axes:
            if ax < 0:
                ax += ndim
            if not 0 <= ax < ndim:
                raise _err('slice_like', 'Slice axis: %d exceeds first input: %d' % (ax, ndim))
            if ax >= len(fshape):
                raise _err('slice_like', 'Slice axis: %d exceeds second input: %d'
                           % (ax, len(fshape)))
            axes.append(ax)
    for ax in axes:
        if fshape[ax] > ishape[ax]:
            raise _err('slice_like', 'Slice axis %d with size %d exceeds limit of input with '
                       'size %d' % (ax, fshape[ax], ishape[ax]))
        index[ax] = slice(0, fshape[ax])
    return data[tuple(index)].clone()


# ----------------------------------------------------------------------------------------------
# take / batch_take / pick
# ----------------------------------------------------------------------------------------------
@register('take', inputs=('a', 'indices'), monitor_indexed_outputs=True,
          axis=Param(Int, 0, 'The axis of input array to be taken.For input tensor of rank r, '
                             'it could be in the range of [-r, r-1]'),
          mode=Param(Str, 'clip', 'Specify how out-of-bound indices behave: "clip" clips to the '
                                  'range, "wrap" wraps around, "raise" raises an error.',
                     choices=('clip', 'raise', 'wrap')))
def take(a, arr, indices):
    """Takes elements from an array along an axis: ``a[..., indices, ...]``.

    The output shape is ``a.shape[:axis] + indices.shape + a.shape[axis+1:]``. Indices may be
    float (truncated toward zero) or integer. Out-of-range indices are clipped (``mode='clip'``),
    wrapped modulo the axis size (``'wrap'``) or rejected (``'raise'``). The gradient with
    respect to ``a`` accumulates over repeated indices; ``indices`` gets none.

    Example::

      x = [[1, 2], [3, 4], [5, 6]]
      take(x, [[0, 1], [1, 2]]) = [[[1, 2], [3, 4]], [[3, 4], [5, 6]]]
      take(x, [0, 3], axis=1, mode='wrap') = [[1, 2], [3, 4], [5, 6]]
    """
    ndim = arr.dim()
    axis = a.axis
    if not -ndim <= axis < ndim:
        raise _err('take', 'Axis should be in the range of [-r, r-1] where r is the rank of '
                   'input tensor, got axis=%d for an input of shape %s' % (axis, _shp(arr.shape)))
    if axis < 0:
        axis += ndim
    n = arr.shape[axis]
    if indices.numel() == 0 or arr.numel() == 0:
        raise _err('take', 'zero-size arrays are not supported (data %s, indices %s)'
                   % (_shp(arr.shape), _shp(indices.shape)))
    mode = a.mode
    if mode == 'clip':
        li = _long(indices).clamp(0, n - 1)
    elif mode == 'wrap':
        li = torch.remainder(_long(indices), n)
    else:
        if not _is_meta(indices) and bool(((indices < 0) | (indices > n - 1)).any()):
            # checked in MXNet's kernel: raised at the next wait on the output
            raise KernelError('Error in operator take: take operator contains indices out of '
                              'bound (axis %d has size %d)' % (axis, n),
                              [(arr.shape[:axis] + indices.shape + arr.shape[axis + 1:],
                                arr.dtype, arr.device)])
        li = _long(indices)
    out = torch.index_select(arr, axis, li.reshape(-1))
    if indices.dim() == 1:
        return out
    return out.reshape(arr.shape[:axis] + indices.shape + arr.shape[axis + 1:])


@register('batch_take', inputs=('a', 'indices'), no_gradient=True)
def batch_take(a, arr, indices):
    """Takes one element per row: ``out[i] = a[i, indices[i]]``.

    ``a`` is at least 2-D and is read as rows of its last axis; ``indices`` (int32) has one
    entry per row and its shape is the output shape. Out-of-range indices are clipped.
    Deprecated in MXNet in favour of ``pick``.

    Example::

      x = [[1, 2], [3, 4], [5, 6]]
      batch_take(x, [0, 1, 0]) = [1, 4, 5]
    """
    if indices.dtype != torch.int32:
        raise _err('batch_take', 'Type inconsistent, Provided = %s, inferred type = int32 '
                   '(indices must be int32)' % dtype_name(indices))
    if arr.dim() < 2:
        raise _err('batch_take', 'Data array must have at least 2 dimensional, got shape %s'
                   % _shp(arr.shape))
    last = arr.shape[-1]
    rows = arr.numel() // last if last else 0
    if indices.numel() != rows:
        raise _err('batch_take', "Index array's size must be the same as data array's size "
                   "excluding the first dimension (%d vs. %d); data %s, indices %s"
                   % (rows, indices.numel(), _shp(arr.shape), _shp(indices.shape)))
    li = _long(indices).reshape(-1, 1).clamp(0, last - 1)
    return arr.reshape(rows, last).gather(1, li).reshape(indices.shape)


def _pick_check(op, data, index, axis, keepdims):
    ishape = tuple(data.shape)
    kshape = ishape[:axis] + (1,) + ishape[axis + 1:]
    sshape = ishape[:axis] + ishape[axis + 1:] or (1,)
    got = tuple(index.shape)
    if got != kshape and got != sshape:
        raise _err(op, 'Shape inconsistent, Provided = %s, inferred shape=%s (data shape %s, '
                   'axis=%d)' % (_shp(got), _shp(kshape if keepdims else sshape),
                                 _shp(ishape), axis))
    return kshape, (kshape if keepdims else sshape)


@register('pick', inputs=('data', 'index'), aliases=('choose_element_0index',),
          monitor_indexed_outputs=True,
          axis=Param(OptInt, -1, 'int or None. The axis to picking the elements. Negative '
                                 'values means indexing from right to left. If is `None`, the '
                                 'elements in the index w.r.t the flattened input will be '
                                 'picked.'),
          keepdims=Param(Bool, False, 'If true, the axis where we pick the elements is left in '
                                      'the result as dimension with size one.'),
          mode=Param(Str, 'clip', 'Specify how out-of-bound indices behave: "clip" clips to the '
                                  'range, "wrap" wraps around.', choices=('clip', 'wrap')))
def pick(a, data, index):
    """Picks one element along ``axis`` for every position of the other axes.

    ``index`` has the shape of ``data`` without ``axis`` (or with ``axis`` of size 1);
    ``out[i, j] = data[i, index[i, j], j]`` for ``axis=1`` of a 3-D input. Out-of-range indices
    are clipped (``mode='clip'``) or wrapped (``'wrap'``); float indices truncate. With
    ``keepdims`` the picked axis stays with size 1. The gradient scatters into ``data``.

    Example::

      x = [[1, 2], [3, 4], [5, 6]]
      pick(x, [0, 1, 0], axis=1) = [1, 4, 5]
      pick(x, [1, 0], axis=0) = [3, 2]
      pick(x, [2, -1, -2], axis=1, mode='wrap') = [1, 4, 5]
    """
    if a.axis is None:
        raise _err('pick', 'axis=None is not supported by pick yet. Must specify an axis.')
    ndim = data.dim()
    axis = a.axis
    if not -ndim <= axis < ndim:
        raise _err('pick', 'axis %d exceeds the input dimension of %d' % (axis, ndim))
    if axis < 0:
        axis += ndim
    kshape, oshape = _pick_check('pick', data, index, axis, a.keepdims)
    n = data.shape[axis]
    li = _long(index)
    li = torch.remainder(li, n) if a.mode == 'wrap' else li.clamp(0, n - 1)
    return data.gather(axis, li.reshape(kshape)).reshape(oshape)


@register('fill_element_0index', inputs=('lhs', 'mhs', 'rhs'), no_gradient=True)
def fill_element_0index(a, lhs, mhs, rhs):
    """Returns a copy of the 2-D ``lhs`` with ``out[i, rhs[i]] = mhs[i]`` for every row i.

    ``mhs`` (values, dtype of ``lhs``) and ``rhs`` (indices) are 1-D with one entry per row;
    rows whose index is out of range are left unchanged.
    """
    if lhs.dim() != 2 or mhs.dim() != 1 or rhs.dim() != 1:
        raise _err('fill_element_0index', 'fill_row_element only support 2D Matrix, 1D value '
                   'and 1D index, got shapes %s, %s, %s'
                   % (_shp(lhs.shape), _shp(mhs.shape), _shp(rhs.shape)))
    if not lhs.shape[0] == mhs.shape[0] == rhs.shape[0]:
        raise _err('fill_element_0index', 'choose_row_element index vector, value vector and '
                   'matrix shape mismatch: %s, %s, %s'
                   % (_shp(lhs.shape), _shp(mhs.shape), _shp(rhs.shape)))
    if mhs.dtype != lhs.dtype:
        raise _err('fill_element_0index', 'value dtype %s does not match the matrix dtype %s'
                   % (dtype_name(mhs), dtype_name(lhs)))
    n = lhs.shape[1]
    li = _long(rhs)
    valid = (li >= 0) & (li < n)
    col = torch.where(valid, li, torch.zeros_like(li)).unsqueeze(1)
    vals = torch.where(valid, mhs, lhs.gather(1, col).squeeze(1)).unsqueeze(1)
    return lhs.scatter(1, col, vals)


# ----------------------------------------------------------------------------------------------
# one_hot
# ----------------------------------------------------------------------------------------------
_ONE_HOT_DTYPES = ('bfloat16', 'float16', 'float32', 'float64', 'int32', 'int64', 'int8', 'uint8')
_VALUE_CACHE = {}


def _cast_value(v, dtype):
    """A python scalar as MXNet's static_cast<dtype>(double) produces it."""
    key = (v, dtype)
    r = _VALUE_CACHE.get(key)
    if r is None:
        if dtype.is_floating_point:
            r = v
        else:
            if math.isnan(v) or math.isinf(v):
                iv = 0
            else:
                iv = int(v)
            npd = {torch.int32: np.int32, torch.int64: np.int64, torch.int8: np.int8,
                   torch.uint8: np.uint8}[dtype]
            r = int(np.array(iv & 0xFFFFFFFFFFFFFFFF, dtype=np.uint64).astype(npd))
        _VALUE_CACHE[key] = r
    return r


@register('one_hot', inputs=('indices',), differentiable=False, monitor_indexed_outputs=True,
          depth=Param(Int, doc='Depth of the one hot dimension.'),
          on_value=Param(Float, 1.0, 'The value assigned to the locations represented by '
                                     'indices.'),
          off_value=Param(Float, 0.0, 'The value assigned to the locations not represented by '
                                      'indices.'),
          dtype=Param(Dtype, 'float32', 'DType of the output', choices=_ONE_HOT_DTYPES))
def one_hot(a, indices):
    """Returns a one-hot array of shape ``indices.shape + (depth,)``.

    ``out[..., k] = on_value`` where ``k == indices[...]`` and ``off_value`` elsewhere;
    indices outside ``[0, depth)`` give a row of ``off_value``. Float indices truncate.

    Example::

      one_hot([1, 0, 2], 3) = [[0, 1, 0], [1, 0, 0], [0, 0, 1]]
      one_hot([1, 0], 3, on_value=8, off_value=1, dtype='int32') = [[1, 8, 1], [8, 1, 1]]
    """
    depth = a.depth
    if depth < 0:
        raise _err('one_hot', 'Dimension size, depth, must be a non-negative integer, got %d'
                   % depth)
    td = torch_dtype(a.dtype)
    on = _cast_value(a.on_value, td)
    off = _cast_value(a.off_value, td)
    li = _long(indices)
    dev = li.device
    mask = li.unsqueeze(-1) == _const(('ar', depth, dev), lambda: torch.arange(depth, device=dev))
    out = torch.full(mask.shape, off, dtype=td, device=li.device)
    return out.masked_fill_(mask, on)


# ----------------------------------------------------------------------------------------------
# gather_nd / scatter_nd / _scatter_set_nd
# ----------------------------------------------------------------------------------------------
@register('gather_nd', inputs=('data', 'indices'), monitor_indexed_outputs=True)
def gather_nd(a, data, indices):
    """Gathers slices of ``data`` addressed by the columns of ``indices``.

    ``indices`` has shape ``(M, Y0, ..., Yk)`` with ``M <= data.ndim``; the output has shape
    ``(Y0, ..., Yk) + data.shape[M:]`` and ``out[y] = data[indices[0, y], ..., indices[M-1, y]]``.
    Negative indices count from the end; indices outside ``[-size, size-1]`` raise an
    IndexError (also an MXNetError). The gradient accumulates into ``data``.

    Example::

      data = [[0, 1], [2, 3]]
      gather_nd(data, [[1, 1, 0], [0, 1, 0]]) = [2, 3, 0]
      gather_nd(data, [[1, 0]]) = [[2, 3], [0, 1]]
    """
    if indices.dim() < 2:
        raise _err('gather_nd', 'gather_nd requires index tensor to have at least 2 dimensions, '
                   'got shape %s' % _shp(indices.shape))
    m = indices.shape[0]
    if m > data.dim():
        raise _err('gather_nd', 'Number of indices exceeds data dimension (%d vs. %d); data %s, '
                   'indices %s' % (m, data.dim(), _shp(data.shape), _shp(indices.shape)))
    if indices.numel() == 0:
        raise _err('gather_nd', 'zero-size indices %s are not supported' % _shp(indices.shape))
    shape = tuple(data.shape)
    lead = shape[:m]
    k = indices.dim()
    dev = indices.device
    if indices.dtype.is_floating_point:
        idx = indices
    else:
        idx = _long(indices)
    sizes, lo, hi = _const(('sz', lead, k, idx.dtype, dev),
                           lambda: _bounds(lead, k, idx.dtype, dev))
    if not _is_meta(idx) and bool(((idx < lo) | (idx > hi)).any()):
        _gather_nd_bounds_error(indices, lead)
    w = idx + (idx < 0) * sizes
    off = (_long(w) * _const(('st', lead, k, dev), lambda: _strides(lead, k, dev))).sum(0)
    flat = data.reshape((-1,) + shape[m:])
    return flat.index_select(0, off.reshape(-1)).reshape(tuple(indices.shape[1:]) + shape[m:])


def _bounds(lead, k, dtype, dev):
    sizes = torch.tensor(lead, dtype=dtype, device=dev).reshape((len(lead),) + (1,) * (k - 1))
    return sizes, -sizes, sizes - 1


def _strides(lead, k, dev):
    st = []
    acc = 1
    for d in reversed(lead):
        st.append(acc)
        acc *= d
    st.reverse()
    return torch.tensor(st, dtype=torch.int64, device=dev).reshape((len(lead),) + (1,) * (k - 1))


def _gather_nd_bounds_error(indices, lead):
    for j, size in enumerate(lead):
        ij = indices[j].double()
        bad = (ij > size - 1) | (ij < -size)
        if bool(bad.any()):
            v = ij[bad].reshape(-1)[0].item()
            raise _IndexOpError('Error in operator gather_nd: index %s is out of bounds for '
                                'axis %d with size %d' % (_fmt_num(v), j, size))
    raise _IndexOpError('Error in operator gather_nd: index out of bounds')


def _scatter_offsets(op, data, indices, shape):
    """Row offsets into the flattened leading ``M`` axes of ``shape`` (invalid -> P)."""
    if indices.dim() < 2:
        raise _err(op, '%s requires index tensor to have at least 2 dimensions, got shape %s'
                   % (op, _shp(indices.shape)))
    m = indices.shape[0]
    if m > len(shape):
        raise _err(op, 'Number of indices exceeds output dimension (%d vs. %d)'
                   % (m, len(shape)))
    tail = tuple(shape[m:])
    if tuple(data.shape) != tuple(indices.shape[1:]) + tail:
        raise _err(op, 'Invalid data, indices, and output shape combination for %s: %s, %s, %s'
                   % (op, _shp(data.shape), _shp(indices.shape), _shp(shape)))
    lead = tuple(shape[:m])
    k = indices.dim()
    dev = indices.device
    off = (_long(indices) * _const(('st', lead, k, dev), lambda: _strides(lead, k, dev))).sum(0)
    p = 1
    for d in lead:
        p *= d
    off = off.reshape(-1)
    off = torch.where((off >= 0) & (off < p), off, p)
    return off, p, tail


@register('scatter_nd', inputs=('data', 'indices'), monitor_indexed_outputs=True,
          shape=Param(Shape, doc='Shape of output.'))
def scatter_nd(a, data, indices):
    """Scatters ``data`` into a new zero array of shape ``shape`` (the inverse of gather_nd).

    ``indices`` has shape ``(M, Y0, ..., Yk)``, ``data`` has shape ``(Y0, ..., Yk) + shape[M:]``
    and ``out[indices[0, y], ..., indices[M-1, y]] = data[y]``. When several entries address the
    same location the last one wins; entries whose flattened position falls outside the output
    are dropped. The gradient of ``data`` gathers the output gradient.

    Example::

      scatter_nd([2, 3, 0], [[1, 1, 0], [0, 1, 0]], shape=(2, 2)) = [[0, 0], [2, 3]]
    """
    shape = a.shape
    off, p, tail = _scatter_offsets('scatter_nd', data, indices, shape)
    base = torch.zeros((p + 1,) + tail, dtype=data.dtype, device=data.device)
    return base.index_copy(0, off, data.reshape((-1,) + tail))[:p].reshape(shape)


@register('_scatter_set_nd', inputs=('lhs', 'rhs', 'indices'),
          shape=Param(Shape, doc='Shape of output.'))
def _scatter_set_nd(a, lhs, rhs, indices):
    """Like scatter_nd, but the locations not addressed keep the values of ``lhs``.

    Returns a new array; MXNet uses it with ``out=lhs`` to update ``lhs`` in place (remx also
    accepts it without ``out``).

    Example::

      _scatter_set_nd(lhs=ones((2, 2)), rhs=[2, 3], indices=[[1, 0], [0, 1]], shape=(2, 2),
                      out=lhs)  ->  lhs = [[1, 3], [2, 1]]
    """
    shape = a.shape
    if tuple(lhs.shape) != tuple(shape):
        raise _err('_scatter_set_nd', 'Shape inconsistent, Provided = %s, inferred shape=%s'
                   % (_shp(lhs.shape), _shp(shape)))
    if lhs.dtype != rhs.dtype:
        raise _err('_scatter_set_nd', 'Type inconsistent, Provided = %s, inferred type = %s'
                   % (dtype_name(lhs), dtype_name(rhs)))
    off, p, tail = _scatter_offsets('_scatter_set_nd', rhs, indices, shape)
    base = torch.cat([lhs.reshape((p,) + tail),
                      torch.zeros((1,) + tail, dtype=lhs.dtype, device=lhs.device)])
    return base.index_copy(0, off, rhs.reshape((-1,) + tail))[:p].reshape(shape)


# ----------------------------------------------------------------------------------------------
# where
# ----------------------------------------------------------------------------------------------
@register('where', inputs=('condition', 'x', 'y'), shape_rule='where',
          monitor_indexed_outputs=True)
def where(a, condition, x, y):
    """Elements of ``x`` where ``condition`` is non-zero, else of ``y``.

    ``x`` and ``y`` have the same shape and dtype. ``condition`` has that shape too, or is 1-D
    with one entry per row (first axis) of ``x``, choosing whole rows. The gradient flows to
    ``x`` and ``y`` through the chosen elements; ``condition`` gets none.

    Example::

      where([[0, 1], [-1, 0]], [[1, 2], [3, 4]], [[5, 6], [7, 8]]) = [[5, 2], [3, 8]]
      where([1, 0], [[1, 2], [3, 4]], [[5, 6], [7, 8]]) = [[1, 2], [7, 8]]
    """
    if x.shape != y.shape:
        raise _err('where', 'x and y must have the same shape, got %s and %s'
                   % (_shp(x.shape), _shp(y.shape)))
    if x.dtype != y.dtype:
        raise _err('where', 'x and y must have the same dtype, got %s and %s'
                   % (dtype_name(x), dtype_name(y)))
    mask = condition != 0
    if condition.shape != x.shape:
        if condition.dim() != 1 or condition.shape[0] != x.shape[0]:
            raise _err('where', 'condition must have the shape of x (%s) or be 1-D with size '
                       'x.shape[0]=%d, got %s' % (_shp(x.shape), x.shape[0],
                                                  _shp(condition.shape)))
        mask = mask.reshape((-1,) + (1,) * (x.dim() - 1))
    return torch.where(mask, x, y)


# ----------------------------------------------------------------------------------------------
# ravel / unravel
# ----------------------------------------------------------------------------------------------
_SHAPE_DOC = 'Shape of the array into which the multi-indices apply.'


@register('_ravel_multi_index', aliases=('ravel_multi_index',), differentiable=False,
          shape=Param(Shape, None, _SHAPE_DOC))
def _ravel_multi_index(a, data):
    """Converts a batch of multi-indices into flat indices for an array of shape ``shape``.

    ``data`` has shape ``(len(shape), N)``, one multi-index per column; the output (N,) has
    ``data``'s dtype. Values are not range-checked.

    Example::

      ravel_multi_index([[3, 6, 6], [4, 5, 1]], shape=(7, 6)) = [22, 41, 37]
    """
    shape = a.shape
    if not shape:
        raise _err('_ravel_multi_index', 'Empty shape parameter for ravel operator.')
    if data.dim() != 2:
        raise _err('_ravel_multi_index', 'Input to ravel operator must be two-dimensional, got '
                   'shape %s' % _shp(data.shape))
    if data.shape[0] != len(shape):
        raise _err('_ravel_multi_index', 'First dimension of input of ravel operator does not '
                   'match shape parameter dimension (%d vs. %d)' % (data.shape[0], len(shape)))
    li = _long(data)
    out = li[0]
    for j in range(1, len(shape)):
        out = out * shape[j] + li[j]
    return out.to(data.dtype)


@register('_unravel_index', aliases=('unravel_index',), differentiable=False,
          shape=Param(Shape, None, _SHAPE_DOC))
def _unravel_index(a, data):
    """Converts flat indices into multi-indices for an array of shape ``shape``.

    For 1-D ``data`` of size N the output has shape ``(len(shape), N)`` and ``data``'s dtype.

    Example::

      unravel_index([22, 41, 37], shape=(7, 6)) = [[3, 6, 6], [4, 5, 1]]
    """
    shape = a.shape
    if not shape:
        raise _err('_unravel_index', 'Empty shape parameter for unravel operator.')
    li = _long(data)
    coords = []
    for d in reversed(shape[1:]):
        coords.append(torch.fmod(li, d))
        li = torch.div(li, d, rounding_mode='trunc')
    coords.append(li)
    coords.reverse()
    return torch.stack(coords).to(data.dtype)
