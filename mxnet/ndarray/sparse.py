"""``mx.nd.sparse``: MXNet's sparse NDArrays (``CSRNDArray``, ``RowSparseNDArray``) and the
operator functions of the sparse namespace.

A sparse array keeps its compressed components as the truth, as torch tensors:

- CSR (2-D): ``data`` (nnz,), ``indices`` (nnz,) int64 column ids, ``indptr`` (rows + 1,) int64;
- row_sparse (N-D): ``data`` (nnr, *shape[1:]), ``indices`` (nnr,) int64 row ids.

``_data`` (the dense tensor every operator reads) is a property on these classes: it builds
the dense tensor on demand and keeps it as a cache until the components change. Registry
operators see a sparse input through ``register.make_function``'s class check and go to
``_sparse_ops.invoke_sparse`` (sparse kernels where MXNet has them, otherwise MXNet's storage
fallback: compute densely, return a dense array). A write into the cached dense tensor (by code
that works on ``_data`` in place) is noticed through the tensor's version counter and
compressed back into the components before they are next read.

In the package's order (``mxnet/ndarray/__init__.py``) this module sits above ``ndarray`` and
``indexing`` and below ``serialization``, ``register``, ``_sparse_ops`` and ``op``. It installs
what the modules below call of it (``_install()`` at the end: ``NDArray.tostype``, the sparse
branches of ``array`` / ``zeros`` / ``empty`` and of ``attach_grad``); the modules above install
what it calls of them: serialization.py the pickling methods of :class:`BaseSparseNDArray`,
op.py the global ``_op`` (the operator functions), and ``_sparse_ops.install_names`` (called by
op.py) the sparse-aware ``cast_storage`` and this module's operator names.
"""
import numpy as np
import torch

from ..base import MXNetError, np_dtype, torch_dtype, _TORCH_TO_NPTYPE, numeric_types, \
    integer_types
from ..context import Context, current_context, context_of
from . import _handle, _creation, _internal
from .ndarray import (NDArray, _wrap, _STORAGE_TYPE_UNDEFINED, _STORAGE_TYPE_DEFAULT,  # noqa
                      _STORAGE_TYPE_ROW_SPARSE, _STORAGE_TYPE_CSR, _STORAGE_TYPE_STR_TO_ID,
                      _STORAGE_TYPE_ID_TO_STR, _shape_str, _STATE)

__all__ = ['BaseSparseNDArray', 'CSRNDArray', 'RowSparseNDArray', 'csr_matrix',
           'row_sparse_array', 'zeros', 'empty', 'array', 'retain', 'add', 'subtract',
           'multiply', 'divide']

py_slice = slice  # the builtin (mx.nd.sparse.slice is the operator)
_STORAGE_AUX_TYPES = {'row_sparse': [np.int64], 'csr': [np.int64, np.int64]}
_IDX = torch.int64
_new = object.__new__

_op = None  # the module mxnet.ndarray.op (installed by op.py when it loads)

try:  # scipy is optional, as in MXNet
    import scipy.sparse as spsp
except ImportError:  # pragma: no cover
    spsp = None


class NotSupportedForSparseNDArray(MXNetError):
    """An NDArray method that sparse arrays do not have."""

    def __init__(self, function, alias, *args):
        super().__init__()
        self.function = function.__name__
        self.alias = alias
        self.args = [str(type(a)) for a in args]

    def __str__(self):
        msg = 'Function %s' % self.function
        if self.alias:
            msg += ' (namely operator "%s")' % self.alias
        if self.args:
            msg += ' with arguments (%s)' % ', '.join(self.args)
        msg += ' is not supported for SparseNDArray and only available in NDArray.'
        return msg


def _ctx_tag(ctx):
    if ctx is None:
        ctx = current_context()
    elif not isinstance(ctx, Context):
        ctx = Context(ctx)
    return ctx


def _to_numpy_dense(t):
    t = t.detach()
    return t.cpu().numpy() if t.device.type != 'cpu' else t.numpy().copy()


# ---------------------------------------------------------------------------------------------
# conversions between dense tensors and components
def _csr_from_dense(t):
    """(data, indptr, indices) of 2-D tensor t (its non-zero entries, row-major)."""
    t = t.detach()
    nz = t != 0
    rows, cols = nz.nonzero(as_tuple=True)
    data = t[rows, cols]
    counts = torch.bincount(rows, minlength=t.shape[0]) if rows.numel() else \
        torch.zeros(t.shape[0], dtype=_IDX, device=t.device)
    indptr = torch.zeros(t.shape[0] + 1, dtype=_IDX, device=t.device)
    if t.shape[0]:
        indptr[1:] = torch.cumsum(counts, 0)
    return data.contiguous(), indptr, cols.to(_IDX).contiguous()


def _rsp_from_dense(t):
    """(data, indices) of tensor t: the rows holding a non-zero entry."""
    t = t.detach()
    if t.dim() == 0:
        raise MXNetError('row_sparse storage needs at least one dimension')
    n = t.shape[0]
    if n == 0 or t.numel() == 0:
        rows = torch.zeros((0,), dtype=_IDX, device=t.device)
    else:
        rows = (t.reshape(n, -1) != 0).any(1).nonzero(as_tuple=True)[0].to(_IDX)
    return t[rows].contiguous(), rows


def _csr_to_dense(data, indptr, indices, shape):
    out = torch.zeros(shape, dtype=data.dtype, device=data.device)
    nnz = indices.numel()
    if nnz:
        counts = indptr[1:] - indptr[:-1]
        rows = torch.repeat_interleave(torch.arange(shape[0], device=data.device), counts)
        out.index_put_((rows, indices[:rows.numel()]), data[:rows.numel()], accumulate=False)
    return out


def _rsp_to_dense(data, indices, shape):
    out = torch.zeros(shape, dtype=data.dtype, device=data.device)
    if indices.numel():
        out[indices] = data
    return out


# ---------------------------------------------------------------------------------------------
class BaseSparseNDArray(NDArray):
    """The base class of an NDArray stored in a sparse format (csr, row_sparse)."""
    # _sv: the values tensor; _saux: the aux tensors in MXNet's aux order (csr: indptr,
    # indices; row_sparse: indices); _sshape: the shape; _dense / _dver: the cached dense
    # tensor and its version when it last matched the components
    # _castq: a csr array made by casting a dense one, which MXNet saves with storage shape
    # (0,) (its cast_storage kernel leaves the storage shape unset)
    __slots__ = ('_sv', '_saux', '_sshape', '_dense', '_dver', '_castq')
    _STYPE = None
    __hash__ = NDArray.__hash__

    def __init__(self, handle=None, writable=True):
        # an empty array (what unpickling starts from); creation functions build the rest
        self._grad = None
        self._grad_req = 'null'
        self._ctx = None
        self._dense = None
        self._dver = -1
        self._castq = False
        self._sshape = (0,) * (2 if self._STYPE == 'csr' else 1)
        self._sv = torch.zeros((0,) + self._sshape[1:] if self._STYPE != 'csr' else (0,))
        self._saux = self._empty_aux(self._sshape, torch.device('cpu'))

    # -- the dense view -------------------------------------------------------------------
    @property
    def _data(self):
        d = self._dense
        if d is None:
            d = self._sync_grad_leaf(self._to_dense_tensor())
            self._dense = d
            self._dver = d._version
        return d

    @_data.setter
    def _data(self, t):
        # the dense tensor becomes the cache; the components follow it when next read
        if tuple(t.shape) != self._sshape:
            raise MXNetError('cannot assign a tensor of shape %s to a %s array of shape %s'
                             % (tuple(t.shape), self.stype, self._sshape))
        self._dense = t
        self._dver = -1

    def _sync_grad_leaf(self, d):
        """d, made this array's autograd leaf again when the array is a marked variable
        (attach_grad / a Gluon Parameter): writing the components (a kvstore pull, x[:] = v)
        drops the dense tensor the gradient hook was on, so the rebuilt one takes its place."""
        if self._grad is None or self._grad_req == 'null' or \
                not (d.is_floating_point() or d.is_complex()):
            return d
        from .._tape import _grad_hook
        import weakref
        d.requires_grad_(True)
        ref = weakref.ref(self)
        d._mx_hook_owner = (ref, d.register_post_accumulate_grad_hook(_grad_hook(ref)))
        return d

    def _comp(self):
        """Bring the components up to date with a dense cache written in place."""
        d = self._dense
        if d is not None and d._version != self._dver:
            self._set_from_dense(d, keep_cache=True)
            self._dver = d._version

    def _set_components(self, values, aux, shape=None):
        self._sv = values
        self._saux = tuple(aux)
        if shape is not None:
            self._sshape = tuple(int(s) for s in shape)
        self._dense = None
        self._dver = -1
        self._castq = False

    # -- attributes ---------------------------------------------------------------------------
    @property
    def stype(self):
        return self._STYPE

    @property
    def shape(self):
        return self._sshape

    @property
    def size(self):
        n = 1
        for d in self._sshape:
            n *= d
        return n

    @property
    def ndim(self):
        return len(self._sshape)

    @property
    def dtype(self):
        return _TORCH_TO_NPTYPE[self._sv.dtype]

    @property
    def context(self):
        c = self._ctx
        return c if c is not None else context_of(self._sv.device)

    ctx = context

    @property
    def _num_aux(self):
        return len(_STORAGE_AUX_TYPES[self._STYPE])

    @property
    def _aux_types(self):
        return list(_STORAGE_AUX_TYPES[self._STYPE])

    def _aux_type(self, i):
        return _STORAGE_AUX_TYPES[self._STYPE][i]

    def _aux_data(self, i):
        """A copy of aux array i as a dense NDArray."""
        self._comp()
        return _wrap(self._saux[i].clone(), self._ctx)

    @property
    def data(self):
        """A copy of the values array (dense NDArray)."""
        self._comp()
        return _wrap(self._sv.detach().clone(), self._ctx)

    @property
    def indices(self):
        """A copy of the indices array (int64 NDArray)."""
        self._comp()
        return _wrap(self._saux[-1].clone(), self._ctx)

    def __len__(self):
        return self._sshape[0]

    def __repr__(self):
        return '\n<%s %s @%s>' % (type(self).__name__, _shape_str(self.shape), self.context)

    __str__ = __repr__

    def __bool__(self):
        n = self.size
        if n == 0:
            return False
        if n == 1:
            return bool(self.asnumpy().reshape(-1)[0])
        raise ValueError('The truth value of an NDArray with multiple elements is ambiguous.')

    # -- conversion ---------------------------------------------------------------------------
    def _to_dense_tensor(self):
        raise NotImplementedError

    def asnumpy(self):
        """A dense numpy copy of the array."""
        d = self._dense
        if d is None:
            d = self._to_dense_tensor()
        return _to_numpy_dense(d)

    def tostype(self, stype):
        """This array in storage type ``stype``: 'default' gives a dense NDArray, the same
        stype a copy; csr <-> row_sparse casts are refused, as in MXNet."""
        if stype == 'default':
            return _wrap(self._data.detach().clone() if not _STATE.recording else
                         self._data.clone(), self._ctx)
        if stype == self._STYPE:
            return self._copy_sparse(self.context)
        raise ValueError('cast_storage from %s to %s is not supported' % (self._STYPE, stype))

    def _copy_sparse(self, ctx, dtype=None):
        self._comp()
        dev = ctx.torch_device
        vals = self._sv.detach().to(device=dev, copy=True)
        if dtype is not None:
            vals = vals.to(dtype)
        aux = [a.to(device=dev, copy=True) for a in self._saux]
        return _make(type(self), vals, aux, self._sshape, ctx._tag)

    def astype(self, dtype, copy=True):
        """A copy with values of ``dtype`` (the same array when ``copy=False`` and the dtype
        already matches)."""
        td = torch_dtype(dtype)
        if not copy and td == self._sv.dtype:
            return self
        return self._copy_sparse(self.context, td)

    def copy(self):
        return self._copy_sparse(self.context)

    def copyto(self, other):
        """Copy into an NDArray of this shape (dense, or of this storage type) or onto a
        Context (a new array of this storage type)."""
        if isinstance(other, NDArray):
            if other is self:
                return other
            if other.shape != self.shape:
                raise MXNetError('copyto: shape mismatch, source %s vs target %s'
                                 % (self.shape, other.shape))
            if other.stype not in ('default', self._STYPE):
                raise TypeError('copyto does not support destination NDArray stype '
                                + other.stype)
            if isinstance(other, BaseSparseNDArray):
                other._assign_from(self)
            else:
                from .ndarray import _assign
                _assign(other, self._data.detach())
            return other
        if isinstance(other, Context):
            return self._copy_sparse(other)
        raise TypeError('copyto does not support type ' + str(type(other)))

    def as_in_context(self, context):
        if self.context == context:
            return self
        return self.copyto(context)

    def detach(self):
        return self._copy_sparse(self.context)

    def wait_to_read(self):
        if self._sv.is_cuda:
            torch.cuda.current_stream(self._sv.device).synchronize()

    wait_to_write = wait_to_read

    # -- in-place writes ------------------------------------------------------------------
    def _assign_from(self, src):
        """Make this array hold ``src`` (an NDArray of any storage type, a tensor or a
        number), keeping its own storage type and handle."""
        if isinstance(src, BaseSparseNDArray) and src._STYPE == self._STYPE:
            if src is self:
                return
            src._comp()
            if src._sshape != self._sshape:
                raise MXNetError('cannot assign an array of shape %s to one of shape %s'
                                 % (src._sshape, self._sshape))
            dev = self._sv.device
            self._set_components(src._sv.detach().to(device=dev, dtype=self._sv.dtype,
                                                     copy=True),
                                 [a.to(device=dev, copy=True) for a in src._saux])
            return
        if isinstance(src, NDArray):
            src = src._data
        if isinstance(src, torch.Tensor):
            t = src.detach().to(device=self._sv.device, dtype=self._sv.dtype)
            if tuple(t.shape) != self._sshape:
                t = t.expand(self._sshape)
        else:
            t = torch.full(self._sshape, src, dtype=self._sv.dtype, device=self._sv.device)
        self._set_from_dense(t)

    def _set_from_dense(self, t, keep_cache=False):
        raise NotImplementedError

    def __setitem__(self, key, value):
        """``x[:] = value``: value an NDArray (any storage type), a numpy array, or (for
        row_sparse) a number."""
        if not (isinstance(key, py_slice) and key.start is None and key.stop is None and
                key.step is None):
            raise ValueError('Assignment with slice for %s is not implemented yet.'
                             % type(self).__name__)
        if isinstance(value, NDArray):
            if value.shape != self.shape:
                from .ndarray import array as _array
                value = value._data.expand(self._sshape)
            self._assign_from(value)
        elif isinstance(value, numeric_types):
            if self._STYPE == 'csr':
                raise ValueError('Assigning numeric types to CSRNDArray is not implemented yet.')
            self._assign_from(value)
        elif isinstance(value, (np.ndarray, np.generic, list, tuple)):
            a = np.asarray(value, dtype=self.dtype)
            self._assign_from(torch.from_numpy(np.ascontiguousarray(a)))
        else:
            raise TypeError('type %s not supported' % str(type(value)))

    # -- unsupported NDArray methods ---------------------------------------------------------
    def _slice(self, start, stop):
        raise NotSupportedForSparseNDArray(self._slice, None, start, stop)

    def _at(self, idx):
        raise NotSupportedForSparseNDArray(self._at, idx)

    def reshape(self, *shape, **kwargs):
        raise NotSupportedForSparseNDArray(self.reshape, None, shape)

    def check_format(self, full_check=True):
        """Raise MXNetError when the components do not form a valid array of this format."""
        self._comp()
        _check_format(self, full_check)

    # -- pickling (MXNet's reduce tuple, with this class) --------------------------------------
    # __getstate__ / __setstate__: installed by serialization.py
    def __reduce__(self):
        return type(self), (None,), self.__getstate__()

    # -- arithmetic: MXNet's sparse ufuncs ------------------------------------------------------
    def __add__(self, other):
        return add(self, other)

    def __sub__(self, other):
        return subtract(self, other)

    def __mul__(self, other):
        return multiply(self, other)

    def __truediv__(self, other):
        return _bin(self, other, 'broadcast_div', '_div_scalar')

    __div__ = __truediv__

    def __radd__(self, other):
        return _rbin(self, other, 'broadcast_add', '_plus_scalar')

    def __rsub__(self, other):
        return _rbin(self, other, 'broadcast_sub', '_rminus_scalar')

    def __rmul__(self, other):
        return _rbin(self, other, 'broadcast_mul', '_mul_scalar')

    def __rtruediv__(self, other):
        return _rbin(self, other, 'broadcast_div', '_rdiv_scalar')

    __rdiv__ = __rtruediv__

    def __mod__(self, other):
        return _bin(self, other, 'broadcast_mod', '_mod_scalar')

    def __rmod__(self, other):
        return _rbin(self, other, 'broadcast_mod', '_rmod_scalar')

    def __pow__(self, other):
        return _bin(self, other, 'broadcast_power', '_power_scalar')

    def __rpow__(self, other):
        return _rbin(self, other, 'broadcast_power', '_rpower_scalar')

    def __neg__(self):
        return _op.negative(self)

    def __eq__(self, other):
        if other is None:
            return False
        return _bin(self, other, 'broadcast_equal', '_equal_scalar')

    def __ne__(self, other):
        if other is None:
            return True
        return _bin(self, other, 'broadcast_not_equal', '_not_equal_scalar')

    def __gt__(self, other):
        return _bin(self, other, 'broadcast_greater', '_greater_scalar')

    def __ge__(self, other):
        return _bin(self, other, 'broadcast_greater_equal', '_greater_equal_scalar')

    def __lt__(self, other):
        return _bin(self, other, 'broadcast_lesser', '_lesser_scalar')

    def __le__(self, other):
        return _bin(self, other, 'broadcast_lesser_equal', '_lesser_equal_scalar')

    def _inplace(self, other, fn):
        from .ndarray import _ASSIGN_IN_GRAPH
        if _STATE.recording and self._dense is not None and self._dense.requires_grad:
            raise MXNetError(_ASSIGN_IN_GRAPH)
        self._assign_from(fn(self, other))
        return self

    def __iadd__(self, other):
        return self._inplace(other, add)

    def __isub__(self, other):
        return self._inplace(other, subtract)

    def __imul__(self, other):
        return self._inplace(other, multiply)

    def __itruediv__(self, other):
        return self._inplace(other, divide)

    __idiv__ = __itruediv__


class CSRNDArray(BaseSparseNDArray):
    """A 2-D sparse array in Compressed Sparse Row format: ``data``, ``indices`` (column of
    each value) and ``indptr`` (row i's values are data[indptr[i]:indptr[i+1]])."""
    __slots__ = ()
    _STYPE = 'csr'
    __hash__ = NDArray.__hash__

    @staticmethod
    def _empty_aux(shape, dev):
        return (torch.zeros(shape[0] + 1, dtype=_IDX, device=dev),
                torch.zeros(0, dtype=_IDX, device=dev))

    @property
    def indptr(self):
        """A copy of the row pointer array (int64 NDArray)."""
        self._comp()
        return _wrap(self._saux[0].clone(), self._ctx)

    def _to_dense_tensor(self):
        self._comp()
        return _csr_to_dense(self._sv.detach(), self._saux[0], self._saux[1], self._sshape)

    def _set_from_dense(self, t, keep_cache=False):
        if t.dim() != 2:
            raise ValueError('csr storage needs a 2-D array, got shape %s' % (tuple(t.shape),))
        data, indptr, indices = _csr_from_dense(t)
        d, v = self._dense, self._dver
        self._set_components(data, (indptr, indices))
        self._castq = True
        if keep_cache:
            self._dense, self._dver = d, v

    def __getitem__(self, key):
        """Rows of the matrix: ``x[i]`` (a 1-row CSRNDArray) or ``x[a:b]`` (no step)."""
        if isinstance(key, integer_types) or (isinstance(key, np.integer)):
            key = int(key)
            n = self._sshape[0]
            if key < -n or key >= n:
                raise IndexError('index %d is out of bounds for axis 0 with size %d' % (key, n))
            if key < 0:
                key += n
            return _csr_rows(self, key, key + 1)
        if isinstance(key, py_slice):
            if key.step is not None and key.step != 1:
                raise ValueError('CSRNDArray only supports continuous slicing on axis 0')
            if key.start is None and key.stop is None:
                return self
            start, stop, _ = key.indices(self._sshape[0])
            return _csr_rows(self, start, max(start, stop))
        if isinstance(key, tuple):
            raise ValueError('Multi-dimension indexing is not supported')
        raise ValueError('Undefined behaviour for {}'.format(key))

    def asscipy(self):
        """A ``scipy.sparse.csr_matrix`` copy."""
        if spsp is None:
            raise ImportError('scipy is not available. Please check if the scipy python '
                              'bindings are installed.')
        self._comp()
        data = _to_numpy_dense(self._sv)
        indptr = _to_numpy_dense(self._saux[0])
        indices = _to_numpy_dense(self._saux[1])
        return spsp.csr_matrix((data, indices, indptr), shape=self._sshape, dtype=data.dtype)


class RowSparseNDArray(BaseSparseNDArray):
    """A sparse array whose stored rows (``indices``, ascending) hold ``data``; all other
    rows are zero."""
    __slots__ = ()
    _STYPE = 'row_sparse'
    __hash__ = NDArray.__hash__

    @staticmethod
    def _empty_aux(shape, dev):
        return (torch.zeros(0, dtype=_IDX, device=dev),)

    def _to_dense_tensor(self):
        self._comp()
        return _rsp_to_dense(self._sv.detach(), self._saux[0], self._sshape)

    def _set_from_dense(self, t, keep_cache=False):
        data, idx = _rsp_from_dense(t)
        d, v = self._dense, self._dver
        self._set_components(data, (idx,))
        if keep_cache:
            self._dense, self._dver = d, v

    def __getitem__(self, key):
        if isinstance(key, py_slice) and key.start is None and key.stop is None and \
                key.step is None:
            return self
        if isinstance(key, integer_types):
            raise Exception('__getitem__ with int key is not implemented for RowSparseNDArray '
                            'yet')
        raise Exception('RowSparseNDArray only supports [:] for __getitem__')

    def retain(self, *args, **kwargs):
        return retain(self, *args, **kwargs)


_CLS = {'csr': CSRNDArray, 'row_sparse': RowSparseNDArray}


def _make(cls, values, aux, shape, ctx=None):
    """A new sparse array of class ``cls`` on components (no copy)."""
    a = _new(cls)
    a._grad = None
    a._grad_req = 'null'
    a._ctx = ctx
    a._sv = values
    a._saux = tuple(aux)
    a._sshape = tuple(int(s) for s in shape)
    a._dense = None
    a._dver = -1
    a._castq = False
    return a


def _ndarray_cls(handle, writable=True, stype=_STORAGE_TYPE_UNDEFINED):
    """MXNet's helper: the class of an NDArray of storage type ``stype``."""
    if stype == _STORAGE_TYPE_CSR:
        return CSRNDArray(handle, writable)
    if stype == _STORAGE_TYPE_ROW_SPARSE:
        return RowSparseNDArray(handle, writable)
    return NDArray(handle, writable)


def _csr_rows(a, start, stop):
    a._comp()
    indptr = a._saux[0]
    lo = int(indptr[start])
    hi = int(indptr[stop])
    return _make(CSRNDArray, a._sv[lo:hi].clone(), (indptr[start:stop + 1] - lo,
                                                   a._saux[1][lo:hi].clone()),
                 (stop - start, a._sshape[1]), a._ctx)


def _from_dense_tensor(t, stype, ctx=None):
    """A new sparse array holding dense tensor t."""
    cls = _CLS[stype]
    a = _make(cls, None, (), tuple(t.shape), ctx)
    a._set_from_dense(t)
    return a


def _dense_tostype(self, stype):
    """This array in storage type ``stype`` ('default', 'csr', 'row_sparse'); a dense
    array asked for 'default' is returned itself, as in MXNet."""
    if stype == 'default':
        return self
    return _dense_to_sparse(self, stype)


def _dense_to_sparse(x, stype):
    """``NDArray.tostype`` for a dense x."""
    if stype not in _CLS:
        raise MXNetError("unknown storage type '%s'" % stype)
    if stype == 'csr' and x.ndim != 2:
        raise ValueError('Cannot cast a %d-D array to csr storage: csr arrays are 2-D'
                         % x.ndim)
    return _from_dense_tensor(x._data, stype, x._ctx)


# ---------------------------------------------------------------------------------------------
# check_format
def _check_format(a, full_check):
    shape = a._sshape
    if a._STYPE == 'csr':
        indptr, indices = a._saux
        if indptr.numel() != shape[0] + 1:
            raise MXNetError('Check failed: indptr_shape[0] == shape[0] + 1: CSR indptr size %d '
                             'does not match %d rows' % (indptr.numel(), shape[0]))
        if indices.numel() != a._sv.numel():
            raise MXNetError('Check failed: the number of indices (%d) and values (%d) differ'
                             % (indices.numel(), a._sv.numel()))
        if not full_check:
            return
        ip = indptr.cpu()
        ind = indices.cpu()
        if ip.numel() and (int(ip[0]) != 0 or bool((ip[1:] < ip[:-1]).any()) or
                           int(ip[-1]) != ind.numel()):
            raise MXNetError('Check failed: invalid CSR indptr %s (it must start at 0, never '
                             'decrease and end at the number of values %d)'
                             % (ip.tolist(), ind.numel()))
        if ind.numel() and (bool((ind < 0).any()) or bool((ind >= shape[1]).any())):
            raise MXNetError('Check failed: CSR column indices out of range [0, %d)' % shape[1])
        for r in range(shape[0]):
            seg = ind[int(ip[r]):int(ip[r + 1])]
            if seg.numel() > 1 and bool((seg[1:] <= seg[:-1]).any()):
                raise MXNetError('Check failed: CSR column indices of row %d are not in '
                                 'ascending order' % r)
    else:
        idx = a._saux[0].cpu()
        if idx.numel() != a._sv.shape[0]:
            raise MXNetError('Check failed: the number of row indices (%d) and stored rows (%d) '
                             'differ' % (idx.numel(), a._sv.shape[0]))
        if not full_check:
            return
        if idx.numel() and (bool((idx < 0).any()) or bool((idx >= shape[0]).any())):
            raise MXNetError('Check failed: row_sparse indices out of range [0, %d)' % shape[0])
        if idx.numel() > 1 and bool((idx[1:] <= idx[:-1]).any()):
            raise MXNetError('Check failed: row_sparse indices are not in ascending order')


# ---------------------------------------------------------------------------------------------
# creation
def _check_shape(s1, s2):
    if s1 and s2 and tuple(s1) != tuple(s2):
        raise ValueError('Shape mismatch detected. ' + str(s1) + ' v.s. ' + str(s2))


def _is_shape(arg):
    return isinstance(arg, tuple) and all(isinstance(d, (integer_types, np.integer))
                                          for d in arg) and len(arg) > 0 and \
        not any(isinstance(d, (bool, np.bool_)) for d in arg)


def _src_tensor(src, dtype_default, dtype, dev):
    """Tensor of an array-like component (NDArray, numpy, list), with its dtype rules."""
    if isinstance(src, NDArray):
        t = src._data.detach()
        td = t.dtype if dtype is None else torch_dtype(dtype)
        return t.to(device=dev, dtype=td, copy=True)
    if dtype is None:
        if isinstance(src, np.ndarray):
            dt = src.dtype
        else:
            dt = dtype_default
    else:
        dt = np_dtype(dtype)
    a = np.ascontiguousarray(np.asarray(src, dtype=dt))
    return torch.from_numpy(a.copy()).to(dev)


def _idx_tensor(src, dev):
    if isinstance(src, NDArray):
        return src._data.detach().to(device=dev, dtype=_IDX, copy=True)
    a = np.asarray(src)
    return torch.from_numpy(np.ascontiguousarray(a.astype(np.int64))).to(dev)


def _default_dtype(src, dtype):
    if dtype is not None:
        return dtype
    if isinstance(src, (NDArray, np.ndarray)):
        return src.dtype
    return np.float32


def _empty_sparse(stype, shape, ctx, dtype):
    ctx = _ctx_tag(ctx)
    dev = ctx.torch_device
    td = torch_dtype(dtype if dtype is not None else np.float32)
    shape = tuple(int(d) for d in shape)
    if stype == 'csr':
        if len(shape) != 2:
            raise ValueError('csr arrays are 2-D, got shape %s' % (shape,))
        vals = torch.zeros((0,), dtype=td, device=dev)
    else:
        vals = torch.zeros((0,) + shape[1:], dtype=td, device=dev)
    cls = _CLS[stype]
    return _make(cls, vals, cls._empty_aux(shape, dev), shape, ctx._tag)


def csr_matrix(arg1, shape=None, ctx=None, dtype=None):
    """A CSRNDArray from (data, indices, indptr), (data, (row, col)) (COO), a shape (an
    empty matrix), a dense array-like / NDArray, a CSRNDArray or a scipy sparse matrix."""
    if isinstance(arg1, tuple) and len(arg1) == 2 and _is_shape(arg1):
        _check_shape(arg1, shape)
        return _empty_sparse('csr', arg1, ctx, dtype)
    if isinstance(arg1, tuple):
        if len(arg1) == 3:
            data, indices, indptr = arg1
            return _csr_from_definition(data, indices, indptr, shape, ctx, dtype)
        if len(arg1) == 2:  # COO: (data, (row, col))
            if spsp is None:
                raise ImportError('scipy is needed to build a csr_matrix from COO input')
            data, (row, col) = arg1
            if isinstance(data, NDArray):
                data = data.asnumpy()
            if isinstance(row, NDArray):
                row = row.asnumpy()
            if isinstance(col, NDArray):
                col = col.asnumpy()
            dt = _default_dtype(data, dtype)
            coo = spsp.coo_matrix((data, (row, col)), shape=shape, dtype=dt)
            _check_shape(coo.shape, shape)
            csr = coo.tocsr()
            return csr_matrix((csr.data, csr.indices, csr.indptr), shape=csr.shape, ctx=ctx,
                              dtype=dt)
        raise ValueError('Unexpected length of input tuple: ' + str(len(arg1)))
    if isinstance(arg1, CSRNDArray) or (spsp is not None and isinstance(arg1, spsp.spmatrix)) \
            or hasattr(arg1, 'tocsr'):
        if isinstance(arg1, CSRNDArray):
            _check_shape(arg1.shape, shape)
            ctx = _ctx_tag(ctx)
            return arg1._copy_sparse(ctx, None if dtype is None else torch_dtype(dtype))
        csr = arg1.tocsr()
        csr = csr.copy()
        csr.sum_duplicates()  # canonical: sorted column ids, no duplicates
        csr.sort_indices()
        _check_shape(csr.shape, shape)
        dt = _default_dtype(csr.data, dtype)
        return csr_matrix((csr.data, csr.indices, csr.indptr), shape=csr.shape, ctx=ctx,
                          dtype=dt)
    if isinstance(arg1, (NDArray, np.ndarray, list)) or hasattr(arg1, '__array__'):
        if isinstance(arg1, BaseSparseNDArray):
            raise ValueError('Unexpected input type: RowSparseNDArray')
        ctx = _ctx_tag(ctx)
        dt = _default_dtype(arg1, dtype)
        t = _src_tensor(arg1, np.float32, dt, ctx.torch_device)
        _check_shape(tuple(t.shape), shape)
        if t.dim() != 2:
            raise ValueError('csr arrays are 2-D, got shape %s' % (tuple(t.shape),))
        return _from_dense_tensor(t, 'csr', ctx._tag)
    raise ValueError('Unexpected type ' + str(type(arg1)))


def _csr_from_definition(data, indices, indptr, shape, ctx, dtype):
    ctx = _ctx_tag(ctx)
    dev = ctx.torch_device
    dt = _default_dtype(data, dtype)
    vals = _src_tensor(data, np.float32, dt, dev).reshape(-1)
    ind = _idx_tensor(indices, dev).reshape(-1)
    ptr = _idx_tensor(indptr, dev).reshape(-1)
    if shape is None:
        if ind.numel() == 0:
            raise ValueError('invalid shape')
        shape = (ptr.numel() - 1, int(ind.max()) + 1)
    shape = tuple(int(d) for d in shape)
    if len(shape) != 2:
        raise ValueError('csr arrays are 2-D, got shape %s' % (shape,))
    return _make(CSRNDArray, vals, (ptr, ind), shape, ctx._tag)


def row_sparse_array(arg1, shape=None, ctx=None, dtype=None):
    """A RowSparseNDArray from (data, indices), a shape (an empty array), a dense
    array-like / NDArray or a RowSparseNDArray."""
    if isinstance(arg1, tuple) and _is_shape(arg1):
        _check_shape(arg1, shape)
        return _empty_sparse('row_sparse', arg1, ctx, dtype)
    if isinstance(arg1, tuple):
        if len(arg1) != 2:
            raise ValueError('Unexpected length of input tuple: ' + str(len(arg1)))
        data, indices = arg1
        ctx = _ctx_tag(ctx)
        dev = ctx.torch_device
        dt = _default_dtype(data, dtype)
        vals = _src_tensor(data, np.float32, dt, dev)
        idx = _idx_tensor(indices, dev).reshape(-1)
        if vals.dim() == 0:
            vals = vals.reshape(1)
        if shape is None:
            if idx.numel() == 0:
                raise ValueError('invalid shape')
            shape = (int(idx.max()) + 1,) + tuple(vals.shape[1:])
        shape = tuple(int(d) for d in shape)
        if vals.dim() == 1 and len(shape) > 1 and vals.numel() == 0:
            vals = vals.reshape((0,) + shape[1:])
        if tuple(vals.shape[1:]) != shape[1:]:
            raise ValueError('Shape mismatch detected. data shape %s does not match the rows of '
                             'shape %s' % (tuple(vals.shape), shape))
        return _make(RowSparseNDArray, vals, (idx,), shape, ctx._tag)
    if isinstance(arg1, RowSparseNDArray):
        _check_shape(arg1.shape, shape)
        ctx = _ctx_tag(ctx)
        return arg1._copy_sparse(ctx, None if dtype is None else torch_dtype(dtype))
    if isinstance(arg1, CSRNDArray):
        raise ValueError('Unexpected input type: CSRNDArray')
    if isinstance(arg1, (NDArray, np.ndarray, list)) or hasattr(arg1, '__array__'):
        ctx = _ctx_tag(ctx)
        dt = _default_dtype(arg1, dtype)
        t = _src_tensor(arg1, np.float32, dt, ctx.torch_device)
        _check_shape(tuple(t.shape), shape)
        return _from_dense_tensor(t, 'row_sparse', ctx._tag)
    raise ValueError('Unexpected type ' + str(type(arg1)))


def zeros(stype, shape, ctx=None, dtype=None, **kwargs):
    """An all-zero array of storage type ``stype`` ('csr', 'row_sparse' or 'default')."""
    if stype == 'default':
        from .ndarray import zeros as _dzeros
        return _dzeros(shape, ctx=ctx, dtype=dtype, **kwargs)
    if stype not in _CLS:
        raise ValueError('unknown storage type ' + str(stype))
    if isinstance(shape, integer_types):
        shape = (shape,)
    out = kwargs.pop('out', None)
    res = _empty_sparse(stype, shape, ctx, dtype)
    if out is not None:
        out._assign_from(res)
        return out
    return res


def empty(stype, shape, ctx=None, dtype=None):
    """An all-zero sparse array (MXNet's sparse ``empty`` allocates no values)."""
    if isinstance(shape, integer_types):
        shape = (shape,)
    if stype == 'default':
        from .ndarray import empty as _dempty
        return _dempty(shape, ctx=ctx, dtype=dtype)
    return zeros(stype, shape, ctx=ctx, dtype=dtype)


def array(source_array, ctx=None, dtype=None):
    """A sparse array copied from a sparse NDArray or a scipy.sparse matrix (csr)."""
    ctx = _ctx_tag(ctx)
    if isinstance(source_array, NDArray):
        if not isinstance(source_array, BaseSparseNDArray):
            raise ValueError('Unexpected source_array type: dense NDArray; use mx.nd.array')
        td = None if dtype is None else torch_dtype(dtype)
        return source_array._copy_sparse(ctx, td)
    if spsp is not None and isinstance(source_array, spsp.spmatrix) or \
            hasattr(source_array, 'tocsr'):
        csr = source_array.tocsr()
        dt = np_dtype(dtype) if dtype is not None else csr.dtype
        return csr_matrix(csr, ctx=ctx, dtype=dt)
    raise ValueError('Unexpected source_array type: ' + str(type(source_array)))


# ---------------------------------------------------------------------------------------------
# arithmetic helpers (MXNet's sparse add/subtract/multiply/divide)
def _call(name, *args, **kwargs):
    f = getattr(_op, name, None) or getattr(_internal, name)
    return f(*args, **kwargs)


def _bin(lhs, rhs, bname, sname):
    if isinstance(rhs, NDArray):
        return _call(bname, lhs, rhs)
    if isinstance(rhs, numeric_types):
        return _call(sname, lhs, scalar=float(rhs))
    if isinstance(rhs, np.ndarray):
        from .ndarray import array as _array
        return _call(bname, lhs, _array(rhs, ctx=lhs.context, dtype=lhs.dtype))
    raise TypeError('type %s not supported' % str(type(rhs)))


def _rbin(self, other, bname, sname):
    if isinstance(other, NDArray):  # other <op> self, other dense
        return _call(bname, other, self)
    if isinstance(other, numeric_types):
        return _call(sname, self, scalar=float(other))
    if isinstance(other, np.ndarray):
        from .ndarray import array as _array
        return _call(bname, _array(other, ctx=self.context, dtype=self.dtype), self)
    raise TypeError('type %s not supported' % str(type(other)))


def _ufunc(lhs, rhs, ename, bname, sname, rsname, pyfn):
    if isinstance(lhs, numeric_types) and isinstance(rhs, numeric_types):
        return pyfn(lhs, rhs)
    if isinstance(lhs, NDArray) and isinstance(rhs, NDArray):
        if lhs.shape == rhs.shape:
            return _call(ename, lhs, rhs)
        return _call(bname, lhs, rhs)
    if isinstance(lhs, NDArray):
        if isinstance(rhs, numeric_types):
            return _call(sname, lhs, scalar=float(rhs))
        return _bin(lhs, rhs, bname, sname)
    if isinstance(rhs, NDArray) and isinstance(lhs, numeric_types):
        return _call(rsname, rhs, scalar=float(lhs))
    raise TypeError('type %s not supported' % str(type(rhs)))


def add(lhs, rhs):
    """lhs + rhs: elemwise_add for arrays of one shape (keeping sparse storage as MXNet
    does), broadcast_add otherwise, _plus_scalar with a number."""
    import operator
    return _ufunc(lhs, rhs, 'elemwise_add', 'broadcast_add', '_plus_scalar', '_plus_scalar',
                  operator.add)


def subtract(lhs, rhs):
    import operator
    return _ufunc(lhs, rhs, 'elemwise_sub', 'broadcast_sub', '_minus_scalar', '_rminus_scalar',
                  operator.sub)


def multiply(lhs, rhs):
    import operator
    return _ufunc(lhs, rhs, 'elemwise_mul', 'broadcast_mul', '_mul_scalar', '_mul_scalar',
                  operator.mul)


def divide(lhs, rhs):
    import operator
    return _ufunc(lhs, rhs, 'elemwise_div', 'broadcast_div', '_div_scalar', '_rdiv_scalar',
                  operator.truediv)


def retain(data, indices, **kwargs):
    """The rows ``indices`` of row_sparse ``data`` (the others dropped), row_sparse."""
    return _internal._sparse_retain(data, indices, **kwargs)


# the operator functions mx.nd.sparse has besides its own (``_sparse_ops.install_names``)
_SPARSE_NAMESPACE = ('elemwise_add', 'elemwise_sub', 'elemwise_mul', 'elemwise_div', 'add_n',
                     'ElementWiseSum', 'broadcast_add', 'broadcast_sub', 'broadcast_mul',
                     'broadcast_div', 'broadcast_plus', 'broadcast_minus', 'zeros_like',
                     'slice', 'where', 'concat', 'sgd_update', 'sgd_mom_update', 'adam_update',
                     'adagrad_update', 'ftrl_update', 'square', 'negative', 'Embedding',
                     'FullyConnected', 'dot', 'sum', 'mean', 'norm', 'clip', 'abs', 'sign',
                     'relu', 'sigmoid', 'exp', 'log', 'stop_gradient', 'make_loss')


def _install():
    """What the modules below this one call of it: ``NDArray.tostype`` (the function itself,
    set on the class), sparse arrays for ``attach_grad(stype=...)`` (_handle.py) and for
    ``array`` / ``zeros`` / ``empty`` of sparse sources or storage types (_creation.py)."""
    NDArray.tostype = _dense_tostype
    _handle._sparse_zeros = zeros
    _creation._sparse_array = array
    _creation._sparse_zeros = zeros


_install()
