"""Allocation failures and impossible shapes as MXNetError.

torch reports a request it cannot meet as a RuntimeError ("DefaultCPUAllocator: can't allocate
memory: you tried to allocate N bytes", "CUDA out of memory. Tried to allocate 2.00 GiB",
"Storage size calculation overflowed with sizes=[...]"), numpy as MemoryError. The helpers here
turn those into an MXNetError naming the operation, the shape and the bytes asked for. They run
only after a failure (in ``except`` clauses), so ordinary calls pay nothing for them.
"""
import math
import re

import numpy as np

from .base import MXNetError

__all__ = ['is_alloc_failure', 'alloc_error', 'op_error', 'check_shape', 'nbytes_of']

INT64_MAX = (1 << 63) - 1

_MARKERS = ("can't allocate memory", 'out of memory', 'size calculation overflowed',
            'Overflow when unpacking long', 'Unable to allocate', 'array is too big',
            'numel: integer multiplication overflow', 'invalid multinomial distribution')
_CPU_BYTES = re.compile(r'tried to allocate (\d+) bytes')
_GPU_BYTES = re.compile(r'[Tt]ried to allocate ([\d.]+) (B|KiB|MiB|GiB|TiB|PiB)')
_SIZES = re.compile(r'sizes=\[([-\d, ]*)\]')
_NP_SHAPE = re.compile(r'with shape \(([-\d, ]*)\)')
_UNITS = {'B': 1, 'KiB': 1 << 10, 'MiB': 1 << 20, 'GiB': 1 << 30, 'TiB': 1 << 40,
          'PiB': 1 << 50}


def is_alloc_failure(e):
    """Whether exception ``e`` says that memory could not be had (or a size overflowed)."""
    if isinstance(e, MemoryError):
        return True
    if isinstance(e, (RuntimeError, ValueError, TypeError, OverflowError)) and \
            not isinstance(e, MXNetError):
        msg = str(e)
        return any(m in msg for m in _MARKERS)
    return False


def _itemsize(dtype):
    if dtype is None:
        return 4
    try:
        import torch
        if isinstance(dtype, torch.dtype):
            return torch.empty((), dtype=dtype).element_size()
    except (ImportError, TypeError, RuntimeError):
        pass
    try:
        return np.dtype(dtype).itemsize
    except TypeError:
        return None


def _dtype_name(dtype):
    if dtype is None:
        return 'float32'
    try:
        import torch
        if isinstance(dtype, torch.dtype):
            return str(dtype).replace('torch.', '')
    except ImportError:
        pass
    try:
        return np.dtype(dtype).name
    except TypeError:
        return str(dtype)


def nbytes_of(shape, dtype=None):
    """Bytes an array of ``shape`` and ``dtype`` needs (a Python int, never overflowing), or None
    when it cannot be told."""
    size = _itemsize(dtype)
    if size is None or shape is None:
        return None
    n = size
    for d in shape:
        n *= int(d)
    return n


def _shape_from_message(msg):
    m = _SIZES.search(msg) or _NP_SHAPE.search(msg)
    if m is None:
        return None
    try:
        return tuple(int(x) for x in m.group(1).replace(' ', '').split(',') if x)
    except ValueError:
        return None


def _bytes_from_message(msg):
    m = _CPU_BYTES.search(msg)
    if m is not None:
        return int(m.group(1))
    m = _GPU_BYTES.search(msg)
    if m is not None:
        return int(float(m.group(1)) * _UNITS[m.group(2)])
    return None


def _fmt_bytes(n):
    s = '%d bytes' % n
    for unit in ('PiB', 'TiB', 'GiB', 'MiB', 'KiB'):
        if n >= _UNITS[unit]:
            return '%s (%.3g %s)' % (s, n / _UNITS[unit], unit)
    return s


def alloc_error(op, shape=None, dtype=None, exc=None, cls=MXNetError, context=''):
    """An MXNetError (of class ``cls``) for a request for memory that cannot be met.

    ``op`` names the operation, ``shape`` / ``dtype`` the array asked for (when known; else they
    are read from torch's message), ``exc`` the original failure, ``context`` anything to
    append (e.g. the input shapes of an operator)."""
    msg = '' if exc is None else str(exc)
    if shape is None:
        shape = _shape_from_message(msg)
    asked = nbytes_of(shape, dtype) if shape is not None else None
    if asked is None:
        asked = _bytes_from_message(msg)
    what = 'an array' if shape is None else 'an array of shape %s' % (tuple(shape),)
    if shape is not None or dtype is not None:
        what += ' (%s)' % _dtype_name(dtype)
    if asked is not None and asked > INT64_MAX:
        why = ('that is %d bytes, more than any array can hold (the limit is 2**63-1 bytes); '
               'check the shape' % asked)
    elif asked is not None:
        why = ('%s asked for; not enough memory is available. Use a smaller shape or batch, or '
               'free memory' % _fmt_bytes(asked))
    else:
        why = 'not enough memory is available (%s)' % (msg.split('\n')[0] or type(exc).__name__)
    return cls('%s: cannot allocate %s: %s%s' % (op, what, why, context))


def check_shape(op, shape):
    """``shape`` (an int or an iterable of numbers) as a tuple of non-negative Python ints;
    NaN, infinite, non-integral, negative or non-numeric entries raise MXNetError naming op."""
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (shape,)
    try:
        items = tuple(shape)
    except TypeError:
        raise MXNetError('%s: shape must be an int or a tuple of ints, got %r'
                         % (op, shape)) from None
    out = []
    for d in items:
        if isinstance(d, (int, np.integer)) and not isinstance(d, (bool, np.bool_)):
            v = int(d)
        elif isinstance(d, (float, np.floating)):
            if not math.isfinite(d):
                raise MXNetError('%s: invalid shape %s: dimension %r is not a finite number'
                                 % (op, items, d))
            v = int(d)
        else:
            try:
                v = int(d)
            except (TypeError, ValueError, OverflowError):
                raise MXNetError('%s: invalid shape %r: dimension %r is not an integer'
                                 % (op, items, d)) from None
        if v < 0:
            raise MXNetError('%s: invalid shape %s: dimension %d is negative' % (op, items, v))
        out.append(v)
    return tuple(out)


def op_error(op, shape, dtype, exc, context=''):
    """MXNetError for ``exc`` raised while making an array of ``shape``: an allocation error
    when it is one (or the size overflows), else one naming op with torch's first line."""
    asked = nbytes_of(shape, dtype) if shape is not None else None
    if is_alloc_failure(exc) or (asked is not None and asked > INT64_MAX):
        return alloc_error(op, shape, dtype, exc, context=context)
    msg = str(exc).strip().split('\n')[0] or type(exc).__name__
    return MXNetError('%s: %s%s' % (op, msg, context))
