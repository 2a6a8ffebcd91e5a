"""Automatic naming (``mx.name``): ``NameManager`` hands out ``hint + counter`` names for symbols
and top-level Gluon blocks; ``Prefix`` prepends a prefix to all of them."""
import threading

__all__ = ['NameManager', 'Prefix']


class NameManager:
    """Generates canonical names: a user-given name is kept, otherwise ``<hint><count>``."""
    _current = threading.local()

    def __init__(self):
        self._counter = {}
        self._old_manager = None

    def get(self, name, hint):
        if name:
            return name
        n = self._counter.get(hint, 0)
        self._counter[hint] = n + 1
        return '%s%d' % (hint, n)

    def __enter__(self):
        self._old_manager = current()
        NameManager._current.value = self
        return self

    def __exit__(self, ptype, value, trace):
        NameManager._current.value = self._old_manager


class Prefix(NameManager):
    """A NameManager that attaches ``prefix`` to every name it returns."""

    def __init__(self, prefix):
        super().__init__()
        self._prefix = prefix

    def get(self, name, hint):
        return self._prefix + super().get(name, hint)


def current():
    """The NameManager in effect for this thread."""
    cur = getattr(NameManager._current, 'value', None)
    if cur is None:
        cur = NameManager._current.value = NameManager()
    return cur
