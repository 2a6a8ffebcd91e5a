"""NDArray.__getitem__ / __setitem__ with MXNet 1.x semantics.

Basic keys (integers, slices, None, Ellipsis) that select one contiguous block of the source's
memory (``slice_is_contiguous``) return views that share it, as MXNet's flat ``_slice`` does;
other basic keys return copies (MXNet's ``slice`` op). Integer-array and
NDArray keys use numpy's advanced-indexing rules. As in MXNet 1.x (no 0-d arrays), a key that
selects a single element yields shape (1,).

NDArray's indexing methods are this module's functions: ``_install()`` (at the end) sets
``NDArray.__getitem__`` (:func:`getitem`), ``__setitem__`` (:func:`setitem`), ``slice_assign``
and ``_basic_indexing_slice_is_contiguous`` on the class, which sits below this module
(``_handle.py``).
"""
import numpy as np
import torch

from ..base import MXNetError, integer_types, numeric_types
from .. import _state, engine as _engine
from ._handle import engine_call as _engine_call, before_write as _before_write
from .ndarray import (NDArray, _wrap, _assign, _scalar_for, _opctx, _ASSIGN_IN_GRAPH,
                      _INPLACE_RECORDING, _slices)
from .._tape import (record as _record, INT_GRAD as _INT_GRAD, proxy as _proxy,
                     set_proxy as _set_proxy, in_graph as _in_graph)

_STATE = _state.state
_E = _engine.E


class IndexOutOfRange(MXNetError, IndexError):
    """Out-of-range index (an MXNetError that is also an IndexError, for iteration)."""


def _is_basic(k):
    return k is None or k is Ellipsis or isinstance(k, (slice, integer_types))


def _convert(k, dev):
    """Convert one key entry to something torch indexing accepts."""
    if isinstance(k, NDArray):
        t = k._data
        return t if t.dtype in (torch.int64, torch.bool) else t.long()
    if isinstance(k, np.ndarray):
        return torch.from_numpy(k.astype(np.int64) if k.dtype != np.bool_ else k).to(dev)
    if isinstance(k, (list, tuple, range)):  # a tuple inside a key is an index array
        return torch.tensor(np.asarray(k, dtype=np.int64), device=dev)
    if isinstance(k, torch.Tensor):
        return k
    if isinstance(k, np.integer):
        return int(k)
    if _is_basic(k):
        return k
    raise MXNetError('NDArray does not support index type %s' % type(k).__name__)


def _check_ints(key, shape):
    """Raise IndexOutOfRange for integer keys outside their axis."""
    axis = 0
    n_real = sum(1 for k in key if k is not None and k is not Ellipsis)
    for k in key:
        if k is Ellipsis:
            axis += len(shape) - n_real
            continue
        if k is None:
            continue
        if isinstance(k, integer_types):
            if axis >= len(shape):
                raise IndexOutOfRange('too many indices for array with %d dimensions'
                                      % len(shape))
            size = shape[axis]
            if not -size <= k < size:
                raise IndexOutOfRange('index %d is out of bounds for axis %d with size %d'
                                      % (k, axis, size))
        axis += 1
    if n_real > len(shape):
        raise IndexOutOfRange('too many indices (%d) for array of shape %s' % (n_real, shape))


def _normalise(key):
    return key if isinstance(key, tuple) else (key,)


def slice_is_contiguous(slc_key, shape):
    """Whether indexing an array of ``shape`` with ``slc_key`` (one ``slice`` per axis) selects
    one contiguous block of its memory (MXNet's ``_basic_indexing_slice_is_contiguous``).

    The rule: an empty or single-element selection is contiguous; otherwise, going from the
    last axis to the first, a slice taking several elements must have step 1, and once an
    axis takes a proper subset every axis before it may take at most one element."""
    lens = [len(range(*slc.indices(n))) for slc, n in zip(slc_key, shape)]
    total = 1
    for k in lens:
        total *= k
    if total <= 1:
        return True
    is_subset = False
    for slc, n, k in zip(reversed(slc_key), reversed(shape), reversed(lens)):
        step = slc.indices(n)[2]
        if k > 1 and step != 1:
            return False
        if is_subset:
            if k > 1:
                return False
        elif k < n:
            is_subset = True
    return True


def _expand_key(keys, ndim):
    """The slices (integers as one-element slices) a basic key takes on each axis, or None
    when the key has more real entries than the array has axes."""
    n_real = sum(1 for k in keys if k is not None and k is not Ellipsis)
    out = []
    for k in keys:
        if k is Ellipsis:
            out.extend([slice(None)] * (ndim - n_real))
        elif k is None:
            continue
        elif isinstance(k, slice):
            out.append(k)
        else:
            k = int(k)
            out.append(slice(k, k + 1) if k != -1 else slice(-1, None))
    if len(out) > ndim:
        return None
    out.extend([slice(None)] * (ndim - len(out)))
    return out


def _positive_steps(keys, shape):
    """Rewrite negative-step slices (torch has none) as positive ones plus dims to flip."""
    if not any(isinstance(k, slice) and k.step is not None and k.step < 0 for k in keys):
        return keys, ()
    n_real = sum(1 for k in keys if k is not None and k is not Ellipsis)
    out, flips = [], []
    axis = 0   # input axis
    odim = 0   # output dim
    for k in keys:
        if k is Ellipsis:
            span = len(shape) - n_real
            axis += span
            odim += span
            out.append(k)
        elif k is None:
            odim += 1
            out.append(k)
        elif isinstance(k, slice):
            if k.step is not None and k.step < 0:
                idx = range(shape[axis])[k]
                if len(idx) > 1:
                    out.append(slice(idx[-1], idx[0] + 1, -k.step))
                    flips.append(odim)
                elif idx:
                    out.append(slice(idx[0], idx[0] + 1))
                else:
                    out.append(slice(0, 0))
            else:
                out.append(k)
            axis += 1
            odim += 1
        else:
            out.append(k)
            axis += 1
    return tuple(out), tuple(flips)


def _flip_negative(keys, shape):
    """For an advanced key (torch has no negative steps): the key in the coordinates of the
    array flipped along the axes of its negative-step slices, and those axes."""
    n_real = sum(1 for k in keys if k is not None and k is not Ellipsis)
    out, flips = [], []
    axis = 0
    for k in keys:
        if k is Ellipsis:
            axis += len(shape) - n_real
        elif k is None:
            pass
        else:
            if isinstance(k, slice) and k.step is not None and k.step < 0 and axis < len(shape):
                n = shape[axis]
                idx = range(n)[k]
                k = slice(n - 1 - idx[0], n - idx[-1], -k.step) if idx else slice(0, 0)
                flips.append(axis)
            axis += 1
        out.append(k)
    return tuple(out), tuple(flips)


def getitem(arr, key):
    if _E.slow:  # the engine's path: a failure on arr goes on to the result, profiling
        return _engine_call('slice', lambda arrs: _getitem_now(arrs[0], key), [arr], arr._ctx,
                            False)
    return _getitem_now(arr, key)


def _getitem_now(arr, key):
    out = _getitem(arr, key, True)
    if _STATE.recording and _INT_GRAD[0]:
        p = _proxy(arr)  # an integer variable's indexing is replayed on its float proxy
        if p is not None:
            _set_proxy(out, _getitem(_wrap(p), key, False)._data)
    return out


def _getitem(arr, key, rec):
    """arr[key]; ``rec``: note the operation for autograd.get_symbol while recording."""
    t = arr._data
    if t.requires_grad and not _STATE.recording:
        t = t.detach()  # outside record() results are constants (views still share memory)
    shape = tuple(t.shape)
    # fast paths: x[i], x[a:b] on axis 0 -> views
    if isinstance(key, integer_types) and not isinstance(key, bool):
        if t.dim() == 0:
            raise IndexOutOfRange('cannot index a 0-d array')
        n = shape[0]
        if not -n <= key < n:
            raise IndexOutOfRange('index %d is out of bounds for axis 0 with size %d' % (key, n))
        k = key % n
        if t.dim() == 1:
            out = _wrap(t[k:k + 1], arr._ctx)
            if rec and _STATE.recording and t.requires_grad:
                _record_slice(arr, out, str(k), str(k + 1), None, False)
            return out
        out = _wrap(t[key], arr._ctx)
        if rec and _STATE.recording and t.requires_grad:
            _record_slice(arr, out, str(k), str(k + 1), None, True)
        return out
    if isinstance(key, slice) and (key.step is None or key.step == 1):
        out = _wrap(t[key], arr._ctx)
        if rec and _STATE.recording and t.requires_grad:
            b, e, _ = key.indices(shape[0]) if shape else (0, 0, 1)
            _record_slice(arr, out, str(b), str(max(b, e)), None, False)
        return out
    keys = _normalise(key)
    if all(_is_basic(k) for k in keys):
        _check_ints(keys, shape)
        contiguous = slice_is_contiguous(_expand_key(keys, len(shape)), shape)
        keys, flips = _positive_steps(keys, shape)
        r = t[keys]
        if flips:
            r = r.flip(flips)
        if r.dim() == 0:
            r = r.reshape(1)
        if contiguous:
            # MXNet returns a view on the block of memory the key selects
            out = _wrap(r, arr._ctx)
        else:
            # MXNet's slice op copies (mutating the result leaves the source alone)
            out = _wrap(r.clone(), _opctx(arr))
        if rec and _STATE.recording and t.requires_grad and not flips:
            _record_basic(arr, out, keys, isinstance(key, tuple))
        return out
    dev = t.device
    keys, flips = _flip_negative(keys, shape)
    if flips:
        t = t.flip(flips)
    tk = tuple(_convert(k, dev) for k in keys)
    try:
        r = t[tk if len(tk) > 1 else tk[0]]
    except IndexError as e:
        raise IndexOutOfRange('index error in NDArray of shape %s: %s' % (shape, e)) from None
    except RuntimeError as e:
        raise MXNetError('invalid index for NDArray of shape %s: %s' % (shape, e)) from None
    if r.dim() == 0:
        r = r.reshape(1)
    return _wrap(r, _opctx(arr))


def _record_slice(arr, out, begin, end, step, reshape):
    """Record x[key] as MXNet does: a ``slice`` op, then ``Reshape`` when an integer key
    dropped axes."""
    attrs = {'begin': begin, 'end': end}
    if step is not None:
        attrs['step'] = step
    if not reshape:
        _record('slice', attrs, (arr,), (out,))
        return
    mid = _wrap(None)
    _record('slice', attrs, (arr,), (mid,))
    _record('Reshape', {'shape': '[%s]' % ','.join(str(d) for d in out.shape)}, (mid,), (out,))


def _record_basic(arr, out, keys, is_tuple):
    """Record int / slice keys (no None or Ellipsis) as slice, plus Reshape for a tuple key
    or an integer key (as MXNet 1.9.1 records them)."""
    if any(k is None or k is Ellipsis for k in keys):
        return
    shape = arr.shape
    begin, end, step = [], [], []
    has_int = False
    for ax in range(len(shape)):
        k = keys[ax] if ax < len(keys) else slice(None)
        if isinstance(k, slice):
            begin.append(k.start)
            end.append(k.stop)
            step.append(k.step)
        else:
            k = int(k) % shape[ax]
            begin.append(k)
            end.append(k + 1)
            step.append(None)
            has_int = True
    _record_slice(arr, out, str(tuple(begin)), str(tuple(end)), str(tuple(step)),
                  has_int or is_tuple)


def _is_whole(keys, shape):
    """Whether a basic key selects the whole array with positive steps (MXNet then copies the
    value over the array instead of running a slice-assign operator)."""
    slices = _expand_key(keys, len(shape))
    for slc, n in zip(slices, shape):
        start, stop, step = slc.indices(n)
        if step < 0 or len(range(start, stop, step)) != n:
            return False
    return True


def _check_recorded_write(arr, value, whole):
    """MXNet's checks on writing into ``arr`` while recording: an array in the graph (a
    variable or a recorded result) cannot be assigned to; a slice of one cannot take a value
    from the graph (only a whole-array copy can, and that puts ``arr`` in the graph)."""
    if _in_graph(arr):
        raise MXNetError(_ASSIGN_IN_GRAPH)
    if not whole and isinstance(value, NDArray) and _in_graph(value):
        raise MXNetError(_INPLACE_RECORDING)


def _fit_value(v, dst_shape, shape, key):
    """The value tensor broadcast to ``dst_shape`` (what ``key`` selects in an array of
    ``shape``) as MXNet's _prepare_value_nd does: leading axes of size 1 beyond the target's
    are dropped, and a value of the same size but another shape is reshaped."""
    while v.dim() > len(dst_shape) and v.shape[0] == 1:
        v = v[0]
    try:
        return torch.broadcast_to(v, dst_shape)
    except RuntimeError:
        if v.numel() != int(np.prod(dst_shape)):
            raise MXNetError('cannot assign value of shape %s to NDArray of shape %s at %r'
                             % (tuple(v.shape), shape, key)) from None
        return v.reshape(dst_shape)


def setitem(arr, key, value):
    if _E.slow:
        _before_write(arr)
        if isinstance(value, NDArray):
            cell = _engine.failure_in([value])
            if cell is not None:   # what is written carries the failure on to arr
                _engine.mark_failed([arr], cell)
    t = arr._data
    if isinstance(value, NDArray):
        v = value._data
        if v.device != t.device:
            v = v.to(t.device)
    elif isinstance(value, numeric_types) or isinstance(value, (bool, np.bool_)):
        v = _scalar_for(t, value)
    elif isinstance(value, np.ndarray):
        v = torch.from_numpy(np.ascontiguousarray(value)).to(device=t.device, dtype=t.dtype)
    elif isinstance(value, (list, tuple)):
        v = torch.tensor(np.asarray(value), dtype=t.dtype, device=t.device)
    elif isinstance(value, torch.Tensor):
        v = value
    else:
        raise MXNetError('NDArray does not support assignment with %s' % type(value).__name__)
    if isinstance(v, torch.Tensor) and v.dtype is not t.dtype:
        v = v.to(t.dtype)  # MXNet casts the value to the array's dtype
    shape = tuple(t.shape)
    if key is Ellipsis or (key.__class__ is slice and key.start is None and key.stop is None
                           and key.step is None) or (key.__class__ is tuple and not key):
        keys, basic, whole = (), True, True  # x[:] = v, x[...] = v, x[()] = v
    elif isinstance(key, integer_types) and not isinstance(key, bool):
        keys = (key,)
        _check_ints(keys, shape)
        basic, whole = True, shape[0] == 1
    else:
        keys = _normalise(key)
        basic = all(_is_basic(k) for k in keys)
        if basic:
            _check_ints(keys, shape)
            whole = _is_whole(keys, shape)
        else:
            whole = False
    if _STATE.recording:
        _check_recorded_write(arr, value, whole)
    if whole:
        # x[:] = v, x[...] = v, x[None] = v, x[0, :, 0] = v on a (1, n, 1) array: the value,
        # fitted to what the key selects, is copied over the whole array
        if isinstance(v, torch.Tensor) and tuple(v.shape) != shape:
            v = _fit_value(v, t[keys].shape if keys else shape, shape, key).reshape(shape)
        _assign(arr, v)
        if _STATE.recording and isinstance(value, NDArray) and value._data.requires_grad:
            _record('_copyto', None, (value,), (arr,))
        return
    if basic:
        tk, flips = _positive_steps(keys, shape)
        if flips and isinstance(v, torch.Tensor):
            # a negative-step slice: write the value, flipped, into the positive-step view
            v = _fit_value(v, t[tk].shape, shape, key).flip(flips)
    else:
        keys, flips = _flip_negative(keys, tuple(t.shape))
        if flips:
            # write into a flipped copy and copy it back flipped (torch has no negative steps)
            tf = t.flip(flips)
            setitem(_wrap(tf), keys, value if isinstance(value, NDArray) else v)
            with torch.no_grad():
                t.copy_(tf.flip(flips))
            return
        tk = tuple(_convert(k, t.device) for k in keys)
    idx = tk if len(tk) > 1 else tk[0]
    try:
        with torch.no_grad():
            t[idx] = v
    except IndexError as e:
        raise IndexOutOfRange('index error assigning into NDArray of shape %s: %s'
                              % (tuple(t.shape), e)) from None
    except RuntimeError as e:
        shape = tuple(v.shape) if isinstance(v, torch.Tensor) else ()
        # MXNet allows assigning a (1,)-shaped or squeezable value to a slot
        if isinstance(v, torch.Tensor) and v.numel() == t[idx].numel():
            with torch.no_grad():
                t[idx] = v.reshape(t[idx].shape)
            return
        raise MXNetError('cannot assign value of shape %s to NDArray of shape %s at %r: %s'
                         % (shape, tuple(t.shape), key, str(e).split('\n')[0])) from None


def slice_assign(arr, rhs, begin, end, step):
    """``arr[begin:end:step] = rhs`` (one begin, end and step per axis); returns arr."""
    setitem(arr, _slices(begin, end, step), rhs)
    return arr


def _basic_indexing_slice_is_contiguous(slc_key, shape):
    """Whether ``slc_key`` (one slice per axis of ``shape``) selects contiguous memory."""
    if len(slc_key) != len(shape):
        raise AssertionError('the key needs one slice per axis')
    return slice_is_contiguous(slc_key, shape)


def _install():
    """NDArray's indexing methods: these functions themselves, set on the class."""
    NDArray.__getitem__ = getitem
    NDArray.__setitem__ = setitem
    NDArray.slice_assign = slice_assign
    NDArray._basic_indexing_slice_is_contiguous = staticmethod(
        _basic_indexing_slice_is_contiguous)


_install()
