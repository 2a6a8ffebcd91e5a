"""NDArray: MXNet's n-dimensional array, a thin mutable handle on a torch.Tensor.

The handle owns ``_data`` (the tensor); in-place operations (``x[:] = v``, ``x += 1``, ``out=``)
write into that tensor so every reference to the handle sees the change. Autograd metadata
(``_grad``, ``_grad_req``) lives beside it; see :mod:`mxnet.autograd`.
"""
import ctypes
import operator as _pyop

import numpy as np
import torch

from ..base import (MXNetError, np_dtype, torch_dtype, _NP_TO_TORCH, _TORCH_TO_NPTYPE,
                    numeric_types, integer_types, _Null)
from ..context import Context, current_context, context_of, _CPU
from .. import _state
from .._tape import (INT_GRAD as _INT_GRAD, proxy as _proxy, in_graph as _in_graph,
                     set_proxy as _set_proxy, replay as _replay, record as _record)

__all__ = ['NDArray', 'array', 'empty', 'zeros', 'ones', 'full', 'arange', 'linspace', 'eye',
           'zeros_like', 'ones_like', 'full_like', 'waitall', 'add', 'subtract', 'multiply',
           'divide', 'true_divide', 'modulo', 'power', 'maximum', 'minimum', 'equal',
           'not_equal', 'greater', 'greater_equal', 'lesser', 'lesser_equal', 'logical_and',
           'logical_or', 'logical_xor', 'negative', 'from_numpy', 'from_dlpack', 'moveaxis',
           'onehot_encode', 'concatenate', 'to_dlpack_for_read', 'to_dlpack_for_write',
           'histogram', 'imdecode', 'split_v2']

_STATE = _state.state

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
    __slots__ = ('_data', '_grad', '_grad_req', '_ctx', '_fresh', '_node', '_ip', '__weakref__')
    __array_priority__ = 1000.0

    def __init__(self, handle=None, writable=True):
        if handle is None:
            handle = torch.empty((0,), dtype=torch.float32)
        elif isinstance(handle, ctypes.c_void_p):  # a handle from _LIB.MXNDArrayFromDLPack
            from ._capi import take_handle
            handle = take_handle(handle)
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

    def tostype(self, stype):
        """This array in storage type ``stype`` ('default', 'csr', 'row_sparse'); a dense
        array asked for 'default' is returned itself, as in MXNet."""
        if stype == 'default':
            return self
        from .sparse import _dense_to_sparse
        return _dense_to_sparse(self, stype)

    # -- conversion ------------------------------------------------------------------------
    def asnumpy(self):
        """A numpy copy of the array (blocks until computed)."""
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
        raise TypeError('copyto does not support type ' + str(type(other)))

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
        if self._data.is_cuda:
            torch.cuda.current_stream(self._data.device).synchronize()

    wait_to_write = wait_to_read

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

    def __getstate__(self):
        from .serialization import dumps_array
        return {'handle': bytearray(dumps_array(self))}

    def __setstate__(self, state):
        from .serialization import loads_array
        h = state['handle']
        if h is None:
            t = torch.empty((0,))
        else:
            t = loads_array(h)._data
        self._data = t
        self._grad = None
        self._grad_req = 'null'
        self._ctx = None

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
            from . import op
            return op.flatten(self)
        return self.reshape((0, -1))

    def expand_dims(self, axis, inplace=False):
        """Insert an axis of size 1 at ``axis`` (in [-ndim-1, ndim]); ``inplace=True`` returns
        a view sharing memory with this array."""
        if not inplace:
            from . import op
            return op.expand_dims(self, axis=axis)
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
            from . import op
            return op.squeeze(self, axis=axis)
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
        from . import op
        return op.reshape_like(self, *args, **kwargs)

    def broadcast_to(self, shape):
        from . import op
        return op.broadcast_to(self, shape=shape)

    def broadcast_like(self, other):
        from . import op
        return op.broadcast_like(self, other)

    # -- autograd ----------------------------------------------------------------------------
    def attach_grad(self, grad_req='write', stype=None):
        """Allocate a gradient buffer; ``backward`` writes (or adds) this array's gradient there."""
        from .. import autograd
        autograd._attach_grad(self, grad_req, stype)

    def backward(self, out_grad=None, retain_graph=False, train_mode=True):
        from .. import autograd
        autograd.backward([self], None if out_grad is None else [out_grad],
                          retain_graph=retain_graph, train_mode=train_mode)

    # -- indexing ------------------------------------------------------------------------------
    @staticmethod
    def _basic_indexing_slice_is_contiguous(slc_key, shape):
        """Whether ``slc_key`` (one slice per axis of ``shape``) selects contiguous memory."""
        from .indexing import slice_is_contiguous
        if len(slc_key) != len(shape):
            raise AssertionError('the key needs one slice per axis')
        return slice_is_contiguous(slc_key, shape)

    def __getitem__(self, key):
        from .indexing import getitem
        return getitem(self, key)

    def __setitem__(self, key, value):
        from .indexing import setitem
        setitem(self, key, value)

    def slice_assign(self, rhs, begin, end, step):
        from .indexing import setitem
        setitem(self, _slices(begin, end, step), rhs)
        return self

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
        from . import op
        return op.abs(self)

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


# ---------------------------------------------------------------------------------------------
# reshape with MXNet's special codes
def infer_reshape(src, target, reverse=False, exact=True):
    """Resolve MXNet reshape codes against src shape -> concrete tuple (raises MXNetError).

    With ``exact=False`` (NDArray.reshape) the result may differ in size from ``src``: a -1 is
    inferred by floor division and the caller checks the size, as MXNet's C reshape does."""
    if reverse:
        res = infer_reshape(tuple(reversed(src)), _reverse_codes(target), False, exact)
        return tuple(reversed(res))
    out = []
    i = 0  # index into src
    j = 0
    infer_at = -1
    n = len(target)
    while j < n:
        c = target[j]
        if c == 0:
            if i >= len(src):
                raise MXNetError('reshape: code 0 at position %d has no source dimension '
                                 '(source shape %s, target %s)' % (j, src, target))
            out.append(src[i])
            i += 1
        elif c == -1:
            if infer_at >= 0:
                raise MXNetError('reshape: one and only one dim can be inferred (target %s)'
                                 % (target,))
            infer_at = len(out)
            out.append(-1)
            i += 1
        elif c == -2:
            out.extend(src[i:])
            i = len(src)
        elif c == -3:
            if i + 1 >= len(src):
                raise MXNetError('reshape: -3 needs two source dims (source %s, target %s)'
                                 % (src, target))
            out.append(src[i] * src[i + 1])
            i += 2
        elif c == -4:
            if j + 2 >= n or i >= len(src):
                raise MXNetError('reshape: -4 needs two following dims (target %s)' % (target,))
            d0, d1 = target[j + 1], target[j + 2]
            s = src[i]
            if d0 == -1 and d1 == -1:
                raise MXNetError('reshape: -4 split dims cannot both be -1')
            if d0 == -1:
                d0 = s // d1 if d1 else 0
            if d1 == -1:
                d1 = s // d0 if d0 else 0
            if d0 * d1 != s:
                raise MXNetError('reshape: -4 split %d into %d x %d does not match (source %s, '
                                 'target %s)' % (s, d0, d1, src, target))
            out.extend([d0, d1])
            i += 1
            j += 2
        elif c > 0:
            out.append(c)
            i += 1
        else:
            raise MXNetError('reshape: invalid shape code %d in %s' % (c, target))
        j += 1
    total = 1
    for d in src:
        total *= d
    if infer_at >= 0:
        known = 1
        for k, d in enumerate(out):
            if k != infer_at:
                known *= d
        if known == 0 or (exact and total % known):
            raise MXNetError('Cannot reshape array of shape %s into shape %s'
                             % (src, tuple(target)))
        out[infer_at] = total // known
    if not exact:
        return tuple(out)
    size = 1
    for d in out:
        size *= d
    if size != total:
        raise MXNetError('Cannot reshape array of shape %s into shape %s (target size %d != '
                         'source size %d)' % (src, tuple(target), size, total))
    return tuple(out)


def _reverse_codes(target):
    # MXNet reverses the codes literally: with reverse=True a -4 follows its two split dims,
    # (16, 4, -4) splits into (16, 4)
    return tuple(reversed(tuple(target)))


# ---------------------------------------------------------------------------------------------
# in-place assignment and binary arithmetic
def _assign(dst, src):
    """Write tensor/number src into dst's tensor in place (broadcasting, dtype cast)."""
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


def _mx_mod(a, b):
    from .._ops.elemwise import mod   # MXNet's %: 0 where the divisor is 0
    return mod(a, b)


def _int_div(a, b):
    return torch.div(a, b, rounding_mode='trunc')


def _rdiv_op(a, b):
    return torch.div(b, a) if a.is_floating_point() else torch.div(b, a, rounding_mode='trunc')


def _cmp(fn):
    def f(a, b):
        return fn(a, b).to(a.dtype)
    return f


_TORCH_BIN = {
    'add': torch.add,
    'sub': torch.sub,
    'rsub': lambda a, b: torch.sub(b, a),
    'mul': torch.mul,
    'div': torch.div,
    'rdiv': _rdiv_op,
    'mod': lambda a, b: _mx_mod(a, b),
    'rmod': lambda a, b: _mx_mod(b, a),
    'pow': torch.pow,
    'rpow': lambda a, b: torch.pow(b, a),
    'eq': _cmp(torch.eq), 'ne': _cmp(torch.ne), 'gt': _cmp(torch.gt), 'ge': _cmp(torch.ge),
    'lt': _cmp(torch.lt), 'le': _cmp(torch.le),
    'max': lambda a, b: torch.maximum(a, b) if isinstance(b, torch.Tensor) else torch.clamp_min(a, b),
    'min': lambda a, b: torch.minimum(a, b) if isinstance(b, torch.Tensor) else torch.clamp_max(a, b),
}
_INT_BIN = dict(_TORCH_BIN, div=_int_div)
# name of the broadcast / scalar registry op for each python operator (for error messages)
_OPNAMES = {
    'add': ('broadcast_add', '_plus_scalar'), 'sub': ('broadcast_sub', '_minus_scalar'),
    'rsub': ('broadcast_sub', '_rminus_scalar'), 'mul': ('broadcast_mul', '_mul_scalar'),
    'div': ('broadcast_div', '_div_scalar'), 'rdiv': ('broadcast_div', '_rdiv_scalar'),
    'mod': ('broadcast_mod', '_mod_scalar'), 'rmod': ('broadcast_mod', '_rmod_scalar'),
    'pow': ('broadcast_power', '_power_scalar'), 'rpow': ('broadcast_power', '_rpower_scalar'),
    'eq': ('broadcast_equal', '_equal_scalar'), 'ne': ('broadcast_not_equal', '_not_equal_scalar'),
    'gt': ('broadcast_greater', '_greater_scalar'),
    'ge': ('broadcast_greater_equal', '_greater_equal_scalar'),
    'lt': ('broadcast_lesser', '_lesser_scalar'),
    'le': ('broadcast_lesser_equal', '_lesser_equal_scalar'),
    'max': ('broadcast_maximum', '_maximum_scalar'), 'min': ('broadcast_minimum', '_minimum_scalar'),
}


def _binary(lhs, rhs, name):
    """lhs (NDArray) <op> rhs (NDArray or number), MXNet semantics."""
    a = lhs._data
    c = lhs._ctx
    if c is not None:
        c = c._opc
    if type(rhs) is NDArray or isinstance(rhs, NDArray):
        b = rhs._data
        if a.dtype is not b.dtype:
            raise MXNetError('Error in operator %s: Incompatible attr at 1-th input: expected '
                             '%s, got %s' % (_OPNAMES[name][0], np_dtype(a.dtype).name,
                                             np_dtype(b.dtype).name))
        fn = _TORCH_BIN[name] if a.is_floating_point() else _INT_BIN[name]
        try:
            if _STATE.recording or not (a.requires_grad or b.requires_grad):
                r = fn(a, b)
            else:
                with _no_grad():
                    r = fn(a, b)
        except RuntimeError as e:
            raise _binary_error(name, a, b, e) from None
        out = _wrap(r, c)
        if _STATE.recording:
            if a.requires_grad or b.requires_grad:
                _record_binary(out, name, lhs, rhs)
            elif _INT_GRAD[0]:
                _replay_binary(out, name, lhs, rhs)
        return out
    if isinstance(rhs, numeric_types):
        s = _scalar_for(a, rhs)
        fn = _TORCH_BIN[name] if a.is_floating_point() else _INT_BIN[name]
        try:
            if _STATE.recording or not a.requires_grad:
                r = fn(a, s)
            else:
                with _no_grad():
                    r = fn(a, s)
        except RuntimeError as e:
            raise MXNetError('Error in operator %s: %s' % (_OPNAMES[name][1], e)) from None
        if r.dtype is not a.dtype:
            r = r.to(a.dtype)
        out = _wrap(r, c)
        if _STATE.recording:
            if a.requires_grad:
                _record_scalar(out, name, lhs, rhs)
            elif _INT_GRAD[0]:
                _replay_binary(out, name, lhs, s)
        return out
    if isinstance(rhs, np.ndarray):
        return _binary(lhs, array(rhs, ctx=lhs.context, dtype=lhs.dtype), name)
    if isinstance(rhs, torch.Tensor):
        return _binary(lhs, _wrap(rhs), name)
    raise TypeError('type %s not supported' % str(type(rhs)))


def _binary_error(name, a, b, e):
    from .._alloc import is_alloc_failure, alloc_error
    if is_alloc_failure(e):  # the broadcast result does not fit in memory
        try:
            shape = tuple(torch.broadcast_shapes(a.shape, b.shape))
        except RuntimeError:
            shape = None
        return alloc_error('Error in operator %s' % _OPNAMES[name][0], shape, a.dtype, e,
                           context=' (input shapes: %s %s)' % (list(a.shape), list(b.shape)))
    return MXNetError('Error in operator %s: operands could not be broadcast together with '
                      'shapes %s %s (%s)' % (_OPNAMES[name][0], list(a.shape), list(b.shape),
                                             str(e).split('\n')[0]))


# MXNet's Imperative::RecordOp checks on an operator's outputs while recording: an output
# already in the graph (a variable, a recorded result: its tensor requires grad) is refused
# first; then, when some input is in the graph, an output that is also an input (x += y,
# x[idx] = y, relu(x, out=x)) is refused. (MXNet also refuses, until the next backward, outputs
# that were constant inputs of the graph being recorded; remx lets those through.)
_ASSIGN_IN_GRAPH = ('Check failed: AGInfo::IsNone(*output): Assigning to NDArrays that are '
                    'already in a computational graph will cause undefined behavior when '
                    'evaluating gradients. Please call backward first to clear the graph or do '
                    'this out side of a record section. Also note that you cannot use inplace '
                    'operations like +=, *=, relu(x, out=x), y[idx]=x, etc inside a record '
                    'section.')
_INPLACE_RECORDING = ('Check failed: AGInfo::IsNone(*output): Inplace operations (+=, -=, x[:]=, '
                      'etc) are not supported when recording with autograd.')


def _inplace(self, other, name):
    if _STATE.recording:
        if _in_graph(self):
            raise MXNetError(_ASSIGN_IN_GRAPH)
        if isinstance(other, NDArray) and _in_graph(other):
            raise MXNetError(_INPLACE_RECORDING)
    r = _binary(self, other, name)
    if r.shape != self.shape:
        raise MXNetError('in-place %s: result shape %s does not match array shape %s'
                         % (name, r.shape, self.shape))
    _assign(self, r._data)
    node = getattr(r, '_node', None)
    if node is not None:
        self._node = node
    return self


def _unary_neg(x):
    t = x._data
    if _STATE.recording or not t.requires_grad:
        out = _wrap(torch.neg(t) if t.dtype is not torch.bool else ~t, _opctx(x))
        if _STATE.recording:
            if t.requires_grad:
                _record_scalar(out, 'mul', x, -1.0)
            elif _INT_GRAD[0]:
                _replay(out, torch.neg, x)
        return out
    with _no_grad():
        return _wrap(torch.neg(t), _opctx(x))


def _ufunc(name, lhs, rhs, pyfn):
    if isinstance(lhs, numeric_types) and isinstance(rhs, numeric_types):
        return pyfn(lhs, rhs)
    if isinstance(lhs, NDArray):
        return _binary(lhs, rhs, name)
    if isinstance(rhs, NDArray):
        swapped = {'add': 'add', 'mul': 'mul', 'sub': 'rsub', 'div': 'rdiv', 'mod': 'rmod',
                   'pow': 'rpow', 'eq': 'eq', 'ne': 'ne', 'gt': 'lt', 'lt': 'gt', 'ge': 'le',
                   'le': 'ge', 'max': 'max', 'min': 'min'}[name]
        return _binary(rhs, lhs, swapped)
    raise TypeError('type %s not supported' % str(type(lhs)))


def add(lhs, rhs):
    """Element-wise sum with broadcasting (scalars allowed on either side)."""
    return _ufunc('add', lhs, rhs, _pyop.add)


def subtract(lhs, rhs):
    return _ufunc('sub', lhs, rhs, _pyop.sub)


def multiply(lhs, rhs):
    return _ufunc('mul', lhs, rhs, _pyop.mul)


def divide(lhs, rhs):
    return _ufunc('div', lhs, rhs, _pyop.truediv)


true_divide = divide


def modulo(lhs, rhs):
    return _ufunc('mod', lhs, rhs, _pyop.mod)


def power(base, exp):
    return _ufunc('pow', base, exp, _pyop.pow)


def maximum(lhs, rhs):
    return _ufunc('max', lhs, rhs, lambda a, b: a if a > b else b)


def minimum(lhs, rhs):
    return _ufunc('min', lhs, rhs, lambda a, b: a if a < b else b)


def equal(lhs, rhs):
    return _ufunc('eq', lhs, rhs, lambda a, b: 1 if a == b else 0)


def not_equal(lhs, rhs):
    return _ufunc('ne', lhs, rhs, lambda a, b: 1 if a != b else 0)


def greater(lhs, rhs):
    return _ufunc('gt', lhs, rhs, lambda a, b: 1 if a > b else 0)


def greater_equal(lhs, rhs):
    return _ufunc('ge', lhs, rhs, lambda a, b: 1 if a >= b else 0)


def lesser(lhs, rhs):
    return _ufunc('lt', lhs, rhs, lambda a, b: 1 if a < b else 0)


def lesser_equal(lhs, rhs):
    return _ufunc('le', lhs, rhs, lambda a, b: 1 if a <= b else 0)


def _logical(name, lhs, rhs, pyfn):
    from . import op
    if isinstance(lhs, numeric_types) and isinstance(rhs, numeric_types):
        return pyfn(lhs, rhs)
    if not isinstance(lhs, NDArray):
        lhs, rhs = rhs, lhs
    if isinstance(rhs, NDArray):
        return getattr(op, 'broadcast_logical_' + name)(lhs, rhs)
    return getattr(op, '_logical_%s_scalar' % name)(lhs, scalar=rhs)


def logical_and(lhs, rhs):
    return _logical('and', lhs, rhs, lambda a, b: 1 if (a and b) else 0)


def logical_or(lhs, rhs):
    return _logical('or', lhs, rhs, lambda a, b: 1 if (a or b) else 0)


def logical_xor(lhs, rhs):
    return _logical('xor', lhs, rhs, lambda a, b: 1 if (bool(a) != bool(b)) else 0)


def negative(arr):
    return -arr


# ---------------------------------------------------------------------------------------------
# creation
def array(source_array, ctx=None, dtype=None):
    """Create an NDArray from any array-like.

    The dtype is float32 unless ``dtype`` is given or the source is an NDArray (MXNet's rule:
    numpy float64 sources become float32 too).
    """
    if (type(source_array) is not NDArray and isinstance(source_array, NDArray)) or \
            hasattr(source_array, 'tocsr'):  # a sparse NDArray or a scipy sparse matrix
        from .sparse import array as _sparse_array
        return _sparse_array(source_array, ctx=ctx, dtype=dtype)
    ctx, dev = _to_tensor_device(ctx)
    try:
        if isinstance(source_array, NDArray):
            td = source_array._data.dtype if dtype is None else torch_dtype(dtype)
            with _no_grad():
                t = source_array._data.detach().to(device=dev, dtype=td, copy=True)
        elif isinstance(source_array, torch.Tensor):
            td = torch.float32 if dtype is None else torch_dtype(dtype)
            t = source_array.detach().to(device=dev, dtype=td, copy=True)
        else:
            npd = np.float32 if dtype is None else np_dtype(dtype)
            try:
                src = np.asarray(source_array, dtype=npd)
            except (ValueError, TypeError) as e:
                raise MXNetError('array: cannot convert %s to an NDArray of %s: %s'
                                 % (type(source_array).__name__, np.dtype(npd).name, e)) \
                    from None
            if not src.flags.c_contiguous:  # (np.ascontiguousarray would make a 0-d source 1-d)
                src = np.ascontiguousarray(src)
            if not src.flags.writeable:  # a read-only buffer (np.frombuffer): torch may not wrap
                src = src.copy()
            t = torch.from_numpy(src)
            if src is source_array or not src.flags.owndata or dev.type != 'cpu':
                t = t.to(dev, copy=True)
    except MXNetError:
        raise
    except (MemoryError, RuntimeError) as e:  # out of memory, size overflow
        from .._alloc import op_error
        raise op_error('array', getattr(source_array, 'shape', None),
                       np.float32 if dtype is None else dtype, e) from None
    return _wrap(t, ctx._tag)


def _creation(shape, ctx, dtype, fn, op=None):
    ctx, dev = _to_tensor_device(ctx)
    if isinstance(shape, integer_types):
        shape = (int(shape),)
    else:
        try:
            shape = tuple(int(s) for s in shape)
        except (TypeError, ValueError, OverflowError):  # NaN, inf, non-numbers: say which
            from .._alloc import check_shape
            shape = check_shape(op or fn.__name__, shape)
    if any(s < 0 for s in shape):
        raise MXNetError('shape %s has a negative dimension' % (shape,))
    td = torch_dtype(dtype)
    try:
        t = fn(shape, dtype=td, device=dev)
    except (RuntimeError, TypeError, MemoryError) as e:  # out of memory, size overflow
        from .._alloc import op_error
        raise op_error(op or fn.__name__, shape, td, e) from None
    return _wrap(t, ctx._tag)


def empty(shape, ctx=None, dtype=None, stype=None):
    """An uninitialised array (float32 by default); a sparse ``stype`` gives an all-zero
    sparse array, as in MXNet."""
    if stype is not None and stype != 'default':
        from .sparse import zeros as _sparse_zeros
        return _sparse_zeros(stype, shape, ctx=ctx, dtype=dtype)
    return _creation(shape, ctx, dtype, torch.empty)


def _fill_out(out, shape, value):
    """Creation with ``out=``: fill ``out`` (whose shape must be ``shape``) and return it."""
    if not isinstance(out, NDArray):
        raise TypeError('out must be an NDArray, got %s' % type(out).__name__)
    shape = (int(shape),) if isinstance(shape, integer_types) else tuple(int(d) for d in shape)
    if out.shape != shape:
        raise MXNetError('Shape inconsistent, Provided = [%s], inferred shape=[%s]'
                         % (','.join(map(str, out.shape)), ','.join(map(str, shape))))
    _assign(out, _scalar_for(out._data, value))
    return out


def _creation_kwargs(kwargs, fn):
    # name and __attr__ keys (gluon.rnn's begin_state passes __layout__) are accepted, unused
    bad = [k for k in kwargs if k not in ('out', 'name') and
           not (k.startswith('__') and k.endswith('__'))]
    if bad:
        raise MXNetError('Cannot find argument \'%s\' of operator %s' % (bad[0], fn))


def _legacy_known_shape(shape, op):
    """Outside ``np_shape()``, MXNet 1.x reads a 0 dimension (and the shape ``()``) as
    'unknown': its ``_zeros`` / ``_ones`` then fail shape inference."""
    from ..util import is_np_shape
    dims = (shape,) if isinstance(shape, integer_types) else tuple(shape)
    if not is_np_shape() and (not dims or any(d == 0 for d in dims)):
        raise MXNetError('Operator %s inferring shapes failed.\noutput shapes:\n[%s]\n'
                         'shape : %s' % (op, ','.join('-1' if d == 0 else str(d) for d in dims),
                                         dims))


def zeros(shape, ctx=None, dtype=None, stype=None, **kwargs):
    """An array of zeros (float32 by default); ``out=`` fills an existing array instead."""
    if stype is not None and stype != 'default':
        from .sparse import zeros as _sparse_zeros
        return _sparse_zeros(stype, shape, ctx=ctx, dtype=dtype, **kwargs)
    _legacy_known_shape(shape, '_zeros')
    if kwargs:
        _creation_kwargs(kwargs, '_zeros')
        if kwargs.get('out') is not None:
            return _fill_out(kwargs['out'], shape, 0)
    return _creation(shape, ctx, dtype, torch.zeros)


def ones(shape, ctx=None, dtype=None, stype=None, **kwargs):
    """An array of ones (float32 by default); ``out=`` fills an existing array instead."""
    _check_stype(stype)
    if stype is not None and stype != 'default':
        return ones(shape, ctx, dtype, **kwargs).tostype(stype)
    _legacy_known_shape(shape, '_ones')
    if kwargs:
        _creation_kwargs(kwargs, '_ones')
        if kwargs.get('out') is not None:
            return _fill_out(kwargs['out'], shape, 1)
    return _creation(shape, ctx, dtype, torch.ones)


def full(shape, val, ctx=None, dtype=np.float32, out=None):
    """An array filled with ``val``; ``out=`` fills an existing array instead."""
    if out is not None:
        return _fill_out(out, shape, val)
    res = _creation(shape, ctx, dtype, torch.empty, 'full')
    res._data.fill_(_scalar_for(res._data, val))
    return res


def _check_stype(stype):
    if stype not in (None, 'default', 'csr', 'row_sparse'):
        raise MXNetError("unknown storage type '%s'" % stype)


def zeros_like(data, **kwargs):
    from . import op
    return op.zeros_like(data, **kwargs)


def ones_like(data, **kwargs):
    from . import op
    return op.ones_like(data, **kwargs)


def full_like(data, fill_value, **kwargs):
    r = _wrap(torch.full_like(data._data.detach(), _scalar_for(data._data, fill_value)),
              _opctx(data))
    return r


def arange(start, stop=None, step=1.0, repeat=1, infer_range=None, ctx=None, dtype=np.float32):
    """Evenly spaced values in [start, stop); each value repeated ``repeat`` times."""
    if stop is None:
        start, stop = 0, start
    ctx, dev = _to_tensor_device(ctx)
    if step == 0:
        raise MXNetError('arange: step must not be 0')
    try:
        n = int(np.ceil((stop - start) / step))
    except (ValueError, OverflowError, TypeError):
        raise MXNetError('arange: start=%r, stop=%r, step=%r do not give a finite number of '
                         'values' % (start, stop, step)) from None
    n = max(n, 0)
    td = torch_dtype(dtype)
    try:
        if td.is_floating_point:
            vals = torch.arange(n, dtype=torch.float64) * float(step) + float(start)
        else:  # MXNet casts start and step to the integer dtype: arange(1.3, 9, 1.3) -> 1..7
            vals = torch.arange(n, dtype=torch.int64) * int(step) + int(start)
        if repeat != 1:
            vals = vals.repeat_interleave(int(repeat))
        vals = vals.to(device=dev, dtype=td)
    except (RuntimeError, TypeError, MemoryError) as e:  # out of memory, size overflow
        from .._alloc import op_error
        raise op_error('arange', (n * (int(repeat) if repeat != 1 else 1),), td, e) from None
    return _wrap(vals, ctx._tag)


def linspace(start, stop, num, endpoint=True, ctx=None, dtype=np.float32):
    ctx, dev = _to_tensor_device(ctx)
    from .._alloc import check_shape
    num = check_shape('linspace', (num,))[0] if not isinstance(num, int) else int(num)
    td = torch_dtype(dtype)
    try:
        if endpoint:
            vals = torch.linspace(float(start), float(stop), num, dtype=torch.float64)
        else:
            vals = torch.linspace(float(start), float(stop), num + 1, dtype=torch.float64)[:num]
        vals = vals.to(device=dev, dtype=td)
    except (RuntimeError, TypeError, MemoryError) as e:  # out of memory, size overflow
        from .._alloc import op_error
        raise op_error('linspace', (num,), td, e) from None
    return _wrap(vals, ctx._tag)


def eye(N, M=0, k=0, ctx=None, dtype=np.float32, **kwargs):
    ctx, dev = _to_tensor_device(ctx)
    M = N if not M else M
    td = torch_dtype(dtype)
    try:
        t = torch.zeros((N, M), dtype=td, device=dev)
    except (RuntimeError, TypeError, MemoryError) as e:  # out of memory, size overflow
        from .._alloc import op_error
        raise op_error('eye', (N, M), td, e) from None
    d = torch.ones(max(0, min(N, M - k) if k >= 0 else min(N + k, M)), dtype=t.dtype, device=dev)
    if d.numel():
        t.diagonal(k).copy_(d)
    return _wrap(t, ctx._tag)


def from_numpy(ndarray, zero_copy=True):
    """An NDArray of a numpy array's dtype and values.

    With ``zero_copy`` (the default) the NDArray shares the numpy array's memory, which must be
    C-contiguous (ValueError otherwise); as in MXNet the numpy array is made read-only, so
    that only the NDArray writes the memory they share. Without it the values are copied.
    """
    if not isinstance(ndarray, np.ndarray):
        raise MXNetError('from_numpy expects a numpy.ndarray')
    if not zero_copy:
        return array(ndarray, dtype=ndarray.dtype)
    if not ndarray.flags.c_contiguous:
        raise ValueError('Only c-contiguous arrays are supported for zero-copy')
    if ndarray.dtype not in _NP_TO_TORCH:
        raise ValueError('%s is not supported.' % ndarray.dtype)
    if ndarray.flags.writeable:
        t = torch.from_numpy(ndarray)
        ndarray.flags.writeable = False
    else:  # torch warns about wrapping a read-only array; the memory is the same
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter('ignore', UserWarning)
            t = torch.from_numpy(ndarray)
    return _wrap(t)


def from_dlpack(dlpack):
    return _wrap(torch.utils.dlpack.from_dlpack(dlpack))


def to_dlpack_for_read(data):
    return data.to_dlpack_for_read()


def to_dlpack_for_write(data):
    return data.to_dlpack_for_write()


def _normalize_axes(axes, ndim, what):
    """numpy's normalize_axis_tuple: ints in [-ndim, ndim) made non-negative, no repeats
    (ValueError otherwise)."""
    axes = [axes] if isinstance(axes, integer_types) else list(axes)
    out = []
    for a in axes:
        a = int(a)
        if not -ndim <= a < ndim:
            raise ValueError('%s should verify -%d <= axis < %d, got %d' % (what, ndim, ndim, a))
        out.append(a % ndim)
    if len(set(out)) != len(out):
        raise ValueError('repeated axis in `%s` argument' % what.lower())
    return out


def moveaxis(tensor, source, destination):
    """Move axes of an array to new positions (numpy's moveaxis; the others keep their order).

    ``source`` and ``destination`` are ints or sequences of ints of the same length; an axis
    out of range, a repeated axis or a length mismatch raises ValueError."""
    source = _normalize_axes(source, tensor.ndim, 'Source')
    destination = _normalize_axes(destination, tensor.ndim, 'Destination')
    if len(source) != len(destination):
        raise ValueError('`source` and `destination` arguments must have the same number of '
                         'elements')
    order = [n for n in range(tensor.ndim) if n not in source]
    for dest, src in sorted(zip(destination, source)):
        order.insert(dest, src)
    from . import op
    return op.transpose(tensor, axes=order)


def onehot_encode(indices, out):
    """Legacy: one-hot encode ``indices`` into ``out`` (shape (n, depth))."""
    depth = out.shape[1]
    oh = torch.nn.functional.one_hot(indices._data.long(), depth).to(out._data.dtype)
    _assign(out, oh)
    return out


def split_v2(ary, indices_or_sections, axis=0, squeeze_axis=False):
    """Split an array into multiple sub-arrays (``mx.nd.split_v2``).

    ``indices_or_sections`` is an int N (N equal parts along ``axis``; an error if the axis
    length is not divisible by N) or a tuple of sorted split points (``(2, 3)`` gives
    ``ary[:2]``, ``ary[2:3]``, ``ary[3:]`` along ``axis``). ``squeeze_axis`` removes the split
    axis from the outputs when each has length 1 there.
    """
    from . import _internal
    axis_size = ary.shape[axis]
    if isinstance(indices_or_sections, int):
        sections = indices_or_sections
        if axis_size % sections:
            raise ValueError('array split does not result in an equal division')
        section_size = int(axis_size / sections)
        indices = [i * section_size for i in range(sections)]
    elif isinstance(indices_or_sections, tuple):
        indices = [0] + list(indices_or_sections)
    else:
        raise ValueError('indices_or_sections must either int or tuple of ints')
    return _internal._split_v2(ary, indices, axis, squeeze_axis)


def concatenate(arrays, axis=0, always_copy=True):
    if not arrays:
        raise MXNetError('concatenate: no arrays')
    if not always_copy and len(arrays) == 1:
        return arrays[0]
    return _wrap(torch.cat([a._data for a in arrays], dim=axis), _opctx(arrays[0]))


def histogram(a, bins=10, range=None):
    """Histogram of ``a``: ``bins`` is an int (with ``range``) or an NDArray of bin edges.

    Returns (counts, edges). Without ``range``, an int ``bins`` uses numpy's histogram (as
    MXNet does, warning about it)."""
    from . import _internal
    if isinstance(bins, NDArray):
        return _internal._histogram(data=a, bins=bins)
    if isinstance(bins, (int, np.integer)):
        if range is None:
            import warnings
            warnings.warn("range is not specified, using numpy's result to ensure consistency "
                          "with numpy")
            res, edges = np.histogram(a.asnumpy(), bins=bins)
            return array(res), array(edges)
        return _internal._histogram(data=a, bin_cnt=bins, range=range)
    raise ValueError('bins argument should be either an integer or an NDArray')


def imdecode(*args, **kwargs):
    raise MXNetError('nd.imdecode is not implemented in remx; use mx.image.imdecode')


def waitall():
    """Wait until every pending operation has finished (CUDA streams synchronised)."""
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        torch.cuda.synchronize()


# ---------------------------------------------------------------------------------------------
# integer autograd and recorded history live in mxnet/_tape.py; the arithmetic fast path
# replays binary operations on integer variables' float64 proxies here (it owns _TORCH_BIN)


def _replay_binary(out, name, lhs, rhs):
    pa = _proxy(lhs)
    if isinstance(rhs, NDArray):
        pb = _proxy(rhs)
        if pa is None and pb is None:
            return
        y = rhs._data.double() if pb is None else pb
    elif pa is None:
        return
    else:
        y = rhs  # the scalar, already cast to lhs's dtype
    x = lhs._data.double() if pa is None else pa
    _set_proxy(out, _TORCH_BIN[name](x, y))


def _record_binary(out, name, lhs, rhs):
    if name in ('rsub', 'rdiv', 'rmod', 'rpow'):
        lhs, rhs = rhs, lhs
    _record(_OPNAMES[name][0], None, (lhs, rhs), (out,))


def _record_scalar(out, name, lhs, scalar):
    _record(_OPNAMES[name][1], {'scalar': str(float(scalar))}, (lhs,), (out,))


def _record_op(op, attrs, x, out):
    _record(op, attrs, (x,), (out,))
