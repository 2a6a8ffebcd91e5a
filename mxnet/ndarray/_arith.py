"""The arithmetic fast path of NDArray: ``x + y``, ``x += y``, ``-x``, ``mx.nd.add(...)``.

``_binary`` runs a python operator on an NDArray and an NDArray or number with MXNet's
semantics (dtype checks, scalars cast to the array's dtype, broadcast / *_scalar op names in
errors), records it while autograd records and replays it on integer variables' float64
proxies; ``_inplace`` and ``_unary_neg`` are the in-place and negation forms. The functional
``add`` ... ``negative`` and ``logical_*`` are here too. NDArray's dunder methods (in
``_handle.py``) call ``_binary`` / ``_inplace`` / ``_unary_neg``, bound into ``_handle`` at the
end of this module.

Imports ``_handle`` and ``_creation`` (``array``, for numpy operands); ``ndarray`` imports it.
"""
import operator as _pyop

import numpy as np
import torch

from ..base import MXNetError, np_dtype, numeric_types
from .._tape import (INT_GRAD as _INT_GRAD, proxy as _proxy, in_graph as _in_graph,
                     set_proxy as _set_proxy, replay as _replay, record as _record)
from . import _handle
from ._handle import NDArray, _STATE, _E, _wrap, _opctx, _assign, _scalar_for, _no_grad
from ._handle import engine_call as _engine_call, meta_of as _meta_of
from ._creation import array
from . import _internal

_op = None  # the module mxnet.ndarray.op (installed by op.py when it loads)


# ---------------------------------------------------------------------------------------------
# binary arithmetic
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


def _binary(lhs, rhs, name, now=False):
    """lhs (NDArray) <op> rhs (NDArray or number), MXNet semantics. Goes through the engine
    (mxnet/engine.py) when it needs it or when lhs is large; ``now``: run it here."""
    if _E.slow and not now:
        return _engine_binary(lhs, rhs, name)
    a = lhs._data
    if _E.inline_size and not now and a.numel() >= _E.inline_size:
        return _engine_binary(lhs, rhs, name)
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


def _engine_binary(lhs, rhs, name):
    nd_rhs = isinstance(rhs, NDArray)
    if not (nd_rhs or isinstance(rhs, numeric_types)):
        return _binary(lhs, rhs, name, True)   # numpy / torch operands: converted there
    return _engine_call(_OPNAMES[name][0 if nd_rhs else 1],
                        lambda arrs: _binary(arrs[0], arrs[1], name, True), [lhs, rhs],
                        _opctx(lhs), check=lambda: _same_layout(lhs, rhs))


def _same_layout(lhs, rhs):
    """lhs <op> rhs can run on a worker when rhs is a scalar or an array of lhs's shape and
    dtype (broadcasting and dtype errors are then found at the call): the output's meta
    tensor, else None."""
    m = _meta_of(lhs)
    if not isinstance(rhs, NDArray):
        return m
    r = _meta_of(rhs)
    return m if (m.shape == r.shape and m.dtype == r.dtype) else None


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


def _unary_neg(x, now=False):
    if _E.slow and not now:
        return _engine_call('negative', lambda arrs: _unary_neg(arrs[0], True), [x], _opctx(x))
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
    op = _op
    if isinstance(lhs, numeric_types) and isinstance(rhs, numeric_types):
        return pyfn(lhs, rhs)
    if not isinstance(lhs, NDArray):
        lhs, rhs = rhs, lhs
    if isinstance(rhs, NDArray):
        return getattr(op, 'broadcast_logical_' + name)(lhs, rhs)
    return getattr(_internal, '_logical_%s_scalar' % name)(lhs, scalar=rhs)


def logical_and(lhs, rhs):
    return _logical('and', lhs, rhs, lambda a, b: 1 if (a and b) else 0)


def logical_or(lhs, rhs):
    return _logical('or', lhs, rhs, lambda a, b: 1 if (a or b) else 0)


def logical_xor(lhs, rhs):
    return _logical('xor', lhs, rhs, lambda a, b: 1 if (bool(a) != bool(b)) else 0)


def negative(arr):
    return -arr


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


# NDArray's arithmetic dunders (in _handle.py) call these through _handle's globals
_handle._binary = _binary
_handle._inplace = _inplace
_handle._unary_neg = _unary_neg
