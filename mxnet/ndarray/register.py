"""Generate the ``mx.nd`` functions from the operator registry.

``make_function(opdef)`` returns ``f(*args, out=None, name=None, **kwargs)``, bound as every
front end binds (``_ops/binder.py``): positional args fill the op's inputs in order and then its
parameters in declaration order (MXNet's generated signatures), NDArray keyword args fill named
inputs, the rest are parameters. ``invoke`` runs an op on already bound arrays.

A call with a sparse input goes to ``_sparse_invoke``: ``_sparse_ops.invoke_sparse``, which
``_sparse_ops`` (above this module in the package's order) installs here when it loads.
"""
import torch

from ..base import MXNetError, _Null, torch_dtype
from .._ops.registry import OpError, dtype_name
from .._ops.binder import (split_call, input_slots, signature, doc as _doc, populate as _populate,
                           _label)
from ..context import current_context
from .. import _state, engine as _engine
from ..engine import KernelFailure
from .ndarray import NDArray, _wrap, _assign
from ._handle import engine_call as _engine_run, before_write as _before_write, \
    meta_of as _meta_of
from .._tape import record as _record, INT_GRAD as _INT_GRAD, proxy as _proxy, \
    set_proxy as _set_proxy

_STATE = _state.state
_E = _engine.E


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
    if _E.slow:
        return _engine_run(opdef.name, lambda arrs: _now(opdef, attrs, kwargs, arrs, out, False),
                           arrays, _out_ctx(opdef, attrs, arrays), False)
    return _now(opdef, attrs, kwargs, arrays, out, False)


def _is_nd(v):
    return isinstance(v, NDArray)


# -- the engine's path (mxnet/engine.py) -----------------------------------------------------------
# f() above runs an op at once when nothing needs the engine; the rest goes through
# _handle.engine_call (failures carried on, ops pushed to the workers, profiling), which calls
# _now to run the op on the arrays' values. Errors a kernel finds (KernelFailure) are raised at
# the wait under the threaded engines, at the call under NaiveEngine.

def _engine_call(opdef, attrs, kwargs, arrays, out):
    for a in arrays:
        if a is not None and not isinstance(a, NDArray):
            raise OpError('%s: input must be an NDArray, got %s' % (opdef.name, type(a).__name__))
    if attrs is None:
        attrs = opdef.parse_attrs(kwargs)
    may_push = out is None and opdef.n_out(attrs) == 1
    if opdef.no_cse and _E.failures:    # a random op: see engine.RANDOM
        cell = _engine.RANDOM.failure
        if cell is not None and cell.exc is not None:
            # MXNet skips the op (its resource carries an error) and passes the error on
            tensors = [None if a is None else a._data for a in arrays]
            try:
                res = opdef.compute(attrs, tensors)
            except KernelFailure as e:
                if not e.outputs:
                    _engine.raise_failure(cell)
                    raise
                res = _placeholders(e.outputs, opdef, attrs)
            outs = _wrap_outputs(opdef, res, out, _out_ctx(opdef, attrs, arrays))
            _engine.mark_failed(outs if isinstance(outs, (list, tuple)) else [outs], cell)
            return outs
    # Custom reports itself (as 'Custom Operator' <op_type>::pure_python, mxnet/_ops/custom.py)
    name = None if opdef.name == 'Custom' else opdef.name
    return _engine_run(name, lambda arrs: _now(opdef, attrs, kwargs, arrs, out), arrays,
                       _out_ctx(opdef, attrs, arrays), may_push,
                       lambda: _preflight(opdef, attrs, arrays))


def _preflight(opdef, attrs, arrays):
    """Before an op goes to a worker: its output's shape and dtype (a meta tensor), from MXNet's
    shape rule of the op, or None when it has no cheap rule or its inputs do not fit it: the op
    then runs here, so that shape errors (and failed allocations) are raised at the call, as
    MXNet's shape inference raises them. (Running the op on meta tensors would say for every op,
    but torch's first meta call imports its symbolic-shape stack: over a second.)"""
    metas = [None if a is None else _meta_of(a) for a in arrays]
    if getattr(opdef, 'infer_outputs', None) is not None:   # the op knows (Custom's Prop)
        specs = opdef.infer_outputs(attrs, [None if m is None else tuple(m.shape) for m in metas],
                                    [None if m is None else dtype_name(m) for m in metas])
        if isinstance(specs, Exception):
            raise specs
        return torch.empty(specs[0][0], dtype=torch_dtype(specs[0][1]), device='meta')
    if not metas or metas[0] is None:
        return None
    m0 = metas[0]
    rule = opdef.shape_rule
    if rule == 'same':
        if any(m is None or m.shape != m0.shape or m.dtype != m0.dtype for m in metas):
            return None
        return m0
    if rule in ('unary', 'like_data') and len(metas) == 1:
        dt = getattr(attrs, 'dtype', None)
        if opdef.output_dtype == 'param' or (dt is not None and rule == 'like_data'):
            return None if dt is None else torch.empty(m0.shape, dtype=torch_dtype(dt),
                                                       device='meta')
        return m0
    if opdef.name == 'dot' and len(metas) == 2 and metas[1] is not None:
        return _dot_meta(attrs, m0, metas[1])
    return None


def _dot_meta(attrs, a, b):
    """dot's output for 1-D and 2-D inputs (N-D and mismatched ones run at the call)."""
    if a.dtype != b.dtype or a.dim() != 2 or b.dim() != 2:
        return None
    m, k = (a.shape[1], a.shape[0]) if attrs.transpose_a else tuple(a.shape)
    k2, n = (b.shape[1], b.shape[0]) if attrs.transpose_b else tuple(b.shape)
    if k != k2:
        return None
    return torch.empty((m, n), dtype=a.dtype, device='meta')


def _now(opdef, attrs, kwargs, arrays, out, sparse=True):
    """Run the op now on its arrays' values (waiting for pending ones); ``sparse``: an op with
    a sparse input goes to the sparse front end (invoke's callers made that choice)."""
    if out is not None:
        for o in (out if isinstance(out, (list, tuple)) else (out,)):
            if isinstance(o, NDArray):
                _before_write(o)
    if sparse:
        for a in arrays:
            if a is not None and a.stype != 'default':
                return _sparse_invoke(opdef, arrays, kwargs, out)
    tensors = [None if a is None else a._data for a in arrays]
    try:
        res = opdef.compute(attrs, tensors)
    except KernelFailure as e:
        return _kernel_failed(opdef, attrs, arrays, out, e)
    outs = _wrap_outputs(opdef, res, out, _out_ctx(opdef, attrs, arrays))
    if _STATE.recording:
        _maybe_record(opdef, attrs, arrays, res, outs)
    return outs


def _placeholders(specs, opdef, attrs):
    """Zero tensors standing for a failed op's outputs (what compute would have returned)."""
    ph = [torch.zeros(shape, dtype=dtype, device=dev) for shape, dtype, dev in specs]
    return ph[0] if len(ph) == 1 and opdef.n_out(attrs) == 1 else tuple(ph)


def _kernel_failed(opdef, attrs, arrays, out, e):
    """A kernel's error: under the threaded engines the outputs carry it to the next wait."""
    if not _E.threaded or not e.outputs:
        raise e
    res = _placeholders(e.outputs, opdef, attrs)
    outs = _wrap_outputs(opdef, res, out, _out_ctx(opdef, attrs, arrays))
    cell = _engine.Failure(e)
    _engine.mark_failed(outs if isinstance(outs, (list, tuple)) else [outs], cell, new=True)
    if opdef.no_cse:
        _engine.RANDOM.failure = cell
    return outs


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
        if _E.slow:
            return _engine_call(opdef, attrs, kwargs, arrays, out)
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
        if _E.inline_size and tensors and out is None:
            t = tensors[0]
            if t is not None and t.numel() >= _E.inline_size and not _STATE.recording:
                return _engine_call(opdef, attrs, kwargs, arrays, out)
        try:
            res = compute(attrs, tensors)
        except KernelFailure as e:
            return _kernel_failed(opdef, attrs, arrays, out, e)
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
