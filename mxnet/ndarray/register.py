"""Generate the ``mx.nd`` functions from the operator registry.

``make_function(opdef)`` returns ``f(*args, out=None, name=None, **kwargs)``, bound as every
front end binds (``_ops/binder.py``): positional args fill the op's inputs in order and then its
parameters in declaration order (MXNet's generated signatures), NDArray keyword args fill named
inputs, the rest are parameters. ``invoke`` runs an op on already bound arrays.

A call with a sparse input goes to ``_sparse_invoke``: ``_sparse_ops.invoke_sparse``, which
``_sparse_ops`` (above this module in the package's order) installs here when it loads.
"""
import torch

from ..base import MXNetError, _Null
from .._ops.registry import OpError
from .._ops.binder import (split_call, input_slots, signature, doc as _doc, populate as _populate,
                           _label)
from ..context import current_context
from .. import _state
from .ndarray import NDArray, _wrap, _assign
from .._tape import record as _record, INT_GRAD as _INT_GRAD, proxy as _proxy, \
    set_proxy as _set_proxy

_STATE = _state.state


def _wrap_outputs(opdef, res, out, ctx=None):
    """NDArrays for an op's result (``ctx``: the ``_ctx`` of new outputs), or write into out."""
    if isinstance(res, torch.Tensor):
        if out is not None:
            o = out[0] if isinstance(out, (list, tuple)) else out
            _write_out(opdef, o, res)
            return out
        return _wrap(res, ctx)
    res = tuple(res)
    if out is not None:
        outs = out if isinstance(out, (list, tuple)) else [out]
        for o, r in zip(outs, res):
            _write_out(opdef, o, r)
        return out
    return [_wrap(r, ctx) for r in res]


def _out_ctx(opdef, attrs, arrays):
    """``_ctx`` of an op's outputs: the first input's context (cpu_pinned(i) computes on
    cpu(i)), or for a creation op its ``ctx`` attribute (default: the current context)."""
    for a in arrays:
        if a is not None:
            c = a._ctx
            return c if c is None else c._opc
    if opdef.creation:
        c = getattr(attrs, 'ctx', None)
        if c is None:
            c = current_context()
        return c._tag
    return None


def _maybe_record(opdef, attrs, arrays, res, outs):
    """While recording, note the op in the outputs' history (autograd.get_symbol) when one of
    its inputs is part of the graph, as MXNet records it."""
    for a in arrays:
        if a is not None and a._data.requires_grad:
            break
    else:
        if _INT_GRAD[0]:
            _replay_on_proxies(opdef, attrs, arrays, outs)
        return
    if isinstance(outs, NDArray):
        outs = (outs,)
    _record(opdef.name, attrs, arrays, outs)


def _replay_on_proxies(opdef, attrs, arrays, outs):
    """Integer autograd (see ndarray.py): replay the op with the float proxies of its integer
    variable inputs, to put its outputs in torch's graph."""
    proxies = [None if a is None else _proxy(a) for a in arrays]
    if all(p is None for p in proxies):
        return
    tensors = [None if a is None else (a._data if p is None else p)
               for a, p in zip(arrays, proxies)]
    try:
        res = opdef.compute(attrs, tensors)
    except Exception:  # noqa: BLE001
        # an op that wants one dtype on all inputs: the other integer inputs as float64 too
        tensors = [t.double() if t is not None and p is None and not t.is_floating_point()
                   else t for t, p in zip(tensors, proxies)]
        try:
            res = opdef.compute(attrs, tensors)
        except Exception:  # noqa: BLE001 (an op that insists on integers: no gradient)
            return
    if isinstance(outs, NDArray):
        outs, res = (outs,), (res,)
    for o, r in zip(outs, res):
        _set_proxy(o, r)


def _write_out(opdef, o, r):
    if not isinstance(o, NDArray):
        raise MXNetError('%s: out must be an NDArray, got %s' % (opdef.name, type(o).__name__))
    if tuple(o._data.shape) != tuple(r.shape):
        raise MXNetError('%s: out has shape %s but the result has shape %s'
                         % (opdef.name, o.shape, tuple(r.shape)))
    _assign(o, r)


# ``_sparse_invoke(opdef, arrays, kwargs, out)``: _sparse_ops.invoke_sparse (installed by
# _sparse_ops.py when it loads)
_sparse_invoke = None


def invoke(opdef, arrays, kwargs, out=None, attrs=None):
    """Run a registry op on NDArrays (None for absent optional inputs); ``attrs``: the
    already parsed ``kwargs``, if the caller has them."""
    if attrs is None:
        attrs = opdef.parse_attrs(kwargs)
    tensors = [None if a is None else a._data for a in arrays]
    res = opdef.compute(attrs, tensors)
    outs = _wrap_outputs(opdef, res, out, _out_ctx(opdef, attrs, arrays))
    if _STATE.recording:
        _maybe_record(opdef, attrs, arrays, res, outs)
    return outs


def _is_nd(v):
    return isinstance(v, NDArray)


def make_function(opdef, func_name=None):
    """``mx.nd.X`` for ``opdef``: binds the call (``_ops.binder``), runs the op's compute on
    the inputs' tensors and wraps the results (or writes them into ``out``)."""
    inputs = opdef.inputs
    n_in = len(inputs)
    input_set = frozenset(inputs)
    plain = not (opdef.variadic or opdef.dynamic_inputs)
    parse = opdef.parse_attrs
    compute = opdef.compute
    name_ = opdef.name

    def f(*args, out=None, name=None, **kwargs):
        attrs = None
        if plain and len(args) <= n_in and not kwargs.keys() & input_set:
            arrays = args       # the common call: inputs by position only
            if kwargs:
                for k in [k for k, v in kwargs.items() if v is _Null]:
                    del kwargs[k]
        else:
            pos, named, kwargs = split_call(opdef, args, kwargs, _is_nd)
            if plain:
                arrays = pos + [None] * (n_in - len(pos))
                for nm, v in named.items():
                    arrays[inputs.index(nm)] = v
                while arrays and arrays[-1] is None:
                    arrays.pop()
            elif opdef.dynamic_inputs:
                attrs = parse(kwargs)
                arrays = input_slots(opdef, attrs, pos, named)
                missing = [nm for nm, a in zip(opdef.list_inputs(attrs), arrays) if a is None]
                if missing:
                    raise OpError('%s: inputs %s are missing'
                                  % (_label(opdef, attrs), ', '.join(missing)))
            else:
                arrays = pos
        tensors = []
        for a in arrays:
            if type(a) is NDArray:
                tensors.append(a._data)
            elif a is None and plain:
                tensors.append(None)
            elif isinstance(a, NDArray):
                if a.stype != 'default':  # sparse inputs: mxnet/ndarray/_sparse_ops.py
                    return _sparse_invoke(opdef, arrays, kwargs, out)
                tensors.append(a._data)
            elif plain:
                raise OpError('%s: input must be an NDArray, got %s'
                              % (name_, type(a).__name__))
            else:
                raise OpError('%s: every positional input must be an NDArray, got %s'
                              % (name_, type(a).__name__))
        if attrs is None:
            attrs = parse(kwargs)
        res = compute(attrs, tensors)
        a = arrays[0] if arrays else None
        if a is not None:
            c = a._ctx
            if c is not None:
                c = c._opc
        else:
            c = _out_ctx(opdef, attrs, arrays)
        if type(res) is torch.Tensor and out is None:
            r = _wrap(res, c)
            if _STATE.recording:
                _maybe_record(opdef, attrs, arrays, res, r)
            return r
        outs = _wrap_outputs(opdef, res, out, c)
        if _STATE.recording:
            _maybe_record(opdef, attrs, arrays, res, outs)
        return outs

    f.__name__ = func_name or opdef.name
    f.__qualname__ = f.__name__
    f.__module__ = 'mxnet.ndarray'
    f.__doc__ = _doc(opdef, 'nd')
    try:
        f.__signature__ = signature(opdef, 'nd')
    except ValueError:
        pass
    f.opdef = opdef
    return f


def build_doc(opdef):
    """The ``mx.nd`` docstring of ``opdef`` (the binder's)."""
    return _doc(opdef, 'nd')


def populate(op_mod, internal_mod, submodules):
    """Install ``mx.nd`` functions for every registry op name and alias (the binder's layout:
    public names in ``op_mod``, '_' names in ``internal_mod``, ``_linalg_X`` as ``linalg.X``...;
    ``submodules`` maps 'linalg' etc. to the module objects to fill)."""
    _populate(make_function, op_mod, internal_mod, submodules)
