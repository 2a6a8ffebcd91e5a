"""``mx.AttrScope``: attributes attached to every symbol created inside a ``with`` block.

Example::

    with mx.AttrScope(ctx_group='dev1'):
        fc = mx.sym.FullyConnected(data, num_hidden=10)   # carries __ctx_group__='dev1'
"""
import threading


__all__ = ['AttrScope']


class AttrScope:
    """A scope of string attributes; nested scopes inherit and override the outer ones.

    Parameters
    ----------
    **kwargs : str
        The attributes to attach, e.g. ``ctx_group='dev1'``, ``lr_mult='0.1'``.
    """
    _current = threading.local()

    def __init__(self, **kwargs):
        self._old_scope = None
        for value in kwargs.values():
            if not isinstance(value, str):
                raise ValueError('Attributes need to be string')
        self._attr = kwargs

    def get(self, attr):
        """The scope's attributes updated with ``attr`` (a dict or None); a new dict."""
        if self._attr:
            ret = self._attr.copy()
            if attr:
                ret.update(attr)
            return ret
        return attr if attr else {}

    def __enter__(self):
        if not hasattr(AttrScope._current, 'value'):
            AttrScope._current.value = AttrScope()
        self._old_scope = AttrScope._current.value
        attr = AttrScope._current.value._attr.copy()
        attr.update(self._attr)
        self._attr = attr
        AttrScope._current.value = self
        return self

    def __exit__(self, ptype, value, trace):
        assert self._old_scope
        AttrScope._current.value = self._old_scope


def current():
    """The AttrScope in effect for this thread."""
    cur = getattr(AttrScope._current, 'value', None)
    if cur is None:
        cur = AttrScope._current.value = AttrScope()
    return cur


AttrScope._current.value = AttrScope()
