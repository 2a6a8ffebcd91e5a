"""Errors, dtype tables and small helpers shared by every layer."""
import ctypes
import os
import platform
import sys

import numpy as np
import torch

__all__ = ['MXNetError', 'NotImplementedForSymbol', 'NotSupportedForSparseNDArray',
           'string_types', 'numeric_types', 'integer_types', 'mx_real_t', 'py_str', 'c_str',
           'c_array', 'c_str_array', 'c_array_buf', 'c_handle_array', 'check_call',
           'data_dir', 'data_dir_default', 'classproperty', 'register_error']


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
    """MXNet checks a C API return code here; remx has no C API, so a non-zero code (which
    only code that fakes one can produce) raises MXNetError."""
    if ret:
        raise MXNetError('C API call failed with code %r' % (ret,))
    return ret


class _NoLib:
    """Stands where MXNet had ``_LIB`` (its ctypes handle on libmxnet.so).

    remx is Python over PyTorch and has no C library: any C function looked up here raises
    MXNetError naming it, instead of failing with an AttributeError deep in user code. The
    DLPack entry points user code calls through ctypes (MXNDArrayFromDLPack, ...) have Python
    versions in ``ndarray/_capi.py``, which installs them here when mx.nd loads.
    """

    def __init__(self):
        self._functions = {}

    def install(self, functions):
        """Answer these C function names ({name: Python function}) from now on."""
        self._functions.update(functions)

    def __getattr__(self, name):
        if name.startswith('_'):
            raise AttributeError(name)
        fn = self._functions.get(name)
        if fn is not None:
            return fn

        def _missing(*args, **kwargs):
            raise MXNetError('%s is a function of libmxnet\'s C API, which remx does not have '
                             '(remx runs MXNet\'s Python API on PyTorch); use the Python API '
                             'instead' % name)
        _missing.__name__ = name
        return _missing

    def __repr__(self):
        return '<remx: no libmxnet C library>'


_LIB = _NoLib()

# as MXNet's base module does: code handling DLPack capsules through ctypes relies on these
ctypes.pythonapi.PyCapsule_New.restype = ctypes.py_object
ctypes.pythonapi.PyCapsule_GetPointer.restype = ctypes.c_void_p

# ctypes aliases MXNet's Python package exposes (used by code that builds C calls)
mx_uint = ctypes.c_uint
mx_int = ctypes.c_int
mx_int64 = ctypes.c_int64
mx_float = ctypes.c_float
mx_float_p = ctypes.POINTER(mx_float)
NDArrayHandle = ctypes.c_void_p
FunctionHandle = ctypes.c_void_p
OpHandle = ctypes.c_void_p
CachedOpHandle = ctypes.c_void_p
SymbolHandle = ctypes.c_void_p
ExecutorHandle = ctypes.c_void_p
DataIterCreatorHandle = ctypes.c_void_p
DataIterHandle = ctypes.c_void_p
DLPackHandle = ctypes.c_void_p
KVStoreHandle = ctypes.c_void_p
RecordIOHandle = ctypes.c_void_p
RtcHandle = ctypes.c_void_p
CudaModuleHandle = ctypes.c_void_p
CudaKernelHandle = ctypes.c_void_p
ProfileHandle = ctypes.c_void_p

basestring = str
long = int


def py_str(x):
    """bytes from a C API -> str (MXNet's helper; identity for str)."""
    if isinstance(x, bytes):
        return x.decode('utf-8')
    return x


def c_str(string):
    """str -> a ctypes char pointer (as MXNet's ``c_str``)."""
    return ctypes.c_char_p(string.encode('utf-8'))


def c_str_array(strings):
    """list of str -> a ctypes array of char pointers."""
    arr = (ctypes.c_char_p * len(strings))()
    arr[:] = [s.encode('utf-8') for s in strings]
    return arr


def c_array(ctype, values):
    """A ctypes array of ``ctype`` holding ``values``."""
    out = (ctype * len(values))()
    out[:] = values
    return out


def c_array_buf(ctype, buf):
    """A ctypes array of ``ctype`` sharing ``buf``'s memory."""
    return (ctype * len(buf)).from_buffer(buf)


def c_handle_array(objs):
    """A ctypes array of the ``.handle`` of each object."""
    arr = (ctypes.c_void_p * len(objs))()
    arr[:] = [o.handle for o in objs]
    return arr


def ctypes2buffer(cptr, length):
    """Copy ``length`` bytes from a ctypes char pointer into a bytearray."""
    if not isinstance(cptr, ctypes.POINTER(ctypes.c_char)):
        raise TypeError('expected char pointer')
    res = bytearray(length)
    rptr = (ctypes.c_char * length).from_buffer(res)
    if not ctypes.memmove(rptr, cptr, length):
        raise RuntimeError('memmove failed')
    return res


def ctypes2numpy_shared(cptr, shape):
    """A numpy float32 array sharing memory with a ctypes float pointer."""
    if not isinstance(cptr, ctypes.POINTER(mx_float)):
        raise RuntimeError('expected float pointer')
    size = 1
    for s in shape:
        size *= s
    dbuffer = (mx_float * size).from_address(ctypes.addressof(cptr.contents))
    return np.frombuffer(dbuffer, dtype=np.float32).reshape(shape)


def _as_list(obj):
    """``obj`` if it is a list or tuple (as a list), else ``[obj]``."""
    if isinstance(obj, (list, tuple)):
        return obj if isinstance(obj, list) else list(obj)
    return [obj]


class NotSupportedForSparseNDArray(MXNetError):
    def __init__(self, function, alias, *args):
        super().__init__()
        self.function = function.__name__
        self.alias = alias
        self.args = [str(type(a)) for a in args]

    def __str__(self):
        msg = 'Function {}'.format(self.function)
        if self.alias:
            msg += ' (namely operator "{}")'.format(self.alias)
        if self.args:
            msg += ' with arguments ({})'.format(', '.join(self.args))
        msg += ' is not supported for SparseNDArray and only available in NDArray.'
        return msg


class MXCallbackList(ctypes.Structure):
    """ctypes structure MXNet passed callbacks in (kept for code that names it)."""
    _fields_ = [('num_callbacks', ctypes.c_int),
                ('callbacks', ctypes.POINTER(ctypes.CFUNCTYPE(ctypes.c_int))),
                ('contexts', ctypes.POINTER(ctypes.c_void_p))]


error_types = {}


def register_error(func_name=None, cls=None):
    """Register an error class so C-API errors named ``func_name`` map to it (MXNet's helper)."""
    if callable(func_name):
        cls = func_name
        func_name = cls.__name__

    def register(mycls):
        error_types[func_name or mycls.__name__] = mycls
        return mycls
    if cls is None:
        return register
    return register(cls)


def with_metaclass(meta, *bases):
    """Create a base class with a metaclass (six-style helper MXNet kept)."""
    class metaclass(type):
        def __new__(cls, name, this_bases, d):
            return meta(name, bases, d)

        @classmethod
        def __prepare__(cls, name, this_bases):
            return meta.__prepare__(name, bases)
    return type.__new__(metaclass, 'temporary_class', (), {})


def build_param_doc(arg_names, arg_types, arg_descs, remove_dup=True):
    """The 'Parameters' section of an operator docstring, as MXNet builds it."""
    param_keys = set()
    param_str = []
    for key, type_info, desc in zip(arg_names, arg_types, arg_descs):
        if key in param_keys and remove_dup:
            continue
        if key == 'num_args':
            continue
        param_keys.add(key)
        ret = '%s : %s' % (key, type_info)
        if len(desc) != 0:
            ret += '\n    ' + desc
        param_str.append(ret)
    doc_str = ('Parameters\n' + '----------\n' + '%s\n')
    return doc_str % ('\n'.join(param_str))


def add_fileline_to_docstring(module, incursive=True):
    """Append the defining file and line to docstrings (MXNet's doc helper; a no-op when the
    source cannot be found)."""
    import inspect

    def _add_fileline(obj):
        if obj.__doc__ is None or 'From:' in obj.__doc__:
            return
        fname = inspect.getsourcefile(obj)
        if fname is None:
            return
        try:
            line = inspect.getsourcelines(obj)[-1]
        except IOError:
            return
        obj.__doc__ += '\n\nFrom:%s:%d' % (fname, line)

    if isinstance(module, str):
        module = sys.modules[module]
    for _, obj in module.__dict__.items():
        if inspect.isbuiltin(obj):
            continue
        if inspect.isfunction(obj):
            _add_fileline(obj)
        if inspect.ismethod(obj):
            _add_fileline(obj.__func__)
        if inspect.isclass(obj) and incursive:
            add_fileline_to_docstring(obj, False)


_NP_OP_PREFIX = '_np_'
_NP_OP_SUBMODULE_LIST = ['_random_', '_linalg_']
_NP_EXT_OP_PREFIX = '_npx_'
_NP_EXT_OP_SUBMODULE_LIST = ['_image_']
_NP_INTERNAL_OP_PREFIX = '_npi_'
_OP_NAME_PREFIX_LIST = ['_contrib_', '_linalg_', '_sparse_', '_image_', '_random_']


def _is_np_op(op_name):
    return op_name.startswith(_NP_OP_PREFIX) and op_name[len(_NP_OP_PREFIX):].find('_') == -1


def _get_op_name_prefix(op_name):
    for prefix in _OP_NAME_PREFIX_LIST:
        if op_name.startswith(prefix):
            return prefix
    return ''


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


def _atomic_write(fname, data):
    """Write ``data`` (bytes, or str as UTF-8 text) to ``fname`` through a temporary file
    beside it renamed into place, so a crash mid-write leaves any previous file intact. The
    file gets the permissions an ordinary ``open(fname, 'w')`` would (0666 less the umask);
    the temporary file is removed on any failure. Every file remx writes goes through here
    (NDArray .params, symbol JSON, optimizer states, Gluon models, profiles)."""
    import tempfile
    fname = os.fspath(fname)
    d = os.path.dirname(os.path.abspath(fname))
    fd, tmp = tempfile.mkstemp(prefix='.' + os.path.basename(fname) + '.', dir=d)
    try:
        with os.fdopen(fd, 'wb') as f:
            f.write(data.encode('utf-8') if isinstance(data, str) else data)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)   # mkstemp makes 0600
        os.replace(tmp, fname)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
