"""Reductions, arg-reductions, sorting and related operators.

sum / mean / prod / max / min / nansum / nanprod (``axis``, ``keepdims``, ``exclude``), norm,
argmax / argmin / argmax_channel, argsort / sort / topk, cumsum, moments, _histogram and
khatri_rao, with MXNet 1.9.1's semantics:

* a full reduction returns shape ``(1,)`` (legacy MXNet has no 0-d arrays);
* results keep the input dtype (integer sums wrap, integer means truncate); argmax/argmin and
  argsort/topk indices follow MXNet's dtype rules (argmax keeps the input dtype);
* the gradient of max/min flows to *every* element equal to the extreme value, and the gradient
  of prod is ``out / x`` (NaN where x == 0), as MXNet computes them.
"""
import math

import torch

from .registry import register, Param, OpError, dtype_name
from .params import Axis, Bool, Int, OptInt, Dtype, Str, FloatTuple
from ..base import torch_dtype

__all__ = []

_FLOAT = (torch.float32, torch.float64)



def _shp(t):
    return '[' + ','.join(str(d) for d in t.shape) + ']'


# ---------------------------------------------------------------------------------------------
# axis handling

_AXES_CACHE = {}


def _reduce_axes(name, ndim, axis, exclude):
    """Normalised, sorted tuple of axes to reduce (MXNet's checks); cached."""
    key = (ndim, axis, exclude)
    hit = _AXES_CACHE.get(key)
    if hit is not None:
        return hit
    if axis is None or axis == ():
        axes = tuple(range(ndim))
    else:
        raw = (axis,) if isinstance(axis, int) else tuple(axis)
        axes = []
        for a in raw:
            b = a + ndim if a < 0 else a
            if b < 0 or b >= ndim:
                raise OpError('Error in operator %s: Reduction axis %s exceeds input dimensions '
                              '(input has %d dimensions)' % (name, a, ndim))
            axes.append(b)
        axes.sort()
        for i in range(1, len(axes)):
            if axes[i - 1] == axes[i]:
                raise OpError('Error in operator %s: Reduction axes have duplicates %s'
                              % (name, list(raw)))
        axes = tuple(axes)
        if exclude:
            axes = tuple(i for i in range(ndim) if i not in axes)
    if len(_AXES_CACHE) > 4096:
        _AXES_CACHE.clear()
    _AXES_CACHE[key] = axes
    return axes


def _finish(r, keepdims=False):
    """MXNet has no 0-d arrays: a full reduction without keepdims gives shape (1,)."""
    if r.dim() == 0:
        return r.reshape(1)
    return r


def _wrap_dtype(r, dt):
    return r if r.dtype == dt else r.to(dt)


# ---------------------------------------------------------------------------------------------
# autograd functions with MXNet's gradients

class _ExtremeFn(torch.autograd.Function):
    """max/min over dims; gradient goes to every element equal to the result (ties included)."""

    @staticmethod
    def forward(ctx, x, dims, keepdim, is_max):
        out = (torch.amax if is_max else torch.amin)(x, dims, True)
        ctx.save_for_backward(x, out)
        ctx.dims = dims
        ctx.keepdim = keepdim
        return out if keepdim else out.squeeze(dims)

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        if not ctx.keepdim:
            for d in ctx.dims:
                g = g.unsqueeze(d)
        return g * (x == out).to(g.dtype), None, None, None


class _KeptDimsFn(torch.autograd.Function):
    """A reduction over ``dims`` whose MXNet gradient is ``g * grad(x, out)`` with ``out`` kept
    at the reduced dims; subclasses give ``reduce(x, dims)`` and ``grad(x, out)``."""

    @classmethod
    def forward(cls, ctx, x, dims, keepdim):
        out = cls.reduce(x, dims)
        ctx.save_for_backward(x, out)
        ctx.dims = dims
        ctx.keepdim = keepdim
        return out if keepdim else out.squeeze(dims)

    @classmethod
    def backward(cls, ctx, g):
        x, out = ctx.saved_tensors
        if not ctx.keepdim:
            for d in ctx.dims:
                g = g.unsqueeze(d)
        return g * cls.grad(x, out), None, None


class _ProdFn(_KeptDimsFn):
    """Product over dims; gradient ``out / x`` (NaN/inf at zeros, as MXNet)."""

    @staticmethod
    def reduce(x, dims):
        return _prod_raw(x, dims, True)

    @staticmethod
    def grad(x, out):
        return out / x


def _prod_raw(x, dims, keepdim):
    if len(dims) == x.dim():
        r = torch.prod(x.reshape(-1), 0, dtype=x.dtype)
        if keepdim:
            return r.reshape((1,) * x.dim())
        return r
    r = x
    for d in sorted(dims, reverse=True):
        r = torch.prod(r, d, keepdim=keepdim, dtype=x.dtype)
    return r


def _needs_grad(x):
    return x.requires_grad and torch.is_grad_enabled()


# ---------------------------------------------------------------------------------------------
# sum / mean / prod / max / min / nansum / nanprod

_RED_PARAMS = dict(
    axis=Param(Axis, None, 'The axis or axes along which to perform the reduction. The default, '
               'axis=(), will compute over all elements into a scalar array with shape (1,). '
               'Negative values index from the last axis.'),
    keepdims=Param(Bool, False, 'If this is set to True, the reduced axes are left in the result '
                   'as dimension with size one.'),
    exclude=Param(Bool, False, 'Whether to perform reduction on axis that are NOT in axis '
                  'instead.'))


def _sum_core(x, dims, keepdim):
    if not dims:
        return x.clone()
    dt = x.dtype
    if dt.is_floating_point:
        return torch.sum(x, dims, keepdim)
    return _wrap_dtype(torch.sum(x, dims, keepdim), dt)


@register('sum', aliases=('sum_axis', '_sparse_sum'), monitor_indexed_inputs=True,
          monitor_indexed_outputs=True, **_RED_PARAMS)
def sum_(a, data):
    """Computes the sum of array elements over the given axes.

    ``axis`` may be an int, a tuple of ints or None (all axes); negative axes count from the
    end; ``exclude=True`` reduces over every axis *not* listed; ``keepdims=True`` keeps the
    reduced axes with size 1. Integer inputs are summed in their own type (wrapping around).

    Example::

        x = [[1, 2, 3], [4, 5, 6]]
        sum(x) = [21.]
        sum(x, axis=1) = [6., 15.]
        sum(x, axis=0, keepdims=True) = [[5., 7., 9.]]
    """
    dims = _reduce_axes('sum', data.dim(), a.axis, a.exclude)
    return _finish(_sum_core(data, dims, a.keepdims), a.keepdims)


@register('mean', aliases=('_sparse_mean',), monitor_indexed_inputs=True,
          monitor_indexed_outputs=True, **_RED_PARAMS)
def mean(a, data):
    """Computes the mean of array elements over the given axes.

    Same axis rules as ``sum``. Integer inputs give an integer mean (sum in the input type,
    then division truncated toward zero).

    Example::

        x = [[1, 2, 3], [4, 5, 6]]
        mean(x, axis=1) = [2., 5.]
    """
    dims = _reduce_axes('mean', data.dim(), a.axis, a.exclude)
    if not dims:
        return data.clone()
    if data.dtype.is_floating_point:
        return _finish(torch.mean(data, dims, a.keepdims), a.keepdims)
    n = 1
    for d in dims:
        n *= data.shape[d]
    s = _sum_core(data, dims, a.keepdims)
    if s.dtype == torch.bool:
        return _finish(s, a.keepdims)
    return _finish(torch.div(s, n, rounding_mode='trunc').to(data.dtype), a.keepdims)


@register('prod', monitor_indexed_inputs=True, monitor_indexed_outputs=True, **_RED_PARAMS)
def prod(a, data):
    """Computes the product of array elements over the given axes.

    Same axis rules as ``sum``. The gradient is ``out / data`` as in MXNet (so it is NaN where
    an input element is zero).

    Example::

        x = [[1, 2, 3], [4, 5, 6]]
        prod(x, axis=1) = [6., 120.]
    """
    dims = _reduce_axes('prod', data.dim(), a.axis, a.exclude)
    if not dims:
        return data.clone()
    if _needs_grad(data):
        return _finish(_ProdFn.apply(data, dims, a.keepdims), a.keepdims)
    return _finish(_prod_raw(data, dims, a.keepdims), a.keepdims)


def _extreme(name, is_max):
    def fn(a, data):
        dims = _reduce_axes(name, data.dim(), a.axis, a.exclude)
        if not dims:
            return data.clone()
        if _needs_grad(data):
            return _finish(_ExtremeFn.apply(data, dims, a.keepdims, is_max), a.keepdims)
        return _finish((torch.amax if is_max else torch.amin)(data, dims, a.keepdims),
                       a.keepdims)
    return fn


_max = register('max', aliases=('max_axis',), monitor_indexed_inputs=True,
               monitor_indexed_outputs=True, **_RED_PARAMS)(_extreme('max', True))
_max.opdef.doc = """Computes the maximum of array elements over the given axes.

    Same axis rules as ``sum``. The gradient flows to every element equal to the maximum
    (ties all receive the full gradient), as in MXNet. NaN inputs propagate.

    Example::

        x = [[1, 5, 5], [3, 2, 3]]
        max(x, axis=1) = [5., 3.]
    """
_min = register('min', aliases=('min_axis',), monitor_indexed_inputs=True,
               monitor_indexed_outputs=True, **_RED_PARAMS)(_extreme('min', False))
_min.opdef.doc = """Computes the minimum of array elements over the given axes.

    Same axis rules as ``sum``. The gradient flows to every element equal to the minimum.

    Example::

        x = [[1, 5, 5], [3, 2, 3]]
        min(x, axis=1) = [1., 2.]
    """


@register('nansum', monitor_indexed_inputs=True, monitor_indexed_outputs=True, **_RED_PARAMS)
def nansum(a, data):
    """Computes the sum of array elements over the given axes, treating NaN as zero.

    The gradient is 0 at NaN positions and 1 elsewhere.

    Example::

        x = [[1, nan], [2, 3]]
        nansum(x, axis=1) = [1., 5.]
    """
    dims = _reduce_axes('nansum', data.dim(), a.axis, a.exclude)
    if data.dtype.is_floating_point:
        data = torch.where(torch.isnan(data), torch.zeros((), dtype=data.dtype,
                                                           device=data.device), data)
    return _finish(_sum_core(data, dims, a.keepdims), a.keepdims)


@register('nanprod', monitor_indexed_inputs=True, monitor_indexed_outputs=True, **_RED_PARAMS)
def nanprod(a, data):
    """Computes the product of array elements over the given axes, treating NaN as one.

    The gradient is 0 at NaN positions and ``out / data`` elsewhere.

    Example::

        x = [[1, nan], [2, 3]]
        nanprod(x, axis=1) = [1., 6.]
    """
    dims = _reduce_axes('nanprod', data.dim(), a.axis, a.exclude)
    if data.dtype.is_floating_point:
        data = torch.where(torch.isnan(data), torch.ones((), dtype=data.dtype,
                                                          device=data.device), data)
    if not dims:
        return data.clone()
    if _needs_grad(data):
        return _finish(_ProdFn.apply(data, dims, a.keepdims), a.keepdims)
    return _finish(_prod_raw(data, dims, a.keepdims), a.keepdims)


# ---------------------------------------------------------------------------------------------
# norm

class _L2Fn(_KeptDimsFn):
    """L2 norm over dims with MXNet's gradient ``x / norm`` (NaN where the norm is 0)."""

    @staticmethod
    def reduce(x, dims):
        return torch.linalg.vector_norm(x, 2, dims, True)

    @staticmethod
    def grad(x, out):
        return x / out


def _safe_accumulation():
    import os
    v = os.environ.get('MXNET_SAFE_ACCUMULATION', '0').strip().lower()
    return v not in ('', '0', 'false')


@register('norm', aliases=('_sparse_norm',), monitor_indexed_inputs=True,
          monitor_indexed_outputs=True,
          ord=Param(Int, 2, 'Order of the norm. Currently ord=1 and ord=2 is supported.'),
          axis=Param(Axis, None, 'The axis or axes along which to perform the reduction '
                     '(None: all elements).'),
          out_dtype=Param(Dtype, None, 'The data type of the output.',
                          choices=(None, 'float16', 'float32', 'float64', 'int32', 'int64',
                                   'int8')),
          keepdims=Param(Bool, False, 'If this is set to True, the reduced axis is left in the '
                         'result as dimension with size one.'))
def norm(a, data):
    """Computes the L1 (``ord=1``) or L2 (``ord=2``) norm over the given axes.

    ``axis=None`` reduces every element (result shape (1,)). In MXNet 1.9.1's NDArray API
    ``out_dtype`` only works when it equals the input dtype; other values raise an error.
    Integer inputs use MXNet's scaled L2 algorithm in integer arithmetic
    (``max|x| * sqrt(count(|x| == max|x|))``, truncated).

    Example::

        x = [[1, 2], [3, 4]]
        norm(x) = [5.4772]
        norm(x, ord=1, axis=1) = [3., 7.]
    """
    if a.ord not in (1, 2):
        raise OpError('Error in operator norm: norm only supports ord=1 and ord=2, got ord=%d'
                      % a.ord)
    if a.out_dtype is not None and torch_dtype(a.out_dtype) != data.dtype:
        # MXNet 1.9.1 converts only with MXNET_SAFE_ACCUMULATION=1 (float16 then accumulates
        # in float32); otherwise its kernel rejects the output type
        # (shape inference runs on meta tensors of a guessed dtype: no check there)
        if not _safe_accumulation() and data.device.type != 'meta':
            raise OpError('Error in operator norm: out_dtype=%s differs from the input dtype %s '
                          '(MXNet 1.9.1 converts only with MXNET_SAFE_ACCUMULATION=1)'
                          % (a.out_dtype, dtype_name(data.dtype)))
        odt = torch_dtype(a.out_dtype)
        x = data.float() if data.dtype in (torch.float16, torch.bfloat16) else data
        r = norm.opdef.fn(a.replace(out_dtype=None), x)
        return r.to(odt)
    dims = _reduce_axes('norm', data.dim(), a.axis, False)
    keep = a.keepdims
    if not dims:
        return data.abs()
    if a.ord == 1:
        r = data.abs()
        r = torch.sum(r, dims, keep)
        return _finish(_wrap_dtype(r, data.dtype), keep)
    if data.dtype.is_floating_point:
        if _needs_grad(data):
            return _finish(_L2Fn.apply(data, dims, keep), keep)
        return _finish(torch.linalg.vector_norm(data, 2, dims, keep), keep)
    ab = data.abs()
    mx = torch.amax(ab, dims, True)
    cnt = torch.sum((ab == mx) & (ab != 0), dims, True)
    r = (mx.double() * torch.sqrt(cnt.double())).to(data.dtype)
    if not keep:
        r = r.squeeze(dims)
    return _finish(r, keep)


# ---------------------------------------------------------------------------------------------
# argmax / argmin / argmax_channel

def _one_axis(name, axis, ndim):
    if axis < -ndim or axis >= ndim:
        raise OpError('Error in operator %s: axis %d exceeds the input dimension of %d'
                      % (name, axis, ndim))
    return axis + ndim if axis < 0 else axis


def _argext(name, fn):
    def op(a, data):
        if data.dim() == 0:
            data = data.reshape(1)
        if a.axis is None:
            r = fn(data.reshape(-1), 0)
            if a.keepdims:
                r = r.reshape((1,) * data.dim())
            else:
                r = r.reshape(1)
        else:
            ax = _one_axis(name, a.axis, data.dim())
            r = fn(data, ax, a.keepdims)
            if r.dim() == 0:
                r = r.reshape(1)
        return r.to(data.dtype)
    return op


_ARG_PARAMS = dict(
    axis=Param(OptInt, None, 'The axis along which to perform the reduction. Negative values '
               'index from the end. If None, the input is flattened first.'),
    keepdims=Param(Bool, False, 'If True, the reduced axis is left in the result as a dimension '
                   'of size one.'))

_argmax = register('argmax', differentiable=False, monitor_indexed_inputs=True,
                   monitor_indexed_outputs=True, **_ARG_PARAMS)(
    _argext('argmax', torch.argmax))
_argmax.opdef.doc = """Returns indices of the maximum values along an axis.

    The indices have the *input's* dtype (float32 for float32 input), as in MXNet 1.9.1. The
    first occurrence wins on ties; a NaN counts as the maximum.

    Example::

        x = [[0, 1, 2], [3, 4, 5]]
        argmax(x, axis=0) = [1., 1., 1.]
        argmax(x, axis=1) = [2., 2.]
    """
_argmin = register('argmin', differentiable=False, monitor_indexed_inputs=True,
                   monitor_indexed_outputs=True, **_ARG_PARAMS)(
    _argext('argmin', torch.argmin))
_argmin.opdef.doc = """Returns indices of the minimum values along an axis.

    The indices have the input's dtype. The first occurrence wins on ties.

    Example::

        x = [[0, 1, 2], [3, 4, 5]]
        argmin(x, axis=1) = [0., 0.]
    """


@register('argmax_channel', differentiable=False, no_gradient=True)
def argmax_channel(a, data):
    """Returns the index of the maximum along axis 1 (the channel axis).

    Example::

        x = [[0, 1, 2], [3, 4, 5]]
        argmax_channel(x) = [2., 2.]
    """
    ax = _one_axis('argmax_channel', 1, data.dim())
    r = torch.argmax(data, ax)
    if r.dim() == 0:
        r = r.reshape(1)
    return r.to(data.dtype)


# ---------------------------------------------------------------------------------------------
# argsort / sort / topk

_IDX_DTYPES = ('float16', 'float32', 'float64', 'int32', 'int64', 'uint8')


def _sort_axis(name, axis, data):
    """(tensor, axis) with axis=None flattening the input."""
    if axis is None:
        return data.reshape(-1), 0
    nd_ = data.dim()
    ax = axis + nd_ if axis < 0 else axis
    if ax < 0 or ax >= nd_:
        raise OpError('Error in operator %s: Invalid axis! axis should be between 0 and %d, '
                      'found axis=%d' % (name, nd_, axis))
    return data, ax


@register('argsort', differentiable=False, monitor_indexed_inputs=True,
          monitor_indexed_outputs=True,
          axis=Param(OptInt, -1, 'Axis along which to sort the input tensor. If None, the '
                     'flattened array is used.'),
          is_ascend=Param(Bool, True, 'Whether to sort in ascending or descending order.'),
          dtype=Param(Dtype, 'float32', 'DType of the output indices.', choices=_IDX_DTYPES))
def argsort(a, data):
    """Returns the indices that would sort the input along an axis (stable sort).

    Example::

        x = [[0.3, 0.2, 0.4], [0.1, 0.3, 0.2]]
        argsort(x) = [[1., 0., 2.], [0., 2., 1.]]
        argsort(x, axis=0) = [[1., 0., 1.], [0., 1., 0.]]
    """
    t, ax = _sort_axis('argsort', a.axis, data)
    idx = torch.sort(t, dim=ax, descending=not a.is_ascend, stable=True).indices
    return idx.to(torch_dtype(a.dtype))


@register('sort', total_outputs=2, indexed_output_name=True,
          axis=Param(OptInt, -1, 'Axis along which to sort. If None, the flattened '
                             'array is used.'),
          is_ascend=Param(Bool, True, 'Whether to sort in ascending or descending order.'))
def sort(a, data):
    """Returns a sorted copy of the input along an axis (stable sort).

    The gradient is routed back to each element's original position.

    Example::

        x = [[1, 4], [3, 1]]
        sort(x) = [[1., 4.], [1., 3.]]
        sort(x, is_ascend=False) = [[4., 1.], [3., 1.]]
    """
    t, ax = _sort_axis('sort', a.axis, data)
    return torch.sort(t, dim=ax, descending=not a.is_ascend, stable=True).values


def _topk_nout(a):
    return 2 if a.ret_typ == 'both' else 1


@register('topk', num_outputs=_topk_nout, monitor_indexed_inputs=True, monitor_indexed_outputs=True,
          axis=Param(OptInt, -1, 'Axis along which to choose the top k indices. If None, the '
                     'flattened array is used.'),
          k=Param(Int, 1, 'Number of top elements to select; k < 1 selects all elements.'),
          ret_typ=Param(Str, 'indices', "The return type: 'value', 'indices', 'mask' (0/1 "
                        "array of the input's shape) or 'both' (value and indices).",
                        choices=('both', 'indices', 'mask', 'value')),
          is_ascend=Param(Bool, False, 'Whether to choose k largest or k smallest elements. '
                          'Top k largest elements will be chosen if set to false.'),
          dtype=Param(Dtype, 'float32', 'DType of the output indices when ret_typ is '
                      '"indices" or "both".', choices=_IDX_DTYPES))
def topk(a, data):
    """Returns the top k elements along an axis.

    ``ret_typ='both'`` returns ``[values, indices]``; ``'mask'`` returns an array of the input's
    shape and dtype with 1 at the chosen positions. Ties keep their original order.

    Example::

        x = [[0.3, 0.2, 0.4], [0.1, 0.3, 0.2]]
        topk(x) = [[2.], [1.]]
        topk(x, k=2, ret_typ='value') = [[0.4, 0.3], [0.3, 0.2]]
        topk(x, k=2, ret_typ='mask') = [[1., 0., 1.], [0., 1., 1.]]
    """
    t, ax = _sort_axis('topk', a.axis, data)
    n = t.shape[ax]
    k = a.k
    if k <= 0:
        k = n
    elif k > n:
        raise OpError('Error in operator topk: k must be smaller than %d, got k = %d'
                      % (n + 1, k))
    srt = torch.sort(t, dim=ax, descending=not a.is_ascend, stable=True)
    idx = srt.indices.narrow(ax, 0, k)
    rt = a.ret_typ
    if rt == 'mask':
        m = torch.zeros(t.shape, dtype=data.dtype, device=data.device)
        m.scatter_(ax, idx, 1)
        return m.reshape(data.shape)
    if rt == 'value':
        return srt.values.narrow(ax, 0, k)
    idx_out = idx.to(torch_dtype(a.dtype))
    if rt == 'indices':
        return idx_out
    return srt.values.narrow(ax, 0, k), idx_out


# ---------------------------------------------------------------------------------------------
# cumsum

@register('_np_cumsum', aliases=('cumsum',), inputs=('a',), monitor_indexed_outputs=True,
          axis=Param(OptInt, None, 'Axis along which the cumulative sum is computed. The '
                     'default (None) computes the cumsum over the flattened array.'),
          dtype=Param(Dtype, None, 'Type of the returned array (default: the input type; bool '
                      'input gives int64).',
                      choices=(None, 'float16', 'float32', 'float64', 'int32', 'int64', 'int8')))
def cumsum(a, x):
    """Returns the cumulative sum of the elements along a given axis.

    Example::

        x = [[1, 2, 3], [4, 5, 6]]
        cumsum(x) = [1., 3., 6., 10., 15., 21.]
        cumsum(x, axis=1) = [[1., 3., 6.], [4., 9., 15.]]
    """
    if a.dtype is not None:
        dt = torch_dtype(a.dtype)
    elif x.dtype == torch.bool:
        dt = torch.int64
    else:
        dt = x.dtype
    if a.axis is None:
        t, ax = x.reshape(-1), 0
    else:
        nd_ = x.dim()
        if a.axis < -nd_ or a.axis >= nd_:
            raise OpError('Error in operator cumsum: axis value %d out of range for an input '
                          'of %d dimensions' % (a.axis, nd_))
        t, ax = x, a.axis
    if t.dtype != dt:
        t = t.to(dt)
    r = torch.cumsum(t, ax)
    return r if r.dtype == dt else r.to(dt)


# ---------------------------------------------------------------------------------------------
# moments

@register('moments', num_outputs=2, monitor_indexed_outputs=True,
          axes=Param(Axis, None, 'Array of ints. Axes along which to compute mean and '
                     'variance.'),
          keepdims=Param(Bool, False, 'produce moments with the same dimensionality as the '
                         'input.'))
def moments(a, data):
    """Calculates the mean and (population) variance of the input along ``axes``.

    Returns ``[mean, var]``. ``axes`` must be given (MXNet rejects an empty axes list).

    Example::

        x = [[1, 2, 3], [4, 5, 6]]
        mean, var = moments(x, axes=(1,))
        mean = [2., 5.];  var = [0.6667, 0.6667]
    """
    if a.axes is None or a.axes == ():
        raise OpError('Error in operator moments: Empty axes is not supported, if you would '
                      'like to do global moments, please pass all axes to axes argument')
    dims = _reduce_axes('moments', data.dim(), a.axes, False)
    keep = a.keepdims
    if data.dtype.is_floating_point:
        m = torch.mean(data, dims, True)
        d = data - m
        v = torch.mean(d * d, dims, keep)
    else:
        n = 1
        for i in dims:
            n *= data.shape[i]
        dt = data.dtype
        m = torch.div(_sum_core(data, dims, True), n, rounding_mode='trunc').to(dt)
        d = data - m
        v = torch.div(_sum_core(d * d, dims, keep), n, rounding_mode='trunc').to(dt)
    if not keep:
        m = m.squeeze(dims)
    return _finish(m, keep), _finish(v, keep)


# ---------------------------------------------------------------------------------------------
# _histogram

def _opt_range(v):
    if v is None or (isinstance(v, str) and v.strip() == 'None'):
        return None
    r = FloatTuple(v)
    if len(r) != 2:
        raise ValueError('range must be a pair (min, max), got %r' % (v,))
    return r


_opt_range.__name__ = 'tuple of <float> or None'


def _histogram_inputs(a):
    return ('data',) if a.bin_cnt is not None else ('data', 'bins')


@register('_histogram', inputs=('data', 'bins'), num_outputs=2, differentiable=False,
          no_gradient=True,
          inputs_fn=_histogram_inputs,
          bin_cnt=Param(OptInt, None, 'Number of bins for uniform case'),
          range=Param(_opt_range, None, 'The lower and upper range of the bins. if not '
                      'provided, range is simply (a.min(), a.max()). values outside the range '
                      'are ignored. the first element of the range must be less than or equal '
                      'to the second. range affects the automatic bin computation as well. the '
                      'range will be equally divided by the number of bins.'))
def _histogram(a, data, bins=None):
    """Computes the histogram of the (flattened) input.

    Either ``bins`` (an array of monotonically increasing bin edges, rightmost edge
    included) is given, or ``bin_cnt`` and ``range`` for equal-width bins. Returns
    ``[counts (int64), bin_edges (input dtype)]``. Values outside the edges are ignored; the
    last bin includes its right edge.

    Example::

        x = [0.5, 1, 1.5, 2, 2.5, 3, 9, -1]
        _histogram(x, bin_cnt=4, range=(0, 4)) = [[1, 2, 2, 1], [0., 1., 2., 3., 4.]]
    """
    legal = (a.bin_cnt is None) == (a.range is None)
    if not legal:
        raise OpError('Error in operator _histogram: bin_cnt and range should both or neither '
                      'be specified')
    flat = data.reshape(-1)
    if a.bin_cnt is None:
        if bins is None:
            raise OpError('Error in operator _histogram: expects 2 inputs (data, bins) when '
                          'bin_cnt and range are not given, got 1')
        if bins.dtype != data.dtype:
            raise OpError('Error in operator _histogram: bins dtype %s differs from data dtype '
                          '%s' % (dtype_name(bins.dtype), dtype_name(data.dtype)))
        if bins.dim() != 1:
            raise OpError('Error in operator _histogram: bins must be 1-D, got shape %s'
                          % _shp(bins))
        edges = bins
        lo_ok = flat >= edges[0]
        hi_ok = flat <= edges[-1]
        cnt = edges.numel() - 1
    else:
        lo, hi = a.range
        if lo > hi:
            raise OpError('Error in operator _histogram: left hand side of range(%s) should be '
                          'less than or equal to right hand side(%s)' % (lo, hi))
        if lo == hi:
            lo, hi = lo - 0.5, hi + 0.5
        cnt = a.bin_cnt
        if cnt < 0:
            raise OpError('Error in operator _histogram: bin_cnt must be non-negative, got %d'
                          % cnt)
        steps = torch.arange(cnt + 1, dtype=torch.float64, device=data.device)
        e64 = lo + steps * ((hi - lo) / cnt) if cnt > 0 else torch.full((1,), math.nan,
                                                                         dtype=torch.float64)
        if cnt > 0:
            e64[-1] = hi
        edges = e64.to(data.dtype)
        lo_ok = flat >= lo if data.dtype.is_floating_point else flat.double() >= lo
        hi_ok = flat <= hi if data.dtype.is_floating_point else flat.double() <= hi
    if cnt <= 0:
        return torch.zeros((0,), dtype=torch.int64, device=data.device), edges.clone()
    keep = flat[lo_ok & hi_ok]
    inner = edges[1:-1].contiguous()
    idx = torch.bucketize(keep, inner, right=True)
    counts = torch.bincount(idx, minlength=cnt)[:cnt].to(torch.int64)
    return counts, edges.clone()


# ---------------------------------------------------------------------------------------------
# khatri_rao

@register('khatri_rao', variadic='num_args', differentiable=False, no_gradient=True,
          num_args=Param(Int, doc='Number of input matrices.'))
def khatri_rao(a, *args):
    """Computes the Khatri-Rao product (column-wise Kronecker product) of the input matrices.

    Every input is 2-D with the same number of columns ``c``; for inputs of shapes
    ``(r1, c), ..., (rN, c)`` the result has shape ``(r1*...*rN, c)``, the first input's row
    index varying slowest.

    Example::

        A = [[1, -1], [2, -3]]
        B = [[1, 4], [2, 5], [3, 6]]
        khatri_rao(A, B) = [[1, -4], [2, -5], [3, -6], [2, -12], [4, -15], [6, -18]]
    """
    if not args:
        raise OpError('Error in operator khatri_rao: needs at least one input')
    dt = args[0].dtype
    if dt not in _FLOAT:
        raise OpError('Error in operator khatri_rao: only float32 and float64 are supported, '
                      'got %s' % dtype_name(dt))
    c = None
    for i, t in enumerate(args):
        if t.dtype != dt:
            raise OpError('Error in operator khatri_rao: Incompatible attr at %d-th input: '
                          'expected %s, got %s' % (i, dtype_name(dt), dtype_name(t.dtype)))
        if t.dim() != 2:
            raise OpError('Error in operator khatri_rao: every input must be 2-D, got shapes %s'
                          % ' '.join(_shp(x) for x in args))
        if c is None:
            c = t.shape[1]
        elif t.shape[1] != c:
            raise OpError('Error in operator khatri_rao: all inputs must have the same number '
                          'of columns, got shapes %s' % ' '.join(_shp(x) for x in args))
    out = args[0]
    for t in args[1:]:
        out = (out.unsqueeze(1) * t.unsqueeze(0)).reshape(-1, c)
    out = out.detach().clone() if len(args) == 1 else out.detach()
    if torch.is_grad_enabled() and any(t.requires_grad for t in args):
        return _NoGradient.apply(out, *args)
    return out


class _NoGradient(torch.autograd.Function):
    """Marks khatri_rao's output as part of the graph; backward raises as MXNet does."""

    @staticmethod
    def forward(ctx, out, *inputs):
        return out.view_as(out)

    @staticmethod
    def backward(ctx, *grads):
        raise OpError("Operator khatri_rao is non-differentiable because it didn't register "
                      "FGradient attribute.")
