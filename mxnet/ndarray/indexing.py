"""NDArray.__getitem__ / __setitem__ with MXNet 1.x semantics.

Integer and contiguous axis-0 slice keys return views that share memory with the source (MXNet's
``_at``/``_slice``); other basic keys return copies (MXNet's ``slice`` op). Integer-array and
NDArray keys use numpy's advanced-indexing rules. As in MXNet 1.x (no 0-d arrays), a key that
selects a single element yields shape (1,).
"""
import numpy as np
import torch

from ..base import MXNetError, integer_types, numeric_types
from .. import _state
from .ndarray import NDArray, _wrap, _assign, _scalar_for, _opctx, _record

_STATE = _state.state


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
    if isinstance(k, (list, range)):
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
                if len(idx):
                    out.append(slice(idx[-1], idx[0] + 1, -k.step))
                    flips.append(odim)
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


def getitem(arr, key):
    t = arr._data
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
            if _STATE.recording and t.requires_grad:
                _record_slice(arr, out, str(k), str(k + 1), None, False)
            return out
        out = _wrap(t[key], arr._ctx)
        if _STATE.recording and t.requires_grad:
            _record_slice(arr, out, str(k), str(k + 1), None, True)
        return out
    if isinstance(key, slice) and (key.step is None or key.step == 1):
        out = _wrap(t[key], arr._ctx)
        if _STATE.recording and t.requires_grad:
            b, e, _ = key.indices(shape[0]) if shape else (0, 0, 1)
            _record_slice(arr, out, str(b), str(max(b, e)), None, False)
        return out
    keys = _normalise(key)
    if all(_is_basic(k) for k in keys):
        _check_ints(keys, shape)
        keys, flips = _positive_steps(keys, shape)
        r = t[keys]
        if flips:
            r = r.flip(flips)
        if r.dim() == 0:
            r = r.reshape(1)
        # MXNet's slice op copies; keep that (mutating the result leaves the source alone)
        out = _wrap(r.clone(), _opctx(arr))
        if _STATE.recording and t.requires_grad and not flips:
            _record_basic(arr, out, keys, isinstance(key, tuple))
        return out
    dev = t.device
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


def setitem(arr, key, value):
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
    # x[:] = v / x[()] = v -> whole-array write
    if (isinstance(key, slice) and key == slice(None)) or key is Ellipsis or \
            (isinstance(key, tuple) and not key):
        if isinstance(v, torch.Tensor):
            try:
                torch.broadcast_shapes(tuple(v.shape), tuple(t.shape))
                if v.dim() > t.dim() and v.numel() != t.numel():
                    raise RuntimeError
            except RuntimeError:
                raise MXNetError('cannot assign an array of shape %s to an NDArray of shape %s'
                                 % (tuple(v.shape), tuple(t.shape))) from None
            if v.dim() > t.dim():
                v = v.reshape(t.shape)
        _assign(arr, v)
        return
    keys = _normalise(key)
    if all(_is_basic(k) for k in keys):
        _check_ints(keys, tuple(t.shape))
        tk = keys
    else:
        tk = tuple(_convert(k, t.device) for k in keys)
    idx = tk if len(tk) > 1 else tk[0]
    try:
        if _STATE.recording and not (t.is_leaf and t.requires_grad):
            t[idx] = v
        else:
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
