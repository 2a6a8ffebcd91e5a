"""Array-creation operators (no array inputs): _zeros, _ones, _full, _arange, _eye, ...,
and the *_like family."""
import numpy as np
import torch

from .registry import register, Param
from .params import Shape, Ctx, Dtype, Float, Int, OptFloat, Bool, Str
from ..base import torch_dtype
from ..context import current_context


def _shp(a):
    """The output shape; a symbol's -1 dims (unknown, filled by shape inference before the
    graph runs) stand as 0 while shapes are inferred; other negative dims are errors."""
    if any(d < -1 for d in a.shape):
        from ..base import MXNetError
        raise MXNetError('shape dim size must be >= -1 (a negative size is not a shape), '
                         'while received %s' % (tuple(a.shape),))
    return tuple(0 if d < 0 else d for d in a.shape)


def _dev(a):
    """torch device of a creation op (ctx=None means the current default context)."""
    return (a.ctx or current_context()).torch_device


_CREATION = dict(shape=Param(Shape, (), 'The shape of the output'),
                 ctx=Param(Ctx, None, 'Context of output, in format [cpu|gpu|cpu_pinned](n).'),
                 dtype=Param(Dtype, 'float32', 'Target data type.'))


@register('_zeros', inputs=(), creation=True, dynamic_shape=True, **_CREATION)
def _zeros(a):
    """Fill target with zeros."""
    return torch.zeros(_shp(a), dtype=torch_dtype(a.dtype), device=_dev(a))


@register('_zeros_without_dtype', inputs=(), creation=True, dynamic_shape=True,
          shape=_CREATION['shape'],
          ctx=_CREATION['ctx'], dtype=Param(Dtype, None))
def _zeros_without_dtype(a):
    """Fill target with zeros (dtype defaults to float32)."""
    return torch.zeros(_shp(a), dtype=torch_dtype(a.dtype), device=_dev(a))


@register('_ones', inputs=(), creation=True, dynamic_shape=True, **_CREATION)
def _ones(a):
    """Fill target with ones."""
    return torch.ones(_shp(a), dtype=torch_dtype(a.dtype), device=_dev(a))


@register('_full', inputs=(), creation=True, dynamic_shape=True,
          value=Param(Float, doc='Value with which to fill'), **_CREATION)
def _full(a):
    """Fill target with a scalar value."""
    td = torch_dtype(a.dtype)
    v = a.value if td.is_floating_point else int(a.value)
    return torch.full(_shp(a), v, dtype=td, device=_dev(a))


@register('_arange', inputs=(), creation=True, start=Param(Float, doc='Start of interval.'),
          stop=Param(OptFloat, None, 'End of interval.'), step=Param(Float, 1.0, 'Spacing'),
          repeat=Param(Int, 1, 'The repeating time of all elements.'),
          infer_range=Param(Bool, False, 'unused'),
          ctx=_CREATION['ctx'], dtype=_CREATION['dtype'])
def _arange(a):
    """Return evenly spaced values within a given interval."""
    start, stop = a.start, a.stop
    if stop is None:
        start, stop = 0.0, start
    n = max(int(np.ceil((stop - start) / a.step)), 0)
    td = torch_dtype(a.dtype)
    if td.is_floating_point:
        vals = torch.arange(n, dtype=torch.float64) * a.step + start
    else:
        # MXNet casts start and step to the integer dtype first: arange(1.3, 10.6, 1.3) -> 1..8
        vals = torch.arange(n, dtype=torch.int64) * int(a.step) + int(start)
    if a.repeat != 1:
        vals = vals.repeat_interleave(a.repeat)
    return vals.to(device=_dev(a), dtype=torch_dtype(a.dtype))


@register('_linspace', inputs=(), creation=True, start=Param(Float), stop=Param(OptFloat, None),
          step=Param(Float, 1.0), repeat=Param(Int, 1), infer_range=Param(Bool, False),
          ctx=_CREATION['ctx'], dtype=_CREATION['dtype'])
def _linspace(a):
    """Evenly spaced values (legacy op form of arange)."""
    return _arange.opdef.fn(a)


@register('_eye', inputs=(), creation=True, N=Param(Int, doc='Number of rows in the output.'),
          M=Param(Int, 0, 'Number of columns in the output. If 0, defaults to N'),
          k=Param(Int, 0, 'Index of the diagonal.'), ctx=_CREATION['ctx'],
          dtype=_CREATION['dtype'])
def _eye(a):
    """Return a 2-D array with ones on the k-th diagonal and zeros elsewhere."""
    M = a.M or a.N
    t = torch.zeros((a.N, M), dtype=torch_dtype(a.dtype), device=_dev(a))
    d = t.diagonal(a.k)
    if d.numel():
        d.fill_(1)
    return t


@register('zeros_like', shape_rule='unary', monitor_indexed_inputs=True,
          monitor_indexed_outputs=True)
def zeros_like(a, data):
    """Return an array of zeros with the same shape, type and storage type as the input."""
    return torch.zeros_like(data, requires_grad=False)


@register('ones_like', shape_rule='unary', monitor_indexed_inputs=True,
          monitor_indexed_outputs=True)
def ones_like(a, data):
    """Return an array of ones with the same shape and type as the input array."""
    return torch.ones_like(data, requires_grad=False)


@register('_full_like', fill_value=Param(Float, doc='Value with which to fill.'),
          ctx=Param(Str, ''), dtype=Param(Dtype, None))
def _full_like(a, data):
    """An array of fill_value with the shape of data."""
    td = data.dtype if a.dtype is None else torch_dtype(a.dtype)
    v = a.fill_value if td.is_floating_point else int(a.fill_value)
    return torch.full(data.shape, v, dtype=td, device=data.device)
