"""The NDArray handle: the class and the helpers every part of ``mxnet.ndarray`` shares.

An NDArray is a thin mutable handle on a torch.Tensor. The handle owns ``_data`` (the tensor);
in-place operations (``x[:] = v``, ``x += 1``, ``out=``) write into that tensor so every
reference to the handle sees the change. Autograd metadata (``_grad``, ``_grad_req``) lives
beside it; see :mod:`mxnet.autograd`.

This module holds the class, the handle helpers (``_wrap``, ``_opctx``, ``_assign``,
``_scalar_for``, the storage-type tables...) and ``_record_op``; MXNet's reshape codes
(``infer_reshape``, which ``NDArray.reshape`` needs) are the operator layer's
(``mxnet/_ops/shape.py``). The arithmetic fast path is in ``_arith.py``, creation and the
module-level helpers in ``_creation.py``; ``ndarray.py`` re-exports all of it as
``mxnet.ndarray.ndarray``.

Only ``_capi`` is below this module in the package's order (``mxnet/ndarray/__init__.py``):
it imports no module above it. What NDArray needs of the modules above is installed here by
them when they load (``_install()`` at the end of each):

* ``_arith``: the globals ``_binary``, ``_inplace``, ``_unary_neg`` (the arithmetic dunders);
* ``indexing``: ``NDArray.__getitem__``, ``__setitem__``, ``slice_assign``,
  ``_basic_indexing_slice_is_contiguous``;
* ``sparse``: ``NDArray.tostype`` and the global ``_sparse_zeros`` (sparse gradient buffers);
* ``serialization``: ``NDArray.__getstate__``, ``__setstate__`` (pickling);
* ``op``: the global ``_op``, the operator module (``x.flatten()``, ``abs(x)``...).

Each installed method is the upper module's function itself, set on the class.
"""
import ctypes

import numpy as np
import torch

from ..base import MXNetError, torch_dtype, _TORCH_TO_NPTYPE, integer_types
from ..context import Context, current_context, context_of
from .. import _state, engine as _engine
from .._tape import (INT_GRAD as _INT_GRAD, replay as _replay, record as _record,
                     check_grad_req as _check_grad_req, make_variable as _make_variable,
                     backward as _backward)
from .._ops.shape import infer_reshape, _reverse_codes  # noqa: F401  (ndarray.py re-exports)
from ._capi import take_handle as _take_handle  # (importing _capi installs it in base._LIB)

_STATE = _state.state
_E = _engine.E

# MXNet's storage-type ids (include/mxnet/ndarray.h); remx stores only 'default' arrays
_STORAGE_TYPE_UNDEFINED = -1
_STORAGE_TYPE_DEFAULT = 0
_STORAGE_TYPE_ROW_SPARSE = 1
_STORAGE_TYPE_CSR = 2
_STORAGE_TYPE_STR_TO_ID = {'undefined': _STORAGE_TYPE_UNDEFINED, 'default': _STORAGE_TYPE_DEFAULT,
                           'row_sparse': _STORAGE_TYPE_ROW_SPARSE, 'csr': _STORAGE_TYPE_CSR}
_STORAGE_TYPE_ID_TO_STR = {v: k for k, v in _STORAGE_TYPE_STR_TO_ID.items()}
py_slice = slice  # MXNet's ndarray module keeps the builtin under this name
_new = object.__new__
_no_grad = torch.no_grad

# The arithmetic dunders of NDArray (``x + y``, ``x += y``, ``-x``) call these three functions of
# the fast path, which need NDArray itself (and ``array``), so they live in _arith.py; _arith
# binds them here when it is imported (ndarray.py imports it), so that the modules import one
# way only and the dunders still make a single global lookup.
_binary = _inplace = _unary_neg = None
# The generated operator functions (the module mxnet.ndarray.op, installed by op.py) for the
# methods that run an operator, and sparse.zeros (installed by sparse.py) for sparse gradient
# buffers.
_op = None
_sparse_zeros = None


def _wrap(t, ctx=None):
    """New NDArray handle on tensor t (no copy).

    ``ctx`` is the Context to remember when t's device alone does not say it (cpu(i > 0),
    cpu_pinned(i)): pass ``Context._tag`` for arrays created on a context and
    ``_opctx(first_input)`` for operator outputs; None means "the device's context".
    """
    a = _new(NDArray)
    a._data = t
    a._grad = None
    a._grad_req = 'null'
    a._ctx = ctx
    return a


def _opctx(x):
    """The ``_ctx`` of an operator output whose first input is NDArray x (MXNet runs an operator
    on its first input's context; cpu_pinned(i) inputs compute on cpu(i))."""
    c = x._ctx
    return c if c is None else c._opc


def _to_tensor_device(ctx):
    if ctx is None:
        ctx = current_context()
    elif not isinstance(ctx, Context):
        ctx = Context(ctx)
    return ctx, ctx.torch_device


def _shape_str(shape):
    return 'x'.join(str(d) for d in shape)


class NDArray:
    """An array on a context (``cpu(0)``, ``gpu(0)``) with MXNet's semantics."""
    # _fresh (set by autograd when backward writes this variable's gradient, cleared by
    # Trainer.step; read and written as MXNet's ``_fresh_grad``) is left unset on ordinary
    # arrays. _node (set by autograd only while recording, see autograd.get_symbol) is left
    # unset on ordinary arrays; read it with getattr(x, '_node', None). _ip (integer arrays in
    # a recorded graph only, see "integer autograd" below) is likewise left unset.
    # _var (mxnet/engine.py's dependency record) is set only on arrays the engine has seen
    # pending or failed; read it with getattr(x, '_var', None).
    __slots__ = ('_data', '_grad', '_grad_req', '_ctx', '_fresh', '_node', '_ip', '_var',
                 '__weakref__')
    __array_priority__ = 1000.0
    __module__ = 'mxnet.ndarray.ndarray'  # its public home (pickles and reprs name it, as MXNet)

    def __init__(self, handle=None, writable=True):
        if handle is None:
            handle = torch.empty((0,), dtype=torch.float32)
        elif isinstance(handle, ctypes.c_void_p):  # a handle from _LIB.MXNDArrayFromDLPack
            handle = _take_handle(handle)
        if isinstance(handle, NDArray):
            handle = handle._data
        if not isinstance(handle, torch.Tensor):
            raise MXNetError('NDArray(handle) expects a torch.Tensor, got %s' % type(handle))
        self._data = handle
        self._grad = None
        self._grad_req = 'null'
        self._ctx = None

    # -- basic attributes ----------------------------------------------------------------
    @property
    def shape(self):
        return tuple(self._data.shape)

    @property
    def size(self):
        return self._data.numel()

    @property
    def ndim(self):
        return self._data.dim()

    @property
    def dtype(self):
        return _TORCH_TO_NPTYPE[self._data.dtype]

    @property
    def context(self):
        c = self._ctx
        return c if c is not None else context_of(self._data.device)

    ctx = context

    @property
    def stype(self):
        return 'default'

    @property
    def handle(self):
        return self._data

    @property
    def writable(self):
        return True

    @property
    def T(self):
        if self.ndim > 2:
            raise MXNetError('Only 2D matrix is allowed to be transposed')
        if self.ndim == 2:
            out = _wrap(self._data.t().contiguous(), _opctx(self))
            if _STATE.recording:
                if self._data.requires_grad:
                    _record_op('transpose', None, self, out)
                elif _INT_GRAD[0]:
                    _replay(out, lambda p: p.t(), self)
            return out
        return self.copy()

    @property
    def grad(self):
        return self._grad

    @property
    def _fresh_grad(self):
        """Whether a backward wrote this array's gradient since the flag was last cleared."""
        try:
            return self._fresh
        except AttributeError:
            return False

    @_fresh_grad.setter
    def _fresh_grad(self, value):
        self._fresh = bool(value)

    # tostype(stype): installed by sparse.py

    # -- conversion ------------------------------------------------------------------------
    def asnumpy(self):
        """A numpy copy of the array (blocks until computed)."""
        if _E.slow:
            _engine.wait_array(self)
        t = self._data
        if t.requires_grad:
            t = t.detach()
        if t.device.type != 'cpu':
            return t.cpu().numpy()
        return t.numpy().copy()

    def asscalar(self):
        if self.size != 1:
            raise ValueError('The current array is not a scalar')
        if self.ndim != 1 and self.ndim != 0:
            pass
        return self.asnumpy().reshape(())[()]

    def astype(self, dtype, copy=True):
        if _E.slow and (copy or torch_dtype(dtype) != _meta_dtype(self)):
            return engine_call('Cast', lambda arrs: NDArray._astype(arrs[0], dtype, copy),
                               [self], self._ctx)
        return self._astype(dtype, copy)

    def _astype(self, dtype, copy=True):
        td = torch_dtype(dtype)
        if not copy and td == self._data.dtype:
            return self
        with _no_grad() if (self._data.requires_grad and not _STATE.recording) else _nullctx:
            out = _wrap(self._data.to(td, copy=True), self._ctx)
        if _STATE.recording:
            if self._data.requires_grad:
                _record_op('_copyto', None, self, out)
            elif _INT_GRAD[0]:
                _replay(out, lambda p: p.to(td) if td.is_floating_point else p, self)
        return out

    def copy(self):
        return self.copyto(self.context)

    def copyto(self, other):
        """Copy into another NDArray (same shape) or onto a Context (new array)."""
        if isinstance(other, NDArray):
            if other is self:
                return other
            if other.shape != self.shape:
                raise MXNetError('copyto: shape mismatch, source %s vs target %s'
                                 % (self.shape, other.shape))
            _assign(other, self._data)
            return other
        if isinstance(other, Context):
            if _E.slow:
                return engine_call('_copyto', lambda arrs: NDArray._copyto_ctx(arrs[0], other),
                                   [self], other._tag)
            return self._copyto_ctx(other)
        raise TypeError('copyto does not support type ' + str(type(other)))

    def _copyto_ctx(self, other):
        src = self._data
        if _STATE.recording or not src.requires_grad:
            t = src.to(other.torch_device, copy=True)
        else:
            with _no_grad():
                t = src.to(other.torch_device, copy=True)
        out = _wrap(t, other._tag)
        if _STATE.recording:
            if src.requires_grad:
                _record_op('_copyto', None, self, out)
            elif _INT_GRAD[0]:
                _replay(out, lambda p: p.to(other.torch_device, copy=True), self)
        return out

    def as_in_context(self, context):
        if self.context == context:
            return self
        return self.copyto(context)

    def as_nd_ndarray(self):
        return self

    def as_np_ndarray(self):
        raise MXNetError('mx.np arrays are not implemented in remx yet')

    def detach(self):
        return _wrap(self._data.detach(), self._ctx)

    def wait_to_read(self):
        """Wait until the array's value is computed; raises the error of a failed operator
        that computed it (once)."""
        if _E.slow:
            _engine.wait_array(self)
        if self._data.is_cuda:
            torch.cuda.current_stream(self._data.device).synchronize()

    def wait_to_write(self):
        """Wait until every pending operator reading or writing the array finished."""
        if _E.slow:
            _engine.wait_array(self, write=True)
        if self._data.is_cuda:
            torch.cuda.current_stream(self._data.device).synchronize()

    def to_dlpack_for_read(self):
        return torch.utils.dlpack.to_dlpack(self._data.detach())

    to_dlpack_for_write = to_dlpack_for_read

    def __dlpack__(self, stream=None):
        return self._data.detach().__dlpack__()

    def __dlpack_device__(self):
        return self._data.__dlpack_device__()

    # -- printing, python protocol -----------------------------------------------------------
    def __repr__(self):
        return '\n%s\n<%s %s @%s>' % (str(self.asnumpy()), type(self).__name__,
                                      _shape_str(self.shape), self.context)

    __str__ = __repr__

    def __len__(self):
        if self.ndim == 0:
            raise TypeError('len() of unsized object')
        return self._data.shape[0]

    def __iter__(self):
        if self.ndim == 0:
            raise TypeError('iteration over a 0-d array')
        for i in range(self._data.shape[0]):
            yield self[i]

    def __bool__(self):
        n = self.size
        if n == 0:
            return False
        if n == 1:
            return bool(self.asnumpy().reshape(-1)[0])
        raise ValueError('The truth value of an NDArray with multiple elements is ambiguous.')

    __nonzero__ = __bool__

    def __float__(self):
        return float(self.asscalar())

    def __int__(self):
        return int(self.asscalar())

    def __index__(self):
        if self.size == 1 and np.issubdtype(self.dtype, np.integer):
            return int(self.asscalar())
        raise TypeError('only integer scalar arrays can be converted to a scalar index')

    __hash__ = object.__hash__

    # __getstate__ / __setstate__: installed by serialization.py

    def __reduce__(self):
        # the same reduce tuple as MXNet's, so pickles move both ways
        return (NDArray, (None,), self.__getstate__())

    def __array__(self, dtype=None, copy=None):
        a = self.asnumpy()
        return a.astype(dtype) if dtype is not None else a

    # -- shape -------------------------------------------------------------------------------
    def reshape(self, *shape, **kwargs):
        """Reshape with MXNet's special codes 0, -1, -2, -3, -4 (and ``reverse=True``).

        Basic reshapes share memory with the source, as in MXNet.
        """
        if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
            shape = shape[0]
        elif not shape:
            shape = kwargs.pop('shape', None)
            if shape is None:
                raise MXNetError('reshape: shape is required')
        reverse = kwargs.pop('reverse', False)
        if kwargs:
            raise TypeError('Got unknown keywords in reshape: %s. Accepted keyword arguments '
                            'are "shape" and "reverse".' % ', '.join(kwargs))
        new = infer_reshape(self.shape, tuple(shape), reverse, exact=False)
        t = self._data
        size = 1
        for d in new:
            size *= d
        total = t.numel()
        if size != total:
            # MXNet's C reshape accepts a smaller target and its Python wrapper then refuses it
            if size > total:
                raise MXNetError('NDArray.Reshape: Check failed: shape_.Size() >= shape.Size() '
                                 '(%d vs. %d) : target shape size is larger than the current '
                                 'shape' % (total, size))
            raise ValueError('Cannot reshape array of size %d into shape %s'
                             % (total, tuple(shape)))
        try:
            v = t.view(new)
        except RuntimeError:
            v = t.reshape(new)
        out = _wrap(v, self._ctx)
        if _STATE.recording:
            if t.requires_grad:
                _record_op('Reshape', {'shape': '[%s]' % ','.join(str(d) for d in new)}, self,
                           out)
            elif _INT_GRAD[0]:
                _replay(out, lambda p: p.reshape(new), self)
        return out

    def flatten(self, inplace=False):
        """Collapse all axes but the first: (d1, d2*...*dk); ``inplace=True`` returns a view
        sharing memory with this array, otherwise a copy (the ``Flatten`` operator)."""
        if not inplace:
            return _op.flatten(self)
        return self.reshape((0, -1))

    def expand_dims(self, axis, inplace=False):
        """Insert an axis of size 1 at ``axis`` (in [-ndim-1, ndim]); ``inplace=True`` returns
        a view sharing memory with this array."""
        if not inplace:
            return _op.expand_dims(self, axis=axis)
        new_shape = list(self.shape)
        if not -len(new_shape) - 1 <= axis <= len(new_shape):
            raise AssertionError('axis %s is out of range for %dd array' % (axis, len(new_shape)))
        if axis < 0:
            axis += len(new_shape) + 1
        new_shape.insert(axis, 1)
        return self.reshape(new_shape)

    def squeeze(self, axis=None, inplace=False):
        """Remove axes of size 1 (all of them, or those in ``axis``); ``inplace=True`` returns
        a view sharing memory with this array. A result with no axes left has shape (1,)."""
        if not inplace:
            return _op.squeeze(self, axis=axis)
        new_shape = list(self.shape)
        axes = [axis] if isinstance(axis, integer_types) else axis
        if axes:
            if len(axes) != len(set(axes)):
                raise AssertionError('axis %s contains duplicate which is not allowed.'
                                     % (axes,))
            for a in axes:
                if not -len(new_shape) <= a < len(new_shape):
                    raise AssertionError('axis %s is out of range for %dd array'
                                         % (a, len(new_shape)))
                if new_shape[a] != 1:
                    raise AssertionError('Squeeze target axis %s must be size 1, got %d.'
                                         % (a, new_shape[a]))
            for i in sorted((a % len(new_shape) for a in axes), reverse=True):
                del new_shape[i]
        else:
            new_shape = [d for d in new_shape if d != 1]
        return self.reshape(new_shape or [1])

    def reshape_like(self, *args, **kwargs):
        return _op.reshape_like(self, *args, **kwargs)

    def broadcast_to(self, shape):
        return _op.broadcast_to(self, shape=shape)

    def broadcast_like(self, other):
        return _op.broadcast_like(self, other)

    # -- autograd ----------------------------------------------------------------------------
    def attach_grad(self, grad_req='write', stype=None):
        """Allocate a gradient buffer; ``backward`` writes (or adds) this array's gradient there."""
        _check_grad_req(grad_req)
        if stype is None:
            stype = self.stype  # MXNet: the gradient's storage type defaults to the array's
        _make_variable(self, None if grad_req == 'null' else _grad_buffer(self, stype), grad_req)

    def backward(self, out_grad=None, retain_graph=False, train_mode=True):
        _backward([self], None if out_grad is None else [out_grad], retain_graph, train_mode)

    # -- indexing ------------------------------------------------------------------------------
    # __getitem__, __setitem__, slice_assign, _basic_indexing_slice_is_contiguous: installed
    # by indexing.py

    def slice_assign_scalar(self, value, begin, end, step):
        return self.slice_assign(value, begin, end, step)

    # -- arithmetic (broadcast ops for arrays, *_scalar ops for numbers) ------------------------
    def __add__(self, other):
        return _binary(self, other, 'add')

    def __radd__(self, other):
        return _binary(self, other, 'add')

    def __sub__(self, other):
        return _binary(self, other, 'sub')

    def __rsub__(self, other):
        return _binary(self, other, 'rsub')

    def __mul__(self, other):
        return _binary(self, other, 'mul')

    def __rmul__(self, other):
        return _binary(self, other, 'mul')

    def __truediv__(self, other):
        return _binary(self, other, 'div')

    def __rtruediv__(self, other):
        return _binary(self, other, 'rdiv')

    __div__ = __truediv__
    __rdiv__ = __rtruediv__

    def __floordiv__(self, other):
        raise MXNetError('NDArray does not support floor division (//); use floor(a / b)')

    def __mod__(self, other):
        return _binary(self, other, 'mod')

    def __rmod__(self, other):
        return _binary(self, other, 'rmod')

    def __pow__(self, other):
        return _binary(self, other, 'pow')

    def __rpow__(self, other):
        return _binary(self, other, 'rpow')

    def __neg__(self):
        return _unary_neg(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return _op.abs(self)

    def __eq__(self, other):
        if other is None:
            return False
        return _binary(self, other, 'eq')

    def __ne__(self, other):
        if other is None:
            return True
        return _binary(self, other, 'ne')

    def __gt__(self, other):
        return _binary(self, other, 'gt')

    def __ge__(self, other):
        return _binary(self, other, 'ge')

    def __lt__(self, other):
        return _binary(self, other, 'lt')

    def __le__(self, other):
        return _binary(self, other, 'le')

    def __iadd__(self, other):
        return _inplace(self, other, 'add')

    def __isub__(self, other):
        return _inplace(self, other, 'sub')

    def __imul__(self, other):
        return _inplace(self, other, 'mul')

    def __itruediv__(self, other):
        return _inplace(self, other, 'div')

    __idiv__ = __itruediv__

    def __imod__(self, other):
        return _inplace(self, other, 'mod')

    def __ipow__(self, other):
        return _inplace(self, other, 'pow')


class _NullCtx:
    def __enter__(self):
        return None

    def __exit__(self, *a):
        return False


_nullctx = _NullCtx()


def _slices(begin, end, step):
    step = step or [None] * len(begin)
    return tuple(slice(b, e, s) for b, e, s in zip(begin, end, step))


def _grad_buffer(arr, stype):
    """attach_grad's zero gradient buffer for arr, of storage type ``stype``."""
    if stype == 'default':
        return _wrap(torch.zeros_like(arr._data, requires_grad=False), _opctx(arr))
    if stype in ('csr', 'row_sparse'):
        return _sparse_zeros(stype, arr.shape, ctx=arr.context, dtype=arr.dtype)
    raise MXNetError("attach_grad: unknown storage type '%s'" % stype)


# ---------------------------------------------------------------------------------------------
# in-place assignment, python scalars cast to an array's dtype
def _assign(dst, src):
    """Write tensor/number src into dst's tensor in place (broadcasting, dtype cast)."""
    if _E.slow:
        before_write(dst)
    if type(dst) is not NDArray:  # a sparse NDArray keeps its compressed storage (sparse.py)
        return dst._assign_from(src)
    t = dst._data
    if isinstance(src, torch.Tensor) and src.device != t.device:
        src = src.to(t.device)
    if _STATE.recording and not (t.is_leaf and t.requires_grad):
        t.copy_(src) if isinstance(src, torch.Tensor) else t.fill_(src)
    else:
        with _no_grad():
            t.copy_(src) if isinstance(src, torch.Tensor) else t.fill_(src)


def _scalar_for(t, s):
    """MXNet casts a python scalar to the array's dtype before a scalar op."""
    if t.is_floating_point():
        return float(s)
    if t.dtype is torch.bool:
        return bool(s)
    try:
        return int(s)
    except (OverflowError, ValueError):  # inf / nan
        return _nonfinite_as_int(t.dtype)


def _nonfinite_as_int(dtype):
    """What MXNet's static_cast of an infinite or NaN scalar to an integer dtype gives on x86
    (the 'integer indefinite' 0x80000000..., whose low byte is 0 for 8-bit types)."""
    if dtype in (torch.int32, torch.int64):
        return torch.iinfo(dtype).min
    return 0


# ---------------------------------------------------------------------------------------------
# recorded history (mxnet/_tape.py) of a one-input operator called by an NDArray method
def _record_op(op, attrs, x, out):
    _record(op, attrs, (x,), (out,))


class _Pending(NDArray):
    """An NDArray whose operator is still running on an engine worker (mxnet/engine.py). It has
    no ``_data`` yet: asking for it waits for the operator, which then sets ``_data`` and turns
    the array back into a plain NDArray."""
    __slots__ = ()
    __module__ = 'mxnet.ndarray.ndarray'

    def __getattr__(self, name):
        v = object.__getattribute__(self, '_var')
        _engine._wait_op(v.writer)
        if type(self) is _Pending:   # the op died before setting its output (engine bug)
            raise MXNetError('engine: a pending array was not computed')
        return getattr(self, name)

    # shape and dtype are known at the call, as in MXNet (the op's shape rule): no wait
    @property
    def shape(self):
        m = self._var.meta
        return tuple(self._data.shape) if m is None else tuple(m.shape)

    @property
    def dtype(self):
        m = self._var.meta
        return _TORCH_TO_NPTYPE[self._data.dtype if m is None else m.dtype]

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def size(self):
        m = self._var.meta
        return self._data.numel() if m is None else m.numel()


def _pending(ctx):
    """A new pending array (see _Pending) with a fresh Var, for an op pushed to the engine."""
    a = _new(_Pending)
    a._grad = None
    a._grad_req = 'null'
    a._ctx = ctx
    a._var = _engine.Var()
    return a


def before_write(dst):
    """Before writing into ``dst`` in place: wait for the pending ops reading or writing it.
    A failure that reached ``dst`` stays on it (MXNet skips an operator whose arrays carry an
    error and passes the error on)."""
    v = getattr(dst, '_var', None)
    if v is not None:
        _engine.wait_deps(v, write=True)


def engine_call(name, fn, arrays, ctx, may_push=True, check=None):
    """Run one operator through the engine's slow path (mxnet/engine.py). ``fn(arrays)``
    computes it now on the arrays' values and returns its NDArray output (or a list of them);
    ``arrays`` are its inputs (NDArrays, None, numbers); ``ctx``: the outputs' ``_ctx``;
    ``may_push``: the op has one output and no ``out=``, so it can run on a worker;
    ``check()``: before pushing, the op's output as a meta tensor (shape and dtype), or None
    when the op must run here (its shape errors and failed allocations are raised at the call,
    as MXNet raises them)."""
    nds = [a for a in arrays if isinstance(a, NDArray)]
    if _E.failures:
        cell = _engine.failure_in(nds)
        if cell is not None:
            return _carry(fn, arrays, cell)
    if may_push and nds and _E.threaded and not _STATE.recording and not _engine.on_worker():
        dense = True     # dense CPU arrays only (CUDA's stream is the GPU's engine)
        pending = False
        for a in nds:
            t = type(a)
            if t is _Pending:
                pending = True
            elif t is not NDArray or a._data.is_cuda:
                dense = False
        if dense and (pending or nds[0]._data.numel() >= _E.inline_size):
            meta = None if check is None else check()
            if check is None or meta is not None:
                return _push(name, fn, arrays, nds, ctx, meta)
    if _E.profile is None or name is None:
        return fn(arrays)
    t0 = _engine.now_ns()
    out = fn(arrays)
    _engine.report(name, t0, _engine.now_ns())
    return out


def _carry(fn, arrays, cell):
    """An op with an input a failure reached: its outputs carry the failure on (their values,
    computed from the placeholders, are never seen)."""
    try:
        out = fn(arrays)
    except Exception:  # noqa: BLE001 - no outputs can be made: the failure surfaces now
        _engine.raise_failure(cell)
        raise
    _engine.mark_failed(out if isinstance(out, (list, tuple)) else [out], cell)
    return out


def _meta_dtype(a):
    return meta_of(a).dtype


def meta_of(a):
    """A meta tensor with the shape and dtype of NDArray ``a`` (pending: the ones it will
    have, when known; else this waits for it)."""
    if type(a) is _Pending:
        m = a._var.meta
        if m is not None:
            return m
    t = a._data
    return torch.empty(t.shape, dtype=t.dtype, device='meta')


def _push(name, fn, arrays, nds, ctx, meta=None):
    """Push the op to the engine's workers; returns its pending output at once. The worker
    runs ``fn`` on handles of the inputs' tensors as they are now (pending inputs: their
    results), so later writes to the inputs wait for it (before_write) and rebinding them does
    not change what it reads."""
    o = _pending(ctx)
    o._var.meta = meta
    snaps = [(a if type(a) is _Pending else _wrap(a._data, a._ctx))
             if isinstance(a, NDArray) else a for a in arrays]
    pend = [a for a in snaps if type(a) is _Pending]
    # an op a custom op's forward pushes is reported under the custom op's name (op_scope)
    scope = _engine.current_scope()
    # and runs in the caller's train/predict mode (thread-local: Dropout, BatchNorm read it)
    training = _STATE.training

    def run():
        r = None
        if scope is not None:
            _engine.set_scope(scope)
        _STATE.training = training
        try:
            cell = _engine.failure_in(pend) if pend else None
            if cell is not None:
                try:
                    r = fn(snaps)
                except Exception:  # noqa: BLE001 - the placeholder only carries the failure
                    r = None
                o._var.failure = cell
            elif _E.profile is None or name is None:
                r = fn(snaps)
            else:
                t0 = _engine.now_ns()
                r = fn(snaps)
                _engine.report(name, t0, _engine.now_ns())
        finally:
            if isinstance(r, NDArray):
                o._data = r._data
                v = getattr(r, '_var', None)
                if v is not None and v.failure is not None:
                    o._var.failure = v.failure
            else:   # the op failed: a placeholder of the shape it announced carries the error
                o._data = torch.zeros((0,)) if meta is None else \
                    torch.zeros(meta.shape, dtype=meta.dtype)
            o.__class__ = NDArray
            _STATE.training = False
            if scope is not None:
                _engine.set_scope(None)
    _engine.push(run, [_engine.var_of(a) for a in nds], [o._var], name)
    return o
