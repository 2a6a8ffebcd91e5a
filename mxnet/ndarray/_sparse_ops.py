"""Operators on sparse NDArrays: MXNet's sparse kernels and its storage fallback.

``register.make_function`` sends a call here when an input is a sparse NDArray
(:func:`invoke_sparse`). An op with a sparse implementation below computes on the compressed
components and returns the storage type MXNet's inference gives; every other op (or a sparse
op asked for a case MXNet's kernels do not cover) runs MXNet's storage fallback: the inputs
are densified and the ordinary registry op computes a dense result. ``out=`` of any storage
type receives the result in its own storage type.

This module also registers the operators that only exist for sparse storage
(``_sparse_retain``, ``_square_sum``, ``_contrib_getnnz``), with dense forwards for the
symbolic layer.

It sits above ``sparse`` and ``register`` in the package's order (``mxnet/ndarray/__init__.py``):
``_install()`` (at the end) makes :func:`invoke_sparse` register.py's ``_sparse_invoke``, and
:func:`install_names` (called by op.py once the operator functions exist) gives ``mx.nd`` the
sparse-aware ``cast_storage`` and ``mx.nd.sparse`` its operator names.
"""
import numpy as np
import torch

from ..base import MXNetError, _Null
from .. import _state
from .._ops.registry import register, Param, OpError
from .._ops.params import Bool, Axis
from .ndarray import NDArray, _wrap, _assign
from . import sparse as _sp
from . import register as _register
from .register import invoke

_STATE = _state.state
_IDX = torch.int64


# ---------------------------------------------------------------------------------------------
# dispatch
def invoke_sparse(opdef, arrays, kwargs, out):
    """Run registry op ``opdef`` on ``arrays`` (some sparse) with parameters ``kwargs``."""
    kwargs = {k: v for k, v in kwargs.items() if v is not _Null}
    arrays = list(arrays)
    v = opdef.variadic
    if v and v is not True:
        kwargs[v] = len(arrays)
    impl = _IMPLS.get(opdef.name)
    res = NotImplemented
    if impl is not None and not (_STATE.recording and _in_graph(arrays)):
        attrs = opdef.parse_attrs(kwargs)
        res = impl(opdef, attrs, arrays)
    if res is NotImplemented:
        return invoke(opdef, arrays, kwargs, out)   # storage fallback: dense inputs, dense out
    if out is not None:
        outs = out if isinstance(out, (list, tuple)) else [out]
        rs = res if isinstance(res, (list, tuple)) else [res]
        for o, r in zip(outs, rs):
            _write(o, r)
        return out
    return res


def _in_graph(arrays):
    for a in arrays:
        if a is None:
            continue
        if isinstance(a, _sp.BaseSparseNDArray):
            if a._grad is not None and a._grad_req != 'null':
                return True  # a marked variable (its leaf is rebuilt with the dense view)
            d = a._dense
            if d is not None and d.requires_grad:
                return True
        elif a._data.requires_grad:
            return True
    return False


def _write(o, r):
    if not isinstance(o, NDArray):
        raise MXNetError('out must be an NDArray, got %s' % type(o).__name__)
    if o.shape != r.shape:
        raise MXNetError('out has shape %s but the result has shape %s' % (o.shape, r.shape))
    if isinstance(o, _sp.BaseSparseNDArray):
        o._assign_from(r)
    else:
        _assign(o, r._data)


def _is_sp(a, stype=None):
    return isinstance(a, _sp.BaseSparseNDArray) and (stype is None or a._STYPE == stype)


def _stype(a):
    return a.stype if isinstance(a, NDArray) else 'default'


def _like(a, values, aux=None, shape=None):
    """A new array of a's class and structure (or ``aux``) holding ``values``."""
    a._comp()
    return _sp._make(type(a), values, a._saux if aux is None else aux,
                     a._sshape if shape is None else shape, _opctx(a))


def _opctx(a):
    c = a._ctx
    return c if c is None else c._opc


_IMPLS = {}


def _impl(*names):
    def deco(fn):
        for n in names:
            _IMPLS[n] = fn
        return fn
    return deco


# ---------------------------------------------------------------------------------------------
# unary ops with f(0) = 0: computed on the stored values, storage kept
_UNARY_KEEP = ('negative', 'square', 'sqrt', 'cbrt', 'rint', 'fix', 'floor', 'ceil', 'round',
               'trunc', 'sign', 'log1p', 'expm1', 'sin', 'tan', 'arcsin', 'arctan', 'degrees',
               'radians', 'sinh', 'tanh', 'arcsinh', 'arctanh', 'abs', 'relu', '_copy',
               'BlockGrad', 'make_loss', '_contrib_round_ste', '_contrib_sign_ste')


def _unary_keep(opdef, attrs, arrays):
    (a,) = arrays
    a._comp()
    return _like(a, opdef.compute(attrs, [a._sv.detach()]))


def _clip(opdef, attrs, arrays):
    a = arrays[0]
    lo, hi = float(attrs.a_min), float(attrs.a_max)
    if not (lo <= 0 <= hi):  # clip(0) != 0: MXNet still keeps the storage for the stored part
        pass
    return _unary_keep(opdef, attrs, arrays)


def _zeros_like(opdef, attrs, arrays):
    (a,) = arrays
    return _sp._empty_sparse(a._STYPE, a.shape, a.context, a.dtype)


def _install_unary():
    from .._ops.registry import all_ops
    ops = all_ops()
    for n in _UNARY_KEEP:
        if n in ops:
            _IMPLS[ops[n].name] = _unary_keep
    _IMPLS['clip'] = _clip
    _IMPLS['zeros_like'] = _zeros_like


# scalar ops: sparse output where MXNet's kernels give one
def _keep_if(pred):
    def impl(opdef, attrs, arrays):
        (a,) = arrays
        if not _is_sp(a) or not pred(float(attrs.scalar)):
            return NotImplemented
        a._comp()
        return _like(a, opdef.compute(attrs, [a._sv.detach()]))
    return impl


_impl('_plus_scalar', '_minus_scalar')(_keep_if(lambda s: s == 0))
_impl('_mul_scalar', '_div_scalar')(_keep_if(lambda s: True))
_impl('_equal_scalar')(_keep_if(lambda s: s != 0))
_impl('_not_equal_scalar')(_keep_if(lambda s: s == 0))
_impl('_greater_scalar')(_keep_if(lambda s: s >= 0))
_impl('_greater_equal_scalar')(_keep_if(lambda s: s > 0))
_impl('_lesser_scalar')(_keep_if(lambda s: s <= 0))
_impl('_lesser_equal_scalar')(_keep_if(lambda s: s < 0))


# ---------------------------------------------------------------------------------------------
# elementwise binary ops on two sparse arrays of one storage type (the union of their
# structures), and multiplication of a sparse array by a dense one
def _rsp_rows(a, rows):
    """a's rows ``rows`` (sorted int64) as a dense (len(rows), ...) tensor."""
    a._comp()
    idx = a._saux[0]
    out = torch.zeros((rows.numel(),) + a._sshape[1:], dtype=a._sv.dtype, device=a._sv.device)
    if idx.numel():
        pos = torch.searchsorted(rows, idx)
        hit = pos < rows.numel()
        hit &= rows[pos.clamp(max=max(rows.numel() - 1, 0))] == idx if rows.numel() else hit
        out[pos[hit]] = a._sv.detach()[hit]
    return out


def _csr_keys(a):
    a._comp()
    indptr, indices = a._saux
    counts = indptr[1:] - indptr[:-1]
    rows = torch.repeat_interleave(torch.arange(a._sshape[0], device=indices.device), counts)
    return rows * a._sshape[1] + indices


def _csr_at(a, keys):
    """a's values at linear positions ``keys`` (sorted, unique); duplicates in a are summed."""
    k = _csr_keys(a)
    out = torch.zeros(keys.numel(), dtype=a._sv.dtype, device=a._sv.device)
    if k.numel():
        out.index_add_(0, torch.searchsorted(keys, k), a._sv.detach())
    return out


def _csr_from_keys(keys, values, shape, ctx):
    ncols = shape[1]
    rows = torch.div(keys, ncols, rounding_mode='floor') if ncols else keys
    cols = keys - rows * ncols
    counts = torch.bincount(rows, minlength=shape[0]) if rows.numel() else \
        torch.zeros(shape[0], dtype=_IDX, device=keys.device)
    indptr = torch.zeros(shape[0] + 1, dtype=_IDX, device=keys.device)
    indptr[1:] = torch.cumsum(counts, 0)
    return _sp._make(_sp.CSRNDArray, values, (indptr, cols.to(_IDX)), shape, ctx)


def _check_same(opdef, lhs, rhs):
    if lhs.shape != rhs.shape:
        raise OpError('Error in operator %s: Incompatible input shapes %s and %s'
                      % (opdef.name, lhs.shape, rhs.shape))
    if lhs.dtype != rhs.dtype:
        raise OpError('Error in operator %s: Incompatible attr at 1-th input: expected %s, got %s'
                      % (opdef.name, np.dtype(lhs.dtype).name, np.dtype(rhs.dtype).name))


def _same_stype_binary(opdef, attrs, arrays):
    lhs, rhs = arrays
    if not (_is_sp(lhs) and _is_sp(rhs) and lhs._STYPE == rhs._STYPE):
        return NotImplemented
    _check_same(opdef, lhs, rhs)
    if lhs._STYPE == 'row_sparse':
        rows = torch.unique(torch.cat([lhs._saux[0], rhs._saux[0]]))  # sorted
        vals = opdef.compute(attrs, [_rsp_rows(lhs, rows), _rsp_rows(rhs, rows)])
        return _sp._make(_sp.RowSparseNDArray, vals, (rows,), lhs.shape, _opctx(lhs))
    keys = torch.unique(torch.cat([_csr_keys(lhs), _csr_keys(rhs)]))
    vals = opdef.compute(attrs, [_csr_at(lhs, keys), _csr_at(rhs, keys)])
    return _csr_from_keys(keys, vals, lhs.shape, _opctx(lhs))


def _mul_binary(opdef, attrs, arrays):
    lhs, rhs = arrays
    if _is_sp(lhs) and _is_sp(rhs):
        return _same_stype_binary(opdef, attrs, arrays)
    sp, dn = (lhs, rhs) if _is_sp(lhs) else (rhs, lhs)
    if not isinstance(dn, NDArray):
        return NotImplemented
    _check_same(opdef, lhs, rhs)
    return _times_dense(opdef, attrs, sp, dn, sp is lhs)


def _times_dense(opdef, attrs, sp, dn, sp_first):
    """sp (op) dense for an op with 0 (op) x = 0: the values at sp's stored positions."""
    sp._comp()
    d = dn._data.detach()
    if tuple(d.shape) != sp._sshape:
        d = d.expand(sp._sshape)
    if sp._STYPE == 'row_sparse':
        other = d[sp._saux[0]]
    else:
        indptr, indices = sp._saux
        counts = indptr[1:] - indptr[:-1]
        rows = torch.repeat_interleave(torch.arange(sp._sshape[0], device=indices.device),
                                       counts)
        other = d[rows, indices]
    v = sp._sv.detach()
    vals = opdef.compute(attrs, [v, other] if sp_first else [other, v])
    return _like(sp, vals)


_impl('elemwise_add', 'elemwise_sub', '_grad_add', '_maximum', '_minimum', '_hypot')(
    _same_stype_binary)
_impl('elemwise_mul')(_mul_binary)


def _bcast_csr(opdef, attrs, arrays):
    """broadcast_mul / broadcast_div of a csr matrix by a dense array: csr."""
    lhs, rhs = arrays
    if not _is_sp(lhs, 'csr') or _is_sp(rhs):
        return NotImplemented
    try:
        shape = tuple(torch.broadcast_shapes(lhs.shape, rhs.shape))
    except RuntimeError:
        return NotImplemented
    if shape != lhs.shape:
        return NotImplemented
    if lhs.dtype != rhs.dtype:
        _check_same(opdef, lhs, _wrap(torch.zeros(lhs.shape, dtype=rhs._data.dtype)))
    return _times_dense(opdef, attrs, lhs, rhs, True)


_impl('broadcast_mul', 'broadcast_div')(_bcast_csr)


@_impl('add_n')
def _add_n(opdef, attrs, arrays):
    if not arrays or not all(_is_sp(a, 'row_sparse') for a in arrays):
        return NotImplemented
    first = arrays[0]
    for a in arrays[1:]:
        _check_same(opdef, first, a)
    rows = torch.unique(torch.cat([a._comp() or a._saux[0] for a in arrays]))
    vals = _rsp_rows(first, rows)
    for a in arrays[1:]:
        vals = vals + _rsp_rows(a, rows)
    return _sp._make(_sp.RowSparseNDArray, vals, (rows,), first.shape, _opctx(first))


# ---------------------------------------------------------------------------------------------
# dot
def _csr_rows_index(a):
    indptr, indices = a._saux
    counts = indptr[1:] - indptr[:-1]
    return torch.repeat_interleave(torch.arange(a._sshape[0], device=indices.device), counts)


def _dense_of(x):
    return x._data.detach()


@_impl('dot')
def _dot(opdef, attrs, arrays):
    lhs, rhs = arrays
    ta, tb = attrs.transpose_a, attrs.transpose_b
    fs = attrs.forward_stype
    ls, rs = _stype(lhs), _stype(rhs)
    res = None
    if ls == 'csr' and rs in ('default', 'row_sparse') and not tb and rhs.ndim == 2:
        lhs._comp()
        rows = _csr_rows_index(lhs)
        cols = lhs._saux[1]
        v = lhs._sv.detach()
        r = _dense_of(rhs)
        if v.dtype != r.dtype:
            raise OpError('Error in operator dot: Incompatible attr at 1-th input: expected %s, '
                          'got %s' % (np.dtype(lhs.dtype).name, np.dtype(rhs.dtype).name))
        m, n = lhs.shape
        if not ta:
            if r.shape[0] != n:
                raise OpError('Error in operator dot: shapes %s and %s do not match'
                              % (lhs.shape, rhs.shape))
            out = torch.zeros((m, r.shape[1]), dtype=v.dtype, device=v.device)
            if v.numel():
                out.index_add_(0, rows, v[:, None] * r[cols])
            res = _wrap(out, _opctx(lhs))
        else:
            if r.shape[0] != m:
                raise OpError('Error in operator dot: shapes %s and %s do not match'
                              % (lhs.shape, rhs.shape))
            out_rows = torch.unique(cols)
            vals = torch.zeros((out_rows.numel(), r.shape[1]), dtype=v.dtype, device=v.device)
            if v.numel():
                vals.index_add_(0, torch.searchsorted(out_rows, cols), v[:, None] * r[rows])
            res = _sp._make(_sp.RowSparseNDArray, vals, (out_rows,), (n, r.shape[1]),
                            _opctx(lhs))
            if fs is None:
                return res
    elif ls == 'default' and rs == 'csr' and not ta and lhs.ndim == 2:
        rhs._comp()
        rows = _csr_rows_index(rhs)
        cols = rhs._saux[1]
        v = rhs._sv.detach()
        l = _dense_of(lhs)
        if v.dtype != l.dtype:
            raise OpError('Error in operator dot: Incompatible attr at 1-th input: expected %s, '
                          'got %s' % (np.dtype(lhs.dtype).name, np.dtype(rhs.dtype).name))
        k, n = rhs.shape
        if not tb:
            if l.shape[1] != k:
                raise OpError('Error in operator dot: shapes %s and %s do not match'
                              % (lhs.shape, rhs.shape))
            out = torch.zeros((l.shape[0], n), dtype=v.dtype, device=v.device)
            if v.numel():
                out.index_add_(1, cols, l[:, rows] * v[None, :])
        else:
            if l.shape[1] != n:
                raise OpError('Error in operator dot: shapes %s and %s do not match'
                              % (lhs.shape, rhs.shape))
            out = torch.zeros((l.shape[0], k), dtype=v.dtype, device=v.device)
            if v.numel():
                out.index_add_(1, rows, l[:, cols] * v[None, :])
        res = _wrap(out, _opctx(lhs))
        if fs is None:
            return _sp._from_dense_tensor(out, 'csr', _opctx(lhs))
    if res is None:
        if fs is None or fs == 'default':
            return NotImplemented
        res = invoke(opdef, arrays, {'transpose_a': ta, 'transpose_b': tb})
    want = fs or 'default'
    if res.stype == want:
        return res
    if want == 'default':
        return res.tostype('default')
    if res.stype != 'default':
        res = res.tostype('default')
    return res.tostype(want)


def dot_dense_forward_stype(opdef, attrs, arrays):
    """Dense inputs with ``forward_stype``: MXNet returns that storage type."""
    return _dot(opdef, attrs, arrays)


# ---------------------------------------------------------------------------------------------
# slicing, concatenation, take
@_impl('slice')
def _slice(opdef, attrs, arrays):
    (a,) = arrays
    if not _is_sp(a, 'csr'):
        return NotImplemented
    begin, end = list(attrs.begin), list(attrs.end)
    step = list(attrs.step) if attrs.step else []
    if any(s not in (None, 1) for s in step):
        return NotImplemented
    m, n = a.shape
    b = [None, None]
    e = [None, None]
    for i in range(len(begin)):
        b[i] = begin[i]
        e[i] = end[i]
    r0, r1, _ = slice(b[0], e[0]).indices(m)
    c0, c1, _ = slice(b[1], e[1]).indices(n)
    r1 = max(r0, r1)
    c1 = max(c0, c1)
    rows = _sp._csr_rows(a, r0, r1)
    if (c0, c1) == (0, n):
        return rows
    ind = rows._saux[1]
    keep = (ind >= c0) & (ind < c1)
    counts = rows._saux[0][1:] - rows._saux[0][:-1]
    rid = torch.repeat_interleave(torch.arange(r1 - r0, device=ind.device), counts)
    kept_rows = rid[keep]
    indptr = torch.zeros(r1 - r0 + 1, dtype=_IDX, device=ind.device)
    if kept_rows.numel():
        indptr[1:] = torch.cumsum(torch.bincount(kept_rows, minlength=r1 - r0), 0)
    return _sp._make(_sp.CSRNDArray, rows._sv[keep], (indptr, ind[keep] - c0),
                     (r1 - r0, c1 - c0), _opctx(a))


@_impl('Concat')
def _concat(opdef, attrs, arrays):
    if not all(_is_sp(a, 'csr') for a in arrays) or int(attrs.dim) != 0:
        return NotImplemented
    ncol = arrays[0].shape[1]
    vals, inds, ptrs = [], [], []
    off = 0
    nrows = 0
    for a in arrays:
        if a.shape[1] != ncol:
            return NotImplemented
        a._comp()
        vals.append(a._sv.detach())
        inds.append(a._saux[1])
        p = a._saux[0]
        ptrs.append((p[1:] if ptrs else p) + off)
        off += int(p[-1])
        nrows += a.shape[0]
    return _sp._make(_sp.CSRNDArray, torch.cat(vals), (torch.cat(ptrs), torch.cat(inds)),
                     (nrows, ncol), _opctx(arrays[0]))


@_impl('take')
def _take(opdef, attrs, arrays):
    a, idx = arrays
    if not _is_sp(a, 'csr') or _is_sp(idx) or int(attrs.axis) != 0:
        return NotImplemented
    res = invoke(opdef, [_wrap(a._data.detach()), idx], {'axis': 0, 'mode': attrs.mode})
    return _sp._from_dense_tensor(res._data, 'csr', _opctx(a))


@_impl('cast_storage')
def _cast_storage(opdef, attrs, arrays):
    (a,) = arrays
    return cast_storage_impl(a, attrs.stype)


def cast_storage_impl(a, stype):
    if stype == 'default':
        return a.tostype('default') if _is_sp(a) else _wrap(a._data.clone(), _opctx(a))
    if _is_sp(a):
        if a._STYPE != stype:
            raise OpError('Check failed: infer_stype_success: Operator not implemented: '
                          'operator = cast_storage (from %s to %s)' % (a._STYPE, stype))
        return a._copy_sparse(a.context)
    return _sp._dense_to_sparse(a, stype)


# ---------------------------------------------------------------------------------------------
# operators that exist for sparse storage
@register('_sparse_retain', inputs=('data', 'indices'))
def _sparse_retain(a, data, indices):
    """Keeps the rows ``indices`` of a row_sparse array (the others become zero); the result
    is row_sparse with exactly those rows stored."""
    keep = torch.zeros(data.shape[0], dtype=data.dtype, device=data.device)
    keep[indices.long()] = 1
    return data * keep.reshape((-1,) + (1,) * (data.dim() - 1))


@_impl('_sparse_retain')
def _retain(opdef, attrs, arrays):
    data, indices = arrays
    if not _is_sp(data, 'row_sparse'):
        raise OpError('Error in operator _sparse_retain: the data input must be row_sparse, '
                      'got %s' % data.stype)
    rows = indices._data.detach().to(_IDX).reshape(-1)
    rows = torch.unique(rows)
    data._comp()
    vals = _rsp_rows(data, rows) if rows.numel() else \
        torch.zeros((0,) + data.shape[1:], dtype=data._sv.dtype, device=data._sv.device)
    return _sp._make(_sp.RowSparseNDArray, vals, (rows,), data.shape, _opctx(data))


@register('_square_sum', axis=Param(Axis, None, 'The axis or axes along which to reduce.'),
          keepdims=Param(Bool, False, 'Keep the reduced axes with size 1.'),
          exclude=Param(Bool, False, 'Reduce over the axes not listed in axis.'))
def _square_sum(a, data):
    """Sum of squares over ``axis`` (MXNet's sparse ``_square_sum``; row_sparse input gives a
    row_sparse result for axis=1 with keepdims)."""
    ax = a.axis
    if ax is None:
        dims = list(range(data.dim()))
    else:
        dims = [int(d) % data.dim() for d in (ax if isinstance(ax, (tuple, list)) else (ax,))]
    if a.exclude:
        dims = [d for d in range(data.dim()) if d not in dims]
    r = torch.sum(data * data, dims, keepdim=a.keepdims)
    return r.reshape(1) if r.dim() == 0 else r


@_impl('_square_sum')
def _square_sum_sp(opdef, attrs, arrays):
    (a,) = arrays
    if not _is_sp(a, 'row_sparse'):
        raise OpError('Error in operator _square_sum: only row_sparse input is supported, got '
                      '%s' % a.stype)
    ax = attrs.axis
    ax = ax[0] if isinstance(ax, (tuple, list)) and len(ax) == 1 else ax
    if a.ndim == 2 and ax in (1, -1) and attrs.keepdims and not attrs.exclude:
        a._comp()
        v = a._sv.detach()
        vals = (v * v).sum(1, keepdim=True)
        return _sp._make(_sp.RowSparseNDArray, vals, (a._saux[0].clone(),), (a.shape[0], 1),
                         _opctx(a))
    return NotImplemented


@register('_contrib_getnnz', axis=Param(Axis, None, 'None (all), 0 or 1.'))
def _getnnz(a, data):
    """The number of stored values of a csr matrix (in all, per column or per row)."""
    nz = data != 0
    if a.axis is None:
        return nz.sum().reshape(1).to(torch.int64)
    return nz.sum(int(a.axis)).to(torch.int64)


@_impl('_contrib_getnnz')
def _getnnz_sp(opdef, attrs, arrays):
    (a,) = arrays
    if not _is_sp(a, 'csr'):
        raise OpError('Error in operator _contrib_getnnz: the input must be csr, got %s'
                      % a.stype)
    a._comp()
    indptr, indices = a._saux
    ax = attrs.axis
    if ax is None:
        r = torch.tensor([indices.numel()], dtype=torch.int64)
    elif int(ax) in (1, -1):
        r = indptr[1:] - indptr[:-1]
    elif int(ax) == 0:
        r = torch.bincount(indices, minlength=a.shape[1]).to(torch.int64)
    else:
        raise OpError('Error in operator _contrib_getnnz: axis must be None, 0 or 1')
    return _wrap(r.to(a._sv.device), _opctx(a))


# ---------------------------------------------------------------------------------------------
# optimizer updates with a row_sparse gradient: MXNet's lazy update touches only the rows the
# gradient stores (weight and states alike); the dense update formula runs on those rows
_LAZY_OPS = ('sgd_update', 'sgd_mom_update', 'mp_sgd_update', 'mp_sgd_mom_update',
             'adam_update', 'ftrl_update', 'nag_mom_update', 'signum_update')


def _lazy_update(opdef, attrs, arrays):
    grad = arrays[1] if len(arrays) > 1 else None
    if not _is_sp(grad, 'row_sparse') or not getattr(attrs, 'lazy_update', True) or \
            any(_is_sp(a, 'csr') for a in arrays):
        return NotImplemented
    weight = arrays[0]
    if _is_sp(weight) and not all(_is_sp(x) for x in arrays[2:]):
        return NotImplemented  # row_sparse weight with dense states: MXNet's standard update
    # MXNet 1.9.1's sparse kernels: sgd_mom / adam are lazy only when the states have the
    # weight's storage type, ftrl only when weight and states are all row_sparse; nag_mom and
    # signum have none (a row_sparse gradient runs the standard update)
    if opdef.name in ('sgd_mom_update', 'adam_update') and \
            any(_is_sp(x) != _is_sp(weight) for x in arrays[2:]):
        return NotImplemented
    if opdef.name == 'ftrl_update' and not all(_is_sp(x) for x in [weight] + list(arrays[2:])):
        return NotImplemented
    if opdef.name in ('nag_mom_update', 'signum_update'):
        return NotImplemented
    grad._comp()
    rows = grad._saux[0]
    parts = []
    for i, x in enumerate(arrays):
        if i == 1:
            parts.append(grad._sv.detach().clone())
        else:
            parts.append(x._data.detach()[rows].clone())
    with torch.no_grad():
        new_rows = opdef.compute(attrs, parts)
        for i, x in enumerate(arrays):   # the states the update changed in place
            if i < 2:
                continue
            if _is_sp(x):
                full = x._data.detach().clone()
                full[rows] = parts[i]
                x._assign_from(full)
            else:
                x._data[rows] = parts[i].to(x._data.dtype)
        full = weight._data.detach().clone()
        full[rows] = new_rows.to(full.dtype)
    if _is_sp(weight):
        return _sp._from_dense_tensor(full, weight._STYPE, _opctx(weight))
    return _wrap(full, _opctx(weight))


def _install_lazy():
    from .._ops.registry import all_ops
    ops = all_ops()
    for n in _LAZY_OPS:
        if n in ops:
            _IMPLS[ops[n].name] = _lazy_update


_install_unary()
_install_lazy()


# ---------------------------------------------------------------------------------------------
# what the modules around this one get of it
def install_names(op_mod):
    """Called by op.py once the registry functions exist: ``cast_storage`` learns to make
    sparse arrays from dense ones, and ``mx.nd.sparse`` gets MXNet's operator names."""
    dense_cast = op_mod.cast_storage

    def cast_storage(data=None, stype=None, out=None, name=None, **kwargs):
        if isinstance(data, NDArray) and not isinstance(data, _sp.BaseSparseNDArray) and \
                stype in ('csr', 'row_sparse') and not kwargs:
            res = cast_storage_impl(data, stype)
            if out is not None:
                _write(out, res)
                return out
            return res
        return dense_cast(data, stype=stype, out=out, name=name, **kwargs)
    cast_storage.__doc__ = dense_cast.__doc__
    cast_storage.opdef = dense_cast.opdef
    op_mod.cast_storage = cast_storage
    mod = _sp
    mod.cast_storage = cast_storage
    for n in _sp._SPARSE_NAMESPACE:
        f = getattr(op_mod, n, None)
        if f is not None and n not in mod.__dict__:
            setattr(mod, n, f)
    # (mx.nd.sparse.retain stays the registry's _sparse_retain, which populate put there)


def _install():
    """register.make_function sends calls with a sparse input to :func:`invoke_sparse`."""
    _register._sparse_invoke = invoke_sparse


_install()
