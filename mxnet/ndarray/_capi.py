"""Python versions of the few libmxnet C API functions that move NDArrays across the C boundary.

remx has no C library (``mxnet.base._LIB`` raises MXNetError for any C function), but code
written for MXNet sometimes calls its DLPack entry points through ctypes itself, e.g. to build
an NDArray from a ``DLManagedTensor*`` taken out of a PyCapsule. These functions take the same
ctypes arguments and do what libmxnet does:

* ``MXNDArrayFromDLPack(dlpack, byref(handle))`` / ``MXNDArrayFromDLPackEx(dlpack, transient,
  byref(handle))``: ``dlpack`` points to a ``DLManagedTensor``; the array shares its memory and
  takes ownership of it (its deleter runs when the array's memory is freed).
* ``MXNDArrayToDLPack(array, byref(dlpack))``: a ``DLManagedTensor*`` viewing the array; the
  caller owns it (and calls its deleter, e.g. through a PyCapsule destructor).
* ``MXNDArrayFree(handle)``: drops a handle that no NDArray took.

An NDArray handle is an opaque integer here: ``mx.nd.NDArray(handle=handle)`` takes the
tensor registered under it, once, as MXNet's NDArray takes ownership of its handle.
"""
import ctypes
import itertools
import threading

import torch

from ..base import MXNetError, _LIB

__all__ = ['FUNCTIONS', 'take_handle']

_HANDLES = {}                           # handle value -> torch.Tensor not yet taken
_NEXT = itertools.count(0x10000)        # handle values (never NULL)
_LOCK = threading.Lock()

_DLTENSOR = ctypes.c_char_p(b'dltensor')            # the name must outlive the capsule
_USED_DLTENSOR = ctypes.c_char_p(b'used_dltensor')
_capsule_new = ctypes.PYFUNCTYPE(ctypes.py_object, ctypes.c_void_p, ctypes.c_char_p,
                                 ctypes.c_void_p)(('PyCapsule_New', ctypes.pythonapi))
_capsule_get_pointer = ctypes.PYFUNCTYPE(ctypes.c_void_p, ctypes.py_object, ctypes.c_char_p)(
    ('PyCapsule_GetPointer', ctypes.pythonapi))
_capsule_set_name = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.py_object, ctypes.c_char_p)(
    ('PyCapsule_SetName', ctypes.pythonapi))
_capsule_set_destructor = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.py_object, ctypes.c_void_p)(
    ('PyCapsule_SetDestructor', ctypes.pythonapi))


def _address(arg, what):
    """The address a ctypes argument stands for: a c_void_p or int value, or what
    ``ctypes.byref(obj)`` / ``ctypes.pointer(obj)`` points to."""
    if isinstance(arg, ctypes.c_void_p):
        return arg.value
    if isinstance(arg, int):
        return arg
    obj = getattr(arg, '_obj', None)  # ctypes.byref(...)
    if obj is not None:
        return ctypes.addressof(obj)
    if isinstance(arg, ctypes._Pointer):  # pylint: disable=protected-access
        return ctypes.cast(arg, ctypes.c_void_p).value
    raise MXNetError('%s: expected a pointer, got %s' % (what, type(arg).__name__))


def _out_slot(arg, what):
    """The c_void_p an output argument (``ctypes.byref(h)`` or ``ctypes.pointer(h)``) names."""
    obj = getattr(arg, '_obj', None)
    if obj is None and isinstance(arg, ctypes._Pointer):  # pylint: disable=protected-access
        obj = arg.contents
    if not isinstance(obj, ctypes.c_void_p):
        raise MXNetError('%s: the output must be ctypes.byref(a c_void_p handle)' % what)
    return obj


def new_handle(tensor):
    with _LOCK:
        h = next(_NEXT)
        _HANDLES[h] = tensor
    return h


def take_handle(handle):
    """The tensor registered under ``handle`` (a c_void_p or int), removed from the table."""
    value = handle.value if isinstance(handle, ctypes.c_void_p) else handle
    with _LOCK:
        t = _HANDLES.pop(value, None)
    if t is None:
        raise MXNetError('NDArray handle %r is not a live NDArray handle (remx has no C API; '
                         'handles come only from MXNDArrayFromDLPack)' % (value,))
    return t


def MXNDArrayFromDLPackEx(dlpack, transient_handle, out):  # pylint: disable=invalid-name
    ptr = _address(dlpack, 'MXNDArrayFromDLPack')
    if not ptr:
        raise MXNetError('MXNDArrayFromDLPack: NULL DLManagedTensor')
    # torch consumes a capsule named 'dltensor' holding the DLManagedTensor* and calls the
    # tensor's deleter when its memory is freed: the ownership MXNet's C function takes
    t = torch.utils.dlpack.from_dlpack(_capsule_new(ptr, _DLTENSOR, None))
    _out_slot(out, 'MXNDArrayFromDLPack').value = new_handle(t)
    return 0


def MXNDArrayFromDLPack(dlpack, out):  # pylint: disable=invalid-name
    return MXNDArrayFromDLPackEx(dlpack, False, out)


def MXNDArrayToDLPack(handle, out):  # pylint: disable=invalid-name
    if isinstance(getattr(handle, '_data', None), torch.Tensor):   # an NDArray
        t = handle._data
    elif isinstance(handle, torch.Tensor):  # NDArray.handle is the tensor in remx
        t = handle
    else:
        value = handle.value if isinstance(handle, ctypes.c_void_p) else handle
        t = _HANDLES.get(value)
        if t is None:
            raise MXNetError('MXNDArrayToDLPack: %r is not an NDArray handle' % (value,))
    cap = torch.utils.dlpack.to_dlpack(t.detach())
    ptr = _capsule_get_pointer(cap, _DLTENSOR)
    # the caller owns the DLManagedTensor now: the capsule must not run its deleter
    _capsule_set_name(cap, _USED_DLTENSOR)
    _capsule_set_destructor(cap, None)
    _out_slot(out, 'MXNDArrayToDLPack').value = ptr
    return 0


def MXNDArrayFree(handle):  # pylint: disable=invalid-name
    value = handle.value if isinstance(handle, ctypes.c_void_p) else handle
    with _LOCK:
        _HANDLES.pop(value, None)
    return 0


FUNCTIONS = {f.__name__: f for f in (MXNDArrayFromDLPack, MXNDArrayFromDLPackEx,
                                      MXNDArrayToDLPack, MXNDArrayFree)}
_LIB.install(FUNCTIONS)   # base's _LIB answers these names (base sits below mx.nd)
