"""MXNet 1.9.1's ``mx.registry``: name -> class factories for serialisable objects.

``get_register_func(Base, 'nick')`` returns a decorator registering subclasses of ``Base`` under
their lower-cased name; ``get_create_func`` returns ``create(spec, *args, **kwargs)`` accepting an
instance (returned as is), a registered name, a dict of keyword arguments with ``nick`` in it, or
the JSON forms ``'["name", {kwargs}]'`` and ``'{"nick": "name", ...}'``.
"""
import json
import warnings

from .base import string_types

__all__ = ['get_registry', 'get_register_func', 'get_alias_func', 'get_create_func']

_REGISTRY = {}


def _table(base_class):
    return _REGISTRY.setdefault(base_class, {})


def get_registry(base_class):
    """A copy of the name -> class table of ``base_class``."""
    return _table(base_class).copy()


def get_register_func(base_class, nickname):
    """A decorator ``register(klass, name=None)`` for subclasses of ``base_class``."""
    table = _table(base_class)

    def register(klass, name=None):
        assert issubclass(klass, base_class), \
            'Can only register subclass of %s' % base_class.__name__
        key = (klass.__name__ if name is None else name).lower()
        old = table.get(key)
        if old is not None and old is not klass:
            warnings.warn('New %s %s.%s registered with name %s is overriding existing %s %s.%s'
                          % (nickname, klass.__module__, klass.__name__, key, nickname,
                             old.__module__, old.__name__), UserWarning, stacklevel=2)
        table[key] = klass
        return klass
    register.__doc__ = 'Register %s to the %s factory' % (nickname, nickname)
    return register


def get_alias_func(base_class, nickname):
    """A decorator factory ``alias(*names)`` registering a class under extra names."""
    register = get_register_func(base_class, nickname)

    def alias(*aliases):
        def reg(klass):
            for name in aliases:
                register(klass, name)
            return klass
        return reg
    return alias


def get_create_func(base_class, nickname):
    """A ``create(spec, *args, **kwargs)`` factory for ``base_class`` (see the module doc)."""
    table = _table(base_class)

    def create(*args, **kwargs):
        if args:
            spec, args = args[0], args[1:]
        else:
            spec = kwargs.pop(nickname)
        if isinstance(spec, base_class):
            assert not args and not kwargs, \
                '%s is already an instance. Additional arguments are invalid' % nickname
            return spec
        if isinstance(spec, dict):
            return create(**spec)
        assert isinstance(spec, string_types), '%s must be of string type' % nickname
        if spec.startswith('['):
            assert not args and not kwargs
            name, kw = json.loads(spec)
            return create(name, **kw)
        if spec.startswith('{'):
            assert not args and not kwargs
            return create(**json.loads(spec))
        key = spec.lower()
        assert key in table, '%s is not registered. Please register with %s.register first' \
            % (key, nickname)
        return table[key](*args, **kwargs)
    create.__doc__ = ('Create a %s instance from a name, a dict, JSON or an instance '
                      '(returned as is); keyword arguments go to the constructor.' % nickname)
    return create
