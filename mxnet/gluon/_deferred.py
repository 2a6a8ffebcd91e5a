"""Deferred shape inference for a Block's first imperative call.

``HybridBlock`` runs ``hybrid_forward`` once with ``F = _InferF(mx.nd)``: its operators fill
the unknown shapes of still-deferred Parameters (passed as ``_Pending``) from their inputs
through each registry op's ``infer_shape`` hook, then realize the Parameters.
"""
from ..ndarray import NDArray
from .._graph import fill_input_shapes
from .._ops.binder import split_call, input_slots
from .parameter import DeferredInitializationError


class _Pending:
    """Stands for a Parameter whose shape is still unknown inside hybrid_forward."""
    __slots__ = ('param', 'ctx')

    def __init__(self, param, ctx):
        self.param = param
        self.ctx = ctx


class _InferF:
    """Proxy for ``mx.nd`` used on a Block's first call while parameters are deferred."""

    def __init__(self, module):
        self._module = module

    def __getattr__(self, name):
        attr = getattr(self._module, name)
        if hasattr(attr, 'opdef'):
            return _infer_wrapper(attr)
        if callable(attr) and not isinstance(attr, type):
            return _plain_wrapper(attr)
        if hasattr(attr, '__name__') and type(attr).__name__ == 'module':
            return _InferF(attr)
        return attr


def _realize(v):
    if isinstance(v, _Pending):
        if not all(d > 0 for d in (v.param.shape or ())):
            raise DeferredInitializationError(
                "Parameter '%s' has unknown shape %s and the operator using it cannot infer it"
                % (v.param.name, v.param.shape))
        v.param._finish_deferred_init()
        return v.param.data(v.ctx)
    return v


def _plain_wrapper(fn):
    def f(*args, **kwargs):
        args = [_realize(a) for a in args]
        kwargs = {k: _realize(v) for k, v in kwargs.items()}
        return fn(*args, **kwargs)
    return f


def _infer_wrapper(fn):
    opdef = fn.opdef

    def f(*args, **kwargs):
        pend = [a for a in args if isinstance(a, _Pending)] + \
            [v for v in kwargs.values() if isinstance(v, _Pending)]
        if pend:
            _fill_shapes(opdef, args, kwargs)
        args = [_realize(a) for a in args]
        kwargs = {k: _realize(v) for k, v in kwargs.items()}
        return fn(*args, **kwargs)
    return f


def _fill_shapes(opdef, args, kwargs):
    """Fill the shapes of the deferred Parameters among an operator call's inputs, by the rule
    Symbol shape inference uses (``_graph.fill_input_shapes``: the op's ``infer_shape`` hook
    given the data shape); the call is bound as ``mx.nd`` binds it (``_ops.binder``)."""
    if opdef.infer_shape is None:
        return
    kwargs = {k: v for k, v in kwargs.items() if k not in ('name', 'out')}
    pos, named, params = split_call(opdef, args, kwargs, _is_input)
    attrs = opdef.parse_attrs(params)
    slots = input_slots(opdef, attrs, pos, named)
    shapes = []
    for v in slots:
        if isinstance(v, NDArray):
            shapes.append(tuple(v.shape))
        elif isinstance(v, _Pending):
            shp = v.param.shape
            shapes.append(tuple(shp) if shp else None)
        else:
            shapes.append(None)
    if not shapes or shapes[0] is None:
        return
    for j, shp in fill_input_shapes(opdef, attrs, shapes, opdef.name):
        v = slots[j]
        if isinstance(v, _Pending):
            v.param.shape = shp


def _is_input(v):
    return isinstance(v, (NDArray, _Pending))
