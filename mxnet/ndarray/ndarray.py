"""NDArray: MXNet's n-dimensional array, a thin mutable handle on a torch.Tensor.

The handle owns ``_data`` (the tensor); in-place operations (``x[:] = v``, ``x += 1``, ``out=``)
write into that tensor so every reference to the handle sees the change. Autograd metadata
(``_grad``, ``_grad_req``) lives beside it; see :mod:`mxnet.autograd`.
"""
import itertools
import operator as _pyop

import numpy as np
import torch

from ..base import (MXNetError, np_dtype, torch_dtype, _NP_TO_TORCH, _TORCH_TO_NPTYPE,
                    numeric_types, integer_types, _Null)
from ..context import Context, current_context, context_of, _CPU
from .. import _state

__all__ = ['NDArray', 'array', 'empty', 'zeros', 'ones', 'full', 'arange', 'linspace', 'eye',
           'zeros_like', 'ones_like', 'full_like', 'waitall', 'add', 'subtract', 'multiply',
           'divide', 'true_divide', 'modulo', 'power', 'maximum', 'minimum', 'equal',
           'not_equal', 'greater', 'greater_equal', 'lesser', 'lesser_equal', 'logical_and',
           'logical_or', 'logical_xor', 'negative', 'from_numpy', 'from_dlpack', 'moveaxis',
           'onehot_encode', 'concatenate', 'to_dlpack_for_read', 'to_dlpack_for_write',
           'histogram', 'imdecode', 'split_v2', 'Custom']

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
    # _fresh_grad (set by autograd when backward writes this variable's gradient, cleared by
    # Trainer.step) is left unset on ordinary arrays; read it with getattr(x, '_fresh_grad', False)
    # _node (set by autograd only while recording, see autograd.get_symbol) is left unset on
    # ordinary arrays; read it with getattr(x, '_node', None)
    __slots__ = ('_data', '_grad', '_grad_req', '_ctx', '_fresh_grad', '_node', '__weakref__')
    __array_priority__ = 1000.0

    def __init__(self, handle=None, writable=True):
        if handle is None:
            handle = torch.empty((0,), dtype=torch.float32)
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
            if _STATE.recording and self._data.requires_grad:
                _record_op('transpose', None, self, out)
            return out
        return self.copy()

    @property
    def grad(self):
        return self._grad

    def tostype(self, stype):
        if stype != 'default':
            raise MXNetError("remx implements dense NDArrays only; storage type '%s' is not "
                             "implemented" % stype)
        return self

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
        if _STATE.recording and self._data.requires_grad:
            _record_op('_copyto', None, self, out)
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
            if _STATE.recording and src.requires_grad:
                _record_op('_copyto', None, self, out)
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
        new = infer_reshape(self.shape, tuple(shape), reverse)
        t = self._data
        try:
            v = t.view(new)
        except RuntimeError:
            v = t.reshape(new)
        out = _wrap(v, self._ctx)
        if _STATE.recording and t.requires_grad:
            _record_op('Reshape', {'shape': '[%s]' % ','.join(str(d) for d in new)}, self, out)
        return out

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
def infer_reshape(src, target, reverse=False):
    """Resolve MXNet reshape codes against src shape -> concrete tuple (raises MXNetError)."""
    if reverse:
        res = infer_reshape(tuple(reversed(src)), _reverse_codes(target), False)
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
        if known == 0 or total % known:
            raise MXNetError('Cannot reshape array of shape %s into shape %s'
                             % (src, tuple(target)))
        out[infer_at] = total // known
    size = 1
    for d in out:
        size *= d
    if size != total:
        raise MXNetError('Cannot reshape array of shape %s into shape %s (target size %d != '
                         'source size %d)' % (src, tuple(target), size, total))
    return tuple(out)


def _reverse_codes(target):
    # -4 a b groups must keep their order when the shape is reversed
    t = list(target)
    groups = []
    j = 0
    while j < len(t):
        if t[j] == -4:
            groups.append(t[j:j + 3])
            j += 3
        else:
            groups.append([t[j]])
            j += 1
    res = []
    for g in reversed(groups):
        if g[0] == -4:
            res.extend([-4, g[2], g[1]])
        else:
            res.extend(g)
    return tuple(res)


# ---------------------------------------------------------------------------------------------
# in-place assignment and binary arithmetic
def _assign(dst, src):
    """Write tensor/number src into dst's tensor in place (broadcasting, dtype cast)."""
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
    return int(s)


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
    'mod': torch.remainder,
    'rmod': lambda a, b: torch.remainder(b, a) if isinstance(b, torch.Tensor)
    else torch.remainder(torch.full_like(a, b), a),
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
        if _STATE.recording and (a.requires_grad or b.requires_grad):
            _record_binary(out, name, lhs, rhs)
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
        if _STATE.recording and a.requires_grad:
            _record_scalar(out, name, lhs, rhs)
        return out
    if isinstance(rhs, np.ndarray):
        return _binary(lhs, array(rhs, ctx=lhs.context, dtype=lhs.dtype), name)
    if isinstance(rhs, torch.Tensor):
        return _binary(lhs, _wrap(rhs), name)
    raise TypeError('type %s not supported' % str(type(rhs)))


def _binary_error(name, a, b, e):
    return MXNetError('Error in operator %s: operands could not be broadcast together with '
                      'shapes %s %s (%s)' % (_OPNAMES[name][0], list(a.shape), list(b.shape),
                                             str(e).split('\n')[0]))


def _inplace(self, other, name):
    if _STATE.recording and getattr(self, '_node', None) is not None:
        raise MXNetError('Check failed: AGInfo::IsNone(*output): Assigning to NDArrays that are '
                         'already in a computational graph will cause undefined behavior when '
                         'evaluating gradients. Please call backward first to clear the graph or '
                         'do this out side of a record section. Also note that you cannot use '
                         'inplace operations like +=, *=, relu(x, out=x), y[idx]=x, etc inside a '
                         'record section.')
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
        if _STATE.recording and t.requires_grad:
            _record_scalar(out, 'mul', x, -1.0)
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
    ctx, dev = _to_tensor_device(ctx)
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
                             % (type(source_array).__name__, np.dtype(npd).name, e)) from None
        src = np.ascontiguousarray(src)
        if not src.flags.writeable:  # a read-only buffer (np.frombuffer): torch may not wrap it
            src = src.copy()
        t = torch.from_numpy(src)
        if src is source_array or not src.flags.owndata or dev.type != 'cpu':
            t = t.to(dev, copy=True)
    return _wrap(t, ctx._tag)


def _creation(shape, ctx, dtype, fn):
    ctx, dev = _to_tensor_device(ctx)
    if isinstance(shape, integer_types):
        shape = (int(shape),)
    else:
        try:
            shape = tuple(int(s) for s in shape)
        except TypeError:
            raise MXNetError('shape must be an int or a tuple of ints, got %r' % (shape,)) from None
    if any(s < 0 for s in shape):
        raise MXNetError('shape %s has a negative dimension' % (shape,))
    return _wrap(fn(shape, dtype=torch_dtype(dtype), device=dev), ctx._tag)


def empty(shape, ctx=None, dtype=None):
    """An uninitialised array (float32 by default)."""
    return _creation(shape, ctx, dtype, torch.empty)


def zeros(shape, ctx=None, dtype=None, stype=None, **kwargs):
    _check_stype(stype)
    return _creation(shape, ctx, dtype, torch.zeros)


def ones(shape, ctx=None, dtype=None, stype=None, **kwargs):
    _check_stype(stype)
    return _creation(shape, ctx, dtype, torch.ones)


def full(shape, val, ctx=None, dtype=np.float32, out=None):
    """An array filled with ``val``."""
    res = _creation(shape, ctx, dtype, torch.empty)
    res._data.fill_(_scalar_for(res._data, val))
    if out is not None:
        out[:] = res
        return out
    return res


def _check_stype(stype):
    if stype not in (None, 'default'):
        raise MXNetError("storage type '%s' is not implemented in remx (dense only)" % stype)


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
    n = int(np.ceil((stop - start) / step))
    n = max(n, 0)
    td = torch_dtype(dtype)
    vals = torch.arange(n, dtype=torch.float64) * float(step) + float(start)
    if repeat != 1:
        vals = vals.repeat_interleave(int(repeat))
    return _wrap(vals.to(device=dev, dtype=td), ctx._tag)


def linspace(start, stop, num, endpoint=True, ctx=None, dtype=np.float32):
    ctx, dev = _to_tensor_device(ctx)
    num = int(num)
    if endpoint:
        vals = torch.linspace(float(start), float(stop), num, dtype=torch.float64)
    else:
        vals = torch.linspace(float(start), float(stop), num + 1, dtype=torch.float64)[:num]
    return _wrap(vals.to(device=dev, dtype=torch_dtype(dtype)), ctx._tag)


def eye(N, M=0, k=0, ctx=None, dtype=np.float32, **kwargs):
    ctx, dev = _to_tensor_device(ctx)
    M = N if not M else M
    t = torch.zeros((N, M), dtype=torch_dtype(dtype), device=dev)
    d = torch.ones(max(0, min(N, M - k) if k >= 0 else min(N + k, M)), dtype=t.dtype, device=dev)
    if d.numel():
        t.diagonal(k).copy_(d)
    return _wrap(t, ctx._tag)


def from_numpy(ndarray, zero_copy=True):
    """NDArray sharing memory with a C-contiguous numpy array (when zero_copy)."""
    if not isinstance(ndarray, np.ndarray):
        raise MXNetError('from_numpy expects a numpy.ndarray')
    if zero_copy:
        if not ndarray.flags.c_contiguous:
            raise MXNetError('from_numpy(zero_copy=True) needs a C-contiguous array')
        return _wrap(torch.from_numpy(ndarray))
    return _wrap(torch.from_numpy(np.array(ndarray)))


def from_dlpack(dlpack):
    return _wrap(torch.utils.dlpack.from_dlpack(dlpack))


def to_dlpack_for_read(data):
    return data.to_dlpack_for_read()


def to_dlpack_for_write(data):
    return data.to_dlpack_for_write()


def moveaxis(tensor, source, destination):
    return _wrap(torch.movedim(tensor._data, source, destination).contiguous(), _opctx(tensor))


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


def Custom(*data, **kwargs):
    """``nd.Custom(*data, op_type=...)`` runs a Python operator registered with
    ``mx.operator.register``; custom operators are not implemented in remx yet."""
    raise MXNetError('nd.Custom: custom operators (mx.operator.CustomOp / CustomOpProp) are not '
                     'implemented in remx yet; mx.autograd.Function covers custom gradients')


def imdecode(*args, **kwargs):
    raise MXNetError('nd.imdecode is not implemented in remx; use mx.image.imdecode')


def waitall():
    """Wait until every pending operation has finished (CUDA streams synchronised)."""
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        torch.cuda.synchronize()


# ---------------------------------------------------------------------------------------------
# history for autograd.get_symbol. While recording, every operator with an input in the graph
# leaves a light record on its outputs (NDArray._node = (_GNode, output index)); marked
# variables carry one from attach_grad / mark_variables. Nothing is kept when not recording.
_VAR_COUNT = itertools.count()    # varN (marked variables) and nullN (other leaves)
_NODE_COUNT = itertools.count()   # node_N (recorded operators)


class _GNode:
    """One recorded operator (op: registry name; name: N of node_N; attrs: the parsed attrs or
    a dict of MXNet attribute strings) or leaf (op None, name 'varN' / 'nullN')."""
    __slots__ = ('op', 'name', 'attrs', 'inputs')

    def __init__(self, op, name, attrs, inputs):
        self.op = op
        self.name = name
        self.attrs = attrs
        self.inputs = inputs


def _record(op, attrs, inputs, outputs):
    """Note that NDArrays ``outputs`` came from registry op ``op`` (attributes ``attrs``)
    applied to ``inputs`` (NDArrays; None for an absent optional input)."""
    entries = []
    for a in inputs:
        if a is None:
            continue
        e = getattr(a, '_node', None)
        if e is None:
            # a leaf that is not a marked variable: MXNet names it nullN
            e = a._node = (_GNode(None, 'null%d' % next(_VAR_COUNT), None, ()), 0)
        entries.append(e)
    node = _GNode(op, next(_NODE_COUNT), attrs, entries)
    i = 0
    for o in outputs:
        o._node = (node, i)
        i += 1


def _record_binary(out, name, lhs, rhs):
    if name in ('rsub', 'rdiv', 'rmod', 'rpow'):
        lhs, rhs = rhs, lhs
    _record(_OPNAMES[name][0], None, (lhs, rhs), (out,))


def _record_scalar(out, name, lhs, scalar):
    _record(_OPNAMES[name][1], {'scalar': str(float(scalar))}, (lhs,), (out,))


def _record_op(op, attrs, x, out):
    _record(op, attrs, (x,), (out,))
