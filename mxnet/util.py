"""MXNet 1.9.1's ``mx.util``: NumPy-shape/array semantics switches and small helpers.

``np_shape`` semantics (MXNet 1.6+): when on, a dimension of size 0 is a real zero-size
dimension and ``-1`` means unknown; when off (the 1.x default), ``0`` in a shape given to shape
inference means unknown, and 0-d / zero-size arrays cannot be saved or loaded. The flag is global
to the thread that sets it, as in MXNet (a thread-local in its C++ core).

``np_array`` semantics switch Gluon and the operators to ``mx.np`` arrays. remx does not have the
``mx.np`` front end yet, so turning it on raises MXNetError saying so.
"""
import functools
import inspect
import os
import threading

from .base import MXNetError, py_str, c_str, check_call, _LIB  # noqa: F401

__all__ = ['set_np_shape', 'is_np_shape', 'np_shape', 'use_np_shape', 'np_array', 'use_np_array',
           'is_np_array', 'set_np', 'reset_np', 'use_np', 'getenv', 'setenv', 'set_module',
           'np_ufunc_legal_option', 'wrap_np_unary_func', 'wrap_np_binary_func',
           'get_gpu_count', 'get_gpu_memory', 'get_cuda_compute_capability']


class _Flags(threading.local):
    def __init__(self):
        self.np_shape = False
        self.np_array = False


_flags = _Flags()

_NO_NP = ('NumPy-array semantics (mx.np / npx.set_np / use_np_array) are not implemented in remx '
          'yet: the mx.np front end does not exist')


def set_np_shape(active):
    """Turn NumPy shape semantics on or off; returns the previous state."""
    active = bool(active)
    if not active and _flags.np_array:
        raise ValueError('NumPy Shape semantics is required in using NumPy array semantics. '
                         'Please set active to True in set_np_shape(active) before using '
                         'NumPy arrays.')
    prev, _flags.np_shape = _flags.np_shape, active
    return prev


def is_np_shape():
    """Whether NumPy shape semantics is on (zero-size dims and 0-d arrays are real)."""
    return _flags.np_shape


class _NumpyShapeScope:
    """``with np_shape(active):`` sets the flag for the block and restores it after."""

    def __init__(self, is_np_shape=True):  # pylint: disable=redefined-outer-name
        self._enter_is_np_shape = bool(is_np_shape)
        self._prev_is_np_shape = None

    def __enter__(self):
        if self._enter_is_np_shape is not None:
            self._prev_is_np_shape = set_np_shape(self._enter_is_np_shape)
        return self

    def __exit__(self, ptype, value, trace):
        if self._enter_is_np_shape is not None and \
                self._prev_is_np_shape != self._enter_is_np_shape:
            set_np_shape(self._prev_is_np_shape)


def np_shape(active=True):
    """Scope (``with``) in which NumPy shape semantics is ``active``."""
    return _NumpyShapeScope(active)


def _wrap_scope(scope_factory, func_or_cls, what):
    if inspect.isclass(func_or_cls):
        for name, method in inspect.getmembers(
                func_or_cls, predicate=lambda f: inspect.isfunction(f) or inspect.ismethod(f)):
            if isinstance(func_or_cls.__dict__.get(name), (staticmethod, classmethod)):
                continue
            if name in func_or_cls.__dict__:
                setattr(func_or_cls, name, _wrap_scope(scope_factory, method, what))
        return func_or_cls
    if callable(func_or_cls):
        @functools.wraps(func_or_cls)
        def _with_scope(*args, **kwargs):
            with scope_factory():
                return func_or_cls(*args, **kwargs)
        return _with_scope
    raise TypeError('%s can only decorate classes and callable objects, while received a %s'
                    % (what, str(type(func_or_cls))))


def use_np_shape(func):
    """Decorator: run ``func`` (or every method of a class) under NumPy shape semantics."""
    return _wrap_scope(lambda: np_shape(True), func, 'use_np_shape')


def is_np_array():
    """Whether NumPy array semantics (``mx.np`` arrays) is on."""
    return _flags.np_array


def set_np_array(active):
    if active:
        raise MXNetError(_NO_NP)
    prev, _flags.np_array = _flags.np_array, False
    return prev


_set_np_array = set_np_array


class _NumpyArrayScope:
    def __init__(self, is_np_array=True):  # pylint: disable=redefined-outer-name
        self._active = bool(is_np_array)
        self._prev = None

    def __enter__(self):
        self._prev = set_np_array(self._active)
        return self

    def __exit__(self, ptype, value, trace):
        set_np_array(self._prev)


def np_array(active=True):
    """Scope in which NumPy array semantics is ``active`` (on raises MXNetError in remx)."""
    return _NumpyArrayScope(active)


def use_np_array(func):
    """Decorator for NumPy array semantics; calling the result raises MXNetError in remx."""
    return _wrap_scope(lambda: np_array(True), func, 'use_np_array')


def use_np(func):
    """Decorator: NumPy shape and array semantics (``use_np_shape(use_np_array(func))``).

    Decorating always works (modules that use it import); calling what it decorated raises
    MXNetError in remx because NumPy array semantics needs the missing ``mx.np`` front end.
    """
    return use_np_shape(use_np_array(func))


def set_np(shape=True, array=True, dtype=False):
    """Turn NumPy semantics on (``npx.set_np``). ``array=True`` raises MXNetError in remx."""
    if not shape and array:
        raise ValueError('NumPy Shape semantics is required in using NumPy array semantics.')
    if dtype:
        raise MXNetError('NumPy default dtype semantics (set_np(dtype=True)) is not implemented '
                         'in remx: it needs the mx.np front end')
    if array:
        raise MXNetError(_NO_NP)
    set_np_shape(shape)


def reset_np():
    """Turn NumPy shape and array semantics off (MXNet 1.x's defaults)."""
    _flags.np_array = False
    set_np_shape(False)


def getenv(name):
    """The value of environment variable ``name`` as MXNet's runtime sees it (None if unset)."""
    return os.environ.get(name)


def setenv(name, value):
    """Set (or, with ``value=None``, unset) an environment variable for this process."""
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = str(value)


def set_module(module):
    """Decorator that sets ``__module__`` of a function or class (as MXNet uses for mx.np)."""
    def decorator(func):
        if module is not None:
            func.__module__ = module
        return func
    return decorator


_np_ufunc_default_kwargs = {'where': True, 'casting': 'same_kind', 'order': 'K', 'dtype': None,
                            'subok': True}


def np_ufunc_legal_option(key, value):
    """Whether ``key=value`` is a NumPy ufunc keyword MXNet accepts."""
    if key == 'where':
        return True
    if key == 'casting':
        return value in {'no', 'equiv', 'safe', 'same_kind', 'unsafe'}
    if key == 'order':
        return isinstance(value, str)
    if key == 'dtype':
        import numpy as _np
        return value in (_np.int8, _np.uint8, _np.int32, _np.int64, _np.float16, _np.float32,
                         _np.float64, 'int8', 'uint8', 'int32', 'int64', 'float16', 'float32',
                         'float64')
    if key == 'subok':
        return isinstance(value, bool)
    return False


def _check_ufunc_kwargs(name, kwargs):
    for key, value in kwargs.items():
        if key not in _np_ufunc_default_kwargs:
            raise TypeError('{} is an invalid keyword to function \'{}\''.format(key, name))
        if value != _np_ufunc_default_kwargs[key]:
            if np_ufunc_legal_option(key, value):
                raise NotImplementedError('{}={} is not implemented yet for operator {}'
                                          .format(key, value, name))
            raise TypeError('{}={} not understood for operator {}'.format(key, value, name))


def wrap_np_unary_func(func):
    """Check NumPy ufunc keywords (``where``, ``casting``...) before calling a unary op."""
    @functools.wraps(func)
    def _wrap(x, out=None, **kwargs):
        _check_ufunc_kwargs(func.__name__, kwargs)
        return func(x, out=out)
    return _wrap


def wrap_np_binary_func(func):
    """Check NumPy ufunc keywords before calling a binary op."""
    @functools.wraps(func)
    def _wrap(x1, x2, out=None, **kwargs):
        _check_ufunc_kwargs(func.__name__, kwargs)
        return func(x1, x2, out=out)
    return _wrap


def get_gpu_count():
    """Number of GPUs torch can see."""
    import torch
    return torch.cuda.device_count() if torch.cuda.is_available() else 0


def get_gpu_memory(gpu_dev_id):
    """(free, total) bytes of GPU ``gpu_dev_id``."""
    import torch
    if gpu_dev_id < 0 or gpu_dev_id >= get_gpu_count():
        raise MXNetError('Invalid GPU device id %d: %d GPU(s) visible' % (gpu_dev_id,
                                                                         get_gpu_count()))
    free, total = torch.cuda.mem_get_info(gpu_dev_id)
    return free, total


def get_cuda_compute_capability(ctx):
    """Compute capability of ``ctx``'s GPU as an int (e.g. 70 for 7.0)."""
    import torch
    if ctx.device_type != 'gpu':
        raise ValueError('Expecting a gpu context to get cuda compute capability, '
                         'while received ctx {}'.format(str(ctx)))
    if ctx.device_id >= get_gpu_count():
        raise MXNetError('GPU %d is not visible' % ctx.device_id)
    major, minor = torch.cuda.get_device_capability(ctx.device_id)
    return major * 10 + minor
