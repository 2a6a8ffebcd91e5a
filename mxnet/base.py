"""Errors, dtype tables and small helpers shared by every layer."""
import os
import platform

import numpy as np
import torch

__all__ = ['MXNetError', 'NotImplementedForSymbol', 'string_types', 'numeric_types',
           'integer_types', 'mx_real_t']


class MXNetError(RuntimeError):
    """Default error thrown by MXNet functions (the type MXNet users catch)."""


class NotImplementedForSymbol(MXNetError):
    def __init__(self, function, alias, *args):
        super().__init__()
        self.function = function.__name__ if callable(function) else str(function)
        self.alias = alias
        self.args = [str(type(a)) for a in args]

    def __str__(self):
        msg = 'Function {}'.format(self.function)
        if self.alias:
            msg += ' (namely operator "{}")'.format(self.alias)
        if self.args:
            msg += ' with arguments ({})'.format(', '.join(self.args))
        msg += ' is not implemented for Symbol and only available in NDArray.'
        return msg


string_types = (str,)
numeric_types = (float, int, np.generic)
integer_types = (int, np.integer)
mx_real_t = np.float32


class _NullType:
    """Placeholder for arguments not supplied (MXNet's `_Null`)."""
    __slots__ = ()

    def __repr__(self):
        return '_Null'

    def __bool__(self):
        return False


_Null = _NullType()

# MXNet type flags (mshadow) <-> numpy dtypes <-> torch dtypes
_DTYPE_NP_TO_MX = {
    None: -1,
    np.dtype(np.float32): 0,
    np.dtype(np.float64): 1,
    np.dtype(np.float16): 2,
    np.dtype(np.uint8): 3,
    np.dtype(np.int32): 4,
    np.dtype(np.int8): 5,
    np.dtype(np.int64): 6,
    np.dtype(np.bool_): 7,
    np.dtype(np.int16): 8,
    np.dtype(np.uint16): 9,
    np.dtype(np.uint32): 10,
    np.dtype(np.uint64): 11,
}
_DTYPE_MX_TO_NP = {v: k for k, v in _DTYPE_NP_TO_MX.items()}
_DTYPE_MX_TO_NP[12] = None  # bfloat16 has no numpy dtype

_NP_TO_TORCH = {
    np.dtype(np.float32): torch.float32,
    np.dtype(np.float64): torch.float64,
    np.dtype(np.float16): torch.float16,
    np.dtype(np.uint8): torch.uint8,
    np.dtype(np.int32): torch.int32,
    np.dtype(np.int8): torch.int8,
    np.dtype(np.int64): torch.int64,
    np.dtype(np.bool_): torch.bool,
    np.dtype(np.int16): torch.int16,
    np.dtype(np.uint16): torch.uint16,
    np.dtype(np.uint32): torch.uint32,
    np.dtype(np.uint64): torch.uint64,
}
_TORCH_TO_NP = {v: k for k, v in _NP_TO_TORCH.items()}
# dtype objects as MXNet returns them from `.dtype` (numpy scalar types)
_TORCH_TO_NPTYPE = {v: k.type for k, v in _NP_TO_TORCH.items()}

_STR_TO_NP = {
    'float32': np.float32, 'float64': np.float64, 'float16': np.float16, 'uint8': np.uint8,
    'int32': np.int32, 'int8': np.int8, 'int64': np.int64, 'bool': np.bool_,
    'int16': np.int16, 'uint16': np.uint16, 'uint32': np.uint32, 'uint64': np.uint64,
    'float': np.float32, 'double': np.float64, 'half': np.float16, 'real_t': np.float32,
}


def np_dtype(dtype, default=None):
    """Normalise any dtype spelling (str, numpy type, np.dtype, torch dtype) to np.dtype."""
    if dtype is None or dtype is _Null:
        return None if default is None else np.dtype(default)
    if isinstance(dtype, torch.dtype):
        try:
            return _TORCH_TO_NP[dtype]
        except KeyError:
            raise MXNetError('Unsupported dtype %s' % dtype) from None
    if isinstance(dtype, str):
        key = dtype.strip().strip("'\"")
        if key in _STR_TO_NP:
            return np.dtype(_STR_TO_NP[key])
        if key == 'bfloat16':
            raise MXNetError('bfloat16 is not supported for NDArray in remx')
        raise MXNetError("Unknown dtype '%s'. Valid: %s" % (dtype, ', '.join(sorted(_STR_TO_NP))))
    try:
        d = np.dtype(dtype)
    except TypeError:
        raise MXNetError('Unknown dtype %r' % (dtype,)) from None
    if d not in _NP_TO_TORCH:
        raise MXNetError('Unsupported dtype %s' % d)
    return d


def torch_dtype(dtype, default=np.float32):
    """Any dtype spelling -> torch.dtype (default float32)."""
    if isinstance(dtype, torch.dtype):
        return dtype
    return _NP_TO_TORCH[np_dtype(dtype, default)]


def dtype_name(dtype):
    return np_dtype(dtype).name


def check_call(ret):
    """Kept for API compatibility with code that imports it; remx has no C API."""
    return ret


def classproperty(func):
    class _CP:
        def __get__(self, obj, owner):
            return func(owner)
    return _CP()


def data_dir_default():
    """MXNet's default data directory: ``~/.mxnet`` (``%APPDATA%/mxnet`` on Windows)."""
    if platform.system() == 'Windows':
        return os.path.join(os.environ.get('APPDATA', '~'), 'mxnet')
    return os.path.join(os.path.expanduser('~'), '.mxnet')


def data_dir():
    """MXNet's data directory (datasets, model files): ``$MXNET_HOME``, else the default."""
    return os.getenv('MXNET_HOME', data_dir_default())
