"""Sequence operators: SequenceMask, SequenceLast, SequenceReverse.

``data`` is laid out ``(max_sequence_length, batch, ...)`` (``axis=0``) or, where supported,
``(batch, max_sequence_length, ...)`` (``axis=1``). With ``use_sequence_length=True`` a second
input ``sequence_length`` of shape ``(batch,)`` gives each example's length; fractional lengths
are truncated toward zero, as MXNet casts them to integers.
"""
import torch

from .registry import register, Param, OpError
from .params import Float, Bool, Int

__all__ = []

_INPUTS = ('data', 'sequence_length')


def _inputs_fn(a):
    return _INPUTS if a.use_sequence_length else ('data',)


def _infer(a, shapes):
    shapes = list(shapes)
    d = shapes[0]
    if d is not None and len(shapes) > 1 and shapes[1] is None and len(d) > 1:
        shapes[1] = (d[1] if a.axis == 0 else d[0],)
    return shapes


def _shp(s):
    return '(' + ','.join(str(int(d)) for d in s) + (',)' if len(s) == 1 else ')')


def _check(name, a, data, seq_len, axes):
    if a.axis not in axes:
        raise OpError('Error in operator %s: Current implementation expects axis to be %s, got %d'
                      % (name, ' or '.join(map(str, axes)), a.axis))
    if data.dim() < 2:
        raise OpError('Error in operator %s: The data array must be of rank 2 or greater, got '
                      'shape %s' % (name, _shp(data.shape)))
    if a.use_sequence_length != (seq_len is not None):
        raise OpError('Error in operator %s: expects %d inputs, but got %d instead'
                      % (name, 1 + a.use_sequence_length, 1 + (seq_len is not None)))
    if seq_len is not None:
        batch = data.shape[1 - a.axis]
        if tuple(seq_len.shape) != (batch,):
            raise OpError('Error in operator %s: Shape inconsistent, Provided = %s, inferred '
                          'shape=%s' % (name, list(seq_len.shape), _shp((batch,))))


def _lengths(seq_len):
    """Sequence lengths as int64, truncated toward zero."""
    return seq_len.to(torch.int64)


_COMMON = dict(
    use_sequence_length=Param(Bool, False, 'If set to true, this layer takes in an extra input '
                              'parameter `sequence_length` to specify variable length sequence'))


@register('SequenceMask', inputs=_INPUTS, inputs_fn=_inputs_fn, infer_shape=_infer, **_COMMON,
          value=Param(Float, 0.0, 'The value to be used as a mask.'),
          axis=Param(Int, 0, 'The sequence axis. Only values of 0 and 1 are currently supported.'))
def SequenceMask(a, data, sequence_length=None):
    """Sets every element past each sequence's length to ``value``.

    ``data`` has shape ``(max_sequence_length, batch, ...)`` (``axis=0``) or
    ``(batch, max_sequence_length, ...)`` (``axis=1``); the output has the same shape. Without
    ``use_sequence_length`` the op is the identity.

    Example::

      x = [[1, 2], [3, 4], [5, 6]]          # (T=3, batch=2)
      SequenceMask(x, sequence_length=[1, 2], use_sequence_length=True, value=-1)
        = [[1, 2], [-1, 4], [-1, -1]]
    """
    _check('SequenceMask', a, data, sequence_length, (0, 1))
    if sequence_length is None:
        return data.clone()
    axis = a.axis
    T = data.shape[axis]
    t = torch.arange(T, device=data.device)
    lens = _lengths(sequence_length)
    if axis == 0:
        keep = t.unsqueeze(1) < lens.unsqueeze(0)          # (T, B)
    else:
        keep = t.unsqueeze(0) < lens.unsqueeze(1)          # (B, T)
    keep = keep.reshape(keep.shape + (1,) * (data.dim() - 2))
    v = a.value if data.is_floating_point() else int(a.value)
    fill = torch.tensor(v, dtype=data.dtype, device=data.device)
    return torch.where(keep, data, fill)


@register('SequenceLast', inputs=_INPUTS, inputs_fn=_inputs_fn, infer_shape=_infer, **_COMMON,
          axis=Param(Int, 0, 'The sequence axis. Only values of 0 and 1 are currently supported.'))
def SequenceLast(a, data, sequence_length=None):
    """Takes the last valid element of each sequence.

    ``data`` of shape ``(max_sequence_length, batch, ...)`` (``axis=0``) or
    ``(batch, max_sequence_length, ...)`` (``axis=1``) gives an output of shape
    ``(batch, ...)``: element ``sequence_length[b] - 1`` of each sequence (the final one without
    ``use_sequence_length``).

    Example::

      x = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]   # (T=3, batch=3)
      SequenceLast(x) = [7, 8, 9]
      SequenceLast(x, sequence_length=[1, 2, 3], use_sequence_length=True) = [1, 5, 9]
    """
    _check('SequenceLast', a, data, sequence_length, (0, 1))
    axis = a.axis
    if sequence_length is None:
        return data.select(axis, data.shape[axis] - 1).clone()
    T = data.shape[axis]
    idx = (_lengths(sequence_length) - 1).clamp(0, max(T - 1, 0))
    b = torch.arange(data.shape[1 - axis], device=data.device)
    return data[idx, b] if axis == 0 else data[b, idx]


@register('SequenceReverse', inputs=_INPUTS, inputs_fn=_inputs_fn, infer_shape=_infer,
          **_COMMON,
          axis=Param(Int, 0, 'The sequence axis. Only 0 is currently supported.'))
def SequenceReverse(a, data, sequence_length=None):
    """Reverses the first ``sequence_length[b]`` elements of each sequence along axis 0.

    ``data`` has shape ``(max_sequence_length, batch, ...)``; elements past a sequence's length
    stay in place. Without ``use_sequence_length`` whole sequences are reversed.

    Example::

      x = [[1, 2], [3, 4], [5, 6]]          # (T=3, batch=2)
      SequenceReverse(x) = [[5, 6], [3, 4], [1, 2]]
      SequenceReverse(x, sequence_length=[2, 3], use_sequence_length=True)
        = [[3, 6], [1, 4], [5, 2]]
    """
    _check('SequenceReverse', a, data, sequence_length, (0,))
    if sequence_length is None:
        return data.flip(0)
    T = data.shape[0]
    lens = _lengths(sequence_length).clamp(0, T)
    t = torch.arange(T, device=data.device).unsqueeze(1)   # (T, 1)
    src = torch.where(t < lens.unsqueeze(0), lens.unsqueeze(0) - 1 - t, t)   # (T, B)
    src = src.reshape(src.shape + (1,) * (data.dim() - 2)).expand(data.shape)
    return data.gather(0, src)
