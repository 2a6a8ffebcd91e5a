"""MXNet 1.9.1's ``mx.engine``: operator bulking controls.

remx runs every operator synchronously when it is called (MXNet's NaiveEngine semantics), so
bulking (grouping operators into one engine task) changes nothing observable except the bulk
size these functions report, which is kept as MXNet keeps it.
"""
import ctypes  # noqa: F401

from .base import _LIB, check_call  # noqa: F401

__all__ = ['set_bulk_size', 'bulk']

_bulk_size = [0]


def set_bulk_size(size):
    """Set the maximum number of operators bulked together; returns the previous size."""
    prev, _bulk_size[0] = _bulk_size[0], int(size)
    return prev


class _BulkScope:
    """``with mx.engine.bulk(size):`` bulks up to ``size`` operators inside the block."""

    def __init__(self, size):
        self._size = size
        self._old_size = None

    def __enter__(self):
        self._old_size = set_bulk_size(self._size)
        return self

    def __exit__(self, ptype, value, trace):
        set_bulk_size(self._old_size)


def bulk(size):
    """Scope in which operators are bulked in groups of ``size`` (see :func:`set_bulk_size`)."""
    return _BulkScope(size)
