"""Contributed samplers."""
from ...data.sampler import Sampler

__all__ = ['IntervalSampler']


class IntervalSampler(Sampler):
    """Samples ``0, k, 2k, ...`` then (with ``rollover``) ``1, k+1, ...`` and so on, so every
    index in ``[0, length)`` appears once; e.g. ``IntervalSampler(13, interval=3)`` yields
    0, 3, 6, 9, 12, 1, 4, 7, 10, 2, 5, 8, 11.

    Parameters
    ----------
    length : int
        Length of the sequence.
    interval : int
        The step between two samples (at most ``length``).
    rollover : bool, default True
        Continue from the next start after reaching the end; False stops after the first pass.
    """

    def __init__(self, length, interval, rollover=True):
        if not interval <= length:
            raise AssertionError('Interval {} must be smaller than or equal to length {}'
                                 .format(interval, length))
        self._length = length
        self._interval = interval
        self._rollover = rollover

    def __iter__(self):
        for i in range(self._interval if self._rollover else 1):
            for j in range(i, self._length, self._interval):
                yield j

    def __len__(self):
        return self._length
