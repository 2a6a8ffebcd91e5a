"""NDArray creation and the module-level array helpers of ``mxnet.ndarray.ndarray``.

Creation: ``array``, ``empty``, ``zeros``, ``ones``, ``full``, ``*_like``, ``arange``,
``linspace``, ``eye``, ``from_numpy``, ``from_dlpack``, ``to_dlpack_for_*`` and their helpers
(``_creation``, ``_fill_out``, ``_creation_kwargs``, ``_legacy_known_shape``,
``_check_stype``). Module-level helpers: ``moveaxis``, ``onehot_encode``, ``split_v2``,
``concatenate``, ``histogram``, ``imdecode``, ``waitall``.

Imports only ``_handle`` and the ``_internal`` namespace among the NDArray modules; ``_arith``
and ``ndarray`` import it. Two modules above install what it calls (see the package order in
``mxnet/ndarray/__init__.py``): op.py the global ``_op`` (``zeros_like``, ``ones_like``,
``moveaxis``), sparse.py ``_sparse_array`` and ``_sparse_zeros`` (sparse sources and storage
types).
"""
import numpy as np
import torch

from .. import engine as _engine

from ..base import MXNetError, np_dtype, torch_dtype, _NP_TO_TORCH, integer_types
from ._handle import (NDArray, _wrap, _opctx, _to_tensor_device, _assign, _scalar_for,
                      _no_grad)
from . import _internal

# installed by the modules above (op.py, sparse.py) when they load
_op = None              # the module mxnet.ndarray.op
_sparse_array = None    # sparse.array
_sparse_zeros = None    # sparse.zeros


# ---------------------------------------------------------------------------------------------
# creation
def array(source_array, ctx=None, dtype=None):
    """Create an NDArray from any array-like.

    The dtype is float32 unless ``dtype`` is given or the source is an NDArray (MXNet's rule:
    numpy float64 sources become float32 too).
    """
    if (type(source_array) is not NDArray and isinstance(source_array, NDArray)) or \
            hasattr(source_array, 'tocsr'):  # a sparse NDArray or a scipy sparse matrix
        return _sparse_array(source_array, ctx=ctx, dtype=dtype)
    ctx, dev = _to_tensor_device(ctx)
    try:
        if isinstance(source_array, NDArray):
            td = source_array._data.dtype if dtype is None else torch_dtype(dtype)
            with _no_grad():
                t = source_array._data.detach().to(device=dev, dtype=td, copy=True)
        elif isinstance(source_array, torch.Tensor):
            td = torch.float32 if dtype is None else torch_dtype(dtype)
            t = source_array.detach().to(device=dev, dtype=td, copy=True)
        else:
            npd = np.float32 if dtype is None else np_dtype(dtype)
            try:
                src = np.asarray(source_array, dtype=npd)
            except (ValueError, TypeError) as e:
                raise MXNetError('array: cannot convert %s to an NDArray of %s: %s'
                                 % (type(source_array).__name__, np.dtype(npd).name, e)) \
                    from None
            if not src.flags.c_contiguous:  # (np.ascontiguousarray would make a 0-d source 1-d)
                src = np.ascontiguousarray(src)
            if not src.flags.writeable:  # a read-only buffer (np.frombuffer): torch may not wrap
                src = src.copy()
            t = torch.from_numpy(src)
            if src is source_array or not src.flags.owndata or dev.type != 'cpu':
                t = t.to(dev, copy=True)
    except MXNetError:
        raise
    except (MemoryError, RuntimeError) as e:  # out of memory, size overflow
        from .._alloc import op_error
        raise op_error('array', getattr(source_array, 'shape', None),
                       np.float32 if dtype is None else dtype, e) from None
    return _wrap(t, ctx._tag)


def _creation(shape, ctx, dtype, fn, op=None):
    ctx, dev = _to_tensor_device(ctx)
    if isinstance(shape, integer_types):
        shape = (int(shape),)
    else:
        try:
            shape = tuple(int(s) for s in shape)
        except (TypeError, ValueError, OverflowError):  # NaN, inf, non-numbers: say which
            from .._alloc import check_shape
            shape = check_shape(op or fn.__name__, shape)
    if any(s < 0 for s in shape):
        raise MXNetError('shape %s has a negative dimension' % (shape,))
    td = torch_dtype(dtype)
    if _E.profile is not None:
        t0 = _engine.now_ns()
    try:
        t = fn(shape, dtype=td, device=dev)
    except (RuntimeError, TypeError, MemoryError) as e:  # out of memory, size overflow
        from .._alloc import op_error
        raise op_error(op or fn.__name__, shape, td, e) from None
    if _E.profile is not None:   # the profiler: MXNet's creation ops (_zeros, _ones, ...)
        _engine.report(_CREATION_OPS.get(op or fn.__name__, op or fn.__name__), t0,
                       _engine.now_ns())
    return _wrap(t, ctx._tag)


_E = _engine.E
_CREATION_OPS = {'zeros': '_zeros', 'ones': '_ones', 'empty': '_empty', 'full': '_full'}


def empty(shape, ctx=None, dtype=None, stype=None):
    """An uninitialised array (float32 by default); a sparse ``stype`` gives an all-zero
    sparse array, as in MXNet."""
    if stype is not None and stype != 'default':
        return _sparse_zeros(stype, shape, ctx=ctx, dtype=dtype)
    return _creation(shape, ctx, dtype, torch.empty)


def _fill_out(out, shape, value):
    """Creation with ``out=``: fill ``out`` (whose shape must be ``shape``) and return it."""
    if not isinstance(out, NDArray):
        raise TypeError('out must be an NDArray, got %s' % type(out).__name__)
    shape = (int(shape),) if isinstance(shape, integer_types) else tuple(int(d) for d in shape)
    if out.shape != shape:
        raise MXNetError('Shape inconsistent, Provided = [%s], inferred shape=[%s]'
                         % (','.join(map(str, out.shape)), ','.join(map(str, shape))))
    _assign(out, _scalar_for(out._data, value))
    return out


def _creation_kwargs(kwargs, fn):
    # name and __attr__ keys (gluon.rnn's begin_state passes __layout__) are accepted, unused
    bad = [k for k in kwargs if k not in ('out', 'name') and
           not (k.startswith('__') and k.endswith('__'))]
    if bad:
        raise MXNetError('Cannot find argument \'%s\' of operator %s' % (bad[0], fn))


def _legacy_known_shape(shape, op):
    """Outside ``np_shape()``, MXNet 1.x reads a 0 dimension (and the shape ``()``) as
    'unknown': its ``_zeros`` / ``_ones`` then fail shape inference."""
    from ..util import is_np_shape
    dims = (shape,) if isinstance(shape, integer_types) else tuple(shape)
    if not is_np_shape() and (not dims or any(d == 0 for d in dims)):
        raise MXNetError('Operator %s inferring shapes failed.\noutput shapes:\n[%s]\n'
                         'shape : %s' % (op, ','.join('-1' if d == 0 else str(d) for d in dims),
                                         dims))


def zeros(shape, ctx=None, dtype=None, stype=None, **kwargs):
    """An array of zeros (float32 by default); ``out=`` fills an existing array instead."""
    if stype is not None and stype != 'default':
        return _sparse_zeros(stype, shape, ctx=ctx, dtype=dtype, **kwargs)
    _legacy_known_shape(shape, '_zeros')
    if kwargs:
        _creation_kwargs(kwargs, '_zeros')
        if kwargs.get('out') is not None:
            return _fill_out(kwargs['out'], shape, 0)
    return _creation(shape, ctx, dtype, torch.zeros)


def ones(shape, ctx=None, dtype=None, stype=None, **kwargs):
    """An array of ones (float32 by default); ``out=`` fills an existing array instead."""
    _check_stype(stype)
    if stype is not None and stype != 'default':
        return ones(shape, ctx, dtype, **kwargs).tostype(stype)
    _legacy_known_shape(shape, '_ones')
    if kwargs:
        _creation_kwargs(kwargs, '_ones')
        if kwargs.get('out') is not None:
            return _fill_out(kwargs['out'], shape, 1)
    return _creation(shape, ctx, dtype, torch.ones)


def full(shape, val, ctx=None, dtype=np.float32, out=None):
    """An array filled with ``val``; ``out=`` fills an existing array instead."""
    if out is not None:
        return _fill_out(out, shape, val)
    res = _creation(shape, ctx, dtype, torch.empty, 'full')
    res._data.fill_(_scalar_for(res._data, val))
    return res


def _check_stype(stype):
    if stype not in (None, 'default', 'csr', 'row_sparse'):
        raise MXNetError("unknown storage type '%s'" % stype)


def zeros_like(data, **kwargs):
    return _op.zeros_like(data, **kwargs)


def ones_like(data, **kwargs):
    return _op.ones_like(data, **kwargs)


def full_like(data, fill_value, **kwargs):
    r = _wrap(torch.full_like(data._data.detach(), _scalar_for(data._data, fill_value)),
              _opctx(data))
    return r


def arange(start, stop=None, step=1.0, repeat=1, infer_range=None, ctx=None, dtype=np.float32):
    """Evenly spaced values in [start, stop); each value repeated ``repeat`` times."""
    if stop is None:
        start, stop = 0, start
    ctx, dev = _to_tensor_device(ctx)
    if step == 0:
        raise MXNetError('arange: step must not be 0')
    try:
        n = int(np.ceil((stop - start) / step))
    except (ValueError, OverflowError, TypeError):
        raise MXNetError('arange: start=%r, stop=%r, step=%r do not give a finite number of '
                         'values' % (start, stop, step)) from None
    n = max(n, 0)
    td = torch_dtype(dtype)
    try:
        if td.is_floating_point:
            vals = torch.arange(n, dtype=torch.float64) * float(step) + float(start)
        else:  # MXNet casts start and step to the integer dtype: arange(1.3, 9, 1.3) -> 1..7
            vals = torch.arange(n, dtype=torch.int64) * int(step) + int(start)
        if repeat != 1:
            vals = vals.repeat_interleave(int(repeat))
        vals = vals.to(device=dev, dtype=td)
    except (RuntimeError, TypeError, MemoryError) as e:  # out of memory, size overflow
        from .._alloc import op_error
        raise op_error('arange', (n * (int(repeat) if repeat != 1 else 1),), td, e) from None
    return _wrap(vals, ctx._tag)


def linspace(start, stop, num, endpoint=True, ctx=None, dtype=np.float32):
    ctx, dev = _to_tensor_device(ctx)
    from .._alloc import check_shape
    num = check_shape('linspace', (num,))[0] if not isinstance(num, int) else int(num)
    td = torch_dtype(dtype)
    try:
        if endpoint:
            vals = torch.linspace(float(start), float(stop), num, dtype=torch.float64)
        else:
            vals = torch.linspace(float(start), float(stop), num + 1, dtype=torch.float64)[:num]
        vals = vals.to(device=dev, dtype=td)
    except (RuntimeError, TypeError, MemoryError) as e:  # out of memory, size overflow
        from .._alloc import op_error
        raise op_error('linspace', (num,), td, e) from None
    return _wrap(vals, ctx._tag)


def eye(N, M=0, k=0, ctx=None, dtype=np.float32, **kwargs):
    ctx, dev = _to_tensor_device(ctx)
    M = N if not M else M
    td = torch_dtype(dtype)
    try:
        t = torch.zeros((N, M), dtype=td, device=dev)
    except (RuntimeError, TypeError, MemoryError) as e:  # out of memory, size overflow
        from .._alloc import op_error
        raise op_error('eye', (N, M), td, e) from None
    d = torch.ones(max(0, min(N, M - k) if k >= 0 else min(N + k, M)), dtype=t.dtype, device=dev)
    if d.numel():
        t.diagonal(k).copy_(d)
    return _wrap(t, ctx._tag)


def from_numpy(ndarray, zero_copy=True):
    """An NDArray of a numpy array's dtype and values.

    With ``zero_copy`` (the default) the NDArray shares the numpy array's memory, which must be
    C-contiguous (ValueError otherwise); as in MXNet the numpy array is made read-only, so
    that only the NDArray writes the memory they share. Without it the values are copied.
    """
    if not isinstance(ndarray, np.ndarray):
        raise MXNetError('from_numpy expects a numpy.ndarray')
    if not zero_copy:
        return array(ndarray, dtype=ndarray.dtype)
    if not ndarray.flags.c_contiguous:
        raise ValueError('Only c-contiguous arrays are supported for zero-copy')
    if ndarray.dtype not in _NP_TO_TORCH:
        raise ValueError('%s is not supported.' % ndarray.dtype)
    if ndarray.flags.writeable:
        t = torch.from_numpy(ndarray)
        ndarray.flags.writeable = False
    else:  # torch warns about wrapping a read-only array; the memory is the same
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter('ignore', UserWarning)
            t = torch.from_numpy(ndarray)
    return _wrap(t)


def from_dlpack(dlpack):
    return _wrap(torch.utils.dlpack.from_dlpack(dlpack))


def to_dlpack_for_read(data):
    return data.to_dlpack_for_read()


def to_dlpack_for_write(data):
    return data.to_dlpack_for_write()


def _normalize_axes(axes, ndim, what):
    """numpy's normalize_axis_tuple: ints in [-ndim, ndim) made non-negative, no repeats
    (ValueError otherwise)."""
    axes = [axes] if isinstance(axes, integer_types) else list(axes)
    out = []
    for a in axes:
        a = int(a)
        if not -ndim <= a < ndim:
            raise ValueError('%s should verify -%d <= axis < %d, got %d' % (what, ndim, ndim, a))
        out.append(a % ndim)
    if len(set(out)) != len(out):
        raise ValueError('repeated axis in `%s` argument' % what.lower())
    return out


def moveaxis(tensor, source, destination):
    """Move axes of an array to new positions (numpy's moveaxis; the others keep their order).

    ``source`` and ``destination`` are ints or sequences of ints of the same length; an axis
    out of range, a repeated axis or a length mismatch raises ValueError."""
    source = _normalize_axes(source, tensor.ndim, 'Source')
    destination = _normalize_axes(destination, tensor.ndim, 'Destination')
    if len(source) != len(destination):
        raise ValueError('`source` and `destination` arguments must have the same number of '
                         'elements')
    order = [n for n in range(tensor.ndim) if n not in source]
    for dest, src in sorted(zip(destination, source)):
        order.insert(dest, src)
    return _op.transpose(tensor, axes=order)


def onehot_encode(indices, out):
    """Legacy: one-hot encode ``indices`` into ``out`` (shape (n, depth))."""
    depth = out.shape[1]
    oh = torch.nn.functional.one_hot(indices._data.long(), depth).to(out._data.dtype)
    _assign(out, oh)
    return out


def split_v2(ary, indices_or_sections, axis=0, squeeze_axis=False):
    """Split an array into multiple sub-arrays (``mx.nd.split_v2``).

    ``indices_or_sections`` is an int N (N equal parts along ``axis``; an error if the axis
    length is not divisible by N) or a tuple of sorted split points (``(2, 3)`` gives
    ``ary[:2]``, ``ary[2:3]``, ``ary[3:]`` along ``axis``). ``squeeze_axis`` removes the split
    axis from the outputs when each has length 1 there.
    """
    axis_size = ary.shape[axis]
    if isinstance(indices_or_sections, int):
        sections = indices_or_sections
        if axis_size % sections:
            raise ValueError('array split does not result in an equal division')
        section_size = int(axis_size / sections)
        indices = [i * section_size for i in range(sections)]
    elif isinstance(indices_or_sections, tuple):
        indices = [0] + list(indices_or_sections)
    else:
        raise ValueError('indices_or_sections must either int or tuple of ints')
    return _internal._split_v2(ary, indices, axis, squeeze_axis)


def concatenate(arrays, axis=0, always_copy=True):
    if not arrays:
        raise MXNetError('concatenate: no arrays')
    if not always_copy and len(arrays) == 1:
        return arrays[0]
    return _wrap(torch.cat([a._data for a in arrays], dim=axis), _opctx(arrays[0]))


def histogram(a, bins=10, range=None):
    """Histogram of ``a``: ``bins`` is an int (with ``range``) or an NDArray of bin edges.

    Returns (counts, edges). Without ``range``, an int ``bins`` uses numpy's histogram (as
    MXNet does, warning about it)."""
    if isinstance(bins, NDArray):
        return _internal._histogram(data=a, bins=bins)
    if isinstance(bins, (int, np.integer)):
        if range is None:
            import warnings
            warnings.warn("range is not specified, using numpy's result to ensure consistency "
                          "with numpy")
            res, edges = np.histogram(a.asnumpy(), bins=bins)
            return array(res), array(edges)
        return _internal._histogram(data=a, bin_cnt=bins, range=range)
    raise ValueError('bins argument should be either an integer or an NDArray')


def imdecode(*args, **kwargs):
    raise MXNetError('nd.imdecode is not implemented in remx; use mx.image.imdecode')


def waitall():
    """Wait until every pending operation has finished (CUDA streams synchronised); raises
    the first error of a failed operator not raised yet."""
    _engine.wait_all()
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        torch.cuda.synchronize()

