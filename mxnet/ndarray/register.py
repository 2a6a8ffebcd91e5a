"""Generate the ``mx.nd`` functions from the operator registry.

``make_function(opdef)`` returns ``f(*args, out=None, name=None, **kwargs)``: positional args
fill the op's inputs in order and then its parameters in declaration order (MXNet's generated
signatures), NDArray keyword args fill named inputs, the rest are parameters.
"""
import inspect

import torch

from ..base import MXNetError, _Null
from .._ops.registry import OpError
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


def _sparse_invoke(opdef, arrays, kwargs, out):
    from ._sparse_ops import invoke_sparse
    return invoke_sparse(opdef, arrays, kwargs, out)


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


def make_function(opdef, func_name=None):
    if getattr(opdef, 'nd_function', None) is not None:   # an op with its own binder (Custom)
        return opdef.nd_function(func_name or opdef.name)
    inputs = opdef.inputs
    n_in = len(inputs)
    param_names = tuple(k for k in opdef.params if k != opdef.variadic)
    variadic = opdef.variadic
    input_set = frozenset(inputs)
    parse = opdef.parse_attrs
    compute = opdef.compute
    name_ = opdef.name

    if variadic:
        def f(*args, out=None, name=None, **kwargs):
            arrays = []
            for a in args:
                if isinstance(a, (list, tuple)):
                    arrays.extend(a)
                else:
                    arrays.append(a)
            for a in arrays:
                if type(a) is not NDArray:
                    if not isinstance(a, NDArray):
                        raise OpError('%s: every positional input must be an NDArray, got %s'
                                      % (name_, type(a).__name__))
                    if a.stype != 'default':  # sparse inputs: mxnet/ndarray/_sparse_ops.py
                        return _sparse_invoke(opdef, arrays, kwargs, out)
            if variadic is not True:
                given = kwargs.get(variadic)
                if given is not None and int(given) != len(arrays):
                    raise OpError('%s: %s=%s does not match the %d inputs given'
                                  % (name_, variadic, given, len(arrays)))
                kwargs[variadic] = len(arrays)
            attrs = parse(kwargs)
            res = compute(attrs, [a._data for a in arrays])
            c = arrays[0]._ctx if arrays else None
            outs = _wrap_outputs(opdef, res, out, c if c is None else c._opc)
            if _STATE.recording:
                _maybe_record(opdef, attrs, arrays, res, outs)
            return outs
    else:
        def f(*args, out=None, name=None, **kwargs):
            if len(args) <= n_in and not kwargs.keys() & input_set:
                arrays = args
                rest = ()
            else:
                arrays = list(args[:n_in])
                rest = args[n_in:]
                arrays.extend([None] * (n_in - len(arrays)))
                for i, nm in enumerate(inputs):
                    if nm in kwargs:
                        if i < len(args):
                            raise OpError('%s: input %s given twice' % (name_, nm))
                        arrays[i] = kwargs.pop(nm)
                if rest:
                    if len(rest) > len(param_names):
                        raise OpError('%s takes at most %d positional arguments (%d given)'
                                      % (name_, n_in + len(param_names), len(args)))
                    for nm, v in zip(param_names, rest):
                        if nm in kwargs:
                            raise OpError('%s: parameter %s given twice' % (name_, nm))
                        kwargs[nm] = v
                while arrays and arrays[-1] is None:
                    arrays.pop()
            tensors = []
            for a in arrays:
                if a is None:
                    tensors.append(None)
                elif type(a) is NDArray:
                    tensors.append(a._data)
                elif isinstance(a, NDArray):
                    if a.stype != 'default':  # sparse inputs: mxnet/ndarray/_sparse_ops.py
                        return _sparse_invoke(opdef, arrays, kwargs, out)
                    tensors.append(a._data)
                else:
                    raise OpError('%s: input must be an NDArray, got %s'
                                  % (name_, type(a).__name__))
            if kwargs:
                for k in [k for k, v in kwargs.items() if v is _Null]:
                    del kwargs[k]
            attrs = parse(kwargs)
            res = compute(attrs, tensors)
            if n_in:
                a = arrays[0] if arrays else None
                c = a._ctx if a is not None else _out_ctx(opdef, attrs, arrays)
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
            if _STATE.recording and out is None:
                _maybe_record(opdef, attrs, arrays, res, outs)
            return outs

    f.__name__ = func_name or opdef.name
    f.__qualname__ = f.__name__
    f.__module__ = 'mxnet.ndarray'
    f.__doc__ = build_doc(opdef)
    try:
        sig_params = []
        if variadic:
            sig_params.append(inspect.Parameter('data', inspect.Parameter.VAR_POSITIONAL))
        else:
            for nm in inputs:
                sig_params.append(inspect.Parameter(nm, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                                    default=None))
        for nm in param_names:
            p = opdef.params[nm]
            kind = (inspect.Parameter.KEYWORD_ONLY if variadic
                    else inspect.Parameter.POSITIONAL_OR_KEYWORD)
            sig_params.append(inspect.Parameter(nm, kind,
                                                default=_Null if p.required else p.default))
        sig_params.append(inspect.Parameter('out', inspect.Parameter.KEYWORD_ONLY, default=None))
        sig_params.append(inspect.Parameter('name', inspect.Parameter.KEYWORD_ONLY, default=None))
        f.__signature__ = inspect.Signature(sig_params)
    except ValueError:
        pass
    f.opdef = opdef
    return f


def build_doc(opdef):
    lines = [inspect.cleandoc(opdef.doc) if opdef.doc else opdef.name, '', 'Parameters',
             '----------']
    if opdef.variadic:
        lines += ['data : NDArray[]', '    Input arrays.']
    else:
        for nm in opdef.inputs:
            lines += ['%s : NDArray' % nm, '    Input %s.' % nm]
    for nm, p in opdef.params.items():
        if nm == opdef.variadic:
            continue
        lines += ['%s : %s' % (nm, p.type_doc())]
        if p.doc:
            lines += ['    ' + p.doc]
    lines += ['out : NDArray, optional', '    The output NDArray to hold the result.', '',
              'Returns', '-------', 'out : NDArray or list of NDArrays',
              '    The output of this function.']
    return '\n'.join(lines)


_SUBMODULE_PREFIXES = (('_linalg_', 'linalg'), ('linalg_', 'linalg'), ('_contrib_', 'contrib'),
                       ('_image_', 'image'), ('_sparse_', 'sparse'))


def populate(op_mod, internal_mod, submodules):
    """Install a function for every registry op name and alias, as MXNet lays them out.

    Public names go to ``op_mod`` (re-exported as ``mx.nd.X``), names starting with '_' to
    ``internal_mod`` (``mx.nd._internal``); ``_linalg_X``/``linalg_X`` also become
    ``mx.nd.linalg.X``, ``_contrib_X`` ``mx.nd.contrib.X`` and so on (``submodules`` maps
    'linalg' etc. to module objects).
    """
    from .._ops.registry import all_ops
    for nm, opdef in sorted(all_ops().items()):
        f = make_function(opdef, nm)
        setattr(internal_mod if nm.startswith('_') else op_mod, nm, f)
        for prefix, sub in _SUBMODULE_PREFIXES:
            if nm.startswith(prefix) and sub in submodules:
                setattr(submodules[sub], nm[len(prefix):], f)
